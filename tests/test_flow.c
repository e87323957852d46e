/* The CPU prover/verifier flow (vk pre-hash, common main commit, header observations,
 * rap_constraints, stacked reduction, WHIR): three AIRs given out of height order (fib of height 2,
 * a bus sender of height 32 and its receiver of height 4) prove and verify; a wrong trace, a
 * changed public value, a changed opening, a changed WHIR value and a wrong shape are rejected
 * cleanly; an optional AIR can be present or absent. */
#include <stdlib.h>
#include <string.h>

#include "air/test_airs.h"
#include "fixtures.h"
#include "harness.h"
#include "prover/prove.h"

static void run(int corrupt_trace) {
    enum { HR = SWIRL_FIX_HR };
    swirl_system_params p = swirl_fixture_small_params(2, 4, 31);
    swirl_fixture_three f;
    swirl_fixture_three_init(&f, &p);
    swirl_vk *vk = f.vk;
    bb31 *rm = f.rm, *fm = f.fm;
    const swirl_trace_input *in = f.in;
    if (corrupt_trace)
        rm[HR + 1] = bb31_add(rm[HR + 1], bb31_one()); /* the bus no longer balances */
    swirl_proof proof;
    if (corrupt_trace) {
        CHECK_STATUS(swirl_flow_prove(&proof, vk, in, NULL, NULL), SWIRL_E_UNSATISFIED);
    } else {
        CHECK_OK(swirl_flow_prove(&proof, vk, in, NULL, NULL));
        CHECK_OK(swirl_flow_verify(vk, &proof, NULL));
        /* a changed public value */
        proof.public_values[0][2] = bb31_add(proof.public_values[0][2], bb31_one());
        CHECK(swirl_flow_verify(vk, &proof, NULL) != SWIRL_OK);
        proof.public_values[0][2] = bb31_sub(proof.public_values[0][2], bb31_one());
        /* a changed column opening */
        proof.batch.openings[1] = bb31x4_add(proof.batch.openings[1], bb31x4_one());
        CHECK_STATUS(swirl_flow_verify(vk, &proof, NULL), SWIRL_E_PROOF_REJECTED);
        proof.batch.openings[1] = bb31x4_sub(proof.batch.openings[1], bb31x4_one());
        /* a changed stacked opening (WHIR's claim) */
        proof.stacking.stacking_openings[0] =
            bb31x4_add(proof.stacking.stacking_openings[0], bb31x4_one());
        CHECK_STATUS(swirl_flow_verify(vk, &proof, NULL), SWIRL_E_PROOF_REJECTED);
        proof.stacking.stacking_openings[0] =
            bb31x4_sub(proof.stacking.stacking_openings[0], bb31x4_one());
        /* a wrong log height: another shape */
        proof.log_heights[2] = 3;
        CHECK(swirl_flow_verify(vk, &proof, NULL) != SWIRL_OK);
        proof.log_heights[2] = 40;
        CHECK_STATUS(swirl_flow_verify(vk, &proof, NULL), SWIRL_E_PROOF_MALFORMED);
        proof.log_heights[2] = 2;
        CHECK_OK(swirl_flow_verify(vk, &proof, NULL));
        swirl_proof_clear(&proof);
        /* a fib trace that breaks its constraints (the bus still balances): proved, rejected */
        fm[1] = bb31_add(fm[1], bb31_one());
        CHECK_OK(swirl_flow_prove(&proof, vk, in, NULL, NULL));
        CHECK_STATUS(swirl_flow_verify(vk, &proof, NULL), SWIRL_E_PROOF_REJECTED);
        swirl_proof_clear(&proof);
    }
    swirl_fixture_three_clear(&f);
}

static void test_prove_verify(void) { run(0); }

static void test_unbalanced_bus(void) { run(1); }

/* an optional AIR (a second fib, is_required = 0) proved present and absent; the presence flag is
 * bound by the transcript, and a required AIR cannot be left out */
