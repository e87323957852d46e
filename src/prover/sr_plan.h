/*
 * The host side of the device stacked opening reduction (device/sr_impl.h): the trace views in
 * claim order, their height classes, the per-round pair offsets and the proof buffer's layout,
 * built from the commits' layouts alone (no matrix is read), and the stacking proof read back
 * from the proof buffer. Shared by the CUDA stage (prover/cuda_openings.cu) and its CPU twin
 * (tests/test_sr_twin.c).
 */
#ifndef SWIRL_PROVER_SR_PLAN_H
#define SWIRL_PROVER_SR_PLAN_H

#include "device/sr_impl.h"
#include "pcs/stacked_reduction.h"

typedef struct swirl_sr_plan {
    swirl_sr_params prm;
    swirl_sr_view *views;  /* prm.ntv, claim order */
    swirl_sr_class *cls;   /* prm.ncls */
    uint64_t *offs;        /* round j (1..n_stack): prefix sums of the pairs at (j-1)(ntv+1) */
    uint64_t *woffs;       /* ntv + 1: round 0's W tiles, prefix sums per view */
    uint64_t *col_base;    /* n_commits + 1: commit c's first global column */
    size_t n_commits;
} swirl_sr_plan;

#ifdef __cplusplus
extern "C" {
#endif

/** The plan of swirl_stacked_reduction_prove(commits, l_skip, n_stack, r) (the same argument
 *  checks; the views' matrices are not needed). w_tile: round 0's x-values per W tile, a power of
 *  two (0: a default of at least 2^12 cells per tile and at most 2^17 partial sums). Clear with
 *  swirl_sr_plan_clear, on failure too. */
enum swirl_status swirl_sr_plan_init(swirl_sr_plan *pl, const swirl_stacked_commit_view *commits,
                                     size_t n_commits, unsigned l_skip, unsigned n_stack,
                                     const bb31x4 *r, unsigned w_tile) SWIRL_WARN_UNUSED_RESULT;
void swirl_sr_plan_clear(swirl_sr_plan *pl);

/** Round j's pair offsets (ntv + 1 entries). */
static inline const uint64_t *swirl_sr_plan_offs(const swirl_sr_plan *pl, unsigned round) {
    return pl->offs + (size_t)(round - 1) * (pl->prm.ntv + 1);
}

/** The stacking proof and u (1 + n_stack values) from a filled proof buffer (prm.proof_len
 *  entries); proof is owned by the caller afterwards (swirl_stacking_proof_clear). */
enum swirl_status swirl_sr_plan_proof(const swirl_sr_plan *pl, swirl_stacking_proof *proof,
                                      bb31x4 *u_out, const bb31x4 *buf) SWIRL_WARN_UNUSED_RESULT;

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_PROVER_SR_PLAN_H */
