/* Keygen: the postcard bytes of a tiny verifying key derived by hand from OpenVM v2.0.1's types
 * (keygen/types.rs, config.rs, dag.rs; postcard: varints, u8 raw, Option/enum tags), its
 * pre-hash, preprocessed commitments, trace-height constraints, and keygen errors. */
#include <stdlib.h>
#include <string.h>

#include "air/keccak_air.h"
#include "air/test_airs.h"
#include "fixtures.h"
#include "harness.h"
#include "pcs/stacked.h"
#include "protocol/keygen.h"


static void test_tiny_vk_bytes(void) {
    /* one column x, constraint when_transition: next.x - x */
    swirl_air_builder *b;
    CHECK_OK(swirl_air_builder_create(&b, "tiny", 0, NULL, 0, 1, 0));
    swirl_air_assert_zero_when_transition(
        b, swirl_air_sub(b, swirl_air_main(b, 0, 1), swirl_air_main(b, 0, 0)));
    swirl_air *air = swirl_fixture_compile(b);
    swirl_system_params p = swirl_fixture_tiny_params();
    swirl_keygen_air ka = {air, NULL, 0, 1};
    swirl_vk *vk;
    CHECK_OK(swirl_keygen(&vk, &p, &ka, 1));
    static const uint8_t expect[] = {
        /* SystemParams: l_skip, n_stack, w_stack, log_blowup */
        1, 2, 3, 1,
        /* WhirConfig: k, rounds [5], mu, query, folding, proximity UniqueDecoding */
        1, 1, 5, 2, 3, 4, 0,
        /* LogUp: max_interaction_count 300 (varint ac 02), log_max_message_length, pow_bits */
        0xac, 0x02, 7, 18,
        /* max_constraint_degree */
        3,
        /* per_air: 1 */
        1,
        /* preprocessed_data None; width: preprocessed None, cached [], common 1; pvs 0; need_rot */
        0, 0, 0, 1, 0, 1,
        /* nodes: 5 */
        5,
        3,                /* IsTransition */
        0, 1, 0, 1, 0,    /* Variable(Main{part 0, offset 1}, 0) */
        0, 1, 0, 0, 0,    /* Variable(Main{part 0, offset 0}, 0) */
        6, 1, 2, 1,       /* Sub{1, 2, degree 1} */
        8, 0, 3, 2,       /* Mul{0, 3, degree 2} */
        /* constraint_idx [4]; interactions [] */
        1, 4, 0,
        /* max_constraint_degree u8, is_required, unused_variables [] */
        2, 1, 0,
        /* trace height constraints: [{coefficients [0], threshold 300}] */
        1, 1, 0, 0xac, 0x02,
    };
    uint8_t *bytes;
    size_t len;
    CHECK_OK(swirl_vk_postcard(vk, &bytes, &len));
    CHECK_MSG(len == sizeof expect, "postcard length %zu, expected %zu", len, sizeof expect);
    CHECK(memcmp(bytes, expect, sizeof expect) == 0);
    free(bytes);
    /* pre-hash = sponge over [3,0,0,0, len as u64 LE, bytes...] as field elements */
    bb31 elems[12 + sizeof expect];
    memset(elems, 0, sizeof elems);
    elems[0] = bb31_from_u32(3);
    elems[4] = bb31_from_u32((uint32_t)sizeof expect);
    for (size_t i = 0; i < sizeof expect; i++)
        elems[12 + i] = bb31_from_u32(expect[i]);
    swirl_digest h;
    p2_hash_slice(&h, elems, 12 + sizeof expect);
    CHECK(memcmp(&h, &vk->pre_hash, sizeof h) == 0);
    swirl_vk_destroy(vk);

    /* not required: one byte changes, so does the hash */
    ka.is_required = 0;
    CHECK_OK(swirl_keygen(&vk, &p, &ka, 1));
    CHECK(memcmp(&h, &vk->pre_hash, sizeof h) != 0);
    swirl_vk_destroy(vk);
    swirl_air_destroy(air);
}

