/* The GPU NTT's pass decomposition (poly/ntt_pass.h) run on the host, block by block and "thread"
 * by "thread" with the kernel's phases (load, register groups, store) and the same index, tile and
 * twiddle functions, checked word for word against poly/ntt.c: every size 2^1..2^24 (and 2^25,
 * three passes), 1..64 columns, strides, all four orders, forward and inverse, cosets; a corrupted
 * table word must change the result. The wrapper (scaling, bit reversal) is emulated as
 * device/cuda/ntt.cu runs it. No GPU needed. */
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "harness.h"
#include "poly/ntt.h"
#include "poly/ntt_pass.h"


static size_t brev(size_t i, unsigned log_n) {
    size_t r = 0;
    for (unsigned b = 0; b < log_n; b++, i >>= 1)
        r = (r << 1) | (i & 1);
    return r;
}

/* the transform's tables as the device builds them (k_ntt_tab) plus group 0's kernel parameters */
typedef struct tables {
    swirl_ntt_tw stab[SWIRL_NTT_STAGE_TW];
    swirl_ntt_c0 c0;
    bb31 rtab[SWIRL_NTT_TAB_WORDS];
} tables;

static void tables_init(tables *t, bb31 root, unsigned log_n) {
    /* the entries the device builds; the rest poisoned: no pass may read them */
    const unsigned nst = swirl_ntt_stage_entries(log_n);
    for (unsigned i = 0; i < SWIRL_NTT_STAGE_TW; i++) {
        t->stab[i].w = t->stab[i].wq = 0x7ead7ead;
        if (i < nst)
            t->stab[i] = swirl_ntt_stage_entry(root, log_n, i);
    }
    swirl_ntt_c0_init(&t->c0, root, log_n);
    for (unsigned i = 0; i < SWIRL_NTT_TAB_WORDS; i++)
        t->rtab[i] = swirl_ntt_tab_entry(root, i);
}

/* tables corrupted before the passes run (test_broken_tables), or none */
static void (*g_corrupt)(struct tables *t, unsigned log_n);

