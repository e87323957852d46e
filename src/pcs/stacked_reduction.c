/* Stacked opening reduction: prover, verifier, and a direct-sum oracle for the claims. */
#include "util/alloc.h"
#include "pcs/stacked_reduction.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "poly/poly_common.h"
#include "util/span.h"
#include "util/test_hooks.h"

#define MAX_L_SKIP 10

typedef struct trace_view {
    size_t com;      /* commit index */
    size_t claim;    /* claim index k (weights lambda^(2k), lambda^(2k+1)) */
    size_t col_idx;  /* stacked column */
    size_t row_idx;  /* first stacked row */
    unsigned log_h;  /* true log height */
    int rot;         /* needs the rotation claim */
} trace_view;

void swirl_stacking_proof_clear(swirl_stacking_proof *p) {
    if (!p)
        return;
    free(p->univariate_round_coeffs);
    free(p->sumcheck_round_polys);
    free(p->stacking_openings);
    free(p->openings_per_commit);
    memset(p, 0, sizeof *p);
}

static bb31x4 ext(bb31 a) {
    return bb31x4_from_base(a);
}
static bb31x4 ext_pow2k(bb31x4 a, size_t k) { /* a^(2^k) */
    for (size_t i = 0; i < k; i++)
        a = bb31x4_square(a);
    return a;
}
static bb31 base_pow2k(bb31 a, size_t k) {
    for (size_t i = 0; i < k; i++)
        a = bb31_square(a);
    return a;
}
static size_t rot_prev(size_t x, size_t n) {
    return x == 0 ? ((size_t)1 << n) - 1 : x - 1;
}

/* the trace views of all commits, in claim order */
static enum swirl_status collect_views(trace_view **out, size_t *n_out,
                                       const swirl_stacked_commit_view *commits, size_t n_commits,
                                       unsigned l_skip, unsigned n_stack) {
    size_t n = 0;
    for (size_t c = 0; c < n_commits; c++) {
        SWIRL_ARG_CHECK(commits[c].layout != NULL && commits[c].matrix != NULL &&
                        commits[c].need_rot != NULL);
        if (commits[c].layout->height != ((size_t)1 << (l_skip + n_stack)) ||
            commits[c].layout->l_skip != l_skip)
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                               "stacked reduction: commit %zu has height %zu, expected 2^%u", c,
                               commits[c].layout->height, l_skip + n_stack);
        n += commits[c].layout->num_cols;
    }
    trace_view *tv = swirl_malloc((n + 1) * sizeof *tv);
    if (!tv)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "stacked reduction: out of memory");
    size_t k = 0;
    for (size_t c = 0; c < n_commits; c++) {
        const swirl_stacked_layout *L = commits[c].layout;
        for (size_t i = 0; i < L->num_cols; i++, k++) {
            const swirl_stacked_slice *s = &L->cols[i];
            tv[k].com = c;
            tv[k].claim = k;
            tv[k].col_idx = s->col_idx;
            tv[k].row_idx = s->row_idx;
            tv[k].log_h = s->log_height;
            tv[k].rot = commits[c].need_rot[s->mat_idx] != 0;
        }
    }
    *out = tv;
    *n_out = n;
    return SWIRL_OK;
}

/* per log-height data: n (signed), n_lift, l', r_uni, omega' */
typedef struct height_info {
    long n;
    size_t n_lift, lp;
    bb31x4 r_uni;
    bb31 omega_p;
} height_info;

static height_info hinfo(unsigned log_h, unsigned l_skip, bb31x4 r0, bb31 omega) {
    height_info h;
    h.n = (long)log_h - (long)l_skip;
    h.n_lift = h.n > 0 ? (size_t)h.n : 0;
    if (h.n < 0) {
        size_t m = (size_t)(-h.n);
        h.lp = l_skip - m;
        h.r_uni = ext_pow2k(r0, m);
        h.omega_p = base_pow2k(omega, m);
    } else {
        h.lp = l_skip;
        h.r_uni = r0;
        h.omega_p = omega;
    }
    return h;
}

static enum swirl_status claims_with(bb31x4 (*claims)[2], const swirl_stacked_commit_view *commits,
                                     size_t n_commits, unsigned l_skip, const bb31x4 *r);

/* The views with their stacked columns in host memory: each view's matrix, or its PCS data's host
 * matrix (for device data the data's counted fallback copy). *out: a new array (caller frees). */