static void test_unused_and_rotation(void) {
    /* 3 columns, constraint x0 * x2 = 0 (no rotation): column 1 unused at offset 0 */
    swirl_air_builder *b;
    CHECK_OK(swirl_air_builder_create(&b, "u", 0, NULL, 0, 3, 0));
    swirl_air_assert_zero(b, swirl_air_mul(b, swirl_air_main(b, 0, 0), swirl_air_main(b, 2, 0)));
    swirl_air *air = swirl_fixture_compile(b);
    swirl_system_params p = swirl_fixture_tiny_params();
    swirl_keygen_air ka = {air, NULL, 0, 0};
    swirl_vk *vk;
    CHECK_OK(swirl_keygen(&vk, &p, &ka, 1));
    CHECK(vk->per_air[0].need_rot == 0);
    CHECK(vk->per_air[0].n_unused == 1 && vk->per_air[0].unused[0].index == 1 &&
          vk->per_air[0].unused[0].offset == 0);
    swirl_vk_destroy(vk);
    swirl_air_destroy(air);
}

static void test_keccak_and_fib_selector(void) {
    /* the keccakf parameters with a small stacked height (n_stack 6) keep the preprocessed
     * commitment cheap in a test; the vk covers n_stack, so the hash differs from n_stack 17 */
    swirl_whir_proximity ud = {SWIRL_PROXIMITY_UNIQUE_DECODING, 0, 0};
    swirl_system_params p;
    CHECK_OK(swirl_params_100_bits(&p, 1, 4, 6, 2048, 5, 15, ud, 3, 20, 4, 8));
    swirl_air_builder *b;
    CHECK_OK(swirl_keccak_air_build(&b));
    swirl_air *keccak = swirl_fixture_compile(b);
    swirl_keygen_air ka = {keccak, NULL, 0, 1};
    swirl_vk *vk1, *vk2;
    CHECK_OK(swirl_keygen(&vk1, &p, &ka, 1));
    CHECK_OK(swirl_keygen(&vk2, &p, &ka, 1));
    CHECK(memcmp(&vk1->pre_hash, &vk2->pre_hash, sizeof(swirl_digest)) == 0); /* deterministic */
    CHECK(vk1->per_air[0].need_rot == 1 && vk1->per_air[0].max_constraint_degree == 3);
    swirl_vk_destroy(vk2);

    /* fib_selector: the preprocessed trace is committed with the system's stacked PCS */
    CHECK_OK(swirl_fib_selector_air_build(&b, 0));
    swirl_air *fs = swirl_fixture_compile(b);
    bb31 sels[8];
    for (int i = 0; i < 8; i++)
        sels[i] = bb31_from_u32((uint32_t)(i % 3 == 0));
    swirl_keygen_air kf = {fs, sels, 8, 1};
    CHECK_OK(swirl_keygen(&vk2, &p, &kf, 1));
    CHECK(vk2->per_air[0].has_preprocessed);
    CHECK(vk2->per_air[0].preprocessed_hypercube_dim == 3 - 4);
    CHECK(vk2->per_air[0].preprocessed_stacking_width == 1);
    swirl_trace_view tv = {sels, 8, 1, NULL};
    swirl_stacked_pcs_data *d;
    swirl_digest root;
    CHECK_OK(swirl_stacked_commit(NULL, &d, &root, &tv, 1, 4, 6, 1, 4));
    CHECK(memcmp(&root, &vk2->per_air[0].preprocessed_commit, sizeof root) == 0);
    /* the key keeps the prover's PcsData: the same stacked matrix, codeword and tree */
    const swirl_stacked_pcs_data *kd = vk2->per_air[0].preprocessed_data;
    CHECK(kd != NULL && vk1->per_air[0].preprocessed_data == NULL);
    const swirl_stacked_layout *kl = swirl_stacked_pcs_layout(kd), *dl = swirl_stacked_pcs_layout(d);
    CHECK(kl->height == dl->height && kl->width == 1);
    const bb31 *km = NULL, *dm = NULL;
    CHECK_OK(swirl_stacked_pcs_host_matrix(kd, &km));
    CHECK_OK(swirl_stacked_pcs_host_matrix(d, &dm));
    CHECK(memcmp(km, dm, dl->height * sizeof(bb31)) == 0);
    size_t ch = swirl_stacked_pcs_cw_height(d);
    CHECK(swirl_stacked_pcs_cw_height(kd) == ch);
    CHECK(memcmp(swirl_stacked_pcs_host_codeword(kd), swirl_stacked_pcs_host_codeword(d),
                 ch * sizeof(bb31)) == 0);
    swirl_digest kroot = swirl_stacked_pcs_root(kd);
    CHECK(memcmp(&kroot, &root, sizeof root) == 0);
    /* 8 rows < 2^l_skip = 16: the selectors sit 2 rows apart in the stacked column */
    for (int i = 0; i < 16; i++)
        CHECK(bb31_eq(km[i], i % 2 ? bb31_zero() : sels[i / 2]));
    swirl_stacked_pcs_data_destroy(d);
    CHECK(memcmp(&vk1->pre_hash, &vk2->pre_hash, sizeof(swirl_digest)) != 0);
    swirl_vk_destroy(vk2);
    /* missing preprocessed trace */
    kf.preprocessed = NULL;
    CHECK_STATUS(swirl_keygen(&vk2, &p, &kf, 1), SWIRL_E_INVALID_ARG);
    CHECK(strstr(swirl_last_error(), "preprocessed") != NULL);
    swirl_vk_destroy(vk1);
    swirl_air_destroy(keccak);
    swirl_air_destroy(fs);
}

