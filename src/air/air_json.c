/* One AIR's symbolic DAG as JSON, loaded node for node into a swirl_air (see air_json.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "air/air_json.h"
#include "air/program.h"
#include "util/common.h"
#include "util/json.h"

/* ---------------------------------------------------------------------------------------------
 * Loading */

typedef struct loader {
    const char *file;
    swirl_air *air;
    unsigned max_degree; /* max_constraint_degree */
} loader;

static const char *const var_keys[] = {"kind", "entry", "part_index", "offset", "index", NULL};
static const char *const bin_keys[] = {"kind", "left", "right", "degree_multiple", NULL};
static const char *const neg_keys[] = {"kind", "idx", "degree_multiple", NULL};
static const char *const const_keys[] = {"kind", "value", NULL};
static const char *const sel_keys[] = {"kind", NULL};

/* A reference to an earlier node (index < i). */
static enum swirl_status node_ref(const loader *L, const json_t *obj, const char *key, size_t i,
                                  const char *pos, uint32_t *out) {
    uint64_t v;
    SWIRL_TRY(swirl_json_u64(obj, key, UINT32_MAX, &v, L->file, pos));
    if (v >= i)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                           "%s: %s.%s: node %llu is not an earlier node (a node may reference "
                           "nodes 0 to %zu only)",
                           L->file, pos, key, (unsigned long long)v, i ? i - 1 : 0);
    *out = (uint32_t)v;
    return SWIRL_OK;
}

/* part_index / offset of a public variable: absent or null. */
static enum swirl_status must_be_null(const loader *L, const json_t *obj, const char *key,
                                      const char *pos) {
    const json_t *v = json_object_get(obj, key);
    if (v && !json_is_null(v))
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "%s: %s.%s: must be null for a public variable",
                           L->file, pos, key);
    return SWIRL_OK;
}

static enum swirl_status load_var(const loader *L, const json_t *n, const char *pos,
                                  swirl_dag_node *out) {
    SWIRL_TRY(swirl_json_check_keys(n, var_keys, L->file, pos));
    const char *entry;
    SWIRL_TRY(swirl_json_str(n, "entry", &entry, L->file, pos));
    uint64_t index, part, offset;
    if (strcmp(entry, "main") == 0) {
        SWIRL_TRY(swirl_json_u64(n, "part_index", UINT32_MAX, &part, L->file, pos));
        if (part != 0)
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                               "%s: %s.part_index: %llu: cached main partitions are not supported "
                               "in system files (only part_index 0, the common main)",
                               L->file, pos, (unsigned long long)part);
        SWIRL_TRY(swirl_json_u64(n, "offset", 1, &offset, L->file, pos));
        SWIRL_TRY(swirl_json_u64(n, "index", UINT32_MAX, &index, L->file, pos));
        if (index >= L->air->common_width)
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                               "%s: %s.index: main column %llu is out of range (the trace has %zu "
                               "columns)",
                               L->file, pos, (unsigned long long)index, L->air->common_width);
        out->entry = SWIRL_ENTRY_MAIN;
        out->offset = (uint8_t)offset;
        out->degree = 1;
    } else if (strcmp(entry, "public") == 0) {
        SWIRL_TRY(must_be_null(L, n, "part_index", pos));
        SWIRL_TRY(must_be_null(L, n, "offset", pos));
        SWIRL_TRY(swirl_json_u64(n, "index", UINT32_MAX, &index, L->file, pos));
        if (index >= L->air->num_public_values)
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                               "%s: %s.index: public value %llu is out of range (the AIR has %zu "
                               "public values)",
                               L->file, pos, (unsigned long long)index, L->air->num_public_values);
        out->entry = SWIRL_ENTRY_PUBLIC;
        out->degree = 0;
    } else if (strcmp(entry, "preprocessed") == 0) {
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                           "%s: %s.entry: preprocessed columns are not supported in system files",
                           L->file, pos);
    } else {
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                           "%s: %s.entry: unknown variable entry \"%s\" (main or public)", L->file,
                           pos, entry);
    }
    out->kind = SWIRL_NODE_VAR;
    out->index = (uint32_t)index;
    return SWIRL_OK;
}

/* An explicit degree_multiple (OpenVM's, from the expression before simplification) may only
 * raise the degree derived from the operands. */