static enum swirl_status resolve_views(swirl_stacked_commit_view **out,
                                       const swirl_stacked_commit_view *commits, size_t n) {
    swirl_stacked_commit_view *cvs = swirl_malloc((n + 1) * sizeof *cvs);
    if (!cvs)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "stacked reduction: out of memory");
    for (size_t c = 0; c < n; c++) {
        cvs[c] = commits[c];
        if (!cvs[c].matrix && cvs[c].pcs) {
            enum swirl_status st = swirl_stacked_pcs_host_matrix(cvs[c].pcs, &cvs[c].matrix);
            if (st != SWIRL_OK) {
                free(cvs);
                return st;
            }
        }
    }
    *out = cvs;
    return SWIRL_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Oracle: t_eq = sum_{x, z in D} q(z, x) ind(z) eq_uni(l', z, r_uni) eq_r[x];
 *         t_rot = sum q(z, x) ind(z) (eq_uni(l', z, r_uni w') eq_r[x]
 *                                     + eq_const eq_uni_at_one(l, z) (eq_r[x-1] - eq_r[x])) */

enum swirl_status swirl_stacked_reduction_claims(bb31x4 (*claims)[2],
                                                 const swirl_stacked_commit_view *commits,
                                                 size_t n_commits, unsigned l_skip,
                                                 const bb31x4 *r) {
    SWIRL_ARG_CHECK(claims != NULL && r != NULL && l_skip <= MAX_L_SKIP);
    SWIRL_ARG_CHECK(n_commits > 0 && commits != NULL && commits[0].layout != NULL);
    swirl_stacked_commit_view *cvs = NULL;
    SWIRL_TRY(resolve_views(&cvs, commits, n_commits));
    enum swirl_status st = claims_with(claims, cvs, n_commits, l_skip, r);
    free(cvs);
    return st;
}

/* swirl_stacked_reduction_claims on views whose matrices are in host memory */
static enum swirl_status claims_with(bb31x4 (*claims)[2], const swirl_stacked_commit_view *commits,
                                     size_t n_commits, unsigned l_skip, const bb31x4 *r) {
    unsigned n_stack = (unsigned)swirl_log2_exact(commits[0].layout->height) - l_skip;
    trace_view *tv;
    size_t n;
    SWIRL_TRY(collect_views(&tv, &n, commits, n_commits, l_skip, n_stack));
    bb31 omega;
    SWIRL_TRY(bb31_two_adic_generator(&omega, l_skip));
    bb31x4 eq_const = swirl_eval_eq_uni_at_one(l_skip, bb31x4_mul_base(r[0], omega));
    size_t N = (size_t)1 << l_skip;
    bb31x4 *eqr = swirl_malloc(((size_t)1 << n_stack) * sizeof *eqr);
    if (!eqr) {
        free(tv);
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    }
    for (size_t k = 0; k < n; k++) {
        height_info h = hinfo(tv[k].log_h, l_skip, r[0], omega);
        swirl_evals_eq_hypercube(eqr, r + 1, h.n_lift);
        const bb31 *col = commits[tv[k].com].matrix + tv[k].col_idx * commits[tv[k].com].layout->height +
                          tv[k].row_idx;
        bb31x4 te = bb31x4_zero(), tr = bb31x4_zero();
        for (size_t x = 0; x < ((size_t)1 << h.n_lift); x++)
            for (size_t zi = 0; zi < N; zi++) {
                bb31x4 z = ext(bb31_pow(omega, zi));
                bb31x4 q = ext(col[x * N + zi]);
                bb31x4 ind = swirl_eval_in_uni(l_skip, h.n, z);
                bb31x4 a = bb31x4_mul(swirl_eval_eq_uni(h.lp, z, h.r_uni), eqr[x]);
                te = bb31x4_add(te, bb31x4_mul(bb31x4_mul(q, ind), a));
                bb31x4 b = bb31x4_add(
                    bb31x4_mul(swirl_eval_eq_uni(h.lp, z, bb31x4_mul_base(h.r_uni, h.omega_p)), eqr[x]),
                    bb31x4_mul(bb31x4_mul(eq_const, swirl_eval_eq_uni_at_one(l_skip, z)),
                               bb31x4_sub(eqr[rot_prev(x, h.n_lift)], eqr[x])));
                tr = bb31x4_add(tr, bb31x4_mul(bb31x4_mul(q, ind), b));
            }
        claims[k][0] = te;
        claims[k][1] = tv[k].rot ? tr : bb31x4_zero();
    }
    free(eqr);
    free(tv);
    return SWIRL_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Prover */

/* coefficients (degree < 2N) of the polynomial with values S[c*N + i] at g^(c+1) w^i, c in {0,1} */
static void interpolate_two_cosets(bb31x4 *coeffs, const bb31x4 *S, size_t l_skip, bb31 omega) {
    size_t N = (size_t)1 << l_skip;
    bb31 g = bb31_from_u32(BB31_GENERATOR), winv = bb31_inv(omega);
    bb31 ninv = bb31_inv(bb31_from_u32((uint32_t)N));
    bb31x4 h[2][1 << MAX_L_SKIP];
    bb31 gam[2];
    for (int c = 0; c < 2; c++) {
        bb31 shift = c == 0 ? g : bb31_square(g), sinv = bb31_inv(shift);
        gam[c] = bb31_pow(shift, N);
        bb31 sk = ninv; /* N^-1 shift^-k */
        for (size_t k = 0; k < N; k++) {
            bb31x4 acc = bb31x4_zero();
            bb31 wk = bb31_pow(winv, k), wik = bb31_one();
            for (size_t i = 0; i < N; i++) {
                acc = bb31x4_add(acc, bb31x4_mul_base(S[(size_t)c * N + i], wik));
                wik = bb31_mul(wik, wk);
            }
            h[c][k] = bb31x4_mul_base(acc, sk);
            sk = bb31_mul(sk, sinv);
        }
    }
    bb31 dinv = bb31_inv(bb31_sub(gam[0], gam[1]));
    for (size_t k = 0; k < N; k++) {
        bb31x4 B = bb31x4_mul_base(bb31x4_sub(h[0][k], h[1][k]), dinv);
        coeffs[N + k] = B;
        coeffs[k] = bb31x4_sub(h[0][k], bb31x4_mul_base(B, gam[0]));
    }
}

/* Everything the prover's phases share (OpenVM StackedReductionCpu): the inputs, the trace views
 * in claim order, the batching weights lambda^i, the per-view tables and the folded stacked
 * columns. The phases never touch the transcript: swirl_stacked_reduction_prove_ex does every
 * transcript operation, in the order of OpenVM's prove_stacked_opening_reduction. */
typedef struct sr_prover {
    const swirl_backend_ops *ops;
    swirl_stacking_proof *proof;
    const swirl_stacked_commit_view *commits;
    size_t n_commits;
    unsigned l_skip, n_stack;
    const bb31x4 *r;
    bb31 omega;     /* generator of D */
    size_t N, H, P; /* |D| = 2^l_skip, 2^n_stack, the 2N round-0 points */
    bb31x4 r0, eq_const;
    int span_open; /* prover.openings.stacked_reduction begun */
    trace_view *tv;
    size_t ntv;
    bb31x4 *lp; /* lambda^i, i < 2 ntv: claim k weighs lambda^(2k) (eq), lambda^(2k+1) (rot) */
    /* per trace view tables: e (eq over the cube), kr (rotation), eq_ub */
    bb31x4 **e, **kr;
    size_t *elen;
    bb31x4 *e_block, *kr_block; /* storage of every e[k] / kr[k] */
    bb31x4 *eq_ub;
    bb31x4 **q; /* folded stacked columns, per commit */
    size_t qh;  /* their current length */
    bb31 *lag;  /* round 0: Lagrange basis of D at each of the P points */
    bb31x4 *S;  /* round 0: the batched sum at the P points */
} sr_prover;

/* the single cleanup path: ends the span if it was begun, frees the tables, and on failure the
 * proof too */
static void sr_clear(sr_prover *s, enum swirl_status st) {
    if (s->span_open)
        swirl_span_end();
    free(s->e_block);
    free(s->kr_block);
    if (s->q)
        for (size_t c = 0; c < s->n_commits; c++)
            free(s->q[c]);
    free(s->e);
    free(s->kr);
    free(s->elen);
    free(s->eq_ub);
    free(s->q);
    free(s->lag);
    free(s->S);
    free(s->lp);
    free(s->tv);
    if (st != SWIRL_OK)
        swirl_stacking_proof_clear(s->proof);
}

/* the shared tables and the proof's arrays (all but the openings) */
static enum swirl_status sr_alloc(sr_prover *s) {
    size_t ntv = s->ntv, n_commits = s->n_commits;
    swirl_stacking_proof *proof = s->proof;
    s->lp = swirl_malloc((2 * ntv + 1) * sizeof *s->lp);
    s->e = swirl_calloc(ntv + 1, sizeof *s->e);
    s->kr = swirl_calloc(ntv + 1, sizeof *s->kr);
    s->elen = swirl_calloc(ntv + 1, sizeof *s->elen);
    s->eq_ub = swirl_malloc((ntv + 1) * sizeof *s->eq_ub);
    s->q = swirl_calloc(n_commits, sizeof *s->q);
    s->qh = s->H;
    s->lag = swirl_malloc(s->P * s->N * sizeof *s->lag);
    s->S = swirl_calloc(s->P, sizeof *s->S);
    proof->n_univariate = s->P - 1;
    proof->univariate_round_coeffs = swirl_malloc(s->P * sizeof(bb31x4));
    proof->n_rounds = s->n_stack;
    proof->sumcheck_round_polys =
        swirl_malloc((s->n_stack + 1) * sizeof *proof->sumcheck_round_polys);
    proof->n_commits = n_commits;
    proof->openings_per_commit = swirl_calloc(n_commits, sizeof(size_t));
    if (!s->lp || !s->e || !s->kr || !s->elen || !s->eq_ub || !s->q || !s->lag || !s->S ||
        !proof->univariate_round_coeffs || !proof->sumcheck_round_polys ||
        !proof->openings_per_commit)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "stacked reduction: out of memory");
    return SWIRL_OK;
}

/* the batching weights of the claims: lambda^i, i < 2 ntv */
static void sr_lambda_pows(sr_prover *s, bb31x4 lambda) {
    s->lp[0] = bb31x4_one();
    for (size_t i = 1; i < 2 * s->ntv; i++)
        s->lp[i] = bb31x4_mul(s->lp[i - 1], lambda);
}

/* per view: e = eq(r_1.., x) over the view's cube, eq_ub = 1 (kr is written by the fold) */
static enum swirl_status sr_eq_tables(sr_prover *s) {
    /* every view's e and kr table lives in one block (e_block, kr_block), views one after
     * the other: consecutive views of one height are columns of one strided matrix, so a
     * round folds them in one sumcheck_fold call */
    const trace_view *tv = s->tv;
    size_t ntv = s->ntv, total = 0;
    for (size_t k = 0; k < ntv; k++) {
        s->elen[k] = (size_t)1 << (tv[k].log_h > s->l_skip ? tv[k].log_h - s->l_skip : 0);
        total += s->elen[k];
    }
    s->e_block = swirl_malloc((total + 1) * sizeof(bb31x4));
    s->kr_block = swirl_malloc((total + 1) * sizeof(bb31x4));
    if (!s->e_block || !s->kr_block)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "stacked reduction: out of memory");
    for (size_t k = 0, off = 0; k < ntv; off += s->elen[k], k++) {
        s->e[k] = s->e_block + off;
        s->kr[k] = s->kr_block + off;
        s->eq_ub[k] = bb31x4_one();
    }
    bb31x4 **e = s->e;
    const size_t *elen = s->elen;
    const bb31x4 *r = s->r;
#pragma omp parallel for schedule(dynamic, 8)
    for (size_t k = 0; k < ntv; k++)
        swirl_evals_eq_hypercube(e[k], r + 1, swirl_log2_exact(elen[k]));
    return SWIRL_OK;
}

