/* Keygen: verifying-key data, trace-height constraints, postcard serialization, pre-hash. */
#include "util/alloc.h"
#include "protocol/keygen.h"

#include <stdlib.h>
#include <string.h>

#include "pcs/stacked.h"
#include "protocol/bytes.h"
#include "protocol/vk_codec.h"

/* ---- postcard writer (serde data model: varint integers, zigzag for signed, u8 raw, bool one
 * byte, sequences with a varint length, enums with a varint variant index, arrays as tuples) ---- */

typedef swirl_bytes pc_buf;

static void pc_byte(pc_buf *b, uint8_t v) {
    swirl_put_byte(b, v);
}
static void pc_varint(pc_buf *b, uint64_t v) {
    while (v >= 0x80) {
        pc_byte(b, (uint8_t)(v | 0x80));
        v >>= 7;
    }
    pc_byte(b, (uint8_t)v);
}
static void pc_ivarint(pc_buf *b, int64_t v) {
    pc_varint(b, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}
static void pc_bool(pc_buf *b, int v) {
    pc_byte(b, v ? 1 : 0);
}
static void pc_field(pc_buf *b, bb31 f) {
    pc_varint(b, f.v); /* MontyField31 serializes its Montgomery form as u32 */
}

static void pc_params(pc_buf *b, const swirl_system_params *p) {
    pc_varint(b, p->l_skip);
    pc_varint(b, p->n_stack);
    pc_varint(b, p->w_stack);
    pc_varint(b, p->log_blowup);
    /* WhirConfig */
    pc_varint(b, p->whir.k);
    pc_varint(b, p->whir.num_rounds);
    for (size_t r = 0; r < p->whir.num_rounds; r++)
        pc_varint(b, p->whir.num_queries[r]);
    pc_varint(b, p->whir.mu_pow_bits);
    pc_varint(b, p->whir.query_phase_pow_bits);
    pc_varint(b, p->whir.folding_pow_bits);
    pc_varint(b, (uint64_t)p->whir.proximity.kind);
    if (p->whir.proximity.kind == SWIRL_PROXIMITY_SPLIT_UNIQUE_LIST) {
        pc_varint(b, p->whir.proximity.m);
        pc_varint(b, p->whir.proximity.list_start_round);
    } else if (p->whir.proximity.kind == SWIRL_PROXIMITY_LIST_DECODING) {
        pc_varint(b, p->whir.proximity.m);
    }
    /* LogUpSecurityParameters */
    pc_varint(b, p->logup.max_interaction_count);
    pc_varint(b, p->logup.log_max_message_length);
    pc_varint(b, p->logup.pow_bits);
    pc_varint(b, p->max_constraint_degree);
}

static void pc_entry(pc_buf *b, uint8_t entry, uint32_t part, uint8_t offset) {
    pc_varint(b, entry);
    if (entry == SWIRL_ENTRY_PREPROCESSED) {
        pc_varint(b, offset);
    } else if (entry == SWIRL_ENTRY_MAIN) {
        pc_varint(b, part);
        pc_varint(b, offset);
    }
}

static void pc_vk_air(pc_buf *b, const swirl_vk_air *v) {
    const swirl_air *air = v->air;
    /* preprocessed_data: Option<VerifierSinglePreprocessedData> */
    pc_bool(b, v->has_preprocessed);
    if (v->has_preprocessed) {
        for (int i = 0; i < P2_DIGEST_LEN; i++)
            pc_field(b, v->preprocessed_commit.v[i]);
        pc_ivarint(b, v->preprocessed_hypercube_dim);
        pc_varint(b, v->preprocessed_stacking_width);
    }
    /* params: StarkVerifyingParams { width: TraceWidth, num_public_values, need_rot } */
    pc_bool(b, v->has_preprocessed);
    if (v->has_preprocessed)
        pc_varint(b, air->preprocessed_width);
    pc_varint(b, air->n_cached);
    for (size_t i = 0; i < air->n_cached; i++)
        pc_varint(b, air->cached_widths[i]);
    pc_varint(b, air->common_width);
    pc_varint(b, air->num_public_values);
    pc_bool(b, v->need_rot);
    /* symbolic_constraints: SymbolicConstraintsDag { constraints: { nodes, constraint_idx },
     * interactions } */
    pc_varint(b, air->n_nodes);
    for (size_t i = 0; i < air->n_nodes; i++) {
        const swirl_dag_node *n = &air->nodes[i];
        switch (n->kind) {
        case SWIRL_NODE_VAR:
            pc_varint(b, 0);
            pc_entry(b, n->entry, n->part, n->offset);
            pc_varint(b, n->index);
            break;
        case SWIRL_NODE_IS_FIRST_ROW: pc_varint(b, 1); break;
        case SWIRL_NODE_IS_LAST_ROW: pc_varint(b, 2); break;
        case SWIRL_NODE_IS_TRANSITION: pc_varint(b, 3); break;
        case SWIRL_NODE_CONST:
            pc_varint(b, 4);
            pc_field(b, n->constant);
            break;
        case SWIRL_NODE_NEG:
            pc_varint(b, 7);
            pc_varint(b, n->left);
            pc_varint(b, n->degree);
            break;
        default: /* Add 5, Sub 6, Mul 8 */
            pc_varint(b, n->kind == SWIRL_NODE_ADD ? 5 : n->kind == SWIRL_NODE_SUB ? 6 : 8);
            pc_varint(b, n->left);
            pc_varint(b, n->right);
            pc_varint(b, n->degree);
            break;
        }
    }
    pc_varint(b, air->n_constraints);
    for (size_t i = 0; i < air->n_constraints; i++)
        pc_varint(b, air->constraint_idx[i]);
    pc_varint(b, air->n_interactions);
    for (size_t i = 0; i < air->n_interactions; i++) {
        const swirl_dag_interaction *it = &air->interactions[i];
        pc_varint(b, it->n_fields);
        for (size_t f = 0; f < it->n_fields; f++)
            pc_varint(b, it->fields[f]);
        pc_varint(b, it->count);
        pc_varint(b, it->bus_index);
        pc_varint(b, it->count_weight);
    }
    pc_byte(b, (uint8_t)v->max_constraint_degree); /* u8 */
    pc_bool(b, v->is_required);
    pc_varint(b, v->n_unused);
    for (size_t i = 0; i < v->n_unused; i++) {
        pc_entry(b, v->unused[i].entry, v->unused[i].part, v->unused[i].offset);
        pc_varint(b, v->unused[i].index);
    }
}

enum swirl_status swirl_vk_postcard(const swirl_vk *vk, uint8_t **bytes, size_t *len) {
    SWIRL_ARG_CHECK(vk != NULL && bytes != NULL && len != NULL);
    *bytes = NULL;
    *len = 0;
    pc_buf b = {0};
    pc_params(&b, &vk->params);
    pc_varint(&b, vk->n_airs);
    for (size_t i = 0; i < vk->n_airs; i++)
        pc_vk_air(&b, &vk->per_air[i]);
    pc_varint(&b, vk->n_thc);
    for (size_t i = 0; i < vk->n_thc; i++) {
        pc_varint(&b, vk->n_airs);
        for (size_t a = 0; a < vk->n_airs; a++)
            pc_varint(&b, vk->thc[i].coefficients[a]);
        pc_varint(&b, vk->thc[i].threshold);
    }
    if (b.oom) {
        free(b.p);
        return SWIRL_RAISE(SWIRL_E_NOMEM, "vk serialization: out of memory");
    }
    *bytes = b.p;
    *len = b.len;
    return SWIRL_OK;
}

void swirl_vk_destroy(swirl_vk *vk) {
    if (!vk)
        return;
    for (size_t i = 0; vk->per_air && i < vk->n_airs; i++) {
        free(vk->per_air[i].unused);
        swirl_stacked_pcs_data_destroy(vk->per_air[i].preprocessed_data);
    }
    if (vk->owned_airs)
        for (size_t i = 0; i < vk->n_airs; i++)
            swirl_air_destroy(vk->owned_airs[i]);
    free(vk->owned_airs);
    for (size_t i = 0; i < vk->n_thc; i++)
        free(vk->thc[i].coefficients);
    free(vk->per_air);
    free(vk->thc);
    free(vk);
}

/* find_unused_vars: variables (offset 0, and offset 1 when need_rot) no DAG node reads */
static enum swirl_status find_unused(swirl_vk_air *v) {
    const swirl_air *air = v->air;
    size_t nparts = air->n_cached + (air->common_width ? 1 : 0);
    size_t total = air->preprocessed_width;
    for (size_t p = 0; p < nparts; p++)
        total += p < air->n_cached ? air->cached_widths[p] : air->common_width;
    uint8_t *present = swirl_calloc(2 * (total + 1), 1);
    size_t *part_base = swirl_calloc(nparts + 1, sizeof *part_base);
    if (!present || !part_base) {
        free(present);
        free(part_base);
        return SWIRL_RAISE(SWIRL_E_NOMEM, "keygen: out of memory");
    }
    size_t base = air->preprocessed_width;
    for (size_t p = 0; p < nparts; p++) {
        part_base[p] = base;
        base += p < air->n_cached ? air->cached_widths[p] : air->common_width;
    }
    for (size_t i = 0; i < air->n_nodes; i++) {
        const swirl_dag_node *n = &air->nodes[i];
        if (n->kind != SWIRL_NODE_VAR)
            continue;
        if (n->entry == SWIRL_ENTRY_PREPROCESSED)
            present[2 * n->index + n->offset] = 1;
        else if (n->entry == SWIRL_ENTRY_MAIN)
            present[2 * (part_base[n->part] + n->index) + n->offset] = 1;
    }
    v->unused = swirl_malloc((2 * total + 1) * sizeof *v->unused);
    if (!v->unused) {
        free(present);
        free(part_base);
        return SWIRL_RAISE(SWIRL_E_NOMEM, "keygen: out of memory");
    }
    size_t k = 0;
    for (size_t c = 0; c < air->preprocessed_width; c++)
        for (uint8_t off = 0; off < 2; off++)
            if (!present[2 * c + off] && (off == 0 || v->need_rot)) {
                struct swirl_unused_var u = {SWIRL_ENTRY_PREPROCESSED, 0, (uint32_t)c, off};
                v->unused[k++] = u;
            }
    for (size_t p = 0; p < nparts; p++) {
        size_t w = p < air->n_cached ? air->cached_widths[p] : air->common_width;
        for (size_t c = 0; c < w; c++)
            for (uint8_t off = 0; off < 2; off++)
                if (!present[2 * (part_base[p] + c) + off] && (off == 0 || v->need_rot)) {
                    struct swirl_unused_var u = {SWIRL_ENTRY_MAIN, (uint32_t)p, (uint32_t)c, off};
                    v->unused[k++] = u;
                }
    }
    v->n_unused = k;
    free(present);
    free(part_base);
    return SWIRL_OK;
}

static int implied_by(const swirl_linear_constraint *a, const swirl_linear_constraint *b,
                      size_t n) {
    if (a->threshold < b->threshold)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (a->coefficients[i] > b->coefficients[i])
            return 0;
    return 1;
}

static enum swirl_status keygen_air(swirl_vk_air *v, const swirl_system_params *params,
                                    const swirl_keygen_air *in) {
    const swirl_air *air = in->air;
    v->air = air;
    v->is_required = in->is_required != 0;
    size_t main_width = air->common_width;
    for (size_t i = 0; i < air->n_cached; i++)
        main_width += air->cached_widths[i];
    if (main_width == 0)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "AIR %s has zero main trace width", air->name);
    if (air->n_constraints == 0 && air->n_interactions == 0)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                           "AIR %s must have at least one constraint or interaction", air->name);
    size_t max_msg = (size_t)1 << params->logup.log_max_message_length;
    for (size_t i = 0; i < air->n_interactions; i++) {
        if (air->interactions[i].n_fields == 0)
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                               "AIR %s interaction %zu has a zero-length message", air->name, i);
        if (air->interactions[i].n_fields + 1 > max_msg)
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                               "AIR %s interaction %zu: message length %zu + 1 (bus) exceeds %zu",
                               air->name, i, air->interactions[i].n_fields, max_msg);
    }
    if (air->max_degree > params->max_constraint_degree)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                           "Max constraint degree exceeded for AIR %s: %u > %zu", air->name,
                           air->max_degree, params->max_constraint_degree);
    v->max_constraint_degree = air->max_degree;
    v->need_rot = 0;
    for (size_t i = 0; i < air->n_nodes; i++)
        if (air->nodes[i].kind == SWIRL_NODE_VAR &&
            (air->nodes[i].entry == SWIRL_ENTRY_MAIN ||
             air->nodes[i].entry == SWIRL_ENTRY_PREPROCESSED) &&
            air->nodes[i].offset == 1)
            v->need_rot = 1;
    if (air->preprocessed_width > 0) {
        if (!in->preprocessed || !swirl_is_pow2(in->preprocessed_height))
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                               "AIR %s has %zu preprocessed columns but no valid preprocessed trace",
                               air->name, air->preprocessed_width);
        swirl_trace_view t = {in->preprocessed, in->preprocessed_height, air->preprocessed_width,
                              NULL};
        swirl_stacked_pcs_data *d;
        SWIRL_TRY(swirl_stacked_commit(NULL, &d, &v->preprocessed_commit, &t, 1, (unsigned)params->l_skip,
                                       (unsigned)params->n_stack, (unsigned)params->log_blowup,
                                       (unsigned)params->whir.k));
        v->has_preprocessed = 1;
        v->preprocessed_hypercube_dim =
            (int64_t)swirl_log2_exact(in->preprocessed_height) - (int64_t)params->l_skip;
        v->preprocessed_stacking_width = swirl_stacked_pcs_layout(d)->width;
        v->preprocessed_data = d; /* the proving key's part: the prover opens it */
    } else if (in->preprocessed) {
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                           "AIR %s has no preprocessed columns but a preprocessed trace was given",
                           air->name);
    }
    return find_unused(v);
}

