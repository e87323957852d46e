/* Stacked PCS commitment: OpenVM's stacking unit tests (crates/stark-backend/src/prover/
 * stacked_pcs.rs test_stacked_matrix_manual_*, v2.0.1), layout round trips, the RS codeword
 * property, root sensitivity, thread independence and bad input. */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "pcs_test_util.h"
#include "hash/merkle.h"
#include "harness.h"
#include "pcs/stacked.h"
#include "poly/ntt.h"

static void check_stack(unsigned l_skip, unsigned n_stack, const uint32_t *expect, size_t h,
                        size_t w) {
    bb31 c0[4], c1[2], c2[1];
    for (int i = 0; i < 4; i++)
        c0[i] = bb31_from_u32((uint32_t)(1 + i));
    c1[0] = bb31_from_u32(5);
    c1[1] = bb31_from_u32(6);
    c2[0] = bb31_from_u32(7);
    swirl_trace_view t[3] = {{c0, 4, 1, NULL}, {c1, 2, 1, NULL}, {c2, 1, 1, NULL}};
    swirl_stacked_layout layout;
    bb31 *q;
    CHECK_OK(swirl_stacked_matrix(&q, &layout, l_skip, n_stack, t, 3));
    CHECK(layout.height == h && layout.width == w);
    for (size_t i = 0; i < h * w; i++)
        CHECK_MSG(bb31_to_u32(q[i]) == expect[i], "cell %zu: got %u want %u", i, bb31_to_u32(q[i]),
                  expect[i]);
    CHECK(layout.num_mats == 3 && layout.mat_starts[0] == 0 && layout.mat_starts[1] == 1 &&
          layout.mat_starts[2] == 2);
    free(q);
    swirl_stacked_layout_clear(&layout);
}

static void test_openvm_manual_cases(void) {
    static const uint32_t e0[] = {1, 2, 3, 4, 5, 6, 7, 0};
    check_stack(0, 2, e0, 4, 2);
    static const uint32_t e1[] = {1, 2, 3, 4, 5, 0, 6, 0, 7, 0, 0, 0};
    check_stack(2, 0, e1, 4, 3);
    static const uint32_t e2[] = {1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 0, 0, 6, 0, 0, 0,
                                  7, 0, 0, 0, 0, 0, 0, 0};
    check_stack(3, 0, e2, 8, 3);
}

/* random traces of the given log heights (sorted descending) and widths */
static bb31 **make_traces(swirl_trace_view *t, const unsigned *logs, const size_t *widths, size_t n) {
    bb31 **store = calloc(n, sizeof *store);
    CHECK(store != NULL);
    for (size_t m = 0; m < n; m++) {
        size_t h = (size_t)1 << logs[m];
        store[m] = malloc((h * widths[m] + 1) * sizeof(bb31));
        CHECK(store[m] != NULL);
        for (size_t i = 0; i < h * widths[m]; i++)
            store[m][i] = bb31_from_u32(swirl_test_rand32() | 1u); /* never zero */
        t[m].values = store[m];
        t[m].height = h;
        t[m].width = widths[m];
    }
    return store;
}

static void free_traces(bb31 **store, size_t n) {
    for (size_t m = 0; m < n; m++)
        free(store[m]);
    free(store);
}

