/*
 * What a proof cost: the span tree with OpenVM's span names (stark_prove_excluding_trace,
 * prover.main_trace_commit > stacked_commit > rs_code_matrix / merkle_tree,
 * prover.rap_constraints.round0 / mle_rounds, prover.openings.stacked_reduction / whir, ...),
 * recorded per calling thread by every swirl_prove / swirl_verify, and a CUDA context's stage
 * trace (stage, kernel_count, sync_count, GPU time).
 */
#ifndef SWIRL_SWIRL_REPORT_H
#define SWIRL_SWIRL_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "swirl/swirl.h"

#ifdef __cplusplus
extern "C" {
#endif

/** One finished span. */
typedef struct swirl_span {
    const char *name; /* a static string */
    int parent;       /* index of the parent span, -1 at the root */
    int depth;
    double start_ms;
    double ms; /* elapsed; negative while open */
} swirl_span;

/** One stage of a CUDA context's trace. */
typedef struct swirl_stage {
    const char *name; /* a static string */
    unsigned kernels; /* launches and copies enqueued in the stage */
    unsigned syncs;   /* host synchronizations made in the stage */
    float gpu_ms;     /* GPU time between the stage's start and end events */
    size_t bytes;     /* host<->device bytes the stage moved (a fallback's download included) */
} swirl_stage;

/** Forgets the calling thread's spans. */
SWIRL_API void swirl_report_reset(void);
/** The calling thread's spans in begin order; *n receives their count. */
SWIRL_API const swirl_span *swirl_report_spans(size_t *n);
/** Total milliseconds of the spans named `name` (0 when none). */
SWIRL_API double swirl_report_span_ms(const char *name);
/** Prints the tree to f, one line per span: indentation, name, milliseconds. */
SWIRL_API void swirl_report_print(FILE *f);
/** The stage trace of the context's CUDA backend since it was created; *n = 0 for the CPU. */
SWIRL_API const swirl_stage *swirl_context_stage_trace(const swirl_context *ctx, size_t *n);
/** The most device memory the context's backend held at once during its last swirl_prove (its
 *  arena and every other device allocation), in bytes; 0 for the CPU backend or NULL. */
SWIRL_API size_t swirl_context_device_peak_bytes(const swirl_context *ctx);
/** Milliseconds since an arbitrary point (monotonic clock), for timing around calls. */
SWIRL_API double swirl_now_ms(void);

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_SWIRL_REPORT_H */
