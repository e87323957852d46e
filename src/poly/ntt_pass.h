/*
 * The GPU NTT's pass decomposition (device/cuda/ntt.cu) as SWIRL_HD functions, so the kernels and
 * a host emulation (tests/test_ntt_pass.c) run the same index, twiddle and field-word math; the
 * emulation is checked against poly/ntt.c without a GPU.
 *
 * Transform: poly/ntt.c's DIT (bit-reversed in, natural out) or DIF (natural in, bit-reversed
 * out) of size 2^n with root `root`, split four-step style. The index bits of a column are cut
 * into at most 3 passes [lo, lo + k) (plan below). A pass alone is a plain 2^k-point DFT along its
 * bits (DIT: radix-2 stages upward, bit-reversed in; DIF: downward, bit-reversed out) with FIXED
 * twiddles, the same for every tile and pass: stage s pairs rows t and t + 2^s with
 * w_{2^(s+1)}^(t mod 2^s), w_{2^(s+1)} = root^(2^(n-s-1)). Between a pass and the pass above it
 * every element is multiplied once by the twist
 *     rho^t,  rho = root^(rev(hi) << lo)
 * with t the element's row in the lower pass, hi its position bits above that pass and rev the
 * bit reversal over their n - lo - k bits. (Two passes, DIT: X[k1 + 2^a k2] = sum_j2
 * w_{2^b}^(j2 k2) [w_n^(j2 k1) sum_j1 x[j2 + 2^b j1] w_{2^a}^(j1 k1)] with a, b the passes' widths;
 * the inner sums are the lower pass, w_n^(j2 k1) the twist, stored at row k1 below rev(j2). DIF is
 * the transpose, three passes the same split applied to the upper part.) DIT runs the lower pass
 * first and twists at its end, DIF twists at its start. Outputs equal poly/ntt.c's word for word:
 * the arithmetic is exact and the last step makes the words canonical.
 *
 * Tiles: one pass is one kernel launch; each block moves one tile through shared memory: 2^k rows
 * t (the pass's bits) times Y = 2^yl "other" positions y, runs the k stages in register groups of
 * up to 4 (a unit = the 2^M tile elements that differ in the group's bits), and writes it back:
 *  - contiguous pass (lo = 0): y is a column (several short columns share a tile when n <= 12),
 *    element (t, y) is at column y, row base + t; tile index s = (y << k) | t. A twisting
 *    contiguous pass with yl > 0 is "chunked" (swirl_ntt_plan_chunk): y is one of Y consecutive
 *    2^k-word chunks of one column, element (t, y) at base + (y << k) + t (so the tile is 2^(k+yl)
 *    consecutive words), and each chunk has its own twist (its hi is the block's plus y).
 *  - strided pass (lo > 0): y is a run of Y consecutive low positions (Y = 8, or 4 when k = 12, so
 *    a row of the tile is one or two 16-byte loads), element (t, y) at base + (t << lo) + y;
 *    s = (t << yl) | y.
 *
 * Words: inside a pass the values are lazy Montgomery words in [0, 2p) (2p < 2^32). A butterfly
 * multiplies by a table twiddle with Shoup's method (w plain and wq = floor(w 2^32 / p): 3 IMADs,
 * any 32-bit input, result in [0, 2p)), makes both addends canonical (one min each) and leaves
 * its sum and difference lazy: 7 integer instructions on the device, 4 with twiddle 1 (2 in a
 * pass's first stage, whose inputs are canonical). The twist is one lazy Montgomery multiplication
 * by rho^t per element (per unit: one table power rho^tl, then a running Shoup product by the
 * block's rho^(2^g0)). Global loads are canonical; the pass's last group makes its words canonical.
 *
 * Device cost per element (sm_90a SASS, a pass of k = 11 bits: groups (g0, M) = (0,4), (4,4),
 * (8,3)): staging 4, group 0 12.8 (first) or 15.8 (last; its twiddles are kernel parameters, 15 of
 * its 32 butterflies have twiddle 1), (4,4) 18.1 (15 twiddle loads a unit), (8,3) 16.6, or 28 with
 * the twist: ~51 instructions in a pass without twist, ~63 with. Before (per-stage twiddles made
 * per unit from the root tables, Montgomery butterflies, index math per element): ~155-164 a pass.
 */
#ifndef SWIRL_POLY_NTT_PASS_H
#define SWIRL_POLY_NTT_PASS_H

#include <stddef.h>
#include <stdint.h>

#include "field/bb31.h"

