/*
 * LogUp-GKR on the GPU (cuda_gkr.h): the fraction tree, a layer's round sums, the sumcheck fold,
 * and the whole prover with Fiat-Shamir on the device transcript. The per-thread math and the
 * transcript steps are device/gkr_impl.h (the CPU runs the same code in
 * tests/test_gkr_twin.c); the CPU twins are device/cpu/gkr.c, swirl_cpu_sumcheck_fold and
 * protocol/gkr.c.
 *
 * The prover's schedule (n = log2 leaves, no host sync anywhere):
 *   - tree: levels bottom-up, each block folding a subtree of 2 * 256 nodes through 9 levels
 *     (__syncthreads between levels), so 2^n leaves take ceil(n / 9) launches;
 *   - root step (one warp): q0, layer 0's claims, mu, lambda;
 *   - per round j (E = 2^j): setup (eq(xi, .) and the four columns from tree level j + 1, packed);
 *     while the tables are longer than GKR_TAIL_LEN: block partial sums (fused with the fold at
 *     the previous challenge after the first sub-round) and a one-block reduce that writes s to
 *     the proof, observes it and samples r; the rest of the layer (the short sub-rounds and the
 *     claims) in one single-block kernel.
 * Each kernel reads its challenges (lambda, r, xi) from the device state swirl_gkr_ctl. The
 * transcript steps run on one warp in the transcript's warp mode (device/cuda/ts_warp.cuh: the
 * transcript in shared memory, the warp permutation, lane 0 writes).
 */
#include "device/cuda/cuda_common.cuh"
#include "device/cuda/cuda_reduce.cuh"
#include "device/cuda/cuda_gkr.h"
#include "device/cuda/ts_warp.cuh"
#include "util/alloc.h"

__constant__ uint32_t c_gkr_ext_init[64] = P2_BB16_RC_EXT_INITIAL_MONT;
__constant__ uint32_t c_gkr_ext_final[64] = P2_BB16_RC_EXT_FINAL_MONT;
__constant__ uint32_t c_gkr_internal[13] = P2_BB16_RC_INTERNAL_MONT;

#define GKR_THREADS 256      /* block size of the multi-block kernels */
#define GKR_MAX_BLOCKS 1024  /* partial sums per round (grid-stride beyond) */
#define GKR_TAIL_THREADS 512 /* the single-block layer tail */
#define GKR_TAIL_LEN 4096    /* tables this long or shorter are finished by the tail kernel */

__device__ __forceinline__ swirl_ts_tables gkr_tables() {
    return swirl_ts_warp_tables(c_gkr_ext_init, c_gkr_ext_final, c_gkr_internal);
}

__device__ __forceinline__ void warp_sum3(bb31x4 v[3]) {
    for (unsigned off = 16; off > 0; off >>= 1)
        for (int k = 0; k < 3; k++)
            v[k] = bb31x4_add(v[k], swirl_shfl_down_x4(v[k], off));
}

/* Sums v[0..2] over the block (exact field additions); the sum is in thread 0's v. Every thread of
 * the block calls it; blockDim.x is a multiple of 32 (<= 1024); sh holds 3 * 32 entries. */
__device__ void block_sum3(bb31x4 v[3], bb31x4 *sh) {
    unsigned lane = threadIdx.x & 31u, warp = threadIdx.x >> 5, nw = blockDim.x >> 5;
    warp_sum3(v);
    if (lane == 0)
        for (int k = 0; k < 3; k++)
            sh[warp * 3 + k] = v[k];
    __syncthreads();
    if (warp == 0) {
        for (int k = 0; k < 3; k++)
            v[k] = lane < nw ? sh[lane * 3 + k] : bb31x4_zero();
        warp_sum3(v);
    }
    __syncthreads(); /* sh may be reused */
}

/* ---------------- kernels ---------------- */

/* Levels above `in` (m nodes, a power of two): block b folds input nodes [b span, (b + 1) span)
 * (span = 2 blockDim.x) into its subtree's levels; node g of the level with `c` nodes is written
 * at tp[c + g]. Reads of the nodes written by the block's previous level follow a __syncthreads. */
