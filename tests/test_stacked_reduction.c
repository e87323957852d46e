/* Stacked opening reduction: prove-then-verify for several trace shapes (heights above and below
 * 2^l_skip, several commits, with and without rotation claims); the verifier rejects wrong claims
 * and tampered proof fields without crashing; the prover's challenges equal the verifier's. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "pcs/stacked_reduction.h"

typedef struct fixture {
    swirl_stacked_layout layout[2];
    bb31 *matrix[2];
    int need_rot[2][8];
    swirl_stacked_commit_view views[2];
    bb31 *store[16];
    size_t n_store;
    size_t n_commits;
} fixture;

static void make_commit(fixture *f, size_t c, const unsigned *logs, const size_t *widths,
                        size_t n, unsigned l_skip, unsigned n_stack, const int *rot) {
    swirl_trace_view t[8] = {0};
    for (size_t m = 0; m < n; m++) {
        size_t h = (size_t)1 << logs[m];
        bb31 *v = malloc((h * widths[m] + 1) * sizeof *v);
        CHECK(v != NULL);
        for (size_t i = 0; i < h * widths[m]; i++)
            v[i] = bb31_from_u32(swirl_test_rand32());
        f->store[f->n_store++] = v;
        t[m].values = v;
        t[m].height = h;
        t[m].width = widths[m];
        f->need_rot[c][m] = rot[m];
    }
    CHECK_OK(swirl_stacked_matrix(&f->matrix[c], &f->layout[c], l_skip, n_stack, t, n));
    f->views[c].layout = &f->layout[c];
    f->views[c].matrix = f->matrix[c];
    f->views[c].need_rot = f->need_rot[c];
}

static void free_fixture(fixture *f) {
    for (size_t c = 0; c < f->n_commits; c++) {
        free(f->matrix[c]);
        swirl_stacked_layout_clear(&f->layout[c]);
    }
    for (size_t i = 0; i < f->n_store; i++)
        free(f->store[i]);
}

static bb31x4 rnd(void) {
    bb31x4 r;
    for (int i = 0; i < 4; i++)
        r.c[i] = bb31_from_u32(swirl_test_rand32());
    return r;
}

static void prove_verify(fixture *f, unsigned l_skip, unsigned n_stack, int tamper) {
    bb31x4 r[32], up[32], uv[32];
    for (unsigned i = 0; i <= n_stack; i++)
        r[i] = rnd();
    size_t ncl = 0;
    for (size_t c = 0; c < f->n_commits; c++)
        ncl += f->layout[c].num_cols;
    bb31x4(*claims)[2] = malloc((ncl + 1) * sizeof *claims);
    CHECK(claims != NULL);
    CHECK_OK(swirl_stacked_reduction_claims(claims, f->views, f->n_commits, l_skip, r));
    swirl_transcript tp, tv;
    swirl_transcript_init(&tp);
    swirl_transcript_observe(&tp, bb31_from_u32(42));
    tv = tp;
    swirl_stacking_proof proof;
    CHECK_OK(swirl_stacked_reduction_prove(NULL, &proof, up, &tp, f->views, f->n_commits, l_skip, n_stack, r));
    CHECK(proof.n_univariate == (2u << l_skip) - 1 && proof.n_rounds == n_stack);
    swirl_transcript tv0 = tv;
    CHECK_OK(swirl_stacked_reduction_verify(uv, &tv, &proof, f->views, f->n_commits, l_skip, n_stack,
                                            (const bb31x4(*)[2])claims, ncl, r));
    CHECK(memcmp(up, uv, (n_stack + 1) * sizeof *up) == 0);
    CHECK(memcmp(&tp, &tv, sizeof tp) == 0); /* same transcript traffic */
    {
        /* a claim count that is not the columns' (the flow derives both from the same layouts) */
        swirl_transcript t3 = tv0;
        CHECK_STATUS(swirl_stacked_reduction_verify(uv, &t3, &proof, f->views, f->n_commits, l_skip,
                                                    n_stack, (const bb31x4(*)[2])claims, ncl - 1,
                                                    r),
                     SWIRL_E_INVALID_ARG);
        CHECK(strstr(swirl_last_error(), "claims for") != NULL);
    }
    if (tamper) {
        /* a wrong claim */
        size_t k = (size_t)swirl_test_rand_below(ncl);
        claims[k][0] = bb31x4_add(claims[k][0], bb31x4_one());
        swirl_transcript t2 = tv0;
        CHECK_STATUS(swirl_stacked_reduction_verify(uv, &t2, &proof, f->views, f->n_commits, l_skip,
                                                    n_stack, (const bb31x4(*)[2])claims, ncl, r),
                     SWIRL_E_PROOF_REJECTED);
        claims[k][0] = bb31x4_sub(claims[k][0], bb31x4_one());
        /* tampered fields: round-0 coefficient, a round value, an opening */
        bb31x4 *fields[3] = {&proof.univariate_round_coeffs[1],
                             n_stack ? &proof.sumcheck_round_polys[n_stack - 1][1] : &proof.univariate_round_coeffs[0],
                             &proof.stacking_openings[0]};
        for (int i = 0; i < 3; i++) {
            bb31x4 saved = *fields[i];
            fields[i]->c[2] = bb31_add(fields[i]->c[2], bb31_one());
            t2 = tv0;
            CHECK_STATUS(swirl_stacked_reduction_verify(uv, &t2, &proof, f->views, f->n_commits,
                                                        l_skip, n_stack,
                                                        (const bb31x4(*)[2])claims, ncl, r),
                         SWIRL_E_PROOF_REJECTED);
            *fields[i] = saved;
        }
        /* malformed shape */
        proof.n_univariate--;
        t2 = tv0;
        CHECK_STATUS(swirl_stacked_reduction_verify(uv, &t2, &proof, f->views, f->n_commits, l_skip,
                                                    n_stack, (const bb31x4(*)[2])claims, ncl, r),
                     SWIRL_E_PROOF_MALFORMED);
        proof.n_univariate++;
    }
    swirl_stacking_proof_clear(&proof);
    free(claims);
}

