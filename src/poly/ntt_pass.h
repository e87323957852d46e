/*
 * The GPU NTT's pass decomposition (device/cuda/ntt.cu) as SWIRL_HD functions, so the kernels and
 * a host emulation (tests/test_ntt_pass.c) run the same index and twiddle math; the emulation is
 * checked against poly/ntt.c without a GPU.
 *
 * Transform: the radix-2 DIT (bit-reversed in, natural out) or DIF (natural in, bit-reversed out)
 * of poly/ntt.c, stage by stage with the same twiddles, so every intermediate value equals the
 * CPU's. Stage b (butterfly half-width 2^b) pairs positions p and p + 2^b with twiddle
 * w_{2^(b+1)}^(p mod 2^b) = root^((p mod 2^b) << (log_n - b - 1)).
 *
 * Passes: the index bits of a column are cut into at most 3 passes [lo, lo + k) (plan below); one
 * pass is one kernel launch, each block moves one tile through shared memory: 2^k positions t
 * (the pass's bits) times Y = 2^yl "other" positions y, then runs the k stages in register groups
 * of up to 4 (a unit = the 16 tile elements that differ in the group's bits, in registers, twiddles
 * made per unit) and writes the tile back:
 *  - contiguous pass (lo = 0): y is a column (several short columns share a tile), element (t, y)
 *    is at column y, row base + t; tile index s = (y << k) | t.
 *  - strided pass (lo > 0): y is a run of Y consecutive low positions (Y = 8, or 4 when k = 12, so
 *    a row of the tile is one or two 16-byte loads), element (t, y) at base + (t << lo) + y;
 *    s = (t << yl) | y.
 * DIT runs the passes (and the groups inside a pass) upward, DIF downward.
 *
 * Twiddles (no per-stage tables): a unit of group [g0, g0 + M) of a pass at lo has fixed tile bits
 * below g0 (tl) and fixed low position x; its butterflies in stage q (global stage b = lo+g0+q) use
 * j = J0 + (m << (lo + g0)), J0 = (tl << lo) + x, m < 2^q. The top stage's 2^(M-1) twiddles are a
 * geometric run from root^(J0 << (log_n-lo-g0-M)) with ratio root^(2^(log_n-M)) (the 2^M-th root);
 * stage q's are the squares of the first 2^q of stage q+1's. Powers of root come from three tables
 * of 512 (root^i, root^(i 2^9), root^(i 2^18)): two multiplications per lookup. Per unit of 16
 * values and 4 stages: 32 butterfly multiplications plus 16 for the twiddles.
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
#define SWIRL_NTT_MAX_TILE (1u << 14)             /* strided tiles: 2^k * Y <= 16384 (64 KiB) */

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

typedef struct swirl_ntt_pass {
    unsigned lo, k, yl; /* bits [lo, lo + k); tile's other dimension 2^yl */
} swirl_ntt_pass;

typedef struct swirl_ntt_plan {
    unsigned log_n, np;
    swirl_ntt_pass pass[SWIRL_NTT_MAX_PASSES]; /* ascending lo */
} swirl_ntt_plan;

/* log_n <= 12: one contiguous pass (several columns per tile when short); <= 24: two passes (the
 * strided one at most 12 bits, and 11 when it can so its rows are 8 words); else three. */
