/* BabyBear and its degree-4 extension: arithmetic against a plain 64-bit reference, edge
 * operands, ring laws, inverses, two-adic generators (known answers from Plonky3 0.4.3). */
#include <stdlib.h>

#include "field/bb31.h"
#include "field/bb31_ext4.h"
#include "harness.h"
#include "vectors/two_adic_generators.h"

#define P 2013265921ull

static const uint32_t edge[] = {0, 1, 2, (uint32_t)P - 1, (uint32_t)P - 2, (uint32_t)P / 2,
                                (uint32_t)P / 2 + 1, 1u << 27, (1u << 27) + 1, 0x7fffffffu % (uint32_t)P};

static uint64_t ref_pow(uint64_t a, uint64_t e) {
    uint64_t r = 1;
    a %= P;
    while (e) {
        if (e & 1)
            r = r * a % P;
        a = a * a % P;
        e >>= 1;
    }
    return r;
}

static void check_pair(uint32_t a, uint32_t b) {
    bb31 x = bb31_from_u32(a), y = bb31_from_u32(b);
    CHECK(bb31_to_u32(x) == a % P);
    CHECK(bb31_to_u32(bb31_add(x, y)) == ((uint64_t)a + b) % P);
    CHECK(bb31_to_u32(bb31_sub(x, y)) == ((uint64_t)a % P + P - (uint64_t)b % P) % P);
    CHECK(bb31_to_u32(bb31_mul(x, y)) == ((uint64_t)a % P) * ((uint64_t)b % P) % P);
    CHECK(bb31_to_u32(bb31_square(x)) == ((uint64_t)a % P) * ((uint64_t)a % P) % P);
    CHECK(bb31_to_u32(bb31_neg(x)) == (P - a % P) % P);
    CHECK(bb31_to_u32(bb31_double(x)) == 2ull * a % P);
    CHECK(bb31_to_u32(bb31_halve(bb31_double(x))) == a % P);
    CHECK(x.v < P); /* Montgomery form stays canonical */
}

static void test_base_edges(void) {
    size_t n = sizeof edge / sizeof edge[0];
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            check_pair(edge[i], edge[j]);
    /* from_u32 reduces any u32 */
    CHECK(bb31_to_u32(bb31_from_u32(0xffffffffu)) == 0xffffffffull % P);
    CHECK(bb31_to_u32(bb31_from_u32((uint32_t)P)) == 0);
    CHECK(bb31_to_u32(bb31_from_u64(0xffffffffffffffffull)) == 0xffffffffffffffffull % P);
    CHECK(bb31_eq(bb31_one(), bb31_from_u32(1)));
}

static void test_base_random(void) {
    unsigned n = 200000 * swirl_test_iters();
    for (unsigned i = 0; i < n; i++)
        check_pair(swirl_test_rand32(), swirl_test_rand32());
}

static void test_base_inverse_pow(void) {
    CHECK(bb31_is_zero(bb31_inv(bb31_zero())));
    for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++) {
        if (edge[i] % P == 0)
            continue;
        bb31 x = bb31_from_u32(edge[i]);
        CHECK(bb31_eq(bb31_mul(x, bb31_inv(x)), bb31_one()));
    }
    for (int i = 0; i < 2000; i++) {
        uint32_t a = (uint32_t)swirl_test_rand_below(P - 1) + 1;
        uint64_t e = swirl_test_rand64();
        bb31 x = bb31_from_u32(a);
        CHECK(bb31_eq(bb31_mul(x, bb31_inv(x)), bb31_one()));
        CHECK(bb31_to_u32(bb31_pow(x, e)) == ref_pow(a, e));
    }
    /* Fermat: x^(p-1) = 1 */
    CHECK(bb31_eq(bb31_pow(bb31_from_u32(BB31_GENERATOR), P - 1), bb31_one()));
    /* 31 generates the multiplicative group: order does not divide (p-1)/q for q in {2,3,5} */
    CHECK(!bb31_eq(bb31_pow(bb31_from_u32(31), (P - 1) / 2), bb31_one()));
    CHECK(!bb31_eq(bb31_pow(bb31_from_u32(31), (P - 1) / 3), bb31_one()));
    CHECK(!bb31_eq(bb31_pow(bb31_from_u32(31), (P - 1) / 5), bb31_one()));
}

