/*
 * The constraint program scheduled for one evaluation per thread BLOCK (device/zc_eval.h runs one
 * evaluation per thread): the multilinear rounds of the batch constraint sumcheck have few
 * evaluations (KeccakAir at 1024 permutations: 1,024 x 3 in round 1, 3 in the last) and a long
 * program (36,354 instructions), so one thread per evaluation leaves the GPU latency-bound; the
 * DAG itself is wide, so the threads of a block share one evaluation instead.
 *
 * swirl_zc_sched_build turns a flat program (swirl_zc_dprog) into levels: the program in SSA form
 * (every instruction its own value), dead instructions dropped, every instruction at level
 * 1 + max(level of its operands) (inputs and constants at level 0), in level order, and the values
 * re-allocated to slots by liveness at level granularity: a slot is reused at level L only by a
 * value whose previous holder was last read below L, so the instructions of one level never touch
 * a slot another instruction of that level reads or writes, and a block runs a level with any
 * thread order between two barriers. Input j (the selectors, then the variables, as in the flat
 * program) starts in slot j. The values the caller reads at the end (constraints, interaction
 * fields and counts) are never freed. Constants stay encoded operands (SWIRL_ZC_CONST).
 *
 * The block's values live in shared memory, extension field, the four components of slot s
 * together at S[4 s .. 4 s + 3] (one 16-byte access on the device; the structure-of-arrays layout
 * took four 4-byte accesses an operand, each a gather over random banks: ncu counted 3.3 bank
 * conflicts a shared load in KeccakAir's round 1, docs/PERF.md tenth session). The per-thread
 * pieces below are SWIRL_HD: a thread tid of nt runs
 * every nt-th input / instruction / output of a phase; the caller puts a barrier between phases
 * (the kernel __syncthreads, the CPU twin runs the threads of a phase one after another, see
 * tests/test_zc_eval.c). The results equal the flat program's exactly: same operations on the
 * same values, only the order of independent instructions and of the final sums (exact field
 * sums) differs.
 */
#ifndef SWIRL_DEVICE_ZC_BLOCK_H
#define SWIRL_DEVICE_ZC_BLOCK_H

#include "device/zc_eval.h"

typedef struct swirl_zc_sched {
    uint32_t n_slots;  /* peak live values: the shared memory of one evaluation is 16 x n_slots */
    uint32_t n_inputs; /* 3 selectors + the variables, in slots [0, n_inputs) at the start */
    uint32_t n_levels;
    uint32_t n_instrs;
    uint32_t max_width;         /* instructions of the widest level */
    const uint32_t *instrs;     /* 4 words each (op, dst slot, a, b encoded), level order */
    const uint32_t *level_start; /* n_levels + 1 */
    const uint32_t *cons_val;   /* n_constraints encoded operands (slots of this schedule) */
    const uint32_t *field_val;  /* the flat program's field_start indexes it */
    const uint32_t *count_val;  /* n_interactions */
} swirl_zc_sched;

#ifdef __cplusplus
extern "C" {
#endif

/** Schedules `pg` (host arrays) into *out, its arrays in one allocation *storage (free it).
 *  SWIRL_E_INVALID_ARG for a malformed program (an operand read before any write);
 *  SWIRL_E_NOMEM. */
enum swirl_status swirl_zc_sched_build(swirl_zc_sched *out, void **storage,
                                       const swirl_zc_dprog *pg) SWIRL_WARN_UNUSED_RESULT;

#ifdef __cplusplus
}
#endif

/* slot o's four components at S[4 o .. 4 o + 3]; on the device one 16-byte shared access (S
 * 16-byte aligned) */
SWIRL_HD bb31x4 swirl_zc_blk_ld(const swirl_zc_dprog *pg, const bb31 *S, uint32_t o) {
    if (o & SWIRL_ZC_CONST)
        return bb31x4_from_base(swirl_zc_ldb(&pg->consts[o & ~SWIRL_ZC_CONST]));
    bb31x4 r;
#if defined(__CUDA_ARCH__)
    const uint4 v = *reinterpret_cast<const uint4 *>(S + 4 * (size_t)o);
    r.c[0].v = v.x;
    r.c[1].v = v.y;
    r.c[2].v = v.z;
    r.c[3].v = v.w;
#else
    for (int e = 0; e < 4; e++)
        r.c[e] = S[4 * (size_t)o + e];
#endif
    return r;
}

