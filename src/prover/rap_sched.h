/*
 * The host side of the device rap_constraints stage's schedule (prover/rap_impl.h): everything the
 * kernels and control steps need that depends only on the AIRs and the trace heights, planned once
 * before the stage: the plan (rap_plan.h: shapes and the proof buffer), the shape and per-trace
 * records the control steps read, the LogUp leaf offset of every interaction column, each trace's
 * views (constraint_trace.h order) and the column layout of its folded table (every view's columns
 * and the three selectors, packed column-major), and the source of every opened value.
 * prover/cuda_rap.cu and tests/test_rap_twin.c both run from it.
 */
#ifndef SWIRL_PROVER_RAP_SCHED_H
#define SWIRL_PROVER_RAP_SCHED_H

#include "device/constraint_trace.h"
#include "prover/rap_impl.h"
#include "prover/rap_plan.h"

#define SWIRL_RAP_MAX_VIEWS (2 * SWIRL_ZC_MAX_PARTS)

typedef struct swirl_rap_view_set {
    size_t nv;
    const bb31 *base[SWIRL_RAP_MAX_VIEWS]; /* host columns of the view (column-major, height h) */
    size_t width[SWIRL_RAP_MAX_VIEWS];
    int rot[SWIRL_RAP_MAX_VIEWS];
    size_t col0[SWIRL_RAP_MAX_VIEWS]; /* first column of the view in the folded table */
    size_t fold_cols;                 /* columns of the folded table: views' widths + 3 */
} swirl_rap_view_set;

typedef struct swirl_rap_sched {
    swirl_rap_plan plan;
    swirl_rap_shape sh;
    swirl_rap_trace *tr;      /* n (owned) */
    swirl_rap_view_set *vs;   /* n (owned) */
    uint32_t *row_idx;        /* n_int entries (owned) */
    size_t n_int;             /* interactions of all traces */
    uint32_t *open_src;       /* 3 per opened value: trace, view, column (owned) */
    uint64_t pow_bits;
} swirl_rap_sched;

#ifdef __cplusplus
extern "C" {
#endif

/** Plans the schedule of swirl_zerocheck_prove's work for the traces (its argument checks: sorted
 *  power-of-two heights, columns present, the fixed limits). SWIRL_E_INVALID_ARG /
 *  SWIRL_E_UNSUPPORTED / SWIRL_E_NOMEM with a message. */
enum swirl_status swirl_rap_sched_make(swirl_rap_sched *s, const swirl_zc_params *zp,
                                       const swirl_air_instance *traces,
                                       size_t n) SWIRL_WARN_UNUSED_RESULT;
void swirl_rap_sched_clear(swirl_rap_sched *s);

/** Round 0's points (P = G N: g^(c+1) omega^i, coset c, i < N) and the Lagrange weights of the
 *  rows at them (lag[p N + j] = eq_uni(pts[p], omega^j)), as zerocheck.c's round0_setup. */
void swirl_rap_sched_round0_points(const swirl_rap_sched *s, bb31 *pts, bb31 *lag);

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_PROVER_RAP_SCHED_H */