/* k_ntt_pass over every block: the load (quads when vec, else elements), the groups, the store */
static void emulate_pass(bb31 *data, const swirl_ntt_tile *g, const tables *tb, int dit, int vec,
                         bb31 *sh) {
    const unsigned E = swirl_ntt_tile_elems(g);
    const size_t blocks = swirl_ntt_tile_blocks(g);
    const unsigned top_g0 = swirl_ntt_top_g0(g);
    for (size_t blk = 0; blk < blocks; blk++) {
        swirl_ntt_block b = swirl_ntt_block_at(g, blk);
        for (unsigned i = 0; i < swirl_ntt_tile_smem_words(g); i++)
            sh[i].v = 0xdeadbeefu; /* stale shared memory: never read as data of a real column */
        const unsigned T = swirl_ntt_threads(g);
        if (vec && swirl_ntt_walk_ok(g)) {
            /* the kernel's strength-reduced walk: the quads of quad_at, thread by thread */
            CHECK(swirl_ntt_quads(g) % T == 0);
            for (unsigned tid = 0; tid < T; tid++) {
                swirl_ntt_walk w = swirl_ntt_walk_at(g, &b, tid);
                for (unsigned i = 0; i < w.n; i++) {
                    unsigned t, y;
                    swirl_ntt_quad_at(g, tid + i * T, &t, &y);
                    CHECK(swirl_ntt_col_ok(g, &b, y));
                    const size_t off = w.off0 + i * w.doff;
                    const unsigned q = w.sh0 + i * w.dsh;
                    CHECK(off == swirl_ntt_elem_off(g, &b, t, y) && off % 4 == 0);
                    CHECK(q == swirl_ntt_sh(g, swirl_ntt_tile_index(g, t, y)));
                    CHECK(!g->strided || q % 4 == 0); /* the kernel's 16-byte shared accesses */
                    for (unsigned j = 0; j < 4; j++) {
                        unsigned dt = g->strided ? 0 : j, dy = g->strided ? j : 0;
                        CHECK(swirl_ntt_sh(g, swirl_ntt_tile_index(g, t + dt, y + dy)) == q + j);
                        sh[q + j] = data[off + j];
                    }
                }
            }
        } else if (vec) {
            for (unsigned f = 0; f < swirl_ntt_quads(g); f++) {
                unsigned t, y;
                swirl_ntt_quad_at(g, f, &t, &y);
                if (!swirl_ntt_col_ok(g, &b, y))
                    continue;
                size_t off = swirl_ntt_elem_off(g, &b, t, y);
                CHECK(off % 4 == 0); /* 16-byte aligned when the column starts are */
                unsigned dt = g->strided ? 0 : 1, dy = g->strided ? 1 : 0;
                unsigned q = swirl_ntt_sh(g, swirl_ntt_tile_index(g, t, y));
                CHECK(!g->strided || q % 4 == 0); /* the kernel's 16-byte shared accesses */
                for (unsigned i = 0; i < 4; i++) {
                    /* a quad's shared words are consecutive */
                    CHECK(swirl_ntt_sh(g, swirl_ntt_tile_index(g, t + i * dt, y + i * dy)) ==
                          q + i);
                    sh[q + i] = data[off + i];
                }
            }
        } else {
            for (unsigned f = 0; f < E; f++) {
                unsigned t, y;
                swirl_ntt_elem_at(g, f, &t, &y);
                if (swirl_ntt_col_ok(g, &b, y))
                    sh[swirl_ntt_sh(g, swirl_ntt_tile_index(g, t, y))] =
                        data[swirl_ntt_elem_off(g, &b, t, y)];
            }
        }
        swirl_ntt_gctx c;
        c.stab = tb->stab;
        c.c0 = tb->c0.t;
        c.rtab = tb->rtab;
        c.tw.e = 0;
        c.tw.ratio.w = c.tw.ratio.wq = 0;
        swirl_ntt_tw ratios[16]; /* chunked: one a chunk, as the kernel's shared table */
        c.hi0 = b.hi;
        c.ratios = ratios;
        if (g->twist) {
            c.tw.e = swirl_ntt_twist_e(g, &b);
            c.tw.ratio = swirl_ntt_twist_ratio(g, c.tw.e, top_g0, tb->rtab);
        }
        if (g->chunks) {
            CHECK(g->yl <= 4);
            for (unsigned y = 0; y < (1u << g->yl); y++)
                ratios[y] = swirl_ntt_twist_ratio(g, swirl_ntt_twist_e_hi(g, b.hi + y), top_g0,
                                                  tb->rtab);
        }
        const unsigned ng = swirl_ntt_ngroups(g);
        for (unsigned gi = 0; gi < ng; gi++) {
            unsigned g0, M;
            swirl_ntt_group_at(g, dit, gi, &g0, &M);
            c.twist = g->twist && g0 == top_g0;
            c.first = gi == 0;
            c.last = gi == ng - 1;
            for (unsigned u = 0; u < (E >> M); u++) {
                unsigned tbase, y, tl;
                swirl_ntt_unit_at(g, g0, M, u, &tbase, &y, &tl);
                CHECK(tl == (tbase & ((1u << g0) - 1)));
                /* the unit's words: its base plus offsets that do not depend on the unit */
                unsigned base = swirl_ntt_sh(g, swirl_ntt_tile_index(g, tbase, y));
                for (unsigned e = 0; e < (1u << M); e++)
                    CHECK(swirl_ntt_sh(g, swirl_ntt_tile_index(g, tbase | (e << g0), y)) ==
                          base + swirl_ntt_unit_off(g, g0, e));
                swirl_ntt_unit(sh, M, dit, g, g0, u, &c);
            }
        }
        if (vec && swirl_ntt_walk_ok(g)) {
            for (unsigned tid = 0; tid < T; tid++) {
                swirl_ntt_walk w = swirl_ntt_walk_at(g, &b, tid);
                for (unsigned i = 0; i < w.n; i++)
                    for (unsigned j = 0; j < 4; j++) {
                        bb31 x = sh[w.sh0 + i * w.dsh + j];
                        CHECK(x.v < BB31_P || g_corrupt); /* stores are canonical */
                        data[w.off0 + i * w.doff + j] = x;
                    }
            }
        } else {
            for (unsigned f = 0; f < E; f++) {
                unsigned t, y;
                swirl_ntt_elem_at(g, f, &t, &y);
                if (swirl_ntt_col_ok(g, &b, y)) {
                    bb31 x = sh[swirl_ntt_sh(g, swirl_ntt_tile_index(g, t, y))];
                    CHECK(x.v < BB31_P || g_corrupt); /* stores are canonical */
                    data[swirl_ntt_elem_off(g, &b, t, y)] = x;
                }
            }
        }
    }
}

