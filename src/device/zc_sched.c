/* The constraint program in levels for one evaluation per thread block (device/zc_block.h). */
#include "device/zc_block.h"
#include "device/zc_ssa.h"

#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/settings.h"

#define NONE 0xffffffffu

typedef struct sched_work {
    swirl_zc_ssa s;            /* the program in SSA form */
    uint32_t *level;           /* per value */
    uint32_t *last;            /* per value: last level reading it (NONE: kept to the end) */
    uint8_t *live;             /* per instruction */
} sched_work;

static void work_free(sched_work *w) {
    swirl_zc_ssa_clear(&w->s);
    free(w->level);
    free(w->last);
    free(w->live);
}

/* Levels by list scheduling under a budget of live values (alap == 2; w->level holds the ALAP
 * levels on entry): level after level, the ready live instructions (every operand written at a
 * lower level) by ALAP level then program order, at most SCHED_LIST_WIDTH a level, while the
 * values live across the level stay within `budget` (a value is live from its level to its last
 * reader's, the outputs to the end). KeccakAir's ASAP / ALAP levels need 18,531 / 9,196 slots
 * (every value of a wide level at once: one evaluation a block an SM), the flat program 6,043;
 * with the budget 1/16 above the flat program's, this schedule needs 6,484 in the same 47
 * levels (the critical path first keeps the depth; 1,024 a level spreads the work evenly), so
 * two evaluations fit an SM's shared memory. A level with no room still takes one instruction
 * (progress whatever the budget; swirl_zc_sched_build drops a schedule that got deep). */
#define SCHED_LIST_WIDTH 1024u
static enum swirl_status sched_list(sched_work *w, size_t ni, uint32_t budget) {
    uint32_t nin = w->s.n_in, nv = w->s.n_val;
    uint32_t *reads = swirl_calloc((size_t)nv + 1, sizeof *reads); /* unscheduled readers */
    uint32_t *freed = swirl_malloc(((size_t)nv + 1) * sizeof *freed); /* freed at a level */
    uint32_t *pend = swirl_malloc((ni + 1) * sizeof *pend); /* unscheduled, by priority */
    uint32_t *cnt = swirl_calloc(ni + 2, sizeof *cnt);      /* the sort's counts per level */
    enum swirl_status st = SWIRL_OK;
    if (!reads || !freed || !pend || !cnt) {
        st = SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
        goto done;
    }
    /* priority: the ALAP level (the critical path first: the schedule keeps its depth), then
     * program order; a stable counting sort by level (an ALAP level is at most ni) */
    for (size_t i = 0; i < ni; i++)
        if (w->live[i])
            cnt[w->level[nin + i] + 1]++;
    for (size_t L = 1; L <= ni + 1; L++)
        cnt[L] += cnt[L - 1];
    size_t np = cnt[ni + 1];
    for (size_t i = 0; i < ni; i++)
        if (w->live[i])
            pend[cnt[w->level[nin + i]]++] = (uint32_t)i;
    for (size_t k = 0; k < np; k++) {
        uint32_t i = pend[k], ops[2] = {w->s.a[i], w->s.b[i]};
        w->level[nin + i] = NONE; /* not yet scheduled */
        for (int q = 0; q < 2; q++)
            if (!(ops[q] & SWIRL_ZC_CONST) && !(q == 1 && ops[1] == ops[0]))
                reads[ops[q]]++;
    }
    /* live values: the inputs that are read or kept (an unread input's slot is free at once) */
    uint32_t live = 0;
    for (uint32_t v = 0; v < nin; v++)
        live += reads[v] > 0 || w->last[v] == NONE;
    uint32_t L = 0;
    while (np > 0) {
        L++;
        uint32_t taken = 0, nfree = 0;
        size_t keep = 0;
        for (size_t k = 0; k < np; k++) {
            uint32_t i = pend[k], ops[2] = {w->s.a[i], w->s.b[i]};
            int ready = taken < SCHED_LIST_WIDTH && (live < budget || taken == 0);
            for (int q = 0; q < 2 && ready; q++)
                if (!(ops[q] & SWIRL_ZC_CONST) && ops[q] >= nin && w->level[ops[q]] >= L)
                    ready = 0; /* unscheduled (NONE) or written at this level */
            if (!ready) {
                pend[keep++] = i;
                continue;
            }
            w->level[nin + i] = L;
            taken++;
            live++;
            for (int q = 0; q < 2; q++)
                if (!(ops[q] & SWIRL_ZC_CONST) && !(q == 1 && ops[1] == ops[0]) &&
                    --reads[ops[q]] == 0 && w->last[ops[q]] != NONE)
                    freed[nfree++] = ops[q];
            /* a value nothing reads and nothing keeps is dead: not live here */
        }
        np = keep;
        live -= nfree; /* their slots come back after this level */
    }
done:
    free(reads);
    free(freed);
    free(pend);
    free(cnt);
    return st;
}