static void test_batch_inverse(void) {
    enum { N = 1000 };
    bb31 v[N], orig[N], scratch[N];
    for (int i = 0; i < N; i++)
        orig[i] = v[i] = (i % 97 == 0) ? bb31_zero() : bb31_from_u32(swirl_test_rand32());
    CHECK_OK(bb31_batch_inverse(v, N, scratch));
    for (int i = 0; i < N; i++) {
        if (bb31_is_zero(orig[i]))
            CHECK(bb31_is_zero(v[i]));
        else
            CHECK(bb31_eq(bb31_mul(v[i], orig[i]), bb31_one()));
    }
    CHECK_OK(bb31_batch_inverse(v, N, NULL));
    for (int i = 0; i < N; i++)
        CHECK(bb31_eq(v[i], orig[i]));
    CHECK_OK(bb31_batch_inverse(NULL, 0, NULL));
    CHECK_STATUS(bb31_batch_inverse(NULL, 5, NULL), SWIRL_E_INVALID_ARG);
}

static void test_two_adic_generators(void) {
    for (unsigned k = 0; k <= 27; k++) {
        bb31 g;
        CHECK_OK(bb31_two_adic_generator(&g, k));
        CHECK(bb31_to_u32(g) == kat_two_adic_gen[k][0]);
        CHECK(bb31_to_u32(bb31_inv(g)) == kat_two_adic_gen[k][1]);
        /* order exactly 2^k */
        CHECK(bb31_eq(bb31_pow(g, 1ull << k), bb31_one()));
        if (k > 0)
            CHECK(!bb31_eq(bb31_pow(g, 1ull << (k - 1)), bb31_one()));
    }
    bb31 g;
    CHECK_STATUS(bb31_two_adic_generator(&g, 28), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(bb31_two_adic_generator(NULL, 3), SWIRL_E_INVALID_ARG);
}

static bb31x4 rand_ext(void) {
    bb31x4 r;
    for (int i = 0; i < 4; i++)
        r.c[i] = bb31_from_u32(swirl_test_rand32());
    return r;
}

/* reference ext4 product over u64 with x^4 = 11 */
static bb31x4 ref_ext_mul(bb31x4 a, bb31x4 b) {
    uint64_t ac[4], bc[4], prod[7] = {0};
    for (int i = 0; i < 4; i++) {
        ac[i] = bb31_to_u32(a.c[i]);
        bc[i] = bb31_to_u32(b.c[i]);
    }
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            prod[i + j] = (prod[i + j] + ac[i] * bc[j]) % P;
    bb31x4 r;
    for (int i = 0; i < 4; i++) {
        uint64_t v = prod[i];
        if (i + 4 < 7)
            v = (v + 11 * prod[i + 4]) % P;
        r.c[i] = bb31_from_u32((uint32_t)v);
    }
    return r;
}

static void test_ext4(void) {
    for (int it = 0; it < 5000; it++) {
        bb31x4 a = rand_ext(), b = rand_ext(), c = rand_ext();
        CHECK(bb31x4_eq(bb31x4_mul(a, b), ref_ext_mul(a, b)));
        CHECK(bb31x4_eq(bb31x4_mul(a, b), bb31x4_mul(b, a)));
        /* the lazy-reduction path (prepare + mul_pre) gives the same canonical result */
        bb31x4_pre pb = bb31x4_prepare(b);
        CHECK(bb31x4_eq(bb31x4_mul_pre(a, &pb), ref_ext_mul(a, b)));
        CHECK(bb31x4_eq(bb31x4_mul_lazy(a, b), ref_ext_mul(a, b)));
        CHECK(bb31x4_eq(bb31x4_mul_school(a, b), ref_ext_mul(a, b)));
        CHECK(bb31x4_eq(bb31x4_mul(bb31x4_mul(a, b), c), bb31x4_mul(a, bb31x4_mul(b, c))));
        CHECK(bb31x4_eq(bb31x4_mul(a, bb31x4_add(b, c)),
                        bb31x4_add(bb31x4_mul(a, b), bb31x4_mul(a, c))));
        CHECK(bb31x4_eq(bb31x4_sub(bb31x4_add(a, b), b), a));
        CHECK(bb31x4_is_zero(bb31x4_add(a, bb31x4_neg(a))));
        CHECK(bb31x4_eq(bb31x4_mul(a, bb31x4_one()), a));
        if (!bb31x4_is_zero(a))
            CHECK(bb31x4_eq(bb31x4_mul(a, bb31x4_inv(a)), bb31x4_one()));
    }
    /* the lazy path at its largest inputs: every coefficient p - 1 */
    bb31x4 m;
    for (int i = 0; i < 4; i++)
        m.c[i] = bb31_from_u32(BB31_P - 1);
    CHECK(bb31x4_eq(bb31x4_mul_lazy(m, m), ref_ext_mul(m, m)));
    /* the device's product at its extremes: coefficients 0, 1, p - 2, p - 1 in every pattern */
    static const uint32_t ext_vals[4] = {0, 1, BB31_P - 2, BB31_P - 1};
    for (unsigned pa = 0; pa < 256; pa++)
        for (unsigned pb = 0; pb < 256; pb += 5) {
            bb31x4 ea, eb;
            for (int i = 0; i < 4; i++) {
                ea.c[i].v = ext_vals[(pa >> (2 * i)) & 3];
                eb.c[i].v = ext_vals[(pb >> (2 * i)) & 3];
            }
            CHECK(bb31x4_eq(bb31x4_mul(ea, eb), ref_ext_mul(ea, eb)));
        }
    /* bb31x4_lazy_reduce against the 64-bit Montgomery reduction across its range: around 0, p 2^32
     * (where the high-word cut starts) and 4 (p - 1)^2, its largest input */
    static const uint64_t pr = (uint64_t)BB31_P << 32, top = 4 * (uint64_t)(BB31_P - 1) * (BB31_P - 1);
    static const uint64_t xs[] = {0, 1, pr - 1, pr, pr + 1, 2 * pr - 1, top - 1, top};
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        uint64_t x = xs[i], c = x >= pr ? x - pr : x;
        CHECK(bb31x4_lazy_reduce(x).v == bb31_monty_reduce(c));
    }
    for (int i = 0; i < 100000; i++) {
        uint64_t x = swirl_test_rand_below(top + 1);
        uint64_t c = x >= pr ? x - pr : x;
        CHECK(bb31x4_lazy_reduce(x).v == bb31_monty_reduce(c));
    }
    /* X^4 = 11 */
    bb31x4 x = bb31x4_zero();
    x.c[1] = bb31_one();
    bb31x4 x4 = bb31x4_pow(x, 4);
    CHECK(bb31_to_u32(x4.c[0]) == 11 && bb31x4_eq(x4, bb31x4_from_base(bb31_from_u32(11))));
    CHECK(bb31x4_is_zero(bb31x4_inv(bb31x4_zero())));
    /* Frobenius-free sanity: a^(p^4 - 1) = 1 for a != 0 */
    bb31x4 a = rand_ext();
    bb31x4 t = bb31x4_pow(a, P);
    t = bb31x4_pow(t, P);
    t = bb31x4_pow(t, P);
    t = bb31x4_pow(t, P);
    CHECK(bb31x4_eq(t, a));
}

