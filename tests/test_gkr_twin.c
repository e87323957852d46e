/* The GPU LogUp-GKR's CPU twin: the schedule of device/cuda/gkr.cu (the blocked fraction tree, the
 * root step, per round the packed setup, the fused fold + sums while the tables are long, the
 * single-block tail with its ping-pong folds, the one-thread transcript steps) replayed on the CPU
 * with the same host/device code (device/gkr_impl.h), against swirl_gkr_prove on the same
 * transcript state: every proof value, the point, the final transcript. The tail threshold is a
 * parameter so that small inputs take the multi-block path too. Runs without a GPU. */
#include <stdlib.h>
#include <string.h>

#include "device/gkr_impl.h"
#include "gkr_leaves.h"
#include "harness.h"
#include "protocol/gkr.h"

static const uint32_t g_ext_init[64] = P2_BB16_RC_EXT_INITIAL_MONT;
static const uint32_t g_ext_final[64] = P2_BB16_RC_EXT_FINAL_MONT;
static const uint32_t g_internal[13] = P2_BB16_RC_INTERNAL_MONT;
static const swirl_ts_tables g_tb = {g_ext_init, g_ext_final, g_internal, 0, NULL};

#define TWIN_BLOCK 256 /* the tree kernel's block: subtrees of 512 nodes */

/* k_gkr_tree: block b of each launch folds 2 * TWIN_BLOCK input nodes level by level */
static void twin_tree(bb31x4 *tp, bb31x4 *tq, const bb31x4 *lp, const bb31x4 *lq, size_t N) {
    const bb31x4 *ip = lp, *iq = lq;
    for (size_t m = N; m >= 2;) {
        size_t span = m < 2 * TWIN_BLOCK ? m : 2 * TWIN_BLOCK;
        for (size_t b = 0; b < m / span; b++) {
            const bb31x4 *cp = ip, *cq = iq;
            size_t level = m;
            for (size_t cnt = span / 2; cnt >= 1; cnt /= 2) {
                size_t parents = level / 2;
                for (size_t t = 0; t < cnt; t++) {
                    size_t g = b * cnt + t;
                    swirl_gkr_node(&tp[parents + g], &tq[parents + g], cp[2 * g], cq[2 * g],
                                   cp[2 * g + 1], cq[2 * g + 1]);
                }
                cp = tp + parents;
                cq = tq + parents;
                level = parents;
            }
        }
        m /= span;
        ip = tp + m;
        iq = tq + m;
    }
}

static void twin_fold_tables(bb31x4 *out, const bb31x4 *in, size_t L, bb31x4 r) {
    size_t half = L / 2;
    for (size_t i = 0; i < SWIRL_GKR_TABLES * half; i++) {
        size_t k = i / half, y = i - k * half;
        out[i] = swirl_gkr_fold(in[k * L + 2 * y], in[k * L + 2 * y + 1], r);
    }
}

/* one round of the device schedule */
static void twin_round(bb31x4 *proof, swirl_transcript *t, swirl_gkr_ctl *ctl, bb31x4 *a,
                       bb31x4 *b, const bb31x4 *lp, const bb31x4 *lq, unsigned n, unsigned round,
                       size_t tail_len) {
    size_t E = (size_t)1 << round, L = E;
    for (size_t x = 0; x < E; x++)
        swirl_gkr_setup_x(a, E, x, lp, lq, ctl->xi, round);
    bb31x4 *cur = a, *oth = b, *tmp;
    unsigned done = 0;
    if (E > tail_len) {
        bb31x4 s[3] = {bb31x4_zero(), bb31x4_zero(), bb31x4_zero()};
        for (size_t y = 0; y < L / 2; y++)
            swirl_gkr_sum_y(s, cur, L, y, ctl->lambda);
        swirl_gkr_seq_subround(t, proof, ctl, n, round, 0, s, &g_tb);
        done = 1;
        while (L / 2 > tail_len) {
            bb31x4 s2[3] = {bb31x4_zero(), bb31x4_zero(), bb31x4_zero()};
            for (size_t y = 0; y < L / 4; y++)
                swirl_gkr_fold_sum_y(s2, oth, cur, L, y, ctl->r, ctl->lambda);
            swirl_gkr_seq_subround(t, proof, ctl, n, round, done, s2, &g_tb);
            tmp = cur, cur = oth, oth = tmp;
            L /= 2;
            done++;
        }
    }
    /* the tail */
    if (done > 0) {
        twin_fold_tables(oth, cur, L, ctl->r);
        tmp = cur, cur = oth, oth = tmp;
        L /= 2;
    }
    for (unsigned sr = done; sr < round; sr++) {
        bb31x4 s[3] = {bb31x4_zero(), bb31x4_zero(), bb31x4_zero()};
        for (size_t y = 0; y < L / 2; y++)
            swirl_gkr_sum_y(s, cur, L, y, ctl->lambda);
        swirl_gkr_seq_subround(t, proof, ctl, n, round, sr, s, &g_tb);
        twin_fold_tables(oth, cur, L, ctl->rho[sr]);
        tmp = cur, cur = oth, oth = tmp;
        L /= 2;
    }
    swirl_gkr_seq_claims(t, proof, ctl, n, round, cur, &g_tb);
}

