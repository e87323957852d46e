/*
 * Device latency of the transcript's permutation and of transcript steps, one thread (the control
 * kernels before the warp transcript) against one warp (hash/poseidon2_warp.h, transcript_impl.h
 * warp mode), in SM cycles (clock64) of chained work; checks that both give the same bits.
 * Build and run on the device: tools/gpu/session.sh p2lat, or
 *   nvcc -O3 -arch=sm_90a -Iinclude -Isrc -DSWIRL_HAVE_CUDA=1 tools/gpu/p2lat.cu -o p2lat
 *   ./p2lat
 */
#include <stdio.h>
#include <string.h>

#include "device/cuda/ts_warp.cuh"
#include "transcript/transcript_impl.h"

__constant__ uint32_t c_ei[64] = P2_BB16_RC_EXT_INITIAL_MONT;
__constant__ uint32_t c_ef[64] = P2_BB16_RC_EXT_FINAL_MONT;
__constant__ uint32_t c_in[13] = P2_BB16_RC_INTERNAL_MONT;

#define PERMS 2000
#define ROUNDS 500 /* transcript rounds: 8 observes (a permutation) + 4 samples */

__global__ void k_perm_thread(uint32_t *io, int n, long long *cyc) {
    bb31 s[16];
    for (int i = 0; i < 16; i++)
        s[i].v = io[i];
    long long t0 = clock64();
    for (int k = 0; k < n; k++)
        p2_bb16_permute_tables(s, c_ei, c_ef, c_in);
    long long t1 = clock64();
    for (int i = 0; i < 16; i++)
        io[i] = s[i].v;
    *cyc = t1 - t0;
}

__global__ void k_perm_warp(uint32_t *io, int n, long long *cyc) {
    unsigned l = threadIdx.x & 31u;
    uint32_t x = io[l & 15u];
    long long t0 = clock64();
#ifdef __CUDA_ARCH__
    for (int k = 0; k < n; k++)
        x = p2_bb16_permute_lane(x, l, &swirl_ts_lane_tab);
#endif
    long long t1 = clock64();
    if (l < 16)
        io[l] = x;
    if (l == 0)
        *cyc = t1 - t0;
}

/* the old control kernels: one thread, a local transcript copy */
__global__ void k_ts_thread(swirl_transcript *t, int n, uint32_t *out, long long *cyc) {
    swirl_ts_tables tb = {c_ei, c_ef, c_in, 0, NULL};
    swirl_transcript s = *t;
    uint32_t acc = 0;
    long long t0 = clock64();
    for (int k = 0; k < n; k++) {
        for (uint32_t i = 0; i < 8; i++)
            swirl_ts_observe(&s, bb31_from_u32(acc + i), &tb);
        for (int i = 0; i < 4; i++)
            acc += bb31_to_u32(swirl_ts_sample(&s, &tb));
    }
    long long t1 = clock64();
    *t = s;
    *out = acc;
    *cyc = t1 - t0;
}

/* warp mode: the transcript in shared memory */
__global__ void k_ts_warp(swirl_transcript *t, int n, uint32_t *out, long long *cyc) {
    __shared__ swirl_transcript s;
    swirl_ts_tables tb = swirl_ts_warp_tables(c_ei, c_ef, c_in);
    swirl_ts_warp_load(&s, t);
    uint32_t acc = 0;
    long long t0 = clock64();
    for (int k = 0; k < n; k++) {
        for (uint32_t i = 0; i < 8; i++)
            swirl_ts_observe(&s, bb31_from_u32(acc + i), &tb);
        for (int i = 0; i < 4; i++)
            acc += bb31_to_u32(swirl_ts_sample(&s, &tb));
    }
    long long t1 = clock64();
    swirl_ts_warp_store(t, &s);
    if (threadIdx.x == 0) {
        *out = acc;
        *cyc = t1 - t0;
    }
}

static long long get_cyc(const long long *d) {
    long long c = 0;
    cudaMemcpy(&c, d, sizeof c, cudaMemcpyDeviceToHost);
    return c;
}

int main(void) {
    uint32_t *io, in[16], a[16], b[16], oa, ob;
    long long *cyc;
    swirl_transcript *t, ta, tw;
    cudaError_t e0 = cudaMalloc(&io, sizeof in);
    if (e0 != cudaSuccess) {
        printf("p2lat: no device (%s)\n", cudaGetErrorString(e0));
        return 77;
    }
    cudaMalloc(&cyc, sizeof(long long));
    cudaMalloc(&t, sizeof(swirl_transcript));
    for (int i = 0; i < 16; i++)
        in[i] = 1000003u * (uint32_t)(i + 1) % BB31_P;
    for (int warm = 1; warm >= 0; warm--) { /* a warm-up pass, then the measured one */
        int n = warm ? 10 : PERMS, r = warm ? 10 : ROUNDS;
        cudaMemcpy(io, in, sizeof in, cudaMemcpyHostToDevice);
        k_perm_thread<<<1, 1>>>(io, n, cyc);
        long long c1 = get_cyc(cyc);
        cudaMemcpy(a, io, sizeof a, cudaMemcpyDeviceToHost);
        cudaMemcpy(io, in, sizeof in, cudaMemcpyHostToDevice);
        k_perm_warp<<<1, 32>>>(io, n, cyc);
        long long c2 = get_cyc(cyc);
        cudaMemcpy(b, io, sizeof b, cudaMemcpyDeviceToHost);
        memset(&ta, 0, sizeof ta);
        cudaMemcpy(t, &ta, sizeof ta, cudaMemcpyHostToDevice);
        k_ts_thread<<<1, 1>>>(t, r, io, cyc);
        long long c3 = get_cyc(cyc);
        cudaMemcpy(&oa, io, sizeof oa, cudaMemcpyDeviceToHost);
        cudaMemcpy(&ta, t, sizeof ta, cudaMemcpyDeviceToHost);
        memset(&tw, 0, sizeof tw);
        cudaMemcpy(t, &tw, sizeof tw, cudaMemcpyHostToDevice);
        k_ts_warp<<<1, 32>>>(t, r, io, cyc);
        long long c4 = get_cyc(cyc);
        cudaMemcpy(&ob, io, sizeof ob, cudaMemcpyDeviceToHost);
        cudaMemcpy(&tw, t, sizeof tw, cudaMemcpyDeviceToHost);
        cudaError_t e = cudaDeviceSynchronize();
        if (warm)
            continue;
        int same_p = memcmp(a, b, sizeof a) == 0;
        int same_t = oa == ob && memcmp(ta.state, tw.state, sizeof ta.state) == 0;
        printf("p2lat: permutation %.0f cycles one thread, %.0f one warp (%s)\n", (double)c1 / n,
               (double)c2 / n, same_p ? "same bits" : "BITS DIFFER");
        printf("p2lat: transcript round (8 observes, 4 samples: 1 permutation) %.0f cycles one "
               "thread, %.0f one warp (%s)\n",
               (double)c3 / r, (double)c4 / r, same_t ? "same bits" : "BITS DIFFER");
        printf("p2lat: %s\n", cudaGetErrorString(e));
        return same_p && same_t && e == cudaSuccess ? 0 : 1;
    }
    return 1;
}
