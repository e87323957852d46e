/* The rap_constraints stage on the GPU (prover/cuda_rap.cu) against swirl_zerocheck_prove on the
 * same transcript state, for fib (taller than, below and at 2^l_skip), the DummyInteraction bus,
 * SelfInteraction, a preprocessed + cached AIR beside a lookup, and KeccakAir: every proof value
 * (rap_plan.h's buffer, GKR and batch proof), r, the final transcript state; the stage trace
 * holds one "prover.rap_constraints" stage with exactly one host sync; the arena plan is enough.
 * Each case runs twice: with the traces' columns uploaded from the host (no commitments given:
 * the counted stage "upload_fallback:prover.rap_constraints" carries exactly the partitions'
 * bytes), and with the traces committed on the device first as the flow commits them (common
 * main, then per trace the preprocessed trace and each cached partition): then nothing is
 * uploaded (no fallback stage, no "prover.rap_constraints.upload"), the tall traces are read in
 * place and the arena plan is smaller by exactly their columns.
 * A wrong trace: unbalanced interactions make the prover fail, a constraint-violating value gives
 * a proof the verifier rejects. Skips (exit 77) without a CUDA device. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prover/cuda_pcs.h"
#include "prover/cuda_rap.h"
#include "prover/cuda_stacked_commit.h"
#include "prover/rap_plan.h"

#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wunused-function" /* zc_cases.h's prover run is not used here */
#endif
#include "fixtures.h"
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

#define FALLBACK_STAGE "upload_fallback:prover.rap_constraints"
#define MAX_COMMITS 16
enum { FROM_HOST, FROM_COMMITS };

/* a trace's distinct partitions in view order (prep, cached..., common): widths and host values */
static size_t partitions(const swirl_air_instance *in, size_t *w, const bb31 **v) {
    const swirl_air *a = in->air;
    size_t k = 0;
    if (a->preprocessed_width > 0) {
        w[k] = a->preprocessed_width;
        v[k++] = in->preprocessed;
    }
    for (size_t c = 0; c < a->n_cached; c++) {
        w[k] = a->cached_widths[c];
        v[k++] = in->cached[c];
    }
    w[k] = a->common_width;
    v[k++] = in->common;
    return k;
}

static size_t align256(size_t b) {
    return ((b ? b : 16) + 255) & ~(size_t)255;
}

/* the device stacked matrices' shape, for the arena */
static size_t commit_bytes(const swirl_trace_view *v, size_t n, unsigned l_skip, unsigned n_stack) {
    size_t *w = calloc(n, sizeof *w);
    unsigned *lh = calloc(n, sizeof *lh);
    CHECK(w && lh);
    for (size_t i = 0; i < n; i++) {
        w[i] = v[i].width;
        lh[i] = swirl_log2_exact(v[i].height);
    }
    swirl_stacked_layout lay;
    CHECK_OK(swirl_stacked_layout_init(&lay, l_skip, l_skip + n_stack, w, lh, n));
    size_t b = swirl_cuda_stacked_commit_bytes(lay.height, lay.width, 1);
    swirl_stacked_layout_clear(&lay);
    free(w);
    free(lh);
    return b;
}

/* The case's traces committed on the device in the rap_constraints slot's order (stages.h): the
 * common main of every trace, then per trace its preprocessed trace and each cached partition.
 * The arena is reset and reserved for the commitments and the stage's plan first. */
