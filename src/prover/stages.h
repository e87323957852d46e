/*
 * The backend table: the prover calls its heavy work through it, and each backend fills it. It
 * has two levels.
 *
 * Stage slots (commit, rap_constraints, stacked_reduction, whir) follow OpenVM v2.0.1's device
 * HAL (crates/stark-backend/src/prover/hal.rs): TraceCommitter::commit (stacking, rs_code_matrix,
 * merkle_tree), MultiRapProver::prove_rap_constraints (LogUp PoW, LogUp-GKR, the batch constraint
 * sumcheck's round 0 and multilinear rounds with their folds), OpeningProver::prove_openings (split
 * here into the stacked reduction and WHIR, so a backend can take one without the other). A stage
 * slot is for a backend that runs a whole stage itself, Fiat–Shamir included (a GPU sampling the
 * transcript on device): the transcript is sampled between rounds inside a stage, so a backend
 * with only per-round operations would pay a host round trip per round, which staged dispatch
 * exists to avoid.
 *
 * Primitive slots (`ops`, a swirl_backend_ops: device/ops.h) are the heavy inner steps of the CPU
 * stage drivers: merkle_tree, rs_code_matrix, constraint_round0, constraint_round, gkr_tree,
 * gkr_layer, sumcheck_fold, whir_sumcheck, whir_fold. The CPU stage slots run the drivers (the
 * transcript logic) on be->ops, so a backend may also keep the CPU stage slots and replace
 * primitive slots one at a time (starting from a copy of *swirl_backend_cpu_ops()). NULL ops means
 * the CPU table.
 *
 * Backends:
 *  - "cpu" (swirl_backend_cpu): the multi-threaded reference; a static table, nothing to free.
 *  - "cuda" (swirl_backend_cuda_create): commit runs on the GPU (one stage, one host sync); its
 *    PCS data stays on the device (prover/cuda_pcs.h: openings gathered there; the stacked
 *    matrix copied to the host only through the data's counted fallback, stage
 *    "cpu_fallback:pcs_download" with its bytes). The slots without GPU kernels yet run the CPU
 *    code with an explicit fallback: a warning through the log once per proof stage and a
 *    zero-kernel stage "cpu_fallback:<stage>" in the GPU stage trace, so nothing hides. Its
 *    primitive table (be->ops) is swirl_cuda_ops_init's: device buffers, CPU compute slots.
 * Every backend produces the same proof bytes (tests/test_gpu_flow.c, tests/test_backend.c).
 *
 * Ownership: a backend from swirl_backend_cuda_create / swirl_backend_select is owned by the
 * caller (swirl_backend_destroy; NULL and the static CPU table are no-ops). Outputs of the slots
 * are owned as the CPU functions they mirror say (pcs/stacked.h, protocol/zerocheck.h,
 * pcs/stacked_reduction.h, pcs/whir.h).
 */
#ifndef SWIRL_PROVER_STAGES_H
#define SWIRL_PROVER_STAGES_H

#include "device/cuda/cuda_backend.h"
#include "device/ops.h"
#include "pcs/stacked.h"
#include "pcs/stacked_reduction.h"
#include "pcs/whir.h"
#include "protocol/zerocheck.h"

typedef struct swirl_backend swirl_backend;

/** A stacked matrix a proof will commit (its layout's height and width), for planning. */
typedef struct swirl_commit_shape {
    size_t height, width;
} swirl_commit_shape;

struct swirl_backend {
    const char *name; /* "cpu" or "cuda" */
    swirl_cuda_ctx *gpu; /* the CUDA context (owned), NULL for the CPU backend */

