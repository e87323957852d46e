/*
 * BabyBear prime field, p = 2^31 - 2^27 + 1 = 0x78000001 (Plonky3 0.4.3 baby-bear/, monty-31/).
 *
 * Representation: `bb31` holds the Montgomery form x*R mod p with R = 2^32, always canonical
 * (< p), exactly as Plonky3's MontyField31 does. Convert with bb31_from_u32 / bb31_to_u32 at every
 * boundary (encoding, hashing input from integers, printing); the `v` member is never a canonical
 * value. One implementation serves host and device code (SWIRL_HD), so CPU and GPU compute the same
 * bits.
 */
#ifndef SWIRL_FIELD_BB31_H
#define SWIRL_FIELD_BB31_H

#include <stddef.h>
#include <stdint.h>

#include "util/common.h"

#define BB31_P 0x78000001u       /* 2013265921 */
#define BB31_MU 0x88000001u      /* p^-1 mod 2^32 (Plonky3 MONTY_MU) */
#define BB31_R_MOD_P 0x0ffffffeu /* 2^32 mod p: Montgomery form of 1 */
#define BB31_R2_MOD_P 0x45dddde3u /* 2^64 mod p */
#define BB31_TWO_ADICITY 27
#define BB31_GENERATOR 31u /* multiplicative generator (Plonky3 BabyBear GENERATOR) */

/* the public swirl_felt (swirl/swirl.h): Montgomery form, canonical representative */
typedef swirl_felt bb31;

SWIRL_HD uint32_t bb31_monty_reduce(uint64_t x) {
    /* t = x * p^-1 mod 2^32, then (x - t*p) / 2^32 lies in (-p, p). */
    uint64_t t = (uint64_t)((uint32_t)x * BB31_MU);
    uint64_t u = t * BB31_P;
    uint64_t d = x - u;
    uint32_t hi = (uint32_t)(d >> 32);
    return x < u ? hi + BB31_P : hi;
}

SWIRL_HD bb31 bb31_from_u32(uint32_t x) { /* any u32, reduced mod p */
    bb31 r;
    r.v = bb31_monty_reduce((uint64_t)x * BB31_R2_MOD_P);
    return r;
}
SWIRL_HD uint32_t bb31_to_u32(bb31 a) { /* canonical value in [0, p) */
    return bb31_monty_reduce((uint64_t)a.v);
}
SWIRL_HD bb31 bb31_from_u64(uint64_t x) {
    return bb31_from_u32((uint32_t)(x % BB31_P));
}
SWIRL_HD bb31 bb31_zero(void) {
    bb31 r;
    r.v = 0;
    return r;
}
SWIRL_HD bb31 bb31_one(void) {
    bb31 r;
    r.v = BB31_R_MOD_P;
    return r;
}
SWIRL_HD int bb31_eq(bb31 a, bb31 b) {
    return a.v == b.v;
}
SWIRL_HD int bb31_is_zero(bb31 a) {
    return a.v == 0;
}
/* Device code corrects with an unsigned min (two instructions, no compare/select): for s < 2p,
 * min(s, s - p) is s - p when s >= p and s otherwise (s - p wraps above p); for d = a - b mod 2^32
 * with a, b < p, min(d, d + p) is d when a >= b and a - b + p otherwise. Same values as the host. */
SWIRL_HD bb31 bb31_add(bb31 a, bb31 b) {
    uint32_t s = a.v + b.v; /* < 2p < 2^32 */
    bb31 r;
#if defined(__CUDA_ARCH__)
    r.v = min(s, s - BB31_P);
#else
    r.v = s >= BB31_P ? s - BB31_P : s;
#endif
    return r;
}
SWIRL_HD bb31 bb31_sub(bb31 a, bb31 b) {
    uint32_t d = a.v - b.v;
    bb31 r;
#if defined(__CUDA_ARCH__)
    r.v = min(d, d + BB31_P);
#else
    r.v = a.v < b.v ? d + BB31_P : d;
#endif
    return r;
}
SWIRL_HD bb31 bb31_neg(bb31 a) {
    bb31 r;
    r.v = a.v ? BB31_P - a.v : 0;
    return r;
}
SWIRL_HD bb31 bb31_double(bb31 a) {
    return bb31_add(a, a);
}
SWIRL_HD bb31 bb31_mul(bb31 a, bb31 b) {
    bb31 r;
#if defined(__CUDA_ARCH__)
    /* Same value as the host path with 32-bit multiplies: x = hi*2^32 + lo and t*p = u*2^32 + lo
     * (t = lo * p^-1 mod 2^32), so (x - t*p) / 2^32 = hi - u, corrected by p when negative. */
    uint32_t lo = a.v * b.v, hi = __umulhi(a.v, b.v);
    uint32_t u = __umulhi(lo * BB31_MU, BB31_P);
    uint32_t d = hi - u; /* hi, u < p: corrected as in bb31_sub */
    r.v = min(d, d + BB31_P);
#else
    r.v = bb31_monty_reduce((uint64_t)a.v * b.v);
#endif
    return r;
}
SWIRL_HD bb31 bb31_square(bb31 a) {
    return bb31_mul(a, a);
}
SWIRL_HD bb31 bb31_pow(bb31 a, uint64_t e) {
    bb31 r = bb31_one();
    while (e) {
        if (e & 1)
            r = bb31_mul(r, a);
        a = bb31_square(a);
        e >>= 1;
    }
    return r;
}
/* Multiplicative inverse; the inverse of 0 is defined as 0 (callers check when it matters). */
SWIRL_HD bb31 bb31_inv(bb31 a) {
    return bb31_pow(a, BB31_P - 2);
}
/* a / 2 */
SWIRL_HD bb31 bb31_halve(bb31 a) {
    uint32_t v = a.v;
    bb31 r;
    r.v = (v & 1) ? (uint32_t)(((uint64_t)v + BB31_P) >> 1) : v >> 1;
    return r;
}

/* ---------------------------------------------------------------------------------------------
 * Host-only helpers (bb31.c; callable from host code only) */
#ifdef __cplusplus
extern "C" {
#endif
/**
 * Primitive 2^k-th root of unity exactly as Plonky3 picks it (TWO_ADIC_GENERATORS[k] =
 * 0x1a427a41^(2^(27-k))). Returns SWIRL_E_INVALID_ARG when k > 27.
 */
enum swirl_status bb31_two_adic_generator(bb31 *out, unsigned k) SWIRL_WARN_UNUSED_RESULT;

/**
 * In-place batch inversion (Montgomery's trick). Zero elements are left as zero.
 * `scratch` must hold n elements, or be NULL to allocate internally (may then return NOMEM).
 */
enum swirl_status bb31_batch_inverse(bb31 *vals, size_t n, bb31 *scratch) SWIRL_WARN_UNUSED_RESULT;

/** Whether the CPU has AVX2, and whether the AVX2 code paths are enabled (supported and the
 *  environment variable SWIRL_NO_AVX2 is not set to a non-zero value). Cached. */
int bb31_avx2_supported(void);
int bb31_avx2_enabled(void);
#ifdef __cplusplus
}
#endif

#endif /* SWIRL_FIELD_BB31_H */
