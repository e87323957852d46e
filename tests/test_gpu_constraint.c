/* The GPU constraint evaluation (device/cuda/zc_constraint.cu) against the CPU slots
 * (device/cpu/constraint.c): the zerocheck prover runs with slots that call both on the inputs
 * zerocheck.c builds (tests/zc_cases.h) and require equal round-0 sums and round values, for fib,
 * the DummyInteraction sender/receiver, SelfInteraction, preprocessed + cached partitions and
 * KeccakAir (a real trace and random rows); once with the scratch the slots plan and once with a
 * scratch of one block, so that every thread strides over several hypercube points. Each slot
 * call is one stage with exactly one host sync. A wrong trace value changes round 0's sums.
 * The context's program cache (content keys, hits without device allocation, bound scratch).
 * Skips (exit 77) without a CUDA device. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "air/program.h"
#include "device/cuda/cuda_backend.h"
#include "device/cuda/cuda_zc.h"
#include "fixtures.h"
#include "harness.h"
#include "zc_cases.h"

static swirl_cuda_ctx *g_ctx;
static int g_small; /* scratch of one block (strided threads) */

static void check_last_stage(const char *name) {
    size_t n = 0;
    const swirl_stage_trace *tr = swirl_cuda_stage_trace(g_ctx, &n);
    CHECK(n > 0);
    CHECK_MSG(strcmp(tr[n - 1].name, name) == 0, "last stage %s, expected %s", tr[n - 1].name,
              name);
    CHECK_MSG(tr[n - 1].syncs == 1, "stage %s made %u host syncs", tr[n - 1].name,
              tr[n - 1].syncs);
    if (n > 200)
        swirl_cuda_stage_trace_clear(g_ctx);
}

static size_t small_scratch(const swirl_zc_trace *tt) {
    return g_small ? (size_t)tt->air->program->const_base * 16 * 128 : 0;
}

static enum swirl_status gpu_r0(const swirl_backend_ops *ops, bb31x4 *S, const swirl_zc_trace *tt,
                                const swirl_zc_round0_in *in) {
    enum swirl_status st = g_small ? swirl_cuda_zc_round0_host((swirl_cuda_ctx *)ops->ctx,
                                                               small_scratch(tt), S, tt, in)
                                   : swirl_cuda_slot_constraint_round0(ops, S, tt, in);
    if (st == SWIRL_OK && in->np > 0)
        check_last_stage("zerocheck.constraint_round0");
    return st;
}

static enum swirl_status gpu_round(const swirl_backend_ops *ops, bb31x4 *out,
                                   const swirl_zc_trace *tt, const bb31x4 *eq_y, size_t ny,
                                   unsigned G, const bb31x4 *lp, const bb31x4 *bp) {
    enum swirl_status st =
        g_small ? swirl_cuda_zc_round_host((swirl_cuda_ctx *)ops->ctx, small_scratch(tt), out, tt,
                                           eq_y, ny, G, lp, bp)
                : swirl_cuda_slot_constraint_round(ops, out, tt, eq_y, ny, G, lp, bp);
    if (st == SWIRL_OK)
        check_last_stage("zerocheck.constraint_round");
    return st;
}

static void run(zc_case *c) {
    for (g_small = 0; g_small < 2; g_small++) {
        zcc_run(c, gpu_r0, gpu_round, g_ctx, g_small == 0);
        printf("  %s: %zu round-0 and %zu round calls equal%s\n", c->name, zcc.n_r0, zcc.n_round,
               g_small ? " (one-block scratch)" : "");
    }
    CHECK(!swirl_cuda_ctx_poisoned(g_ctx));
    zcc_clear(c);
}

static void test_fib(void) {
    zc_case c;
    zcc_fib(&c, 256, 2);
    run(&c);
    zcc_fib(&c, 1024, 4);
    run(&c);
    zcc_fib(&c, 2, 3);
    run(&c);
}

static void test_dummy_interaction(void) {
    zc_case c;
    zcc_bus(&c, 2);
    run(&c);
    zcc_bus(&c, 3);
    run(&c);
}

