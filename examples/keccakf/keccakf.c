/*
 * The keccakf example: proves 1024 Keccak-f permutations (OpenVM's
 * crates/stark-sdk/examples/keccakf.rs inputs, StdRng seed 42) with KeccakAir and verifies the
 * proof, through the public API only (include/swirl). Parameters: l_skip 4, n_stack 17, k_whir 4,
 * log_blowup 1, log_final_poly_len 8, query PoW 20 bits, 100-bit security. Prints progress and
 * the span tree (OpenVM span names) on stderr and a JSON metrics line on stdout.
 *
 *   usage: keccakf [--perms N] [--backend cpu|cuda|auto] [--threads N] [--host-trace] [--warmup W]
 *   N: a count from 1 to 1024 (default 1024). --backend auto (the default) proves on the GPU when
 * a CUDA device is present. W untimed proofs of the same trace come before the timed one
 * (default: 1 on the GPU, where the first proof in a process also loads the kernels and sizes the
 * arena, as OpenVM's published GPU times are warm; 0 on the CPU). On the GPU the trace is generated on the device
 * (swirl_keccak_generate_trace_device) and proved where it is (swirl_prove_device); --host-trace
 * generates it on the CPU and uploads it in the proof instead, for comparison. Trace generation
 * is timed outside the proof, as OpenVM's stark_prove_excluding_trace leaves it out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "swirl/swirl.h"
#include "swirl/swirl_air.h"
#include "swirl/swirl_airs.h"
#include "swirl/swirl_params.h"
#include "swirl/swirl_prover.h"
#include "swirl/swirl_report.h"

static void log_stderr(void *user, enum swirl_log_level level, const char *msg) {
    (void)user;
    fprintf(stderr, "keccakf: %s%s\n", level <= SWIRL_LOG_WARN ? "warning: " : "", msg);
}

static int parse_count(const char *s, long lo, long hi, long *out) {
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == 0 || *end || v < lo || v > hi)
        return 0;
    *out = v;
    return 1;
}

/* the GPU stage trace as a JSON array (at most `cap` bytes) */
static void stages_json(char *out, size_t cap, const swirl_context *ctx) {
    size_t ns = 0, off = 0;
    const swirl_stage *tr = swirl_context_stage_trace(ctx, &ns);
    off += (size_t)snprintf(out, cap, "[");
    for (size_t i = 0; i < ns && off + 200 < cap; i++) {
        fprintf(stderr, "  %-44s %5u %3u %9.3f\n", tr[i].name, tr[i].kernels, tr[i].syncs,
                tr[i].gpu_ms);
        off += (size_t)snprintf(out + off, cap - off,
                                "%s{\"stage\":\"%s\",\"kernel_count\":%u,\"sync_count\":%u,"
                                "\"gpu_ms\":%.3f,\"bytes\":%zu}",
                                i ? "," : "", tr[i].name, tr[i].kernels, tr[i].syncs, tr[i].gpu_ms,
                                tr[i].bytes);
    }
    snprintf(out + off, cap - off, "]");
}

