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

#ifdef __cplusplus
}
#endif

#endif
