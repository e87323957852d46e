/*
 * One trace as the batch constraint sumcheck (protocol/zerocheck.c) holds it while it proves: its
 * column views, the LogUp eq weights of its interactions and, after round 0, its folded tables.
 * The constraint_round0 / constraint_round slots of the primitive-operation table
 * (backend/ops.h) read it; the zerocheck driver owns and fills it.
 */
#ifndef SWIRL_PROTOCOL_ZEROCHECK_TRACE_H
#define SWIRL_PROTOCOL_ZEROCHECK_TRACE_H

#include "air/dag.h"
#include "backend/ops.h"

#define SWIRL_ZC_MAX_PARTS 66 /* preprocessed + cached + common */

/* A column-major part of a trace. View order: (prep, prep_rot?), (cached_i, cached_i_rot?)...,
 * (common, common_rot?); a rotated view reads row i + 1 (cyclically) for row i. */
typedef struct swirl_zc_view {
    const bb31 *base; /* column-major, height h */
    size_t width;
    int rot;
} swirl_zc_view;

struct swirl_zc_trace {
    const swirl_air_instance *in;
    const swirl_air *air;
    long n;              /* log2(h) - l_skip */
    size_t n_lift, h, L; /* max(n, 0); height; lifted height max(h, 2^l_skip) */
    int rot, has_prep;
    unsigned deg;
    swirl_zc_view v[2 * SWIRL_ZC_MAX_PARTS];
    size_t nv;
    bb31x4 *eq3b; /* LogUp eq weight per interaction */
    bb31 norm;    /* 1 / (L / h) */
    /* after round 0: folded values per view (width columns of cur_h, column-major) and the
     * selectors (is_first, is_transition, is_last: 3 columns of cur_h) */
    bb31x4 *fold[2 * SWIRL_ZC_MAX_PARTS];
    bb31x4 *fsel;
    size_t cur_h;
    bb31x4 tz, tn, td; /* tilde evaluations */
};

#endif /* SWIRL_PROTOCOL_ZEROCHECK_TRACE_H */