#define SWIRL_NTT_MAX_PASSES 3
#define SWIRL_NTT_TAB_LOG 9
#define SWIRL_NTT_TAB (1u << SWIRL_NTT_TAB_LOG)
#define SWIRL_NTT_TAB_WORDS (3u * SWIRL_NTT_TAB) /* root^(i << 9l), l = 0, 1, 2 */
#define SWIRL_NTT_TILE_LOG 12                     /* contiguous tiles: up to 4096 elements */
#define SWIRL_NTT_GROUP 4                         /* stages per register round trip */
#define SWIRL_NTT_MAX_TILE_LOG 14                 /* strided tiles: 2^k * Y <= 16384 (64 KiB) */
#define SWIRL_NTT_MAX_TILE (1u << SWIRL_NTT_MAX_TILE_LOG)
#define SWIRL_NTT_STAGE_LOG 14 /* passes of up to 14 bits (swirl_ntt_plan_split's contiguous) */
/* the stage twiddles: stage s < 14 at (1 << s) - 1 + j, j < 2^s (16383 entries; a transform of
 * 2^n builds the 2^min(n, 14) - 1 its passes read, swirl_ntt_stage_entries) */
#define SWIRL_NTT_STAGE_TW ((1u << SWIRL_NTT_STAGE_LOG) - 1)
#define SWIRL_NTT_C0 15u /* entries of stages 0..3: group 0's constants (kernel parameters) */

#if defined(__CUDA_ARCH__) /* device pass only: the host compiler would warn */
#define SWIRL_NTT_UNROLL _Pragma("unroll")
#else
#define SWIRL_NTT_UNROLL
#endif
/* a read-only table word (through the non-coherent cache on the device) */
SWIRL_HD bb31 swirl_ntt_ld(const bb31 *p) {
#if defined(__CUDA_ARCH__)
    bb31 r;
    r.v = __ldg(&p->v);
    return r;
#else
    return *p;
#endif
}

/* ---- lazy field words ---- */

/* a twiddle for Shoup multiplication: w < p plain (not Montgomery), wq = floor(w 2^32 / p) */
typedef struct swirl_ntt_tw {
    uint32_t w, wq;
} swirl_ntt_tw;

/* group 0's twiddles (stage-table entries 0..14), passed by value as a kernel parameter */
typedef struct swirl_ntt_c0 {
    swirl_ntt_tw t[SWIRL_NTT_C0];
} swirl_ntt_c0;

SWIRL_HD swirl_ntt_tw swirl_ntt_ld_tw(const swirl_ntt_tw *p) {
#if defined(__CUDA_ARCH__)
    const uint2 r = __ldg((const uint2 *)p);
    swirl_ntt_tw t;
    t.w = r.x;
    t.wq = r.y;
    return t;
#else
    return *p;
#endif
}

SWIRL_HD uint32_t swirl_ntt_umulhi(uint32_t a, uint32_t b) {
#if defined(__CUDA_ARCH__)
    return __umulhi(a, b);
#else
    return (uint32_t)(((uint64_t)a * b) >> 32);
#endif
}
/* [0, 2p) -> [0, p) (device: one VIADDMNMX; the min in PTX, else LLVM may turn some into a
 * compare and select, two instructions) */
SWIRL_HD uint32_t swirl_ntt_canon(uint32_t x) {
#if defined(__CUDA_ARCH__)
    uint32_t r;
    asm("min.u32 %0, %1, %2;" : "=r"(r) : "r"(x), "r"(x - BB31_P));
    return r;
#else
    return x >= BB31_P ? x - BB31_P : x;
#endif
}
/* Shoup: a * w mod p in [0, 2p) for any 32-bit a (with q = floor(a wq / 2^32), a w - q p lies in
 * [0, 2p)). a is a Montgomery word and w plain, so the result is the product's Montgomery word. */
SWIRL_HD uint32_t swirl_ntt_shoup(uint32_t a, swirl_ntt_tw w) {
    const uint32_t q = swirl_ntt_umulhi(a, w.wq);
    return a * w.w - q * BB31_P;
}
/* Montgomery a b / 2^32 mod p in [0, 2p) for a b < p 2^32 (one operand < p, the other < 2p):
 * (x + t p) / 2^32 with x = a b, t = -x / p mod 2^32 (the 64-bit form: 3 IMADs on the device,
 * where bb31_mul's 32-bit form compiles to 6 or more here) */
SWIRL_HD uint32_t swirl_ntt_mont(uint32_t a, uint32_t b) {
    const uint64_t x = (uint64_t)a * b;
    const uint32_t t = (uint32_t)x * (0u - BB31_MU);
    return (uint32_t)((x + (uint64_t)t * BB31_P) >> 32);
}
/* floor(w 2^32 / p) for w < p without a 64-bit division: a double estimate (2^32/p and the
 * product each round by 2^-53 relative, so it is off by at most one) corrected by the remainder */
SWIRL_HD uint32_t swirl_ntt_wq(uint32_t w) {
    uint32_t q = (uint32_t)((double)w * (4294967296.0 / (double)BB31_P));
    const int64_t r = (int64_t)((uint64_t)w << 32) - (int64_t)q * BB31_P;
    if (r < 0)
        q--;
    else if (r >= (int64_t)BB31_P)
        q++;
    return q;
}
SWIRL_HD swirl_ntt_tw swirl_ntt_tw_of(bb31 w) {
    swirl_ntt_tw t;
    t.w = bb31_to_u32(w);
    t.wq = swirl_ntt_wq(t.w);
    return t;
}

