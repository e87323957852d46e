/*
 * The rap_constraints stage on the GPU (prover/cuda_rap.cu; without CUDA, cuda_stub.c answers
 * SWIRL_E_NO_DEVICE): swirl_zerocheck_prove's contract (protocol/zerocheck.h) on a CUDA context,
 * with Fiat–Shamir on the device. The host plans (prover/rap_sched.h), uploads the transcript
 * state and the traces (stage "prover.rap_constraints.upload", its transfers counted), then the
 * whole stage runs on the device in one stage "prover.rap_constraints" whose only host sync is its
 * end: LogUp PoW (device grind), alpha/beta, the LogUp input layer, the device GKR, the
 * challenges, round 0 per trace and its polynomial work, the fold at r0, every multilinear round,
 * the openings; every proof value is written into the device proof buffer (rap_plan.h) and
 * downloaded once with the transcript state. The per-thread work and the control steps are
 * prover/rap_impl.h (tests/test_rap_twin.c replays them on the CPU).
 *
 * Memory: every device buffer of the stage comes from the context's arena scratch (given back at
 * the end), except the constraint program objects (device/cuda/cuda_zc.h: their own cudaMalloc,
 * created before the stages and destroyed after). swirl_cuda_rap_arena_bytes says how much arena
 * the stage needs.
 *
 * Not supported (SWIRL_E_UNSUPPORTED, nothing done): a transcript with a log attached (the device
 * cannot record it), a call inside an open stage.
 */
#ifndef SWIRL_PROVER_CUDA_RAP_H
#define SWIRL_PROVER_CUDA_RAP_H

#include "device/cuda/cuda_backend.h"
#include "protocol/zerocheck.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Arena bytes swirl_cuda_rap_constraints needs for these traces (the traces' columns included). */
enum swirl_status swirl_cuda_rap_arena_bytes(size_t *bytes, const swirl_zc_params *zp,
                                             const swirl_air_instance *traces,
                                             size_t n) SWIRL_WARN_UNUSED_RESULT;

/**
 * swirl_zerocheck_prove on the device: gkr, proof (allocated here; cleared on failure), r_out
 * (n_max + 1 values), *n_r, the transcript *t (its state moved on as the CPU prover moves it).
 * SWIRL_E_UNSATISFIED when the LogUp fractions do not sum to zero (then *t is unspecified);
 * SWIRL_E_NOMEM when the arena lacks room; SWIRL_E_CUDA on a device error.
 */
enum swirl_status swirl_cuda_rap_constraints(swirl_cuda_ctx *ctx, swirl_gkr_proof *gkr,
                                             swirl_batch_proof *proof, bb31x4 *r_out, size_t *n_r,
                                             swirl_transcript *t, const swirl_zc_params *zp,
                                             const swirl_air_instance *traces,
                                             size_t n) SWIRL_WARN_UNUSED_RESULT;

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_PROVER_CUDA_RAP_H */
