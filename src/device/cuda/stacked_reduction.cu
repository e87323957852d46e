/*
 * The stacked opening reduction on the GPU (cuda_sr.h): kernels over the device plan, every
 * challenge sampled on the device transcript, no host sync. The per-thread math and the
 * transcript steps are device/sr_impl.h (tests/test_sr_twin.c replays this schedule on the CPU
 * against swirl_stacked_reduction_prove); they run on one warp in the transcript's warp mode
 * (device/cuda/ts_warp.cuh: the transcript in shared memory, lane 0 writes).
 */
#include "device/cuda/cuda_common.cuh"
#include "device/cuda/cuda_reduce.cuh"
#include "device/cuda/cuda_gkr.h"
#include "device/cuda/cuda_sr.h"
#include "device/cuda/ts_warp.cuh"

__constant__ uint32_t c_sr_ext_init[64] = P2_BB16_RC_EXT_INITIAL_MONT;
__constant__ uint32_t c_sr_ext_final[64] = P2_BB16_RC_EXT_FINAL_MONT;
__constant__ uint32_t c_sr_internal[13] = P2_BB16_RC_INTERNAL_MONT;

#define SR_THREADS 256
#define SR_MAX_BLOCKS 1024 /* partial sums per round (grid-stride beyond) */

__device__ __forceinline__ swirl_ts_tables sr_tables() {
    return swirl_ts_warp_tables(c_sr_ext_init, c_sr_ext_final, c_sr_internal);
}

/* the class whose tables hold entry i (classes in eoff order) */
__device__ __forceinline__ uint64_t sr_class_at(const swirl_sr_class *cls, uint64_t ncls,
                                                uint64_t i) {
    uint64_t g = 0;
    while (g + 1 < ncls && cls[g + 1].eoff <= i)
        g++;
    return g;
}

/* ---------------- setup and round 0 ---------------- */

/* one warp */
__global__ void k_sr_lambda(swirl_transcript *t, swirl_sr_ctl *ctl) {
    SWIRL_KERNEL_ENTRY();
    __shared__ swirl_transcript st;
    swirl_ts_tables tb = sr_tables();
    swirl_ts_warp_load(&st, t);
    swirl_sr_seq_lambda(&st, ctl, &tb);
    swirl_ts_warp_store(t, &st);
}

__global__ void k_sr_pows(bb31x4 *lp, uint64_t n, const swirl_sr_ctl *ctl) {
    SWIRL_KERNEL_ENTRY();
    bb31x4 lambda = ctl->lambda;
    for (uint64_t i = swirl_grid_tid(); i < n; i += swirl_grid_stride())
        lp[i] = bb31x4_pow(lambda, i);
}

__global__ void k_sr_eq(bb31x4 *E, const swirl_sr_class *cls, swirl_sr_params pr, const bb31x4 *r) {
    SWIRL_KERNEL_ENTRY();
    for (uint64_t i = swirl_grid_tid(); i < pr.etot; i += swirl_grid_stride()) {
        const swirl_sr_class *c = &cls[sr_class_at(cls, pr.ncls, i)];
        E[i] = swirl_sr_eq_entry(r + 1, c->n_lift, i - c->eoff);
    }
}

/* Sums acc[0..2) over the block's x-lanes (threads t, t + lanes, t + 2 lanes, ..; lanes divides
 * blockDim.x, both powers of two): thread t < lanes ends with the sums in acc. A tree in shared
 * memory (sh: 2 blockDim.x entries); every thread of the block must call it. */
__device__ __forceinline__ void sr_xlane_sum(bb31x4 acc[2], bb31x4 *sh, unsigned lanes) {
    unsigned t = threadIdx.x, tx = t / lanes;
    sh[2 * t] = acc[0];
    sh[2 * t + 1] = acc[1];
    __syncthreads();
    for (unsigned s = blockDim.x / lanes / 2; s > 0; s >>= 1) {
        if (tx < s) {
            sh[2 * t] = bb31x4_add(sh[2 * t], sh[2 * (t + s * lanes)]);
            sh[2 * t + 1] = bb31x4_add(sh[2 * t + 1], sh[2 * (t + s * lanes) + 1]);
        }
        __syncthreads();
    }
    if (tx == 0) {
        acc[0] = sh[2 * t];
        acc[1] = sh[2 * t + 1];
    }
    __syncthreads();
}

