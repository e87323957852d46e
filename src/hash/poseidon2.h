/*
 * Poseidon2 over BabyBear, width 16 (Plonky3 0.4.3 default_babybear_poseidon2_16(): 8 external
 * rounds (4 + 4), 13 internal rounds, S-box x^7, MDSMat4 external layer, BabyBear internal diagonal),
 * and the two hash shapes OpenVM's BabyBearPoseidon2Config builds from it
 * (stark-sdk/src/config/baby_bear_poseidon2.rs):
 *   - PaddingFreeSponge<P, 16, 8, 8>: overwrite-mode sponge, rate 8, 8-element digest (leaf hash);
 *   - TruncatedPermutation<P, 2, 8, 16>: 2-to-1 compression (internal Merkle nodes).
 *
 * The permutation itself is host/device code (poseidon2_impl.h) so the CUDA backend computes the
 * same bits; this header is the host API.
 */
#ifndef SWIRL_HASH_POSEIDON2_H
#define SWIRL_HASH_POSEIDON2_H

#include <stddef.h>

#include "field/bb31.h"

#define P2_WIDTH 16
#define P2_RATE 8
#define P2_DIGEST_LEN 8

/** A Merkle digest / transcript commitment: 8 BabyBear elements (OpenVM `[F; 8]`). */
typedef struct swirl_digest {
    bb31 v[P2_DIGEST_LEN];
} swirl_digest;

#ifdef __cplusplus
extern "C" {
#endif

/** Applies the Poseidon2-16 permutation in place. */
void p2_bb16_permute(bb31 state[P2_WIDTH]);

/**
 * Overwrite-mode absorption of `nchunks` whole chunks: for each chunk c, state[0..RATE) =
 * in[RATE c .. RATE c + RATE), then the permutation. Bit-identical to that loop over
 * p2_bb16_permute, on the same single-state path, but the state stays in the path's registers and
 * internal form between chunks (the transcript's long observations: swirl_transcript_observe_ext_many).
 */
void p2_bb16_absorb_chunks(bb31 state[P2_WIDTH], const bb31 *in, size_t nchunks);

/** Applies the permutation to `n` independent states (state i at states + 16*i), multi-threaded. */
void p2_bb16_permute_many(bb31 *states, size_t n);

/** PaddingFreeSponge<_, 16, 8, 8>::hash_slice over `n` elements (n may be 0). */
void p2_hash_slice(swirl_digest *out, const bb31 *vals, size_t n);

/** TruncatedPermutation<_, 2, 8, 16>::compress([left, right]). */
void p2_compress(swirl_digest *out, const swirl_digest *left, const swirl_digest *right);

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_HASH_POSEIDON2_H */
