/*
 * Device fault injection through the CUDA backend (issue 12 item 8): for the three-AIR set of
 * test_flow (interactions, LogUp-GKR) proved with --backend cuda, the N-th device allocation
 * (arena slices, the arena's cudaMalloc, the cudaMallocs of the constraint programs' tables that
 * the first proof on a backend makes for the context's cache: swirl_cuda_fault_alloc_at) and,
 * separately, the N-th kernel launch (swirl_cuda_fault_launch_at) fails, for N = 1, 2, ... until
 * a proof runs with the fault never reached. Every failure must be a clean status
 * (SWIRL_E_NOMEM, SWIRL_E_CUDA) with a message, never a hang or a crash; afterwards the context
 * is not poisoned, stage_begin works (the failed stage was aborted), the arena is empty (no PCS
 * data left holding it), no device memory is held beyond the arena and the program cache's whole
 * entries (a failed make leaves nothing behind), and the next proof on the same backend (reusing
 * what the cache holds) succeeds with the CPU proof's bytes; a fresh backend too. Skips (77)
 * without a CUDA device.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device/cuda/cuda_zc.h"
#include "fixtures.h"
#include "harness.h"
#include "protocol/codec_proof.h"
#include "prover/prove.h"
#include "prover/stages.h"

static swirl_fixture_three g_f;
static uint8_t *g_cpu_bytes;
static size_t g_cpu_len;

static swirl_system_params params(void) {
    swirl_system_params p = swirl_fixture_params(2, 4, 2, 2, 2, 32);
    p.logup.pow_bits = 2;
    return p;
}

/* proves on `be` and checks the bytes equal the CPU proof's */
static void prove_equal(const swirl_backend *be, const char *what, size_t n) {
    swirl_proof p;
    enum swirl_status st = swirl_flow_prove(&p, g_f.vk, g_f.in, be, NULL);
    CHECK_MSG(st == SWIRL_OK, "%s after fault %zu: %s", what, n, swirl_last_error());
    if (st != SWIRL_OK)
        return;
    uint8_t *bytes = NULL;
    size_t len = 0;
    CHECK_OK(swirl_proof_encode(&bytes, &len, &p, g_f.vk));
    CHECK_MSG(len == g_cpu_len && memcmp(bytes, g_cpu_bytes, len) == 0,
              "%s after fault %zu: the proof differs from the CPU proof", what, n);
    free(bytes);
    swirl_proof_clear(&p);
}

/* launch = 0: device allocations; 1: kernel launches. Returns the number of faults that fired. */
static size_t sweep(int launch) {
    const enum swirl_status expect = launch ? SWIRL_E_CUDA : SWIRL_E_NOMEM;
    size_t fired = 0;
    for (size_t n = 1; n < 1000; n++) {
        swirl_backend *be = NULL;
        CHECK_OK(swirl_backend_select(&be, "cuda"));
        if (!be)
            return fired;
        if (launch)
            swirl_cuda_fault_launch_at(n);
        else
            swirl_cuda_fault_alloc_at(n);
        swirl_proof p;
        enum swirl_status st = swirl_flow_prove(&p, g_f.vk, g_f.in, be, NULL);
        int pending = swirl_cuda_fault_pending();
        swirl_cuda_fault_alloc_at(0);
        swirl_cuda_fault_launch_at(0);
        if (pending) {
            /* the proof never reached the n-th event: it must have succeeded, with the CPU bytes */
            CHECK_MSG(st == SWIRL_OK, "%s %zu not reached, yet the proof failed: %s",
                      launch ? "launch" : "allocation", n, swirl_last_error());
            if (st == SWIRL_OK)
                swirl_proof_clear(&p);
            prove_equal(be, "the same backend", n);
            swirl_backend_destroy(be);
            return fired;
        }
        fired++;
        const char *msg = swirl_last_error();
        CHECK_MSG(st == expect, "%s fault %zu: status %d, expected %d (%s)",
                  launch ? "launch" : "allocation", n, (int)st, (int)expect, msg);
        CHECK_MSG(msg && strstr(msg, "injected") != NULL,
                  "fault %zu: the message does not name the injected fault: %s", n, msg);
        /* the context is usable: not poisoned, no stage left open, no PCS data left alive */
        CHECK(!swirl_cuda_ctx_poisoned(be->gpu));
        CHECK_OK(swirl_cuda_stage_begin(be->gpu, "after_fault"));
        CHECK_OK(swirl_cuda_stage_end(be->gpu));
        CHECK_MSG(swirl_cuda_arena_persistent_used(be->gpu) == 0,
                  "fault %zu: %zu persistent arena bytes still held", n,
                  swirl_cuda_arena_persistent_used(be->gpu));
        /* no device memory outside the arena but the program cache's whole entries: a program
         * whose making failed was freed, not kept half-made (the next proof must remake it) */
        swirl_cuda_zc_cache_stats cs;
        swirl_cuda_zc_cache_stats_get(be->gpu, &cs);
        size_t arena = swirl_cuda_arena_free(be->gpu) + swirl_cuda_arena_used(be->gpu);
        CHECK_MSG(swirl_cuda_dev_held(be->gpu) == arena + cs.device_bytes,
                  "fault %zu: %zu device bytes held, the arena %zu and the program cache %zu", n,
                  swirl_cuda_dev_held(be->gpu), arena, cs.device_bytes);
        prove_equal(be, "the same backend", n);
        swirl_backend_destroy(be);
        if (n % 8 == 1) { /* now and then a fresh backend as well */
            swirl_backend *fresh = NULL;
            CHECK_OK(swirl_backend_select(&fresh, "cuda"));
            if (fresh)
                prove_equal(fresh, "a fresh backend", n);
            swirl_backend_destroy(fresh);
        }
    }
    CHECK_MSG(0, "no proof got past 1000 injected faults");
    return fired;
}

static void test_device_alloc_faults(void) {
    size_t fired = sweep(0);
    printf("  %zu device allocation faults, each a clean SWIRL_E_NOMEM\n", fired);
    CHECK(fired >= 3);
}

static void test_launch_faults(void) {
    size_t fired = sweep(1);
    printf("  %zu launch faults, each a clean SWIRL_E_CUDA\n", fired);
    CHECK(fired >= 3);
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_device_alloc_faults),
    SWIRL_TEST(test_launch_faults),
};

int main(int argc, char **argv) {
    if (swirl_test_no_cuda())
        return 77;
    swirl_system_params p = params();
    swirl_fixture_three_init(&g_f, &p);
    swirl_proof ref;
    if (swirl_flow_prove(&ref, g_f.vk, g_f.in, NULL, NULL) != SWIRL_OK ||
        swirl_proof_encode(&g_cpu_bytes, &g_cpu_len, &ref, g_f.vk) != SWIRL_OK) {
        printf("the CPU proof failed: %s\n", swirl_last_error());
        return 1;
    }
    swirl_proof_clear(&ref);
    int rc = swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
    free(g_cpu_bytes);
    swirl_fixture_three_clear(&g_f);
    return rc;
}
