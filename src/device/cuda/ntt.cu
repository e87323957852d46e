/*
 * Batched NTT on the GPU (semantics of poly/ntt.h; outputs bit-identical to the CPU code).
 *
 * The pass decomposition (four-step: each pass a DFT with fixed twiddles, a twist between passes),
 * the tile geometry, the lazy field words and the per-unit butterflies are the SWIRL_HD functions
 * of poly/ntt_pass.h (tests/test_ntt_pass.c runs them on the host against poly/ntt.c). Here: the
 * kernels that move tiles between global and shared memory and call them.
 *
 *   k_ntt_tab    the stage twiddles (w, floor(w 2^32/p)) of the stages below min(n, 14) that the
 *                passes read and the 3 x 512 root power tables (the twist's), and zeroes the fused
 *                kernel's counters when it runs: 153,596 bytes of arena scratch with the counters
 *   k_ntt_pass   one pass (plan: 1 pass up to 2^12, 2 up to 2^24, else 3): a block loads a tile
 *                (16-byte loads where the column layout allows), runs the pass's stages in
 *                register groups of 4 (Shoup butterflies on lazy words; group 0's twiddles are
 *                kernel parameters, the others table loads, one per butterfly of a unit's stage),
 *                twists in its top group when a pass lies above, writes the tile back canonical.
 *                Templated on the direction and the layout (contiguous, strided with rows of
 *                Y = 4, 8, 16 or 32 words) and, per group, on (g0, M), so a unit's shared words
 *                are at its base plus immediates. Contiguous tiles hold up to 16384 words (one
 *                column's 2^k, or chunks of it in the fused plan), strided ones 2^k x Y words
 *                (swirl_ntt_plan_init: 16-word rows at 2^16 .. 2^24 but 2^23, else 8, or 4 when
 *                k = 12): up to 64 KiB of dynamic shared memory, 512 threads.
 *   k_ntt_fused  both passes of a 2^20 .. 2^24 transform in one launch (opt-in,
 *                SWIRL_NTT_FUSE=2): the plan's contiguous pass chunked (poly/ntt_pass.h,
 *                swirl_ntt_plan_chunk; strided rows of 8, 16 or 32 words, templated) so both
 *                passes' tiles take 512 threads; a block takes a
 *                ticket (atomic counter, so tickets go to running blocks in order) that names a
 *                tile: the first pass of column c + lag, then the second of column c, and so on.
 *                A second-pass tile waits (one thread, acquire loads) until every first-pass
 *                tile of its column has counted itself done (fence, then an atomic add), then
 *                reads through L2 (ld.global.cg: another SM wrote the words in this launch). So
 *                a column's second pass reads its first pass's output while it is still in L2,
 *                and the two passes' loads, arithmetic and stores overlap across the SMs.
 *                Deadlock-free: a tile waits only on tiles of smaller tickets, whose blocks run.
 *                Measured on the H100 (docs/PERF.md, thirteenth and fourteenth sessions): one
 *                HBM round trip at 2^20, none saved at 2^22 (16 MB columns do not stay in L2
 *                this way), and slower than the passes one launch each (10-30 % on the split
 *                plan: at 2^20 about their instructions but at 54 % SM throughput against their
 *                59-71 %, its waits costing more than the DRAM bytes it saves; fifteenth
 *                session). So it stays opt-in.
 *   k_ntt_scale  coset shift / 1/n scaling (only when not trivial)
 *   k_bit_reverse  for the two orders the core does not give (NN, RR)
 *
 * Bytes: a 2-pass transform reads and writes every word twice (4 * n * cols * 4 bytes of HBM
 * traffic, or less where a column's pass-1 output is still in L2: the fused kernel's aim);
 * effective bandwidth in bench_gpu counts one read and one write.
 */
#include "device/cuda/cuda_common.cuh"
#include "poly/ntt.h"
#include "poly/ntt_pass.h"
#include "util/settings.h"

#define NTT_MAX_THREADS 512

/* scratch: the stage table, the root power tables, then the fused kernel's counters (its ticket
 * and a done count a column) */
#define NTT_STAB_BYTES (SWIRL_NTT_STAGE_TW * sizeof(swirl_ntt_tw))
#define NTT_FUSE_MAX_COLS 4096u
#define NTT_CTR_WORDS (1u + NTT_FUSE_MAX_COLS)
#define NTT_FUSE_THREADS 512u

/* the tables (the nst stage entries the passes read, swirl_ntt_stage_entries); ctr (the fused
 * kernel's, nctr words) zeroed */
__global__ void k_ntt_tab(swirl_ntt_tw *stab, bb31 *rtab, bb31 root, unsigned log_n, unsigned nst,
                          unsigned *ctr, unsigned nctr) {
    SWIRL_KERNEL_ENTRY();
    unsigned idx = blockIdx.x * blockDim.x + threadIdx.x;
    if (idx < nst)
        stab[idx] = swirl_ntt_stage_entry(root, log_n, idx);
    else if (idx < nst + SWIRL_NTT_TAB_WORDS)
        rtab[idx - nst] = swirl_ntt_tab_entry(root, idx - nst);
    for (unsigned i = idx; i < nctr; i += gridDim.x * blockDim.x)
        ctr[i] = 0;
}

