/* The rap_constraints stage: LogUp-GKR + batch constraint sumcheck (see zerocheck.h). */
#include "util/alloc.h"
#include "protocol/zerocheck.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "air/program.h"
#include "pcs/stacked.h"
#include "poly/poly_common.h"
#include "protocol/logup.h"
#include "protocol/zerocheck_math.h"
#include "device/constraint_trace.h"
#include "util/span.h"
#include "util/test_hooks.h"

#define ZC_MAX_L SWIRL_ZC_MAX_L
#define ZC_MAX_COS SWIRL_ZC_MAX_COS
#define ZC_MAX_PARTS SWIRL_ZC_MAX_PARTS
#define ZC_MAX_WIDTH SWIRL_ZC_MAX_WIDTH
#define ZC_MAX_CONSTRAINTS 4096 /* per AIR: powers of lambda */
#define ZC_MAX_MSG 128          /* message fields per interaction: powers of beta */
#define ZC_MAX_LOG_H 27         /* log2 of a trace's height: rounds after round 0 */
#define ZC_MAX_XI 96            /* coordinates of xi: l_skip + max(n_max, n_logup) <= 8 + 64 */

void swirl_batch_proof_clear(swirl_batch_proof *p) {
    if (!p)
        return;
    free(p->numerator_term_per_air);
    free(p->denominator_term_per_air);
    free(p->univariate_round_coeffs);
    free(p->sumcheck_round_polys);
    free(p->openings);
    free(p->openings_per_trace);
    memset(p, 0, sizeof *p);
}

static bb31x4 E(bb31 a) { return bb31x4_from_base(a); }

int swirl_zc_need_rot(const swirl_air *air) {
    for (size_t i = 0; i < air->n_nodes; i++)
        if (air->nodes[i].kind == SWIRL_NODE_VAR && air->nodes[i].offset == 1 &&
            (air->nodes[i].entry == SWIRL_ENTRY_MAIN ||
             air->nodes[i].entry == SWIRL_ENTRY_PREPROCESSED))
            return 1;
    return 0;
}

typedef swirl_zc_view view;
typedef swirl_zc_trace tr;

/* interactions layout eq weights: eq(xi[l+n_lift .. l+n_logup], bits(row_idx >> (l + n_lift))) */
static enum swirl_status compute_eq3b(tr *T, size_t n, unsigned l, unsigned n_logup,
                                      const bb31x4 *xi) {
    size_t any = 0;
    for (size_t i = 0; i < n; i++)
        any += T[i].air->n_interactions;
    if (any == 0)
        return SWIRL_OK;
    size_t *w = swirl_calloc(n + 1, sizeof *w);
    unsigned *lg = swirl_calloc(n + 1, sizeof *lg);
    if (!w || !lg) {
        free(w);
        free(lg);
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        w[i] = T[i].air->n_interactions;
        /* every trace at its lifted height, as OpenVM's interactions_meta (logup_zerocheck/mod.rs
         * 60-73): a trace without interactions keeps the list sorted and takes no rows */
        unsigned lh = swirl_log2_exact(T[i].h);
        lg[i] = lh > l ? lh : l;
    }
    swirl_stacked_layout lay;
    enum swirl_status st = swirl_stacked_layout_init(&lay, 0, l + n_logup, w, lg, n);
    free(w);
    free(lg);
    SWIRL_TRY(st);
    for (size_t i = 0; i < n; i++) {
        T[i].eq3b = swirl_malloc((T[i].air->n_interactions + 1) * sizeof(bb31x4));
        if (!T[i].eq3b) {
            swirl_stacked_layout_clear(&lay);
            return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
        }
        for (size_t k = 0; k < T[i].air->n_interactions; k++) {
            const swirl_stacked_slice *s = &lay.cols[lay.mat_starts[i] + k];
            size_t nb = n_logup - T[i].n_lift, b_int = s->row_idx >> (l + T[i].n_lift);
            bb31x4 bv[ZC_MAX_XI];
            for (size_t j = 0; j < nb; j++) {
                bv[j] = E(bb31_from_u32((uint32_t)(b_int & 1)));
                b_int >>= 1;
            }
            T[i].eq3b[k] = swirl_eval_eq_mle(xi + l + T[i].n_lift, bv, nb);
        }
    }
    swirl_stacked_layout_clear(&lay);
    return SWIRL_OK;
}

/* the fixed limits of the stage's parameters: round 0 tables hold 2^ZC_MAX_L rows of ZC_MAX_COS
 * cosets */
static enum swirl_status check_params(const swirl_zc_params *zp) {
    if (zp->max_constraint_degree < 1)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "max_constraint_degree must be at least 1");
    if (zp->l_skip > ZC_MAX_L || zp->max_constraint_degree >= ZC_MAX_COS)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                           "l_skip %u / max_constraint_degree %u: at most %d / %d supported",
                           zp->l_skip, zp->max_constraint_degree, ZC_MAX_L, ZC_MAX_COS - 1);
    return SWIRL_OK;
}

/* the fixed limits of the prover's and verifier's per-trace tables (views, lambda and beta
 * powers); checked for every AIR before any transcript operation */
static enum swirl_status check_air_limits(const swirl_air *air) {
    if (air->n_cached + 2 > ZC_MAX_PARTS || air->common_width > ZC_MAX_WIDTH ||
        air->preprocessed_width > ZC_MAX_WIDTH)
        return SWIRL_RAISE(SWIRL_E_UNSUPPORTED, "AIR %s: more than %d partitions or %d columns",
                           air->name, ZC_MAX_PARTS, ZC_MAX_WIDTH);
    for (size_t c = 0; c < air->n_cached; c++)
        if (air->cached_widths[c] > ZC_MAX_WIDTH)
            return SWIRL_RAISE(SWIRL_E_UNSUPPORTED, "AIR %s: cached partition too wide", air->name);
    if (air->n_constraints > ZC_MAX_CONSTRAINTS)
        return SWIRL_RAISE(SWIRL_E_UNSUPPORTED, "AIR %s: %zu constraints, at most %d supported",
                           air->name, air->n_constraints, ZC_MAX_CONSTRAINTS);
    for (size_t k = 0; k < air->n_interactions; k++)
        if (air->interactions[k].n_fields > ZC_MAX_MSG)
            return SWIRL_RAISE(SWIRL_E_UNSUPPORTED,
                               "AIR %s interaction %zu: %zu message fields, at most %d supported",
                               air->name, k, air->interactions[k].n_fields, ZC_MAX_MSG);
    return SWIRL_OK;
}

static void free_trs(tr *T, size_t n) {
    if (!T)
        return;
    for (size_t i = 0; i < n; i++) {
        free(T[i].eq3b);
        for (size_t v = 0; v < T[i].nv; v++)
            free(T[i].fold[v]);
        free(T[i].fsel);
    }
    free(T);
}

