/*
 * The rap_constraints stage on a device, as host/device code (SWIRL_HD): the per-thread work of
 * the stage's own kernels (prover/cuda_rap.cu: the LogUp input layer, the fold at r0, the tails'
 * evaluation, the openings' gather) and the "control steps" that run Fiat–Shamir on the device
 * transcript and write every proof value into the device proof buffer at the offsets of the
 * stage's plan (prover/rap_plan.h): one thread each (on the device one warp in the transcript's
 * warp mode, transcript_impl.h: every lane runs the step, the lead writes), except
 * ctl_challenges and ctl_round0, which share their loops out over one block (phases, "block
 * control steps" below).
 * tests/test_rap_twin.c replays the device schedule with these functions on the CPU against
 * swirl_zerocheck_prove (protocol/zerocheck.c), byte for byte.
 *
 * The schedule (cuda_rap.cu; n traces, sorted tallest first):
 *   grind (device PoW) -> ctl_pow (witness, alpha, beta, beta powers)
 *   [interactions] leaf_init + leaf_rows per trace -> device GKR (gkr_impl.h, its own buffer)
 *                  -> ctl_gkr (balance flag, q0, claims, sumcheck polys, xi)
 *   ctl_challenges (xi, lambda powers, eq3b; one block)
 *   per trace: eq_x (gkr eq entries) -> swirl_cuda_zc_round0 into S[trace]
 *   ctl_round0 (per-trace polynomials, eq polynomials, LogUp terms, mu, s0, r0, fold weights, eq;
 *     one block)
 *   per trace: fold_r0 per view, fold_sel
 *   per round 1..n_max: per head trace eq_y -> swirl_cuda_zc_round into heads[trace]; per trace
 *     that ends (round = n_lift + 1) tail_eval into tails[trace]; ctl_round (tails, heads, the
 *     round polynomial, r_round, eq factors); per trace still folding: the sumcheck fold at r_round
 *   gather (openings); after the stage's one sync the host observes them
 *   (swirl_rap_sched_observe_openings).
 * Every challenge a kernel reads is in device memory (the control state, the proof buffer's r).
 */
#ifndef SWIRL_PROVER_RAP_IMPL_H
#define SWIRL_PROVER_RAP_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "device/gkr_impl.h"
#include "device/zc_eval.h"
#include "protocol/zerocheck_math.h"
#include "transcript/transcript_impl.h"

#define SWIRL_RAP_MAX_XI 96     /* coordinates of xi (zerocheck.c ZC_MAX_XI) */
#define SWIRL_RAP_MAX_ROUNDS 28 /* multilinear rounds + 1 (log height <= 27) */

/* round 0's interpolation scratch (h, q): SWIRL_ZM_MAX_COS N entries per trace and kind
 * (zerocheck, LogUp numerator, denominator); the Vandermonde inverses of d = 1..SWIRL_ZM_MAX_COS
 * cosets (swirl_zm_cos_vinv), SWIRL_ZM_MAX_COS^2 each */
#define SWIRL_RAP_COS_LEN(n, N) (3 * (size_t)(n) * SWIRL_ZM_MAX_COS * (size_t)(N))
#define SWIRL_RAP_VINV_LEN ((size_t)SWIRL_ZM_MAX_COS * SWIRL_ZM_MAX_COS * SWIRL_ZM_MAX_COS)

/* One trace as the control steps see it (host-planned, uploaded). */
typedef struct swirl_rap_trace {
    uint32_t n_lift, deg, nzc, nlu, n_int, rot;
    uint32_t cw;        /* opened values of the common part (width x (rot ? 2 : 1)) */
    uint32_t n_open;    /* opened values of the trace */
    uint32_t int_off;   /* first entry of the trace's interactions in eq3b / row_idx */
    uint32_t open_off;  /* first opened value of the trace */
    bb31 norm;          /* 1 / (L / h) */
} swirl_rap_trace;

/* The stage's shape (host-planned, passed by value). */
typedef struct swirl_rap_shape {
    uint32_t n, l, G, N, n_max, s_deg, s0deg, sp0, P;
    uint32_t n_logup, gkr_layers, n_xi, max_cons, max_msg;
    bb31 omega;
    /* the plan's proof buffer (rap_plan.h spans) */
    size_t off_pow, off_q0, off_claims, off_polys, off_num, off_den, off_uni, off_mle, off_open,
        off_r;
} swirl_rap_shape;

