/* GPU backend: every primitive and the main-trace commitment byte-equal to the CPU code, the
 * stage trace's kernel and sync counts, and clean errors. Skips (exit 77) without a CUDA device. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/settings.h"
#include "pcs_test_util.h"
#include "hash/merkle.h"
#include "device/cuda/cuda_backend.h"
#include "prover/cuda_stacked_commit.h"
#include "fixtures.h"
#include "harness.h"
#include "poly/ntt.h"
#include "poly/ntt_pass.h"

static swirl_cuda_ctx *g_ctx;


/* uploads `n` elements, returns the device pointer (arena) */
static bb31 *to_dev(const bb31 *h, size_t n) {
    void *d;
    CHECK_OK(swirl_cuda_alloc(g_ctx, &d, n * sizeof(bb31)));
    CHECK_OK(swirl_cuda_upload(g_ctx, d, h, n * sizeof(bb31)));
    return (bb31 *)d;
}

static void test_poseidon2(void) {
    static const size_t sizes[] = {1, 1000, 12345};
    for (size_t si = 0; si < 3; si++) {
        size_t n = sizes[si];
        bb31 *h = swirl_test_rand_felts(16 * n), *g = malloc(16 * n * sizeof(bb31));
        CHECK(g != NULL);
        swirl_cuda_arena_reset(g_ctx);
        CHECK_OK(swirl_cuda_stage_begin(g_ctx, "test_p2"));
        bb31 *d = to_dev(h, 16 * n);
        CHECK_OK(swirl_cuda_p2_permute_many(g_ctx, d, n));
        CHECK_OK(swirl_cuda_download(g_ctx, g, d, 16 * n * sizeof(bb31)));
        CHECK_OK(swirl_cuda_stage_end(g_ctx));
        p2_bb16_permute_many(h, n);
        CHECK(memcmp(g, h, 16 * n * sizeof(bb31)) == 0);
        free(h);
        free(g);
    }
}

/* GPU NTT of `ncols` columns (stride) vs the CPU NTT */
static void ntt_case(unsigned log_n, size_t ncols, size_t stride, bb31 shift, unsigned flags,
                     int inverse) {
    size_t total = stride * ncols;
    bb31 *h = swirl_test_rand_felts(total), *g = malloc(total * sizeof(bb31));
    CHECK(g != NULL);
    swirl_cuda_arena_reset(g_ctx);
    CHECK_OK(swirl_cuda_stage_begin(g_ctx, "test_ntt"));
    bb31 *d = to_dev(h, total);
    CHECK_OK(swirl_cuda_ntt(g_ctx, d, log_n, ncols, stride, shift, flags, inverse));
    CHECK_OK(swirl_cuda_download(g_ctx, g, d, total * sizeof(bb31)));
    CHECK_OK(swirl_cuda_stage_end(g_ctx));
    if (inverse)
        CHECK_OK(swirl_ntt_inverse(h, log_n, ncols, stride, shift, flags));
    else
        CHECK_OK(swirl_ntt_forward(h, log_n, ncols, stride, shift, flags));
    CHECK_MSG(memcmp(g, h, total * sizeof(bb31)) == 0,
              "GPU NTT 2^%u x %zu (stride %zu, flags %u, inverse %d) differs from the CPU", log_n,
              ncols, stride, flags, inverse);
    free(h);
    free(g);
}

static void test_ntt_vs_cpu(void) {
    for (unsigned k = 0; k <= 16; k++)
        for (unsigned flags = 0; flags < 4; flags++) {
            ntt_case(k, 1, (size_t)1 << k, bb31_one(), flags, 0);
            ntt_case(k, 1, (size_t)1 << k, bb31_one(), flags, 1);
        }
    ntt_case(10, 3, 1029, bb31_from_u32(BB31_GENERATOR), 0, 0);
    ntt_case(13, 5, 8192 + 7, bb31_from_u32(BB31_GENERATOR), 0, 1);
    ntt_case(20, 2, 1u << 20, bb31_from_u32(7), SWIRL_NTT_IN_BITREV, 0);
    ntt_case(21, 1, 1u << 21, bb31_one(), SWIRL_NTT_OUT_BITREV, 1);
}