/* Round 0's W partial sums, one block per tile b (view k, x in [x0, x1)): entry (b, j) at
 * 2 (b N + j). Thread t takes j = jb + t % lanes and x = x0 + t / lanes, stepping by the x-lanes
 * (blockDim / lanes): the block reads whole runs of the view's rows (x N + j contiguous). */
__global__ void __launch_bounds__(SR_THREADS)
    k_sr_w(bb31x4 *Wt, const swirl_sr_view *views, const swirl_sr_class *cls,
           const bb31 *const *mats, const bb31x4 *E, const uint64_t *woffs, swirl_sr_params pr) {
    SWIRL_KERNEL_ENTRY();
    __shared__ bb31x4 sh[2 * SR_THREADS];
    unsigned lanes = pr.N < SR_THREADS ? (unsigned)pr.N : SR_THREADS;
    unsigned tj = threadIdx.x % lanes, tx = threadIdx.x / lanes, xl = SR_THREADS / lanes;
    for (uint64_t b = blockIdx.x; b < pr.ntiles; b += gridDim.x) {
        uint64_t k = swirl_sr_find_view(woffs, pr.ntv, b);
        const swirl_sr_view *v = &views[k];
        const swirl_sr_class *cl = &cls[v->cls];
        uint64_t x0, x1;
        swirl_sr_w_tile(&x0, &x1, cl->n_lift, pr.w_xlog, b - woffs[k]);
        const bb31 *col = mats[v->com] + (uint64_t)v->col_idx * pr.Hs + v->row_idx;
        for (uint64_t jb = 0; jb < pr.N; jb += lanes) {
            bb31x4 acc[2] = {bb31x4_zero(), bb31x4_zero()};
            swirl_sr_w(acc, col, E + cl->eoff, cl->n_lift, pr.N, jb + tj, x0 + tx, x1, xl, v->rot);
            sr_xlane_sum(acc, sh, lanes);
            if (tx == 0) {
                Wt[2 * (b * pr.N + jb + tj)] = acc[0];
                Wt[2 * (b * pr.N + jb + tj) + 1] = acc[1];
            }
        }
    }
}

/* Block k: view k's W, its tiles' partial sums reduced and finished (swirl_sr_w_finish), stored
 * transposed, entry (j, k) at 2 (j ntv + k), for k_sr_s0's coalesced reads. */
__global__ void __launch_bounds__(SR_THREADS)
    k_sr_wsum(bb31x4 *Wr, const bb31x4 *Wt, const swirl_sr_view *views, const uint64_t *woffs,
              swirl_sr_params pr) {
    SWIRL_KERNEL_ENTRY();
    __shared__ bb31x4 sh[2 * SR_THREADS];
    unsigned lanes = pr.N < SR_THREADS ? (unsigned)pr.N : SR_THREADS;
    unsigned tj = threadIdx.x % lanes, tx = threadIdx.x / lanes, xl = SR_THREADS / lanes;
    for (uint64_t k = blockIdx.x; k < pr.ntv; k += gridDim.x) {
        uint64_t t0 = woffs[k], nt = woffs[k + 1] - t0;
        for (uint64_t jb = 0; jb < pr.N; jb += lanes) {
            bb31x4 acc[2] = {bb31x4_zero(), bb31x4_zero()};
            for (uint64_t t = tx; t < nt; t += xl) {
                const bb31x4 *w = Wt + 2 * ((t0 + t) * pr.N + jb + tj);
                acc[0] = bb31x4_add(acc[0], w[0]);
                acc[1] = bb31x4_add(acc[1], w[1]);
            }
            sr_xlane_sum(acc, sh, lanes);
            if (tx == 0) {
                swirl_sr_w_finish(acc, views[k].rot);
                Wr[2 * ((jb + tj) * pr.ntv + k)] = acc[0];
                Wr[2 * ((jb + tj) * pr.ntv + k) + 1] = acc[1];
            }
        }
    }
}