static enum swirl_status setup_trs(tr **out, const swirl_air_instance *in, size_t n, unsigned l) {
    tr *T = swirl_calloc(n + 1, sizeof *T);
    if (!T)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        tr *t = &T[i];
        t->in = &in[i];
        t->air = in[i].air;
        t->h = in[i].height;
        unsigned lh = swirl_log2_exact(t->h);
        t->n = (long)lh - (long)l;
        t->n_lift = t->n > 0 ? (size_t)t->n : 0;
        t->L = t->h > ((size_t)1 << l) ? t->h : ((size_t)1 << l);
        t->rot = swirl_zc_need_rot(t->air);
        t->has_prep = t->air->preprocessed_width > 0;
        t->deg = t->air->max_degree;
        t->norm = bb31_inv(bb31_from_u32((uint32_t)(t->L / t->h)));
        size_t k = 0;
        if (t->has_prep) {
            view v = {in[i].preprocessed, t->air->preprocessed_width, 0};
            t->v[k++] = v;
            if (t->rot) {
                v.rot = 1;
                t->v[k++] = v;
            }
        }
        for (size_t c = 0; c < t->air->n_cached; c++) {
            view v = {in[i].cached[c], t->air->cached_widths[c], 0};
            t->v[k++] = v;
            if (t->rot) {
                v.rot = 1;
                t->v[k++] = v;
            }
        }
        view v = {in[i].common, t->air->common_width, 0};
        t->v[k++] = v;
        if (t->rot) {
            v.rot = 1;
            t->v[k++] = v;
        }
        t->nv = k;
    }
    *out = T;
    return SWIRL_OK;
}

/*
 * The stage drivers. What the prover and the verifier share: the per-trace records, the sizes over
 * all traces, the challenges (alpha, beta; xi, lambda after the GKR; mu after round 0's LogUp
 * terms) and the sumcheck point r. Each driver below keeps it in its stage state with what only it
 * needs, runs one static function per phase of OpenVM's prove_zerocheck_and_logup
 * (prover/logup_zerocheck/mod.rs) / verify_zerocheck_and_logup (verifier/batch_constraints.rs),
 * and frees everything in one clear function on every exit.
 */
typedef struct zc_common {
    swirl_transcript *t;
    size_t n; /* traces */
    tr *T;    /* n records (owned) */
    unsigned l, G;
    size_t N; /* 2^l_skip */
    bb31 omega;
    size_t n_max, s_deg, s0deg; /* rounds after round 0; degree of their polys; round 0's degree */
    size_t max_nodes, max_cons, max_msg, max_w, max_nv;
    uint64_t total; /* interaction rows: sum of n_interactions x lifted height */
    unsigned n_logup;
    bb31x4 alpha, beta;
    bb31x4 xi[ZC_MAX_XI];
    size_t nxi;
    bb31x4 lam_pows[ZC_MAX_CONSTRAINTS], bp[ZC_MAX_MSG + 2];
    bb31x4 *mu_pows; /* mu^0 .. mu^(3n - 1) (owned) */
    bb31x4 *r;       /* r_out: r0, r_1 .. r_n_max */
    bb31x4 prev;     /* the sumcheck claim carried into the next round */
} zc_common;

/* The sizes over every trace, each AIR's degree against the bound, the LogUp size n_logup and the
 * number of rounds (the tallest trace's). */
static enum swirl_status scan_traces(zc_common *c) {
    c->max_nodes = c->max_cons = c->max_w = c->max_nv = 1;
    c->max_msg = 0;
    c->total = 0;
    for (size_t i = 0; i < c->n; i++) {
        const tr *tt = &c->T[i];
        const swirl_air *air = tt->air;
        if (air->max_degree > c->G)
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "AIR %s degree %u exceeds %u", air->name,
                               air->max_degree, c->G);
        if (tt->nv > c->max_nv)
            c->max_nv = tt->nv;
        if (air->program->n_vals > c->max_nodes)
            c->max_nodes = air->program->n_vals;
        if (air->n_constraints > c->max_cons)
            c->max_cons = air->n_constraints;
        for (size_t k = 0; k < air->n_interactions; k++)
            if (air->interactions[k].n_fields > c->max_msg)
                c->max_msg = air->interactions[k].n_fields;
        for (size_t v = 0; v < tt->nv; v++)
            if (tt->v[v].width > c->max_w)
                c->max_w = tt->v[v].width;
        c->total += (uint64_t)air->n_interactions << swirl_log2_exact(tt->L);
    }
    c->n_logup = swirl_calculate_n_logup(c->l, c->total);
    c->n_max = c->T[0].n_lift;
    c->s_deg = c->G + 1;
    c->s0deg = (c->G + 1) * (c->N - 1);
    /* never hit: heights are at most 2^ZC_MAX_LOG_H and total < 2^64 */
    if (c->l + c->n_max > ZC_MAX_XI || c->l + c->n_logup > ZC_MAX_XI)
        return SWIRL_RAISE(SWIRL_E_UNSUPPORTED, "zerocheck: more than %d point coordinates",
                           ZC_MAX_XI);
    return SWIRL_OK;
}

/* After the GKR (shared by prover and verifier, so both follow one transcript order): extend xi to
 * l + max(n_max, n_logup) coordinates, sample lambda, the powers of lambda and beta, and the eq
 * weights of every interaction. */
static enum swirl_status derive_challenges(zc_common *c) {
    size_t n_global = c->n_max > c->n_logup ? c->n_max : c->n_logup;
    while (c->nxi < c->l + n_global)
        c->xi[c->nxi++] = swirl_transcript_sample_ext(c->t);
    bb31x4 lambda = swirl_transcript_sample_ext(c->t);
    c->lam_pows[0] = bb31x4_one();
    for (size_t k = 1; k < c->max_cons; k++)
        c->lam_pows[k] = bb31x4_mul(c->lam_pows[k - 1], lambda);
    c->bp[0] = bb31x4_one();
    for (size_t k = 1; k <= c->max_msg; k++)
        c->bp[k] = bb31x4_mul(c->bp[k - 1], c->beta);
    return compute_eq3b(c->T, c->n, c->l, c->n_logup, c->xi);
}

/* mu^0 .. mu^(3n - 1): the batching of every AIR's (numerator, denominator, zerocheck) claims */
static enum swirl_status mu_powers(zc_common *c, bb31x4 mu) {
    c->mu_pows = swirl_malloc((3 * c->n + 1) * sizeof *c->mu_pows);
    if (!c->mu_pows)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    c->mu_pows[0] = bb31x4_one();
    for (size_t k = 1; k < 3 * c->n; k++)
        c->mu_pows[k] = bb31x4_mul(c->mu_pows[k - 1], mu);
    return SWIRL_OK;
}

/* The openings into the transcript: every trace's common part (claim, claim_rot or zero), then
 * every trace's other parts (prover logup_zerocheck/mod.rs:408-421, verifier
 * batch_constraints.rs:274-301). */
static void observe_openings(swirl_transcript *t, const tr *T, size_t n,
                             const swirl_batch_proof *proof) {
    for (int pass = 0; pass < 2; pass++) {
        size_t off = 0;
        for (size_t ti = 0; ti < n; ti++) {
            const tr *tt = &T[ti];
            size_t step = tt->rot ? 2 : 1, cw = tt->v[tt->nv - step].width * step;
            size_t from = pass == 0 ? 0 : cw, to = pass == 0 ? cw : proof->openings_per_trace[ti];
            for (size_t i = from; i < to; i += step) {
                swirl_transcript_observe_ext(t, proof->openings[off + i]);
                swirl_transcript_observe_ext(t, tt->rot ? proof->openings[off + i + 1]
                                                        : bb31x4_zero());
            }
            off += proof->openings_per_trace[ti];
        }
    }
}

/* ======================================== prover ======================================== */

