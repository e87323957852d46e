/* The CPU primitive-operation table (device/ops.h): the buffer slots (host memory), the commit's
 * two slots (thin wrappers of the library functions, into caller buffers), sumcheck_fold and the
 * table; the other slots are in constraint.c, gkr.c and whir.c. */
#include "util/alloc.h"
#include "device/ops.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "hash/merkle.h"

#include "poly/rs_code.h"

/* ---- buffers: host memory, transfers are plain copies done at once ---- */

/* host_range: the buffer is host memory and [off, off + bytes) lies inside it */
static enum swirl_status host_range(const char *what, swirl_buf b, size_t off, size_t bytes) {
    if (b.where != SWIRL_MEM_HOST)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "%s: a device buffer given to the CPU table", what);
    if (off > b.bytes || bytes > b.bytes - off || (bytes > 0 && !b.ptr))
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "%s: %zu bytes at %zu outside a %zu-byte buffer",
                           what, bytes, off, b.bytes);
    return SWIRL_OK;
}

enum swirl_status swirl_cpu_buf_alloc(const swirl_backend_ops *ops, swirl_buf *out, size_t bytes) {
    (void)ops;
    SWIRL_ARG_CHECK(out != NULL && bytes > 0);
    memset(out, 0, sizeof *out);
    size_t rounded = (bytes + 63) & ~(size_t)63;
    void *p = rounded >= bytes ? swirl_aligned_alloc(64, rounded) : NULL;
    if (!p)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "buf_alloc: out of host memory for %zu bytes", bytes);
    out->ptr = p;
    out->bytes = bytes;
    out->where = SWIRL_MEM_HOST;
    return SWIRL_OK;
}

void swirl_cpu_buf_free(const swirl_backend_ops *ops, swirl_buf *buf) {
    (void)ops;
    if (!buf)
        return;
    free(buf->ptr);
    memset(buf, 0, sizeof *buf);
}

enum swirl_status swirl_cpu_buf_upload(const swirl_backend_ops *ops, swirl_buf dst, size_t dst_off,
                                       const void *src, size_t bytes) {
    (void)ops;
    SWIRL_TRY(host_range("buf_upload", dst, dst_off, bytes));
    SWIRL_ARG_CHECK(src != NULL || bytes == 0);
    if (bytes)
        memmove((char *)dst.ptr + dst_off, src, bytes);
    return SWIRL_OK;
}

enum swirl_status swirl_cpu_buf_download(const swirl_backend_ops *ops, void *dst, swirl_buf src,
                                         size_t src_off, size_t bytes) {
    (void)ops;
    SWIRL_TRY(host_range("buf_download", src, src_off, bytes));
    SWIRL_ARG_CHECK(dst != NULL || bytes == 0);
    if (bytes)
        memmove(dst, (const char *)src.ptr + src_off, bytes);
    return SWIRL_OK;
}

enum swirl_status swirl_cpu_buf_copy(const swirl_backend_ops *ops, swirl_buf dst, size_t dst_off,
                                     swirl_buf src, size_t src_off, size_t bytes) {
    (void)ops;
    SWIRL_TRY(host_range("buf_copy", dst, dst_off, bytes));
    SWIRL_TRY(host_range("buf_copy", src, src_off, bytes));
    if (bytes)
        memmove((char *)dst.ptr + dst_off, (const char *)src.ptr + src_off, bytes);
    return SWIRL_OK;
}

enum swirl_status swirl_cpu_buf_sync(const swirl_backend_ops *ops) {
    (void)ops;
    return SWIRL_OK;
}

/* ---- the commitment's slots, into caller buffers ---- */

enum swirl_status swirl_rs_code_matrix_bytes(size_t *bytes, size_t height, size_t width,
                                             unsigned log_blowup) {
    SWIRL_ARG_CHECK(bytes != NULL);
    *bytes = 0;
    size_t rs_h = log_blowup < 64 ? height << log_blowup : 0, cells;
    if (log_blowup >= 64 || (rs_h >> log_blowup) != height || !swirl_mul_size(rs_h, width, &cells) ||
        cells > SIZE_MAX / sizeof(bb31))
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "rs_code_matrix: %zu x %zu codeword overflows",
                           height, width);
    *bytes = cells * sizeof(bb31);
    return SWIRL_OK;
}

enum swirl_status swirl_cpu_merkle_tree(const swirl_backend_ops *ops, const swirl_merkle_plan *plan,
                                        swirl_buf layers, swirl_buf matrix) {
    (void)ops;
    SWIRL_ARG_CHECK(plan != NULL && plan->num_layers > 0);
    SWIRL_TRY(host_range("merkle_tree (layers)", layers, 0, swirl_merkle_plan_bytes(plan)));
    SWIRL_TRY(host_range("merkle_tree (matrix)", matrix, 0,
                         plan->height * plan->width * plan->ext_degree * sizeof(bb31)));
    /* the host tree, then its layers into the buffer (digests only: the query layer and above) */
    swirl_merkle_tree *t = NULL;
    SWIRL_TRY(swirl_merkle_tree_build(&t, (const bb31 *)matrix.ptr, plan->height, plan->width,
                                      plan->ext_degree, plan->rows_per_query));
    swirl_digest *dst = (swirl_digest *)layers.ptr;
    enum swirl_status st = SWIRL_OK;
    for (size_t l = 0; l < plan->num_layers; l++) {
        size_t len = 0;
        const swirl_digest *src = swirl_merkle_tree_layer(t, l, &len);
        if (!src || len != plan->layer_len[l]) {
            st = SWIRL_RAISE(SWIRL_E_INTERNAL, "merkle_tree: layer %zu does not match the plan", l);
            break;
        }
        memcpy(dst + plan->layer_off[l], src, len * sizeof *src);
    }
    swirl_merkle_tree_destroy(t);
    return st;
}