/* Block (b, p): the views b T + t, stepping by gridDim.x T (T = blockDim.x), of the batched sum at
 * round-0 point p = blockIdx.y, into Sp[b P + p] (k_sr_round0_ctl adds the gridDim.x partials).
 * The Lagrange basis at p and the classes' factors at p are made once per block. */
__global__ void __launch_bounds__(SR_THREADS)
    k_sr_s0(bb31x4 *Sp, const bb31x4 *Wr, const swirl_sr_view *views, const swirl_sr_class *cls,
            const bb31x4 *lp, swirl_sr_params pr) {
    SWIRL_KERNEL_ENTRY();
    __shared__ bb31 lag[1 << SWIRL_SR_MAX_L_SKIP];
    __shared__ bb31x4 coef[3 * SWIRL_SR_MAX_CLASSES];
    __shared__ bb31x4 sh[64];
    uint64_t p = blockIdx.y;
    bb31 pt = swirl_sr_point(&pr, p);
    for (uint64_t j = threadIdx.x; j < pr.N; j += blockDim.x)
        lag[j] = swirl_sr_lag(&pr, pt, j);
    for (uint64_t i = threadIdx.x; i < 3 * pr.ncls; i += blockDim.x)
        coef[i] = swirl_sr_round0_coef(&pr, &cls[i / 3], pt, (uint32_t)(i % 3));
    __syncthreads();
    bb31x4 acc[1] = {bb31x4_zero()};
    for (uint64_t k = swirl_grid_tid(); k < pr.ntv; k += swirl_grid_stride()) {
        const swirl_sr_view *v = &views[k];
        bb31x4 q1 = bb31x4_zero(), q2 = bb31x4_zero();
        for (uint64_t j = 0; j < pr.N; j++) {
            const bb31x4 *w = Wr + 2 * (j * pr.ntv + k);
            q1 = bb31x4_add(q1, bb31x4_mul_base(w[0], lag[j]));
            if (v->rot)
                q2 = bb31x4_add(q2, bb31x4_mul_base(w[1], lag[j]));
        }
        acc[0] = bb31x4_add(acc[0], swirl_sr_round0_term(&coef[3 * v->cls], lp[2 * k],
                                                         lp[2 * k + 1], v->rot, q1, q2));
    }
    swirl_block_sum_x4(acc, 1, sh);
    if (threadIdx.x == 0)
        Sp[blockIdx.x * pr.P + p] = acc[0];
}

/* one block: S[p] = the sum of k_sr_s0's nb partials (in place, into row 0 of S), the round-0
 * coefficients, observe, u_0 (warp 0); then eq_uni(u_0, omega^i) and the classes' u_0 constants */
__global__ void __launch_bounds__(SR_THREADS)
    k_sr_round0_ctl(swirl_transcript *t, bb31x4 *proof, swirl_sr_ctl *ctl, bb31x4 *S, unsigned nb,
                    bb31x4 *lagu, swirl_sr_class *cls, swirl_sr_params pr) {
    SWIRL_KERNEL_ENTRY();
    __shared__ swirl_transcript st;
    for (uint64_t p = threadIdx.x; p < pr.P; p += blockDim.x) {
        bb31x4 s = S[p];
        for (unsigned b = 1; b < nb; b++)
            s = bb31x4_add(s, S[b * pr.P + p]);
        S[p] = s;
    }
    __syncthreads();
    for (uint64_t k = threadIdx.x; k < pr.N; k += blockDim.x)
        swirl_sr_interp_k(proof, S, &pr, k);
    __syncthreads();
    if (threadIdx.x < 32) {
        swirl_ts_tables tb = sr_tables();
        swirl_ts_warp_load(&st, t);
        swirl_sr_seq_round0(&st, proof, ctl, &pr, &tb);
        swirl_ts_warp_store(t, &st);
    }
    __syncthreads();
    bb31x4 u0 = ctl->u[0];
    for (uint64_t i = threadIdx.x; i < pr.N; i += blockDim.x)
        lagu[i] = swirl_sr_lagu(&pr, u0, i);
    for (uint64_t g = threadIdx.x; g < pr.ncls; g += blockDim.x)
        swirl_sr_class_u0(&cls[g], &pr, u0);
}