typedef struct zc_prover {
    zc_common c;
    const swirl_backend_ops *ops;
    const swirl_zc_params *zp;
    const swirl_air_instance *traces;
    swirl_gkr_proof *gkr;
    swirl_batch_proof *proof;
    int open_spans; /* closed by prover_clear */
    bb31x4 *p, *q;  /* the LogUp-GKR input layer */
    /* round 0: P = G·N points on the G cosets g^(c+1)·<omega>, Lagrange weights lag[p·N + j] of
     * row j at point p; per trace the zerocheck, numerator and denominator polynomials (rows of
     * s0deg + 1 coefficients, sp0 + 1 of them used); the sums S of one trace over the points;
     * the LogUp products with eq_sharp (2n rows of s0deg + 1) */
    size_t P, sp0;
    bb31 pts[ZC_MAX_COS << ZC_MAX_L];
    bb31 *lag;
    bb31x4 *zc, *nu, *de, *S, *prods;
    /* multilinear rounds: one point's program values and row (max_nv views of max_w columns) */
    bb31x4 *nodes, *rowbuf;
    bb31x4 eq_ns[ZC_MAX_LOG_H + 1], eq_sh[ZC_MAX_LOG_H + 1]; /* eq at r of xi, eq_sharp */
} zc_prover;

static void prover_span_begin(zc_prover *s, const char *name) {
    swirl_span_begin(name);
    s->open_spans++;
}

static void prover_span_end(zc_prover *s) {
    swirl_span_end();
    s->open_spans--;
}

/* The one exit of the prover: closes the spans still open, frees the state and, on failure, the
 * partial proofs. */
static void prover_clear(zc_prover *s, enum swirl_status st) {
    while (s->open_spans > 0)
        prover_span_end(s);
    free_trs(s->c.T, s->c.n);
    free(s->c.mu_pows);
    free(s->p);
    free(s->q);
    free(s->lag);
    free(s->zc);
    free(s->nu);
    free(s->de);
    free(s->S);
    free(s->prods);
    free(s->nodes);
    free(s->rowbuf);
    if (st != SWIRL_OK) {
        swirl_gkr_proof_clear(s->gkr);
        swirl_batch_proof_clear(s->proof);
    }
    free(s);
}

/* every trace: a power-of-two height of at most 2^ZC_MAX_LOG_H, sorted tallest first, with its
 * columns and public values */
static enum swirl_status check_traces(const swirl_air_instance *traces, size_t n) {
    for (size_t i = 0; i < n; i++) {
        const swirl_air_instance *in = &traces[i];
        const swirl_air *air = in->air;
        if (!air || in->height == 0 || (in->height & (in->height - 1)) != 0 ||
            in->height > ((size_t)1 << ZC_MAX_LOG_H))
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                               "trace %zu: height must be a power of two <= 2^27", i);
        if (i > 0 && in->height > traces[i - 1].height)
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                               "traces must be sorted by height, tallest first");
        if (!in->common || (air->preprocessed_width > 0 && !in->preprocessed) ||
            (air->n_cached > 0 && !in->cached) ||
            (air->num_public_values > 0 && !in->public_values))
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                               "trace %zu (%s): missing columns or public values", i, air->name);
        for (size_t c = 0; c < air->n_cached; c++)
            if (!in->cached[c])
                return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "trace %zu: cached partition %zu missing",
                                   i, c);
    }
    for (size_t i = 0; i < n; i++)
        SWIRL_TRY(check_air_limits(traces[i].air));
    return SWIRL_OK;
}

/* Setup: the traces and limits checked, the per-trace records and the sizes. */
static enum swirl_status prover_setup(zc_prover *s) {
    zc_common *c = &s->c;
    SWIRL_TRY(check_params(s->zp));
    c->l = s->zp->l_skip;
    c->G = s->zp->max_constraint_degree;
    c->N = (size_t)1 << c->l;
    SWIRL_TRY(bb31_two_adic_generator(&c->omega, c->l));
    SWIRL_TRY(check_traces(s->traces, c->n));
    SWIRL_TRY(setup_trs(&c->T, s->traces, c->n, c->l));
    return scan_traces(c);
}

/* LogUp: PoW, alpha, beta, the GKR over the input layer's fractions (xi starts with its point);
 * without interactions the GKR is empty with q0 claim one (logup_zerocheck/mod.rs). */
static enum swirl_status prove_logup_gkr(zc_prover *s) {
    zc_common *c = &s->c;
    prover_span_begin(s, "prover.rap_constraints.logup_gkr");
    bb31 pow;
    SWIRL_TRY(swirl_transcript_grind(c->t, &pow, s->zp->logup_pow_bits));
    c->alpha = swirl_transcript_sample_ext(c->t);
    c->beta = swirl_transcript_sample_ext(c->t);
    c->nxi = 0;
    if (c->total > 0) {
        unsigned Lg;
        SWIRL_TRY(
            swirl_logup_gkr_input(&s->p, &s->q, &Lg, s->traces, c->n, c->l, c->alpha, c->beta));
        SWIRL_TRY(swirl_gkr_prove(s->ops, s->gkr, c->xi, c->t, s->p, s->q, Lg));
        c->nxi = Lg;
    } else {
        s->gkr->q0_claim = bb31x4_one();
        if (SWIRL_TEST_HOOK(zc_forge_q0))
            s->gkr->q0_claim = bb31x4_from_base(bb31_from_u32(2));
    }
    s->gkr->logup_pow_witness = pow;
    prover_span_end(s);
    return SWIRL_OK;
}

/* Round 0's buffers, points and Lagrange weights of the rows at the points. */
static enum swirl_status round0_setup(zc_prover *s) {
    zc_common *c = &s->c;
    size_t N = c->N, rows = c->n * (c->s0deg + 1);
    s->P = c->G * N;
    s->sp0 = c->G * (N - 1);
    s->lag = swirl_malloc(s->P * N * sizeof *s->lag);
    s->nodes = swirl_malloc(c->max_nodes * sizeof *s->nodes);
    s->rowbuf = swirl_malloc(c->max_nv * c->max_w * sizeof *s->rowbuf);
    s->zc = swirl_calloc(rows, sizeof *s->zc);
    s->nu = swirl_calloc(rows, sizeof *s->nu);
    s->de = swirl_calloc(rows, sizeof *s->de);
    s->S = swirl_malloc(3 * s->P * sizeof *s->S);
    if (!s->lag || !s->nodes || !s->rowbuf || !s->zc || !s->nu || !s->de || !s->S)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    bb31 g = bb31_from_u32(BB31_GENERATOR), sh = bb31_one();
    for (size_t co = 0; co < c->G; co++) {
        sh = bb31_mul(sh, g);
        for (size_t i = 0; i < N; i++)
            s->pts[co * N + i] = bb31_mul(sh, bb31_pow(c->omega, i));
    }
    for (size_t pp = 0; pp < s->P; pp++)
        for (size_t j = 0; j < N; j++)
            s->lag[pp * N + j] =
                swirl_eval_eq_uni(c->l, E(s->pts[pp]), E(bb31_pow(c->omega, j))).c[0];
    return SWIRL_OK;
}

/* Round 0 of one trace: the sums over its hypercube at the points (constraint_round0), then its
 * zerocheck polynomial q·(Z^N - 1) (truncated to sp0 + 1 coefficients) and its normalized LogUp
 * numerator and denominator polynomials (single.rs). */
