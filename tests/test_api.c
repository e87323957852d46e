/* The public API (include/swirl) used as a library user would: context options and errors, keygen,
 * prove, verify, the encodings and their round trips, trace checks, the logger and progress, the
 * thread count scoped to a call, transcript logs, the report. Only public headers are included. */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api_fixtures.h"
#include "harness.h"
#include "swirl/swirl.h"
#include "swirl/swirl_air.h"
#include "swirl/swirl_airs.h"
#include "swirl/swirl_params.h"
#include "swirl/swirl_prover.h"
#include "swirl/swirl_report.h"

static void test_context_options(void) {
    swirl_context *ctx = NULL;
    swirl_context_options o;
    swirl_context_options_init(&o);
    CHECK(o.threads == 0 && o.backend == NULL && o.log == NULL && o.progress_depth == -1);
    o.backend = "metal";
    CHECK_STATUS(swirl_context_create(&ctx, &o), SWIRL_E_INVALID_ARG);
    CHECK(ctx == NULL && strstr(swirl_last_error(), "metal") != NULL);
    o.backend = "cpu";
    o.threads = -1;
    CHECK_STATUS(swirl_context_create(&ctx, &o), SWIRL_E_INVALID_ARG);
    o.threads = 1;
    CHECK_OK(swirl_context_create(&ctx, &o));
    CHECK(swirl_context_threads(ctx) == 1);
    CHECK(strcmp(swirl_context_backend(ctx), "cpu") == 0);
    size_t ns = 99;
    CHECK(swirl_context_stage_trace(ctx, &ns) == NULL && ns == 0); /* no GPU stages on the CPU */
    CHECK(swirl_context_device_peak_bytes(ctx) == 0 && swirl_context_device_peak_bytes(NULL) == 0);
    swirl_context_destroy(ctx);
    CHECK_OK(swirl_context_create(&ctx, NULL)); /* the defaults */
    CHECK(strcmp(swirl_context_backend(ctx), "cpu") == 0);
    swirl_context_destroy(ctx);
    swirl_context_destroy(NULL);
    /* felts: canonical values in and out, reduced mod p */
    CHECK(swirl_felt_to_u32(swirl_felt_from_u32(12345)) == 12345);
    CHECK(swirl_felt_to_u32(swirl_felt_from_u32(2013265921u + 7)) == 7);
}

typedef struct log_sink {
    int n_info, n_warn;
    char first[128];
} log_sink;

static void sink(void *user, enum swirl_log_level level, const char *msg) {
    log_sink *s = user;
    if (level == SWIRL_LOG_INFO && s->n_info++ == 0)
        snprintf(s->first, sizeof s->first, "%s", msg);
    if (level <= SWIRL_LOG_WARN)
        s->n_warn++;
}

/* keygen, prove, verify, bytes, JSON: everything through the public API */
static void test_prove_verify_round_trips(void) {
    fib_case f;
    fib_init(&f, 16);
    log_sink ls = {0, 0, ""};
    swirl_context_options o;
    swirl_context_options_init(&o);
    o.threads = 1;
    o.log = sink;
    o.log_user = &ls;
    o.progress_depth = 1;
    swirl_context *ctx;
    CHECK_OK(swirl_context_create(&ctx, &o));
    int threads_before = omp_get_max_threads();
    swirl_proof *proof = NULL;
    swirl_report_reset();
    CHECK_OK(swirl_prove(ctx, &proof, f.vk, &f.in));
    CHECK(omp_get_max_threads() == threads_before); /* the context's count was scoped to the call */
    CHECK(ls.n_info >= 2 && strstr(ls.first, "stark_prove_excluding_trace") != NULL);
    CHECK(swirl_report_span_ms("stark_prove_excluding_trace") > 0);
    size_t nsp = 0;
    const swirl_span *sp = swirl_report_spans(&nsp);
    CHECK(nsp > 5 && strcmp(sp[0].name, "stark_prove_excluding_trace") == 0 && sp[0].depth == 0);
    CHECK_OK(swirl_verify(ctx, f.vk, proof));
    /* proof bytes, decoded against the key, verify and re-encode to the same bytes */
    uint8_t *bytes = NULL, *again = NULL;
    size_t len = 0, len2 = 0;
    CHECK_OK(swirl_proof_to_bytes(&bytes, &len, proof, f.vk));
    swirl_proof *dec = NULL;
    CHECK_OK(swirl_proof_from_bytes(&dec, f.vk, bytes, len));
    CHECK_OK(swirl_verify(ctx, f.vk, dec));
    CHECK_OK(swirl_proof_to_bytes(&again, &len2, dec, f.vk));
    CHECK(len2 == len && memcmp(bytes, again, len) == 0);
    swirl_free(again);
    /* JSON both ways, with and without the key */
    char *json = NULL;
    CHECK_OK(swirl_proof_bytes_to_json(&json, bytes, len, f.vk));
    CHECK(strstr(json, "\"vk_pre_hash\"") != NULL && strstr(json, "\"whir_proof\"") != NULL);
    CHECK_OK(swirl_proof_json_to_bytes_text(&again, &len2, json, f.vk));
    CHECK(len2 == len && memcmp(bytes, again, len) == 0);
    swirl_free(again);
    swirl_free(json);
    CHECK_OK(swirl_proof_bytes_to_json(&json, bytes, len, NULL));
    CHECK(strstr(json, "\"vk_pre_hash\"") == NULL);
    CHECK_OK(swirl_proof_json_to_bytes_text(&again, &len2, json, NULL));
    CHECK(len2 == len && memcmp(bytes, again, len) == 0);
    swirl_free(again);
    swirl_free(json);
    CHECK_STATUS(swirl_proof_json_to_bytes_text(&again, &len2, "{\"x\": [1,", NULL),
                 SWIRL_E_PROOF_MALFORMED);
    /* a flipped byte: never accepted */
    bytes[len / 2] ^= 1;
    swirl_proof *bad = NULL;
    enum swirl_status st = swirl_proof_from_bytes(&bad, f.vk, bytes, len);
    if (st == SWIRL_OK) {
        CHECK(swirl_verify(ctx, f.vk, bad) != SWIRL_OK);
        swirl_proof_destroy(bad);
    } else {
        CHECK(st == SWIRL_E_PROOF_MALFORMED && bad == NULL);
    }
    swirl_free(bytes);
    /* the key's bytes round trip; the decoded key verifies but cannot prove */
    CHECK_OK(swirl_vk_to_bytes(&bytes, &len, f.vk));
    swirl_vk *vk2 = NULL;
    CHECK_OK(swirl_vk_from_bytes(&vk2, bytes, len));
    uint32_t h1[8], h2[8];
    swirl_vk_get_pre_hash(f.vk, h1);
    swirl_vk_get_pre_hash(vk2, h2);
    CHECK(memcmp(h1, h2, sizeof h1) == 0);
    CHECK(swirl_vk_num_airs(vk2) == 1 && swirl_vk_params(vk2)->l_skip == 2);
    CHECK_OK(swirl_verify(ctx, vk2, proof));
    swirl_vk_destroy(vk2);
    CHECK_STATUS(swirl_vk_from_bytes(&vk2, bytes, len - 1), SWIRL_E_IO);
    swirl_free(bytes);
    swirl_proof_destroy(dec);
    swirl_proof_destroy(proof);
    swirl_context_destroy(ctx);
    fib_clear(&f);
}

