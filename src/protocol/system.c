/* Loading AIR-system directories (see system.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "air/air_json.h"
#include "pcs/whir_config.h"
#include "protocol/system.h"
#include "protocol/vk_codec.h"
#include "util/common.h"
#include "util/json.h"
#include "util/npy.h"

#define MAX_AIRS ((size_t)1 << 16)
#define MAX_WIDTH ((size_t)1 << 24)
#define MAX_POW_BITS 30 /* OpenVM's sample_bits needs 2^bits < p */

typedef struct sysload {
    const char *dir;
    char *meta; /* DIR/meta.json */
    swirl_system *s;
    int with_traces;
    size_t *heights; /* per AIR, for sorted_airs (0: not loaded) */
} sysload;

/* malloc'd "dir/fmt..." (NULL when out of memory) */
static char *path_fmt(const char *dir, const char *fmt, ...) SWIRL_PRINTF_LIKE(2, 3);
static char *path_fmt(const char *dir, const char *fmt, ...) {
    char tail[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tail, sizeof tail, fmt, ap);
    va_end(ap);
    size_t n = strlen(dir) + strlen(tail) + 2;
    char *p = swirl_malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir, tail);
    return p;
}

/* ---------------------------------------------------------------------------------------------
 * Parameters */

static const char *const prox_keys[] = {"kind", "m", "list_start_round", NULL};

static enum swirl_status parse_proximity(const json_t *v, const char *file,
                                         swirl_whir_proximity *out) {
    const char *pos = "params.whir_proximity";
    if (!json_is_object(v))
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "%s: %s: expected an object", file, pos);
    SWIRL_TRY(swirl_json_check_keys(v, prox_keys, file, pos));
    const char *kind;
    uint64_t m = 0, start = 0;
    SWIRL_TRY(swirl_json_str(v, "kind", &kind, file, pos));
    memset(out, 0, sizeof *out);
    if (strcmp(kind, "unique_decoding") == 0) {
        if (json_object_get(v, "m") || json_object_get(v, "list_start_round"))
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                               "%s: %s: unique_decoding takes no m or list_start_round", file, pos);
        out->kind = SWIRL_PROXIMITY_UNIQUE_DECODING;
        return SWIRL_OK;
    }
    if (strcmp(kind, "split_unique_list") == 0) {
        SWIRL_TRY(swirl_json_u64(v, "list_start_round", SWIRL_WHIR_MAX_ROUNDS, &start, file, pos));
        out->kind = SWIRL_PROXIMITY_SPLIT_UNIQUE_LIST;
    } else if (strcmp(kind, "list_decoding") == 0) {
        if (json_object_get(v, "list_start_round"))
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                               "%s: %s: list_decoding takes no list_start_round", file, pos);
        out->kind = SWIRL_PROXIMITY_LIST_DECODING;
    } else {
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                           "%s: %s.kind: unknown proximity strategy \"%s\" (unique_decoding, "
                           "split_unique_list, list_decoding)",
                           file, pos, kind);
    }
    SWIRL_TRY(swirl_json_u64(v, "m", 1u << 16, &m, file, pos));
    if (m == 0)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "%s: %s.m: must be at least 1", file, pos);
    out->m = (size_t)m;
    out->list_start_round = (size_t)start;
    return SWIRL_OK;
}

static const char *const param_keys[] = {"l_skip",
                                         "n_stack",
                                         "k_whir",
                                         "log_blowup",
                                         "max_constraint_degree",
                                         "logup_pow_bits",
                                         "mu_pow_bits",
                                         "folding_pow_bits",
                                         "query_phase_pow_bits",
                                         "w_stack",
                                         "log_final_poly_len",
                                         "whir_proximity",
                                         "logup_max_interaction_count",
                                         "logup_log_max_message_length",
                                         NULL};