static enum swirl_status round0_trace(zc_prover *s, size_t ti) {
    zc_common *c = &s->c;
    tr *tt = &c->T[ti];
    size_t N = c->N, P = s->P, sp0 = s->sp0, s0deg = c->s0deg;
    size_t deg = tt->deg, nzc = deg >= 1 ? deg - 1 : 0, nlu = tt->air->n_interactions ? deg : 0;
    size_t np = (nzc > nlu ? nzc : nlu) * N;
    for (size_t i = 0; i < 3 * P; i++)
        s->S[i] = bb31x4_zero();
    bb31x4 *eqt = swirl_malloc(((size_t)1 << tt->n_lift) * sizeof *eqt);
    if (!eqt)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    swirl_evals_eq_hypercube(eqt, c->xi + c->l, tt->n_lift);
    enum swirl_status st = SWIRL_OK;
    if (np > 0) {
        swirl_zc_round0_in r0in = {eqt, s->lag, s->pts, P, N, np, nzc, nlu, c->lam_pows, c->bp};
        st = s->ops->constraint_round0(s->ops, s->S, tt, &r0in);
    }
    free(eqt);
    SWIRL_TRY(st);
    /* zerocheck: q over nzc cosets, then times (Z^N - 1), truncated to sp0 + 1; the LogUp
     * polynomials normalized */
    bb31x4 hs[ZC_MAX_COS << ZC_MAX_L], qs[ZC_MAX_COS << ZC_MAX_L];
    swirl_zm_round0_trace_polys(s->zc + ti * (s0deg + 1), s->nu + ti * (s0deg + 1),
                                s->de + ti * (s0deg + 1), s->S, P, deg, nzc, nlu, c->l, c->omega,
                                sp0, tt->norm, hs, qs);
    return SWIRL_OK;
}

/* eq_sharp (eq of xi[0..l) over the skipped domain, in coefficients) and eq_uni(xi[0], Z)/N */
static void round0_eq_polys(const zc_common *c, bb31x4 *eqsharp, bb31x4 *equni) {
    bb31x4 eqs[1 << ZC_MAX_L];
    swirl_zm_round0_eq_polys(eqsharp, equni, c->xi, c->l, c->omega, eqs);
}

/* numerator_term_per_air / denominator_term_per_air: N times the sums over the skipped domain of
 * the LogUp polynomials times eq_sharp (kept in prods for round 0's polynomial), observed */
static enum swirl_status round0_logup_terms(zc_prover *s, const bb31x4 *eqsharp) {
    zc_common *c = &s->c;
    swirl_batch_proof *proof = s->proof;
    size_t n = c->n, N = c->N, s0deg = c->s0deg, sp0 = s->sp0;
    proof->n_traces = n;
    proof->numerator_term_per_air = swirl_malloc(n * sizeof(bb31x4));
    proof->denominator_term_per_air = swirl_malloc(n * sizeof(bb31x4));
    s->prods = swirl_malloc(2 * n * (s0deg + 1) * sizeof *s->prods);
    if (!proof->numerator_term_per_air || !proof->denominator_term_per_air || !s->prods)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    for (size_t ti = 0; ti < n; ti++) {
        bb31x4 *pn = s->prods + (2 * ti) * (s0deg + 1), *pd = s->prods + (2 * ti + 1) * (s0deg + 1);
        swirl_zm_poly_mul(pn, s0deg + 1, s->nu + ti * (s0deg + 1), sp0 + 1, eqsharp, N);
        swirl_zm_poly_mul(pd, s0deg + 1, s->de + ti * (s0deg + 1), sp0 + 1, eqsharp, N);
        proof->numerator_term_per_air[ti] = swirl_zm_sum_over_domain(pn, s0deg, N);
        proof->denominator_term_per_air[ti] = swirl_zm_sum_over_domain(pd, s0deg, N);
        if (ti == 0 && SWIRL_TEST_HOOK(zc_forge_numerator))
            proof->numerator_term_per_air[0] =
                bb31x4_add(proof->numerator_term_per_air[0], bb31x4_one());
        if (ti == 0 && SWIRL_TEST_HOOK(zc_forge_denominator))
            proof->denominator_term_per_air[0] =
                bb31x4_add(proof->denominator_term_per_air[0], bb31x4_one());
        swirl_transcript_observe_ext(c->t, proof->numerator_term_per_air[ti]);
        swirl_transcript_observe_ext(c->t, proof->denominator_term_per_air[ti]);
    }
    return SWIRL_OK;
}

/* round 0's polynomial: the mu-batched zerocheck polynomials times eq_uni plus the mu-batched
 * LogUp products, observed coefficient by coefficient */
static enum swirl_status round0_poly(zc_prover *s, const bb31x4 *equni) {
    zc_common *c = &s->c;
    swirl_batch_proof *proof = s->proof;
    size_t n = c->n, s0deg = c->s0deg, sp0 = s->sp0;
    const bb31x4 *mp = c->mu_pows;
    bb31x4 *zsum = swirl_calloc(sp0 + 1, sizeof *zsum),
           *s0zc = swirl_malloc((s0deg + 1) * sizeof *s0zc);
    proof->n_univariate = s0deg + 1;
    proof->univariate_round_coeffs = swirl_malloc((s0deg + 1) * sizeof(bb31x4));
    if (!zsum || !s0zc || !proof->univariate_round_coeffs) {
        free(zsum);
        free(s0zc);
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    }
    for (size_t ti = 0; ti < n; ti++)
        for (size_t j = 0; j <= sp0; j++)
            zsum[j] = bb31x4_add(zsum[j], bb31x4_mul(mp[2 * n + ti], s->zc[ti * (s0deg + 1) + j]));
    swirl_zm_poly_mul(s0zc, s0deg + 1, zsum, sp0 + 1, equni, c->N);
    for (size_t j = 0; j <= s0deg; j++) {
        bb31x4 co = s0zc[j];
        for (size_t i = 0; i < 2 * n; i++)
            co = bb31x4_add(co, bb31x4_mul(mp[i], s->prods[i * (s0deg + 1) + j]));
        if (j == 0 && SWIRL_TEST_HOOK(zc_forge_univariate))
            co = bb31x4_add(co, bb31x4_one());
        proof->univariate_round_coeffs[j] = co;
        swirl_transcript_observe_ext(c->t, co);
    }
    free(zsum);
    free(s0zc);
    return SWIRL_OK;
}

/* Round 0 (univariate skip): every trace's polynomials, the per-AIR LogUp terms, mu, the batched
 * univariate polynomial, then r0 and the claim s0(r0). */
static enum swirl_status prove_round0(zc_prover *s) {
    zc_common *c = &s->c;
    prover_span_begin(s, "prover.rap_constraints.round0");
    SWIRL_TRY(round0_setup(s));
    for (size_t ti = 0; ti < c->n; ti++)
        SWIRL_TRY(round0_trace(s, ti));
    free(s->lag);
    s->lag = NULL;
    bb31x4 eqsharp[1 << ZC_MAX_L], equni[1 << ZC_MAX_L];
    round0_eq_polys(c, eqsharp, equni);
    SWIRL_TRY(round0_logup_terms(s, eqsharp));
    SWIRL_TRY(mu_powers(c, swirl_transcript_sample_ext(c->t)));
    SWIRL_TRY(round0_poly(s, equni));
    free(s->prods);
    s->prods = NULL;
    c->r[0] = swirl_transcript_sample_ext(c->t);
    c->prev = swirl_horner_eval(s->proof->univariate_round_coeffs, s->proof->n_univariate, c->r[0]);
    prover_span_end(s);
    return SWIRL_OK;
}

/* The fold at r0: every view's columns and the selectors of every trace at (r0, x) for x over its
 * hypercube, and the eq factors eq_ns[0] = eq_uni(xi[0], r0), eq_sh[0] = eq_sharp at r0. */
