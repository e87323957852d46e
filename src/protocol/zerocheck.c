/* The rap_constraints stage: LogUp-GKR + batch constraint sumcheck (see zerocheck.h). */
#include "protocol/zerocheck.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "air/program.h"
#include "pcs/stacked.h"
#include "poly/poly_common.h"
#include "protocol/logup.h"
#include "protocol/zerocheck_trace.h"
#include "util/settings.h"
#include "util/span.h"

#define ZC_MAX_L 8
#define ZC_MAX_COS 8
#define ZC_MAX_PARTS SWIRL_ZC_MAX_PARTS
#define ZC_MAX_WIDTH 4096 /* columns per partition */

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

static size_t view_of(const tr *t, uint8_t entry, uint32_t part, uint8_t off) {
    size_t step = t->rot ? 2 : 1;
    if (entry == SWIRL_ENTRY_PREPROCESSED)
        return off;
    size_t base = t->has_prep ? step : 0;
    return base + part * step + off;
}

/* The constraint program on one point from row parts: sels[3] (first, transition, last) and
 * per-view column values; V holds the program's n_vals values (outputs at its output indices). */
static void eval_prog_ext(bb31x4 *V, const tr *t, const bb31x4 *sels, bb31x4 *const *cols) {
    const swirl_air_program *p = t->air->program;
    bb31x4 *in = V + p->in_base;
    SWIRL_PROG_INIT_CONSTS(p, V, E);
    in[0] = sels[0];
    in[1] = sels[1];
    in[2] = sels[2];
    for (uint32_t s = SWIRL_PROG_N_SELECTORS; s < p->n_inputs; s++) {
        const swirl_prog_var *v = &p->vars[s - SWIRL_PROG_N_SELECTORS];
        in[s] = v->entry == SWIRL_ENTRY_PUBLIC
                    ? E(t->in->public_values[v->index])
                    : cols[view_of(t, v->entry, v->part, v->offset)][v->index];
    }
    SWIRL_PROG_RUN(p, V, bb31x4_add, bb31x4_sub, bb31x4_mul, bb31x4_neg);
}

static bb31x4 acc_constraints(const tr *t, const bb31x4 *nodes, const bb31x4 *lp) {
    bb31x4 acc = bb31x4_zero();
    for (size_t k = 0; k < t->air->n_constraints; k++)
        acc = bb31x4_add(acc, bb31x4_mul(lp[k], nodes[t->air->program->constraint_val[k]]));
    return acc;
}

static void acc_interactions(bb31x4 *num, bb31x4 *den, const tr *t, const bb31x4 *nodes,
                             const bb31x4 *bp) {
    bb31x4 nn = bb31x4_zero(), dd = bb31x4_zero();
    const swirl_air_program *p = t->air->program;
    for (size_t i = 0; i < t->air->n_interactions; i++) {
        const swirl_dag_interaction *it = &t->air->interactions[i];
        const uint32_t *fv = p->field_val + p->field_start[i];
        bb31x4 h = bb31x4_mul_base(bp[it->n_fields], bb31_from_u32((uint32_t)it->bus_index + 1));
        for (size_t j = 0; j < it->n_fields; j++)
            h = bb31x4_add(h, bb31x4_mul(bp[j], nodes[fv[j]]));
        nn = bb31x4_add(nn, bb31x4_mul(t->eq3b[i], nodes[p->count_val[i]]));
        dd = bb31x4_add(dd, bb31x4_mul(t->eq3b[i], h));
    }
    *num = nn;
    *den = dd;
}

/* coefficients (length d*N) of the polynomial with values S[c*N + i] at g^(c+1) w^i, c < d */
static void interpolate_cosets(bb31x4 *coeffs, const bb31x4 *S, size_t d, size_t l, bb31 w) {
    size_t N = (size_t)1 << l;
    if (d == 0)
        return;
    bb31 g = bb31_from_u32(BB31_GENERATOR), winv = bb31_inv(w),
         ninv = bb31_inv(bb31_from_u32((uint32_t)N));
    bb31x4 h[ZC_MAX_COS][1 << ZC_MAX_L];
    bb31 gam[ZC_MAX_COS], shift = bb31_one();
    for (size_t c = 0; c < d; c++) {
        shift = bb31_mul(shift, g);
        gam[c] = bb31_pow(shift, N);
        bb31 sinv = bb31_inv(shift), sk = ninv;
        for (size_t k = 0; k < N; k++) {
            bb31x4 acc = bb31x4_zero();
            bb31 wk = bb31_pow(winv, k), wik = bb31_one();
            for (size_t i = 0; i < N; i++) {
                acc = bb31x4_add(acc, bb31x4_mul_base(S[c * N + i], wik));
                wik = bb31_mul(wik, wk);
            }
            h[c][k] = bb31x4_mul_base(acc, sk);
            sk = bb31_mul(sk, sinv);
        }
    }
    /* invert the Vandermonde V[c][m] = gam[c]^m */
    bb31 V[ZC_MAX_COS][2 * ZC_MAX_COS];
    for (size_t c = 0; c < d; c++) {
        for (size_t m = 0; m < d; m++) {
            V[c][m] = bb31_pow(gam[c], m);
            V[c][d + m] = c == m ? bb31_one() : bb31_zero();
        }
    }
    for (size_t col = 0; col < d; col++) {
        size_t piv = col;
        while (bb31_is_zero(V[piv][col]))
            piv++;
        for (size_t m = 0; m < 2 * d; m++) {
            bb31 tmp = V[col][m];
            V[col][m] = V[piv][m];
            V[piv][m] = tmp;
        }
        bb31 inv = bb31_inv(V[col][col]);
        for (size_t m = 0; m < 2 * d; m++)
            V[col][m] = bb31_mul(V[col][m], inv);
        for (size_t r = 0; r < d; r++) {
            if (r == col || bb31_is_zero(V[r][col]))
                continue;
            bb31 f = V[r][col];
            for (size_t m = 0; m < 2 * d; m++)
                V[r][m] = bb31_sub(V[r][m], bb31_mul(f, V[col][m]));
        }
    }
    /* A_m[k] = sum_c Vinv[m][c] h_c[k] */
    for (size_t m = 0; m < d; m++)
        for (size_t k = 0; k < N; k++) {
            bb31x4 acc = bb31x4_zero();
            for (size_t c = 0; c < d; c++)
                acc = bb31x4_add(acc, bb31x4_mul_base(h[c][k], V[m][d + c]));
            coeffs[m * N + k] = acc;
        }
}

static void poly_mul(bb31x4 *out, size_t out_len, const bb31x4 *a, size_t na, const bb31x4 *b,
                     size_t nb) {
    for (size_t i = 0; i < out_len; i++)
        out[i] = bb31x4_zero();
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < nb && i + j < out_len; j++)
            out[i + j] = bb31x4_add(out[i + j], bb31x4_mul(a[i], b[j]));
}

static void lagrange_coeffs(bb31x4 *coeffs, const bb31x4 *vals, size_t npts) {
    /* polynomial of degree < npts through (i, vals[i]) for i < npts */
    for (size_t k = 0; k < npts; k++)
        coeffs[k] = bb31x4_zero();
    for (size_t i = 0; i < npts; i++) {
        bb31 basis[16] = {{0}};
        basis[0] = bb31_one();
        size_t deg = 0;
        bb31 denom = bb31_one();
        for (size_t j = 0; j < npts; j++) {
            if (j == i)
                continue;
            /* basis *= (X - j) */
            bb31 mj = bb31_neg(bb31_from_u32((uint32_t)j));
            for (size_t k = deg + 2; k-- > 0;) {
                bb31 up = k > 0 ? basis[k - 1] : bb31_zero();
                basis[k] = bb31_add(bb31_mul(basis[k], mj), up);
            }
            deg++;
            denom =
                bb31_mul(denom, bb31_sub(bb31_from_u32((uint32_t)i), bb31_from_u32((uint32_t)j)));
        }
        bb31 dinv = bb31_inv(denom);
        for (size_t k = 0; k < npts; k++)
            coeffs[k] = bb31x4_add(coeffs[k], bb31x4_mul_base(vals[i], bb31_mul(basis[k], dinv)));
    }
}

