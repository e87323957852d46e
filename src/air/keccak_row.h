/*
 * One row of KeccakAir's trace as host/device code (SWIRL_HD): the per-thread work of the GPU
 * trace generation (device/cuda/trace_gen.cu, one thread per row) and, on the CPU, its twin,
 * which tests/test_keccak_row.c checks word for word against the reference generator
 * air/keccak_trace.c (swirl_keccak_generate_trace), a separate implementation of the same
 * generation.rs. The column layout (KC_* of air/keccak_trace.h) and the padding are the
 * reference's: row = 24 p + r holds round r of permutation p, whose input is inputs[p] for p <
 * n_inputs and all zero after (the last padding permutation truncated at the height).
 *
 * Unlike the reference, which writes into a zeroed matrix, a row here writes every one of its
 * 2633 words (zeros included): device memory from cudaMalloc is not zeroed.
 *
 * Per row: the state entering round r is recomputed from the input (r rounds, at most 23), so
 * rows are independent; every write is m[col * h + row], so consecutive threads (rows) write
 * consecutive words of each column (coalesced).
 */
#ifndef SWIRL_AIR_KECCAK_ROW_H
#define SWIRL_AIR_KECCAK_ROW_H

#include <stddef.h>
#include <stdint.h>

#include "air/keccak_trace.h"
#include "field/bb31.h"
#include "util/common.h"

/* unrolled on the device (the lane arrays stay in registers); host compilers need no hint */
#if defined(__CUDA_ARCH__)
#define SWIRL_KR_UNROLL _Pragma("unroll")
#else
#define SWIRL_KR_UNROLL
#endif

SWIRL_HD uint64_t swirl_kr_rotl(uint64_t v, unsigned r) {
    return r ? (v << r) | (v >> (64 - r)) : v;
}

/* Keccak-f[1600] iota constant RC[r] (keccak-air/src/constants.rs); a local table so that device
 * code can read it */
SWIRL_HD uint64_t swirl_kr_rc(unsigned r) {
    const uint64_t rc[24] = {
        0x0000000000000001ull, 0x0000000000008082ull, 0x800000000000808Aull, 0x8000000080008000ull,
        0x000000000000808Bull, 0x0000000080000001ull, 0x8000000080008081ull, 0x8000000000008009ull,
        0x000000000000008Aull, 0x0000000000000088ull, 0x0000000080008009ull, 0x000000008000000Aull,
        0x000000008000808Bull, 0x800000000000008Bull, 0x8000000000008089ull, 0x8000000000008003ull,
        0x8000000000008002ull, 0x8000000000000080ull, 0x000000000000800Aull, 0x800000008000000Aull,
        0x8000000080008081ull, 0x8000000000008080ull, 0x0000000080000001ull, 0x8000000080008008ull,
    };
    return rc[r];
}

/* rotation offset R[x][y] (constants.rs), x, y < 5; constant-folded in unrolled loops */
SWIRL_HD unsigned swirl_kr_rot(unsigned x, unsigned y) {
    const unsigned rot[25] = {0,  36, 3,  41, 18, 1,  44, 10, 45, 2,  62, 6, 43,
                              15, 61, 28, 55, 25, 21, 56, 27, 20, 39, 8,  14};
    return rot[5 * x + y];
}

/* theta on lanes a[x + 5y]: c[x] (column parities), cp[x] = C'[x] (columns.rs c_prime) */
SWIRL_HD void swirl_kr_theta(uint64_t a[25], uint64_t c[5], uint64_t cp[5]) {
SWIRL_KR_UNROLL
    for (int x = 0; x < 5; x++)
        c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
SWIRL_KR_UNROLL
    for (int x = 0; x < 5; x++)
        cp[x] = c[x] ^ c[(x + 4) % 5] ^ swirl_kr_rotl(c[(x + 1) % 5], 1);
SWIRL_KR_UNROLL
    for (int x = 0; x < 5; x++)
SWIRL_KR_UNROLL
        for (int y = 0; y < 5; y++)
            a[x + 5 * y] ^= c[x] ^ cp[x];
}

/* rho, pi and chi: B[i][j] = rot(A[(i + 3j) % 5][i]), A[i][j] = B[i][j] ^ (~B[i+1][j] & B[i+2][j]) */
SWIRL_HD void swirl_kr_rho_pi_chi(uint64_t a[25]) {
    uint64_t b[25];
SWIRL_KR_UNROLL
    for (int i = 0; i < 5; i++)
SWIRL_KR_UNROLL
        for (int j = 0; j < 5; j++) {
            int ni = (i + 3 * j) % 5, nj = i;
            b[i + 5 * j] = swirl_kr_rotl(a[ni + 5 * nj], swirl_kr_rot((unsigned)ni, (unsigned)nj));
        }
SWIRL_KR_UNROLL
    for (int i = 0; i < 5; i++)
SWIRL_KR_UNROLL
        for (int j = 0; j < 5; j++)
            a[i + 5 * j] = b[i + 5 * j] ^ (~b[(i + 1) % 5 + 5 * j] & b[(i + 2) % 5 + 5 * j]);
}

