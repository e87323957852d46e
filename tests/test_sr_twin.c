/* The GPU stacked opening reduction's CPU twin: the schedule of the device stage
 * (prover/cuda_openings.cu, device/cuda/stacked_reduction.cu) replayed on the CPU with the same
 * host/device code (device/sr_impl.h) and the same host plan (prover/sr_plan.h), against
 * swirl_stacked_reduction_prove on the same transcript state: every proof value, u, the final
 * transcript. Round 0's W tiles, x-lanes and view blocks and the rounds' partial sums take several
 * groupings (the values must not depend on them). Runs without a GPU. */
#include <stdlib.h>
#include <string.h>

#include "prover/sr_plan.h"
#include "sr_fixture.h"

static const uint32_t g_ext_init[64] = P2_BB16_RC_EXT_INITIAL_MONT;
static const uint32_t g_ext_final[64] = P2_BB16_RC_EXT_FINAL_MONT;
static const uint32_t g_internal[13] = P2_BB16_RC_INTERNAL_MONT;
static const swirl_ts_tables g_tb = {g_ext_init, g_ext_final, g_internal, 0, NULL};

typedef struct twin {
    const swirl_sr_plan *pl;
    const swirl_sr_params *pr;
    swirl_sr_class *cls; /* a copy: the u_0 constants are written into it */
    swirl_sr_ctl ctl;
    bb31x4 *lp, *W, *Wr, *S, *lagu, *eq_ub;
    bb31x4 *E[2], *K[2], *Q[2];
    unsigned threads; /* emulated threads of the round sums, x-lanes and view blocks of round 0 */
} twin;

static void *xcalloc(size_t n, size_t sz) {
    void *p = calloc(n ? n : 1, sz);
    CHECK(p != NULL);
    return p;
}

/* k_sr_setup: lambda (one thread), lambda^i, the class eq tables into E[0] */
static void twin_setup(twin *w, swirl_transcript *t, const bb31x4 *r) {
    const swirl_sr_params *pr = w->pr;
    swirl_sr_seq_lambda(t, &w->ctl, &g_tb);
    for (size_t i = 0; i < 2 * pr->ntv; i++)
        w->lp[i] = bb31x4_pow(w->ctl.lambda, i);
    for (size_t g = 0; g < pr->ncls; g++)
        for (uint64_t x = 0; x < ((uint64_t)1 << w->cls[g].n_lift); x++)
            w->E[0][w->cls[g].eoff + x] = swirl_sr_eq_entry(r + 1, w->cls[g].n_lift, x);
}

/* k_sr_w: one tile's partial sums, `threads` emulated x-lanes (any step: the values must not
 * depend on the grouping) */
static void twin_w_tile(twin *w, bb31 *const *mats, uint64_t k, uint64_t b) {
    const swirl_sr_params *pr = w->pr;
    const swirl_sr_view *v = &w->pl->views[k];
    const swirl_sr_class *cl = &w->cls[v->cls];
    uint64_t x0, x1;
    swirl_sr_w_tile(&x0, &x1, cl->n_lift, pr->w_xlog, b - w->pl->woffs[k]);
    const bb31 *col = mats[v->com] + (uint64_t)v->col_idx * pr->Hs + v->row_idx;
    for (uint64_t j = 0; j < pr->N; j++) {
        bb31x4 acc[2] = {bb31x4_zero(), bb31x4_zero()};
        for (unsigned xl = 0; xl < w->threads; xl++) {
            bb31x4 part[2] = {bb31x4_zero(), bb31x4_zero()};
            swirl_sr_w(part, col, w->E[0] + cl->eoff, cl->n_lift, pr->N, j, x0 + xl, x1, w->threads,
                       v->rot);
            acc[0] = bb31x4_add(acc[0], part[0]);
            acc[1] = bb31x4_add(acc[1], part[1]);
        }
        w->W[2 * (b * pr->N + j)] = acc[0];
        w->W[2 * (b * pr->N + j) + 1] = acc[1];
    }
}

