/*
 * The GPU timeline of one proof (SWIRL_CUDA_TIMELINE=FILE, a diagnostic; off by default): an
 * event before and after every launch and copy on the context's stream, and host marks at stage
 * boundaries and syncs, written to FILE as CSV when the context is destroyed (the last proof: the
 * records start over at swirl_cuda_stage_trace_clear, i.e. at each proof's begin_proof).
 *
 * What it shows that the stage trace does not: where the GPU waits for the host. An event recorded
 * before a launch completes when the work before it is done, or when the host enqueues it if the
 * stream was idle; so a gap between one record's `after` and the next one's `before` is time the
 * GPU had nothing queued. Host times are CLOCK_MONOTONIC; tools/gpu/timeline.py lines the two
 * clocks up (the smallest gpu_before - host over the records is the offset plus the launch
 * latency) and sums the gaps by the host work around them.
 *
 * Cost: two event records a launch (a few microseconds of GPU time each), so the timeline's
 * totals are a little longer than a timed run's; the gaps are the point, not the totals.
 */
#include "device/cuda/cuda_common.cuh"
#include "util/log.h"
#include "util/settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TL_MAX 4096

typedef struct tl_rec {
    const char *name; /* a kernel's name (static), or a copy's / mark's */
    char kind; /* 'k' launch, 'c' copy, 'm' host mark (no events) */
    double host_us;
    cudaEvent_t before, after;
} tl_rec;

struct swirl_cuda_timeline {
    char path[512];
    tl_rec rec[TL_MAX];
    size_t n;
    int open; /* rec[n] has its before event and waits for its after */
};

static double tl_now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec * 1e-3;
}

void swirl_cuda_tl_create(swirl_cuda_ctx *ctx) {
    const char *path = swirl_settings_get()->cuda_timeline;
    if (!path)
        return;
    if (strlen(path) >= sizeof(((swirl_cuda_timeline *)0)->path)) {
        swirl_log(SWIRL_LOG_WARN, "SWIRL_CUDA_TIMELINE: path longer than %zu bytes, no timeline",
                  sizeof(((swirl_cuda_timeline *)0)->path) - 1);
        return;
    }
    swirl_cuda_timeline *tl = (swirl_cuda_timeline *)calloc(1, sizeof *tl);
    if (!tl)
        return;
    strcpy(tl->path, path);
    ctx->tl = tl;
}

void swirl_cuda_tl_clear(swirl_cuda_ctx *ctx) {
    if (ctx->tl) {
        ctx->tl->n = 0;
        ctx->tl->open = 0;
    }
}

static cudaEvent_t tl_event(cudaEvent_t *slot) {
    if (!*slot && cudaEventCreate(slot) != cudaSuccess) {
        cudaGetLastError();
        *slot = NULL;
    }
    return *slot;
}

void swirl_cuda_tl_before(swirl_cuda_ctx *ctx) {
    swirl_cuda_timeline *tl = ctx->tl;
    if (!tl || tl->n >= TL_MAX)
        return;
    tl_rec *r = &tl->rec[tl->n];
    r->host_us = tl_now_us();
    if (tl_event(&r->before))
        cudaEventRecord(r->before, ctx->stream);
    tl->open = 1;
}

void swirl_cuda_tl_after(swirl_cuda_ctx *ctx, const char *name, char kind) {
    swirl_cuda_timeline *tl = ctx->tl;
    if (!tl || !tl->open || tl->n >= TL_MAX)
        return;
    tl_rec *r = &tl->rec[tl->n];
    r->name = name;
    r->kind = kind;
    if (tl_event(&r->after))
        cudaEventRecord(r->after, ctx->stream);
    tl->open = 0;
    tl->n++;
}

void swirl_cuda_tl_mark(swirl_cuda_ctx *ctx, const char *name) {
    swirl_cuda_timeline *tl = ctx->tl;
    if (!tl || tl->n >= TL_MAX)
        return;
    tl->open = 0; /* a launch that failed between its before and after has no record */
    tl_rec *r = &tl->rec[tl->n++];
    r->name = name;
    r->kind = 'm';
    r->host_us = tl_now_us();
}

void swirl_cuda_tl_destroy(swirl_cuda_ctx *ctx) {
    swirl_cuda_timeline *tl = ctx->tl;
    if (!tl)
        return;
    ctx->tl = NULL;
    cudaStreamSynchronize(ctx->stream);
    FILE *f = fopen(tl->path, "w");
    if (!f)
        swirl_log(SWIRL_LOG_WARN, "SWIRL_CUDA_TIMELINE: cannot write %s", tl->path);
    cudaEvent_t e0 = NULL;
    double h0 = 0;
    for (size_t i = 0; i < tl->n; i++)
        if (tl->rec[i].kind != 'm' && tl->rec[i].before) {
            e0 = tl->rec[i].before;
            h0 = tl->rec[i].host_us;
            break;
        }
    if (f) {
        fprintf(f, "kind,name,host_us,gpu_before_us,gpu_after_us\n");
        for (size_t i = 0; i < tl->n; i++) {
            const tl_rec *r = &tl->rec[i];
            float b = -1, a = -1;
            if (r->kind != 'm' && e0 && r->before && r->after) {
                if (cudaEventElapsedTime(&b, e0, r->before) != cudaSuccess ||
                    cudaEventElapsedTime(&a, e0, r->after) != cudaSuccess) {
                    cudaGetLastError();
                    b = a = -1;
                }
            }
            fprintf(f, "%c,%s,%.1f,%.1f,%.1f\n", r->kind, r->name ? r->name : "?",
                    r->host_us - h0, b * 1e3, a * 1e3);
        }
        fclose(f);
    }
    for (size_t i = 0; i < TL_MAX; i++) {
        if (tl->rec[i].before)
            cudaEventDestroy(tl->rec[i].before);
        if (tl->rec[i].after)
            cudaEventDestroy(tl->rec[i].after);
    }
    free(tl);
}
