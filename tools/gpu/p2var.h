/*
 * Poseidon2-16 permutation variants for tools/gpu/p2tput.cu (an experiment, not library code):
 * the same function as p2_bb16_permute_tables with the internal linear layer computed through
 * unsigned Montgomery reductions of 64-bit multiply-accumulates (IMAD.WIDE on the device, the
 * FMA pipe) instead of chains of modular additions (the integer-ALU pipe), and, on the device,
 * the additions' first half as IMAD (a * 1 + b) instead of IADD3.
 *   MI (Montgomery internal): full = redc(sum_j s_j C), C = R mod p; s_i' = redc(full C + s_i D_i),
 *                      D_i = V_i R mod p (Montgomery form of the diagonal entry)
 *   IM (IMAD additions): p2v_add's sum on the multiply-add pipe (device only)
 * Bounds (p = 15 2^27 + 1, C = 2^28 - 2): 16 (p - 1) C = 15 (2^59 - 2^32) < 2^32 p, and
 * p C + p^2 < 2^32 p, so every reduced value is < 2p (one correction), and X + q p < 2^64.
 */
#ifndef SWIRL_TOOLS_P2VAR_H
#define SWIRL_TOOLS_P2VAR_H

#include "hash/poseidon2_impl.h"

#define P2V_NEG_MU 0x77ffffffu /* -p^-1 mod 2^32 */
#define P2V_C 0x0ffffffeu      /* R mod p */

/* (X + q p) / 2^32 with q = -X p^-1 mod 2^32: X mod p scaled by 2^-32, in [0, X / 2^32 + p) */
SWIRL_HD uint32_t p2v_redc(uint64_t x) {
    uint32_t q = (uint32_t)x * P2V_NEG_MU;
    return (uint32_t)((x + (uint64_t)q * BB31_P) >> 32);
}
SWIRL_HD uint32_t p2v_lt2p(uint32_t x) { /* [0, 2p) -> [0, p) */
#if defined(__CUDA_ARCH__)
    return min(x, x - BB31_P);
#else
    return x >= BB31_P ? x - BB31_P : x;
#endif
}

#if defined(__CUDACC__)
/* p twice, in constant memory: ptxas cannot see that the two are p, so it cannot fold
 * min(c + p, c) back into min(a + b, a + b - p) and put a + b on the FMA pipe as IMAD.IADD */
__constant__ uint32_t c_p2v_p[2] = {BB31_P, BB31_P};
#endif
/* IM: a + b mod p as c = a + b - p (one three-operand IADD3, which has no IMAD form) and
 * min(c + p, c) (VIADDMNMX): both on the integer-ALU pipe, where ptxas otherwise puts about a
 * third of the sums on the FMA-heavy pipe as IMAD.IADD */
template <bool IM> SWIRL_HD uint32_t p2v_add(uint32_t a, uint32_t b) {
#if defined(__CUDA_ARCH__)
    if (IM) {
        uint32_t c = a + b - c_p2v_p[0];
        return min(c + c_p2v_p[1], c);
    }
#endif
    return p2_add(a, b);
}
/* p2_smul with the quotient q = lo * mu, mu = 2^31 + 2^27 + 1, as lo + (lo << 27) + (lo << 31) on
 * the integer-ALU pipe (AQ) instead of an IMAD on the FMA-heavy pipe, which the products' IMAD.WIDE
 * and IMAD.HI (two cycles each) already fill */
template <bool AQ> SWIRL_HD int32_t p2v_smul(int32_t a, int32_t b) {
#if defined(__CUDA_ARCH__)
    if (AQ) {
        int32_t lo = (int32_t)((uint32_t)a * (uint32_t)b), hi = __mulhi(a, b);
        /* mu = 1 + 17 2^27: q = lo + ((17 lo mod 32) << 27), 17 lo mod 32 = (lo ^ (lo << 4)) mod 32 */
        int32_t q = lo + (int32_t)(((uint32_t)lo ^ ((uint32_t)lo << 4)) << 27);
        return p2_smul_finish(q, lo, hi);
    }
#endif
    return p2_smul(a, b);
}
template <bool AQ> SWIRL_HD uint32_t p2v_sbox_rc(uint32_t x, uint32_t rc) {
    int32_t v = (int32_t)(x + rc - BB31_P);
    int32_t x2 = p2v_smul<AQ>(v, v);
    int32_t x3 = p2v_smul<AQ>(x2, v);
    int32_t x4 = p2v_smul<AQ>(x2, x2);
    return p2_canon(p2v_smul<AQ>(x3, x4));
}

template <bool IM> SWIRL_HD void p2v_mat4(uint32_t *x) {
    uint32_t t01 = p2v_add<IM>(x[0], x[1]);
    uint32_t t23 = p2v_add<IM>(x[2], x[3]);
    uint32_t t0123 = p2v_add<IM>(t01, t23);
    uint32_t t01123 = p2v_add<IM>(t0123, x[1]);
    uint32_t t01233 = p2v_add<IM>(t0123, x[3]);
    x[3] = p2v_add<IM>(t01233, p2v_add<IM>(x[0], x[0]));
    x[1] = p2v_add<IM>(t01123, p2v_add<IM>(x[2], x[2]));
    x[0] = p2v_add<IM>(t01123, t01);
    x[2] = p2v_add<IM>(t01233, t23);
}
template <bool IM> SWIRL_HD void p2v_external(uint32_t *s) {
    for (int b = 0; b < 4; b++)
        p2v_mat4<IM>(s + 4 * b);
    for (int i = 0; i < 4; i++) {
        uint32_t sum = p2v_add<IM>(p2v_add<IM>(s[i], s[4 + i]), p2v_add<IM>(s[8 + i], s[12 + i]));
        s[i] = p2v_add<IM>(s[i], sum);
        s[4 + i] = p2v_add<IM>(s[4 + i], sum);
        s[8 + i] = p2v_add<IM>(s[8 + i], sum);
        s[12 + i] = p2v_add<IM>(s[12 + i], sum);
    }
}

