/*
 * WHIR on the GPU (cuda_whir.h): the schedule of device/whir_impl.h as kernels, every challenge
 * sampled on the device transcript, every proof value written to the device proof buffer at the
 * offsets of prover/whir_dplan.h, one download and one host sync (the stage's end).
 * tests/test_whir_twin.c replays this schedule on the CPU against swirl_whir_prove and fills the
 * same proof buffer; tests/test_gpu_whir.c compares this stage with swirl_whir_prove.
 *
 * Launches, in order (tools/whir_launches.py counts them; docs/PERF.md, "WHIR launch census"):
 *   μ-PoW and μ (one block: it grinds, device/cuda/ts_grind.cuh, when the PoW has at most
 *   SWIRL_TS_BLOCK_GRIND_MAX_BITS bits; else swirl_cuda_transcript_grind, then μ on one warp), μ^j,
 *   the batched planes, the inverse DFT of every 2^l_skip chunk (swirl_cuda_ntt), the m + l_skip
 *   monomial -> hypercube steps in passes of WH_C2E_TILE bits (one block per tile), f and
 *   w = mobius_eq(u, .);
 *   per round, k times: block partial sums of the sumcheck pairs, one block (reduce, write,
 *   observe, and for small PoW bits also the folding PoW and α; else the PoW and α (one warp) are
 *   separate launches), the fold (ping-pong buffers);
 *   g = the folded f's coefficients (the copy and the steps, WH_E2C_TILE bits a pass);
 *   not last: the 4 coefficient planes zero-padded, their NTT, the codeword as extension cells,
 *   its Merkle tree, root + z0 (one warp), the OOD partial sums and one block (reduce, write,
 *   observe); last: the final polynomial (one warp);
 *   query PoW and the query indices (one block, as μ's), the openings gathered with the indices
 *   read on the device (round 0: every commit that is GPU PCS data of the context; later rounds:
 *   the previous round's codeword and tree), γ and the query points (one warp), not last: w += its
 *   terms.
 */
#include <stdlib.h>
#include <string.h>

#include "device/cuda/cuda_common.cuh"
#include "device/cuda/cuda_reduce.cuh"
#include "device/cuda/ts_grind.cuh"
#include "device/cuda/ts_warp.cuh"
#include "device/whir_impl.h"
#include "poly/ntt.h"
#include "prover/cuda_pcs.h"
#include "prover/cuda_whir.h"
#include "prover/whir_dplan.h"
#include "util/alloc.h"
#include "util/span.h"

__constant__ uint32_t c_wh_ext_init[64] = P2_BB16_RC_EXT_INITIAL_MONT;
__constant__ uint32_t c_wh_ext_final[64] = P2_BB16_RC_EXT_FINAL_MONT;
__constant__ uint32_t c_wh_internal[13] = P2_BB16_RC_INTERNAL_MONT;

#define WH_THREADS 256
#define WH_MAX_BLOCKS 1024 /* partial sums per reduction (grid-stride beyond) */
#define WH_GRID_CAP 16384  /* element-wise kernels (grid-stride beyond) */
#define WH_C2E_TILE 12     /* bits per monomial -> hypercube pass (16 KB of base values) */
#define WH_E2C_TILE 10     /* bits per hypercube -> monomial pass (16 KB of extension values) */

/* warp mode (device/cuda/ts_warp.cuh): every control kernel runs its steps on one warp */
__device__ __forceinline__ swirl_ts_tables wh_tables() {
    return swirl_ts_warp_tables(c_wh_ext_init, c_wh_ext_final, c_wh_internal);
}

/* ---------------- batching and the MLE conversion ---------------- */

/* The control kernels below keep their transcript in ONE object, the shared `st`: lane 0 of warp
 * 0 loads it, warp 0 runs every Fiat-Shamir step on it (warp mode, ts_warp.cuh; the lead writes)
 * and lane 0 stores it back; no local swirl_transcript.
 * With a local copy before the grind and another after it (two transcript objects of disjoint
 * lifetimes in one kernel), nvcc 13.0 -O3 gave k_wh_sc_ctl's observed value (the dynamically
 * indexed bb31x4 of swirl_ts_observe_ext) the local slot of the live transcript copy: the
 * second sum overwrote state[0..3] (the first sum) before its absorption, so the device absorbed
 * (s1, s1) for (s0, s1); polys[sc] itself was right, the folding witness, alpha and every later
 * value were not (test_gpu_whir: "sumcheck polynomials differ", replay: "folding witness 0
 * fails"). Read the PTX (__local_depot) before adding a local transcript here. */

/* In a control kernel (one block, every thread calls it, warp 0 has written *st): the PoW of
 * `bits` on the shared transcript *st by the whole block (the smallest witness, as
 * swirl_cuda_transcript_grind's), check_witness applied by warp 0 to *st, the witness
 * written. */
static __device__ void wh_block_pow(swirl_transcript *st, unsigned bits, uint32_t *witness,
                                    const swirl_ts_tables *tb) {
    __syncthreads();
    /* the grinder permutes one candidate a thread; a copy of the tables, so that *tb (warp mode,
     * a constant) is not passed to the called grinder */
    swirl_ts_tables one = *tb;
    one.warp = 0;
    uint32_t w = swirl_ts_block_grind(st, bits, &one);
    if (threadIdx.x >= 32)
        return;
    if (w == SWIRL_TS_GRIND_NONE) { /* none < p: p, refused by swirl_whir_dplan_unpack */
        if (threadIdx.x == 0)
            *witness = BB31_P;
        return;
    }
    swirl_ts_check_witness(st, bits, bb31_from_u32(w), tb);
    if (threadIdx.x == 0)
        *witness = w;
}

/* μ; with pow, the μ-PoW first (the block grinds; else it was ground before, one warp) */
__global__ void __launch_bounds__(WH_THREADS)
    k_wh_mu(swirl_transcript *t, swirl_whir_ctl *ctl, int pow, unsigned bits, uint32_t *witness) {
    SWIRL_KERNEL_ENTRY();
    __shared__ swirl_transcript st;
    swirl_ts_tables tb = wh_tables();
    if (threadIdx.x < 32)
        swirl_ts_warp_load(&st, t);
    if (pow)
        wh_block_pow(&st, bits, witness, &tb);
    if (threadIdx.x >= 32)
        return;
    swirl_whir_seq_mu(&st, ctl, &tb);
    swirl_ts_warp_store(t, &st);
}

__global__ void k_wh_mu_pows(bb31x4 *mp, uint64_t n, const swirl_whir_ctl *ctl) {
    SWIRL_KERNEL_ENTRY();
    bb31x4 mu = ctl->mu;
    for (uint64_t i = swirl_grid_tid(); i < n; i += swirl_grid_stride())
        mp[i] = bb31x4_pow(mu, i);
}

__global__ void k_wh_batch(bb31 *planes, const bb31 *const *cols, const bb31x4 *mu_pows,
                           uint64_t ncols, uint64_t n) {
    SWIRL_KERNEL_ENTRY();
    for (uint64_t i = swirl_grid_tid(); i < n; i += swirl_grid_stride())
        swirl_whir_batch_entry(planes, cols, mu_pows, ncols, n, i);
}

/* the monomial -> hypercube steps of bits lo .. lo + nb - 1 (bits below l_skip twice) over the
 * 4 planes (4n entries; nb <= WH_C2E_TILE, lo + nb <= log n), one block per tile of 2^nb
 * entries in shared memory (swirl_whir_tile_index) */
