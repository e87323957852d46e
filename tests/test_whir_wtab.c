/* The table form of the WHIR w update (device/whir_impl.h: swirl_whir_wtab_entry,
 * swirl_whir_w_term_tab, what prover/cuda_whir.cu runs) against swirl_whir_w_term: bit-identical
 * for random query points, weights, gamma and z0, every nv in 0..18 and several splits lo; and a
 * broken table entry shows in the entries that read it. Runs without a GPU. */
#include <stdlib.h>
#include <string.h>

#include "device/whir_impl.h"
#include "harness.h"

static void *xmalloc(size_t bytes) {
    void *p = malloc(bytes ? bytes : 1);
    CHECK(p != NULL);
    return p;
}

static bb31 rand_base(void) {
    return bb31_from_u32(swirl_test_rand32());
}

static bb31x4 rand_ext(void) {
    bb31x4 v;
    for (int c = 0; c < 4; c++)
        v.c[c] = rand_base();
    return v;
}

/* a point whose powers z^(2^b), b <= 18, are neither 0 nor 1: no table entry is 0 */
static bb31 rand_point(void) {
    for (;;) {
        bb31 z = rand_base();
        if (!bb31_is_zero(z) && !bb31_eq(bb31_pow(z, (uint64_t)1 << 18), bb31_one()))
            return z;
    }
}

static bb31x4 rand_point_ext(void) {
    for (;;) {
        bb31x4 z = rand_ext();
        if (!bb31x4_is_zero(z) && !bb31x4_eq(bb31x4_pow(z, (uint64_t)1 << 18), bb31x4_one()))
            return z;
    }
}

static void rand_ctl(swirl_whir_ctl *ctl, uint32_t nq) {
    memset(ctl, 0, sizeof *ctl);
    ctl->gamma = rand_point_ext(); /* nonzero */
    ctl->z0 = rand_point_ext();
    for (uint32_t i = 0; i < nq; i++) {
        ctl->zs[i] = rand_point();
        ctl->cs[i] = rand_point_ext();
    }
}

/* the tables of (ctl, nq, nv, lo), as k_wh_w_tables writes them */
static void build(bb31 *base, bb31x4 *ext, const swirl_whir_ctl *ctl, uint32_t nq, uint32_t nv,
                  uint32_t lo) {
    uint64_t tl = swirl_whir_wtab_len(nv, lo);
    for (uint64_t t = 0; t < ((uint64_t)nq + 1) * tl; t++)
        swirl_whir_wtab_entry(base, ext, ctl, nq, nv, lo, t);
}

/* every x below 2^12, else 0, the last and random ones */
static uint64_t pick_x(uint32_t nv, uint64_t s) {
    uint64_t n = (uint64_t)1 << nv;
    if (nv <= 12)
        return s;
    return s == 0 ? 0 : s == 1 ? n - 1 : swirl_test_rand_below(n);
}

static uint64_t n_x(uint32_t nv) {
    return nv <= 12 ? (uint64_t)1 << nv : 1024;
}

static void test_matches_w_term(void) {
    for (unsigned it = 0; it < swirl_test_iters(); it++)
        for (uint32_t nv = 0; nv <= 18; nv++) {
            uint32_t nq = nv <= 10 ? 9 : 3;
            uint32_t los[4] = {swirl_whir_wtab_lo(nv), 0, nv,
                               (uint32_t)swirl_test_rand_below(nv + 1)};
            swirl_whir_ctl *ctl = xmalloc(sizeof *ctl);
            rand_ctl(ctl, nq);
            for (int l = 0; l < 4; l++) {
                uint32_t lo = los[l];
                uint64_t tl = swirl_whir_wtab_len(nv, lo);
                bb31 *base = xmalloc(nq * tl * sizeof(bb31));
                bb31x4 *ext = xmalloc(tl * sizeof(bb31x4));
                build(base, ext, ctl, nq, nv, lo);
                for (uint64_t s = 0; s < n_x(nv); s++) {
                    uint64_t x = pick_x(nv, s);
                    bb31x4 a = swirl_whir_w_term(ctl, nq, nv, x);
                    bb31x4 b = swirl_whir_w_term_tab(base, ext, ctl, nq, nv, lo, x);
                    CHECK_MSG(memcmp(&a, &b, sizeof a) == 0, "nv %u lo %u x %llu", nv, lo,
                              (unsigned long long)x);
                }
                free(base);
                free(ext);
            }
            free(ctl);
        }
}

/* one entry off by one (a query's or z0's, in a lo or a hi table): every x that reads it differs
 * from swirl_whir_w_term (no entry is 0, the weights are not) */
static void test_broken_entry(void) {
    for (unsigned it = 0; it < 8 * swirl_test_iters(); it++)
        for (uint32_t nv = 1; nv <= 14; nv++) {
            uint32_t nq = 4, lo = (uint32_t)swirl_test_rand_below(nv + 1);
            uint64_t tl = swirl_whir_wtab_len(nv, lo), nlo = (uint64_t)1 << lo;
            swirl_whir_ctl *ctl = xmalloc(sizeof *ctl);
            rand_ctl(ctl, nq);
            bb31 *base = xmalloc(nq * tl * sizeof(bb31));
            bb31x4 *ext = xmalloc(tl * sizeof(bb31x4));
            build(base, ext, ctl, nq, nv, lo);
            uint64_t q = swirl_test_rand_below(nq + 1), j = swirl_test_rand_below(tl);
            if (q < nq)
                base[q * tl + j] = bb31_add(base[q * tl + j], bb31_one());
            else
                ext[j].c[0] = bb31_add(ext[j].c[0], bb31_one());
            /* the x that read entry j: its lo bits (j < nlo) or its hi bits */
            for (int s = 0; s < 4; s++) {
                uint64_t other = swirl_test_rand_below(j < nlo ? tl - nlo : nlo);
                uint64_t x = j < nlo ? (other << lo) | j : ((j - nlo) << lo) | other;
                bb31x4 a = swirl_whir_w_term(ctl, nq, nv, x);
                bb31x4 b = swirl_whir_w_term_tab(base, ext, ctl, nq, nv, lo, x);
                CHECK_MSG(memcmp(&a, &b, sizeof a) != 0, "nv %u lo %u q %llu j %llu: not seen", nv,
                          lo, (unsigned long long)q, (unsigned long long)j);
            }
            free(base);
            free(ext);
            free(ctl);
        }
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_matches_w_term),
    SWIRL_TEST(test_broken_entry),
};

int main(int argc, char **argv) {
    return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
}
