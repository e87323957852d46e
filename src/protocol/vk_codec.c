/* The verifying-key file: postcard(MultiStarkVerifyingKey) out and in (see vk_codec.h). */
#include "util/alloc.h"
#include "protocol/vk_codec.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "air/program.h"
#include "pcs/whir_config.h"

#define VK_MAX_WIDTH ((uint64_t)1 << 24) /* the AIR builder's limit on widths / public values */
#define VK_MAX_CACHED 255                /* the AIR builder's limit on cached partitions */
#define VK_MAX_POW_BITS 30               /* OpenVM sample_bits: 2^bits < p */

/* ---- encoding ---- */

static size_t put_varint(uint8_t *p, uint64_t v) {
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (uint8_t)v;
    return n;
}

enum swirl_status swirl_vk_encode(uint8_t **bytes, size_t *len, const swirl_vk *vk) {
    SWIRL_ARG_CHECK(bytes != NULL && len != NULL);
    *bytes = NULL;
    *len = 0;
    SWIRL_ARG_CHECK(vk != NULL);
    uint8_t *inner;
    size_t n;
    SWIRL_TRY(swirl_vk_postcard(vk, &inner, &n));
    /* pre_hash: [F; 8], a tuple of 8 u32 varints (at most 5 bytes each) */
    uint8_t *b = swirl_realloc(inner, n + 5 * P2_DIGEST_LEN);
    if (!b) {
        free(inner);
        return SWIRL_RAISE(SWIRL_E_NOMEM, "vk encoding: out of memory");
    }
    for (int i = 0; i < P2_DIGEST_LEN; i++)
        n += put_varint(b + n, vk->pre_hash.v[i].v);
    *bytes = b;
    *len = n;
    return SWIRL_OK;
}

enum swirl_status swirl_vk_pre_hash(swirl_digest *out, const uint8_t *inner, size_t len) {
    SWIRL_ARG_CHECK(out != NULL && (inner != NULL || len == 0));
    size_t n;
    if (!swirl_add_size(len, 12, &n) || n > SIZE_MAX / sizeof(bb31))
        return SWIRL_RAISE(SWIRL_E_NOMEM, "vk pre-hash: %zu bytes are too many", len);
    bb31 *elems = swirl_malloc(n * sizeof *elems);
    if (!elems)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "vk pre-hash: out of memory");
    uint32_t ver = SWIRL_CODEC_VERSION;
    uint64_t l64 = len;
    for (int i = 0; i < 4; i++)
        elems[i] = bb31_from_u32((ver >> (8 * i)) & 0xff);
    for (int i = 0; i < 8; i++)
        elems[4 + i] = bb31_from_u32((uint32_t)((l64 >> (8 * i)) & 0xff));
    for (size_t i = 0; i < len; i++)
        elems[12 + i] = bb31_from_u32(inner[i]);
    p2_hash_slice(out, elems, n);
    free(elems);
    return SWIRL_OK;
}

/* ---- decoding ---- */

typedef struct rd {
    const uint8_t *p;
    size_t len, pos;
} rd;

static enum swirl_status bad(size_t pos, const char *fmt, ...) SWIRL_PRINTF_LIKE(2, 3);
static enum swirl_status bad(size_t pos, const char *fmt, ...) {
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return SWIRL_RAISE(SWIRL_E_IO, "verifying key: %s at byte %zu", msg, pos);
}

/* a minimal LEB128 varint of at most 64 bits, at most `max` */
static enum swirl_status rd_varint(rd *r, uint64_t *v, uint64_t max, const char *what) {
    size_t start = r->pos;
    uint64_t x = 0;
    for (unsigned i = 0;; i++) {
        if (r->pos >= r->len)
            return bad(start, "%s: input ends inside a varint", what);
        uint8_t b = r->p[r->pos++];
        if (i == 9 && b > 1)
            return bad(start, "%s: varint overflows 64 bits", what);
        x |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) {
            if (b == 0 && i > 0)
                return bad(start, "%s: non-canonical varint", what);
            break;
        }
    }
    if (x > max)
        return bad(start, "%s %llu out of range (max %llu)", what, (unsigned long long)x,
                   (unsigned long long)max);
    *v = x;
    return SWIRL_OK;
}

