/* The verifying-key file (vk_codec.h): keys of the three-AIR fixture, KeccakAir and the test AIRs
 * (preprocessed, cached, interactions) encode, decode and encode to the same bytes with the same
 * pre-hash and AIRs; a proof verifies under the decoded key and not under another AIR set's; every
 * truncation, every single-byte change, huge lengths and each validation rule (keys re-hashed so
 * the pre-hash check does not hide them) are SWIRL_E_IO with a "verifying key: ... at byte N"
 * message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "air/keccak_air.h"
#include "air/test_airs.h"
#include "fixtures.h"
#include "harness.h"
#include "prover/prove.h"
#include "protocol/vk_codec.h"

/* test_flow's parameters (small WHIR, cheap proofs) */

/* ---- comparisons ---- */

static void check_air_equal(const swirl_air *a, const swirl_air *b) {
    CHECK(a->preprocessed_width == b->preprocessed_width && a->n_cached == b->n_cached &&
          a->common_width == b->common_width && a->num_public_values == b->num_public_values);
    for (size_t i = 0; i < a->n_cached; i++)
        CHECK(a->cached_widths[i] == b->cached_widths[i]);
    CHECK(a->n_nodes == b->n_nodes && a->n_constraints == b->n_constraints &&
          a->n_interactions == b->n_interactions && a->max_degree == b->max_degree);
    for (size_t i = 0; i < a->n_nodes; i++) {
        const swirl_dag_node *x = &a->nodes[i], *y = &b->nodes[i];
        CHECK_MSG(x->kind == y->kind && x->entry == y->entry && x->offset == y->offset &&
                      x->part == y->part && x->index == y->index &&
                      x->constant.v == y->constant.v && x->left == y->left &&
                      x->right == y->right && x->degree == y->degree,
                  "node %zu differs (kind %u/%u, degree %u/%u)", i, x->kind, y->kind, x->degree,
                  y->degree);
    }
    for (size_t i = 0; i < a->n_constraints; i++)
        CHECK(a->constraint_idx[i] == b->constraint_idx[i]);
    for (size_t i = 0; i < a->n_interactions; i++) {
        const swirl_dag_interaction *x = &a->interactions[i], *y = &b->interactions[i];
        CHECK(x->n_fields == y->n_fields && x->count == y->count && x->bus_index == y->bus_index &&
              x->count_weight == y->count_weight);
        for (size_t f = 0; f < x->n_fields; f++)
            CHECK(x->fields[f] == y->fields[f]);
    }
}

static void check_vk_equal(const swirl_vk *a, const swirl_vk *b) {
    CHECK(a->n_airs == b->n_airs && a->n_thc == b->n_thc);
    CHECK(memcmp(&a->pre_hash, &b->pre_hash, sizeof a->pre_hash) == 0);
    for (size_t i = 0; i < a->n_airs; i++) {
        const swirl_vk_air *x = &a->per_air[i], *y = &b->per_air[i];
        check_air_equal(x->air, y->air);
        CHECK(x->has_preprocessed == y->has_preprocessed && x->need_rot == y->need_rot &&
              x->max_constraint_degree == y->max_constraint_degree &&
              x->is_required == y->is_required && x->n_unused == y->n_unused);
        if (x->has_preprocessed)
            CHECK(memcmp(&x->preprocessed_commit, &y->preprocessed_commit,
                         sizeof x->preprocessed_commit) == 0 &&
                  x->preprocessed_hypercube_dim == y->preprocessed_hypercube_dim &&
                  x->preprocessed_stacking_width == y->preprocessed_stacking_width);
        for (size_t k = 0; k < x->n_unused; k++)
            CHECK(x->unused[k].entry == y->unused[k].entry &&
                  x->unused[k].part == y->unused[k].part &&
                  x->unused[k].index == y->unused[k].index &&
                  x->unused[k].offset == y->unused[k].offset);
    }
    for (size_t c = 0; c < a->n_thc; c++) {
        CHECK(a->thc[c].threshold == b->thc[c].threshold);
        for (size_t i = 0; i < a->n_airs; i++)
            CHECK(a->thc[c].coefficients[i] == b->thc[c].coefficients[i]);
    }
    const swirl_system_params *p = &a->params, *q = &b->params;
    CHECK(p->l_skip == q->l_skip && p->n_stack == q->n_stack && p->w_stack == q->w_stack &&
          p->log_blowup == q->log_blowup && p->max_constraint_degree == q->max_constraint_degree);
    CHECK(p->whir.k == q->whir.k && p->whir.num_rounds == q->whir.num_rounds &&
          p->whir.mu_pow_bits == q->whir.mu_pow_bits &&
          p->whir.query_phase_pow_bits == q->whir.query_phase_pow_bits &&
          p->whir.folding_pow_bits == q->whir.folding_pow_bits &&
          p->whir.proximity.kind == q->whir.proximity.kind);
    for (size_t r = 0; r < p->whir.num_rounds; r++)
        CHECK(p->whir.num_queries[r] == q->whir.num_queries[r]);
    CHECK(p->logup.max_interaction_count == q->logup.max_interaction_count &&
          p->logup.log_max_message_length == q->logup.log_max_message_length &&
          p->logup.pow_bits == q->logup.pow_bits);
}

