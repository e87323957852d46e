/*
 * Radix-2 NTT over BabyBear (CPU reference; semantics in ntt.h).
 *
 * Algorithms: decimation in frequency (Gentleman-Sande) takes natural order to bit-reversed order,
 * decimation in time (Cooley-Tukey) takes bit-reversed to natural; the other two order combinations
 * add one bit-reversal pass. Both are blocked: the stages whose butterflies span more than
 * NTT_BLOCK elements run across the whole column, the rest run block by block so a block stays in
 * cache while all its small stages complete.
 *
 * Threads: many columns -> one column per thread; few columns -> threads split each stage. Every
 * butterfly computes the same bits either way, so results do not depend on the thread count.
 */
#include "util/alloc.h"
#include "poly/ntt.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

#define NTT_LOG_BLOCK 12 /* 4096 elements = 16 KiB per block */

/* AVX2 runs of butterflies: 8 consecutive j at a time (same arithmetic as the scalar code) */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include "field/bb31_avx2.h"
#define NTT_HAVE_AVX2 1
AVX2 static void dif_run_avx2(bb31 *x, bb31 *y, const bb31 *tw, size_t len) {
    for (size_t j = 0; j < len; j += 8) {
        __m256i u = _mm256_loadu_si256((const __m256i *)(x + j));
        __m256i v = _mm256_loadu_si256((const __m256i *)(y + j));
        __m256i w = _mm256_loadu_si256((const __m256i *)(tw + j));
        _mm256_storeu_si256((__m256i *)(x + j), v_add(u, v));
        _mm256_storeu_si256((__m256i *)(y + j), v_mul(v_sub(u, v), w));
    }
}
AVX2 static void dit_run_avx2(bb31 *x, bb31 *y, const bb31 *tw, size_t len) {
    for (size_t j = 0; j < len; j += 8) {
        __m256i u = _mm256_loadu_si256((const __m256i *)(x + j));
        __m256i v = v_mul(_mm256_loadu_si256((const __m256i *)(y + j)),
                          _mm256_loadu_si256((const __m256i *)(tw + j)));
        _mm256_storeu_si256((__m256i *)(x + j), v_add(u, v));
        _mm256_storeu_si256((__m256i *)(y + j), v_sub(u, v));
    }
}
#else
#define NTT_HAVE_AVX2 0
#endif

/* Stage-major twiddles: for every butterfly half-width len = 1, 2, 4, ..., n/2 the table holds
 * w_{2len}^j = root^(j * n / (2 len)) for j < len at offset len - 1 (n - 1 elements in all), so
 * every stage reads its twiddles contiguously. */
static bb31 *ntt_twiddles(bb31 root, size_t n) {
    bb31 *tw = swirl_malloc((n > 1 ? n - 1 : 1) * sizeof *tw);
    if (!tw)
        return NULL;
    /* the largest stage: powers of root; each smaller stage takes every other power */
    size_t half = n / 2;
    bb31 *top = tw + half - 1;
    bb31 x = bb31_one();
    for (size_t i = 0; i < half; i++) {
        top[i] = x;
        x = bb31_mul(x, root);
    }
    for (size_t len = half / 2; len >= 1; len /= 2) {
        bb31 *t = tw + len - 1, *up = tw + 2 * len - 1;
        for (size_t j = 0; j < len; j++)
            t[j] = up[2 * j];
    }
    return tw;
}

static size_t bitrev_idx(size_t i, unsigned log_n) {
    size_t r = 0;
    for (unsigned b = 0; b < log_n; b++) {
        r = (r << 1) | (i & 1);
        i >>= 1;
    }
    return r;
}

/* Bit-reversal permutation. Small sizes: a plain swap loop. Large sizes (log_n >= 2Q + 1): the index
 * splits as (hi, mid, lo) with Q-bit hi and lo, and rev(hi, mid, lo) = (rev lo, rev mid, rev hi); for
 * each pair (mid, rev mid) the two 2^Q x 2^Q tiles (rows of 2^Q contiguous elements) are read into
 * buffers and written back transposed and swapped, so every access touches whole cache lines. */
