/*
 * The main-trace commitment on the GPU (stacked_pcs.rs stacked_commit): host traces are uploaded
 * in a stage of their own ("trace_upload", with the run table); traces already on the device
 * (swirl_trace_view.d_values) are read where they are. With no host trace there is no
 * trace_upload stage: the run table goes up inside "stacked_commit". Then one stage
 * "stacked_commit" runs
 *   k_stack                          stacking: a thread per destination word (prover/stack_runs.h:
 *                                    the layout as runs, one per trace), coalesced stores, the
 *                                    zeros written too (no memset)
 *   k_rs_message                     per 2^l_skip chunk: inverse DFT + monomial-to-hypercube
 *                                    transform, written to bit-reversed positions of the codeword
 *                                    column (zero padded to 2^log_blowup times the height); at
 *                                    blowup 2 without the zeros (every odd word), into the
 *                                    traces' upload scratch (SWIRL_RS_HALF, default on)
 *   NTT passes (DIT)                 bit-reversed coefficients -> natural-order codeword (from the
 *                                    half-size message: swirl_cuda_ntt_from_half)
 *   Merkle leaves + layers           rows_per_query = 2^k_whir
 *   layer copy                       the digest layers into the persistent region
 *   root download
 * and synchronizes once. The rs_code_matrix and merkle_tree timings come from events.
 *
 * Memory: the stacked matrix, the codeword and the digest layers are allocated in the arena's
 * persistent region (the opening stages read them); the uploaded traces, the run table and the
 * NTT / Merkle scratch are scratch, rewound when the commitment returns.
 *
 * Also here: swirl_cuda_open_rows, the GPU side of the PCS data's open_rows.
 */
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/settings.h"
#include "device/cuda/cuda_common.cuh"
#include "prover/stack_runs.h"
#include "prover/cuda_stacked_commit.h"
#include "poly/ntt.h"

#define MAX_L_SKIP 5 /* chunks of up to 32 values live in registers/local memory */

#define STACK_THREADS 256
#define STACK_WORDS 8 /* destination words per thread, STACK_THREADS apart */

/* Every word of the stacked matrix (total words): thread t of block b takes the words
 * b STACK_THREADS STACK_WORDS + t + i STACK_THREADS, so each store of a warp is 32 consecutive
 * words; a binary search for the first word's run, then forward. Loads first, then stores. */
__global__ void __launch_bounds__(STACK_THREADS)
    k_stack(bb31 *dst, uint64_t total, const swirl_stack_run *runs, uint64_t n_runs) {
    SWIRL_KERNEL_ENTRY();
    uint64_t d0 = (uint64_t)blockIdx.x * STACK_THREADS * STACK_WORDS + threadIdx.x;
    if (d0 >= total)
        return;
    uint64_t r = swirl_stack_run_find(runs, n_runs, d0);
    bb31 v[STACK_WORDS];
#pragma unroll
    for (int i = 0; i < STACK_WORDS; i++) {
        uint64_t d = d0 + (uint64_t)i * STACK_THREADS;
        r = swirl_stack_run_next(runs, n_runs, r, d);
        v[i] = d < total ? swirl_stack_run_value(&runs[r], d) : bb31_zero();
    }
#pragma unroll
    for (int i = 0; i < STACK_WORDS; i++) {
        uint64_t d = d0 + (uint64_t)i * STACK_THREADS;
        if (d < total)
            dst[d] = v[i];
    }
}

/*
 * The Reed-Solomon message, one thread per chunk of L = 2^LS values of a stacked column: the
 * inverse DFT of the chunk over the L-th roots of unity (a radix-2 transform in registers), the
 * monomial-to-hypercube (zeta) transform, and the scatter of the L coefficients to their
 * bit-reversed positions in a codeword column of 2^log_cw = height * 2^log_blowup rows, whose other
 * entries are zero.
 *
 * Coefficient k = ch * L + j of the column sits at brev(k) = (brev_LS(j) << (log_cw - LS)) +
 * (brev_m(ch) << log_blowup), m = log2(height) - LS. Thread t of a column takes chunk ch =
 * brev_m(t), so for each j consecutive threads write consecutive 2^log_blowup-word runs (the value,
 * then the zeros of the padding): every codeword word is written exactly once, coalesced, and no
 * memset of the codeword is needed. The chunk reads (L contiguous words per thread) stay
 * sector-efficient.
 */
