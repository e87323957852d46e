/* The GPU constraint evaluation's entry points (device/cuda/cuda_zc.h) when libswirl is built
 * without CUDA: every call reports that no device is available. */
#include "device/cuda/cuda_zc.h"

#include <string.h>

#ifndef SWIRL_HAVE_CUDA

#define NO_CUDA() SWIRL_RAISE(SWIRL_E_NO_DEVICE, "libswirl was built without the CUDA backend")

enum swirl_status swirl_cuda_program_create(swirl_cuda_ctx *ctx, swirl_cuda_program **out,
                                            const swirl_air *air, size_t scratch_bytes) {
    (void)ctx;
    (void)air;
    (void)scratch_bytes;
    if (out)
        *out = NULL;
    return NO_CUDA();
}
enum swirl_status swirl_cuda_zc_scratch_need(size_t *values_bytes, size_t *partial_bytes,
                                             size_t slots, size_t scratch_bytes) {
    (void)slots;
    (void)scratch_bytes;
    if (values_bytes)
        *values_bytes = 0;
    if (partial_bytes)
        *partial_bytes = 0;
    return NO_CUDA();
}
enum swirl_status swirl_cuda_program_create_tables(swirl_cuda_ctx *ctx, swirl_cuda_program **out,
                                                   const swirl_air *air) {
    (void)ctx;
    (void)air;
    if (out)
        *out = NULL;
    return NO_CUDA();
}
enum swirl_status swirl_cuda_program_bind(swirl_cuda_program **out, swirl_cuda_program *tables,
                                          int own_tables, size_t scratch_bytes,
                                          const swirl_cuda_zc_scratch *mem) {
    (void)tables;
    (void)own_tables;
    (void)scratch_bytes;
    (void)mem;
    if (out)
        *out = NULL;
    return NO_CUDA();
}
unsigned swirl_cuda_program_borrows(const swirl_cuda_program *prog) {
    (void)prog;
    return 0;
}
enum swirl_status swirl_cuda_program_cached(swirl_cuda_ctx *ctx, swirl_cuda_program **out,
                                            const swirl_air *air, size_t scratch_bytes,
                                            const swirl_cuda_zc_scratch *mem) {
    (void)ctx;
    (void)air;
    (void)scratch_bytes;
    (void)mem;
    if (out)
        *out = NULL;
    return NO_CUDA();
}
void swirl_cuda_zc_cache_stats_get(const swirl_cuda_ctx *ctx, swirl_cuda_zc_cache_stats *out) {
    (void)ctx;
    if (out)
        memset(out, 0, sizeof *out);
}
void swirl_cuda_program_destroy(swirl_cuda_program *prog) {
    (void)prog;
}
int swirl_cuda_program_r0_split(swirl_cuda_program *prog, float ms[2], unsigned kernels[2]) {
    (void)prog;
    (void)ms;
    (void)kernels;
    return 0;
}

size_t swirl_cuda_program_slots(const swirl_cuda_program *prog) {
    (void)prog;
    return 0;
}
swirl_zc_dprog swirl_cuda_program_dprog(const swirl_cuda_program *prog) {
    swirl_zc_dprog d;
    (void)prog;
    memset(&d, 0, sizeof d);
    return d;
}
size_t swirl_cuda_program_max_threads(const swirl_cuda_program *prog, int ext) {
    (void)prog;
    (void)ext;
    return 0;
}
enum swirl_status swirl_cuda_zc_round0(swirl_cuda_ctx *ctx, swirl_cuda_program *prog, bb31x4 *d_S,
                                       const swirl_cuda_zc_round0_in *in) {
    (void)ctx;
    (void)prog;
    (void)d_S;
    (void)in;
    return NO_CUDA();
}
enum swirl_status swirl_cuda_zc_round(swirl_cuda_ctx *ctx, swirl_cuda_program *prog, bb31x4 *d_out,
                                      const swirl_cuda_zc_round_in *in) {
    (void)ctx;
    (void)prog;
    (void)d_out;
    (void)in;
    return NO_CUDA();
}
enum swirl_status swirl_cuda_zc_round0_host(swirl_cuda_ctx *ctx, size_t scratch_bytes, bb31x4 *S,
                                            const swirl_zc_trace *trace,
                                            const swirl_zc_round0_in *in) {
    (void)ctx;
    (void)scratch_bytes;
    (void)S;
    (void)trace;
    (void)in;
    return NO_CUDA();
}
enum swirl_status swirl_cuda_zc_round_host(swirl_cuda_ctx *ctx, size_t scratch_bytes, bb31x4 *out,
                                           const swirl_zc_trace *trace, const bb31x4 *eq_y,
                                           size_t ny, unsigned G, const bb31x4 *lambda_pows,
                                           const bb31x4 *beta_pows) {
    (void)ctx;
    (void)scratch_bytes;
    (void)out;
    (void)trace;
    (void)eq_y;
    (void)ny;
    (void)G;
    (void)lambda_pows;
    (void)beta_pows;
    return NO_CUDA();
}
enum swirl_status swirl_cuda_slot_constraint_round0(const swirl_backend_ops *ops, bb31x4 *S,
                                                    const swirl_zc_trace *trace,
                                                    const swirl_zc_round0_in *in) {
    (void)ops;
    (void)S;
    (void)trace;
    (void)in;
    return NO_CUDA();
}
enum swirl_status swirl_cuda_slot_constraint_round(const swirl_backend_ops *ops, bb31x4 *out,
                                                   const swirl_zc_trace *trace,
                                                   const bb31x4 *eq_y, size_t ny, unsigned G,
                                                   const bb31x4 *lambda_pows,
                                                   const bb31x4 *beta_pows) {
    (void)ops;
    (void)out;
    (void)trace;
    (void)eq_y;
    (void)ny;
    (void)G;
    (void)lambda_pows;
    (void)beta_pows;
    return NO_CUDA();
}

#else
/* ISO C forbids an empty translation unit */
typedef int swirl_cuda_zc_stub_unused;
#endif
