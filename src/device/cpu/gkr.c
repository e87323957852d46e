/* The CPU GKR slots of the device table (device/ops.h): the fraction tree of the LogUp input layer
 * and one layer's sumcheck round (OpenVM v2.0.1 prover/logup_zerocheck/fractional_sumcheck_gkr.rs). */
#include "device/ops.h"

#include "util/common.h"

enum swirl_status swirl_cpu_gkr_tree(const swirl_backend_ops *ops, bb31x4 *tp, bb31x4 *tq,
                                     size_t n_leaves) {
    (void)ops;
    SWIRL_ARG_CHECK(tp != NULL && tq != NULL && n_leaves >= 2 && swirl_is_pow2(n_leaves));
    for (size_t i = n_leaves - 1; i >= 1; i--) {
        tp[i] =
            bb31x4_add(bb31x4_mul(tp[2 * i], tq[2 * i + 1]), bb31x4_mul(tq[2 * i], tp[2 * i + 1]));
        tq[i] = bb31x4_mul(tq[2 * i], tq[2 * i + 1]);
    }
    return SWIRL_OK;
}

enum swirl_status swirl_cpu_gkr_layer(const swirl_backend_ops *ops, bb31x4 s[3], const bb31x4 *eq,
                                      const bb31x4 *cols, size_t stride, size_t len,
                                      bb31x4 lambda) {
    (void)ops;
    SWIRL_ARG_CHECK(s != NULL && eq != NULL && cols != NULL && len <= stride);
    const bb31x4 *c_p0 = cols, *c_q0 = cols + stride, *c_p1 = cols + 2 * stride,
                 *c_q1 = cols + 3 * stride;
    for (uint32_t xi = 1; xi <= 3; xi++) {
        bb31 x = bb31_from_u32(xi);
        bb31x4 acc = bb31x4_zero();
        for (size_t y = 0; y < len / 2; y++) {
#define LERP(col)                                                                                  \
    bb31x4_add((col)[2 * y], bb31x4_mul_base(bb31x4_sub((col)[2 * y + 1], (col)[2 * y]), x))
            bb31x4 e = LERP(eq), p0 = LERP(c_p0), q0 = LERP(c_q0), p1 = LERP(c_p1), q1 = LERP(c_q1);
#undef LERP
            bb31x4 pp = bb31x4_add(bb31x4_mul(p0, q1), bb31x4_mul(p1, q0));
            bb31x4 qq = bb31x4_mul(q0, q1);
            acc = bb31x4_add(acc, bb31x4_mul(e, bb31x4_add(pp, bb31x4_mul(lambda, qq))));
        }
        s[xi - 1] = acc;
    }
    return SWIRL_OK;
}
