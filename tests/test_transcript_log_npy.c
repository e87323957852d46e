/* Transcript logs as .npy directories (transcript/log_npy.h): a fib proof's prover log is written
 * (into nested, new directories), read back equal, and equals the verifier's; the reference
 * vectors' logs read with the same shapes; a log whose `failed` flag is set is refused and writes
 * nothing; a directory that is a file, a missing directory, and files of the wrong dtype or with
 * value and flag counts that differ are SWIRL_E_IO. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "air/test_airs.h"
#include "fixtures.h"
#include "harness.h"
#include "transcript/log_npy.h"
#include "util/npy.h"
#include "prover/prove.h"

static const char *const files[] = {"transcript_values.npy", "transcript_is_sample.npy",
                                    "transcript_perm_results.npy"};

static int exists(const char *path) {
    struct stat sb;
    return stat(path, &sb) == 0;
}

static void remove_log_dir(const char *dir) {
    char p[512];
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        remove(p);
    }
    rmdir(dir);
}

static void check_same(const swirl_transcript_log *a, const swirl_transcript_log *b) {
    CHECK(a->n_values == b->n_values && a->n_perms == b->n_perms);
    CHECK(memcmp(a->values, b->values, a->n_values * sizeof(uint32_t)) == 0);
    CHECK(memcmp(a->is_sample, b->is_sample, a->n_values) == 0);
    CHECK(memcmp(a->perms, b->perms, a->n_perms * 16 * sizeof(uint32_t)) == 0);
}

/* a fib proof's prover and verifier logs */
static void fib_logs(swirl_transcript_log *pl, swirl_transcript_log *vl, swirl_digest *pre) {
    swirl_air_builder *bld;
    CHECK_OK(swirl_fib_air_build(&bld));
    swirl_air *fib = swirl_fixture_compile(bld);
    swirl_system_params p = swirl_fixture_small_params(2, 4, 8);
    swirl_keygen_air ka[1] = {{fib, NULL, 0, 1}};
    swirl_vk *vk;
    CHECK_OK(swirl_keygen(&vk, &p, ka, 1));
    bb31 *tr;
    CHECK_OK(swirl_fib_trace(&tr, 0, 1, 16));
    bb31 pv[3] = {bb31_zero(), bb31_one(), tr[2 * 16 - 1]};
    swirl_trace_input in[1] = {{tr, 16, pv, NULL}};
    swirl_proof proof;
    swirl_transcript_log_init(pl);
    swirl_transcript_log_init(vl);
    CHECK_OK(swirl_flow_prove(&proof, vk, in, NULL, pl));
    CHECK_OK(swirl_flow_verify(vk, &proof, vl));
    *pre = vk->pre_hash;
    swirl_proof_clear(&proof);
    free(tr);
    swirl_vk_destroy(vk);
    swirl_air_destroy(fib);
}

static void test_write_read(void) {
    char base[] = "/tmp/swirl_log_npy_XXXXXX", dir[128], sub[160];
    CHECK(mkdtemp(base) != NULL);
    snprintf(dir, sizeof dir, "%s/a", base);
    snprintf(sub, sizeof sub, "%s/a/b", base);
    swirl_transcript_log pl, vl, back;
    swirl_digest pre;
    fib_logs(&pl, &vl, &pre);
    CHECK(!pl.failed && pl.n_values > 8 && pl.n_perms > 0);
    check_same(&pl, &vl);
    for (int i = 0; i < 8; i++) /* the pre-hash is observed first */
        CHECK(pl.values[i] == bb31_to_u32(pre.v[i]) && pl.is_sample[i] == 0);
    CHECK_OK(swirl_transcript_log_write_npy(sub, &pl));
    CHECK_OK(swirl_transcript_log_read_npy(&back, sub));
    check_same(&pl, &back);
    swirl_transcript_log_clear(&back);
    /* the files as numpy sees them */
    char p[256];
    swirl_npy a;
    snprintf(p, sizeof p, "%s/%s", sub, files[2]);
    CHECK_OK(swirl_npy_read(&a, p));
    CHECK(a.dtype == SWIRL_NPY_U32 && a.ndim == 2 && a.shape[0] == pl.n_perms && a.shape[1] == 16);
    swirl_npy_clear(&a);
    snprintf(p, sizeof p, "%s/%s", sub, files[1]);
    CHECK_OK(swirl_npy_read(&a, p));
    CHECK(a.dtype == SWIRL_NPY_U8 && a.ndim == 1 && a.shape[0] == pl.n_values);
    swirl_npy_clear(&a);
    /* a failed log is refused and writes nothing */
    char none[160];
    snprintf(none, sizeof none, "%s/none", base);
    pl.failed = 1;
    CHECK_STATUS(swirl_transcript_log_write_npy(none, &pl), SWIRL_E_NOMEM);
    CHECK(!exists(none));
    pl.failed = 0;
    /* flags and values of different lengths: rewrite is_sample one shorter */
    size_t shape[1] = {pl.n_values - 1};
    snprintf(p, sizeof p, "%s/%s", sub, files[1]);
    CHECK_OK(swirl_npy_write(p, SWIRL_NPY_U8, shape, 1, pl.is_sample));
    CHECK_STATUS(swirl_transcript_log_read_npy(&back, sub), SWIRL_E_IO);
    /* the wrong dtype */
    shape[0] = pl.n_values;
    CHECK_OK(swirl_npy_write(p, SWIRL_NPY_U32, shape, 1, pl.values));
    CHECK_STATUS(swirl_transcript_log_read_npy(&back, sub), SWIRL_E_IO);
    CHECK(back.n_values == 0 && back.values == NULL);
    /* a directory that is a file; a missing one */
    snprintf(p, sizeof p, "%s/%s/x", sub, files[0]);
    CHECK_STATUS(swirl_transcript_log_write_npy(p, &pl), SWIRL_E_IO);
    CHECK_STATUS(swirl_transcript_log_read_npy(&back, none), SWIRL_E_IO);
    remove_log_dir(sub);
    rmdir(dir);
    rmdir(base);
    swirl_transcript_log_clear(&pl);
    swirl_transcript_log_clear(&vl);
}

