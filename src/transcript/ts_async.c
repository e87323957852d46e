#define _POSIX_C_SOURCE 199309L /* clock_gettime, nanosleep */
/* Observing extension values on a worker thread (see ts_async.h). */
#include "transcript/ts_async.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define TS_RELAX() _mm_pause()
#else
#define TS_RELAX() ((void)0)
#endif

/* the batched observe: the whole chunks stay in the permutation's form (transcript.h) */
static void *worker(void *arg) {
    swirl_ts_async *a = (swirl_ts_async *)arg;
    swirl_transcript_observe_ext_many(a->t, a->v, a->n);
    return NULL;
}

static double ts_now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* a prestarted worker: hot until its values come (or it is cancelled), then as `worker` */
static void *warm_worker(void *arg) {
    swirl_ts_async *a = (swirl_ts_async *)arg;
    double t0 = ts_now_s();
    int napping = 0; /* past 50 ms: a 20 us nap between two looks (the clock read every 1024) */
    for (unsigned long i = 0;; i++) {
        int g = __atomic_load_n(&a->go, __ATOMIC_ACQUIRE);
        if (g == 1)
            break;
        if (g == 2)
            return NULL;
        if (!napping && (i & 1023) == 1023)
            napping = ts_now_s() - t0 > 0.05;
        if (napping) {
            struct timespec nap = {0, 20000};
            nanosleep(&nap, NULL);
        } else {
            TS_RELAX();
        }
    }
    return worker(a);
}

void swirl_ts_async_prestart(swirl_ts_async *a) {
    swirl_ts_async_clear(a);
    if (pthread_create(&a->th, NULL, warm_worker, a) == 0) {
        a->running = 1;
        a->warm = 1;
    }
}

void swirl_ts_async_start(swirl_ts_async *a, swirl_transcript *t, bb31x4 *v, size_t n) {
    if (a->warm && a->running && __atomic_load_n(&a->go, __ATOMIC_ACQUIRE) == 0) {
        a->t = t;
        a->v = v;
        a->n = n;
        __atomic_store_n(&a->go, 1, __ATOMIC_RELEASE); /* the worker reads t, v, n after this */
        return;
    }
    swirl_ts_async_clear(a);
    a->t = t;
    a->v = v;
    a->n = n;
    if (n == 0)
        return;
    if (pthread_create(&a->th, NULL, worker, a) == 0)
        a->running = 1;
    else
        swirl_transcript_observe_ext_many(t, v, n); /* no thread: the same values, here */
}

void swirl_ts_async_join(swirl_ts_async *a) {
    if (a->running) {
        if (a->warm && __atomic_load_n(&a->go, __ATOMIC_ACQUIRE) == 0)
            __atomic_store_n(&a->go, 2, __ATOMIC_RELEASE); /* no values came: cancelled */
        pthread_join(a->th, NULL);
        a->running = 0;
    }
}

int swirl_ts_async_started(const swirl_ts_async *a) {
    return a->t != NULL;
}

void swirl_ts_async_clear(swirl_ts_async *a) {
    swirl_ts_async_join(a);
    free(a->v);
    memset(a, 0, sizeof *a);
}
