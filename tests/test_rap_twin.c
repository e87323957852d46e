/* The device rap_constraints stage's CPU twin: the schedule of prover/cuda_rap.cu (the LogUp
 * input layer per row, the GKR, the control steps, round 0's sums per trace as
 * swirl_cuda_zc_round0 computes them, the fold at r0, the multilinear rounds with their heads,
 * tails and ping-pong folds, the openings' gather) replayed on the CPU with the same host/device
 * code (prover/rap_impl.h, device/zc_eval.h, protocol/zerocheck_math.h) and the same host plan
 * (prover/rap_sched.h), against swirl_zerocheck_prove on the same transcript: the whole proof
 * buffer (every proof value and r, rap_plan.h's layout) and the final transcript state, byte for
 * byte. The GKR itself is the CPU prover here (its device schedule has its own twin,
 * test_gkr_twin.c); the input layer is also compared with swirl_logup_gkr_input. The block control
 * steps (ctl_challenges, ctl_round0) run as one thread and as blocks of 3, 7 and 256 threads
 * emulated phase by phase (tw_block), each against the prover and the one-thread run's tables.
 * Runs without a GPU. */
#include <stdlib.h>
#include <string.h>

#include "prover/rap_sched.h"
#include "protocol/gkr.h"
#include "protocol/logup.h"

#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wunused-function" /* zc_cases.h's prover run is not used here */
#endif
#include "zc_cases.h"

static const uint32_t g_ext_init[64] = P2_BB16_RC_EXT_INITIAL_MONT;
static const uint32_t g_ext_final[64] = P2_BB16_RC_EXT_FINAL_MONT;
static const uint32_t g_internal[13] = P2_BB16_RC_INTERNAL_MONT;
static const swirl_ts_tables g_tb = {g_ext_init, g_ext_final, g_internal, 0, NULL};

enum { TW_T = 3 }; /* threads of the emulated value buffers */
static size_t g_pair_checked; /* folds compared with swirl_rap_fold_r0_pair (tw_fold_r0) */

/* the twin's device memory */
typedef struct twin {
    swirl_rap_sched s;
    swirl_rap_bufs b;
    swirl_rap_ctl ctl;
    bb31x4 *proof, *gkr;
    swirl_zc_dprog dp[3];
    void *dp_storage[3];
    bb31 *V;            /* TW_T threads x max slots x 4 */
    bb31x4 *fa[3], *fb[3]; /* per trace: the folded table and its half-size ping-pong buffer */
    void *allocs[32];
    size_t n_allocs;
} twin;

static void *tw_alloc(twin *w, size_t bytes) {
    void *p = calloc(1, bytes ? bytes : 16);
    CHECK(p && w->n_allocs < 32);
    w->allocs[w->n_allocs++] = p;
    return p;
}

static bb31x4 *tw_x4(twin *w, size_t n) {
    return (bb31x4 *)tw_alloc(w, (n + 1) * sizeof(bb31x4));
}

