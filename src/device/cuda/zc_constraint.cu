/*
 * The batch constraint sumcheck's constraint evaluation on the GPU (cuda_zc.h): the compiled
 * constraint program (air/program.h, re-encoded as device/zc_eval.h's flat form) run by one thread
 * per (hypercube point, evaluation point), with the per-thread work in device/zc_eval.h's SWIRL_HD
 * functions (the CPU runs the same functions in tests/test_zc_eval.c).
 *
 * Value layout. KeccakAir's program has 36,354 instructions over 6,046 values (3,183
 * temporaries — most of them the 3,182 pinned constraint outputs —, 2,860 inputs, 3 constants):
 * 24 KB of base-field values per evaluation in round 0, 96 KB in the extension field. That fits
 * neither registers nor shared memory (228 KB per SM would hold 9 evaluations), so each thread's
 * values live in global memory, structure of arrays over the threads of a launch: slot s of
 * thread t at V[s T + t] (extension: component e at V[(4 s + e) T + t]). Every thread runs the
 * same instruction at the same time, so each slot access of a warp is one coalesced 128-byte
 * transaction, and the instruction words are uniform loads through the read-only cache.
 * Constants are not stored per thread: an operand carries a flag and indexes the constant table.
 * The scratch (owned by the program object, allocated once) bounds the threads of one launch
 * (T <= scratch / (slots x 4 or 16 bytes)); the blocks of a launch stride over the hypercube,
 * so any trace height runs in bounded scratch. KeccakAir at 1024 permutations has 2^11 x 32 =
 * 65,536 round-0 evaluations: 1.6 GB of values, within the default 2 GiB scratch, so round 0 is
 * one wave of 512 blocks (about 4 per SM on an H100); a 512 MiB scratch would run 173 blocks of
 * 128 threads, each striding over 3 groups of hypercube points. The multilinear rounds have
 * 96 KB per evaluation and few evaluations (round 1: 1024 x 3): per thread they are
 * latency-bound (22 ms a round), so programs of >= ZC_BLK_MIN_INSTRS instructions run them with
 * one evaluation per block instead (k_zc_round_blk, device/zc_block.h: the program in levels,
 * values by liveness in shared memory; 0.6 ms a round). Round 0 keeps one evaluation per thread
 * unless SWIRL_ZC_BLOCK_ROUND0=1 (k_zc_r0_inputs + k_zc_round0_blk: measured slower, 31 vs 26 ms,
 * docs/PERF.md).
 *
 * Round 0 (k_zc_round0): a block of 128 threads covers PB points (the largest power of two <= 128
 * dividing np) by XB = 128 / PB hypercube points; blockIdx.y picks the point group, blockIdx.x
 * strides over the hypercube. A thread interpolates every variable's column at its point (N
 * products with its Lagrange row), computes the selectors, runs the program, and accumulates
 * eq_x[x] C_lambda / (p^N - 1) and the eq3b-weighted LogUp numerator / denominator in registers;
 * the block sums them over its hypercube points in shared memory and writes one partial per
 * (column of blocks, point); k_zc_final sums the partials, a block an output (the result is an
 * exact field sum, so it equals the CPU's). Challenge-derived inputs are device pointers.
 * Multilinear rounds (k_zc_round): the same with (y, X), X = 1..G, and extension-field values
 * interpolated linearly between the folded rows 2y and 2y + 1. Rounds with many evaluations
 * (evaluations x C >= SWIRL_ZC_MLE_STREAM_MIN) run round 0's stream in the extension field
 * instead (k_zc_round_stream), the rest the block kernel.
 */
#include <stdlib.h>
#include <string.h>

#include "air/program.h"
#include "device/cuda/cuda_common.cuh"
#include "device/cuda/cuda_jit.h"
#include "device/cuda/cuda_reduce.cuh"
#include "device/cuda/cuda_zc.h"
#include "device/cuda/zc_mle_stream.cuh"
#include "device/cuda/zc_r0_stream.cuh"
#include "device/zc_block.h"
#include "device/zc_eval.h"
#include "device/zc_stream.h"
#include "util/alloc.h"
#include "util/log.h"
#include "util/settings.h"

#define ZC_BLOCK SWIRL_ZC_THREADS /* 128 (device/cuda/zc_r0_stream.cuh) */
#define ZC_BLK_THREADS 512u /* the block kernel: threads sharing one evaluation */
#define ZC_BLK_MAX_GRID 4096u
#define ZC_BLK_MIN_INSTRS 4096u /* programs shorter than this run one evaluation per thread */
#define ZC_MAX_THREADS ((size_t)1 << 18) /* per launch: about a full H100 (132 SMs x 2048) */

struct swirl_cuda_program {
    swirl_cuda_ctx *ctx;
    swirl_zc_dprog dp; /* device pointers into d_tables (or into `tables`' d_tables) */
    void *d_tables;    /* NULL when borrowed */
    bb31 *d_scratch;
    bb31x4 *d_partial;
    size_t tables_bytes, scratch_bytes, partial_bytes; /* the three regions' sizes */
    size_t thr_b, thr_x; /* threads one launch holds: base-field, extension-field values */
    size_t n_partial;    /* bb31x4 entries of d_partial */
    /* the levelled schedule (device/zc_block.h) for the block kernel of the multilinear rounds;
     * blk_smem = 0 when it does not fit a block's shared memory (the per-thread kernel runs) */
    swirl_zc_sched sc; /* device pointers into d_sched (or into `tables`' d_sched) */
    void *d_sched;     /* NULL when borrowed */
    size_t sched_bytes, blk_smem;
    /* the stream (device/zc_stream.h) for round 0 of long programs; has_stream = 0: none */
    swirl_zc_stream st; /* st.instrs: a device pointer into d_stream (or into `tables`') */
    void *d_stream;     /* NULL when borrowed */
    size_t stream_bytes;
    int has_stream;
    /* the stream compiled (cuda_jit.h): a cudaKernel_t the context owns; NULL: the interpreter
     * k_zc_r0_stream runs. r0_jit_ticket (the tables' own): its background compile, polled at
     * each stream round 0 until it is over */
    void *r0_jit;
    unsigned r0_jit_ticket;
    /* the stream compiled for the multilinear rounds (swirl_zc_mle_jit), the same way */
    void *mle_jit;
    unsigned mle_jit_ticket;
    /* the last stream round 0's split (inputs, then the stream): events made with the stream
     * (NULL when they could not be had), read after the caller's sync */
    cudaEvent_t r0_ev[3];
    unsigned r0_kernels[2];
    int r0_pending; /* a stream round 0 was enqueued since the last read */
    /* Ownership. swirl_cuda_program_create: tables, schedule and scratch its own (cudaMalloc).
     * swirl_cuda_program_create_tables: tables and schedule, no scratch (launches refuse it).
     * swirl_cuda_program_bind: nothing on the device: the tables of `tables` (counted in its
     * `borrows`), the scratch and partials of the caller (the arena). */
    int own_scratch;
    swirl_cuda_program *tables; /* bound: the tables' owner */
    int own_tables_obj;         /* bound: destroy `tables` with this one */
    unsigned borrows;           /* bound programs borrowing this one's tables now */
};

typedef struct zc_views {
    const bb31 *b[2 * SWIRL_ZC_MAX_PARTS];
} zc_views;

static_assert(SWIRL_ZC_MLE_VIEWS == 2 * SWIRL_ZC_MAX_PARTS, "a launch names every folded view");

typedef struct zc_folds {
    const bb31x4 *f[2 * SWIRL_ZC_MAX_PARTS];
} zc_folds;

/* ------------------------------------------------------------------------------------------ */
/* kernels */

/* swirl_zc_ldx (a read-only extension value) and swirl_zc_block_reduce (the block sum over the
 * hypercube points of a point) come from device/cuda/zc_r0_stream.cuh */

__global__ void __launch_bounds__(ZC_BLOCK)
    k_zc_round0(swirl_zc_dprog pg, zc_views vw, const bb31 *pub, bb31 *V, size_t T,
                const bb31x4 *eq_x, const bb31 *lag, const bb31 *pts, const bb31x4 *lp,
                const bb31x4 *bp, const bb31x4 *eq3b, unsigned long long nx, unsigned long long h,
                uint32_t N, uint32_t np, uint32_t PB, uint32_t nzcN, uint32_t nluN,
                bb31x4 *partial) {
    SWIRL_KERNEL_ENTRY();
    __shared__ bb31x4 red[3][ZC_BLOCK];
    uint32_t XB = ZC_BLOCK / PB, pi = threadIdx.x % PB, xi = threadIdx.x / PB;
    uint32_t p = blockIdx.y * PB + pi;
    size_t t = ((size_t)blockIdx.y * gridDim.x + blockIdx.x) * ZC_BLOCK + threadIdx.x;
    bb31x4 acc[3] = {bb31x4_zero(), bb31x4_zero(), bb31x4_zero()};
    int zc = p < nzcN, lu = p < nluN;
    bb31 zfinv = bb31_zero();
    if (zc)
        zfinv = swirl_zc_r0_zfinv(swirl_zc_ldb(&pts[p]), N);
    const bb31 *lg = lag + (size_t)p * N;
    for (unsigned long long xg = blockIdx.x; xg * XB < nx; xg += gridDim.x) {
        unsigned long long x = xg * XB + xi;
        if (x >= nx || (!zc && !lu))
            continue;
        swirl_zc_r0_eval(&pg, vw.b, pub, V, T, t, (size_t)x, lg, N, (size_t)h);
        bb31x4 c[3];
        swirl_zc_r0_contrib(c, &pg, V, T, t, swirl_zc_ldx(&eq_x[x]), zfinv, zc, lu, lp, bp, eq3b);
        for (int k = 0; k < 3; k++)
            acc[k] = bb31x4_add(acc[k], c[k]);
    }
    for (int k = 0; k < 3; k++)
        red[k][threadIdx.x] = acc[k];
    swirl_zc_block_reduce(red, PB, XB, xi, pi);
    if (xi == 0)
        for (int k = 0; k < 3; k++)
            partial[((size_t)blockIdx.x * np + p) * 3 + k] = red[k][pi];
}

