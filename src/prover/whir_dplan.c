/* The host plan of the device WHIR (whir_dplan.h). */
#include "prover/whir_dplan.h"

#include <stdlib.h>
#include <string.h>

#include "device/whir_impl.h"
#include "util/alloc.h"

void swirl_whir_dplan_clear(swirl_whir_dplan *pl) {
    if (!pl)
        return;
    free(pl->widths);
    free(pl->row_off);
    memset(pl, 0, sizeof *pl);
}

/* swirl_whir_prove's checks of one commit */
static enum swirl_status check_commit(const swirl_whir_dplan *pl,
                                      const swirl_stacked_pcs_data *d, size_t c) {
    if (!d)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "WHIR: commit %zu is NULL", c);
    const swirl_stacked_layout *lay = swirl_stacked_pcs_layout(d);
    const swirl_merkle_plan *mp = swirl_stacked_pcs_plan(d);
    if (lay->height != pl->n || swirl_stacked_pcs_cw_height(d) != (pl->n << pl->log_blowup))
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "WHIR: commit %zu has the wrong height", c);
    if (lay->width == 0)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "WHIR: commit %zu has no columns", c);
    if (mp->rows_per_query != ((size_t)1 << pl->k) || swirl_merkle_plan_depth(mp) != pl->depth[0])
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                           "WHIR: commit %zu's tree opens %zu rows per query, depth %zu "
                           "(expected %zu, %zu)", c, mp->rows_per_query,
                           swirl_merkle_plan_depth(mp), (size_t)1 << pl->k, pl->depth[0]);
    if (mp->ext_degree != 1 || mp->width != lay->width || mp->height != mp->num_leaves)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "WHIR: commit %zu's tree is not over its %zu "
                           "stacked columns", c, lay->width);
    return SWIRL_OK;
}

static void plan_layout(swirl_whir_dplan *pl) {
    size_t R = pl->R, k = pl->k, w = 0;
    pl->o_mu_w = w;
    w += 1;
    pl->o_polys = w;
    w += 8 * R * k;
    pl->o_fold_w = w;
    w += R * k;
    pl->o_query_w = w;
    w += R;
    pl->o_commits = w;
    w += 8 * (R - 1);
    pl->o_ood = w;
    w += 4 * (R - 1);
    pl->o_final = w;
    w += 4 * pl->final_len;
    pl->o_rows0 = w;
    w += pl->row_off[pl->n_commits];
    pl->o_paths0 = w;
    w += 8 * pl->n_commits * pl->q[0] * pl->depth[0];
    pl->o_cw_vals = w;
    w += 4 * pl->cw_vals;
    pl->o_cw_paths = w;
    w += 8 * pl->cw_paths;
    pl->o_idx = w;
    for (size_t r = 0; r < R; r++) {
        pl->idx_off[r] = w;
        w += pl->q[r];
    }
    pl->words = w;
}