static void tw_setup(twin *w, const zc_case *c, const swirl_zc_params *zp) {
    memset(w, 0, sizeof *w);
    CHECK_OK(swirl_rap_sched_make(&w->s, zp, c->inst, c->n));
    const swirl_rap_shape *sh = &w->s.sh;
    size_t n = sh->n, row = sh->s0deg + 1, N = sh->N, slots = 1;
    swirl_rap_bufs *b = &w->b;
    w->proof = tw_x4(w, w->s.plan.buffer_len);
    memset(w->proof, 0xa5, w->s.plan.buffer_len * sizeof(bb31x4)); /* every value is written */
    b->proof = w->proof;
    b->ctl = &w->ctl;
    b->tr = w->s.tr;
    b->lam_pows = tw_x4(w, sh->max_cons);
    b->bp = tw_x4(w, sh->max_msg + 1);
    b->mu_pows = tw_x4(w, 3 * n);
    b->eq3b = tw_x4(w, w->s.n_int);
    b->row_idx = w->s.row_idx;
    b->S = tw_x4(w, 3 * n * sh->P);
    b->zc = tw_x4(w, n * row);
    b->nu = tw_x4(w, n * row);
    b->de = tw_x4(w, n * row);
    b->prods = tw_x4(w, 2 * n * row);
    b->h = tw_x4(w, SWIRL_RAP_COS_LEN(n, N));
    b->q = tw_x4(w, SWIRL_RAP_COS_LEN(n, N));
    b->vinv = (bb31 *)tw_alloc(w, SWIRL_RAP_VINV_LEN * sizeof(bb31));
    b->eqsharp = tw_x4(w, N);
    b->equni = tw_x4(w, N);
    b->eqs = tw_x4(w, N);
    b->zsum = tw_x4(w, sh->sp0 + 1);
    b->s0zc = tw_x4(w, row);
    b->lagr = tw_x4(w, N);
    b->heads = tw_x4(w, 3 * (size_t)sh->G * n);
    b->tails = tw_x4(w, 3 * n);
    if (sh->gkr_layers)
        w->gkr = tw_x4(w, swirl_gkr_proof_len(sh->gkr_layers));
    b->gkr = w->gkr;
    for (size_t i = 0; i < n; i++) {
        CHECK_OK(swirl_zc_dprog_build(&w->dp[i], &w->dp_storage[i], c->inst[i].air));
        CHECK(w->dp[i].nv == w->s.vs[i].nv);
        if (w->dp[i].n_slots > slots)
            slots = w->dp[i].n_slots;
        size_t H = (size_t)1 << w->s.tr[i].n_lift, F = w->s.vs[i].fold_cols;
        w->fa[i] = tw_x4(w, F * H);
        w->fb[i] = tw_x4(w, F * (H / 2 ? H / 2 : 1));
    }
    w->V = (bb31 *)tw_alloc(w, slots * 4 * TW_T * sizeof(bb31));
    /* what the block steps write, poisoned like device memory (an entry read before any write
     * shows) */
    const struct {
        bb31x4 *p;
        size_t len;
    } poison[] = {{b->lam_pows, sh->max_cons},
                  {b->mu_pows, 3 * n},
                  {b->eq3b, w->s.n_int},
                  {b->zc, n * row},
                  {b->nu, n * row},
                  {b->de, n * row},
                  {b->prods, 2 * n * row},
                  {b->h, SWIRL_RAP_COS_LEN(n, N)},
                  {b->q, SWIRL_RAP_COS_LEN(n, N)},
                  {b->eqsharp, N},
                  {b->equni, N},
                  {b->eqs, N},
                  {b->zsum, sh->sp0 + 1},
                  {b->s0zc, row},
                  {b->lagr, N}};
    for (size_t i = 0; i < sizeof poison / sizeof poison[0]; i++)
        memset(poison[i].p, 0xa5, poison[i].len * sizeof(bb31x4));
    memset(b->vinv, 0xa5, SWIRL_RAP_VINV_LEN * sizeof(bb31));
}

static void tw_clear(twin *w) {
    for (size_t i = 0; i < 3; i++)
        free(w->dp_storage[i]);
    for (size_t i = 0; i < w->n_allocs; i++)
        free(w->allocs[i]);
    swirl_rap_sched_clear(&w->s);
}

/* k_rap_leaf_init + k_rap_leaf_rows per trace; checked against swirl_logup_gkr_input */
static void tw_leaves(twin *w, const zc_case *c, bb31x4 *p, bb31x4 *q) {
    const swirl_rap_shape *sh = &w->s.sh;
    size_t NL = (size_t)1 << sh->gkr_layers;
    for (size_t i = 0; i < NL; i++)
        swirl_rap_leaf_init(p, q, i, w->ctl.alpha);
    for (size_t ti = 0; ti < sh->n; ti++) {
        const swirl_rap_trace *tt = &w->s.tr[ti];
        if (!tt->n_int)
            continue;
        size_t h = c->inst[ti].height, len = h > sh->N ? h : sh->N;
        for (size_t row = 0; row < h; row++) {
            size_t t = row % TW_T;
            swirl_rap_row_eval(&w->dp[ti], w->s.vs[ti].base, c->inst[ti].public_values, w->V, TW_T,
                               t, row, h);
            swirl_rap_row_leaves(p, q, &w->dp[ti], w->V, TW_T, t, row, h, len,
                                 w->s.row_idx + tt->int_off, w->b.bp, w->ctl.alpha, tt->norm);
        }
    }
    bb31x4 *pc, *qc;
    unsigned Lg;
    CHECK_OK(swirl_logup_gkr_input(&pc, &qc, &Lg, c->inst, c->n, sh->l, w->ctl.alpha, w->ctl.beta));
    CHECK(Lg == sh->gkr_layers);
    CHECK_MSG(memcmp(pc, p, NL * sizeof *p) == 0 && memcmp(qc, q, NL * sizeof *q) == 0,
              "case %s: the LogUp input layer differs", c->name);
    free(pc);
    free(qc);
}