/* The control state (device memory; written by one thread at a time). */
typedef struct swirl_rap_ctl {
    bb31x4 alpha, beta, lambda, prev;
    bb31x4 xi[SWIRL_RAP_MAX_XI];
    bb31x4 eq_ns[SWIRL_RAP_MAX_ROUNDS], eq_sh[SWIRL_RAP_MAX_ROUNDS];
    uint32_t fail; /* 1: the LogUp fractions do not sum to zero */
} swirl_rap_ctl;

/* The buffers the steps use (device pointers on the GPU, host pointers in the twin). */
typedef struct swirl_rap_bufs {
    swirl_transcript *t;
    bb31x4 *proof; /* the plan's buffer */
    swirl_rap_ctl *ctl;
    const swirl_rap_trace *tr; /* n */
    bb31x4 *lam_pows;          /* max_cons */
    bb31x4 *bp;                /* max_msg + 1 */
    bb31x4 *mu_pows;           /* 3 n */
    bb31x4 *eq3b;              /* all interactions */
    const uint32_t *row_idx;   /* all interactions: the first leaf of its LogUp column */
    bb31x4 *S;                 /* n x 3 P: round 0's sums */
    bb31x4 *zc, *nu, *de;      /* n x (s0deg + 1) */
    bb31x4 *prods;             /* 2 n x (s0deg + 1) */
    bb31x4 *h, *q;             /* SWIRL_RAP_COS_LEN(n, N) each: round 0's interpolations */
    bb31 *vinv;                /* SWIRL_RAP_VINV_LEN: the cosets' Vandermonde inverses */
    bb31x4 *eqsharp, *equni, *eqs; /* N each */
    bb31x4 *zsum, *s0zc;           /* sp0 + 1, s0deg + 1 */
    bb31x4 *lagr;                  /* N: the weights of the fold at r0 */
    bb31x4 *heads;                 /* n x 3 G: a multilinear round's sums per trace */
    bb31x4 *tails;                 /* n x 3: the tails (tz, tn, td) */
    const bb31x4 *gkr;             /* the device GKR's proof buffer (gkr_impl.h layout) */
} swirl_rap_bufs;

/* ------------------------------ per-thread work ------------------------------ */

/* leaf i of the input layer before any column is written: 0 / alpha */
SWIRL_HD void swirl_rap_leaf_init(bb31x4 *p, bb31x4 *q, size_t i, bb31x4 alpha) {
    p[i] = bb31x4_zero();
    q[i] = alpha;
}

/* The program over row `row` of a trace of height h in the base field (swirl_air_eval_row's
 * inputs: the selectors of the row, every variable at row + offset mod h). */
SWIRL_HD void swirl_rap_row_eval(const swirl_zc_dprog *pg, const bb31 *const *base, const bb31 *pub,
                                 bb31 *V, size_t T, size_t t, size_t row, size_t h) {
    int last = row == h - 1;
    V[(size_t)pg->in_base * T + t] = row == 0 ? bb31_one() : bb31_zero();
    V[(size_t)(pg->in_base + 1u) * T + t] = last ? bb31_zero() : bb31_one();
    V[(size_t)(pg->in_base + 2u) * T + t] = last ? bb31_one() : bb31_zero();
    for (uint32_t s = 0; s < pg->n_vars; s++) {
        uint32_t view = SWIRL_ZC_LD(&pg->var_info[3 * s]),
                 col = SWIRL_ZC_LD(&pg->var_info[3 * s + 1]),
                 off = SWIRL_ZC_LD(&pg->var_info[3 * s + 2]);
        bb31 v = view == SWIRL_ZC_PUBLIC
                     ? swirl_zc_ldb(&pub[col])
                     : swirl_zc_ldb(&base[view][(size_t)col * h + ((row + off) & (h - 1))]);
        V[(size_t)(pg->in_base + 3u + s) * T + t] = v;
    }
    swirl_zc_run_b(pg, V, T, t);
}