static enum swirl_status explicit_degree(const loader *L, const json_t *n, const char *pos,
                                         swirl_dag_node *out) {
    uint64_t d = out->degree;
    SWIRL_TRY(swirl_json_u64_opt(n, "degree_multiple", 255, &d, L->file, pos));
    if (d < out->degree)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                           "%s: %s.degree_multiple: %llu is below the operands' degree %u", L->file,
                           pos, (unsigned long long)d, out->degree);
    out->degree = (uint32_t)d;
    return SWIRL_OK;
}

static enum swirl_status load_binop(const loader *L, const json_t *n, size_t i, const char *pos,
                                    uint8_t kind, swirl_dag_node *out) {
    SWIRL_TRY(swirl_json_check_keys(n, bin_keys, L->file, pos));
    SWIRL_TRY(node_ref(L, n, "left", i, pos, &out->left));
    SWIRL_TRY(node_ref(L, n, "right", i, pos, &out->right));
    uint32_t dl = L->air->nodes[out->left].degree, dr = L->air->nodes[out->right].degree;
    out->kind = kind;
    out->degree = kind == SWIRL_NODE_MUL ? dl + dr : (dl > dr ? dl : dr);
    return explicit_degree(L, n, pos, out);
}

static enum swirl_status load_node(const loader *L, const json_t *n, size_t i) {
    char pos[48];
    snprintf(pos, sizeof pos, "nodes[%zu]", i);
    if (!json_is_object(n))
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "%s: %s: expected an object", L->file, pos);
    const char *kind;
    SWIRL_TRY(swirl_json_str(n, "kind", &kind, L->file, pos));
    swirl_dag_node *out = &L->air->nodes[i];
    memset(out, 0, sizeof *out);
    static const struct {
        const char *name;
        uint8_t kind;
    } sel[] = {{"is_first_row", SWIRL_NODE_IS_FIRST_ROW},
               {"is_last_row", SWIRL_NODE_IS_LAST_ROW},
               {"is_transition", SWIRL_NODE_IS_TRANSITION},
               {"add", SWIRL_NODE_ADD},
               {"sub", SWIRL_NODE_SUB},
               {"mul", SWIRL_NODE_MUL}};
    for (size_t s = 0; s < sizeof sel / sizeof sel[0]; s++) {
        if (strcmp(kind, sel[s].name) != 0)
            continue;
        if (sel[s].kind >= SWIRL_NODE_ADD)
            return load_binop(L, n, i, pos, sel[s].kind, out);
        SWIRL_TRY(swirl_json_check_keys(n, sel_keys, L->file, pos));
        out->kind = sel[s].kind;
        out->degree = 1;
        return SWIRL_OK;
    }
    if (strcmp(kind, "variable") == 0)
        return load_var(L, n, pos, out);
    if (strcmp(kind, "constant") == 0) {
        uint64_t v;
        SWIRL_TRY(swirl_json_check_keys(n, const_keys, L->file, pos));
        SWIRL_TRY(swirl_json_u64(n, "value", SWIRL_JSON_P - 1, &v, L->file, pos));
        out->kind = SWIRL_NODE_CONST;
        out->constant = bb31_from_u32((uint32_t)v);
        return SWIRL_OK;
    }
    if (strcmp(kind, "neg") == 0) {
        SWIRL_TRY(swirl_json_check_keys(n, neg_keys, L->file, pos));
        SWIRL_TRY(node_ref(L, n, "idx", i, pos, &out->left));
        out->kind = SWIRL_NODE_NEG;
        out->degree = L->air->nodes[out->left].degree;
        return explicit_degree(L, n, pos, out);
    }
    return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                       "%s: %s.kind: unknown node kind \"%s\" (variable, is_first_row, "
                       "is_last_row, is_transition, constant, add, sub, mul, neg)",
                       L->file, pos, kind);
}

static enum swirl_status check_degree(const loader *L, uint32_t node, const char *pos) {
    unsigned d = L->air->nodes[node].degree;
    if (d > L->max_degree)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                           "%s: %s: node %u has degree %u > max_constraint_degree %u", L->file, pos,
                           node, d, L->max_degree);
    if (d > L->air->max_degree)
        L->air->max_degree = d;
    return SWIRL_OK;
}

