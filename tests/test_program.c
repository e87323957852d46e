/* The constraint program (air/program.h) against a node-by-node evaluation of the DAG, on every AIR
 * we have, on random (unsatisfying) rows; its register reuse; malformed DAGs refused. */
#include <stdlib.h>
#include <string.h>

#include "air/dag.h"
#include "air/keccak_air.h"
#include "air/program.h"
#include "air/test_airs.h"
#include "harness.h"

/* The reference: every node in order, as the symbolic DAG defines it (the test oracle). */
static bb31 ref_var(const swirl_air *air, const swirl_dag_node *n, const swirl_air_window *w) {
    size_t r = (w->row + n->offset) & (w->height - 1);
    if (n->entry == SWIRL_ENTRY_PREPROCESSED)
        return w->preprocessed[n->index * w->height + r];
    if (n->entry == SWIRL_ENTRY_PUBLIC)
        return w->public_values[n->index];
    if (n->part < air->n_cached)
        return w->cached[n->part][n->index * w->height + r];
    return w->common[n->index * w->height + r];
}

static void ref_eval(const swirl_air *air, const swirl_air_window *w, bb31 *out) {
    bb31 one = bb31_one(), zero = bb31_zero();
    int last = w->row == w->height - 1;
    for (size_t i = 0; i < air->n_nodes; i++) {
        const swirl_dag_node *n = &air->nodes[i];
        switch (n->kind) {
        case SWIRL_NODE_VAR: out[i] = ref_var(air, n, w); break;
        case SWIRL_NODE_IS_FIRST_ROW: out[i] = w->row == 0 ? one : zero; break;
        case SWIRL_NODE_IS_LAST_ROW: out[i] = last ? one : zero; break;
        case SWIRL_NODE_IS_TRANSITION: out[i] = last ? zero : one; break;
        case SWIRL_NODE_CONST: out[i] = n->constant; break;
        case SWIRL_NODE_ADD: out[i] = bb31_add(out[n->left], out[n->right]); break;
        case SWIRL_NODE_SUB: out[i] = bb31_sub(out[n->left], out[n->right]); break;
        case SWIRL_NODE_NEG: out[i] = bb31_neg(out[n->left]); break;
        default: out[i] = bb31_mul(out[n->left], out[n->right]); break;
        }
    }
}

static bb31 *rand_cols(size_t width, size_t height) {
    bb31 *m = malloc((width * height + 1) * sizeof *m);
    CHECK(m != NULL);
    for (size_t i = 0; i < width * height; i++)
        m[i] = bb31_from_u32(swirl_test_rand32());
    return m;
}

/* program outputs == DAG node values on `rows` random rows of random traces */
static void check_air(swirl_air_builder *b, size_t rows) {
    swirl_air *air = NULL;
    CHECK_OK(swirl_air_compile(&air, b, 3));
    swirl_air_builder_destroy(b);
    const swirl_air_program *p = air->program;
    CHECK(p != NULL);
    size_t h = 8;
    bb31 *prep = rand_cols(air->preprocessed_width, h), *common = rand_cols(air->common_width, h);
    bb31 *cached[4] = {NULL, NULL, NULL, NULL};
    CHECK(air->n_cached <= 4);
    for (size_t c = 0; c < air->n_cached; c++)
        cached[c] = rand_cols(air->cached_widths[c], h);
    bb31 *pv = rand_cols(air->num_public_values, 1);
    bb31 *ref = malloc((air->n_nodes + 1) * sizeof *ref), *vals = malloc(p->n_vals * sizeof *vals);
    CHECK(ref && vals);
    swirl_air_eval_init(air, vals);
    for (size_t it = 0; it < rows; it++) {
        swirl_air_window w = {prep, (const bb31 *const *)cached, common, pv, h,
                              it < 2 ? it * (h - 1) : (size_t)swirl_test_rand_below(h)};
        ref_eval(air, &w, ref);
        swirl_air_eval_row(air, &w, vals);
        for (size_t k = 0; k < air->n_constraints; k++)
            CHECK_MSG(bb31_eq(vals[p->constraint_val[k]], ref[air->constraint_idx[k]]),
                      "AIR %s row %zu constraint %zu", air->name, w.row, k);
        for (size_t i = 0; i < air->n_interactions; i++) {
            const swirl_dag_interaction *di = &air->interactions[i];
            CHECK(bb31_eq(vals[p->count_val[i]], ref[di->count]));
            CHECK(p->field_start[i + 1] - p->field_start[i] == di->n_fields);
            for (size_t j = 0; j < di->n_fields; j++)
                CHECK(bb31_eq(vals[p->field_val[p->field_start[i] + j]], ref[di->fields[j]]));
        }
    }
    free(ref);
    free(vals);
    free(prep);
    free(common);
    free(pv);
    for (size_t c = 0; c < air->n_cached; c++)
        free(cached[c]);
    swirl_air_destroy(air);
}