/* commit c's columns folded at u_0 into q (its first global column), wc columns of H: a thread
 * per value, its N stacked words read 4 at a time when N is a multiple of 4 (the same products
 * and sums as swirl_sr_fold_ple, in its order); eq_uni(u_0, .) in shared memory */
__global__ void __launch_bounds__(SR_THREADS)
    k_sr_fold_ple(bb31x4 *q, const bb31 *mat, uint64_t wc, const bb31x4 *lagu,
                  swirl_sr_params pr) {
    SWIRL_KERNEL_ENTRY();
    __shared__ bb31x4 lag[1 << SWIRL_SR_MAX_L_SKIP];
    for (uint64_t i = threadIdx.x; i < pr.N; i += blockDim.x)
        lag[i] = lagu[i];
    __syncthreads();
    uint64_t total = wc << pr.n_stack;
    bool vec = pr.N % 4 == 0 && (uintptr_t)mat % 16 == 0;
    for (uint64_t idx = swirl_grid_tid(); idx < total; idx += swirl_grid_stride()) {
        uint64_t j = idx >> pr.n_stack, x = idx & (pr.H - 1);
        const bb31 *chunk = mat + j * pr.Hs + x * pr.N;
        if (!vec) {
            q[idx] = swirl_sr_fold_ple(chunk, lag, pr.N);
            continue;
        }
        /* lazy sums (bb31x4_lazy_acc2), four words at a time: the same value */
        uint64_t acc[4] = {0, 0, 0, 0};
        for (uint64_t i = 0; i < pr.N; i += 4) {
            uint4 w = *(const uint4 *)(chunk + i);
            bb31x4_lazy_acc2(acc, lag[i], lag[i + 1], w.x, w.y);
            bb31x4_lazy_acc2(acc, lag[i + 2], lag[i + 3], w.z, w.w);
        }
        q[idx] = bb31x4_lazy_finish(acc);
    }
}

__global__ void k_sr_kr(bb31x4 *E_out, bb31x4 *K_out, const bb31x4 *E_in, const swirl_sr_class *cls,
                        swirl_sr_params pr) {
    SWIRL_KERNEL_ENTRY();
    for (uint64_t i = swirl_grid_tid(); i < pr.etot; i += swirl_grid_stride()) {
        const swirl_sr_class *c = &cls[sr_class_at(cls, pr.ncls, i)];
        swirl_sr_kr_entry(E_out + c->eoff, K_out + c->eoff, E_in + c->eoff, c, i - c->eoff);
    }
}

__global__ void k_sr_eq_ub_init(bb31x4 *eq_ub, uint64_t n) {
    SWIRL_KERNEL_ENTRY();
    for (uint64_t i = swirl_grid_tid(); i < n; i += swirl_grid_stride())
        eq_ub[i] = bb31x4_one();
}

/* ---------------- multilinear rounds ---------------- */

/* Block b: the flattened (view, pair) indices [b chunk, (b + 1) chunk) of the round (chunk a
 * multiple of blockDim.x), split in equal contiguous pieces among its warps; lane l of a warp
 * takes the piece's indices l, l + 32, .., so a warp reads 32 consecutive pairs at a time and a
 * thread meets each view's pairs in runs, weighted once per run (swirl_sr_round_sums). */
