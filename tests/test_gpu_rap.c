/* The rap_constraints stage on the GPU (prover/cuda_rap.cu) against swirl_zerocheck_prove on the
 * same transcript state, for fib (taller than, below and at 2^l_skip), the DummyInteraction bus,
 * SelfInteraction, a preprocessed + cached AIR beside a lookup, and KeccakAir: every proof value
 * (rap_plan.h's buffer, GKR and batch proof), r, the final transcript state; the stage trace
 * holds one "prover.rap_constraints" stage with exactly one host sync; the arena plan is enough.
 * A wrong trace: unbalanced interactions make the prover fail, a constraint-violating value gives
 * a proof the verifier rejects. Skips (exit 77) without a CUDA device. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prover/cuda_rap.h"
#include "prover/rap_plan.h"

#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wunused-function" /* zc_cases.h's prover run is not used here */
#endif
#include "zc_cases.h"

static swirl_cuda_ctx *g_ctx;

static const swirl_stage_trace *find_stage(const char *name) {
    size_t n = 0;
    const swirl_stage_trace *tr = swirl_cuda_stage_trace(g_ctx, &n);
    for (size_t i = n; i-- > 0;)
        if (strcmp(tr[i].name, name) == 0)
            return &tr[i];
    return NULL;
}

static void start_transcript(swirl_transcript *t) {
    swirl_transcript_init(t);
    swirl_transcript_observe(t, bb31_from_u32(11));
}

/* the device stage on the case's traces (arena reserved from the plan) */
static enum swirl_status gpu_prove(const zc_case *c, const swirl_zc_params *zp,
                                   swirl_gkr_proof *gkr, swirl_batch_proof *bp, bb31x4 *r,
                                   size_t *nr, swirl_transcript *t) {
    size_t bytes = 0;
    CHECK_OK(swirl_cuda_rap_arena_bytes(&bytes, zp, c->inst, c->n));
    swirl_cuda_arena_reset(g_ctx);
    CHECK_OK(swirl_cuda_arena_reserve(g_ctx, bytes + ((size_t)1 << 20)));
    swirl_cuda_stage_trace_clear(g_ctx);
    return swirl_cuda_rap_constraints(g_ctx, gkr, bp, r, nr, t, zp, c->inst, c->n);
}

static void check_case(const zc_case *c, unsigned G, unsigned pow_bits) {
    swirl_zc_params zp = {c->l_skip, G, pow_bits};
    swirl_transcript tc, tg;
    start_transcript(&tc);
    tg = tc;
    swirl_gkr_proof gc, gg;
    swirl_batch_proof bc, bg;
    bb31x4 rc[64], rg[64];
    size_t nrc = 0, nrg = 0;
    CHECK_OK(swirl_zerocheck_prove(NULL, &gc, &bc, rc, &nrc, &tc, &zp, c->inst, c->n));
    CHECK_OK(gpu_prove(c, &zp, &gg, &bg, rg, &nrg, &tg));
    swirl_rap_plan plan;
    CHECK_OK(swirl_rap_plan_make(&plan, &zp, c->inst, c->n));
    bb31x4 *bufc = calloc(plan.buffer_len + 1, sizeof *bufc),
           *bufg = calloc(plan.buffer_len + 1, sizeof *bufg);
    CHECK(bufc && bufg);
    CHECK(nrc == nrg);
    CHECK_OK(swirl_rap_proof_pack(&plan, &gc, &bc, rc, bufc));
    CHECK_OK(swirl_rap_proof_pack(&plan, &gg, &bg, rg, bufg));
    size_t first = plan.buffer_len;
    for (size_t i = 0; i < plan.buffer_len && first == plan.buffer_len; i++)
        if (!bb31x4_eq(bufc[i], bufg[i]))
            first = i;
    CHECK_MSG(first == plan.buffer_len,
              "case %s (l_skip %u): proof buffer differs first at slot %zu (openings at %zu, r at "
              "%zu, univariate at %zu, mle at %zu)",
              c->name, c->l_skip, first, plan.openings.off, plan.r.off, plan.univariate.off,
              plan.mle_polys.off);
    CHECK_MSG(memcmp(tc.state, tg.state, sizeof tc.state) == 0 && tc.absorb_idx == tg.absorb_idx &&
                  tc.sample_idx == tg.sample_idx,
              "case %s: the final transcript differs", c->name);
    const swirl_stage_trace *st = find_stage("prover.rap_constraints");
    CHECK(st != NULL);
    CHECK_MSG(st->syncs == 1, "case %s: %u host syncs in the stage", c->name, st->syncs);
    /* the sub-stages, timed by events inside the one stage: no sync of their own, their kernels
     * part of the stage's */
    static const char *const subs[] = {
        "prover.rap_constraints.logup_gkr", "prover.rap_constraints.round0",
        "prover.rap_constraints.mle_rounds", "prover.rap_constraints.openings"};
    unsigned sub_kernels = 0;
    for (size_t i = 0; i < 4; i++) {
        const swirl_stage_trace *ss = find_stage(subs[i]);
        CHECK_MSG(ss != NULL, "case %s: sub-stage %s missing", c->name, subs[i]);
        CHECK(ss->syncs == 0 && ss->gpu_ms >= 0 && ss->gpu_ms <= st->gpu_ms);
        sub_kernels += ss->kernels;
    }
    CHECK(sub_kernels > 0 && sub_kernels <= st->kernels);
    printf("  %-20s l_skip %u: %u kernels, %.3f ms GPU\n", c->name, c->l_skip, st->kernels,
           (double)st->gpu_ms);
    free(bufc);
    free(bufg);
    swirl_rap_plan_clear(&plan);
    swirl_gkr_proof_clear(&gc);
    swirl_gkr_proof_clear(&gg);
    swirl_batch_proof_clear(&bc);
    swirl_batch_proof_clear(&bg);
}

