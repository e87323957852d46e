/* Stacked PCS commitment on the CPU: layout, stacked matrix, RS encoding, Merkle tree. */
#include "pcs/stacked.h"

#include <stdlib.h>
#include <string.h>

#include "poly/ntt.h"
#include "poly/poly_common.h"
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
    layout->cols = malloc((total ? total : 1) * sizeof *layout->cols);
    layout->mat_starts = malloc((n_mats ? n_mats : 1) * sizeof *layout->mat_starts);
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
    size_t *widths = malloc((n_traces ? n_traces : 1) * sizeof *widths);
    unsigned *logs = malloc((n_traces ? n_traces : 1) * sizeof *logs);
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
    bb31 *q = calloc(cells, sizeof *q);
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

enum swirl_status swirl_eval_to_coeff_rs_message(bb31 *col, unsigned log_len, unsigned l_skip) {
    SWIRL_ARG_CHECK(col != NULL && l_skip <= log_len && log_len <= BB31_TWO_ADICITY);
    size_t chunk = (size_t)1 << l_skip, n = (size_t)1 << log_len;
    SWIRL_TRY(swirl_ntt_inverse(col, l_skip, n / chunk, chunk, bb31_one(), SWIRL_NTT_NONE));
    for (size_t c = 0; c < n; c += chunk)
        swirl_mle_coeffs_to_evals(col + c, chunk);
    return SWIRL_OK;
}

enum swirl_status swirl_rs_message_to_evals(bb31 *col, unsigned log_len, unsigned l_skip) {
    SWIRL_ARG_CHECK(col != NULL && l_skip <= log_len && log_len <= BB31_TWO_ADICITY);
    size_t chunk = (size_t)1 << l_skip, n = (size_t)1 << log_len;
    for (size_t c = 0; c < n; c += chunk)
        swirl_mle_evals_to_coeffs(col + c, chunk);
    return swirl_ntt_forward(col, l_skip, n / chunk, chunk, bb31_one(), SWIRL_NTT_NONE);
}

enum swirl_status swirl_rs_code_matrix(bb31 **out, const bb31 *evals, size_t height, size_t width,
                                       unsigned l_skip, unsigned log_blowup) {
    SWIRL_ARG_CHECK(out != NULL);
    *out = NULL;
    SWIRL_ARG_CHECK(evals != NULL || width == 0);
    SWIRL_ARG_CHECK(swirl_is_pow2(height));
    unsigned log_h = swirl_log2_exact(height);
    if (log_h < l_skip)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "rs_code_matrix: height 2^%u below 2^l_skip", log_h);
    if (log_h + log_blowup > BB31_TWO_ADICITY)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                           "rs_code_matrix: codeword length 2^%u exceeds the two-adicity 2^27",
                           log_h + log_blowup);
    size_t rs_h = height << log_blowup, cells;
    if (!swirl_mul_size(rs_h, width ? width : 1, &cells) || cells > SIZE_MAX / sizeof(bb31))
        return SWIRL_RAISE(SWIRL_E_NOMEM, "rs_code_matrix: size overflows");
    bb31 *cw = calloc(cells, sizeof *cw);
    if (!cw)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "rs_code_matrix: out of memory for %zu cells", cells);
    /* message per column (chunked inverse DFTs, then the monomial-to-hypercube transform per
     * chunk), scattered to bit-reversed positions so the forward NTT (bit-reversed in, natural out)
     * needs no separate permutation pass */
    size_t chunk = (size_t)1 << l_skip, chunks_per_col = height / chunk;
    unsigned log_rs = log_h + log_blowup;
    int oom = 0;
    enum swirl_status st = SWIRL_OK;
#pragma omp parallel reduction(| : oom)
    {
        bb31 *tmp = malloc(height * sizeof *tmp);
        if (!tmp)
            oom = 1;
#pragma omp for schedule(dynamic, 1)
        for (long long cc = 0; cc < (long long)width; cc++) {
            if (!tmp)
                continue;
            size_t c = (size_t)cc;
            memcpy(tmp, evals + c * height, height * sizeof *tmp);
            if (swirl_ntt_inverse_chunks(tmp, l_skip, chunks_per_col) != SWIRL_OK) {
                oom = 1;
                continue;
            }
            for (size_t i = 0; i < chunks_per_col; i++)
                swirl_mle_coeffs_to_evals(tmp + i * chunk, chunk);
            /* the message at natural positions, then the (cache-blocked) bit reversal of the
             * whole zero-padded column: the same as scattering message[k] to rev(k) */
            bb31 *dst = cw + c * rs_h;
            memcpy(dst, tmp, height * sizeof *tmp);
            if (swirl_bit_reverse(dst, log_rs, 1, rs_h) != SWIRL_OK)
                oom = 1;
        }
        free(tmp);
    }
    if (oom) {
        free(cw);
        return SWIRL_RAISE(SWIRL_E_NOMEM, "rs_code_matrix: out of memory");
    }
    st = swirl_ntt_forward(cw, log_rs, width, rs_h, bb31_one(), SWIRL_NTT_IN_BITREV);
    if (st != SWIRL_OK) {
        free(cw);
        return st;
    }
    *out = cw;
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

enum swirl_status swirl_stacked_commit(swirl_stacked_pcs_data **out, swirl_digest *root,
                                       const swirl_trace_view *traces, size_t n_traces,
                                       unsigned l_skip, unsigned n_stack, unsigned log_blowup,
                                       unsigned k_whir) {
    return swirl_stacked_commit_ex(NULL, out, root, traces, n_traces, l_skip, n_stack, log_blowup,
                                   k_whir);
}

enum swirl_status swirl_stacked_commit_ex(const swirl_backend_ops *ops,
                                          swirl_stacked_pcs_data **out, swirl_digest *root,
                                          const swirl_trace_view *traces, size_t n_traces,
                                          unsigned l_skip, unsigned n_stack, unsigned log_blowup,
                                          unsigned k_whir) {
    ops = swirl_ops_or_cpu(ops);
    SWIRL_ARG_CHECK(out != NULL && root != NULL);
    *out = NULL;
    swirl_stacked_pcs_data *d = calloc(1, sizeof *d);
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
