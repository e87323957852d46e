/*
 * Keygen (OpenVM v2.0.1 crates/stark-backend/src/keygen/): the per-AIR verifying key data
 * (trace widths, public values, need_rot, symbolic DAG, max degree, is_required, unused
 * variables, preprocessed commitment), the trace-height linear constraints, and the verifying-key
 * pre-hash that starts the transcript:
 *     pre_hash = hash_slice(bytes as field elements), bytes = CODEC_VERSION (u32 LE, 3) ||
 *                len(vk) (u64 LE) || postcard(MultiStarkVerifyingKey0 {params, per_air, thc}).
 */
#ifndef SWIRL_PROTOCOL_KEYGEN_H
#define SWIRL_PROTOCOL_KEYGEN_H

#include <stddef.h>
#include <stdint.h>

#include "air/dag.h"
#include "hash/poseidon2.h"
#include "pcs/stacked.h"
#include "swirl/swirl_params.h"
#include "swirl/swirl_prover.h"

#define SWIRL_CODEC_VERSION 3u

/** One AIR handed to keygen: the public swirl_air_spec (swirl/swirl_prover.h). */
typedef swirl_air_spec swirl_keygen_air;

typedef struct swirl_linear_constraint {
    uint32_t *coefficients; /* one per AIR */
    uint32_t threshold;
} swirl_linear_constraint;

typedef struct swirl_vk_air {
    const swirl_air *air;
    int has_preprocessed;
    swirl_digest preprocessed_commit;
    int64_t preprocessed_hypercube_dim; /* log2(height) - l_skip */
    size_t preprocessed_stacking_width;
    /* prover side (the proving key's preprocessed PcsData, the stacked commit of the preprocessed
     * trace alone, as keygen computed it): owned by the key; the prover reads the preprocessed
     * trace from it and opens it. NULL when the AIR has no preprocessed trace or the key was
     * decoded from bytes (verifier only: swirl_prove refuses such a key) */
    swirl_stacked_pcs_data *preprocessed_data;
    int need_rot;
    unsigned max_constraint_degree;
    int is_required;
    /* unused variables: (entry, part, index, offset) in OpenVM's order */
    struct swirl_unused_var {
        uint8_t entry;
        uint32_t part;
        uint32_t index;
        uint8_t offset;
    } *unused;
    size_t n_unused;
} swirl_vk_air;

/** The verifying key (owned; destroy with swirl_vk_destroy). */
typedef struct swirl_vk {
    swirl_system_params params;
    swirl_vk_air *per_air;
    size_t n_airs;
    swirl_linear_constraint *thc; /* trace height constraints */
    size_t n_thc;
    swirl_digest pre_hash;
    /* a key decoded from bytes owns its AIRs (n_airs entries, destroyed with the key); NULL for a
     * key from swirl_keygen, whose AIRs belong to the caller */
    swirl_air **owned_airs;
} swirl_vk;

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Generates the verifying key for `n` AIRs. Errors (SWIRL_E_INVALID_ARG, message names the AIR):
 * zero main width, no constraints and no interactions, an empty interaction message, a message
 * longer than 2^log_max_message_length - 1, degree above params->max_constraint_degree, a missing
 * or mis-shaped preprocessed trace.
 */
enum swirl_status swirl_keygen(swirl_vk **out, const swirl_system_params *params,
                               const swirl_keygen_air *airs, size_t n) SWIRL_WARN_UNUSED_RESULT;

/** postcard(MultiStarkVerifyingKey0): the bytes the pre-hash covers (caller frees *bytes). */
enum swirl_status swirl_vk_postcard(const swirl_vk *vk, uint8_t **bytes,
                                    size_t *len) SWIRL_WARN_UNUSED_RESULT;

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_PROTOCOL_KEYGEN_H */