__global__ void __launch_bounds__(SR_THREADS)
    k_sr_round_sums(bb31x4 *partials, const swirl_sr_view *views, const swirl_sr_class *cls,
                    const uint64_t *offs, uint64_t total, uint64_t chunk, const bb31x4 *Q,
                    uint64_t qh, const bb31x4 *E, const bb31x4 *K, const bb31x4 *lp,
                    const bb31x4 *eq_ub, swirl_sr_params pr, uint32_t round) {
    SWIRL_KERNEL_ENTRY();
    __shared__ bb31x4 sh[64];
    bb31x4 acc[2] = {bb31x4_zero(), bb31x4_zero()};
    uint64_t piece = chunk / (blockDim.x / 32);
    uint64_t w0 = blockIdx.x * chunk + (threadIdx.x / 32) * piece, i1 = w0 + piece;
    uint64_t i0 = w0 + threadIdx.x % 32;
    if (i1 > total)
        i1 = total;
    if (i0 < i1)
        swirl_sr_round_sums(acc, views, cls, offs, pr.ntv, pr.l_skip, round, Q, qh, E, K, lp, eq_ub,
                            i0, i1, 32);
    swirl_block_sum_x4(acc, 2, sh);
    if (threadIdx.x == 0) {
        partials[2 * (uint64_t)blockIdx.x] = acc[0];
        partials[2 * (uint64_t)blockIdx.x + 1] = acc[1];
    }
}

__global__ void __launch_bounds__(SR_THREADS)
    k_sr_round_ctl(const bb31x4 *partials, unsigned nb, swirl_transcript *t, bb31x4 *proof,
                   swirl_sr_ctl *ctl, swirl_sr_params pr, uint32_t round) {
    SWIRL_KERNEL_ENTRY();
    __shared__ bb31x4 sh[64];
    __shared__ swirl_transcript st;
    bb31x4 acc[2] = {bb31x4_zero(), bb31x4_zero()};
    for (unsigned i = threadIdx.x; i < nb; i += blockDim.x) {
        acc[0] = bb31x4_add(acc[0], partials[2 * (uint64_t)i]);
        acc[1] = bb31x4_add(acc[1], partials[2 * (uint64_t)i + 1]);
    }
    swirl_block_sum_x4(acc, 2, sh);
    if (threadIdx.x >= 32)
        return;
    swirl_ts_warp_bcast_x4(acc, 2);
    swirl_ts_tables tb = sr_tables();
    swirl_ts_warp_load(&st, t);
    swirl_sr_seq_round(&st, proof, ctl, &pr, round, acc, &tb);
    swirl_ts_warp_store(t, &st);
}

/* row g < ncls of the grid (blockIdx.y): class g's tables; row ncls: eq_ub of every view */
__global__ void k_sr_tables(bb31x4 *E_out, bb31x4 *K_out, const bb31x4 *E_in, const bb31x4 *K_in,
                            const swirl_sr_class *cls, const swirl_sr_view *views, bb31x4 *eq_ub,
                            const swirl_sr_ctl *ctl, swirl_sr_params pr, uint32_t round) {
    SWIRL_KERNEL_ENTRY();
    bb31x4 u = ctl->u[round];
    uint64_t g = blockIdx.y;
    if (g == pr.ncls) {
        for (uint64_t k = swirl_grid_tid(); k < pr.ntv; k += swirl_grid_stride())
            eq_ub[k] = swirl_sr_eq_ub_next(&views[k], pr.l_skip, round, eq_ub[k], u);
        return;
    }
    const swirl_sr_class *c = &cls[g];
    uint64_t ny = round <= c->n_lift ? swirl_sr_table_len(c, round) / 2 : 1;
    for (uint64_t y = swirl_grid_tid(); y < ny; y += swirl_grid_stride())
        swirl_sr_table_fold(E_out + c->eoff, K_out + c->eoff, E_in + c->eoff, K_in + c->eoff, c,
                            round, y, u);
}

/* one warp */
__global__ void k_sr_openings(swirl_transcript *t, bb31x4 *proof, const bb31x4 *Q,
                              swirl_sr_params pr) {
    SWIRL_KERNEL_ENTRY();
    __shared__ swirl_transcript st;
    swirl_ts_tables tb = sr_tables();
    swirl_ts_warp_load(&st, t);
    swirl_sr_seq_openings(&st, proof, Q, &pr, &tb);
    swirl_ts_warp_store(t, &st);
}

