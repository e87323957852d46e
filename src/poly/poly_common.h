/*
 * Polynomial helpers of the SWIRL protocol over the extension field (OpenVM v2.0.1
 * crates/stark-backend/src/poly_common.rs, prover/poly.rs): multilinear equality polynomials,
 * the univariate-skip equality/indicator kernels over the subgroup D of order 2^l_skip, the rotation
 * kernel, MLE evaluation and the small interpolations the verifiers use. Field arithmetic is exact,
 * so these agree with OpenVM's values whatever the evaluation order.
 */
#ifndef SWIRL_POLY_POLY_COMMON_H
#define SWIRL_POLY_POLY_COMMON_H

#include <stddef.h>

#include "field/bb31_ext4.h"

#ifdef __cplusplus
extern "C" {
#endif

/** eq(x, y) = prod_i (x_i y_i + (1 - x_i)(1 - y_i)), written 1 - y - x + 2xy per factor. */
bb31x4 swirl_eval_eq_mle(const bb31x4 *x, const bb31x4 *y, size_t n);

/** Evaluates the MLE with hypercube evaluations evals[0..2^n) at x (evals is overwritten).
 *  Variable 0 is the least significant bit of the index. */
bb31x4 swirl_eval_mle_at_point(bb31x4 *evals, const bb31x4 *x, size_t n);

/** out[b] = eq(x, b) for b in {0,1}^n (bit i of b is coordinate i); out holds 2^n values. */
void swirl_evals_eq_hypercube(bb31x4 *out, const bb31x4 *x, size_t n);

/** eq_D(x, y) = (1/2^l) prod_{i<l} ((x^(2^i) + y^(2^i)) ... ): the equality kernel on D
 *  (eval_eq_uni): for x, y in D it is 1 when x = y and 0 otherwise. */
bb31x4 swirl_eval_eq_uni(size_t l_skip, bb31x4 x, bb31x4 y);
/** eq_D(x, 1) (eval_eq_uni_at_one). */
bb31x4 swirl_eval_eq_uni_at_one(size_t l_skip, bb31x4 x);
/** eval_in_uni: for n >= 0 one; for n < 0 the indicator of the subgroup of order 2^(l_skip + n)
 *  evaluated through eq_uni_at_one(|n|, z^(2^(l_skip + n))). */
bb31x4 swirl_eval_in_uni(size_t l_skip, long n, bb31x4 z);
/** eq over the prism D x {0,1}^n: eq_uni(x0, y0) * eq_mle(x[1..], y[1..]) (n + 1 coordinates). */
bb31x4 swirl_eval_eq_prism(size_t l_skip, const bb31x4 *x, const bb31x4 *y, size_t n_plus_1);
/** (eq(x, y), rot(x, y)) on the cube, rot(x, y) = [y = x - 1 cyclically] (eval_eq_rot_cube). */
void swirl_eval_eq_rot_cube(bb31x4 *eq, bb31x4 *rot, const bb31x4 *x, const bb31x4 *y, size_t n);
/** The rotation kernel on the prism (eval_rot_kernel_prism). */
bb31x4 swirl_eval_rot_kernel_prism(size_t l_skip, const bb31x4 *x, const bb31x4 *y,
                                   size_t n_plus_1);

/** Multilinear monomial coefficients -> hypercube evaluations in place (a[i | bit] += a[i] for each
 *  bit; prover/poly.rs Mle::coeffs_to_evals_inplace), and the inverse (evals -> coefficients). */
void swirl_mle_coeffs_to_evals(bb31 *a, size_t n);
void swirl_mle_evals_to_coeffs(bb31 *a, size_t n);
void swirl_mle_evals_to_coeffs_ext(bb31x4 *a, size_t n);

/** sum_i coeffs[i] x^i. */
bb31x4 swirl_horner_eval(const bb31x4 *coeffs, size_t n, bb31x4 x);
/** The line / parabola / cubic through (0, e0), (1, e1), ... evaluated at x. */
bb31x4 swirl_interpolate_linear_at_01(const bb31x4 e[2], bb31x4 x);
bb31x4 swirl_interpolate_quadratic_at_012(const bb31x4 e[3], bb31x4 x);
bb31x4 swirl_interpolate_cubic_at_0123(const bb31x4 e[4], bb31x4 x);

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_POLY_POLY_COMMON_H */
