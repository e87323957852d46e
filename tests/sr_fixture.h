/* Stacked-reduction inputs for the twin and GPU tests: up to three commits of random traces
 * (heights above and below 2^l_skip, with and without rotation claims), a random r and a
 * transcript that has seen something. Header-only (static functions). */
#ifndef SWIRL_TESTS_SR_FIXTURE_H
#define SWIRL_TESTS_SR_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "pcs/stacked_reduction.h"

#define SRF_MAX_COMMITS 3
#define SRF_MAX_MATS 8

typedef struct sr_fixture {
    swirl_stacked_layout layout[SRF_MAX_COMMITS];
    bb31 *matrix[SRF_MAX_COMMITS];
    int need_rot[SRF_MAX_COMMITS][SRF_MAX_MATS];
    swirl_stacked_commit_view views[SRF_MAX_COMMITS];
    swirl_trace_view traces[SRF_MAX_COMMITS][SRF_MAX_MATS];
    size_t n_traces[SRF_MAX_COMMITS];
    bb31 *store[SRF_MAX_COMMITS * SRF_MAX_MATS];
    size_t n_store;
    size_t n_commits;
    unsigned l_skip, n_stack;
    bb31x4 r[32];
} sr_fixture;

/* one commit of n traces (log heights logs[], sorted descending; widths[]; rotation flags) */
static void srf_commit(sr_fixture *f, const unsigned *logs, const size_t *widths, size_t n,
                       const int *rot) {
    size_t c = f->n_commits++;
    CHECK(c < SRF_MAX_COMMITS && n <= SRF_MAX_MATS);
    for (size_t m = 0; m < n; m++) {
        size_t h = (size_t)1 << logs[m];
        bb31 *v = malloc((h * widths[m] + 1) * sizeof *v);
        CHECK(v != NULL);
        for (size_t i = 0; i < h * widths[m]; i++)
            v[i] = bb31_from_u32(swirl_test_rand32());
        f->store[f->n_store++] = v;
        f->traces[c][m].values = v;
        f->traces[c][m].height = h;
        f->traces[c][m].width = widths[m];
        f->need_rot[c][m] = rot[m];
    }
    f->n_traces[c] = n;
    CHECK_OK(swirl_stacked_matrix(&f->matrix[c], &f->layout[c], f->l_skip, f->n_stack,
                                  f->traces[c], n));
    f->views[c].layout = &f->layout[c];
    f->views[c].matrix = f->matrix[c];
    f->views[c].need_rot = f->need_rot[c];
    f->views[c].pcs = NULL;
}

static bb31x4 srf_rnd(void) {
    bb31x4 r;
    for (int i = 0; i < 4; i++)
        r.c[i] = bb31_from_u32(swirl_test_rand32());
    return r;
}

static void srf_init(sr_fixture *f, unsigned l_skip, unsigned n_stack) {
    memset(f, 0, sizeof *f);
    f->l_skip = l_skip;
    f->n_stack = n_stack;
    for (unsigned i = 0; i <= n_stack; i++)
        f->r[i] = srf_rnd();
}

static void srf_transcript(swirl_transcript *t) {
    swirl_transcript_init(t);
    swirl_transcript_observe(t, bb31_from_u32(42));
}

static void srf_free(sr_fixture *f) {
    for (size_t c = 0; c < f->n_commits; c++) {
        free(f->matrix[c]);
        swirl_stacked_layout_clear(&f->layout[c]);
    }
    for (size_t i = 0; i < f->n_store; i++)
        free(f->store[i]);
}

/* The shapes both tests run: index s < SRF_SHAPES. */
#define SRF_SHAPES 5
static void srf_shape(sr_fixture *f, int s) {
    switch (s) {
    case 0: { /* one trace, l_skip 2 */
        static const unsigned logs[] = {6};
        static const size_t widths[] = {3};
        static const int rot[] = {1};
        srf_init(f, 2, 4);
        srf_commit(f, logs, widths, 1, rot);
        break;
    }
    case 1: { /* heights below 2^l_skip, two commits */
        static const unsigned logs[] = {7, 5, 3, 2, 1, 0};
        static const size_t widths[] = {2, 3, 2, 1, 2, 3};
        static const int rot[] = {1, 0, 1, 1, 0, 1};
        static const unsigned logs2[] = {4, 4};
        static const size_t widths2[] = {5, 1};
        static const int rot2[] = {0, 1};
        srf_init(f, 3, 5);
        srf_commit(f, logs, widths, 6, rot);
        srf_commit(f, logs2, widths2, 2, rot2);
        break;
    }
    case 2: { /* keccak-like parameters */
        static const unsigned logs[] = {8, 6};
        static const size_t widths[] = {9, 4};
        static const int rot[] = {1, 1};
        srf_init(f, 4, 6);
        srf_commit(f, logs, widths, 2, rot);
        break;
    }
    case 3: { /* three commits, n_stack 0 (one row block per column) */
        static const unsigned logs[] = {2, 1};
        static const size_t widths[] = {2, 3};
        static const int rot[] = {1, 0};
        static const unsigned logs2[] = {2};
        static const size_t widths2[] = {1};
        static const int rot2[] = {1};
        static const unsigned logs3[] = {0};
        static const size_t widths3[] = {4};
        static const int rot3[] = {1};
        srf_init(f, 2, 0);
        srf_commit(f, logs, widths, 2, rot);
        srf_commit(f, logs2, widths2, 1, rot2);
        srf_commit(f, logs3, widths3, 1, rot3);
        break;
    }
    default: { /* l_skip 0, a wider spread of heights */
        static const unsigned logs[] = {9, 8, 4, 3, 0};
        static const size_t widths[] = {3, 2, 5, 3, 7};
        static const int rot[] = {1, 1, 0, 1, 1};
        static const unsigned logs2[] = {9, 2};
        static const size_t widths2[] = {1, 2};
        static const int rot2[] = {0, 1};
        srf_init(f, s == 4 ? 1 : 0, 9);
        srf_commit(f, logs, widths, 5, rot);
        srf_commit(f, logs2, widths2, 2, rot2);
        break;
    }
    }
}

#endif /* SWIRL_TESTS_SR_FIXTURE_H */
