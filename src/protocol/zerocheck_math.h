/*
 * The small polynomial math of the batch constraint sumcheck (protocol/zerocheck.c) as host/device
 * code (SWIRL_HD, like the field and the transcript), so the CPU prover and the device stage
 * (prover/cuda_rap.cu, the "control step" kernels; its CPU replay is tests/test_rap_twin.c) run
 * the same functions: the interpolation of round 0's coset sums, the products of small
 * polynomials, the eq polynomials over the skip domain, the round polynomial of a multilinear round
 * from its heads and tail. Everything is exact field arithmetic, so a value computed in pieces
 * (the per-entry functions the device's block steps share out over threads, e.g.
 * swirl_zm_poly_mul_at) equals the whole loop's bit for bit.
 *
 * Memory: no function keeps more than a few hundred bytes on its stack (a GPU thread's stack is
 * local memory reserved for every resident thread); larger tables are the caller's (arguments).
 */
#ifndef SWIRL_PROTOCOL_ZEROCHECK_MATH_H
#define SWIRL_PROTOCOL_ZEROCHECK_MATH_H

#include <stddef.h>

#include "field/bb31_ext4.h"

#define SWIRL_ZM_MAX_COS 8 /* cosets of round 0 (max_constraint_degree < 8), as SWIRL_ZC_MAX_COS */

/* eq over the cube, bit i of b against x[i]: out[b] for b < 2^n (swirl_evals_eq_hypercube) */
SWIRL_HD void swirl_zm_evals_eq_hypercube(bb31x4 *out, const bb31x4 *x, size_t n) {
    out[0] = bb31x4_one();
    for (size_t i = 0; i < n; i++) {
        size_t half = (size_t)1 << i;
        for (size_t k = 0; k < half; k++) {
            bb31x4 lo = out[k];
            out[half + k] = bb31x4_mul(lo, x[i]);
            out[k] = bb31x4_mul(lo, bb31x4_sub(bb31x4_one(), x[i]));
        }
    }
}

/* eq(x, y) over n coordinates (swirl_eval_eq_mle) */
SWIRL_HD bb31x4 swirl_zm_eq_mle(const bb31x4 *x, const bb31x4 *y, size_t n) {
    bb31x4 acc = bb31x4_one();
    for (size_t i = 0; i < n; i++) {
        bb31x4 xy2 = bb31x4_add(bb31x4_mul(x[i], y[i]), bb31x4_mul(x[i], y[i]));
        bb31x4 f = bb31x4_add(bb31x4_sub(bb31x4_sub(bb31x4_one(), y[i]), x[i]), xy2);
        acc = bb31x4_mul(acc, f);
    }
    return acc;
}

/* the equality kernel on the skip domain D of order 2^l (swirl_eval_eq_uni) */
SWIRL_HD bb31x4 swirl_zm_eq_uni(size_t l, bb31x4 x, bb31x4 y) {
    bb31x4 res = bb31x4_one(), xp = x, yp = y;
    for (size_t i = 0; i < l; i++) {
        res = bb31x4_add(bb31x4_mul(bb31x4_add(xp, yp), res),
                         bb31x4_mul(bb31x4_sub(xp, bb31x4_one()), bb31x4_sub(yp, bb31x4_one())));
        xp = bb31x4_square(xp);
        yp = bb31x4_square(yp);
    }
    return bb31x4_mul_base(res, bb31_pow(bb31_halve(bb31_one()), l));
}
/* the same kernel on base-field points (the same values as swirl_zm_eq_uni on their embeddings,
 * a sixteenth of the products) */
SWIRL_HD bb31 swirl_zm_eq_uni_base(size_t l, bb31 x, bb31 y) {
    bb31 res = bb31_one(), xp = x, yp = y;
    for (size_t i = 0; i < l; i++) {
        res = bb31_add(bb31_mul(bb31_add(xp, yp), res),
                       bb31_mul(bb31_sub(xp, bb31_one()), bb31_sub(yp, bb31_one())));
        xp = bb31_mul(xp, xp);
        yp = bb31_mul(yp, yp);
    }
    return bb31_mul(res, bb31_pow(bb31_halve(bb31_one()), l));
}

