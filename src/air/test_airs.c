/* OpenVM's test AIRs written with the builder (same constraint order and shapes as the Rust). */
#include "util/alloc.h"
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
    bb31 *m = swirl_malloc(2 * n * sizeof *m);
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

#define FINISH(b)                                                                                  \
    do {                                                                                           \
        enum swirl_status st_ = swirl_air_builder_status(b);                                       \
        if (st_ != SWIRL_OK) {                                                                     \
            swirl_air_builder_destroy(b);                                                          \
            return st_;                                                                            \
        }                                                                                          \
        *out = (b);                                                                                \
        return SWIRL_OK;                                                                           \
    } while (0)

enum swirl_status swirl_fib_selector_air_build(swirl_air_builder **out, int with_interaction) {
    SWIRL_ARG_CHECK(out != NULL);
    *out = NULL;
    swirl_air_builder *b;
    SWIRL_TRY(swirl_air_builder_create(&b, "FibonacciSelectorAir", 1, NULL, 0, 2, 3));
    swirl_expr pa = swirl_air_public(b, 0), pb = swirl_air_public(b, 1), px = swirl_air_public(b, 2);
    swirl_expr sel = swirl_air_preprocessed(b, 0, 0);
    swirl_expr left = swirl_air_main(b, 0, 0), right = swirl_air_main(b, 1, 0);
    swirl_expr nleft = swirl_air_main(b, 0, 1), nright = swirl_air_main(b, 1, 1);
    swirl_expr first = swirl_air_is_first_row(b);
    swirl_air_assert_zero_when(b, first, swirl_air_sub(b, left, pa));
    swirl_air_assert_zero_when(b, first, swirl_air_sub(b, right, pb));
    /* when_transition().when(c).assert_eq(x, y): IsTransition * (c * (x - y)) */
    swirl_expr not_sel = swirl_air_sub(b, sel, swirl_air_const(b, 1)); /* when_ne(sel, ONE) */
    swirl_air_assert_zero_when(b, swirl_air_is_transition(b),
                               swirl_air_mul(b, sel, swirl_air_sub(b, right, nleft)));
    swirl_air_assert_zero_when(b, swirl_air_is_transition(b),
                               swirl_air_mul(b, not_sel, swirl_air_sub(b, left, nleft)));
    swirl_air_assert_zero_when(
        b, swirl_air_is_transition(b),
        swirl_air_mul(b, sel, swirl_air_sub(b, swirl_air_add(b, left, right), nright)));
    swirl_air_assert_zero_when(
        b, swirl_air_is_transition(b),
        swirl_air_mul(b, swirl_air_sub(b, sel, swirl_air_const(b, 1)),
                      swirl_air_sub(b, right, nright)));
    swirl_air_assert_zero_when_last_row(b, swirl_air_sub(b, right, px));
    if (with_interaction) {
        swirl_expr key = swirl_air_add(b, left, right);
        swirl_air_push_interaction(b, 0, &key, 1, swirl_air_neg(b, sel), 0);
    }
    FINISH(b);
}

enum swirl_status swirl_fib_selector_trace(bb31 **out, uint64_t a, uint64_t bv, const int *sels,
                                           size_t n) {
    SWIRL_ARG_CHECK(out != NULL);
    *out = NULL;
    SWIRL_ARG_CHECK(sels != NULL && swirl_is_pow2(n) && n <= ((size_t)1 << 30));
    bb31 *m = swirl_malloc(2 * n * sizeof *m);
    if (!m)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "fib_selector trace: out of memory");
    m[0] = bb31_from_u64(a);
    m[n] = bb31_from_u64(bv);
    for (size_t i = 1; i < n; i++) {
        if (sels[i - 1]) {
            m[i] = m[n + i - 1];
            m[n + i] = bb31_add(m[i - 1], m[n + i - 1]);
        } else {
            m[i] = m[i - 1];
            m[n + i] = m[n + i - 1];
        }
    }
    *out = m;
    return SWIRL_OK;
}

enum swirl_status swirl_dummy_interaction_air_build(swirl_air_builder **out, size_t field_width,
                                                    int is_send, uint16_t bus_index,
                                                    int partition) {
    SWIRL_ARG_CHECK(out != NULL);
    *out = NULL;
    SWIRL_ARG_CHECK(field_width > 0 && field_width < 4096);
    swirl_air_builder *b;
    if (partition)
        SWIRL_TRY(swirl_air_builder_create(&b, "DummyInteractionAir", 0, &field_width, 1, 1, 0));
    else
        SWIRL_TRY(swirl_air_builder_create(&b, "DummyInteractionAir", 0, NULL, 0, 1 + field_width, 0));
    swirl_expr fields[4096];
    swirl_expr count = swirl_air_main(b, 0, 0);
    for (size_t i = 0; i < field_width; i++)
        fields[i] = partition ? swirl_air_cached(b, 0, i, 0) : swirl_air_main(b, 1 + i, 0);
    if (!is_send)
        count = swirl_air_mul(b, swirl_air_const(b, BB31_P - 1), count); /* NEG_ONE * count */
    swirl_air_push_interaction(b, bus_index, fields, field_width, count, 0);
    FINISH(b);
}

