/*
 * The stacked opening reduction as host/device code (SWIRL_HD, like device/gkr_impl.h): the
 * per-thread math of the GPU kernels of prover/cuda_openings.cu (device/cuda/stacked_reduction.cu)
 * and the Fiat-Shamir steps they run on a device transcript (one warp in the transcript's warp
 * mode; one thread on the CPU), so the same code runs
 * on the CPU (tests/test_sr_twin.c replays the device schedule with it against
 * swirl_stacked_reduction_prove) and on the GPU.
 *
 * The values are those of the CPU prover (pcs/stacked_reduction.c): the field is exact, so another
 * summation order or another grouping of products gives the same bits. Two differences of layout:
 *  - the eq / rotation tables depend on a trace view's log height only, so the device keeps one
 *    pair per height class (the CPU keeps one per view);
 *  - the folded stacked columns of every commit live in one table of `wtot` columns (commit c's
 *    column j is global column col_base[c] + j), so a round folds them in one pass.
 *
 * Transcript order (the CPU driver's): sample lambda; observe the 2N - 1 round-0 coefficients;
 * sample u_0; per round observe s(1), s(2), sample u_round; observe every stacked opening.
 *
 * The device proof buffer (bb31x4 entries): [0, P) the round-0 coefficients (P = 2N; entry P - 1
 * is the interpolation's top coefficient, not part of the proof), [off_rounds + 2 (j - 1)] round
 * j's s(1), s(2), [off_open ..] the wtot stacked openings in commit order, [off_u ..] u_0..u_n.
 */
#ifndef SWIRL_DEVICE_SR_IMPL_H
#define SWIRL_DEVICE_SR_IMPL_H

#include "field/bb31_ext4.h"
#include "transcript/transcript_impl.h"

#define SWIRL_SR_MAX_L_SKIP 10
#define SWIRL_SR_MAX_ROUNDS 30
#define SWIRL_SR_MAX_CLASSES 64 /* height classes: one per log height < 64 */

/* One trace column (claim k, in claim order). */
typedef struct swirl_sr_view {
    uint64_t row_idx;  /* first stacked row */
    uint32_t com;      /* commit */
    uint32_t col;      /* global column of the folded table (col_base[com] + col_idx) */
    uint32_t col_idx;  /* stacked column within its commit */
    uint32_t cls;      /* height class */
    uint32_t log_h;    /* true log height */
    uint32_t rot;      /* needs the rotation claim */
} swirl_sr_view;

/* One log height: its tables (e, kr) at eoff, of length 2^n_lift before the rounds; the
 * per-height constants of round 0 (host) and of the fold at u_0 (device, after u_0). */
typedef struct swirl_sr_class {
    uint64_t eoff;
    int32_t n;        /* log_h - l_skip */
    uint32_t n_lift;  /* max(n, 0) */
    uint32_t lp;      /* l' = l_skip - max(-n, 0) */
    uint32_t log_h;
    bb31x4 r_uni;     /* r_0^(2^m) for n = -m < 0, else r_0 */
    bb31 omega_p;     /* omega^(2^m) */
    bb31x4 ce, cd, f; /* after u_0: kr = ce e + cd (e[x-1] - e[x]); e *= f */
} swirl_sr_class;

/* Everything the kernels need by value. */
typedef struct swirl_sr_params {
    uint32_t l_skip, n_stack;
    uint64_t N, H, P, Hs; /* |D|, 2^n_stack, 2N, the stacked height N H */
    uint64_t ntv, ncls, wtot, etot;
    uint32_t w_xlog;   /* round 0: a W tile spans 2^w_xlog x-values of one view */
    uint64_t ntiles;   /* round 0: W tiles of every view (the plan's woffs[ntv]) */
    bb31 omega;
    bb31x4 r0, eq_const;
    uint64_t off_rounds, off_open, off_u, proof_len;
} swirl_sr_params;

/* The driver's state between kernels (device memory; one writer at a time). */
typedef struct swirl_sr_ctl {
    bb31x4 lambda;
    bb31x4 u[SWIRL_SR_MAX_ROUNDS + 1];
} swirl_sr_ctl;

