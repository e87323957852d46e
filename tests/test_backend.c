/* The backend table (backend/backend.h): selection by name, and the flow calling every stage
 * through the table: a counting table that wraps the CPU slots sees each slot called once per
 * proof and gives the same proof as swirl_prove; a failing slot's error reaches the caller. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"
#include "fixtures.h"
#include "harness.h"
#include "protocol/codec_pcs.h"
#include "protocol/flow.h"

static void test_select(void) {
    swirl_backend *be = NULL;
    CHECK_OK(swirl_backend_select(&be, "cpu"));
    CHECK(be == swirl_backend_cpu() && strcmp(be->name, "cpu") == 0 && be->gpu == NULL);
    swirl_backend_destroy(be); /* the static table: a no-op */
    CHECK_OK(swirl_backend_select(&be, "auto"));
    CHECK(strcmp(be->name, swirl_cuda_device_count() > 0 ? "cuda" : "cpu") == 0);
    swirl_backend_destroy(be);
    CHECK_STATUS(swirl_backend_select(&be, "gpu"), SWIRL_E_INVALID_ARG);
    CHECK(be == NULL && strstr(swirl_last_error(), "unknown backend 'gpu'") != NULL);
    CHECK_STATUS(swirl_backend_select(&be, NULL), SWIRL_E_INVALID_ARG);
    if (swirl_cuda_device_count() == 0) {
        CHECK_STATUS(swirl_backend_select(&be, "cuda"), SWIRL_E_NO_DEVICE);
        CHECK(be == NULL);
    }
    size_t n = 7;
    CHECK(swirl_backend_stage_trace(swirl_backend_cpu(), &n) == NULL && n == 0);
}

/* a table that counts its calls and forwards to the CPU backend */
static int g_calls[4], g_fail_whir;

static enum swirl_status c_commit(const swirl_backend *be, swirl_stacked_pcs_data **out,
                                  swirl_digest *root, const swirl_trace_view *traces, size_t n,
                                  unsigned l_skip, unsigned n_stack, unsigned log_blowup,
                                  unsigned k_whir) {
    (void)be;
    g_calls[0]++;
    return swirl_backend_cpu()->commit(swirl_backend_cpu(), out, root, traces, n, l_skip, n_stack,
                                       log_blowup, k_whir);
}
static enum swirl_status c_rap(const swirl_backend *be, swirl_gkr_proof *gkr,
                               swirl_batch_proof *proof, bb31x4 *r_out, size_t *n_r,
                               swirl_transcript *t, const swirl_zc_params *zp,
                               const swirl_air_instance *traces, size_t n) {
    (void)be;
    g_calls[1]++;
    return swirl_backend_cpu()->rap_constraints(swirl_backend_cpu(), gkr, proof, r_out, n_r, t, zp,
                                                traces, n);
}
static enum swirl_status c_sr(const swirl_backend *be, swirl_stacking_proof *proof, bb31x4 *u_out,
                              swirl_transcript *t, const swirl_stacked_commit_view *commits,
                              size_t n_commits, unsigned l_skip, unsigned n_stack,
                              const bb31x4 *r) {
    (void)be;
    g_calls[2]++;
    return swirl_backend_cpu()->stacked_reduction(swirl_backend_cpu(), proof, u_out, t, commits,
                                                  n_commits, l_skip, n_stack, r);
}
static enum swirl_status c_whir(const swirl_backend *be, swirl_whir_proof *proof,
                                swirl_transcript *t, const swirl_system_params *params,
                                const swirl_stacked_pcs_data *const *commits, size_t n_commits,
                                const bb31x4 *u_cube) {
    (void)be;
    g_calls[3]++;
    if (g_fail_whir)
        return SWIRL_RAISE(SWIRL_E_CUDA, "injected WHIR failure");
    return swirl_backend_cpu()->whir(swirl_backend_cpu(), proof, t, params, commits, n_commits,
                                     u_cube);
}

static void test_flow_uses_table(void) {
    swirl_system_params p = swirl_fixture_small_params(2, 4, 31);
    swirl_fixture_three f;
    swirl_fixture_three_init(&f, &p);
    const swirl_backend counting = {"counting", NULL, c_commit, c_rap, c_sr, c_whir, NULL};
    swirl_proof a, b;
    CHECK_OK(swirl_prove(&a, f.vk, f.in));
    memset(g_calls, 0, sizeof g_calls);
    CHECK_OK(swirl_prove_ex(&b, f.vk, f.in, &counting));
    for (int i = 0; i < 4; i++)
        CHECK(g_calls[i] == 1);
    CHECK(memcmp(&a.common_main_commit, &b.common_main_commit, sizeof a.common_main_commit) == 0);
    swirl_bytes ea = {0}, eb = {0};
    swirl_whir_proof_encode(&ea, &a.whir, &p);
    swirl_whir_proof_encode(&eb, &b.whir, &p);
    CHECK(ea.len > 0 && ea.len == eb.len && memcmp(ea.p, eb.p, ea.len) == 0);
    CHECK_OK(swirl_verify(f.vk, &b));
    swirl_bytes_free(&ea);
    swirl_bytes_free(&eb);
    swirl_proof_clear(&b);
    /* a failing slot: its status and message reach the caller, the proof is left empty */
    g_fail_whir = 1;
    CHECK_STATUS(swirl_prove_ex(&b, f.vk, f.in, &counting), SWIRL_E_CUDA);
    CHECK(strstr(swirl_last_error(), "injected WHIR failure") != NULL);
    CHECK(b.n_airs == 0 && b.log_heights == NULL);
    g_fail_whir = 0;
    swirl_proof_clear(&a);
    swirl_fixture_three_clear(&f);
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_select),
    SWIRL_TEST(test_flow_uses_table),
};

int main(int argc, char **argv) {
    return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
}
