/*
 * The primitive-operation table of the device layer (the second level of the backend table; the
 * first, the stage slots, is prover/stages.h): buffer management and the heavy inner computations
 * of the CPU stage drivers. The drivers (pcs/stacked.c, protocol/zerocheck.c, protocol/gkr.c,
 * pcs/stacked_reduction.c, pcs/whir.c) keep the protocol logic (transcript observe/sample,
 * claims, proof layout) and call every heavy step through one of these pointers.
 *
 * Buffers (device/buffer.h): buf_alloc gives memory where the table computes (host for the CPU
 * table, the device arena's scratch for the CUDA table); upload / download / copy move bytes
 * between host memory and the table's buffers, enqueued in order (on the CUDA stream), and
 * buf_sync waits until they are done. The commitment's slots (rs_code_matrix, merkle_tree) take
 * buffers and write into caller-owned buffers the caller sized with the size query next to the
 * slot (swirl_rs_code_matrix_bytes, swirl_merkle_plan_init). The other slots still take host
 * pointers (their drivers run on the CPU): a device table keeps the CPU versions of those until
 * it has kernels for them.
 *
 * Every slot returns SWIRL_OK or an error status (never aborts), and must produce exactly the
 * values the CPU slot produces (the proof bytes depend on them).
 *
 * A table has no NULL slots: a backend that accelerates some of them starts from a copy of
 * *swirl_backend_cpu_ops() and replaces those. Every driver that takes a table treats NULL as the
 * CPU table. `ctx` is the backend's own state (NULL for the CPU table); each slot receives the
 * table it was called through, so a wrapper (tests/test_backend.c counts calls) can reach its ctx
 * and forward to another table.
 *
 * Ownership: outputs go to caller-owned memory; no slot keeps a pointer to its inputs or outputs
 * after it returns.
 */
#ifndef SWIRL_DEVICE_OPS_H
#define SWIRL_DEVICE_OPS_H

#include <stddef.h>

#include "device/buffer.h"
#include "field/bb31_ext4.h"

/* One trace as the batch constraint sumcheck sees it (protocol/zerocheck_trace.h). */
typedef struct swirl_zc_trace swirl_zc_trace;

/* The inputs of the batch constraint sumcheck's round 0 for one trace. */
typedef struct swirl_zc_round0_in {
    const bb31x4 *eq_x; /* eq(xi[l_skip..], x) over the trace's lifted cube: 2^n_lift values */
    const bb31 *lag;    /* lag[p * N + j]: the Lagrange weight of D's point w^j at point p */
    const bb31 *pts;    /* the points g^(c+1) w^i (coset c, i < N), n_points of them */
    size_t n_points;    /* P = max_constraint_degree * N: S has 3 P entries */
    size_t N;           /* |D| = 2^l_skip */
    size_t np;          /* points evaluated: max(nzc, nlu) * N <= n_points */
    size_t nzc, nlu;    /* cosets of the zerocheck sum and of the LogUp sums */
    const bb31x4 *lambda_pows; /* lambda^k per constraint */
    const bb31x4 *beta_pows;   /* beta^k, k <= the longest message */
} swirl_zc_round0_in;

typedef struct swirl_backend_ops swirl_backend_ops;

struct swirl_backend_ops {
    void *ctx; /* the backend's state (not owned by the table); NULL for the CPU table */

    /**
     * A buffer of `bytes` (> 0) where the table computes (out->where says which); freed with
     * buf_free. The CUDA table hands out arena scratch: buf_free of the most recent allocation
     * gives its bytes back at once, others return at the stage scope's rewind (cuda_backend.h).
     */
    enum swirl_status (*buf_alloc)(const swirl_backend_ops *ops, swirl_buf *out, size_t bytes);
    /** Frees a buffer from buf_alloc (a NULL ptr: nothing) and clears *buf. */
    void (*buf_free)(const swirl_backend_ops *ops, swirl_buf *buf);
    /** Enqueues bytes from host memory `src` into dst at dst_off; src stays valid until buf_sync. */
    enum swirl_status (*buf_upload)(const swirl_backend_ops *ops, swirl_buf dst, size_t dst_off,
                                    const void *src, size_t bytes);
    /** Enqueues bytes from src at src_off into host memory `dst`, readable after buf_sync. */
    enum swirl_status (*buf_download)(const swirl_backend_ops *ops, void *dst, swirl_buf src,
                                      size_t src_off, size_t bytes);
    /** Enqueues a copy between two buffers of the table (or host buffers). */
    enum swirl_status (*buf_copy)(const swirl_backend_ops *ops, swirl_buf dst, size_t dst_off,
                                  swirl_buf src, size_t src_off, size_t bytes);
    /** Waits for every enqueued transfer and computation of the table (the CPU: nothing). */
    enum swirl_status (*buf_sync)(const swirl_backend_ops *ops);