/* LAYOUT 0: contiguous pass; 2 .. 5: strided with yl = LAYOUT. Fixing the tile's layout fields to
 * constants lets the compiler fold the shared-memory offsets of a unit. */
template <unsigned LAYOUT> __device__ __forceinline__ void ntt_fix_layout(swirl_ntt_tile &g) {
    if (LAYOUT == 0) {
        g.strided = 0;
        g.lo = 0;
        g.ps = 5;
        g.pl = 0;
    } else {
        g.strided = 1;
        g.yl = LAYOUT;
        g.ps = LAYOUT + 4;
        g.pl = LAYOUT;
    }
}

/* one register group over every unit of the tile (G0, M and the flags compile-time: the unit's
 * 2^M values and its twiddles stay in registers, its shared words are immediates off one base) */
template <unsigned G0, unsigned M, bool DIT, bool TWIST, bool FIRST, bool LAST>
__device__ __forceinline__ void ntt_group(bb31 *sh, const swirl_ntt_tile &g, swirl_ntt_gctx c) {
    c.twist = TWIST;
    c.first = FIRST;
    c.last = LAST;
    const unsigned units = swirl_ntt_tile_elems(&g) >> M;
    for (unsigned u = threadIdx.x; u < units; u += blockDim.x)
        swirl_ntt_unit(sh, M, DIT, &g, G0, u, &c);
}
/* The variants a group can need. DIT runs group 0 first, DIF runs it last; only a top group
 * twists (g0 > 0: a twisting pass has k >= 6), and it is DIT's last group and DIF's first. */
template <unsigned G0, unsigned M, bool DIT>
__device__ __forceinline__ void ntt_group_any(bb31 *sh, const swirl_ntt_tile &g,
                                              const swirl_ntt_gctx &c) {
    constexpr bool END = G0 == 0; /* DIT: first; DIF: last */
    if (G0 > 0 && c.twist)
        ntt_group<G0, M, DIT, (G0 > 0), !DIT, DIT>(sh, g, c);
    else if (DIT ? c.last : c.first)
        ntt_group<G0, M, DIT, false, DIT ? END : true, DIT ? true : END>(sh, g, c);
    else
        ntt_group<G0, M, DIT, false, DIT ? END : false, DIT ? false : END>(sh, g, c);
}

/* global -> shared (LOAD) or back: quads of 16 bytes along the strength-reduced walk where it
 * applies, else quads or words with per-element index math */
/* a global load: read-only path, or (COH) L2 only, for words another block wrote in this launch */
template <bool COH, typename T> __device__ __forceinline__ T ntt_gld(const T *p) {
    return COH ? __ldcg(p) : __ldg(p);
}

template <bool LOAD, unsigned LAYOUT, bool COH>
__device__ __forceinline__ void ntt_stage(bb31 *data, bb31 *sh, const swirl_ntt_tile &g,
                                          const swirl_ntt_block &b, int vec, int walk,
                                          const bb31 *__restrict__ half) {
    const unsigned E = swirl_ntt_tile_elems(&g);
    if (vec && walk) {
        /* the walk by pointers (quads, or the half input's pairs) stepped by the walk's stride:
         * no 64-bit index math a quad; the half input's loop apart, so neither carries the
         * other's loads predicated off */
        const swirl_ntt_walk w = swirl_ntt_walk_at(&g, &b, threadIdx.x);
        const size_t dq = w.doff >> 2; /* doff is a multiple of 4 words */
        uint4 *gq = (uint4 *)(data + w.off0);
        if (LOAD && LAYOUT == 0 && half) {
            /* words 2j + 1 are zero: the quad at off is (half[off/2], 0, half[off/2 + 1], 0) */
            const uint2 *hq = (const uint2 *)(half + (w.off0 >> 1));
#pragma unroll 4
            for (unsigned i = 0; i < w.n; i++, hq += dq) {
                const unsigned q = w.sh0 + i * w.dsh;
                const uint2 y = __ldg(hq);
                sh[q].v = y.x;
                sh[q + 1].v = 0u;
                sh[q + 2].v = y.y;
                sh[q + 3].v = 0u;
            }
            return;
        }
#pragma unroll 4
        for (unsigned i = 0; i < w.n; i++, gq += dq) {
            const unsigned q = w.sh0 + i * w.dsh;
            if (LOAD) {
                const uint4 x = ntt_gld<COH>(gq);
                if (LAYOUT) {
                    *(uint4 *)(sh + q) = x; /* 16-byte aligned when strided */
                } else {
                    sh[q].v = x.x;
                    sh[q + 1].v = x.y;
                    sh[q + 2].v = x.z;
                    sh[q + 3].v = x.w;
                }
            } else {
                uint4 x;
                if (LAYOUT) {
                    x = *(const uint4 *)(sh + q);
                } else {
                    x.x = sh[q].v;
                    x.y = sh[q + 1].v;
                    x.z = sh[q + 2].v;
                    x.w = sh[q + 3].v;
                }
                *gq = x;
            }
        }
    } else if (vec) {
        for (unsigned f = threadIdx.x; f < (E >> 2); f += blockDim.x) {
            unsigned t, y;
            swirl_ntt_quad_at(&g, f, &t, &y);
            if (!swirl_ntt_col_ok(&g, &b, y))
                continue;
            uint4 *gp = (uint4 *)(data + swirl_ntt_elem_off(&g, &b, t, y));
            const unsigned q = swirl_ntt_sh(&g, swirl_ntt_tile_index(&g, t, y));
            if (LOAD) {
                const uint4 x = ntt_gld<COH>((const uint4 *)gp);
                sh[q].v = x.x;
                sh[q + 1].v = x.y;
                sh[q + 2].v = x.z;
                sh[q + 3].v = x.w;
            } else {
                *gp = make_uint4(sh[q].v, sh[q + 1].v, sh[q + 2].v, sh[q + 3].v);
            }
        }
    } else {
        for (unsigned f = threadIdx.x; f < E; f += blockDim.x) {
            unsigned t, y; /* consecutive threads, consecutive addresses */
            swirl_ntt_elem_at(&g, f, &t, &y);
            if (!swirl_ntt_col_ok(&g, &b, y))
                continue;
            bb31 *gp = data + swirl_ntt_elem_off(&g, &b, t, y);
            bb31 *sp = sh + swirl_ntt_sh(&g, swirl_ntt_tile_index(&g, t, y));
            if (LOAD)
                sp->v = ntt_gld<COH>(&gp->v);
            else
                *gp = *sp;
        }
    }
}

