/*
 * The rap_constraints stage on the GPU with Fiat–Shamir on the device (cuda_rap.h). The schedule
 * and its host/device code are prover/rap_impl.h (the CPU replays it in tests/test_rap_twin.c);
 * the host plan is prover/rap_sched.h; the heavy kernels are the device GKR (device/cuda/gkr.cu),
 * the constraint program's round 0 and multilinear rounds (device/cuda/zc_constraint.cu), the
 * PoW grinder (device/cuda/transcript.cu) and the sumcheck fold (gkr.cu). This file adds the LogUp
 * input layer, the fold at r0, the tails, the openings' gather, the eq tables and the control-step
 * kernels (one warp each in the transcript's warp mode, device/cuda/ts_warp.cuh; ctl_challenges
 * and ctl_round0 one block, whose warp 0 runs the transcript phases).
 *
 * The traces' columns are read where the commitments keep them (rap_sched.h
 * swirl_rap_sched_sources finds each partition's block in its stacked matrix): a partition of a
 * trace of height >= 2^l_skip committed on this context is a contiguous column-major block of the
 * device stacked matrix and is read in place (no copy); a shorter one (its values 2^l_skip / h
 * apart there) is copied out by k_rap_unstack, device to device, inside the main stage. Only a
 * partition with no device copy (the key's preprocessed data is host data; a caller that passes
 * no commitments) is uploaded from the host: a logged, counted fallback stage
 * "upload_fallback:prover.rap_constraints" with its bytes.
 *
 * Host syncs: the fallback upload stage (when there is one) counts its staging waits; the main
 * stage "prover.rap_constraints" has exactly one (its end): nothing in between waits for the
 * device, every challenge is read by the kernels from device memory (the control state, the proof
 * buffer's r).
 */
#include <stdlib.h>
#include <string.h>

#include "air/program.h"
#include "device/cuda/cuda_common.cuh"
#include "device/cuda/cuda_trace.h"
#include "device/cuda/cuda_gkr.h"
#include "device/cuda/cuda_zc.h"
#include "device/cuda/ts_warp.cuh"
#include "prover/cuda_pcs.h"
#include "prover/cuda_rap.h"
#include "prover/rap_sched.h"
#include "util/span.h"
#include "util/alloc.h"
#include "util/log.h"
#include "util/settings.h"

__constant__ uint32_t c_rap_ext_init[64] = P2_BB16_RC_EXT_INITIAL_MONT;
__constant__ uint32_t c_rap_ext_final[64] = P2_BB16_RC_EXT_FINAL_MONT;
__constant__ uint32_t c_rap_internal[13] = P2_BB16_RC_INTERNAL_MONT;

#define RAP_THREADS 256
#define RAP_MAX_BLOCKS 8192
#define RAP_LEAF_V_BYTES ((size_t)64 << 20) /* value arrays of the LogUp input kernel */

typedef struct rap_views {
    const bb31 *b[SWIRL_RAP_MAX_VIEWS];
} rap_views;

typedef struct rap_folds {
    const bb31x4 *f[SWIRL_RAP_MAX_VIEWS];
} rap_folds;

/* ------------------------------------------------------------------------------------------ */
/* kernels */

/* warp mode: the control steps run on one warp */
__device__ __forceinline__ swirl_ts_tables rap_tables() {
    return swirl_ts_warp_tables(c_rap_ext_init, c_rap_ext_final, c_rap_internal);
}

/* a control step on one warp (32 threads): the transcript in shared memory, lane 0 writes */
#define RAP_CTL(call)                                                                              \
    do {                                                                                           \
        __shared__ swirl_transcript ts;                                                            \
        swirl_ts_tables tb = rap_tables();                                                         \
        swirl_rap_bufs bl = b;                                                                     \
        bl.t = &ts;                                                                                \
        swirl_ts_warp_load(&ts, b.t);                                                              \
        call;                                                                                      \
        swirl_ts_warp_store(b.t, &ts);                                                             \
    } while (0)

__global__ void k_rap_ctl_pow(swirl_rap_shape sh, swirl_rap_bufs b, const uint32_t *w) {
    SWIRL_KERNEL_ENTRY();
    RAP_CTL(swirl_rap_ctl_pow(&sh, &bl, *w, &tb));
}

__global__ void k_rap_ctl_gkr(swirl_rap_shape sh, swirl_rap_bufs b) {
    SWIRL_KERNEL_ENTRY();
    if (blockIdx.x == 0 && threadIdx.x == 0)
        swirl_rap_ctl_gkr(&sh, &b);
}

/* a block control step (rap_impl.h): every phase on every thread of the one block, a barrier
 * after each; the transcript in shared memory (only warp 0 touches it, in the transcript
 * phases), written back at the end */
#define RAP_CTL_BLOCK(phases, step)                                                                \
    do {                                                                                           \
        __shared__ swirl_transcript ts;                                                            \
        swirl_ts_tables tb = rap_tables();                                                         \
        swirl_rap_bufs bl = b;                                                                     \
        bl.t = &ts;                                                                                \
        if (threadIdx.x == 0)                                                                      \
            ts = *b.t;                                                                             \
        __syncthreads();                                                                           \
        for (unsigned p = 0; p < (phases); p++) {                                                  \
            step(&sh, &bl, p, threadIdx.x, blockDim.x, &tb);                                       \
            __syncthreads();                                                                       \
        }                                                                                          \
        if (threadIdx.x == 0)                                                                      \
            *b.t = ts;                                                                             \
    } while (0)

__global__ void __launch_bounds__(RAP_THREADS)
    k_rap_ctl_challenges(swirl_rap_shape sh, swirl_rap_bufs b) {
    SWIRL_KERNEL_ENTRY();
    RAP_CTL_BLOCK(SWIRL_RAP_CH_PHASES, swirl_rap_ch_phase);
}

__global__ void __launch_bounds__(RAP_THREADS)
    k_rap_ctl_round0(swirl_rap_shape sh, swirl_rap_bufs b) {
    SWIRL_KERNEL_ENTRY();
    RAP_CTL_BLOCK(SWIRL_RAP_R0_PHASES, swirl_rap_r0_phase);
}

__global__ void k_rap_ctl_round(swirl_rap_shape sh, swirl_rap_bufs b, uint32_t round) {
    SWIRL_KERNEL_ENTRY();
    RAP_CTL(swirl_rap_ctl_round(&sh, &bl, round, &tb));
}

__global__ void k_rap_leaf_init(bb31x4 *p, bb31x4 *q, size_t n, const swirl_rap_ctl *ctl) {
    SWIRL_KERNEL_ENTRY();
    bb31x4 alpha = ctl->alpha;
    size_t stride = (size_t)gridDim.x * blockDim.x;
    for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride)
        swirl_rap_leaf_init(p, q, i, alpha);
}

/* thread t of T (= the grid) takes rows t, t + T, ... */
__global__ void k_rap_leaf_rows(swirl_zc_dprog pg, rap_views vw, const bb31 *pub, bb31 *V,
                                bb31x4 *p, bb31x4 *q, size_t h, size_t len, const uint32_t *row_idx,
                                const bb31x4 *bp, const swirl_rap_ctl *ctl, bb31 norm) {
    SWIRL_KERNEL_ENTRY();
    size_t T = (size_t)gridDim.x * blockDim.x, t = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    bb31x4 alpha = ctl->alpha;
    for (size_t row = t; row < h; row += T) {
        swirl_rap_row_eval(&pg, vw.b, pub, V, T, t, row, h);
        swirl_rap_row_leaves(p, q, &pg, V, T, t, row, h, len, row_idx, bp, alpha, norm);
    }
}

