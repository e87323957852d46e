/* Fiat-Shamir on the device (backend/cuda/transcript.cu) against its CPU twin (transcript.c):
 * random observe/sample scripts, OpenVM's own transcript logs replayed as scripts, and PoW grinding
 * (the same smallest witness and the same state), each stage making exactly one host sync (its
 * end). Skips (exit 77) without a CUDA device. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device/cuda/cuda_backend.h"
#include "fixtures.h"
#include "harness.h"
#include "transcript/transcript.h"
#include "util/npy.h"

static swirl_cuda_ctx *g_ctx;

static void *dev_alloc(size_t bytes) {
    void *d = NULL;
    CHECK_OK(swirl_cuda_alloc(g_ctx, &d, bytes ? bytes : 4));
    return d;
}

static void check_last_stage_one_sync(void) {
    size_t n = 0;
    const swirl_stage_trace *tr = swirl_cuda_stage_trace(g_ctx, &n);
    CHECK(n > 0);
    CHECK_MSG(tr[n - 1].syncs == 1, "stage %s made %u host syncs", tr[n - 1].name, tr[n - 1].syncs);
}

static int same_state(const swirl_transcript *a, const swirl_transcript *b) {
    return memcmp(a->state, b->state, sizeof a->state) == 0 && a->absorb_idx == b->absorb_idx &&
           a->sample_idx == b->sample_idx && a->last_op_perm == b->last_op_perm;
}

/* runs ops on the device from `start`, returns the samples and the final state */
static void gpu_script(swirl_transcript *out_state, uint32_t *samples,
                       const swirl_transcript *start, const uint32_t *ops, size_t n,
                       size_t n_samples) {
    swirl_cuda_arena_reset(g_ctx);
    swirl_transcript *d_t = dev_alloc(sizeof *d_t);
    uint32_t *d_ops = dev_alloc(n * 4), *d_out = dev_alloc(n_samples * 4);
    CHECK_OK(swirl_cuda_stage_begin(g_ctx, "test_transcript_script"));
    CHECK_OK(swirl_cuda_upload(g_ctx, d_t, start, sizeof *start));
    CHECK_OK(swirl_cuda_upload(g_ctx, d_ops, ops, n * 4));
    CHECK_OK(swirl_cuda_transcript_script(g_ctx, d_t, d_ops, n, d_out));
    CHECK_OK(swirl_cuda_download(g_ctx, samples, d_out, n_samples * 4));
    CHECK_OK(swirl_cuda_download(g_ctx, out_state, d_t, sizeof *out_state));
    CHECK_OK(swirl_cuda_stage_end(g_ctx));
    check_last_stage_one_sync();
    out_state->log = NULL;
}

static void test_random_scripts(void) {
    for (int iter = 0; iter < 20; iter++) {
        size_t n = 1 + (size_t)swirl_test_rand_below(300), ns = 0;
        uint32_t *ops = malloc(n * 4), *cpu = malloc(n * 4), *gpu = malloc(n * 4);
        CHECK(ops && cpu && gpu);
        swirl_transcript t, start;
        swirl_transcript_init(&t);
        for (int k = 0; k < iter; k++) /* a start state that is not empty */
            swirl_transcript_observe(&t, bb31_from_u32(swirl_test_rand32()));
        start = t;
        for (size_t i = 0; i < n; i++) {
            if (swirl_test_rand_below(3) == 0) {
                ops[i] = SWIRL_TS_OP_SAMPLE;
                cpu[ns++] = bb31_to_u32(swirl_transcript_sample(&t));
            } else {
                ops[i] = (uint32_t)swirl_test_rand_below(BB31_P);
                swirl_transcript_observe(&t, bb31_from_u32(ops[i]));
            }
        }
        swirl_transcript g;
        gpu_script(&g, gpu, &start, ops, n, ns);
        CHECK(memcmp(cpu, gpu, ns * 4) == 0);
        CHECK(same_state(&t, &g));
        free(ops);
        free(cpu);
        free(gpu);
    }
}