/* ---- the protocol's polynomials (poly/poly_common.c's formulas, host/device) ---- */

SWIRL_HD bb31x4 swirl_sr_half_pow(uint32_t l) {
    return bb31x4_from_base(bb31_pow(bb31_halve(bb31_one()), l));
}

SWIRL_HD bb31x4 swirl_sr_eq_uni(uint32_t l, bb31x4 x, bb31x4 y) {
    bb31x4 res = bb31x4_one(), xp = x, yp = y;
    for (uint32_t i = 0; i < l; i++) {
        res = bb31x4_add(bb31x4_mul(bb31x4_add(xp, yp), res),
                         bb31x4_mul(bb31x4_sub(xp, bb31x4_one()), bb31x4_sub(yp, bb31x4_one())));
        xp = bb31x4_square(xp);
        yp = bb31x4_square(yp);
    }
    return bb31x4_mul(res, swirl_sr_half_pow(l));
}

SWIRL_HD bb31x4 swirl_sr_eq_uni_at_one(uint32_t l, bb31x4 x) {
    bb31x4 res = bb31x4_one(), xp = x;
    for (uint32_t i = 0; i < l; i++) {
        res = bb31x4_mul(res, bb31x4_add(xp, bb31x4_one()));
        xp = bb31x4_square(xp);
    }
    return bb31x4_mul(res, swirl_sr_half_pow(l));
}

SWIRL_HD bb31x4 swirl_sr_in_uni(uint32_t l_skip, int32_t n, bb31x4 z) {
    if (n >= 0)
        return bb31x4_one();
    uint32_t m = (uint32_t)(-n), e = l_skip - m;
    for (uint32_t i = 0; i < e; i++)
        z = bb31x4_square(z);
    return swirl_sr_eq_uni_at_one(m, z);
}

/* eq over one variable at (x, bit) */
SWIRL_HD bb31x4 swirl_sr_eq1(bb31x4 x, uint32_t bit) {
    bb31x4 y = bit ? bb31x4_one() : bb31x4_zero();
    bb31x4 xy2 = bb31x4_add(bb31x4_mul(x, y), bb31x4_mul(x, y));
    return bb31x4_add(bb31x4_sub(bb31x4_sub(bb31x4_one(), y), x), xy2);
}

/* eq(r, x) over nv variables, bit i of x against r[i] (swirl_evals_eq_hypercube's order) */
SWIRL_HD bb31x4 swirl_sr_eq_entry(const bb31x4 *r, uint32_t nv, uint64_t x) {
    bb31x4 e = bb31x4_one();
    for (uint32_t i = 0; i < nv; i++)
        e = bb31x4_mul(e, (x >> i) & 1 ? r[i] : bb31x4_sub(bb31x4_one(), r[i]));
    return e;
}

SWIRL_HD uint64_t swirl_sr_rot_prev(uint64_t x, uint32_t n) {
    return x == 0 ? ((uint64_t)1 << n) - 1 : x - 1;
}

SWIRL_HD bb31x4 swirl_sr_fold(bb31x4 a, bb31x4 b, bb31x4 r) {
    return bb31x4_add(a, bb31x4_mul(bb31x4_sub(b, a), r));
}

/* ---- round 0 ---- */

/* Round-0 point p < 2N: g^(c+1) omega^i, c = p / N, i = p % N. */
SWIRL_HD bb31 swirl_sr_point(const swirl_sr_params *pr, uint64_t p) {
    bb31 g = bb31_from_u32(BB31_GENERATOR);
    bb31 shift = p < pr->N ? g : bb31_square(g);
    return bb31_mul(shift, bb31_pow(pr->omega, p % pr->N));
}

/* The Lagrange basis of D at pt: eq_uni(l_skip, pt, omega^j) (a base-field value). */
SWIRL_HD bb31 swirl_sr_lag(const swirl_sr_params *pr, bb31 pt, uint64_t j) {
    bb31x4 v = swirl_sr_eq_uni(pr->l_skip, bb31x4_from_base(pt),
                               bb31x4_from_base(bb31_pow(pr->omega, j)));
    return v.c[0];
}