enum swirl_status swirl_whir_dplan_init(swirl_whir_dplan *pl, const swirl_system_params *params,
                                        const swirl_stacked_pcs_data *const *commits,
                                        size_t n_commits) {
    SWIRL_ARG_CHECK(pl != NULL);
    memset(pl, 0, sizeof *pl);
    SWIRL_ARG_CHECK(params != NULL && commits != NULL && n_commits > 0);
    swirl_whir_plan wp;
    SWIRL_TRY(swirl_whir_plan_init(&wp, params));
    if (wp.num_rounds == 0 || wp.num_rounds > SWIRL_WHIR_MAX_ROUNDS || wp.m >= 40)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "WHIR: %zu rounds over 2^%zu values", wp.num_rounds,
                           wp.m);
    pl->m = wp.m;
    pl->n = (size_t)1 << wp.m;
    pl->k = wp.k;
    pl->R = wp.num_rounds;
    pl->l_skip = params->l_skip;
    pl->log_blowup = params->log_blowup;
    pl->final_len = wp.final_poly_len;
    pl->mu_bits = (unsigned)params->whir.mu_pow_bits;
    pl->fold_bits = (unsigned)params->whir.folding_pow_bits;
    pl->query_bits = (unsigned)params->whir.query_phase_pow_bits;
    if (pl->k * pl->R > pl->m || (pl->n >> (pl->k * pl->R)) != pl->final_len)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "WHIR: %zu rounds of %zu folds leave 2^%zu - %zu "
                           "coefficients, not the final polynomial's %zu", pl->R, pl->k, pl->m,
                           pl->k * pl->R, pl->final_len);
    for (size_t r = 0; r < pl->R; r++) {
        pl->q[r] = wp.rounds[r].num_queries;
        pl->depth[r] = wp.rounds[r].log_query_domain;
        pl->log_rs[r] = wp.rounds[r].log_rs_domain;
        if (pl->q[r] > SWIRL_WHIR_IMPL_MAX_QUERIES)
            return SWIRL_RAISE(SWIRL_E_UNSUPPORTED, "WHIR on the device: round %zu has %zu "
                               "queries (at most %d)", r, pl->q[r], SWIRL_WHIR_IMPL_MAX_QUERIES);
        if (pl->log_rs[r] != pl->m + pl->log_blowup - r || pl->depth[r] + pl->k != pl->log_rs[r])
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "WHIR: round %zu's domain does not follow "
                               "the plan", r);
        if (r >= 1) {
            pl->cw_val_off[r] = pl->cw_vals;
            pl->cw_path_off[r] = pl->cw_paths;
            pl->cw_vals += pl->q[r] << pl->k;
            pl->cw_paths += pl->q[r] * pl->depth[r];
        }
    }
    pl->n_commits = n_commits;
    pl->widths = swirl_calloc(n_commits, sizeof *pl->widths);
    pl->row_off = swirl_calloc(n_commits + 1, sizeof *pl->row_off);
    if (!pl->widths || !pl->row_off)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "WHIR plan: out of memory (%zu commits)", n_commits);
    for (size_t c = 0; c < n_commits; c++) {
        SWIRL_TRY(check_commit(pl, commits[c], c));
        pl->widths[c] = swirl_stacked_pcs_layout(commits[c])->width;
        pl->total_width += pl->widths[c];
        pl->row_off[c + 1] = pl->row_off[c] + (pl->q[0] << pl->k) * pl->widths[c];
    }
    plan_layout(pl);
    return SWIRL_OK;
}

static void copy_words(void *dst, const uint32_t *src, size_t words) {
    if (words)
        memcpy(dst, src, words * sizeof *src);
}

/* the arrays of the proof, shaped as swirl_whir_prove allocates them */
static enum swirl_status proof_alloc(const swirl_whir_dplan *pl, swirl_whir_proof *p) {
    size_t R = pl->R, k = pl->k;
    p->n_sumcheck = R * k;
    p->sumcheck_polys = swirl_malloc((R * k + 1) * sizeof *p->sumcheck_polys);
    p->folding_pow_witnesses = swirl_malloc((R * k + 1) * sizeof(bb31));
    p->query_pow_witnesses = swirl_malloc((R + 1) * sizeof(bb31));
    p->n_rounds = R;
    p->n_codeword = R - 1;
    p->codeword_commits = swirl_malloc(R * sizeof(swirl_digest));
    p->ood_values = swirl_malloc(R * sizeof(bb31x4));
    p->n_commits = pl->n_commits;
    p->widths = swirl_malloc(pl->n_commits * sizeof(size_t));
    p->initial_rows = swirl_malloc((pl->row_off[pl->n_commits] + 1) * sizeof(bb31));
    p->initial_paths =
        swirl_malloc((pl->n_commits * pl->q[0] * pl->depth[0] + 1) * sizeof(swirl_digest));
    p->codeword_values = swirl_malloc((pl->cw_vals + 1) * sizeof(bb31x4));
    p->codeword_paths = swirl_malloc((pl->cw_paths + 1) * sizeof(swirl_digest));
    p->n_final = pl->final_len;
    p->final_poly = swirl_malloc((pl->final_len + 1) * sizeof(bb31x4));
    if (!p->sumcheck_polys || !p->folding_pow_witnesses || !p->query_pow_witnesses ||
        !p->codeword_commits || !p->ood_values || !p->widths || !p->initial_rows ||
        !p->initial_paths || !p->codeword_values || !p->codeword_paths || !p->final_poly)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "WHIR: out of memory for the proof");
    return SWIRL_OK;
}

/* a canonical witness word as bb31 (p: none was found) */
static enum swirl_status witness(bb31 *out, uint32_t w, const char *what, size_t i) {
    if (w >= BB31_P)
        return SWIRL_RAISE(SWIRL_E_INTERNAL, "WHIR on the device: no %s PoW witness (%zu) found",
                           what, i);
    *out = bb31_from_u32(w);
    return SWIRL_OK;
}

