/* The CPU pipeline from trace to opening proof, for one AIR in one commit: stacked commit ->
 * rap_constraints (LogUp-GKR + batch constraint sumcheck) -> stacked opening reduction (its claims
 * are the batch proof's column openings) -> WHIR, then the verifier side of each stage with the
 * same transcript. This ties the stages' conventions together (rotation, r, claim order); it is not
 * yet OpenVM's full proof (no vk / public value observations, no proof codec). A wrong trace is
 * rejected by the constraint check; an opening that does not match the commitment is rejected by
 * the stacked reduction. */
#include <stdlib.h>
#include <string.h>

#include "air/test_airs.h"
#include "fixtures.h"
#include "harness.h"
#include "pcs/stacked_reduction.h"
#include "pcs/whir.h"
#include "protocol/zerocheck.h"

enum { L_SKIP = 2, N_STACK = 3 };

static swirl_system_params params(void) {
    return swirl_fixture_params(L_SKIP, N_STACK, 2, 1, 1, 31);
}

/* tamper: 0 none, 1 wrong trace, 2 wrong column opening */
static void run(int tamper) {
    swirl_system_params p = params();
    swirl_air_builder *b;
    swirl_air *fib;
    CHECK_OK(swirl_fib_air_build(&b));
    CHECK_OK(swirl_air_compile(&fib, b, 3));
    swirl_air_builder_destroy(b);
    const size_t H = (size_t)1 << (L_SKIP + N_STACK);
    bb31 *m;
    CHECK_OK(swirl_fib_trace(&m, 0, 1, H));
    bb31 pv[3] = {bb31_zero(), bb31_one(), m[2 * H - 1]};
    if (tamper == 1)
        m[5] = bb31_add(m[5], bb31_one());
    /* prover */
    swirl_trace_view tv = {m, H, 2, NULL};
    swirl_stacked_pcs_data *d;
    swirl_digest root;
    CHECK_OK(swirl_stacked_commit(NULL, &d, &root, &tv, 1, L_SKIP, N_STACK, 1, 2));
    swirl_transcript tp, tvr;
    swirl_transcript_init(&tp);
    swirl_transcript_observe_digest(&tp, &root);
    swirl_zc_params zp = {L_SKIP, 3, 1};
    swirl_air_instance inst = {fib, NULL, NULL, m, H, pv};
    swirl_gkr_proof gkr;
    swirl_batch_proof bp;
    bb31x4 r[16], rv[16], u[16], uv[16];
    size_t nr, nrv;
    CHECK_OK(swirl_zerocheck_prove(NULL, &gkr, &bp, r, &nr, &tp, &zp, &inst, 1));
    CHECK(nr == 1 + N_STACK);
    int need_rot[1] = {1};
    swirl_stacked_commit_view cv = {swirl_stacked_pcs_layout(d), NULL, need_rot, d};
    swirl_stacking_proof sp;
    CHECK_OK(swirl_stacked_reduction_prove(NULL, &sp, u, &tp, &cv, 1, L_SKIP, N_STACK, r));
    bb31x4 ucube[16];
    ucube[0] = u[0];
    for (int i = 1; i < L_SKIP; i++)
        ucube[i] = bb31x4_square(ucube[i - 1]);
    for (int i = 1; i <= N_STACK; i++)
        ucube[L_SKIP - 1 + i] = u[i];
    const swirl_stacked_pcs_data *cs[1] = {d};
    swirl_whir_proof wp;
    CHECK_OK(swirl_whir_prove(NULL, &wp, &tp, &p, cs, 1, ucube));

    /* verifier */
    if (tamper == 2) /* a false opening of column 0: the constraint check no longer closes */
        bp.openings[0] = bb31x4_add(bp.openings[0], bb31x4_one());
    swirl_transcript_init(&tvr);
    swirl_transcript_observe_digest(&tvr, &root);
    const swirl_air *airs[1] = {fib};
    unsigned lh[1] = {L_SKIP + N_STACK};
    const bb31 *pvs[1] = {pv};
    enum swirl_status st = swirl_zerocheck_verify(rv, &nrv, &tvr, &zp, &gkr, &bp, airs, lh, pvs, 1);
    if (tamper) {
        CHECK_STATUS(st, SWIRL_E_PROOF_REJECTED);
    } else {
        CHECK_OK(st);
        CHECK(nrv == nr && memcmp(r, rv, nr * sizeof *r) == 0);
        bb31x4 claims[2][2];
        for (size_t c = 0; c < 2; c++) {
            claims[c][0] = bp.openings[2 * c];
            claims[c][1] = bp.openings[2 * c + 1];
        }
        /* the openings are what the commitment holds */
        bb31x4 oracle[2][2];
        CHECK_OK(swirl_stacked_reduction_claims(oracle, &cv, 1, L_SKIP, r));
        CHECK(memcmp(oracle, claims, sizeof claims) == 0);
        CHECK_OK(swirl_stacked_reduction_verify(uv, &tvr, &sp, &cv, 1, L_SKIP, N_STACK,
                                                (const bb31x4(*)[2])claims, 2, rv));
        CHECK(memcmp(u, uv, (1 + N_STACK) * sizeof *u) == 0);
        size_t w0 = swirl_stacked_pcs_layout(d)->width;
        CHECK_OK(swirl_whir_verify(&tvr, &p, &wp, sp.stacking_openings, &w0, &root, 1, ucube));
        CHECK(memcmp(&tp, &tvr, sizeof tp) == 0);
        /* a claim that is not the committed column's value fails the stacked reduction */
        swirl_transcript t2;
        swirl_transcript_init(&t2);
        swirl_transcript_observe_digest(&t2, &root);
        CHECK_OK(swirl_zerocheck_verify(rv, &nrv, &t2, &zp, &gkr, &bp, airs, lh, pvs, 1));
        claims[1][1] = bb31x4_add(claims[1][1], bb31x4_one());
        CHECK_STATUS(swirl_stacked_reduction_verify(uv, &t2, &sp, &cv, 1, L_SKIP, N_STACK,
                                                    (const bb31x4(*)[2])claims, 2, rv),
                     SWIRL_E_PROOF_REJECTED);
    }
    swirl_whir_proof_clear(&wp);
    swirl_stacking_proof_clear(&sp);
    swirl_gkr_proof_clear(&gkr);
    swirl_batch_proof_clear(&bp);
    swirl_stacked_pcs_data_destroy(d);
    free(m);
    swirl_air_destroy(fib);
}

