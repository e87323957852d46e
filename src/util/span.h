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

#define SWIRL_SPAN_MAX 1024

typedef struct swirl_span_record {
    const char *name;
    int parent; /* index of the parent span, -1 at the root */
    int depth;
    double start_ms;
    double ms; /* elapsed; negative while open */
} swirl_span_record;

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
/**
 * Progress reporting: with f != NULL, every span of depth <= max_depth prints a line to f when it
 * begins ("swirl: <name> ...") and when it ends ("swirl: <name> done (<ms> ms)"), indented by
 * depth. Process-wide; NULL turns it off (the default).
 */
void swirl_span_set_progress(FILE *f, int max_depth);
double swirl_now_ms(void);

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_UTIL_SPAN_H */
