/* The AIR builder and its DAG: OpenVM's simplification rules, KeccakAir's 3182 constraints on real
 * traces (and a failing cell named by the checker), DAG evaluation equal to tree evaluation,
 * fib_air, and builder misuse. */
#include <stdlib.h>
#include <string.h>

#include "air/dag.h"
#include "air/program.h"
#include "air/keccak_air.h"
#include "air/keccak_trace.h"
#include "air/test_airs.h"
#include "harness.h"

static void test_dag_rules(void) {
    swirl_air_builder *b;
    CHECK_OK(swirl_air_builder_create(&b, "rules", 0, NULL, 0, 2, 1));
    swirl_expr x = swirl_air_main(b, 0, 0), y = swirl_air_main(b, 1, 0);
    swirl_expr zero = swirl_air_const(b, 0), one = swirl_air_const(b, 1);
    /* constraint 0: x + 0 -> x (node 0); 1: (2 + 3) * y -> Mul(Const 5, y); 2: x + (-y) -> Sub;
     * 3: x - (-y) -> Add; 4: x * 1 -> x (duplicate root, removed); 5: 0 * y -> Const 0 */
    swirl_air_assert_zero(b, swirl_air_add(b, x, zero));
    swirl_air_assert_zero(b, swirl_air_mul(b, swirl_air_add(b, swirl_air_const(b, 2),
                                                           swirl_air_const(b, 3)), y));
    swirl_air_assert_zero(b, swirl_air_add(b, x, swirl_air_neg(b, y)));
    swirl_air_assert_zero(b, swirl_air_sub(b, x, swirl_air_neg(b, y)));
    swirl_air_assert_zero(b, swirl_air_mul(b, x, one));
    swirl_air_assert_zero(b, swirl_air_mul(b, zero, y));
    swirl_air *air;
    CHECK_OK(swirl_air_compile(&air, b, 3));
    /* nodes in order: x, Const0, Const2, Const3, Const5, y, Mul(5,y), Neg(y), Sub(x,y), Add(x,y),
     * Const1 */
    const swirl_dag_node *n = air->nodes;
    CHECK(air->n_nodes == 11);
    CHECK(n[0].kind == SWIRL_NODE_VAR && n[0].index == 0 && n[0].part == 0);
    CHECK(n[1].kind == SWIRL_NODE_CONST && bb31_to_u32(n[1].constant) == 0);
    CHECK(n[4].kind == SWIRL_NODE_CONST && bb31_to_u32(n[4].constant) == 5);
    CHECK(n[5].kind == SWIRL_NODE_VAR && n[5].index == 1);
    CHECK(n[6].kind == SWIRL_NODE_MUL && n[6].left == 4 && n[6].right == 5 && n[6].degree == 1);
    CHECK(n[7].kind == SWIRL_NODE_NEG && n[7].left == 5);
    CHECK(n[8].kind == SWIRL_NODE_SUB && n[8].left == 0 && n[8].right == 5);
    CHECK(n[9].kind == SWIRL_NODE_ADD && n[9].left == 0 && n[9].right == 5);
    CHECK(n[10].kind == SWIRL_NODE_CONST && bb31_to_u32(n[10].constant) == 1);
    /* roots {0, 6, 8, 9, 0, 1} sorted and de-duplicated */
    CHECK(air->n_constraints == 5);
    static const uint32_t roots[5] = {0, 1, 6, 8, 9};
    CHECK(memcmp(air->constraint_idx, roots, sizeof roots) == 0);
    swirl_air_destroy(air);
    swirl_air_builder_destroy(b);
}

/* OpenVM's own DAG unit tests, with their expected values (openvm-org/stark-backend v2.0.1,
 * crates/stark-backend/src/air_builders/symbolic/dag.rs tests test_symbolic_constraints_dag,
 * test_structural_deduplication, test_duplicate_constraints_are_deduplicated; statistics.rs
 * test_dag_statistics). One difference: OpenVM's first test reads its variable at row offset 2,
 * which our builder does not offer (rows 0 and 1 only); offset 1 gives the same DAG shape. */
