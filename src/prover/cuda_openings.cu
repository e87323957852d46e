/*
 * The opening stages on the GPU (cuda_openings.h). The stacked opening reduction: the host plan
 * (sr_plan.h) goes up in one upload, the kernels (device/cuda/cuda_sr.h) run every round with
 * the challenges sampled on the device transcript, the proof buffer and the transcript state come
 * down in one copy, and the stage's end is its one host sync.
 */
#include <stdlib.h>
#include <string.h>

#include "device/cuda/cuda_common.cuh"
#include "device/cuda/cuda_sr.h"
#include "prover/cuda_openings.h"
#include "prover/cuda_pcs.h"
#include "prover/sr_plan.h"
#include "util/alloc.h"
#include "util/span.h"

static size_t op_round_up(size_t bytes) {
    return ((bytes ? bytes : 1) + 255) & ~(size_t)255;
}

/* The host side of one run: the plan, the metadata blob (views | classes | offsets | W tile
 * offsets | r | matrix pointers, one upload), the matrices, the downloaded proof buffer +
 * transcript. */
typedef struct sr_stage {
    swirl_sr_plan pl;
    const bb31 **h_mats;    /* device pointers per commit */
    const bb31 **h_host;    /* host matrices to upload (NULL: on the device already) */
    unsigned char *blob;
    size_t o_cls, o_offs, o_woffs, o_r, o_mats, blob_bytes;
    size_t out_bytes;       /* proof buffer, then the transcript */
    unsigned char *out;
} sr_stage;

static void sr_stage_clear(sr_stage *s) {
    swirl_sr_plan_clear(&s->pl);
    free(s->h_mats);
    free(s->h_host);
    free(s->blob);
    free(s->out);
}

static void sr_blob_layout(sr_stage *s) {
    const swirl_sr_params *pr = &s->pl.prm;
    s->o_cls = op_round_up(pr->ntv * sizeof(swirl_sr_view));
    s->o_offs = s->o_cls + op_round_up(pr->ncls * sizeof(swirl_sr_class));
    s->o_woffs = s->o_offs + op_round_up((size_t)pr->n_stack * (pr->ntv + 1) * sizeof(uint64_t));
    s->o_r = s->o_woffs + op_round_up((pr->ntv + 1) * sizeof(uint64_t));
    s->o_mats = s->o_r + op_round_up((pr->n_stack + 1) * sizeof(bb31x4));
    s->blob_bytes = s->o_mats + op_round_up(s->pl.n_commits * sizeof(bb31 *));
    s->out_bytes = op_round_up(pr->proof_len * sizeof(bb31x4)) + sizeof(swirl_transcript);
}

/* the host matrix of commit c when it is not GPU data of ctx (NULL otherwise) */
static enum swirl_status sr_host_matrix(const swirl_cuda_ctx *ctx,
                                        const swirl_stacked_commit_view *cv, const bb31 **out) {
    *out = NULL;
    if (cv->pcs && ctx && swirl_cuda_pcs_on_device(cv->pcs, ctx))
        return SWIRL_OK;
    if (cv->matrix) {
        *out = cv->matrix;
        return SWIRL_OK;
    }
    if (!cv->pcs)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "stacked reduction: a commit with neither a "
                           "matrix nor PCS data");
    return swirl_stacked_pcs_host_matrix(cv->pcs, out);
}

extern "C" size_t swirl_cuda_stacked_reduction_bytes(const swirl_cuda_ctx *ctx,
                                                     const swirl_stacked_commit_view *commits,
                                                     size_t n_commits, unsigned l_skip,
                                                     unsigned n_stack) {
    sr_stage s;
    memset(&s, 0, sizeof s);
    size_t bytes = 0;
    bb31x4 r0[1] = {bb31x4_zero()}; /* the plan's sizes do not depend on r */
    if (commits && n_commits > 0 &&
        swirl_sr_plan_init(&s.pl, commits, n_commits, l_skip, n_stack, r0, 0) == SWIRL_OK) {
        sr_blob_layout(&s);
        bytes = op_round_up(s.blob_bytes) + op_round_up(s.out_bytes) +
                swirl_cuda_sr_scratch_bytes(&s.pl.prm);
        for (size_t c = 0; c < n_commits; c++)
            if (!(commits[c].pcs && ctx && swirl_cuda_pcs_on_device(commits[c].pcs, ctx)))
                bytes += op_round_up(commits[c].layout->height * commits[c].layout->width *
                                     sizeof(bb31));
    }
    swirl_sr_plan_clear(&s.pl);
    return bytes;
}