/* The LogUp leaves of one row (program already run): interaction i's fraction count·norm /
 * (alpha + h_beta(fields)) at leaf row_idx[i] + row and its repetitions every h below len
 * (len = the trace's lifted height). */
SWIRL_HD void swirl_rap_row_leaves(bb31x4 *p, bb31x4 *q, const swirl_zc_dprog *pg, const bb31 *V,
                                   size_t T, size_t t, size_t row, size_t h, size_t len,
                                   const uint32_t *row_idx, const bb31x4 *bp, bb31x4 alpha,
                                   bb31 norm) {
    for (uint32_t i = 0; i < pg->n_interactions; i++) {
        uint32_t f0 = pg->field_start[i], nf = pg->field_start[i + 1] - f0;
        bb31x4 den = bb31x4_mul_base(bp[nf], pg->bus1[i]);
        for (uint32_t j = 0; j < nf; j++)
            den = bb31x4_add(den,
                             bb31x4_mul_base(bp[j], swirl_zc_ld_b(pg, V, T, t, pg->field_val[f0 + j])));
        bb31x4 num = bb31x4_from_base(bb31_mul(swirl_zc_ld_b(pg, V, T, t, pg->count_val[i]), norm));
        den = bb31x4_add(den, alpha);
        for (size_t rep = row; rep < len; rep += h) {
            p[row_idx[i] + rep] = num;
            q[row_idx[i] + rep] = den;
        }
    }
}

/* The fold at r0 of column col of a view at hypercube point x: sum_j lagr[j] v[x N + j + rot]. */
SWIRL_HD bb31x4 swirl_rap_fold_r0(const bb31 *col_base, size_t h, int rot, size_t N,
                                  const bb31x4 *lagr, size_t x) {
    bb31x4 acc = bb31x4_zero();
    for (size_t j = 0; j < N; j++)
        acc = bb31x4_add(acc, bb31x4_mul_base(lagr[j], col_base[(x * N + j + (size_t)rot) & (h - 1)]));
    return acc;
}

/*
 * Both folds of a column that two views read, unrotated and rotated by one row, from its N + 1
 * values v[0..N] = col[x N .. x N + N] (the last one wrapped at the column's end): out[0] =
 * sum_j lagr[j] v[j], out[1] = sum_j lagr[j] v[j + 1], swirl_rap_fold_r0's values for rot 0
 * and 1 (tests/test_rap_twin.c compares them), as lazy sums (bb31x4_lazy_acc2's): an IMAD.WIDE
 * a product on the device instead of a full Montgomery product and a modular addition
 * (k_rap_fold_r0_pair). N is even. Written out rather than as two bb31x4_lazy_acc2 calls: with
 * those, ptxas reloads the coefficients per sum and k_rap_fold_r0_pair spills at its 64 registers.
 */
SWIRL_HD void swirl_rap_fold_r0_pair(bb31x4 out[2], const uint32_t *v, size_t N,
                                     const bb31x4 *lagr) {
    uint64_t a0[4] = {0, 0, 0, 0}, a1[4] = {0, 0, 0, 0};
    for (size_t j = 0; j < N; j += 2) { /* one load of the two coefficients for both sums */
        bb31x4 l0 = lagr[j], l1 = lagr[j + 1];
        uint64_t v0 = v[j], v1 = v[j + 1], v2 = v[j + 2];
        for (int k = 0; k < 4; k++) {
            uint64_t c0 = l0.c[k].v, c1 = l1.c[k].v;
            a0[k] = bb31x4_lazy_cut(a0[k] + c0 * v0 + c1 * v1);
            a1[k] = bb31x4_lazy_cut(a1[k] + c0 * v1 + c1 * v2);
        }
    }
    for (int k = 0; k < 4; k++) {
        out[0].c[k] = bb31x4_lazy_reduce(a0[k]);
        out[1].c[k] = bb31x4_lazy_reduce(a1[k]);
    }
}

