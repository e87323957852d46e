/*
 * The AIR constraint builder (expression trees, as OpenVM's SymbolicExpression builds them) and its
 * compilation to the symbolic DAG (OpenVM v2.0.1 air_builders/symbolic/dag.rs).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "air/dag.h"
#include "air/program.h"

/* An expression record has the shape of a DAG node; children are expression ids. */
typedef swirl_dag_node expr_rec;

typedef struct builder_interaction {
    swirl_expr *fields;
    size_t n_fields;
    swirl_expr count;
    uint16_t bus_index;
    uint32_t count_weight;
} builder_interaction;

struct swirl_air_builder {
    char name[64];
    size_t preprocessed_width, n_cached, common_width, num_public_values;
    size_t *cached_widths;
    expr_rec *exprs;
    size_t n_exprs, cap_exprs;
    swirl_expr *constraints;
    size_t n_constraints, cap_constraints;
    builder_interaction *interactions;
    size_t n_interactions, cap_interactions;
    enum swirl_status status;
    char error[256];
};

static void builder_fail(swirl_air_builder *b, enum swirl_status st, const char *fmt, ...) {
    if (b->status != SWIRL_OK)
        return;
    b->status = st;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b->error, sizeof b->error, fmt, ap);
    va_end(ap);
}

enum swirl_status swirl_air_builder_create(swirl_air_builder **out, const char *name,
                                           size_t preprocessed_width, const size_t *cached_widths,
                                           size_t n_cached, size_t common_width,
                                           size_t num_public_values) {
    SWIRL_ARG_CHECK(out != NULL);
    *out = NULL;
    SWIRL_ARG_CHECK(n_cached == 0 || cached_widths != NULL);
    SWIRL_ARG_CHECK(n_cached < 256);
    size_t limit = (size_t)1 << 24;
    if (preprocessed_width > limit || common_width > limit || num_public_values > limit)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "AIR widths must be below 2^24");
    for (size_t i = 0; i < n_cached; i++)
        if (cached_widths[i] == 0 || cached_widths[i] > limit)
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "cached main partition %zu has width %zu", i,
                               cached_widths[i]);
    swirl_air_builder *b = swirl_calloc(1, sizeof *b);
    if (!b)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    snprintf(b->name, sizeof b->name, "%s", name ? name : "air");
    b->preprocessed_width = preprocessed_width;
    b->n_cached = n_cached;
    b->common_width = common_width;
    b->num_public_values = num_public_values;
    if (n_cached) {
        b->cached_widths = swirl_malloc(n_cached * sizeof *b->cached_widths);
        if (!b->cached_widths) {
            free(b);
            return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
        }
        memcpy(b->cached_widths, cached_widths, n_cached * sizeof *b->cached_widths);
    }
    *out = b;
    return SWIRL_OK;
}

void swirl_air_builder_destroy(swirl_air_builder *b) {
    if (!b)
        return;
    for (size_t i = 0; i < b->n_interactions; i++)
        free(b->interactions[i].fields);
    free(b->interactions);
    free(b->constraints);
    free(b->exprs);
    free(b->cached_widths);
    free(b);
}

enum swirl_status swirl_air_builder_status(const swirl_air_builder *b) {
    if (!b)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "AIR builder is NULL");
    if (b->status != SWIRL_OK)
        return SWIRL_RAISE(b->status, "AIR '%s': %s", b->name, b->error);
    return SWIRL_OK;
}

static int grow(void **p, size_t *cap, size_t need, size_t elem) {
    if (need <= *cap)
        return 1;
    size_t nc = *cap ? *cap * 2 : 64;
    while (nc < need)
        nc *= 2;
    void *np = swirl_realloc(*p, nc * elem);
    if (!np)
        return 0;
    *p = np;
    *cap = nc;
    return 1;
}

static swirl_expr new_expr(swirl_air_builder *b, expr_rec r) {
    if (!b || b->status != SWIRL_OK)
        return SWIRL_EXPR_INVALID;
    if (b->n_exprs >= (size_t)UINT32_MAX - 1) {
        builder_fail(b, SWIRL_E_INVALID_ARG, "too many expressions");
        return SWIRL_EXPR_INVALID;
    }
    if (!grow((void **)&b->exprs, &b->cap_exprs, b->n_exprs + 1, sizeof *b->exprs)) {
        builder_fail(b, SWIRL_E_NOMEM, "out of memory");
        return SWIRL_EXPR_INVALID;
    }
    b->exprs[b->n_exprs] = r;
    return (swirl_expr)b->n_exprs++;
}