/* DIT butterfly on lazy words: (a + w b, a - w b), w = 1 when trivial; cin: a and b are
 * canonical already (a pass's first stage) */
SWIRL_HD void swirl_ntt_bf_dit(uint32_t *a, uint32_t *b, swirl_ntt_tw w, int trivial, int cin) {
    const uint32_t x = cin ? *a : swirl_ntt_canon(*a);
    const uint32_t t =
        trivial ? (cin ? *b : swirl_ntt_canon(*b)) : swirl_ntt_canon(swirl_ntt_shoup(*b, w));
    *a = x + t;
    *b = x - t + BB31_P;
}
/* DIF butterfly on lazy words: (a + b, (a - b) w) */
SWIRL_HD void swirl_ntt_bf_dif(uint32_t *a, uint32_t *b, swirl_ntt_tw w, int trivial, int cin) {
    const uint32_t x = cin ? *a : swirl_ntt_canon(*a), y = cin ? *b : swirl_ntt_canon(*b);
    const uint32_t d = x - y + BB31_P;
    *a = x + y;
    *b = trivial ? d : swirl_ntt_shoup(d, w);
}

/* ---- pass plan ---- */

typedef struct swirl_ntt_pass {
    unsigned lo, k, yl; /* bits [lo, lo + k); tile's other dimension 2^yl */
} swirl_ntt_pass;

typedef struct swirl_ntt_plan {
    unsigned log_n, np;
    swirl_ntt_pass pass[SWIRL_NTT_MAX_PASSES]; /* ascending lo */
} swirl_ntt_plan;

/* The even plan: log_n <= 12: one contiguous pass (several columns per tile when short); <= 24:
 * two passes of about half the bits each (the strided one at most 12 bits, and 11 when it can so
 * its rows are 8 words); else three. */
SWIRL_HD void swirl_ntt_plan_even(swirl_ntt_plan *pl, unsigned log_n, size_t ncols) {
    pl->log_n = log_n;
    if (log_n <= SWIRL_NTT_TILE_LOG) {
        unsigned yl = 0;
        while (yl < SWIRL_NTT_TILE_LOG - log_n && ((size_t)2 << yl) <= ncols)
            yl++;
        pl->np = 1;
        pl->pass[0].lo = 0;
        pl->pass[0].k = log_n;
        pl->pass[0].yl = yl;
        return;
    }
    unsigned ks[SWIRL_NTT_MAX_PASSES];
    if (log_n <= 2 * SWIRL_NTT_TILE_LOG) {
        unsigned k1 = log_n / 2 < 11 ? log_n / 2 : 11;
        if (log_n - k1 > SWIRL_NTT_TILE_LOG)
            k1 = log_n - SWIRL_NTT_TILE_LOG;
        pl->np = 2;
        ks[0] = log_n - k1;
        ks[1] = k1;
    } else {
        pl->np = 3;
        ks[0] = (log_n + 2) / 3;
        ks[1] = (log_n - ks[0] + 1) / 2;
        ks[2] = log_n - ks[0] - ks[1];
    }
    unsigned lo = 0;
    for (unsigned i = 0; i < pl->np; i++) {
        pl->pass[i].lo = lo;
        pl->pass[i].k = ks[i];
        pl->pass[i].yl = i == 0 ? 0 : (ks[i] <= 11 ? 3u : 2u);
        lo += ks[i];
    }
}

/* Another split of a two-pass plan (device/cuda/ntt.cu: SWIRL_NTT_SPLIT, SWIRL_NTT_YL): the
 * strided pass takes the top ks bits in tiles of 2^ks rows x 2^yl positions (rows of 4, 8, 16 or
 * 32 words), the contiguous pass the other log_n - ks bits, one column a tile (up to
 * SWIRL_NTT_STAGE_LOG bits: 2^14 words, 512 threads). Returns 0 (plan unchanged) when the plan
 * has not two passes or the split does not fit the kernels: both passes above SWIRL_NTT_GROUP
 * bits (one is strided, the other twists), the strided tile at most SWIRL_NTT_MAX_TILE words and
 * its rows no wider than the contiguous pass (yl <= lo). */
SWIRL_HD int swirl_ntt_plan_split(swirl_ntt_plan *pl, unsigned ks, unsigned yl) {
    if (pl->np != 2 || ks <= SWIRL_NTT_GROUP || ks >= pl->log_n)
        return 0;
    const unsigned kc = pl->log_n - ks;
    /* kc > SWIRL_NTT_GROUP >= yl - 1: the rows are never wider than the contiguous pass */
    if (kc <= SWIRL_NTT_GROUP || kc > SWIRL_NTT_STAGE_LOG || yl < 2 || yl > 5 ||
        ((size_t)1 << (ks + yl)) > SWIRL_NTT_MAX_TILE)
        return 0;
    pl->pass[0].k = kc;
    pl->pass[0].yl = 0;
    pl->pass[1].lo = kc;
    pl->pass[1].k = ks;
    pl->pass[1].yl = yl;
    return 1;
}