/* a wrong trace is named by the checker, and its proof (if made) is never accepted */
static void test_wrong_trace(void) {
    fib_case f;
    fib_init(&f, 8);
    CHECK_OK(swirl_check_traces(f.vk, &f.in));
    f.trace[3] = swirl_felt_from_u32(swirl_felt_to_u32(f.trace[3]) + 1);
    CHECK_STATUS(swirl_check_traces(f.vk, &f.in), SWIRL_E_UNSATISFIED);
    swirl_context *ctx;
    CHECK_OK(swirl_context_create(&ctx, NULL));
    swirl_proof *proof = NULL;
    enum swirl_status st = swirl_prove(ctx, &proof, f.vk, &f.in);
    if (st == SWIRL_OK) {
        CHECK_STATUS(swirl_verify(ctx, f.vk, proof), SWIRL_E_PROOF_REJECTED);
        swirl_proof_destroy(proof);
    }
    swirl_context_destroy(ctx);
    fib_clear(&f);
}

static long file_size(const char *path) {
    struct stat sb;
    return stat(path, &sb) == 0 ? (long)sb.st_size : -1;
}

/* the context's transcript directory receives OpenVM-layout logs of each prove and verify */
static void test_transcript_dir(void) {
    fib_case f;
    fib_init(&f, 4);
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/swirl_test_api_%d", (int)getpid());
    swirl_context *ctx;
    CHECK_OK(swirl_context_create(&ctx, NULL));
    CHECK_OK(swirl_context_set_transcript_dir(ctx, dir));
    swirl_proof *proof = NULL;
    CHECK_OK(swirl_prove(ctx, &proof, f.vk, &f.in));
    char path[160];
    snprintf(path, sizeof path, "%s/transcript_values.npy", dir);
    long prove_size = file_size(path);
    CHECK(prove_size > 128);
    snprintf(path, sizeof path, "%s/transcript_perm_results.npy", dir);
    CHECK(file_size(path) > 128);
    CHECK_OK(swirl_verify(ctx, f.vk, proof));
    snprintf(path, sizeof path, "%s/transcript_values.npy", dir);
    CHECK(file_size(path) == prove_size); /* the verifier's log has the prover's length */
    CHECK_OK(swirl_context_set_transcript_dir(ctx, NULL));
    swirl_proof_destroy(proof);
    swirl_context_destroy(ctx);
    const char *names[] = {"transcript_values.npy", "transcript_is_sample.npy",
                           "transcript_perm_results.npy"};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        remove(path);
    }
    rmdir(dir);
    fib_clear(&f);
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_context_options),
    SWIRL_TEST(test_prove_verify_round_trips),
    SWIRL_TEST(test_wrong_trace),
    SWIRL_TEST(test_transcript_dir),
};

int main(int argc, char **argv) {
    return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
}