/* The selectors folded at r0 at point x: fsel[k H + x] for (is_first, is_transition, is_last). */
SWIRL_HD void swirl_rap_fold_sel(bb31x4 *fsel, size_t H, size_t h, size_t N, const bb31x4 *lagr,
                                 size_t x) {
    bb31x4 s3[3] = {bb31x4_zero(), bb31x4_zero(), bb31x4_zero()};
    for (size_t j = 0; j < N; j++) {
        size_t i = (x * N + j) & (h - 1);
        if (i == 0)
            s3[0] = bb31x4_add(s3[0], lagr[j]);
        if (i != h - 1)
            s3[1] = bb31x4_add(s3[1], lagr[j]);
        else
            s3[2] = bb31x4_add(s3[2], lagr[j]);
    }
    for (int k = 0; k < 3; k++)
        fsel[k * H + x] = s3[k];
}

/* A trace's tail at its fully folded row (every table of height 1): the program in the extension
 * field (thread t of T), out = (sum_k lambda^k C_k, the LogUp numerator, denominator). */
SWIRL_HD void swirl_rap_tail_eval(bb31x4 out[3], const swirl_zc_dprog *pg,
                                  const bb31x4 *const *fold, const bb31x4 *fsel, const bb31 *pub,
                                  bb31 *V, size_t T, size_t t, const bb31x4 *lp, const bb31x4 *bp,
                                  const bb31x4 *eq3b) {
    for (uint32_t k = 0; k < 3; k++)
        swirl_zc_st_x(V, T, t, pg->in_base + k, fsel[k]);
    for (uint32_t s = 0; s < pg->n_vars; s++) {
        uint32_t view = pg->var_info[3 * s], col = pg->var_info[3 * s + 1];
        bb31x4 v = view == SWIRL_ZC_PUBLIC ? bb31x4_from_base(pub[col]) : fold[view][col];
        swirl_zc_st_x(V, T, t, pg->in_base + 3u + s, v);
    }
    swirl_zc_run_x(pg, V, T, t);
    swirl_zc_sums_x(out, pg, V, T, t, lp, bp, eq3b);
}

/* ------------------------ control steps (one thread, or a warp) ------------------------ */
/* In warp mode every lane runs the step and only the lead writes; the other lanes may read
 * buffers the lead is updating (their values are never used: the transcript takes the lead's),
 * and their control flow depends only on the shape, the traces and sampled values. */

/* After the PoW (witness w, canonical, already applied to the transcript): the witness into the
 * proof, alpha, beta, the powers of beta; without interactions q0_claim = 1. */
SWIRL_HD void swirl_rap_ctl_pow(const swirl_rap_shape *sh, const swirl_rap_bufs *b, uint32_t w,
                                const swirl_ts_tables *tb) {
    swirl_rap_ctl *c = b->ctl;
    bb31x4 alpha = swirl_ts_sample_ext(b->t, tb);
    bb31x4 beta = swirl_ts_sample_ext(b->t, tb);
    if (!swirl_ts_lead(tb))
        return;
    bb31x4 wv = bb31x4_zero();
    wv.c[0] = bb31_from_u32(w);
    b->proof[sh->off_pow] = wv;
    c->alpha = alpha;
    c->beta = beta;
    c->fail = 0;
    bb31x4 bk = bb31x4_one();
    b->bp[0] = bk;
    for (uint32_t k = 1; k <= sh->max_msg; k++) {
        bk = bb31x4_mul(bk, beta);
        b->bp[k] = bk;
    }
    if (sh->gkr_layers == 0)
        b->proof[sh->off_q0] = bb31x4_one();
}

/* After the device GKR: its root numerator must be zero (else fail = 1), its q0, claims and
 * sumcheck polynomials into the plan's spans, xi starts with its point. */
SWIRL_HD void swirl_rap_ctl_gkr(const swirl_rap_shape *sh, const swirl_rap_bufs *b) {
    unsigned L = sh->gkr_layers;
    const bb31x4 *g = b->gkr;
    if (!bb31x4_is_zero(g[1]))
        b->ctl->fail = 1;
    b->proof[sh->off_q0] = g[0];
    for (size_t i = 0; i < 4 * (size_t)L; i++)
        b->proof[sh->off_claims + i] = g[swirl_gkr_off_claims(0) + i];
    size_t polys = 3 * ((size_t)L * (L - 1) / 2);
    for (size_t i = 0; i < polys; i++)
        b->proof[sh->off_polys + i] = g[swirl_gkr_off_polys(L) + i];
    for (unsigned i = 0; i < L; i++)
        b->ctl->xi[i] = g[swirl_gkr_off_xi(L) + i];
}

