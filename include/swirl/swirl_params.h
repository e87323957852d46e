/*
 * SystemParams of the SWIRL protocol (OpenVM v2.0.1 crates/stark-backend/src/config.rs), the WHIR
 * configuration derived from them, and the LogUp security parameters
 * (interaction/mod.rs LogUpSecurityParameters), with OpenVM's derivations:
 *  - WhirConfig::new: rounds = ceil((log_stacked_height - log_final_poly_len) / k); the queries of
 *    round r are ceil((security_bits - query_pow_bits) / per_query_bits(rate_r)) with
 *    rate_0 = log_blowup, rate_{r+1} = rate_r + k - 1, per_query_bits = -log2(max_agreement):
 *    (1 + rho) / 2 for unique decoding, sqrt(rho) (1 + 1/(2m)) for list decoding (m);
 *  - log_up_security_params_baby_bear_100_bits (stark-sdk config/log_up_params.rs):
 *    max_interaction_count = p, log_max_message_length = 7,
 *    pow_bits = max(18, ceil(100 - (4 log2 p - log2(2p) - 7 - log2_list_size))).
 * Plain value types (no allocation).
 */
#ifndef SWIRL_SWIRL_PARAMS_H
#define SWIRL_SWIRL_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#include "swirl/swirl.h"

#define SWIRL_WHIR_MAX_ROUNDS 32

enum swirl_proximity_kind {
    SWIRL_PROXIMITY_UNIQUE_DECODING = 0,
    SWIRL_PROXIMITY_SPLIT_UNIQUE_LIST = 1,
    SWIRL_PROXIMITY_LIST_DECODING = 2,
};

/** WhirProximityStrategy. */
typedef struct swirl_whir_proximity {
    enum swirl_proximity_kind kind;
    size_t m;                /* list decoding multiplicity (SplitUniqueList, ListDecoding) */
    size_t list_start_round; /* SplitUniqueList */
} swirl_whir_proximity;

/** WhirConfig. */
typedef struct swirl_whir_config {
    size_t k;
    size_t num_rounds;
    size_t num_queries[SWIRL_WHIR_MAX_ROUNDS]; /* rounds[r].num_queries */
    size_t mu_pow_bits;
    size_t query_phase_pow_bits;
    size_t folding_pow_bits;
    swirl_whir_proximity proximity;
} swirl_whir_config;

/** LogUpSecurityParameters. */
typedef struct swirl_logup_params {
    uint32_t max_interaction_count;
    uint32_t log_max_message_length;
    size_t pow_bits;
} swirl_logup_params;

/** SystemParams. */
typedef struct swirl_system_params {
    size_t l_skip;
    size_t n_stack;
    size_t w_stack;
    size_t log_blowup;
    swirl_whir_config whir;
    swirl_logup_params logup;
    size_t max_constraint_degree;
} swirl_system_params;

#ifdef __cplusplus
extern "C" {
#endif

/** WhirConfig::new. Errors: k == 0, more than SWIRL_WHIR_MAX_ROUNDS rounds. */
SWIRL_API enum swirl_status swirl_whir_config_init(swirl_whir_config *out, size_t log_blowup,
                                         size_t log_stacked_height, size_t k,
                                         size_t log_final_poly_len, size_t query_phase_pow_bits,
                                         swirl_whir_proximity proximity, size_t folding_pow_bits,
                                         size_t mu_pow_bits,
                                         size_t security_bits) SWIRL_WARN_UNUSED_RESULT;

/** log2 of the final WHIR polynomial length: log_stacked_height - rounds * k. */
SWIRL_API size_t swirl_whir_log_final_poly_len(const swirl_whir_config *w, size_t log_stacked_height);

/** log_up_security_params_baby_bear_100_bits(log2_pcs_list_size). */
SWIRL_API swirl_logup_params swirl_logup_params_baby_bear_100_bits(double log2_pcs_list_size);

/**
 * params_with_100_bits_security (stark-sdk config/mod.rs) with the final-polynomial bound made
 * explicit (OpenVM passes WHIR_MAX_LOG_FINAL_POLY_LEN = 10). Only unique decoding is supported for
 * the LogUp list-size calibration (SWIRL_E_UNSUPPORTED otherwise).
 */
SWIRL_API enum swirl_status swirl_params_100_bits(swirl_system_params *out, size_t log_blowup, size_t l_skip,
                                        size_t n_stack, size_t w_stack, size_t folding_pow_bits,
                                        size_t mu_pow_bits, swirl_whir_proximity proximity,
                                        size_t max_constraint_degree, size_t query_phase_pow_bits,
                                        size_t k_whir,
                                        size_t log_final_poly_len) SWIRL_WARN_UNUSED_RESULT;

/** app_params_with_100_bits_security(log_stacked_height): log_blowup 1, l_skip 4, w_stack 2048,
 *  folding PoW 5, mu PoW 15, unique decoding, degree 3, query PoW 20, k 4, final poly bound 10. */
SWIRL_API enum swirl_status swirl_app_params_100_bits(swirl_system_params *out,
                                            size_t log_stacked_height) SWIRL_WARN_UNUSED_RESULT;

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_SWIRL_PARAMS_H */
