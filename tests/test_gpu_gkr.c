/* LogUp-GKR on the GPU (device/cuda/gkr.cu) against its CPU twins: the slot adapters gkr_tree,
 * gkr_layer and sumcheck_fold against the CPU slots (device/cpu/); the whole device-resident
 * prover (Fiat-Shamir on the device transcript) against swirl_gkr_prove on the same transcript
 * state for 2, 4, ..., 2^16 random leaves and LogUp-shaped inputs: every proof value, the point,
 * the final transcript state, and exactly one host sync (the stage's end) whatever the number of
 * layers; swirl_gkr_prove through a table of the CUDA slots gives the CPU proof; unbalanced
 * leaves are refused. Skips (exit 77) without a CUDA device. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device/cuda/cuda_gkr.h"
#include "gkr_leaves.h"
#include "fixtures.h"
#include "harness.h"
#include "protocol/gkr.h"
#include "protocol/gkr_cuda.h"

static swirl_cuda_ctx *g_ctx;
static swirl_backend_ops g_ops; /* the CPU table with the three CUDA slots */

static void *dev_alloc(size_t bytes) {
    void *d = NULL;
    CHECK_OK(swirl_cuda_alloc(g_ctx, &d, bytes ? bytes : 16));
    return d;
}

static const swirl_stage_trace *last_stage(void) {
    size_t n = 0;
    const swirl_stage_trace *tr = swirl_cuda_stage_trace(g_ctx, &n);
    CHECK(n > 0);
    return &tr[n - 1];
}

static unsigned max_log(unsigned big) {
    return swirl_test_sanitized() ? 8 : big;
}

/* ---- kernels against their CPU twins ---- */

static void test_tree_slot(void) {
    for (unsigned n = 1; n <= max_log(16); n++) {
        size_t N = (size_t)1 << n;
        bb31x4 *cp = malloc(2 * N * sizeof *cp), *cq = malloc(2 * N * sizeof *cq);
        bb31x4 *gp = malloc(2 * N * sizeof *gp), *gq = malloc(2 * N * sizeof *gq);
        CHECK(cp && cq && gp && gq);
        for (size_t i = 0; i < 2 * N; i++) {
            cp[i] = gkr_rnd();
            cq[i] = gkr_rnd();
        }
        memcpy(gp, cp, 2 * N * sizeof *gp);
        memcpy(gq, cq, 2 * N * sizeof *gq);
        CHECK_OK(swirl_cpu_gkr_tree(NULL, cp, cq, N));
        swirl_cuda_stage_trace_clear(g_ctx);
        CHECK_OK(swirl_cuda_slot_gkr_tree(&g_ops, gp, gq, N));
        CHECK_MSG(memcmp(cp, gp, 2 * N * sizeof *cp) == 0, "gkr_tree p, 2^%u leaves", n);
        CHECK_MSG(memcmp(cq, gq, 2 * N * sizeof *cq) == 0, "gkr_tree q, 2^%u leaves", n);
        CHECK(last_stage()->syncs == 1);
        free(cp);
        free(cq);
        free(gp);
        free(gq);
    }
}

static void check_layer(size_t len, size_t stride) {
    bb31x4 *eq = malloc((len ? len : 1) * sizeof *eq), *cols = malloc(4 * stride * sizeof *cols);
    CHECK(eq && cols);
    for (size_t i = 0; i < len; i++)
        eq[i] = gkr_rnd();
    for (size_t i = 0; i < 4 * stride; i++)
        cols[i] = gkr_rnd();
    bb31x4 lambda = gkr_rnd(), sc[3], sg[3];
    CHECK_OK(swirl_cpu_gkr_layer(NULL, sc, eq, cols, stride, len, lambda));
    CHECK_OK(swirl_cuda_slot_gkr_layer(&g_ops, sg, eq, cols, stride, len, lambda));
    CHECK_MSG(memcmp(sc, sg, sizeof sc) == 0, "gkr_layer len %zu stride %zu", len, stride);
    free(eq);
    free(cols);
}