/* ---- round 0 ---- */

/* the round-0 points g^(c+1) w^i (c in {0,1}, i < N) and the Lagrange basis of D at each:
 * lag[p N + j] = eq_uni(l, pts[p], w^j) */
static void sr_round0_points(sr_prover *s, bb31 *pts) {
    size_t N = s->N;
    bb31 g = bb31_from_u32(BB31_GENERATOR);
    for (size_t c = 0; c < 2; c++)
        for (size_t i = 0; i < N; i++)
            pts[c * N + i] = bb31_mul(c == 0 ? g : bb31_square(g), bb31_pow(s->omega, i));
    for (size_t p = 0; p < s->P; p++)
        for (size_t j = 0; j < N; j++) {
            bb31x4 v = swirl_eval_eq_uni(s->l_skip, ext(pts[p]), ext(bb31_pow(s->omega, j)));
            s->lag[p * N + j] = v.c[0];
        }
}

/* adds view k's weighted eq (and rotation) sums at the P points to Sl */
static void sr_round0_view(const sr_prover *s, size_t k, const bb31 *pts, bb31x4 *Sl) {
    const size_t N = s->N, P = s->P;
    const unsigned l_skip = s->l_skip;
    const trace_view *v = &s->tv[k];
    const bb31 *lag = s->lag;
    const bb31x4 *ek = s->e[k];
    bb31x4 W1[1 << MAX_L_SKIP], W2[1 << MAX_L_SKIP];
    height_info h = hinfo(v->log_h, l_skip, s->r0, s->omega);
    const bb31 *col =
        s->commits[v->com].matrix + v->col_idx * s->commits[v->com].layout->height + v->row_idx;
    for (size_t j = 0; j < N; j++) {
        W1[j] = bb31x4_zero();
        W2[j] = bb31x4_zero();
    }
    for (size_t x = 0; x < s->elen[k]; x++) {
        bb31x4 ex = ek[x], dx = bb31x4_sub(ek[rot_prev(x, h.n_lift)], ek[x]);
        for (size_t j = 0; j < N; j++) {
            bb31 val = col[x * N + j];
            W1[j] = bb31x4_add(W1[j], bb31x4_mul_base(ex, val));
            W2[j] = bb31x4_add(W2[j], bb31x4_mul_base(dx, val));
        }
    }
    for (size_t p = 0; p < P; p++) {
        bb31x4 Pz = ext(pts[p]);
        bb31x4 q1 = bb31x4_zero(), q2 = bb31x4_zero();
        for (size_t j = 0; j < N; j++) {
            q1 = bb31x4_add(q1, bb31x4_mul_base(W1[j], lag[p * N + j]));
            q2 = bb31x4_add(q2, bb31x4_mul_base(W2[j], lag[p * N + j]));
        }
        bb31x4 ind = swirl_eval_in_uni(l_skip, h.n, Pz);
        bb31x4 A = bb31x4_mul(ind, swirl_eval_eq_uni(h.lp, Pz, h.r_uni));
        bb31x4 acc = bb31x4_mul(bb31x4_mul(s->lp[2 * k], A), q1);
        if (v->rot) {
            bb31x4 B =
                bb31x4_mul(ind, swirl_eval_eq_uni(h.lp, Pz, bb31x4_mul_base(h.r_uni, h.omega_p)));
            bb31x4 C =
                bb31x4_mul(bb31x4_mul(ind, s->eq_const), swirl_eval_eq_uni_at_one(l_skip, Pz));
            bb31x4 rot = bb31x4_add(bb31x4_mul(B, q1), bb31x4_mul(C, q2));
            acc = bb31x4_add(acc, bb31x4_mul(s->lp[2 * k + 1], rot));
        }
        Sl[p] = bb31x4_add(Sl[p], acc);
    }
}

