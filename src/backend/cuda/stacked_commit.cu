/*
 * The main-trace commitment on the GPU (stacked_pcs.rs stacked_commit): traces are uploaded in a
 * stage of their own ("trace_upload"), then one stage "stacked_commit" runs
 *   memset + k_stack                 stacking (one block per trace column; strided short columns)
 *   memset + k_rs_message            per 2^l_skip chunk: inverse DFT + monomial-to-hypercube
 *                                    transform, written to bit-reversed positions of the codeword
 *                                    column (zero padded to 2^log_blowup times the height)
 *   NTT passes (DIT)                 bit-reversed coefficients -> natural-order codeword
 *   Merkle leaves + layers           rows_per_query = 2^k_whir
 *   root download
 * and synchronizes once. The rs_code_matrix and merkle_tree timings come from events.
 */
#include <stdlib.h>
#include <string.h>

#include "backend/cuda/cuda_common.cuh"
#include "poly/ntt.h"

#define MAX_L_SKIP 5 /* chunks of up to 32 values live in registers/local memory */

struct stack_slice {
    size_t src_off; /* offset of the trace column in the uploaded traces */
    size_t dst_off; /* offset of its first value in the stacked matrix */
    size_t len;     /* trace height */
    size_t stride;
};

__global__ void k_stack(bb31 *dst, const bb31 *__restrict__ src, const stack_slice *slices) {
    stack_slice s = slices[blockIdx.x];
    for (size_t i = threadIdx.x; i < s.len; i += blockDim.x)
        dst[s.dst_off + i * s.stride] = src[s.src_off + i];
}

/* One thread per chunk of L = 2^l_skip values of a stacked column. */
__global__ void k_rs_message(bb31 *cw, const bb31 *__restrict__ q, size_t height, size_t chunks,
                             size_t cw_height, unsigned log_cw, unsigned l_skip, bb31 inv_root,
                             bb31 inv_len) {
    size_t idx = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    size_t width_chunks = chunks; /* chunks over all columns */
    if (idx >= width_chunks)
        return;
    const unsigned L = 1u << l_skip;
    size_t per_col = height >> l_skip;
    size_t col = idx / per_col, ch = idx % per_col;
    const bb31 *e = q + col * height + ch * L;
    bb31 ev[1 << MAX_L_SKIP], c[1 << MAX_L_SKIP];
    for (unsigned i = 0; i < L; i++)
        ev[i] = e[i];
    /* c_j = L^-1 sum_i e_i w^(-ij) */
    bb31 wj = bb31_one();
    for (unsigned j = 0; j < L; j++) {
        bb31 acc = bb31_zero(), p = bb31_one();
        for (unsigned i = 0; i < L; i++) {
            acc = bb31_add(acc, bb31_mul(ev[i], p));
            p = bb31_mul(p, wj);
        }
        c[j] = bb31_mul(acc, inv_len);
        wj = bb31_mul(wj, inv_root);
    }
    /* monomial coefficients over exponent bits -> hypercube evaluations */
    for (unsigned step = 1; step < L; step <<= 1)
        for (unsigned i = 0; i < L; i += 2 * step)
            for (unsigned j = 0; j < step; j++)
                c[i + j + step] = bb31_add(c[i + j + step], c[i + j]);
    bb31 *out = cw + col * cw_height;
    for (unsigned j = 0; j < L; j++) {
        size_t k = ch * L + j;
        size_t pos = (size_t)(__brevll((unsigned long long)k) >> (64 - log_cw));
        out[pos] = c[j];
    }
}

extern "C" size_t swirl_cuda_stacked_commit_bytes(size_t stacked_height, size_t stacked_width,
                                                  unsigned log_blowup) {
    size_t cells = stacked_height * stacked_width;
    size_t rs_h = stacked_height << log_blowup;
    size_t b = 0;
    b += cells * sizeof(bb31);                  /* uploaded traces (at most the stacked cells) */
    b += cells * sizeof(bb31);                  /* stacked matrix */
    b += rs_h * stacked_width * sizeof(bb31);   /* codeword */
    b += rs_h / 2 * sizeof(bb31);               /* twiddles */
    b += rs_h * sizeof(swirl_digest) * 3;       /* leaves, fold scratch, layers */
    b += (stacked_width * 64 + 4096) * 64;      /* slice table and alignment slack */
    return b;
}