/* out[x] = eq(xi, x) over nv coordinates, x < count */
__global__ void k_rap_eq(bb31x4 *out, const bb31x4 *xi, unsigned nv, size_t count) {
    SWIRL_KERNEL_ENTRY();
    size_t stride = (size_t)gridDim.x * blockDim.x;
    for (size_t x = (size_t)blockIdx.x * blockDim.x + threadIdx.x; x < count; x += stride)
        out[x] = swirl_gkr_eq_entry(xi, nv, x);
}

/* one view's columns folded at r0 into its columns of the table (out: column-major, height H) */
__global__ void k_rap_fold_r0(bb31x4 *out, const bb31 *base, size_t width, size_t h, int rot,
                              size_t N, const bb31x4 *lagr, size_t H) {
    SWIRL_KERNEL_ENTRY();
    size_t stride = (size_t)gridDim.x * blockDim.x, total = width * H;
    for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += stride) {
        size_t col = i / H, x = i - col * H;
        out[i] = swirl_rap_fold_r0(base + col * h, h, rot, N, lagr, x);
    }
}

/* Both folds of the columns an unrotated and a rotated view share (swirl_rap_fold_r0_pair), for
 * N = 16 and h = 16 H: a thread a (column, point) reads its 16 values as four 16-byte loads and
 * the next row's first value, and writes the two tables' entries; one pass over the columns
 * instead of one a view (KeccakAir: 2 x 345 MB read -> 345 MB). */
#define RAP_PAIR_N 16
__global__ void __launch_bounds__(RAP_THREADS, 4) /* 64 registers: lag from shared memory */
    k_rap_fold_r0_pair(bb31x4 *out0, bb31x4 *out1, const bb31 *base, size_t width, size_t h,
                       unsigned lg_H, const bb31x4 *lagr) {
    SWIRL_KERNEL_ENTRY();
    __shared__ bb31x4 lag[RAP_PAIR_N];
    if (threadIdx.x < RAP_PAIR_N)
        lag[threadIdx.x] = lagr[threadIdx.x];
    __syncthreads();
    size_t H = (size_t)1 << lg_H, stride = (size_t)gridDim.x * blockDim.x, total = width << lg_H;
    for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += stride) {
        size_t col = i >> lg_H, x = i & (H - 1);
        const bb31 *c = base + col * h;
        const uint4 *q = (const uint4 *)(c + x * RAP_PAIR_N);
        uint32_t v[RAP_PAIR_N + 1];
#pragma unroll
        for (int k = 0; k < RAP_PAIR_N / 4; k++) {
            uint4 w = q[k];
            v[4 * k] = w.x;
            v[4 * k + 1] = w.y;
            v[4 * k + 2] = w.z;
            v[4 * k + 3] = w.w;
        }
        v[RAP_PAIR_N] = c[(x * RAP_PAIR_N + RAP_PAIR_N) & (h - 1)].v;
        bb31x4 o[2];
        swirl_rap_fold_r0_pair(o, v, RAP_PAIR_N, lag);
        out0[i] = o[0];
        out1[i] = o[1];
    }
}

__global__ void k_rap_fold_sel(bb31x4 *fsel, size_t H, size_t h, size_t N, const bb31x4 *lagr) {
    SWIRL_KERNEL_ENTRY();
    size_t stride = (size_t)gridDim.x * blockDim.x;
    for (size_t x = (size_t)blockIdx.x * blockDim.x + threadIdx.x; x < H; x += stride)
        swirl_rap_fold_sel(fsel, H, h, N, lagr, x);
}

__global__ void k_rap_tail(swirl_zc_dprog pg, rap_folds fv, const bb31x4 *fsel, const bb31 *pub,
                           bb31 *V, const bb31x4 *lp, const bb31x4 *bp, const bb31x4 *eq3b,
                           bb31x4 *out) {
    SWIRL_KERNEL_ENTRY();
    if (blockIdx.x != 0 || threadIdx.x != 0)
        return;
    swirl_rap_tail_eval(out, &pg, fv.f, fsel, pub, V, 1, 0, lp, bp, eq3b);
}

/* a committed partition shorter than 2^l_skip out of the device stacked matrix (pcs/stacked.h
 * swirl_stacked_block: value i of column c at src + c * col_len + i * stride, zeros between) into
 * a column-major width x h block, as the views read it */
__global__ void k_rap_unstack(bb31 *dst, const bb31 *__restrict__ src, size_t width, size_t h,
                              size_t col_len, size_t stride) {
    SWIRL_KERNEL_ENTRY();
    size_t step = (size_t)gridDim.x * blockDim.x, total = width * h;
    for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += step) {
        size_t c = i / h, row = i - c * h;
        dst[i] = src[c * col_len + row * stride];
    }
}

__global__ void k_rap_gather(bb31x4 *out, const bb31x4 *const *src, size_t n) {
    SWIRL_KERNEL_ENTRY();
    size_t stride = (size_t)gridDim.x * blockDim.x;
    for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride)
        out[i] = *src[i];
}

/* ------------------------------------------------------------------------------------------ */
/* the run: plan, device memory, uploads */

/* a committed short partition to copy out of the stacked matrix (k_rap_unstack) */
typedef struct rap_unstack {
    bb31 *dst;
    const bb31 *src;
    size_t width, h, col_len, stride;
} rap_unstack;

/* where the stage reads a partition from */
enum rap_from {
    RAP_FROM_HOST,     /* uploaded from the host (the counted fallback) */
    RAP_FROM_IN_PLACE, /* the commitment's device stacked matrix, in place */
    RAP_FROM_UNSTACK,  /* the commitment's device stacked matrix, through k_rap_unstack */
};

typedef struct rap_run {
    swirl_cuda_ctx *ctx;
    const swirl_air_instance *traces;
    swirl_rap_sched s;
    int sizing;        /* the layout pass that only counts bytes */
    int by_flags;      /* sizing before the commitments exist: residency from `resident` */
    unsigned resident; /* SWIRL_CUDA_RAP_RESIDENT_* (by_flags) */
    size_t bytes;      /* arena bytes counted (sizing) */
    size_t mark;
    swirl_cuda_program **prog; /* n (owned): cached tables bound to the arena scratch zmem */
    swirl_zc_dprog *dp;        /* n */
    size_t *zreq;              /* n: each program's launch scratch (rap_prog_scratch) */
    /* the programs' value arrays and partials: one arena slice each, shared by the programs
     * (their launches run in stream order) */
    swirl_cuda_zc_scratch zmem;
    rap_views *vw;             /* n: device views */
    const bb31 **pub;          /* n: device public values */
    swirl_rap_source *src;     /* n * SWIRL_RAP_MAX_VIEWS: each view's committed data */
    swirl_cuda_copy *up;       /* the fallback uploads of partitions */
    size_t n_up, up_bytes;
    const char *up_why;     /* the first fallback's reason */
    swirl_cuda_copy *pv_up; /* the public values (small, in the main stage) */
    size_t n_pv;
    rap_unstack *unstack; /* short committed partitions */
    size_t n_unstack;
    swirl_rap_bufs b; /* device buffers */
    bb31x4 *d_p, *d_q, *d_gkr, *d_eq, **fa, **fb;
    uint32_t *d_w, *d_row_idx;
    void *d_grind;
    bb31 *d_pts, *d_lag, *d_V;
    swirl_rap_trace *d_tr;
    const bb31x4 **d_open;
    size_t T_leaf, slots;
    /* host data uploaded in the stage */
    bb31 *h_pts, *h_lag;
    const bb31x4 **h_open;
    /* sub-stage timing: events at the sub-stage boundaries and the kernel count at each */
    cudaEvent_t ev[5];
    unsigned mark_kernels[5];
} rap_run;

