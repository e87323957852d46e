/* The rap_constraints stage's shape plan and device proof-buffer layout (see rap_plan.h). */
#include "prover/rap_plan.h"

#include <stdlib.h>
#include <string.h>

#include "protocol/logup.h"
#include "util/alloc.h"

void swirl_rap_plan_clear(swirl_rap_plan *plan) {
    if (!plan)
        return;
    free(plan->openings_per_trace);
    memset(plan, 0, sizeof *plan);
}

static swirl_rap_span take(size_t *cursor, size_t len) {
    swirl_rap_span s = {*cursor, len};
    *cursor += len;
    return s;
}

/* The per-trace quantities: opened values (every view's columns, twice with the rotation), the
 * traces' bytes, the folded tables' bytes and the LogUp rows. */
static enum swirl_status scan(swirl_rap_plan *plan, const swirl_zc_params *zp,
                              const swirl_air_instance *traces, size_t n) {
    size_t prev_h = 0;
    for (size_t i = 0; i < n; i++) {
        const swirl_air *air = traces[i].air;
        size_t h = traces[i].height;
        if (!air || h == 0 || (h & (h - 1)) != 0)
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                               "rap plan: trace %zu height %zu is not a power of "
                               "two",
                               i, h);
        if (i > 0 && h > prev_h)
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                               "rap plan: traces not sorted by height "
                               "(trace %zu is taller than trace %zu)",
                               i, i - 1);
        prev_h = h;
        if (air->max_degree > zp->max_constraint_degree)
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "AIR %s degree %u exceeds %u", air->name,
                               air->max_degree, zp->max_constraint_degree);
        size_t width = air->preprocessed_width + air->common_width;
        for (size_t c = 0; c < air->n_cached; c++)
            width += air->cached_widths[c];
        size_t views = swirl_zc_need_rot(air) ? 2 : 1;
        plan->openings_per_trace[i] = width * views;
        plan->n_openings += width * views;
        unsigned lh = swirl_log2_exact(h);
        size_t L = h > ((size_t)1 << zp->l_skip) ? h : ((size_t)1 << zp->l_skip);
        size_t lifted = lh > zp->l_skip ? ((size_t)1 << (lh - zp->l_skip)) : 1;
        plan->trace_bytes += width * h * sizeof(bb31);
        plan->fold_bytes += (width * views + 3) * (lifted + 1) * sizeof(bb31x4);
        plan->interaction_rows += (uint64_t)air->n_interactions << swirl_log2_exact(L);
        if (i == 0)
            plan->n_max = lh > zp->l_skip ? lh - zp->l_skip : 0;
    }
    return SWIRL_OK;
}

enum swirl_status swirl_rap_plan_make(swirl_rap_plan *plan, const swirl_zc_params *zp,
                                      const swirl_air_instance *traces, size_t n) {
    SWIRL_ARG_CHECK(plan && zp && traces && n > 0);
    memset(plan, 0, sizeof *plan);
    SWIRL_ARG_CHECK(zp->l_skip >= 1 && zp->l_skip <= 8 && zp->max_constraint_degree >= 1);
    plan->openings_per_trace = swirl_calloc(n, sizeof *plan->openings_per_trace);
    if (!plan->openings_per_trace)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    plan->n_traces = n;
    plan->l_skip = zp->l_skip;
    plan->G = zp->max_constraint_degree;
    enum swirl_status st = scan(plan, zp, traces, n);
    if (st != SWIRL_OK) {
        swirl_rap_plan_clear(plan);
        return st;
    }
    size_t N = (size_t)1 << plan->l_skip;
    plan->n_logup = swirl_calculate_n_logup(plan->l_skip, plan->interaction_rows);
    plan->gkr_layers = plan->interaction_rows ? plan->l_skip + plan->n_logup : 0;
    plan->s_deg = plan->G + 1;
    plan->s0deg = (plan->G + 1) * (N - 1);
    plan->n_xi = plan->l_skip + (plan->n_max > plan->n_logup ? plan->n_max : plan->n_logup);
    size_t L = plan->gkr_layers, cur = 0;
    plan->logup_pow = take(&cur, 1);
    plan->q0_claim = take(&cur, 1);
    plan->gkr_claims = take(&cur, 4 * L);
    plan->gkr_polys = take(&cur, L ? 3 * (L * (L - 1) / 2) : 0);
    plan->numerator_terms = take(&cur, n);
    plan->denominator_terms = take(&cur, n);
    plan->univariate = take(&cur, plan->s0deg + 1);
    plan->mle_polys = take(&cur, plan->n_max * plan->s_deg);
    plan->openings = take(&cur, plan->n_openings);
    plan->r = take(&cur, plan->n_max + 1);
    plan->buffer_len = cur;
    plan->gkr_bytes = L ? ((size_t)2 * 2 << L) * sizeof(bb31x4) : 0;
    /* round 0: the points' Lagrange weights (G N x N), one trace's sums (3 G N) */
    plan->round0_bytes = (plan->G * N * N) * sizeof(bb31) + 3 * plan->G * N * sizeof(bb31x4);
    return SWIRL_OK;
}