__global__ void __launch_bounds__(WH_THREADS)
    k_wh_c2e_tile(bb31 *planes, uint32_t lo, uint32_t nb, uint32_t l_skip) {
    SWIRL_KERNEL_ENTRY();
    __shared__ bb31 sh[1u << WH_C2E_TILE];
    const uint64_t size = (uint64_t)1 << nb, tile = blockIdx.x;
    for (uint64_t j = threadIdx.x; j < size; j += blockDim.x)
        sh[j] = planes[swirl_whir_tile_index(lo, nb, tile, j)];
    __syncthreads();
    for (uint32_t b = 0; b < nb; b++)
        for (int rep = 0; rep < (lo + b < l_skip ? 2 : 1); rep++) {
            for (uint64_t t = threadIdx.x; t < size / 2; t += blockDim.x)
                swirl_whir_c2e_step(sh, b, t); /* t < size / 2: one plane */
            __syncthreads();
        }
    for (uint64_t j = threadIdx.x; j < size; j += blockDim.x)
        planes[swirl_whir_tile_index(lo, nb, tile, j)] = sh[j];
}

/* mobius_eq(u, .)'s two factor tables: tab[b] over coordinates 0 .. h - 1 (b < 2^h), then
 * tab[2^h + b] over h .. m - 1 (swirl_whir_mobius_part) */
__global__ void k_wh_mobius_tabs(bb31x4 *tab, const bb31x4 *u, uint32_t h, uint32_t m) {
    SWIRL_KERNEL_ENTRY();
    uint64_t lo = (uint64_t)1 << h, total = lo + ((uint64_t)1 << (m - h));
    for (uint64_t i = swirl_grid_tid(); i < total; i += swirl_grid_stride())
        tab[i] = i < lo ? swirl_whir_mobius_part(u, 0, h, i)
                        : swirl_whir_mobius_part(u, h, m - h, i - lo);
}

/* f from the planes and w = mobius_eq(u, .) = one product of the two factor tables an entry */
__global__ void k_wh_fw(bb31x4 *f, bb31x4 *w, const bb31 *planes, const bb31x4 *tab, uint32_t h,
                        uint64_t n) {
    SWIRL_KERNEL_ENTRY();
    const uint64_t lo = (uint64_t)1 << h;
    for (uint64_t i = swirl_grid_tid(); i < n; i += swirl_grid_stride()) {
        f[i] = swirl_whir_plane_entry(planes, n, i);
        w[i] = bb31x4_mul(tab[i & (lo - 1)], tab[lo + (i >> h)]);
    }
}

/* ---------------- sumcheck ---------------- */

__global__ void __launch_bounds__(WH_THREADS)
    k_wh_sc_partials(bb31x4 *partials, const bb31x4 *f, const bb31x4 *w, uint64_t pairs) {
    SWIRL_KERNEL_ENTRY();
    __shared__ bb31x4 sh[64];
    bb31x4 acc[2] = {bb31x4_zero(), bb31x4_zero()};
    for (uint64_t y = swirl_grid_tid(); y < pairs; y += swirl_grid_stride())
        swirl_whir_sumcheck_pair(acc, f, w, y);
    swirl_block_sum_x4(acc, 2, sh);
    if (threadIdx.x == 0) {
        partials[2 * (uint64_t)blockIdx.x] = acc[0];
        partials[2 * (uint64_t)blockIdx.x + 1] = acc[1];
    }
}

/* one block: the round's two sums into polys[sc], observed; with pow also the folding PoW
 * (the block grinds) and α (else those are separate launches) */
__global__ void __launch_bounds__(WH_THREADS)
    k_wh_sc_ctl(const bb31x4 *partials, unsigned nb, swirl_transcript *t, bb31x4 *polys,
                uint64_t sc, int pow, unsigned bits, uint32_t *witness, swirl_whir_ctl *ctl) {
    SWIRL_KERNEL_ENTRY();
    __shared__ bb31x4 sh[64];
    __shared__ swirl_transcript st;
    bb31x4 acc[2] = {bb31x4_zero(), bb31x4_zero()};
    for (unsigned i = threadIdx.x; i < nb; i += blockDim.x) {
        acc[0] = bb31x4_add(acc[0], partials[2 * (uint64_t)i]);
        acc[1] = bb31x4_add(acc[1], partials[2 * (uint64_t)i + 1]);
    }
    swirl_block_sum_x4(acc, 2, sh);
    swirl_ts_tables tb = wh_tables();
    if (threadIdx.x < 32) {
        swirl_ts_warp_bcast_x4(acc, 2);
        swirl_ts_warp_load(&st, t);
        swirl_whir_seq_sumcheck(&st, polys, sc, acc, &tb);
    }
    if (pow)
        wh_block_pow(&st, bits, witness, &tb);
    if (threadIdx.x >= 32)
        return;
    if (pow)
        swirl_whir_seq_alpha(&st, ctl, &tb);
    swirl_ts_warp_store(t, &st);
}

/* one warp */
__global__ void k_wh_alpha(swirl_transcript *t, swirl_whir_ctl *ctl) {
    SWIRL_KERNEL_ENTRY();
    __shared__ swirl_transcript st;
    swirl_ts_tables tb = wh_tables();
    swirl_ts_warp_load(&st, t);
    swirl_whir_seq_alpha(&st, ctl, &tb);
    swirl_ts_warp_store(t, &st);
}

__global__ void k_wh_fold(bb31x4 *fo, bb31x4 *wo, const bb31x4 *f, const bb31x4 *w, uint64_t pairs,
                          const swirl_whir_ctl *ctl) {
    SWIRL_KERNEL_ENTRY();
    bb31x4 alpha = ctl->alpha;
    for (uint64_t y = swirl_grid_tid(); y < pairs; y += swirl_grid_stride())
        swirl_whir_fold_pair(fo, wo, f, w, y, alpha);
}

/* ---------------- the folded polynomial: coefficients, RS encoding, OOD, final ---------------- */

/* g = src with the hypercube -> monomial steps of bits lo .. lo + nb - 1 (nb <= WH_E2C_TILE),
 * one block per tile of 2^nb entries in shared memory (swirl_whir_tile_index); the first pass
 * reads f (the copy), the later ones g in place */
__global__ void __launch_bounds__(WH_THREADS)
    k_wh_e2c_tile(bb31x4 *g, const bb31x4 *src, uint32_t lo, uint32_t nb) {
    SWIRL_KERNEL_ENTRY();
    __shared__ bb31x4 sh[1u << WH_E2C_TILE];
    const uint64_t size = (uint64_t)1 << nb, tile = blockIdx.x;
    for (uint64_t j = threadIdx.x; j < size; j += blockDim.x)
        sh[j] = src[swirl_whir_tile_index(lo, nb, tile, j)];
    __syncthreads();
    for (uint32_t b = 0; b < nb; b++) {
        for (uint64_t t = threadIdx.x; t < size / 2; t += blockDim.x)
            swirl_whir_e2c_pair(sh, b, t);
        __syncthreads();
    }
    for (uint64_t j = threadIdx.x; j < size; j += blockDim.x)
        g[swirl_whir_tile_index(lo, nb, tile, j)] = sh[j];
}

/* plane c of the zero-padded coefficients in bit-reversed order (P[c cw + j] = g[brev(j)].c[c],
 * 0 where brev(j) >= len), so the NTT runs DIT straight to natural order (no bit-reversal pass:
 * 88 us a round at keccakf's first round); the stores stay coalesced, the loads of g
 * (L2-resident) are the scattered ones */
