/*
 * The WHIR configuration in detail (OpenVM v2.0.1):
 *  - the proximity regime of each round and the per-query security behind the query counts
 *    (crates/stark-backend/src/config.rs ProximityRegime, WhirConfig::queries; WhirConfig::new
 *    itself is swirl_whir_config_init in swirl_params.h);
 *  - the round plan the prover and the verifier follow (prover/whir.rs, verifier/whir.rs,
 *    verifier/proof_shape.rs): per round the rate, the RS domain, the folded query domain (= the
 *    Merkle depth), the number of in-domain queries and out-of-domain samples, and the PoW bits;
 *  - the WHIR soundness calculation (soundness/calculator.rs calculate_whir_soundness with
 *    whir_proximity_gap_security, the BCHKS25 reference list-size bound, the sample_bits bias
 *    charge on queries and PoW), with OpenVM's f64 expressions in the same operation order so the
 *    results round the same way.
 * Plain value types; nothing here allocates.
 */
#ifndef SWIRL_PCS_WHIR_CONFIG_H
#define SWIRL_PCS_WHIR_CONFIG_H

#include <stddef.h>

#include "swirl/swirl_params.h"
#include "util/common.h"

/** ProximityRegime: unique decoding (list == 0) or list decoding with multiplicity m. */
typedef struct swirl_whir_regime {
    int list;
    size_t m;
} swirl_whir_regime;

/** One WHIR round as the prover runs it and the verifier checks it. */
typedef struct swirl_whir_round_plan {
    /* log2 length of the polynomial entering the round: m - r k */
    size_t log_degree;
    /* -log2 rate of the code queried: log_blowup + r (k - 1) */
    size_t log_inv_rate;
    /* log2 length of the codeword queried: m + log_blowup - r */
    size_t log_rs_domain;
    /* the queries' sample_bits: log_rs_domain - k (also the Merkle depth) */
    size_t log_query_domain;
    size_t num_queries;
    /* out-of-domain samples: 1, or 0 in the final round */
    size_t num_ood;
    /* log2 length of the committed folded codeword: log_rs_domain - 1 (0 in the final round) */
    size_t log_next_codeword;
    swirl_whir_regime regime;
} swirl_whir_round_plan;

/** The whole WHIR run for one SystemParams. */
typedef struct swirl_whir_plan {
    size_t m; /* l_skip + n_stack: variables of the opened polynomials */
    size_t k, num_rounds, num_sumcheck_rounds;
    size_t log_final_poly_len, final_poly_len;
    size_t mu_pow_bits, folding_pow_bits, query_pow_bits;
    swirl_whir_round_plan rounds[SWIRL_WHIR_MAX_ROUNDS];
} swirl_whir_plan;

/** WHIR soundness breakdown (WhirSoundnessCalculator), in bits. */
typedef struct swirl_whir_soundness {
    double mu_batching_bits;
    double fold_rbr_bits;
    double proximity_gaps_bits;
    double sumcheck_bits;
    double ood_rbr_bits;
    double shift_rbr_bits;
    double query_bits;
    double gamma_batching_bits;
    double total_bits; /* min over the round-by-round errors (calculate_whir_soundness's result) */
} swirl_whir_soundness;

/** ProximityGapSecurity. */
typedef struct swirl_whir_proximity_gap {
    double log2_err;
    double log2_list_size;
} swirl_whir_proximity_gap;

#ifdef __cplusplus
extern "C" {
#endif

/** BabyBear's order p as f64 (soundness::base_field_order). */
double swirl_whir_base_field_order(void);
/** Bits of the degree-4 challenge field: 4 * log2(p) (soundness::challenge_field_bits). */
double swirl_whir_challenge_field_bits(void);

/** WhirProximityStrategy::in_round. */
swirl_whir_regime swirl_whir_regime_in_round(swirl_whir_proximity strategy, size_t round);
/** ProximityRegime::max_agreement: (1 + rho) / 2, or sqrt(rho) (1 + 1/(2m)), clamped to
 *  [f64::MIN_POSITIVE, 1]. */
double swirl_whir_max_agreement(swirl_whir_regime regime, size_t log_inv_rate);
/** ProximityRegime::whir_query_security_bits: -num_queries * log2(max_agreement). */
double swirl_whir_query_security_bits(swirl_whir_regime regime, size_t num_queries,
                                      size_t log_inv_rate);
/** WhirConfig::queries: ceil(protocol_security_level / per-query bits), saturating like Rust's
 *  `as usize`. */
size_t swirl_whir_num_queries(swirl_whir_regime regime, size_t protocol_security_level,
                              size_t log_inv_rate);

/**
 * The round plan of `params`. Returns SWIRL_E_INVALID_ARG for NULL, no rounds, k = 0, more rounds
 * than SWIRL_WHIR_MAX_ROUNDS, rounds * k above l_skip + n_stack (OpenVM's log_final_poly_len would
 * underflow) or an RS domain beyond the two-adicity.
 */
enum swirl_status swirl_whir_plan_init(swirl_whir_plan *out, const swirl_system_params *params)
    SWIRL_WARN_UNUSED_RESULT;

/** SoundnessCalculator::whir_proximity_gap_security. batch_size must be > 1 (else the error is
 *  +inf bits: log2(0) = -inf). */
swirl_whir_proximity_gap swirl_whir_proximity_gap_security(swirl_whir_regime regime,
                                                           double challenge_field_bits,
                                                           size_t log_degree, size_t log_inv_rate,
                                                           size_t batch_size);
/** SoundnessCalculator::effective_pow_bits: -log2((floor(p / 2^bits) + 1) / p), 0 for 0 bits. */
double swirl_whir_effective_pow_bits(size_t pow_bits, double base_field_order);
/** log2 of the PCS list size of the initial WHIR round (what the LogUp parameters are calibrated
 *  against; 0 for unique decoding): stark-sdk log_up_params_for_whir. */
double swirl_whir_log2_pcs_list_size(swirl_whir_proximity strategy, size_t log_stacked_height,
                                     size_t log_blowup, size_t w_stack);

/**
 * SoundnessCalculator::calculate_whir_soundness for `params` with `num_stacked_columns` batched
 * columns (>= 2, as OpenVM asserts). Errors: SWIRL_E_INVALID_ARG for NULL, fewer than 2 columns
 * or a params shape swirl_whir_plan_init refuses.
 */
enum swirl_status swirl_whir_soundness_calc(swirl_whir_soundness *out,
                                            const swirl_system_params *params,
                                            double base_field_order, double challenge_field_bits,
                                            size_t num_stacked_columns) SWIRL_WARN_UNUSED_RESULT;

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_PCS_WHIR_CONFIG_H */