static void test_layer_slot(void) {
    for (unsigned k = 1; k <= max_log(16); k++) {
        size_t len = (size_t)1 << k;
        check_layer(len, len);
        check_layer(len, len + 1 + (size_t)swirl_test_rand_below(len));
    }
    check_layer(0, 4);
    check_layer(1, 4);
    check_layer(7, 9);
    check_layer((size_t)1 << max_log(20), (size_t)1 << max_log(20)); /* > 1024 blocks: grid-stride */
}

static void check_fold(size_t n_cols, size_t len, size_t in_stride, size_t out_stride) {
    size_t total = (n_cols ? n_cols - 1 : 0) * in_stride + len + 1;
    bb31x4 *c = malloc(total * sizeof *c), *g = malloc(total * sizeof *g);
    CHECK(c && g);
    for (size_t i = 0; i < total; i++)
        c[i] = gkr_rnd();
    memcpy(g, c, total * sizeof *g);
    bb31x4 r = gkr_rnd();
    CHECK_OK(swirl_cpu_sumcheck_fold(NULL, c, n_cols, in_stride, out_stride, len, r));
    CHECK_OK(swirl_cuda_slot_sumcheck_fold(&g_ops, g, n_cols, in_stride, out_stride, len, r));
    CHECK_MSG(memcmp(c, g, total * sizeof *c) == 0, "sumcheck_fold %zu x %zu, strides %zu -> %zu",
              n_cols, len, in_stride, out_stride);
    free(c);
    free(g);
}

static void test_fold_slot(void) {
    for (unsigned k = 1; k <= max_log(16); k++) {
        size_t len = (size_t)1 << k;
        check_fold(1, len, len, len);
        check_fold(5, len, len, len);           /* in place */
        check_fold(4, len, len, len / 2);       /* packing */
        check_fold(3, len, 2 * len + 3, len);   /* strided */
    }
    check_fold(0, 8, 8, 8);
    check_fold(2, 1, 4, 4);
    CHECK_STATUS(swirl_cuda_slot_sumcheck_fold(&g_ops, NULL, 1, 4, 4, 4, bb31x4_one()),
                 SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_cuda_slot_sumcheck_fold(&g_ops, (bb31x4 *)16, 2, 4, 8, 4, bb31x4_one()),
                 SWIRL_E_INVALID_ARG);
}

/* ---- the device-resident prover ---- */

/* device prove from transcript state t0 on leaves p, q; returns the final device transcript */
static enum swirl_status device_prove(swirl_gkr_proof *proof, bb31x4 *xi, swirl_transcript *t_out,
                                      const swirl_transcript *t0, const bb31x4 *p, const bb31x4 *q,
                                      unsigned n) {
    size_t N = (size_t)1 << n;
    swirl_cuda_arena_reset(g_ctx);
    swirl_transcript *d_t = dev_alloc(sizeof *d_t);
    bb31x4 *d_p = dev_alloc(N * sizeof *d_p), *d_q = dev_alloc(N * sizeof *d_q);
    CHECK_OK(swirl_cuda_stage_begin(g_ctx, "test_gkr_upload"));
    CHECK_OK(swirl_cuda_upload(g_ctx, d_t, t0, sizeof *t0));
    CHECK_OK(swirl_cuda_upload(g_ctx, d_p, p, N * sizeof *p));
    CHECK_OK(swirl_cuda_upload(g_ctx, d_q, q, N * sizeof *q));
    CHECK_OK(swirl_cuda_stage_end(g_ctx));
    size_t used = swirl_cuda_arena_used(g_ctx);
    swirl_cuda_stage_trace_clear(g_ctx);
    enum swirl_status st = swirl_gkr_prove_cuda(g_ctx, proof, xi, d_t, d_p, d_q, n);
    CHECK(swirl_cuda_arena_used(g_ctx) == used); /* the scratch went back to the arena */
    if (st == SWIRL_OK || st == SWIRL_E_UNSATISFIED) {
        const swirl_stage_trace *s = last_stage();
        CHECK(strcmp(s->name, "fractional_sumcheck_gkr") == 0);
        CHECK_MSG(s->syncs == 1, "device GKR, 2^%u leaves: %u host syncs, %u kernels", n, s->syncs,
                  s->kernels);
    }
    CHECK_OK(swirl_cuda_stage_begin(g_ctx, "test_gkr_download"));
    CHECK_OK(swirl_cuda_download(g_ctx, t_out, d_t, sizeof *t_out));
    CHECK_OK(swirl_cuda_stage_end(g_ctx));
    t_out->log = NULL;
    return st;
}

