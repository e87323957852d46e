/* The constraint program's compiler (see program.h): reachability, liveness, register reuse. */
#include "util/alloc.h"
#include "air/program.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "util/common.h"

enum { H_REG = 0, H_INPUT = 1, H_CONST = 2 };

typedef struct prog_builder {
    const swirl_air *air;
    uint8_t *need, *pinned, *kind; /* per node */
    uint32_t *idx, *last_use;      /* per node */
    uint32_t *free_regs;
    size_t n_free;
    uint32_t n_regs, n_vars, n_consts;
    swirl_prog_instr *ins; /* operands as node indices until the fix-up */
    size_t n_ins;
} prog_builder;

void swirl_air_program_destroy(swirl_air_program *p) {
    if (!p)
        return;
    free(p->vars);
    free(p->consts);
    free(p->instrs);
    free(p->constraint_val);
    free(p->field_val);
    free(p->field_start);
    free(p->count_val);
    free(p);
}

static int is_op(uint8_t kind) {
    return kind == SWIRL_NODE_ADD || kind == SWIRL_NODE_SUB || kind == SWIRL_NODE_MUL ||
           kind == SWIRL_NODE_NEG;
}

/* the DAG's shape: kinds, entries, references to earlier nodes only */
static enum swirl_status check_dag(const swirl_air *air) {
    for (size_t i = 0; i < air->n_nodes; i++) {
        const swirl_dag_node *n = &air->nodes[i];
        if (n->kind > SWIRL_NODE_MUL)
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "AIR %s: node %zu has unknown kind %u",
                               air->name, i, n->kind);
        if (n->kind == SWIRL_NODE_VAR && n->entry != SWIRL_ENTRY_PREPROCESSED &&
            n->entry != SWIRL_ENTRY_MAIN && n->entry != SWIRL_ENTRY_PUBLIC)
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                               "AIR %s: node %zu is a variable of an unsupported entry %u",
                               air->name, i, n->entry);
        if (is_op(n->kind) && (n->left >= i || (n->kind != SWIRL_NODE_NEG && n->right >= i)))
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                               "AIR %s: node %zu references a later or missing node", air->name,
                               i);
    }
    for (size_t k = 0; k < air->n_constraints; k++)
        if (air->constraint_idx[k] >= air->n_nodes)
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "AIR %s: constraint %zu: node out of range",
                               air->name, k);
    for (size_t i = 0; i < air->n_interactions; i++) {
        const swirl_dag_interaction *it = &air->interactions[i];
        if (it->count >= air->n_nodes)
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "AIR %s: interaction %zu: count node out of "
                               "range", air->name, i);
        for (size_t j = 0; j < it->n_fields; j++)
            if (it->fields[j] >= air->n_nodes)
                return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                                   "AIR %s: interaction %zu: field node out of range", air->name,
                                   i);
    }
    return SWIRL_OK;
}

/* outputs are needed and pinned; a needed operation needs its operands; last uses */
static void mark(prog_builder *b) {
    const swirl_air *air = b->air;
    for (size_t k = 0; k < air->n_constraints; k++)
        b->need[air->constraint_idx[k]] = b->pinned[air->constraint_idx[k]] = 1;
    for (size_t i = 0; i < air->n_interactions; i++) {
        const swirl_dag_interaction *it = &air->interactions[i];
        b->need[it->count] = b->pinned[it->count] = 1;
        for (size_t j = 0; j < it->n_fields; j++)
            b->need[it->fields[j]] = b->pinned[it->fields[j]] = 1;
    }
    for (size_t i = air->n_nodes; i-- > 0;) {
        const swirl_dag_node *n = &air->nodes[i];
        if (!b->need[i] || !is_op(n->kind))
            continue;
        b->need[n->left] = 1;
        if (b->last_use[n->left] < i + 1)
            b->last_use[n->left] = (uint32_t)i + 1; /* 0: no use */
        if (n->kind != SWIRL_NODE_NEG) {
            b->need[n->right] = 1;
            if (b->last_use[n->right] < i + 1)
                b->last_use[n->right] = (uint32_t)i + 1;
        }
    }
}