/* encode, decode, encode again: the same bytes, the same postcard(inner), the same key; returns
 * the decoded key and (when asked) the bytes */
static swirl_vk *roundtrip(const swirl_vk *vk, uint8_t **bytes_out, size_t *len_out) {
    uint8_t *b1, *b2, *pc1, *pc2;
    size_t n1, n2, m1, m2;
    CHECK_OK(swirl_vk_encode(&b1, &n1, vk));
    swirl_vk *dec;
    CHECK_OK(swirl_vk_decode(&dec, b1, n1));
    CHECK(dec != NULL && dec->owned_airs != NULL);
    CHECK_OK(swirl_vk_encode(&b2, &n2, dec));
    CHECK(n1 == n2 && memcmp(b1, b2, n1) == 0);
    CHECK_OK(swirl_vk_postcard(vk, &pc1, &m1));
    CHECK_OK(swirl_vk_postcard(dec, &pc2, &m2));
    CHECK(m1 == m2 && memcmp(pc1, pc2, m1) == 0 && n1 > m1 && memcmp(pc1, b1, m1) == 0);
    check_vk_equal(vk, dec);
    for (size_t i = 0; i < dec->n_airs; i++) {
        char name[32];
        snprintf(name, sizeof name, "air%zu", i);
        CHECK(strcmp(swirl_air_name(dec->per_air[i].air), name) == 0);
        CHECK(dec->per_air[i].air == dec->owned_airs[i]);
        CHECK(dec->per_air[i].preprocessed_data == NULL);
    }
    free(b2);
    free(pc1);
    free(pc2);
    if (bytes_out) {
        *bytes_out = b1;
        *len_out = n1;
    } else {
        free(b1);
    }
    return dec;
}

/* decoding fails with SWIRL_E_IO, a NULL key and a "verifying key: ... at byte N" message that
 * contains `what` (when given) */
static void expect_io(const uint8_t *bytes, size_t len, const char *what) {
    static swirl_vk sentinel;
    swirl_vk *dec = &sentinel; /* must be overwritten with NULL */
    enum swirl_status st = swirl_vk_decode(&dec, bytes, len);
    CHECK_MSG(st == SWIRL_E_IO, "decode of %zu bytes returned %s, expected SWIRL_E_IO (%s)", len,
              swirl_status_str(st), st == SWIRL_OK ? "accepted" : swirl_last_error());
    CHECK(dec == NULL);
    const char *msg = swirl_last_error();
    CHECK_MSG(strstr(msg, "verifying key: ") != NULL && strstr(msg, " at byte ") != NULL,
              "message: %s", msg);
    CHECK_MSG(what == NULL || strstr(msg, what) != NULL, "message '%s' lacks '%s'", msg, what);
}

/* ---- round trips ---- */

static void test_roundtrip_three_air_fixture(void) {
    swirl_system_params p = swirl_fixture_small_params(2, 4, 31);
    swirl_fixture_three f;
    swirl_fixture_three_init(&f, &p);
    size_t len;
    uint8_t *bytes;
    swirl_vk *dec = roundtrip(f.vk, &bytes, &len);
    printf("  three-AIR fixture vk: %zu bytes\n", len);
    swirl_vk_destroy(dec);
    free(bytes);
    swirl_fixture_three_clear(&f);
}

static void test_roundtrip_keccak(void) {
    /* the keccakf example's parameters */
    swirl_whir_proximity ud = {SWIRL_PROXIMITY_UNIQUE_DECODING, 0, 0};
    swirl_system_params p;
    CHECK_OK(swirl_params_100_bits(&p, 1, 4, 17, 2048, 5, 15, ud, 3, 20, 4, 8));
    swirl_air_builder *b;
    CHECK_OK(swirl_keccak_air_build(&b));
    swirl_air *keccak = swirl_fixture_compile(b);
    swirl_keygen_air ka = {keccak, NULL, 0, 1};
    swirl_vk *vk;
    CHECK_OK(swirl_keygen(&vk, &p, &ka, 1));
    size_t len;
    uint8_t *bytes;
    swirl_vk *dec = roundtrip(vk, &bytes, &len);
    CHECK(dec->per_air[0].air->n_constraints == keccak->n_constraints);
    CHECK(dec->per_air[0].need_rot == 1 && dec->per_air[0].air->common_width == 2633);
    printf("  KeccakAir vk: %zu bytes (%zu nodes, %zu constraints)\n", len, keccak->n_nodes,
           keccak->n_constraints);
    swirl_vk_destroy(dec);
    free(bytes);
    swirl_vk_destroy(vk);
    swirl_air_destroy(keccak);
}

