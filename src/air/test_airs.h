/* OpenVM's test AIRs (crates/stark-backend/src/test_utils/dummy_airs/, v2.0.1) through the
 * libswirl builder, with their trace generators. */
#ifndef SWIRL_AIR_TEST_AIRS_H
#define SWIRL_AIR_TEST_AIRS_H

#include <stddef.h>
#include <stdint.h>

#include "swirl/swirl_airs.h"
#include "field/bb31.h"
#include "swirl/swirl_air.h"

#ifdef __cplusplus
extern "C" {
#endif

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

/** PreprocessedCachedAir: preprocessed boolean `sel`, common main a counter from 0, and
 *  `num_cached` cached columns each the previous one plus sel. */
enum swirl_status swirl_preprocessed_cached_air_build(swirl_air_builder **out,
                                                      size_t num_cached) SWIRL_WARN_UNUSED_RESULT;

#ifdef __cplusplus
}
#endif

#endif
