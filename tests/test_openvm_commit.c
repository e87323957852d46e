/* Known answers from OpenVM v2.0.0's own outputs (tests/vectors/openvm-v2.0.0/, the fixture
 * generator of openvm-zorch), the parts below a whole proof:
 *  - stacked_commit/: the Poseidon2-16 permutation of [0..16), the sponge hash of [0..32), the
 *    compression of ([0..8), [100..108)); three traces (16x3, 8x2, 2x5) stacked with l_skip 2,
 *    n_stack 3 (the stacked matrix), RS-encoded with log_blowup 1 (the codeword), Merkle-hashed
 * with 2^k_whir = 4 rows per query (every digest layer and the root);
 *  - transcript/: meta.json's observe / sample / observe_ext / sample_ext / observe_commit / PoW
 *    script through our transcript gives the vector's log exactly (values, sample flags, the state
 *    after every permutation), and grinding finds OpenVM's witness;
 *  - zerocheck/inputs/ and prove/inputs/ constraints_<i>.json: our compiled FibonacciAir and the
 *    four DummyInteractionAirs equal OpenVM keygen's symbolic DAGs node by node (kind, entry,
 *    part index, column index, offset, constant, operands), in the constraint roots and in the
 *    interactions (bus, message nodes, count node, count weight). */
#include <stdlib.h>
#include <string.h>

#include "pcs_test_util.h"
#include "air/dag.h"
#include "air/test_airs.h"
#include "hash/merkle.h"
#include "harness.h"
#include "openvm_vectors.h"
#include "pcs/stacked.h"
#include "protocol/zerocheck.h"
#include "transcript/transcript.h"

/* ---- stacked_commit/ ---- */

static void test_poseidon2_kats(void) {
    swirl_npy a;
    bb31 st[P2_WIDTH];
    for (uint32_t i = 0; i < P2_WIDTH; i++)
        st[i] = bb31_from_u32(i);
    p2_bb16_permute(st);
    OVM_LOAD(&a, "stacked_commit/outputs/perm_0_15.npy", 16);
    ovm_cmp_bb31("perm_0_15", ovm_u32(&a), st, 16);
    swirl_npy_clear(&a);

    bb31 in[32];
    for (uint32_t i = 0; i < 32; i++)
        in[i] = bb31_from_u32(i);
    swirl_digest d;
    p2_hash_slice(&d, in, 32);
    OVM_LOAD(&a, "stacked_commit/outputs/sponge_0_31.npy", 8);
    ovm_cmp_digests("sponge_0_31", ovm_u32(&a), &d, 1);
    swirl_npy_clear(&a);

    swirl_digest l, r;
    for (uint32_t i = 0; i < 8; i++) {
        l.v[i] = bb31_from_u32(i);
        r.v[i] = bb31_from_u32(100 + i);
    }
    p2_compress(&d, &l, &r);
    OVM_LOAD(&a, "stacked_commit/outputs/compress_pair.npy", 8);
    ovm_cmp_digests("compress_pair", ovm_u32(&a), &d, 1);
    swirl_npy_clear(&a);
}

