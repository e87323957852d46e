/* OpenVM's test AIRs: good traces pass the constraint checker and the interaction balance check;
 * the bad cases fail with the failure OpenVM's tests expect (a constraint on the expected row, or
 * an unbalanced bus). */
#include <stdlib.h>
#include <string.h>

#include "air/dag.h"
#include "air/test_airs.h"
#include "harness.h"

static swirl_air *compile(swirl_air_builder *b) {
    swirl_air *air;
    CHECK_OK(swirl_air_compile(&air, b, 3));
    swirl_air_builder_destroy(b);
    return air;
}

static void test_fib_selector(void) {
    swirl_air_builder *b;
    CHECK_OK(swirl_fib_selector_air_build(&b, 0));
    swirl_air *air = compile(b);
    CHECK(swirl_air_num_constraints(air) == 7 && swirl_air_max_degree(air) == 3);
    enum { N = 8 };
    int sels[N] = {1, 0, 1, 1, 0, 0, 1, 0};
    bb31 *m, pre[N];
    for (int i = 0; i < N; i++)
        pre[i] = bb31_from_u32((uint32_t)sels[i]);
    CHECK_OK(swirl_fib_selector_trace(&m, 0, 1, sels, N));
    bb31 pv[3] = {bb31_zero(), bb31_one(), m[N + N - 1]};
    CHECK(bb31_to_u32(pv[2]) == 5); /* (0,1) -> (1,1) -> (1,1) -> (1,2) -> (2,3) -> (3,5) x3 */
    CHECK_OK(swirl_air_check_constraints(air, pre, NULL, m, N, pv, NULL, NULL));
    /* flipping a selector breaks a transition on that row */
    pre[4] = bb31_one();
    size_t bc, br;
    CHECK_STATUS(swirl_air_check_constraints(air, pre, NULL, m, N, pv, &bc, &br),
                 SWIRL_E_UNSATISFIED);
    CHECK(br == 4);
    free(m);
    swirl_air_destroy(air);
}

static void test_dummy_interactions(void) {
    swirl_air_builder *b;
    CHECK_OK(swirl_dummy_interaction_air_build(&b, 2, 1, 7, 0));
    swirl_air *send = compile(b);
    CHECK_OK(swirl_dummy_interaction_air_build(&b, 2, 0, 7, 0));
    swirl_air *recv = compile(b);
    CHECK(swirl_air_num_interactions(send) == 1 && swirl_air_num_constraints(send) == 0);
    /* sender: 4 rows (count, f0, f1); receiver: 8 rows with the same multiset split up */
    static const uint32_t s_rows[4][3] = {{1, 5, 6}, {2, 7, 8}, {0, 9, 9}, {3, 1, 2}};
    static const uint32_t r_rows[8][3] = {{1, 7, 8}, {1, 1, 2}, {1, 5, 6}, {2, 1, 2},
                                          {1, 7, 8}, {0, 4, 4}, {0, 0, 0}, {0, 3, 3}};
    bb31 sm[12], rm[24];
    for (int r = 0; r < 4; r++)
        for (int c = 0; c < 3; c++)
            sm[c * 4 + r] = bb31_from_u32(s_rows[r][c]);
    for (int r = 0; r < 8; r++)
        for (int c = 0; c < 3; c++)
            rm[c * 8 + r] = bb31_from_u32(r_rows[r][c]);
    swirl_air_instance inst[2] = {{send, NULL, NULL, sm, 4, NULL}, {recv, NULL, NULL, rm, 8, NULL}};
    CHECK_OK(swirl_check_interactions(inst, 2));
    /* an extra receive of (1, 2): bus 7 message (1, 2) is unbalanced */
    rm[0 * 8 + 1] = bb31_from_u32(2);
    CHECK_STATUS(swirl_check_interactions(inst, 2), SWIRL_E_UNSATISFIED);
    CHECK(strstr(swirl_last_error(), "bus 7 message (1, 2)") != NULL);
    /* a sender alone never balances */
    CHECK_STATUS(swirl_check_interactions(inst, 1), SWIRL_E_UNSATISFIED);
    swirl_air_destroy(send);
    swirl_air_destroy(recv);

    /* partitioned variant: the fields come from a cached partition */
    CHECK_OK(swirl_dummy_interaction_air_build(&b, 2, 1, 7, 1));
    swirl_air *psend = compile(b);
    CHECK_OK(swirl_dummy_interaction_air_build(&b, 2, 0, 7, 0));
    recv = compile(b);
    bb31 count[4], cfields[8];
    for (int r = 0; r < 4; r++) {
        count[r] = bb31_from_u32(s_rows[r][0]);
        cfields[r] = bb31_from_u32(s_rows[r][1]);
        cfields[4 + r] = bb31_from_u32(s_rows[r][2]);
    }
    rm[0 * 8 + 1] = bb31_from_u32(1);
    const bb31 *cached[1] = {cfields};
    swirl_air_instance pinst[2] = {{psend, NULL, cached, count, 4, NULL},
                                   {recv, NULL, NULL, rm, 8, NULL}};
    CHECK_OK(swirl_check_interactions(pinst, 2));
    swirl_air_destroy(psend);
    swirl_air_destroy(recv);
}