/* bit reversal of the low `bits` bits, foldable at compile time (keeps register arrays in
 * registers) */
__host__ __device__ constexpr unsigned brev_bits(unsigned x, unsigned bits) {
    unsigned r = 0;
    for (unsigned b = 0; b < bits; b++)
        r |= ((x >> b) & 1u) << (bits - 1 - b);
    return r;
}

template <unsigned LS, bool HALF>
__global__ void k_rs_message(bb31 *cw, const bb31 *__restrict__ q, size_t height, size_t chunks,
                             size_t cw_height, unsigned log_cw, unsigned log_blowup, bb31 inv_root,
                             bb31 inv_len) {
    SWIRL_KERNEL_ENTRY();
    constexpr unsigned L = 1u << LS;
    size_t idx = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= chunks)
        return;
    const unsigned m = log_cw - log_blowup - LS;
    const size_t per_col = (size_t)1 << m;
    const size_t col = idx >> m, t = idx & (per_col - 1);
    const size_t ch = m ? (size_t)(__brevll((unsigned long long)t) >> (64 - m)) : 0;
    const bb31 *e = q + col * height + ch * L;
    bb31 a[L];
    /* bit-reversed load, then an in-register DIT transform: a_j = sum_i e_i inv_root^(ij). From
     * L = 4 on, 16-byte loads: the chunk starts at a multiple of L words of a column that starts
     * at a multiple of `height` = 2^(m + LS) words, in arena memory (256-byte aligned) */
    constexpr unsigned L4 = L >= 4 ? L / 4 : 1;
    if constexpr (LS >= 2) {
        const uint4 *e4 = reinterpret_cast<const uint4 *>(e);
#pragma unroll
        for (unsigned i = 0; i < L4; i++) {
            const uint4 v = __ldg(e4 + i);
            a[brev_bits(4 * i, LS)].v = v.x;
            a[brev_bits(4 * i + 1, LS)].v = v.y;
            a[brev_bits(4 * i + 2, LS)].v = v.z;
            a[brev_bits(4 * i + 3, LS)].v = v.w;
        }
    } else {
#pragma unroll
        for (unsigned i = 0; i < L; i++)
            a[brev_bits(i, LS)] = e[i];
    }
    constexpr unsigned H = L / 2 > 0 ? L / 2 : 1;
    bb31 pw[H];
    pw[0] = bb31_one();
#pragma unroll
    for (unsigned k = 1; k < H; k++)
        pw[k] = bb31_mul(pw[k - 1], inv_root);
#pragma unroll
    for (unsigned len = 2; len <= L; len <<= 1) {
#pragma unroll
        for (unsigned s0 = 0; s0 < L; s0 += len) {
#pragma unroll
            for (unsigned k = 0; k < len / 2; k++) {
                bb31 u = a[s0 + k], v = bb31_mul(a[s0 + k + len / 2], pw[k * (L / len)]);
                a[s0 + k] = bb31_add(u, v);
                a[s0 + k + len / 2] = bb31_sub(u, v);
            }
        }
    }
#pragma unroll
    for (unsigned j = 0; j < L; j++)
        a[j] = bb31_mul(a[j], inv_len);
        /* monomial coefficients over exponent bits -> hypercube evaluations */
#pragma unroll
    for (unsigned step = 1; step < L; step <<= 1)
#pragma unroll
        for (unsigned i = 0; i < L; i += 2 * step)
#pragma unroll
            for (unsigned j = 0; j < step; j++)
                a[i + j + step] = bb31_add(a[i + j + step], a[i + j]);
    if (HALF) { /* log_blowup 1, the zeros left out: word 2k of the column is cw[col height + k] */
        bb31 *outh = cw + col * height + t;
#pragma unroll
        for (unsigned j = 0; j < L; j++)
            outh[(size_t)brev_bits(j, LS) << (log_cw - 1 - LS)] = a[j];
        return;
    }
    bb31 *out = cw + col * cw_height + (t << log_blowup);
    const unsigned run = 1u << log_blowup;
    /* each value and the zeros after it as one store for runs of 2 and 4 words: a run starts at
     * a multiple of its length (cw_height = 2^log_cw and t << log_blowup are multiples of it, and
     * top of 2^(log_cw - LS) = 2^(m + log_blowup)), in arena memory (256-byte aligned) */
    const bool wide = run == 2 || run == 4;