__global__ void __launch_bounds__(ZC_BLOCK)
    k_zc_round(swirl_zc_dprog pg, zc_folds fv, const bb31x4 *fsel, const bb31 *pub, bb31 *V,
               size_t T, const bb31x4 *eq_y, unsigned long long ny, unsigned long long H,
               uint32_t G, const bb31x4 *lp, const bb31x4 *bp, const bb31x4 *eq3b,
               bb31x4 *partial) {
    SWIRL_KERNEL_ENTRY();
    __shared__ bb31x4 red[3][ZC_BLOCK];
    uint32_t XB = ZC_BLOCK / G, pi = threadIdx.x % G, xi = threadIdx.x / G;
    size_t t = (size_t)blockIdx.x * ZC_BLOCK + threadIdx.x;
    bb31x4 acc[3] = {bb31x4_zero(), bb31x4_zero(), bb31x4_zero()};
    bb31 X = bb31_from_u32(pi + 1);
    for (unsigned long long yg = blockIdx.x; yg * XB < ny; yg += gridDim.x) {
        unsigned long long y = yg * XB + xi;
        if (xi >= XB || y >= ny)
            continue;
        bb31x4 c[3];
        swirl_zc_round_eval(c, &pg, fv.f, fsel, pub, V, T, t, (size_t)y, (size_t)H, X,
                            swirl_zc_ldx(&eq_y[y]), lp, bp, eq3b);
        for (int k = 0; k < 3; k++)
            acc[k] = bb31x4_add(acc[k], c[k]);
    }
    for (int k = 0; k < 3; k++)
        red[k][threadIdx.x] = acc[k];
    swirl_zc_block_reduce(red, G, XB, xi, pi);
    if (xi == 0)
        for (int k = 0; k < 3; k++)
            partial[((size_t)blockIdx.x * G + pi) * 3 + k] = red[k][pi];
}

/* Round 0's inputs of hypercube points x0 .. x0 + cx - 1 at every point p < np:
 * U[((x - x0) np + p) n_in + j] (one row of n_in values per evaluation). Thread (x, j) reads
 * its column's N rows once into the cache and writes input j of every point (coalesced over j). */
__global__ void k_zc_r0_inputs(swirl_zc_dprog pg, uint32_t n_in, zc_views vw, const bb31 *pub,
                               const bb31 *lag, unsigned long long x0, unsigned long long cx,
                               unsigned long long h, uint32_t N, uint32_t np, bb31 *U) {
    SWIRL_KERNEL_ENTRY();
    size_t total = (size_t)cx * n_in;
    for (size_t i = swirl_grid_tid(); i < total; i += swirl_grid_stride()) {
        size_t xl = i / n_in;
        uint32_t j = (uint32_t)(i - xl * n_in);
        for (uint32_t p = 0; p < np; p++)
            U[(xl * np + p) * n_in + j] = swirl_zc_r0_input(&pg, vw.b, pub, (size_t)(x0 + xl),
                                                            lag + (size_t)p * N, 1, N, (size_t)h, j);
    }
}

/* Round 0 with one evaluation per block (device/zc_block.h), base-field values in dynamic shared
 * memory, inputs from k_zc_r0_inputs' rows U: block b takes the point p = b % np and hypercube
 * points x0 + xl, xl = b / np, + gridDim.x / np, ... < cx (gridDim.x a multiple of np);
 * partial[(b / np) np + p][k] gets the block's sums (added to the earlier chunks' when acc_in). */
__global__ void __launch_bounds__(ZC_BLK_THREADS)
    k_zc_round0_blk(swirl_zc_dprog pg, swirl_zc_sched sc, const bb31 *U, const bb31x4 *eq_x,
                    const bb31 *pts, const bb31x4 *lp, const bb31x4 *bp, const bb31x4 *eq3b,
                    unsigned long long x0, unsigned long long cx, uint32_t N, uint32_t np,
                    uint32_t nzcN, uint32_t nluN, int acc_in, bb31x4 *partial) {
    SWIRL_KERNEL_ENTRY();
    extern __shared__ bb31 zs[];
    __shared__ bb31x4 red[64];
    uint32_t p = blockIdx.x % np, xb = blockIdx.x / np, nxb = gridDim.x / np;
    int zc = p < nzcN, lu = p < nluN && pg.n_interactions;
    bb31x4 acc[3] = {bb31x4_zero(), bb31x4_zero(), bb31x4_zero()};
    if (zc || lu)
        for (unsigned long long xl = xb; xl < cx; xl += nxb) {
            const bb31 *row = U + ((size_t)xl * np + p) * sc.n_inputs;
            for (uint32_t j = threadIdx.x; j < sc.n_inputs; j += blockDim.x)
                zs[j] = row[j];
            __syncthreads();
            swirl_zc_ins f = swirl_zc_blk_fetch(&sc, 0, threadIdx.x);
            for (uint32_t L = 0; L < sc.n_levels; L++) {
                swirl_zc_ins nf = swirl_zc_blk_fetch(&sc, L + 1, threadIdx.x); /* ahead */
                swirl_zc_blk_level_b(&pg, &sc, zs, f, blockDim.x);
                __syncthreads();
                f = nf;
            }
            bb31x4 c[3], e = swirl_zc_ldx(&eq_x[x0 + xl]);
            swirl_zc_blk_r0_sums(c, &pg, &sc, zs, lp, bp, eq3b, zc, lu, threadIdx.x, blockDim.x);
            for (int k = 0; k < 3; k++)
                acc[k] = bb31x4_add(acc[k], bb31x4_mul(e, c[k]));
            __syncthreads();
        }
    swirl_block_sum_x4(acc, 2, red);
    swirl_block_sum_x4(acc + 2, 1, red);
    if (threadIdx.x == 0) {
        if (zc) /* times 1 / (p^N - 1), once per block */
            acc[0] = bb31x4_mul_base(
                acc[0], swirl_zc_r0_zfinv(swirl_zc_ldb(&pts[p]), N));
        bb31x4 *out = partial + ((size_t)xb * np + p) * 3;
        for (int k = 0; k < 3; k++)
            out[k] = acc_in ? bb31x4_add(out[k], acc[k]) : acc[k];
    }
}

/* A multilinear round with one evaluation per block (device/zc_block.h): block b takes X =
 * b % G + 1 and hypercube points y = b / G, + gridDim.x / G, ... (gridDim.x a multiple of G); its
 * values sit in dynamic shared memory; partial[(b / G) G + X - 1][k] gets the block's sums. */
template <unsigned NT>
__global__ void __launch_bounds__(NT, NT == 512 ? 2 : 1) /* 512: two blocks an SM */
    k_zc_round_blk(swirl_zc_dprog pg, swirl_zc_sched sc, zc_folds fv, const bb31x4 *fsel,
                   const bb31 *pub, const bb31x4 *eq_y, unsigned long long ny,
                   unsigned long long H, uint32_t G, const bb31x4 *lp, const bb31x4 *bp,
                   const bb31x4 *eq3b, bb31x4 *partial) {
    SWIRL_KERNEL_ENTRY();
    extern __shared__ uint4 zs4[]; /* 16-byte aligned: a slot is one 16-byte access */
    bb31 *zs = reinterpret_cast<bb31 *>(zs4);
    __shared__ bb31x4 red[64];
    uint32_t p = blockIdx.x % G, yb = blockIdx.x / G, nyb = gridDim.x / G;
    bb31 X = bb31_from_u32(p + 1);
    bb31x4 acc[3] = {bb31x4_zero(), bb31x4_zero(), bb31x4_zero()};
    for (unsigned long long y = yb; y < ny; y += nyb) {
        swirl_zc_blk_inputs(&pg, &sc, zs, fv.f, fsel, pub, (size_t)y, (size_t)H, X, threadIdx.x,
                            blockDim.x);
        __syncthreads();
        swirl_zc_ins f = swirl_zc_blk_fetch(&sc, 0, threadIdx.x);
        for (uint32_t L = 0; L < sc.n_levels; L++) {
            swirl_zc_ins nf = swirl_zc_blk_fetch(&sc, L + 1, threadIdx.x); /* ahead */
            swirl_zc_blk_level(&pg, &sc, zs, f, blockDim.x);
            __syncthreads();
            f = nf;
        }
        bb31x4 c[3], e = swirl_zc_ldx(&eq_y[y]);
        swirl_zc_blk_sums(c, &pg, &sc, zs, lp, bp, eq3b, threadIdx.x, blockDim.x);
        for (int k = 0; k < 3; k++)
            acc[k] = bb31x4_add(acc[k], bb31x4_mul(e, c[k]));
        __syncthreads(); /* the next point's inputs overwrite the slots */
    }
    swirl_block_sum_x4(acc, 2, red);
    swirl_block_sum_x4(acc + 2, 1, red);
    if (threadIdx.x == 0)
        for (int k = 0; k < 3; k++)
            partial[((size_t)yb * G + p) * 3 + k] = acc[k];
}

/* The Lagrange table transposed for k_zc_r0_U: lagT[i np + p] = lag[p N + i] (p < np, i < N) */
__global__ void k_zc_lag_t(bb31 *lagT, const bb31 *lag, uint32_t N, uint32_t np) {
    SWIRL_KERNEL_ENTRY();
    uint32_t t = blockIdx.x * blockDim.x + threadIdx.x;
    if (t < N * np) {
        uint32_t i = t / np, p = t - i * np;
        lagT[t] = lag[(size_t)p * N + i];
    }
}

/* Round 0's inputs for the stream (device/zc_stream.h): input row j of evaluation
 * e = (x - x0) np + p at U[j E + e] (E = cx np evaluations); blockIdx.y strides over the rows,
 * the x dimension over the evaluations, so a warp writes 128 contiguous bytes. The weights come
 * from the transposed table lagT (k_zc_lag_t): the lanes of a warp, consecutive points p, read
 * consecutive words (one L1 wavefront per load; the rows of `lag` put them 4N bytes apart: 16
 * wavefronts a load at N = 16, which was the kernel's whole time, docs/PERF.md) */
__global__ void k_zc_r0_U(swirl_zc_dprog pg, uint32_t n_in, zc_views vw, const bb31 *pub,
                          const bb31 *lagT, unsigned long long x0, uint32_t E,
                          unsigned long long h, uint32_t N, uint32_t np, bb31 *U) {
    SWIRL_KERNEL_ENTRY();
    for (uint32_t j = blockIdx.y; j < n_in; j += gridDim.y)
        for (uint32_t e = blockIdx.x * blockDim.x + threadIdx.x; e < E; e += gridDim.x * blockDim.x) {
            uint32_t xl = e / np, p = e - xl * np;
            U[(size_t)j * E + e] = swirl_zc_r0_input(&pg, vw.b, pub, (size_t)(x0 + xl), lagT + p,
                                                     np, N, (size_t)h, j);
        }
}

