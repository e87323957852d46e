/* CPU evaluation of the symbolic DAG and the debug constraint checker. */
#include <stdio.h>
#include <stdlib.h>

#include "util/alloc.h"
#include "air/dag.h"
#include "air/program.h"

/* the value of one program input variable on the window's row */
static bb31 var_value(const swirl_air *air, const swirl_prog_var *v, const swirl_air_window *w) {
    size_t r = (w->row + v->offset) & (w->height - 1);
    switch (v->entry) {
    case SWIRL_ENTRY_PREPROCESSED:
        return w->preprocessed[v->index * w->height + r];
    case SWIRL_ENTRY_MAIN:
        if (v->part < air->n_cached)
            return w->cached[v->part][v->index * w->height + r];
        return w->common[v->index * w->height + r];
    default:
        return w->public_values[v->index];
    }
}

static bb31 id_base(bb31 x) {
    return x;
}

void swirl_air_eval_init(const swirl_air *air, bb31 *vals) {
    SWIRL_PROG_INIT_CONSTS(air->program, vals, id_base);
}

void swirl_air_eval_row(const swirl_air *air, const swirl_air_window *w, bb31 *vals) {
    const swirl_air_program *p = air->program;
    bb31 *in = vals + p->in_base;
    bb31 one = bb31_one(), zero = bb31_zero();
    int last = w->row == w->height - 1;
    in[0] = w->row == 0 ? one : zero;
    in[1] = last ? zero : one;
    in[2] = last ? one : zero;
    for (uint32_t s = SWIRL_PROG_N_SELECTORS; s < p->n_inputs; s++)
        in[s] = var_value(air, &p->vars[s - SWIRL_PROG_N_SELECTORS], w);
    SWIRL_PROG_RUN(p, vals, bb31_add, bb31_sub, bb31_mul, bb31_neg);
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
        bb31 *vals = swirl_malloc((air->program->n_vals + 1) * sizeof *vals);
        if (!vals) {
#pragma omp atomic write
            oom = 1;
        } else {
            swirl_air_eval_init(air, vals);
        }
        swirl_air_window w = {preprocessed, cached, common, public_values, height, 0};
#pragma omp for schedule(static)
        for (long long r = 0; r < (long long)height; r++) {
            if (!vals)
                continue;
            w.row = (size_t)r;
            swirl_air_eval_row(air, &w, vals);
            for (size_t c = 0; c < air->n_constraints; c++) {
                if (!bb31_is_zero(vals[air->program->constraint_val[c]])) {
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

/* ---------------------------------------------------------------------------------------------
 * Interaction balance */

typedef struct msg_rec {
    uint32_t bus;
    uint32_t n_fields;
    size_t off; /* into the field buffer */
    bb31 count;
} msg_rec;

static const bb31 *g_sort_fields; /* qsort has no context argument in C11 */

static int msg_cmp(const void *pa, const void *pb) {
    const msg_rec *a = pa, *b = pb;
    if (a->bus != b->bus)
        return a->bus < b->bus ? -1 : 1;
    if (a->n_fields != b->n_fields)
        return a->n_fields < b->n_fields ? -1 : 1;
    for (uint32_t i = 0; i < a->n_fields; i++) {
        uint32_t x = bb31_to_u32(g_sort_fields[a->off + i]), y = bb31_to_u32(g_sort_fields[b->off + i]);
        if (x != y)
            return x < y ? -1 : 1;
    }
    return 0;
}

enum swirl_status swirl_check_interactions(const swirl_air_instance *inst, size_t n) {
    SWIRL_ARG_CHECK(inst != NULL || n == 0);
    size_t total = 0, total_fields = 0;
    for (size_t k = 0; k < n; k++) {
        SWIRL_ARG_CHECK(inst[k].air != NULL && swirl_is_pow2(inst[k].height));
        const swirl_air *air = inst[k].air;
        for (size_t i = 0; i < air->n_interactions; i++) {
            total += inst[k].height;
            total_fields += inst[k].height * air->interactions[i].n_fields;
        }
    }
    if (total == 0)
        return SWIRL_OK;
    msg_rec *recs = swirl_malloc(total * sizeof *recs);
    bb31 *fields = swirl_malloc((total_fields + 1) * sizeof *fields);
    bb31 *vals = NULL;
    size_t maxn = 1;
    for (size_t k = 0; k < n; k++)
        if (inst[k].air->program->n_vals > maxn)
            maxn = inst[k].air->program->n_vals;
    vals = swirl_malloc(maxn * sizeof *vals);
    if (!recs || !fields || !vals) {
        free(recs);
        free(fields);
        free(vals);
        return SWIRL_RAISE(SWIRL_E_NOMEM, "interaction check: out of memory");
    }
    size_t r_i = 0, f_i = 0;
    for (size_t k = 0; k < n; k++) {
        const swirl_air *air = inst[k].air;
        if (air->n_interactions == 0)
            continue;
        swirl_air_window w = {inst[k].preprocessed, inst[k].cached, inst[k].common,
                              inst[k].public_values, inst[k].height, 0};
        const swirl_air_program *prog = air->program;
        swirl_air_eval_init(air, vals);
        for (size_t row = 0; row < inst[k].height; row++) {
            w.row = row;
            swirl_air_eval_row(air, &w, vals);
            for (size_t i = 0; i < air->n_interactions; i++) {
                const swirl_dag_interaction *it = &air->interactions[i];
                msg_rec *m = &recs[r_i++];
                m->bus = it->bus_index;
                m->n_fields = (uint32_t)it->n_fields;
                m->off = f_i;
                m->count = vals[prog->count_val[i]];
                for (size_t f = 0; f < it->n_fields; f++)
                    fields[f_i++] = vals[prog->field_val[prog->field_start[i] + f]];
            }
        }
    }
    g_sort_fields = fields;
    qsort(recs, total, sizeof *recs, msg_cmp);
    enum swirl_status st = SWIRL_OK;
    for (size_t i = 0; i < total && st == SWIRL_OK;) {
        size_t j = i;
        bb31 sum = bb31_zero();
        while (j < total && msg_cmp(&recs[i], &recs[j]) == 0)
            sum = bb31_add(sum, recs[j++].count);
        if (!bb31_is_zero(sum)) {
            char msg[160];
            size_t len = 0;
            for (uint32_t f = 0; f < recs[i].n_fields && f < 8 && len + 16 < sizeof msg; f++)
                len += (size_t)snprintf(msg + len, sizeof msg - len, "%s%u", f ? ", " : "",
                                        bb31_to_u32(fields[recs[i].off + f]));
            if (recs[i].n_fields > 8)
                snprintf(msg + len, sizeof msg - len, ", ...");
            st = SWIRL_RAISE(SWIRL_E_UNSATISFIED,
                             "interactions do not balance: bus %u message (%s) has net "
                             "multiplicity %u",
                             recs[i].bus, msg, bb31_to_u32(sum));
        }
        i = j;
    }
    free(recs);
    free(fields);
    free(vals);
    return st;
}
