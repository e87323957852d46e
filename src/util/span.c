/* Span tree recording (see span.h). */
#define _POSIX_C_SOURCE 199309L
#include "util/span.h"

#include "util/log.h"

#include <string.h>
#include <time.h>

static _Thread_local swirl_span_record span_rec[SWIRL_SPAN_MAX];
static _Thread_local size_t span_n;
static _Thread_local int span_open = -1; /* innermost open span */
static _Thread_local int span_dropped_depth; /* begins past the limit, still to be ended */

/* progress goes to the calling thread's logger (util/log.h) */
static int progress_on(int depth) {
    const swirl_logger *lg = swirl_logger_current();
    return lg->fn != NULL && depth <= lg->progress_depth;
}

double swirl_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

void swirl_span_begin(const char *name) {
    if (span_n >= SWIRL_SPAN_MAX) {
        span_dropped_depth++;
        return;
    }
    swirl_span_record *r = &span_rec[span_n];
    r->name = name;
    r->parent = span_open;
    r->depth = span_open < 0 ? 0 : span_rec[span_open].depth + 1;
    r->ms = -1.0;
    span_open = (int)span_n++;
    if (progress_on(r->depth))
        swirl_log(SWIRL_LOG_INFO, "%*s%s ...", 2 * r->depth, "", name);
    r->start_ms = swirl_now_ms();
}

void swirl_span_end(void) {
    if (span_dropped_depth > 0) {
        span_dropped_depth--;
        return;
    }
    if (span_open < 0)
        return;
    swirl_span_record *r = &span_rec[span_open];
    r->ms = swirl_now_ms() - r->start_ms;
    if (progress_on(r->depth))
        swirl_log(SWIRL_LOG_INFO, "%*s%s done (%.1f ms)", 2 * r->depth, "", r->name, r->ms);
    span_open = r->parent;
}

void swirl_span_reset(void) {
    span_n = 0;
    span_open = -1;
    span_dropped_depth = 0;
}

const swirl_span_record *swirl_span_records(size_t *n) {
    if (n)
        *n = span_n;
    return span_rec;
}

void swirl_span_print(FILE *f) {
    for (size_t i = 0; i < span_n; i++) {
        const swirl_span_record *r = &span_rec[i];
        fprintf(f, "%*s%-*s %10.3f ms\n", 2 * r->depth, "", 48 - 2 * r->depth, r->name, r->ms);
    }
}

double swirl_span_total_ms(const char *name) {
    double t = 0;
    for (size_t i = 0; i < span_n; i++)
        if (strcmp(span_rec[i].name, name) == 0 && span_rec[i].ms >= 0)
            t += span_rec[i].ms;
    return t;
}