/* swirl_zc_r0_chunk_cosets' tables (2 N + np values) */
__global__ void k_zc_dft_tabs(bb31 *tabs, const bb31 *pts, bb31 omega, unsigned ls, uint32_t n) {
    SWIRL_KERNEL_ENTRY();
    uint32_t t = blockIdx.x * blockDim.x + threadIdx.x;
    if (t < n)
        tabs[t] = swirl_zc_r0_dft_tab(pts, omega, ls, t);
}

/* k_zc_r0_U's output by DFTs (coset points, swirl_zc_r0_chunk_cosets): blockIdx.y strides over
 * the input rows j; a variable's row takes one hypercube point x per thread (its N values in
 * registers), whose np = G N outputs go through shared memory (row stride np + 1: no bank
 * conflicts) so the block writes its 128 np words as one contiguous coalesced run (a thread's own
 * run of np words would make every store instruction touch 32 lines). The selectors and public
 * values keep the Lagrange form (k_zc_r0_U's loop). Dynamic shared memory: 128 (np + 1) words. */
template <unsigned LS>
__global__ void __launch_bounds__(128)
    k_zc_r0_U_dft(swirl_zc_dprog pg, uint32_t n_in, zc_views vw, const bb31 *pub,
                  const bb31 *lagT, const bb31 *tabs, unsigned long long x0, uint32_t cx,
                  uint32_t E, unsigned long long h, uint32_t np, bb31 *U) {
    SWIRL_KERNEL_ENTRY();
    constexpr uint32_t N = 1u << LS;
    extern __shared__ bb31 stage[];
    const uint32_t G = np / N, T = blockDim.x;
    const uint32_t tid = blockIdx.x * T + threadIdx.x, nt = gridDim.x * T;
    for (uint32_t j = blockIdx.y; j < n_in; j += gridDim.y) {
        uint32_t view = j < 3 ? SWIRL_ZC_PUBLIC : SWIRL_ZC_LD(&pg.var_info[3 * (j - 3)]);
        if (view == SWIRL_ZC_PUBLIC) { /* block-uniform */
            for (uint32_t e = tid; e < E; e += nt) {
                uint32_t xl = e / np, p = e - xl * np;
                U[(size_t)j * E + e] = swirl_zc_r0_input(&pg, vw.b, pub, (size_t)(x0 + xl),
                                                         lagT + p, np, N, (size_t)h, j);
            }
            continue;
        }
        uint32_t col = SWIRL_ZC_LD(&pg.var_info[3 * (j - 3) + 1]),
                 off = SWIRL_ZC_LD(&pg.var_info[3 * (j - 3) + 2]);
        const bb31 *c = vw.b[view] + (size_t)col * h;
        size_t mask = (size_t)h - 1;
        for (uint32_t xb = blockIdx.x * T; xb < cx; xb += nt) { /* block-uniform */
            uint32_t xl = xb + threadIdx.x;
            if (xl < cx) {
                size_t row0 = (size_t)(x0 + xl) * N + off;
                bb31 v[N], a[N], out[N];
#pragma unroll
                for (uint32_t i = 0; i < N; i++)
                    v[i] = swirl_zc_ldb(&c[(row0 + i) & mask]);
                swirl_zc_r0_chunk_coeffs(a, v, LS, tabs + N);
                bb31 *st = stage + threadIdx.x * (np + 1);
                for (uint32_t g = 0; g < G; g++) { /* one coset at a time: N outputs in registers */
                    swirl_zc_r0_chunk_coset(out, a, LS, tabs, tabs + 2 * N + g * N);
#pragma unroll
                    for (uint32_t i = 0; i < N; i++)
                        st[g * N + i] = out[i];
                }
            }
            __syncthreads();
            uint32_t nx = cx - xb < T ? cx - xb : T, words = nx * np;
            bb31 *dst = U + (size_t)j * E + (size_t)xb * np;
            for (uint32_t w = threadIdx.x; w < words; w += T) {
                uint32_t r = w / np;
                dst[w] = stage[r * (np + 1) + (w - r * np)];
            }
            __syncthreads(); /* the stage is refilled next */
        }
    }
}

/* Round 0 with the stream (device/zc_stream.h), interpreted: round 0's stream kernel body
 * (device/cuda/zc_r0_stream.cuh: the geometry of k_zc_round0, the weights, the block sum, the
 * partials), each thread's evaluation read from U through the stream with its temporaries in
 * shared memory (slot s of thread t at zt[s ZC_BLOCK + t]: no bank conflicts). The JIT kernel
 * (cuda_jit.h) is the same body around the stream compiled. */
__global__ void __launch_bounds__(ZC_BLOCK)
    k_zc_r0_stream(swirl_zc_stream sp, const bb31 *consts, const bb31 *bus1, swirl_zc_r0_args a) {
    SWIRL_KERNEL_ENTRY();
    extern __shared__ bb31 zt[];
    uint32_t q0, q1;
    swirl_zc_r0_parts(&q0, &q1);
    uint32_t i0 = sp.cut[q0], i1 = sp.cut[q1];
    swirl_zc_r0_stream_body(a, [&](bb31x4 o[3], size_t e) {
        swirl_zc_stream_range_b(o, &sp, i0, i1, consts, a.U, a.E, e, zt + threadIdx.x, ZC_BLOCK,
                                a.lp, a.bp, a.eq3b, bus1);
    });
}

/* A multilinear round with the stream interpreted (device/zc_stream.h, swirl_zc_stream_range_x)
 * in device/cuda/zc_mle_stream.cuh's kernel body (its geometry and partials; the JIT kernel
 * swirl_zc_mle_jit runs the same body); the extension temporaries in shared memory (component c
 * of slot s of thread t at zt[(4 s + c) ZC_BLOCK + t]). */
__global__ void __launch_bounds__(ZC_BLOCK)
    k_zc_round_stream(swirl_zc_stream sp, swirl_zc_dprog pg,
                      const __grid_constant__ swirl_zc_mle_args a) {
    SWIRL_KERNEL_ENTRY();
    extern __shared__ bb31 zt[];
    uint32_t q0, q1;
    swirl_zc_r0_parts(&q0, &q1);
    uint32_t i0 = sp.cut[q0], i1 = sp.cut[q1];
    swirl_zc_mle_stream_body(a, [&](bb31x4 o[3], size_t y, bb31 X) {
        swirl_zc_mle_in in = {&pg, a.fold, a.fsel, a.pub, y, (size_t)a.H, X};
        swirl_zc_stream_range_x(o, &sp, i0, i1, &in, zt + threadIdx.x, ZC_BLOCK, a.lp, a.bp,
                                a.eq3b);
    });
}

/* out[k P + p] = sum over the nb columns of blocks of partial[(b np + p) 3 + k] for p < np, zero
 * for np <= p < P: one block of ZC_FINAL_THREADS per output (launch 3 P blocks), each thread a
 * strided share of the nb partials, then the block sum (an exact field sum: any order gives the
 * same value). One thread per output summing up to 4,096 partials in a row took 25-50 us. */
#define ZC_FINAL_THREADS 256u
__global__ void __launch_bounds__(ZC_FINAL_THREADS)
    k_zc_final(bb31x4 *out, const bb31x4 *partial, uint32_t nb, uint32_t np, uint32_t P) {
    SWIRL_KERNEL_ENTRY();
    __shared__ bb31x4 sh[64];
    uint32_t i = blockIdx.x, k = i / P, p = i % P;
    bb31x4 s = bb31x4_zero();
    if (p < np) /* uniform over the block */
        for (uint32_t b = threadIdx.x; b < nb; b += blockDim.x)
            s = bb31x4_add(s, partial[((size_t)b * np + p) * 3 + k]);
    swirl_block_sum_x4(&s, 1, sh);
    if (threadIdx.x == 0)
        out[i] = s;
}

/* ------------------------------------------------------------------------------------------ */
/* the program object */

static size_t zc_align(size_t b) {
    return (b + 255) & ~(size_t)255;
}

/* device memory outside the arena: counted, and failing under the tests' fault injection */
static enum swirl_status zc_malloc(swirl_cuda_ctx *ctx, void **p, size_t bytes, const char *what) {
    return swirl_cuda_dev_malloc(ctx, p, bytes, what);
}

static void zc_free(swirl_cuda_ctx *ctx, void *p, size_t bytes) {
    swirl_cuda_dev_free(ctx, p, bytes);
}

/* the host tables of dp copied into one device allocation; prog->dp gets the device pointers */
static enum swirl_status zc_upload_tables(swirl_cuda_program *prog, const swirl_zc_dprog *h) {
    size_t ni = h->n_interactions, nf = h->field_start[ni];
    const void *src[8] = {h->instrs,      h->consts,    h->var_info,  h->cons_val,
                          h->field_start, h->field_val, h->count_val, h->bus1};
    size_t bytes[8] = {4 * h->n_instrs * 4,
                       h->n_consts * 4u,
                       3 * (size_t)h->n_vars * 4,
                       h->n_constraints * 4u,
                       (ni + 1) * 4,
                       nf * 4,
                       ni * 4,
                       ni * 4};
    size_t off[8], total = 0;
    for (int i = 0; i < 8; i++) {
        off[i] = total;
        total += zc_align(bytes[i]);
    }
    SWIRL_TRY(zc_malloc(prog->ctx, &prog->d_tables, total, "cudaMalloc(program tables)"));
    prog->tables_bytes = total;
    char *d = (char *)prog->d_tables;
    for (int i = 0; i < 8; i++)
        if (bytes[i])
            SWIRL_CUDA_TRY(prog->ctx,
                           cudaMemcpy(d + off[i], src[i], bytes[i], cudaMemcpyHostToDevice));
    prog->dp = *h;
    prog->dp.instrs = (const uint32_t *)(d + off[0]);
    prog->dp.consts = (const bb31 *)(d + off[1]);
    prog->dp.var_info = (const uint32_t *)(d + off[2]);
    prog->dp.cons_val = (const uint32_t *)(d + off[3]);
    prog->dp.field_start = (const uint32_t *)(d + off[4]);
    prog->dp.field_val = (const uint32_t *)(d + off[5]);
    prog->dp.count_val = (const uint32_t *)(d + off[6]);
    prog->dp.bus1 = (const bb31 *)(d + off[7]);
    return SWIRL_OK;
}

/* the levelled schedule of h uploaded for the block kernel, when one evaluation's values fit a
 * block's shared memory (else blk_smem stays 0 and the per-thread kernel runs every round) */
