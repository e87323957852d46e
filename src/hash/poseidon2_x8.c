/*
 * Poseidon2-16 on 8 states at once. The AVX2 path keeps lane i of 16 vectors as state i
 * (structure of arrays) and uses Montgomery arithmetic on 8 x u32 lanes:
 *   add: s = a + b, r = min_u32(s, s - p)          (s < 2p, so exactly one candidate is < p)
 *   sub: d = a - b, r = min_u32(d, d + p)
 *   mul: even and odd lanes as 4 x u64 products x; t = lo32(x) * mu; u = t * p;
 *        r = hi32(x) - hi32(u) (lo32 parts are equal), r = min_u32(r, r + p)
 * which is the same value the scalar bb31_mul computes.
 */
#include "hash/poseidon2_x8.h"

#include <stdlib.h>
#include <string.h>

#include "hash/poseidon2_impl.h"

static const uint32_t x8_ext_init[64] = P2_BB16_RC_EXT_INITIAL_MONT;
static const uint32_t x8_ext_final[64] = P2_BB16_RC_EXT_FINAL_MONT;
static const uint32_t x8_internal[13] = P2_BB16_RC_INTERNAL_MONT;

void p2_bb16_permute_x8_portable(bb31 *states) {
    for (int i = 0; i < 8; i++)
        p2_bb16_permute_tables(states + 16 * i, x8_ext_init, x8_ext_final, x8_internal);
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define P2_HAVE_AVX2_CODE 1

#include "field/bb31_avx2.h"

AVX2 static inline __m256i v_double(__m256i a) {
    return v_add(a, a);
}
AVX2 static inline __m256i v_halve(__m256i a) {
    /* (a odd ? (a + p) : a) / 2; a + p < 2^32 */
    __m256i one = _mm256_set1_epi32(1);
    __m256i odd = _mm256_and_si256(a, one);
    __m256i addp = _mm256_and_si256(_mm256_sub_epi32(_mm256_setzero_si256(), odd),
                                    _mm256_set1_epi32((int)BB31_P));
    return _mm256_srli_epi32(_mm256_add_epi32(a, addp), 1);
}
AVX2 static inline __m256i v_sbox(__m256i x) {
    __m256i x2 = v_mul(x, x);
    __m256i x3 = v_mul(x2, x);
    __m256i x6 = v_mul(x3, x3);
    return v_mul(x6, x);
}
AVX2 static inline void v_mat4(__m256i *x) {
    __m256i t01 = v_add(x[0], x[1]);
    __m256i t23 = v_add(x[2], x[3]);
    __m256i t0123 = v_add(t01, t23);
    __m256i t01123 = v_add(t0123, x[1]);
    __m256i t01233 = v_add(t0123, x[3]);
    x[3] = v_add(t01233, v_double(x[0]));
    x[1] = v_add(t01123, v_double(x[2]));
    x[0] = v_add(t01123, t01);
    x[2] = v_add(t01233, t23);
}
AVX2 static inline void v_external(__m256i *s) {
    for (int b = 0; b < 4; b++)
        v_mat4(s + 4 * b);
    for (int i = 0; i < 4; i++) {
        __m256i sum = v_add(v_add(s[i], s[4 + i]), v_add(s[8 + i], s[12 + i]));
        s[i] = v_add(s[i], sum);
        s[4 + i] = v_add(s[4 + i], sum);
        s[8 + i] = v_add(s[8 + i], sum);
        s[12 + i] = v_add(s[12 + i], sum);
    }
}
AVX2 static inline __m256i v_c(uint32_t mont) {
    return _mm256_set1_epi32((int)mont);
}
AVX2 static inline void v_internal(__m256i *s) {
    __m256i part = s[1];
    for (int i = 2; i < 16; i++)
        part = v_add(part, s[i]);
    __m256i full = v_add(part, s[0]);
    s[0] = v_sub(part, s[0]);
    s[1] = v_add(s[1], full);
    s[2] = v_add(v_double(s[2]), full);
    s[3] = v_add(v_halve(s[3]), full);
    s[4] = v_add(full, v_add(v_double(s[4]), s[4]));
    s[5] = v_add(full, v_double(v_double(s[5])));
    s[6] = v_sub(full, v_halve(s[6]));
    s[7] = v_sub(full, v_add(v_double(s[7]), s[7]));
    s[8] = v_sub(full, v_double(v_double(s[8])));
    s[9] = v_add(v_mul(s[9], v_c(P2_MONT_INV2POW8)), full);
    s[10] = v_add(v_mul(s[10], v_c(P2_MONT_INV2POW2)), full);
    s[11] = v_add(v_mul(s[11], v_c(P2_MONT_INV2POW3)), full);
    s[12] = v_add(v_mul(s[12], v_c(P2_MONT_INV2POW27)), full);
    s[13] = v_sub(full, v_mul(s[13], v_c(P2_MONT_INV2POW8)));
    s[14] = v_sub(full, v_mul(s[14], v_c(P2_MONT_INV2POW4)));
    s[15] = v_sub(full, v_mul(s[15], v_c(P2_MONT_INV2POW27)));
}
AVX2 static void v_permute(__m256i *s) {
    v_external(s);
    for (int r = 0; r < 4; r++) {
        for (int i = 0; i < 16; i++)
            s[i] = v_sbox(v_add(s[i], v_c(x8_ext_init[16 * r + i])));
        v_external(s);
    }
    for (int r = 0; r < 13; r++) {
        s[0] = v_sbox(v_add(s[0], v_c(x8_internal[r])));
        v_internal(s);
    }
    for (int r = 0; r < 4; r++) {
        for (int i = 0; i < 16; i++)
            s[i] = v_sbox(v_add(s[i], v_c(x8_ext_final[16 * r + i])));
        v_external(s);
    }
}
/* transpose between 8 states x 16 lanes (array of structures) and 16 vectors x 8 lanes */
AVX2 static void v_load(__m256i *s, const bb31 *states) {
    for (int i = 0; i < 16; i++)
        s[i] = _mm256_set_epi32((int)states[16 * 7 + i].v, (int)states[16 * 6 + i].v,
                                (int)states[16 * 5 + i].v, (int)states[16 * 4 + i].v,
                                (int)states[16 * 3 + i].v, (int)states[16 * 2 + i].v,
                                (int)states[16 * 1 + i].v, (int)states[i].v);
}
AVX2 static void v_store(bb31 *states, const __m256i *s) {
    uint32_t tmp[8];
    for (int i = 0; i < 16; i++) {
        _mm256_storeu_si256((__m256i *)tmp, s[i]);
        for (int k = 0; k < 8; k++)
            states[16 * k + i].v = tmp[k];
    }
}
AVX2 void p2_bb16_permute_x8_avx2(bb31 *states) {
    __m256i s[16];
    v_load(s, states);
    v_permute(s);
    v_store(states, s);
}
/* sponge over 8 equal-length inputs without transposing whole states each block */
AVX2 static void hash_x8_avx2(swirl_digest out[8], const bb31 *const in[8], size_t n) {
    __m256i s[16];
    for (int i = 0; i < 16; i++)
        s[i] = _mm256_setzero_si256();
    for (size_t off = 0; off < n; off += 8) {
        size_t len = n - off < 8 ? n - off : 8;
        for (size_t j = 0; j < len; j++)
            s[j] = _mm256_set_epi32((int)in[7][off + j].v, (int)in[6][off + j].v,
                                    (int)in[5][off + j].v, (int)in[4][off + j].v,
                                    (int)in[3][off + j].v, (int)in[2][off + j].v,
                                    (int)in[1][off + j].v, (int)in[0][off + j].v);
        v_permute(s);
    }
    uint32_t tmp[8];
    for (int j = 0; j < 8; j++) {
        _mm256_storeu_si256((__m256i *)tmp, s[j]);
        for (int k = 0; k < 8; k++)
            out[k].v[j].v = tmp[k];
    }
}
#else
#define P2_HAVE_AVX2_CODE 0
void p2_bb16_permute_x8_avx2(bb31 *states) {
    p2_bb16_permute_x8_portable(states);
}
#endif

int p2_x8_avx2_supported(void) {
    return P2_HAVE_AVX2_CODE && bb31_avx2_supported();
}

int p2_x8_accelerated(void) {
    return P2_HAVE_AVX2_CODE && bb31_avx2_enabled();
}

void p2_bb16_permute_x8(bb31 *states) {
    if (p2_x8_accelerated())
        p2_bb16_permute_x8_avx2(states);
    else
        p2_bb16_permute_x8_portable(states);
}

void p2_hash_slice_x8(swirl_digest out[8], const bb31 *const in[8], size_t n) {
#if P2_HAVE_AVX2_CODE
    if (p2_x8_accelerated()) {
        hash_x8_avx2(out, in, n);
        return;
    }
#endif
    for (int i = 0; i < 8; i++)
        p2_hash_slice(&out[i], in[i], n);
}

void p2_compress_x8(swirl_digest out[8], const swirl_digest *const left[8],
                    const swirl_digest *const right[8]) {
    bb31 st[8 * 16];
    for (int i = 0; i < 8; i++) {
        memcpy(st + 16 * i, left[i]->v, sizeof left[i]->v);
        memcpy(st + 16 * i + 8, right[i]->v, sizeof right[i]->v);
    }
    p2_bb16_permute_x8(st);
    for (int i = 0; i < 8; i++)
        memcpy(out[i].v, st + 16 * i, sizeof out[i].v);
}
