/*
 * Process-wide settings read from the environment once (thread-safe, on first use) rather than by
 * getenv in hot code: the SIMD tiers (SWIRL_NO_AVX2, SWIRL_NO_AVX512: a non-empty value other than
 * "0" turns the tier off, for tests and CI of the portable paths), the CPU's features, and
 * SWIRL_DEBUG_SYNC (the CUDA backend syncs after every launch).
 */
#ifndef SWIRL_UTIL_SETTINGS_H
#define SWIRL_UTIL_SETTINGS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef struct swirl_settings {
    int cpu_avx2, cpu_avx512f; /* what the CPU has */
    int use_avx2;              /* cpu_avx2 and not SWIRL_NO_AVX2 */
    int use_avx512;            /* cpu_avx512f, use_avx2 and not SWIRL_NO_AVX512 */
    int cpu_ifma;              /* AVX-512 IFMA and VL (52-bit multiply-add) */
    int use_ifma;              /* cpu_ifma, use_avx512 and not SWIRL_NO_IFMA: the transcript's
                                  single-state permutation (hash/poseidon2_ifma.c) */
    int debug_sync;            /* SWIRL_DEBUG_SYNC */
    const char *cuda_timeline; /* SWIRL_CUDA_TIMELINE: where a CUDA context writes the last
                                  proof's GPU timeline when destroyed (device/cuda/timeline.cu;
                                  NULL: no timeline) */
    int gpu_constraints;       /* SWIRL_GPU_CONSTRAINTS: the CUDA backend evaluates the constraint
                                  rounds on the GPU (device/cuda/cuda_zc.h) */
    int gpu_stages;            /* SWIRL_GPU_STAGES (on unless set to 0): the CUDA backend runs
                                  rap_constraints, the stacked reduction and WHIR as
                                  device-resident stages (prover/cuda_rap.h, prover/cuda_openings.h,
                                  prover/cuda_whir.h); 0: the CPU stages with the GPU commit */
    int zc_per_thread;         /* SWIRL_ZC_PER_THREAD: the multilinear rounds' constraint kernel
                                  runs one evaluation per thread (device/zc_eval.h) instead of one
                                  per block (device/zc_block.h); for comparisons */
    int zc_block_round0;       /* SWIRL_ZC_BLOCK_ROUND0: round 0 with the block kernel too
                                  (measured slower than one evaluation per thread for KeccakAir:
                                  31 vs 26 ms, docs/PERF.md); off by default */
    int zc_r0_flat;            /* SWIRL_ZC_R0_FLAT: round 0 of long programs with the flat
                                  per-thread kernel (device/zc_eval.h) instead of the stream
                                  (device/zc_stream.h); for comparisons */
    int zc_jit;                /* SWIRL_ZC_JIT: round 0's stream of long programs compiled at
                                  run time with NVRTC (device/cuda/cuda_jit.h) instead of
                                  interpreted: SWIRL_ZC_JIT_BACKGROUND (unset, or 2: compiled by a
                                  background thread while the interpreter runs, unless the disk
                                  cache has it), _WAIT (1 or any other value: compiled before the
                                  first launch), _OFF (0) */
    int jit_cache;             /* SWIRL_JIT_CACHE (on unless set to 0): the JIT's CUBINs cached on
                                  disk ($XDG_CACHE_HOME/swirl, else ~/.cache/swirl) */
    unsigned long zc_mle_stream_min; /* SWIRL_ZC_MLE_STREAM_MIN: a multilinear round runs the
                                  stream kernel (k_zc_round_stream, device/zc_stream.h) when its
                                  evaluations x C (threads per evaluation) reach this, else
                                  the block kernel; 0: always the stream; default: never (the
                                  block kernel was faster on the H100 at every threshold) */
    int zc_mle_jit;            /* SWIRL_ZC_MLE_JIT=1: with the round-0 JIT on, the stream is
                                  also compiled for the multilinear rounds (off by default: slower
                                  than the block kernel on the H100, docs/PERF.md) */
    unsigned long zc_mle_jit_min; /* SWIRL_ZC_MLE_JIT_MIN: a multilinear round runs the compiled
                                  stream (swirl_zc_mle_jit) when its evaluations x C reach this
                                  (default 16,384), else the block kernel */
    unsigned zc_blk_threads;   /* SWIRL_ZC_BLK_THREADS: threads of the multilinear rounds' block
                                  kernel sharing one evaluation (512 or 1024; default 512) */
    unsigned ts_grind_blocks;  /* SWIRL_TS_GRIND_BLOCKS: the device PoW search's grid (blocks of
                                  256); 0 (default): the blocks the card holds at once */
    unsigned ts_grind_minb;    /* SWIRL_TS_GRIND_MINB: the PoW search kernel's minimum resident
                                  blocks of 256 per SM, i.e. its register budget (2 to 6;
                                  default 4: 46 registers, 5 blocks resident; measured faster
                                  than 6, docs/PERF.md) */
    int pdl;                   /* SWIRL_PDL: kernels launched with programmatic dependent launch
                                  (Hopper: the next kernel of a stream is scheduled while the
                                  previous one drains and waits at its first instruction,
                                  griddepcontrol.wait; default on, 0: plain launches) */
    int ts_prestart;           /* SWIRL_TS_PRESTART: the openings' observer thread is created
                                  when rap_constraints starts and spins until its values come
                                  (transcript/ts_async.h; default on, 0: created at the sync) */
    int rap_fold_pair;         /* SWIRL_RAP_FOLD_PAIR: rap_constraints folds a view and its
                                  rotation at r0 in one pass over their columns (lazy sums;
                                  default on, 0: one pass a view) */
    int sr_overlap;            /* SWIRL_SR_OVERLAP: on the GPU, rap_constraints' openings are
                                  observed on the host while the stacked reduction's
                                  transcript-free kernels run (default on; 0: observed at the
                                  end of rap_constraints) */
    int zc_sched_list;         /* SWIRL_ZC_SCHED_LIST: the block kernels' levels may come from the
                                  list schedule under a slot budget (device/zc_sched.c; default
                                  on, 0: ASAP / ALAP only) */
    unsigned merkle_fuse;      /* SWIRL_MERKLE_FUSE: strided Merkle folds run inside the leaf
                                  kernel (0 to 2 layers, at most log2 of the rows a query opens;
                                  default 0: on the H100 keccakf took 30.3 / 30.6 ms with 1 / 2
                                  against 29.9, docs/PERF.md) */
    unsigned long merkle_lanes; /* SWIRL_MERKLE_LANES: GPU Merkle layers of at most this many
                                  nodes hash on 16 lanes a node (a permutation's latency, not the
                                  SMs' throughput, sets their time; default 8192, 0: one thread
                                  a node) */
    unsigned ntt_fuse;         /* SWIRL_NTT_FUSE: the GPU NTT of 2^20 .. 2^24 rows: 0 (default)
                                  the passes one launch each over all columns; 2: both passes in
                                  one kernel (k_ntt_fused: column by column, the second pass of
                                  a column once its first is done, reading it from L2); 1: the
                                  chunked first pass (the fused plan) in its own launch. On the
                                  H100 2 was slower (docs/PERF.md, thirteenth and fourteenth
                                  sessions) */
    unsigned ntt_split;        /* SWIRL_NTT_SPLIT: the GPU NTT's two-pass plans (2^13 .. 2^24
                                  rows; SWIRL_NTT_FUSE chunks the result) give the strided pass
                                  this many bits, the contiguous one the rest (up to 14), where it
                                  fits (swirl_ntt_plan_split; default 0: the plan's, measured
                                  per size) */
    unsigned ntt_yl;           /* SWIRL_NTT_YL: ... and 2^this positions a strided tile row
                                  (2 .. 5: 16 to 128 bytes; default 0: the plan's) */
    unsigned ntt_fuse_lag;     /* SWIRL_NTT_FUSE_LAG: the fused NTT's second pass of a column
                                  runs this many columns behind its first (default 2, 1..8) */
    int rs_half;               /* SWIRL_RS_HALF: at blowup 2 the commit's Reed-Solomon message
                                  is written without its zeros and the NTT's first pass reads it
                                  so (swirl_cuda_ntt_from_half; default on, 0: the full codeword
                                  with its zeros, then the NTT in place) */
    unsigned zc_jit_maxrreg;   /* SWIRL_ZC_JIT_MAXRREG: the JIT kernel's register cap per thread
                                  (default 80: six 128-thread blocks an SM instead of four at
                                  126 registers; the kernel waits on its input loads, so
                                  occupancy wins: keccakf's rap 8.1 -> 7.7 ms on the H100, 64
                                  spills and gives 7.8, docs/PERF.md; 0: none) */
} swirl_settings;

enum { SWIRL_ZC_JIT_OFF = 0, SWIRL_ZC_JIT_WAIT = 1, SWIRL_ZC_JIT_BACKGROUND = 2 };

/** The settings, read on the first call (any thread); never NULL. */
const swirl_settings *swirl_settings_get(void);

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_UTIL_SETTINGS_H */