__global__ void k_gkr_tree(bb31x4 *tp, bb31x4 *tq, const bb31x4 *in_p, const bb31x4 *in_q,
                           size_t m) {
    SWIRL_KERNEL_ENTRY();
    const bb31x4 *cp = in_p, *cq = in_q;
    size_t level = m;
    for (size_t cnt = blockDim.x; cnt >= 1; cnt /= 2) {
        size_t parents = level / 2;
        bb31x4 *pp = tp + parents, *pq = tq + parents;
        if (threadIdx.x < cnt) {
            size_t g = (size_t)blockIdx.x * cnt + threadIdx.x;
            bb31x4 pl = cp[2 * g], ql = cq[2 * g], pr = cp[2 * g + 1], qr = cq[2 * g + 1], p, q;
            swirl_gkr_node(&p, &q, pl, ql, pr, qr);
            pp[g] = p;
            pq[g] = q;
        }
        __syncthreads();
        cp = pp;
        cq = pq;
        level = parents;
    }
}

/* One warp: q0, layer 0's claims (level 1: l1p, l1q), mu and round 1's lambda. */
__global__ void k_gkr_root(swirl_transcript *t, bb31x4 *proof, swirl_gkr_ctl *ctl, unsigned n,
                           const bb31x4 *tp, const bb31x4 *tq, const bb31x4 *l1p,
                           const bb31x4 *l1q) {
    SWIRL_KERNEL_ENTRY();
    __shared__ swirl_transcript st;
    swirl_ts_tables tb = gkr_tables();
    swirl_ts_warp_load(&st, t);
    swirl_gkr_seq_root(&st, proof, ctl, n, tp[1], tq[1], l1p, l1q, &tb);
    swirl_ts_warp_store(t, &st);
}

/* Round `round`'s packed tables (length E) from tree level round + 1 and the point ctl->xi. */
__global__ void k_gkr_setup(bb31x4 *buf, size_t E, const bb31x4 *lp, const bb31x4 *lq,
                            const swirl_gkr_ctl *ctl, unsigned round) {
    SWIRL_KERNEL_ENTRY();
    size_t stride = (size_t)gridDim.x * blockDim.x;
    for (size_t x = (size_t)blockIdx.x * blockDim.x + threadIdx.x; x < E; x += stride)
        swirl_gkr_setup_x(buf, E, x, lp, lq, ctl->xi, round);
}

/* Block partial sums of the round polynomial over the packed tables (length L). */
__global__ void __launch_bounds__(GKR_THREADS)
    k_gkr_sums(bb31x4 *partials, const bb31x4 *buf, size_t L, const bb31x4 *lambda_p) {
    SWIRL_KERNEL_ENTRY();
    __shared__ bb31x4 sh[96];
    bb31x4 lambda = *lambda_p, acc[3] = {bb31x4_zero(), bb31x4_zero(), bb31x4_zero()};
    size_t stride = (size_t)gridDim.x * blockDim.x, half = L / 2;
    for (size_t y = (size_t)blockIdx.x * blockDim.x + threadIdx.x; y < half; y += stride)
        swirl_gkr_sum_y(acc, buf, L, y, lambda);
    block_sum3(acc, sh);
    if (threadIdx.x == 0)
        for (int k = 0; k < 3; k++)
            partials[3 * (size_t)blockIdx.x + k] = acc[k];
}

/* The fold from L_in to L_in / 2 at *r_p (in -> out) fused with the next sub-round's partial sums.
 */
__global__ void __launch_bounds__(GKR_THREADS)
    k_gkr_fold_sums(bb31x4 *partials, bb31x4 *out, const bb31x4 *in, size_t L_in, const bb31x4 *r_p,
                    const bb31x4 *lambda_p) {
    SWIRL_KERNEL_ENTRY();
    __shared__ bb31x4 sh[96];
    bb31x4 r = *r_p, lambda = *lambda_p, acc[3] = {bb31x4_zero(), bb31x4_zero(), bb31x4_zero()};
    size_t stride = (size_t)gridDim.x * blockDim.x, quarter = L_in / 4;
    for (size_t y = (size_t)blockIdx.x * blockDim.x + threadIdx.x; y < quarter; y += stride)
        swirl_gkr_fold_sum_y(acc, out, in, L_in, y, r, lambda);
    block_sum3(acc, sh);
    if (threadIdx.x == 0)
        for (int k = 0; k < 3; k++)
            partials[3 * (size_t)blockIdx.x + k] = acc[k];
}

/* One block: the sum of nb partial sums. With s_out, writes it there; with t, runs sub-round sr of
 * round `round` on the transcript (proof entry, observe, sample r into ctl; warp 0). */
