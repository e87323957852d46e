/*
 * Batched radix-2 NTT on the GPU (semantics of poly/ntt.h; the same butterflies and twiddles as
 * the CPU code, so results are bit-identical).
 *
 * A transform is a few passes; each pass runs k consecutive butterfly stages (index bits
 * [lo, lo + k)) on a tile held in shared memory: 2^k values of the bits being processed times TW
 * consecutive positions of the bits below lo (TW = 32 once lo > 0, so a warp moves 128 contiguous
 * bytes; TW = 1 when lo = 0, where the 2^k values are contiguous). Tiles hold 4096 elements
 * (16 KiB). Inside a pass the k stages go in groups of up to 4: each thread takes the 16 (or fewer)
 * tile elements that differ only in the group's bits into registers, runs the group's stages there
 * and writes them back, so a pass makes ceil(k/4) shared-memory round trips and barriers instead
 * of k. DIT (bit-reversed in, natural out) runs the bits upward, DIF (natural in, bit-reversed
 * out) downward. For 2^22: passes of 12, 7 and 3 bits.
 *
 * Twiddles: a stage-major table (as on the CPU): the stage of half-width 2^b reads
 * tw[2^b - 1 + j] = root^(j * n / 2^(b+1)), j < 2^b; consecutive threads read consecutive j.
 * Computed on the device per call (n - 1 elements, no host sync).
 */
#include "device/cuda/cuda_common.cuh"
#include "poly/ntt.h"

#define NTT_TILE_LOG 12
#define NTT_TILE (1u << NTT_TILE_LOG)
#define NTT_GROUP 4 /* stages per register round trip */
#define NTT_THREADS (NTT_TILE >> NTT_GROUP)
#define SH(i) ((i) + ((i) >> 5))

/* entry (2^b - 1 + j) = root^(j << (log_n - 1 - b)) */
__global__ void k_ntt_twiddles(bb31 *tw, bb31 root, unsigned log_n) {
    size_t idx = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    size_t n = (size_t)1 << log_n;
    if (idx >= n - 1)
        return;
    unsigned b = 63 - __clzll((unsigned long long)(idx + 1)); /* 2^b - 1 <= idx < 2^(b+1) - 1 */
    size_t j = idx + 1 - ((size_t)1 << b);
    tw[idx] = bb31_pow(root, j << (log_n - 1 - b));
}

/* One register group: the stages of tile bits [g0, g0 + M) (DIT upward, DIF downward) on the
 * 2^M elements of each "other" index, held in registers (compile-time indices keep them there). */
template <unsigned M, bool DIT>
__device__ __forceinline__ void ntt_group(bb31 *sh, unsigned E, unsigned log_tw, unsigned g0,
                                          unsigned lo, unsigned low_off, const bb31 *__restrict__ tw) {
    const unsigned TW = 1u << log_tw;
    for (unsigned u = threadIdx.x; u < (E >> M); u += blockDim.x) {
        unsigned x = u & (TW - 1), rest = u >> log_tw;
        unsigned tb = ((rest >> g0) << (g0 + M)) | (rest & ((1u << g0) - 1));
        bb31 v[1 << M];
#pragma unroll
        for (unsigned e = 0; e < (1u << M); e++)
            v[e] = sh[SH(((tb | (e << g0)) << log_tw) + x)];
#pragma unroll
        for (unsigned qi = 0; qi < M; qi++) {
            const unsigned q = DIT ? qi : M - 1 - qi;
            const unsigned b = lo + g0 + q; /* global bit of this stage */
            const bb31 *twb = tw + ((1u << b) - 1u); /* n <= 2^27: 32-bit offsets suffice */
#pragma unroll
            for (unsigned e = 0; e < (1u << (M - 1)); e++) {
                const unsigned e0 = ((e >> q) << (q + 1)) | (e & ((1u << q) - 1));
                const unsigned e1 = e0 | (1u << q);
                unsigned t0 = tb | (e0 << g0);
                unsigned j = ((t0 & ((1u << (g0 + q)) - 1)) << lo) + low_off + x;
                bb31 w = twb[j];
                bb31 p0 = v[e0], p1 = v[e1];
                if (DIT) {
                    p1 = bb31_mul(p1, w);
                    v[e0] = bb31_add(p0, p1);
                    v[e1] = bb31_sub(p0, p1);
                } else {
                    v[e0] = bb31_add(p0, p1);
                    v[e1] = bb31_mul(bb31_sub(p0, p1), w);
                }
            }
        }
#pragma unroll
        for (unsigned e = 0; e < (1u << M); e++)
            sh[SH(((tb | (e << g0)) << log_tw) + x)] = v[e];
    }
}