/* sum_i coeffs[i] x^i */
SWIRL_HD bb31x4 swirl_zm_horner(const bb31x4 *coeffs, size_t n, bb31x4 x) {
    bb31x4 acc = bb31x4_zero();
    for (size_t i = n; i-- > 0;)
        acc = bb31x4_add(bb31x4_mul(acc, x), coeffs[i]);
    return acc;
}

/*
 * The interpolation of round 0's coset sums (swirl_zm_interpolate_cosets) in pieces a block can
 * share out: h entry (c, k) per coset and coefficient k (swirl_zm_cos_h), the inverse of the
 * cosets' Vandermonde matrix (swirl_zm_cos_vinv, d x d, rows SWIRL_ZM_MAX_COS apart), and
 * coefficient m N + k from both (swirl_zm_cos_coeff).
 */

/* h[c N + k] = (g^(c+1))^-k / N sum_i S[c N + i] w^-ik (g = BB31_GENERATOR, w of order N) */
SWIRL_HD bb31x4 swirl_zm_cos_h(const bb31x4 *S, size_t c, size_t k, size_t l, bb31 w) {
    size_t N = (size_t)1 << l;
    bb31 shift = bb31_pow(bb31_from_u32(BB31_GENERATOR), c + 1);
    bb31 sk = bb31_mul(bb31_inv(bb31_from_u32((uint32_t)N)), bb31_pow(bb31_inv(shift), k));
    bb31 wk = bb31_pow(bb31_inv(w), k), wik = bb31_one();
    bb31x4 acc = bb31x4_zero();
    for (size_t i = 0; i < N; i++) {
        acc = bb31x4_add(acc, bb31x4_mul_base(S[c * N + i], wik));
        wik = bb31_mul(wik, wk);
    }
    return bb31x4_mul_base(acc, sk);
}

/* vi[m SWIRL_ZM_MAX_COS + c] (m, c < d): the inverse of V[c][m] = gam_c^m, gam_c = g^((c+1) N) */
SWIRL_HD void swirl_zm_cos_vinv(bb31 *vi, size_t d, size_t l) {
    size_t N = (size_t)1 << l;
    bb31 g = bb31_from_u32(BB31_GENERATOR), shift = bb31_one();
    bb31 V[SWIRL_ZM_MAX_COS][2 * SWIRL_ZM_MAX_COS];
    for (size_t c = 0; c < d; c++) {
        shift = bb31_mul(shift, g);
        bb31 gam = bb31_pow(shift, N);
        for (size_t m = 0; m < d; m++) {
            V[c][m] = bb31_pow(gam, m);
            V[c][d + m] = c == m ? bb31_one() : bb31_zero();
        }
    }
    /* Gauss-Jordan on [V | I] */
    for (size_t col = 0; col < d; col++) {
        size_t piv = col;
        while (bb31_is_zero(V[piv][col]))
            piv++;
        for (size_t m = 0; m < 2 * d; m++) {
            bb31 tmp = V[col][m];
            V[col][m] = V[piv][m];
            V[piv][m] = tmp;
        }
        bb31 inv = bb31_inv(V[col][col]);
        for (size_t m = 0; m < 2 * d; m++)
            V[col][m] = bb31_mul(V[col][m], inv);
        for (size_t r = 0; r < d; r++) {
            if (r == col || bb31_is_zero(V[r][col]))
                continue;
            bb31 f = V[r][col];
            for (size_t m = 0; m < 2 * d; m++)
                V[r][m] = bb31_sub(V[r][m], bb31_mul(f, V[col][m]));
        }
    }
    for (size_t m = 0; m < d; m++)
        for (size_t c = 0; c < d; c++)
            vi[m * SWIRL_ZM_MAX_COS + c] = V[m][d + c];
}