#define BR_Q 5
static void bitrev_col(bb31 *a, unsigned log_n) {
    size_t n = (size_t)1 << log_n;
    if (log_n < 2 * BR_Q + 1) {
        for (size_t i = 0; i < n; i++) {
            size_t j = bitrev_idx(i, log_n);
            if (i < j) {
                bb31 t = a[i];
                a[i] = a[j];
                a[j] = t;
            }
        }
        return;
    }
    const size_t Q = (size_t)1 << BR_Q;
    unsigned mbits = log_n - 2 * BR_Q;
    size_t M = (size_t)1 << mbits, row_stride = (size_t)1 << (BR_Q + mbits);
    size_t revq[1 << BR_Q];
    for (size_t i = 0; i < Q; i++)
        revq[i] = bitrev_idx(i, BR_Q);
    bb31 t1[1 << (2 * BR_Q)], t2[1 << (2 * BR_Q)];
    for (size_t m = 0; m < M; m++) {
        size_t rm = bitrev_idx(m, mbits);
        if (rm < m)
            continue;
        /* read tile m: t1[h][l] = a[h, m, l]; tile rm likewise */
        for (size_t h = 0; h < Q; h++) {
            memcpy(t1 + h * Q, a + h * row_stride + m * Q, Q * sizeof(bb31));
            memcpy(t2 + h * Q, a + h * row_stride + rm * Q, Q * sizeof(bb31));
        }
        /* a[rev l, rm, rev h] = t1[h][l] and a[rev l, m, rev h] = t2[h][l] */
        for (size_t l = 0; l < Q; l++) {
            bb31 *d1 = a + revq[l] * row_stride + rm * Q, *d2 = a + revq[l] * row_stride + m * Q;
            for (size_t h = 0; h < Q; h++) {
                d1[revq[h]] = t1[h * Q + l];
                d2[revq[h]] = t2[h * Q + l];
            }
        }
    }
}

/* `tw` is the stage's own table (w_{2len}^j, j < len). */
static void dif_stage(bb31 *a, size_t lo, size_t hi, size_t len, const bb31 *tw) {
#if NTT_HAVE_AVX2
    if (len >= 8 && bb31_avx2_enabled()) {
        for (size_t s = lo; s < hi; s += 2 * len)
            dif_run_avx2(a + s, a + s + len, tw, len);
        return;
    }
#endif
    for (size_t s = lo; s < hi; s += 2 * len)
        for (size_t j = 0; j < len; j++) {
            bb31 u = a[s + j], v = a[s + j + len];
            a[s + j] = bb31_add(u, v);
            a[s + j + len] = bb31_mul(bb31_sub(u, v), tw[j]);
        }
}

static void dit_stage(bb31 *a, size_t lo, size_t hi, size_t len, const bb31 *tw) {
#if NTT_HAVE_AVX2
    if (len >= 8 && bb31_avx2_enabled()) {
        for (size_t s = lo; s < hi; s += 2 * len)
            dit_run_avx2(a + s, a + s + len, tw, len);
        return;
    }
#endif
    for (size_t s = lo; s < hi; s += 2 * len)
        for (size_t j = 0; j < len; j++) {
            bb31 u = a[s + j], v = bb31_mul(a[s + j + len], tw[j]);
            a[s + j] = bb31_add(u, v);
            a[s + j + len] = bb31_sub(u, v);
        }
}

/* One stage whose butterflies span `len` >= a block, over the whole column. Threads split the
 * blocks when there are enough of them, else the butterflies inside each block. */
static void large_stage(bb31 *a, size_t n, size_t len, const bb31 *tw, int par, int dit) {
    size_t nb = n / (2 * len);
    tw += len - 1;
    if (!par || (long long)nb >= (long long)omp_get_max_threads()) {
#pragma omp parallel for schedule(static) if (par)
        for (long long b = 0; b < (long long)nb; b++) {
            size_t lo = 2 * (size_t)b * len;
            if (dit)
                dit_stage(a, lo, lo + 2 * len, len, tw);
            else
                dif_stage(a, lo, lo + 2 * len, len, tw);
        }
        return;
    }
    for (size_t b = 0; b < nb; b++) {
        bb31 *x = a + 2 * b * len;
#if NTT_HAVE_AVX2
        if (bb31_avx2_enabled()) { /* len >= block >= 8 here only when n >= 16; check anyway */
            size_t run = 4096 < len ? 4096 : len;
            if (run >= 8) {
#pragma omp parallel for schedule(static)
                for (long long c = 0; c < (long long)(len / run); c++) {
                    size_t j0 = (size_t)c * run;
                    if (dit)
                        dit_run_avx2(x + j0, x + len + j0, tw + j0, run);
                    else
                        dif_run_avx2(x + j0, x + len + j0, tw + j0, run);
                }
                continue;
            }
        }
#endif
#pragma omp parallel for schedule(static)
        for (long long jj = 0; jj < (long long)len; jj++) {
            size_t j = (size_t)jj;
            bb31 u = x[j], v = x[j + len];
            if (dit) {
                v = bb31_mul(v, tw[j]);
                x[j] = bb31_add(u, v);
                x[j + len] = bb31_sub(u, v);
            } else {
                x[j] = bb31_add(u, v);
                x[j + len] = bb31_mul(bb31_sub(u, v), tw[j]);
            }
        }
    }
}

