/* The prover's flow (OpenVM v2.0.1 prover/mod.rs Coordinator::prove, cpu_backend.rs
 * prove_openings): the commitments, the header observations, and the stages through a backend's
 * stage table (see prover/prove.h). The verifier's flow and the pieces both share are in
 * protocol/flow.c. */
#include "util/alloc.h"
#include "prover/prove.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/flow_common.h"
#include "util/span.h"
#include "prover/cuda_pow.h"
#include "device/cuda/cuda_trace.h"
#include "util/log.h"
#include "util/settings.h"
#include "util/test_hooks.h"

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        st = SWIRL_RAISE(__VA_ARGS__);                                                             \
        goto done;                                                                                 \
    } while (0)

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
        size_t ph = (size_t)1 << swirl_flow_preprocessed_log_height(vk, i);
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
 * the other in the stacked matrix (height >= 2^l_skip: pcs/stacked.h swirl_stacked_layout_block),
 * else copied into *copy (caller frees). */
static enum swirl_status unstack_preprocessed(const bb31 **out, bb31 **copy,
                                              const swirl_stacked_pcs_data *d, size_t width,
                                              size_t height) {
    const swirl_stacked_layout *lay = swirl_stacked_pcs_layout(d);
    const bb31 *matrix = NULL;
    swirl_stacked_block blk;
    *out = NULL;
    *copy = NULL;
    if (lay->num_mats != 1 || lay->num_cols != width)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "preprocessed data: %zu columns, expected %zu",
                           lay->num_cols, width);
    if (width == 0) { /* nothing to read (the stacked matrix has no columns of it) */
        SWIRL_TRY(swirl_stacked_pcs_host_matrix(d, &matrix));
        *out = matrix;
        return SWIRL_OK;
    }
    if (!swirl_stacked_layout_block(lay, 0, &blk) || blk.width != width || blk.height != height)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                           "preprocessed data: not one block of %zu columns of height %zu", width,
                           height);
    SWIRL_TRY(swirl_stacked_pcs_host_matrix(d, &matrix)); /* the key's data: host memory */
    if (blk.stride == 1) {
        *out = matrix + blk.offset;
        return SWIRL_OK;
    }
    bb31 *m = swirl_malloc((width * height + 1) * sizeof *m);
    if (!m)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    for (size_t c = 0; c < width; c++) {
        const bb31 *src = matrix + blk.offset + c * blk.col_len;
        for (size_t r = 0; r < height; r++)
            m[c * height + r] = src[r * blk.stride];
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
    size_t m = swirl_flow_count_other_commits(vk, order, n);
    x->data = swirl_malloc((m + 1) * sizeof *x->data);
    x->need_rot = swirl_malloc((m + 1) * sizeof *x->need_rot);
    x->owned = swirl_malloc((m + 1) * sizeof *x->owned);
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
        proof->cached_commits[i] = swirl_malloc(air->n_cached * sizeof(swirl_digest));
        if (!proof->cached_commits[i])
            return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
        for (size_t c = 0; c < air->n_cached; c++) {
            swirl_trace_view v = {traces[i].cached[c], traces[i].height, air->cached_widths[c],
                                  NULL};
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

/* the stacked shape of traces of the given widths and heights (sorted, tallest first) */
static enum swirl_status shape_of(swirl_commit_shape *out, const swirl_system_params *p,
                                  const size_t *widths, const unsigned *logs, size_t n) {
    swirl_stacked_layout lay;
    SWIRL_TRY(swirl_stacked_layout_init(&lay, (unsigned)p->l_skip,
                                        (unsigned)(p->l_skip + p->n_stack), widths, logs, n));
    out->height = lay.height;
    out->width = lay.width;
    swirl_stacked_layout_clear(&lay);
    return SWIRL_OK;
}

/* The backend's plan for this proof: every stacked matrix it will commit, the cached partitions
 * (one trace each) and the common main (views, sorted). */
static enum swirl_status plan_proof(const swirl_backend *be, const swirl_vk *vk,
                                    const swirl_trace_view *views, const size_t *order, size_t n,
                                    const swirl_air_instance *inst) {
    if (!be->begin_proof)
        return SWIRL_OK;
    const swirl_system_params *p = &vk->params;
    size_t m = 1 + swirl_flow_count_other_commits(vk, order, n);
    swirl_commit_shape *shapes = swirl_malloc(m * sizeof *shapes);
    size_t *widths = swirl_malloc(n * sizeof *widths);
    unsigned *logs = swirl_malloc(n * sizeof *logs);
    enum swirl_status st = SWIRL_OK;
    size_t k_shape = 0;
    if (!shapes || !widths || !logs)
        st = SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    for (size_t k = 0; k < n && st == SWIRL_OK; k++) {
        widths[k] = views[k].width;
        logs[k] = swirl_log2_exact(views[k].height);
        const swirl_air *air = vk->per_air[order[k]].air;
        for (size_t c = 0; c < air->n_cached && st == SWIRL_OK; c++)
            st = shape_of(&shapes[k_shape++], p, &air->cached_widths[c], &logs[k], 1);
    }
    if (st == SWIRL_OK)
        st = shape_of(&shapes[k_shape++], p, widths, logs, n);
    {
        swirl_zc_params zp = {(unsigned)p->l_skip, (unsigned)p->max_constraint_degree,
                              (unsigned)p->logup.pow_bits};
        if (st == SWIRL_OK)
            st = be->begin_proof(be, shapes, k_shape, (unsigned)p->log_blowup, &zp, inst, n);
    }
    free(shapes);
    free(widths);
    free(logs);
    return st;
}

/* Host copies of the device common mains (host[k] for sorted trace k, freed by the caller) for a
 * rap_constraints stage that reads the traces on the host: a logged fallback, one stage
 * "cpu_fallback:trace_download" per trace. */
static enum swirl_status download_device_traces(bb31 **host, swirl_air_instance *inst,
                                                const swirl_backend *be, const size_t *order,
                                                size_t n, const bb31 *const *d_common) {
    for (size_t k = 0; k < n; k++) {
        const bb31 *d = d_common[order[k]];
        if (!d)
            continue;
        size_t cells = inst[k].height * inst[k].air->common_width;
        swirl_log(SWIRL_LOG_WARN,
                  "prover.rap_constraints reads AIR %s's trace on the host: downloading its "
                  "device trace (%zu MB; SWIRL_GPU_STAGES=0 or a transcript log)",
                  inst[k].air->name, cells * sizeof(bb31) >> 20);
        host[k] = swirl_malloc((cells + 1) * sizeof(bb31));
        if (!host[k])
            return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory (%zu cells)", cells);
        SWIRL_TRY(swirl_cuda_trace_download(be->gpu, host[k], d, cells,
                                            "cpu_fallback:trace_download"));
        inst[k].common = host[k];
    }
    return SWIRL_OK;
}

enum swirl_status swirl_flow_prove(swirl_proof *proof, const swirl_vk *vk,
                                   const swirl_trace_input *traces, const swirl_backend *be,
                                   swirl_transcript_log *log) {
    return swirl_flow_prove_dev(proof, vk, traces, NULL, be, log);
}

enum swirl_status swirl_flow_prove_dev(swirl_proof *proof, const swirl_vk *vk,
                                       const swirl_trace_input *traces, const bb31 *const *d_common,
                                       const swirl_backend *be, swirl_transcript_log *log) {
    SWIRL_ARG_CHECK(proof && vk && traces);
    if (!be)
        be = swirl_backend_cpu();
    memset(proof, 0, sizeof *proof);
    SWIRL_TRY(swirl_flow_check_vk(vk));
    const swirl_system_params *p = &vk->params;
    size_t n = vk->n_airs;
    enum swirl_status st = SWIRL_OK;
    size_t *order = swirl_malloc(n * sizeof *order);
    swirl_air_instance *inst = swirl_calloc(n, sizeof *inst);
    swirl_trace_view *views = swirl_calloc(n, sizeof *views);
    int *need_rot = swirl_calloc(n, sizeof *need_rot);
    bb31 **prep_copy = swirl_calloc(n, sizeof *prep_copy);
    bb31 **dev_copy = swirl_calloc(n, sizeof *dev_copy); /* host copies of device traces */
    swirl_stacked_pcs_data *d = NULL;
    other_commits oc = {0};
    const swirl_stacked_pcs_data **cs = NULL;
    swirl_stacked_commit_view *cv = NULL;
    proof->n_airs = n;
    proof->log_heights = swirl_calloc(n, sizeof *proof->log_heights);
    proof->public_values = swirl_calloc(n, sizeof *proof->public_values);
    proof->present = swirl_calloc(n, sizeof *proof->present);
    proof->cached_commits = swirl_calloc(n, sizeof *proof->cached_commits);
    if (!order || !inst || !views || !need_rot || !prep_copy || !dev_copy || !proof->log_heights ||
        !proof->public_values || !proof->present || !proof->cached_commits)
        FAIL(SWIRL_E_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const swirl_air *air = vk->per_air[i].air;
        size_t h = traces[i].height;
        const bb31 *dv = d_common ? d_common[i] : NULL;
        if (!traces[i].common && !dv && !vk->per_air[i].is_required)
            continue; /* an optional AIR left out */
        if (dv && (!be->gpu || traces[i].common))
            FAIL(SWIRL_E_INVALID_ARG,
                 "AIR %s: a device trace needs the cuda backend (this one is %s) and no host trace",
                 air->name, be->name);
        if (SWIRL_TEST_HOOK(drop_air) == i + 1)
            continue; /* a test's dishonest prover leaving an AIR out */
        proof->present[i] = 1;
        if ((!traces[i].common && !dv) || h == 0 || (h & (h - 1)) != 0)
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
        proof->public_values[i] = swirl_malloc((air->num_public_values + 1) * sizeof(bb31));
        if (!proof->public_values[i])
            FAIL(SWIRL_E_NOMEM, "out of memory");
        if (air->num_public_values)
            memcpy(proof->public_values[i], traces[i].public_values,
                   air->num_public_values * sizeof(bb31));
    }
    size_t n_all = n;
    n = swirl_flow_sort_order(order, proof->log_heights, proof->present, n_all);
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
        /* a device trace: its device address stands for the common main until the host needs
         * its values (download_device_traces); the device rap stage reads it only from the
         * commitment, and uses the address only to tell partitions apart */
        const bb31 *dv = d_common ? d_common[i] : NULL;
        swirl_air_instance in = {air,
                                 prep,
                                 air->n_cached ? traces[i].cached : NULL,
                                 dv ? dv : traces[i].common,
                                 traces[i].height,
                                 proof->public_values[i]};
        inst[k] = in;
        swirl_trace_view v = {dv ? NULL : traces[i].common, traces[i].height, air->common_width,
                              dv};
        views[k] = v;
        need_rot[k] = swirl_zc_need_rot(air);
    }
    /* the cached partitions are committed first, outside stark_prove_excluding_trace: OpenVM's
     * prover receives them committed (AirProvingContext::cached_mains); the span only when any */
    int any_cached = 0;
    for (size_t k = 0; k < n; k++)
        any_cached |= vk->per_air[order[k]].air->n_cached > 0;
    st = plan_proof(be, vk, views, order, n, inst);
    if (st != SWIRL_OK)
        goto done;
    if (any_cached)
        swirl_span_begin("prover.cached_trace_commit");
    st = commit_partitions(&oc, proof, be, vk, traces, order, n);
    if (any_cached)
        swirl_span_end();
    if (st != SWIRL_OK)
        goto done;
    cs = swirl_malloc((1 + oc.n) * sizeof *cs);
    cv = swirl_malloc((1 + oc.n) * sizeof *cv);
    if (!cs || !cv)
        FAIL(SWIRL_E_NOMEM, "out of memory");
    swirl_span_begin("stark_prove_excluding_trace");
    swirl_transcript t;
    swirl_transcript_init(&t);
    swirl_transcript_set_log(&t, log);
    /* with the device stages, every PoW of the host-driven stages searches on the device too
     * (SWIRL_GPU_STAGES: not yet the default, see docs/PERF.md) */
    if (be->gpu && swirl_settings_get()->gpu_stages)
        swirl_transcript_set_grinder(&t, swirl_cuda_pow_grind, be->gpu);
    swirl_span_begin("prover.main_trace_commit");
    st = be->commit(be, &d, &proof->common_main_commit, views, n, (unsigned)p->l_skip,
                    (unsigned)p->n_stack, (unsigned)p->log_blowup, (unsigned)p->whir.k);
    swirl_span_end();
    if (st != SWIRL_OK)
        goto done_span;
    /* the host stages need the device traces' values: a logged, counted download */
    if (d_common && swirl_backend_rap_reads_host(be, log != NULL)) {
        st = download_device_traces(dev_copy, inst, be, order, n, d_common);
        if (st != SWIRL_OK)
            goto done_span;
    }
    /* OpenVM's proof_shape.rs:572-580: all commitments' stacked widths together within w_stack */
    size_t total_w = swirl_stacked_pcs_layout(d)->width;
    for (size_t e = 0; e < oc.n; e++)
        total_w += swirl_stacked_pcs_layout(oc.data[e])->width;
    if (total_w > p->w_stack) {
        st = SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                         "the commitments' stacked widths total %zu, more than w_stack = %zu",
                         total_w, p->w_stack);
        goto done_span;
    }
    swirl_flow_observe_header(&t, vk, proof);
    swirl_zc_params zp = {(unsigned)p->l_skip, (unsigned)p->max_constraint_degree,
                          (unsigned)p->logup.pow_bits};
    bb31x4 r[64], u[64], ucube[64];
    size_t nr;
    /* the commitments: common main, then the others in opening order; the views carry the PCS
     * data, whose owner serves the traces' columns (rap_constraints may read them there), the
     * stacked columns (stacked reduction, WHIR) and the openings */
    swirl_stacked_commit_view c0 = {swirl_stacked_pcs_layout(d), NULL, need_rot, d};
    cv[0] = c0;
    cs[0] = d;
    for (size_t e = 0; e < oc.n; e++) {
        swirl_stacked_commit_view ce = {swirl_stacked_pcs_layout(oc.data[e]), NULL, &oc.need_rot[e],
                                        oc.data[e]};
        cv[1 + e] = ce;
        cs[1 + e] = oc.data[e];
    }
    st =
        be->rap_constraints(be, &proof->gkr, &proof->batch, r, &nr, &t, &zp, inst, n, cs, 1 + oc.n);
    if (st != SWIRL_OK)
        goto done_span;
    while (nr < 1 + p->n_stack)
        r[nr++] = bb31x4_zero(); /* coordinates past the tallest trace are never read */
    swirl_span_begin("prover.openings");
    /* spans prover.openings.stacked_reduction and prover.openings.whir are the stages' own */
    st = be->stacked_reduction(be, &proof->stacking, u, &t, cv, 1 + oc.n, (unsigned)p->l_skip,
                               (unsigned)p->n_stack, r);
    if (st == SWIRL_OK) {
        swirl_flow_cube_point(ucube, u, p->l_skip, p->n_stack);
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
    if (dev_copy)
        for (size_t k = 0; k < vk->n_airs; k++)
            free(dev_copy[k]);
    free(dev_copy);
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
