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
static unsigned preprocessed_log_height(const swirl_vk *vk, size_t i) {
    return (unsigned)(vk->per_air[i].preprocessed_hypercube_dim + (int64_t)vk->params.l_skip);
}

/* The observations before rap_constraints (OpenVM prover/mod.rs:110-175, verifier/mod.rs:129-161):
 * the vk pre-hash, the common main commitment, then per AIR in vk order: presence when the AIR is
 * not required; when present, the key's preprocessed commitment for an AIR that has one (its log
 * height is then fixed by the key and not observed), else the log height; the AIR's cached
 * commitments; its public values. */
static void observe_header(swirl_transcript *t, const swirl_vk *vk, const swirl_proof *proof) {
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
static size_t count_other_commits(const swirl_vk *vk, const size_t *order, size_t n) {
    size_t m = 0;
    for (size_t k = 0; k < n; k++)
        m += (vk->per_air[order[k]].has_preprocessed ? 1 : 0) + vk->per_air[order[k]].air->n_cached;
    return m;
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

/* A present AIR's partitions as the prover needs them: the key's preprocessed PcsData (OpenVM's
 * proving key) with the trace height it fixes, and every cached partition. */
static enum swirl_status check_partitions(const swirl_vk *vk, size_t i,
                                          const swirl_trace_input *in) {
    const swirl_vk_air *va = &vk->per_air[i];
    const swirl_air *air = va->air;
    if (va->has_preprocessed) {
        if (!va->preprocessed_data)
            return SWIRL_RAISE(
                SWIRL_E_INVALID_ARG,
                "AIR %s: the key has no preprocessed prover data (a key decoded from "
                "bytes can only verify; prove with the key from swirl_keygen)",
                air->name);
        size_t ph = (size_t)1 << preprocessed_log_height(vk, i);
        if (in->height != ph)
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                               "AIR %s: trace height %zu differs from the preprocessed trace's "
                               "height %zu",
                               air->name, in->height, ph);
    }
    if (air->n_cached > 0 && !in->cached)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "AIR %s: its %zu cached partitions are missing",
                           air->name, air->n_cached);
    for (size_t c = 0; c < air->n_cached; c++)
        if (!in->cached[c])
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "AIR %s: cached partition %zu is missing",
                               air->name, c);
    return SWIRL_OK;
}

/* The preprocessed trace (column-major, `height` rows) read back from the key's PcsData, as
 * OpenVM's transport_pk_to_device takes mat_view(0) of it: in place when its columns lie one after
 * the other in the stacked matrix (height >= 2^l_skip), else copied into *copy (caller frees). */
static enum swirl_status unstack_preprocessed(const bb31 **out, bb31 **copy,
                                              const swirl_stacked_pcs_data *d, size_t width,
                                              size_t height) {
    const swirl_stacked_layout *lay = &d->layout;
    *out = NULL;
    *copy = NULL;
    unsigned lh = swirl_log2_exact(height);
    if (lay->num_mats != 1 || lay->num_cols != width)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "preprocessed data: %zu columns, expected %zu",
                           lay->num_cols, width);
    int in_place = 1;
    for (size_t c = 0; c < width; c++) {
        const swirl_stacked_slice *sl = &lay->cols[c];
        if (sl->mat_idx != 0 || sl->col != c || sl->log_height != lh)
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "preprocessed data: column %zu mis-shaped", c);
        if (swirl_stacked_slice_stride(sl, lay->l_skip) != 1 ||
            sl->col_idx * lay->height + sl->row_idx != c * height)
            in_place = 0;
    }
    if (in_place) {
        *out = d->matrix;
        return SWIRL_OK;
    }
    bb31 *m = malloc((width * height + 1) * sizeof *m);
    if (!m)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    for (size_t c = 0; c < width; c++) {
        const swirl_stacked_slice *sl = &lay->cols[c];
        size_t stride = swirl_stacked_slice_stride(sl, lay->l_skip);
        const bb31 *src = d->matrix + sl->col_idx * lay->height + sl->row_idx;
        for (size_t r = 0; r < height; r++)
            m[c * height + r] = src[r * stride];
    }
    *out = *copy = m;
    return SWIRL_OK;
}