/* The scalar parameters (OpenVM's test_system_params_small defaults). */
static enum swirl_status parse_scalars(const json_t *pj, const char *file, swirl_system_params *p,
                                       uint64_t *log_final) {
    const char *pos = "params";
    uint64_t l_skip, n_stack, k, blowup = 1, deg = 3, logup_pow = 2, mu = 3, fold = 2, query = 1;
    uint64_t w_stack = 1u << 12, max_count = 1u << 30, log_msg = 7;
    SWIRL_TRY(swirl_json_u64(pj, "l_skip", BB31_TWO_ADICITY, &l_skip, file, pos));
    SWIRL_TRY(swirl_json_u64(pj, "n_stack", BB31_TWO_ADICITY, &n_stack, file, pos));
    SWIRL_TRY(swirl_json_u64(pj, "k_whir", 16, &k, file, pos));
    SWIRL_TRY(swirl_json_u64_opt(pj, "log_blowup", BB31_TWO_ADICITY, &blowup, file, pos));
    SWIRL_TRY(swirl_json_u64_opt(pj, "max_constraint_degree", 255, &deg, file, pos));
    SWIRL_TRY(swirl_json_u64_opt(pj, "logup_pow_bits", MAX_POW_BITS, &logup_pow, file, pos));
    SWIRL_TRY(swirl_json_u64_opt(pj, "mu_pow_bits", MAX_POW_BITS, &mu, file, pos));
    SWIRL_TRY(swirl_json_u64_opt(pj, "folding_pow_bits", MAX_POW_BITS, &fold, file, pos));
    SWIRL_TRY(swirl_json_u64_opt(pj, "query_phase_pow_bits", MAX_POW_BITS, &query, file, pos));
    SWIRL_TRY(swirl_json_u64_opt(pj, "w_stack", UINT32_MAX, &w_stack, file, pos));
    SWIRL_TRY(
        swirl_json_u64_opt(pj, "logup_max_interaction_count", UINT32_MAX, &max_count, file, pos));
    SWIRL_TRY(swirl_json_u64_opt(pj, "logup_log_max_message_length", 63, &log_msg, file, pos));
    if (k == 0 || deg == 0 || w_stack == 0)
        return SWIRL_RAISE(
            SWIRL_E_INVALID_ARG,
            "%s: params: k_whir, max_constraint_degree and w_stack must be at least 1", file);
    *log_final = (l_skip + n_stack) % k;
    SWIRL_TRY(swirl_json_u64_opt(pj, "log_final_poly_len", 64, log_final, file, pos));
    if (*log_final >= l_skip + n_stack)
        return SWIRL_RAISE(
            SWIRL_E_INVALID_ARG,
            "%s: params.log_final_poly_len: %llu must be below l_skip + n_stack = %llu", file,
            (unsigned long long)*log_final, (unsigned long long)(l_skip + n_stack));
    p->l_skip = (size_t)l_skip;
    p->n_stack = (size_t)n_stack;
    p->w_stack = (size_t)w_stack;
    p->log_blowup = (size_t)blowup;
    p->max_constraint_degree = (size_t)deg;
    p->whir.k = (size_t)k;
    p->whir.mu_pow_bits = (size_t)mu;
    p->whir.folding_pow_bits = (size_t)fold;
    p->whir.query_phase_pow_bits = (size_t)query;
    p->logup.max_interaction_count = (uint32_t)max_count;
    p->logup.log_max_message_length = (uint32_t)log_msg;
    p->logup.pow_bits = (size_t)logup_pow;
    return SWIRL_OK;
}

