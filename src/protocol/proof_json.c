/*
 * Proof bytes -> JSON (proof_json.h), walked exactly as OpenVM v2.0.1's Decode impls in proof.rs
 * read them, and the proof-level conversions. JSON -> bytes is proof_json_write.c.
 *
 * The walker builds the JSON as it reads. Every failure sets the context's status once and makes
 * the builders return NULL; a builder given NULL frees what it holds, so a failed walk leaks
 * nothing. Counts are checked against the remaining input (swirl_get_count) and the number of JSON
 * values is bounded by the input's size (arrays of zero-byte items, e.g. rows of width 0, could
 * otherwise be made arbitrarily many by a small hostile input).
 */
#include "util/alloc.h"
#include "protocol/proof_json.h"

#include <stdlib.h>
#include <string.h>

#include "protocol/bytes.h"
#include "protocol/codec_proof.h"
#include "util/common.h"

enum { EXT_BYTES = 16, F_BYTES = 4, DIGEST_BYTES = 32, MAX_K_WHIR = 20 };

typedef struct rd {
    swirl_reader r;
    size_t nodes, max_nodes;
    enum swirl_status st;
} rd;

static json_t *fail(rd *c, enum swirl_status st) {
    if (c->st == SWIRL_OK)
        c->st = st;
    return NULL;
}

/* counts a new JSON value against the budget (v NULL: out of memory) */
static json_t *node(rd *c, json_t *v) {
    if (!v)
        return fail(c, SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory building the proof JSON"));
    if (++c->nodes > c->max_nodes) {
        json_decref(v);
        return fail(c, SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED,
                                   "proof bytes: more values than %zu bytes can hold (byte %zu)",
                                   c->r.len, c->r.pos));
    }
    return v;
}

/* NULL from a builder after a failure (c->st already says why) */
static json_t *lost(rd *c) {
    if (c->st == SWIRL_OK)
        c->st = SWIRL_RAISE(SWIRL_E_INTERNAL, "proof JSON: a failure without a status");
    return NULL;
}

/* appends v to arr (json_array_append_new steals v); NULL in, NULL out, nothing leaked */
static json_t *push(rd *c, json_t *arr, json_t *v) {
    if (!arr || !v || c->st != SWIRL_OK) {
        json_decref(arr);
        json_decref(v);
        return lost(c);
    }
    if (json_array_append_new(arr, v) != 0) {
        json_decref(arr);
        return fail(c, SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory building the proof JSON"));
    }
    return arr;
}

static json_t *set(rd *c, json_t *obj, const char *key, json_t *v) {
    if (!obj || !v || c->st != SWIRL_OK) {
        json_decref(obj);
        json_decref(v);
        return lost(c);
    }
    if (json_object_set_new(obj, key, v) != 0) {
        json_decref(obj);
        return fail(c, SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory building the proof JSON"));
    }
    return obj;
}

static json_t *new_array(rd *c) {
    return c->st == SWIRL_OK ? node(c, json_array()) : NULL;
}
static json_t *new_object(rd *c) {
    return c->st == SWIRL_OK ? node(c, json_object()) : NULL;
}

static int get_count(rd *c, size_t *n, size_t min_bytes_each) {
    enum swirl_status st;
    if (c->st != SWIRL_OK)
        return 0;
    if ((st = swirl_get_count(&c->r, n, min_bytes_each)) != SWIRL_OK) {
        fail(c, st);
        return 0;
    }
    return 1;
}

static json_t *r_field(rd *c) {
    bb31 v;
    enum swirl_status st;
    if (c->st != SWIRL_OK)
        return NULL;
    if ((st = swirl_get_field(&c->r, &v)) != SWIRL_OK)
        return fail(c, st);
    return node(c, json_integer(bb31_to_u32(v)));
}

typedef json_t *(*rfn)(rd *c);

/* n items of f, no length prefix */
static json_t *r_n(rd *c, size_t n, rfn f) {
    json_t *a = new_array(c);
    for (size_t i = 0; a && i < n; i++)
        a = push(c, a, f(c));
    return a;
}

/* a length-prefixed Vec of f, each item at least `each` bytes */
static json_t *r_vec(rd *c, rfn f, size_t each) {
    size_t n;
    return get_count(c, &n, each) ? r_n(c, n, f) : NULL;
}

static json_t *r_ext(rd *c) {
    return r_n(c, 4, r_field);
}
static json_t *r_digest(rd *c) {
    return r_n(c, 8, r_field);
}
static json_t *r_ext_pair(rd *c) {
    return r_n(c, 2, r_ext);
}
static json_t *r_ext_triple(rd *c) {
    return r_n(c, 3, r_ext);
}
static json_t *r_ext_vec(rd *c) {
    return r_vec(c, r_ext, EXT_BYTES);
}
static json_t *r_field_vec(rd *c) {
    return r_vec(c, r_field, F_BYTES);
}

/* n items, each of `m` items of f (Vec<Vec<..>> whose lengths the encoding leaves implicit) */
static json_t *r_nm(rd *c, size_t n, size_t m, rfn f) {
    json_t *a = new_array(c);
    for (size_t i = 0; a && i < n; i++)
        a = push(c, a, r_n(c, m, f));
    return a;
}

/* ---- the header: commit, trace_vdata, public values ---- */

static json_t *r_trace_vdata(rd *c) {
    size_t n;
    if (!get_count(c, &n, 0))
        return NULL;
    size_t bitmap = n / 8 + (n % 8 != 0);
    if (bitmap > c->r.len - c->r.pos)
        return fail(c, SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED,
                                   "proof bytes: the presence bitmap of %zu AIRs ends early", n));
    const uint8_t *bits = c->r.p + c->r.pos;
    c->r.pos += bitmap;
    if (n % 8 && bits[bitmap - 1] >> (n % 8))
        return fail(c, SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED,
                                   "proof bytes: trace_vdata bitmap padding bits set"));
    json_t *a = new_array(c);
    for (size_t i = 0; a && i < n; i++) {
        if (!(bits[i / 8] >> (i % 8) & 1)) {
            a = push(c, a, node(c, json_null()));
            continue;
        }
        uint32_t lh = 0;
        enum swirl_status st = swirl_get_u32(&c->r, &lh);
        if (st != SWIRL_OK) {
            json_decref(a);
            return fail(c, st);
        }
        json_t *v = set(c, new_object(c), "log_height", node(c, json_integer(lh)));
        v = set(c, v, "cached_commitments", r_vec(c, r_digest, DIGEST_BYTES));
        a = push(c, a, v);
    }
    return a;
}

