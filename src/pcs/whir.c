/* WHIR opening proof: prover, verifier, opening oracle (see whir.h).
 *
 * Prover data flow (OpenVM v2.0.1 prover/whir.rs prove_whir_opening; the CPU backend's
 * cpu-backend/src/whir.rs names the spans):
 *   whir_f_evals_batch   the μ-combination of all stacked columns, taken in the evaluation
 *                        domain: four base-field planes P_c[i] = sum_j (μ^j)_c col_j[i];
 *   whir_mle_conversion  eval_to_coeff_rs_message and the monomial-to-hypercube transform applied
 *                        to each plane. Both maps are F-linear, so this equals OpenVM's
 *                        per-column conversion followed by the μ-sum (4 transforms instead of
 *                        one per column);
 *   whir_sumcheck        k rounds of s(1), s(2), folding PoW, α, fold (ping-pong buffers);
 *   whir_dft_merkle      RS encoding of the folded polynomial and its Merkle tree;
 *   whir_pow             the μ and query-phase grinding;
 *   whir_w_evals_accum   ŵ += γ eq(pow(z0), ·) + Σ γ^(i+2) eq(pow(z_i), ·).
 * Every loop that runs on several threads either writes disjoint outputs or adds exact field
 * values (any order gives the same element), so the proof bytes do not depend on the thread
 * count. */
#include "util/alloc.h"
#include "pcs/whir.h"
#include "pcs/whir_config.h"

#include <stdlib.h>
#include <string.h>

#include "hash/merkle.h"
#include "poly/ntt.h"
#include "poly/poly_common.h"
#include "util/span.h"
#include "util/test_hooks.h"

void swirl_whir_proof_clear(swirl_whir_proof *p) {
    if (!p)
        return;
    free(p->sumcheck_polys);
    free(p->codeword_commits);
    free(p->ood_values);
    free(p->folding_pow_witnesses);
    free(p->query_pow_witnesses);
    free(p->widths);
    free(p->initial_rows);
    free(p->initial_paths);
    free(p->codeword_values);
    free(p->codeword_paths);
    free(p->final_poly);
    memset(p, 0, sizeof *p);
}

/* lazy sums of Montgomery products: see bb31x4_lazy_cut (field/bb31_ext4.h) */
#define lazy_cut bb31x4_lazy_cut
#define lazy_reduce bb31x4_lazy_reduce

/* ---------------------------------------------------------------------------------------------
 * Multilinear tables */

/* out[b] = mobius_eq(u, b) on {0,1}^n: prod_i ((1 - 2u_i)(1 - b_i) + u_i b_i), bit i = coordinate
 * i (prover/poly.rs evals_mobius_eq_hypercube). The widening levels run on all threads. */
static void evals_mobius_eq(bb31x4 *out, const bb31x4 *u, size_t n) {
    out[0] = bb31x4_one();
    for (size_t i = 0; i < n; i++) {
        bb31x4_pre w0 = bb31x4_prepare(bb31x4_sub(bb31x4_one(), bb31x4_add(u[i], u[i])));
        bb31x4_pre w1 = bb31x4_prepare(u[i]);
        long long half = (long long)1 << i;
#pragma omp parallel for schedule(static) if (half >= 4096)
        for (long long k = 0; k < half; k++) {
            bb31x4 prev = out[k];
            out[half + k] = bb31x4_mul_pre(prev, &w1);
            out[k] = bb31x4_mul_pre(prev, &w0);
        }
    }
}

/* out[b] = eq(pow(z), b) = prod_i (z^(2^i) b_i + (1 - z^(2^i))(1 - b_i)), b < 2^n, base field */
static void evals_eq_pow_base(bb31 *out, bb31 z, size_t n) {
    out[0] = bb31_one();
    for (size_t i = 0; i < n; i++) {
        bb31 one_minus = bb31_sub(bb31_one(), z);
        size_t half = (size_t)1 << i;
        for (size_t k = 0; k < half; k++) {
            bb31 prev = out[k];
            out[half + k] = bb31_mul(prev, z);
            out[k] = bb31_mul(prev, one_minus);
        }
        z = bb31_square(z);
    }
}

/* the same over the extension field */
static void evals_eq_pow_ext(bb31x4 *out, bb31x4 z, size_t n) {
    out[0] = bb31x4_one();
    for (size_t i = 0; i < n; i++) {
        bb31x4_pre zp = bb31x4_prepare(z), om = bb31x4_prepare(bb31x4_sub(bb31x4_one(), z));
        size_t half = (size_t)1 << i;
        for (size_t k = 0; k < half; k++) {
            bb31x4 prev = out[k];
            out[half + k] = bb31x4_mul_pre(prev, &zp);
            out[k] = bb31x4_mul_pre(prev, &om);
        }
        z = bb31x4_mul_lazy(z, z);
    }
}

/* Monomial coefficients -> hypercube evaluations (a[i | 2^b] += a[i] for every bit b) of `nplanes`
 * contiguous planes of 2^m elements, after the per-chunk transform of the low l_skip bits that
 * eval_to_coeff_rs_message ends with. The low bits are done block by block (cache-resident), the
 * high bits one pass each; the additions commute, so the order of the bits does not matter. */
