/* LogUp-GKR fractional sumcheck: prover and verifier (see gkr.h). */
#include "util/alloc.h"
#include "protocol/gkr.h"

#include <stdlib.h>
#include <string.h>

#include "poly/poly_common.h"
#include "util/test_hooks.h"

void swirl_gkr_proof_clear(swirl_gkr_proof *p) {
    if (!p)
        return;
    free(p->claims_per_layer);
    free(p->sumcheck_polys);
    memset(p, 0, sizeof *p);
}

static void observe_claims(swirl_transcript *t, const swirl_gkr_layer_claims *c) {
    swirl_transcript_observe_ext(t, c->p_xi_0);
    swirl_transcript_observe_ext(t, c->q_xi_0);
    swirl_transcript_observe_ext(t, c->p_xi_1);
    swirl_transcript_observe_ext(t, c->q_xi_1);
}

enum swirl_status swirl_gkr_prove(const swirl_backend_ops *ops, swirl_gkr_proof *proof,
                                     bb31x4 *xi_out, swirl_transcript *t, const bb31x4 *p,
                                     const bb31x4 *q, unsigned n) {
    ops = swirl_ops_or_cpu(ops);
    SWIRL_ARG_CHECK(proof != NULL && xi_out != NULL && t != NULL && p != NULL && q != NULL);
    memset(proof, 0, sizeof *proof);
    SWIRL_ARG_CHECK(n >= 1 && n <= 30);
    size_t N = (size_t)1 << n;
    /* fraction tree: node i has children 2i, 2i+1; leaves at N..2N-1 */
    bb31x4 *tp = swirl_malloc(2 * N * sizeof *tp), *tq = swirl_malloc(2 * N * sizeof *tq);
    proof->claims_per_layer = swirl_malloc(n * sizeof *proof->claims_per_layer);
    proof->n_sumcheck_entries = (size_t)n * (n - 1) / 2;
    proof->sumcheck_polys =
        swirl_malloc((proof->n_sumcheck_entries + 1) * sizeof *proof->sumcheck_polys);
    bb31x4 *eq = swirl_malloc(N * sizeof *eq), *cols = swirl_malloc(4 * N * sizeof *cols);
    enum swirl_status st = SWIRL_OK;
    if (!tp || !tq || !proof->claims_per_layer || !proof->sumcheck_polys || !eq || !cols) {
        st = SWIRL_RAISE(SWIRL_E_NOMEM, "GKR: out of memory");
        goto done;
    }
    proof->n_layers = n;
    memcpy(tp + N, p, N * sizeof *tp);
    memcpy(tq + N, q, N * sizeof *tq);
    st = ops->gkr_tree(ops, tp, tq, N);
    if (st != SWIRL_OK)
        goto done;
    if (!bb31x4_is_zero(tp[1]) && !SWIRL_TEST_HOOK(gkr_skip_balance_check)) {
        st = SWIRL_RAISE(SWIRL_E_UNSATISFIED, "LogUp: the interaction fractions do not sum to zero");
        goto done;
    }
    proof->q0_claim = tq[1];
    if (SWIRL_TEST_HOOK(gkr_forge_q0))
        proof->q0_claim = bb31x4_add(proof->q0_claim, bb31x4_one());
    swirl_transcript_observe_ext(t, proof->q0_claim);
    swirl_gkr_layer_claims c0 = {tp[2], tp[3], tq[2], tq[3]};
    if (SWIRL_TEST_HOOK(gkr_forge_root_p0))
        c0.p_xi_0 = bb31x4_add(c0.p_xi_0, bb31x4_one());
    proof->claims_per_layer[0] = c0;
    observe_claims(t, &c0);
    xi_out[0] = swirl_transcript_sample_ext(t);
    size_t entry = 0;
    for (unsigned round = 1; round < n; round++) {
        size_t E = (size_t)1 << round;
        bb31x4 lambda = swirl_transcript_sample_ext(t);
        /* columns p_j0, q_j0, p_j1, q_j1 over x < E from layer round+1 (nodes 2E .. 4E-1) */
        bb31x4 *c_p0 = cols, *c_q0 = cols + E, *c_p1 = cols + 2 * E, *c_q1 = cols + 3 * E;
        for (size_t x = 0; x < E; x++) {
            c_p0[x] = tp[2 * E + 2 * x];
            c_q0[x] = tq[2 * E + 2 * x];
            c_p1[x] = tp[2 * E + 2 * x + 1];
            c_q1[x] = tq[2 * E + 2 * x + 1];
        }
        swirl_evals_eq_hypercube(eq, xi_out, round);
        bb31x4 rho[32];
        size_t len = E;
        for (unsigned sr = 0; sr < round; sr++) {
            bb31x4 s[3];
            st = ops->gkr_layer(ops, s, eq, cols, E, len, lambda);
            if (st != SWIRL_OK)
                goto done;
            for (int i = 0; i < 3; i++) {
                swirl_transcript_observe_ext(t, s[i]);
                proof->sumcheck_polys[entry][i] = s[i];
            }
            entry++;
            bb31x4 r = swirl_transcript_sample_ext(t);
            rho[sr] = r;
            st = ops->sumcheck_fold(ops, eq, 1, len, len, len, r);
            if (st == SWIRL_OK)
                st = ops->sumcheck_fold(ops, cols, 4, E, E, len, r);
            if (st != SWIRL_OK)
                goto done;
            len /= 2;
        }
        swirl_gkr_layer_claims c = {c_p0[0], c_p1[0], c_q0[0], c_q1[0]};
        proof->claims_per_layer[round] = c;
        observe_claims(t, &c);
        bb31x4 mu = swirl_transcript_sample_ext(t);
        xi_out[0] = mu;
        for (unsigned i = 0; i < round; i++)
            xi_out[1 + i] = rho[i];
    }
done:
    free(tp);
    free(tq);
    free(eq);
    free(cols);
    if (st != SWIRL_OK)
        swirl_gkr_proof_clear(proof);
    return st;
}

