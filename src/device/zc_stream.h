/*
 * The constraint program as a stream for round 0 of the batch constraint sumcheck: one evaluation
 * per thread, with its inputs precomputed (one row per input, one column per evaluation: a warp
 * reads 128 contiguous bytes per input) and only a handful of temporaries live at any time.
 *
 * Why: the flat program (device/zc_eval.h) keeps every value of an evaluation — KeccakAir: 6,046
 * slots, 24 KB — in global memory, so round 0's 65,536 evaluations (keccakf at 1024 permutations)
 * stream 1.6 GB of values through DRAM at every instruction step (26 ms on an H100). Measured on
 * KeccakAir's program (36,354 instructions): in depth-first order from each constraint, at most
 * 8 temporaries are live at once, except 641 shared nodes (fan-out 5..16) that stay live across
 * the whole program; recomputing those shared nodes inside each group of constraints that needs
 * them costs 9 % more instructions and leaves at most 8 temporaries live. The temporaries then
 * fit in shared memory (a few slots per thread) and the inputs are read where they are.
 *
 * swirl_zc_stream_build: the flat program in SSA form; the outputs (constraints, then each
 * interaction's fields and count) cut into groups of at most SWIRL_ZC_STREAM_GROUP_INPUTS distinct
 * inputs (so a group's input rows stay in L1); each group's nodes emitted depth first from its
 * outputs (a node needed by two groups is computed in each: nothing lives across groups), the
 * temporaries allocated by liveness within the group (a freed slot is reused at once), and each
 * output consumed by an accumulate instruction as soon as it is computed:
 *   op 0..3  ADD SUB MUL NEG: temp[dst] = a op b
 *   op 4     CONS k:   z += lambda^k a          (lp[k] a, k in word 1)
 *   op 5     FIELD j:  h += beta^j a            (j in word 1)
 *   op 6     COUNT i:  n += eq3b[i] a           (i in word 1)
 *   op 7     IEND i:   d += eq3b[i] (h + beta^nf bus1[i]); h = 0   (i in word 1, nf in word 2)
 * Operands: kind in the top two bits (SWIRL_ZC_ST_TEMP / _INPUT / _CONST), index below. The sums
 * equal the flat program's (swirl_zc_cons_b, swirl_zc_logup_b) exactly: the same products, added
 * in another order (field sums are exact).
 *
 * swirl_zc_stream_run_b is the per-thread interpreter (host and device: the CPU twin in
 * tests/test_zc_eval.c runs it against the flat program).
 */
#ifndef SWIRL_DEVICE_ZC_STREAM_H
#define SWIRL_DEVICE_ZC_STREAM_H

#include "device/zc_eval.h"

#define SWIRL_ZC_ST_TEMP 0u
#define SWIRL_ZC_ST_INPUT 1u
#define SWIRL_ZC_ST_CONST 2u
#define SWIRL_ZC_ST_KIND(o) ((o) >> 30)
#define SWIRL_ZC_ST_INDEX(o) ((o) & 0x3fffffffu)
#define SWIRL_ZC_ST_OPERAND(kind, idx) (((uint32_t)(kind) << 30) | (uint32_t)(idx))

#define SWIRL_ZC_ST_CONS 4u
#define SWIRL_ZC_ST_FIELD 5u
#define SWIRL_ZC_ST_COUNT 6u
#define SWIRL_ZC_ST_IEND 7u

#define SWIRL_ZC_STREAM_GROUP_INPUTS 64u /* distinct inputs of a group (its L1 working set) */
#define SWIRL_ZC_STREAM_MAX_TEMPS 64u    /* temporaries of one thread (shared memory) */

/* SWIRL_ZC_STREAM_PARTS (device/zc_base.h): the stream cut into parts at group boundaries */

typedef struct swirl_zc_stream {
    uint32_t n_instrs; /* 4 words each */
    uint32_t n_temps;  /* temporary slots one evaluation needs */
    uint32_t n_inputs; /* input rows: the 3 selectors, then the variables (as the flat program) */
    uint32_t n_groups;
    /* SWIRL_ZC_STREAM_PARTS parts of about equal length, each a run of whole groups: part q is
     * instructions [cut[q], cut[q + 1]). Nothing lives across groups and the sums are linear, so
     * the parts of one evaluation can run on different threads and their sums be added (the
     * kernel splits an evaluation into 1, 2, 4 or 8 of them when there are too few evaluations to
     * fill the GPU). */
    uint32_t cut[SWIRL_ZC_STREAM_PARTS + 1];
    const uint32_t *instrs;
} swirl_zc_stream;

