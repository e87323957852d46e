/*
 * The whole-proof codec: a swirl_proof as bytes, exactly as OpenVM v2.0.1 encodes a Proof
 * (crates/stark-backend/src/proof.rs, Encode/Decode for Proof, TraceVData, GkrProof,
 * GkrLayerClaims, BatchConstraintProof; conventions of codec.rs, see bytes.h: u32 little-endian,
 * usize as u32, canonical field elements, extension elements as 4 coefficients, digests as 8
 * field elements). StackingProof and WhirProof are codec_pcs.h's.
 *
 * Layout, in order:
 *   u32 CODEC_VERSION (3) | digest common_main_commit | u32 number of AIRs |
 *   presence bitmap: ceil(n_airs / 8) bytes, AIR i is bit (i % 8) of byte i / 8, padding bits 0 |
 *   per present AIR (vk order): TraceVData = u32 log_height, u32 count + cached commitments |
 *   u32 number of AIRs, per AIR (vk order): u32 count + public values (empty for an absent AIR) |
 *   GkrProof: field logup_pow_witness, ext q0_claim, u32 n + n layer claims (p_xi_0, p_xi_1,
 *     q_xi_0, q_xi_1), then for rounds j = 1..n-1 j sumcheck entries of 3 ext (s(1), s(2), s(3))
 *     with no length prefixes (the decoder derives them from n, as OpenVM's does) |
 *   BatchConstraintProof: u32 m + m ext numerator terms, m ext denominator terms (no prefix),
 *     u32 + univariate round coefficients, u32 n_max, when n_max > 0: u32 evaluations per round
 *     and n_max rounds of them (no prefixes), then per present AIR in sorted order (log height
 *     descending, ties by AIR index): u32 number of parts, per part (common main, preprocessed if
 *     any, cached 0, 1, ...) u32 count + ext values (col, rot pairs when the AIR needs the
 *     rotation, else col only) |
 *   StackingProof | WhirProof.
 *
 * Decoding is checked against the verifying key as OpenVM's decode followed by its
 * verify_proof_shape would be: the AIR count, required AIRs present, bitmap padding bits zero,
 * cached commitment and public value counts, log heights <= l_skip + n_stack, the GKR layer count
 * (l_skip + n_logup from the present AIRs' interactions, 0 without interactions), the batch
 * proof's AIR count, round-0 length, round count and per-round length, parts per AIR and values
 * per part, the stacking proof's round-0 length, round count, commit count and stacked widths (and
 * their sum <= w_stack), WHIR's shapes (codec_pcs.h) and widths, and no trailing bytes. Any
 * failure is SWIRL_E_PROOF_MALFORMED with a message naming the part and the byte offset (only a
 * real allocation failure is SWIRL_E_NOMEM); no length is trusted before the remaining input can
 * hold it, nothing is read past the end, and a failed decode frees everything it allocated.
 * Whether the proof verifies is swirl_verify's business.
 */
#ifndef SWIRL_PROTOCOL_CODEC_PROOF_H
#define SWIRL_PROTOCOL_CODEC_PROOF_H

#include "protocol/bytes.h"
#include "protocol/flow.h"

/** What a batch constraint proof must look like (from the vk and the proof header). */
typedef struct swirl_batch_shape {
    size_t n_traces;              /* present AIRs */
    const swirl_air *const *airs; /* per present AIR in sorted order (see above) */
    size_t n_univariate;          /* (max_constraint_degree + 1) (2^l_skip - 1) + 1 */
    size_t n_rounds;              /* n_max = max(tallest log height - l_skip, 0) */
    size_t s_deg;                 /* evaluations per round: max_constraint_degree + 1 */
} swirl_batch_shape;

#ifdef __cplusplus
extern "C" {
#endif

/** Appends the GkrProof (p->n_sumcheck_entries must be n_layers (n_layers - 1) / 2). */
void swirl_gkr_proof_encode(swirl_bytes *out, const swirl_gkr_proof *p);
/** Reads a GkrProof as OpenVM's decode does (the sumcheck entries' count derived from the number
 *  of layers); the layer count is checked against the vk by swirl_proof_decode. */
enum swirl_status swirl_gkr_proof_decode(swirl_gkr_proof *p,
                                         swirl_reader *r) SWIRL_WARN_UNUSED_RESULT;

/** Appends the BatchConstraintProof; the openings are split into parts by shape->airs.
 *  SWIRL_E_INVALID_ARG when the proof's AIR count or values per AIR disagree with the shape. */
enum swirl_status swirl_batch_proof_encode(swirl_bytes *out, const swirl_batch_proof *p,
                                           const swirl_batch_shape *shape) SWIRL_WARN_UNUSED_RESULT;
/** Reads a BatchConstraintProof, refusing (MALFORMED) every length that disagrees with shape. */
enum swirl_status swirl_batch_proof_decode(swirl_batch_proof *p, swirl_reader *r,
                                           const swirl_batch_shape *shape) SWIRL_WARN_UNUSED_RESULT;

/**
 * The sorted present AIRs of a proof header: order[k] = the AIR index of trace k (log height
 * descending, ties by AIR index). Returns the number of present AIRs.
 */
size_t swirl_proof_trace_order(size_t *order, const uint8_t *present, const unsigned *log_heights,
                               size_t n_airs);

/**
 * Encodes the proof for the vk it was made with into a new buffer (*bytes, *len; the caller frees
 * it with free()). SWIRL_E_INVALID_ARG when the proof's in-memory shape cannot be laid out (AIR
 * count, missing public values or cached commitments, openings per AIR, GKR entries).
 */
enum swirl_status swirl_proof_encode(uint8_t **bytes, size_t *len, const swirl_proof *p,
                                     const swirl_vk *vk) SWIRL_WARN_UNUSED_RESULT;

/** Decodes bytes[0..len) for the vk into *p (owned; swirl_proof_clear frees it). */
enum swirl_status swirl_proof_decode(swirl_proof *p, const uint8_t *bytes, size_t len,
                                     const swirl_vk *vk) SWIRL_WARN_UNUSED_RESULT;

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_PROTOCOL_CODEC_PROOF_H */