static void test_self_interaction(void) {
    zc_case c;
    zcc_self(&c, 4, 9, 2);
    run(&c);
}

static void test_preprocessed_cached(void) {
    zc_case c;
    zcc_parts(&c, 2);
    run(&c);
}

static void test_keccak_real(void) {
    zc_case c;
    zcc_keccak(&c, 8, 0); /* 192 rows padded to 256 */
    run(&c);
}

static void test_keccak_random(void) {
    zc_case c;
    zcc_keccak(&c, 0, 9);
    run(&c);
}

/* the device-resident entry points refuse a program of another AIR's view layout and a NULL
 * input, with a message */
static void test_bad_args(void) {
    zc_case c;
    zcc_fib(&c, 16, 2);
    swirl_cuda_program *prog = NULL;
    CHECK_OK(swirl_cuda_program_create(g_ctx, &prog, c.air[0], 1 << 20));
    CHECK(swirl_cuda_program_slots(prog) == c.air[0]->program->const_base);
    CHECK(swirl_cuda_program_max_threads(prog, 0) >= 128);
    swirl_cuda_zc_round0_in in;
    memset(&in, 0, sizeof in);
    bb31x4 *d_S = NULL;
    CHECK_OK(swirl_cuda_alloc(g_ctx, (void **)&d_S, 64 * sizeof *d_S));
    CHECK_STATUS(swirl_cuda_zc_round0(g_ctx, prog, d_S, &in), SWIRL_E_INVALID_ARG);
    swirl_cuda_zc_round_in rin;
    memset(&rin, 0, sizeof rin);
    CHECK_STATUS(swirl_cuda_zc_round(g_ctx, prog, d_S, &rin), SWIRL_E_INVALID_ARG);
    swirl_cuda_program_destroy(prog);
    swirl_cuda_arena_reset(g_ctx);
    zcc_clear(&c);
}

/* arena slices for a program of air's slots with a launch scratch of `req` bytes */
static void cache_scratch(swirl_cuda_zc_scratch *m, const swirl_air *air, size_t req) {
    size_t v = 0, pb = 0;
    CHECK_OK(swirl_cuda_zc_scratch_need(&v, &pb, air->program->const_base, req));
    CHECK(v > 0 && pb > 0);
    memset(m, 0, sizeof *m);
    CHECK_OK(swirl_cuda_alloc(g_ctx, &m->d_values, v));
    CHECK_OK(swirl_cuda_alloc(g_ctx, (void **)&m->d_partial, pb));
    m->values_bytes = v;
    m->partial_bytes = pb;
}

/* the context's program cache (swirl_cuda_program_cached): keyed by the program's content (an AIR
 * made again, at whatever address, hits; another AIR misses), a hit makes no device allocation,
 * a bound program refuses a scratch smaller than its plan, a tables-only program refuses to
 * launch, and the bound program's flat form is the cached one's */