extern "C" enum swirl_status swirl_cuda_stacked_commit(swirl_cuda_ctx *ctx, swirl_digest *root,
                                                       swirl_stacked_layout *layout,
                                                       bb31 **d_stacked, bb31 **d_codeword,
                                                       swirl_cuda_merkle *tree,
                                                       const swirl_trace_view *traces,
                                                       size_t n_traces, unsigned l_skip,
                                                       unsigned n_stack, unsigned log_blowup,
                                                       unsigned k_whir) {
    SWIRL_CUDA_CHECK_CTX(ctx);
    SWIRL_ARG_CHECK(root != NULL && layout != NULL && tree != NULL);
    SWIRL_ARG_CHECK(n_traces == 0 || traces != NULL);
    if (l_skip > MAX_L_SKIP)
        return SWIRL_RAISE(SWIRL_E_UNSUPPORTED, "GPU commit supports l_skip <= %d (got %u)",
                           MAX_L_SKIP, l_skip);
    if (l_skip + n_stack + log_blowup > BB31_TWO_ADICITY)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "codeword length 2^%u exceeds 2^27",
                           l_skip + n_stack + log_blowup);
    /* layout on the host (cheap metadata) */
    size_t *widths = (size_t *)malloc((n_traces + 1) * sizeof(size_t));
    unsigned *logs = (unsigned *)malloc((n_traces + 1) * sizeof(unsigned));
    if (!widths || !logs) {
        free(widths);
        free(logs);
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of host memory");
    }
    size_t trace_cells = 0;
    for (size_t m = 0; m < n_traces; m++) {
        if (!swirl_is_pow2(traces[m].height) || (traces[m].width && !traces[m].values)) {
            free(widths);
            free(logs);
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "trace %zu: height %zu not a power of two", m,
                               traces[m].height);
        }
        widths[m] = traces[m].width;
        logs[m] = swirl_log2_exact(traces[m].height);
        trace_cells += traces[m].height * traces[m].width;
    }
    enum swirl_status st =
        swirl_stacked_layout_init(layout, l_skip, l_skip + n_stack, widths, logs, n_traces);
    free(widths);
    free(logs);
    SWIRL_TRY(st);
    if (layout->width == 0) {
        swirl_stacked_layout_clear(layout);
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "stacked_commit: nothing to commit (no columns)");
    }
    size_t height = layout->height, width = layout->width;
    size_t rs_h = height << log_blowup;
    unsigned log_rs = l_skip + n_stack + log_blowup;

    stack_slice *slices = (stack_slice *)malloc(layout->num_cols * sizeof(stack_slice));
    size_t *trace_off = (size_t *)malloc((n_traces + 1) * sizeof(size_t));
    if (!slices || !trace_off) {
        free(slices);
        free(trace_off);
        swirl_stacked_layout_clear(layout);
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of host memory");
    }
    size_t off = 0;
    for (size_t m = 0; m < n_traces; m++) {
        trace_off[m] = off;
        off += traces[m].height * traces[m].width;
    }
    for (size_t k = 0; k < layout->num_cols; k++) {
        const swirl_stacked_slice *s = &layout->cols[k];
        size_t h = traces[s->mat_idx].height;
        slices[k].src_off = trace_off[s->mat_idx] + s->col * h;
        slices[k].dst_off = s->col_idx * height + s->row_idx;
        slices[k].len = h;
        slices[k].stride = swirl_stacked_slice_stride(s, l_skip);
    }

