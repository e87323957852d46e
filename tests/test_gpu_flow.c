/* The flow through the CUDA backend table (swirl_prove_ex with swirl_backend_cuda_create): for the
 * three-AIR set of test_flow and for a taller fib trace (l_skip 4, 2^12 rows), the proof equals the
 * CPU-only proof (commit root, stacked openings, WHIR proof bytes, batch sumcheck values) and
 * verifies, and the GPU stage trace lists the commit, the three CPU-fallback stages (with
 * SWIRL_GPU_STAGES=0; none with the device stages, the default), WHIR's
 * openings gathered on the device (pcs_open_rows) and the one counted download of the stacked
 * matrix (cpu_fallback:pcs_download, with its bytes); the host transcript's device PoW search
 * (pow_grind) against the CPU's. With the device stages the rap_constraints stage reads the traces
 * where the GPU commitment keeps them: no trace upload (no "prover.rap_constraints.upload" stage,
 * no "upload_fallback:prover.rap_constraints": these systems have no preprocessed traces).
 * Two consecutive proofs on one backend give the same bytes, and the second makes no device
 * allocation (the arena is planned, the constraint programs' tables are cached).
 * Skips (77) without a CUDA device. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "air/test_airs.h"
#include "prover/stages.h"
#include "fixtures.h"
#include "harness.h"
#include "protocol/codec_pcs.h"
#include "protocol/codec_proof.h"
#include "device/cuda/cuda_zc.h"
#include "prover/cuda_pow.h"
#include "util/settings.h"
#include "prover/prove.h"

static swirl_backend *g_be;

static swirl_air *compile(swirl_air_builder *b) {
    swirl_air *a = NULL;
    CHECK_OK(swirl_air_compile(&a, b, 3));
    swirl_air_builder_destroy(b);
    return a;
}

static swirl_system_params params(unsigned l_skip, unsigned n_stack) {
    swirl_system_params p = swirl_fixture_params(l_skip, n_stack, 2, 2, 2, 32);
    p.logup.pow_bits = 2;
    return p;
}

static void compare(const swirl_vk *vk, const swirl_trace_input *in) {
    swirl_proof a, b;
    CHECK_OK(swirl_flow_prove(&a, vk, in, NULL, NULL));
    swirl_cuda_stage_trace_clear(g_be->gpu);
    CHECK_OK(swirl_flow_prove(&b, vk, in, g_be, NULL));
    /* the stage trace shows the GPU commit and every CPU fallback */
    size_t ns;
    const swirl_stage_trace *tr = swirl_backend_stage_trace(g_be, &ns);
    int seen_commit = 0, seen_fb = 0, seen_open = 0, seen_download = 0, seen_pow = 0, seen_rap = 0;
    unsigned syncs = 0;
    for (size_t i = 0; i < ns; i++) {
        syncs += tr[i].syncs;
        if (strcmp(tr[i].name, "pow_grind") == 0) {
            CHECK(tr[i].kernels > 0 && tr[i].syncs == 1);
            seen_pow++;
        }
        if (strcmp(tr[i].name, "stacked_commit") == 0)
            seen_commit = tr[i].kernels > 0 && tr[i].syncs == 1;
        if (strncmp(tr[i].name, "cpu_fallback:", 13) == 0 && tr[i].kernels == 0)
            seen_fb++;
        /* WHIR's first-round openings gathered on the device: one sync, rows and paths down */
        if (strcmp(tr[i].name, "pcs_open_rows") == 0)
            seen_open += tr[i].syncs == 1 && tr[i].bytes > 0;
        /* the one counted fallback: the stacked matrix for the CPU stages, once per proof */
        if (strcmp(tr[i].name, "cpu_fallback:pcs_download") == 0)
            seen_download += tr[i].kernels > 0 && tr[i].bytes > 0;
        CHECK_MSG(strcmp(tr[i].name, "commit_download") != 0,
                  "the commitment is downloaded as a whole");
        /* the traces go up once, with the commitment: rap_constraints reads them there */
        CHECK_MSG(strcmp(tr[i].name, "prover.rap_constraints.upload") != 0 &&
                      strcmp(tr[i].name, "upload_fallback:prover.rap_constraints") != 0,
                  "rap_constraints uploads %zu bytes of the traces again", (size_t)tr[i].bytes);
        if (strcmp(tr[i].name, "prover.rap_constraints") == 0)
            seen_rap++;
    }
    CHECK(seen_rap == (swirl_settings_get()->gpu_stages ? 1 : 0));
    CHECK(seen_commit);
    /* the whole proof on the GPU (the device stages): at most 8 host syncs — the trace upload,
     * the commit, rap_constraints, the stacked reduction and WHIR, one each here (sub-stages
     * timed by events add none) */
    if (swirl_settings_get()->gpu_stages)
        CHECK_MSG(syncs <= 8, "the proof made %u host syncs", syncs);
    /* the device memory the proof held: at least the arena */
    CHECK(swirl_backend_device_peak(g_be) > 0);
    /* the device stages (default): rap_constraints, the stacked reduction and WHIR run on the
     * device, no fallback is left; SWIRL_GPU_STAGES=0: the three CPU stages are logged fallbacks */
    CHECK(seen_fb == (swirl_settings_get()->gpu_stages ? 0 : 3));
    /* the PoW searches: with the device stages (the default) each runs inside its stage on the
     * device transcript, so the host transcript's grinder (pow_grind) is never called; with
     * SWIRL_GPU_STAGES=0 the CPU transcript grinds itself (test_pow_grinder covers pow_grind) */
    CHECK(seen_pow == 0);
    /* WHIR's first-round rows: gathered inside the WHIR device stage (default), or by the PCS
     * owner's open_rows for the CPU stage (SWIRL_GPU_STAGES=0) */
    CHECK(seen_open == (swirl_settings_get()->gpu_stages ? 0 : 1));
    /* the stacked matrix comes down (counted) only for the CPU stages (SWIRL_GPU_STAGES=0) */
    CHECK(seen_download == (swirl_settings_get()->gpu_stages ? 0 : 1));
    CHECK(memcmp(&a.common_main_commit, &b.common_main_commit, sizeof a.common_main_commit) == 0);
    CHECK(a.batch.n_univariate == b.batch.n_univariate &&
          memcmp(a.batch.univariate_round_coeffs, b.batch.univariate_round_coeffs,
                 a.batch.n_univariate * sizeof(bb31x4)) == 0);
    size_t nopen = 0;
    for (size_t c = 0; c < a.stacking.n_commits; c++)
        nopen += a.stacking.openings_per_commit[c];
    CHECK(memcmp(a.stacking.stacking_openings, b.stacking.stacking_openings,
                 nopen * sizeof(bb31x4)) == 0);
    swirl_bytes ea = {0}, eb = {0};
    swirl_whir_proof_encode(&ea, &a.whir, &vk->params);
    swirl_whir_proof_encode(&eb, &b.whir, &vk->params);
    CHECK(ea.len == eb.len && ea.len > 0 && memcmp(ea.p, eb.p, ea.len) == 0);
    CHECK_OK(swirl_flow_verify(vk, &b, NULL));
    swirl_bytes_free(&ea);
    swirl_bytes_free(&eb);
    swirl_proof_clear(&a);
    swirl_proof_clear(&b);
}