static enum swirl_status rd_size(rd *r, size_t *v, uint64_t max, const char *what) {
    uint64_t x = 0;
    SWIRL_TRY(rd_varint(r, &x, max < SIZE_MAX ? max : SIZE_MAX, what));
    *v = (size_t)x;
    return SWIRL_OK;
}

static enum swirl_status rd_u32(rd *r, uint32_t *v, uint32_t max, const char *what) {
    uint64_t x = 0;
    SWIRL_TRY(rd_varint(r, &x, max, what));
    *v = (uint32_t)x;
    return SWIRL_OK;
}

/* isize: zigzag varint */
static enum swirl_status rd_isize(rd *r, int64_t *v, const char *what) {
    uint64_t x = 0;
    SWIRL_TRY(rd_varint(r, &x, UINT64_MAX, what));
    *v = (int64_t)(x >> 1) ^ -(int64_t)(x & 1);
    return SWIRL_OK;
}

static enum swirl_status rd_bool(rd *r, int *v, const char *what) {
    if (r->pos >= r->len)
        return bad(r->pos, "%s: input ends", what);
    uint8_t b = r->p[r->pos];
    if (b > 1)
        return bad(r->pos, "%s: byte %u is not 0 or 1", what, b);
    r->pos++;
    *v = b;
    return SWIRL_OK;
}

static enum swirl_status rd_field(rd *r, bb31 *f, const char *what) {
    size_t start = r->pos;
    uint32_t x = 0;
    SWIRL_TRY(rd_u32(r, &x, UINT32_MAX, what));
    if (x >= BB31_P)
        return bad(start, "%s: field element %u is not below p", what, x);
    f->v = x;
    return SWIRL_OK;
}

/* a sequence length: each element takes at least min_each bytes of what is left */
static enum swirl_status rd_count(rd *r, size_t *n, size_t min_each, const char *what) {
    size_t start = r->pos;
    uint64_t x = 0;
    SWIRL_TRY(rd_varint(r, &x, UINT64_MAX, what));
    if (x > (r->len - r->pos) / min_each)
        return bad(start, "%s: length %llu exceeds the %zu bytes left", what, (unsigned long long)x,
                   r->len - r->pos);
    *n = (size_t)x;
    return SWIRL_OK;
}

static enum swirl_status rd_pow_bits(rd *r, size_t *v, const char *what) {
    return rd_size(r, v, VK_MAX_POW_BITS, what);
}

