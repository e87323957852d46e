/*
 * Poseidon2-16 throughput of the permutation variants of tools/gpu/p2var.h against the library's
 * device permutation (p2_bb16_permute_tables): one thread a state, CHAIN dependent permutations,
 * CUDA events, median of 7; every variant's output compared with the baseline's bit for bit, the
 * baseline's with the host's. An experiment for docs/PERF.md (tenth session; its table was
 * measured before the library took the "alu-add-ext" variant as p2_add_ext, so "base" now equals
 * it); run on the device with
 *   nvcc -O3 -arch=sm_90a -Iinclude -Isrc tools/gpu/p2tput.cu -o p2tput && ./p2tput
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <algorithm>

#include "p2var.h"

__constant__ uint32_t c_ei[64] = P2_BB16_RC_EXT_INITIAL_MONT;
__constant__ uint32_t c_ef[64] = P2_BB16_RC_EXT_FINAL_MONT;
__constant__ uint32_t c_in[13] = P2_BB16_RC_INTERNAL_MONT;

template <int V>
__global__ void k_tput(const uint32_t *__restrict__ in, uint32_t *out, size_t n, int chain) {
    size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n)
        return;
    uint32_t s[16];
#pragma unroll
    for (int k = 0; k < 16; k++)
        s[k] = in[k * n + i];
    for (int c = 0; c < chain; c++) {
        if (V == 0)
            p2_bb16_permute_tables((bb31 *)s, c_ei, c_ef, c_in);
        else
            p2v_permute<V>(s, c_ei, c_ef, c_in);
    }
#pragma unroll
    for (int k = 0; k < 8; k++)
        out[k * n + i] = s[k];
}

#define CK(x) do { cudaError_t e_ = (x); if (e_ != cudaSuccess) { \
    printf("p2tput: %s: %s\n", #x, cudaGetErrorString(e_)); exit(1); } } while (0)

typedef void (*kfn)(const uint32_t *, uint32_t *, size_t, int);

int main(int argc, char **argv) {
    size_t n = (size_t)1 << 21;
    int chain = argc > 1 ? atoi(argv[1]) : 8, bs = argc > 2 ? atoi(argv[2]) : 256,
        reps = argc > 3 ? atoi(argv[3]) : 7;
    if (reps < 1 || reps > 7)
        reps = 7;
    uint32_t *h_in = (uint32_t *)malloc(16 * n * 4), *h_ref = (uint32_t *)malloc(8 * n * 4),
             *h_out = (uint32_t *)malloc(8 * n * 4);
    uint64_t x = 88172645463325252ull;
    for (size_t i = 0; i < 16 * n; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        h_in[i] = (uint32_t)(x % BB31_P);
    }
    uint32_t *d_in, *d_out;
    CK(cudaMalloc(&d_in, 16 * n * 4));
    CK(cudaMalloc(&d_out, 8 * n * 4));
    CK(cudaMemcpy(d_in, h_in, 16 * n * 4, cudaMemcpyHostToDevice));
#define NV 7
    kfn ks[NV] = {k_tput<0>, k_tput<1>, k_tput<8>, k_tput<9>, k_tput<4>, k_tput<5>, k_tput<16>};
    const char *names[NV] = {"base", "alu-add-ext", "alu-add-int", "alu-add-ext+int",
                             "alu-q", "alu-q+alu-add-ext", "variant-path-only"};
    cudaEvent_t e0, e1;
    CK(cudaEventCreate(&e0));
    CK(cudaEventCreate(&e1));
    unsigned grid = (unsigned)((n + bs - 1) / bs);
    for (int v = 0; v < NV; v++) {
        cudaFuncAttributes fa;
        CK(cudaFuncGetAttributes(&fa, ks[v]));
        float ms[7];
        if (reps == 7)
            ks[v]<<<grid, bs>>>(d_in, d_out, n, chain); /* warm-up */
        CK(cudaDeviceSynchronize());
        for (int r = 0; r < reps; r++) {
            CK(cudaEventRecord(e0));
            ks[v]<<<grid, bs>>>(d_in, d_out, n, chain);
            CK(cudaEventRecord(e1));
            CK(cudaEventSynchronize(e1));
            CK(cudaEventElapsedTime(&ms[r], e0, e1));
        }
        std::sort(ms, ms + reps);
        CK(cudaMemcpy(v ? h_out : h_ref, d_out, 8 * n * 4, cudaMemcpyDeviceToHost));
        const char *ok = "baseline";
        if (v == 0) { /* the baseline against the host, first 256 states */
            for (size_t i = 0; i < 256; i++) {
                bb31 s[16];
                for (int k = 0; k < 16; k++)
                    s[k].v = h_in[k * n + i];
                for (int c = 0; c < chain; c++)
                    p2_bb16_permute_tables(s, (const uint32_t[64])P2_BB16_RC_EXT_INITIAL_MONT,
                                           (const uint32_t[64])P2_BB16_RC_EXT_FINAL_MONT,
                                           (const uint32_t[13])P2_BB16_RC_INTERNAL_MONT);
                for (int k = 0; k < 8; k++)
                    if (s[k].v != h_ref[k * n + i]) { printf("p2tput: base differs from host\n"); return 1; }
            }
            ok = "= host";
        } else {
            ok = memcmp(h_out, h_ref, 8 * n * 4) == 0 ? "= base" : "DIFFERS";
        }
        double perms = (double)n * chain;
        printf("p2tput %-24s bs %d regs %3d  median %.3f ms (min %.3f)  %.3f G perms/s  %s\n", names[v],
               bs, fa.numRegs, ms[reps / 2], ms[0], perms / (ms[reps / 2] * 1e6), ok);
    }
    return 0;
}
