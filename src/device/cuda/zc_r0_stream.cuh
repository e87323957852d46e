/*
 * Round 0's stream kernel (device/zc_stream.h) around the evaluation itself: the geometry, the
 * weights eq_x and 1 / (p^N - 1), the block sum and the partials. Two kernels share it:
 * k_zc_r0_stream (zc_constraint.cu), whose evaluation interprets the stream, and swirl_zc_r0_jit
 * (device/zc_jit_prelude.h), whose evaluation is the stream compiled to straight-line code by
 * NVRTC at run time (device/cuda/zc_jit.cu). One definition, so both write the same partials.
 *
 * Geometry (as k_zc_round0): a block of SWIRL_ZC_THREADS threads covers PB points (the largest
 * power of two <= SWIRL_ZC_THREADS dividing np) by XB = SWIRL_ZC_THREADS / PB hypercube points;
 * blockIdx.y picks the point group, blockIdx.x strides over the hypercube points x0 .. x0 + cx - 1,
 * blockIdx.z picks which of gridDim.z (1, 2, 4 or 8) runs of the stream's parts the block runs.
 * partial[((blockIdx.z gridDim.x + blockIdx.x) np + p) 3 + k] gets (acc_in: adds) the block's sums.
 *
 * Only device/zc_base.h (the field) is included: NVRTC compiles this header as it is.
 */
#ifndef SWIRL_DEVICE_CUDA_ZC_R0_STREAM_CUH
#define SWIRL_DEVICE_CUDA_ZC_R0_STREAM_CUH

#include "device/zc_base.h"

#define SWIRL_ZC_THREADS 128u /* threads of a block of the per-thread constraint kernels */

/* the launch's arguments (one struct: the interpreter's and the JIT kernel's launches agree) */
typedef struct swirl_zc_r0_args {
    const bb31 *U;         /* input row j of evaluation e at U[j E + e], e = (x - x0) np + p */
    const bb31x4 *eq_x;    /* eq weights of the hypercube points */
    const bb31 *pts;       /* the evaluation points (zerofier weights) */
    const bb31x4 *lp;      /* lambda powers (CONS) */
    const bb31x4 *bp;      /* beta powers (FIELD, IEND) */
    const bb31x4 *eq3b;    /* per interaction (COUNT, IEND) */
    bb31x4 *partial;       /* the blocks' sums */
    unsigned long long x0; /* first hypercube point of the chunk */
    unsigned long long cx; /* hypercube points of the chunk */
    uint32_t E;            /* evaluations of the chunk (cx np) */
    uint32_t N, np, PB;
    uint32_t nzcN, nluN; /* points p < nzcN take the zerocheck sum, p < nluN the LogUp sums */
    int acc_in;          /* add to the partials (a later chunk) */
} swirl_zc_r0_args;

/* a read-only extension value */
__device__ __forceinline__ bb31x4 swirl_zc_ldx(const bb31x4 *p) {
    bb31x4 r;
    for (int e = 0; e < 4; e++)
        r.c[e] = swirl_zc_ldb(&p->c[e]);
    return r;
}

/* sums red[k][pi + PB xi] over xi < XB into red[k][pi] (XB any positive count); every thread of
 * the block calls it */
__device__ __forceinline__ void swirl_zc_block_reduce(bb31x4 (*red)[SWIRL_ZC_THREADS], uint32_t PB,
                                                      uint32_t XB, uint32_t xi, uint32_t pi) {
    __syncthreads();
    for (uint32_t s = 1; s < XB; s <<= 1) {
        if (xi < XB && (xi % (2 * s)) == 0 && xi + s < XB)
            for (int k = 0; k < 3; k++)
                red[k][pi + PB * xi] = bb31x4_add(red[k][pi + PB * xi], red[k][pi + PB * (xi + s)]);
        __syncthreads();
    }
}

/* the stream's parts [*q0, *q1) this block runs (blockIdx.z of gridDim.z runs) */
__device__ __forceinline__ void swirl_zc_r0_parts(uint32_t *q0, uint32_t *q1) {
    uint32_t C = gridDim.z, c = blockIdx.z;
    *q0 = c * SWIRL_ZC_STREAM_PARTS / C;
    *q1 = (c + 1) * SWIRL_ZC_STREAM_PARTS / C;
}

/* The kernel body: run(o, e) writes evaluation e's sums over this block's parts (o[0]: sum_k
 * lambda^k C_k, o[1], o[2]: the LogUp numerator and denominator). */
template <class Run>
__device__ __forceinline__ void swirl_zc_r0_stream_body(const swirl_zc_r0_args &a, Run run) {
    __shared__ bb31x4 red[3][SWIRL_ZC_THREADS];
    uint32_t XB = SWIRL_ZC_THREADS / a.PB, pi = threadIdx.x % a.PB, xi = threadIdx.x / a.PB;
    uint32_t p = blockIdx.y * a.PB + pi;
    bb31x4 acc[3] = {bb31x4_zero(), bb31x4_zero(), bb31x4_zero()};
    int zc = p < a.nzcN, lu = p < a.nluN;
    bb31 zfinv = bb31_zero();
    if (zc)
        zfinv = swirl_zc_r0_zfinv(swirl_zc_ldb(&a.pts[p]), a.N);
    for (unsigned long long xg = blockIdx.x; xg * XB < a.cx; xg += gridDim.x) {
        unsigned long long x = xg * XB + xi;
        if (x >= a.cx || (!zc && !lu))
            continue;
        bb31x4 o[3];
        run(o, (size_t)(x * a.np + p));
        bb31x4 eqx = swirl_zc_ldx(&a.eq_x[a.x0 + x]);
        if (zc)
            acc[0] = bb31x4_add(acc[0], bb31x4_mul(eqx, bb31x4_mul_base(o[0], zfinv)));
        if (lu) {
            acc[1] = bb31x4_add(acc[1], bb31x4_mul(eqx, o[1]));
            acc[2] = bb31x4_add(acc[2], bb31x4_mul(eqx, o[2]));
        }
    }
    for (int k = 0; k < 3; k++)
        red[k][threadIdx.x] = acc[k];
    swirl_zc_block_reduce(red, a.PB, XB, xi, pi);
    if (xi == 0)
        for (int k = 0; k < 3; k++) {
            bb31x4 *d = &a.partial[(((size_t)blockIdx.z * gridDim.x + blockIdx.x) * a.np + p) * 3 + k];
            *d = a.acc_in ? bb31x4_add(*d, red[k][pi]) : red[k][pi];
        }
}

#endif /* SWIRL_DEVICE_CUDA_ZC_R0_STREAM_CUH */
