/*
 * Poseidon2-16 on a warp (the device control kernels' transcript, transcript_impl.h): lane l holds
 * state[l & 15] (lanes 16..31 are a second 16-lane group with the same values) and runs
 * poseidon2_impl.h's permutation with its field primitives, the other elements through lane
 * exchanges, so one permutation costs about one S-box chain per round instead of the 16 S-boxes
 * and linear layers one thread issues:
 *  - external round: the lane's own S-box; M_E = the 4x4 block of its group of 4 (the 3 other
 *    values by shuffles), then the element plus its column's sum (lanes l ^ 4, l ^ 8, l ^ 12);
 *  - internal rounds: state[0] (s0) and the sum `part` of state[1..15] are uniform, every lane
 *    computes s0's S-box; lane i >= 1 keeps state[i]. With V the internal diagonal:
 *      sb = sbox(s0 + rc), full = part + sb, s0' = part - sb (= full + V0 sb, V0 = -2),
 *      x' = V_i x + full, part' = sum_{i >= 1} V_i x_i + 15 full;
 *    the sum of V_i x_i (a shuffle all-reduce) needs only the round's input, so it runs beside
 *    the S-box and is used one round later.
 * Canonical values everywhere: the outputs are p2_bb16_permute_tables' bits (the field is exact).
 *
 * Lane exchanges are hooks: SWIRL_P2W_SHFL(v, src), v of lane src (0..15) of this lane's group,
 * and SWIRL_P2W_XOR(v, m), v of lane l ^ m (m < 16). Device code gets __shfl_sync /
 * __shfl_xor_sync of width 16 (the whole warp calls them at once, uniform control flow); host
 * code that defines the hooks before including this header (tests/test_p2_warp.c: 16 threads and
 * a barrier per exchange) gets the same functions, else only the tables.
 */
#ifndef SWIRL_HASH_POSEIDON2_WARP_H
#define SWIRL_HASH_POSEIDON2_WARP_H

#include "hash/poseidon2_impl.h"

/* Montgomery forms of the internal diagonal V_1..V_15 (V = [-2, 1, 2, 1/2, 3, 4, -1/2, -3, -4,
 * 1/2^8, 1/4, 1/8, 1/2^27, -1/2^8, -1/16, -1/2^27]), entry 0 zero (lane 0 adds nothing to the
 * sum of V_i x_i); p2_smul(x, V_i) = V_i x. */
#define P2_BB16_DIAG_MONT                                                                          \
    { 0x00000000u, 0x0ffffffeu, 0x1ffffffcu, 0x07ffffffu, 0x2ffffffau, 0x3ffffff8u, 0x70000002u, \
      0x48000007u, 0x38000009u, 0x01000000u, 0x40000000u, 0x20000000u, 0x00000020u, 0x77000001u, \
      0x68000001u, 0x77ffffe1u }

/* The constants a lane reads (entry l of each round: one coalesced load per round); device code
 * keeps them in global memory, where lane-varying reads of __constant__ data would serialize. */
typedef struct p2_bb16_lane_tables {
    uint32_t ext_init[64], ext_final[64], internal[13], diag[16];
} p2_bb16_lane_tables;

#define P2_BB16_LANE_TABLES_INIT                                                                   \
    { P2_BB16_RC_EXT_INITIAL_MONT, P2_BB16_RC_EXT_FINAL_MONT, P2_BB16_RC_INTERNAL_MONT,           \
      P2_BB16_DIAG_MONT }

#if defined(__CUDA_ARCH__) && !defined(SWIRL_P2W_SHFL)
#define SWIRL_P2W_SHFL(v, src) __shfl_sync(0xffffffffu, (v), (src), 16)
#define SWIRL_P2W_XOR(v, m) __shfl_xor_sync(0xffffffffu, (v), (m), 16)
#endif

#if defined(SWIRL_P2W_SHFL)

