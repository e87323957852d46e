/*
 * The few per-thread helpers of the constraint kernels that need nothing but the field: read-only
 * loads, round 0's 1 / (p^N - 1), and the stream's accumulate steps (device/zc_stream.h).
 *
 * Why a header of its own: the JIT path (device/zc_jit.h, device/cuda/zc_jit.cu) compiles these
 * very definitions at run time with NVRTC, which has no C library headers; this header and the
 * field headers it includes are what NVRTC gets (with device/cuda/nvrtc/'s stdint.h / stddef.h),
 * so the generated code and the interpreter cannot drift apart.
 */
#ifndef SWIRL_DEVICE_ZC_BASE_H
#define SWIRL_DEVICE_ZC_BASE_H

#include <stddef.h>
#include <stdint.h>

#include "field/bb31_ext4.h"
#include "util/common.h"

/* the round-0 stream (device/zc_stream.h) is cut into this many parts at group boundaries */
#define SWIRL_ZC_STREAM_PARTS 8u

#if defined(__CUDA_ARCH__)
#define SWIRL_ZC_LD(p) __ldg(p)
#else
#define SWIRL_ZC_LD(p) (*(p))
#endif

/* a loop the device unrolls (a batch of independent loads issued together); the host leaves it */
#if defined(__CUDA_ARCH__)
#define SWIRL_ZC_UNROLL _Pragma("unroll")
#else
#define SWIRL_ZC_UNROLL
#endif

/* a read-only base-field value (through the read-only data cache on the device) */
SWIRL_HD bb31 swirl_zc_ldb(const bb31 *p) {
    bb31 r;
    r.v = SWIRL_ZC_LD(&p->v);
    return r;
}

/* the field element whose Montgomery form is w (w < p): a constant of generated code */
SWIRL_HD bb31 swirl_zc_raw(uint32_t w) {
    bb31 r;
    r.v = w;
    return r;
}

/* 1 / (pt^N - 1): round 0's zerocheck quotient weight at an evaluation point pt outside the skip
 * domain */
SWIRL_HD bb31 swirl_zc_r0_zfinv(bb31 pt, size_t N) {
    return bb31_inv(bb31_sub(bb31_pow(pt, N), bb31_one()));
}

/* acc + w x: the stream's CONS (w = lambda^k), FIELD (beta^j) and COUNT (eq3b[i]) steps */
SWIRL_HD bb31x4 swirl_zc_acc(bb31x4 acc, const bb31x4 *w, bb31 x) {
    return bb31x4_add(acc, bb31x4_mul_base(*w, x));
}

/* d + eq (h + bnf bus1): the stream's IEND step (h: the interaction's field sum, bnf = beta^nf,
 * bus1 = its bus + 1, eq = eq3b[i]) */
SWIRL_HD bb31x4 swirl_zc_iend(bb31x4 d, bb31x4 h, const bb31x4 *eq, const bb31x4 *bnf, bb31 bus1) {
    return bb31x4_add(d, bb31x4_mul(*eq, swirl_zc_acc(h, bnf, bus1)));
}

#endif /* SWIRL_DEVICE_ZC_BASE_H */
