/*
 * LogUp-GKR fractional sumcheck (OpenVM v2.0.1 prover/logup_zerocheck/fractional_sumcheck_gkr.rs,
 * verifier/fractional_sumcheck_gkr.rs): proves that sum_x p(x)/q(x) over 2^n leaves is zero by a
 * GKR over the binary fraction tree (parent = left + right as fractions), reducing to evaluations
 * of the leaf MLEs at a random point.
 *
 * Transcript (prover, assert_zero): observe q_root; observe layer-0 claims (p_xi_0, q_xi_0, p_xi_1,
 * q_xi_1); sample mu; per round j = 1..n-1: sample lambda, j sumcheck sub-rounds (observe s(1),
 * s(2), s(3), sample r), observe the layer-j claims, sample mu.
 */
#ifndef SWIRL_PROTOCOL_GKR_H
#define SWIRL_PROTOCOL_GKR_H

#include "device/ops.h"
#include "field/bb31_ext4.h"
#include "transcript/transcript.h"

typedef struct swirl_gkr_layer_claims {
    bb31x4 p_xi_0, p_xi_1, q_xi_0, q_xi_1;
} swirl_gkr_layer_claims;

/** GkrProof (owned; swirl_gkr_proof_clear frees it). Round j's sumcheck has j sub-rounds;
 *  sumcheck_polys holds them concatenated (j = 1..n-1, n(n-1)/2 entries). */
typedef struct swirl_gkr_proof {
    bb31 logup_pow_witness;
    bb31x4 q0_claim;
    swirl_gkr_layer_claims *claims_per_layer; /* n */
    size_t n_layers;
    bb31x4 (*sumcheck_polys)[3];
    size_t n_sumcheck_entries;
} swirl_gkr_proof;

#ifdef __cplusplus
extern "C" {
#endif

void swirl_gkr_proof_clear(swirl_gkr_proof *p);

/**
 * Prover with assert_zero: leaves p[i]/q[i], i < 2^n (n >= 1). Fails with SWIRL_E_UNSATISFIED when
 * the fractions do not sum to zero. Fills the proof (not the PoW witness) and xi_out (n values).
 */
/* `ops`: the primitive table for the fraction tree, the layer rounds and the folds (NULL: the CPU
 * table). */
enum swirl_status swirl_gkr_prove(const swirl_backend_ops *ops, swirl_gkr_proof *proof,
                                  bb31x4 *xi_out, swirl_transcript *t, const bb31x4 *p,
                                  const bb31x4 *q, unsigned n) SWIRL_WARN_UNUSED_RESULT;

/**
 * Verifier: on success writes the claimed leaf-MLE evaluations (numer, denom) at the returned point
 * r (n values). SWIRL_E_PROOF_MALFORMED for a wrong shape, SWIRL_E_PROOF_REJECTED otherwise.
 */
enum swirl_status swirl_gkr_verify(bb31x4 *numer, bb31x4 *denom, bb31x4 *r,
                                   const swirl_gkr_proof *proof, swirl_transcript *t,
                                   unsigned n) SWIRL_WARN_UNUSED_RESULT;

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_PROTOCOL_GKR_H */