static void test_openvm_dag_unit_tests(void) {
    static const size_t cached1[1] = {1};
    swirl_air_builder *b;
    swirl_air *air;
    /* test_symbolic_constraints_dag: main partition 1 (the common main after one cached part) */
    CHECK_OK(swirl_air_builder_create(&b, "dag", 0, cached1, 1, 4, 0));
    swirl_expr first = swirl_air_is_first_row(b), last = swirl_air_is_last_row(b);
    swirl_expr expr = swirl_air_mul(b, swirl_air_const(b, 1), swirl_air_main(b, 3, 1));
    swirl_expr fl = swirl_air_mul(b, first, last);
    swirl_air_assert_zero(
        b,
        swirl_air_add(b, swirl_air_add(b, swirl_air_add(b, fl, swirl_air_const(b, 1)), fl), expr));
    swirl_air_assert_zero(b, swirl_air_mul(b, expr, expr));
    swirl_expr msg[2] = {expr, swirl_air_const(b, 2)};
    swirl_air_push_interaction(b, 0, msg, 2, swirl_air_const(b, 1), 1);
    CHECK_OK(swirl_air_compile(&air, b, 3));
    const swirl_dag_node *n = air->nodes;
    CHECK_MSG(air->n_nodes == 10, "nodes %zu", air->n_nodes);
    CHECK(n[0].kind == SWIRL_NODE_IS_FIRST_ROW && n[1].kind == SWIRL_NODE_IS_LAST_ROW);
    CHECK(n[2].kind == SWIRL_NODE_MUL && n[2].left == 0 && n[2].right == 1 && n[2].degree == 2);
    CHECK(n[3].kind == SWIRL_NODE_CONST && bb31_to_u32(n[3].constant) == 1);
    CHECK(n[4].kind == SWIRL_NODE_ADD && n[4].left == 2 && n[4].right == 3 && n[4].degree == 2);
    CHECK(n[5].kind == SWIRL_NODE_ADD && n[5].left == 4 && n[5].right == 2 && n[5].degree == 2);
    CHECK(n[6].kind == SWIRL_NODE_VAR && n[6].entry == SWIRL_ENTRY_MAIN && n[6].part == 1 &&
          n[6].offset == 1 && n[6].index == 3);
    CHECK(n[7].kind == SWIRL_NODE_ADD && n[7].left == 5 && n[7].right == 6 && n[7].degree == 2);
    CHECK(n[8].kind == SWIRL_NODE_MUL && n[8].left == 6 && n[8].right == 6 && n[8].degree == 2);
    CHECK(n[9].kind == SWIRL_NODE_CONST && bb31_to_u32(n[9].constant) == 2);
    CHECK(air->n_constraints == 2 && air->constraint_idx[0] == 7 && air->constraint_idx[1] == 8);
    CHECK(air->n_interactions == 1);
    const swirl_dag_interaction *it = &air->interactions[0];
    CHECK(it->bus_index == 0 && it->n_fields == 2 && it->fields[0] == 6 && it->fields[1] == 9 &&
          it->count == 3 && it->count_weight == 1);
    swirl_air_destroy(air);
    swirl_air_builder_destroy(b);

    /* test_structural_deduplication: x - 1 twice -> Variable, Constant, Sub; roots [2] */
    CHECK_OK(swirl_air_builder_create(&b, "dedup", 0, NULL, 0, 1, 0));
    for (int k = 0; k < 2; k++)
        swirl_air_assert_zero(b, swirl_air_sub(b, swirl_air_main(b, 0, 0), swirl_air_const(b, 1)));
    CHECK_OK(swirl_air_compile(&air, b, 3));
    CHECK(air->n_nodes == 3 && air->nodes[2].kind == SWIRL_NODE_SUB);
    CHECK(air->n_constraints == 1 && air->constraint_idx[0] == 2);
    swirl_air_destroy(air);
    swirl_air_builder_destroy(b);

    /* test_duplicate_constraints_are_deduplicated: x twice -> one node, one constraint [0] */
    CHECK_OK(swirl_air_builder_create(&b, "dup", 0, NULL, 0, 1, 0));
    swirl_air_assert_zero(b, swirl_air_main(b, 0, 0));
    swirl_air_assert_zero(b, swirl_air_main(b, 0, 0));
    CHECK_OK(swirl_air_compile(&air, b, 3));
    CHECK(air->n_nodes == 1 && air->n_constraints == 1 && air->constraint_idx[0] == 0);
    swirl_air_destroy(air);
    swirl_air_builder_destroy(b);

    /* test_dag_statistics: e1 = Main{part 0, offset 0} col 1, e2 = Main{part 1, offset 1} col 2,
     * constraints [IsFirstRow + (e1 + e2) * 2, (e1 + e2) * 2], interaction [e1, e2] count 1:
     * num_nodes 8, 2 constraints, 2 constants, 2 variables */
    static const size_t cached2[1] = {2};
    CHECK_OK(swirl_air_builder_create(&b, "stats", 0, cached2, 1, 3, 0));
    swirl_expr e1 = swirl_air_cached(b, 0, 1, 0), e2 = swirl_air_main(b, 2, 1);
    swirl_expr e4 = swirl_air_mul(b, swirl_air_add(b, e1, e2), swirl_air_const(b, 2));
    swirl_air_assert_zero(b, swirl_air_add(b, swirl_air_is_first_row(b), e4));
    swirl_air_assert_zero(b, e4);
    swirl_expr m2[2] = {e1, e2};
    swirl_air_push_interaction(b, 0, m2, 2, swirl_air_const(b, 1), 1);
    CHECK_OK(swirl_air_compile(&air, b, 3));
    CHECK_MSG(air->n_nodes == 8, "nodes %zu", air->n_nodes);
    CHECK(air->n_constraints == 2 && air->n_interactions == 1);
    size_t consts = 0, vars = 0;
    for (size_t i = 0; i < air->n_nodes; i++) {
        consts += air->nodes[i].kind == SWIRL_NODE_CONST;
        vars += air->nodes[i].kind == SWIRL_NODE_VAR;
    }
    CHECK(consts == 2 && vars == 2);
    swirl_air_destroy(air);
    swirl_air_builder_destroy(b);
}

