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

#include <stdint.h>

#include "device/ops.h"
#include "poly/rs_code.h"

/** A column-major trace matrix view (not owned). height must be a power of two. d_values: the
 *  matrix in device memory of the committing CUDA context instead (values NULL), read there by
 *  the GPU commit (prover/cuda_stacked_commit.h); the CPU commit refuses such a view
 *  (SWIRL_E_INVALID_ARG: NULL values). */
typedef struct swirl_trace_view {
    const bb31 *values;
    size_t height;
    size_t width;
    const bb31 *d_values;
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

/**
 * Where one matrix of the layout lies in the stacked matrix (column-major, layout height rows):
 * value i of the matrix's column c is at offset + c * col_len + i * stride.
 */
typedef struct swirl_stacked_block {
    size_t offset;  /* the matrix's first value (column 0, row 0) */
    size_t col_len; /* 2^max(log height, l_skip): the rows each column occupies */
    size_t stride;  /* col_len / height: 1, or the spacing of a column shorter than 2^l_skip */
    size_t width, height;
} swirl_stacked_block;

/*
 * Committed stacked data (StackedPcsData): opaque, owned by the backend that committed it. The
 * CPU commitment (swirl_stacked_commit) keeps the stacked matrix, the codeword and the Merkle
 * layers in host memory; a device backend keeps its own copies where it computed them and wraps
 * them with swirl_stacked_pcs_data_wrap and a swirl_stacked_pcs_impl. The openings reach the data
 * only through the functions below:
 *
 *  - swirl_stacked_pcs_open_rows: WHIR's query openings (rows and Merkle paths), served by the
 *    owner (the GPU gathers them on the device);
 *  - swirl_stacked_pcs_host_matrix: the stacked matrix in host memory, for the stages that still
 *    run on the CPU (the stacked reduction, WHIR's first batching). For device data this is the
 *    ONE fallback path that copies it to the host: the owner logs it and records it (a CUDA
 *    backend as stage "cpu_fallback:pcs_download" with its bytes); it happens once per data, the
 *    copy is kept with the data.
 *
 * Destroy with swirl_stacked_pcs_data_destroy, before the backend that committed it.
 */
typedef struct swirl_stacked_pcs_data swirl_stacked_pcs_data;

/** The backend side of PCS data it committed (prover/cuda_pcs.c for the GPU). */
typedef struct swirl_stacked_pcs_impl {
    const char *name;
    /** Opens queries idx[0..n) (each < plan->layer_len[0]) as swirl_merkle_open_host would: the
     *  rows of query i at rows + i * rows_per_query * width, its path at paths + i * depth. */
    enum swirl_status (*open_rows)(void *state, const swirl_merkle_plan *plan,
                                   const uint32_t *idx, size_t n, bb31 *rows,
                                   swirl_digest *paths);
    /** Copies the stacked matrix (`bytes`, column-major) into host memory `out`, counted and
     *  logged as a fallback. */
    enum swirl_status (*host_matrix)(void *state, bb31 *out, size_t bytes);
    /** Frees the state (NULL: nothing). */
    void (*destroy)(void *state);
} swirl_stacked_pcs_impl;

#ifdef __cplusplus
extern "C" {
#endif

/**
 * PCS data of a backend: takes the layout (moved: *layout is left empty, on failure too), the
 * tree's plan and root, and `state` (owned: impl->destroy frees it, on failure too). cw_height =
 * layout->height << log_blowup. Errors: SWIRL_E_NOMEM, SWIRL_E_INVALID_ARG (a plan that does not
 * fit).
 */
enum swirl_status swirl_stacked_pcs_data_wrap(swirl_stacked_pcs_data **out,
                                              swirl_stacked_layout *layout, unsigned log_blowup,
                                              const swirl_merkle_plan *plan,
                                              const swirl_digest *root,
                                              const swirl_stacked_pcs_impl *impl,
                                              void *state) SWIRL_WARN_UNUSED_RESULT;

const swirl_stacked_layout *swirl_stacked_pcs_layout(const swirl_stacked_pcs_data *d);
/** Rows of the codeword (layout height << log_blowup). */
size_t swirl_stacked_pcs_cw_height(const swirl_stacked_pcs_data *d);
swirl_digest swirl_stacked_pcs_root(const swirl_stacked_pcs_data *d);
/** The Merkle tree's shape (rows per query, layer lengths, path depth). */
const swirl_merkle_plan *swirl_stacked_pcs_plan(const swirl_stacked_pcs_data *d);
/** Non-zero when the data lives in host memory (the CPU commitment). */
int swirl_stacked_pcs_on_host(const swirl_stacked_pcs_data *d);

/**
 * Opens the queries idx[0..n) (each below the query stride): rows_per_query rows of the codeword
 * per query (row by row, width values each) at rows + i * rows_per_query * width, and the
 * Merkle path (depth digests, bottom up) at paths + i * depth. Either output may be NULL.
 */
enum swirl_status swirl_stacked_pcs_open_rows(const swirl_stacked_pcs_data *d, const uint32_t *idx,
                                              size_t n, bb31 *rows,
                                              swirl_digest *paths) SWIRL_WARN_UNUSED_RESULT;

/**
 * The stacked matrix in host memory (layout height x width, column-major), valid while d lives.
 * Host data: at once. Device data: the fallback copy (counted and logged by the owner) the first
 * time, kept with the data after.
 */
enum swirl_status swirl_stacked_pcs_host_matrix(const swirl_stacked_pcs_data *d,
                                                const bb31 **out) SWIRL_WARN_UNUSED_RESULT;

/** The backend state of data wrapped with `impl` (swirl_stacked_pcs_data_wrap), NULL for any
 *  other data: a device backend reaches its own buffers (its device matrix) through it. */
void *swirl_stacked_pcs_impl_state(const swirl_stacked_pcs_data *d,
                                   const swirl_stacked_pcs_impl *impl);

/** Host data only (tests, OpenVM vectors): the codeword and digest layer i (NULL otherwise). */
const bb31 *swirl_stacked_pcs_host_codeword(const swirl_stacked_pcs_data *d);
const swirl_digest *swirl_stacked_pcs_host_layer(const swirl_stacked_pcs_data *d, size_t i,
                                                 size_t *len);


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
 * Matrix `mat` of the layout as one block of the stacked matrix (swirl_stacked_block). The greedy
 * layout always makes one: the heights are powers of two sorted descending, so a stacked column
 * is filled exactly before the next one starts, and column-major storage puts stacked column j + 1
 * right after column j; the columns of a matrix therefore follow each other in memory. A matrix
 * of height >= 2^l_skip is a contiguous column-major height x width block (stride 1: its columns
 * can be read in place); a shorter one has its values stride apart with zeros between. Checks
 * every column of the matrix against that formula: returns 1 and fills *out when all match, 0
 * (nothing written) for a zero-width matrix, an index out of range, or any column elsewhere.
 */
int swirl_stacked_layout_block(const swirl_stacked_layout *layout, size_t mat,
                               swirl_stacked_block *out);

/**
 * stacked_matrix: lays the traces (sorted by height, descending) into a new column-major matrix of
 * layout->height x layout->width (caller frees *out with free()). layout is initialized here.
 */
enum swirl_status swirl_stacked_matrix(bb31 **out, swirl_stacked_layout *layout, unsigned l_skip,
                                       unsigned n_stack, const swirl_trace_view *traces,
                                       size_t n_traces) SWIRL_WARN_UNUSED_RESULT;

/**
 * stacked_commit on the CPU: stacking, RS encoding, Merkle tree (host data); writes the root to
 * *root. `ops`: the primitive table for the RS encoding and the Merkle tree (NULL: the CPU
 * table); its slots are given host buffers.
 */
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
