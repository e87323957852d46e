/*
 * The prover's flow (OpenVM v2.0.1 prover/mod.rs Coordinator::prove, cpu_backend.rs
 * prove_openings): sorts the traces, commits (common main, then the preprocessed and cached
 * partitions), observes the header, and runs rap_constraints, the stacked opening reduction and
 * WHIR through a backend's stage table (prover/stages.h). The proof, its input and the verifier
 * are protocol/flow.h's.
 */
#ifndef SWIRL_PROVER_PROVE_H
#define SWIRL_PROVER_PROVE_H

#include "protocol/flow.h"
#include "prover/stages.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Proves traces[i] for vk->per_air[i], i < vk->n_airs, with its stages run through the backend
 * `be` (NULL: the CPU backend; every backend gives the same proof bytes), recording the whole
 * Fiat-Shamir transcript into `log` when it is not NULL (the layout of OpenVM's TranscriptLog, for
 * diffing against OpenVM position by position).
 * Errors: SWIRL_E_INVALID_ARG for bad input (a height not a power of two or above the stacked
 * height, missing public values or cached partitions, a preprocessed AIR's height other than its
 * preprocessed trace's, a key without the preprocessed prover data, as decoded from bytes, the
 * commitments' stacked widths above w_stack); SWIRL_E_UNSATISFIED when the interactions do not
 * balance. Records the spans prover.cached_trace_commit when there are cached partitions (outside
 * stark_prove_excluding_trace: OpenVM receives cached traces committed) and
 * stark_prove_excluding_trace with OpenVM's sub-spans.
 */
enum swirl_status swirl_flow_prove(swirl_proof *proof, const swirl_vk *vk,
                              const swirl_trace_input *traces, const swirl_backend *be,
                              swirl_transcript_log *log) SWIRL_WARN_UNUSED_RESULT;

/**
 * swirl_flow_prove where d_common[i] (d_common may be NULL; a NULL entry: traces[i].common) is AIR
 * i's common main in device memory of be's CUDA context (traces[i].common NULL, traces[i].height
 * its height): the GPU commit reads it in place (no trace upload). Where host code would read
 * it — the rap_constraints stage on the host (SWIRL_GPU_STAGES=0, a transcript log, see
 * swirl_backend_rap_reads_host) — the flow downloads a host copy first, logged as a warning and
 * recorded as the stage "cpu_fallback:trace_download". SWIRL_E_INVALID_ARG for a device trace and
 * a backend without a GPU.
 */
enum swirl_status swirl_flow_prove_dev(swirl_proof *proof, const swirl_vk *vk,
                                       const swirl_trace_input *traces, const bb31 *const *d_common,
                                       const swirl_backend *be,
                                       swirl_transcript_log *log) SWIRL_WARN_UNUSED_RESULT;

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_PROVER_PROVE_H */
