/* SystemParams / WhirConfig / LogUp parameter derivations (see swirl_params.h). The floating-point
 * expressions keep OpenVM's operation order so results round the same way. */
#include <math.h>
#include <string.h>

#include "pcs/whir_config.h"
#include "swirl/swirl_params.h"
#include "util/common.h"

#define BABYBEAR_ORDER 2013265921.0

enum swirl_status swirl_whir_config_init(swirl_whir_config *out, size_t log_blowup,
                                         size_t log_stacked_height, size_t k,
                                         size_t log_final_poly_len, size_t query_phase_pow_bits,
                                         swirl_whir_proximity proximity, size_t folding_pow_bits,
                                         size_t mu_pow_bits, size_t security_bits) {
    SWIRL_ARG_CHECK(out != NULL);
    memset(out, 0, sizeof *out);
    SWIRL_ARG_CHECK(k > 0 && k <= 16);
    SWIRL_ARG_CHECK(proximity.kind <= SWIRL_PROXIMITY_LIST_DECODING);
    size_t level = security_bits > query_phase_pow_bits ? security_bits - query_phase_pow_bits : 0;
    size_t span = log_stacked_height > log_final_poly_len ? log_stacked_height - log_final_poly_len : 0;
    size_t rounds = (span + k - 1) / k;
    if (rounds > SWIRL_WHIR_MAX_ROUNDS)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "WHIR: %zu rounds exceed the maximum %d", rounds,
                           SWIRL_WHIR_MAX_ROUNDS);
    size_t rate = log_blowup;
    for (size_t r = 0; r < rounds; r++) {
        out->num_queries[r] = swirl_whir_num_queries(swirl_whir_regime_in_round(proximity, r), level, rate);
        rate = rate + (k - 1);
    }
    out->k = k;
    out->num_rounds = rounds;
    out->mu_pow_bits = mu_pow_bits;
    out->query_phase_pow_bits = query_phase_pow_bits;
    out->folding_pow_bits = folding_pow_bits;
    out->proximity = proximity;
    return SWIRL_OK;
}

size_t swirl_whir_log_final_poly_len(const swirl_whir_config *w, size_t log_stacked_height) {
    return log_stacked_height - w->num_rounds * w->k;
}

swirl_logup_params swirl_logup_params_baby_bear_100_bits(double log2_pcs_list_size) {
    swirl_logup_params p;
    double challenge_bits = 4.0 * log2(BABYBEAR_ORDER);
    p.max_interaction_count = 2013265921u;
    p.log_max_message_length = 7;
    double security = challenge_bits - log2(2.0 * (double)p.max_interaction_count) -
                      (double)p.log_max_message_length - log2_pcs_list_size;
    double need = ceil(100.0 - security);
    size_t bits = need > 0.0 ? (size_t)need : 0;
    p.pow_bits = bits > 18 ? bits : 18;
    return p;
}

enum swirl_status swirl_params_100_bits(swirl_system_params *out, size_t log_blowup, size_t l_skip,
                                        size_t n_stack, size_t w_stack, size_t folding_pow_bits,
                                        size_t mu_pow_bits, swirl_whir_proximity proximity,
                                        size_t max_constraint_degree, size_t query_phase_pow_bits,
                                        size_t k_whir, size_t log_final_poly_len) {
    SWIRL_ARG_CHECK(out != NULL);
    memset(out, 0, sizeof *out);
    if (proximity.kind != SWIRL_PROXIMITY_UNIQUE_DECODING)
        return SWIRL_RAISE(SWIRL_E_UNSUPPORTED,
                           "100-bit parameter presets support unique decoding only for now");
    SWIRL_ARG_CHECK(w_stack > 1); /* OpenVM's proximity-gap bound needs a batch size > 1 */
    out->l_skip = l_skip;
    out->n_stack = n_stack;
    out->w_stack = w_stack;
    out->log_blowup = log_blowup;
    out->max_constraint_degree = max_constraint_degree;
    /* unique decoding: PCS list size 1 */
    out->logup = swirl_logup_params_baby_bear_100_bits(0.0);
    return swirl_whir_config_init(&out->whir, log_blowup, l_skip + n_stack, k_whir,
                                  log_final_poly_len, query_phase_pow_bits, proximity,
                                  folding_pow_bits, mu_pow_bits, 100);
}

enum swirl_status swirl_app_params_100_bits(swirl_system_params *out, size_t log_stacked_height) {
    SWIRL_ARG_CHECK(out != NULL);
    if (log_stacked_height > 24)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "log_stacked_height %zu must be <= 24",
                           log_stacked_height);
    swirl_whir_proximity ud = {SWIRL_PROXIMITY_UNIQUE_DECODING, 0, 0};
    size_t n_stack = log_stacked_height > 4 ? log_stacked_height - 4 : 0;
    return swirl_params_100_bits(out, 1, 4, n_stack, 2048, 5, 15, ud, 3, 20, 4, 10);
}