static void test_stacked_commit(void) {
    json_t *meta = ovm_json("stacked_commit/meta.json");
    unsigned l_skip = (unsigned)ovm_json_size(meta, "l_skip");
    unsigned n_stack = (unsigned)ovm_json_size(meta, "n_stack");
    unsigned log_blowup = (unsigned)ovm_json_size(meta, "log_blowup");
    unsigned k_whir = (unsigned)ovm_json_size(meta, "k_whir");
    size_t sh = ovm_json_size(meta, "stacked_height"), sw = ovm_json_size(meta, "stacked_width");
    json_t *dims = json_object_get(meta, "trace_dims");
    CHECK(json_is_array(dims) && json_array_size(dims) == 3);

    swirl_trace_view t[3] = {0};
    bb31 *store[3];
    for (size_t m = 0; m < 3; m++) {
        char rel[64];
        snprintf(rel, sizeof rel, "stacked_commit/inputs/trace_%zu.npy", m);
        size_t h, w;
        store[m] = ovm_load_trace(rel, &h, &w);
        uint32_t hw[2];
        CHECK(ovm_json_u32s(json_array_get(dims, m), hw, 2) == 2 && hw[0] == h && hw[1] == w);
        t[m].values = store[m];
        t[m].height = h;
        t[m].width = w;
    }
    json_decref(meta);

    swirl_stacked_pcs_data *data;
    swirl_digest root;
    CHECK_OK(swirl_stacked_commit(NULL, &data, &root, t, 3, l_skip, n_stack, log_blowup, k_whir));
    CHECK(swirl_stacked_pcs_layout(data)->height == sh && swirl_stacked_pcs_layout(data)->width == sw);

    swirl_npy a;
    OVM_LOAD(&a, "stacked_commit/outputs/stacked_matrix.npy", sh, sw);
    ovm_cmp_matrix("stacked_matrix", &a, test_pcs_matrix(data), sh, sw);
    swirl_npy_clear(&a);
    OVM_LOAD(&a, "stacked_commit/outputs/codeword.npy", sh << log_blowup, sw);
    CHECK(swirl_stacked_pcs_cw_height(data) == sh << log_blowup);
    ovm_cmp_matrix("codeword", &a, swirl_stacked_pcs_host_codeword(data), swirl_stacked_pcs_cw_height(data), sw);
    swirl_npy_clear(&a);

    /* digest layers: the first after the 2^k_whir-row fold, up to the root (OpenVM's
     * MerkleTree::digest_layers) */
    size_t depth = swirl_merkle_plan_depth(swirl_stacked_pcs_plan(data));
    size_t expect_len = (sh << log_blowup) >> k_whir;
    CHECK(depth == 4);
    for (size_t i = 0; i <= depth; i++, expect_len >>= 1) {
        char rel[64], what[32];
        snprintf(rel, sizeof rel, "stacked_commit/outputs/digest_layer_%zu.npy", i);
        snprintf(what, sizeof what, "digest_layer_%zu", i);
        size_t len;
        const swirl_digest *layer = swirl_stacked_pcs_host_layer(data, i, &len);
        CHECK(layer != NULL && len == expect_len);
        OVM_LOAD(&a, rel, len, 8);
        ovm_cmp_digests(what, ovm_u32(&a), layer, len);
        swirl_npy_clear(&a);
    }
    CHECK(swirl_stacked_pcs_host_layer(data, depth + 1, NULL) == NULL);
    OVM_LOAD(&a, "stacked_commit/outputs/root.npy", 8);
    ovm_cmp_digests("root", ovm_u32(&a), &root, 1);
    swirl_digest tree_root = swirl_stacked_pcs_root(data);
    ovm_cmp_digests("tree root", ovm_u32(&a), &tree_root, 1);
    swirl_npy_clear(&a);

    swirl_stacked_pcs_data_destroy(data);
    for (size_t m = 0; m < 3; m++)
        free(store[m]);
}

/* ---- transcript/ ---- */

static void test_transcript_script(void) {
    json_t *meta = ovm_json("transcript/meta.json");
    unsigned pow_bits = (unsigned)ovm_json_size(meta, "pow_bits");
    uint32_t want_witness = (uint32_t)ovm_json_size(meta, "pow_witness");
    json_t *script = json_object_get(meta, "script");
    CHECK(json_is_string(script));
    CHECK(strcmp(json_string_value(script),
                 "observe 1..=5; sample; observe 100..117; sample x3; observe_ext [7,8,9,10]; "
                 "sample_ext; observe_commit [0..8]; check_witness(pow_bits, witness); sample") ==
          0);
    json_decref(meta);

    swirl_transcript t;
    swirl_transcript_log log;
    swirl_transcript_init(&t);
    swirl_transcript_log_init(&log);
    swirl_transcript_set_log(&t, &log);
    for (uint32_t v = 1; v <= 5; v++)
        swirl_transcript_observe(&t, bb31_from_u32(v));
    (void)swirl_transcript_sample(&t);
    for (uint32_t v = 100; v < 117; v++)
        swirl_transcript_observe(&t, bb31_from_u32(v));
    for (int i = 0; i < 3; i++)
        (void)swirl_transcript_sample(&t);
    bb31x4 e;
    for (int i = 0; i < 4; i++)
        e.c[i] = bb31_from_u32(7 + (uint32_t)i);
    swirl_transcript_observe_ext(&t, e);
    (void)swirl_transcript_sample_ext(&t);
    swirl_digest d;
    for (uint32_t i = 0; i < 8; i++)
        d.v[i] = bb31_from_u32(i);
    swirl_transcript_observe_digest(&t, &d);
    bb31 w;
    CHECK_OK(swirl_transcript_grind(&t, &w, pow_bits));
    CHECK_MSG(bb31_to_u32(w) == want_witness, "PoW witness %u, OpenVM %u", bb31_to_u32(w),
              want_witness);
    (void)swirl_transcript_sample(&t);
    ovm_check_log(&log, "transcript", 45, NULL, NULL);

    /* the same script checking the witness instead of grinding for it */
    swirl_transcript_log log2;
    swirl_transcript_log_init(&log2);
    swirl_transcript_init(&t);
    swirl_transcript_set_log(&t, &log2);
    for (size_t i = 0; i < log.n_values; i++) {
        if (i == 42) { /* the witness (after 42 values), observed by check_witness with the next
                          sample */
            CHECK(swirl_transcript_check_witness(&t, pow_bits, bb31_from_u32(want_witness)));
            i++;
        } else if (log.is_sample[i]) {
            CHECK(bb31_to_u32(swirl_transcript_sample(&t)) == log.values[i]);
        } else {
            swirl_transcript_observe(&t, bb31_from_u32(log.values[i]));
        }
    }
    ovm_check_log(&log2, "transcript", 45, NULL, NULL);
    swirl_transcript_log_clear(&log);
    swirl_transcript_log_clear(&log2);
}