static enum swirl_status zc_upload_sched(swirl_cuda_program *prog, const swirl_zc_dprog *h) {
    swirl_zc_sched sc;
    void *mem = NULL;
    SWIRL_TRY(swirl_zc_sched_build(&sc, &mem, h));
    int optin = 0;
    size_t smem = (size_t)sc.n_slots * 16;
    if (cudaDeviceGetAttribute(&optin, cudaDevAttrMaxSharedMemoryPerBlockOptin,
                               prog->ctx->device) != cudaSuccess) {
        cudaGetLastError();
        optin = 0;
    }
    /* the kernel's static shared memory (the block sum) comes on top */
    if (smem == 0 || smem + 64 * sizeof(bb31x4) > (size_t)optin) {
        free(mem);
        return SWIRL_OK;
    }
    size_t ni = h->n_interactions, nf = h->field_start[ni];
    size_t words = 4 * (size_t)sc.n_instrs + sc.n_levels + 2 + h->n_constraints + nf + ni;
    enum swirl_status st = zc_malloc(prog->ctx, &prog->d_sched, words * 4, "cudaMalloc(schedule)");
    if (st == SWIRL_OK) {
        prog->sched_bytes = words * 4;
        if (cudaMemcpy(prog->d_sched, mem, words * 4, cudaMemcpyHostToDevice) != cudaSuccess ||
            /* the attribute belongs to the kernel, not to this program: the device's whole
             * opt-in size, so no program's launch depends on which program was made last */
            cudaFuncSetAttribute(k_zc_round_blk<512>,
                                 cudaFuncAttributeMaxDynamicSharedMemorySize,
                                 optin - (int)(64 * sizeof(bb31x4))) != cudaSuccess ||
            /* all of the SM's unified memory as shared memory: two evaluations of a schedule
             * of up to ~7,000 slots at once (zc_sched.c) */
            cudaFuncSetAttribute(k_zc_round_blk<512>,
                                 cudaFuncAttributePreferredSharedMemoryCarveout,
                                 cudaSharedmemCarveoutMaxShared) != cudaSuccess ||
            cudaFuncSetAttribute(k_zc_round_blk<1024>,
                                 cudaFuncAttributeMaxDynamicSharedMemorySize,
                                 optin - (int)(64 * sizeof(bb31x4))) != cudaSuccess ||
            cudaFuncSetAttribute(k_zc_round0_blk, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                 optin - (int)(64 * sizeof(bb31x4))) != cudaSuccess)
            st = swirl_cuda_fail(prog->ctx, cudaGetLastError(), __FILE__, __LINE__,
                                 "schedule upload");
    }
    if (st == SWIRL_OK) {
        const uint32_t *base = (const uint32_t *)mem, *d = (const uint32_t *)prog->d_sched;
        prog->sc = sc;
        prog->sc.instrs = d + (sc.instrs - base);
        prog->sc.level_start = d + (sc.level_start - base);
        prog->sc.cons_val = d + (sc.cons_val - base);
        prog->sc.field_val = d + (sc.field_val - base);
        prog->sc.count_val = d + (sc.count_val - base);
        prog->blk_smem = smem;
    }
    free(mem);
    return st;
}

/* launch-time refusals of the JIT kernel (resources, configuration, an unloadable image) leave
 * the context usable: the interpreter can run instead. Anything else is the stream's error. */
static int jit_refusal_recoverable(cudaError_t e) {
    return e == cudaErrorLaunchOutOfResources || e == cudaErrorInvalidConfiguration ||
           e == cudaErrorInvalidValue || e == cudaErrorInvalidResourceHandle ||
           e == cudaErrorInvalidDeviceFunction || e == cudaErrorNoKernelImageForDevice ||
           e == cudaErrorSharedObjectInitFailed;
}

/* Sets the JIT kernel a launch of prog uses (NULL: the interpreter): *mine is prog's slot,
 * *owners and *ticket the tables' owner's (prog itself when it owns its tables). A background compile's
 * kernel becomes the owner's once swirl_cuda_zc_jit_poll says it is over; a program bound before
 * that takes the owner's then. */
static void zc_jit_current(swirl_cuda_ctx *ctx, void **mine, void **owners, unsigned *ticket) {
    if (*ticket) {
        void *k = NULL;
        if (swirl_cuda_zc_jit_poll(ctx, *ticket, &k)) {
            *ticket = 0;
            *owners = k;
        }
    }
    if (!*mine && !*ticket)
        *mine = *owners;
}

/* Launches JIT kernel *mine (one argument struct, ZC_BLOCK threads, no dynamic shared memory):
 * *ran = 1. Refused at launch time (nothing ran, the context is sound): *ran = 0, logged and
 * counted, and both slots cleared, so this program runs the interpreter from now on. Any other
 * error fails the stage. */
static enum swirl_status zc_jit_launch(swirl_cuda_ctx *ctx, void **mine, void **owners, dim3 grid,
                                       void *arg, int ext, int *ran) {
    const char *kname = ext ? SWIRL_ZC_JITX_KERNEL : SWIRL_ZC_JIT_KERNEL;
    void *args[1] = {arg};
    *ran = 0;
    swirl_cuda_before_launch(ctx);
    cudaError_t e = swirl_cuda_zc_jit_fault_fires()
                        ? cudaErrorLaunchOutOfResources
                        : cudaLaunchKernel((const void *)*mine, grid, dim3(ZC_BLOCK), args, 0,
                                           ctx->stream);
    if (e == cudaSuccess) {
        SWIRL_TRY(swirl_cuda_after_launch(ctx, kname, __FILE__, __LINE__));
        swirl_cuda_zc_jit_launched(ctx, ext);
        *ran = 1;
        return SWIRL_OK;
    }
    if (!jit_refusal_recoverable(e))
        return swirl_cuda_fail(ctx, e, __FILE__, __LINE__, kname);
    (void)cudaGetLastError();
    swirl_log(SWIRL_LOG_WARN, "%s JIT kernel launch refused (%s); the interpreter runs",
              ext ? "multilinear-round" : "round-0", cudaGetErrorString(e));
    swirl_cuda_zc_jit_refused(ctx);
    *mine = *owners = NULL;
    return SWIRL_OK;
}

/* the stream of h (device/zc_stream.h) uploaded for round 0; a program the stream cannot take
 * (one output needing more than SWIRL_ZC_STREAM_MAX_TEMPS temporaries) keeps the flat kernel.
 * With SWIRL_ZC_JIT=1 the stream is also compiled (cuda_jit.h; the interpreter when that fails) */
static enum swirl_status zc_upload_stream(swirl_cuda_program *prog, const swirl_zc_dprog *h,
                                          const char *name) {
    swirl_zc_stream sp;
    void *mem = NULL;
    enum swirl_status st = swirl_zc_stream_build(&sp, &mem, h);
    if (st == SWIRL_E_UNSUPPORTED)
        return SWIRL_OK; /* (its message stays recorded; the status is what counts) */
    SWIRL_TRY(st);
    size_t bytes = 16 * (size_t)sp.n_instrs;
    if (bytes)
        st = zc_malloc(prog->ctx, &prog->d_stream, bytes, "cudaMalloc(stream)");
    if (st == SWIRL_OK && bytes) {
        prog->stream_bytes = bytes;
        if (cudaMemcpy(prog->d_stream, mem, bytes, cudaMemcpyHostToDevice) != cudaSuccess)
            st = swirl_cuda_fail(prog->ctx, cudaGetLastError(), __FILE__, __LINE__,
                                 "stream upload");
    }
    if (st == SWIRL_OK && swirl_settings_get()->zc_jit)
        st = swirl_cuda_zc_jit_kernel(prog->ctx, &prog->r0_jit, &prog->r0_jit_ticket, &sp, h,
                                      name, 0);
    if (st == SWIRL_OK && swirl_settings_get()->zc_jit && swirl_settings_get()->zc_mle_jit)
        st = swirl_cuda_zc_jit_kernel(prog->ctx, &prog->mle_jit, &prog->mle_jit_ticket, &sp, h,
                                      name, 1);
    if (st == SWIRL_OK) {
        prog->st = sp;
        prog->st.instrs = (const uint32_t *)prog->d_stream;
        prog->has_stream = 1;
        swirl_cuda_events_create(prog->r0_ev, sizeof prog->r0_ev / sizeof prog->r0_ev[0]);
    }
    free(mem);
    return st;
}

/* the scratch plan of a program with `slots` value slots given a launch scratch of scratch_bytes
 * (0: SWIRL_CUDA_ZC_SCRATCH_DEFAULT): thr_b base-field / thr_x extension-field evaluations at
 * once (at least one block of each), the value arrays' bytes, and their block partials */
typedef struct zc_scratch_plan {
    size_t thr_b, thr_x, bytes, n_partial;
} zc_scratch_plan;

static enum swirl_status zc_plan_scratch(zc_scratch_plan *pl, size_t slots, size_t scratch_bytes) {
    if (!scratch_bytes)
        scratch_bytes = SWIRL_CUDA_ZC_SCRATCH_DEFAULT;
    slots = slots ? slots : 1;
    size_t tb = scratch_bytes / (slots * 4), tx = scratch_bytes / (slots * 16);
    tb = tb > ZC_MAX_THREADS ? ZC_MAX_THREADS : tb;
    tx = tx > ZC_MAX_THREADS ? ZC_MAX_THREADS : tx;
    tb = tb / ZC_BLOCK * ZC_BLOCK;
    tx = tx / ZC_BLOCK * ZC_BLOCK;
    if (tb < ZC_BLOCK)
        tb = ZC_BLOCK;
    if (tx < ZC_BLOCK)
        tx = ZC_BLOCK;
    if (slots > ((size_t)1 << 40) / (tx * 16))
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "constraint program too large for the device");
    pl->thr_b = tb;
    pl->thr_x = tx;
    pl->bytes = tb * slots * 4 > tx * slots * 16 ? tb * slots * 4 : tx * slots * 16;
    pl->n_partial = 3 * (tb > tx ? tb : tx);
    return SWIRL_OK;
}

extern "C" enum swirl_status swirl_cuda_zc_scratch_need(size_t *values_bytes, size_t *partial_bytes,
                                                        size_t slots, size_t scratch_bytes) {
    SWIRL_ARG_CHECK(values_bytes && partial_bytes);
    *values_bytes = *partial_bytes = 0;
    zc_scratch_plan pl = {0, 0, 0, 0};
    SWIRL_TRY(zc_plan_scratch(&pl, slots, scratch_bytes));
    *values_bytes = pl.bytes;
    *partial_bytes = pl.n_partial * sizeof(bb31x4);
    return SWIRL_OK;
}

