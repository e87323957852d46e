/*
 * CUDA runtime: device probe, context (stream, arena with its scratch and persistent regions),
 * error conversion and poisoning, staged dispatch with counted launches, bytes and host syncs,
 * the test-only fault injection (failed allocations and launches, a corrupted word), and the CUDA
 * primitive table's buffer slots.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "device/cuda/cuda_common.cuh"
#include "device/cuda/cuda_jit.h"
#include "util/pcopy.h"
#include "util/log.h"
#include "util/settings.h"

extern "C" int swirl_cuda_device_count(void) {
    static int cached = -1;
    if (cached < 0) {
        int n = 0;
        if (cudaGetDeviceCount(&n) != cudaSuccess)
            n = 0;
        cudaGetLastError(); /* clear the error a machine without a driver leaves */
        cached = n;
    }
    return cached;
}

static int swirl_cuda_is_sticky(cudaError_t e) {
    switch (e) {
    case cudaErrorIllegalAddress:
    case cudaErrorLaunchFailure:
    case cudaErrorMisalignedAddress:
    case cudaErrorInvalidPc:
    case cudaErrorHardwareStackError:
    case cudaErrorIllegalInstruction:
    case cudaErrorAssert:
    case cudaErrorLaunchTimeout:
    case cudaErrorECCUncorrectable: return 1;
    default: return 0;
    }
}

enum swirl_status swirl_cuda_fail(swirl_cuda_ctx *ctx, cudaError_t err, const char *file, int line,
                                  const char *what) {
    if (ctx && swirl_cuda_is_sticky(err))
        ctx->poisoned = 1;
    enum swirl_status st = err == cudaErrorMemoryAllocation ? SWIRL_E_NOMEM : SWIRL_E_CUDA;
    return swirl_error_raise(st, file, line, "%s: %s (%s)%s", what, cudaGetErrorString(err),
                             cudaGetErrorName(err),
                             ctx && ctx->poisoned ? "; CUDA context poisoned" : "");
}

/* ---- fault injection (tests only; one host thread drives a context, so plain counters) ---- */

static unsigned long long g_fault_alloc, g_fault_launch; /* countdowns; 0: disarmed */
/* the corruption hook: armed while g_corrupt_stage[0] != 0 */
static char g_corrupt_stage[128];
static size_t g_corrupt_index;

extern "C" void swirl_cuda_fault_alloc_at(unsigned long long n) {
    g_fault_alloc = n;
}
extern "C" void swirl_cuda_fault_launch_at(unsigned long long n) {
    g_fault_launch = n;
}
extern "C" int swirl_cuda_fault_pending(void) {
    return g_fault_alloc != 0 || g_fault_launch != 0 || g_corrupt_stage[0] != 0;
}
extern "C" void swirl_cuda_fault_corrupt_at(const char *stage, size_t index) {
    g_corrupt_stage[0] = 0;
    if (stage && strlen(stage) < sizeof g_corrupt_stage)
        memcpy(g_corrupt_stage, stage, strlen(stage) + 1);
    g_corrupt_index = index;
}
extern "C" void swirl_cuda_fault_corrupt_target(swirl_cuda_ctx *ctx, void *d_words, size_t nwords) {
    if (!ctx)
        return;
    ctx->fault_words = (uint32_t *)d_words;
    ctx->fault_nwords = d_words ? nwords : 0;
    ctx->fault_epoch = ctx->arena_epoch;
}
/* one word w of the target becomes w + 1 mod p: still canonical, a different field element (a
 * silent data corruption, not an out-of-range value) */
static __global__ void k_fault_corrupt(uint32_t *w) {
    SWIRL_KERNEL_ENTRY();
    uint32_t v = *w % BB31_P;
    *w = v + 1 == BB31_P ? 0 : v + 1;
}
/* at stage_begin: fires when the armed stage begins on a context with a live target, enqueued
 * before anything the stage enqueues (no host sync, not counted as one of the stage's kernels) */
static enum swirl_status corrupt_check(swirl_cuda_ctx *ctx, const char *name) {
    if (!g_corrupt_stage[0] || strcmp(g_corrupt_stage, name) != 0 || !ctx->fault_words ||
        ctx->fault_nwords == 0 || ctx->fault_epoch != ctx->arena_epoch)
        return SWIRL_OK;
    g_corrupt_stage[0] = 0;
    size_t i = g_corrupt_index % ctx->fault_nwords;
    swirl_log(SWIRL_LOG_WARN, "stage %s: word %zu of %zu corrupted on the device (test hook)", name,
              i, ctx->fault_nwords);
    k_fault_corrupt<<<1, 1, 0, ctx->stream>>>(ctx->fault_words + i);
    SWIRL_CUDA_TRY(ctx, cudaGetLastError());
    return SWIRL_OK;
}
/* counts one event against an armed countdown; non-zero when this one must fail */
static int fault_fires(unsigned long long *countdown) {
    return *countdown != 0 && --*countdown == 0;
}
/* every device allocation passes here first */
static enum swirl_status device_alloc_check(const char *what, size_t bytes) {
    if (fault_fires(&g_fault_alloc))
        return SWIRL_RAISE(SWIRL_E_NOMEM,
                           "%s of %zu bytes: injected device allocation failure "
                           "(test hook)",
                           what, bytes);
    return SWIRL_OK;
}

