/* The rap_constraints stage (LogUp PoW, GKR, batch constraint sumcheck): prove then verify for a
 * Fibonacci AIR alone (rotation, public values, selectors, no interactions) and for a preprocessed
 * AIR plus an interaction sender of another height, at l_skip values that lift neither, one, or
 * both traces; a wrong trace, tampered proof values and a wrong shape are rejected; parameters
 * and AIRs past the fixed tables are refused up front. */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "air/test_airs.h"
#include "fixtures.h"
#include "harness.h"
#include "protocol/zerocheck.h"
#include "util/span.h"

static void prove_verify(const swirl_air_instance *inst, size_t n, unsigned l, int expect_ok) {
    swirl_zc_params zp = {l, 3, 2};
    swirl_transcript tp, tv;
    swirl_transcript_init(&tp);
    swirl_transcript_observe(&tp, bb31_from_u32(7));
    tv = tp;
    swirl_gkr_proof gkr;
    swirl_batch_proof bp;
    bb31x4 rp[64], rv[64];
    size_t np = 0, nv = 0;
    CHECK_OK(swirl_zerocheck_prove(NULL, &gkr, &bp, rp, &np, &tp, &zp, inst, n));
    const swirl_air *airs[4];
    unsigned lh[4];
    const bb31 *pvs[4];
    for (size_t i = 0; i < n; i++) {
        airs[i] = inst[i].air;
        lh[i] = swirl_log2_exact(inst[i].height);
        pvs[i] = inst[i].public_values;
    }
    swirl_transcript t0 = tv;
    if (!expect_ok) {
        CHECK_STATUS(swirl_zerocheck_verify(rv, &nv, &tv, &zp, &gkr, &bp, airs, lh, pvs, n),
                     SWIRL_E_PROOF_REJECTED);
        swirl_gkr_proof_clear(&gkr);
        swirl_batch_proof_clear(&bp);
        return;
    }
    CHECK_OK(swirl_zerocheck_verify(rv, &nv, &tv, &zp, &gkr, &bp, airs, lh, pvs, n));
    CHECK(nv == np);
    CHECK(memcmp(rp, rv, np * sizeof *rp) == 0);
    CHECK(memcmp(&tp, &tv, sizeof tp) == 0);
    /* each tampered value is rejected */
    bb31x4 *targets[5] = {&bp.univariate_round_coeffs[bp.n_univariate - 1], &bp.openings[0],
                          &bp.numerator_term_per_air[n - 1], &bp.denominator_term_per_air[0],
                          bp.n_rounds ? &bp.sumcheck_round_polys[bp.n_rounds * bp.s_deg - 1]
                                      : NULL};
    for (int k = 0; k < 5; k++) {
        if (!targets[k])
            continue;
        *targets[k] = bb31x4_add(*targets[k], bb31x4_one());
        tv = t0;
        CHECK_STATUS(swirl_zerocheck_verify(rv, &nv, &tv, &zp, &gkr, &bp, airs, lh, pvs, n),
                     SWIRL_E_PROOF_REJECTED);
        *targets[k] = bb31x4_sub(*targets[k], bb31x4_one());
    }
    /* a wrong shape is malformed, and the untouched proof still verifies */
    bp.openings_per_trace[0]++;
    tv = t0;
    CHECK_STATUS(swirl_zerocheck_verify(rv, &nv, &tv, &zp, &gkr, &bp, airs, lh, pvs, n),
                 SWIRL_E_PROOF_MALFORMED);
    bp.openings_per_trace[0]--;
    tv = t0;
    CHECK_OK(swirl_zerocheck_verify(rv, &nv, &tv, &zp, &gkr, &bp, airs, lh, pvs, n));
    swirl_gkr_proof_clear(&gkr);
    swirl_batch_proof_clear(&bp);
}

static void fib_case(unsigned l, size_t N, int corrupt) {
    swirl_air_builder *b;
    swirl_air *fib;
    CHECK_OK(swirl_fib_air_build(&b));
    CHECK_OK(swirl_air_compile(&fib, b, 3));
    swirl_air_builder_destroy(b);
    bb31 *m;
    CHECK_OK(swirl_fib_trace(&m, 0, 1, N));
    bb31 pv[3] = {bb31_zero(), bb31_one(), m[2 * N - 1]};
    if (corrupt)
        m[N + N / 2] = bb31_add(m[N + N / 2], bb31_one());
    swirl_air_instance inst[1] = {{fib, NULL, NULL, m, N, pv}};
    prove_verify(inst, 1, l, !corrupt);
    free(m);
    swirl_air_destroy(fib);
}

