/*
 * The small polynomial math of the batch constraint sumcheck (protocol/zerocheck.c) as host/device
 * code (SWIRL_HD, like the field and the transcript), so the CPU prover and the device stage
 * (prover/cuda_rap.cu, one-thread "control step" kernels; its CPU replay is tests/test_rap_twin.c)
 * run the same functions: the interpolation of round 0's coset sums, the products of small
 * polynomials, the eq polynomials over the skip domain, the round polynomial of a multilinear round
 * from its heads and tail. Everything is exact field arithmetic.
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

/* sum_i coeffs[i] x^i */
SWIRL_HD bb31x4 swirl_zm_horner(const bb31x4 *coeffs, size_t n, bb31x4 x) {
    bb31x4 acc = bb31x4_zero();
    for (size_t i = n; i-- > 0;)
        acc = bb31x4_add(bb31x4_mul(acc, x), coeffs[i]);
    return acc;
}

/* Coefficients (d N of them, N = 2^l) of the polynomial with values S[c N + i] at g^(c+1) w^i
 * for c < d (g = BB31_GENERATOR, w of order N). h: caller scratch of d N entries. */
SWIRL_HD void swirl_zm_interpolate_cosets(bb31x4 *coeffs, const bb31x4 *S, size_t d, size_t l,
                                          bb31 w, bb31x4 *h) {
    size_t N = (size_t)1 << l;
    if (d == 0)
        return;
    bb31 g = bb31_from_u32(BB31_GENERATOR), winv = bb31_inv(w),
         ninv = bb31_inv(bb31_from_u32((uint32_t)N));
    bb31 gam[SWIRL_ZM_MAX_COS], shift = bb31_one();
    for (size_t c = 0; c < d; c++) {
        shift = bb31_mul(shift, g);
        gam[c] = bb31_pow(shift, N);
        bb31 sinv = bb31_inv(shift), sk = ninv;
        for (size_t k = 0; k < N; k++) {
            bb31x4 acc = bb31x4_zero();
            bb31 wk = bb31_pow(winv, k), wik = bb31_one();
            for (size_t i = 0; i < N; i++) {
                acc = bb31x4_add(acc, bb31x4_mul_base(S[c * N + i], wik));
                wik = bb31_mul(wik, wk);
            }
            h[c * N + k] = bb31x4_mul_base(acc, sk);
            sk = bb31_mul(sk, sinv);
        }
    }
    /* invert the Vandermonde V[c][m] = gam[c]^m */
    bb31 V[SWIRL_ZM_MAX_COS][2 * SWIRL_ZM_MAX_COS];
    for (size_t c = 0; c < d; c++) {
        for (size_t m = 0; m < d; m++) {
            V[c][m] = bb31_pow(gam[c], m);
            V[c][d + m] = c == m ? bb31_one() : bb31_zero();
        }
    }
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
    /* A_m[k] = sum_c Vinv[m][c] h_c[k] */
    for (size_t m = 0; m < d; m++)
        for (size_t k = 0; k < N; k++) {
            bb31x4 acc = bb31x4_zero();
            for (size_t c = 0; c < d; c++)
                acc = bb31x4_add(acc, bb31x4_mul_base(h[c * N + k], V[m][d + c]));
            coeffs[m * N + k] = acc;
        }
}

/* out[0 .. out_len) = (a * b) truncated */
SWIRL_HD void swirl_zm_poly_mul(bb31x4 *out, size_t out_len, const bb31x4 *a, size_t na,
                                const bb31x4 *b, size_t nb) {
    for (size_t i = 0; i < out_len; i++)
        out[i] = bb31x4_zero();
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < nb && i + j < out_len; j++)
            out[i + j] = bb31x4_add(out[i + j], bb31x4_mul(a[i], b[j]));
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
    if (deg >= 1)
        for (size_t i = 0; i <= deg * (N - 1) && i <= sp0; i++) {
            bb31x4 co = i < nzc * N ? bb31x4_neg(q[i]) : bb31x4_zero();
            if (i >= N && i - N < nzc * N)
                co = bb31x4_add(co, q[i - N]);
            zt[i] = co;
        }
    if (nlu) {
        swirl_zm_interpolate_cosets(q, S + P, nlu, l, omega, h);
        for (size_t i = 0; i < nlu * N && i <= sp0; i++)
            nt[i] = bb31x4_mul_base(q[i], norm);
        swirl_zm_interpolate_cosets(q, S + 2 * P, nlu, l, omega, h);
        for (size_t i = 0; i < nlu * N && i <= sp0; i++)
            dt[i] = q[i];
    }
}

/* eq_sharp (eq of xi[0..l) over D, in coefficients: N of them) and eq_uni(xi[0], Z) / N as a
 * polynomial (N coefficients); eqs: scratch of N entries */
SWIRL_HD void swirl_zm_round0_eq_polys(bb31x4 *eqsharp, bb31x4 *equni, const bb31x4 *xi, size_t l,
                                       bb31 omega, bb31x4 *eqs) {
    size_t N = (size_t)1 << l;
    swirl_zm_evals_eq_hypercube(eqs, xi, l);
    bb31 winv = bb31_inv(omega), ninv = bb31_inv(bb31_from_u32((uint32_t)N));
    for (size_t k = 0; k < N; k++) {
        bb31x4 acc = bb31x4_zero();
        for (size_t i = 0; i < N; i++)
            acc = bb31x4_add(acc, bb31x4_mul_base(eqs[i], bb31_pow(winv, i * k)));
        eqsharp[k] = bb31x4_mul_base(acc, ninv);
    }
    equni[0] = bb31x4_from_base(ninv);
    for (size_t k = 1; k < N; k++)
        equni[k] = bb31x4_mul_base(bb31x4_pow(xi[0], N - k), ninv);
}

/* The sum over D of a round-0 LogUp product (coefficients 0..s0deg): N times the coefficients at
 * multiples of N. */
SWIRL_HD bb31x4 swirl_zm_sum_over_domain(const bb31x4 *prod, size_t s0deg, size_t N) {
    bb31x4 s = bb31x4_zero();
    for (size_t j = 0; j <= s0deg; j += N)
        s = bb31x4_add(s, prod[j]);
    return bb31x4_mul_base(s, bb31_from_u32((uint32_t)N));
}

/* lagr[j] = eq_uni(r0, omega^j), j < N: the weights of the fold at r0 */
SWIRL_HD void swirl_zm_fold_weights(bb31x4 *lagr, size_t l, bb31x4 r0, bb31 omega) {
    size_t N = (size_t)1 << l;
    for (size_t j = 0; j < N; j++)
        lagr[j] = swirl_zm_eq_uni(l, r0, bb31x4_from_base(bb31_pow(omega, j)));
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