static void test_program_equals_dag_small_airs(void) {
    swirl_air_builder *b;
    CHECK_OK(swirl_fib_air_build(&b));
    check_air(b, 8);
    CHECK_OK(swirl_fib_selector_air_build(&b, 1));
    check_air(b, 8);
    for (int send = 0; send < 2; send++)
        for (int part = 0; part < 2; part++) {
            CHECK_OK(swirl_dummy_interaction_air_build(&b, 2, send, 3, part));
            check_air(b, 8);
        }
    CHECK_OK(swirl_self_interaction_air_build(&b, 4, 1));
    check_air(b, 8);
    CHECK_OK(swirl_preprocessed_cached_air_build(&b, 2));
    check_air(b, 8);
}

static void test_program_equals_dag_keccak(void) {
    swirl_air_builder *b;
    CHECK_OK(swirl_keccak_air_build(&b));
    check_air(b, 4);
}

/* KeccakAir's 39k nodes run in far fewer values than nodes: temporaries are reused */
static void test_program_reuses_registers(void) {
    swirl_air_builder *b;
    CHECK_OK(swirl_keccak_air_build(&b));
    swirl_air *air = NULL;
    CHECK_OK(swirl_air_compile(&air, b, 3));
    swirl_air_builder_destroy(b);
    const swirl_air_program *p = air->program;
    CHECK(p->n_instrs <= air->n_nodes);
    CHECK_MSG(p->n_regs < air->n_nodes / 4, "%u temporaries for %zu nodes", p->n_regs,
              air->n_nodes);
    /* the outputs stay readable: at least one temporary per constraint that is an operation */
    CHECK(p->n_regs >= 1);
    swirl_air_destroy(air);
}

/* a hand-made DAG with a forward reference, or an unknown node kind, is refused */
static void test_program_refuses_malformed_dags(void) {
    swirl_air_builder *b;
    CHECK_OK(swirl_fib_air_build(&b));
    swirl_air *air = NULL;
    CHECK_OK(swirl_air_compile(&air, b, 3));
    swirl_air_builder_destroy(b);
    size_t i = 0;
    while (i < air->n_nodes && air->nodes[i].kind != SWIRL_NODE_MUL)
        i++;
    CHECK(i < air->n_nodes);
    uint32_t saved = air->nodes[i].left;
    air->nodes[i].left = (uint32_t)i; /* a node using itself */
    CHECK_STATUS(swirl_air_program_build(air), SWIRL_E_INVALID_ARG);
    CHECK(strstr(swirl_last_error(), "later or missing node") != NULL);
    air->nodes[i].left = saved;
    uint8_t kind = air->nodes[i].kind;
    air->nodes[i].kind = 42;
    CHECK_STATUS(swirl_air_program_build(air), SWIRL_E_INVALID_ARG);
    CHECK(strstr(swirl_last_error(), "unknown kind") != NULL);
    air->nodes[i].kind = kind;
    uint32_t c0 = air->constraint_idx[0];
    air->constraint_idx[0] = (uint32_t)air->n_nodes;
    CHECK_STATUS(swirl_air_program_build(air), SWIRL_E_INVALID_ARG);
    air->constraint_idx[0] = c0;
    CHECK_OK(swirl_air_program_build(air)); /* the repaired DAG builds again */
    swirl_air_destroy(air);
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_program_equals_dag_small_airs),
    SWIRL_TEST(test_program_equals_dag_keccak),
    SWIRL_TEST(test_program_reuses_registers),
    SWIRL_TEST(test_program_refuses_malformed_dags),
};

int main(int argc, char **argv) {
    return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
}
