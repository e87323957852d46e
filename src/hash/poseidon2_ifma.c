/*
 * Poseidon2-16 on ONE state with AVX-512 IFMA (52-bit multiply-add): the transcript's latency path
 * on hosts that have it (the device's Xeon does), chosen over the AVX2 path (poseidon2_single.c)
 * by p2_bb16_permute.
 *
 * Values live in 64-bit lanes in a 52-bit Montgomery form (x 2^52 mod p), unreduced: a product is
 * lo = (a b) mod 2^52 and hi = (a b) >> 52 (two independent multiply-adds), q = lo p^-1 mod 2^52,
 * and a b 2^-52 = p + hi - ((q p) >> 52), in [1, p + hi] (the low 52 bits of a b and q p are
 * equal) — three multiply-adds deep (4 cycles each on Intel, where the 32-bit products the AVX2
 * path uses take 5) and no correction, since any a, b < 2^52 are valid inputs. The linear layers
 * need no reduction at all in 64-bit lanes: an S-box output is below p + 2^10, a layer's output
 * below 2^37, the next S-box takes that as it is. The 16 elements sit in two vectors of 8 (blocks
 * 0, 1 and 2, 3 of M_E: mat4 within 256-bit halves, the column sums one swap of halves).
 *
 * Internal rounds: s0's S-box is the chain (a 128-bit vector, lane 0), the rest runs beside it as
 * in poseidon2_single.c (part_{r+1} = sum_{i>=1} V_i s_i + 15 full_r); full_r is reduced by one
 * product (by 1, and by 15, in the 52-bit form) off the chain so nothing grows; the next S-box
 * input is part_r + rc_{r+1} + 2p - t_r (never negative: t_r < p + 2^10).
 *
 * The state comes in and goes out in the library's 32-bit Montgomery form (one product by 2^72
 * and 2^32 mod p respectively, then one conditional subtraction); a run of sponge absorptions
 * (p2_bb16_absorb_chunks_ifma) converts once for the whole run. Same bits as the scalar
 * permutation; tests/test_poseidon2.c compares them.
 */
#include "hash/poseidon2_x8.h"

#include "hash/poseidon2_impl.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define IFMA __attribute__((target("avx512f,avx512vl,avx512ifma")))

/* The tables in the 52-bit form: the round constants and the internal diagonal V_1..V_15 (V_0 is
 * lane 0's, not used: 0) of poseidon2_impl.h times 2^20 mod p (they are in the 32-bit form). */