static void test_keccak_air_shape(void) {
    swirl_air_builder *b;
    CHECK_OK(swirl_keccak_air_build(&b));
    CHECK(swirl_air_builder_num_constraints(b) == SWIRL_KECCAK_NUM_CONSTRAINTS);
    swirl_air *air;
    CHECK_STATUS(swirl_air_compile(&air, b, 2), SWIRL_E_INVALID_ARG); /* degree 3 > 2 */
    CHECK(strstr(swirl_last_error(), "degree 3") != NULL);
    CHECK_OK(swirl_air_compile(&air, b, 3));
    CHECK(swirl_air_num_constraints(air) == SWIRL_KECCAK_NUM_CONSTRAINTS); /* no coinciding roots */
    CHECK(swirl_air_max_degree(air) == 3);
    CHECK(swirl_air_num_interactions(air) == 0);
    /* every node's children come before it */
    for (size_t i = 0; i < air->n_nodes; i++) {
        const swirl_dag_node *n = &air->nodes[i];
        if (n->kind >= SWIRL_NODE_ADD)
            CHECK(n->left < i && (n->kind == SWIRL_NODE_NEG || n->right < i));
    }
    swirl_air_destroy(air);
    swirl_air_builder_destroy(b);
}

static void check_keccak_trace(const uint64_t (*in)[25], size_t n, int mutate) {
    swirl_air_builder *b;
    CHECK_OK(swirl_keccak_air_build(&b));
    swirl_air *air;
    CHECK_OK(swirl_air_compile(&air, b, 3));
    bb31 *m;
    size_t h;
    CHECK_OK(swirl_keccak_generate_trace(&m, &h, in, n));
    CHECK_OK(swirl_air_check_constraints(air, NULL, NULL, m, h, NULL, NULL, NULL));
    /* DAG evaluation equals tree evaluation of every emitted constraint on a few rows */
    bb31 *vals = malloc(air->program->n_vals * sizeof *vals);
    bb31 *tree = malloc(swirl_air_builder_num_exprs(b) * sizeof *tree);
    CHECK(vals != NULL && tree != NULL);
    swirl_air_eval_init(air, vals);
    for (int it = 0; it < 3; it++) {
        swirl_air_window w = {NULL, NULL, m, NULL, h, (size_t)swirl_test_rand_below(h)};
        swirl_air_eval_row(air, &w, vals);
        for (size_t c = 0; c < air->n_constraints; c++)
            CHECK(bb31_is_zero(vals[air->program->constraint_val[c]]));
        swirl_air_builder_eval_all(b, &w, tree);
        for (size_t c = 0; c < swirl_air_builder_num_constraints(b); c++)
            CHECK(bb31_is_zero(tree[swirl_air_builder_constraint(b, c)]));
    }
    free(tree);
    for (int it = 0; it < mutate; it++) {
        size_t col = (size_t)swirl_test_rand_below(SWIRL_KECCAK_NUM_COLS);
        size_t row = (size_t)swirl_test_rand_below(h);
        bb31 saved = m[col * h + row];
        m[col * h + row] = bb31_add(saved, bb31_from_u32(1 + (uint32_t)swirl_test_rand_below(5)));
        size_t bc = 0, br = 0;
        CHECK_MSG(swirl_air_check_constraints(air, NULL, NULL, m, h, NULL, &bc, &br) ==
                      SWIRL_E_UNSATISFIED,
                  "changing cell (row %zu, col %zu) went unnoticed", row, col);
        CHECK(strstr(swirl_last_error(), "KeccakAir") != NULL);
        /* the failure is on the changed row or the row before it (transition constraints) */
        CHECK(br == row || br + 1 == row || (row == 0 && br == h - 1));
        m[col * h + row] = saved;
    }
    free(vals);
    free(m);
    swirl_air_destroy(air);
    swirl_air_builder_destroy(b);
}