__global__ void k_wh_rs_planes(bb31 *P, const bb31x4 *g, uint64_t len, uint64_t cw,
                               unsigned log_cw) {
    SWIRL_KERNEL_ENTRY();
    for (uint64_t idx = swirl_grid_tid(); idx < 4 * cw; idx += swirl_grid_stride()) {
        uint64_t c = idx >> log_cw, j = idx & (cw - 1);
        uint64_t i = log_cw ? (uint64_t)(__brevll((unsigned long long)j) >> (64 - log_cw)) : 0;
        P[idx] = i < len ? g[i].c[c] : bb31_zero();
    }
}

__global__ void k_wh_rs_cells(bb31x4 *cells, const bb31 *P, uint64_t cw) {
    SWIRL_KERNEL_ENTRY();
    for (uint64_t i = swirl_grid_tid(); i < cw; i += swirl_grid_stride())
        cells[i] = swirl_whir_plane_entry(P, cw, i);
}

/* the root into the proof, observed; z0 sampled (one warp) */
__global__ void k_wh_commit(swirl_transcript *t, swirl_whir_ctl *ctl, const swirl_digest *root,
                            swirl_digest *out) {
    SWIRL_KERNEL_ENTRY();
    __shared__ swirl_transcript st;
    swirl_digest d = *root;
    if (threadIdx.x == 0)
        *out = d;
    swirl_ts_tables tb = wh_tables();
    swirl_ts_warp_load(&st, t);
    swirl_whir_seq_commit(&st, ctl, &d, &tb);
    swirl_ts_warp_store(t, &st);
}

__global__ void __launch_bounds__(WH_THREADS)
    k_wh_ood_partials(bb31x4 *partials, const bb31x4 *g, uint64_t len, const swirl_whir_ctl *ctl) {
    SWIRL_KERNEL_ENTRY();
    __shared__ bb31x4 sh[64];
    bb31x4 z0 = ctl->z0;
    bb31x4 acc[1] = {bb31x4_zero()};
    for (uint64_t i = swirl_grid_tid(); i < len; i += swirl_grid_stride())
        acc[0] = bb31x4_add(acc[0], swirl_whir_horner_term(g, i, z0));
    swirl_block_sum_x4(acc, 1, sh);
    if (threadIdx.x == 0)
        partials[blockIdx.x] = acc[0];
}

__global__ void __launch_bounds__(WH_THREADS)
    k_wh_ood_ctl(const bb31x4 *partials, unsigned nb, swirl_transcript *t, bb31x4 *out) {
    SWIRL_KERNEL_ENTRY();
    __shared__ bb31x4 sh[64];
    __shared__ swirl_transcript st;
    bb31x4 acc[1] = {bb31x4_zero()};
    for (unsigned i = threadIdx.x; i < nb; i += blockDim.x)
        acc[0] = bb31x4_add(acc[0], partials[i]);
    swirl_block_sum_x4(acc, 1, sh);
    if (threadIdx.x >= 32)
        return;
    swirl_ts_warp_bcast_x4(acc, 1);
    if (threadIdx.x == 0)
        *out = acc[0];
    swirl_ts_tables tb = wh_tables();
    swirl_ts_warp_load(&st, t);
    swirl_whir_seq_ood(&st, acc[0], &tb);
    swirl_ts_warp_store(t, &st);
}

/* one warp */
__global__ void k_wh_final(swirl_transcript *t, bb31x4 *out, const bb31x4 *g, uint64_t len) {
    SWIRL_KERNEL_ENTRY();
    __shared__ swirl_transcript st;
    swirl_ts_tables tb = wh_tables();
    swirl_ts_warp_load(&st, t);
    swirl_whir_seq_final(&st, out, g, len, &tb);
    swirl_ts_warp_store(t, &st);
}

/* ---------------- queries, openings, γ, the w update ---------------- */

/* the query indices; with pow, the query PoW first (the block grinds; else one warp) */
__global__ void __launch_bounds__(WH_THREADS)
    k_wh_queries(swirl_transcript *t, swirl_whir_ctl *ctl, uint32_t nq, uint32_t bits,
                 uint32_t *idx_out, int pow, unsigned pow_bits, uint32_t *witness) {
    SWIRL_KERNEL_ENTRY();
    __shared__ swirl_transcript st;
    swirl_ts_tables tb = wh_tables();
    if (threadIdx.x < 32)
        swirl_ts_warp_load(&st, t);
    if (pow)
        wh_block_pow(&st, pow_bits, witness, &tb);
    if (threadIdx.x >= 32)
        return;
    swirl_whir_seq_queries(&st, ctl, nq, bits, &tb);
    swirl_ts_warp_store(t, &st); /* its barrier orders lane 0's ctl->idx before the reads */
    for (uint32_t i = threadIdx.x; i < nq; i += 32)
        idx_out[i] = ctl->idx[i];
}

/* A tree's shape for a gather: the committed matrix (column-major, cw_h rows of `width` cells
 * of e base values), the query stride, rows per query, the path depth and the digest layers'
 * offsets from the first layer. */
typedef struct wh_open_shape {
    uint64_t cw_h, width, e, qs, rpq, depth, nq;
    uint64_t layer_off[SWIRL_MERKLE_MAX_LAYERS];
} wh_open_shape;

/* one thread per opened base value (nq queries x rpq rows x width x e, row by row, as
 * swirl_merkle_open_host writes them), then one per path digest (nq x depth, bottom up); the
 * query indices are read from the device (ctl->idx) */
__global__ void k_wh_open(bb31 *rows, swirl_digest *paths, const bb31 *__restrict__ cw,
                          const swirl_digest *__restrict__ layers, const swirl_whir_ctl *ctl,
                          wh_open_shape sh) {
    SWIRL_KERNEL_ENTRY();
    const uint64_t row_w = sh.width * sh.e, per = sh.rpq * row_w, n_rows = sh.nq * per;
    const uint64_t total = n_rows + sh.nq * sh.depth;
    for (uint64_t t = swirl_grid_tid(); t < total; t += swirl_grid_stride()) {
        if (t < n_rows) {
            uint64_t i = t / per, j = t - i * per, row = j / row_w, rest = j - row * row_w;
            uint64_t col = rest / sh.e, c = rest - col * sh.e;
            uint64_t r = (uint64_t)ctl->idx[i] + row * sh.qs;
            rows[t] = cw[(col * sh.cw_h + r) * sh.e + c];
        } else {
            uint64_t u = t - n_rows, i = u / sh.depth, l = u - i * sh.depth;
            uint64_t node = ((uint64_t)ctl->idx[i] >> l) ^ 1u;
            paths[u] = layers[sh.layer_off[l] + node];
        }
    }
}

/* one warp (the query points and weights shared out over the lanes) */
__global__ void k_wh_gamma(swirl_transcript *t, swirl_whir_ctl *ctl, uint32_t nq, bb31 omega) {
    SWIRL_KERNEL_ENTRY();
    __shared__ swirl_transcript st;
    swirl_ts_tables tb = wh_tables();
    swirl_ts_warp_load(&st, t);
    swirl_whir_seq_gamma(&st, ctl, nq, omega, &tb);
    swirl_ts_warp_store(t, &st);
}

/* the eq tables of the w update, one entry per thread (whir_impl.h: swirl_whir_wtab_entry) */
__global__ void k_wh_w_tables(bb31 *base, bb31x4 *ext, const swirl_whir_ctl *ctl, uint32_t nq,
                              uint32_t nv, uint32_t lo, uint64_t total) {
    SWIRL_KERNEL_ENTRY();
    for (uint64_t t = swirl_grid_tid(); t < total; t += swirl_grid_stride())
        swirl_whir_wtab_entry(base, ext, ctl, nq, nv, lo, t);
}

