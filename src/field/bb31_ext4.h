/*
 * Degree-4 extension of BabyBear: F[X]/(X^4 - 11), Plonky3 0.4.3 BinomialExtensionField<BabyBear, 4>
 * (baby-bear/src/baby_bear.rs: W = 11). Basis order is the coefficient order c[0] + c[1] X +
 * c[2] X^2 + c[3] X^3, which is how OpenVM observes, hashes and encodes an extension element.
 */
#ifndef SWIRL_FIELD_BB31_EXT4_H
#define SWIRL_FIELD_BB31_EXT4_H

#include "field/bb31.h"

#define BB31X4_W 11u
#define BB31X4_W_MONT 0x37ffffe9u /* 11 * 2^32 mod p */

SWIRL_HD bb31 bb31x4_w(void) {
    bb31 w;
    w.v = BB31X4_W_MONT;
    return w;
}

typedef struct bb31x4 {
    bb31 c[4];
} bb31x4;

SWIRL_HD bb31x4 bb31x4_zero(void) {
    bb31x4 r;
    r.c[0] = r.c[1] = r.c[2] = r.c[3] = bb31_zero();
    return r;
}
SWIRL_HD bb31x4 bb31x4_from_base(bb31 a) {
    bb31x4 r = bb31x4_zero();
    r.c[0] = a;
    return r;
}
SWIRL_HD bb31x4 bb31x4_one(void) {
    return bb31x4_from_base(bb31_one());
}
SWIRL_HD int bb31x4_eq(bb31x4 a, bb31x4 b) {
    return a.c[0].v == b.c[0].v && a.c[1].v == b.c[1].v && a.c[2].v == b.c[2].v &&
           a.c[3].v == b.c[3].v;
}
SWIRL_HD int bb31x4_is_zero(bb31x4 a) {
    return (a.c[0].v | a.c[1].v | a.c[2].v | a.c[3].v) == 0;
}
SWIRL_HD bb31x4 bb31x4_add(bb31x4 a, bb31x4 b) {
    bb31x4 r;
    for (int i = 0; i < 4; i++)
        r.c[i] = bb31_add(a.c[i], b.c[i]);
    return r;
}
SWIRL_HD bb31x4 bb31x4_sub(bb31x4 a, bb31x4 b) {
    bb31x4 r;
    for (int i = 0; i < 4; i++)
        r.c[i] = bb31_sub(a.c[i], b.c[i]);
    return r;
}
SWIRL_HD bb31x4 bb31x4_neg(bb31x4 a) {
    bb31x4 r;
    for (int i = 0; i < 4; i++)
        r.c[i] = bb31_neg(a.c[i]);
    return r;
}
SWIRL_HD bb31x4 bb31x4_mul_base(bb31x4 a, bb31 b) {
    bb31x4 r;
    for (int i = 0; i < 4; i++)
        r.c[i] = bb31_mul(a.c[i], b);
    return r;
}
SWIRL_HD bb31x4 bb31x4_add_base(bb31x4 a, bb31 b) {
    a.c[0] = bb31_add(a.c[0], b);
    return a;
}
/*
 * Extension products with one reduction per coefficient. Montgomery representatives are < p <
 * 2^31, so a product of two is < p^2 < 2^62 and four such products sum to < 4p^2 < 2p 2^32.
 * bb31x4_lazy_reduce takes any x < 2p 2^32 to x / 2^32 mod p, canonical, in 32-bit steps: x >=
 * p 2^32 exactly when its high word is >= p, and subtracting p 2^32 (= 0 mod p) is then one
 * subtraction on that word; below p 2^32 the Montgomery step is the high word minus
 * umulhi(lo p^-1, p) (the low words cancel exactly), in (-p, p), corrected as bb31_sub.
 * bb31x4_mul is this form (W b_1..3 by three products, then four 64-bit sums of four products and
 * four reductions): on the device 16 IMAD.WIDE and 7 Montgomery steps instead of 19 full products
 * and 12 modular additions (about half the FMA-pipe cycles), on the host a third of the time
 * (docs/PERF.md tenth session). Hot loops that multiply many values by the same b prepare it once.
 */
