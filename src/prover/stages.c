/* The backend table (see backend.h): the CPU backend and the CUDA backend with its fallbacks. */
#include "util/alloc.h"
#include "prover/stages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prover/cuda_commit_host.h"
#include "prover/cuda_pow.h"
#include "prover/cuda_stacked_commit.h"
#include "util/common.h"
#include "util/log.h"

/* ---- CPU ---- */

static enum swirl_status cpu_commit(const swirl_backend *be, swirl_stacked_pcs_data **out,
                                    swirl_digest *root, const swirl_trace_view *traces, size_t n,
                                    unsigned l_skip, unsigned n_stack, unsigned log_blowup,
                                    unsigned k_whir) {
    return swirl_stacked_commit(be->ops, out, root, traces, n, l_skip, n_stack, log_blowup,
                                   k_whir);
}

static enum swirl_status cpu_rap_constraints(const swirl_backend *be, swirl_gkr_proof *gkr,
                                             swirl_batch_proof *proof, bb31x4 *r_out, size_t *n_r,
                                             swirl_transcript *t, const swirl_zc_params *zp,
                                             const swirl_air_instance *traces, size_t n) {
    return swirl_zerocheck_prove(be->ops, gkr, proof, r_out, n_r, t, zp, traces, n);
}

static enum swirl_status cpu_stacked_reduction(const swirl_backend *be,
                                               swirl_stacking_proof *proof, bb31x4 *u_out,
                                               swirl_transcript *t,
                                               const swirl_stacked_commit_view *commits,
                                               size_t n_commits, unsigned l_skip, unsigned n_stack,
                                               const bb31x4 *r) {
    return swirl_stacked_reduction_prove(be->ops, proof, u_out, t, commits, n_commits, l_skip,
                                            n_stack, r);
}

static enum swirl_status cpu_whir(const swirl_backend *be, swirl_whir_proof *proof,
                                  swirl_transcript *t, const swirl_system_params *params,
                                  const swirl_stacked_pcs_data *const *commits, size_t n_commits,
                                  const bb31x4 *u_cube) {
    return swirl_whir_prove(be->ops, proof, t, params, commits, n_commits, u_cube);
}

static const swirl_backend g_cpu = {
    .name = "cpu",
    .gpu = NULL,
    .commit = cpu_commit,
    .rap_constraints = cpu_rap_constraints,
    .stacked_reduction = cpu_stacked_reduction,
    .whir = cpu_whir,
    .ops = NULL, /* the CPU primitive-operation table */
};

const swirl_backend *swirl_backend_cpu(void) {
    return &g_cpu;
}

/* ---- CUDA ---- */

/* A slot without GPU kernels: logged, recorded as a zero-kernel stage, then the CPU code. */
static enum swirl_status fallback(const swirl_backend *be, const char *stage_name) {
    swirl_log(SWIRL_LOG_WARN, "%s: no GPU kernels yet, running on the CPU",
              stage_name + strlen("cpu_fallback:"));
    SWIRL_TRY(swirl_cuda_stage_begin(be->gpu, stage_name));
    return swirl_cuda_stage_end(be->gpu);
}

static enum swirl_status cuda_commit(const swirl_backend *be, swirl_stacked_pcs_data **out,
                                     swirl_digest *root, const swirl_trace_view *traces, size_t n,
                                     unsigned l_skip, unsigned n_stack, unsigned log_blowup,
                                     unsigned k_whir) {
    SWIRL_ARG_CHECK(traces && n > 0);
    /* plan the arena for this commitment once, before any allocation */
    size_t *widths = swirl_malloc(n * sizeof *widths);
    unsigned *lh = swirl_malloc(n * sizeof *lh);
    if (!widths || !lh) {
        free(widths);
        free(lh);
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        widths[i] = traces[i].width;
        lh[i] = swirl_log2_exact(traces[i].height);
    }
    swirl_stacked_layout lay;
    enum swirl_status st =
        swirl_stacked_layout_init(&lay, l_skip, l_skip + n_stack, widths, lh, n);
    free(widths);
    free(lh);
    SWIRL_TRY(st);
    size_t bytes = swirl_cuda_stacked_commit_bytes(lay.height, lay.width, log_blowup);
    swirl_stacked_layout_clear(&lay);
    swirl_cuda_arena_reset(be->gpu);
    /* headroom for the PoW searches of the later stages (scratch taken and given back) */
    SWIRL_TRY(swirl_cuda_arena_reserve(be->gpu, bytes + swirl_cuda_pow_bytes()));
    return swirl_cuda_commit_to_host(be->gpu, out, root, traces, n, l_skip, n_stack, log_blowup,
                                     k_whir);
}