static enum swirl_status parse_queries(const json_t *meta, const char *file, swirl_system_params *p,
                                       uint64_t log_final) {
    const json_t *arr;
    uint64_t q[SWIRL_WHIR_MAX_ROUNDS];
    size_t n;
    SWIRL_TRY(swirl_json_array(meta, "num_queries", &arr, file, "(top level)"));
    SWIRL_TRY(swirl_json_u64_list(arr, SWIRL_VK_MAX_QUERIES, q, SWIRL_WHIR_MAX_ROUNDS, &n, file,
                                  "num_queries"));
    size_t lsh = p->l_skip + p->n_stack, k = p->whir.k;
    size_t want = (lsh - (size_t)log_final + k - 1) / k;
    if (n != want)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                           "%s: num_queries: %zu WHIR rounds, but l_skip + n_stack = %zu, "
                           "log_final_poly_len %llu and k_whir %zu make %zu rounds",
                           file, n, lsh, (unsigned long long)log_final, k, want);
    for (size_t r = 0; r < n; r++) {
        if (q[r] == 0)
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "%s: num_queries[%zu]: must be at least 1",
                               file, r);
        p->whir.num_queries[r] = (size_t)q[r];
    }
    p->whir.num_rounds = n;
    uint64_t rounds = n;
    SWIRL_TRY(swirl_json_u64_opt(meta, "num_whir_rounds", SWIRL_WHIR_MAX_ROUNDS, &rounds, file,
                                 "(top level)"));
    if (rounds != n)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                           "%s: num_whir_rounds: %llu, but num_queries has %zu rounds", file,
                           (unsigned long long)rounds, n);
    return SWIRL_OK;
}

static enum swirl_status parse_params(const json_t *meta, const char *file,
                                      swirl_system_params *p) {
    const json_t *pj = json_object_get(meta, "params");
    if (!pj || !json_is_object(pj))
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "%s: params: %s", file,
                           pj ? "expected an object" : "missing");
    SWIRL_TRY(swirl_json_check_keys(pj, param_keys, file, "params"));
    memset(p, 0, sizeof *p);
    uint64_t log_final;
    SWIRL_TRY(parse_scalars(pj, file, p, &log_final));
    p->whir.proximity.kind = SWIRL_PROXIMITY_SPLIT_UNIQUE_LIST;
    p->whir.proximity.m = 3;
    p->whir.proximity.list_start_round = 1;
    const json_t *prox = json_object_get(pj, "whir_proximity");
    if (prox)
        SWIRL_TRY(parse_proximity(prox, file, &p->whir.proximity));
    SWIRL_TRY(parse_queries(meta, file, p, log_final));
    swirl_whir_plan plan;
    if (swirl_whir_plan_init(&plan, p) != SWIRL_OK)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                           "%s: params: no WHIR round plan for these "
                           "parameters (%s)",
                           file, swirl_last_error());
    return SWIRL_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Traces */

/* Reads a (height, width) '<u4' trace into column-major field elements. want_width 0: any. */
static enum swirl_status load_trace(const char *path, size_t want_width, size_t log_max_height,
                                    bb31 **out, size_t *height, size_t *width) {
    swirl_npy a;
    SWIRL_TRY(swirl_npy_read(&a, path));
    enum swirl_status st = SWIRL_OK;
    size_t h = a.ndim == 2 ? a.shape[0] : 0, w = a.ndim == 2 ? a.shape[1] : 0;
    if (a.dtype != SWIRL_NPY_U32)
        st = SWIRL_RAISE(SWIRL_E_IO, "%s: dtype must be '<u4' (little-endian uint32)", path);
    else if (a.ndim != 2)
        st = SWIRL_RAISE(SWIRL_E_IO, "%s: shape must be (height, width), not %zu-dimensional", path,
                         a.ndim);
    else if (w == 0 || w > MAX_WIDTH || (want_width && w != want_width))
        st = SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                         "%s: shape (%zu, %zu): width %zu does not fit the "
                         "AIR (width %zu in meta.json)",
                         path, h, w, w, want_width);
    else if (!swirl_is_pow2(h) || h > ((size_t)1 << log_max_height))
        st = SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                         "%s: shape (%zu, %zu): the height must be a power "
                         "of two from 1 to 2^(l_skip + n_stack) = %zu",
                         path, h, w, (size_t)1 << log_max_height);
    bb31 *t = st == SWIRL_OK ? swirl_malloc(h * w * sizeof *t) : NULL;
    if (st == SWIRL_OK && !t)
        st = SWIRL_RAISE(SWIRL_E_NOMEM, "%s: out of memory", path);
    const uint32_t *v = a.data;
    for (size_t r = 0; st == SWIRL_OK && r < h; r++)
        for (size_t c = 0; c < w; c++) {
            uint32_t x = v[r * w + c];
            if (x >= SWIRL_JSON_P) {
                st = SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                                 "%s: row %zu, column %zu: value %u is not below p = %u", path, r,
                                 c, x, SWIRL_JSON_P);
                break;
            }
            t[c * h + r] = bb31_from_u32(x);
        }
    swirl_npy_clear(&a);
    if (st != SWIRL_OK) {
        free(t);
        return st;
    }
    *out = t;
    *height = h;
    *width = w;
    return SWIRL_OK;
}

