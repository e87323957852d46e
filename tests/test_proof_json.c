/* Proofs as JSON (protocol/proof_json.h): proofs of one fib AIR, of three AIRs with a bus, of nine
 * fib AIRs with six optional ones absent, and of an AIR with a preprocessed trace and two cached
 * partitions go proof -> JSON text -> parse -> proof -> bytes and give the original bytes (and the
 * keyless bytes -> JSON equals the keyed one); the field names are OpenVM's, nested as its structs
 * (absent AIRs null, extension elements 4 ints, digests 8, WHIR rows commit x query x row x
 * column); malformed JSON (missing and unknown keys, wrong types, values >= p, negative and
 * fractional numbers, wrong and ragged lengths, a wrong vk_pre_hash, shapes the key refuses) is
 * SWIRL_E_PROOF_MALFORMED naming the JSON path; truncated and extended bytes are refused, and
 * randomly changed bytes that the keyless walker accepts encode back to the same bytes. */
#include <stdlib.h>
#include <string.h>

#include "air/test_airs.h"
#include "fixtures.h"
#include "harness.h"
#include "protocol/codec_proof.h"
#include "protocol/proof_json.h"
#include "prover/prove.h"

static int last_error_has(const char *what) {
    return strstr(swirl_last_error(), what) != NULL;
}

static const char *const top_keys[] = {
    "common_main_commit",     "trace_vdata",    "public_values", "gkr_proof",
    "batch_constraint_proof", "stacking_proof", "whir_proof",    NULL};
static const char *const sub_keys[][12] = {
    {"gkr_proof", "logup_pow_witness", "q0_claim", "claims_per_layer", "sumcheck_polys", NULL},
    {"batch_constraint_proof", "numerator_term_per_air", "denominator_term_per_air",
     "univariate_round_coeffs", "sumcheck_round_polys", "column_openings", NULL},
    {"stacking_proof", "univariate_round_coeffs", "sumcheck_round_polys", "stacking_openings",
     NULL},
    {"whir_proof", "mu_pow_witness", "whir_sumcheck_polys", "codeword_commits", "ood_values",
     "folding_pow_witnesses", "query_phase_pow_witnesses", "initial_round_opened_rows",
     "initial_round_merkle_proofs", "codeword_opened_values", "codeword_merkle_proofs",
     "final_poly"},
};

static void check_names(const json_t *j) {
    CHECK(json_object_size(j) == 7);
    for (size_t i = 0; top_keys[i]; i++)
        CHECK_MSG(json_object_get(j, top_keys[i]) != NULL, "no %s", top_keys[i]);
    for (size_t s = 0; s < 4; s++) {
        const json_t *o = json_object_get(j, sub_keys[s][0]);
        size_t n = 0;
        for (size_t i = 1; i < 12 && sub_keys[s][i]; i++, n++)
            CHECK_MSG(json_object_get(o, sub_keys[s][i]) != NULL, "no %s.%s", sub_keys[s][0],
                      sub_keys[s][i]);
        CHECK(json_object_size(o) == n);
    }
    /* keys come out in the structs' order */
    void *it = json_object_iter((json_t *)j);
    for (size_t i = 0; top_keys[i]; i++, it = json_object_iter_next((json_t *)j, it))
        CHECK(it && strcmp(json_object_iter_key(it), top_keys[i]) == 0);
}

static const json_t *path2(const json_t *j, const char *a, const char *b) {
    return json_object_get(json_object_get(j, a), b);
}

/* an array of n arrays (n SIZE_MAX: any) */
static size_t alen(const json_t *j) {
    return json_is_array(j) ? json_array_size(j) : SIZE_MAX;
}

