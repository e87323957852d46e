/* Without a CUDA build: the prover's GPU stages answer SWIRL_E_NO_DEVICE (as device/cuda_stub.c
 * does for the device layer). */
#include "prover/cuda_pow.h"
#include "prover/cuda_stacked_commit.h"

#ifndef SWIRL_HAVE_CUDA
#include "util/common.h"

#define NO_CUDA() SWIRL_RAISE(SWIRL_E_NO_DEVICE, "libswirl was built without the CUDA backend")

enum swirl_status swirl_cuda_stacked_commit(swirl_cuda_ctx *ctx, swirl_digest *root,
                                            swirl_stacked_layout *layout, bb31 **d_stacked,
                                            bb31 **d_codeword, swirl_cuda_merkle *tree,
                                            const swirl_trace_view *traces, size_t n_traces,
                                            unsigned l_skip, unsigned n_stack, unsigned log_blowup,
                                            unsigned k_whir) {
    (void)ctx;
    (void)root;
    (void)layout;
    (void)d_stacked;
    (void)d_codeword;
    (void)tree;
    (void)traces;
    (void)n_traces;
    (void)l_skip;
    (void)n_stack;
    (void)log_blowup;
    (void)k_whir;
    return NO_CUDA();
}
void swirl_cuda_stacked_commit_plan(size_t *persistent, size_t *scratch, size_t stacked_height,
                                    size_t stacked_width, unsigned log_blowup) {
    (void)stacked_height;
    (void)stacked_width;
    (void)log_blowup;
    *persistent = 0;
    *scratch = 0;
}
size_t swirl_cuda_stacked_commit_bytes(size_t stacked_height, size_t stacked_width,
                                       unsigned log_blowup) {
    (void)stacked_height;
    (void)stacked_width;
    (void)log_blowup;
    return 0;
}
enum swirl_status swirl_cuda_pow_grind(void *ctx, const swirl_transcript *t, unsigned bits,
                                       bb31 *witness) {
    (void)ctx;
    (void)t;
    (void)bits;
    (void)witness;
    return NO_CUDA();
}
size_t swirl_cuda_pow_bytes(void) {
    return 0;
}
enum swirl_status swirl_cuda_open_rows(swirl_cuda_ctx *ctx, const bb31 *d_codeword,
                                       const swirl_digest *d_layers, const swirl_merkle_plan *plan,
                                       const uint32_t *idx, size_t n, bb31 *rows,
                                       swirl_digest *paths) {
    (void)ctx;
    (void)d_codeword;
    (void)d_layers;
    (void)plan;
    (void)idx;
    (void)n;
    (void)rows;
    (void)paths;
    return NO_CUDA();
}

#else
typedef int swirl_prover_cuda_stub_unused;
#endif
