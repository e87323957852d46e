/*
 * The duplex-sponge transcript as host/device code (SWIRL_HD, like the field and Poseidon2): the
 * one implementation of observe / sample / the ext and digest helpers / sample_bits /
 * check_witness (OpenVM v2.0.1 transcript/duplex_sponge.rs and traits.rs), over a swirl_transcript
 * in host or device memory. The CPU transcript (transcript.c) instantiates it with the host
 * Poseidon2 tables and its log hooks; a device stage instantiates it with the __constant__ tables,
 * so a kernel can run Fiat-Shamir itself and hand the state back.
 *
 * The permutation's constant tables (Montgomery form, poseidon2_impl.h) come in a swirl_ts_tables;
 * the optional hooks SWIRL_TS_ON_VALUE(t, value, sampled) and SWIRL_TS_ON_PERM(t), defined by the
 * includer before including this header, see every value and every permutation (device code leaves
 * them undefined: t->log is never touched there). SWIRL_TS_PERMUTE(s, tb), the permutation of a
 * local 16-element state, defaults to the portable p2_bb16_permute_tables; the CPU transcript maps
 * it to p2_bb16_permute (its SIMD single-state path: the transcript is latency-bound).
 *
 * Warp mode (device control kernels, swirl_ts_tables.warp set): the 32 lanes of one warp make
 * every transcript call together (uniform control flow) on ONE transcript in shared memory; the
 * permutation is the warp's (hash/poseidon2_warp.h: lane l holds state[l & 15]), lane 0 (the
 * lead, swirl_ts_lead) writes the indices and absorbed values, lanes 0..15 their permuted
 * element, with a warp barrier (__syncwarp) between every lane's read and the lead's write and
 * after every write, so all lanes read the same state and return the same samples. A control
 * step that calls the transcript in warp mode writes its other outputs on the lead only; values a
 * step computes on the other lanes may be stale, so its control flow must depend only on its
 * arguments, data from before the kernel and sampled values. Host code runs the same functions
 * with lead = 1 and no barriers (tests/test_p2_warp.c emulates the warp on host threads through
 * the hooks SWIRL_TS_LANE() and SWIRL_TS_WARP_SYNC(), which device code gets below).
 */
#ifndef SWIRL_TRANSCRIPT_TRANSCRIPT_IMPL_H
#define SWIRL_TRANSCRIPT_TRANSCRIPT_IMPL_H

#include "hash/poseidon2_impl.h"
#include "hash/poseidon2_warp.h"
#include "transcript/transcript.h"

#ifndef SWIRL_TS_ON_VALUE
#define SWIRL_TS_ON_VALUE(t, value, sampled) ((void)0)
#endif
#ifndef SWIRL_TS_ON_PERM
#define SWIRL_TS_ON_PERM(t) ((void)0)
#endif
#ifndef SWIRL_TS_PERMUTE
#define SWIRL_TS_PERMUTE(s, tb)                                                                    \
    p2_bb16_permute_tables((s), (tb)->ext_init, (tb)->ext_final, (tb)->internal)
#endif

#if defined(__CUDA_ARCH__) && !defined(SWIRL_TS_LANE)
#define SWIRL_TS_LANE() (threadIdx.x & 31u)
#define SWIRL_TS_WARP_SYNC() __syncwarp()
#endif

typedef struct swirl_ts_tables {
    const uint32_t *ext_init, *ext_final, *internal;
    /* 0: one thread runs the transcript; 1: warp mode, with the lanes' tables (device: global
     * memory, device/cuda/ts_warp.cuh). A flag beside the pointer: a constant the compiler folds
     * (it does not fold a global's generic address compared with NULL), so a kernel keeps one
     * path */
    int warp;
    const p2_bb16_lane_tables *lane;
} swirl_ts_tables;

/* the thread that writes transcript state and a control step's outputs: the one thread, or
 * lane 0 of the warp */