__global__ void k_wh_w_update(bb31x4 *w, const bb31 *base, const bb31x4 *ext,
                              const swirl_whir_ctl *ctl, uint32_t nq, uint32_t nv, uint32_t lo,
                              uint64_t len) {
    SWIRL_KERNEL_ENTRY();
    for (uint64_t x = swirl_grid_tid(); x < len; x += swirl_grid_stride())
        w[x] = bb31x4_add(w[x], swirl_whir_w_term_tab(base, ext, ctl, nq, nv, lo, x));
}

/* ------------------------------------------------------------------------------------------ */
/* host side */

static size_t wh_round_up(size_t bytes) {
    return ((bytes ? bytes : 1) + 255) & ~(size_t)255;
}

static unsigned wh_grid(uint64_t work, unsigned cap) {
    unsigned b = swirl_cuda_blocks((size_t)work, WH_THREADS);
    return b > cap ? cap : b;
}

/* One run: the plan, the commits' sources, the device buffers (scratch), the downloaded output. */
typedef struct wh_run {
    swirl_cuda_ctx *ctx;
    swirl_whir_dplan pl;
    int sizing;   /* wh_layout only counts (bytes) */
    size_t bytes; /* scratch taken by wh_layout */
    /* per commit: the host matrix to upload (NULL: GPU data of ctx), its device matrix, and for
     * GPU data its codeword and digest layers (NULL for uploaded commits: opened on the host) */
    const bb31 **h_host, **d_mat, **d_cw;
    const swirl_digest **d_lay;
    /* the blob (u_cube | the column pointers), one upload */
    unsigned char *blob;
    size_t o_cols, blob_bytes;
    /* the output (proof buffer | transcript), one download */
    unsigned char *out;
    size_t o_t, out_bytes;
    int out_pinned; /* out is the context's pinned buffer (swirl_cuda_pinned_out), not owned */
    /* device */
    unsigned char *d_blob, *d_out;
    uint32_t *d_proof;
    swirl_transcript *d_t;
    swirl_whir_ctl *ctl;
    void *grind;
    bb31x4 *partials, *mu_pows, *f, *w, *half, *g;
    bb31x4 *mtab; /* mobius_eq(u, .)'s two factor tables (k_wh_mobius_tabs) */
    bb31x4 *wtab; /* the w update's eq tables: z0's pair (extension), then the queries' (base) */
    bb31 *P;
    bb31x4 *cells[SWIRL_WHIR_MAX_ROUNDS];
    swirl_cuda_merkle tree[SWIRL_WHIR_MAX_ROUNDS];
    /* sub-stage timing: an event at every boundary (batch, then per round sumcheck, fold_out,
     * queries) with the kernel count there; NULL events: no sub-stage timings */
    cudaEvent_t ev[2 + 3 * SWIRL_WHIR_MAX_ROUNDS];
    unsigned ev_kernels[2 + 3 * SWIRL_WHIR_MAX_ROUNDS];
    size_t n_ev;
} wh_run;

/* the sub-stages of the one WHIR stage, by the CPU prover's span names (pcs/whir.c); each sums
 * its segments over the rounds. The PoWs run inside the control kernels of the segment that
 * needs them (mu: batch, folding: sumcheck, query: queries). */
static const char *const wh_sub_names[4] = {
    "prover.openings.whir.batch", "prover.openings.whir.whir_sumcheck",
    "prover.openings.whir.whir_dft_merkle", "prover.openings.whir.queries"};

static void wh_mark(wh_run *r) {
    size_t i = r->n_ev++;
    if (i >= sizeof r->ev / sizeof r->ev[0] || !r->ev[i])
        return;
    r->ev_kernels[i] = r->ctx->current.kernels;
    if (cudaEventRecord(r->ev[i], r->ctx->stream) != cudaSuccess)
        cudaGetLastError();
}


/* after the stage's sync: segment i (events i, i + 1) belongs to sub-stage 0 (the batch) for
 * i = 0, then 1, 2, 3 in turn for each round */
static void wh_record_substages(wh_run *r) {
    float ms[4] = {0, 0, 0, 0};
    unsigned k[4] = {0, 0, 0, 0};
    for (size_t i = 0; i + 1 < r->n_ev && i + 1 < sizeof r->ev / sizeof r->ev[0]; i++) {
        float t = 0;
        if (!r->ev[i] || !r->ev[i + 1] ||
            cudaEventElapsedTime(&t, r->ev[i], r->ev[i + 1]) != cudaSuccess) {
            cudaGetLastError();
            return;
        }
        size_t c = i == 0 ? 0 : 1 + (i - 1) % 3;
        ms[c] += t;
        k[c] += r->ev_kernels[i + 1] - r->ev_kernels[i];
    }
    for (int c = 0; c < 4; c++)
        swirl_cuda_stage_record(r->ctx, wh_sub_names[c], k[c], ms[c]);
}

static void wh_run_clear(wh_run *r) {
    swirl_whir_dplan_clear(&r->pl);
    free(r->h_host);
    free(r->d_mat);
    free(r->d_cw);
    free(r->d_lay);
    free(r->blob);
    if (!r->out_pinned)
        free(r->out);
}

/* mobius_eq(u, .)'s two factor tables split the m coordinates at h = m / 2: 2^h + 2^(m - h)
 * entries */
static uint32_t wh_mobius_h(const swirl_whir_dplan *pl) {
    return (uint32_t)pl->m / 2;
}
static uint64_t wh_mobius_len(const swirl_whir_dplan *pl) {
    uint32_t h = wh_mobius_h(pl);
    return ((uint64_t)1 << h) + ((uint64_t)1 << (pl->m - h));
}

/* a scratch slice (sizing: only counted) */
static enum swirl_status wh_take(wh_run *r, void **p, size_t bytes) {
    if (r->sizing) {
        *p = NULL;
        r->bytes += wh_round_up(bytes);
        return SWIRL_OK;
    }
    return swirl_cuda_alloc(r->ctx, p, bytes ? bytes : 1);
}

template <typename T> static enum swirl_status wh_take_t(wh_run *r, T **p, size_t bytes) {
    void *v = NULL;
    SWIRL_TRY(wh_take(r, &v, bytes));
    *p = (T *)v;
    return SWIRL_OK;
}

#define WH_TAKE(r, ptr, bytes) SWIRL_TRY(wh_take_t((r), &(ptr), (bytes)))

/* the codeword of round r < R - 1: 2^(log_rs[r] - 1) extension cells */
static size_t wh_cw_len(const swirl_whir_dplan *pl, size_t r) {
    return (size_t)1 << (pl->log_rs[r] - 1);
}

/* w's variables when round rr (< R - 1) updates it: w has n >> (k (rr + 1)) entries */
static uint32_t wh_w_nv(const swirl_whir_dplan *pl, size_t rr) {
    uint64_t len = (uint64_t)pl->n >> (pl->k * (rr + 1));
    uint32_t nv = 0;
    while (((uint64_t)1 << nv) < len)
        nv++;
    return nv;
}

/* the w update's tables for nq queries over nv variables: z0's pair, then nq base pairs */
static size_t wh_wtab_bytes(uint32_t nq, uint32_t nv) {
    size_t tl = (size_t)swirl_whir_wtab_len(nv, swirl_whir_wtab_lo(nv));
    return tl * sizeof(bb31x4) + (size_t)nq * tl * sizeof(bb31);
}

