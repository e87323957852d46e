/*
 * Poseidon2-16 on ONE state with AVX2: the latency path (the Fiat-Shamir transcript permutes one
 * state after another, each input depending on the previous output). The state sits in two
 * 8 x u32 vectors, lo = s[0..7] (blocks 0, 1 of M_E) and hi = s[8..15] (blocks 2, 3), so each
 * 128-bit lane holds one 4-element block: mat4 is in-lane shuffles, the column sums one
 * cross-lane swap. The 16 S-boxes of an external round are 2 x 4 vector products instead of 64
 * scalar ones. In the internal rounds s[0] (the only S-box) is a scalar, the chain that sets the
 * latency: s0 -> S-box -> s0' -> s0_next = part - s0'. The rest runs beside it in the vectors:
 * s_i * V_i (two vector products by the diagonal), + full, and the horizontal sum of s[1..15] that
 * the next round needs as `part`.
 *
 * Products are signed Montgomery products (as p2_smul): for |a|, |b| <= p the result lies in
 * (-p, p) with no correction, so the S-box chain corrects once at the end. Same values as the
 * scalar permutation; tests/test_poseidon2.c compares them.
 */
#include "hash/poseidon2_x8.h"

#include "hash/poseidon2_impl.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#include "field/bb31_avx2.h"

static const uint32_t s1_ext_init[64] = P2_BB16_RC_EXT_INITIAL_MONT;
static const uint32_t s1_ext_final[64] = P2_BB16_RC_EXT_FINAL_MONT;
static const uint32_t s1_internal[13] = P2_BB16_RC_INTERNAL_MONT;

/* Montgomery forms of the internal diagonal V = [-2, 1, 2, 1/2, 3, 4, -1/2, -3, -4, 1/2^8, 1/4,
 * 1/8, 1/2^27, -1/2^8, -1/16, -1/2^27] (V_0 unused here: lane 0 is the scalar s0) */
static const uint32_t s1_diag[16] = {
    0x58000005u, 0x0ffffffeu, 0x1ffffffcu, 0x07ffffffu, 0x2ffffffau, 0x3ffffff8u,
    0x70000002u, 0x48000007u, 0x38000009u, 0x01000000u, 0x40000000u, 0x20000000u,
    0x00000020u, 0x77000001u, 0x68000001u, 0x77ffffe1u};

/* the odd lanes moved to the even positions (the 32-bit multiplies read the even lanes) */
AVX2 static inline __m256i s1_odd(__m256i a) {
    return _mm256_shuffle_epi32(a, _MM_SHUFFLE(3, 3, 1, 1));
}
/* signed Montgomery product per lane, |a|, |b| <= p -> (-p, p); ao, bo = s1_odd(a), s1_odd(b).
 * Per 64-bit half: x = a*b, q = lo32(x) * p^-1, x - q*p (q signed) has a zero low word and the
 * result as high word. */
AVX2 static inline __m256i s1_smul(__m256i a, __m256i ao, __m256i b, __m256i bo) {
    const __m256i mu = _mm256_set1_epi32((int)BB31_MU), p = _mm256_set1_epi32((int)BB31_P);
    __m256i xe = _mm256_mul_epi32(a, b), xo = _mm256_mul_epi32(ao, bo);
    __m256i qe = _mm256_mul_epu32(xe, mu), qo = _mm256_mul_epu32(xo, mu);
    __m256i re = _mm256_sub_epi64(xe, _mm256_mul_epi32(qe, p));
    __m256i ro = _mm256_sub_epi64(xo, _mm256_mul_epi32(qo, p));
    return _mm256_blend_epi32(_mm256_srli_epi64(re, 32), ro, 0xaa);
}
/* (-p, p) -> [0, p) per lane */
AVX2 static inline __m256i s1_canon(__m256i r) {
    return _mm256_min_epu32(r, _mm256_add_epi32(r, _mm256_set1_epi32((int)BB31_P)));
}
/* (x + rc)^7 for canonical lanes: v = x + rc - p in [-p, p), v^3 * v^4, one correction */
AVX2 static inline __m256i s1_sbox_rc(__m256i x, const uint32_t *rc) {
    const __m256i p = _mm256_set1_epi32((int)BB31_P);
    __m256i v = _mm256_sub_epi32(_mm256_add_epi32(x, _mm256_loadu_si256((const __m256i *)rc)), p);
    __m256i vo = s1_odd(v);
    __m256i x2 = s1_smul(v, vo, v, vo), x2o = s1_odd(x2);
    __m256i x3 = s1_smul(x2, x2o, v, vo);
    __m256i x4 = s1_smul(x2, x2o, x2, x2o);
    return s1_canon(s1_smul(x3, s1_odd(x3), x4, s1_odd(x4)));
}
/* mat4 on each 128-bit lane: y_i = 2x_i + 3x_{i+1} + x_{i+2} + x_{i+3} = T + x_i + 2x_{i+1}, T the
 * block's sum (same matrix as p2_mat4_u) */