/* checks the JSON's content against the proof where the structs map one to one */
static void check_content(const json_t *j, const swirl_proof *p, const swirl_vk *vk) {
    const json_t *c = json_object_get(j, "common_main_commit"), *tv;
    CHECK(alen(c) == 8);
    for (size_t i = 0; i < 8; i++)
        CHECK(json_integer_value(json_array_get(c, i)) == bb31_to_u32(p->common_main_commit.v[i]));
    tv = json_object_get(j, "trace_vdata");
    CHECK(alen(tv) == p->n_airs && alen(json_object_get(j, "public_values")) == p->n_airs);
    for (size_t i = 0; i < p->n_airs; i++) {
        const json_t *e = json_array_get(tv, i);
        const swirl_air *air = vk->per_air[i].air;
        CHECK(p->present[i] ? json_is_object(e) : json_is_null(e));
        if (!p->present[i])
            continue;
        CHECK(json_integer_value(json_object_get(e, "log_height")) == p->log_heights[i]);
        CHECK(alen(json_object_get(e, "cached_commitments")) == air->n_cached);
        const json_t *pv = json_array_get(json_object_get(j, "public_values"), i);
        CHECK(alen(pv) == air->num_public_values);
        for (size_t k = 0; k < air->num_public_values; k++)
            CHECK(json_integer_value(json_array_get(pv, k)) == bb31_to_u32(p->public_values[i][k]));
    }
    const json_t *g = json_object_get(j, "gkr_proof");
    CHECK(alen(json_object_get(g, "claims_per_layer")) == p->gkr.n_layers);
    const json_t *sp = json_object_get(g, "sumcheck_polys");
    for (size_t r = 0; r < alen(sp); r++) /* round r: r + 1 entries of 3 extension elements */
        CHECK(alen(json_array_get(sp, r)) == r + 1 &&
              alen(json_array_get(json_array_get(sp, r), 0)) == 3);
    const json_t *co = path2(j, "batch_constraint_proof", "column_openings");
    CHECK(alen(co) == p->batch.n_traces);
    CHECK(alen(path2(j, "stacking_proof", "stacking_openings")) == p->stacking.n_commits);
    /* WHIR rows: commit x query x 2^k rows x width */
    const json_t *rows = path2(j, "whir_proof", "initial_round_opened_rows");
    const swirl_system_params *sp_ = &vk->params;
    CHECK(alen(rows) == p->whir.n_commits);
    for (size_t cc = 0; cc < p->whir.n_commits; cc++) {
        const json_t *q0 = json_array_get(json_array_get(rows, cc), 0);
        CHECK(alen(json_array_get(rows, cc)) == sp_->whir.num_queries[0]);
        CHECK(alen(q0) == (size_t)1 << sp_->whir.k);
        CHECK(alen(json_array_get(q0, 0)) == p->whir.widths[cc]);
    }
    CHECK(alen(path2(j, "whir_proof", "codeword_opened_values")) == sp_->whir.num_rounds - 1);
    CHECK(alen(path2(j, "whir_proof", "final_poly")) == p->whir.n_final);
}

/* proof -> JSON text -> parse -> proof -> bytes == the proof's bytes; returns the parsed JSON */
static json_t *round_trip(const swirl_vk *vk, const swirl_proof *p) {
    uint8_t *b = NULL, *b2 = NULL;
    size_t len = 0, len2 = 0;
    json_t *j = NULL, *k = NULL;
    CHECK_OK(swirl_proof_encode(&b, &len, p, vk));
    CHECK_OK(swirl_proof_to_json(&j, p, vk));
    char *text = json_dumps(j, JSON_COMPACT);
    CHECK(text != NULL);
    json_error_t err;
    json_t *parsed = json_loads(text, 0, &err);
    CHECK_MSG(parsed != NULL, "%s", err.text);
    free(text);
    check_names(parsed);
    check_content(parsed, p, vk);
    swirl_proof d;
    CHECK_OK(swirl_proof_from_json(&d, parsed, vk));
    CHECK_OK(swirl_proof_encode(&b2, &len2, &d, vk));
    CHECK(len2 == len && memcmp(b, b2, len) == 0);
    CHECK_OK(swirl_flow_verify(vk, &d, NULL));
    swirl_proof_clear(&d);
    /* without the key: the same JSON from the bytes, and the same bytes back */
    CHECK_OK(swirl_proof_json_from_bytes(&k, b, len));
    CHECK(json_equal(k, parsed));
    free(b2);
    CHECK_OK(swirl_proof_json_to_bytes(&b2, &len2, k));
    CHECK(len2 == len && memcmp(b, b2, len) == 0);
    json_decref(k);
    json_decref(j);
    free(b);
    free(b2);
    return parsed;
}

/* ---- the systems ---- */

static swirl_system_params params(void) {
    return swirl_fixture_small_params(2, 4, 8);
}