__global__ void __launch_bounds__(GKR_THREADS)
    k_gkr_reduce(bb31x4 *s_out, const bb31x4 *partials, unsigned nb, swirl_transcript *t,
                 bb31x4 *proof, swirl_gkr_ctl *ctl, unsigned n, unsigned round, unsigned sr) {
    SWIRL_KERNEL_ENTRY();
    __shared__ bb31x4 sh[96];
    __shared__ swirl_transcript st;
    bb31x4 acc[3] = {bb31x4_zero(), bb31x4_zero(), bb31x4_zero()};
    for (unsigned i = threadIdx.x; i < nb; i += blockDim.x)
        for (int k = 0; k < 3; k++)
            acc[k] = bb31x4_add(acc[k], partials[3 * (size_t)i + k]);
    block_sum3(acc, sh);
    if (threadIdx.x >= 32)
        return;
    if (s_out && threadIdx.x == 0)
        for (int k = 0; k < 3; k++)
            s_out[k] = acc[k];
    if (t) {
        swirl_ts_warp_bcast_x4(acc, 3);
        swirl_ts_tables tb = gkr_tables();
        swirl_ts_warp_load(&st, t);
        swirl_gkr_seq_subround(&st, proof, ctl, n, round, sr, acc, &tb);
        swirl_ts_warp_store(t, &st);
    }
}

/* Block-wide fold of the packed tables from L to L / 2 at r (in -> out, no overlap). */
__device__ void block_fold_tables(bb31x4 *out, const bb31x4 *in, size_t L, bb31x4 r) {
    size_t half = L / 2, total = SWIRL_GKR_TABLES * half;
    for (size_t i = threadIdx.x; i < total; i += blockDim.x) {
        size_t k = i / half, y = i - k * half;
        out[i] = swirl_gkr_fold(in[k * L + 2 * y], in[k * L + 2 * y + 1], r);
    }
}

/* One block finishes round `round`: `done` sub-rounds were run by the multi-block kernels (then
 * the tables in a, of length L, still wait for the fold at ctl->r); the remaining sub-rounds
 * ping-pong between a and b; warp 0 runs the transcript steps and the claims on the shared
 * transcript. */
__global__ void __launch_bounds__(GKR_TAIL_THREADS)
    k_gkr_tail(bb31x4 *a, bb31x4 *b, size_t L, unsigned done, swirl_transcript *t, bb31x4 *proof,
               swirl_gkr_ctl *ctl, unsigned n, unsigned round) {
    SWIRL_KERNEL_ENTRY();
    __shared__ bb31x4 sh[96];
    __shared__ bb31x4 sh_r;
    __shared__ swirl_transcript st;
    swirl_ts_tables tb = gkr_tables();
    bb31x4 *cur = a, *oth = b, *tmp;
    bb31x4 lambda = ctl->lambda; /* read before the barriers; warp 0 samples the next one last */
    if (threadIdx.x < 32)
        swirl_ts_warp_load(&st, t);
    if (done > 0) {
        block_fold_tables(oth, cur, L, ctl->r);
        tmp = cur, cur = oth, oth = tmp;
        L /= 2;
        __syncthreads();
    }
    for (unsigned sr = done; sr < round; sr++) {
        bb31x4 acc[3] = {bb31x4_zero(), bb31x4_zero(), bb31x4_zero()};
        for (size_t y = threadIdx.x; y < L / 2; y += blockDim.x)
            swirl_gkr_sum_y(acc, cur, L, y, lambda);
        block_sum3(acc, sh);
        if (threadIdx.x < 32) {
            swirl_ts_warp_bcast_x4(acc, 3);
            swirl_gkr_seq_subround(&st, proof, ctl, n, round, sr, acc, &tb);
            if (threadIdx.x == 0)
                sh_r = ctl->rho[sr]; /* the lead's own write */
        }
        __syncthreads();
        block_fold_tables(oth, cur, L, sh_r);
        tmp = cur, cur = oth, oth = tmp;
        L /= 2;
        __syncthreads();
    }
    if (threadIdx.x < 32) {
        swirl_gkr_seq_claims(&st, proof, ctl, n, round, cur, &tb);
        swirl_ts_warp_store(t, &st);
    }
}

