/*
 * Helpers for the known-answer tests against OpenVM's own outputs (tests/vectors/openvm-v2.0.0/,
 * README.upstream.md describes the files): loading .npy arrays and JSON files of the vector
 * folder, converting them (a row-major trace into a column-major bb31 matrix, 4 limbs into an
 * extension element) and comparing our values with them, the failure naming the array and the
 * first differing position with both values.
 *
 * Header-only (static inline) so each test_openvm_*.c can include it without a CMake change; only
 * for test programs (SWIRL_TEST_VECTORS_DIR is a compile definition of tests/test_*.c).
 */
#ifndef SWIRL_TESTS_OPENVM_VECTORS_H
#define SWIRL_TESTS_OPENVM_VECTORS_H

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "air/dag.h"
#include "air/test_airs.h"
#include "field/bb31_ext4.h"
#include "harness.h"
#include "hash/poseidon2.h"
#include "transcript/transcript.h"
#include "util/npy.h"

#ifndef SWIRL_TEST_VECTORS_DIR
#error "SWIRL_TEST_VECTORS_DIR must be defined (CMakeLists.txt sets it for tests/test_*.c)"
#endif

#define OVM_DIR SWIRL_TEST_VECTORS_DIR "/openvm-v2.0.0/"

/* The full path of `rel` (printf-style) inside the vector folder, in a static buffer. */
static inline const char *ovm_path(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
static inline const char *ovm_path(const char *fmt, ...) {
    static char buf[1024];
    size_t n = strlen(OVM_DIR);
    memcpy(buf, OVM_DIR, n);
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(buf + n, sizeof buf - n, fmt, ap);
    va_end(ap);
    CHECK(w > 0 && (size_t)w < sizeof buf - n);
    return buf;
}

/* Loads a u32 array of the vector folder and checks its shape: ndim dimensions, each dims[i]
 * (0 = any). */
static inline void ovm_load(swirl_npy *a, const char *rel, size_t ndim, const size_t *dims) {
    const char *path = ovm_path("%s", rel);
    CHECK_OK(swirl_npy_read(a, path));
    CHECK_MSG(a->dtype == SWIRL_NPY_U32, "%s: dtype is not <u4", rel);
    CHECK_MSG(a->ndim == ndim, "%s: %zu dimensions, expected %zu", rel, a->ndim, ndim);
    for (size_t i = 0; i < ndim; i++)
        CHECK_MSG(dims[i] == 0 || a->shape[i] == dims[i], "%s: dimension %zu is %zu, expected %zu",
                  rel, i, a->shape[i], dims[i]);
}
#define OVM_LOAD(a, rel, ...)                                                                      \
    ovm_load((a), (rel), sizeof((size_t[]){__VA_ARGS__}) / sizeof(size_t), (size_t[]){__VA_ARGS__})

static inline const uint32_t *ovm_u32(const swirl_npy *a) {
    return (const uint32_t *)a->data;
}

/* Loads a (height, width) row-major trace as a column-major bb31 matrix (caller frees). */
static inline bb31 *ovm_load_trace(const char *rel, size_t *height, size_t *width) {
    swirl_npy a;
    OVM_LOAD(&a, rel, 0, 0);
    size_t h = a.shape[0], w = a.shape[1];
    bb31 *m = malloc(h * w * sizeof(bb31) + 1);
    CHECK(m != NULL);
    for (size_t r = 0; r < h; r++)
        for (size_t c = 0; c < w; c++)
            m[c * h + r] = bb31_from_u32(ovm_u32(&a)[r * w + c]);
    swirl_npy_clear(&a);
    *height = h;
    *width = w;
    return m;
}

static inline bb31x4 ovm_ext(const uint32_t *limbs) {
    bb31x4 r;
    for (int i = 0; i < 4; i++)
        r.c[i] = bb31_from_u32(limbs[i]);
    return r;
}

/* Each compare fails naming `what`, the first differing element (and limb) and both values. */
static inline void ovm_cmp_u32(const char *what, const uint32_t *want, const uint32_t *got,
                               size_t n) {
    for (size_t i = 0; i < n; i++)
        CHECK_MSG(want[i] == got[i], "%s: element %zu is %u, OpenVM has %u", what, i, got[i],
                  want[i]);
}

static inline void ovm_cmp_bb31(const char *what, const uint32_t *want, const bb31 *got, size_t n) {
    for (size_t i = 0; i < n; i++)
        CHECK_MSG(want[i] == bb31_to_u32(got[i]), "%s: element %zu is %u, OpenVM has %u", what, i,
                  bb31_to_u32(got[i]), want[i]);
}

/* want: 4 canonical limbs per element. */
static inline void ovm_cmp_ext(const char *what, const uint32_t *want, const bb31x4 *got,
                               size_t n) {
    for (size_t i = 0; i < n; i++)
        for (int l = 0; l < 4; l++)
            CHECK_MSG(want[4 * i + l] == bb31_to_u32(got[i].c[l]),
                      "%s: element %zu limb %d is %u, OpenVM has %u", what, i, l,
                      bb31_to_u32(got[i].c[l]), want[4 * i + l]);
}

/* want: 8 canonical elements per digest. */
static inline void ovm_cmp_digests(const char *what, const uint32_t *want, const swirl_digest *got,
                                   size_t n) {
    for (size_t i = 0; i < n; i++)
        for (int l = 0; l < P2_DIGEST_LEN; l++)
            CHECK_MSG(want[8 * i + l] == bb31_to_u32(got[i].v[l]),
                      "%s: digest %zu element %d is %u, OpenVM has %u", what, i, l,
                      bb31_to_u32(got[i].v[l]), want[8 * i + l]);
}

/* A column-major height x width matrix against a row-major (height, width) array. */
static inline void ovm_cmp_matrix(const char *what, const swirl_npy *want, const bb31 *got,
                                  size_t height, size_t width) {
    CHECK_MSG(want->ndim == 2 && want->shape[0] == height && want->shape[1] == width,
              "%s: shape %zux%zu, OpenVM has %zux%zu", what, height, width, want->shape[0],
              want->ndim > 1 ? want->shape[1] : 0);
    for (size_t r = 0; r < height; r++)
        for (size_t c = 0; c < width; c++) {
            uint32_t g = bb31_to_u32(got[c * height + r]), w = ovm_u32(want)[r * width + c];
            CHECK_MSG(g == w, "%s: row %zu column %zu is %u, OpenVM has %u", what, r, c, g, w);
        }
}

/* Loads a JSON file of the vector folder (the failure names file, line and column). */
static inline json_t *ovm_json(const char *rel) {
    json_error_t err;
    json_t *j = json_load_file(ovm_path("%s", rel), 0, &err);
    CHECK_MSG(j != NULL, "%s:%d:%d: %s", rel, err.line, err.column, err.text);
    return j;
}

/* A non-negative integer member (CHECK when missing or of another type). */
static inline size_t ovm_json_size(const json_t *obj, const char *key) {
    json_t *v = json_object_get(obj, key);
    CHECK_MSG(json_is_integer(v) && json_integer_value(v) >= 0, "JSON member %s: not an integer",
              key);
    return (size_t)json_integer_value(v);
}

/* An array of integers into out[0..max); returns the count. */
static inline size_t ovm_json_u32s(const json_t *arr, uint32_t *out, size_t max) {
    CHECK(json_is_array(arr));
    size_t n = json_array_size(arr);
    CHECK(n <= max);
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_array_get(arr, i);
        CHECK(json_is_integer(v) && json_integer_value(v) >= 0 &&
              json_integer_value(v) <= UINT32_MAX);
        out[i] = (uint32_t)json_integer_value(v);
    }
    return n;
}