static void test_fib(void) {
    swirl_air_builder *bld;
    CHECK_OK(swirl_fib_air_build(&bld));
    swirl_air *fib = swirl_fixture_compile(bld);
    swirl_system_params p = params();
    swirl_keygen_air ka[1] = {{fib, NULL, 0, 1}};
    swirl_vk *vk;
    CHECK_OK(swirl_keygen(&vk, &p, ka, 1));
    bb31 *tr;
    CHECK_OK(swirl_fib_trace(&tr, 0, 1, 16));
    bb31 pv[3] = {bb31_zero(), bb31_one(), tr[2 * 16 - 1]};
    swirl_trace_input in[1] = {{tr, 16, pv, NULL}};
    swirl_proof proof;
    CHECK_OK(swirl_flow_prove(&proof, vk, in, NULL, NULL));
    json_t *j = round_trip(vk, &proof);
    /* no interactions: no GKR layers */
    CHECK(alen(path2(j, "gkr_proof", "claims_per_layer")) == 0);
    json_decref(j);
    swirl_proof_clear(&proof);
    free(tr);
    swirl_vk_destroy(vk);
    swirl_air_destroy(fib);
}

static void test_bus(void) {
    swirl_fixture_three f;
    swirl_system_params p = params();
    swirl_fixture_three_init(&f, &p);
    swirl_proof proof;
    CHECK_OK(swirl_flow_prove(&proof, f.vk, f.in, NULL, NULL));
    json_t *j = round_trip(f.vk, &proof);
    const json_t *layers = path2(j, "gkr_proof", "claims_per_layer");
    CHECK(alen(layers) > 1);
    const json_t *l0 = json_array_get(layers, 0);
    CHECK(json_object_size(l0) == 4 && alen(json_object_get(l0, "p_xi_0")) == 4 &&
          alen(json_object_get(l0, "q_xi_1")) == 4);
    json_decref(j);
    swirl_proof_clear(&proof);
    swirl_fixture_three_clear(&f);
}

/* nine fib AIRs, AIR 0 required, AIRs 0, 2 and 8 present */
static void test_optional_absent(void) {
    swirl_air *airs[9];
    swirl_keygen_air ka[9];
    swirl_system_params p = params();
    for (int i = 0; i < 9; i++) {
        swirl_air_builder *b;
        CHECK_OK(swirl_fib_air_build(&b));
        airs[i] = swirl_fixture_compile(b);
        swirl_keygen_air k = {airs[i], NULL, 0, i == 0};
        ka[i] = k;
    }
    swirl_vk *vk;
    CHECK_OK(swirl_keygen(&vk, &p, ka, 9));
    static const size_t h[3] = {4, 8, 2};
    static const int which[3] = {0, 2, 8};
    bb31 *tr[3], pv[3][3];
    swirl_trace_input in[9];
    memset(in, 0, sizeof in);
    for (int k = 0; k < 3; k++) {
        CHECK_OK(swirl_fib_trace(&tr[k], (uint64_t)k, 1, h[k]));
        pv[k][0] = bb31_from_u32((uint32_t)k);
        pv[k][1] = bb31_one();
        pv[k][2] = tr[k][2 * h[k] - 1];
        swirl_trace_input t = {tr[k], h[k], pv[k], NULL};
        in[which[k]] = t;
    }
    swirl_proof proof;
    CHECK_OK(swirl_flow_prove(&proof, vk, in, NULL, NULL));
    json_t *j = round_trip(vk, &proof);
    const json_t *tv = json_object_get(j, "trace_vdata");
    CHECK(json_is_null(json_array_get(tv, 1)) && json_is_null(json_array_get(tv, 7)));
    CHECK(alen(json_array_get(json_object_get(j, "public_values"), 1)) == 0);
    /* the required AIR 0 marked absent: JSON fine, the key refuses it */
    swirl_proof d;
    json_array_set_new(json_object_get(j, "trace_vdata"), 0, json_null());
    CHECK_STATUS(swirl_proof_from_json(&d, j, vk), SWIRL_E_PROOF_MALFORMED);
    json_decref(j);
    swirl_proof_clear(&proof);
    swirl_vk_destroy(vk);
    for (int k = 0; k < 3; k++)
        free(tr[k]);
    for (int i = 0; i < 9; i++)
        swirl_air_destroy(airs[i]);
}

