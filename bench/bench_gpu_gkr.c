/*
 * GPU benchmark of the device-resident LogUp-GKR prover (device/cuda/gkr.cu): 2^16..2^20 leaves
 * (`--quick`: 2^10..2^14; `--max N`: up to 2^N), the whole protocol with Fiat-Shamir on the
 * device as one stage (one host sync). Per size: 1 warm-up, then `--reps R` (default 7)
 * repetitions; the median of the stage's CUDA-event time (GPU ms), of the host wall time of the
 * call (enqueue + download + sync), the kernel count and the syncs. `--cpu` also times
 * swirl_gkr_prove on the CPU table once per size. Without a GPU it says so and exits 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "device/cuda/cuda_gkr.h"
#include "protocol/gkr.h"

#ifdef SWIRL_HAVE_CUDA
static swirl_cuda_ctx *ctx;

static uint64_t g_rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd32(void) {
    g_rng ^= g_rng << 13;
    g_rng ^= g_rng >> 7;
    g_rng ^= g_rng << 17;
    return (uint32_t)(g_rng >> 11);
}

/* matched pairs +c / -c over a random denominator (balanced, LogUp-like) */
static void make_leaves(bb31x4 *p, bb31x4 *q, size_t N) {
    for (size_t i = 0; i + 1 < N; i += 2) {
        bb31x4 d;
        for (int k = 0; k < 4; k++)
            d.c[k] = bb31_from_u32(rnd32());
        if (bb31x4_is_zero(d))
            d = bb31x4_one();
        p[i] = bb31x4_from_base(bb31_from_u32(1 + rnd32() % 3));
        q[i] = d;
        p[i + 1] = bb31x4_neg(p[i]);
        q[i + 1] = d;
    }
}

static void bench_gkr(unsigned n, int reps, int cpu) {
    size_t N = (size_t)1 << n, len = swirl_gkr_proof_len(n);
    bb31x4 *p = malloc(N * sizeof *p), *q = malloc(N * sizeof *q), *buf = malloc(len * sizeof *buf);
    if (!p || !q || !buf)
        bench_die("malloc");
    make_leaves(p, q, N);
    swirl_transcript t0;
    swirl_transcript_init(&t0);
    swirl_transcript_observe(&t0, bb31_from_u32(n));
    swirl_cuda_arena_reset(ctx);
    void *d_t, *d_p, *d_q;
    BENCH_TRY(swirl_cuda_alloc(ctx, &d_t, sizeof t0));
    BENCH_TRY(swirl_cuda_alloc(ctx, &d_p, N * sizeof *p));
    BENCH_TRY(swirl_cuda_alloc(ctx, &d_q, N * sizeof *q));
    BENCH_TRY(swirl_cuda_stage_begin(ctx, "bench_gkr_upload"));
    BENCH_TRY(swirl_cuda_upload(ctx, d_p, p, N * sizeof *p));
    BENCH_TRY(swirl_cuda_upload(ctx, d_q, q, N * sizeof *q));
    BENCH_TRY(swirl_cuda_stage_end(ctx));
    double gpu[64], wall[64];
    unsigned kernels = 0, syncs = 0;
    for (int r = 0; r <= reps; r++) {
        BENCH_TRY(swirl_cuda_stage_begin(ctx, "bench_gkr_transcript"));
        BENCH_TRY(swirl_cuda_upload(ctx, d_t, &t0, sizeof t0));
        BENCH_TRY(swirl_cuda_stage_end(ctx));
        double t = bench_now_ms();
        BENCH_TRY(swirl_cuda_gkr_prove(ctx, buf, (swirl_transcript *)d_t, (const bb31x4 *)d_p,
                                       (const bb31x4 *)d_q, n));
        double w = bench_now_ms() - t;
        size_t ns;
        const swirl_stage_trace *st = swirl_cuda_stage_trace(ctx, &ns);
        if (r > 0) {
            gpu[r - 1] = st[ns - 1].gpu_ms;
            wall[r - 1] = w;
        }
        kernels = st[ns - 1].kernels;
        syncs = st[ns - 1].syncs;
        swirl_cuda_stage_trace_clear(ctx);
    }
    if (!bb31x4_is_zero(buf[1]))
        bench_die("balance (the root numerator is not zero)");
    printf("gpu_gkr leaves=2^%u median_gpu_ms=%.3f median_wall_ms=%.3f kernels=%u syncs=%u "
           "scratch_MiB=%.1f\n",
           n, bench_median(gpu, reps), bench_median(wall, reps), kernels, syncs,
           (double)swirl_cuda_gkr_scratch_bytes(n) / (1 << 20));
    if (cpu) {
        swirl_transcript tc = t0;
        swirl_gkr_proof proof;
        bb31x4 xi[SWIRL_GKR_MAX_LAYERS];
        double t = bench_now_ms();
        BENCH_TRY(swirl_gkr_prove(NULL, &proof, xi, &tc, p, q, n));
        printf("cpu_gkr leaves=2^%u ms=%.3f\n", n, bench_now_ms() - t);
        swirl_gkr_proof_clear(&proof);
    }
    free(p);
    free(q);
    free(buf);
}
#endif

int main(int argc, char **argv) {
#ifndef SWIRL_HAVE_CUDA
    (void)argc;
    (void)argv;
    printf("bench_gpu_gkr: built without CUDA; nothing to do\n");
    return 0;
#else
    if (swirl_cuda_device_count() == 0) {
        printf("bench_gpu_gkr: no CUDA device; nothing to do\n");
        return 0;
    }
    int quick = bench_has_flag(argc, argv, "--quick"), cpu = bench_has_flag(argc, argv, "--cpu");
    int reps = 7;
    unsigned lo = quick ? 10 : 16, hi = quick ? 14 : 20;
    for (int i = 1; i + 1 < argc; i++) {
        if (strcmp(argv[i], "--reps") == 0)
            reps = atoi(argv[i + 1]);
        if (strcmp(argv[i], "--max") == 0)
            hi = (unsigned)atoi(argv[i + 1]);
    }
    if (reps < 1 || reps > 64 || hi < lo || hi > 26) {
        fprintf(stderr, "usage: bench_gpu_gkr [--quick] [--cpu] [--reps 1..64] [--max %u..26]\n",
                lo);
        return 2;
    }
    size_t arena = 2 * ((size_t)16 << hi) + swirl_cuda_gkr_scratch_bytes(hi) +
                   swirl_gkr_proof_len(hi) * sizeof(bb31x4) + ((size_t)1 << 20);
    if (swirl_cuda_ctx_create(&ctx, 0, arena) != SWIRL_OK)
        bench_die("swirl_cuda_ctx_create");
    printf(
        "# bench_gpu_gkr: device LogUp-GKR (Fiat-Shamir on the device), %d reps after 1 warm-up\n",
        reps);
    for (unsigned n = lo; n <= hi; n++)
        bench_gkr(n, reps, cpu);
    swirl_cuda_ctx_destroy(ctx);
    return 0;
#endif
}
