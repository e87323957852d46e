/*
 * The CPU constraint-evaluation slots of the device table (device/ops.h): constraint_round0 (the
 * batch constraint sumcheck's round 0 on the cosets of the skip domain: columns interpolated, the
 * constraint program run in the base field, 16 points at a time with AVX-512, LogUp numerator and
 * denominator by the same program) and constraint_round (a multilinear round on the folded tables),
 * and the program's extension-field evaluation the verifier shares (constraint_trace.h).
 */
#include "util/alloc.h"
#include "device/constraint_trace.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "air/program.h"
#include "util/common.h"
#include "util/settings.h"

#define ZC_MAX_L SWIRL_ZC_MAX_L
#define ZC_MAX_COS SWIRL_ZC_MAX_COS
#define ZC_MAX_PARTS SWIRL_ZC_MAX_PARTS

typedef swirl_zc_trace tr;

static bb31x4 E(bb31 a) {
    return bb31x4_from_base(a);
}

size_t swirl_zc_view_of(const tr *t, uint8_t entry, uint32_t part, uint8_t off) {
    size_t step = t->rot ? 2 : 1;
    if (entry == SWIRL_ENTRY_PREPROCESSED)
        return off;
    size_t base = t->has_prep ? step : 0;
    return base + part * step + off;
}

/* The constraint program on one point from row parts: sels[3] (first, transition, last) and
 * per-view column values; V holds the program's n_vals values (outputs at its output indices). */
void swirl_zc_eval_ext(bb31x4 *V, const tr *t, const bb31x4 *sels, bb31x4 *const *cols) {
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
                    : cols[swirl_zc_view_of(t, v->entry, v->part, v->offset)][v->index];
    }
    SWIRL_PROG_RUN(p, V, bb31x4_add, bb31x4_sub, bb31x4_mul, bb31x4_neg);
}

bb31x4 swirl_zc_acc_constraints(const tr *t, const bb31x4 *nodes, const bb31x4 *lp) {
    bb31x4 acc = bb31x4_zero();
    for (size_t k = 0; k < t->air->n_constraints; k++)
        acc = bb31x4_add(acc, bb31x4_mul(lp[k], nodes[t->air->program->constraint_val[k]]));
    return acc;
}

void swirl_zc_acc_interactions(bb31x4 *num, bb31x4 *den, const tr *t, const bb31x4 *nodes,
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
                    : colvals[(swirl_zc_view_of(t, v->entry, v->part, v->offset) * max_w + v->index) * np +
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
                                         (swirl_zc_view_of(tt, v->entry, v->part, v->offset) * max_w +
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
    bb31x4 *part = swirl_calloc((size_t)nthreads * 3 * P, sizeof *part);
    bb31 zfinv[ZC_MAX_COS << ZC_MAX_L];
    if (!part)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    for (size_t pp = 0; pp < np; pp++)
        zfinv[pp] = bb31_inv(bb31_sub(bb31_pow(pts[pp], N), bb31_one()));
    int failed = 0;
#if defined(__x86_64__)
    /* 16 points per vector: AIRs without interactions, cosets of at least 16 points */
    int vec = zc_avx512_enabled() && nlu == 0 && N % 16 == 0;
    /* lagT[j * np + p] = lag[p * N + j] */
    bb31 *lagT = vec ? swirl_malloc(N * np * sizeof *lagT) : NULL;
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
        bb31 *nodes = swirl_malloc(max_nodes * sizeof *nodes);
        bb31 *colvals = swirl_malloc(max_nv * max_w * np * sizeof *colvals);
#if defined(__x86_64__)
        __m512i *vnodes = vec ? swirl_aligned_alloc(64, max_nodes * 64) : NULL;
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
    SWIRL_ARG_CHECK(tt->nv <= 2 * ZC_MAX_PARTS);
    bb31x4 *az = out, *an = out + G, *ad = out + 2 * G;
    size_t max_nodes = tt->air->program->n_vals > 0 ? tt->air->program->n_vals : 1;
    size_t max_nv = tt->nv > 0 ? tt->nv : 1, max_w = trace_max_width(tt);
    int nthreads = omp_get_max_threads();
    if ((size_t)nthreads > ny)
        nthreads = (int)ny;
    bb31x4 *part = swirl_calloc((size_t)nthreads * 3 * G, sizeof *part);
    if (!part)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    size_t H = tt->cur_h;
    int failed = 0;
#pragma omp parallel num_threads(nthreads)
    {
        int tid = omp_get_thread_num();
        bb31x4 *nodes = swirl_malloc(max_nodes * sizeof *nodes);
        bb31x4 *rowbuf = swirl_malloc(max_nv * max_w * sizeof *rowbuf);
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
                    swirl_zc_eval_ext(nodes, tt, sels, cols);
                    pz[xv - 1] = bb31x4_add(
                        pz[xv - 1], bb31x4_mul(eqy[y], swirl_zc_acc_constraints(tt, nodes, lam_pows)));
                    if (tt->air->n_interactions) {
                        bb31x4 nn, dd;
                        swirl_zc_acc_interactions(&nn, &dd, tt, nodes, bp);
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