static enum swirl_status fold_at_r0(zc_prover *s) {
    zc_common *c = &s->c;
    size_t N = c->N;
    bb31x4 r0 = c->r[0], lagr[1 << ZC_MAX_L];
    swirl_zm_fold_weights(lagr, c->l, r0, c->omega);
    for (size_t ti = 0; ti < c->n; ti++) {
        tr *tt = &c->T[ti];
        size_t H = (size_t)1 << tt->n_lift;
        tt->cur_h = H;
        for (size_t v = 0; v < tt->nv; v++) {
            tt->fold[v] = swirl_malloc((tt->v[v].width * H + 1) * sizeof(bb31x4));
            if (!tt->fold[v])
                return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
            const swirl_zc_view *vw = &tt->v[v];
#pragma omp parallel for schedule(static)
            for (size_t col = 0; col < vw->width; col++)
                for (size_t x = 0; x < H; x++) {
                    bb31x4 acc = bb31x4_zero();
                    for (size_t j = 0; j < N; j++)
                        acc = bb31x4_add(
                            acc,
                            bb31x4_mul_base(
                                lagr[j],
                                vw->base[col * tt->h + ((x * N + j + (size_t)vw->rot) % tt->h)]));
                    tt->fold[v][col * H + x] = acc;
                }
        }
        tt->fsel = swirl_malloc((3 * H + 1) * sizeof(bb31x4));
        if (!tt->fsel)
            return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
        for (size_t x = 0; x < H; x++) {
            bb31x4 s3[3] = {bb31x4_zero(), bb31x4_zero(), bb31x4_zero()};
            for (size_t j = 0; j < N; j++) {
                size_t i = (x * N + j) % tt->h;
                if (i == 0)
                    s3[0] = bb31x4_add(s3[0], lagr[j]);
                if (i != tt->h - 1)
                    s3[1] = bb31x4_add(s3[1], lagr[j]);
                else
                    s3[2] = bb31x4_add(s3[2], lagr[j]);
            }
            for (int k = 0; k < 3; k++)
                tt->fsel[k * H + x] = s3[k];
        }
    }
    s->eq_ns[0] = swirl_eval_eq_uni(c->l, c->xi[0], r0);
    bb31x4 eqs[1 << ZC_MAX_L];
    swirl_evals_eq_hypercube(eqs, c->xi, c->l);
    bb31x4 acc = bb31x4_zero();
    for (size_t i = 0; i < N; i++)
        acc = bb31x4_add(acc,
                         bb31x4_mul(swirl_eval_eq_uni(c->l, r0, E(bb31_pow(c->omega, i))), eqs[i]));
    s->eq_sh[0] = acc;
    return SWIRL_OK;
}

/* A trace whose hypercube is used up by this round: its tilde values (the constraints and LogUp
 * terms at its fully folded row, times eq) the round it ends, times r_{round-1} after; the
 * mu-weighted sum added to *tail. */
static void mle_tail(zc_prover *s, size_t ti, size_t round, bb31x4 *tail) {
    zc_common *c = &s->c;
    tr *tt = &c->T[ti];
    const bb31x4 *mp = c->mu_pows;
    if (round == tt->n_lift + 1) {
        bb31x4 *cols[2 * ZC_MAX_PARTS], sels[3];
        for (size_t v = 0; v < tt->nv; v++) {
            cols[v] = s->rowbuf + v * c->max_w;
            for (size_t col = 0; col < tt->v[v].width; col++)
                cols[v][col] = tt->fold[v][col * tt->cur_h];
        }
        for (int k = 0; k < 3; k++)
            sels[k] = tt->fsel[k * tt->cur_h];
        swirl_zc_eval_ext(s->nodes, tt, sels, cols);
        tt->tz = bb31x4_mul(s->eq_ns[round - 1], swirl_zc_acc_constraints(tt, s->nodes, c->lam_pows));
        bb31x4 nn, dd;
        if (tt->air->n_interactions) {
            swirl_zc_acc_interactions(&nn, &dd, tt, s->nodes, c->bp);
            tt->tn = bb31x4_mul_base(bb31x4_mul(s->eq_sh[round - 1], nn), tt->norm);
            tt->td = bb31x4_mul(s->eq_sh[round - 1], dd);
        } else {
            tt->tn = tt->td = bb31x4_zero();
        }
    } else {
        bb31x4 rp = c->r[round - 1];
        tt->tz = bb31x4_mul(tt->tz, rp);
        tt->tn = bb31x4_mul(tt->tn, rp);
        tt->td = bb31x4_mul(tt->td, rp);
    }
    *tail = bb31x4_add(*tail, bb31x4_mul(mp[2 * c->n + ti], tt->tz));
    *tail = bb31x4_add(*tail, bb31x4_mul(mp[2 * ti], tt->tn));
    *tail = bb31x4_add(*tail, bb31x4_mul(mp[2 * ti + 1], tt->td));
}

/* A trace still inside its hypercube: its sums at X = 1..G (constraint_round), mu-weighted into
 * the zerocheck and LogUp heads. */
static enum swirl_status mle_head(zc_prover *s, size_t ti, size_t round, bb31x4 *head_zc,
                                  bb31x4 *head_lu) {
    zc_common *c = &s->c;
    tr *tt = &c->T[ti];
    const bb31x4 *mp = c->mu_pows;
    unsigned G = c->G;
    size_t hyper = tt->n_lift - round, ny = (size_t)1 << hyper;
    bb31x4 *eqy = swirl_malloc(ny * sizeof *eqy);
    if (!eqy)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    swirl_evals_eq_hypercube(eqy, c->xi + c->l + round, hyper);
    bb31x4 sums[3 * ZC_MAX_COS];
    const bb31x4 *az = sums, *an = sums + G, *ad = sums + 2 * G;
    enum swirl_status st =
        s->ops->constraint_round(s->ops, sums, tt, eqy, ny, G, c->lam_pows, c->bp);
    free(eqy);
    SWIRL_TRY(st);
    for (uint32_t xv = 1; xv <= G; xv++) {
        bb31x4 nnorm = bb31x4_mul_base(an[xv - 1], tt->norm);
        head_zc[xv - 1] = bb31x4_add(head_zc[xv - 1], bb31x4_mul(mp[2 * c->n + ti], az[xv - 1]));
        head_lu[xv - 1] =
            bb31x4_add(head_lu[xv - 1], bb31x4_add(bb31x4_mul(mp[2 * ti], nnorm),
                                                   bb31x4_mul(mp[2 * ti + 1], ad[xv - 1])));
    }
    return SWIRL_OK;
}

/* The round polynomial from the heads (values at 1..G of the part without the eq factor in
 * xi[l + round - 1]), the claim (its value at 0) and the tail; its values at 1..s_deg observed,
 * then r_round sampled and the claim moved to it. */
static void mle_round_poly(zc_prover *s, size_t round, const bb31x4 *head_zc, const bb31x4 *head_lu,
                           bb31x4 tail) {
    zc_common *c = &s->c;
    size_t s_deg = c->s_deg;
    bb31x4 he[ZC_MAX_COS + 2];
    for (size_t i = 0; i < c->G; i++)
        he[i + 1] = bb31x4_add(bb31x4_mul(s->eq_ns[round - 1], head_zc[i]),
                               bb31x4_mul(s->eq_sh[round - 1], head_lu[i]));
    bb31x4 co[ZC_MAX_COS + 3];
    swirl_zm_round_poly(co, he, s_deg, c->prev, c->xi[c->l + round - 1], tail);
    for (size_t i = 1; i <= s_deg; i++) {
        bb31x4 ev = swirl_horner_eval(co, s_deg + 1, E(bb31_from_u32((uint32_t)i)));
        s->proof->sumcheck_round_polys[(round - 1) * s_deg + (i - 1)] = ev;
        swirl_transcript_observe_ext(c->t, ev);
    }
    bb31x4 rr = swirl_transcript_sample_ext(c->t);
    c->r[round] = rr;
    c->prev = swirl_horner_eval(co, s_deg + 1, rr);
}

