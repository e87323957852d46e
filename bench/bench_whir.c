/* Benchmark: the WHIR opening proof on the CPU at the keccakf shape (one stacked commitment of
 * 2^21 rows x W columns, l_skip 4, n_stack 17, k_whir 4, log_blowup 1, log_final_poly_len 8,
 * PoW bits mu 15 / folding 5 / query 20, 100-bit unique-decoding queries [193, 88, 81, 81]).
 * Prints the span split of prover.openings.whir, the verifier's time and a 64-bit FNV-1a digest
 * of the encoded proof, so runs before and after a change (or with other thread counts) can be
 * compared byte for byte.
 *   usage: bench_whir [--width W] [--quick] [--reps N]
 * --quick: 2^17 rows x 8 columns (n_stack 13). The matrix and u are fixed pseudo-random values. */
#include <omp.h>
#include <stdio.h>

#include "bench_util.h"
#include "pcs/whir.h"
#include "protocol/codec_pcs.h"
#include "util/span.h"

static uint64_t fnv1a(const uint8_t *p, size_t n) {
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ull;
    }
    return h;
}

static const char *const sub_spans[] = {"whir_mle_conversion", "whir_f_evals_batch",
                                        "whir_sumcheck",       "whir_dft_merkle",
                                        "whir_w_evals_accum",  "whir_pow"};

int main(int argc, char **argv) {
    int quick = bench_has_flag(argc, argv, "--quick");
    size_t width = quick ? 8 : 42;
    int reps = 1;
    for (int i = 1; i + 1 < argc; i++) {
        if (strcmp(argv[i], "--width") == 0)
            width = (size_t)strtoul(argv[i + 1], NULL, 10);
        if (strcmp(argv[i], "--reps") == 0)
            reps = atoi(argv[i + 1]);
    }
    if (width == 0 || width > 4096 || reps < 1 || reps > 16) {
        fprintf(stderr, "usage: %s [--width 1..4096] [--quick] [--reps 1..16]\n", argv[0]);
        return 2;
    }
    unsigned n_stack = quick ? 13 : 17, l_skip = 4, m = l_skip + n_stack;
    swirl_whir_proximity ud = {SWIRL_PROXIMITY_UNIQUE_DECODING, 0, 0};
    swirl_system_params p;
    if (swirl_params_100_bits(&p, 1, l_skip, n_stack, 2048, 5, 15, ud, 3, 20, 4, 8) != SWIRL_OK)
        bench_die("params");
    size_t h = (size_t)1 << m;
    bb31 *trace = malloc(h * width * sizeof *trace);
    if (!trace)
        bench_die("malloc");
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (size_t i = 0; i < h * width; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        trace[i] = bb31_from_u32((uint32_t)(x % BB31_P));
    }
    swirl_trace_view tv = {trace, h, width, NULL};
    swirl_stacked_pcs_data *d;
    swirl_digest root;
    if (swirl_stacked_commit(NULL, &d, &root, &tv, 1, l_skip, n_stack, 1, 4) != SWIRL_OK)
        bench_die("commit");
    bb31x4 u[32];
    for (unsigned i = 0; i < m; i++)
        for (int c = 0; c < 4; c++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            u[i].c[c] = bb31_from_u32((uint32_t)(x % BB31_P));
        }
    bb31x4 *open = malloc(width * sizeof *open);
    if (!open)
        bench_die("malloc");
    for (size_t j = 0; j < width; j++)
        open[j] = swirl_whir_opening_oracle(d, j, l_skip, u);
    const swirl_stacked_pcs_data *cs[1] = {d};
    printf("whir stacked=2^%u x %zu rounds=%zu queries=", m, width, p.whir.num_rounds);
    for (size_t r = 0; r < p.whir.num_rounds; r++)
        printf("%s%zu", r ? "," : "", p.whir.num_queries[r]);
    printf(" threads=%d\n", omp_get_max_threads());
    double tot[16], sub[6][16], ver[16];
    uint64_t digest = 0;
    for (int r = 0; r < reps; r++) {
        swirl_transcript t, tvf;
        swirl_transcript_init(&t);
        swirl_transcript_observe_digest(&t, &root);
        tvf = t;
        swirl_span_reset();
        swirl_whir_proof proof;
        double t0 = bench_now_ms();
        if (swirl_whir_prove(NULL, &proof, &t, &p, cs, 1, u) != SWIRL_OK)
            bench_die("prove");
        tot[r] = bench_now_ms() - t0;
        for (int s = 0; s < 6; s++)
            sub[s][r] = swirl_span_total_ms(sub_spans[s]);
        if (r == 0)
            swirl_span_print(stdout);
        t0 = bench_now_ms();
        if (swirl_whir_verify(&tvf, &p, &proof, open, &width, &root, 1, u) != SWIRL_OK)
            bench_die("verify");
        ver[r] = bench_now_ms() - t0;
        swirl_bytes b = {0};
        swirl_whir_proof_encode(&b, &proof, &p);
        if (b.oom)
            bench_die("encode");
        digest = fnv1a(b.p, b.len);
        printf("rep %d: prove %.1f ms, verify %.1f ms, proof %zu bytes, fnv1a %016llx\n", r, tot[r],
               ver[r], b.len, (unsigned long long)digest);
        swirl_bytes_free(&b);
        swirl_whir_proof_clear(&proof);
    }
    printf("median_ms: prover.openings.whir=%.1f", bench_median(tot, reps));
    for (int s = 0; s < 6; s++)
        printf(" %s=%.1f", sub_spans[s], bench_median(sub[s], reps));
    printf(" verify=%.1f\n", bench_median(ver, reps));
    free(open);
    free(trace);
    swirl_stacked_pcs_data_destroy(d);
    return 0;
}