    /** Called once per proof before its first commit with every stacked matrix the proof will
     *  commit (cached partitions and the common main): a device backend sizes its memory here
     *  (the CUDA arena: one reserve, no allocation on the hot path), and the AIR instances the
     *  rap_constraints stage will take (zp, inst[0..n_inst), sorted) so a backend that runs that
     *  stage on the device plans its memory too. NULL: nothing to plan. */
    enum swirl_status (*begin_proof)(const swirl_backend *be, const swirl_commit_shape *shapes,
                                     size_t n, unsigned log_blowup, const swirl_zc_params *zp,
                                     const swirl_air_instance *inst, size_t n_inst);
    /** prover.main_trace_commit / cached commits: swirl_stacked_commit's contract; the PCS data
     *  is the backend's (pcs/stacked.h), destroyed before the backend. */
    enum swirl_status (*commit)(const swirl_backend *be, swirl_stacked_pcs_data **out,
                                swirl_digest *root, const swirl_trace_view *traces, size_t n,
                                unsigned l_skip, unsigned n_stack, unsigned log_blowup,
                                unsigned k_whir);
    /** prover.rap_constraints: swirl_zerocheck_prove's contract. commits[0..n_commits) is the
     *  proof's committed data so far, as OpenVM's prove_rap_constraints gets the common main's
     *  PcsData and the committed cached mains: commits[0] the common main (its matrix k is
     *  traces[k].common), then per trace k in order its preprocessed data (when the AIR has a
     *  preprocessed trace) and one commitment per cached partition (each one matrix) — the
     *  order of the opening stages' commitments. A backend may read the traces' columns from
     *  there instead of from traces[] (the CUDA stage reads its own device data in place); the
     *  values are the same. n_commits may be 0 (then the traces are all there is). */
    enum swirl_status (*rap_constraints)(const swirl_backend *be, swirl_gkr_proof *gkr,
                                         swirl_batch_proof *proof, bb31x4 *r_out, size_t *n_r,
                                         swirl_transcript *t, const swirl_zc_params *zp,
                                         const swirl_air_instance *traces, size_t n,
                                         const swirl_stacked_pcs_data *const *commits,
                                         size_t n_commits);
    /** prover.openings.stacked_reduction: swirl_stacked_reduction_prove's contract. */
    enum swirl_status (*stacked_reduction)(const swirl_backend *be, swirl_stacking_proof *proof,
                                           bb31x4 *u_out, swirl_transcript *t,
                                           const swirl_stacked_commit_view *commits,
                                           size_t n_commits, unsigned l_skip, unsigned n_stack,
                                           const bb31x4 *r);
    /** prover.openings.whir: swirl_whir_prove's contract. */
    enum swirl_status (*whir)(const swirl_backend *be, swirl_whir_proof *proof,
                              swirl_transcript *t, const swirl_system_params *params,
                              const swirl_stacked_pcs_data *const *commits, size_t n_commits,
                              const bb31x4 *u_cube);

    /** The primitive operations (device/ops.h) the CPU stage drivers above call for their heavy
     *  steps; NULL means the CPU table (swirl_backend_cpu_ops). A backend that replaces a whole
     *  stage need not use them. */
    const swirl_backend_ops *ops;
};

#ifdef __cplusplus
extern "C" {
#endif

/** The CPU backend (static; never NULL). */
const swirl_backend *swirl_backend_cpu(void);

/** A CUDA backend on `device`. SWIRL_E_NO_DEVICE without a device or a CUDA build. The device
 *  arena is sized per proof from the traces (swirl_cuda_arena_reserve). */
enum swirl_status swirl_backend_cuda_create(swirl_backend **out,
                                            int device) SWIRL_WARN_UNUSED_RESULT;

/**
 * By name: "cpu" (the static table), "cuda" (SWIRL_E_NO_DEVICE when there is none) or "auto"
 * (cuda when a device is present, else cpu). Anything else is SWIRL_E_INVALID_ARG.
 */
enum swirl_status swirl_backend_select(swirl_backend **out,
                                       const char *name) SWIRL_WARN_UNUSED_RESULT;

/** Frees a backend from swirl_backend_cuda_create / swirl_backend_select (NULL, the CPU table:
 *  nothing). */
void swirl_backend_destroy(swirl_backend *be);

/** Non-zero when be's rap_constraints stage reads the traces' values on the host (the CPU
 *  backend; the CUDA backend unless its device stage runs: SWIRL_GPU_STAGES on and no
 *  transcript log, `logged`); 0 when it reads them only from the device commitments. */
int swirl_backend_rap_reads_host(const swirl_backend *be, int logged);

/** The GPU stage trace of a CUDA backend ({name, kernels, syncs, gpu_ms} per stage); *n = 0 and
 *  NULL for the CPU backend. */
const swirl_stage_trace *swirl_backend_stage_trace(const swirl_backend *be, size_t *n);

/** Waits for the backend's background compiles (the CUDA backend's round-0 JIT); how many it
 *  waited for (0 for the CPU backend). */
unsigned swirl_backend_finish_compiles(swirl_backend *be);

/** The most device memory the backend held at once since the last reset (0 for the CPU backend);
 *  a reset starts over from what it holds now. */
size_t swirl_backend_device_peak(const swirl_backend *be);
void swirl_backend_device_peak_reset(swirl_backend *be);

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_PROVER_STAGES_H */