/* ---------------- host side ---------------- */

static size_t sr_round_up(size_t bytes) {
    return ((bytes ? bytes : 1) + 255) & ~(size_t)255;
}

static unsigned sr_grid(uint64_t work, unsigned cap) {
    unsigned b = swirl_cuda_blocks((size_t)work, SR_THREADS);
    return b > cap ? cap : b;
}

/* k_sr_s0's blocks per point (x of its grid): a thread per view, at most SR_S0_MAX_BLOCKS */
#define SR_S0_MAX_BLOCKS 64
static unsigned sr_s0_blocks(const swirl_sr_params *pr) {
    return sr_grid(pr->ntv, SR_S0_MAX_BLOCKS);
}

/* the scratch pieces: bytes[i] for piece i (see swirl_cuda_sr_alloc_scratch's order) */
#define SR_PIECES 14
static void sr_piece_bytes(size_t bytes[SR_PIECES], const swirl_sr_params *pr) {
    size_t x4 = sizeof(bb31x4), hq = pr->H / 2 ? pr->H / 2 : 1;
    bytes[0] = sizeof(swirl_sr_ctl);
    bytes[1] = 2 * pr->ntv * x4;                                /* lp */
    bytes[2] = 2 * pr->ntiles * pr->N * x4;                     /* W: the tiles' partials */
    bytes[3] = pr->P * (size_t)sr_s0_blocks(pr) * x4;           /* S: k_sr_s0's partials */
    bytes[4] = pr->N * x4;                                      /* lagu */
    bytes[5] = pr->ntv * x4;                                    /* eq_ub */
    bytes[6] = 2 * SR_MAX_BLOCKS * x4;                          /* partials */
    bytes[7] = bytes[8] = bytes[9] = bytes[10] = pr->etot * x4; /* E[0..1], K[0..1] */
    bytes[11] = pr->wtot * pr->H * x4;                          /* Q[0] */
    bytes[12] = pr->wtot * hq * x4;                             /* Q[1] */
    bytes[13] = 2 * pr->ntv * pr->N * x4;                       /* Wr: W per (j, view) */
}

extern "C" size_t swirl_cuda_sr_scratch_bytes(const swirl_sr_params *pr) {
    size_t bytes[SR_PIECES], total = 0;
    sr_piece_bytes(bytes, pr);
    for (int i = 0; i < SR_PIECES; i++)
        total += sr_round_up(bytes[i]);
    return total;
}

extern "C" enum swirl_status swirl_cuda_sr_alloc_scratch(swirl_cuda_ctx *ctx, swirl_cuda_sr_dev *d,
                                                         const swirl_sr_params *pr) {
    SWIRL_CUDA_CHECK_CTX(ctx);
    SWIRL_ARG_CHECK(d != NULL && pr != NULL);
    size_t bytes[SR_PIECES];
    void *p[SR_PIECES];
    sr_piece_bytes(bytes, pr);
    for (int i = 0; i < SR_PIECES; i++)
        SWIRL_TRY(swirl_cuda_alloc(ctx, &p[i], bytes[i] ? bytes[i] : 1));
    d->ctl = (swirl_sr_ctl *)p[0];
    d->lp = (bb31x4 *)p[1];
    d->W = (bb31x4 *)p[2];
    d->S = (bb31x4 *)p[3];
    d->lagu = (bb31x4 *)p[4];
    d->eq_ub = (bb31x4 *)p[5];
    d->partials = (bb31x4 *)p[6];
    d->E[0] = (bb31x4 *)p[7];
    d->E[1] = (bb31x4 *)p[8];
    d->K[0] = (bb31x4 *)p[9];
    d->K[1] = (bb31x4 *)p[10];
    d->Q[0] = (bb31x4 *)p[11];
    d->Q[1] = (bb31x4 *)p[12];
    d->Wr = (bb31x4 *)p[13];
    return SWIRL_OK;
}

