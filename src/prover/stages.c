/* The backend table (see stages.h): the CPU backend and the CUDA backend with its fallbacks. */
#include "util/alloc.h"
#include "prover/stages.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prover/cuda_pcs.h"
#include "prover/cuda_pow.h"
#include "prover/cuda_stacked_commit.h"
#include "util/common.h"
#include "util/log.h"
#include "util/settings.h"
#include "util/span.h"
#include "device/cuda/cuda_jit.h"
#include "device/cuda/cuda_zc.h"
#include "prover/cuda_openings.h"
#include "prover/cuda_rap.h"
#include "prover/cuda_whir.h"

/* ---- CPU ---- */

static enum swirl_status cpu_commit(const swirl_backend *be, swirl_stacked_pcs_data **out,
                                    swirl_digest *root, const swirl_trace_view *traces, size_t n,
                                    unsigned l_skip, unsigned n_stack, unsigned log_blowup,
                                    unsigned k_whir) {
    return swirl_stacked_commit(be->ops, out, root, traces, n, l_skip, n_stack, log_blowup, k_whir);
}

static enum swirl_status cpu_rap_constraints(const swirl_backend *be, swirl_gkr_proof *gkr,
                                             swirl_batch_proof *proof, bb31x4 *r_out, size_t *n_r,
                                             swirl_transcript *t, const swirl_zc_params *zp,
                                             const swirl_air_instance *traces, size_t n,
                                             const swirl_stacked_pcs_data *const *commits,
                                             size_t n_commits) {
    (void)commits; /* the host traces are the committed values */
    (void)n_commits;
    return swirl_zerocheck_prove(be->ops, gkr, proof, r_out, n_r, t, zp, traces, n);
}

