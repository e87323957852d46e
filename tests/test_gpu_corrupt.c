/*
 * Silent device data corruption never yields an accepted proof (issue 14): for the three-AIR set
 * of test_flow (interactions, LogUp-GKR) and a taller fib trace proved with --backend cuda, one
 * word of the common main's stacked matrix (a field element, kept canonical: w + 1 mod p) is
 * changed on the device just before "prover.rap_constraints", "prover.openings.stacked_reduction"
 * or "prover.openings.whir" begins (swirl_cuda_fault_corrupt_at), at a few word indices each
 * (trace data and, for fib, the zero padding above the trace). Each run must either fail cleanly
 * (a status with a message; the context not poisoned, no stage left open, no PCS data holding the
 * arena) or give a proof that the verifier rejects, in memory and after an encode/decode round
 * trip. Never an accepted proof. The hook must have fired, and the same backend's honest proofs
 * (before, between and after) are accepted, so the test can fail. Skips (77) without a CUDA
 * device, or with SWIRL_GPU_STAGES=0 (no device stages to corrupt before).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "air/test_airs.h"
#include "fixtures.h"
#include "harness.h"
#include "protocol/codec_proof.h"
#include "prover/prove.h"
#include "prover/stages.h"
#include "util/settings.h"

static swirl_backend *g_be;

static const char *const k_stages[] = {
    "prover.rap_constraints",
    "prover.openings.stacked_reduction",
    "prover.openings.whir",
};
/* word indices, taken modulo the stacked matrix's size: the first value of the first trace, its
 * neighbour, one further in, and SIZE_MAX (the matrix's last word: padding when the stacked
 * height is a power of two above the traces) */
static const size_t k_index[] = {0, 1, 4099, SIZE_MAX};

static swirl_system_params params(unsigned l_skip, unsigned n_stack) {
    swirl_system_params p = swirl_fixture_params(l_skip, n_stack, 2, 2, 2, 32);
    p.logup.pow_bits = 2;
    return p;
}

/* the verdict on a proof, in memory and from its bytes (what an outside verifier sees): SWIRL_OK
 * only when either accepts */
static enum swirl_status verdict(const swirl_vk *vk, const swirl_proof *p) {
    enum swirl_status v = swirl_flow_verify(vk, p, NULL);
    if (v == SWIRL_OK)
        return v;
    uint8_t *bytes = NULL;
    size_t len = 0;
    if (swirl_proof_encode(&bytes, &len, p, vk) != SWIRL_OK)
        return v; /* no bytes to hand anyone */
    swirl_proof q;
    enum swirl_status d = swirl_proof_decode(&q, bytes, len, vk);
    free(bytes);
    if (d != SWIRL_OK)
        return v;
    enum swirl_status vb = swirl_flow_verify(vk, &q, NULL);
    swirl_proof_clear(&q);
    return vb == SWIRL_OK ? vb : v;
}

/* an honest proof on g_be: accepted */
static void honest(const char *what, const swirl_vk *vk, const swirl_trace_input *in) {
    CHECK(!swirl_cuda_fault_pending());
    swirl_proof p;
    enum swirl_status st = swirl_flow_prove(&p, vk, in, g_be, NULL);
    CHECK_MSG(st == SWIRL_OK, "%s: the honest proof failed: %s", what, swirl_last_error());
    enum swirl_status v = verdict(vk, &p);
    swirl_proof_clear(&p);
    CHECK_MSG(v == SWIRL_OK, "%s: the honest proof is not accepted (%s): %s", what,
              swirl_status_str(v), swirl_last_error());
}

