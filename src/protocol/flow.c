/* The CPU prover and verifier flow (see flow.h). */
#include "util/alloc.h"
#include "protocol/flow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/flow_common.h"
#include "util/span.h"

void swirl_proof_clear(swirl_proof *p) {
    if (!p)
        return;
    if (p->public_values)
        for (size_t i = 0; i < p->n_airs; i++)
            free(p->public_values[i]);
    free(p->public_values);
    if (p->cached_commits)
        for (size_t i = 0; i < p->n_airs; i++)
            free(p->cached_commits[i]);
    free(p->cached_commits);
    free(p->log_heights);
    free(p->present);
    swirl_gkr_proof_clear(&p->gkr);
    swirl_batch_proof_clear(&p->batch);
    swirl_stacking_proof_clear(&p->stacking);
    swirl_whir_proof_clear(&p->whir);
    memset(p, 0, sizeof *p);
}

/* traces sorted by height, tallest first, ties in AIR order */
size_t swirl_flow_sort_order(size_t *order, const unsigned *log_heights, const uint8_t *present,
                         size_t n) {
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (present[i])
            order[m++] = i;
    n = m;
    for (size_t i = 1; i < n; i++) {
        size_t v = order[i], j = i;
        while (j > 0 && log_heights[order[j - 1]] < log_heights[v]) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = v;
    }
    return m;
}

enum swirl_status swirl_flow_check_vk(const swirl_vk *vk) {
    if (vk->n_airs == 0)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "no AIRs");
    long long max_dim = (long long)vk->params.n_stack;
    for (size_t i = 0; i < vk->n_airs; i++) {
        const swirl_vk_air *va = &vk->per_air[i];
        if ((va->air->preprocessed_width > 0) != (va->has_preprocessed != 0))
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                               "AIR %s: the key's preprocessed data disagrees with the AIR's "
                               "%zu preprocessed columns",
                               va->air->name, va->air->preprocessed_width);
        if (va->has_preprocessed &&
            (va->preprocessed_hypercube_dim < -(long long)vk->params.l_skip ||
             va->preprocessed_hypercube_dim > max_dim))
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                               "AIR %s: preprocessed hypercube dimension %lld out of range",
                               va->air->name, (long long)va->preprocessed_hypercube_dim);
    }
    return SWIRL_OK;
}

/* log2 of a preprocessed AIR's trace height: hypercube_dim + l_skip (OpenVM verifier/mod.rs:142) */
unsigned swirl_flow_preprocessed_log_height(const swirl_vk *vk, size_t i) {
    return (unsigned)(vk->per_air[i].preprocessed_hypercube_dim + (int64_t)vk->params.l_skip);
}

/* The observations before rap_constraints (OpenVM prover/mod.rs:110-175, verifier/mod.rs:129-161):
 * the vk pre-hash, the common main commitment, then per AIR in vk order: presence when the AIR is
 * not required; when present, the key's preprocessed commitment for an AIR that has one (its log
 * height is then fixed by the key and not observed), else the log height; the AIR's cached
 * commitments; its public values. */
void swirl_flow_observe_header(swirl_transcript *t, const swirl_vk *vk, const swirl_proof *proof) {
    swirl_transcript_observe_digest(t, &vk->pre_hash);
    swirl_transcript_observe_digest(t, &proof->common_main_commit);
    for (size_t i = 0; i < vk->n_airs; i++) {
        const swirl_vk_air *va = &vk->per_air[i];
        if (!va->is_required)
            swirl_transcript_observe(t, proof->present[i] ? bb31_one() : bb31_zero());
        if (!proof->present[i])
            continue; /* an absent AIR has no height, commitments or public values */
        if (va->has_preprocessed)
            swirl_transcript_observe_digest(t, &va->preprocessed_commit);
        else
            swirl_transcript_observe(t, bb31_from_u32(proof->log_heights[i]));
        for (size_t c = 0; c < va->air->n_cached; c++)
            swirl_transcript_observe_digest(t, &proof->cached_commits[i][c]);
        for (size_t k = 0; k < va->air->num_public_values; k++)
            swirl_transcript_observe(t, proof->public_values[i][k]);
    }
}