/* PreprocessedCachedAir: sel preprocessed, common = row index, cached k = previous + sel */
static void test_preprocessed_cached(void) {
    enum { H = 16, K = 2 };
    swirl_air_builder *b;
    CHECK_OK(swirl_preprocessed_cached_air_build(&b, K));
    swirl_air *air = swirl_fixture_compile(b);
    bb31 pre[H], common[H], cached[K][H];
    const bb31 *cptr[K] = {cached[0], cached[1]};
    for (size_t r = 0; r < H; r++) {
        pre[r] = bb31_from_u32((uint32_t)(r % 3 == 0));
        common[r] = bb31_from_u32((uint32_t)r);
        for (size_t c = 0; c < K; c++)
            cached[c][r] = bb31_add(c ? cached[c - 1][r] : common[r], pre[r]);
    }
    swirl_system_params p = swirl_fixture_small_params(2, 4, 31);
    swirl_keygen_air ka = {air, pre, H, 1};
    swirl_vk *vk;
    CHECK_OK(swirl_keygen(&vk, &p, &ka, 1));
    swirl_trace_input in = {common, H, NULL, cptr};
    swirl_proof proof;
    CHECK_OK(swirl_flow_prove(&proof, vk, &in, NULL, NULL));
    json_t *j = round_trip(vk, &proof);
    const json_t *tv0 = json_array_get(json_object_get(j, "trace_vdata"), 0);
    CHECK(alen(json_object_get(tv0, "cached_commitments")) == K);
    CHECK(alen(json_array_get(json_object_get(tv0, "cached_commitments"), 1)) == 8);
    /* parts: common main, preprocessed, 2 cached; 4 commitments */
    const json_t *co = path2(j, "batch_constraint_proof", "column_openings");
    CHECK(alen(json_array_get(co, 0)) == 4);
    CHECK(alen(path2(j, "whir_proof", "initial_round_opened_rows")) == 4);
    json_decref(j);
    swirl_proof_clear(&proof);
    swirl_vk_destroy(vk);
    swirl_air_destroy(air);
}

/* ---- malformed input ---- */

typedef struct fixture {
    swirl_fixture_three f;
    swirl_proof proof;
    json_t *good;
} fixture;

static void fixture_init(fixture *x) {
    swirl_system_params p = params();
    swirl_fixture_three_init(&x->f, &p);
    CHECK_OK(swirl_flow_prove(&x->proof, x->f.vk, x->f.in, NULL, NULL));
    CHECK_OK(swirl_proof_to_json(&x->good, &x->proof, x->f.vk));
}

static void fixture_clear(fixture *x) {
    json_decref(x->good);
    swirl_proof_clear(&x->proof);
    swirl_fixture_three_clear(&x->f);
}

/* the JSON's node at a path of keys and indices ("whir_proof", "#3" ...), NULL-terminated */
static json_t *node_at(json_t *j, const char *const *path) {
    for (size_t i = 0; j && path[i]; i++)
        j = path[i][0] == '#' ? json_array_get(j, strtoul(path[i] + 1, NULL, 10))
                              : json_object_get(j, path[i]);
    return j;
}

/* a copy of good with the node at path replaced by v (NULL: removed; last step "#+": v appended
 * to the array); expects
 * MALFORMED from the keyed conversion with `msg` in the error */
static void expect_bad(fixture *x, const char *const *path, json_t *v, const char *msg) {
    json_t *j = json_deep_copy(x->good);
    size_t n = 0;
    while (path[n])
        n++;
    const char *parent_path[16];
    CHECK(n >= 1 && n <= 16);
    for (size_t i = 0; i + 1 < n; i++)
        parent_path[i] = path[i];
    parent_path[n - 1] = NULL;
    json_t *parent = node_at(j, parent_path);
    CHECK(parent != NULL);
    const char *key = path[n - 1];
    if (strcmp(key, "#+") == 0) {
        CHECK(json_array_append_new(parent, v) == 0);
    } else if (key[0] == '#') {
        size_t idx = strtoul(key + 1, NULL, 10);
        if (v)
            CHECK(json_array_set_new(parent, idx, v) == 0);
        else
            CHECK(json_array_remove(parent, idx) == 0);
    } else if (v) {
        CHECK(json_object_set_new(parent, key, v) == 0);
    } else {
        CHECK(json_object_del(parent, key) == 0);
    }
    swirl_proof d;
    CHECK_STATUS(swirl_proof_from_json(&d, j, x->f.vk), SWIRL_E_PROOF_MALFORMED);
    CHECK_MSG(last_error_has(msg), "want '%s' in: %s", msg, swirl_last_error());
    json_decref(j);
}