static const uint64_t ifma_ext_init[64] = {
    0x63736d26u, 0x06e0e76bu, 0x4b92f381u, 0x4ffc52a9u,
    0x1fc5b75bu, 0x3a650789u, 0x1420a47du, 0x291dbf2du,
    0x5a67eb81u, 0x379fb744u, 0x7365e697u, 0x5b293b27u,
    0x4759ae90u, 0x5e589cc9u, 0x1e2bd686u, 0x27c35516u,
    0x4058e122u, 0x42322732u, 0x1098b4efu, 0x24b3f237u,
    0x5bc6b326u, 0x16b9c181u, 0x752b1f87u, 0x59bd31d3u,
    0x5e9a9b08u, 0x13780271u, 0x10d27377u, 0x5ef6aa5fu,
    0x6acbf495u, 0x70ebc907u, 0x41f573e4u, 0x47f4bbc8u,
    0x3b56d51fu, 0x419b5d7au, 0x0f0cd69bu, 0x3b348d16u,
    0x16cc631du, 0x40de9d00u, 0x488ea28fu, 0x1c701e17u,
    0x4914d82cu, 0x4ef1a227u, 0x311c6bc4u, 0x478467dfu,
    0x42b9bec5u, 0x19378bc5u, 0x76503570u, 0x1dbc2c17u,
    0x4d5635f7u, 0x40857b0du, 0x6a6e1b0fu, 0x3aa001bdu,
    0x54b7dabfu, 0x5d67310au, 0x5a85cb6cu, 0x415b2d34u,
    0x2517e1d8u, 0x309a487cu, 0x50aac1e6u, 0x3369e245u,
    0x76d99924u, 0x5eab4b24u, 0x17621211u, 0x402aba4au,
};
static const uint64_t ifma_ext_final[64] = {
    0x71980dd8u, 0x37fd9493u, 0x323b9b88u, 0x02cc6b0du,
    0x5dfab20au, 0x13723310u, 0x0e0572aau, 0x33e6d5bau,
    0x6c698279u, 0x53977286u, 0x48e0c844u, 0x5e42bcfau,
    0x3c9525b9u, 0x34f83eedu, 0x01b7cd27u, 0x19c4ed4au,
    0x01b3a4f4u, 0x07c7dd04u, 0x76b333aeu, 0x077d3c83u,
    0x5e80d2f8u, 0x3f6a200au, 0x360c9815u, 0x005af7deu,
    0x234f0834u, 0x4a1f40a9u, 0x1e051e0du, 0x0b5610d9u,
    0x028f1785u, 0x503be82au, 0x2abf9c34u, 0x632067a2u,
    0x6dd50692u, 0x088137c9u, 0x6a0f7c59u, 0x3fbfec26u,
    0x3ba2a24bu, 0x528a59c6u, 0x2047e457u, 0x1354c2e0u,
    0x28e3d420u, 0x554fb670u, 0x02ca542bu, 0x196f4907u,
    0x049121d8u, 0x4f1cda5eu, 0x414713b9u, 0x0ae2019fu,
    0x32197c24u, 0x571eee0cu, 0x0da20d26u, 0x3f7fda80u,
    0x24c27985u, 0x5601d5d3u, 0x39343514u, 0x53c859d5u,
    0x14313cb9u, 0x2d8e3b72u, 0x678f7f60u, 0x5ddbe7d0u,
    0x034548bfu, 0x61d84396u, 0x50335af8u, 0x570a63f1u,
};
static const uint64_t ifma_internal_rc[13] = {
    0x4c5e025fu, 0x3ffbccc6u, 0x66544b3fu, 0x67183c1cu,
    0x3bc10326u, 0x17274d1eu, 0x0b4ed3edu, 0x1baab8c2u,
    0x559cd489u, 0x520d53efu, 0x27a30e82u, 0x6958f027u,
    0x2b1b562cu,
};
static const uint64_t ifma_diag[16] = {
    0x00000000u, 0x0fdddddeu, 0x1fbbbbbcu, 0x07eeeeefu,
    0x2f99999au, 0x3f777778u, 0x70111112u, 0x48666667u,
    0x38888889u, 0x0fffdddeu, 0x3ff77778u, 0x1ffbbbbcu,
    0x02000000u, 0x68002223u, 0x68022223u, 0x76000001u,
};
#define IFMA_MU 0xfffff88000001ull /* p^-1 mod 2^52 */
#define IFMA_ONE 0x0fdddddeull /* 2^52 mod p: 1 in the 52-bit form */
#define IFMA_FIFTEEN 0x76000001ull /* 15 * 2^52 mod p */
#define IFMA_TO52 0x05dde26bull /* 2^72 mod p: the 32-bit Montgomery form to the 52-bit one */
#define IFMA_TO32 0x0ffffffeull /* 2^32 mod p: back */