static enum swirl_status rd_params(rd *r, swirl_system_params *p) {
    memset(p, 0, sizeof *p);
    SWIRL_TRY(rd_size(r, &p->l_skip, BB31_TWO_ADICITY, "l_skip"));
    SWIRL_TRY(rd_size(r, &p->n_stack, BB31_TWO_ADICITY, "n_stack"));
    SWIRL_TRY(rd_size(r, &p->w_stack, UINT64_MAX, "w_stack"));
    SWIRL_TRY(rd_size(r, &p->log_blowup, BB31_TWO_ADICITY, "log_blowup"));
    size_t whir_pos = r->pos;
    swirl_whir_config *w = &p->whir;
    SWIRL_TRY(rd_size(r, &w->k, UINT64_MAX, "whir.k"));
    size_t rounds_pos = r->pos;
    SWIRL_TRY(rd_count(r, &w->num_rounds, 1, "whir.rounds"));
    if (w->num_rounds > SWIRL_WHIR_MAX_ROUNDS)
        return bad(rounds_pos, "%zu WHIR rounds exceed %d", w->num_rounds, SWIRL_WHIR_MAX_ROUNDS);
    for (size_t i = 0; i < w->num_rounds; i++)
        SWIRL_TRY(rd_size(r, &w->num_queries[i], SWIRL_VK_MAX_QUERIES, "whir num_queries"));
    SWIRL_TRY(rd_pow_bits(r, &w->mu_pow_bits, "whir.mu_pow_bits"));
    SWIRL_TRY(rd_pow_bits(r, &w->query_phase_pow_bits, "whir.query_phase_pow_bits"));
    SWIRL_TRY(rd_pow_bits(r, &w->folding_pow_bits, "whir.folding_pow_bits"));
    size_t kind = 0;
    SWIRL_TRY(rd_size(r, &kind, SWIRL_PROXIMITY_LIST_DECODING, "whir.proximity variant"));
    w->proximity.kind = (enum swirl_proximity_kind)kind;
    if (kind != SWIRL_PROXIMITY_UNIQUE_DECODING)
        SWIRL_TRY(rd_size(r, &w->proximity.m, UINT64_MAX, "whir.proximity.m"));
    if (kind == SWIRL_PROXIMITY_SPLIT_UNIQUE_LIST)
        SWIRL_TRY(rd_size(r, &w->proximity.list_start_round, UINT64_MAX,
                          "whir.proximity.list_start_round"));
    SWIRL_TRY(
        rd_u32(r, &p->logup.max_interaction_count, UINT32_MAX, "logup.max_interaction_count"));
    SWIRL_TRY(rd_u32(r, &p->logup.log_max_message_length, 63, "logup.log_max_message_length"));
    SWIRL_TRY(rd_pow_bits(r, &p->logup.pow_bits, "logup.pow_bits"));
    SWIRL_TRY(rd_size(r, &p->max_constraint_degree, UINT32_MAX, "max_constraint_degree"));
    swirl_whir_plan plan;
    if (swirl_whir_plan_init(&plan, p) != SWIRL_OK)
        return bad(whir_pos,
                   "no WHIR round plan for k %zu, %zu rounds, l_skip + n_stack %zu, "
                   "log_blowup %zu",
                   w->k, w->num_rounds, p->l_skip + p->n_stack, p->log_blowup);
    return SWIRL_OK;
}

static size_t part_width(const swirl_air *air, uint64_t part) {
    if (part < air->n_cached)
        return air->cached_widths[part];
    return part == air->n_cached ? air->common_width : 0;
}

/* SymbolicVariable { entry, index } of a DAG node */
static enum swirl_status rd_var(rd *r, swirl_dag_node *n, const swirl_air *air) {
    size_t start = r->pos;
    uint64_t entry, part = 0, offset = 0, index;
    SWIRL_TRY(rd_varint(r, &entry, SWIRL_ENTRY_CHALLENGE, "variable entry"));
    if (entry == SWIRL_ENTRY_CHALLENGE)
        return bad(start, "a Challenge variable (keygen cannot produce one)");
    if (entry == SWIRL_ENTRY_MAIN)
        SWIRL_TRY(rd_varint(r, &part, UINT64_MAX, "main part_index"));
    if (entry == SWIRL_ENTRY_PREPROCESSED || entry == SWIRL_ENTRY_MAIN)
        SWIRL_TRY(rd_varint(r, &offset, 1, "variable row offset"));
    size_t index_pos = r->pos;
    SWIRL_TRY(rd_varint(r, &index, UINT64_MAX, "variable index"));
    size_t limit = entry == SWIRL_ENTRY_PREPROCESSED ? air->preprocessed_width
                   : entry == SWIRL_ENTRY_MAIN       ? part_width(air, part)
                                                     : air->num_public_values;
    if (entry == SWIRL_ENTRY_MAIN && part > air->n_cached)
        return bad(start, "main part_index %llu of %zu cached partitions", (unsigned long long)part,
                   air->n_cached);
    if (index >= limit)
        return bad(index_pos, "variable index %llu outside its %zu columns / public values",
                   (unsigned long long)index, limit);
    n->kind = SWIRL_NODE_VAR;
    n->entry = (uint8_t)entry;
    n->part = (uint32_t)part;
    n->offset = (uint8_t)offset;
    n->index = (uint32_t)index;
    n->degree = entry == SWIRL_ENTRY_PUBLIC ? 0 : 1;
    return SWIRL_OK;
}