/* One pass over bits [lo, lo + k) of every column (see the file comment). */
__global__ void __launch_bounds__(NTT_THREADS) k_ntt_pass(bb31 *data, size_t col_stride,
                                                          unsigned lo, unsigned k, unsigned log_tw,
                                                          const bb31 *__restrict__ tw, int dit,
                                                          size_t groups_per_col) {
    /* one pad word per 32 (SH) keeps the 16-element register groups of the first pass from
     * hitting the same shared-memory banks */
    __shared__ bb31 sh[NTT_TILE + NTT_TILE / 32];
    const unsigned gpc = (unsigned)groups_per_col;
    const unsigned g = blockIdx.x % gpc;
    const unsigned col = blockIdx.x / gpc;
    bb31 *a = data + (size_t)col * col_stride;
    const unsigned TW = 1u << log_tw;
    /* within a column every index is below 2^27: 32-bit index math */
    const unsigned lowgroups = 1u << (lo - log_tw);
    const unsigned hi = g / lowgroups, lowgrp = g % lowgroups;
    const unsigned base = (hi << (lo + k)) + lowgrp * TW;
    const unsigned E = (1u << k) << log_tw;
    const unsigned low_off = lowgrp * TW;

    for (unsigned f = threadIdx.x; f < E; f += blockDim.x) {
        unsigned x = f & (TW - 1), t = f >> log_tw;
        sh[SH(f)] = a[base + (t << lo) + x];
    }
    __syncthreads();
    const unsigned ngroups = (k + NTT_GROUP - 1) / NTT_GROUP;
    for (unsigned gi = 0; gi < ngroups; gi++) {
        unsigned grp = dit ? gi : ngroups - 1 - gi;
        unsigned g0 = grp * NTT_GROUP;
        unsigned m = k - g0 < NTT_GROUP ? k - g0 : NTT_GROUP;
        switch ((m << 1) | (dit ? 1u : 0u)) {
        case (1 << 1) | 0: ntt_group<1, false>(sh, E, log_tw, g0, lo, low_off, tw); break;
        case (1 << 1) | 1: ntt_group<1, true>(sh, E, log_tw, g0, lo, low_off, tw); break;
        case (2 << 1) | 0: ntt_group<2, false>(sh, E, log_tw, g0, lo, low_off, tw); break;
        case (2 << 1) | 1: ntt_group<2, true>(sh, E, log_tw, g0, lo, low_off, tw); break;
        case (3 << 1) | 0: ntt_group<3, false>(sh, E, log_tw, g0, lo, low_off, tw); break;
        case (3 << 1) | 1: ntt_group<3, true>(sh, E, log_tw, g0, lo, low_off, tw); break;
        case (4 << 1) | 0: ntt_group<4, false>(sh, E, log_tw, g0, lo, low_off, tw); break;
        default: ntt_group<4, true>(sh, E, log_tw, g0, lo, low_off, tw); break;
        }
        __syncthreads();
    }
    for (unsigned f = threadIdx.x; f < E; f += blockDim.x) {
        unsigned x = f & (TW - 1), t = f >> log_tw;
        a[base + (t << lo) + x] = sh[SH(f)];
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

/* Enqueues the core transform (no scaling): DIT if the input is bit-reversed, else DIF. */
static enum swirl_status ntt_core(swirl_cuda_ctx *ctx, bb31 *d, unsigned log_n, size_t ncols,
                                  size_t col_stride, const bb31 *tw, int dit) {
    /* pass list in ascending bit order: up to 12 bits first (contiguous tile), then the rest split
     * evenly into passes of at most 7 bits (no nearly empty pass) */
    unsigned los[8], ks[8], np = 0;
    unsigned first = log_n < NTT_TILE_LOG ? log_n : NTT_TILE_LOG;
    los[np] = 0;
    ks[np++] = first;
    unsigned rest = log_n - first, max_k = NTT_TILE_LOG - 5;
    unsigned nrest = (rest + max_k - 1) / max_k;
    for (unsigned lo = first; nrest > 0; nrest--) {
        unsigned k = (rest + nrest - 1) / nrest; /* ceil(rest / nrest) */
        los[np] = lo;
        ks[np++] = k;
        lo += k;
        rest -= k;
    }
    for (unsigned pi = 0; pi < np; pi++) {
        unsigned p = dit ? pi : np - 1 - pi;
        unsigned lo = los[p], k = ks[p];
        unsigned log_tw = lo == 0 ? 0 : 5;
        size_t E = ((size_t)1 << k) << log_tw;
        size_t groups = ((size_t)1 << log_n) / E;
        size_t blocks = groups * ncols;
        if (blocks > 0x7fffffffu)
            return SWIRL_RAISE(SWIRL_E_UNSUPPORTED, "NTT batch too large for one launch");
        (void)E;
        SWIRL_LAUNCH(ctx, k_ntt_pass, (unsigned)blocks, NTT_THREADS, 0, d, col_stride, lo, k,
                     log_tw, tw, dit, groups);
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
    bb31 *tw;
    SWIRL_TRY(swirl_cuda_alloc(ctx, (void **)&tw, (n - 1) * sizeof(bb31)));
    SWIRL_LAUNCH(ctx, k_ntt_twiddles, swirl_cuda_blocks(n - 1, 256), 256, 0, tw, root, log_n);
    size_t total = n * ncols;
    if (!inverse && !trivial)
        SWIRL_LAUNCH(ctx, k_ntt_scale, swirl_cuda_blocks(total, 256), 256, 0, d_data, col_stride,
                     log_n, n, ncols, shift, scale, in_br);
    SWIRL_TRY(ntt_core(ctx, d_data, log_n, ncols, col_stride, tw, in_br));
    if (in_br == out_br)
        SWIRL_LAUNCH(ctx, k_bit_reverse, swirl_cuda_blocks(total, 256), 256, 0, d_data, col_stride,
                     log_n, n, ncols);
    if (inverse && !trivial)
        SWIRL_LAUNCH(ctx, k_ntt_scale, swirl_cuda_blocks(total, 256), 256, 0, d_data, col_stride,
                     log_n, n, ncols, shift, scale, out_br);
    /* the twiddles are stream-ordered scratch: later work may reuse the space */
    ctx->arena_used = mark;
    return SWIRL_OK;
}
