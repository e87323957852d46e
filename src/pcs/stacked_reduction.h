/*
 * The stacked opening reduction (OpenVM v2.0.1 prover/stacked_reduction.rs StackedReductionCpu,
 * verifier/stacked_reduction.rs): reduces the trace-column opening claims at r (each column's
 * claim t_eq and, when its AIR needs the rotation, t_rot) to openings of the stacked columns at
 * u = (u_0, ..., u_{n_stack}), by a sumcheck whose round 0 is univariate over the skip domain D
 * (2^(l_skip+1) - 1 coefficients) and whose rounds 1..n_stack are multilinear (evaluations at 1,
 * 2).
 *
 * Claim order: per commit, per column in layout order (layout->cols); claim k carries the weights
 * lambda^(2k) (eq) and lambda^(2k+1) (rotation).
 * Transcript: sample lambda; observe the round-0 coefficients; sample u_0; per round observe s(1),
 * s(2) and sample u_j; observe every stacked opening (per commit, per stacked column).
 */
#ifndef SWIRL_PCS_STACKED_REDUCTION_H
#define SWIRL_PCS_STACKED_REDUCTION_H

#include "pcs/stacked.h"
#include "transcript/transcript.h"

/**
 * A committed stacked matrix as the reduction sees it (not owned). The prover reads the stacked
 * columns from `matrix` when it is set, else from `pcs` (swirl_stacked_pcs_host_matrix: for
 * device data the counted fallback copy); the verifier needs neither.
 */
typedef struct swirl_stacked_commit_view {
    const swirl_stacked_layout *layout;
    const bb31 *matrix;  /* layout->height x layout->width, column-major, or NULL */
    const int *need_rot; /* per matrix of the layout (layout->num_mats entries) */
    const swirl_stacked_pcs_data *pcs; /* the committed data, or NULL */
} swirl_stacked_commit_view;

/** StackingProof (owned; swirl_stacking_proof_clear frees it). */
typedef struct swirl_stacking_proof {
    bb31x4 *univariate_round_coeffs; /* 2 (2^l_skip - 1) + 1 */
    size_t n_univariate;
    bb31x4 (*sumcheck_round_polys)[2]; /* n_stack rounds: s(1), s(2) */
    size_t n_rounds;
    bb31x4 *stacking_openings; /* all commits, concatenated */
    size_t *openings_per_commit;
    size_t n_commits;
} swirl_stacking_proof;

#ifdef __cplusplus
extern "C" {
#endif

void swirl_stacking_proof_clear(swirl_stacking_proof *p);

/**
 * Prover. r has 1 + n_stack coordinates (r_0 on D, then the cube); u_out receives 1 + n_stack
 * values. All layouts must have height 2^(l_skip + n_stack).
 */
/* `ops`: the primitive table for the folds (NULL: the CPU table). */
enum swirl_status swirl_stacked_reduction_prove(const swirl_backend_ops *ops,
                                                swirl_stacking_proof *proof, bb31x4 *u_out,
                                                swirl_transcript *t,
                                                const swirl_stacked_commit_view *commits,
                                                size_t n_commits, unsigned l_skip, unsigned n_stack,
                                                const bb31x4 *r) SWIRL_WARN_UNUSED_RESULT;

/**
 * Verifier. claims[k] = (t_eq, t_rot) for column k in claim order (t_rot ignored where the
 * rotation is not needed). Returns SWIRL_OK with u_out filled, SWIRL_E_PROOF_REJECTED when a check
 * fails, SWIRL_E_PROOF_MALFORMED when the proof has the wrong shape.
 */
enum swirl_status swirl_stacked_reduction_verify(
    bb31x4 *u_out, swirl_transcript *t, const swirl_stacking_proof *proof,
    const swirl_stacked_commit_view *commits, size_t n_commits, unsigned l_skip, unsigned n_stack,
    const bb31x4 (*claims)[2], size_t n_claims, const bb31x4 *r) SWIRL_WARN_UNUSED_RESULT;

/** Test oracle: the claims a correct opening gives, computed by direct sums over D x cube. */
enum swirl_status swirl_stacked_reduction_claims(bb31x4 (*claims)[2],
                                                 const swirl_stacked_commit_view *commits,
                                                 size_t n_commits, unsigned l_skip,
                                                 const bb31x4 *r) SWIRL_WARN_UNUSED_RESULT;

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_PCS_STACKED_REDUCTION_H */