static void emulate_scale(bb31 *d, unsigned log_n, size_t ncols, size_t stride, bb31 shift,
                          bb31 scale, int br) {
    size_t n = (size_t)1 << log_n;
    for (size_t c = 0; c < ncols; c++)
        for (size_t p = 0; p < n; p++)
            d[c * stride + p] = bb31_mul(
                d[c * stride + p], bb31_mul(scale, bb31_pow(shift, br ? brev(p, log_n) : p)));
}

/* a plan to use instead of swirl_ntt_plan_init's (test_custom_plans), or none; g_chunk: the
 * fused kernel's plan (swirl_ntt_plan_chunk); g_split_ks / g_split_yl: swirl_ntt_plan_split's */
static const swirl_ntt_plan *g_plan;
static int g_chunk;
static unsigned g_split_ks, g_split_yl;

/* swirl_cuda_ntt, step by step */
static void emulate_ntt(bb31 *d, unsigned log_n, size_t ncols, size_t stride, bb31 shift,
                        unsigned flags, int inverse) {
    if (ncols == 0 || log_n == 0)
        return;
    size_t n = (size_t)1 << log_n;
    int in_br = (flags & SWIRL_NTT_IN_BITREV) != 0, out_br = (flags & SWIRL_NTT_OUT_BITREV) != 0;
    bb31 root, scale = bb31_one();
    CHECK_OK(bb31_two_adic_generator(&root, log_n));
    if (inverse) {
        root = bb31_inv(root);
        shift = bb31_inv(shift);
        scale = bb31_inv(bb31_from_u32((uint32_t)n));
    }
    int trivial = bb31_eq(shift, bb31_one()) && bb31_eq(scale, bb31_one());
    tables *tb = malloc(sizeof *tb);
    CHECK(tb != NULL);
    tables_init(tb, root, log_n);
    if (g_corrupt)
        g_corrupt(tb, log_n);
    if (!inverse && !trivial)
        emulate_scale(d, log_n, ncols, stride, shift, scale, in_br);
    swirl_ntt_plan pl;
    swirl_ntt_plan_init(&pl, log_n, ncols);
    if (g_plan)
        pl = *g_plan;
    if (g_chunk)
        CHECK(swirl_ntt_plan_chunk(&pl));
    if (g_split_ks) {
        CHECK(swirl_ntt_plan_split(&pl, g_split_ks, g_split_yl));
        CHECK(pl.pass[1].k == g_split_ks && pl.pass[1].yl == g_split_yl);
    }
    CHECK(pl.np >= 1 && pl.np <= SWIRL_NTT_MAX_PASSES);
    unsigned covered = 0;
    /* the device takes 16-byte accesses when d is aligned and stride % 4 == 0: d is from malloc */
    const int aligned = stride % 4 == 0;
    bb31 *sh = malloc((SWIRL_NTT_MAX_TILE + (SWIRL_NTT_MAX_TILE >> 4) + 1) * sizeof *sh);
    CHECK(sh != NULL);
    for (unsigned pi = 0; pi < pl.np; pi++) {
        const swirl_ntt_pass *p = &pl.pass[in_br ? pi : pl.np - 1 - pi];
        swirl_ntt_tile g;
        swirl_ntt_tile_init(&g, log_n, p, ncols, stride);
        CHECK(p->k <= SWIRL_NTT_STAGE_LOG &&
              swirl_ntt_tile_elems(&g) <= SWIRL_NTT_MAX_TILE);
        CHECK(p->lo == 0 || (1u << p->yl) <= (1u << p->lo));
        CHECK(swirl_ntt_tile_smem_words(&g) <= SWIRL_NTT_MAX_TILE + (SWIRL_NTT_MAX_TILE >> 4) + 1);
        const unsigned asc = in_br ? pi : pl.np - 1 - pi;
        CHECK(g.twist == (asc + 1 < pl.np)); /* every pass but the top one twists */
        covered += p->k;
        emulate_pass(d, &g, tb, in_br, aligned && swirl_ntt_vec_ok(&g), sh);
    }
    free(sh);
    free(tb);
    CHECK(covered == log_n);
    if (in_br == out_br)
        CHECK_OK(swirl_bit_reverse(d, log_n, ncols, stride));
    if (inverse && !trivial)
        emulate_scale(d, log_n, ncols, stride, shift, scale, out_br);
}