static int valid(swirl_air_builder *b, swirl_expr x, const char *what) {
    if (!b || b->status != SWIRL_OK)
        return 0;
    if (x >= b->n_exprs) {
        builder_fail(b, SWIRL_E_INVALID_ARG, "%s: invalid expression handle %u", what, x);
        return 0;
    }
    return 1;
}

static expr_rec rec_var(uint8_t entry, uint32_t part, uint32_t index, unsigned offset) {
    expr_rec r;
    memset(&r, 0, sizeof r);
    r.kind = SWIRL_NODE_VAR;
    r.entry = entry;
    r.part = part;
    r.index = index;
    r.offset = (uint8_t)offset;
    r.degree = (entry == SWIRL_ENTRY_PREPROCESSED || entry == SWIRL_ENTRY_MAIN) ? 1 : 0;
    return r;
}

swirl_expr swirl_air_main(swirl_air_builder *b, size_t col, unsigned offset) {
    if (!b || b->status != SWIRL_OK)
        return SWIRL_EXPR_INVALID;
    if (b->common_width == 0) {
        builder_fail(b, SWIRL_E_INVALID_ARG, "main column %zu: the AIR has no common main", col);
        return SWIRL_EXPR_INVALID;
    }
    if (col >= b->common_width || offset > 1) {
        builder_fail(b, SWIRL_E_INVALID_ARG, "unknown common main column %zu (width %zu) offset %u",
                     col, b->common_width, offset);
        return SWIRL_EXPR_INVALID;
    }
    return new_expr(b, rec_var(SWIRL_ENTRY_MAIN, (uint32_t)b->n_cached, (uint32_t)col, offset));
}

swirl_expr swirl_air_cached(swirl_air_builder *b, size_t part, size_t col, unsigned offset) {
    if (!b || b->status != SWIRL_OK)
        return SWIRL_EXPR_INVALID;
    if (part >= b->n_cached) {
        builder_fail(b, SWIRL_E_INVALID_ARG, "unknown cached main partition %zu (%zu partitions)",
                     part, b->n_cached);
        return SWIRL_EXPR_INVALID;
    }
    if (col >= b->cached_widths[part] || offset > 1) {
        builder_fail(b, SWIRL_E_INVALID_ARG,
                     "unknown column %zu of cached partition %zu (width %zu) offset %u", col, part,
                     b->cached_widths[part], offset);
        return SWIRL_EXPR_INVALID;
    }
    return new_expr(b, rec_var(SWIRL_ENTRY_MAIN, (uint32_t)part, (uint32_t)col, offset));
}

swirl_expr swirl_air_preprocessed(swirl_air_builder *b, size_t col, unsigned offset) {
    if (!b || b->status != SWIRL_OK)
        return SWIRL_EXPR_INVALID;
    if (col >= b->preprocessed_width || offset > 1) {
        builder_fail(b, SWIRL_E_INVALID_ARG, "unknown preprocessed column %zu (width %zu) offset %u",
                     col, b->preprocessed_width, offset);
        return SWIRL_EXPR_INVALID;
    }
    return new_expr(b, rec_var(SWIRL_ENTRY_PREPROCESSED, 0, (uint32_t)col, offset));
}

swirl_expr swirl_air_public(swirl_air_builder *b, size_t index) {
    if (!b || b->status != SWIRL_OK)
        return SWIRL_EXPR_INVALID;
    if (index >= b->num_public_values) {
        builder_fail(b, SWIRL_E_INVALID_ARG, "unknown public value %zu (%zu public values)", index,
                     b->num_public_values);
        return SWIRL_EXPR_INVALID;
    }
    return new_expr(b, rec_var(SWIRL_ENTRY_PUBLIC, 0, (uint32_t)index, 0));
}