/* the pass plan's shapes (poly/ntt_pass.h): short columns sharing a tile (partial last tiles),
 * strides that take the scalar path, 2-pass sizes at the commit's and WHIR's orders with up to 64
 * columns (2^13 .. 2^14 the even split, 2^16 on the 16-word strided rows with its 10-bit
 * contiguous pass), and a 3-pass size */
static void test_ntt_passes_vs_cpu(void) {
    static const size_t cols[] = {1, 3, 16, 33, 64};
    static const unsigned logs[] = {1, 2, 4, 5, 9, 12, 13, 14, 16, 17};
    for (size_t li = 0; li < sizeof logs / sizeof logs[0]; li++)
        for (size_t ci = 0; ci < sizeof cols / sizeof cols[0]; ci++) {
            unsigned k = logs[li];
            size_t n = (size_t)1 << k;
            ntt_case(k, cols[ci], n, bb31_one(), SWIRL_NTT_IN_BITREV, 0);
            ntt_case(k, cols[ci], n + (ci & 1 ? 3 : 4), bb31_one(), SWIRL_NTT_NONE, 1);
        }
    ntt_case(4, 40000, 16, bb31_one(), SWIRL_NTT_NONE, 1); /* WHIR's l_skip chunks */
    for (unsigned k = 18; k <= 24; k++) {
        size_t c = k <= 20 ? 64 : k <= 22 ? 16 : 2;
        ntt_case(k, c, (size_t)1 << k, bb31_one(), SWIRL_NTT_IN_BITREV, 0);
        ntt_case(k, 1, (size_t)1 << k, bb31_one(), SWIRL_NTT_NONE, 1);
        ntt_case(k, 1, (size_t)1 << k, bb31_one(), SWIRL_NTT_OUT_BITREV, 0);
    }
    ntt_case(22, 42, (size_t)1 << 22, bb31_one(), SWIRL_NTT_IN_BITREV, 0); /* keccakf's codeword */
    ntt_case(25, 1, (size_t)1 << 25, bb31_one(), SWIRL_NTT_IN_BITREV, 0);  /* three passes */
}

/* swirl_cuda_ntt_from_half: the half (the even words) of bit-reversed coefficients whose odd
 * words are zero, against the CPU's forward NTT of the zero-interleaved columns; where the first
 * pass cannot load that way, swirl_cuda_ntt_half_ok says no and the call is refused cleanly */
static int ntt_half_case(unsigned log_n, size_t ncols) {
    size_t n = (size_t)1 << log_n, total = n * ncols;
    bb31 *hh = swirl_test_rand_felts(total / 2), *full = calloc(total, sizeof(bb31)),
         *g = malloc(total * sizeof(bb31));
    CHECK(full != NULL && g != NULL);
    for (size_t i = 0; i < total / 2; i++)
        full[2 * i] = hh[i];
    swirl_cuda_arena_reset(g_ctx);
    CHECK_OK(swirl_cuda_stage_begin(g_ctx, "test_ntt_half"));
    bb31 *dh = to_dev(hh, total / 2), *d;
    CHECK_OK(swirl_cuda_alloc(g_ctx, (void **)&d, total * sizeof(bb31)));
    int ok = swirl_cuda_ntt_half_ok(d, dh, log_n, ncols, n);
    if (ok) {
        CHECK_OK(swirl_cuda_ntt_from_half(g_ctx, d, dh, log_n, ncols));
        CHECK_OK(swirl_cuda_download(g_ctx, g, d, total * sizeof(bb31)));
    } else {
        CHECK_STATUS(swirl_cuda_ntt_from_half(g_ctx, d, dh, log_n, ncols), SWIRL_E_INTERNAL);
    }
    CHECK_OK(swirl_cuda_stage_end(g_ctx));
    if (ok) {
        CHECK_OK(swirl_ntt_forward(full, log_n, ncols, n, bb31_one(), SWIRL_NTT_IN_BITREV));
        CHECK_MSG(memcmp(g, full, total * sizeof(bb31)) == 0,
                  "GPU NTT from half 2^%u x %zu differs from the CPU", log_n, ncols);
    }
    free(hh);
    free(full);
    free(g);
    return ok;
}