static void test_fib(void) {
    zc_case c;
    zcc_fib(&c, 64, 3);
    check_case(&c, 3, 1);
    zcc_clear(&c);
    zcc_fib(&c, 4, 3);
    check_case(&c, 3, 2);
    zcc_clear(&c);
    zcc_fib(&c, 8, 3);
    check_case(&c, 2, 0);
    zcc_clear(&c);
    zcc_fib(&c, (size_t)1 << 16, 4);
    check_case(&c, 3, 10);
    zcc_clear(&c);
}

static void test_bus(void) {
    zc_case c;
    for (unsigned l = 1; l <= 3; l++) {
        zcc_bus(&c, l);
        check_case(&c, 3, 1);
        zcc_clear(&c);
    }
}

static void test_self_interaction(void) {
    zc_case c;
    zcc_self(&c, 4, 6, 2);
    check_case(&c, 3, 1);
    zcc_clear(&c);
    zcc_self(&c, 3, 1, 3);
    check_case(&c, 3, 1);
    zcc_clear(&c);
    zcc_self(&c, 8, 14, 4);
    check_case(&c, 3, 4);
    zcc_clear(&c);
}

static void test_preprocessed_cached(void) {
    zc_case c;
    zcc_parts(&c, 2);
    check_case(&c, 3, 1);
    zcc_clear(&c);
    zcc_parts(&c, 3);
    check_case(&c, 4, 1);
    zcc_clear(&c);
}

static void test_keccak(void) {
    zc_case c;
    zcc_keccak(&c, 3, 0);
    check_case(&c, 3, 1);
    zcc_clear(&c);
    zcc_keccak(&c, 16, 0);
    check_case(&c, 3, 1);
    zcc_clear(&c);
}

/* unbalanced interactions: the device GKR's root numerator is not zero, the stage fails */
static void test_unbalanced(void) {
    zc_case c;
    zcc_bus(&c, 2);
    bb31 *m = (bb31 *)c.inst[0].common;
    m[0] = bb31_add(m[0], bb31_one()); /* a count of the sender */
    swirl_zc_params zp = {c.l_skip, 3, 1};
    swirl_transcript t;
    start_transcript(&t);
    swirl_gkr_proof g;
    swirl_batch_proof b;
    bb31x4 r[64];
    size_t nr = 0;
    CHECK_STATUS(gpu_prove(&c, &zp, &g, &b, r, &nr, &t), SWIRL_E_UNSATISFIED);
    CHECK(g.claims_per_layer == NULL && b.openings == NULL);
    zcc_clear(&c);
}

/* a value that breaks a constraint: the device proves, the verifier rejects */
static void test_wrong_trace_rejected(void) {
    zc_case c;
    zcc_fib(&c, 64, 3);
    bb31 *m = (bb31 *)c.inst[0].common;
    m[5] = bb31_add(m[5], bb31_one());
    swirl_zc_params zp = {c.l_skip, 3, 1};
    swirl_transcript t, tv;
    start_transcript(&t);
    tv = t;
    swirl_gkr_proof g;
    swirl_batch_proof b;
    bb31x4 r[64], rv[64];
    size_t nr = 0, nv = 0;
    enum swirl_status st = gpu_prove(&c, &zp, &g, &b, r, &nr, &t);
    if (st == SWIRL_OK) {
        const swirl_air *airs[1] = {c.inst[0].air};
        unsigned lh[1] = {swirl_log2_exact(c.inst[0].height)};
        const bb31 *pvs[1] = {c.inst[0].public_values};
        CHECK_STATUS(swirl_zerocheck_verify(rv, &nv, &tv, &zp, &g, &b, airs, lh, pvs, 1),
                     SWIRL_E_PROOF_REJECTED);
        swirl_gkr_proof_clear(&g);
        swirl_batch_proof_clear(&b);
    }
    zcc_clear(&c);
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_fib),
    SWIRL_TEST(test_bus),
    SWIRL_TEST(test_self_interaction),
    SWIRL_TEST(test_preprocessed_cached),
    SWIRL_TEST(test_keccak),
    SWIRL_TEST(test_unbalanced),
    SWIRL_TEST(test_wrong_trace_rejected),
};

int main(int argc, char **argv) {
    if (swirl_cuda_device_count() == 0) {
        printf("SKIP: no CUDA device\n");
        return 77;
    }
    if (swirl_cuda_ctx_create(&g_ctx, 0, (size_t)64 << 20) != SWIRL_OK) {
        printf("cannot create a CUDA context: %s\n", swirl_last_error());
        return 1;
    }
    int rc = swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
    swirl_cuda_ctx_destroy(g_ctx);
    return rc;
}