static void planes_coeffs_to_evals(bb31 *a, size_t nplanes, unsigned m, unsigned l_skip) {
    unsigned bl = m < 12 ? m : (l_skip > 12 ? l_skip : 12);
    size_t n = (size_t)1 << m, blk = (size_t)1 << bl, chunk = (size_t)1 << l_skip;
    long long nblk = (long long)(nplanes * (n / blk));
#pragma omp parallel for schedule(static)
    for (long long b = 0; b < nblk; b++) {
        bb31 *x = a + (size_t)b * blk;
        for (size_t c = 0; c < blk; c += chunk)
            swirl_mle_coeffs_to_evals(x + c, chunk);
        swirl_mle_coeffs_to_evals(x, blk);
    }
    for (unsigned bit = bl; bit < m; bit++) {
        size_t s = (size_t)1 << bit;
        long long pairs = (long long)(nplanes * (n / 2));
#pragma omp parallel for schedule(static)
        for (long long t = 0; t < pairs; t++) {
            size_t tt = (size_t)t, pl = tt / (n / 2), r = tt % (n / 2);
            size_t i = pl * n + ((r >> bit) << (bit + 1)) + (r & (s - 1));
            a[i + s] = bb31_add(a[i + s], a[i]);
        }
    }
}

/* planes[c * n + i] = sum_j (mu_j)_c col_j[i] over all stacked columns of all commits. Raw products
 * are summed two columns at a time between conditional subtractions (see lazy_cut). */
#define BATCH_BLOCK 512
static void batch_columns(bb31 *planes, const bb31 *const *cols, const bb31x4 *mu, size_t ncols,
                          size_t n) {
    size_t blk = n < BATCH_BLOCK ? n : BATCH_BLOCK;
    long long nblk = (long long)(n / blk);
#pragma omp parallel for schedule(static)
    for (long long b = 0; b < nblk; b++) {
        uint64_t acc[4][BATCH_BLOCK];
        size_t off = (size_t)b * blk;
        memset(acc, 0, sizeof acc);
        for (size_t j = 0; j < ncols; j += 2) {
            const bb31 *x = cols[j] + off;
            const bb31 *y = j + 1 < ncols ? cols[j + 1] + off : NULL;
            for (int c = 0; c < 4; c++) {
                uint64_t mx = mu[j].c[c].v, my = y ? mu[j + 1].c[c].v : 0;
                uint64_t *ac = acc[c];
                if (y) {
                    for (size_t i = 0; i < blk; i++)
                        ac[i] = lazy_cut(ac[i] + mx * x[i].v + my * y[i].v);
                } else {
                    for (size_t i = 0; i < blk; i++)
                        ac[i] = lazy_cut(ac[i] + mx * x[i].v);
                }
            }
        }
        for (int c = 0; c < 4; c++)
            for (size_t i = 0; i < blk; i++)
                planes[(size_t)c * n + off + i].v = bb31_monty_reduce(acc[c][i]);
    }
}

/* f[i] = (P_0[i], .., P_3[i]) */
static void planes_to_ext(bb31x4 *f, const bb31 *planes, size_t n) {
#pragma omp parallel for schedule(static) if (n >= 4096)
    for (long long i = 0; i < (long long)n; i++)
        for (int c = 0; c < 4; c++)
            f[i].c[c] = planes[(size_t)c * n + (size_t)i];
}

/* the μ-batched MLE evaluations: f = sum_j μ^j mle(col_j), `planes` is 4n scratch */
static enum swirl_status batched_mle(bb31x4 *f, bb31 *planes,
                                     const swirl_stacked_pcs_data *const *commits, size_t n_commits,
                                     const bb31x4 *mu_pows, size_t total_width, unsigned m,
                                     unsigned l_skip) {
    size_t n = (size_t)1 << m;
    const bb31 **cols = swirl_malloc((total_width + 1) * sizeof *cols);
    if (!cols)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "WHIR: out of memory");
    /* the stacked columns in host memory (for device data: the PCS data's counted fallback) */
    for (size_t c = 0, j = 0; c < n_commits; c++) {
        const bb31 *mat = NULL;
        enum swirl_status hs = swirl_stacked_pcs_host_matrix(commits[c], &mat);
        if (hs != SWIRL_OK) {
            free(cols);
            return hs;
        }
        for (size_t col = 0; col < swirl_stacked_pcs_layout(commits[c])->width; col++)
            cols[j++] = mat + col * n;
    }
    swirl_span_begin("whir_f_evals_batch");
    batch_columns(planes, cols, mu_pows, total_width, n);
    swirl_span_end();
    free(cols);
    swirl_span_begin("whir_mle_conversion");
    enum swirl_status st = SWIRL_OK;
    if (l_skip > 0)
        st = l_skip <= 12 ? swirl_ntt_inverse_chunks(planes, l_skip, (4 * n) >> l_skip)
                          : swirl_ntt_inverse(planes, l_skip, (4 * n) >> l_skip,
                                              (size_t)1 << l_skip, bb31_one(), SWIRL_NTT_NONE);
    if (st == SWIRL_OK) {
        planes_coeffs_to_evals(planes, 4, m, l_skip);
        planes_to_ext(f, planes, n);
    }
    swirl_span_end();
    return st;
}

/* the MLE evaluations WHIR works with for one stacked column (length 2^m), one column at a time:
 * the reference the batched path is the linear image of */
static enum swirl_status column_mle(bb31 *out, const bb31 *col, unsigned m, unsigned l_skip) {
    memcpy(out, col, ((size_t)1 << m) * sizeof *out);
    SWIRL_TRY(swirl_eval_to_coeff_rs_message(out, m, l_skip));
    swirl_mle_coeffs_to_evals(out, (size_t)1 << m);
    return SWIRL_OK;
}