enum swirl_status swirl_self_interaction_air_build(swirl_air_builder **out, size_t width,
                                                   uint16_t bus_index) {
    SWIRL_ARG_CHECK(out != NULL);
    *out = NULL;
    SWIRL_ARG_CHECK(width > 0 && width <= 1024);
    swirl_air_builder *b;
    SWIRL_TRY(swirl_air_builder_create(&b, "SelfInteractionAir", 0, NULL, 0, width, 0));
    swirl_expr local[1024], next[1024], rl[1024], rn[1024];
    for (size_t i = 0; i < width; i++) {
        local[i] = swirl_air_main(b, i, 0);
        next[i] = swirl_air_main(b, i, 1);
    }
    swirl_expr local_sum = swirl_air_const(b, 0), next_sum = swirl_air_const(b, 0);
    for (size_t i = 0; i < width; i++)
        local_sum = swirl_air_add(b, local_sum, local[i]);
    for (size_t i = 0; i < width; i++) /* OpenVM folds `local` here too */
        next_sum = swirl_air_add(b, next_sum, local[i]);
    swirl_air_push_interaction(b, bus_index, local, width, swirl_air_const(b, 1), 1);
    swirl_air_push_interaction(b, bus_index, next, width, swirl_air_const(b, BB31_P - 1), 1);
    swirl_air_push_interaction(b, bus_index, local, width, local_sum, 1);
    swirl_air_push_interaction(b, bus_index, next, width, swirl_air_neg(b, next_sum), 1);
    swirl_air_push_interaction(b, bus_index, local, width, local[0], 1);
    swirl_air_push_interaction(b, bus_index, next, width, swirl_air_neg(b, next[0]), 1);
    for (size_t i = 0; i < width; i++) {
        rl[i] = local[width - 1 - i];
        rn[i] = next[width - 1 - i];
    }
    swirl_air_push_interaction(b, bus_index, rl, width, local_sum, 1);
    swirl_air_push_interaction(b, bus_index, rn, width, swirl_air_neg(b, next_sum), 1);
    FINISH(b);
}

enum swirl_status swirl_self_interaction_trace(bb31 **out, size_t width, size_t log_height) {
    SWIRL_ARG_CHECK(out != NULL);
    *out = NULL;
    SWIRL_ARG_CHECK(width > 0 && log_height <= 24);
    size_t h = (size_t)1 << log_height;
    bb31 *m = swirl_malloc(h * width * sizeof *m);
    if (!m)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "self-interaction trace: out of memory");
    for (size_t r = 0; r < h; r++)
        for (size_t i = 0; i < width; i++)
            m[i * h + r] = bb31_from_u64((r + i) % width);
    *out = m;
    return SWIRL_OK;
}

enum swirl_status swirl_preprocessed_cached_air_build(swirl_air_builder **out, size_t num_cached) {
    SWIRL_ARG_CHECK(out != NULL);
    *out = NULL;
    SWIRL_ARG_CHECK(num_cached <= 64);
    size_t widths[64];
    for (size_t i = 0; i < num_cached; i++)
        widths[i] = 1;
    swirl_air_builder *b;
    SWIRL_TRY(swirl_air_builder_create(&b, "PreprocessedCachedAir", 1, widths, num_cached, 1, 0));
    swirl_expr pl = swirl_air_preprocessed(b, 0, 0), pn = swirl_air_preprocessed(b, 0, 1);
    swirl_expr cl = swirl_air_main(b, 0, 0), cn = swirl_air_main(b, 0, 1);
    swirl_air_assert_zero(b, swirl_air_mul(b, pl, swirl_air_sub(b, pl, swirl_air_const(b, 1))));
    swirl_air_assert_zero_when_first_row(b, cl);
    /* when_transition().assert_one(next - local) */
    swirl_air_assert_zero_when_transition(
        b, swirl_air_sub(b, swirl_air_sub(b, cn, cl), swirl_air_const(b, 1)));
    swirl_expr prev_l = cl, prev_n = cn;
    for (size_t k = 0; k < num_cached; k++) {
        swirl_expr kl = swirl_air_cached(b, k, 0, 0), kn = swirl_air_cached(b, k, 0, 1);
        swirl_air_assert_eq(b, swirl_air_add(b, prev_l, pl), kl);
        swirl_air_assert_zero_when_transition(b, swirl_air_sub(b, swirl_air_add(b, prev_n, pn), kn));
        prev_l = kl;
        prev_n = kn;
    }
    FINISH(b);
}

void swirl_dummy_interaction_pair_traces(bb31 *sm, size_t rows, bb31 *rm, size_t hr) {
    for (size_t i = 0; i < rows; i++) {
        sm[i] = bb31_zero();
        sm[rows + i] = bb31_from_u32((uint32_t)(100 + i));
    }
    for (size_t i = 0; i < hr; i++) {
        sm[i] = bb31_from_u32((uint32_t)(i + 1));
        rm[i] = sm[i];
        rm[hr + i] = sm[rows + i];
    }
}
