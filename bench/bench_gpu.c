/*
 * GPU benchmarks (H100): device copy bandwidth (the ceiling), Poseidon2 permutations/s, batched NTT
 * throughput for 2^20..2^24 x 16..64 columns, and the keccakf-sized main-trace commitment
 * (one 2^15 x 2633 trace: stacked 2^21 x 42, blowup 2, rows_per_query 16). Times are CUDA-event
 * times of one stage (one host sync) per repetition, after a warm-up; medians are printed.
 * `--quick` runs small sizes; `--ntt` only the copy ceiling and the NTTs (15 repetitions each, plus
 * keccakf's codeword shape 2^22 x 42); `--ntt-shape LOG COLS [REPS]` one NTT shape only (for a
 * profiler); `--sweep-shape LOG COLS [REPS]` two in-place sweeps of that shape, the data movement
 * of a two-pass NTT without its arithmetic. Without a GPU it says so and exits 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device/cuda/cuda_backend.h"
#include "prover/cuda_stacked_commit.h"
#include "bench_util.h"
#include "poly/ntt.h"

#ifdef SWIRL_HAVE_CUDA
#include <cuda_runtime.h>

static swirl_cuda_ctx *ctx;

static float last_stage_ms(void) {
    size_t n;
    const swirl_stage_trace *t = swirl_cuda_stage_trace(ctx, &n);
    return n ? t[n - 1].gpu_ms : 0.0f;
}

static void bench_copy(size_t bytes, int reps) {
    void *a, *b;
    swirl_cuda_arena_reset(ctx);
    BENCH_TRY(swirl_cuda_alloc(ctx, &a, bytes));
    BENCH_TRY(swirl_cuda_alloc(ctx, &b, bytes));
    double t[16];
    for (int r = 0; r <= reps; r++) {
        cudaEvent_t e0, e1;
        cudaEventCreate(&e0);
        cudaEventCreate(&e1);
        cudaEventRecord(e0, 0);
        cudaMemcpy(b, a, bytes, cudaMemcpyDeviceToDevice);
        cudaEventRecord(e1, 0);
        cudaEventSynchronize(e1);
        float ms;
        cudaEventElapsedTime(&ms, e0, e1);
        if (r > 0)
            t[r - 1] = ms;
        cudaEventDestroy(e0);
        cudaEventDestroy(e1);
    }
    double ms = bench_median(t, reps);
    printf("device_copy bytes=%zu median_ms=%.3f GB_per_s(read+write)=%.1f\n", bytes, ms,
           2.0 * (double)bytes / (ms * 1e-3) / 1e9);
}

/* a device buffer of `bytes` from the reset arena, every byte `fill` */
static bb31 *bench_buffer(size_t bytes, int fill) {
    void *d;
    swirl_cuda_arena_reset(ctx);
    BENCH_TRY(swirl_cuda_alloc(ctx, &d, bytes));
    cudaMemset(d, fill, bytes);
    return (bb31 *)d;
}

/* what a timed stage enqueues: fn on the buffer d of n permutations, columns or words */
typedef struct bench_work {
    enum swirl_status (*fn)(const struct bench_work *);
    bb31 *d;
    unsigned log_n;
    size_t n;
} bench_work;

static enum swirl_status enqueue_p2(const bench_work *w) {
    return swirl_cuda_p2_permute_many(ctx, w->d, w->n);
}

static enum swirl_status enqueue_ntt(const bench_work *w) {
    return swirl_cuda_ntt(ctx, w->d, w->log_n, w->n, (size_t)1 << w->log_n, bb31_one(),
                          SWIRL_NTT_IN_BITREV, 0);
}

static enum swirl_status enqueue_sweeps(const bench_work *w) {
    enum swirl_status st = swirl_cuda_ntt_sweep(ctx, w->d, w->n, bb31_from_u32(3));
    return st != SWIRL_OK ? st : swirl_cuda_ntt_sweep(ctx, w->d, w->n, bb31_from_u32(3));
}