/* One tile: load, the pass's groups, store. tws (shared): [0] the block's twist ratio, [1 + y]
 * chunk y's (chunked tiles). COH: loads through L2 only (the fused kernel's second pass). */
template <bool DIT, unsigned LAYOUT, bool COH>
__device__ __forceinline__ void ntt_tile(bb31 *data, swirl_ntt_tile g, size_t blk,
                                         const swirl_ntt_tw *__restrict__ stab,
                                         const bb31 *__restrict__ rtab, const swirl_ntt_tw *c0t,
                                         int vec, const bb31 *__restrict__ half, bb31 *sh,
                                         swirl_ntt_tw *tws) {
    ntt_fix_layout<LAYOUT>(g);
    const swirl_ntt_block b = swirl_ntt_block_at(&g, blk);
    const int walk = swirl_ntt_walk_ok(&g);
    const unsigned top = swirl_ntt_top_g0(&g);
    const bool chunks = LAYOUT == 0 && g.chunks;
    swirl_ntt_gctx c;
    c.stab = stab;
    c.c0 = c0t;
    c.rtab = rtab;
    c.twist = c.first = c.last = 0;
    c.tw.e = g.twist ? swirl_ntt_twist_e(&g, &b) : 0;
    c.hi0 = b.hi;
    c.ratios = tws + 1;
    if (g.twist) { /* the ratios, made by one thread each and shared */
        if (chunks) {
            if (threadIdx.x < (1u << g.yl))
                tws[1 + threadIdx.x] = swirl_ntt_twist_ratio(
                    &g, swirl_ntt_twist_e_hi(&g, b.hi + threadIdx.x), top, rtab);
        } else if (threadIdx.x == 0) {
            tws[0] = swirl_ntt_twist_ratio(&g, c.tw.e, top, rtab);
        }
    }
    ntt_stage<true, LAYOUT, COH>(data, sh, g, b, vec, walk, half);
    __syncthreads();
    if (g.twist && !chunks)
        c.tw.ratio = tws[0];
    else
        c.tw.ratio.w = c.tw.ratio.wq = 0;
    const unsigned ng = swirl_ntt_ngroups(&g);
    for (unsigned gi = 0; gi < ng; gi++) {
        unsigned g0, M;
        swirl_ntt_group_at(&g, DIT, gi, &g0, &M);
        c.twist = g.twist && g0 == top;
        c.first = gi == 0;
        c.last = gi == ng - 1;
        switch (g0 * 8 + M) {
        case 0 * 8 + 4: ntt_group_any<0, 4, DIT>(sh, g, c); break;
        case 4 * 8 + 1: ntt_group_any<4, 1, DIT>(sh, g, c); break;
        case 4 * 8 + 2: ntt_group_any<4, 2, DIT>(sh, g, c); break;
        case 4 * 8 + 3: ntt_group_any<4, 3, DIT>(sh, g, c); break;
        case 4 * 8 + 4: ntt_group_any<4, 4, DIT>(sh, g, c); break;
        case 8 * 8 + 1: ntt_group_any<8, 1, DIT>(sh, g, c); break;
        case 8 * 8 + 2: ntt_group_any<8, 2, DIT>(sh, g, c); break;
        case 8 * 8 + 3: ntt_group_any<8, 3, DIT>(sh, g, c); break;
        case 8 * 8 + 4: ntt_group_any<8, 4, DIT>(sh, g, c); break;
        case 12 * 8 + 1: /* a split's contiguous 13-bit pass */
            if (LAYOUT == 0)
                ntt_group_any<12, 1, DIT>(sh, g, c);
            break;
        case 12 * 8 + 2: /* a split's contiguous 14-bit pass */
            if (LAYOUT == 0)
                ntt_group_any<12, 2, DIT>(sh, g, c);
            break;
        default: /* k < 4: single contiguous passes only (one group, the first and last) */
            if (LAYOUT == 0) {
                if (M == 1)
                    ntt_group<0, 1, DIT, false, true, true>(sh, g, c);
                else if (M == 2)
                    ntt_group<0, 2, DIT, false, true, true>(sh, g, c);
                else
                    ntt_group<0, 3, DIT, false, true, true>(sh, g, c);
            }
            break;
        }
        __syncthreads();
    }
    ntt_stage<false, LAYOUT, false>(data, sh, g, b, vec, walk, NULL);
}

