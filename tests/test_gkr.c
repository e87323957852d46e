/* LogUp-GKR fractional sumcheck: prove-then-verify for several sizes; the verifier's final claims
 * equal the leaf MLEs at the returned point (brute force); non-zero sums are refused by the prover;
 * tampered claims and round polynomials are rejected; wrong shapes are malformed. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "poly/poly_common.h"
#include "protocol/gkr.h"

static bb31x4 rnd(void) {
    bb31x4 r;
    for (int i = 0; i < 4; i++)
        r.c[i] = bb31_from_u32(swirl_test_rand32());
    return r;
}

/* leaves with sum p/q = 0 */
static void make_leaves(bb31x4 *p, bb31x4 *q, size_t N) {
    bb31x4 sum = bb31x4_zero();
    for (size_t i = 0; i < N; i++) {
        q[i] = rnd();
        if (bb31x4_is_zero(q[i]))
            q[i] = bb31x4_one();
        p[i] = rnd();
        if (i + 1 < N)
            sum = bb31x4_add(sum, bb31x4_mul(p[i], bb31x4_inv(q[i])));
    }
    p[N - 1] = bb31x4_neg(bb31x4_mul(sum, q[N - 1]));
}

static void check_size(unsigned n, int tamper) {
    size_t N = (size_t)1 << n;
    bb31x4 *p = malloc(N * sizeof *p), *q = malloc(N * sizeof *q), *tmp = malloc(N * sizeof *tmp);
    CHECK(p && q && tmp);
    make_leaves(p, q, N);
    swirl_transcript tp, tv;
    swirl_transcript_init(&tp);
    swirl_transcript_observe(&tp, bb31_from_u32(n));
    tv = tp;
    swirl_transcript t0 = tp;
    swirl_gkr_proof proof;
    bb31x4 xi[32], r[32], numer, denom;
    CHECK_OK(swirl_gkr_prove(NULL, &proof, xi, &tp, p, q, n));
    CHECK_OK(swirl_gkr_verify(&numer, &denom, r, &proof, &tv, n));
    CHECK(memcmp(xi, r, n * sizeof *r) == 0);
    CHECK(memcmp(&tp, &tv, sizeof tp) == 0);
    memcpy(tmp, p, N * sizeof *tmp);
    CHECK(bb31x4_eq(numer, swirl_eval_mle_at_point(tmp, r, n)));
    memcpy(tmp, q, N * sizeof *tmp);
    CHECK(bb31x4_eq(denom, swirl_eval_mle_at_point(tmp, r, n)));
    if (tamper) {
        swirl_transcript t2;
        proof.q0_claim = bb31x4_add(proof.q0_claim, bb31x4_one());
        t2 = t0;
        CHECK_STATUS(swirl_gkr_verify(&numer, &denom, r, &proof, &t2, n), SWIRL_E_PROOF_REJECTED);
        proof.q0_claim = bb31x4_sub(proof.q0_claim, bb31x4_one());
        size_t L = (size_t)swirl_test_rand_below(n);
        proof.claims_per_layer[L].q_xi_1 = bb31x4_add(proof.claims_per_layer[L].q_xi_1, bb31x4_one());
        t2 = t0;
        CHECK_STATUS(swirl_gkr_verify(&numer, &denom, r, &proof, &t2, n), SWIRL_E_PROOF_REJECTED);
        proof.claims_per_layer[L].q_xi_1 = bb31x4_sub(proof.claims_per_layer[L].q_xi_1, bb31x4_one());
        if (proof.n_sumcheck_entries > 0) {
            size_t e = (size_t)swirl_test_rand_below(proof.n_sumcheck_entries);
            proof.sumcheck_polys[e][2] = bb31x4_add(proof.sumcheck_polys[e][2], bb31x4_one());
            t2 = t0;
            CHECK_STATUS(swirl_gkr_verify(&numer, &denom, r, &proof, &t2, n), SWIRL_E_PROOF_REJECTED);
            proof.sumcheck_polys[e][2] = bb31x4_sub(proof.sumcheck_polys[e][2], bb31x4_one());
        }
        t2 = t0;
        CHECK_STATUS(swirl_gkr_verify(&numer, &denom, r, &proof, &t2, n + 1), SWIRL_E_PROOF_MALFORMED);
        t2 = t0;
        CHECK_OK(swirl_gkr_verify(&numer, &denom, r, &proof, &t2, n));
    }
    swirl_gkr_proof_clear(&proof);
    /* a non-zero sum is refused */
    p[0] = bb31x4_add(p[0], bb31x4_one());
    swirl_transcript t3 = t0;
    CHECK_STATUS(swirl_gkr_prove(NULL, &proof, xi, &t3, p, q, n), SWIRL_E_UNSATISFIED);
    free(p);
    free(q);
    free(tmp);
}

static void test_sizes(void) {
    static const unsigned sizes[] = {1, 2, 3, 5, 10};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        check_size(sizes[i], 1);
    check_size(swirl_test_sanitized() ? 12 : 16, 0);
}

static void test_bad_args(void) {
    swirl_gkr_proof p;
    swirl_transcript t;
    swirl_transcript_init(&t);
    bb31x4 x[2];
    CHECK_STATUS(swirl_gkr_prove(NULL, &p, x, &t, x, x, 0), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_gkr_prove(NULL, NULL, x, &t, x, x, 1), SWIRL_E_INVALID_ARG);
    swirl_gkr_proof_clear(NULL);
}

static const struct swirl_test tests[] = {SWIRL_TEST(test_sizes), SWIRL_TEST(test_bad_args)};

int main(int argc, char **argv) {
    return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
}