#define P(...) ((const char *const[]){__VA_ARGS__, NULL})

static void test_malformed_json(void) {
    fixture x;
    fixture_init(&x);
    expect_bad(&x, P("whir_proof"), NULL, "$.whir_proof: missing");
    expect_bad(&x, P("extra"), json_integer(1), "$.extra: unknown key");
    expect_bad(&x, P("gkr_proof", "q0"), json_integer(1), "$.gkr_proof.q0: unknown key");
    expect_bad(&x, P("common_main_commit", "#3"), json_integer(BB31_P),
               "$.common_main_commit[3]: not a canonical");
    expect_bad(&x, P("common_main_commit", "#0"), json_integer(-1), "$.common_main_commit[0]");
    expect_bad(&x, P("common_main_commit", "#0"), json_real(1.5), "expected an integer");
    expect_bad(&x, P("common_main_commit", "#0"), json_string("7"), "expected an integer");
    expect_bad(&x, P("common_main_commit", "#7"), NULL,
               "$.common_main_commit: 7 items, expected 8");
    expect_bad(&x, P("gkr_proof", "q0_claim", "#3"), NULL, "$.gkr_proof.q0_claim: 3 items");
    expect_bad(&x, P("gkr_proof", "sumcheck_polys", "#0"), NULL, "$.gkr_proof.sumcheck_polys:");
    expect_bad(&x, P("gkr_proof", "sumcheck_polys", "#1", "#0"), NULL,
               "$.gkr_proof.sumcheck_polys[1]: 1 items, expected 2");
    expect_bad(&x, P("gkr_proof", "claims_per_layer", "#0", "p_xi_1"), NULL,
               "$.gkr_proof.claims_per_layer[0].p_xi_1: missing");
    expect_bad(&x, P("batch_constraint_proof", "denominator_term_per_air", "#0"), NULL,
               "$.batch_constraint_proof.denominator_term_per_air: 2 items, expected 3");
    expect_bad(&x, P("batch_constraint_proof", "sumcheck_round_polys", "#1", "#0"), NULL,
               "$.batch_constraint_proof.sumcheck_round_polys[1]:");
    expect_bad(&x, P("trace_vdata", "#0", "log_height"), json_string("x"),
               "$.trace_vdata[0].log_height: expected an integer");
    expect_bad(&x, P("trace_vdata", "#1"), json_integer(3), "$.trace_vdata[1]: expected an object");
    expect_bad(&x, P("public_values"), json_object(), "$.public_values: expected an array");
    /* ragged WHIR rows: one row one column short */
    expect_bad(&x, P("whir_proof", "initial_round_opened_rows", "#0", "#2", "#1", "#0"), NULL,
               "$.whir_proof.initial_round_opened_rows[0][2][1]:");
    expect_bad(&x, P("whir_proof", "initial_round_merkle_proofs", "#0", "#1", "#0"), NULL,
               "$.whir_proof.initial_round_merkle_proofs[0][1]:");
    expect_bad(&x, P("whir_proof", "codeword_commits", "#0"), NULL, "$.whir_proof.");
    expect_bad(&x, P("whir_proof", "query_phase_pow_witnesses", "#0"), NULL,
               "$.whir_proof.query_phase_pow_witnesses:");
    /* well-formed JSON whose shape the key refuses: a longer final polynomial, a log height */
    const json_t *fp = path2(x.good, "whir_proof", "final_poly");
    expect_bad(&x, P("whir_proof", "final_poly", "#+"), json_deep_copy(json_array_get(fp, 0)),
               "final polynomial");
    expect_bad(&x, P("trace_vdata", "#0", "log_height"), json_integer(30), "log height");
    /* the pre-hash of another key */
    json_t *h = json_array();
    for (int i = 0; i < 8; i++)
        json_array_append_new(h, json_integer(i));
    expect_bad(&x, P("vk_pre_hash"), h, "$.vk_pre_hash[0]: not the key's pre-hash");
    expect_bad(&x, P("vk_pre_hash"), json_integer(0), "$.vk_pre_hash: expected an array");
    /* not an object at all */
    swirl_proof d;
    json_t *arr = json_array();
    CHECK_STATUS(swirl_proof_from_json(&d, arr, x.f.vk), SWIRL_E_PROOF_MALFORMED);
    CHECK(last_error_has("$: expected an object"));
    json_decref(arr);
    fixture_clear(&x);
}

