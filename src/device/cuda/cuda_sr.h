/*
 * The stacked opening reduction's kernels (device/cuda/stacked_reduction.cu; without CUDA,
 * device/cuda_sr_stub.c answers SWIRL_E_NO_DEVICE): the whole prover with Fiat-Shamir on a
 * device transcript, enqueued with no host sync. The per-thread math and the transcript steps
 * (one warp) are device/sr_impl.h; the plan (views, classes, pair offsets, the proof
 * buffer's layout) is made on the host (prover/sr_plan.h) and uploaded by the caller.
 *
 * The schedule (launches): lambda (1 warp); lambda^i; the class eq tables; round 0's W partial
 * sums (a block per tile of 2^w_xlog rows of one view, coalesced reads of the stacked column);
 * their sum per view (a block per view, stored (j, view)-major); the batched sum at each of the 2N
 * points (blocks of views x points, partial sums per block); one block: the partials' sum per
 * point, the interpolation, observe, u_0, eq_uni(u_0, .) and the classes' u_0 constants;
 * the fold at u_0 (one launch per commit); the class tables after u_0; per round: block partial
 * sums over contiguous chunks of the (view, pair) index (each view's pairs summed, then weighted
 * once), one block reduce + observe + sample, the stacked columns' fold, the class tables' fold +
 * eq_ub; the openings (1 warp).
 */
#ifndef SWIRL_DEVICE_CUDA_CUDA_SR_H
#define SWIRL_DEVICE_CUDA_CUDA_SR_H

#include <stddef.h>

#include "device/cuda/cuda_backend.h"
#include "device/sr_impl.h"

/** The device buffers of one run. Inputs (filled by the caller before the kernels run): views,
 *  cls (its u_0 constants are written by the kernels), offs (n_stack rows of ntv + 1), woffs
 *  (the plan's W tile offsets, ntv + 1), r (1 + n_stack), mats (n_commits device pointers, each Hs x width column-major), t (the transcript),
 *  proof (prm.proof_len). Scratch: the rest (swirl_cuda_sr_alloc_scratch). */
typedef struct swirl_cuda_sr_dev {
    const swirl_sr_view *views;
    swirl_sr_class *cls;
    const uint64_t *offs;
    const uint64_t *woffs;
    const bb31x4 *r;
    const bb31 *const *mats;
    swirl_transcript *t;
    bb31x4 *proof;
    swirl_sr_ctl *ctl;
    bb31x4 *lp, *W, *Wr, *S, *lagu, *eq_ub, *partials;
    bb31x4 *E[2], *K[2], *Q[2];
} swirl_cuda_sr_dev;

#ifdef __cplusplus
extern "C" {
#endif

/** Arena bytes of swirl_cuda_sr_alloc_scratch (256-byte aligned pieces included). */
size_t swirl_cuda_sr_scratch_bytes(const swirl_sr_params *pr);
/** The scratch buffers of d from the arena's scratch region (the caller rewinds). */
enum swirl_status swirl_cuda_sr_alloc_scratch(swirl_cuda_ctx *ctx, swirl_cuda_sr_dev *d,
                                              const swirl_sr_params *pr) SWIRL_WARN_UNUSED_RESULT;
/** Called by swirl_cuda_sr_enqueue between the kernels that read no transcript (the eq tables,
 *  W) and the first that does (λ): host work there overlaps the GPU's. */
typedef enum swirl_status (*swirl_cuda_sr_hook)(void *arg);
/**
 * Enqueues the whole reduction (no host sync). h_mats: the same device pointers as d->mats, in
 * host memory (one fold launch per commit); h_col_base: n_commits + 1 first global columns;
 * h_offs: the host copy of d->offs (the rounds' grid sizes). `hook` (may be NULL) runs after the
 * transcript-free kernels are enqueued, before λ is sampled from d->t; a failure stops the
 * enqueue and is returned.
 */
enum swirl_status swirl_cuda_sr_enqueue(swirl_cuda_ctx *ctx, const swirl_sr_params *pr,
                                        const swirl_cuda_sr_dev *d, const bb31 *const *h_mats,
                                        const uint64_t *h_col_base, size_t n_commits,
                                        const uint64_t *h_offs, swirl_cuda_sr_hook hook,
                                        void *hook_arg) SWIRL_WARN_UNUSED_RESULT;

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_DEVICE_CUDA_CUDA_SR_H */