/* ---------------------------------------------------------------------------------------------
 * AIRs */

static const char *const air_keys[] = {
    "air_idx",           "public_values", "interactions", "is_required", "needs_next",
    "constraint_degree", "height",        "width",        "name",        NULL};

static enum swirl_status parse_public_values(const sysload *L, const json_t *a, const char *pos,
                                             swirl_system_air *sa, size_t *n) {
    const json_t *pv = json_object_get(a, "public_values");
    *n = 0;
    if (!pv)
        return SWIRL_OK;
    char ppos[64];
    snprintf(ppos, sizeof ppos, "%s.public_values", pos);
    size_t cap = json_is_array(pv) ? json_array_size(pv) : 0;
    uint64_t *v = swirl_malloc((cap + 1) * sizeof *v);
    sa->public_values = swirl_malloc((cap + 1) * sizeof *sa->public_values);
    if (!v || !sa->public_values) {
        free(v);
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    }
    enum swirl_status st = swirl_json_u64_list(pv, SWIRL_JSON_P - 1, v, cap, n, L->meta, ppos);
    for (size_t i = 0; st == SWIRL_OK && i < *n; i++)
        sa->public_values[i] = bb31_from_u32((uint32_t)v[i]);
    free(v);
    return st;
}

/* The trace (or, without traces and with a meta width, nothing) of AIR i; *width is set. */
static enum swirl_status air_trace(sysload *L, const json_t *a, const char *pos, size_t i,
                                   swirl_system_air *sa, size_t *width) {
    uint64_t w = 0, h = 0;
    SWIRL_TRY(swirl_json_u64_opt(a, "width", MAX_WIDTH, &w, L->meta, pos));
    SWIRL_TRY(swirl_json_u64_opt(a, "height", (uint64_t)1 << 40, &h, L->meta, pos));
    if (json_object_get(a, "width") && w == 0)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "%s: %s.width: must be at least 1", L->meta, pos);
    *width = (size_t)w;
    if (!L->with_traces && w)
        return SWIRL_OK;
    char *path = path_fmt(L->dir, "inputs/trace_%zu.npy", i);
    if (!path)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    size_t th, tw;
    enum swirl_status st = load_trace(path, (size_t)w, L->s->params.l_skip + L->s->params.n_stack,
                                      &sa->trace, &th, &tw);
    if (st == SWIRL_OK && h && h != th)
        st = SWIRL_RAISE(SWIRL_E_INVALID_ARG, "%s: %s.height: %llu, but %s has %zu rows", L->meta,
                         pos, (unsigned long long)h, path, th);
    free(path);
    SWIRL_TRY(st);
    *width = tw;
    if (!L->with_traces) { /* read for its width only */
        free(sa->trace);
        sa->trace = NULL;
        return SWIRL_OK;
    }
    sa->height = th;
    L->heights[i] = th;
    L->s->trace_cells += th * tw;
    return SWIRL_OK;
}