SWIRL_HD int swirl_ts_lead(const swirl_ts_tables *tb) {
#if defined(SWIRL_TS_LANE)
    if (tb->warp)
        return SWIRL_TS_LANE() == 0;
#endif
    (void)tb;
    return 1;
}

/* the threads that run a control step's transcript calls: 1, or a warp; this one's rank among
 * them (a step may share independent work out by rank, one writer per output) */
SWIRL_HD unsigned swirl_ts_team(const swirl_ts_tables *tb) {
    return tb->warp ? 32u : 1u;
}
SWIRL_HD unsigned swirl_ts_rank(const swirl_ts_tables *tb) {
#if defined(SWIRL_TS_LANE)
    if (tb->warp)
        return SWIRL_TS_LANE();
#endif
    (void)tb;
    return 0;
}

/* warp mode: every lane's earlier reads and the lead's earlier writes are done */
SWIRL_HD void swirl_ts_sync(const swirl_ts_tables *tb) {
#if defined(SWIRL_TS_LANE)
    if (tb->warp)
        SWIRL_TS_WARP_SYNC();
#endif
    (void)tb;
}

#if defined(__CUDA_ARCH__)
/* The warp permutation called, not inlined: a control step has a dozen permutation sites (every
 * observe and sample may permute), each run about once a launch; inlined, each would be its own
 * ~1,000 instructions fetched cold. One copy a kernel stays in the instruction cache. */
static __device__ __noinline__ __attribute__((unused)) uint32_t
swirl_ts_lane_permute(uint32_t x, unsigned lane, const p2_bb16_lane_tables *lt) {
    return p2_bb16_permute_lane(x, lane, lt);
}
#elif defined(SWIRL_P2W_SHFL) /* a host emulation of the warp */
SWIRL_HD uint32_t swirl_ts_lane_permute(uint32_t x, unsigned lane, const p2_bb16_lane_tables *lt) {
    return p2_bb16_permute_lane(x, lane, lt);
}
#endif

SWIRL_HD void swirl_ts_permute(swirl_transcript *t, const swirl_ts_tables *tb) {
#if defined(SWIRL_TS_LANE) && defined(SWIRL_P2W_SHFL)
    if (tb->warp) {
        unsigned lane = SWIRL_TS_LANE();
        uint32_t x = swirl_ts_lane_permute(t->state[lane & 15u].v, lane, tb->lane);
        SWIRL_TS_WARP_SYNC(); /* every lane has read its element */
        if (lane < 16u)
            t->state[lane].v = x;
        if (lane == 0) {
            t->absorb_idx = 0;
            t->sample_idx = P2_RATE;
        }
        SWIRL_TS_WARP_SYNC();
        SWIRL_TS_ON_PERM(t);
        return;
    }
#endif
    /* a local copy: on the device it lives in registers (t is in local or global memory, where
     * every step of the permutation would be a memory access) */
    bb31 s[16];
    for (int i = 0; i < 16; i++)
        s[i] = t->state[i];
    SWIRL_TS_PERMUTE(s, tb);
    for (int i = 0; i < 16; i++)
        t->state[i] = s[i];
    t->absorb_idx = 0;
    t->sample_idx = P2_RATE;
    SWIRL_TS_ON_PERM(t);
}

/* absorb: overwrite state[absorb_idx]; permute when RATE values are pending */
SWIRL_HD void swirl_ts_observe(swirl_transcript *t, bb31 value, const swirl_ts_tables *tb) {
    unsigned i = t->absorb_idx;
    swirl_ts_sync(tb);
    if (swirl_ts_lead(tb)) {
        t->state[i] = value;
        t->absorb_idx = i + 1;
        t->last_op_perm = i + 1 == P2_RATE;
    }
    swirl_ts_sync(tb);
    SWIRL_TS_ON_VALUE(t, value, 0);
    if (i + 1 == P2_RATE)
        swirl_ts_permute(t, tb);
}

