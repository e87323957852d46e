/*
 * Radix-2 NTT over BabyBear (reference CPU implementation, multi-threaded with OpenMP).
 *
 * Semantics match Plonky3's TwoAdicSubgroupDft (p3-dft 0.4.3) as OpenVM uses it:
 *   forward:  out[i] = sum_j in[j] * (shift * w^i)^j,  w = bb31_two_adic_generator(log_n)
 *             (shift = 1 for the plain transform; a coset transform evaluates on shift*<w>)
 *   inverse:  the exact inverse of forward with the same shift (includes the 1/n scaling).
 * Orders: by default input and output are in natural order. SWIRL_NTT_IN_BITREV says the input is
 * stored bit-reversed; SWIRL_NTT_OUT_BITREV asks for bit-reversed output (no extra permutation pass
 * when the orders let the algorithm skip it).
 *
 * Batch layout: `ncols` columns, column c starts at data + c * col_stride (col_stride >= n), each
 * column transformed independently and in place. Results are identical for any thread count.
 * Sizes: log_n <= 27. Errors: SWIRL_E_INVALID_ARG for NULL data, log_n > 27, col_stride < n.
 */
#ifndef SWIRL_POLY_NTT_H
#define SWIRL_POLY_NTT_H

#include <stddef.h>

#include "field/bb31.h"

enum swirl_ntt_flags {
    SWIRL_NTT_NONE = 0,
    SWIRL_NTT_IN_BITREV = 1,
    SWIRL_NTT_OUT_BITREV = 2,
};

#ifdef __cplusplus
extern "C" {
#endif

enum swirl_status swirl_ntt_forward(bb31 *data, unsigned log_n, size_t ncols, size_t col_stride,
                                    bb31 shift, unsigned flags) SWIRL_WARN_UNUSED_RESULT;
enum swirl_status swirl_ntt_inverse(bb31 *data, unsigned log_n, size_t ncols, size_t col_stride,
                                    bb31 shift, unsigned flags) SWIRL_WARN_UNUSED_RESULT;

/**
 * Inverse NTT (natural order, no coset) of `nchunks` contiguous chunks of 2^log_chunk elements each,
 * for many small chunks: one twiddle table, no per-chunk setup. Same results as swirl_ntt_inverse
 * with ncols = nchunks and col_stride = 2^log_chunk. log_chunk <= 12.
 */
enum swirl_status swirl_ntt_inverse_chunks(bb31 *data, unsigned log_chunk,
                                           size_t nchunks) SWIRL_WARN_UNUSED_RESULT;

/** In-place bit-reversal permutation of each column. */
enum swirl_status swirl_bit_reverse(bb31 *data, unsigned log_n, size_t ncols,
                                    size_t col_stride) SWIRL_WARN_UNUSED_RESULT;

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_POLY_NTT_H */
