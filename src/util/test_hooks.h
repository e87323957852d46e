/*
 * Test hooks: ways for the prover to misbehave on purpose, so that tests can show each verifier
 * check rejecting a dishonest proof (tests/test_malicious.c, tools/mutate_verifier.py).
 *
 * swirl_test_hooks_active is NULL in every normal run: nothing in the library or the tools sets
 * it, and a prover step that consults it costs one load of a NULL pointer. A test points it at a
 * struct, proves, and sets it back to NULL. A forged value is observed in the transcript in place
 * of the honest one and everything after it is computed from that transcript, so the verifier's
 * first failing check is the one the forgery targets. Not thread-safe: set it on the thread that
 * proves, while no other thread proves.
 */
#ifndef SWIRL_UTIL_TEST_HOOKS_H
#define SWIRL_UTIL_TEST_HOOKS_H

#include <stddef.h>

typedef struct swirl_test_hooks {
    /* protocol/gkr.c: prove a fraction tree whose root numerator is not zero (no balance check) */
    int gkr_skip_balance_check;
    /* protocol/gkr.c: q0_claim + 1, or claims_per_layer[0].p_xi_0 + 1 */
    int gkr_forge_q0, gkr_forge_root_p0;
    /* protocol/zerocheck.c: without interactions, q0_claim 2 instead of 1 */
    int zc_forge_q0;
    /* protocol/zerocheck.c: numerator_term_per_air[0] + 1, denominator_term_per_air[0] + 1, or
     * univariate_round_coeffs[0] + 1 */
    int zc_forge_numerator, zc_forge_denominator, zc_forge_univariate;
    /* pcs/stacked_reduction.c: univariate_round_coeffs[0] + 1 */
    int sr_forge_univariate;
    /* pcs/whir.c: the first sumcheck round's value at 1 (sumcheck_polys[0][0]) + 1 */
    int whir_forge_sumcheck;
    /* transcript/transcript.c: the forge_grind-th call of swirl_transcript_grind with bits > 0
     * (counting from 1 in grind_calls) returns the smallest witness that fails the check; 0: none. The prover's
     * grinds come in the order LogUp, WHIR mu, WHIR folding (one per sumcheck round) and WHIR
     * query (one per round), interleaved round by round. */
    unsigned forge_grind, grind_calls;
    /* prover/prove.c: 1 + the index of an AIR the prover leaves out, required or not; 0: none */
    size_t drop_air;
} swirl_test_hooks;

extern swirl_test_hooks *swirl_test_hooks_active;

/* the active hooks' field, or 0 when no hooks are active */
#define SWIRL_TEST_HOOK(field) (swirl_test_hooks_active ? swirl_test_hooks_active->field : 0)

#endif /* SWIRL_UTIL_TEST_HOOKS_H */
