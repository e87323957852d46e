/*
 * The verifying-key file: a swirl_vk as OpenVM v2.0.1 serializes MultiStarkVerifyingKey with serde
 * and postcard, and back.
 *
 * Sources (crates/stark-backend/src/ at v2.0.1): keygen/types.rs (MultiStarkVerifyingKey { inner,
 * pre_hash }, MultiStarkVerifyingKey0 { params, per_air, trace_height_constraints },
 * StarkVerifyingKey, StarkVerifyingParams, TraceWidth, VerifierSinglePreprocessedData,
 * LinearConstraint), config.rs (SystemParams, WhirConfig, WhirRoundConfig, WhirProximityStrategy),
 * interaction/mod.rs (LogUpSecurityParameters, Interaction<usize>), air_builders/symbolic/dag.rs
 * (SymbolicConstraintsDag, SymbolicExpressionDag, SymbolicExpressionNode) and symbolic_variable.rs
 * (SymbolicVariable, Entry); keygen/mod.rs for what keygen guarantees about those values.
 *
 * postcard: unsigned integers (usize, u16, u32) as LEB128 varints, signed ones (isize) zigzagged
 * first, u8 as one raw byte, bool and the Option tag as one byte 0/1, Vec as a varint length and
 * its elements, enums as the varint variant index and the variant's fields, structs and arrays
 * ([F; 8]) as their fields in order with no length, PhantomData as nothing. A BabyBear element is
 * Plonky3 MontyField31's serde form: its Montgomery representation x * 2^32 mod p as a u32 varint
 * (the same as keygen's postcard writer; bb31.v).
 *
 * The file, MultiStarkVerifyingKey:
 *   inner     = swirl_vk_postcard(vk)  (MultiStarkVerifyingKey0; see keygen.c for every field)
 *   pre_hash  = [F; 8]: 8 field varints
 * and the pre-hash must equal hash_slice(CODEC_VERSION u32 LE || len(inner) u64 LE || inner), each
 * byte a field element (keygen/mod.rs).
 *
 * The decoder takes only what OpenVM's keygen can produce and libswirl can use, and requires the
 * canonical encoding, so swirl_vk_encode(swirl_vk_decode(b)) == b for every accepted b. Beyond
 * postcard's own rules (it reads non-minimal varints and would read trailing bytes):
 *  - varints minimal, at most 10 bytes, within their type (u16, u32, usize as 64 bits); no trailing
 *    bytes; field elements canonical (< p);
 *  - SystemParams: a WHIR round plan libswirl can run (swirl_whir_plan_init: 1..32 rounds of k
 *    folds within l_skip + n_stack variables, RS domain within 2^27), at most 2^16 queries a round,
 *    PoW bits <= 30 (OpenVM's sample_bits asserts 2^bits < p), log_max_message_length < 64,
 *    max_constraint_degree < 2^32;
 *  - per AIR, what keygen guarantees: width.preprocessed present exactly when preprocessed_data is,
 *    non-zero (as are the cached widths), widths and public values below 2^24 and fewer than 256
 *    cached partitions (the AIR builder's limits), a non-zero main width, at least one constraint
 *    or interaction; the preprocessed hypercube_dim within [-l_skip, n_stack] and stacking_width
 *    the stacked layout's width of that one matrix;
 *  - the DAG: children before their node, variables within their partition / the public values,
 *    no Challenge variables (OpenVM's find_unused_vars cannot take them), row offsets 0 or 1;
 *    each Add/Sub/Neg/Mul degree_multiple at least what its children give (max, or the sum for
 *    Mul) and no node above the AIR's max_constraint_degree (every node is a subexpression of a
 *    constraint or interaction, whose degrees keygen bounds), that degree <= the system's;
 *    constraint indices strictly increasing and < the node count; interaction messages non-empty,
 *    at most 2^log_max_message_length - 1 fields, node indices < the node count;
 *  - need_rot and unused_variables exactly what keygen derives from the DAG;
 *  - every trace-height constraint has one coefficient per AIR.
 * The trace-height constraints are not re-derived from the interactions.
 *
 * Every bad byte is SWIRL_E_IO with the message "verifying key: <what> at byte <offset>"; a count
 * is checked against the bytes left before anything is allocated for it, so a decode never
 * allocates more than a constant times the input length.
 */
#ifndef SWIRL_PROTOCOL_VK_CODEC_H
#define SWIRL_PROTOCOL_VK_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "protocol/keygen.h"

/* decoder limit: in-domain queries per WHIR round */
#define SWIRL_VK_MAX_QUERIES ((size_t)1 << 16)

#ifdef __cplusplus
extern "C" {
#endif

/** postcard(MultiStarkVerifyingKey): the key's bytes (caller frees *bytes with free()). */
enum swirl_status swirl_vk_encode(uint8_t **bytes, size_t *len,
                                  const swirl_vk *vk) SWIRL_WARN_UNUSED_RESULT;

/**
 * Decodes a verifying key (see above). On success *out is a key that owns its AIRs (named "air<i>",
 * no prover data; destroy with swirl_vk_destroy); on failure *out is NULL and the status is
 * SWIRL_E_IO (bad bytes), SWIRL_E_NOMEM or SWIRL_E_INVALID_ARG (NULL arguments).
 */
enum swirl_status swirl_vk_decode(swirl_vk **out, const uint8_t *bytes,
                                  size_t len) SWIRL_WARN_UNUSED_RESULT;

/** The pre-hash of postcard(MultiStarkVerifyingKey0) bytes `inner` (keygen/mod.rs). */
enum swirl_status swirl_vk_pre_hash(swirl_digest *out, const uint8_t *inner,
                                    size_t len) SWIRL_WARN_UNUSED_RESULT;

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_PROTOCOL_VK_CODEC_H */
