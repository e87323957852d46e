/*
 * Proof JSON -> bytes (proof_json.h), laid out as OpenVM v2.0.1's Encode impls in proof.rs write
 * them. The encoding leaves many lengths implicit (derived from others when decoding), so each one
 * is checked here: JSON that encodes is exactly JSON whose bytes decode back to it. Every refusal
 * is SWIRL_E_PROOF_MALFORMED naming the JSON path ("$.gkr_proof.sumcheck_polys[2]").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/bytes.h"
#include "protocol/proof_json.h"
#include "util/common.h"

enum { PATH_MAX_LEN = 200, MAX_K_WHIR = 20 };

/* a child path: "$.a" + ".key" or "$.a" + "[i]" */
typedef struct jpath {
    char s[PATH_MAX_LEN];
} jpath;

/* a path too long for the buffer ends in "..." */
static void truncated(jpath *p, int n) {
    if (n < 0 || (size_t)n >= sizeof p->s)
        memcpy(p->s + sizeof p->s - 4, "...", 4);
}

static jpath at_key(const char *parent, const char *key) {
    jpath p;
    truncated(&p, snprintf(p.s, sizeof p.s, "%s.%s", parent, key));
    return p;
}

static jpath at_index(const char *parent, size_t i) {
    jpath p;
    truncated(&p, snprintf(p.s, sizeof p.s, "%s[%zu]", parent, i));
    return p;
}

static enum swirl_status bad(const char *path, const char *what) {
    return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "proof JSON %s: %s", path, what);
}

static enum swirl_status bad_len(const char *path, size_t got, size_t want) {
    return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "proof JSON %s: %zu items, expected %zu", path, got,
                       want);
}

static enum swirl_status get_u32(const json_t *j, const char *path, uint32_t *v) {
    if (!json_is_integer(j))
        return bad(path, "expected an integer");
    json_int_t x = json_integer_value(j);
    if (x < 0 || x > (json_int_t)UINT32_MAX)
        return bad(path, "expected an integer in 0..2^32-1");
    *v = (uint32_t)x;
    return SWIRL_OK;
}

static enum swirl_status put_count(swirl_bytes *o, size_t n, const char *path) {
    if (n > UINT32_MAX)
        return bad(path, "more than 2^32-1 items");
    swirl_put_u32(o, (uint32_t)n);
    return SWIRL_OK;
}

/* an array of exactly `want` items (SIZE_MAX: any length); its length in *n */
static enum swirl_status get_array(const json_t *j, const char *path, size_t want, size_t *n) {
    if (!json_is_array(j))
        return bad(path, "expected an array");
    *n = json_array_size(j);
    if (want != SIZE_MAX && *n != want)
        return bad_len(path, *n, want);
    return SWIRL_OK;
}

/* the member `key` of object j (missing: MALFORMED) */
static enum swirl_status member(const json_t *j, const char *path, const char *key,
                                const json_t **out, jpath *child) {
    *child = at_key(path, key);
    *out = json_object_get(j, key);
    return *out ? SWIRL_OK : bad(child->s, "missing");
}

/* j is an object with exactly the keys `keys` (NULL-terminated), plus `extra` when non-NULL */
static enum swirl_status check_keys(const json_t *j, const char *path, const char *const *keys,
                                    const char *extra) {
    if (!json_is_object(j))
        return bad(path, "expected an object");
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)j, k, v) {
        int known = extra && strcmp(k, extra) == 0;
        for (size_t i = 0; !known && keys[i]; i++)
            known = strcmp(k, keys[i]) == 0;
        if (!known) {
            jpath p = at_key(path, k);
            return bad(p.s, "unknown key");
        }
    }
    return SWIRL_OK;
}

typedef enum swirl_status (*wfn)(swirl_bytes *o, const json_t *j, const char *path);

static enum swirl_status w_field(swirl_bytes *o, const json_t *j, const char *path) {
    uint32_t v = 0;
    SWIRL_TRY(get_u32(j, path, &v));
    if (v >= BB31_P)
        return bad(path, "not a canonical field element (must be below p = 2013265921)");
    swirl_put_u32(o, v);
    return SWIRL_OK;
}

