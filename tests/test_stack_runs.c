/* The GPU commit's stacking by destination word (prover/stack_runs.h, k_stack) against the
 * column-by-column stacking it replaced (each slice's values at dst_off + i * stride into a zeroed
 * matrix) and against swirl_stacked_matrix: OpenVM's manual layouts, traces shorter than 2^l_skip,
 * zero-width traces, random layouts; traces in separate buffers and in one buffer (as the uploaded
 * traces are), whose runs may then merge across traces. The kernel's thread walk (a search for
 * the first word, then forward) is replayed with several block shapes. Runs without a GPU. */
#include <stdlib.h>
#include <string.h>

#include "prover/stack_runs.h"
#include "harness.h"

/* the old k_stack: memset, then each slice's values at dst_off + i * stride */
static bb31 *stack_by_slices(const swirl_stacked_layout *L, const bb31 *const *mat_src) {
    bb31 *q = calloc(L->height * L->width + 1, sizeof *q);
    CHECK(q != NULL);
    for (size_t k = 0; k < L->num_cols; k++) {
        const swirl_stacked_slice *s = &L->cols[k];
        size_t h = (size_t)1 << s->log_height, stride = swirl_stacked_slice_stride(s, L->l_skip);
        const bb31 *src = mat_src[s->mat_idx] + s->col * h;
        for (size_t i = 0; i < h; i++)
            q[s->col_idx * L->height + s->row_idx + i * stride] = src[i];
    }
    return q;
}

/* k_stack's walk: block b, thread t takes words b threads words + t + i threads, i < words */
static void stack_by_runs(bb31 *q, size_t total, const swirl_stack_run *runs, size_t n_runs,
                          size_t threads, size_t words) {
    for (size_t b = 0; b * threads * words < total; b++)
        for (size_t t = 0; t < threads; t++) {
            uint64_t d0 = b * threads * words + t;
            if (d0 >= total)
                continue;
            uint64_t r = swirl_stack_run_find(runs, n_runs, d0);
            for (size_t i = 0; i < words; i++) {
                uint64_t d = d0 + i * threads;
                r = swirl_stack_run_next(runs, n_runs, r, d);
                if (d < total) {
                    CHECK(r == swirl_stack_run_find(runs, n_runs, d));
                    q[d] = swirl_stack_run_value(&runs[r], d);
                }
            }
        }
}

/* one layout: traces of log heights logs[] (descending) and widths[], in separate buffers or in
 * one (contiguous) */
