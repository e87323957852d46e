/*
 * A multilinear round's stream kernel (device/zc_stream.h) around the evaluation itself: the
 * geometry, the eq_y weights, the block sum and the partials. Two kernels share it:
 * k_zc_round_stream (zc_constraint.cu), whose evaluation interprets the stream
 * (swirl_zc_stream_range_x), and swirl_zc_mle_jit (device/zc_jit_prelude.h), whose evaluation is
 * the stream compiled by NVRTC at run time (device/cuda/zc_jit.cu). One definition, so both write
 * the same partials.
 *
 * Geometry: one evaluation (y, X) per thread, or per C = gridDim.z threads, each running its run
 * of the stream's parts (swirl_zc_r0_parts); X = blockIdx.y + 1 for the whole block, y over the
 * threads (a warp's reads of folded rows 2y, 2y + 1 are one contiguous run), blockIdx.x striding
 * over the groups of SWIRL_ZC_THREADS hypercube points. partial[((blockIdx.z gridDim.x +
 * blockIdx.x) G + X - 1) 3 + k] (G = gridDim.y) gets the block's eq_y-weighted sums.
 *
 * Only device/zc_mle.h and zc_r0_stream.cuh (the field) are included: NVRTC compiles it as it is.
 */
#ifndef SWIRL_DEVICE_CUDA_ZC_MLE_STREAM_CUH
#define SWIRL_DEVICE_CUDA_ZC_MLE_STREAM_CUH

#include "device/cuda/zc_r0_stream.cuh"
#include "device/zc_mle.h"

/* run(o, y, X) writes evaluation (y, X)'s sums over this block's parts (o[0]: sum_k lambda^k
 * C_k, o[1], o[2]: the LogUp numerator and denominator), not yet times eq_y */
template <class Run>
__device__ __forceinline__ void swirl_zc_mle_stream_body(const swirl_zc_mle_args &a, Run run) {
    __shared__ bb31x4 red[3][SWIRL_ZC_THREADS];
    bb31 X = bb31_from_u32(blockIdx.y + 1);
    bb31x4 acc[3] = {bb31x4_zero(), bb31x4_zero(), bb31x4_zero()};
    for (unsigned long long yg = blockIdx.x; yg * SWIRL_ZC_THREADS < a.ny; yg += gridDim.x) {
        unsigned long long y = yg * SWIRL_ZC_THREADS + threadIdx.x;
        if (y >= a.ny)
            continue;
        bb31x4 o[3];
        run(o, (size_t)y, X);
        bb31x4 e = swirl_zc_ldx(&a.eq_y[y]);
        for (int k = 0; k < 3; k++)
            acc[k] = bb31x4_add(acc[k], bb31x4_mul(e, o[k]));
    }
    for (int k = 0; k < 3; k++)
        red[k][threadIdx.x] = acc[k];
    /* the sum over the block's threads into red[k][0] (one point group: PB = 1) */
    swirl_zc_block_reduce(red, 1, SWIRL_ZC_THREADS, threadIdx.x, 0);
    if (threadIdx.x == 0)
        for (int k = 0; k < 3; k++)
            a.partial[(((size_t)blockIdx.z * gridDim.x + blockIdx.x) * gridDim.y + blockIdx.y) * 3 +
                      k] = red[k][0];
}

#endif /* SWIRL_DEVICE_CUDA_ZC_MLE_STREAM_CUH */