static void test_layout_round_trip(void) {
    static const unsigned logs[] = {7, 5, 5, 3, 1, 0};
    static const size_t widths[] = {3, 2, 0, 5, 4, 3};
    size_t n = 6;
    unsigned l_skip = 2, n_stack = 5;
    swirl_trace_view t[6] = {0};
    bb31 **store = make_traces(t, logs, widths, n);
    swirl_stacked_layout layout;
    bb31 *q;
    CHECK_OK(swirl_stacked_matrix(&q, &layout, l_skip, n_stack, t, n));
    size_t cells = 0;
    for (size_t m = 0; m < n; m++)
        cells += widths[m] * ((size_t)1 << (logs[m] > l_skip ? logs[m] : l_skip));
    CHECK(layout.width == (cells + layout.height - 1) / layout.height);
    /* every trace cell is where the layout says; count the non-zero cells */
    size_t nonzero = 0;
    for (size_t i = 0; i < layout.height * layout.width; i++)
        nonzero += !bb31_is_zero(q[i]);
    size_t expect_nonzero = 0;
    for (size_t k = 0; k < layout.num_cols; k++) {
        const swirl_stacked_slice *s = &layout.cols[k];
        CHECK(s->log_height == logs[s->mat_idx]);
        size_t stride = swirl_stacked_slice_stride(s, l_skip);
        for (size_t i = 0; i < t[s->mat_idx].height; i++)
            CHECK(bb31_eq(q[s->col_idx * layout.height + s->row_idx + i * stride],
                          t[s->mat_idx].values[s->col * t[s->mat_idx].height + i]));
        expect_nonzero += t[s->mat_idx].height;
    }
    CHECK(nonzero == expect_nonzero); /* padding (strides, tail) is zero */
    free(q);
    swirl_stacked_layout_clear(&layout);
    free_traces(store, n);
}

static void test_rs_codeword(void) {
    static const unsigned logs[] = {6, 4, 1};
    static const size_t widths[] = {2, 3, 2};
    unsigned l_skip = 2, n_stack = 4, log_blowup = 1;
    swirl_trace_view t[3] = {0};
    bb31 **store = make_traces(t, logs, widths, 3);
    swirl_stacked_pcs_data *d;
    swirl_digest root;
    CHECK_OK(swirl_stacked_commit(NULL, &d, &root, t, 3, l_skip, n_stack, log_blowup, 2));
    size_t h = swirl_stacked_pcs_layout(d)->height, w = swirl_stacked_pcs_layout(d)->width, ch = swirl_stacked_pcs_cw_height(d);
    CHECK(h == 64 && ch == 128);
    for (size_t c = 0; c < w; c++) {
        /* interpolate the codeword back: the message has degree < h (upper half zero) and maps
         * back to the stacked column */
        bb31 *col = malloc(ch * sizeof *col);
        CHECK(col != NULL);
        memcpy(col, swirl_stacked_pcs_host_codeword(d) + c * ch, ch * sizeof *col);
        CHECK_OK(swirl_ntt_inverse(col, 7, 1, ch, bb31_one(), SWIRL_NTT_NONE));
        for (size_t i = h; i < ch; i++)
            CHECK(bb31_is_zero(col[i]));
        CHECK_OK(swirl_rs_message_to_evals(col, 6, l_skip));
        CHECK(memcmp(col, test_pcs_matrix(d) + c * h, h * sizeof *col) == 0);
        free(col);
    }
    /* the root is the Merkle root of the codeword rows with 2^k_whir rows per query */
    swirl_merkle_tree *tree;
    CHECK_OK(swirl_merkle_tree_build(&tree, swirl_stacked_pcs_host_codeword(d), ch, w, 1, 4));
    swirl_digest r2 = swirl_merkle_tree_root(tree);
    CHECK(memcmp(&r2, &root, sizeof root) == 0);
    swirl_merkle_tree_destroy(tree);
    /* the root changes when any single trace cell changes (sample of cells) */
    for (int it = 0; it < 12; it++) {
        size_t m = (size_t)swirl_test_rand_below(3);
        size_t cell = (size_t)swirl_test_rand_below(t[m].height * t[m].width);
        bb31 saved = store[m][cell];
        store[m][cell] = bb31_add(saved, bb31_one());
        swirl_stacked_pcs_data *d2;
        swirl_digest root2;
        CHECK_OK(swirl_stacked_commit(NULL, &d2, &root2, t, 3, l_skip, n_stack, log_blowup, 2));
        CHECK(memcmp(&root2, &root, sizeof root) != 0);
        swirl_stacked_pcs_data_destroy(d2);
        store[m][cell] = saved;
    }
    swirl_stacked_pcs_data_destroy(d);
    free_traces(store, 3);
}