static enum swirl_status air_expectations(const sysload *L, const json_t *a, const char *pos,
                                          size_t i, swirl_system_air *sa) {
    uint64_t idx = i, deg = 0;
    SWIRL_TRY(swirl_json_u64_opt(a, "air_idx", MAX_AIRS, &idx, L->meta, pos));
    if (idx != i)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                           "%s: %s.air_idx: %llu, expected %zu (AIRs are "
                           "listed in order)",
                           L->meta, pos, (unsigned long long)idx, i);
    sa->expect_needs_next = -1;
    sa->expect_constraint_degree = -1;
    SWIRL_TRY(swirl_json_bool_opt(a, "needs_next", &sa->expect_needs_next, L->meta, pos));
    if (json_object_get(a, "constraint_degree")) {
        SWIRL_TRY(swirl_json_u64(a, "constraint_degree", 255, &deg, L->meta, pos));
        sa->expect_constraint_degree = (long)deg;
    }
    const json_t *inter = json_object_get(a, "interactions");
    if (inter && !json_is_array(inter))
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "%s: %s.interactions: expected an array", L->meta,
                           pos);
    return swirl_json_bool_opt(a, "is_required", &sa->is_required, L->meta, pos);
}

/* What keygen refuses, reported against the file (keygen_air in keygen.c). */
static enum swirl_status check_keygen_rules(const swirl_air *air, const char *path,
                                            const swirl_system_params *p) {
    if (air->n_constraints == 0 && air->n_interactions == 0)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                           "%s: an AIR needs at least one constraint or interaction", path);
    size_t max_msg = (size_t)1 << p->logup.log_max_message_length;
    for (size_t i = 0; i < air->n_interactions; i++)
        if (air->interactions[i].n_fields == 0 || air->interactions[i].n_fields + 1 > max_msg)
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                               "%s: interactions[%zu].message: %zu fields; a message has 1 to %zu "
                               "(2^logup_log_max_message_length - 1)",
                               path, i, air->interactions[i].n_fields, max_msg - 1);
    return SWIRL_OK;
}

static enum swirl_status load_air(sysload *L, const json_t *a, size_t i) {
    char pos[32], name[64];
    snprintf(pos, sizeof pos, "airs[%zu]", i);
    if (!json_is_object(a))
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "%s: %s: expected an object", L->meta, pos);
    SWIRL_TRY(swirl_json_check_keys(a, air_keys, L->meta, pos));
    swirl_system_air *sa = &L->s->airs[i];
    SWIRL_TRY(air_expectations(L, a, pos, i, sa));
    snprintf(name, sizeof name, "air%zu", i);
    if (json_object_get(a, "name")) {
        const char *nm;
        SWIRL_TRY(swirl_json_str(a, "name", &nm, L->meta, pos));
        snprintf(name, sizeof name, "%s", nm);
    }
    size_t n_pv = 0, width = 0;
    SWIRL_TRY(parse_public_values(L, a, pos, sa, &n_pv));
    SWIRL_TRY(air_trace(L, a, pos, i, sa, &width));
    char *path = path_fmt(L->dir, "inputs/constraints_%zu.json", i);
    if (!path)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    enum swirl_status st = swirl_air_load_json(&sa->air, path, name, width, n_pv,
                                               (unsigned)L->s->params.max_constraint_degree);
    if (st == SWIRL_OK)
        st = check_keygen_rules(sa->air, path, &L->s->params);
    free(path);
    return st;
}

/* ---------------------------------------------------------------------------------------------
 * Expectations */

static void fmt_list(char *buf, size_t cap, const size_t *v, size_t n) {
    size_t off = (size_t)snprintf(buf, cap, "[");
    for (size_t i = 0; i < n && off < cap; i++)
        off += (size_t)snprintf(buf + off, cap - off, "%s%zu", i ? ", " : "", v[i]);
    if (off < cap)
        snprintf(buf + off, cap - off, "]");
}

