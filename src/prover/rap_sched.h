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
#include "pcs/stacked.h"
#include "prover/rap_impl.h"
#include "prover/rap_plan.h"

#define SWIRL_RAP_MAX_VIEWS (2 * SWIRL_ZC_MAX_PARTS)

/* the partition a view reads (swirl_rap_view_set.part): cached partition c (c >= 0), the common
 * main or the preprocessed trace */
#define SWIRL_RAP_PART_COMMON (-1)
#define SWIRL_RAP_PART_PREP (-2)

typedef struct swirl_rap_view_set {
    size_t nv;
    const bb31 *base[SWIRL_RAP_MAX_VIEWS]; /* host columns of the view (column-major, height h) */
    int part[SWIRL_RAP_MAX_VIEWS];         /* the partition it reads (SWIRL_RAP_PART_*) */
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

/* Where a view's partition lies in the committed data (swirl_rap_sched_sources). */
typedef struct swirl_rap_source {
    const swirl_stacked_pcs_data *data; /* NULL: not found among the commitments (see why) */
    swirl_stacked_block block;          /* the partition's matrix in data's stacked matrix */
    const char *why;                    /* data NULL: the reason, a static string */
} swirl_rap_source;

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

/**
 * Finds every view's partition in the committed data, in the rap_constraints slot's order
 * (prover/stages.h): commits[0] the common main (trace ti's common columns are its matrix ti),
 * then per trace in order its preprocessed data (when the AIR has a preprocessed trace) and one
 * commitment per cached partition (matrix 0 of each). src[ti * SWIRL_RAP_MAX_VIEWS + vi] gets
 * view vi of trace ti: the data and the matrix's block (pcs/stacked.h swirl_stacked_layout_block)
 * when the matrix there has the partition's width and the trace's height, else data NULL and
 * the reason (n_commits 0 or too short, a list whose length does not fit the order, a shape that
 * differs, a zero-width partition). The values are not compared: the caller commits the traces
 * it passes. Host-only (no device work).
 */
void swirl_rap_sched_sources(const swirl_rap_sched *s, const swirl_air_instance *traces,
                             const swirl_stacked_pcs_data *const *commits, size_t n_commits,
                             swirl_rap_source *src);

/** Round 0's points (P = G N: g^(c+1) omega^i, coset c, i < N) and the Lagrange weights of the
 *  rows at them (lag[p N + j] = eq_uni(pts[p], omega^j)), as zerocheck.c's round0_setup. */
void swirl_rap_sched_round0_points(const swirl_rap_sched *s, bb31 *pts, bb31 *lag);

/** The stage's last Fiat-Shamir step, on the host transcript t after the stage's one sync: the
 *  openings (proof buffer `proof`, already downloaded) observed as zerocheck.c's
 *  observe_openings does — every trace's common part (claim, claim_rot or zero), then every
 *  trace's other parts. (On one GPU thread this was 25 ms for KeccakAir's 5,266 values.) */
void swirl_rap_sched_observe_openings(const swirl_rap_sched *s, const bb31x4 *proof,
                                      swirl_transcript *t);
/** The values swirl_rap_sched_observe_openings observes, in its order, into out (NULL: only
 *  counted); returns how many. */
size_t swirl_rap_sched_openings_values(const swirl_rap_sched *s, const bb31x4 *proof,
                                       bb31x4 *out);

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_PROVER_RAP_SCHED_H */
