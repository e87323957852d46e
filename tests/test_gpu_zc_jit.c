/* The JIT kernels on the GPU (device/cuda/cuda_jit.h; SWIRL_ZC_JIT=1 and SWIRL_ZC_MLE_JIT_MIN=0
 * are set here before the settings are read): KeccakAir's round 0 and every multilinear round
 * through the compiled stream must equal the CPU zerocheck's sums exactly (tests/zc_cases.h runs
 * the prover with slots calling both), with the kernels compiled once per context and launched;
 * a second context gets them from the disk cache (unless SWIRL_JIT_CACHE=0). Also prints the
 * JIT's build time. Skips (exit 77) without a CUDA device; fails when the JIT could not be had
 * (NVRTC missing counts as a failure here). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device/cuda/cuda_backend.h"
#include "device/cuda/cuda_jit.h"
#include "device/cuda/cuda_zc.h"
#include "harness.h"
#include "util/settings.h"
#include "zc_cases.h"

static swirl_cuda_ctx *g_ctx;

static void run(zc_case *c) {
    swirl_cuda_zc_jit_stats s0, s1;
    swirl_cuda_zc_jit_stats_get(g_ctx, &s0);
    zcc_run(c, swirl_cuda_slot_constraint_round0, swirl_cuda_slot_constraint_round, g_ctx, 1);
    swirl_cuda_zc_jit_stats_get(g_ctx, &s1);
    printf("  %s: %zu round-0 and %zu multilinear-round calls equal the CPU's; JIT kernels %u "
           "(%u compiled, %u failed), %llu launches (%llu multilinear), %.0f ms building\n",
           c->name, zcc.n_r0, zcc.n_round, s1.kernels, s1.compiled, s1.failures, s1.launches,
           s1.mle_launches, s1.build_ms);
    CHECK_MSG(s1.failures == 0, "the JIT failed (see the log): %s", swirl_last_error());
    CHECK_MSG(s1.launches - s1.mle_launches > s0.launches - s0.mle_launches,
              "round 0 did not launch the JIT kernel");
    CHECK_MSG(s1.mle_launches > s0.mle_launches,
              "the multilinear rounds did not launch the JIT kernel");
    /* one stream: its two kernels compiled (or read) once, then the context's */
    CHECK(s1.kernels == 2);
    CHECK(!swirl_cuda_ctx_poisoned(g_ctx));
    zcc_clear(c);
}

static void test_keccak_random(void) {
    zc_case c;
    zcc_keccak(&c, 0, 9);
    run(&c);
}

static void test_keccak_real(void) {
    zc_case c;
    zcc_keccak(&c, 8, 0);
    run(&c);
}

/* programs too short for the stream (fib, interactions, preprocessed and cached partitions) run
 * as before: no JIT kernel for them */
static void test_short_programs(void) {
    zc_case cs[4];
    zcc_fib(&cs[0], 256, 2);
    zcc_bus(&cs[1], 2);
    zcc_self(&cs[2], 4, 9, 2);
    zcc_parts(&cs[3], 2);
    for (int i = 0; i < 4; i++) {
        swirl_cuda_zc_jit_stats s0, s1;
        swirl_cuda_zc_jit_stats_get(g_ctx, &s0);
        zcc_run(&cs[i], swirl_cuda_slot_constraint_round0,
                swirl_cuda_slot_constraint_round, g_ctx, 1);
        swirl_cuda_zc_jit_stats_get(g_ctx, &s1);
        printf("  %s: %zu round-0 calls equal\n", cs[i].name, zcc.n_r0);
        CHECK(s1.launches == s0.launches && s1.failures == s0.failures);
        zcc_clear(&cs[i]);
    }
}

/* a new context: the kernel again, from the disk cache when it is on */
static void test_second_context(void) {
    swirl_cuda_ctx *first = g_ctx;
    CHECK_OK(swirl_cuda_ctx_create(&g_ctx, 0, (size_t)64 << 20));
    zc_case c;
    zcc_keccak(&c, 0, 7);
    run(&c);
    swirl_cuda_zc_jit_stats s;
    swirl_cuda_zc_jit_stats_get(g_ctx, &s);
    if (swirl_settings_get()->jit_cache)
        CHECK_MSG(s.compiled == 0, "the second context compiled again (disk cache missed)");
    swirl_cuda_ctx_destroy(g_ctx);
    g_ctx = first;
}

/* a JIT launch refused at launch time (as cudaErrorLaunchOutOfResources would be): the program
 * runs the interpreter instead, the sums still equal the CPU's and the context stays sound */
static void test_refused_launch(void) {
    swirl_cuda_ctx *first = g_ctx;
    CHECK_OK(swirl_cuda_ctx_create(&g_ctx, 0, (size_t)64 << 20));
    zc_case c;
    zcc_keccak(&c, 0, 5);
    swirl_cuda_fault_jit_launch_at(1);
    zcc_run(&c, swirl_cuda_slot_constraint_round0, swirl_cuda_slot_constraint_round, g_ctx, 1);
    swirl_cuda_zc_jit_stats s;
    swirl_cuda_zc_jit_stats_get(g_ctx, &s);
    printf("  refused launch: %zu round-0 calls equal the CPU's; %u refused, %llu launches\n",
           zcc.n_r0, s.failures, s.launches);
    CHECK(s.failures == 1 && s.kernels == 2);
    CHECK(!swirl_cuda_ctx_poisoned(g_ctx));
    zcc_clear(&c);
    swirl_cuda_fault_jit_launch_at(0);
    swirl_cuda_ctx_destroy(g_ctx);
    g_ctx = first;
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_refused_launch),
    SWIRL_TEST(test_keccak_random),
    SWIRL_TEST(test_keccak_real),
    SWIRL_TEST(test_second_context),
    SWIRL_TEST(test_short_programs),
};

int main(int argc, char **argv) {
    setenv("SWIRL_ZC_JIT", "1", 1); /* before anything reads the settings */
    setenv("SWIRL_ZC_MLE_JIT", "1", 1);
    setenv("SWIRL_ZC_MLE_JIT_MIN", "0", 1); /* every multilinear round on the compiled stream */
    if (swirl_test_no_cuda())
        return 77;
    if (!swirl_settings_get()->zc_jit) {
        fprintf(stderr, "the settings were read before SWIRL_ZC_JIT was set\n");
        return 1;
    }
    if (swirl_cuda_ctx_create(&g_ctx, 0, (size_t)64 << 20) != SWIRL_OK) {
        fprintf(stderr, "CUDA context: %s\n", swirl_last_error());
        return 1;
    }
    int rc = swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
    swirl_cuda_ctx_destroy(g_ctx);
    return rc;
}
