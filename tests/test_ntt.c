/* NTT against a naive DFT, round trips, coset and bit-reversed variants, batching, thread-count
 * independence and bad input. */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "harness.h"
#include "poly/ntt.h"


/* out[i] = sum_j in[j] (shift w^i)^j */
static void naive_dft(bb31 *out, const bb31 *in, unsigned log_n, bb31 shift) {
    size_t n = (size_t)1 << log_n;
    bb31 w;
    CHECK_OK(bb31_two_adic_generator(&w, log_n));
    bb31 x = shift;
    for (size_t i = 0; i < n; i++) {
        bb31 acc = bb31_zero(), p = bb31_one();
        for (size_t j = 0; j < n; j++) {
            acc = bb31_add(acc, bb31_mul(in[j], p));
            p = bb31_mul(p, x);
        }
        out[i] = acc;
        x = bb31_mul(x, w);
    }
}

static void test_against_naive_dft(void) {
    unsigned max_log = swirl_test_sanitized() ? 10 : 12;
    for (unsigned k = 0; k <= max_log; k++) {
        size_t n = (size_t)1 << k;
        bb31 *in = swirl_test_rand_felts(n), *ref = swirl_test_rand_felts(n), *a = swirl_test_rand_felts(n);
        naive_dft(ref, in, k, bb31_one());
        memcpy(a, in, n * sizeof *a);
        CHECK_OK(swirl_ntt_forward(a, k, 1, n, bb31_one(), SWIRL_NTT_NONE));
        CHECK_MSG(memcmp(a, ref, n * sizeof *a) == 0, "forward NTT 2^%u differs from naive DFT", k);
        CHECK_OK(swirl_ntt_inverse(a, k, 1, n, bb31_one(), SWIRL_NTT_NONE));
        CHECK_MSG(memcmp(a, in, n * sizeof *a) == 0, "inverse NTT 2^%u is not the inverse", k);
        free(in);
        free(ref);
        free(a);
    }
}

static void test_known_small(void) {
    /* coefficients [1, 2] -> evaluations at 1 and -1: [3, -1] */
    bb31 a[2] = {bb31_from_u32(1), bb31_from_u32(2)};
    CHECK_OK(swirl_ntt_forward(a, 1, 1, 2, bb31_one(), SWIRL_NTT_NONE));
    CHECK(bb31_to_u32(a[0]) == 3 && bb31_to_u32(a[1]) == BB31_P - 1);
    /* constant polynomial 5 of size 4 evaluates to 5 everywhere; delta at 1 gives powers of w */
    bb31 b[4] = {bb31_zero(), bb31_one(), bb31_zero(), bb31_zero()};
    CHECK_OK(swirl_ntt_forward(b, 2, 1, 4, bb31_one(), SWIRL_NTT_NONE));
    bb31 w;
    CHECK_OK(bb31_two_adic_generator(&w, 2));
    for (int i = 0; i < 4; i++)
        CHECK(bb31_eq(b[i], bb31_pow(w, (uint64_t)i)));
}

static void test_round_trip_large(void) {
    unsigned max_log = swirl_test_sanitized() ? 16 : 20;
    for (unsigned k = 13; k <= max_log; k++) {
        size_t n = (size_t)1 << k;
        bb31 *in = swirl_test_rand_felts(n), *a = malloc(n * sizeof *a);
        CHECK(a != NULL);
        memcpy(a, in, n * sizeof *a);
        CHECK_OK(swirl_ntt_forward(a, k, 1, n, bb31_one(), SWIRL_NTT_NONE));
        CHECK(memcmp(a, in, n * sizeof *a) != 0);
        CHECK_OK(swirl_ntt_inverse(a, k, 1, n, bb31_one(), SWIRL_NTT_NONE));
        CHECK_MSG(memcmp(a, in, n * sizeof *a) == 0, "round trip 2^%u", k);
        free(in);
        free(a);
    }
}

static void test_coset(void) {
    bb31 shift = bb31_from_u32(BB31_GENERATOR);
    for (unsigned k = 0; k <= 9; k++) {
        size_t n = (size_t)1 << k;
        bb31 *in = swirl_test_rand_felts(n), *ref = swirl_test_rand_felts(n), *a = swirl_test_rand_felts(n);
        naive_dft(ref, in, k, shift);
        memcpy(a, in, n * sizeof *a);
        CHECK_OK(swirl_ntt_forward(a, k, 1, n, shift, SWIRL_NTT_NONE));
        CHECK_MSG(memcmp(a, ref, n * sizeof *a) == 0, "coset forward 2^%u", k);
        CHECK_OK(swirl_ntt_inverse(a, k, 1, n, shift, SWIRL_NTT_NONE));
        CHECK_MSG(memcmp(a, in, n * sizeof *a) == 0, "coset inverse 2^%u", k);
        free(in);
        free(ref);
        free(a);
    }
    bb31 z[4] = {{0}};
    CHECK_STATUS(swirl_ntt_inverse(z, 2, 1, 4, bb31_zero(), SWIRL_NTT_NONE), SWIRL_E_INVALID_ARG);
}

