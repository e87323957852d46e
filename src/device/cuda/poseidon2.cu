/*
 * Poseidon2-16 on the GPU: one thread per permutation, state in registers, round constants in
 * __constant__ memory (instantiated from the same macro lists as the host code), and the Merkle
 * tree of merkle.h: leaf hashing reads a row of the column-major matrix (consecutive threads read
 * consecutive rows: coalesced), then one kernel per compression layer: one thread a node while a
 * layer is large (throughput-bound), 16 lanes a node once it has at most SWIRL_MERKLE_LANES nodes
 * (latency-bound: k_merkle_fold_lanes), and one block for the last layers (k_merkle_tail).
 * Cost per leaf of a width-w base matrix: ceil(w/8) permutations; per internal node: 1.
 */
#include "device/cuda/cuda_common.cuh"
#include "hash/poseidon2_impl.h"
#include "hash/poseidon2_warp.h"
#include "util/settings.h"

__constant__ uint32_t c_p2_ext_init[64] = P2_BB16_RC_EXT_INITIAL_MONT;
__constant__ uint32_t c_p2_ext_final[64] = P2_BB16_RC_EXT_FINAL_MONT;
__constant__ uint32_t c_p2_internal[13] = P2_BB16_RC_INTERNAL_MONT;

__device__ __forceinline__ void d_p2_permute(bb31 *s) {
    p2_bb16_permute_tables(s, c_p2_ext_init, c_p2_ext_final, c_p2_internal);
}

__global__ void k_p2_permute_many(bb31 *states, size_t n) {
    SWIRL_KERNEL_ENTRY();
    size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n)
        return;
    bb31 s[16];
#pragma unroll
    for (int k = 0; k < 16; k++)
        s[k] = states[i * 16 + k];
    d_p2_permute(s);
#pragma unroll
    for (int k = 0; k < 16; k++)
        states[i * 16 + k] = s[k];
}

/* Leaf r: sponge over row r (cells in column order, each `d` base elements); zero past height.
 * The digest is s[0..8) on return. */
__device__ __forceinline__ void d_leaf(bb31 s[16], const bb31 *__restrict__ m, size_t r,
                                       size_t height, size_t width, unsigned d) {
#pragma unroll
    for (int k = 0; k < 16; k++)
        s[k].v = 0;
    size_t total = width * d;
    if (r < height) {
        size_t e = 0;
        while (e < total) {
#pragma unroll
            for (int k = 0; k < 8; k++) {
                size_t idx = e + (size_t)k;
                if (idx < total) {
                    if (d == 1) {
                        s[k] = m[idx * height + r];
                    } else {
                        size_t c = idx / d, kk = idx % d;
                        s[k] = m[(c * height + r) * d + kk];
                    }
                }
            }
            d_p2_permute(s);
            e += 8;
        }
    } else if (total > 0) {
        /* a zero row: every chunk overwrites with zeros */
        for (size_t e = 0; e < total; e += 8) {
#pragma unroll
            for (int k = 0; k < 8; k++)
                if (e + (size_t)k < total)
                    s[k].v = 0;
            d_p2_permute(s);
        }
    }
}

__device__ __forceinline__ void d_store_digest(swirl_digest *out, const bb31 s[16]) {
    uint4 *ov = reinterpret_cast<uint4 *>(out); /* 16-byte stores (32-byte digests) */
    ov[0] = make_uint4(s[0].v, s[1].v, s[2].v, s[3].v);
    ov[1] = make_uint4(s[4].v, s[5].v, s[6].v, s[7].v);
}

__global__ void k_merkle_leaves(swirl_digest *out, const bb31 *__restrict__ m, size_t height,
                                size_t width, unsigned d, size_t num_leaves) {
    SWIRL_KERNEL_ENTRY();
    size_t r = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (r >= num_leaves)
        return;
    bb31 s[16];
    d_leaf(s, m, r, height, width, d);
    d_store_digest(&out[r], s);
}

/* The leaves and the first LV strided folds in one kernel (launched with MERKLE_FUSE_THREADS a
 * block, num_leaves >> LV threads): thread i = x qs + y hashes the 2^LV leaves
 * (x 2^LV + k) qs + y, k = 0 .. 2^LV - 1, and compresses them as the folds would, left subtrees
 * held in shared memory (a binary-counter stack, word w of slot l of thread t at
 * [l][w][t]: no bank conflicts), so the compressions run at the leaves' rate and the layers
 * below the output never reach global memory. */