/* the program's own scratch (swirl_cuda_program_create) */
static enum swirl_status zc_alloc_scratch(swirl_cuda_program *prog, size_t scratch_bytes) {
    zc_scratch_plan pl = {0, 0, 0, 0};
    SWIRL_TRY(zc_plan_scratch(&pl, prog->dp.n_slots, scratch_bytes));
    prog->thr_b = pl.thr_b;
    prog->thr_x = pl.thr_x;
    prog->n_partial = pl.n_partial;
    prog->own_scratch = 1;
    SWIRL_TRY(
        zc_malloc(prog->ctx, (void **)&prog->d_scratch, pl.bytes, "cudaMalloc(program scratch)"));
    prog->scratch_bytes = pl.bytes;
    SWIRL_TRY(zc_malloc(prog->ctx, (void **)&prog->d_partial, prog->n_partial * sizeof(bb31x4),
                        "cudaMalloc(program partials)"));
    prog->partial_bytes = prog->n_partial * sizeof(bb31x4);
    return SWIRL_OK;
}

/* the tables and schedule (with_scratch: and the program's own scratch); nothing is kept on a
 * failure (the object is destroyed whole) */
static enum swirl_status zc_create(swirl_cuda_ctx *ctx, swirl_cuda_program **out,
                                   const swirl_air *air, int with_scratch, size_t scratch_bytes) {
    SWIRL_ARG_CHECK(out != NULL);
    *out = NULL;
    SWIRL_CUDA_CHECK_CTX(ctx);
    SWIRL_ARG_CHECK(air != NULL);
    SWIRL_CUDA_TRY(ctx, cudaSetDevice(ctx->device));
    swirl_zc_dprog host;
    void *storage = NULL;
    SWIRL_TRY(swirl_zc_dprog_build(&host, &storage, air));
    swirl_cuda_program *prog = (swirl_cuda_program *)swirl_calloc(1, sizeof *prog);
    if (!prog) {
        free(storage);
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    }
    prog->ctx = ctx;
    enum swirl_status st = zc_upload_tables(prog, &host);
    /* the block kernels pay off for long programs (KeccakAir: 36,354 instructions, multilinear
     * rounds 198 -> 6.7 ms); a short one (Fibonacci: 21) leaves a block's threads idle */
    if (st == SWIRL_OK && !swirl_settings_get()->zc_per_thread &&
        host.n_instrs >= ZC_BLK_MIN_INSTRS)
        st = zc_upload_sched(prog, &host);
    /* round 0 of a long program: the stream (KeccakAir: 26 ms per thread through 1.6 GB of
     * values in global memory, docs/PERF.md) */
    if (st == SWIRL_OK && !swirl_settings_get()->zc_per_thread &&
        !swirl_settings_get()->zc_r0_flat && host.n_instrs >= ZC_BLK_MIN_INSTRS)
        st = zc_upload_stream(prog, &host, air->name);
    free(storage);
    if (st == SWIRL_OK && with_scratch)
        st = zc_alloc_scratch(prog, scratch_bytes);
    if (st != SWIRL_OK) {
        swirl_cuda_program_destroy(prog);
        return st;
    }
    *out = prog;
    return SWIRL_OK;
}

extern "C" enum swirl_status swirl_cuda_program_create(swirl_cuda_ctx *ctx,
                                                       swirl_cuda_program **out,
                                                       const swirl_air *air, size_t scratch_bytes) {
    return zc_create(ctx, out, air, 1, scratch_bytes);
}

extern "C" enum swirl_status swirl_cuda_program_create_tables(swirl_cuda_ctx *ctx,
                                                              swirl_cuda_program **out,
                                                              const swirl_air *air) {
    return zc_create(ctx, out, air, 0, 0);
}

extern "C" enum swirl_status swirl_cuda_program_bind(swirl_cuda_program **out,
                                                     swirl_cuda_program *tables, int own_tables,
                                                     size_t scratch_bytes,
                                                     const swirl_cuda_zc_scratch *mem) {
    SWIRL_ARG_CHECK(out != NULL);
    *out = NULL;
    SWIRL_ARG_CHECK(tables && tables->d_tables && !tables->tables && mem);
    zc_scratch_plan pl = {0, 0, 0, 0};
    SWIRL_TRY(zc_plan_scratch(&pl, tables->dp.n_slots, scratch_bytes));
    if (!mem->d_values || !mem->d_partial || mem->values_bytes < pl.bytes ||
        mem->partial_bytes < pl.n_partial * sizeof(bb31x4))
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                           "constraint program scratch: %zu + %zu bytes given, %zu + %zu needed "
                           "(swirl_cuda_zc_scratch_need)",
                           mem->values_bytes, mem->partial_bytes, pl.bytes,
                           pl.n_partial * sizeof(bb31x4));
    swirl_cuda_program *prog = (swirl_cuda_program *)swirl_calloc(1, sizeof *prog);
    if (!prog)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    prog->ctx = tables->ctx;
    prog->dp = tables->dp;
    prog->sc = tables->sc;
    prog->blk_smem = tables->blk_smem;
    prog->st = tables->st;
    prog->has_stream = tables->has_stream;
    prog->r0_jit = tables->r0_jit;
    prog->mle_jit = tables->mle_jit;
    /* the planned sizes, not the slices' (the launches' geometry as with an own scratch) */
    prog->d_scratch = (bb31 *)mem->d_values;
    prog->d_partial = mem->d_partial;
    prog->scratch_bytes = pl.bytes;
    prog->partial_bytes = pl.n_partial * sizeof(bb31x4);
    prog->thr_b = pl.thr_b;
    prog->thr_x = pl.thr_x;
    prog->n_partial = pl.n_partial;
    prog->tables = tables;
    prog->own_tables_obj = own_tables;
    tables->borrows++;
    *out = prog;
    return SWIRL_OK;
}

extern "C" unsigned swirl_cuda_program_borrows(const swirl_cuda_program *prog) {
    return prog ? prog->borrows : 0;
}

extern "C" void swirl_cuda_program_destroy(swirl_cuda_program *prog) {
    if (!prog)
        return;
    if (prog->tables) { /* bound: give the tables back; the device memory is not this one's */
        prog->tables->borrows--;
        if (prog->own_tables_obj)
            swirl_cuda_program_destroy(prog->tables);
        free(prog);
        return;
    }
    zc_free(prog->ctx, prog->d_tables, prog->tables_bytes);
    if (prog->own_scratch) {
        zc_free(prog->ctx, prog->d_scratch, prog->scratch_bytes);
        zc_free(prog->ctx, prog->d_partial, prog->partial_bytes);
    }
    zc_free(prog->ctx, prog->d_sched, prog->sched_bytes);
    zc_free(prog->ctx, prog->d_stream, prog->stream_bytes);
    swirl_cuda_events_destroy(prog->r0_ev, sizeof prog->r0_ev / sizeof prog->r0_ev[0]);
    free(prog);
}

extern "C" int swirl_cuda_program_r0_split(swirl_cuda_program *prog, float ms[2],
                                          unsigned kernels[2]) {
    swirl_cuda_program *o = prog ? (prog->tables ? prog->tables : prog) : NULL;
    if (!o || !o->r0_pending || !o->r0_ev[0] || !o->r0_ev[1] || !o->r0_ev[2])
        return 0;
    o->r0_pending = 0;
    if (cudaEventElapsedTime(&ms[0], o->r0_ev[0], o->r0_ev[1]) != cudaSuccess ||
        cudaEventElapsedTime(&ms[1], o->r0_ev[1], o->r0_ev[2]) != cudaSuccess) {
        cudaGetLastError();
        return 0;
    }
    kernels[0] = o->r0_kernels[0];
    kernels[1] = o->r0_kernels[1];
    return 1;
}

extern "C" size_t swirl_cuda_program_slots(const swirl_cuda_program *prog) {
    return prog ? prog->dp.n_slots : 0;
}

extern "C" size_t swirl_cuda_program_max_threads(const swirl_cuda_program *prog, int ext) {
    return prog ? (ext ? prog->thr_x : prog->thr_b) : 0;
}

extern "C" swirl_zc_dprog swirl_cuda_program_dprog(const swirl_cuda_program *prog) {
    swirl_zc_dprog d;
    memset(&d, 0, sizeof d);
    return prog ? prog->dp : d;
}

/* ------------------------------------------------------------------------------------------ */
/* device-resident launches */