/* coefficient m N + k (m < d): sum_c vi[m][c] h[c N + k] */
SWIRL_HD bb31x4 swirl_zm_cos_coeff(const bb31x4 *h, const bb31 *vi, size_t d, size_t N, size_t m,
                                   size_t k) {
    bb31x4 acc = bb31x4_zero();
    for (size_t c = 0; c < d; c++)
        acc = bb31x4_add(acc, bb31x4_mul_base(h[c * N + k], vi[m * SWIRL_ZM_MAX_COS + c]));
    return acc;
}

/* Coefficients (d N of them, N = 2^l) of the polynomial with values S[c N + i] at g^(c+1) w^i
 * for c < d (g = BB31_GENERATOR, w of order N). h: caller scratch of d N entries. */
SWIRL_HD void swirl_zm_interpolate_cosets(bb31x4 *coeffs, const bb31x4 *S, size_t d, size_t l,
                                          bb31 w, bb31x4 *h) {
    size_t N = (size_t)1 << l;
    if (d == 0)
        return;
    for (size_t c = 0; c < d; c++)
        for (size_t k = 0; k < N; k++)
            h[c * N + k] = swirl_zm_cos_h(S, c, k, l, w);
    bb31 vi[SWIRL_ZM_MAX_COS * SWIRL_ZM_MAX_COS];
    swirl_zm_cos_vinv(vi, d, l);
    for (size_t m = 0; m < d; m++)
        for (size_t k = 0; k < N; k++)
            coeffs[m * N + k] = swirl_zm_cos_coeff(h, vi, d, N, m, k);
}

/* out[i] of (a * b): sum over j + t = i, j < na, t < nb of a[j] b[t] */
SWIRL_HD bb31x4 swirl_zm_poly_mul_at(const bb31x4 *a, size_t na, const bb31x4 *b, size_t nb,
                                     size_t i) {
    bb31x4 acc = bb31x4_zero();
    size_t t0 = i >= na ? i - na + 1 : 0;
    for (size_t t = t0; t < nb && t <= i; t++)
        acc = bb31x4_add(acc, bb31x4_mul(a[i - t], b[t]));
    return acc;
}

/* out[0 .. out_len) = (a * b) truncated */
SWIRL_HD void swirl_zm_poly_mul(bb31x4 *out, size_t out_len, const bb31x4 *a, size_t na,
                                const bb31x4 *b, size_t nb) {
    for (size_t i = 0; i < out_len; i++)
        out[i] = swirl_zm_poly_mul_at(a, na, b, nb, i);
}

/* the polynomial of degree < npts (npts <= 16) through (i, vals[i]) for i < npts */
SWIRL_HD void swirl_zm_lagrange_coeffs(bb31x4 *coeffs, const bb31x4 *vals, size_t npts) {
    for (size_t k = 0; k < npts; k++)
        coeffs[k] = bb31x4_zero();
    for (size_t i = 0; i < npts; i++) {
        bb31 basis[16];
        for (size_t k = 0; k < 16; k++)
            basis[k] = bb31_zero();
        basis[0] = bb31_one();
        size_t deg = 0;
        bb31 denom = bb31_one();
        for (size_t j = 0; j < npts; j++) {
            if (j == i)
                continue;
            /* basis *= (X - j) */
            bb31 mj = bb31_neg(bb31_from_u32((uint32_t)j));
            for (size_t k = deg + 2; k-- > 0;) {
                bb31 up = k > 0 ? basis[k - 1] : bb31_zero();
                basis[k] = bb31_add(bb31_mul(basis[k], mj), up);
            }
            deg++;
            denom =
                bb31_mul(denom, bb31_sub(bb31_from_u32((uint32_t)i), bb31_from_u32((uint32_t)j)));
        }
        bb31 dinv = bb31_inv(denom);
        for (size_t k = 0; k < npts; k++)
            coeffs[k] = bb31x4_add(coeffs[k], bb31x4_mul_base(vals[i], bb31_mul(basis[k], dinv)));
    }
}