static void test_ntt_from_half(void) {
    static const unsigned logs[] = {2, 5, 9, 12, 13, 14, 17, 20};
    static const size_t cols[] = {1, 3, 42};
    int any = 0;
    for (size_t li = 0; li < sizeof logs / sizeof logs[0]; li++)
        for (size_t ci = 0; ci < sizeof cols / sizeof cols[0]; ci++)
            any += ntt_half_case(logs[li], cols[ci]);
    /* keccakf's codeword is 2^22 x 42 (1 GiB arena here: 20 columns, the same pass geometry) */
    CHECK_MSG(ntt_half_case(22, 20), "the commit's 2^22 codeword must take the half path");
    CHECK(any > 0);
    CHECK(!swirl_cuda_ntt_half_ok(NULL, NULL, 1, 1, 2)); /* too short */
}

/* swirl_cuda_ntt_sweep (the bench's bound on a pass's data movement) against its CPU twin, a
 * bb31_mul loop; a misaligned or ragged buffer is refused */
static void test_ntt_sweep(void) {
    static const size_t sizes[] = {4, 4096, 4u << 20, (4u << 20) + 4 * 77};
    const bb31 c = bb31_from_u32(123456789);
    for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
        const size_t n = sizes[si];
        bb31 *h = swirl_test_rand_felts(n), *g = malloc(n * sizeof(bb31));
        CHECK(g != NULL);
        swirl_cuda_arena_reset(g_ctx);
        CHECK_OK(swirl_cuda_stage_begin(g_ctx, "test_ntt_sweep"));
        bb31 *d = to_dev(h, n);
        CHECK_OK(swirl_cuda_ntt_sweep(g_ctx, d, n, c));
        CHECK_OK(swirl_cuda_download(g_ctx, g, d, n * sizeof(bb31)));
        CHECK_STATUS(swirl_cuda_ntt_sweep(g_ctx, d + 1, 4, c), SWIRL_E_INVALID_ARG);
        CHECK_STATUS(swirl_cuda_ntt_sweep(g_ctx, d, 6, c), SWIRL_E_INVALID_ARG);
        CHECK_OK(swirl_cuda_stage_end(g_ctx));
        for (size_t i = 0; i < n; i++)
            h[i] = bb31_mul(h[i], c);
        CHECK_MSG(memcmp(g, h, n * sizeof(bb31)) == 0, "GPU sweep of %zu words differs", n);
        free(h);
        free(g);
    }
}

static void test_ntt_round_trip(void) {
    for (unsigned k = 1; k <= 24; k++) {
        size_t n = (size_t)1 << k;
        bb31 *h = swirl_test_rand_felts(n), *g = malloc(n * sizeof(bb31));
        CHECK(g != NULL);
        swirl_cuda_arena_reset(g_ctx);
        CHECK_OK(swirl_cuda_stage_begin(g_ctx, "test_ntt_round_trip"));
        bb31 *d = to_dev(h, n);
        CHECK_OK(swirl_cuda_ntt(g_ctx, d, k, 1, n, bb31_one(), 0, 0));
        CHECK_OK(swirl_cuda_ntt(g_ctx, d, k, 1, n, bb31_one(), 0, 1));
        CHECK_OK(swirl_cuda_download(g_ctx, g, d, n * sizeof(bb31)));
        CHECK_OK(swirl_cuda_stage_end(g_ctx));
        CHECK_MSG(memcmp(g, h, n * sizeof(bb31)) == 0, "GPU NTT round trip 2^%u", k);
        free(h);
        free(g);
    }
}

static void merkle_case(size_t height, size_t width, unsigned d, size_t rpq) {
    size_t cells = height * width * d;
    bb31 *h = swirl_test_rand_felts(cells);
    swirl_merkle_tree *cpu;
    CHECK_OK(swirl_merkle_tree_build(&cpu, h, height, width, d, rpq));
    swirl_cuda_arena_reset(g_ctx);
    CHECK_OK(swirl_cuda_stage_begin(g_ctx, "test_merkle"));
    bb31 *dm = to_dev(h, cells);
    swirl_cuda_merkle gt;
    CHECK_OK(swirl_cuda_merkle_build(g_ctx, &gt, dm, height, width, d, rpq));
    size_t qs = swirl_merkle_tree_query_stride(cpu);
    CHECK(gt.layer_len[0] == qs && gt.num_layers == swirl_merkle_tree_proof_depth(cpu) + 1);
    swirl_digest *layer0 = malloc(qs * sizeof *layer0);
    swirl_digest root;
    CHECK(layer0 != NULL);
    CHECK_OK(swirl_cuda_download(g_ctx, layer0, gt.d_layers[0], qs * sizeof *layer0));
    CHECK_OK(swirl_cuda_download(g_ctx, &root, gt.d_layers[gt.num_layers - 1], sizeof root));
    CHECK_OK(swirl_cuda_stage_end(g_ctx));
    size_t len;
    const swirl_digest *c0 = swirl_merkle_tree_layer(cpu, 0, &len);
    CHECK(len == qs && memcmp(c0, layer0, qs * sizeof *layer0) == 0);
    swirl_digest croot = swirl_merkle_tree_root(cpu);
    CHECK_MSG(memcmp(&croot, &root, sizeof root) == 0, "GPU Merkle root %zux%zu d=%u rpq=%zu", height,
              width, d, rpq);
    free(layer0);
    swirl_merkle_tree_destroy(cpu);
    free(h);
}

