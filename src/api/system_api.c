/* The public AIR-system API (include/swirl/swirl_system.h) over protocol/system.h: loading,
 * destroying and checking a key are protocol/system.c's functions themselves (same names and
 * signatures); the accessors, the trace check and the writer are here. */
#include "util/alloc.h"
#include "swirl/swirl_system.h"

#include <stdlib.h>

#include "air/dag.h"
#include "protocol/system.h"

const swirl_system_params *swirl_system_get_params(const swirl_system *sys) {
    return sys ? &sys->params : NULL;
}

size_t swirl_system_num_airs(const swirl_system *sys) {
    return sys ? sys->n_airs : 0;
}

int swirl_system_has_traces(const swirl_system *sys) {
    return sys && sys->n_airs > 0 && sys->airs[0].trace != NULL;
}

size_t swirl_system_trace_cells(const swirl_system *sys) {
    return sys ? sys->trace_cells : 0;
}

void swirl_system_get_air_specs(const swirl_system *sys, swirl_air_spec *specs) {
    if (sys && specs)
        swirl_system_keygen_airs(sys, specs);
}

enum swirl_status swirl_system_get_traces(const swirl_system *sys, swirl_trace *traces) {
    SWIRL_ARG_CHECK(sys != NULL && traces != NULL);
    if (!swirl_system_has_traces(sys))
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "system: the traces were not loaded");
    swirl_system_trace_inputs(sys, traces);
    return SWIRL_OK;
}

enum swirl_status swirl_system_check_traces(const swirl_system *sys, size_t *bad_air) {
    SWIRL_ARG_CHECK(sys != NULL);
    if (!swirl_system_has_traces(sys))
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "system: the traces were not loaded");
    swirl_air_instance *inst = swirl_calloc(sys->n_airs, sizeof *inst);
    if (!inst)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "system: out of memory");
    enum swirl_status st = SWIRL_OK;
    size_t i;
    for (i = 0; i < sys->n_airs && st == SWIRL_OK; i++) {
        const swirl_system_air *a = &sys->airs[i];
        size_t bad_c, bad_row;
        st = swirl_air_check_constraints(a->air, NULL, NULL, a->trace, a->height, a->public_values,
                                         &bad_c, &bad_row);
        swirl_air_instance in = {a->air, NULL, NULL, a->trace, a->height, a->public_values};
        inst[i] = in;
    }
    if (st != SWIRL_OK)
        i--; /* the AIR that failed */
    else if ((st = swirl_check_interactions(inst, sys->n_airs)) != SWIRL_OK)
        i = sys->n_airs;
    free(inst);
    if (st != SWIRL_OK && bad_air)
        *bad_air = i;
    return st;
}

enum swirl_status swirl_system_write(const char *dir, const swirl_system_params *params,
                                     const swirl_air_spec *specs, const swirl_trace *traces,
                                     size_t n_airs, const swirl_vk *vk, const char *reference) {
    SWIRL_ARG_CHECK(dir != NULL && params != NULL && specs != NULL && traces != NULL && n_airs > 0);
    swirl_system_out_air *airs = swirl_calloc(n_airs, sizeof *airs);
    if (!airs)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "system: out of memory");
    for (size_t i = 0; i < n_airs; i++) {
        swirl_system_out_air a = {specs[i].air, specs[i].is_required, traces[i].common,
                                  traces[i].height, traces[i].public_values};
        airs[i] = a;
    }
    enum swirl_status st =
        swirl_system_save(dir, params, airs, n_airs, vk ? &vk->pre_hash : NULL, reference);
    free(airs);
    return st;
}
