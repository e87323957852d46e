/* The round-0 JIT's entry points (device/cuda/cuda_jit.h) when libswirl is built without CUDA:
 * nothing can be compiled. */
#include "device/cuda/cuda_jit.h"

#include <string.h>

#ifndef SWIRL_HAVE_CUDA

int swirl_cuda_jit_available(int *major, int *minor, int *link) {
    if (major)
        *major = 0;
    if (minor)
        *minor = 0;
    if (link)
        *link = 0;
    return 0;
}

enum swirl_status swirl_cuda_jit_build(swirl_jit_build *out, const swirl_zc_jit_code *code,
                                       const char *arch, unsigned maxrreg, unsigned flags) {
    (void)code;
    (void)arch;
    (void)maxrreg;
    (void)flags;
    if (out)
        memset(out, 0, sizeof *out);
    return SWIRL_RAISE(SWIRL_E_UNSUPPORTED, "libswirl was built without the CUDA backend");
}

void swirl_jit_build_clear(swirl_jit_build *b) {
    if (b)
        memset(b, 0, sizeof *b);
}

void swirl_cuda_zc_jit_stats_get(const swirl_cuda_ctx *ctx, swirl_cuda_zc_jit_stats *out) {
    (void)ctx;
    if (out)
        memset(out, 0, sizeof *out);
}

unsigned swirl_cuda_zc_jit_wait(swirl_cuda_ctx *ctx) {
    (void)ctx;
    return 0;
}

void swirl_cuda_fault_jit_launch_at(unsigned long long n) {
    (void)n;
}

#endif /* SWIRL_HAVE_CUDA */