/* the device GKR's proof buffer (gkr_impl.h layout), from the CPU GKR on the twin's transcript */
static void tw_gkr(twin *w, const bb31x4 *p, const bb31x4 *q) {
    unsigned L = w->s.sh.gkr_layers;
    swirl_gkr_proof g;
    bb31x4 xi[SWIRL_GKR_MAX_LAYERS];
    CHECK_OK(swirl_gkr_prove(NULL, &g, xi, w->b.t, p, q, L));
    w->gkr[0] = g.q0_claim;
    w->gkr[1] = bb31x4_zero();
    memcpy(w->gkr + swirl_gkr_off_claims(0), g.claims_per_layer, 4 * L * sizeof(bb31x4));
    memcpy(w->gkr + swirl_gkr_off_polys(L), g.sumcheck_polys,
           g.n_sumcheck_entries * 3 * sizeof(bb31x4));
    memcpy(w->gkr + swirl_gkr_off_xi(L), xi, L * sizeof(bb31x4));
    swirl_gkr_proof_clear(&g);
}

/* per trace: eq_x, then swirl_cuda_zc_round0's sums (k_zc_round0 + k_zc_final) */
static void tw_round0(twin *w, const zc_case *c, const bb31 *pts, const bb31 *lag) {
    const swirl_rap_shape *sh = &w->s.sh;
    size_t P = sh->P, N = sh->N;
    for (size_t ti = 0; ti < sh->n; ti++) {
        const swirl_rap_trace *tt = &w->s.tr[ti];
        size_t nx = (size_t)1 << tt->n_lift, np = (tt->nzc > tt->nlu ? tt->nzc : tt->nlu) * N;
        bb31x4 *eqx = (bb31x4 *)malloc(nx * sizeof *eqx), *S = w->b.S + 3 * P * ti;
        CHECK(eqx);
        for (size_t x = 0; x < nx; x++)
            eqx[x] = swirl_gkr_eq_entry(w->ctl.xi + sh->l, tt->n_lift, x);
        for (size_t i = 0; i < 3 * P; i++)
            S[i] = bb31x4_zero();
        for (size_t x = 0; x < nx; x++)
            for (size_t pp = 0; pp < np; pp++) {
                size_t t = (x + pp) % TW_T;
                int zc = pp < tt->nzc * N, lu = pp < tt->nlu * N;
                swirl_zc_r0_eval(&w->dp[ti], w->s.vs[ti].base, c->inst[ti].public_values, w->V,
                                 TW_T, t, x, lag + pp * N, N, c->inst[ti].height);
                bb31 zfinv =
                    zc ? bb31_inv(bb31_sub(bb31_pow(pts[pp], N), bb31_one())) : bb31_zero();
                bb31x4 cc[3];
                swirl_zc_r0_contrib(cc, &w->dp[ti], w->V, TW_T, t, eqx[x], zfinv, zc, lu,
                                    w->b.lam_pows, w->b.bp, w->b.eq3b + tt->int_off);
                for (int k = 0; k < 3; k++)
                    S[k * P + pp] = bb31x4_add(S[k * P + pp], cc[k]);
            }
        free(eqx);
    }
}