/* The plan the kernels run: the even plan, but at 2^16 .. 2^24 (2^23 excepted) the strided pass
 * takes 6 to 10 bits in tiles of 16-word rows and the contiguous pass the rest (10 to 12 bits, 14
 * at 2^24). Measured on the H100 (docs/PERF.md, fourteenth session: bench_gpu --ntt-shape with
 * SWIRL_NTT_SPLIT / SWIRL_NTT_YL, 11 splits at 2^20 .. 2^24 and 6 at 2^16 .. 2^19, 64 columns):
 * 2^16 0.049 -> 0.038 ms, 2^18 0.156 -> 0.128, 2^19 0.294 -> 0.232, 2^20 0.62 -> 0.45, 2^21
 * 1.12 -> 0.92, 2^22 x 42 1.41 -> 1.21, 2^24 10.86 -> 8.91; at 2^23 no split was faster than
 * 12 + 11 with 8-word rows; below 2^16 not measured. Strided rows of 8 or 4 words (32 or 16
 * bytes) leave the strided pass at 32-47 % SM throughput; 16-word rows of 64 bytes lift it. */
SWIRL_HD void swirl_ntt_plan_init(swirl_ntt_plan *pl, unsigned log_n, size_t ncols) {
    /* the strided bits at 2^16 .. 2^24; 0: the even plan */
    static const unsigned char ks[9] = {6, 6, 6, 7, 8, 10, 10, 0, 10};
    swirl_ntt_plan_even(pl, log_n, ncols);
    if (log_n >= 16 && log_n <= 24 && ks[log_n - 16])
        (void)swirl_ntt_plan_split(pl, ks[log_n - 16], 4);
}

/* The fused transform's plan (device/cuda/ntt.cu, k_ntt_fused) from swirl_ntt_plan_init's
 * two-pass plan at 2^20 .. 2^24: both passes' tiles take 2^13 or 2^14 words, so both run on 512
 * threads and one kernel can run either — the contiguous pass takes 2^(14 - k) consecutive
 * chunks of its column a tile (k >= 10; one chunk, a plain tile, at k = 14), and a strided tile
 * below 2^13 words gets 32-word rows (2^20: 12 + 8 bits). Returns 0 (plan unchanged) for other
 * plans: one or three passes, fewer rows (n < 2^20), or a split whose tiles cannot take 512
 * threads or whose strided rows are 4 words. */
SWIRL_HD int swirl_ntt_plan_chunk(swirl_ntt_plan *pl) {
    if (pl->np != 2 || pl->log_n < 20 || pl->log_n > 24)
        return 0;
    swirl_ntt_plan c = *pl;
    const unsigned kc = c.pass[0].k, ks = c.pass[1].k;
    /* the fused tiles: 2^13 or 2^14 words (512 threads) */
    const unsigned lo = SWIRL_NTT_MAX_TILE_LOG - 1, hi = SWIRL_NTT_MAX_TILE_LOG;
    if (ks + c.pass[1].yl < lo && ks + 5 <= hi)
        c.pass[1].yl = 5;
    /* k_ntt_fused runs strided rows of 8, 16 or 32 words only (a 12 + 12 split with 4-word rows,
     * SWIRL_NTT_SPLIT=12 SWIRL_NTT_YL=2, stays two launches) */
    if (kc < 10 || kc > SWIRL_NTT_STAGE_LOG || c.pass[1].yl < 3 || ks + c.pass[1].yl < lo ||
        ks + c.pass[1].yl > hi)
        return 0;
    c.pass[0].yl = hi - kc; /* chunks a contiguous tile */
    *pl = c;
    return 1;
}

/* ---- tile geometry ---- */

typedef struct swirl_ntt_tile {
    unsigned log_n, lo, k, yl, ps, pl; /* pad: s -> s + ((s >> ps) << pl) */
    unsigned strided;                  /* lo > 0 (the kernels make it a compile-time constant) */
    unsigned twist;                    /* a pass above this one: multiply by rho^t (see top) */
    unsigned chunks;                   /* contiguous, twisting, yl > 0: y is a chunk (see top) */
    uint32_t mask;                     /* 2^log_n - 1: exponents of root */
    unsigned gpc_log; /* log2 of the tiles per column (strided) or row blocks per column group */
    size_t col_stride, ncols;
} swirl_ntt_tile;