static void ntt_case(unsigned log_n, size_t ncols, size_t stride, bb31 shift, unsigned flags,
                     int inverse) {
    size_t total = stride * ncols;
    bb31 *ref = swirl_test_rand_felts(total), *got = malloc((total ? total : 1) * sizeof *got);
    CHECK(got != NULL);
    memcpy(got, ref, total * sizeof *got);
    emulate_ntt(got, log_n, ncols, stride, shift, flags, inverse);
    if (inverse)
        CHECK_OK(swirl_ntt_inverse(ref, log_n, ncols, stride, shift, flags));
    else
        CHECK_OK(swirl_ntt_forward(ref, log_n, ncols, stride, shift, flags));
    CHECK_MSG(memcmp(got, ref, total * sizeof *got) == 0,
              "pass emulation 2^%u x %zu (stride %zu, flags %u, inverse %d) differs from the CPU",
              log_n, ncols, stride, flags, inverse);
    free(ref);
    free(got);
}

/* the plan covers every bit once, with tiles that fit */
static void test_plan(void) {
    for (unsigned log_n = 1; log_n <= BB31_TWO_ADICITY; log_n++)
        for (size_t cols = 1; cols <= 300; cols = cols * 3 + 1) {
            swirl_ntt_plan pl;
            swirl_ntt_plan_init(&pl, log_n, cols);
            unsigned lo = 0;
            for (unsigned i = 0; i < pl.np; i++) {
                CHECK(pl.pass[i].lo == lo && pl.pass[i].k >= 1 &&
                      pl.pass[i].k <= (i == 0 ? SWIRL_NTT_STAGE_LOG : 12u));
                swirl_ntt_tile g;
                swirl_ntt_tile_init(&g, log_n, &pl.pass[i], cols, (size_t)1 << log_n);
                CHECK(swirl_ntt_tile_elems(&g) <= SWIRL_NTT_MAX_TILE);
                CHECK(i == 0 || pl.pass[i].yl >= 2); /* strided rows are whole 16-byte loads */
                /* the kernels' group variants: a strided or twisting pass has its group 0 whole
                 * and its top group above it */
                if (g.strided || g.twist)
                    CHECK(pl.pass[i].k > SWIRL_NTT_GROUP && swirl_ntt_top_g0(&g) > 0);
                CHECK(swirl_ntt_threads(&g) >= 32 && swirl_ntt_threads(&g) <= 512);
                if (swirl_ntt_walk_ok(&g))
                    CHECK(swirl_ntt_quads(&g) % swirl_ntt_threads(&g) == 0);
                lo += pl.pass[i].k;
            }
            CHECK(lo == log_n);
            CHECK(pl.np == (log_n <= 12 ? 1u : log_n <= 24 ? 2u : 3u));
            /* 16-word strided rows at 2^16 .. 2^24 but 2^23 (the measured splits) */
            if (pl.np == 2)
                CHECK(pl.pass[1].yl == (log_n >= 16 && log_n != 23 ? 4u : 3u));
            /* the fused kernel's plan: 2^20 .. 2^24, both passes 512 threads, the chunked one
             * walks its 16-byte quads */
            swirl_ntt_plan pc = pl;
            const int ch = swirl_ntt_plan_chunk(&pc);
            CHECK(ch == (log_n >= 20 && log_n <= 24));
            if (!ch)
                CHECK(memcmp(&pc, &pl, sizeof pl) == 0);
            for (unsigned i = 0; ch && i < 2; i++) {
                swirl_ntt_tile g;
                swirl_ntt_tile_init(&g, log_n, &pc.pass[i], cols, (size_t)1 << log_n);
                CHECK(swirl_ntt_threads(&g) == 512 && swirl_ntt_tile_elems(&g) <= SWIRL_NTT_MAX_TILE);
                /* a 14-bit contiguous pass is one plain tile a 2^14 block of its column */
                CHECK(g.chunks == (i == 0 && g.k < 14) && swirl_ntt_walk_ok(&g) &&
                      swirl_ntt_vec_ok(&g));
                CHECK(swirl_ntt_tile_blocks(&g) == cols << g.gpc_log);
                CHECK(i == 0 || (pc.pass[i].yl >= 3 && pc.pass[i].yl <= 5)); /* the kernel's */
                CHECK(g.k >= (i == 0 ? 10u : 5u) && g.k <= SWIRL_NTT_STAGE_LOG);
            }
            /* the same bits as the plan's, the same strided pass but for its rows */
            CHECK(!ch || (pc.pass[0].k == pl.pass[0].k && pc.pass[1].k == pl.pass[1].k));
            /* the splits (SWIRL_NTT_SPLIT / _YL): taken exactly when the kernels can run them */
            for (unsigned ks = 0; ks <= 16; ks++)
                for (unsigned yl = 0; yl <= 6; yl++) {
                    swirl_ntt_plan ps = pl;
                    const int ok = swirl_ntt_plan_split(&ps, ks, yl);
                    const unsigned kc = log_n - ks;
                    const int fits = pl.np == 2 && ks > 4 && ks < log_n && kc > 4 && kc <= 14 &&
                                     yl >= 2 && yl <= 5 && yl <= kc && ks + yl <= 14;
                    CHECK_MSG(ok == fits, "split 2^%u as %u strided bits, yl %u", log_n, ks, yl);
                    if (!ok) {
                        CHECK(memcmp(&ps, &pl, sizeof pl) == 0);
                        continue;
                    }
                    CHECK(ps.pass[0].lo == 0 && ps.pass[0].k == kc && ps.pass[1].lo == kc);
                    /* the fused plan of a split: rows the fused kernels run (8, 16, 32 words),
                     * or no fused plan (SWIRL_NTT_FUSE then launches the passes) */
                    swirl_ntt_plan pf = ps;
                    if (swirl_ntt_plan_chunk(&pf))
                        CHECK_MSG(pf.pass[1].yl >= 3 && pf.pass[1].yl <= 5,
                                  "fused plan of 2^%u split %u / %u has %u-word rows", log_n, ks,
                                  yl, 1u << pf.pass[1].yl);
                    else
                        CHECK(memcmp(&pf, &ps, sizeof ps) == 0);
                    for (unsigned i = 0; i < 2; i++) {
                        swirl_ntt_tile g;
                        swirl_ntt_tile_init(&g, log_n, &ps.pass[i], cols, (size_t)1 << log_n);
                        CHECK(swirl_ntt_tile_elems(&g) <= SWIRL_NTT_MAX_TILE);
                        CHECK(swirl_ntt_threads(&g) >= 32 && swirl_ntt_threads(&g) <= 512);
                        CHECK(swirl_ntt_top_g0(&g) > 0 && !g.chunks);
                        if (swirl_ntt_walk_ok(&g))
                            CHECK(swirl_ntt_quads(&g) % swirl_ntt_threads(&g) == 0);
                    }
                }
        }
}

