/* The LogUp input layer (see logup.h). */
#include "util/alloc.h"
#include "protocol/logup.h"

#include <stdlib.h>
#include <string.h>

#include "air/program.h"
#include "pcs/stacked.h"

unsigned swirl_calculate_n_logup(unsigned l_skip, uint64_t total) {
    if (total == 0)
        return 0;
    unsigned bits = 0;
    while (bits < 64 && (total >> bits) != 0)
        bits++;
    return bits > l_skip ? bits - l_skip : 0;
}

enum swirl_status swirl_logup_gkr_input(bb31x4 **p_out, bb31x4 **q_out, unsigned *log_len,
                                        const swirl_air_instance *traces, size_t n,
                                        unsigned l_skip, bb31x4 alpha, bb31x4 beta) {
    SWIRL_ARG_CHECK(p_out != NULL && q_out != NULL && log_len != NULL);
    *p_out = *q_out = NULL;
    *log_len = 0;
    SWIRL_ARG_CHECK(traces != NULL || n == 0);
    uint64_t total = 0;
    size_t max_msg = 0;
    size_t *widths = swirl_malloc((n + 1) * sizeof *widths);
    unsigned *logs = swirl_malloc((n + 1) * sizeof *logs);
    if (!widths || !logs) {
        free(widths);
        free(logs);
        return SWIRL_RAISE(SWIRL_E_NOMEM, "logup: out of memory");
    }
    for (size_t t = 0; t < n; t++) {
        const swirl_air *air = traces[t].air;
        if (!air || !swirl_is_pow2(traces[t].height)) {
            free(widths);
            free(logs);
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "logup: trace %zu is invalid", t);
        }
        unsigned lh = swirl_log2_exact(traces[t].height);
        unsigned lift = lh > l_skip ? lh : l_skip;
        if (t > 0 && lh > swirl_log2_exact(traces[t - 1].height)) {
            free(widths);
            free(logs);
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "logup: traces must be sorted by height");
        }
        widths[t] = air->n_interactions;
        logs[t] = lift;
        total += (uint64_t)air->n_interactions << lift;
        for (size_t i = 0; i < air->n_interactions; i++)
            if (air->interactions[i].n_fields > max_msg)
                max_msg = air->interactions[i].n_fields;
    }
    if (total == 0) {
        free(widths);
        free(logs);
        return SWIRL_OK;
    }
    unsigned n_logup = swirl_calculate_n_logup(l_skip, total);
    unsigned L = l_skip + n_logup;
    if (L > 30) {
        free(widths);
        free(logs);
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "logup: 2^%u leaves are too many", L);
    }
    /* the lifted log heights are not necessarily sorted (lifting merges short traces at l_skip),
     * but they stay non-increasing, as StackedLayout requires */
    swirl_stacked_layout layout;
    enum swirl_status st = swirl_stacked_layout_init(&layout, 0, L, widths, logs, n);
    free(widths);
    free(logs);
    SWIRL_TRY(st);
    size_t N = (size_t)1 << L;
    bb31x4 *p = swirl_calloc(N, sizeof *p), *q = swirl_calloc(N, sizeof *q);
    bb31x4 *bp = swirl_malloc((max_msg + 2) * sizeof *bp);
    bb31 *vals = NULL;
    size_t max_nodes = 1;
    for (size_t t = 0; t < n; t++)
        if (traces[t].air->program->n_vals > max_nodes)
            max_nodes = traces[t].air->program->n_vals;
    vals = swirl_malloc(max_nodes * sizeof *vals);
    if (!p || !q || !bp || !vals) {
        free(p);
        free(q);
        free(bp);
        free(vals);
        swirl_stacked_layout_clear(&layout);
        return SWIRL_RAISE(SWIRL_E_NOMEM, "logup: out of memory");
    }
    bp[0] = bb31x4_one();
    for (size_t j = 1; j <= max_msg; j++)
        bp[j] = bb31x4_mul(bp[j - 1], beta);
    /* per trace, its constraint program runs once per row and fills every interaction's column
     * (the trace's interaction columns are layout.cols[mat_starts[m] .. mat_starts[m] + n_int)) */
    for (size_t m = 0; m < n; m++) {
        const swirl_air_instance *tr = &traces[m];
        size_t n_int = tr->air->n_interactions;
        if (n_int == 0)
            continue;
        const swirl_stacked_slice *cols = &layout.cols[layout.mat_starts[m]];
        size_t h = tr->height, len = (size_t)1 << cols[0].log_height;
        bb31 norm = bb31_inv(bb31_from_u32((uint32_t)(len / h)));
        swirl_air_window w = {tr->preprocessed, tr->cached, tr->common, tr->public_values, h, 0};
        const swirl_air_program *prog = tr->air->program;
        swirl_air_eval_init(tr->air, vals);
        for (size_t row = 0; row < h; row++) {
            w.row = row;
            swirl_air_eval_row(tr->air, &w, vals);
            for (size_t c = 0; c < n_int; c++) {
                const swirl_stacked_slice *sl = &cols[c];
                const swirl_dag_interaction *it = &tr->air->interactions[sl->col];
                const uint32_t *fv = prog->field_val + prog->field_start[sl->col];
                bb31x4 denom =
                    bb31x4_mul_base(bp[it->n_fields], bb31_from_u32((uint32_t)it->bus_index + 1));
                for (size_t j = 0; j < it->n_fields; j++)
                    denom = bb31x4_add(denom, bb31x4_mul_base(bp[j], vals[fv[j]]));
                bb31x4 numer = bb31x4_from_base(bb31_mul(vals[prog->count_val[sl->col]], norm));
                for (size_t rep = row; rep < len; rep += h) {
                    p[sl->row_idx + rep] = numer;
                    q[sl->row_idx + rep] = denom;
                }
            }
        }
    }
    for (size_t i = 0; i < N; i++)
        q[i] = bb31x4_add(q[i], alpha);
    free(bp);
    free(vals);
    swirl_stacked_layout_clear(&layout);
    *p_out = p;
    *q_out = q;
    *log_len = L;
    return SWIRL_OK;
}
