/* The LogUp input layer feeding the GKR: balanced interactions across AIRs of different heights
 * (including a trace shorter than 2^l_skip, which is lifted) give fractions summing to zero that the
 * GKR proves and verifies; unbalanced ones are refused; n_logup as OpenVM computes it. */
#include <stdlib.h>
#include <string.h>

#include "air/test_airs.h"
#include "fixtures.h"
#include "harness.h"
#include "protocol/gkr.h"
#include "protocol/logup.h"

static bb31x4 rnd(void) {
    bb31x4 r;
    for (int i = 0; i < 4; i++)
        r.c[i] = bb31_from_u32(swirl_test_rand32());
    return r;
}

static void test_n_logup(void) {
    CHECK(swirl_calculate_n_logup(4, 0) == 0);
    CHECK(swirl_calculate_n_logup(4, 16) == 1);  /* bits(16) = 5: ceil(log2(17)) = 5 */
    CHECK(swirl_calculate_n_logup(4, 15) == 0);
    CHECK(swirl_calculate_n_logup(3, 40) == 3);  /* bits(40) = 6 */
}

static bb31x4 frac_sum(const bb31x4 *p, const bb31x4 *q, size_t n) {
    bb31x4 s = bb31x4_zero();
    for (size_t i = 0; i < n; i++)
        s = bb31x4_add(s, bb31x4_mul(p[i], bb31x4_inv(q[i])));
    return s;
}

static void run(unsigned l_skip, int unbalance) {
    enum { NS = SWIRL_FIX_NS };
    swirl_fixture_lookup f;
    swirl_fixture_lookup_init(&f);
    if (unbalance)
        f.sm[NS + 0] = bb31_add(f.sm[NS + 0], bb31_one()); /* row 0 has count 1 */
    const swirl_air_instance *inst = f.inst;
    bb31x4 *p, *q;
    unsigned L;
    bb31x4 alpha = rnd(), beta = rnd();
    CHECK_OK(swirl_logup_gkr_input(&p, &q, &L, inst, 2, l_skip, alpha, beta));
    /* total = 1 << max(5, l) + 1 << max(3, l) */
    uint64_t total = ((uint64_t)1 << (5 > l_skip ? 5 : l_skip)) + ((uint64_t)1 << (3 > l_skip ? 3 : l_skip));
    CHECK(L == l_skip + swirl_calculate_n_logup(l_skip, total));
    size_t N = (size_t)1 << L;
    bb31x4 s = frac_sum(p, q, N);
    CHECK(unbalance ? !bb31x4_is_zero(s) : bb31x4_is_zero(s));
    swirl_transcript tp, tv;
    swirl_transcript_init(&tp);
    tv = tp;
    swirl_gkr_proof proof;
    bb31x4 xi[32], r[32], nu, de;
    if (unbalance) {
        CHECK_STATUS(swirl_gkr_prove(NULL, &proof, xi, &tp, p, q, L), SWIRL_E_UNSATISFIED);
    } else {
        CHECK_OK(swirl_gkr_prove(NULL, &proof, xi, &tp, p, q, L));
        CHECK_OK(swirl_gkr_verify(&nu, &de, r, &proof, &tv, L));
        swirl_gkr_proof_clear(&proof);
    }
    free(p);
    free(q);
    swirl_fixture_lookup_clear(&f);
}

static void test_balanced_and_lifted(void) {
    run(2, 0); /* no lifting */
    run(4, 0); /* the 8-row trace lifts to 16 with counts halved */
    run(6, 0); /* both traces lifted */
}

static void test_unbalanced(void) {
    run(2, 1);
    run(4, 1);
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_n_logup),
    SWIRL_TEST(test_balanced_and_lifted),
    SWIRL_TEST(test_unbalanced),
};

int main(int argc, char **argv) {
    return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
}