swirl_expr swirl_air_const(swirl_air_builder *b, uint64_t value) {
    expr_rec r;
    memset(&r, 0, sizeof r);
    r.kind = SWIRL_NODE_CONST;
    r.constant = bb31_from_u64(value);
    return new_expr(b, r);
}

static swirl_expr selector(swirl_air_builder *b, uint8_t kind) {
    expr_rec r;
    memset(&r, 0, sizeof r);
    r.kind = kind;
    r.degree = 1;
    return new_expr(b, r);
}
swirl_expr swirl_air_is_first_row(swirl_air_builder *b) {
    return selector(b, SWIRL_NODE_IS_FIRST_ROW);
}
swirl_expr swirl_air_is_last_row(swirl_air_builder *b) {
    return selector(b, SWIRL_NODE_IS_LAST_ROW);
}
swirl_expr swirl_air_is_transition(swirl_air_builder *b) {
    return selector(b, SWIRL_NODE_IS_TRANSITION);
}

static swirl_expr binop(swirl_air_builder *b, uint8_t kind, swirl_expr x, swirl_expr y,
                        const char *what) {
    if (!valid(b, x, what) || !valid(b, y, what))
        return SWIRL_EXPR_INVALID;
    expr_rec r;
    memset(&r, 0, sizeof r);
    r.kind = kind;
    r.left = x;
    r.right = y;
    uint32_t dx = b->exprs[x].degree, dy = b->exprs[y].degree;
    r.degree = kind == SWIRL_NODE_MUL ? dx + dy : (dx > dy ? dx : dy);
    return new_expr(b, r);
}
swirl_expr swirl_air_add(swirl_air_builder *b, swirl_expr x, swirl_expr y) {
    return binop(b, SWIRL_NODE_ADD, x, y, "add");
}
swirl_expr swirl_air_sub(swirl_air_builder *b, swirl_expr x, swirl_expr y) {
    return binop(b, SWIRL_NODE_SUB, x, y, "sub");
}
swirl_expr swirl_air_mul(swirl_air_builder *b, swirl_expr x, swirl_expr y) {
    return binop(b, SWIRL_NODE_MUL, x, y, "mul");
}
swirl_expr swirl_air_neg(swirl_air_builder *b, swirl_expr x) {
    if (!valid(b, x, "neg"))
        return SWIRL_EXPR_INVALID;
    expr_rec r;
    memset(&r, 0, sizeof r);
    r.kind = SWIRL_NODE_NEG;
    r.left = x;
    r.degree = b->exprs[x].degree;
    return new_expr(b, r);
}

unsigned swirl_air_degree(const swirl_air_builder *b, swirl_expr x) {
    return (b && x < b->n_exprs) ? b->exprs[x].degree : 0;
}

void swirl_air_assert_zero(swirl_air_builder *b, swirl_expr x) {
    if (!valid(b, x, "assert_zero"))
        return;
    if (!grow((void **)&b->constraints, &b->cap_constraints, b->n_constraints + 1,
              sizeof *b->constraints)) {
        builder_fail(b, SWIRL_E_NOMEM, "out of memory");
        return;
    }
    b->constraints[b->n_constraints++] = x;
}
void swirl_air_assert_zero_when(swirl_air_builder *b, swirl_expr cond, swirl_expr x) {
    swirl_air_assert_zero(b, swirl_air_mul(b, cond, x));
}
void swirl_air_assert_zero_when_first_row(swirl_air_builder *b, swirl_expr x) {
    swirl_air_assert_zero_when(b, swirl_air_is_first_row(b), x);
}
void swirl_air_assert_zero_when_last_row(swirl_air_builder *b, swirl_expr x) {
    swirl_air_assert_zero_when(b, swirl_air_is_last_row(b), x);
}
void swirl_air_assert_zero_when_transition(swirl_air_builder *b, swirl_expr x) {
    swirl_air_assert_zero_when(b, swirl_air_is_transition(b), x);
}
void swirl_air_assert_eq(swirl_air_builder *b, swirl_expr x, swirl_expr y) {
    swirl_air_assert_zero(b, swirl_air_sub(b, x, y));
}
void swirl_air_assert_bool(swirl_air_builder *b, swirl_expr x) {
    /* Plonky3 AirBuilder::assert_bool: assert_zero(x.bool_check()) = x * (x - 1) */
    swirl_air_assert_zero(b, swirl_air_mul(b, x, swirl_air_sub(b, x, swirl_air_const(b, 1))));
}