/* root^e from the tables equals bb31_pow */
static void test_root_tables(void) {
    bb31 root, tab[SWIRL_NTT_TAB_WORDS];
    CHECK_OK(bb31_two_adic_generator(&root, 27));
    for (unsigned i = 0; i < SWIRL_NTT_TAB_WORDS; i++)
        tab[i] = swirl_ntt_tab_entry(root, i);
    for (unsigned r = 0; r < 2000; r++) {
        uint32_t e = r < 27 ? (1u << r) - 1 : swirl_test_rand32() & ((1u << 27) - 1);
        CHECK(bb31_eq(swirl_ntt_root_pow(tab, e), bb31_pow(root, e)));
    }
}

/* the lazy words: Shoup and Montgomery products against bb31_mul, the ranges the passes rely on */
static void test_words(void) {
    static const uint32_t edge[] = {0, 1, 2, BB31_P - 1, BB31_P, BB31_P + 1, 2 * BB31_P - 1,
                                    0x7fffffffu, 0x80000000u, 0xffffffffu};
    bb31 root;
    CHECK_OK(bb31_two_adic_generator(&root, 27));
    for (unsigned r = 0; r < 200000; r++) {
        uint32_t a = r < 100 ? edge[r % 10] : swirl_test_rand32();
        bb31 wm =
            r < 100 ? bb31_pow(root, edge[r / 10] & 0xffffff) : bb31_from_u32(swirl_test_rand32());
        if (r % 7 == 0)
            wm = r % 2 ? bb31_one() : bb31_from_u32(BB31_P - 1);
        swirl_ntt_tw w = swirl_ntt_tw_of(wm);
        CHECK(w.w < BB31_P && (uint64_t)w.wq == ((uint64_t)w.w << 32) / BB31_P);
        /* the companion without division, at any plain value (and at the edges) */
        uint32_t pw = r < 64 ? (r < 32 ? r : BB31_P - 1 - (r - 32)) : a % BB31_P;
        CHECK((uint64_t)swirl_ntt_wq(pw) == ((uint64_t)pw << 32) / BB31_P);
        /* Shoup: any 32-bit a, result in [0, 2p) and equal to a * w mod p */
        uint32_t s = swirl_ntt_shoup(a, w);
        bb31 am;
        am.v = a % BB31_P;
        CHECK(s < 2 * BB31_P && swirl_ntt_canon(s) == bb31_mul(am, wm).v);
        /* Montgomery: a < 2p times b < p, result in [0, 2p) */
        uint32_t a2 = a % (2 * BB31_P);
        uint32_t m = swirl_ntt_mont(a2, wm.v);
        CHECK(m < 2 * BB31_P);
        am.v = a2 % BB31_P;
        CHECK(swirl_ntt_canon(m) == bb31_mul(am, wm).v);
        /* butterflies on lazy inputs stay in [0, 2p) */
        uint32_t x = a2, y = (a2 * 2654435761u) % (2 * BB31_P), x2 = x, y2 = y;
        swirl_ntt_bf_dit(&x, &y, w, r & 1, 0);
        swirl_ntt_bf_dif(&x2, &y2, w, r & 1, 0);
        CHECK(x < 2 * BB31_P && y < 2 * BB31_P && x2 < 2 * BB31_P && y2 < 2 * BB31_P);
    }
    /* the double estimate's hard cases: w 2^32 mod p just above 0 or just below p (the Montgomery
     * word k is w 2^32 mod p for w = bb31_to_u32(k)) */
    for (uint32_t k = 0; k < 4096; k++) {
        bb31 x;
        x.v = k < 2048 ? k : BB31_P - 1 - (k - 2048);
        uint32_t pw = bb31_to_u32(x);
        CHECK((uint64_t)swirl_ntt_wq(pw) == ((uint64_t)pw << 32) / BB31_P);
    }
    for (uint32_t x = 0; x < 64; x++) /* bit reversal */
        CHECK(swirl_ntt_rev(x, 6) == (uint32_t)brev(x, 6) && swirl_ntt_rev(x, 0) == 0);
}