#define MERKLE_FUSE_THREADS 128
template <int LV>
__global__ void __launch_bounds__(MERKLE_FUSE_THREADS, 12)
    k_merkle_leaves_fold(swirl_digest *out, const bb31 *__restrict__ m, size_t height,
                         size_t width, unsigned d, size_t n_out, size_t qs) {
    SWIRL_KERNEL_ENTRY();
    __shared__ uint32_t held[LV][8][MERKLE_FUSE_THREADS];
    size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n_out)
        return;
    size_t x = i / qs, y = i % qs;
    const unsigned t = threadIdx.x;
    bb31 s[16];
#pragma unroll 1
    for (unsigned k = 0; k < (1u << LV); k++) {
        d_leaf(s, m, ((x << LV) + k) * qs + y, height, width, d);
        /* the digest in s[0..8): fold it with every held left sibling */
#pragma unroll
        for (int l = 0; l < LV; l++) {
            if (!((k >> l) & 1u)) {
#pragma unroll
                for (int w = 0; w < 8; w++)
                    held[l][w][t] = s[w].v;
                break;
            }
#pragma unroll
            for (int w = 0; w < 8; w++) {
                s[8 + w] = s[w];
                s[w].v = held[l][w][t];
            }
            d_p2_permute(s);
        }
    }
    d_store_digest(&out[i], s);
}

__device__ __forceinline__ void d_compress(swirl_digest *out, const swirl_digest *l,
                                           const swirl_digest *r) {
    bb31 s[16];
#pragma unroll
    for (int k = 0; k < 8; k++) {
        s[k] = l->v[k];
        s[8 + k] = r->v[k];
    }
    d_p2_permute(s);
#pragma unroll
    for (int k = 0; k < 8; k++)
        out->v[k] = s[k];
}

/* A compression with 16-byte loads and stores (4 + 2 instead of 16 + 8 per thread): the digests
 * of a layer are 32 bytes each in arena memory (256-byte aligned), and the lanes of a warp read
 * digests 32 or 64 bytes apart, so a 4-byte access touched 32 sectors for 128 useful bytes. */
__device__ __forceinline__ void d_compress_v(swirl_digest *out, const swirl_digest *l,
                                             const swirl_digest *r) {
    const uint4 *lv = reinterpret_cast<const uint4 *>(l);
    const uint4 *rv = reinterpret_cast<const uint4 *>(r);
    uint4 w[4] = {__ldg(lv), __ldg(lv + 1), __ldg(rv), __ldg(rv + 1)};
    bb31 s[16];
#pragma unroll
    for (int k = 0; k < 4; k++) {
        s[4 * k].v = w[k].x;
        s[4 * k + 1].v = w[k].y;
        s[4 * k + 2].v = w[k].z;
        s[4 * k + 3].v = w[k].w;
    }
    d_p2_permute(s);
    d_store_digest(out, s);
}

/* Folds pairs query_stride apart: out[x*qs + y] = C(in[2x*qs + y], in[(2x+1)*qs + y]). */
__global__ void k_merkle_fold_strided(swirl_digest *out, const swirl_digest *__restrict__ in,
                                      size_t half, size_t qs) {
    SWIRL_KERNEL_ENTRY();
    size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= half)
        return;
    size_t x = i / qs, y = i % qs;
    d_compress_v(&out[i], &in[2 * x * qs + y], &in[(2 * x + 1) * qs + y]);
}

__global__ void k_merkle_fold_adjacent(swirl_digest *out, const swirl_digest *__restrict__ in,
                                       size_t half) {
    SWIRL_KERNEL_ENTRY();
    size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= half)
        return;
    d_compress_v(&out[i], &in[2 * i], &in[2 * i + 1]);
}

/* The tree's top: every layer from `len` nodes (a power of two, at most 2 * MERKLE_TAIL_THREADS)
 * up to the root in one block, a barrier between layers (a layer's nodes are written to global
 * memory and read back by other threads of the block after the barrier). Layer l + 1 follows
 * layer l in memory, as swirl_cuda_merkle_build lays them out. Replaces one launch a layer for
 * the last ~12 layers, each a permutation's latency but a launch's cost. */
#define MERKLE_TAIL_THREADS SWIRL_CUDA_MERKLE_TAIL_THREADS
#define MERKLE_TAIL_LANE_NODES 64 /* layers this small: 16 lanes a node */

/* the lanes' constants of the 16-lane permutation (hash/poseidon2_warp.h), in global memory */
static __device__ const p2_bb16_lane_tables d_p2_lane_tab = P2_BB16_LANE_TABLES_INIT;

/* Node n < half of the layer above `in` on 16 lanes (hash/poseidon2_warp.h): lane l (0..15) holds
 * element l of the node's input (left digest, then right); every lane of the warp calls it (the
 * shuffles need them all), lanes of n >= half permute zeros and write nothing. */