static void test_merkle_vs_cpu(void) {
    merkle_case(1, 1, 1, 1);
    merkle_case(2, 3, 1, 2);
    merkle_case(1023, 7, 1, 4);
    merkle_case(1024, 42, 1, 16);
    merkle_case(1025, 9, 1, 16);
    merkle_case(256, 5, 4, 16);
    merkle_case(1u << 16, 16, 1, 16);
}

/* the GPU NTT's pass launches for 2^log_n (its plan: poly/ntt_pass.h; one where fused) */
static size_t ntt_passes(unsigned log_n, size_t ncols) {
    swirl_ntt_plan pl;
    swirl_ntt_plan_init(&pl, log_n, ncols);
    const unsigned fused = swirl_settings_get()->ntt_fuse == 2 && swirl_ntt_plan_chunk(&pl);
    CHECK(swirl_cuda_ntt_pass_launches(log_n, ncols, (size_t)1 << log_n) == (fused ? 1 : pl.np));
    return fused ? 1 : pl.np;
}

/* swirl_cuda_merkle_build's launches for the layers above a query layer of 2^L nodes: one a layer
 * of more than SWIRL_CUDA_MERKLE_TAIL_THREADS nodes, then one (k_merkle_tail) for the rest */
static size_t merkle_layer_launches(size_t L) {
    /* the tail block takes the layers from 2 * tail_from nodes (swirl_cuda_merkle_build) */
    size_t tail_from = swirl_settings_get()->merkle_lanes ? SWIRL_CUDA_MERKLE_TAIL_THREADS / 16
                                                          : SWIRL_CUDA_MERKLE_TAIL_THREADS;
    size_t n = 0;
    for (size_t l = 1; l <= L; l++)
        if (((size_t)1 << (L - l)) > tail_from)
            n++;
    return n + (L > 0);
}

