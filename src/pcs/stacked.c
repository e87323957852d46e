/* Stacked PCS commitment on the CPU: layout, stacked matrix, RS encoding, Merkle tree. */
#include "util/alloc.h"
#include "pcs/stacked.h"

#include <stdlib.h>
#include <string.h>

#include "poly/ntt.h"
#include "poly/poly_common.h"
#include "poly/rs_code.h"
#include "util/span.h"

void swirl_stacked_layout_clear(swirl_stacked_layout *layout) {
    if (!layout)
        return;
    free(layout->cols);
    free(layout->mat_starts);
    memset(layout, 0, sizeof *layout);
}

enum swirl_status swirl_stacked_layout_init(swirl_stacked_layout *layout, unsigned l_skip,
                                            unsigned log_stacked_height, const size_t *widths,
                                            const unsigned *log_heights, size_t n_mats) {
    SWIRL_ARG_CHECK(layout != NULL);
    memset(layout, 0, sizeof *layout);
    SWIRL_ARG_CHECK(n_mats == 0 || (widths != NULL && log_heights != NULL));
    SWIRL_ARG_CHECK(l_skip <= log_stacked_height && log_stacked_height <= 40);
    size_t total = 0;
    for (size_t m = 0; m < n_mats; m++) {
        if (m > 0 && log_heights[m] > log_heights[m - 1])
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                               "stacking: traces must be sorted by height, descending (trace %zu)", m);
        /* OpenVM's StackedLayout::new skips a zero-width matrix before its height check (the
         * LogUp layout lists every trace, with or without interactions, at its lifted height) */
        if (widths[m] != 0 && log_heights[m] > log_stacked_height)
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                               "stacking: trace %zu has log height %u > stacked log height %u", m,
                               log_heights[m], log_stacked_height);
        if (!swirl_add_size(total, widths[m], &total) || total > ((size_t)1 << 32))
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "stacking: too many columns");
    }
    layout->l_skip = l_skip;
    layout->height = (size_t)1 << log_stacked_height;
    layout->num_mats = n_mats;
    layout->num_cols = total;
    layout->cols = swirl_malloc((total ? total : 1) * sizeof *layout->cols);
    layout->mat_starts = swirl_malloc((n_mats ? n_mats : 1) * sizeof *layout->mat_starts);
    if (!layout->cols || !layout->mat_starts) {
        swirl_stacked_layout_clear(layout);
        return SWIRL_RAISE(SWIRL_E_NOMEM, "stacking: out of memory");
    }
    size_t col_idx = 0, row_idx = 0, k = 0;
    for (size_t m = 0; m < n_mats; m++) {
        layout->mat_starts[m] = k;
        for (size_t j = 0; j < widths[m]; j++) {
            swirl_stacked_slice s = {m, j, 0, 0, log_heights[m]};
            size_t len = swirl_stacked_slice_len(&s, l_skip);
            if (row_idx + len > layout->height) {
                /* heights are powers of two sorted descending, so a column fills up exactly */
                if (row_idx != layout->height) {
                    swirl_stacked_layout_clear(layout);
                    return SWIRL_RAISE(SWIRL_E_INTERNAL, "stacking: row overflow in column %zu",
                                       col_idx);
                }
                col_idx++;
                row_idx = 0;
            }
            s.col_idx = col_idx;
            s.row_idx = row_idx;
            layout->cols[k++] = s;
            row_idx += len;
        }
    }
    layout->width = col_idx + (row_idx != 0 ? 1 : 0);
    return SWIRL_OK;
}