/* squeeze: permute if anything was absorbed since the last permutation or the outputs are used up;
 * outputs are read from state[RATE-1] down to state[0] */
SWIRL_HD bb31 swirl_ts_sample(swirl_transcript *t, const swirl_ts_tables *tb) {
    unsigned si = t->sample_idx;
    int perm = t->absorb_idx != 0 || si == 0;
    swirl_ts_sync(tb);
    if (perm) {
        swirl_ts_permute(t, tb);
        si = P2_RATE;
    }
    si--;
    bb31 v = t->state[si];
    if (swirl_ts_lead(tb)) {
        t->last_op_perm = perm;
        t->sample_idx = si;
    }
    swirl_ts_sync(tb);
    SWIRL_TS_ON_VALUE(t, v, 1);
    return v;
}

SWIRL_HD void swirl_ts_observe_ext(swirl_transcript *t, bb31x4 value, const swirl_ts_tables *tb) {
    for (int i = 0; i < 4; i++)
        swirl_ts_observe(t, value.c[i], tb);
}

SWIRL_HD bb31x4 swirl_ts_sample_ext(swirl_transcript *t, const swirl_ts_tables *tb) {
    bb31x4 r;
    for (int i = 0; i < 4; i++)
        r.c[i] = swirl_ts_sample(t, tb);
    return r;
}

SWIRL_HD void swirl_ts_observe_digest(swirl_transcript *t, const swirl_digest *d,
                                      const swirl_ts_tables *tb) {
    for (int i = 0; i < P2_DIGEST_LEN; i++)
        swirl_ts_observe(t, d->v[i], tb);
}

SWIRL_HD uint32_t swirl_ts_sample_bits(swirl_transcript *t, unsigned bits,
                                       const swirl_ts_tables *tb) {
    uint32_t v = bb31_to_u32(swirl_ts_sample(t, tb));
    return bits >= 32 ? v : v & (uint32_t)((1ull << bits) - 1);
}

/* bits == 0 accepts; else observe(witness) and accept iff sample_bits == 0 */
SWIRL_HD int swirl_ts_check_witness(swirl_transcript *t, unsigned bits, bb31 witness,
                                    const swirl_ts_tables *tb) {
    if (bits == 0)
        return 1;
    swirl_ts_observe(t, witness, tb);
    return swirl_ts_sample_bits(t, bits, tb) == 0;
}

/* The end of a PoW candidate: s is the state with the witness absorbed (it is permuted in place);
 * whether the value check_witness samples next has its low `bits` bits zero */
SWIRL_HD int swirl_ts_pow_perm_ok(bb31 *s, unsigned bits, const swirl_ts_tables *tb) {
    SWIRL_TS_PERMUTE(s, tb);
    return (bb31_to_u32(s[P2_RATE - 1]) & (uint32_t)((1ull << bits) - 1)) == 0;
}

/* One PoW candidate without touching t: the output check_witness would sample for `witness`
 * (one permutation of the state with the witness at absorb_idx; state[RATE-1] masked), for
 * parallel searches (a thread, a lane or a GPU thread per candidate). */
SWIRL_HD int swirl_ts_pow_state_ok(const bb31 *state, unsigned absorb_idx, unsigned bits,
                                   bb31 witness, const swirl_ts_tables *tb) {
    /* a select per element, not a store at a variable index: the state stays in registers on
     * the device */
    bb31 s[P2_WIDTH];
    for (unsigned i = 0; i < P2_WIDTH; i++)
        s[i] = i == absorb_idx ? witness : state[i];
    return swirl_ts_pow_perm_ok(s, bits, tb);
}

SWIRL_HD int swirl_ts_pow_candidate_ok(const swirl_transcript *t, unsigned bits, bb31 witness,
                                       const swirl_ts_tables *tb) {
    return swirl_ts_pow_state_ok(t->state, t->absorb_idx, bits, witness, tb);
}

#endif /* SWIRL_TRANSCRIPT_TRANSCRIPT_IMPL_H */
