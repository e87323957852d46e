/* WHIR opening proof: prover, verifier, opening oracle (see whir.h). */
#include "pcs/whir.h"

#include <stdlib.h>
#include <string.h>

#include "poly/ntt.h"
#include "poly/poly_common.h"
#include "util/span.h"

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

/* the MLE evaluations WHIR works with for one stacked column (length 2^m) */
static enum swirl_status column_mle(bb31 *out, const bb31 *col, unsigned m, unsigned l_skip) {
    memcpy(out, col, ((size_t)1 << m) * sizeof *out);
    SWIRL_TRY(swirl_eval_to_coeff_rs_message(out, m, l_skip));
    swirl_mle_coeffs_to_evals(out, (size_t)1 << m);
    return SWIRL_OK;
}

static void evals_mobius_eq(bb31x4 *out, const bb31x4 *u, size_t n) {
    out[0] = bb31x4_one();
    for (size_t i = 0; i < n; i++) {
        bb31x4 w0 = bb31x4_sub(bb31x4_one(), bb31x4_add(u[i], u[i])), w1 = u[i];
        size_t half = (size_t)1 << i;
        for (size_t k = 0; k < half; k++) {
            bb31x4 prev = out[k];
            out[half + k] = bb31x4_mul(prev, w1);
            out[k] = bb31x4_mul(prev, w0);
        }
    }
}

bb31x4 swirl_whir_opening_oracle(const swirl_stacked_pcs_data *d, size_t col, unsigned l_skip,
                                 const bb31x4 *u_cube) {
    unsigned m = (unsigned)swirl_log2_exact(d->layout.height);
    size_t n = (size_t)1 << m;
    bb31 *mle = malloc(n * sizeof *mle);
    bb31x4 *w = malloc(n * sizeof *w);
    bb31x4 acc = bb31x4_zero();
    if (mle && w && column_mle(mle, d->matrix + col * n, m, l_skip) == SWIRL_OK) {
        evals_mobius_eq(w, u_cube, m);
        for (size_t i = 0; i < n; i++)
            acc = bb31x4_add(acc, bb31x4_mul_base(w[i], mle[i]));
    }
    free(mle);
    free(w);
    return acc;
}

/* forward NTT (natural order) of an extension-field vector, component-wise */
static enum swirl_status ext_ntt(bb31x4 *v, unsigned log_n) {
    size_t n = (size_t)1 << log_n;
    bb31 *tmp = malloc(4 * n * sizeof *tmp);
    if (!tmp)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "WHIR: out of memory");
    for (size_t i = 0; i < n; i++)
        for (int c = 0; c < 4; c++)
            tmp[(size_t)c * n + i] = v[i].c[c];
    enum swirl_status st = swirl_ntt_forward(tmp, log_n, 4, n, bb31_one(), SWIRL_NTT_NONE);
    for (size_t i = 0; i < n && st == SWIRL_OK; i++)
        for (int c = 0; c < 4; c++)
            v[i].c[c] = tmp[(size_t)c * n + i];
    free(tmp);
    return st;
}

static void eq_powers_accumulate(bb31x4 *w, size_t dim, bb31x4 z, bb31x4 gamma, bb31x4 *scratch) {
    bb31x4 zp[64] = {{{{0}}}};
    for (size_t i = 0; i < dim; i++) {
        zp[i] = z;
        z = bb31x4_square(z);
    }
    swirl_evals_eq_hypercube(scratch, zp, dim);
    for (size_t i = 0; i < ((size_t)1 << dim); i++)
        w[i] = bb31x4_add(w[i], bb31x4_mul(gamma, scratch[i]));
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
    s->m = p->l_skip + p->n_stack;
    s->k = p->whir.k;
    s->R = p->whir.num_rounds;
    s->log_blowup = p->log_blowup;
    if (s->R == 0 || s->k == 0 || s->R * s->k > s->m)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "WHIR: %zu rounds of %zu exceed %zu variables",
                           s->R, s->k, s->m);
    s->final_len = (size_t)1 << (s->m - s->R * s->k);
    for (size_t r = 0; r < s->R; r++) {
        s->q[r] = p->whir.num_queries[r];
        s->depth[r] = s->m + s->log_blowup - r - s->k;
        if (r >= 1) {
            s->cw_val_off[r] = s->cw_vals;
            s->cw_path_off[r] = s->cw_paths;
            s->cw_vals += s->q[r] << s->k;
            s->cw_paths += s->q[r] * s->depth[r];
        }
    }
    return SWIRL_OK;
}