static enum swirl_status rd_node(rd *r, swirl_dag_node *nodes, size_t j, const swirl_air *air) {
    size_t start = r->pos;
    swirl_dag_node *n = &nodes[j];
    memset(n, 0, sizeof *n);
    uint64_t tag;
    SWIRL_TRY(rd_varint(r, &tag, 8, "node variant"));
    uint64_t l = 0, rr = 0, deg, want;
    switch (tag) {
    case 0: return rd_var(r, n, air);
    case 1: n->kind = SWIRL_NODE_IS_FIRST_ROW; break;
    case 2: n->kind = SWIRL_NODE_IS_LAST_ROW; break;
    case 3: n->kind = SWIRL_NODE_IS_TRANSITION; break;
    case 4: n->kind = SWIRL_NODE_CONST; return rd_field(r, &n->constant, "constant");
    case 7:
        n->kind = SWIRL_NODE_NEG;
        SWIRL_TRY(rd_varint(r, &l, UINT64_MAX, "neg child"));
        if (l >= j)
            return bad(start, "node %zu: child %llu is not an earlier node", j,
                       (unsigned long long)l);
        break;
    default: /* Add 5, Sub 6, Mul 8 */
        n->kind = tag == 5 ? SWIRL_NODE_ADD : tag == 6 ? SWIRL_NODE_SUB : SWIRL_NODE_MUL;
        SWIRL_TRY(rd_varint(r, &l, UINT64_MAX, "left child"));
        SWIRL_TRY(rd_varint(r, &rr, UINT64_MAX, "right child"));
        if (l >= j || rr >= j)
            return bad(start, "node %zu: children %llu, %llu are not both earlier nodes", j,
                       (unsigned long long)l, (unsigned long long)rr);
        break;
    }
    if (tag <= 3) {
        n->degree = 1;
        return SWIRL_OK;
    }
    size_t deg_pos = r->pos;
    SWIRL_TRY(rd_varint(r, &deg, UINT32_MAX, "degree_multiple"));
    uint64_t dl = nodes[l].degree, dr = tag == 7 ? 0 : nodes[rr].degree;
    want = tag == 8 ? dl + dr : (dl > dr ? dl : dr);
    if (deg < want)
        return bad(deg_pos, "node %zu: degree_multiple %llu below its children's %llu", j,
                   (unsigned long long)deg, (unsigned long long)want);
    n->left = (uint32_t)l;
    n->right = (uint32_t)rr;
    n->degree = (uint32_t)deg;
    return SWIRL_OK;
}

/* SymbolicVariable of unused_variables (entry, part, index, offset as keygen stores them) */
static enum swirl_status rd_unused(rd *r, struct swirl_unused_var *u) {
    uint64_t entry, part = 0, offset = 0;
    uint32_t index;
    SWIRL_TRY(rd_varint(r, &entry, SWIRL_ENTRY_CHALLENGE, "unused variable entry"));
    if (entry == SWIRL_ENTRY_MAIN)
        SWIRL_TRY(rd_varint(r, &part, UINT32_MAX, "unused variable part_index"));
    if (entry == SWIRL_ENTRY_PREPROCESSED || entry == SWIRL_ENTRY_MAIN)
        SWIRL_TRY(rd_varint(r, &offset, 1, "unused variable row offset"));
    SWIRL_TRY(rd_u32(r, &index, UINT32_MAX, "unused variable index"));
    u->entry = (uint8_t)entry;
    u->part = (uint32_t)part;
    u->offset = (uint8_t)offset;
    u->index = index;
    return SWIRL_OK;
}

/* unused_variables must be keygen's find_unused_vars of the DAG, in its order: columns (offset 0,
 * then offset 1 when need_rot) that no variable node reads, preprocessed first, then the main
 * partitions in part order */
typedef struct unused_walk {
    const swirl_vk_air *v;
    const uint8_t *present; /* 2 per column: offsets 0 and 1 */
    size_t k;               /* next expected entry of v->unused */
    int ok;
} unused_walk;

static void expect_unused(unused_walk *w, uint8_t entry, uint32_t part, uint32_t index,
                          size_t slot) {
    for (uint8_t off = 0; off < 2 && w->ok; off++) {
        if (w->present[2 * slot + off] || (off == 1 && !w->v->need_rot))
            continue;
        if (w->k >= w->v->n_unused) {
            w->ok = 0;
            return;
        }
        const struct swirl_unused_var *u = &w->v->unused[w->k++];
        w->ok = u->entry == entry && u->part == part && u->index == index && u->offset == off;
    }
}