/* OpenVM's own logs read with the same layout */
static void test_reference_vectors(void) {
    char dir[512];
    snprintf(dir, sizeof dir, "%s/openvm-v2.0.0/logup_gkr/outputs", SWIRL_TEST_VECTORS_DIR);
    swirl_transcript_log log;
    CHECK_OK(swirl_transcript_log_read_npy(&log, dir));
    CHECK(log.n_values == 945 && log.n_perms == 109);
    size_t samples = 0;
    for (size_t i = 0; i < log.n_values; i++)
        samples += log.is_sample[i];
    CHECK(samples > 0 && samples < log.n_values);
    swirl_transcript_log_clear(&log);
}

/* a .npy file with the given header dict (padded as numpy pads it) and 2 u32 values */
static enum swirl_status parse_with_header(const char *dict, size_t dict_len) {
    uint8_t buf[256];
    size_t hlen = 128 - 10; /* magic(6) + version(2) + length(2) + header = 128 */
    memset(buf, 0, sizeof buf);
    memcpy(buf, "\x93NUMPY\x01\x00", 8);
    buf[8] = (uint8_t)hlen;
    memset(buf + 10, ' ', hlen);
    memcpy(buf + 10, dict, dict_len);
    buf[10 + hlen - 1] = '\n';
    uint32_t v[2] = {7, 9};
    memcpy(buf + 128, v, sizeof v);
    swirl_npy a;
    enum swirl_status st = swirl_npy_parse(&a, buf, 128 + sizeof v, "h.npy");
    if (st == SWIRL_OK) {
        CHECK(a.count == 2 && ((uint32_t *)a.data)[1] == 9);
        swirl_npy_clear(&a);
    }
    return st;
}

/* the header dict is read strictly: nothing but padding after it, no NUL in a key, no key twice */
static void test_header_strict(void) {
    static const char good[] = "{'descr': '<u4', 'fortran_order': False, 'shape': (2,), }";
    CHECK_OK(parse_with_header(good, sizeof good - 1));
    static const char trailing[] = "{'descr': '<u4', 'fortran_order': False, 'shape': (2,), } x";
    CHECK_STATUS(parse_with_header(trailing, sizeof trailing - 1), SWIRL_E_IO);
    CHECK(strstr(swirl_last_error(), "after the .npy header") != NULL);
    static const char nul[] = "{'descr': '<u4', 'fortran_order': False, 'sha\0pe': (2,), }";
    CHECK_STATUS(parse_with_header(nul, sizeof nul - 1), SWIRL_E_IO);
    static const char twice[] =
        "{'descr': '<u4', 'fortran_order': False, 'shape': (2,), 'shape': (1,), }";
    CHECK_STATUS(parse_with_header(twice, sizeof twice - 1), SWIRL_E_IO);
    CHECK(strstr(swirl_last_error(), "duplicate") != NULL);
}

static const struct swirl_test tests[] = {SWIRL_TEST(test_write_read),
                                          SWIRL_TEST(test_reference_vectors),
                                          SWIRL_TEST(test_header_strict)};

int main(int argc, char **argv) {
    return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
}
