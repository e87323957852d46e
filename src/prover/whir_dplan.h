/*
 * The host side of the device WHIR (device/whir_impl.h, prover/cuda_whir.cu): the run's shape
 * from SystemParams and the commits' layouts (swirl_whir_prove's argument checks), the device
 * proof buffer's layout (32-bit words: every proof value, the query indices of every round),
 * the swirl_whir_proof read back from a filled buffer, and the host replay of the stage's
 * transcript operations from the proof values (for a transcript with a log attached). Shared by
 * the CUDA stage and its CPU twin (tests/test_whir_twin.c), which fills the same buffer.
 *
 * The proof buffer (uint32 words; field elements in their Montgomery form, as bb31 stores them,
 * except the PoW witnesses, which are canonical, as swirl_cuda_transcript_grind writes them):
 *   o_mu_w      1 word, the mu PoW witness
 *   o_polys     R k sumcheck entries, 2 extension values (8 words) each
 *   o_fold_w    R k words, the folding PoW witnesses
 *   o_query_w   R words, the query PoW witnesses
 *   o_commits   R - 1 digests (8 words), the codeword roots
 *   o_ood       R - 1 extension values, the OOD answers
 *   o_final     final_len extension values
 *   o_rows0     per commit c at row_off[c]: q0 queries x 2^k rows x widths[c] base values
 *               (swirl_stacked_pcs_open_rows' order)
 *   o_paths0    per commit c: q0 x depth[0] digests at o_paths0 + 8 c q0 depth[0]
 *   o_cw_vals   rounds r >= 1: q[r] x 2^k extension values at cw_val_off[r]
 *   o_cw_paths  rounds r >= 1: q[r] x depth[r] digests at cw_path_off[r]
 *   o_idx       every round's query indices at idx_off[r] (q[r] words)
 */
#ifndef SWIRL_PROVER_WHIR_DPLAN_H
#define SWIRL_PROVER_WHIR_DPLAN_H

#include "pcs/whir.h"
#include "pcs/whir_config.h"

typedef struct swirl_whir_dplan {
    size_t m, n, k, R, l_skip, log_blowup, final_len;
    unsigned mu_bits, fold_bits, query_bits;
    size_t q[SWIRL_WHIR_MAX_ROUNDS];      /* queries per round */
    size_t depth[SWIRL_WHIR_MAX_ROUNDS];  /* query bits = Merkle depth per round */
    size_t log_rs[SWIRL_WHIR_MAX_ROUNDS]; /* log2 of the codeword queried in round r */
    size_t n_commits, total_width;
    size_t *widths;  /* n_commits */
    size_t *row_off; /* n_commits + 1: commit c's rows inside o_rows0 (words) */
    size_t cw_val_off[SWIRL_WHIR_MAX_ROUNDS], cw_path_off[SWIRL_WHIR_MAX_ROUNDS]; /* entries */
    size_t idx_off[SWIRL_WHIR_MAX_ROUNDS];                                        /* words */
    size_t cw_vals, cw_paths; /* entries of rounds >= 1 */
    size_t o_mu_w, o_polys, o_fold_w, o_query_w, o_commits, o_ood, o_final, o_rows0, o_paths0,
        o_cw_vals, o_cw_paths, o_idx, words;
} swirl_whir_dplan;

#ifdef __cplusplus
extern "C" {
#endif

/** The plan of swirl_whir_prove(params, commits) with its argument checks (SWIRL_E_INVALID_ARG
 *  with the same messages); SWIRL_E_UNSUPPORTED for a round with more than
 *  SWIRL_WHIR_IMPL_MAX_QUERIES queries. Clear with swirl_whir_dplan_clear, on failure too. */
enum swirl_status swirl_whir_dplan_init(swirl_whir_dplan *pl, const swirl_system_params *params,
                                        const swirl_stacked_pcs_data *const *commits,
                                        size_t n_commits) SWIRL_WARN_UNUSED_RESULT;
void swirl_whir_dplan_clear(swirl_whir_dplan *pl);

/** *proof (owned by the caller: swirl_whir_proof_clear) from a filled proof buffer (pl->words
 *  words). SWIRL_E_INTERNAL when a PoW witness is p (the device search found none). */
enum swirl_status swirl_whir_dplan_unpack(const swirl_whir_dplan *pl, swirl_whir_proof *proof,
                                          const uint32_t *buf) SWIRL_WARN_UNUSED_RESULT;

/** The stage's transcript operations replayed on *t from the proof values (a log attached to t
 *  sees them as swirl_whir_prove makes them); SWIRL_E_INTERNAL when a witness fails or a query
 *  index differs from the buffer's (buf: the proof buffer the proof came from). */
enum swirl_status swirl_whir_dplan_replay(const swirl_whir_dplan *pl, swirl_transcript *t,
                                          const swirl_whir_proof *proof,
                                          const uint32_t *buf) SWIRL_WARN_UNUSED_RESULT;

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_PROVER_WHIR_DPLAN_H */
