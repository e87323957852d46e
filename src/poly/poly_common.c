/* Polynomial helpers (poly_common.rs). */
#include "poly/poly_common.h"

#include <string.h>

static bb31x4 ext_one(void) {
    return bb31x4_one();
}
static bb31x4 ext_half_pow(size_t l) {
    return bb31x4_from_base(bb31_pow(bb31_halve(bb31_one()), l));
}

bb31x4 swirl_eval_eq_mle(const bb31x4 *x, const bb31x4 *y, size_t n) {
    bb31x4 acc = ext_one();
    for (size_t i = 0; i < n; i++) {
        bb31x4 xy2 = bb31x4_add(bb31x4_mul(x[i], y[i]), bb31x4_mul(x[i], y[i]));
        bb31x4 f = bb31x4_add(bb31x4_sub(bb31x4_sub(ext_one(), y[i]), x[i]), xy2);
        acc = bb31x4_mul(acc, f);
    }
    return acc;
}

bb31x4 swirl_eval_mle_at_point(bb31x4 *evals, const bb31x4 *x, size_t n) {
    size_t len = (size_t)1 << n;
    for (size_t j = n; j-- > 0;) {
        len >>= 1;
        for (size_t i = 0; i < len; i++)
            evals[i] = bb31x4_add(evals[i], bb31x4_mul(bb31x4_sub(evals[i + len], evals[i]), x[j]));
    }
    return evals[0];
}

void swirl_evals_eq_hypercube(bb31x4 *out, const bb31x4 *x, size_t n) {
    out[0] = ext_one();
    for (size_t i = 0; i < n; i++) {
        size_t half = (size_t)1 << i;
        for (size_t k = 0; k < half; k++) {
            bb31x4 lo = out[k];
            out[half + k] = bb31x4_mul(lo, x[i]);
            out[k] = bb31x4_mul(lo, bb31x4_sub(ext_one(), x[i]));
        }
    }
}

bb31x4 swirl_eval_eq_uni(size_t l_skip, bb31x4 x, bb31x4 y) {
    bb31x4 res = ext_one(), xp = x, yp = y;
    for (size_t i = 0; i < l_skip; i++) {
        res = bb31x4_add(bb31x4_mul(bb31x4_add(xp, yp), res),
                         bb31x4_mul(bb31x4_sub(xp, ext_one()), bb31x4_sub(yp, ext_one())));
        xp = bb31x4_square(xp);
        yp = bb31x4_square(yp);
    }
    return bb31x4_mul(res, ext_half_pow(l_skip));
}

bb31x4 swirl_eval_eq_uni_at_one(size_t l_skip, bb31x4 x) {
    bb31x4 res = ext_one(), xp = x;
    for (size_t i = 0; i < l_skip; i++) {
        res = bb31x4_mul(res, bb31x4_add(xp, ext_one()));
        xp = bb31x4_square(xp);
    }
    return bb31x4_mul(res, ext_half_pow(l_skip));
}

bb31x4 swirl_eval_in_uni(size_t l_skip, long n, bb31x4 z) {
    if (n >= 0)
        return ext_one();
    size_t m = (size_t)(-n), e = l_skip - m;
    for (size_t i = 0; i < e; i++)
        z = bb31x4_square(z);
    return swirl_eval_eq_uni_at_one(m, z);
}

bb31x4 swirl_eval_eq_prism(size_t l_skip, const bb31x4 *x, const bb31x4 *y, size_t n_plus_1) {
    return bb31x4_mul(swirl_eval_eq_uni(l_skip, x[0], y[0]),
                      swirl_eval_eq_mle(x + 1, y + 1, n_plus_1 - 1));
}

void swirl_eval_eq_rot_cube(bb31x4 *eq, bb31x4 *rot, const bb31x4 *x, const bb31x4 *y, size_t n) {
    bb31x4 r = ext_one(), e = ext_one();
    for (size_t i = n; i-- > 0;) {
        bb31x4 omx = bb31x4_sub(ext_one(), x[i]), omy = bb31x4_sub(ext_one(), y[i]);
        r = bb31x4_add(bb31x4_mul(bb31x4_mul(x[i], omy), e), bb31x4_mul(bb31x4_mul(omx, y[i]), r));
        e = bb31x4_mul(e, bb31x4_add(bb31x4_mul(x[i], y[i]), bb31x4_mul(omx, omy)));
    }
    *eq = e;
    *rot = r;
}