/* A transcript log against the three transcript arrays in `dir` (n values): values and sample
 * flags position by position, then every permutation state. The first divergence is named with
 * its position, `stage(pos, ctx)` (NULL: no stage names) and both values. */
static inline void ovm_check_log(const swirl_transcript_log *log, const char *dir, size_t n,
                                 const char *(*stage)(size_t pos, const void *ctx),
                                 const void *ctx) {
    char rel[160];
    swirl_npy v, f, p;
    snprintf(rel, sizeof rel, "%s/transcript_values.npy", dir);
    OVM_LOAD(&v, rel, n);
    snprintf(rel, sizeof rel, "%s/transcript_is_sample.npy", dir);
    CHECK_OK(swirl_npy_read(&f, ovm_path("%s", rel)));
    CHECK(f.dtype == SWIRL_NPY_U8 && f.ndim == 1 && f.shape[0] == n);
    snprintf(rel, sizeof rel, "%s/transcript_perm_results.npy", dir);
    OVM_LOAD(&p, rel, 0, 16);
    CHECK_MSG(!log->failed, "the log ran out of memory");
    const uint8_t *flags = f.data;
    size_t m = log->n_values < n ? log->n_values : n;
    for (size_t i = 0; i < m; i++)
        CHECK_MSG(log->values[i] == ovm_u32(&v)[i] && log->is_sample[i] == flags[i],
                  "%s: first divergence at transcript position %zu (stage %s): ours %s %u, "
                  "OpenVM %s %u",
                  dir, i, stage ? stage(i, ctx) : "-", log->is_sample[i] ? "sampled" : "observed",
                  log->values[i], flags[i] ? "sampled" : "observed", ovm_u32(&v)[i]);
    CHECK_MSG(log->n_values == n, "%s: our log has %zu values, OpenVM's %zu", dir, log->n_values,
              n);
    CHECK_MSG(log->n_perms == p.shape[0], "%s: our log has %zu permutation states, OpenVM's %zu",
              dir, log->n_perms, p.shape[0]);
    for (size_t k = 0; k < log->n_perms; k++)
        for (size_t j = 0; j < 16; j++)
            CHECK_MSG(log->perms[16 * k + j] == ovm_u32(&p)[16 * k + j],
                      "%s: permutation state %zu element %zu: ours %u, OpenVM %u", dir, k, j,
                      log->perms[16 * k + j], ovm_u32(&p)[16 * k + j]);
    swirl_npy_clear(&v);
    swirl_npy_clear(&f);
    swirl_npy_clear(&p);
}

/* The five AIRs of the staged and prove/ cases, in air_idx order: FibonacciAir, then
 * DummyInteractionAir::new(field_width, is_send, bus) for (1, true, 0), (1, false, 0),
 * (2, true, 1), (2, false, 1); compiled with max degree 3 (caller destroys). */
static inline swirl_air *ovm_case_air(size_t i) {
    swirl_air_builder *b;
    if (i == 0)
        CHECK_OK(swirl_fib_air_build(&b));
    else
        CHECK_OK(swirl_dummy_interaction_air_build(&b, i <= 2 ? 1 : 2, i % 2 == 1,
                                                   (uint16_t)(i <= 2 ? 0 : 1), 0));
    swirl_air *air;
    CHECK_OK(swirl_air_compile(&air, b, 3));
    swirl_air_builder_destroy(b);
    return air;
}

#endif /* SWIRL_TESTS_OPENVM_VECTORS_H */
