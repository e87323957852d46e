/*
 * BabyBear Montgomery arithmetic on 8 x u32 AVX2 lanes (x86-64 only; include inside an
 * `#if defined(__x86_64__)` block). Functions carry target("avx2"): call them only after a runtime
 * check (p2_x8_avx2_supported / swirl_cpu_has_avx2). Bit-identical to bb31.h:
 *   add: s = a + b, r = min_u32(s, s - p); sub: d = a - b, r = min_u32(d, d + p);
 *   mul: per even/odd lane the 64-bit product x, t = lo32(x) mu, u = lo32(t) p,
 *        r = hi32(x) - hi32(u), r = min_u32(r, r + p).
 */
#ifndef SWIRL_FIELD_BB31_AVX2_H
#define SWIRL_FIELD_BB31_AVX2_H

#include <immintrin.h>

#include "field/bb31.h"

#define AVX2 __attribute__((target("avx2")))

AVX2 static inline __m256i v_add(__m256i a, __m256i b) {
    __m256i s = _mm256_add_epi32(a, b);
    return _mm256_min_epu32(s, _mm256_sub_epi32(s, _mm256_set1_epi32((int)BB31_P)));
}
AVX2 static inline __m256i v_sub(__m256i a, __m256i b) {
    __m256i d = _mm256_sub_epi32(a, b);
    return _mm256_min_epu32(d, _mm256_add_epi32(d, _mm256_set1_epi32((int)BB31_P)));
}
AVX2 static inline __m256i v_mul(__m256i a, __m256i b) {
    const __m256i mu = _mm256_set1_epi32((int)BB31_MU), p = _mm256_set1_epi32((int)BB31_P);
    __m256i a_odd = _mm256_srli_epi64(a, 32), b_odd = _mm256_srli_epi64(b, 32);
    __m256i x_evn = _mm256_mul_epu32(a, b);
    __m256i x_odd = _mm256_mul_epu32(a_odd, b_odd);
    __m256i t_evn = _mm256_mul_epu32(x_evn, mu); /* uses lo32(x) */
    __m256i t_odd = _mm256_mul_epu32(x_odd, mu);
    __m256i u_evn = _mm256_mul_epu32(t_evn, p); /* uses lo32(t) */
    __m256i u_odd = _mm256_mul_epu32(t_odd, p);
    /* hi32 of x and u: for even lanes shift down, odd lanes already in the high halves */
    __m256i xh = _mm256_blend_epi32(_mm256_srli_epi64(x_evn, 32), x_odd, 0xaa);
    __m256i uh = _mm256_blend_epi32(_mm256_srli_epi64(u_evn, 32), u_odd, 0xaa);
    __m256i r = _mm256_sub_epi32(xh, uh);
    return _mm256_min_epu32(r, _mm256_add_epi32(r, p));
}

#endif /* SWIRL_FIELD_BB31_AVX2_H */