static enum swirl_status cpu_stacked_reduction(const swirl_backend *be, swirl_stacking_proof *proof,
                                               bb31x4 *u_out, swirl_transcript *t,
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
    .begin_proof = NULL, /* host memory: nothing to plan */
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

/* the arena bytes of one commitment: persistent (kept for the openings) and scratch */
static enum swirl_status commit_bytes(size_t *persist, size_t *scratch, const swirl_trace_view *t,
                                      size_t n, unsigned l_skip, unsigned n_stack,
                                      unsigned log_blowup) {
    size_t *widths = swirl_malloc(n * sizeof *widths);
    unsigned *lh = swirl_malloc(n * sizeof *lh);
    if (!widths || !lh) {
        free(widths);
        free(lh);
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        widths[i] = t[i].width;
        lh[i] = swirl_is_pow2(t[i].height) ? swirl_log2_exact(t[i].height) : 64;
    }
    swirl_stacked_layout lay;
    enum swirl_status st = swirl_stacked_layout_init(&lay, l_skip, l_skip + n_stack, widths, lh, n);
    free(widths);
    free(lh);
    SWIRL_TRY(st);
    swirl_cuda_stacked_commit_plan(persist, scratch, lay.height, lay.width, log_blowup);
    swirl_stacked_layout_clear(&lay);
    return SWIRL_OK;
}

/* the CUDA backend and the primitive table it owns, in one allocation; and the proof's one
 * piece of flow state: rap_constraints' openings, observed on a worker thread from the stage's
 * sync until the stacked reduction joins it before λ (its plan, upload and transcript-free
 * kernels run meanwhile) */
typedef struct cuda_backend {
    swirl_backend be; /* first: a swirl_backend * is a cuda_backend * */
    swirl_backend_ops ops;
    swirl_ts_async obs; /* rap_constraints' openings being observed (transcript/ts_async.h) */
} cuda_backend;

/* the backend's own mutable state; NULL for a copy of the table (its ops point elsewhere) */
static cuda_backend *cuda_of(const swirl_backend *be) {
    cuda_backend *cb = (cuda_backend *)(uintptr_t)be;
    return be->ops == &cb->ops ? cb : NULL;
}

static void cuda_pending_clear(const swirl_backend *be) {
    cuda_backend *cb = cuda_of(be);
    if (cb)
        swirl_ts_async_clear(&cb->obs); /* joins a running observation first */
}

/* The proof's plan: one arena holding every commitment's persistent data and the largest
 * scratch; the arena is emptied (no PCS data of an earlier proof may still be alive). */
static enum swirl_status cuda_begin_proof(const swirl_backend *be, const swirl_commit_shape *shapes,
                                          size_t n, unsigned log_blowup, const swirl_zc_params *zp,
                                          const swirl_air_instance *inst, size_t n_inst) {
    SWIRL_ARG_CHECK(shapes != NULL || n == 0);
    /* the stage trace describes one proof (the metrics' gpu_stages_last_run) */
    swirl_cuda_stage_trace_clear(be->gpu);
    cuda_pending_clear(be); /* an earlier proof that stopped between the two stages */
    if (swirl_cuda_arena_persistent_used(be->gpu) != 0)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                           "begin_proof: GPU PCS data of an earlier commit "
                           "is still alive (%zu bytes); destroy it first",
                           swirl_cuda_arena_persistent_used(be->gpu));
    size_t total = 0, max_scratch = 0;
    const char *largest = "the commit"; /* the stage whose scratch sizes the region */
    for (size_t i = 0; i < n; i++) {
        size_t p, sc;
        swirl_cuda_stacked_commit_plan(&p, &sc, shapes[i].height, shapes[i].width, log_blowup);
        if (p > SIZE_MAX - total)
            return SWIRL_RAISE(SWIRL_E_NOMEM, "begin_proof: device memory plan overflows");
        total += p;
        max_scratch = sc > max_scratch ? sc : max_scratch;
    }
    /* the scratch region also serves the PoW searches of the later stages (swirl_cuda_pow_grind) */
    if (max_scratch < swirl_cuda_pow_bytes()) {
        max_scratch = swirl_cuda_pow_bytes();
        largest = "the PoW search";
    }
    /* the device-resident stages (SWIRL_GPU_STAGES): their scratch, one stage at a time */
    if (swirl_settings_get()->gpu_stages && zp && inst && n_inst > 0) {
        size_t rap = 0, wtot = 0, cube = 0;
        /* the common main and the cached partitions are committed here, on the device, and
         * rap_constraints reads them there; the key's preprocessed data is host data */
        SWIRL_TRY(swirl_cuda_rap_arena_bytes(&rap, zp, inst, n_inst,
                                             SWIRL_CUDA_RAP_RESIDENT_COMMON |
                                                 SWIRL_CUDA_RAP_RESIDENT_CACHED));
        if (rap > max_scratch) {
            max_scratch = rap;
            largest = "rap_constraints";
        }
        for (size_t i = 0; i < n; i++) {
            wtot += shapes[i].width;
            size_t c = shapes[i].height >> zp->l_skip;
            cube = c > cube ? c : cube;
        }
        /* the stacked reduction: folded columns (24 wtot 2^n_stack), tables and sums (a bound) */
        size_t sr = 48 * wtot * cube + ((size_t)64 << 20);
        if (sr > max_scratch) {
            max_scratch = sr;
            largest = "the stacked reduction";
        }
        /* WHIR: the batched polynomial and its weights, later rounds' codewords and trees (a
         * bound over the tallest commitment; the stage checks its exact need before it runs) */
        size_t hmax = 0;
        for (size_t i = 0; i < n; i++)
            hmax = shapes[i].height > hmax ? shapes[i].height : hmax;
        size_t wh = 256 * (hmax << log_blowup) + ((size_t)64 << 20);
        if (wh > max_scratch) {
            max_scratch = wh;
            largest = "WHIR";
        }
    }
    if (max_scratch > SIZE_MAX - total)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "begin_proof: device memory plan overflows");
    /* a plan the device cannot hold fails here, before any allocation or kernel, naming its
     * parts (a smaller system, fewer rows per trace or SWIRL_GPU_STAGES=0 may fit) */
    size_t cap = 0;
    SWIRL_TRY(swirl_cuda_arena_capacity(be->gpu, &cap));
    if (total + max_scratch > cap)
        return SWIRL_RAISE(SWIRL_E_NOMEM,
                           "the proof does not fit the GPU: it needs %zu MiB of device memory "
                           "(%zu MiB for %zu commitment(s) kept until the openings + %zu MiB of "
                           "scratch for the largest stage, %s), the device can give %zu MiB",
                           (total + max_scratch) >> 20, total >> 20, n, max_scratch >> 20,
                           largest, cap >> 20);
    swirl_cuda_arena_reset(be->gpu);
    return swirl_cuda_arena_reserve(be->gpu, total + max_scratch);
}

