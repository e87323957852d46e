/* KeccakAir's trace generated on the GPU (swirl_keccak_generate_trace_device) and proved where it
 * lies (swirl_prove_device): the device trace equals swirl_keccak_generate_trace bit for bit
 * (1, 16, 100, 1024 permutations, padding rows included); the proof from the device trace is the
 * host trace's proof byte for byte, with no trace_upload stage; the host fallbacks (a transcript
 * log in every run; SWIRL_GPU_STAGES=0 in the ctest entry test_gpu_keccak_trace_cpu_stages) get
 * a logged download and give the same proof; a host trace uploaded with swirl_device_trace_upload
 * proves to the same bytes; the CPU backend, another context and bad shapes are
 * refused with SWIRL_E_INVALID_ARG. Skips (exit 77) without a CUDA device. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "device/cuda/cuda_backend.h"
#include "fixtures.h"
#include "harness.h"
#include "swirl/swirl.h"
#include "swirl/swirl_air.h"
#include "swirl/swirl_airs.h"
#include "swirl/swirl_params.h"
#include "swirl/swirl_prover.h"
#include "swirl/swirl_report.h"
#include "util/settings.h"

static int g_downloads_logged; /* warnings that announce a trace download */

static void count_log(void *user, enum swirl_log_level level, const char *msg) {
    (void)user;
    if (level <= SWIRL_LOG_WARN && strstr(msg, "downloading") && strstr(msg, "device trace"))
        g_downloads_logged++;
}

static swirl_context *cuda_ctx(void) {
    swirl_context_options o;
    swirl_context_options_init(&o);
    o.backend = "cuda";
    o.log = count_log;
    swirl_context *ctx = NULL;
    CHECK_OK(swirl_context_create(&ctx, &o));
    return ctx;
}

/* the named stage's latest record in the context's stage trace (a proof clears it first), or
 * NULL */
static const swirl_stage *find_stage(const swirl_context *ctx, const char *name) {
    size_t n = 0;
    const swirl_stage *tr = swirl_context_stage_trace(ctx, &n);
    for (size_t i = n; i-- > 0;)
        if (strcmp(tr[i].name, name) == 0)
            return &tr[i];
    return NULL;
}

static void test_device_trace_equals_cpu(void) {
    swirl_context *ctx = cuda_ctx();
    size_t n_ex = 0;
    const uint64_t(*ex)[25] = swirl_keccakf_example_inputs(&n_ex);
    static const size_t counts[] = {1, 16, 100, 1024};
    for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
        size_t n = counts[k], h = 0;
        swirl_felt *ref = NULL, *got = NULL;
        swirl_device_trace *dt = NULL;
        CHECK_OK(swirl_keccak_generate_trace(&ref, &h, ex, n));
        CHECK_OK(swirl_keccak_generate_trace_device(ctx, &dt, ex, n));
        CHECK(swirl_device_trace_height(dt) == h);
        CHECK(swirl_device_trace_width(dt) == 2633);
        CHECK_OK(swirl_device_trace_download(dt, &got));
        const swirl_stage *s = find_stage(ctx, "trace_download");
        CHECK(s != NULL && s->bytes == h * 2633 * sizeof(swirl_felt));
        size_t cells = h * 2633, bad = 0, first = cells;
        for (size_t i = 0; i < cells; i++)
            if (got[i].v != ref[i].v && !bad++)
                first = i;
        CHECK_MSG(bad == 0, "%zu perms: %zu words differ, first at column %zu row %zu", n, bad,
                  first / h, first % h);
        swirl_free(ref);
        swirl_free(got);
        swirl_device_trace_destroy(dt);
    }
    swirl_context_destroy(ctx);
}

typedef struct keccak_key {
    swirl_air_builder *b;
    swirl_air *air;
    swirl_vk *vk;
} keccak_key;

static void key_make(keccak_key *k) {
    swirl_system_params p;
    swirl_whir_proximity ud = {SWIRL_PROXIMITY_UNIQUE_DECODING, 0, 0};
    memset(k, 0, sizeof *k);
    CHECK_OK(swirl_params_100_bits(&p, 1, 4, 17, 2048, 5, 15, ud, 3, 20, 4, 8));
    CHECK_OK(swirl_keccak_air_build(&k->b));
    CHECK_OK(swirl_air_compile(&k->air, k->b, 3));
    swirl_air_spec spec = {k->air, NULL, 0, 1};
    CHECK_OK(swirl_vk_create(&k->vk, &p, &spec, 1));
}

static void key_clear(keccak_key *k) {
    swirl_vk_destroy(k->vk);
    swirl_air_destroy(k->air);
    swirl_air_builder_destroy(k->b);
}