extern "C" enum swirl_status swirl_cuda_zc_round0(swirl_cuda_ctx *ctx, swirl_cuda_program *prog,
                                                  bb31x4 *d_S, const swirl_cuda_zc_round0_in *in) {
    SWIRL_CUDA_CHECK_CTX(ctx);
    SWIRL_ARG_CHECK(prog && prog->ctx == ctx && d_S && in);
    SWIRL_ARG_CHECK(prog->d_scratch && prog->d_partial); /* not a tables-only program */
    SWIRL_ARG_CHECK(in->eq_x && in->lag && in->pts && in->lambda_pows);
    SWIRL_ARG_CHECK(in->N >= 1 && (in->N & (in->N - 1)) == 0 && in->N <= 256);
    SWIRL_ARG_CHECK(in->h >= 1 && (in->h & (in->h - 1)) == 0 && in->n_lift < 40);
    SWIRL_ARG_CHECK(in->np <= in->n_points && in->n_points <= ((size_t)SWIRL_ZC_MAX_COS << 8));
    SWIRL_ARG_CHECK(in->np % in->N == 0 && in->nzc * in->N <= in->np && in->nlu * in->N <= in->np);
    SWIRL_ARG_CHECK(in->nv == prog->dp.nv);
    SWIRL_ARG_CHECK(prog->dp.n_interactions == 0 || in->nlu == 0 || (in->beta_pows && in->eq3b));
    for (size_t v = 0; v < in->nv; v++)
        SWIRL_ARG_CHECK(in->view[v] != NULL);
    size_t P = in->n_points, np = in->np;
    if (np == 0) {
        SWIRL_CUDA_TRY(ctx, cudaMemsetAsync(d_S, 0, 3 * P * sizeof(bb31x4), ctx->stream));
        return SWIRL_OK;
    }
    zc_views vw;
    memset(&vw, 0, sizeof vw);
    for (size_t v = 0; v < in->nv; v++)
        vw.b[v] = in->view[v];
    size_t nx = (size_t)1 << in->n_lift;
    if (prog->blk_smem && swirl_settings_get()->zc_block_round0) {
        /* the inputs of cx hypercube points at a time into the program's scratch, then one
         * evaluation per block (np blocks per group of hypercube points) */
        uint32_t n_in = prog->sc.n_inputs;
        size_t row = np * (size_t)n_in * sizeof(bb31), cx = prog->scratch_bytes / row;
        cx = cx < nx ? cx : nx;
        size_t ng = cx, cap = ZC_BLK_MAX_GRID / np;
        if (cap * np * 3 > prog->n_partial)
            cap = prog->n_partial / (3 * np);
        ng = ng < cap ? ng : cap;
        if (cx == 0 || ng == 0)
            return SWIRL_RAISE(SWIRL_E_INTERNAL, "round 0 inputs or partials exceed the plan");
        for (size_t x0 = 0; x0 < nx; x0 += cx) {
            size_t c = nx - x0 < cx ? nx - x0 : cx;
            SWIRL_LAUNCH(ctx, k_zc_r0_inputs, swirl_cuda_blocks(c * n_in, 256), 256, 0, prog->dp,
                         n_in, vw, in->pub, in->lag, (unsigned long long)x0,
                         (unsigned long long)c, (unsigned long long)in->h, (uint32_t)in->N,
                         (uint32_t)np, prog->d_scratch);
            SWIRL_LAUNCH(ctx, k_zc_round0_blk, (unsigned)(ng * np), ZC_BLK_THREADS,
                         prog->blk_smem / 4, prog->dp, prog->sc, (const bb31 *)prog->d_scratch,
                         in->eq_x, in->pts, in->lambda_pows, in->beta_pows, in->eq3b,
                         (unsigned long long)x0, (unsigned long long)c, (uint32_t)in->N,
                         (uint32_t)np, (uint32_t)(in->nzc * in->N), (uint32_t)(in->nlu * in->N),
                         x0 > 0, prog->d_partial);
        }
        SWIRL_LAUNCH(ctx, k_zc_final, 3 * P, ZC_FINAL_THREADS, 0, d_S, prog->d_partial,
                     (uint32_t)ng, (uint32_t)np, (uint32_t)P);
        return SWIRL_OK;
    }
    uint32_t PB = (uint32_t)(np & (~np + 1));
    if (PB > ZC_BLOCK)
        PB = ZC_BLOCK;
    size_t n_pg = np / PB, XB = ZC_BLOCK / PB;
    if (prog->has_stream && !swirl_settings_get()->zc_block_round0) {
        /* the inputs of cx hypercube points at a time into the scratch (rows of E = cx np
         * evaluations), then the stream over them */
        uint32_t n_in = prog->st.n_inputs;
        /* the scratch: the rows of U, then the transposed Lagrange table, then the DFT tables
         * (coset points: swirl_zc_r0_chunk_cosets) */
        unsigned ls = 0;
        while (((size_t)1 << ls) < in->N)
            ls++;
        size_t dft_smem = 128 * (np + 1) * sizeof(bb31); /* k_zc_r0_U_dft's stage */
        int dft = in->coset_omega.v != 0 && ls >= 1 && ls <= SWIRL_ZC_DFT_MAX_LS &&
                  dft_smem <= 48 * 1024;
        size_t n_tabs = 2 * in->N + np;
        size_t lt_bytes = ((np * in->N + n_tabs) * sizeof(bb31) + 255) & ~(size_t)255;
        if (prog->scratch_bytes <= lt_bytes)
            return SWIRL_RAISE(SWIRL_E_NOMEM, "round 0: the constraint scratch (%zu bytes) holds "
                               "no inputs", prog->scratch_bytes);
        size_t u_bytes = (prog->scratch_bytes - lt_bytes) & ~(size_t)255;
        bb31 *lagT = (bb31 *)((char *)prog->d_scratch + u_bytes);
        size_t cx = u_bytes / ((size_t)n_in * 4 * np);
        if (cx > ((size_t)1 << 31) / np)
            cx = ((size_t)1 << 31) / np;
        if (cx > XB)
            cx = cx / XB * XB;
        cx = cx < nx ? cx : nx;
        if (cx == 0)
            return SWIRL_RAISE(SWIRL_E_NOMEM,
                               "round 0: the constraint scratch (%zu bytes) holds no hypercube "
                               "point's %zu x %u inputs", prog->scratch_bytes, np, n_in);
        size_t gx = (cx + XB - 1) / XB, cap = prog->n_partial / (3 * np);
        gx = gx < cap ? gx : cap;
        if (gx == 0)
            return SWIRL_RAISE(SWIRL_E_INTERNAL, "round 0 partials exceed the plan");
        /* too few evaluations to fill the GPU (KeccakAir at 1024 permutations: 65,536, about 15
         * warps an SM): each runs as C threads, one run of the stream's parts each, their sums
         * added by k_zc_final (exact field sums: the same result) */
        int sms = 0;
        if (cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, ctx->device) !=
            cudaSuccess) {
            cudaGetLastError();
            sms = 0;
        }
        size_t want = (size_t)(sms > 0 ? sms : 132) * 2048, C = 1;
        while (C < SWIRL_ZC_STREAM_PARTS && cx * np * C < want && 2 * C * gx <= cap)
            C *= 2;
        size_t smem = (size_t)prog->st.n_temps * ZC_BLOCK * sizeof(bb31);
        swirl_cuda_program *owner = prog->tables ? prog->tables : prog; /* the events' owner */
        zc_jit_current(ctx, &prog->r0_jit, &owner->r0_jit, &owner->r0_jit_ticket);
        unsigned k_in = 1 + (unsigned)dft, k_ev = 0;
        int timed0 = owner->r0_ev[0] && owner->r0_ev[1] && owner->r0_ev[2];
        if (timed0)
            cudaEventRecord(owner->r0_ev[0], ctx->stream);
        SWIRL_LAUNCH(ctx, k_zc_lag_t, swirl_cuda_blocks(np * in->N, 256), 256, 0, lagT, in->lag,
                     (uint32_t)in->N, (uint32_t)np);
        bb31 *tabs = lagT + np * in->N;
        if (dft)
            SWIRL_LAUNCH(ctx, k_zc_dft_tabs, swirl_cuda_blocks(n_tabs, 256), 256, 0, tabs, in->pts,
                         in->coset_omega, ls, (uint32_t)n_tabs);
        for (size_t x0 = 0; x0 < nx; x0 += cx) {
            size_t c = nx - x0 < cx ? nx - x0 : cx;
            uint32_t E = (uint32_t)(c * np);
            dim3 ug((unsigned)((E + 255) / 256 < 64 ? (E + 255) / 256 : 64),
                    (unsigned)(n_in < 65535 ? n_in : 65535));
            int timed = x0 == 0 && timed0; /* the first chunk's split (all of it in one chunk) */
            if (dft) {
                dim3 dg((unsigned)((c + 127) / 128 < 64 ? (c + 127) / 128 : 64), ug.y);
#define ZC_U_DFT(L)                                                                                \
    SWIRL_LAUNCH(ctx, k_zc_r0_U_dft<L>, dg, 128, dft_smem, prog->dp, n_in, vw, in->pub, lagT, tabs,       \
                 (unsigned long long)x0, (uint32_t)c, E, (unsigned long long)in->h, (uint32_t)np,  \
                 prog->d_scratch)
                switch (ls) {
                case 1: ZC_U_DFT(1); break;
                case 2: ZC_U_DFT(2); break;
                case 3: ZC_U_DFT(3); break;
                case 4: ZC_U_DFT(4); break;
                default: ZC_U_DFT(5); break;
                }
#undef ZC_U_DFT
            } else {
                SWIRL_LAUNCH(ctx, k_zc_r0_U, ug, 256, 0, prog->dp, n_in, vw, in->pub, lagT,
                             (unsigned long long)x0, E, (unsigned long long)in->h,
                             (uint32_t)in->N, (uint32_t)np, prog->d_scratch);
            }
            k_in++;
            if (timed)
                cudaEventRecord(owner->r0_ev[1], ctx->stream);
            swirl_zc_r0_args ra = {(const bb31 *)prog->d_scratch, in->eq_x, in->pts,
                                   in->lambda_pows, in->beta_pows, in->eq3b, prog->d_partial,
                                   (unsigned long long)x0, (unsigned long long)c, E,
                                   (uint32_t)in->N, (uint32_t)np, PB,
                                   (uint32_t)(in->nzc * in->N), (uint32_t)(in->nlu * in->N),
                                   x0 > 0};
            dim3 sg((unsigned)gx, (unsigned)n_pg, (unsigned)C);
            int ran = 0;
            if (prog->r0_jit) /* the compiled stream: temporaries in registers, no smem */
                SWIRL_TRY(zc_jit_launch(ctx, &prog->r0_jit, &owner->r0_jit, sg, &ra, 0, &ran));
            if (!ran) {
                SWIRL_LAUNCH(ctx, k_zc_r0_stream, sg, ZC_BLOCK, smem, prog->st, prog->dp.consts,
                             prog->dp.bus1, ra);
            }
            k_ev++;
            if (timed)
                cudaEventRecord(owner->r0_ev[2], ctx->stream);
        }
        owner->r0_kernels[0] = k_in;
        owner->r0_kernels[1] = k_ev;
        owner->r0_pending = 1;
        SWIRL_LAUNCH(ctx, k_zc_final, 3 * P, ZC_FINAL_THREADS, 0, d_S, prog->d_partial,
                     (uint32_t)(C * gx), (uint32_t)np, (uint32_t)P);
        return SWIRL_OK;
    }
    size_t n_xg = (nx + XB - 1) / XB, cols = prog->thr_b / (n_pg * ZC_BLOCK);
    if (cols == 0)
        return SWIRL_RAISE(SWIRL_E_NOMEM,
                           "constraint program scratch holds %zu threads, round 0 needs %zu",
                           prog->thr_b, n_pg * ZC_BLOCK);
    size_t gx = n_xg < cols ? n_xg : cols;
    if (gx * np * 3 > prog->n_partial)
        return SWIRL_RAISE(SWIRL_E_INTERNAL, "round 0 partials exceed the plan");
    size_t T = gx * n_pg * ZC_BLOCK;
    dim3 grid((unsigned)gx, (unsigned)n_pg);
    SWIRL_LAUNCH(ctx, k_zc_round0, grid, ZC_BLOCK, 0, prog->dp, vw, in->pub, prog->d_scratch, T,
                 in->eq_x, in->lag, in->pts, in->lambda_pows, in->beta_pows, in->eq3b,
                 (unsigned long long)nx, (unsigned long long)in->h, (uint32_t)in->N, (uint32_t)np,
                 PB, (uint32_t)(in->nzc * in->N), (uint32_t)(in->nlu * in->N), prog->d_partial);
    SWIRL_LAUNCH(ctx, k_zc_final, 3 * P, ZC_FINAL_THREADS, 0, d_S, prog->d_partial,
                 (uint32_t)gx, (uint32_t)np, (uint32_t)P);
    return SWIRL_OK;
}

