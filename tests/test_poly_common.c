/* Polynomial helpers against their definitions: equality polynomials on the cube and on the
 * subgroup D, the subgroup indicator, the rotation kernel, MLE evaluation, interpolation. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "poly/poly_common.h"

static bb31x4 rnd(void) {
    bb31x4 r;
    for (int i = 0; i < 4; i++)
        r.c[i] = bb31_from_u32(swirl_test_rand32());
    return r;
}
static bb31x4 base(uint32_t v) {
    return bb31x4_from_base(bb31_from_u32(v));
}
static void bits(bb31x4 *out, size_t v, size_t n) {
    for (size_t i = 0; i < n; i++)
        out[i] = base((uint32_t)((v >> i) & 1));
}

static void test_eq_mle_and_hypercube(void) {
    enum { N = 5 };
    bb31x4 a[N], b[N], x[N], tab[1 << N];
    for (size_t u = 0; u < (1u << N); u++)
        for (size_t v = 0; v < (1u << N); v += 3) {
            bits(a, u, N);
            bits(b, v, N);
            CHECK(bb31x4_eq(swirl_eval_eq_mle(a, b, N), base(u == v)));
        }
    for (int i = 0; i < N; i++)
        x[i] = rnd();
    swirl_evals_eq_hypercube(tab, x, N);
    bb31x4 sum = bb31x4_zero();
    for (size_t v = 0; v < (1u << N); v++) {
        bits(b, v, N);
        CHECK(bb31x4_eq(tab[v], swirl_eval_eq_mle(x, b, N)));
        sum = bb31x4_add(sum, tab[v]);
    }
    CHECK(bb31x4_eq(sum, bb31x4_one())); /* eq sums to one over the cube */
    /* MLE evaluation = sum of evals times eq */
    bb31x4 ev[1 << N], copy[1 << N], expect = bb31x4_zero();
    for (size_t v = 0; v < (1u << N); v++) {
        ev[v] = rnd();
        expect = bb31x4_add(expect, bb31x4_mul(ev[v], tab[v]));
    }
    memcpy(copy, ev, sizeof ev);
    CHECK(bb31x4_eq(swirl_eval_mle_at_point(copy, x, N), expect));
    bits(b, 19, N);
    memcpy(copy, ev, sizeof ev);
    CHECK(bb31x4_eq(swirl_eval_mle_at_point(copy, b, N), ev[19]));
}

static void test_eq_uni(void) {
    for (size_t l = 0; l <= 4; l++) {
        size_t n = (size_t)1 << l;
        bb31 w;
        CHECK_OK(bb31_two_adic_generator(&w, (unsigned)l));
        /* delta on D */
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++) {
                bb31x4 x = bb31x4_from_base(bb31_pow(w, i)), y = bb31x4_from_base(bb31_pow(w, j));
                CHECK(bb31x4_eq(swirl_eval_eq_uni(l, x, y), base(i == j)));
            }
        /* Lagrange basis: sum_j eq(z, w^j) f(w^j) = f(z) for deg f < 2^l */
        bb31x4 coeffs[16], z = rnd(), acc = bb31x4_zero();
        for (size_t k = 0; k < n; k++)
            coeffs[k] = rnd();
        for (size_t j = 0; j < n; j++) {
            bb31x4 wj = bb31x4_from_base(bb31_pow(w, j));
            acc = bb31x4_add(acc, bb31x4_mul(swirl_eval_eq_uni(l, z, wj),
                                             swirl_horner_eval(coeffs, n, wj)));
        }
        CHECK(bb31x4_eq(acc, swirl_horner_eval(coeffs, n, z)));
        CHECK(bb31x4_eq(swirl_eval_eq_uni_at_one(l, z), swirl_eval_eq_uni(l, z, bb31x4_one())));
    }
}