/* k_rap_fold_r0 / k_rap_fold_sel: every trace's table A at (r0, x) */
static void tw_fold_r0(twin *w, const zc_case *c) {
    const swirl_rap_shape *sh = &w->s.sh;
    for (size_t ti = 0; ti < sh->n; ti++) {
        const swirl_rap_view_set *v = &w->s.vs[ti];
        size_t H = (size_t)1 << w->s.tr[ti].n_lift, h = c->inst[ti].height;
        for (size_t vi = 0; vi < v->nv; vi++)
            for (size_t col = 0; col < v->width[vi]; col++)
                for (size_t x = 0; x < H; x++)
                    w->fa[ti][(v->col0[vi] + col) * H + x] = swirl_rap_fold_r0(
                        v->base[vi] + col * h, h, v->rot[vi], sh->N, w->b.lagr, x);
        for (size_t x = 0; x < H; x++)
            swirl_rap_fold_sel(w->fa[ti] + (v->fold_cols - 3) * H, H, h, sh->N, w->b.lagr, x);
        /* k_rap_fold_r0_pair's values where an unrotated view and its rotation share columns */
        for (size_t vi = 0; vi < v->nv; vi++)
            for (size_t vj = 0; vj < v->nv; vj++) {
                if (v->rot[vi] != 0 || v->rot[vj] != 1 || v->base[vi] != v->base[vj] ||
                    v->width[vi] != v->width[vj] || h != H * sh->N || sh->N % 2 || sh->N > 64)
                    continue;
                for (size_t col = 0; col < v->width[vi]; col++)
                    for (size_t x = 0; x < H; x++) {
                        uint32_t vals[65];
                        for (size_t j = 0; j <= sh->N; j++)
                            vals[j] = v->base[vi][col * h + ((x * sh->N + j) & (h - 1))].v;
                        bb31x4 o[2];
                        swirl_rap_fold_r0_pair(o, vals, sh->N, w->b.lagr);
                        CHECK(bb31x4_eq(o[0], w->fa[ti][(v->col0[vi] + col) * H + x]) &&
                              bb31x4_eq(o[1], w->fa[ti][(v->col0[vj] + col) * H + x]));
                        g_pair_checked++;
                    }
            }
    }
}

/* the table of trace ti after k folds: A, B, A, ... with height H >> k */
static bb31x4 *tw_table(twin *w, size_t ti, size_t k) {
    return k % 2 == 0 ? w->fa[ti] : w->fb[ti];
}

static void tw_views(twin *w, size_t ti, size_t k, const bb31x4 **fold, const bb31x4 **fsel) {
    const swirl_rap_view_set *v = &w->s.vs[ti];
    size_t Hk = ((size_t)1 << w->s.tr[ti].n_lift) >> k;
    bb31x4 *tab = tw_table(w, ti, k);
    for (size_t vi = 0; vi < v->nv; vi++)
        fold[vi] = tab + v->col0[vi] * Hk;
    *fsel = tab + (v->fold_cols - 3) * Hk;
}

/* one multilinear round: heads (swirl_cuda_zc_round), tails (k_rap_tail), the control step, the
 * folds (k_gkr_fold_cols at r_round) */
static void tw_round(twin *w, const zc_case *c, uint32_t round) {
    const swirl_rap_shape *sh = &w->s.sh;
    unsigned G = sh->G;
    const bb31x4 *fold[SWIRL_RAP_MAX_VIEWS], *fsel;
    for (size_t ti = 0; ti < sh->n; ti++) {
        const swirl_rap_trace *tt = &w->s.tr[ti];
        const bb31 *pub = c->inst[ti].public_values;
        if (round <= tt->n_lift) {
            size_t hyper = tt->n_lift - round, ny = (size_t)1 << hyper;
            size_t H = (size_t)1 << (tt->n_lift - (round - 1));
            tw_views(w, ti, round - 1, fold, &fsel);
            bb31x4 *out = w->b.heads + 3 * (size_t)G * ti;
            for (size_t i = 0; i < 3 * (size_t)G; i++)
                out[i] = bb31x4_zero();
            for (size_t y = 0; y < ny; y++) {
                bb31x4 eqy = swirl_gkr_eq_entry(w->ctl.xi + sh->l + round, (unsigned)hyper, y);
                for (unsigned X = 1; X <= G; X++) {
                    bb31x4 cc[3];
                    swirl_zc_round_eval(cc, &w->dp[ti], fold, fsel, pub, w->V, TW_T,
                                        (y + X) % TW_T, y, H, bb31_from_u32(X), eqy,
                                        w->b.lam_pows, w->b.bp, w->b.eq3b + tt->int_off);
                    for (int k = 0; k < 3; k++)
                        out[k * G + X - 1] = bb31x4_add(out[k * G + X - 1], cc[k]);
                }
            }
        } else if (round == tt->n_lift + 1) {
            tw_views(w, ti, tt->n_lift, fold, &fsel);
            swirl_rap_tail_eval(w->b.tails + 3 * ti, &w->dp[ti], fold, fsel, pub, w->V, TW_T, 1,
                                w->b.lam_pows, w->b.bp, w->b.eq3b + tt->int_off);
        }
    }
    swirl_rap_ctl_round(sh, &w->b, round, &g_tb);
    bb31x4 r = w->proof[sh->off_r + round];
    for (size_t ti = 0; ti < sh->n; ti++) {
        const swirl_rap_trace *tt = &w->s.tr[ti];
        if (round > tt->n_lift)
            continue;
        size_t H = (size_t)1 << (tt->n_lift - (round - 1)), half = H / 2;
        const bb31x4 *in = tw_table(w, ti, round - 1);
        bb31x4 *out = tw_table(w, ti, round);
        for (size_t i = 0; i < w->s.vs[ti].fold_cols * half; i++) {
            size_t col = i / half, y = i % half;
            out[i] = swirl_gkr_fold(in[col * H + 2 * y], in[col * H + 2 * y + 1], r);
        }
    }
}