static json_t *r_header(rd *c, json_t *obj) {
    uint32_t version = 0;
    enum swirl_status st = swirl_get_u32(&c->r, &version);
    if (st != SWIRL_OK || version != 3) {
        json_decref(obj);
        return fail(c, st != SWIRL_OK
                           ? st
                           : SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED,
                                         "proof bytes: codec version %u, expected 3", version));
    }
    obj = set(c, obj, "common_main_commit", r_digest(c));
    obj = set(c, obj, "trace_vdata", r_trace_vdata(c));
    return set(c, obj, "public_values", r_vec(c, r_field_vec, 4));
}

/* ---- GkrProof: the sumcheck rounds' lengths follow from the number of layers ---- */

static json_t *r_layer_claims(rd *c) {
    static const char *const names[] = {"p_xi_0", "p_xi_1", "q_xi_0", "q_xi_1"};
    json_t *o = new_object(c);
    for (int i = 0; o && i < 4; i++)
        o = set(c, o, names[i], r_ext(c));
    return o;
}

static json_t *r_gkr(rd *c) {
    json_t *o = set(c, new_object(c), "logup_pow_witness", r_field(c));
    o = set(c, o, "q0_claim", r_ext(c));
    size_t layers = 0;
    if (!o || !get_count(c, &layers, 4 * EXT_BYTES)) {
        json_decref(o);
        return NULL;
    }
    o = set(c, o, "claims_per_layer", r_n(c, layers, r_layer_claims));
    json_t *polys = new_array(c);
    for (size_t j = 1; polys && j < layers; j++)
        polys = push(c, polys, r_n(c, j, r_ext_triple));
    return set(c, o, "sumcheck_polys", polys);
}

/* ---- BatchConstraintProof ---- */

static json_t *r_column_openings(rd *c, size_t n_present) {
    json_t *a = new_array(c);
    for (size_t i = 0; a && i < n_present; i++)
        a = push(c, a, r_vec(c, r_ext_vec, 4));
    return a;
}

