/*
 * The main-trace commitment as one GPU stage (cuda_stacked_commit.cu), on the device layer's
 * primitives (device/cuda: NTT, Poseidon2, Merkle, staged transfers). Without a CUDA build,
 * prover/cuda_stub.c answers SWIRL_E_NO_DEVICE.
 */
#ifndef SWIRL_PROVER_CUDA_STACKED_COMMIT_H
#define SWIRL_PROVER_CUDA_STACKED_COMMIT_H

#include "device/cuda/cuda_backend.h"
#include "pcs/stacked.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * The whole main-trace commitment on the GPU in one stage ("stacked_commit", with sub-stage
 * timings rs_code_matrix / merkle_tree taken from events, not syncs): uploads the traces, stacks,
 * encodes, builds the tree, downloads the root. Optional outputs (device pointers into the arena,
 * valid until the arena is reset): *d_stacked (layout.height x width), *d_codeword.
 */
enum swirl_status swirl_cuda_stacked_commit(swirl_cuda_ctx *ctx, swirl_digest *root,
                                            swirl_stacked_layout *layout, bb31 **d_stacked,
                                            bb31 **d_codeword, swirl_cuda_merkle *tree,
                                            const swirl_trace_view *traces, size_t n_traces,
                                            unsigned l_skip, unsigned n_stack, unsigned log_blowup,
                                            unsigned k_whir) SWIRL_WARN_UNUSED_RESULT;

/** Device memory the commitment needs (arena bytes), for planning. */
size_t swirl_cuda_stacked_commit_bytes(size_t stacked_height, size_t stacked_width,
                                       unsigned log_blowup);

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_PROVER_CUDA_STACKED_COMMIT_H */