template <bool DIT, unsigned LAYOUT>
__global__ void __launch_bounds__(NTT_MAX_THREADS, 2)
    k_ntt_pass(bb31 *data, swirl_ntt_tile gp, const swirl_ntt_tw *__restrict__ stab,
               const bb31 *__restrict__ rtab, const __grid_constant__ swirl_ntt_c0 c0, int vec,
               const bb31 *__restrict__ half) {
    SWIRL_KERNEL_ENTRY();
    extern __shared__ uint4 sh4[];
    __shared__ swirl_ntt_tw tws[1 + 16];
    ntt_tile<DIT, LAYOUT, false>(data, gp, blockIdx.x, stab, rtab, c0.t, vec, half, (bb31 *)sh4,
                                 tws);
}

/* the fused kernel's ticket -> tile: the first pass (A) of columns 0 .. lag-1, then for each
 * column c the first pass of c + lag and the second (B) of c, then the last lag columns' second
 * passes. ta_log, tb_log: log2 of a column's tiles in each pass. */
struct ntt_task {
    unsigned second, col, r;
};
__device__ __forceinline__ ntt_task ntt_fused_task(unsigned t, unsigned ta_log, unsigned tb_log,
                                                  unsigned ncols, unsigned lag) {
    const unsigned TA = 1u << ta_log, TB = 1u << tb_log, S = TA + TB;
    ntt_task k;
    if (t < (lag << ta_log)) {
        k.second = 0;
        k.col = t >> ta_log;
        k.r = t & (TA - 1);
        return k;
    }
    t -= lag << ta_log;
    const unsigned full = ncols - lag;
    if (t < full * S) {
        const unsigned s = t / S, w = t - s * S;
        k.second = w >= TA;
        k.col = k.second ? s : s + lag;
        k.r = k.second ? w - TA : w;
        return k;
    }
    t -= full * S;
    k.second = 1;
    k.col = full + (t >> tb_log);
    k.r = t & (TB - 1);
    return k;
}

__device__ __forceinline__ unsigned ntt_ld_acquire(const unsigned *p) {
    unsigned v;
    asm volatile("ld.acquire.gpu.global.u32 %0, [%1];" : "=r"(v) : "l"(p) : "memory");
    return v;
}

/* both passes (see the top): gc the chunked contiguous pass, gs the strided one (rows of 2^LS
 * words, 3 <= LS <= 5: swirl_ntt_plan_chunk); 16-byte aligned columns */