void swirl_air_push_interaction(swirl_air_builder *b, uint16_t bus_index, const swirl_expr *fields,
                                size_t n_fields, swirl_expr count, uint32_t count_weight) {
    if (!b || b->status != SWIRL_OK)
        return;
    if (n_fields > 0 && !fields) {
        builder_fail(b, SWIRL_E_INVALID_ARG, "interaction on bus %u: fields is NULL", bus_index);
        return;
    }
    for (size_t i = 0; i < n_fields; i++)
        if (!valid(b, fields[i], "interaction field"))
            return;
    if (!valid(b, count, "interaction count"))
        return;
    if (!grow((void **)&b->interactions, &b->cap_interactions, b->n_interactions + 1,
              sizeof *b->interactions)) {
        builder_fail(b, SWIRL_E_NOMEM, "out of memory");
        return;
    }
    builder_interaction *it = &b->interactions[b->n_interactions];
    it->fields = swirl_malloc((n_fields ? n_fields : 1) * sizeof *it->fields);
    if (!it->fields) {
        builder_fail(b, SWIRL_E_NOMEM, "out of memory");
        return;
    }
    if (n_fields)
        memcpy(it->fields, fields, n_fields * sizeof *fields);
    it->n_fields = n_fields;
    it->count = count;
    it->bus_index = bus_index;
    it->count_weight = count_weight;
    b->n_interactions++;
}

/* ---------------------------------------------------------------------------------------------
 * Compilation to the DAG */

typedef struct dag_builder {
    swirl_dag_node *nodes;
    size_t n, cap;
    uint32_t *table; /* open addressing: node index + 1, 0 = empty */
    size_t table_cap;
    uint32_t *memo; /* expression id -> node index + 1 */
    int oom;
} dag_builder;

static uint64_t node_hash(const swirl_dag_node *x) {
    uint64_t h = 0xcbf29ce484222325ull;
    const uint32_t w[8] = {x->kind,   x->entry, x->offset,  x->part,
                           x->index, x->constant.v, x->left, x->right};
    for (int i = 0; i < 8; i++)
        h = (h ^ w[i]) * 0x100000001b3ull;
    return (h ^ x->degree) * 0x100000001b3ull;
}

/* Equality of the node as OpenVM's derived Hash/Eq sees it (degree_multiple is a field of
 * Add/Sub/Neg/Mul; for other kinds it is a function of the rest). */
static int node_eq(const swirl_dag_node *a, const swirl_dag_node *b) {
    return a->kind == b->kind && a->entry == b->entry && a->offset == b->offset &&
           a->part == b->part && a->index == b->index && a->constant.v == b->constant.v &&
           a->left == b->left && a->right == b->right && a->degree == b->degree;
}

static int table_rehash(dag_builder *d, size_t cap) {
    uint32_t *t = swirl_calloc(cap, sizeof *t);
    if (!t)
        return 0;
    for (size_t i = 0; i < d->n; i++) {
        size_t h = (size_t)node_hash(&d->nodes[i]) & (cap - 1);
        while (t[h])
            h = (h + 1) & (cap - 1);
        t[h] = (uint32_t)i + 1;
    }
    free(d->table);
    d->table = t;
    d->table_cap = cap;
    return 1;
}

static uint32_t intern(dag_builder *d, swirl_dag_node node) {
    if (d->oom)
        return 0;
    if (2 * (d->n + 1) > d->table_cap && !table_rehash(d, d->table_cap ? 2 * d->table_cap : 1024)) {
        d->oom = 1;
        return 0;
    }
    size_t h = (size_t)node_hash(&node) & (d->table_cap - 1);
    while (d->table[h]) {
        if (node_eq(&d->nodes[d->table[h] - 1], &node))
            return d->table[h] - 1;
        h = (h + 1) & (d->table_cap - 1);
    }
    if (!grow((void **)&d->nodes, &d->cap, d->n + 1, sizeof *d->nodes)) {
        d->oom = 1;
        return 0;
    }
    d->nodes[d->n] = node;
    d->table[h] = (uint32_t)d->n + 1;
    return (uint32_t)d->n++;
}