SWIRL_HD void swirl_zc_blk_st(bb31 *S, uint32_t s, bb31x4 v) {
#if defined(__CUDA_ARCH__)
    *reinterpret_cast<uint4 *>(S + 4 * (size_t)s) =
        make_uint4(v.c[0].v, v.c[1].v, v.c[2].v, v.c[3].v);
#else
    for (int e = 0; e < 4; e++)
        S[4 * (size_t)s + e] = v.c[e];
#endif
}

/* One instruction's words (op, dst, a, b) and a thread's range of a level: the kernels fetch the
 * next level's first instruction before running the current level (swirl_zc_blk_fetch ahead of the
 * barrier) and, inside a wide level, the next instruction before running this one, so the L2
 * latency of the instruction stream (580 KB for KeccakAir, more than L1) overlaps the work. */
typedef struct swirl_zc_ins {
    uint32_t i, i1; /* this thread's first index in the level and the level's end */
    uint32_t w[4];  /* the words of instruction i (when i < i1) */
} swirl_zc_ins;


/* thread tid's start of level L (an empty range past the last level) */
SWIRL_HD swirl_zc_ins swirl_zc_blk_fetch(const swirl_zc_sched *sc, uint32_t L, uint32_t tid) {
    swirl_zc_ins f;
    f.i = f.i1 = 0;
    f.w[0] = f.w[1] = f.w[2] = f.w[3] = 0;
    if (L >= sc->n_levels)
        return f;
    f.i = SWIRL_ZC_LD(&sc->level_start[L]) + tid;
    f.i1 = SWIRL_ZC_LD(&sc->level_start[L + 1]);
    if (f.i < f.i1)
        swirl_zc_words(f.w, sc->instrs, f.i);
    return f;
}

/* an extension value from global memory: one 16-byte read-only load on the device (the folded
 * tables and the weights sit in 16-byte elements of arena memory) */
SWIRL_HD bb31x4 swirl_zc_blk_ldg(const bb31x4 *p) {
#if defined(__CUDA_ARCH__)
    const uint4 v = __ldg(reinterpret_cast<const uint4 *>(p));
    bb31x4 r;
    r.c[0].v = v.x;
    r.c[1].v = v.y;
    r.c[2].v = v.z;
    r.c[3].v = v.w;
    return r;
#else
    return *p;
#endif
}

/* Phases 1 and 3 take a thread's items ZC_BLK_BATCH at a time, every load of the batch issued
 * before the first is used: one item a time left each thread waiting out a chain of dependent
 * global loads (the variable's view and column, then its rows) per input, which ncu counted as
 * the block kernel's largest stall (L1TEX scoreboard, 30 % of its cycles). */
#define ZC_BLK_BATCH 4

/* phase 1 of a multilinear-round evaluation at hypercube point y and X (swirl_zc_round_eval's
 * inputs, the same values): thread tid of nt writes inputs tid, tid + nt, ... */