/* fib, fib_selector with its lookup (preprocessed trace + interaction), a DummyInteractionAir
 * sender with its fields in a cached partition, SelfInteractionAir (optional) and
 * PreprocessedCachedAir (preprocessed + 2 cached partitions) in one key, and each alone */
typedef struct test_air_set {
    swirl_air *airs[5];
    bb31 sel8[8], sel16[16];
    swirl_keygen_air ka[5];
} test_air_set;

static void test_air_set_init(test_air_set *s) {
    swirl_air_builder *b;
    CHECK_OK(swirl_fib_air_build(&b));
    s->airs[0] = swirl_fixture_compile(b);
    CHECK_OK(swirl_fib_selector_air_build(&b, 1));
    s->airs[1] = swirl_fixture_compile(b);
    CHECK_OK(swirl_dummy_interaction_air_build(&b, 2, 1, 0, 1));
    s->airs[2] = swirl_fixture_compile(b);
    CHECK_OK(swirl_self_interaction_air_build(&b, 4, 5));
    s->airs[3] = swirl_fixture_compile(b);
    CHECK_OK(swirl_preprocessed_cached_air_build(&b, 2));
    s->airs[4] = swirl_fixture_compile(b);
    for (int i = 0; i < 8; i++)
        s->sel8[i] = bb31_from_u32((uint32_t)(i % 3 == 0));
    for (int i = 0; i < 16; i++)
        s->sel16[i] = bb31_from_u32((uint32_t)(i & 1));
    swirl_keygen_air ka[5] = {{s->airs[0], NULL, 0, 1},
                              {s->airs[1], s->sel8, 8, 1},
                              {s->airs[2], NULL, 0, 1},
                              {s->airs[3], NULL, 0, 0},
                              {s->airs[4], s->sel16, 16, 1}};
    memcpy(s->ka, ka, sizeof ka);
}

static void test_air_set_clear(test_air_set *s) {
    for (int i = 0; i < 5; i++)
        swirl_air_destroy(s->airs[i]);
}

static swirl_system_params small_params(void) {
    swirl_whir_proximity ud = {SWIRL_PROXIMITY_UNIQUE_DECODING, 0, 0};
    swirl_system_params p;
    CHECK_OK(swirl_params_100_bits(&p, 1, 4, 6, 2048, 5, 15, ud, 3, 20, 4, 8));
    return p;
}

static void test_roundtrip_test_airs(void) {
    test_air_set s;
    test_air_set_init(&s);
    swirl_system_params p = small_params();
    swirl_vk *vk;
    CHECK_OK(swirl_keygen(&vk, &p, s.ka, 5));
    size_t len;
    uint8_t *bytes;
    swirl_vk *dec = roundtrip(vk, &bytes, &len);
    CHECK(dec->per_air[1].has_preprocessed && dec->per_air[4].has_preprocessed);
    CHECK(dec->per_air[1].air->n_interactions == 1);
    CHECK(dec->per_air[2].air->n_cached == 1 && dec->per_air[2].air->n_interactions == 1);
    CHECK(dec->per_air[4].air->n_cached == 2 && dec->per_air[4].air->preprocessed_width == 1);
    CHECK(!dec->per_air[3].is_required);
    printf("  test-AIR vk (5 AIRs): %zu bytes\n", len);
    swirl_vk_destroy(dec);
    free(bytes);
    swirl_vk_destroy(vk);
    for (int i = 0; i < 5; i++) {
        CHECK_OK(swirl_keygen(&vk, &p, &s.ka[i], 1));
        swirl_vk_destroy(roundtrip(vk, NULL, NULL));
        swirl_vk_destroy(vk);
    }
    test_air_set_clear(&s);
}

/* ---- the decoded key in the verifier ---- */

