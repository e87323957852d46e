/* The rap_constraints plan (prover/rap_plan.h): for real proofs (a LogUp bus with Fibonacci, a
 * lone Fibonacci AIR without interactions, fib shorter than 2^l_skip, KeccakAir), a backend whose
 * rap_constraints slot wraps the CPU one plans the stage from its inputs before proving and then
 * checks that every shape of the proof it got equals the plan's, that the proof packed into the
 * device proof buffer and unpacked again is the same proof, and that the buffer's parts tile it
 * exactly. Wrong inputs are refused (unsorted traces, a degree above the bound), and a proof whose
 * shape differs from the plan is refused by pack with a message naming the part. */
#include <stdlib.h>
#include <string.h>

#include "air/test_airs.h"
#include "swirl/swirl_airs.h"
#include "fixtures.h"
#include "harness.h"
#include "prover/prove.h"
#include "prover/rap_plan.h"
#include "prover/stages.h"

static int g_planned; /* stages planned and checked */

static int same_x4(const bb31x4 *a, const bb31x4 *b, size_t n) {
    return n == 0 || memcmp(a, b, n * sizeof *a) == 0;
}

/* the parts in buffer order tile [0, buffer_len) */
static void check_tiling(const swirl_rap_plan *pl) {
    const swirl_rap_span *parts[] = {&pl->logup_pow,  &pl->q0_claim,        &pl->gkr_claims,
                                     &pl->gkr_polys,  &pl->numerator_terms, &pl->denominator_terms,
                                     &pl->univariate, &pl->mle_polys,       &pl->openings,
                                     &pl->r};
    size_t at = 0;
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        CHECK_MSG(parts[i]->off == at, "part %zu starts at %zu, expected %zu", i, parts[i]->off,
                  at);
        at += parts[i]->len;
    }
    CHECK(at == pl->buffer_len);
}

static void check_against(const swirl_rap_plan *pl, const swirl_gkr_proof *g,
                          const swirl_batch_proof *b, const bb31x4 *r, size_t nr) {
    CHECK(g->n_layers == pl->gkr_layers);
    CHECK(g->n_sumcheck_entries * 3 == pl->gkr_polys.len);
    CHECK(b->n_univariate == pl->s0deg + 1 && b->n_rounds == pl->n_max && b->s_deg == pl->s_deg);
    CHECK(nr == pl->n_max + 1 && pl->r.len == nr);
    for (size_t i = 0; i < pl->n_traces; i++)
        CHECK(b->openings_per_trace[i] == pl->openings_per_trace[i]);
    check_tiling(pl);
    bb31x4 *buf = malloc(pl->buffer_len * sizeof *buf);
    CHECK(buf != NULL);
    CHECK_OK(swirl_rap_proof_pack(pl, g, b, r, buf));
    swirl_gkr_proof g2;
    swirl_batch_proof b2;
    bb31x4 r2[64];
    CHECK_OK(swirl_rap_proof_unpack(pl, buf, &g2, &b2, r2));
    CHECK(g2.logup_pow_witness.v == g->logup_pow_witness.v);
    CHECK(same_x4(&g2.q0_claim, &g->q0_claim, 1));
    CHECK(g2.n_layers == g->n_layers && g2.n_sumcheck_entries == g->n_sumcheck_entries);
    CHECK(g->n_layers == 0 || memcmp(g2.claims_per_layer, g->claims_per_layer,
                                     g->n_layers * sizeof *g->claims_per_layer) == 0);
    CHECK(g->n_sumcheck_entries == 0 ||
          memcmp(g2.sumcheck_polys, g->sumcheck_polys,
                 g->n_sumcheck_entries * sizeof *g->sumcheck_polys) == 0);
    size_t n = pl->n_traces;
    CHECK(b2.n_traces == n && same_x4(b2.numerator_term_per_air, b->numerator_term_per_air, n) &&
          same_x4(b2.denominator_term_per_air, b->denominator_term_per_air, n));
    CHECK(same_x4(b2.univariate_round_coeffs, b->univariate_round_coeffs, b->n_univariate));
    CHECK(same_x4(b2.sumcheck_round_polys, b->sumcheck_round_polys, pl->mle_polys.len));
    CHECK(same_x4(b2.openings, b->openings, pl->n_openings));
    CHECK(memcmp(b2.openings_per_trace, b->openings_per_trace, n * sizeof(size_t)) == 0);
    CHECK(same_x4(r2, r, nr));
    /* a proof of another shape is refused, naming the part */
    b2.n_univariate++;
    CHECK_STATUS(swirl_rap_proof_pack(pl, &g2, &b2, r2, buf), SWIRL_E_INTERNAL);
    CHECK(strstr(swirl_last_error(), "round 0's polynomial") != NULL);
    b2.n_univariate--;
    swirl_gkr_proof_clear(&g2);
    swirl_batch_proof_clear(&b2);
    free(buf);
}

