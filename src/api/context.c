/* The library context (swirl.h): threads, backend, logger, transcript directory; and what every
 * public call does on entry and exit (api.h). */
#include "util/alloc.h"
#include "api/api.h"

#include <errno.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "util/settings.h"
#include "util/span.h"

void swirl_free(void *p) {
    free(p);
}

swirl_felt swirl_felt_from_u32(uint32_t x) {
    return bb31_from_u32(x);
}

uint32_t swirl_felt_to_u32(swirl_felt a) {
    return bb31_to_u32(a);
}

void swirl_context_options_init(swirl_context_options *opts) {
    if (!opts)
        return;
    memset(opts, 0, sizeof *opts);
    opts->backend = NULL;
    opts->log = NULL;
    opts->log_user = NULL;
    opts->progress_depth = -1;
}

/* SWIRL_THREADS, read when a context is created: a positive count, else 0 (OpenMP's default) */
static int env_threads(void) {
    const char *v = getenv("SWIRL_THREADS");
    if (!v || !*v)
        return 0;
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    return (errno || *end || n < 1 || n > 4096) ? 0 : (int)n;
}

enum swirl_status swirl_context_create(swirl_context **out, const swirl_context_options *opts) {
    SWIRL_ARG_CHECK(out != NULL);
    *out = NULL;
    swirl_context_options def;
    if (!opts) {
        swirl_context_options_init(&def);
        opts = &def;
    }
    if (opts->threads < 0)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "context: %d threads", opts->threads);
    const char *bname = opts->backend ? opts->backend : "cpu";
    if (strcmp(bname, "cpu") != 0 && strcmp(bname, "cuda") != 0 && strcmp(bname, "auto") != 0)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "unknown backend '%s' (cpu, cuda or auto)", bname);
    (void)swirl_settings_get(); /* the environment's settings, read once, now */
    swirl_context *ctx = swirl_calloc(1, sizeof *ctx);
    if (!ctx)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "context: out of memory");
    ctx->threads = opts->threads ? opts->threads : env_threads();
    ctx->logger.fn = opts->log;
    ctx->logger.user = opts->log_user;
    ctx->logger.progress_depth = opts->log ? opts->progress_depth : -1;
    enum swirl_status st = swirl_backend_select(&ctx->backend, bname);
    if (st != SWIRL_OK) {
        free(ctx);
        return st;
    }
    *out = ctx;
    return SWIRL_OK;
}

void swirl_context_destroy(swirl_context *ctx) {
    if (!ctx)
        return;
    swirl_backend_destroy(ctx->backend);
    free(ctx->transcript_dir);
    free(ctx);
}

enum swirl_status swirl_context_finish_compiles(swirl_context *ctx, unsigned *waited) {
    if (waited)
        *waited = 0;
    SWIRL_ARG_CHECK(ctx != NULL);
    unsigned n = swirl_backend_finish_compiles(ctx->backend);
    if (waited)
        *waited = n;
    return SWIRL_OK;
}

int swirl_context_threads(const swirl_context *ctx) {
    return ctx && ctx->threads > 0 ? ctx->threads : omp_get_max_threads();
}

const char *swirl_context_backend(const swirl_context *ctx) {
    const swirl_backend *be = ctx && ctx->backend ? ctx->backend : swirl_backend_cpu();
    return be->name;
}

enum swirl_status swirl_context_set_transcript_dir(swirl_context *ctx, const char *dir) {
    SWIRL_ARG_CHECK(ctx != NULL);
    char *copy = NULL;
    if (dir) {
        size_t n = strlen(dir);
        copy = swirl_malloc(n + 1);
        if (!copy)
            return SWIRL_RAISE(SWIRL_E_NOMEM, "context: out of memory");
        memcpy(copy, dir, n + 1);
    }
    free(ctx->transcript_dir);
    ctx->transcript_dir = copy;
    return SWIRL_OK;
}

void swirl_api_transcript_reset(swirl_context *ctx) {
    ctx->transcript_written = 0;
    ctx->transcript_status = SWIRL_OK;
    ctx->transcript_values = ctx->transcript_perms = 0;
}

enum swirl_status swirl_context_transcript_result(const swirl_context *ctx, int *written,
                                                  size_t *n_values, size_t *n_perms) {
    int w = ctx ? ctx->transcript_written : 0;
    if (written)
        *written = w;
    if (n_values)
        *n_values = w ? ctx->transcript_values : 0;
    if (n_perms)
        *n_perms = w ? ctx->transcript_perms : 0;
    return ctx ? ctx->transcript_status : SWIRL_OK;
}

void swirl_api_enter(swirl_api_scope *sc, const swirl_context *ctx) {
    sc->threads_before = omp_get_max_threads();
    if (ctx && ctx->threads > 0)
        omp_set_num_threads(ctx->threads); /* this thread's setting, restored on leave */
    sc->logger_before = swirl_logger_swap(ctx ? &ctx->logger : NULL);
}

void swirl_api_leave(const swirl_api_scope *sc) {
    omp_set_num_threads(sc->threads_before);
    swirl_logger_swap(&sc->logger_before);
}

void swirl_report_reset(void) {
    swirl_span_reset();
}

const swirl_span *swirl_report_spans(size_t *n) {
    return swirl_span_records(n);
}

double swirl_report_span_ms(const char *name) {
    return name ? swirl_span_total_ms(name) : 0.0;
}

void swirl_report_print(FILE *f) {
    if (f)
        swirl_span_print(f);
}

const swirl_stage *swirl_context_stage_trace(const swirl_context *ctx, size_t *n) {
    if (!ctx) {
        if (n)
            *n = 0;
        return NULL;
    }
    return swirl_backend_stage_trace(ctx->backend, n);
}

size_t swirl_context_device_peak_bytes(const swirl_context *ctx) {
    return ctx ? swirl_backend_device_peak(ctx->backend) : 0;
}