static size_t rap_align(size_t b) {
    return ((b ? b : 16) + 255) & ~(size_t)255;
}

/* an arena slice (or, while sizing, its bytes) */
static enum swirl_status rap_take(rap_run *r, void **p, size_t bytes) {
    *p = NULL;
    if (r->sizing) {
        r->bytes += rap_align(bytes);
        return SWIRL_OK;
    }
    return swirl_cuda_alloc(r->ctx, p, bytes ? bytes : 16);
}

#define RAP_TAKE(r, ptr, bytes)                                                                    \
    do {                                                                                           \
        void *rap_p_;                                                                              \
        SWIRL_TRY(rap_take((r), &rap_p_, (bytes)));                                                \
        (ptr) = (__typeof__(ptr))rap_p_;                                                           \
    } while (0)

/* Where view vi of trace ti is read from: *d (the partition's first value in a device stacked
 * matrix) and *blk for the committed cases. Planning before the commitments exist (by_flags)
 * assumes what the commitments of this context will give: a partition whose kind is in
 * `resident` is read in place when the trace is at least 2^l_skip tall, else copied out. */
static enum swirl_status rap_from_view(const rap_run *r, size_t ti, size_t vi, enum rap_from *from,
                                       const bb31 **d, swirl_stacked_block *blk, const char **why) {
    const swirl_rap_view_set *v = &r->s.vs[ti];
    *from = RAP_FROM_HOST;
    *d = NULL;
    *why = NULL;
    if (v->width[vi] == 0)
        return SWIRL_OK; /* nothing to read: an empty slice */
    if (r->by_flags) {
        int part = v->part[vi];
        unsigned kind = part == SWIRL_RAP_PART_COMMON ? SWIRL_CUDA_RAP_RESIDENT_COMMON
                        : part == SWIRL_RAP_PART_PREP ? SWIRL_CUDA_RAP_RESIDENT_PREP
                                                      : SWIRL_CUDA_RAP_RESIDENT_CACHED;
        if (r->resident & kind)
            *from = r->traces[ti].height >= r->s.sh.N ? RAP_FROM_IN_PLACE : RAP_FROM_UNSTACK;
        else
            *why = "planned as host data";
        return SWIRL_OK;
    }
    const swirl_rap_source *src = &r->src[ti * SWIRL_RAP_MAX_VIEWS + vi];
    if (!src->data) {
        *why = src->why;
        return SWIRL_OK;
    }
    if (!swirl_cuda_pcs_on_device(src->data, r->ctx)) {
        *why = "its commitment is host data (the key's preprocessed data, a CPU commit)";
        return SWIRL_OK;
    }
    const bb31 *dm = NULL;
    SWIRL_TRY(swirl_cuda_pcs_device(src->data, r->ctx, &dm, NULL, NULL));
    *d = dm + src->block.offset;
    *blk = src->block;
    /* stride 1: the columns are a contiguous column-major height x width block (stacked.h) */
    *from = src->block.stride == 1 && src->block.col_len == src->block.height ? RAP_FROM_IN_PLACE
                                                                              : RAP_FROM_UNSTACK;
    return SWIRL_OK;
}

/* the traces' distinct partitions: every view's device columns (in place in a commitment's
 * stacked matrix, or a scratch slice filled by k_rap_unstack or the fallback upload) */
static enum swirl_status rap_take_traces(rap_run *r) {
    size_t n = r->s.sh.n;
    for (size_t ti = 0; ti < n; ti++) {
        const swirl_rap_view_set *v = &r->s.vs[ti];
        size_t h = r->traces[ti].height;
        for (size_t vi = 0; vi < v->nv; vi++) {
            size_t u = 0;
            while (u < vi && v->base[u] != v->base[vi])
                u++;
            if (u < vi) { /* the rotated view of the same partition */
                r->vw[ti].b[vi] = r->vw[ti].b[u];
                continue;
            }
            enum rap_from from;
            const bb31 *src = NULL;
            swirl_stacked_block blk;
            const char *why = NULL;
            memset(&blk, 0, sizeof blk);
            SWIRL_TRY(rap_from_view(r, ti, vi, &from, &src, &blk, &why));
            if (from == RAP_FROM_IN_PLACE) {
                r->vw[ti].b[vi] = src; /* NULL while sizing */
                continue;
            }
            size_t bytes = v->width[vi] * h * sizeof(bb31);
            bb31 *d;
            RAP_TAKE(r, d, bytes);
            r->vw[ti].b[vi] = d;
            if (r->sizing || !bytes)
                continue;
            if (from == RAP_FROM_UNSTACK) {
                rap_unstack u1 = {d, src, v->width[vi], h, blk.col_len, blk.stride};
                r->unstack[r->n_unstack++] = u1;
                continue;
            }
            /* a device trace (the flow's address for it, prover/prove.c) is never read on the
             * host: without its device commitment it cannot be uploaded from here */
            if (swirl_cuda_is_device_ptr(v->base[vi]))
                return SWIRL_RAISE(SWIRL_E_INTERNAL,
                                   "rap_constraints: AIR %s partition %d is device memory without "
                                   "a device commitment of this context",
                                   r->traces[ti].air->name, v->part[vi]);
            swirl_cuda_copy c = {d, v->base[vi], bytes};
            r->up[r->n_up++] = c;
            r->up_bytes += bytes;
            if (!r->up_why)
                r->up_why = why;
            swirl_log(SWIRL_LOG_DEBUG,
                      "rap_constraints: AIR %s partition %d (%zu bytes) uploaded from the host: %s",
                      r->traces[ti].air->name, v->part[vi], bytes, why ? why : "?");
        }
        const swirl_air *air = r->traces[ti].air;
        r->pub[ti] = NULL;
        if (air->num_public_values) {
            bb31 *d;
            size_t bytes = air->num_public_values * sizeof(bb31);
            RAP_TAKE(r, d, bytes);
            r->pub[ti] = d;
            if (!r->sizing) {
                swirl_cuda_copy c = {d, r->traces[ti].public_values, bytes};
                r->pv_up[r->n_pv++] = c;
            }
        }
    }
    return SWIRL_OK;
}

