/* The constraint program as a stream of groups for round 0 (device/zc_stream.h). */
#include "device/zc_stream.h"
#include "device/zc_ssa.h"

#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"

#define NONE 0xffffffffu

typedef struct st_work {
    const swirl_zc_dprog *pg;
    swirl_zc_ssa s; /* the program in SSA form (a NEG's b is SWIRL_ZC_CONST) */
    /* group state, by stamps (a value is in the current group when mark == stamp) */
    uint32_t *emit_mark, *exp_mark, *in_mark, *trial_mark, *trial_in;
    uint32_t stamp, trial;
    uint32_t *stack;
    /* the current group's sequence: value ids of nodes, or output records */
    uint32_t *seq_op, *seq_x, *seq_y; /* op (0..7), node id or output index, aux */
    size_t seq_n, seq_cap;
    uint32_t *last, *slot; /* per value: last position read in the group, temp slot */
    uint32_t *free_slots;
    /* the result */
    uint32_t *out;
    size_t out_n, out_cap;
    uint32_t n_temps, n_groups;
    uint32_t *gstart; /* per group: its first instruction */
    size_t gstart_n, gstart_cap;
} st_work;

static void st_free(st_work *w) {
    swirl_zc_ssa_clear(&w->s);
    free(w->emit_mark);
    free(w->exp_mark);
    free(w->in_mark);
    free(w->trial_mark);
    free(w->trial_in);
    free(w->stack);
    free(w->seq_op);
    free(w->seq_x);
    free(w->seq_y);
    free(w->last);
    free(w->slot);
    free(w->free_slots);
    free(w->gstart);
}

static int is_node(const st_work *w, uint32_t v) {
    return !(v & SWIRL_ZC_CONST) && v >= w->s.n_in;
}

/* the outputs of item t: constraint t, or interaction t - n_constraints (fields, count) */
static size_t item_outputs(const st_work *w, size_t t, const uint32_t **o) {
    const swirl_zc_dprog *pg = w->pg;
    if (t < pg->n_constraints) {
        *o = &w->s.cons[t];
        return 1;
    }
    size_t i = t - pg->n_constraints, f0 = pg->field_start[i];
    *o = &w->s.field[f0];
    return pg->field_start[i + 1] - f0;
}

static uint32_t item_count(const st_work *w, size_t t) {
    return t < w->pg->n_constraints ? NONE : w->s.count[t - w->pg->n_constraints];
}

/* inputs item t would add to the current group (its cone outside the group's nodes) */
static uint32_t trial_inputs(st_work *w, size_t t) {
    w->trial++;
    uint32_t added = 0, roots[2];
    const uint32_t *o;
    size_t no = item_outputs(w, t, &o);
    uint32_t cnt = item_count(w, t);
    for (size_t r = 0; r <= no; r++) {
        uint32_t root = r < no ? o[r] : cnt;
        if (root == NONE)
            continue;
        size_t sp = 0;
        w->stack[sp++] = root;
        while (sp) {
            uint32_t v = w->stack[--sp];
            if (v & SWIRL_ZC_CONST)
                continue;
            if (v < w->s.n_in) {
                if (w->in_mark[v] != w->stamp && w->trial_in[v] != w->trial) {
                    w->trial_in[v] = w->trial;
                    added++;
                }
                continue;
            }
            if (w->emit_mark[v] == w->stamp || w->trial_mark[v] == w->trial)
                continue;
            w->trial_mark[v] = w->trial;
            size_t i = v - w->s.n_in;
            roots[0] = w->s.a[i];
            roots[1] = w->s.b[i];
            w->stack[sp++] = roots[0];
            w->stack[sp++] = roots[1];
        }
    }
    return added;
}

static enum swirl_status seq_push(st_work *w, uint32_t op, uint32_t x, uint32_t y) {
    if (w->seq_n == w->seq_cap) {
        size_t cap = w->seq_cap ? 2 * w->seq_cap : 1024;
        uint32_t *p0 = swirl_realloc(w->seq_op, cap * sizeof *p0);
        if (p0)
            w->seq_op = p0;
        uint32_t *p1 = p0 ? swirl_realloc(w->seq_x, cap * sizeof *p1) : NULL;
        if (p1)
            w->seq_x = p1;
        uint32_t *p2 = p1 ? swirl_realloc(w->seq_y, cap * sizeof *p2) : NULL;
        if (!p2)
            return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
        w->seq_y = p2;
        w->seq_cap = cap;
    }
    w->seq_op[w->seq_n] = op;
    w->seq_x[w->seq_n] = x;
    w->seq_y[w->seq_n] = y;
    w->seq_n++;
    return SWIRL_OK;
}