/* the round-0 polynomial (univariate skip): the batched sum S at the 2N points of the cosets g D
 * and g^2 D, interpolated into proof->univariate_round_coeffs */
static enum swirl_status sr_round0_poly(sr_prover *s) {
    const size_t P = s->P;
    bb31 pts[2 << MAX_L_SKIP];
    sr_round0_points(s, pts);
    /* parallel over the trace columns; per-thread partial sums added in thread order (exact
     * field sums: the result does not depend on the thread count) */
    int nth = omp_get_max_threads();
    bb31x4 *Sp = swirl_calloc((size_t)nth * P, sizeof *Sp);
    if (!Sp)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "stacked reduction: out of memory");
    const size_t ntv = s->ntv;
#pragma omp parallel num_threads(nth)
    {
        bb31x4 *Sl = Sp + (size_t)omp_get_thread_num() * P;
#pragma omp for schedule(dynamic, 8)
        for (size_t k = 0; k < ntv; k++)
            sr_round0_view(s, k, pts, Sl);
    }
    for (int th = 0; th < nth; th++)
        for (size_t p = 0; p < P; p++)
            s->S[p] = bb31x4_add(s->S[p], Sp[(size_t)th * P + p]);
    free(Sp);
    interpolate_two_cosets(s->proof->univariate_round_coeffs, s->S, s->l_skip, s->omega);
    return SWIRL_OK;
}