template <bool DIT, unsigned LS>
__global__ void __launch_bounds__(NTT_FUSE_THREADS, 2)
    k_ntt_fused(bb31 *data, swirl_ntt_tile gc, swirl_ntt_tile gs,
                const swirl_ntt_tw *__restrict__ stab, const bb31 *__restrict__ rtab,
                const __grid_constant__ swirl_ntt_c0 c0, const bb31 *__restrict__ half,
                unsigned *ctr, unsigned lag) {
    constexpr int vec = 1;
    SWIRL_KERNEL_ENTRY();
    extern __shared__ uint4 sh4[];
    __shared__ swirl_ntt_tw tws[1 + 16];
    __shared__ unsigned ticket;
    if (threadIdx.x == 0)
        ticket = atomicAdd(ctr, 1u);
    __syncthreads();
    /* DIT runs the contiguous pass first, DIF the strided one */
    const unsigned ta_log = DIT ? gc.gpc_log : gs.gpc_log, tb_log = DIT ? gs.gpc_log : gc.gpc_log;
    const ntt_task k = ntt_fused_task(ticket, ta_log, tb_log, (unsigned)gc.ncols, lag);
    unsigned *done = ctr + 1 + k.col;
    bb31 *sh = (bb31 *)sh4;
    if (!k.second) {
        const size_t blk = ((size_t)k.col << ta_log) | k.r;
        if (DIT)
            ntt_tile<DIT, 0, false>(data, gc, blk, stab, rtab, c0.t, vec, half, sh, tws);
        else
            ntt_tile<DIT, LS, false>(data, gs, blk, stab, rtab, c0.t, vec, NULL, sh, tws);
        __syncthreads(); /* every thread's stores before the count */
        if (threadIdx.x == 0) {
            __threadfence();
            atomicAdd(done, 1u);
        }
    } else {
        if (threadIdx.x == 0)
            while (ntt_ld_acquire(done) < (1u << ta_log))
                __nanosleep(100);
        __syncthreads();
        const size_t blk = ((size_t)k.col << tb_log) | k.r;
        if (DIT)
            ntt_tile<DIT, LS, true>(data, gs, blk, stab, rtab, c0.t, vec, NULL, sh, tws);
        else
            ntt_tile<DIT, 0, true>(data, gc, blk, stab, rtab, c0.t, vec, NULL, sh, tws);
    }
}

__device__ __forceinline__ size_t ntt_brev(size_t i, unsigned log_n) {
    return (size_t)(__brevll((unsigned long long)i) >> (64 - log_n));
}

__global__ void k_bit_reverse(bb31 *data, size_t col_stride, unsigned log_n, size_t n,
                              size_t ncols) {
    SWIRL_KERNEL_ENTRY();
    size_t idx = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= n * ncols)
        return;
    size_t c = idx >> log_n, i = idx & (n - 1), j = ntt_brev(i, log_n); /* n = 2^log_n */
    if (i < j) {
        bb31 *a = data + c * col_stride;
        bb31 t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}

/* a[p] *= scale * shift^(coefficient index stored at p); shift 1 (the plain inverse's 1/n): no
 * power (n = 2^log_n: the column and position by shifts, not 64-bit divisions) */
__global__ void k_ntt_scale(bb31 *data, size_t col_stride, unsigned log_n, size_t n, size_t ncols,
                            bb31 shift, bb31 scale, int bitrev_positions) {
    SWIRL_KERNEL_ENTRY();
    size_t idx = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= n * ncols)
        return;
    size_t c = idx >> log_n, p = idx & (n - 1);
    bb31 f = scale;
    if (!bb31_eq(shift, bb31_one()))
        f = bb31_mul(f, bb31_pow(shift, bitrev_positions ? ntt_brev(p, log_n) : p));
    bb31 *a = data + c * col_stride;
    a[p] = bb31_mul(a[p], f);
}

/* the bound on a two-pass transform's data movement (bench_gpu --sweep-shape): a[i] *= c in
 * place, 16-byte accesses, four quads a thread in flight (its CPU twin, a bb31_mul loop, is in
 * test_gpu_commit) */
__global__ void k_ntt_sweep(uint4 *q, size_t nq, bb31 c) {
    SWIRL_KERNEL_ENTRY();
    const size_t step = (size_t)gridDim.x * blockDim.x;
    for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < nq; i += 4 * step) {
        uint4 v[4];
#pragma unroll
        for (int u = 0; u < 4; u++)
            if (i + u * step < nq)
                v[u] = q[i + u * step];
#pragma unroll
        for (int u = 0; u < 4; u++)
            if (i + u * step < nq) {
                bb31 a[4] = {{v[u].x}, {v[u].y}, {v[u].z}, {v[u].w}};
                q[i + u * step] = make_uint4(bb31_mul(a[0], c).v, bb31_mul(a[1], c).v,
                                             bb31_mul(a[2], c).v, bb31_mul(a[3], c).v);
            }
    }
}

extern "C" enum swirl_status swirl_cuda_ntt_sweep(swirl_cuda_ctx *ctx, bb31 *d, size_t nwords,
                                                  bb31 c) {
    SWIRL_CUDA_CHECK_CTX(ctx);
    if (nwords == 0)
        return SWIRL_OK;
    if (d == NULL || (uintptr_t)d % 16 != 0 || nwords % 4 != 0)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                           "NTT sweep: a 16-byte aligned buffer of a multiple of 4 words");
    const size_t nq = nwords / 4;
    const unsigned threads = 512, per = threads * 4;
    size_t blocks = (nq + per - 1) / per, cap = (size_t)(ctx->sm_count > 0 ? ctx->sm_count : 1) * 8;
    blocks = blocks < cap ? blocks : cap;
    SWIRL_LAUNCH(ctx, k_ntt_sweep, (unsigned)blocks, threads, 0, (uint4 *)d, nq, c);
    return SWIRL_OK;
}

extern "C" size_t swirl_cuda_ntt_scratch_bytes(unsigned log_n) {
    return log_n == 0 ? 0
                      : NTT_STAB_BYTES + SWIRL_NTT_TAB_WORDS * sizeof(bb31) +
                            NTT_CTR_WORDS * sizeof(unsigned);
}

