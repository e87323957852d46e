/*
 * Fiat-Shamir on the device: the host/device transcript (transcript/transcript_impl.h) run by
 * kernels on a swirl_transcript in device memory, so later stages can observe their proof values
 * and sample their challenges without a host round trip.
 *  - k_ts_script: one warp replays an op list (observe a value, or sample into the output list) in
 *    the transcript's warp mode (device/cuda/ts_warp.cuh: the warp permutation, lane 0 writes);
 *  - PoW grinding with no host sync. Up to SWIRL_TS_BLOCK_GRIND_MAX_BITS bits one launch: one
 *    block grinds (device/cuda/ts_grind.cuh: lockstep strides, the smallest witness), warp 0
 *    applies check_witness and writes the witness. Above, three launches: init, one search over
 *    every candidate (a grid sized to 2^(bits+4) candidates per stride, grid-stride loop; a
 *    thread stops at its first success or as soon as a smaller witness is known; successes meet
 *    in atomicMin, so the witness is the smallest one, as on the CPU), and a one-warp kernel that
 *    applies
 *    check_witness to the device transcript and writes the witness (p, an impossible value, when
 *    none exists). (Before: one launch per chunk of 2^(bits+4), 2^(bits+5), ... candidates up to
 *    p, ~27 - bits launches, most of them exiting at once.) The CPU twin is transcript.c (same
 *    implementation); tests/test_gpu_transcript.c compares them.
 */
#include "device/cuda/cuda_common.cuh"
#include "device/cuda/ts_grind.cuh"
#include "device/cuda/ts_warp.cuh"
#include "transcript/transcript_impl.h"
#include "util/settings.h"

__constant__ uint32_t c_ts_ext_init[64] = P2_BB16_RC_EXT_INITIAL_MONT;
__constant__ uint32_t c_ts_ext_final[64] = P2_BB16_RC_EXT_FINAL_MONT;
__constant__ uint32_t c_ts_internal[13] = P2_BB16_RC_INTERNAL_MONT;

/* one thread per candidate (grinding) */
__device__ __forceinline__ swirl_ts_tables d_ts_tables() {
    swirl_ts_tables tb = {c_ts_ext_init, c_ts_ext_final, c_ts_internal, 0, NULL};
    return tb;
}

/* the transcript's steps on one warp */
__device__ __forceinline__ swirl_ts_tables d_ts_warp_tables() {
    return swirl_ts_warp_tables(c_ts_ext_init, c_ts_ext_final, c_ts_internal);
}

/* one warp */
__global__ void k_ts_script(swirl_transcript *t, const uint32_t *ops, size_t n, uint32_t *outs) {
    SWIRL_KERNEL_ENTRY();
    __shared__ swirl_transcript s;
    swirl_ts_tables tb = d_ts_warp_tables();
    swirl_ts_warp_load(&s, t);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t op = ops[i];
        if (op & SWIRL_TS_OP_SAMPLE) {
            uint32_t v = bb31_to_u32(swirl_ts_sample(&s, &tb));
            if (threadIdx.x == 0)
                outs[o] = v;
            o++;
        } else {
            swirl_ts_observe(&s, bb31_from_u32(op), &tb);
        }
    }
    swirl_ts_warp_store(t, &s);
}

#define TS_NOT_FOUND 0xffffffffu /* larger than every candidate (< p < 2^31) */

/* the search's two words: the best witness so far, the next candidate to hand out */
__global__ void k_ts_grind_init(uint32_t *best) {
    SWIRL_KERNEL_ENTRY();
    best[0] = TS_NOT_FOUND;
    best[1] = 0;
}

/* The PoW search: warps take runs of 32 candidates in increasing order from a counter (best[1]),
 * test them and stop once a run starts at or past the best witness known (best[0]). Handed out
 * in order, every candidate below a witness is already in some warp's hands when it is found, so
 * the search ends at most one run per warp in flight past the smallest witness, however unevenly
 * the warps are scheduled. (A grid-stride loop, w = t + k * threads, measured 0.87 ms or 3.06 ms
 * for the same witness with 5 or 6 blocks an SM: warps the scheduler favoured ran many strides
 * past the witness while the warp holding it waited.) The state is read into shared memory once
 * and per candidate through a volatile pointer (else the compiler keeps the 16 loop-invariant
 * words in registers). Every lane of a warp takes the same branches (the shuffles and the
 * ballot need the whole warp). */
template <int MINB>
__global__ void __launch_bounds__(256, MINB) k_ts_grind_chunk(const swirl_transcript *t, unsigned bits,
                                                        uint32_t *best) {
    SWIRL_KERNEL_ENTRY();
    swirl_ts_tables tb = d_ts_tables();
    __shared__ bb31 st[P2_WIDTH];
    if (threadIdx.x < P2_WIDTH)
        st[threadIdx.x] = t->state[threadIdx.x];
    __syncthreads();
    const unsigned idx = t->absorb_idx, lane = threadIdx.x & 31u;
    for (;;) {
        uint32_t base = 0, known = 0;
        if (lane == 0) {
            base = atomicAdd(&best[1], 32u);
            known = *(volatile uint32_t *)best;
        }
        base = __shfl_sync(0xffffffffu, base, 0);
        known = __shfl_sync(0xffffffffu, known, 0);
        if (base >= known || base >= BB31_P) /* uniform over the warp */
            return;
        uint32_t w = base + lane;
        const volatile uint32_t *vs = (const volatile uint32_t *)st;
        bb31 s[P2_WIDTH], wm = bb31_from_u32(w < BB31_P ? w : 0u);
#pragma unroll
        for (unsigned k = 0; k < P2_WIDTH; k++)
            s[k].v = k == idx ? wm.v : vs[k];
        int ok = swirl_ts_pow_perm_ok(s, bits, &tb) && w < BB31_P;
        unsigned m = __ballot_sync(0xffffffffu, ok);
        if (m) { /* the warp's smallest; later runs are larger */
            if (lane == (unsigned)__ffs((int)m) - 1u)
                atomicMin(best, w);
            return;
        }
    }
}