/* the number of commitments after the common main: per present AIR its preprocessed one and its
 * cached ones */
size_t swirl_flow_count_other_commits(const swirl_vk *vk, const size_t *order, size_t n) {
    size_t m = 0;
    for (size_t k = 0; k < n; k++)
        m += (vk->per_air[order[k]].has_preprocessed ? 1 : 0) + vk->per_air[order[k]].air->n_cached;
    return m;
}

void swirl_flow_cube_point(bb31x4 *ucube, const bb31x4 *u, size_t l_skip, size_t n_stack) {
    ucube[0] = u[0];
    for (size_t i = 1; i < l_skip; i++)
        ucube[i] = bb31x4_square(ucube[i - 1]);
    for (size_t i = 1; i <= n_stack; i++)
        ucube[l_skip - 1 + i] = u[i];
}

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        st = SWIRL_RAISE(__VA_ARGS__);                                                             \
        goto vdone;                                                                                \
    } while (0)

/* The trace-height constraints of the key (OpenVM verifier/mod.rs:111-123): for each, the sum over
 * present AIRs of 2^max(log_height, l_skip) * coefficient stays below the threshold (u64 sums as
 * OpenVM; an overflowing sum, possible only with absurd keys, counts as too large). */
static enum swirl_status check_trace_heights(const swirl_vk *vk, const swirl_proof *proof) {
    size_t l_skip = vk->params.l_skip;
    for (size_t c = 0; c < vk->n_thc; c++) {
        uint64_t sum = 0;
        for (size_t i = 0; i < vk->n_airs; i++) {
            if (!proof->present[i])
                continue;
            size_t lh = proof->log_heights[i] > l_skip ? proof->log_heights[i] : l_skip;
            uint64_t term;
            if (lh > 63 ||
                __builtin_mul_overflow((uint64_t)1 << lh, (uint64_t)vk->thc[c].coefficients[i],
                                       &term) ||
                __builtin_add_overflow(sum, term, &sum))
                sum = UINT64_MAX;
        }
        if (sum >= vk->thc[c].threshold)
            return SWIRL_RAISE(SWIRL_E_PROOF_REJECTED,
                               "trace heights too large: constraint %zu sums to %llu, threshold %u",
                               c, (unsigned long long)sum, vk->thc[c].threshold);
    }
    return SWIRL_OK;
}

/* The proof's per-AIR data against the key (OpenVM proof_shape.rs:328-368,
 * verifier/mod.rs:141-144): a required AIR present; a present AIR's log height within the stacked
 * height, its public values and exactly its AIR's cached commitments (an absent AIR none); a
 * preprocessed AIR's log height the one its preprocessed trace fixes. Returns the number of present
 * AIRs in *n_present. */
static enum swirl_status check_trace_vdata(const swirl_vk *vk, const swirl_proof *proof,
                                           size_t *n_present) {
    const swirl_system_params *p = &vk->params;
    size_t n = vk->n_airs;
    if (proof->n_airs != n || !proof->log_heights || !proof->public_values || !proof->present)
        return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "proof has %zu AIRs, the key %zu",
                           proof->n_airs, n);
    *n_present = 0;
    for (size_t i = 0; i < n; i++) {
        const swirl_air *air = vk->per_air[i].air;
        if (proof->present[i] > 1)
            return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "AIR %zu: presence flag %u is not 0 or 1",
                               i, proof->present[i]);
        if (!proof->present[i] && vk->per_air[i].is_required)
            return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "AIR %zu: a required AIR is absent", i);
        const swirl_digest *cc = proof->cached_commits ? proof->cached_commits[i] : NULL;
        if (!proof->present[i]) {
            if (cc)
                return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED,
                                   "AIR %zu is absent but has cached commitments", i);
            continue;
        }
        ++*n_present;
        if (proof->log_heights[i] > p->l_skip + p->n_stack || !proof->public_values[i])
            return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "AIR %zu: bad log height or public values",
                               i);
        if ((air->n_cached > 0) != (cc != NULL))
            return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED,
                               "AIR %zu should have %zu cached commitments, but has %s", i,
                               air->n_cached, cc ? "some" : "none");
        if (vk->per_air[i].has_preprocessed &&
            proof->log_heights[i] != swirl_flow_preprocessed_log_height(vk, i))
            return SWIRL_RAISE(SWIRL_E_PROOF_REJECTED,
                               "AIR %zu: log height %u differs from its preprocessed trace's %u", i,
                               proof->log_heights[i], swirl_flow_preprocessed_log_height(vk, i));
    }
    if (*n_present == 0)
        return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "no AIR is present");
    return check_trace_heights(vk, proof);
}