static void check_prove(unsigned n, enum gkr_shape shape) {
    size_t N = (size_t)1 << n;
    bb31x4 *p = malloc(N * sizeof *p), *q = malloc(N * sizeof *q);
    size_t *idx = malloc(N * sizeof *idx);
    CHECK(p && q && idx);
    gkr_make_leaves(p, q, idx, n, shape);
    swirl_transcript t0, tc, tg;
    gkr_start_transcript(&t0, n);
    tc = t0;
    swirl_gkr_proof pc, pg;
    bb31x4 xc[SWIRL_GKR_MAX_LAYERS], xg[SWIRL_GKR_MAX_LAYERS];
    CHECK_OK(swirl_gkr_prove(NULL, &pc, xc, &tc, p, q, n));
    CHECK_OK(device_prove(&pg, xg, &tg, &t0, p, q, n));
    CHECK(pg.n_layers == pc.n_layers && pg.n_sumcheck_entries == pc.n_sumcheck_entries);
    CHECK_MSG(bb31x4_eq(pg.q0_claim, pc.q0_claim), "2^%u leaves (shape %d): q0_claim", n,
              (int)shape);
    for (size_t j = 0; j < pc.n_layers; j++)
        CHECK_MSG(memcmp(&pg.claims_per_layer[j], &pc.claims_per_layer[j],
                         sizeof pc.claims_per_layer[j]) == 0,
                  "2^%u leaves (shape %d): layer %zu claims", n, (int)shape, j);
    for (size_t e = 0; e < pc.n_sumcheck_entries; e++)
        CHECK_MSG(memcmp(pg.sumcheck_polys[e], pc.sumcheck_polys[e], sizeof pc.sumcheck_polys[e]) ==
                      0,
                  "2^%u leaves (shape %d): sumcheck entry %zu", n, (int)shape, e);
    CHECK_MSG(memcmp(xg, xc, n * sizeof *xc) == 0, "2^%u leaves (shape %d): xi", n, (int)shape);
    CHECK_MSG(gkr_same_state(&tg, &tc), "2^%u leaves (shape %d): final transcript", n, (int)shape);
    swirl_gkr_proof_clear(&pc);
    swirl_gkr_proof_clear(&pg);
    free(p);
    free(q);
    free(idx);
}

static void test_prove_random(void) {
    for (unsigned n = 1; n <= max_log(16); n++)
        check_prove(n, GKR_RANDOM);
}

static void test_prove_shapes(void) {
    for (unsigned n = 1; n <= max_log(16); n++) {
        check_prove(n, GKR_INTERACTIONS);
        if (n % 3 == 0) {
            check_prove(n, GKR_ZERO_P);
            check_prove(n, GKR_PERIODIC);
        }
    }
    if (!swirl_test_sanitized())
        check_prove(18, GKR_INTERACTIONS); /* several multi-block sub-rounds per layer */
}

