/* The main-trace commitment on the GPU as device-resident PCS data (pcs/stacked.h's
 * swirl_stacked_pcs_impl): open_rows runs on the device, the host matrix is the one counted
 * fallback. */
#include <stdlib.h>
#include <string.h>

#include "prover/cuda_pcs.h"
#include "prover/cuda_stacked_commit.h"
#include "util/alloc.h"
#include "util/log.h"

typedef struct cuda_pcs_state {
    swirl_cuda_ctx *ctx;
    unsigned long long epoch; /* the arena's epoch when committed */
    const bb31 *d_matrix, *d_codeword;
    const swirl_digest *d_layers; /* every layer, at the plan's offsets */
} cuda_pcs_state;

/* the persistent slices are still this data's */
static enum swirl_status live(const cuda_pcs_state *s) {
    if (swirl_cuda_arena_epoch(s->ctx) != s->epoch)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "GPU PCS data used after its device arena was "
                           "emptied (destroy PCS data before the next proof or an arena reset)");
    return SWIRL_OK;
}

static enum swirl_status cuda_pcs_open_rows(void *state, const swirl_merkle_plan *plan,
                                            const uint32_t *idx, size_t n, bb31 *rows,
                                            swirl_digest *paths) {
    cuda_pcs_state *s = state;
    SWIRL_TRY(live(s));
    return swirl_cuda_open_rows(s->ctx, s->d_codeword, s->d_layers, plan, idx, n, rows, paths);
}

/* the one fallback: the stacked matrix downloaded for a CPU stage, logged and traced */
static enum swirl_status cuda_pcs_host_matrix(void *state, bb31 *out, size_t bytes) {
    cuda_pcs_state *s = state;
    SWIRL_TRY(live(s));
    swirl_log(SWIRL_LOG_WARN,
              "cpu_fallback:pcs_download: %zu bytes of the stacked matrix copied to the host for "
              "a CPU stage", bytes);
    SWIRL_TRY(swirl_cuda_stage_begin(s->ctx, "cpu_fallback:pcs_download"));
    swirl_cuda_copy piece = {out, s->d_matrix, bytes};
    enum swirl_status st = swirl_cuda_download_many(s->ctx, &piece, 1);
    if (st != SWIRL_OK) {
        swirl_cuda_stage_abort(s->ctx);
        return st;
    }
    return swirl_cuda_stage_end(s->ctx);
}

static void cuda_pcs_destroy(void *state) {
    cuda_pcs_state *s = state;
    if (!s)
        return;
    if (swirl_cuda_arena_epoch(s->ctx) == s->epoch)
        swirl_cuda_arena_release(s->ctx);
    free(s);
}

static const swirl_stacked_pcs_impl g_cuda_pcs = {
    .name = "cuda",
    .open_rows = cuda_pcs_open_rows,
    .host_matrix = cuda_pcs_host_matrix,
    .destroy = cuda_pcs_destroy,
};

enum swirl_status swirl_cuda_commit_pcs(swirl_cuda_ctx *ctx, swirl_stacked_pcs_data **out,
                                        swirl_digest *root, const swirl_trace_view *traces,
                                        size_t n, unsigned l_skip, unsigned n_stack,
                                        unsigned log_blowup, unsigned k_whir) {
    SWIRL_ARG_CHECK(ctx && out && root && traces && n > 0);
    *out = NULL;
    cuda_pcs_state *s = swirl_calloc(1, sizeof *s);
    if (!s)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    swirl_stacked_layout layout;
    memset(&layout, 0, sizeof layout);
    bb31 *dq = NULL, *dcw = NULL;
    swirl_cuda_merkle tree;
    memset(&tree, 0, sizeof tree);
    enum swirl_status st = swirl_cuda_stacked_commit(ctx, root, &layout, &dq, &dcw, &tree, traces,
                                                     n, l_skip, n_stack, log_blowup, k_whir);
    if (st != SWIRL_OK) {
        free(s);
        return st;
    }
    swirl_merkle_plan plan;
    st = swirl_merkle_plan_init(&plan, layout.height << log_blowup, layout.width, 1,
                                (size_t)1 << k_whir);
    if (st == SWIRL_OK && plan.num_layers != tree.num_layers)
        st = SWIRL_RAISE(SWIRL_E_INTERNAL, "GPU commit: %zu Merkle layers, the plan has %zu",
                         tree.num_layers, plan.num_layers);
    for (size_t l = 0; st == SWIRL_OK && l < plan.num_layers; l++)
        if (tree.layer_len[l] != plan.layer_len[l] ||
            tree.d_layers[l] != tree.d_layers[0] + plan.layer_off[l])
            st = SWIRL_RAISE(SWIRL_E_INTERNAL, "GPU commit: Merkle layer %zu off the plan", l);
    if (st != SWIRL_OK) {
        /* give the commitment's persistent slices back when no other data holds the region */
        swirl_cuda_arena_hold(ctx);
        swirl_cuda_arena_release(ctx);
        swirl_stacked_layout_clear(&layout);
        free(s);
        return st;
    }
    s->ctx = ctx;
    s->epoch = swirl_cuda_arena_epoch(ctx);
    s->d_matrix = dq;
    s->d_codeword = dcw;
    s->d_layers = tree.d_layers[0];
    /* tests only: the word swirl_cuda_fault_corrupt_at flips lies in the latest matrix */
    swirl_cuda_fault_corrupt_target(ctx, dq, layout.height * layout.width);
    swirl_cuda_arena_hold(ctx); /* released by cuda_pcs_destroy, on wrap's failure too */
    return swirl_stacked_pcs_data_wrap(out, &layout, log_blowup, &plan, root, &g_cuda_pcs, s);
}

int swirl_cuda_pcs_on_device(const swirl_stacked_pcs_data *d, const swirl_cuda_ctx *ctx) {
    const cuda_pcs_state *s = swirl_stacked_pcs_impl_state(d, &g_cuda_pcs);
    return s && ctx && s->ctx == ctx && swirl_cuda_arena_epoch(s->ctx) == s->epoch;
}

enum swirl_status swirl_cuda_pcs_device(const swirl_stacked_pcs_data *d,
                                        const swirl_cuda_ctx *ctx, const bb31 **d_matrix,
                                        const bb31 **d_codeword,
                                        const swirl_digest **d_layers) {
    SWIRL_ARG_CHECK(d != NULL && ctx != NULL);
    const cuda_pcs_state *s = swirl_stacked_pcs_impl_state(d, &g_cuda_pcs);
    if (!s || s->ctx != ctx)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "PCS data is not GPU data of this CUDA context");
    SWIRL_TRY(live(s));
    if (d_matrix)
        *d_matrix = s->d_matrix;
    if (d_codeword)
        *d_codeword = s->d_codeword;
    if (d_layers)
        *d_layers = s->d_layers;
    return SWIRL_OK;
}