enum swirl_status swirl_cuda_after_launch(swirl_cuda_ctx *ctx, const char *kernel, const char *file,
                                          int line) {
    ctx->current.kernels++;
    swirl_cuda_tl_after(ctx, kernel, 'k');
    if (fault_fires(&g_fault_launch))
        return swirl_error_raise(SWIRL_E_CUDA, file, line,
                                 "%s: injected launch failure (test hook)", kernel);
    cudaError_t e = cudaGetLastError();
    if (e != cudaSuccess)
        return swirl_cuda_fail(ctx, e, file, line, kernel);
    if (ctx->debug_sync) {
        e = cudaStreamSynchronize(ctx->stream);
        if (e != cudaSuccess)
            return swirl_cuda_fail(ctx, e, file, line, kernel);
    }
    return SWIRL_OK;
}

/* arena sizes and slices in multiples of 256 bytes: persistent slices are cut from the top, so
 * an arena of another size would misalign every one of them (the vector loads need 16) */
static size_t align256(size_t bytes) {
    return (bytes + 255) & ~(size_t)255;
}

extern "C" enum swirl_status swirl_cuda_ctx_create(swirl_cuda_ctx **out, int device,
                                                   size_t arena_bytes) {
    SWIRL_ARG_CHECK(out != NULL);
    *out = NULL;
    int n = swirl_cuda_device_count();
    if (n == 0)
        return SWIRL_RAISE(SWIRL_E_NO_DEVICE, "no CUDA device (cudaGetDeviceCount=0)");
    if (device < 0 || device >= n)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "CUDA device %d out of range (%d devices)", device,
                           n);
    if (align256(arena_bytes) < arena_bytes)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "device arena of %zu bytes: too large", arena_bytes);
    arena_bytes = align256(arena_bytes);
    swirl_cuda_ctx *ctx = (swirl_cuda_ctx *)swirl_calloc(1, sizeof *ctx);
    if (!ctx)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of host memory");
    ctx->device = device;
    ctx->debug_sync = swirl_settings_get()->debug_sync;
    ctx->pdl = swirl_settings_get()->pdl;
    swirl_cuda_tl_create(ctx);
    enum swirl_status st = SWIRL_OK;
    cudaError_t e = cudaSetDevice(device);
    if (e == cudaSuccess)
        e = cudaStreamCreateWithFlags(&ctx->stream, cudaStreamNonBlocking);
    if (e == cudaSuccess)
        e = cudaEventCreate(&ctx->ev_start);
    if (e == cudaSuccess)
        e = cudaEventCreate(&ctx->ev_stop);
    if (e == cudaSuccess)
        e = cudaDeviceGetAttribute(&ctx->sm_count, cudaDevAttrMultiProcessorCount, device);
    if (e == cudaSuccess && arena_bytes > 0) {
        st = device_alloc_check("the device arena", arena_bytes);
        if (st != SWIRL_OK) {
            swirl_cuda_ctx_destroy(ctx);
            return st;
        }
        e = cudaMalloc((void **)&ctx->arena, arena_bytes);
        if (e == cudaSuccess) {
            ctx->arena_bytes = arena_bytes;
            swirl_cuda_dev_count(ctx, arena_bytes, 1);
        }
    }
    if (e == cudaSuccess) {
        /* pinned staging: optional (a host without pinnable memory copies directly) */
        int ok = 1;
        for (int b = 0; b < 2 && ok; b++)
            ok = cudaHostAlloc(&ctx->staging[b], SWIRL_CUDA_STAGING_BYTES, cudaHostAllocDefault) ==
                     cudaSuccess &&
                 cudaEventCreateWithFlags(&ctx->ev_staging[b], cudaEventDisableTiming) ==
                     cudaSuccess;
        if (ok) {
            ctx->staging_bytes = SWIRL_CUDA_STAGING_BYTES;
        } else {
            cudaGetLastError();
            for (int b = 0; b < 2; b++) {
                if (ctx->staging[b])
                    cudaFreeHost(ctx->staging[b]);
                if (ctx->ev_staging[b])
                    cudaEventDestroy(ctx->ev_staging[b]);
                ctx->staging[b] = NULL;
                ctx->ev_staging[b] = NULL;
            }
        }
    }
    if (e != cudaSuccess) {
        st = swirl_cuda_fail(NULL, e, __FILE__, __LINE__, "creating the CUDA context");
        swirl_cuda_ctx_destroy(ctx);
        return st;
    }
    *out = ctx;
    return SWIRL_OK;
}