/* the plan, the sources of every commit (host work, before the stage) */
static enum swirl_status wh_plan(wh_run *r, const swirl_cuda_ctx *ctx,
                                 const swirl_system_params *params,
                                 const swirl_stacked_pcs_data *const *commits, size_t n_commits,
                                 int fetch) {
    SWIRL_TRY(swirl_whir_dplan_init(&r->pl, params, commits, n_commits));
    r->h_host = (const bb31 **)swirl_calloc(n_commits, sizeof *r->h_host);
    r->d_mat = (const bb31 **)swirl_calloc(n_commits, sizeof *r->d_mat);
    r->d_cw = (const bb31 **)swirl_calloc(n_commits, sizeof *r->d_cw);
    r->d_lay = (const swirl_digest **)swirl_calloc(n_commits, sizeof *r->d_lay);
    if (!r->h_host || !r->d_mat || !r->d_cw || !r->d_lay)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "WHIR on the device: out of memory (%zu commits)",
                           n_commits);
    for (size_t c = 0; c < n_commits; c++) {
        if (ctx && swirl_cuda_pcs_on_device(commits[c], ctx)) {
            SWIRL_TRY(
                swirl_cuda_pcs_device(commits[c], ctx, &r->d_mat[c], &r->d_cw[c], &r->d_lay[c]));
        } else if (fetch) {
            SWIRL_TRY(swirl_stacked_pcs_host_matrix(commits[c], &r->h_host[c]));
        } else {
            r->h_host[c] = (const bb31 *)commits[c]; /* sizing: only "not on the device" */
        }
    }
    const swirl_whir_dplan *pl = &r->pl;
    r->o_cols = wh_round_up(pl->m * sizeof(bb31x4));
    r->blob_bytes = r->o_cols + wh_round_up(pl->total_width * sizeof(bb31 *));
    r->o_t = wh_round_up(pl->words * sizeof(uint32_t));
    r->out_bytes = r->o_t + sizeof(swirl_transcript);
    return SWIRL_OK;
}

/* every scratch slice taken before the stage (sizing: their bytes) */
static enum swirl_status wh_layout(wh_run *r) {
    const swirl_whir_dplan *pl = &r->pl;
    size_t x4 = sizeof(bb31x4), n = pl->n;
    WH_TAKE(r, r->d_blob, r->blob_bytes);
    WH_TAKE(r, r->d_out, r->out_bytes);
    WH_TAKE(r, r->ctl, sizeof(swirl_whir_ctl));
    WH_TAKE(r, r->grind, swirl_cuda_transcript_grind_bytes());
    WH_TAKE(r, r->partials, 2 * WH_MAX_BLOCKS * x4);
    WH_TAKE(r, r->mu_pows, pl->total_width * x4);
    WH_TAKE(r, r->f, n * x4);
    WH_TAKE(r, r->w, n * x4);
    WH_TAKE(r, r->mtab, wh_mobius_len(pl) * x4);
    WH_TAKE(r, r->half, n * x4); /* first the 4 n base planes, then the folds' targets */
    WH_TAKE(r, r->g, (n >> pl->k) * x4);
    if (pl->R > 1)
        WH_TAKE(r, r->P, 4 * wh_cw_len(pl, 0) * sizeof(bb31));
    for (size_t rr = 0; rr + 1 < pl->R; rr++)
        WH_TAKE(r, r->cells[rr], wh_cw_len(pl, rr) * x4);
    size_t wtab = 0; /* one slice, reused by every round's update */
    for (size_t rr = 0; rr + 1 < pl->R; rr++) {
        size_t b = wh_wtab_bytes((uint32_t)pl->q[rr], wh_w_nv(pl, rr));
        wtab = b > wtab ? b : wtab;
    }
    if (wtab)
        WH_TAKE(r, r->wtab, wtab);
    for (size_t c = 0; c < pl->n_commits; c++)
        if (r->h_host[c])
            WH_TAKE(r, r->d_mat[c], n * pl->widths[c] * sizeof(bb31));
    if (!r->sizing) {
        r->d_proof = (uint32_t *)r->d_out;
        r->d_t = (swirl_transcript *)(r->d_out + r->o_t);
    }
    return SWIRL_OK;
}

/* swirl_cuda_merkle_build's arena bytes for `leaves` extension cells (its leaves, the strided
 * folds' second buffer, the kept layers; see device/cuda/poseidon2.cu) */
static size_t wh_tree_bytes(size_t leaves, size_t rpq) {
    size_t qs = leaves / rpq, layers = 0;
    for (size_t l = qs; l >= 1; l /= 2)
        layers += l * sizeof(swirl_digest);
    return wh_round_up(leaves * sizeof(swirl_digest)) +
           (rpq > 1 ? wh_round_up(leaves / 2 * sizeof(swirl_digest)) : 0) + wh_round_up(layers);
}

/* swirl_cuda_ntt's scratch for 2^log_n (its root tables, given back when it returns) */
static size_t wh_ntt_bytes(size_t log_n) {
    return log_n == 0 ? 0 : wh_round_up(swirl_cuda_ntt_scratch_bytes((unsigned)log_n));
}

/* the peak: the slices of wh_layout, then inside the stage the transient NTT tables and the
 * trees, which stay until the rewind */
static size_t wh_peak(const wh_run *r) {
    const swirl_whir_dplan *pl = &r->pl;
    size_t used = r->bytes, peak = used + wh_ntt_bytes(pl->l_skip);
    for (size_t rr = 0; rr + 1 < pl->R; rr++) {
        size_t cw = wh_cw_len(pl, rr), nb = used + wh_ntt_bytes(pl->log_rs[rr] - 1);
        peak = nb > peak ? nb : peak;
        used += wh_tree_bytes(cw, (size_t)1 << pl->k);
    }
    return used > peak ? used : peak;
}

extern "C" size_t swirl_cuda_whir_bytes(const swirl_cuda_ctx *ctx,
                                        const swirl_system_params *params,
                                        const swirl_stacked_pcs_data *const *commits,
                                        size_t n_commits) {
    if (!params || !commits || n_commits == 0)
        return 0;
    wh_run r;
    memset(&r, 0, sizeof r);
    r.sizing = 1;
    size_t bytes = 0;
    if (wh_plan(&r, ctx, params, commits, n_commits, 0) == SWIRL_OK && wh_layout(&r) == SWIRL_OK)
        bytes = wh_peak(&r);
    wh_run_clear(&r);
    return bytes;
}

