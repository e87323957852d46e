/*
 * Batched NTT on the GPU (semantics of poly/ntt.h; the same radix-2 stages and twiddles as the CPU
 * code, so every value is bit-identical).
 *
 * The pass decomposition, the tile geometry and the per-unit butterflies and twiddles are the
 * SWIRL_HD functions of poly/ntt_pass.h (tests/test_ntt_pass.c runs them on the host against
 * poly/ntt.c). Here: the kernels that move tiles between global and shared memory and call them.
 *
 *   k_ntt_tab    the 3 x 512 power tables of the transform's root (1,536 bb31 of arena scratch)
 *   k_ntt_pass   one pass (plan: 1 pass up to 2^12, 2 up to 2^24, else 3): a block loads a tile
 *                (16-byte loads where the column layout allows), runs the pass's stages in
 *                register groups of 4 with per-unit twiddles (no per-stage tables: two table
 *                loads + about one multiplication per butterfly pair for the twiddles), writes it
 *                back. Contiguous tiles hold up to 4096 words (16 KiB, 256 threads); strided
 *                tiles 2^k x 8 (or x 4 at k = 12) words, up to 64 KiB of dynamic shared memory,
 *                512 threads.
 *   k_ntt_scale  coset shift / 1/n scaling (only when not trivial)
 *   k_bit_reverse  for the two orders the core does not give (NN, RR)
 *
 * Bytes: a 2-pass transform reads and writes every word twice (4 * n * cols * 4 bytes of HBM
 * traffic, or less where a column's pass-1 output is still in L2); effective bandwidth in
 * bench_gpu counts one read and one write.
 */
#include "device/cuda/cuda_common.cuh"
#include "poly/ntt.h"
#include "poly/ntt_pass.h"

#define NTT_MAX_THREADS 512

__global__ void k_ntt_tab(bb31 *tab, bb31 root) {
    unsigned idx = blockIdx.x * blockDim.x + threadIdx.x;
    if (idx < SWIRL_NTT_TAB_WORDS)
        tab[idx] = swirl_ntt_tab_entry(root, idx);
}

/* one register group over every unit of the tile (M is a compile-time constant so the unit's
 * 2^M values and 2^M - 1 twiddles stay in registers) */
template <unsigned M, bool DIT>
__device__ __forceinline__ void ntt_group(bb31 *sh, const swirl_ntt_tile &g,
                                          const swirl_ntt_block &b, unsigned g0,
                                          const bb31 *__restrict__ tab) {
    const unsigned units = swirl_ntt_tile_elems(&g) >> M;
    for (unsigned u = threadIdx.x; u < units; u += blockDim.x)
        swirl_ntt_unit(sh, M, DIT, &g, &b, g0, u, tab);
}