/* k_rap_gather: the opened values from the fully folded tables; then the host's observation */
static void tw_openings(twin *w) {
    const swirl_rap_shape *sh = &w->s.sh;
    for (size_t o = 0; o < w->s.plan.n_openings; o++) {
        uint32_t ti = w->s.open_src[3 * o], vi = w->s.open_src[3 * o + 1],
                 col = w->s.open_src[3 * o + 2];
        const bb31x4 *tab = tw_table(w, ti, w->s.tr[ti].n_lift);
        w->proof[sh->off_open + o] = tab[w->s.vs[ti].col0[vi] + col];
    }
    /* the host's observation, and the deferred form the CUDA flow uses (the values handed to
     * the stacked reduction, observed there in order): the same transcript */
    swirl_transcript copy = *w->b.t;
    swirl_rap_sched_observe_openings(&w->s, w->proof, w->b.t);
    size_t nv = swirl_rap_sched_openings_values(&w->s, NULL, NULL);
    bb31x4 *v = malloc((nv + 1) * sizeof *v);
    CHECK(v != NULL && swirl_rap_sched_openings_values(&w->s, w->proof, v) == nv);
    for (size_t i = 0; i < nv; i++)
        swirl_transcript_observe_ext(&copy, v[i]);
    CHECK(memcmp(copy.state, w->b.t->state, sizeof copy.state) == 0 &&
          copy.absorb_idx == w->b.t->absorb_idx);
    free(v);
}

/* How the twin runs the block control steps (ctl_challenges, ctl_round0): nt = 0, the one-thread
 * API; else as k_rap_ctl_* does with nt threads, every thread in turn per phase, in reverse order
 * when rev (a phase whose result depends on its threads' order, a read of what another thread
 * writes in the same phase or two writers of one value, differs in one of the orders). */
typedef struct tw_block {
    unsigned nt;
    int rev;
} tw_block;

static void tw_phases(twin *w, const tw_block *bk, int round0) {
    const swirl_rap_shape *sh = &w->s.sh;
    if (bk->nt == 0) {
        if (round0)
            swirl_rap_ctl_round0(sh, &w->b, &g_tb);
        else
            swirl_rap_ctl_challenges(sh, &w->b, &g_tb);
        return;
    }
    unsigned np = round0 ? SWIRL_RAP_R0_PHASES : SWIRL_RAP_CH_PHASES;
    for (unsigned p = 0; p < np; p++)
        for (unsigned i = 0; i < bk->nt; i++) {
            unsigned tid = bk->rev ? bk->nt - 1 - i : i;
            if (round0)
                swirl_rap_r0_phase(sh, &w->b, p, tid, bk->nt, &g_tb);
            else
                swirl_rap_ch_phase(sh, &w->b, p, tid, bk->nt, &g_tb);
        }
}

/* the whole schedule on transcript *t */
static void tw_run(twin *w, const zc_case *c, swirl_transcript *t, const tw_block *bk) {
    const swirl_rap_shape *sh = &w->s.sh;
    w->b.t = t;
    bb31 pow;
    CHECK_OK(swirl_transcript_grind(t, &pow, (unsigned)w->s.pow_bits));
    swirl_rap_ctl_pow(sh, &w->b, bb31_to_u32(pow), &g_tb);
    if (sh->gkr_layers) {
        size_t NL = (size_t)1 << sh->gkr_layers;
        bb31x4 *p = (bb31x4 *)malloc(NL * sizeof *p), *q = (bb31x4 *)malloc(NL * sizeof *q);
        CHECK(p && q);
        tw_leaves(w, c, p, q);
        tw_gkr(w, p, q);
        free(p);
        free(q);
        swirl_rap_ctl_gkr(sh, &w->b);
        CHECK(w->ctl.fail == 0);
    }
    tw_phases(w, bk, 0);
    bb31 *pts = (bb31 *)malloc(sh->P * sizeof *pts), *lag = (bb31 *)malloc(sh->P * sh->N * sizeof *lag);
    CHECK(pts && lag);
    swirl_rap_sched_round0_points(&w->s, pts, lag);
    tw_round0(w, c, pts, lag);
    free(pts);
    free(lag);
    tw_phases(w, bk, 1);
    tw_fold_r0(w, c);
    for (uint32_t round = 1; round <= sh->n_max; round++)
        tw_round(w, c, round);
    tw_openings(w);
}