/* μ-PoW, μ, the batched planes, the MLE conversion, f and w */
static enum swirl_status wh_enqueue_batch(wh_run *r) {
    swirl_cuda_ctx *ctx = r->ctx;
    const swirl_whir_dplan *pl = &r->pl;
    uint64_t n = pl->n;
    bb31 *planes = (bb31 *)r->half;
    int pow = pl->mu_bits <= SWIRL_TS_BLOCK_GRIND_MAX_BITS;
    if (!pow)
        SWIRL_TRY(swirl_cuda_transcript_grind(ctx, r->d_t, pl->mu_bits, r->d_proof + pl->o_mu_w,
                                              r->grind));
    SWIRL_LAUNCH(ctx, k_wh_mu, 1, pow ? WH_THREADS : 32, 0, r->d_t, r->ctl, pow, pl->mu_bits,
                 r->d_proof + pl->o_mu_w);
    SWIRL_LAUNCH(ctx, k_wh_mu_pows, wh_grid(pl->total_width, WH_GRID_CAP), WH_THREADS, 0,
                 r->mu_pows, (uint64_t)pl->total_width, (const swirl_whir_ctl *)r->ctl);
    SWIRL_LAUNCH(ctx, k_wh_batch, wh_grid(n, WH_GRID_CAP), WH_THREADS, 0, planes,
                 (const bb31 *const *)(r->d_blob + r->o_cols), (const bb31x4 *)r->mu_pows,
                 (uint64_t)pl->total_width, n);
    if (pl->l_skip > 0)
        SWIRL_TRY(swirl_cuda_ntt(ctx, planes, (unsigned)pl->l_skip, (4 * n) >> pl->l_skip,
                                 (size_t)1 << pl->l_skip, bb31_one(), SWIRL_NTT_NONE, 1));
    for (uint32_t lo = 0; lo < pl->m;) { /* the steps in bit order, WH_C2E_TILE bits a pass */
        uint32_t nb = (uint32_t)pl->m - lo < WH_C2E_TILE ? (uint32_t)pl->m - lo : WH_C2E_TILE;
        SWIRL_LAUNCH(ctx, k_wh_c2e_tile, (unsigned)((4 * n) >> nb), WH_THREADS, 0, planes, lo, nb,
                     (uint32_t)pl->l_skip);
        lo += nb;
    }
    uint32_t h = wh_mobius_h(pl);
    SWIRL_LAUNCH(ctx, k_wh_mobius_tabs, wh_grid(wh_mobius_len(pl), WH_GRID_CAP), WH_THREADS, 0,
                 r->mtab, (const bb31x4 *)r->d_blob, h, (uint32_t)pl->m);
    SWIRL_LAUNCH(ctx, k_wh_fw, wh_grid(n, WH_GRID_CAP), WH_THREADS, 0, r->f, r->w,
                 (const bb31 *)planes, (const bb31x4 *)r->mtab, h, n);
    return SWIRL_OK;
}

/* the k sumcheck rounds of a WHIR round: *f / *w hold the tables of length *len, swapped with
 * *fo / *wo by every fold */
static enum swirl_status wh_enqueue_sumcheck(wh_run *r, bb31x4 **f, bb31x4 **w, bb31x4 **fo,
                                             bb31x4 **wo, uint64_t *len, size_t *sc) {
    swirl_cuda_ctx *ctx = r->ctx;
    const swirl_whir_dplan *pl = &r->pl;
    bb31x4 *polys = (bb31x4 *)(r->d_proof + pl->o_polys);
    for (size_t j = 0; j < pl->k; j++, (*sc)++) {
        uint64_t pairs = *len / 2;
        unsigned nb = wh_grid(pairs, WH_MAX_BLOCKS);
        SWIRL_LAUNCH(ctx, k_wh_sc_partials, nb, WH_THREADS, 0, r->partials, (const bb31x4 *)*f,
                     (const bb31x4 *)*w, pairs);
        int pow = pl->fold_bits <= SWIRL_TS_BLOCK_GRIND_MAX_BITS;
        SWIRL_LAUNCH(ctx, k_wh_sc_ctl, 1, WH_THREADS, 0, (const bb31x4 *)r->partials, nb, r->d_t,
                     polys, (uint64_t)*sc, pow, pl->fold_bits, r->d_proof + pl->o_fold_w + *sc,
                     r->ctl);
        if (!pow) {
            SWIRL_TRY(swirl_cuda_transcript_grind(ctx, r->d_t, pl->fold_bits,
                                                  r->d_proof + pl->o_fold_w + *sc, r->grind));
            SWIRL_LAUNCH(ctx, k_wh_alpha, 1, 32, 0, r->d_t, r->ctl);
        }
        SWIRL_LAUNCH(ctx, k_wh_fold, wh_grid(pairs, WH_GRID_CAP), WH_THREADS, 0, *fo, *wo,
                     (const bb31x4 *)*f, (const bb31x4 *)*w, pairs, (const swirl_whir_ctl *)r->ctl);
        bb31x4 *tf = *f, *tw = *w;
        *f = *fo, *w = *wo, *fo = tf, *wo = tw;
        *len = pairs;
    }
    return SWIRL_OK;
}

/* g = the coefficients of f (len values); then round rr's commitment and OOD answer, or in the
 * last round the final polynomial */
static enum swirl_status wh_enqueue_fold_out(wh_run *r, size_t rr, const bb31x4 *f, uint64_t len) {
    swirl_cuda_ctx *ctx = r->ctx;
    const swirl_whir_dplan *pl = &r->pl;
    uint32_t lg = 0;
    while (((uint64_t)1 << lg) < len)
        lg++;
    for (uint32_t lo = 0; lo == 0 || lo < lg;) { /* the copy and the steps in bit order */
        uint32_t nb = lg - lo < WH_E2C_TILE ? lg - lo : WH_E2C_TILE;
        SWIRL_LAUNCH(ctx, k_wh_e2c_tile, (unsigned)(len >> nb), WH_THREADS, 0, r->g,
                     lo == 0 ? f : (const bb31x4 *)r->g, lo, nb);
        lo += nb;
        if (nb == 0)
            break;
    }
    if (rr + 1 == pl->R) {
        if (len != pl->final_len)
            return SWIRL_RAISE(SWIRL_E_INTERNAL,
                               "WHIR on the device: %llu final coefficients, "
                               "expected %zu",
                               (unsigned long long)len, pl->final_len);
        SWIRL_LAUNCH(ctx, k_wh_final, 1, 32, 0, r->d_t, (bb31x4 *)(r->d_proof + pl->o_final),
                     (const bb31x4 *)r->g, len);
        return SWIRL_OK;
    }
    size_t cw = wh_cw_len(pl, rr);
    if (len > cw)
        return SWIRL_RAISE(SWIRL_E_INTERNAL,
                           "WHIR on the device: %llu coefficients for a "
                           "codeword of %zu",
                           (unsigned long long)len, cw);
    const unsigned log_cw = (unsigned)(pl->log_rs[rr] - 1);
    SWIRL_LAUNCH(ctx, k_wh_rs_planes, wh_grid(4 * (uint64_t)cw, WH_GRID_CAP), WH_THREADS, 0, r->P,
                 (const bb31x4 *)r->g, len, (uint64_t)cw, log_cw);
    SWIRL_TRY(swirl_cuda_ntt(ctx, r->P, log_cw, 4, cw, bb31_one(), SWIRL_NTT_IN_BITREV, 0));
    SWIRL_LAUNCH(ctx, k_wh_rs_cells, wh_grid(cw, WH_GRID_CAP), WH_THREADS, 0, r->cells[rr],
                 (const bb31 *)r->P, (uint64_t)cw);
    swirl_cuda_merkle *tr = &r->tree[rr];
    SWIRL_TRY(
        swirl_cuda_merkle_build(ctx, tr, (const bb31 *)r->cells[rr], cw, 1, 4, (size_t)1 << pl->k));
    if (tr->num_layers == 0 || tr->layer_len[tr->num_layers - 1] != 1)
        return SWIRL_RAISE(SWIRL_E_INTERNAL, "WHIR on the device: round %zu's tree has no root",
                           rr);
    SWIRL_LAUNCH(ctx, k_wh_commit, 1, 32, 0, r->d_t, r->ctl,
                 (const swirl_digest *)tr->d_layers[tr->num_layers - 1],
                 (swirl_digest *)(r->d_proof + pl->o_commits) + rr);
    unsigned nb = wh_grid(len, WH_MAX_BLOCKS);
    SWIRL_LAUNCH(ctx, k_wh_ood_partials, nb, WH_THREADS, 0, r->partials, (const bb31x4 *)r->g, len,
                 (const swirl_whir_ctl *)r->ctl);
    SWIRL_LAUNCH(ctx, k_wh_ood_ctl, 1, WH_THREADS, 0, (const bb31x4 *)r->partials, nb, r->d_t,
                 (bb31x4 *)(r->d_proof + pl->o_ood) + rr);
    return SWIRL_OK;
}

