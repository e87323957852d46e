/* LogUp-GKR test inputs shared by test_gkr_twin.c and test_gpu_gkr.c: leaves p/q whose fractions
 * sum to zero, random or shaped like the LogUp input layer (small base-field counts over random
 * extension denominators, each send matched by a receive somewhere else, then padding p = 0,
 * q = 1), and a transcript state that is not the empty one. */
#ifndef SWIRL_TESTS_GKR_LEAVES_H
#define SWIRL_TESTS_GKR_LEAVES_H

#include <string.h>

#include "field/bb31_ext4.h"
#include "harness.h"
#include "transcript/transcript.h"

enum gkr_shape {
    GKR_RANDOM,     /* random p, q; the last p balances the sum */
    GKR_INTERACTIONS, /* counts +-c over random denominators in matched pairs, 1/4 padding */
    GKR_ZERO_P,     /* every numerator zero (a trace without sends) */
    GKR_PERIODIC,   /* a short trace repeated: period 8 of matched pairs, scaled counts */
};

static inline bb31x4 gkr_rnd(void) {
    bb31x4 r;
    for (int i = 0; i < 4; i++)
        r.c[i] = bb31_from_u32(swirl_test_rand32());
    return r;
}

static inline bb31x4 gkr_rnd_nonzero(void) {
    bb31x4 r = gkr_rnd();
    return bb31x4_is_zero(r) ? bb31x4_one() : r;
}

/* a permutation of 0..m-1 (Fisher-Yates) */
static inline void gkr_shuffle(size_t *idx, size_t m) {
    for (size_t i = 0; i < m; i++)
        idx[i] = i;
    for (size_t i = m; i > 1; i--) {
        size_t j = (size_t)swirl_test_rand_below(i), t = idx[i - 1];
        idx[i - 1] = idx[j];
        idx[j] = t;
    }
}

/* matched pairs over the positions idx[0..m) (m even): p = +c / -c, the same q */
static inline void gkr_pairs(bb31x4 *p, bb31x4 *q, const size_t *idx, size_t m) {
    for (size_t k = 0; k + 1 < m; k += 2) {
        bb31x4 den = gkr_rnd_nonzero();
        uint32_t c = 1 + (uint32_t)swirl_test_rand_below(swirl_test_rand_below(4) ? 3 : 1000);
        p[idx[k]] = bb31x4_from_base(bb31_from_u32(c));
        q[idx[k]] = den;
        p[idx[k + 1]] = bb31x4_neg(p[idx[k]]);
        q[idx[k + 1]] = den;
    }
}

/* 2^n leaves (n >= 1) with sum p/q = 0; idx: scratch of 2^n entries */
static inline void gkr_make_leaves(bb31x4 *p, bb31x4 *q, size_t *idx, unsigned n,
                                   enum gkr_shape shape) {
    size_t N = (size_t)1 << n;
    if (shape == GKR_RANDOM) {
        bb31x4 sum = bb31x4_zero();
        for (size_t i = 0; i < N; i++) {
            q[i] = gkr_rnd_nonzero();
            p[i] = gkr_rnd();
            if (i + 1 < N)
                sum = bb31x4_add(sum, bb31x4_mul(p[i], bb31x4_inv(q[i])));
        }
        p[N - 1] = bb31x4_neg(bb31x4_mul(sum, q[N - 1]));
    } else if (shape == GKR_INTERACTIONS) {
        size_t real = N <= 2 ? N : (N - N / 4) & ~(size_t)1;
        gkr_shuffle(idx, real);
        gkr_pairs(p, q, idx, real);
        for (size_t i = real; i < N; i++) {
            p[i] = bb31x4_zero();
            q[i] = bb31x4_one();
        }
    } else if (shape == GKR_ZERO_P) {
        for (size_t i = 0; i < N; i++) {
            p[i] = bb31x4_zero();
            q[i] = gkr_rnd_nonzero();
        }
    } else {
        size_t per = N < 8 ? N : 8;
        gkr_shuffle(idx, per);
        gkr_pairs(p, q, idx, per);
        for (size_t i = per; i < N; i++) {
            p[i] = bb31x4_mul_base(p[i % per], bb31_from_u32((uint32_t)(i / per)));
            q[i] = q[i % per];
        }
    }
}

/* a transcript that has observed and sampled something (GKR starts mid-proof) */
static inline void gkr_start_transcript(swirl_transcript *t, unsigned n) {
    swirl_transcript_init(t);
    size_t k = (size_t)swirl_test_rand_below(13);
    for (size_t i = 0; i < k; i++)
        swirl_transcript_observe(t, bb31_from_u32(swirl_test_rand32()));
    swirl_transcript_observe(t, bb31_from_u32(n));
    if (swirl_test_rand_below(2))
        (void)swirl_transcript_sample(t);
}

static inline int gkr_same_state(const swirl_transcript *a, const swirl_transcript *b) {
    return memcmp(a->state, b->state, sizeof a->state) == 0 && a->absorb_idx == b->absorb_idx &&
           a->sample_idx == b->sample_idx && a->last_op_perm == b->last_op_perm;
}

#endif /* SWIRL_TESTS_GKR_LEAVES_H */