    /**
     * Merkle tree over a column-major matrix (hash/merkle.h's tree), written into `layers`: every
     * digest layer from the query layer to the root at the offsets of `plan` (from
     * swirl_merkle_plan_init for the matrix's shape; layers.bytes >= swirl_merkle_plan_bytes).
     * matrix holds plan->height * plan->width cells of plan->ext_degree elements. Used by the
     * stacked commitment and by WHIR's per-round codeword commitments.
     */
    enum swirl_status (*merkle_tree)(const swirl_backend_ops *ops, const swirl_merkle_plan *plan,
                                     swirl_buf layers, swirl_buf matrix);
    /**
     * Reed–Solomon codewords of the columns of a column-major height x width matrix of evaluations
     * on D x {0,1}^n (poly/rs_code.h swirl_rs_code_matrix), written into `out`, a buffer of
     * swirl_rs_code_matrix_bytes(height, width, log_blowup) bytes (column c at c * (height <<
     * log_blowup) elements).
     */
    enum swirl_status (*rs_code_matrix)(const swirl_backend_ops *ops, swirl_buf out,
                                        swirl_buf evals, size_t height, size_t width,
                                        unsigned l_skip, unsigned log_blowup);
    /**
     * Batch constraint sumcheck, round 0, one trace: adds to S[p] (p < nzc N) the sum over the
     * cube points x of eq_x[x] C_lambda(p, x) / (p^N - 1), and to S[P + p], S[2 P + p] (p < nlu N)
     * the eq-weighted LogUp numerator and denominator, the trace's columns interpolated at the
     * points (S has 3 P entries).
     */
    enum swirl_status (*constraint_round0)(const swirl_backend_ops *ops, bb31x4 *S,
                                           const swirl_zc_trace *trace,
                                           const swirl_zc_round0_in *in);
    /**
     * Batch constraint sumcheck, one multilinear round, one trace: for X = 1..G, out[X - 1] =
     * sum_y eq_y[y] C_lambda(X, y), out[G + X - 1] and out[2G + X - 1] the eq-weighted LogUp
     * numerator and denominator, over the trace's folded columns (height 2 ny, interpolated
     * linearly at X).
     */
    enum swirl_status (*constraint_round)(const swirl_backend_ops *ops, bb31x4 *out,
                                          const swirl_zc_trace *trace, const bb31x4 *eq_y,
                                          size_t ny, unsigned G, const bb31x4 *lambda_pows,
                                          const bb31x4 *beta_pows);
    /**
     * LogUp-GKR fraction tree: given the leaves p[N + i], q[N + i] (i < N, N = n_leaves a power
     * of two >= 2), fills the nodes 1..N-1 (node i = node 2i + node 2i+1 as fractions:
     * p = p_l q_r + q_l p_r, q = q_l q_r). Entry 0 is not touched.
     */
    enum swirl_status (*gkr_tree)(const swirl_backend_ops *ops, bb31x4 *p, bb31x4 *q,
                                  size_t n_leaves);
    /**
     * One sumcheck round of a LogUp-GKR layer: for X = 1, 2, 3, s[X - 1] = sum_{y < len/2}
     * eq(X, y) (p0 q1 + p1 q0 + lambda q0 q1)(X, y), each table interpolated linearly between its
     * entries 2y and 2y + 1. cols holds the four tables p0, q0, p1, q1 at cols + i * stride.
     */
    enum swirl_status (*gkr_layer)(const swirl_backend_ops *ops, bb31x4 s[3], const bb31x4 *eq,
                                   const bb31x4 *cols, size_t stride, size_t len, bb31x4 lambda);
    /**
     * Sumcheck fold in place at r: for each column c < n_cols, entry y < len/2 of column c becomes
     * col[2y] + r (col[2y+1] - col[2y]), where column c is read at cols + c * in_stride and written
     * at cols + c * out_stride (out_stride <= in_stride; the columns are processed in order, so the
     * packed output may overlap the input of earlier columns). Used by the zerocheck's multilinear
     * rounds, the LogUp-GKR and the stacked reduction.
     */
    enum swirl_status (*sumcheck_fold)(const swirl_backend_ops *ops, bb31x4 *cols, size_t n_cols,
                                       size_t in_stride, size_t out_stride, size_t len, bb31x4 r);
    /**
     * WHIR sumcheck round evaluations: s[0] = sum_y f[2y+1] w[2y+1], s[1] = sum_y (2 f[2y+1] -
     * f[2y]) (2 w[2y+1] - w[2y]), y < len/2.
     */
    enum swirl_status (*whir_sumcheck)(const swirl_backend_ops *ops, bb31x4 s[2], const bb31x4 *f,
                                       const bb31x4 *w, size_t len);
    /**
     * WHIR fold at alpha, out of place: f_out[y] = f[2y] + alpha (f[2y+1] - f[2y]), the same for
     * w, y < len/2 (outputs must not alias the inputs).
     */
    enum swirl_status (*whir_fold)(const swirl_backend_ops *ops, bb31x4 *f_out, bb31x4 *w_out,
                                   const bb31x4 *f, const bb31x4 *w, size_t len, bb31x4 alpha);
};