bb31x4 swirl_eval_rot_kernel_prism(size_t l_skip, const bb31x4 *x, const bb31x4 *y,
                                   size_t n_plus_1) {
    bb31 omega;
    if (bb31_two_adic_generator(&omega, (unsigned)l_skip) != SWIRL_OK)
        return bb31x4_zero();
    bb31x4 eq_cube, rot_cube;
    swirl_eval_eq_rot_cube(&eq_cube, &rot_cube, x + 1, y + 1, n_plus_1 - 1);
    bb31x4 y0w = bb31x4_mul_base(y[0], omega);
    bb31x4 a = bb31x4_mul(swirl_eval_eq_uni(l_skip, x[0], y0w), eq_cube);
    bb31x4 b = bb31x4_mul(
        bb31x4_mul(swirl_eval_eq_uni_at_one(l_skip, x[0]), swirl_eval_eq_uni_at_one(l_skip, y0w)),
        bb31x4_sub(rot_cube, eq_cube));
    return bb31x4_add(a, b);
}

bb31x4 swirl_horner_eval(const bb31x4 *coeffs, size_t n, bb31x4 x) {
    bb31x4 acc = bb31x4_zero();
    for (size_t i = n; i-- > 0;)
        acc = bb31x4_add(bb31x4_mul(acc, x), coeffs[i]);
    return acc;
}

bb31x4 swirl_interpolate_linear_at_01(const bb31x4 e[2], bb31x4 x) {
    return bb31x4_add(bb31x4_mul(bb31x4_sub(e[1], e[0]), x), e[0]);
}

static bb31x4 ext_halve(bb31x4 a) {
    for (int i = 0; i < 4; i++)
        a.c[i] = bb31_halve(a.c[i]);
    return a;
}

bb31x4 swirl_interpolate_quadratic_at_012(const bb31x4 e[3], bb31x4 x) {
    bb31x4 s1 = bb31x4_sub(e[1], e[0]), s2 = bb31x4_sub(e[2], e[1]);
    bb31x4 p = ext_halve(bb31x4_sub(s2, s1));
    bb31x4 q = bb31x4_sub(s1, p);
    return bb31x4_add(bb31x4_mul(bb31x4_add(bb31x4_mul(p, x), q), x), e[0]);
}

bb31x4 swirl_interpolate_cubic_at_0123(const bb31x4 e[4], bb31x4 x) {
    bb31 inv6 = bb31_inv(bb31_from_u32(6)), three = bb31_from_u32(3);
    bb31x4 s1 = bb31x4_sub(e[1], e[0]), s2 = bb31x4_sub(e[2], e[0]), s3 = bb31x4_sub(e[3], e[0]);
    bb31x4 d3 = bb31x4_sub(s3, bb31x4_mul_base(bb31x4_sub(s2, s1), three));
    bb31x4 p = bb31x4_mul_base(d3, inv6);
    bb31x4 q = bb31x4_sub(ext_halve(bb31x4_sub(s2, d3)), s1);
    bb31x4 r = bb31x4_sub(bb31x4_sub(s1, p), q);
    return bb31x4_add(
        bb31x4_mul(bb31x4_add(bb31x4_mul(bb31x4_add(bb31x4_mul(p, x), q), x), r), x), e[0]);
}

void swirl_mle_coeffs_to_evals(bb31 *a, size_t n) {
    for (size_t step = 1; step < n; step <<= 1)
        for (size_t i = 0; i < n; i += 2 * step)
            for (size_t j = 0; j < step; j++)
                a[i + j + step] = bb31_add(a[i + j + step], a[i + j]);
}

void swirl_mle_evals_to_coeffs(bb31 *a, size_t n) {
    for (size_t step = 1; step < n; step <<= 1)
        for (size_t i = 0; i < n; i += 2 * step)
            for (size_t j = 0; j < step; j++)
                a[i + j + step] = bb31_sub(a[i + j + step], a[i + j]);
}

void swirl_mle_evals_to_coeffs_ext(bb31x4 *a, size_t n) {
    for (size_t step = 1; step < n; step <<= 1)
        for (size_t i = 0; i < n; i += 2 * step)
            for (size_t j = 0; j < step; j++)
                a[i + j + step] = bb31x4_sub(a[i + j + step], a[i + j]);
}
