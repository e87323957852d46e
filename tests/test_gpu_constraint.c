/* The GPU constraint evaluation (device/cuda/zc_constraint.cu) against the CPU slots
 * (device/cpu/constraint.c): the zerocheck prover runs with slots that call both on the inputs
 * zerocheck.c builds (tests/zc_cases.h) and require equal round-0 sums and round values, for fib,
 * the DummyInteraction sender/receiver, SelfInteraction, preprocessed + cached partitions and
 * KeccakAir (a real trace and random rows); once with the scratch the slots plan and once with a
 * scratch of one block, so that every thread strides over several hypercube points. Each slot
 * call is one stage with exactly one host sync. A wrong trace value changes round 0's sums.
 * Skips (exit 77) without a CUDA device. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "air/program.h"
#include "device/cuda/cuda_backend.h"
#include "device/cuda/cuda_zc.h"
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

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_fib),           SWIRL_TEST(test_dummy_interaction),
    SWIRL_TEST(test_self_interaction), SWIRL_TEST(test_preprocessed_cached),
    SWIRL_TEST(test_keccak_real),   SWIRL_TEST(test_keccak_random),
    SWIRL_TEST(test_bad_args),
};

int main(int argc, char **argv) {
    if (swirl_cuda_device_count() == 0) {
        printf("no CUDA device: skipped\n");
        return 77;
    }
    if (swirl_cuda_ctx_create(&g_ctx, 0, (size_t)64 << 20) != SWIRL_OK) {
        fprintf(stderr, "CUDA context: %s\n", swirl_last_error());
        return 1;
    }
    int rc = swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
    swirl_cuda_ctx_destroy(g_ctx);
    return rc;
}
