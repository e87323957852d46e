/* WHIR inputs for the twin and GPU tests: up to three commits of random traces (CPU commitments,
 * the traces kept for a GPU commitment of the same data), a random u_cube, a transcript that has
 * seen something, the shapes of test_whir_twin, and a field-by-field comparison of two WHIR
 * proofs. Header-only (static functions). */
#ifndef SWIRL_TESTS_WHIR_FIXTURE_H
#define SWIRL_TESTS_WHIR_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "harness.h"
#include "pcs/whir.h"
#include "pcs/whir_config.h"

#define WF_MAX_COMMITS 3
#define WF_MAX_MATS 4

typedef struct whir_fixture {
    swirl_system_params p;
    swirl_stacked_pcs_data *d[WF_MAX_COMMITS];
    swirl_trace_view traces[WF_MAX_COMMITS][WF_MAX_MATS];
    size_t n_traces[WF_MAX_COMMITS];
    bb31 *store[WF_MAX_COMMITS * WF_MAX_MATS];
    size_t n_store, n_commits;
    bb31x4 u[64];
} whir_fixture;

/* nc commits, per[c] traces each (log heights logs[], widths[], in order), CPU commitments */
static void wf_init(whir_fixture *f, const swirl_system_params *p, const unsigned *logs,
                    const size_t *widths, const size_t *per, size_t nc) {
    memset(f, 0, sizeof *f);
    f->p = *p;
    CHECK(nc <= WF_MAX_COMMITS);
    size_t ti = 0;
    for (size_t c = 0; c < nc; c++) {
        CHECK(per[c] <= WF_MAX_MATS);
        for (size_t i = 0; i < per[c]; i++, ti++) {
            size_t h = (size_t)1 << logs[ti];
            bb31 *v = malloc((h * widths[ti] + 1) * sizeof *v);
            CHECK(v != NULL);
            for (size_t j = 0; j < h * widths[ti]; j++)
                v[j] = bb31_from_u32(swirl_test_rand32());
            f->store[f->n_store++] = v;
            f->traces[c][i].values = v;
            f->traces[c][i].height = h;
            f->traces[c][i].width = widths[ti];
        }
        f->n_traces[c] = per[c];
        swirl_digest root;
        CHECK_OK(swirl_stacked_commit(NULL, &f->d[c], &root, f->traces[c], per[c],
                                      (unsigned)p->l_skip, (unsigned)p->n_stack,
                                      (unsigned)p->log_blowup, (unsigned)p->whir.k));
    }
    f->n_commits = nc;
    for (size_t i = 0; i < p->l_skip + p->n_stack; i++)
        for (int c = 0; c < 4; c++)
            f->u[i].c[c] = bb31_from_u32(swirl_test_rand32());
}

static void wf_free(whir_fixture *f) {
    for (size_t c = 0; c < f->n_commits; c++)
        swirl_stacked_pcs_data_destroy(f->d[c]);
    for (size_t i = 0; i < f->n_store; i++)
        free(f->store[i]);
    memset(f, 0, sizeof *f);
}

static const swirl_stacked_pcs_data *const *wf_commits(const whir_fixture *f) {
    return (const swirl_stacked_pcs_data *const *)f->d;
}

static void wf_transcript(swirl_transcript *t) {
    swirl_transcript_init(t);
    swirl_transcript_observe(t, bb31_from_u32(7));
}

/* the shapes of test_whir_twin */
#define WF_SHAPES 4
static void wf_shape(whir_fixture *f, int s) {
    switch (s) {
    case 0: { /* one commit */
        swirl_system_params p = swirl_fixture_params(2, 6, 2, 2, 2, 32);
        static const unsigned logs[] = {7, 4, 1};
        static const size_t widths[] = {3, 2, 5}, per[] = {3};
        wf_init(f, &p, logs, widths, per, 1);
        break;
    }
    case 1: { /* two commits, k 3 */
        swirl_system_params p = swirl_fixture_params(3, 6, 3, 3, 1, 31);
        static const unsigned logs[] = {9, 6, 2};
        static const size_t widths[] = {2, 3, 1}, per[] = {1, 2};
        wf_init(f, &p, logs, widths, per, 2);
        break;
    }
    case 2: { /* a single round */
        swirl_system_params p = swirl_fixture_params(2, 3, 2, 3, 0, 30);
        static const unsigned logs[] = {5};
        static const size_t widths[] = {2}, per[] = {1};
        wf_init(f, &p, logs, widths, per, 1);
        break;
    }
    default: { /* l_skip 0 */
        swirl_system_params p = swirl_fixture_params(0, 8, 2, 2, 1, 31);
        static const unsigned logs[] = {8, 3};
        static const size_t widths[] = {2, 4}, per[] = {2};
        wf_init(f, &p, logs, widths, per, 1);
        break;
    }
    }
}