/* an OpenVM transcript log is a script: its observed values, then a sample where it sampled */
static void replay_log(const char *dir) {
    char path[512];
    swirl_npy vals, flags;
    snprintf(path, sizeof path, "%s/openvm-v2.0.0/%s/transcript_values.npy", SWIRL_TEST_VECTORS_DIR,
             dir);
    CHECK_OK(swirl_npy_read(&vals, path));
    snprintf(path, sizeof path, "%s/openvm-v2.0.0/%s/transcript_is_sample.npy",
             SWIRL_TEST_VECTORS_DIR, dir);
    CHECK_OK(swirl_npy_read(&flags, path));
    CHECK(vals.count == flags.count && vals.dtype == SWIRL_NPY_U32);
    const uint32_t *v = vals.data;
    const uint8_t *f = flags.data;
    uint32_t *ops = malloc(vals.count * 4), *want = malloc(vals.count * 4),
             *got = malloc(vals.count * 4);
    CHECK(ops && want && got);
    size_t ns = 0;
    for (size_t i = 0; i < vals.count; i++) {
        ops[i] = f[i] ? SWIRL_TS_OP_SAMPLE : v[i];
        if (f[i])
            want[ns++] = v[i];
    }
    swirl_transcript start, g;
    swirl_transcript_init(&start);
    gpu_script(&g, got, &start, ops, vals.count, ns);
    for (size_t i = 0; i < ns; i++)
        CHECK_MSG(got[i] == want[i], "%s: sample %zu: device %u, OpenVM %u", dir, i, got[i],
                  want[i]);
    free(ops);
    free(want);
    free(got);
    swirl_npy_clear(&vals);
    swirl_npy_clear(&flags);
}

static void test_openvm_logs_replayed(void) {
    replay_log("transcript");
    replay_log("logup_gkr/outputs"); /* the whole 945-element log of a 5-AIR proof */
}

static void test_grind(void) {
    /* 0..14 bits, then large searches whose first chunk needs several waves of blocks (a block
     * that starts after another block's success may still hold a smaller witness) */
    unsigned list[15 + 8];
    size_t nb = 0;
    for (unsigned bits = 0; bits <= 14; bits++)
        list[nb++] = bits;
    const unsigned big[] = {16, 18, 18, 20, 20, 20, 22, 22};
    for (size_t i = 0; i < sizeof big / sizeof big[0]; i++)
        list[nb++] = big[i];
    for (size_t li = 0; li < nb; li++) {
        unsigned bits = list[li];
        swirl_transcript t;
        swirl_transcript_init(&t);
        size_t pre = (size_t)swirl_test_rand_below(20);
        for (size_t k = 0; k < pre; k++)
            swirl_transcript_observe(&t, bb31_from_u32(swirl_test_rand32()));
        swirl_transcript start = t;
        bb31 w;
        CHECK_OK(swirl_transcript_grind(&t, &w, bits));
        swirl_cuda_arena_reset(g_ctx);
        swirl_transcript *d_t = dev_alloc(sizeof *d_t);
        uint32_t *d_w = dev_alloc(4);
        void *scratch = dev_alloc(swirl_cuda_transcript_grind_bytes());
        uint32_t gw = 0;
        swirl_transcript g;
        CHECK_OK(swirl_cuda_stage_begin(g_ctx, "test_transcript_grind"));
        CHECK_OK(swirl_cuda_upload(g_ctx, d_t, &start, sizeof start));
        CHECK_OK(swirl_cuda_transcript_grind(g_ctx, d_t, bits, d_w, scratch));
        CHECK_OK(swirl_cuda_download(g_ctx, &gw, d_w, 4));
        CHECK_OK(swirl_cuda_download(g_ctx, &g, d_t, sizeof g));
        CHECK_OK(swirl_cuda_stage_end(g_ctx));
        check_last_stage_one_sync();
        CHECK_MSG(gw == bb31_to_u32(w), "bits %u: device witness %u, CPU %u", bits, gw,
                  bb31_to_u32(w));
        CHECK(same_state(&t, &g));
    }
    /* bits >= 31 is refused before anything is enqueued */
    CHECK_STATUS(
        swirl_cuda_transcript_grind(g_ctx, (swirl_transcript *)1, 31, (uint32_t *)1, (void *)1),
        SWIRL_E_INVALID_ARG);
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_random_scripts),
    SWIRL_TEST(test_openvm_logs_replayed),
    SWIRL_TEST(test_grind),
};

int main(int argc, char **argv) {
    if (swirl_test_no_cuda())
        return 77;
    if (swirl_cuda_ctx_create(&g_ctx, 0, (size_t)64 << 20) != SWIRL_OK) {
        printf("cannot create a CUDA context: %s\n", swirl_last_error());
        return 1;
    }
    int rc = swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
    swirl_cuda_ctx_destroy(g_ctx);
    return rc;
}
