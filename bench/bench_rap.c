/* Benchmark: the CPU rap_constraints stage (LogUp-GKR + batch constraint sumcheck) on the keccakf
 * KeccakAir trace (1024 permutations: 2^15 rows x 2633 columns, l_skip 4, degree 3), with the span
 * split (round0 / mle_rounds). `--quick` uses 16 permutations (2^9 rows). `--plan` times the
 * device stage's host plan instead (prover/rap_sched.h: the schedule, round 0's points and their
 * Lagrange table), median of 201 runs, and the table as the extension-field kernel builds it. */
#include <stdio.h>
#include <string.h>

#include "air/keccak_air.h"
#include "air/keccak_trace.h"
#include "bench_util.h"
#include "protocol/zerocheck.h"
#include "protocol/zerocheck_math.h"
#include "prover/rap_sched.h"
#include "util/span.h"

#define PLAN_RUNS 201

/* the rap stage's host plan on one trace (its data is not read): swirl_rap_sched_make, then
 * round 0's points and Lagrange table; `ext` builds the table with the extension-field kernel on
 * the embedded points (what the plan did before swirl_zm_eq_uni_base) */
static double plan_ms(const swirl_air_instance *inst, const swirl_zc_params *zp, int ext) {
    double v[PLAN_RUNS];
    for (int it = 0; it < PLAN_RUNS; it++) {
        double t0 = bench_now_ms();
        swirl_rap_sched s;
        BENCH_TRY(swirl_rap_sched_make(&s, zp, inst, 1));
        size_t P = s.sh.P, N = s.sh.N;
        bb31 *pts = malloc(P * sizeof *pts), *lag = malloc(P * N * sizeof *lag);
        if (!pts || !lag)
            bench_die("malloc");
        swirl_rap_sched_round0_points(&s, pts, lag);
        if (ext)
            for (size_t p = 0; p < P; p++)
                for (size_t j = 0; j < N; j++)
                    lag[p * N + j] = swirl_zm_eq_uni(s.sh.l, bb31x4_from_base(pts[p]),
                                                     bb31x4_from_base(bb31_pow(s.sh.omega, j)))
                                         .c[0];
        v[it] = bench_now_ms() - t0;
        free(pts);
        free(lag);
        swirl_rap_sched_clear(&s);
    }
    return bench_median(v, PLAN_RUNS);
}

int main(int argc, char **argv) {
    int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    int plan = argc > 1 && strcmp(argv[1], "--plan") == 0;
    size_t n_perm = quick ? 16 : 1024;
    uint64_t(*in)[25] = calloc(n_perm, sizeof *in);
    if (!in)
        return 1;
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (size_t i = 0; i < n_perm; i++)
        for (int j = 0; j < 25; j++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            in[i][j] = x;
        }
    bb31 *m;
    size_t h;
    swirl_air_builder *b;
    swirl_air *air;
    if (swirl_keccak_generate_trace(&m, &h, (const uint64_t(*)[25])in, n_perm) != SWIRL_OK ||
        swirl_keccak_air_build(&b) != SWIRL_OK || swirl_air_compile(&air, b, 3) != SWIRL_OK) {
        fprintf(stderr, "setup failed: %s\n", swirl_last_error());
        return 1;
    }
    swirl_air_builder_destroy(b);
    swirl_air_instance inst = {air, NULL, NULL, m, h, NULL};
    swirl_zc_params zp = {4, 3, 0};
    if (plan) {
        double base = plan_ms(&inst, &zp, 0), ext = plan_ms(&inst, &zp, 1);
        printf("rap_host_plan keccak rows=%zu median_ms=%.4f (with the extension-kernel table "
               "added: %.4f)\n",
               h, base, ext);
        swirl_air_destroy(air);
        free(m);
        free(in);
        return 0;
    }
    swirl_span_reset();
    swirl_transcript t;
    swirl_transcript_init(&t);
    swirl_gkr_proof gkr;
    swirl_batch_proof bp;
    bb31x4 r[64];
    size_t nr;
    double t0 = bench_now_ms();
    if (swirl_zerocheck_prove(NULL, &gkr, &bp, r, &nr, &t, &zp, &inst, 1) != SWIRL_OK) {
        fprintf(stderr, "prove failed: %s\n", swirl_last_error());
        return 1;
    }
    double ms = bench_now_ms() - t0;
    printf("cpu_rap_constraints keccak perms=%zu rows=%zu width=%zu nodes=%zu total_ms=%.1f "
           "round0_ms=%.1f "
           "mle_rounds_ms=%.1f\n",
           n_perm, h, air->common_width, air->n_nodes, ms,
           swirl_span_total_ms("prover.rap_constraints.round0"),
           swirl_span_total_ms("prover.rap_constraints.mle_rounds"));
    swirl_gkr_proof_clear(&gkr);
    swirl_batch_proof_clear(&bp);
    swirl_air_destroy(air);
    free(m);
    free(in);
    return 0;
}