/* the items of array j (exactly `want` of them, SIZE_MAX: any), each through f */
static enum swirl_status w_n(swirl_bytes *o, const json_t *j, const char *path, size_t want,
                             wfn f) {
    size_t n = 0;
    SWIRL_TRY(get_array(j, path, want, &n));
    for (size_t i = 0; i < n; i++) {
        jpath p = at_index(path, i);
        SWIRL_TRY(f(o, json_array_get(j, i), p.s));
    }
    return SWIRL_OK;
}

/* a length-prefixed Vec */
static enum swirl_status w_vec(swirl_bytes *o, const json_t *j, const char *path, wfn f) {
    size_t n = 0;
    SWIRL_TRY(get_array(j, path, SIZE_MAX, &n));
    SWIRL_TRY(put_count(o, n, path));
    return w_n(o, j, path, n, f);
}

static enum swirl_status w_ext(swirl_bytes *o, const json_t *j, const char *path) {
    return w_n(o, j, path, 4, w_field);
}
static enum swirl_status w_digest(swirl_bytes *o, const json_t *j, const char *path) {
    return w_n(o, j, path, 8, w_field);
}
static enum swirl_status w_ext_pair(swirl_bytes *o, const json_t *j, const char *path) {
    return w_n(o, j, path, 2, w_ext);
}
static enum swirl_status w_ext_triple(swirl_bytes *o, const json_t *j, const char *path) {
    return w_n(o, j, path, 3, w_ext);
}
static enum swirl_status w_ext_vec(swirl_bytes *o, const json_t *j, const char *path) {
    return w_vec(o, j, path, w_ext);
}
static enum swirl_status w_ext_vec_vec(swirl_bytes *o, const json_t *j, const char *path) {
    return w_vec(o, j, path, w_ext_vec);
}
static enum swirl_status w_field_vec(swirl_bytes *o, const json_t *j, const char *path) {
    return w_vec(o, j, path, w_field);
}
static enum swirl_status w_digest_vec(swirl_bytes *o, const json_t *j, const char *path) {
    return w_vec(o, j, path, w_digest);
}

/* array j of `n` items (SIZE_MAX: any), each an array of exactly `m` items of f */
static enum swirl_status w_nm(swirl_bytes *o, const json_t *j, const char *path, size_t n, size_t m,
                              wfn f) {
    SWIRL_TRY(get_array(j, path, n, &n));
    for (size_t i = 0; i < n; i++) {
        jpath p = at_index(path, i);
        SWIRL_TRY(w_n(o, json_array_get(j, i), p.s, m, f));
    }
    return SWIRL_OK;
}

/* the length of j[i] when j[i] is an array (else 0: its own check reports it) */
static size_t len_at(const json_t *j, size_t i) {
    return json_array_size(json_array_get(j, i));
}

/* ---- header ---- */

static enum swirl_status w_trace_vdata(swirl_bytes *o, const json_t *j, const char *path) {
    static const char *const keys[] = {"log_height", "cached_commitments", NULL};
    size_t n = 0;
    SWIRL_TRY(get_array(j, path, SIZE_MAX, &n));
    SWIRL_TRY(put_count(o, n, path));
    for (size_t i = 0; i < n; i += 8) {
        uint8_t byte = 0;
        for (size_t b = 0; b < 8 && i + b < n; b++)
            byte |= (uint8_t)(!json_is_null(json_array_get(j, i + b)) << b);
        swirl_put_byte(o, byte);
    }
    for (size_t i = 0; i < n; i++) {
        const json_t *v = json_array_get(j, i), *lh, *cc;
        jpath p = at_index(path, i), pl, pc;
        uint32_t h = 0;
        if (json_is_null(v))
            continue;
        SWIRL_TRY(check_keys(v, p.s, keys, NULL));
        SWIRL_TRY(member(v, p.s, "log_height", &lh, &pl));
        SWIRL_TRY(member(v, p.s, "cached_commitments", &cc, &pc));
        SWIRL_TRY(get_u32(lh, pl.s, &h));
        swirl_put_u32(o, h);
        SWIRL_TRY(w_digest_vec(o, cc, pc.s));
    }
    return SWIRL_OK;
}

/* ---- GkrProof ---- */