/* SSA renaming, liveness from the outputs, levels and last uses */
static enum swirl_status sched_analyse(sched_work *w, const swirl_zc_dprog *pg, int alap) {
    size_t ni = pg->n_instrs, nf = pg->field_start[pg->n_interactions];
    SWIRL_TRY(swirl_zc_ssa_build(&w->s, pg));
    w->level = swirl_calloc(w->s.n_val + 1, sizeof *w->level);
    w->last = swirl_calloc(w->s.n_val + 1, sizeof *w->last);
    w->live = swirl_calloc(ni + 1, 1);
    if (!w->level || !w->last || !w->live)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    /* liveness backwards from the outputs; outputs are kept to the end (last = NONE) */
#define KEEP(id)                                                                                   \
    do {                                                                                           \
        if (!((id) & SWIRL_ZC_CONST))                                                              \
            w->last[id] = NONE;                                                                    \
    } while (0)
    for (uint32_t k = 0; k < pg->n_constraints; k++)
        KEEP(w->s.cons[k]);
    for (size_t f = 0; f < nf; f++)
        KEEP(w->s.field[f]);
    for (uint32_t i = 0; i < pg->n_interactions; i++)
        KEEP(w->s.count[i]);
#undef KEEP
    /* last[] is 0 for an unread value, NONE for an output; a live instruction's value is read
     * (or an output), so mark liveness backwards: value v live when last[v] != 0 */
    for (size_t i = ni; i-- > 0;) {
        uint32_t v = w->s.n_in + (uint32_t)i;
        if (w->last[v] == 0)
            continue;
        w->live[i] = 1;
        if (!(w->s.a[i] & SWIRL_ZC_CONST) && w->last[w->s.a[i]] == 0)
            w->last[w->s.a[i]] = 1; /* read: a placeholder, the real level follows */
        if (!(w->s.b[i] & SWIRL_ZC_CONST) && w->last[w->s.b[i]] == 0)
            w->last[w->s.b[i]] = 1;
    }
    for (size_t i = 0; i < ni; i++) {
        if (!w->live[i])
            continue;
        uint32_t la = (w->s.a[i] & SWIRL_ZC_CONST) ? 0 : w->level[w->s.a[i]],
                 lb = (w->s.b[i] & SWIRL_ZC_CONST) ? 0 : w->level[w->s.b[i]];
        w->level[w->s.n_in + i] = 1 + (la > lb ? la : lb);
    }
    if (alap) {
        /* as late as possible: a value one level below its earliest reader, outputs at the top */
        uint32_t D = 0;
        for (size_t i = 0; i < ni; i++)
            if (w->live[i] && w->level[w->s.n_in + i] > D)
                D = w->level[w->s.n_in + i];
        uint32_t *late = swirl_malloc(((size_t)w->s.n_val + 1) * sizeof *late);
        if (!late)
            return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
        for (uint32_t v = 0; v < w->s.n_val; v++)
            late[v] = D;
        for (size_t i = ni; i-- > 0;) {
            if (!w->live[i])
                continue;
            uint32_t L = late[w->s.n_in + i], ops[2] = {w->s.a[i], w->s.b[i]};
            for (int k = 0; k < 2; k++)
                if (!(ops[k] & SWIRL_ZC_CONST) && ops[k] >= w->s.n_in && late[ops[k]] > L - 1)
                    late[ops[k]] = L - 1;
        }
        for (size_t i = 0; i < ni; i++)
            if (w->live[i])
                w->level[w->s.n_in + i] = late[w->s.n_in + i];
        free(late);
    }
    if (alap == 2) {
        enum swirl_status st = sched_list(w, ni, pg->n_slots + pg->n_slots / 16 + 64);
        if (st != SWIRL_OK)
            return st;
    }
    /* last use: the highest level reading a value (outputs keep NONE) */
    for (uint32_t v = 0; v < w->s.n_val; v++)
        if (w->last[v] != NONE)
            w->last[v] = 0;
    for (size_t i = 0; i < ni; i++) {
        if (!w->live[i])
            continue;
        uint32_t L = w->level[w->s.n_in + i], ops[2] = {w->s.a[i], w->s.b[i]};
        for (int k = 0; k < 2; k++)
            if (!(ops[k] & SWIRL_ZC_CONST) && w->last[ops[k]] != NONE && w->last[ops[k]] < L)
                w->last[ops[k]] = L;
    }
    return SWIRL_OK;
}

