/*
 * The multilinear rounds' stream evaluation (device/zc_stream.h, swirl_zc_stream_range_x) in the
 * form its compiled twin needs: the launch's arguments and the input interpolation, with nothing
 * but the field (device/zc_base.h), so that NVRTC compiles this very header with the generated
 * code (device/zc_jit.h, swirl_zc_jit_generate_mle; device/cuda/zc_mle_stream.cuh).
 *
 * An evaluation is a hypercube point y of a round and X (a small integer); its input j is rows
 * 2y, 2y + 1 of a folded table interpolated at X (swirl_zc_lerp): the selectors' table for j < 3,
 * else variable j - 3's view and column (device/zc_eval.h swirl_zc_round_input), or a public
 * value.
 */
#ifndef SWIRL_DEVICE_ZC_MLE_H
#define SWIRL_DEVICE_ZC_MLE_H

#include "device/zc_base.h"

/* folded views a launch can name: 2 x SWIRL_ZC_MAX_PARTS (device/constraint_trace.h) */
#define SWIRL_ZC_MLE_VIEWS 132u

/* one launch of a multilinear round's stream kernel (the interpreter's and the JIT's) */
typedef struct swirl_zc_mle_args {
    const bb31x4 *fold[SWIRL_ZC_MLE_VIEWS]; /* folded views, column-major of height H */
    const bb31x4 *fsel;                      /* the three folded selectors, height H each */
    const bb31 *pub;                         /* public values */
    const bb31x4 *eq_y;                      /* the round's eq weights, ny of them */
    const bb31x4 *lp, *bp, *eq3b;            /* lambda powers, beta powers, per interaction */
    bb31x4 *partial;                         /* the blocks' sums */
    unsigned long long ny, H;                /* hypercube points; the folded height */
} swirl_zc_mle_args;

/* c[0] + (c[1] - c[0]) X: rows 2y, 2y + 1 of a folded column interpolated at X */
SWIRL_HD bb31x4 swirl_zc_lerp(const bb31x4 *c, bb31 X) {
    return bb31x4_add(c[0], bb31x4_mul_base(bb31x4_sub(c[1], c[0]), X));
}

/* acc + w x in the extension field: the stream's CONS, FIELD and COUNT steps over extension
 * values (as swirl_zc_acc over base values) */
SWIRL_HD bb31x4 swirl_zc_accx(bb31x4 acc, const bb31x4 *w, bb31x4 x) {
    return bb31x4_add(acc, bb31x4_mul(*w, x));
}

#endif /* SWIRL_DEVICE_ZC_MLE_H */