static void test_decoded_vk_verifies(void) {
    swirl_system_params p = swirl_fixture_small_params(2, 4, 31);
    swirl_fixture_three f;
    swirl_fixture_three_init(&f, &p);
    swirl_vk *dec = roundtrip(f.vk, NULL, NULL);
    swirl_proof proof;
    CHECK_OK(swirl_flow_prove(&proof, f.vk, f.in, NULL, NULL));
    CHECK_OK(swirl_flow_verify(f.vk, &proof, NULL));
    CHECK_OK(swirl_flow_verify(dec, &proof, NULL));
    /* another AIR set: the receiver on bus 4, and the three AIRs in another order */
    swirl_air_builder *b;
    CHECK_OK(swirl_dummy_interaction_air_build(&b, 1, 0, 4, 0));
    swirl_air *recv4 = swirl_fixture_compile(b);
    swirl_keygen_air other[2][3] = {
        {{f.fib, NULL, 0, 1}, {f.send, NULL, 0, 1}, {recv4, NULL, 0, 1}},
        {{f.fib, NULL, 0, 1}, {f.recv, NULL, 0, 1}, {f.send, NULL, 0, 1}}};
    for (int k = 0; k < 2; k++) {
        swirl_vk *vk2, *dec2;
        CHECK_OK(swirl_keygen(&vk2, &p, other[k], 3));
        dec2 = roundtrip(vk2, NULL, NULL);
        CHECK(memcmp(&dec2->pre_hash, &dec->pre_hash, sizeof dec->pre_hash) != 0);
        enum swirl_status st = swirl_flow_verify(dec2, &proof, NULL);
        CHECK_MSG(st == SWIRL_E_PROOF_REJECTED || st == SWIRL_E_PROOF_MALFORMED,
                  "other AIR set %d: %s", k, swirl_status_str(st));
        swirl_vk_destroy(dec2);
        swirl_vk_destroy(vk2);
    }
    swirl_proof_clear(&proof);
    /* proved under the decoded key, verified under the original */
    CHECK_OK(swirl_flow_prove(&proof, dec, f.in, NULL, NULL));
    CHECK_OK(swirl_flow_verify(f.vk, &proof, NULL));
    swirl_proof_clear(&proof);
    swirl_air_destroy(recv4);
    swirl_vk_destroy(dec);
    swirl_fixture_three_clear(&f);
}

/* ---- damaged bytes ---- */

static uint8_t *key_bytes(const swirl_vk *vk, size_t *len) {
    uint8_t *bytes;
    CHECK_OK(swirl_vk_encode(&bytes, len, vk));
    return bytes;
}

static void truncations_of(const uint8_t *bytes, size_t len) {
    for (size_t n = 0; n < len; n++)
        expect_io(n ? bytes : NULL, n, NULL);
}

/* runs `fn` on the bytes of two keys: the three-AIR fixture's and the five test AIRs' */
static void on_both_keys(void (*fn)(uint8_t *bytes, size_t len)) {
    swirl_system_params p = swirl_fixture_small_params(2, 4, 31);
    swirl_fixture_three f;
    swirl_fixture_three_init(&f, &p);
    size_t len;
    uint8_t *bytes = key_bytes(f.vk, &len);
    fn(bytes, len);
    free(bytes);
    swirl_fixture_three_clear(&f);
    test_air_set s;
    test_air_set_init(&s);
    p = small_params();
    swirl_vk *vk;
    CHECK_OK(swirl_keygen(&vk, &p, s.ka, 5));
    bytes = key_bytes(vk, &len);
    fn(bytes, len);
    free(bytes);
    swirl_vk_destroy(vk);
    test_air_set_clear(&s);
}

static void truncations_of_key(uint8_t *bytes, size_t len) {
    truncations_of(bytes, len);
}

static void test_every_truncation(void) {
    on_both_keys(truncations_of_key);
}

/* each byte xor 0x01, 0x80 and 0xff: refused; prints how many only the pre-hash check caught */
static void changes_of(uint8_t *bytes, size_t len) {
    const uint8_t masks[] = {0x01, 0x80, 0xff};
    size_t by_hash = 0;
    for (size_t m = 0; m < sizeof masks; m++)
        for (size_t i = 0; i < len; i++) {
            bytes[i] ^= masks[m];
            expect_io(bytes, len, NULL);
            by_hash += strstr(swirl_last_error(), "pre_hash differs") != NULL;
            bytes[i] ^= masks[m];
        }
    printf("  %zu-byte key: %zu changes refused, %zu of them only by the pre-hash check\n", len,
           len * sizeof masks, by_hash);
    swirl_vk *dec;
    CHECK_OK(swirl_vk_decode(&dec, bytes, len)); /* restored */
    swirl_vk_destroy(dec);
}

static void test_every_byte_change(void) {
    on_both_keys(changes_of);
}

/* random damage to the test-AIR key: 1-4 bytes set to random values, a byte inserted or deleted.
 * As is: never accepted. Re-hashed (so only the parser stands guard): refused with SWIRL_E_IO, or
 * accepted and then encoded back to exactly the same bytes (the encoding is canonical). */
