/*
 * The symbolic DAG of an AIR (OpenVM v2.0.1 air_builders/symbolic/dag.rs SymbolicConstraintsDag):
 * nodes in creation order (post-order over the constraints in emission order, then over each
 * interaction's message fields and count), structurally de-duplicated, with OpenVM's
 * simplifications (constant folding, x+0, 0+x, x-0, x+(-y) -> x-y, x-(-y) -> x+y, x*0, 0*x, x*1,
 * 1*x); constraint roots sorted by node index and de-duplicated.
 *
 * This is the form the verifying key stores and both backends evaluate.
 */
#ifndef SWIRL_AIR_DAG_H
#define SWIRL_AIR_DAG_H

#include <stddef.h>
#include <stdint.h>

#include "field/bb31_ext4.h"
#include "swirl/swirl_air.h"

enum swirl_node_kind {
    SWIRL_NODE_VAR = 0,
    SWIRL_NODE_IS_FIRST_ROW,
    SWIRL_NODE_IS_LAST_ROW,
    SWIRL_NODE_IS_TRANSITION,
    SWIRL_NODE_CONST,
    SWIRL_NODE_ADD,
    SWIRL_NODE_SUB,
    SWIRL_NODE_NEG,
    SWIRL_NODE_MUL,
};

/* SymbolicVariable Entry kinds, in OpenVM's declaration order. */
enum swirl_entry_kind {
    SWIRL_ENTRY_PREPROCESSED = 0,
    SWIRL_ENTRY_MAIN,
    SWIRL_ENTRY_PUBLIC,
    SWIRL_ENTRY_CHALLENGE,
};

typedef struct swirl_dag_node {
    uint8_t kind;   /* enum swirl_node_kind */
    uint8_t entry;  /* VAR: enum swirl_entry_kind */
    uint8_t offset; /* VAR (preprocessed, main): row offset */
    uint32_t part;  /* VAR main: part_index */
    uint32_t index; /* VAR: column / public index */
    bb31 constant;  /* CONST */
    uint32_t left;  /* ADD/SUB/MUL: left child; NEG: the child */
    uint32_t right; /* ADD/SUB/MUL: right child */
    uint32_t degree; /* degree_multiple (OpenVM stores it for ADD/SUB/NEG/MUL; derived for others) */
} swirl_dag_node;

typedef struct swirl_dag_interaction {
    uint32_t *fields; /* node indices of the message fields */
    size_t n_fields;
    uint32_t count; /* node index of the multiplicity */
    uint16_t bus_index;
    uint32_t count_weight;
} swirl_dag_interaction;

struct swirl_air {
    char name[64];
    size_t preprocessed_width;
    size_t n_cached;
    size_t *cached_widths;
    size_t common_width;
    size_t num_public_values;
    swirl_dag_node *nodes;
    size_t n_nodes;
    uint32_t *constraint_idx; /* sorted, de-duplicated */
    size_t n_constraints;
    swirl_dag_interaction *interactions;
    size_t n_interactions;
    unsigned max_degree; /* max over constraints and interaction fields/counts */
    /* the DAG compiled for evaluation (air/program.h), built with the AIR (swirl_air_compile,
     * vk decoding, system files) by swirl_air_program_build; owned by the AIR */
    struct swirl_air_program *program;
};

/* ---- evaluation ---- */

/** Values of one row window of one AIR for evaluation (base field). Each partition is read as
 *  column-major with its height; `row` is the current row, offset rows wrap around. */
typedef struct swirl_air_window {
    const bb31 *preprocessed;       /* preprocessed_width columns */
    const bb31 *const *cached;      /* n_cached partitions */
    const bb31 *common;             /* common_width columns */
    const bb31 *public_values;
    size_t height;
    size_t row;
} swirl_air_window;

#ifdef __cplusplus
extern "C" {
#endif

/** Evaluates air's constraint program (air/program.h) on one row: vals holds
 *  air->program->n_vals values, its constants written once by swirl_air_eval_init; afterwards the
 *  constraint, field and count values sit at the program's output indices. */
void swirl_air_eval_init(const swirl_air *air, bb31 *vals);
void swirl_air_eval_row(const swirl_air *air, const swirl_air_window *w, bb31 *vals);

/**
 * Debug constraint checker: evaluates every constraint on every row of the traces (column-major,
 * height a power of two). Returns SWIRL_OK when all vanish, else SWIRL_E_UNSATISFIED with
 * *bad_constraint (index into constraint_idx order) and *bad_row of the first failure (row-major
 * scan) and a message naming the AIR, the constraint and the row.
 */
enum swirl_status swirl_air_check_constraints(const swirl_air *air, const bb31 *preprocessed,
                                              const bb31 *const *cached, const bb31 *common,
                                              size_t height, const bb31 *public_values,
                                              size_t *bad_constraint,
                                              size_t *bad_row) SWIRL_WARN_UNUSED_RESULT;

/** One AIR with its traces, for the interaction balance check. */
typedef struct swirl_air_instance {
    const swirl_air *air;
    const bb31 *preprocessed;
    const bb31 *const *cached;
    const bb31 *common;
    size_t height;
    const bb31 *public_values;
} swirl_air_instance;

/**
 * Debug interaction check: over all rows of all instances, the multiplicities of every
 * (bus, message) must sum to zero. Returns SWIRL_E_UNSATISFIED naming the first unbalanced bus and
 * message (in (bus, message) order) and its net multiplicity.
 */
enum swirl_status swirl_check_interactions(const swirl_air_instance *inst,
                                           size_t n) SWIRL_WARN_UNUSED_RESULT;

/** Test oracle: evaluates every builder expression as written (no DAG, no simplification);
 *  out holds swirl_air_builder_num_exprs(b) values, indexed by expression handle. */
void swirl_air_builder_eval_all(const swirl_air_builder *b, const swirl_air_window *w, bb31 *out);
size_t swirl_air_builder_num_exprs(const swirl_air_builder *b);
/** Number of constraints the builder has emitted (before de-duplication). */
size_t swirl_air_builder_num_constraints(const swirl_air_builder *b);
/** The i-th emitted constraint expression. */
swirl_expr swirl_air_builder_constraint(const swirl_air_builder *b, size_t i);

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_AIR_DAG_H */