/* The stacked reduction's claims from the column openings (OpenVM verifier/stacked_reduction.rs
 * 83-98): first every trace's common main columns (commitment 0, in layout order), then per trace
 * its other parts (preprocessed, cached...) in order, which is the order of the other commitments.
 * Per trace the openings are (common, preprocessed, cached...) columns of (claim, claim_rot when
 * the AIR needs the rotation); swirl_zerocheck_verify has checked their counts. */
static void gather_claims(bb31x4 (*claims)[2], const swirl_batch_proof *bp,
                          const swirl_air *const *airs, size_t n) {
    size_t c = 0;
    for (int pass = 0; pass < 2; pass++) {
        size_t off = 0;
        for (size_t k = 0; k < n; k++) {
            int rot = swirl_zc_need_rot(airs[k]);
            size_t step = rot ? 2 : 1, cw = airs[k]->common_width * step,
                   total = bp->openings_per_trace[k];
            size_t from = pass == 0 ? 0 : cw, to = pass == 0 ? cw : total;
            for (size_t i = from; i < to; i += step, c++) {
                claims[c][0] = bp->openings[off + i];
                claims[c][1] = rot ? bp->openings[off + i + 1] : bb31x4_zero();
            }
            off += total;
        }
    }
}

enum swirl_status swirl_flow_verify(const swirl_vk *vk, const swirl_proof *proof,
                               swirl_transcript_log *log) {
    SWIRL_ARG_CHECK(vk && proof);
    SWIRL_TRY(swirl_flow_check_vk(vk));
    const swirl_system_params *p = &vk->params;
    size_t n = vk->n_airs, n_present;
    SWIRL_TRY(check_trace_vdata(vk, proof, &n_present));
    enum swirl_status st = SWIRL_OK;
    size_t *order = swirl_malloc(n * sizeof *order), *widths = swirl_malloc(n * sizeof *widths);
    unsigned *lh = swirl_malloc(n * sizeof *lh);
    const swirl_air **airs = swirl_malloc(n * sizeof *airs);
    const bb31 **pvs = swirl_malloc(n * sizeof *pvs);
    int *need_rot = swirl_malloc(n * sizeof *need_rot);
    bb31x4(*claims)[2] = NULL;
    /* commitment 0 is the common main; the others follow in opening order */
    swirl_stacked_layout *lays = NULL;
    swirl_stacked_commit_view *cv = NULL;
    swirl_digest *roots = NULL;
    size_t *cw = NULL, n_lays = 0;
    if (!order || !widths || !lh || !airs || !pvs || !need_rot)
        FAIL(SWIRL_E_NOMEM, "out of memory");
    size_t n_all = n;
    n = swirl_flow_sort_order(order, proof->log_heights, proof->present, n_all);
    size_t m = 1 + swirl_flow_count_other_commits(vk, order, n);
    lays = swirl_calloc(m, sizeof *lays);
    cv = swirl_malloc(m * sizeof *cv);
    roots = swirl_malloc(m * sizeof *roots);
    cw = swirl_malloc(m * sizeof *cw);
    if (!lays || !cv || !roots || !cw)
        FAIL(SWIRL_E_NOMEM, "out of memory");
    for (size_t k = 0; k < n; k++) {
        size_t i = order[k];
        airs[k] = vk->per_air[i].air;
        lh[k] = proof->log_heights[i];
        pvs[k] = proof->public_values[i];
        widths[k] = airs[k]->common_width;
        need_rot[k] = swirl_zc_need_rot(airs[k]);
    }
    unsigned ls = (unsigned)p->l_skip, lsh = (unsigned)(p->l_skip + p->n_stack);
    st = swirl_stacked_layout_init(&lays[0], ls, lsh, widths, lh, n);
    if (st == SWIRL_E_NOMEM)
        goto vdone;
    if (st != SWIRL_OK)
        FAIL(SWIRL_E_PROOF_MALFORMED, "trace heights do not fit the stacked matrix");
    n_lays = 1;
    roots[0] = proof->common_main_commit;
    cv[0] = (swirl_stacked_commit_view){&lays[0], NULL, need_rot, NULL};
    /* the other commitments (verifier/mod.rs:183-224, proof_shape.rs:548-563): per present AIR in
     * the sorted order its preprocessed commitment (the key's) and its cached ones (the proof's),
     * each one matrix at the AIR's height, opened with the AIR's need_rot */
    for (size_t k = 0; k < n; k++) {
        size_t i = order[k];
        const swirl_vk_air *va = &vk->per_air[i];
        for (size_t part = va->has_preprocessed ? 0 : 1; part <= airs[k]->n_cached; part++) {
            size_t w = part == 0 ? airs[k]->preprocessed_width : airs[k]->cached_widths[part - 1];
            st = swirl_stacked_layout_init(&lays[n_lays], ls, lsh, &w, &lh[k], 1);
            if (st != SWIRL_OK)
                goto vdone;
            if (part == 0 && lays[n_lays].width != va->preprocessed_stacking_width) {
                n_lays++;
                FAIL(SWIRL_E_INVALID_ARG,
                     "AIR %s: the key's preprocessed stacking width %zu is "
                     "not the layout's",
                     airs[k]->name, va->preprocessed_stacking_width);
            }
            roots[n_lays] =
                part == 0 ? va->preprocessed_commit : proof->cached_commits[i][part - 1];
            cv[n_lays] = (swirl_stacked_commit_view){&lays[n_lays], NULL, &need_rot[k], NULL};
            n_lays++;
        }
    }
    size_t total_w = 0, n_cols = 0;
    for (size_t e = 0; e < n_lays; e++) {
        cw[e] = lays[e].width;
        total_w += lays[e].width;
        n_cols += lays[e].num_cols;
    }
    if (total_w > p->w_stack)
        FAIL(SWIRL_E_PROOF_MALFORMED,
             "the commitments' stacked widths total %zu, more than w_stack = %zu", total_w,
             p->w_stack);
    swirl_transcript t;
    swirl_transcript_init(&t);
    swirl_transcript_set_log(&t, log);
    swirl_flow_observe_header(&t, vk, proof);
    swirl_zc_params zp = {(unsigned)p->l_skip, (unsigned)p->max_constraint_degree,
                          (unsigned)p->logup.pow_bits};
    bb31x4 r[64], u[64], ucube[64];
    size_t nr;
    st = swirl_zerocheck_verify(r, &nr, &t, &zp, &proof->gkr, &proof->batch, airs, lh, pvs, n);
    if (st != SWIRL_OK)
        goto vdone;
    while (nr < 1 + p->n_stack)
        r[nr++] = bb31x4_zero();
    claims = swirl_calloc(n_cols + 1, sizeof *claims);
    if (!claims)
        FAIL(SWIRL_E_NOMEM, "out of memory");
    gather_claims(claims, &proof->batch, airs, n);
    st =
        swirl_stacked_reduction_verify(u, &t, &proof->stacking, cv, n_lays, ls,
                                       (unsigned)p->n_stack, (const bb31x4(*)[2])claims, n_cols, r);
    if (st != SWIRL_OK)
        goto vdone;
    swirl_flow_cube_point(ucube, u, p->l_skip, p->n_stack);
    st = swirl_whir_verify(&t, p, &proof->whir, proof->stacking.stacking_openings, cw, roots,
                           n_lays, ucube);
vdone:
    for (size_t e = 0; e < n_lays; e++)
        swirl_stacked_layout_clear(&lays[e]);
    free(lays);
    free(cv);
    free(roots);
    free(cw);
    free(order);
    free(widths);
    free(lh);
    free(airs);
    free(pvs);
    free(need_rot);
    free(claims);
    return st;
}
