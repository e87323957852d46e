/*
 * Traces made and kept in device memory (device/cuda/trace_gen.cu; without CUDA,
 * device/cuda_trace_stub.c answers SWIRL_E_NO_DEVICE): KeccakAir's trace generated on the GPU,
 * and the counted copy of a device trace to the host for the host code that needs its values.
 *
 * Memory: a device trace is one swirl_cuda_dev_malloc (outside the arena: it is made before the
 * proof and outlives it), owned by the caller of swirl_cuda_keccak_trace and freed with
 * swirl_cuda_trace_free on the same context, with the bytes it was given.
 */
#ifndef SWIRL_DEVICE_CUDA_TRACE_H
#define SWIRL_DEVICE_CUDA_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "device/cuda/cuda_backend.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * KeccakAir's trace of n_inputs permutations (air/keccak_row.h, one thread per row) in new
 * device memory: *d_out (height x SWIRL_KECCAK_NUM_COLS, column-major, height =
 * swirl_keccak_trace_height(n_inputs)), *alloc_bytes its allocation's size (for
 * swirl_cuda_trace_free). One stage "keccak_trace" (inputs upload, one kernel, one host sync);
 * must not be called inside an open stage. On failure nothing is kept and *d_out is NULL.
 */
enum swirl_status swirl_cuda_keccak_trace(swirl_cuda_ctx *ctx, bb31 **d_out, size_t *alloc_bytes,
                                          const uint64_t (*inputs)[25],
                                          size_t n_inputs) SWIRL_WARN_UNUSED_RESULT;

/**
 * A host trace of `cells` elements copied into new device memory: *d_out, *alloc_bytes its
 * allocation's size (for swirl_cuda_trace_free). One stage "device_trace_upload" (through the
 * pinned staging buffers; its bytes in the stage trace; ends with a host sync, so `host` may be
 * reused on return); must not be called inside an open stage. On failure nothing is kept and
 * *d_out is NULL.
 */
enum swirl_status swirl_cuda_trace_upload(swirl_cuda_ctx *ctx, bb31 **d_out, size_t *alloc_bytes,
                                          const bb31 *host, size_t cells) SWIRL_WARN_UNUSED_RESULT;

/** Frees a device trace of swirl_cuda_keccak_trace or swirl_cuda_trace_upload (NULL: nothing). */
void swirl_cuda_trace_free(swirl_cuda_ctx *ctx, bb31 *d, size_t alloc_bytes);

/**
 * Copies `cells` elements of a device trace to host memory `host`, in one stage named
 * `stage` (the pinned staging buffers; its bytes recorded in the stage trace). Must not be called
 * inside an open stage.
 */
enum swirl_status swirl_cuda_trace_download(swirl_cuda_ctx *ctx, bb31 *host, const bb31 *d,
                                            size_t cells,
                                            const char *stage) SWIRL_WARN_UNUSED_RESULT;

/** Non-zero when p is device memory (cudaPointerGetAttributes); 0 for host memory and without
 *  CUDA. For guards on paths that would read p on the host. */
int swirl_cuda_is_device_ptr(const void *p);

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_DEVICE_CUDA_TRACE_H */