/* setup, round 0, the fold at u_0: first the kernels that read no transcript (the eq tables
 * from r, W), then the hook, then λ and what follows from it */
static enum swirl_status sr_enqueue_round0(swirl_cuda_ctx *ctx, const swirl_sr_params *pr,
                                           const swirl_cuda_sr_dev *d, const bb31 *const *h_mats,
                                           const uint64_t *h_col_base, size_t n_commits,
                                           swirl_cuda_sr_hook hook, void *hook_arg) {
    const unsigned cap = 8 * SR_MAX_BLOCKS;
    SWIRL_LAUNCH(ctx, k_sr_eq, sr_grid(pr->etot, cap), SR_THREADS, 0, d->E[0],
                 (const swirl_sr_class *)d->cls, *pr, d->r);
    /* W: a block per tile, then a block per view; S: (view blocks) x points, then one block */
    const unsigned big = 1u << 20;
    SWIRL_LAUNCH(ctx, k_sr_w, (unsigned)(pr->ntiles < big ? pr->ntiles : big), SR_THREADS, 0, d->W,
                 d->views, (const swirl_sr_class *)d->cls, d->mats, (const bb31x4 *)d->E[0],
                 d->woffs, *pr);
    SWIRL_LAUNCH(ctx, k_sr_wsum, (unsigned)(pr->ntv < big ? pr->ntv : big), SR_THREADS, 0, d->Wr,
                 (const bb31x4 *)d->W, d->views, d->woffs, *pr);
    if (hook)
        SWIRL_TRY(hook(hook_arg));
    SWIRL_LAUNCH(ctx, k_sr_lambda, 1, 32, 0, d->t, d->ctl);
    SWIRL_LAUNCH(ctx, k_sr_pows, sr_grid(2 * pr->ntv, cap), SR_THREADS, 0, d->lp, 2 * pr->ntv,
                 (const swirl_sr_ctl *)d->ctl);
    unsigned nb = sr_s0_blocks(pr);
    SWIRL_LAUNCH(ctx, k_sr_s0, dim3(nb, (unsigned)pr->P), SR_THREADS, 0, d->S,
                 (const bb31x4 *)d->Wr, d->views, (const swirl_sr_class *)d->cls,
                 (const bb31x4 *)d->lp, *pr);
    SWIRL_LAUNCH(ctx, k_sr_round0_ctl, 1, SR_THREADS, 0, d->t, d->proof, d->ctl, d->S, nb, d->lagu,
                 d->cls, *pr);
    for (size_t c = 0; c < n_commits; c++) {
        uint64_t wc = h_col_base[c + 1] - h_col_base[c];
        if (wc == 0)
            continue;
        SWIRL_LAUNCH(ctx, k_sr_fold_ple, sr_grid(wc * pr->H, cap), SR_THREADS, 0,
                     d->Q[0] + h_col_base[c] * pr->H, h_mats[c], wc, (const bb31x4 *)d->lagu, *pr);
    }
    SWIRL_LAUNCH(ctx, k_sr_kr, sr_grid(pr->etot, cap), SR_THREADS, 0, d->E[1], d->K[0],
                 (const bb31x4 *)d->E[0], (const swirl_sr_class *)d->cls, *pr);
    SWIRL_LAUNCH(ctx, k_sr_eq_ub_init, sr_grid(pr->ntv, cap), SR_THREADS, 0, d->eq_ub, pr->ntv);
    return SWIRL_OK;
}