/* bb31x4_lazy_acc2 / bb31x4_lazy_finish against the mul_base / add loop: random, and every word p - 1 (the largest
 * sums its bound must hold), for even lengths up to 64 */
static void test_dot_base_lazy(void) {
    bb31x4 l[64];
    uint32_t v[64];
    for (int rep = 0; rep < 300; rep++) {
        size_t n = 2 * (size_t)(1 + swirl_test_rand_below(32));
        for (size_t j = 0; j < n; j++) {
            v[j] = rep < 2 ? BB31_P - 1 : (uint32_t)swirl_test_rand_below(BB31_P);
            for (int k = 0; k < 4; k++)
                l[j].c[k].v = rep == 0 ? BB31_P - 1 : (uint32_t)swirl_test_rand_below(BB31_P);
        }
        bb31x4 want = bb31x4_zero();
        for (size_t j = 0; j < n; j++) {
            bb31 b;
            b.v = v[j];
            want = bb31x4_add(want, bb31x4_mul_base(l[j], b));
        }
        uint64_t acc[4] = {0, 0, 0, 0};
        for (size_t j = 0; j < n; j += 2)
            bb31x4_lazy_acc2(acc, l[j], l[j + 1], v[j], v[j + 1]);
        CHECK(bb31x4_eq(bb31x4_lazy_finish(acc), want));
    }
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_dot_base_lazy),
    SWIRL_TEST(test_base_edges),      SWIRL_TEST(test_base_random),
    SWIRL_TEST(test_base_inverse_pow), SWIRL_TEST(test_batch_inverse),
    SWIRL_TEST(test_two_adic_generators), SWIRL_TEST(test_ext4),
};

int main(int argc, char **argv) {
    return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
}