enum swirl_status swirl_stacked_matrix(bb31 **out, swirl_stacked_layout *layout, unsigned l_skip,
                                       unsigned n_stack, const swirl_trace_view *traces,
                                       size_t n_traces) {
    SWIRL_ARG_CHECK(out != NULL && layout != NULL);
    *out = NULL;
    SWIRL_ARG_CHECK(n_traces == 0 || traces != NULL);
    SWIRL_ARG_CHECK(l_skip + n_stack <= 40);
    size_t *widths = swirl_malloc((n_traces ? n_traces : 1) * sizeof *widths);
    unsigned *logs = swirl_malloc((n_traces ? n_traces : 1) * sizeof *logs);
    if (!widths || !logs) {
        free(widths);
        free(logs);
        return SWIRL_RAISE(SWIRL_E_NOMEM, "stacking: out of memory");
    }
    for (size_t m = 0; m < n_traces; m++) {
        if (!swirl_is_pow2(traces[m].height) || (traces[m].width > 0 && !traces[m].values)) {
            free(widths);
            free(logs);
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                               "stacking: trace %zu height %zu is not a power of two (or NULL values)",
                               m, traces[m].height);
        }
        widths[m] = traces[m].width;
        logs[m] = swirl_log2_exact(traces[m].height);
    }
    enum swirl_status st =
        swirl_stacked_layout_init(layout, l_skip, l_skip + n_stack, widths, logs, n_traces);
    free(widths);
    free(logs);
    SWIRL_TRY(st);
    size_t height = layout->height, cells;
    if (!swirl_mul_size(height, layout->width ? layout->width : 1, &cells) ||
        cells > SIZE_MAX / sizeof(bb31)) {
        swirl_stacked_layout_clear(layout);
        return SWIRL_RAISE(SWIRL_E_NOMEM, "stacking: stacked matrix size overflows");
    }
    bb31 *q = swirl_calloc(cells, sizeof *q);
    if (!q) {
        swirl_stacked_layout_clear(layout);
        return SWIRL_RAISE(SWIRL_E_NOMEM, "stacking: out of memory for %zu cells", cells);
    }
#pragma omp parallel for schedule(dynamic, 4)
    for (long long k = 0; k < (long long)layout->num_cols; k++) {
        const swirl_stacked_slice *s = &layout->cols[k];
        const swirl_trace_view *t = &traces[s->mat_idx];
        const bb31 *src = t->values + s->col * t->height;
        bb31 *dst = q + s->col_idx * height + s->row_idx;
        size_t stride = swirl_stacked_slice_stride(s, l_skip);
        if (stride == 1)
            memcpy(dst, src, t->height * sizeof *dst);
        else
            for (size_t i = 0; i < t->height; i++)
                dst[i * stride] = src[i];
    }
    *out = q;
    return SWIRL_OK;
}

void swirl_stacked_pcs_data_destroy(swirl_stacked_pcs_data *data) {
    if (!data)
        return;
    swirl_stacked_layout_clear(&data->layout);
    free(data->matrix);
    free(data->codeword);
    swirl_merkle_tree_destroy(data->tree);
    free(data);
}

enum swirl_status swirl_stacked_commit(const swirl_backend_ops *ops,
                                          swirl_stacked_pcs_data **out, swirl_digest *root,
                                          const swirl_trace_view *traces, size_t n_traces,
                                          unsigned l_skip, unsigned n_stack, unsigned log_blowup,
                                          unsigned k_whir) {
    ops = swirl_ops_or_cpu(ops);
    SWIRL_ARG_CHECK(out != NULL && root != NULL);
    *out = NULL;
    swirl_stacked_pcs_data *d = swirl_calloc(1, sizeof *d);
    if (!d)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "stacked_commit: out of memory");
    enum swirl_status st;
    swirl_span_begin("stacked_commit");
    st = swirl_stacked_matrix(&d->matrix, &d->layout, l_skip, n_stack, traces, n_traces);
    if (st == SWIRL_OK && d->layout.width == 0)
        st = SWIRL_RAISE(SWIRL_E_INVALID_ARG, "stacked_commit: nothing to commit (no columns)");
    if (st == SWIRL_OK) {
        swirl_span_begin("rs_code_matrix");
        st = ops->rs_code_matrix(ops, &d->codeword, d->matrix, d->layout.height, d->layout.width,
                                 l_skip, log_blowup);
        swirl_span_end();
        d->cw_height = d->layout.height << log_blowup;
    }
    if (st == SWIRL_OK) {
        swirl_span_begin("merkle_tree");
        st = ops->merkle_tree(ops, &d->tree, d->codeword, d->cw_height, d->layout.width, 1,
                              (size_t)1 << k_whir);
        swirl_span_end();
    }
    swirl_span_end();
    if (st != SWIRL_OK) {
        swirl_stacked_pcs_data_destroy(d);
        return st;
    }
    *root = swirl_merkle_tree_root(d->tree);
    *out = d;
    return SWIRL_OK;
}