/*
 * Entry i of one trace's round-0 row `kind` (swirl_zm_round0_trace_polys) from q, the
 * coefficients of that kind's interpolation: kind 0, the zerocheck polynomial q (nzc cosets)
 * times (Z^N - 1), nonzero up to deg (N - 1); kind 1, the LogUp numerator (nlu cosets) times norm;
 * kind 2, the LogUp denominator. Zero past sp0.
 */
SWIRL_HD bb31x4 swirl_zm_round0_entry(const bb31x4 *q, unsigned kind, size_t i, size_t deg,
                                      size_t nzc, size_t nlu, size_t N, size_t sp0, bb31 norm) {
    bb31x4 co = bb31x4_zero();
    if (i > sp0)
        return co;
    if (kind == 0) {
        if (deg >= 1 && i <= deg * (N - 1)) {
            if (i < nzc * N)
                co = bb31x4_neg(q[i]);
            if (i >= N && i - N < nzc * N)
                co = bb31x4_add(co, q[i - N]);
        }
    } else if (i < nlu * N) {
        co = kind == 1 ? bb31x4_mul_base(q[i], norm) : q[i];
    }
    return co;
}

/*
 * Round 0 of one trace from its sums over the points (S: zerocheck, numerator, denominator, P
 * each): the zerocheck polynomial q (nzc cosets) times (Z^N - 1) truncated to sp0 + 1 coefficients
 * into zt, and the LogUp polynomials (nlu cosets; numerator times norm) into nt, dt (rows of at
 * least sp0 + 1 entries, zero on entry). h: scratch of SWIRL_ZM_MAX_COS N entries, q: of
 * SWIRL_ZM_MAX_COS N entries.
 */
SWIRL_HD void swirl_zm_round0_trace_polys(bb31x4 *zt, bb31x4 *nt, bb31x4 *dt, const bb31x4 *S,
                                          size_t P, size_t deg, size_t nzc, size_t nlu, size_t l,
                                          bb31 omega, size_t sp0, bb31 norm, bb31x4 *h,
                                          bb31x4 *q) {
    size_t N = (size_t)1 << l;
    for (size_t i = 0; i < SWIRL_ZM_MAX_COS * N; i++)
        q[i] = bb31x4_zero();
    swirl_zm_interpolate_cosets(q, S, nzc, l, omega, h);
    for (size_t i = 0; i <= sp0; i++)
        zt[i] = swirl_zm_round0_entry(q, 0, i, deg, nzc, nlu, N, sp0, norm);
    if (nlu) {
        swirl_zm_interpolate_cosets(q, S + P, nlu, l, omega, h);
        for (size_t i = 0; i <= sp0; i++)
            nt[i] = swirl_zm_round0_entry(q, 1, i, deg, nzc, nlu, N, sp0, norm);
        swirl_zm_interpolate_cosets(q, S + 2 * P, nlu, l, omega, h);
        for (size_t i = 0; i <= sp0; i++)
            dt[i] = swirl_zm_round0_entry(q, 2, i, deg, nzc, nlu, N, sp0, norm);
    }
}

/* coefficient k of eq_sharp: (1 / N) sum_i eqs[i] w^-ik (eqs: eq of xi[0..l) over the cube) */
SWIRL_HD bb31x4 swirl_zm_eqsharp_coeff(const bb31x4 *eqs, size_t l, bb31 omega, size_t k) {
    size_t N = (size_t)1 << l;
    bb31 winv = bb31_inv(omega), ninv = bb31_inv(bb31_from_u32((uint32_t)N));
    bb31x4 acc = bb31x4_zero();
    for (size_t i = 0; i < N; i++)
        acc = bb31x4_add(acc, bb31x4_mul_base(eqs[i], bb31_pow(winv, i * k)));
    return bb31x4_mul_base(acc, ninv);
}