/* The commitments after the common main, in OpenVM's opening order (cpu_backend.rs:155-192): per
 * present AIR in the sorted order, the key's preprocessed PcsData, then a commitment of each cached
 * partition (made here through the backend's commit slot; the roots go to
 * proof->cached_commits). Each commitment is one matrix, opened with its AIR's need_rot. */
typedef struct other_commits {
    size_t n;
    const swirl_stacked_pcs_data **data; /* n, borrowed from the key or owned[] */
    int *need_rot;                       /* n */
    swirl_stacked_pcs_data **owned;      /* the cached partitions' data, n_owned */
    size_t n_owned;
} other_commits;

static void other_commits_clear(other_commits *x) {
    for (size_t i = 0; i < x->n_owned; i++)
        swirl_stacked_pcs_data_destroy(x->owned[i]);
    free(x->owned);
    free(x->data);
    free(x->need_rot);
    memset(x, 0, sizeof *x);
}

static enum swirl_status commit_partitions(other_commits *x, swirl_proof *proof,
                                           const swirl_backend *be, const swirl_vk *vk,
                                           const swirl_trace_input *traces, const size_t *order,
                                           size_t n) {
    const swirl_system_params *p = &vk->params;
    size_t m = count_other_commits(vk, order, n);
    x->data = malloc((m + 1) * sizeof *x->data);
    x->need_rot = malloc((m + 1) * sizeof *x->need_rot);
    x->owned = malloc((m + 1) * sizeof *x->owned);
    if (!x->data || !x->need_rot || !x->owned)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    for (size_t k = 0; k < n; k++) {
        size_t i = order[k];
        const swirl_vk_air *va = &vk->per_air[i];
        const swirl_air *air = va->air;
        int rot = swirl_zc_need_rot(air);
        if (va->has_preprocessed) {
            x->data[x->n] = va->preprocessed_data;
            x->need_rot[x->n++] = rot;
        }
        if (air->n_cached == 0)
            continue;
        proof->cached_commits[i] = malloc(air->n_cached * sizeof(swirl_digest));
        if (!proof->cached_commits[i])
            return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
        for (size_t c = 0; c < air->n_cached; c++) {
            swirl_trace_view v = {traces[i].cached[c], traces[i].height, air->cached_widths[c]};
            swirl_stacked_pcs_data *d = NULL;
            SWIRL_TRY(be->commit(be, &d, &proof->cached_commits[i][c], &v, 1, (unsigned)p->l_skip,
                                 (unsigned)p->n_stack, (unsigned)p->log_blowup,
                                 (unsigned)p->whir.k));
            x->owned[x->n_owned++] = d;
            x->data[x->n] = d;
            x->need_rot[x->n++] = rot;
        }
    }
    return SWIRL_OK;
}

enum swirl_status swirl_prove_ex(swirl_proof *proof, const swirl_vk *vk,
                                 const swirl_trace_input *traces, const swirl_backend *be) {
    return swirl_prove_logged(proof, vk, traces, be, NULL);
}