static json_t *r_batch(rd *c) {
    size_t m = 0, n_max = 0, per_round = 0;
    json_t *o = new_object(c);
    if (!o || !get_count(c, &m, EXT_BYTES)) {
        json_decref(o);
        return NULL;
    }
    o = set(c, o, "numerator_term_per_air", r_n(c, m, r_ext));
    o = set(c, o, "denominator_term_per_air", r_n(c, m, r_ext));
    o = set(c, o, "univariate_round_coeffs", r_ext_vec(c));
    if (!o || !get_count(c, &n_max, 0) || (n_max > 0 && !get_count(c, &per_round, 0))) {
        json_decref(o);
        return NULL;
    }
    o = set(c, o, "sumcheck_round_polys", r_nm(c, n_max, per_round, r_ext));
    return set(c, o, "column_openings", r_column_openings(c, m));
}

/* ---- StackingProof ---- */

static json_t *r_stacking(rd *c) {
    json_t *o = set(c, new_object(c), "univariate_round_coeffs", r_ext_vec(c));
    o = set(c, o, "sumcheck_round_polys", r_vec(c, r_ext_pair, 2 * EXT_BYTES));
    return set(c, o, "stacking_openings", r_vec(c, r_ext_vec, 4));
}

/* ---- WhirProof ---- */

typedef struct whir_dims {
    size_t n_sumcheck, rounds, k_exp, n_commits, q0, depth0;
} whir_dims;

/* initial_round_opened_rows and initial_round_merkle_proofs */
static json_t *r_whir_initial(rd *c, json_t *o, whir_dims *d) {
    size_t widths_buf[16], *widths = widths_buf;
    if (!get_count(c, &d->n_commits, 4) || !get_count(c, &d->q0, 0) ||
        (d->q0 > 0 && !get_count(c, &d->depth0, 0))) {
        json_decref(o);
        return NULL;
    }
    if (d->n_commits == 0) {
        json_decref(o);
        return fail(c, SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "proof bytes: WHIR with 0 commits"));
    }
    if (d->n_commits > 16 && !(widths = swirl_calloc(d->n_commits, sizeof *widths))) {
        json_decref(o);
        return fail(c, SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory"));
    }
    for (size_t i = 0; i < d->n_commits; i++)
        widths[i] = 0;
    for (size_t i = 0; d->q0 > 0 && i < d->n_commits; i++)
        if (!get_count(c, &widths[i], 0))
            break;
    json_t *rows = new_array(c);
    for (size_t i = 0; rows && i < d->n_commits; i++) {
        json_t *per_commit = new_array(c);
        for (size_t q = 0; per_commit && q < d->q0; q++)
            per_commit = push(c, per_commit, r_nm(c, d->k_exp, widths[i], r_field));
        rows = push(c, rows, per_commit);
    }
    if (widths != widths_buf)
        free(widths);
    o = set(c, o, "initial_round_opened_rows", rows);
    json_t *paths = new_array(c);
    for (size_t i = 0; paths && i < d->n_commits; i++)
        paths = push(c, paths, r_nm(c, d->q0, d->depth0, r_digest));
    return set(c, o, "initial_round_merkle_proofs", paths);
}

/* codeword_opened_values and codeword_merkle_proofs (rounds 1..: the depth drops by one) */
static json_t *r_whir_codewords(rd *c, json_t *o, const whir_dims *d) {
    size_t qs_buf[64], *qs = qs_buf, depth = 0;
    if (d->rounds > 64) {
        json_decref(o);
        return fail(
            c, SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "proof bytes: %zu WHIR rounds", d->rounds));
    }
    json_t *vals = new_array(c);
    for (size_t r = 0; vals && r + 1 < d->rounds; r++)
        if (get_count(c, &qs[r], d->k_exp * EXT_BYTES))
            vals = push(c, vals, r_nm(c, qs[r], d->k_exp, r_ext));
    o = set(c, o, "codeword_opened_values", vals);
    if (!o || !get_count(c, &depth, 0)) {
        json_decref(o);
        return NULL;
    }
    json_t *paths = new_array(c);
    for (size_t r = 0; paths && r + 1 < d->rounds; r++) {
        if (qs[r] > 0 && depth < r) {
            json_decref(paths);
            json_decref(o);
            return fail(c, SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED,
                                       "proof bytes: WHIR Merkle depth %zu too small for round %zu",
                                       depth, r + 1));
        }
        paths = push(c, paths, r_nm(c, qs[r], qs[r] ? depth - r : 0, r_digest));
    }
    return set(c, o, "codeword_merkle_proofs", paths);
}