/* emits root's cone depth first (nodes not yet in the group), marking its inputs */
static enum swirl_status emit_cone(st_work *w, uint32_t root) {
    if (root == NONE || (root & SWIRL_ZC_CONST))
        return SWIRL_OK;
    if (root < w->s.n_in) {
        w->in_mark[root] = w->stamp;
        return SWIRL_OK;
    }
    size_t sp = 0;
    w->stack[sp++] = root;
    while (sp) {
        uint32_t v = w->stack[sp - 1];
        if (w->emit_mark[v] == w->stamp) {
            sp--;
            continue;
        }
        size_t i = v - w->s.n_in;
        if (w->exp_mark[v] != w->stamp) {
            w->exp_mark[v] = w->stamp;
            uint32_t ops[2] = {w->s.b[i], w->s.a[i]};
            for (int k = 0; k < 2; k++) {
                uint32_t u = ops[k];
                if (u & SWIRL_ZC_CONST)
                    continue;
                if (u < w->s.n_in)
                    w->in_mark[u] = w->stamp;
                else if (w->emit_mark[u] != w->stamp)
                    w->stack[sp++] = u;
            }
            continue;
        }
        sp--;
        w->emit_mark[v] = w->stamp;
        SWIRL_TRY(seq_push(w, w->pg->instrs[4 * i], v, 0));
    }
    return SWIRL_OK;
}

/* the sequence of items [t0, t1): nodes, then each item's outputs */
static enum swirl_status group_sequence(st_work *w, size_t t0, size_t t1) {
    w->stamp++;
    w->seq_n = 0;
    for (size_t t = t0; t < t1; t++) {
        const uint32_t *o;
        size_t no = item_outputs(w, t, &o);
        uint32_t cnt = item_count(w, t);
        for (size_t r = 0; r < no; r++)
            SWIRL_TRY(emit_cone(w, o[r]));
        SWIRL_TRY(emit_cone(w, cnt));
        if (t < w->pg->n_constraints) {
            SWIRL_TRY(seq_push(w, SWIRL_ZC_ST_CONS, o[0], (uint32_t)t));
        } else {
            uint32_t i = (uint32_t)(t - w->pg->n_constraints);
            for (size_t r = 0; r < no; r++)
                SWIRL_TRY(seq_push(w, SWIRL_ZC_ST_FIELD, o[r], (uint32_t)r));
            SWIRL_TRY(seq_push(w, SWIRL_ZC_ST_COUNT, cnt, i));
            SWIRL_TRY(seq_push(w, SWIRL_ZC_ST_IEND, NONE, i));
        }
    }
    return SWIRL_OK;
}

static uint32_t encode(const st_work *w, uint32_t v) {
    if (v & SWIRL_ZC_CONST)
        return SWIRL_ZC_ST_OPERAND(SWIRL_ZC_ST_CONST, v & ~SWIRL_ZC_CONST);
    if (v < w->s.n_in)
        return SWIRL_ZC_ST_OPERAND(SWIRL_ZC_ST_INPUT, v);
    return SWIRL_ZC_ST_OPERAND(SWIRL_ZC_ST_TEMP, w->slot[v]);
}

/* the operands position p reads (NONE where none) */
static void seq_reads(const st_work *w, size_t p, uint32_t r[2]) {
    uint32_t op = w->seq_op[p], x = w->seq_x[p];
    r[0] = r[1] = NONE;
    if (op <= 3u) {
        size_t i = x - w->s.n_in;
        r[0] = w->s.a[i];
        r[1] = op == 3u ? NONE : w->s.b[i];
    } else if (op != SWIRL_ZC_ST_IEND) {
        r[0] = x;
    }
}

