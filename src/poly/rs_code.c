/* Reed-Solomon encoding of prismalinear columns (see rs_code.h). */
#include "util/alloc.h"
#include "poly/rs_code.h"

#include <stdlib.h>
#include <string.h>

#include "poly/ntt.h"
#include "poly/poly_common.h"
#include "util/common.h"

enum swirl_status swirl_eval_to_coeff_rs_message(bb31 *col, unsigned log_len, unsigned l_skip) {
    SWIRL_ARG_CHECK(col != NULL && l_skip <= log_len && log_len <= BB31_TWO_ADICITY);
    size_t chunk = (size_t)1 << l_skip, n = (size_t)1 << log_len;
    SWIRL_TRY(swirl_ntt_inverse(col, l_skip, n / chunk, chunk, bb31_one(), SWIRL_NTT_NONE));
    for (size_t c = 0; c < n; c += chunk)
        swirl_mle_coeffs_to_evals(col + c, chunk);
    return SWIRL_OK;
}

enum swirl_status swirl_rs_message_to_evals(bb31 *col, unsigned log_len, unsigned l_skip) {
    SWIRL_ARG_CHECK(col != NULL && l_skip <= log_len && log_len <= BB31_TWO_ADICITY);
    size_t chunk = (size_t)1 << l_skip, n = (size_t)1 << log_len;
    for (size_t c = 0; c < n; c += chunk)
        swirl_mle_evals_to_coeffs(col + c, chunk);
    return swirl_ntt_forward(col, l_skip, n / chunk, chunk, bb31_one(), SWIRL_NTT_NONE);
}

/* the shape checks both forms make before touching memory */
static enum swirl_status rs_check(size_t height, size_t width, unsigned l_skip, unsigned log_blowup) {
    SWIRL_ARG_CHECK(swirl_is_pow2(height));
    unsigned log_h = swirl_log2_exact(height);
    if (log_h < l_skip)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "rs_code_matrix: height 2^%u below 2^l_skip", log_h);
    if (log_h + log_blowup > BB31_TWO_ADICITY)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                           "rs_code_matrix: codeword length 2^%u exceeds the two-adicity 2^27",
                           log_h + log_blowup);
    size_t cells;
    if (!swirl_mul_size(height << log_blowup, width ? width : 1, &cells) ||
        cells > SIZE_MAX / sizeof(bb31))
        return SWIRL_RAISE(SWIRL_E_NOMEM, "rs_code_matrix: size overflows");
    return SWIRL_OK;
}

enum swirl_status swirl_rs_code_matrix(bb31 **out, const bb31 *evals, size_t height, size_t width,
                                       unsigned l_skip, unsigned log_blowup) {
    SWIRL_ARG_CHECK(out != NULL);
    *out = NULL;
    SWIRL_ARG_CHECK(evals != NULL || width == 0);
    SWIRL_TRY(rs_check(height, width, l_skip, log_blowup));
    size_t cells = (height << log_blowup) * (width ? width : 1);
    bb31 *cw = swirl_malloc(cells * sizeof *cw);
    if (!cw)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "rs_code_matrix: out of memory for %zu cells", cells);
    enum swirl_status st = swirl_rs_code_matrix_into(cw, evals, height, width, l_skip, log_blowup);
    if (st != SWIRL_OK) {
        free(cw);
        return st;
    }
    *out = cw;
    return SWIRL_OK;
}

enum swirl_status swirl_rs_code_matrix_into(bb31 *cw, const bb31 *evals, size_t height,
                                            size_t width, unsigned l_skip, unsigned log_blowup) {
    SWIRL_ARG_CHECK(cw != NULL || width == 0);
    SWIRL_ARG_CHECK(evals != NULL || width == 0);
    SWIRL_TRY(rs_check(height, width, l_skip, log_blowup));
    unsigned log_h = swirl_log2_exact(height);
    size_t rs_h = height << log_blowup;
    /* message per column (chunked inverse DFTs, then the monomial-to-hypercube transform per
     * chunk), scattered to bit-reversed positions so the forward NTT (bit-reversed in, natural out)
     * needs no separate permutation pass */
    size_t chunk = (size_t)1 << l_skip, chunks_per_col = height / chunk;
    unsigned log_rs = log_h + log_blowup;
    int oom = 0;
#pragma omp parallel reduction(| : oom)
    {
        bb31 *tmp = swirl_malloc(height * sizeof *tmp);
        if (!tmp)
            oom = 1;
#pragma omp for schedule(dynamic, 1)
        for (long long cc = 0; cc < (long long)width; cc++) {
            if (!tmp)
                continue;
            size_t c = (size_t)cc;
            memcpy(tmp, evals + c * height, height * sizeof *tmp);
            if (swirl_ntt_inverse_chunks(tmp, l_skip, chunks_per_col) != SWIRL_OK) {
                oom = 1;
                continue;
            }
            for (size_t i = 0; i < chunks_per_col; i++)
                swirl_mle_coeffs_to_evals(tmp + i * chunk, chunk);
            /* the message at natural positions, then the (cache-blocked) bit reversal of the
             * whole zero-padded column: the same as scattering message[k] to rev(k) */
            bb31 *dst = cw + c * rs_h;
            memcpy(dst, tmp, height * sizeof *tmp);
            memset(dst + height, 0, (rs_h - height) * sizeof *dst);
            if (swirl_bit_reverse(dst, log_rs, 1, rs_h) != SWIRL_OK)
                oom = 1;
        }
        free(tmp);
    }
    if (oom)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "rs_code_matrix: out of memory");
    return swirl_ntt_forward(cw, log_rs, width, rs_h, bb31_one(), SWIRL_NTT_IN_BITREV);
}