/* ---- fold the prismalinear columns at u0; update the kernels ---- */
static enum swirl_status sr_fold_ple(sr_prover *s, bb31x4 u0) {
    const size_t N = s->N, H = s->H;
    const unsigned l_skip = s->l_skip;
    bb31x4 lagu[1 << MAX_L_SKIP];
    for (size_t j = 0; j < N; j++)
        lagu[j] = swirl_eval_eq_uni(l_skip, u0, ext(bb31_pow(s->omega, j)));
    for (size_t c = 0; c < s->n_commits; c++) {
        const swirl_stacked_commit_view *cv = &s->commits[c];
        size_t w = cv->layout->width;
        bb31x4 *qc = s->q[c] = swirl_malloc((w * H + 1) * sizeof(bb31x4));
        if (!qc)
            return SWIRL_RAISE(SWIRL_E_NOMEM, "stacked reduction: out of memory");
#pragma omp parallel for schedule(static)
        for (long long idx = 0; idx < (long long)(w * H); idx++) {
            size_t j = (size_t)idx / H, x = (size_t)idx % H;
            const bb31 *chunk = cv->matrix + j * cv->layout->height + x * N;
            bb31x4 acc = bb31x4_zero();
            for (size_t i = 0; i < N; i++)
                acc = bb31x4_add(acc, bb31x4_mul_base(lagu[i], chunk[i]));
            qc[j * H + x] = acc;
        }
        s->proof->openings_per_commit[c] = w;
    }
    bb31x4 eq_uni_u01 = swirl_eval_eq_uni_at_one(l_skip, u0);
    /* kr[x] = ind * (eur * e[x] + eq_const * eq_uni(u0, 1) * (e[x-1] - e[x])) and
     * e[x] *= ind * eu, with the per-view constants multiplied out once (exact field
     * arithmetic: the values do not change); independent per view, so parallel */
    const size_t ntv = s->ntv;
#pragma omp parallel for schedule(dynamic, 8)
    for (size_t k = 0; k < ntv; k++) {
        height_info h = hinfo(s->tv[k].log_h, l_skip, s->r0, s->omega);
        bb31x4 *ek = s->e[k], *kk = s->kr[k];
        size_t len = s->elen[k];
        bb31x4 ind = swirl_eval_in_uni(l_skip, h.n, u0);
        bb31x4 eu = swirl_eval_eq_uni(h.lp, u0, h.r_uni);
        bb31x4 eur = swirl_eval_eq_uni(h.lp, u0, bb31x4_mul_base(h.r_uni, h.omega_p));
        bb31x4 ce = bb31x4_mul(ind, eur);
        bb31x4 cd = bb31x4_mul(ind, bb31x4_mul(s->eq_const, eq_uni_u01));
        for (size_t x = 0; x < len; x++) {
            bb31x4 d = bb31x4_sub(ek[rot_prev(x, h.n_lift)], ek[x]);
            kk[x] = bb31x4_add(bb31x4_mul(ce, ek[x]), bb31x4_mul(cd, d));
        }
        bb31x4 f = bb31x4_mul(ind, eu);
        for (size_t x = 0; x < len; x++)
            ek[x] = bb31x4_mul(ek[x], f);
    }
    return SWIRL_OK;
}

/* ---- multilinear rounds ---- */

/* adds view k's share of s(1), s(2) in `round` to sl[0], sl[1] */
static void sr_round_view(const sr_prover *s, size_t k, unsigned round, bb31x4 *sl) {
    const unsigned l_skip = s->l_skip;
    const trace_view *v = &s->tv[k];
    size_t n_lift = v->log_h > l_skip ? v->log_h - l_skip : 0;
    size_t hyper = n_lift > round ? n_lift - round : 0;
    size_t row_start = round <= n_lift ? (v->row_idx >> v->log_h) << (hyper + 1)
                                       : (v->row_idx >> (l_skip + round)) << 1;
    const bb31x4 *col = s->q[v->com] + v->col_idx * s->qh + row_start;
    uint32_t bbit = (uint32_t)((v->row_idx >> (l_skip + round - 1)) & 1);
    /* s(X) at X = 1, 2 of sum_y q(y, X) * (lp_k * eq_k(y, X) + lp'_k * krot_k(y, X)) *
     * eq_ub_k. The per-view factors are pulled out of the sums over y, and q, eq, krot
     * are linear in X: at 1 they are the odd entries, at 2 twice the odd minus the even
     * (exact field arithmetic: the same values as evaluating every product) */
    bb31x4 qe[2] = {bb31x4_zero(), bb31x4_zero()}, qk[2] = {bb31x4_zero(), bb31x4_zero()};
    const size_t ny = (size_t)1 << hyper;
    if (round > n_lift) {
        /* eq and krot do not depend on y: sum q alone */
        bb31x4 q1 = bb31x4_zero(), q2 = bb31x4_zero();
        for (size_t y = 0; y < ny; y++) {
            q1 = bb31x4_add(q1, col[2 * y + 1]);
            q2 = bb31x4_add(q2, bb31x4_sub(bb31x4_add(col[2 * y + 1], col[2 * y + 1]), col[2 * y]));
        }
        for (uint32_t xi = 1; xi <= 2; xi++) {
            bb31x4 x = ext(bb31_from_u32(xi));
            bb31x4 bv = ext(bb31_from_u32(bbit));
            bb31x4 qs = xi == 1 ? q1 : q2;
            bb31x4 ub = swirl_eval_eq_mle(&x, &bv, 1);
            qe[xi - 1] = bb31x4_mul(qs, bb31x4_mul(s->e[k][0], ub));
            qk[xi - 1] = bb31x4_mul(qs, bb31x4_mul(s->kr[k][0], ub));
        }
    } else {
        const bb31x4 *ek = s->e[k], *kk = s->kr[k];
        const int rot = v->rot;
        for (size_t y = 0; y < ny; y++) {
            bb31x4 q1 = col[2 * y + 1];
            bb31x4 q2 = bb31x4_sub(bb31x4_add(q1, q1), col[2 * y]);
            bb31x4 e1 = ek[2 * y + 1], e2 = bb31x4_sub(bb31x4_add(e1, e1), ek[2 * y]);
            qe[0] = bb31x4_add(qe[0], bb31x4_mul(q1, e1));
            qe[1] = bb31x4_add(qe[1], bb31x4_mul(q2, e2));
            if (rot) {
                bb31x4 k1 = kk[2 * y + 1], k2 = bb31x4_sub(bb31x4_add(k1, k1), kk[2 * y]);
                qk[0] = bb31x4_add(qk[0], bb31x4_mul(q1, k1));
                qk[1] = bb31x4_add(qk[1], bb31x4_mul(q2, k2));
            }
        }
    }
    for (int xi = 0; xi < 2; xi++) {
        bb31x4 add = bb31x4_mul(s->lp[2 * k], qe[xi]);
        if (v->rot)
            add = bb31x4_add(add, bb31x4_mul(s->lp[2 * k + 1], qk[xi]));
        sl[xi] = bb31x4_add(sl[xi], bb31x4_mul(add, s->eq_ub[k]));
    }
}