/* every stage and index: a clean failure or a rejected proof; counts each outcome */
static void sweep(const char *sys, const swirl_vk *vk, const swirl_trace_input *in) {
    honest(sys, vk, in);
    size_t failed = 0, rejected = 0;
    for (size_t s = 0; s < sizeof k_stages / sizeof k_stages[0]; s++) {
        for (size_t k = 0; k < sizeof k_index / sizeof k_index[0]; k++) {
            swirl_cuda_fault_corrupt_at(k_stages[s], k_index[k]);
            swirl_proof p;
            enum swirl_status st = swirl_flow_prove(&p, vk, in, g_be, NULL);
            int pending = swirl_cuda_fault_pending();
            swirl_cuda_fault_corrupt_at(NULL, 0);
            if (st == SWIRL_OK) {
                enum swirl_status v = verdict(vk, &p);
                swirl_proof_clear(&p);
                CHECK_MSG(!pending, "%s: stage %s never began", sys, k_stages[s]);
                CHECK_MSG(v != SWIRL_OK,
                          "%s: word %zu corrupted before %s, and the proof is ACCEPTED", sys,
                          k_index[k], k_stages[s]);
                CHECK_MSG(v == SWIRL_E_PROOF_REJECTED || v == SWIRL_E_PROOF_MALFORMED,
                          "%s, %s, word %zu: the verifier answered %s", sys, k_stages[s],
                          k_index[k], swirl_status_str(v));
                rejected++;
            } else {
                const char *msg = swirl_last_error();
                CHECK_MSG(!pending, "%s: the proof failed before %s began: %s", sys, k_stages[s],
                          msg);
                CHECK_MSG(msg && msg[0], "%s, %s, word %zu: %s without a message", sys, k_stages[s],
                          k_index[k], swirl_status_str(st));
                /* the context is usable: not poisoned, no stage left open, no PCS data alive */
                CHECK(!swirl_cuda_ctx_poisoned(g_be->gpu));
                CHECK_OK(swirl_cuda_stage_begin(g_be->gpu, "after_corruption"));
                CHECK_OK(swirl_cuda_stage_end(g_be->gpu));
                CHECK_MSG(swirl_cuda_arena_persistent_used(g_be->gpu) == 0,
                          "%s: %zu persistent arena bytes still held", sys,
                          swirl_cuda_arena_persistent_used(g_be->gpu));
                printf("  %s, %s, word %zu: the prover failed (%s)\n", sys, k_stages[s], k_index[k],
                       swirl_status_str(st));
                failed++;
            }
        }
        honest(sys, vk, in); /* nothing of the corruption outlives its proof */
    }
    printf("  %s: %zu corrupted runs, %zu proofs rejected, %zu clean prover failures\n", sys,
           failed + rejected, rejected, failed);
}

static void test_three_airs(void) {
    swirl_system_params p = params(2, 4);
    swirl_fixture_three f;
    swirl_fixture_three_init(&f, &p);
    sweep("three AIRs", f.vk, f.in);
    swirl_fixture_three_clear(&f);
}

static void test_tall_fib(void) {
    swirl_air_builder *bl;
    CHECK_OK(swirl_fib_air_build(&bl));
    swirl_air *fib = NULL;
    CHECK_OK(swirl_air_compile(&fib, bl, 3));
    swirl_air_builder_destroy(bl);
    swirl_system_params p = params(4, 10);
    swirl_keygen_air ka[1] = {{fib, NULL, 0, 1}};
    swirl_vk *vk;
    CHECK_OK(swirl_keygen(&vk, &p, ka, 1));
    enum { H = 1 << 12 };
    bb31 *fm;
    CHECK_OK(swirl_fib_trace(&fm, 0, 1, H));
    bb31 pv[3] = {bb31_zero(), bb31_one(), fm[2 * H - 1]};
    swirl_trace_input in[1] = {{fm, H, pv, NULL}};
    sweep("fib", vk, in);
    free(fm);
    swirl_vk_destroy(vk);
    swirl_air_destroy(fib);
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_three_airs),
    SWIRL_TEST(test_tall_fib),
};

int main(int argc, char **argv) {
    if (swirl_test_no_cuda())
        return 77;
    if (!swirl_settings_get()->gpu_stages) {
        printf("SKIP: SWIRL_GPU_STAGES=0 (the corruption is injected before the device stages)\n");
        return 77;
    }
    if (swirl_backend_select(&g_be, "cuda") != SWIRL_OK) {
        printf("cannot create the CUDA backend: %s\n", swirl_last_error());
        return 1;
    }
    int rc = swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
    swirl_backend_destroy(g_be);
    return rc;
}