/* An array element that is a node reference (index < n_nodes). */
static enum swirl_status elem_ref(const loader *L, const json_t *v, const char *pos,
                                  uint32_t *out) {
    if (!json_is_integer(v) || json_integer_value(v) < 0 ||
        (uint64_t)json_integer_value(v) >= L->air->n_nodes)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "%s: %s: expected a node index from 0 to %zu",
                           L->file, pos, L->air->n_nodes ? L->air->n_nodes - 1 : 0);
    *out = (uint32_t)json_integer_value(v);
    return check_degree(L, *out, pos);
}

static enum swirl_status load_constraints(const loader *L, const json_t *arr) {
    char pos[48];
    size_t n = json_array_size(arr);
    L->air->constraint_idx = swirl_malloc((n + 1) * sizeof *L->air->constraint_idx);
    if (!L->air->constraint_idx)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    for (size_t c = 0; c < n; c++) {
        snprintf(pos, sizeof pos, "constraint_idx[%zu]", c);
        uint32_t v;
        SWIRL_TRY(elem_ref(L, json_array_get(arr, c), pos, &v));
        if (c > 0 && v <= L->air->constraint_idx[c - 1])
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                               "%s: %s: constraint_idx must be strictly increasing (%u after %u)",
                               L->file, pos, v, L->air->constraint_idx[c - 1]);
        L->air->constraint_idx[c] = v;
        L->air->n_constraints = c + 1;
    }
    return SWIRL_OK;
}

static const char *const inter_keys[] = {"bus_index", "message", "count", "count_weight", NULL};

static enum swirl_status load_interaction(const loader *L, const json_t *it, size_t i) {
    char pos[48], epos[80];
    snprintf(pos, sizeof pos, "interactions[%zu]", i);
    if (!json_is_object(it))
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "%s: %s: expected an object", L->file, pos);
    SWIRL_TRY(swirl_json_check_keys(it, inter_keys, L->file, pos));
    swirl_dag_interaction *di = &L->air->interactions[i];
    uint64_t bus, weight;
    SWIRL_TRY(swirl_json_u64(it, "bus_index", UINT16_MAX, &bus, L->file, pos));
    SWIRL_TRY(swirl_json_u64(it, "count_weight", UINT32_MAX, &weight, L->file, pos));
    di->bus_index = (uint16_t)bus;
    di->count_weight = (uint32_t)weight;
    const json_t *msg;
    SWIRL_TRY(swirl_json_array(it, "message", &msg, L->file, pos));
    size_t nf = json_array_size(msg);
    di->fields = swirl_malloc((nf ? nf : 1) * sizeof *di->fields);
    if (!di->fields)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    L->air->n_interactions = i + 1;
    for (size_t f = 0; f < nf; f++) {
        snprintf(epos, sizeof epos, "%s.message[%zu]", pos, f);
        SWIRL_TRY(elem_ref(L, json_array_get(msg, f), epos, &di->fields[f]));
        di->n_fields = f + 1;
    }
    snprintf(epos, sizeof epos, "%s.count", pos);
    const json_t *count = json_object_get(it, "count");
    if (!count)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "%s: %s: missing key \"count\"", L->file, pos);
    return elem_ref(L, count, epos, &di->count);
}

static const char *const dag_keys[] = {"nodes", "constraint_idx", "interactions",
                                       "max_constraint_degree", NULL};

/* An explicit max_constraint_degree may only raise the derived one, up to the system's bound. */
static enum swirl_status explicit_max_degree(const loader *L, const json_t *root) {
    uint64_t d = L->air->max_degree;
    SWIRL_TRY(swirl_json_u64_opt(root, "max_constraint_degree", 255, &d, L->file, "(top level)"));
    if (d < L->air->max_degree || d > L->max_degree)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                           "%s: max_constraint_degree: %llu must be from the DAG's degree %u to "
                           "the system's max_constraint_degree %u",
                           L->file, (unsigned long long)d, L->air->max_degree, L->max_degree);
    L->air->max_degree = (unsigned)d;
    return SWIRL_OK;
}