SWIRL_HD void swirl_ntt_tile_init(swirl_ntt_tile *g, unsigned log_n, const swirl_ntt_pass *p,
                                  size_t ncols, size_t col_stride) {
    g->log_n = log_n;
    g->lo = p->lo;
    g->k = p->k;
    g->yl = p->yl;
    g->strided = p->lo != 0;
    g->twist = p->lo + p->k < log_n;
    g->chunks = p->lo == 0 && g->twist && p->yl > 0;
    g->mask = (uint32_t)(((uint64_t)1 << log_n) - 1);
    g->col_stride = col_stride;
    g->ncols = ncols;
    if (p->lo == 0) {
        /* one pad word per 32: the units of the first group (16 apart) land in distinct banks */
        g->ps = 5;
        g->pl = 0;
    } else {
        /* Y pad words per 16 rows: a warp's units of group 0 (rows 16 apart, Y positions each)
         * land in distinct banks; later groups read 32 contiguous words */
        g->ps = p->yl + 4;
        g->pl = p->yl;
    }
    g->gpc_log = log_n - p->k - (p->lo || g->chunks ? p->yl : 0);
}

SWIRL_HD unsigned swirl_ntt_tile_elems(const swirl_ntt_tile *g) {
    return 1u << (g->k + g->yl);
}
SWIRL_HD unsigned swirl_ntt_tile_smem_words(const swirl_ntt_tile *g) {
    unsigned e = swirl_ntt_tile_elems(g);
    return e + ((e >> g->ps) << g->pl) + 1;
}
SWIRL_HD size_t swirl_ntt_tile_blocks(const swirl_ntt_tile *g) {
    size_t colgroups =
        g->lo || g->chunks ? g->ncols : (g->ncols + ((size_t)1 << g->yl) - 1) >> g->yl;
    return colgroups << g->gpc_log;
}
/* padded shared-memory word of tile index s; additive over indices with disjoint bits, so a
 * unit's words sit at its base plus compile-time offsets (swirl_ntt_unit_off) */
SWIRL_HD unsigned swirl_ntt_sh(const swirl_ntt_tile *g, unsigned s) {
    return s + ((s >> g->ps) << g->pl);
}
SWIRL_HD unsigned swirl_ntt_tile_index(const swirl_ntt_tile *g, unsigned t, unsigned y) {
    return g->strided ? (t << g->yl) | y : (y << g->k) | t;
}

/* where a block's tile lives: column of y = 0, offset of (t = 0, y = 0), low position of y = 0,
 * and hi, the position bits above the pass (the twist's); shifts only (no division per block) */
typedef struct swirl_ntt_block {
    size_t col0, base;
    unsigned x0;
    uint32_t hi;
} swirl_ntt_block;

SWIRL_HD swirl_ntt_block swirl_ntt_block_at(const swirl_ntt_tile *g, size_t blk) {
    swirl_ntt_block b;
    size_t cg = blk >> g->gpc_log, r = blk & (((size_t)1 << g->gpc_log) - 1);
    if (g->chunks) {
        b.col0 = cg;
        b.base = r << (g->k + g->yl);
        b.x0 = 0;
        b.hi = (uint32_t)(r << g->yl); /* chunk y's hi: b.hi + y */
    } else if (!g->strided) {
        b.col0 = cg << g->yl;
        b.base = r << g->k;
        b.x0 = 0;
        b.hi = (uint32_t)r; /* n > 12: yl = 0, one column per tile */
    } else {
        const unsigned lgl = g->lo - g->yl; /* log2 of the tiles side by side in the low bits */
        size_t hi = r >> lgl, lg = r & (((size_t)1 << lgl) - 1);
        b.col0 = cg;
        b.x0 = (unsigned)(lg << g->yl);
        b.base = (hi << (g->lo + g->k)) + b.x0;
        b.hi = (uint32_t)hi;
    }
    return b;
}

/* global offset (from data) of tile element (t, y); valid when the column exists */
SWIRL_HD size_t swirl_ntt_elem_off(const swirl_ntt_tile *g, const swirl_ntt_block *b, unsigned t,
                                   unsigned y) {
    if (g->chunks)
        return b->col0 * g->col_stride + b->base + ((size_t)y << g->k) + t;
    if (!g->strided)
        return (b->col0 + y) * g->col_stride + b->base + t;
    return b->col0 * g->col_stride + b->base + ((size_t)t << g->lo) + y;
}
SWIRL_HD int swirl_ntt_col_ok(const swirl_ntt_tile *g, const swirl_ntt_block *b, unsigned y) {
    return g->strided || g->chunks || b->col0 + y < g->ncols;
}

/* Quads of the tile: 4 consecutive positions along the contiguous dimension (y when strided, t when
 * contiguous); quad f -> its first element (t, y). With vec the kernel moves a quad as one 16-byte
 * global access (needs k >= 2 or Y >= 4, a 16-byte aligned column start and col_stride % 4 == 0).
 * A quad's shared words are consecutive, from swirl_ntt_sh(tile index of (t, y)) on; 16-byte
 * aligned when strided. */