static size_t commit_case(const zc_case *c, const swirl_zc_params *zp, swirl_stacked_pcs_data **d) {
    unsigned lmax = swirl_log2_exact(c->inst[0].height);
    unsigned n_stack = (lmax > c->l_skip ? lmax - c->l_skip : 0) + 1;
    swirl_trace_view main[3], one[MAX_COMMITS];
    size_t n_one = 0;
    for (size_t i = 0; i < c->n; i++) {
        swirl_trace_view m = {c->inst[i].common, c->inst[i].height, c->inst[i].air->common_width,
                              NULL};
        main[i] = m;
        size_t w[SWIRL_ZC_MAX_PARTS];
        const bb31 *v[SWIRL_ZC_MAX_PARTS];
        size_t np = partitions(&c->inst[i], w, v);
        for (size_t k = 0; k + 1 < np; k++) { /* all but the common main */
            CHECK(n_one + 1 < MAX_COMMITS);
            swirl_trace_view o = {v[k], c->inst[i].height, w[k], NULL};
            one[n_one++] = o;
        }
    }
    size_t need = commit_bytes(main, c->n, c->l_skip, n_stack), rap = 0;
    for (size_t k = 0; k < n_one; k++)
        need += commit_bytes(&one[k], 1, c->l_skip, n_stack);
    CHECK_OK(swirl_cuda_rap_arena_bytes(&rap, zp, c->inst, c->n, SWIRL_CUDA_RAP_RESIDENT_ALL));
    swirl_cuda_arena_reset(g_ctx);
    CHECK_OK(swirl_cuda_arena_reserve(g_ctx, need + rap + ((size_t)1 << 20)));
    swirl_digest root;
    CHECK_OK(swirl_cuda_commit_pcs(g_ctx, &d[0], &root, main, c->n, c->l_skip, n_stack, 1, 1));
    for (size_t k = 0; k < n_one; k++)
        CHECK_OK(
            swirl_cuda_commit_pcs(g_ctx, &d[1 + k], &root, &one[k], 1, c->l_skip, n_stack, 1, 1));
    return 1 + n_one;
}

/* the arena plan: planning the partitions as committed saves exactly the tall traces' columns;
 * returns the bytes of every partition (what the host mode uploads) */
static size_t check_plan(const zc_case *c, const swirl_zc_params *zp) {
    size_t host = 0, resident = 0, saved = 0, up = 0;
    CHECK_OK(swirl_cuda_rap_arena_bytes(&host, zp, c->inst, c->n, 0));
    CHECK_OK(swirl_cuda_rap_arena_bytes(&resident, zp, c->inst, c->n, SWIRL_CUDA_RAP_RESIDENT_ALL));
    for (size_t i = 0; i < c->n; i++) {
        size_t w[SWIRL_ZC_MAX_PARTS];
        const bb31 *v[SWIRL_ZC_MAX_PARTS];
        size_t np = partitions(&c->inst[i], w, v), h = c->inst[i].height;
        for (size_t k = 0; k < np; k++) {
            up += w[k] * h * sizeof(bb31);
            if (h >= ((size_t)1 << c->l_skip) && w[k] > 0)
                saved += align256(w[k] * h * sizeof(bb31));
        }
    }
    CHECK_MSG(host - resident == saved,
              "case %s: the resident plan saves %zu bytes, the tall partitions hold %zu", c->name,
              host - resident, saved);
    return up;
}

/* the device stage on the case's traces (arena reserved from the plan); FROM_COMMITS: read from
 * the traces committed on the device */
static enum swirl_status gpu_prove_from(const zc_case *c, const swirl_zc_params *zp, int from,
                                        swirl_gkr_proof *gkr, swirl_batch_proof *bp, bb31x4 *r,
                                        size_t *nr, swirl_transcript *t) {
    swirl_stacked_pcs_data *d[MAX_COMMITS] = {NULL};
    size_t nd = 0;
    if (from == FROM_COMMITS) {
        nd = commit_case(c, zp, d);
    } else {
        size_t bytes = 0;
        CHECK_OK(swirl_cuda_rap_arena_bytes(&bytes, zp, c->inst, c->n, 0));
        swirl_cuda_arena_reset(g_ctx);
        CHECK_OK(swirl_cuda_arena_reserve(g_ctx, bytes + ((size_t)1 << 20)));
    }
    swirl_cuda_stage_trace_clear(g_ctx);
    enum swirl_status st = swirl_cuda_rap_constraints(g_ctx, gkr, bp, r, nr, t, zp, c->inst, c->n,
                                                      (const swirl_stacked_pcs_data *const *)d, nd);
    for (size_t k = 0; k < nd; k++)
        swirl_stacked_pcs_data_destroy(d[k]);
    return st;
}