/* an instruction's kind: its operation (0 add, 1 sub, 2 mul, 3 neg), then whether operand a, b
 * is a constant (the device's operand load branches on it) */
#define SCHED_KINDS 16u
static uint32_t sched_kind(const swirl_zc_dprog *pg, const swirl_zc_ssa *s, size_t i) {
    uint32_t op = pg->instrs[4 * i] & 3u;
    uint32_t ca = (s->a[i] & SWIRL_ZC_CONST) != 0, cb = op != 3u && (s->b[i] & SWIRL_ZC_CONST) != 0;
    return op * 4u + ca * 2u + cb;
}

static enum swirl_status sched_build(swirl_zc_sched *out, void **storage,
                                     const swirl_zc_dprog *pg, int alap) {
    *storage = NULL;
    memset(out, 0, sizeof *out);
    sched_work w;
    memset(&w, 0, sizeof w);
    enum swirl_status st = sched_analyse(&w, pg, alap);
    if (st != SWIRL_OK) {
        work_free(&w);
        return st;
    }
    size_t ni = pg->n_instrs, nf = pg->field_start[pg->n_interactions], n_live = 0;
    uint32_t n_levels = 0;
    for (size_t i = 0; i < ni; i++)
        if (w.live[i]) {
            n_live++;
            if (w.level[w.s.n_in + i] > n_levels)
                n_levels = w.level[w.s.n_in + i];
        }
    /* one allocation: instrs, level_start, outputs; then the work arrays of the allocation */
    size_t words = 4 * n_live + (n_levels + 2) + pg->n_constraints + nf + pg->n_interactions;
    uint32_t *mem = swirl_malloc((words + 1) * sizeof *mem);
    uint32_t *order = swirl_malloc((n_live + 1) * sizeof *order);
    uint32_t *slot = swirl_malloc(((size_t)w.s.n_val + 1) * sizeof *slot);
    /* per level: the slots freed after it (a list through next_free) */
    uint32_t *free_head = swirl_malloc(((size_t)n_levels + 2) * sizeof *free_head);
    uint32_t *next = swirl_malloc(((size_t)w.s.n_val + 1) * sizeof *next);
    uint32_t *stack = swirl_malloc(((size_t)w.s.n_val + 1) * sizeof *stack);
    if (!mem || !order || !slot || !free_head || !next || !stack) {
        st = SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
        goto done;
    }
    uint32_t *ins = mem, *lstart = ins + 4 * n_live, *cv = lstart + n_levels + 2,
             *fv = cv + pg->n_constraints, *cnt = fv + nf;
    /* counting sort of the live instructions by level (stable: program order within a level) */
    memset(lstart, 0, (n_levels + 2) * sizeof *lstart);
    for (size_t i = 0; i < ni; i++)
        if (w.live[i])
            lstart[w.level[w.s.n_in + i]]++; /* levels 1..n_levels -> index L - 1 after the scan */
    {
        uint32_t acc = 0;
        for (uint32_t L = 1; L <= n_levels; L++) {
            uint32_t c = lstart[L];
            lstart[L - 1] = acc;
            acc += c;
        }
        lstart[n_levels] = acc;
    }
    {
        /* within a level, by kind (the operation, then which operands are constants), program
         * order within a kind: a level's instructions go to consecutive threads, so a warp's 32
         * mostly take one path of swirl_zc_blk_level instead of every path its mix holds */
        size_t nk = (size_t)n_levels * SCHED_KINDS;
        uint32_t *fill = swirl_calloc(nk + 1, sizeof *fill);
        if (!fill) {
            st = SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
            goto done;
        }
        for (size_t i = 0; i < ni; i++)
            if (w.live[i])
                fill[(size_t)(w.level[w.s.n_in + i] - 1) * SCHED_KINDS + sched_kind(pg, &w.s, i)]++;
        uint32_t acc = 0;
        for (size_t k = 0; k < nk; k++) {
            uint32_t c = fill[k];
            fill[k] = acc;
            acc += c;
        }
        for (size_t i = 0; i < ni; i++)
            if (w.live[i])
                order[fill[(size_t)(w.level[w.s.n_in + i] - 1) * SCHED_KINDS +
                           sched_kind(pg, &w.s, i)]++] = (uint32_t)i;
        free(fill);
    }
    /* slots: inputs in [0, n_in); a value's slot goes back to the pool after its last level */
    for (uint32_t L = 0; L <= n_levels + 1; L++)
        free_head[L] = NONE;
    uint32_t n_slots = w.s.n_in, top = 0, width = 0;
#define RELEASE(v)                                                                                 \
    do {                                                                                           \
        if (w.last[v] != NONE) {                                                                   \
            next[v] = free_head[w.last[v]];                                                        \
            free_head[w.last[v]] = (v);                                                            \
        }                                                                                          \
    } while (0)
    for (uint32_t v = 0; v < w.s.n_in; v++) {
        slot[v] = v;
        RELEASE(v);
    }
    for (uint32_t L = 1; L <= n_levels; L++) {
        for (uint32_t v = free_head[L - 1]; v != NONE; v = next[v])
            stack[top++] = slot[v];
        uint32_t i0 = lstart[L - 1], i1 = lstart[L];
        if (i1 - i0 > width)
            width = i1 - i0;
        for (uint32_t k = i0; k < i1; k++) {
            uint32_t i = order[k], v = w.s.n_in + i;
            slot[v] = top ? stack[--top] : n_slots++;
            RELEASE(v);
        }
    }
#undef RELEASE
#define ENC(id) (((id) & SWIRL_ZC_CONST) ? (id) : slot[id])
    for (uint32_t k = 0; k < (uint32_t)n_live; k++) {
        uint32_t i = order[k];
        ins[4 * k] = pg->instrs[4 * i];
        ins[4 * k + 1] = slot[w.s.n_in + i];
        ins[4 * k + 2] = ENC(w.s.a[i]);
        ins[4 * k + 3] = pg->instrs[4 * i] == 3u ? 0u : ENC(w.s.b[i]);
    }
    for (uint32_t k = 0; k < pg->n_constraints; k++)
        cv[k] = ENC(w.s.cons[k]);
    for (size_t f = 0; f < nf; f++)
        fv[f] = ENC(w.s.field[f]);
    for (uint32_t i = 0; i < pg->n_interactions; i++)
        cnt[i] = ENC(w.s.count[i]);
#undef ENC
    out->n_slots = n_slots;
    out->n_inputs = w.s.n_in;
    out->n_levels = n_levels;
    out->n_instrs = (uint32_t)n_live;
    out->max_width = width;
    out->instrs = ins;
    out->level_start = lstart;
    out->cons_val = cv;
    out->field_val = fv;
    out->count_val = cnt;
    *storage = mem;
    mem = NULL;
done:
    free(mem);
    free(order);
    free(slot);
    free(free_head);
    free(next);
    free(stack);
    work_free(&w);
    return st;
}

enum swirl_status swirl_zc_sched_build(swirl_zc_sched *out, void **storage,
                                       const swirl_zc_dprog *pg) {
    SWIRL_ARG_CHECK(out && storage && pg);
    /* three placements of the levels (ASAP, ALAP, the list schedule); the one with fewest slots
     * (shared memory) wins */
    swirl_zc_sched s[3];
    void *m[3] = {NULL, NULL, NULL};
    int nk = swirl_settings_get()->zc_sched_list ? 3 : 2;
    for (int k = 0; k < nk; k++) {
        enum swirl_status st = sched_build(&s[k], &m[k], pg, k);
        if (st != SWIRL_OK) {
            for (int j = 0; j < k; j++)
                free(m[j]);
            *storage = NULL;
            return st;
        }
    }
    int best = 0;
    for (int k = 1; k < nk; k++)
        if (s[k].n_slots < s[best].n_slots &&
            (k < 2 || s[2].n_levels <= 2 * s[1].n_levels + 8)) /* a starved list schedule */
            best = k;
    *out = s[best];
    *storage = m[best];
    for (int k = 0; k < nk; k++)
        if (k != best)
            free(m[k]);
    return SWIRL_OK;
}