static json_t *r_whir(rd *c) {
    whir_dims d = {0};
    json_t *o = set(c, new_object(c), "mu_pow_witness", r_field(c));
    if (!o || !get_count(c, &d.n_sumcheck, 2 * EXT_BYTES)) {
        json_decref(o);
        return NULL;
    }
    o = set(c, o, "whir_sumcheck_polys", r_n(c, d.n_sumcheck, r_ext_pair));
    size_t n_cw = 0;
    if (!o || !get_count(c, &n_cw, DIGEST_BYTES)) {
        json_decref(o);
        return NULL;
    }
    d.rounds = n_cw + 1;
    size_t k = d.n_sumcheck / d.rounds;
    if (d.n_sumcheck % d.rounds || k > MAX_K_WHIR) {
        json_decref(o);
        return fail(c, SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED,
                                   "proof bytes: %zu WHIR sumcheck rounds for %zu rounds",
                                   d.n_sumcheck, d.rounds));
    }
    d.k_exp = (size_t)1 << k;
    o = set(c, o, "codeword_commits", r_n(c, n_cw, r_digest));
    o = set(c, o, "ood_values", r_n(c, n_cw, r_ext));
    o = set(c, o, "folding_pow_witnesses", r_n(c, d.n_sumcheck, r_field));
    o = set(c, o, "query_phase_pow_witnesses", r_n(c, d.rounds, r_field));
    if (!o)
        return NULL;
    o = r_whir_initial(c, o, &d);
    if (!o)
        return NULL;
    o = r_whir_codewords(c, o, &d);
    return set(c, o, "final_poly", r_ext_vec(c));
}

enum swirl_status swirl_proof_json_from_bytes(json_t **out, const uint8_t *bytes, size_t len) {
    SWIRL_ARG_CHECK(out != NULL && (bytes != NULL || len == 0));
    *out = NULL;
    rd c = {{bytes, len, 0}, 0, len + 65536, SWIRL_OK};
    json_t *o = r_header(&c, new_object(&c));
    o = set(&c, o, "gkr_proof", o ? r_gkr(&c) : NULL);
    o = set(&c, o, "batch_constraint_proof", o ? r_batch(&c) : NULL);
    o = set(&c, o, "stacking_proof", o ? r_stacking(&c) : NULL);
    o = set(&c, o, "whir_proof", o ? r_whir(&c) : NULL);
    if (o && c.r.pos != c.r.len) {
        json_decref(o);
        o = fail(&c, SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "proof bytes: %zu trailing bytes",
                                 c.r.len - c.r.pos));
    }
    if (!o)
        return lost(&c), c.st;
    *out = o;
    return SWIRL_OK;
}

/* ---- with the key ---- */

enum swirl_status swirl_proof_to_json(json_t **out, const swirl_proof *p, const swirl_vk *vk) {
    SWIRL_ARG_CHECK(out != NULL && p != NULL && vk != NULL);
    *out = NULL;
    uint8_t *b = NULL;
    size_t len = 0;
    SWIRL_TRY(swirl_proof_encode(&b, &len, p, vk));
    enum swirl_status st = swirl_proof_json_from_bytes(out, b, len);
    free(b);
    return st;
}

static enum swirl_status check_pre_hash(const json_t *j, const swirl_vk *vk) {
    const json_t *h = json_object_get(j, "vk_pre_hash");
    if (!h)
        return SWIRL_OK;
    for (size_t i = 0; i < 8; i++) {
        const json_t *v = json_array_get(h, i);
        if (!json_is_integer(v) || json_integer_value(v) != bb31_to_u32(vk->pre_hash.v[i]))
            return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED,
                               "proof JSON $.vk_pre_hash[%zu]: not the key's pre-hash", i);
    }
    return SWIRL_OK;
}

enum swirl_status swirl_proof_from_json(swirl_proof *p, const json_t *j, const swirl_vk *vk) {
    SWIRL_ARG_CHECK(p != NULL && j != NULL && vk != NULL);
    memset(p, 0, sizeof *p);
    uint8_t *b = NULL;
    size_t len = 0;
    SWIRL_TRY(swirl_proof_json_to_bytes(&b, &len, j));
    enum swirl_status st = check_pre_hash(j, vk);
    if (st == SWIRL_OK)
        st = swirl_proof_decode(p, b, len, vk);
    free(b);
    return st;
}