/* One multilinear round: tails and heads of every trace, the round polynomial and r_round, every
 * trace's tables folded at r_round, and the eq factors extended by eq(xi[l + round - 1], r_round).
 */
static enum swirl_status mle_round(zc_prover *s, size_t round) {
    zc_common *c = &s->c;
    bb31x4 head_zc[ZC_MAX_COS], head_lu[ZC_MAX_COS], tail = bb31x4_zero();
    for (size_t i = 0; i < c->G; i++)
        head_zc[i] = head_lu[i] = bb31x4_zero();
    for (size_t ti = 0; ti < c->n; ti++) {
        if (round > c->T[ti].n_lift)
            mle_tail(s, ti, round, &tail);
        else
            SWIRL_TRY(mle_head(s, ti, round, head_zc, head_lu));
    }
    mle_round_poly(s, round, head_zc, head_lu, tail);
    bb31x4 rr = c->r[round];
    for (size_t ti = 0; ti < c->n; ti++) {
        tr *tt = &c->T[ti];
        if (tt->cur_h <= 1)
            continue;
        size_t H = tt->cur_h, h2 = H / 2;
        for (size_t v = 0; v < tt->nv; v++)
            SWIRL_TRY(s->ops->sumcheck_fold(s->ops, tt->fold[v], tt->v[v].width, H, h2, H, rr));
        SWIRL_TRY(s->ops->sumcheck_fold(s->ops, tt->fsel, 3, H, h2, H, rr));
        tt->cur_h = h2;
    }
    bb31x4 em = swirl_eval_eq_mle(&c->xi[c->l + round - 1], &rr, 1);
    s->eq_ns[round] = bb31x4_mul(s->eq_ns[round - 1], em);
    s->eq_sh[round] = bb31x4_mul(s->eq_sh[round - 1], em);
    return SWIRL_OK;
}

/* The multilinear rounds 1..n_max (the tallest trace's hypercube). */
static enum swirl_status prove_mle_rounds(zc_prover *s) {
    zc_common *c = &s->c;
    prover_span_begin(s, "prover.rap_constraints.mle_rounds");
    s->proof->n_rounds = c->n_max;
    s->proof->s_deg = c->s_deg;
    s->proof->sumcheck_round_polys = swirl_malloc((c->n_max * c->s_deg + 1) * sizeof(bb31x4));
    if (!s->proof->sumcheck_round_polys)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    for (size_t round = 1; round <= c->n_max; round++)
        SWIRL_TRY(mle_round(s, round));
    prover_span_end(s);
    return SWIRL_OK;
}

/* The column openings: per trace common (claim, claim_rot when the AIR needs the rotation), then
 * the other parts in view order (proof_shape.rs:468-516); then into the transcript. */
static enum swirl_status prove_openings(zc_prover *s) {
    zc_common *c = &s->c;
    swirl_batch_proof *proof = s->proof;
    size_t total_vals = 0;
    proof->openings_per_trace = swirl_calloc(c->n, sizeof(size_t));
    for (size_t ti = 0; ti < c->n; ti++)
        for (size_t v = 0; v < c->T[ti].nv; v++)
            total_vals += c->T[ti].v[v].width;
    proof->openings = swirl_malloc((total_vals + 1) * sizeof(bb31x4));
    if (!proof->openings_per_trace || !proof->openings)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    size_t o = 0;
    for (size_t ti = 0; ti < c->n; ti++) {
        const tr *tt = &c->T[ti];
        size_t step = tt->rot ? 2 : 1, nparts = tt->nv / step, start = o;
        for (size_t k = 0; k < nparts; k++) {
            size_t part = k == 0 ? nparts - 1 : k - 1; /* common first */
            size_t v0 = part * step;
            for (size_t col = 0; col < tt->v[v0].width; col++) {
                proof->openings[o++] = tt->fold[v0][col * tt->cur_h];
                if (tt->rot)
                    proof->openings[o++] = tt->fold[v0 + 1][col * tt->cur_h];
            }
        }
        proof->openings_per_trace[ti] = o - start;
    }
    observe_openings(c->t, c->T, c->n, proof);
    return SWIRL_OK;
}

/* The phases in OpenVM's order; the caller clears the state on every exit. */
static enum swirl_status prove_stage(zc_prover *s, size_t *n_r) {
    SWIRL_TRY(prover_setup(s));
    prover_span_begin(s, "prover.rap_constraints"); /* closed by prover_clear */
    SWIRL_TRY(prove_logup_gkr(s));
    SWIRL_TRY(derive_challenges(&s->c));
    SWIRL_TRY(prove_round0(s));
    SWIRL_TRY(fold_at_r0(s));
    SWIRL_TRY(prove_mle_rounds(s));
    *n_r = s->c.n_max + 1;
    return prove_openings(s);
}

enum swirl_status swirl_zerocheck_prove(const swirl_backend_ops *ops, swirl_gkr_proof *gkr,
                                           swirl_batch_proof *proof, bb31x4 *r_out, size_t *n_r,
                                           swirl_transcript *t, const swirl_zc_params *zp,
                                           const swirl_air_instance *traces, size_t n) {
    SWIRL_ARG_CHECK(gkr && proof && r_out && n_r && t && zp && traces && n > 0);
    memset(gkr, 0, sizeof *gkr);
    memset(proof, 0, sizeof *proof);
    zc_prover *s = swirl_calloc(1, sizeof *s);
    if (!s)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    s->ops = swirl_ops_or_cpu(ops);
    s->zp = zp;
    s->traces = traces;
    s->gkr = gkr;
    s->proof = proof;
    s->c.t = t;
    s->c.n = n;
    s->c.r = r_out;
    enum swirl_status st = prove_stage(s, n_r);
    prover_clear(s, st);
    return st;
}

/* ======================================= verifier ======================================= */

typedef struct zc_verifier {
    zc_common c;
    const swirl_zc_params *zp;
    const swirl_gkr_proof *gkr;
    const swirl_batch_proof *proof;
    swirl_air_instance *inst; /* n instances without columns: AIR, height, public values */
    bb31x4 numer, denom;      /* the LogUp claims, reduced by the per-AIR terms */
    bb31x4 *nodes, *colbuf;   /* one point's program values; one trace's opened values */
} zc_verifier;

static void verifier_clear(zc_verifier *s) {
    free_trs(s->c.T, s->c.n);
    free(s->c.mu_pows);
    free(s->inst);
    free(s->nodes);
    free(s->colbuf);
    free(s);
}

/* Setup: the per-trace records from the AIRs and log heights (views without columns), the sizes,
 * and the proof's shape. */