/* The sumcheck fold of packed columns (out of place) at *r_p. */
__global__ void k_gkr_fold_cols(bb31x4 *out, const bb31x4 *in, size_t n_cols, size_t len,
                                const bb31x4 *r_p) {
    SWIRL_KERNEL_ENTRY();
    bb31x4 r = *r_p;
    size_t half = len / 2, total = n_cols * half, stride = (size_t)gridDim.x * blockDim.x;
    for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += stride) {
        size_t c = i / half, y = i - c * half;
        out[i] = swirl_gkr_fold(in[c * len + 2 * y], in[c * len + 2 * y + 1], r);
    }
}

/* ---------------- enqueue helpers ---------------- */

static unsigned gkr_grid(size_t work) {
    unsigned b = swirl_cuda_blocks(work, GKR_THREADS);
    return b > GKR_MAX_BLOCKS ? GKR_MAX_BLOCKS : b;
}

static size_t gkr_round_up(size_t bytes) {
    return ((bytes ? bytes : 1) + 255) & ~(size_t)255;
}

extern "C" size_t swirl_cuda_gkr_partials_bytes(void) {
    return 3 * GKR_MAX_BLOCKS * sizeof(bb31x4);
}

extern "C" enum swirl_status swirl_cuda_gkr_tree(swirl_cuda_ctx *ctx, bb31x4 *d_tp, bb31x4 *d_tq,
                                                 const bb31x4 *d_lp, const bb31x4 *d_lq,
                                                 size_t n_leaves) {
    SWIRL_CUDA_CHECK_CTX(ctx);
    SWIRL_ARG_CHECK(d_tp != NULL && d_tq != NULL && d_lp != NULL && d_lq != NULL);
    if (n_leaves < 2 || (n_leaves & (n_leaves - 1)) != 0 || n_leaves > ((size_t)1 << 31))
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "GKR tree: %zu leaves (a power of two in 2..2^31)",
                           n_leaves);
    const bb31x4 *ip = d_lp, *iq = d_lq;
    for (size_t m = n_leaves; m >= 2;) {
        size_t span = m < 2 * (size_t)GKR_THREADS ? m : 2 * (size_t)GKR_THREADS;
        unsigned blocks = (unsigned)(m / span), threads = (unsigned)(span / 2);
        SWIRL_LAUNCH(ctx, k_gkr_tree, blocks, threads, 0, d_tp, d_tq, ip, iq, m);
        m /= span;
        ip = d_tp + m;
        iq = d_tq + m;
    }
    return SWIRL_OK;
}

extern "C" enum swirl_status swirl_cuda_gkr_layer(swirl_cuda_ctx *ctx, bb31x4 *d_s,
                                                  const bb31x4 *d_tables, size_t len,
                                                  const bb31x4 *d_lambda, bb31x4 *d_partials) {
    SWIRL_CUDA_CHECK_CTX(ctx);
    SWIRL_ARG_CHECK(d_s != NULL && d_tables != NULL && d_lambda != NULL && d_partials != NULL);
    unsigned nb = gkr_grid(len / 2);
    SWIRL_LAUNCH(ctx, k_gkr_sums, nb, GKR_THREADS, 0, d_partials, d_tables, len, d_lambda);
    SWIRL_LAUNCH(ctx, k_gkr_reduce, 1, GKR_THREADS, 0, d_s, (const bb31x4 *)d_partials, nb,
                 (swirl_transcript *)NULL, (bb31x4 *)NULL, (swirl_gkr_ctl *)NULL, 0u, 0u, 0u);
    return SWIRL_OK;
}

extern "C" enum swirl_status swirl_cuda_sumcheck_fold(swirl_cuda_ctx *ctx, bb31x4 *d_out,
                                                      const bb31x4 *d_in, size_t n_cols, size_t len,
                                                      const bb31x4 *d_r) {
    SWIRL_CUDA_CHECK_CTX(ctx);
    SWIRL_ARG_CHECK(d_out != NULL && d_in != NULL && d_r != NULL);
    size_t total = n_cols * (len / 2);
    if (total == 0)
        return SWIRL_OK;
    unsigned blocks = swirl_cuda_blocks(total, GKR_THREADS);
    if (blocks > 8 * GKR_MAX_BLOCKS)
        blocks = 8 * GKR_MAX_BLOCKS;
    SWIRL_LAUNCH(ctx, k_gkr_fold_cols, blocks, GKR_THREADS, 0, d_out, d_in, n_cols, len, d_r);
    return SWIRL_OK;
}

