/* WHIR on the GPU (prover/cuda_whir.h) against swirl_whir_prove on the same inputs: the shapes of
 * test_whir_twin (tests/whir_fixture.h) and a large one (2^17 rows, three rounds, PoW), from host
 * PCS data (the matrices uploaded in the stage, the first round opened on the host) and from GPU
 * PCS data (swirl_cuda_commit_pcs: read and opened where it lies, no pcs_download fallback):
 * every proof value (and the encoded proof bytes), the final transcript state, exactly one stage
 * "prover.openings.whir" with one host sync, the scratch rewound, an arena of exactly
 * swirl_cuda_whir_bytes, a transcript log seeing the CPU's values, and the error paths (bad
 * arguments, inside a stage, a short arena, injected launch and allocation faults). Skips (exit 77)
 * without a CUDA device. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prover/cuda_pcs.h"
#include "prover/cuda_whir.h"
#include "protocol/codec_pcs.h"
#include "fixtures.h"
#include "whir_fixture.h"

static swirl_cuda_ctx *g_ctx;

/* the stage trace since the last clear: one WHIR stage with one sync, no fallback download */
static void check_trace(swirl_cuda_ctx *ctx) {
    size_t n = 0, found = 0;
    const swirl_stage_trace *tr = swirl_cuda_stage_trace(ctx, &n);
    for (size_t i = 0; i < n; i++) {
        CHECK_MSG(strcmp(tr[i].name, "cpu_fallback:pcs_download") != 0, "a fallback download");
        if (strcmp(tr[i].name, "prover.openings.whir") == 0) {
            found++;
            CHECK_MSG(tr[i].syncs == 1, "whir made %u host syncs", tr[i].syncs);
        }
    }
    CHECK_MSG(found == 1, "%zu WHIR stages", found);
    /* its sub-stages: timed by events inside it (0 syncs), their kernels part of its own */
    static const char *const subs[] = {
        "prover.openings.whir.batch", "prover.openings.whir.whir_sumcheck",
        "prover.openings.whir.whir_dft_merkle", "prover.openings.whir.queries"};
    unsigned kernels = 0, stage_kernels = 0;
    float ms = 0, stage_ms = 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(tr[i].name, "prover.openings.whir") == 0) {
            stage_kernels = tr[i].kernels;
            stage_ms = tr[i].gpu_ms;
        }
    for (size_t s = 0; s < 4; s++) {
        size_t hits = 0;
        for (size_t i = 0; i < n; i++)
            if (strcmp(tr[i].name, subs[s]) == 0) {
                hits++;
                CHECK_MSG(tr[i].syncs == 0, "%s: %u syncs", subs[s], tr[i].syncs);
                kernels += tr[i].kernels;
                ms += tr[i].gpu_ms;
            }
        CHECK_MSG(hits == 1, "sub-stage %s: %zu records", subs[s], hits);
    }
    CHECK_MSG(kernels > 0 && kernels <= stage_kernels && ms <= stage_ms + 0.01f,
              "WHIR sub-stages: %u kernels, %.3f ms; the stage %u, %.3f ms", kernels, (double)ms,
              stage_kernels, (double)stage_ms);
}

/* the GPU stage on `commits` (on ctx) against the CPU prover on f's host data */
static void run_vs_cpu(swirl_cuda_ctx *ctx, const whir_fixture *f,
                       const swirl_stacked_pcs_data *const *commits, const char *what) {
    swirl_transcript tc, tg;
    wf_transcript(&tc);
    tg = tc;
    swirl_whir_proof ref, got;
    CHECK_OK(swirl_whir_prove(NULL, &ref, &tc, &f->p, wf_commits(f), f->n_commits, f->u));
    swirl_cuda_stage_trace_clear(ctx);
    size_t used = swirl_cuda_arena_used(ctx);
    CHECK(swirl_cuda_whir_bytes(ctx, &f->p, commits, f->n_commits) > 0);
    CHECK_OK(swirl_cuda_whir(ctx, &got, &tg, &f->p, commits, f->n_commits, f->u));
    CHECK_MSG(swirl_cuda_arena_used(ctx) == used, "%s: scratch not rewound", what);
    check_trace(ctx);
    wf_same_proof(&ref, &got, what);
    wf_same_openings(&ref, &got, &f->p, what);
    CHECK_MSG(memcmp(&tc, &tg, sizeof tc) == 0, "%s: final transcripts differ", what);
    /* the encoded proofs */
    swirl_bytes ba, bb;
    memset(&ba, 0, sizeof ba);
    memset(&bb, 0, sizeof bb);
    swirl_whir_proof_encode(&ba, &ref, &f->p);
    swirl_whir_proof_encode(&bb, &got, &f->p);
    CHECK(!ba.oom && !bb.oom);
    CHECK_MSG(ba.len == bb.len && memcmp(ba.p, bb.p, ba.len) == 0, "%s: encoded proofs differ",
              what);
    swirl_bytes_free(&ba);
    swirl_bytes_free(&bb);
    swirl_whir_proof_clear(&ref);
    swirl_whir_proof_clear(&got);
}