#ifdef __cplusplus
extern "C" {
#endif

/** Builds the stream of `pg` (host arrays) into *out, its instructions in *storage (free it).
 *  SWIRL_E_UNSUPPORTED when one output alone needs more than SWIRL_ZC_STREAM_MAX_TEMPS
 *  temporaries (the caller keeps the flat program); SWIRL_E_INVALID_ARG for a malformed program;
 *  SWIRL_E_NOMEM. */
enum swirl_status swirl_zc_stream_build(swirl_zc_stream *out, void **storage,
                                        const swirl_zc_dprog *pg) SWIRL_WARN_UNUSED_RESULT;

#ifdef __cplusplus
}
#endif

/* operand o of evaluation e: temp slot s at tmp[s * ts], input row j at U[j * E + e] */
SWIRL_HD bb31 swirl_zc_stream_ld(uint32_t o, const bb31 *consts, const bb31 *U, size_t E, size_t e,
                                 const bb31 *tmp, size_t ts) {
    uint32_t k = SWIRL_ZC_ST_KIND(o), i = SWIRL_ZC_ST_INDEX(o);
    if (k == SWIRL_ZC_ST_TEMP)
        return tmp[(size_t)i * ts];
    if (k == SWIRL_ZC_ST_INPUT)
        return swirl_zc_ldb(&U[(size_t)i * E + e]);
    return swirl_zc_ldb(&consts[i]);
}

/* One evaluation (e, its input column of U) over instructions [i0, i1) of the stream (a run of
 * whole groups: 0 .. n_instrs, or a part): out = (sum_k lp[k] C_k, the LogUp numerator, the
 * denominator) over the outputs in that range, as swirl_zc_cons_b / swirl_zc_logup_b give them
 * over all of them (bp, eq3b only read when the program has interactions). tmp: this thread's
 * temporaries, stride ts. */
SWIRL_HD void swirl_zc_stream_range_b(bb31x4 out[3], const swirl_zc_stream *sp, uint32_t i0,
                                      uint32_t i1, const bb31 *consts, const bb31 *U, size_t E,
                                      size_t e, bb31 *tmp, size_t ts, const bb31x4 *lp,
                                      const bb31x4 *bp, const bb31x4 *eq3b, const bb31 *bus1) {
    bb31x4 z = bb31x4_zero(), h = bb31x4_zero(), n = bb31x4_zero(), d = bb31x4_zero();
    uint32_t w[4];
    if (i0 < i1)
        swirl_zc_words(w, sp->instrs, i0);
    for (uint32_t i = i0; i < i1; i++) {
        uint32_t op = w[0], dst = w[1], a = w[2], b = w[3];
        if (i + 1 < i1) /* the next words in flight while this one runs */
            swirl_zc_words(w, sp->instrs, i + 1);
        bb31 x = op == SWIRL_ZC_ST_IEND ? bb31_zero() : swirl_zc_stream_ld(a, consts, U, E, e, tmp, ts);
        if (op < 3u) {
            bb31 y = swirl_zc_stream_ld(b, consts, U, E, e, tmp, ts);
            tmp[(size_t)dst * ts] = op == 0u ? bb31_add(x, y) : op == 1u ? bb31_sub(x, y) : bb31_mul(x, y);
        } else if (op == 3u) {
            tmp[(size_t)dst * ts] = bb31_neg(x);
        } else if (op == SWIRL_ZC_ST_CONS) {
            z = swirl_zc_acc(z, &lp[dst], x);
        } else if (op == SWIRL_ZC_ST_FIELD) {
            h = swirl_zc_acc(h, &bp[dst], x);
        } else if (op == SWIRL_ZC_ST_COUNT) {
            n = swirl_zc_acc(n, &eq3b[dst], x);
        } else { /* IEND i: word 2 is the field count nf, not an operand */
            d = swirl_zc_iend(d, h, &eq3b[dst], &bp[a], swirl_zc_ldb(&bus1[dst]));
            h = bb31x4_zero();
        }
    }
    out[0] = z;
    out[1] = n;
    out[2] = d;
}

/* the whole stream for one evaluation */
SWIRL_HD void swirl_zc_stream_run_b(bb31x4 out[3], const swirl_zc_stream *sp, const bb31 *consts,
                                    const bb31 *U, size_t E, size_t e, bb31 *tmp, size_t ts,
                                    const bb31x4 *lp, const bb31x4 *bp, const bb31x4 *eq3b,
                                    const bb31 *bus1) {
    swirl_zc_stream_range_b(out, sp, 0, sp->n_instrs, consts, U, E, e, tmp, ts, lp, bp, eq3b,
                            bus1);
}

/* ---- the multilinear rounds: the same stream over extension-field values ----
 *
 * An evaluation is a hypercube point y and X (a small integer) of a round; its input j is
 * swirl_zc_round_input's (rows 2y, 2y + 1 of the folded tables interpolated at X: read where they
 * are, not precomputed), its temporaries extension values: component c of slot s at
 * tmp[(4 s + c) ts]. The sums equal swirl_zc_round_eval's before the eq_y weight (the same
 * products; a constant operand of MUL multiplies as a base-field element, the same value). */