/* ---------------- the prover ---------------- */

typedef struct gkr_plan {
    unsigned n;
    size_t N, E_max;
    bb31x4 *tp, *tq;  /* tree nodes 1..N-1 */
    bb31x4 *a, *b;    /* packed tables: 5 E_max and 5 max(E_max / 2, 1) entries */
    bb31x4 *partials; /* 3 GKR_MAX_BLOCKS */
    swirl_gkr_ctl *ctl;
} gkr_plan;

static size_t gkr_e_max(unsigned n) {
    return n >= 2 ? (size_t)1 << (n - 1) : 1;
}

extern "C" size_t swirl_cuda_gkr_scratch_bytes(unsigned n) {
    if (n < 1 || n > SWIRL_GKR_MAX_LAYERS)
        return 0;
    size_t N = (size_t)1 << n, E = gkr_e_max(n), x4 = sizeof(bb31x4);
    size_t eb = E / 2 ? E / 2 : 1;
    return 2 * gkr_round_up(N * x4) + gkr_round_up(SWIRL_GKR_TABLES * E * x4) +
           gkr_round_up(SWIRL_GKR_TABLES * eb * x4) +
           gkr_round_up(swirl_cuda_gkr_partials_bytes()) + gkr_round_up(sizeof(swirl_gkr_ctl));
}

static enum swirl_status gkr_alloc(swirl_cuda_ctx *ctx, gkr_plan *pl, unsigned n) {
    size_t x4 = sizeof(bb31x4);
    pl->n = n;
    pl->N = (size_t)1 << n;
    pl->E_max = gkr_e_max(n);
    size_t eb = pl->E_max / 2 ? pl->E_max / 2 : 1;
    void *p[6];
    size_t bytes[6] = {pl->N * x4,
                       pl->N * x4,
                       SWIRL_GKR_TABLES * pl->E_max * x4,
                       SWIRL_GKR_TABLES * eb * x4,
                       swirl_cuda_gkr_partials_bytes(),
                       sizeof(swirl_gkr_ctl)};
    for (int i = 0; i < 6; i++)
        SWIRL_TRY(swirl_cuda_alloc(ctx, &p[i], bytes[i]));
    pl->tp = (bb31x4 *)p[0];
    pl->tq = (bb31x4 *)p[1];
    pl->a = (bb31x4 *)p[2];
    pl->b = (bb31x4 *)p[3];
    pl->partials = (bb31x4 *)p[4];
    pl->ctl = (swirl_gkr_ctl *)p[5];
    return SWIRL_OK;
}

/* Round `round` (1 <= round < n) of the prover, enqueued. */
static enum swirl_status gkr_enqueue_round(swirl_cuda_ctx *ctx, const gkr_plan *pl, bb31x4 *d_proof,
                                           swirl_transcript *d_t, const bb31x4 *d_p,
                                           const bb31x4 *d_q, unsigned round) {
    size_t E = (size_t)1 << round;
    /* tree level round + 1 (2E nodes): the leaves for the last round */
    const bb31x4 *lp = round + 1 == pl->n ? d_p : pl->tp + 2 * E;
    const bb31x4 *lq = round + 1 == pl->n ? d_q : pl->tq + 2 * E;
    unsigned sb = swirl_cuda_blocks(E, GKR_THREADS);
    if (sb > 8 * GKR_MAX_BLOCKS)
        sb = 8 * GKR_MAX_BLOCKS;
    SWIRL_LAUNCH(ctx, k_gkr_setup, sb, GKR_THREADS, 0, pl->a, E, lp, lq,
                 (const swirl_gkr_ctl *)pl->ctl, round);
    bb31x4 *cur = pl->a, *oth = pl->b;
    size_t L = E;
    unsigned done = 0;
    if (E > GKR_TAIL_LEN) {
        unsigned nb = gkr_grid(L / 2);
        SWIRL_LAUNCH(ctx, k_gkr_sums, nb, GKR_THREADS, 0, pl->partials, (const bb31x4 *)cur, L,
                     (const bb31x4 *)&pl->ctl->lambda);
        SWIRL_LAUNCH(ctx, k_gkr_reduce, 1, GKR_THREADS, 0, (bb31x4 *)NULL,
                     (const bb31x4 *)pl->partials, nb, d_t, d_proof, pl->ctl, pl->n, round, 0u);
        done = 1;
        while (L / 2 > GKR_TAIL_LEN) {
            nb = gkr_grid(L / 4);
            SWIRL_LAUNCH(ctx, k_gkr_fold_sums, nb, GKR_THREADS, 0, pl->partials, oth,
                         (const bb31x4 *)cur, L, (const bb31x4 *)&pl->ctl->r,
                         (const bb31x4 *)&pl->ctl->lambda);
            SWIRL_LAUNCH(ctx, k_gkr_reduce, 1, GKR_THREADS, 0, (bb31x4 *)NULL,
                         (const bb31x4 *)pl->partials, nb, d_t, d_proof, pl->ctl, pl->n, round,
                         done);
            bb31x4 *tmp = cur;
            cur = oth;
            oth = tmp;
            L /= 2;
            done++;
        }
    }
    SWIRL_LAUNCH(ctx, k_gkr_tail, 1, GKR_TAIL_THREADS, 0, cur, oth, L, done, d_t, d_proof, pl->ctl,
                 pl->n, round);
    return SWIRL_OK;
}