extern "C" void swirl_cuda_ctx_destroy(swirl_cuda_ctx *ctx) {
    if (!ctx)
        return;
    swirl_cuda_tl_destroy(ctx); /* writes the last proof's timeline */
    swirl_cuda_zc_cache_free(ctx);
    swirl_cuda_zc_jit_free(ctx); /* after the programs that launch its kernels */
    if (ctx->arena)
        cudaFree(ctx->arena);
    for (int b = 0; b < 2; b++) {
        if (ctx->staging[b])
            cudaFreeHost(ctx->staging[b]);
        if (ctx->ev_staging[b])
            cudaEventDestroy(ctx->ev_staging[b]);
    }
    if (ctx->ev_start)
        cudaEventDestroy(ctx->ev_start);
    if (ctx->ev_stop)
        cudaEventDestroy(ctx->ev_stop);
    if (ctx->stream)
        cudaStreamDestroy(ctx->stream);
    free(ctx);
}

extern "C" int swirl_cuda_ctx_poisoned(const swirl_cuda_ctx *ctx) {
    return ctx == NULL || ctx->poisoned;
}

/* ---- the arena: scratch from the bottom, persistent from the top ---- */

extern "C" enum swirl_status swirl_cuda_alloc(swirl_cuda_ctx *ctx, void **dptr, size_t bytes) {
    SWIRL_CUDA_CHECK_CTX(ctx);
    SWIRL_ARG_CHECK(dptr != NULL);
    *dptr = NULL;
    SWIRL_TRY(device_alloc_check("arena scratch slice", bytes));
    size_t aligned = align256(bytes);
    if (aligned < bytes || aligned > swirl_cuda_arena_free(ctx))
        return SWIRL_RAISE(SWIRL_E_NOMEM,
                           "device arena exhausted: need %zu scratch bytes, %zu scratch + %zu "
                           "persistent of %zu used",
                           bytes, ctx->arena_used, ctx->persist_used, ctx->arena_bytes);
    *dptr = ctx->arena + ctx->arena_used;
    ctx->arena_used += aligned;
    return SWIRL_OK;
}

extern "C" enum swirl_status swirl_cuda_alloc_persistent(swirl_cuda_ctx *ctx, void **dptr,
                                                         size_t bytes) {
    SWIRL_CUDA_CHECK_CTX(ctx);
    SWIRL_ARG_CHECK(dptr != NULL);
    *dptr = NULL;
    SWIRL_TRY(device_alloc_check("arena persistent slice", bytes));
    size_t aligned = align256(bytes);
    if (aligned < bytes || aligned > swirl_cuda_arena_free(ctx))
        return SWIRL_RAISE(SWIRL_E_NOMEM,
                           "device arena exhausted: need %zu persistent bytes, %zu scratch + %zu "
                           "persistent of %zu used",
                           bytes, ctx->arena_used, ctx->persist_used, ctx->arena_bytes);
    ctx->persist_used += aligned;
    *dptr = ctx->arena + (ctx->arena_bytes - ctx->persist_used);
    return SWIRL_OK;
}

extern "C" enum swirl_status swirl_cuda_arena_reserve(swirl_cuda_ctx *ctx, size_t bytes) {
    SWIRL_CUDA_CHECK_CTX(ctx);
    if (ctx->arena_used != 0 || ctx->persist_used != 0)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                           "arena_reserve: %zu scratch and %zu persistent bytes are in use",
                           ctx->arena_used, ctx->persist_used);
    if (align256(bytes) < bytes)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "device arena of %zu bytes: too large", bytes);
    bytes = align256(bytes);
    if (bytes <= ctx->arena_bytes)
        return SWIRL_OK;
    SWIRL_TRY(device_alloc_check("the device arena", bytes));
    if (ctx->arena) {
        cudaError_t e = cudaFree(ctx->arena);
        swirl_cuda_dev_count(ctx, ctx->arena_bytes, 0);
        ctx->arena = NULL;
        ctx->arena_bytes = 0;
        if (e != cudaSuccess)
            return swirl_cuda_fail(ctx, e, __FILE__, __LINE__, "cudaFree(arena)");
    }
    cudaError_t e = cudaMalloc((void **)&ctx->arena, bytes);
    if (e != cudaSuccess) {
        ctx->arena = NULL;
        return swirl_cuda_fail(ctx, e, __FILE__, __LINE__, "cudaMalloc(arena)");
    }
    ctx->arena_bytes = bytes;
    swirl_cuda_dev_count(ctx, bytes, 1);
    return SWIRL_OK;
}

