/* The host plan of the device stacked opening reduction (sr_plan.h). */
#include "prover/sr_plan.h"

#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"

void swirl_sr_plan_clear(swirl_sr_plan *pl) {
    if (!pl)
        return;
    free(pl->views);
    free(pl->cls);
    free(pl->offs);
    free(pl->woffs);
    free(pl->col_base);
    memset(pl, 0, sizeof *pl);
}

static enum swirl_status check_commits(const swirl_stacked_commit_view *commits, size_t n_commits,
                                       unsigned l_skip, unsigned n_stack, size_t *ntv) {
    *ntv = 0;
    for (size_t c = 0; c < n_commits; c++) {
        SWIRL_ARG_CHECK(commits[c].layout != NULL && commits[c].need_rot != NULL);
        if (commits[c].layout->height != ((size_t)1 << (l_skip + n_stack)) ||
            commits[c].layout->l_skip != l_skip)
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                               "stacked reduction: commit %zu has height %zu, expected 2^%u", c,
                               commits[c].layout->height, l_skip + n_stack);
        *ntv += commits[c].layout->num_cols;
    }
    if (*ntv > 0xffffffffu)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "stacked reduction: %zu trace columns", *ntv);
    return SWIRL_OK;
}

/* the class of log height log_h, made on first use; classes[] maps log_h -> index + 1 */
static uint32_t class_of(swirl_sr_plan *pl, uint32_t *classes, unsigned log_h, bb31 omega) {
    if (classes[log_h])
        return classes[log_h] - 1;
    swirl_sr_params *pr = &pl->prm;
    swirl_sr_class *c = &pl->cls[pr->ncls];
    memset(c, 0, sizeof *c);
    c->log_h = log_h;
    c->n = (int32_t)log_h - (int32_t)pr->l_skip;
    c->n_lift = c->n > 0 ? (uint32_t)c->n : 0;
    c->eoff = pr->etot;
    c->r_uni = pr->r0;
    c->omega_p = omega;
    c->lp = pr->l_skip;
    for (int32_t m = 0; m < -c->n; m++) {
        c->r_uni = bb31x4_square(c->r_uni);
        c->omega_p = bb31_square(c->omega_p);
        c->lp--;
    }
    pr->etot += (uint64_t)1 << c->n_lift;
    classes[log_h] = (uint32_t)(++pr->ncls);
    return (uint32_t)(pr->ncls - 1);
}

static void plan_layout(swirl_sr_params *pr) {
    pr->off_rounds = pr->P;
    pr->off_open = pr->off_rounds + 2 * (uint64_t)pr->n_stack;
    pr->off_u = pr->off_open + pr->wtot;
    pr->proof_len = pr->off_u + pr->n_stack + 1;
}

/* round 0's W tiles (x-values per tile: 2^w_xlog) and their prefix sums per view */
static uint64_t plan_tile_count(const swirl_sr_plan *pl, uint32_t w_xlog) {
    uint64_t n = 0;
    for (uint64_t k = 0; k < pl->prm.ntv; k++)
        n += swirl_sr_w_tiles(pl->cls[pl->views[k].cls].n_lift, w_xlog);
    return n;
}

/* the default tile: at least 2^12 cells (16 per thread of a 256-thread block), larger until the
 * tiles' partial sums take at most 2^17 (view, j) entries, or one tile per view */
static void plan_tiles(swirl_sr_plan *pl, uint32_t w_xlog, int given) {
    swirl_sr_params *pr = &pl->prm;
    if (!given) {
        uint32_t max_lift = 0;
        for (uint64_t g = 0; g < pr->ncls; g++)
            max_lift = pl->cls[g].n_lift > max_lift ? pl->cls[g].n_lift : max_lift;
        w_xlog = pr->l_skip < 12 ? 12 - pr->l_skip : 0;
        while (w_xlog < max_lift && plan_tile_count(pl, w_xlog) * pr->N > ((uint64_t)1 << 17))
            w_xlog++;
    }
    pr->w_xlog = w_xlog;
    pl->woffs[0] = 0;
    for (uint64_t k = 0; k < pr->ntv; k++)
        pl->woffs[k + 1] =
            pl->woffs[k] + swirl_sr_w_tiles(pl->cls[pl->views[k].cls].n_lift, w_xlog);
    pr->ntiles = pl->woffs[pr->ntv];
}

static void plan_offsets(swirl_sr_plan *pl) {
    const swirl_sr_params *pr = &pl->prm;
    for (uint32_t j = 1; j <= pr->n_stack; j++) {
        uint64_t *o = pl->offs + (size_t)(j - 1) * (pr->ntv + 1);
        o[0] = 0;
        for (uint64_t k = 0; k < pr->ntv; k++)
            o[k + 1] = o[k] + swirl_sr_round_pairs(pl->views[k].log_h, pr->l_skip, j);
    }
}

