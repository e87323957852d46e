/* Benchmark: the keccakf-sized main-trace commitment on the CPU (one 2^15 x 2633 trace stacked to
 * 2^21 x 42, blowup 2, 16 rows per query), single thread and all threads, with the span split
 * (rs_code_matrix / merkle_tree). `--quick` uses a 2^11 x 263 trace into 2^17 rows. */
#include <omp.h>
#include <stdio.h>

#include "bench_util.h"
#include "pcs/stacked.h"
#include "util/span.h"

static void run(unsigned log_h, size_t width, unsigned n_stack, int threads, int reps) {
    size_t h = (size_t)1 << log_h;
    bb31 *trace = malloc(h * width * sizeof *trace);
    if (!trace) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < h * width; i++)
        trace[i] = bb31_from_u32((uint32_t)(i * 2654435761u));
    swirl_trace_view tv = {trace, h, width, NULL};
    omp_set_num_threads(threads);
    double tot[8], rs[8], mk[8];
    size_t sw = 0;
    for (int r = 0; r < reps; r++) {
        swirl_span_reset();
        swirl_stacked_pcs_data *d;
        swirl_digest root;
        double t0 = bench_now_ms();
        if (swirl_stacked_commit(NULL, &d, &root, &tv, 1, 4, n_stack, 1, 4) != SWIRL_OK) {
            fprintf(stderr, "commit failed: %s\n", swirl_last_error());
            exit(1);
        }
        tot[r] = bench_now_ms() - t0;
        rs[r] = swirl_span_total_ms("rs_code_matrix");
        mk[r] = swirl_span_total_ms("merkle_tree");
        sw = swirl_stacked_pcs_layout(d)->width;
        swirl_stacked_pcs_data_destroy(d);
    }
    printf(
        "cpu_commit trace=2^%u x %zu stacked=2^%u x %zu threads=%d median_ms: stacked_commit=%.1f "
        "rs_code_matrix=%.1f merkle_tree=%.1f\n",
        log_h, width, 4 + n_stack, sw, threads, bench_median(tot, reps), bench_median(rs, reps),
        bench_median(mk, reps));
    free(trace);
}

int main(int argc, char **argv) {
    int quick = bench_has_flag(argc, argv, "--quick");
    int all = omp_get_max_threads();
    if (quick) {
        run(11, 263, 13, 1, 3);
        if (all > 1)
            run(11, 263, 13, all, 3);
    } else {
        run(15, 2633, 17, 1, 1);
        if (all > 1)
            run(15, 2633, 17, all, 3);
    }
    return 0;
}