/* a gather from a tree: nq queries (indices from ctl->idx) into rows / paths */
static enum swirl_status wh_gather(wh_run *r, bb31 *rows, swirl_digest *paths, const bb31 *cw,
                                   const swirl_digest *layers, const wh_open_shape *sh) {
    uint64_t total = sh->nq * (sh->rpq * sh->width * sh->e + sh->depth);
    if (total == 0)
        return SWIRL_OK;
    SWIRL_LAUNCH(r->ctx, k_wh_open, wh_grid(total, WH_GRID_CAP), WH_THREADS, 0, rows, paths, cw,
                 layers, (const swirl_whir_ctl *)r->ctl, *sh);
    return SWIRL_OK;
}

/* round rr's openings: round 0 from every commit on the device (the others are opened on the
 * host after the stage), later rounds from the previous round's codeword */
static enum swirl_status wh_enqueue_open(wh_run *r, size_t rr,
                                         const swirl_stacked_pcs_data *const *commits) {
    const swirl_whir_dplan *pl = &r->pl;
    wh_open_shape sh;
    memset(&sh, 0, sizeof sh);
    sh.nq = pl->q[rr];
    sh.depth = pl->depth[rr];
    sh.rpq = (uint64_t)1 << pl->k;
    if (rr == 0) {
        for (size_t c = 0; c < pl->n_commits; c++) {
            if (!r->d_cw[c])
                continue;
            const swirl_merkle_plan *mp = swirl_stacked_pcs_plan(commits[c]);
            if (mp->num_layers > SWIRL_MERKLE_MAX_LAYERS || mp->num_layers - 1 != sh.depth)
                return SWIRL_RAISE(SWIRL_E_INTERNAL,
                                   "WHIR on the device: commit %zu's tree "
                                   "does not fit round 0",
                                   c);
            sh.cw_h = mp->height;
            sh.width = mp->width;
            sh.e = 1;
            sh.qs = mp->layer_len[0];
            for (size_t l = 0; l < mp->num_layers; l++)
                sh.layer_off[l] = mp->layer_off[l];
            SWIRL_TRY(
                wh_gather(r, (bb31 *)(r->d_proof + pl->o_rows0 + pl->row_off[c]),
                          (swirl_digest *)(r->d_proof + pl->o_paths0) + c * pl->q[0] * pl->depth[0],
                          r->d_cw[c], r->d_lay[c], &sh));
        }
        return SWIRL_OK;
    }
    const swirl_cuda_merkle *tr = &r->tree[rr - 1];
    if (tr->num_layers == 0 || tr->num_layers - 1 != sh.depth)
        return SWIRL_RAISE(SWIRL_E_INTERNAL,
                           "WHIR on the device: round %zu's tree has %zu "
                           "layers, expected %llu",
                           rr - 1, tr->num_layers, (unsigned long long)sh.depth + 1);
    sh.cw_h = wh_cw_len(pl, rr - 1);
    sh.width = 1;
    sh.e = 4;
    sh.qs = tr->layer_len[0];
    for (size_t l = 0; l < tr->num_layers; l++)
        sh.layer_off[l] = (uint64_t)(tr->d_layers[l] - tr->d_layers[0]);
    return wh_gather(r, (bb31 *)(r->d_proof + pl->o_cw_vals + 4 * pl->cw_val_off[rr]),
                     (swirl_digest *)(r->d_proof + pl->o_cw_paths) + pl->cw_path_off[rr],
                     (const bb31 *)r->cells[rr - 1], tr->d_layers[0], &sh);
}

/* query PoW, the indices, the openings, γ, and (not last) the w update */
static enum swirl_status wh_enqueue_queries(wh_run *r, size_t rr, bb31x4 *w, uint64_t len,
                                            const swirl_stacked_pcs_data *const *commits) {
    swirl_cuda_ctx *ctx = r->ctx;
    const swirl_whir_dplan *pl = &r->pl;
    int last = rr + 1 == pl->R;
    uint32_t nq = (uint32_t)pl->q[rr];
    bb31 omega;
    SWIRL_TRY(bb31_two_adic_generator(&omega, (unsigned)pl->depth[rr]));
    int pow = pl->query_bits <= SWIRL_TS_BLOCK_GRIND_MAX_BITS;
    if (!pow)
        SWIRL_TRY(swirl_cuda_transcript_grind(ctx, r->d_t, pl->query_bits,
                                              r->d_proof + pl->o_query_w + rr, r->grind));
    SWIRL_LAUNCH(ctx, k_wh_queries, 1, pow ? WH_THREADS : 32, 0, r->d_t, r->ctl, nq,
                 (uint32_t)pl->depth[rr], r->d_proof + pl->idx_off[rr], pow, pl->query_bits,
                 r->d_proof + pl->o_query_w + rr);
    SWIRL_TRY(wh_enqueue_open(r, rr, commits));
    SWIRL_LAUNCH(ctx, k_wh_gamma, 1, 32, 0, r->d_t, r->ctl, last ? 0u : nq, omega);
    if (!last) {
        uint32_t nv = wh_w_nv(pl, rr), lo = swirl_whir_wtab_lo(nv);
        if (((uint64_t)1 << nv) != len) /* the tables were sized from the plan's lengths */
            return SWIRL_RAISE(SWIRL_E_INTERNAL, "WHIR on the device: w has %llu entries",
                               (unsigned long long)len);
        uint64_t total = ((uint64_t)nq + 1) * swirl_whir_wtab_len(nv, lo);
        bb31 *base = (bb31 *)(r->wtab + swirl_whir_wtab_len(nv, lo));
        SWIRL_LAUNCH(ctx, k_wh_w_tables, wh_grid(total, WH_GRID_CAP), WH_THREADS, 0, base, r->wtab,
                     (const swirl_whir_ctl *)r->ctl, nq, nv, lo, total);
        SWIRL_LAUNCH(ctx, k_wh_w_update, wh_grid(len, WH_GRID_CAP), WH_THREADS, 0, w,
                     (const bb31 *)base, (const bb31x4 *)r->wtab, (const swirl_whir_ctl *)r->ctl,
                     nq, nv, lo, len);
    }
    return SWIRL_OK;
}

/* inside the stage: the uploads, every round, the one download */
static enum swirl_status wh_run_stage(wh_run *r, const swirl_transcript *t,
                                      const swirl_stacked_pcs_data *const *commits) {
    swirl_cuda_ctx *ctx = r->ctx;
    const swirl_whir_dplan *pl = &r->pl;
    SWIRL_TRY(swirl_cuda_upload(ctx, r->d_blob, r->blob, r->blob_bytes));
    SWIRL_TRY(swirl_cuda_upload(ctx, r->d_t, t, sizeof *t));
    for (size_t c = 0; c < pl->n_commits; c++)
        if (r->h_host[c]) /* a plain copy (no counted staging waits: the stage keeps one sync) */
            SWIRL_TRY(swirl_cuda_upload(ctx, (void *)r->d_mat[c], r->h_host[c],
                                        pl->n * pl->widths[c] * sizeof(bb31)));
    r->n_ev = 0;
    wh_mark(r);
    SWIRL_TRY(wh_enqueue_batch(r));
    wh_mark(r);
    bb31x4 *f = r->f, *w = r->w, *fo = r->half, *wo = r->half + pl->n / 2;
    uint64_t len = pl->n;
    size_t sc = 0;
    for (size_t rr = 0; rr < pl->R; rr++) {
        SWIRL_TRY(wh_enqueue_sumcheck(r, &f, &w, &fo, &wo, &len, &sc));
        wh_mark(r);
        SWIRL_TRY(wh_enqueue_fold_out(r, rr, f, len));
        wh_mark(r);
        SWIRL_TRY(wh_enqueue_queries(r, rr, w, len, commits));
        wh_mark(r);
    }
    return swirl_cuda_download_out(ctx, r->out, r->d_out, r->out_bytes);
}

