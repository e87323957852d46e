/*
 * The keccakf example: proves 1024 Keccak-f permutations (OpenVM's
 * crates/stark-sdk/examples/keccakf.rs inputs, StdRng seed 42) with KeccakAir on the CPU and
 * verifies the proof. Parameters: l_skip 4, n_stack 17, k_whir 4, log_blowup 1, log_final_poly_len
 * 8, query PoW 20 bits, 100-bit security. Prints the span tree (OpenVM span names) and a JSON
 * metrics line.
 *
 *   usage: keccakf [--perms N] [--backend cpu|cuda|auto]
 *   N: a count from 1 to 1024 (default 1024). --backend auto (the default) commits the main trace
 * on the GPU when a CUDA device is present; every other stage runs on the CPU for now.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "air/keccak_air.h"
#include "air/keccak_trace.h"
#include "prover/stages.h"
#include "prover/prove.h"
#include "util/span.h"
#include "vectors/keccakf_inputs_1024.h"

int main(int argc, char **argv) {
    size_t n_perm = 1024;
    const char *backend = "auto";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--backend") == 0 && i + 1 < argc) {
            backend = argv[++i];
            if (strcmp(backend, "cpu") && strcmp(backend, "cuda") && strcmp(backend, "auto")) {
                fprintf(stderr, "keccakf: --backend takes cpu, cuda or auto\n");
                return 2;
            }
            continue;
        }
        if (strcmp(argv[i], "--perms") == 0 && i + 1 < argc) {
            char *end;
            long v = strtol(argv[++i], &end, 10);
            if (*end || v < 1 || v > 1024) {
                fprintf(stderr, "keccakf: --perms takes a count from 1 to 1024\n");
                return 2;
            }
            n_perm = (size_t)v;
        } else {
            fprintf(stderr, "usage: %s [--perms N] [--backend cpu|cuda|auto]\n", argv[0]);
            return 2;
        }
    }
    swirl_system_params p;
    swirl_whir_proximity ud = {SWIRL_PROXIMITY_UNIQUE_DECODING, 0, 0};
    swirl_air_builder *b = NULL;
    swirl_air *air = NULL;
    swirl_vk *vk = NULL;
    swirl_backend *be = NULL;
    bb31 *trace = NULL;
    size_t h = 0;
    int rc = 1;
    if (swirl_params_100_bits(&p, 1, 4, 17, 2048, 5, 15, ud, 3, 20, 4, 8) != SWIRL_OK ||
        swirl_keccak_air_build(&b) != SWIRL_OK || swirl_air_compile(&air, b, 3) != SWIRL_OK) {
        fprintf(stderr, "keccakf: setup failed: %s\n", swirl_last_error());
        goto out;
    }
    swirl_keygen_air ka = {air, NULL, 0, 1};
    if (swirl_keygen(&vk, &p, &ka, 1) != SWIRL_OK) {
        fprintf(stderr, "keccakf: keygen failed: %s\n", swirl_last_error());
        goto out;
    }
    double t0 = swirl_now_ms();
    if (swirl_keccak_generate_trace(&trace, &h, kat_keccakf_inputs_1024, n_perm) != SWIRL_OK) {
        fprintf(stderr, "keccakf: trace generation failed: %s\n", swirl_last_error());
        goto out;
    }
    double t_trace = swirl_now_ms() - t0;
    if (swirl_backend_select(&be, backend) != SWIRL_OK) {
        fprintf(stderr, "keccakf: --backend %s: %s\n", backend, swirl_last_error());
        goto out;
    }
    int gpu = be->gpu != NULL;
    fprintf(stderr, "keccakf: %zu permutations, trace %zu x %zu (%.0f ms); proving (%s)...\n",
            n_perm, h, air->common_width, t_trace,
            gpu ? "commit on the GPU, other stages on the CPU" : "CPU");
    swirl_span_reset();
    swirl_trace_input in = {trace, h, NULL, NULL};
    swirl_proof proof;
    double t1 = swirl_now_ms();
    if (swirl_prove(&proof, vk, &in, be, NULL) != SWIRL_OK) {
        fprintf(stderr, "keccakf: prove failed: %s\n", swirl_last_error());
        goto out;
    }
    double t_prove = swirl_now_ms() - t1;
    swirl_span_print(stderr);
    char gpu_json[4096] = "[]";
    if (gpu) {
        size_t ns, off = 0;
        const swirl_stage_trace *tr = swirl_backend_stage_trace(be, &ns);
        fprintf(stderr, "GPU stage trace (name, kernels, host syncs, GPU ms):\n");
        off += (size_t)snprintf(gpu_json + off, sizeof gpu_json - off, "[");
        for (size_t i = 0; i < ns; i++) {
            fprintf(stderr, "  %-44s %5u %3u %9.3f\n", tr[i].name, tr[i].kernels, tr[i].syncs,
                    tr[i].gpu_ms);
            if (off < sizeof gpu_json - 200)
                off += (size_t)snprintf(
                    gpu_json + off, sizeof gpu_json - off,
                    "%s{\"name\":\"%s\",\"kernels\":%u,\"syncs\":%u,\"gpu_ms\":%.3f}", i ? "," : "",
                    tr[i].name, tr[i].kernels, tr[i].syncs, tr[i].gpu_ms);
        }
        snprintf(gpu_json + off, sizeof gpu_json - off, "]");
    }
    double t2 = swirl_now_ms();
    enum swirl_status vs = swirl_verify(vk, &proof, NULL);
    double t_verify = swirl_now_ms() - t2;
    fprintf(stderr, "keccakf: verify %s (%.0f ms)\n", vs == SWIRL_OK ? "ok" : swirl_last_error(),
            t_verify);
    printf("{\"example\":\"keccakf\",\"backend\":\"%s\",\"perms\":%zu,\"trace_rows\":%zu,\"trace_"
           "width\":%zu,"
           "\"trace_gen_ms\":%.1f,\"stark_prove_excluding_trace_ms\":%.1f,\"main_trace_commit_ms\":"
           "%.1f,"
           "\"rap_constraints_ms\":%.1f,\"openings_ms\":%.1f,\"verify_ms\":%.1f,\"verified\":%s,"
           "\"gpu_stages\":%s}\n",
           gpu ? "cuda-commit" : "cpu", n_perm, h, air->common_width, t_trace, t_prove,
           swirl_span_total_ms("prover.main_trace_commit"),
           swirl_span_total_ms("prover.rap_constraints"), swirl_span_total_ms("prover.openings"),
           t_verify, vs == SWIRL_OK ? "true" : "false", gpu_json);
    swirl_proof_clear(&proof);
    rc = vs == SWIRL_OK ? 0 : 1;
out:
    swirl_backend_destroy(be);
    free(trace);
    swirl_vk_destroy(vk);
    swirl_air_destroy(air);
    swirl_air_builder_destroy(b);
    return rc;
}