/* every field of two WHIR proofs of the same shape */
static void wf_same_proof(const swirl_whir_proof *a, const swirl_whir_proof *b, const char *what) {
    CHECK_MSG(a->n_sumcheck == b->n_sumcheck && a->n_codeword == b->n_codeword &&
                  a->n_rounds == b->n_rounds && a->n_commits == b->n_commits &&
                  a->n_final == b->n_final, "%s: proof shapes differ", what);
    size_t R = a->n_rounds;
    CHECK(R > 0 && a->n_sumcheck % R == 0);
    size_t k = a->n_sumcheck / R;
    CHECK(memcmp(a->widths, b->widths, a->n_commits * sizeof *a->widths) == 0);
    CHECK_MSG(bb31_eq(a->mu_pow_witness, b->mu_pow_witness), "%s: mu witness", what);
    /* the first differing sumcheck entry, with the folding witnesses up to it (a wrong
     * transcript shows as a right entry sc with a wrong witness sc and wrong entries after) */
    for (size_t sc = 0; sc < R * k; sc++) {
        if (memcmp(a->sumcheck_polys[sc], b->sumcheck_polys[sc], sizeof a->sumcheck_polys[sc]) == 0)
            continue;
        for (size_t j = 0; j <= sc; j++)
            fprintf(stderr, "  %s: sumcheck %zu %s, folding witness %u / %u\n", what, j,
                    j == sc ? "differs" : "equal", (unsigned)bb31_to_u32(a->folding_pow_witnesses[j]),
                    (unsigned)bb31_to_u32(b->folding_pow_witnesses[j]));
        CHECK_MSG(0, "%s: sumcheck polynomials differ from entry %zu of %zu", what, sc, R * k);
    }
    CHECK_MSG(memcmp(a->folding_pow_witnesses, b->folding_pow_witnesses, R * k * sizeof(bb31)) == 0,
              "%s: folding witnesses differ", what);
    CHECK_MSG(memcmp(a->query_pow_witnesses, b->query_pow_witnesses, R * sizeof(bb31)) == 0,
              "%s: query witnesses differ", what);
    CHECK_MSG(R < 2 || memcmp(a->codeword_commits, b->codeword_commits,
                              (R - 1) * sizeof(swirl_digest)) == 0, "%s: codeword roots", what);
    CHECK_MSG(R < 2 || memcmp(a->ood_values, b->ood_values, (R - 1) * sizeof(bb31x4)) == 0,
              "%s: OOD values differ", what);
    CHECK_MSG(memcmp(a->final_poly, b->final_poly, a->n_final * sizeof(bb31x4)) == 0,
              "%s: final polynomials differ", what);
}

/* the openings, whose lengths follow from the plan */
static void wf_same_openings(const swirl_whir_proof *a, const swirl_whir_proof *b,
                             const swirl_system_params *p, const char *what) {
    swirl_whir_plan wp;
    CHECK_OK(swirl_whir_plan_init(&wp, p));
    size_t k = wp.k, q0 = wp.rounds[0].num_queries, d0 = wp.rounds[0].log_query_domain;
    size_t rows0 = 0, vals = 0, paths = 0;
    for (size_t c = 0; c < a->n_commits; c++)
        rows0 += (q0 << k) * a->widths[c];
    for (size_t r = 1; r < wp.num_rounds; r++) {
        vals += wp.rounds[r].num_queries << k;
        paths += wp.rounds[r].num_queries * wp.rounds[r].log_query_domain;
    }
    CHECK_MSG(memcmp(a->initial_rows, b->initial_rows, rows0 * sizeof(bb31)) == 0,
              "%s: initial rows differ", what);
    CHECK_MSG(memcmp(a->initial_paths, b->initial_paths,
                     a->n_commits * q0 * d0 * sizeof(swirl_digest)) == 0,
              "%s: initial paths differ", what);
    CHECK_MSG(memcmp(a->codeword_values, b->codeword_values, vals * sizeof(bb31x4)) == 0,
              "%s: codeword values differ", what);
    CHECK_MSG(memcmp(a->codeword_paths, b->codeword_paths, paths * sizeof(swirl_digest)) == 0,
              "%s: codeword paths differ", what);
}

#endif /* SWIRL_TESTS_WHIR_FIXTURE_H */