/* Round 0's W tiles: view k's x-range [0, 2^n_lift) in tiles of 2^w_xlog x-values (one shorter
 * tile when the view has fewer), tiles woffs[k] .. woffs[k + 1] of the plan. */
SWIRL_HD uint64_t swirl_sr_w_tiles(uint32_t n_lift, uint32_t w_xlog) {
    return (uint64_t)1 << (n_lift > w_xlog ? n_lift - w_xlog : 0);
}

/* The x-range [x0, x1) of a view's tile t. */
SWIRL_HD void swirl_sr_w_tile(uint64_t *x0, uint64_t *x1, uint32_t n_lift, uint32_t w_xlog,
                              uint64_t t) {
    uint64_t len = (uint64_t)1 << n_lift, span = (uint64_t)1 << w_xlog;
    *x0 = t * span;
    *x1 = *x0 + span < len ? *x0 + span : len;
}

/* W sums of view v at column offset j over x = x0, x0 + step, .. < x1: w[0] += e[x] q, and with
 * the rotation claim w[1] += e[x-1] q (q = col[x N + j]; col: the view's first stacked row; e: its
 * class table). swirl_sr_w_finish turns the sums over all x into the view's W1, W2. */
SWIRL_HD void swirl_sr_w(bb31x4 w[2], const bb31 *col, const bb31x4 *e, uint32_t n_lift, uint64_t N,
                         uint64_t j, uint64_t x0, uint64_t x1, uint64_t step, uint32_t rot) {
    if (!rot) {
        for (uint64_t x = x0; x < x1; x += step)
            w[0] = bb31x4_add(w[0], bb31x4_mul_base(e[x], col[x * N + j]));
        return;
    }
    for (uint64_t x = x0; x < x1; x += step) {
        bb31 val = col[x * N + j];
        w[0] = bb31x4_add(w[0], bb31x4_mul_base(e[x], val));
        w[1] = bb31x4_add(w[1], bb31x4_mul_base(e[swirl_sr_rot_prev(x, n_lift)], val));
    }
}

/* W1 = sum_x e[x] q and W2 = sum_x (e[x-1] - e[x]) q from the sums of swirl_sr_w over every x
 * of the view (W2 = w[1] - W1: one subtraction per view, not per cell); W2 is zero without the
 * rotation claim (swirl_sr_round0_term does not read it then). */
SWIRL_HD void swirl_sr_w_finish(bb31x4 w[2], uint32_t rot) {
    w[1] = rot ? bb31x4_sub(w[1], w[0]) : bb31x4_zero();
}

/* The factor `which` of a height class's round-0 term at point pt (the same for every view of the
 * class): 0: A = in_uni eq_uni(r_uni); 1: B = in_uni eq_uni(r_uni omega'); 2: C = in_uni eq_const
 * eq_uni_at_one. */
SWIRL_HD bb31x4 swirl_sr_round0_coef(const swirl_sr_params *pr, const swirl_sr_class *c, bb31 pt,
                                     uint32_t which) {
    bb31x4 Pz = bb31x4_from_base(pt);
    bb31x4 ind = swirl_sr_in_uni(pr->l_skip, c->n, Pz);
    if (which == 0)
        return bb31x4_mul(ind, swirl_sr_eq_uni(c->lp, Pz, c->r_uni));
    if (which == 1)
        return bb31x4_mul(ind, swirl_sr_eq_uni(c->lp, Pz, bb31x4_mul_base(c->r_uni, c->omega_p)));
    return bb31x4_mul(bb31x4_mul(ind, pr->eq_const), swirl_sr_eq_uni_at_one(pr->l_skip, Pz));
}

/* A view's weighted contribution at a round-0 point given its class's factors coef[0..3)
 * (swirl_sr_round0_coef) and q1 = sum_j W1[j] lag[j], q2 likewise. */