/* M_E: lane l's output element from its input x (l < 16) */
SWIRL_HD uint32_t p2_lane_external(uint32_t x, unsigned l) {
    unsigned g = l & 12u;
    uint32_t b = SWIRL_P2W_SHFL(x, g | ((l + 1u) & 3u));
    uint32_t c = SWIRL_P2W_XOR(x, 2u);
    uint32_t d = SWIRL_P2W_SHFL(x, g | ((l + 3u) & 3u));
    /* row j of [[2,3,1,1],[1,2,3,1],[1,1,2,3],[3,1,1,2]]: the block's sum plus x_j + 2 x_(j+1) */
    uint32_t m = p2_add(p2_add(p2_add(x, b), p2_add(c, d)), p2_add(x, p2_add(b, b)));
    uint32_t o4 = SWIRL_P2W_XOR(m, 4u);
    uint32_t o8 = SWIRL_P2W_XOR(m, 8u);
    uint32_t o12 = SWIRL_P2W_XOR(m, 12u);
    /* m plus the column sum m + o4 + o8 + o12 */
    return p2_add(p2_add(o4, o8), p2_add(o12, p2_add(m, m)));
}

/* the sum of v over the 16 lanes, on every lane: two stages of 3 exchanges */
SWIRL_HD uint32_t p2_lane_sum16(uint32_t v) {
    uint32_t v1 = SWIRL_P2W_XOR(v, 1u);
    uint32_t v2 = SWIRL_P2W_XOR(v, 2u);
    uint32_t v3 = SWIRL_P2W_XOR(v, 3u);
    uint32_t g = p2_add(p2_add(v, v1), p2_add(v2, v3));
    uint32_t g4 = SWIRL_P2W_XOR(g, 4u);
    uint32_t g8 = SWIRL_P2W_XOR(g, 8u);
    uint32_t g12 = SWIRL_P2W_XOR(g, 12u);
    return p2_add(p2_add(g, g4), p2_add(g8, g12));
}

/* canonical V x for a canonical x and V in Montgomery form */
SWIRL_HD uint32_t p2_lane_mulc(uint32_t x, uint32_t c) {
    return p2_canon(p2_smul((int32_t)x, (int32_t)c));
}

/* one internal round on the lane (transcript of the header comment): s0, part uniform, x the
 * lane's element; vsum = the sum of V_i x_i of the round's input (0: the last round needs none) */
SWIRL_HD void p2_lane_internal(uint32_t *x, uint32_t *s0, uint32_t *part, uint32_t dx,
                               uint32_t vsum, uint32_t rc) {
    uint32_t sb = p2_sbox_rc(*s0, rc);
    uint32_t full = p2_add(*part, sb);
    *s0 = p2_sub(*part, sb);
    *x = p2_add(dx, full);
    *part = p2_add(vsum, p2_lane_mulc(full, P2_MONT_15));
}

#if defined(__CUDA_ARCH__)
#define P2_LANE_UNROLL _Pragma("unroll") /* one straight block: the scheduler overlaps rounds */
#else
#define P2_LANE_UNROLL
#endif

/*
 * The permutation of the state whose element l (0..15) is x on lane l: every lane of the group
 * calls it at once (uniform control flow) and gets element l of the output.
 */
SWIRL_HD uint32_t p2_bb16_permute_lane(uint32_t x, unsigned l, const p2_bb16_lane_tables *tb) {
    l &= 15u;
    x = p2_lane_external(x, l);
    P2_LANE_UNROLL
    for (int r = 0; r < P2_BB16_ROUNDS_F_HALF; r++)
        x = p2_lane_external(p2_sbox_rc(x, tb->ext_init[16 * r + l]), l);
    uint32_t dg = tb->diag[l];
    uint32_t s0 = SWIRL_P2W_SHFL(x, 0u);
    uint32_t part = p2_lane_sum16(l ? x : 0u);
    P2_LANE_UNROLL
    for (int r = 0; r + 1 < P2_BB16_ROUNDS_P; r++) {
        uint32_t dx = p2_lane_mulc(x, dg); /* V_l x (0 on lane 0) */
        /* the next round's sum of V_i x_i: its exchanges go out before the S-box they overlap */
        uint32_t vsum = p2_lane_sum16(dx);
        p2_lane_internal(&x, &s0, &part, dx, vsum, tb->internal[r]);
    }
    p2_lane_internal(&x, &s0, &part, p2_lane_mulc(x, dg), 0u, tb->internal[P2_BB16_ROUNDS_P - 1]);
    x = l ? x : s0;
    P2_LANE_UNROLL
    for (int r = 0; r < P2_BB16_ROUNDS_F_HALF; r++)
        x = p2_lane_external(p2_sbox_rc(x, tb->ext_final[16 * r + l]), l);
    return x;
}

#endif /* SWIRL_P2W_SHFL */

#endif /* SWIRL_HASH_POSEIDON2_WARP_H */