SWIRL_HD unsigned swirl_ntt_quads(const swirl_ntt_tile *g) {
    return swirl_ntt_tile_elems(g) >> 2;
}
SWIRL_HD void swirl_ntt_quad_at(const swirl_ntt_tile *g, unsigned f, unsigned *t, unsigned *y) {
    if (g->strided) {
        unsigned ql = g->yl - 2;
        *t = f >> ql;
        *y = (f & ((1u << ql) - 1)) << 2;
    } else {
        unsigned ql = g->k - 2;
        *y = f >> ql;
        *t = (f & ((1u << ql) - 1)) << 2;
    }
}
/* element f of the tile in the scalar path's order (consecutive f, consecutive addresses) */
SWIRL_HD void swirl_ntt_elem_at(const swirl_ntt_tile *g, unsigned f, unsigned *t, unsigned *y) {
    if (g->strided) {
        *t = f >> g->yl;
        *y = f & ((1u << g->yl) - 1);
    } else {
        *y = f >> g->k;
        *t = f & ((1u << g->k) - 1);
    }
}
SWIRL_HD int swirl_ntt_vec_ok(const swirl_ntt_tile *g) {
    return g->strided ? g->yl >= 2 : g->k >= 2;
}
/* threads of a pass's block (log2), 32 to 512: one per 16 elements in strided tiles, one per 32
 * in contiguous ones (small tiles: the per-thread setup is spread over more elements) */
SWIRL_HD unsigned swirl_ntt_threads_log(const swirl_ntt_tile *g) {
    const unsigned per = g->strided ? SWIRL_NTT_GROUP : SWIRL_NTT_GROUP + 1, e = g->k + g->yl;
    return e < per + 5 ? 5 : e - per > 9 ? 9 : e - per;
}
SWIRL_HD unsigned swirl_ntt_threads(const swirl_ntt_tile *g) {
    return 1u << swirl_ntt_threads_log(g);
}

/* The 16-byte staging loops, strength-reduced: thread tid of T moves quads f = tid + i T, i < n,
 * at global offset off0 + i doff and shared word sh0 + i dsh. Valid (swirl_ntt_walk_ok) for
 * strided tiles and one-column contiguous ones with at least T quads: the row step dt is then a
 * power of 2 above every row the thread starts at, and a multiple of the pad period, so the pad
 * grows linearly. (A chunked tile's words are consecutive: offset and tile index grow alike.) */
typedef struct swirl_ntt_walk {
    size_t off0, doff;
    unsigned sh0, dsh, n;
} swirl_ntt_walk;

SWIRL_HD int swirl_ntt_walk_ok(const swirl_ntt_tile *g) {
    return (g->strided || g->yl == 0 || g->chunks) && swirl_ntt_quads(g) >= swirl_ntt_threads(g);
}
SWIRL_HD swirl_ntt_walk swirl_ntt_walk_at(const swirl_ntt_tile *g, const swirl_ntt_block *b,
                                          unsigned tid) {
    const unsigned Tl = swirl_ntt_threads_log(g), T = 1u << Tl;
    swirl_ntt_walk w;
    unsigned t, y;
    swirl_ntt_quad_at(g, tid, &t, &y);
    const unsigned dt = g->strided ? T >> (g->yl - 2) : 4 * T;
    w.off0 = swirl_ntt_elem_off(g, b, t, y);
    w.doff = g->strided ? (size_t)dt << g->lo : dt;
    w.sh0 = swirl_ntt_sh(g, swirl_ntt_tile_index(g, t, y));
    w.dsh = swirl_ntt_sh(g, swirl_ntt_tile_index(g, dt, 0));
    w.n = swirl_ntt_quads(g) >> Tl;
    return w;
}

/* ---- tables ---- */

/* root^e, e < 2^27, from the three 512-entry power tables (canonical products, as bb31_mul) */
SWIRL_HD bb31 swirl_ntt_root_pow(const bb31 *tab, uint32_t e) {
    const bb31 a = swirl_ntt_ld(tab + (e & (SWIRL_NTT_TAB - 1)));
    const bb31 b =
        swirl_ntt_ld(tab + SWIRL_NTT_TAB + ((e >> SWIRL_NTT_TAB_LOG) & (SWIRL_NTT_TAB - 1)));
    const bb31 c = swirl_ntt_ld(tab + 2 * SWIRL_NTT_TAB + (e >> (2 * SWIRL_NTT_TAB_LOG)));
    bb31 r;
    r.v = swirl_ntt_canon(swirl_ntt_mont(swirl_ntt_canon(swirl_ntt_mont(a.v, b.v)), c.v));
    return r;
}

/* entry idx of the power tables for `root` */
SWIRL_HD bb31 swirl_ntt_tab_entry(bb31 root, unsigned idx) {
    unsigned level = idx / SWIRL_NTT_TAB, i = idx % SWIRL_NTT_TAB;
    return bb31_pow(root, (uint64_t)i << (SWIRL_NTT_TAB_LOG * level));
}

/* entry idx < SWIRL_NTT_STAGE_TW of the stage table: w_{2^(s+1)}^j = root^(j << (log_n - s - 1))
 * for idx = 2^s - 1 + j (1 for the stages s >= log_n, which no pass runs) */
