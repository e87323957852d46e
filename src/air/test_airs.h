/* OpenVM's test AIRs (crates/stark-backend/src/test_utils/dummy_airs/, v2.0.1) through the
 * libswirl builder, with their trace generators. */
#ifndef SWIRL_AIR_TEST_AIRS_H
#define SWIRL_AIR_TEST_AIRS_H

#include <stddef.h>
#include <stdint.h>

#include "field/bb31.h"
#include "swirl/swirl_air.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * fib_air: 2 columns (left, right), public values (a, b, x):
 *   first row: left = a, right = b; transition: next.left = right, next.right = left + right;
 *   last row: right = x.
 */
enum swirl_status swirl_fib_air_build(swirl_air_builder **out) SWIRL_WARN_UNUSED_RESULT;
/** fib trace of n rows (power of two), column-major (free()), starting (a, b). */
enum swirl_status swirl_fib_trace(bb31 **out, uint64_t a, uint64_t b,
                                  size_t n) SWIRL_WARN_UNUSED_RESULT;

/**
 * fib_selector_air: preprocessed column `sel`, main (left, right), public values (a, b, x);
 * transitions advance the Fibonacci pair where sel = 1 and copy it where sel = 0; with
 * `with_interaction` it adds LookupBus(0).add_key_with_lookups([left + right], sel).
 */
enum swirl_status swirl_fib_selector_air_build(swirl_air_builder **out,
                                               int with_interaction) SWIRL_WARN_UNUSED_RESULT;
/** The fib_selector trace for selectors sels[0..n) (n a power of two), column-major. */
enum swirl_status swirl_fib_selector_trace(bb31 **out, uint64_t a, uint64_t b, const int *sels,
                                           size_t n) SWIRL_WARN_UNUSED_RESULT;

/**
 * DummyInteractionAir: column 0 is the count, columns 1..field_width the message; a sender pushes
 * (fields, count), a receiver (fields, -1 * count), both with count_weight 0. With `partition`, the
 * fields live in one cached partition and the count in the common main.
 */
enum swirl_status swirl_dummy_interaction_air_build(swirl_air_builder **out, size_t field_width,
                                                    int is_send, uint16_t bus_index,
                                                    int partition) SWIRL_WARN_UNUSED_RESULT;

/**
 * Balanced traces for a field_width-1 sender / receiver pair (column-major: count, field): the
 * sender's first hr of its `rows` rows send (100 + i) with count i + 1 (the other rows count 0),
 * the receiver's hr rows take exactly those. sm holds 2 * rows values, rm 2 * hr; hr <= rows.
 */
void swirl_dummy_interaction_pair_traces(bb31 *sm, size_t rows, bb31 *rm, size_t hr);

/** SelfInteractionAir of `width` columns on `bus_index` (8 interactions, balanced by itself on
 *  the trace where row r, column i holds (r + i) mod width). */
enum swirl_status swirl_self_interaction_air_build(swirl_air_builder **out, size_t width,
                                                   uint16_t bus_index) SWIRL_WARN_UNUSED_RESULT;
enum swirl_status swirl_self_interaction_trace(bb31 **out, size_t width,
                                               size_t log_height) SWIRL_WARN_UNUSED_RESULT;

/** PreprocessedCachedAir: preprocessed boolean `sel`, common main a counter from 0, and
 *  `num_cached` cached columns each the previous one plus sel. */
enum swirl_status swirl_preprocessed_cached_air_build(swirl_air_builder **out,
                                                      size_t num_cached) SWIRL_WARN_UNUSED_RESULT;

#ifdef __cplusplus
}
#endif

#endif
