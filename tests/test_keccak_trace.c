/* Keccak-f and the KeccakAir trace generator: known answers (Keccak team, p3-keccak-air 0.4.3 tests,
 * the OpenVM keccakf example's 1024 inputs), whole-trace SHA-256 digests and selected rows from a
 * reference implementation of generation.rs, and the inputs parser. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "air/keccak_trace.h"
#include "harness.h"
#include "sha256.h"
#include "vectors/keccak_kat.h"
#include "vectors/keccak_trace_rows_1024.h"
#include "air/keccakf_inputs_1024.h"

static void test_keccak_f_kat(void) {
    size_t n = sizeof kat_keccak_in / sizeof kat_keccak_in[0];
    CHECK(n >= 8);
    for (size_t k = 0; k < n; k++) {
        uint64_t st[25];
        memcpy(st, kat_keccak_in[k], sizeof st);
        swirl_keccak_f(st);
        CHECK_MSG(memcmp(st, kat_keccak_out[k], sizeof st) == 0, "Keccak-f vector '%s'",
                  kat_keccak_names[k]);
    }
    for (int i = 0; i < 5; i++) {
        uint64_t st[25];
        memcpy(st, kat_keccakf_inputs_1024[kat_keccakf_output_idx[i]], sizeof st);
        swirl_keccak_f(st);
        CHECK(memcmp(st, kat_keccakf_outputs_sel[i], sizeof st) == 0);
    }
}

/* SHA-256 of the trace row-major, each cell a 4-byte little-endian canonical u32 */
static void trace_sha(const bb31 *m, size_t h, char hex[65]) {
    test_sha256 s;
    test_sha256_init(&s);
    uint8_t *row = malloc(SWIRL_KECCAK_NUM_COLS * 4);
    CHECK(row != NULL);
    for (size_t r = 0; r < h; r++) {
        for (size_t c = 0; c < SWIRL_KECCAK_NUM_COLS; c++) {
            uint32_t v = bb31_to_u32(m[c * h + r]);
            row[4 * c] = (uint8_t)v;
            row[4 * c + 1] = (uint8_t)(v >> 8);
            row[4 * c + 2] = (uint8_t)(v >> 16);
            row[4 * c + 3] = (uint8_t)(v >> 24);
        }
        test_sha256_update(&s, row, SWIRL_KECCAK_NUM_COLS * 4);
    }
    free(row);
    test_sha256_final_hex(&s, hex);
}

static uint64_t lane_from_limbs(const bb31 *m, size_t h, size_t row, int col0) {
    uint64_t v = 0;
    for (int l = 0; l < 4; l++)
        v |= (uint64_t)bb31_to_u32(m[(size_t)(col0 + l) * h + row]) << (16 * l);
    return v;
}

static void check_small_trace(const uint64_t (*in)[25], size_t n, size_t expect_h,
                              const char *expect_sha) {
    bb31 *m;
    size_t h;
    CHECK_OK(swirl_keccak_generate_trace(&m, &h, in, n));
    CHECK(h == expect_h);
    char hex[65];
    trace_sha(m, h, hex);
    CHECK_MSG(strcmp(hex, expect_sha) == 0, "trace sha %s, expected %s", hex, expect_sha);
    /* outputs: A''' on row 24k + 23 equals Keccak-f of input k */
    for (size_t k = 0; k < n; k++) {
        uint64_t st[25];
        memcpy(st, in[k], sizeof st);
        swirl_keccak_f(st);
        for (int y = 0; y < 5; y++)
            for (int x = 0; x < 5; x++)
                CHECK(lane_from_limbs(m, h, 24 * k + 23, KC_A_PPP(y, x, 0)) == st[x + 5 * y]);
    }
    free(m);
}

static void test_trace_digests_small(void) {
    /* digests from shared/spec/05-test-airs-and-vectors.md §1.5 (reference generation.rs port) */
    uint64_t zero[1][25] = {{0}};
    check_small_trace((const uint64_t(*)[25])zero, 1, 32,
                      "ad4adf2819f8a2ad13c2e91070134b885ce7d4e36f6ee6f61ee6bfee962ffbfc");
    uint64_t one[1][25];
    for (int i = 0; i < 25; i++)
        one[0][i] = (uint64_t)i * 0x0123456789ABCDEFull;
    check_small_trace((const uint64_t(*)[25])one, 1, 32,
                      "fe93c3e6caf9c4ea8faaaa122563c47031bba77879ef7062add211d57a45144a");
    uint64_t four[4][25];
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 25; j++)
            four[i][j] = (uint64_t)(25 * i + j);
    check_small_trace((const uint64_t(*)[25])four, 4, 128,
                      "2040f5094ef0987827e2845c07e1819b7e88d8527265c07cf49ad0fd0760420f");
}