static swirl_dag_node mk(uint8_t kind, uint32_t l, uint32_t r, uint32_t degree) {
    swirl_dag_node n;
    memset(&n, 0, sizeof n);
    n.kind = kind;
    n.left = l;
    n.right = r;
    n.degree = degree;
    return n;
}

static swirl_dag_node mk_const(bb31 c) {
    swirl_dag_node n;
    memset(&n, 0, sizeof n);
    n.kind = SWIRL_NODE_CONST;
    n.constant = c;
    return n;
}

static int is_const(const dag_builder *d, uint32_t i, bb31 *c) {
    if (d->nodes[i].kind != SWIRL_NODE_CONST)
        return 0;
    if (c)
        *c = d->nodes[i].constant;
    return 1;
}
static int is_const_val(const dag_builder *d, uint32_t i, uint32_t canon) {
    bb31 c;
    return is_const(d, i, &c) && bb31_to_u32(c) == canon;
}

/* dag.rs add_expr: post-order, left before right, with OpenVM's simplifications. */
static uint32_t add_expr(dag_builder *d, const swirl_air_builder *b, swirl_expr e) {
    if (d->oom)
        return 0;
    if (d->memo[e])
        return d->memo[e] - 1;
    const expr_rec *x = &b->exprs[e];
    uint32_t idx = 0;
    switch (x->kind) {
    case SWIRL_NODE_VAR: {
        swirl_dag_node n = *x;
        n.degree = x->degree;
        idx = intern(d, n);
        break;
    }
    case SWIRL_NODE_IS_FIRST_ROW:
    case SWIRL_NODE_IS_LAST_ROW:
    case SWIRL_NODE_IS_TRANSITION:
        idx = intern(d, mk(x->kind, 0, 0, 1));
        break;
    case SWIRL_NODE_CONST:
        idx = intern(d, mk_const(x->constant));
        break;
    case SWIRL_NODE_ADD:
    case SWIRL_NODE_SUB:
    case SWIRL_NODE_MUL: {
        uint32_t l = add_expr(d, b, x->left);
        uint32_t r = add_expr(d, b, x->right);
        if (d->oom)
            return 0;
        bb31 a, c;
        int la = is_const(d, l, &a), rc = is_const(d, r, &c);
        if (x->kind == SWIRL_NODE_ADD) {
            if (la && rc)
                idx = intern(d, mk_const(bb31_add(a, c)));
            else if (is_const_val(d, l, 0))
                idx = r;
            else if (is_const_val(d, r, 0))
                idx = l;
            else if (d->nodes[r].kind == SWIRL_NODE_NEG)
                idx = intern(d, mk(SWIRL_NODE_SUB, l, d->nodes[r].left, x->degree));
            else
                idx = intern(d, mk(SWIRL_NODE_ADD, l, r, x->degree));
        } else if (x->kind == SWIRL_NODE_SUB) {
            if (la && rc)
                idx = intern(d, mk_const(bb31_sub(a, c)));
            else if (is_const_val(d, r, 0))
                idx = l;
            else if (d->nodes[r].kind == SWIRL_NODE_NEG)
                idx = intern(d, mk(SWIRL_NODE_ADD, l, d->nodes[r].left, x->degree));
            else
                idx = intern(d, mk(SWIRL_NODE_SUB, l, r, x->degree));
        } else {
            if (la && rc)
                idx = intern(d, mk_const(bb31_mul(a, c)));
            else if (is_const_val(d, l, 0) || is_const_val(d, r, 1))
                idx = l;
            else if (is_const_val(d, r, 0) || is_const_val(d, l, 1))
                idx = r;
            else
                idx = intern(d, mk(SWIRL_NODE_MUL, l, r, x->degree));
        }
        break;
    }
    case SWIRL_NODE_NEG: {
        uint32_t ch = add_expr(d, b, x->left);
        if (d->oom)
            return 0;
        bb31 c;
        if (is_const(d, ch, &c))
            idx = intern(d, mk_const(bb31_neg(c)));
        else
            idx = intern(d, mk(SWIRL_NODE_NEG, ch, 0, x->degree));
        break;
    }
    default:
        d->oom = 1;
        return 0;
    }
    d->memo[e] = idx + 1;
    return idx;
}

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

