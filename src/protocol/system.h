/*
 * AIR-system directories: everything needed to key and prove a set of AIRs, read from files (the
 * layout of OpenVM's fixture directories, tests/vectors/openvm-v2.0.0/prove):
 *
 *   DIR/meta.json                 parameters, per-AIR public values, optional expectations
 *   DIR/inputs/constraints_<i>.json  AIR i's symbolic DAG (air/air_json.h)
 *   DIR/inputs/trace_<i>.npy      AIR i's common main trace: (height, width) row-major '<u4',
 *                                 canonical values < p, height a power of two
 *
 * meta.json keys (anything else is refused as an unknown key):
 *   params: l_skip, n_stack, k_whir (required); log_blowup (1), max_constraint_degree (3),
 *     logup_pow_bits (2), mu_pow_bits (3), folding_pow_bits (2), query_phase_pow_bits (1),
 *     w_stack (4096), log_final_poly_len ((l_skip + n_stack) % k_whir),
 *     whir_proximity ({"kind": "split_unique_list", "m": 3, "list_start_round": 1}; kinds
 *     unique_decoding, split_unique_list {m, list_start_round}, list_decoding {m}),
 *     logup_max_interaction_count (2^30), logup_log_max_message_length (7).
 *     The defaults are OpenVM's test_system_params_small (test_utils/mod.rs, v2.0.1).
 *   num_queries: the WHIR queries of each round (required); the number of rounds is its length and
 *     must equal ceil((l_skip + n_stack - log_final_poly_len) / k_whir).
 *   airs: one object per AIR, in AIR order: public_values ([]), is_required (false), width (the
 *     trace file's width), name ("air<i>"), and the informational or checked keys air_idx (== i),
 *     height (== the trace's height), needs_next, constraint_degree (== the key's), interactions
 *     (a summary, not read).
 *   Expectations, checked against the key or the traces: vk_pre_hash (8 canonical integers),
 *   sorted_airs (AIR indices by trace height, descending, ties by index), num_whir_rounds.
 *   reference: a free string.
 *
 * Errors: SWIRL_E_IO (a file cannot be read, is not JSON or not a valid .npy) or
 * SWIRL_E_INVALID_ARG (content), every message naming the file and the position (JSON path, or
 * trace row and column). Only AIRs with one common main partition are supported (no preprocessed
 * or cached partitions).
 */
#ifndef SWIRL_PROTOCOL_SYSTEM_H
#define SWIRL_PROTOCOL_SYSTEM_H

#include <stddef.h>
#include <stdint.h>

#include "protocol/flow.h"
#include "protocol/keygen.h"
#include "swirl/swirl_system.h"

/** One AIR of a system. */
typedef struct swirl_system_air {
    swirl_air *air; /* owned */
    int is_required;
    bb31 *public_values;   /* owned, air->num_public_values values */
    bb31 *trace;           /* owned, column-major common main; NULL when traces were not loaded */
    size_t height;         /* trace height (0 when not loaded) */
    int expect_needs_next; /* -1 when meta.json does not say */
    long expect_constraint_degree; /* -1 when meta.json does not say */
} swirl_system_air;

/** A loaded system; owns everything (swirl_system_destroy). */
typedef struct swirl_system {
    swirl_system_params params;
    swirl_system_air *airs;
    size_t n_airs;
    int has_vk_pre_hash;
    uint32_t vk_pre_hash[8]; /* canonical */
    size_t trace_cells;      /* sum of height * width over loaded traces */
} swirl_system;

/** One AIR to write (borrowed). */
typedef struct swirl_system_out_air {
    const swirl_air *air;
    int is_required;
    const bb31 *trace; /* column-major common main, `height` rows */
    size_t height;
    const bb31 *public_values; /* air->num_public_values values (may be NULL when 0) */
} swirl_system_out_air;

#ifdef __cplusplus
extern "C" {
#endif

/* swirl_system_load / swirl_system_destroy / swirl_system_check_vk: the public swirl/swirl_system.h. */

/** Fills airs[0..n_airs) for swirl_keygen (borrowing from s). */
void swirl_system_keygen_airs(const swirl_system *s, swirl_keygen_air *airs);
/** Fills in[0..n_airs) for swirl_prove (borrowing from s; traces must have been loaded). */
void swirl_system_trace_inputs(const swirl_system *s, swirl_trace_input *in);


/**
 * Writes a system directory DIR that swirl_system_load reads back into the same parameters, AIRs
 * (node for node) and traces: meta.json (every parameter explicit, vk_pre_hash when given),
 * inputs/constraints_<i>.json, inputs/trace_<i>.npy. The files are written into a fresh temporary
 * directory next to DIR, renamed to DIR at the end; DIR must not exist or be an empty directory.
 * On failure nothing is left behind. SWIRL_E_IO, SWIRL_E_UNSUPPORTED (preprocessed or cached
 * partitions), SWIRL_E_INVALID_ARG.
 */
enum swirl_status swirl_system_save(const char *dir, const swirl_system_params *params,
                                    const swirl_system_out_air *airs, size_t n,
                                    const swirl_digest *vk_pre_hash,
                                    const char *reference) SWIRL_WARN_UNUSED_RESULT;

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_PROTOCOL_SYSTEM_H */