static void test_single_trace(void) {
    fixture f;
    memset(&f, 0, sizeof f);
    static const unsigned logs[] = {6};
    static const size_t widths[] = {3};
    static const int rot[] = {1};
    make_commit(&f, 0, logs, widths, 1, 2, 4, rot);
    f.n_commits = 1;
    prove_verify(&f, 2, 4, 1);
    free_fixture(&f);
}

static void test_mixed_heights(void) {
    fixture f;
    memset(&f, 0, sizeof f);
    static const unsigned logs[] = {7, 5, 3, 2, 1, 0};
    static const size_t widths[] = {2, 3, 2, 1, 2, 3};
    static const int rot[] = {1, 0, 1, 1, 0, 1};
    make_commit(&f, 0, logs, widths, 6, 3, 5, rot);
    static const unsigned logs2[] = {4, 4};
    static const size_t widths2[] = {5, 1};
    static const int rot2[] = {0, 1};
    make_commit(&f, 1, logs2, widths2, 2, 3, 5, rot2);
    f.n_commits = 2;
    prove_verify(&f, 3, 5, 1);
    free_fixture(&f);
}

static void test_keccak_like_params(void) {
    fixture f;
    memset(&f, 0, sizeof f);
    static const unsigned logs[] = {8, 6};
    static const size_t widths[] = {9, 4};
    static const int rot[] = {1, 1};
    make_commit(&f, 0, logs, widths, 2, 4, 6, rot);
    f.n_commits = 1;
    prove_verify(&f, 4, 6, 0);
    free_fixture(&f);
}

static void test_bad_args(void) {
    swirl_stacking_proof p;
    swirl_transcript t;
    swirl_transcript_init(&t);
    bb31x4 u[4], r[4];
    memset(r, 0, sizeof r);
    CHECK_STATUS(swirl_stacked_reduction_prove(NULL, &p, u, &t, NULL, 1, 2, 2, r), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_stacked_reduction_prove(NULL, NULL, u, &t, NULL, 1, 2, 2, r), SWIRL_E_INVALID_ARG);
    swirl_stacking_proof_clear(NULL);
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_single_trace), SWIRL_TEST(test_mixed_heights),
    SWIRL_TEST(test_keccak_like_params), SWIRL_TEST(test_bad_args),
};

int main(int argc, char **argv) {
    return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
}