/* swirl_gkr_prove through the CUDA slots: the CPU proof */
static void test_prove_through_slots(void) {
    for (unsigned n = 1; n <= max_log(12); n += 3) {
        size_t N = (size_t)1 << n;
        bb31x4 *p = malloc(N * sizeof *p), *q = malloc(N * sizeof *q);
        size_t *idx = malloc(N * sizeof *idx);
        CHECK(p && q && idx);
        gkr_make_leaves(p, q, idx, n, GKR_INTERACTIONS);
        swirl_transcript tc, tg;
        gkr_start_transcript(&tc, n);
        tg = tc;
        swirl_gkr_proof pc, pg;
        bb31x4 xc[SWIRL_GKR_MAX_LAYERS], xg[SWIRL_GKR_MAX_LAYERS];
        CHECK_OK(swirl_gkr_prove(NULL, &pc, xc, &tc, p, q, n));
        swirl_cuda_arena_reset(g_ctx);
        CHECK_OK(swirl_gkr_prove(&g_ops, &pg, xg, &tg, p, q, n));
        CHECK(bb31x4_eq(pg.q0_claim, pc.q0_claim));
        CHECK(memcmp(pg.claims_per_layer, pc.claims_per_layer,
                     n * sizeof *pc.claims_per_layer) == 0);
        CHECK(memcmp(pg.sumcheck_polys, pc.sumcheck_polys,
                     pc.n_sumcheck_entries * sizeof *pc.sumcheck_polys) == 0);
        CHECK(memcmp(xg, xc, n * sizeof *xc) == 0);
        CHECK(gkr_same_state(&tg, &tc));
        swirl_gkr_proof_clear(&pc);
        swirl_gkr_proof_clear(&pg);
        free(p);
        free(q);
        free(idx);
    }
}

static void test_prove_unbalanced(void) {
    for (unsigned n = 1; n <= max_log(14); n += 4) {
        size_t N = (size_t)1 << n;
        bb31x4 *p = malloc(N * sizeof *p), *q = malloc(N * sizeof *q);
        size_t *idx = malloc(N * sizeof *idx);
        CHECK(p && q && idx);
        gkr_make_leaves(p, q, idx, n, GKR_RANDOM);
        p[swirl_test_rand_below(N)] = gkr_rnd();
        swirl_transcript t0, tg;
        gkr_start_transcript(&t0, n);
        swirl_gkr_proof pg;
        bb31x4 xg[SWIRL_GKR_MAX_LAYERS];
        CHECK_STATUS(device_prove(&pg, xg, &tg, &t0, p, q, n), SWIRL_E_UNSATISFIED);
        CHECK(pg.claims_per_layer == NULL && pg.sumcheck_polys == NULL);
        free(p);
        free(q);
        free(idx);
    }
}