template <bool IM> SWIRL_HD uint32_t p2v_sub(uint32_t a, uint32_t b) {
#if defined(__CUDA_ARCH__)
    if (IM) {
        uint32_t d = a - b + c_p2v_p[0];
        return min(d - c_p2v_p[1], d);
    }
#endif
    return p2_sub(a, b);
}
/* p2_internal_linear_u with the additions of p2v_add / p2v_sub */
template <bool IM> SWIRL_HD void p2v_internal(uint32_t *s) {
    uint32_t a = p2v_add<IM>(p2v_add<IM>(s[1], s[2]), p2v_add<IM>(s[3], s[4]));
    uint32_t b = p2v_add<IM>(p2v_add<IM>(s[5], s[6]), p2v_add<IM>(s[7], s[8]));
    uint32_t c = p2v_add<IM>(p2v_add<IM>(s[9], s[10]), p2v_add<IM>(s[11], s[12]));
    uint32_t d = p2v_add<IM>(p2v_add<IM>(s[13], s[14]), s[15]);
    uint32_t part = p2v_add<IM>(p2v_add<IM>(a, b), p2v_add<IM>(c, d));
    uint32_t full = p2v_add<IM>(part, s[0]);
    s[0] = p2v_sub<IM>(part, s[0]);
    s[1] = p2v_add<IM>(s[1], full);
    s[2] = p2v_add<IM>(p2v_add<IM>(s[2], s[2]), full);
    s[3] = p2v_add<IM>(p2_halve_u(s[3]), full);
    s[4] = p2v_add<IM>(full, p2v_add<IM>(p2v_add<IM>(s[4], s[4]), s[4]));
    uint32_t s5 = p2v_add<IM>(s[5], s[5]);
    s[5] = p2v_add<IM>(full, p2v_add<IM>(s5, s5));
    s[6] = p2v_sub<IM>(full, p2_halve_u(s[6]));
    s[7] = p2v_sub<IM>(full, p2v_add<IM>(p2v_add<IM>(s[7], s[7]), s[7]));
    uint32_t s8 = p2v_add<IM>(s[8], s[8]);
    s[8] = p2v_sub<IM>(full, p2v_add<IM>(s8, s8));
    s[9] = p2v_add<IM>(p2_mul_inv2pow_u(s[9], 8), full);
    s[10] = p2v_add<IM>(p2_mul_inv2pow_u(s[10], 2), full);
    s[11] = p2v_add<IM>(p2_mul_inv2pow_u(s[11], 3), full);
    s[12] = p2v_add<IM>(p2_mul_inv2pow_u(s[12], 27), full);
    s[13] = p2v_add<IM>(p2_mul_neg_inv2pow_u(s[13], 8), full);
    s[14] = p2v_add<IM>(p2_mul_neg_inv2pow_u(s[14], 4), full);
    s[15] = p2v_add<IM>(p2_mul_neg_inv2pow_u(s[15], 27), full);
}

/* M_I with s[0] through its S-box, every value canonical in and out */
template <bool IM> SWIRL_HD void p2v_internal_mont(uint32_t *s) {
    /* V_i R mod p; entry 1 (V = 1) is a plain addition */
    const uint32_t d[16] = {0x58000005u, 0x0ffffffeu, 0x1ffffffcu, 0x07ffffffu,
                            0x2ffffffau, 0x3ffffff8u, 0x70000002u, 0x48000007u,
                            0x38000009u, 0x01000000u, 0x40000000u, 0x20000000u,
                            0x00000020u, 0x77000001u, 0x68000001u, 0x77ffffe1u};
    uint64_t acc = 0;
    for (int i = 0; i < 16; i++)
        acc += (uint64_t)s[i] * P2V_C;
    uint32_t full = p2v_lt2p(p2v_redc(acc));
    uint64_t fullc = (uint64_t)full * P2V_C;
    for (int i = 0; i < 16; i++) {
        if (i == 1)
            s[1] = p2v_add<IM>(s[1], full);
        else
            s[i] = p2v_lt2p(p2v_redc(fullc + (uint64_t)s[i] * d[i]));
    }
}


template <int F> SWIRL_HD void p2v_permute(uint32_t *s, const uint32_t *ext_init, const uint32_t *ext_final,
                          const uint32_t *internal) {
    /* F: 1 ALU additions in M_E, 2 Montgomery M_I, 4 ALU quotient, 8 ALU additions in M_I */
    const bool IM = (F & 1) != 0, MI = (F & 2) != 0, AQ = (F & 4) != 0, II = (F & 8) != 0;
    p2v_external<IM>(s);
    for (int r = 0; r < P2_BB16_ROUNDS_F_HALF; r++) {
        for (int i = 0; i < 16; i++)
            s[i] = p2v_sbox_rc<AQ>(s[i], ext_init[16 * r + i]);
        p2v_external<IM>(s);
    }
    for (int r = 0; r < P2_BB16_ROUNDS_P; r++) {
        s[0] = p2v_sbox_rc<AQ>(s[0], internal[r]);
        if (MI)
            p2v_internal_mont<II>(s);
        else
            p2v_internal<II>(s);
    }
    for (int r = 0; r < P2_BB16_ROUNDS_F_HALF; r++) {
        for (int i = 0; i < 16; i++)
            s[i] = p2v_sbox_rc<AQ>(s[i], ext_final[16 * r + i]);
        p2v_external<IM>(s);
    }
}

#endif /* SWIRL_TOOLS_P2VAR_H */