/* Multilinear round `round`: every trace's tail (a trace that ends this round: its evaluation in
 * tails[] times the eq factors; later: times r_{round-1}) or head (heads[]: 3 G sums), the round
 * polynomial (values at 1..s_deg observed), r_round, the claim, the eq factors of the next round. */
SWIRL_HD void swirl_rap_ctl_round(const swirl_rap_shape *sh, const swirl_rap_bufs *b, uint32_t round,
                                  const swirl_ts_tables *tb) {
    swirl_rap_ctl *c = b->ctl;
    const bb31x4 *mp = b->mu_pows;
    uint32_t G = sh->G, n = sh->n;
    int lead = swirl_ts_lead(tb);
    bb31x4 hz[SWIRL_ZM_MAX_COS], hl[SWIRL_ZM_MAX_COS], tail = bb31x4_zero();
    for (uint32_t i = 0; i < G; i++)
        hz[i] = hl[i] = bb31x4_zero();
    for (uint32_t ti = 0; ti < n; ti++) {
        const swirl_rap_trace *tt = &b->tr[ti];
        bb31x4 *tl = b->tails + 3 * (size_t)ti;
        if (round > tt->n_lift) {
            bb31x4 v[3] = {tl[0], tl[1], tl[2]};
            if (round == tt->n_lift + 1) {
                v[0] = bb31x4_mul(c->eq_ns[round - 1], v[0]);
                if (tt->n_int) {
                    v[1] = bb31x4_mul_base(bb31x4_mul(c->eq_sh[round - 1], v[1]), tt->norm);
                    v[2] = bb31x4_mul(c->eq_sh[round - 1], v[2]);
                } else {
                    v[1] = v[2] = bb31x4_zero();
                }
            } else {
                bb31x4 rp = b->proof[sh->off_r + round - 1];
                for (int k = 0; k < 3; k++)
                    v[k] = bb31x4_mul(v[k], rp);
            }
            if (lead)
                for (int k = 0; k < 3; k++)
                    tl[k] = v[k];
            tail = bb31x4_add(tail, bb31x4_mul(mp[2 * n + ti], v[0]));
            tail = bb31x4_add(tail, bb31x4_mul(mp[2 * ti], v[1]));
            tail = bb31x4_add(tail, bb31x4_mul(mp[2 * ti + 1], v[2]));
        } else {
            const bb31x4 *az = b->heads + 3 * (size_t)G * ti, *an = az + G, *ad = az + 2 * G;
            for (uint32_t x = 0; x < G; x++) {
                bb31x4 nnorm = bb31x4_mul_base(an[x], tt->norm);
                hz[x] = bb31x4_add(hz[x], bb31x4_mul(mp[2 * n + ti], az[x]));
                hl[x] = bb31x4_add(hl[x], bb31x4_add(bb31x4_mul(mp[2 * ti], nnorm),
                                                     bb31x4_mul(mp[2 * ti + 1], ad[x])));
            }
        }
    }
    size_t s_deg = sh->s_deg;
    bb31x4 he[SWIRL_ZM_MAX_COS + 2], co[SWIRL_ZM_MAX_COS + 3];
    for (uint32_t i = 0; i < G; i++)
        he[i + 1] = bb31x4_add(bb31x4_mul(c->eq_ns[round - 1], hz[i]),
                               bb31x4_mul(c->eq_sh[round - 1], hl[i]));
    bb31x4 xc = c->xi[sh->l + round - 1];
    swirl_zm_round_poly(co, he, s_deg, c->prev, xc, tail);
    for (size_t i = 1; i <= s_deg; i++) {
        bb31x4 ev = swirl_zm_horner(co, s_deg + 1, bb31x4_from_base(bb31_from_u32((uint32_t)i)));
        if (lead)
            b->proof[sh->off_mle + (round - 1) * s_deg + (i - 1)] = ev;
        swirl_ts_observe_ext(b->t, ev, tb);
    }
    bb31x4 rr = swirl_ts_sample_ext(b->t, tb);
    if (!lead)
        return;
    b->proof[sh->off_r + round] = rr;
    c->prev = swirl_zm_horner(co, s_deg + 1, rr);
    bb31x4 em = swirl_zm_eq_mle(&xc, &rr, 1);
    c->eq_ns[round] = bb31x4_mul(c->eq_ns[round - 1], em);
    c->eq_sh[round] = bb31x4_mul(c->eq_sh[round - 1], em);
}

