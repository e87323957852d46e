/* Without a CUDA build: the GPU opening stages (prover/cuda_openings.h) answer SWIRL_E_NO_DEVICE. */
#include "prover/cuda_openings.h"

#ifndef SWIRL_HAVE_CUDA

#define NO_CUDA() SWIRL_RAISE(SWIRL_E_NO_DEVICE, "libswirl was built without the CUDA backend")

enum swirl_status swirl_cuda_stacked_reduction(swirl_cuda_ctx *ctx, swirl_stacking_proof *proof,
                                               bb31x4 *u_out, swirl_transcript *t,
                                               const swirl_stacked_commit_view *commits,
                                               size_t n_commits, unsigned l_skip,
                                               unsigned n_stack, const bb31x4 *r) {
    (void)ctx;
    (void)proof;
    (void)u_out;
    (void)t;
    (void)commits;
    (void)n_commits;
    (void)l_skip;
    (void)n_stack;
    (void)r;
    return NO_CUDA();
}
enum swirl_status swirl_cuda_stacked_reduction_pending(
    swirl_cuda_ctx *ctx, swirl_stacking_proof *proof, bb31x4 *u_out, swirl_transcript *t,
    const swirl_stacked_commit_view *commits, size_t n_commits, unsigned l_skip, unsigned n_stack,
    const bb31x4 *r, swirl_ts_async *obs) {
    if (obs)
        swirl_ts_async_join(obs);
    return swirl_cuda_stacked_reduction(ctx, proof, u_out, t, commits, n_commits, l_skip, n_stack,
                                        r);
}
size_t swirl_cuda_stacked_reduction_bytes(const swirl_cuda_ctx *ctx,
                                          const swirl_stacked_commit_view *commits,
                                          size_t n_commits, unsigned l_skip, unsigned n_stack) {
    (void)ctx;
    (void)commits;
    (void)n_commits;
    (void)l_skip;
    (void)n_stack;
    return 0;
}

#else
typedef int swirl_prover_cuda_openings_stub_unused;
#endif