extern "C" enum swirl_status swirl_cuda_zc_round(swirl_cuda_ctx *ctx, swirl_cuda_program *prog,
                                                 bb31x4 *d_out, const swirl_cuda_zc_round_in *in) {
    SWIRL_CUDA_CHECK_CTX(ctx);
    SWIRL_ARG_CHECK(prog && prog->ctx == ctx && d_out && in);
    SWIRL_ARG_CHECK(prog->d_scratch && prog->d_partial); /* not a tables-only program */
    SWIRL_ARG_CHECK(in->eq_y && in->fsel && in->lambda_pows && in->ny >= 1);
    SWIRL_ARG_CHECK(in->G >= 1 && in->G <= ZC_BLOCK && 2 * in->ny <= in->cur_h);
    SWIRL_ARG_CHECK(in->nv == prog->dp.nv);
    SWIRL_ARG_CHECK(prog->dp.n_interactions == 0 || (in->beta_pows && in->eq3b));
    for (size_t v = 0; v < in->nv; v++)
        SWIRL_ARG_CHECK(in->fold[v] != NULL);
    zc_folds fv;
    memset(&fv, 0, sizeof fv);
    for (size_t v = 0; v < in->nv; v++)
        fv.f[v] = in->fold[v];
    /* many evaluations (the early rounds): the stream, C threads per evaluation (as round 0),
     * compiled (the JIT kernel swirl_zc_mle_jit, from SWIRL_ZC_MLE_JIT_MIN threads) or
     * interpreted (k_zc_round_stream, from SWIRL_ZC_MLE_STREAM_MIN: by default never, the block
     * kernel below was faster on the H100) */
    swirl_cuda_program *owner = prog->tables ? prog->tables : prog;
    zc_jit_current(ctx, &prog->mle_jit, &owner->mle_jit, &owner->mle_jit_ticket);
    size_t st_smem = (size_t)prog->st.n_temps * 16 * ZC_BLOCK;
    /* the interpreter's static + dynamic shared memory within the 48 KB a launch gets without an
     * opt-in (the JIT kernel keeps its temporaries in registers) */
    int interp_fits = st_smem + 3 * ZC_BLOCK * sizeof(bb31x4) <= 48 * 1024;
    if (prog->has_stream && in->nv <= SWIRL_ZC_MLE_VIEWS) {
        int sms = 0;
        if (cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, ctx->device) !=
            cudaSuccess) {
            cudaGetLastError();
            sms = 0;
        }
        size_t E = in->ny * in->G, want = (size_t)(sms > 0 ? sms : 132) * 2048, C = 1;
        size_t gx = (in->ny + ZC_BLOCK - 1) / ZC_BLOCK, cap = prog->n_partial / (3 * (size_t)in->G);
        if (gx > cap)
            gx = cap;
        while (C < SWIRL_ZC_STREAM_PARTS && E * C < want && 2 * C * gx <= cap)
            C *= 2;
        const swirl_settings *cfg = swirl_settings_get();
        int jit = prog->mle_jit && E * C >= cfg->zc_mle_jit_min;
        int interp = interp_fits && E * C >= cfg->zc_mle_stream_min;
        if (gx > 0 && (jit || interp)) {
            dim3 sg((unsigned)gx, in->G, (unsigned)C);
            swirl_zc_mle_args a;
            memset(&a, 0, sizeof a);
            for (size_t v = 0; v < in->nv; v++)
                a.fold[v] = in->fold[v];
            a.fsel = in->fsel;
            a.pub = in->pub;
            a.eq_y = in->eq_y;
            a.lp = in->lambda_pows;
            a.bp = in->beta_pows;
            a.eq3b = in->eq3b;
            a.partial = prog->d_partial;
            a.ny = in->ny;
            a.H = in->cur_h;
            int ran = 0;
            if (jit) /* the compiled stream: temporaries in registers, no dynamic smem */
                SWIRL_TRY(zc_jit_launch(ctx, &prog->mle_jit, &owner->mle_jit, sg, &a, 1, &ran));
            if (!ran && interp) {
                SWIRL_LAUNCH(ctx, k_zc_round_stream, sg, ZC_BLOCK, st_smem, prog->st, prog->dp,
                             a);
                ran = 1;
            }
            if (ran) {
                SWIRL_LAUNCH(ctx, k_zc_final, 3 * in->G, ZC_FINAL_THREADS, 0, d_out,
                             prog->d_partial, (uint32_t)(C * gx), in->G, in->G);
                return SWIRL_OK;
            }
        }
    }
    if (prog->blk_smem) {
        /* one evaluation per block: G blocks per group of hypercube points */
        size_t ng = in->ny, cap = ZC_BLK_MAX_GRID / in->G;
        if (cap * in->G * 3 > prog->n_partial)
            cap = prog->n_partial / (3 * (size_t)in->G);
        ng = ng < cap ? ng : cap;
        if (ng == 0)
            return SWIRL_RAISE(SWIRL_E_INTERNAL, "round partials exceed the plan");
        /* threads sharing an evaluation: 512, or 1,024 (SWIRL_ZC_BLK_THREADS); at 512 two blocks
         * an SM when the schedule's slots fit half the shared memory (KeccakAir's 6,484:
         * 104 KB) */
        if (swirl_settings_get()->zc_blk_threads == 1024)
            SWIRL_LAUNCH(ctx, k_zc_round_blk<1024>, (unsigned)(ng * in->G), 1024u,
                         prog->blk_smem, prog->dp, prog->sc, fv, in->fsel, in->pub, in->eq_y,
                         (unsigned long long)in->ny, (unsigned long long)in->cur_h,
                         (uint32_t)in->G, in->lambda_pows, in->beta_pows, in->eq3b,
                         prog->d_partial);
        else
            SWIRL_LAUNCH(ctx, k_zc_round_blk<512>, (unsigned)(ng * in->G), 512u, prog->blk_smem,
                         prog->dp, prog->sc, fv, in->fsel, in->pub, in->eq_y,
                         (unsigned long long)in->ny, (unsigned long long)in->cur_h,
                         (uint32_t)in->G, in->lambda_pows, in->beta_pows, in->eq3b,
                         prog->d_partial);
        SWIRL_LAUNCH(ctx, k_zc_final, 3 * in->G, ZC_FINAL_THREADS, 0, d_out, prog->d_partial,
                     (uint32_t)ng, in->G, in->G);
        return SWIRL_OK;
    }
    size_t XB = ZC_BLOCK / in->G, n_yg = (in->ny + XB - 1) / XB, cols = prog->thr_x / ZC_BLOCK;
    size_t gx = n_yg < cols ? n_yg : cols;
    if (gx * in->G * 3 > prog->n_partial)
        return SWIRL_RAISE(SWIRL_E_INTERNAL, "round partials exceed the plan");
    size_t T = gx * ZC_BLOCK;
    SWIRL_LAUNCH(ctx, k_zc_round, (unsigned)gx, ZC_BLOCK, 0, prog->dp, fv, in->fsel, in->pub,
                 prog->d_scratch, T, in->eq_y, (unsigned long long)in->ny,
                 (unsigned long long)in->cur_h, (uint32_t)in->G, in->lambda_pows, in->beta_pows,
                 in->eq3b, prog->d_partial);
    SWIRL_LAUNCH(ctx, k_zc_final, 3 * in->G, ZC_FINAL_THREADS, 0, d_out, prog->d_partial,
                 (uint32_t)gx, in->G, in->G);
    return SWIRL_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* the slots (host inputs): one workspace per call, laid out twice (sizing, then placing) */

typedef struct zc_ws {
    char *base; /* NULL while sizing */
    size_t used;
    swirl_cuda_copy up[2 * SWIRL_ZC_MAX_PARTS + 16];
    size_t n_up;
} zc_ws;

/* a device region of `bytes`, filled from host `src` (when not NULL) by the stage's uploads */
static void *zc_take(zc_ws *w, const void *src, size_t bytes) {
    void *d = (void *)((uintptr_t)w->base + w->used);
    w->used += zc_align(bytes ? bytes : 16);
    if (src && bytes && w->n_up < sizeof w->up / sizeof w->up[0]) {
        swirl_cuda_copy c = {d, src, bytes};
        w->up[w->n_up++] = c;
    }
    return d;
}

static size_t zc_max_fields(const swirl_air *air) {
    size_t m = 0;
    for (size_t i = 0; i < air->n_interactions; i++)
        if (air->interactions[i].n_fields > m)
            m = air->interactions[i].n_fields;
    return m;
}

/* the inputs every evaluation reads besides the trace: public values, lambda and beta powers,
 * eq3b (the caller's host arrays; the ones the AIR does not use are not uploaded) */
static void zc_take_common(zc_ws *w, const swirl_zc_trace *tt, const bb31 **pub, const bb31x4 **lp,
                           const bb31x4 **bp, const bb31x4 **eq3b, const bb31x4 *h_lp,
                           const bb31x4 *h_bp, int logup) {
    const swirl_air *air = tt->air;
    *pub = (const bb31 *)zc_take(w, tt->in->public_values, air->num_public_values * sizeof(bb31));
    *lp = (const bb31x4 *)zc_take(w, h_lp, air->n_constraints * sizeof(bb31x4));
    *bp = *eq3b = NULL;
    if (logup && air->n_interactions) {
        *bp = (const bb31x4 *)zc_take(w, h_bp, (zc_max_fields(air) + 1) * sizeof(bb31x4));
        *eq3b = (const bb31x4 *)zc_take(w, tt->eq3b, air->n_interactions * sizeof(bb31x4));
    }
}

