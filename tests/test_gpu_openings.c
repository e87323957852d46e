/* The opening stages on the GPU (prover/cuda_openings.h) against their CPU stages on the same
 * inputs: the stacked opening reduction on every twin shape (tests/sr_fixture.h: heights below
 * 2^l_skip, several commits, n_stack 0) and a larger one, from host matrices (uploaded in the
 * stage) and from GPU PCS data (swirl_cuda_commit_pcs: read where it lies, no pcs_download
 * fallback): every proof value, u, the final transcript state, one stage
 * "prover.openings.stacked_reduction" with exactly one host sync; a transcript log sees the same
 * values as the CPU's. Skips (exit 77) without a CUDA device. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prover/cuda_openings.h"
#include "prover/cuda_pcs.h"
#include "fixtures.h"
#include "sr_fixture.h"

static swirl_cuda_ctx *g_ctx;

static void same_proof(const swirl_stacking_proof *a, const swirl_stacking_proof *b,
                       const char *what) {
    CHECK_MSG(a->n_univariate == b->n_univariate && a->n_rounds == b->n_rounds &&
                  a->n_commits == b->n_commits, "%s: proof shapes differ", what);
    CHECK_MSG(memcmp(a->univariate_round_coeffs, b->univariate_round_coeffs,
                     a->n_univariate * sizeof(bb31x4)) == 0, "%s: round-0 coefficients", what);
    CHECK_MSG(a->n_rounds == 0 || memcmp(a->sumcheck_round_polys, b->sumcheck_round_polys,
                                         a->n_rounds * sizeof *a->sumcheck_round_polys) == 0,
              "%s: round polynomials", what);
    size_t total = 0;
    for (size_t c = 0; c < a->n_commits; c++) {
        CHECK(a->openings_per_commit[c] == b->openings_per_commit[c]);
        total += a->openings_per_commit[c];
    }
    CHECK_MSG(memcmp(a->stacking_openings, b->stacking_openings, total * sizeof(bb31x4)) == 0,
              "%s: stacking openings", what);
}

/* the stage trace since the last clear: exactly one stacked-reduction stage with one sync, and
 * no fallback download */
static void check_trace(void) {
    size_t n = 0, found = 0;
    const swirl_stage_trace *tr = swirl_cuda_stage_trace(g_ctx, &n);
    for (size_t i = 0; i < n; i++) {
        CHECK_MSG(strcmp(tr[i].name, "cpu_fallback:pcs_download") != 0, "a fallback download");
        if (strcmp(tr[i].name, "prover.openings.stacked_reduction") == 0) {
            found++;
            CHECK_MSG(tr[i].syncs == 1, "stacked_reduction made %u host syncs", tr[i].syncs);
        }
    }
    CHECK(found == 1);
}

/* the GPU stage on views `cv` against the CPU prover on f's host matrices */
static void run_vs_cpu(const sr_fixture *f, const swirl_stacked_commit_view *cv, const char *what) {
    swirl_transcript tc, tg;
    srf_transcript(&tc);
    tg = tc;
    swirl_stacking_proof ref, got;
    bb31x4 uc[32], ug[32];
    CHECK_OK(swirl_stacked_reduction_prove(NULL, &ref, uc, &tc, f->views, f->n_commits, f->l_skip,
                                           f->n_stack, f->r));
    swirl_cuda_stage_trace_clear(g_ctx);
    size_t used = swirl_cuda_arena_used(g_ctx);
    CHECK(swirl_cuda_stacked_reduction_bytes(g_ctx, cv, f->n_commits, f->l_skip, f->n_stack) > 0);
    CHECK_OK(swirl_cuda_stacked_reduction(g_ctx, &got, ug, &tg, cv, f->n_commits, f->l_skip,
                                          f->n_stack, f->r));
    CHECK(swirl_cuda_arena_used(g_ctx) == used); /* scratch rewound */
    check_trace();
    same_proof(&ref, &got, what);
    CHECK_MSG(memcmp(uc, ug, (f->n_stack + 1) * sizeof *uc) == 0, "%s: u differs", what);
    CHECK_MSG(memcmp(&tc, &tg, sizeof tc) == 0, "%s: final transcripts differ", what);
    swirl_stacking_proof_clear(&ref);
    swirl_stacking_proof_clear(&got);
}

/* from host matrices (uploaded inside the stage) */
static void check_host(sr_fixture *f, const char *what) {
    run_vs_cpu(f, f->views, what);
}