SWIRL_HD bb31x4 swirl_sr_round0_term(const bb31x4 *coef, bb31x4 lp_e, bb31x4 lp_r, uint32_t rot,
                                     bb31x4 q1, bb31x4 q2) {
    bb31x4 acc = bb31x4_mul(bb31x4_mul(lp_e, coef[0]), q1);
    if (rot) {
        bb31x4 rt = bb31x4_add(bb31x4_mul(coef[1], q1), bb31x4_mul(coef[2], q2));
        acc = bb31x4_add(acc, bb31x4_mul(lp_r, rt));
    }
    return acc;
}

/* Coefficients k and N + k of the polynomial of degree < 2N with values S[c N + i] at
 * g^(c+1) omega^i (interpolation through the two cosets). */
SWIRL_HD void swirl_sr_interp_k(bb31x4 *coeffs, const bb31x4 *S, const swirl_sr_params *pr,
                                uint64_t k) {
    uint64_t N = pr->N;
    bb31 g = bb31_from_u32(BB31_GENERATOR), winv = bb31_inv(pr->omega);
    bb31 ninv = bb31_inv(bb31_from_u32((uint32_t)N));
    bb31x4 h[2];
    bb31 gam[2];
    for (int c = 0; c < 2; c++) {
        bb31 shift = c == 0 ? g : bb31_square(g), sinv = bb31_inv(shift);
        gam[c] = bb31_pow(shift, N);
        bb31 sk = bb31_mul(ninv, bb31_pow(sinv, k));
        bb31x4 acc = bb31x4_zero();
        bb31 wk = bb31_pow(winv, k), wik = bb31_one();
        for (uint64_t i = 0; i < N; i++) {
            acc = bb31x4_add(acc, bb31x4_mul_base(S[(uint64_t)c * N + i], wik));
            wik = bb31_mul(wik, wk);
        }
        h[c] = bb31x4_mul_base(acc, sk);
    }
    bb31 dinv = bb31_inv(bb31_sub(gam[0], gam[1]));
    bb31x4 B = bb31x4_mul_base(bb31x4_sub(h[0], h[1]), dinv);
    coeffs[N + k] = B;
    coeffs[k] = bb31x4_sub(h[0], bb31x4_mul_base(B, gam[0]));
}

/* ---- the fold at u_0 ---- */

/* eq_uni(l_skip, u_0, omega^i) */
SWIRL_HD bb31x4 swirl_sr_lagu(const swirl_sr_params *pr, bb31x4 u0, uint64_t i) {
    return swirl_sr_eq_uni(pr->l_skip, u0, bb31x4_from_base(bb31_pow(pr->omega, i)));
}

/* The class's constants of the fold at u_0 (ce, cd, f). */
SWIRL_HD void swirl_sr_class_u0(swirl_sr_class *c, const swirl_sr_params *pr, bb31x4 u0) {
    bb31x4 ind = swirl_sr_in_uni(pr->l_skip, c->n, u0);
    bb31x4 eu = swirl_sr_eq_uni(c->lp, u0, c->r_uni);
    bb31x4 eur = swirl_sr_eq_uni(c->lp, u0, bb31x4_mul_base(c->r_uni, c->omega_p));
    c->ce = bb31x4_mul(ind, eur);
    c->cd = bb31x4_mul(ind, bb31x4_mul(pr->eq_const, swirl_sr_eq_uni_at_one(pr->l_skip, u0)));
    c->f = bb31x4_mul(ind, eu);
}

/* The prismalinear fold of one stacked cell block: sum_i lagu[i] chunk[i]. */
SWIRL_HD bb31x4 swirl_sr_fold_ple(const bb31 *chunk, const bb31x4 *lagu, uint64_t N) {
    bb31x4 acc = bb31x4_zero();
    for (uint64_t i = 0; i < N; i++)
        acc = bb31x4_add(acc, bb31x4_mul_base(lagu[i], chunk[i]));
    return acc;
}

/* Entry x of a class's tables after u_0: kr_out[x] and e_out[x] from e_in (not in place). */
SWIRL_HD void swirl_sr_kr_entry(bb31x4 *e_out, bb31x4 *kr_out, const bb31x4 *e_in,
                                const swirl_sr_class *c, uint64_t x) {
    bb31x4 d = bb31x4_sub(e_in[swirl_sr_rot_prev(x, c->n_lift)], e_in[x]);
    kr_out[x] = bb31x4_add(bb31x4_mul(c->ce, e_in[x]), bb31x4_mul(c->cd, d));
    e_out[x] = bb31x4_mul(e_in[x], c->f);
}