static void test_bitrev_orders(void) {
    static const unsigned sizes[] = {0, 1, 3, 8, 13};
    for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
        unsigned k = sizes[si];
        size_t n = (size_t)1 << k;
        bb31 shift = bb31_from_u32(7);
        bb31 *in = swirl_test_rand_felts(n), *ref = swirl_test_rand_felts(n), *a = swirl_test_rand_felts(n);
        memcpy(ref, in, n * sizeof *a);
        CHECK_OK(swirl_ntt_forward(ref, k, 1, n, shift, SWIRL_NTT_NONE));
        for (unsigned flags = 0; flags < 4; flags++) {
            memcpy(a, in, n * sizeof *a);
            if (flags & SWIRL_NTT_IN_BITREV)
                CHECK_OK(swirl_bit_reverse(a, k, 1, n));
            CHECK_OK(swirl_ntt_forward(a, k, 1, n, shift, flags));
            if (flags & SWIRL_NTT_OUT_BITREV)
                CHECK_OK(swirl_bit_reverse(a, k, 1, n));
            CHECK_MSG(memcmp(a, ref, n * sizeof *a) == 0, "forward flags %u size 2^%u", flags, k);
            /* and back: inverse with the mirrored orders */
            if (flags & SWIRL_NTT_OUT_BITREV)
                CHECK_OK(swirl_bit_reverse(a, k, 1, n));
            unsigned inv_flags = ((flags & SWIRL_NTT_OUT_BITREV) ? SWIRL_NTT_IN_BITREV : 0) |
                                 ((flags & SWIRL_NTT_IN_BITREV) ? SWIRL_NTT_OUT_BITREV : 0);
            CHECK_OK(swirl_ntt_inverse(a, k, 1, n, shift, inv_flags));
            if (flags & SWIRL_NTT_IN_BITREV)
                CHECK_OK(swirl_bit_reverse(a, k, 1, n));
            CHECK_MSG(memcmp(a, in, n * sizeof *a) == 0, "inverse flags %u size 2^%u", inv_flags, k);
        }
        free(in);
        free(ref);
        free(a);
    }
}

static void test_batch_and_stride(void) {
    unsigned k = 10;
    size_t n = (size_t)1 << k, stride = n + 5, ncols = 7;
    bb31 *batch = swirl_test_rand_felts(stride * ncols), *orig = malloc(stride * ncols * sizeof(bb31));
    CHECK(orig != NULL);
    memcpy(orig, batch, stride * ncols * sizeof(bb31));
    CHECK_OK(swirl_ntt_forward(batch, k, ncols, stride, bb31_one(), SWIRL_NTT_NONE));
    for (size_t c = 0; c < ncols; c++) {
        bb31 *one = malloc(n * sizeof *one);
        CHECK(one != NULL);
        memcpy(one, orig + c * stride, n * sizeof *one);
        CHECK_OK(swirl_ntt_forward(one, k, 1, n, bb31_one(), SWIRL_NTT_NONE));
        CHECK(memcmp(one, batch + c * stride, n * sizeof *one) == 0);
        /* the gap between columns is untouched */
        CHECK(memcmp(batch + c * stride + n, orig + c * stride + n, 5 * sizeof(bb31)) == 0);
        free(one);
    }
    free(batch);
    free(orig);
}

static void test_threads_equal(void) {
    unsigned k = swirl_test_sanitized() ? 14 : 16;
    size_t n = (size_t)1 << k;
    for (size_t ncols = 1; ncols <= 4; ncols += 3) {
        bb31 *a = swirl_test_rand_felts(n * ncols), *b = malloc(n * ncols * sizeof(bb31));
        CHECK(b != NULL);
        memcpy(b, a, n * ncols * sizeof(bb31));
        CHECK_OK(swirl_ntt_forward(a, k, ncols, n, bb31_from_u32(3), SWIRL_NTT_NONE));
        int nt = omp_get_max_threads();
        omp_set_num_threads(1);
        CHECK_OK(swirl_ntt_forward(b, k, ncols, n, bb31_from_u32(3), SWIRL_NTT_NONE));
        omp_set_num_threads(nt);
        CHECK(memcmp(a, b, n * ncols * sizeof(bb31)) == 0);
        free(a);
        free(b);
    }
}

static void test_inverse_chunks(void) {
    for (unsigned lc = 0; lc <= 6; lc++) {
        size_t n = (size_t)1 << lc, nch = 37;
        bb31 *a = swirl_test_rand_felts(n * nch), *b = malloc(n * nch * sizeof(bb31));
        CHECK(b != NULL);
        memcpy(b, a, n * nch * sizeof(bb31));
        CHECK_OK(swirl_ntt_inverse_chunks(a, lc, nch));
        CHECK_OK(swirl_ntt_inverse(b, lc, nch, n, bb31_one(), SWIRL_NTT_NONE));
        CHECK(memcmp(a, b, n * nch * sizeof(bb31)) == 0);
        free(a);
        free(b);
    }
    bb31 z[4] = {{0}};
    CHECK_STATUS(swirl_ntt_inverse_chunks(z, 13, 1), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_ntt_inverse_chunks(NULL, 2, 1), SWIRL_E_INVALID_ARG);
}

static void test_bad_input(void) {
    bb31 a[8] = {{0}};
    CHECK_STATUS(swirl_ntt_forward(NULL, 3, 1, 8, bb31_one(), 0), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_ntt_forward(a, 28, 1, 8, bb31_one(), 0), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_ntt_forward(a, 3, 1, 7, bb31_one(), 0), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_ntt_inverse(a, 3, SIZE_MAX / 4, 8, bb31_one(), 0), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_bit_reverse(a, 4, 1, 8), SWIRL_E_INVALID_ARG);
    CHECK_OK(swirl_ntt_forward(a, 3, 0, 8, bb31_one(), 0)); /* zero columns: nothing to do */
    CHECK_OK(swirl_ntt_forward(NULL, 3, 0, 8, bb31_one(), 0));
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_against_naive_dft), SWIRL_TEST(test_known_small),
    SWIRL_TEST(test_round_trip_large),  SWIRL_TEST(test_coset),
    SWIRL_TEST(test_bitrev_orders),     SWIRL_TEST(test_batch_and_stride),
    SWIRL_TEST(test_threads_equal),     SWIRL_TEST(test_bad_input),
    SWIRL_TEST(test_inverse_chunks),
};

int main(int argc, char **argv) {
    return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
}