SWIRL_HD swirl_ntt_tw swirl_ntt_stage_entry(bb31 root, unsigned log_n, unsigned idx) {
    unsigned s = 0;
    while ((2u << s) - 1 <= idx)
        s++;
    if (s >= log_n)
        return swirl_ntt_tw_of(bb31_one());
    return swirl_ntt_tw_of(bb31_pow(root, (uint64_t)(idx + 1 - (1u << s)) << (log_n - s - 1)));
}
/* the stage-table entries a 2^log_n transform's passes read: stages below min(log_n, 14) */
SWIRL_HD unsigned swirl_ntt_stage_entries(unsigned log_n) {
    return (1u << (log_n < SWIRL_NTT_STAGE_LOG ? log_n : SWIRL_NTT_STAGE_LOG)) - 1;
}
SWIRL_HD void swirl_ntt_c0_init(swirl_ntt_c0 *c, bb31 root, unsigned log_n) {
    for (unsigned i = 0; i < SWIRL_NTT_C0; i++)
        c->t[i] = swirl_ntt_stage_entry(root, log_n, i);
}

/* ---- twist ---- */

/* bit reversal of the low `bits` bits */
SWIRL_HD uint32_t swirl_ntt_rev(uint32_t x, unsigned bits) {
#if defined(__CUDA_ARCH__)
    return bits ? __brev(x) >> (32 - bits) : 0;
#else
    uint32_t r = 0;
    for (unsigned i = 0; i < bits; i++, x >>= 1)
        r = (r << 1) | (x & 1);
    return r;
#endif
}

/* A block's twist: rho = root^e with e = rev(hi) << lo, and the top group's ratio rho^(2^g0) as a
 * Shoup twiddle (the kernel makes it in one thread and shares it). Only when g->twist. */
typedef struct swirl_ntt_twist {
    uint32_t e;
    swirl_ntt_tw ratio;
} swirl_ntt_twist;

SWIRL_HD uint32_t swirl_ntt_twist_e_hi(const swirl_ntt_tile *g, uint32_t hi) {
    return (swirl_ntt_rev(hi, g->log_n - g->lo - g->k) << g->lo) & g->mask;
}
SWIRL_HD uint32_t swirl_ntt_twist_e(const swirl_ntt_tile *g, const swirl_ntt_block *b) {
    return swirl_ntt_twist_e_hi(g, b->hi);
}
SWIRL_HD swirl_ntt_tw swirl_ntt_twist_ratio(const swirl_ntt_tile *g, uint32_t e, unsigned top_g0,
                                            const bb31 *rtab) {
    return swirl_ntt_tw_of(swirl_ntt_root_pow(rtab, (e << top_g0) & g->mask));
}

/* v[e] *= tau * ratio^e (lazy words in and out; tau canonical; the running product by Shoup) */
SWIRL_HD void swirl_ntt_unit_twist(uint32_t *v, unsigned M, uint32_t tau, swirl_ntt_tw ratio) {
SWIRL_NTT_UNROLL
    for (unsigned e = 0; e < (1u << M); e++) {
        v[e] = swirl_ntt_mont(v[e], tau);
        if (e + 1 < (1u << M))
            tau = swirl_ntt_canon(swirl_ntt_shoup(tau, ratio));
    }
}

/* ---- one unit: 2^M values of one group, in registers ---- */

/* Unit u of group [g0, g0 + M) of a pass: its tile elements (t_e, y) for e < 2^M are
 * t_e = tb | (e << g0), tl = tb mod 2^g0. Strided tiles number units y-fastest (a warp spans Y
 * positions of 32/Y rows), contiguous ones t-fastest. */
SWIRL_HD void swirl_ntt_unit_at(const swirl_ntt_tile *g, unsigned g0, unsigned M, unsigned u,
                                unsigned *tb, unsigned *y, unsigned *tl) {
    unsigned r;
    if (g->strided) {
        *y = u & ((1u << g->yl) - 1);
        r = u >> g->yl;
    } else {
        unsigned rb = g->k - M;
        r = u & ((1u << rb) - 1);
        *y = u >> rb;
    }
    *tl = r & ((1u << g0) - 1);
    *tb = ((r >> g0) << (g0 + M)) | *tl;
}
/* shared word of element e of a unit relative to the unit's first (e = 0): tile indices of tb
 * and e << g0 have disjoint bits, and so do their pads */
SWIRL_HD unsigned swirl_ntt_unit_off(const swirl_ntt_tile *g, unsigned g0, unsigned e) {
    return swirl_ntt_sh(g, swirl_ntt_tile_index(g, e << g0, 0));
}

/* Runs stages g0 .. g0+M-1 of the pass's DFT on v[0 .. 2^M) (DIT upward, DIF downward). Stage
 * s = g0 + q's butterfly m < 2^q takes w_{2^(s+1)}^(tl + (m << g0)): from c0 in group 0 (tl = 0;
 * m = 0 is 1), else from the stage table. cin: v is canonical (the first stage skips making it
 * so). */