/* the round polynomial's evaluations s(1), s(2) in `round` (1..n_stack) */
static void sr_round_evals(const sr_prover *s, unsigned round, bb31x4 out[2]) {
    bb31x4 sv[2] = {bb31x4_zero(), bb31x4_zero()};
    int nth = omp_get_max_threads();
    bb31x4 sp[2 * 256];
    if (nth > 256)
        nth = 256;
    for (int i = 0; i < 2 * nth; i++)
        sp[i] = bb31x4_zero();
    const size_t ntv = s->ntv;
#pragma omp parallel num_threads(nth)
    {
        bb31x4 *sl = sp + 2 * omp_get_thread_num();
#pragma omp for schedule(dynamic, 8)
        for (size_t k = 0; k < ntv; k++)
            sr_round_view(s, k, round, sl);
    }
    for (int th = 0; th < nth; th++) {
        sv[0] = bb31x4_add(sv[0], sp[2 * th]);
        sv[1] = bb31x4_add(sv[1], sp[2 * th + 1]);
    }
    out[0] = sv[0];
    out[1] = sv[1];
}

/* folds the stacked columns and the views' tables at u; updates eq_ub of the views the round has
 * passed (round > n_lift) */
static enum swirl_status sr_fold_mle(sr_prover *s, unsigned round, bb31x4 u) {
    const swirl_backend_ops *ops = s->ops;
    const trace_view *tv = s->tv;
    const size_t ntv = s->ntv;
    const unsigned l_skip = s->l_skip;
    size_t nh = s->qh / 2;
    for (size_t c = 0; c < s->n_commits; c++)
        SWIRL_TRY(
            ops->sumcheck_fold(ops, s->q[c], s->commits[c].layout->width, s->qh, nh, s->qh, u));
    s->qh = nh;
    /* the views' tables, a run of equal original length at a time (their stride) */
    for (size_t k0 = 0; k0 < ntv;) {
        size_t stride = (size_t)1 << (tv[k0].log_h > l_skip ? tv[k0].log_h - l_skip : 0);
        size_t k1 = k0 + 1;
        while (k1 < ntv && tv[k1].log_h == tv[k0].log_h)
            k1++;
        if (s->elen[k0] > 1) {
            enum swirl_status st =
                ops->sumcheck_fold(ops, s->e[k0], k1 - k0, stride, stride, s->elen[k0], u);
            if (st == SWIRL_OK)
                st = ops->sumcheck_fold(ops, s->kr[k0], k1 - k0, stride, stride, s->elen[k0], u);
            for (size_t k = k0; k < k1; k++)
                s->elen[k] /= 2;
            if (st != SWIRL_OK)
                return st;
        }
        k0 = k1;
    }
    for (size_t k = 0; k < ntv; k++) {
        size_t n_lift = tv[k].log_h > l_skip ? tv[k].log_h - l_skip : 0;
        if (round > n_lift) {
            bb31x4 bv = ext(bb31_from_u32((uint32_t)((tv[k].row_idx >> (l_skip + round - 1)) & 1)));
            s->eq_ub[k] = bb31x4_mul(s->eq_ub[k], swirl_eval_eq_mle(&u, &bv, 1));
        }
    }
    return SWIRL_OK;
}

/* ---- stacked openings: every stacked column at u, per commit; *n_out receives their count ---- */
static enum swirl_status sr_openings(sr_prover *s, size_t *n_out) {
    swirl_stacking_proof *proof = s->proof;
    size_t total = 0;
    for (size_t c = 0; c < s->n_commits; c++)
        total += proof->openings_per_commit[c];
    proof->stacking_openings = swirl_malloc((total + 1) * sizeof(bb31x4));
    if (!proof->stacking_openings)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "stacked reduction: out of memory");
    size_t o = 0;
    for (size_t c = 0; c < s->n_commits; c++)
        for (size_t j = 0; j < proof->openings_per_commit[c]; j++)
            proof->stacking_openings[o++] = s->q[c][j * s->qh];
    *n_out = o;
    return SWIRL_OK;
}

