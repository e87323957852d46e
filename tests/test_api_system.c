/* The public API the `swirl` program uses beyond keys and proofs: AIR-system directories
 * (swirl_system.h), the keyless proof summary (swirl_inspect.h) and a context's transcript-log
 * result (swirl.h). Only public headers are included. */
#define _POSIX_C_SOURCE 200809L
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
#include "swirl/swirl_inspect.h"
#include "swirl/swirl_params.h"
#include "swirl/swirl_prover.h"
#include "swirl/swirl_system.h"

static swirl_context *cpu_context(void) {
    swirl_context_options o;
    swirl_context_options_init(&o);
    o.threads = 1;
    swirl_context *ctx = NULL;
    CHECK_OK(swirl_context_create(&ctx, &o));
    return ctx;
}

static void test_proof_summary(void) {
    fib_case f;
    fib_init(&f, 16);
    swirl_context *ctx = cpu_context();
    swirl_proof *proof = NULL;
    CHECK_OK(swirl_prove(ctx, &proof, f.vk, &f.in));
    uint8_t *b = NULL;
    size_t len = 0;
    CHECK_OK(swirl_proof_to_bytes(&b, &len, proof, f.vk));
    swirl_proof_summary s;
    CHECK_OK(swirl_proof_summarize(&s, b, len));
    CHECK(s.n_airs == 1 && s.n_present == 1 && s.present[0].air == 0);
    CHECK(s.present[0].log_height == 4);
    CHECK(s.l_skip == 2 && s.whir_k == 2);
    CHECK(s.whir_rounds == swirl_vk_params(f.vk)->whir.num_rounds);
    CHECK(s.part_start[SWIRL_PART_HEADER] == 0 && s.part_end[SWIRL_PART_WHIR] == len);
    for (int p = 1; p < SWIRL_PROOF_PARTS; p++)
        CHECK(s.part_start[p] == s.part_end[p - 1] && s.part_end[p] > s.part_start[p]);
    swirl_proof_summary_clear(&s);
    swirl_proof_summary_clear(&s); /* twice: nothing */
    /* short, long, another version: malformed, nothing to release */
    CHECK_STATUS(swirl_proof_summarize(&s, b, len - 1), SWIRL_E_PROOF_MALFORMED);
    CHECK(s.present == NULL);
    uint8_t *longer = malloc(len + 1);
    CHECK(longer != NULL);
    memcpy(longer, b, len);
    longer[len] = 0;
    CHECK_STATUS(swirl_proof_summarize(&s, longer, len + 1), SWIRL_E_PROOF_MALFORMED);
    CHECK(strstr(swirl_last_error(), "trailing") != NULL);
    longer[0] = 2;
    CHECK_STATUS(swirl_proof_summarize(&s, longer, len), SWIRL_E_PROOF_MALFORMED);
    CHECK(strstr(swirl_last_error(), "codec version") != NULL);
    CHECK_STATUS(swirl_proof_summarize(&s, NULL, 0), SWIRL_E_PROOF_MALFORMED);
    CHECK_STATUS(swirl_proof_summarize(NULL, b, len), SWIRL_E_INVALID_ARG);
    free(longer);
    swirl_free(b);
    swirl_proof_destroy(proof);
    swirl_context_destroy(ctx);
    fib_clear(&f);
}

/* a fresh directory path (not created) under a new temporary directory */
static void temp_dir(char base[64], char dir[80]) {
    snprintf(base, 64, "/tmp/swirl_test_api_system_XXXXXX");
    CHECK(mkdtemp(base) != NULL);
    snprintf(dir, 80, "%.63s/sys", base);
}

static void remove_tree(const char *base) {
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
    CHECK(system(cmd) == 0);
}