/* ---- constraints_<i>.json ---- */

static const char *node_kind_name(uint8_t k) {
    switch (k) {
    case SWIRL_NODE_VAR: return "variable";
    case SWIRL_NODE_IS_FIRST_ROW: return "is_first_row";
    case SWIRL_NODE_IS_LAST_ROW: return "is_last_row";
    case SWIRL_NODE_IS_TRANSITION: return "is_transition";
    case SWIRL_NODE_CONST: return "constant";
    case SWIRL_NODE_ADD: return "add";
    case SWIRL_NODE_SUB: return "sub";
    case SWIRL_NODE_NEG: return "neg";
    case SWIRL_NODE_MUL: return "mul";
    default: return "?";
    }
}

static const char *entry_name(uint8_t e) {
    switch (e) {
    case SWIRL_ENTRY_PREPROCESSED: return "preprocessed";
    case SWIRL_ENTRY_MAIN: return "main";
    case SWIRL_ENTRY_PUBLIC: return "public";
    default: return "?";
    }
}

/* A JSON member that is an integer equal to `want`, or null when want < 0. */
static int json_int_is(const json_t *obj, const char *key, long long want) {
    json_t *v = json_object_get(obj, key);
    if (want < 0)
        return json_is_null(v);
    return json_is_integer(v) && json_integer_value(v) == want;
}