/* the blob's contents once the device matrices are known: u_cube and every column's pointer */
static void wh_fill_blob(wh_run *r, const bb31x4 *u_cube) {
    const swirl_whir_dplan *pl = &r->pl;
    memcpy(r->blob, u_cube, pl->m * sizeof(bb31x4));
    const bb31 **cols = (const bb31 **)(r->blob + r->o_cols);
    for (size_t c = 0, j = 0; c < pl->n_commits; c++)
        for (size_t col = 0; col < pl->widths[c]; col++, j++)
            cols[j] = r->d_mat[c] + col * pl->n;
}

/* after the stage: the proof, the first-round openings of uploaded commits (on the host, with
 * the device's indices), the transcript (a replay when a log is attached) */
static enum swirl_status wh_finish(wh_run *r, swirl_whir_proof *proof, swirl_transcript *t,
                                   const swirl_stacked_pcs_data *const *commits) {
    const swirl_whir_dplan *pl = &r->pl;
    const uint32_t *buf = (const uint32_t *)r->out;
    SWIRL_TRY(swirl_whir_dplan_unpack(pl, proof, buf));
    for (size_t c = 0; c < pl->n_commits; c++) {
        if (r->d_cw[c])
            continue;
        for (size_t qi = 0; qi < pl->q[0]; qi++)
            if (buf[pl->idx_off[0] + qi] >> pl->depth[0])
                return SWIRL_RAISE(SWIRL_E_INTERNAL,
                                   "WHIR on the device: query index %u out of "
                                   "range",
                                   buf[pl->idx_off[0] + qi]);
        SWIRL_TRY(swirl_stacked_pcs_open_rows(commits[c], buf + pl->idx_off[0], pl->q[0],
                                              proof->initial_rows + pl->row_off[c],
                                              proof->initial_paths + c * pl->q[0] * pl->depth[0]));
    }
    swirl_transcript dev;
    memcpy(&dev, r->out + r->o_t, sizeof dev);
    if (t->log) {
        SWIRL_TRY(swirl_whir_dplan_replay(pl, t, proof, buf));
        if (memcmp(t->state, dev.state, sizeof t->state) != 0 || t->absorb_idx != dev.absorb_idx ||
            t->sample_idx != dev.sample_idx)
            return SWIRL_RAISE(SWIRL_E_INTERNAL, "WHIR: the device transcript does not match the "
                                                 "host replay of its proof values");
        return SWIRL_OK;
    }
    memcpy(t->state, dev.state, sizeof t->state);
    t->absorb_idx = dev.absorb_idx;
    t->sample_idx = dev.sample_idx;
    t->last_op_perm = dev.last_op_perm;
    return SWIRL_OK;
}

static enum swirl_status wh_prepare(wh_run *r, const swirl_system_params *params,
                                    const swirl_stacked_pcs_data *const *commits,
                                    size_t n_commits, const bb31x4 *u_cube);

/* host preparation, the device slices, the stage */
static enum swirl_status wh_prove(wh_run *r, swirl_whir_proof *proof, swirl_transcript *t,
                                  const swirl_system_params *params,
                                  const swirl_stacked_pcs_data *const *commits, size_t n_commits,
                                  const bb31x4 *u_cube) {
    swirl_span_begin("whir_host.plan");
    enum swirl_status st = wh_prepare(r, params, commits, n_commits, u_cube);
    swirl_span_end();
    SWIRL_TRY(st);
    swirl_cuda_events_create(r->ev, sizeof r->ev / sizeof r->ev[0]);
    st = swirl_cuda_stage_begin(r->ctx, "prover.openings.whir");
    if (st == SWIRL_OK) {
        st = swirl_cuda_stage_close(r->ctx, wh_run_stage(r, t, commits));
        if (st == SWIRL_OK)
            wh_record_substages(r); /* after the stage's one sync: 0 syncs of their own */
    }
    swirl_cuda_events_destroy(r->ev, sizeof r->ev / sizeof r->ev[0]);
    if (st != SWIRL_OK)
        return st;
    swirl_span_begin("whir_host.finish");
    st = wh_finish(r, proof, t, commits);
    swirl_span_end();
    return st;
}

/* the plan, the host buffers, the layout in the arena, the blob */
static enum swirl_status wh_prepare(wh_run *r, const swirl_system_params *params,
                                    const swirl_stacked_pcs_data *const *commits,
                                    size_t n_commits, const bb31x4 *u_cube) {
    SWIRL_TRY(wh_plan(r, r->ctx, params, commits, n_commits, 1));
    r->blob = (unsigned char *)swirl_calloc(r->blob_bytes, 1);
    /* the proof buffer in the context's pinned memory where it fits (swirl_cuda_pinned_out) */
    r->out = (unsigned char *)swirl_cuda_pinned_out(r->ctx, r->out_bytes);
    r->out_pinned = r->out != NULL;
    if (!r->out)
        r->out = (unsigned char *)swirl_malloc(r->out_bytes);
    if (!r->blob || !r->out)
        return SWIRL_RAISE(SWIRL_E_NOMEM,
                           "WHIR on the device: out of memory (%zu-byte proof "
                           "buffer)",
                           r->out_bytes);
    SWIRL_TRY(wh_layout(r));
    wh_fill_blob(r, u_cube);
    return SWIRL_OK;
}

extern "C" enum swirl_status swirl_cuda_whir(swirl_cuda_ctx *ctx, swirl_whir_proof *proof,
                                             swirl_transcript *t, const swirl_system_params *params,
                                             const swirl_stacked_pcs_data *const *commits,
                                             size_t n_commits, const bb31x4 *u_cube) {
    SWIRL_CUDA_CHECK_CTX(ctx);
    SWIRL_ARG_CHECK(proof != NULL && t != NULL && params != NULL && u_cube != NULL);
    memset(proof, 0, sizeof *proof);
    SWIRL_ARG_CHECK(commits != NULL && n_commits > 0);
    if (ctx->stage_open)
        return SWIRL_RAISE(SWIRL_E_INTERNAL, "swirl_cuda_whir inside stage '%s'",
                           ctx->current.name);
    wh_run *r = (wh_run *)swirl_calloc(1, sizeof *r);
    if (!r)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "WHIR on the device: out of memory");
    r->ctx = ctx;
    size_t mark = swirl_cuda_arena_mark(ctx);
    swirl_span_begin("prover.openings.whir");
    enum swirl_status st = wh_prove(r, proof, t, params, commits, n_commits, u_cube);
    swirl_span_end();
    swirl_cuda_arena_rewind(ctx, mark);
    wh_run_clear(r);
    free(r);
    if (st != SWIRL_OK)
        swirl_whir_proof_clear(proof);
    return st;
}