/* k_sr_w, k_sr_wsum, k_sr_s0 (`threads` emulated view blocks), k_sr_round0_ctl */
static void twin_round0(twin *w, swirl_transcript *t, bb31x4 *proof, bb31 *const *mats) {
    const swirl_sr_params *pr = w->pr;
    const swirl_sr_view *vs = w->pl->views;
    const uint64_t *woffs = w->pl->woffs;
    for (uint64_t k = 0; k < pr->ntv; k++)
        for (uint64_t b = woffs[k]; b < woffs[k + 1]; b++)
            twin_w_tile(w, mats, k, b);
    for (uint64_t k = 0; k < pr->ntv; k++)
        for (uint64_t j = 0; j < pr->N; j++) {
            bb31x4 acc[2] = {bb31x4_zero(), bb31x4_zero()};
            for (uint64_t b = woffs[k]; b < woffs[k + 1]; b++) {
                acc[0] = bb31x4_add(acc[0], w->W[2 * (b * pr->N + j)]);
                acc[1] = bb31x4_add(acc[1], w->W[2 * (b * pr->N + j) + 1]);
            }
            swirl_sr_w_finish(acc, vs[k].rot);
            w->Wr[2 * (j * pr->ntv + k)] = acc[0];
            w->Wr[2 * (j * pr->ntv + k) + 1] = acc[1];
        }
    bb31 lag[1 << SWIRL_SR_MAX_L_SKIP];
    bb31x4 coef[3 * SWIRL_SR_MAX_CLASSES];
    unsigned nb = w->threads;
    for (uint64_t p = 0; p < pr->P; p++) {
        bb31 pt = swirl_sr_point(pr, p);
        for (uint64_t j = 0; j < pr->N; j++)
            lag[j] = swirl_sr_lag(pr, pt, j);
        for (uint64_t i = 0; i < 3 * pr->ncls; i++)
            coef[i] = swirl_sr_round0_coef(pr, &w->cls[i / 3], pt, (uint32_t)(i % 3));
        for (unsigned b = 0; b < nb; b++) {
            bb31x4 s = bb31x4_zero();
            for (size_t k = b; k < pr->ntv; k += nb) {
                bb31x4 q1 = bb31x4_zero(), q2 = bb31x4_zero();
                for (uint64_t j = 0; j < pr->N; j++) {
                    q1 = bb31x4_add(q1, bb31x4_mul_base(w->Wr[2 * (j * pr->ntv + k)], lag[j]));
                    q2 = bb31x4_add(q2, bb31x4_mul_base(w->Wr[2 * (j * pr->ntv + k) + 1], lag[j]));
                }
                s = bb31x4_add(s, swirl_sr_round0_term(&coef[3 * vs[k].cls], w->lp[2 * k],
                                                       w->lp[2 * k + 1], vs[k].rot, q1, q2));
            }
            w->S[b * pr->P + p] = s;
        }
    }
    for (uint64_t p = 0; p < pr->P; p++)
        for (unsigned b = 1; b < nb; b++)
            w->S[p] = bb31x4_add(w->S[p], w->S[b * pr->P + p]);
    for (uint64_t k = 0; k < pr->N; k++)
        swirl_sr_interp_k(proof, w->S, pr, k);
    swirl_sr_seq_round0(t, proof, &w->ctl, pr, &g_tb);
    for (uint64_t i = 0; i < pr->N; i++)
        w->lagu[i] = swirl_sr_lagu(pr, w->ctl.u[0], i);
    for (size_t g = 0; g < pr->ncls; g++)
        swirl_sr_class_u0(&w->cls[g], pr, w->ctl.u[0]);
}

/* k_sr_fold_ple per commit, k_sr_kr: Q[0] (H per column), E[1] and K[0] */
static void twin_fold_u0(twin *w, bb31 *const *mats) {
    const swirl_sr_params *pr = w->pr;
    for (size_t c = 0; c < w->pl->n_commits; c++) {
        uint64_t wc = w->pl->col_base[c + 1] - w->pl->col_base[c];
        for (uint64_t idx = 0; idx < wc * pr->H; idx++) {
            uint64_t j = idx / pr->H, x = idx % pr->H;
            w->Q[0][(w->pl->col_base[c] + j) * pr->H + x] =
                swirl_sr_fold_ple(mats[c] + j * pr->Hs + x * pr->N, w->lagu, pr->N);
        }
    }
    for (size_t g = 0; g < pr->ncls; g++) {
        const swirl_sr_class *cl = &w->cls[g];
        for (uint64_t x = 0; x < ((uint64_t)1 << cl->n_lift); x++)
            swirl_sr_kr_entry(w->E[1] + cl->eoff, w->K[0] + cl->eoff, w->E[0] + cl->eoff, cl, x);
    }
    for (size_t k = 0; k < pr->ntv; k++)
        w->eq_ub[k] = bb31x4_one();
}

