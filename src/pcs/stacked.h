/*
 * The stacked PCS commitment (OpenVM v2.0.1 crates/stark-backend/src/prover/stacked_pcs.rs):
 *
 *  - layout: the columns of a list of traces, sorted by height descending, are laid greedily into
 *    columns of a stacked matrix of height 2^(l_skip + n_stack); a trace column of height
 *    2^h >= 2^l_skip occupies 2^h consecutive rows, a shorter one occupies 2^l_skip rows with its
 *    values 2^(l_skip - h) apart (strided, zeros between);
 *  - rs_code_matrix: each stacked column (evaluations on D x {0,1}^n, |D| = 2^l_skip) is turned
 * into the RS message (per chunk of 2^l_skip: inverse DFT, then the monomial-to-hypercube transform
 *    over the bits of the exponent: poly.rs eval_to_coeff_rs_message), zero-padded to
 *    2^(log_blowup + l_skip + n_stack) and evaluated by a forward DFT (natural order);
 *  - merkle_tree over the codeword rows with rows_per_query = 2^k_whir; the root is the commitment.
 *
 * Matrices are column-major (column c at values + c * height).
 */
#ifndef SWIRL_PCS_STACKED_H
#define SWIRL_PCS_STACKED_H

#include <stddef.h>

#include "device/ops.h"
#include "hash/merkle.h"
#include "poly/rs_code.h"

/** A column-major trace matrix view (not owned). height must be a power of two. */
typedef struct swirl_trace_view {
    const bb31 *values;
    size_t height;
    size_t width;
} swirl_trace_view;

/** Where one trace column lives in the stacked matrix. */
typedef struct swirl_stacked_slice {
    size_t mat_idx; /* index of the trace in the (sorted) input list */
    size_t col;     /* column index within that trace */
    size_t col_idx; /* stacked column */
    size_t row_idx; /* first stacked row */
    unsigned log_height;
} swirl_stacked_slice;

/** StackedLayout. Owns its arrays; clear with swirl_stacked_layout_clear. */
typedef struct swirl_stacked_layout {
    unsigned l_skip;
    size_t height;             /* 2^(log stacked height) */
    size_t width;              /* number of stacked columns */
    swirl_stacked_slice *cols; /* sorted_cols, in stacking order */
    size_t num_cols;
    size_t *mat_starts; /* mat_starts[m]: index in cols of trace m's first column */
    size_t num_mats;
} swirl_stacked_layout;

/** Rows a slice occupies: 2^max(log_height, l_skip). */
static inline size_t swirl_stacked_slice_len(const swirl_stacked_slice *s, unsigned l_skip) {
    return (size_t)1 << (s->log_height > l_skip ? s->log_height : l_skip);
}
/** Distance between consecutive values of a slice: 2^(l_skip - log_height) when shorter, else 1. */
static inline size_t swirl_stacked_slice_stride(const swirl_stacked_slice *s, unsigned l_skip) {
    return s->log_height >= l_skip ? 1 : (size_t)1 << (l_skip - s->log_height);
}

/** Committed stacked data (StackedPcsData). Owns everything; destroy with
 * swirl_stacked_pcs_data_destroy. */
typedef struct swirl_stacked_pcs_data {
    swirl_stacked_layout layout;
    bb31 *matrix;   /* stacked evaluations, layout.height x layout.width, column-major */
    bb31 *codeword; /* RS codewords, cw_height x layout.width, column-major */
    size_t cw_height;
    swirl_merkle_tree *tree; /* over codeword rows, rows_per_query = 2^k_whir */
} swirl_stacked_pcs_data;

#ifdef __cplusplus
extern "C" {
#endif

/**
 * StackedLayout::new: widths[m] columns of height 2^log_heights[m] for each of n_mats matrices,
 * which must be sorted by log height, descending. Errors: unsorted input, a height above the
 * stacked height, overflow.
 */
enum swirl_status swirl_stacked_layout_init(swirl_stacked_layout *layout, unsigned l_skip,
                                            unsigned log_stacked_height, const size_t *widths,
                                            const unsigned *log_heights,
                                            size_t n_mats) SWIRL_WARN_UNUSED_RESULT;
void swirl_stacked_layout_clear(swirl_stacked_layout *layout);

/**
 * stacked_matrix: lays the traces (sorted by height, descending) into a new column-major matrix of
 * layout->height x layout->width (caller frees *out with free()). layout is initialized here.
 */
enum swirl_status swirl_stacked_matrix(bb31 **out, swirl_stacked_layout *layout, unsigned l_skip,
                                       unsigned n_stack, const swirl_trace_view *traces,
                                       size_t n_traces) SWIRL_WARN_UNUSED_RESULT;

/** stacked_commit: stacking, RS encoding, Merkle tree; writes the root to *root. */
/* `ops`: the primitive table for the RS encoding and the Merkle tree (NULL: the CPU table). */
enum swirl_status swirl_stacked_commit(const swirl_backend_ops *ops, swirl_stacked_pcs_data **out,
                                       swirl_digest *root, const swirl_trace_view *traces,
                                       size_t n_traces, unsigned l_skip, unsigned n_stack,
                                       unsigned log_blowup,
                                       unsigned k_whir) SWIRL_WARN_UNUSED_RESULT;
void swirl_stacked_pcs_data_destroy(swirl_stacked_pcs_data *data);

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_PCS_STACKED_H */