static void test_all_sizes_orders(void) {
    for (unsigned k = 1; k <= 16; k++)
        for (unsigned flags = 0; flags < 4; flags++) {
            ntt_case(k, 1, (size_t)1 << k, bb31_one(), flags, 0);
            ntt_case(k, 1, (size_t)1 << k, bb31_one(), flags, 1);
        }
}

/* the commit's order (bit-reversed in, natural out) and WHIR's, at every size to 2^22 */
static void test_large(void) {
    unsigned max_log = swirl_test_sanitized() ? 20 : 22;
    for (unsigned k = 17; k <= max_log; k++) {
        ntt_case(k, 1, (size_t)1 << k, bb31_one(), SWIRL_NTT_IN_BITREV, 0);
        ntt_case(k, 1, (size_t)1 << k, bb31_one(), SWIRL_NTT_NONE, 1);
    }
    ntt_case(20, 2, (size_t)1 << 20, bb31_from_u32(7), SWIRL_NTT_IN_BITREV, 0);
    ntt_case(21, 1, (size_t)1 << 21, bb31_one(), SWIRL_NTT_OUT_BITREV, 1);
    if (!swirl_test_sanitized()) {
        /* 2^23: 12 + 11 bits (8-word rows); 2^24: 14 + 10 (16-word rows); then three passes (the
         * middle one twists too) */
        ntt_case(23, 1, (size_t)1 << 23, bb31_one(), SWIRL_NTT_IN_BITREV, 0);
        ntt_case(24, 1, (size_t)1 << 24, bb31_one(), SWIRL_NTT_NONE, 1);
        ntt_case(25, 1, (size_t)1 << 25, bb31_one(), SWIRL_NTT_IN_BITREV, 0);
        ntt_case(25, 1, (size_t)1 << 25, bb31_one(), SWIRL_NTT_NONE, 0);
    }
}