enum swirl_status swirl_cuda_dev_malloc(swirl_cuda_ctx *ctx, void **p, size_t bytes,
                                        const char *what) {
    *p = NULL;
    size_t b = bytes ? bytes : 256;
    SWIRL_TRY(device_alloc_check(what, b));
    cudaError_t e = cudaMalloc(p, b);
    if (e != cudaSuccess) {
        *p = NULL;
        return swirl_cuda_fail(ctx, e, __FILE__, __LINE__, what);
    }
    swirl_cuda_dev_count(ctx, b, 1);
    return SWIRL_OK;
}

void swirl_cuda_dev_free(swirl_cuda_ctx *ctx, void *p, size_t bytes) {
    if (!p)
        return;
    cudaFree(p);
    swirl_cuda_dev_count(ctx, bytes ? bytes : 256, 0);
}

extern "C" enum swirl_status swirl_cuda_arena_capacity(swirl_cuda_ctx *ctx, size_t *bytes) {
    SWIRL_ARG_CHECK(bytes != NULL);
    *bytes = 0;
    SWIRL_CUDA_CHECK_CTX(ctx);
    size_t free_b = 0, total_b = 0;
    SWIRL_CUDA_TRY(ctx, cudaSetDevice(ctx->device));
    SWIRL_CUDA_TRY(ctx, cudaMemGetInfo(&free_b, &total_b));
    *bytes = free_b + ctx->arena_bytes;
    return SWIRL_OK;
}

extern "C" void swirl_cuda_dev_count(swirl_cuda_ctx *ctx, size_t bytes, int add) {
    if (!ctx)
        return;
    if (add) {
        ctx->dev_allocs++;
        ctx->dev_bytes += bytes;
        if (ctx->dev_bytes > ctx->dev_peak)
            ctx->dev_peak = ctx->dev_bytes;
    } else {
        ctx->dev_bytes = bytes > ctx->dev_bytes ? 0 : ctx->dev_bytes - bytes;
    }
}

extern "C" size_t swirl_cuda_dev_peak(const swirl_cuda_ctx *ctx) {
    return ctx ? ctx->dev_peak : 0;
}

extern "C" size_t swirl_cuda_dev_held(const swirl_cuda_ctx *ctx) {
    return ctx ? ctx->dev_bytes : 0;
}

extern "C" unsigned long long swirl_cuda_dev_allocs(const swirl_cuda_ctx *ctx) {
    return ctx ? ctx->dev_allocs : 0;
}

extern "C" void swirl_cuda_dev_peak_reset(swirl_cuda_ctx *ctx) {
    if (ctx)
        ctx->dev_peak = ctx->dev_bytes;
}

extern "C" void swirl_cuda_arena_reset(swirl_cuda_ctx *ctx) {
    if (!ctx)
        return;
    ctx->arena_used = 0;
    if (ctx->persist_used || ctx->persist_holds)
        ctx->arena_epoch++;
    ctx->persist_used = 0;
    ctx->persist_holds = 0;
}

extern "C" size_t swirl_cuda_arena_used(const swirl_cuda_ctx *ctx) {
    return ctx ? ctx->arena_used + ctx->persist_used : 0;
}
extern "C" size_t swirl_cuda_arena_persistent_used(const swirl_cuda_ctx *ctx) {
    return ctx ? ctx->persist_used : 0;
}
extern "C" size_t swirl_cuda_arena_free(const swirl_cuda_ctx *ctx) {
    return ctx ? ctx->arena_bytes - ctx->arena_used - ctx->persist_used : 0;
}
extern "C" size_t swirl_cuda_arena_mark(const swirl_cuda_ctx *ctx) {
    return ctx ? ctx->arena_used : 0;
}
extern "C" void swirl_cuda_arena_rewind(swirl_cuda_ctx *ctx, size_t mark) {
    if (ctx && mark < ctx->arena_used)
        ctx->arena_used = mark;
}
extern "C" void swirl_cuda_arena_hold(swirl_cuda_ctx *ctx) {
    if (ctx)
        ctx->persist_holds++;
}
extern "C" void swirl_cuda_arena_release(swirl_cuda_ctx *ctx) {
    if (!ctx || ctx->persist_holds == 0)
        return;
    if (--ctx->persist_holds == 0) {
        ctx->persist_used = 0;
        ctx->arena_epoch++;
    }
}
extern "C" unsigned long long swirl_cuda_arena_epoch(const swirl_cuda_ctx *ctx) {
    return ctx ? ctx->arena_epoch : 0;
}

