/* Every verifier check rejects a proof made to fail it, and it is that check that rejects (the
 * status and the check's message from swirl_last_error() are asserted), so removing any one check
 * makes a test here fail (tools/mutate_verifier.py runs that experiment in CI).
 *
 * Dishonest provers (util/test_hooks.h): a prover that skips its balance check (unbalanced bus),
 * provers that forge one value (GKR q0 claim and root claim p_xi_0, the q0 claim without
 * interactions, a per-AIR LogUp term, the univariate round polynomial, the stacked reduction's
 * round-0 polynomial, WHIR's first sumcheck value, each proof-of-work witness) and then continue
 * the transcript from the forged value, and a prover that leaves a required AIR out. Then values a
 * prover cannot bind through the transcript without failing an earlier check are changed in the
 * proof (a GKR round value, a column opening, a stacked opening, Merkle-opened rows), and the
 * shape of the proof and of the key (counts, missing parts, flags) are broken one field at a time.
 */
#include <stdlib.h>
#include <string.h>

#include "air/test_airs.h"
#include "fixtures.h"
#include "harness.h"
#include "pcs/stacked_reduction.h"
#include "protocol/codec_proof.h"
#include "protocol/zerocheck.h"
#include "prover/prove.h"
#include "util/test_hooks.h"

/* the verifier rejects with `want` and a message containing `msg` */
static void expect(const swirl_vk *vk, const swirl_proof *proof, enum swirl_status want,
                   const char *msg) {
    enum swirl_status st = swirl_flow_verify(vk, proof, NULL);
    CHECK_MSG(st == want && strstr(swirl_last_error(), msg) != NULL,
              "verify: status %d, message \"%s\"; expected status %d with \"%s\"", (int)st,
              st == SWIRL_OK ? "" : swirl_last_error(), (int)want, msg);
}

static void expect_rejected(const swirl_vk *vk, const swirl_proof *proof, const char *msg) {
    expect(vk, proof, SWIRL_E_PROOF_REJECTED, msg);
}

static void prove_with(swirl_proof *proof, const swirl_vk *vk, const swirl_trace_input *in,
                       swirl_test_hooks *h) {
    swirl_test_hooks_active = h;
    enum swirl_status st = swirl_flow_prove(proof, vk, in, NULL, NULL);
    swirl_test_hooks_active = NULL;
    CHECK_OK(st);
}

/* the three-AIR fixture (fib, bus sender, bus receiver; all required) with small parameters:
 * l_skip 2, n_stack 4, WHIR k 2 over two rounds, every WHIR PoW 1 bit, LogUp PoW 2 bits */
static swirl_system_params params(void) {
    return swirl_fixture_small_params(2, 4, 31);
}

/* a dishonest prover proves with the hooks; the verifier rejects with the check's message */
static void forged(swirl_test_hooks h, const char *msg) {
    swirl_system_params p = params();
    swirl_fixture_three f;
    swirl_fixture_three_init(&f, &p);
    swirl_proof proof;
    prove_with(&proof, f.vk, f.in, NULL);
    CHECK_OK(swirl_flow_verify(f.vk, &proof, NULL)); /* the honest proof passes */
    swirl_proof_clear(&proof);
    prove_with(&proof, f.vk, f.in, &h);
    expect_rejected(f.vk, &proof, msg);
    swirl_proof_clear(&proof);
    swirl_fixture_three_clear(&f);
}

/* The bus does not balance: the honest prover refuses; one that skips the check gets a proof whose
 * every other part is consistent, and only the root numerator check stands in its way. */
static void test_unbalanced_bus(void) {
    swirl_system_params p = params();
    swirl_fixture_three f;
    swirl_fixture_three_init(&f, &p);
    f.rm[SWIRL_FIX_HR + 1] = bb31_add(f.rm[SWIRL_FIX_HR + 1], bb31_one());
    swirl_proof proof;
    CHECK_STATUS(swirl_flow_prove(&proof, f.vk, f.in, NULL, NULL), SWIRL_E_UNSATISFIED);
    swirl_test_hooks h = {0};
    h.gkr_skip_balance_check = 1;
    prove_with(&proof, f.vk, f.in, &h);
    expect_rejected(f.vk, &proof, "GKR: the root numerator is not zero");
    swirl_proof_clear(&proof);
    swirl_fixture_three_clear(&f);
}

