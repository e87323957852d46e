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
 * h the current interaction's field sum.
 */
#ifndef SWIRL_DEVICE_ZC_JIT_PRELUDE_H
#define SWIRL_DEVICE_ZC_JIT_PRELUDE_H

#include "device/zc_base.h"

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

#if defined(SWIRL_ZC_JIT_MAIN)
/* adds part q's sums of the evaluation whose input column starts at u to o[0..2] (main) */
SWIRL_ZC_JIT_RUN void swirl_zc_jit_run(bb31x4 *o, uint32_t q, const bb31 *u, size_t E,
                                       const bb31x4 *lp, const bb31x4 *bp, const bb31x4 *eq3b);
#endif

#if defined(__CUDACC__) && defined(SWIRL_ZC_JIT_MAIN)
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