/* sorted_airs: AIR indices by trace height descending, ties by index (OpenVM's sort_by_key). */
static enum swirl_status check_sorted_airs(const sysload *L, const json_t *meta) {
    const json_t *arr = json_object_get(meta, "sorted_airs");
    if (!arr || !L->with_traces)
        return SWIRL_OK;
    size_t n = L->s->n_airs, got_n;
    uint64_t *got = swirl_malloc((json_is_array(arr) ? json_array_size(arr) : 0) * sizeof *got + 8);
    size_t *want = swirl_malloc(n * sizeof *want + 8), *gz = swirl_malloc(n * sizeof *gz + 8);
    enum swirl_status st = SWIRL_OK;
    if (!got || !want || !gz)
        st = SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    if (st == SWIRL_OK)
        st = swirl_json_u64_list(arr, MAX_AIRS, got, json_array_size(arr), &got_n, L->meta,
                                 "sorted_airs");
    for (size_t i = 0; st == SWIRL_OK && i < n; i++) { /* insertion sort, stable */
        size_t j = i;
        while (j > 0 && L->heights[want[j - 1]] < L->heights[i]) {
            want[j] = want[j - 1];
            j--;
        }
        want[j] = i;
    }
    int same = st == SWIRL_OK && got_n == n;
    for (size_t i = 0; same && i < n; i++)
        same = got[i] == want[i];
    if (st == SWIRL_OK && !same) {
        char a[256], b[256];
        for (size_t i = 0; i < got_n && i < n; i++)
            gz[i] = (size_t)got[i];
        fmt_list(a, sizeof a, gz, got_n < n ? got_n : n);
        fmt_list(b, sizeof b, want, n);
        st = SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                         "%s: sorted_airs: expected %s, but the trace heights give %s", L->meta, a,
                         b);
    }
    free(got);
    free(want);
    free(gz);
    return st;
}

static enum swirl_status parse_pre_hash(const sysload *L, const json_t *meta) {
    const json_t *arr = json_object_get(meta, "vk_pre_hash");
    if (!arr)
        return SWIRL_OK;
    uint64_t v[8];
    size_t n;
    SWIRL_TRY(swirl_json_u64_list(arr, SWIRL_JSON_P - 1, v, 8, &n, L->meta, "vk_pre_hash"));
    if (n != 8)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "%s: vk_pre_hash: expected 8 values, not %zu",
                           L->meta, n);
    for (int i = 0; i < 8; i++)
        L->s->vk_pre_hash[i] = (uint32_t)v[i];
    L->s->has_vk_pre_hash = 1;
    return SWIRL_OK;
}

enum swirl_status swirl_system_check_vk(const swirl_system *s, const swirl_vk *vk,
                                        const char *dir) {
    SWIRL_ARG_CHECK(s != NULL && vk != NULL && vk->n_airs == s->n_airs);
    const char *d = dir ? dir : ".";
    for (size_t i = 0; i < s->n_airs; i++) {
        const swirl_system_air *a = &s->airs[i];
        if (a->expect_needs_next >= 0 && a->expect_needs_next != vk->per_air[i].need_rot)
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                               "%s/meta.json: airs[%zu].needs_next: expected %s, the key has %s", d,
                               i, a->expect_needs_next ? "true" : "false",
                               vk->per_air[i].need_rot ? "true" : "false");
        if (a->expect_constraint_degree >= 0 &&
            (unsigned long)a->expect_constraint_degree != vk->per_air[i].max_constraint_degree)
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                               "%s/meta.json: airs[%zu].constraint_degree: expected %ld, the key "
                               "has %u",
                               d, i, a->expect_constraint_degree,
                               vk->per_air[i].max_constraint_degree);
    }
    if (!s->has_vk_pre_hash)
        return SWIRL_OK;
    int same = 1;
    for (int i = 0; i < 8; i++)
        same &= bb31_to_u32(vk->pre_hash.v[i]) == s->vk_pre_hash[i];
    if (same)
        return SWIRL_OK;
    size_t want[8], got[8];
    for (int i = 0; i < 8; i++) {
        want[i] = s->vk_pre_hash[i];
        got[i] = bb31_to_u32(vk->pre_hash.v[i]);
    }
    char a[160], b[160];
    fmt_list(a, sizeof a, want, 8);
    fmt_list(b, sizeof b, got, 8);
    return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                       "%s/meta.json: vk_pre_hash: expected %s, the key has %s", d, a, b);
}