enum swirl_status swirl_keygen(swirl_vk **out, const swirl_system_params *params,
                               const swirl_keygen_air *airs, size_t n) {
    SWIRL_ARG_CHECK(out != NULL);
    *out = NULL;
    SWIRL_ARG_CHECK(params != NULL && (airs != NULL || n == 0));
    for (size_t i = 0; i < n; i++)
        SWIRL_ARG_CHECK(airs[i].air != NULL);
    swirl_vk *vk = swirl_calloc(1, sizeof *vk);
    if (!vk)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "keygen: out of memory");
    vk->params = *params;
    vk->n_airs = n;
    vk->per_air = swirl_calloc(n + 1, sizeof *vk->per_air);
    /* at most one constraint per bus plus the global one */
    size_t max_thc = 1;
    for (size_t i = 0; i < n; i++)
        max_thc += airs[i].air->n_interactions;
    vk->thc = swirl_calloc(max_thc, sizeof *vk->thc);
    if (!vk->per_air || !vk->thc) {
        swirl_vk_destroy(vk);
        return SWIRL_RAISE(SWIRL_E_NOMEM, "keygen: out of memory");
    }
    enum swirl_status st = SWIRL_OK;
    for (size_t i = 0; i < n && st == SWIRL_OK; i++)
        st = keygen_air(&vk->per_air[i], params, &airs[i]);
    /* trace height constraints: per bus (ascending bus index) sum of count weights, threshold p;
     * then the total interaction count per AIR, threshold max_interaction_count */
    swirl_linear_constraint *all = NULL;
    size_t n_all = 0;
    if (st == SWIRL_OK) {
        all = swirl_calloc(max_thc, sizeof *all);
        if (!all)
            st = SWIRL_RAISE(SWIRL_E_NOMEM, "keygen: out of memory");
    }
    for (uint32_t bus = 0; bus <= 0xffff && st == SWIRL_OK; bus++) {
        int used = 0;
        for (size_t a = 0; a < n && !used; a++)
            for (size_t i = 0; i < airs[a].air->n_interactions && !used; i++)
                used = airs[a].air->interactions[i].bus_index == bus;
        if (!used)
            continue;
        all[n_all].coefficients = swirl_calloc(n + 1, sizeof(uint32_t));
        if (!all[n_all].coefficients) {
            st = SWIRL_RAISE(SWIRL_E_NOMEM, "keygen: out of memory");
            break;
        }
        all[n_all].threshold = BB31_P;
        for (size_t a = 0; a < n; a++)
            for (size_t i = 0; i < airs[a].air->n_interactions; i++)
                if (airs[a].air->interactions[i].bus_index == bus)
                    all[n_all].coefficients[a] += airs[a].air->interactions[i].count_weight;
        n_all++;
    }
    if (st == SWIRL_OK) {
        all[n_all].coefficients = swirl_calloc(n + 1, sizeof(uint32_t));
        if (!all[n_all].coefficients) {
            st = SWIRL_RAISE(SWIRL_E_NOMEM, "keygen: out of memory");
        } else {
            for (size_t a = 0; a < n; a++)
                all[n_all].coefficients[a] = (uint32_t)airs[a].air->n_interactions;
            all[n_all].threshold = params->logup.max_interaction_count;
            n_all++;
        }
    }
    /* keep only constraints not implied by another, in OpenVM's order */
    for (size_t c = 0; c < n_all && st == SWIRL_OK; c++) {
        int skip = 0;
        for (size_t k = 0; k < vk->n_thc && !skip; k++)
            skip = implied_by(&all[c], &vk->thc[k], n);
        if (skip) {
            free(all[c].coefficients);
            all[c].coefficients = NULL;
            continue;
        }
        size_t w = 0;
        for (size_t k = 0; k < vk->n_thc; k++) {
            if (implied_by(&vk->thc[k], &all[c], n))
                free(vk->thc[k].coefficients);
            else
                vk->thc[w++] = vk->thc[k];
        }
        vk->n_thc = w;
        vk->thc[vk->n_thc++] = all[c];
        all[c].coefficients = NULL;
    }
    if (all) {
        for (size_t c = 0; c < n_all; c++)
            free(all[c].coefficients);
        free(all);
    }
    if (st == SWIRL_OK) {
        uint8_t *bytes;
        size_t len;
        st = swirl_vk_postcard(vk, &bytes, &len);
        if (st == SWIRL_OK) {
            /* the versioned pre-hash over the postcard bytes (vk_codec.h) */
            st = swirl_vk_pre_hash(&vk->pre_hash, bytes, len);
            free(bytes);
        }
    }
    if (st != SWIRL_OK) {
        swirl_vk_destroy(vk);
        return st;
    }
    *out = vk;
    return SWIRL_OK;
}
