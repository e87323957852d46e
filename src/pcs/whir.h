/*
 * WHIR opening proof (OpenVM v2.0.1 prover/whir.rs prove_whir_opening, verifier/whir.rs
 * verify_whir): proves the μ-batched stacked openings at u_cube (m = l_skip + n_stack coordinates;
 * u_cube = (u_0, u_0^2, ..., u_0^(2^(l_skip-1)), u_1, ..., u_{n_stack})) for the committed stacked
 * matrices, with the WHIR configuration of SystemParams.
 *
 * Transcript: grind μ-PoW, sample μ; per WHIR round: k sumcheck rounds (observe s(1), s(2), grind
 * folding PoW, sample α); then either commit the folded codeword (observe root, sample z0, observe
 * g(z0)) or, in the last round, observe the final polynomial; grind query PoW; sample the query
 * indices; sample γ.
 */
#ifndef SWIRL_PCS_WHIR_H
#define SWIRL_PCS_WHIR_H

#include "pcs/stacked.h"
#include "swirl/swirl_params.h"
#include "transcript/transcript.h"

/** WhirProof (owned; swirl_whir_proof_clear frees it). Array shapes follow from the config. */
typedef struct swirl_whir_proof {
    bb31 mu_pow_witness;
    bb31x4 (*sumcheck_polys)[2]; /* rounds * k */
    size_t n_sumcheck;
    swirl_digest *codeword_commits; /* rounds - 1 */
    bb31x4 *ood_values;             /* rounds - 1 */
    size_t n_codeword;
    bb31 *folding_pow_witnesses; /* rounds * k */
    bb31 *query_pow_witnesses;   /* rounds */
    size_t n_rounds;
    /* initial round, per commit c, per query q: 2^k rows of widths[c] base elements, and the
     * Merkle path (depth0 digests) */
    size_t n_commits;
    size_t *widths;
    bb31 *initial_rows;
    swirl_digest *initial_paths;
    /* later rounds r >= 1, per query: 2^k extension values and the path */
    bb31x4 *codeword_values;
    swirl_digest *codeword_paths;
    bb31x4 *final_poly;
    size_t n_final;
} swirl_whir_proof;

#ifdef __cplusplus
extern "C" {
#endif

void swirl_whir_proof_clear(swirl_whir_proof *p);

/**
 * Prover over the committed stacked data (all of height 2^(l_skip + n_stack), common main first,
 * then the other commitments in the order the verifier gets their roots); u_cube holds
 * l_skip + n_stack coordinates. Writes *proof (freed with swirl_whir_proof_clear) and advances *t;
 * on failure *proof is left empty. Runs on all OpenMP threads; the proof bytes do not depend on
 * the thread count. Records the span prover.openings.whir (sub-spans: whir_f_evals_batch,
 * whir_mle_conversion, whir_sumcheck, whir_dft_merkle, whir_pow, whir_w_evals_accum). The round
 * shapes come from swirl_whir_plan_init (pcs/whir_config.h).
 * Errors: SWIRL_E_INVALID_ARG (NULL, no commits, a commit of another height, parameters the plan
 * refuses), SWIRL_E_NOMEM.
 */
/* `ops`: the primitive table for the sumcheck evaluations, the folds and the codeword Merkle
 * trees (NULL: the CPU table). */
enum swirl_status swirl_whir_prove(const swirl_backend_ops *ops, swirl_whir_proof *proof,
                                   swirl_transcript *t, const swirl_system_params *params,
                                   const swirl_stacked_pcs_data *const *commits, size_t n_commits,
                                   const bb31x4 *u_cube) SWIRL_WARN_UNUSED_RESULT;

/**
 * Verifier: openings[] holds the stacked openings of all commits concatenated (widths[c] per
 * commit), roots[c] the commitments. SWIRL_E_PROOF_MALFORMED on a shape mismatch,
 * SWIRL_E_PROOF_REJECTED when a check fails.
 */
enum swirl_status swirl_whir_verify(swirl_transcript *t, const swirl_system_params *params,
                                    const swirl_whir_proof *proof, const bb31x4 *openings,
                                    const size_t *widths, const swirl_digest *roots,
                                    size_t n_commits,
                                    const bb31x4 *u_cube) SWIRL_WARN_UNUSED_RESULT;

/** Test oracle: the opening of stacked column `col` of `d` that WHIR proves at u_cube. */
bb31x4 swirl_whir_opening_oracle(const swirl_stacked_pcs_data *d, size_t col, unsigned l_skip,
                                 const bb31x4 *u_cube);

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_PCS_WHIR_H */