extern "C" enum swirl_status swirl_cuda_gkr_prove_enqueue(swirl_cuda_ctx *ctx, bb31x4 *d_proof,
                                                          swirl_transcript *d_t, const bb31x4 *d_p,
                                                          const bb31x4 *d_q, unsigned n) {
    SWIRL_CUDA_CHECK_CTX(ctx);
    SWIRL_ARG_CHECK(d_proof != NULL && d_t != NULL && d_p != NULL && d_q != NULL);
    if (n < 1 || n > SWIRL_GKR_MAX_LAYERS)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "GKR: 2^%u leaves (n must be in 1..%d)", n,
                           SWIRL_GKR_MAX_LAYERS);
    gkr_plan pl;
    SWIRL_TRY(gkr_alloc(ctx, &pl, n));
    SWIRL_TRY(swirl_cuda_gkr_tree(ctx, pl.tp, pl.tq, d_p, d_q, pl.N));
    const bb31x4 *l1p = n == 1 ? d_p : pl.tp + 2, *l1q = n == 1 ? d_q : pl.tq + 2;
    SWIRL_LAUNCH(ctx, k_gkr_root, 1, 32, 0, d_t, d_proof, pl.ctl, n, (const bb31x4 *)pl.tp,
                 (const bb31x4 *)pl.tq, l1p, l1q);
    for (unsigned round = 1; round < n; round++)
        SWIRL_TRY(gkr_enqueue_round(ctx, &pl, d_proof, d_t, d_p, d_q, round));
    return SWIRL_OK;
}

extern "C" enum swirl_status swirl_cuda_gkr_prove(swirl_cuda_ctx *ctx, bb31x4 *h_proof,
                                                  swirl_transcript *d_t, const bb31x4 *d_p,
                                                  const bb31x4 *d_q, unsigned n) {
    SWIRL_CUDA_CHECK_CTX(ctx);
    SWIRL_ARG_CHECK(h_proof != NULL && d_t != NULL && d_p != NULL && d_q != NULL);
    if (n < 1 || n > SWIRL_GKR_MAX_LAYERS)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "GKR: 2^%u leaves (n must be in 1..%d)", n,
                           SWIRL_GKR_MAX_LAYERS);
    if (ctx->stage_open)
        return SWIRL_RAISE(SWIRL_E_INTERNAL,
                           "swirl_cuda_gkr_prove inside stage '%s' (use the enqueue form)",
                           ctx->current.name);
    size_t mark = ctx->arena_used, len = swirl_gkr_proof_len(n);
    void *d_proof = NULL;
    SWIRL_TRY(swirl_cuda_alloc(ctx, &d_proof, len * sizeof(bb31x4)));
    enum swirl_status st = swirl_cuda_stage_begin(ctx, "fractional_sumcheck_gkr");
    if (st == SWIRL_OK) {
        st = swirl_cuda_gkr_prove_enqueue(ctx, (bb31x4 *)d_proof, d_t, d_p, d_q, n);
        if (st == SWIRL_OK)
            st = swirl_cuda_download(ctx, h_proof, d_proof, len * sizeof(bb31x4));
        st = swirl_cuda_stage_close(ctx, st);
    }
    ctx->arena_used = mark;
    return st;
}

/* ---------------- slot adapters (device/ops.h signatures, host in / host out) ---------------- */

