/* OpenVM's test AIRs written with the builder (same constraint order and shapes as the Rust). */
#include "air/test_airs.h"

#include <stdlib.h>

enum swirl_status swirl_fib_air_build(swirl_air_builder **out) {
    SWIRL_ARG_CHECK(out != NULL);
    *out = NULL;
    swirl_air_builder *b;
    SWIRL_TRY(swirl_air_builder_create(&b, "FibonacciAir", 0, NULL, 0, 2, 3));
    swirl_expr pa = swirl_air_public(b, 0), pb = swirl_air_public(b, 1), px = swirl_air_public(b, 2);
    swirl_expr left = swirl_air_main(b, 0, 0), right = swirl_air_main(b, 1, 0);
    swirl_expr nleft = swirl_air_main(b, 0, 1), nright = swirl_air_main(b, 1, 1);
    /* fib_air/air.rs: one when_first_row builder (its condition expression is shared) */
    swirl_expr first = swirl_air_is_first_row(b);
    swirl_air_assert_zero_when(b, first, swirl_air_sub(b, left, pa));
    swirl_air_assert_zero_when(b, first, swirl_air_sub(b, right, pb));
    swirl_expr trans = swirl_air_is_transition(b);
    swirl_air_assert_zero_when(b, trans, swirl_air_sub(b, right, nleft));
    swirl_air_assert_zero_when(b, trans, swirl_air_sub(b, swirl_air_add(b, left, right), nright));
    swirl_air_assert_zero_when_last_row(b, swirl_air_sub(b, right, px));
    enum swirl_status st = swirl_air_builder_status(b);
    if (st != SWIRL_OK) {
        swirl_air_builder_destroy(b);
        return st;
    }
    *out = b;
    return SWIRL_OK;
}

enum swirl_status swirl_fib_trace(bb31 **out, uint64_t a, uint64_t b, size_t n) {
    SWIRL_ARG_CHECK(out != NULL);
    *out = NULL;
    SWIRL_ARG_CHECK(swirl_is_pow2(n) && n <= ((size_t)1 << 30));
    bb31 *m = malloc(2 * n * sizeof *m);
    if (!m)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "fib trace: out of memory");
    m[0] = bb31_from_u64(a);
    m[n] = bb31_from_u64(b);
    for (size_t i = 1; i < n; i++) {
        m[i] = m[n + i - 1];
        m[n + i] = bb31_add(m[i - 1], m[n + i - 1]);
    }
    *out = m;
    return SWIRL_OK;
}
