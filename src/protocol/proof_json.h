/*
 * A proof as JSON, with the fields named and nested exactly as OpenVM v2.0.1's Rust structs
 * (crates/stark-backend/src/proof.rs: Proof, TraceVData, GkrProof, GkrLayerClaims,
 * BatchConstraintProof, StackingProof, WhirProof), for reading, diffing and editing proofs in
 * interop experiments. Conventions: a base field element is its canonical integer (0 <= v < p),
 * an extension element an array of its 4 basis coefficients, a digest an array of 8 elements,
 * Option::None null, Vec<..> and [T; N] arrays, nested as in Rust:
 *
 *   { "common_main_commit": digest,
 *     "trace_vdata": [ null | {"log_height": int, "cached_commitments": [digest]} ]  (per AIR),
 *     "public_values": [[F]]                                                         (per AIR),
 *     "gkr_proof": {"logup_pow_witness": F, "q0_claim": EF,
 *                   "claims_per_layer": [{"p_xi_0", "p_xi_1", "q_xi_0", "q_xi_1": EF}],
 *                   "sumcheck_polys": [[[EF, EF, EF]]]   (round j = 1..n-1 has j entries)},
 *     "batch_constraint_proof": {"numerator_term_per_air": [EF], "denominator_term_per_air": [EF],
 *                   "univariate_round_coeffs": [EF], "sumcheck_round_polys": [[EF]],
 *                   "column_openings": [[[EF]]]   (per present AIR, sorted; per part; values)},
 *     "stacking_proof": {"univariate_round_coeffs": [EF], "sumcheck_round_polys": [[EF, EF]],
 *                   "stacking_openings": [[EF]]},
 *     "whir_proof": {"mu_pow_witness": F, "whir_sumcheck_polys": [[EF, EF]],
 *                   "codeword_commits": [digest], "ood_values": [EF],
 *                   "folding_pow_witnesses": [F], "query_phase_pow_witnesses": [F],
 *                   "initial_round_opened_rows": [[[[F]]]]  (commit, query, row, column),
 *                   "initial_round_merkle_proofs": [[[digest]]]  (commit, query, path),
 *                   "codeword_opened_values": [[[EF]]]  (round 1.., query, value),
 *                   "codeword_merkle_proofs": [[[digest]]]  (round 1.., query, path),
 *                   "final_poly": [EF]} }
 *
 * Keys are emitted in that (the structs') order. An optional top-level "vk_pre_hash" (digest) is
 * an annotation: the converters from JSON accept it, swirl_proof_from_json checks it against the
 * key, and every other unknown key is refused.
 *
 * The conversion goes through OpenVM's byte encoding (codec version 3), which describes its own
 * shape: bytes <-> JSON needs no key and maps an encoding OpenVM's Decode accepts to the JSON of
 * the decoded struct and back to the same bytes. (Exceptions, refused on the way back rather than
 * re-encoded differently: a WHIR codeword Merkle depth the JSON cannot carry because the rounds it
 * describes have no queries, bytes OpenVM's Encode cannot produce either. The walker refuses a
 * trace_vdata bitmap with padding bits set, as OpenVM's Decode does.) The proof-level functions add
 * the key: a proof is encoded with swirl_proof_encode, and JSON becomes a proof through
 * swirl_proof_decode, so it gets every shape check against the key (codec_proof.h).
 *
 * Errors: JSON that is not the shape above (a missing or unknown key, a wrong type, an array of the
 * wrong length, arrays that should be rectangular but are not, an integer outside 0..p-1 for a
 * field element or outside u32 for a count) is SWIRL_E_PROOF_MALFORMED with the JSON path in the
 * message (e.g. "$.whir_proof.final_poly[3][1]"); bytes that do not decode are
 * SWIRL_E_PROOF_MALFORMED with the byte offset; SWIRL_E_NOMEM when memory runs out. Nothing is left
 * allocated on failure.
 */
#ifndef SWIRL_PROTOCOL_PROOF_JSON_H
#define SWIRL_PROTOCOL_PROOF_JSON_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol/flow.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The JSON of an encoded proof (bytes[0..len), OpenVM's Proof encoding), walked as OpenVM's
 *  Decode does: no key needed. *out is a new reference (json_decref it). */
enum swirl_status swirl_proof_json_from_bytes(json_t **out, const uint8_t *bytes,
                                              size_t len) SWIRL_WARN_UNUSED_RESULT;

/** The bytes of a proof's JSON as OpenVM's Encode lays them out, after checking every shape the
 *  encoding leaves implicit (so the bytes decode back to the same JSON). *bytes is malloc'd (the
 *  caller frees it). A top-level "vk_pre_hash" is checked for shape and otherwise ignored. */
enum swirl_status swirl_proof_json_to_bytes(uint8_t **bytes, size_t *len,
                                            const json_t *j) SWIRL_WARN_UNUSED_RESULT;

/** The JSON of a proof made with vk (swirl_proof_encode, then swirl_proof_json_from_bytes).
 *  SWIRL_E_INVALID_ARG when the proof's shape cannot be encoded for the key. */
enum swirl_status swirl_proof_to_json(json_t **out, const swirl_proof *p,
                                      const swirl_vk *vk) SWIRL_WARN_UNUSED_RESULT;

/** A proof from its JSON, decoded against vk with every shape check of swirl_proof_decode (*p is
 *  owned: swirl_proof_clear frees it). A "vk_pre_hash" other than vk's pre-hash is MALFORMED. */
enum swirl_status swirl_proof_from_json(swirl_proof *p, const json_t *j,
                                        const swirl_vk *vk) SWIRL_WARN_UNUSED_RESULT;

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_PROTOCOL_PROOF_JSON_H */