#define BB31X4_LAZY_PR ((uint64_t)BB31_P << 32)

SWIRL_HD uint64_t bb31x4_lazy_cut(uint64_t x) {
    return x >= BB31X4_LAZY_PR ? x - BB31X4_LAZY_PR : x;
}
SWIRL_HD bb31 bb31x4_lazy_reduce(uint64_t x) {
    uint32_t lo = (uint32_t)x, hi = (uint32_t)(x >> 32), t = lo * BB31_MU;
    bb31 r;
#if defined(__CUDA_ARCH__)
    uint32_t u = __umulhi(t, BB31_P);
    hi = min(hi, hi - BB31_P);
    uint32_t d = hi - u;
    r.v = min(d, d + BB31_P);
#else
    uint32_t u = (uint32_t)(((uint64_t)t * BB31_P) >> 32);
    if (hi >= BB31_P)
        hi -= BB31_P;
    uint32_t d = hi - u;
    r.v = hi < u ? d + BB31_P : d;
#endif
    return r;
}

/** Lazy sums of extension-by-base products, sum_j l[j] v[j] (v: raw Montgomery words): a[0..4)
 *  holds each coefficient as a 64-bit sum, bb31x4_lazy_acc2 adds two terms and keeps it below
 *  p 2^32 (bb31x4_lazy_cut; p 2^32 + 2 p^2 < 2^64), bb31x4_lazy_finish reduces once: the value
 *  of the bb31x4_mul_base / bb31x4_add loop with a 32 x 32 -> 64-bit product a term instead of a
 *  full product and a modular addition. Start from a = {0, 0, 0, 0}. */
SWIRL_HD void bb31x4_lazy_acc2(uint64_t a[4], bb31x4 l0, bb31x4 l1, uint32_t v0, uint32_t v1) {
    for (int k = 0; k < 4; k++)
        a[k] = bb31x4_lazy_cut(a[k] + (uint64_t)l0.c[k].v * v0 + (uint64_t)l1.c[k].v * v1);
}
SWIRL_HD bb31x4 bb31x4_lazy_finish(const uint64_t a[4]) {
    bb31x4 r;
    for (int k = 0; k < 4; k++)
        r.c[k] = bb31x4_lazy_reduce(a[k]);
    return r;
}

/** b with its W-multiples precomputed, for repeated products by the same b. */
typedef struct bb31x4_pre {
    uint32_t b[4], wb[4]; /* wb[i] = W * b_i (i = 1..3; wb[0] unused) */
} bb31x4_pre;

SWIRL_HD bb31x4_pre bb31x4_prepare(bb31x4 b) {
    bb31x4_pre p;
    bb31 W = bb31x4_w();
    p.wb[0] = 0;
    for (int i = 0; i < 4; i++)
        p.b[i] = b.c[i].v;
    for (int i = 1; i < 4; i++)
        p.wb[i] = bb31_mul(W, b.c[i]).v;
    return p;
}

/** a * b with b prepared (products 32 x 32 -> 64 bits: one IMAD.WIDE each on the device). */
SWIRL_HD bb31x4 bb31x4_mul_pre(bb31x4 a, const bb31x4_pre *b) {
    uint64_t a0 = a.c[0].v, a1 = a.c[1].v, a2 = a.c[2].v, a3 = a.c[3].v;
    bb31x4 r;
    r.c[0] = bb31x4_lazy_reduce(a0 * b->b[0] + a1 * b->wb[3] + a2 * b->wb[2] + a3 * b->wb[1]);
    r.c[1] = bb31x4_lazy_reduce(a0 * b->b[1] + a1 * b->b[0] + a2 * b->wb[3] + a3 * b->wb[2]);
    r.c[2] = bb31x4_lazy_reduce(a0 * b->b[2] + a1 * b->b[1] + a2 * b->b[0] + a3 * b->wb[3]);
    r.c[3] = bb31x4_lazy_reduce(a0 * b->b[3] + a1 * b->b[2] + a2 * b->b[1] + a3 * b->b[0]);
    return r;
}

