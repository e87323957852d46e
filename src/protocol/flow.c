/* The CPU prover and verifier flow (see flow.h). */
#include "protocol/flow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"
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
static size_t sort_order(size_t *order, const unsigned *log_heights, const uint8_t *present,
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

static enum swirl_status check_vk(const swirl_vk *vk) {
    if (vk->n_airs == 0)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "no AIRs");
    for (size_t i = 0; i < vk->n_airs; i++) {
        const swirl_air *air = vk->per_air[i].air;
        if (air->preprocessed_width > 0 || air->n_cached > 0)
            return SWIRL_RAISE(
                SWIRL_E_UNSUPPORTED,
                "AIR %s: preprocessed and cached partitions are not supported by the flow yet",
                air->name);
    }
    return SWIRL_OK;
}

/* the observations before rap_constraints */
static void observe_header(swirl_transcript *t, const swirl_vk *vk, const swirl_digest *root,
                           const unsigned *log_heights, const uint8_t *present, bb31 *const *pvs) {
    swirl_transcript_observe_digest(t, &vk->pre_hash);
    swirl_transcript_observe_digest(t, root);
    for (size_t i = 0; i < vk->n_airs; i++) {
        if (!vk->per_air[i].is_required)
            swirl_transcript_observe(t, present[i] ? bb31_one() : bb31_zero());
        if (!present[i])
            continue; /* an absent AIR has no height and no public values */
        swirl_transcript_observe(t, bb31_from_u32(log_heights[i]));
        for (size_t k = 0; k < vk->per_air[i].air->num_public_values; k++)
            swirl_transcript_observe(t, pvs[i][k]);
    }
}

static void cube_point(bb31x4 *ucube, const bb31x4 *u, size_t l_skip, size_t n_stack) {
    ucube[0] = u[0];
    for (size_t i = 1; i < l_skip; i++)
        ucube[i] = bb31x4_square(ucube[i - 1]);
    for (size_t i = 1; i <= n_stack; i++)
        ucube[l_skip - 1 + i] = u[i];
}

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        st = SWIRL_RAISE(__VA_ARGS__);                                                             \
        goto done;                                                                                 \
    } while (0)

enum swirl_status swirl_prove(swirl_proof *proof, const swirl_vk *vk,
                              const swirl_trace_input *traces) {
    return swirl_prove_ex(proof, vk, traces, NULL);
}