SWIRL_HD void swirl_ntt_plan_init(swirl_ntt_plan *pl, unsigned log_n, size_t ncols) {
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

/* ---- tile geometry ---- */

typedef struct swirl_ntt_tile {
    unsigned log_n, lo, k, yl, ps, pl; /* pad: s -> s + ((s >> ps) << pl) */
    size_t col_stride, ncols;
    size_t groups_per_col; /* tiles per column (strided) or row blocks per column group */
} swirl_ntt_tile;

SWIRL_HD void swirl_ntt_tile_init(swirl_ntt_tile *g, unsigned log_n, const swirl_ntt_pass *p,
                                  size_t ncols, size_t col_stride) {
    g->log_n = log_n;
    g->lo = p->lo;
    g->k = p->k;
    g->yl = p->yl;
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
    g->groups_per_col = ((size_t)1 << log_n) >> (p->k + (p->lo ? p->yl : 0));
}

SWIRL_HD unsigned swirl_ntt_tile_elems(const swirl_ntt_tile *g) {
    return 1u << (g->k + g->yl);
}
SWIRL_HD unsigned swirl_ntt_tile_smem_words(const swirl_ntt_tile *g) {
    unsigned e = swirl_ntt_tile_elems(g);
    return e + ((e >> g->ps) << g->pl) + 1;
}
SWIRL_HD size_t swirl_ntt_tile_blocks(const swirl_ntt_tile *g) {
    size_t colgroups = g->lo ? g->ncols : (g->ncols + ((size_t)1 << g->yl) - 1) >> g->yl;
    return colgroups * g->groups_per_col;
}
SWIRL_HD unsigned swirl_ntt_sh(const swirl_ntt_tile *g, unsigned s) {
    return s + ((s >> g->ps) << g->pl);
}
SWIRL_HD unsigned swirl_ntt_tile_index(const swirl_ntt_tile *g, unsigned t, unsigned y) {
    return g->lo ? (t << g->yl) | y : (y << g->k) | t;
}

/* where a block's tile lives: column of y = 0, offset of (t = 0, y = 0), low position of y = 0 */
typedef struct swirl_ntt_block {
    size_t col0, base;
    unsigned x0;
} swirl_ntt_block;

SWIRL_HD swirl_ntt_block swirl_ntt_block_at(const swirl_ntt_tile *g, size_t blk) {
    swirl_ntt_block b;
    size_t cg = blk / g->groups_per_col, r = blk % g->groups_per_col;
    if (g->lo == 0) {
        b.col0 = cg << g->yl;
        b.base = r << g->k;
        b.x0 = 0;
    } else {
        size_t lowgroups = ((size_t)1 << g->lo) >> g->yl;
        size_t hi = r / lowgroups, lg = r % lowgroups;
        b.col0 = cg;
        b.x0 = (unsigned)(lg << g->yl);
        b.base = (hi << (g->lo + g->k)) + b.x0;
    }
    return b;
}

/* global offset (from data) of tile element (t, y); valid when the column exists */
SWIRL_HD size_t swirl_ntt_elem_off(const swirl_ntt_tile *g, const swirl_ntt_block *b, unsigned t,
                                   unsigned y) {
    if (g->lo == 0)
        return (b->col0 + y) * g->col_stride + b->base + t;
    return b->col0 * g->col_stride + b->base + ((size_t)t << g->lo) + y;
}
SWIRL_HD int swirl_ntt_col_ok(const swirl_ntt_tile *g, const swirl_ntt_block *b, unsigned y) {
    return g->lo != 0 || b->col0 + y < g->ncols;
}

/* Quads of the tile: 4 consecutive positions along the contiguous dimension (y when strided, t when
 * contiguous); quad f -> its first element (t, y). With vec the kernel moves a quad as one 16-byte
 * access (needs k >= 2 or Y >= 4, a 16-byte aligned column start and col_stride % 4 == 0). */
SWIRL_HD unsigned swirl_ntt_quads(const swirl_ntt_tile *g) {
    return swirl_ntt_tile_elems(g) >> 2;
}
SWIRL_HD void swirl_ntt_quad_at(const swirl_ntt_tile *g, unsigned f, unsigned *t, unsigned *y) {
    if (g->lo) {
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
    if (g->lo) {
        *t = f >> g->yl;
        *y = f & ((1u << g->yl) - 1);
    } else {
        *y = f >> g->k;
        *t = f & ((1u << g->k) - 1);
    }
}
SWIRL_HD int swirl_ntt_vec_ok(const swirl_ntt_tile *g) {
    return g->lo ? g->yl >= 2 : g->k >= 2;
}

/* ---- twiddles ---- */

/* root^e, e < 2^27, from the three tables */
SWIRL_HD bb31 swirl_ntt_root_pow(const bb31 *tab, uint32_t e) {
    bb31 r = swirl_ntt_ld(tab + (e & (SWIRL_NTT_TAB - 1)));
    r = bb31_mul(r, swirl_ntt_ld(tab + SWIRL_NTT_TAB + ((e >> SWIRL_NTT_TAB_LOG) & (SWIRL_NTT_TAB - 1))));
    return bb31_mul(r, swirl_ntt_ld(tab + 2 * SWIRL_NTT_TAB + (e >> (2 * SWIRL_NTT_TAB_LOG))));
}

/* host: fills the tables for `root` (the device builds the same entries with bb31_pow) */
SWIRL_HD bb31 swirl_ntt_tab_entry(bb31 root, unsigned idx) {
    unsigned level = idx / SWIRL_NTT_TAB, i = idx % SWIRL_NTT_TAB;
    return bb31_pow(root, (uint64_t)i << (SWIRL_NTT_TAB_LOG * level));
}

/* ---- one unit: 2^M values of one group, in registers ---- */

/* Unit u of group [g0, g0 + M) of a pass: its tile elements (t_e, y) for e < 2^M are
 * t_e = tb | (e << g0). Strided tiles number units y-fastest (a warp spans Y positions of 32/Y
 * rows), contiguous ones t-fastest. */
SWIRL_HD void swirl_ntt_unit_at(const swirl_ntt_tile *g, unsigned g0, unsigned M, unsigned u,
                                unsigned *tb, unsigned *y, unsigned *tl) {
    unsigned r;
    if (g->lo) {
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

/* Runs stages g0 .. g0+M-1 of the pass on v[0 .. 2^M) (DIT upward, DIF downward). x is the unit's
 * low position (0 in a contiguous pass). */
SWIRL_HD void swirl_ntt_unit_run(bb31 *v, unsigned M, int dit, const swirl_ntt_tile *g,
                                 unsigned g0, unsigned tl, unsigned x, const bb31 *tab) {
    /* tw[(1 << q) - 1 + m]: stage q's twiddle for m < 2^q */
    bb31 tw[15];
    const unsigned top = (1u << (M - 1)) - 1;
    const uint32_t J0 = (tl << g->lo) + x;
    const unsigned sh = g->log_n - g->lo - g0 - M;
    tw[top] = swirl_ntt_root_pow(tab, J0 << sh);
    if (M > 1) {
        const bb31 ratio = swirl_ntt_root_pow(tab, (uint32_t)1 << (g->log_n - M));
SWIRL_NTT_UNROLL
        for (unsigned m = 1; m < (1u << (M - 1)); m++)
            tw[top + m] = bb31_mul(tw[top + m - 1], ratio);
    }
SWIRL_NTT_UNROLL
    for (int q = (int)M - 2; q >= 0; q--)
SWIRL_NTT_UNROLL
        for (unsigned m = 0; m < (1u << q); m++)
            tw[(1u << q) - 1 + m] = bb31_square(tw[(2u << q) - 1 + m]);
SWIRL_NTT_UNROLL
    for (unsigned qi = 0; qi < M; qi++) {
        const unsigned q = dit ? qi : M - 1 - qi;
SWIRL_NTT_UNROLL
        for (unsigned e = 0; e < (1u << (M - 1)); e++) {
            const unsigned m = e & ((1u << q) - 1);
            const unsigned e0 = ((e >> q) << (q + 1)) | m, e1 = e0 | (1u << q);
            const bb31 w = tw[(1u << q) - 1 + m];
            bb31 p0 = v[e0], p1 = v[e1];
            if (dit) {
                p1 = bb31_mul(p1, w);
                v[e0] = bb31_add(p0, p1);
                v[e1] = bb31_sub(p0, p1);
            } else {
                v[e0] = bb31_add(p0, p1);
                v[e1] = bb31_mul(bb31_sub(p0, p1), w);
            }
        }
    }
}

/* one unit's whole round trip through the shared tile sh */
SWIRL_HD void swirl_ntt_unit(bb31 *sh, unsigned M, int dit, const swirl_ntt_tile *g,
                             const swirl_ntt_block *b, unsigned g0, unsigned u, const bb31 *tab) {
    unsigned tb, y, tl;
    swirl_ntt_unit_at(g, g0, M, u, &tb, &y, &tl);
    bb31 v[16];
SWIRL_NTT_UNROLL
    for (unsigned e = 0; e < (1u << M); e++)
        v[e] = sh[swirl_ntt_sh(g, swirl_ntt_tile_index(g, tb | (e << g0), y))];
    swirl_ntt_unit_run(v, M, dit, g, g0, tl, g->lo ? b->x0 + y : 0, tab);
SWIRL_NTT_UNROLL
    for (unsigned e = 0; e < (1u << M); e++)
        sh[swirl_ntt_sh(g, swirl_ntt_tile_index(g, tb | (e << g0), y))] = v[e];
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

#endif /* SWIRL_POLY_NTT_PASS_H */
