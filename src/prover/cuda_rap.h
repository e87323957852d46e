/*
 * The rap_constraints stage on the GPU (prover/cuda_rap.cu; without CUDA, cuda_stub.c answers
 * SWIRL_E_NO_DEVICE): swirl_zerocheck_prove's contract (protocol/zerocheck.h) on a CUDA context,
 * with Fiat–Shamir on the device. The host plans (prover/rap_sched.h); the whole stage runs on the
 * device in one stage "prover.rap_constraints" whose only host sync is its end: the small plan
 * data and the transcript state go up, then LogUp PoW (device grind), alpha/beta, the LogUp input
 * layer, the device GKR, the challenges, round 0 per trace and its polynomial work, the fold at
 * r0, every multilinear round, the openings; every proof value is written into the device proof
 * buffer (rap_plan.h) and downloaded once with the transcript state. The per-thread work and the
 * control steps are prover/rap_impl.h (tests/test_rap_twin.c replays them on the CPU).
 *
 * The traces' columns: read where the commitments keep them on this context (commits, in the
 * rap_constraints slot's order, prover/stages.h). The commitment's device stacked matrix holds a
 * trace of height >= 2^l_skip as a contiguous column-major block (pcs/stacked.h
 * swirl_stacked_layout_block): its views point there, no copy; a shorter trace's columns are
 * copied out of it on the device. A partition without a device copy (the key's preprocessed
 * data is host data; commitments not given, or not this context's) is uploaded from the host in
 * a stage "upload_fallback:prover.rap_constraints" (its bytes counted, a warning in the log).
 *
 * Memory: every device buffer of the stage comes from the context's arena scratch (given back at
 * the end), the constraint programs' value arrays and partials included (one shared slice each).
 * The programs' tables and schedules come from the context's cache (device/cuda/cuda_zc.h
 * swirl_cuda_program_cached): made and uploaded by the first proof that runs a program (its only
 * cudaMallocs, outside the arena: setup), reused by every later proof on the context, so a proof
 * whose arena is planned and whose programs are cached allocates nothing on the device.
 * swirl_cuda_rap_arena_bytes says how much arena the stage needs.
 *
 * Not supported (SWIRL_E_UNSUPPORTED, nothing done): a transcript with a log attached (the device
 * cannot record it), a call inside an open stage.
 */
#ifndef SWIRL_PROVER_CUDA_RAP_H
#define SWIRL_PROVER_CUDA_RAP_H

#include "device/cuda/cuda_backend.h"
#include "pcs/stacked.h"
#include "protocol/zerocheck.h"
#include "transcript/ts_async.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The partitions a plan may take as committed on the device (swirl_cuda_rap_arena_bytes). */
#define SWIRL_CUDA_RAP_RESIDENT_COMMON 1u /* the common main */
#define SWIRL_CUDA_RAP_RESIDENT_PREP 2u   /* the preprocessed traces */
#define SWIRL_CUDA_RAP_RESIDENT_CACHED 4u /* the cached partitions */
#define SWIRL_CUDA_RAP_RESIDENT_ALL 7u

/** Arena bytes swirl_cuda_rap_constraints needs for these traces, planned before the commitments
 *  exist: the partitions whose kind is in `resident` will be committed on the context (read in
 *  place, or copied out when shorter than 2^l_skip), the others uploaded (their columns in the
 *  arena). 0: every partition uploaded. */
enum swirl_status swirl_cuda_rap_arena_bytes(size_t *bytes, const swirl_zc_params *zp,
                                             const swirl_air_instance *traces, size_t n,
                                             unsigned resident) SWIRL_WARN_UNUSED_RESULT;

/**
 * swirl_zerocheck_prove on the device: gkr, proof (allocated here; cleared on failure), r_out
 * (n_max + 1 values), *n_r, the transcript *t (its state moved on as the CPU prover moves it).
 * commits[0..n_commits): the committed data of the traces in the rap_constraints slot's order
 * (prover/stages.h; n_commits 0: none), which must hold the traces' values: the GPU PCS data of
 * ctx (swirl_cuda_commit_pcs) among them is read in place. SWIRL_E_UNSATISFIED when the LogUp
 * fractions do not sum to zero (then *t is unspecified); SWIRL_E_NOMEM when the arena lacks room;
 * SWIRL_E_CUDA on a device error.
 */
enum swirl_status swirl_cuda_rap_constraints(swirl_cuda_ctx *ctx, swirl_gkr_proof *gkr,
                                             swirl_batch_proof *proof, bb31x4 *r_out, size_t *n_r,
                                             swirl_transcript *t, const swirl_zc_params *zp,
                                             const swirl_air_instance *traces, size_t n,
                                             const swirl_stacked_pcs_data *const *commits,
                                             size_t n_commits) SWIRL_WARN_UNUSED_RESULT;

/** swirl_cuda_rap_constraints whose last Fiat-Shamir step, the openings' observation, runs on a
 *  worker thread (transcript/ts_async.h) from right after the stage's sync, while this function
 *  unpacks the proof and the caller goes on (e.g. swirl_cuda_stacked_reduction_pending, which
 *  joins it before its first challenge): on SWIRL_OK *obs holds the started observation and *t
 *  must not be touched before swirl_ts_async_join(obs); on a failure nothing runs (joined).
 *  obs NULL: swirl_cuda_rap_constraints. *obs must be zeroed or cleared. */
enum swirl_status swirl_cuda_rap_constraints_deferred(
    swirl_cuda_ctx *ctx, swirl_gkr_proof *gkr, swirl_batch_proof *proof, bb31x4 *r_out,
    size_t *n_r, swirl_transcript *t, const swirl_zc_params *zp, const swirl_air_instance *traces,
    size_t n, const swirl_stacked_pcs_data *const *commits, size_t n_commits,
    swirl_ts_async *obs) SWIRL_WARN_UNUSED_RESULT;

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_PROVER_CUDA_RAP_H */