static void twin_prove(bb31x4 *proof, swirl_transcript *t, const bb31x4 *p, const bb31x4 *q,
                       unsigned n, size_t tail_len) {
    size_t N = (size_t)1 << n, E = n >= 2 ? N / 2 : 1;
    bb31x4 *tp = malloc(N * sizeof *tp), *tq = malloc(N * sizeof *tq);
    bb31x4 *a = malloc(SWIRL_GKR_TABLES * E * sizeof *a);
    bb31x4 *b = malloc(SWIRL_GKR_TABLES * (E / 2 ? E / 2 : 1) * sizeof *b);
    swirl_gkr_ctl *ctl = calloc(1, sizeof *ctl);
    CHECK(tp && tq && a && b && ctl);
    twin_tree(tp, tq, p, q, N);
    swirl_gkr_seq_root(t, proof, ctl, n, tp[1], tq[1], n == 1 ? p : tp + 2, n == 1 ? q : tq + 2,
                       &g_tb);
    for (unsigned round = 1; round < n; round++) {
        size_t Er = (size_t)1 << round;
        const bb31x4 *lp = round + 1 == n ? p : tp + 2 * Er, *lq = round + 1 == n ? q : tq + 2 * Er;
        twin_round(proof, t, ctl, a, b, lp, lq, n, round, tail_len);
    }
    free(tp);
    free(tq);
    free(a);
    free(b);
    free(ctl);
}

static void check_twin(unsigned n, enum gkr_shape shape, size_t tail_len) {
    size_t N = (size_t)1 << n;
    bb31x4 *p = malloc(N * sizeof *p), *q = malloc(N * sizeof *q);
    size_t *idx = malloc(N * sizeof *idx), len = swirl_gkr_proof_len(n);
    bb31x4 *buf = malloc(len * sizeof *buf);
    CHECK(p && q && idx && buf);
    gkr_make_leaves(p, q, idx, n, shape);
    swirl_transcript tc, tg;
    gkr_start_transcript(&tc, n);
    tg = tc;
    swirl_gkr_proof proof;
    bb31x4 xi[SWIRL_GKR_MAX_LAYERS];
    CHECK_OK(swirl_gkr_prove(NULL, &proof, xi, &tc, p, q, n));
    memset(buf, 0xff, len * sizeof *buf);
    twin_prove(buf, &tg, p, q, n, tail_len);
    CHECK(bb31x4_is_zero(buf[1]));
    CHECK(bb31x4_eq(buf[0], proof.q0_claim));
    for (unsigned j = 0; j < n; j++)
        CHECK_MSG(memcmp(buf + swirl_gkr_off_claims(j), &proof.claims_per_layer[j],
                         sizeof proof.claims_per_layer[j]) == 0,
                  "n %u shape %d tail %zu: layer %u claims differ", n, (int)shape, tail_len, j);
    for (size_t e = 0; e < proof.n_sumcheck_entries; e++)
        CHECK_MSG(memcmp(buf + swirl_gkr_off_polys(n) + 3 * e, proof.sumcheck_polys[e],
                         sizeof proof.sumcheck_polys[e]) == 0,
                  "n %u shape %d tail %zu: sumcheck entry %zu differs", n, (int)shape, tail_len, e);
    CHECK(memcmp(buf + swirl_gkr_off_xi(n), xi, n * sizeof *xi) == 0);
    CHECK(gkr_same_state(&tc, &tg));
    swirl_gkr_proof_clear(&proof);
    free(p);
    free(q);
    free(idx);
    free(buf);
}

static void test_twin_random(void) {
    unsigned max_n = swirl_test_sanitized() ? 10 : 13;
    for (unsigned n = 1; n <= max_n; n++) {
        check_twin(n, GKR_RANDOM, 4096);
        check_twin(n, GKR_RANDOM, 4); /* the multi-block path from 8 entries up */
    }
}

static void test_twin_shapes(void) {
    static const enum gkr_shape shapes[] = {GKR_INTERACTIONS, GKR_ZERO_P, GKR_PERIODIC};
    for (size_t s = 0; s < 3; s++)
        for (unsigned n = 1; n <= 11; n += 2) {
            check_twin(n, shapes[s], 4096);
            check_twin(n, shapes[s], 16);
        }
}

/* the layout helpers cover the buffer exactly: claims, then the n(n-1)/2 entries, then xi */
static void test_layout(void) {
    for (unsigned n = 1; n <= SWIRL_GKR_MAX_LAYERS; n++) {
        CHECK(swirl_gkr_off_claims(n) == swirl_gkr_off_polys(n));
        if (n >= 2)
            CHECK(swirl_gkr_entry(n - 1, n - 2) + 1 == (size_t)n * (n - 1) / 2);
        CHECK(swirl_gkr_proof_len(n) == 2 + 5 * (size_t)n + 3 * ((size_t)n * (n - 1) / 2));
    }
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_layout),
    SWIRL_TEST(test_twin_random),
    SWIRL_TEST(test_twin_shapes),
};

int main(int argc, char **argv) {
    return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
}