static void check_layout(unsigned l_skip, unsigned n_stack, const unsigned *logs,
                         const size_t *widths, size_t n, int contiguous) {
    swirl_trace_view t[16];
    const bb31 *mat_src[16];
    bb31 *bufs[16], *one = NULL;
    CHECK(n <= 16);
    size_t cells = 0, nonzero = 0;
    for (size_t m = 0; m < n; m++) {
        cells += ((size_t)1 << logs[m]) * widths[m];
        nonzero += widths[m] > 0;
    }
    if (contiguous) {
        one = malloc((cells + 1) * sizeof *one);
        CHECK(one != NULL);
    }
    for (size_t m = 0, off = 0; m < n; m++) {
        size_t c = ((size_t)1 << logs[m]) * widths[m];
        bufs[m] = contiguous ? NULL : malloc((c + 1) * sizeof(bb31));
        bb31 *v = contiguous ? one + off : bufs[m];
        CHECK(v != NULL);
        for (size_t i = 0; i < c; i++)
            v[i] = bb31_from_u32(swirl_test_rand32() | 1u); /* never zero */
        off += c;
        t[m].values = v;
        t[m].height = (size_t)1 << logs[m];
        t[m].width = widths[m];
        t[m].d_values = NULL;
        mat_src[m] = v;
    }
    swirl_stacked_layout L;
    bb31 *ref;
    CHECK_OK(swirl_stacked_matrix(&ref, &L, l_skip, n_stack, t, n));
    size_t total = L.height * L.width;
    bb31 *old = stack_by_slices(&L, mat_src);
    CHECK_MSG(memcmp(old, ref, total * sizeof *ref) == 0, "l_skip %u: slices differ", l_skip);
    swirl_stack_run *runs = malloc((L.num_cols + 1) * sizeof *runs);
    CHECK(runs != NULL);
    size_t n_runs = swirl_stack_runs(runs, &L, mat_src);
    /* one run per trace at most (columns merge); across traces only from one buffer */
    CHECK(n_runs >= 1 && n_runs <= nonzero);
    CHECK(contiguous || n_runs == nonzero);
    for (size_t r = 1; r < n_runs; r++)
        CHECK(runs[r].dst_off >= runs[r - 1].dst_off + runs[r - 1].len);
    static const size_t shapes[][2] = {{1, 1}, {4, 3}, {32, 8}, {256, 8}};
    bb31 *q = malloc((total + 1) * sizeof *q);
    CHECK(q != NULL);
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        memset(q, 0xa5, (total + 1) * sizeof *q); /* every word must be written */
        stack_by_runs(q, total, runs, n_runs, shapes[s][0], shapes[s][1]);
        CHECK_MSG(memcmp(q, old, total * sizeof *q) == 0,
                  "l_skip %u n_stack %u (%zu traces, %zu runs): shape %zu differs", l_skip, n_stack,
                  n, n_runs, s);
    }
    free(q);
    free(runs);
    free(old);
    free(ref);
    swirl_stacked_layout_clear(&L);
    for (size_t m = 0; m < n && !contiguous; m++)
        free(bufs[m]);
    free(one);
}

static void test_fixed_layouts(void) {
    for (int contiguous = 0; contiguous < 2; contiguous++) {
        /* OpenVM's manual cases: heights 4, 2, 1 of width 1 */
        static const unsigned l0[] = {2, 1, 0};
        static const size_t w0[] = {1, 1, 1};
        check_layout(0, 2, l0, w0, 3, contiguous);
        check_layout(2, 0, l0, w0, 3, contiguous);
        check_layout(3, 0, l0, w0, 3, contiguous);
        /* heights above and below 2^l_skip, a zero-width trace between */
        static const unsigned l1[] = {7, 5, 5, 3, 2, 1, 0};
        static const size_t w1[] = {2, 3, 0, 2, 1, 2, 3};
        check_layout(3, 5, l1, w1, 7, contiguous);
        check_layout(4, 4, l1, w1, 7, contiguous);
        /* keccak-like: one wide trace filling several stacked columns, then a short one */
        static const unsigned l2[] = {8, 6, 4};
        static const size_t w2[] = {9, 4, 1};
        check_layout(4, 6, l2, w2, 3, contiguous);
        /* a trace as tall as the stacked matrix */
        static const unsigned l3[] = {6, 2};
        static const size_t w3[] = {2, 5};
        check_layout(2, 4, l3, w3, 2, contiguous);
    }
}

static void test_random_layouts(void) {
    for (int it = 0; it < 60; it++) {
        unsigned l_skip = swirl_test_rand32() % 5, n_stack = swirl_test_rand32() % 6;
        unsigned top = l_skip + n_stack, logs[8];
        size_t widths[8], n = 1 + swirl_test_rand32() % 8;
        for (size_t m = 0; m < n; m++) {
            unsigned prev = m ? logs[m - 1] : top, dec = swirl_test_rand32() % 3;
            logs[m] = prev > dec ? prev - dec : 0;
            widths[m] = swirl_test_rand32() % 5;
        }
        widths[0] += 1; /* something to commit */
        check_layout(l_skip, n_stack, logs, widths, n, it & 1);
    }
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_fixed_layouts),
    SWIRL_TEST(test_random_layouts),
};

int main(int argc, char **argv) {
    return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
}