static void test_trace_height_constraints(void) {
    swirl_system_params p = swirl_fixture_tiny_params();
    p.logup.max_interaction_count = BB31_P;
    swirl_air_builder *b;
    CHECK_OK(swirl_dummy_interaction_air_build(&b, 2, 1, 7, 0));
    swirl_air *s = swirl_fixture_compile(b);
    CHECK_OK(swirl_self_interaction_air_build(&b, 2, 3));
    swirl_air *self = swirl_fixture_compile(b);
    swirl_keygen_air ka[2] = {{s, NULL, 0, 1}, {self, NULL, 0, 0}};
    swirl_vk *vk;
    CHECK_OK(swirl_keygen(&vk, &p, ka, 2));
    /* bus 3: weights [0, 8], threshold p; bus 7: [0, 0] (implied); global [1, 8] threshold p:
     * bus 3's constraint is implied by the global one, so only the global one stays */
    CHECK(vk->n_thc == 1);
    CHECK(vk->thc[0].coefficients[0] == 1 && vk->thc[0].coefficients[1] == 8 &&
          vk->thc[0].threshold == BB31_P);
    swirl_vk_destroy(vk);
    /* a per-bus weight above the interaction count is not implied: both constraints stay */
    CHECK_OK(swirl_air_builder_create(&b, "heavy", 0, NULL, 0, 1, 0));
    swirl_expr f = swirl_air_main(b, 0, 0);
    swirl_air_push_interaction(b, 9, &f, 1, f, 5);
    swirl_air *heavy = swirl_fixture_compile(b);
    swirl_keygen_air kh = {heavy, NULL, 0, 1};
    p.logup.max_interaction_count = 1000;
    CHECK_OK(swirl_keygen(&vk, &p, &kh, 1));
    CHECK(vk->n_thc == 2 && vk->thc[0].coefficients[0] == 5 && vk->thc[0].threshold == BB31_P &&
          vk->thc[1].coefficients[0] == 1 && vk->thc[1].threshold == 1000);
    swirl_vk_destroy(vk);
    swirl_air_destroy(heavy);
    swirl_air_destroy(s);
    swirl_air_destroy(self);
}

/* DummyInteractionAir(field_width 1, send, bus) with a count weight, as OpenVM's tests set it on
 * the struct: column 0 the count, column 1 the field. */
static swirl_air *weighted_sender(uint16_t bus, uint32_t count_weight) {
    swirl_air_builder *b;
    CHECK_OK(swirl_air_builder_create(&b, "sender", 0, NULL, 0, 2, 0));
    swirl_expr f = swirl_air_main(b, 1, 0);
    swirl_air_push_interaction(b, bus, &f, 1, swirl_air_main(b, 0, 0), count_weight);
    return swirl_fixture_compile(b);
}

/* OpenVM v2.0.1 crates/backend-tests/src/lib.rs interaction_trace_height_constraints and
 * trace_height_constraints_implied_removal: FibonacciSelectorAir with interactions (bus 0,
 * weight 0) and senders of weights 3 (bus 0), 1 (bus 0), 7 (bus 1); the expected constraints are
 * OpenVM's assertions. */