/* the twin's tables of the block control steps, as the one-thread run left them */
typedef struct tw_tabs {
    bb31x4 *lam_pows, *eq3b, *lagr, *mu_pows;
    swirl_rap_ctl ctl;
} tw_tabs;

static void tw_tabs_cmp(tw_tabs *ref, const twin *w, const zc_case *c, const tw_block *bk) {
    const swirl_rap_shape *sh = &w->s.sh;
    const struct {
        bb31x4 **keep;
        const bb31x4 *now;
        size_t len;
        const char *name;
    } t[] = {{&ref->lam_pows, w->b.lam_pows, sh->max_cons, "lam_pows"},
             {&ref->eq3b, w->b.eq3b, w->s.n_int, "eq3b"},
             {&ref->lagr, w->b.lagr, sh->N, "lagr"},
             {&ref->mu_pows, w->b.mu_pows, 3 * (size_t)sh->n, "mu_pows"}};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        if (bk->nt == 0) {
            *t[i].keep = (bb31x4 *)malloc((t[i].len + 1) * sizeof(bb31x4));
            CHECK(*t[i].keep);
            memcpy(*t[i].keep, t[i].now, t[i].len * sizeof(bb31x4));
        } else {
            CHECK_MSG(memcmp(*t[i].keep, t[i].now, t[i].len * sizeof(bb31x4)) == 0,
                      "case %s, %u threads: %s differs", c->name, bk->nt, t[i].name);
        }
    }
    if (bk->nt == 0)
        ref->ctl = *w->b.ctl;
    else
        CHECK_MSG(memcmp(&ref->ctl, w->b.ctl, sizeof ref->ctl) == 0,
                  "case %s, %u threads: the control state differs", c->name, bk->nt);
}

static void check_case(zc_case *c, unsigned G, unsigned pow_bits) {
    /* the block steps as one thread, then as blocks of 3 (reverse order), 7, 256 (reverse) */
    static const tw_block blocks[] = {{0, 0}, {3, 1}, {7, 0}, {256, 1}};
    swirl_zc_params zp = {c->l_skip, G, pow_bits};
    swirl_transcript tc, t0;
    swirl_transcript_init(&tc);
    swirl_transcript_observe(&tc, bb31_from_u32(11));
    t0 = tc;
    swirl_gkr_proof gkr;
    swirl_batch_proof bp;
    bb31x4 r[64];
    size_t nr = 0;
    CHECK_OK(swirl_zerocheck_prove(NULL, &gkr, &bp, r, &nr, &tc, &zp, c->inst, c->n));
    tw_tabs ref;
    memset(&ref, 0, sizeof ref);
    for (size_t bi = 0; bi < sizeof blocks / sizeof blocks[0]; bi++) {
        const tw_block *bk = &blocks[bi];
        swirl_transcript tg = t0;
        twin *w = (twin *)calloc(1, sizeof *w);
        CHECK(w);
        tw_setup(w, c, &zp);
        CHECK(nr == w->s.plan.r.len);
        bb31x4 *want = (bb31x4 *)calloc(w->s.plan.buffer_len + 1, sizeof *want);
        CHECK(want);
        CHECK_OK(swirl_rap_proof_pack(&w->s.plan, &gkr, &bp, r, want));
        tw_run(w, c, &tg, bk);
        const swirl_rap_plan *pl = &w->s.plan;
        const struct {
            const char *name;
            swirl_rap_span sp;
        } parts[] = {{"logup_pow", pl->logup_pow},
                     {"q0_claim", pl->q0_claim},
                     {"gkr_claims", pl->gkr_claims},
                     {"gkr_polys", pl->gkr_polys},
                     {"numerator_terms", pl->numerator_terms},
                     {"denominator_terms", pl->denominator_terms},
                     {"univariate", pl->univariate},
                     {"mle_polys", pl->mle_polys},
                     {"openings", pl->openings},
                     {"r", pl->r}};
        for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
            CHECK_MSG(memcmp(want + parts[i].sp.off, w->proof + parts[i].sp.off,
                             parts[i].sp.len * sizeof(bb31x4)) == 0,
                      "case %s (l_skip %u, %u threads): %s differs", c->name, c->l_skip, bk->nt,
                      parts[i].name);
        CHECK_MSG(memcmp(tc.state, tg.state, sizeof tc.state) == 0 &&
                      tc.absorb_idx == tg.absorb_idx && tc.sample_idx == tg.sample_idx,
                  "case %s, %u threads: the final transcript differs", c->name, bk->nt);
        tw_tabs_cmp(&ref, w, c, bk);
        free(want);
        tw_clear(w);
        free(w);
    }
    free(ref.lam_pows);
    free(ref.eq3b);
    free(ref.lagr);
    free(ref.mu_pows);
    swirl_gkr_proof_clear(&gkr);
    swirl_batch_proof_clear(&bp);
}

