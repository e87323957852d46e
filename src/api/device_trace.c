/* Device traces (swirl_prover.h: swirl_device_trace; swirl_airs.h:
 * swirl_keccak_generate_trace_device): handles over device/cuda/cuda_trace.h. */
#include "util/alloc.h"
#include "api/api.h"

#include <stdlib.h>
#include <string.h>

#include "air/keccak_row.h"
#include "device/cuda/cuda_trace.h"
#include "swirl/swirl_airs.h"
#include "swirl/swirl_prover.h"
#include "util/log.h"

/* an empty handle for a trace on ctx's GPU; SWIRL_E_UNSUPPORTED for a context without one */
static enum swirl_status trace_new(swirl_device_trace **t, swirl_context *ctx) {
    if (!ctx->backend || !ctx->backend->gpu)
        return SWIRL_RAISE(SWIRL_E_UNSUPPORTED,
                           "device traces need a context with the cuda backend (this one is %s)",
                           ctx->backend ? ctx->backend->name : "cpu");
    *t = swirl_calloc(1, sizeof **t);
    if (!*t)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "device trace: out of memory");
    (*t)->ctx = ctx;
    return SWIRL_OK;
}

/* the handle t, whose device values were made with status st: *out (height x width) on
 * success, else released */
static enum swirl_status trace_done(swirl_device_trace **out, swirl_device_trace *t,
                                    enum swirl_status st, size_t height, size_t width) {
    if (st != SWIRL_OK) {
        free(t);
        return st;
    }
    t->height = height;
    t->width = width;
    *out = t;
    return SWIRL_OK;
}

enum swirl_status swirl_keccak_generate_trace_device(swirl_context *ctx, swirl_device_trace **out,
                                                     const uint64_t (*inputs)[25],
                                                     size_t n_inputs) {
    SWIRL_ARG_CHECK(out != NULL);
    *out = NULL;
    SWIRL_ARG_CHECK(ctx != NULL && inputs != NULL && n_inputs > 0);
    if (n_inputs > ((size_t)1 << 30) / SWIRL_KECCAK_NUM_ROUNDS)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "keccak trace: %zu permutations is too many",
                           n_inputs);
    swirl_device_trace *t = NULL;
    SWIRL_TRY(trace_new(&t, ctx));
    swirl_api_scope sc;
    swirl_api_enter(&sc, ctx);
    enum swirl_status st = swirl_cuda_keccak_trace(ctx->backend->gpu, &t->d_values,
                                                   &t->alloc_bytes, inputs, n_inputs);
    swirl_api_leave(&sc);
    return trace_done(out, t, st, swirl_keccak_trace_height(n_inputs), SWIRL_KECCAK_NUM_COLS);
}

enum swirl_status swirl_device_trace_upload(swirl_context *ctx, swirl_device_trace **out,
                                            const swirl_felt *values, size_t height,
                                            size_t width) {
    SWIRL_ARG_CHECK(out != NULL);
    *out = NULL;
    SWIRL_ARG_CHECK(ctx != NULL && values != NULL && height > 0 && width > 0);
    size_t cells;
    if (!swirl_mul_size(height, width, &cells))
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "device trace upload: %zu x %zu overflows",
                           height, width);
    swirl_device_trace *t = NULL;
    SWIRL_TRY(trace_new(&t, ctx));
    swirl_api_scope sc;
    swirl_api_enter(&sc, ctx);
    enum swirl_status st = swirl_cuda_trace_upload(ctx->backend->gpu, &t->d_values,
                                                   &t->alloc_bytes, values, cells);
    swirl_api_leave(&sc);
    return trace_done(out, t, st, height, width);
}

void swirl_device_trace_destroy(swirl_device_trace *t) {
    if (!t)
        return;
    swirl_cuda_trace_free(t->ctx->backend->gpu, t->d_values, t->alloc_bytes);
    free(t);
}

size_t swirl_device_trace_height(const swirl_device_trace *t) {
    return t ? t->height : 0;
}

size_t swirl_device_trace_width(const swirl_device_trace *t) {
    return t ? t->width : 0;
}

/* a host copy of the whole trace (caller frees), downloaded in the stage `stage` */
static enum swirl_status download(const swirl_device_trace *t, bb31 **out, const char *stage) {
    size_t cells;
    *out = NULL;
    if (!swirl_mul_size(t->height, t->width, &cells))
        return SWIRL_RAISE(SWIRL_E_NOMEM, "device trace: size overflows");
    bb31 *h = swirl_malloc((cells + 1) * sizeof *h);
    if (!h)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "device trace: out of memory (%zu cells)", cells);
    enum swirl_status st = swirl_cuda_trace_download(t->ctx->backend->gpu, h, t->d_values, cells,
                                                     stage);
    if (st != SWIRL_OK) {
        free(h);
        return st;
    }
    *out = h;
    return SWIRL_OK;
}

enum swirl_status swirl_device_trace_download(const swirl_device_trace *t, swirl_felt **out) {
    SWIRL_ARG_CHECK(out != NULL);
    *out = NULL;
    SWIRL_ARG_CHECK(t != NULL);
    swirl_api_scope sc;
    swirl_api_enter(&sc, t->ctx);
    enum swirl_status st = download(t, out, "trace_download");
    swirl_api_leave(&sc);
    return st;
}

enum swirl_status swirl_api_device_trace_host(const swirl_device_trace *t, bb31 **copy,
                                              const char *why) {
    swirl_log(SWIRL_LOG_WARN,
              "%s reads the trace on the host: downloading the device trace (%zu x %zu, %zu MB)",
              why, t->height, t->width, t->height * t->width * sizeof(bb31) >> 20);
    return download(t, copy, "cpu_fallback:trace_download");
}