/* ---------------------------------------------------------------------------------------------
 * The directory */

static const char *const meta_keys[] = {"params",      "num_queries", "airs",
                                        "vk_pre_hash", "sorted_airs", "num_whir_rounds",
                                        "reference",   NULL};

static enum swirl_status load_meta(sysload *L, const json_t *meta) {
    if (!json_is_object(meta))
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "%s: expected a JSON object at the top level",
                           L->meta);
    SWIRL_TRY(swirl_json_check_keys(meta, meta_keys, L->meta, "(top level)"));
    const json_t *ref = json_object_get(meta, "reference");
    if (ref && !json_is_string(ref))
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "%s: reference: expected a string", L->meta);
    SWIRL_TRY(parse_params(meta, L->meta, &L->s->params));
    SWIRL_TRY(parse_pre_hash(L, meta));
    const json_t *airs;
    SWIRL_TRY(swirl_json_array(meta, "airs", &airs, L->meta, "(top level)"));
    size_t n = json_array_size(airs);
    if (n == 0 || n > MAX_AIRS)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "%s: airs: expected 1 to %zu AIRs, not %zu",
                           L->meta, MAX_AIRS, n);
    L->s->airs = swirl_calloc(n, sizeof *L->s->airs);
    L->heights = swirl_calloc(n, sizeof *L->heights);
    if (!L->s->airs || !L->heights)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        L->s->n_airs = i + 1;
        SWIRL_TRY(load_air(L, json_array_get(airs, i), i));
    }
    return check_sorted_airs(L, meta);
}

enum swirl_status swirl_system_load(swirl_system **out, const char *dir, int with_traces) {
    SWIRL_ARG_CHECK(out != NULL && dir != NULL);
    *out = NULL;
    sysload L = {dir, path_fmt(dir, "meta.json"), swirl_calloc(1, sizeof(swirl_system)),
                 with_traces, NULL};
    json_t *meta = NULL;
    enum swirl_status st = SWIRL_OK;
    if (!L.meta || !L.s)
        st = SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    if (st == SWIRL_OK)
        st = swirl_json_load_file(&meta, L.meta);
    if (st == SWIRL_OK)
        st = load_meta(&L, meta);
    json_decref(meta);
    free(L.meta);
    free(L.heights);
    if (st != SWIRL_OK) {
        swirl_system_destroy(L.s);
        return st;
    }
    *out = L.s;
    return SWIRL_OK;
}

void swirl_system_destroy(swirl_system *s) {
    if (!s)
        return;
    for (size_t i = 0; i < s->n_airs; i++) {
        swirl_air_destroy(s->airs[i].air);
        free(s->airs[i].public_values);
        free(s->airs[i].trace);
    }
    free(s->airs);
    free(s);
}

void swirl_system_keygen_airs(const swirl_system *s, swirl_keygen_air *airs) {
    for (size_t i = 0; i < s->n_airs; i++) {
        swirl_keygen_air ka = {s->airs[i].air, NULL, 0, s->airs[i].is_required};
        airs[i] = ka;
    }
}

void swirl_system_trace_inputs(const swirl_system *s, swirl_trace_input *in) {
    for (size_t i = 0; i < s->n_airs; i++) {
        swirl_trace_input t = {s->airs[i].trace, s->airs[i].height, s->airs[i].public_values, NULL};
        in[i] = t;
    }
}