void swirl_air_destroy(swirl_air *air) {
    if (!air)
        return;
    for (size_t i = 0; i < air->n_interactions; i++)
        free(air->interactions[i].fields);
    free(air->interactions);
    free(air->constraint_idx);
    free(air->nodes);
    free(air->cached_widths);
    swirl_air_program_destroy(air->program);
    free(air);
}

enum swirl_status swirl_air_compile(swirl_air **out, const swirl_air_builder *b,
                                    unsigned max_constraint_degree) {
    SWIRL_ARG_CHECK(out != NULL);
    *out = NULL;
    SWIRL_TRY(swirl_air_builder_status(b));
    /* degree check, as keygen does against SystemParams.max_constraint_degree */
    for (size_t i = 0; i < b->n_constraints; i++)
        if (b->exprs[b->constraints[i]].degree > max_constraint_degree)
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                               "AIR '%s': constraint %zu has degree %u > max constraint degree %u",
                               b->name, i, b->exprs[b->constraints[i]].degree,
                               max_constraint_degree);
    for (size_t i = 0; i < b->n_interactions; i++) {
        const builder_interaction *it = &b->interactions[i];
        unsigned dmax = b->exprs[it->count].degree;
        for (size_t f = 0; f < it->n_fields; f++)
            if (b->exprs[it->fields[f]].degree > dmax)
                dmax = b->exprs[it->fields[f]].degree;
        if (dmax > max_constraint_degree)
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                               "AIR '%s': interaction %zu has degree %u > max constraint degree %u",
                               b->name, i, dmax, max_constraint_degree);
    }
    swirl_air *air = swirl_calloc(1, sizeof *air);
    dag_builder d;
    memset(&d, 0, sizeof d);
    d.memo = swirl_calloc(b->n_exprs + 1, sizeof *d.memo);
    if (!air || !d.memo) {
        free(air);
        free(d.memo);
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    }
    memcpy(air->name, b->name, sizeof air->name);
    air->preprocessed_width = b->preprocessed_width;
    air->n_cached = b->n_cached;
    air->common_width = b->common_width;
    air->num_public_values = b->num_public_values;
    if (b->n_cached) {
        air->cached_widths = swirl_malloc(b->n_cached * sizeof *air->cached_widths);
        if (air->cached_widths)
            memcpy(air->cached_widths, b->cached_widths, b->n_cached * sizeof *air->cached_widths);
        else
            d.oom = 1;
    }
    air->constraint_idx = swirl_malloc((b->n_constraints + 1) * sizeof *air->constraint_idx);
    air->interactions = swirl_calloc(b->n_interactions + 1, sizeof *air->interactions);
    if (!air->constraint_idx || !air->interactions)
        d.oom = 1;
    unsigned maxdeg = 0;
    for (size_t i = 0; i < b->n_constraints && !d.oom; i++) {
        air->constraint_idx[i] = add_expr(&d, b, b->constraints[i]);
        if (b->exprs[b->constraints[i]].degree > maxdeg)
            maxdeg = b->exprs[b->constraints[i]].degree;
    }
    size_t nc = b->n_constraints;
    if (!d.oom && nc > 0) {
        qsort(air->constraint_idx, nc, sizeof *air->constraint_idx, cmp_u32);
        size_t w = 1;
        for (size_t i = 1; i < nc; i++)
            if (air->constraint_idx[i] != air->constraint_idx[w - 1])
                air->constraint_idx[w++] = air->constraint_idx[i];
        nc = w;
    }
    air->n_constraints = nc;
    for (size_t i = 0; i < b->n_interactions && !d.oom; i++) {
        const builder_interaction *it = &b->interactions[i];
        swirl_dag_interaction *di = &air->interactions[i];
        di->fields = swirl_malloc((it->n_fields ? it->n_fields : 1) * sizeof *di->fields);
        if (!di->fields) {
            d.oom = 1;
            break;
        }
        air->n_interactions = i + 1;
        for (size_t f = 0; f < it->n_fields; f++) {
            di->fields[f] = add_expr(&d, b, it->fields[f]);
            if (b->exprs[it->fields[f]].degree > maxdeg)
                maxdeg = b->exprs[it->fields[f]].degree;
        }
        di->n_fields = it->n_fields;
        di->count = add_expr(&d, b, it->count);
        if (b->exprs[it->count].degree > maxdeg)
            maxdeg = b->exprs[it->count].degree;
        di->bus_index = it->bus_index;
        di->count_weight = it->count_weight;
    }
    free(d.memo);
    free(d.table);
    air->nodes = d.nodes;
    air->n_nodes = d.n;
    air->max_degree = maxdeg;
    if (d.oom) {
        swirl_air_destroy(air);
        return SWIRL_RAISE(SWIRL_E_NOMEM, "AIR '%s': out of memory compiling the DAG", b->name);
    }
    enum swirl_status pst = swirl_air_program_build(air);
    if (pst != SWIRL_OK) {
        swirl_air_destroy(air);
        return pst;
    }
    *out = air;
    return SWIRL_OK;
}

