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

int swirl_stacked_layout_block(const swirl_stacked_layout *layout, size_t mat,
                               swirl_stacked_block *out) {
    if (!layout || !out || mat >= layout->num_mats)
        return 0;
    size_t first = layout->mat_starts[mat];
    size_t end = mat + 1 < layout->num_mats ? layout->mat_starts[mat + 1] : layout->num_cols;
    if (end <= first || end > layout->num_cols)
        return 0;
    const swirl_stacked_slice *s0 = &layout->cols[first];
    swirl_stacked_block b;
    b.offset = s0->col_idx * layout->height + s0->row_idx;
    b.col_len = swirl_stacked_slice_len(s0, layout->l_skip);
    b.stride = swirl_stacked_slice_stride(s0, layout->l_skip);
    b.width = end - first;
    b.height = (size_t)1 << s0->log_height;
    for (size_t c = 0; c < b.width; c++) {
        const swirl_stacked_slice *s = &layout->cols[first + c];
        if (s->mat_idx != mat || s->col != c || s->log_height != s0->log_height ||
            s->col_idx * layout->height + s->row_idx != b.offset + c * b.col_len)
            return 0;
    }
    *out = b;
    return 1;
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

struct swirl_stacked_pcs_data {
    swirl_stacked_layout layout;
    size_t cw_height;
    swirl_merkle_plan plan; /* the tree over the codeword rows */
    swirl_digest root;
    /* the stacked matrix in host memory: the CPU commitment's own, or the fallback copy of
     * device data (made once, by swirl_stacked_pcs_host_matrix) */
    bb31 *matrix;
    /* host data only (impl == NULL): the codeword and every digest layer (plan's offsets) */
    bb31 *codeword;
    swirl_digest *layers;
    /* device data: the owner's operations and state */
    const swirl_stacked_pcs_impl *impl;
    void *state;
};

void swirl_stacked_pcs_data_destroy(swirl_stacked_pcs_data *data) {
    if (!data)
        return;
    swirl_stacked_layout_clear(&data->layout);
    free(data->matrix);
    free(data->codeword);
    free(data->layers);
    if (data->impl && data->impl->destroy)
        data->impl->destroy(data->state);
    free(data);
}

enum swirl_status swirl_stacked_pcs_data_wrap(swirl_stacked_pcs_data **out,
                                              swirl_stacked_layout *layout, unsigned log_blowup,
                                              const swirl_merkle_plan *plan,
                                              const swirl_digest *root,
                                              const swirl_stacked_pcs_impl *impl, void *state) {
    enum swirl_status st = SWIRL_OK;
    swirl_stacked_pcs_data *d = NULL;
    if (!out || !layout || !plan || !root || !impl || !impl->open_rows || !impl->host_matrix)
        st = SWIRL_RAISE(SWIRL_E_INVALID_ARG, "pcs_data_wrap: a NULL argument or slot");
    else if (plan->height != (layout->height << log_blowup) || plan->width != layout->width ||
             plan->ext_degree != 1)
        st = SWIRL_RAISE(SWIRL_E_INVALID_ARG, "pcs_data_wrap: the tree's plan (%zu x %zu) does "
                         "not fit the layout", plan->height, plan->width);
    else if (!(d = swirl_calloc(1, sizeof *d)))
        st = SWIRL_RAISE(SWIRL_E_NOMEM, "pcs_data_wrap: out of memory");
    if (st != SWIRL_OK) {
        /* what was handed over is freed on failure too */
        if (impl && impl->destroy)
            impl->destroy(state);
        swirl_stacked_layout_clear(layout);
        if (out)
            *out = NULL;
        return st;
    }
    d->layout = *layout;
    memset(layout, 0, sizeof *layout);
    d->cw_height = plan->height;
    d->plan = *plan;
    d->root = *root;
    d->impl = impl;
    d->state = state;
    *out = d;
    return SWIRL_OK;
}

const swirl_stacked_layout *swirl_stacked_pcs_layout(const swirl_stacked_pcs_data *d) {
    return &d->layout;
}
size_t swirl_stacked_pcs_cw_height(const swirl_stacked_pcs_data *d) {
    return d->cw_height;
}
swirl_digest swirl_stacked_pcs_root(const swirl_stacked_pcs_data *d) {
    return d->root;
}
const swirl_merkle_plan *swirl_stacked_pcs_plan(const swirl_stacked_pcs_data *d) {
    return &d->plan;
}
void *swirl_stacked_pcs_impl_state(const swirl_stacked_pcs_data *d,
                                   const swirl_stacked_pcs_impl *impl) {
    return d && impl && d->impl == impl ? d->state : NULL;
}

int swirl_stacked_pcs_on_host(const swirl_stacked_pcs_data *d) {
    return d->impl == NULL;
}

enum swirl_status swirl_stacked_pcs_open_rows(const swirl_stacked_pcs_data *d, const uint32_t *idx,
                                              size_t n, bb31 *rows, swirl_digest *paths) {
    SWIRL_ARG_CHECK(d != NULL && (idx != NULL || n == 0));
    const swirl_merkle_plan *pl = &d->plan;
    for (size_t i = 0; i < n; i++)
        if (idx[i] >= pl->layer_len[0])
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "open_rows: query %u out of range (stride %zu)",
                               idx[i], pl->layer_len[0]);
    if (d->impl)
        return d->impl->open_rows(d->state, pl, idx, n, rows, paths);
    const size_t per = pl->rows_per_query * pl->width, depth = swirl_merkle_plan_depth(pl);
    for (size_t i = 0; i < n; i++)
        SWIRL_TRY(swirl_merkle_open_host(pl, d->layers, d->codeword, idx[i],
                                         rows ? rows + i * per : NULL,
                                         paths ? paths + i * depth : NULL));
    return SWIRL_OK;
}