/* from GPU PCS data: each commit committed on the device, its matrix never downloaded */
static void check_device(sr_fixture *f, const char *what) {
    swirl_stacked_pcs_data *pcs[SRF_MAX_COMMITS] = {NULL};
    swirl_stacked_commit_view cv[SRF_MAX_COMMITS];
    swirl_cuda_arena_reset(g_ctx);
    for (size_t c = 0; c < f->n_commits; c++) {
        swirl_digest root;
        CHECK_OK(swirl_cuda_commit_pcs(g_ctx, &pcs[c], &root, f->traces[c], f->n_traces[c],
                                       f->l_skip, f->n_stack, 1, 1));
        cv[c] = f->views[c];
        cv[c].layout = swirl_stacked_pcs_layout(pcs[c]);
        cv[c].matrix = NULL;
        cv[c].pcs = pcs[c];
        CHECK(cv[c].layout->width == f->layout[c].width);
    }
    run_vs_cpu(f, cv, what);
    for (size_t c = 0; c < f->n_commits; c++)
        swirl_stacked_pcs_data_destroy(pcs[c]);
    swirl_cuda_arena_reset(g_ctx);
}

static void test_shapes(void) {
    for (int s = 0; s < SRF_SHAPES + 1; s++) {
        sr_fixture f;
        srf_shape(&f, s);
        char what[64];
        snprintf(what, sizeof what, "shape %d (host matrices)", s);
        check_host(&f, what);
        snprintf(what, sizeof what, "shape %d (GPU PCS data)", s);
        check_device(&f, what);
        srf_free(&f);
    }
}

/* a larger input: many blocks per round, long class tables */
static void test_large(void) {
    static const unsigned logs[] = {16, 14, 10, 3};
    static const size_t widths[] = {3, 5, 4, 2};
    static const int rot[] = {1, 0, 1, 1};
    static const unsigned logs2[] = {15, 15};
    static const size_t widths2[] = {2, 1};
    static const int rot2[] = {1, 1};
    sr_fixture f;
    srf_init(&f, 4, swirl_test_sanitized() ? 12 : 13);
    srf_commit(&f, logs, widths, 4, rot);
    srf_commit(&f, logs2, widths2, 2, rot2);
    check_host(&f, "large (host matrices)");
    check_device(&f, "large (GPU PCS data)");
    srf_free(&f);
}

/* a transcript log sees the values the CPU's log sees */
static void test_log(void) {
    sr_fixture f;
    srf_shape(&f, 1);
    swirl_transcript tc, tg;
    swirl_transcript_log lc, lg;
    swirl_transcript_log_init(&lc);
    swirl_transcript_log_init(&lg);
    srf_transcript(&tc);
    tg = tc;
    swirl_transcript_set_log(&tc, &lc);
    swirl_transcript_set_log(&tg, &lg);
    swirl_stacking_proof ref, got;
    bb31x4 uc[32], ug[32];
    CHECK_OK(swirl_stacked_reduction_prove(NULL, &ref, uc, &tc, f.views, f.n_commits, f.l_skip,
                                           f.n_stack, f.r));
    CHECK_OK(swirl_cuda_stacked_reduction(g_ctx, &got, ug, &tg, f.views, f.n_commits, f.l_skip,
                                          f.n_stack, f.r));
    same_proof(&ref, &got, "log");
    CHECK(lc.n_values == lg.n_values && lc.n_perms == lg.n_perms);
    CHECK(memcmp(lc.values, lg.values, lc.n_values * sizeof *lc.values) == 0);
    swirl_stacking_proof_clear(&ref);
    swirl_stacking_proof_clear(&got);
    swirl_transcript_log_clear(&lc);
    swirl_transcript_log_clear(&lg);
    srf_free(&f);
}

static void test_errors(void) {
    sr_fixture f;
    srf_shape(&f, 0);
    swirl_transcript t;
    srf_transcript(&t);
    swirl_stacking_proof p;
    bb31x4 u[32];
    CHECK_STATUS(swirl_cuda_stacked_reduction(g_ctx, &p, u, &t, f.views, 0, f.l_skip, f.n_stack,
                                              f.r), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_cuda_stacked_reduction(g_ctx, &p, u, &t, f.views, 1, f.l_skip,
                                              f.n_stack + 1, f.r), SWIRL_E_INVALID_ARG);
    CHECK_OK(swirl_cuda_stage_begin(g_ctx, "outer"));
    CHECK_STATUS(swirl_cuda_stacked_reduction(g_ctx, &p, u, &t, f.views, 1, f.l_skip, f.n_stack,
                                              f.r), SWIRL_E_INTERNAL);
    swirl_cuda_stage_abort(g_ctx);
    srf_free(&f);
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_shapes),
    SWIRL_TEST(test_large),
    SWIRL_TEST(test_log),
    SWIRL_TEST(test_errors),
};

int main(int argc, char **argv) {
    if (swirl_test_no_cuda())
        return 77;
    if (swirl_cuda_ctx_create(&g_ctx, 0, (size_t)1 << 30) != SWIRL_OK) {
        printf("cannot create a CUDA context: %s\n", swirl_last_error());
        return 1;
    }
    int rc = swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
    swirl_cuda_ctx_destroy(g_ctx);
    return rc;
}