static enum swirl_status cuda_commit(const swirl_backend *be, swirl_stacked_pcs_data **out,
                                     swirl_digest *root, const swirl_trace_view *traces, size_t n,
                                     unsigned l_skip, unsigned n_stack, unsigned log_blowup,
                                     unsigned k_whir) {
    SWIRL_ARG_CHECK(out && traces && n > 0);
    *out = NULL;
    size_t persist = 0, scratch = 0;
    SWIRL_TRY(commit_bytes(&persist, &scratch, traces, n, l_skip, n_stack, log_blowup));
    size_t need = persist + (scratch > swirl_cuda_pow_bytes() ? scratch : swirl_cuda_pow_bytes());
    if (swirl_cuda_arena_free(be->gpu) < need) {
        /* unplanned (a commit outside a proof): plan this one commitment, if no data is alive */
        if (swirl_cuda_arena_persistent_used(be->gpu) != 0)
            return SWIRL_RAISE(SWIRL_E_NOMEM,
                               "device arena: the commitment needs %zu bytes, %zu are free and "
                               "%zu hold live PCS data (plan the proof with begin_proof)",
                               need, swirl_cuda_arena_free(be->gpu),
                               swirl_cuda_arena_persistent_used(be->gpu));
        swirl_cuda_arena_reset(be->gpu);
        SWIRL_TRY(swirl_cuda_arena_reserve(be->gpu, need));
    }
    return swirl_cuda_commit_pcs(be->gpu, out, root, traces, n, l_skip, n_stack, log_blowup,
                                 k_whir);
}

static enum swirl_status cuda_rap_constraints(const swirl_backend *be, swirl_gkr_proof *gkr,
                                              swirl_batch_proof *proof, bb31x4 *r_out, size_t *n_r,
                                              swirl_transcript *t, const swirl_zc_params *zp,
                                              const swirl_air_instance *traces, size_t n,
                                              const swirl_stacked_pcs_data *const *commits,
                                              size_t n_commits) {
    if (!swirl_backend_rap_reads_host(be, t->log != NULL)) {
        /* the openings' observation deferred to the stacked reduction when it runs on the GPU
         * (SWIRL_SR_OVERLAP=0: observed here) */
        cuda_backend *cb = cuda_of(be);
        int defer = cb && swirl_settings_get()->gpu_stages && swirl_settings_get()->sr_overlap;
        cuda_pending_clear(be);
        swirl_span_begin("prover.rap_constraints");
        enum swirl_status st = swirl_cuda_rap_constraints_deferred(
            be->gpu, gkr, proof, r_out, n_r, t, zp, traces, n, commits, n_commits,
            defer ? &cb->obs : NULL);
        swirl_span_end();
        return st;
    }
    if (be->ops->constraint_round0 != swirl_cuda_slot_constraint_round0) {
        SWIRL_TRY(fallback(be, "cpu_fallback:prover.rap_constraints"));
        return cpu_rap_constraints(be, gkr, proof, r_out, n_r, t, zp, traces, n, commits,
                                   n_commits);
    }
    /* the CPU driver with the constraint rounds on the GPU: said as plainly as a fallback */
    swirl_log(SWIRL_LOG_WARN, "prover.rap_constraints: CPU driver; the constraint rounds run on "
                              "the GPU with one host round trip each");
    SWIRL_TRY(swirl_cuda_stage_begin(be->gpu, "cpu_driver:prover.rap_constraints"));
    SWIRL_TRY(swirl_cuda_stage_end(be->gpu));
    return cpu_rap_constraints(be, gkr, proof, r_out, n_r, t, zp, traces, n, commits, n_commits);
}