typedef struct slot_scope {
    swirl_cuda_ctx *ctx;
    size_t mark;
    int own_stage;
    const char *name;
} slot_scope;

static enum swirl_status slot_begin(slot_scope *sc, const swirl_backend_ops *ops,
                                    const char *name) {
    sc->ctx = ops ? (swirl_cuda_ctx *)ops->ctx : NULL;
    sc->name = name;
    sc->mark = 0;
    sc->own_stage = 0;
    if (!sc->ctx)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "%s: the table's ctx is not a CUDA context", name);
    SWIRL_CUDA_CHECK_CTX(sc->ctx);
    sc->mark = sc->ctx->arena_used;
    sc->own_stage = !sc->ctx->stage_open;
    if (sc->own_stage)
        SWIRL_TRY(swirl_cuda_stage_begin(sc->ctx, name));
    return SWIRL_OK;
}

/* Ends the slot's work: one host sync (the stage's end, or a counted sync inside the caller's
 * stage) on success; gives the slot's arena slices back either way. */
static enum swirl_status slot_end(slot_scope *sc, enum swirl_status st) {
    if (st == SWIRL_OK)
        st = sc->own_stage ? swirl_cuda_stage_end(sc->ctx) : swirl_cuda_sync(sc->ctx, sc->name);
    else if (sc->own_stage)
        swirl_cuda_stage_abort(sc->ctx);
    sc->ctx->arena_used = sc->mark;
    return st;
}

static enum swirl_status slot_alloc(slot_scope *sc, bb31x4 **d, size_t n) {
    void *p = NULL;
    SWIRL_TRY(swirl_cuda_alloc(sc->ctx, &p, (n ? n : 1) * sizeof(bb31x4)));
    *d = (bb31x4 *)p;
    return SWIRL_OK;
}

extern "C" size_t swirl_cuda_gkr_slot_arena_bytes(size_t n_values) {
    return n_values * sizeof(bb31x4) + gkr_round_up(swirl_cuda_gkr_partials_bytes()) + 8 * 256;
}

static enum swirl_status slot_tree_run(slot_scope *sc, bb31x4 *p, bb31x4 *q, size_t N) {
    bb31x4 *d_tp, *d_tq, *d_lp, *d_lq;
    SWIRL_TRY(slot_alloc(sc, &d_tp, N));
    SWIRL_TRY(slot_alloc(sc, &d_tq, N));
    SWIRL_TRY(slot_alloc(sc, &d_lp, N));
    SWIRL_TRY(slot_alloc(sc, &d_lq, N));
    SWIRL_TRY(swirl_cuda_upload(sc->ctx, d_lp, p + N, N * sizeof(bb31x4)));
    SWIRL_TRY(swirl_cuda_upload(sc->ctx, d_lq, q + N, N * sizeof(bb31x4)));
    SWIRL_TRY(swirl_cuda_gkr_tree(sc->ctx, d_tp, d_tq, d_lp, d_lq, N));
    SWIRL_TRY(swirl_cuda_download(sc->ctx, p + 1, d_tp + 1, (N - 1) * sizeof(bb31x4)));
    SWIRL_TRY(swirl_cuda_download(sc->ctx, q + 1, d_tq + 1, (N - 1) * sizeof(bb31x4)));
    return SWIRL_OK;
}

extern "C" enum swirl_status swirl_cuda_slot_gkr_tree(const swirl_backend_ops *ops, bb31x4 *p,
                                                      bb31x4 *q, size_t n_leaves) {
    SWIRL_ARG_CHECK(p != NULL && q != NULL && n_leaves >= 2 && (n_leaves & (n_leaves - 1)) == 0);
    slot_scope sc = {NULL, 0, 0, NULL};
    SWIRL_TRY(slot_begin(&sc, ops, "gkr_tree"));
    return slot_end(&sc, slot_tree_run(&sc, p, q, n_leaves));
}