static enum swirl_status cuda_rap_constraints(const swirl_backend *be, swirl_gkr_proof *gkr,
                                              swirl_batch_proof *proof, bb31x4 *r_out,
                                              size_t *n_r, swirl_transcript *t,
                                              const swirl_zc_params *zp,
                                              const swirl_air_instance *traces, size_t n) {
    SWIRL_TRY(fallback(be, "cpu_fallback:prover.rap_constraints"));
    return cpu_rap_constraints(be, gkr, proof, r_out, n_r, t, zp, traces, n);
}

static enum swirl_status cuda_stacked_reduction(const swirl_backend *be,
                                                swirl_stacking_proof *proof, bb31x4 *u_out,
                                                swirl_transcript *t,
                                                const swirl_stacked_commit_view *commits,
                                                size_t n_commits, unsigned l_skip,
                                                unsigned n_stack, const bb31x4 *r) {
    SWIRL_TRY(fallback(be, "cpu_fallback:prover.openings.stacked_reduction"));
    return cpu_stacked_reduction(be, proof, u_out, t, commits, n_commits, l_skip, n_stack, r);
}

static enum swirl_status cuda_whir(const swirl_backend *be, swirl_whir_proof *proof,
                                   swirl_transcript *t, const swirl_system_params *params,
                                   const swirl_stacked_pcs_data *const *commits, size_t n_commits,
                                   const bb31x4 *u_cube) {
    SWIRL_TRY(fallback(be, "cpu_fallback:prover.openings.whir"));
    return cpu_whir(be, proof, t, params, commits, n_commits, u_cube);
}

enum swirl_status swirl_backend_cuda_create(swirl_backend **out, int device) {
    SWIRL_ARG_CHECK(out);
    *out = NULL;
    swirl_cuda_ctx *ctx = NULL;
    SWIRL_TRY(swirl_cuda_ctx_create(&ctx, device, 0));
    swirl_backend *be = swirl_malloc(sizeof *be);
    if (!be) {
        swirl_cuda_ctx_destroy(ctx);
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    }
    swirl_backend b = {
        .name = "cuda",
        .gpu = ctx,
        .commit = cuda_commit,
        .rap_constraints = cuda_rap_constraints,
        .stacked_reduction = cuda_stacked_reduction,
        .whir = cuda_whir,
        .ops = NULL, /* the stages without GPU kernels run the CPU drivers on the CPU table */
    };
    *be = b;
    *out = be;
    return SWIRL_OK;
}

enum swirl_status swirl_backend_select(swirl_backend **out, const char *name) {
    SWIRL_ARG_CHECK(out && name);
    *out = NULL;
    if (strcmp(name, "cpu") == 0) {
        *out = (swirl_backend *)&g_cpu;
        return SWIRL_OK;
    }
    if (strcmp(name, "cuda") == 0)
        return swirl_backend_cuda_create(out, 0);
    if (strcmp(name, "auto") == 0) {
        if (swirl_cuda_device_count() > 0)
            return swirl_backend_cuda_create(out, 0);
        *out = (swirl_backend *)&g_cpu;
        return SWIRL_OK;
    }
    return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "unknown backend '%s' (cpu, cuda or auto)", name);
}

void swirl_backend_destroy(swirl_backend *be) {
    if (!be || be == &g_cpu)
        return;
    swirl_cuda_ctx_destroy(be->gpu);
    free(be);
}

const swirl_stage_trace *swirl_backend_stage_trace(const swirl_backend *be, size_t *n) {
    *n = 0;
    if (!be || !be->gpu)
        return NULL;
    return swirl_cuda_stage_trace(be->gpu, n);
}