/* the device PoW search attached to a host transcript: the same witness and state as the CPU */
static void test_pow_grinder(void) {
    CHECK_OK(swirl_cuda_arena_reserve(g_be->gpu, swirl_cuda_pow_bytes()));
    const unsigned bits[] = {1, 3, 8, 12, 16, 20};
    for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++) {
        swirl_transcript a, b;
        swirl_transcript_init(&a);
        for (uint32_t v = 0; v <= i; v++)
            swirl_transcript_observe(&a, bb31_from_u32(1000 + 7 * v));
        b = a;
        swirl_transcript_set_grinder(&b, swirl_cuda_pow_grind, g_be->gpu);
        bb31 wa, wb;
        CHECK_OK(swirl_transcript_grind(&a, &wa, bits[i]));
        CHECK_OK(swirl_transcript_grind(&b, &wb, bits[i]));
        CHECK_MSG(bb31_eq(wa, wb), "%u bits: GPU witness %u, CPU %u", bits[i], bb31_to_u32(wb),
                  bb31_to_u32(wa));
        CHECK(memcmp(a.state, b.state, sizeof a.state) == 0 && a.absorb_idx == b.absorb_idx &&
              a.sample_idx == b.sample_idx);
    }
}

/* a proof whose device plan exceeds the card: begin_proof fails with SWIRL_E_NOMEM naming the
 * plan, before any allocation or kernel (no stage traced), and the backend proves afterwards */
static void test_plan_too_large(void) {
    swirl_commit_shape big = {(size_t)1 << 30, (size_t)1 << 12}; /* 2^42 cells: terabytes */
    swirl_cuda_stage_trace_clear(g_be->gpu);
    size_t held = swirl_backend_device_peak(g_be);
    CHECK_STATUS(g_be->begin_proof(g_be, &big, 1, 1, NULL, NULL, 0), SWIRL_E_NOMEM);
    CHECK_MSG(strstr(swirl_last_error(), "does not fit the GPU") != NULL, "message: %s",
              swirl_last_error());
    size_t ns;
    swirl_backend_stage_trace(g_be, &ns);
    CHECK(ns == 0);
    CHECK(swirl_backend_device_peak(g_be) == held); /* nothing was allocated */
    swirl_system_params p = params(2, 4);
    swirl_fixture_three f;
    swirl_fixture_three_init(&f, &p);
    compare(f.vk, f.in);
    swirl_fixture_three_clear(&f);
}

