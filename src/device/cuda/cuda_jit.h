/*
 * The JIT path of round 0's constraint evaluation (device/zc_jit.h), its CUDA side
 * (device/cuda/zc_jit.cu): the generated code compiled with NVRTC into a CUBIN, cached on disk
 * and in the context, loaded as a library, its kernel launched by zc_constraint.cu in place of the
 * interpreter k_zc_r0_stream (same geometry, arguments and partials).
 *
 * Selection: SWIRL_ZC_JIT=1 (util/settings.h; off by default until it has run on a GPU). Any
 * failure (NVRTC missing, a compile error, a load error) logs a warning and leaves the interpreter.
 * NVRTC and nvJitLink are loaded at run time (dlopen), never linked: a CUDA build runs where they
 * are not installed. With nvJitLink the units compile in parallel threads (rdc) and are linked;
 * without it the whole code is one NVRTC program.
 *
 * Caches: the context keeps every kernel it loaded (keyed by the stream's words, constants and
 * buses, and the device) for its lifetime; the CUBINs also go to $XDG_CACHE_HOME/swirl (else
 * ~/.cache/swirl) as zc-<128-bit key>.cubin, the key a hash of the generated texts, the embedded
 * headers, the compile options, the architecture and NVRTC's version (SWIRL_JIT_CACHE=0: no disk
 * cache). A file is written under a temporary name and renamed, and read back only when its header
 * (magic, key, length) matches.
 *
 * Without the CUDA backend (cuda_jit_stub.c) swirl_cuda_jit_build says SWIRL_E_UNSUPPORTED.
 */
#ifndef SWIRL_DEVICE_CUDA_CUDA_JIT_H
#define SWIRL_DEVICE_CUDA_CUDA_JIT_H

#include <stddef.h>

#include "device/cuda/cuda_backend.h"
#include "device/zc_jit.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A compiled JIT code (swirl_cuda_jit_build). */
typedef struct swirl_jit_build {
    void *cubin; /* the linked CUBIN (owned) */
    size_t cubin_bytes;
    char *log;         /* NVRTC's and the linker's messages, NUL-terminated (owned; may be NULL) */
    double wall_ms;    /* the build's wall time (lookup, compiles, link) */
    unsigned programs; /* NVRTC programs compiled (0: from the disk cache) */
    unsigned threads;  /* threads that compiled them */
    int linked;        /* units compiled apart and linked by nvJitLink (else one program) */
    int from_cache;    /* read from the disk cache */
} swirl_jit_build;

/** Whether NVRTC can be loaded; its version in *major, *minor and whether nvJitLink can be loaded
 *  (parallel compiles) in *link (each may be NULL). 0 without the CUDA backend. */
int swirl_cuda_jit_available(int *major, int *minor, int *link);

#define SWIRL_JIT_VERBOSE 1u /* ptxas's and the linker's resource reports in the log */
#define SWIRL_JIT_DISK 2u    /* the disk cache: read, and written after a compile */
#define SWIRL_JIT_WHOLE 4u   /* one NVRTC program even when nvJitLink is there (tests) */

/** Compiles `code` for `arch` ("sm_90", "sm_90a", ...) into out->cubin; no device needed.
 *  maxrreg > 0 caps the registers per thread; flags: SWIRL_JIT_*. SWIRL_E_UNSUPPORTED when NVRTC
 *  cannot be loaded (or without the CUDA backend); SWIRL_E_INTERNAL when a compile or the link
 *  fails (its log in the message); SWIRL_E_NOMEM. On failure *out is empty. */
enum swirl_status swirl_cuda_jit_build(swirl_jit_build *out, const swirl_zc_jit_code *code,
                                       const char *arch, unsigned maxrreg,
                                       unsigned flags) SWIRL_WARN_UNUSED_RESULT;

/** Releases what swirl_cuda_jit_build made (and zeroes *b); NULL: nothing. */
void swirl_jit_build_clear(swirl_jit_build *b);

/** The context's JIT counters. */
typedef struct swirl_cuda_zc_jit_stats {
    unsigned kernels;        /* JIT kernels loaded (one per distinct stream and device) */
    unsigned failures;       /* streams whose JIT failed (they keep the interpreter) */
    unsigned compiled;       /* of the kernels, compiled now (the rest came from the disk cache) */
    unsigned long long launches; /* launches of JIT kernels */
    double build_ms;         /* wall time spent getting the kernels (generate, compile, load) */
} swirl_cuda_zc_jit_stats;
void swirl_cuda_zc_jit_stats_get(const swirl_cuda_ctx *ctx, swirl_cuda_zc_jit_stats *out);
/** Tests only: the n-th JIT kernel launch from now is refused as a launch-time error
 *  (cudaErrorLaunchOutOfResources) would be; 0 disarms. */
void swirl_cuda_fault_jit_launch_at(unsigned long long n);

#if defined(__CUDACC__)
/* The CUDA backend's side (zc_constraint.cu, runtime.cu). */

/** The JIT kernel (a cudaKernel_t) of stream `sp` (host) of the flat program `pg` (host arrays)
 *  for ctx's device into *kernel: from the context's cache, else the disk cache, else compiled now.
 *  NULL, with a logged warning, when it cannot be had (the caller keeps the interpreter): only
 *  invalid arguments fail. The kernel lives as long as the context. */
enum swirl_status swirl_cuda_zc_jit_kernel(swirl_cuda_ctx *ctx, void **kernel,
                                           const swirl_zc_stream *sp, const swirl_zc_dprog *pg,
                                           const char *name);
/** Counts a launch of a JIT kernel (the stats). */
void swirl_cuda_zc_jit_launched(swirl_cuda_ctx *ctx);
/** Whether the injected JIT launch refusal (swirl_cuda_fault_jit_launch_at) fires now. */
int swirl_cuda_zc_jit_fault_fires(void);
/** Counts a JIT kernel whose launch was refused (its program runs the interpreter from then on). */
void swirl_cuda_zc_jit_refused(swirl_cuda_ctx *ctx);
/** Unloads the context's JIT kernels; swirl_cuda_ctx_destroy calls it. */
void swirl_cuda_zc_jit_free(swirl_cuda_ctx *ctx);
#endif

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_DEVICE_CUDA_CUDA_JIT_H */
