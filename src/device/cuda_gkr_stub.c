/* LogUp-GKR on the GPU (device/cuda/cuda_gkr.h) when libswirl is built without CUDA: every call
 * reports that no device is available; the planning functions answer 0. */
#include "device/cuda/cuda_gkr.h"

#ifndef SWIRL_HAVE_CUDA

#define NO_CUDA() SWIRL_RAISE(SWIRL_E_NO_DEVICE, "libswirl was built without the CUDA backend")

size_t swirl_cuda_gkr_scratch_bytes(unsigned n) {
    (void)n;
    return 0;
}
size_t swirl_cuda_gkr_partials_bytes(void) {
    return 0;
}
size_t swirl_cuda_gkr_slot_arena_bytes(size_t n_values) {
    (void)n_values;
    return 0;
}
enum swirl_status swirl_cuda_gkr_prove_enqueue(swirl_cuda_ctx *ctx, bb31x4 *d_proof,
                                               swirl_transcript *d_t, const bb31x4 *d_p,
                                               const bb31x4 *d_q, unsigned n) {
    (void)ctx;
    (void)d_proof;
    (void)d_t;
    (void)d_p;
    (void)d_q;
    (void)n;
    return NO_CUDA();
}
enum swirl_status swirl_cuda_gkr_prove(swirl_cuda_ctx *ctx, bb31x4 *h_proof, swirl_transcript *d_t,
                                       const bb31x4 *d_p, const bb31x4 *d_q, unsigned n) {
    (void)ctx;
    (void)h_proof;
    (void)d_t;
    (void)d_p;
    (void)d_q;
    (void)n;
    return NO_CUDA();
}
enum swirl_status swirl_cuda_gkr_tree(swirl_cuda_ctx *ctx, bb31x4 *d_tp, bb31x4 *d_tq,
                                      const bb31x4 *d_lp, const bb31x4 *d_lq, size_t n_leaves) {
    (void)ctx;
    (void)d_tp;
    (void)d_tq;
    (void)d_lp;
    (void)d_lq;
    (void)n_leaves;
    return NO_CUDA();
}
enum swirl_status swirl_cuda_gkr_layer(swirl_cuda_ctx *ctx, bb31x4 *d_s, const bb31x4 *d_tables,
                                       size_t len, const bb31x4 *d_lambda, bb31x4 *d_partials) {
    (void)ctx;
    (void)d_s;
    (void)d_tables;
    (void)len;
    (void)d_lambda;
    (void)d_partials;
    return NO_CUDA();
}
enum swirl_status swirl_cuda_sumcheck_fold(swirl_cuda_ctx *ctx, bb31x4 *d_out, const bb31x4 *d_in,
                                           size_t n_cols, size_t len, const bb31x4 *d_r) {
    (void)ctx;
    (void)d_out;
    (void)d_in;
    (void)n_cols;
    (void)len;
    (void)d_r;
    return NO_CUDA();
}
enum swirl_status swirl_cuda_slot_gkr_tree(const swirl_backend_ops *ops, bb31x4 *p, bb31x4 *q,
                                           size_t n_leaves) {
    (void)ops;
    (void)p;
    (void)q;
    (void)n_leaves;
    return NO_CUDA();
}
enum swirl_status swirl_cuda_slot_gkr_layer(const swirl_backend_ops *ops, bb31x4 s[3],
                                            const bb31x4 *eq, const bb31x4 *cols, size_t stride,
                                            size_t len, bb31x4 lambda) {
    (void)ops;
    (void)s;
    (void)eq;
    (void)cols;
    (void)stride;
    (void)len;
    (void)lambda;
    return NO_CUDA();
}
enum swirl_status swirl_cuda_slot_sumcheck_fold(const swirl_backend_ops *ops, bb31x4 *cols,
                                                size_t n_cols, size_t in_stride,
                                                size_t out_stride, size_t len, bb31x4 r) {
    (void)ops;
    (void)cols;
    (void)n_cols;
    (void)in_stride;
    (void)out_stride;
    (void)len;
    (void)r;
    return NO_CUDA();
}

#else
/* Built with CUDA: the real implementations are in device/cuda/gkr.cu. ISO C forbids an empty
 * translation unit, so declare something harmless. */
typedef int swirl_cuda_gkr_stub_unused;
#endif