/* random traces, GPU commit vs CPU commit: roots, stacked matrix, codeword, trace counts */
static void commit_case(const unsigned *logs, const size_t *widths, size_t n, unsigned l_skip,
                        unsigned n_stack, unsigned log_blowup, unsigned k_whir) {
    swirl_trace_view t[8] = {0};
    bb31 *store[8];
    for (size_t m = 0; m < n; m++) {
        size_t h = (size_t)1 << logs[m];
        store[m] = swirl_test_rand_felts(h * widths[m]);
        t[m].values = store[m];
        t[m].height = h;
        t[m].width = widths[m];
    }
    swirl_stacked_pcs_data *cpu;
    swirl_digest croot, groot;
    CHECK_OK(swirl_stacked_commit(NULL, &cpu, &croot, t, n, l_skip, n_stack, log_blowup, k_whir));
    swirl_cuda_arena_reset(g_ctx);
    swirl_cuda_stage_trace_clear(g_ctx);
    swirl_stacked_layout layout;
    bb31 *dq, *dcw;
    swirl_cuda_merkle tree;
    CHECK_OK(swirl_cuda_stacked_commit(g_ctx, &groot, &layout, &dq, &dcw, &tree, t, n, l_skip,
                                       n_stack, log_blowup, k_whir));
    CHECK_MSG(memcmp(&croot, &groot, sizeof croot) == 0, "GPU commit root differs from the CPU");
    size_t h = layout.height, w = layout.width, ch = h << log_blowup;
    CHECK(w == swirl_stacked_pcs_layout(cpu)->width && h == swirl_stacked_pcs_layout(cpu)->height);
    bb31 *q = malloc(h * w * sizeof(bb31)), *cw = malloc(ch * w * sizeof(bb31));
    CHECK(q && cw);
    CHECK_OK(swirl_cuda_stage_begin(g_ctx, "test_download"));
    CHECK_OK(swirl_cuda_download(g_ctx, q, dq, h * w * sizeof(bb31)));
    CHECK_OK(swirl_cuda_download(g_ctx, cw, dcw, ch * w * sizeof(bb31)));
    CHECK_OK(swirl_cuda_stage_end(g_ctx));
    CHECK(memcmp(q, test_pcs_matrix(cpu), h * w * sizeof(bb31)) == 0);
    CHECK(memcmp(cw, swirl_stacked_pcs_host_codeword(cpu), ch * w * sizeof(bb31)) == 0);
    /* stage trace: trace_upload, stacked_commit (one sync each), then the two event timings */
    size_t ns;
    const swirl_stage_trace *st = swirl_cuda_stage_trace(g_ctx, &ns);
    CHECK(ns >= 4);
    CHECK(strcmp(st[0].name, "trace_upload") == 0 && st[0].syncs == 1);
    CHECK(st[0].kernels == n + 1);
    CHECK(strcmp(st[1].name, "stacked_commit") == 0 && st[1].syncs == 1);
    unsigned log_rs = l_skip + n_stack + log_blowup;
    size_t levels = (size_t)(log_rs - k_whir) + 1;
    size_t expect = 1 /* k_stack (it writes the zeros: no memset) */ + 1 /* k_rs_message */ +
                    1 + ntt_passes(log_rs, w) /* twiddles + passes */ +
                    1 + k_whir - swirl_cuda_merkle_fused_layers((size_t)1 << k_whir) /* leaves,
                                                                         folds */ +
                    1 + merkle_layer_launches(levels - 1) /* layer copy + layers */ +
                    1 /* the layers into the persistent region */ + 1 /* root download */;
    CHECK_MSG(st[1].kernels == expect, "stacked_commit enqueued %u operations, expected %zu",
              st[1].kernels, expect);
    CHECK(strcmp(st[2].name, "rs_code_matrix") == 0 && strcmp(st[3].name, "merkle_tree") == 0);
    CHECK(st[0].bytes > 0 && st[1].bytes == sizeof(swirl_digest));
    /* the matrix and codeword sit in the persistent region, the scratch is rewound */
    CHECK(swirl_cuda_arena_mark(g_ctx) == 0 && swirl_cuda_arena_persistent_used(g_ctx) > 0);
    /* open_rows on the device equals the CPU data's openings, rows and paths */
    {
        const swirl_merkle_plan *pl = swirl_stacked_pcs_plan(cpu);
        size_t qs = pl->layer_len[0], depth = swirl_merkle_plan_depth(pl), nq = 5;
        size_t per = pl->rows_per_query * w;
        uint32_t idx[5] = {0, (uint32_t)(qs - 1), (uint32_t)(qs / 2), 0, (uint32_t)(qs / 3)};
        bb31 *r1 = malloc(nq * per * sizeof(bb31)), *r2 = malloc(nq * per * sizeof(bb31));
        swirl_digest *p1 = malloc((nq * depth + 1) * sizeof *p1);
        swirl_digest *p2 = malloc((nq * depth + 1) * sizeof *p2);
        CHECK(r1 && r2 && p1 && p2);
        CHECK_OK(swirl_stacked_pcs_open_rows(cpu, idx, nq, r1, p1));
        CHECK_OK(swirl_cuda_open_rows(g_ctx, dcw, tree.d_layers[0], pl, idx, nq, r2, p2));
        CHECK_MSG(memcmp(r1, r2, nq * per * sizeof(bb31)) == 0, "GPU open_rows: rows differ");
        CHECK_MSG(memcmp(p1, p2, nq * depth * sizeof *p1) == 0, "GPU open_rows: paths differ");
        CHECK(swirl_cuda_arena_mark(g_ctx) == 0);
        free(r1);
        free(r2);
        free(p1);
        free(p2);
    }
    swirl_cuda_arena_reset(g_ctx);
    free(q);
    free(cw);
    swirl_stacked_layout_clear(&layout);
    swirl_stacked_pcs_data_destroy(cpu);
    for (size_t m = 0; m < n; m++)
        free(store[m]);
}