#ifdef __cplusplus
extern "C" {
#endif

/** The CPU table (static; never NULL). */
const swirl_backend_ops *swirl_backend_cpu_ops(void);

/**
 * The size query of rs_code_matrix: bytes of the codeword matrix of a height x width matrix
 * ((height << log_blowup) * width elements). SWIRL_E_INVALID_ARG when it overflows.
 */
enum swirl_status swirl_rs_code_matrix_bytes(size_t *bytes, size_t height, size_t width,
                                             unsigned log_blowup) SWIRL_WARN_UNUSED_RESULT;

/** `ops`, or the CPU table when it is NULL. */
static inline const swirl_backend_ops *swirl_ops_or_cpu(const swirl_backend_ops *ops) {
    return ops ? ops : swirl_backend_cpu_ops();
}

/* The CPU implementations, in device/cpu/ (cpu_ops.c: the buffer slots, merkle_tree,
 * rs_code_matrix, sumcheck_fold and the table; constraint.c: constraint_round0 / constraint_round; gkr.c; whir.c). */
enum swirl_status swirl_cpu_buf_alloc(const swirl_backend_ops *ops, swirl_buf *out, size_t bytes);
void swirl_cpu_buf_free(const swirl_backend_ops *ops, swirl_buf *buf);
enum swirl_status swirl_cpu_buf_upload(const swirl_backend_ops *ops, swirl_buf dst, size_t dst_off,
                                       const void *src, size_t bytes);
enum swirl_status swirl_cpu_buf_download(const swirl_backend_ops *ops, void *dst, swirl_buf src,
                                         size_t src_off, size_t bytes);
enum swirl_status swirl_cpu_buf_copy(const swirl_backend_ops *ops, swirl_buf dst, size_t dst_off,
                                     swirl_buf src, size_t src_off, size_t bytes);
enum swirl_status swirl_cpu_buf_sync(const swirl_backend_ops *ops);
enum swirl_status swirl_cpu_merkle_tree(const swirl_backend_ops *ops, const swirl_merkle_plan *plan,
                                        swirl_buf layers, swirl_buf matrix);
enum swirl_status swirl_cpu_rs_code_matrix(const swirl_backend_ops *ops, swirl_buf out,
                                           swirl_buf evals, size_t height, size_t width,
                                           unsigned l_skip, unsigned log_blowup);
enum swirl_status swirl_cpu_constraint_round0(const swirl_backend_ops *ops, bb31x4 *S,
                                              const swirl_zc_trace *trace,
                                              const swirl_zc_round0_in *in);
enum swirl_status swirl_cpu_constraint_round(const swirl_backend_ops *ops, bb31x4 *out,
                                             const swirl_zc_trace *trace, const bb31x4 *eq_y,
                                             size_t ny, unsigned G, const bb31x4 *lambda_pows,
                                             const bb31x4 *beta_pows);
enum swirl_status swirl_cpu_gkr_tree(const swirl_backend_ops *ops, bb31x4 *p, bb31x4 *q,
                                     size_t n_leaves);
enum swirl_status swirl_cpu_gkr_layer(const swirl_backend_ops *ops, bb31x4 s[3], const bb31x4 *eq,
                                      const bb31x4 *cols, size_t stride, size_t len, bb31x4 lambda);
enum swirl_status swirl_cpu_sumcheck_fold(const swirl_backend_ops *ops, bb31x4 *cols, size_t n_cols,
                                          size_t in_stride, size_t out_stride, size_t len,
                                          bb31x4 r);
enum swirl_status swirl_cpu_whir_sumcheck(const swirl_backend_ops *ops, bb31x4 s[2],
                                          const bb31x4 *f, const bb31x4 *w, size_t len);
enum swirl_status swirl_cpu_whir_fold(const swirl_backend_ops *ops, bb31x4 *f_out, bb31x4 *w_out,
                                      const bb31x4 *f, const bb31x4 *w, size_t len, bb31x4 alpha);

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_DEVICE_OPS_H */