/* The driver (OpenVM prove_stacked_opening_reduction): every transcript operation is here, the
 * work in the sr_* phases above. Past the argument checks, every exit goes through sr_clear. */
enum swirl_status swirl_stacked_reduction_prove(const swirl_backend_ops *ops,
                                                   swirl_stacking_proof *proof, bb31x4 *u_out,
                                                   swirl_transcript *t,
                                                   const swirl_stacked_commit_view *commits,
                                                   size_t n_commits, unsigned l_skip,
                                                   unsigned n_stack, const bb31x4 *r) {
    ops = swirl_ops_or_cpu(ops);
    SWIRL_ARG_CHECK(proof != NULL && u_out != NULL && t != NULL && r != NULL);
    memset(proof, 0, sizeof *proof);
    SWIRL_ARG_CHECK(n_commits > 0 && commits != NULL && l_skip <= MAX_L_SKIP && n_stack <= 30);
    /* the stacked columns in host memory (for device data: the PCS data's counted fallback) */
    swirl_stacked_commit_view *cvs = NULL;
    SWIRL_TRY(resolve_views(&cvs, commits, n_commits));
    commits = cvs;
    sr_prover s = {.ops = ops,
                   .proof = proof,
                   .commits = commits,
                   .n_commits = n_commits,
                   .l_skip = l_skip,
                   .n_stack = n_stack,
                   .r = r,
                   .N = (size_t)1 << l_skip,
                   .H = (size_t)1 << n_stack,
                   .P = (size_t)2 << l_skip,
                   .r0 = r[0]};
    size_t n_open = 0;
    enum swirl_status st = bb31_two_adic_generator(&s.omega, l_skip);
    if (st == SWIRL_OK)
        st = collect_views(&s.tv, &s.ntv, commits, n_commits, l_skip, n_stack);
    if (st != SWIRL_OK)
        goto done;
    swirl_span_begin("prover.openings.stacked_reduction");
    s.span_open = 1;
    s.eq_const = swirl_eval_eq_uni_at_one(l_skip, bb31x4_mul_base(s.r0, s.omega));

    /* batching randomness; the claims' weights and the per-view tables */
    bb31x4 lambda = swirl_transcript_sample_ext(t);
    if ((st = sr_alloc(&s)) != SWIRL_OK)
        goto done;
    sr_lambda_pows(&s, lambda);
    if ((st = sr_eq_tables(&s)) != SWIRL_OK)
        goto done;

    /* round 0 (univariate skip), then the fold at u0 */
    if ((st = sr_round0_poly(&s)) != SWIRL_OK)
        goto done;
    if (SWIRL_TEST_HOOK(sr_forge_univariate))
        proof->univariate_round_coeffs[0] =
            bb31x4_add(proof->univariate_round_coeffs[0], bb31x4_one());
    for (size_t i = 0; i < s.P - 1; i++)
        swirl_transcript_observe_ext(t, proof->univariate_round_coeffs[i]);
    bb31x4 u0 = swirl_transcript_sample_ext(t);
    u_out[0] = u0;
    if ((st = sr_fold_ple(&s, u0)) != SWIRL_OK)
        goto done;

    /* rounds 1..n_stack */
    for (unsigned round = 1; round <= n_stack; round++) {
        bb31x4 *sv = proof->sumcheck_round_polys[round - 1];
        sr_round_evals(&s, round, sv);
        swirl_transcript_observe_ext(t, sv[0]);
        swirl_transcript_observe_ext(t, sv[1]);
        bb31x4 u = swirl_transcript_sample_ext(t);
        u_out[round] = u;
        if ((st = sr_fold_mle(&s, round, u)) != SWIRL_OK)
            goto done;
    }

    if ((st = sr_openings(&s, &n_open)) != SWIRL_OK)
        goto done;
    for (size_t o = 0; o < n_open; o++)
        swirl_transcript_observe_ext(t, proof->stacking_openings[o]);

done:
    sr_clear(&s, st);
    free(cvs);
    return st;
}

/* ---------------------------------------------------------------------------------------------
 * Verifier */