static void test_openvm_trace_height_tests(void) {
    swirl_system_params p = swirl_fixture_tiny_params();
    p.logup.max_interaction_count = 1u << 30;
    swirl_air_builder *b;
    CHECK_OK(swirl_fib_selector_air_build(&b, 1));
    swirl_air *fib = swirl_fixture_compile(b);
    bb31 sels[8];
    for (int i = 0; i < 8; i++)
        sels[i] = bb31_from_u32((uint32_t)(i % 2 == 0));
    swirl_air *s3 = weighted_sender(0, 3), *s1 = weighted_sender(0, 1), *s7 = weighted_sender(1, 7);
    swirl_keygen_air ka[4] = {{fib, sels, 8, 1}, {s3, NULL, 0, 1}, {s1, NULL, 0, 1}, {s7, NULL, 0, 1}};
    swirl_vk *vk;
    CHECK_OK(swirl_keygen(&vk, &p, ka, 4));
    static const uint32_t want[3][4] = {{0, 3, 1, 0}, {0, 0, 0, 7}, {1, 1, 1, 1}};
    const uint32_t thr[3] = {BB31_P, BB31_P, 1u << 30};
    CHECK_MSG(vk->n_thc == 3, "%zu constraints", (size_t)vk->n_thc);
    for (size_t c = 0; c < 3 && c < vk->n_thc; c++) {
        CHECK(memcmp(vk->thc[c].coefficients, want[c], sizeof want[c]) == 0);
        CHECK(vk->thc[c].threshold == thr[c]);
    }
    swirl_vk_destroy(vk);
    /* implied removal: weights 0 on buses 0 and 1 -> only the global [1, 1, 1] stays */
    swirl_air *z0 = weighted_sender(0, 0), *z1 = weighted_sender(1, 0);
    swirl_keygen_air kb[3] = {{fib, sels, 8, 1}, {z0, NULL, 0, 1}, {z1, NULL, 0, 1}};
    CHECK_OK(swirl_keygen(&vk, &p, kb, 3));
    CHECK(vk->n_thc == 1);
    static const uint32_t ones[3] = {1, 1, 1};
    CHECK(vk->n_thc >= 1 && memcmp(vk->thc[0].coefficients, ones, sizeof ones) == 0 &&
          vk->thc[0].threshold == (1u << 30));
    swirl_vk_destroy(vk);
    swirl_air_destroy(fib);
    swirl_air_destroy(s3);
    swirl_air_destroy(s1);
    swirl_air_destroy(s7);
    swirl_air_destroy(z0);
    swirl_air_destroy(z1);
}

static void test_keygen_errors(void) {
    swirl_system_params p = swirl_fixture_tiny_params();
    swirl_air_builder *b;
    CHECK_OK(swirl_air_builder_create(&b, "empty", 0, NULL, 0, 2, 0));
    swirl_air *empty = swirl_fixture_compile(b);
    swirl_keygen_air ka = {empty, NULL, 0, 1};
    swirl_vk *vk;
    CHECK_STATUS(swirl_keygen(&vk, &p, &ka, 1), SWIRL_E_INVALID_ARG);
    CHECK(strstr(swirl_last_error(), "at least one constraint or interaction") != NULL);
    CHECK(vk == NULL);
    swirl_air_destroy(empty);
    CHECK_OK(swirl_air_builder_create(&b, "deg3", 0, NULL, 0, 1, 0));
    swirl_expr x = swirl_air_main(b, 0, 0);
    swirl_air_assert_zero(b, swirl_air_mul(b, swirl_air_mul(b, x, x), x));
    swirl_air *deg3 = swirl_fixture_compile(b);
    p.max_constraint_degree = 2;
    ka.air = deg3;
    CHECK_STATUS(swirl_keygen(&vk, &p, &ka, 1), SWIRL_E_INVALID_ARG);
    CHECK(strstr(swirl_last_error(), "Max constraint degree exceeded") != NULL);
    swirl_air_destroy(deg3);
    CHECK_OK(swirl_air_builder_create(&b, "nomsg", 0, NULL, 0, 1, 0));
    swirl_air_push_interaction(b, 1, NULL, 0, swirl_air_main(b, 0, 0), 0);
    swirl_air *nomsg = swirl_fixture_compile(b);
    ka.air = nomsg;
    p.max_constraint_degree = 3;
    CHECK_STATUS(swirl_keygen(&vk, &p, &ka, 1), SWIRL_E_INVALID_ARG);
    CHECK(strstr(swirl_last_error(), "zero-length message") != NULL);
    swirl_air_destroy(nomsg);
    CHECK_STATUS(swirl_keygen(NULL, &p, &ka, 1), SWIRL_E_INVALID_ARG);
    swirl_vk_destroy(NULL);
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_tiny_vk_bytes),
    SWIRL_TEST(test_unused_and_rotation),
    SWIRL_TEST(test_keccak_and_fib_selector),
    SWIRL_TEST(test_trace_height_constraints),
    SWIRL_TEST(test_openvm_trace_height_tests),
    SWIRL_TEST(test_keygen_errors),
};

int main(int argc, char **argv) {
    return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
}