/* temporaries of the current sequence by liveness; *temps gets the slots used */
static void group_allocate(st_work *w, uint32_t *temps) {
    for (size_t p = 0; p < w->seq_n; p++) {
        uint32_t r[2];
        seq_reads(w, p, r);
        for (int k = 0; k < 2; k++)
            if (r[k] != NONE && is_node(w, r[k]))
                w->last[r[k]] = (uint32_t)p;
    }
    uint32_t n_free = 0, high = 0;
    for (size_t p = 0; p < w->seq_n; p++) {
        uint32_t r[2];
        seq_reads(w, p, r);
        for (int k = 0; k < 2; k++) /* operands read at their last use free their slots */
            if (r[k] != NONE && is_node(w, r[k]) && w->last[r[k]] == p &&
                (k == 0 || r[1] != r[0])) {
                w->free_slots[n_free++] = w->slot[r[k]];
                w->last[r[k]] = NONE; /* freed once */
            }
        if (w->seq_op[p] <= 3u) {
            uint32_t s;
            if (n_free) {
                /* the lowest free slot keeps the temporaries packed */
                uint32_t best = 0;
                for (uint32_t q = 1; q < n_free; q++)
                    if (w->free_slots[q] < w->free_slots[best])
                        best = q;
                s = w->free_slots[best];
                w->free_slots[best] = w->free_slots[--n_free];
            } else {
                s = high++;
            }
            w->slot[w->seq_x[p]] = s;
        }
    }
    *temps = high;
}

static enum swirl_status out_push(st_work *w, uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3) {
    if (w->out_n + 4 > w->out_cap) {
        size_t cap = w->out_cap ? 2 * w->out_cap : 4096;
        uint32_t *p = swirl_realloc(w->out, cap * sizeof *p);
        if (!p)
            return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
        w->out = p;
        w->out_cap = cap;
    }
    uint32_t v[4] = {a0, a1, a2, a3};
    memcpy(w->out + w->out_n, v, sizeof v);
    w->out_n += 4;
    return SWIRL_OK;
}

/* the current sequence (slots allocated) as instructions: a temporary's slot is read before the
 * instruction's own slot is assigned, so encode operands from the allocation pass's record */
static enum swirl_status group_emit(st_work *w) {
    for (size_t p = 0; p < w->seq_n; p++) {
        uint32_t op = w->seq_op[p], x = w->seq_x[p], y = w->seq_y[p];
        if (op <= 3u) {
            size_t i = x - w->s.n_in;
            uint32_t ea = encode(w, w->s.a[i]), eb = encode(w, w->s.b[i]);
            SWIRL_TRY(out_push(w, op, w->slot[x], ea, eb));
        } else if (op == SWIRL_ZC_ST_IEND) {
            uint32_t f0 = (uint32_t)w->pg->field_start[y],
                     nf = (uint32_t)w->pg->field_start[y + 1] - f0;
            SWIRL_TRY(out_push(w, op, y, nf, 0));
        } else {
            SWIRL_TRY(out_push(w, op, y, encode(w, x), 0));
        }
    }
    return SWIRL_OK;
}