enum swirl_status swirl_prove_ex(swirl_proof *proof, const swirl_vk *vk,
                                 const swirl_trace_input *traces, const swirl_backend *be) {
    SWIRL_ARG_CHECK(proof && vk && traces);
    if (!be)
        be = swirl_backend_cpu();
    memset(proof, 0, sizeof *proof);
    SWIRL_TRY(check_vk(vk));
    const swirl_system_params *p = &vk->params;
    size_t n = vk->n_airs;
    enum swirl_status st = SWIRL_OK;
    size_t *order = malloc(n * sizeof *order);
    swirl_air_instance *inst = calloc(n, sizeof *inst);
    swirl_trace_view *views = calloc(n, sizeof *views);
    int *need_rot = calloc(n, sizeof *need_rot);
    swirl_stacked_pcs_data *d = NULL;
    proof->n_airs = n;
    proof->log_heights = calloc(n, sizeof *proof->log_heights);
    proof->public_values = calloc(n, sizeof *proof->public_values);
    proof->present = calloc(n, sizeof *proof->present);
    if (!order || !inst || !views || !need_rot || !proof->log_heights || !proof->public_values ||
        !proof->present)
        FAIL(SWIRL_E_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const swirl_air *air = vk->per_air[i].air;
        size_t h = traces[i].height;
        if (!traces[i].common && !vk->per_air[i].is_required)
            continue; /* an optional AIR left out */
        proof->present[i] = 1;
        if (!traces[i].common || h == 0 || (h & (h - 1)) != 0)
            FAIL(SWIRL_E_INVALID_ARG, "AIR %s: trace missing or height %zu not a power of two",
                 air->name, h);
        unsigned lh = swirl_log2_exact(h);
        if (lh > p->l_skip + p->n_stack)
            FAIL(SWIRL_E_INVALID_ARG, "AIR %s: log height %u exceeds l_skip + n_stack = %zu",
                 air->name, lh, p->l_skip + p->n_stack);
        if (air->num_public_values > 0 && !traces[i].public_values)
            FAIL(SWIRL_E_INVALID_ARG, "AIR %s: public values missing", air->name);
        proof->log_heights[i] = lh;
        proof->public_values[i] = malloc((air->num_public_values + 1) * sizeof(bb31));
        if (!proof->public_values[i])
            FAIL(SWIRL_E_NOMEM, "out of memory");
        if (air->num_public_values)
            memcpy(proof->public_values[i], traces[i].public_values,
                   air->num_public_values * sizeof(bb31));
    }
    size_t n_all = n;
    n = sort_order(order, proof->log_heights, proof->present, n_all);
    if (n == 0)
        FAIL(SWIRL_E_INVALID_ARG, "no AIR has a trace");
    for (size_t k = 0; k < n; k++) {
        size_t i = order[k];
        const swirl_air *air = vk->per_air[i].air;
        swirl_air_instance in = {
            air, NULL, NULL, traces[i].common, traces[i].height, proof->public_values[i]};
        inst[k] = in;
        swirl_trace_view v = {traces[i].common, traces[i].height, air->common_width};
        views[k] = v;
        need_rot[k] = swirl_zc_need_rot(air);
    }
    swirl_span_begin("stark_prove_excluding_trace");
    swirl_transcript t;
    swirl_transcript_init(&t);
    swirl_span_begin("prover.main_trace_commit");
    st = be->commit(be, &d, &proof->common_main_commit, views, n, (unsigned)p->l_skip,
                    (unsigned)p->n_stack, (unsigned)p->log_blowup, (unsigned)p->whir.k);
    swirl_span_end();
    if (st != SWIRL_OK)
        goto done_span;
    observe_header(&t, vk, &proof->common_main_commit, proof->log_heights, proof->present,
                   proof->public_values);
    swirl_zc_params zp = {(unsigned)p->l_skip, (unsigned)p->max_constraint_degree,
                          (unsigned)p->logup.pow_bits};
    bb31x4 r[64], u[64], ucube[64];
    size_t nr;
    st = be->rap_constraints(be, &proof->gkr, &proof->batch, r, &nr, &t, &zp, inst, n);
    if (st != SWIRL_OK)
        goto done_span;
    while (nr < 1 + p->n_stack)
        r[nr++] = bb31x4_zero(); /* coordinates past the tallest trace are never read */
    swirl_span_begin("prover.openings");
    swirl_stacked_commit_view cv = {&d->layout, d->matrix, need_rot};
    /* spans prover.openings.stacked_reduction and prover.openings.whir are the stages' own */
    st = be->stacked_reduction(be, &proof->stacking, u, &t, &cv, 1, (unsigned)p->l_skip,
                               (unsigned)p->n_stack, r);
    if (st == SWIRL_OK) {
        cube_point(ucube, u, p->l_skip, p->n_stack);
        const swirl_stacked_pcs_data *cs[1] = {d};
        st = be->whir(be, &proof->whir, &t, p, cs, 1, ucube);
    }
    swirl_span_end();
done_span:
    swirl_span_end();
done:
    swirl_stacked_pcs_data_destroy(d);
    free(order);
    free(inst);
    free(views);
    free(need_rot);
    if (st != SWIRL_OK)
        swirl_proof_clear(proof);
    return st;
}

#undef FAIL
#define FAIL(...)                                                                                  \
    do {                                                                                           \
        st = SWIRL_RAISE(__VA_ARGS__);                                                             \
        goto vdone;                                                                                \
    } while (0)