static void test_in_uni(void) {
    size_t l = 4;
    bb31 w;
    CHECK_OK(bb31_two_adic_generator(&w, 4));
    for (long n = -4; n <= 1; n++)
        for (size_t i = 0; i < 16; i++) {
            bb31x4 z = bb31x4_from_base(bb31_pow(w, i));
            size_t m = n < 0 ? (size_t)(-n) : 0;
            /* in the subgroup of order 2^(l - m) iff i is a multiple of 2^m */
            int in = (i % ((size_t)1 << m)) == 0;
            CHECK(bb31x4_eq(swirl_eval_in_uni(l, n, z), base((uint32_t)in)));
        }
}

static void test_rot_cube_and_prism(void) {
    enum { N = 4 };
    bb31x4 a[N], b[N], eq, rot;
    for (size_t u = 0; u < (1u << N); u++)
        for (size_t v = 0; v < (1u << N); v++) {
            bits(a, u, N);
            bits(b, v, N);
            swirl_eval_eq_rot_cube(&eq, &rot, a, b, N);
            CHECK(bb31x4_eq(eq, base(u == v)));
            CHECK(bb31x4_eq(rot, base(u == ((v + 1) % (1u << N)))));
        }
    /* prism kernels factor as the uni part times the cube part */
    bb31x4 x[N + 1], y[N + 1];
    for (int i = 0; i <= N; i++) {
        x[i] = rnd();
        y[i] = rnd();
    }
    CHECK(bb31x4_eq(swirl_eval_eq_prism(3, x, y, N + 1),
                    bb31x4_mul(swirl_eval_eq_uni(3, x[0], y[0]), swirl_eval_eq_mle(x + 1, y + 1, N))));
    /* rotation kernel on boolean cube points with x0 = y0 * omega-shifted domain points: at
     * x0 = w^i, y0 = w^j (in D) and cube points, it is 1 exactly on the row before */
    size_t l = 2;
    bb31 w;
    CHECK_OK(bb31_two_adic_generator(&w, 2));
    int ones = 0;
    for (size_t i = 0; i < 4; i++)
        for (size_t j = 0; j < 4; j++)
            for (size_t u = 0; u < 4; u++)
                for (size_t v = 0; v < 4; v++) {
                    bb31x4 px[3], py[3];
                    px[0] = bb31x4_from_base(bb31_pow(w, i));
                    py[0] = bb31x4_from_base(bb31_pow(w, j));
                    bits(px + 1, u, 2);
                    bits(py + 1, v, 2);
                    bb31x4 k = swirl_eval_rot_kernel_prism(l, px, py, 3);
                    CHECK(bb31x4_is_zero(k) || bb31x4_eq(k, bb31x4_one()));
                    ones += bb31x4_eq(k, bb31x4_one());
                }
    CHECK(ones == 16); /* a permutation of the 16 prism points */
}

static void test_interpolation(void) {
    bb31x4 c[4];
    for (int i = 0; i < 4; i++)
        c[i] = rnd();
    bb31x4 e[4];
    for (uint32_t i = 0; i < 4; i++)
        e[i] = swirl_horner_eval(c, 4, base(i));
    bb31x4 x = rnd();
    CHECK(bb31x4_eq(swirl_interpolate_cubic_at_0123(e, x), swirl_horner_eval(c, 4, x)));
    for (uint32_t i = 0; i < 3; i++)
        e[i] = swirl_horner_eval(c, 3, base(i));
    CHECK(bb31x4_eq(swirl_interpolate_quadratic_at_012(e, x), swirl_horner_eval(c, 3, x)));
    for (uint32_t i = 0; i < 2; i++)
        e[i] = swirl_horner_eval(c, 2, base(i));
    CHECK(bb31x4_eq(swirl_interpolate_linear_at_01(e, x), swirl_horner_eval(c, 2, x)));
    CHECK(bb31x4_is_zero(swirl_horner_eval(c, 0, x)));
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_eq_mle_and_hypercube), SWIRL_TEST(test_eq_uni), SWIRL_TEST(test_in_uni),
    SWIRL_TEST(test_rot_cube_and_prism),   SWIRL_TEST(test_interpolation),
};

int main(int argc, char **argv) {
    return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
}