static void test_program_cache(void) {
    const size_t req = (size_t)1 << 20;
    swirl_cuda_zc_cache_stats s0, s1;
    swirl_cuda_zc_cache_stats_get(g_ctx, &s0);
    zc_case c;
    zcc_fib(&c, 16, 2);
    swirl_cuda_zc_scratch m;
    cache_scratch(&m, c.air[0], req);
    swirl_cuda_program *a = NULL, *b = NULL;
    CHECK_OK(swirl_cuda_program_cached(g_ctx, &a, c.air[0], req, &m));
    swirl_cuda_zc_cache_stats_get(g_ctx, &s1);
    /* a miss unless an earlier test left fib's tables (none uses the cache) */
    CHECK(s1.misses == s0.misses + 1 && s1.entries == s0.entries + 1 && s1.device_bytes > 0);
    unsigned long long allocs = swirl_cuda_dev_allocs(g_ctx);
    size_t held = swirl_cuda_dev_held(g_ctx);
    CHECK_OK(swirl_cuda_program_cached(g_ctx, &b, c.air[0], req, &m));
    swirl_cuda_zc_cache_stats_get(g_ctx, &s0);
    CHECK(s0.hits == s1.hits + 1 && s0.misses == s1.misses && s0.entries == s1.entries);
    CHECK_MSG(swirl_cuda_dev_allocs(g_ctx) == allocs && swirl_cuda_dev_held(g_ctx) == held,
              "a cache hit allocated device memory");
    swirl_zc_dprog da = swirl_cuda_program_dprog(a), db = swirl_cuda_program_dprog(b);
    CHECK(da.instrs == db.instrs && da.n_instrs == db.n_instrs && da.n_slots == db.n_slots);
    CHECK(swirl_cuda_program_max_threads(a, 0) >= 128 &&
          swirl_cuda_program_max_threads(a, 1) >= 128);
    swirl_cuda_program_destroy(a);
    swirl_cuda_program_destroy(b);
    /* the same AIR built again (a new object, maybe at another address): a hit */
    zcc_clear(&c);
    zcc_fib(&c, 16, 2);
    CHECK_OK(swirl_cuda_program_cached(g_ctx, &a, c.air[0], req, &m));
    swirl_cuda_zc_cache_stats_get(g_ctx, &s1);
    CHECK(s1.hits == s0.hits + 1 && s1.misses == s0.misses);
    swirl_cuda_program_destroy(a);
    /* a scratch smaller than the plan: refused, nothing handed out, the cache unchanged */
    swirl_cuda_zc_scratch small = m;
    small.values_bytes = m.values_bytes - 1;
    a = NULL;
    CHECK_STATUS(swirl_cuda_program_cached(g_ctx, &a, c.air[0], req, &small), SWIRL_E_INVALID_ARG);
    CHECK(a == NULL);
    swirl_cuda_zc_cache_stats_get(g_ctx, &s0);
    CHECK(s0.entries == s1.entries);
    zcc_clear(&c);
    /* another AIR: a miss */
    zcc_bus(&c, 2);
    swirl_cuda_zc_scratch mb;
    cache_scratch(&mb, c.air[0], req);
    CHECK_OK(swirl_cuda_program_cached(g_ctx, &a, c.air[0], req, &mb));
    swirl_cuda_zc_cache_stats_get(g_ctx, &s1);
    CHECK(s1.misses == s0.misses + 1 && s1.entries == s0.entries + 1);
    swirl_cuda_program_destroy(a);
    /* tables only: no scratch, the launches refuse it */
    swirl_cuda_program *t = NULL;
    CHECK_OK(swirl_cuda_program_create_tables(g_ctx, &t, c.air[0]));
    bb31x4 *d_S = NULL;
    CHECK_OK(swirl_cuda_alloc(g_ctx, (void **)&d_S, 64 * sizeof *d_S));
    swirl_cuda_zc_round0_in in;
    memset(&in, 0, sizeof in);
    CHECK_STATUS(swirl_cuda_zc_round0(g_ctx, t, d_S, &in), SWIRL_E_INVALID_ARG);
    /* bound to a scratch, it is borrowed until the bound object goes */
    CHECK_OK(swirl_cuda_program_bind(&a, t, 0, req, &mb));
    CHECK(swirl_cuda_program_borrows(t) == 1);
    swirl_cuda_program_destroy(a);
    CHECK(swirl_cuda_program_borrows(t) == 0);
    swirl_cuda_program_destroy(t);
    CHECK(!swirl_cuda_ctx_poisoned(g_ctx));
    swirl_cuda_arena_reset(g_ctx);
    zcc_clear(&c);
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_fib),           SWIRL_TEST(test_dummy_interaction),
    SWIRL_TEST(test_self_interaction), SWIRL_TEST(test_preprocessed_cached),
    SWIRL_TEST(test_keccak_real),   SWIRL_TEST(test_keccak_random),
    SWIRL_TEST(test_bad_args),
    SWIRL_TEST(test_program_cache),
};

int main(int argc, char **argv) {
    if (swirl_test_no_cuda())
        return 77;
    if (swirl_cuda_ctx_create(&g_ctx, 0, (size_t)64 << 20) != SWIRL_OK) {
        fprintf(stderr, "CUDA context: %s\n", swirl_last_error());
        return 1;
    }
    int rc = swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
    swirl_cuda_ctx_destroy(g_ctx);
    return rc;
}