const char *swirl_air_name(const swirl_air *air) {
    return air ? air->name : "";
}
size_t swirl_air_num_nodes(const swirl_air *air) {
    return air ? air->n_nodes : 0;
}
size_t swirl_air_num_constraints(const swirl_air *air) {
    return air ? air->n_constraints : 0;
}
size_t swirl_air_num_interactions(const swirl_air *air) {
    return air ? air->n_interactions : 0;
}
unsigned swirl_air_max_degree(const swirl_air *air) {
    return air ? air->max_degree : 0;
}
size_t swirl_air_width(const swirl_air *air) {
    return air ? air->common_width : 0;
}
size_t swirl_air_num_public_values(const swirl_air *air) {
    return air ? air->num_public_values : 0;
}

/* ---------------------------------------------------------------------------------------------
 * Test oracle */

/* Expressions are created children-first, so one pass in creation order evaluates every tree. */
void swirl_air_builder_eval_all(const swirl_air_builder *b, const swirl_air_window *w, bb31 *out) {
    for (size_t e = 0; e < b->n_exprs; e++) {
        const expr_rec *x = &b->exprs[e];
        bb31 v = bb31_zero();
        switch (x->kind) {
        case SWIRL_NODE_VAR: {
            size_t r = (w->row + x->offset) & (w->height - 1);
            if (x->entry == SWIRL_ENTRY_PREPROCESSED)
                v = w->preprocessed[x->index * w->height + r];
            else if (x->entry == SWIRL_ENTRY_MAIN)
                v = x->part < b->n_cached ? w->cached[x->part][x->index * w->height + r]
                                          : w->common[x->index * w->height + r];
            else if (x->entry == SWIRL_ENTRY_PUBLIC)
                v = w->public_values[x->index];
            break;
        }
        case SWIRL_NODE_IS_FIRST_ROW: v = w->row == 0 ? bb31_one() : bb31_zero(); break;
        case SWIRL_NODE_IS_LAST_ROW: v = w->row == w->height - 1 ? bb31_one() : bb31_zero(); break;
        case SWIRL_NODE_IS_TRANSITION: v = w->row != w->height - 1 ? bb31_one() : bb31_zero(); break;
        case SWIRL_NODE_CONST: v = x->constant; break;
        case SWIRL_NODE_ADD: v = bb31_add(out[x->left], out[x->right]); break;
        case SWIRL_NODE_SUB: v = bb31_sub(out[x->left], out[x->right]); break;
        case SWIRL_NODE_MUL: v = bb31_mul(out[x->left], out[x->right]); break;
        case SWIRL_NODE_NEG: v = bb31_neg(out[x->left]); break;
        default: break;
        }
        out[e] = v;
    }
}

size_t swirl_air_builder_num_exprs(const swirl_air_builder *b) {
    return b ? b->n_exprs : 0;
}

size_t swirl_air_builder_num_constraints(const swirl_air_builder *b) {
    return b ? b->n_constraints : 0;
}

swirl_expr swirl_air_builder_constraint(const swirl_air_builder *b, size_t i) {
    return (b && i < b->n_constraints) ? b->constraints[i] : SWIRL_EXPR_INVALID;
}