/* one round: sums over the flattened (view, pair) index by emulated threads, the control step,
 * the folds; cur/oth select the ping-pong buffers */
static void twin_round(twin *w, swirl_transcript *t, bb31x4 *proof, unsigned round, int qc,
                       int ec, int kc) {
    const swirl_sr_params *pr = w->pr;
    const swirl_sr_view *vs = w->pl->views;
    const uint64_t *offs = swirl_sr_plan_offs(w->pl, round);
    uint64_t qh = pr->H >> (round - 1), total = offs[pr->ntv];
    /* k_sr_round_sums: `threads` blocks over contiguous chunks, each split among 2 emulated warps
     * of 3 lanes (the kernel: 8 warps of 32) */
    const uint64_t nb = w->threads, nw = 2, nl = 3;
    uint64_t chunk = (total + nb - 1) / nb;
    chunk = (chunk + nw * nl - 1) / (nw * nl) * (nw * nl);
    uint64_t piece = chunk / nw;
    bb31x4 s[2] = {bb31x4_zero(), bb31x4_zero()};
    for (uint64_t th = 0; th < nb * nw * nl; th++) {
        bb31x4 acc[2] = {bb31x4_zero(), bb31x4_zero()};
        uint64_t w0 = th / (nw * nl) * chunk + th % (nw * nl) / nl * piece, i1 = w0 + piece;
        uint64_t i0 = w0 + th % nl;
        i1 = i1 < total ? i1 : total;
        if (i0 < i1)
            swirl_sr_round_sums(acc, vs, w->cls, offs, pr->ntv, pr->l_skip, round, w->Q[qc], qh,
                                w->E[ec], w->K[kc], w->lp, w->eq_ub, i0, i1, nl);
        s[0] = bb31x4_add(s[0], acc[0]);
        s[1] = bb31x4_add(s[1], acc[1]);
    }
    swirl_sr_seq_round(t, proof, &w->ctl, pr, round, s, &g_tb);
    bb31x4 u = w->ctl.u[round];
    for (uint64_t i = 0; i < pr->wtot * (qh / 2); i++) {
        uint64_t c = i / (qh / 2), y = i % (qh / 2);
        w->Q[1 - qc][i] = swirl_sr_fold(w->Q[qc][c * qh + 2 * y], w->Q[qc][c * qh + 2 * y + 1], u);
    }
    for (size_t g = 0; g < pr->ncls; g++) {
        const swirl_sr_class *cl = &w->cls[g];
        uint64_t ny = round <= cl->n_lift ? swirl_sr_table_len(cl, round) / 2 : 1;
        for (uint64_t y = 0; y < ny; y++)
            swirl_sr_table_fold(w->E[1 - ec] + cl->eoff, w->K[1 - kc] + cl->eoff,
                                w->E[ec] + cl->eoff, w->K[kc] + cl->eoff, cl, round, y, u);
    }
    for (size_t k = 0; k < pr->ntv; k++)
        w->eq_ub[k] = swirl_sr_eq_ub_next(&vs[k], pr->l_skip, round, w->eq_ub[k], u);
}