extern "C" enum swirl_status swirl_cuda_upload(swirl_cuda_ctx *ctx, void *dst, const void *src,
                                               size_t bytes) {
    SWIRL_CUDA_CHECK_CTX(ctx);
    SWIRL_ARG_CHECK((dst != NULL && src != NULL) || bytes == 0);
    if (bytes == 0)
        return SWIRL_OK;
    swirl_cuda_tl_before(ctx);
    SWIRL_CUDA_TRY(ctx, cudaMemcpyAsync(dst, src, bytes, cudaMemcpyHostToDevice, ctx->stream));
    swirl_cuda_tl_after(ctx, "H2D", 'c');
    ctx->current.kernels++;
    ctx->current.bytes += bytes;
    return SWIRL_OK;
}

extern "C" enum swirl_status swirl_cuda_download(swirl_cuda_ctx *ctx, void *dst, const void *src,
                                                 size_t bytes) {
    SWIRL_CUDA_CHECK_CTX(ctx);
    SWIRL_ARG_CHECK((dst != NULL && src != NULL) || bytes == 0);
    if (bytes == 0)
        return SWIRL_OK;
    swirl_cuda_tl_before(ctx);
    SWIRL_CUDA_TRY(ctx, cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToHost, ctx->stream));
    swirl_cuda_tl_after(ctx, "D2H", 'c');
    ctx->current.kernels++;
    ctx->current.bytes += bytes;
    return SWIRL_OK;
}

/* Waits until staging buffer b is free (its last copy done); a wait that blocks is a counted
 * host sync. */
static enum swirl_status staging_wait(swirl_cuda_ctx *ctx, int b) {
    cudaError_t e = cudaEventQuery(ctx->ev_staging[b]);
    if (e == cudaSuccess)
        return SWIRL_OK;
    if (e != cudaErrorNotReady)
        return swirl_cuda_fail(ctx, e, __FILE__, __LINE__, "cudaEventQuery(staging)");
    ctx->current.syncs++;
    SWIRL_CUDA_TRY(ctx, cudaEventSynchronize(ctx->ev_staging[b]));
    return SWIRL_OK;
}

extern "C" void *swirl_cuda_pinned_out(swirl_cuda_ctx *ctx, size_t bytes) {
    if (!ctx || ctx->poisoned || !ctx->staging[1] || bytes > ctx->staging_bytes)
        return NULL;
    if (cudaEventQuery(ctx->ev_staging[1]) != cudaSuccess) { /* a staged copy still uses it */
        (void)cudaGetLastError();
        return NULL;
    }
    return ctx->staging[1];
}

extern "C" enum swirl_status swirl_cuda_download_out(swirl_cuda_ctx *ctx, void *dst,
                                                     const void *src, size_t bytes) {
    SWIRL_TRY(swirl_cuda_download(ctx, dst, src, bytes));
    if (dst == ctx->staging[1] && bytes > 0) /* a later staged transfer waits for this copy */
        SWIRL_CUDA_TRY(ctx, cudaEventRecord(ctx->ev_staging[1], ctx->stream));
    return SWIRL_OK;
}

/* Calls f(piece index, offset inside the piece, offset inside the chunk, length) for every part
 * of the pieces that falls in the packed byte range [lo, hi). */
template <typename F>
static enum swirl_status for_each_part(const swirl_cuda_copy *pieces, size_t n, size_t lo,
                                       size_t hi, F f) {
    size_t pos = 0;
    for (size_t i = 0; i < n && pos < hi; i++) {
        size_t a = pos, b = pos + pieces[i].bytes;
        pos = b;
        if (a == b || b <= lo || a >= hi) /* empty, or outside the range */
            continue;
        size_t s = a > lo ? a : lo, t = b < hi ? b : hi;
        enum swirl_status st = f(i, s - a, s - lo, t - s);
        if (st != SWIRL_OK)
            return st;
    }
    return SWIRL_OK;
}

static enum swirl_status check_pieces(const swirl_cuda_copy *pieces, size_t n, size_t *total) {
    SWIRL_ARG_CHECK(pieces != NULL || n == 0);
    *total = 0;
    for (size_t i = 0; i < n; i++) {
        SWIRL_ARG_CHECK((pieces[i].dst != NULL && pieces[i].src != NULL) || pieces[i].bytes == 0);
        if (pieces[i].bytes > SIZE_MAX - *total)
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "transfer size overflows");
        *total += pieces[i].bytes;
    }
    return SWIRL_OK;
}