enum swirl_status swirl_cpu_rs_code_matrix(const swirl_backend_ops *ops, swirl_buf out,
                                           swirl_buf evals, size_t height, size_t width,
                                           unsigned l_skip, unsigned log_blowup) {
    (void)ops;
    size_t cw_bytes = 0;
    SWIRL_TRY(swirl_rs_code_matrix_bytes(&cw_bytes, height, width, log_blowup));
    SWIRL_TRY(host_range("rs_code_matrix (out)", out, 0, cw_bytes));
    SWIRL_TRY(host_range("rs_code_matrix (evals)", evals, 0, height * width * sizeof(bb31)));
    return swirl_rs_code_matrix_into((bb31 *)out.ptr, (const bb31 *)evals.ptr, height, width,
                                     l_skip, log_blowup);
}

enum swirl_status swirl_cpu_sumcheck_fold(const swirl_backend_ops *ops, bb31x4 *cols, size_t n_cols,
                                          size_t in_stride, size_t out_stride, size_t len,
                                          bb31x4 r) {
    (void)ops;
    if ((n_cols > 0 && !cols) || out_stride > in_stride || (n_cols > 1 && len > in_stride))
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                           "sumcheck_fold: %zu columns of %zu, strides %zu -> %zu", n_cols, len,
                           in_stride, out_stride);
    size_t half = len / 2;
    /* Threads: a fold in place (out_stride == in_stride) touches only its own column, so
     * columns go to threads. A packing fold writes column c over the sources of columns <= c,
     * so in parallel it folds into a scratch matrix first and copies back. Small folds, and a
     * packing fold without memory for the scratch, stay serial. The values are the same. */
    const size_t work = n_cols * half, parallel_min = (size_t)1 << 14;
    if (work >= parallel_min && omp_get_max_threads() > 1) {
        if (out_stride == in_stride && n_cols > 1) {
#pragma omp parallel for schedule(dynamic, 1)
            for (size_t c = 0; c < n_cols; c++) {
                bb31x4 *col = cols + c * in_stride;
                for (size_t y = 0; y < half; y++)
                    col[y] = bb31x4_add(col[2 * y],
                                        bb31x4_mul(bb31x4_sub(col[2 * y + 1], col[2 * y]), r));
            }
            return SWIRL_OK;
        }
        bb31x4 *tmp = swirl_malloc(work * sizeof *tmp);
        if (tmp) {
#pragma omp parallel for schedule(static)
            for (size_t i = 0; i < work; i++) {
                const bb31x4 *src = cols + (i / half) * in_stride + 2 * (i % half);
                tmp[i] = bb31x4_add(src[0], bb31x4_mul(bb31x4_sub(src[1], src[0]), r));
            }
#pragma omp parallel for schedule(static)
            for (size_t i = 0; i < work; i++)
                cols[(i / half) * out_stride + i % half] = tmp[i];
            free(tmp);
            return SWIRL_OK;
        }
    }
    for (size_t c = 0; c < n_cols; c++) {
        const bb31x4 *src = cols + c * in_stride;
        bb31x4 *dst = cols + c * out_stride;
        for (size_t y = 0; y < half; y++) {
            bb31x4 a = src[2 * y], b = src[2 * y + 1];
            dst[y] = bb31x4_add(a, bb31x4_mul(bb31x4_sub(b, a), r));
        }
    }
    return SWIRL_OK;
}

static const swirl_backend_ops g_cpu_ops = {
    .ctx = NULL,
    .buf_alloc = swirl_cpu_buf_alloc,
    .buf_free = swirl_cpu_buf_free,
    .buf_upload = swirl_cpu_buf_upload,
    .buf_download = swirl_cpu_buf_download,
    .buf_copy = swirl_cpu_buf_copy,
    .buf_sync = swirl_cpu_buf_sync,
    .merkle_tree = swirl_cpu_merkle_tree,
    .rs_code_matrix = swirl_cpu_rs_code_matrix,
    .constraint_round0 = swirl_cpu_constraint_round0,
    .constraint_round = swirl_cpu_constraint_round,
    .gkr_tree = swirl_cpu_gkr_tree,
    .gkr_layer = swirl_cpu_gkr_layer,
    .sumcheck_fold = swirl_cpu_sumcheck_fold,
    .whir_sumcheck = swirl_cpu_whir_sumcheck,
    .whir_fold = swirl_cpu_whir_fold,
};

const swirl_backend_ops *swirl_backend_cpu_ops(void) {
    return &g_cpu_ops;
}
