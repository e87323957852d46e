/* The stacked reduction's kernels (device/cuda/cuda_sr.h) when libswirl is built without CUDA:
 * every call reports that no device is available; the planning function answers 0. */
#include "device/cuda/cuda_sr.h"

#ifndef SWIRL_HAVE_CUDA

#define NO_CUDA() SWIRL_RAISE(SWIRL_E_NO_DEVICE, "libswirl was built without the CUDA backend")

size_t swirl_cuda_sr_scratch_bytes(const swirl_sr_params *pr) {
    (void)pr;
    return 0;
}
enum swirl_status swirl_cuda_sr_alloc_scratch(swirl_cuda_ctx *ctx, swirl_cuda_sr_dev *d,
                                              const swirl_sr_params *pr) {
    (void)ctx;
    (void)d;
    (void)pr;
    return NO_CUDA();
}
enum swirl_status swirl_cuda_sr_enqueue(swirl_cuda_ctx *ctx, const swirl_sr_params *pr,
                                        const swirl_cuda_sr_dev *d, const bb31 *const *h_mats,
                                        const uint64_t *h_col_base, size_t n_commits,
                                        const uint64_t *h_offs, swirl_cuda_sr_hook hook,
                                        void *hook_arg) {
    (void)ctx;
    (void)pr;
    (void)d;
    (void)h_mats;
    (void)h_col_base;
    (void)n_commits;
    (void)h_offs;
    (void)hook;
    (void)hook_arg;
    return NO_CUDA();
}

#else
typedef int swirl_cuda_sr_stub_unused;
#endif