static enum swirl_status check_unused(const swirl_vk_air *v, size_t pos) {
    const swirl_air *air = v->air;
    size_t nparts = air->n_cached + (air->common_width ? 1 : 0);
    size_t total = air->preprocessed_width, vars = 0;
    for (size_t p = 0; p < nparts; p++)
        total += part_width(air, p);
    for (size_t i = 0; i < air->n_nodes; i++)
        vars += air->nodes[i].kind == SWIRL_NODE_VAR;
    /* each column is read at offset 0 by some variable node or listed unused at offset 0, so a
     * consistent key has total <= vars + n_unused (which bounds the allocation below) */
    if (total > vars + v->n_unused)
        return bad(pos, "unused_variables: %zu columns but %zu variables and %zu unused ones",
                   total, vars, v->n_unused);
    uint8_t *present = swirl_calloc(2 * total + 1, 1);
    size_t *base = swirl_malloc((nparts + 1) * sizeof *base);
    if (!present || !base) {
        free(present);
        free(base);
        return SWIRL_RAISE(SWIRL_E_NOMEM, "vk decoding: out of memory");
    }
    size_t b = air->preprocessed_width;
    for (size_t p = 0; p < nparts; p++) {
        base[p] = b;
        b += part_width(air, p);
    }
    for (size_t i = 0; i < air->n_nodes; i++) {
        const swirl_dag_node *n = &air->nodes[i];
        if (n->kind == SWIRL_NODE_VAR && n->entry == SWIRL_ENTRY_PREPROCESSED)
            present[2 * n->index + n->offset] = 1;
        else if (n->kind == SWIRL_NODE_VAR && n->entry == SWIRL_ENTRY_MAIN)
            present[2 * (base[n->part] + n->index) + n->offset] = 1;
    }
    unused_walk w = {v, present, 0, 1};
    for (size_t c = 0; c < air->preprocessed_width; c++)
        expect_unused(&w, SWIRL_ENTRY_PREPROCESSED, 0, (uint32_t)c, c);
    for (size_t p = 0; p < nparts; p++)
        for (size_t c = 0; c < part_width(air, p); c++)
            expect_unused(&w, SWIRL_ENTRY_MAIN, (uint32_t)p, (uint32_t)c, base[p] + c);
    free(present);
    free(base);
    if (!w.ok || w.k != v->n_unused)
        return bad(pos, "unused_variables differ from the variables the DAG does not read");
    return SWIRL_OK;
}

/* preprocessed_data: Option<VerifierSinglePreprocessedData>, then params: StarkVerifyingParams
 * { width: TraceWidth, num_public_values, need_rot } */