static void proof_bytes(uint8_t **bytes, size_t *len, const swirl_proof *p, const swirl_vk *vk) {
    CHECK_OK(swirl_proof_to_bytes(bytes, len, p, vk));
}

/* the host proof and the device proof of 16 permutations on ctx: equal bytes; the device one
 * verifies, uploads no trace and downloads it exactly when the rap stage runs on the host */
static void prove_both(swirl_context *ctx, const keccak_key *k, int host_stage_expected) {
    size_t n_ex = 0, h = 0;
    const uint64_t(*ex)[25] = swirl_keccakf_example_inputs(&n_ex);
    swirl_felt *ht = NULL;
    swirl_device_trace *dt = NULL;
    CHECK_OK(swirl_keccak_generate_trace(&ht, &h, ex, 16));
    CHECK_OK(swirl_keccak_generate_trace_device(ctx, &dt, ex, 16));
    swirl_trace hin = {ht, h, NULL, NULL}, din = {NULL, 0, NULL, NULL};
    const swirl_device_trace *dev[1] = {dt};
    swirl_proof *hp = NULL, *dp = NULL;
    CHECK_OK(swirl_prove(ctx, &hp, k->vk, &hin));
    CHECK(find_stage(ctx, "trace_upload") != NULL); /* the host path still uploads */
    g_downloads_logged = 0;
    CHECK_OK(swirl_prove_device(ctx, &dp, k->vk, &din, dev));
    CHECK(find_stage(ctx, "trace_upload") == NULL);
    const swirl_stage *fb = find_stage(ctx, "cpu_fallback:trace_download");
    if (host_stage_expected) {
        CHECK(fb != NULL && fb->bytes == h * 2633 * sizeof(swirl_felt));
        CHECK(g_downloads_logged == 1);
    } else {
        CHECK(fb == NULL);
        CHECK(g_downloads_logged == 0);
    }
    CHECK_OK(swirl_verify(ctx, k->vk, dp));
    uint8_t *hb = NULL, *db = NULL;
    size_t hl = 0, dl = 0;
    proof_bytes(&hb, &hl, hp, k->vk);
    proof_bytes(&db, &dl, dp, k->vk);
    CHECK(hl > 1000 && hl == dl);
    CHECK(memcmp(hb, db, hl) == 0);
    /* the debug check of a device trace: a logged download, then the host check */
    g_downloads_logged = 0;
    CHECK_OK(swirl_check_traces_device(k->vk, &din, dev));
    CHECK(g_downloads_logged == 1);
    swirl_free(hb);
    swirl_free(db);
    swirl_proof_destroy(hp);
    swirl_proof_destroy(dp);
    swirl_device_trace_destroy(dt);
    swirl_free(ht);
}

static void test_device_proof_equals_host_proof(void) {
    keccak_key k;
    key_make(&k);
    swirl_context *ctx = cuda_ctx();
    /* SWIRL_GPU_STAGES=0 (the second ctest entry): the CPU stages read a downloaded copy */
    prove_both(ctx, &k, !swirl_settings_get()->gpu_stages);
    swirl_context_destroy(ctx);
    key_clear(&k);
}

/* a host trace uploaded with swirl_device_trace_upload: the same words on the device (one
 * "device_trace_upload" stage with its bytes), and a proof from it equal to the host proof */
static void test_uploaded_trace(void) {
    keccak_key k;
    key_make(&k);
    swirl_context *ctx = cuda_ctx();
    size_t n_ex = 0, h = 0;
    const uint64_t(*ex)[25] = swirl_keccakf_example_inputs(&n_ex);
    swirl_felt *ht = NULL, *back = NULL;
    CHECK_OK(swirl_keccak_generate_trace(&ht, &h, ex, 16));
    swirl_device_trace *dt = NULL;
    CHECK_OK(swirl_device_trace_upload(ctx, &dt, ht, h, 2633));
    const swirl_stage *up = find_stage(ctx, "device_trace_upload");
    CHECK(up != NULL && up->bytes == h * 2633 * sizeof(swirl_felt));
    CHECK(swirl_device_trace_height(dt) == h && swirl_device_trace_width(dt) == 2633);
    CHECK_OK(swirl_device_trace_download(dt, &back));
    CHECK(memcmp(back, ht, h * 2633 * sizeof(swirl_felt)) == 0);
    swirl_trace hin = {ht, h, NULL, NULL}, din = {NULL, 0, NULL, NULL};
    const swirl_device_trace *dev[1] = {dt};
    swirl_proof *hp = NULL, *dp = NULL;
    CHECK_OK(swirl_prove(ctx, &hp, k.vk, &hin));
    CHECK_OK(swirl_prove_device(ctx, &dp, k.vk, &din, dev));
    CHECK(find_stage(ctx, "trace_upload") == NULL);
    uint8_t *hb = NULL, *db = NULL;
    size_t hl = 0, dl = 0;
    proof_bytes(&hb, &hl, hp, k.vk);
    proof_bytes(&db, &dl, dp, k.vk);
    CHECK(hl > 1000 && hl == dl && memcmp(hb, db, hl) == 0);
    swirl_free(hb);
    swirl_free(db);
    swirl_proof_destroy(hp);
    swirl_proof_destroy(dp);
    swirl_free(back);
    swirl_device_trace_destroy(dt);
    swirl_free(ht);
    swirl_context_destroy(ctx);
    key_clear(&k);
}