/* bits <= SWIRL_TS_BLOCK_GRIND_MAX_BITS: the whole grind in one block, check_witness on warp 0 */
__global__ void __launch_bounds__(256) k_ts_grind_block(swirl_transcript *t, unsigned bits,
                                                        uint32_t *witness) {
    SWIRL_KERNEL_ENTRY();
    __shared__ swirl_transcript s;
    swirl_ts_tables tb = d_ts_tables();
    if (threadIdx.x == 0)
        s = *t;
    __syncthreads();
    uint32_t w = swirl_ts_block_grind(&s, bits, &tb);
    if (threadIdx.x >= 32)
        return;
    if (w == SWIRL_TS_GRIND_NONE) {
        if (threadIdx.x == 0)
            *witness = BB31_P;
        return;
    }
    swirl_ts_tables tw = d_ts_warp_tables();
    swirl_ts_check_witness(&s, bits, bb31_from_u32(w), &tw);
    swirl_ts_warp_store(t, &s);
    if (threadIdx.x == 0)
        *witness = w;
}

/* one warp */
__global__ void k_ts_grind_apply(swirl_transcript *t, unsigned bits, const uint32_t *best,
                                 uint32_t *witness) {
    SWIRL_KERNEL_ENTRY();
    __shared__ swirl_transcript s;
    uint32_t b = *best;
    if (b == TS_NOT_FOUND) {
        if (threadIdx.x == 0)
            *witness = BB31_P;
        return;
    }
    swirl_ts_tables tb = d_ts_warp_tables();
    swirl_ts_warp_load(&s, t);
    swirl_ts_check_witness(&s, bits, bb31_from_u32(b), &tb);
    swirl_ts_warp_store(t, &s);
    if (threadIdx.x == 0)
        *witness = b;
}

extern "C" enum swirl_status swirl_cuda_transcript_script(swirl_cuda_ctx *ctx,
                                                          swirl_transcript *d_t,
                                                          const uint32_t *d_ops, size_t n_ops,
                                                          uint32_t *d_out) {
    SWIRL_CUDA_CHECK_CTX(ctx);
    SWIRL_ARG_CHECK(d_t != NULL && (n_ops == 0 || d_ops != NULL));
    if (n_ops == 0)
        return SWIRL_OK;
    SWIRL_LAUNCH(ctx, k_ts_script, 1, 32, 0, d_t, d_ops, n_ops, d_out);
    return SWIRL_OK;
}

extern "C" size_t swirl_cuda_transcript_grind_bytes(void) {
    return 2 * sizeof(uint32_t);
}

extern "C" enum swirl_status swirl_cuda_transcript_grind(swirl_cuda_ctx *ctx, swirl_transcript *d_t,
                                                         unsigned bits, uint32_t *d_witness,
                                                         void *d_scratch) {
    SWIRL_CUDA_CHECK_CTX(ctx);
    SWIRL_ARG_CHECK(d_t != NULL && d_witness != NULL && d_scratch != NULL);
    if (bits >= 31)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "PoW bits %u: must be < 31", bits);
    if (bits <= SWIRL_TS_BLOCK_GRIND_MAX_BITS) {
        SWIRL_LAUNCH(ctx, k_ts_grind_block, 1, 256, 0, d_t, bits, d_witness);
        return SWIRL_OK;
    }
    uint32_t *best = (uint32_t *)d_scratch;
    SWIRL_LAUNCH(ctx, k_ts_grind_init, 1, 1, 0, best);
    /* one launch, the grid no larger than the blocks the card holds at once (queued blocks would
     * only start when resident ones have ended the search) */
    unsigned long long per = 1ull << (bits + 4 < 30 ? bits + 4 : 30);
    unsigned blocks = swirl_cuda_blocks((size_t)per, 256);
    /* the register budget: SWIRL_TS_GRIND_MINB blocks of 256 an SM (2 to 6; 6: 40 registers, no
     * spill) */
    unsigned minb = swirl_settings_get()->ts_grind_minb;
    void (*kern)(const swirl_transcript *, unsigned, uint32_t *) = minb == 2   ? k_ts_grind_chunk<2>
                                         : minb == 3 ? k_ts_grind_chunk<3>
                                         : minb == 5 ? k_ts_grind_chunk<5>
                                         : minb == 6 ? k_ts_grind_chunk<6>
                                                     : k_ts_grind_chunk<4>;
    int per_sm = 0;
    if (cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, kern, 256, 0) !=
            cudaSuccess ||
        per_sm < 1) {
        (void)cudaGetLastError(); /* the query's error is not the stream's */
        per_sm = 1;
    }
    unsigned cap = (unsigned)per_sm * (unsigned)(ctx->sm_count > 0 ? ctx->sm_count : 1);
    if (blocks > cap)
        blocks = cap;
    if (swirl_settings_get()->ts_grind_blocks) /* a tuning override */
        blocks = swirl_settings_get()->ts_grind_blocks;
    SWIRL_LAUNCH(ctx, kern, blocks, 256, 0, d_t, bits, best);
    SWIRL_LAUNCH(ctx, k_ts_grind_apply, 1, 32, 0, d_t, bits, best, d_witness);
    return SWIRL_OK;
}