static enum swirl_status verifier_setup(zc_verifier *s, const swirl_air *const *airs,
                                        const unsigned *log_heights,
                                        const bb31 *const *public_values) {
    zc_common *c = &s->c;
    size_t N = c->N;
    c->T = swirl_calloc(c->n + 1, sizeof *c->T);
    s->inst = swirl_calloc(c->n + 1, sizeof *s->inst);
    if (!c->T || !s->inst)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    for (size_t i = 0; i < c->n; i++) {
        tr *tt = &c->T[i];
        if (!airs[i] || log_heights[i] > ZC_MAX_LOG_H ||
            (i > 0 && log_heights[i] > log_heights[i - 1]))
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "trace %zu: bad AIR or height order", i);
        SWIRL_TRY(check_air_limits(airs[i]));
        s->inst[i].air = airs[i];
        s->inst[i].height = (size_t)1 << log_heights[i];
        s->inst[i].public_values = public_values ? public_values[i] : NULL;
        if (airs[i]->num_public_values > 0 && !s->inst[i].public_values)
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "trace %zu: public values missing", i);
        tt->in = &s->inst[i];
        tt->air = airs[i];
        tt->h = s->inst[i].height;
        tt->n = (long)log_heights[i] - (long)c->l;
        tt->n_lift = tt->n > 0 ? (size_t)tt->n : 0;
        tt->L = tt->h > N ? tt->h : N;
        tt->rot = swirl_zc_need_rot(tt->air);
        tt->has_prep = tt->air->preprocessed_width > 0;
        tt->norm = bb31_inv(bb31_from_u32((uint32_t)(tt->L / tt->h)));
        size_t k = 0, step = tt->rot ? 2 : 1;
        if (tt->has_prep)
            for (size_t o = 0; o < step; o++)
                tt->v[k++] = (view){NULL, tt->air->preprocessed_width, (int)o};
        for (size_t cc = 0; cc < tt->air->n_cached; cc++)
            for (size_t o = 0; o < step; o++)
                tt->v[k++] = (view){NULL, tt->air->cached_widths[cc], (int)o};
        for (size_t o = 0; o < step; o++)
            tt->v[k++] = (view){NULL, tt->air->common_width, (int)o};
        tt->nv = k;
    }
    SWIRL_TRY(scan_traces(c));
    const swirl_batch_proof *proof = s->proof;
    if (proof->n_traces != c->n || !proof->numerator_term_per_air ||
        !proof->denominator_term_per_air || proof->n_univariate != c->s0deg + 1 ||
        !proof->univariate_round_coeffs || proof->n_rounds != c->n_max ||
        (c->n_max > 0 && (proof->s_deg != c->s_deg || !proof->sumcheck_round_polys)) ||
        !proof->openings || !proof->openings_per_trace)
        return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "batch constraint proof has the wrong shape");
    for (size_t i = 0; i < c->n; i++) {
        size_t want = 0;
        for (size_t v = 0; v < c->T[i].nv; v++)
            want += c->T[i].v[v].width;
        if (proof->openings_per_trace[i] != want)
            return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED,
                               "trace %zu: %zu opened values, expected %zu", i,
                               proof->openings_per_trace[i], want);
    }
    return SWIRL_OK;
}

/* LogUp: the PoW witness, alpha, beta, then the GKR's claims (numer, denom) at its point xi. */
static enum swirl_status verify_logup_gkr(zc_verifier *s) {
    zc_common *c = &s->c;
    if (!swirl_transcript_check_witness(c->t, s->zp->logup_pow_bits, s->gkr->logup_pow_witness))
        return SWIRL_RAISE(SWIRL_E_PROOF_REJECTED, "LogUp proof-of-work witness is invalid");
    c->alpha = swirl_transcript_sample_ext(c->t);
    c->beta = swirl_transcript_sample_ext(c->t);
    s->numer = bb31x4_zero();
    s->denom = c->alpha;
    c->nxi = 0;
    if (c->total > 0) {
        SWIRL_TRY(swirl_gkr_verify(&s->numer, &s->denom, c->xi, s->gkr, c->t, c->l + c->n_logup));
        c->nxi = c->l + c->n_logup;
    } else if (!bb31x4_eq(s->gkr->q0_claim, bb31x4_one())) {
        return SWIRL_RAISE(SWIRL_E_PROOF_REJECTED, "q0 claim must be one without interactions");
    }
    return SWIRL_OK;
}

/* The per-AIR LogUp terms (observed) against the GKR's claims, then mu and the buffers of the
 * final check. */
static enum swirl_status verify_logup_terms(zc_verifier *s) {
    zc_common *c = &s->c;
    const swirl_batch_proof *proof = s->proof;
    for (size_t i = 0; i < c->n; i++) {
        s->numer = bb31x4_sub(s->numer, proof->numerator_term_per_air[i]);
        s->denom = bb31x4_sub(s->denom, proof->denominator_term_per_air[i]);
        swirl_transcript_observe_ext(c->t, proof->numerator_term_per_air[i]);
        swirl_transcript_observe_ext(c->t, proof->denominator_term_per_air[i]);
    }
    if (!bb31x4_is_zero(s->numer) || !bb31x4_eq(s->denom, c->alpha))
        return SWIRL_RAISE(SWIRL_E_PROOF_REJECTED, "LogUp claims do not match the per-AIR terms");
    bb31x4 mu = swirl_transcript_sample_ext(c->t);
    s->nodes = swirl_malloc(c->max_nodes * sizeof *s->nodes);
    size_t max_open = 1;
    for (size_t i = 0; i < c->n; i++)
        if (proof->openings_per_trace[i] > max_open)
            max_open = proof->openings_per_trace[i];
    s->colbuf = swirl_malloc(max_open * sizeof *s->colbuf);
    if (!s->nodes || !s->colbuf)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    return mu_powers(c, mu);
}

/* Round 0: the mu-batched claim against N times the sum of s0's coefficients at multiples of N
 * (the sum over the skipped domain), then r0 and the claim s0(r0). */
static enum swirl_status verify_round0(zc_verifier *s) {
    zc_common *c = &s->c;
    const swirl_batch_proof *proof = s->proof;
    const bb31x4 *mp = c->mu_pows;
    bb31x4 claim = bb31x4_zero(), s0sum = bb31x4_zero();
    for (size_t i = 0; i < c->n; i++)
        claim = bb31x4_add(
            claim, bb31x4_add(bb31x4_mul(mp[2 * i], proof->numerator_term_per_air[i]),
                              bb31x4_mul(mp[2 * i + 1], proof->denominator_term_per_air[i])));
    for (size_t j = 0; j <= c->s0deg; j++) {
        swirl_transcript_observe_ext(c->t, proof->univariate_round_coeffs[j]);
        if (j % c->N == 0)
            s0sum = bb31x4_add(s0sum, proof->univariate_round_coeffs[j]);
    }
    if (!bb31x4_eq(bb31x4_mul_base(s0sum, bb31_from_u32((uint32_t)c->N)), claim))
        return SWIRL_RAISE(SWIRL_E_PROOF_REJECTED, "univariate round sum does not match the claim");
    c->r[0] = swirl_transcript_sample_ext(c->t);
    c->prev = swirl_horner_eval(proof->univariate_round_coeffs, c->s0deg + 1, c->r[0]);
    return SWIRL_OK;
}

/* The multilinear rounds: each polynomial's value at 0 from the claim, its values at 1..s_deg
 * observed, r_round sampled, the claim moved to it. */
static void verify_mle_rounds(zc_verifier *s) {
    zc_common *c = &s->c;
    size_t s_deg = c->s_deg;
    for (size_t round = 1; round <= c->n_max; round++) {
        bb31x4 ev[ZC_MAX_COS + 3], co[ZC_MAX_COS + 3];
        const bb31x4 *rp = s->proof->sumcheck_round_polys + (round - 1) * s_deg;
        ev[0] = bb31x4_sub(c->prev, rp[0]);
        for (size_t i = 0; i < s_deg; i++) {
            ev[i + 1] = rp[i];
            swirl_transcript_observe_ext(c->t, rp[i]);
        }
        c->r[round] = swirl_transcript_sample_ext(c->t);
        swirl_zm_lagrange_coeffs(co, ev, s_deg + 1);
        c->prev = swirl_horner_eval(co, s_deg + 1, c->r[round]);
    }
}