/* download_many's chunk pipeline (staging buffers present, total > 0) */
static enum swirl_status download_chunks(swirl_cuda_ctx *ctx, const swirl_cuda_copy *pieces,
                                         size_t n, size_t total) {
    const size_t C = ctx->staging_bytes, nchunks = (total + C - 1) / C;
    /* enqueues chunk c's device-to-staging copies */
    auto enqueue = [&](size_t c) -> enum swirl_status {
        int b = (int)(c & 1); SWIRL_TRY(staging_wait(ctx, b)); char *buf = (char *)ctx->staging[b];
        size_t lo = c * C, hi = lo + C < total ? lo + C : total;
        SWIRL_TRY(for_each_part(
            pieces, n, lo, hi,
            [&](size_t i, size_t in_piece, size_t in_chunk, size_t len) {
                SWIRL_CUDA_TRY(ctx, cudaMemcpyAsync(buf + in_chunk,
                                                    (const char *)pieces[i].src + in_piece, len,
                                                    cudaMemcpyDeviceToHost, ctx->stream));
                ctx->current.kernels++;
                ctx->current.bytes += len;
                return SWIRL_OK;
            }));
        SWIRL_CUDA_TRY(ctx, cudaEventRecord(ctx->ev_staging[b], ctx->stream));
        return SWIRL_OK;
    };
    SWIRL_TRY(enqueue(0));
    for (size_t c = 0; c < nchunks; c++) {
        if (c + 1 < nchunks)
            SWIRL_TRY(enqueue(c + 1)); /* its buffer was drained in the previous iteration */
        int b = (int)(c & 1);
        SWIRL_TRY(staging_wait(ctx, b));
        const char *buf = (const char *)ctx->staging[b];
        size_t lo = c * C, hi = lo + C < total ? lo + C : total;
        SWIRL_TRY(for_each_part(
            pieces, n, lo, hi, [&](size_t i, size_t in_piece, size_t in_chunk, size_t len) {
                swirl_memcpy_parallel((char *)pieces[i].dst + in_piece, buf + in_chunk, len);
                return SWIRL_OK;
            }));
    }
    return SWIRL_OK;
}

/* upload_many's chunk pipeline (staging buffers present, total > 0) */
static enum swirl_status upload_chunks(swirl_cuda_ctx *ctx, const swirl_cuda_copy *pieces, size_t n,
                                       size_t total) {
    const size_t C = ctx->staging_bytes, nchunks = (total + C - 1) / C;
    for (size_t c = 0; c < nchunks; c++) {
        int b = (int)(c & 1);
        SWIRL_TRY(staging_wait(ctx, b)); /* the DMA of chunk c - 2 has left the buffer */
        char *buf = (char *)ctx->staging[b];
        size_t lo = c * C, hi = lo + C < total ? lo + C : total;
        SWIRL_TRY(for_each_part(
            pieces, n, lo, hi, [&](size_t i, size_t in_piece, size_t in_chunk, size_t len) {
                swirl_memcpy_parallel(buf + in_chunk, (const char *)pieces[i].src + in_piece, len);
                return SWIRL_OK;
            }));
        SWIRL_TRY(for_each_part(
            pieces, n, lo, hi, [&](size_t i, size_t in_piece, size_t in_chunk, size_t len) {
                SWIRL_CUDA_TRY(ctx,
                               cudaMemcpyAsync((char *)pieces[i].dst + in_piece, buf + in_chunk,
                                               len, cudaMemcpyHostToDevice, ctx->stream));
                ctx->current.kernels++;
                ctx->current.bytes += len;
                return SWIRL_OK;
            }));
        SWIRL_CUDA_TRY(ctx, cudaEventRecord(ctx->ev_staging[b], ctx->stream));
    }
    return SWIRL_OK;
}

/* The checks and the path without staging buffers, shared by both directions. */
static enum swirl_status transfer_many(swirl_cuda_ctx *ctx, const swirl_cuda_copy *pieces, size_t n,
                                       int to_device) {
    SWIRL_CUDA_CHECK_CTX(ctx);
    size_t total = 0;
    SWIRL_TRY(check_pieces(pieces, n, &total));
    if (total == 0)
        return SWIRL_OK;
    if (ctx->staging_bytes)
        return to_device ? upload_chunks(ctx, pieces, n, total)
                         : download_chunks(ctx, pieces, n, total);
    for (size_t i = 0; i < n; i++)
        SWIRL_TRY(to_device
                      ? swirl_cuda_upload(ctx, pieces[i].dst, pieces[i].src, pieces[i].bytes)
                      : swirl_cuda_download(ctx, pieces[i].dst, pieces[i].src, pieces[i].bytes));
    /* a download's host side is done only once the stream has run it */
    return to_device ? SWIRL_OK : swirl_cuda_sync(ctx, "download without staging");
}