enum swirl_status swirl_gkr_verify(bb31x4 *numer, bb31x4 *denom, bb31x4 *r,
                                   const swirl_gkr_proof *proof, swirl_transcript *t, unsigned n) {
    SWIRL_ARG_CHECK(numer != NULL && denom != NULL && r != NULL && proof != NULL && t != NULL);
    SWIRL_ARG_CHECK(n >= 1 && n <= 30);
    if (proof->n_layers != n || !proof->claims_per_layer)
        return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "GKR proof has %zu layers, expected %u",
                           proof->n_layers, n);
    if (proof->n_sumcheck_entries != (size_t)n * (n - 1) / 2 ||
        (proof->n_sumcheck_entries && !proof->sumcheck_polys))
        return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "GKR proof has %zu sumcheck entries, expected %zu",
                           proof->n_sumcheck_entries, (size_t)n * (n - 1) / 2);
    swirl_transcript_observe_ext(t, proof->q0_claim);
    const swirl_gkr_layer_claims *c = &proof->claims_per_layer[0];
    observe_claims(t, c);
    bb31x4 pc = bb31x4_add(bb31x4_mul(c->p_xi_0, c->q_xi_1), bb31x4_mul(c->p_xi_1, c->q_xi_0));
    bb31x4 qc = bb31x4_mul(c->q_xi_0, c->q_xi_1);
    if (!bb31x4_is_zero(pc))
        return SWIRL_RAISE(SWIRL_E_PROOF_REJECTED, "GKR: the root numerator is not zero");
    if (!bb31x4_eq(qc, proof->q0_claim))
        return SWIRL_RAISE(SWIRL_E_PROOF_REJECTED, "GKR: root denominator mismatch");
    bb31x4 mu = swirl_transcript_sample_ext(t);
    bb31x4 e01[2] = {c->p_xi_0, c->p_xi_1}, f01[2] = {c->q_xi_0, c->q_xi_1};
    bb31x4 nc = swirl_interpolate_linear_at_01(e01, mu), dc = swirl_interpolate_linear_at_01(f01, mu);
    r[0] = mu;
    size_t entry = 0;
    for (unsigned round = 1; round < n; round++) {
        bb31x4 lambda = swirl_transcript_sample_ext(t);
        bb31x4 claim = bb31x4_add(nc, bb31x4_mul(lambda, dc));
        bb31x4 eq = bb31x4_one(), rp[32];
        for (unsigned sr = 0; sr < round; sr++, entry++) {
            const bb31x4 *ev = proof->sumcheck_polys[entry];
            for (int i = 0; i < 3; i++)
                swirl_transcript_observe_ext(t, ev[i]);
            bb31x4 ri = swirl_transcript_sample_ext(t);
            rp[sr] = ri;
            bb31x4 all[4] = {bb31x4_sub(claim, ev[0]), ev[0], ev[1], ev[2]};
            claim = swirl_interpolate_cubic_at_0123(all, ri);
            bb31x4 xi = r[sr];
            eq = bb31x4_mul(eq, bb31x4_add(bb31x4_mul(xi, ri),
                                           bb31x4_mul(bb31x4_sub(bb31x4_one(), xi),
                                                      bb31x4_sub(bb31x4_one(), ri))));
        }
        c = &proof->claims_per_layer[round];
        observe_claims(t, c);
        pc = bb31x4_add(bb31x4_mul(c->p_xi_0, c->q_xi_1), bb31x4_mul(c->p_xi_1, c->q_xi_0));
        qc = bb31x4_mul(c->q_xi_0, c->q_xi_1);
        bb31x4 expected = bb31x4_mul(bb31x4_add(pc, bb31x4_mul(lambda, qc)), eq);
        if (!bb31x4_eq(expected, claim))
            return SWIRL_RAISE(SWIRL_E_PROOF_REJECTED, "GKR: layer %u consistency check failed", round);
        mu = swirl_transcript_sample_ext(t);
        bb31x4 a01[2] = {c->p_xi_0, c->p_xi_1}, b01[2] = {c->q_xi_0, c->q_xi_1};
        nc = swirl_interpolate_linear_at_01(a01, mu);
        dc = swirl_interpolate_linear_at_01(b01, mu);
        r[0] = mu;
        for (unsigned i = 0; i < round; i++)
            r[1 + i] = rp[i];
    }
    *numer = nc;
    *denom = dc;
    return SWIRL_OK;
}
