/* The flat constraint program in SSA form (device/zc_ssa.h). */
#include "device/zc_ssa.h"

#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"

#define NONE 0xffffffffu

void swirl_zc_ssa_clear(swirl_zc_ssa *s) {
    if (!s)
        return;
    free(s->a);
    free(s->b);
    free(s->cons);
    free(s->field);
    free(s->count);
    memset(s, 0, sizeof *s);
}

/* operand o of the flat program as a value id through cur (slot -> value) */
static int map_operand(uint32_t *out, uint32_t o, const uint32_t *cur, uint32_t n_slots) {
    if (o & SWIRL_ZC_CONST) {
        *out = o;
        return 1;
    }
    if (o >= n_slots || cur[o] == NONE)
        return 0;
    *out = cur[o];
    return 1;
}

enum swirl_status swirl_zc_ssa_build(swirl_zc_ssa *s, const swirl_zc_dprog *pg) {
    SWIRL_ARG_CHECK(s && pg && pg->n_slots >= pg->in_base);
    memset(s, 0, sizeof *s);
    size_t ni = pg->n_instrs, nf = pg->field_start[pg->n_interactions];
    s->n_in = pg->n_slots - pg->in_base;
    s->n_val = s->n_in + (uint32_t)ni;
    uint32_t *cur = swirl_malloc(((size_t)pg->n_slots + 1) * sizeof *cur);
    s->a = swirl_malloc((ni + 1) * sizeof *s->a);
    s->b = swirl_malloc((ni + 1) * sizeof *s->b);
    s->cons = swirl_malloc(((size_t)pg->n_constraints + 1) * sizeof *s->cons);
    s->field = swirl_malloc((nf + 1) * sizeof *s->field);
    s->count = swirl_malloc(((size_t)pg->n_interactions + 1) * sizeof *s->count);
    if (!cur || !s->a || !s->b || !s->cons || !s->field || !s->count) {
        free(cur);
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    }
    for (uint32_t v = 0; v < pg->n_slots; v++)
        cur[v] = v >= pg->in_base ? v - pg->in_base : NONE;
    int ok = 1;
    for (size_t i = 0; i < ni && ok; i++) {
        const uint32_t *in = pg->instrs + 4 * i;
        ok = in[0] <= 3u && map_operand(&s->a[i], in[2], cur, pg->n_slots) &&
             (in[0] == 3u ? (s->b[i] = SWIRL_ZC_CONST, 1)
                          : map_operand(&s->b[i], in[3], cur, pg->n_slots)) &&
             in[1] < pg->in_base;
        if (ok)
            cur[in[1]] = s->n_in + (uint32_t)i;
    }
    for (uint32_t k = 0; k < pg->n_constraints && ok; k++)
        ok = map_operand(&s->cons[k], pg->cons_val[k], cur, pg->n_slots);
    for (size_t f = 0; f < nf && ok; f++)
        ok = map_operand(&s->field[f], pg->field_val[f], cur, pg->n_slots);
    for (uint32_t i = 0; i < pg->n_interactions && ok; i++)
        ok = map_operand(&s->count[i], pg->count_val[i], cur, pg->n_slots);
    free(cur);
    if (!ok)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                           "constraint program reads a value before writing it");
    return SWIRL_OK;
}