static void test_message_transform(void) {
    /* eval_to_coeff then back is the identity; with l_skip = 0 it is the identity itself */
    for (unsigned l = 0; l <= 4; l++) {
        bb31 a[64], b[64];
        for (int i = 0; i < 64; i++)
            a[i] = b[i] = bb31_from_u32(swirl_test_rand32());
        CHECK_OK(swirl_eval_to_coeff_rs_message(a, 6, l));
        if (l == 0)
            CHECK(memcmp(a, b, sizeof a) == 0);
        CHECK_OK(swirl_rs_message_to_evals(a, 6, l));
        CHECK(memcmp(a, b, sizeof a) == 0);
    }
    /* a constant column gives the message [c, 0, 0, ...] per chunk start: chunk 0 holds c, the
     * monomial transform then spreads it to every position of the chunk (zeta over exponent bits) */
    bb31 k[8];
    for (int i = 0; i < 8; i++)
        k[i] = bb31_from_u32(9);
    CHECK_OK(swirl_eval_to_coeff_rs_message(k, 3, 2));
    for (int i = 0; i < 8; i++)
        CHECK(bb31_to_u32(k[i]) == 9);
}

static void test_threads_equal(void) {
    static const unsigned logs[] = {10, 8, 3};
    static const size_t widths[] = {5, 7, 9};
    swirl_trace_view t[3] = {0};
    bb31 **store = make_traces(t, logs, widths, 3);
    swirl_stacked_pcs_data *a, *b;
    swirl_digest ra, rb;
    CHECK_OK(swirl_stacked_commit(NULL, &a, &ra, t, 3, 4, 7, 1, 4));
    int nt = omp_get_max_threads();
    omp_set_num_threads(1);
    CHECK_OK(swirl_stacked_commit(NULL, &b, &rb, t, 3, 4, 7, 1, 4));
    omp_set_num_threads(nt);
    CHECK(memcmp(&ra, &rb, sizeof ra) == 0);
    CHECK(memcmp(swirl_stacked_pcs_host_codeword(a), swirl_stacked_pcs_host_codeword(b), swirl_stacked_pcs_cw_height(a) * swirl_stacked_pcs_layout(a)->width * sizeof(bb31)) == 0);
    swirl_stacked_pcs_data_destroy(a);
    swirl_stacked_pcs_data_destroy(b);
    free_traces(store, 3);
}

static void test_bad_input(void) {
    bb31 v[8] = {{0}};
    swirl_trace_view t[2] = {{v, 4, 1, NULL}, {v, 8, 1, NULL}}; /* not sorted */
    swirl_stacked_layout layout;
    bb31 *q;
    swirl_stacked_pcs_data *d;
    swirl_digest root;
    CHECK_STATUS(swirl_stacked_matrix(&q, &layout, 1, 3, t, 2), SWIRL_E_INVALID_ARG);
    swirl_trace_view odd = {v, 6, 1, NULL};
    CHECK_STATUS(swirl_stacked_matrix(&q, &layout, 1, 3, &odd, 1), SWIRL_E_INVALID_ARG);
    swirl_trace_view tall = {v, 8, 1, NULL};
    CHECK_STATUS(swirl_stacked_matrix(&q, &layout, 1, 1, &tall, 1), SWIRL_E_INVALID_ARG);
    swirl_trace_view empty = {v, 8, 0, NULL};
    CHECK_STATUS(swirl_stacked_commit(NULL, &d, &root, &empty, 1, 1, 3, 1, 1), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_stacked_commit(NULL, NULL, &root, &tall, 1, 1, 3, 1, 1), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_rs_code_matrix(&q, v, 8, 1, 4, 1), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_rs_code_matrix(&q, v, 8, 1, 1, 26), SWIRL_E_INVALID_ARG);
    swirl_stacked_pcs_data_destroy(NULL);
    swirl_stacked_layout_clear(NULL);
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_openvm_manual_cases), SWIRL_TEST(test_layout_round_trip),
    SWIRL_TEST(test_rs_codeword),         SWIRL_TEST(test_message_transform),
    SWIRL_TEST(test_threads_equal),       SWIRL_TEST(test_bad_input),
};

int main(int argc, char **argv) {
    return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
}