__device__ __forceinline__ void d_compress_lanes(swirl_digest *out, const swirl_digest *in,
                                                 size_t n, size_t half, unsigned l) {
    uint32_t x = 0;
    if (n < half)
        x = l < 8 ? in[2 * n].v[l].v : in[2 * n + 1].v[l - 8].v;
#if defined(__CUDA_ARCH__) /* (the lane exchanges are device code) */
    x = p2_bb16_permute_lane(x, l, &d_p2_lane_tab);
#endif
    if (n < half && l < 8)
        out[n].v[l].v = x;
}

/* Launched with MERKLE_TAIL_THREADS threads. A layer of more than MERKLE_TAIL_LANE_NODES nodes:
 * one thread a node (a permutation's latency on one thread: ≈ 14,700 cycles); a smaller one: 16
 * lanes a node (hash/poseidon2_warp.h, ≈ 3,600 cycles; 32 nodes at once), so the last six layers
 * cost about a quarter of their latency. */
__global__ void __launch_bounds__(MERKLE_TAIL_THREADS) k_merkle_tail(swirl_digest *layer,
                                                                     size_t len) {
    SWIRL_KERNEL_ENTRY();
    const unsigned l = threadIdx.x & 15u, groups = blockDim.x / 16u;
    while (len > 1) {
        size_t half = len / 2;
        swirl_digest *next = layer + len;
        if (half <= MERKLE_TAIL_LANE_NODES) {
            /* node n on lanes 16 (n % groups) ..; the loop is uniform over the block */
            for (size_t base = 0; base < half; base += groups)
                d_compress_lanes(next, layer, base + threadIdx.x / 16u, half, l);
        } else {
            for (size_t i = threadIdx.x; i < half; i += blockDim.x)
                d_compress(&next[i], &layer[2 * i], &layer[2 * i + 1]);
        }
        __syncthreads();
        layer = next;
        len = half;
    }
}

/* One layer of `half` nodes, 16 lanes a node (d_compress_lanes), over as many blocks as it takes:
 * for the small layers below the leaves, where a layer's time is a permutation's latency
 * (≈ 14,700 cycles on one thread, ≈ 3,600 on 16 lanes) rather than the SMs' throughput. */
#define MERKLE_LANE_THREADS 128
__global__ void __launch_bounds__(MERKLE_LANE_THREADS)
    k_merkle_fold_lanes(swirl_digest *out, const swirl_digest *__restrict__ in, size_t half) {
    SWIRL_KERNEL_ENTRY();
    d_compress_lanes(out, in, ((size_t)blockIdx.x * blockDim.x + threadIdx.x) / 16u, half,
                     threadIdx.x & 15u);
}

extern "C" enum swirl_status swirl_cuda_p2_permute_many(swirl_cuda_ctx *ctx, bb31 *d_states,
                                                        size_t n) {
    SWIRL_CUDA_CHECK_CTX(ctx);
    if (n == 0)
        return SWIRL_OK;
    SWIRL_ARG_CHECK(d_states != NULL);
    SWIRL_LAUNCH(ctx, k_p2_permute_many, swirl_cuda_blocks(n, 128), 128, 0, d_states, n);
    return SWIRL_OK;
}

extern "C" unsigned swirl_cuda_merkle_fused_layers(size_t rows_per_query) {
    unsigned fuse = swirl_settings_get()->merkle_fuse;
    while (fuse > 0 && (rows_per_query >> fuse) == 0)
        fuse--;
    return fuse;
}

