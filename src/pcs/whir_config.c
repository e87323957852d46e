/* WHIR round plan and soundness calculation (see whir_config.h). Each f64 expression keeps the
 * operand order of OpenVM's Rust (left to right, same grouping); f64::min/max are fmin/fmax (both
 * return the other operand when one is NaN), clamp is written out, `as usize` saturates. */
#include "pcs/whir_config.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "field/bb31.h"

double swirl_whir_base_field_order(void) {
    return (double)BB31_P;
}

double swirl_whir_challenge_field_bits(void) {
    return 4.0 * log2(swirl_whir_base_field_order());
}

swirl_whir_regime swirl_whir_regime_in_round(swirl_whir_proximity strategy, size_t round) {
    swirl_whir_regime r = {0, 0};
    if (strategy.kind == SWIRL_PROXIMITY_LIST_DECODING ||
        (strategy.kind == SWIRL_PROXIMITY_SPLIT_UNIQUE_LIST &&
         round >= strategy.list_start_round)) {
        r.list = 1;
        r.m = strategy.m;
    }
    return r;
}

/* f64::clamp(lo, hi) for lo <= hi: NaN stays NaN */
static double clamp_f64(double x, double lo, double hi) {
    if (x < lo)
        x = lo;
    if (x > hi)
        x = hi;
    return x;
}

/* `f as usize`: NaN -> 0, saturating at both ends */
static size_t f64_to_usize(double x) {
    if (!(x > 0.0))
        return 0;
    if (x >= 18446744073709551616.0)
        return SIZE_MAX;
    return (size_t)x;
}

double swirl_whir_max_agreement(swirl_whir_regime regime, size_t log_inv_rate) {
    double rho = pow(2.0, -((double)log_inv_rate));
    double a;
    if (!regime.list) {
        a = (1.0 + rho) / 2.0;
    } else {
        double m = (double)(regime.m > 1 ? regime.m : 1);
        a = sqrt(rho) * (1.0 + 1.0 / (2.0 * m));
    }
    return clamp_f64(a, DBL_MIN, 1.0);
}

double swirl_whir_query_security_bits(swirl_whir_regime regime, size_t num_queries,
                                      size_t log_inv_rate) {
    return -((double)num_queries) * log2(swirl_whir_max_agreement(regime, log_inv_rate));
}

size_t swirl_whir_num_queries(swirl_whir_regime regime, size_t protocol_security_level,
                              size_t log_inv_rate) {
    double per_query_bits = swirl_whir_query_security_bits(regime, 1, log_inv_rate);
    double num_queries_f = (double)protocol_security_level / per_query_bits;
    return f64_to_usize(ceil(num_queries_f));
}

enum swirl_status swirl_whir_plan_init(swirl_whir_plan *out, const swirl_system_params *params) {
    SWIRL_ARG_CHECK(out != NULL);
    memset(out, 0, sizeof *out);
    SWIRL_ARG_CHECK(params != NULL);
    const swirl_whir_config *w = &params->whir;
    size_t m = params->l_skip + params->n_stack, k = w->k, R = w->num_rounds;
    if (k == 0 || R == 0 || R > SWIRL_WHIR_MAX_ROUNDS)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "WHIR plan: k = %zu, %zu rounds", k, R);
    if (R > m / k)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                           "WHIR plan: %zu rounds of %zu folds exceed the %zu variables", R, k, m);
    if (m + params->log_blowup > BB31_TWO_ADICITY)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "WHIR plan: RS domain 2^%zu exceeds 2^%d",
                           m + params->log_blowup, BB31_TWO_ADICITY);
    out->m = m;
    out->k = k;
    out->num_rounds = R;
    out->num_sumcheck_rounds = R * k;
    out->log_final_poly_len = m - R * k;
    out->final_poly_len = (size_t)1 << out->log_final_poly_len;
    out->mu_pow_bits = w->mu_pow_bits;
    out->folding_pow_bits = w->folding_pow_bits;
    out->query_pow_bits = w->query_phase_pow_bits;
    for (size_t r = 0; r < R; r++) {
        swirl_whir_round_plan *p = &out->rounds[r];
        p->log_degree = m - r * k;
        p->log_inv_rate = params->log_blowup + r * (k - 1);
        p->log_rs_domain = m + params->log_blowup - r;
        p->log_query_domain = p->log_rs_domain - k;
        p->num_queries = w->num_queries[r];
        p->num_ood = r + 1 < R ? 1 : 0;
        p->log_next_codeword = r + 1 < R ? p->log_rs_domain - 1 : 0;
        p->regime = swirl_whir_regime_in_round(w->proximity, r);
    }
    return SWIRL_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Soundness (soundness/calculator.rs) */

