/*
 * What the generated round-0 code (device/zc_jit.h: swirl_zc_jit_generate) includes first. The
 * same texts compile two ways:
 *  - CUDA (NVRTC at run time, device/cuda/zc_jit.cu): chunks are static __noinline__ device
 *    functions, units extern "C" device functions (linked across separately compiled units), and
 *    the main text (SWIRL_ZC_JIT_MAIN) defines the kernel swirl_zc_r0_jit (SWIRL_ZC_JIT_KERNEL):
 *    round 0's stream kernel body (device/cuda/zc_r0_stream.cuh), the one the interpreter
 *    k_zc_r0_stream runs, around swirl_zc_jit_run;
 *  - C (tests/test_zc_jit.c's host twin): plain functions, swirl_zc_jit_run exported, checked
 *    against the interpreter swirl_zc_stream_range_b on the CPU.
 * The arithmetic is the library's own (field/bb31.h, field/bb31_ext4.h, device/zc_base.h), never a
 * copy of it: NVRTC gets these very files (embedded at build time).
 *
 * In the generated code a temporary is a local t<s>, input row j of the evaluation is U(j), the
 * constant of Montgomery form w is K(w); z, n, d are the sums swirl_zc_stream_range_b returns,
 * h the current interaction's field sum. The multilinear rounds' code (SWIRL_ZC_JIT_EXT below)
 * runs the same stream over extension values, as swirl_zc_stream_range_x, in the kernel
 * swirl_zc_mle_jit.
 */
#ifndef SWIRL_DEVICE_ZC_JIT_PRELUDE_H
#define SWIRL_DEVICE_ZC_JIT_PRELUDE_H

#include "device/zc_base.h"
#include "device/zc_mle.h"

/* input row j of this evaluation (u = U + e, E the row length) */
#define U(j) swirl_zc_ldb(u + (size_t)(j) * E)
/* the base-field constant of Montgomery form w */
#define K(w) swirl_zc_raw(w)

#if defined(__CUDACC__)
#define SWIRL_ZC_JIT_CHUNK static __device__ __noinline__
#define SWIRL_ZC_JIT_UNIT extern "C" __device__ __noinline__
#define SWIRL_ZC_JIT_RUN static __device__ __forceinline__
#else
#define SWIRL_ZC_JIT_CHUNK static
#define SWIRL_ZC_JIT_UNIT
#define SWIRL_ZC_JIT_RUN
#endif

#if defined(SWIRL_ZC_JIT_EXT)
/* The multilinear rounds' code (swirl_zc_jit_generate_mle; SWIRL_ZC_JIT_EXT is defined by the
 * text): a temporary is an extension value; in a chunk, ma is the launch's arguments, y2 = 2y and
 * X the evaluation's hypercube point and integer. Input j is its folded rows interpolated at X:
 * XS(j) a selector, XF(view, column) a variable, XP(column) a public value (as
 * swirl_zc_round_input); XK(w) a constant as an extension value. */
#define XS(j) swirl_zc_jitx_lerp(ma->fsel + (size_t)(j) * ma->H + y2, X)
#define XF(v, c) swirl_zc_jitx_lerp(ma->fold[v] + (size_t)(c) * ma->H + y2, X)
#define XP(c) bb31x4_from_base(swirl_zc_ldb(ma->pub + (c)))
#define XK(w) bb31x4_from_base(K(w))
/* the operations: the extension product and the input interpolation are called, not inlined
 * (inlined, KeccakAir's code was a 57 MB CUBIN that took NVRTC 6 minutes on 2 cores) */
#define XADD(a, b) bb31x4_add(a, b)
#define XSUB(a, b) bb31x4_sub(a, b)
#define XNEG(a) bb31x4_neg(a)
#define XMUL(a, b) swirl_zc_jitx_mul(a, b)
#define XMULK(a, k) bb31x4_mul_base(a, k)
#define XACC(s, w, a) bb31x4_add(s, swirl_zc_jitx_mul(*(w), a))
#if defined(__CUDACC__)
#define SWIRL_ZC_JITX_CALLED static __device__ __noinline__
#else
#define SWIRL_ZC_JITX_CALLED static
#endif
SWIRL_ZC_JITX_CALLED bb31x4 swirl_zc_jitx_mul(bb31x4 a, bb31x4 b) {
    return bb31x4_mul(a, b);
}
SWIRL_ZC_JITX_CALLED bb31x4 swirl_zc_jitx_lerp(const bb31x4 *c, bb31 X) {
    return swirl_zc_lerp(c, X);
}
#endif

#if defined(SWIRL_ZC_JIT_MAIN) && defined(SWIRL_ZC_JIT_EXT)
/* adds part q's sums of evaluation (y, X) (y2 = 2y) to o[0..2] (main) */
SWIRL_ZC_JIT_RUN void swirl_zc_jitx_run(bb31x4 *o, uint32_t q, const swirl_zc_mle_args *ma,
                                        size_t y2, bb31 X);
#elif defined(SWIRL_ZC_JIT_MAIN)
/* adds part q's sums of the evaluation whose input column starts at u to o[0..2] (main) */
SWIRL_ZC_JIT_RUN void swirl_zc_jit_run(bb31x4 *o, uint32_t q, const bb31 *u, size_t E,
                                       const bb31x4 *lp, const bb31x4 *bp, const bb31x4 *eq3b);
#endif

#if defined(__CUDACC__) && defined(SWIRL_ZC_JIT_MAIN) && defined(SWIRL_ZC_JIT_EXT)
#include "device/cuda/zc_mle_stream.cuh"

/* the multilinear rounds' stream kernel (device/cuda/zc_mle_stream.cuh) with the compiled stream */
extern "C" __global__ void __launch_bounds__(SWIRL_ZC_THREADS)
    swirl_zc_mle_jit(const __grid_constant__ swirl_zc_mle_args a) {
    uint32_t q0, q1;
    swirl_zc_r0_parts(&q0, &q1);
    swirl_zc_mle_stream_body(a, [&](bb31x4 o[3], size_t y, bb31 X) {
        o[0] = o[1] = o[2] = bb31x4_zero();
        for (uint32_t q = q0; q < q1; q++)
            swirl_zc_jitx_run(o, q, &a, 2 * y, X);
    });
}
#elif defined(__CUDACC__) && defined(SWIRL_ZC_JIT_MAIN)
#include "device/cuda/zc_r0_stream.cuh"

/* round 0's stream kernel (device/cuda/zc_r0_stream.cuh) with the compiled stream */
extern "C" __global__ void __launch_bounds__(SWIRL_ZC_THREADS) swirl_zc_r0_jit(swirl_zc_r0_args a) {
    uint32_t q0, q1;
    swirl_zc_r0_parts(&q0, &q1);
    swirl_zc_r0_stream_body(a, [&](bb31x4 o[3], size_t e) {
        o[0] = o[1] = o[2] = bb31x4_zero();
        for (uint32_t q = q0; q < q1; q++)
            swirl_zc_jit_run(o, q, a.U + e, a.E, a.lp, a.bp, a.eq3b);
    });
}
#endif

#endif /* SWIRL_DEVICE_ZC_JIT_PRELUDE_H */