SWIRL_HD void swirl_ntt_unit_run(uint32_t *v, unsigned M, int dit, unsigned g0, unsigned tl,
                                 const swirl_ntt_tw *stab, const swirl_ntt_tw *c0, int cin) {
    /* constant trip counts only, so the device unrolls everything (v stays in registers); the
     * repeated loads of one stage's twiddle are one load after common subexpressions */
SWIRL_NTT_UNROLL
    for (unsigned qi = 0; qi < M; qi++) {
        const unsigned q = dit ? qi : M - 1 - qi;
SWIRL_NTT_UNROLL
        for (unsigned e = 0; e < (1u << (M - 1)); e++) {
            const unsigned m = e & ((1u << q) - 1);
            const unsigned e0 = ((e >> q) << (q + 1)) | m, e1 = e0 | (1u << q);
            const int trivial = g0 == 0 && m == 0;
            swirl_ntt_tw w = {0, 0};
            if (g0 == 0 && m != 0)
                w = c0[(1u << q) - 1 + m];
            else if (g0 != 0)
                w = swirl_ntt_ld_tw(stab + (1u << (g0 + q)) - 1 + tl + (m << g0));
            if (dit)
                swirl_ntt_bf_dit(&v[e0], &v[e1], w, trivial, cin && qi == 0);
            else
                swirl_ntt_bf_dif(&v[e0], &v[e1], w, trivial, cin && qi == 0);
        }
    }
}

/* What one group does besides its stages: twist (the top group of a pass that twists: DIT after
 * the stages, DIF before), start from canonical words (the first group run, unless it twists
 * first) and make the words canonical (the last group run). */
typedef struct swirl_ntt_gctx {
    const swirl_ntt_tw *stab; /* stage table */
    const swirl_ntt_tw *c0;   /* its first SWIRL_NTT_C0 entries (device: kernel parameters) */
    const bb31 *rtab;         /* root power tables */
    swirl_ntt_twist tw;       /* the block's twist (not chunked) */
    uint32_t hi0;             /* chunked: the block's hi; chunk y's twist ratio is ratios[y] */
    const swirl_ntt_tw *ratios;
    int twist, first, last;
} swirl_ntt_gctx;

/* one unit's whole round trip through the shared tile sh */
SWIRL_HD void swirl_ntt_unit(bb31 *sh, unsigned M, int dit, const swirl_ntt_tile *g, unsigned g0,
                             unsigned u, const swirl_ntt_gctx *c) {
    unsigned tb, y, tl;
    swirl_ntt_unit_at(g, g0, M, u, &tb, &y, &tl);
    bb31 *p = sh + swirl_ntt_sh(g, swirl_ntt_tile_index(g, tb, y));
    uint32_t v[16];
SWIRL_NTT_UNROLL
    for (unsigned e = 0; e < (1u << M); e++)
        v[e] = p[swirl_ntt_unit_off(g, g0, e)].v;
    /* top group: t = tl + (e << g0), so rho^t = rho^tl * ratio^e */
    swirl_ntt_twist tw = c->tw;
    if (c->twist && g->chunks) {
        tw.e = swirl_ntt_twist_e_hi(g, c->hi0 + y);
        tw.ratio = c->ratios[y];
    }
    const uint32_t tau = c->twist ? swirl_ntt_root_pow(c->rtab, (tl * tw.e) & g->mask).v : 0;
    if (c->twist && !dit)
        swirl_ntt_unit_twist(v, M, tau, tw.ratio);
    swirl_ntt_unit_run(v, M, dit, g0, tl, c->stab, c->c0, c->first && !(c->twist && !dit));
    if (c->twist && dit)
        swirl_ntt_unit_twist(v, M, tau, tw.ratio);
SWIRL_NTT_UNROLL
    for (unsigned e = 0; e < (1u << M); e++)
        p[swirl_ntt_unit_off(g, g0, e)].v = c->last ? swirl_ntt_canon(v[e]) : v[e];
}

/* the groups of a pass: ngroups, and group gi's (g0, M) in run order */
SWIRL_HD unsigned swirl_ntt_ngroups(const swirl_ntt_tile *g) {
    return (g->k + SWIRL_NTT_GROUP - 1) / SWIRL_NTT_GROUP;
}
SWIRL_HD void swirl_ntt_group_at(const swirl_ntt_tile *g, int dit, unsigned gi, unsigned *g0,
                                 unsigned *M) {
    unsigned n = swirl_ntt_ngroups(g), grp = dit ? gi : n - 1 - gi;
    *g0 = grp * SWIRL_NTT_GROUP;
    *M = g->k - *g0 < SWIRL_NTT_GROUP ? g->k - *g0 : SWIRL_NTT_GROUP;
}
/* g0 of the top group (the twisting one) */
SWIRL_HD unsigned swirl_ntt_top_g0(const swirl_ntt_tile *g) {
    return (swirl_ntt_ngroups(g) - 1) * SWIRL_NTT_GROUP;
}

#endif /* SWIRL_POLY_NTT_PASS_H */
