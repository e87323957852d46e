/* The main-trace commitment on the GPU, brought back as the host swirl_stacked_pcs_data the CPU
 * opening stages read (stacked matrix, codeword, Merkle layers): the first GPU stage of the flow.
 */
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "prover/cuda_stacked_commit.h"
#include "prover/cuda_commit_host.h"

enum swirl_status swirl_cuda_commit_to_host(swirl_cuda_ctx *ctx, swirl_stacked_pcs_data **out,
                                            swirl_digest *root, const swirl_trace_view *traces,
                                            size_t n, unsigned l_skip, unsigned n_stack,
                                            unsigned log_blowup, unsigned k_whir) {
    SWIRL_ARG_CHECK(ctx && out && root && traces && n > 0);
    *out = NULL;
    swirl_cuda_arena_reset(ctx);
    swirl_stacked_pcs_data *d = swirl_calloc(1, sizeof *d);
    if (!d)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    bb31 *dq = NULL, *dcw = NULL;
    swirl_cuda_merkle tree;
    memset(&tree, 0, sizeof tree);
    enum swirl_status st = swirl_cuda_stacked_commit(
        ctx, root, &d->layout, &dq, &dcw, &tree, traces, n, l_skip, n_stack, log_blowup, k_whir);
    if (st != SWIRL_OK) {
        free(d);
        return st;
    }
    size_t h = d->layout.height, w = d->layout.width, ch = h << log_blowup;
    swirl_digest *layers[48] = {NULL};
    d->cw_height = ch;
    d->matrix = swirl_malloc(h * w * sizeof(bb31));
    d->codeword = swirl_malloc(ch * w * sizeof(bb31));
    for (size_t l = 0; l < tree.num_layers; l++)
        layers[l] = swirl_malloc(tree.layer_len[l] * sizeof(swirl_digest));
    int ok = d->matrix && d->codeword;
    for (size_t l = 0; l < tree.num_layers; l++)
        ok = ok && layers[l];
    if (!ok) {
        st = SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory for the downloaded commitment");
        goto fail;
    }
    st = swirl_cuda_stage_begin(ctx, "commit_download");
    if (st != SWIRL_OK)
        goto fail;
    {
        /* one gathered transfer through the pinned staging buffers (cuda_backend.h) */
        swirl_cuda_copy pieces[50];
        size_t np = 0;
        pieces[np++] = (swirl_cuda_copy){d->matrix, dq, h * w * sizeof(bb31)};
        pieces[np++] = (swirl_cuda_copy){d->codeword, dcw, ch * w * sizeof(bb31)};
        for (size_t l = 0; l < tree.num_layers; l++)
            pieces[np++] = (swirl_cuda_copy){layers[l], tree.d_layers[l],
                                             tree.layer_len[l] * sizeof(swirl_digest)};
        st = swirl_cuda_download_many(ctx, pieces, np);
    }
    enum swirl_status st2 = swirl_cuda_stage_end(ctx);
    if (st == SWIRL_OK)
        st = st2;
    if (st != SWIRL_OK)
        goto fail;
    st = swirl_merkle_tree_adopt(&d->tree, d->codeword, ch, w, 1, (size_t)1 << k_whir, layers,
                                 tree.layer_len, tree.num_layers);
    if (st != SWIRL_OK) {
        swirl_stacked_pcs_data_destroy(d);
        return st;
    }
    *out = d;
    return SWIRL_OK;
fail:
    for (size_t l = 0; l < 48; l++)
        free(layers[l]);
    swirl_stacked_pcs_data_destroy(d);
    return st;
}
