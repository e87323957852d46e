/* Benchmark: forward NTT of 2^20 and 2^24 rows x 16 columns, single thread and all threads, plus
 * the rs_code_matrix shape (2^20 coefficients zero-padded to 2^21). `--quick` uses 2^16. Bytes
 * moved are counted as one read and one write of the data: 2 * n * cols * 4. */
#include <omp.h>
#include <stdio.h>

#include "bench_util.h"
#include "poly/ntt.h"

static void bench_ntt(unsigned log_n, size_t cols, int threads, int reps, const char *label,
                      unsigned log_data) {
    size_t n = (size_t)1 << log_n;
    bb31 *a = calloc(n * cols, sizeof *a);
    if (!a) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    size_t nd = (size_t)1 << log_data;
    for (size_t c = 0; c < cols; c++)
        for (size_t i = 0; i < nd; i++)
            a[c * n + i] = bb31_from_u32((uint32_t)(i * 2654435761u + c));
    omp_set_num_threads(threads);
    double t[16];
    for (int r = 0; r < reps; r++) {
        double t0 = bench_now_ms();
        if (swirl_ntt_forward(a, log_n, cols, n, bb31_one(), SWIRL_NTT_NONE) != SWIRL_OK) {
            fprintf(stderr, "ntt failed: %s\n", swirl_last_error());
            exit(1);
        }
        t[r] = bench_now_ms() - t0;
    }
    double ms = bench_median(t, reps);
    double bytes = 2.0 * (double)n * (double)cols * 4.0;
    printf("ntt%s log_n=%u cols=%zu threads=%d median_ms=%.1f GB_per_s=%.2f\n", label, log_n, cols,
           threads, ms, bytes / (ms * 1e-3) / 1e9);
    free(a);
}

int main(int argc, char **argv) {
    int quick = bench_has_flag(argc, argv, "--quick");
    int all = omp_get_max_threads();
    int reps = quick ? 3 : 3;
    printf("# bench_ntt (%s), %d threads available\n", quick ? "quick" : "full", all);
    unsigned sizes[2] = {quick ? 16u : 20u, quick ? 18u : 24u};
    for (int s = 0; s < 2; s++) {
        bench_ntt(sizes[s], 16, 1, reps, "", sizes[s]);
        if (all > 1)
            bench_ntt(sizes[s], 16, all, reps, "", sizes[s]);
    }
    unsigned lb = quick ? 16u : 20u;
    bench_ntt(lb + 1, 16, all, reps, "_rs_blowup2", lb);
    return 0;
}