static void test_fib(void) {
    fib_case(2, 32, 0); /* three multilinear rounds */
    fib_case(3, 8, 0);  /* no multilinear round */
    fib_case(4, 8, 0);  /* a trace shorter than 2^l_skip */
}

static void test_fib_wrong_trace(void) {
    fib_case(2, 32, 1);
    fib_case(4, 8, 1);
}

static void interaction_case(unsigned l, int corrupt) {
    enum { NF = SWIRL_FIX_NF, NS = SWIRL_FIX_NS };
    swirl_fixture_lookup f;
    swirl_fixture_lookup_init(&f);
    bb31 *sm = f.sm, *m = f.m;
    if (corrupt == 2) /* an unbalanced bus: the GKR prover refuses */
        sm[NS + NF] = bb31_add(sm[NS + NF], bb31_one()), sm[NF] = bb31_one();
    if (corrupt == 1) /* breaks the fib transition but keeps the interactions balanced */
        m[3] = bb31_add(m[3], bb31_one()), m[NF + 3] = bb31_sub(m[NF + 3], bb31_one());
    const swirl_air_instance *inst = f.inst;
    if (corrupt == 2) {
        swirl_zc_params zp = {l, 3, 2};
        swirl_transcript tp;
        swirl_transcript_init(&tp);
        swirl_gkr_proof gkr;
        swirl_batch_proof bp;
        bb31x4 r[64];
        size_t nr;
        swirl_span_reset();
        CHECK_STATUS(swirl_zerocheck_prove(NULL, &gkr, &bp, r, &nr, &tp, &zp, inst, 2),
                     SWIRL_E_UNSATISFIED);
        /* the failure inside the GKR closed the spans it had opened */
        size_t ns;
        const swirl_span_record *rec = swirl_span_records(&ns);
        CHECK(ns == 2);
        for (size_t i = 0; i < ns; i++)
            CHECK(rec[i].ms >= 0);
        /* traces out of height order are refused */
        swirl_air_instance swapped[2] = {inst[1], inst[0]};
        CHECK_STATUS(swirl_zerocheck_prove(NULL, &gkr, &bp, r, &nr, &tp, &zp, swapped, 2),
                     SWIRL_E_INVALID_ARG);
    } else {
        prove_verify(inst, 2, l, !corrupt);
    }
    swirl_fixture_lookup_clear(&f);
}

static void test_interactions(void) {
    interaction_case(2, 0);
    interaction_case(4, 0);
    interaction_case(6, 0);
    interaction_case(2, 1);
    interaction_case(4, 1);
    interaction_case(2, 2);
    interaction_case(6, 2);
}

/* one thread and two threads give the same proof (the parallel sums are exact field sums) */
static void test_threads_equal(void) {
    swirl_air_builder *b;
    swirl_air *fib;
    CHECK_OK(swirl_fib_air_build(&b));
    CHECK_OK(swirl_air_compile(&fib, b, 3));
    swirl_air_builder_destroy(b);
    enum { H = 256 };
    bb31 *m;
    CHECK_OK(swirl_fib_trace(&m, 0, 1, H));
    bb31 pv[3] = {bb31_zero(), bb31_one(), m[2 * H - 1]};
    swirl_air_instance inst = {fib, NULL, NULL, m, H, pv};
    swirl_zc_params zp = {2, 3, 1};
    swirl_batch_proof bp[2];
    swirl_gkr_proof gkr[2];
    bb31x4 r[2][64];
    size_t nr[2];
    int nt = omp_get_max_threads();
    for (int run = 0; run < 2; run++) {
        omp_set_num_threads(run == 0 ? 1 : 2);
        swirl_transcript t;
        swirl_transcript_init(&t);
        CHECK_OK(swirl_zerocheck_prove(NULL, &gkr[run], &bp[run], r[run], &nr[run], &t, &zp, &inst, 1));
    }
    omp_set_num_threads(nt);
    CHECK(nr[0] == nr[1] && memcmp(r[0], r[1], nr[0] * sizeof(bb31x4)) == 0);
    CHECK(memcmp(bp[0].univariate_round_coeffs, bp[1].univariate_round_coeffs,
                 bp[0].n_univariate * sizeof(bb31x4)) == 0);
    CHECK(memcmp(bp[0].sumcheck_round_polys, bp[1].sumcheck_round_polys,
                 bp[0].n_rounds * bp[0].s_deg * sizeof(bb31x4)) == 0);
    CHECK(memcmp(bp[0].openings, bp[1].openings, bp[0].openings_per_trace[0] * sizeof(bb31x4)) ==
          0);
    for (int run = 0; run < 2; run++) {
        swirl_batch_proof_clear(&bp[run]);
        swirl_gkr_proof_clear(&gkr[run]);
    }
    free(m);
    swirl_air_destroy(fib);
}

