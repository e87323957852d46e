/*
 * The control warp (device code): a control kernel runs its Fiat-Shamir steps on one warp in the
 * transcript's warp mode (transcript/transcript_impl.h): all 32 lanes call every step on ONE
 * transcript in shared memory, the permutation is hash/poseidon2_warp.h's (about 3x shorter
 * dependent chain than one thread's, docs/PERF.md "Warp transcript"), lane 0 writes. A kernel
 * launches 32 threads, or keeps its block and lets warp 0 (threadIdx.x < 32) run the steps; no
 * local copy of the transcript (tools/check_ctl_ptx.py).
 */
#ifndef SWIRL_DEVICE_CUDA_TS_WARP_CUH
#define SWIRL_DEVICE_CUDA_TS_WARP_CUH

#include "transcript/transcript_impl.h"

/* the lanes' constants in global memory: lane l reads entry l of a round (one coalesced load,
 * in L1 after the first permutation); uniform entries fold into immediates */
static __device__ const p2_bb16_lane_tables swirl_ts_lane_tab = P2_BB16_LANE_TABLES_INIT;

/* warp-mode tables: the one-thread ones (__constant__, for grinding on the same transcript) and
 * the lanes' */
__device__ __forceinline__ swirl_ts_tables swirl_ts_warp_tables(const uint32_t *ext_init,
                                                                const uint32_t *ext_final,
                                                                const uint32_t *internal) {
    swirl_ts_tables tb = {ext_init, ext_final, internal, 1, &swirl_ts_lane_tab};
    return tb;
}

/* the calling warp's shared transcript *st from *t (lane 0 copies); every lane calls it */
__device__ __forceinline__ void swirl_ts_warp_load(swirl_transcript *st,
                                                   const swirl_transcript *t) {
    if ((threadIdx.x & 31u) == 0)
        *st = *t;
    __syncwarp();
}

/* *t from the shared transcript (lane 0, after the warp's last step); every lane calls it */
__device__ __forceinline__ void swirl_ts_warp_store(swirl_transcript *t,
                                                    const swirl_transcript *st) {
    __syncwarp();
    if ((threadIdx.x & 31u) == 0)
        *t = *st;
}

/* lane 0's v[0..n) on every lane (a block sum leaves its result on thread 0): the steps then
 * compute the same values on every lane */
__device__ __forceinline__ void swirl_ts_warp_bcast_x4(bb31x4 *v, int n) {
    for (int k = 0; k < n; k++)
        for (int c = 0; c < 4; c++)
            v[k].c[c].v = __shfl_sync(0xffffffffu, v[k].c[c].v, 0);
}

#endif /* SWIRL_DEVICE_CUDA_TS_WARP_CUH */
