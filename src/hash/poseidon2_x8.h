/*
 * Poseidon2-16 on 8 independent states at once (AVX2 when the CPU has it, chosen at run time;
 * the portable scalar code otherwise). Results are bit-identical to p2_bb16_permute.
 * Environment SWIRL_NO_AVX2=1 forces the portable path (tests cover both explicitly).
 */
#ifndef SWIRL_HASH_POSEIDON2_X8_H
#define SWIRL_HASH_POSEIDON2_X8_H

#include "hash/poseidon2.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Non-zero when the AVX2 path is in use. */
int p2_x8_accelerated(void);

/** Permutes 8 states (states[16*i .. 16*i+15] for i < 8). */
void p2_bb16_permute_x8(bb31 *states);

/** hash_slice of 8 inputs of the same length n (in[i] points to n elements). */
void p2_hash_slice_x8(swirl_digest out[8], const bb31 *const in[8], size_t n);

/** compress of 8 pairs: out[i] = compress(left[i], right[i]). */
void p2_compress_x8(swirl_digest out[8], const swirl_digest *const left[8],
                    const swirl_digest *const right[8]);

/** 16 states at once: AVX-512 when available (SWIRL_NO_AVX512=1 disables it), else two x8 calls. */
void p2_bb16_permute_x16(bb31 *states);
void p2_hash_slice_x16(swirl_digest out[16], const bb31 *const in[16], size_t n);
int p2_x16_avx512_enabled(void);

/* The explicit implementations, for tests. */
void p2_bb16_permute_scalar(bb31 state[P2_WIDTH]);      /* portable (poseidon2_impl.h) */
void p2_bb16_permute_single_avx2(bb31 state[P2_WIDTH]); /* only when p2_x8_avx2_supported() */
void p2_bb16_permute_single_ifma(bb31 state[P2_WIDTH]); /* only when settings' use_ifma */
/* p2_bb16_absorb_chunks on each single-state path (same conditions as the permutations above) */
void p2_bb16_absorb_chunks_scalar(bb31 state[P2_WIDTH], const bb31 *in, size_t nchunks);
void p2_bb16_absorb_chunks_avx2(bb31 state[P2_WIDTH], const bb31 *in, size_t nchunks);
void p2_bb16_absorb_chunks_ifma(bb31 state[P2_WIDTH], const bb31 *in, size_t nchunks);
/* the single-state path p2_bb16_permute runs: "avx512-ifma", "avx2" or "scalar" */
const char *p2_bb16_single_path(void);
void p2_bb16_permute_x8_portable(bb31 *states);
void p2_bb16_permute_x8_avx2(bb31 *states); /* only call when p2_x8_avx2_supported() */
int p2_x8_avx2_supported(void);

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_HASH_POSEIDON2_X8_H */
