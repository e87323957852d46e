/*
 * AIR-system directories: a set of AIRs with their parameters and traces, read from files in the
 * layout of OpenVM's fixture directories, and written back in it.
 *
 *   DIR/meta.json                    parameters, per-AIR public values, optional expectations
 *   DIR/inputs/constraints_<i>.json  AIR i's symbolic DAG, as OpenVM's keygen stores it
 *   DIR/inputs/trace_<i>.npy         AIR i's common main trace: (height, width) row-major '<u4',
 *                                    canonical values < p, height a power of two
 *
 * meta.json: "params" (l_skip, n_stack, k_whir required; log_blowup, max_constraint_degree,
 * logup_pow_bits, mu_pow_bits, folding_pow_bits, query_phase_pow_bits, w_stack,
 * log_final_poly_len, whir_proximity, logup_max_interaction_count, logup_log_max_message_length
 * default to OpenVM's test_system_params_small), "num_queries" (the WHIR queries of each round,
 * required), "airs" (one object per AIR, in AIR order: public_values, is_required, width, name;
 * checked: air_idx, height, needs_next, constraint_degree), the expectations "vk_pre_hash",
 * "sorted_airs", "num_whir_rounds", and a free "reference" string. Unknown keys are refused.
 *
 *     swirl_system *sys;
 *     if (swirl_system_load(&sys, "dir", 1) != SWIRL_OK) puts(swirl_last_error());
 *     size_t n = swirl_system_num_airs(sys);
 *     swirl_air_spec specs[n]; swirl_trace traces[n];
 *     swirl_system_get_air_specs(sys, specs);
 *     swirl_system_get_traces(sys, traces);
 *     swirl_vk_create(&vk, swirl_system_get_params(sys), specs, n);
 *     swirl_system_check_vk(sys, vk, "dir");   // meta.json's expectations
 *     swirl_prove(ctx, &proof, vk, traces);
 *     swirl_system_destroy(sys);               // after the key: it owns the AIRs
 *
 * Only AIRs with one common main partition are supported (no preprocessed or cached partitions).
 * Errors: SWIRL_E_IO (a file cannot be read or written, is not JSON or not a valid .npy),
 * SWIRL_E_INVALID_ARG (content), each message naming the file and the position (JSON path, or
 * trace row and column). Errors as in swirl.h otherwise.
 */
#ifndef SWIRL_SWIRL_SYSTEM_H
#define SWIRL_SWIRL_SYSTEM_H

#include <stddef.h>
#include <stdint.h>

#include "swirl/swirl.h"
#include "swirl/swirl_air.h"
#include "swirl/swirl_params.h"
#include "swirl/swirl_prover.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A loaded AIR system (opaque); owns its AIRs, public values and traces. */
typedef struct swirl_system swirl_system;

/**
 * Loads DIR. With with_traces != 0 every trace is read and checked against meta.json (height,
 * sorted_airs); with 0 a trace file is read only for an AIR whose meta gives no "width". On
 * success *out is the caller's (swirl_system_destroy); on failure *out is NULL.
 */
SWIRL_API enum swirl_status swirl_system_load(swirl_system **out, const char *dir,
                                    int with_traces) SWIRL_WARN_UNUSED_RESULT;
/** Destroys a system (NULL: nothing). Keys made from its AIRs must be destroyed first. */
SWIRL_API void swirl_system_destroy(swirl_system *sys);

/** The system's parameters (owned by the system). */
SWIRL_API const swirl_system_params *swirl_system_get_params(const swirl_system *sys);
SWIRL_API size_t swirl_system_num_airs(const swirl_system *sys);
/** Whether the traces were loaded (swirl_system_load's with_traces). */
SWIRL_API int swirl_system_has_traces(const swirl_system *sys);
/** Sum of height * width over the loaded traces (0 without traces). */
SWIRL_API size_t swirl_system_trace_cells(const swirl_system *sys);

/** Fills specs[0 .. num_airs) for swirl_vk_create; the AIRs are borrowed from the system. */
SWIRL_API void swirl_system_get_air_specs(const swirl_system *sys, swirl_air_spec *specs);
/**
 * Fills traces[0 .. num_airs) for swirl_prove / swirl_check_traces, borrowing the system's traces
 * and public values. SWIRL_E_INVALID_ARG when the traces were not loaded.
 */
SWIRL_API enum swirl_status swirl_system_get_traces(const swirl_system *sys,
                                          swirl_trace *traces) SWIRL_WARN_UNUSED_RESULT;

/**
 * Checks the loaded traces as OpenVM's debug prover does: every constraint of every AIR on every
 * row, in AIR order, then the interaction balance. SWIRL_E_UNSATISFIED naming the constraint and
 * row, or the unbalanced bus and message; then *bad_air (may be NULL) is the failing AIR's index,
 * or swirl_system_num_airs when the interactions do not balance. SWIRL_E_INVALID_ARG without
 * traces; SWIRL_E_NOMEM.
 */
SWIRL_API enum swirl_status swirl_system_check_traces(const swirl_system *sys,
                                            size_t *bad_air) SWIRL_WARN_UNUSED_RESULT;

/**
 * Checks a key made from the system's AIRs against meta.json's expectations (needs_next and
 * constraint_degree of each AIR, vk_pre_hash). dir names the directory in the message (NULL:
 * "."). SWIRL_E_INVALID_ARG naming DIR/meta.json, the key and both values on a mismatch, or when
 * the key has another number of AIRs.
 */
SWIRL_API enum swirl_status swirl_system_check_vk(const swirl_system *sys, const swirl_vk *vk,
                                        const char *dir) SWIRL_WARN_UNUSED_RESULT;

/**
 * Writes n_airs AIRs (specs[i].air with traces[i].common of traces[i].height rows and its public
 * values) as a system directory DIR that swirl_system_load reads back into the same parameters,
 * AIRs (node for node) and traces: meta.json (every parameter explicit; vk's pre-hash as the
 * vk_pre_hash expectation when vk is not NULL; `reference` (may be NULL) as its reference),
 * inputs/constraints_<i>.json, inputs/trace_<i>.npy. The files are written into a temporary
 * directory next to DIR, renamed to DIR at the end; DIR must not exist or be an empty directory;
 * on failure nothing is left behind. SWIRL_E_IO, SWIRL_E_UNSUPPORTED (preprocessed or cached
 * partitions), SWIRL_E_INVALID_ARG, SWIRL_E_NOMEM.
 */
SWIRL_API enum swirl_status swirl_system_write(const char *dir, const swirl_system_params *params,
                                     const swirl_air_spec *specs, const swirl_trace *traces,
                                     size_t n_airs, const swirl_vk *vk,
                                     const char *reference) SWIRL_WARN_UNUSED_RESULT;

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_SWIRL_SYSTEM_H */