static enum swirl_status slot_layer_run(slot_scope *sc, bb31x4 s[3], const bb31x4 *eq,
                                        const bb31x4 *cols, size_t stride, size_t len,
                                        const bb31x4 *lambda) {
    bb31x4 *d_tab, *d_lambda, *d_s, *d_partials;
    SWIRL_TRY(slot_alloc(sc, &d_tab, SWIRL_GKR_TABLES * len));
    SWIRL_TRY(slot_alloc(sc, &d_lambda, 1));
    SWIRL_TRY(slot_alloc(sc, &d_s, 3));
    SWIRL_TRY(slot_alloc(sc, &d_partials, 3 * GKR_MAX_BLOCKS));
    SWIRL_TRY(swirl_cuda_upload(sc->ctx, d_lambda, lambda, sizeof *lambda));
    SWIRL_TRY(swirl_cuda_upload(sc->ctx, d_tab, eq, len * sizeof(bb31x4)));
    for (size_t i = 0; i < 4; i++)
        SWIRL_TRY(swirl_cuda_upload(sc->ctx, d_tab + (1 + i) * len, cols + i * stride,
                                    len * sizeof(bb31x4)));
    SWIRL_TRY(swirl_cuda_gkr_layer(sc->ctx, d_s, d_tab, len, d_lambda, d_partials));
    SWIRL_TRY(swirl_cuda_download(sc->ctx, s, d_s, 3 * sizeof(bb31x4)));
    return SWIRL_OK;
}

extern "C" enum swirl_status swirl_cuda_slot_gkr_layer(const swirl_backend_ops *ops, bb31x4 s[3],
                                                       const bb31x4 *eq, const bb31x4 *cols,
                                                       size_t stride, size_t len, bb31x4 lambda) {
    SWIRL_ARG_CHECK(s != NULL && eq != NULL && cols != NULL && len <= stride);
    slot_scope sc = {NULL, 0, 0, NULL};
    SWIRL_TRY(slot_begin(&sc, ops, "gkr_layer"));
    /* s is valid after the slot's sync; lambda (a local) is read by its upload before then */
    return slot_end(&sc, slot_layer_run(&sc, s, eq, cols, stride, len, &lambda));
}

static enum swirl_status slot_fold_run(slot_scope *sc, bb31x4 *cols, size_t n_cols,
                                       size_t in_stride, size_t out_stride, size_t len,
                                       const bb31x4 *r, swirl_cuda_copy *pieces) {
    size_t half = len / 2, x4 = sizeof(bb31x4);
    bb31x4 *d_in, *d_out, *d_r;
    SWIRL_TRY(slot_alloc(sc, &d_in, n_cols * len));
    SWIRL_TRY(slot_alloc(sc, &d_out, n_cols * half));
    SWIRL_TRY(slot_alloc(sc, &d_r, 1));
    SWIRL_TRY(swirl_cuda_upload(sc->ctx, d_r, r, x4));
    for (size_t c = 0; c < n_cols; c++) {
        swirl_cuda_copy pc = {d_in + c * len, cols + c * in_stride, len * x4};
        pieces[c] = pc;
    }
    SWIRL_TRY(swirl_cuda_upload_many(sc->ctx, pieces, n_cols));
    SWIRL_TRY(swirl_cuda_sumcheck_fold(sc->ctx, d_out, d_in, n_cols, len, d_r));
    for (size_t c = 0; c < n_cols; c++) {
        swirl_cuda_copy pc = {cols + c * out_stride, d_out + c * half, half * x4};
        pieces[c] = pc;
    }
    SWIRL_TRY(swirl_cuda_download_many(sc->ctx, pieces, n_cols));
    return SWIRL_OK;
}

extern "C" enum swirl_status swirl_cuda_slot_sumcheck_fold(const swirl_backend_ops *ops,
                                                           bb31x4 *cols, size_t n_cols,
                                                           size_t in_stride, size_t out_stride,
                                                           size_t len, bb31x4 r) {
    if ((n_cols > 0 && !cols) || out_stride > in_stride || (n_cols > 1 && len > in_stride))
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                           "sumcheck_fold: %zu columns of %zu, strides %zu -> %zu", n_cols, len,
                           in_stride, out_stride);
    if (n_cols == 0 || len / 2 == 0)
        return SWIRL_OK; /* nothing to fold (the CPU slot writes nothing either) */
    swirl_cuda_copy *pieces = (swirl_cuda_copy *)swirl_malloc(n_cols * sizeof *pieces);
    if (!pieces)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "sumcheck_fold: out of memory (%zu columns)", n_cols);
    slot_scope sc = {NULL, 0, 0, NULL};
    enum swirl_status st = slot_begin(&sc, ops, "sumcheck_fold");
    if (st == SWIRL_OK)
        st =
            slot_end(&sc, slot_fold_run(&sc, cols, n_cols, in_stride, out_stride, len, &r, pieces));
    free(pieces);
    return st;
}