/* DIF over one column; `par` splits each stage over threads (caller is outside a parallel region). */
static void dif_col(bb31 *a, unsigned log_n, const bb31 *tw, int par) {
    size_t n = (size_t)1 << log_n;
    size_t block = (size_t)1 << (log_n < NTT_LOG_BLOCK ? log_n : NTT_LOG_BLOCK);
    /* large stages: butterflies wider than a block */
    for (size_t len = n / 2; len >= block; len /= 2)
        large_stage(a, n, len, tw, par, 0);
    /* small stages, block by block */
    long long nblocks = (long long)(n / block);
#pragma omp parallel for schedule(static) if (par)
    for (long long b = 0; b < nblocks; b++) {
        size_t lo = (size_t)b * block;
        for (size_t len = block / 2; len >= 1; len /= 2)
            dif_stage(a, lo, lo + block, len, tw + len - 1);
    }
}

static void dit_col(bb31 *a, unsigned log_n, const bb31 *tw, int par) {
    size_t n = (size_t)1 << log_n;
    size_t block = (size_t)1 << (log_n < NTT_LOG_BLOCK ? log_n : NTT_LOG_BLOCK);
    long long nblocks = (long long)(n / block);
#pragma omp parallel for schedule(static) if (par)
    for (long long b = 0; b < nblocks; b++) {
        size_t lo = (size_t)b * block;
        for (size_t len = 1; len < block; len *= 2)
            dit_stage(a, lo, lo + block, len, tw + len - 1);
    }
    for (size_t len = block; len < n; len *= 2)
        large_stage(a, n, len, tw, par, 1);
}

/* a[p] *= scale * shift^(index of the coefficient stored at p) */
static void scale_col(bb31 *a, unsigned log_n, bb31 shift, bb31 scale, int bitrev_positions,
                      int par) {
    size_t n = (size_t)1 << log_n;
    if (!bitrev_positions) {
        /* chunked powers so threads agree on the bits: x^i computed as x^(chunk start) * x^k */
        size_t chunk = 1024;
        long long nch = (long long)((n + chunk - 1) / chunk);
#pragma omp parallel for schedule(static) if (par)
        for (long long c = 0; c < nch; c++) {
            size_t lo = (size_t)c * chunk, hi = lo + chunk < n ? lo + chunk : n;
            bb31 x = bb31_mul(scale, bb31_pow(shift, lo));
            for (size_t i = lo; i < hi; i++) {
                a[i] = bb31_mul(a[i], x);
                x = bb31_mul(x, shift);
            }
        }
    } else {
#pragma omp parallel for schedule(static) if (par)
        for (long long p = 0; p < (long long)n; p++)
            a[p] = bb31_mul(a[p], bb31_mul(scale, bb31_pow(shift, bitrev_idx((size_t)p, log_n))));
    }
}

static enum swirl_status ntt_check(const bb31 *data, unsigned log_n, size_t ncols,
                                   size_t col_stride) {
    if (ncols == 0)
        return SWIRL_OK;
    SWIRL_ARG_CHECK(data != NULL);
    if (log_n > BB31_TWO_ADICITY)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "NTT size 2^%u exceeds the two-adicity 2^27", log_n);
    size_t n = (size_t)1 << log_n, total;
    if (col_stride < n)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "NTT column stride %zu < size %zu", col_stride, n);
    if (!swirl_mul_size(ncols - 1, col_stride, &total) || !swirl_add_size(total, n, &total) ||
        total > SIZE_MAX / sizeof(bb31))
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "NTT batch of %zu columns overflows", ncols);
    return SWIRL_OK;
}

enum ntt_alg { NTT_DIF, NTT_DIT };

/* Runs the transform core on every column: pre-permutation, the DIF/DIT core, post-permutation,
 * with optional scaling before (forward) or after (inverse). */
static enum swirl_status ntt_run(bb31 *data, unsigned log_n, size_t ncols, size_t col_stride,
                                 bb31 root, unsigned flags, int forward, bb31 shift, bb31 scale) {
    size_t n = (size_t)1 << log_n;
    int in_br = (flags & SWIRL_NTT_IN_BITREV) != 0, out_br = (flags & SWIRL_NTT_OUT_BITREV) != 0;
    bb31 *tw = ntt_twiddles(root, n);
    if (!tw)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "NTT: out of memory for twiddles (2^%u)", log_n);
    int trivial_scale = bb31_eq(shift, bb31_one()) && bb31_eq(scale, bb31_one());
    int per_col_par = (long long)ncols < (long long)omp_get_max_threads() && n >= 4096;
    long long nc = (long long)ncols;