static void test_three_airs(void) {
    swirl_system_params p = params(2, 4);
    swirl_fixture_three f;
    swirl_fixture_three_init(&f, &p);
    compare(f.vk, f.in);
    swirl_fixture_three_clear(&f);
}

static void test_tall_fib(void) {
    swirl_air_builder *bl;
    CHECK_OK(swirl_fib_air_build(&bl));
    swirl_air *fib = compile(bl);
    swirl_system_params p = params(4, 10);
    swirl_keygen_air ka[1] = {{fib, NULL, 0, 1}};
    swirl_vk *vk;
    CHECK_OK(swirl_keygen(&vk, &p, ka, 1));
    enum { H = 1 << 12 };
    bb31 *fm;
    CHECK_OK(swirl_fib_trace(&fm, 0, 1, H));
    bb31 pv[3] = {bb31_zero(), bb31_one(), fm[2 * H - 1]};
    swirl_trace_input in[1] = {{fm, H, pv, NULL}};
    compare(vk, in);
    free(fm);
    swirl_vk_destroy(vk);
    swirl_air_destroy(fib);
}

/* one proof's bytes on g_be */
static int prove_bytes(uint8_t **bytes, size_t *len, const swirl_vk *vk,
                       const swirl_trace_input *in) {
    swirl_proof p;
    *bytes = NULL;
    *len = 0;
    enum swirl_status st = swirl_flow_prove(&p, vk, in, g_be, NULL);
    CHECK_MSG(st == SWIRL_OK, "prove: %s", swirl_last_error());
    if (st != SWIRL_OK)
        return 0;
    st = swirl_proof_encode(bytes, len, &p, vk);
    CHECK_OK(st);
    swirl_proof_clear(&p);
    return st == SWIRL_OK;
}

/* Two consecutive proofs on one backend: the same bytes, and (with the device stages) the second
 * makes no device allocation at all: its arena plan fits the arena the first one reserved and
 * rap_constraints takes every program's tables from the context's cache (hits, no miss) and
 * their scratch from the arena. */
static void test_repeat_no_alloc(void) {
    swirl_system_params p = params(2, 4);
    swirl_fixture_three f;
    swirl_fixture_three_init(&f, &p);
    uint8_t *b1 = NULL, *b2 = NULL;
    size_t l1 = 0, l2 = 0;
    if (prove_bytes(&b1, &l1, f.vk, f.in)) {
        unsigned long long allocs = swirl_cuda_dev_allocs(g_be->gpu);
        size_t held = swirl_cuda_dev_held(g_be->gpu);
        swirl_cuda_zc_cache_stats s1, s2;
        swirl_cuda_zc_cache_stats_get(g_be->gpu, &s1);
        swirl_backend_device_peak_reset(g_be);
        if (prove_bytes(&b2, &l2, f.vk, f.in)) {
            CHECK_MSG(l1 == l2 && memcmp(b1, b2, l1) == 0,
                      "two proofs of the same input differ (%zu and %zu bytes)", l1, l2);
            swirl_cuda_zc_cache_stats_get(g_be->gpu, &s2);
            if (swirl_settings_get()->gpu_stages) {
                CHECK_MSG(swirl_cuda_dev_allocs(g_be->gpu) == allocs,
                          "the second proof made %llu device allocations outside the arena",
                          swirl_cuda_dev_allocs(g_be->gpu) - allocs);
                CHECK_MSG(swirl_backend_device_peak(g_be) == held &&
                              swirl_cuda_dev_held(g_be->gpu) == held,
                          "device memory: %zu held after the first proof, peak %zu in the second",
                          held, swirl_backend_device_peak(g_be));
                /* the three AIRs' programs: cached by the first proof (or an earlier test) */
                CHECK_MSG(s2.misses == s1.misses && s2.hits >= s1.hits + 3 &&
                              s2.entries == s1.entries && s2.entries >= 3,
                          "program cache: %llu hits, %llu misses, %zu entries after the second "
                          "proof (%llu, %llu, %zu before)",
                          s2.hits, s2.misses, s2.entries, s1.hits, s1.misses, s1.entries);
                printf("  second proof: 0 device allocations, %llu cached programs reused "
                       "(%zu cached device bytes)\n",
                       s2.hits - s1.hits, s2.device_bytes);
            }
        }
    }
    free(b1);
    free(b2);
    swirl_fixture_three_clear(&f);
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_pow_grinder),
    SWIRL_TEST(test_plan_too_large),
    SWIRL_TEST(test_three_airs),
    SWIRL_TEST(test_tall_fib),
    SWIRL_TEST(test_repeat_no_alloc),
};

int main(int argc, char **argv) {
    if (swirl_test_no_cuda())
        return 77;
    if (swirl_backend_select(&g_be, "cuda") != SWIRL_OK) {
        printf("cannot create the CUDA backend: %s\n", swirl_last_error());
        return 1;
    }
    int rc = swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
    swirl_backend_destroy(g_be);
    return rc;
}
