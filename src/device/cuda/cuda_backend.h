/*
 * The CUDA device layer's C interface (implemented in the .cu files of src/device/cuda; when the
 * library is built without CUDA, src/device/cuda_stub.c provides the same functions returning
 * SWIRL_E_NO_DEVICE). Stages built on it (the GPU commitment) are in src/prover.
 *
 * Staged dispatch: work is enqueued on the context's stream inside a named stage;
 * swirl_cuda_stage_end makes the stage's single host synchronization and appends
 * {name, kernels, syncs, gpu_ms, bytes} to the trace. Any other host sync goes through
 * swirl_cuda_sync (counted, with a reason). Environment SWIRL_DEBUG_SYNC=1 syncs after every launch
 * and names the kernel that failed.
 *
 * Errors: every CUDA failure becomes SWIRL_E_CUDA with "file:line: call: CUDA message"; a sticky
 * device fault (illegal address, launch failure...) poisons the context: later calls return
 * SWIRL_E_CUDA without touching the device. Out of device memory is SWIRL_E_NOMEM.
 *
 * Memory: one device arena per context (one cudaMalloc, sized up front by
 * swirl_cuda_arena_reserve; nothing else on the device is allocated on a hot path), 256-byte
 * aligned slices in two regions:
 *  - scratch, from the bottom: swirl_cuda_alloc; a stage scopes its scratch with
 *    swirl_cuda_arena_mark / swirl_cuda_arena_rewind;
 *  - persistent, from the top: swirl_cuda_alloc_persistent, for data that outlives a stage (a
 *    commitment's matrix, codeword and Merkle layers, kept for the proof's opening stages). Its
 *    owners hold it (swirl_cuda_arena_hold / release); when the last owner releases it, or at
 *    swirl_cuda_arena_reset, the region is emptied and the arena's epoch changes, so an owner can
 *    tell its data is gone.
 * swirl_cuda_arena_reset empties both regions (the start of a proof).
 *
 * Transfers: every upload/download counts its bytes in the current stage (swirl_stage.bytes).
 *
 * Fault injection (tests only): swirl_cuda_fault_alloc_at(n) makes the n-th device allocation
 * from now (arena slices, the arena's cudaMalloc, the constraint programs' cudaMallocs) fail
 * with SWIRL_E_NOMEM;
 * swirl_cuda_fault_launch_at(n) makes the n-th kernel launch from now report SWIRL_E_CUDA (the
 * kernel itself ran; the context is not poisoned). Each fires once; 0 disables. Not thread-safe.
 * swirl_cuda_fault_corrupt_at(stage, i) models silent data corruption: when that stage next
 * begins, one word of the corruption target (the stacked matrix of the context's latest GPU
 * commitment) becomes another canonical field element, with no error reported anywhere.
 */
#ifndef SWIRL_DEVICE_CUDA_BACKEND_H
#define SWIRL_DEVICE_CUDA_BACKEND_H

#include <stddef.h>

#include "device/ops.h"
#include "hash/poseidon2.h"
#include "swirl/swirl_report.h"
#include "transcript/transcript.h"

typedef struct swirl_cuda_ctx swirl_cuda_ctx;

/** One stage of the trace: the public swirl_stage (swirl/swirl_report.h). */
typedef swirl_stage swirl_stage_trace;