/* the arena's two regions, scopes, holds and epochs; the CUDA table's buffer slots */
static void test_arena_and_buffers(void) {
    swirl_cuda_arena_reset(g_ctx);
    size_t total = swirl_cuda_arena_free(g_ctx);
    void *a, *b, *p;
    CHECK_OK(swirl_cuda_alloc(g_ctx, &a, 1000));
    size_t mark = swirl_cuda_arena_mark(g_ctx);
    CHECK(mark == 1024);
    CHECK_OK(swirl_cuda_alloc_persistent(g_ctx, &p, 300));
    CHECK_OK(swirl_cuda_alloc(g_ctx, &b, 10));
    CHECK((char *)p + 512 == (char *)a + total && (char *)b == (char *)a + 1024);
    CHECK(swirl_cuda_arena_used(g_ctx) == 1024 + 256 + 512);
    swirl_cuda_arena_rewind(g_ctx, mark);
    CHECK(swirl_cuda_arena_mark(g_ctx) == 1024 && swirl_cuda_arena_persistent_used(g_ctx) == 512);
    CHECK_STATUS(swirl_cuda_arena_reserve(g_ctx, total * 2), SWIRL_E_INVALID_ARG); /* in use */
    CHECK_STATUS(swirl_cuda_alloc(g_ctx, &b, total), SWIRL_E_NOMEM);
    /* holds: the last release empties the persistent region and changes the epoch */
    unsigned long long e0 = swirl_cuda_arena_epoch(g_ctx);
    swirl_cuda_arena_hold(g_ctx);
    swirl_cuda_arena_hold(g_ctx);
    swirl_cuda_arena_release(g_ctx);
    CHECK(swirl_cuda_arena_persistent_used(g_ctx) == 512 && swirl_cuda_arena_epoch(g_ctx) == e0);
    swirl_cuda_arena_release(g_ctx);
    CHECK(swirl_cuda_arena_persistent_used(g_ctx) == 0 && swirl_cuda_arena_epoch(g_ctx) != e0);
    swirl_cuda_arena_reset(g_ctx);
    CHECK(swirl_cuda_arena_used(g_ctx) == 0);
    /* injected allocation failures: the n-th one, once */
    swirl_cuda_fault_alloc_at(2);
    CHECK_OK(swirl_cuda_alloc(g_ctx, &a, 8));
    CHECK(swirl_cuda_fault_pending());
    CHECK_STATUS(swirl_cuda_alloc_persistent(g_ctx, &p, 8), SWIRL_E_NOMEM);
    CHECK(!swirl_cuda_fault_pending() && strstr(swirl_last_error(), "injected") != NULL);
    CHECK_OK(swirl_cuda_alloc_persistent(g_ctx, &p, 8));
    swirl_cuda_arena_reset(g_ctx);
    /* buffer slots: upload, device copy, download, LIFO free */
    swirl_backend_ops ops;
    CHECK_OK(swirl_cuda_ops_init(&ops, g_ctx));
    swirl_buf x, y;
    bb31 *h = swirl_test_rand_felts(1000), *back = malloc(1000 * sizeof(bb31));
    CHECK(back != NULL);
    CHECK_OK(ops.buf_alloc(&ops, &x, 1000 * sizeof(bb31)));
    CHECK_OK(ops.buf_alloc(&ops, &y, 1000 * sizeof(bb31)));
    CHECK(x.where == SWIRL_MEM_DEVICE && y.where == SWIRL_MEM_DEVICE);
    CHECK_OK(swirl_cuda_stage_begin(g_ctx, "test_buffers"));
    CHECK_OK(ops.buf_upload(&ops, x, 0, h, 1000 * sizeof(bb31)));
    CHECK_OK(ops.buf_copy(&ops, y, 4, x, 0, 999 * sizeof(bb31)));
    CHECK_OK(ops.buf_download(&ops, back, y, 4, 999 * sizeof(bb31)));
    CHECK_STATUS(ops.buf_download(&ops, back, y, 8, 1000 * sizeof(bb31)), SWIRL_E_INVALID_ARG);
    CHECK_OK(ops.buf_sync(&ops));
    CHECK_OK(swirl_cuda_stage_end(g_ctx));
    CHECK(memcmp(back, h, 999 * sizeof(bb31)) == 0);
    size_t ns;
    const swirl_stage_trace *st = swirl_cuda_stage_trace(g_ctx, &ns);
    CHECK(ns > 0 && st[ns - 1].bytes == 3 * 999 * sizeof(bb31) + sizeof(bb31));
    ops.buf_free(&ops, &y); /* the top slice: back at once */
    CHECK(y.ptr == NULL && swirl_cuda_arena_mark(g_ctx) == 4096);
    ops.buf_free(&ops, &x);
    CHECK(swirl_cuda_arena_mark(g_ctx) == 0);
    free(h);
    free(back);
    /* arenas of sizes off a multiple of 256: persistent slices (cut from the top) stay 256-byte
     * aligned, as the vector loads of the commit kernels need (a 2^k + 4 arena from a stage plan
     * made every one misaligned: cudaErrorMisalignedAddress) */
    swirl_cuda_ctx *odd = NULL;
    CHECK_OK(swirl_cuda_ctx_create(&odd, 0, ((size_t)1 << 20) + 4));
    CHECK(swirl_cuda_arena_free(odd) == ((size_t)1 << 20) + 256);
    CHECK_OK(swirl_cuda_alloc_persistent(odd, &p, 12));
    CHECK(((uintptr_t)p & 255) == 0);
    swirl_cuda_arena_reset(odd);
    CHECK_OK(swirl_cuda_arena_reserve(odd, ((size_t)1 << 21) + 12));
    CHECK(swirl_cuda_arena_free(odd) == ((size_t)1 << 21) + 256);
    CHECK_OK(swirl_cuda_alloc_persistent(odd, &p, 12));
    CHECK_OK(swirl_cuda_alloc_persistent(odd, &a, 1000));
    CHECK(((uintptr_t)p & 255) == 0 && ((uintptr_t)a & 255) == 0);
    swirl_cuda_ctx_destroy(odd);
}