/* log2(2^x + 2^y), stable */
static double log2_add(double log2_x, double log2_y) {
    if (isinf(log2_x) && log2_x > 0)
        return log2_x;
    if (isinf(log2_y) && log2_y > 0)
        return log2_y;
    if (isnan(log2_x) || isnan(log2_y))
        return NAN;
    double hi = log2_x >= log2_y ? log2_x : log2_y, lo = log2_x >= log2_y ? log2_y : log2_x;
    double ratio = exp2(lo - hi);
    return hi + log2(1.0 + ratio);
}

/* -log2(2^-a + 2^-b) */
static double combine_security_bits(double bits_a, double bits_b) {
    if (isinf(bits_a) && bits_a > 0)
        return bits_b;
    if (isinf(bits_b) && bits_b > 0)
        return bits_a;
    if (isnan(bits_a) || isnan(bits_b))
        return NAN;
    return -log2_add(-bits_a, -bits_b);
}

/* (P(heavy residue), P(light residue), number of heavy residues) of sample_bits(n) over F_p */
static void sample_bits_residue_probs(double num_sampled_bits, double p, double *p_hi, double *p_lo,
                                      double *r) {
    double two_pow_n = exp2(num_sampled_bits);
    double c = floor(p / two_pow_n);
    *r = p - c * two_pow_n;
    *p_hi = (c + 1.0) / p;
    *p_lo = c / p;
}

double swirl_whir_effective_pow_bits(size_t pow_bits, double base_field_order) {
    if (pow_bits == 0)
        return 0.0;
    double p_hi, p_lo, r;
    sample_bits_residue_probs((double)pow_bits, base_field_order, &p_hi, &p_lo, &r);
    return -log2(p_hi);
}

static double whir_query_security_biased(swirl_whir_regime regime, size_t num_queries,
                                         size_t log_inv_rate, size_t log_query_domain,
                                         double base_field_order) {
    double alpha = swirl_whir_max_agreement(regime, log_inv_rate);
    double p_hi, p_lo, r;
    sample_bits_residue_probs((double)log_query_domain, base_field_order, &p_hi, &p_lo, &r);
    double big_n = exp2((double)log_query_domain);
    double heavy_used = fmin(alpha * big_n, r);
    double mass = clamp_f64(alpha * (1.0 - r / base_field_order) + heavy_used / base_field_order,
                            DBL_MIN, 1.0);
    return -((double)num_queries) * log2(mass);
}

/* BCHKS25 Lemma 3.1 closed-form degrees: log2 of (D_X, D_Y, D_Z) */
static void bchks25_reference_log2_degrees(size_t log_degree, size_t log_inv_rate, size_t m,
                                           double *dx, double *dy, double *dz) {
    double m_bar = (double)(m > 1 ? m : 1) + 0.5;
    double log2_m_bar = log2(m_bar);
    double log2_n = (double)(log_degree + log_inv_rate);
    double log2_3 = log2(3.0);
    double log2_rho = -((double)log_inv_rate);
    *dx = log2_m_bar + log2_n + 0.5 * log2_rho;
    *dy = log2_m_bar - 0.5 * log2_rho;
    double d_z = 2.0 * log2_m_bar - log2_3 - log2_rho;
    *dz = fmax(*dy, d_z);
}

/* Equation (13): a > 2 D_X D_Y^2 D_Z + agreement_term D_Y, in log2 */
static double bchks25_log2_a_from_log2_degrees(double dx, double dy, double dz, double agreement) {
    double log2_term_poly = 1.0 + dx + 2.0 * dy + dz;
    double log2_term_gamma = dy + agreement;
    return log2_add(log2_term_poly, log2_term_gamma);
}