/* interactions layout eq weights: eq(xi[l+n_lift .. l+n_logup], bits(row_idx >> (l + n_lift))) */
static enum swirl_status compute_eq3b(tr *T, size_t n, unsigned l, unsigned n_logup,
                                      const bb31x4 *xi) {
    size_t any = 0;
    for (size_t i = 0; i < n; i++)
        any += T[i].air->n_interactions;
    if (any == 0)
        return SWIRL_OK;
    size_t *w = calloc(n + 1, sizeof *w);
    unsigned *lg = calloc(n + 1, sizeof *lg);
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
        T[i].eq3b = malloc((T[i].air->n_interactions + 1) * sizeof(bb31x4));
        if (!T[i].eq3b) {
            swirl_stacked_layout_clear(&lay);
            return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
        }
        for (size_t k = 0; k < T[i].air->n_interactions; k++) {
            const swirl_stacked_slice *s = &lay.cols[lay.mat_starts[i] + k];
            size_t nb = n_logup - T[i].n_lift, b_int = s->row_idx >> (l + T[i].n_lift);
            bb31x4 bv[64];
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

/* After the GKR (shared by prover and verifier, so both follow one transcript order): extend xi to
 * l + max(n_max, n_logup) coordinates, sample lambda, the powers of lambda and beta, and the eq
 * weights of every interaction. */
static enum swirl_status derive_challenges(bb31x4 *xi, size_t nxi, bb31x4 *lam_pows,
                                           size_t max_cons, bb31x4 *bp, size_t max_msg, bb31x4 beta,
                                           swirl_transcript *t, tr *T, size_t n, unsigned l,
                                           unsigned n_logup, size_t n_max) {
    size_t n_global = n_max > n_logup ? n_max : n_logup;
    while (nxi < l + n_global)
        xi[nxi++] = swirl_transcript_sample_ext(t);
    bb31x4 lambda = swirl_transcript_sample_ext(t);
    lam_pows[0] = bb31x4_one();
    for (size_t k = 1; k < max_cons; k++)
        lam_pows[k] = bb31x4_mul(lam_pows[k - 1], lambda);
    bp[0] = bb31x4_one();
    for (size_t k = 1; k <= max_msg; k++)
        bp[k] = bb31x4_mul(bp[k - 1], beta);
    return compute_eq3b(T, n, l, n_logup, xi);
}

/* (is_first, is_transition, is_last) at a point of round 0 for hypercube point x: the Lagrange
 * weights lag_row[j] of the rows x·N + j (mod h, so traces shorter than N repeat) summed by kind */
static void row_selectors(bb31 sel[3], const bb31 *lag_row, size_t x, size_t N, size_t h) {
    sel[0] = sel[1] = sel[2] = bb31_zero();
    for (size_t j = 0; j < N; j++) {
        size_t i = (x * N + j) % h;
        if (i == 0)
            sel[0] = bb31_add(sel[0], lag_row[j]);
        if (i != h - 1)
            sel[1] = bb31_add(sel[1], lag_row[j]);
        else
            sel[2] = bb31_add(sel[2], lag_row[j]);
    }
}

/* the fixed limits of the prover's and verifier's per-trace tables */
static enum swirl_status check_air_limits(const swirl_air *air) {
    if (air->n_cached + 2 > ZC_MAX_PARTS || air->common_width > ZC_MAX_WIDTH ||
        air->preprocessed_width > ZC_MAX_WIDTH)
        return SWIRL_RAISE(SWIRL_E_UNSUPPORTED, "AIR %s: more than %d partitions or %d columns",
                           air->name, ZC_MAX_PARTS, ZC_MAX_WIDTH);
    for (size_t c = 0; c < air->n_cached; c++)
        if (air->cached_widths[c] > ZC_MAX_WIDTH)
            return SWIRL_RAISE(SWIRL_E_UNSUPPORTED, "AIR %s: cached partition too wide", air->name);
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
    tr *T = calloc(n + 1, sizeof *T);
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

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        st = SWIRL_RAISE(__VA_ARGS__);                                                             \
        goto done;                                                                                 \
    } while (0)

static bb31 id_base(bb31 x) {
    return x;
}

/* the constraint program in the base field (round 0: every column value, selector and constant is
 * in the base field) at point pp of the interpolated column values */
static void eval_point_base(bb31 *V, const tr *t, const bb31 *sels, const bb31 *colvals,
                            size_t np, size_t pp, size_t max_w) {
    const swirl_air_program *p = t->air->program;
    bb31 *in = V + p->in_base;
    SWIRL_PROG_INIT_CONSTS(p, V, id_base);
    in[0] = sels[0];
    in[1] = sels[1];
    in[2] = sels[2];
    for (uint32_t s = SWIRL_PROG_N_SELECTORS; s < p->n_inputs; s++) {
        const swirl_prog_var *v = &p->vars[s - SWIRL_PROG_N_SELECTORS];
        in[s] = v->entry == SWIRL_ENTRY_PUBLIC
                    ? t->in->public_values[v->index]
                    : colvals[(view_of(t, v->entry, v->part, v->offset) * max_w + v->index) * np +
                              pp];
    }
    SWIRL_PROG_RUN(p, V, bb31_add, bb31_sub, bb31_mul, bb31_neg);
}

#if defined(__x86_64__)
#include "field/bb31_avx512.h"

static int zc_avx512_enabled(void) {
    return swirl_settings_get()->use_avx512;
}

/* 16 consecutive points p0..p0+15 of round 0 at once (base field, one lane per point); adds
 * eq(x)·C_lambda(p)/(p^N - 1) to Sz[p]. Only for AIRs without interactions. */
AVX512 static void round0_block16(bb31x4 *Sz, __m512i *nodes, const tr *tt, const bb31 *sel3,
                                  const bb31 *colvals, size_t np, size_t p0, size_t max_w,
                                  const bb31x4 *lam_pows, bb31x4 eqx, const bb31 *zfinv) {
    const swirl_air *air = tt->air;
    const swirl_air_program *prog = air->program;
    const __m512i zero = _mm512_setzero_si512();
    __m512i *in = nodes + prog->in_base;
    for (uint32_t c = 0; c < prog->n_consts; c++)
        nodes[prog->const_base + c] = _mm512_set1_epi32((int)prog->consts[c].v);
    for (int k = 0; k < 3; k++)
        in[k] = _mm512_loadu_si512((const void *)(sel3 + k * 16));
    for (uint32_t s = SWIRL_PROG_N_SELECTORS; s < prog->n_inputs; s++) {
        const swirl_prog_var *v = &prog->vars[s - SWIRL_PROG_N_SELECTORS];
        in[s] = v->entry == SWIRL_ENTRY_PUBLIC
                    ? _mm512_set1_epi32((int)tt->in->public_values[v->index].v)
                    : _mm512_loadu_si512(
                          (const void *)(colvals +
                                         (view_of(tt, v->entry, v->part, v->offset) * max_w +
                                          v->index) *
                                             np +
                                         p0));
    }
#define ZC_W_NEG(x) w_sub(zero, (x))
    SWIRL_PROG_RUN(prog, nodes, w_add, w_sub, w_mul, ZC_W_NEG);
#undef ZC_W_NEG
    __m512i acc[4] = {zero, zero, zero, zero};
    for (size_t k = 0; k < air->n_constraints; k++) {
        __m512i c = nodes[prog->constraint_val[k]];
        for (int e = 0; e < 4; e++)
            acc[e] = w_add(acc[e], w_mul(_mm512_set1_epi32((int)lam_pows[k].c[e].v), c));
    }
    uint32_t lanes[4][16];
    for (int e = 0; e < 4; e++)
        _mm512_storeu_si512((void *)lanes[e], acc[e]);
    for (int j = 0; j < 16; j++) {
        bb31x4 a;
        for (int e = 0; e < 4; e++)
            a.c[e].v = lanes[e][j];
        Sz[p0 + j] = bb31x4_add(Sz[p0 + j], bb31x4_mul(eqx, bb31x4_mul_base(a, zfinv[p0 + j])));
    }
}
/* dst[p] = sum_j vals[j] * lagT[j * np + p] for p < np (np a multiple of 16) */
AVX512 static void interp16(bb31 *dst, const bb31 *vals, const bb31 *lagT, size_t np, size_t N) {
    for (size_t p0 = 0; p0 < np; p0 += 16) {
        __m512i acc = _mm512_setzero_si512();
        for (size_t j = 0; j < N; j++)
            acc = w_add(acc, w_mul(_mm512_set1_epi32((int)vals[j].v),
                                   _mm512_loadu_si512((const void *)(lagT + j * np + p0))));
        _mm512_storeu_si512((void *)(dst + p0), acc);
    }
}
#endif

/*
 * Round 0 for one trace: S[0..P) += eq(x)·C_lambda(p, x)/(p^N - 1) on the zerocheck cosets,
 * S[P..2P) and S[2P..3P) += eq(x)·(numerator, denominator) on the LogUp cosets, over the hypercube
 * points x (in parallel, one partial sum per thread, added in thread order: deterministic for a
 * fixed thread count; the sums are exact field sums so any order gives the same result).
 */
static size_t trace_max_width(const tr *tt) {
    size_t w = 1;
    for (size_t v = 0; v < tt->nv; v++)
        if (tt->v[v].width > w)
            w = tt->v[v].width;
    return w;
}

enum swirl_status swirl_cpu_constraint_round0(const swirl_backend_ops *ops, bb31x4 *S,
                                              const swirl_zc_trace *tt,
                                              const swirl_zc_round0_in *in) {
    (void)ops;
    SWIRL_ARG_CHECK(S && tt && in && in->eq_x && in->lag && in->pts && in->lambda_pows);
    SWIRL_ARG_CHECK(in->N >= 1 && in->N <= ((size_t)1 << ZC_MAX_L) && in->np <= in->n_points &&
                    in->n_points <= ((size_t)ZC_MAX_COS << ZC_MAX_L) &&
                    (in->nlu == 0 || in->beta_pows));
    const bb31x4 *eqt = in->eq_x, *lam_pows = in->lambda_pows, *bp = in->beta_pows;
    const bb31 *lag = in->lag, *pts = in->pts;
    size_t P = in->n_points, N = in->N, np = in->np, nzc = in->nzc, nlu = in->nlu;
    /* scratch sizes of this trace */
    const swirl_air_program *prog = tt->air->program;
    size_t max_nodes = tt->air->program->n_vals > 0 ? tt->air->program->n_vals : 1;
    size_t max_nv = tt->nv > 0 ? tt->nv : 1, max_w = trace_max_width(tt);
    size_t nx = (size_t)1 << tt->n_lift;
    int nthreads = omp_get_max_threads();
    if ((size_t)nthreads > nx)
        nthreads = (int)nx;
    bb31x4 *part = calloc((size_t)nthreads * 3 * P, sizeof *part);
    bb31 zfinv[ZC_MAX_COS << ZC_MAX_L];
    if (!part)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    for (size_t pp = 0; pp < np; pp++)
        zfinv[pp] = bb31_inv(bb31_sub(bb31_pow(pts[pp], N), bb31_one()));
    int failed = 0;
#if defined(__x86_64__)
    /* 16 points per vector: AIRs without interactions, cosets of at least 16 points */
    int vec = zc_avx512_enabled() && nlu == 0 && N % 16 == 0;
    bb31 *lagT = vec ? malloc(N * np * sizeof *lagT) : NULL; /* lagT[j * np + p] = lag[p * N + j] */
    if (vec && !lagT) {
        free(part);
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    }
    for (size_t pp = 0; vec && pp < np; pp++)
        for (size_t j = 0; j < N; j++)
            lagT[j * np + pp] = lag[pp * N + j];
#endif
#pragma omp parallel num_threads(nthreads)
    {
        int tid = omp_get_thread_num();
        bb31 *nodes = malloc(max_nodes * sizeof *nodes);
        bb31 *colvals = malloc(max_nv * max_w * np * sizeof *colvals);
#if defined(__x86_64__)
        __m512i *vnodes = vec ? aligned_alloc(64, max_nodes * 64) : NULL;
        if (vec && !vnodes) {
#pragma omp atomic write
            failed = 1;
        }
#endif
        if (!nodes || !colvals) {
#pragma omp atomic write
            failed = 1;
        }
        /* every thread must reach the worksharing loop below or none may (a thread that skipped
         * it would leave the others waiting at its barrier): agree after a barrier */
#pragma omp barrier
        int any_failed;
#pragma omp atomic read
        any_failed = failed;
        if (!any_failed) {
            bb31x4 *Sz = part + (size_t)tid * 3 * P, *Sn = Sz + P, *Sd = Sz + 2 * P;
#pragma omp for schedule(static)
            for (size_t x = 0; x < nx; x++) {
                /* interpolated column values at every point: colvals[(v * max_w + c) * np + p] */
                for (size_t v = 0; v < tt->nv; v++)
                    for (size_t c = 0; c < tt->v[v].width; c++) {
                        bb31 vals[1 << ZC_MAX_L];
                        const bb31 *col = tt->v[v].base + c * tt->h;
                        for (size_t j = 0; j < N; j++)
                            vals[j] = col[(x * N + j + (size_t)tt->v[v].rot) % tt->h];
                        bb31 *dst = colvals + (v * max_w + c) * np;
#if defined(__x86_64__)
                        if (vec) {
                            interp16(dst, vals, lagT, np, N);
                            continue;
                        }
#endif
                        for (size_t pp = 0; pp < np; pp++) {
                            const bb31 *lg = lag + pp * N;
                            bb31 acc = bb31_zero();
                            for (size_t j = 0; j < N; j++)
                                acc = bb31_add(acc, bb31_mul(vals[j], lg[j]));
                            dst[pp] = acc;
                        }
                    }
#if defined(__x86_64__)
                if (vec) {
                    for (size_t p0 = 0; p0 < np; p0 += 16) {
                        bb31 sel3[3 * 16];
                        for (size_t q = 0; q < 16; q++) {
                            bb31 sq[3];
                            row_selectors(sq, lag + (p0 + q) * N, x, N, tt->h);
                            sel3[q] = sq[0];
                            sel3[16 + q] = sq[1];
                            sel3[32 + q] = sq[2];
                        }
                        round0_block16(Sz, vnodes, tt, sel3, colvals, np, p0, max_w, lam_pows,
                                       eqt[x], zfinv);
                    }
                    continue;
                }
#endif
                for (size_t pp = 0; pp < np; pp++) {
                    bb31 sel[3];
                    row_selectors(sel, lag + pp * N, x, N, tt->h);
                    eval_point_base(nodes, tt, sel, colvals, np, pp, max_w);
                    size_t cos = pp / N;
                    if (cos < nzc) {
                        bb31x4 a = bb31x4_zero();
                        for (size_t k = 0; k < tt->air->n_constraints; k++)
                            a = bb31x4_add(
                                a, bb31x4_mul_base(lam_pows[k],
                                                   nodes[tt->air->program->constraint_val[k]]));
                        Sz[pp] =
                            bb31x4_add(Sz[pp], bb31x4_mul(eqt[x], bb31x4_mul_base(a, zfinv[pp])));
                    }
                    if (cos < nlu) {
                        bb31x4 nn = bb31x4_zero(), dd = bb31x4_zero();
                        for (size_t i = 0; i < tt->air->n_interactions; i++) {
                            const swirl_dag_interaction *it = &tt->air->interactions[i];
                            bb31x4 hh = bb31x4_mul_base(bp[it->n_fields],
                                                        bb31_from_u32((uint32_t)it->bus_index + 1));
                            for (size_t j = 0; j < it->n_fields; j++)
                                hh = bb31x4_add(
                                    hh, bb31x4_mul_base(bp[j], nodes[prog->field_val[prog->field_start[i] + j]]));
                            nn = bb31x4_add(nn,
                                            bb31x4_mul_base(tt->eq3b[i], nodes[prog->count_val[i]]));
                            dd = bb31x4_add(dd, bb31x4_mul(tt->eq3b[i], hh));
                        }
                        Sn[pp] = bb31x4_add(Sn[pp], bb31x4_mul(eqt[x], nn));
                        Sd[pp] = bb31x4_add(Sd[pp], bb31x4_mul(eqt[x], dd));
                    }
                }
            }
        }
        free(nodes);
        free(colvals);
#if defined(__x86_64__)
        free(vnodes);
#endif
    }
    if (!failed)
        for (int th = 0; th < nthreads; th++)
            for (size_t i = 0; i < 3 * P; i++)
                S[i] = bb31x4_add(S[i], part[(size_t)th * 3 * P + i]);
#if defined(__x86_64__)
    free(lagT);
#endif
    free(part);
    return failed ? SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory") : SWIRL_OK;
}

/* One multilinear round for one trace: for X = 1..G, the eq(y)-weighted sums over y of the batched
 * constraints (az) and of the LogUp numerator / denominator (an, ad), with the folded columns
 * interpolated at X; parallel over y with per-thread partial sums added in thread order. */
enum swirl_status swirl_cpu_constraint_round(const swirl_backend_ops *ops, bb31x4 *out,
                                             const swirl_zc_trace *tt, const bb31x4 *eqy, size_t ny,
                                             unsigned G, const bb31x4 *lam_pows, const bb31x4 *bp) {
    (void)ops;
    SWIRL_ARG_CHECK(out && tt && eqy && lam_pows && ny >= 1 && G >= 1 && 2 * ny <= tt->cur_h);
    SWIRL_ARG_CHECK(tt->air->n_interactions == 0 || bp);
    bb31x4 *az = out, *an = out + G, *ad = out + 2 * G;
    size_t max_nodes = tt->air->program->n_vals > 0 ? tt->air->program->n_vals : 1;
    size_t max_nv = tt->nv > 0 ? tt->nv : 1, max_w = trace_max_width(tt);
    int nthreads = omp_get_max_threads();
    if ((size_t)nthreads > ny)
        nthreads = (int)ny;
    bb31x4 *part = calloc((size_t)nthreads * 3 * G, sizeof *part);
    if (!part)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    size_t H = tt->cur_h;
    int failed = 0;
#pragma omp parallel num_threads(nthreads)
    {
        int tid = omp_get_thread_num();
        bb31x4 *nodes = malloc(max_nodes * sizeof *nodes);
        bb31x4 *rowbuf = malloc(max_nv * max_w * sizeof *rowbuf);
        if (!nodes || !rowbuf) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp barrier /* all threads run the worksharing loop, or none (see round 0) */
        int any_failed;
#pragma omp atomic read
        any_failed = failed;
        if (!any_failed) {
            bb31x4 *pz = part + (size_t)tid * 3 * G, *pn = pz + G, *pd = pz + 2 * G;
            bb31x4 *cols[2 * ZC_MAX_PARTS], sels[3];
            for (size_t v = 0; v < tt->nv; v++)
                cols[v] = rowbuf + v * max_w;
#pragma omp for schedule(static)
            for (size_t y = 0; y < ny; y++) {
                for (uint32_t xv = 1; xv <= G; xv++) {
                    bb31 X = bb31_from_u32(xv);
                    for (size_t v = 0; v < tt->nv; v++)
                        for (size_t c = 0; c < tt->v[v].width; c++) {
                            bb31x4 a0 = tt->fold[v][c * H + 2 * y],
                                   a1 = tt->fold[v][c * H + 2 * y + 1];
                            cols[v][c] = bb31x4_add(a0, bb31x4_mul_base(bb31x4_sub(a1, a0), X));
                        }
                    for (int k = 0; k < 3; k++) {
                        bb31x4 a0 = tt->fsel[k * H + 2 * y], a1 = tt->fsel[k * H + 2 * y + 1];
                        sels[k] = bb31x4_add(a0, bb31x4_mul_base(bb31x4_sub(a1, a0), X));
                    }
                    eval_prog_ext(nodes, tt, sels, cols);
                    pz[xv - 1] = bb31x4_add(
                        pz[xv - 1], bb31x4_mul(eqy[y], acc_constraints(tt, nodes, lam_pows)));
                    if (tt->air->n_interactions) {
                        bb31x4 nn, dd;
                        acc_interactions(&nn, &dd, tt, nodes, bp);
                        pn[xv - 1] = bb31x4_add(pn[xv - 1], bb31x4_mul(eqy[y], nn));
                        pd[xv - 1] = bb31x4_add(pd[xv - 1], bb31x4_mul(eqy[y], dd));
                    }
                }
            }
        }
        free(nodes);
        free(rowbuf);
    }
    for (unsigned i = 0; i < G; i++)
        az[i] = an[i] = ad[i] = bb31x4_zero();
    for (int th = 0; th < nthreads && !failed; th++)
        for (unsigned i = 0; i < G; i++) {
            az[i] = bb31x4_add(az[i], part[(size_t)th * 3 * G + i]);
            an[i] = bb31x4_add(an[i], part[(size_t)th * 3 * G + G + i]);
            ad[i] = bb31x4_add(ad[i], part[(size_t)th * 3 * G + 2 * G + i]);
        }
    free(part);
    return failed ? SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory") : SWIRL_OK;
}

/* spans opened by the prover, closed on every exit path */
#define SPAN_BEGIN(name)                                                                           \
    do {                                                                                           \
        swirl_span_begin(name);                                                                    \
        open_spans++;                                                                              \
    } while (0)
#define SPAN_END()                                                                                 \
    do {                                                                                           \
        swirl_span_end();                                                                          \
        open_spans--;                                                                              \
    } while (0)

enum swirl_status swirl_zerocheck_prove(swirl_gkr_proof *gkr, swirl_batch_proof *proof,
                                        bb31x4 *r_out, size_t *n_r, swirl_transcript *t,
                                        const swirl_zc_params *zp, const swirl_air_instance *traces,
                                        size_t n) {
    return swirl_zerocheck_prove_ex(NULL, gkr, proof, r_out, n_r, t, zp, traces, n);
}

enum swirl_status swirl_zerocheck_prove_ex(const swirl_backend_ops *ops, swirl_gkr_proof *gkr,
                                           swirl_batch_proof *proof, bb31x4 *r_out, size_t *n_r,
                                           swirl_transcript *t, const swirl_zc_params *zp,
                                           const swirl_air_instance *traces, size_t n) {
    ops = swirl_ops_or_cpu(ops);
    SWIRL_ARG_CHECK(gkr && proof && r_out && n_r && t && zp && traces && n > 0);
    memset(gkr, 0, sizeof *gkr);
    memset(proof, 0, sizeof *proof);
    unsigned l = zp->l_skip, G = zp->max_constraint_degree;
    SWIRL_ARG_CHECK(l <= ZC_MAX_L && G >= 1 && G < ZC_MAX_COS);
    size_t N = (size_t)1 << l;
    bb31 omega;
    SWIRL_TRY(bb31_two_adic_generator(&omega, l));
    tr *T = NULL;
    int open_spans = 0;
    for (size_t i = 0; i < n; i++) {
        const swirl_air_instance *in = &traces[i];
        const swirl_air *air = in->air;
        if (!air || in->height == 0 || (in->height & (in->height - 1)) != 0 ||
            in->height > ((size_t)1 << 27))
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
    enum swirl_status st = setup_trs(&T, traces, n, l);
    if (st != SWIRL_OK)
        return st;
    bb31x4 xi[96], lam_pows[4096], bp[130];
    bb31x4 *p = NULL, *q = NULL, *nodes = NULL, *rowbuf = NULL;
    bb31x4 *zc = NULL, *nu = NULL, *de = NULL, *S = NULL, *tmp = NULL;
    size_t max_nodes = 1, max_cons = 1, max_msg = 0, max_w = 1, max_nv = 1;
    for (size_t i = 0; i < n; i++) {
        if (T[i].nv > max_nv)
            max_nv = T[i].nv;
        if (T[i].air->program->n_vals > max_nodes)
            max_nodes = T[i].air->program->n_vals;
        if (T[i].air->n_constraints > max_cons)
            max_cons = T[i].air->n_constraints;
        for (size_t k = 0; k < T[i].air->n_interactions; k++)
            if (T[i].air->interactions[k].n_fields > max_msg)
                max_msg = T[i].air->interactions[k].n_fields;
        for (size_t v = 0; v < T[i].nv; v++)
            if (T[i].v[v].width > max_w)
                max_w = T[i].v[v].width;
        if (T[i].deg > G)
            FAIL(SWIRL_E_INVALID_ARG, "AIR %s degree %u exceeds %u", T[i].air->name, T[i].deg, G);
    }
    if (max_cons > 4096 || max_msg > 128)
        FAIL(SWIRL_E_UNSUPPORTED, "too many constraints or message fields");
    size_t n_max = T[0].n_lift;
    SPAN_BEGIN("prover.rap_constraints");
    /* ---- LogUp: PoW, alpha, beta, GKR ---- */
    SPAN_BEGIN("prover.rap_constraints.logup_gkr");
    bb31 pow;
    st = swirl_transcript_grind(t, &pow, zp->logup_pow_bits);
    if (st != SWIRL_OK)
        goto done;
    bb31x4 alpha = swirl_transcript_sample_ext(t), beta = swirl_transcript_sample_ext(t);
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += (uint64_t)T[i].air->n_interactions << swirl_log2_exact(T[i].L);
    unsigned n_logup = swirl_calculate_n_logup(l, total);
    size_t nxi = 0;
    if (total > 0) {
        unsigned Lg;
        st = swirl_logup_gkr_input(&p, &q, &Lg, traces, n, l, alpha, beta);
        if (st == SWIRL_OK)
            st = swirl_gkr_prove_ex(ops, gkr, xi, t, p, q, Lg);
        if (st != SWIRL_OK)
            goto done;
        nxi = Lg;
    } else {
        gkr->q0_claim = bb31x4_one();
    }
    gkr->logup_pow_witness = pow;
    SPAN_END();
    st = derive_challenges(xi, nxi, lam_pows, max_cons, bp, max_msg, beta, t, T, n, l, n_logup,
                           n_max);
    if (st != SWIRL_OK)
        goto done;

    /* ---- round 0 ---- */
    SPAN_BEGIN("prover.rap_constraints.round0");
    size_t P = G * N, sp0 = G * (N - 1), s0deg = (G + 1) * (N - 1), s_deg = G + 1;
    bb31 pts[ZC_MAX_COS << ZC_MAX_L];
    bb31 *lag = malloc(P * N * sizeof *lag);
    nodes = malloc(max_nodes * sizeof *nodes);
    rowbuf = malloc(max_nv * max_w * sizeof *rowbuf);
    zc = calloc(n * (s0deg + 1), sizeof *zc);
    nu = calloc(n * (s0deg + 1), sizeof *nu);
    de = calloc(n * (s0deg + 1), sizeof *de);
    S = malloc(3 * P * sizeof *S);
    tmp = malloc((s0deg + 2 + P) * sizeof *tmp);
    if (!lag || !nodes || !rowbuf || !zc || !nu || !de || !S || !tmp) {
        free(lag);
        st = SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
        goto done;
    }
    {
        bb31 g = bb31_from_u32(BB31_GENERATOR), sh = bb31_one();
        for (size_t c = 0; c < G; c++) {
            sh = bb31_mul(sh, g);
            for (size_t i = 0; i < N; i++)
                pts[c * N + i] = bb31_mul(sh, bb31_pow(omega, i));
        }
        for (size_t pp = 0; pp < P; pp++)
            for (size_t j = 0; j < N; j++)
                lag[pp * N + j] = swirl_eval_eq_uni(l, E(pts[pp]), E(bb31_pow(omega, j))).c[0];
    }
    for (size_t ti = 0; ti < n; ti++) {
        tr *tt = &T[ti];
        size_t deg = tt->deg, nzc = deg >= 1 ? deg - 1 : 0, nlu = tt->air->n_interactions ? deg : 0;
        size_t np = (nzc > nlu ? nzc : nlu) * N;
        bb31x4 *Szc = S, *Sn = S + P, *Sd = S + 2 * P;
        for (size_t i = 0; i < 3 * P; i++)
            S[i] = bb31x4_zero();
        bb31x4 *eqt = malloc(((size_t)1 << tt->n_lift) * sizeof *eqt);
        if (!eqt) {
            free(lag);
            st = SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
            goto done;
        }
        swirl_evals_eq_hypercube(eqt, xi + l, tt->n_lift);
        if (np > 0) {
            swirl_zc_round0_in r0in = {eqt, lag, pts, P, N, np, nzc, nlu, lam_pows, bp};
            st = ops->constraint_round0(ops, S, tt, &r0in);
            if (st != SWIRL_OK) {
                free(eqt);
                free(lag);
                goto done;
            }
        }
        free(eqt);
        /* zerocheck: q over nzc cosets, then times (Z^N - 1), truncated to sp0 + 1 */
        bb31x4 qz[ZC_MAX_COS << ZC_MAX_L];
        memset(qz, 0, sizeof qz);
        interpolate_cosets(qz, Szc, nzc, l, omega);
        bb31x4 *zt = zc + ti * (s0deg + 1);
        if (deg >= 1)
            for (size_t i = 0; i <= deg * (N - 1) && i <= sp0; i++) {
                bb31x4 c = i < nzc * N ? bb31x4_neg(qz[i]) : bb31x4_zero();
                if (i >= N && i - N < nzc * N)
                    c = bb31x4_add(c, qz[i - N]);
                zt[i] = c;
            }
        if (nlu) {
            bb31x4 qn[ZC_MAX_COS << ZC_MAX_L], qd[ZC_MAX_COS << ZC_MAX_L];
            interpolate_cosets(qn, Sn, nlu, l, omega);
            interpolate_cosets(qd, Sd, nlu, l, omega);
            bb31x4 *nt = nu + ti * (s0deg + 1), *dt = de + ti * (s0deg + 1);
            for (size_t i = 0; i < nlu * N && i <= sp0; i++) {
                nt[i] = bb31x4_mul_base(qn[i], tt->norm);
                dt[i] = qd[i];
            }
        }
    }
    free(lag);
    /* global round-0 polynomial */
    {
        bb31x4 eqs[1 << ZC_MAX_L], eqsharp[1 << ZC_MAX_L], equni[1 << ZC_MAX_L];
        swirl_evals_eq_hypercube(eqs, xi, l);
        bb31 winv = bb31_inv(omega), ninv = bb31_inv(bb31_from_u32((uint32_t)N));
        for (size_t k = 0; k < N; k++) {
            bb31x4 acc = bb31x4_zero();
            for (size_t i = 0; i < N; i++)
                acc = bb31x4_add(acc, bb31x4_mul_base(eqs[i], bb31_pow(winv, i * k)));
            eqsharp[k] = bb31x4_mul_base(acc, ninv);
        }
        equni[0] = E(ninv);
        for (size_t k = 1; k < N; k++)
            equni[k] = bb31x4_mul_base(bb31x4_pow(xi[0], N - k), ninv);
        proof->n_traces = n;
        proof->numerator_term_per_air = malloc(n * sizeof(bb31x4));
        proof->denominator_term_per_air = malloc(n * sizeof(bb31x4));
        bb31x4 *prods = malloc(2 * n * (s0deg + 1) * sizeof *prods);
        if (!proof->numerator_term_per_air || !proof->denominator_term_per_air || !prods) {
            free(prods);
            st = SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
            goto done;
        }
        for (size_t ti = 0; ti < n; ti++) {
            bb31x4 *pn = prods + (2 * ti) * (s0deg + 1), *pd = prods + (2 * ti + 1) * (s0deg + 1);
            poly_mul(pn, s0deg + 1, nu + ti * (s0deg + 1), sp0 + 1, eqsharp, N);
            poly_mul(pd, s0deg + 1, de + ti * (s0deg + 1), sp0 + 1, eqsharp, N);
            bb31x4 sn = bb31x4_zero(), sd = bb31x4_zero();
            for (size_t j = 0; j <= s0deg; j += N) {
                sn = bb31x4_add(sn, pn[j]);
                sd = bb31x4_add(sd, pd[j]);
            }
            proof->numerator_term_per_air[ti] = bb31x4_mul_base(sn, bb31_from_u32((uint32_t)N));
            proof->denominator_term_per_air[ti] = bb31x4_mul_base(sd, bb31_from_u32((uint32_t)N));
            swirl_transcript_observe_ext(t, proof->numerator_term_per_air[ti]);
            swirl_transcript_observe_ext(t, proof->denominator_term_per_air[ti]);
        }
        bb31x4 mu = swirl_transcript_sample_ext(t);
        bb31x4 *mp = malloc((3 * n + 1) * sizeof *mp);
        if (!mp) {
            free(prods);
            st = SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
            goto done;
        }
        mp[0] = bb31x4_one();
        for (size_t k = 1; k < 3 * n; k++)
            mp[k] = bb31x4_mul(mp[k - 1], mu);
        bb31x4 *zsum = calloc(sp0 + 1, sizeof *zsum), *s0zc = malloc((s0deg + 1) * sizeof *s0zc);
        proof->n_univariate = s0deg + 1;
        proof->univariate_round_coeffs = malloc((s0deg + 1) * sizeof(bb31x4));
        if (!zsum || !s0zc || !proof->univariate_round_coeffs) {
            free(zsum);
            free(s0zc);
            free(prods);
            free(mp);
            st = SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
            goto done;
        }
        for (size_t ti = 0; ti < n; ti++)
            for (size_t j = 0; j <= sp0; j++)
                zsum[j] = bb31x4_add(zsum[j], bb31x4_mul(mp[2 * n + ti], zc[ti * (s0deg + 1) + j]));
        poly_mul(s0zc, s0deg + 1, zsum, sp0 + 1, equni, N);
        for (size_t j = 0; j <= s0deg; j++) {
            bb31x4 c = s0zc[j];
            for (size_t i = 0; i < 2 * n; i++)
                c = bb31x4_add(c, bb31x4_mul(mp[i], prods[i * (s0deg + 1) + j]));
            proof->univariate_round_coeffs[j] = c;
            swirl_transcript_observe_ext(t, c);
        }
        free(zsum);
        free(s0zc);
        free(prods);
        /* keep mu powers for the MLE rounds in tmp */
        memcpy(tmp, mp,
               3 * n * sizeof *mp < (s0deg + 2 + P) * sizeof *tmp ? 3 * n * sizeof *mp : 0);
        free(tmp);
        tmp = mp;
    }
    bb31x4 r0 = swirl_transcript_sample_ext(t);
    r_out[0] = r0;
    bb31x4 prev = swirl_horner_eval(proof->univariate_round_coeffs, proof->n_univariate, r0);
    SPAN_END();

    /* ---- fold at r0 ---- */
    {
        bb31x4 lagr[1 << ZC_MAX_L];
        for (size_t j = 0; j < N; j++)
            lagr[j] = swirl_eval_eq_uni(l, r0, E(bb31_pow(omega, j)));
        for (size_t ti = 0; ti < n; ti++) {
            tr *tt = &T[ti];
            size_t H = (size_t)1 << tt->n_lift;
            tt->cur_h = H;
            for (size_t v = 0; v < tt->nv; v++) {
                tt->fold[v] = malloc((tt->v[v].width * H + 1) * sizeof(bb31x4));
                if (!tt->fold[v]) {
                    st = SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
                    goto done;
                }
#pragma omp parallel for schedule(static)
                for (size_t c = 0; c < tt->v[v].width; c++)
                    for (size_t x = 0; x < H; x++) {
                        bb31x4 acc = bb31x4_zero();
                        for (size_t j = 0; j < N; j++)
                            acc = bb31x4_add(
                                acc,
                                bb31x4_mul_base(
                                    lagr[j],
                                    tt->v[v].base[c * tt->h +
                                                  ((x * N + j + (size_t)tt->v[v].rot) % tt->h)]));
                        tt->fold[v][c * H + x] = acc;
                    }
            }
            tt->fsel = malloc((3 * H + 1) * sizeof(bb31x4));
            if (!tt->fsel) {
                st = SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
                goto done;
            }
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
    }
    bb31x4 eq_ns[64], eq_sh[64];
    eq_ns[0] = swirl_eval_eq_uni(l, xi[0], r0);
    {
        bb31x4 eqs[1 << ZC_MAX_L];
        swirl_evals_eq_hypercube(eqs, xi, l);
        bb31x4 acc = bb31x4_zero();
        for (size_t i = 0; i < N; i++)
            acc = bb31x4_add(acc,
                             bb31x4_mul(swirl_eval_eq_uni(l, r0, E(bb31_pow(omega, i))), eqs[i]));
        eq_sh[0] = acc;
    }

    /* ---- multilinear rounds ---- */
    SPAN_BEGIN("prover.rap_constraints.mle_rounds");
    proof->n_rounds = n_max;
    proof->s_deg = s_deg;
    proof->sumcheck_round_polys = malloc((n_max * s_deg + 1) * sizeof(bb31x4));
    if (!proof->sumcheck_round_polys) {
        st = SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
        goto done;
    }
    bb31x4 *mp = tmp;
    for (size_t round = 1; round <= n_max; round++) {
        bb31x4 rp = r_out[round - 1];
        bb31x4 head_zc[ZC_MAX_COS], head_lu[ZC_MAX_COS], tail = bb31x4_zero();
        for (size_t i = 0; i < G; i++)
            head_zc[i] = head_lu[i] = bb31x4_zero();
        for (size_t ti = 0; ti < n; ti++) {
            tr *tt = &T[ti];
            bb31x4 *cols[2 * ZC_MAX_PARTS];
            bb31x4 sels[3];
            if (round > tt->n_lift) {
                if (round == tt->n_lift + 1) {
                    for (size_t v = 0; v < tt->nv; v++) {
                        cols[v] = rowbuf + v * max_w;
                        for (size_t c = 0; c < tt->v[v].width; c++)
                            cols[v][c] = tt->fold[v][c * tt->cur_h];
                    }
                    for (int k = 0; k < 3; k++)
                        sels[k] = tt->fsel[k * tt->cur_h];
                    eval_prog_ext(nodes, tt, sels, cols);
                    tt->tz = bb31x4_mul(eq_ns[round - 1], acc_constraints(tt, nodes, lam_pows));
                    bb31x4 nn, dd;
                    if (tt->air->n_interactions) {
                        acc_interactions(&nn, &dd, tt, nodes, bp);
                        tt->tn = bb31x4_mul_base(bb31x4_mul(eq_sh[round - 1], nn), tt->norm);
                        tt->td = bb31x4_mul(eq_sh[round - 1], dd);
                    } else {
                        tt->tn = tt->td = bb31x4_zero();
                    }
                } else {
                    tt->tz = bb31x4_mul(tt->tz, rp);
                    tt->tn = bb31x4_mul(tt->tn, rp);
                    tt->td = bb31x4_mul(tt->td, rp);
                }
                tail = bb31x4_add(tail, bb31x4_mul(mp[2 * n + ti], tt->tz));
                tail = bb31x4_add(tail, bb31x4_mul(mp[2 * ti], tt->tn));
                tail = bb31x4_add(tail, bb31x4_mul(mp[2 * ti + 1], tt->td));
                continue;
            }
            size_t hyper = tt->n_lift - round, ny = (size_t)1 << hyper;
            bb31x4 *eqy = malloc(ny * sizeof *eqy);
            if (!eqy) {
                st = SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
                goto done;
            }
            swirl_evals_eq_hypercube(eqy, xi + l + round, hyper);
            bb31x4 sums[3 * ZC_MAX_COS];
            const bb31x4 *az = sums, *an = sums + G, *ad = sums + 2 * G;
            st = ops->constraint_round(ops, sums, tt, eqy, ny, G, lam_pows, bp);
            if (st != SWIRL_OK) {
                free(eqy);
                goto done;
            }
            for (uint32_t xv = 1; xv <= G; xv++) {
                bb31x4 nnorm = bb31x4_mul_base(an[xv - 1], tt->norm);
                head_zc[xv - 1] =
                    bb31x4_add(head_zc[xv - 1], bb31x4_mul(mp[2 * n + ti], az[xv - 1]));
                head_lu[xv - 1] =
                    bb31x4_add(head_lu[xv - 1], bb31x4_add(bb31x4_mul(mp[2 * ti], nnorm),
                                                           bb31x4_mul(mp[2 * ti + 1], ad[xv - 1])));
            }
            free(eqy);
        }
        bb31x4 he[ZC_MAX_COS + 2];
        for (size_t i = 0; i < G; i++)
            he[i + 1] = bb31x4_add(bb31x4_mul(eq_ns[round - 1], head_zc[i]),
                                   bb31x4_mul(eq_sh[round - 1], head_lu[i]));
        bb31x4 xc = xi[l + round - 1], b = bb31x4_sub(bb31x4_one(), xc), a = bb31x4_sub(xc, b);
        he[0] =
            bb31x4_mul(bb31x4_sub(bb31x4_sub(prev, bb31x4_mul(xc, he[1])), tail), bb31x4_inv(b));
        bb31x4 co[ZC_MAX_COS + 3];
        lagrange_coeffs(co, he, s_deg);
        co[s_deg] = bb31x4_zero();
        for (size_t i = s_deg; i-- > 0;)
            co[i + 1] = bb31x4_add(bb31x4_mul(a, co[i]), bb31x4_mul(b, co[i + 1]));
        co[0] = bb31x4_mul(co[0], b);
        co[1] = bb31x4_add(co[1], tail);
        for (size_t i = 1; i <= s_deg; i++) {
            bb31x4 ev = swirl_horner_eval(co, s_deg + 1, E(bb31_from_u32((uint32_t)i)));
            proof->sumcheck_round_polys[(round - 1) * s_deg + (i - 1)] = ev;
            swirl_transcript_observe_ext(t, ev);
        }
        bb31x4 rr = swirl_transcript_sample_ext(t);
        r_out[round] = rr;
        prev = swirl_horner_eval(co, s_deg + 1, rr);
        for (size_t ti = 0; ti < n; ti++) {
            tr *tt = &T[ti];
            if (tt->cur_h <= 1)
                continue;
            size_t H = tt->cur_h, h2 = H / 2;
            for (size_t v = 0; v < tt->nv && st == SWIRL_OK; v++)
                st = ops->sumcheck_fold(ops, tt->fold[v], tt->v[v].width, H, h2, H, rr);
            if (st == SWIRL_OK)
                st = ops->sumcheck_fold(ops, tt->fsel, 3, H, h2, H, rr);
            if (st != SWIRL_OK)
                goto done;
            tt->cur_h = h2;
        }
        bb31x4 em = swirl_eval_eq_mle(&xi[l + round - 1], &rr, 1);
        eq_ns[round] = bb31x4_mul(eq_ns[round - 1], em);
        eq_sh[round] = bb31x4_mul(eq_sh[round - 1], em);
    }
    SPAN_END();
    *n_r = n_max + 1;

    /* ---- column openings: per trace common (with rot), then the other parts in view order ---- */
    {
        size_t total_vals = 0;
        proof->openings_per_trace = calloc(n, sizeof(size_t));
        for (size_t ti = 0; ti < n; ti++)
            for (size_t v = 0; v < T[ti].nv; v++)
                total_vals += T[ti].v[v].width;
        proof->openings = malloc((total_vals + 1) * sizeof(bb31x4));
        if (!proof->openings_per_trace || !proof->openings) {
            st = SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
            goto done;
        }
        size_t o = 0;
        for (size_t ti = 0; ti < n; ti++) {
            tr *tt = &T[ti];
            size_t step = tt->rot ? 2 : 1, nparts = tt->nv / step, start = o;
            for (size_t k = 0; k < nparts; k++) {
                size_t part = k == 0 ? nparts - 1 : k - 1; /* common first */
                size_t v0 = part * step;
                for (size_t c = 0; c < tt->v[v0].width; c++) {
                    proof->openings[o++] = tt->fold[v0][c * tt->cur_h];
                    if (tt->rot)
                        proof->openings[o++] = tt->fold[v0 + 1][c * tt->cur_h];
                }
            }
            proof->openings_per_trace[ti] = o - start;
        }
        /* transcript: every trace's common part (pairs), then every trace's other parts */
        for (int pass = 0; pass < 2; pass++) {
            size_t off = 0;
            for (size_t ti = 0; ti < n; ti++) {
                tr *tt = &T[ti];
                size_t step = tt->rot ? 2 : 1;
                size_t cw = tt->v[tt->nv - step].width * step;
                size_t from = pass == 0 ? 0 : cw,
                       to = pass == 0 ? cw : proof->openings_per_trace[ti];
                for (size_t i = from; i < to; i += step) {
                    swirl_transcript_observe_ext(t, proof->openings[off + i]);
                    swirl_transcript_observe_ext(t, tt->rot ? proof->openings[off + i + 1]
                                                            : bb31x4_zero());
                }
                off += proof->openings_per_trace[ti];
            }
        }
    }
done:
    while (open_spans-- > 0)
        swirl_span_end();
    free_trs(T, n);
    free(p);
    free(q);
    free(nodes);
    free(rowbuf);
    free(zc);
    free(nu);
    free(de);
    free(S);
    free(tmp);
    if (st != SWIRL_OK) {
        swirl_gkr_proof_clear(gkr);
        swirl_batch_proof_clear(proof);
    }
    return st;
}

#define REJECT(...)                                                                                \
    do {                                                                                           \
        st = SWIRL_RAISE(SWIRL_E_PROOF_REJECTED, __VA_ARGS__);                                     \
        goto vdone;                                                                                \
    } while (0)
#define MALFORMED(...)                                                                             \
    do {                                                                                           \
        st = SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, __VA_ARGS__);                                    \
        goto vdone;                                                                                \
    } while (0)

enum swirl_status swirl_zerocheck_verify(bb31x4 *r_out, size_t *n_r, swirl_transcript *t,
                                         const swirl_zc_params *zp, const swirl_gkr_proof *gkr,
                                         const swirl_batch_proof *proof,
                                         const swirl_air *const *airs, const unsigned *log_heights,
                                         const bb31 *const *public_values, size_t n) {
    SWIRL_ARG_CHECK(r_out && n_r && t && zp && gkr && proof && airs && log_heights && n > 0);
    unsigned l = zp->l_skip, G = zp->max_constraint_degree;
    SWIRL_ARG_CHECK(l <= ZC_MAX_L && G >= 1 && G < ZC_MAX_COS);
    size_t N = (size_t)1 << l;
    bb31 omega;
    SWIRL_TRY(bb31_two_adic_generator(&omega, l));
    enum swirl_status st = SWIRL_OK;
    tr *T = calloc(n + 1, sizeof *T);
    bb31x4 *nodes = NULL, *mp = NULL, *colbuf = NULL;
    swirl_air_instance *inst = calloc(n + 1, sizeof *inst);
    if (!T || !inst) {
        free(T);
        free(inst);
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    }
    size_t max_nodes = 1, max_cons = 1, max_msg = 0;
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        tr *tt = &T[i];
        if (!airs[i] || log_heights[i] > 27 || (i > 0 && log_heights[i] > log_heights[i - 1]))
            FAIL(SWIRL_E_INVALID_ARG, "trace %zu: bad AIR or height order", i);
        st = check_air_limits(airs[i]);
        if (st != SWIRL_OK)
            goto vdone;
        inst[i].air = airs[i];
        inst[i].height = (size_t)1 << log_heights[i];
        inst[i].public_values = public_values ? public_values[i] : NULL;
        if (airs[i]->num_public_values > 0 && !inst[i].public_values)
            FAIL(SWIRL_E_INVALID_ARG, "trace %zu: public values missing", i);
        tt->in = &inst[i];
        tt->air = airs[i];
        tt->h = inst[i].height;
        tt->n = (long)log_heights[i] - (long)l;
        tt->n_lift = tt->n > 0 ? (size_t)tt->n : 0;
        tt->L = tt->h > N ? tt->h : N;
        tt->rot = swirl_zc_need_rot(tt->air);
        tt->has_prep = tt->air->preprocessed_width > 0;
        tt->norm = bb31_inv(bb31_from_u32((uint32_t)(tt->L / tt->h)));
        size_t k = 0;
        size_t step = tt->rot ? 2 : 1;
        if (tt->has_prep)
            for (size_t s = 0; s < step; s++)
                tt->v[k++] = (view){NULL, tt->air->preprocessed_width, (int)s};
        for (size_t c = 0; c < tt->air->n_cached; c++)
            for (size_t s = 0; s < step; s++)
                tt->v[k++] = (view){NULL, tt->air->cached_widths[c], (int)s};
        for (size_t s = 0; s < step; s++)
            tt->v[k++] = (view){NULL, tt->air->common_width, (int)s};
        tt->nv = k;
        if (tt->air->max_degree > G)
            FAIL(SWIRL_E_INVALID_ARG, "AIR %s degree %u exceeds %u", tt->air->name,
                 tt->air->max_degree, G);
        if (tt->air->program->n_vals > max_nodes)
            max_nodes = tt->air->program->n_vals;
        if (tt->air->n_constraints > max_cons)
            max_cons = tt->air->n_constraints;
        for (size_t q = 0; q < tt->air->n_interactions; q++)
            if (tt->air->interactions[q].n_fields > max_msg)
                max_msg = tt->air->interactions[q].n_fields;
        total += (uint64_t)tt->air->n_interactions << swirl_log2_exact(tt->L);
    }
    if (max_cons > 4096 || max_msg > 128)
        FAIL(SWIRL_E_UNSUPPORTED, "too many constraints or message fields");
    size_t n_max = T[0].n_lift, s_deg = G + 1, s0deg = (G + 1) * (N - 1);
    if (proof->n_traces != n || !proof->numerator_term_per_air ||
        !proof->denominator_term_per_air || proof->n_univariate != s0deg + 1 ||
        !proof->univariate_round_coeffs || proof->n_rounds != n_max ||
        (n_max > 0 && (proof->s_deg != s_deg || !proof->sumcheck_round_polys)) ||
        !proof->openings || !proof->openings_per_trace)
        MALFORMED("batch constraint proof has the wrong shape");
    for (size_t i = 0; i < n; i++) {
        size_t want = 0;
        for (size_t v = 0; v < T[i].nv; v++)
            want += T[i].v[v].width;
        if (proof->openings_per_trace[i] != want)
            MALFORMED("trace %zu: %zu opened values, expected %zu", i, proof->openings_per_trace[i],
                      want);
    }
    /* LogUp */
    if (!swirl_transcript_check_witness(t, zp->logup_pow_bits, gkr->logup_pow_witness))
        REJECT("LogUp proof-of-work witness is invalid");
    bb31x4 alpha = swirl_transcript_sample_ext(t), beta = swirl_transcript_sample_ext(t);
    unsigned n_logup = swirl_calculate_n_logup(l, total);
    bb31x4 xi[96], numer = bb31x4_zero(), denom = alpha, lam_pows[4096], bp[130];
    size_t nxi = 0;
    if (total > 0) {
        st = swirl_gkr_verify(&numer, &denom, xi, gkr, t, l + n_logup);
        if (st != SWIRL_OK)
            goto vdone;
        nxi = l + n_logup;
    } else if (!bb31x4_eq(gkr->q0_claim, bb31x4_one())) {
        REJECT("q0 claim must be one without interactions");
    }
    st = derive_challenges(xi, nxi, lam_pows, max_cons, bp, max_msg, beta, t, T, n, l, n_logup,
                           n_max);
    if (st != SWIRL_OK)
        goto vdone;
    for (size_t i = 0; i < n; i++) {
        numer = bb31x4_sub(numer, proof->numerator_term_per_air[i]);
        denom = bb31x4_sub(denom, proof->denominator_term_per_air[i]);
        swirl_transcript_observe_ext(t, proof->numerator_term_per_air[i]);
        swirl_transcript_observe_ext(t, proof->denominator_term_per_air[i]);
    }
    if (!bb31x4_is_zero(numer) || !bb31x4_eq(denom, alpha))
        REJECT("LogUp claims do not match the per-AIR terms");
    bb31x4 mu = swirl_transcript_sample_ext(t);
    mp = malloc((3 * n + 1) * sizeof *mp);
    nodes = malloc(max_nodes * sizeof *nodes);
    size_t max_open = 1;
    for (size_t i = 0; i < n; i++)
        if (proof->openings_per_trace[i] > max_open)
            max_open = proof->openings_per_trace[i];
    colbuf = malloc(max_open * sizeof *colbuf);
    if (!mp || !nodes || !colbuf)
        FAIL(SWIRL_E_NOMEM, "out of memory");
    mp[0] = bb31x4_one();
    for (size_t k = 1; k < 3 * n; k++)
        mp[k] = bb31x4_mul(mp[k - 1], mu);
    bb31x4 claim = bb31x4_zero(), s0sum = bb31x4_zero();
    for (size_t i = 0; i < n; i++)
        claim = bb31x4_add(
            claim, bb31x4_add(bb31x4_mul(mp[2 * i], proof->numerator_term_per_air[i]),
                              bb31x4_mul(mp[2 * i + 1], proof->denominator_term_per_air[i])));
    for (size_t j = 0; j <= s0deg; j++) {
        swirl_transcript_observe_ext(t, proof->univariate_round_coeffs[j]);
        if (j % N == 0)
            s0sum = bb31x4_add(s0sum, proof->univariate_round_coeffs[j]);
    }
    if (!bb31x4_eq(bb31x4_mul_base(s0sum, bb31_from_u32((uint32_t)N)), claim))
        REJECT("univariate round sum does not match the claim");
    bb31x4 r0 = swirl_transcript_sample_ext(t);
    r_out[0] = r0;
    bb31x4 prev = swirl_horner_eval(proof->univariate_round_coeffs, s0deg + 1, r0);
    for (size_t round = 1; round <= n_max; round++) {
        bb31x4 ev[ZC_MAX_COS + 3], co[ZC_MAX_COS + 3];
        const bb31x4 *rp = proof->sumcheck_round_polys + (round - 1) * s_deg;
        ev[0] = bb31x4_sub(prev, rp[0]);
        for (size_t i = 0; i < s_deg; i++) {
            ev[i + 1] = rp[i];
            swirl_transcript_observe_ext(t, rp[i]);
        }
        r_out[round] = swirl_transcript_sample_ext(t);
        lagrange_coeffs(co, ev, s_deg + 1);
        prev = swirl_horner_eval(co, s_deg + 1, r_out[round]);
    }
    *n_r = n_max + 1;
    /* openings: every trace's common part first, then the other parts */
    for (int pass = 0; pass < 2; pass++) {
        size_t off = 0;
        for (size_t ti = 0; ti < n; ti++) {
            tr *tt = &T[ti];
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
    /* the final claim from the openings */
    bb31x4 lagr[1 << ZC_MAX_L], eqs[1 << ZC_MAX_L], eq_ns[64], eq_sh[64], lsum = bb31x4_zero();
    swirl_evals_eq_hypercube(eqs, xi, l);
    eq_ns[0] = swirl_eval_eq_uni(l, xi[0], r0);
    eq_sh[0] = bb31x4_zero();
    for (size_t j = 0; j < N; j++) {
        lagr[j] = swirl_eval_eq_uni(l, r0, E(bb31_pow(omega, j)));
        lsum = bb31x4_add(lsum, lagr[j]);
        eq_sh[0] = bb31x4_add(eq_sh[0], bb31x4_mul(lagr[j], eqs[j]));
    }
    for (size_t k = 1; k <= n_max; k++) {
        bb31x4 em = swirl_eval_eq_mle(&xi[l + k - 1], &r_out[k], 1);
        eq_ns[k] = bb31x4_mul(eq_ns[k - 1], em);
        eq_sh[k] = bb31x4_mul(eq_sh[k - 1], em);
    }
    bb31x4 expect = bb31x4_zero();
    size_t off = 0;
    for (size_t ti = 0; ti < n; ti++) {
        tr *tt = &T[ti];
        size_t step = tt->rot ? 2 : 1, nparts = tt->nv / step;
        bb31x4 *cols[2 * ZC_MAX_PARTS];
        size_t used = 0, o = off;
        for (size_t v = 0; v < tt->nv; v++) {
            cols[v] = colbuf + used;
            used += tt->v[v].width;
        }
        for (size_t k = 0; k < nparts; k++) {
            size_t part = k == 0 ? nparts - 1 : k - 1;
            for (size_t c = 0; c < tt->v[part * step].width; c++)
                for (size_t s = 0; s < step; s++)
                    cols[part * step + s][c] = proof->openings[o++];
        }
        off = o;
        /* selectors at (r0, r_1..r_n) */
        bb31x4 first = bb31x4_zero(), last = bb31x4_zero();
        if (tt->h >= N) {
            first = lagr[0];
            last = lagr[N - 1];
            for (size_t k = 1; k <= tt->n_lift; k++) {
                first = bb31x4_mul(first, bb31x4_sub(bb31x4_one(), r_out[k]));
                last = bb31x4_mul(last, r_out[k]);
            }
        } else {
            for (size_t j = 0; j < N; j++) {
                if (j % tt->h == 0)
                    first = bb31x4_add(first, lagr[j]);
                if (j % tt->h == tt->h - 1)
                    last = bb31x4_add(last, lagr[j]);
            }
        }
        bb31x4 sels[3] = {first, bb31x4_sub(lsum, last), last};
        eval_prog_ext(nodes, tt, sels, cols);
        bb31x4 lift = bb31x4_one();
        for (size_t k = tt->n_lift + 1; k <= n_max; k++)
            lift = bb31x4_mul(lift, r_out[k]);
        bb31x4 z = bb31x4_mul(bb31x4_mul(mp[2 * n + ti], eq_ns[tt->n_lift]),
                              acc_constraints(tt, nodes, lam_pows));
        if (tt->air->n_interactions) {
            bb31x4 nn, dd;
            acc_interactions(&nn, &dd, tt, nodes, bp);
            bb31x4 lu = bb31x4_add(bb31x4_mul(mp[2 * ti], bb31x4_mul_base(nn, tt->norm)),
                                   bb31x4_mul(mp[2 * ti + 1], dd));
            z = bb31x4_add(z, bb31x4_mul(eq_sh[tt->n_lift], lu));
        }
        expect = bb31x4_add(expect, bb31x4_mul(lift, z));
    }
    if (!bb31x4_eq(expect, prev))
        REJECT("batch constraint sumcheck: final claim does not match the opened values");
vdone:
done:
    free_trs(T, n);
    free(inst);
    free(nodes);
    free(mp);
    free(colbuf);
    return st;
}