/* the plan, the blob and the matrices' sources (host work, before the stage) */
static enum swirl_status sr_prepare(swirl_cuda_ctx *ctx, sr_stage *s,
                                    const swirl_stacked_commit_view *commits, size_t n_commits,
                                    unsigned l_skip, unsigned n_stack, const bb31x4 *r) {
    SWIRL_TRY(swirl_sr_plan_init(&s->pl, commits, n_commits, l_skip, n_stack, r, 0));
    const swirl_sr_params *pr = &s->pl.prm;
    sr_blob_layout(s);
    s->h_mats = (const bb31 **)swirl_calloc(n_commits, sizeof *s->h_mats);
    s->h_host = (const bb31 **)swirl_calloc(n_commits, sizeof *s->h_host);
    s->blob = (unsigned char *)swirl_calloc(s->blob_bytes, 1);
    s->out = (unsigned char *)swirl_malloc(s->out_bytes);
    if (!s->h_mats || !s->h_host || !s->blob || !s->out)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "stacked reduction: out of memory (%zu-byte plan)",
                           s->blob_bytes);
    for (size_t c = 0; c < n_commits; c++) {
        SWIRL_TRY(sr_host_matrix(ctx, &commits[c], &s->h_host[c]));
        if (!s->h_host[c])
            SWIRL_TRY(swirl_cuda_pcs_device(commits[c].pcs, ctx, &s->h_mats[c], NULL, NULL));
    }
    memcpy(s->blob, s->pl.views, pr->ntv * sizeof(swirl_sr_view));
    memcpy(s->blob + s->o_cls, s->pl.cls, pr->ncls * sizeof(swirl_sr_class));
    memcpy(s->blob + s->o_offs, s->pl.offs, (size_t)pr->n_stack * (pr->ntv + 1) * sizeof(uint64_t));
    memcpy(s->blob + s->o_woffs, s->pl.woffs, (pr->ntv + 1) * sizeof(uint64_t));
    memcpy(s->blob + s->o_r, r, (pr->n_stack + 1) * sizeof(bb31x4));
    return SWIRL_OK;
}

/* device memory: the blob, the output region, the uploaded matrices, the scratch; fills d */
static enum swirl_status sr_device(swirl_cuda_ctx *ctx, sr_stage *s, swirl_cuda_sr_dev *d,
                                   unsigned char **d_blob, unsigned char **d_out) {
    const swirl_sr_params *pr = &s->pl.prm;
    void *p = NULL;
    SWIRL_TRY(swirl_cuda_alloc(ctx, &p, s->blob_bytes));
    *d_blob = (unsigned char *)p;
    SWIRL_TRY(swirl_cuda_alloc(ctx, &p, s->out_bytes));
    *d_out = (unsigned char *)p;
    for (size_t c = 0; c < s->pl.n_commits; c++)
        if (s->h_host[c]) {
            SWIRL_TRY(swirl_cuda_alloc(ctx, &p, pr->Hs * (s->pl.col_base[c + 1] -
                                                          s->pl.col_base[c]) * sizeof(bb31)));
            s->h_mats[c] = (const bb31 *)p;
        }
    memcpy(s->blob + s->o_mats, s->h_mats, s->pl.n_commits * sizeof(bb31 *));
    memset(d, 0, sizeof *d);
    d->views = (const swirl_sr_view *)*d_blob;
    d->cls = (swirl_sr_class *)(*d_blob + s->o_cls);
    d->offs = (const uint64_t *)(*d_blob + s->o_offs);
    d->woffs = (const uint64_t *)(*d_blob + s->o_woffs);
    d->r = (const bb31x4 *)(*d_blob + s->o_r);
    d->mats = (const bb31 *const *)(*d_blob + s->o_mats);
    d->proof = (bb31x4 *)*d_out;
    d->t = (swirl_transcript *)(*d_out + op_round_up(pr->proof_len * sizeof(bb31x4)));
    return swirl_cuda_sr_alloc_scratch(ctx, d, pr);
}