static void test_forged_gkr_root_claim(void) {
    swirl_test_hooks h = {0};
    h.gkr_forge_root_p0 = 1;
    forged(h, "GKR: the root numerator is not zero");
}

static void test_forged_gkr_q0(void) {
    swirl_test_hooks h = {0};
    h.gkr_forge_q0 = 1;
    forged(h, "GKR: root denominator mismatch");
}

static void test_forged_numerator_term(void) {
    swirl_test_hooks h = {0};
    h.zc_forge_numerator = 1;
    forged(h, "LogUp claims do not match the per-AIR terms");
}

static void test_forged_denominator_term(void) {
    swirl_test_hooks h = {0};
    h.zc_forge_denominator = 1;
    forged(h, "LogUp claims do not match the per-AIR terms");
}

static void test_forged_univariate_round(void) {
    swirl_test_hooks h = {0};
    h.zc_forge_univariate = 1;
    forged(h, "univariate round sum does not match the claim");
}

static void test_forged_stacking_round0(void) {
    swirl_test_hooks h = {0};
    h.sr_forge_univariate = 1;
    forged(h, "stacked reduction: s_0 does not match the round-0 polynomial's sum");
}

static void test_forged_whir_sumcheck(void) {
    swirl_test_hooks h = {0};
    h.whir_forge_sumcheck = 1;
    forged(h, "WHIR: final polynomial is not in the final constrained RS code");
}

/* The prover's grinds in order: LogUp; WHIR mu; per WHIR round its k folding grinds, then its
 * query grind. Each forged witness fails its check and is observed as an honest one would be. */
static void test_forged_pow_witnesses(void) {
    swirl_system_params p = params();
    unsigned k = (unsigned)p.whir.k;
    static const char *const msgs[] = {"LogUp proof-of-work witness is invalid",
                                       "WHIR: mu proof-of-work witness check failed",
                                       "WHIR: folding proof-of-work witness check failed",
                                       "WHIR: query proof-of-work witness check failed"};
    unsigned calls[4] = {1, 2, 3, 3 + k};
    for (int i = 0; i < 4; i++) {
        swirl_test_hooks h = {0};
        h.forge_grind = calls[i];
        forged(h, msgs[i]);
    }
    /* the second round's folding grind */
    swirl_test_hooks h = {0};
    h.forge_grind = 4 + k;
    forged(h, "WHIR: folding proof-of-work witness check failed");
}

/* Without interactions q0 is not observed: only the check q0 == 1 binds it. */
static void test_forged_q0_without_interactions(void) {
    swirl_air_builder *b;
    CHECK_OK(swirl_fib_air_build(&b));
    swirl_air *fib = swirl_fixture_compile(b);
    swirl_system_params p = params();
    swirl_keygen_air ka = {fib, NULL, 0, 1};
    swirl_vk *vk;
    CHECK_OK(swirl_keygen(&vk, &p, &ka, 1));
    bb31 *fm;
    CHECK_OK(swirl_fib_trace(&fm, 0, 1, 16));
    bb31 pv[3] = {bb31_zero(), bb31_one(), fm[2 * 16 - 1]};
    swirl_trace_input in = {fm, 16, pv, NULL};
    swirl_proof proof;
    prove_with(&proof, vk, &in, NULL);
    CHECK_OK(swirl_flow_verify(vk, &proof, NULL));
    swirl_proof_clear(&proof);
    swirl_test_hooks h = {0};
    h.zc_forge_q0 = 1;
    prove_with(&proof, vk, &in, &h);
    expect_rejected(vk, &proof, "q0 claim must be one without interactions");
    swirl_proof_clear(&proof);
    free(fm);
    swirl_vk_destroy(vk);
    swirl_air_destroy(fib);
}

/* A prover that leaves the required fib AIR out (the bus still balances; a required AIR's presence
 * is not observed): the verifier and the proof decoder refuse it. */