static void test_system_round_trip(void) {
    fib_case f;
    fib_init(&f, 16);
    char base[64], dir[80];
    temp_dir(base, dir);
    CHECK_OK(swirl_system_write(dir, &f.params, &f.spec, &f.in, 1, f.vk, "test"));
    CHECK_STATUS(swirl_system_write(dir, &f.params, &f.spec, &f.in, 1, f.vk, NULL), SWIRL_E_IO);
    swirl_system *sys = NULL;
    CHECK_OK(swirl_system_load(&sys, dir, 1));
    CHECK(swirl_system_num_airs(sys) == 1 && swirl_system_has_traces(sys));
    CHECK(swirl_system_trace_cells(sys) == 16 * 2);
    const swirl_system_params *p = swirl_system_get_params(sys);
    CHECK(p->l_skip == 2 && p->n_stack == 14 && p->whir.k == f.params.whir.k);
    swirl_air_spec spec;
    swirl_trace tr;
    swirl_system_get_air_specs(sys, &spec);
    CHECK_OK(swirl_system_get_traces(sys, &tr));
    CHECK(tr.height == 16 && memcmp(tr.common, f.trace, 32 * sizeof(swirl_felt)) == 0);
    CHECK(swirl_felt_to_u32(tr.public_values[2]) == swirl_felt_to_u32(f.pv[2]));
    size_t bad = 99;
    CHECK_OK(swirl_system_check_traces(sys, &bad));
    CHECK(bad == 99);
    swirl_vk *vk = NULL;
    CHECK_OK(swirl_vk_create(&vk, p, &spec, 1));
    uint32_t h0[8], h1[8];
    swirl_vk_get_pre_hash(f.vk, h0);
    swirl_vk_get_pre_hash(vk, h1);
    CHECK(memcmp(h0, h1, sizeof h0) == 0);
    CHECK_OK(swirl_system_check_vk(sys, vk, dir));
    swirl_vk_destroy(vk);
    swirl_system_destroy(sys);
    /* without traces */
    CHECK_OK(swirl_system_load(&sys, dir, 0));
    CHECK(!swirl_system_has_traces(sys) && swirl_system_trace_cells(sys) == 0);
    CHECK_STATUS(swirl_system_get_traces(sys, &tr), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_system_check_traces(sys, NULL), SWIRL_E_INVALID_ARG);
    swirl_system_destroy(sys);
    swirl_system_destroy(NULL);
    CHECK_STATUS(swirl_system_load(&sys, base, 1), SWIRL_E_IO);
    CHECK(sys == NULL);
    remove_tree(base);
    fib_clear(&f);
}

/* a trace that breaks the last-row constraint: the failing AIR is named */
static void test_system_bad_trace(void) {
    fib_case f;
    fib_init(&f, 16);
    char base[64], dir[80];
    temp_dir(base, dir);
    f.pv[2] = swirl_felt_from_u32(12345);
    CHECK_OK(swirl_system_write(dir, &f.params, &f.spec, &f.in, 1, NULL, NULL));
    swirl_system *sys = NULL;
    CHECK_OK(swirl_system_load(&sys, dir, 1));
    size_t bad = 99;
    CHECK_STATUS(swirl_system_check_traces(sys, &bad), SWIRL_E_UNSATISFIED);
    CHECK(bad == 0);
    swirl_system_destroy(sys);
    remove_tree(base);
    fib_clear(&f);
}

static void test_transcript_result(void) {
    fib_case f;
    fib_init(&f, 16);
    swirl_context *ctx = cpu_context();
    int written = 7;
    size_t nv = 7, np = 7;
    CHECK(swirl_context_transcript_result(ctx, &written, &nv, &np) == SWIRL_OK);
    CHECK(written == 0 && nv == 0 && np == 0);
    char base[64], dir[80];
    temp_dir(base, dir);
    CHECK_OK(swirl_context_set_transcript_dir(ctx, dir));
    swirl_proof *proof = NULL;
    CHECK_OK(swirl_prove(ctx, &proof, f.vk, &f.in));
    CHECK(swirl_context_transcript_result(ctx, &written, &nv, &np) == SWIRL_OK);
    CHECK(written == 1 && nv > 8 && np > 1);
    CHECK_OK(swirl_verify(ctx, f.vk, proof));
    CHECK(swirl_context_transcript_result(ctx, &written, NULL, NULL) == SWIRL_OK && written);
    /* a directory under a file: the write fails, the call says so */
    char bad[300];
    snprintf(bad, sizeof bad, "%s/transcript_values.npy/sub", dir);
    CHECK_OK(swirl_context_set_transcript_dir(ctx, bad));
    CHECK_STATUS(swirl_verify(ctx, f.vk, proof), SWIRL_E_IO);
    CHECK(swirl_context_transcript_result(ctx, &written, NULL, NULL) == SWIRL_E_IO && !written);
    swirl_proof_destroy(proof);
    swirl_context_destroy(ctx);
    remove_tree(base);
    fib_clear(&f);
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_proof_summary),
    SWIRL_TEST(test_system_round_trip),
    SWIRL_TEST(test_system_bad_trace),
    SWIRL_TEST(test_transcript_result),
};

int main(int argc, char **argv) {
    return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
}