static enum swirl_status rd_widths(rd *r, swirl_vk_air *v, swirl_air *air, size_t i,
                                   const swirl_system_params *params) {
    size_t prep_pos = r->pos;
    SWIRL_TRY(rd_bool(r, &v->has_preprocessed, "preprocessed_data tag"));
    if (v->has_preprocessed) {
        for (int k = 0; k < P2_DIGEST_LEN; k++)
            SWIRL_TRY(rd_field(r, &v->preprocessed_commit.v[k], "preprocessed commit"));
        SWIRL_TRY(rd_isize(r, &v->preprocessed_hypercube_dim, "preprocessed hypercube_dim"));
        SWIRL_TRY(
            rd_size(r, &v->preprocessed_stacking_width, UINT64_MAX, "preprocessed stacking_width"));
    }
    size_t width_pos = r->pos;
    int has_width = 0;
    SWIRL_TRY(rd_bool(r, &has_width, "width.preprocessed tag"));
    if (has_width != v->has_preprocessed)
        return bad(width_pos, "AIR %zu: width.preprocessed and preprocessed_data disagree", i);
    if (has_width) {
        SWIRL_TRY(rd_size(r, &air->preprocessed_width, VK_MAX_WIDTH - 1, "preprocessed width"));
        if (air->preprocessed_width == 0)
            return bad(width_pos, "AIR %zu: preprocessed width 0", i);
    }
    size_t cached_pos = r->pos;
    size_t nc = 0;
    SWIRL_TRY(rd_count(r, &nc, 1, "cached_mains"));
    if (nc > VK_MAX_CACHED)
        return bad(cached_pos, "%zu cached partitions exceed %d", nc, VK_MAX_CACHED);
    if (nc) {
        air->cached_widths = swirl_malloc(nc * sizeof *air->cached_widths);
        if (!air->cached_widths)
            return SWIRL_RAISE(SWIRL_E_NOMEM, "vk decoding: out of memory");
        air->n_cached = nc;
        for (size_t k = 0; k < nc; k++) {
            size_t pos = r->pos;
            SWIRL_TRY(rd_size(r, &air->cached_widths[k], VK_MAX_WIDTH - 1, "cached main width"));
            if (air->cached_widths[k] == 0)
                return bad(pos, "cached main width 0");
        }
    }
    size_t common_pos = r->pos;
    SWIRL_TRY(rd_size(r, &air->common_width, VK_MAX_WIDTH - 1, "common main width"));
    if (air->common_width == 0 && nc == 0)
        return bad(common_pos, "AIR %zu has zero main trace width", i);
    SWIRL_TRY(rd_size(r, &air->num_public_values, VK_MAX_WIDTH - 1, "num_public_values"));
    SWIRL_TRY(rd_bool(r, &v->need_rot, "need_rot"));
    if (!v->has_preprocessed)
        return SWIRL_OK;
    /* hypercube_dim = log2(height) - l_skip with height <= 2^(l_skip + n_stack); the stacked width
     * of that one matrix of 2^max(log height, l_skip) rows per column */
    int64_t dim = v->preprocessed_hypercube_dim;
    if (dim < -(int64_t)params->l_skip || dim > (int64_t)params->n_stack)
        return bad(prep_pos, "AIR %zu: preprocessed hypercube_dim %lld outside [-%zu, %zu]", i,
                   (long long)dim, params->l_skip, params->n_stack);
    size_t lh = (size_t)(dim + (int64_t)params->l_skip);
    size_t rows = (size_t)1 << (lh > params->l_skip ? lh : params->l_skip);
    size_t log_stacked = params->l_skip + params->n_stack;
    uint64_t cells = (uint64_t)air->preprocessed_width * rows; /* < 2^24 * 2^27 */
    size_t want = (size_t)((cells + ((uint64_t)1 << log_stacked) - 1) >> log_stacked);
    if (v->preprocessed_stacking_width != want)
        return bad(prep_pos, "AIR %zu: preprocessed stacking_width %zu, the layout's is %zu", i,
                   v->preprocessed_stacking_width, want);
    return SWIRL_OK;
}

/* symbolic_constraints: SymbolicConstraintsDag { constraints: { nodes, constraint_idx },
 * interactions } */