/* the control steps' buffers (rap_impl.h swirl_rap_bufs) */
static enum swirl_status rap_take_bufs(rap_run *r) {
    const swirl_rap_shape *sh = &r->s.sh;
    size_t n = sh->n, row = sh->s0deg + 1, N = sh->N, x4 = sizeof(bb31x4);
    swirl_rap_bufs *b = &r->b;
    RAP_TAKE(r, b->t, sizeof(swirl_transcript));
    RAP_TAKE(r, b->proof, r->s.plan.buffer_len * x4);
    RAP_TAKE(r, b->ctl, sizeof(swirl_rap_ctl));
    RAP_TAKE(r, r->d_tr, n * sizeof(swirl_rap_trace));
    b->tr = r->d_tr;
    RAP_TAKE(r, b->lam_pows, sh->max_cons * x4);
    RAP_TAKE(r, b->bp, (sh->max_msg + 1) * x4);
    RAP_TAKE(r, b->mu_pows, 3 * n * x4);
    RAP_TAKE(r, b->eq3b, r->s.n_int * x4);
    RAP_TAKE(r, r->d_row_idx, r->s.n_int * sizeof(uint32_t));
    b->row_idx = r->d_row_idx;
    RAP_TAKE(r, b->S, 3 * n * sh->P * x4);
    RAP_TAKE(r, b->zc, n * row * x4);
    RAP_TAKE(r, b->nu, n * row * x4);
    RAP_TAKE(r, b->de, n * row * x4);
    RAP_TAKE(r, b->prods, 2 * n * row * x4);
    RAP_TAKE(r, b->h, SWIRL_RAP_COS_LEN(n, N) * x4);
    RAP_TAKE(r, b->q, SWIRL_RAP_COS_LEN(n, N) * x4);
    RAP_TAKE(r, b->vinv, SWIRL_RAP_VINV_LEN * sizeof(bb31));
    RAP_TAKE(r, b->eqsharp, N * x4);
    RAP_TAKE(r, b->equni, N * x4);
    RAP_TAKE(r, b->eqs, N * x4);
    RAP_TAKE(r, b->zsum, (sh->sp0 + 1) * x4);
    RAP_TAKE(r, b->s0zc, row * x4);
    RAP_TAKE(r, b->lagr, N * x4);
    RAP_TAKE(r, b->heads, 3 * (size_t)sh->G * n * x4);
    RAP_TAKE(r, b->tails, 3 * n * x4);
    return SWIRL_OK;
}

/* the rest: leaves and GKR, PoW scratch, round 0's points, eq tables, the folded tables, the
 * LogUp input kernel's value arrays, the openings' sources, the constraint programs' scratch */
static enum swirl_status rap_take_work(rap_run *r) {
    const swirl_rap_shape *sh = &r->s.sh;
    size_t n = sh->n, x4 = sizeof(bb31x4);
    if (sh->gkr_layers) {
        size_t NL = (size_t)1 << sh->gkr_layers;
        RAP_TAKE(r, r->d_p, NL * x4);
        RAP_TAKE(r, r->d_q, NL * x4);
        RAP_TAKE(r, r->d_gkr, swirl_gkr_proof_len(sh->gkr_layers) * x4);
        if (r->sizing)
            r->bytes += swirl_cuda_gkr_scratch_bytes(sh->gkr_layers);
    }
    r->b.gkr = r->d_gkr;
    RAP_TAKE(r, r->d_w, sizeof(uint32_t));
    RAP_TAKE(r, r->d_grind, swirl_cuda_transcript_grind_bytes());
    RAP_TAKE(r, r->d_pts, sh->P * sizeof(bb31));
    RAP_TAKE(r, r->d_lag, (size_t)sh->P * sh->N * sizeof(bb31));
    RAP_TAKE(r, r->d_eq, ((size_t)1 << sh->n_max) * x4);
    for (size_t ti = 0; ti < n; ti++) {
        size_t H = (size_t)1 << r->s.tr[ti].n_lift, F = r->s.vs[ti].fold_cols;
        RAP_TAKE(r, r->fa[ti], F * H * x4);
        RAP_TAKE(r, r->fb[ti], F * (H / 2 ? H / 2 : 1) * x4);
    }
    size_t vb = r->T_leaf * r->slots * 4, vt = r->slots * 16;
    RAP_TAKE(r, r->d_V, vb > vt ? vb : vt);
    /* the constraint programs' scratch (round 0 and the multilinear rounds): the largest need of
     * the traces, shared by all of them */
    size_t zv = 0, zp = 0;
    for (size_t ti = 0; ti < n; ti++) {
        const swirl_air_program *p = r->traces[ti].air->program;
        size_t v, pb;
        SWIRL_TRY(swirl_cuda_zc_scratch_need(&v, &pb, p->const_base, r->zreq[ti]));
        zv = v > zv ? v : zv;
        zp = pb > zp ? pb : zp;
    }
    RAP_TAKE(r, r->zmem.d_values, zv);
    r->zmem.values_bytes = zv;
    RAP_TAKE(r, r->zmem.d_partial, zp);
    r->zmem.partial_bytes = zp;
    RAP_TAKE(r, r->d_open, r->s.plan.n_openings * sizeof(bb31x4 *));
    return SWIRL_OK;
}

/* threads of the LogUp input kernel (a multiple of RAP_THREADS) and the programs' largest value
 * count: their value arrays are one slice */
static void rap_size_values(rap_run *r) {
    size_t rows = 0;
    r->slots = 1;
    for (size_t ti = 0; ti < r->s.sh.n; ti++) {
        const swirl_air_program *p = r->traces[ti].air->program;
        size_t slots = p->const_base ? p->const_base : 1;
        if (slots > r->slots)
            r->slots = slots;
        if (r->s.tr[ti].n_int && r->traces[ti].height > rows)
            rows = r->traces[ti].height;
    }
    size_t cap = RAP_LEAF_V_BYTES / (r->slots * 4);
    size_t T = rows < cap ? rows : cap;
    T = (T + RAP_THREADS - 1) / RAP_THREADS * RAP_THREADS;
    r->T_leaf = rows ? (T ? T : RAP_THREADS) : 0;
}

static enum swirl_status rap_layout(rap_run *r) {
    SWIRL_TRY(rap_take_traces(r));
    SWIRL_TRY(rap_take_bufs(r));
    return rap_take_work(r);
}

/* scratch of a trace's program object: round 0's and round 1's threads at most (like the
 * constraint slots), capped at the default */
static size_t rap_prog_scratch(const swirl_rap_trace *tt, size_t slots, unsigned G, size_t N) {
    size_t np = (tt->nzc > tt->nlu ? tt->nzc : tt->nlu) * N, PB = np & (~np + 1);
    PB = PB > 128 ? 128 : (PB ? PB : 1);
    size_t nx = (size_t)1 << tt->n_lift;
    size_t t0 = np ? (nx * PB + 127) / 128 * (np / PB) * 128 : 128;
    size_t ny = tt->n_lift ? nx / 2 : 1, XB = 128 / G, t1 = (ny + XB - 1) / XB * 128;
    size_t cap = (size_t)1 << 18;
    t0 = t0 > cap ? cap : t0;
    t1 = t1 > cap ? cap : t1;
    size_t b0 = (t0 + 128) * slots * 4, b1 = (t1 + 128) * slots * 16;
    size_t want = b0 > b1 ? b0 : b1;
    return want < SWIRL_CUDA_ZC_SCRATCH_DEFAULT ? want : SWIRL_CUDA_ZC_SCRATCH_DEFAULT;
}

static void rap_run_clear(rap_run *r) {
    if (r->prog)
        for (size_t i = 0; i < r->s.sh.n; i++)
            swirl_cuda_program_destroy(r->prog[i]);
    free(r->prog);
    free(r->dp);
    free(r->zreq);
    free(r->vw);
    free(r->pub);
    free(r->src);
    free(r->up);
    free(r->pv_up);
    free(r->unstack);
    free(r->fa);
    free(r->fb);
    free(r->h_pts);
    free(r->h_lag);
    free(r->h_open);
    swirl_rap_sched_clear(&r->s);
}