#pragma unroll
    for (unsigned j = 0; j < L; j++) {
        const size_t top = (size_t)brev_bits(j, LS) << (log_cw - LS);
        if (wide && run == 2) {
            *reinterpret_cast<uint2 *>(out + top) = make_uint2(a[j].v, 0u);
        } else if (wide && run == 4) {
            *reinterpret_cast<uint4 *>(out + top) = make_uint4(a[j].v, 0u, 0u, 0u);
        } else {
            out[top] = a[j];
            for (unsigned z = 1; z < run; z++)
                out[top + z] = bb31_zero();
        }
    }
}

typedef void (*rs_fn)(bb31 *, const bb31 *, size_t, size_t, size_t, unsigned, unsigned, bb31,
                      bb31);

/* half: write the message without its zeros (log_blowup 1) for swirl_cuda_ntt_from_half */
static enum swirl_status launch_rs_message(swirl_cuda_ctx *ctx, unsigned l_skip, bb31 *cw,
                                           const bb31 *q, size_t height, size_t chunks,
                                           size_t cw_height, unsigned log_cw, unsigned log_blowup,
                                           bb31 inv_root, bb31 inv_len, int half) {
    const unsigned blocks = swirl_cuda_blocks(chunks, 128);
    switch (l_skip) {
#define RS_CASE(LS)                                                                                \
    case LS:                                                                                       \
    {                                                                                              \
        rs_fn k_rs_message_fn = half ? k_rs_message<LS, true> : k_rs_message<LS, false>;           \
        SWIRL_LAUNCH(ctx, k_rs_message_fn, blocks, 128, 0, cw, q, height, chunks, cw_height,       \
                     log_cw, log_blowup, inv_root, inv_len);                                       \
        return SWIRL_OK;                                                                           \
    }
        RS_CASE(0)
        RS_CASE(1)
        RS_CASE(2)
        RS_CASE(3)
        RS_CASE(4)
        RS_CASE(5)
#undef RS_CASE
    default:
        return SWIRL_RAISE(SWIRL_E_UNSUPPORTED, "GPU commit supports l_skip <= %d (got %u)",
                           MAX_L_SKIP, l_skip);
    }
}

extern "C" void swirl_cuda_stacked_commit_plan(size_t *persistent, size_t *scratch,
                                               size_t stacked_height, size_t stacked_width,
                                               unsigned log_blowup) {
    size_t cells = stacked_height * stacked_width;
    size_t rs_h = stacked_height << log_blowup;
    /* persistent: stacked matrix, codeword, digest layers (at most 2 rs_h digests), slack */
    *persistent = cells * sizeof(bb31) + rs_h * stacked_width * sizeof(bb31) +
                  rs_h * 2 * sizeof(swirl_digest) + 3 * 256;
    /* scratch: uploaded traces (at most the stacked cells), the NTT's root tables, leaves + fold
     * scratch + the layers before their copy, run table and alignment slack */
    *scratch = cells * sizeof(bb31) + swirl_cuda_ntt_scratch_bytes(BB31_TWO_ADICITY) +
               rs_h * sizeof(swirl_digest) * 3 +
               (stacked_width * 64 + 4096) * 64;
}

extern "C" size_t swirl_cuda_stacked_commit_bytes(size_t stacked_height, size_t stacked_width,
                                                  unsigned log_blowup) {
    size_t p, sc;
    swirl_cuda_stacked_commit_plan(&p, &sc, stacked_height, stacked_width, log_blowup);
    return p + sc;
}

/* moves the tree's digest layers (scratch, contiguous from layer 0) into the persistent region */
static enum swirl_status persist_layers(swirl_cuda_ctx *ctx, swirl_cuda_merkle *tree) {
    size_t digests = 0;
    for (size_t l = 0; l < tree->num_layers; l++)
        digests += tree->layer_len[l];
    swirl_digest *dst = NULL;
    SWIRL_TRY(swirl_cuda_alloc_persistent(ctx, (void **)&dst, digests * sizeof(swirl_digest)));
    SWIRL_CUDA_TRY(ctx, cudaMemcpyAsync(dst, tree->d_layers[0], digests * sizeof(swirl_digest),
                                        cudaMemcpyDeviceToDevice, ctx->stream));
    ctx->current.kernels++;
    for (size_t l = 0, off = 0; l < tree->num_layers; l++) {
        tree->d_layers[l] = dst + off;
        off += tree->layer_len[l];
    }
    return SWIRL_OK;
}