static void twin_prove(const swirl_sr_plan *pl, swirl_transcript *t, bb31x4 *proof,
                       bb31 *const *mats, const bb31x4 *r, unsigned threads) {
    const swirl_sr_params *pr = &pl->prm;
    twin w;
    memset(&w, 0, sizeof w);
    w.pl = pl;
    w.pr = pr;
    w.threads = threads;
    w.cls = xcalloc(pr->ncls, sizeof *w.cls);
    memcpy(w.cls, pl->cls, pr->ncls * sizeof *w.cls);
    w.lp = xcalloc(2 * pr->ntv, sizeof(bb31x4));
    w.W = xcalloc(2 * pr->ntiles * pr->N, sizeof(bb31x4));
    w.Wr = xcalloc(2 * pr->ntv * pr->N, sizeof(bb31x4));
    w.S = xcalloc(pr->P * threads, sizeof(bb31x4));
    w.lagu = xcalloc(pr->N, sizeof(bb31x4));
    w.eq_ub = xcalloc(pr->ntv, sizeof(bb31x4));
    for (int i = 0; i < 2; i++) {
        w.E[i] = xcalloc(pr->etot, sizeof(bb31x4));
        w.K[i] = xcalloc(pr->etot, sizeof(bb31x4));
        w.Q[i] = xcalloc(pr->wtot * (i == 0 ? pr->H : (pr->H / 2 ? pr->H / 2 : 1)),
                         sizeof(bb31x4));
    }
    twin_setup(&w, t, r);
    twin_round0(&w, t, proof, mats);
    twin_fold_u0(&w, mats);
    int qc = 0, ec = 1, kc = 0;
    for (unsigned round = 1; round <= pr->n_stack; round++) {
        twin_round(&w, t, proof, round, qc, ec, kc);
        qc ^= 1, ec ^= 1, kc ^= 1;
    }
    swirl_sr_seq_openings(t, proof, w.Q[qc], pr, &g_tb);
    free(w.cls);
    free(w.lp);
    free(w.W);
    free(w.Wr);
    free(w.S);
    free(w.lagu);
    free(w.eq_ub);
    for (int i = 0; i < 2; i++) {
        free(w.E[i]);
        free(w.K[i]);
        free(w.Q[i]);
    }
}

static void check_twin(int shape, unsigned w_tile, unsigned threads) {
    sr_fixture f;
    srf_shape(&f, shape);
    swirl_transcript tc, tg;
    srf_transcript(&tc);
    tg = tc;
    swirl_stacking_proof ref, got;
    bb31x4 uc[32], ug[32];
    CHECK_OK(swirl_stacked_reduction_prove(NULL, &ref, uc, &tc, f.views, f.n_commits, f.l_skip,
                                           f.n_stack, f.r));
    swirl_sr_plan pl;
    CHECK_OK(swirl_sr_plan_init(&pl, f.views, f.n_commits, f.l_skip, f.n_stack, f.r, w_tile));
    bb31x4 *buf = xcalloc(pl.prm.proof_len, sizeof *buf);
    twin_prove(&pl, &tg, buf, f.matrix, f.r, threads);
    CHECK_OK(swirl_sr_plan_proof(&pl, &got, ug, buf));
    CHECK(got.n_univariate == ref.n_univariate && got.n_rounds == ref.n_rounds);
    CHECK_MSG(memcmp(got.univariate_round_coeffs, ref.univariate_round_coeffs,
                     ref.n_univariate * sizeof(bb31x4)) == 0,
              "shape %d tile %u: round-0 coefficients differ", shape, w_tile);
    CHECK_MSG(memcmp(got.sumcheck_round_polys, ref.sumcheck_round_polys,
                     ref.n_rounds * sizeof *ref.sumcheck_round_polys) == 0,
              "shape %d tile %u: round polynomials differ", shape, w_tile);
    CHECK(got.n_commits == ref.n_commits);
    size_t total = 0;
    for (size_t c = 0; c < ref.n_commits; c++) {
        CHECK(got.openings_per_commit[c] == ref.openings_per_commit[c]);
        total += ref.openings_per_commit[c];
    }
    CHECK_MSG(memcmp(got.stacking_openings, ref.stacking_openings, total * sizeof(bb31x4)) == 0,
              "shape %d: stacking openings differ", shape);
    CHECK(memcmp(uc, ug, (f.n_stack + 1) * sizeof *uc) == 0);
    CHECK_MSG(memcmp(&tc, &tg, sizeof tc) == 0, "shape %d: final transcripts differ", shape);
    swirl_stacking_proof_clear(&ref);
    swirl_stacking_proof_clear(&got);
    swirl_sr_plan_clear(&pl);
    free(buf);
    srf_free(&f);
}

