/*
 * WHIR on the GPU, device-resident (prover/cuda_whir.cu; without a CUDA build,
 * prover/cuda_whir_stub.c answers SWIRL_E_NO_DEVICE).
 */
#ifndef SWIRL_PROVER_CUDA_WHIR_H
#define SWIRL_PROVER_CUDA_WHIR_H

#include "device/cuda/cuda_backend.h"
#include "pcs/whir.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * swirl_whir_prove on the GPU (its contract: the same proof and transcript state, byte for
 * byte), as one stage "prover.openings.whir" with one host sync (its end): the transcript state
 * goes up; μ-PoW, μ, the batched multilinear, every sumcheck round (block partial sums, one-thread
 * observe), the folding PoW, α and the fold, the folded polynomial's coefficients, its RS
 * encoding (swirl_cuda_ntt) and Merkle tree (swirl_cuda_merkle_build), z0 and the OOD value or
 * the final polynomial, the query PoW, the query indices, the openings and γ all run on the
 * device; the proof buffer (prover/whir_dplan.h) and the transcript state come down in one copy.
 *
 * Commits that are GPU PCS data of ctx (swirl_cuda_commit_pcs) are read where they lie (matrix,
 * codeword and Merkle layers; their first-round openings gathered on the device); any other
 * commit's stacked matrix (host data's, or the counted fallback of other device data) is uploaded
 * inside the stage and its first-round openings are made on the host after the stage
 * (swirl_stacked_pcs_open_rows with the indices the device sampled). A transcript log attached to
 * *t gets the stage's operations by a host replay of the proof values, which must end in the
 * device's state (else SWIRL_E_INTERNAL). Scratch comes from the arena (swirl_cuda_whir_bytes) and
 * is rewound before returning.
 * Errors: SWIRL_E_INVALID_ARG (swirl_whir_prove's argument checks), SWIRL_E_UNSUPPORTED (a round
 * with more than SWIRL_WHIR_IMPL_MAX_QUERIES queries), SWIRL_E_INTERNAL (called inside an open
 * stage; a device result that fails its host check), SWIRL_E_NOMEM (arena or host memory),
 * SWIRL_E_CUDA. On failure *proof is left empty.
 */
enum swirl_status swirl_cuda_whir(swirl_cuda_ctx *ctx, swirl_whir_proof *proof,
                                  swirl_transcript *t, const swirl_system_params *params,
                                  const swirl_stacked_pcs_data *const *commits, size_t n_commits,
                                  const bb31x4 *u_cube) SWIRL_WARN_UNUSED_RESULT;

/**
 * Arena scratch bytes swirl_cuda_whir needs for these commits at its peak (the uploads of commits
 * that are not GPU data of ctx included; ctx NULL: every commit uploaded); 0 when the arguments
 * are invalid (the stage then reports why).
 */
size_t swirl_cuda_whir_bytes(const swirl_cuda_ctx *ctx, const swirl_system_params *params,
                             const swirl_stacked_pcs_data *const *commits, size_t n_commits);

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_PROVER_CUDA_WHIR_H */