static enum swirl_status
cuda_stacked_reduction(const swirl_backend *be, swirl_stacking_proof *proof, bb31x4 *u_out,
                       swirl_transcript *t, const swirl_stacked_commit_view *commits,
                       size_t n_commits, unsigned l_skip, unsigned n_stack, const bb31x4 *r) {
    cuda_backend *cb = cuda_of(be);
    if (swirl_settings_get()->gpu_stages) {
        enum swirl_status st = swirl_cuda_stacked_reduction_pending(
            be->gpu, proof, u_out, t, commits, n_commits, l_skip, n_stack, r, cb ? &cb->obs : NULL);
        cuda_pending_clear(be);
        return st;
    }
    cuda_pending_clear(be); /* rap_constraints' openings, observed into t by now */
    SWIRL_TRY(fallback(be, "cpu_fallback:prover.openings.stacked_reduction"));
    return cpu_stacked_reduction(be, proof, u_out, t, commits, n_commits, l_skip, n_stack, r);
}

static enum swirl_status cuda_whir(const swirl_backend *be, swirl_whir_proof *proof,
                                   swirl_transcript *t, const swirl_system_params *params,
                                   const swirl_stacked_pcs_data *const *commits, size_t n_commits,
                                   const bb31x4 *u_cube) {
    if (swirl_settings_get()->gpu_stages) {
        swirl_span_begin("whir_host.size");
        size_t need = swirl_cuda_whir_bytes(be->gpu, params, commits, n_commits);
        swirl_span_end();
        if (need > 0 && need <= swirl_cuda_arena_free(be->gpu))
            return swirl_cuda_whir(be->gpu, proof, t, params, commits, n_commits, u_cube);
        swirl_log(SWIRL_LOG_WARN,
                  "prover.openings.whir: the device stage needs %zu arena bytes, %zu are free",
                  need, swirl_cuda_arena_free(be->gpu));
    }
    SWIRL_TRY(fallback(be, "cpu_fallback:prover.openings.whir"));
    return cpu_whir(be, proof, t, params, commits, n_commits, u_cube);
}

int swirl_backend_rap_reads_host(const swirl_backend *be, int logged) {
    return !(be && be->gpu && swirl_settings_get()->gpu_stages && !logged);
}

enum swirl_status swirl_backend_cuda_create(swirl_backend **out, int device) {
    SWIRL_ARG_CHECK(out);
    *out = NULL;
    swirl_cuda_ctx *ctx = NULL;
    SWIRL_TRY(swirl_cuda_ctx_create(&ctx, device, 0));
    cuda_backend *cb = swirl_calloc(1, sizeof *cb);
    if (!cb) {
        swirl_cuda_ctx_destroy(ctx);
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    }
    enum swirl_status st = swirl_cuda_ops_init(&cb->ops, ctx);
    if (st != SWIRL_OK) {
        free(cb);
        swirl_cuda_ctx_destroy(ctx);
        return st;
    }
    if (swirl_settings_get()->gpu_constraints) {
        cb->ops.constraint_round0 = swirl_cuda_slot_constraint_round0;
        cb->ops.constraint_round = swirl_cuda_slot_constraint_round;
    }
    swirl_backend b = {
        .name = "cuda",
        .gpu = ctx,
        .begin_proof = cuda_begin_proof,
        .commit = cuda_commit,
        .rap_constraints = cuda_rap_constraints,
        .stacked_reduction = cuda_stacked_reduction,
        .whir = cuda_whir,
        /* device buffers; the stages without GPU kernels run the CPU drivers on its CPU compute
         * slots, with host buffers */
        .ops = &cb->ops,
    };
    cb->be = b;
    *out = &cb->be;
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
    cuda_pending_clear(be);
    swirl_cuda_ctx_destroy(be->gpu);
    free(be); /* the cuda_backend around it (its first member) */
}

const swirl_stage_trace *swirl_backend_stage_trace(const swirl_backend *be, size_t *n) {
    *n = 0;
    if (!be || !be->gpu)
        return NULL;
    return swirl_cuda_stage_trace(be->gpu, n);
}

unsigned swirl_backend_finish_compiles(swirl_backend *be) {
    return be && be->gpu ? swirl_cuda_zc_jit_wait(be->gpu) : 0;
}

size_t swirl_backend_device_peak(const swirl_backend *be) {
    return be && be->gpu ? swirl_cuda_dev_peak(be->gpu) : 0;
}

void swirl_backend_device_peak_reset(swirl_backend *be) {
    if (be && be->gpu)
        swirl_cuda_dev_peak_reset(be->gpu);
}
