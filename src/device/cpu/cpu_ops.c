/* The CPU primitive-operation table (device/ops.h). The slots whose code lives next to its driver
 * are defined there; the commit's two are thin wrappers of the library functions. */
#include "util/alloc.h"
#include "device/ops.h"

#include <omp.h>
#include <stdlib.h>

#include "poly/rs_code.h"

enum swirl_status swirl_cpu_merkle_tree(const swirl_backend_ops *ops, swirl_merkle_tree **out,
                                        const bb31 *matrix, size_t height, size_t width,
                                        unsigned ext_degree, size_t rows_per_query) {
    (void)ops;
    return swirl_merkle_tree_build(out, matrix, height, width, ext_degree, rows_per_query);
}

enum swirl_status swirl_cpu_rs_code_matrix(const swirl_backend_ops *ops, bb31 **out,
                                           const bb31 *evals, size_t height, size_t width,
                                           unsigned l_skip, unsigned log_blowup) {
    (void)ops;
    return swirl_rs_code_matrix(out, evals, height, width, l_skip, log_blowup);
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