bb31x4 swirl_whir_opening_oracle(const swirl_stacked_pcs_data *d, size_t col, unsigned l_skip,
                                 const bb31x4 *u_cube) {
    unsigned m = (unsigned)swirl_log2_exact(swirl_stacked_pcs_layout(d)->height);
    size_t n = (size_t)1 << m;
    const bb31 *matrix = NULL;
    bb31 *mle = swirl_malloc(n * sizeof *mle);
    bb31x4 *w = swirl_malloc(n * sizeof *w);
    bb31x4 acc = bb31x4_zero();
    if (mle && w && swirl_stacked_pcs_host_matrix(d, &matrix) == SWIRL_OK &&
        column_mle(mle, matrix + col * n, m, l_skip) == SWIRL_OK) {
        evals_mobius_eq(w, u_cube, m);
        for (size_t i = 0; i < n; i++)
            acc = bb31x4_add(acc, bb31x4_mul_base(w[i], mle[i]));
    }
    free(mle);
    free(w);
    return acc;
}

/* The sumcheck round and the fold are the device table's whir_sumcheck / whir_fold
 * (device/cpu/whir.c on the CPU). */

/* ---------------------------------------------------------------------------------------------
 * ŵ update: w[x] += c0 eq(pow(z0), x) + sum_i c_i eq(pow(z_i), x), x in {0,1}^dim, z0 in the
 * extension, the z_i in the base field (prover/whir.rs w_evals_accumulate). x splits into its low
 * `lo` bits and the rest: eq = eq_lo(x_lo) eq_hi(x_hi), tables built once per point. For each
 * block of fixed x_hi the query terms c_i eq_hi_i(x_hi) eq_lo_i(x_lo) are summed as raw products
 * (two between conditional subtractions) and reduced once. */
#define ACC_LO_MAX 9
static enum swirl_status w_accumulate(bb31x4 *w, size_t dim, bb31x4 z0, bb31x4 c0, int with_z0,
                                      const bb31 *zs, const bb31x4 *cs, size_t nq) {
    size_t lo = dim < ACC_LO_MAX ? dim : ACC_LO_MAX, hi = dim - lo;
    size_t nlo = (size_t)1 << lo, nhi = (size_t)1 << hi;
    bb31 *elo = swirl_malloc((nq * nlo + 1) * sizeof *elo);
    bb31 *ehi = swirl_malloc((nq * nhi + 1) * sizeof *ehi);
    bb31x4 *xlo = swirl_malloc(nlo * sizeof *xlo), *xhi = swirl_malloc(nhi * sizeof *xhi);
    if (!elo || !ehi || !xlo || !xhi) {
        free(elo);
        free(ehi);
        free(xlo);
        free(xhi);
        return SWIRL_RAISE(SWIRL_E_NOMEM, "WHIR: out of memory");
    }
#pragma omp parallel for schedule(static) if (nq >= 8)
    for (long long i = 0; i < (long long)nq; i++) {
        bb31 z = zs[i];
        evals_eq_pow_base(elo + (size_t)i * nlo, z, lo);
        for (size_t j = 0; j < lo; j++)
            z = bb31_square(z);
        evals_eq_pow_base(ehi + (size_t)i * nhi, z, hi);
    }
    if (with_z0) {
        bb31x4 z = z0;
        evals_eq_pow_ext(xlo, z, lo);
        for (size_t j = 0; j < lo; j++)
            z = bb31x4_mul_lazy(z, z);
        evals_eq_pow_ext(xhi, z, hi);
    }
#pragma omp parallel for schedule(static)
    for (long long hb = 0; hb < (long long)nhi; hb++) {
        uint64_t acc[4][1 << ACC_LO_MAX];
        bb31x4 *wb = w + (size_t)hb * nlo;
        memset(acc, 0, sizeof acc);
        for (size_t i = 0; i < nq; i += 2) {
            size_t i2 = i + 1 < nq ? i + 1 : i;
            bb31x4 ca = bb31x4_mul_base(cs[i], ehi[i * nhi + (size_t)hb]);
            bb31x4 cb =
                i2 != i ? bb31x4_mul_base(cs[i2], ehi[i2 * nhi + (size_t)hb]) : bb31x4_zero();
            const bb31 *ea = elo + i * nlo, *eb = elo + i2 * nlo;
            for (int c = 0; c < 4; c++) {
                uint64_t ka = ca.c[c].v, kb = cb.c[c].v;
                uint64_t *ac = acc[c];
                for (size_t x = 0; x < nlo; x++)
                    ac[x] = lazy_cut(ac[x] + ka * ea[x].v + kb * eb[x].v);
            }
        }
        for (size_t x = 0; x < nlo; x++) {
            bb31x4 v = wb[x];
            for (int c = 0; c < 4; c++)
                v.c[c] = bb31_add(v.c[c], (bb31){bb31_monty_reduce(acc[c][x])});
            wb[x] = v;
        }
        if (with_z0) {
            bb31x4_pre k = bb31x4_prepare(bb31x4_mul_lazy(c0, xhi[hb]));
            for (size_t x = 0; x < nlo; x++)
                wb[x] = bb31x4_add(wb[x], bb31x4_mul_pre(xlo[x], &k));
        }
    }
    free(elo);
    free(ehi);
    free(xlo);
    free(xhi);
    return SWIRL_OK;
}

/* ---------------------------------------------------------------------------------------------
 * RS encoding of the folded polynomial: its 2^dim coefficients, zero-padded to 2^log_n, evaluated
 * on the subgroup of order 2^log_n (natural order), component by component */
static enum swirl_status encode_ext(bb31x4 *out, const bb31x4 *coeffs, size_t len, unsigned log_n) {
    size_t n = (size_t)1 << log_n;
    bb31 *tmp = swirl_malloc(4 * n * sizeof *tmp);
    if (!tmp)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "WHIR: out of memory");
#pragma omp parallel for schedule(static) if (n >= 4096)
    for (long long i = 0; i < (long long)n; i++)
        for (int c = 0; c < 4; c++)
            tmp[(size_t)c * n + (size_t)i] = (size_t)i < len ? coeffs[i].c[c] : bb31_zero();
    enum swirl_status st = swirl_ntt_forward(tmp, log_n, 4, n, bb31_one(), SWIRL_NTT_NONE);
    if (st == SWIRL_OK)
        planes_to_ext(out, tmp, n);
    free(tmp);
    return st;
}