template <bool DIT>
__global__ void __launch_bounds__(NTT_MAX_THREADS, 2)
    k_ntt_pass(bb31 *data, swirl_ntt_tile g, const bb31 *__restrict__ tab, int vec) {
    extern __shared__ bb31 sh[];
    const swirl_ntt_block b = swirl_ntt_block_at(&g, blockIdx.x);
    const unsigned E = swirl_ntt_tile_elems(&g);
    /* load: a quad is 4 consecutive words of global memory (see swirl_ntt_quad_at) */
    if (vec) {
        for (unsigned f = threadIdx.x; f < (E >> 2); f += blockDim.x) {
            unsigned t, y;
            swirl_ntt_quad_at(&g, f, &t, &y);
            if (!swirl_ntt_col_ok(&g, &b, y))
                continue;
            const uint4 w = __ldg((const uint4 *)(data + swirl_ntt_elem_off(&g, &b, t, y)));
            const unsigned dt = g.lo ? 0 : 1, dy = g.lo ? 1 : 0;
            sh[swirl_ntt_sh(&g, swirl_ntt_tile_index(&g, t, y))].v = w.x;
            sh[swirl_ntt_sh(&g, swirl_ntt_tile_index(&g, t + dt, y + dy))].v = w.y;
            sh[swirl_ntt_sh(&g, swirl_ntt_tile_index(&g, t + 2 * dt, y + 2 * dy))].v = w.z;
            sh[swirl_ntt_sh(&g, swirl_ntt_tile_index(&g, t + 3 * dt, y + 3 * dy))].v = w.w;
        }
    } else {
        for (unsigned f = threadIdx.x; f < E; f += blockDim.x) {
            unsigned t, y; /* consecutive threads, consecutive addresses */
            swirl_ntt_elem_at(&g, f, &t, &y);
            if (swirl_ntt_col_ok(&g, &b, y))
                sh[swirl_ntt_sh(&g, swirl_ntt_tile_index(&g, t, y))] =
                    data[swirl_ntt_elem_off(&g, &b, t, y)];
        }
    }
    __syncthreads();
    const unsigned ng = swirl_ntt_ngroups(&g);
    for (unsigned gi = 0; gi < ng; gi++) {
        unsigned g0, M;
        swirl_ntt_group_at(&g, DIT, gi, &g0, &M);
        switch (M) {
        case 1: ntt_group<1, DIT>(sh, g, b, g0, tab); break;
        case 2: ntt_group<2, DIT>(sh, g, b, g0, tab); break;
        case 3: ntt_group<3, DIT>(sh, g, b, g0, tab); break;
        default: ntt_group<4, DIT>(sh, g, b, g0, tab); break;
        }
        __syncthreads();
    }
    if (vec) {
        for (unsigned f = threadIdx.x; f < (E >> 2); f += blockDim.x) {
            unsigned t, y;
            swirl_ntt_quad_at(&g, f, &t, &y);
            if (!swirl_ntt_col_ok(&g, &b, y))
                continue;
            const unsigned dt = g.lo ? 0 : 1, dy = g.lo ? 1 : 0;
            uint4 w;
            w.x = sh[swirl_ntt_sh(&g, swirl_ntt_tile_index(&g, t, y))].v;
            w.y = sh[swirl_ntt_sh(&g, swirl_ntt_tile_index(&g, t + dt, y + dy))].v;
            w.z = sh[swirl_ntt_sh(&g, swirl_ntt_tile_index(&g, t + 2 * dt, y + 2 * dy))].v;
            w.w = sh[swirl_ntt_sh(&g, swirl_ntt_tile_index(&g, t + 3 * dt, y + 3 * dy))].v;
            *(uint4 *)(data + swirl_ntt_elem_off(&g, &b, t, y)) = w;
        }
    } else {
        for (unsigned f = threadIdx.x; f < E; f += blockDim.x) {
            unsigned t, y;
            swirl_ntt_elem_at(&g, f, &t, &y);
            if (swirl_ntt_col_ok(&g, &b, y))
                data[swirl_ntt_elem_off(&g, &b, t, y)] =
                    sh[swirl_ntt_sh(&g, swirl_ntt_tile_index(&g, t, y))];
        }
    }
}

__device__ __forceinline__ size_t ntt_brev(size_t i, unsigned log_n) {
    return (size_t)(__brevll((unsigned long long)i) >> (64 - log_n));
}

__global__ void k_bit_reverse(bb31 *data, size_t col_stride, unsigned log_n, size_t n,
                              size_t ncols) {
    size_t idx = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= n * ncols)
        return;
    size_t c = idx / n, i = idx % n, j = ntt_brev(i, log_n);
    if (i < j) {
        bb31 *a = data + c * col_stride;
        bb31 t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}

/* a[p] *= scale * shift^(coefficient index stored at p) */
__global__ void k_ntt_scale(bb31 *data, size_t col_stride, unsigned log_n, size_t n, size_t ncols,
                            bb31 shift, bb31 scale, int bitrev_positions) {
    size_t idx = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= n * ncols)
        return;
    size_t c = idx / n, p = idx % n;
    size_t e = bitrev_positions ? ntt_brev(p, log_n) : p;
    bb31 *a = data + c * col_stride;
    a[p] = bb31_mul(a[p], bb31_mul(scale, bb31_pow(shift, e)));
}