static void release(prog_builder *b, uint32_t operand, size_t user) {
    if (b->kind[operand] == H_REG && !b->pinned[operand] && b->last_use[operand] == user + 1)
        b->free_regs[b->n_free++] = b->idx[operand];
}

/* leaves to input/constant slots, operations to instructions with registers reused by liveness */
static void assign(prog_builder *b) {
    const swirl_air *air = b->air;
    for (size_t i = 0; i < air->n_nodes; i++) {
        const swirl_dag_node *n = &air->nodes[i];
        if (!b->need[i])
            continue;
        switch (n->kind) {
        case SWIRL_NODE_VAR:
            b->kind[i] = H_INPUT;
            b->idx[i] = SWIRL_PROG_N_SELECTORS + b->n_vars++;
            continue;
        case SWIRL_NODE_IS_FIRST_ROW: b->kind[i] = H_INPUT; b->idx[i] = 0; continue;
        case SWIRL_NODE_IS_TRANSITION: b->kind[i] = H_INPUT; b->idx[i] = 1; continue;
        case SWIRL_NODE_IS_LAST_ROW: b->kind[i] = H_INPUT; b->idx[i] = 2; continue;
        case SWIRL_NODE_CONST:
            b->kind[i] = H_CONST;
            b->idx[i] = b->n_consts++;
            continue;
        default: break;
        }
        release(b, n->left, i);
        if (n->kind != SWIRL_NODE_NEG && n->right != n->left)
            release(b, n->right, i);
        b->kind[i] = H_REG;
        b->idx[i] = b->n_free ? b->free_regs[--b->n_free] : b->n_regs++;
        uint32_t op = n->kind == SWIRL_NODE_ADD   ? SWIRL_PROG_ADD
                      : n->kind == SWIRL_NODE_SUB ? SWIRL_PROG_SUB
                      : n->kind == SWIRL_NODE_MUL ? SWIRL_PROG_MUL
                                                  : SWIRL_PROG_NEG;
        swirl_prog_instr in = {op, (uint32_t)i, n->left,
                               n->kind == SWIRL_NODE_NEG ? n->left : n->right};
        b->ins[b->n_ins++] = in;
    }
}

static uint32_t value_index(const prog_builder *b, uint32_t node) {
    uint32_t in_base = b->n_regs, const_base = in_base + SWIRL_PROG_N_SELECTORS + b->n_vars;
    switch (b->kind[node]) {
    case H_REG: return b->idx[node];
    case H_INPUT: return in_base + b->idx[node];
    default: return const_base + b->idx[node];
    }
}