/* (log2(a_bound), log2(list size)); both +inf outside the theorem's regime */
static void log2_a_bound_bchks25(size_t log_degree, size_t log_inv_rate, size_t m, double *log2_a,
                                 double *log2_list) {
    *log2_a = INFINITY;
    *log2_list = INFINITY;
    size_t m_eff = m > 1 ? m : 1;
    double log2_rho = -((double)log_inv_rate);
    double rho = exp2(log2_rho);
    if (rho <= 0.0 || !isfinite(rho))
        return;
    if (m_eff == 1 && rho >= (4.0 / 9.0))
        return;
    double sqrt_rho = sqrt(rho);
    double eta = sqrt_rho / (2.0 * (double)m_eff);
    double gamma = 1.0 - sqrt_rho - eta;
    if (eta <= 0.0 || gamma <= 0.0 || gamma >= 1.0 - sqrt_rho)
        return;
    double log2_n = (double)(log_degree + log_inv_rate);
    double dx, dy, dz;
    bchks25_reference_log2_degrees(log_degree, log_inv_rate, m_eff, &dx, &dy, &dz);
    double log2_gamma_n_plus_1 = log2_add(log2(gamma) + log2_n, 0.0);
    double log2_a_real = bchks25_log2_a_from_log2_degrees(dx, dy, dz, log2_gamma_n_plus_1);
    if (!isfinite(log2_a_real))
        return;
    log2_a_real = fmax(log2_a_real, 0.0);
    double a = exp2(log2_a_real);
    double a_bound = fmax(ceil(a), 1.0);
    *log2_a = log2(a_bound);
    *log2_list = dy;
}

swirl_whir_proximity_gap swirl_whir_proximity_gap_security(swirl_whir_regime regime,
                                                           double challenge_field_bits,
                                                           size_t log_degree, size_t log_inv_rate,
                                                           size_t batch_size) {
    swirl_whir_proximity_gap g;
    double log2_batch = log2((double)(batch_size - (batch_size > 0)));
    if (!regime.list) {
        g.log2_err = challenge_field_bits - log2_batch - (double)log_degree - (double)log_inv_rate;
        g.log2_list_size = 0.0;
    } else {
        double log2_a, log2_list;
        log2_a_bound_bchks25(log_degree, log_inv_rate, regime.m, &log2_a, &log2_list);
        g.log2_err = challenge_field_bits - log2_batch - log2_a;
        g.log2_list_size = log2_list;
    }
    return g;
}

double swirl_whir_log2_pcs_list_size(swirl_whir_proximity strategy, size_t log_stacked_height,
                                     size_t log_blowup, size_t w_stack) {
    return swirl_whir_proximity_gap_security(swirl_whir_regime_in_round(strategy, 0),
                                             swirl_whir_challenge_field_bits(), log_stacked_height,
                                             log_blowup, w_stack)
        .log2_list_size;
}

/* d * list / |F| with d = 3 */
static double whir_sumcheck_security(double base_field_order, double challenge_field_bits,
                                     size_t folding_pow_bits, double log2_list_size) {
    double sumcheck_degree = 3.0;
    return challenge_field_bits - log2(sumcheck_degree) - log2_list_size +
           swirl_whir_effective_pow_bits(folding_pow_bits, base_field_order);
}

/* 2^(m_i - 1) list^2 / |F| */
static double whir_ood_security(double log2_list_size, double challenge_field_bits,
                                size_t log_degree_at_round_start) {
    double base_bits = challenge_field_bits - (double)log_degree_at_round_start + 1.0;
    return base_bits - 2.0 * log2_list_size;
}

/* list * t / |F| */
static double whir_gamma_batching_security(double challenge_field_bits, size_t batch_size,
                                           double log2_list_size) {
    return challenge_field_bits - log2((double)batch_size) - log2_list_size;
}