static void test_fib_selector_with_lookups(void) {
    /* fib_selector publishes keys left + right (multiplicity -sel); a dummy sender looks them up */
    swirl_air_builder *b;
    CHECK_OK(swirl_fib_selector_air_build(&b, 1));
    swirl_air *fib = compile(b);
    CHECK(swirl_air_num_interactions(fib) == 1);
    CHECK_OK(swirl_dummy_interaction_air_build(&b, 1, 1, 0, 0));
    swirl_air *send = compile(b);
    enum { N = 8 };
    int sels[N] = {1, 1, 0, 1, 0, 1, 1, 0};
    bb31 *m, pre[N];
    for (int i = 0; i < N; i++)
        pre[i] = bb31_from_u32((uint32_t)sels[i]);
    CHECK_OK(swirl_fib_selector_trace(&m, 0, 1, sels, N));
    bb31 pv[3] = {bb31_zero(), bb31_one(), m[2 * N - 1]};
    CHECK_OK(swirl_air_check_constraints(fib, pre, NULL, m, N, pv, NULL, NULL));
    bb31 sm[2 * N];
    for (int r = 0; r < N; r++) {
        sm[r] = pre[r];                             /* count = sel */
        sm[N + r] = bb31_add(m[r], m[N + r]);      /* key = left + right */
    }
    swirl_air_instance inst[2] = {{fib, pre, NULL, m, N, pv}, {send, NULL, NULL, sm, N, NULL}};
    CHECK_OK(swirl_check_interactions(inst, 2));
    sm[N + 3] = bb31_add(sm[N + 3], bb31_one()); /* look up a key that is not there */
    CHECK_STATUS(swirl_check_interactions(inst, 2), SWIRL_E_UNSATISFIED);
    CHECK(strstr(swirl_last_error(), "bus 0") != NULL);
    free(m);
    swirl_air_destroy(fib);
    swirl_air_destroy(send);
}

static void test_self_interaction(void) {
    for (size_t width = 1; width <= 4; width++) {
        swirl_air_builder *b;
        CHECK_OK(swirl_self_interaction_air_build(&b, width, 3));
        swirl_air *air = compile(b);
        CHECK(swirl_air_num_interactions(air) == 8);
        bb31 *m;
        CHECK_OK(swirl_self_interaction_trace(&m, width, 3));
        swirl_air_instance inst = {air, NULL, NULL, m, 8, NULL};
        CHECK_OK(swirl_check_interactions(&inst, 1));
        m[0] = bb31_add(m[0], bb31_one());
        CHECK_STATUS(swirl_check_interactions(&inst, 1), SWIRL_E_UNSATISFIED);
        free(m);
        swirl_air_destroy(air);
    }
}