/* the plan and the host arrays (no device work) */
static enum swirl_status rap_plan(rap_run *r, const swirl_zc_params *zp,
                                  const swirl_air_instance *traces, size_t n) {
    r->traces = traces;
    SWIRL_TRY(swirl_rap_sched_make(&r->s, zp, traces, n));
    size_t views = 0;
    for (size_t i = 0; i < n; i++)
        views += r->s.vs[i].nv;
    r->prog = (swirl_cuda_program **)swirl_calloc(n, sizeof *r->prog);
    r->dp = (swirl_zc_dprog *)swirl_calloc(n, sizeof *r->dp);
    r->zreq = (size_t *)swirl_calloc(n, sizeof *r->zreq);
    r->vw = (rap_views *)swirl_calloc(n, sizeof *r->vw);
    r->pub = (const bb31 **)swirl_calloc(n, sizeof *r->pub);
    r->up = (swirl_cuda_copy *)swirl_calloc(views + 1, sizeof *r->up);
    r->pv_up = (swirl_cuda_copy *)swirl_calloc(n + 1, sizeof *r->pv_up);
    r->unstack = (rap_unstack *)swirl_calloc(views + 1, sizeof *r->unstack);
    r->fa = (bb31x4 **)swirl_calloc(n, sizeof *r->fa);
    r->fb = (bb31x4 **)swirl_calloc(n, sizeof *r->fb);
    r->h_pts = (bb31 *)swirl_malloc(r->s.sh.P * sizeof(bb31));
    r->h_lag = (bb31 *)swirl_malloc((size_t)r->s.sh.P * r->s.sh.N * sizeof(bb31));
    r->h_open = (const bb31x4 **)swirl_calloc(r->s.plan.n_openings + 1, sizeof *r->h_open);
    if (!r->prog || !r->dp || !r->zreq || !r->vw || !r->pub || !r->up || !r->pv_up || !r->unstack ||
        !r->fa || !r->fb || !r->h_pts || !r->h_lag || !r->h_open)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "rap_constraints: out of memory");
    swirl_rap_sched_round0_points(&r->s, r->h_pts, r->h_lag);
    rap_size_values(r);
    for (size_t ti = 0; ti < n; ti++) {
        const swirl_air_program *p = traces[ti].air->program;
        r->zreq[ti] =
            rap_prog_scratch(&r->s.tr[ti], p->const_base ? p->const_base : 1, r->s.sh.G, r->s.sh.N);
    }
    return SWIRL_OK;
}

/* every opened value's source: entry (view column, row 0) of the trace's fully folded table */
static void rap_open_sources(rap_run *r) {
    for (size_t o = 0; o < r->s.plan.n_openings; o++) {
        uint32_t ti = r->s.open_src[3 * o], vi = r->s.open_src[3 * o + 1],
                 col = r->s.open_src[3 * o + 2];
        const bb31x4 *tab = r->s.tr[ti].n_lift % 2 == 0 ? r->fa[ti] : r->fb[ti];
        r->h_open[o] = tab + r->s.vs[ti].col0[vi] + col;
    }
}

/* device views of trace ti's table after k folds */
static void rap_fold_views(const rap_run *r, size_t ti, size_t k, rap_folds *fv,
                           const bb31x4 **fsel) {
    const swirl_rap_view_set *v = &r->s.vs[ti];
    size_t Hk = ((size_t)1 << r->s.tr[ti].n_lift) >> k;
    const bb31x4 *tab = k % 2 == 0 ? r->fa[ti] : r->fb[ti];
    memset(fv, 0, sizeof *fv);
    for (size_t vi = 0; vi < v->nv; vi++)
        fv->f[vi] = tab + v->col0[vi] * Hk;
    *fsel = tab + (v->fold_cols - 3) * Hk;
}

static unsigned rap_grid(size_t work) {
    unsigned b = swirl_cuda_blocks(work, RAP_THREADS);
    return b > RAP_MAX_BLOCKS ? RAP_MAX_BLOCKS : b;
}

/* ------------------------------------------------------------------------------------------ */
/* the enqueued schedule (rap_impl.h) */

/* LogUp PoW, alpha/beta, the input layer, the GKR */
static enum swirl_status rap_enqueue_logup(rap_run *r) {
    swirl_cuda_ctx *ctx = r->ctx;
    const swirl_rap_shape *sh = &r->s.sh;
    SWIRL_TRY(
        swirl_cuda_transcript_grind(ctx, r->b.t, (unsigned)r->s.pow_bits, r->d_w, r->d_grind));
    SWIRL_LAUNCH(ctx, k_rap_ctl_pow, 1, 32, 0, *sh, r->b, (const uint32_t *)r->d_w);
    if (!sh->gkr_layers)
        return SWIRL_OK;
    size_t NL = (size_t)1 << sh->gkr_layers;
    SWIRL_LAUNCH(ctx, k_rap_leaf_init, rap_grid(NL), RAP_THREADS, 0, r->d_p, r->d_q, NL,
                 (const swirl_rap_ctl *)r->b.ctl);
    for (size_t ti = 0; ti < sh->n; ti++) {
        const swirl_rap_trace *tt = &r->s.tr[ti];
        if (!tt->n_int)
            continue;
        size_t h = r->traces[ti].height, len = h > sh->N ? h : sh->N;
        SWIRL_LAUNCH(ctx, k_rap_leaf_rows, (unsigned)(r->T_leaf / RAP_THREADS), RAP_THREADS, 0,
                     r->dp[ti], r->vw[ti], r->pub[ti], r->d_V, r->d_p, r->d_q, h, len,
                     (const uint32_t *)r->d_row_idx + tt->int_off, (const bb31x4 *)r->b.bp,
                     (const swirl_rap_ctl *)r->b.ctl, tt->norm);
    }
    SWIRL_TRY(swirl_cuda_gkr_prove_enqueue(ctx, r->d_gkr, r->b.t, r->d_p, r->d_q, sh->gkr_layers));
    SWIRL_LAUNCH(ctx, k_rap_ctl_gkr, 1, 1, 0, *sh, r->b);
    return SWIRL_OK;
}