static void zc_r0_layout(zc_ws *w, swirl_cuda_zc_round0_in *d, bb31x4 **d_S,
                         const swirl_zc_trace *tt, const swirl_zc_round0_in *in) {
    w->used = w->n_up = 0;
    memset(d, 0, sizeof *d);
    for (size_t v = 0; v < tt->nv; v++) {
        size_t u = 0;
        while (u < v && tt->v[u].base != tt->v[v].base)
            u++;
        d->view[v] =
            u < v ? d->view[u]
                  : (const bb31 *)zc_take(w, tt->v[v].base, tt->v[v].width * tt->h * sizeof(bb31));
    }
    d->nv = tt->nv;
    d->h = tt->h;
    d->n_lift = tt->n_lift;
    d->eq_x = (const bb31x4 *)zc_take(w, in->eq_x, ((size_t)1 << tt->n_lift) * sizeof(bb31x4));
    d->lag = (const bb31 *)zc_take(w, in->lag, in->n_points * in->N * sizeof(bb31));
    d->pts = (const bb31 *)zc_take(w, in->pts, in->n_points * sizeof(bb31));
    zc_take_common(w, tt, &d->pub, &d->lambda_pows, &d->beta_pows, &d->eq3b, in->lambda_pows,
                   in->beta_pows, in->nlu > 0);
    d->n_points = in->n_points;
    d->N = in->N;
    d->np = in->np;
    d->nzc = in->nzc;
    d->nlu = in->nlu;
    *d_S = (bb31x4 *)zc_take(w, NULL, 3 * in->n_points * sizeof(bb31x4));
}

static void zc_round_layout(zc_ws *w, swirl_cuda_zc_round_in *d, bb31x4 **d_out,
                            const swirl_zc_trace *tt, const bb31x4 *eq_y, size_t ny, unsigned G,
                            const bb31x4 *lp, const bb31x4 *bp) {
    w->used = w->n_up = 0;
    memset(d, 0, sizeof *d);
    size_t H = tt->cur_h;
    for (size_t v = 0; v < tt->nv; v++)
        d->fold[v] = (const bb31x4 *)zc_take(w, tt->fold[v], tt->v[v].width * H * sizeof(bb31x4));
    d->nv = tt->nv;
    d->cur_h = H;
    d->fsel = (const bb31x4 *)zc_take(w, tt->fsel, 3 * H * sizeof(bb31x4));
    d->eq_y = (const bb31x4 *)zc_take(w, eq_y, ny * sizeof(bb31x4));
    d->ny = ny;
    d->G = G;
    zc_take_common(w, tt, &d->pub, &d->lambda_pows, &d->beta_pows, &d->eq3b, lp, bp, 1);
    *d_out = (bb31x4 *)zc_take(w, NULL, 3 * (size_t)G * sizeof(bb31x4));
}

/* the stage of a slot: the uploads, `launch`, the download of n results into host; one sync */
template <typename F>
static enum swirl_status zc_slot_stage(swirl_cuda_ctx *ctx, const char *name, const zc_ws *w,
                                       bb31x4 *host, const bb31x4 *d_res, size_t n, F launch) {
    SWIRL_TRY(swirl_cuda_stage_begin(ctx, name));
    enum swirl_status st = SWIRL_OK;
    for (size_t i = 0; i < w->n_up && st == SWIRL_OK; i++)
        st = swirl_cuda_upload(ctx, w->up[i].dst, w->up[i].src, w->up[i].bytes);
    if (st == SWIRL_OK)
        st = launch();
    if (st == SWIRL_OK)
        st = swirl_cuda_download(ctx, host, d_res, n * sizeof(bb31x4));
    if (st != SWIRL_OK) {
        swirl_cuda_stage_abort(ctx);
        return st;
    }
    return swirl_cuda_stage_end(ctx);
}

/* threads a launch would use at most, capped: the scratch bytes the slot's program asks for */
static size_t zc_slot_scratch(const swirl_air *air, size_t threads, size_t bytes_per_slot) {
    size_t slots = air->program ? air->program->const_base : 1;
    if (threads > ZC_MAX_THREADS)
        threads = ZC_MAX_THREADS;
    size_t want = (threads + ZC_BLOCK) * (slots ? slots : 1) * bytes_per_slot;
    return want < SWIRL_CUDA_ZC_SCRATCH_DEFAULT ? want : SWIRL_CUDA_ZC_SCRATCH_DEFAULT;
}

static enum swirl_status zc_slot_check(swirl_cuda_ctx *ctx, const swirl_zc_trace *tt) {
    if (!ctx)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "CUDA constraint slot: the table has no context");
    SWIRL_ARG_CHECK(tt && tt->air && tt->in);
    if (!tt->air->program)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "AIR %s has no compiled program", tt->air->name);
    return SWIRL_OK;
}

extern "C" enum swirl_status swirl_cuda_zc_round0_host(swirl_cuda_ctx *ctx, size_t scratch_bytes,
                                                       bb31x4 *S, const swirl_zc_trace *tt,
                                                       const swirl_zc_round0_in *in) {
    SWIRL_TRY(zc_slot_check(ctx, tt));
    SWIRL_ARG_CHECK(S && in && in->eq_x && in->lag && in->pts && in->lambda_pows);
    SWIRL_ARG_CHECK(in->N >= 1 && in->N <= ((size_t)1 << SWIRL_ZC_MAX_L) &&
                    in->np <= in->n_points &&
                    in->n_points <= ((size_t)SWIRL_ZC_MAX_COS << SWIRL_ZC_MAX_L) &&
                    (in->nlu == 0 || in->beta_pows));
    if (in->np == 0)
        return SWIRL_OK;
    size_t P = in->n_points, np = in->np, PB = np & (~np + 1);
    PB = PB > ZC_BLOCK ? ZC_BLOCK : PB;
    size_t threads =
        (((size_t)1 << tt->n_lift) * PB + ZC_BLOCK - 1) / ZC_BLOCK * (np / PB) * ZC_BLOCK;
    swirl_cuda_program *prog = NULL;
    if (!scratch_bytes)
        scratch_bytes = zc_slot_scratch(tt->air, threads, 4);
    SWIRL_TRY(swirl_cuda_program_create(ctx, &prog, tt->air, scratch_bytes));
    bb31x4 *hS = (bb31x4 *)swirl_malloc(3 * P * sizeof *hS);
    zc_ws *w = (zc_ws *)swirl_calloc(1, sizeof *w);
    enum swirl_status st = hS && w ? SWIRL_OK : SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    if (st == SWIRL_OK && (prog->dp.rot != tt->rot || prog->dp.nv != tt->nv))
        st = SWIRL_RAISE(SWIRL_E_INVALID_ARG, "trace views do not match AIR %s", tt->air->name);
    swirl_cuda_zc_round0_in d;
    bb31x4 *d_S = NULL;
    if (st == SWIRL_OK) {
        zc_r0_layout(w, &d, &d_S, tt, in); /* sizing */
        st = zc_malloc(ctx, (void **)&w->base, w->used, "cudaMalloc(round 0 workspace)");
    }
    if (st == SWIRL_OK) {
        zc_r0_layout(w, &d, &d_S, tt, in);
        st = zc_slot_stage(ctx, "zerocheck.constraint_round0", w, hS, d_S, 3 * P,
                           [&]() { return swirl_cuda_zc_round0(ctx, prog, d_S, &d); });
    }
    if (st == SWIRL_OK)
        for (size_t i = 0; i < 3 * P; i++)
            S[i] = bb31x4_add(S[i], hS[i]);
    if (w && w->base)
        zc_free(ctx, w->base, w->used);
    free(w);
    free(hS);
    swirl_cuda_program_destroy(prog);
    return st;
}

extern "C" enum swirl_status swirl_cuda_zc_round_host(swirl_cuda_ctx *ctx, size_t scratch_bytes,
                                                      bb31x4 *out, const swirl_zc_trace *tt,
                                                      const bb31x4 *eq_y, size_t ny, unsigned G,
                                                      const bb31x4 *lp, const bb31x4 *bp) {
    SWIRL_TRY(zc_slot_check(ctx, tt));
    SWIRL_ARG_CHECK(out && eq_y && lp && ny >= 1 && G >= 1 && G <= ZC_BLOCK &&
                    2 * ny <= tt->cur_h && tt->fsel);
    SWIRL_ARG_CHECK(tt->air->n_interactions == 0 || (bp && tt->eq3b));
    SWIRL_ARG_CHECK(tt->nv <= 2 * SWIRL_ZC_MAX_PARTS);
    size_t XB = ZC_BLOCK / G, threads = (ny + XB - 1) / XB * ZC_BLOCK;
    swirl_cuda_program *prog = NULL;
    if (!scratch_bytes)
        scratch_bytes = zc_slot_scratch(tt->air, threads, 16);
    SWIRL_TRY(swirl_cuda_program_create(ctx, &prog, tt->air, scratch_bytes));
    zc_ws *w = (zc_ws *)swirl_calloc(1, sizeof *w);
    enum swirl_status st = w ? SWIRL_OK : SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    if (st == SWIRL_OK && (prog->dp.rot != tt->rot || prog->dp.nv != tt->nv))
        st = SWIRL_RAISE(SWIRL_E_INVALID_ARG, "trace views do not match AIR %s", tt->air->name);
    swirl_cuda_zc_round_in d;
    bb31x4 *d_out = NULL;
    if (st == SWIRL_OK) {
        zc_round_layout(w, &d, &d_out, tt, eq_y, ny, G, lp, bp); /* sizing */
        st = zc_malloc(ctx, (void **)&w->base, w->used, "cudaMalloc(round workspace)");
    }
    if (st == SWIRL_OK) {
        zc_round_layout(w, &d, &d_out, tt, eq_y, ny, G, lp, bp);
        st = zc_slot_stage(ctx, "zerocheck.constraint_round", w, out, d_out, 3 * (size_t)G,
                           [&]() { return swirl_cuda_zc_round(ctx, prog, d_out, &d); });
    }
    if (w && w->base)
        zc_free(ctx, w->base, w->used);
    free(w);
    swirl_cuda_program_destroy(prog);
    return st;
}

extern "C" enum swirl_status swirl_cuda_slot_constraint_round0(const swirl_backend_ops *ops,
                                                               bb31x4 *S,
                                                               const swirl_zc_trace *trace,
                                                               const swirl_zc_round0_in *in) {
    SWIRL_ARG_CHECK(ops != NULL);
    return swirl_cuda_zc_round0_host((swirl_cuda_ctx *)ops->ctx, 0, S, trace, in);
}

extern "C" enum swirl_status
swirl_cuda_slot_constraint_round(const swirl_backend_ops *ops, bb31x4 *out,
                                 const swirl_zc_trace *trace, const bb31x4 *eq_y, size_t ny,
                                 unsigned G, const bb31x4 *lambda_pows, const bb31x4 *beta_pows) {
    SWIRL_ARG_CHECK(ops != NULL);
    return swirl_cuda_zc_round_host((swirl_cuda_ctx *)ops->ctx, 0, out, trace, eq_y, ny, G,
                                    lambda_pows, beta_pows);
}