static enum swirl_status rd_dag(rd *r, swirl_air *air, const swirl_system_params *params) {
    size_t nn = 0;
    SWIRL_TRY(rd_count(r, &nn, 1, "nodes"));
    if (nn > UINT32_MAX)
        return bad(r->pos, "%zu nodes", nn);
    air->nodes = swirl_calloc(nn ? nn : 1, sizeof *air->nodes);
    if (!air->nodes)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "vk decoding: out of memory");
    air->n_nodes = nn;
    for (size_t j = 0; j < nn; j++)
        SWIRL_TRY(rd_node(r, air->nodes, j, air));
    size_t ncs = 0;
    SWIRL_TRY(rd_count(r, &ncs, 1, "constraint_idx"));
    air->constraint_idx = swirl_malloc((ncs + 1) * sizeof *air->constraint_idx);
    if (!air->constraint_idx)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "vk decoding: out of memory");
    air->n_constraints = ncs;
    for (size_t k = 0; k < ncs; k++) {
        size_t pos = r->pos;
        uint32_t c = 0;
        SWIRL_TRY(rd_u32(r, &c, UINT32_MAX, "constraint index"));
        if (c >= nn || (k > 0 && c <= air->constraint_idx[k - 1]))
            return bad(pos, "constraint index %u: not an increasing node index below %zu", c, nn);
        air->constraint_idx[k] = c;
    }
    size_t ni = 0;
    SWIRL_TRY(rd_count(r, &ni, 5, "interactions"));
    air->interactions = swirl_calloc(ni + 1, sizeof *air->interactions);
    if (!air->interactions)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "vk decoding: out of memory");
    air->n_interactions = ni;
    uint64_t max_fields = ((uint64_t)1 << params->logup.log_max_message_length) - 1;
    for (size_t k = 0; k < ni; k++) {
        swirl_dag_interaction *it = &air->interactions[k];
        size_t pos = r->pos;
        size_t nf = 0;
        SWIRL_TRY(rd_count(r, &nf, 1, "interaction message"));
        if (nf == 0)
            return bad(pos, "interaction %zu has a zero-length message", k);
        if (nf > max_fields)
            return bad(pos, "interaction %zu: message length %zu + 1 (bus) exceeds 2^%u", k, nf,
                       params->logup.log_max_message_length);
        it->fields = swirl_malloc(nf * sizeof *it->fields);
        if (!it->fields)
            return SWIRL_RAISE(SWIRL_E_NOMEM, "vk decoding: out of memory");
        it->n_fields = nf;
        for (size_t f = 0; f <= nf; f++) { /* the message fields, then the count */
            pos = r->pos;
            uint32_t x = 0;
            SWIRL_TRY(rd_u32(r, &x, UINT32_MAX, f < nf ? "message field" : "count"));
            if (x >= nn)
                return bad(pos, "interaction %zu: node %u of %zu", k, x, nn);
            if (f < nf)
                it->fields[f] = x;
            else
                it->count = x;
        }
        uint32_t bus = 0;
        SWIRL_TRY(rd_u32(r, &bus, UINT16_MAX, "bus_index"));
        it->bus_index = (uint16_t)bus;
        SWIRL_TRY(rd_u32(r, &it->count_weight, UINT32_MAX, "count_weight"));
    }
    return SWIRL_OK;
}

/* StarkVerifyingKey: a new AIR "air<i>" (owned by the key) and its vk data */
static enum swirl_status rd_air(rd *r, swirl_vk *vk, size_t i) {
    const swirl_system_params *params = &vk->params;
    swirl_vk_air *v = &vk->per_air[i];
    swirl_air *air = swirl_calloc(1, sizeof *air);
    if (!air)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "vk decoding: out of memory");
    vk->owned_airs[i] = air;
    v->air = air;
    snprintf(air->name, sizeof air->name, "air%zu", i);
    SWIRL_TRY(rd_widths(r, v, air, i, params));
    size_t rot_pos = r->pos - 1, dag_pos = r->pos;
    SWIRL_TRY(rd_dag(r, air, params));
    enum swirl_status pst = swirl_air_program_build(air);
    if (pst == SWIRL_E_NOMEM)
        return pst;
    if (pst != SWIRL_OK) {
        char why[160];
        snprintf(why, sizeof why, "%s", swirl_last_error());
        return bad(dag_pos, "AIR %zu: %s", i, why);
    }
    /* max_constraint_degree: u8, one raw byte */
    size_t deg_pos = r->pos;
    if (r->pos >= r->len)
        return bad(r->pos, "max_constraint_degree: input ends");
    unsigned deg = r->p[r->pos++];
    if (deg > params->max_constraint_degree)
        return bad(deg_pos, "Max constraint degree exceeded for AIR %zu: %u > %zu", i, deg,
                   params->max_constraint_degree);
    int rot = 0;
    for (size_t j = 0; j < air->n_nodes; j++) {
        const swirl_dag_node *n = &air->nodes[j];
        if (n->degree > deg)
            return bad(deg_pos, "AIR %zu: node %zu has degree %u > max_constraint_degree %u", i, j,
                       n->degree, deg);
        if (n->kind == SWIRL_NODE_VAR && n->entry != SWIRL_ENTRY_PUBLIC && n->offset == 1)
            rot = 1;
    }
    v->max_constraint_degree = deg;
    air->max_degree = deg;
    if (air->n_constraints == 0 && air->n_interactions == 0)
        return bad(dag_pos, "AIR %zu must have at least one constraint or interaction", i);
    SWIRL_TRY(rd_bool(r, &v->is_required, "is_required"));
    if (v->need_rot != rot)
        return bad(rot_pos, "AIR %zu: need_rot %d but the DAG %s rotated variables", i, v->need_rot,
                   rot ? "reads" : "reads no");
    size_t unused_pos = r->pos;
    size_t nu = 0;
    SWIRL_TRY(rd_count(r, &nu, 2, "unused_variables"));
    v->unused = swirl_malloc((nu + 1) * sizeof *v->unused);
    if (!v->unused)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "vk decoding: out of memory");
    v->n_unused = nu;
    for (size_t k = 0; k < nu; k++)
        SWIRL_TRY(rd_unused(r, &v->unused[k]));
    return check_unused(v, unused_pos);
}

