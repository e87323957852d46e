/* The GPU main-trace commitment returned as host PCS data (see cuda_commit_host.c). */
#ifndef SWIRL_PROVER_CUDA_COMMIT_HOST_H
#define SWIRL_PROVER_CUDA_COMMIT_HOST_H

#include "pcs/stacked.h"

typedef struct swirl_cuda_ctx swirl_cuda_ctx;

#ifdef __cplusplus
extern "C" {
#endif

/** Same outputs as swirl_stacked_commit, computed on the GPU (resets the context's arena). Without
 * a CUDA build: SWIRL_E_NO_DEVICE; a device failure: SWIRL_E_CUDA (SWIRL_E_NOMEM for memory). */
enum swirl_status swirl_cuda_commit_to_host(swirl_cuda_ctx *ctx, swirl_stacked_pcs_data **out,
                                            swirl_digest *root, const swirl_trace_view *traces,
                                            size_t n, unsigned l_skip, unsigned n_stack,
                                            unsigned log_blowup,
                                            unsigned k_whir) SWIRL_WARN_UNUSED_RESULT;

#ifdef __cplusplus
}
#endif

#endif