extern "C" enum swirl_status swirl_cuda_download_many(swirl_cuda_ctx *ctx,
                                                      const swirl_cuda_copy *pieces, size_t n) {
    return transfer_many(ctx, pieces, n, 0);
}

extern "C" enum swirl_status swirl_cuda_upload_many(swirl_cuda_ctx *ctx,
                                                    const swirl_cuda_copy *pieces, size_t n) {
    return transfer_many(ctx, pieces, n, 1);
}

extern "C" enum swirl_status swirl_cuda_stage_begin(swirl_cuda_ctx *ctx, const char *name) {
    SWIRL_CUDA_CHECK_CTX(ctx);
    SWIRL_ARG_CHECK(name != NULL);
    if (ctx->stage_open)
        return SWIRL_RAISE(SWIRL_E_INTERNAL, "stage '%s' begun inside stage '%s'", name,
                           ctx->current.name);
    memset(&ctx->current, 0, sizeof ctx->current);
    ctx->current.name = name;
    ctx->stage_open = 1;
    swirl_cuda_tl_mark(ctx, name);
    SWIRL_CUDA_TRY(ctx, cudaEventRecord(ctx->ev_start, ctx->stream));
    enum swirl_status st = corrupt_check(ctx, name);
    if (st != SWIRL_OK)
        ctx->stage_open = 0; /* the caller's SWIRL_TRY does not abort a stage that never began */
    return st;
}

extern "C" enum swirl_status swirl_cuda_sync(swirl_cuda_ctx *ctx, const char *reason) {
    SWIRL_CUDA_CHECK_CTX(ctx);
    ctx->current.syncs++;
    swirl_log(SWIRL_LOG_DEBUG, "stage %s: host sync %u (%s)",
              ctx->current.name ? ctx->current.name : "(none)", ctx->current.syncs,
              reason ? reason : "no reason given");
    swirl_cuda_tl_mark(ctx, "sync");
    SWIRL_CUDA_TRY(ctx, cudaStreamSynchronize(ctx->stream));
    swirl_cuda_tl_mark(ctx, "synced");
    return SWIRL_OK;
}

extern "C" enum swirl_status swirl_cuda_stage_end(swirl_cuda_ctx *ctx) {
    SWIRL_CUDA_CHECK_CTX(ctx);
    if (!ctx->stage_open)
        return SWIRL_RAISE(SWIRL_E_INTERNAL, "stage_end without stage_begin");
    ctx->stage_open = 0;
    SWIRL_CUDA_TRY(ctx, cudaEventRecord(ctx->ev_stop, ctx->stream));
    ctx->current.syncs++;
    SWIRL_CUDA_TRY(ctx, cudaEventSynchronize(ctx->ev_stop));
    swirl_cuda_tl_mark(ctx, "stage_end");
    float ms = 0;
    SWIRL_CUDA_TRY(ctx, cudaEventElapsedTime(&ms, ctx->ev_start, ctx->ev_stop));
    ctx->current.gpu_ms = ms;
    if (ctx->n_trace < SWIRL_CUDA_MAX_STAGES)
        ctx->trace[ctx->n_trace++] = ctx->current;
    return SWIRL_OK;
}

extern "C" void swirl_cuda_stage_abort(swirl_cuda_ctx *ctx) {
    if (ctx)
        ctx->stage_open = 0;
}

extern "C" enum swirl_status swirl_cuda_stage_close(swirl_cuda_ctx *ctx, enum swirl_status st) {
    if (st == SWIRL_OK)
        return swirl_cuda_stage_end(ctx);
    swirl_cuda_stage_abort(ctx);
    return st;
}

extern "C" const swirl_stage_trace *swirl_cuda_stage_trace(const swirl_cuda_ctx *ctx, size_t *n) {
    if (n)
        *n = ctx ? ctx->n_trace : 0;
    return ctx ? ctx->trace : NULL;
}

extern "C" void swirl_cuda_stage_trace_clear(swirl_cuda_ctx *ctx) {
    if (ctx) {
        ctx->n_trace = 0;
        swirl_cuda_tl_clear(ctx);
    }
}

/* ---- the CUDA primitive table's buffer slots (device/ops.h) ---- */

static swirl_cuda_ctx *ops_ctx(const swirl_backend_ops *ops) {
    return ops ? (swirl_cuda_ctx *)ops->ctx : NULL;
}