SWIRL_HD void swirl_kr_put(bb31 *m, size_t h, size_t row, int col, uint32_t v) {
    m[(size_t)col * h + row] = bb31_from_u32(v);
}

/* a lane as 4 little-endian 16-bit limbs, columns col0..col0+3 */
SWIRL_HD void swirl_kr_limbs(bb31 *m, size_t h, size_t row, int col0, uint64_t v) {
SWIRL_KR_UNROLL
    for (int l = 0; l < 4; l++)
        swirl_kr_put(m, h, row, col0 + l, (uint32_t)((v >> (16 * l)) & 0xffff));
}

/* a lane as 64 little-endian bits, columns col0..col0+63 */
SWIRL_HD void swirl_kr_bits(bb31 *m, size_t h, size_t row, int col0, uint64_t v) {
    for (int z = 0; z < 64; z++)
        swirl_kr_put(m, h, row, col0 + z, (uint32_t)((v >> z) & 1));
}

/**
 * Writes row `row` (< h) of the column-major h x SWIRL_KECCAK_NUM_COLS matrix m: round row % 24
 * of permutation row / 24, whose input is inputs[25 p .. 25 p + 25) (lanes x + 5y) when p <
 * n_inputs, else all zero. Every column of the row is written.
 */
SWIRL_HD void swirl_keccak_trace_row(bb31 *m, size_t h, size_t row, const uint64_t *inputs,
                                     size_t n_inputs) {
    const size_t p = row / SWIRL_KECCAK_NUM_ROUNDS;
    const unsigned r = (unsigned)(row % SWIRL_KECCAK_NUM_ROUNDS);
    const uint64_t *in = p < n_inputs ? inputs + 25 * p : NULL;
    uint64_t a[25], c[5], cp[5];
SWIRL_KR_UNROLL
    for (int i = 0; i < 25; i++)
        a[i] = in ? in[i] : 0;
    /* step flags (round r), export (always 0 in generate_trace_rows), preimage */
    for (int q = 0; q < SWIRL_KECCAK_NUM_ROUNDS; q++)
        swirl_kr_put(m, h, row, KC_STEP_FLAGS(q), (unsigned)q == r);
    swirl_kr_put(m, h, row, KC_EXPORT, 0);
SWIRL_KR_UNROLL
    for (int y = 0; y < 5; y++)
SWIRL_KR_UNROLL
        for (int x = 0; x < 5; x++)
            swirl_kr_limbs(m, h, row, KC_PREIMAGE(y, x, 0), a[x + 5 * y]);
    /* the state entering round r */
    for (unsigned k = 0; k < r; k++) {
        swirl_kr_theta(a, c, cp);
        swirl_kr_rho_pi_chi(a);
        a[0] ^= swirl_kr_rc(k);
    }
SWIRL_KR_UNROLL
    for (int y = 0; y < 5; y++)
SWIRL_KR_UNROLL
        for (int x = 0; x < 5; x++)
            swirl_kr_limbs(m, h, row, KC_A(y, x, 0), a[x + 5 * y]);
    /* round r, each intermediate written as soon as it exists */
    swirl_kr_theta(a, c, cp);
SWIRL_KR_UNROLL
    for (int x = 0; x < 5; x++) {
        swirl_kr_bits(m, h, row, KC_C(x, 0), c[x]);
        swirl_kr_bits(m, h, row, KC_C_PRIME(x, 0), cp[x]);
    }
SWIRL_KR_UNROLL
    for (int y = 0; y < 5; y++)
SWIRL_KR_UNROLL
        for (int x = 0; x < 5; x++)
            swirl_kr_bits(m, h, row, KC_A_PRIME(y, x, 0), a[x + 5 * y]);
    swirl_kr_rho_pi_chi(a);
SWIRL_KR_UNROLL
    for (int y = 0; y < 5; y++)
SWIRL_KR_UNROLL
        for (int x = 0; x < 5; x++)
            swirl_kr_limbs(m, h, row, KC_A_PP(y, x, 0), a[x + 5 * y]);
    swirl_kr_bits(m, h, row, KC_A_PP_00_BITS(0), a[0]);
    swirl_kr_limbs(m, h, row, KC_A_PPP_00_LIMBS(0), a[0] ^ swirl_kr_rc(r));
}

/** The trace height for n_inputs >= 1 permutations: the next power of two of 24 n_inputs. */
SWIRL_HD size_t swirl_keccak_trace_height(size_t n_inputs) {
    size_t h = 1;
    while (h < SWIRL_KECCAK_NUM_ROUNDS * n_inputs)
        h <<= 1;
    return h;
}

#endif /* SWIRL_AIR_KECCAK_ROW_H */