static void test_keccak_trace_satisfies_air(void) {
    uint64_t zero[1][25] = {{0}};
    check_keccak_trace((const uint64_t(*)[25])zero, 1, swirl_test_sanitized() ? 5 : 40);
    uint64_t four[4][25];
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 25; j++)
            four[i][j] = swirl_test_rand64();
    check_keccak_trace((const uint64_t(*)[25])four, 4, swirl_test_sanitized() ? 5 : 40);
}

static void test_random_rows_dag_equals_tree(void) {
    /* on random (unsatisfying) rows, every constraint's DAG value equals its tree value */
    swirl_air_builder *b;
    CHECK_OK(swirl_keccak_air_build(&b));
    swirl_air *air;
    CHECK_OK(swirl_air_compile(&air, b, 3));
    size_t h = 4;
    bb31 *m = malloc(h * SWIRL_KECCAK_NUM_COLS * sizeof *m);
    bb31 *vals = malloc(air->program->n_vals * sizeof *vals);
    bb31 *tree = malloc(swirl_air_builder_num_exprs(b) * sizeof *tree);
    CHECK(m && vals && tree);
    swirl_air_eval_init(air, vals);
    for (size_t i = 0; i < h * SWIRL_KECCAK_NUM_COLS; i++)
        m[i] = bb31_from_u32(swirl_test_rand32());
    for (size_t row = 0; row < h; row++) {
        swirl_air_window w = {NULL, NULL, m, NULL, h, row};
        swirl_air_eval_row(air, &w, vals);
        swirl_air_builder_eval_all(b, &w, tree);
        /* constraint_idx is sorted, emission order is not: compare sets of values via a match */
        size_t nz = 0;
        for (size_t c = 0; c < swirl_air_builder_num_constraints(b); c++) {
            bb31 t = tree[swirl_air_builder_constraint(b, c)];
            int found = 0;
            for (size_t k = 0; k < air->n_constraints && !found; k++)
                found = bb31_eq(vals[air->program->constraint_val[k]], t);
            CHECK(found);
            nz += !bb31_is_zero(t);
        }
        CHECK(nz > 2800); /* random rows violate nearly every unguarded constraint */
    }
    free(m);
    free(vals);
    free(tree);
    swirl_air_destroy(air);
    swirl_air_builder_destroy(b);
}

static void test_fib_air(void) {
    swirl_air_builder *b;
    CHECK_OK(swirl_fib_air_build(&b));
    swirl_air *air;
    CHECK_OK(swirl_air_compile(&air, b, 3));
    CHECK(swirl_air_num_constraints(air) == 5 && swirl_air_max_degree(air) == 2);
    size_t n = 8;
    bb31 *m;
    CHECK_OK(swirl_fib_trace(&m, 0, 1, n));
    CHECK(bb31_to_u32(m[n + n - 1]) == 21); /* fib: right column of row 7 = F(8) = 21 */
    bb31 pv[3] = {bb31_from_u32(0), bb31_from_u32(1), bb31_from_u32(21)};
    CHECK_OK(swirl_air_check_constraints(air, NULL, NULL, m, n, pv, NULL, NULL));
    /* OpenVM's negative case: a wrong public value x */
    pv[2] = bb31_from_u32(22);
    size_t bc, br;
    CHECK_STATUS(swirl_air_check_constraints(air, NULL, NULL, m, n, pv, &bc, &br),
                 SWIRL_E_UNSATISFIED);
    CHECK(br == n - 1);
    pv[2] = bb31_from_u32(21);
    m[3] = bb31_add(m[3], bb31_one());
    CHECK_STATUS(swirl_air_check_constraints(air, NULL, NULL, m, n, pv, &bc, &br),
                 SWIRL_E_UNSATISFIED);
    CHECK(br == 2);
    free(m);
    swirl_air_destroy(air);
    swirl_air_builder_destroy(b);
}

