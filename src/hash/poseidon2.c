/* Poseidon2-16 host entry points, the padding-free sponge and the truncated-permutation compression
 * (Plonky3 0.4.3 symmetric/src/{sponge.rs,compression.rs}). */
#include "hash/poseidon2.h"

#include <string.h>

#include "hash/poseidon2_impl.h"
#include "hash/poseidon2_x8.h"
#include "util/settings.h"

static const uint32_t p2_ext_init[64] = P2_BB16_RC_EXT_INITIAL_MONT;
static const uint32_t p2_ext_final[64] = P2_BB16_RC_EXT_FINAL_MONT;
static const uint32_t p2_internal[13] = P2_BB16_RC_INTERNAL_MONT;

/* One state: the AVX2 single-state path where enabled (poseidon2_single.c: the latency of the
 * sequential transcript), the portable scalar code otherwise. */
void p2_bb16_permute(bb31 state[P2_WIDTH]) {
    if (swirl_settings_get()->use_avx2)
        p2_bb16_permute_single_avx2(state);
    else
        p2_bb16_permute_scalar(state);
}

void p2_bb16_permute_scalar(bb31 state[P2_WIDTH]) {
    p2_bb16_permute_tables(state, p2_ext_init, p2_ext_final, p2_internal);
}

void p2_bb16_permute_many(bb31 *states, size_t n) {
    long long groups = (long long)(n / 16);
#pragma omp parallel for schedule(static) if (groups >= 16)
    for (long long g = 0; g < groups; g++)
        p2_bb16_permute_x16(states + (size_t)g * 16 * P2_WIDTH);
    for (size_t i = (size_t)groups * 16; i < n; i++)
        p2_bb16_permute(states + i * P2_WIDTH);
}

/* Overwrite-mode sponge: each chunk of up to RATE inputs overwrites state[0..len) and is followed by
 * one permutation; an empty input (or nothing after a full chunk) permutes no more. */
void p2_hash_slice(swirl_digest *out, const bb31 *vals, size_t n) {
    bb31 state[P2_WIDTH];
    memset(state, 0, sizeof state);
    for (size_t off = 0; off < n; off += P2_RATE) {
        size_t len = n - off < P2_RATE ? n - off : P2_RATE;
        memcpy(state, vals + off, len * sizeof(bb31));
        p2_bb16_permute(state);
    }
    memcpy(out->v, state, sizeof out->v);
}

void p2_compress(swirl_digest *out, const swirl_digest *left, const swirl_digest *right) {
    bb31 state[P2_WIDTH];
    memcpy(state, left->v, sizeof left->v);
    memcpy(state + P2_DIGEST_LEN, right->v, sizeof right->v);
    p2_bb16_permute(state);
    memcpy(out->v, state, sizeof out->v);
}
