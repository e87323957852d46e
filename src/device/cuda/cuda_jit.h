/*
 * The JIT path of round 0's constraint evaluation (device/zc_jit.h), its CUDA side
 * (device/cuda/zc_jit.cu): the generated code compiled with NVRTC into a CUBIN, cached on disk
 * and in the context, loaded as a library, its kernel launched by zc_constraint.cu in place of the
 * interpreter k_zc_r0_stream (same geometry, arguments and partials).
 *
 * Selection (util/settings.h): by default a stream not in the disk cache is compiled by a
 * background thread while the interpreter runs, and its kernel is used from the first launch
 * after it is ready (a context waits for it at destruction, so the disk cache gets it);
 * SWIRL_ZC_JIT=1 compiles it before the first launch; SWIRL_ZC_JIT=0: never. Any failure (NVRTC
 * missing, a compile error, a load error) logs a warning and leaves the interpreter.
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
#define SWIRL_JIT_PROBE 8u   /* the disk cache only: SWIRL_OK with out->cubin NULL when absent */
#define SWIRL_JIT_SPARE 16u  /* compile on one thread fewer than the cores (a background compile) */

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
    unsigned background;     /* compiles started in the background (the default mode) */
    unsigned long long launches; /* launches of JIT kernels */
    unsigned long long mle_launches; /* of them, the multilinear rounds' */
    double build_ms;         /* wall time spent getting the kernels (generate, compile, load;
                                a background compile's counted when it is joined) */
    double wait_ms;          /* wall time swirl_cuda_zc_jit_wait waited */
} swirl_cuda_zc_jit_stats;
void swirl_cuda_zc_jit_stats_get(const swirl_cuda_ctx *ctx, swirl_cuda_zc_jit_stats *out);
/** Waits for the context's background compiles (SWIRL_ZC_JIT unset or 2) and loads their kernels,
 *  so later launches use them; the number it waited for (0: none pending, or no CUDA backend). */
unsigned swirl_cuda_zc_jit_wait(swirl_cuda_ctx *ctx);
/** Tests only: the n-th JIT kernel launch from now is refused as a launch-time error
 *  (cudaErrorLaunchOutOfResources) would be; 0 disarms. */
void swirl_cuda_fault_jit_launch_at(unsigned long long n);

#if defined(__CUDACC__)
/* The CUDA backend's side (zc_constraint.cu, runtime.cu). */

/** The JIT kernel (a cudaKernel_t) of stream `sp` (host) of the flat program `pg` (host arrays)
 *  for ctx's device into *kernel, round 0's (ext 0: SWIRL_ZC_JIT_KERNEL) or the multilinear
 *  rounds' (ext 1: SWIRL_ZC_JITX_KERNEL, device/zc_mle.h): from the context's cache, else the disk cache, else compiled:
 *  now (SWIRL_ZC_JIT=1), or by a background thread (the default), *kernel NULL and *ticket
 *  non-zero until swirl_cuda_zc_jit_poll(ticket) hands it out. NULL (and *ticket 0), with a
 *  logged warning, when it cannot be had (the caller keeps the interpreter), and with
 *  SWIRL_ZC_JIT=0: only invalid arguments fail. The kernel lives as long as the context. */
enum swirl_status swirl_cuda_zc_jit_kernel(swirl_cuda_ctx *ctx, void **kernel, unsigned *ticket,
                                           const swirl_zc_stream *sp, const swirl_zc_dprog *pg,
                                           const char *name, int ext);
/** A background compile's state (ticket from swirl_cuda_zc_jit_kernel; never blocks): 0 while
 *  it runs; 1 when it is over, with its kernel in *kernel (loaded now) or NULL when it failed
 *  (logged), and for ticket 0 or an unknown ticket. */
int swirl_cuda_zc_jit_poll(swirl_cuda_ctx *ctx, unsigned ticket, void **kernel);
/** Counts a launch of a JIT kernel (the stats; ext: the multilinear rounds'). */
void swirl_cuda_zc_jit_launched(swirl_cuda_ctx *ctx, int ext);
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