/* shape of the proof arrays from the configuration */
typedef struct whir_shape {
    size_t m, k, R, log_blowup, final_len;
    size_t q[SWIRL_WHIR_MAX_ROUNDS], depth[SWIRL_WHIR_MAX_ROUNDS];
    size_t cw_val_off[SWIRL_WHIR_MAX_ROUNDS], cw_path_off[SWIRL_WHIR_MAX_ROUNDS];
    size_t cw_vals, cw_paths;
} whir_shape;

static enum swirl_status whir_shape_of(whir_shape *s, const swirl_system_params *p) {
    memset(s, 0, sizeof *s);
    swirl_whir_plan plan;
    SWIRL_TRY(swirl_whir_plan_init(&plan, p));
    s->m = plan.m;
    s->k = plan.k;
    s->R = plan.num_rounds;
    s->log_blowup = p->log_blowup;
    s->final_len = plan.final_poly_len;
    for (size_t r = 0; r < s->R; r++) {
        s->q[r] = plan.rounds[r].num_queries;
        s->depth[r] = plan.rounds[r].log_query_domain;
        if (r >= 1) {
            s->cw_val_off[r] = s->cw_vals;
            s->cw_path_off[r] = s->cw_paths;
            s->cw_vals += s->q[r] << s->k;
            s->cw_paths += s->q[r] * s->depth[r];
        }
    }
    return SWIRL_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Prover */

typedef struct whir_bufs {
    bb31x4 *f, *w, *half; /* half: 2 x n/2 ping-pong targets of the folds, first the 4n planes */
    bb31x4 *mu_pows, *g, *g_rs, *prev_rs, *cs;
    bb31 *zs;
    uint32_t *idx;
    /* the Merkle trees of the previous round's codeword (rs_cw: prev_rs or, in the last round,
     * g_rs) and of this round's (g_rs): their shapes and digest layers, written by the
     * merkle_tree slot */
    swirl_merkle_plan rs_plan, g_plan;
    swirl_digest *rs_layers, *g_layers;
    const bb31x4 *rs_cw;
} whir_bufs;

static enum swirl_status proof_alloc(swirl_whir_proof *proof, const whir_shape *sh,
                                     const swirl_stacked_pcs_data *const *commits,
                                     size_t n_commits) {
    size_t R = sh->R, k = sh->k, q0 = sh->q[0], rows0 = 0;
    for (size_t c = 0; c < n_commits; c++)
        rows0 += (q0 << k) * swirl_stacked_pcs_layout(commits[c])->width;
    proof->n_sumcheck = R * k;
    proof->sumcheck_polys = swirl_malloc((R * k + 1) * sizeof *proof->sumcheck_polys);
    proof->folding_pow_witnesses = swirl_malloc((R * k + 1) * sizeof(bb31));
    proof->query_pow_witnesses = swirl_malloc((R + 1) * sizeof(bb31));
    proof->n_rounds = R;
    proof->n_codeword = R - 1;
    proof->codeword_commits = swirl_malloc(R * sizeof(swirl_digest));
    proof->ood_values = swirl_malloc(R * sizeof(bb31x4));
    proof->n_commits = n_commits;
    proof->widths = swirl_malloc(n_commits * sizeof(size_t));
    proof->initial_rows = swirl_malloc((rows0 + 1) * sizeof(bb31));
    proof->initial_paths = swirl_malloc((n_commits * q0 * sh->depth[0] + 1) * sizeof(swirl_digest));
    proof->codeword_values = swirl_malloc((sh->cw_vals + 1) * sizeof(bb31x4));
    proof->codeword_paths = swirl_malloc((sh->cw_paths + 1) * sizeof(swirl_digest));
    proof->n_final = sh->final_len;
    proof->final_poly = swirl_malloc(sh->final_len * sizeof(bb31x4));
    if (!proof->sumcheck_polys || !proof->folding_pow_witnesses || !proof->query_pow_witnesses ||
        !proof->codeword_commits || !proof->ood_values || !proof->widths || !proof->initial_rows ||
        !proof->initial_paths || !proof->codeword_values || !proof->codeword_paths ||
        !proof->final_poly)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "WHIR: out of memory for the proof");
    for (size_t c = 0; c < n_commits; c++)
        proof->widths[c] = swirl_stacked_pcs_layout(commits[c])->width;
    return SWIRL_OK;
}

/* the query openings of round r (r = 0: every stacked commitment, through its owner's open_rows
 * slot; later: the previous codeword, whose tree the prover keeps in host memory) */
static enum swirl_status open_queries(swirl_whir_proof *proof, const whir_shape *sh, size_t r,
                                      const swirl_stacked_pcs_data *const *commits,
                                      size_t n_commits, const whir_bufs *b, const uint32_t *idx) {
    size_t k = sh->k, q0 = sh->q[0];
    if (r == 0) {
        size_t row_off = 0;
        for (size_t c = 0; c < n_commits; c++) {
            size_t per = ((size_t)1 << k) * swirl_stacked_pcs_layout(commits[c])->width;
            SWIRL_TRY(swirl_stacked_pcs_open_rows(commits[c], idx, q0,
                                                  proof->initial_rows + row_off,
                                                  proof->initial_paths + c * q0 * sh->depth[0]));
            row_off += q0 * per;
        }
        return SWIRL_OK;
    }
    for (size_t qi = 0; qi < sh->q[r]; qi++) {
        bb31x4 *vals = proof->codeword_values + sh->cw_val_off[r] + (qi << k);
        SWIRL_TRY(swirl_merkle_open_host(
            &b->rs_plan, b->rs_layers, (const bb31 *)b->rs_cw, idx[qi], (bb31 *)vals,
            proof->codeword_paths + sh->cw_path_off[r] + qi * sh->depth[r]));
    }
    return SWIRL_OK;
}

