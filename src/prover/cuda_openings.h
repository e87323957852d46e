/*
 * The opening stages on the GPU, device-resident (prover/cuda_openings.cu; without a CUDA build,
 * prover/cuda_openings_stub.c answers SWIRL_E_NO_DEVICE).
 */
#ifndef SWIRL_PROVER_CUDA_OPENINGS_H
#define SWIRL_PROVER_CUDA_OPENINGS_H

#include "device/cuda/cuda_backend.h"
#include "pcs/stacked_reduction.h"
#include "transcript/ts_async.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * swirl_stacked_reduction_prove on the GPU, as one stage "prover.openings.stacked_reduction"
 * with one host sync (its end): the same proof, u and transcript state, byte for byte.
 *
 * The stacked columns come from the device: a commit whose `pcs` is GPU PCS data of ctx
 * (swirl_cuda_commit_pcs) is read where it lies; any other commit's host matrix (`matrix`, or
 * host PCS data's) is uploaded into scratch inside the stage (its bytes are the stage's). The
 * transcript state goes up, every challenge is sampled on the device, the proof buffer and the
 * state come down in one copy. A transcript log attached to *t gets the stage's operations
 * by a host replay of the proof values, which must end in the device's state (else
 * SWIRL_E_INTERNAL). Scratch comes from the arena (swirl_cuda_stacked_reduction_bytes) and is
 * rewound before returning. Fails with SWIRL_E_INTERNAL inside an open stage.
 */
enum swirl_status swirl_cuda_stacked_reduction(swirl_cuda_ctx *ctx, swirl_stacking_proof *proof,
                                               bb31x4 *u_out, swirl_transcript *t,
                                               const swirl_stacked_commit_view *commits,
                                               size_t n_commits, unsigned l_skip,
                                               unsigned n_stack,
                                               const bb31x4 *r) SWIRL_WARN_UNUSED_RESULT;

/**
 * swirl_cuda_stacked_reduction for a transcript still being observed into on a worker thread
 * (*obs, e.g. rap_constraints' openings started by swirl_cuda_rap_constraints_deferred): the plan,
 * its upload and the stage's transcript-free kernels (the eq tables from r, W) go ahead, the
 * observation is joined, then the state goes up and λ is sampled from it. obs NULL or not
 * started: swirl_cuda_stacked_reduction. Joined on return, whatever the result (*obs keeps its
 * values until swirl_ts_async_clear).
 */
enum swirl_status swirl_cuda_stacked_reduction_pending(
    swirl_cuda_ctx *ctx, swirl_stacking_proof *proof, bb31x4 *u_out, swirl_transcript *t,
    const swirl_stacked_commit_view *commits, size_t n_commits, unsigned l_skip, unsigned n_stack,
    const bb31x4 *r, swirl_ts_async *obs) SWIRL_WARN_UNUSED_RESULT;

/**
 * Arena scratch bytes swirl_cuda_stacked_reduction needs for these commits (uploads of host
 * matrices included when ctx is NULL or the commit is not GPU data of ctx); 0 when the
 * arguments are invalid (the stage then reports why).
 */
size_t swirl_cuda_stacked_reduction_bytes(const swirl_cuda_ctx *ctx,
                                          const swirl_stacked_commit_view *commits,
                                          size_t n_commits, unsigned l_skip, unsigned n_stack);

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_PROVER_CUDA_OPENINGS_H */