/* [off, off + bytes) inside b */
static enum swirl_status buf_range(const char *what, swirl_buf b, size_t off, size_t bytes) {
    if (off > b.bytes || bytes > b.bytes - off || (bytes > 0 && !b.ptr))
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "%s: %zu bytes at %zu outside a %zu-byte buffer",
                           what, bytes, off, b.bytes);
    return SWIRL_OK;
}

static enum swirl_status cuda_buf_alloc(const swirl_backend_ops *ops, swirl_buf *out,
                                        size_t bytes) {
    SWIRL_ARG_CHECK(out != NULL && bytes > 0);
    memset(out, 0, sizeof *out);
    void *p = NULL;
    SWIRL_TRY(swirl_cuda_alloc(ops_ctx(ops), &p, bytes));
    out->ptr = p;
    out->bytes = bytes;
    out->where = SWIRL_MEM_DEVICE;
    return SWIRL_OK;
}

/* the most recent scratch slice goes back at once; others at the scope's rewind */
static void cuda_buf_free(const swirl_backend_ops *ops, swirl_buf *buf) {
    swirl_cuda_ctx *ctx = ops_ctx(ops);
    if (!buf)
        return;
    if (ctx && buf->ptr && buf->where == SWIRL_MEM_DEVICE &&
        (char *)buf->ptr + align256(buf->bytes) == ctx->arena + ctx->arena_used)
        ctx->arena_used = (size_t)((char *)buf->ptr - ctx->arena);
    memset(buf, 0, sizeof *buf);
}

static enum swirl_status cuda_copy(swirl_cuda_ctx *ctx, void *dst, const void *src, size_t bytes) {
    SWIRL_CUDA_CHECK_CTX(ctx);
    if (bytes == 0)
        return SWIRL_OK;
    SWIRL_CUDA_TRY(ctx, cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDefault, ctx->stream));
    ctx->current.kernels++;
    ctx->current.bytes += bytes;
    return SWIRL_OK;
}

static enum swirl_status cuda_buf_upload(const swirl_backend_ops *ops, swirl_buf dst,
                                         size_t dst_off, const void *src, size_t bytes) {
    SWIRL_TRY(buf_range("buf_upload", dst, dst_off, bytes));
    SWIRL_ARG_CHECK(src != NULL || bytes == 0);
    return cuda_copy(ops_ctx(ops), (char *)dst.ptr + dst_off, src, bytes);
}

static enum swirl_status cuda_buf_download(const swirl_backend_ops *ops, void *dst, swirl_buf src,
                                           size_t src_off, size_t bytes) {
    SWIRL_TRY(buf_range("buf_download", src, src_off, bytes));
    SWIRL_ARG_CHECK(dst != NULL || bytes == 0);
    return cuda_copy(ops_ctx(ops), dst, (const char *)src.ptr + src_off, bytes);
}

static enum swirl_status cuda_buf_copy(const swirl_backend_ops *ops, swirl_buf dst, size_t dst_off,
                                       swirl_buf src, size_t src_off, size_t bytes) {
    SWIRL_TRY(buf_range("buf_copy", dst, dst_off, bytes));
    SWIRL_TRY(buf_range("buf_copy", src, src_off, bytes));
    return cuda_copy(ops_ctx(ops), (char *)dst.ptr + dst_off, (const char *)src.ptr + src_off,
                     bytes);
}

static enum swirl_status cuda_buf_sync(const swirl_backend_ops *ops) {
    return swirl_cuda_sync(ops_ctx(ops), "buf_sync");
}

extern "C" enum swirl_status swirl_cuda_ops_init(swirl_backend_ops *ops, swirl_cuda_ctx *ctx) {
    SWIRL_ARG_CHECK(ops != NULL);
    SWIRL_CUDA_CHECK_CTX(ctx);
    *ops = *swirl_backend_cpu_ops();
    ops->ctx = ctx;
    ops->buf_alloc = cuda_buf_alloc;
    ops->buf_free = cuda_buf_free;
    ops->buf_upload = cuda_buf_upload;
    ops->buf_download = cuda_buf_download;
    ops->buf_copy = cuda_buf_copy;
    ops->buf_sync = cuda_buf_sync;
    return SWIRL_OK;
}

extern "C" void swirl_cuda_stage_record(swirl_cuda_ctx *ctx, const char *name, unsigned kernels,
                                        float gpu_ms) {
    if (!ctx || ctx->n_trace >= SWIRL_CUDA_MAX_STAGES)
        return;
    swirl_stage_trace st = {name, kernels, 0, gpu_ms, 0};
    ctx->trace[ctx->n_trace++] = st;
}