static enum swirl_status w_layer_claims(swirl_bytes *o, const json_t *j, const char *path) {
    static const char *const keys[] = {"p_xi_0", "p_xi_1", "q_xi_0", "q_xi_1", NULL};
    SWIRL_TRY(check_keys(j, path, keys, NULL));
    for (size_t i = 0; keys[i]; i++) {
        const json_t *v;
        jpath p;
        SWIRL_TRY(member(j, path, keys[i], &v, &p));
        SWIRL_TRY(w_ext(o, v, p.s));
    }
    return SWIRL_OK;
}

static enum swirl_status w_gkr(swirl_bytes *o, const json_t *j, const char *path) {
    static const char *const keys[] = {"logup_pow_witness", "q0_claim", "claims_per_layer",
                                       "sumcheck_polys", NULL};
    const json_t *v[4];
    jpath p[4];
    SWIRL_TRY(check_keys(j, path, keys, NULL));
    for (int i = 0; i < 4; i++)
        SWIRL_TRY(member(j, path, keys[i], &v[i], &p[i]));
    SWIRL_TRY(w_field(o, v[0], p[0].s));
    SWIRL_TRY(w_ext(o, v[1], p[1].s));
    SWIRL_TRY(w_vec(o, v[2], p[2].s, w_layer_claims));
    size_t layers = json_array_size(v[2]), rounds = 0;
    SWIRL_TRY(get_array(v[3], p[3].s, layers ? layers - 1 : 0, &rounds));
    for (size_t r = 0; r < rounds; r++) { /* round r has r + 1 entries */
        jpath pr = at_index(p[3].s, r);
        SWIRL_TRY(w_n(o, json_array_get(v[3], r), pr.s, r + 1, w_ext_triple));
    }
    return SWIRL_OK;
}

/* ---- BatchConstraintProof ---- */

static enum swirl_status w_batch(swirl_bytes *o, const json_t *j, const char *path) {
    static const char *const keys[] = {"numerator_term_per_air",  "denominator_term_per_air",
                                       "univariate_round_coeffs", "sumcheck_round_polys",
                                       "column_openings",         NULL};
    const json_t *v[5];
    jpath p[5];
    SWIRL_TRY(check_keys(j, path, keys, NULL));
    for (int i = 0; i < 5; i++)
        SWIRL_TRY(member(j, path, keys[i], &v[i], &p[i]));
    SWIRL_TRY(w_vec(o, v[0], p[0].s, w_ext));
    size_t m = json_array_size(v[0]), n_max = 0;
    SWIRL_TRY(w_n(o, v[1], p[1].s, m, w_ext));
    SWIRL_TRY(w_vec(o, v[2], p[2].s, w_ext));
    SWIRL_TRY(get_array(v[3], p[3].s, SIZE_MAX, &n_max));
    SWIRL_TRY(put_count(o, n_max, p[3].s));
    if (n_max > 0) { /* every round as long as the first */
        SWIRL_TRY(put_count(o, len_at(v[3], 0), p[3].s));
        SWIRL_TRY(w_nm(o, v[3], p[3].s, n_max, len_at(v[3], 0), w_ext));
    }
    return w_n(o, v[4], p[4].s, m, w_ext_vec_vec);
}

/* ---- StackingProof ---- */

static enum swirl_status w_stacking(swirl_bytes *o, const json_t *j, const char *path) {
    static const char *const keys[] = {"univariate_round_coeffs", "sumcheck_round_polys",
                                       "stacking_openings", NULL};
    const json_t *v[3];
    jpath p[3];
    SWIRL_TRY(check_keys(j, path, keys, NULL));
    for (int i = 0; i < 3; i++)
        SWIRL_TRY(member(j, path, keys[i], &v[i], &p[i]));
    SWIRL_TRY(w_vec(o, v[0], p[0].s, w_ext));
    SWIRL_TRY(w_vec(o, v[1], p[1].s, w_ext_pair));
    return w_vec(o, v[2], p[2].s, w_ext_vec);
}

/* ---- WhirProof ---- */

