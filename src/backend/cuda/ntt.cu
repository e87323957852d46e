/*
 * Batched radix-2 NTT on the GPU (semantics of poly/ntt.h, same butterflies and twiddles as the
 * CPU code, so results are bit-identical).
 *
 * A transform is a few passes; each pass runs k consecutive butterfly stages (index bits
 * [lo, lo + k)) inside shared memory. A block loads a tile of 2^k x TW elements: 2^k values of the
 * bits being processed times TW consecutive positions of the bits below lo (TW = 32 once lo >= 5,
 * so a warp reads 128 contiguous bytes; TW = 1 when lo = 0, where the 2^k values are contiguous).
 * Tiles hold at most 4096 elements (16 KiB). DIT (bit-reversed in, natural out) runs the bits
 * upward, DIF (natural in, bit-reversed out) downward. For 2^22 that is 3 passes: each element is
 * read and written 3 times, plus the twiddle reads.
 *
 * Twiddles: tw[j] = root^j for j < n/2, computed on the device per call (no host sync).
 */
#include "backend/cuda/cuda_common.cuh"
#include "poly/ntt.h"

#define NTT_THREADS 256
#define NTT_TILE_LOG 12

__global__ void k_ntt_twiddles(bb31 *tw, bb31 root, size_t half) {
    size_t j = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (j < half)
        tw[j] = bb31_pow(root, j);
}

/* One pass over bits [lo, lo + k) of every column. dit != 0: ascending stages (Cooley-Tukey),
 * else descending (Gentleman-Sande). */
__global__ void k_ntt_pass(bb31 *data, size_t col_stride, unsigned log_n, unsigned lo, unsigned k,
                           unsigned log_tw, const bb31 *__restrict__ tw, int dit,
                           size_t groups_per_col) {
    extern __shared__ bb31 sh[];
    const size_t g = blockIdx.x % groups_per_col;
    const size_t col = blockIdx.x / groups_per_col;
    bb31 *a = data + col * col_stride;
    const unsigned TW = 1u << log_tw;
    const size_t lowgroups = (size_t)1 << (lo - log_tw);
    const size_t hi = g / lowgroups, lowgrp = g % lowgroups;
    const size_t base = (hi << (lo + k)) + lowgrp * TW;
    const unsigned E = (1u << k) << log_tw;

    for (unsigned f = threadIdx.x; f < E; f += blockDim.x) {
        unsigned x = f & (TW - 1), t = f >> log_tw;
        sh[f] = a[base + ((size_t)t << lo) + x];
    }
    __syncthreads();
    for (unsigned s = 0; s < k; s++) {
        unsigned r = dit ? s : k - 1 - s;
        unsigned b = lo + r;
        for (unsigned q = threadIdx.x; q < E / 2; q += blockDim.x) {
            unsigned x = q & (TW - 1), pt = q >> log_tw;
            unsigned t0 = ((pt >> r) << (r + 1)) | (pt & ((1u << r) - 1));
            unsigned t1 = t0 | (1u << r);
            size_t j = ((size_t)(t0 & ((1u << r) - 1)) << lo) + lowgrp * TW + x;
            bb31 w = tw[j << (log_n - b - 1)];
            bb31 u = sh[(t0 << log_tw) + x], v = sh[(t1 << log_tw) + x];
            if (dit) {
                v = bb31_mul(v, w);
                sh[(t0 << log_tw) + x] = bb31_add(u, v);
                sh[(t1 << log_tw) + x] = bb31_sub(u, v);
            } else {
                sh[(t0 << log_tw) + x] = bb31_add(u, v);
                sh[(t1 << log_tw) + x] = bb31_mul(bb31_sub(u, v), w);
            }
        }
        __syncthreads();
    }
    for (unsigned f = threadIdx.x; f < E; f += blockDim.x) {
        unsigned x = f & (TW - 1), t = f >> log_tw;
        a[base + ((size_t)t << lo) + x] = sh[f];
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
    /* pass list in ascending bit order */
    unsigned los[8], ks[8], np = 0;
    unsigned first = log_n < NTT_TILE_LOG ? log_n : NTT_TILE_LOG;
    los[np] = 0;
    ks[np++] = first;
    for (unsigned lo = first; lo < log_n;) {
        unsigned k = log_n - lo < NTT_TILE_LOG - 5 ? log_n - lo : NTT_TILE_LOG - 5;
        los[np] = lo;
        ks[np++] = k;
        lo += k;
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
        unsigned threads = E / 2 < NTT_THREADS ? (unsigned)(E / 2 ? E / 2 : 1) : NTT_THREADS;
        SWIRL_LAUNCH(ctx, k_ntt_pass, (unsigned)blocks, threads, E * sizeof(bb31), d, col_stride,
                     log_n, lo, k, log_tw, tw, dit, groups);
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
    SWIRL_TRY(swirl_cuda_alloc(ctx, (void **)&tw, (n / 2) * sizeof(bb31)));
    SWIRL_LAUNCH(ctx, k_ntt_twiddles, swirl_cuda_blocks(n / 2, 256), 256, 0, tw, root, n / 2);
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