static void test_random_damage(void) {
    test_air_set s;
    test_air_set_init(&s);
    swirl_system_params p = small_params();
    swirl_vk *vk;
    CHECK_OK(swirl_keygen(&vk, &p, s.ka, 5));
    size_t len, inner_len;
    uint8_t *bytes = key_bytes(vk, &len), *inner;
    CHECK_OK(swirl_vk_postcard(vk, &inner, &inner_len));
    uint8_t *work = malloc(len + 64);
    CHECK(work != NULL);
    size_t iters = 3000 * (size_t)swirl_test_iters(), accepted = 0;
    for (size_t it = 0; it < iters; it++) {
        int rehash = (int)(it & 1);
        const uint8_t *src = rehash ? inner : bytes;
        size_t n = rehash ? inner_len : len;
        memcpy(work, src, n);
        unsigned kind = (unsigned)swirl_test_rand_below(3);
        size_t at = (size_t)swirl_test_rand_below(n);
        if (kind == 0) {
            size_t k = 1 + (size_t)swirl_test_rand_below(4);
            for (size_t j = 0; j < k; j++)
                work[(at + j * (1 + swirl_test_rand_below(8))) % n] =
                    (uint8_t)swirl_test_rand_below(256);
            if (!rehash && memcmp(work, src, n) == 0)
                continue;
        } else if (kind == 1) {
            memmove(work + at + 1, work + at, n - at);
            work[at] = (uint8_t)swirl_test_rand_below(256);
            n++;
        } else {
            memmove(work + at, work + at + 1, n - at - 1);
            n--;
        }
        if (rehash) {
            swirl_digest h;
            CHECK_OK(swirl_vk_pre_hash(&h, work, n));
            for (int i = 0; i < P2_DIGEST_LEN; i++) {
                uint32_t v = h.v[i].v;
                while (v >= 0x80) {
                    work[n++] = (uint8_t)(v | 0x80);
                    v >>= 7;
                }
                work[n++] = (uint8_t)v;
            }
        }
        swirl_vk *dec = NULL;
        enum swirl_status st = swirl_vk_decode(&dec, work, n);
        if (!rehash || st != SWIRL_OK) {
            CHECK_MSG(st == SWIRL_E_IO && dec == NULL, "iteration %zu: %s", it,
                      swirl_status_str(st));
            continue;
        }
        accepted++;
        uint8_t *again;
        size_t again_len;
        CHECK_OK(swirl_vk_encode(&again, &again_len, dec));
        CHECK_MSG(again_len == n && memcmp(again, work, n) == 0, "iteration %zu: not canonical",
                  it);
        free(again);
        swirl_vk_destroy(dec);
    }
    printf("  %zu damaged keys, %zu re-hashed ones accepted (and canonical)\n", iters, accepted);
    free(work);
    free(inner);
    free(bytes);
    swirl_vk_destroy(vk);
    test_air_set_clear(&s);
}

/* ---- hand-made keys: test_keygen's tiny key, byte by byte ---- */

/* postcard(MultiStarkVerifyingKey0) of test_keygen's tiny key (one column x, constraint
 * when_transition(next.x - x)); offsets of the fields the cases below change in brackets */
static const uint8_t tiny_inner[] = {
    1,    2,    3, 1, /* [0] l_skip, n_stack, w_stack, log_blowup */
    1,    1,    5, 2,    3,
    4,    0,           /* [4] k, [5] rounds [5], mu, query, [9] folding PoW, [10] UniqueDecoding */
    0xac, 0x02, 7, 18, /* [11] max_interaction_count 300, [13] log_max_message_length, [14] PoW */
    3,                 /* [15] max_constraint_degree */
    1,                 /* [16] per_air */
    0,    0,    0, 1,    0,
    1, /* [17] prep None, [18] width.prep None, cached [], [20] common 1, pvs 0,
          [22] need_rot */
    5, /* [23] nodes */
    3, /* [24] IsTransition */
    0,    1,    0, 1,    0,    /* [25] Variable(Main{[27] part 0, [28] offset 1}, [29] index 0) */
    0,    1,    0, 0,    0,    /* [30] Variable(Main{part 0, offset 0}, 0) */
    6,    1,    2, 1,          /* [35] Sub{[36] 1, 2, [38] degree 1} */
    8,    0,    3, 2,          /* [39] Mul{0, [41] 3, [42] degree 2} */
    1,    4,    0,             /* [43] constraint_idx [[44] 4], [45] interactions [] */
    2,    1,    0,             /* [46] max_constraint_degree, [47] is_required, [48] unused [] */
    1,    1,    0, 0xac, 0x02, /* [49] thc [{[50] coefficients [0], threshold 300}] */
};

static swirl_vk *tiny_vk(swirl_air **air_out) {
    swirl_air_builder *b;
    CHECK_OK(swirl_air_builder_create(&b, "tiny", 0, NULL, 0, 1, 0));
    swirl_air_assert_zero_when_transition(
        b, swirl_air_sub(b, swirl_air_main(b, 0, 1), swirl_air_main(b, 0, 0)));
    *air_out = swirl_fixture_compile(b);
    swirl_system_params p = swirl_fixture_tiny_params();
    swirl_keygen_air ka = {*air_out, NULL, 0, 1};
    swirl_vk *vk;
    CHECK_OK(swirl_keygen(&vk, &p, &ka, 1));
    return vk;
}

typedef struct buf {
    uint8_t p[512];
    size_t n;
} buf;

