/*
 * Poseidon2-16 on 16 states at once with AVX-512 (16 x u32 lanes), the same arithmetic as the AVX2
 * 8-lane path (poseidon2_x8.c) on twice the lanes. Chosen at run time when the CPU has AVX-512F
 * (`SWIRL_NO_AVX512=1` forces the 8-lane path); otherwise the x16 entry points run two 8-lane groups.
 */
#include "hash/poseidon2_x8.h"

#include <stdlib.h>
#include <string.h>

#include "hash/poseidon2_impl.h"
#include "util/settings.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define P2_HAVE_AVX512_CODE 1
#include "field/bb31_avx512.h"

static const uint32_t x16_ext_init[64] = P2_BB16_RC_EXT_INITIAL_MONT;
static const uint32_t x16_ext_final[64] = P2_BB16_RC_EXT_FINAL_MONT;
static const uint32_t x16_internal[13] = P2_BB16_RC_INTERNAL_MONT;

AVX512 static inline __m512i w_double(__m512i a) {
    return w_add(a, a);
}
AVX512 static inline __m512i w_halve(__m512i a) {
    /* (a odd ? (a + p) : a) / 2; a + p < 2^32 */
    __m512i one = _mm512_set1_epi32(1);
    __m512i odd = _mm512_and_si512(a, one);
    __m512i addp = _mm512_and_si512(_mm512_sub_epi32(_mm512_setzero_si512(), odd),
                                    _mm512_set1_epi32((int)BB31_P));
    return _mm512_srli_epi32(_mm512_add_epi32(a, addp), 1);
}
AVX512 static inline __m512i w_sbox(__m512i x) {
    __m512i x2 = w_mul(x, x);
    __m512i x3 = w_mul(x2, x);
    __m512i x6 = w_mul(x3, x3);
    return w_mul(x6, x);
}
AVX512 static inline void w_mat4(__m512i *x) {
    __m512i t01 = w_add(x[0], x[1]);
    __m512i t23 = w_add(x[2], x[3]);
    __m512i t0123 = w_add(t01, t23);
    __m512i t01123 = w_add(t0123, x[1]);
    __m512i t01233 = w_add(t0123, x[3]);
    x[3] = w_add(t01233, w_double(x[0]));
    x[1] = w_add(t01123, w_double(x[2]));
    x[0] = w_add(t01123, t01);
    x[2] = w_add(t01233, t23);
}
AVX512 static inline void w_external(__m512i *s) {
    for (int b = 0; b < 4; b++)
        w_mat4(s + 4 * b);
    for (int i = 0; i < 4; i++) {
        __m512i sum = w_add(w_add(s[i], s[4 + i]), w_add(s[8 + i], s[12 + i]));
        s[i] = w_add(s[i], sum);
        s[4 + i] = w_add(s[4 + i], sum);
        s[8 + i] = w_add(s[8 + i], sum);
        s[12 + i] = w_add(s[12 + i], sum);
    }
}
AVX512 static inline __m512i w_c(uint32_t mont) {
    return _mm512_set1_epi32((int)mont);
}
AVX512 static inline void w_internal(__m512i *s) {
    __m512i part = s[1];
    for (int i = 2; i < 16; i++)
        part = w_add(part, s[i]);
    __m512i full = w_add(part, s[0]);
    s[0] = w_sub(part, s[0]);
    s[1] = w_add(s[1], full);
    s[2] = w_add(w_double(s[2]), full);
    s[3] = w_add(w_halve(s[3]), full);
    s[4] = w_add(full, w_add(w_double(s[4]), s[4]));
    s[5] = w_add(full, w_double(w_double(s[5])));
    s[6] = w_sub(full, w_halve(s[6]));
    s[7] = w_sub(full, w_add(w_double(s[7]), s[7]));
    s[8] = w_sub(full, w_double(w_double(s[8])));
    s[9] = w_add(w_mul(s[9], w_c(P2_MONT_INV2POW8)), full);
    s[10] = w_add(w_mul(s[10], w_c(P2_MONT_INV2POW2)), full);
    s[11] = w_add(w_mul(s[11], w_c(P2_MONT_INV2POW3)), full);
    s[12] = w_add(w_mul(s[12], w_c(P2_MONT_INV2POW27)), full);
    s[13] = w_sub(full, w_mul(s[13], w_c(P2_MONT_INV2POW8)));
    s[14] = w_sub(full, w_mul(s[14], w_c(P2_MONT_INV2POW4)));
    s[15] = w_sub(full, w_mul(s[15], w_c(P2_MONT_INV2POW27)));
}
AVX512 static void w_permute(__m512i *s) {
    w_external(s);
    for (int r = 0; r < 4; r++) {
        for (int i = 0; i < 16; i++)
            s[i] = w_sbox(w_add(s[i], w_c(x16_ext_init[16 * r + i])));
        w_external(s);
    }
    for (int r = 0; r < 13; r++) {
        s[0] = w_sbox(w_add(s[0], w_c(x16_internal[r])));
        w_internal(s);
    }
    for (int r = 0; r < 4; r++) {
        for (int i = 0; i < 16; i++)
            s[i] = w_sbox(w_add(s[i], w_c(x16_ext_final[16 * r + i])));
        w_external(s);
    }
}
/* transpose between 16 states x 16 elements (array of structures) and 16 vectors x 16 lanes */
AVX512 static void w_load(__m512i *s, const bb31 *states) {
    for (int i = 0; i < 16; i++)
    {
        uint32_t tmp[16];
        for (int k = 0; k < 16; k++)
            tmp[k] = states[16 * k + i].v;
        s[i] = _mm512_loadu_si512((const void *)tmp);
    }
}
AVX512 static void w_store(bb31 *states, const __m512i *s) {
    uint32_t tmp[16];
    for (int i = 0; i < 16; i++) {
        _mm512_storeu_si512((void *)tmp, s[i]);
        for (int k = 0; k < 16; k++)
            states[16 * k + i].v = tmp[k];
    }
}
AVX512 static void p2_permute_x16_avx512(bb31 *states) {
    __m512i s[16];
    w_load(s, states);
    w_permute(s);
    w_store(states, s);
}
/* sponge over 16 equal-length inputs */
AVX512 static void hash_x16_avx512(swirl_digest out[16], const bb31 *const in[16], size_t n) {
    __m512i s[16];
    for (int i = 0; i < 16; i++)
        s[i] = _mm512_setzero_si512();
    for (size_t off = 0; off < n; off += 8) {
        size_t len = n - off < 8 ? n - off : 8;
        for (size_t j = 0; j < len; j++)
        {
            uint32_t tmp[16];
            for (int k = 0; k < 16; k++)
                tmp[k] = in[k][off + j].v;
            s[j] = _mm512_loadu_si512((const void *)tmp);
        }
        w_permute(s);
    }
    uint32_t tmp[16];
    for (int j = 0; j < 8; j++) {
        _mm512_storeu_si512((void *)tmp, s[j]);
        for (int k = 0; k < 16; k++)
            out[k].v[j].v = tmp[k];
    }
}
#else
#define P2_HAVE_AVX512_CODE 0
#endif

int p2_x16_avx512_enabled(void) {
#if P2_HAVE_AVX512_CODE
    return swirl_settings_get()->use_avx512;
#else
    return 0;
#endif
}

void p2_bb16_permute_x16(bb31 *states) {
#if P2_HAVE_AVX512_CODE
    if (p2_x16_avx512_enabled()) {
        p2_permute_x16_avx512(states);
        return;
    }
#endif
    p2_bb16_permute_x8(states);
    p2_bb16_permute_x8(states + 8 * 16);
}

void p2_hash_slice_x16(swirl_digest out[16], const bb31 *const in[16], size_t n) {
#if P2_HAVE_AVX512_CODE
    if (p2_x16_avx512_enabled()) {
        hash_x16_avx512(out, in, n);
        return;
    }
#endif
    p2_hash_slice_x8(out, in, n);
    p2_hash_slice_x8(out + 8, in + 8, n);
}