/* a transcript log keeps rap_constraints on the host in every configuration: the fallback */
static void test_transcript_log_fallback(void) {
    keccak_key k;
    key_make(&k);
    swirl_context *ctx = cuda_ctx();
    char dir[] = "/tmp/swirl_gpu_keccak_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    CHECK_OK(swirl_context_set_transcript_dir(ctx, dir));
    prove_both(ctx, &k, 1);
    int written = 0;
    CHECK_OK(swirl_context_transcript_result(ctx, &written, NULL, NULL));
    CHECK(written == 1);
    static const char *const files[] = {"transcript_values.npy", "transcript_is_sample.npy",
                                        "transcript_perm_results.npy"};
    for (int i = 0; i < 3; i++) {
        char path[256];
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        CHECK(unlink(path) == 0);
    }
    CHECK(rmdir(dir) == 0);
    swirl_context_destroy(ctx);
    key_clear(&k);
}

static void test_rejections(void) {
    keccak_key k;
    key_make(&k);
    swirl_context *ctx = cuda_ctx(), *other = cuda_ctx(), *cpu = NULL;
    CHECK_OK(swirl_context_create(&cpu, NULL));
    size_t n_ex = 0, h = 0;
    const uint64_t(*ex)[25] = swirl_keccakf_example_inputs(&n_ex);
    swirl_device_trace *dt = NULL;
    CHECK_OK(swirl_keccak_generate_trace_device(ctx, &dt, ex, 4));
    h = swirl_device_trace_height(dt);
    CHECK(h == 128);
    const swirl_device_trace *dev[1] = {dt};
    swirl_trace din = {NULL, 0, NULL, NULL};
    swirl_proof *p = (swirl_proof *)&p;
    /* the CPU backend: a clean error, never a read of device memory */
    CHECK_STATUS(swirl_prove_device(cpu, &p, k.vk, &din, dev), SWIRL_E_INVALID_ARG);
    CHECK(p == NULL);
    CHECK(strstr(swirl_last_error(), "cuda backend") != NULL);
    CHECK_STATUS(swirl_prove_device(other, &p, k.vk, &din, dev), SWIRL_E_INVALID_ARG);
    CHECK(strstr(swirl_last_error(), "another context") != NULL);
    swirl_trace bad_h = {NULL, 2 * h, NULL, NULL};
    CHECK_STATUS(swirl_prove_device(ctx, &p, k.vk, &bad_h, dev), SWIRL_E_INVALID_ARG);
    swirl_felt *ht = NULL;
    CHECK_OK(swirl_keccak_generate_trace(&ht, &h, ex, 4));
    swirl_trace both = {ht, h, NULL, NULL};
    CHECK_STATUS(swirl_prove_device(ctx, &p, k.vk, &both, dev), SWIRL_E_INVALID_ARG);
    CHECK(strstr(swirl_last_error(), "both") != NULL);
    CHECK(p == NULL);
    /* generation needs a cuda context */
    swirl_device_trace *none = NULL;
    CHECK_STATUS(swirl_keccak_generate_trace_device(cpu, &none, ex, 4), SWIRL_E_UNSUPPORTED);
    CHECK(none == NULL);
    /* NULL entries: plain host proving through the same call */
    const swirl_device_trace *nodev[1] = {NULL};
    CHECK_OK(swirl_prove_device(ctx, &p, k.vk, &both, nodev));
    CHECK_OK(swirl_verify(ctx, k.vk, p));
    swirl_proof_destroy(p);
    swirl_free(ht);
    swirl_device_trace_destroy(dt);
    swirl_context_destroy(cpu);
    swirl_context_destroy(other);
    swirl_context_destroy(ctx);
    key_clear(&k);
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_device_trace_equals_cpu),
    SWIRL_TEST(test_device_proof_equals_host_proof),
    SWIRL_TEST(test_uploaded_trace),
    SWIRL_TEST(test_transcript_log_fallback),
    SWIRL_TEST(test_rejections),
};

int main(int argc, char **argv) {
    if (swirl_test_no_cuda())
        return 77;
    return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
}