/* round `round` from buffers qc / ec / kc into the others */
static enum swirl_status sr_enqueue_round(swirl_cuda_ctx *ctx, const swirl_sr_params *pr,
                                          const swirl_cuda_sr_dev *d, const uint64_t *h_offs,
                                          uint32_t round, int qc, int ec, int kc) {
    const uint64_t *ho = h_offs + (size_t)(round - 1) * (pr->ntv + 1);
    const uint64_t *doffs = d->offs + (size_t)(round - 1) * (pr->ntv + 1);
    uint64_t total = ho[pr->ntv], qh = pr->H >> (round - 1);
    /* nb blocks of contiguous chunks (a multiple of SR_THREADS; the last blocks may have none) */
    unsigned nb = sr_grid(total, SR_MAX_BLOCKS);
    uint64_t chunk = (total + nb - 1) / nb;
    chunk = (chunk + SR_THREADS - 1) / SR_THREADS * SR_THREADS;
    SWIRL_LAUNCH(ctx, k_sr_round_sums, nb, SR_THREADS, 0, d->partials, d->views,
                 (const swirl_sr_class *)d->cls, doffs, total, chunk, (const bb31x4 *)d->Q[qc],
                 qh, (const bb31x4 *)d->E[ec], (const bb31x4 *)d->K[kc], (const bb31x4 *)d->lp,
                 (const bb31x4 *)d->eq_ub, *pr, round);
    SWIRL_LAUNCH(ctx, k_sr_round_ctl, 1, SR_THREADS, 0, (const bb31x4 *)d->partials, nb, d->t,
                 d->proof, d->ctl, *pr, round);
    SWIRL_TRY(
        swirl_cuda_sumcheck_fold(ctx, d->Q[1 - qc], d->Q[qc], pr->wtot, qh, &d->ctl->u[round]));
    /* the widest class folds 2^(n_stack - round) pairs at most; the last row updates eq_ub */
    uint64_t max_ny = pr->H >> round ? pr->H >> round : 1;
    if (max_ny < pr->ntv)
        max_ny = pr->ntv;
    dim3 grid(sr_grid(max_ny, SR_MAX_BLOCKS), (unsigned)pr->ncls + 1);
    SWIRL_LAUNCH(ctx, k_sr_tables, grid, SR_THREADS, 0, d->E[1 - ec], d->K[1 - kc],
                 (const bb31x4 *)d->E[ec], (const bb31x4 *)d->K[kc], (const swirl_sr_class *)d->cls,
                 d->views, d->eq_ub, (const swirl_sr_ctl *)d->ctl, *pr, round);
    return SWIRL_OK;
}

extern "C" enum swirl_status swirl_cuda_sr_enqueue(swirl_cuda_ctx *ctx, const swirl_sr_params *pr,
                                                   const swirl_cuda_sr_dev *d,
                                                   const bb31 *const *h_mats,
                                                   const uint64_t *h_col_base, size_t n_commits,
                                                   const uint64_t *h_offs,
                                                   swirl_cuda_sr_hook hook, void *hook_arg) {
    SWIRL_CUDA_CHECK_CTX(ctx);
    SWIRL_ARG_CHECK(pr != NULL && d != NULL && h_mats != NULL && h_col_base != NULL);
    SWIRL_ARG_CHECK(pr->n_stack == 0 || h_offs != NULL);
    if (pr->P > 2 * ((uint64_t)1 << SWIRL_SR_MAX_L_SKIP) || pr->n_stack > SWIRL_SR_MAX_ROUNDS ||
        pr->ncls > SWIRL_SR_MAX_CLASSES)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                           "stacked reduction: l_skip %u / n_stack %u / %llu "
                           "height classes out of range",
                           pr->l_skip, pr->n_stack, (unsigned long long)pr->ncls);
    SWIRL_TRY(sr_enqueue_round0(ctx, pr, d, h_mats, h_col_base, n_commits, hook, hook_arg));
    int qc = 0, ec = 1, kc = 0;
    for (uint32_t round = 1; round <= pr->n_stack; round++) {
        SWIRL_TRY(sr_enqueue_round(ctx, pr, d, h_offs, round, qc, ec, kc));
        qc ^= 1, ec ^= 1, kc ^= 1;
    }
    SWIRL_LAUNCH(ctx, k_sr_openings, 1, 32, 0, d->t, d->proof, (const bb31x4 *)d->Q[qc], *pr);
    return SWIRL_OK;
}
