/* Without a CUDA build: the device WHIR (prover/cuda_whir.h) answers SWIRL_E_NO_DEVICE. */
#include "prover/cuda_whir.h"

#ifndef SWIRL_HAVE_CUDA

#include <string.h>

enum swirl_status swirl_cuda_whir(swirl_cuda_ctx *ctx, swirl_whir_proof *proof,
                                  swirl_transcript *t, const swirl_system_params *params,
                                  const swirl_stacked_pcs_data *const *commits, size_t n_commits,
                                  const bb31x4 *u_cube) {
    (void)ctx;
    if (proof)
        memset(proof, 0, sizeof *proof);
    (void)t;
    (void)params;
    (void)commits;
    (void)n_commits;
    (void)u_cube;
    return SWIRL_RAISE(SWIRL_E_NO_DEVICE, "libswirl was built without the CUDA backend");
}

size_t swirl_cuda_whir_bytes(const swirl_cuda_ctx *ctx, const swirl_system_params *params,
                             const swirl_stacked_pcs_data *const *commits, size_t n_commits) {
    (void)ctx;
    (void)params;
    (void)commits;
    (void)n_commits;
    return 0;
}

#else
typedef int swirl_prover_cuda_whir_stub_unused;
#endif
