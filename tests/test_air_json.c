/* The DAG JSON loader (air/air_json.h): our builder's AIRs (fib, the interaction AIRs, KeccakAir)
 * written as JSON and read back give identical nodes, degrees, constraints, interactions and
 * max_degree; OpenVM's own DAG files load; malformed inputs give the right status and name the
 * position. */
#include <stdlib.h>
#include <string.h>

#include "air/air_json.h"
#include "air/keccak_air.h"
#include "air/test_airs.h"
#include "harness.h"
#include "util/json.h"

static swirl_air *compile(swirl_air_builder *b, enum swirl_status st) {
    CHECK_OK(st);
    swirl_air *air;
    CHECK_OK(swirl_air_compile(&air, b, 3));
    swirl_air_builder_destroy(b);
    return air;
}

static void check_same_air(const swirl_air *a, const swirl_air *b) {
    CHECK(a->n_nodes == b->n_nodes);
    for (size_t i = 0; i < a->n_nodes; i++) {
        const swirl_dag_node *x = &a->nodes[i], *y = &b->nodes[i];
        CHECK_MSG(x->kind == y->kind && x->entry == y->entry && x->offset == y->offset &&
                      x->part == y->part && x->index == y->index &&
                      x->constant.v == y->constant.v && x->left == y->left &&
                      x->right == y->right && x->degree == y->degree,
                  "node %zu differs (kind %u/%u degree %u/%u)", i, x->kind, y->kind, x->degree,
                  y->degree);
    }
    CHECK(a->n_constraints == b->n_constraints);
    for (size_t i = 0; i < a->n_constraints; i++)
        CHECK(a->constraint_idx[i] == b->constraint_idx[i]);
    CHECK(a->n_interactions == b->n_interactions);
    for (size_t i = 0; i < a->n_interactions; i++) {
        const swirl_dag_interaction *x = &a->interactions[i], *y = &b->interactions[i];
        CHECK(x->n_fields == y->n_fields && x->count == y->count && x->bus_index == y->bus_index &&
              x->count_weight == y->count_weight);
        for (size_t f = 0; f < x->n_fields; f++)
            CHECK(x->fields[f] == y->fields[f]);
    }
    CHECK_MSG(a->max_degree == b->max_degree, "max_degree %u vs %u", a->max_degree, b->max_degree);
    CHECK(a->common_width == b->common_width && a->num_public_values == b->num_public_values);
}

static void round_trip(swirl_air *air) {
    json_t *j;
    CHECK_OK(swirl_air_to_json(&j, air));
    char *text = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    CHECK(text != NULL);
    json_error_t e;
    json_t *back = json_loads(text, 0, &e);
    free(text);
    CHECK(back != NULL);
    swirl_air *loaded;
    CHECK_OK(swirl_air_from_json(&loaded, back, "mem.json", air->name, air->common_width,
                                 air->num_public_values, 3));
    json_decref(back);
    check_same_air(air, loaded);
    swirl_air_destroy(loaded);
    swirl_air_destroy(air);
}

static void test_fib_round_trip(void) {
    swirl_air_builder *b = NULL;
    enum swirl_status st = swirl_fib_air_build(&b);
    round_trip(compile(b, st));
}

static void test_interaction_airs_round_trip(void) {
    swirl_air_builder *b = NULL;
    enum swirl_status st = swirl_dummy_interaction_air_build(&b, 1, 1, 3, 0);
    round_trip(compile(b, st));
    st = swirl_self_interaction_air_build(&b, 4, 0);
    round_trip(compile(b, st));
}

static void test_keccak_round_trip(void) {
    swirl_air_builder *b = NULL;
    enum swirl_status st = swirl_keccak_air_build(&b);
    round_trip(compile(b, st));
}

/* OpenVM's own fib DAG (tests/vectors/openvm-v2.0.0/prove/inputs/constraints_0.json) equals our
 * builder's fib_air node for node. */
static void test_openvm_fib_file(void) {
    swirl_air_builder *b = NULL;
    enum swirl_status st = swirl_fib_air_build(&b);
    swirl_air *ours = compile(b, st), *theirs;
    CHECK_OK(swirl_air_load_json(
        &theirs, SWIRL_TEST_VECTORS_DIR "/openvm-v2.0.0/prove/inputs/constraints_0.json", "fib", 2,
        3, 3));
    check_same_air(ours, theirs);
    swirl_air_destroy(ours);
    swirl_air_destroy(theirs);
}

/* Loads `text` as a 2-column, 1-public-value AIR (max degree 2); returns the status and checks
 * that the message contains `want`. */
static void expect_bad(const char *text, enum swirl_status want_st, const char *want) {
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    CHECK_MSG(j != NULL, "test JSON does not parse: %s", e.text);
    swirl_air *air = (swirl_air *)1;
    enum swirl_status st = swirl_air_from_json(&air, j, "bad.json", "t", 2, 1, 2);
    json_decref(j);
    CHECK_MSG(st == want_st, "%s: got %s (%s)", text, swirl_status_str(st), swirl_last_error());
    CHECK(air == NULL);
    CHECK_MSG(strstr(swirl_last_error(), want) && strstr(swirl_last_error(), "bad.json"),
              "message '%s' lacks '%s'", swirl_last_error(), want);
}

#define V0 "{\"kind\":\"variable\",\"entry\":\"main\",\"part_index\":0,\"offset\":0,\"index\":0}"
#define V1 "{\"kind\":\"variable\",\"entry\":\"main\",\"part_index\":0,\"offset\":1,\"index\":1}"