enum swirl_status swirl_zc_stream_build(swirl_zc_stream *out, void **storage,
                                        const swirl_zc_dprog *pg) {
    SWIRL_ARG_CHECK(out && storage && pg);
    *storage = NULL;
    memset(out, 0, sizeof *out);
    SWIRL_ARG_CHECK(pg->n_slots >= pg->in_base && pg->n_slots - pg->in_base == 3u + pg->n_vars);
    st_work w;
    memset(&w, 0, sizeof w);
    w.pg = pg;
    enum swirl_status st = swirl_zc_ssa_build(&w.s, pg);
    size_t nv = (size_t)w.s.n_val + 1;
    if (st == SWIRL_OK) {
        w.emit_mark = swirl_calloc(nv, sizeof(uint32_t));
        w.exp_mark = swirl_calloc(nv, sizeof(uint32_t));
        w.trial_mark = swirl_calloc(nv, sizeof(uint32_t));
        w.in_mark = swirl_calloc(w.s.n_in + 1, sizeof(uint32_t));
        w.trial_in = swirl_calloc(w.s.n_in + 1, sizeof(uint32_t));
        w.stack = swirl_malloc(2 * nv * sizeof(uint32_t));
        w.last = swirl_malloc(nv * sizeof(uint32_t));
        w.slot = swirl_malloc(nv * sizeof(uint32_t));
        w.free_slots = swirl_malloc(nv * sizeof(uint32_t));
        if (!w.emit_mark || !w.exp_mark || !w.trial_mark || !w.in_mark || !w.trial_in ||
            !w.stack || !w.last || !w.slot || !w.free_slots)
            st = SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    }
    size_t n_items = (size_t)pg->n_constraints + pg->n_interactions;
    for (size_t t0 = 0; t0 < n_items && st == SWIRL_OK;) {
        /* the items that fit SWIRL_ZC_STREAM_GROUP_INPUTS inputs (at least one) */
        w.stamp++;
        w.seq_n = 0;
        uint32_t ins = 0;
        size_t t1 = t0;
        while (t1 < n_items) {
            uint32_t add = trial_inputs(&w, t1);
            if (t1 > t0 && ins + add > SWIRL_ZC_STREAM_GROUP_INPUTS)
                break;
            ins += add;
            const uint32_t *o;
            size_t no = item_outputs(&w, t1, &o);
            for (size_t r = 0; r < no && st == SWIRL_OK; r++)
                st = emit_cone(&w, o[r]);
            if (st == SWIRL_OK)
                st = emit_cone(&w, item_count(&w, t1));
            if (st != SWIRL_OK)
                break;
            t1++;
        }
        /* the group's sequence and temporaries; halve it while it needs too many */
        uint32_t temps = 0;
        while (st == SWIRL_OK) {
            st = group_sequence(&w, t0, t1);
            if (st != SWIRL_OK)
                break;
            group_allocate(&w, &temps);
            if (temps <= SWIRL_ZC_STREAM_MAX_TEMPS)
                break;
            if (t1 - t0 == 1) {
                st = SWIRL_RAISE(SWIRL_E_UNSUPPORTED,
                                 "constraint program: one output needs %u temporaries (> %u)",
                                 temps, SWIRL_ZC_STREAM_MAX_TEMPS);
                break;
            }
            t1 = t0 + (t1 - t0) / 2;
        }
        if (st == SWIRL_OK && w.gstart_n == w.gstart_cap) {
            size_t cap = w.gstart_cap ? 2 * w.gstart_cap : 256;
            uint32_t *g = swirl_realloc(w.gstart, cap * sizeof *g);
            if (!g)
                st = SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
            else {
                w.gstart = g;
                w.gstart_cap = cap;
            }
        }
        if (st == SWIRL_OK) {
            w.gstart[w.gstart_n++] = (uint32_t)(w.out_n / 4);
            st = group_emit(&w);
        }
        if (temps > w.n_temps)
            w.n_temps = temps;
        w.n_groups++;
        t0 = t1;
    }
    if (st == SWIRL_OK && w.out_n / 4 > 0xffffffffu)
        st = SWIRL_RAISE(SWIRL_E_INVALID_ARG, "constraint program too long for the stream");
    if (st == SWIRL_OK) {
        out->n_instrs = (uint32_t)(w.out_n / 4);
        out->n_temps = w.n_temps ? w.n_temps : 1;
        out->n_inputs = w.s.n_in;
        out->n_groups = w.n_groups;
        /* the parts: cut q at the first group start at or after q / PARTS of the instructions */
        size_t gi = 0;
        out->cut[0] = 0;
        for (uint32_t q = 1; q < SWIRL_ZC_STREAM_PARTS; q++) {
            uint64_t target = (uint64_t)out->n_instrs * q / SWIRL_ZC_STREAM_PARTS;
            while (gi < w.gstart_n && w.gstart[gi] < target)
                gi++;
            out->cut[q] = gi < w.gstart_n ? w.gstart[gi] : out->n_instrs;
            if (out->cut[q] < out->cut[q - 1])
                out->cut[q] = out->cut[q - 1];
        }
        out->cut[SWIRL_ZC_STREAM_PARTS] = out->n_instrs;
        out->instrs = w.out;
        *storage = w.out;
        w.out = NULL;
    }
    free(w.out);
    st_free(&w);
    return st;
}