static void check_dag(const char *rel, const swirl_air *air) {
    json_t *j = ovm_json(rel);
    json_t *nodes = json_object_get(j, "nodes");
    CHECK(json_is_array(nodes));
    CHECK_MSG(json_array_size(nodes) == air->n_nodes, "%s: %zu nodes, ours %zu", rel,
              json_array_size(nodes), air->n_nodes);
    for (size_t i = 0; i < air->n_nodes; i++) {
        const json_t *o = json_array_get(nodes, i);
        const swirl_dag_node *n = &air->nodes[i];
        const char *kind = json_string_value(json_object_get(o, "kind"));
        CHECK_MSG(kind && strcmp(kind, node_kind_name(n->kind)) == 0,
                  "%s node %zu: kind %s, ours %s", rel, i, kind ? kind : "?",
                  node_kind_name(n->kind));
        int ok = 1;
        switch (n->kind) {
        case SWIRL_NODE_VAR: {
            const char *entry = json_string_value(json_object_get(o, "entry"));
            ok = entry && strcmp(entry, entry_name(n->entry)) == 0 &&
                 json_int_is(o, "index", n->index) &&
                 json_int_is(o, "part_index",
                             n->entry == SWIRL_ENTRY_MAIN ? (long long)n->part : -1) &&
                 json_int_is(o, "offset",
                             n->entry == SWIRL_ENTRY_PUBLIC ? -1 : (long long)n->offset);
            break;
        }
        case SWIRL_NODE_CONST: ok = json_int_is(o, "value", bb31_to_u32(n->constant)); break;
        case SWIRL_NODE_ADD:
        case SWIRL_NODE_SUB:
        case SWIRL_NODE_MUL:
            ok = json_int_is(o, "left", n->left) && json_int_is(o, "right", n->right);
            break;
        case SWIRL_NODE_NEG: ok = json_int_is(o, "idx", n->left); break;
        default: break;
        }
        char *dump = json_dumps(o, JSON_COMPACT);
        CHECK_MSG(ok,
                  "%s node %zu: OpenVM %s, ours kind %s entry %s part %u index %u offset %u "
                  "constant %u left %u right %u",
                  rel, i, dump ? dump : "?", node_kind_name(n->kind), entry_name(n->entry), n->part,
                  n->index, n->offset, bb31_to_u32(n->constant), n->left, n->right);
        free(dump);
    }

    uint32_t idx[64];
    size_t nc = ovm_json_u32s(json_object_get(j, "constraint_idx"), idx, 64);
    CHECK_MSG(nc == air->n_constraints, "%s: %zu constraints, ours %zu", rel, nc,
              air->n_constraints);
    ovm_cmp_u32("constraint_idx", idx, air->constraint_idx, nc);

    json_t *ints = json_object_get(j, "interactions");
    CHECK(json_is_array(ints));
    CHECK_MSG(json_array_size(ints) == air->n_interactions, "%s: %zu interactions, ours %zu", rel,
              json_array_size(ints), air->n_interactions);
    for (size_t k = 0; k < air->n_interactions; k++) {
        const json_t *o = json_array_get(ints, k);
        const swirl_dag_interaction *in = &air->interactions[k];
        CHECK_MSG(json_int_is(o, "bus_index", in->bus_index) &&
                      json_int_is(o, "count", in->count) &&
                      json_int_is(o, "count_weight", in->count_weight),
                  "%s interaction %zu: bus %u count node %u weight %u differ", rel, k,
                  in->bus_index, in->count, in->count_weight);
        uint32_t msg[64];
        size_t nm = ovm_json_u32s(json_object_get(o, "message"), msg, 64);
        CHECK_MSG(nm == in->n_fields, "%s interaction %zu: %zu message fields, ours %zu", rel, k,
                  nm, in->n_fields);
        ovm_cmp_u32("interaction message nodes", msg, in->fields, nm);
    }
    json_decref(j);
}

static void check_dags(const char *dir) {
    for (size_t i = 0; i < 5; i++) {
        char rel[96];
        snprintf(rel, sizeof rel, "%s/inputs/constraints_%zu.json", dir, i);
        swirl_air *air = ovm_case_air(i);
        check_dag(rel, air);
        swirl_air_destroy(air);
    }
}

static void test_dag_zerocheck_case(void) {
    check_dags("zerocheck");
}

static void test_dag_prove_case(void) {
    check_dags("prove");
}

/* The DAG facts zerocheck/meta.json states per AIR: constraint count, interaction count, degree,
 * whether the next row is read. */
static void test_dag_meta(void) {
    json_t *meta = ovm_json("zerocheck/meta.json");
    json_t *airs = json_object_get(meta, "airs");
    CHECK(json_is_array(airs) && json_array_size(airs) == 5);
    for (size_t i = 0; i < 5; i++) {
        json_t *o = json_array_get(airs, i);
        swirl_air *air = ovm_case_air(i);
        CHECK(ovm_json_size(o, "num_constraints") == air->n_constraints);
        CHECK(ovm_json_size(o, "num_interactions") == air->n_interactions);
        CHECK(ovm_json_size(o, "constraint_degree") == air->max_degree);
        CHECK(ovm_json_size(o, "width") == air->common_width);
        CHECK(json_is_true(json_object_get(o, "needs_next")) == (swirl_zc_need_rot(air) != 0));
        swirl_air_destroy(air);
    }
    json_decref(meta);
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_poseidon2_kats),    SWIRL_TEST(test_stacked_commit),
    SWIRL_TEST(test_transcript_script), SWIRL_TEST(test_dag_zerocheck_case),
    SWIRL_TEST(test_dag_prove_case),    SWIRL_TEST(test_dag_meta),
};

int main(int argc, char **argv) {
    return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
}
