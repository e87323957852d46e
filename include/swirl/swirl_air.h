/*
 * Defining AIRs: a constraint-expression builder with the semantics of OpenVM v2.0.1's
 * SymbolicRapBuilder (crates/stark-backend/src/air_builders/symbolic/), compiled to the same
 * symbolic DAG that OpenVM's keygen stores in the verifying key.
 *
 * Usage:
 *     swirl_air_builder *b;
 *     size_t cached[0];
 *     if (swirl_air_builder_create(&b, "fib", 0, NULL, 0, 2, 3) != SWIRL_OK) ...
 *     swirl_expr a = swirl_air_main(b, 0, 0), bn = swirl_air_main(b, 1, 1);   // current / next row
 *     swirl_air_assert_zero(b, swirl_air_when_transition(b, swirl_air_sub(b, bn, ...)));
 *     swirl_air *air;
 *     if (swirl_air_compile(&air, b, 3) != SWIRL_OK) puts(swirl_last_error());
 *     swirl_air_builder_destroy(b);
 *     ...
 *     swirl_air_destroy(air);
 *
 * Expressions are handles (swirl_expr) owned by their builder; using a handle of another builder
 * or an invalid one is a misuse. Misuses (unknown column, wrong partition, bad handle, ...) do not
 * abort: the builder records the first one (with a message) and returns SWIRL_EXPR_INVALID from
 * then on; swirl_air_builder_status() and swirl_air_compile() return the error.
 *
 * Emission semantics follow OpenVM/Plonky3: `when(c).assert_zero(e)` emits c * e; selectors are
 * IsFirstRow, IsLastRow, IsTransition (each of degree 1); a variable of the preprocessed or a main
 * partition has degree 1, a public value degree 0, a constant degree 0; degrees add under *, take
 * the max under + and -.
 */
#ifndef SWIRL_SWIRL_AIR_H
#define SWIRL_SWIRL_AIR_H

#include <stddef.h>
#include <stdint.h>

#include "swirl/swirl.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef uint32_t swirl_expr;
#define SWIRL_EXPR_INVALID UINT32_MAX

typedef struct swirl_air_builder swirl_air_builder;
typedef struct swirl_air swirl_air;

/**
 * Creates a builder for an AIR with the given partitions: a preprocessed trace of
 * `preprocessed_width` columns (0: none), `n_cached` cached main partitions of the given widths,
 * a common main partition of `common_width` columns (0: none) and `num_public_values` public values.
 * Main partitions are numbered as OpenVM does: cached ones 0..n_cached-1, the common main last.
 */
SWIRL_API enum swirl_status swirl_air_builder_create(swirl_air_builder **out, const char *name,
                                           size_t preprocessed_width, const size_t *cached_widths,
                                           size_t n_cached, size_t common_width,
                                           size_t num_public_values) SWIRL_WARN_UNUSED_RESULT;
SWIRL_API void swirl_air_builder_destroy(swirl_air_builder *b);
/** SWIRL_OK, or the first misuse recorded (its message is in swirl_last_error()). */
SWIRL_API enum swirl_status swirl_air_builder_status(const swirl_air_builder *b);

/* Variables. offset 0 = current row, 1 = next row. */
SWIRL_API swirl_expr swirl_air_main(swirl_air_builder *b, size_t col, unsigned offset); /* common main */
SWIRL_API swirl_expr swirl_air_cached(swirl_air_builder *b, size_t part, size_t col, unsigned offset);
SWIRL_API swirl_expr swirl_air_preprocessed(swirl_air_builder *b, size_t col, unsigned offset);
SWIRL_API swirl_expr swirl_air_public(swirl_air_builder *b, size_t index);
/** A constant; `value` is reduced mod p. */
SWIRL_API swirl_expr swirl_air_const(swirl_air_builder *b, uint64_t value);
SWIRL_API swirl_expr swirl_air_is_first_row(swirl_air_builder *b);
SWIRL_API swirl_expr swirl_air_is_last_row(swirl_air_builder *b);
SWIRL_API swirl_expr swirl_air_is_transition(swirl_air_builder *b);

/* Arithmetic (new nodes, exactly as OpenVM's operators build them). */
SWIRL_API swirl_expr swirl_air_add(swirl_air_builder *b, swirl_expr x, swirl_expr y);
SWIRL_API swirl_expr swirl_air_sub(swirl_air_builder *b, swirl_expr x, swirl_expr y);
SWIRL_API swirl_expr swirl_air_mul(swirl_air_builder *b, swirl_expr x, swirl_expr y);
SWIRL_API swirl_expr swirl_air_neg(swirl_air_builder *b, swirl_expr x);

/** Degree of an expression (OpenVM degree_multiple); 0 for an invalid handle. */
SWIRL_API unsigned swirl_air_degree(const swirl_air_builder *b, swirl_expr x);

/* Constraints, in emission order. */
SWIRL_API void swirl_air_assert_zero(swirl_air_builder *b, swirl_expr x);
/** assert_zero(cond * x): `when(cond)`. */
SWIRL_API void swirl_air_assert_zero_when(swirl_air_builder *b, swirl_expr cond, swirl_expr x);
SWIRL_API void swirl_air_assert_zero_when_first_row(swirl_air_builder *b, swirl_expr x);
SWIRL_API void swirl_air_assert_zero_when_last_row(swirl_air_builder *b, swirl_expr x);
SWIRL_API void swirl_air_assert_zero_when_transition(swirl_air_builder *b, swirl_expr x);
/** assert_eq(x, y): assert_zero(x - y). */
SWIRL_API void swirl_air_assert_eq(swirl_air_builder *b, swirl_expr x, swirl_expr y);
/** assert_bool(x): assert_zero(x * (x - 1)). */
SWIRL_API void swirl_air_assert_bool(swirl_air_builder *b, swirl_expr x);

/** An interaction on bus `bus_index`: message fields, multiplicity `count`, and the count weight. */
SWIRL_API void swirl_air_push_interaction(swirl_air_builder *b, uint16_t bus_index, const swirl_expr *fields,
                                size_t n_fields, swirl_expr count, uint32_t count_weight);

/**
 * Compiles the builder's constraints and interactions into the symbolic DAG. Fails with
 * SWIRL_E_INVALID_ARG when the builder recorded a misuse, or when a constraint or interaction
 * expression has degree above max_constraint_degree (message names it). The builder is not
 * consumed; the AIR is independent of it.
 */
SWIRL_API enum swirl_status swirl_air_compile(swirl_air **out, const swirl_air_builder *b,
                                    unsigned max_constraint_degree) SWIRL_WARN_UNUSED_RESULT;
SWIRL_API void swirl_air_destroy(swirl_air *air);

SWIRL_API const char *swirl_air_name(const swirl_air *air);
SWIRL_API size_t swirl_air_num_nodes(const swirl_air *air);
SWIRL_API size_t swirl_air_num_constraints(const swirl_air *air);
SWIRL_API size_t swirl_air_num_interactions(const swirl_air *air);
SWIRL_API unsigned swirl_air_max_degree(const swirl_air *air);
/** Columns of the common main partition (the trace a prover passes as swirl_trace.common). */
SWIRL_API size_t swirl_air_width(const swirl_air *air);
SWIRL_API size_t swirl_air_num_public_values(const swirl_air *air);

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_SWIRL_AIR_H */
