/* Observing extension values on a worker thread (see ts_async.h). */
#include "transcript/ts_async.h"

#include <stdlib.h>
#include <string.h>

/* the batched observe: the whole chunks stay in the permutation's form (transcript.h) */
static void observe_all(swirl_transcript *t, const bb31x4 *v, size_t n) {
    swirl_transcript_observe_ext_many(t, v, n);
}

static void *worker(void *arg) {
    swirl_ts_async *a = (swirl_ts_async *)arg;
    observe_all(a->t, a->v, a->n);
    return NULL;
}

void swirl_ts_async_start(swirl_ts_async *a, swirl_transcript *t, bb31x4 *v, size_t n) {
    swirl_ts_async_clear(a);
    a->t = t;
    a->v = v;
    a->n = n;
    if (n == 0)
        return;
    if (pthread_create(&a->th, NULL, worker, a) == 0)
        a->running = 1;
    else
        observe_all(t, v, n); /* no thread: the same values, here */
}

void swirl_ts_async_join(swirl_ts_async *a) {
    if (a->running) {
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