AVX2 static inline __m256i s1_mat4(__m256i x) {
    __m256i a = v_add(x, _mm256_shuffle_epi32(x, _MM_SHUFFLE(1, 0, 3, 2)));
    __m256i t = v_add(a, _mm256_shuffle_epi32(a, _MM_SHUFFLE(0, 3, 2, 1)));
    __m256i r1 = _mm256_shuffle_epi32(x, _MM_SHUFFLE(0, 3, 2, 1));
    return v_add(t, v_add(x, v_add(r1, r1)));
}
/* M_E: mat4 per block, then each element plus the sum of its column over the four blocks */
AVX2 static inline void s1_external(__m256i *lo, __m256i *hi) {
    __m256i yl = s1_mat4(*lo), yh = s1_mat4(*hi);
    __m256i c = v_add(yl, yh);
    __m256i sum = v_add(c, _mm256_permute2x128_si256(c, c, 0x01));
    *lo = v_add(yl, sum);
    *hi = v_add(yh, sum);
}

/* sum mod p of lanes 1..15 of (lo, hi) (lane 0 of lo left out: it is the scalar s0) */
AVX2 static inline uint32_t s1_part(__m256i lo, __m256i hi) {
    __m256i h = v_add(_mm256_blend_epi32(lo, _mm256_setzero_si256(), 0x01), hi);
    h = v_add(h, _mm256_permute2x128_si256(h, h, 0x01));
    h = v_add(h, _mm256_shuffle_epi32(h, _MM_SHUFFLE(1, 0, 3, 2)));
    h = v_add(h, _mm256_shuffle_epi32(h, _MM_SHUFFLE(2, 3, 0, 1)));
    return (uint32_t)_mm256_cvtsi256_si32(h);
}
/*
 * The 13 internal rounds (same values as p2_internal_linear_u; lane 0 of lo is stale inside),
 * arranged so that the only chain from one round to the next is the S-box. With t_r = sbox(s0_r +
 * rc_r), part_r = sum_{i>=1} s_i and full_r = part_r + t_r, a round is s0_{r+1} = part_r - t_r
 * (V_0 = -2) and s_i <- V_i s_i + full_r, so part_{r+1} = D_r + 15 full_r with D_r = sum_{i>=1}
 * V_i s_i: the horizontal sum runs on round r's vector (known once full_{r-1} is), beside the
 * S-box, instead of on the new state after it. The next S-box input is c - x7 with c = part_r +
 * rc_{r+1} made canonical off the chain and x7 the signed S-box output, one conditional
 * subtraction (c - x7 lies in (-p, 2p)).
 */