/* a wrong table word must show: one stage-table twiddle (group 1 and up), one of group 0's
 * parameters, one root power (the twist) */
static int g_which;
static void corrupt(tables *t, unsigned log_n) {
    (void)log_n;
    if (g_which == 0)
        t->stab[(1u << 5) - 1 + 3].w ^= 1; /* stage 5, j = 3 */
    else if (g_which == 1)
        t->c0.t[(1u << 2) - 1 + 1].wq ^= 1u << 31; /* stage 2, j = 1 */
    else
        t->rtab[SWIRL_NTT_TAB + 1].v ^= 2; /* root^512 */
}
static int differs(unsigned log_n, unsigned flags, int inverse) {
    size_t n = (size_t)1 << log_n;
    bb31 *ref = swirl_test_rand_felts(n), *got = malloc(n * sizeof *got);
    CHECK(got != NULL);
    memcpy(got, ref, n * sizeof *got);
    emulate_ntt(got, log_n, 1, n, bb31_one(), flags, inverse);
    if (inverse)
        CHECK_OK(swirl_ntt_inverse(ref, log_n, 1, n, bb31_one(), flags));
    else
        CHECK_OK(swirl_ntt_forward(ref, log_n, 1, n, bb31_one(), flags));
    int d = memcmp(got, ref, n * sizeof *got) != 0;
    free(ref);
    free(got);
    return d;
}
static void test_broken_tables(void) {
    g_corrupt = corrupt;
    for (g_which = 0; g_which < 3; g_which++) { /* 2^16: two 8-bit passes, both groups used */
        CHECK(differs(16, SWIRL_NTT_IN_BITREV, 0));
        CHECK(differs(16, SWIRL_NTT_NONE, 1));
    }
    g_which = 1;
    CHECK(differs(3, SWIRL_NTT_IN_BITREV, 0)); /* one pass, group 0 only */
    g_corrupt = NULL;
    CHECK(!differs(16, SWIRL_NTT_IN_BITREV, 0));
}

/* many columns: short ones share a tile (tails of partial tiles), odd strides take the scalar path */
static void test_columns(void) {
    static const size_t cols[] = {1, 2, 3, 5, 16, 31, 32, 33, 64};
    static const unsigned logs[] = {1, 2, 4, 5, 9, 12, 13, 14};
    for (size_t li = 0; li < sizeof logs / sizeof logs[0]; li++)
        for (size_t ci = 0; ci < sizeof cols / sizeof cols[0]; ci++) {
            unsigned k = logs[li];
            size_t n = (size_t)1 << k;
            ntt_case(k, cols[ci], n, bb31_one(), SWIRL_NTT_IN_BITREV, 0);
            ntt_case(k, cols[ci], n + (ci & 1 ? 3 : 4), bb31_one(), SWIRL_NTT_NONE, 1);
        }
    ntt_case(4, 4096 + 7, 16, bb31_one(), SWIRL_NTT_NONE, 1); /* WHIR's l_skip chunks */
    ntt_case(10, 3, 1029, bb31_from_u32(BB31_GENERATOR), SWIRL_NTT_NONE, 0);
    ntt_case(13, 5, 8192 + 7, bb31_from_u32(BB31_GENERATOR), SWIRL_NTT_NONE, 1);
    ntt_case(16, 64, (size_t)1 << 16, bb31_one(), SWIRL_NTT_IN_BITREV, 0);
    ntt_case(18, 16, (size_t)1 << 18, bb31_one(), SWIRL_NTT_IN_BITREV, 0);
}

/* Other splits than the plan's, at sizes the host runs quickly: the decomposition holds for any
 * split the kernels take (strided and twisting passes with k >= 5, strided k <= 11 with Y = 8 or
 * k = 12 with Y = 4): e.g. a twisting strided pass whose top group has one or two stages (the
 * plan's 2^26 and 2^27). */
