/* The GPU KeccakAir trace generator's per-row code (air/keccak_row.h, SWIRL_HD: the same code the
 * kernel k_keccak_trace runs) on the CPU, against the reference generator air/keccak_trace.c, word
 * for word including the padding rows; and the public device-trace API's clean errors on a context
 * without a device. Needs no GPU. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "air/keccak_row.h"
#include "air/keccak_trace.h"
#include "harness.h"
#include "swirl/swirl_airs.h"
#include "swirl/swirl_prover.h"

/* every row through swirl_keccak_trace_row into a matrix poisoned with 0xff bytes, so an unwritten
 * word shows up; compared with swirl_keccak_generate_trace */
static void twin_case(const uint64_t (*inputs)[25], size_t n) {
    bb31 *ref = NULL;
    size_t h = 0;
    CHECK_OK(swirl_keccak_generate_trace(&ref, &h, inputs, n));
    CHECK(h == swirl_keccak_trace_height(n));
    CHECK(h >= 24 * n && (h & (h - 1)) == 0 && (h == 1 || h / 2 < 24 * n));
    size_t cells = h * SWIRL_KECCAK_NUM_COLS;
    bb31 *m = malloc(cells * sizeof *m);
    CHECK(m != NULL);
    memset(m, 0xff, cells * sizeof *m);
    for (size_t row = 0; row < h; row++)
        swirl_keccak_trace_row(m, h, row, &inputs[0][0], n);
    size_t bad = 0, first = cells;
    for (size_t i = 0; i < cells; i++)
        if (m[i].v != ref[i].v) {
            if (!bad++)
                first = i;
        }
    CHECK_MSG(bad == 0, "%zu perms: %zu words differ, first at column %zu row %zu", n, bad,
              first / h, first % h);
    /* the padding is really there: a padding row's step flag and a real row's preimage */
    CHECK(bb31_to_u32(m[(size_t)KC_STEP_FLAGS((h - 1) % 24) * h + (h - 1)]) == 1);
    CHECK(bb31_to_u32(m[(size_t)KC_PREIMAGE(0, 0, 0) * h]) == (inputs[0][0] & 0xffff));
    free(m);
    swirl_free(ref);
}

static void test_row_twin_example_inputs(void) {
    size_t n_ex = 0;
    const uint64_t(*ex)[25] = swirl_keccakf_example_inputs(&n_ex);
    CHECK(n_ex == 1024);
    /* 1 (32 rows: one truncated zero permutation), 16 (384 -> 512), 100 (2400 -> 4096), and 11
     * (264 -> 512); 1024 runs on the GPU test (its reference alone is 345 MB) */
    static const size_t counts[] = {1, 11, 16, 100};
    for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++)
        twin_case(ex, counts[k]);
}

static void test_row_twin_random_inputs(void) {
    uint64_t(*in)[25] = malloc(37 * sizeof *in);
    CHECK(in != NULL);
    for (size_t p = 0; p < 37; p++)
        for (int i = 0; i < 25; i++)
            in[p][i] = swirl_test_rand64();
    in[3][0] = ~(uint64_t)0; /* all-ones lanes: every limb 0xffff, every bit 1 */
    for (int i = 0; i < 25; i++)
        in[5][i] = ~(uint64_t)0;
    twin_case((const uint64_t(*)[25])in, 37);
    free(in);
}

/* the twin must also be able to fail: one flipped input bit changes the rows of its permutation */
static void test_row_twin_detects_change(void) {
    size_t n_ex = 0;
    const uint64_t(*ex)[25] = swirl_keccakf_example_inputs(&n_ex);
    uint64_t in[2][25];
    memcpy(in, ex, sizeof in);
    bb31 *ref = NULL;
    size_t h = 0;
    CHECK_OK(swirl_keccak_generate_trace(&ref, &h, (const uint64_t(*)[25])in, 2));
    in[1][7] ^= 1;
    bb31 *m = calloc(h * SWIRL_KECCAK_NUM_COLS, sizeof *m);
    CHECK(m != NULL);
    for (size_t row = 0; row < h; row++)
        swirl_keccak_trace_row(m, h, row, &in[0][0], 2);
    size_t diff_first = 0, diff_second = 0;
    for (size_t c = 0; c < SWIRL_KECCAK_NUM_COLS; c++)
        for (size_t row = 0; row < h; row++)
            if (m[c * h + row].v != ref[c * h + row].v) {
                if (row < 24)
                    diff_first++;
                else
                    diff_second++;
            }
    CHECK(diff_first == 0);
    CHECK(diff_second > 24 * 100);
    free(m);
    swirl_free(ref);
}

/* the public API without a device: generation on a CPU context is refused cleanly, NULLs too */
static void test_device_trace_api_cpu_context(void) {
    swirl_context *ctx = NULL;
    CHECK_OK(swirl_context_create(&ctx, NULL));
    size_t n_ex = 0;
    const uint64_t(*ex)[25] = swirl_keccakf_example_inputs(&n_ex);
    swirl_device_trace *dt = (swirl_device_trace *)&dt; /* must be reset to NULL */
    CHECK_STATUS(swirl_keccak_generate_trace_device(ctx, &dt, ex, 4), SWIRL_E_UNSUPPORTED);
    CHECK(dt == NULL);
    CHECK(strstr(swirl_last_error(), "cuda") != NULL);
    CHECK_STATUS(swirl_keccak_generate_trace_device(NULL, &dt, ex, 4), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_keccak_generate_trace_device(ctx, NULL, ex, 4), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_keccak_generate_trace_device(ctx, &dt, NULL, 4), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_keccak_generate_trace_device(ctx, &dt, ex, 0), SWIRL_E_INVALID_ARG);
    /* the upload of a host trace: a cuda context only; NULLs, empty and overflowing shapes */
    swirl_felt cells[8] = {{0}};
    dt = (swirl_device_trace *)&dt;
    CHECK_STATUS(swirl_device_trace_upload(ctx, &dt, cells, 4, 2), SWIRL_E_UNSUPPORTED);
    CHECK(dt == NULL);
    CHECK(strstr(swirl_last_error(), "cuda") != NULL);
    CHECK_STATUS(swirl_device_trace_upload(NULL, &dt, cells, 4, 2), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_device_trace_upload(ctx, NULL, cells, 4, 2), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_device_trace_upload(ctx, &dt, NULL, 4, 2), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_device_trace_upload(ctx, &dt, cells, 0, 2), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_device_trace_upload(ctx, &dt, cells, 4, 0), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_device_trace_upload(ctx, &dt, cells, SIZE_MAX / 2, 4), SWIRL_E_INVALID_ARG);
    CHECK(dt == NULL);
    swirl_felt *host = NULL;
    CHECK_STATUS(swirl_device_trace_download(NULL, &host), SWIRL_E_INVALID_ARG);
    CHECK(swirl_device_trace_height(NULL) == 0 && swirl_device_trace_width(NULL) == 0);
    swirl_device_trace_destroy(NULL);
    swirl_context_destroy(ctx);
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_row_twin_example_inputs),
    SWIRL_TEST(test_row_twin_random_inputs),
    SWIRL_TEST(test_row_twin_detects_change),
    SWIRL_TEST(test_device_trace_api_cpu_context),
};

int main(int argc, char **argv) {
    return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
}