int main(int argc, char **argv) {
    long n_perm = 1024, threads = 0, warmup = -1; /* -1: by backend */
    int host_trace = 0;
    swirl_context_options opts;
    swirl_context_options_init(&opts);
    opts.backend = "auto";
    opts.log = log_stderr;
    opts.progress_depth = 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--backend") == 0 && i + 1 < argc) {
            opts.backend = argv[++i];
        } else if (strcmp(argv[i], "--host-trace") == 0) {
            host_trace = 1;
        } else if (strcmp(argv[i], "--perms") == 0 && i + 1 < argc) {
            if (!parse_count(argv[++i], 1, 1024, &n_perm)) {
                fprintf(stderr, "keccakf: --perms takes a count from 1 to 1024\n");
                return 2;
            }
        } else if (strcmp(argv[i], "--warmup") == 0 && i + 1 < argc) {
            if (!parse_count(argv[++i], 0, 100, &warmup)) {
                fprintf(stderr, "keccakf: --warmup takes a count from 0 to 100\n");
                return 2;
            }
        } else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            if (!parse_count(argv[++i], 1, 4096, &threads)) {
                fprintf(stderr, "keccakf: --threads takes a count from 1 to 4096\n");
                return 2;
            }
        } else {
            fprintf(stderr,
                    "usage: %s [--perms N] [--backend cpu|cuda|auto] [--threads N] [--host-trace] "
                    "[--warmup W]\n",
                    argv[0]);
            return 2;
        }
    }
    opts.threads = (int)threads;
    swirl_context *ctx = NULL;
    swirl_system_params p;
    swirl_whir_proximity ud = {SWIRL_PROXIMITY_UNIQUE_DECODING, 0, 0};
    swirl_air_builder *b = NULL;
    swirl_air *air = NULL;
    swirl_vk *vk = NULL;
    swirl_proof *proof = NULL;
    swirl_felt *trace = NULL;
    swirl_device_trace *dtrace = NULL;
    size_t h = 0, n_inputs = 0;
    int rc = 1;
    if (swirl_context_create(&ctx, &opts) != SWIRL_OK) {
        fprintf(stderr, "keccakf: --backend %s: %s\n", opts.backend, swirl_last_error());
        return 2;
    }
    if (swirl_params_100_bits(&p, 1, 4, 17, 2048, 5, 15, ud, 3, 20, 4, 8) != SWIRL_OK ||
        swirl_keccak_air_build(&b) != SWIRL_OK || swirl_air_compile(&air, b, 3) != SWIRL_OK) {
        fprintf(stderr, "keccakf: setup failed: %s\n", swirl_last_error());
        goto out;
    }
    swirl_air_spec spec = {air, NULL, 0, 1};
    if (swirl_vk_create(&vk, &p, &spec, 1) != SWIRL_OK) {
        fprintf(stderr, "keccakf: keygen failed: %s\n", swirl_last_error());
        goto out;
    }
    const uint64_t(*inputs)[25] = swirl_keccakf_example_inputs(&n_inputs);
    int gpu = strcmp(swirl_context_backend(ctx), "cuda") == 0;
    int on_device = gpu && !host_trace; /* the trace generated and kept on the GPU */
    double t0 = swirl_now_ms();
    enum swirl_status gs =
        on_device ? swirl_keccak_generate_trace_device(ctx, &dtrace, inputs, (size_t)n_perm)
                  : swirl_keccak_generate_trace(&trace, &h, inputs, (size_t)n_perm);
    if (gs != SWIRL_OK) {
        fprintf(stderr, "keccakf: trace generation failed: %s\n", swirl_last_error());
        goto out;
    }
    if (on_device)
        h = swirl_device_trace_height(dtrace);
    double t_trace = swirl_now_ms() - t0;
    const char *trace_path = on_device ? "device" : "host";
    fprintf(stderr,
            "keccakf: %ld permutations, trace %zu x %zu on the %s (%.0f ms); proving (%s, %d "
            "threads)...\n",
            n_perm, h, swirl_air_width(air), on_device ? "GPU" : "CPU", t_trace,
            gpu ? "GPU" : "CPU", swirl_context_threads(ctx));
    swirl_trace in = {trace, on_device ? 0 : h, NULL, NULL};
    const swirl_device_trace *dev[1] = {dtrace};
    if (warmup < 0)
        warmup = gpu ? 1 : 0;
    for (long w = 0; w < warmup; w++) { /* untimed; the proof is dropped */
        if (swirl_prove_device(ctx, &proof, vk, &in, dev) != SWIRL_OK) {
            fprintf(stderr, "keccakf: warm-up prove failed: %s\n", swirl_last_error());
            goto out;
        }
        swirl_proof_destroy(proof);
        proof = NULL;
    }
    double t_wait = 0.0;
    if (warmup > 0) {
        /* a first run on this machine compiles KeccakAir's round-0 kernel in the background
         * (seconds; the disk cache keeps it): the timed proof runs it */
        unsigned waited = 0;
        double tw = swirl_now_ms();
        (void)swirl_context_finish_compiles(ctx, &waited);
        t_wait = swirl_now_ms() - tw;
        if (waited)
            fprintf(stderr, "keccakf: waited %.0f ms for the background kernel compile (kept in "
                    "the disk cache)\n", t_wait);
        fprintf(stderr, "keccakf: %ld warm-up proof%s done; the timed proof...\n", warmup,
                warmup == 1 ? "" : "s");
    }
    swirl_report_reset();
    double t1 = swirl_now_ms();
    if (swirl_prove_device(ctx, &proof, vk, &in, dev) != SWIRL_OK) {
        fprintf(stderr, "keccakf: prove failed: %s\n", swirl_last_error());
        goto out;
    }
    double t_prove = swirl_now_ms() - t1;
    swirl_report_print(stderr);
    char stages[4096];
    if (gpu)
        fprintf(stderr, "GPU stage trace (stage, kernel_count, sync_count, GPU ms):\n");
    stages_json(stages, sizeof stages, ctx);
    double commit_ms = swirl_report_span_ms("prover.main_trace_commit"),
           rap_ms = swirl_report_span_ms("prover.rap_constraints"),
           open_ms = swirl_report_span_ms("prover.openings");
    double t2 = swirl_now_ms();
    enum swirl_status vs = swirl_verify(ctx, vk, proof);
    double t_verify = swirl_now_ms() - t2;
    fprintf(stderr, "keccakf: verify %s (%.0f ms)\n", vs == SWIRL_OK ? "ok" : swirl_last_error(),
            t_verify);
    printf("{\"example\":\"keccakf\",\"backend\":\"%s\",\"trace_path\":\"%s\","
           "\"perms\":%ld,\"warmup\":%ld,\"compile_wait_ms\":%.1f,\"trace_rows\":%zu,"
           "\"trace_width\":%zu,\"trace_gen_ms\":%.1f,\"stark_prove_excluding_trace_ms\":%.1f,"
           "\"main_trace_commit_ms\":%.1f,\"rap_constraints_ms\":%.1f,\"openings_ms\":%.1f,"
           "\"verify_ms\":%.1f,\"verified\":%s,\"gpu_stages\":%s}\n",
           gpu ? "cuda" : "cpu", trace_path, n_perm, warmup, t_wait, h, swirl_air_width(air), t_trace,
           t_prove,
           commit_ms, rap_ms, open_ms, t_verify, vs == SWIRL_OK ? "true" : "false", stages);
    rc = vs == SWIRL_OK ? 0 : 1;
out:
    swirl_proof_destroy(proof);
    swirl_free(trace);
    swirl_device_trace_destroy(dtrace); /* before its context */
    swirl_vk_destroy(vk);
    swirl_air_destroy(air);
    swirl_air_builder_destroy(b);
    swirl_context_destroy(ctx);
    return rc;
}