extern "C" enum swirl_status
swirl_cuda_stacked_commit(swirl_cuda_ctx *ctx, swirl_digest *root, swirl_stacked_layout *layout,
                          bb31 **d_stacked, bb31 **d_codeword, swirl_cuda_merkle *tree,
                          const swirl_trace_view *traces, size_t n_traces, unsigned l_skip,
                          unsigned n_stack, unsigned log_blowup, unsigned k_whir) {
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
    size_t *widths = (size_t *)swirl_malloc((n_traces + 1) * sizeof(size_t));
    unsigned *logs = (unsigned *)swirl_malloc((n_traces + 1) * sizeof(unsigned));
    if (!widths || !logs) {
        free(widths);
        free(logs);
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of host memory");
    }
    size_t trace_cells = 0;
    for (size_t m = 0; m < n_traces; m++) {
        if (!swirl_is_pow2(traces[m].height) ||
            (traces[m].width && !traces[m].values && !traces[m].d_values)) {
            free(widths);
            free(logs);
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "trace %zu: height %zu not a power of two", m,
                               traces[m].height);
        }
        widths[m] = traces[m].width;
        logs[m] = swirl_log2_exact(traces[m].height);
        if (!traces[m].d_values) /* host traces are uploaded */
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
    const size_t mark = swirl_cuda_arena_mark(ctx), persist_mark = ctx->persist_used;

    swirl_stack_run *runs =
        (swirl_stack_run *)swirl_malloc(layout->num_cols * sizeof(swirl_stack_run));
    size_t *trace_off = (size_t *)swirl_malloc((n_traces + 1) * sizeof(size_t));
    const bb31 **mat_src = (const bb31 **)swirl_malloc((n_traces + 1) * sizeof(bb31 *));
    if (!runs || !trace_off || !mat_src) {
        free(runs);
        free(trace_off);
        free(mat_src);
        swirl_stacked_layout_clear(layout);
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of host memory");
    }
    size_t off = 0;
    for (size_t m = 0; m < n_traces; m++) {
        trace_off[m] = off;
        if (!traces[m].d_values)
            off += traces[m].height * traces[m].width;
    }

#define FAIL_CLEAN(expr)                                                                           \
    do {                                                                                           \
        st = (expr);                                                                               \
        if (st != SWIRL_OK)                                                                        \
            goto fail;                                                                             \
    } while (0)

    {
        bb31 *d_traces = NULL, *q = NULL, *cw = NULL;
        swirl_stack_run *d_runs = NULL;
        size_t n_runs = 0;
        swirl_digest *d_root;
        cudaEvent_t ev_rs = NULL, ev_mk = NULL;
        float ms_rs = 0, ms_mk = 0;
        FAIL_CLEAN(swirl_cuda_alloc_persistent(ctx, (void **)&q, height * width * sizeof(bb31)));
        FAIL_CLEAN(swirl_cuda_alloc_persistent(ctx, (void **)&cw, rs_h * width * sizeof(bb31)));
        /* the uploaded traces' scratch (the plan's `cells` words) also holds the Reed-Solomon
         * message without its zeros once k_stack has read the traces (same stream) */
        const size_t scratch_words = (height * width > trace_cells ? height * width : trace_cells) + 1;
        FAIL_CLEAN(swirl_cuda_alloc(ctx, (void **)&d_traces, scratch_words * sizeof(bb31)));
        for (size_t m = 0; m < n_traces; m++)
            mat_src[m] = traces[m].d_values ? traces[m].d_values : d_traces + trace_off[m];
        n_runs = swirl_stack_runs(runs, layout, mat_src);
        FAIL_CLEAN(swirl_cuda_alloc(ctx, (void **)&d_runs, n_runs * sizeof(swirl_stack_run)));

        /* stage 1: the host traces' upload (through the pinned staging buffers), none when every
         * trace is on the device */
        if (trace_cells > 0) {
            FAIL_CLEAN(swirl_cuda_stage_begin(ctx, "trace_upload"));
            swirl_cuda_copy *pieces =
                (swirl_cuda_copy *)swirl_malloc((n_traces + 1) * sizeof(swirl_cuda_copy));
            if (!pieces) {
                st = SWIRL_RAISE(SWIRL_E_NOMEM, "out of host memory");
                goto fail;
            }
            size_t np = 0;
            for (size_t m = 0; m < n_traces; m++)
                if (!traces[m].d_values)
                    pieces[np++] = {d_traces + trace_off[m], traces[m].values,
                                    traces[m].height * traces[m].width * sizeof(bb31)};
            pieces[np++] = {d_runs, runs, n_runs * sizeof(swirl_stack_run)};
            st = swirl_cuda_upload_many(ctx, pieces, np);
            free(pieces);
            if (st != SWIRL_OK)
                goto fail;
            FAIL_CLEAN(swirl_cuda_stage_end(ctx));
        }

        /* stage 2: the commitment */
        if (cudaEventCreate(&ev_rs) != cudaSuccess || cudaEventCreate(&ev_mk) != cudaSuccess) {
            st = SWIRL_RAISE(SWIRL_E_CUDA, "cudaEventCreate failed");
            goto fail_events;
        }
        st = swirl_cuda_stage_begin(ctx, "stacked_commit");
        if (st == SWIRL_OK && trace_cells == 0) /* the run table, when no trace_upload ran */
            st = swirl_cuda_upload(ctx, d_runs, runs, n_runs * sizeof(swirl_stack_run));
        if (st != SWIRL_OK)
            goto fail_events;
        {
            /* every word of q, its zeros too: no memset */
            uint64_t total = (uint64_t)height * width, per = STACK_THREADS * STACK_WORDS;
            swirl_cuda_before_launch(ctx);
            k_stack<<<(unsigned)((total + per - 1) / per), STACK_THREADS, 0, ctx->stream>>>(
                q, total, d_runs, n_runs);
        }
        st = swirl_cuda_after_launch(ctx, "k_stack", __FILE__, __LINE__);
        if (st != SWIRL_OK)
            goto fail_events;
        cudaEventRecord(ev_rs, ctx->stream);
        {
            /* writes every codeword word (the padding zeros too): no memset */
            bb31 w;
            st = bb31_two_adic_generator(&w, l_skip);
            if (st != SWIRL_OK)
                goto fail_events;
            size_t chunks = (height >> l_skip) * width;
            bb31 inv_len = bb31_inv(bb31_from_u32(1u << l_skip));
            /* blowup 2: every odd codeword word of the message is zero; written without them,
             * the NTT's first pass reads half the bytes and k_rs_message writes half */
            const int half = log_blowup == 1 && swirl_settings_get()->rs_half &&
                             swirl_cuda_ntt_half_ok(cw, d_traces, log_rs, width, rs_h);
            st = launch_rs_message(ctx, l_skip, half ? d_traces : cw, q, height, chunks, rs_h,
                                   log_rs, log_blowup, bb31_inv(w), inv_len, half);
            if (st != SWIRL_OK)
                goto fail_events;
            if (half)
                st = swirl_cuda_ntt_from_half(ctx, cw, d_traces, log_rs, width);
            else
                st = swirl_cuda_ntt(ctx, cw, log_rs, width, rs_h, bb31_one(), SWIRL_NTT_IN_BITREV,
                                    0);
        }
        if (st != SWIRL_OK)
            goto fail_events;
        cudaEventRecord(ev_mk, ctx->stream);
        st = swirl_cuda_merkle_build(ctx, tree, cw, rs_h, width, 1, (size_t)1 << k_whir);
        if (st == SWIRL_OK)
            st = persist_layers(ctx, tree);
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
        swirl_cuda_stage_record(ctx, "rs_code_matrix", 0, ms_rs);
        swirl_cuda_stage_record(ctx, "merkle_tree", 0, ms_mk);
        cudaEventDestroy(ev_rs);
        cudaEventDestroy(ev_mk);
        if (d_stacked)
            *d_stacked = q;
        if (d_codeword)
            *d_codeword = cw;
        swirl_cuda_arena_rewind(ctx, mark);
        free(runs);
        free(trace_off);
        free(mat_src);
        return SWIRL_OK;
    fail_events:
        if (ev_rs)
            cudaEventDestroy(ev_rs);
        if (ev_mk)
            cudaEventDestroy(ev_mk);
    }
fail:
    /* every failure path lands here, inside a stage or not: close it without a sync; the scratch
     * and this commitment's persistent slices go back */
    swirl_cuda_stage_abort(ctx);
    swirl_cuda_arena_rewind(ctx, mark);
    if (ctx->persist_used >= persist_mark) /* the region is a stack: nothing was taken above ours */
        ctx->persist_used = persist_mark;
    free(runs);
    free(trace_off);
    free(mat_src);
    swirl_stacked_layout_clear(layout);
    return st;
#undef FAIL_CLEAN
}

