/*
 * Traces generated on the GPU (device/cuda/cuda_trace.h).
 *
 * k_keccak_trace: KeccakAir's trace (Plonky3 0.4.3 generation.rs, as air/keccak_trace.c writes
 * it), one thread per row: the thread recomputes the state entering its round from the input (at
 * most 23 rounds) and writes the row's 2633 words (air/keccak_row.h, the SWIRL_HD code the CPU
 * twin test runs). Writes are m[col * h + row]: a warp's 32 rows fill 128 contiguous bytes of
 * each column, so the 4 * 2633 bytes per row go out coalesced; the inputs (200 bytes per
 * permutation) are read by 24 consecutive threads each, mostly from L1. Blocks of 128 threads.
 * For 1024 permutations: 32768 rows, 345 MB written.
 */
#include <stdlib.h>
#include <string.h>

#include "air/keccak_row.h"
#include "device/cuda/cuda_common.cuh"
#include "device/cuda/cuda_trace.h"

// ---------------------------------------------------------------------------------------------
// kernel

__global__ void k_keccak_trace(bb31 *m, size_t h, const uint64_t *__restrict__ inputs,
                               size_t n_inputs) {
    SWIRL_KERNEL_ENTRY();
    size_t row = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (row < h)
        swirl_keccak_trace_row(m, h, row, inputs, n_inputs);
}

// ---------------------------------------------------------------------------------------------
// entry points

/* the trace's words, then the inputs (256-byte aligned after it) */
static size_t inputs_offset(size_t cells) {
    return (cells * sizeof(bb31) + 255) & ~(size_t)255;
}

/* a device trace's allocation p (bytes) made by a stage that ended with st: handed out through
 * *d_out and *alloc_bytes, or freed on failure */
static enum swirl_status trace_publish(swirl_cuda_ctx *ctx, void *p, size_t bytes,
                                       enum swirl_status st, bb31 **d_out, size_t *alloc_bytes) {
    if (st != SWIRL_OK) {
        swirl_cuda_dev_free(ctx, p, bytes);
        return st;
    }
    *d_out = (bb31 *)p;
    *alloc_bytes = bytes;
    return SWIRL_OK;
}

extern "C" enum swirl_status swirl_cuda_keccak_trace(swirl_cuda_ctx *ctx, bb31 **d_out,
                                                     size_t *alloc_bytes,
                                                     const uint64_t (*inputs)[25],
                                                     size_t n_inputs) {
    SWIRL_ARG_CHECK(d_out != NULL && alloc_bytes != NULL);
    *d_out = NULL;
    *alloc_bytes = 0;
    SWIRL_CUDA_CHECK_CTX(ctx);
    SWIRL_ARG_CHECK(inputs != NULL && n_inputs > 0);
    if (n_inputs > ((size_t)1 << 30) / SWIRL_KECCAK_NUM_ROUNDS)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "keccak trace: %zu permutations is too many",
                           n_inputs);
    const size_t h = swirl_keccak_trace_height(n_inputs);
    const size_t cells = h * SWIRL_KECCAK_NUM_COLS;
    const size_t in_off = inputs_offset(cells), in_bytes = n_inputs * 25 * sizeof(uint64_t);
    const size_t bytes = in_off + in_bytes;
    void *p = NULL;
    SWIRL_TRY(swirl_cuda_dev_malloc(ctx, &p, bytes, "keccak device trace"));
    bb31 *m = (bb31 *)p;
    uint64_t *d_in = (uint64_t *)((char *)p + in_off);
    enum swirl_status st = swirl_cuda_stage_begin(ctx, "keccak_trace");
    if (st == SWIRL_OK) {
        st = swirl_cuda_upload(ctx, d_in, inputs, in_bytes);
        if (st == SWIRL_OK) {
            swirl_cuda_before_launch(ctx);
            k_keccak_trace<<<swirl_cuda_blocks(h, 128), 128, 0, ctx->stream>>>(m, h, d_in,
                                                                               n_inputs);
            st = swirl_cuda_after_launch(ctx, "k_keccak_trace", __FILE__, __LINE__);
        }
        st = swirl_cuda_stage_close(ctx, st); /* the one host sync: the trace is complete */
    }
    return trace_publish(ctx, p, bytes, st, d_out, alloc_bytes);
}

extern "C" enum swirl_status swirl_cuda_trace_upload(swirl_cuda_ctx *ctx, bb31 **d_out,
                                                     size_t *alloc_bytes, const bb31 *host,
                                                     size_t cells) {
    SWIRL_ARG_CHECK(d_out != NULL && alloc_bytes != NULL);
    *d_out = NULL;
    *alloc_bytes = 0;
    SWIRL_CUDA_CHECK_CTX(ctx);
    SWIRL_ARG_CHECK(host != NULL && cells > 0);
    if (cells > SIZE_MAX / sizeof(bb31))
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "device trace upload: %zu cells overflow", cells);
    const size_t bytes = cells * sizeof(bb31);
    void *p = NULL;
    SWIRL_TRY(swirl_cuda_dev_malloc(ctx, &p, bytes, "uploaded device trace"));
    enum swirl_status st = swirl_cuda_stage_begin(ctx, "device_trace_upload");
    if (st == SWIRL_OK) {
        swirl_cuda_copy piece = {p, host, bytes};
        /* the copy is complete at the close: host may be reused */
        st = swirl_cuda_stage_close(ctx, swirl_cuda_upload_many(ctx, &piece, 1));
    }
    return trace_publish(ctx, p, bytes, st, d_out, alloc_bytes);
}

extern "C" void swirl_cuda_trace_free(swirl_cuda_ctx *ctx, bb31 *d, size_t alloc_bytes) {
    if (ctx && d)
        swirl_cuda_dev_free(ctx, d, alloc_bytes);
}

extern "C" enum swirl_status swirl_cuda_trace_download(swirl_cuda_ctx *ctx, bb31 *host,
                                                       const bb31 *d, size_t cells,
                                                       const char *stage) {
    SWIRL_CUDA_CHECK_CTX(ctx);
    SWIRL_ARG_CHECK(host != NULL && d != NULL && stage != NULL);
    SWIRL_TRY(swirl_cuda_stage_begin(ctx, stage));
    swirl_cuda_copy piece = {host, d, cells * sizeof(bb31)};
    /* the host copy is complete at the close */
    return swirl_cuda_stage_close(ctx, swirl_cuda_download_many(ctx, &piece, 1));
}

extern "C" int swirl_cuda_is_device_ptr(const void *p) {
    if (!p)
        return 0;
    cudaPointerAttributes a;
    if (cudaPointerGetAttributes(&a, p) != cudaSuccess) {
        (void)cudaGetLastError(); /* not a pointer CUDA knows: host memory */
        return 0;
    }
    return a.type == cudaMemoryTypeDevice || a.type == cudaMemoryTypeManaged;
}
