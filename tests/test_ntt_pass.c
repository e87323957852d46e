/* The GPU NTT's pass decomposition (poly/ntt_pass.h) run on the host, block by block and "thread"
 * by "thread" with the kernel's phases (load, register groups, store) and the same index, tile and
 * twiddle functions, checked word for word against poly/ntt.c: every size 2^1..2^22 (and 2^25,
 * three passes), 1..64 columns, strides, all four orders, forward and inverse, cosets. The wrapper
 * (scaling, bit reversal) is emulated as device/cuda/ntt.cu runs it. No GPU needed. */
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

/* k_ntt_pass over every block: the load (quads when vec, else elements), the groups, the store */
static void emulate_pass(bb31 *data, const swirl_ntt_tile *g, const bb31 *tab, int dit, int vec,
                         bb31 *sh) {
    const unsigned E = swirl_ntt_tile_elems(g);
    const size_t blocks = swirl_ntt_tile_blocks(g);
    for (size_t blk = 0; blk < blocks; blk++) {
        swirl_ntt_block b = swirl_ntt_block_at(g, blk);
        for (unsigned i = 0; i < swirl_ntt_tile_smem_words(g); i++)
            sh[i].v = 0xdeadbeefu; /* stale shared memory: never read as data of a real column */
        if (vec) {
            for (unsigned f = 0; f < E / 4; f++) {
                unsigned t, y;
                swirl_ntt_quad_at(g, f, &t, &y);
                if (!swirl_ntt_col_ok(g, &b, y))
                    continue;
                size_t off = swirl_ntt_elem_off(g, &b, t, y);
                CHECK(off % 4 == 0); /* 16-byte aligned when the column starts are */
                unsigned dt = g->lo ? 0 : 1, dy = g->lo ? 1 : 0;
                for (unsigned i = 0; i < 4; i++)
                    sh[swirl_ntt_sh(g, swirl_ntt_tile_index(g, t + i * dt, y + i * dy))] =
                        data[off + i];
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
        for (unsigned gi = 0; gi < swirl_ntt_ngroups(g); gi++) {
            unsigned g0, M;
            swirl_ntt_group_at(g, dit, gi, &g0, &M);
            for (unsigned u = 0; u < (E >> M); u++)
                swirl_ntt_unit(sh, M, dit, g, &b, g0, u, tab);
        }
        for (unsigned f = 0; f < E; f++) {
            unsigned t, y;
            swirl_ntt_elem_at(g, f, &t, &y);
            if (swirl_ntt_col_ok(g, &b, y))
                data[swirl_ntt_elem_off(g, &b, t, y)] =
                    sh[swirl_ntt_sh(g, swirl_ntt_tile_index(g, t, y))];
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
    bb31 tab[SWIRL_NTT_TAB_WORDS];
    for (unsigned i = 0; i < SWIRL_NTT_TAB_WORDS; i++)
        tab[i] = swirl_ntt_tab_entry(root, i);
    if (!inverse && !trivial)
        emulate_scale(d, log_n, ncols, stride, shift, scale, in_br);
    swirl_ntt_plan pl;
    swirl_ntt_plan_init(&pl, log_n, ncols);
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
        CHECK(p->k <= SWIRL_NTT_TILE_LOG && swirl_ntt_tile_elems(&g) <= SWIRL_NTT_MAX_TILE);
        CHECK(p->lo == 0 || (1u << p->yl) <= (1u << p->lo));
        CHECK(swirl_ntt_tile_smem_words(&g) <= SWIRL_NTT_MAX_TILE + (SWIRL_NTT_MAX_TILE >> 4) + 1);
        covered += p->k;
        emulate_pass(d, &g, tab, in_br, aligned && swirl_ntt_vec_ok(&g), sh);
    }
    free(sh);
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
                CHECK(pl.pass[i].lo == lo && pl.pass[i].k >= 1 && pl.pass[i].k <= 12);
                swirl_ntt_tile g;
                swirl_ntt_tile_init(&g, log_n, &pl.pass[i], cols, (size_t)1 << log_n);
                CHECK(swirl_ntt_tile_elems(&g) <= SWIRL_NTT_MAX_TILE);
                CHECK(i == 0 || pl.pass[i].yl >= 2); /* strided rows are whole 16-byte loads */
                lo += pl.pass[i].k;
            }
            CHECK(lo == log_n);
            CHECK(pl.np == (log_n <= 12 ? 1u : log_n <= 24 ? 2u : 3u));
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
    if (!swirl_test_sanitized()) /* three passes */
        ntt_case(25, 1, (size_t)1 << 25, bb31_one(), SWIRL_NTT_IN_BITREV, 0);
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

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_plan),   SWIRL_TEST(test_root_tables), SWIRL_TEST(test_all_sizes_orders),
    SWIRL_TEST(test_columns), SWIRL_TEST(test_large),
};

int main(int argc, char **argv) {
    return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
}