static void buf_varint(buf *b, uint64_t v) {
    while (v >= 0x80) {
        b->p[b->n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    b->p[b->n++] = (uint8_t)v;
}

/* replaces `del` bytes at `at` with `repl` */
static void buf_splice(buf *b, size_t at, size_t del, const uint8_t *repl, size_t n) {
    CHECK(at + del <= b->n && b->n - del + n <= sizeof b->p);
    memmove(b->p + at + n, b->p + at + del, b->n - at - del);
    memcpy(b->p + at, repl, n);
    b->n = b->n - del + n;
}

/* inner bytes || their correct pre-hash */
static void buf_seal(buf *b) {
    swirl_digest h;
    CHECK_OK(swirl_vk_pre_hash(&h, b->p, b->n));
    for (int i = 0; i < P2_DIGEST_LEN; i++)
        buf_varint(b, h.v[i].v);
}

static buf tiny_buf(void) {
    buf b;
    memcpy(b.p, tiny_inner, sizeof tiny_inner);
    b.n = sizeof tiny_inner;
    return b;
}

static void test_tiny_key_bytes(void) {
    swirl_air *air;
    swirl_vk *vk = tiny_vk(&air);
    size_t len;
    uint8_t *bytes = key_bytes(vk, &len);
    buf b = tiny_buf();
    buf_seal(&b);
    CHECK(len == b.n && memcmp(bytes, b.p, len) == 0);
    /* the pre-hash as 8 u32 varints of the Montgomery forms */
    CHECK(b.n > sizeof tiny_inner + 8);
    swirl_vk *dec = roundtrip(vk, NULL, NULL);
    const swirl_air *d = dec->per_air[0].air;
    CHECK(d->n_nodes == 5 && d->nodes[4].kind == SWIRL_NODE_MUL && d->nodes[4].degree == 2 &&
          d->nodes[1].kind == SWIRL_NODE_VAR && d->nodes[1].offset == 1 && d->max_degree == 2);
    CHECK(dec->per_air[0].need_rot == 1 && dec->per_air[0].n_unused == 0);
    CHECK(dec->n_thc == 1 && dec->thc[0].threshold == 300);
    swirl_vk_destroy(dec);
    free(bytes);
    swirl_vk_destroy(vk);
    swirl_air_destroy(air);
}

typedef struct edit {
    size_t at, del;
    uint8_t repl[16];
    size_t n;
} edit;

/* tiny key with edits applied (listed from the highest offset down), re-hashed: decoding must
 * fail on the rule, not on the pre-hash */
static void expect_rule(const edit *edits, size_t n_edits, const char *what) {
    buf b = tiny_buf();
    for (size_t e = 0; e < n_edits; e++)
        buf_splice(&b, edits[e].at, edits[e].del, edits[e].repl, edits[e].n);
    buf_seal(&b);
    expect_io(b.p, b.n, what);
    CHECK_MSG(strstr(swirl_last_error(), "pre_hash") == NULL, "%s: caught only by the pre-hash",
              what);
}

#define RULE1(at, del, what, ...)                                                                  \
    do {                                                                                           \
        const uint8_t r_[] = {__VA_ARGS__};                                                        \
        edit e_ = {at, del, {__VA_ARGS__}, sizeof r_};                                             \
        expect_rule(&e_, 1, what);                                                                 \
    } while (0)

static void test_validation_rules(void) {
    /* the tiny key itself, re-hashed, decodes */
    buf ok = tiny_buf();
    buf_seal(&ok);
    swirl_vk *dec;
    CHECK_OK(swirl_vk_decode(&dec, ok.p, ok.n));
    swirl_vk_destroy(dec);
    /* SystemParams */
    RULE1(0, 1, "l_skip", 28);
    RULE1(4, 1, "no WHIR round plan", 0);         /* k = 0 */
    RULE1(4, 1, "no WHIR round plan", 4);         /* 1 round of 4 folds > 3 variables */
    RULE1(5, 1, "WHIR rounds exceed", 33);        /* 33 rounds */
    RULE1(6, 1, "num_queries", 0x81, 0x80, 0x04); /* 2^16 + 1 queries */
    RULE1(9, 1, "folding_pow_bits", 31);
    RULE1(10, 1, "proximity variant", 3);
    RULE1(13, 1, "log_max_message_length", 64);
    RULE1(14, 1, "logup.pow_bits", 31);
    /* TraceWidth, need_rot */
    RULE1(17, 1, "preprocessed_data tag", 2);
    RULE1(18, 1, "disagree", 1, 1);
    RULE1(20, 1, "zero main trace width", 0);
    RULE1(20, 1, "non-canonical varint", 0x81, 0x00);
    RULE1(20, 1, "unused_variables", 2); /* column 1 read by no node, not listed */
    RULE1(22, 1, "need_rot", 0);
    RULE1(22, 1, "need_rot", 2);
    /* the DAG */
    RULE1(24, 1, "node variant", 9);
    RULE1(26, 1, "Challenge", 3);
    RULE1(26, 1, "variable index", 2); /* Public, index 0 of 0 public values */
    RULE1(27, 1, "part_index", 1);
    RULE1(28, 1, "row offset", 2);
    RULE1(29, 1, "variable index", 1);
    RULE1(36, 1, "not both earlier", 3); /* Sub reads itself */
    RULE1(41, 1, "not both earlier", 5);
    RULE1(38, 1, "below its children", 0);
    RULE1(42, 1, "below its children", 1);
    RULE1(44, 1, "constraint index", 5);
    RULE1(43, 2, "constraint index", 2, 4, 4); /* [4, 4]: not increasing */
    RULE1(43, 2, "at least one constraint", 0);
    RULE1(45, 1, "zero-length message", 1, 0, 0, 0, 0);
    RULE1(45, 1, "interaction 0: node 9", 1, 1, 9, 0, 0, 0);
    RULE1(45, 1, "interaction 0: node 5", 1, 1, 0, 5, 0, 0);
    RULE1(45, 1, "bus_index", 1, 1, 0, 0, 0x80, 0x80, 0x04, 0);
    RULE1(46, 1, "node 4 has degree 2", 1);
    RULE1(46, 1, "Max constraint degree exceeded", 4);
    RULE1(47, 1, "is_required", 2);
    RULE1(48, 1, "unused_variables differ", 1, 1, 0, 0, 0); /* Main{0, 0} index 0 is read */
    RULE1(50, 1, "coefficients", 2);
    RULE1(49, 5, "trailing", 0, 0); /* no thc, then a stray byte before the hash */
    /* message length: log_max_message_length 1 allows 1 field */
    edit msg[2] = {{45, 1, {1, 2, 0, 1, 4, 0, 0}, 7}, {13, 1, {1}, 1}};
    expect_rule(msg, 2, "message length 2");
    msg[0].repl[1] = 1;
    msg[0].repl[2] = 4;
    msg[0].repl[3] = 0;
    msg[0].repl[4] = 0;
    msg[0].repl[5] = 0;
    msg[0].n = 6;
    buf b = tiny_buf();
    for (int e = 0; e < 2; e++)
        buf_splice(&b, msg[e].at, msg[e].del, msg[e].repl, msg[e].n);
    buf_seal(&b);
    CHECK_OK(swirl_vk_decode(&dec, b.p, b.n)); /* one field: fine */
    CHECK(dec->per_air[0].air->n_interactions == 1 &&
          dec->per_air[0].air->interactions[0].n_fields == 1);
    swirl_vk_destroy(dec);

    /* a preprocessed column (l_skip 1, n_stack 2): width 1, height 2 (hypercube_dim 0), stacked
     * width 1; unused Preprocessed{0} and {1} at index 0 */
    edit prep[3] = {{48, 1, {2, 0, 0, 0, 0, 1, 0}, 7},
                    {18, 1, {1, 1}, 2},
                    {17, 1, {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 11}};
    b = tiny_buf();
    for (int e = 0; e < 3; e++)
        buf_splice(&b, prep[e].at, prep[e].del, prep[e].repl, prep[e].n);
    buf_seal(&b);
    CHECK_OK(swirl_vk_decode(&dec, b.p, b.n));
    CHECK(dec->per_air[0].has_preprocessed && dec->per_air[0].preprocessed_hypercube_dim == 0 &&
          dec->per_air[0].air->preprocessed_width == 1 && dec->per_air[0].n_unused == 2);
    uint8_t *again;
    size_t again_len;
    CHECK_OK(swirl_vk_encode(&again, &again_len, dec));
    CHECK(again_len == b.n && memcmp(again, b.p, b.n) == 0);
    free(again);
    swirl_vk_destroy(dec);
    prep[2].repl[9] = 6; /* hypercube_dim 3 > n_stack */
    expect_rule(prep, 3, "hypercube_dim");
    prep[2].repl[9] = 3; /* hypercube_dim -2 < -l_skip */
    expect_rule(prep, 3, "hypercube_dim");
    prep[2].repl[9] = 0;
    prep[2].repl[10] = 2; /* stacking width 2 */
    expect_rule(prep, 3, "stacking_width");
    prep[2].repl[10] = 1;
    prep[2].repl[1] = 0x81; /* commit element 0x81 0x80 0x80 0x80 0x08 = 2^31 + 1 > p */
    prep[2].repl[2] = 0x80;
    prep[2].repl[3] = 0x80;
    prep[2].repl[4] = 0x80;
    prep[2].repl[5] = 0x08;
    expect_rule(prep, 3, "not below p");
    prep[2].repl[1] = 0;
    prep[2].repl[2] = 0;
    prep[2].repl[3] = 0;
    prep[2].repl[4] = 0;
    prep[2].repl[5] = 0;
    prep[0].repl[0] = 1; /* Preprocessed{1} not listed */
    prep[0].n = 4;
    expect_rule(prep, 3, "unused_variables differ");
}

static void test_pre_hash_and_trailing(void) {
    buf b = tiny_buf();
    buf_seal(&b);
    /* a changed inner byte without re-hashing: is_required 1 -> 0 */
    b.p[47] = 0;
    expect_io(b.p, b.n, "pre_hash differs");
    b.p[47] = 1;
    /* a changed pre-hash element */
    b.p[sizeof tiny_inner] ^= 0x02;
    expect_io(b.p, b.n, "pre_hash differs");
    b.p[sizeof tiny_inner] ^= 0x02;
    /* a trailing byte */
    b.p[b.n++] = 0;
    expect_io(b.p, b.n, "1 trailing bytes");
    b.n--;
    /* a pre-hash element >= p */
    buf c = tiny_buf();
    buf_varint(&c, BB31_P);
    for (size_t i = 1; i < P2_DIGEST_LEN; i++)
        buf_varint(&c, 0);
    expect_io(c.p, c.n, "not below p");
    swirl_vk *dec;
    CHECK_OK(swirl_vk_decode(&dec, b.p, b.n));
    swirl_vk_destroy(dec);
}

/* huge counts and bad varints right after the SystemParams (16 bytes) or inside the AIR: refused
 * before any allocation (under ASan a multi-terabyte request would abort the test) */
static void test_huge_lengths(void) {
    static const struct {
        size_t at;
        const char *what;
    } places[] = {{16, "per_air"},
                  {19, "cached_mains"},
                  {23, "nodes"},
                  {43, "constraint_idx"},
                  {45, "interactions"},
                  {48, "unused_variables"},
                  {49, "trace_height_constraints"}};
    static const uint64_t huge[] = {UINT64_MAX, (uint64_t)1 << 62, (uint64_t)1 << 40, 1u << 20,
                                    1000};
    for (size_t k = 0; k < sizeof places / sizeof places[0]; k++)
        for (size_t h = 0; h < sizeof huge / sizeof huge[0]; h++) {
            buf b = tiny_buf();
            b.n = places[k].at;
            buf_varint(&b, huge[h]);
            for (int i = 0; i < 40; i++)
                b.p[b.n++] = 1;
            expect_io(b.p, b.n, places[k].what);
            CHECK(strstr(swirl_last_error(), "exceeds") != NULL);
        }
    /* varints: 65 bits, 11 bytes, cut short */
    static const uint8_t over[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02};
    static const uint8_t longer[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
                                     0x80, 0x80, 0x80, 0x80, 0x01};
    buf b = tiny_buf();
    b.n = 16;
    memcpy(b.p + b.n, over, sizeof over);
    b.n += sizeof over;
    expect_io(b.p, b.n, "overflows 64 bits");
    b.n = 16;
    memcpy(b.p + b.n, longer, sizeof longer);
    b.n += sizeof longer;
    expect_io(b.p, b.n, "overflows 64 bits");
    b.n = 17;
    b.p[16] = 0x80;
    expect_io(b.p, b.n, "ends inside a varint");
    CHECK(strstr(swirl_last_error(), "at byte 16") != NULL);
}

static void test_bad_arguments(void) {
    swirl_vk *dec;
    uint8_t *bytes;
    size_t len;
    CHECK_STATUS(swirl_vk_decode(NULL, tiny_inner, sizeof tiny_inner), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_vk_decode(&dec, NULL, 5), SWIRL_E_INVALID_ARG);
    CHECK(dec == NULL);
    CHECK_STATUS(swirl_vk_encode(&bytes, &len, NULL), SWIRL_E_INVALID_ARG);
    CHECK(bytes == NULL && len == 0);
    CHECK_STATUS(swirl_vk_encode(NULL, &len, NULL), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_vk_pre_hash(NULL, tiny_inner, 1), SWIRL_E_INVALID_ARG);
    expect_io(NULL, 0, "input ends");
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_roundtrip_three_air_fixture),
    SWIRL_TEST(test_roundtrip_keccak),
    SWIRL_TEST(test_roundtrip_test_airs),
    SWIRL_TEST(test_decoded_vk_verifies),
    SWIRL_TEST(test_tiny_key_bytes),
    SWIRL_TEST(test_validation_rules),
    SWIRL_TEST(test_pre_hash_and_trailing),
    SWIRL_TEST(test_huge_lengths),
    SWIRL_TEST(test_every_truncation),
    SWIRL_TEST(test_every_byte_change),
    SWIRL_TEST(test_random_damage),
    SWIRL_TEST(test_bad_arguments),
};

int main(int argc, char **argv) { return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests)); }