typedef void (*ntt_pass_fn)(bb31 *, swirl_ntt_tile, const swirl_ntt_tw *, const bb31 *,
                            const swirl_ntt_c0, int, const bb31 *);
typedef void (*ntt_fused_fn)(bb31 *, swirl_ntt_tile, swirl_ntt_tile, const swirl_ntt_tw *,
                             const bb31 *, const swirl_ntt_c0, const bb31 *, unsigned *, unsigned);
/* the fused kernels: strided rows of 8, 16, 32 words; DIT, DIF each */
static const ntt_fused_fn ntt_fused_fns[] = {k_ntt_fused<true, 3>, k_ntt_fused<false, 3>,
                                             k_ntt_fused<true, 4>, k_ntt_fused<false, 4>,
                                             k_ntt_fused<true, 5>, k_ntt_fused<false, 5>};

/* the pass kernels: contiguous, then strided with yl = 2 .. 5; DIT, DIF each */
static const ntt_pass_fn ntt_pass_fns[] = {
    k_ntt_pass<true, 0>, k_ntt_pass<false, 0>, k_ntt_pass<true, 2>, k_ntt_pass<false, 2>,
    k_ntt_pass<true, 3>, k_ntt_pass<false, 3>, k_ntt_pass<true, 4>, k_ntt_pass<false, 4>,
    k_ntt_pass<true, 5>, k_ntt_pass<false, 5>};
/* the pass kernel for a direction and layout */
static ntt_pass_fn ntt_pass_kernel(int dit, const swirl_ntt_tile *g) {
    const unsigned l = g->strided ? g->yl - 1 : 0; /* yl 2 .. 5 (swirl_ntt_plan_split) */
    return ntt_pass_fns[2 * l + (dit ? 0 : 1)];
}

/* The passes of a transform: the plan, split as SWIRL_NTT_SPLIT / SWIRL_NTT_YL ask where the
 * split fits (swirl_ntt_plan_split), then chunked for the fused kernel (SWIRL_NTT_FUSE 2) or for
 * the chunked first pass (1) where it applies to 16-byte aligned columns; *fused: one launch. */
static void ntt_plan(swirl_ntt_plan *pl, int *fused, unsigned log_n, size_t ncols, int aligned) {
    const swirl_settings *st = swirl_settings_get();
    swirl_ntt_plan_init(pl, log_n, ncols);
    if (pl->np == 2 && (st->ntt_split || st->ntt_yl))
        (void)swirl_ntt_plan_split(pl, st->ntt_split ? st->ntt_split : pl->pass[1].k,
                                   st->ntt_yl ? st->ntt_yl : pl->pass[1].yl);
    *fused = 0;
    if (st->ntt_fuse >= 1 && aligned && swirl_ntt_plan_chunk(pl))
        *fused = st->ntt_fuse == 2 && ncols <= NTT_FUSE_MAX_COLS;
}

/* the kernel launches swirl_cuda_ntt makes for the transform's passes (16-byte aligned data) */
extern "C" unsigned swirl_cuda_ntt_pass_launches(unsigned log_n, size_t ncols, size_t col_stride) {
    if (log_n == 0 || ncols == 0)
        return 0;
    swirl_ntt_plan pl;
    int fused;
    ntt_plan(&pl, &fused, log_n, ncols, col_stride % 4 == 0);
    return fused ? 1 : pl.np;
}

/* Enqueues the core transform (no scaling) of plan pl (ntt_plan): DIT if the input is
 * bit-reversed, else DIF. fused: one k_ntt_fused launch, whose 1 + ncols counters at ctr k_ntt_tab
 * zeroed before; aligned: 16-byte aligned columns. */