#define FAIL_CLEAN(expr)                                                                           \
    do {                                                                                           \
        st = (expr);                                                                               \
        if (st != SWIRL_OK)                                                                        \
            goto fail;                                                                             \
    } while (0)

    {
        bb31 *d_traces = NULL, *q = NULL, *cw = NULL;
        stack_slice *d_slices = NULL;
        swirl_digest *d_root;
        cudaEvent_t ev_rs = NULL, ev_mk = NULL;
        float ms_rs = 0, ms_mk = 0;
        FAIL_CLEAN(swirl_cuda_alloc(ctx, (void **)&d_traces, (trace_cells + 1) * sizeof(bb31)));
        FAIL_CLEAN(swirl_cuda_alloc(ctx, (void **)&d_slices, layout->num_cols * sizeof(stack_slice)));
        FAIL_CLEAN(swirl_cuda_alloc(ctx, (void **)&q, height * width * sizeof(bb31)));
        FAIL_CLEAN(swirl_cuda_alloc(ctx, (void **)&cw, rs_h * width * sizeof(bb31)));

        /* stage 1: the trace upload (pageable host memory) */
        FAIL_CLEAN(swirl_cuda_stage_begin(ctx, "trace_upload"));
        for (size_t m = 0; m < n_traces; m++)
            FAIL_CLEAN(swirl_cuda_upload(ctx, d_traces + trace_off[m], traces[m].values,
                                         traces[m].height * traces[m].width * sizeof(bb31)));
        FAIL_CLEAN(swirl_cuda_upload(ctx, d_slices, slices, layout->num_cols * sizeof(stack_slice)));
        FAIL_CLEAN(swirl_cuda_stage_end(ctx));

        /* stage 2: the commitment */
        if (cudaEventCreate(&ev_rs) != cudaSuccess || cudaEventCreate(&ev_mk) != cudaSuccess) {
            st = SWIRL_RAISE(SWIRL_E_CUDA, "cudaEventCreate failed");
            goto fail_events;
        }
        st = swirl_cuda_stage_begin(ctx, "stacked_commit");
        if (st != SWIRL_OK)
            goto fail_events;
        {
            cudaError_t e = cudaMemsetAsync(q, 0, height * width * sizeof(bb31), ctx->stream);
            ctx->current.kernels++;
            if (e != cudaSuccess) {
                st = swirl_cuda_fail(ctx, e, __FILE__, __LINE__, "cudaMemsetAsync");
                goto fail_events;
            }
        }
        k_stack<<<(unsigned)layout->num_cols, 256, 0, ctx->stream>>>(q, d_traces, d_slices);
        st = swirl_cuda_after_launch(ctx, "k_stack", __FILE__, __LINE__);
        if (st != SWIRL_OK)
            goto fail_events;
        cudaEventRecord(ev_rs, ctx->stream);
        {
            cudaError_t e = cudaMemsetAsync(cw, 0, rs_h * width * sizeof(bb31), ctx->stream);
            ctx->current.kernels++;
            if (e != cudaSuccess) {
                st = swirl_cuda_fail(ctx, e, __FILE__, __LINE__, "cudaMemsetAsync");
                goto fail_events;
            }
        }
        {
            bb31 w;
            st = bb31_two_adic_generator(&w, l_skip);
            if (st != SWIRL_OK)
                goto fail_events;
            size_t chunks = (height >> l_skip) * width;
            bb31 inv_len = bb31_inv(bb31_from_u32(1u << l_skip));
            k_rs_message<<<swirl_cuda_blocks(chunks, 128), 128, 0, ctx->stream>>>(
                cw, q, height, chunks, rs_h, log_rs, l_skip, bb31_inv(w), inv_len);
            st = swirl_cuda_after_launch(ctx, "k_rs_message", __FILE__, __LINE__);
            if (st != SWIRL_OK)
                goto fail_events;
        }
        st = swirl_cuda_ntt(ctx, cw, log_rs, width, rs_h, bb31_one(), SWIRL_NTT_IN_BITREV, 0);
        if (st != SWIRL_OK)
            goto fail_events;
        cudaEventRecord(ev_mk, ctx->stream);
        st = swirl_cuda_merkle_build(ctx, tree, cw, rs_h, width, 1, (size_t)1 << k_whir);
        if (st != SWIRL_OK)
            goto fail_events;
        d_root = tree->d_layers[tree->num_layers - 1];
        st = swirl_cuda_download(ctx, root, d_root, sizeof(swirl_digest));
        if (st != SWIRL_OK)
            goto fail_events;
        st = swirl_cuda_stage_end(ctx);
        if (st != SWIRL_OK)
            goto fail_events;
        cudaEventElapsedTime(&ms_rs, ev_rs, ev_mk);
        cudaEventElapsedTime(&ms_mk, ev_mk, ctx->ev_stop);
        if (ctx->n_trace + 2 <= SWIRL_CUDA_MAX_STAGES) {
            swirl_stage_trace a = {"rs_code_matrix", 0, 0, ms_rs};
            swirl_stage_trace b = {"merkle_tree", 0, 0, ms_mk};
            ctx->trace[ctx->n_trace++] = a;
            ctx->trace[ctx->n_trace++] = b;
        }
        cudaEventDestroy(ev_rs);
        cudaEventDestroy(ev_mk);
        if (d_stacked)
            *d_stacked = q;
        if (d_codeword)
            *d_codeword = cw;
        free(slices);
        free(trace_off);
        return SWIRL_OK;
    fail_events:
        if (ctx->stage_open)
            ctx->stage_open = 0;
        if (ev_rs)
            cudaEventDestroy(ev_rs);
        if (ev_mk)
            cudaEventDestroy(ev_mk);
    }
fail:
    free(slices);
    free(trace_off);
    swirl_stacked_layout_clear(layout);
    return st;
#undef FAIL_CLEAN
}