/* the program from the assignment: slots, constants, instructions and outputs as value indices */
static enum swirl_status emit(prog_builder *b, swirl_air_program *p) {
    const swirl_air *air = b->air;
    size_t n_fields = 0;
    for (size_t i = 0; i < air->n_interactions; i++)
        n_fields += air->interactions[i].n_fields;
    p->n_regs = b->n_regs;
    p->n_inputs = SWIRL_PROG_N_SELECTORS + b->n_vars;
    p->n_consts = b->n_consts;
    p->in_base = p->n_regs;
    p->const_base = p->n_regs + p->n_inputs;
    p->n_vals = p->const_base + p->n_consts;
    p->vars = swirl_malloc((b->n_vars + 1) * sizeof *p->vars);
    p->consts = swirl_malloc((b->n_consts + 1) * sizeof *p->consts);
    p->constraint_val = swirl_malloc((air->n_constraints + 1) * sizeof *p->constraint_val);
    p->field_val = swirl_malloc((n_fields + 1) * sizeof *p->field_val);
    p->field_start = swirl_malloc((air->n_interactions + 1) * sizeof *p->field_start);
    p->count_val = swirl_malloc((air->n_interactions + 1) * sizeof *p->count_val);
    if (!p->vars || !p->consts || !p->constraint_val || !p->field_val || !p->field_start ||
        !p->count_val)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "AIR %s: out of memory for the constraint program",
                           air->name);
    for (size_t i = 0; i < air->n_nodes; i++) {
        const swirl_dag_node *n = &air->nodes[i];
        if (!b->need[i])
            continue;
        if (n->kind == SWIRL_NODE_VAR) {
            swirl_prog_var v = {n->entry, n->offset, n->part, n->index};
            p->vars[b->idx[i] - SWIRL_PROG_N_SELECTORS] = v;
        } else if (n->kind == SWIRL_NODE_CONST) {
            p->consts[b->idx[i]] = n->constant;
        }
    }
    for (size_t k = 0; k < b->n_ins; k++) {
        swirl_prog_instr *in = &b->ins[k];
        in->dst = value_index(b, in->dst);
        in->a = value_index(b, in->a);
        in->b = value_index(b, in->b);
    }
    p->instrs = b->ins;
    p->n_instrs = b->n_ins;
    b->ins = NULL;
    for (size_t k = 0; k < air->n_constraints; k++)
        p->constraint_val[k] = value_index(b, air->constraint_idx[k]);
    size_t f = 0;
    for (size_t i = 0; i < air->n_interactions; i++) {
        const swirl_dag_interaction *it = &air->interactions[i];
        p->field_start[i] = f;
        for (size_t j = 0; j < it->n_fields; j++)
            p->field_val[f++] = value_index(b, it->fields[j]);
        p->count_val[i] = value_index(b, it->count);
    }
    p->field_start[air->n_interactions] = f;
    return SWIRL_OK;
}

enum swirl_status swirl_air_program_build(swirl_air *air) {
    SWIRL_ARG_CHECK(air != NULL && (air->n_nodes == 0 || air->nodes != NULL));
    SWIRL_TRY(check_dag(air));
    size_t n = air->n_nodes;
    prog_builder b;
    memset(&b, 0, sizeof b);
    b.air = air;
    b.need = swirl_calloc(n + 1, 1);
    b.pinned = swirl_calloc(n + 1, 1);
    b.kind = swirl_calloc(n + 1, 1);
    b.idx = swirl_calloc(n + 1, sizeof *b.idx);
    b.last_use = swirl_calloc(n + 1, sizeof *b.last_use);
    b.free_regs = swirl_malloc((n + 1) * sizeof *b.free_regs);
    b.ins = swirl_malloc((n + 1) * sizeof *b.ins);
    swirl_air_program *p = swirl_calloc(1, sizeof *p);
    enum swirl_status st = SWIRL_OK;
    if (!b.need || !b.pinned || !b.kind || !b.idx || !b.last_use || !b.free_regs || !b.ins || !p) {
        st = SWIRL_RAISE(SWIRL_E_NOMEM, "AIR %s: out of memory for the constraint program",
                         air->name);
        goto done;
    }
    mark(&b);
    assign(&b);
    if ((uint64_t)b.n_regs + SWIRL_PROG_N_SELECTORS + b.n_vars + b.n_consts > SWIRL_PROG_MAX_VALS ||
        b.n_ins > SWIRL_PROG_MAX_INSTRS) {
        st = SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                         "AIR %s: the constraint program needs %zu instructions and %llu values; "
                         "the limits are %u and %u",
                         air->name, b.n_ins,
                         (unsigned long long)b.n_regs + SWIRL_PROG_N_SELECTORS + b.n_vars +
                             b.n_consts,
                         SWIRL_PROG_MAX_INSTRS, SWIRL_PROG_MAX_VALS);
        goto done;
    }
    st = emit(&b, p);
    if (st == SWIRL_OK) {
        static _Atomic uint64_t next_serial = 1;
        p->serial = atomic_fetch_add(&next_serial, 1);
        swirl_air_program_destroy(air->program);
        air->program = p;
        p = NULL;
    }
done:
    swirl_air_program_destroy(p);
    free(b.need);
    free(b.pinned);
    free(b.kind);
    free(b.idx);
    free(b.last_use);
    free(b.free_regs);
    free(b.ins);
    return st;
}