enum swirl_status swirl_whir_prove(swirl_whir_proof *proof, swirl_transcript *t,
                                   const swirl_system_params *params,
                                   const swirl_stacked_pcs_data *const *commits, size_t n_commits,
                                   const bb31x4 *u_cube) {
    SWIRL_ARG_CHECK(proof != NULL && t != NULL && params != NULL && u_cube != NULL);
    memset(proof, 0, sizeof *proof);
    SWIRL_ARG_CHECK(commits != NULL && n_commits > 0);
    whir_shape sh;
    SWIRL_TRY(whir_shape_of(&sh, params));
    size_t m = sh.m, k = sh.k, R = sh.R, n = (size_t)1 << m;
    size_t total_width = 0;
    for (size_t c = 0; c < n_commits; c++) {
        SWIRL_ARG_CHECK(commits[c] != NULL && commits[c]->tree != NULL);
        if (commits[c]->layout.height != n || commits[c]->cw_height != (n << sh.log_blowup))
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "WHIR: commit %zu has the wrong height", c);
        total_width += commits[c]->layout.width;
    }
    swirl_span_begin("prover.openings.whir");
    enum swirl_status st = SWIRL_OK;
    bb31x4 *f = NULL, *w = NULL, *scratch = NULL, *mu_pows = NULL, *g = NULL;
    bb31 *mle = NULL;
    swirl_merkle_tree *rs_tree = NULL, *g_tree = NULL;
    bb31x4 *g_rs = NULL, *prev_rs = NULL;
    size_t q0 = sh.q[0], rows0 = 0;
    for (size_t c = 0; c < n_commits; c++)
        rows0 += q0 * (k ? (size_t)1 << k : 1) * commits[c]->layout.width;
    proof->n_sumcheck = R * k;
    proof->sumcheck_polys = malloc((R * k + 1) * sizeof *proof->sumcheck_polys);
    proof->folding_pow_witnesses = malloc((R * k + 1) * sizeof(bb31));
    proof->query_pow_witnesses = malloc((R + 1) * sizeof(bb31));
    proof->n_rounds = R;
    proof->n_codeword = R - 1;
    proof->codeword_commits = malloc(R * sizeof(swirl_digest));
    proof->ood_values = malloc(R * sizeof(bb31x4));
    proof->n_commits = n_commits;
    proof->widths = malloc(n_commits * sizeof(size_t));
    proof->initial_rows = malloc((rows0 + 1) * sizeof(bb31));
    proof->initial_paths = malloc((n_commits * q0 * sh.depth[0] + 1) * sizeof(swirl_digest));
    proof->codeword_values = malloc((sh.cw_vals + 1) * sizeof(bb31x4));
    proof->codeword_paths = malloc((sh.cw_paths + 1) * sizeof(swirl_digest));
    proof->n_final = sh.final_len;
    proof->final_poly = malloc(sh.final_len * sizeof(bb31x4));
    f = calloc(n, sizeof *f);
    w = malloc(n * sizeof *w);
    scratch = malloc(n * sizeof *scratch);
    mle = malloc(n * sizeof *mle);
    mu_pows = malloc((total_width + 1) * sizeof *mu_pows);
    if (!proof->sumcheck_polys || !proof->folding_pow_witnesses || !proof->query_pow_witnesses ||
        !proof->codeword_commits || !proof->ood_values || !proof->widths || !proof->initial_rows ||
        !proof->initial_paths || !proof->codeword_values || !proof->codeword_paths ||
        !proof->final_poly || !f || !w || !scratch || !mle || !mu_pows) {
        st = SWIRL_RAISE(SWIRL_E_NOMEM, "WHIR: out of memory");
        goto done;
    }
    st = swirl_transcript_grind(t, &proof->mu_pow_witness, (unsigned)params->whir.mu_pow_bits);
    if (st != SWIRL_OK)
        goto done;
    bb31x4 mu = swirl_transcript_sample_ext(t);
    mu_pows[0] = bb31x4_one();
    for (size_t i = 1; i < total_width; i++)
        mu_pows[i] = bb31x4_mul(mu_pows[i - 1], mu);
    /* f = sum_j mu^j mle_j */
    {
        size_t j = 0;
        for (size_t c = 0; c < n_commits && st == SWIRL_OK; c++) {
            proof->widths[c] = commits[c]->layout.width;
            for (size_t col = 0; col < commits[c]->layout.width && st == SWIRL_OK; col++, j++) {
                st = column_mle(mle, commits[c]->matrix + col * n, (unsigned)m,
                                (unsigned)params->l_skip);
                if (st != SWIRL_OK)
                    break;
                bb31x4 mj = mu_pows[j];
#pragma omp parallel for schedule(static) if (n >= 4096)
                for (long long i = 0; i < (long long)n; i++)
                    f[i] = bb31x4_add(f[i], bb31x4_mul_base(mj, mle[i]));
            }
        }
        if (st != SWIRL_OK)
            goto done;
    }
    evals_mobius_eq(w, u_cube, m);
    size_t len = n, log_rs = m + sh.log_blowup, sc = 0;
    for (size_t r = 0; r < R && st == SWIRL_OK; r++) {
        int last = r == R - 1;
        for (size_t round = 0; round < k; round++) {
            bb31x4 s[2];
            for (uint32_t xi = 1; xi <= 2; xi++) {
                bb31 x = bb31_from_u32(xi);
                /* per-thread partial sums; field addition is exact, so any order gives the same
                 * bits */
                bb31x4 acc = bb31x4_zero();
#pragma omp parallel if (len >= 8192)
                {
                    bb31x4 part = bb31x4_zero();
#pragma omp for schedule(static)
                    for (long long yy = 0; yy < (long long)(len / 2); yy++) {
                        size_t y = (size_t)yy;
                        bb31x4 fx = bb31x4_add(f[2 * y], bb31x4_mul_base(bb31x4_sub(f[2 * y + 1], f[2 * y]), x));
                        bb31x4 wx = bb31x4_add(w[2 * y], bb31x4_mul_base(bb31x4_sub(w[2 * y + 1], w[2 * y]), x));
                        part = bb31x4_add(part, bb31x4_mul(fx, wx));
                    }
#pragma omp critical(swirl_whir_sum)
                    acc = bb31x4_add(acc, part);
                }
                s[xi - 1] = acc;
            }
            swirl_transcript_observe_ext(t, s[0]);
            swirl_transcript_observe_ext(t, s[1]);
            proof->sumcheck_polys[sc][0] = s[0];
            proof->sumcheck_polys[sc][1] = s[1];
            st = swirl_transcript_grind(t, &proof->folding_pow_witnesses[sc],
                                        (unsigned)params->whir.folding_pow_bits);
            if (st != SWIRL_OK)
                goto done;
            sc++;
            bb31x4 alpha = swirl_transcript_sample_ext(t);
            for (size_t y = 0; y < len / 2; y++) {
                f[y] = bb31x4_add(f[2 * y], bb31x4_mul(alpha, bb31x4_sub(f[2 * y + 1], f[2 * y])));
                w[y] = bb31x4_add(w[2 * y], bb31x4_mul(alpha, bb31x4_sub(w[2 * y + 1], w[2 * y])));
            }
            len /= 2;
        }
        /* g: coefficients of the folded MLE */
        free(g);
        g = malloc(len * sizeof *g);
        if (!g) {
            st = SWIRL_RAISE(SWIRL_E_NOMEM, "WHIR: out of memory");
            goto done;
        }
        memcpy(g, f, len * sizeof *g);
        swirl_mle_evals_to_coeffs_ext(g, len);
        bb31x4 z0 = bb31x4_zero();
        if (!last) {
            size_t cw_len = (size_t)1 << (log_rs - 1);
            free(prev_rs);
            prev_rs = g_rs;
            g_rs = calloc(cw_len, sizeof *g_rs);
            if (!g_rs) {
                st = SWIRL_RAISE(SWIRL_E_NOMEM, "WHIR: out of memory");
                goto done;
            }
            memcpy(g_rs, g, len * sizeof *g);
            st = ext_ntt(g_rs, (unsigned)(log_rs - 1));
            if (st == SWIRL_OK)
                st = swirl_merkle_tree_build(&g_tree, (const bb31 *)g_rs, cw_len, 1, 4, (size_t)1 << k);
            if (st != SWIRL_OK)
                goto done;
            swirl_digest root = swirl_merkle_tree_root(g_tree);
            swirl_transcript_observe_digest(t, &root);
            proof->codeword_commits[r] = root;
            z0 = swirl_transcript_sample_ext(t);
            bb31x4 y0 = swirl_horner_eval(g, len, z0);
            swirl_transcript_observe_ext(t, y0);
            proof->ood_values[r] = y0;
        } else {
            for (size_t i = 0; i < len; i++) {
                swirl_transcript_observe_ext(t, g[i]);
                proof->final_poly[i] = g[i];
            }
        }
        bb31 omega;
        st = bb31_two_adic_generator(&omega, (unsigned)(log_rs - k));
        if (st == SWIRL_OK)
            st = swirl_transcript_grind(t, &proof->query_pow_witnesses[r],
                                        (unsigned)params->whir.query_phase_pow_bits);
        if (st != SWIRL_OK)
            goto done;
        size_t nq = sh.q[r];
        uint32_t *idx = malloc((nq + 1) * sizeof *idx);
        if (!idx) {
            st = SWIRL_RAISE(SWIRL_E_NOMEM, "WHIR: out of memory");
            goto done;
        }
        for (size_t qi = 0; qi < nq; qi++)
            idx[qi] = swirl_transcript_sample_bits(t, (unsigned)(log_rs - k));
        for (size_t qi = 0; qi < nq && st == SWIRL_OK; qi++) {
            if (r == 0) {
                size_t row_off = 0;
                for (size_t c = 0; c < n_commits && st == SWIRL_OK; c++) {
                    size_t wc = commits[c]->layout.width, per = ((size_t)1 << k) * wc;
                    st = swirl_merkle_tree_open(commits[c]->tree,
                                                proof->initial_rows + row_off + qi * per,
                                                proof->initial_paths + (c * q0 + qi) * sh.depth[0],
                                                idx[qi]);
                    row_off += q0 * per;
                }
            } else {
                st = swirl_merkle_tree_open(rs_tree,
                                            (bb31 *)(proof->codeword_values + sh.cw_val_off[r] + (qi << k)),
                                            proof->codeword_paths + sh.cw_path_off[r] + qi * sh.depth[r],
                                            idx[qi]);
            }
        }
        if (st != SWIRL_OK) {
            free(idx);
            goto done;
        }
        swirl_merkle_tree_destroy(rs_tree);
        rs_tree = g_tree;
        g_tree = NULL;
        bb31x4 gamma = swirl_transcript_sample_ext(t);
        if (!last) {
            size_t dim = swirl_log2_exact(len);
            eq_powers_accumulate(w, dim, z0, gamma, scratch);
            bb31x4 gp = bb31x4_square(gamma);
            for (size_t qi = 0; qi < nq; qi++) {
                bb31x4 zi = bb31x4_from_base(bb31_pow(omega, idx[qi]));
                eq_powers_accumulate(w, dim, zi, gp, scratch);
                gp = bb31x4_mul(gp, gamma);
            }
        }
        free(idx);
        log_rs -= 1;
    }