static void test_twin_shapes(void) {
    for (int s = 0; s < SRF_SHAPES + 1; s++) {
        check_twin(s, 0, 1);
        check_twin(s, 1, 5);
        check_twin(s, 4, 32);
        check_twin(s, 2, 3);
    }
}

/* the plan: views in claim order, classes shared by equal heights, the proof layout */
static void test_plan(void) {
    sr_fixture f;
    srf_shape(&f, 1);
    swirl_sr_plan pl;
    CHECK_OK(swirl_sr_plan_init(&pl, f.views, f.n_commits, f.l_skip, f.n_stack, f.r, 0));
    CHECK(pl.prm.ntv == f.layout[0].num_cols + f.layout[1].num_cols);
    CHECK(pl.prm.wtot == f.layout[0].width + f.layout[1].width);
    CHECK(pl.prm.ncls == 7); /* log heights 7, 5, 3, 2, 1, 0 and 4 */
    CHECK(pl.prm.proof_len == pl.prm.P + 2 * f.n_stack + pl.prm.wtot + f.n_stack + 1);
    for (unsigned j = 1; j <= f.n_stack; j++) {
        const uint64_t *o = swirl_sr_plan_offs(&pl, j);
        for (uint64_t i = 0; i < o[pl.prm.ntv]; i += 3) {
            uint64_t k = swirl_sr_find_view(o, pl.prm.ntv, i);
            CHECK(o[k] <= i && i < o[k + 1]);
            for (uint64_t k0 = 0; k0 <= k; k0++) /* the forward search, from any view before */
                CHECK(swirl_sr_find_view_from(o, pl.prm.ntv, k0, i) == k);
        }
    }
    /* round 0's tiles cover each view's x-range once, in order */
    for (unsigned w_tile = 0; w_tile <= 8; w_tile = w_tile ? 2 * w_tile : 1) {
        swirl_sr_plan_clear(&pl);
        CHECK_OK(swirl_sr_plan_init(&pl, f.views, f.n_commits, f.l_skip, f.n_stack, f.r, w_tile));
        CHECK(pl.woffs[0] == 0 && pl.woffs[pl.prm.ntv] == pl.prm.ntiles);
        CHECK(w_tile == 0 || ((uint64_t)1 << pl.prm.w_xlog) == w_tile);
        for (uint64_t k = 0; k < pl.prm.ntv; k++) {
            uint32_t n_lift = pl.cls[pl.views[k].cls].n_lift;
            uint64_t next = 0;
            for (uint64_t b = pl.woffs[k]; b < pl.woffs[k + 1]; b++) {
                uint64_t x0, x1;
                swirl_sr_w_tile(&x0, &x1, n_lift, pl.prm.w_xlog, b - pl.woffs[k]);
                CHECK(x0 == next && x1 > x0);
                next = x1;
            }
            CHECK(next == (uint64_t)1 << n_lift);
        }
    }
    swirl_sr_plan_clear(&pl);
    CHECK_STATUS(swirl_sr_plan_init(&pl, f.views, f.n_commits, f.l_skip, f.n_stack, f.r, 3),
                 SWIRL_E_INVALID_ARG);
    swirl_sr_plan_clear(&pl);
    /* the same argument checks as the CPU prover */
    f.layout[1].height *= 2;
    CHECK_STATUS(swirl_sr_plan_init(&pl, f.views, f.n_commits, f.l_skip, f.n_stack, f.r, 0),
                 SWIRL_E_INVALID_ARG);
    swirl_sr_plan_clear(&pl);
    f.layout[1].height /= 2;
    CHECK_STATUS(swirl_sr_plan_init(&pl, f.views, 0, f.l_skip, f.n_stack, f.r, 0),
                 SWIRL_E_INVALID_ARG);
    swirl_sr_plan_clear(&pl);
    srf_free(&f);
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_plan),
    SWIRL_TEST(test_twin_shapes),
};

int main(int argc, char **argv) {
    return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
}
