/*
 * BabyBear Montgomery arithmetic on 16 x u32 AVX-512 lanes: the same formulas as bb31_avx2.h
 * (x86-64 only; functions carry target("avx512f"), call them after bb31_avx512_enabled()).
 */
#ifndef SWIRL_FIELD_BB31_AVX512_H
#define SWIRL_FIELD_BB31_AVX512_H

#include <immintrin.h>

#include "field/bb31.h"

#define AVX512 __attribute__((target("avx512f")))

AVX512 static inline __m512i w_add(__m512i a, __m512i b) {
    __m512i s = _mm512_add_epi32(a, b);
    return _mm512_min_epu32(s, _mm512_sub_epi32(s, _mm512_set1_epi32((int)BB31_P)));
}
AVX512 static inline __m512i w_sub(__m512i a, __m512i b) {
    __m512i d = _mm512_sub_epi32(a, b);
    return _mm512_min_epu32(d, _mm512_add_epi32(d, _mm512_set1_epi32((int)BB31_P)));
}
AVX512 static inline __m512i w_mul(__m512i a, __m512i b) {
    const __m512i mu = _mm512_set1_epi32((int)BB31_MU), p = _mm512_set1_epi32((int)BB31_P);
    __m512i a_odd = _mm512_srli_epi64(a, 32), b_odd = _mm512_srli_epi64(b, 32);
    __m512i x_evn = _mm512_mul_epu32(a, b);
    __m512i x_odd = _mm512_mul_epu32(a_odd, b_odd);
    __m512i t_evn = _mm512_mul_epu32(x_evn, mu); /* uses lo32(x) */
    __m512i t_odd = _mm512_mul_epu32(x_odd, mu);
    __m512i u_evn = _mm512_mul_epu32(t_evn, p); /* uses lo32(t) */
    __m512i u_odd = _mm512_mul_epu32(t_odd, p);
    /* hi32 of x and u: for even lanes shift down, odd lanes already in the high halves */
    __m512i xh = _mm512_mask_blend_epi32((__mmask16)0xAAAA, _mm512_srli_epi64(x_evn, 32), x_odd);
    __m512i uh = _mm512_mask_blend_epi32((__mmask16)0xAAAA, _mm512_srli_epi64(u_evn, 32), u_odd);
    __m512i r = _mm512_sub_epi32(xh, uh);
    return _mm512_min_epu32(r, _mm512_add_epi32(r, p));
}


#endif /* SWIRL_FIELD_BB31_AVX512_H */