done:
    swirl_span_end();
    swirl_merkle_tree_destroy(rs_tree);
    swirl_merkle_tree_destroy(g_tree);
    free(g_rs);
    free(prev_rs);
    free(g);
    free(f);
    free(w);
    free(scratch);
    free(mle);
    free(mu_pows);
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
            v[i] = bb31x4_add(v[i], bb31x4_mul_base(bb31x4_mul(bb31x4_sub(alphas[j], bb31x4_from_base(tt)), d),
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
    if (!swirl_transcript_check_witness(t, (unsigned)params->whir.mu_pow_bits, proof->mu_pow_witness))
        return REJECT("WHIR: mu proof-of-work witness check failed");
    bb31x4 mu = swirl_transcript_sample_ext(t);
    bb31x4 claim = bb31x4_zero(), mp = bb31x4_one();
    bb31x4 *mu_pows = malloc((total_width + 1) * sizeof *mu_pows);
    bb31x4 *alphas = malloc((R * k + 1) * sizeof *alphas);
    bb31x4 *gammas = malloc((R + 1) * sizeof *gammas);
    bb31x4 *z0s = malloc((R + 1) * sizeof *z0s);
    size_t total_q = 0;
    for (size_t r = 0; r < R; r++)
        total_q += sh.q[r];
    bb31 *zs = malloc((total_q + 1) * sizeof *zs);
    bb31x4 *vals = malloc(((size_t)1 << k) * sizeof *vals);
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
        bb31x4 *ys = malloc((nq + 1) * sizeof *ys);
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
                    st = swirl_merkle_verify(&roots[c], rows, (size_t)1 << k, widths[c], 1, index,
                                             proof->initial_paths + (c * sh.q[0] + qi) * sh.depth[0],
                                             sh.depth[0]);
                    for (size_t col = 0; col < widths[c] && st == SWIRL_OK; col++, mu_i++)
                        for (size_t j = 0; j < ((size_t)1 << k); j++)
                            vals[j] = bb31x4_add(vals[j],
                                                 bb31x4_mul_base(mu_pows[mu_i], rows[j * widths[c] + col]));
                    row_off += sh.q[0] * per;
                }
            } else {
                if (!proof->codeword_values || !proof->codeword_paths) {
                    st = SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "WHIR proof: missing codeword openings");
                    break;
                }
                const bb31x4 *ov = proof->codeword_values + sh.cw_val_off[r] + (qi << k);
                st = swirl_merkle_verify(&proof->codeword_commits[r - 1], (const bb31 *)ov,
                                         (size_t)1 << k, 1, 4, index,
                                         proof->codeword_paths + sh.cw_path_off[r] + qi * sh.depth[r],
                                         sh.depth[r]);
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
            gp = bb31x4_mul(gp, gamma);
        }
        free(ys);
        (void)zq0;
        log_rs -= 1;
    }
    {
        /* final check */
        size_t T = k * R;
        bb31x4 prefix = eval_mobius_eq_mle(u, alphas, T);
        bb31x4 *fp = malloc(sh.final_len * sizeof *fp);
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
                acc = bb31x4_add(acc, bb31x4_mul(bb31x4_mul(gammas[r], swirl_eval_eq_mle(alphas + j, pw, slc - 1)),
                                                 swirl_horner_eval(proof->final_poly, sh.final_len, pw[slc - 1])));
            }
            bb31x4 gp = bb31x4_square(gammas[r]);
            for (size_t qi = 0; qi < sh.q[r]; qi++, zq2++) {
                bb31x4 z = bb31x4_from_base(zs[zq2]);
                for (size_t i = 0; i < slc; i++) {
                    pw[i] = z;
                    z = bb31x4_square(z);
                }
                acc = bb31x4_add(acc, bb31x4_mul(bb31x4_mul(gp, swirl_eval_eq_mle(alphas + j, pw, slc - 1)),
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