/* parameters and AIRs past the prover's and verifier's fixed tables are refused up front, with a
 * message naming the limit, and leave no span open */
static void test_limits(void) {
    swirl_air_builder *b;
    swirl_air *fib, *wide;
    CHECK_OK(swirl_fib_air_build(&b));
    CHECK_OK(swirl_air_compile(&fib, b, 3));
    swirl_air_builder_destroy(b);
    CHECK_OK(swirl_air_builder_create(&b, "ManyConstraints", 0, NULL, 0, 1, 0));
    for (int k = 0; k < 4097; k++)
        swirl_air_assert_zero(
            b, swirl_air_mul(b, swirl_air_main(b, 0, 0), swirl_air_const(b, (uint64_t)k + 1)));
    CHECK_OK(swirl_air_compile(&wide, b, 3)); /* distinct constraints: the DAG keeps 4097 */
    swirl_air_builder_destroy(b);
    enum { H = 8 };
    bb31 *m, zeros[H] = {{0}};
    CHECK_OK(swirl_fib_trace(&m, 0, 1, H));
    bb31 pv[3] = {bb31_zero(), bb31_one(), m[2 * H - 1]};
    swirl_air_instance inst = {fib, NULL, NULL, m, H, pv},
                       inst_wide = {wide, NULL, NULL, zeros, H, NULL};
    swirl_gkr_proof gkr;
    swirl_batch_proof bp;
    bb31x4 r[64];
    size_t nr;
    struct {
        swirl_zc_params zp;
        const swirl_air_instance *in;
        enum swirl_status st;
        const char *msg;
    } cases[] = {
        {{9, 3, 1}, &inst, SWIRL_E_INVALID_ARG, "l_skip 9"},
        {{2, 8, 1}, &inst, SWIRL_E_INVALID_ARG, "max_constraint_degree 8"},
        {{2, 0, 1}, &inst, SWIRL_E_INVALID_ARG, "max_constraint_degree must be"},
        {{2, 1, 1}, &inst, SWIRL_E_INVALID_ARG, "degree 2 exceeds 1"},
        {{2, 3, 1}, &inst_wide, SWIRL_E_UNSUPPORTED, "4097 constraints"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        swirl_span_reset();
        swirl_transcript t;
        swirl_transcript_init(&t);
        CHECK_STATUS(swirl_zerocheck_prove(NULL, &gkr, &bp, r, &nr, &t, &cases[i].zp, cases[i].in, 1),
                     cases[i].st);
        CHECK_MSG(strstr(swirl_last_error(), cases[i].msg) != NULL, "case %zu: %s", i,
                  swirl_last_error());
        size_t ns;
        swirl_span_records(&ns);
        CHECK(ns == 0);
        /* the verifier refuses the same before reading the (empty) proof */
        const swirl_air *air = cases[i].in->air;
        unsigned lh = 3;
        const bb31 *pvs = cases[i].in->public_values;
        swirl_transcript_init(&t);
        memset(&gkr, 0, sizeof gkr);
        memset(&bp, 0, sizeof bp);
        CHECK_STATUS(
            swirl_zerocheck_verify(r, &nr, &t, &cases[i].zp, &gkr, &bp, &air, &lh, &pvs, 1),
            cases[i].st);
        CHECK_MSG(strstr(swirl_last_error(), cases[i].msg) != NULL, "case %zu: %s", i,
                  swirl_last_error());
    }
    free(m);
    swirl_air_destroy(fib);
    swirl_air_destroy(wide);
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_threads_equal),
    SWIRL_TEST(test_fib),
    SWIRL_TEST(test_fib_wrong_trace),
    SWIRL_TEST(test_interactions),
    SWIRL_TEST(test_limits),
};

int main(int argc, char **argv) { return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests)); }