static void test_trace_1024(void) {
    if (swirl_test_sanitized())
        SWIRL_TEST_SKIP("the 2^15 x 2633 trace is too slow under sanitizers; covered by the small digests");
    bb31 *m;
    size_t h;
    CHECK_OK(swirl_keccak_generate_trace(&m, &h, kat_keccakf_inputs_1024, 1024));
    CHECK(h == 32768);
    size_t nrows = sizeof kat_keccak_row_idx / sizeof kat_keccak_row_idx[0];
    for (size_t i = 0; i < nrows; i++) {
        size_t r = kat_keccak_row_idx[i];
        for (size_t c = 0; c < SWIRL_KECCAK_NUM_COLS; c++)
            CHECK_MSG(bb31_to_u32(m[c * h + r]) == kat_keccak_rows[i][c], "row %zu col %zu", r, c);
    }
    char hex[65];
    trace_sha(m, h, hex);
    CHECK_MSG(strcmp(hex, "70fec5de8946694c0be3f6c1491c149ba22de53f71f069e65d49c0d3af3bc33b") == 0,
              "1024-permutation trace sha %s", hex);
    uint64_t sum = 0;
    for (size_t i = 0; i < h * SWIRL_KECCAK_NUM_COLS; i++)
        sum += bb31_to_u32(m[i]);
    CHECK(sum % BB31_P == 30944602);
    free(m);
}

static void test_parse_inputs(void) {
    char text[4096];
    size_t len = 0;
    len += (size_t)snprintf(text + len, sizeof text - len, "# comment\n\n");
    for (int i = 0; i < 25; i++)
        len += (size_t)snprintf(text + len, sizeof text - len, i % 2 ? "0x%x " : "%d ", i);
    len += (size_t)snprintf(text + len, sizeof text - len, "\n  ");
    for (int i = 0; i < 25; i++)
        len += (size_t)snprintf(text + len, sizeof text - len, "18446744073709551615\t");
    uint64_t (*v)[25];
    size_t n;
    CHECK_OK(swirl_keccak_parse_inputs(&v, &n, text, len));
    CHECK(n == 2);
    for (int i = 0; i < 25; i++)
        CHECK(v[0][i] == (uint64_t)i && v[1][i] == UINT64_MAX);
    free(v);

    static const struct {
        const char *text;
        const char *needle;
    } bad[] = {
        {"1 2 3\n", "line 1: 3 words"},
        {"# c\n0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n1 2 x\n", "line 3: word 3 'x'"},
        {"18446744073709551616 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n", "line 1: word 1"},
        {"0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n", "more than 25"},
        {"-1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n", "word 1 '-1'"},
        {"0x 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n", "word 1 '0x'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_STATUS(swirl_keccak_parse_inputs(&v, &n, bad[i].text, strlen(bad[i].text)), SWIRL_E_IO);
        CHECK_MSG(strstr(swirl_last_error(), bad[i].needle) != NULL, "message '%s' lacks '%s'",
                  swirl_last_error(), bad[i].needle);
        CHECK(v == NULL && n == 0);
    }
    CHECK_STATUS(swirl_keccak_parse_inputs(&v, &n, "# nothing\n", 10), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_keccak_read_inputs(&v, &n, "/nonexistent/inputs.txt"), SWIRL_E_IO);
    CHECK(strstr(swirl_last_error(), "/nonexistent/inputs.txt") != NULL);
}

static void test_bad_args(void) {
    bb31 *m;
    size_t h;
    CHECK_STATUS(swirl_keccak_generate_trace(&m, &h, NULL, 1), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_keccak_generate_trace(&m, &h, kat_keccakf_inputs_1024, 0), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_keccak_generate_trace(NULL, &h, kat_keccakf_inputs_1024, 1),
                 SWIRL_E_INVALID_ARG);
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_keccak_f_kat), SWIRL_TEST(test_trace_digests_small), SWIRL_TEST(test_trace_1024),
    SWIRL_TEST(test_parse_inputs), SWIRL_TEST(test_bad_args),
};

int main(int argc, char **argv) {
    return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
}