static void test_commit_vs_cpu(void) {
    {
        static const unsigned logs[] = {10};
        static const size_t widths[] = {3};
        commit_case(logs, widths, 1, 4, 6, 1, 4);
    }
    {
        static const unsigned logs[] = {12, 9, 9, 3, 1, 0};
        static const size_t widths[] = {5, 3, 2, 7, 4, 2};
        commit_case(logs, widths, 6, 4, 8, 1, 4);
    }
    {
        static const unsigned logs[] = {11, 4};
        static const size_t widths[] = {13, 1};
        commit_case(logs, widths, 2, 2, 9, 2, 2);
    }
    {
        /* keccak-like shape, smaller: width 263 at 2^11 rows */
        static const unsigned logs[] = {11};
        static const size_t widths[] = {263};
        commit_case(logs, widths, 1, 4, 13, 1, 4);
    }
    {
        /* the RS message kernel's extremes: l_skip 0 and 5, blowup 2^3, a 2^0-chunk column */
        static const unsigned logs[] = {9, 6, 0};
        static const size_t widths[] = {2, 3, 1};
        commit_case(logs, widths, 3, 5, 5, 3, 3);
        commit_case(logs, widths, 3, 0, 10, 3, 2);
        commit_case(logs, widths, 3, 1, 9, 1, 1);
    }
}

/* Gathered transfers through the pinned staging buffers: pieces of odd sizes that straddle the
 * 64 MiB chunks (and empty ones) arrive intact in both directions; the waits are counted. */