static enum swirl_status grind(swirl_transcript *t, bb31 *witness, size_t bits) {
    swirl_span_begin("whir_pow");
    enum swirl_status st = swirl_transcript_grind(t, witness, (unsigned)bits);
    swirl_span_end();
    return st;
}

static enum swirl_status whir_prove_rounds(const swirl_backend_ops *ops, swirl_whir_proof *proof,
                                           whir_bufs *b, swirl_transcript *t,
                                           const swirl_system_params *params, const whir_shape *sh,
                                           const swirl_stacked_pcs_data *const *commits,
                                           size_t n_commits, size_t total_width,
                                           const bb31x4 *u_cube) {
    size_t m = sh->m, k = sh->k, R = sh->R, n = (size_t)1 << m;
    SWIRL_TRY(grind(t, &proof->mu_pow_witness, params->whir.mu_pow_bits));
    bb31x4 mu = swirl_transcript_sample_ext(t);
    b->mu_pows[0] = bb31x4_one();
    for (size_t i = 1; i < total_width; i++)
        b->mu_pows[i] = bb31x4_mul_lazy(b->mu_pows[i - 1], mu);
    SWIRL_TRY(batched_mle(b->f, (bb31 *)b->half, commits, n_commits, b->mu_pows, total_width,
                          (unsigned)m, (unsigned)params->l_skip));
    evals_mobius_eq(b->w, u_cube, m);
    bb31x4 *f = b->f, *w = b->w, *fo = b->half, *wo = b->half + n / 2;
    size_t len = n, log_rs = m + sh->log_blowup, sc = 0;
    for (size_t r = 0; r < R; r++) {
        int last = r == R - 1;
        enum swirl_status st = SWIRL_OK;
        swirl_span_begin("whir_sumcheck");
        for (size_t round = 0; round < k && st == SWIRL_OK; round++, sc++) {
            bb31x4 s[2];
            st = ops->whir_sumcheck(ops, s, f, w, len);
            if (st != SWIRL_OK)
                break;
            if (sc == 0 && SWIRL_TEST_HOOK(whir_forge_sumcheck))
                s[0] = bb31x4_add(s[0], bb31x4_one());
            swirl_transcript_observe_ext(t, s[0]);
            swirl_transcript_observe_ext(t, s[1]);
            proof->sumcheck_polys[sc][0] = s[0];
            proof->sumcheck_polys[sc][1] = s[1];
            st = swirl_transcript_grind(t, &proof->folding_pow_witnesses[sc],
                                        (unsigned)params->whir.folding_pow_bits);
            if (st != SWIRL_OK)
                break;
            bb31x4 alpha = swirl_transcript_sample_ext(t);
            st = ops->whir_fold(ops, fo, wo, f, w, len, alpha);
            if (st != SWIRL_OK)
                break;
            bb31x4 *tf = f, *tw = w;
            f = fo, w = wo, fo = tf, wo = tw;
            len /= 2;
        }
        swirl_span_end();
        SWIRL_TRY(st);
        /* g: the folded MLE's coefficients */
        memcpy(b->g, f, len * sizeof *b->g);
        swirl_mle_evals_to_coeffs_ext(b->g, len);
        bb31x4 z0 = bb31x4_zero();
        if (!last) {
            size_t cw_len = (size_t)1 << (log_rs - 1);
            free(b->prev_rs);
            b->prev_rs = b->g_rs; /* still opened (rs_cw) until the queries below */
            b->g_rs = swirl_malloc(cw_len * sizeof *b->g_rs);
            if (!b->g_rs)
                return SWIRL_RAISE(SWIRL_E_NOMEM, "WHIR: out of memory");
            SWIRL_TRY(swirl_merkle_plan_init(&b->g_plan, cw_len, 1, 4, (size_t)1 << k));
            free(b->g_layers);
            b->g_layers = swirl_malloc(swirl_merkle_plan_bytes(&b->g_plan));
            if (!b->g_layers)
                return SWIRL_RAISE(SWIRL_E_NOMEM, "WHIR: out of memory for a codeword tree");
            swirl_span_begin("whir_dft_merkle");
            st = encode_ext(b->g_rs, b->g, len, (unsigned)(log_rs - 1));
            if (st == SWIRL_OK)
                st = ops->merkle_tree(
                    ops, &b->g_plan,
                    swirl_buf_host(b->g_layers, swirl_merkle_plan_bytes(&b->g_plan)),
                    swirl_buf_host_const(b->g_rs, cw_len * sizeof *b->g_rs));
            swirl_span_end();
            SWIRL_TRY(st);
            swirl_digest root = b->g_layers[b->g_plan.layer_off[b->g_plan.num_layers - 1]];
            swirl_transcript_observe_digest(t, &root);
            proof->codeword_commits[r] = root;
            z0 = swirl_transcript_sample_ext(t);
            bb31x4 y0 = swirl_horner_eval(b->g, len, z0);
            swirl_transcript_observe_ext(t, y0);
            proof->ood_values[r] = y0;
        } else {
            for (size_t i = 0; i < len; i++) {
                swirl_transcript_observe_ext(t, b->g[i]);
                proof->final_poly[i] = b->g[i];
            }
        }
        bb31 omega;
        SWIRL_TRY(bb31_two_adic_generator(&omega, (unsigned)(log_rs - k)));
        SWIRL_TRY(grind(t, &proof->query_pow_witnesses[r], params->whir.query_phase_pow_bits));
        size_t nq = sh->q[r];
        for (size_t qi = 0; qi < nq; qi++)
            b->idx[qi] = swirl_transcript_sample_bits(t, (unsigned)(log_rs - k));
        SWIRL_TRY(open_queries(proof, sh, r, commits, n_commits, b, b->idx));
        /* this round's tree is the next round's to open */
        free(b->rs_layers);
        b->rs_layers = b->g_layers;
        b->rs_plan = b->g_plan;
        b->rs_cw = b->g_rs; /* kept alive as prev_rs next round, or as g_rs in the last */
        b->g_layers = NULL;
        bb31x4 gamma = swirl_transcript_sample_ext(t);
        if (!last) {
            bb31x4 gp = bb31x4_mul_lazy(gamma, gamma);
            for (size_t qi = 0; qi < nq; qi++) {
                b->zs[qi] = bb31_pow(omega, b->idx[qi]);
                b->cs[qi] = gp;
                gp = bb31x4_mul_lazy(gp, gamma);
            }
            swirl_span_begin("whir_w_evals_accum");
            st = w_accumulate(w, swirl_log2_exact(len), z0, gamma, 1, b->zs, b->cs, nq);
            swirl_span_end();
            SWIRL_TRY(st);
        }
        log_rs -= 1;
    }
    return SWIRL_OK;
}