SWIRL_HD void swirl_zc_blk_inputs(const swirl_zc_dprog *pg, const swirl_zc_sched *sc, bb31 *S,
                                  const bb31x4 *const *fold, const bb31x4 *fsel, const bb31 *pub,
                                  size_t y, size_t H, bb31 X, uint32_t tid, uint32_t nt) {
    const uint32_t n = sc->n_inputs;
    for (uint32_t j0 = tid; j0 < n; j0 += ZC_BLK_BATCH * nt) {
        const bb31x4 *c[ZC_BLK_BATCH];
        bb31x4 v0[ZC_BLK_BATCH], v1[ZC_BLK_BATCH];
        SWIRL_ZC_UNROLL
        for (int k = 0; k < ZC_BLK_BATCH; k++) {
            uint32_t j = j0 + (uint32_t)k * nt;
            v0[k] = v1[k] = bb31x4_zero();
            c[k] = NULL;
            if (j >= n)
                continue;
            swirl_zc_src src = swirl_zc_round_src(pg, fold, fsel, pub, y, H, j);
            if (src.pub)
                v0[k] = bb31x4_from_base(swirl_zc_ldb(src.pub));
            else
                c[k] = src.rows;
        }
        SWIRL_ZC_UNROLL
        for (int k = 0; k < ZC_BLK_BATCH; k++)
            if (c[k]) {
                v0[k] = swirl_zc_blk_ldg(c[k]);
                v1[k] = swirl_zc_blk_ldg(c[k] + 1);
            }
        SWIRL_ZC_UNROLL
        for (int k = 0; k < ZC_BLK_BATCH; k++) {
            uint32_t j = j0 + (uint32_t)k * nt;
            if (j < n) /* swirl_zc_lerp of the two rows; a public value as it is */
                swirl_zc_blk_st(S, j, c[k] ? bb31x4_add(v0[k], bb31x4_mul_base(
                                                                bb31x4_sub(v1[k], v0[k]), X))
                                           : v0[k]);
        }
    }
}

/* phase 2 (once per level): the thread whose start of the level is f (swirl_zc_blk_fetch) runs the
 * level's instructions f.i, f.i + nt, ... */
SWIRL_HD void swirl_zc_blk_level(const swirl_zc_dprog *pg, const swirl_zc_sched *sc, bb31 *S,
                                 swirl_zc_ins f, uint32_t nt) {
    for (uint32_t i = f.i; i < f.i1;) {
        uint32_t op = f.w[0], dst = f.w[1], a = f.w[2], b = f.w[3], nx = i + nt;
        if (nx < f.i1)
            swirl_zc_words(f.w, sc->instrs, nx);
        bb31x4 x = swirl_zc_blk_ld(pg, S, a), r;
        if (op == 3u) {
            r = bb31x4_neg(x);
        } else {
            bb31x4 yv = swirl_zc_blk_ld(pg, S, b);
            r = op == 0u ? bb31x4_add(x, yv) : op == 1u ? bb31x4_sub(x, yv) : bb31x4_mul(x, yv);
        }
        swirl_zc_blk_st(S, dst, r);
        i = nx;
    }
}

/* phase 3: thread tid's share of (sum_k lp[k] C_k, the LogUp numerator, the denominator) over
 * constraints k = tid, tid + nt, ... and interactions i = tid, tid + nt, ... (not yet times eq_y) */
SWIRL_HD void swirl_zc_blk_sums(bb31x4 out[3], const swirl_zc_dprog *pg, const swirl_zc_sched *sc,
                                const bb31 *S, const bb31x4 *lp, const bb31x4 *bp,
                                const bb31x4 *eq3b, uint32_t tid, uint32_t nt) {
    bb31x4 acc = bb31x4_zero(), nn = bb31x4_zero(), dd = bb31x4_zero();
    const uint32_t nc = pg->n_constraints;
    for (uint32_t k0 = tid; k0 < nc; k0 += ZC_BLK_BATCH * nt) {
        uint32_t o[ZC_BLK_BATCH];
        bb31x4 w[ZC_BLK_BATCH];
        SWIRL_ZC_UNROLL
        for (int q = 0; q < ZC_BLK_BATCH; q++) {
            uint32_t k = k0 + (uint32_t)q * nt;
            o[q] = k < nc ? SWIRL_ZC_LD(&sc->cons_val[k]) : 0u;
            w[q] = k < nc ? swirl_zc_blk_ldg(&lp[k]) : bb31x4_zero();
        }
        SWIRL_ZC_UNROLL
        for (int q = 0; q < ZC_BLK_BATCH; q++)
            if (k0 + (uint32_t)q * nt < nc)
                acc = bb31x4_add(acc, bb31x4_mul(w[q], swirl_zc_blk_ld(pg, S, o[q])));
    }
    for (uint32_t i = tid; i < pg->n_interactions; i += nt) {
        uint32_t f0 = SWIRL_ZC_LD(&pg->field_start[i]), nf = SWIRL_ZC_LD(&pg->field_start[i + 1]) - f0;
        bb31x4 hh = bb31x4_mul_base(bp[nf], swirl_zc_ldb(&pg->bus1[i]));
        for (uint32_t j = 0; j < nf; j++)
            hh = bb31x4_add(hh, bb31x4_mul(bp[j], swirl_zc_blk_ld(pg, S,
                                                                  SWIRL_ZC_LD(&sc->field_val[f0 + j]))));
        nn = bb31x4_add(nn, bb31x4_mul(eq3b[i], swirl_zc_blk_ld(pg, S, SWIRL_ZC_LD(&sc->count_val[i]))));
        dd = bb31x4_add(dd, bb31x4_mul(eq3b[i], hh));
    }
    out[0] = acc;
    out[1] = nn;
    out[2] = dd;
}