/* ------------------------------ block control steps ------------------------------ */
/*
 * ctl_challenges and ctl_round0 run on one block (k_rap_ctl_challenges, k_rap_ctl_round0): a step
 * is a list of phases, each either parallel (thread tid of nt takes the items tid, tid + nt, ...
 * of the phase's flat index space, or a run of them; every output has exactly one writer) or
 * sequential (the transcript, in the one-thread order: thread 0, or in warp mode the threads
 * tid < swirl_ts_team, with the lead writing). The kernel runs phase p on
 * every thread with a __syncthreads after each; the CPU runs the phases in order as thread 0 of
 * 1 (swirl_rap_ctl_challenges, swirl_rap_ctl_round0); tests/test_rap_twin.c also runs every thread
 * of nt in turn per phase. Values pass between phases through the buffers and the control state.
 */

/* The first item of a run that starts at flat index `off` which thread tid of nt takes (the flat
 * indexes tid, tid + nt, ...): runs of different lengths one after another share out evenly. */
SWIRL_HD size_t swirl_rap_first(size_t off, unsigned tid, unsigned nt) {
    return (tid + nt - off % nt) % nt;
}

/* derive_challenges, 2 phases. 0 (thread 0): xi extended to n_xi coordinates, lambda. 1: lambda's
 * powers (thread tid: a run of consecutive ones from lambda^start), the eq weight of every
 * interaction's LogUp column: eq(xi[l + n_lift ..], bits(row_idx >> (l + n_lift))). */
#define SWIRL_RAP_CH_PHASES 2u
SWIRL_HD void swirl_rap_ch_phase(const swirl_rap_shape *sh, const swirl_rap_bufs *b, unsigned p,
                                 unsigned tid, unsigned nt, const swirl_ts_tables *tb) {
    swirl_rap_ctl *c = b->ctl;
    if (p == 0) {
        if (tid >= swirl_ts_team(tb))
            return;
        int lead = swirl_ts_lead(tb);
        for (uint32_t i = sh->gkr_layers; i < sh->n_xi; i++) {
            bb31x4 x = swirl_ts_sample_ext(b->t, tb);
            if (lead)
                c->xi[i] = x;
        }
        bb31x4 lambda = swirl_ts_sample_ext(b->t, tb);
        if (lead)
            c->lambda = lambda;
        return;
    }
    uint32_t run = (sh->max_cons + nt - 1) / nt, k0 = tid * run;
    if (k0 < sh->max_cons) {
        uint32_t k1 = sh->max_cons - k0 < run ? sh->max_cons : k0 + run;
        bb31x4 lp = bb31x4_pow(c->lambda, k0);
        for (uint32_t k = k0; k < k1; k++) {
            b->lam_pows[k] = lp;
            lp = bb31x4_mul(lp, c->lambda);
        }
    }
    for (uint32_t ti = 0; ti < sh->n; ti++) {
        const swirl_rap_trace *tt = &b->tr[ti];
        uint32_t shift = sh->l + tt->n_lift, nb = sh->n_logup - tt->n_lift;
        for (size_t k = swirl_rap_first(tt->int_off, tid, nt); k < tt->n_int; k += nt)
            b->eq3b[tt->int_off + k] = swirl_gkr_eq_entry(
                c->xi + shift, nb, (size_t)(b->row_idx[tt->int_off + k] >> shift));
    }
}

/* the cosets of trace tt's interpolation `kind` (0 zerocheck, 1 numerator, 2 denominator) */
SWIRL_HD size_t swirl_rap_r0_cosets(const swirl_rap_trace *tt, unsigned kind) {
    return kind == 0 ? tt->nzc : tt->nlu;
}

