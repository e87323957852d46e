/* CPU evaluation of the symbolic DAG and the debug constraint checker. */
#include <stdlib.h>

#include "air/dag.h"

static bb31 var_value(const swirl_air *air, const swirl_dag_node *n, const swirl_air_window *w) {
    size_t r = (w->row + n->offset) & (w->height - 1);
    switch (n->entry) {
    case SWIRL_ENTRY_PREPROCESSED:
        return w->preprocessed[n->index * w->height + r];
    case SWIRL_ENTRY_MAIN:
        if (n->part < air->n_cached)
            return w->cached[n->part][n->index * w->height + r];
        return w->common[n->index * w->height + r];
    case SWIRL_ENTRY_PUBLIC:
        return w->public_values[n->index];
    default:
        return bb31_zero(); /* challenges are not used by SWIRL AIRs */
    }
}

void swirl_dag_eval_row(const swirl_air *air, const swirl_air_window *w, bb31 *out) {
    bb31 one = bb31_one(), zero = bb31_zero();
    for (size_t i = 0; i < air->n_nodes; i++) {
        const swirl_dag_node *n = &air->nodes[i];
        bb31 v;
        switch (n->kind) {
        case SWIRL_NODE_VAR: v = var_value(air, n, w); break;
        case SWIRL_NODE_IS_FIRST_ROW: v = w->row == 0 ? one : zero; break;
        case SWIRL_NODE_IS_LAST_ROW: v = w->row == w->height - 1 ? one : zero; break;
        case SWIRL_NODE_IS_TRANSITION: v = w->row != w->height - 1 ? one : zero; break;
        case SWIRL_NODE_CONST: v = n->constant; break;
        case SWIRL_NODE_ADD: v = bb31_add(out[n->left], out[n->right]); break;
        case SWIRL_NODE_SUB: v = bb31_sub(out[n->left], out[n->right]); break;
        case SWIRL_NODE_NEG: v = bb31_neg(out[n->left]); break;
        case SWIRL_NODE_MUL: v = bb31_mul(out[n->left], out[n->right]); break;
        default: v = zero; break;
        }
        out[i] = v;
    }
}

enum swirl_status swirl_air_check_constraints(const swirl_air *air, const bb31 *preprocessed,
                                              const bb31 *const *cached, const bb31 *common,
                                              size_t height, const bb31 *public_values,
                                              size_t *bad_constraint, size_t *bad_row) {
    SWIRL_ARG_CHECK(air != NULL);
    SWIRL_ARG_CHECK(swirl_is_pow2(height));
    SWIRL_ARG_CHECK(air->preprocessed_width == 0 || preprocessed != NULL);
    SWIRL_ARG_CHECK(air->common_width == 0 || common != NULL);
    SWIRL_ARG_CHECK(air->n_cached == 0 || cached != NULL);
    SWIRL_ARG_CHECK(air->num_public_values == 0 || public_values != NULL);
    for (size_t p = 0; p < air->n_cached; p++)
        SWIRL_ARG_CHECK(cached[p] != NULL);
    /* first failure in row-major order: rows in parallel, the smallest failing row wins */
    size_t first_row = SIZE_MAX, first_c = 0;
    int oom = 0;
#pragma omp parallel
    {
        bb31 *vals = malloc((air->n_nodes + 1) * sizeof *vals);
        if (!vals) {
#pragma omp atomic write
            oom = 1;
        }
        swirl_air_window w = {preprocessed, cached, common, public_values, height, 0};
#pragma omp for schedule(static)
        for (long long r = 0; r < (long long)height; r++) {
            if (!vals)
                continue;
            w.row = (size_t)r;
            swirl_dag_eval_row(air, &w, vals);
            for (size_t c = 0; c < air->n_constraints; c++) {
                if (!bb31_is_zero(vals[air->constraint_idx[c]])) {
#pragma omp critical(swirl_check)
                    {
                        if ((size_t)r < first_row) {
                            first_row = (size_t)r;
                            first_c = c;
                        }
                    }
                    break;
                }
            }
        }
        free(vals);
    }
    if (oom)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "constraint checker: out of memory");
    if (first_row != SIZE_MAX) {
        if (bad_constraint)
            *bad_constraint = first_c;
        if (bad_row)
            *bad_row = first_row;
        return SWIRL_RAISE(SWIRL_E_UNSATISFIED,
                           "AIR '%s': constraint %zu (DAG node %u) does not vanish on row %zu",
                           air->name, first_c, air->constraint_idx[first_c], first_row);
    }
    return SWIRL_OK;
}
