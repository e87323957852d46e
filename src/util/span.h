/*
 * Timing spans with OpenVM's names (stark_prove_excluding_trace, stacked_commit, rs_code_matrix,
 * merkle_tree, ...), recorded as a tree per thread: begin/end nest; each finished span keeps its
 * name (a string literal, not copied), depth, parent and wall-clock milliseconds. Recording is
 * cheap and always on; the tree holds at most SWIRL_SPAN_MAX spans (later ones are dropped and
 * counted).
 */
#ifndef SWIRL_UTIL_SPAN_H
#define SWIRL_UTIL_SPAN_H

#include <stddef.h>
#include <stdio.h>

#include "swirl/swirl_report.h"

#define SWIRL_SPAN_MAX 1024

typedef swirl_span swirl_span_record; /* the public swirl_span (swirl/swirl_report.h) */

#ifdef __cplusplus
extern "C" {
#endif

void swirl_span_begin(const char *name);
void swirl_span_end(void);
/** Forgets every recorded span of the calling thread. */
void swirl_span_reset(void);
/** The calling thread's spans in begin order; *n receives the count. */
const swirl_span_record *swirl_span_records(size_t *n);
/** Prints the tree, one line per span: indentation, name, milliseconds. */
void swirl_span_print(FILE *f);
/** Total milliseconds of the spans named `name` (0 when none). */
double swirl_span_total_ms(const char *name);
/* Progress: spans of depth <= the calling thread's logger's progress_depth are reported to it
 * (SWIRL_LOG_INFO) as they begin and end (util/log.h). */

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_UTIL_SPAN_H */