static enum swirl_status ntt_core(swirl_cuda_ctx *ctx, bb31 *d, unsigned log_n, size_t ncols,
                                  size_t col_stride, const swirl_ntt_tw *stab, const bb31 *rtab,
                                  const swirl_ntt_c0 *c0, int dit, const bb31 *half, unsigned *ctr,
                                  const swirl_ntt_plan *pl, int fused, int aligned) {
    /* the opt-in is per device: a flag per device ordinal (idempotent: a race only repeats it) */
    static int smem_opted_in[64];
    int dev = 0;
    SWIRL_CUDA_TRY(ctx, cudaGetDevice(&dev));
    int *opted = dev >= 0 && dev < 64 ? &smem_opted_in[dev] : NULL;
    if (!opted || !*opted) {
        const int bytes = (int)((SWIRL_NTT_MAX_TILE + (SWIRL_NTT_MAX_TILE >> 4) + 1) * sizeof(bb31));
        for (size_t i = 0; i < sizeof ntt_pass_fns / sizeof ntt_pass_fns[0]; i++)
            SWIRL_CUDA_TRY(ctx, cudaFuncSetAttribute(ntt_pass_fns[i],
                                                     cudaFuncAttributeMaxDynamicSharedMemorySize,
                                                     bytes));
        for (size_t i = 0; i < sizeof ntt_fused_fns / sizeof ntt_fused_fns[0]; i++)
            SWIRL_CUDA_TRY(ctx, cudaFuncSetAttribute(ntt_fused_fns[i],
                                                     cudaFuncAttributeMaxDynamicSharedMemorySize,
                                                     bytes));
        if (opted)
            *opted = 1;
    }
    swirl_ntt_tile gt[SWIRL_NTT_MAX_PASSES];
    for (unsigned i = 0; i < pl->np; i++) {
        swirl_ntt_tile *g = &gt[i];
        swirl_ntt_tile_init(g, log_n, &pl->pass[i], ncols, col_stride);
        /* the kernels' group variants (test_ntt_pass's test_plan checks the plan keeps to them) */
        if ((g->strided || g->twist) && g->k <= SWIRL_NTT_GROUP)
            return SWIRL_RAISE(SWIRL_E_INTERNAL, "NTT pass of %u bits cannot be strided or twist",
                               g->k);
        if (swirl_ntt_tile_blocks(g) > (fused ? 0x7fffffffu / 2 : 0x7fffffffu))
            return SWIRL_RAISE(SWIRL_E_UNSUPPORTED, "NTT batch too large for one launch");
    }
    if (fused) {
        /* both passes in one launch, 512 threads a block (swirl_ntt_plan_chunk); a column's second
         * pass `lag` columns behind its first (SWIRL_NTT_FUSE_LAG, default 2: fewer second-pass
         * tiles waiting than at 1) */
        const swirl_ntt_tile *gc = &gt[0], *gs = &gt[1];
        const size_t blocks = swirl_ntt_tile_blocks(gc) + swirl_ntt_tile_blocks(gs);
        const size_t sc = swirl_ntt_tile_smem_words(gc), ss = swirl_ntt_tile_smem_words(gs);
        const size_t smem = (sc > ss ? sc : ss) * sizeof(bb31);
        const swirl_settings *st = swirl_settings_get();
        const unsigned lag = st->ntt_fuse_lag < ncols ? st->ntt_fuse_lag : (unsigned)ncols;
        if (gs->yl < 3 || gs->yl > 5)
            return SWIRL_RAISE(SWIRL_E_INTERNAL, "fused NTT plan with %u-word strided rows",
                               1u << gs->yl);
        const ntt_fused_fn fn = ntt_fused_fns[2 * (gs->yl - 3) + (dit ? 0 : 1)];
        SWIRL_LAUNCH(ctx, fn, (unsigned)blocks, NTT_FUSE_THREADS, smem, d, *gc, *gs, stab, rtab,
                     *c0, half, ctr, lag);
        return SWIRL_OK;
    }
    for (unsigned pi = 0; pi < pl->np; pi++) {
        const swirl_ntt_tile *g = &gt[dit ? pi : pl->np - 1 - pi];
        const size_t blocks = swirl_ntt_tile_blocks(g);
        const unsigned threads = swirl_ntt_threads(g); /* <= NTT_MAX_THREADS */
        const size_t smem = swirl_ntt_tile_smem_words(g) * sizeof(bb31);
        const int vec = aligned && swirl_ntt_vec_ok(g);
        const ntt_pass_fn k_ntt_pass_fn = ntt_pass_kernel(dit, g);
        SWIRL_LAUNCH(ctx, k_ntt_pass_fn, (unsigned)blocks, threads, smem, d, *g, stab, rtab, *c0,
                     vec, pi == 0 ? half : (const bb31 *)NULL);
    }
    return SWIRL_OK;
}

/* The first DIT pass of a forward 2^log_n transform of bit-reversed input can take its input from
 * `half` (the even words; the odd ones zero) when it is a contiguous pass with the 16-byte walk
 * on aligned columns: every quad (w, 0, w', 0) it loads is then the 8 bytes at half + off / 2. */
extern "C" int swirl_cuda_ntt_half_ok(const void *d_data, const void *half, unsigned log_n,
                                      size_t ncols, size_t col_stride) {
    if (log_n < 2 || log_n > BB31_TWO_ADICITY || ncols == 0 || col_stride != ((size_t)1 << log_n) ||
        (uintptr_t)d_data % 16 != 0 || (uintptr_t)half % 8 != 0)
        return 0;
    swirl_ntt_plan pl;
    int fused;
    ntt_plan(&pl, &fused, log_n, ncols, 1);
    swirl_ntt_tile g;
    swirl_ntt_tile_init(&g, log_n, &pl.pass[0], ncols, col_stride);
    return !g.strided && swirl_ntt_vec_ok(&g) && swirl_ntt_walk_ok(&g);
}

static enum swirl_status ntt_run(swirl_cuda_ctx *ctx, bb31 *d_data, unsigned log_n, size_t ncols,
                                 size_t col_stride, bb31 shift, unsigned flags, int inverse,
                                 const bb31 *half);

