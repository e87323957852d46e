/*
 * The batch constraint sumcheck's constraint evaluation on the GPU (zc_constraint.cu): an AIR's
 * constraint program as a device object, round 0 and the multilinear rounds on device-resident
 * inputs, and slot adapters with the signatures of device/ops.h's constraint_round0 /
 * constraint_round (host inputs: upload, launch, download). Without CUDA, device/cuda_zc_stub.c
 * answers SWIRL_E_NO_DEVICE.
 *
 * Device-resident entry points (swirl_cuda_zc_round0 / swirl_cuda_zc_round): every input is a
 * device pointer; challenge-derived values (eq tables, lambda and beta powers, eq3b) are read by
 * the kernels from device memory, so a stage that samples them on the device needs no host round
 * trip. They enqueue on the context's stream (counted launches of the open stage) and never
 * synchronize; the result is written (not added) to a device array.
 */
#ifndef SWIRL_DEVICE_CUDA_CUDA_ZC_H
#define SWIRL_DEVICE_CUDA_CUDA_ZC_H

#include <stddef.h>

#include "air/dag.h"
#include "device/constraint_trace.h"
#include "device/cuda/cuda_backend.h"
#include "device/ops.h"
#include "device/zc_eval.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct swirl_cuda_program swirl_cuda_program;

/** Default scratch of a program object: the per-thread value arrays of one launch. */
#define SWIRL_CUDA_ZC_SCRATCH_DEFAULT ((size_t)2 << 30)

/**
 * Uploads air's constraint program (device/zc_eval.h's flat form: instructions, constants, the
 * variable -> (view, column, row offset) map, constraint / field / count operands, buses) and
 * allocates the object's scratch: `scratch_bytes` (0: SWIRL_CUDA_ZC_SCRATCH_DEFAULT) for the
 * per-thread value arrays, which bound the threads of one launch, plus the block partial sums.
 * The memory is the object's own (cudaMalloc, once, freed by destroy), outside the context's
 * arena, so it survives swirl_cuda_arena_reset and can serve every round of a proof. The
 * tables are copied synchronously: create (and destroy) outside a stage, at planning time.
 * The host-driven slots (swirl_cuda_zc_round0_host / _round_host) use this self-contained form;
 * the rap_constraints stage takes cached tables bound to arena scratch instead
 * (swirl_cuda_program_cached), so a proof allocates nothing outside the arena.
 */
enum swirl_status swirl_cuda_program_create(swirl_cuda_ctx *ctx, swirl_cuda_program **out,
                                            const swirl_air *air,
                                            size_t scratch_bytes) SWIRL_WARN_UNUSED_RESULT;

/** The caller-owned scratch of a bound program (swirl_cuda_program_bind): the per-thread value
 *  arrays and the block partial sums, device memory (the rap stage: slices of the arena). */
typedef struct swirl_cuda_zc_scratch {
    void *d_values;
    size_t values_bytes;
    bb31x4 *d_partial;
    size_t partial_bytes;
} swirl_cuda_zc_scratch;

/** The bytes of the value arrays and the partials that a program of `slots` value slots
 *  (the AIR program's const_base) needs for a launch scratch of `scratch_bytes` (0: the default):
 *  what swirl_cuda_program_create would allocate. No device work. */
enum swirl_status swirl_cuda_zc_scratch_need(size_t *values_bytes, size_t *partial_bytes,
                                             size_t slots,
                                             size_t scratch_bytes) SWIRL_WARN_UNUSED_RESULT;

/** Like swirl_cuda_program_create without the scratch: the tables and the schedule only (their
 *  cudaMallocs and synchronous uploads: setup, not a hot path). Launches refuse such an object;
 *  bind it (swirl_cuda_program_bind) to a scratch first. */
enum swirl_status swirl_cuda_program_create_tables(swirl_cuda_ctx *ctx, swirl_cuda_program **out,
                                                   const swirl_air *air) SWIRL_WARN_UNUSED_RESULT;

/**
 * A program that runs `tables`' program (made by swirl_cuda_program_create[_tables]) in the
 * caller's scratch `mem`, planned for a launch scratch of `scratch_bytes` as
 * swirl_cuda_program_create plans its own (so the launches' geometry is the same); mem's slices
 * must hold swirl_cuda_zc_scratch_need's bytes (SWIRL_E_INVALID_ARG otherwise). A host
 * allocation only: no device memory, no device call. The new object borrows the tables (counted
 * by swirl_cuda_program_borrows) until it is destroyed; `tables` must outlive it, unless
 * own_tables is non-zero: then destroying the bound object destroys `tables` too (on an error
 * of this call the caller still owns `tables`). `mem` must stay
 * valid while launches of the object are in flight; programs sharing one scratch must run their
 * launches in stream order (the context's one stream does that).
 */