/* the right pre-hash is accepted; every truncation of the bytes and a trailing byte are refused */
static void test_bytes(void) {
    fixture x;
    fixture_init(&x);
    json_t *h = json_array();
    for (int i = 0; i < 8; i++)
        json_array_append_new(h, json_integer(bb31_to_u32(x.f.vk->pre_hash.v[i])));
    json_object_set_new(x.good, "vk_pre_hash", h);
    swirl_proof d;
    CHECK_OK(swirl_proof_from_json(&d, x.good, x.f.vk));
    swirl_proof_clear(&d);
    uint8_t *b = NULL;
    size_t len = 0;
    CHECK_OK(swirl_proof_encode(&b, &len, &x.proof, x.f.vk));
    uint8_t *c = malloc(len + 1);
    CHECK(c != NULL);
    memcpy(c, b, len);
    c[len] = 0;
    json_t *j = NULL;
    CHECK_STATUS(swirl_proof_json_from_bytes(&j, c, len + 1), SWIRL_E_PROOF_MALFORMED);
    CHECK(j == NULL && last_error_has("trailing"));
    for (size_t cut = 0; cut < len; cut += 1 + cut / 16) {
        CHECK_STATUS(swirl_proof_json_from_bytes(&j, c, cut), SWIRL_E_PROOF_MALFORMED);
        CHECK(j == NULL);
    }
    /* a huge count in the header (the AIR count) is refused before anything is built */
    c[36] = c[37] = c[38] = 0xff;
    CHECK_STATUS(swirl_proof_json_from_bytes(&j, c, len), SWIRL_E_PROOF_MALFORMED);
    free(c);
    free(b);
    fixture_clear(&x);
}

/* random byte changes: the keyless walker never crashes, and whatever it accepts either encodes
 * back to exactly the same bytes or is refused (the few encodings OpenVM's own encoder could not
 * produce) */
static void test_mutated_bytes(void) {
    fixture x;
    fixture_init(&x);
    uint8_t *b = NULL, *c, *back = NULL;
    size_t len = 0, blen = 0;
    CHECK_OK(swirl_proof_encode(&b, &len, &x.proof, x.f.vk));
    c = malloc(len);
    CHECK(c != NULL);
    size_t accepted = 0;
    for (int it = 0; it < 400; it++) {
        memcpy(c, b, len);
        size_t pos = (size_t)swirl_test_rand_below(len);
        if (it % 2 && pos + 4 <= len) /* a small count where a length might be */
            c[pos] = (uint8_t)swirl_test_rand_below(8), c[pos + 1] = c[pos + 2] = c[pos + 3] = 0;
        else
            c[pos] ^= (uint8_t)(1u << swirl_test_rand_below(8));
        json_t *j = NULL;
        enum swirl_status st = swirl_proof_json_from_bytes(&j, c, len);
        CHECK(st == SWIRL_OK || st == SWIRL_E_PROOF_MALFORMED);
        if (st != SWIRL_OK)
            continue;
        accepted++;
        if (swirl_proof_json_to_bytes(&back, &blen, j) == SWIRL_OK) {
            CHECK_MSG(blen == len && memcmp(back, c, len) == 0, "byte %zu changed: not the same",
                      pos);
            free(back);
            back = NULL;
        }
        json_decref(j);
    }
    CHECK(accepted > 0);
    free(c);
    free(b);
    fixture_clear(&x);
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_fib),
    SWIRL_TEST(test_bus),
    SWIRL_TEST(test_optional_absent),
    SWIRL_TEST(test_preprocessed_cached),
    SWIRL_TEST(test_malformed_json),
    SWIRL_TEST(test_bytes),
    SWIRL_TEST(test_mutated_bytes),
};

int main(int argc, char **argv) {
    return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
}
