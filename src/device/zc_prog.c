/* The flat constraint program for the GPU's constraint evaluation (device/zc_eval.h). */
#include "device/zc_eval.h"

#include <stdlib.h>
#include <string.h>

#include "air/program.h"
#include "util/alloc.h"

/* the rule of protocol/zerocheck.c's swirl_zc_need_rot: a main or preprocessed variable read at
 * the next row anywhere in the DAG gives every partition a rotated view */
static int needs_rotation(const swirl_air *air) {
    for (size_t i = 0; i < air->n_nodes; i++)
        if (air->nodes[i].kind == SWIRL_NODE_VAR && air->nodes[i].offset == 1 &&
            (air->nodes[i].entry == SWIRL_ENTRY_MAIN ||
             air->nodes[i].entry == SWIRL_ENTRY_PREPROCESSED))
            return 1;
    return 0;
}

static uint32_t encode_operand(const swirl_air_program *p, uint32_t v) {
    return v >= p->const_base ? SWIRL_ZC_CONST | (v - p->const_base) : v;
}

/* the variables' views (swirl_zc_view_of's order), columns and offsets */
static enum swirl_status fill_vars(uint32_t *info, const swirl_air *air, int rot, int has_prep) {
    const swirl_air_program *p = air->program;
    uint32_t step = rot ? 2u : 1u, nvars = p->n_inputs - SWIRL_PROG_N_SELECTORS;
    for (uint32_t s = 0; s < nvars; s++) {
        const swirl_prog_var *v = &p->vars[s];
        uint32_t view;
        if (v->entry == SWIRL_ENTRY_PUBLIC) {
            if (v->index >= air->num_public_values)
                return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "AIR %s: public value %u out of range",
                                   air->name, v->index);
            view = SWIRL_ZC_PUBLIC;
        } else if (v->entry == SWIRL_ENTRY_PREPROCESSED || v->entry == SWIRL_ENTRY_MAIN) {
            if (v->offset > 1 || (v->offset == 1 && !rot))
                return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "AIR %s: variable offset %u unsupported",
                                   air->name, v->offset);
            if (v->entry == SWIRL_ENTRY_PREPROCESSED) {
                view = v->offset;
            } else {
                if (v->part > air->n_cached)
                    return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "AIR %s: partition %u out of range",
                                       air->name, v->part);
                view = (has_prep ? step : 0u) + v->part * step + v->offset;
            }
        } else {
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "AIR %s: variable kind %u unsupported",
                               air->name, v->entry);
        }
        info[3 * s] = view;
        info[3 * s + 1] = v->index;
        info[3 * s + 2] = v->entry == SWIRL_ENTRY_PUBLIC ? 0u : v->offset;
    }
    return SWIRL_OK;
}

enum swirl_status swirl_zc_dprog_build(swirl_zc_dprog *out, void **storage,
                                       const swirl_air *air) {
    SWIRL_ARG_CHECK(out && storage && air);
    *storage = NULL;
    memset(out, 0, sizeof *out);
    const swirl_air_program *p = air->program;
    if (!p)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "AIR %s has no compiled program", air->name);
    if (p->n_vals >= SWIRL_ZC_CONST || p->n_inputs < SWIRL_PROG_N_SELECTORS ||
        air->n_constraints > UINT32_MAX || air->n_interactions > UINT32_MAX ||
        p->field_start[air->n_interactions] > UINT32_MAX)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "AIR %s: program too large for the GPU encoding",
                           air->name);
    size_t nvars = p->n_inputs - SWIRL_PROG_N_SELECTORS, ni = air->n_interactions,
           nf = p->field_start[ni];
    size_t words = 4 * p->n_instrs + p->n_consts + 3 * nvars + air->n_constraints + (ni + 1) + nf +
                   ni + ni;
    uint32_t *w = swirl_malloc((words + 1) * sizeof *w);
    if (!w)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    int rot = needs_rotation(air), has_prep = air->preprocessed_width > 0;
    uint32_t *ins = w, *cst = ins + 4 * p->n_instrs, *info = cst + p->n_consts,
             *cv = info + 3 * nvars, *fs = cv + air->n_constraints, *fv = fs + ni + 1,
             *cnt = fv + nf, *bus = cnt + ni;
    for (size_t i = 0; i < p->n_instrs; i++) {
        const swirl_prog_instr *in = &p->instrs[i];
        if (in->dst >= p->const_base || in->op > SWIRL_PROG_NEG) {
            free(w);
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "AIR %s: instruction %zu malformed",
                               air->name, i);
        }
        ins[4 * i] = in->op;
        ins[4 * i + 1] = in->dst;
        ins[4 * i + 2] = encode_operand(p, in->a);
        ins[4 * i + 3] = in->op == SWIRL_PROG_NEG ? 0u : encode_operand(p, in->b);
    }
    for (uint32_t c = 0; c < p->n_consts; c++)
        cst[c] = p->consts[c].v;
    enum swirl_status st = fill_vars(info, air, rot, has_prep);
    if (st != SWIRL_OK) {
        free(w);
        return st;
    }
    for (size_t k = 0; k < air->n_constraints; k++)
        cv[k] = encode_operand(p, p->constraint_val[k]);
    for (size_t i = 0; i <= ni; i++)
        fs[i] = (uint32_t)p->field_start[i];
    for (size_t f = 0; f < nf; f++)
        fv[f] = encode_operand(p, p->field_val[f]);
    for (size_t i = 0; i < ni; i++) {
        cnt[i] = encode_operand(p, p->count_val[i]);
        bus[i] = bb31_from_u32((uint32_t)air->interactions[i].bus_index + 1).v;
    }
    out->n_slots = p->const_base;
    out->in_base = p->in_base;
    out->n_vars = (uint32_t)nvars;
    out->n_consts = p->n_consts;
    out->n_constraints = (uint32_t)air->n_constraints;
    out->n_interactions = (uint32_t)ni;
    out->n_instrs = p->n_instrs;
    out->rot = rot;
    out->has_prep = has_prep;
    out->nv = (uint32_t)((has_prep ? 1 : 0) + air->n_cached + 1) * (rot ? 2u : 1u);
    out->instrs = ins;
    out->consts = (const bb31 *)cst;
    out->var_info = info;
    out->cons_val = cv;
    out->field_start = fs;
    out->field_val = fv;
    out->count_val = cnt;
    out->bus1 = (const bb31 *)bus;
    *storage = w;
    return SWIRL_OK;
}