static void test_optional_air(void) {
    swirl_air_builder *b;
    CHECK_OK(swirl_fib_air_build(&b));
    swirl_air *fib = swirl_fixture_compile(b);
    CHECK_OK(swirl_fib_air_build(&b));
    swirl_air *opt = swirl_fixture_compile(b);
    swirl_system_params p = swirl_fixture_small_params(2, 4, 31);
    swirl_keygen_air ka[2] = {{fib, NULL, 0, 1}, {opt, NULL, 0, 0}};
    swirl_vk *vk;
    CHECK_OK(swirl_keygen(&vk, &p, ka, 2));
    bb31 *f1, *f2;
    CHECK_OK(swirl_fib_trace(&f1, 0, 1, 16));
    CHECK_OK(swirl_fib_trace(&f2, 2, 3, 8));
    bb31 pv1[3] = {bb31_zero(), bb31_one(), f1[2 * 16 - 1]};
    bb31 pv2[3] = {bb31_from_u32(2), bb31_from_u32(3), f2[2 * 8 - 1]};
    swirl_proof proof;
    for (int present = 1; present >= 0; present--) {
        swirl_trace_input in[2] = {{f1, 16, pv1, NULL}, {present ? f2 : NULL, 8, pv2, NULL}};
        CHECK_OK(swirl_flow_prove(&proof, vk, in, NULL, NULL));
        CHECK(proof.present[0] == 1 && proof.present[1] == (uint8_t)present);
        CHECK_OK(swirl_flow_verify(vk, &proof, NULL));
        if (!present) {
            /* claiming the absent AIR present: no height / public values: malformed */
            proof.present[1] = 1;
            CHECK(swirl_flow_verify(vk, &proof, NULL) != SWIRL_OK);
            proof.present[1] = 0;
            /* leaving the required AIR out */
            proof.present[0] = 0;
            CHECK_STATUS(swirl_flow_verify(vk, &proof, NULL), SWIRL_E_PROOF_MALFORMED);
            proof.present[0] = 1;
        } else {
            /* dropping the optional AIR from a proof that has it: the transcript differs */
            proof.present[1] = 0;
            CHECK(swirl_flow_verify(vk, &proof, NULL) != SWIRL_OK);
            proof.present[1] = 1;
        }
        CHECK_OK(swirl_flow_verify(vk, &proof, NULL));
        swirl_proof_clear(&proof);
    }
    /* a required AIR without a trace is bad input */
    swirl_trace_input in[2] = {{NULL, 16, pv1, NULL}, {f2, 8, pv2, NULL}};
    CHECK_STATUS(swirl_flow_prove(&proof, vk, in, NULL, NULL), SWIRL_E_INVALID_ARG);
    free(f1);
    free(f2);
    swirl_vk_destroy(vk);
    swirl_air_destroy(fib);
    swirl_air_destroy(opt);
}

/* bad prover input is refused with SWIRL_E_INVALID_ARG and nothing left allocated (ASan) */
/* The key's trace-height constraints (OpenVM verifier/mod.rs:111-123): sum over present AIRs of
 * 2^max(log_height, l_skip) * coefficient must stay below the threshold. The fixture's heights are
 * 2, 32, 4 (fib, sender, receiver); at threshold = sum the proof is rejected, at sum + 1 accepted. */
static void test_trace_height_constraints(void) {
    swirl_system_params p = swirl_fixture_small_params(2, 4, 31);
    swirl_fixture_three f;
    swirl_fixture_three_init(&f, &p);
    swirl_proof proof;
    CHECK_OK(swirl_flow_prove(&proof, f.vk, f.in, NULL, NULL));
    CHECK(f.vk->n_thc > 0);
    static const unsigned heights[3] = {2, 32, 4};
    int tested = 0;
    for (size_t c = 0; c < f.vk->n_thc; c++) {
        uint64_t sum = 0;
        for (size_t i = 0; i < 3; i++) {
            uint64_t h = heights[i] < (1u << p.l_skip) ? (1u << p.l_skip) : heights[i];
            sum += h * f.vk->thc[c].coefficients[i];
        }
        if (sum == 0 || sum >= UINT32_MAX)
            continue;
        uint32_t saved = f.vk->thc[c].threshold;
        f.vk->thc[c].threshold = (uint32_t)sum;
        CHECK_STATUS(swirl_flow_verify(f.vk, &proof, NULL), SWIRL_E_PROOF_REJECTED);
        CHECK(strstr(swirl_last_error(), "trace heights too large") != NULL);
        f.vk->thc[c].threshold = (uint32_t)sum + 1;
        CHECK_OK(swirl_flow_verify(f.vk, &proof, NULL));
        f.vk->thc[c].threshold = saved;
        tested++;
    }
    CHECK(tested > 0);
    swirl_proof_clear(&proof);
    swirl_fixture_three_clear(&f);
}

static void test_bad_input(void) {
    swirl_system_params p = swirl_fixture_small_params(2, 4, 31);
    swirl_fixture_three f;
    swirl_fixture_three_init(&f, &p);
    swirl_trace_input in[3];
    swirl_proof proof;
    memcpy(in, f.in, sizeof in);
    in[1].height = 24; /* not a power of two */
    CHECK_STATUS(swirl_flow_prove(&proof, f.vk, in, NULL, NULL), SWIRL_E_INVALID_ARG);
    memcpy(in, f.in, sizeof in);
    in[1].height = (size_t)1 << (p.l_skip + p.n_stack + 1); /* taller than the stacked matrix */
    CHECK_STATUS(swirl_flow_prove(&proof, f.vk, in, NULL, NULL), SWIRL_E_INVALID_ARG);
    memcpy(in, f.in, sizeof in);
    in[0].public_values = NULL; /* fib needs its public values */
    CHECK_STATUS(swirl_flow_prove(&proof, f.vk, in, NULL, NULL), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_flow_prove(NULL, f.vk, f.in, NULL, NULL), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_flow_prove(&proof, NULL, f.in, NULL, NULL), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_flow_verify(f.vk, NULL, NULL), SWIRL_E_INVALID_ARG);
    swirl_fixture_three_clear(&f);
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_bad_input),
    SWIRL_TEST(test_optional_air),
    SWIRL_TEST(test_prove_verify),
    SWIRL_TEST(test_unbalanced_bus),
    SWIRL_TEST(test_trace_height_constraints),
};

int main(int argc, char **argv) { return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests)); }