static void test_fib(void) {
    zc_case c;
    zcc_fib(&c, 64, 3);
    check_case(&c, 3, 1);
    zcc_clear(&c);
    zcc_fib(&c, 4, 3); /* below 2^l_skip */
    check_case(&c, 3, 2);
    zcc_clear(&c);
    zcc_fib(&c, 8, 3); /* exactly 2^l_skip: no multilinear round */
    check_case(&c, 2, 0);
    zcc_clear(&c);
}

static void test_bus(void) {
    zc_case c;
    for (unsigned l = 1; l <= 3; l++) {
        zcc_bus(&c, l);
        check_case(&c, 3, 1);
        zcc_clear(&c);
    }
}

static void test_self_interaction(void) {
    zc_case c;
    zcc_self(&c, 4, 6, 2);
    check_case(&c, 3, 1);
    zcc_clear(&c);
    zcc_self(&c, 3, 1, 3);
    check_case(&c, 3, 1);
    zcc_clear(&c);
}

static void test_preprocessed_cached(void) {
    zc_case c;
    zcc_parts(&c, 2);
    check_case(&c, 3, 1);
    zcc_clear(&c);
    zcc_parts(&c, 3);
    check_case(&c, 4, 1);
    zcc_clear(&c);
}

static void test_keccak(void) {
    zc_case c;
    zcc_keccak(&c, 3, 0);
    g_pair_checked = 0;
    check_case(&c, 3, 1);
    CHECK(g_pair_checked > 0); /* KeccakAir reads every column rotated too */
    zcc_clear(&c);
}

/* swirl_rap_fold_r0_pair against swirl_rap_fold_r0 on random and extreme values (every value and
 * coefficient p - 1: the largest sums the lazy bound must hold) */
static void test_fold_pair(void) {
    enum { N = 16, H = 8, h = N * H };
    bb31 col[h];
    bb31x4 lagr[N];
    for (int rep = 0; rep < 200; rep++) {
        int ext = rep < 2; /* rep 0: all p - 1; rep 1: values p - 1, coefficients random */
        for (size_t i = 0; i < h; i++)
            col[i].v = ext ? BB31_P - 1 : (uint32_t)swirl_test_rand_below(BB31_P);
        for (size_t j = 0; j < N; j++)
            for (int k = 0; k < 4; k++)
                lagr[j].c[k].v = rep == 0 ? BB31_P - 1 : (uint32_t)swirl_test_rand_below(BB31_P);
        for (size_t x = 0; x < H; x++) {
            uint32_t v[N + 1];
            for (size_t j = 0; j <= N; j++)
                v[j] = col[(x * N + j) & (h - 1)].v;
            bb31x4 o[2];
            swirl_rap_fold_r0_pair(o, v, N, lagr);
            CHECK(bb31x4_eq(o[0], swirl_rap_fold_r0(col, h, 0, N, lagr, x)));
            CHECK(bb31x4_eq(o[1], swirl_rap_fold_r0(col, h, 1, N, lagr, x)));
        }
    }
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_fold_pair),
    SWIRL_TEST(test_fib),
    SWIRL_TEST(test_bus),
    SWIRL_TEST(test_self_interaction),
    SWIRL_TEST(test_preprocessed_cached),
    SWIRL_TEST(test_keccak),
};

int main(int argc, char **argv) {
    return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
}