/* the inputs of an MLE evaluation (y, X), as swirl_zc_round_eval's */
typedef struct swirl_zc_mle_in {
    const swirl_zc_dprog *pg;  /* var_info, consts, bus1 */
    const bb31x4 *const *fold; /* folded views */
    const bb31x4 *fsel;        /* folded selectors */
    const bb31 *pub;
    size_t y, H; /* hypercube point and the folded height */
    bb31 X;
} swirl_zc_mle_in;

SWIRL_HD bb31x4 swirl_zc_stream_ld_x(uint32_t o, const swirl_zc_mle_in *in, const bb31 *tmp,
                                     size_t ts) {
    uint32_t k = SWIRL_ZC_ST_KIND(o), i = SWIRL_ZC_ST_INDEX(o);
    if (k == SWIRL_ZC_ST_TEMP) {
        bb31x4 r;
        const bb31 *p = tmp + (size_t)4 * i * ts;
        r.c[0] = p[0];
        r.c[1] = p[ts];
        r.c[2] = p[2 * ts];
        r.c[3] = p[3 * ts];
        return r;
    }
    if (k == SWIRL_ZC_ST_INPUT)
        return swirl_zc_round_input(in->pg, in->fold, in->fsel, in->pub, in->y, in->H, in->X, i);
    return bb31x4_from_base(swirl_zc_ldb(&in->pg->consts[i]));
}

SWIRL_HD void swirl_zc_stream_st_x(bb31 *tmp, size_t ts, uint32_t s, bb31x4 v) {
    bb31 *p = tmp + (size_t)4 * s * ts;
    p[0] = v.c[0];
    p[ts] = v.c[1];
    p[2 * ts] = v.c[2];
    p[3 * ts] = v.c[3];
}

/* One MLE evaluation over instructions [i0, i1) of the stream (whole groups): out = (sum_k lp[k]
 * C_k, the LogUp numerator, the denominator) over the outputs in that range, not yet times eq_y.
 * tmp: this thread's temporaries (4 n_temps words at stride ts). */
SWIRL_HD void swirl_zc_stream_range_x(bb31x4 out[3], const swirl_zc_stream *sp, uint32_t i0,
                                      uint32_t i1, const swirl_zc_mle_in *in, bb31 *tmp,
                                      size_t ts, const bb31x4 *lp, const bb31x4 *bp,
                                      const bb31x4 *eq3b) {
    bb31x4 z = bb31x4_zero(), h = bb31x4_zero(), n = bb31x4_zero(), d = bb31x4_zero();
    uint32_t w[4];
    if (i0 < i1)
        swirl_zc_words(w, sp->instrs, i0);
    for (uint32_t i = i0; i < i1; i++) {
        uint32_t op = w[0], dst = w[1], a = w[2], b = w[3];
        if (i + 1 < i1) /* the next words in flight while this one runs */
            swirl_zc_words(w, sp->instrs, i + 1);
        if (op == SWIRL_ZC_ST_IEND) { /* word 2 is the field count nf, not an operand */
            d = swirl_zc_iend(d, h, &eq3b[dst], &bp[a], swirl_zc_ldb(&in->pg->bus1[dst]));
            h = bb31x4_zero();
            continue;
        }
        bb31x4 x = swirl_zc_stream_ld_x(a, in, tmp, ts), r;
        if (op == 2u && SWIRL_ZC_ST_KIND(b) == SWIRL_ZC_ST_CONST) {
            r = bb31x4_mul_base(x, swirl_zc_ldb(&in->pg->consts[SWIRL_ZC_ST_INDEX(b)]));
        } else if (op < 3u) {
            bb31x4 y = swirl_zc_stream_ld_x(b, in, tmp, ts);
            r = op == 0u ? bb31x4_add(x, y) : op == 1u ? bb31x4_sub(x, y) : bb31x4_mul(x, y);
        } else if (op == 3u) {
            r = bb31x4_neg(x);
        } else {
            if (op == SWIRL_ZC_ST_CONS)
                z = swirl_zc_accx(z, &lp[dst], x);
            else if (op == SWIRL_ZC_ST_FIELD)
                h = swirl_zc_accx(h, &bp[dst], x);
            else /* COUNT */
                n = swirl_zc_accx(n, &eq3b[dst], x);
            continue;
        }
        swirl_zc_stream_st_x(tmp, ts, dst, r);
    }
    out[0] = z;
    out[1] = n;
    out[2] = d;
}

#endif /* SWIRL_DEVICE_ZC_STREAM_H */