#define SHAPE(cond, what)                                                                          \
    do {                                                                                           \
        if (!(cond))                                                                               \
            return SWIRL_RAISE(SWIRL_E_INTERNAL, "rap proof buffer: %s differs from the plan",     \
                               what);                                                              \
    } while (0)

enum swirl_status swirl_rap_proof_pack(const swirl_rap_plan *plan, const swirl_gkr_proof *gkr,
                                       const swirl_batch_proof *proof, const bb31x4 *r,
                                       bb31x4 *buf) {
    SWIRL_ARG_CHECK(plan && gkr && proof && r && buf);
    size_t L = plan->gkr_layers, n = plan->n_traces;
    SHAPE(gkr->n_layers == L, "the number of GKR layers");
    SHAPE(gkr->n_sumcheck_entries * 3 == plan->gkr_polys.len, "the GKR sumcheck rounds");
    SHAPE(proof->n_traces == n, "the number of traces");
    SHAPE(proof->n_univariate == plan->univariate.len, "round 0's polynomial");
    SHAPE(proof->n_rounds == plan->n_max && proof->s_deg == plan->s_deg, "the multilinear rounds");
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        SHAPE(proof->openings_per_trace[i] == plan->openings_per_trace[i], "a trace's openings");
        total += proof->openings_per_trace[i];
    }
    SHAPE(total == plan->openings.len, "the openings");
    memset(buf, 0, plan->buffer_len * sizeof *buf);
    buf[plan->logup_pow.off].c[0] = gkr->logup_pow_witness;
    buf[plan->q0_claim.off] = gkr->q0_claim;
    for (size_t j = 0; j < L; j++) {
        const swirl_gkr_layer_claims *c = &gkr->claims_per_layer[j];
        bb31x4 *o = buf + plan->gkr_claims.off + 4 * j;
        o[0] = c->p_xi_0;
        o[1] = c->p_xi_1;
        o[2] = c->q_xi_0;
        o[3] = c->q_xi_1;
    }
    for (size_t e = 0; e < gkr->n_sumcheck_entries; e++)
        memcpy(buf + plan->gkr_polys.off + 3 * e, gkr->sumcheck_polys[e], 3 * sizeof(bb31x4));
    memcpy(buf + plan->numerator_terms.off, proof->numerator_term_per_air, n * sizeof(bb31x4));
    memcpy(buf + plan->denominator_terms.off, proof->denominator_term_per_air, n * sizeof(bb31x4));
    memcpy(buf + plan->univariate.off, proof->univariate_round_coeffs,
           plan->univariate.len * sizeof(bb31x4));
    if (plan->mle_polys.len)
        memcpy(buf + plan->mle_polys.off, proof->sumcheck_round_polys,
               plan->mle_polys.len * sizeof(bb31x4));
    memcpy(buf + plan->openings.off, proof->openings, plan->openings.len * sizeof(bb31x4));
    memcpy(buf + plan->r.off, r, plan->r.len * sizeof(bb31x4));
    return SWIRL_OK;
}

