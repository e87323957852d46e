/*
 * Encoding of the PCS parts of a proof exactly as OpenVM v2.0.1 proof.rs encodes StackingProof and
 * WhirProof (codec.rs conventions, see bytes.h). Decoding checks every length against the remaining
 * input before allocating, and (for WHIR) that the in-band shapes match the system parameters:
 * anything else is SWIRL_E_PROOF_MALFORMED.
 */
#ifndef SWIRL_PROTOCOL_CODEC_PCS_H
#define SWIRL_PROTOCOL_CODEC_PCS_H

#include "pcs/stacked_reduction.h"
#include "pcs/whir.h"
#include "protocol/bytes.h"

#ifdef __cplusplus
extern "C" {
#endif

void swirl_stacking_proof_encode(swirl_bytes *out, const swirl_stacking_proof *p);
enum swirl_status swirl_stacking_proof_decode(swirl_stacking_proof *p,
                                              swirl_reader *r) SWIRL_WARN_UNUSED_RESULT;

void swirl_whir_proof_encode(swirl_bytes *out, const swirl_whir_proof *p,
                             const swirl_system_params *params);
enum swirl_status swirl_whir_proof_decode(swirl_whir_proof *p, swirl_reader *r,
                                          const swirl_system_params *params)
    SWIRL_WARN_UNUSED_RESULT;

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_PROTOCOL_CODEC_PCS_H */
