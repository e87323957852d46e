/*
 * The rap_constraints stage of SWIRL (OpenVM v2.0.1
 * prover/logup_zerocheck/{mod.rs,cpu.rs,single.rs}, verifier/{batch_constraints.rs,evaluator.rs}):
 * LogUp PoW, alpha/beta, the LogUp-GKR over the interaction fractions, then the batch constraint
 * sumcheck (zerocheck of every AIR's constraints batched with the LogUp input claims) with a
 * univariate-skip round 0 and multilinear rounds, ending in the trace-column opening claims at r.
 *
 * Status: prover and verifier agree with each other and reject wrong traces and tampered values
 * (tests/test_zerocheck.c). Byte-level agreement with OpenVM's transcript is NOT yet checked: there
 * are no OpenVM vectors for this stage, and one choice was made from our reading of the source
 * (selectors of traces shorter than 2^l_skip are periodic in the lifted rows).
 *
 * Partitions: a trace may have a preprocessed part and cached main parts besides its common main
 * (swirl_air_instance.preprocessed / .cached; in the DAG, main part i < n_cached is cached
 * partition i and part n_cached the common main, as OpenVM's partitioned_main). The openings per
 * trace are ordered common main, preprocessed, cached 0, 1, ... (OpenVM proof_shape.rs:468-516);
 * the transcript takes every trace's common main openings first, then per trace its other parts
 * (prover logup_zerocheck/mod.rs:408-421, verifier batch_constraints.rs:274-301); both checked
 * against the source. The flow (protocol/flow.h) supplies the preprocessed trace from the key and
 * opens every part in its own commitment. The CPU code is the reference: round 0 runs each AIR's
 * constraint program (air/program.h) in the base field, 16 points at a time with AVX-512 where
 * available; round 0, the multilinear rounds and the folds run on OpenMP threads through the
 * device table's slots (device/ops.h: constraint_round0, constraint_round, sumcheck_fold; the CPU
 * ones in device/cpu/).
 */
#ifndef SWIRL_PROTOCOL_ZEROCHECK_H
#define SWIRL_PROTOCOL_ZEROCHECK_H

#include "air/dag.h"
#include "device/ops.h"
#include "protocol/gkr.h"

/** BatchConstraintProof (owned; swirl_batch_proof_clear frees it). */
typedef struct swirl_batch_proof {
    size_t n_traces;
    bb31x4 *numerator_term_per_air;
    bb31x4 *denominator_term_per_air;
    bb31x4 *univariate_round_coeffs;
    size_t n_univariate;
    bb31x4 *sumcheck_round_polys; /* n_rounds x s_deg evaluations at 1..s_deg */
    size_t n_rounds, s_deg;
    /* column openings: per trace, per part (common main, preprocessed, cached...), per column:
     * claim (and claim_rot when the AIR needs the rotation), flattened */
    bb31x4 *openings;
    size_t *openings_per_trace; /* number of bb31x4 values per trace */
} swirl_batch_proof;

typedef struct swirl_zc_params {
    unsigned l_skip;
    unsigned max_constraint_degree;
    unsigned logup_pow_bits;
} swirl_zc_params;

#ifdef __cplusplus
extern "C" {
#endif

void swirl_batch_proof_clear(swirl_batch_proof *p);

/** Whether the AIR reads the next row of a main or preprocessed column (openings carry t_rot). */
int swirl_zc_need_rot(const swirl_air *air);

/** Prover over the traces (sorted by height, descending). r_out gets n_max + 1 values. */
/* `ops`: the primitive table for its heavy steps (round evaluations, folds, the GKR's; NULL: the
 * CPU table). */
enum swirl_status swirl_zerocheck_prove(const swirl_backend_ops *ops, swirl_gkr_proof *gkr,
                                        swirl_batch_proof *proof, bb31x4 *r_out, size_t *n_r,
                                        swirl_transcript *t, const swirl_zc_params *zp,
                                        const swirl_air_instance *traces,
                                        size_t n) SWIRL_WARN_UNUSED_RESULT;

/** Verifier: the AIRs and log heights of the traces (sorted), public values per trace. */
enum swirl_status swirl_zerocheck_verify(bb31x4 *r_out, size_t *n_r, swirl_transcript *t,
                                         const swirl_zc_params *zp, const swirl_gkr_proof *gkr,
                                         const swirl_batch_proof *proof,
                                         const swirl_air *const *airs, const unsigned *log_heights,
                                         const bb31 *const *public_values,
                                         size_t n) SWIRL_WARN_UNUSED_RESULT;

#ifdef __cplusplus
}
#endif

#endif
