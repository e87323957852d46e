/*
 * Observing a run of extension values into a transcript on a worker thread, so the caller can do
 * other host work meanwhile. The CUDA backend hands rap_constraints' openings (2,633
 * permutations for KeccakAir, ≈ 1.2 ms on the device's host) to one right after the stage's sync
 * and joins it in the stacked reduction, just before λ is sampled: the stage's unpacking, the
 * stacked reduction's plan and upload and its transcript-free kernels all run while it observes.
 *
 * Between start and join the caller must not touch the transcript or the values. Observed values
 * and order are those of swirl_transcript_observe_ext called in the caller's thread.
 */
#ifndef SWIRL_TRANSCRIPT_TS_ASYNC_H
#define SWIRL_TRANSCRIPT_TS_ASYNC_H

#include <pthread.h>
#include <stddef.h>

#include "field/bb31_ext4.h"
#include "transcript/transcript.h"

typedef struct swirl_ts_async {
    swirl_transcript *t; /* non-NULL from start to clear: t owes or holds the values */
    bb31x4 *v;           /* owned (malloc'd) */
    size_t n;
    int running;         /* a worker observes (or waits for its values); join before touching t */
    int warm;            /* the worker came from swirl_ts_async_prestart and waits on `go` */
    int go;              /* (atomic) 0: a warm worker waits, 1: values handed over, 2: cancelled */
    pthread_t th;
} swirl_ts_async;

#ifdef __cplusplus
extern "C" {
#endif

/** Starts observing v[0..n) into *t (a takes ownership of v, freed by swirl_ts_async_clear); where
 *  no thread can start, observes them here before returning. *a must be zeroed, cleared or
 *  prestarted (its waiting worker then takes the values). */
void swirl_ts_async_start(swirl_ts_async *a, swirl_transcript *t, bb31x4 *v, size_t n);

/** Starts the worker before its values exist, so that thread creation and a sleeping core's wake-up
 *  are off the path from the values to the observed transcript: the worker spins (then, after
 *  50 ms, polls every 20 us) until swirl_ts_async_start hands it the values or
 *  swirl_ts_async_clear cancels it. Where no thread can start, nothing happens (start then
 *  proceeds as without it). Clears *a first. */
void swirl_ts_async_prestart(swirl_ts_async *a);

/** Waits until every value is observed into the transcript; nothing to wait for is not an error.
 *  Idempotent. */
void swirl_ts_async_join(swirl_ts_async *a);

/** Whether values were handed to a (start called since the last clear). */
int swirl_ts_async_started(const swirl_ts_async *a);

/** Joins, frees the values, zeroes *a. */
void swirl_ts_async_clear(swirl_ts_async *a);

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_TRANSCRIPT_TS_ASYNC_H */