static void test_prove_verify(void) { run(0); }

static void test_wrong_trace(void) { run(1); }

static void test_wrong_opening(void) { run(2); }

/* Three AIRs of heights 32, 4 and 2 in one common-main commit (l_skip 2: one trace spans the
 * whole stacked height, one has n = 0, one is shorter than 2^l_skip), a sender and a receiver on
 * one bus plus fib: the per-trace openings, in layout order, are the stacked reduction's claims,
 * and the whole chain down to WHIR verifies. */
static void test_three_airs(void) {
    swirl_system_params p = params();
    swirl_air_builder *b;
    swirl_air *send, *recv, *fib;
    CHECK_OK(swirl_dummy_interaction_air_build(&b, 1, 1, 3, 0));
    CHECK_OK(swirl_air_compile(&send, b, 3));
    swirl_air_builder_destroy(b);
    CHECK_OK(swirl_dummy_interaction_air_build(&b, 1, 0, 3, 0));
    CHECK_OK(swirl_air_compile(&recv, b, 3));
    swirl_air_builder_destroy(b);
    CHECK_OK(swirl_fib_air_build(&b));
    CHECK_OK(swirl_air_compile(&fib, b, 3));
    swirl_air_builder_destroy(b);
    enum { HS = 32, HR = 4, HF = 2 };
    bb31 sm[2 * HS], rm[2 * HR], *fm;
    swirl_fixture_bus_traces(sm, rm);
    CHECK_OK(swirl_fib_trace(&fm, 0, 1, HF));
    bb31 pv[3] = {bb31_zero(), bb31_one(), fm[2 * HF - 1]};
    swirl_air_instance inst[3] = {{send, NULL, NULL, sm, HS, NULL},
                                  {recv, NULL, NULL, rm, HR, NULL},
                                  {fib, NULL, NULL, fm, HF, pv}};
    CHECK_OK(swirl_check_interactions(inst, 3));
    swirl_trace_view tv[3] = {{sm, HS, 2, NULL}, {rm, HR, 2, NULL}, {fm, HF, 2, NULL}};
    swirl_stacked_pcs_data *d;
    swirl_digest root;
    CHECK_OK(swirl_stacked_commit(NULL, &d, &root, tv, 3, L_SKIP, N_STACK, 1, 2));
    swirl_transcript tp, tvr;
    swirl_transcript_init(&tp);
    swirl_transcript_observe_digest(&tp, &root);
    tvr = tp;
    swirl_zc_params zp = {L_SKIP, 3, 1};
    swirl_gkr_proof gkr;
    swirl_batch_proof bp;
    bb31x4 r[16], rv[16], u[16], uv[16];
    size_t nr, nrv;
    CHECK_OK(swirl_zerocheck_prove(NULL, &gkr, &bp, r, &nr, &tp, &zp, inst, 3));
    int need_rot[3] = {0, 0, 1};
    swirl_stacked_commit_view cv = {swirl_stacked_pcs_layout(d), NULL, need_rot, d};
    swirl_stacking_proof sp;
    CHECK_OK(swirl_stacked_reduction_prove(NULL, &sp, u, &tp, &cv, 1, L_SKIP, N_STACK, r));
    const swirl_air *airs[3] = {send, recv, fib};
    unsigned lh[3] = {5, 2, 1};
    const bb31 *pvs[3] = {NULL, NULL, pv};
    CHECK_OK(swirl_zerocheck_verify(rv, &nrv, &tvr, &zp, &gkr, &bp, airs, lh, pvs, 3));
    bb31x4 claims[6][2], oracle[6][2];
    memset(claims, 0, sizeof claims);
    memset(oracle, 0, sizeof oracle);
    size_t o = 0, k = 0;
    for (int t = 0; t < 3; t++)
        for (int c = 0; c < 2; c++, k++) {
            claims[k][0] = bp.openings[o++];
            if (need_rot[t])
                claims[k][1] = bp.openings[o++];
        }
    CHECK(o == bp.openings_per_trace[0] + bp.openings_per_trace[1] + bp.openings_per_trace[2]);
    CHECK_OK(swirl_stacked_reduction_claims(oracle, &cv, 1, L_SKIP, r));
    for (k = 0; k < 6; k++) {
        CHECK(bb31x4_eq(claims[k][0], oracle[k][0]));
        if (k >= 4)
            CHECK(bb31x4_eq(claims[k][1], oracle[k][1]));
    }
    CHECK_OK(swirl_stacked_reduction_verify(uv, &tvr, &sp, &cv, 1, L_SKIP, N_STACK,
                                            (const bb31x4(*)[2])claims, 6, rv));
    CHECK(memcmp(u, uv, (1 + N_STACK) * sizeof *u) == 0);
    bb31x4 ucube[16];
    ucube[0] = u[0];
    for (int i = 1; i < L_SKIP; i++)
        ucube[i] = bb31x4_square(ucube[i - 1]);
    for (int i = 1; i <= N_STACK; i++)
        ucube[L_SKIP - 1 + i] = u[i];
    const swirl_stacked_pcs_data *cs[1] = {d};
    swirl_whir_proof wp;
    CHECK_OK(swirl_whir_prove(NULL, &wp, &tp, &p, cs, 1, ucube));
    size_t w0 = swirl_stacked_pcs_layout(d)->width;
    CHECK_OK(swirl_whir_verify(&tvr, &p, &wp, sp.stacking_openings, &w0, &root, 1, ucube));
    CHECK(memcmp(&tp, &tvr, sizeof tp) == 0);
    swirl_whir_proof_clear(&wp);
    swirl_stacking_proof_clear(&sp);
    swirl_gkr_proof_clear(&gkr);
    swirl_batch_proof_clear(&bp);
    swirl_stacked_pcs_data_destroy(d);
    free(fm);
    swirl_air_destroy(send);
    swirl_air_destroy(recv);
    swirl_air_destroy(fib);
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_three_airs),
    SWIRL_TEST(test_prove_verify),
    SWIRL_TEST(test_wrong_trace),
    SWIRL_TEST(test_wrong_opening),
};

int main(int argc, char **argv) { return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests)); }