static enum swirl_status gpu_prove(const zc_case *c, const swirl_zc_params *zp,
                                   swirl_gkr_proof *gkr, swirl_batch_proof *bp, bb31x4 *r,
                                   size_t *nr, swirl_transcript *t) {
    return gpu_prove_from(c, zp, FROM_HOST, gkr, bp, r, nr, t);
}

static void check_case_from(const zc_case *c, unsigned G, unsigned pow_bits, int from) {
    swirl_zc_params zp = {c->l_skip, G, pow_bits};
    size_t up_bytes = check_plan(c, &zp);
    swirl_transcript tc, tg;
    start_transcript(&tc);
    tg = tc;
    swirl_gkr_proof gc, gg;
    swirl_batch_proof bc, bg;
    bb31x4 rc[64], rg[64];
    size_t nrc = 0, nrg = 0;
    CHECK_OK(swirl_zerocheck_prove(NULL, &gc, &bc, rc, &nrc, &tc, &zp, c->inst, c->n));
    CHECK_OK(gpu_prove_from(c, &zp, from, &gg, &bg, rg, &nrg, &tg));
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
    /* a stream round 0 (long programs) splits into its inputs and the stream, inside round0 */
    const swirl_stage_trace *r0 = find_stage("prover.rap_constraints.round0"),
                            *ri = find_stage("prover.rap_constraints.round0.inputs"),
                            *rs = find_stage("prover.rap_constraints.round0.stream");
    CHECK((ri == NULL) == (rs == NULL));
    if (ri)
        CHECK_MSG(ri->syncs == 0 && rs->syncs == 0 && ri->kernels >= 1 && rs->kernels >= 1 &&
                      ri->kernels + rs->kernels <= r0->kernels &&
                      ri->gpu_ms + rs->gpu_ms <= r0->gpu_ms + 0.01f,
                  "case %s: round 0's split (%u + %u kernels, %.3f + %.3f ms) is not inside "
                  "round 0 (%u kernels, %.3f ms)", c->name, ri->kernels, rs->kernels,
                  (double)ri->gpu_ms, (double)rs->gpu_ms, r0->kernels, (double)r0->gpu_ms);
    /* the traces' columns: no upload stage of the old name; the fallback carries exactly the
     * partitions' bytes from the host, and is absent when the commitments are on the device */
    CHECK_MSG(find_stage("prover.rap_constraints.upload") == NULL, "case %s: a trace upload",
              c->name);
    const swirl_stage_trace *fb = find_stage(FALLBACK_STAGE);
    if (from == FROM_COMMITS)
        CHECK_MSG(fb == NULL,
                  "case %s: %zu bytes uploaded though the traces are committed on "
                  "the device",
                  c->name, fb ? (size_t)fb->bytes : 0);
    else
        CHECK_MSG(fb != NULL && fb->bytes == up_bytes,
                  "case %s: the fallback upload carries %zu bytes, the partitions hold %zu",
                  c->name, fb ? (size_t)fb->bytes : 0, up_bytes);
    printf("  %-20s l_skip %u %s: %u kernels, %.3f ms GPU\n", c->name, c->l_skip,
           from == FROM_COMMITS ? "committed" : "host     ", st->kernels, (double)st->gpu_ms);
    free(bufc);
    free(bufg);
    swirl_rap_plan_clear(&plan);
    swirl_gkr_proof_clear(&gc);
    swirl_gkr_proof_clear(&gg);
    swirl_batch_proof_clear(&bc);
    swirl_batch_proof_clear(&bg);
}

static void check_case(const zc_case *c, unsigned G, unsigned pow_bits) {
    check_case_from(c, G, pow_bits, FROM_HOST);
    check_case_from(c, G, pow_bits, FROM_COMMITS);
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
    if (swirl_test_no_cuda())
        return 77;
    if (swirl_cuda_ctx_create(&g_ctx, 0, (size_t)64 << 20) != SWIRL_OK) {
        printf("cannot create a CUDA context: %s\n", swirl_last_error());
        return 1;
    }
    int rc = swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
    swirl_cuda_ctx_destroy(g_ctx);
    return rc;
}