enum swirl_status swirl_whir_prove(const swirl_backend_ops *ops, swirl_whir_proof *proof,
                                      swirl_transcript *t, const swirl_system_params *params,
                                      const swirl_stacked_pcs_data *const *commits,
                                      size_t n_commits, const bb31x4 *u_cube) {
    ops = swirl_ops_or_cpu(ops);
    SWIRL_ARG_CHECK(proof != NULL && t != NULL && params != NULL && u_cube != NULL);
    memset(proof, 0, sizeof *proof);
    SWIRL_ARG_CHECK(commits != NULL && n_commits > 0);
    whir_shape sh;
    SWIRL_TRY(whir_shape_of(&sh, params));
    size_t n = (size_t)1 << sh.m, total_width = 0, max_q = 0;
    for (size_t c = 0; c < n_commits; c++) {
        SWIRL_ARG_CHECK(commits[c] != NULL);
        const swirl_stacked_layout *lay = swirl_stacked_pcs_layout(commits[c]);
        const swirl_merkle_plan *pl = swirl_stacked_pcs_plan(commits[c]);
        if (lay->height != n || swirl_stacked_pcs_cw_height(commits[c]) != (n << sh.log_blowup))
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "WHIR: commit %zu has the wrong height", c);
        if (lay->width == 0)
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "WHIR: commit %zu has no columns", c);
        if (pl->rows_per_query != ((size_t)1 << sh.k) || swirl_merkle_plan_depth(pl) != sh.depth[0])
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                               "WHIR: commit %zu's tree opens %zu rows per query, depth %zu "
                               "(expected %zu, %zu)", c, pl->rows_per_query,
                               swirl_merkle_plan_depth(pl), (size_t)1 << sh.k, sh.depth[0]);
        total_width += lay->width;
    }
    for (size_t r = 0; r < sh.R; r++)
        max_q = sh.q[r] > max_q ? sh.q[r] : max_q;
    swirl_span_begin("prover.openings.whir");
    whir_bufs b;
    memset(&b, 0, sizeof b);
    enum swirl_status st = proof_alloc(proof, &sh, commits, n_commits);
    if (st == SWIRL_OK) {
        b.f = swirl_malloc(n * sizeof *b.f);
        b.w = swirl_malloc(n * sizeof *b.w);
        b.half = swirl_malloc(n * sizeof *b.half); /* 16n bytes: the 4n base planes fit */
        b.mu_pows = swirl_malloc(total_width * sizeof *b.mu_pows);
        b.g = swirl_malloc((n >> sh.k) * sizeof *b.g);
        b.zs = swirl_malloc((max_q + 1) * sizeof *b.zs);
        b.cs = swirl_malloc((max_q + 1) * sizeof *b.cs);
        b.idx = swirl_malloc((max_q + 1) * sizeof *b.idx);
        if (!b.f || !b.w || !b.half || !b.mu_pows || !b.g || !b.zs || !b.cs || !b.idx)
            st = SWIRL_RAISE(SWIRL_E_NOMEM, "WHIR: out of memory");
    }
    if (st == SWIRL_OK)
        st = whir_prove_rounds(ops, proof, &b, t, params, &sh, commits, n_commits, total_width,
                               u_cube);
    swirl_span_end();
    free(b.rs_layers);
    free(b.g_layers);
    free(b.f);
    free(b.w);
    free(b.half);
    free(b.mu_pows);
    free(b.g);
    free(b.g_rs);
    free(b.prev_rs);
    free(b.cs);
    free(b.zs);
    free(b.idx);
    if (st != SWIRL_OK)
        swirl_whir_proof_clear(proof);
    return st;
}

/* ---------------------------------------------------------------------------------------------
 * Verifier */

/* binary_k_fold (verifier/whir.rs): folds the 2^k opened values of a query at alphas */
static bb31x4 binary_k_fold(bb31x4 *v, const bb31x4 *alphas, size_t k, bb31 x) {
    size_t n = (size_t)1 << k;
    bb31 wk;
    if (bb31_two_adic_generator(&wk, (unsigned)k) != SWIRL_OK)
        return bb31x4_zero();
    bb31 wk_inv = bb31_inv(wk), xp = x, xip = bb31_inv(x);
    for (size_t j = 0; j < k; j++) {
        size_t mm = n >> (j + 1);
        for (size_t i = 0; i < mm; i++) {
            bb31 tt = bb31_mul(bb31_pow(wk, i << j), xp);
            bb31 ti = bb31_mul(bb31_pow(wk_inv, i << j), xip);
            bb31x4 d = bb31x4_sub(v[i], v[i + mm]);
            v[i] = bb31x4_add(
                v[i], bb31x4_mul_base(bb31x4_mul(bb31x4_sub(alphas[j], bb31x4_from_base(tt)), d),
                                      bb31_halve(ti)));
        }
        xp = bb31_square(xp);
        xip = bb31_square(xip);
    }
    return v[0];
}