static enum swirl_status planned_rap(const swirl_backend *be, swirl_gkr_proof *gkr,
                                     swirl_batch_proof *proof, bb31x4 *r_out, size_t *n_r,
                                     swirl_transcript *t, const swirl_zc_params *zp,
                                     const swirl_air_instance *traces, size_t n,
                                     const swirl_stacked_pcs_data *const *commits,
                                     size_t n_commits) {
    (void)be;
    swirl_rap_plan pl;
    CHECK_OK(swirl_rap_plan_make(&pl, zp, traces, n));
    enum swirl_status st = swirl_backend_cpu()->rap_constraints(
        swirl_backend_cpu(), gkr, proof, r_out, n_r, t, zp, traces, n, commits, n_commits);
    if (st == SWIRL_OK) {
        check_against(&pl, gkr, proof, r_out, *n_r);
        g_planned++;
    }
    swirl_rap_plan_clear(&pl);
    return st;
}

static void prove_planned(const swirl_vk *vk, const swirl_trace_input *in) {
    swirl_backend be = *swirl_backend_cpu();
    be.name = "cpu+plan";
    be.rap_constraints = planned_rap;
    swirl_proof pr;
    int before = g_planned;
    CHECK_OK(swirl_flow_prove(&pr, vk, in, &be, NULL));
    CHECK(g_planned == before + 1);
    CHECK_OK(swirl_flow_verify(vk, &pr, NULL));
    swirl_proof_clear(&pr);
}

static void test_bus_and_fib(void) {
    swirl_system_params p = swirl_fixture_small_params(2, 4, 31);
    swirl_fixture_three f;
    swirl_fixture_three_init(&f, &p);
    prove_planned(f.vk, f.in);
    swirl_fixture_three_clear(&f);
}

static void fib_case(unsigned l_skip, size_t H) {
    swirl_air_builder *bl;
    CHECK_OK(swirl_fib_air_build(&bl));
    swirl_air *fib = swirl_fixture_compile(bl);
    swirl_system_params p = swirl_fixture_small_params(l_skip, 8, 31);
    swirl_keygen_air ka[1] = {{fib, NULL, 0, 1}};
    swirl_vk *vk;
    CHECK_OK(swirl_keygen(&vk, &p, ka, 1));
    bb31 *fm;
    CHECK_OK(swirl_fib_trace(&fm, 0, 1, H));
    bb31 pv[3] = {bb31_zero(), bb31_one(), fm[2 * H - 1]};
    swirl_trace_input in[1] = {{fm, H, pv, NULL}};
    prove_planned(vk, in);
    free(fm);
    swirl_vk_destroy(vk);
    swirl_air_destroy(fib);
}

static void test_fib_without_interactions(void) {
    fib_case(2, 256);
    fib_case(4, 8); /* shorter than 2^l_skip: no multilinear rounds */
}

static void test_keccak(void) {
    swirl_air_builder *b;
    CHECK_OK(swirl_keccak_air_build(&b));
    swirl_air *keccak = swirl_fixture_compile(b);
    swirl_system_params p = swirl_fixture_small_params(4, 8, 31);
    p.max_constraint_degree = 3;
    p.w_stack = 1024;
    swirl_keygen_air ka[1] = {{keccak, NULL, 0, 1}};
    swirl_vk *vk;
    CHECK_OK(swirl_keygen(&vk, &p, ka, 1));
    uint64_t inputs[2][25];
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 25; j++)
            inputs[i][j] = 0x0123456789abcdefull * (uint64_t)(i * 25 + j + 1);
    bb31 *km;
    size_t kh;
    CHECK_OK(swirl_keccak_generate_trace(&km, &kh, (const uint64_t(*)[25])inputs, 2));
    swirl_trace_input in[1] = {{km, kh, NULL, NULL}};
    prove_planned(vk, in);
    free(km);
    swirl_vk_destroy(vk);
    swirl_air_destroy(keccak);
}

static void test_bad_inputs(void) {
    swirl_system_params p = swirl_fixture_small_params(2, 4, 31);
    swirl_fixture_three f;
    swirl_fixture_three_init(&f, &p);
    swirl_zc_params zp = {2, 3, 0};
    swirl_air_instance in[2] = {{f.fib, NULL, NULL, f.fm, 2, f.pv},
                                {f.send, NULL, NULL, f.sm, SWIRL_FIX_HS, NULL}};
    swirl_rap_plan pl;
    CHECK_STATUS(swirl_rap_plan_make(&pl, &zp, in, 2), SWIRL_E_INVALID_ARG);
    CHECK(strstr(swirl_last_error(), "not sorted") != NULL);
    in[0].height = 3;
    CHECK_STATUS(swirl_rap_plan_make(&pl, &zp, in, 1), SWIRL_E_INVALID_ARG);
    CHECK(strstr(swirl_last_error(), "power of") != NULL);
    in[0].height = 2;
    CHECK_OK(swirl_rap_plan_make(&pl, &zp, in, 1));
    CHECK(pl.gkr_layers == 0 && pl.n_max == 0 && pl.openings_per_trace[0] > 0);
    swirl_rap_plan_clear(&pl);
    zp.max_constraint_degree = 1;
    CHECK_STATUS(swirl_rap_plan_make(&pl, &zp, in, 1), SWIRL_E_INVALID_ARG);
    CHECK(strstr(swirl_last_error(), "exceeds") != NULL);
    swirl_rap_plan_clear(&pl); /* zeroed by the failed make: a no-op */
    swirl_fixture_three_clear(&f);
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_bus_and_fib),
    SWIRL_TEST(test_fib_without_interactions),
    SWIRL_TEST(test_keccak),
    SWIRL_TEST(test_bad_inputs),
};

int main(int argc, char **argv) {
    return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
}