static enum swirl_status load_dag(const loader *L, const json_t *root) {
    if (!json_is_object(root))
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "%s: expected a JSON object at the top level",
                           L->file);
    SWIRL_TRY(swirl_json_check_keys(root, dag_keys, L->file, "(top level)"));
    const json_t *nodes, *cidx, *inter = json_object_get(root, "interactions");
    SWIRL_TRY(swirl_json_array(root, "nodes", &nodes, L->file, "(top level)"));
    SWIRL_TRY(swirl_json_array(root, "constraint_idx", &cidx, L->file, "(top level)"));
    if (inter && !json_is_array(inter))
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "%s: interactions: expected an array", L->file);
    size_t nn = json_array_size(nodes), ni = json_array_size(inter);
    if (nn >= UINT32_MAX)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "%s: nodes: too many nodes", L->file);
    swirl_air *a = L->air;
    a->nodes = swirl_calloc(nn + 1, sizeof *a->nodes);
    a->interactions = swirl_calloc(ni + 1, sizeof *a->interactions);
    if (!a->nodes || !a->interactions)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    for (size_t i = 0; i < nn; i++) {
        SWIRL_TRY(load_node(L, json_array_get(nodes, i), i));
        a->n_nodes = i + 1;
    }
    SWIRL_TRY(load_constraints(L, cidx));
    for (size_t i = 0; i < ni; i++)
        SWIRL_TRY(load_interaction(L, json_array_get(inter, i), i));
    return explicit_max_degree(L, root);
}

enum swirl_status swirl_air_from_json(swirl_air **out, const json_t *root, const char *file,
                                      const char *name, size_t common_width,
                                      size_t num_public_values, unsigned max_constraint_degree) {
    SWIRL_ARG_CHECK(out != NULL);
    *out = NULL;
    SWIRL_ARG_CHECK(root != NULL);
    loader L = {file ? file : "(json)", swirl_calloc(1, sizeof(swirl_air)), max_constraint_degree};
    if (!L.air)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    snprintf(L.air->name, sizeof L.air->name, "%s", name ? name : "air");
    L.air->common_width = common_width;
    L.air->num_public_values = num_public_values;
    enum swirl_status st = load_dag(&L, root);
    if (st == SWIRL_OK && (st = swirl_air_program_build(L.air)) != SWIRL_OK) {
        char why[256];
        snprintf(why, sizeof why, "%s", swirl_last_error());
        st = SWIRL_RAISE(st, "%s: %s", L.file, why);
    }
    if (st != SWIRL_OK) {
        swirl_air_destroy(L.air);
        return st;
    }
    *out = L.air;
    return SWIRL_OK;
}

enum swirl_status swirl_air_load_json(swirl_air **out, const char *path, const char *name,
                                      size_t common_width, size_t num_public_values,
                                      unsigned max_constraint_degree) {
    SWIRL_ARG_CHECK(out != NULL);
    *out = NULL;
    json_t *root;
    SWIRL_TRY(swirl_json_load_file(&root, path));
    enum swirl_status st = swirl_air_from_json(out, root, path, name, common_width,
                                               num_public_values, max_constraint_degree);
    json_decref(root);
    return st;
}

/* ---------------------------------------------------------------------------------------------
 * Writing */

static json_t *var_json(const swirl_dag_node *x) {
    if (x->entry == SWIRL_ENTRY_PUBLIC)
        return json_pack("{s:s,s:s,s:n,s:n,s:I}", "kind", "variable", "entry", "public",
                         "part_index", "offset", "index", (json_int_t)x->index);
    return json_pack("{s:s,s:s,s:I,s:I,s:I}", "kind", "variable", "entry", "main", "part_index",
                     (json_int_t)x->part, "offset", (json_int_t)x->offset, "index",
                     (json_int_t)x->index);
}

/* The degree OpenVM's writer leaves out: written when it differs from what the operands give. */
static json_t *with_degree(json_t *j, const swirl_air *air, const swirl_dag_node *x) {
    if (x->kind != SWIRL_NODE_ADD && x->kind != SWIRL_NODE_SUB && x->kind != SWIRL_NODE_MUL &&
        x->kind != SWIRL_NODE_NEG)
        return j;
    uint32_t dl = air->nodes[x->left].degree, dr = air->nodes[x->right].degree, d;
    if (x->kind == SWIRL_NODE_NEG)
        d = dl;
    else
        d = x->kind == SWIRL_NODE_MUL ? dl + dr : (dl > dr ? dl : dr);
    if (j && d != x->degree &&
        json_object_set_new(j, "degree_multiple", json_integer((json_int_t)x->degree)) != 0) {
        json_decref(j);
        return NULL;
    }
    return j;
}