/* the observation running on the worker joined, then the state up: run between the
 * transcript-free kernels and λ (the span: how long the host still waits for it there) */
typedef struct sr_pending {
    swirl_cuda_ctx *ctx;
    swirl_transcript *t, *d_t;
    swirl_ts_async *obs;
} sr_pending;

static enum swirl_status sr_observe_pending(void *arg) {
    sr_pending *p = (sr_pending *)arg;
    swirl_span_begin("sr_host.observe_pending");
    swirl_cuda_tl_mark(p->ctx, "observe_join");
    swirl_ts_async_join(p->obs);
    swirl_cuda_tl_mark(p->ctx, "observe_joined");
    swirl_span_end();
    return swirl_cuda_upload(p->ctx, p->d_t, p->t, sizeof *p->t);
}

/* inside the stage: uploads, the kernels, the one download */
static enum swirl_status sr_run(swirl_cuda_ctx *ctx, sr_stage *s, const swirl_cuda_sr_dev *d,
                                unsigned char *d_blob, unsigned char *d_out, swirl_transcript *t,
                                swirl_ts_async *obs) {
    const swirl_sr_params *pr = &s->pl.prm;
    SWIRL_TRY(swirl_cuda_upload(ctx, d_blob, s->blob, s->blob_bytes));
    if (!obs)
        SWIRL_TRY(swirl_cuda_upload(ctx, d->t, t, sizeof *t));
    for (size_t c = 0; c < s->pl.n_commits; c++)
        if (s->h_host[c]) {
            /* a plain copy (no counted staging waits: the stage keeps its one sync) */
            size_t bytes = pr->Hs * (s->pl.col_base[c + 1] - s->pl.col_base[c]) * sizeof(bb31);
            SWIRL_TRY(swirl_cuda_upload(ctx, (void *)s->h_mats[c], s->h_host[c], bytes));
        }
    sr_pending p = {ctx, t, d->t, obs};
    SWIRL_TRY(swirl_cuda_sr_enqueue(ctx, pr, d, s->h_mats, s->pl.col_base, s->pl.n_commits,
                                    s->pl.offs, obs ? sr_observe_pending : NULL, &p));
    return swirl_cuda_download(ctx, s->out, d_out, s->out_bytes);
}

/* A log attached to t: the stage's transcript operations replayed on the host from the proof
 * values (the log sees them), which must end in the device's state. */
static enum swirl_status sr_replay(swirl_transcript *t, const swirl_stacking_proof *proof,
                                   const bb31x4 *u, const swirl_transcript *dev) {
    (void)swirl_transcript_sample_ext(t);
    for (size_t i = 0; i < proof->n_univariate; i++)
        swirl_transcript_observe_ext(t, proof->univariate_round_coeffs[i]);
    int ok = bb31x4_eq(swirl_transcript_sample_ext(t), u[0]);
    for (size_t j = 0; j < proof->n_rounds; j++) {
        swirl_transcript_observe_ext(t, proof->sumcheck_round_polys[j][0]);
        swirl_transcript_observe_ext(t, proof->sumcheck_round_polys[j][1]);
        ok &= bb31x4_eq(swirl_transcript_sample_ext(t), u[j + 1]);
    }
    size_t total = 0;
    for (size_t c = 0; c < proof->n_commits; c++)
        total += proof->openings_per_commit[c];
    for (size_t o = 0; o < total; o++)
        swirl_transcript_observe_ext(t, proof->stacking_openings[o]);
    ok &= memcmp(t->state, dev->state, sizeof t->state) == 0 &&
          t->absorb_idx == dev->absorb_idx && t->sample_idx == dev->sample_idx;
    if (!ok)
        return SWIRL_RAISE(SWIRL_E_INTERNAL, "stacked reduction: the device transcript does not "
                           "match the host replay of its proof values");
    return SWIRL_OK;
}