/* coefficient k of eq_uni(xi0, Z) / N: 1 / N at k = 0, else xi0^(N - k) / N */
SWIRL_HD bb31x4 swirl_zm_equni_coeff(bb31x4 xi0, size_t l, size_t k) {
    size_t N = (size_t)1 << l;
    bb31 ninv = bb31_inv(bb31_from_u32((uint32_t)N));
    return k == 0 ? bb31x4_from_base(ninv) : bb31x4_mul_base(bb31x4_pow(xi0, N - k), ninv);
}

/* eq_sharp (eq of xi[0..l) over D, in coefficients: N of them) and eq_uni(xi[0], Z) / N as a
 * polynomial (N coefficients); eqs: scratch of N entries */
SWIRL_HD void swirl_zm_round0_eq_polys(bb31x4 *eqsharp, bb31x4 *equni, const bb31x4 *xi, size_t l,
                                       bb31 omega, bb31x4 *eqs) {
    size_t N = (size_t)1 << l;
    swirl_zm_evals_eq_hypercube(eqs, xi, l);
    for (size_t k = 0; k < N; k++) {
        eqsharp[k] = swirl_zm_eqsharp_coeff(eqs, l, omega, k);
        equni[k] = swirl_zm_equni_coeff(xi[0], l, k);
    }
}

/* The sum over D of a round-0 LogUp product (coefficients 0..s0deg): N times the coefficients at
 * multiples of N. */
SWIRL_HD bb31x4 swirl_zm_sum_over_domain(const bb31x4 *prod, size_t s0deg, size_t N) {
    bb31x4 s = bb31x4_zero();
    for (size_t j = 0; j <= s0deg; j += N)
        s = bb31x4_add(s, prod[j]);
    return bb31x4_mul_base(s, bb31_from_u32((uint32_t)N));
}

/* weight j of the fold at r0: eq_uni(r0, omega^j) */
SWIRL_HD bb31x4 swirl_zm_fold_weight(size_t l, bb31x4 r0, bb31 omega, size_t j) {
    return swirl_zm_eq_uni(l, r0, bb31x4_from_base(bb31_pow(omega, j)));
}

/* lagr[j] = eq_uni(r0, omega^j), j < N: the weights of the fold at r0 */
SWIRL_HD void swirl_zm_fold_weights(bb31x4 *lagr, size_t l, bb31x4 r0, bb31 omega) {
    size_t N = (size_t)1 << l;
    for (size_t j = 0; j < N; j++)
        lagr[j] = swirl_zm_fold_weight(l, r0, omega, j);
}

/*
 * A multilinear round's polynomial (coefficients co[0 .. s_deg], s_deg <= SWIRL_ZM_MAX_COS + 1)
 * from its head values he[1 .. s_deg - 1] (at X = 1..G, without the eq factor in xc =
 * xi[l + round - 1]), the claim prev and the tail: he[0] from the claim, then the factor
 * eq(xc, X) = a X + b and the tail added as tail X.
 */
SWIRL_HD void swirl_zm_round_poly(bb31x4 *co, bb31x4 *he, size_t s_deg, bb31x4 prev, bb31x4 xc,
                                  bb31x4 tail) {
    bb31x4 b = bb31x4_sub(bb31x4_one(), xc), a = bb31x4_sub(xc, b);
    he[0] = bb31x4_mul(bb31x4_sub(bb31x4_sub(prev, bb31x4_mul(xc, he[1])), tail), bb31x4_inv(b));
    swirl_zm_lagrange_coeffs(co, he, s_deg);
    co[s_deg] = bb31x4_zero();
    for (size_t i = s_deg; i-- > 0;)
        co[i + 1] = bb31x4_add(bb31x4_mul(a, co[i]), bb31x4_mul(b, co[i + 1]));
    co[0] = bb31x4_mul(co[0], b);
    co[1] = bb31x4_add(co[1], tail);
}

#endif /* SWIRL_PROTOCOL_ZEROCHECK_MATH_H */