static enum swirl_status decode(swirl_vk *vk, rd *r) {
    SWIRL_TRY(rd_params(r, &vk->params));
    size_t n;
    SWIRL_TRY(rd_count(r, &n, 12, "per_air"));
    vk->per_air = swirl_calloc(n + 1, sizeof *vk->per_air);
    vk->owned_airs = swirl_calloc(n + 1, sizeof *vk->owned_airs);
    if (!vk->per_air || !vk->owned_airs)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "vk decoding: out of memory");
    vk->n_airs = n;
    for (size_t i = 0; i < n; i++)
        SWIRL_TRY(rd_air(r, vk, i));
    /* trace_height_constraints: each n coefficients and a threshold */
    size_t nt;
    SWIRL_TRY(rd_count(r, &nt, n + 2, "trace_height_constraints"));
    vk->thc = swirl_calloc(nt + 1, sizeof *vk->thc);
    if (!vk->thc)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "vk decoding: out of memory");
    vk->n_thc = nt;
    for (size_t c = 0; c < nt; c++) {
        size_t pos = r->pos, m;
        SWIRL_TRY(rd_count(r, &m, 1, "coefficients"));
        if (m != n)
            return bad(pos, "trace height constraint %zu has %zu coefficients for %zu AIRs", c, m,
                       n);
        vk->thc[c].coefficients = swirl_malloc((n + 1) * sizeof(uint32_t));
        if (!vk->thc[c].coefficients)
            return SWIRL_RAISE(SWIRL_E_NOMEM, "vk decoding: out of memory");
        for (size_t a = 0; a < n; a++)
            SWIRL_TRY(rd_u32(r, &vk->thc[c].coefficients[a], UINT32_MAX, "coefficient"));
        SWIRL_TRY(rd_u32(r, &vk->thc[c].threshold, UINT32_MAX, "threshold"));
    }
    size_t inner_len = r->pos;
    for (int k = 0; k < P2_DIGEST_LEN; k++)
        SWIRL_TRY(rd_field(r, &vk->pre_hash.v[k], "pre_hash"));
    if (r->pos != r->len)
        return bad(r->pos, "%zu trailing bytes", r->len - r->pos);
    swirl_digest h;
    SWIRL_TRY(swirl_vk_pre_hash(&h, r->p, inner_len));
    if (memcmp(&h, &vk->pre_hash, sizeof h) != 0)
        return bad(inner_len, "pre_hash differs from the hash of the preceding %zu bytes",
                   inner_len);
    return SWIRL_OK;
}

enum swirl_status swirl_vk_decode(swirl_vk **out, const uint8_t *bytes, size_t len) {
    SWIRL_ARG_CHECK(out != NULL);
    *out = NULL;
    SWIRL_ARG_CHECK(bytes != NULL || len == 0);
    swirl_vk *vk = swirl_calloc(1, sizeof *vk);
    if (!vk)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "vk decoding: out of memory");
    rd r = {bytes, len, 0};
    enum swirl_status st = decode(vk, &r);
    if (st != SWIRL_OK) {
        swirl_vk_destroy(vk);
        return st;
    }
    *out = vk;
    return SWIRL_OK;
}