static json_t *node_json(const swirl_dag_node *x) {
    static const char *const names[] = {"variable",      "is_first_row", "is_last_row",
                                        "is_transition", "constant",     "add",
                                        "sub",           "neg",          "mul"};
    switch (x->kind) {
    case SWIRL_NODE_VAR: return var_json(x);
    case SWIRL_NODE_IS_FIRST_ROW:
    case SWIRL_NODE_IS_LAST_ROW:
    case SWIRL_NODE_IS_TRANSITION: return json_pack("{s:s}", "kind", names[x->kind]);
    case SWIRL_NODE_CONST:
        return json_pack("{s:s,s:I}", "kind", "constant", "value",
                         (json_int_t)bb31_to_u32(x->constant));
    case SWIRL_NODE_NEG: return json_pack("{s:s,s:I}", "kind", "neg", "idx", (json_int_t)x->left);
    case SWIRL_NODE_ADD:
    case SWIRL_NODE_SUB:
    case SWIRL_NODE_MUL:
        return json_pack("{s:s,s:I,s:I}", "kind", names[x->kind], "left", (json_int_t)x->left,
                         "right", (json_int_t)x->right);
    default: return NULL;
    }
}

static json_t *u32_array(const uint32_t *v, size_t n) {
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        if (json_array_append_new(a, json_integer((json_int_t)v[i])) != 0) {
            json_decref(a);
            return NULL;
        }
    return a;
}

static json_t *interaction_json(const swirl_dag_interaction *it) {
    return json_pack("{s:I,s:o,s:I,s:I}", "bus_index", (json_int_t)it->bus_index, "message",
                     u32_array(it->fields, it->n_fields), "count", (json_int_t)it->count,
                     "count_weight", (json_int_t)it->count_weight);
}

/* max_degree as the loader derives it: over the constraint roots, interaction fields and counts */
static unsigned derived_max_degree(const swirl_air *air) {
    unsigned m = 0;
    for (size_t i = 0; i < air->n_constraints; i++)
        m = air->nodes[air->constraint_idx[i]].degree > m
                ? air->nodes[air->constraint_idx[i]].degree
                : m;
    for (size_t i = 0; i < air->n_interactions; i++) {
        const swirl_dag_interaction *it = &air->interactions[i];
        m = air->nodes[it->count].degree > m ? air->nodes[it->count].degree : m;
        for (size_t f = 0; f < it->n_fields; f++)
            m = air->nodes[it->fields[f]].degree > m ? air->nodes[it->fields[f]].degree : m;
    }
    return m;
}

enum swirl_status swirl_air_to_json(json_t **out, const swirl_air *air) {
    SWIRL_ARG_CHECK(out != NULL && air != NULL);
    *out = NULL;
    if (air->preprocessed_width || air->n_cached)
        return SWIRL_RAISE(SWIRL_E_UNSUPPORTED,
                           "AIR %s: preprocessed or cached partitions are not supported in system "
                           "files",
                           air->name);
    json_t *nodes = json_array(), *inter = json_array();
    int ok = nodes && inter;
    for (size_t i = 0; ok && i < air->n_nodes; i++)
        ok = json_array_append_new(
                 nodes, with_degree(node_json(&air->nodes[i]), air, &air->nodes[i])) == 0;
    for (size_t i = 0; ok && i < air->n_interactions; i++)
        ok = json_array_append_new(inter, interaction_json(&air->interactions[i])) == 0;
    json_t *root = NULL;
    if (ok)
        root = json_pack("{s:o,s:o,s:o}", "nodes", nodes, "constraint_idx",
                         u32_array(air->constraint_idx, air->n_constraints), "interactions", inter);
    else {
        json_decref(nodes);
        json_decref(inter);
    }
    if (root && air->max_degree != derived_max_degree(air) &&
        json_object_set_new(root, "max_constraint_degree",
                            json_integer((json_int_t)air->max_degree)) != 0) {
        json_decref(root);
        root = NULL;
    }
    if (!root)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "AIR %s: out of memory encoding JSON", air->name);
    *out = root;
    return SWIRL_OK;
}

enum swirl_status swirl_air_save_json(const char *path, const swirl_air *air) {
    json_t *root;
    SWIRL_TRY(swirl_air_to_json(&root, air));
    enum swirl_status st = swirl_json_save_file(root, path);
    json_decref(root);
    return st;
}