enum swirl_status swirl_prove_logged(swirl_proof *proof, const swirl_vk *vk,
                                     const swirl_trace_input *traces, const swirl_backend *be,
                                     swirl_transcript_log *log) {
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
    bb31 **prep_copy = calloc(n, sizeof *prep_copy);
    swirl_stacked_pcs_data *d = NULL;
    other_commits oc = {0};
    const swirl_stacked_pcs_data **cs = NULL;
    swirl_stacked_commit_view *cv = NULL;
    proof->n_airs = n;
    proof->log_heights = calloc(n, sizeof *proof->log_heights);
    proof->public_values = calloc(n, sizeof *proof->public_values);
    proof->present = calloc(n, sizeof *proof->present);
    proof->cached_commits = calloc(n, sizeof *proof->cached_commits);
    if (!order || !inst || !views || !need_rot || !prep_copy || !proof->log_heights ||
        !proof->public_values || !proof->present || !proof->cached_commits)
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
        st = check_partitions(vk, i, &traces[i]);
        if (st != SWIRL_OK)
            goto done;
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
        const swirl_vk_air *va = &vk->per_air[i];
        const swirl_air *air = va->air;
        const bb31 *prep = NULL;
        if (va->has_preprocessed) {
            st = unstack_preprocessed(&prep, &prep_copy[i], va->preprocessed_data,
                                      air->preprocessed_width, traces[i].height);
            if (st != SWIRL_OK)
                goto done;
        }
        swirl_air_instance in = {air,
                                 prep,
                                 air->n_cached ? traces[i].cached : NULL,
                                 traces[i].common,
                                 traces[i].height,
                                 proof->public_values[i]};
        inst[k] = in;
        swirl_trace_view v = {traces[i].common, traces[i].height, air->common_width};
        views[k] = v;
        need_rot[k] = swirl_zc_need_rot(air);
    }
    /* the cached partitions are committed first, outside stark_prove_excluding_trace: OpenVM's
     * prover receives them committed (AirProvingContext::cached_mains); the span only when any */
    int any_cached = 0;
    for (size_t k = 0; k < n; k++)
        any_cached |= vk->per_air[order[k]].air->n_cached > 0;
    if (any_cached)
        swirl_span_begin("prover.cached_trace_commit");
    st = commit_partitions(&oc, proof, be, vk, traces, order, n);
    if (any_cached)
        swirl_span_end();
    if (st != SWIRL_OK)
        goto done;
    cs = malloc((1 + oc.n) * sizeof *cs);
    cv = malloc((1 + oc.n) * sizeof *cv);
    if (!cs || !cv)
        FAIL(SWIRL_E_NOMEM, "out of memory");
    swirl_span_begin("stark_prove_excluding_trace");
    swirl_transcript t;
    swirl_transcript_init(&t);
    swirl_transcript_set_log(&t, log);
    swirl_span_begin("prover.main_trace_commit");
    st = be->commit(be, &d, &proof->common_main_commit, views, n, (unsigned)p->l_skip,
                    (unsigned)p->n_stack, (unsigned)p->log_blowup, (unsigned)p->whir.k);
    swirl_span_end();
    if (st != SWIRL_OK)
        goto done_span;
    /* OpenVM's proof_shape.rs:572-580: all commitments' stacked widths together within w_stack */
    size_t total_w = d->layout.width;
    for (size_t e = 0; e < oc.n; e++)
        total_w += oc.data[e]->layout.width;
    if (total_w > p->w_stack) {
        st = SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                         "the commitments' stacked widths total %zu, more than w_stack = %zu",
                         total_w, p->w_stack);
        goto done_span;
    }
    observe_header(&t, vk, proof);
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
    /* the commitments: common main, then the others in opening order */
    swirl_stacked_commit_view c0 = {&d->layout, d->matrix, need_rot};
    cv[0] = c0;
    cs[0] = d;
    for (size_t e = 0; e < oc.n; e++) {
        swirl_stacked_commit_view ce = {&oc.data[e]->layout, oc.data[e]->matrix, &oc.need_rot[e]};
        cv[1 + e] = ce;
        cs[1 + e] = oc.data[e];
    }
    /* spans prover.openings.stacked_reduction and prover.openings.whir are the stages' own */
    st = be->stacked_reduction(be, &proof->stacking, u, &t, cv, 1 + oc.n, (unsigned)p->l_skip,
                               (unsigned)p->n_stack, r);
    if (st == SWIRL_OK) {
        cube_point(ucube, u, p->l_skip, p->n_stack);
        st = be->whir(be, &proof->whir, &t, p, cs, 1 + oc.n, ucube);
    }
    swirl_span_end();
done_span:
    swirl_span_end();
