/* SystemParams / WHIR configuration / LogUp parameters derived as OpenVM v2.0.1 does.
 * Expected numbers: OpenVM's keccakf example params app_params_with_100_bits_security(21), as
 * mapped in shared/spec/05-test-airs-and-vectors.md §4.2 (num_queries [193, 88, 81],
 * folding PoW 5, mu PoW 15, query PoW 20, LogUp PoW 18: 4·log2 p − log2(2p) − 7 = 84.72 bits
 * before grinding, raised to the floor of 18) and recomputed here by hand from config.rs. */
#include <math.h>

#include "harness.h"
#include "swirl/swirl_params.h"

static void test_keccakf_app_params(void) {
    swirl_system_params p;
    CHECK_OK(swirl_app_params_100_bits(&p, 21));
    CHECK(p.l_skip == 4 && p.n_stack == 17 && p.w_stack == 2048 && p.log_blowup == 1);
    CHECK(p.max_constraint_degree == 3);
    CHECK(p.whir.k == 4 && p.whir.num_rounds == 3);
    CHECK(p.whir.num_queries[0] == 193 && p.whir.num_queries[1] == 88 &&
          p.whir.num_queries[2] == 81);
    CHECK(p.whir.folding_pow_bits == 5 && p.whir.mu_pow_bits == 15 &&
          p.whir.query_phase_pow_bits == 20);
    CHECK(swirl_whir_log_final_poly_len(&p.whir, 21) == 9);
    CHECK(p.logup.max_interaction_count == 2013265921u && p.logup.log_max_message_length == 7 &&
          p.logup.pow_bits == 18);
}

static void test_final_poly_len_8(void) {
    /* the brief's keccakf setting log_final_poly_len 8: four rounds, final polynomial 2^5 */
    swirl_whir_proximity ud = {SWIRL_PROXIMITY_UNIQUE_DECODING, 0, 0};
    swirl_system_params p;
    CHECK_OK(swirl_params_100_bits(&p, 1, 4, 17, 2048, 5, 15, ud, 3, 20, 4, 8));
    CHECK(p.whir.num_rounds == 4);
    CHECK(p.whir.num_queries[3] == 81); /* rate 2^-10: 80 / -log2((1 + 2^-10) / 2) = 80.11 */
    CHECK(swirl_whir_log_final_poly_len(&p.whir, 21) == 5);
}

static void test_queries_formula(void) {
    /* unique decoding, rate 2^-1, 80 protocol bits: ceil(80 / -log2(0.75)) = 193 */
    CHECK((size_t)ceil(80.0 / -log2(0.75)) == 193);
    swirl_whir_config w;
    swirl_whir_proximity list = {SWIRL_PROXIMITY_LIST_DECODING, 2, 0};
    CHECK_OK(swirl_whir_config_init(&w, 2, 20, 4, 8, 20, list, 0, 0, 100));
    /* list decoding m=2, rate 2^-2: agreement sqrt(1/4) * 1.25 = 0.625 -> 80 / 0.678 = 117.98 */
    CHECK(w.num_rounds == 3 && w.num_queries[0] == 118);
    swirl_whir_proximity split = {SWIRL_PROXIMITY_SPLIT_UNIQUE_LIST, 2, 1};
    CHECK_OK(swirl_whir_config_init(&w, 2, 20, 4, 8, 20, split, 0, 0, 100));
    CHECK(w.num_queries[0] == (size_t)ceil(80.0 / -log2((1.0 + 0.25) / 2.0))); /* unique first */
    CHECK_STATUS(swirl_whir_config_init(&w, 1, 21, 0, 8, 20, split, 0, 0, 100), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_app_params_100_bits(NULL, 21), SWIRL_E_INVALID_ARG);
    swirl_system_params p;
    CHECK_STATUS(swirl_app_params_100_bits(&p, 25), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_params_100_bits(&p, 1, 4, 17, 2048, 5, 15, list, 3, 20, 4, 10),
                 SWIRL_E_UNSUPPORTED);
}

static void test_logup_pow(void) {
    swirl_logup_params l = swirl_logup_params_baby_bear_100_bits(0.0);
    CHECK(l.pow_bits == 18); /* 100 - 84.72 = 15.28 -> 16, floor 18 */
    l = swirl_logup_params_baby_bear_100_bits(5.0);
    CHECK(l.pow_bits == 21); /* 100 - 79.72 = 20.28 -> 21 */
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_keccakf_app_params), SWIRL_TEST(test_final_poly_len_8),
    SWIRL_TEST(test_queries_formula), SWIRL_TEST(test_logup_pow),
};

int main(int argc, char **argv) {
    return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
}
