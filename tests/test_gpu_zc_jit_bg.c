/* The round-0 JIT's default mode, the background compile (SWIRL_ZC_JIT unset; device/cuda/
 * cuda_jit.h), on the GPU with a fresh disk cache (XDG_CACHE_HOME set to a new temporary directory
 * before the settings are read):
 *  1. a context's first KeccakAir round 0 starts a background compile while the interpreter runs,
 *     with sums equal to the CPU's; destroying the context while it compiles waits for it, and
 *     the CUBIN lands in the disk cache;
 *  2. a new context has the kernel from the disk cache at once: its first round 0 launches it;
 *  3. with the cache emptied, a context compiles in the background again; swirl_cuda_zc_jit_wait
 *     waits for it and the next round 0 launches the compiled kernel, with equal sums.
 * Skips (exit 77) without a CUDA device or without NVRTC. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "device/cuda/cuda_backend.h"
#include "device/cuda/cuda_jit.h"
#include "device/cuda/cuda_zc.h"
#include "harness.h"
#include "util/settings.h"
#include "zc_cases.h"

static char g_dir[64];

/* the CUBINs in the cache directory (remove: delete them) */
static int cache_files(int remove) {
    char sub[128];
    snprintf(sub, sizeof sub, "%s/swirl", g_dir);
    DIR *d = opendir(sub);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, "zc-", 3) != 0)
            continue;
        n++;
        if (remove) {
            char f[512];
            snprintf(f, sizeof f, "%s/%s", sub, e->d_name);
            unlink(f);
        }
    }
    closedir(d);
    return n;
}

static void run_case(swirl_cuda_ctx *ctx, unsigned seed, swirl_cuda_zc_jit_stats *after) {
    zc_case c;
    zcc_keccak(&c, 0, seed);
    /* every round-0 call compared with the CPU's */
    zcc_run(&c, swirl_cuda_slot_constraint_round0,
            swirl_cuda_slot_constraint_round, ctx, 1);
    CHECK(!swirl_cuda_ctx_poisoned(ctx));
    zcc_clear(&c);
    swirl_cuda_zc_jit_stats_get(ctx, after);
}

static void test_background_then_disk(void) {
    CHECK(swirl_settings_get()->zc_jit == SWIRL_ZC_JIT_BACKGROUND);
    swirl_cuda_ctx *ctx = NULL;
    swirl_cuda_zc_jit_stats s;
    /* 1: compiled in the background; the context's end waits and fills the disk cache */
    CHECK_OK(swirl_cuda_ctx_create(&ctx, 0, (size_t)64 << 20));
    run_case(ctx, 9, &s);
    printf("  first context: %u background compile(s), %u kernel(s), %llu JIT launches\n",
           s.background, s.kernels, s.launches);
    CHECK(s.background == 2 && s.failures == 0); /* round 0's and the multilinear rounds' */
    swirl_cuda_ctx_destroy(ctx);
    CHECK_MSG(cache_files(0) >= 2, "no CUBINs in the disk cache after the context waited");
    /* 2: from the disk cache before the first launch */
    CHECK_OK(swirl_cuda_ctx_create(&ctx, 0, (size_t)64 << 20));
    run_case(ctx, 7, &s);
    printf("  second context: %u kernel(s) (%u compiled), %llu JIT launches\n", s.kernels,
           s.compiled, s.launches);
    CHECK(s.background == 0 && s.kernels == 2 && s.compiled == 0 && s.launches > 0);
    CHECK(swirl_cuda_zc_jit_wait(ctx) == 0); /* nothing pending */
    swirl_cuda_ctx_destroy(ctx);
    /* 3: the cache emptied: compiled in the background again, waited for, then launched */
    cache_files(1);
    CHECK(cache_files(0) == 0);
    CHECK_OK(swirl_cuda_ctx_create(&ctx, 0, (size_t)64 << 20));
    run_case(ctx, 5, &s);
    CHECK(s.background == 2);
    unsigned long long before = s.launches;
    unsigned waited = swirl_cuda_zc_jit_wait(ctx);
    swirl_cuda_zc_jit_stats_get(ctx, &s);
    printf("  third context: waited for %u compile(s) (%.0f ms), %u kernel(s), %u compiled\n",
           waited, s.wait_ms, s.kernels, s.compiled);
    CHECK(waited == 2 && s.kernels == 2 && s.compiled == 2 && s.failures == 0);
    run_case(ctx, 3, &s);
    CHECK_MSG(s.launches > before, "the compiled kernel was not launched after the wait");
    swirl_cuda_ctx_destroy(ctx);
}

/* programs too short for the stream (fib, interactions, preprocessed and cached partitions)
 * start no compile */
static void test_short_programs(void) {
    swirl_cuda_ctx *ctx = NULL;
    CHECK_OK(swirl_cuda_ctx_create(&ctx, 0, (size_t)64 << 20));
    zc_case cs[4];
    zcc_fib(&cs[0], 256, 2);
    zcc_bus(&cs[1], 2);
    zcc_self(&cs[2], 4, 9, 2);
    zcc_parts(&cs[3], 2);
    for (int i = 0; i < 4; i++) {
        zcc_run(&cs[i], swirl_cuda_slot_constraint_round0,
                swirl_cuda_slot_constraint_round, ctx, 1);
        zcc_clear(&cs[i]);
    }
    swirl_cuda_zc_jit_stats s;
    swirl_cuda_zc_jit_stats_get(ctx, &s);
    CHECK(s.background == 0 && s.kernels == 0 && s.launches == 0);
    swirl_cuda_ctx_destroy(ctx);
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_background_then_disk),
    SWIRL_TEST(test_short_programs),
};

int main(int argc, char **argv) {
    unsetenv("SWIRL_ZC_JIT"); /* the default mode, before anything reads the settings */
    setenv("SWIRL_ZC_MLE_JIT", "1", 1); /* both kernels in the background */
    setenv("SWIRL_JIT_CACHE", "1", 1);
    snprintf(g_dir, sizeof g_dir, "/tmp/swirl_jit_bg_XXXXXX");
    if (!mkdtemp(g_dir)) {
        perror("mkdtemp");
        return 1;
    }
    setenv("XDG_CACHE_HOME", g_dir, 1);
    int rc = 77;
    if (swirl_test_no_cuda()) {
        rc = 77;
    } else if (!swirl_cuda_jit_available(NULL, NULL, NULL)) {
        fprintf(stderr, "NVRTC cannot be loaded: nothing to test\n");
        rc = 77;
    } else {
        rc = swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
    }
    cache_files(1);
    char sub[128];
    snprintf(sub, sizeof sub, "%s/swirl", g_dir);
    rmdir(sub);
    rmdir(g_dir);
    return rc;
}