/* ---- round 0: base-field values, component 0 only (S[s]) ---- */

SWIRL_HD bb31 swirl_zc_blk_ld_b(const swirl_zc_dprog *pg, const bb31 *S, uint32_t o) {
    return (o & SWIRL_ZC_CONST) ? swirl_zc_ldb(&pg->consts[o & ~SWIRL_ZC_CONST]) : S[o];
}

/* phase 2 in the base field (once per level), as swirl_zc_blk_level */
SWIRL_HD void swirl_zc_blk_level_b(const swirl_zc_dprog *pg, const swirl_zc_sched *sc, bb31 *S,
                                   swirl_zc_ins f, uint32_t nt) {
    for (uint32_t i = f.i; i < f.i1;) {
        uint32_t op = f.w[0], dst = f.w[1], a = f.w[2], b = f.w[3], nx = i + nt;
        if (nx < f.i1)
            swirl_zc_words(f.w, sc->instrs, nx);
        bb31 x = swirl_zc_blk_ld_b(pg, S, a), r;
        if (op == 3u) {
            r = bb31_neg(x);
        } else {
            bb31 yv = swirl_zc_blk_ld_b(pg, S, b);
            r = op == 0u ? bb31_add(x, yv) : op == 1u ? bb31_sub(x, yv) : bb31_mul(x, yv);
        }
        S[dst] = r;
        i = nx;
    }
}

/* phase 3 of round 0: thread tid's share of sum_k lp[k] C_k (when zc) and of the LogUp numerator
 * and denominator (when lu), not yet times eq_x and 1 / (p^N - 1) */
SWIRL_HD void swirl_zc_blk_r0_sums(bb31x4 out[3], const swirl_zc_dprog *pg,
                                   const swirl_zc_sched *sc, const bb31 *S, const bb31x4 *lp,
                                   const bb31x4 *bp, const bb31x4 *eq3b, int zc, int lu,
                                   uint32_t tid, uint32_t nt) {
    bb31x4 acc = bb31x4_zero(), nn = bb31x4_zero(), dd = bb31x4_zero();
    if (zc)
        for (uint32_t k = tid; k < pg->n_constraints; k += nt)
            acc = bb31x4_add(acc, bb31x4_mul_base(lp[k], swirl_zc_blk_ld_b(
                                                             pg, S, SWIRL_ZC_LD(&sc->cons_val[k]))));
    if (lu)
        for (uint32_t i = tid; i < pg->n_interactions; i += nt) {
            uint32_t f0 = SWIRL_ZC_LD(&pg->field_start[i]),
                     nf = SWIRL_ZC_LD(&pg->field_start[i + 1]) - f0;
            bb31x4 hh = bb31x4_mul_base(bp[nf], swirl_zc_ldb(&pg->bus1[i]));
            for (uint32_t j = 0; j < nf; j++)
                hh = bb31x4_add(hh, bb31x4_mul_base(bp[j], swirl_zc_blk_ld_b(
                                                               pg, S, SWIRL_ZC_LD(&sc->field_val[f0 + j]))));
            nn = bb31x4_add(nn, bb31x4_mul_base(eq3b[i], swirl_zc_blk_ld_b(
                                                             pg, S, SWIRL_ZC_LD(&sc->count_val[i]))));
            dd = bb31x4_add(dd, bb31x4_mul(eq3b[i], hh));
        }
    out[0] = acc;
    out[1] = nn;
    out[2] = dd;
}

#endif /* SWIRL_DEVICE_ZC_BLOCK_H */
