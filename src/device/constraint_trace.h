/*
 * One trace as the batch constraint sumcheck (protocol/zerocheck.c) holds it while it proves: its
 * column views, the LogUp eq weights of its interactions and, after round 0, its folded tables.
 * The constraint_round0 / constraint_round slots of the device table (device/ops.h; the CPU ones
 * in device/cpu/constraint.c) read it; the zerocheck driver owns and fills it.
 */
#ifndef SWIRL_DEVICE_CONSTRAINT_TRACE_H
#define SWIRL_DEVICE_CONSTRAINT_TRACE_H

#include "air/dag.h"
#include "device/ops.h"

#define SWIRL_ZC_MAX_PARTS 66   /* preprocessed + cached + common */
#define SWIRL_ZC_MAX_L 8        /* l_skip */
#define SWIRL_ZC_MAX_COS 8      /* cosets of the skip domain in round 0 */
#define SWIRL_ZC_MAX_WIDTH 4096 /* columns per partition */

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

#ifdef __cplusplus
extern "C" {
#endif

/** The index of the view holding a variable's partition (entry, part) at row offset `off`. */
size_t swirl_zc_view_of(const swirl_zc_trace *t, uint8_t entry, uint32_t part, uint8_t off);
/** Runs the AIR's constraint program (air/program.h) on one point in the extension field:
 *  sels = (is_first, is_transition, is_last), cols[view][column]; V holds program->n_vals values. */
void swirl_zc_eval_ext(bb31x4 *V, const swirl_zc_trace *t, const bb31x4 *sels,
                       bb31x4 *const *cols);
/** sum_k lp[k] * constraint_k over the program's outputs in V. */
bb31x4 swirl_zc_acc_constraints(const swirl_zc_trace *t, const bb31x4 *V, const bb31x4 *lp);
/** The LogUp numerator and denominator sums (eq3b-weighted, beta powers bp) over V. */
void swirl_zc_acc_interactions(bb31x4 *num, bb31x4 *den, const swirl_zc_trace *t,
                               const bb31x4 *V, const bb31x4 *bp);

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_DEVICE_CONSTRAINT_TRACE_H */