static void test_required_air_left_out(void) {
    swirl_system_params p = params();
    swirl_fixture_three f;
    swirl_fixture_three_init(&f, &p);
    swirl_proof proof;
    swirl_test_hooks h = {0};
    h.drop_air = 1;
    prove_with(&proof, f.vk, f.in, &h);
    CHECK(proof.present[0] == 0 && proof.present[1] == 1 && proof.present[2] == 1);
    expect(f.vk, &proof, SWIRL_E_PROOF_MALFORMED, "AIR 0: a required AIR is absent");
    uint8_t *bytes;
    size_t len;
    CHECK_OK(swirl_proof_encode(&bytes, &len, &proof, f.vk));
    swirl_proof_clear(&proof);
    enum swirl_status st = swirl_proof_decode(&proof, bytes, len, f.vk);
    CHECK_MSG(st == SWIRL_E_PROOF_MALFORMED &&
                  strstr(swirl_last_error(), "required AIR 0 (") != NULL &&
                  strstr(swirl_last_error(), ") is absent") != NULL,
              "decode: status %d, \"%s\"", (int)st, st == SWIRL_OK ? "" : swirl_last_error());
    if (st == SWIRL_OK)
        swirl_proof_clear(&proof);
    free(bytes);
    swirl_fixture_three_clear(&f);
}

/* Values bound by the transcript: changed in the proof, the check right after their observation
 * is the first to fail. */
