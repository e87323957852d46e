/* The CPU WHIR slots of the device table (device/ops.h): a sumcheck round's two evaluations and
 * the fold of f and w at a challenge (OpenVM v2.0.1 prover/whir.rs), on OpenMP threads. */
#include "device/ops.h"

#include "util/common.h"

/* s(1) = sum_y f[2y+1] w[2y+1], s(2) = sum_y (2f[2y+1] - f[2y]) (2w[2y+1] - w[2y]) */
enum swirl_status swirl_cpu_whir_sumcheck(const swirl_backend_ops *ops, bb31x4 s[2],
                                          const bb31x4 *f, const bb31x4 *w, size_t len) {
    (void)ops;
    SWIRL_ARG_CHECK(s != NULL && (len < 2 || (f != NULL && w != NULL)));
    bb31x4 s1 = bb31x4_zero(), s2 = bb31x4_zero();
    long long half = (long long)(len / 2);
#pragma omp parallel if (half >= 4096)
    {
        bb31x4 p1 = bb31x4_zero(), p2 = bb31x4_zero();
#pragma omp for schedule(static)
        for (long long y = 0; y < half; y++) {
            bb31x4 f0 = f[2 * y], f1 = f[2 * y + 1], w0 = w[2 * y], w1 = w[2 * y + 1];
            p1 = bb31x4_add(p1, bb31x4_mul_lazy(f1, w1));
            bb31x4 f2 = bb31x4_sub(bb31x4_add(f1, f1), f0), w2 = bb31x4_sub(bb31x4_add(w1, w1), w0);
            p2 = bb31x4_add(p2, bb31x4_mul_lazy(f2, w2));
        }
#pragma omp critical(swirl_whir_sumcheck)
        {
            s1 = bb31x4_add(s1, p1);
            s2 = bb31x4_add(s2, p2);
        }
    }
    s[0] = s1;
    s[1] = s2;
    return SWIRL_OK;
}

/* fo[y] = f[2y] + α (f[2y+1] - f[2y]), the same for w; outputs do not alias the inputs */
enum swirl_status swirl_cpu_whir_fold(const swirl_backend_ops *ops, bb31x4 *fo, bb31x4 *wo,
                                      const bb31x4 *f, const bb31x4 *w, size_t len, bb31x4 alpha) {
    (void)ops;
    SWIRL_ARG_CHECK(len < 2 || (fo != NULL && wo != NULL && f != NULL && w != NULL));
    size_t half = len / 2;
    bb31x4_pre a = bb31x4_prepare(alpha);
#pragma omp parallel for schedule(static) if (half >= 4096)
    for (long long y = 0; y < (long long)half; y++) {
        fo[y] = bb31x4_add(f[2 * y], bb31x4_mul_pre(bb31x4_sub(f[2 * y + 1], f[2 * y]), &a));
        wo[y] = bb31x4_add(w[2 * y], bb31x4_mul_pre(bb31x4_sub(w[2 * y + 1], w[2 * y]), &a));
    }
    return SWIRL_OK;
}