enum swirl_status swirl_stacked_reduction_verify(bb31x4 *u, swirl_transcript *t,
                                                 const swirl_stacking_proof *proof,
                                                 const swirl_stacked_commit_view *commits,
                                                 size_t n_commits, unsigned l_skip,
                                                 unsigned n_stack, const bb31x4 (*claims)[2],
                                                 size_t n_claims, const bb31x4 *r) {
    SWIRL_ARG_CHECK(u != NULL && t != NULL && proof != NULL && r != NULL);
    SWIRL_ARG_CHECK(n_commits > 0 && commits != NULL && l_skip <= MAX_L_SKIP);
    SWIRL_ARG_CHECK(claims != NULL || n_claims == 0);
    size_t N = (size_t)1 << l_skip;
    bb31 omega;
    SWIRL_TRY(bb31_two_adic_generator(&omega, l_skip));
    /* shape */
    if (proof->n_univariate != 2 * N - 1 || !proof->univariate_round_coeffs)
        return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "stacking proof: %zu round-0 coefficients, "
                           "expected %zu", proof->n_univariate, 2 * N - 1);
    if (proof->n_rounds != n_stack || (n_stack && !proof->sumcheck_round_polys))
        return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "stacking proof: %zu rounds, expected %u",
                           proof->n_rounds, n_stack);
    if (proof->n_commits != n_commits || !proof->openings_per_commit)
        return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "stacking proof: openings for %zu commits, "
                           "expected %zu", proof->n_commits, n_commits);
    size_t total_cols = 0;
    for (size_t c = 0; c < n_commits; c++) {
        if (proof->openings_per_commit[c] != commits[c].layout->width)
            return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED,
                               "stacking proof: commit %zu has %zu openings, expected %zu", c,
                               proof->openings_per_commit[c], commits[c].layout->width);
        total_cols += commits[c].layout->num_cols;
    }
    if (n_claims != total_cols)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "stacked reduction: %zu claims for %zu columns",
                           n_claims, total_cols);
    bb31x4 lambda = swirl_transcript_sample_ext(t);
    bb31x4 l2 = bb31x4_square(lambda);
    /* s_0 = sum_k (t_eq + t_rot lambda) lambda^(2k) */
    bb31x4 s0 = bb31x4_zero(), lk = bb31x4_one();
    {
        size_t k = 0;
        for (size_t c = 0; c < n_commits; c++)
            for (size_t i = 0; i < commits[c].layout->num_cols; i++, k++) {
                int rot = commits[c].need_rot[commits[c].layout->cols[i].mat_idx] != 0;
                bb31x4 tk = claims[k][0];
                if (rot)
                    tk = bb31x4_add(tk, bb31x4_mul(claims[k][1], lambda));
                s0 = bb31x4_add(s0, bb31x4_mul(tk, lk));
                lk = bb31x4_mul(lk, l2);
            }
    }
    bb31x4 sum_d = bb31x4_zero();
    for (size_t i = 0; i < proof->n_univariate; i += N)
        sum_d = bb31x4_add(sum_d, proof->univariate_round_coeffs[i]);
    sum_d = bb31x4_mul_base(sum_d, bb31_from_u32((uint32_t)N));
    if (!bb31x4_eq(s0, sum_d))
        return SWIRL_RAISE(SWIRL_E_PROOF_REJECTED,
                           "stacked reduction: s_0 does not match the round-0 polynomial's sum");
    for (size_t i = 0; i < proof->n_univariate; i++)
        swirl_transcript_observe_ext(t, proof->univariate_round_coeffs[i]);
    u[0] = swirl_transcript_sample_ext(t);
    bb31x4 claim = swirl_horner_eval(proof->univariate_round_coeffs, proof->n_univariate, u[0]);
    for (unsigned j = 1; j <= n_stack; j++) {
        bb31x4 s1 = proof->sumcheck_round_polys[j - 1][0], s2 = proof->sumcheck_round_polys[j - 1][1];
        swirl_transcript_observe_ext(t, s1);
        swirl_transcript_observe_ext(t, s2);
        u[j] = swirl_transcript_sample_ext(t);
        bb31x4 ev[3] = {bb31x4_sub(claim, s1), s1, s2};
        claim = swirl_interpolate_quadratic_at_012(ev, u[j]);
    }
    /* final: claim == sum over stacked columns of q_j(u) * coefficient */
    bb31x4 final_sum = bb31x4_zero();
    size_t k = 0, o = 0;
    bb31x4 lk2 = bb31x4_one();
    for (size_t c = 0; c < n_commits; c++) {
        const swirl_stacked_layout *L = commits[c].layout;
        bb31x4 *coef = swirl_calloc(L->width + 1, sizeof *coef);
        if (!coef)
            return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
        for (size_t i = 0; i < L->num_cols; i++, k++) {
            const swirl_stacked_slice *s = &L->cols[i];
            int rot = commits[c].need_rot[s->mat_idx] != 0;
            height_info h = hinfo(s->log_height, l_skip, r[0], omega);
            bb31x4 bvec[64];
            size_t nb = 0;
            for (size_t jb = l_skip + h.n_lift; jb < l_skip + n_stack; jb++)
                bvec[nb++] = ext(bb31_from_u32((uint32_t)((s->row_idx >> jb) & 1)));
            bb31x4 eqm = swirl_eval_eq_mle(u + h.n_lift + 1, bvec, nb);
            bb31x4 ind = swirl_eval_in_uni(l_skip, h.n, u[0]);
            bb31x4 rs1[1];
            const bb31x4 *rs = r;
            if (h.n < 0) {
                rs1[0] = h.r_uni;
                rs = rs1;
            }
            bb31x4 batched = bb31x4_mul(lk2, swirl_eval_eq_prism(h.lp, u, rs, h.n_lift + 1));
            if (rot)
                batched = bb31x4_add(batched,
                                     bb31x4_mul(bb31x4_mul(lk2, lambda),
                                                swirl_eval_rot_kernel_prism(h.lp, u, rs, h.n_lift + 1)));
            coef[s->col_idx] = bb31x4_add(coef[s->col_idx], bb31x4_mul(bb31x4_mul(eqm, batched), ind));
            lk2 = bb31x4_mul(lk2, l2);
        }
        for (size_t j = 0; j < L->width; j++, o++) {
            swirl_transcript_observe_ext(t, proof->stacking_openings[o]);
            final_sum = bb31x4_add(final_sum, bb31x4_mul(coef[j], proof->stacking_openings[o]));
        }
        free(coef);
    }
    if (!bb31x4_eq(claim, final_sum))
        return SWIRL_RAISE(SWIRL_E_PROOF_REJECTED,
                           "stacked reduction: final sum does not match the openings");
    return SWIRL_OK;
}