enum swirl_status swirl_whir_dplan_unpack(const swirl_whir_dplan *pl, swirl_whir_proof *proof,
                                          const uint32_t *buf) {
    SWIRL_ARG_CHECK(pl != NULL && proof != NULL && buf != NULL && pl->widths != NULL);
    memset(proof, 0, sizeof *proof);
    enum swirl_status st = proof_alloc(pl, proof);
    size_t R = pl->R, k = pl->k;
    if (st == SWIRL_OK)
        st = witness(&proof->mu_pow_witness, buf[pl->o_mu_w], "mu", 0);
    for (size_t i = 0; st == SWIRL_OK && i < R * k; i++)
        st = witness(&proof->folding_pow_witnesses[i], buf[pl->o_fold_w + i], "folding", i);
    for (size_t r = 0; st == SWIRL_OK && r < R; r++)
        st = witness(&proof->query_pow_witnesses[r], buf[pl->o_query_w + r], "query", r);
    if (st != SWIRL_OK) {
        swirl_whir_proof_clear(proof);
        return st;
    }
    copy_words(proof->sumcheck_polys, buf + pl->o_polys, 8 * R * k);
    copy_words(proof->codeword_commits, buf + pl->o_commits, 8 * (R - 1));
    copy_words(proof->ood_values, buf + pl->o_ood, 4 * (R - 1));
    copy_words(proof->final_poly, buf + pl->o_final, 4 * pl->final_len);
    copy_words(proof->initial_rows, buf + pl->o_rows0, pl->row_off[pl->n_commits]);
    copy_words(proof->initial_paths, buf + pl->o_paths0, 8 * pl->n_commits * pl->q[0] * pl->depth[0]);
    copy_words(proof->codeword_values, buf + pl->o_cw_vals, 4 * pl->cw_vals);
    copy_words(proof->codeword_paths, buf + pl->o_cw_paths, 8 * pl->cw_paths);
    memcpy(proof->widths, pl->widths, pl->n_commits * sizeof *pl->widths);
    return SWIRL_OK;
}

#define REPLAY_FAIL(...) SWIRL_RAISE(SWIRL_E_INTERNAL, __VA_ARGS__)

enum swirl_status swirl_whir_dplan_replay(const swirl_whir_dplan *pl, swirl_transcript *t,
                                          const swirl_whir_proof *proof, const uint32_t *buf) {
    SWIRL_ARG_CHECK(pl != NULL && t != NULL && proof != NULL && buf != NULL);
    if (!swirl_transcript_check_witness(t, pl->mu_bits, proof->mu_pow_witness))
        return REPLAY_FAIL("WHIR replay: the mu witness fails");
    (void)swirl_transcript_sample_ext(t);
    size_t sc = 0;
    for (size_t r = 0; r < pl->R; r++) {
        for (size_t j = 0; j < pl->k; j++, sc++) {
            swirl_transcript_observe_ext(t, proof->sumcheck_polys[sc][0]);
            swirl_transcript_observe_ext(t, proof->sumcheck_polys[sc][1]);
            if (!swirl_transcript_check_witness(t, pl->fold_bits,
                                                proof->folding_pow_witnesses[sc]))
                return REPLAY_FAIL("WHIR replay: folding witness %zu fails", sc);
            (void)swirl_transcript_sample_ext(t);
        }
        if (r + 1 < pl->R) {
            swirl_transcript_observe_digest(t, &proof->codeword_commits[r]);
            (void)swirl_transcript_sample_ext(t);
            swirl_transcript_observe_ext(t, proof->ood_values[r]);
        } else {
            for (size_t i = 0; i < pl->final_len; i++)
                swirl_transcript_observe_ext(t, proof->final_poly[i]);
        }
        if (!swirl_transcript_check_witness(t, pl->query_bits, proof->query_pow_witnesses[r]))
            return REPLAY_FAIL("WHIR replay: query witness of round %zu fails", r);
        for (size_t qi = 0; qi < pl->q[r]; qi++)
            if (swirl_transcript_sample_bits(t, (unsigned)pl->depth[r]) != buf[pl->idx_off[r] + qi])
                return REPLAY_FAIL("WHIR replay: query %zu of round %zu differs", qi, r);
        (void)swirl_transcript_sample_ext(t);
    }
    return SWIRL_OK;
}