/* The eq factors of the final check: lagr[j] = eq_uni(r0, omega^j) and their sum, eq of xi at r
 * (eq_ns) and eq_sharp at r (eq_sh) over the first k rounds. */
typedef struct zc_final_eq {
    bb31x4 lagr[1 << ZC_MAX_L], lsum;
    bb31x4 eq_ns[ZC_MAX_LOG_H + 1], eq_sh[ZC_MAX_LOG_H + 1];
} zc_final_eq;

static void final_eq(const zc_common *c, zc_final_eq *f) {
    size_t N = c->N;
    const bb31x4 *r = c->r;
    bb31x4 eqs[1 << ZC_MAX_L];
    f->lsum = bb31x4_zero();
    swirl_evals_eq_hypercube(eqs, c->xi, c->l);
    f->eq_ns[0] = swirl_eval_eq_uni(c->l, c->xi[0], r[0]);
    f->eq_sh[0] = bb31x4_zero();
    for (size_t j = 0; j < N; j++) {
        f->lagr[j] = swirl_eval_eq_uni(c->l, r[0], E(bb31_pow(c->omega, j)));
        f->lsum = bb31x4_add(f->lsum, f->lagr[j]);
        f->eq_sh[0] = bb31x4_add(f->eq_sh[0], bb31x4_mul(f->lagr[j], eqs[j]));
    }
    for (size_t k = 1; k <= c->n_max; k++) {
        bb31x4 em = swirl_eval_eq_mle(&c->xi[c->l + k - 1], &r[k], 1);
        f->eq_ns[k] = bb31x4_mul(f->eq_ns[k - 1], em);
        f->eq_sh[k] = bb31x4_mul(f->eq_sh[k - 1], em);
    }
}

/* One trace's part of the final claim from its opened values (at *off, advanced past them): the
 * constraints and LogUp terms at (r0, r_1..r_n_lift), weighted by mu, eq and the lift. */
static bb31x4 trace_final_claim(zc_verifier *s, size_t ti, size_t *off, const zc_final_eq *f) {
    zc_common *c = &s->c;
    const tr *tt = &c->T[ti];
    const bb31x4 *mp = c->mu_pows, *r = c->r;
    size_t N = c->N, step = tt->rot ? 2 : 1, nparts = tt->nv / step;
    bb31x4 *cols[2 * ZC_MAX_PARTS];
    size_t used = 0, o = *off;
    for (size_t v = 0; v < tt->nv; v++) {
        cols[v] = s->colbuf + used;
        used += tt->v[v].width;
    }
    for (size_t k = 0; k < nparts; k++) {
        size_t part = k == 0 ? nparts - 1 : k - 1;
        for (size_t col = 0; col < tt->v[part * step].width; col++)
            for (size_t w = 0; w < step; w++)
                cols[part * step + w][col] = s->proof->openings[o++];
    }
    *off = o;
    /* selectors at (r0, r_1..r_n) */
    bb31x4 first = bb31x4_zero(), last = bb31x4_zero();
    if (tt->h >= N) {
        first = f->lagr[0];
        last = f->lagr[N - 1];
        for (size_t k = 1; k <= tt->n_lift; k++) {
            first = bb31x4_mul(first, bb31x4_sub(bb31x4_one(), r[k]));
            last = bb31x4_mul(last, r[k]);
        }
    } else {
        for (size_t j = 0; j < N; j++) {
            if (j % tt->h == 0)
                first = bb31x4_add(first, f->lagr[j]);
            if (j % tt->h == tt->h - 1)
                last = bb31x4_add(last, f->lagr[j]);
        }
    }
    bb31x4 sels[3] = {first, bb31x4_sub(f->lsum, last), last};
    swirl_zc_eval_ext(s->nodes, tt, sels, cols);
    bb31x4 lift = bb31x4_one();
    for (size_t k = tt->n_lift + 1; k <= c->n_max; k++)
        lift = bb31x4_mul(lift, r[k]);
    bb31x4 z = bb31x4_mul(bb31x4_mul(mp[2 * c->n + ti], f->eq_ns[tt->n_lift]),
                          swirl_zc_acc_constraints(tt, s->nodes, c->lam_pows));
    if (tt->air->n_interactions) {
        bb31x4 nn, dd;
        swirl_zc_acc_interactions(&nn, &dd, tt, s->nodes, c->bp);
        bb31x4 lu = bb31x4_add(bb31x4_mul(mp[2 * ti], bb31x4_mul_base(nn, tt->norm)),
                               bb31x4_mul(mp[2 * ti + 1], dd));
        z = bb31x4_add(z, bb31x4_mul(f->eq_sh[tt->n_lift], lu));
    }
    return bb31x4_mul(lift, z);
}

/* The final claim from the openings against the last round's claim (evaluator.rs). */
static enum swirl_status verify_final_claim(zc_verifier *s) {
    zc_final_eq f;
    final_eq(&s->c, &f);
    bb31x4 expect = bb31x4_zero();
    size_t off = 0;
    for (size_t ti = 0; ti < s->c.n; ti++)
        expect = bb31x4_add(expect, trace_final_claim(s, ti, &off, &f));
    if (!bb31x4_eq(expect, s->c.prev))
        return SWIRL_RAISE(
            SWIRL_E_PROOF_REJECTED,
            "batch constraint sumcheck: final claim does not match the opened values");
    return SWIRL_OK;
}

/* The phases in OpenVM's order; the caller clears the state on every exit. */
static enum swirl_status verify_stage(zc_verifier *s, size_t *n_r, const swirl_air *const *airs,
                                      const unsigned *log_heights,
                                      const bb31 *const *public_values) {
    SWIRL_TRY(verifier_setup(s, airs, log_heights, public_values));
    SWIRL_TRY(verify_logup_gkr(s));
    SWIRL_TRY(derive_challenges(&s->c));
    SWIRL_TRY(verify_logup_terms(s));
    SWIRL_TRY(verify_round0(s));
    verify_mle_rounds(s);
    *n_r = s->c.n_max + 1;
    observe_openings(s->c.t, s->c.T, s->c.n, s->proof);
    return verify_final_claim(s);
}

enum swirl_status swirl_zerocheck_verify(bb31x4 *r_out, size_t *n_r, swirl_transcript *t,
                                         const swirl_zc_params *zp, const swirl_gkr_proof *gkr,
                                         const swirl_batch_proof *proof,
                                         const swirl_air *const *airs, const unsigned *log_heights,
                                         const bb31 *const *public_values, size_t n) {
    SWIRL_ARG_CHECK(r_out && n_r && t && zp && gkr && proof && airs && log_heights && n > 0);
    SWIRL_TRY(check_params(zp));
    zc_verifier *s = swirl_calloc(1, sizeof *s);
    if (!s)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    s->zp = zp;
    s->gkr = gkr;
    s->proof = proof;
    s->c.t = t;
    s->c.n = n;
    s->c.r = r_out;
    s->c.l = zp->l_skip;
    s->c.G = zp->max_constraint_degree;
    s->c.N = (size_t)1 << s->c.l;
    enum swirl_status st = bb31_two_adic_generator(&s->c.omega, s->c.l);
    if (st == SWIRL_OK)
        st = verify_stage(s, n_r, airs, log_heights, public_values);
    verifier_clear(s);
    return st;
}
