/*
 * KeccakAir (Plonky3 0.4.3 keccak-air) trace: column layout (columns.rs, KeccakCols, 2633 columns)
 * and trace generation exactly as generation.rs generate_trace_rows(inputs, 0), plus Keccak-f[1600]
 * and the inputs-file format of the `swirl` CLI.
 *
 * Lanes: a permutation input is 25 u64 in Plonky3's order, lane[x + 5y] = A[x][y]. Bits are
 * little-endian, a lane's limbs are 4 little-endian 16-bit values.
 */
#ifndef SWIRL_AIR_KECCAK_TRACE_H
#define SWIRL_AIR_KECCAK_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "swirl/swirl_airs.h"
#include "field/bb31.h"

#define SWIRL_KECCAK_NUM_ROUNDS 24
#define SWIRL_KECCAK_NUM_COLS 2633

/* Column indices of KeccakCols fields (columns.rs, #[repr(C)] order). */
#define KC_STEP_FLAGS(r) (r)                                   /* r < 24 */
#define KC_EXPORT 24
#define KC_PREIMAGE(y, x, l) (25 + 20 * (y) + 4 * (x) + (l))   /* limbs */
#define KC_A(y, x, l) (125 + 20 * (y) + 4 * (x) + (l))         /* limbs */
#define KC_C(x, z) (225 + 64 * (x) + (z))                      /* bits */
#define KC_C_PRIME(x, z) (545 + 64 * (x) + (z))                /* bits */
#define KC_A_PRIME(y, x, z) (865 + 320 * (y) + 64 * (x) + (z)) /* bits */
#define KC_A_PP(y, x, l) (2465 + 20 * (y) + 4 * (x) + (l))     /* limbs */
#define KC_A_PP_00_BITS(z) (2565 + (z))
#define KC_A_PPP_00_LIMBS(l) (2629 + (l))
/* A'''(y, x, l): the round output (a_prime_prime_prime in columns.rs). */
#define KC_A_PPP(y, x, l) (((y) == 0 && (x) == 0) ? KC_A_PPP_00_LIMBS(l) : KC_A_PP(y, x, l))

#ifdef __cplusplus
extern "C" {
#endif

/** Keccak-f[1600], 24 rounds, on lanes st[x + 5y]. */
void swirl_keccak_f(uint64_t st[25]);

/** Round constant RC[r] (r < 24) and rotation offset R[x][y]. */
uint64_t swirl_keccak_rc(unsigned r);
unsigned swirl_keccak_rot(unsigned x, unsigned y);

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_AIR_KECCAK_TRACE_H */