AVX2 static inline void s1_internal_rounds(__m256i *lo, __m256i *hi) {
    const __m256i dl = _mm256_loadu_si256((const __m256i *)s1_diag);
    const __m256i dh = _mm256_loadu_si256((const __m256i *)(s1_diag + 8));
    const __m256i dlo = s1_odd(dl), dho = s1_odd(dh);
    uint32_t s0 = (uint32_t)_mm256_cvtsi256_si32(*lo);
    uint32_t part = s1_part(*lo, *hi);
    int32_t v = (int32_t)(s0 + s1_internal[0] - BB31_P); /* [-p, p) */
    for (int r = 0; r < P2_BB16_ROUNDS_P; r++) {
        /* the vector side: V_i s_i and its sum, off the S-box chain */
        __m256i yl = s1_canon(s1_smul(*lo, s1_odd(*lo), dl, dlo));
        __m256i yh = s1_canon(s1_smul(*hi, s1_odd(*hi), dh, dho));
        uint32_t d = s1_part(yl, yh);
        /* the chain: v -> x7 */
        int32_t x2 = p2_smul(v, v);
        int32_t x3 = p2_smul(x2, v);
        int32_t x4 = p2_smul(x2, x2);
        int32_t x7 = p2_smul(x3, x4); /* (-p, p) */
        uint32_t t = p2_canon(x7);
        uint32_t full = p2_add(part, t);
        if (r + 1 < P2_BB16_ROUNDS_P) {
            int64_t w = (int64_t)p2_add(part, s1_internal[r + 1]) - x7; /* (-p, 2p) */
            v = (int32_t)(w >= (int64_t)BB31_P ? w - (int64_t)BB31_P : w);
        } else {
            s0 = p2_sub(part, t);
        }
        __m256i f = _mm256_set1_epi32((int)full);
        *lo = v_add(yl, f);
        *hi = v_add(yh, f);
        part = p2_add(d, p2_canon(p2_smul((int32_t)full, (int32_t)P2_MONT_15)));
    }
    *lo = _mm256_blend_epi32(*lo, _mm256_set1_epi32((int)s0), 0x01);
}

/* the permutation on the two register halves (canonical in, canonical out) */
AVX2 static inline void s1_permute(__m256i *lo, __m256i *hi) {
    s1_external(lo, hi);
    for (int r = 0; r < P2_BB16_ROUNDS_F_HALF; r++) {
        *lo = s1_sbox_rc(*lo, s1_ext_init + 16 * r);
        *hi = s1_sbox_rc(*hi, s1_ext_init + 16 * r + 8);
        s1_external(lo, hi);
    }
    s1_internal_rounds(lo, hi);
    for (int r = 0; r < P2_BB16_ROUNDS_F_HALF; r++) {
        *lo = s1_sbox_rc(*lo, s1_ext_final + 16 * r);
        *hi = s1_sbox_rc(*hi, s1_ext_final + 16 * r + 8);
        s1_external(lo, hi);
    }
}

AVX2 void p2_bb16_permute_single_avx2(bb31 state[P2_WIDTH]) {
    __m256i lo = _mm256_loadu_si256((const __m256i *)state);
    __m256i hi = _mm256_loadu_si256((const __m256i *)(state + 8));
    s1_permute(&lo, &hi);
    _mm256_storeu_si256((__m256i *)state, lo);
    _mm256_storeu_si256((__m256i *)(state + 8), hi);
}

/* p2_bb16_absorb_chunks: the state stays in registers from one chunk to the next (the values are
 * canonical throughout, so there is nothing to convert); each chunk is one load into lo */
AVX2 void p2_bb16_absorb_chunks_avx2(bb31 state[P2_WIDTH], const bb31 *in, size_t nchunks) {
    if (nchunks == 0)
        return;
    __m256i hi = _mm256_loadu_si256((const __m256i *)(state + 8));
    __m256i lo = _mm256_loadu_si256((const __m256i *)in);
    for (size_t c = 1;; c++) {
        s1_permute(&lo, &hi);
        if (c == nchunks)
            break;
        lo = _mm256_loadu_si256((const __m256i *)(in + P2_RATE * c));
    }
    _mm256_storeu_si256((__m256i *)state, lo);
    _mm256_storeu_si256((__m256i *)(state + 8), hi);
}
#else
void p2_bb16_permute_single_avx2(bb31 state[P2_WIDTH]) {
    (void)state; /* never called: p2_x8_avx2_supported() is 0 here */
}
void p2_bb16_absorb_chunks_avx2(bb31 state[P2_WIDTH], const bb31 *in, size_t nchunks) {
    (void)state, (void)in, (void)nchunks; /* never called, as above */
}
#endif