/* f's commits committed on the GPU (roots equal to the CPU's) */
static void commit_device(swirl_cuda_ctx *ctx, const whir_fixture *f,
                          swirl_stacked_pcs_data **pcs) {
    for (size_t c = 0; c < f->n_commits; c++) {
        swirl_digest root, cpu = swirl_stacked_pcs_root(f->d[c]);
        CHECK_OK(swirl_cuda_commit_pcs(ctx, &pcs[c], &root, f->traces[c], f->n_traces[c],
                                       (unsigned)f->p.l_skip, (unsigned)f->p.n_stack,
                                       (unsigned)f->p.log_blowup, (unsigned)f->p.whir.k));
        CHECK(memcmp(&root, &cpu, sizeof root) == 0);
        CHECK(swirl_cuda_pcs_on_device(pcs[c], ctx));
    }
}

static void check_fixture(const whir_fixture *f, const char *name) {
    char what[96];
    snprintf(what, sizeof what, "%s (host PCS data)", name);
    run_vs_cpu(g_ctx, f, wf_commits(f), what);
    swirl_stacked_pcs_data *pcs[WF_MAX_COMMITS] = {NULL};
    swirl_cuda_arena_reset(g_ctx);
    commit_device(g_ctx, f, pcs);
    snprintf(what, sizeof what, "%s (GPU PCS data)", name);
    run_vs_cpu(g_ctx, f, (const swirl_stacked_pcs_data *const *)pcs, what);
    /* one commit on the device, the others from the host */
    if (f->n_commits > 1) {
        const swirl_stacked_pcs_data *mix[WF_MAX_COMMITS];
        for (size_t c = 0; c < f->n_commits; c++)
            mix[c] = c == 0 ? pcs[c] : f->d[c];
        snprintf(what, sizeof what, "%s (mixed PCS data)", name);
        run_vs_cpu(g_ctx, f, mix, what);
    }
    for (size_t c = 0; c < f->n_commits; c++)
        swirl_stacked_pcs_data_destroy(pcs[c]);
    swirl_cuda_arena_reset(g_ctx);
}

/* a context whose arena is exactly swirl_cuda_whir_bytes: the stage fits; a smaller one fails
 * with SWIRL_E_NOMEM before any stage is recorded */
static void check_exact_arena(const whir_fixture *f) {
    size_t bytes = swirl_cuda_whir_bytes(NULL, &f->p, wf_commits(f), f->n_commits);
    CHECK(bytes > 0);
    swirl_cuda_ctx *ctx = NULL;
    CHECK_OK(swirl_cuda_ctx_create(&ctx, 0, bytes));
    CHECK(swirl_cuda_arena_free(ctx) == bytes);
    run_vs_cpu(ctx, f, wf_commits(f), "exact arena");
    swirl_cuda_ctx_destroy(ctx);
    CHECK_OK(swirl_cuda_ctx_create(&ctx, 0, bytes - 256));
    swirl_transcript t;
    wf_transcript(&t);
    swirl_whir_proof p;
    swirl_cuda_stage_trace_clear(ctx);
    CHECK_STATUS(swirl_cuda_whir(ctx, &p, &t, &f->p, wf_commits(f), f->n_commits, f->u),
                 SWIRL_E_NOMEM);
    CHECK(p.sumcheck_polys == NULL && p.initial_rows == NULL);
    CHECK(swirl_cuda_arena_used(ctx) == 0);
    swirl_cuda_ctx_destroy(ctx);
}

static void test_shapes(void) {
    for (int s = 0; s < WF_SHAPES; s++) {
        whir_fixture f;
        wf_shape(&f, s);
        char name[32];
        snprintf(name, sizeof name, "shape %d", s);
        check_fixture(&f, name);
        if (s == 1)
            check_exact_arena(&f);
        wf_free(&f);
    }
}

/* 2^17 rows (2^15 under a sanitizer), k 4, three rounds, PoW bits 8: many blocks per sumcheck,
 * real NTTs and trees, the grinder's chunks */
