/*
 * The shape plan of the rap_constraints stage, for a backend that runs the stage on a device with
 * Fiat–Shamir there (issue 13): everything the stage will allocate, launch and write is known from
 * the AIRs and the trace heights before any work starts, so the host plans once and enqueues.
 *
 * The plan gives
 *  - the stage's shapes: LogUp-GKR layers, rounds after round 0, round polynomial degrees, the
 *    number of opened values per trace (the same quantities protocol/zerocheck.c derives while it
 *    proves: swirl_rap_plan_make computes them up front from the same rules);
 *  - the device proof buffer: every value of the stage's part of the proof (the GKR proof, the
 *    batch constraint sumcheck proof) and the sumcheck point r, at a fixed offset in one array of
 *    bb31x4, so device kernels write each value where the plan says and the host downloads the
 *    buffer once at the end of the stage (swirl_rap_proof_unpack turns it into the proof structs;
 *    swirl_rap_proof_pack is its inverse, the CPU twin used by the tests);
 *  - the device bytes the stage needs beyond the traces (GKR tables, folded tables, round-0
 *    scratch), an upper bound the arena is reserved with before the stage, so nothing is allocated
 *    while it runs and a system that does not fit fails before any kernel starts.
 *
 * Ownership: a plan owns openings_per_trace (swirl_rap_plan_clear frees it; clearing a zeroed plan
 * is a no-op). Unpack allocates the proof arrays as the CPU prover does (swirl_gkr_proof_clear,
 * swirl_batch_proof_clear free them).
 */
#ifndef SWIRL_PROVER_RAP_PLAN_H
#define SWIRL_PROVER_RAP_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "protocol/gkr.h"
#include "protocol/zerocheck.h"

/** A run of values in the proof buffer: [off, off + len) in bb31x4 slots. */
typedef struct swirl_rap_span {
    size_t off, len;
} swirl_rap_span;

typedef struct swirl_rap_plan {
    size_t n_traces;
    unsigned l_skip, G;         /* G: the maximal constraint degree */
    uint64_t interaction_rows;  /* sum over traces of n_interactions x lifted height */
    unsigned n_logup;           /* LogUp hypercube beyond l_skip (0 without interactions) */
    unsigned gkr_layers;        /* l_skip + n_logup, or 0 without interactions */
    size_t n_max;               /* multilinear rounds: the tallest trace's log height - l_skip */
    size_t s_deg, s0deg;        /* degree of the multilinear round polys; of round 0's */
    size_t n_xi;                /* coordinates of xi: l_skip + max(n_max, n_logup) */
    size_t *openings_per_trace; /* opened values per trace (owned) */
    size_t n_openings;
    /* the device proof buffer, in bb31x4 slots */
    swirl_rap_span logup_pow;  /* 1: the witness in coordinate 0 */
    swirl_rap_span q0_claim;   /* 1 */
    swirl_rap_span gkr_claims; /* 4 per layer: p_xi_0, p_xi_1, q_xi_0, q_xi_1 */
    swirl_rap_span gkr_polys; /* 3 per GKR sumcheck round: gkr_layers (gkr_layers - 1) / 2 rounds */
    swirl_rap_span numerator_terms, denominator_terms; /* n_traces each */
    swirl_rap_span univariate;                         /* s0deg + 1 */
    swirl_rap_span mle_polys;                          /* n_max x s_deg */
    swirl_rap_span openings;                           /* n_openings */
    swirl_rap_span r;                                  /* n_max + 1 */
    size_t buffer_len;
    /* device bytes the stage needs besides the traces (upper bounds) */
    size_t trace_bytes; /* the traces' columns (preprocessed, cached, common) */
    size_t gkr_bytes;   /* input layer and fraction tree: p and q, 2 x 2^gkr_layers each */
    size_t fold_bytes;  /* the tables folded at r0: every view's columns and 3 selectors */
    size_t round0_bytes;
} swirl_rap_plan;

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Plans the stage for the traces (sorted by height, descending, as the prover takes them).
 * SWIRL_E_INVALID_ARG when a height is not a power of two, an AIR's degree exceeds
 * zp->max_constraint_degree or the traces are not sorted; SWIRL_E_NOMEM.
 */
enum swirl_status swirl_rap_plan_make(swirl_rap_plan *plan, const swirl_zc_params *zp,
                                      const swirl_air_instance *traces,
                                      size_t n) SWIRL_WARN_UNUSED_RESULT;
void swirl_rap_plan_clear(swirl_rap_plan *plan);

/** Writes the stage's proof values and r (plan->n_max + 1 values) into buf (plan->buffer_len
 *  slots). SWIRL_E_INTERNAL naming the part when a proof's shape differs from the plan's. */
enum swirl_status swirl_rap_proof_pack(const swirl_rap_plan *plan, const swirl_gkr_proof *gkr,
                                       const swirl_batch_proof *proof, const bb31x4 *r,
                                       bb31x4 *buf) SWIRL_WARN_UNUSED_RESULT;
/** The inverse: fills gkr, proof (allocated here) and r (n_max + 1 values) from buf. */
enum swirl_status swirl_rap_proof_unpack(const swirl_rap_plan *plan, const bb31x4 *buf,
                                         swirl_gkr_proof *gkr, swirl_batch_proof *proof,
                                         bb31x4 *r) SWIRL_WARN_UNUSED_RESULT;

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_PROVER_RAP_PLAN_H */