/** a * b by the lazy path (prepare + mul_pre). */
SWIRL_HD bb31x4 bb31x4_mul_lazy(bb31x4 a, bb31x4 b) {
    bb31x4_pre p = bb31x4_prepare(b);
    return bb31x4_mul_pre(a, &p);
}

/* The product (the lazy path). */
SWIRL_HD bb31x4 bb31x4_mul(bb31x4 a, bb31x4 b) {
    return bb31x4_mul_lazy(a, b);
}
/* Schoolbook product, X^4 terms folded back multiplied by W: 16 + 3 full products (the form
 * bb31x4_mul had before; kept as a second reference for the tests). */
SWIRL_HD bb31x4 bb31x4_mul_school(bb31x4 a, bb31x4 b) {
    bb31 W = bb31x4_w();
    bb31 a0 = a.c[0], a1 = a.c[1], a2 = a.c[2], a3 = a.c[3];
    bb31 b0 = b.c[0], b1 = b.c[1], b2 = b.c[2], b3 = b.c[3];
    bb31x4 r;
    /* r0 = a0b0 + W(a1b3 + a2b2 + a3b1) */
    r.c[0] = bb31_add(bb31_mul(a0, b0),
                      bb31_mul(W, bb31_add(bb31_add(bb31_mul(a1, b3), bb31_mul(a2, b2)),
                                           bb31_mul(a3, b1))));
    /* r1 = a0b1 + a1b0 + W(a2b3 + a3b2) */
    r.c[1] = bb31_add(bb31_add(bb31_mul(a0, b1), bb31_mul(a1, b0)),
                      bb31_mul(W, bb31_add(bb31_mul(a2, b3), bb31_mul(a3, b2))));
    /* r2 = a0b2 + a1b1 + a2b0 + W a3b3 */
    r.c[2] = bb31_add(bb31_add(bb31_mul(a0, b2), bb31_mul(a1, b1)),
                      bb31_add(bb31_mul(a2, b0), bb31_mul(W, bb31_mul(a3, b3))));
    /* r3 = a0b3 + a1b2 + a2b1 + a3b0 */
    r.c[3] = bb31_add(bb31_add(bb31_mul(a0, b3), bb31_mul(a1, b2)),
                      bb31_add(bb31_mul(a2, b1), bb31_mul(a3, b0)));
    return r;
}
SWIRL_HD bb31x4 bb31x4_square(bb31x4 a) {
    return bb31x4_mul(a, a);
}
SWIRL_HD bb31x4 bb31x4_pow(bb31x4 a, uint64_t e) {
    bb31x4 r = bb31x4_one();
    while (e) {
        if (e & 1)
            r = bb31x4_mul(r, a);
        a = bb31x4_square(a);
        e >>= 1;
    }
    return r;
}
/*
 * Inverse via the norm: for a in F[X]/(X^4 - W), let a'(X) = a(-X). Then a * a' = b(X^2) with
 * b in the quadratic subfield F[Y]/(Y^2 - W); b * b(-Y) = n in F. So
 * a^-1 = a' * b(-Y)|_{Y=X^2} * n^-1. The inverse of 0 is 0.
 */
SWIRL_HD bb31x4 bb31x4_inv(bb31x4 a) {
    bb31 W = bb31x4_w();
    bb31x4 ap = a;
    ap.c[1] = bb31_neg(a.c[1]);
    ap.c[3] = bb31_neg(a.c[3]);
    bb31x4 b = bb31x4_mul(a, ap); /* b.c[1] = b.c[3] = 0 */
    /* b = b0 + b2 Y, Y^2 = W; conj = b0 - b2 Y; n = b0^2 - W b2^2 */
    bb31 n = bb31_sub(bb31_square(b.c[0]), bb31_mul(W, bb31_square(b.c[2])));
    bb31 ninv = bb31_inv(n);
    bb31x4 conj = bb31x4_zero();
    conj.c[0] = bb31_mul(b.c[0], ninv);
    conj.c[2] = bb31_neg(bb31_mul(b.c[2], ninv));
    return bb31x4_mul(ap, conj);
}

#endif /* SWIRL_FIELD_BB31_EXT4_H */