enum swirl_status
swirl_cuda_program_bind(swirl_cuda_program **out, swirl_cuda_program *tables, int own_tables,
                        size_t scratch_bytes,
                        const swirl_cuda_zc_scratch *mem) SWIRL_WARN_UNUSED_RESULT;
/** The bound programs borrowing prog's tables now (0 for NULL). */
unsigned swirl_cuda_program_borrows(const swirl_cuda_program *prog);

/** Frees the object's own device memory (a cudaFree: waits for the device; a bound object has
 *  none: it frees its host part and gives the tables back); NULL is ignored. An object whose
 *  tables are borrowed must not be destroyed before its borrowers. */
void swirl_cuda_program_destroy(swirl_cuda_program *prog);

/**
 * The context's cache of program tables (device/cuda/zc_cache.cu): a program for `air` bound to
 * the caller's scratch `mem` (as swirl_cuda_program_bind), its tables taken from the cache. The
 * cache is keyed by content: the AIR's flat program (swirl_zc_dprog_build: every table and size,
 * compared word for word after a 64-bit hash) and the settings that shape the schedule, never by
 * the AIR's address (an AIR may be freed and another made at the same address). A miss makes the
 * tables (swirl_cuda_program_create_tables: cudaMalloc and synchronous uploads, once per program
 * and context: setup, not the hot path) and keeps them; a hit does no device work at all. At
 * most SWIRL_CUDA_ZC_CACHE_MAX entries: a miss with a full cache evicts the least recently used
 * entry that no bound program borrows (its cudaFree waits for the device), and when every entry
 * is borrowed the new tables are not cached (the bound object owns them). Entries are only
 * inserted whole (a failed make leaves the cache as it was) and are read-only on the device, so a
 * failed stage cannot leave one half-made or altered. Destroy the object with
 * swirl_cuda_program_destroy, before the context; the cache is freed with the context.
 */
#define SWIRL_CUDA_ZC_CACHE_MAX 16
enum swirl_status
swirl_cuda_program_cached(swirl_cuda_ctx *ctx, swirl_cuda_program **out, const swirl_air *air,
                          size_t scratch_bytes,
                          const swirl_cuda_zc_scratch *mem) SWIRL_WARN_UNUSED_RESULT;

/** The cache's counters since the context's creation: lookups that found their tables (hits),
 *  that made them (misses), entries evicted, and the entries held now with their device bytes. */
typedef struct swirl_cuda_zc_cache_stats {
    unsigned long long hits, misses, evictions;
    size_t entries, device_bytes;
} swirl_cuda_zc_cache_stats;
void swirl_cuda_zc_cache_stats_get(const swirl_cuda_ctx *ctx, swirl_cuda_zc_cache_stats *out);
/** The per-thread value slots (temporaries and inputs) and the threads one launch can hold in
 *  the scratch for round 0 (base field) and the multilinear rounds (extension field). */
size_t swirl_cuda_program_slots(const swirl_cuda_program *prog);
/** After the caller's sync: the GPU time of prog's tables' last stream round 0 (ms[0]: the
 *  inputs, k_zc_r0_U; ms[1]: the stream, k_zc_r0_stream; the first chunk only when round 0 took
 *  several) and their launches; 1 when there is one to read (then consumed), else 0. */
int swirl_cuda_program_r0_split(swirl_cuda_program *prog, float ms[2], unsigned kernels[2]);
size_t swirl_cuda_program_max_threads(const swirl_cuda_program *prog, int ext);
/** The program's flat form with device pointers (device/zc_eval.h), for kernels of other stages
 *  that run it themselves (prover/cuda_rap.cu: the LogUp input rows, the tails). NULL: zeroes. */
swirl_zc_dprog swirl_cuda_program_dprog(const swirl_cuda_program *prog);