extern "C" enum swirl_status swirl_cuda_ntt(swirl_cuda_ctx *ctx, bb31 *d_data, unsigned log_n,
                                            size_t ncols, size_t col_stride, bb31 shift,
                                            unsigned flags, int inverse) {
    return ntt_run(ctx, d_data, log_n, ncols, col_stride, shift, flags, inverse, NULL);
}

extern "C" enum swirl_status swirl_cuda_ntt_from_half(swirl_cuda_ctx *ctx, bb31 *d_data,
                                                      const bb31 *half, unsigned log_n,
                                                      size_t ncols) {
    SWIRL_CUDA_CHECK_CTX(ctx);
    if (!swirl_cuda_ntt_half_ok(d_data, half, log_n, ncols, (size_t)1 << log_n))
        return SWIRL_RAISE(SWIRL_E_INTERNAL, "NTT from half input: unsupported geometry");
    return ntt_run(ctx, d_data, log_n, ncols, (size_t)1 << log_n, bb31_one(),
                   SWIRL_NTT_IN_BITREV, 0, half);
}

static enum swirl_status ntt_run(swirl_cuda_ctx *ctx, bb31 *d_data, unsigned log_n, size_t ncols,
                                 size_t col_stride, bb31 shift, unsigned flags, int inverse,
                                 const bb31 *half) {
    SWIRL_CUDA_CHECK_CTX(ctx);
    if (ncols == 0 || log_n == 0)
        return SWIRL_OK;
    SWIRL_ARG_CHECK(d_data != NULL);
    if (log_n > BB31_TWO_ADICITY)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "NTT size 2^%u exceeds 2^27", log_n);
    size_t n = (size_t)1 << log_n;
    SWIRL_ARG_CHECK(col_stride >= n);
    if (inverse && bb31_is_zero(shift))
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "inverse NTT: coset shift must be non-zero");
    int in_br = (flags & SWIRL_NTT_IN_BITREV) != 0, out_br = (flags & SWIRL_NTT_OUT_BITREV) != 0;
    bb31 root;
    SWIRL_TRY(bb31_two_adic_generator(&root, log_n));
    bb31 scale = bb31_one();
    if (inverse) {
        root = bb31_inv(root);
        shift = bb31_inv(shift);
        scale = bb31_inv(bb31_from_u32((uint32_t)n));
    }
    int trivial = bb31_eq(shift, bb31_one()) && bb31_eq(scale, bb31_one());
    size_t mark = ctx->arena_used;
    unsigned char *scratch;
    SWIRL_TRY(swirl_cuda_alloc(ctx, (void **)&scratch, swirl_cuda_ntt_scratch_bytes(log_n)));
    swirl_ntt_tw *stab = (swirl_ntt_tw *)scratch;
    bb31 *rtab = (bb31 *)(scratch + NTT_STAB_BYTES);
    swirl_ntt_c0 c0; /* group 0's twiddles, the kernels' parameters */
    swirl_ntt_c0_init(&c0, root, log_n);
    unsigned *ctr = (unsigned *)(scratch + NTT_STAB_BYTES + SWIRL_NTT_TAB_WORDS * sizeof(bb31));
    /* 16-byte accesses need 16-byte aligned column starts */
    const int aligned = ((uintptr_t)d_data % 16) == 0 && col_stride % 4 == 0;
    swirl_ntt_plan pl;
    int fused;
    ntt_plan(&pl, &fused, log_n, ncols, aligned);
    const unsigned nst = swirl_ntt_stage_entries(log_n);
    SWIRL_LAUNCH(ctx, k_ntt_tab, swirl_cuda_blocks(nst + SWIRL_NTT_TAB_WORDS, 256), 256, 0, stab,
                 rtab, root, log_n, nst, ctr, fused ? 1u + (unsigned)ncols : 0u);
    size_t total = n * ncols;
    if (!inverse && !trivial)
        SWIRL_LAUNCH(ctx, k_ntt_scale, swirl_cuda_blocks(total, 256), 256, 0, d_data, col_stride,
                     log_n, n, ncols, shift, scale, in_br);
    SWIRL_TRY(ntt_core(ctx, d_data, log_n, ncols, col_stride, stab, rtab, &c0, in_br, half, ctr,
                       &pl, fused, aligned));
    if (in_br == out_br)
        SWIRL_LAUNCH(ctx, k_bit_reverse, swirl_cuda_blocks(total, 256), 256, 0, d_data, col_stride,
                     log_n, n, ncols);
    if (inverse && !trivial)
        SWIRL_LAUNCH(ctx, k_ntt_scale, swirl_cuda_blocks(total, 256), 256, 0, d_data, col_stride,
                     log_n, n, ncols, shift, scale, out_br);
    /* the tables are stream-ordered scratch: later work may reuse the space */
    ctx->arena_used = mark;
    return SWIRL_OK;
}
