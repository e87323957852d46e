/* The LogUp-GKR prover on the GPU with swirl_gkr_prove's result (see gkr_cuda.h). */
#include "protocol/gkr_cuda.h"

#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/test_hooks.h"

enum swirl_status swirl_gkr_proof_from_device_buffer(swirl_gkr_proof *proof, bb31x4 *xi_out,
                                                     const bb31x4 *buf, unsigned n) {
    SWIRL_ARG_CHECK(proof != NULL && xi_out != NULL && buf != NULL);
    memset(proof, 0, sizeof *proof);
    SWIRL_ARG_CHECK(n >= 1 && n <= SWIRL_GKR_MAX_LAYERS);
    if (!bb31x4_is_zero(buf[1]) && !SWIRL_TEST_HOOK(gkr_skip_balance_check))
        return SWIRL_RAISE(SWIRL_E_UNSATISFIED,
                           "LogUp: the interaction fractions do not sum to zero");
    size_t entries = (size_t)n * (n - 1) / 2;
    proof->claims_per_layer = swirl_malloc(n * sizeof *proof->claims_per_layer);
    proof->sumcheck_polys = swirl_malloc((entries + 1) * sizeof *proof->sumcheck_polys);
    if (!proof->claims_per_layer || !proof->sumcheck_polys) {
        swirl_gkr_proof_clear(proof);
        return SWIRL_RAISE(SWIRL_E_NOMEM, "GKR: out of memory");
    }
    proof->n_layers = n;
    proof->n_sumcheck_entries = entries;
    proof->q0_claim = buf[0];
    for (unsigned j = 0; j < n; j++) {
        const bb31x4 *c = buf + swirl_gkr_off_claims(j);
        swirl_gkr_layer_claims lc = {c[0], c[1], c[2], c[3]};
        proof->claims_per_layer[j] = lc;
    }
    const bb31x4 *polys = buf + swirl_gkr_off_polys(n);
    for (size_t e = 0; e < entries; e++)
        for (int i = 0; i < 3; i++)
            proof->sumcheck_polys[e][i] = polys[3 * e + i];
    memcpy(xi_out, buf + swirl_gkr_off_xi(n), n * sizeof *xi_out);
    return SWIRL_OK;
}

enum swirl_status swirl_gkr_prove_cuda(swirl_cuda_ctx *ctx, swirl_gkr_proof *proof,
                                       bb31x4 *xi_out, swirl_transcript *d_t, const bb31x4 *d_p,
                                       const bb31x4 *d_q, unsigned n) {
    SWIRL_ARG_CHECK(proof != NULL && xi_out != NULL);
    memset(proof, 0, sizeof *proof);
    SWIRL_ARG_CHECK(n >= 1 && n <= SWIRL_GKR_MAX_LAYERS);
    size_t len = swirl_gkr_proof_len(n);
    bb31x4 *buf = swirl_malloc(len * sizeof *buf);
    if (!buf)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "GKR: out of memory (proof buffer of %zu values)", len);
    enum swirl_status st = swirl_cuda_gkr_prove(ctx, buf, d_t, d_p, d_q, n);
    if (st == SWIRL_OK)
        st = swirl_gkr_proof_from_device_buffer(proof, xi_out, buf, n);
    free(buf);
    return st;
}
