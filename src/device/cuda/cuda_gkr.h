/*
 * LogUp-GKR on the GPU (device/cuda/gkr.cu; without CUDA, device/cuda_gkr_stub.c answers
 * SWIRL_E_NO_DEVICE): the fraction tree, a layer's round sums and the sumcheck fold as kernels,
 * and the whole GKR prover with Fiat-Shamir on a device transcript, enqueued with no host sync.
 * The per-thread math and the transcript steps are device/gkr_impl.h (host/device code); the
 * device proof buffer's layout is described there (swirl_gkr_proof_len entries).
 *
 * Memory: every device buffer comes from the context's arena (no cudaMalloc): plan it with the
 * *_arena_bytes functions.
 */
#ifndef SWIRL_DEVICE_CUDA_CUDA_GKR_H
#define SWIRL_DEVICE_CUDA_CUDA_GKR_H

#include <stddef.h>

#include "device/cuda/cuda_backend.h"
#include "device/gkr_impl.h"
#include "device/ops.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Arena bytes swirl_cuda_gkr_prove_enqueue allocates for 2^n leaves (the tree, the layer tables,
 *  the block partial sums, the driver state; not the leaves, the transcript or the proof buffer). */
size_t swirl_cuda_gkr_scratch_bytes(unsigned n);

/**
 * The LogUp-GKR prover on the device (swirl_gkr_prove's values and transcript order), enqueued on
 * the context's stream with no host sync: the leaves d_p[i] / d_q[i] (i < 2^n, 1 <= n <= 30, device
 * memory, read while the stream runs), the transcript *d_t (device memory; left in the state after
 * GKR), the proof buffer d_proof (device, swirl_gkr_proof_len(n) entries, layout in
 * device/gkr_impl.h). Every challenge is sampled on the device and read by the next kernels from
 * device memory. Scratch (swirl_cuda_gkr_scratch_bytes(n)) is allocated from the arena and stays
 * allocated (the caller resets the arena). Does not check the balance: d_proof[1], the root
 * numerator, is zero when the fractions sum to zero.
 */
enum swirl_status swirl_cuda_gkr_prove_enqueue(swirl_cuda_ctx *ctx, bb31x4 *d_proof,
                                               swirl_transcript *d_t, const bb31x4 *d_p,
                                               const bb31x4 *d_q,
                                               unsigned n) SWIRL_WARN_UNUSED_RESULT;

/**
 * The prover as one stage ("prover.gkr", one host sync: its end): enqueue, one download of the
 * proof buffer into h_proof (host, swirl_gkr_proof_len(n) entries). The scratch and the device
 * proof buffer are given back to the arena afterwards (it needs swirl_cuda_gkr_scratch_bytes(n)
 * plus the proof buffer free). Fails with SWIRL_E_INTERNAL inside an open stage (use the enqueue
 * form there).
 */
enum swirl_status swirl_cuda_gkr_prove(swirl_cuda_ctx *ctx, bb31x4 *h_proof, swirl_transcript *d_t,
                                       const bb31x4 *d_p, const bb31x4 *d_q,
                                       unsigned n) SWIRL_WARN_UNUSED_RESULT;

/* ---- kernels on device buffers (enqueued, no host sync; challenges read from device memory) ---- */

/** gkr_tree's values: the nodes 1..N-1 of the fraction tree (d_tp, d_tq: N entries each, entry 0
 *  not touched) over the leaves d_lp, d_lq (N = n_leaves entries each, a power of two >= 2). */
enum swirl_status swirl_cuda_gkr_tree(swirl_cuda_ctx *ctx, bb31x4 *d_tp, bb31x4 *d_tq,
                                      const bb31x4 *d_lp, const bb31x4 *d_lq,
                                      size_t n_leaves) SWIRL_WARN_UNUSED_RESULT;
/** gkr_layer's values over packed tables (eq, p0, q0, p1, q1, each of length len at k * len):
 *  d_s[0..2] = the round polynomial at 1, 2, 3; *d_lambda read on the device. d_partials: scratch
 *  of swirl_cuda_gkr_partials_bytes(). */
enum swirl_status swirl_cuda_gkr_layer(swirl_cuda_ctx *ctx, bb31x4 *d_s, const bb31x4 *d_tables,
                                       size_t len, const bb31x4 *d_lambda,
                                       bb31x4 *d_partials) SWIRL_WARN_UNUSED_RESULT;
size_t swirl_cuda_gkr_partials_bytes(void);
/** Sumcheck fold out of place: d_out[c * (len / 2) + y] = fold(d_in[c * len + 2y], d_in[c * len
 *  + 2y + 1], *d_r) for c < n_cols, y < len / 2 (d_in, d_out must not overlap). */
enum swirl_status swirl_cuda_sumcheck_fold(swirl_cuda_ctx *ctx, bb31x4 *d_out, const bb31x4 *d_in,
                                           size_t n_cols, size_t len,
                                           const bb31x4 *d_r) SWIRL_WARN_UNUSED_RESULT;

/* ---- slot adapters: exactly the device/ops.h signatures, host in / host out (upload, run,
 * download) on the swirl_cuda_ctx in ops->ctx. Each runs as its own stage (one sync), or inside
 * the open stage with one counted sync. Their device buffers come from the arena and are given
 * back before they return: the arena needs the bytes of swirl_cuda_gkr_slot_arena_bytes. ---- */

/** Arena bytes a slot call on n_values bb31x4 values (gkr_tree: 2 n_leaves; gkr_layer: 5 len;
 *  sumcheck_fold: n_cols len) needs at most. */
size_t swirl_cuda_gkr_slot_arena_bytes(size_t n_values);

enum swirl_status swirl_cuda_slot_gkr_tree(const swirl_backend_ops *ops, bb31x4 *p, bb31x4 *q,
                                           size_t n_leaves);
enum swirl_status swirl_cuda_slot_gkr_layer(const swirl_backend_ops *ops, bb31x4 s[3],
                                            const bb31x4 *eq, const bb31x4 *cols, size_t stride,
                                            size_t len, bb31x4 lambda);
enum swirl_status swirl_cuda_slot_sumcheck_fold(const swirl_backend_ops *ops, bb31x4 *cols,
                                                size_t n_cols, size_t in_stride,
                                                size_t out_stride, size_t len, bb31x4 r);

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_DEVICE_CUDA_CUDA_GKR_H */