/* the proof, u and the transcript from the downloaded output */
static enum swirl_status sr_finish(sr_stage *s, swirl_stacking_proof *proof, bb31x4 *u_out,
                                   swirl_transcript *t) {
    const swirl_sr_params *pr = &s->pl.prm;
    SWIRL_TRY(swirl_sr_plan_proof(&s->pl, proof, u_out, (const bb31x4 *)s->out));
    swirl_transcript dev;
    memcpy(&dev, s->out + op_round_up(pr->proof_len * sizeof(bb31x4)), sizeof dev);
    if (t->log) {
        enum swirl_status st = sr_replay(t, proof, u_out, &dev);
        if (st != SWIRL_OK)
            swirl_stacking_proof_clear(proof);
        return st;
    }
    memcpy(t->state, dev.state, sizeof t->state);
    t->absorb_idx = dev.absorb_idx;
    t->sample_idx = dev.sample_idx;
    t->last_op_perm = dev.last_op_perm;
    return SWIRL_OK;
}

extern "C" enum swirl_status swirl_cuda_stacked_reduction(
    swirl_cuda_ctx *ctx, swirl_stacking_proof *proof, bb31x4 *u_out, swirl_transcript *t,
    const swirl_stacked_commit_view *commits, size_t n_commits, unsigned l_skip, unsigned n_stack,
    const bb31x4 *r) {
    return swirl_cuda_stacked_reduction_pending(ctx, proof, u_out, t, commits, n_commits, l_skip,
                                                n_stack, r, NULL);
}

static enum swirl_status sr_pending_run(swirl_cuda_ctx *ctx, swirl_stacking_proof *proof,
                                        bb31x4 *u_out, swirl_transcript *t,
                                        const swirl_stacked_commit_view *commits,
                                        size_t n_commits, unsigned l_skip, unsigned n_stack,
                                        const bb31x4 *r, swirl_ts_async *obs) {
    SWIRL_CUDA_CHECK_CTX(ctx);
    SWIRL_ARG_CHECK(proof != NULL && u_out != NULL && t != NULL && r != NULL);
    memset(proof, 0, sizeof *proof);
    SWIRL_ARG_CHECK(n_commits > 0 && commits != NULL);
    if (ctx->stage_open)
        return SWIRL_RAISE(SWIRL_E_INTERNAL, "swirl_cuda_stacked_reduction inside stage '%s'",
                           ctx->current.name);
    sr_stage s;
    memset(&s, 0, sizeof s);
    size_t mark = swirl_cuda_arena_mark(ctx);
    swirl_cuda_sr_dev d;
    unsigned char *d_blob = NULL, *d_out = NULL;
    swirl_span_begin("prover.openings.stacked_reduction");
    swirl_span_begin("sr_host.prepare");
    enum swirl_status st = sr_prepare(ctx, &s, commits, n_commits, l_skip, n_stack, r);
    if (st == SWIRL_OK)
        st = sr_device(ctx, &s, &d, &d_blob, &d_out);
    swirl_span_end();
    if (st == SWIRL_OK && (st = swirl_cuda_stage_begin(ctx, "prover.openings.stacked_reduction")) ==
                              SWIRL_OK) {
        st = swirl_cuda_stage_close(ctx, sr_run(ctx, &s, &d, d_blob, d_out, t, obs));
    }
    if (st == SWIRL_OK) {
        swirl_span_begin("sr_host.finish");
        st = sr_finish(&s, proof, u_out, t);
        swirl_span_end();
    }
    swirl_cuda_arena_rewind(ctx, mark);
    sr_stage_clear(&s);
    swirl_span_end();
    return st;
}

extern "C" enum swirl_status swirl_cuda_stacked_reduction_pending(
    swirl_cuda_ctx *ctx, swirl_stacking_proof *proof, bb31x4 *u_out, swirl_transcript *t,
    const swirl_stacked_commit_view *commits, size_t n_commits, unsigned l_skip, unsigned n_stack,
    const bb31x4 *r, swirl_ts_async *obs) {
    if (obs && !swirl_ts_async_started(obs))
        obs = NULL; /* nothing owed */
    enum swirl_status st = sr_pending_run(ctx, proof, u_out, t, commits, n_commits, l_skip,
                                          n_stack, r, obs);
    if (obs)
        swirl_ts_async_join(obs); /* whatever happened, nothing runs on *t past here */
    return st;
}