done:
    swirl_stacked_pcs_data_destroy(d);
    other_commits_clear(&oc);
    if (prep_copy)
        for (size_t i = 0; i < vk->n_airs; i++)
            free(prep_copy[i]);
    free(prep_copy);
    free(cs);
    free(cv);
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
        if (proof->present[i] > 1 || (!proof->present[i] && vk->per_air[i].is_required))
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
            proof->log_heights[i] != preprocessed_log_height(vk, i))
            return SWIRL_RAISE(SWIRL_E_PROOF_REJECTED,
                               "AIR %zu: log height %u differs from its preprocessed trace's %u", i,
                               proof->log_heights[i], preprocessed_log_height(vk, i));
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

enum swirl_status swirl_verify(const swirl_vk *vk, const swirl_proof *proof) {
    return swirl_verify_logged(vk, proof, NULL);
}

enum swirl_status swirl_verify_logged(const swirl_vk *vk, const swirl_proof *proof,
                                      swirl_transcript_log *log) {
    SWIRL_ARG_CHECK(vk && proof);
    SWIRL_TRY(check_vk(vk));
    const swirl_system_params *p = &vk->params;
    size_t n = vk->n_airs, n_present;
    SWIRL_TRY(check_trace_vdata(vk, proof, &n_present));
    enum swirl_status st = SWIRL_OK;
    size_t *order = malloc(n * sizeof *order), *widths = malloc(n * sizeof *widths);
    unsigned *lh = malloc(n * sizeof *lh);
    const swirl_air **airs = malloc(n * sizeof *airs);
    const bb31 **pvs = malloc(n * sizeof *pvs);
    int *need_rot = malloc(n * sizeof *need_rot);
    bb31x4(*claims)[2] = NULL;
    /* commitment 0 is the common main; the others follow in opening order */
    swirl_stacked_layout *lays = NULL;
    swirl_stacked_commit_view *cv = NULL;
    swirl_digest *roots = NULL;
    size_t *cw = NULL, n_lays = 0;
    if (!order || !widths || !lh || !airs || !pvs || !need_rot)
        FAIL(SWIRL_E_NOMEM, "out of memory");
    size_t n_all = n;
    n = sort_order(order, proof->log_heights, proof->present, n_all);
    size_t m = 1 + count_other_commits(vk, order, n);
    lays = calloc(m, sizeof *lays);
    cv = malloc(m * sizeof *cv);
    roots = malloc(m * sizeof *roots);
    cw = malloc(m * sizeof *cw);
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
    if (st != SWIRL_OK)
        FAIL(SWIRL_E_PROOF_MALFORMED, "trace heights do not fit the stacked matrix");
    n_lays = 1;
    roots[0] = proof->common_main_commit;
    cv[0] = (swirl_stacked_commit_view){&lays[0], NULL, need_rot};
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
            cv[n_lays] = (swirl_stacked_commit_view){&lays[n_lays], NULL, &need_rot[k]};
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
    observe_header(&t, vk, proof);
    swirl_zc_params zp = {(unsigned)p->l_skip, (unsigned)p->max_constraint_degree,
                          (unsigned)p->logup.pow_bits};
    bb31x4 r[64], u[64], ucube[64];
    size_t nr;
    st = swirl_zerocheck_verify(r, &nr, &t, &zp, &proof->gkr, &proof->batch, airs, lh, pvs, n);
    if (st != SWIRL_OK)
        goto vdone;
    while (nr < 1 + p->n_stack)
        r[nr++] = bb31x4_zero();
    claims = calloc(n_cols + 1, sizeof *claims);
    if (!claims)
        FAIL(SWIRL_E_NOMEM, "out of memory");
    gather_claims(claims, &proof->batch, airs, n);
    st =
        swirl_stacked_reduction_verify(u, &t, &proof->stacking, cv, n_lays, ls,
                                       (unsigned)p->n_stack, (const bb31x4(*)[2])claims, n_cols, r);
    if (st != SWIRL_OK)
        goto vdone;
    cube_point(ucube, u, p->l_skip, p->n_stack);
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
