/* Benchmark: the CPU rap_constraints stage (LogUp-GKR + batch constraint sumcheck) on the keccakf
 * KeccakAir trace (1024 permutations: 2^15 rows x 2633 columns, l_skip 4, degree 3), with the span
 * split (round0 / mle_rounds). `--quick` uses 16 permutations (2^9 rows). */
#include <stdio.h>
#include <string.h>

#include "air/keccak_air.h"
#include "air/keccak_trace.h"
#include "bench_util.h"
#include "protocol/zerocheck.h"
#include "util/span.h"

int main(int argc, char **argv) {
    int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
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