static void test_changed_values(void) {
    swirl_system_params p = params();
    swirl_fixture_three f;
    swirl_fixture_three_init(&f, &p);
    swirl_proof proof;
    prove_with(&proof, f.vk, f.in, NULL);
    CHECK(proof.gkr.n_layers >= 2 && proof.whir.n_rounds >= 2);
    bb31x4 one = bb31x4_one();
    struct {
        bb31x4 *v;
        const char *msg;
    } cases[] = {
        {&proof.gkr.sumcheck_polys[0][1], "GKR: layer 1 consistency check failed"},
        {&proof.gkr.claims_per_layer[1].q_xi_0, "GKR: layer 1 consistency check failed"},
        {&proof.batch.openings[1],
         "batch constraint sumcheck: final claim does not match the opened values"},
        {&proof.batch.sumcheck_round_polys[0],
         "batch constraint sumcheck: final claim does not match the opened values"},
        {&proof.stacking.stacking_openings[0],
         "stacked reduction: final sum does not match the openings"},
        {&proof.stacking.sumcheck_round_polys[0][1],
         "stacked reduction: final sum does not match the openings"},
        {&proof.whir.codeword_values[0], "WHIR: Merkle verification failed in round 1"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bb31x4 saved = *cases[i].v;
        *cases[i].v = bb31x4_add(saved, one);
        expect_rejected(f.vk, &proof, cases[i].msg);
        *cases[i].v = saved;
    }
    /* a row opened against the common main commitment */
    proof.whir.initial_rows[0] = bb31_add(proof.whir.initial_rows[0], bb31_one());
    expect_rejected(f.vk, &proof, "WHIR: Merkle verification failed in round 0");
    proof.whir.initial_rows[0] = bb31_sub(proof.whir.initial_rows[0], bb31_one());
    CHECK_OK(swirl_flow_verify(f.vk, &proof, NULL));
    swirl_proof_clear(&proof);
    swirl_fixture_three_clear(&f);
}

/* The proof's shape, one field at a time (a decoded proof never has these: the decoder checks
 * them too; an in-memory proof reaches the verifier as it is). */
#define SHAPE(field, delta, msg)                                                                   \
    do {                                                                                           \
        (field) += (delta);                                                                        \
        expect(f.vk, &proof, SWIRL_E_PROOF_MALFORMED, msg);                                        \
        (field) -= (delta);                                                                        \
    } while (0)

#define MISSING(ptr, msg)                                                                          \
    do {                                                                                           \
        void *saved_ = (void *)(ptr);                                                              \
        (ptr) = NULL;                                                                              \
        expect(f.vk, &proof, SWIRL_E_PROOF_MALFORMED, msg);                                        \
        memcpy(&(ptr), &saved_, sizeof saved_);                                                    \
    } while (0)

static void test_proof_shape(void) {
    swirl_system_params p = params();
    swirl_fixture_three f;
    swirl_fixture_three_init(&f, &p);
    swirl_proof proof;
    prove_with(&proof, f.vk, f.in, NULL);
    /* the per-AIR data */
    SHAPE(proof.n_airs, -1, "proof has 2 AIRs, the key 3");
    SHAPE(proof.present[1], 1, "AIR 1: presence flag 2 is not 0 or 1");
    SHAPE(proof.log_heights[2], 40, "AIR 2: bad log height or public values");
    MISSING(proof.public_values[0], "AIR 0: bad log height or public values");
    swirl_digest cc[2];
    memset(cc, 0, sizeof cc);
    proof.cached_commits[1] = cc;
    expect(f.vk, &proof, SWIRL_E_PROOF_MALFORMED,
           "AIR 1 should have 0 cached commitments, but has some");
    proof.cached_commits[1] = NULL;
    /* GKR */
    SHAPE(proof.gkr.n_layers, 1, "GKR proof has");
    SHAPE(proof.gkr.n_sumcheck_entries, 1, "sumcheck entries, expected");
    /* batch constraints */
    SHAPE(proof.batch.n_rounds, 1, "batch constraint proof has the wrong shape");
    SHAPE(proof.batch.openings_per_trace[1], 1, "trace 1: ");
    /* stacked reduction */
    SHAPE(proof.stacking.n_univariate, 1, "round-0 coefficients, expected");
    SHAPE(proof.stacking.n_rounds, 1, "stacking proof: 5 rounds, expected 4");
    SHAPE(proof.stacking.n_commits, 1, "stacking proof: openings for 2 commits, expected 1");
    SHAPE(proof.stacking.openings_per_commit[0], 1, "stacking proof: commit 0 has");
    /* WHIR */
    SHAPE(proof.whir.n_final, 1, "WHIR proof has the wrong shape");
    SHAPE(proof.whir.widths[0], 1, "WHIR proof: commit 0 width mismatch");
    MISSING(proof.whir.codeword_commits, "WHIR proof: missing codeword commits");
    MISSING(proof.whir.codeword_values, "WHIR proof: missing codeword openings");
    /* stacked widths above w_stack (the key's, lowered here) */
    size_t w = f.vk->params.w_stack;
    f.vk->params.w_stack = 1;
    expect(f.vk, &proof, SWIRL_E_PROOF_MALFORMED, "more than w_stack = 1");
    f.vk->params.w_stack = w;
    CHECK_OK(swirl_flow_verify(f.vk, &proof, NULL));
    swirl_proof_clear(&proof);
    swirl_fixture_three_clear(&f);
}

/* Presence: an absent optional AIR with cached commitments; no AIR present at all. */
static void test_presence(void) {
    swirl_air_builder *b;
    CHECK_OK(swirl_fib_air_build(&b));
    swirl_air *fib = swirl_fixture_compile(b);
    CHECK_OK(swirl_fib_air_build(&b));
    swirl_air *fib2 = swirl_fixture_compile(b);
    swirl_system_params p = params();
    swirl_keygen_air ka[2] = {{fib, NULL, 0, 0}, {fib2, NULL, 0, 0}};
    swirl_vk *vk;
    CHECK_OK(swirl_keygen(&vk, &p, ka, 2));
    bb31 *fm;
    CHECK_OK(swirl_fib_trace(&fm, 0, 1, 16));
    bb31 pv[3] = {bb31_zero(), bb31_one(), fm[2 * 16 - 1]};
    swirl_trace_input in[2] = {{fm, 16, pv, NULL}, {NULL, 16, pv, NULL}};
    swirl_proof proof;
    prove_with(&proof, vk, in, NULL);
    CHECK(proof.present[0] == 1 && proof.present[1] == 0);
    CHECK_OK(swirl_flow_verify(vk, &proof, NULL));
    swirl_digest cc[1];
    memset(cc, 0, sizeof cc);
    proof.cached_commits[1] = cc;
    expect(vk, &proof, SWIRL_E_PROOF_MALFORMED, "AIR 1 is absent but has cached commitments");
    proof.cached_commits[1] = NULL;
    proof.present[0] = 0;
    expect(vk, &proof, SWIRL_E_PROOF_MALFORMED, "no AIR is present");
    proof.present[0] = 1;
    CHECK_OK(swirl_flow_verify(vk, &proof, NULL));
    swirl_proof_clear(&proof);
    free(fm);
    swirl_vk_destroy(vk);
    swirl_air_destroy(fib);
    swirl_air_destroy(fib2);
}

/* A preprocessed AIR (fib_selector) and a bus sender: the key's checks and the log height the
 * preprocessed trace fixes. */
static void test_preprocessed_key(void) {
    swirl_fixture_lookup fx;
    swirl_fixture_lookup_init(&fx);
    swirl_system_params p = params();
    swirl_keygen_air ka[2] = {{fx.send, NULL, 0, 1}, {fx.fib, fx.pre, SWIRL_FIX_NF, 1}};
    swirl_vk *vk;
    CHECK_OK(swirl_keygen(&vk, &p, ka, 2));
    swirl_trace_input in[2] = {{fx.sm, SWIRL_FIX_NS, NULL, NULL},
                               {fx.m, SWIRL_FIX_NF, fx.pv, NULL}};
    swirl_proof proof;
    prove_with(&proof, vk, in, NULL);
    CHECK_OK(swirl_flow_verify(vk, &proof, NULL));
    /* the proof claims another height for the preprocessed AIR */
    proof.log_heights[1]++;
    expect_rejected(vk, &proof, "AIR 1: log height 4 differs from its preprocessed trace's 3");
    proof.log_heights[1]--;
    /* the key: no AIRs; a preprocessed flag against the AIR; the hypercube dimension; the
     * preprocessed stacking width */
    size_t n = vk->n_airs;
    vk->n_airs = 0;
    expect(vk, &proof, SWIRL_E_INVALID_ARG, "no AIRs");
    vk->n_airs = n;
    vk->per_air[0].has_preprocessed = 1;
    expect(vk, &proof, SWIRL_E_INVALID_ARG, "the key's preprocessed data disagrees");
    vk->per_air[0].has_preprocessed = 0;
    int64_t dim = vk->per_air[1].preprocessed_hypercube_dim;
    vk->per_air[1].preprocessed_hypercube_dim = (int64_t)(p.n_stack + 1);
    expect(vk, &proof, SWIRL_E_INVALID_ARG, "preprocessed hypercube dimension 5 out of range");
    vk->per_air[1].preprocessed_hypercube_dim = dim;
    vk->per_air[1].preprocessed_stacking_width++;
    expect(vk, &proof, SWIRL_E_INVALID_ARG, "preprocessed stacking width");
    vk->per_air[1].preprocessed_stacking_width--;
    CHECK_OK(swirl_flow_verify(vk, &proof, NULL));
    swirl_proof_clear(&proof);
    swirl_vk_destroy(vk);
    swirl_fixture_lookup_clear(&fx);
}

/* The component verifiers' argument checks that swirl_flow_verify always satisfies (it sorts the
 * traces, checks the public values and derives the claims from the same layouts), called directly.
 */
static void test_component_arguments(void) {
    swirl_air_builder *b;
    CHECK_OK(swirl_fib_air_build(&b));
    swirl_air *fib = swirl_fixture_compile(b);
    swirl_zc_params zp = {2, 3, 0};
    swirl_gkr_proof gkr;
    swirl_batch_proof bp;
    memset(&gkr, 0, sizeof gkr);
    memset(&bp, 0, sizeof bp);
    const swirl_air *airs[2] = {fib, fib};
    unsigned lh[2] = {2, 3};
    bb31 pv[3] = {bb31_zero(), bb31_zero(), bb31_zero()};
    const bb31 *pvs[2] = {pv, pv};
    bb31x4 r[64];
    size_t nr;
    swirl_transcript t;
    swirl_transcript_init(&t);
    enum swirl_status st = swirl_zerocheck_verify(r, &nr, &t, &zp, &gkr, &bp, airs, lh, pvs, 2);
    CHECK(st == SWIRL_E_INVALID_ARG &&
          strstr(swirl_last_error(), "trace 1: bad AIR or height order"));
    st = swirl_zerocheck_verify(r, &nr, &t, &zp, &gkr, &bp, airs, lh, NULL, 1);
    CHECK(st == SWIRL_E_INVALID_ARG &&
          strstr(swirl_last_error(), "trace 0: public values missing"));
    swirl_air_destroy(fib);
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_unbalanced_bus),
    SWIRL_TEST(test_forged_gkr_root_claim),
    SWIRL_TEST(test_forged_gkr_q0),
    SWIRL_TEST(test_forged_numerator_term),
    SWIRL_TEST(test_forged_denominator_term),
    SWIRL_TEST(test_forged_univariate_round),
    SWIRL_TEST(test_forged_stacking_round0),
    SWIRL_TEST(test_forged_whir_sumcheck),
    SWIRL_TEST(test_forged_pow_witnesses),
    SWIRL_TEST(test_forged_q0_without_interactions),
    SWIRL_TEST(test_required_air_left_out),
    SWIRL_TEST(test_changed_values),
    SWIRL_TEST(test_proof_shape),
    SWIRL_TEST(test_presence),
    SWIRL_TEST(test_preprocessed_key),
    SWIRL_TEST(test_component_arguments),
};

int main(int argc, char **argv) {
    return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
}