extern "C" enum swirl_status swirl_cuda_merkle_build(swirl_cuda_ctx *ctx, swirl_cuda_merkle *out,
                                                     const bb31 *d_matrix, size_t height,
                                                     size_t width, unsigned ext_degree,
                                                     size_t rows_per_query) {
    SWIRL_CUDA_CHECK_CTX(ctx);
    SWIRL_ARG_CHECK(out != NULL && d_matrix != NULL);
    SWIRL_ARG_CHECK(height > 0 && width > 0 && (ext_degree == 1 || ext_degree == 4));
    SWIRL_ARG_CHECK(swirl_is_pow2(rows_per_query));
    size_t num_leaves = 1;
    while (num_leaves < height)
        num_leaves <<= 1;
    if (rows_per_query > num_leaves)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "merkle: rows_per_query %zu exceeds %zu leaves",
                           rows_per_query, num_leaves);
    size_t qs = num_leaves / rows_per_query;
    size_t levels = swirl_log2_exact(qs) + 1;
    if (levels > 48)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "merkle: tree too deep");
    memset(out, 0, sizeof *out);
    /* scratch for the leaves and the strided folds (two ping-pong buffers of num_leaves / 2) */
    swirl_digest *leaves, *tmp = NULL;
    /* the first `fuse` strided folds inside the leaf kernel (SWIRL_MERKLE_FUSE) */
    unsigned fuse = swirl_cuda_merkle_fused_layers(rows_per_query);
    size_t len = num_leaves >> fuse;
    SWIRL_TRY(swirl_cuda_alloc(ctx, (void **)&leaves, len * sizeof(swirl_digest)));
    if (fuse == 0)
        SWIRL_LAUNCH(ctx, k_merkle_leaves, swirl_cuda_blocks(num_leaves, 128), 128, 0, leaves,
                     d_matrix, height, width, ext_degree, num_leaves);
    else if (fuse == 1)
        SWIRL_LAUNCH(ctx, k_merkle_leaves_fold<1>, swirl_cuda_blocks(len, MERKLE_FUSE_THREADS),
                     MERKLE_FUSE_THREADS, 0, leaves, d_matrix, height, width, ext_degree, len, qs);
    else
        SWIRL_LAUNCH(ctx, k_merkle_leaves_fold<2>, swirl_cuda_blocks(len, MERKLE_FUSE_THREADS),
                     MERKLE_FUSE_THREADS, 0, leaves, d_matrix, height, width, ext_degree, len, qs);
    swirl_digest *cur = leaves;
    if ((rows_per_query >> fuse) > 1) {
        SWIRL_TRY(swirl_cuda_alloc(ctx, (void **)&tmp, (len / 2) * sizeof(swirl_digest)));
    }
    swirl_digest *bufs[2] = {tmp, leaves};
    int which = 0;
    for (size_t step = (size_t)1 << fuse; step < rows_per_query; step <<= 1) {
        size_t half = len / 2;
        swirl_digest *next = bufs[which];
        which ^= 1;
        SWIRL_LAUNCH(ctx, k_merkle_fold_strided, swirl_cuda_blocks(half, 128), 128, 0, next, cur,
                     half, qs);
        cur = next;
        len = half;
    }
    /* keep the query layer and everything above in fresh arena space, release the scratch */
    size_t layers_bytes = 0;
    for (size_t l = 0, n = qs; l < levels; l++, n /= 2)
        layers_bytes += n * sizeof(swirl_digest);
    /* The query layer may sit inside the scratch; copy it out only if the scratch is released. */
    swirl_digest *layer_mem;
    SWIRL_TRY(swirl_cuda_alloc(ctx, (void **)&layer_mem, layers_bytes));
    SWIRL_CUDA_TRY(ctx, cudaMemcpyAsync(layer_mem, cur, qs * sizeof(swirl_digest),
                                        cudaMemcpyDeviceToDevice, ctx->stream));
    ctx->current.kernels++;
    out->d_layers[0] = layer_mem;
    out->layer_len[0] = qs;
    swirl_digest *p = layer_mem + qs;
    int tail = 0;
    /* SWIRL_MERKLE_LANES (default 8192): layers of at most this many nodes take 16 lanes a node
     * over many blocks (k_merkle_fold_lanes) down to 32 nodes, then the tail's block runs the
     * last layers on lanes; 0: one thread a node down to MERKLE_TAIL_THREADS nodes, then the tail */
    size_t lanes = swirl_settings_get()->merkle_lanes;
    size_t tail_from = lanes ? MERKLE_TAIL_THREADS / 16 : MERKLE_TAIL_THREADS;
    for (size_t l = 1; l < levels; l++) {
        size_t half = out->layer_len[l - 1] / 2;
        /* the top layers (from a layer of at most 2 * tail_from nodes) in one block */
        if (!tail && half <= tail_from) {
            SWIRL_LAUNCH(ctx, k_merkle_tail, 1, MERKLE_TAIL_THREADS, 0, out->d_layers[l - 1],
                         out->layer_len[l - 1]);
            tail = 1;
        } else if (!tail && half <= lanes) {
            SWIRL_LAUNCH(ctx, k_merkle_fold_lanes,
                         swirl_cuda_blocks(half * 16, MERKLE_LANE_THREADS), MERKLE_LANE_THREADS, 0,
                         p, out->d_layers[l - 1], half);
        } else if (!tail) {
            SWIRL_LAUNCH(ctx, k_merkle_fold_adjacent, swirl_cuda_blocks(half, 128), 128, 0, p,
                         out->d_layers[l - 1], half);
        }
        out->d_layers[l] = p;
        out->layer_len[l] = half;
        p += half;
    }
    out->num_layers = levels;
    /* the leaf/fold scratch stays allocated below layer_mem until the arena is reset */
    return SWIRL_OK;
}