static bb31x4 eval_mobius_eq_mle(const bb31x4 *u, const bb31x4 *x, size_t n) {
    bb31x4 acc = bb31x4_one();
    for (size_t i = 0; i < n; i++) {
        bb31x4 w0 = bb31x4_sub(bb31x4_one(), bb31x4_add(u[i], u[i]));
        acc = bb31x4_mul(acc, bb31x4_add(bb31x4_mul(w0, bb31x4_sub(bb31x4_one(), x[i])),
                                         bb31x4_mul(u[i], x[i])));
    }
    return acc;
}

#define REJECT(...) SWIRL_RAISE(SWIRL_E_PROOF_REJECTED, __VA_ARGS__)

enum swirl_status swirl_whir_verify(swirl_transcript *t, const swirl_system_params *params,
                                    const swirl_whir_proof *proof, const bb31x4 *openings,
                                    const size_t *widths, const swirl_digest *roots,
                                    size_t n_commits, const bb31x4 *u) {
    SWIRL_ARG_CHECK(t != NULL && params != NULL && proof != NULL && u != NULL);
    SWIRL_ARG_CHECK(n_commits > 0 && widths != NULL && roots != NULL && openings != NULL);
    whir_shape sh;
    SWIRL_TRY(whir_shape_of(&sh, params));
    size_t k = sh.k, R = sh.R, m = sh.m;
    /* shape */
    if (proof->n_sumcheck != R * k || proof->n_rounds != R || proof->n_codeword != R - 1 ||
        proof->n_final != sh.final_len || proof->n_commits != n_commits || !proof->widths ||
        !proof->sumcheck_polys || !proof->final_poly || !proof->initial_rows ||
        !proof->initial_paths || !proof->folding_pow_witnesses || !proof->query_pow_witnesses)
        return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "WHIR proof has the wrong shape");
    size_t total_width = 0;
    for (size_t c = 0; c < n_commits; c++) {
        if (proof->widths[c] != widths[c])
            return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "WHIR proof: commit %zu width mismatch", c);
        total_width += widths[c];
    }
    if (!swirl_transcript_check_witness(t, (unsigned)params->whir.mu_pow_bits,
                                        proof->mu_pow_witness))
        return REJECT("WHIR: mu proof-of-work witness check failed");
    bb31x4 mu = swirl_transcript_sample_ext(t);
    bb31x4 claim = bb31x4_zero(), mp = bb31x4_one();
    bb31x4 *mu_pows = swirl_malloc((total_width + 1) * sizeof *mu_pows);
    bb31x4 *alphas = swirl_malloc((R * k + 1) * sizeof *alphas);
    bb31x4 *gammas = swirl_malloc((R + 1) * sizeof *gammas);
    bb31x4 *z0s = swirl_malloc((R + 1) * sizeof *z0s);
    size_t total_q = 0;
    for (size_t r = 0; r < R; r++)
        total_q += sh.q[r];
    bb31 *zs = swirl_malloc((total_q + 1) * sizeof *zs);
    bb31x4 *vals = swirl_malloc(((size_t)1 << k) * sizeof *vals);
    enum swirl_status st = SWIRL_OK;
    if (!mu_pows || !alphas || !gammas || !z0s || !zs || !vals) {
        st = SWIRL_RAISE(SWIRL_E_NOMEM, "WHIR verify: out of memory");
        goto out;
    }
    for (size_t i = 0; i < total_width; i++) {
        mu_pows[i] = mp;
        claim = bb31x4_add(claim, bb31x4_mul(mp, openings[i]));
        mp = bb31x4_mul(mp, mu);
    }
    size_t log_rs = m + sh.log_blowup, sc = 0, zq = 0;
    for (size_t r = 0; r < R && st == SWIRL_OK; r++) {
        int last = r == R - 1;
        for (size_t i = 0; i < k; i++, sc++) {
            bb31x4 e1 = proof->sumcheck_polys[sc][0], e2 = proof->sumcheck_polys[sc][1];
            swirl_transcript_observe_ext(t, e1);
            swirl_transcript_observe_ext(t, e2);
            if (!swirl_transcript_check_witness(t, (unsigned)params->whir.folding_pow_bits,
                                                proof->folding_pow_witnesses[sc])) {
                st = REJECT("WHIR: folding proof-of-work witness check failed");
                goto out;
            }
            alphas[sc] = swirl_transcript_sample_ext(t);
            bb31x4 ev[3] = {bb31x4_sub(claim, e1), e1, e2};
            claim = swirl_interpolate_quadratic_at_012(ev, alphas[sc]);
        }
        bb31x4 y0 = bb31x4_zero();
        if (last) {
            for (size_t i = 0; i < sh.final_len; i++)
                swirl_transcript_observe_ext(t, proof->final_poly[i]);
        } else {
            if (!proof->codeword_commits || !proof->ood_values) {
                st = SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "WHIR proof: missing codeword commits");
                goto out;
            }
            swirl_transcript_observe_digest(t, &proof->codeword_commits[r]);
            z0s[r] = swirl_transcript_sample_ext(t);
            y0 = proof->ood_values[r];
            swirl_transcript_observe_ext(t, y0);
        }
        if (!swirl_transcript_check_witness(t, (unsigned)params->whir.query_phase_pow_bits,
                                            proof->query_pow_witnesses[r])) {
            st = REJECT("WHIR: query proof-of-work witness check failed");
            goto out;
        }
        bb31 omega;
        st = bb31_two_adic_generator(&omega, (unsigned)log_rs);
        if (st != SWIRL_OK)
            goto out;
        size_t nq = sh.q[r], zq0 = zq;
        bb31x4 *ys = swirl_malloc((nq + 1) * sizeof *ys);
        if (!ys) {
            st = SWIRL_RAISE(SWIRL_E_NOMEM, "WHIR verify: out of memory");
            goto out;
        }
        for (size_t qi = 0; qi < nq && st == SWIRL_OK; qi++) {
            uint32_t index = swirl_transcript_sample_bits(t, (unsigned)(log_rs - k));
            bb31 zroot = bb31_pow(omega, index);
            zs[zq++] = bb31_pow(zroot, (uint64_t)1 << k);
            if (r == 0) {
                for (size_t j = 0; j < ((size_t)1 << k); j++)
                    vals[j] = bb31x4_zero();
                size_t row_off = 0, mu_i = 0;
                for (size_t c = 0; c < n_commits && st == SWIRL_OK; c++) {
                    size_t per = ((size_t)1 << k) * widths[c];
                    const bb31 *rows = proof->initial_rows + row_off + qi * per;
                    st = swirl_merkle_verify(
                        &roots[c], rows, (size_t)1 << k, widths[c], 1, index,
                        proof->initial_paths + (c * sh.q[0] + qi) * sh.depth[0], sh.depth[0]);
                    for (size_t col = 0; col < widths[c] && st == SWIRL_OK; col++, mu_i++)
                        for (size_t j = 0; j < ((size_t)1 << k); j++)
                            vals[j] = bb31x4_add(
                                vals[j], bb31x4_mul_base(mu_pows[mu_i], rows[j * widths[c] + col]));
                    row_off += sh.q[0] * per;
                }
            } else {
                if (!proof->codeword_values || !proof->codeword_paths) {
                    st = SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED,
                                     "WHIR proof: missing codeword openings");
                    break;
                }
                const bb31x4 *ov = proof->codeword_values + sh.cw_val_off[r] + (qi << k);
                st = swirl_merkle_verify(
                    &proof->codeword_commits[r - 1], (const bb31 *)ov, (size_t)1 << k, 1, 4, index,
                    proof->codeword_paths + sh.cw_path_off[r] + qi * sh.depth[r], sh.depth[r]);
                memcpy(vals, ov, ((size_t)1 << k) * sizeof *vals);
            }
            if (st == SWIRL_OK)
                ys[qi] = binary_k_fold(vals, alphas + r * k, k, zroot);
        }
        if (st != SWIRL_OK) {
            free(ys);
            if (st == SWIRL_E_PROOF_REJECTED)
                st = REJECT("WHIR: Merkle verification failed in round %zu", r);
            goto out;
        }
        bb31x4 gamma = swirl_transcript_sample_ext(t);
        gammas[r] = gamma;
        if (!last)
            claim = bb31x4_add(claim, bb31x4_mul(y0, gamma));
        bb31x4 gp = bb31x4_square(gamma);
        for (size_t qi = 0; qi < nq; qi++) {
            claim = bb31x4_add(claim, bb31x4_mul(ys[qi], gp));
            gp = bb31x4_mul_lazy(gp, gamma);
        }
        free(ys);
        (void)zq0;
        log_rs -= 1;
    }
    {
        /* final check */
        size_t T = k * R;
        bb31x4 prefix = eval_mobius_eq_mle(u, alphas, T);
        bb31x4 *fp = swirl_malloc(sh.final_len * sizeof *fp);
        if (!fp) {
            st = SWIRL_RAISE(SWIRL_E_NOMEM, "WHIR verify: out of memory");
            goto out;
        }
        memcpy(fp, proof->final_poly, sh.final_len * sizeof *fp);
        bb31x4 acc = bb31x4_mul(prefix, swirl_eval_mle_at_point(fp, u + T, m - T));
        free(fp);
        size_t j = k, zq2 = 0;
        for (size_t r = 0; r < R; r++) {
            size_t slc = (T - j) + 1;
            bb31x4 pw[64];
            if (r != R - 1) {
                bb31x4 z = z0s[r];
                for (size_t i = 0; i < slc; i++) {
                    pw[i] = z;
                    z = bb31x4_square(z);
                }
                acc = bb31x4_add(
                    acc,
                    bb31x4_mul(bb31x4_mul(gammas[r], swirl_eval_eq_mle(alphas + j, pw, slc - 1)),
                               swirl_horner_eval(proof->final_poly, sh.final_len, pw[slc - 1])));
            }
            bb31x4 gp = bb31x4_square(gammas[r]);
            for (size_t qi = 0; qi < sh.q[r]; qi++, zq2++) {
                bb31x4 z = bb31x4_from_base(zs[zq2]);
                for (size_t i = 0; i < slc; i++) {
                    pw[i] = z;
                    z = bb31x4_square(z);
                }
                acc = bb31x4_add(
                    acc,
                    bb31x4_mul(bb31x4_mul(gp, swirl_eval_eq_mle(alphas + j, pw, slc - 1)),
                               swirl_horner_eval(proof->final_poly, sh.final_len, pw[slc - 1])));
                gp = bb31x4_mul(gp, gammas[r]);
            }
            j += k;
        }
        if (!bb31x4_eq(acc, claim))
            st = REJECT("WHIR: final polynomial is not in the final constrained RS code");
    }
out:
    free(mu_pows);
    free(alphas);
    free(gammas);
    free(z0s);
    free(zs);
    free(vals);
    return st;
}