static void test_large(void) {
    unsigned n_stack = swirl_test_sanitized() ? 11 : 13;
    swirl_system_params p = swirl_fixture_params(4, n_stack, 4, 4 + n_stack - 12, 8, 40);
    unsigned logs[] = {4 + n_stack, 12, 9, 3, 4 + n_stack - 1};
    static const size_t widths[] = {3, 5, 4, 2, 2}, per[] = {4, 1};
    whir_fixture f;
    wf_init(&f, &p, logs, widths, per, 2);
    check_fixture(&f, "large");
    check_exact_arena(&f);
    wf_free(&f);
}

/* a transcript log sees the values the CPU's log sees */
static void test_log(void) {
    whir_fixture f;
    wf_shape(&f, 1);
    swirl_transcript tc, tg;
    swirl_transcript_log lc, lg;
    swirl_transcript_log_init(&lc);
    swirl_transcript_log_init(&lg);
    wf_transcript(&tc);
    tg = tc;
    swirl_transcript_set_log(&tc, &lc);
    swirl_transcript_set_log(&tg, &lg);
    swirl_whir_proof ref, got;
    CHECK_OK(swirl_whir_prove(NULL, &ref, &tc, &f.p, wf_commits(&f), f.n_commits, f.u));
    CHECK_OK(swirl_cuda_whir(g_ctx, &got, &tg, &f.p, wf_commits(&f), f.n_commits, f.u));
    wf_same_proof(&ref, &got, "log");
    wf_same_openings(&ref, &got, &f.p, "log");
    CHECK(lc.n_values == lg.n_values && lc.n_perms == lg.n_perms);
    CHECK(memcmp(lc.values, lg.values, lc.n_values * sizeof *lc.values) == 0);
    CHECK(memcmp(tc.state, tg.state, sizeof tc.state) == 0);
    swirl_whir_proof_clear(&ref);
    swirl_whir_proof_clear(&got);
    swirl_transcript_log_clear(&lc);
    swirl_transcript_log_clear(&lg);
    wf_free(&f);
}

static void test_errors(void) {
    whir_fixture f;
    wf_shape(&f, 0);
    swirl_transcript t;
    wf_transcript(&t);
    swirl_whir_proof p;
    size_t used = swirl_cuda_arena_used(g_ctx);
    CHECK_STATUS(swirl_cuda_whir(NULL, &p, &t, &f.p, wf_commits(&f), 1, f.u), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_cuda_whir(g_ctx, &p, &t, &f.p, wf_commits(&f), 0, f.u),
                 SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_cuda_whir(g_ctx, &p, &t, &f.p, wf_commits(&f), 1, NULL),
                 SWIRL_E_INVALID_ARG);
    swirl_system_params bad = f.p;
    bad.n_stack += 1; /* the commits are one bit shorter */
    CHECK_STATUS(swirl_cuda_whir(g_ctx, &p, &t, &bad, wf_commits(&f), 1, f.u),
                 SWIRL_E_INVALID_ARG);
    CHECK(swirl_cuda_whir_bytes(g_ctx, &bad, wf_commits(&f), 1) == 0);
    const swirl_stacked_pcs_data *none[1] = {NULL};
    CHECK_STATUS(swirl_cuda_whir(g_ctx, &p, &t, &f.p, none, 1, f.u), SWIRL_E_INVALID_ARG);
    CHECK_OK(swirl_cuda_stage_begin(g_ctx, "outer"));
    CHECK_STATUS(swirl_cuda_whir(g_ctx, &p, &t, &f.p, wf_commits(&f), 1, f.u), SWIRL_E_INTERNAL);
    swirl_cuda_stage_abort(g_ctx);
    /* injected faults: an error status, the proof empty, the scratch rewound, the context
     * usable afterwards */
    for (unsigned long long n = 1; n <= 40; n += 13) {
        swirl_cuda_fault_launch_at(n);
        CHECK_STATUS(swirl_cuda_whir(g_ctx, &p, &t, &f.p, wf_commits(&f), 1, f.u), SWIRL_E_CUDA);
        CHECK(p.sumcheck_polys == NULL);
        CHECK(swirl_cuda_arena_used(g_ctx) == used);
        swirl_cuda_fault_launch_at(0);
        swirl_cuda_fault_alloc_at(n % 7 + 1);
        CHECK_STATUS(swirl_cuda_whir(g_ctx, &p, &t, &f.p, wf_commits(&f), 1, f.u), SWIRL_E_NOMEM);
        CHECK(swirl_cuda_arena_used(g_ctx) == used);
        swirl_cuda_fault_alloc_at(0);
    }
    CHECK(!swirl_cuda_ctx_poisoned(g_ctx));
    run_vs_cpu(g_ctx, &f, wf_commits(&f), "after the faults");
    wf_free(&f);
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
