/* The GPU stacked opening reduction's CPU twin: the schedule of the device stage
 * (prover/cuda_openings.cu, device/cuda/stacked_reduction.cu) replayed on the CPU with the same
 * host/device code (device/sr_impl.h) and the same host plan (prover/sr_plan.h), against
 * swirl_stacked_reduction_prove on the same transcript state: every proof value, u, the final
 * transcript. Round 0's x-chunking and the rounds' partial sums take several groupings (the
 * values must not depend on them). Runs without a GPU. */
#include <stdlib.h>
#include <string.h>

#include "prover/sr_plan.h"
#include "sr_fixture.h"

static const uint32_t g_ext_init[64] = P2_BB16_RC_EXT_INITIAL_MONT;
static const uint32_t g_ext_final[64] = P2_BB16_RC_EXT_FINAL_MONT;
static const uint32_t g_internal[13] = P2_BB16_RC_INTERNAL_MONT;
static const swirl_ts_tables g_tb = {g_ext_init, g_ext_final, g_internal};

typedef struct twin {
    const swirl_sr_plan *pl;
    const swirl_sr_params *pr;
    swirl_sr_class *cls; /* a copy: the u_0 constants are written into it */
    swirl_sr_ctl ctl;
    bb31x4 *lp, *W, *S, *lagu, *eq_ub;
    bb31x4 *E[2], *K[2], *Q[2];
    unsigned threads; /* emulated threads of the round sums */
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

/* k_sr_w, k_sr_s0, k_sr_round0_ctl */
static void twin_round0(twin *w, swirl_transcript *t, bb31x4 *proof, bb31 *const *mats) {
    const swirl_sr_params *pr = w->pr;
    const swirl_sr_view *vs = w->pl->views;
    size_t nk = pr->ntv * pr->N;
    for (uint32_t c = 0; c < pr->w_chunks; c++)
        for (size_t idx = 0; idx < nk; idx++) {
            size_t k = idx / pr->N, j = idx % pr->N;
            const swirl_sr_view *v = &vs[k];
            const swirl_sr_class *cl = &w->cls[v->cls];
            uint64_t x0, x1;
            swirl_sr_chunk(&x0, &x1, cl->n_lift, pr->w_chunks, c);
            bb31x4 acc[2] = {bb31x4_zero(), bb31x4_zero()};
            const bb31 *col = mats[v->com] + (uint64_t)v->col_idx * pr->Hs + v->row_idx;
            swirl_sr_w(acc, col, w->E[0] + cl->eoff, cl->n_lift, pr->N, j, x0, x1);
            w->W[2 * (c * nk + idx)] = acc[0];
            w->W[2 * (c * nk + idx) + 1] = acc[1];
        }
    bb31 lag[1 << SWIRL_SR_MAX_L_SKIP];
    for (uint64_t p = 0; p < pr->P; p++) {
        bb31 pt = swirl_sr_point(pr, p);
        for (uint64_t j = 0; j < pr->N; j++)
            lag[j] = swirl_sr_lag(pr, pt, j);
        bb31x4 s = bb31x4_zero();
        for (size_t k = 0; k < pr->ntv; k++) {
            bb31x4 q1 = bb31x4_zero(), q2 = bb31x4_zero();
            for (uint64_t j = 0; j < pr->N; j++) {
                bb31x4 w1 = bb31x4_zero(), w2 = bb31x4_zero();
                for (uint32_t c = 0; c < pr->w_chunks; c++) {
                    w1 = bb31x4_add(w1, w->W[2 * (c * nk + k * pr->N + j)]);
                    w2 = bb31x4_add(w2, w->W[2 * (c * nk + k * pr->N + j) + 1]);
                }
                q1 = bb31x4_add(q1, bb31x4_mul_base(w1, lag[j]));
                q2 = bb31x4_add(q2, bb31x4_mul_base(w2, lag[j]));
            }
            s = bb31x4_add(s, swirl_sr_round0_term(pr, &w->cls[vs[k].cls], w->lp[2 * k],
                                                   w->lp[2 * k + 1], vs[k].rot, pt, q1, q2));
        }
        w->S[p] = s;
    }
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
    bb31x4 s[2] = {bb31x4_zero(), bb31x4_zero()};
    for (unsigned th = 0; th < w->threads; th++) {
        bb31x4 acc[2] = {bb31x4_zero(), bb31x4_zero()};
        for (uint64_t i = th; i < total; i += w->threads) {
            uint64_t k = swirl_sr_find_view(offs, pr->ntv, i);
            const swirl_sr_view *v = &vs[k];
            const swirl_sr_class *cl = &w->cls[v->cls];
            swirl_sr_round_y(acc, v, pr->l_skip, round, w->Q[qc], qh, w->E[ec] + cl->eoff,
                             w->K[kc] + cl->eoff, w->lp[2 * k], w->lp[2 * k + 1], w->eq_ub[k],
                             i - offs[k]);
        }
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
    w.W = xcalloc(2 * pr->w_chunks * pr->ntv * pr->N, sizeof(bb31x4));
    w.S = xcalloc(pr->P, sizeof(bb31x4));
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
    free(w.S);
    free(w.lagu);
    free(w.eq_ub);
    for (int i = 0; i < 2; i++) {
        free(w.E[i]);
        free(w.K[i]);
        free(w.Q[i]);
    }
}

static void check_twin(int shape, unsigned w_chunks, unsigned threads) {
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
    CHECK_OK(swirl_sr_plan_init(&pl, f.views, f.n_commits, f.l_skip, f.n_stack, f.r, w_chunks));
    bb31x4 *buf = xcalloc(pl.prm.proof_len, sizeof *buf);
    twin_prove(&pl, &tg, buf, f.matrix, f.r, threads);
    CHECK_OK(swirl_sr_plan_proof(&pl, &got, ug, buf));
    CHECK(got.n_univariate == ref.n_univariate && got.n_rounds == ref.n_rounds);
    CHECK_MSG(memcmp(got.univariate_round_coeffs, ref.univariate_round_coeffs,
                     ref.n_univariate * sizeof(bb31x4)) == 0,
              "shape %d chunks %u: round-0 coefficients differ", shape, w_chunks);
    CHECK_MSG(memcmp(got.sumcheck_round_polys, ref.sumcheck_round_polys,
                     ref.n_rounds * sizeof *ref.sumcheck_round_polys) == 0,
              "shape %d chunks %u: round polynomials differ", shape, w_chunks);
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
        check_twin(s, 3, 32);
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
        }
    }
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