static void test_custom_plans(void) {
    static const unsigned splits[][3] = {{5, 5, 5},  {7, 5, 9},  {6, 9, 5},  {5, 9, 5},
                                         {5, 10, 5}, {12, 5, 0}, {5, 12, 0}, {8, 6, 6}};
    for (size_t i = 0; i < sizeof splits / sizeof splits[0]; i++) {
        swirl_ntt_plan pl;
        unsigned lo = 0;
        pl.np = 0;
        for (unsigned j = 0; j < 3 && splits[i][j]; j++) {
            pl.pass[j].lo = lo;
            pl.pass[j].k = splits[i][j];
            pl.pass[j].yl = j == 0 ? 0 : splits[i][j] <= 11 ? 3 : 2;
            lo += splits[i][j];
            pl.np++;
        }
        pl.log_n = lo;
        g_plan = &pl;
        size_t n = (size_t)1 << lo;
        if (i % 2 == 0 || !swirl_test_sanitized())
            ntt_case(lo, 1, n, bb31_one(), SWIRL_NTT_IN_BITREV, 0);
        if (i % 2 == 1 || !swirl_test_sanitized())
            ntt_case(lo, 2, n + 4, bb31_one(), SWIRL_NTT_NONE, 1);
        if (!swirl_test_sanitized())
            ntt_case(lo, 1, n, bb31_from_u32(7), SWIRL_NTT_OUT_BITREV, 0);
        g_plan = NULL;
    }
}

/* other splits (SWIRL_NTT_SPLIT / _YL): strided rows of 16 and 32 words, contiguous passes of
 * 13 and 14 bits (their top groups of one and two stages), both directions, a stride */
static void test_splits(void) {
    static const unsigned sp[][3] = {{20, 8, 5}, {20, 10, 4}, {18, 9, 5}, {22, 8, 5},
                                     {19, 6, 4}, {24, 10, 4}, {17, 12, 2}, {21, 7, 3}};
    for (size_t i = 0; i < sizeof sp / sizeof sp[0]; i++) {
        const unsigned log_n = sp[i][0];
        if (swirl_test_sanitized() && log_n > 20)
            continue;
        const size_t n = (size_t)1 << log_n;
        g_split_ks = sp[i][1];
        g_split_yl = sp[i][2];
        ntt_case(log_n, i % 3 == 0 ? 2 : 1, n, bb31_one(), SWIRL_NTT_IN_BITREV, 0);
        if (log_n <= 20)
            ntt_case(log_n, 2, n + 4, bb31_from_u32(7), SWIRL_NTT_NONE, 1);
        g_split_ks = g_split_yl = 0;
    }
}

/* the fused kernel's plan: chunked contiguous tiles (a twist a chunk), 2^20 .. 2^24, both
 * directions, several columns and a stride; a wrong twist ratio shows */
static void test_chunked(void) {
    g_chunk = 1;
    ntt_case(20, 3, (size_t)1 << 20, bb31_one(), SWIRL_NTT_IN_BITREV, 0);
    ntt_case(20, 2, ((size_t)1 << 20) + 4, bb31_from_u32(7), SWIRL_NTT_NONE, 1);
    ntt_case(21, 1, (size_t)1 << 21, bb31_one(), SWIRL_NTT_OUT_BITREV, 0);
    if (!swirl_test_sanitized()) {
        ntt_case(22, 2, (size_t)1 << 22, bb31_one(), SWIRL_NTT_IN_BITREV, 0);
        ntt_case(22, 1, (size_t)1 << 22, bb31_one(), SWIRL_NTT_NONE, 1);
        ntt_case(23, 1, (size_t)1 << 23, bb31_one(), SWIRL_NTT_IN_BITREV, 0);
        ntt_case(24, 1, (size_t)1 << 24, bb31_one(), SWIRL_NTT_NONE, 1); /* 13 + 11 */
        ntt_case(24, 1, (size_t)1 << 24, bb31_from_u32(7), SWIRL_NTT_IN_BITREV, 0);
    }
    g_corrupt = corrupt;
    g_which = 2; /* root^512: chunk hi > 0 twists use it */
    CHECK(differs(20, SWIRL_NTT_IN_BITREV, 0));
    g_corrupt = NULL;
    g_chunk = 0;
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_plan),    SWIRL_TEST(test_root_tables),   SWIRL_TEST(test_words),
    SWIRL_TEST(test_all_sizes_orders), SWIRL_TEST(test_columns), SWIRL_TEST(test_broken_tables),
    SWIRL_TEST(test_custom_plans), SWIRL_TEST(test_large), SWIRL_TEST(test_chunked), SWIRL_TEST(test_splits),
};

int main(int argc, char **argv) {
    return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
}
