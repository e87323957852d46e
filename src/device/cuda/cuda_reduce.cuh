/*
 * Grid-stride indices, and block and warp sums of extension-field values for the GPU stages'
 * kernels (GKR, the stacked reduction, WHIR): exact field additions, so the order of the sum never
 * changes a result.
 */
#ifndef SWIRL_DEVICE_CUDA_REDUCE_CUH
#define SWIRL_DEVICE_CUDA_REDUCE_CUH

#include <stdint.h>

#include "field/bb31_ext4.h"

/* grid-stride loops: this thread's first index and the stride */
__device__ __forceinline__ uint64_t swirl_grid_tid() {
    return (uint64_t)blockIdx.x * blockDim.x + threadIdx.x;
}
__device__ __forceinline__ uint64_t swirl_grid_stride() {
    return (uint64_t)gridDim.x * blockDim.x;
}

/* v from the lane `off` above (a full warp takes part) */
__device__ __forceinline__ bb31x4 swirl_shfl_down_x4(bb31x4 v, unsigned off) {
    bb31x4 o;
    for (int c = 0; c < 4; c++)
        o.c[c].v = __shfl_down_sync(0xffffffffu, v.c[c].v, off);
    return o;
}

/* Sums v[0..n) over the block (n <= 2); the sums are in thread 0's v. blockDim.x is a multiple of
 * 32 (at most 1024); sh holds 2 * 32 entries. Every thread of the block must call it. */
__device__ __forceinline__ void swirl_block_sum_x4(bb31x4 *v, int n, bb31x4 *sh) {
    unsigned lane = threadIdx.x & 31u, warp = threadIdx.x >> 5, nw = blockDim.x >> 5;
    for (unsigned off = 16; off > 0; off >>= 1)
        for (int k = 0; k < n; k++)
            v[k] = bb31x4_add(v[k], swirl_shfl_down_x4(v[k], off));
    if (lane == 0)
        for (int k = 0; k < n; k++)
            sh[warp * 2 + k] = v[k];
    __syncthreads();
    if (warp == 0) {
        for (int k = 0; k < n; k++)
            v[k] = lane < nw ? sh[lane * 2 + k] : bb31x4_zero();
        for (unsigned off = 16; off > 0; off >>= 1)
            for (int k = 0; k < n; k++)
                v[k] = bb31x4_add(v[k], swirl_shfl_down_x4(v[k], off));
    }
    __syncthreads();
}

#endif /* SWIRL_DEVICE_CUDA_REDUCE_CUH */
