/* Benchmark: Poseidon2-16 permutations per second and Merkle leaves per second (2^20 x 42 matrix),
 * single thread and all threads; the latency of one permutation (a chain where each input is the
 * previous output, as in the Fiat-Shamir transcript) and of swirl_transcript_observe, next to the
 * batched swirl_transcript_observe_ext_many and its core p2_bb16_absorb_chunks per path. `--quick`
 * uses smaller sizes, `--latency` runs only the latency measurements. Prints medians. */
#include <omp.h>
#include <stdio.h>

#include "bench_util.h"
#include "hash/merkle.h"
#include "hash/poseidon2_x8.h"
#include "util/settings.h"
#include "transcript/transcript.h"

/* n permutations in a chain: each one's input is the previous one's output (latency, not
 * throughput). The checksum keeps the chain alive and shows that outputs did not change. */
static void bench_perm_chain(const char *name, void (*perm)(bb31 *state), size_t n, int reps) {
    bb31 s[16];
    double t[32];
    uint32_t check = 0;
    for (int r = 0; r < reps; r++) {
        for (int i = 0; i < 16; i++)
            s[i] = bb31_from_u32((uint32_t)i * 2654435761u);
        double t0 = bench_now_ms();
        for (size_t k = 0; k < n; k++)
            perm(s);
        t[r] = bench_now_ms() - t0;
        check = s[0].v ^ s[15].v;
    }
    double ms = bench_median(t, reps);
    printf("poseidon2_bb16_chain path=%s perms=%zu median_ms=%.3f ns_per_perm=%.1f check=%08x\n",
           name, n, ms, ms * 1e6 / (double)n, check);
}

/* the dispatching entry (the transcript's, with the path it picked) and each SIMD path apart */
static void bench_perm_chains(int reps) {
    bench_perm_chain(p2_bb16_single_path(), p2_bb16_permute, 20000, reps);
    const swirl_settings *st = swirl_settings_get();
    if (st->use_avx2)
        bench_perm_chain("avx2 (forced)", p2_bb16_permute_single_avx2, 20000, reps);
    if (st->use_ifma)
        bench_perm_chain("avx512-ifma (forced)", p2_bb16_permute_single_ifma, 20000, reps);
}

/* n values through swirl_transcript_observe (one permutation per 8), then one sample */
static void bench_transcript(size_t n, int reps) {
    double t[32];
    uint32_t check = 0;
    for (int r = 0; r < reps; r++) {
        swirl_transcript ts;
        swirl_transcript_init(&ts);
        double t0 = bench_now_ms();
        for (size_t k = 0; k < n; k++)
            swirl_transcript_observe(&ts, bb31_from_u32((uint32_t)k * 2246822519u));
        bb31 x = swirl_transcript_sample(&ts);
        t[r] = bench_now_ms() - t0;
        check = x.v;
    }
    double ms = bench_median(t, reps);
    printf("transcript_observe values=%zu median_ms=%.3f ns_per_perm=%.1f check=%08x\n", n, ms,
           ms * 1e6 / (double)(n / 8 + 1), check);
}

/* the same n values (n a multiple of 4) as bench_transcript through one
 * swirl_transcript_observe_ext_many call (the batched observe of ts_async.c), then one sample:
 * same check as bench_transcript's line */
static void bench_transcript_many(size_t n, int reps) {
    double t[32];
    uint32_t check = 0;
    bb31x4 *v = malloc(n / 4 * sizeof *v);
    if (!v) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    for (size_t k = 0; k < n; k++)
        v[k / 4].c[k % 4] = bb31_from_u32((uint32_t)k * 2246822519u);
    for (int r = 0; r < reps; r++) {
        swirl_transcript ts;
        swirl_transcript_init(&ts);
        double t0 = bench_now_ms();
        swirl_transcript_observe_ext_many(&ts, v, n / 4);
        bb31 x = swirl_transcript_sample(&ts);
        t[r] = bench_now_ms() - t0;
        check = x.v;
    }
    double ms = bench_median(t, reps);
    printf("transcript_observe_ext_many path=%s values=%zu median_ms=%.3f ns_per_perm=%.1f "
           "check=%08x\n",
           p2_bb16_single_path(), n, ms, ms * 1e6 / (double)(n / 8 + 1), check);
    free(v);
}