/* ---- multilinear rounds ---- */

/* The number of pairs view v sums in `round` (1..n_stack): 2^max(n_lift - round, 0). */
SWIRL_HD uint64_t swirl_sr_round_pairs(uint32_t log_h, uint32_t l_skip, uint32_t round) {
    uint32_t n_lift = log_h > l_skip ? log_h - l_skip : 0;
    return (uint64_t)1 << (n_lift > round ? n_lift - round : 0);
}

/* Pair y of view v in `round`: its unweighted products at X = 1, 2 added to s: s[0..2) q e,
 * s[2..4) q kr (with the rotation claim only). q: the folded table (wtot columns of qh); e, kr:
 * the class's current tables. swirl_sr_round_view weights a view's sums. */
SWIRL_HD void swirl_sr_round_pair(bb31x4 s[4], const swirl_sr_view *v, uint32_t l_skip,
                                  uint32_t round, const bb31x4 *q, uint64_t qh, const bb31x4 *e,
                                  const bb31x4 *kr, uint64_t y) {
    uint32_t n_lift = v->log_h > l_skip ? v->log_h - l_skip : 0;
    uint32_t hyper = n_lift > round ? n_lift - round : 0;
    uint64_t row_start = round <= n_lift ? (v->row_idx >> v->log_h) << (hyper + 1)
                                         : (v->row_idx >> (l_skip + round)) << 1;
    const bb31x4 *col = q + (uint64_t)v->col * qh + row_start;
    bb31x4 q1 = col[2 * y + 1];
    bb31x4 q2 = bb31x4_sub(bb31x4_add(q1, q1), col[2 * y]);
    if (round > n_lift) { /* one pair: the view's bit of this round, eq at X = 1, 2 */
        uint32_t bbit = (uint32_t)((v->row_idx >> (l_skip + round - 1)) & 1);
        bb31x4 ub1 = swirl_sr_eq1(bb31x4_from_base(bb31_from_u32(1)), bbit);
        bb31x4 ub2 = swirl_sr_eq1(bb31x4_from_base(bb31_from_u32(2)), bbit);
        s[0] = bb31x4_add(s[0], bb31x4_mul(q1, bb31x4_mul(e[0], ub1)));
        s[1] = bb31x4_add(s[1], bb31x4_mul(q2, bb31x4_mul(e[0], ub2)));
        if (v->rot) {
            s[2] = bb31x4_add(s[2], bb31x4_mul(q1, bb31x4_mul(kr[0], ub1)));
            s[3] = bb31x4_add(s[3], bb31x4_mul(q2, bb31x4_mul(kr[0], ub2)));
        }
        return;
    }
    bb31x4 e1 = e[2 * y + 1], e2 = bb31x4_sub(bb31x4_add(e1, e1), e[2 * y]);
    s[0] = bb31x4_add(s[0], bb31x4_mul(q1, e1));
    s[1] = bb31x4_add(s[1], bb31x4_mul(q2, e2));
    if (v->rot) {
        bb31x4 k1 = kr[2 * y + 1], k2 = bb31x4_sub(bb31x4_add(k1, k1), kr[2 * y]);
        s[2] = bb31x4_add(s[2], bb31x4_mul(q1, k1));
        s[3] = bb31x4_add(s[3], bb31x4_mul(q2, k2));
    }
}

/* A view's sums s (swirl_sr_round_pair over some of its pairs) weighted into acc: acc[X - 1] +=
 * (lp_e s_e(X) + lp_r s_k(X)) eq_ub, as lp_e eq_ub s_e + lp_r eq_ub s_k (the same field value, two
 * products per view instead of per pair); s is cleared. */