/* ---- open_rows on the device ---- */

struct open_shape {
    size_t cw_h, width, qs, rpq, depth, n;
    size_t layer_off[SWIRL_MERKLE_MAX_LAYERS];
};

/* one thread per output word: first the rows (n queries x rpq rows x width), then the path
 * digests (n queries x depth) */
__global__ void k_open_rows(bb31 *rows, swirl_digest *paths, const bb31 *__restrict__ cw,
                            const swirl_digest *__restrict__ layers, const uint32_t *idx,
                            open_shape sh) {
    SWIRL_KERNEL_ENTRY();
    size_t t = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    const size_t per = sh.rpq * sh.width, n_rows = sh.n * per;
    if (t < n_rows) {
        size_t i = t / per, j = t % per, row = j / sh.width, col = j % sh.width;
        rows[t] = cw[col * sh.cw_h + idx[i] + row * sh.qs];
        return;
    }
    t -= n_rows;
    if (t >= sh.n * sh.depth)
        return;
    size_t i = t / sh.depth, l = t % sh.depth;
    size_t node = ((size_t)idx[i] >> l) ^ 1;
    paths[t] = layers[sh.layer_off[l] + node];
}

extern "C" enum swirl_status swirl_cuda_open_rows(swirl_cuda_ctx *ctx, const bb31 *d_codeword,
                                                  const swirl_digest *d_layers,
                                                  const swirl_merkle_plan *plan,
                                                  const uint32_t *idx, size_t n, bb31 *rows,
                                                  swirl_digest *paths) {
    SWIRL_CUDA_CHECK_CTX(ctx);
    SWIRL_ARG_CHECK(d_codeword && d_layers && plan && (idx || n == 0));
    SWIRL_ARG_CHECK(plan->ext_degree == 1 && plan->height == plan->num_leaves);
    if (n == 0)
        return SWIRL_OK;
    open_shape sh;
    memset(&sh, 0, sizeof sh);
    sh.cw_h = plan->height;
    sh.width = plan->width;
    sh.qs = plan->layer_len[0];
    sh.rpq = plan->rows_per_query;
    sh.depth = swirl_merkle_plan_depth(plan);
    sh.n = n;
    for (size_t l = 0; l < plan->num_layers; l++)
        sh.layer_off[l] = plan->layer_off[l];
    const size_t row_words = n * sh.rpq * sh.width, path_words = n * sh.depth;
    const size_t mark = swirl_cuda_arena_mark(ctx);
    uint32_t *d_idx = NULL;
    bb31 *d_rows = NULL;
    swirl_digest *d_paths = NULL;
    enum swirl_status st = swirl_cuda_alloc(ctx, (void **)&d_idx, n * sizeof *d_idx);
    if (st == SWIRL_OK)
        st = swirl_cuda_alloc(ctx, (void **)&d_rows, (row_words + 1) * sizeof *d_rows);
    if (st == SWIRL_OK)
        st = swirl_cuda_alloc(ctx, (void **)&d_paths, (path_words + 1) * sizeof *d_paths);
    if (st == SWIRL_OK)
        st = swirl_cuda_stage_begin(ctx, "pcs_open_rows");
    if (st != SWIRL_OK) {
        swirl_cuda_arena_rewind(ctx, mark);
        return st;
    }
    st = swirl_cuda_upload(ctx, d_idx, idx, n * sizeof *d_idx);
    if (st == SWIRL_OK) {
        swirl_cuda_before_launch(ctx);
        k_open_rows<<<swirl_cuda_blocks(row_words + path_words, 256), 256, 0, ctx->stream>>>(
            d_rows, d_paths, d_codeword, d_layers, d_idx, sh);
        st = swirl_cuda_after_launch(ctx, "k_open_rows", __FILE__, __LINE__);
    }
    if (st == SWIRL_OK && rows)
        st = swirl_cuda_download(ctx, rows, d_rows, row_words * sizeof *rows);
    if (st == SWIRL_OK && paths)
        st = swirl_cuda_download(ctx, paths, d_paths, path_words * sizeof *paths);
    st = swirl_cuda_stage_close(ctx, st); /* the one host sync: the downloads are done */
    swirl_cuda_arena_rewind(ctx, mark);
    return st;
}
