/* The GPU main-trace commitment as PCS data that stays on the device (see cuda_pcs.c). */
#ifndef SWIRL_PROVER_CUDA_PCS_H
#define SWIRL_PROVER_CUDA_PCS_H

#include "pcs/stacked.h"

typedef struct swirl_cuda_ctx swirl_cuda_ctx;

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Same commitment as swirl_stacked_commit, computed on the GPU; the result is PCS data owned by
 * the context: the stacked matrix, codeword and Merkle layers stay in the arena's persistent
 * region (held until the data is destroyed), openings are gathered on the device
 * (swirl_cuda_open_rows), and a CPU stage that asks for the host matrix gets it through the one
 * counted fallback (stage "cpu_fallback:pcs_download", with its bytes, and a warning in the log).
 * The caller plans the arena (swirl_cuda_arena_reserve) before the proof's first commitment. The
 * data must be destroyed before the context; data that outlives an arena reset answers
 * SWIRL_E_INVALID_ARG. Without a CUDA build: SWIRL_E_NO_DEVICE; a device failure: SWIRL_E_CUDA
 * (SWIRL_E_NOMEM for memory).
 */
enum swirl_status swirl_cuda_commit_pcs(swirl_cuda_ctx *ctx, swirl_stacked_pcs_data **out,
                                        swirl_digest *root, const swirl_trace_view *traces,
                                        size_t n, unsigned l_skip, unsigned n_stack,
                                        unsigned log_blowup,
                                        unsigned k_whir) SWIRL_WARN_UNUSED_RESULT;

/**
 * The device buffers of GPU PCS data committed on ctx (any output may be NULL): the stacked
 * matrix (layout height x width, column-major), the codeword (cw_height x width, column-major)
 * and the digest layers (one block at the plan's offsets), for the opening stages that run on
 * the device. SWIRL_E_INVALID_ARG when d is not GPU data of ctx, or its arena was emptied.
 */
enum swirl_status swirl_cuda_pcs_device(const swirl_stacked_pcs_data *d,
                                        const swirl_cuda_ctx *ctx, const bb31 **d_matrix,
                                        const bb31 **d_codeword,
                                        const swirl_digest **d_layers) SWIRL_WARN_UNUSED_RESULT;
/** Non-zero when d is live GPU PCS data committed on ctx. */
int swirl_cuda_pcs_on_device(const swirl_stacked_pcs_data *d, const swirl_cuda_ctx *ctx);

#ifdef __cplusplus
}
#endif

#endif