SWIRL_HD void swirl_sr_round_view(bb31x4 acc[2], bb31x4 s[4], bb31x4 lp_e, bb31x4 lp_r,
                                  bb31x4 eq_ub, uint32_t rot) {
    bb31x4 ce = bb31x4_mul(lp_e, eq_ub);
    acc[0] = bb31x4_add(acc[0], bb31x4_mul(ce, s[0]));
    acc[1] = bb31x4_add(acc[1], bb31x4_mul(ce, s[1]));
    if (rot) {
        bb31x4 cr = bb31x4_mul(lp_r, eq_ub);
        acc[0] = bb31x4_add(acc[0], bb31x4_mul(cr, s[2]));
        acc[1] = bb31x4_add(acc[1], bb31x4_mul(cr, s[3]));
    }
    for (int i = 0; i < 4; i++)
        s[i] = bb31x4_zero();
}

/* The last k in [lo, hi) with offs[k] <= i, given offs[lo] <= i (bisection) */
SWIRL_HD uint64_t swirl_sr_bisect(const uint64_t *offs, uint64_t lo, uint64_t hi, uint64_t i) {
    while (hi - lo > 1) {
        uint64_t mid = (lo + hi) / 2;
        if (offs[mid] <= i)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* View k of the flattened (view, pair) index i of `round`: offs = the round's prefix sums of the
 * pairs (ntv + 1 entries, strictly increasing: every view has a pair). */
SWIRL_HD uint64_t swirl_sr_find_view(const uint64_t *offs, uint64_t ntv, uint64_t i) {
    return swirl_sr_bisect(offs, 0, ntv, i);
}

/* swirl_sr_find_view for i from a view k at or before it (offs[k] <= i): steps of 1, 2, 4, ..
 * forward, then a bisection, so a near view costs a few loads. */
SWIRL_HD uint64_t swirl_sr_find_view_from(const uint64_t *offs, uint64_t ntv, uint64_t k,
                                          uint64_t i) {
    uint64_t lo = k, hi = k + 1, step = 1; /* offs[lo] <= i */
    while (hi < ntv && offs[hi] <= i) {
        lo = hi;
        step *= 2;
        hi = lo + step;
    }
    return swirl_sr_bisect(offs, lo, hi > ntv ? ntv : hi, i);
}

/* One thread of a round's sums: the flattened indices i0, i0 + step, .. < i1 (i0 < i1 <= offs[ntv])
 * added into acc, each view's pairs summed before it is weighted (swirl_sr_round_view) as the
 * thread moves past it. E, K: the current tables of every class (at their eoff). */
SWIRL_HD void swirl_sr_round_sums(bb31x4 acc[2], const swirl_sr_view *views,
                                  const swirl_sr_class *cls, const uint64_t *offs, uint64_t ntv,
                                  uint32_t l_skip, uint32_t round, const bb31x4 *q, uint64_t qh,
                                  const bb31x4 *E, const bb31x4 *K, const bb31x4 *lp,
                                  const bb31x4 *eq_ub, uint64_t i0, uint64_t i1, uint64_t step) {
    bb31x4 s[4] = {bb31x4_zero(), bb31x4_zero(), bb31x4_zero(), bb31x4_zero()};
    uint64_t k = swirl_sr_find_view(offs, ntv, i0), next = offs[k + 1];
    for (uint64_t i = i0; i < i1; i += step) {
        if (i >= next) {
            swirl_sr_round_view(acc, s, lp[2 * k], lp[2 * k + 1], eq_ub[k], views[k].rot);
            k = swirl_sr_find_view_from(offs, ntv, k, i);
            next = offs[k + 1];
        }
        const swirl_sr_view *v = &views[k];
        uint64_t eoff = cls[v->cls].eoff;
        swirl_sr_round_pair(s, v, l_skip, round, q, qh, E + eoff, K + eoff, i - offs[k]);
    }
    swirl_sr_round_view(acc, s, lp[2 * k], lp[2 * k + 1], eq_ub[k], views[k].rot);
}

/* After round `round`'s challenge u: eq_ub of a view the round has passed. */
SWIRL_HD bb31x4 swirl_sr_eq_ub_next(const swirl_sr_view *v, uint32_t l_skip, uint32_t round,
                                    bb31x4 eq_ub, bb31x4 u) {
    uint32_t n_lift = v->log_h > l_skip ? v->log_h - l_skip : 0;
    if (round <= n_lift)
        return eq_ub;
    uint32_t bit = (uint32_t)((v->row_idx >> (l_skip + round - 1)) & 1);
    return bb31x4_mul(eq_ub, swirl_sr_eq1(u, bit));
}

/* Entry y of class c's tables after round `round`'s fold (from cur to out; a class the round
 * does not fold keeps its one entry). len_before = 2^(n_lift - round + 1) when folded. */
SWIRL_HD void swirl_sr_table_fold(bb31x4 *e_out, bb31x4 *k_out, const bb31x4 *e_in,
                                  const bb31x4 *k_in, const swirl_sr_class *c, uint32_t round,
                                  uint64_t y, bb31x4 u) {
    if (round <= c->n_lift) {
        e_out[y] = swirl_sr_fold(e_in[2 * y], e_in[2 * y + 1], u);
        k_out[y] = swirl_sr_fold(k_in[2 * y], k_in[2 * y + 1], u);
    } else if (y == 0) {
        e_out[0] = e_in[0];
        k_out[0] = k_in[0];
    }
}

/* Entries class c's tables have going into round `round` (1 after its last fold). */
SWIRL_HD uint64_t swirl_sr_table_len(const swirl_sr_class *c, uint32_t round) {
    return round <= c->n_lift + 1 ? (uint64_t)1 << (c->n_lift + 1 - round) : 1;
}

/* ---- Fiat-Shamir steps: one thread, or a warp in warp mode (transcript_impl.h: every lane calls
 * them, the lead writes the outputs) ---- */

SWIRL_HD void swirl_sr_seq_lambda(swirl_transcript *t, swirl_sr_ctl *ctl,
                                  const swirl_ts_tables *tb) {
    bb31x4 lambda = swirl_ts_sample_ext(t, tb);
    if (swirl_ts_lead(tb))
        ctl->lambda = lambda;
}

/* The round-0 coefficients (already in proof[0, P - 1)) observed, u_0 sampled. */
SWIRL_HD void swirl_sr_seq_round0(swirl_transcript *t, bb31x4 *proof, swirl_sr_ctl *ctl,
                                  const swirl_sr_params *pr, const swirl_ts_tables *tb) {
    for (uint64_t i = 0; i + 1 < pr->P; i++)
        swirl_ts_observe_ext(t, proof[i], tb);
    bb31x4 u = swirl_ts_sample_ext(t, tb);
    if (swirl_ts_lead(tb)) {
        ctl->u[0] = u;
        proof[pr->off_u] = u;
    }
}

/* Round `round`: s(1), s(2) written and observed, u_round sampled. */
SWIRL_HD void swirl_sr_seq_round(swirl_transcript *t, bb31x4 *proof, swirl_sr_ctl *ctl,
                                 const swirl_sr_params *pr, uint32_t round, const bb31x4 s[2],
                                 const swirl_ts_tables *tb) {
    bb31x4 *o = proof + pr->off_rounds + 2 * (uint64_t)(round - 1);
    if (swirl_ts_lead(tb)) {
        o[0] = s[0];
        o[1] = s[1];
    }
    swirl_ts_observe_ext(t, s[0], tb);
    swirl_ts_observe_ext(t, s[1], tb);
    bb31x4 u = swirl_ts_sample_ext(t, tb);
    if (swirl_ts_lead(tb)) {
        ctl->u[round] = u;
        proof[pr->off_u + round] = u;
    }
}

/* The stacked openings (the fully folded table: wtot columns of length 1) written and observed. */
SWIRL_HD void swirl_sr_seq_openings(swirl_transcript *t, bb31x4 *proof, const bb31x4 *q,
                                    const swirl_sr_params *pr, const swirl_ts_tables *tb) {
    for (uint64_t o = 0; o < pr->wtot; o++) {
        bb31x4 v = q[o];
        if (swirl_ts_lead(tb))
            proof[pr->off_open + o] = v;
        swirl_ts_observe_ext(t, v, tb);
    }
}

#endif /* SWIRL_DEVICE_SR_IMPL_H */
