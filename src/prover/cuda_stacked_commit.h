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
 * timings rs_code_matrix / merkle_tree taken from events, not syncs): uploads the host traces
 * (stage "trace_upload", none when every view has d_values: those are read in place), stacks,
 * encodes, builds the tree, downloads the root. The stacked matrix, the codeword and the digest
 * layers are slices of the arena's persistent region (valid until it is emptied: the caller
 * holds it, swirl_cuda_arena_hold); optional outputs *d_stacked (layout.height x width),
 * *d_codeword; tree->d_layers point into the persistent copy. Scratch is rewound on return.
 */
enum swirl_status swirl_cuda_stacked_commit(swirl_cuda_ctx *ctx, swirl_digest *root,
                                            swirl_stacked_layout *layout, bb31 **d_stacked,
                                            bb31 **d_codeword, swirl_cuda_merkle *tree,
                                            const swirl_trace_view *traces, size_t n_traces,
                                            unsigned l_skip, unsigned n_stack, unsigned log_blowup,
                                            unsigned k_whir) SWIRL_WARN_UNUSED_RESULT;

/** Device memory the commitment needs, for planning: its persistent bytes (matrix, codeword,
 *  layers) and its scratch bytes (released when it returns). */
void swirl_cuda_stacked_commit_plan(size_t *persistent, size_t *scratch, size_t stacked_height,
                                    size_t stacked_width, unsigned log_blowup);
/** persistent + scratch of swirl_cuda_stacked_commit_plan. */
size_t swirl_cuda_stacked_commit_bytes(size_t stacked_height, size_t stacked_width,
                                       unsigned log_blowup);

/**
 * open_rows on the device, one stage ("pcs_open_rows", one host sync): gathers the rows of the
 * queries idx[0..n) from the codeword (column-major, plan->height rows, ext degree 1) and their
 * Merkle siblings from the digest layers (plan's offsets) into scratch, and downloads them: rows
 * as swirl_merkle_open_host writes them, query after query; paths depth digests per query.
 */
enum swirl_status swirl_cuda_open_rows(swirl_cuda_ctx *ctx, const bb31 *d_codeword,
                                       const swirl_digest *d_layers, const swirl_merkle_plan *plan,
                                       const uint32_t *idx, size_t n, bb31 *rows,
                                       swirl_digest *paths) SWIRL_WARN_UNUSED_RESULT;

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_PROVER_CUDA_STACKED_COMMIT_H */