/* a b 2^-52 mod p in [1, p + (a b >> 52)] for a, b < 2^52, per 64-bit lane */
IFMA static inline __m512i ifma_mont(__m512i a, __m512i b) {
    const __m512i z = _mm512_setzero_si512(), p = _mm512_set1_epi64((long long)BB31_P);
    __m512i lo = _mm512_madd52lo_epu64(z, a, b);
    __m512i hi = _mm512_madd52hi_epu64(p, a, b); /* p + (a b >> 52) */
    __m512i q = _mm512_madd52lo_epu64(z, lo, _mm512_set1_epi64((long long)IFMA_MU));
    return _mm512_sub_epi64(hi, _mm512_madd52hi_epu64(z, q, p));
}
IFMA static inline __m128i ifma_mont_x(__m128i a, __m128i b) {
    const __m128i z = _mm_setzero_si128(), p = _mm_set1_epi64x((long long)BB31_P);
    __m128i lo = _mm_madd52lo_epu64(z, a, b);
    __m128i hi = _mm_madd52hi_epu64(p, a, b);
    __m128i q = _mm_madd52lo_epu64(z, lo, _mm_set1_epi64x((long long)IFMA_MU));
    return _mm_sub_epi64(hi, _mm_madd52hi_epu64(z, q, p));
}
/* v^7 = v^3 v^4: three products deep */
IFMA static inline __m512i ifma_sbox(__m512i v) {
    __m512i x2 = ifma_mont(v, v);
    return ifma_mont(ifma_mont(x2, v), ifma_mont(x2, x2));
}
IFMA static inline __m128i ifma_sbox_x(__m128i v) {
    __m128i x2 = ifma_mont_x(v, v);
    return ifma_mont_x(ifma_mont_x(x2, v), ifma_mont_x(x2, x2));
}
/* mat4 on each 256-bit half: y_j = T + x_j + 2 x_{j+1}, T the block's sum (p2_mat4_u's matrix) */
IFMA static inline __m512i ifma_mat4(__m512i x) {
    __m512i a = _mm512_add_epi64(x, _mm512_shuffle_epi32(x, (_MM_PERM_ENUM)0x4e)); /* x0+x1 ... */
    __m512i t = _mm512_add_epi64(a, _mm512_permutex_epi64(a, 0x4e));              /* the sum */
    __m512i r1 = _mm512_permutex_epi64(x, 0x39);                                   /* x_{j+1} */
    return _mm512_add_epi64(t, _mm512_add_epi64(x, _mm512_add_epi64(r1, r1)));
}
/* M_E: mat4 per block, then each element plus its column's sum over the four blocks */
IFMA static inline void ifma_external(__m512i *lo, __m512i *hi) {
    __m512i yl = ifma_mat4(*lo), yh = ifma_mat4(*hi);
    __m512i c = _mm512_add_epi64(yl, yh);
    __m512i sum = _mm512_add_epi64(c, _mm512_shuffle_i64x2(c, c, 0x4e));
    *lo = _mm512_add_epi64(yl, sum);
    *hi = _mm512_add_epi64(yh, sum);
}
IFMA static inline void ifma_ext_round(__m512i *lo, __m512i *hi, const uint64_t *rc) {
    *lo = ifma_sbox(_mm512_add_epi64(*lo, _mm512_loadu_si512((const void *)rc)));
    *hi = ifma_sbox(_mm512_add_epi64(*hi, _mm512_loadu_si512((const void *)(rc + 8))));
    ifma_external(lo, hi);
}
/* the sum of the 16 lanes of (a, b) in lane 0 */
IFMA static inline __m128i ifma_hsum(__m512i a, __m512i b) {
    __m512i s = _mm512_add_epi64(a, b);
    __m256i h = _mm256_add_epi64(_mm512_castsi512_si256(s), _mm512_extracti64x4_epi64(s, 1));
    __m128i q = _mm_add_epi64(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
    return _mm_add_epi64(q, _mm_unpackhi_epi64(q, q));
}
/* the 13 internal rounds (the header comment); lane 0 of lo is stale inside */
IFMA static inline void ifma_internal(__m512i *lo, __m512i *hi) {
    const __m512i dl = _mm512_loadu_si512((const void *)ifma_diag);
    const __m512i dh = _mm512_loadu_si512((const void *)(ifma_diag + 8));
    const __m128i one = _mm_set1_epi64x((long long)IFMA_ONE);
    const __m128i fifteen = _mm_set1_epi64x((long long)IFMA_FIFTEEN);
    const __m128i p2 = _mm_set1_epi64x(2 * (long long)BB31_P);
    const __m512i lane0 = _mm512_set_epi64(-1, -1, -1, -1, -1, -1, -1, 0);
    __m128i part = ifma_hsum(_mm512_and_si512(*lo, lane0), *hi);
    __m128i v = _mm_add_epi64(_mm512_castsi512_si128(*lo), _mm_set1_epi64x((long long)ifma_internal_rc[0]));
    __m128i s0 = v;
    for (int r = 0; r < P2_BB16_ROUNDS_P; r++) {
        /* beside the chain: V_i s_i (lane 0: V_0 = 0 gives p, a multiple of p) and its sum */
        __m512i yl = ifma_mont(*lo, dl), yh = ifma_mont(*hi, dh);
        __m128i d = ifma_hsum(yl, yh);
        __m128i t = ifma_sbox_x(v); /* the chain */
        __m128i c = _mm_add_epi64(part, p2);
        if (r + 1 < P2_BB16_ROUNDS_P)
            v = _mm_sub_epi64(_mm_add_epi64(c, _mm_set1_epi64x((long long)ifma_internal_rc[r + 1])), t);
        else
            s0 = _mm_sub_epi64(c, t); /* part - t: V_0 = -2 */
        __m128i full = _mm_add_epi64(part, t);
        __m512i f = _mm512_broadcastq_epi64(ifma_mont_x(full, one));
        *lo = _mm512_add_epi64(yl, f);
        *hi = _mm512_add_epi64(yh, f);
        part = _mm_add_epi64(d, ifma_mont_x(full, fifteen));
    }
    *lo = _mm512_mask_broadcastq_epi64(*lo, 1, s0);
}

/* 32-bit Montgomery form (8 values < 2^32) -> the 52-bit form, [1, p + 2^8) */
IFMA static inline __m512i ifma_to52(const bb31 *v) {
    return ifma_mont(_mm512_cvtepu32_epi64(_mm256_loadu_si256((const __m256i *)v)),
                     _mm512_set1_epi64((long long)IFMA_TO52));
}
/* the 52-bit form (< 2^37) -> canonical 32-bit Montgomery form: [1, p + 2^13), then canonical */
IFMA static inline void ifma_store32(bb31 *v, __m512i x) {
    const __m512i p = _mm512_set1_epi64((long long)BB31_P);
    x = ifma_mont(x, _mm512_set1_epi64((long long)IFMA_TO32));
    x = _mm512_min_epu64(x, _mm512_sub_epi64(x, p));
    _mm256_storeu_si256((__m256i *)v, _mm512_cvtepi64_epi32(x));
}
/* the permutation in the 52-bit form: inputs below 2^37 (converted values, or a permutation's own
 * outputs: p2_bb16_absorb_chunks_ifma's comment), outputs below 2^37 */
IFMA static inline void ifma_permute52(__m512i *lo, __m512i *hi) {
    ifma_external(lo, hi);
    for (int r = 0; r < P2_BB16_ROUNDS_F_HALF; r++)
        ifma_ext_round(lo, hi, ifma_ext_init + 16 * r);
    ifma_internal(lo, hi);
    for (int r = 0; r < P2_BB16_ROUNDS_F_HALF; r++)
        ifma_ext_round(lo, hi, ifma_ext_final + 16 * r);
}

IFMA void p2_bb16_permute_single_ifma(bb31 state[P2_WIDTH]) {
    __m512i lo = ifma_to52(state), hi = ifma_to52(state + 8);
    ifma_permute52(&lo, &hi);
    ifma_store32(state, lo);
    ifma_store32(state + 8, hi);
}

/*
 * The transcript's run of absorptions (p2_bb16_absorb_chunks): the state enters the 52-bit form
 * once and leaves it once; in between the capacity half (hi) stays as the permutation left it,
 * unreduced, and each chunk's 8 inputs are converted off the chain (they do not depend on it, so
 * the core converts the next chunk while the current permutation runs).
 *
 * The bound that makes this valid: the permutation's last layer is M_E of S-box outputs < p + 2^10,
 * and a row of M_E has coefficient sum 35 (its own block's mat4 row, 7, twice, plus the other three
 * blocks' rows, 7 each), so hi < 35 (p + 2^10) < 2^36.2. The next permutation's first M_E takes
 * the converted rate half (< p + 2^8) and that hi: its outputs < 35 * 2^36.2 < 2^41.4, plus a round
 * constant < 2^31, are the first S-box's inputs v, far below the 2^52 an IFMA operand may have
 * (madd52 reads only 52 bits of each operand). Through the S-box: v^2 2^-52 < p + 2^30.8, v^3 <
 * p + 2^21.5, v^4 < p + 2^12, v^7 < p + 2^10 — the bounds of a fresh permutation from there on.
 * So no reduction is needed; the outputs are those of the 32-bit round trip (the products are
 * exact modular values whatever representative goes in), which the tests check bit for bit.
 */
IFMA void p2_bb16_absorb_chunks_ifma(bb31 state[P2_WIDTH], const bb31 *in, size_t nchunks) {
    if (nchunks == 0)
        return;
    __m512i hi = ifma_to52(state + 8);
    __m512i lo = ifma_to52(in);
    for (size_t c = 1;; c++) {
        /* the next chunk's conversion first in program order: issued at once, not only when the
         * front end has got past this permutation */
        __m512i next = c < nchunks ? ifma_to52(in + P2_RATE * c) : lo;
        ifma_permute52(&lo, &hi);
        if (c == nchunks)
            break;
        lo = next;
    }
    ifma_store32(state, lo);
    ifma_store32(state + 8, hi);
}
#else
void p2_bb16_permute_single_ifma(bb31 state[P2_WIDTH]) {
    (void)state; /* never called: swirl_settings_get()->use_ifma is 0 here */
}
void p2_bb16_absorb_chunks_ifma(bb31 state[P2_WIDTH], const bb31 *in, size_t nchunks) {
    (void)state, (void)in, (void)nchunks; /* never called, as above */
}
#endif