/* round 0: every trace's sums (eq_x, the constraint program), the control step, the fold at r0 */
static enum swirl_status rap_enqueue_round0(rap_run *r) {
    swirl_cuda_ctx *ctx = r->ctx;
    const swirl_rap_shape *sh = &r->s.sh;
    for (size_t ti = 0; ti < sh->n; ti++) {
        const swirl_rap_trace *tt = &r->s.tr[ti];
        size_t nx = (size_t)1 << tt->n_lift;
        SWIRL_LAUNCH(ctx, k_rap_eq, rap_grid(nx), RAP_THREADS, 0, r->d_eq,
                     (const bb31x4 *)(r->b.ctl->xi + sh->l), (unsigned)tt->n_lift, nx);
        swirl_cuda_zc_round0_in in;
        memset(&in, 0, sizeof in);
        for (size_t v = 0; v < r->s.vs[ti].nv; v++)
            in.view[v] = r->vw[ti].b[v];
        in.nv = r->s.vs[ti].nv;
        in.h = r->traces[ti].height;
        in.n_lift = tt->n_lift;
        in.pub = r->pub[ti];
        in.eq_x = r->d_eq;
        in.lag = r->d_lag;
        in.pts = r->d_pts;
        in.lambda_pows = r->b.lam_pows;
        in.beta_pows = r->b.bp;
        in.eq3b = r->b.eq3b + tt->int_off;
        in.n_points = sh->P;
        in.N = sh->N;
        in.nzc = tt->nzc;
        in.nlu = tt->nlu;
        in.np = (tt->nzc > tt->nlu ? tt->nzc : tt->nlu) * (size_t)sh->N;
        in.coset_omega = sh->omega; /* swirl_rap_sched_round0_points: cosets of the skip domain */
        SWIRL_TRY(swirl_cuda_zc_round0(ctx, r->prog[ti], r->b.S + 3 * (size_t)sh->P * ti, &in));
    }
    SWIRL_LAUNCH(ctx, k_rap_ctl_round0, 1, RAP_THREADS, 0, *sh, r->b);
    const int pair = swirl_settings_get()->rap_fold_pair;
    for (size_t ti = 0; ti < sh->n; ti++) {
        const swirl_rap_view_set *v = &r->s.vs[ti];
        size_t H = (size_t)1 << r->s.tr[ti].n_lift, h = r->traces[ti].height;
        int done[SWIRL_RAP_MAX_VIEWS] = {0};
        /* an unrotated view and the rotated one of the same columns: one pass (SWIRL_RAP_FOLD_PAIR;
         * k_rap_fold_r0_pair's geometry: N = 16, h = 16 H, 16-byte aligned columns) */
        const int pair_ok = pair && sh->N == RAP_PAIR_N && h == H * RAP_PAIR_N;
        for (size_t vi = 0; vi < v->nv && pair_ok; vi++)
            for (size_t vj = 0; vj < v->nv; vj++)
                if (!done[vi] && !done[vj] && v->rot[vi] == 0 && v->rot[vj] == 1 &&
                    r->vw[ti].b[vi] == r->vw[ti].b[vj] && v->width[vi] == v->width[vj] &&
                    v->width[vi] && (uintptr_t)r->vw[ti].b[vi] % 16 == 0) {
                    SWIRL_LAUNCH(ctx, k_rap_fold_r0_pair, rap_grid(v->width[vi] * H), RAP_THREADS,
                                 0, r->fa[ti] + v->col0[vi] * H, r->fa[ti] + v->col0[vj] * H,
                                 r->vw[ti].b[vi], v->width[vi], h,
                                 (unsigned)r->s.tr[ti].n_lift, (const bb31x4 *)r->b.lagr);
                    done[vi] = done[vj] = 1;
                }
        for (size_t vi = 0; vi < v->nv; vi++)
            if (v->width[vi] && !done[vi])
                SWIRL_LAUNCH(ctx, k_rap_fold_r0, rap_grid(v->width[vi] * H), RAP_THREADS, 0,
                             r->fa[ti] + v->col0[vi] * H, r->vw[ti].b[vi], v->width[vi], h,
                             v->rot[vi], (size_t)sh->N, (const bb31x4 *)r->b.lagr, H);
        SWIRL_LAUNCH(ctx, k_rap_fold_sel, rap_grid(H), RAP_THREADS, 0,
                     r->fa[ti] + (v->fold_cols - 3) * H, H, h, (size_t)sh->N,
                     (const bb31x4 *)r->b.lagr);
    }
    return SWIRL_OK;
}

/* one multilinear round: heads, tails, the control step, the folds at r_round */
static enum swirl_status rap_enqueue_round(rap_run *r, uint32_t round) {
    swirl_cuda_ctx *ctx = r->ctx;
    const swirl_rap_shape *sh = &r->s.sh;
    rap_folds fv;
    const bb31x4 *fsel;
    for (size_t ti = 0; ti < sh->n; ti++) {
        const swirl_rap_trace *tt = &r->s.tr[ti];
        const bb31x4 *eq3b = r->b.eq3b + tt->int_off;
        if (round <= tt->n_lift) {
            size_t hyper = tt->n_lift - round, ny = (size_t)1 << hyper;
            SWIRL_LAUNCH(ctx, k_rap_eq, rap_grid(ny), RAP_THREADS, 0, r->d_eq,
                         (const bb31x4 *)(r->b.ctl->xi + sh->l + round), (unsigned)hyper, ny);
            rap_fold_views(r, ti, round - 1, &fv, &fsel);
            swirl_cuda_zc_round_in in;
            memset(&in, 0, sizeof in);
            for (size_t v = 0; v < r->s.vs[ti].nv; v++)
                in.fold[v] = fv.f[v];
            in.nv = r->s.vs[ti].nv;
            in.cur_h = (size_t)1 << (tt->n_lift - (round - 1));
            in.fsel = fsel;
            in.pub = r->pub[ti];
            in.eq_y = r->d_eq;
            in.ny = ny;
            in.G = sh->G;
            in.lambda_pows = r->b.lam_pows;
            in.beta_pows = r->b.bp;
            in.eq3b = eq3b;
            SWIRL_TRY(
                swirl_cuda_zc_round(ctx, r->prog[ti], r->b.heads + 3 * (size_t)sh->G * ti, &in));
        } else if (round == tt->n_lift + 1) {
            rap_fold_views(r, ti, tt->n_lift, &fv, &fsel);
            SWIRL_LAUNCH(ctx, k_rap_tail, 1, 1, 0, r->dp[ti], fv, fsel, r->pub[ti], r->d_V,
                         (const bb31x4 *)r->b.lam_pows, (const bb31x4 *)r->b.bp, eq3b,
                         r->b.tails + 3 * ti);
        }
    }
    SWIRL_LAUNCH(ctx, k_rap_ctl_round, 1, 32, 0, *sh, r->b, round);
    const bb31x4 *d_r = r->b.proof + sh->off_r + round;
    for (size_t ti = 0; ti < sh->n; ti++) {
        size_t nl = r->s.tr[ti].n_lift;
        if (round > nl)
            continue;
        size_t k = round - 1, H = (size_t)1 << (nl - k);
        const bb31x4 *in = k % 2 == 0 ? r->fa[ti] : r->fb[ti];
        bb31x4 *out = k % 2 == 0 ? r->fb[ti] : r->fa[ti];
        SWIRL_TRY(swirl_cuda_sumcheck_fold(ctx, out, in, r->s.vs[ti].fold_cols, H, d_r));
    }
    return SWIRL_OK;
}

/* the stage's uploads (transcript, plan data), the schedule, the one download */
/* Sub-stages of the one stage, timed by events (no sync): logup_gkr (PoW, alpha/beta, input
 * layer, GKR), round0 (challenges, round 0), mle_rounds, openings. */
#define RAP_MARKS 5
static const char *const rap_sub_names[RAP_MARKS - 1] = {
    "prover.rap_constraints.logup_gkr", "prover.rap_constraints.round0",
    "prover.rap_constraints.mle_rounds", "prover.rap_constraints.openings"};

static enum swirl_status rap_mark(rap_run *r, int i) {
    if (!r->ev[i])
        return SWIRL_OK; /* events could not be had: no sub-stage timings */
    r->mark_kernels[i] = r->ctx->current.kernels;
    SWIRL_CUDA_TRY(r->ctx, cudaEventRecord(r->ev[i], r->ctx->stream));
    return SWIRL_OK;
}

