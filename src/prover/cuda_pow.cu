/* PoW grinding on the GPU for the host transcript (see cuda_pow.h). */
#include "device/cuda/cuda_common.cuh"
#include "prover/cuda_pow.h"

extern "C" size_t swirl_cuda_pow_bytes(void) {
    /* the transcript, the witness and the search's scratch, each rounded to the arena's 256 */
    return 3 * 256 + sizeof(swirl_transcript) + swirl_cuda_transcript_grind_bytes();
}

extern "C" enum swirl_status swirl_cuda_pow_grind(void *vctx, const swirl_transcript *t,
                                                  unsigned bits, bb31 *witness) {
    swirl_cuda_ctx *ctx = (swirl_cuda_ctx *)vctx;
    SWIRL_CUDA_CHECK_CTX(ctx);
    SWIRL_ARG_CHECK(t != NULL && witness != NULL);
    const size_t mark = swirl_cuda_arena_mark(ctx);
    swirl_transcript *d_t = NULL;
    uint32_t *d_w = NULL;
    void *d_scratch = NULL;
    uint32_t w = 0;
    enum swirl_status st = swirl_cuda_stage_begin(ctx, "pow_grind");
    if (st != SWIRL_OK)
        return st;
    if ((st = swirl_cuda_alloc(ctx, (void **)&d_t, sizeof *d_t)) != SWIRL_OK ||
        (st = swirl_cuda_alloc(ctx, (void **)&d_w, sizeof *d_w)) != SWIRL_OK ||
        (st = swirl_cuda_alloc(ctx, &d_scratch, swirl_cuda_transcript_grind_bytes())) != SWIRL_OK ||
        (st = swirl_cuda_upload(ctx, d_t, t, sizeof *t)) != SWIRL_OK ||
        (st = swirl_cuda_transcript_grind(ctx, d_t, bits, d_w, d_scratch)) != SWIRL_OK ||
        (st = swirl_cuda_download(ctx, &w, d_w, sizeof w)) != SWIRL_OK ||
        (st = swirl_cuda_stage_end(ctx)) != SWIRL_OK) {
        swirl_cuda_stage_abort(ctx);
        swirl_cuda_arena_rewind(ctx, mark);
        return st;
    }
    swirl_cuda_arena_rewind(ctx, mark); /* scratch: the stage has synchronized */
    *witness = bb31_from_u32(w);
    return SWIRL_OK;
}