/* the median GPU time of `reps` stages of w's work, after one warm-up stage */
static double bench_stage_ms(const char *name, const bench_work *w, int reps) {
    double t[16];
    for (int r = 0; r <= reps; r++) {
        BENCH_TRY(swirl_cuda_stage_begin(ctx, name));
        BENCH_TRY(w->fn(w));
        BENCH_TRY(swirl_cuda_stage_end(ctx));
        if (r > 0)
            t[r - 1] = last_stage_ms();
    }
    return bench_median(t, reps);
}

static void bench_p2(size_t n, int reps) {
    /* any bits: reduced in the field ops */
    const bench_work w = {enqueue_p2, bench_buffer(n * 16 * sizeof(bb31), 1), 0, n};
    double ms = bench_stage_ms("bench_p2", &w, reps);
    printf("gpu_poseidon2_bb16 perms=%zu median_ms=%.3f perms_per_s=%.3e\n", n, ms,
           (double)n / (ms * 1e-3));
}

static void bench_ntt(unsigned log_n, size_t cols, int reps) {
    size_t n = (size_t)1 << log_n;
    const bench_work w = {enqueue_ntt, bench_buffer(n * cols * sizeof(bb31), 0), log_n, cols};
    double ms = bench_stage_ms("bench_ntt", &w, reps);
    double bytes = 2.0 * (double)n * (double)cols * 4.0;
    printf("gpu_ntt log_n=%u cols=%zu median_ms=%.3f effective_GB_per_s=%.1f\n", log_n, cols, ms,
           bytes / (ms * 1e-3) / 1e9);
}

/* two in-place sweeps (swirl_cuda_ntt_sweep) over the NTT's data: the data movement of a
 * two-pass transform without its arithmetic, so its effective figure bounds any two-pass NTT's */
static void bench_sweep(unsigned log_n, size_t cols, int reps) {
    size_t words = ((size_t)1 << log_n) * cols;
    const bench_work w = {enqueue_sweeps, bench_buffer(words * sizeof(bb31), 0), log_n, words};
    double ms = bench_stage_ms("bench_sweep", &w, reps);
    printf("gpu_sweep2 log_n=%u cols=%zu median_ms=%.3f effective_GB_per_s=%.1f "
           "hbm_GB_per_s=%.1f\n",
           log_n, cols, ms, 2.0 * (double)words * 4.0 / (ms * 1e-3) / 1e9,
           4.0 * (double)words * 4.0 / (ms * 1e-3) / 1e9);
}

static void bench_commit(unsigned log_h, size_t width, unsigned l_skip, unsigned n_stack,
                         int reps) {
    size_t h = (size_t)1 << log_h;
    bb31 *trace = malloc(h * width * sizeof(bb31));
    if (!trace)
        bench_die("malloc");
    for (size_t i = 0; i < h * width; i++)
        trace[i] = bb31_from_u32((uint32_t)(i * 2654435761u));
    swirl_trace_view tv = {trace, h, width, NULL};
    double tc[16], tu[16], trs[16], tmk[16];
    for (int r = 0; r <= reps; r++) {
        swirl_cuda_arena_reset(ctx);
        swirl_cuda_stage_trace_clear(ctx);
        swirl_stacked_layout layout;
        swirl_cuda_merkle tree;
        swirl_digest root;
        BENCH_TRY(swirl_cuda_stacked_commit(ctx, &root, &layout, NULL, NULL, &tree, &tv, 1, l_skip,
                                            n_stack, 1, 4));
        size_t ns;
        const swirl_stage_trace *st = swirl_cuda_stage_trace(ctx, &ns);
        if (r == 0)
            printf("gpu_commit stacked=2^%u x %zu stages: %s(kernels=%u syncs=%u) %s(kernels=%u "
                   "syncs=%u)\n",
                   l_skip + n_stack, layout.width, st[0].name, st[0].kernels, st[0].syncs,
                   st[1].name, st[1].kernels, st[1].syncs);
        if (r > 0) {
            tu[r - 1] = st[0].gpu_ms;
            tc[r - 1] = st[1].gpu_ms;
            trs[r - 1] = st[2].gpu_ms;
            tmk[r - 1] = st[3].gpu_ms;
        }
        swirl_stacked_layout_clear(&layout);
    }
    printf("gpu_commit trace=2^%u x %zu median_ms: trace_upload=%.3f stacked_commit=%.3f "
           "(rs_code_matrix=%.3f merkle_tree=%.3f)\n",
           log_h, width, bench_median(tu, reps), bench_median(tc, reps), bench_median(trs, reps),
           bench_median(tmk, reps));
    free(trace);
}
#endif