/* after the stage's end: the sub-stages into the trace (0 syncs each: the stage holds the one) */
static void rap_record_substages(rap_run *r) {
    for (int i = 0; i + 1 < RAP_MARKS; i++) {
        float ms = 0;
        if (!r->ev[i] || !r->ev[i + 1] ||
            cudaEventElapsedTime(&ms, r->ev[i], r->ev[i + 1]) != cudaSuccess) {
            cudaGetLastError();
            return;
        }
        swirl_cuda_stage_record(r->ctx, rap_sub_names[i],
                                r->mark_kernels[i + 1] - r->mark_kernels[i], ms);
    }
    /* round 0's stream programs, split: their inputs and the stream itself (summed over AIRs) */
    float split[2] = {0, 0};
    unsigned kern[2] = {0, 0};
    int any = 0;
    for (size_t i = 0; r->prog && i < r->s.sh.n; i++) {
        float ms[2];
        unsigned k[2];
        if (r->prog[i] && swirl_cuda_program_r0_split(r->prog[i], ms, k)) {
            any = 1;
            for (int j = 0; j < 2; j++) {
                split[j] += ms[j];
                kern[j] += k[j];
            }
        }
    }
    if (any) {
        swirl_cuda_stage_record(r->ctx, "prover.rap_constraints.round0.inputs", kern[0], split[0]);
        swirl_cuda_stage_record(r->ctx, "prover.rap_constraints.round0.stream", kern[1], split[1]);
    }
}


static enum swirl_status rap_enqueue(rap_run *r, const swirl_transcript *t, bb31x4 *h_proof,
                                     swirl_transcript *h_t, uint32_t *h_fail) {
    swirl_cuda_ctx *ctx = r->ctx;
    const swirl_rap_shape *sh = &r->s.sh;
    SWIRL_TRY(swirl_cuda_upload(ctx, r->b.t, t, sizeof *t));
    SWIRL_TRY(swirl_cuda_upload(ctx, r->d_tr, r->s.tr, sh->n * sizeof(swirl_rap_trace)));
    if (r->s.n_int)
        SWIRL_TRY(
            swirl_cuda_upload(ctx, r->d_row_idx, r->s.row_idx, r->s.n_int * sizeof(uint32_t)));
    SWIRL_TRY(swirl_cuda_upload(ctx, r->d_pts, r->h_pts, sh->P * sizeof(bb31)));
    SWIRL_TRY(swirl_cuda_upload(ctx, r->d_lag, r->h_lag, (size_t)sh->P * sh->N * sizeof(bb31)));
    SWIRL_TRY(
        swirl_cuda_upload(ctx, r->d_open, r->h_open, r->s.plan.n_openings * sizeof(bb31x4 *)));
    for (size_t i = 0; i < r->n_pv; i++)
        SWIRL_TRY(swirl_cuda_upload(ctx, r->pv_up[i].dst, r->pv_up[i].src, r->pv_up[i].bytes));
    for (size_t i = 0; i < r->n_unstack; i++) {
        const rap_unstack *u = &r->unstack[i];
        SWIRL_LAUNCH(ctx, k_rap_unstack, rap_grid(u->width * u->h), RAP_THREADS, 0, u->dst, u->src,
                     u->width, u->h, u->col_len, u->stride);
    }
    SWIRL_TRY(rap_mark(r, 0));
    SWIRL_TRY(rap_enqueue_logup(r));
    SWIRL_TRY(rap_mark(r, 1));
    SWIRL_LAUNCH(ctx, k_rap_ctl_challenges, 1, RAP_THREADS, 0, *sh, r->b);
    SWIRL_TRY(rap_enqueue_round0(r));
    SWIRL_TRY(rap_mark(r, 2));
    for (uint32_t round = 1; round <= sh->n_max; round++)
        SWIRL_TRY(rap_enqueue_round(r, round));
    SWIRL_TRY(rap_mark(r, 3));
    size_t no = r->s.plan.n_openings;
    if (no)
        SWIRL_LAUNCH(ctx, k_rap_gather, rap_grid(no), RAP_THREADS, 0, r->b.proof + sh->off_open,
                     (const bb31x4 *const *)r->d_open, no);
    /* the openings' observation runs on the host after the download
     * (swirl_rap_sched_observe_openings) */
    SWIRL_TRY(rap_mark(r, 4));
    SWIRL_TRY(swirl_cuda_download(ctx, h_proof, r->b.proof, r->s.plan.buffer_len * sizeof(bb31x4)));
    SWIRL_TRY(swirl_cuda_download(ctx, h_t, r->b.t, sizeof *h_t));
    return swirl_cuda_download(ctx, h_fail, &r->b.ctl->fail, sizeof *h_fail);
}

/* ------------------------------------------------------------------------------------------ */
/* entry points */

extern "C" enum swirl_status swirl_cuda_rap_arena_bytes(size_t *bytes, const swirl_zc_params *zp,
                                                        const swirl_air_instance *traces, size_t n,
                                                        unsigned resident) {
    SWIRL_ARG_CHECK(bytes && zp && traces && n > 0);
    *bytes = 0;
    rap_run r;
    memset(&r, 0, sizeof r);
    enum swirl_status st = rap_plan(&r, zp, traces, n);
    if (st == SWIRL_OK) {
        r.sizing = 1;
        r.by_flags = 1;
        r.resident = resident;
        st = rap_layout(&r);
    }
    if (st == SWIRL_OK)
        *bytes = r.bytes;
    rap_run_clear(&r);
    return st;
}

/* the constraint programs: their tables from the context's cache (made on the first proof that
 * runs them: setup, the only device allocation here, outside the arena), their scratch the
 * arena slices zmem; a later proof of the same programs makes no device allocation and no
 * synchronous copy here */
static enum swirl_status rap_programs(rap_run *r) {
    for (size_t ti = 0; ti < r->s.sh.n; ti++) {
        const swirl_air *air = r->traces[ti].air;
        SWIRL_TRY(swirl_cuda_program_cached(r->ctx, &r->prog[ti], air, r->zreq[ti], &r->zmem));
        r->dp[ti] = swirl_cuda_program_dprog(r->prog[ti]);
        if (r->dp[ti].nv != r->s.vs[ti].nv)
            return SWIRL_RAISE(SWIRL_E_INTERNAL, "rap_constraints: AIR %s: program views differ",
                               air->name);
    }
    return SWIRL_OK;
}

/* the layout in the arena, the programs, the trace upload stage */
static enum swirl_status rap_prepare(rap_run *r) {
    /* the layout with the partitions where they are: first its size, against the arena */
    r->sizing = 1;
    r->bytes = 0;
    SWIRL_TRY(rap_layout(r));
    if (r->bytes > swirl_cuda_arena_free(r->ctx))
        return SWIRL_RAISE(SWIRL_E_NOMEM,
                           "rap_constraints: the stage needs %zu arena bytes, %zu are free "
                           "(plan it with swirl_cuda_rap_arena_bytes)",
                           r->bytes, swirl_cuda_arena_free(r->ctx));
    r->sizing = 0;
    SWIRL_TRY(rap_layout(r));
    SWIRL_TRY(rap_programs(r));
    rap_open_sources(r);
    if (r->n_up == 0)
        return SWIRL_OK; /* every partition is read on the device: no upload stage */
    /* the fallback: partitions with no device copy, uploaded from the host */
    swirl_log(SWIRL_LOG_WARN,
              "upload_fallback:prover.rap_constraints: %zu bytes of %zu trace partitions "
              "uploaded from the host (%s)",
              r->up_bytes, r->n_up, r->up_why ? r->up_why : "no device copy");
    SWIRL_TRY(swirl_cuda_stage_begin(r->ctx, "upload_fallback:prover.rap_constraints"));
    enum swirl_status st = swirl_cuda_upload_many(r->ctx, r->up, r->n_up);
    if (st != SWIRL_OK) {
        swirl_cuda_stage_abort(r->ctx);
        return st;
    }
    return swirl_cuda_stage_end(r->ctx);
}