static void test_malformed(void) {
    const enum swirl_status I = SWIRL_E_INVALID_ARG;
    expect_bad("[]", I, "top level");
    expect_bad("{\"nodes\":[],\"constraint_idx\":[],\"bogus\":1}", I, "unknown key \"bogus\"");
    expect_bad("{\"constraint_idx\":[]}", I, "missing key \"nodes\"");
    expect_bad("{\"nodes\":[{\"kind\":\"pow\"}],\"constraint_idx\":[]}", I,
               "nodes[0].kind: unknown node kind \"pow\"");
    expect_bad("{\"nodes\":[" V0 ",{\"kind\":\"add\",\"left\":0,\"right\":1}],"
               "\"constraint_idx\":[1]}",
               I, "nodes[1].right: node 1 is not an earlier node");
    expect_bad("{\"nodes\":[{\"kind\":\"neg\",\"idx\":5}],\"constraint_idx\":[]}", I,
               "nodes[0].idx");
    expect_bad("{\"nodes\":[{\"kind\":\"variable\",\"entry\":\"main\",\"part_index\":0,"
               "\"offset\":0,\"index\":2}],\"constraint_idx\":[0]}",
               I, "nodes[0].index: main column 2 is out of range");
    expect_bad("{\"nodes\":[{\"kind\":\"variable\",\"entry\":\"public\",\"part_index\":null,"
               "\"offset\":null,\"index\":1}],\"constraint_idx\":[0]}",
               I, "public value 1 is out of range");
    expect_bad("{\"nodes\":[{\"kind\":\"variable\",\"entry\":\"preprocessed\",\"part_index\":null,"
               "\"offset\":0,\"index\":0}],\"constraint_idx\":[0]}",
               I, "not supported in system files");
    expect_bad("{\"nodes\":[{\"kind\":\"variable\",\"entry\":\"main\",\"part_index\":1,"
               "\"offset\":0,\"index\":0}],\"constraint_idx\":[0]}",
               I, "nodes[0].part_index");
    expect_bad("{\"nodes\":[{\"kind\":\"constant\",\"value\":2013265921}],\"constraint_idx\":[0]}",
               I, "nodes[0].value");
    expect_bad("{\"nodes\":[" V0 "," V1 ",{\"kind\":\"mul\",\"left\":0,\"right\":1},"
               "{\"kind\":\"mul\",\"left\":2,\"right\":1}],\"constraint_idx\":[3]}",
               I, "degree 3 > max_constraint_degree 2");
    expect_bad("{\"nodes\":[" V0 "," V1 "],\"constraint_idx\":[1,0]}", I,
               "constraint_idx[1]: constraint_idx must be strictly increasing");
    expect_bad("{\"nodes\":[" V0 "],\"constraint_idx\":[1]}", I, "constraint_idx[0]");
    expect_bad("{\"nodes\":[" V0 "],\"constraint_idx\":[],\"interactions\":[{\"bus_index\":70000,"
               "\"message\":[0],\"count\":0,\"count_weight\":0}]}",
               I, "interactions[0].bus_index");
    expect_bad("{\"nodes\":[" V0 "],\"constraint_idx\":[],\"interactions\":[{\"bus_index\":1,"
               "\"message\":[0,3],\"count\":0,\"count_weight\":0}]}",
               I, "interactions[0].message[1]");
    expect_bad("{\"nodes\":[" V0 "],\"constraint_idx\":[],\"interactions\":[{\"bus_index\":1,"
               "\"message\":[0],\"count_weight\":0}]}",
               I, "missing key \"count\"");
    expect_bad("{\"nodes\":[{\"kind\":\"is_first_row\",\"left\":0}],\"constraint_idx\":[]}", I,
               "nodes[0]: unknown key \"left\"");
    expect_bad("{\"nodes\":[{\"kind\":\"add\",\"left\":-1,\"right\":0}],\"constraint_idx\":[]}", I,
               "nodes[0].left");
    expect_bad("{\"nodes\":[" V0 "," V1 ",{\"kind\":\"mul\",\"left\":0,\"right\":1,"
               "\"degree_multiple\":1}],\"constraint_idx\":[2]}",
               I, "nodes[2].degree_multiple: 1 is below the operands' degree 2");
    expect_bad("{\"nodes\":[" V0 "],\"constraint_idx\":[0],\"max_constraint_degree\":3}", I,
               "max_constraint_degree: 3 must be from the DAG's degree 1");
}

static void test_file_errors(void) {
    swirl_air *air = NULL;
    CHECK_STATUS(swirl_air_load_json(&air, "/nonexistent/c.json", NULL, 1, 0, 3), SWIRL_E_IO);
    CHECK(strstr(swirl_last_error(), "/nonexistent/c.json") != NULL);
    const char *path = "test_air_json_syntax.json";
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    fputs("{\"nodes\": [\n  {\"kind\": }\n]}\n", f);
    fclose(f);
    CHECK_STATUS(swirl_air_load_json(&air, path, NULL, 1, 0, 3), SWIRL_E_IO);
    CHECK_MSG(strstr(swirl_last_error(), "test_air_json_syntax.json:2:") != NULL, "%s",
              swirl_last_error());
    remove(path);
    CHECK(air == NULL);
}

int main(int argc, char **argv) {
    static const struct swirl_test tests[] = {
        SWIRL_TEST(test_fib_round_trip),    SWIRL_TEST(test_interaction_airs_round_trip),
        SWIRL_TEST(test_keccak_round_trip), SWIRL_TEST(test_openvm_fib_file),
        SWIRL_TEST(test_malformed),         SWIRL_TEST(test_file_errors),
    };
    return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
}