#pragma omp parallel for schedule(dynamic, 1) if (!per_col_par && ncols > 1)
    for (long long c = 0; c < nc; c++) {
        bb31 *a = data + (size_t)c * col_stride;
        int par = per_col_par;
        /* forward: coset/scale applies to coefficients, i.e. to the input */
        if (forward && !trivial_scale)
            scale_col(a, log_n, shift, scale, in_br, par);
        /* pick the core that matches the input order */
        int br_now = in_br;
        if (!br_now) {
            dif_col(a, log_n, tw, par); /* natural -> bitrev */
            br_now = 1;
        } else {
            dit_col(a, log_n, tw, par); /* bitrev -> natural */
            br_now = 0;
        }
        if (br_now != out_br)
            bitrev_col(a, log_n);
        if (!forward && !trivial_scale)
            scale_col(a, log_n, shift, scale, out_br, par);
    }
    free(tw);
    return SWIRL_OK;
}

enum swirl_status swirl_ntt_forward(bb31 *data, unsigned log_n, size_t ncols, size_t col_stride,
                                    bb31 shift, unsigned flags) {
    SWIRL_TRY(ntt_check(data, log_n, ncols, col_stride));
    if (ncols == 0 || log_n == 0)
        return SWIRL_OK; /* size 1: the single coefficient is the single evaluation */
    bb31 root;
    SWIRL_TRY(bb31_two_adic_generator(&root, log_n));
    return ntt_run(data, log_n, ncols, col_stride, root, flags, 1, shift, bb31_one());
}

enum swirl_status swirl_ntt_inverse(bb31 *data, unsigned log_n, size_t ncols, size_t col_stride,
                                    bb31 shift, unsigned flags) {
    SWIRL_TRY(ntt_check(data, log_n, ncols, col_stride));
    if (ncols == 0 || log_n == 0)
        return SWIRL_OK;
    if (bb31_is_zero(shift))
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "inverse NTT: coset shift must be non-zero");
    bb31 root;
    SWIRL_TRY(bb31_two_adic_generator(&root, log_n));
    bb31 n_inv = bb31_inv(bb31_from_u32((uint32_t)1 << log_n));
    return ntt_run(data, log_n, ncols, col_stride, bb31_inv(root), flags, 0, bb31_inv(shift), n_inv);
}

enum swirl_status swirl_bit_reverse(bb31 *data, unsigned log_n, size_t ncols, size_t col_stride) {
    SWIRL_TRY(ntt_check(data, log_n, ncols, col_stride));
#pragma omp parallel for schedule(static) if (ncols > 1)
    for (long long c = 0; c < (long long)ncols; c++)
        bitrev_col(data + (size_t)c * col_stride, log_n);
    return SWIRL_OK;
}

enum swirl_status swirl_ntt_inverse_chunks(bb31 *data, unsigned log_chunk, size_t nchunks) {
    if (nchunks == 0 || log_chunk == 0)
        return SWIRL_OK;
    SWIRL_ARG_CHECK(data != NULL);
    if (log_chunk > 12)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "chunked inverse NTT: chunk 2^%u too large", log_chunk);
    size_t n = (size_t)1 << log_chunk;
    bb31 root;
    SWIRL_TRY(bb31_two_adic_generator(&root, log_chunk));
    bb31 *tw = ntt_twiddles(bb31_inv(root), n);
    uint32_t *rev = swirl_malloc(n * sizeof *rev);
    if (!tw || !rev) {
        free(tw);
        free(rev);
        return SWIRL_RAISE(SWIRL_E_NOMEM, "chunked inverse NTT: out of memory");
    }
    for (size_t i = 0; i < n; i++)
        rev[i] = (uint32_t)bitrev_idx(i, log_chunk);
    bb31 ninv = bb31_inv(bb31_from_u32((uint32_t)n));
#pragma omp parallel
    {
        bb31 buf[4096];
#pragma omp for schedule(static)
        for (long long c = 0; c < (long long)nchunks; c++) {
            bb31 *a = data + (size_t)c * n;
            for (size_t i = 0; i < n; i++)
                buf[rev[i]] = a[i];
            for (size_t len = 1; len < n; len *= 2)
                dit_stage(buf, 0, n, len, tw + len - 1);
            for (size_t i = 0; i < n; i++)
                a[i] = bb31_mul(buf[i], ninv);
        }
    }
    free(tw);
    free(rev);
    return SWIRL_OK;
}