/* the stage: enqueue, one download, one sync; then the proof and the transcript on the host */
static enum swirl_status rap_stage(rap_run *r, swirl_gkr_proof *gkr, swirl_batch_proof *proof,
                                   bb31x4 *r_out, size_t *n_r, swirl_transcript *t,
                                   swirl_ts_async *obs) {
    bb31x4 *h_proof = (bb31x4 *)swirl_malloc((r->s.plan.buffer_len + 1) * sizeof(bb31x4));
    if (!h_proof)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "rap_constraints: out of memory");
    swirl_transcript h_t;
    uint32_t fail = 0;
    swirl_cuda_events_create(r->ev, RAP_MARKS);
    /* the openings' observer, created and hot before the openings exist (ts_async.h) */
    if (obs && swirl_settings_get()->ts_prestart)
        swirl_ts_async_prestart(obs);
    enum swirl_status st = swirl_cuda_stage_begin(r->ctx, "prover.rap_constraints");
    if (st == SWIRL_OK) {
        /* host spans: enqueueing (the GPU already runs), then the wait for the one sync */
        swirl_span_begin("rap_host.enqueue");
        st = rap_enqueue(r, t, h_proof, &h_t, &fail);
        swirl_span_end();
        if (st == SWIRL_OK) {
            swirl_span_begin("rap_host.sync_wait");
            st = swirl_cuda_stage_end(r->ctx);
            swirl_span_end();
        } else {
            swirl_cuda_stage_abort(r->ctx);
        }
    }
    if (st == SWIRL_OK)
        rap_record_substages(r);
    swirl_cuda_events_destroy(r->ev, RAP_MARKS);
    if (st == SWIRL_OK && fail)
        st =
            SWIRL_RAISE(SWIRL_E_UNSATISFIED, "LogUp: the interaction fractions do not sum to zero");
    if (st == SWIRL_OK) { /* the device's transcript, then its last step (the openings) */
        memcpy(t->state, h_t.state, sizeof t->state);
        t->absorb_idx = h_t.absorb_idx;
        t->sample_idx = h_t.sample_idx;
        t->last_op_perm = h_t.last_op_perm;
        if (obs) { /* on a worker, while the proof is unpacked here and the caller goes on */
            size_t nv = swirl_rap_sched_openings_values(&r->s, NULL, NULL);
            bb31x4 *v = (bb31x4 *)swirl_malloc((nv + 1) * sizeof *v);
            if (!v) {
                st = SWIRL_RAISE(SWIRL_E_NOMEM, "rap_constraints: out of memory");
            } else {
                swirl_rap_sched_openings_values(&r->s, h_proof, v);
                swirl_ts_async_start(obs, t, v, nv);
            }
        } else {
            swirl_span_begin("rap_host.observe_openings");
            swirl_rap_sched_observe_openings(&r->s, h_proof, t); /* after the one sync */
            swirl_span_end();
        }
    }
    if (st == SWIRL_OK) {
        swirl_span_begin("rap_host.unpack");
        st = swirl_rap_proof_unpack(&r->s.plan, h_proof, gkr, proof, r_out);
        swirl_span_end();
        *n_r = r->s.plan.r.len;
    }
    if (st != SWIRL_OK && obs)
        swirl_ts_async_clear(obs); /* nothing left running on *t */
    free(h_proof);
    return st;
}

extern "C" enum swirl_status
swirl_cuda_rap_constraints(swirl_cuda_ctx *ctx, swirl_gkr_proof *gkr, swirl_batch_proof *proof,
                           bb31x4 *r_out, size_t *n_r, swirl_transcript *t,
                           const swirl_zc_params *zp, const swirl_air_instance *traces, size_t n,
                           const swirl_stacked_pcs_data *const *commits, size_t n_commits) {
    return swirl_cuda_rap_constraints_deferred(ctx, gkr, proof, r_out, n_r, t, zp, traces, n,
                                               commits, n_commits, NULL);
}

extern "C" enum swirl_status swirl_cuda_rap_constraints_deferred(
    swirl_cuda_ctx *ctx, swirl_gkr_proof *gkr, swirl_batch_proof *proof, bb31x4 *r_out,
    size_t *n_r, swirl_transcript *t, const swirl_zc_params *zp, const swirl_air_instance *traces,
    size_t n, const swirl_stacked_pcs_data *const *commits, size_t n_commits,
    swirl_ts_async *obs) {
    SWIRL_CUDA_CHECK_CTX(ctx);
    if (obs)
        swirl_ts_async_clear(obs);
    SWIRL_ARG_CHECK(gkr && proof && r_out && n_r && t && zp && traces && n > 0);
    SWIRL_ARG_CHECK(commits != NULL || n_commits == 0);
    memset(gkr, 0, sizeof *gkr);
    memset(proof, 0, sizeof *proof);
    if (ctx->stage_open)
        return SWIRL_RAISE(SWIRL_E_UNSUPPORTED, "rap_constraints inside stage '%s'",
                           ctx->current.name);
    if (t->log)
        return SWIRL_RAISE(SWIRL_E_UNSUPPORTED,
                           "rap_constraints on the device: the transcript has a log attached");
    rap_run *r = (rap_run *)swirl_calloc(1, sizeof *r);
    if (!r)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "rap_constraints: out of memory");
    r->ctx = ctx;
    r->mark = swirl_cuda_arena_mark(ctx);
    /* host spans inside prover.rap_constraints (the span minus the GPU time is host work) */
    swirl_span_begin("rap_host.plan");
    enum swirl_status st = rap_plan(r, zp, traces, n);
    if (st == SWIRL_OK) {
        r->src = (swirl_rap_source *)swirl_calloc(n * SWIRL_RAP_MAX_VIEWS, sizeof *r->src);
        if (!r->src)
            st = SWIRL_RAISE(SWIRL_E_NOMEM, "rap_constraints: out of memory");
        else
            swirl_rap_sched_sources(&r->s, traces, commits, n_commits, r->src);
    }
    swirl_span_end();
    if (st == SWIRL_OK) {
        swirl_span_begin("rap_host.prepare"); /* the layout, the programs from the cache */
        st = rap_prepare(r);
        swirl_span_end();
    }
    if (st == SWIRL_OK)
        st = rap_stage(r, gkr, proof, r_out, n_r, t, obs);
    swirl_cuda_arena_rewind(ctx, r->mark);
    rap_run_clear(r);
    free(r);
    if (st != SWIRL_OK) {
        swirl_gkr_proof_clear(gkr);
        swirl_batch_proof_clear(proof);
    }
    return st;
}