enum swirl_status swirl_stacked_pcs_host_matrix(const swirl_stacked_pcs_data *d, const bb31 **out) {
    SWIRL_ARG_CHECK(d != NULL && out != NULL);
    *out = NULL;
    if (!d->matrix) {
        /* device data: the one fallback copy, kept with the data (logically const: the data
         * does not change, it gains a host copy) */
        swirl_stacked_pcs_data *m = (swirl_stacked_pcs_data *)d;
        size_t cells = d->layout.height * d->layout.width;
        bb31 *h = swirl_malloc((cells + 1) * sizeof *h);
        if (!h)
            return SWIRL_RAISE(SWIRL_E_NOMEM, "pcs host matrix: out of memory for %zu cells", cells);
        enum swirl_status st = d->impl->host_matrix(d->state, h, cells * sizeof *h);
        if (st != SWIRL_OK) {
            free(h);
            return st;
        }
        m->matrix = h;
    }
    *out = d->matrix;
    return SWIRL_OK;
}

const bb31 *swirl_stacked_pcs_host_codeword(const swirl_stacked_pcs_data *d) {
    return d && !d->impl ? d->codeword : NULL;
}

const swirl_digest *swirl_stacked_pcs_host_layer(const swirl_stacked_pcs_data *d, size_t i,
                                                 size_t *len) {
    if (!d || d->impl || i >= d->plan.num_layers)
        return NULL;
    if (len)
        *len = d->plan.layer_len[i];
    return d->layers + d->plan.layer_off[i];
}

/* the RS encoding and the tree of the CPU commitment, through the table's slots on host buffers */
static enum swirl_status commit_encode(const swirl_backend_ops *ops, swirl_stacked_pcs_data *d,
                                       unsigned l_skip, unsigned log_blowup, unsigned k_whir) {
    const size_t h = d->layout.height, w = d->layout.width;
    size_t cw_bytes;
    SWIRL_TRY(swirl_rs_code_matrix_bytes(&cw_bytes, h, w, log_blowup));
    d->cw_height = h << log_blowup;
    SWIRL_TRY(swirl_merkle_plan_init(&d->plan, d->cw_height, w, 1, (size_t)1 << k_whir));
    d->codeword = swirl_malloc(cw_bytes);
    d->layers = swirl_malloc(swirl_merkle_plan_bytes(&d->plan));
    if (!d->codeword || !d->layers)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "stacked_commit: out of memory for the codeword");
    swirl_span_begin("rs_code_matrix");
    enum swirl_status st =
        ops->rs_code_matrix(ops, swirl_buf_host(d->codeword, cw_bytes),
                            swirl_buf_host_const(d->matrix, h * w * sizeof(bb31)), h, w, l_skip,
                            log_blowup);
    swirl_span_end();
    SWIRL_TRY(st);
    swirl_span_begin("merkle_tree");
    st = ops->merkle_tree(ops, &d->plan,
                          swirl_buf_host(d->layers, swirl_merkle_plan_bytes(&d->plan)),
                          swirl_buf_host_const(d->codeword, cw_bytes));
    swirl_span_end();
    SWIRL_TRY(st);
    d->root = d->layers[d->plan.layer_off[d->plan.num_layers - 1]];
    return SWIRL_OK;
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
    if (st == SWIRL_OK)
        st = commit_encode(ops, d, l_skip, log_blowup, k_whir);
    swirl_span_end();
    if (st != SWIRL_OK) {
        swirl_stacked_pcs_data_destroy(d);
        return st;
    }
    *root = d->root;
    *out = d;
    return SWIRL_OK;
}