#ifdef __cplusplus
extern "C" {
#endif

/** Number of CUDA devices (cached after the first call); 0 when none or not built with CUDA. */
int swirl_cuda_device_count(void);

/** Creates a context on `device` with a device arena of `arena_bytes`. */
enum swirl_status swirl_cuda_ctx_create(swirl_cuda_ctx **out, int device,
                                        size_t arena_bytes) SWIRL_WARN_UNUSED_RESULT;
void swirl_cuda_ctx_destroy(swirl_cuda_ctx *ctx);
/** Non-zero once a sticky device fault has poisoned the context. */
int swirl_cuda_ctx_poisoned(const swirl_cuda_ctx *ctx);

/** A scratch slice of the arena (SWIRL_E_NOMEM when the arena lacks room). */
enum swirl_status swirl_cuda_alloc(swirl_cuda_ctx *ctx, void **dptr,
                                   size_t bytes) SWIRL_WARN_UNUSED_RESULT;
/** A slice of the persistent region (from the top of the arena). */
enum swirl_status swirl_cuda_alloc_persistent(swirl_cuda_ctx *ctx, void **dptr,
                                              size_t bytes) SWIRL_WARN_UNUSED_RESULT;
/** Grows the arena to at least `bytes` (planned once per proof, before any allocation: refused
 *  while slices of either region are handed out). A smaller request keeps the arena as it is. */
enum swirl_status swirl_cuda_arena_reserve(swirl_cuda_ctx *ctx,
                                           size_t bytes) SWIRL_WARN_UNUSED_RESULT;
/** The most bytes the arena could hold now: its current size plus the device's free memory
 *  (cudaMemGetInfo), for a plan checked before anything is allocated. */
enum swirl_status swirl_cuda_arena_capacity(swirl_cuda_ctx *ctx,
                                            size_t *bytes) SWIRL_WARN_UNUSED_RESULT;
/** Empties both regions (the persistent one even while held: its epoch changes). */
void swirl_cuda_arena_reset(swirl_cuda_ctx *ctx);
/** Device memory accounting: every cudaMalloc of the context (the arena, the constraint programs'
 *  cached tables, the host-driven slots' programs and workspaces) is counted by
 *  swirl_cuda_dev_count (add 1, free 0); swirl_cuda_dev_held is what is held now,
 *  swirl_cuda_dev_peak the most held at once since the context's creation or
 *  swirl_cuda_dev_peak_reset (which starts over from what is held now), swirl_cuda_dev_allocs the
 *  number of counted allocations since the context's creation (a proof whose arena is already
 *  large enough and whose programs are cached adds none). */
void swirl_cuda_dev_count(swirl_cuda_ctx *ctx, size_t bytes, int add);
size_t swirl_cuda_dev_held(const swirl_cuda_ctx *ctx);
size_t swirl_cuda_dev_peak(const swirl_cuda_ctx *ctx);
unsigned long long swirl_cuda_dev_allocs(const swirl_cuda_ctx *ctx);
void swirl_cuda_dev_peak_reset(swirl_cuda_ctx *ctx);
/** Scratch and persistent bytes in use together. */
size_t swirl_cuda_arena_used(const swirl_cuda_ctx *ctx);
size_t swirl_cuda_arena_persistent_used(const swirl_cuda_ctx *ctx);
/** Bytes still free between the two regions. */
size_t swirl_cuda_arena_free(const swirl_cuda_ctx *ctx);
/** The scratch top, to rewind to at the end of a scope. */
size_t swirl_cuda_arena_mark(const swirl_cuda_ctx *ctx);
/** Frees every scratch slice handed out since `mark` (a mark above the top: nothing). */
void swirl_cuda_arena_rewind(swirl_cuda_ctx *ctx, size_t mark);
/** One more owner of persistent data. */
void swirl_cuda_arena_hold(swirl_cuda_ctx *ctx);
/** One owner less; the last one empties the persistent region. */
void swirl_cuda_arena_release(swirl_cuda_ctx *ctx);
/** Changes whenever the persistent region is emptied. */
unsigned long long swirl_cuda_arena_epoch(const swirl_cuda_ctx *ctx);

/** Tests only: the n-th device allocation from now fails (SWIRL_E_NOMEM); 0 disables. */
void swirl_cuda_fault_alloc_at(unsigned long long n);
/** Tests only: the n-th kernel launch from now reports SWIRL_E_CUDA; 0 disables. */
void swirl_cuda_fault_launch_at(unsigned long long n);
/**
 * Tests only: when the stage named `stage` next begins (swirl_cuda_stage_begin, on a context
 * whose corruption target is live), before anything the stage enqueues, word `index` modulo the
 * target's size is replaced by (word + 1) mod p: still canonical, another field element. Enqueued
 * on the stream (no host sync; not counted in the stage); logged as a warning. Fires once; a NULL
 * stage disarms. Not thread-safe.
 */
void swirl_cuda_fault_corrupt_at(const char *stage, size_t index);
/**
 * Tests only: sets ctx's corruption target, `nwords` 32-bit field elements at d_words (device
 * memory of the arena's persistent region), live until the arena's epoch changes.
 * swirl_cuda_commit_pcs sets it to each commitment's stacked matrix, so in a proof it is the
 * common main's (committed after the cached partitions): what rap_constraints, the stacked
 * reduction and WHIR read.
 */
void swirl_cuda_fault_corrupt_target(swirl_cuda_ctx *ctx, void *d_words, size_t nwords);
/** Non-zero while an injected fault (allocation, launch or corruption) is armed and has not
 *  fired. */
int swirl_cuda_fault_pending(void);

/** Asynchronous copies on the context's stream (counted as operations of the current stage, their
 *  bytes as the stage's bytes). */
enum swirl_status swirl_cuda_upload(swirl_cuda_ctx *ctx, void *dst, const void *src,
                                    size_t bytes) SWIRL_WARN_UNUSED_RESULT;
enum swirl_status swirl_cuda_download(swirl_cuda_ctx *ctx, void *dst, const void *src,
                                      size_t bytes) SWIRL_WARN_UNUSED_RESULT;

/** One piece of a gathered transfer: `bytes` from `src` to `dst` (host or device as the call says).
 */
typedef struct swirl_cuda_copy {
    void *dst;
    const void *src;
    size_t bytes;
} swirl_cuda_copy;

/**
 * Large transfers through the context's pinned staging buffers (two of SWIRL_CUDA_STAGING_BYTES,
 * allocated with the context): the pieces are packed into staging-sized chunks; the DMA of one
 * chunk overlaps the multi-threaded host copy of the other (util/pcopy.h). Both return with the
 * transfer's host side done: download_many with every dst filled, upload_many with every src
 * read (the last DMA may still be in flight on the stream; stream order protects its users).
 * Each wait for a chunk is a counted host sync of the current stage (reason "staging"), so a
 * transfer of B bytes costs about B / SWIRL_CUDA_STAGING_BYTES syncs. Device pieces must stay
 * valid until the stream reaches them. Without staging buffers the pieces are copied directly.
 */
#define SWIRL_CUDA_STAGING_BYTES ((size_t)64 << 20)

/** A stage's one output download into pinned memory (a pageable copy runs at a third of the rate):
 *  the context's second staging buffer when it exists, holds `bytes` and no staged copy still uses
 *  it, else NULL (download into the caller's memory then). The caller reads it after the stage's
 *  sync and before any later transfer of the context; download into it with
 *  swirl_cuda_download_out, which makes later staged transfers wait for that copy. */
void *swirl_cuda_pinned_out(swirl_cuda_ctx *ctx, size_t bytes);
enum swirl_status swirl_cuda_download_out(swirl_cuda_ctx *ctx, void *dst, const void *src,
                                          size_t bytes) SWIRL_WARN_UNUSED_RESULT;
enum swirl_status swirl_cuda_download_many(swirl_cuda_ctx *ctx, const swirl_cuda_copy *pieces,
                                           size_t n) SWIRL_WARN_UNUSED_RESULT;
enum swirl_status swirl_cuda_upload_many(swirl_cuda_ctx *ctx, const swirl_cuda_copy *pieces,
                                         size_t n) SWIRL_WARN_UNUSED_RESULT;

enum swirl_status swirl_cuda_stage_begin(swirl_cuda_ctx *ctx,
                                         const char *name) SWIRL_WARN_UNUSED_RESULT;
enum swirl_status swirl_cuda_stage_end(swirl_cuda_ctx *ctx) SWIRL_WARN_UNUSED_RESULT;
/** Closes the open stage (if any) on an error path without synchronizing or recording it, so the
 *  context can begin stages again; every failing path between stage_begin and stage_end calls it.
 */
void swirl_cuda_stage_abort(swirl_cuda_ctx *ctx);
/** A stage's close on both paths: st == SWIRL_OK ends it (the sync; stage_end's status), any other
 *  st aborts it and is returned. */
enum swirl_status swirl_cuda_stage_close(swirl_cuda_ctx *ctx,
                                         enum swirl_status st) SWIRL_WARN_UNUSED_RESULT;
/** The one counted way to synchronize outside stage_end; the reason goes to the log (debug). */
enum swirl_status swirl_cuda_sync(swirl_cuda_ctx *ctx, const char *reason) SWIRL_WARN_UNUSED_RESULT;
/** Records a sub-stage timed by events inside a stage that has ended (0 syncs of its own: the
 *  enclosing stage holds them); dropped when the trace is full. */
void swirl_cuda_stage_record(swirl_cuda_ctx *ctx, const char *name, unsigned kernels, float gpu_ms);
/** The recorded stages; *n receives their count. */
const swirl_stage_trace *swirl_cuda_stage_trace(const swirl_cuda_ctx *ctx, size_t *n);
void swirl_cuda_stage_trace_clear(swirl_cuda_ctx *ctx);

/**
 * The CUDA primitive table (device/ops.h): a copy of the CPU table whose buffer slots work on the
 * context (buf_alloc: arena scratch, DEVICE buffers; transfers enqueued on the stream; buf_sync:
 * a counted host sync). The compute slots stay the CPU's until they get kernels.
 */
enum swirl_status swirl_cuda_ops_init(swirl_backend_ops *ops,
                                      swirl_cuda_ctx *ctx) SWIRL_WARN_UNUSED_RESULT;

/* ---- primitives: device pointers, enqueued on the stream, no host sync ---- */

/** Batched NTT with the semantics of poly/ntt.h (inverse != 0: inverse transform). */
enum swirl_status swirl_cuda_ntt(swirl_cuda_ctx *ctx, bb31 *d_data, unsigned log_n, size_t ncols,
                                 size_t col_stride, bb31 shift, unsigned flags,
                                 int inverse) SWIRL_WARN_UNUSED_RESULT;
/** The forward transform of bit-reversed coefficients (SWIRL_NTT_IN_BITREV, no shift, natural
 *  output, contiguous columns of 2^log_n words) whose odd positions are zero, read from `half`:
 *  word 2j of column c is half[c 2^(log_n - 1) + j] (a Reed-Solomon message at blowup 2, written
 *  without its zeros). d_data receives the codeword; half is only read. Only where
 *  swirl_cuda_ntt_half_ok says the first pass can load that way (SWIRL_E_INTERNAL otherwise). */
enum swirl_status swirl_cuda_ntt_from_half(swirl_cuda_ctx *ctx, bb31 *d_data, const bb31 *half,
                                           unsigned log_n, size_t ncols) SWIRL_WARN_UNUSED_RESULT;
int swirl_cuda_ntt_half_ok(const void *d_data, const void *half, unsigned log_n, size_t ncols,
                           size_t col_stride);
/** Arena scratch one swirl_cuda_ntt call of 2^log_n takes (its root tables and the fused
 *  kernel's counters; given back when it returns): callers that plan the arena's peak add it. */
size_t swirl_cuda_ntt_scratch_bytes(unsigned log_n);
/** The pass launches swirl_cuda_ntt makes on 16-byte aligned data (1 where SWIRL_NTT_FUSE runs
 *  both passes in one kernel; the scaling, bit reversal and table kernels not counted). */
unsigned swirl_cuda_ntt_pass_launches(unsigned log_n, size_t ncols, size_t col_stride);
/** d[i] *= c for the nwords words at d (16-byte aligned, nwords a multiple of 4; enqueued): one
 *  read and one write of the data: an NTT pass's data movement without its arithmetic
 *  (bench_gpu --sweep-shape). */
enum swirl_status swirl_cuda_ntt_sweep(swirl_cuda_ctx *ctx, bb31 *d, size_t nwords,
                                       bb31 c) SWIRL_WARN_UNUSED_RESULT;
enum swirl_status swirl_cuda_p2_permute_many(swirl_cuda_ctx *ctx, bb31 *d_states,
                                             size_t n) SWIRL_WARN_UNUSED_RESULT;

/* ---- Fiat-Shamir on the device (transcript.cu; the CPU twin is transcript/transcript.c) ---- */

/** An op of swirl_cuda_transcript_script: a canonical value (< p) to observe, or SWIRL_TS_OP_SAMPLE
 *  to sample one value into the next slot of the output list. */
#define SWIRL_TS_OP_SAMPLE 0x80000000u
/** Replays `n_ops` ops on the device transcript *d_t (enqueued, one thread; no host sync); the
 *  sampled values (canonical) go to d_out in order. */
enum swirl_status swirl_cuda_transcript_script(swirl_cuda_ctx *ctx, swirl_transcript *d_t,
                                               const uint32_t *d_ops, size_t n_ops,
                                               uint32_t *d_out) SWIRL_WARN_UNUSED_RESULT;
/** Device scratch bytes swirl_cuda_transcript_grind needs. */
size_t swirl_cuda_transcript_grind_bytes(void);
/** PoW on the device, enqueued with no host sync: finds the smallest witness w with
 *  check_witness(bits, w), applies check_witness to *d_t with it and writes w (canonical) to
 *  *d_witness — the same witness and state as swirl_transcript_grind; p when none exists. */
enum swirl_status swirl_cuda_transcript_grind(swirl_cuda_ctx *ctx, swirl_transcript *d_t,
                                              unsigned bits, uint32_t *d_witness,
                                              void *d_scratch) SWIRL_WARN_UNUSED_RESULT;

/** Device Merkle tree (layers live in the arena); same shape as hash/merkle.h. */
typedef struct swirl_cuda_merkle {
    swirl_digest *d_layers[48]; /* d_layers[0]: query layer ... last: root */
    size_t layer_len[48];
    size_t num_layers;
} swirl_cuda_merkle;
/* swirl_cuda_merkle_build: a launch for each layer of more than this many nodes, then one block
 * of this many threads for all the layers above (k_merkle_tail, device/cuda/poseidon2.cu) */
#define SWIRL_CUDA_MERKLE_TAIL_THREADS 512
enum swirl_status swirl_cuda_merkle_build(swirl_cuda_ctx *ctx, swirl_cuda_merkle *out,
                                          const bb31 *d_matrix, size_t height, size_t width,
                                          unsigned ext_degree,
                                          size_t rows_per_query) SWIRL_WARN_UNUSED_RESULT;
/* The strided folds swirl_cuda_merkle_build runs inside its leaf kernel for rows_per_query
 * (SWIRL_MERKLE_FUSE, at most log2(rows_per_query)): its launches are 1 + log2(rows_per_query)
 * minus these for the leaves and the strided folds. */
unsigned swirl_cuda_merkle_fused_layers(size_t rows_per_query);

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_DEVICE_CUDA_BACKEND_H */