/* n chunks of 8 through one single-state path's absorb_chunks (the batched observe's core) */
static void bench_absorb_chunks(const char *name,
                                void (*absorb)(bb31 *state, const bb31 *in, size_t nchunks),
                                size_t n, int reps) {
    double t[32];
    uint32_t check = 0;
    bb31 *in = malloc(n * 8 * sizeof *in);
    if (!in) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    for (size_t k = 0; k < n * 8; k++)
        in[k] = bb31_from_u32((uint32_t)k * 2246822519u);
    for (int r = 0; r < reps; r++) {
        bb31 s[16] = {{0}};
        double t0 = bench_now_ms();
        absorb(s, in, n);
        t[r] = bench_now_ms() - t0;
        check = s[7].v;
    }
    double ms = bench_median(t, reps);
    printf("poseidon2_bb16_absorb_chunks path=%s perms=%zu median_ms=%.3f ns_per_perm=%.1f "
           "check=%08x\n",
           name, n, ms, ms * 1e6 / (double)n, check);
    free(in);
}

/* the batched observe next to the per-value one, and its core on each path */
static void bench_transcript_batched(size_t n, int reps) {
    bench_transcript_many(n, reps);
    const swirl_settings *st = swirl_settings_get();
    bench_absorb_chunks(p2_bb16_single_path(), p2_bb16_absorb_chunks, n / 8, reps);
    if (st->use_avx2)
        bench_absorb_chunks("avx2 (forced)", p2_bb16_absorb_chunks_avx2, n / 8, reps);
    if (st->use_ifma)
        bench_absorb_chunks("avx512-ifma (forced)", p2_bb16_absorb_chunks_ifma, n / 8, reps);
}

static void bench_perms(size_t n, int threads, int reps) {
    bb31 *s = malloc(n * 16 * sizeof *s);
    if (!s) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < n * 16; i++)
        s[i] = bb31_from_u32((uint32_t)(i * 2654435761u));
    omp_set_num_threads(threads);
    p2_bb16_permute_many(s, n / 8); /* warm-up */
    double t[16];
    for (int r = 0; r < reps; r++) {
        double t0 = bench_now_ms();
        p2_bb16_permute_many(s, n);
        t[r] = bench_now_ms() - t0;
    }
    double ms = bench_median(t, reps);
    printf("poseidon2_bb16 threads=%d perms=%zu median_ms=%.2f perms_per_s=%.3e\n", threads, n, ms,
           (double)n / (ms * 1e-3));
    free(s);
}

static void bench_merkle(size_t log_h, size_t width, int threads, int reps) {
    size_t h = (size_t)1 << log_h;
    bb31 *m = malloc(h * width * sizeof *m);
    if (!m) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < h * width; i++)
        m[i] = bb31_from_u32((uint32_t)(i * 2246822519u));
    omp_set_num_threads(threads);
    double t[16];
    for (int r = 0; r < reps; r++) {
        swirl_merkle_tree *tree;
        double t0 = bench_now_ms();
        if (swirl_merkle_tree_build(&tree, m, h, width, 1, 1) != SWIRL_OK) {
            fprintf(stderr, "merkle build failed: %s\n", swirl_last_error());
            exit(1);
        }
        t[r] = bench_now_ms() - t0;
        swirl_merkle_tree_destroy(tree);
    }
    double ms = bench_median(t, reps);
    /* permutations: ceil(width/8) per leaf plus one per internal node */
    double perms = (double)h * (double)((width + 7) / 8) + (double)(h - 1);
    printf("merkle rows=2^%zu width=%zu threads=%d median_ms=%.1f leaves_per_s=%.3e "
           "perms_per_s=%.3e\n",
           log_h, width, threads, ms, (double)h / (ms * 1e-3), perms / (ms * 1e-3));
    free(m);
}

int main(int argc, char **argv) {
    int quick = bench_has_flag(argc, argv, "--quick");
    int all = omp_get_max_threads();
    if (bench_has_flag(argc, argv, "--latency")) {
        bench_perm_chains(15);
        bench_transcript(160000, 15);
        bench_transcript_batched(160000, 15);
        return 0;
    }
    size_t nperm = quick ? (1u << 16) : (1u << 20);
    size_t log_h = quick ? 14 : 20;
    int reps = quick ? 3 : 5;
    printf("# bench_hash (%s), %d threads available\n", quick ? "quick" : "full", all);
    bench_perm_chains(quick ? 5 : 15);
    bench_transcript(160000, quick ? 5 : 15);
    bench_transcript_batched(160000, quick ? 5 : 15);
    bench_perms(nperm, 1, reps);
    if (all > 1)
        bench_perms(nperm, all, reps);
    bench_merkle(log_h, 42, 1, quick ? 1 : 3);
    if (all > 1)
        bench_merkle(log_h, 42, all, quick ? 1 : 3);
    return 0;
}
