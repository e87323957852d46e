/*
 * The prover and verifier flow (OpenVM v2.0.1 prover/mod.rs Coordinator::prove, verifier/mod.rs)
 * on the CPU, for AIRs whose traces are all common main (no preprocessed or cached partitions yet):
 * observe the vk pre-hash, commit the common main traces (stacked PCS) and observe the root, per
 * AIR observe presence (if not required), log height and public values, run rap_constraints
 * (LogUp-GKR
 * + batch constraint sumcheck), the stacked opening reduction and WHIR.
 *
 * Status: the stages are each tested against their own verifiers and chained (test_flow); the proof
 * is held in memory (no codec for the GKR and batch constraint parts yet) and byte agreement with
 * OpenVM is unchecked.
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

/** One AIR's trace for the prover: common main, column-major, height a power of two; common = NULL
 *  leaves an optional (not is_required) AIR out of the proof. */
typedef struct swirl_trace_input {
    const bb31 *common;
    size_t height;
    const bb31 *public_values;
    const bb31 *const *cached; /* air->n_cached partitions (column-major, same height), or NULL */
} swirl_trace_input;

#ifdef __cplusplus
extern "C" {
#endif

void swirl_proof_clear(swirl_proof *p);

/** Proves traces[i] for vk->per_air[i], i < vk->n_airs. */
enum swirl_status swirl_prove(swirl_proof *proof, const swirl_vk *vk,
                              const swirl_trace_input *traces) SWIRL_WARN_UNUSED_RESULT;

typedef struct swirl_backend swirl_backend;
/** swirl_prove with its stages run through the backend table `be` (backend/backend.h; NULL: the
 *  CPU backend). Every backend gives the same proof as swirl_prove. */
enum swirl_status swirl_prove_ex(swirl_proof *proof, const swirl_vk *vk,
                                 const swirl_trace_input *traces,
                                 const swirl_backend *be) SWIRL_WARN_UNUSED_RESULT;

/** SWIRL_OK, SWIRL_E_PROOF_REJECTED or SWIRL_E_PROOF_MALFORMED (never crashes on a bad proof). */
enum swirl_status swirl_verify(const swirl_vk *vk,
                               const swirl_proof *proof) SWIRL_WARN_UNUSED_RESULT;

#ifdef __cplusplus
}
#endif

#endif