enum swirl_status swirl_verify(const swirl_vk *vk, const swirl_proof *proof) {
    SWIRL_ARG_CHECK(vk && proof);
    SWIRL_TRY(check_vk(vk));
    const swirl_system_params *p = &vk->params;
    size_t n = vk->n_airs;
    if (proof->n_airs != n || !proof->log_heights || !proof->public_values || !proof->present)
        return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "proof has %zu AIRs, the key %zu",
                           proof->n_airs, n);
    size_t n_present = 0;
    for (size_t i = 0; i < n; i++) {
        if (proof->present[i] > 1 || (!proof->present[i] && vk->per_air[i].is_required))
            return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "AIR %zu: a required AIR is absent", i);
        if (!proof->present[i])
            continue;
        n_present++;
        if (proof->log_heights[i] > p->l_skip + p->n_stack || !proof->public_values[i])
            return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "AIR %zu: bad log height or public values",
                               i);
    }
    if (n_present == 0)
        return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "no AIR is present");
    enum swirl_status st = SWIRL_OK;
    size_t *order = malloc(n * sizeof *order), *widths = malloc(n * sizeof *widths);
    unsigned *lh = malloc(n * sizeof *lh), *lg = malloc(n * sizeof *lg);
    const swirl_air **airs = malloc(n * sizeof *airs);
    const bb31 **pvs = malloc(n * sizeof *pvs);
    int *need_rot = malloc(n * sizeof *need_rot);
    bb31x4(*claims)[2] = NULL;
    swirl_stacked_layout lay;
    int have_layout = 0;
    if (!order || !widths || !lh || !lg || !airs || !pvs || !need_rot)
        FAIL(SWIRL_E_NOMEM, "out of memory");
    size_t n_all = n;
    n = sort_order(order, proof->log_heights, proof->present, n_all);
    size_t n_cols = 0;
    for (size_t k = 0; k < n; k++) {
        size_t i = order[k];
        airs[k] = vk->per_air[i].air;
        lh[k] = proof->log_heights[i];
        lg[k] = lh[k];
        pvs[k] = proof->public_values[i];
        widths[k] = airs[k]->common_width;
        need_rot[k] = swirl_zc_need_rot(airs[k]);
        n_cols += widths[k];
    }
    st = swirl_stacked_layout_init(&lay, (unsigned)p->l_skip, (unsigned)(p->l_skip + p->n_stack),
                                   widths, lg, n);
    if (st != SWIRL_OK) {
        st = SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "trace heights do not fit the stacked matrix");
        goto vdone;
    }
    have_layout = 1;
    swirl_transcript t;
    swirl_transcript_init(&t);
    observe_header(&t, vk, &proof->common_main_commit, proof->log_heights, proof->present,
                   proof->public_values);
    swirl_zc_params zp = {(unsigned)p->l_skip, (unsigned)p->max_constraint_degree,
                          (unsigned)p->logup.pow_bits};
    bb31x4 r[64], u[64], ucube[64];
    size_t nr;
    st = swirl_zerocheck_verify(r, &nr, &t, &zp, &proof->gkr, &proof->batch, airs, lh, pvs, n);
    if (st != SWIRL_OK)
        goto vdone;
    while (nr < 1 + p->n_stack)
        r[nr++] = bb31x4_zero();
    /* the column claims, in layout order (sorted traces, columns in order) */
    claims = calloc(n_cols + 1, sizeof *claims);
    if (!claims)
        FAIL(SWIRL_E_NOMEM, "out of memory");
    size_t o = 0, c = 0;
    for (size_t k = 0; k < n; k++) {
        int rot = swirl_zc_need_rot(airs[k]);
        for (size_t j = 0; j < widths[k]; j++, c++) {
            claims[c][0] = proof->batch.openings[o++];
            if (rot)
                claims[c][1] = proof->batch.openings[o++];
        }
    }
    swirl_stacked_commit_view cv = {&lay, NULL, need_rot};
    st =
        swirl_stacked_reduction_verify(u, &t, &proof->stacking, &cv, 1, (unsigned)p->l_skip,
                                       (unsigned)p->n_stack, (const bb31x4(*)[2])claims, n_cols, r);
    if (st != SWIRL_OK)
        goto vdone;
    cube_point(ucube, u, p->l_skip, p->n_stack);
    size_t w0 = lay.width;
    st = swirl_whir_verify(&t, p, &proof->whir, proof->stacking.stacking_openings, &w0,
                           &proof->common_main_commit, 1, ucube);
vdone:
    if (have_layout)
        swirl_stacked_layout_clear(&lay);
    free(order);
    free(widths);
    free(lh);
    free(lg);
    free(airs);
    free(pvs);
    free(need_rot);
    free(claims);
    return st;
}