enum swirl_status swirl_sr_plan_init(swirl_sr_plan *pl, const swirl_stacked_commit_view *commits,
                                     size_t n_commits, unsigned l_skip, unsigned n_stack,
                                     const bb31x4 *r, unsigned w_tile) {
    SWIRL_ARG_CHECK(pl != NULL);
    memset(pl, 0, sizeof *pl);
    SWIRL_ARG_CHECK(r != NULL && n_commits > 0 && commits != NULL);
    SWIRL_ARG_CHECK(w_tile == 0 || swirl_is_pow2(w_tile));
    SWIRL_ARG_CHECK(l_skip <= SWIRL_SR_MAX_L_SKIP && n_stack <= SWIRL_SR_MAX_ROUNDS);
    size_t ntv;
    SWIRL_TRY(check_commits(commits, n_commits, l_skip, n_stack, &ntv));
    swirl_sr_params *pr = &pl->prm;
    bb31 omega;
    SWIRL_TRY(bb31_two_adic_generator(&omega, l_skip));
    pr->l_skip = l_skip;
    pr->n_stack = n_stack;
    pr->N = (uint64_t)1 << l_skip;
    pr->H = (uint64_t)1 << n_stack;
    pr->P = 2 * pr->N;
    pr->Hs = pr->N * pr->H;
    pr->ntv = ntv;
    pr->omega = omega;
    pr->r0 = r[0];
    pr->eq_const = swirl_sr_eq_uni_at_one(l_skip, bb31x4_mul_base(r[0], omega));
    pl->n_commits = n_commits;
    pl->views = swirl_calloc(ntv + 1, sizeof *pl->views);
    pl->cls = swirl_calloc(SWIRL_SR_MAX_CLASSES, sizeof *pl->cls);
    pl->offs = swirl_calloc((size_t)n_stack * (ntv + 1) + 1, sizeof *pl->offs);
    pl->woffs = swirl_calloc(ntv + 1, sizeof *pl->woffs);
    pl->col_base = swirl_calloc(n_commits + 1, sizeof *pl->col_base);
    if (!pl->views || !pl->cls || !pl->offs || !pl->woffs || !pl->col_base)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "stacked reduction plan: out of memory (%zu views)", ntv);
    uint32_t classes[SWIRL_SR_MAX_CLASSES] = {0};
    size_t k = 0;
    for (size_t c = 0; c < n_commits; c++) {
        const swirl_stacked_layout *L = commits[c].layout;
        pl->col_base[c + 1] = pl->col_base[c] + L->width;
        for (size_t i = 0; i < L->num_cols; i++, k++) {
            const swirl_stacked_slice *s = &L->cols[i];
            if (s->log_height >= 64 || s->col_idx >= L->width)
                return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                                   "stacked reduction: column %zu of commit %zu is off its layout",
                                   i, c);
            swirl_sr_view *v = &pl->views[k];
            v->row_idx = s->row_idx;
            v->com = (uint32_t)c;
            v->col_idx = (uint32_t)s->col_idx;
            v->col = (uint32_t)(pl->col_base[c] + s->col_idx);
            v->log_h = s->log_height;
            v->rot = commits[c].need_rot[s->mat_idx] != 0;
            v->cls = class_of(pl, classes, s->log_height, omega);
        }
    }
    pr->wtot = pl->col_base[n_commits];
    plan_layout(pr);
    plan_tiles(pl, w_tile ? (uint32_t)swirl_log2_exact(w_tile) : 0, w_tile != 0);
    plan_offsets(pl);
    return SWIRL_OK;
}

enum swirl_status swirl_sr_plan_proof(const swirl_sr_plan *pl, swirl_stacking_proof *proof,
                                      bb31x4 *u_out, const bb31x4 *buf) {
    SWIRL_ARG_CHECK(pl != NULL && proof != NULL && u_out != NULL && buf != NULL);
    memset(proof, 0, sizeof *proof);
    const swirl_sr_params *pr = &pl->prm;
    size_t x4 = sizeof(bb31x4);
    proof->n_univariate = pr->P - 1;
    proof->univariate_round_coeffs = swirl_malloc(pr->P * x4);
    proof->n_rounds = pr->n_stack;
    proof->sumcheck_round_polys = swirl_malloc((pr->n_stack + 1) * sizeof *proof->sumcheck_round_polys);
    proof->stacking_openings = swirl_malloc((pr->wtot + 1) * x4);
    proof->n_commits = pl->n_commits;
    proof->openings_per_commit = swirl_calloc(pl->n_commits, sizeof(size_t));
    if (!proof->univariate_round_coeffs || !proof->sumcheck_round_polys ||
        !proof->stacking_openings || !proof->openings_per_commit) {
        swirl_stacking_proof_clear(proof);
        return SWIRL_RAISE(SWIRL_E_NOMEM, "stacked reduction: out of memory");
    }
    memcpy(proof->univariate_round_coeffs, buf, pr->P * x4);
    for (uint32_t j = 0; j < pr->n_stack; j++) {
        proof->sumcheck_round_polys[j][0] = buf[pr->off_rounds + 2 * j];
        proof->sumcheck_round_polys[j][1] = buf[pr->off_rounds + 2 * j + 1];
    }
    memcpy(proof->stacking_openings, buf + pr->off_open, pr->wtot * x4);
    for (size_t c = 0; c < pl->n_commits; c++)
        proof->openings_per_commit[c] = pl->col_base[c + 1] - pl->col_base[c];
    memcpy(u_out, buf + pr->off_u, (pr->n_stack + 1) * x4);
    return SWIRL_OK;
}
