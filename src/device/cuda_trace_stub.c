/* device/cuda/cuda_trace.h without CUDA: no device, so no device traces. */
#include "device/cuda/cuda_trace.h"

#ifndef SWIRL_HAVE_CUDA

enum swirl_status swirl_cuda_keccak_trace(swirl_cuda_ctx *ctx, bb31 **d_out, size_t *alloc_bytes,
                                          const uint64_t (*inputs)[25], size_t n_inputs) {
    (void)ctx;
    (void)inputs;
    (void)n_inputs;
    if (d_out)
        *d_out = NULL;
    if (alloc_bytes)
        *alloc_bytes = 0;
    return SWIRL_RAISE(SWIRL_E_NO_DEVICE, "libswirl was built without the CUDA backend");
}

enum swirl_status swirl_cuda_trace_upload(swirl_cuda_ctx *ctx, bb31 **d_out, size_t *alloc_bytes,
                                          const bb31 *host, size_t cells) {
    (void)ctx;
    (void)host;
    (void)cells;
    if (d_out)
        *d_out = NULL;
    if (alloc_bytes)
        *alloc_bytes = 0;
    return SWIRL_RAISE(SWIRL_E_NO_DEVICE, "libswirl was built without the CUDA backend");
}

void swirl_cuda_trace_free(swirl_cuda_ctx *ctx, bb31 *d, size_t alloc_bytes) {
    (void)ctx;
    (void)d;
    (void)alloc_bytes;
}

enum swirl_status swirl_cuda_trace_download(swirl_cuda_ctx *ctx, bb31 *host, const bb31 *d,
                                            size_t cells, const char *stage) {
    (void)ctx;
    (void)host;
    (void)d;
    (void)cells;
    (void)stage;
    return SWIRL_RAISE(SWIRL_E_NO_DEVICE, "libswirl was built without the CUDA backend");
}

int swirl_cuda_is_device_ptr(const void *p) {
    (void)p;
    return 0;
}

#endif