enum {
    W_MU,
    W_SUMCHECK,
    W_COMMITS,
    W_OOD,
    W_FOLD_POW,
    W_QUERY_POW,
    W_ROWS,
    W_ROW_PATHS,
    W_VALUES,
    W_PATHS,
    W_FINAL,
    W_N
};
static const char *const whir_keys[] = {"mu_pow_witness",
                                        "whir_sumcheck_polys",
                                        "codeword_commits",
                                        "ood_values",
                                        "folding_pow_witnesses",
                                        "query_phase_pow_witnesses",
                                        "initial_round_opened_rows",
                                        "initial_round_merkle_proofs",
                                        "codeword_opened_values",
                                        "codeword_merkle_proofs",
                                        "final_poly",
                                        NULL};

typedef struct whir_json {
    const json_t *v[W_N];
    jpath p[W_N];
    size_t rounds, k_exp, n_commits, q0;
} whir_json;

/* initial round: u32 commits, u32 queries, [u32 depth, u32 width per commit, rows, paths] */
static enum swirl_status w_whir_initial(swirl_bytes *o, whir_json *w) {
    const json_t *rows = w->v[W_ROWS], *paths = w->v[W_ROW_PATHS];
    const char *prow = w->p[W_ROWS].s, *ppath = w->p[W_ROW_PATHS].s;
    SWIRL_TRY(get_array(rows, prow, SIZE_MAX, &w->n_commits));
    if (w->n_commits == 0)
        return bad(prow, "WHIR needs at least one commitment");
    w->q0 = len_at(rows, 0);
    SWIRL_TRY(put_count(o, w->n_commits, prow));
    SWIRL_TRY(put_count(o, w->q0, prow));
    size_t depth = w->q0 ? len_at(json_array_get(paths, 0), 0) : 0;
    if (w->q0) {
        SWIRL_TRY(put_count(o, depth, ppath));
        for (size_t c = 0; c < w->n_commits; c++) /* width: the first row's */
            SWIRL_TRY(put_count(o, len_at(json_array_get(json_array_get(rows, c), 0), 0), prow));
    }
    for (size_t c = 0; c < w->n_commits; c++) {
        const json_t *rc = json_array_get(rows, c);
        jpath pc = at_index(prow, c);
        size_t width = len_at(json_array_get(rc, 0), 0);
        SWIRL_TRY(get_array(rc, pc.s, w->q0, &(size_t){0}));
        for (size_t q = 0; q < w->q0; q++) {
            jpath pq = at_index(pc.s, q);
            SWIRL_TRY(w_nm(o, json_array_get(rc, q), pq.s, w->k_exp, width, w_field));
        }
    }
    size_t nc = 0;
    SWIRL_TRY(get_array(paths, ppath, w->n_commits, &nc));
    for (size_t c = 0; c < nc; c++) {
        jpath pc = at_index(ppath, c);
        SWIRL_TRY(w_nm(o, json_array_get(paths, c), pc.s, w->q0, depth, w_digest));
    }
    return SWIRL_OK;
}

/* later rounds: per round u32 queries + values; u32 first depth; paths (depth drops by one) */
static enum swirl_status w_whir_codewords(swirl_bytes *o, const whir_json *w) {
    const json_t *vals = w->v[W_VALUES], *paths = w->v[W_PATHS];
    const char *pv = w->p[W_VALUES].s, *pp = w->p[W_PATHS].s;
    size_t n = 0;
    SWIRL_TRY(get_array(vals, pv, w->rounds - 1, &n));
    for (size_t r = 0; r + 1 < w->rounds; r++) {
        jpath pr = at_index(pv, r);
        const json_t *vr = json_array_get(vals, r);
        SWIRL_TRY(get_array(vr, pr.s, SIZE_MAX, &n));
        SWIRL_TRY(put_count(o, n, pr.s));
        SWIRL_TRY(w_nm(o, vr, pr.s, n, w->k_exp, w_ext));
    }
    SWIRL_TRY(get_array(paths, pp, w->rounds - 1, &n));
    size_t depth = 0; /* OpenVM's encoder: the first round's first path, when there are queries */
    if (w->rounds > 1 && w->q0 > 0) {
        jpath p0 = at_index(pp, 0);
        if (len_at(paths, 0) == 0)
            return bad(p0.s, "no queries: the Merkle depth cannot be encoded");
        depth = len_at(json_array_get(paths, 0), 0);
    }
    SWIRL_TRY(put_count(o, depth, pp));
    for (size_t r = 0; r + 1 < w->rounds; r++) {
        jpath pr = at_index(pp, r);
        size_t q = len_at(vals, r);
        if (q > 0 && depth < r)
            return bad(pr.s, "Merkle depth below zero");
        SWIRL_TRY(w_nm(o, json_array_get(paths, r), pr.s, q, q ? depth - r : 0, w_digest));
    }
    return SWIRL_OK;
}