int main(int argc, char **argv) {
#ifndef SWIRL_HAVE_CUDA
    (void)argc;
    (void)argv;
    printf("bench_gpu: built without CUDA; nothing to do\n");
    return 0;
#else
    if (swirl_cuda_device_count() == 0) {
        printf("bench_gpu: no CUDA device; nothing to do\n");
        return 0;
    }
    int quick = bench_has_flag(argc, argv, "--quick");
    int ntt_only = bench_has_flag(argc, argv, "--ntt");
    size_t arena = quick ? ((size_t)1 << 30) : ((size_t)10 << 30);
    if (swirl_cuda_ctx_create(&ctx, 0, arena) != SWIRL_OK)
        bench_die("swirl_cuda_ctx_create");
    struct cudaDeviceProp prop;
    cudaGetDeviceProperties(&prop, 0);
    printf("# bench_gpu on %s (%d SMs)%s\n", prop.name, prop.multiProcessorCount,
           quick ? " quick" : "");
    int reps = ntt_only ? 15 : 5;
    /* --ntt-shape LOG COLS [REPS]: that one NTT only (for a profiler); --sweep-shape LOG COLS
     * [REPS]: two in-place sweeps of that shape (bench_sweep) */
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--ntt-shape") || !strcmp(argv[i], "--sweep-shape")) {
            const int lg = i + 2 < argc ? atoi(argv[i + 1]) : 0;
            const int cols = i + 2 < argc ? atoi(argv[i + 2]) : 0;
            int r = i + 3 < argc ? atoi(argv[i + 3]) : reps;
            if (lg < 1 || lg > 27 || cols < 1 || (size_t)cols << lg > ((size_t)1 << 31)) {
                fprintf(stderr, "bench_gpu: %s LOG COLS [REPS]: LOG 1..27, COLS >= 1, "
                                "at most 2^31 words (8 GiB)\n", argv[i]);
                swirl_cuda_ctx_destroy(ctx);
                return 2;
            }
            r = r < 1 ? 1 : r > 15 ? 15 : r;
            if (argv[i][2] == 's')
                bench_sweep((unsigned)lg, (size_t)cols, r);
            else
                bench_ntt((unsigned)lg, (size_t)cols, r);
            swirl_cuda_ctx_destroy(ctx);
            return 0;
        }
    bench_copy(quick ? ((size_t)1 << 26) : ((size_t)1 << 30), reps);
    if (!ntt_only)
        bench_p2(quick ? ((size_t)1 << 18) : ((size_t)1 << 24), reps);
    unsigned lmax = quick ? 18 : 24;
    for (unsigned l = quick ? 16 : 20; l <= lmax; l += 2)
        for (size_t c = 16; c <= 64; c *= 2)
            bench_ntt(l, c, reps);
    if (ntt_only) {
        bench_ntt(quick ? 17 : 22, 42, reps); /* keccakf's codeword */
        swirl_cuda_ctx_destroy(ctx);
        return 0;
    }
    if (quick)
        bench_commit(11, 263, 4, 13, reps);
    else
        bench_commit(15, 2633, 4, 17, reps);
    swirl_cuda_ctx_destroy(ctx);
    return 0;
#endif
}
