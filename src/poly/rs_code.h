/*
 * Reed-Solomon encoding of the stacked PCS's columns (OpenVM v2.0.1 prover/stacked_pcs.rs
 * rs_code_matrix, eval_to_coeff_rs_message): a column of evaluations on D x {0,1}^n (|D| =
 * 2^l_skip) is turned into the coefficients of its prismalinear extension (per 2^l_skip chunk an
 * inverse DFT, then the monomial-to-hypercube transform), zero-padded by 2^log_blowup and
 * evaluated by a forward NTT. Pure polynomial code: the PCS (pcs/stacked.h) and the CPU device
 * table (device/cpu) both use it.
 */
#ifndef SWIRL_POLY_RS_CODE_H
#define SWIRL_POLY_RS_CODE_H

#include <stddef.h>

#include "field/bb31.h"

#ifdef __cplusplus
extern "C" {
#endif

/** eval_to_coeff_rs_message on one column of 2^k >= 2^l_skip evaluations, in place. */
enum swirl_status swirl_eval_to_coeff_rs_message(bb31 *col, unsigned log_len,
                                                 unsigned l_skip) SWIRL_WARN_UNUSED_RESULT;
/** The inverse: RS message coefficients back to the evaluations on D x {0,1}^n, in place. */
enum swirl_status swirl_rs_message_to_evals(bb31 *col, unsigned log_len,
                                            unsigned l_skip) SWIRL_WARN_UNUSED_RESULT;

/**
 * rs_code_matrix: codewords of every column of the height x width column-major matrix `evals`
 * (height a power of two >= 2^l_skip), into a new matrix of height << log_blowup (caller frees).
 */
enum swirl_status swirl_rs_code_matrix(bb31 **out, const bb31 *evals, size_t height, size_t width,
                                       unsigned l_skip,
                                       unsigned log_blowup) SWIRL_WARN_UNUSED_RESULT;
/** The same, written into caller memory `cw` of (height << log_blowup) * width elements. */
enum swirl_status swirl_rs_code_matrix_into(bb31 *cw, const bb31 *evals, size_t height,
                                            size_t width, unsigned l_skip,
                                            unsigned log_blowup) SWIRL_WARN_UNUSED_RESULT;

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_POLY_RS_CODE_H */
