#define _POSIX_C_SOURCE 199309L /* clock_gettime */
/* Poseidon2-16 host entry points, the padding-free sponge and the truncated-permutation compression
 * (Plonky3 0.4.3 symmetric/src/{sponge.rs,compression.rs}). */
#include "hash/poseidon2.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

#include "hash/poseidon2_impl.h"
#include "hash/poseidon2_x8.h"
#include "util/settings.h"

static const uint32_t p2_ext_init[64] = P2_BB16_RC_EXT_INITIAL_MONT;
static const uint32_t p2_ext_final[64] = P2_BB16_RC_EXT_FINAL_MONT;
static const uint32_t p2_internal[13] = P2_BB16_RC_INTERNAL_MONT;

/* One state, for the latency of the sequential transcript: the AVX2 single-state path
 * (poseidon2_single.c) where enabled, else the portable scalar code; where AVX-512 IFMA is enabled
 * too (poseidon2_ifma.c), whichever of the two runs a chain of permutations faster here, timed
 * once on first use (the IFMA path is the faster on the device's Xeons, the slower on AMD Zen 4,
 * whose 32-bit vector products are quicker; the bits are the same). The timing warms the core
 * up first and alternates the two paths, keeping each one's best of 5 runs: timed one after the
 * other on a core still raising its clock, the first path measured lost on a Xeon where it was
 * 9 % faster. */
static pthread_once_t g_single_once = PTHREAD_ONCE_INIT;
static void (*g_single)(bb31 *state);

static double single_chain_ns(void (*perm)(bb31 *state), bb31 *s, int n) {
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int k = 0; k < n; k++)
        perm(s);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec);
}

static void single_pick(void) {
    const swirl_settings *st = swirl_settings_get();
    g_single = st->use_avx2 ? p2_bb16_permute_single_avx2 : p2_bb16_permute_scalar;
    if (!st->use_ifma)
        return;
    bb31 s[P2_WIDTH];
    for (int i = 0; i < P2_WIDTH; i++)
        s[i] = bb31_from_u32((uint32_t)i);
    (void)single_chain_ns(g_single, s, 1024); /* warm-up */
    (void)single_chain_ns(p2_bb16_permute_single_ifma, s, 256);
    double best_a = 0, best_i = 0;
    for (int rep = 0; rep < 5; rep++) {
        double a = single_chain_ns(g_single, s, 256);
        double i = single_chain_ns(p2_bb16_permute_single_ifma, s, 256);
        best_a = rep == 0 || a < best_a ? a : best_a;
        best_i = rep == 0 || i < best_i ? i : best_i;
    }
    if (best_i < best_a)
        g_single = p2_bb16_permute_single_ifma;
}

void p2_bb16_permute(bb31 state[P2_WIDTH]) {
    pthread_once(&g_single_once, single_pick);
    g_single(state);
}

/* the single-state path's own run of absorptions, as p2_bb16_permute picks the path */
void p2_bb16_absorb_chunks(bb31 state[P2_WIDTH], const bb31 *in, size_t nchunks) {
    pthread_once(&g_single_once, single_pick);
    if (g_single == p2_bb16_permute_single_ifma)
        p2_bb16_absorb_chunks_ifma(state, in, nchunks);
    else if (g_single == p2_bb16_permute_single_avx2)
        p2_bb16_absorb_chunks_avx2(state, in, nchunks);
    else
        p2_bb16_absorb_chunks_scalar(state, in, nchunks);
}

const char *p2_bb16_single_path(void) {
    pthread_once(&g_single_once, single_pick);
    return g_single == p2_bb16_permute_single_ifma   ? "avx512-ifma"
           : g_single == p2_bb16_permute_single_avx2 ? "avx2"
                                                     : "scalar";
}

void p2_bb16_permute_scalar(bb31 state[P2_WIDTH]) {
    p2_bb16_permute_tables(state, p2_ext_init, p2_ext_final, p2_internal);
}

void p2_bb16_absorb_chunks_scalar(bb31 state[P2_WIDTH], const bb31 *in, size_t nchunks) {
    for (size_t c = 0; c < nchunks; c++) {
        memcpy(state, in + P2_RATE * c, P2_RATE * sizeof(bb31));
        p2_bb16_permute_scalar(state);
    }
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
