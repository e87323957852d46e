/* Without a CUDA build: the device rap_constraints stage (prover/cuda_rap.h) answers
 * SWIRL_E_NO_DEVICE. */
#include "prover/cuda_rap.h"

#ifndef SWIRL_HAVE_CUDA

#define NO_CUDA() SWIRL_RAISE(SWIRL_E_NO_DEVICE, "libswirl was built without the CUDA backend")

enum swirl_status swirl_cuda_rap_arena_bytes(size_t *bytes, const swirl_zc_params *zp,
                                             const swirl_air_instance *traces, size_t n,
                                             unsigned resident) {
    (void)zp;
    (void)resident;
    (void)traces;
    (void)n;
    if (bytes)
        *bytes = 0;
    return NO_CUDA();
}

enum swirl_status swirl_cuda_rap_constraints(swirl_cuda_ctx *ctx, swirl_gkr_proof *gkr,
                                             swirl_batch_proof *proof, bb31x4 *r_out, size_t *n_r,
                                             swirl_transcript *t, const swirl_zc_params *zp,
                                             const swirl_air_instance *traces, size_t n,
                                             const swirl_stacked_pcs_data *const *commits,
                                             size_t n_commits) {
    (void)ctx;
    (void)commits;
    (void)n_commits;
    (void)gkr;
    (void)proof;
    (void)r_out;
    (void)n_r;
    (void)t;
    (void)zp;
    (void)traces;
    (void)n;
    return NO_CUDA();
}

enum swirl_status swirl_cuda_rap_constraints_deferred(
    swirl_cuda_ctx *ctx, swirl_gkr_proof *gkr, swirl_batch_proof *proof, bb31x4 *r_out,
    size_t *n_r, swirl_transcript *t, const swirl_zc_params *zp, const swirl_air_instance *traces,
    size_t n, const swirl_stacked_pcs_data *const *commits, size_t n_commits,
    swirl_ts_async *obs) {
    (void)obs;
    return swirl_cuda_rap_constraints(ctx, gkr, proof, r_out, n_r, t, zp, traces, n, commits,
                                      n_commits);
}

#else
typedef int swirl_prover_cuda_rap_stub_unused;
#endif