static void test_builder_misuse(void) {
    swirl_air_builder *b;
    swirl_air *air;
    size_t cached[1] = {3};
    CHECK_OK(swirl_air_builder_create(&b, "misuse", 2, cached, 1, 4, 1));
    CHECK(swirl_air_cached(b, 0, 2, 1) != SWIRL_EXPR_INVALID);
    CHECK(swirl_air_preprocessed(b, 1, 0) != SWIRL_EXPR_INVALID);
    CHECK_OK(swirl_air_builder_status(b));
    CHECK(swirl_air_main(b, 4, 0) == SWIRL_EXPR_INVALID); /* unknown column */
    CHECK_STATUS(swirl_air_builder_status(b), SWIRL_E_INVALID_ARG);
    CHECK(strstr(swirl_last_error(), "unknown common main column 4") != NULL);
    /* sticky: later calls return invalid handles, compile fails with the first message */
    CHECK(swirl_air_main(b, 0, 0) == SWIRL_EXPR_INVALID);
    CHECK_STATUS(swirl_air_compile(&air, b, 3), SWIRL_E_INVALID_ARG);
    CHECK(strstr(swirl_last_error(), "column 4") != NULL);
    swirl_air_builder_destroy(b);

    CHECK_OK(swirl_air_builder_create(&b, "misuse2", 0, NULL, 0, 2, 0));
    CHECK(swirl_air_cached(b, 0, 0, 0) == SWIRL_EXPR_INVALID); /* wrong partition */
    CHECK_STATUS(swirl_air_builder_status(b), SWIRL_E_INVALID_ARG);
    CHECK(strstr(swirl_last_error(), "cached main partition 0") != NULL);
    swirl_air_builder_destroy(b);

    CHECK_OK(swirl_air_builder_create(&b, "misuse3", 0, NULL, 0, 2, 0));
    swirl_air_assert_zero(b, 12345); /* bad handle */
    CHECK_STATUS(swirl_air_builder_status(b), SWIRL_E_INVALID_ARG);
    swirl_air_builder_destroy(b);

    CHECK_OK(swirl_air_builder_create(&b, "misuse4", 0, NULL, 0, 2, 0));
    CHECK(swirl_air_public(b, 0) == SWIRL_EXPR_INVALID); /* no public values */
    CHECK_STATUS(swirl_air_builder_status(b), SWIRL_E_INVALID_ARG);
    CHECK(strstr(swirl_last_error(), "unknown public value 0") != NULL);
    swirl_air_builder_destroy(b);

    CHECK_OK(swirl_air_builder_create(&b, "deg", 0, NULL, 0, 1, 0));
    swirl_expr x = swirl_air_main(b, 0, 0);
    swirl_air_assert_zero(b, swirl_air_mul(b, swirl_air_mul(b, x, x), swirl_air_mul(b, x, x)));
    CHECK(swirl_air_degree(b, swirl_air_mul(b, x, x)) == 2);
    CHECK_STATUS(swirl_air_compile(&air, b, 3), SWIRL_E_INVALID_ARG);
    CHECK(strstr(swirl_last_error(), "degree 4 > max constraint degree 3") != NULL);
    swirl_air_builder_destroy(b);

    CHECK_STATUS(swirl_air_builder_create(NULL, "x", 0, NULL, 0, 1, 0), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_air_builder_create(&b, "x", 0, NULL, 2, 1, 0), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_air_builder_status(NULL), SWIRL_E_INVALID_ARG);
    swirl_air_builder_destroy(NULL);
    swirl_air_destroy(NULL);
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_dag_rules),
    SWIRL_TEST(test_openvm_dag_unit_tests),
    SWIRL_TEST(test_keccak_air_shape),
    SWIRL_TEST(test_keccak_trace_satisfies_air),
    SWIRL_TEST(test_random_rows_dag_equals_tree),
    SWIRL_TEST(test_fib_air),
    SWIRL_TEST(test_builder_misuse),
};

int main(int argc, char **argv) {
    return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
}