enum swirl_status swirl_rap_proof_unpack(const swirl_rap_plan *plan, const bb31x4 *buf,
                                         swirl_gkr_proof *gkr, swirl_batch_proof *proof,
                                         bb31x4 *r) {
    SWIRL_ARG_CHECK(plan && buf && gkr && proof && r);
    memset(gkr, 0, sizeof *gkr);
    memset(proof, 0, sizeof *proof);
    size_t L = plan->gkr_layers, n = plan->n_traces, entries = plan->gkr_polys.len / 3;
    gkr->claims_per_layer = swirl_malloc((L + 1) * sizeof *gkr->claims_per_layer);
    gkr->sumcheck_polys = swirl_malloc((entries + 1) * sizeof *gkr->sumcheck_polys);
    proof->numerator_term_per_air = swirl_malloc(n * sizeof(bb31x4));
    proof->denominator_term_per_air = swirl_malloc(n * sizeof(bb31x4));
    proof->univariate_round_coeffs = swirl_malloc(plan->univariate.len * sizeof(bb31x4));
    proof->sumcheck_round_polys = swirl_malloc((plan->mle_polys.len + 1) * sizeof(bb31x4));
    proof->openings = swirl_malloc((plan->openings.len + 1) * sizeof(bb31x4));
    proof->openings_per_trace = swirl_malloc(n * sizeof(size_t));
    if (!gkr->claims_per_layer || !gkr->sumcheck_polys || !proof->numerator_term_per_air ||
        !proof->denominator_term_per_air || !proof->univariate_round_coeffs ||
        !proof->sumcheck_round_polys || !proof->openings || !proof->openings_per_trace) {
        swirl_gkr_proof_clear(gkr);
        swirl_batch_proof_clear(proof);
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    }
    gkr->logup_pow_witness = buf[plan->logup_pow.off].c[0];
    gkr->q0_claim = buf[plan->q0_claim.off];
    gkr->n_layers = L;
    for (size_t j = 0; j < L; j++) {
        const bb31x4 *o = buf + plan->gkr_claims.off + 4 * j;
        swirl_gkr_layer_claims c = {o[0], o[1], o[2], o[3]};
        gkr->claims_per_layer[j] = c;
    }
    gkr->n_sumcheck_entries = entries;
    for (size_t e = 0; e < entries; e++)
        memcpy(gkr->sumcheck_polys[e], buf + plan->gkr_polys.off + 3 * e, 3 * sizeof(bb31x4));
    proof->n_traces = n;
    memcpy(proof->numerator_term_per_air, buf + plan->numerator_terms.off, n * sizeof(bb31x4));
    memcpy(proof->denominator_term_per_air, buf + plan->denominator_terms.off, n * sizeof(bb31x4));
    proof->n_univariate = plan->univariate.len;
    memcpy(proof->univariate_round_coeffs, buf + plan->univariate.off,
           plan->univariate.len * sizeof(bb31x4));
    proof->n_rounds = plan->n_max;
    proof->s_deg = plan->s_deg;
    if (plan->mle_polys.len)
        memcpy(proof->sumcheck_round_polys, buf + plan->mle_polys.off,
               plan->mle_polys.len * sizeof(bb31x4));
    memcpy(proof->openings, buf + plan->openings.off, plan->openings.len * sizeof(bb31x4));
    memcpy(proof->openings_per_trace, plan->openings_per_trace, n * sizeof(size_t));
    memcpy(r, buf + plan->r.off, plan->r.len * sizeof(bb31x4));
    return SWIRL_OK;
}
