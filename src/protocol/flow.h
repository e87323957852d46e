/*
 * The proof, the prover's input, and the verifier's flow (OpenVM v2.0.1 verifier/mod.rs verify,
 * verifier/proof_shape.rs); the prover's flow (prover/mod.rs Coordinator::prove, cpu_backend.rs
 * prove_openings) is prover/prove.h, on the CPU or through a backend's stage table. For AIRs with
 * common main, preprocessed and cached main partitions:
 *
 *  - traces sorted by height, descending, ties in AIR order; optional AIRs may be left out;
 *  - commitments: the common main traces of all present AIRs in one stacked commitment, then per
 *    present AIR in the sorted order its preprocessed commitment (fixed by the key: keygen's
 *    PcsData, whose trace the prover reads back) and one commitment per cached partition (made by
 *    the prover from swirl_trace_input.cached; their roots are the proof's cached_commits);
 *  - observations: the vk pre-hash, the common main root, then per AIR in vk order: presence (when
 *    not required); for a present AIR the preprocessed commitment if it has one, else its log
 *    height (a preprocessed AIR's height is the preprocessed trace's: the verifier refuses any
 *    other); its cached commitments; its public values;
 *  - rap_constraints (LogUp-GKR + batch constraint sumcheck; openings per trace: common main,
 *    preprocessed, cached...), the stacked opening reduction over all commitments (claims: every
 *    trace's common main columns, then per trace its other parts, which is the commitments' order)
 *    and WHIR over the same commitments; their stacked widths together at most w_stack.
 *
 * Status: prove-then-verify, tampering and agreement with the stages chained by hand in OpenVM's
 * order are tested (test_flow, test_flow_partitions); the proof's bytes are codec_proof.h's; for
 * OpenVM's 5-AIR reference proof every transcript element, challenge and proof value equals
 * OpenVM's own output (test_openvm_proof).
 */
#ifndef SWIRL_PROTOCOL_FLOW_H
#define SWIRL_PROTOCOL_FLOW_H

#include "pcs/stacked_reduction.h"
#include "pcs/whir.h"
#include "protocol/keygen.h"
#include "protocol/zerocheck.h"

/** A proof (owned; swirl_proof_clear frees it). Per-AIR fields in vk order. */
typedef struct swirl_proof {
    size_t n_airs;
    uint8_t *present;      /* per AIR (vk order): 0 for an optional AIR left out */
    unsigned *log_heights; /* per AIR (vk order); unused when absent */
    bb31 **public_values;  /* per AIR, air->num_public_values each */
    /* per AIR (vk order): air->n_cached digests (TraceVData::cached_commitments); NULL for an AIR
     * without cached partitions or absent */
    swirl_digest **cached_commits;
    swirl_digest common_main_commit;
    swirl_gkr_proof gkr;
    swirl_batch_proof batch;
    swirl_stacking_proof stacking;
    swirl_whir_proof whir;
} swirl_proof;

/** One AIR's trace for the prover: the public swirl_trace (swirl/swirl_prover.h). */
typedef swirl_trace swirl_trace_input;

#ifdef __cplusplus
extern "C" {
#endif

void swirl_proof_clear(swirl_proof *p);

/** SWIRL_OK, SWIRL_E_PROOF_REJECTED or SWIRL_E_PROOF_MALFORMED (never crashes on a bad proof).
 *  MALFORMED for a wrong shape: a required AIR absent, a log height above the stacked height,
 *  cached_commits present for an AIR without cached partitions or absent, missing for one with
 *  them, the stacked widths above w_stack, ...; REJECTED when a check fails, including a
 *  preprocessed AIR whose log height is not its preprocessed trace's. `log` (NULL: none) records
 *  the verifier's transcript (swirl_transcript_log). */
enum swirl_status swirl_flow_verify(const swirl_vk *vk, const swirl_proof *proof,
                               swirl_transcript_log *log) SWIRL_WARN_UNUSED_RESULT;

#ifdef __cplusplus
}
#endif

#endif
