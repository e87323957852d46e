/*
 * PoW grinding by one thread block (device code, for swirl_cuda_transcript_grind's small bit
 * counts and for control kernels that grind between two transcript steps, prover/cuda_whir.cu):
 * the block tests candidates base + threadIdx.x, base = 0, blockDim.x, 2 blockDim.x, ... in
 * lockstep strides; the first stride holding a witness gives its smallest one (every smaller
 * candidate was tested in an earlier stride or in this one), so the witness is the smallest one,
 * as swirl_transcript_grind's (the CPU twin: transcript/transcript.c). Expected strides
 * 2^bits / blockDim.x: used up to SWIRL_TS_BLOCK_GRIND_MAX_BITS bits.
 */
#ifndef SWIRL_DEVICE_CUDA_TS_GRIND_CUH
#define SWIRL_DEVICE_CUDA_TS_GRIND_CUH

#include "transcript/transcript_impl.h"

#define SWIRL_TS_BLOCK_GRIND_MAX_BITS 8u
#define SWIRL_TS_GRIND_NONE 0xffffffffu

/* Every thread of the block calls it (it has barriers) with the same *s (shared or global,
 * unchanged); returns the smallest witness w (canonical) with candidate_ok(bits, w) to every
 * thread, SWIRL_TS_GRIND_NONE when none is < p. */
static __device__ __noinline__ uint32_t swirl_ts_block_grind(const swirl_transcript *s, unsigned bits,
                                                             const swirl_ts_tables *tb) {
    __shared__ uint32_t best;
    if (threadIdx.x == 0)
        best = SWIRL_TS_GRIND_NONE;
    __syncthreads();
    for (uint32_t base = 0; base < BB31_P; base += blockDim.x) {
        uint32_t w = base + threadIdx.x;
        if (w < BB31_P && swirl_ts_pow_candidate_ok(s, bits, bb31_from_u32(w), tb))
            atomicMin(&best, w);
        __syncthreads();
        uint32_t b = best;
        __syncthreads(); /* every thread has read best before any leaves (uniform exit) */
        if (b != SWIRL_TS_GRIND_NONE)
            return b;
    }
    return SWIRL_TS_GRIND_NONE;
}

#endif /* SWIRL_DEVICE_CUDA_TS_GRIND_CUH */