extern "C" size_t swirl_cuda_ntt_scratch_bytes(unsigned log_n) {
    return log_n == 0 ? 0 : SWIRL_NTT_TAB_WORDS * sizeof(bb31);
}

/* Enqueues the core transform (no scaling): DIT if the input is bit-reversed, else DIF. */
static enum swirl_status ntt_core(swirl_cuda_ctx *ctx, bb31 *d, unsigned log_n, size_t ncols,
                                  size_t col_stride, const bb31 *tab, int dit) {
    static int smem_opted_in; /* idempotent: a race only repeats the call */
    if (!smem_opted_in) {
        const int bytes = (int)((SWIRL_NTT_MAX_TILE + (SWIRL_NTT_MAX_TILE >> 4) + 1) * sizeof(bb31));
        SWIRL_CUDA_TRY(ctx, cudaFuncSetAttribute(k_ntt_pass<true>,
                                                 cudaFuncAttributeMaxDynamicSharedMemorySize, bytes));
        SWIRL_CUDA_TRY(ctx, cudaFuncSetAttribute(k_ntt_pass<false>,
                                                 cudaFuncAttributeMaxDynamicSharedMemorySize, bytes));
        smem_opted_in = 1;
    }
    swirl_ntt_plan pl;
    swirl_ntt_plan_init(&pl, log_n, ncols);
    /* 16-byte accesses need 16-byte aligned column starts */
    const int aligned = ((uintptr_t)d % 16) == 0 && col_stride % 4 == 0;
    for (unsigned pi = 0; pi < pl.np; pi++) {
        const swirl_ntt_pass *p = &pl.pass[dit ? pi : pl.np - 1 - pi];
        swirl_ntt_tile g;
        swirl_ntt_tile_init(&g, log_n, p, ncols, col_stride);
        const size_t blocks = swirl_ntt_tile_blocks(&g);
        if (blocks > 0x7fffffffu)
            return SWIRL_RAISE(SWIRL_E_UNSUPPORTED, "NTT batch too large for one launch");
        unsigned threads = swirl_ntt_tile_elems(&g) >> SWIRL_NTT_GROUP;
        threads = threads < 32 ? 32 : threads > NTT_MAX_THREADS ? NTT_MAX_THREADS : threads;
        const size_t smem = swirl_ntt_tile_smem_words(&g) * sizeof(bb31);
        const int vec = aligned && swirl_ntt_vec_ok(&g);
        if (dit)
            SWIRL_LAUNCH(ctx, k_ntt_pass<true>, (unsigned)blocks, threads, smem, d, g, tab, vec);
        else
            SWIRL_LAUNCH(ctx, k_ntt_pass<false>, (unsigned)blocks, threads, smem, d, g, tab, vec);
    }
    return SWIRL_OK;
}

extern "C" enum swirl_status swirl_cuda_ntt(swirl_cuda_ctx *ctx, bb31 *d_data, unsigned log_n,
                                            size_t ncols, size_t col_stride, bb31 shift,
                                            unsigned flags, int inverse) {
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
    bb31 *tab;
    SWIRL_TRY(swirl_cuda_alloc(ctx, (void **)&tab, swirl_cuda_ntt_scratch_bytes(log_n)));
    SWIRL_LAUNCH(ctx, k_ntt_tab, swirl_cuda_blocks(SWIRL_NTT_TAB_WORDS, 256), 256, 0, tab, root);
    size_t total = n * ncols;
    if (!inverse && !trivial)
        SWIRL_LAUNCH(ctx, k_ntt_scale, swirl_cuda_blocks(total, 256), 256, 0, d_data, col_stride,
                     log_n, n, ncols, shift, scale, in_br);
    SWIRL_TRY(ntt_core(ctx, d_data, log_n, ncols, col_stride, tab, in_br));
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