/* the enqueue form inside the caller's stage: uploads, GKR, downloads, one sync in all */
static void test_enqueue_in_stage(void) {
    unsigned n = max_log(14);
    size_t N = (size_t)1 << n, len = swirl_gkr_proof_len(n);
    bb31x4 *p = malloc(N * sizeof *p), *q = malloc(N * sizeof *q), *buf = malloc(len * sizeof *buf);
    size_t *idx = malloc(N * sizeof *idx);
    CHECK(p && q && idx && buf);
    gkr_make_leaves(p, q, idx, n, GKR_INTERACTIONS);
    swirl_transcript t0, tc, tg;
    gkr_start_transcript(&t0, n);
    tc = t0;
    swirl_gkr_proof pc, pg;
    bb31x4 xc[SWIRL_GKR_MAX_LAYERS], xg[SWIRL_GKR_MAX_LAYERS];
    CHECK_OK(swirl_gkr_prove(NULL, &pc, xc, &tc, p, q, n));
    swirl_cuda_arena_reset(g_ctx);
    swirl_transcript *d_t = dev_alloc(sizeof *d_t);
    bb31x4 *d_p = dev_alloc(N * sizeof *d_p), *d_q = dev_alloc(N * sizeof *d_q);
    bb31x4 *d_proof = dev_alloc(len * sizeof *d_proof);
    size_t before = swirl_cuda_arena_used(g_ctx);
    swirl_cuda_stage_trace_clear(g_ctx);
    CHECK_OK(swirl_cuda_stage_begin(g_ctx, "test_gkr_enqueue"));
    CHECK_OK(swirl_cuda_upload(g_ctx, d_t, &t0, sizeof t0));
    CHECK_OK(swirl_cuda_upload(g_ctx, d_p, p, N * sizeof *p));
    CHECK_OK(swirl_cuda_upload(g_ctx, d_q, q, N * sizeof *q));
    CHECK_OK(swirl_cuda_gkr_prove_enqueue(g_ctx, d_proof, d_t, d_p, d_q, n));
    CHECK_OK(swirl_cuda_download(g_ctx, buf, d_proof, len * sizeof *buf));
    CHECK_OK(swirl_cuda_download(g_ctx, &tg, d_t, sizeof tg));
    CHECK_OK(swirl_cuda_stage_end(g_ctx));
    CHECK(last_stage()->syncs == 1);
    CHECK(swirl_cuda_arena_used(g_ctx) - before <= swirl_cuda_gkr_scratch_bytes(n));
    tg.log = NULL;
    CHECK_OK(swirl_gkr_proof_from_device_buffer(&pg, xg, buf, n));
    CHECK(bb31x4_eq(pg.q0_claim, pc.q0_claim));
    CHECK(memcmp(pg.claims_per_layer, pc.claims_per_layer, n * sizeof *pc.claims_per_layer) == 0);
    CHECK(memcmp(pg.sumcheck_polys, pc.sumcheck_polys,
                 pc.n_sumcheck_entries * sizeof *pc.sumcheck_polys) == 0);
    CHECK(memcmp(xg, xc, n * sizeof *xc) == 0);
    CHECK(gkr_same_state(&tg, &tc));
    /* the synchronous form refuses to run inside an open stage */
    CHECK_OK(swirl_cuda_stage_begin(g_ctx, "test_gkr_nested"));
    CHECK_STATUS(swirl_cuda_gkr_prove(g_ctx, buf, d_t, d_p, d_q, n), SWIRL_E_INTERNAL);
    CHECK_OK(swirl_cuda_stage_end(g_ctx));
    CHECK_STATUS(swirl_cuda_gkr_prove_enqueue(g_ctx, d_proof, d_t, d_p, d_q, 0),
                 SWIRL_E_INVALID_ARG);
    swirl_gkr_proof_clear(&pc);
    swirl_gkr_proof_clear(&pg);
    free(p);
    free(q);
    free(idx);
    free(buf);
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_tree_slot),
    SWIRL_TEST(test_layer_slot),
    SWIRL_TEST(test_fold_slot),
    SWIRL_TEST(test_prove_random),
    SWIRL_TEST(test_prove_shapes),
    SWIRL_TEST(test_prove_through_slots),
    SWIRL_TEST(test_prove_unbalanced),
    SWIRL_TEST(test_enqueue_in_stage),
};

int main(int argc, char **argv) {
    if (swirl_test_no_cuda())
        return 77;
    if (swirl_cuda_ctx_create(&g_ctx, 0, (size_t)512 << 20) != SWIRL_OK) {
        printf("cannot create a CUDA context: %s\n", swirl_last_error());
        return 1;
    }
    g_ops = *swirl_backend_cpu_ops();
    g_ops.ctx = g_ctx;
    g_ops.gkr_tree = swirl_cuda_slot_gkr_tree;
    g_ops.gkr_layer = swirl_cuda_slot_gkr_layer;
    g_ops.sumcheck_fold = swirl_cuda_slot_sumcheck_fold;
    int rc = swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
    swirl_cuda_ctx_destroy(g_ctx);
    return rc;
}