enum swirl_status swirl_whir_soundness_calc(swirl_whir_soundness *out,
                                            const swirl_system_params *params,
                                            double base_field_order, double challenge_field_bits,
                                            size_t num_stacked_columns) {
    SWIRL_ARG_CHECK(out != NULL);
    memset(out, 0, sizeof *out);
    SWIRL_ARG_CHECK(params != NULL);
    if (num_stacked_columns < 2)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                           "WHIR soundness: mu batching needs at least 2 stacked columns, got %zu",
                           num_stacked_columns);
    swirl_whir_plan plan;
    SWIRL_TRY(swirl_whir_plan_init(&plan, params));
    const swirl_whir_config *w = &params->whir;
    size_t k = w->k, log_stacked_height = params->l_skip + params->n_stack;
    double min_query = INFINITY, min_prox = INFINITY, min_sumcheck = INFINITY;
    double min_ood = INFINITY, min_gamma = INFINITY, min_fold = INFINITY, min_shift = INFINITY;

    swirl_whir_proximity_gap mu = swirl_whir_proximity_gap_security(
        swirl_whir_regime_in_round(w->proximity, 0), challenge_field_bits, log_stacked_height,
        params->log_blowup, num_stacked_columns);
    double mu_batching_bits =
        mu.log2_err + swirl_whir_effective_pow_bits(w->mu_pow_bits, base_field_order);
    double min_rbr = mu_batching_bits;
    size_t log_inv_rate = params->log_blowup, cur = log_stacked_height;
    for (size_t round = 0; round < w->num_rounds; round++) {
        swirl_whir_regime regime = swirl_whir_regime_in_round(w->proximity, round);
        int is_final = round == w->num_rounds - 1;
        size_t next_rate = log_inv_rate + (k - 1);
        int have_list = 0;
        double log2_list = 0.0;
        for (size_t s = 0; s < k; s++) {
            cur -= 1;
            swirl_whir_proximity_gap pg = swirl_whir_proximity_gap_security(
                regime, challenge_field_bits, cur, log_inv_rate, 2);
            if (!have_list) {
                log2_list = pg.log2_list_size;
                have_list = 1;
            }
            double prox_bits =
                pg.log2_err + swirl_whir_effective_pow_bits(w->folding_pow_bits, base_field_order);
            min_prox = fmin(min_prox, prox_bits);
            double sumcheck_bits = whir_sumcheck_security(base_field_order, challenge_field_bits,
                                                          w->folding_pow_bits, log2_list);
            min_sumcheck = fmin(min_sumcheck, sumcheck_bits);
            double fold_bits = combine_security_bits(sumcheck_bits, prox_bits);
            min_fold = fmin(min_fold, fold_bits);
            min_rbr = fmin(min_rbr, fold_bits);
        }
        size_t log_query_domain = cur + log_inv_rate;
        double query_bits =
            whir_query_security_biased(regime, w->num_queries[round], log_inv_rate,
                                       log_query_domain, base_field_order) +
            swirl_whir_effective_pow_bits(w->query_phase_pow_bits, base_field_order);
        min_query = fmin(min_query, query_bits);
        double next_list =
            swirl_whir_proximity_gap_security(swirl_whir_regime_in_round(w->proximity, round + 1),
                                              challenge_field_bits, cur, next_rate, 2)
                .log2_list_size;
        size_t batch_size = w->num_queries[round] + 1; /* one OOD sample */
        double gamma_bits =
            whir_gamma_batching_security(challenge_field_bits, batch_size, next_list);
        min_gamma = fmin(min_gamma, gamma_bits);
        double shift_bits = combine_security_bits(query_bits, gamma_bits);
        min_shift = fmin(min_shift, shift_bits);
        min_rbr = fmin(min_rbr, shift_bits);
        if (!is_final) {
            double ood_bits = whir_ood_security(next_list, challenge_field_bits, cur);
            min_ood = fmin(min_ood, ood_bits);
            min_rbr = fmin(min_rbr, ood_bits);
        }
        log_inv_rate = next_rate;
    }
    out->mu_batching_bits = mu_batching_bits;
    out->fold_rbr_bits = min_fold;
    out->ood_rbr_bits = min_ood;
    out->shift_rbr_bits = min_shift;
    out->query_bits = min_query;
    out->proximity_gaps_bits = min_prox;
    out->sumcheck_bits = min_sumcheck;
    out->gamma_batching_bits = min_gamma;
    out->total_bits = min_rbr;
    return SWIRL_OK;
}
