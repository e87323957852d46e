/*
 * The constraint program: an AIR's symbolic DAG compiled once (when the AIR is compiled or decoded)
 * into a flat list of arithmetic instructions over one value array, which every evaluator runs —
 * the debug checkers, the LogUp input layer, the batch constraint sumcheck's round 0 (scalar and
 * 16-lane AVX-512), its multilinear rounds and the verifier, and later the GPU kernels.
 *
 * The value array of one evaluation has n_vals entries, in three regions:
 *   [0, n_regs)                         temporaries, reused by liveness;
 *   [in_base, in_base + n_inputs)       inputs the caller writes before each run: the selectors
 *                                       is_first_row, is_transition, is_last_row (slots 0, 1, 2),
 *                                       then one slot per distinct variable in `vars`;
 *   [const_base, const_base + n_consts) the constants, written once per buffer
 *                                       (SWIRL_PROG_INIT_CONSTS).
 * Only the nodes the constraints and interactions reach are computed (in DAG order). The values
 * the caller reads afterwards — every constraint, every interaction field and count — sit at
 * `constraint_val`, `field_val` and `count_val`; those temporaries are never reused, so all of
 * them are valid at the end of the run. Operands and results are value indices; the arithmetic
 * is the caller's type's (bb31, bb31x4, 16 lanes of bb31), so one program serves every evaluator
 * and the results equal the DAG's node values exactly.
 *
 * Limits (checked when the program is built, so keygen fails cleanly rather than a prover
 * later): at most SWIRL_PROG_MAX_VALS values and SWIRL_PROG_MAX_INSTRS instructions.
 */
#ifndef SWIRL_AIR_PROGRAM_H
#define SWIRL_AIR_PROGRAM_H

#include <stddef.h>
#include <stdint.h>

#include "air/dag.h"

#define SWIRL_PROG_MAX_VALS (1u << 22)
#define SWIRL_PROG_MAX_INSTRS (1u << 24)
#define SWIRL_PROG_N_SELECTORS 3u /* is_first_row, is_transition, is_last_row */

enum swirl_prog_op { SWIRL_PROG_ADD = 0, SWIRL_PROG_SUB, SWIRL_PROG_MUL, SWIRL_PROG_NEG };

typedef struct swirl_prog_instr {
    uint32_t op;  /* enum swirl_prog_op */
    uint32_t dst; /* value index (a temporary) */
    uint32_t a;   /* value index */
    uint32_t b;   /* value index (NEG: unused) */
} swirl_prog_instr;

/** One input variable: a column of a partition at a row offset, or a public value. */
typedef struct swirl_prog_var {
    uint8_t entry;  /* enum swirl_entry_kind: PREPROCESSED, MAIN or PUBLIC */
    uint8_t offset; /* row offset (0 or 1) */
    uint32_t part;  /* MAIN: part_index (cached 0.., the common main last) */
    uint32_t index; /* column, or public value index */
} swirl_prog_var;

struct swirl_air_program {
    uint32_t n_regs, n_inputs, n_consts, n_vals;
    uint32_t in_base, const_base; /* n_regs, n_regs + n_inputs */
    swirl_prog_var *vars;         /* n_inputs - SWIRL_PROG_N_SELECTORS */
    bb31 *consts;                 /* n_consts */
    swirl_prog_instr *instrs;
    size_t n_instrs;
    uint32_t *constraint_val; /* air->n_constraints */
    uint32_t *field_val;      /* every interaction's fields, in order (field_start[i] + j) */
    size_t *field_start;      /* air->n_interactions + 1 */
    uint32_t *count_val;      /* air->n_interactions */
    /* unique to this built program in the process (a counter, never reused; 0: none), so a cache
     * may recognise a program it has seen without comparing its content; the program is not
     * changed after swirl_air_program_build, which makes a new one (a new serial) */
    uint64_t serial;
};
typedef struct swirl_air_program swirl_air_program;

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Builds air->program from air's DAG (replacing any earlier one). SWIRL_E_INVALID_ARG (message
 * names the AIR) when the DAG is malformed (a forward or out-of-range reference, an unknown node
 * kind) or the program would exceed the limits above; SWIRL_E_NOMEM.
 */
enum swirl_status swirl_air_program_build(swirl_air *air) SWIRL_WARN_UNUSED_RESULT;
void swirl_air_program_destroy(swirl_air_program *p);

#ifdef __cplusplus
}
#endif

/*
 * The interpreter, for any value type: V is the value array (n_vals entries), ADD/SUB/MUL(x, y)
 * and NEG(x) the type's arithmetic. A macro rather than a function so that each evaluator gets it
 * inlined over its own type (the instruction loop is the hot loop of constraint evaluation).
 */
#define SWIRL_PROG_RUN(prog, V, ADD, SUB, MUL, NEG)                                                \
    do {                                                                                           \
        const swirl_prog_instr *ins_ = (prog)->instrs;                                             \
        for (size_t i_ = 0, n_ = (prog)->n_instrs; i_ < n_; i_++) {                                \
            const swirl_prog_instr in_ = ins_[i_];                                                 \
            switch (in_.op) {                                                                      \
            case SWIRL_PROG_ADD: (V)[in_.dst] = ADD((V)[in_.a], (V)[in_.b]); break;                \
            case SWIRL_PROG_SUB: (V)[in_.dst] = SUB((V)[in_.a], (V)[in_.b]); break;                \
            case SWIRL_PROG_MUL: (V)[in_.dst] = MUL((V)[in_.a], (V)[in_.b]); break;                \
            default: (V)[in_.dst] = NEG((V)[in_.a]); break;                                        \
            }                                                                                      \
        }                                                                                          \
    } while (0)

/* Writes the constants into V with FROM_BASE(bb31) converting to the value type. */
#define SWIRL_PROG_INIT_CONSTS(prog, V, FROM_BASE)                                                 \
    do {                                                                                           \
        for (uint32_t c_ = 0; c_ < (prog)->n_consts; c_++)                                         \
            (V)[(prog)->const_base + c_] = FROM_BASE((prog)->consts[c_]);                          \
    } while (0)

#endif /* SWIRL_AIR_PROGRAM_H */