static enum swirl_status w_whir(swirl_bytes *o, const json_t *j, const char *path) {
    whir_json w;
    memset(&w, 0, sizeof w);
    SWIRL_TRY(check_keys(j, path, whir_keys, NULL));
    for (int i = 0; i < W_N; i++)
        SWIRL_TRY(member(j, path, whir_keys[i], &w.v[i], &w.p[i]));
    SWIRL_TRY(w_field(o, w.v[W_MU], w.p[W_MU].s));
    SWIRL_TRY(w_vec(o, w.v[W_SUMCHECK], w.p[W_SUMCHECK].s, w_ext_pair));
    SWIRL_TRY(w_vec(o, w.v[W_COMMITS], w.p[W_COMMITS].s, w_digest));
    size_t n_sc = json_array_size(w.v[W_SUMCHECK]);
    w.rounds = json_array_size(w.v[W_COMMITS]) + 1;
    if (n_sc % w.rounds || n_sc / w.rounds > MAX_K_WHIR)
        return bad(w.p[W_SUMCHECK].s, "not k (at most 20) rounds per WHIR round");
    w.k_exp = (size_t)1 << (n_sc / w.rounds);
    SWIRL_TRY(w_n(o, w.v[W_OOD], w.p[W_OOD].s, w.rounds - 1, w_ext));
    SWIRL_TRY(w_n(o, w.v[W_FOLD_POW], w.p[W_FOLD_POW].s, n_sc, w_field));
    SWIRL_TRY(w_n(o, w.v[W_QUERY_POW], w.p[W_QUERY_POW].s, w.rounds, w_field));
    SWIRL_TRY(w_whir_initial(o, &w));
    SWIRL_TRY(w_whir_codewords(o, &w));
    return w_vec(o, w.v[W_FINAL], w.p[W_FINAL].s, w_ext);
}

/* ---- the whole proof ---- */

static enum swirl_status w_proof(swirl_bytes *o, const json_t *j) {
    static const char *const keys[] = {
        "common_main_commit",     "trace_vdata",    "public_values", "gkr_proof",
        "batch_constraint_proof", "stacking_proof", "whir_proof",    NULL};
    static const wfn parts[] = {w_digest, w_trace_vdata, NULL, w_gkr, w_batch, w_stacking, w_whir};
    const json_t *v;
    jpath p;
    SWIRL_TRY(check_keys(j, "$", keys, "vk_pre_hash"));
    if ((v = json_object_get(j, "vk_pre_hash")) != NULL) {
        swirl_bytes scratch = {0};
        enum swirl_status st = w_digest(&scratch, v, "$.vk_pre_hash");
        if (st == SWIRL_OK && scratch.oom)
            st = SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory checking $.vk_pre_hash");
        swirl_bytes_free(&scratch);
        SWIRL_TRY(st);
    }
    swirl_put_u32(o, 3); /* CODEC_VERSION */
    for (int i = 0; keys[i]; i++) {
        SWIRL_TRY(member(j, "$", keys[i], &v, &p));
        if (parts[i])
            SWIRL_TRY(parts[i](o, v, p.s));
        else
            SWIRL_TRY(w_vec(o, v, p.s, w_field_vec));
    }
    return SWIRL_OK;
}

enum swirl_status swirl_proof_json_to_bytes(uint8_t **bytes, size_t *len, const json_t *j) {
    SWIRL_ARG_CHECK(bytes != NULL && len != NULL && j != NULL);
    *bytes = NULL;
    *len = 0;
    swirl_bytes o = {0};
    enum swirl_status st = w_proof(&o, j);
    if (st == SWIRL_OK && o.oom)
        st = SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory encoding the proof JSON");
    if (st != SWIRL_OK) {
        swirl_bytes_free(&o);
        return st;
    }
    *bytes = o.p;
    *len = o.len;
    return SWIRL_OK;
}