/** Round 0 of one trace, device-resident (see device/ops.h constraint_round0 for the sums). */
typedef struct swirl_cuda_zc_round0_in {
    const bb31 *view[2 * SWIRL_ZC_MAX_PARTS]; /* per view: device columns (column-major, height
                                               * h); a rotated view may share its part's base */
    size_t nv;             /* must equal the program's view count */
    size_t h;              /* trace height (a power of two) */
    size_t n_lift;         /* hypercube points 2^n_lift */
    const bb31 *pub;       /* device public values (NULL when the AIR has none) */
    const bb31x4 *eq_x;    /* 2^n_lift */
    const bb31 *lag;       /* n_points x N */
    const bb31 *pts;       /* n_points */
    const bb31x4 *lambda_pows, *beta_pows, *eq3b;
    size_t n_points, N, np, nzc, nlu;
    bb31 coset_omega; /* nonzero: the points are cosets of the skip domain, pts[c N + i] =
                       * pts[c N] coset_omega^i and lag[p][j] = eq_uni(pts[p], coset_omega^j) (the
                       * rap schedule's): the inputs come from DFTs of each chunk (zc_eval.h
                       * swirl_zc_r0_chunk_cosets); zero: from the Lagrange rows */
} swirl_cuda_zc_round0_in;

/** Writes d_S[0 .. 3 n_points): the sums of constraint_round0 for this trace alone (entries no
 *  coset covers are zero). Enqueued; no host sync. */
enum swirl_status swirl_cuda_zc_round0(swirl_cuda_ctx *ctx, swirl_cuda_program *prog,
                                       bb31x4 *d_S,
                                       const swirl_cuda_zc_round0_in *in) SWIRL_WARN_UNUSED_RESULT;

/** A multilinear round of one trace, device-resident (device/ops.h constraint_round). */
typedef struct swirl_cuda_zc_round_in {
    const bb31x4 *fold[2 * SWIRL_ZC_MAX_PARTS]; /* per view: folded columns of height cur_h */
    size_t nv, cur_h;
    const bb31x4 *fsel; /* 3 columns of cur_h */
    const bb31 *pub;
    const bb31x4 *eq_y; /* ny */
    size_t ny;          /* 2 ny <= cur_h */
    unsigned G;
    const bb31x4 *lambda_pows, *beta_pows, *eq3b;
} swirl_cuda_zc_round_in;

/** Writes d_out[0 .. 3G): constraint_round's values. Enqueued; no host sync. */
enum swirl_status swirl_cuda_zc_round(swirl_cuda_ctx *ctx, swirl_cuda_program *prog,
                                      bb31x4 *d_out,
                                      const swirl_cuda_zc_round_in *in) SWIRL_WARN_UNUSED_RESULT;

/**
 * The slots' work with the scratch of their program object given (0: planned from the launch,
 * at most SWIRL_CUDA_ZC_SCRATCH_DEFAULT); a small scratch makes each thread stride over several
 * hypercube points (tests use it).
 */
enum swirl_status swirl_cuda_zc_round0_host(swirl_cuda_ctx *ctx, size_t scratch_bytes, bb31x4 *S,
                                            const swirl_zc_trace *trace,
                                            const swirl_zc_round0_in *in) SWIRL_WARN_UNUSED_RESULT;
enum swirl_status swirl_cuda_zc_round_host(swirl_cuda_ctx *ctx, size_t scratch_bytes, bb31x4 *out,
                                           const swirl_zc_trace *trace, const bb31x4 *eq_y,
                                           size_t ny, unsigned G, const bb31x4 *lambda_pows,
                                           const bb31x4 *beta_pows) SWIRL_WARN_UNUSED_RESULT;

/**
 * The slots (device/ops.h signatures; ops->ctx is the swirl_cuda_ctx): each creates the trace's
 * program object, uploads the host inputs into a workspace of its own (one cudaMalloc, freed on
 * return), runs the device-resident entry point in one stage ("zerocheck.constraint_round0" /
 * "zerocheck.constraint_round": its single host sync is the download of the result) and adds
 * (round 0) or writes (rounds) the result like the CPU slot.
 */
enum swirl_status swirl_cuda_slot_constraint_round0(const swirl_backend_ops *ops, bb31x4 *S,
                                                    const swirl_zc_trace *trace,
                                                    const swirl_zc_round0_in *in);
enum swirl_status swirl_cuda_slot_constraint_round(const swirl_backend_ops *ops, bb31x4 *out,
                                                   const swirl_zc_trace *trace,
                                                   const bb31x4 *eq_y, size_t ny, unsigned G,
                                                   const bb31x4 *lambda_pows,
                                                   const bb31x4 *beta_pows);

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_DEVICE_CUDA_CUDA_ZC_H */