static void test_preprocessed_cached(void) {
    enum { N = 8, K = 2 };
    swirl_air_builder *b;
    CHECK_OK(swirl_preprocessed_cached_air_build(&b, K));
    swirl_air *air = compile(b);
    CHECK(swirl_air_num_constraints(air) == 3 + 2 * K);
    int sels[N] = {1, 0, 0, 1, 1, 0, 1, 1};
    bb31 pre[N], common[N], c0[N], c1[N];
    for (int r = 0; r < N; r++) {
        pre[r] = bb31_from_u32((uint32_t)sels[r]);
        common[r] = bb31_from_u32((uint32_t)r);
        c0[r] = bb31_add(common[r], pre[r]);
        c1[r] = bb31_add(c0[r], pre[r]);
    }
    const bb31 *cached[K] = {c0, c1};
    CHECK_OK(swirl_air_check_constraints(air, pre, cached, common, N, NULL, NULL, NULL));
    c1[5] = bb31_add(c1[5], bb31_one());
    size_t bc, br;
    CHECK_STATUS(swirl_air_check_constraints(air, pre, cached, common, N, NULL, &bc, &br),
                 SWIRL_E_UNSATISFIED);
    CHECK(br == 4 || br == 5);
    c1[5] = bb31_sub(c1[5], bb31_one());
    pre[2] = bb31_from_u32(2); /* not boolean */
    CHECK_STATUS(swirl_air_check_constraints(air, pre, cached, common, N, NULL, &bc, &br),
                 SWIRL_E_UNSATISFIED);
    swirl_air_destroy(air);
}

/* Node counts derived by hand by applying OpenVM v2.0.1 dag.rs (post-order, left first, structural
 * de-duplication, simplifications) to the Rust AIR definitions in test_utils/dummy_airs. */
static void test_dag_node_counts(void) {
    swirl_air_builder *b;
    /* fib_air: 5 constraints; nodes: IsFirstRow, left, a, Sub, Mul, right, b, Sub, Mul,
     * IsTransition, next.left, Sub, Mul, Add, next.right, Sub, Mul, IsLastRow, x, Sub, Mul = 21 */
    CHECK_OK(swirl_fib_air_build(&b));
    swirl_air *air = compile(b);
    CHECK(swirl_air_num_nodes(air) == 21 && swirl_air_num_constraints(air) == 5);
    CHECK(swirl_air_max_degree(air) == 2);
    static const uint32_t fib_roots[5] = {4, 8, 12, 16, 20};
    CHECK(memcmp(air->constraint_idx, fib_roots, sizeof fib_roots) == 0);
    swirl_air_destroy(air);
    /* DummyInteractionAir receiver, field width 2: count, f0, f1, Const(-1), Mul(-1, count) = 5
     * nodes: post-order visits the message fields first (f0 = node 0, f1 = node 1), then the count
     * expression Mul(Const(p-1), count): Const 2, count 3, Mul 4 */
    CHECK_OK(swirl_dummy_interaction_air_build(&b, 2, 0, 7, 0));
    air = compile(b);
    CHECK(swirl_air_num_nodes(air) == 5 && swirl_air_num_constraints(air) == 0);
    CHECK(air->interactions[0].fields[0] == 0 && air->interactions[0].fields[1] == 1 &&
          air->interactions[0].count == 4 && air->nodes[4].kind == SWIRL_NODE_MUL);
    swirl_air_destroy(air);
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_dag_node_counts),
    SWIRL_TEST(test_fib_selector),       SWIRL_TEST(test_dummy_interactions),
    SWIRL_TEST(test_fib_selector_with_lookups), SWIRL_TEST(test_self_interaction),
    SWIRL_TEST(test_preprocessed_cached),
};

int main(int argc, char **argv) {
    return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
}