static void test_staged_transfers(void) {
    const size_t mib = (size_t)1 << 20;
    const size_t total = 150 * mib + 12345; /* three chunks */
    unsigned char *h = malloc(total), *back = malloc(total);
    CHECK(h && back);
    for (size_t i = 0; i < total; i += 4) {
        uint32_t r = swirl_test_rand32();
        memcpy(h + i, &r, total - i < 4 ? total - i : 4);
    }
    memset(back, 0xA5, total);
    swirl_cuda_arena_reset(g_ctx);
    unsigned char *d;
    CHECK_OK(swirl_cuda_alloc(g_ctx, (void **)&d, total));
    /* upload in pieces cut one way, download cut another way */
    const size_t cut_up[] = {0, 3, mib + 7, 64 * mib + 1, 64 * mib + 1, 100 * mib + 9, total};
    const size_t cut_down[] = {0, 64 * mib - 1, 64 * mib - 1, 128 * mib + 2, total - 1, total};
    swirl_cuda_copy up[6], down[5];
    for (size_t i = 0; i < 6; i++)
        up[i] = (swirl_cuda_copy){d + cut_up[i], h + cut_up[i], cut_up[i + 1] - cut_up[i]};
    for (size_t i = 0; i < 5; i++)
        down[i] = (swirl_cuda_copy){back + cut_down[i], d + cut_down[i],
                                    cut_down[i + 1] - cut_down[i]};
    swirl_cuda_stage_trace_clear(g_ctx);
    CHECK_OK(swirl_cuda_stage_begin(g_ctx, "staged_up"));
    CHECK_OK(swirl_cuda_upload_many(g_ctx, up, 6));
    CHECK_OK(swirl_cuda_stage_end(g_ctx));
    CHECK_OK(swirl_cuda_stage_begin(g_ctx, "staged_down"));
    CHECK_OK(swirl_cuda_download_many(g_ctx, down, 5));
    CHECK_OK(swirl_cuda_stage_end(g_ctx));
    CHECK(memcmp(h, back, total) == 0);
    size_t ns;
    const swirl_stage_trace *st = swirl_cuda_stage_trace(g_ctx, &ns);
    CHECK(ns == 2);
    /* upload: 3 chunks, 5 non-empty pieces, two split by a chunk bound -> 7 copies; the waits for a
     * free buffer (at most one, before chunk 2) plus stage_end */
    CHECK_MSG(st[0].kernels == 7, "upload copies %u", st[0].kernels);
    CHECK(st[0].syncs >= 1 && st[0].syncs <= 2);
    /* download: 4 non-empty pieces, one crossing both chunk bounds -> 6 copies; at most one wait
     * per chunk plus stage_end */
    CHECK_MSG(st[1].kernels == 6, "download copies %u", st[1].kernels);
    CHECK(st[1].syncs >= 1 && st[1].syncs <= 4);
    /* bad pieces are argument errors */
    swirl_cuda_copy bad = {NULL, d, 4};
    CHECK_STATUS(swirl_cuda_download_many(g_ctx, &bad, 1), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_cuda_upload_many(g_ctx, NULL, 1), SWIRL_E_INVALID_ARG);
    CHECK_OK(swirl_cuda_upload_many(g_ctx, NULL, 0));
    free(h);
    free(back);
}

static void test_errors(void) {
    swirl_cuda_ctx *c = NULL;
    CHECK_STATUS(swirl_cuda_ctx_create(&c, 99, 0), SWIRL_E_INVALID_ARG);
    CHECK(c == NULL);
    swirl_cuda_arena_reset(g_ctx);
    void *p;
    CHECK_STATUS(swirl_cuda_alloc(g_ctx, &p, (size_t)1 << 50), SWIRL_E_NOMEM);
    CHECK_STATUS(swirl_cuda_stage_end(g_ctx), SWIRL_E_INTERNAL);
    CHECK_STATUS(swirl_cuda_ntt(g_ctx, (bb31 *)g_ctx, 28, 1, 1u << 28, bb31_one(), 0, 0),
                 SWIRL_E_INVALID_ARG);
    CHECK(!swirl_cuda_ctx_poisoned(g_ctx));
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_poseidon2),      SWIRL_TEST(test_ntt_vs_cpu),   SWIRL_TEST(test_ntt_round_trip),
    SWIRL_TEST(test_ntt_passes_vs_cpu), SWIRL_TEST(test_ntt_from_half), SWIRL_TEST(test_ntt_sweep),
    SWIRL_TEST(test_merkle_vs_cpu),  SWIRL_TEST(test_commit_vs_cpu), SWIRL_TEST(test_errors),
    SWIRL_TEST(test_staged_transfers), SWIRL_TEST(test_arena_and_buffers),
};

int main(int argc, char **argv) {
    if (swirl_test_no_cuda())
        return 77;
    if (swirl_cuda_ctx_create(&g_ctx, 0, (size_t)1 << 30) != SWIRL_OK) {
        printf("cannot create a CUDA context: %s\n", swirl_last_error());
        return 1;
    }
    int rc = swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
    swirl_cuda_ctx_destroy(g_ctx);
    return rc;
}