/*
 * Round 0 after the sums, 10 phases (zm: protocol/zerocheck_math.h). Scratch item e of trace ti's
 * interpolation kind is h / q[(3 ti + kind) SWIRL_ZM_MAX_COS N + e]; vinv holds d = 1..MAX_COS.
 *   0  h entries (zm_cos_h), the Vandermonde inverses, eqs (eq of xi[0..l) over the cube), eq_uni
 *   1  the interpolations' coefficients (zm_cos_coeff), eq_sharp
 *   2  the rows zc, nu, de (zm_round0_entry, every entry)
 *   3  the LogUp products with eq_sharp (prods)
 *   4  the transcript's threads: the per-AIR LogUp terms (observed), mu and its powers
 *   5  zsum: the mu-batched zerocheck rows
 *   6  zsum times eq_uni (s0zc) and the batched univariate polynomial into the proof
 *   7  the transcript's threads: the polynomial observed, r0, the claim s0(r0), eq_ns[0]
 *   8  the fold weights at r0 (lagr)
 *   9  thread 0: eq_sh[0] = sum_i lagr[i] eqs[i]
 */
#define SWIRL_RAP_R0_PHASES 10u
SWIRL_HD void swirl_rap_r0_phase(const swirl_rap_shape *sh, const swirl_rap_bufs *b, unsigned p,
                                 unsigned tid, unsigned nt, const swirl_ts_tables *tb) {
    swirl_rap_ctl *c = b->ctl;
    size_t n = sh->n, N = sh->N, l = sh->l, row = sh->s0deg + 1, sp0 = sh->sp0;
    size_t per = SWIRL_ZM_MAX_COS * N; /* one interpolation's scratch */
    const bb31x4 *mp = b->mu_pows;
    bb31x4 *uni = b->proof + sh->off_uni;
    switch (p) {
    case 0:
        for (size_t d = tid; d < SWIRL_ZM_MAX_COS; d += nt)
            swirl_zm_cos_vinv(b->vinv + d * SWIRL_ZM_MAX_COS * SWIRL_ZM_MAX_COS, d + 1, l);
        for (size_t k = tid; k < N; k += nt) {
            b->eqs[k] = swirl_gkr_eq_entry(c->xi, (unsigned)l, k);
            b->equni[k] = swirl_zm_equni_coeff(c->xi[0], l, k);
        }
        /* entry e = c N + k of interpolation tk = 3 ti + kind: item off + e across them all */
        for (size_t tk = 0, off = 0; tk < 3 * n; tk++) {
            size_t cnt = swirl_rap_r0_cosets(&b->tr[tk / 3], (unsigned)(tk % 3)) * N;
            for (size_t e = swirl_rap_first(off, tid, nt); e < cnt; e += nt)
                b->h[tk * per + e] =
                    swirl_zm_cos_h(b->S + tk * (size_t)sh->P, e >> l, e & (N - 1), l, sh->omega);
            off += cnt;
        }
        break;
    case 1:
        /* coefficient e = m N + k of interpolation tk, numbered as in phase 0 */
        for (size_t tk = 0, off = 0; tk < 3 * n; tk++) {
            size_t d = swirl_rap_r0_cosets(&b->tr[tk / 3], (unsigned)(tk % 3));
            const bb31 *vi = b->vinv + (d ? d - 1 : 0) * SWIRL_ZM_MAX_COS * SWIRL_ZM_MAX_COS;
            for (size_t e = swirl_rap_first(off, tid, nt); e < d * N; e += nt)
                b->q[tk * per + e] =
                    swirl_zm_cos_coeff(b->h + tk * per, vi, d, N, e >> l, e & (N - 1));
            off += d * N;
        }
        for (size_t k = tid; k < N; k += nt)
            b->eqsharp[k] = swirl_zm_eqsharp_coeff(b->eqs, l, sh->omega, k);
        break;
    case 2:
        for (size_t e = tid; e < 3 * n * row; e += nt) {
            size_t tk = e / row, i = e - tk * row, ti = tk / 3;
            unsigned kind = (unsigned)(tk - 3 * ti);
            const swirl_rap_trace *tt = &b->tr[ti];
            bb31x4 *out = kind == 0 ? b->zc : kind == 1 ? b->nu : b->de;
            out[ti * row + i] = swirl_zm_round0_entry(b->q + tk * per, kind, i, tt->deg, tt->nzc,
                                                      tt->nlu, N, sp0, tt->norm);
        }
        break;
    case 3: /* prods row 2 ti: nu[ti] eq_sharp, row 2 ti + 1: de[ti] eq_sharp */
        for (size_t e = tid; e < 2 * n * row; e += nt) {
            size_t r = e / row, i = e - r * row;
            const bb31x4 *src = (r % 2 == 0 ? b->nu : b->de) + (r / 2) * row;
            b->prods[e] = swirl_zm_poly_mul_at(src, sp0 + 1, b->eqsharp, N, i);
        }
        break;
    case 4:
        if (tid >= swirl_ts_team(tb))
            break;
        for (size_t ti = 0; ti < n; ti++) {
            bb31x4 sn = swirl_zm_sum_over_domain(b->prods + (2 * ti) * row, sh->s0deg, N);
            bb31x4 sd = swirl_zm_sum_over_domain(b->prods + (2 * ti + 1) * row, sh->s0deg, N);
            if (swirl_ts_lead(tb)) {
                b->proof[sh->off_num + ti] = sn;
                b->proof[sh->off_den + ti] = sd;
            }
            swirl_ts_observe_ext(b->t, sn, tb);
            swirl_ts_observe_ext(b->t, sd, tb);
        }
        {
            bb31x4 mu = swirl_ts_sample_ext(b->t, tb);
            if (!swirl_ts_lead(tb))
                break;
            bb31x4 mk = bb31x4_one();
            b->mu_pows[0] = mk;
            for (size_t k = 1; k < 3 * n; k++) {
                mk = bb31x4_mul(mk, mu);
                b->mu_pows[k] = mk;
            }
        }
        break;
    case 5:
        for (size_t j = tid; j <= sp0; j += nt) {
            bb31x4 z = bb31x4_zero();
            for (size_t ti = 0; ti < n; ti++)
                z = bb31x4_add(z, bb31x4_mul(mp[2 * n + ti], b->zc[ti * row + j]));
            b->zsum[j] = z;
        }
        break;
    case 6:
        for (size_t j = tid; j < row; j += nt) {
            bb31x4 co = swirl_zm_poly_mul_at(b->zsum, sp0 + 1, b->equni, N, j);
            b->s0zc[j] = co;
            for (size_t i = 0; i < 2 * n; i++)
                co = bb31x4_add(co, bb31x4_mul(mp[i], b->prods[i * row + j]));
            uni[j] = co;
        }
        break;
    case 7:
        if (tid >= swirl_ts_team(tb))
            break;
        for (size_t j = 0; j < row; j++)
            swirl_ts_observe_ext(b->t, uni[j], tb);
        {
            bb31x4 r0 = swirl_ts_sample_ext(b->t, tb);
            if (!swirl_ts_lead(tb))
                break;
            b->proof[sh->off_r] = r0;
            c->prev = swirl_zm_horner(uni, row, r0);
            c->eq_ns[0] = swirl_zm_eq_uni(l, c->xi[0], r0);
        }
        break;
    case 8:
        for (size_t j = tid; j < N; j += nt)
            b->lagr[j] = swirl_zm_fold_weight(l, b->proof[sh->off_r], sh->omega, j);
        break;
    case 9:
        if (tid != 0)
            break;
        {
            bb31x4 acc = bb31x4_zero();
            for (size_t i = 0; i < N; i++)
                acc = bb31x4_add(acc, bb31x4_mul(b->lagr[i], b->eqs[i]));
            c->eq_sh[0] = acc;
        }
        break;
    }
}

/* the steps on the CPU: every phase as thread 0 of 1 */
SWIRL_HD void swirl_rap_ctl_challenges(const swirl_rap_shape *sh, const swirl_rap_bufs *b,
                                       const swirl_ts_tables *tb) {
    for (unsigned p = 0; p < SWIRL_RAP_CH_PHASES; p++)
        swirl_rap_ch_phase(sh, b, p, 0, 1, tb);
}

SWIRL_HD void swirl_rap_ctl_round0(const swirl_rap_shape *sh, const swirl_rap_bufs *b,
                                   const swirl_ts_tables *tb) {
    for (unsigned p = 0; p < SWIRL_RAP_R0_PHASES; p++)
        swirl_rap_r0_phase(sh, b, p, 0, 1, tb);
}

#endif /* SWIRL_PROVER_RAP_IMPL_H */
