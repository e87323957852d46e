/* The CUDA backend's entry points when libswirl is built without CUDA: every call reports that no
 * device is available, so callers and GPU tests take their CPU/skip paths. */
#include "device/cuda/cuda_backend.h"

#ifndef SWIRL_HAVE_CUDA

#define NO_CUDA() SWIRL_RAISE(SWIRL_E_NO_DEVICE, "libswirl was built without the CUDA backend")

int swirl_cuda_device_count(void) {
    return 0;
}
enum swirl_status swirl_cuda_ctx_create(swirl_cuda_ctx **out, int device, size_t arena_bytes) {
    (void)device;
    (void)arena_bytes;
    if (out)
        *out = NULL;
    return NO_CUDA();
}
void swirl_cuda_ctx_destroy(swirl_cuda_ctx *ctx) {
    (void)ctx;
}
int swirl_cuda_ctx_poisoned(const swirl_cuda_ctx *ctx) {
    (void)ctx;
    return 1;
}
enum swirl_status swirl_cuda_alloc(swirl_cuda_ctx *ctx, void **dptr, size_t bytes) {
    (void)ctx;
    (void)dptr;
    (void)bytes;
    return NO_CUDA();
}
enum swirl_status swirl_cuda_arena_reserve(swirl_cuda_ctx *ctx, size_t bytes) {
    (void)ctx;
    (void)bytes;
    return NO_CUDA();
}
enum swirl_status swirl_cuda_arena_capacity(swirl_cuda_ctx *ctx, size_t *bytes) {
    (void)ctx;
    if (bytes)
        *bytes = 0;
    return NO_CUDA();
}
enum swirl_status swirl_cuda_alloc_persistent(swirl_cuda_ctx *ctx, void **dptr, size_t bytes) {
    (void)ctx;
    (void)bytes;
    if (dptr)
        *dptr = NULL;
    return NO_CUDA();
}
void swirl_cuda_dev_count(swirl_cuda_ctx *ctx, size_t bytes, int add) {
    (void)ctx;
    (void)bytes;
    (void)add;
}
size_t swirl_cuda_dev_held(const swirl_cuda_ctx *ctx) {
    (void)ctx;
    return 0;
}
size_t swirl_cuda_dev_peak(const swirl_cuda_ctx *ctx) {
    (void)ctx;
    return 0;
}
unsigned long long swirl_cuda_dev_allocs(const swirl_cuda_ctx *ctx) {
    (void)ctx;
    return 0;
}
void swirl_cuda_dev_peak_reset(swirl_cuda_ctx *ctx) {
    (void)ctx;
}
void swirl_cuda_stage_record(swirl_cuda_ctx *ctx, const char *name, unsigned kernels,
                             float gpu_ms) {
    (void)ctx;
    (void)name;
    (void)kernels;
    (void)gpu_ms;
}
void swirl_cuda_arena_reset(swirl_cuda_ctx *ctx) {
    (void)ctx;
}
size_t swirl_cuda_arena_used(const swirl_cuda_ctx *ctx) {
    (void)ctx;
    return 0;
}
size_t swirl_cuda_arena_persistent_used(const swirl_cuda_ctx *ctx) {
    (void)ctx;
    return 0;
}
size_t swirl_cuda_arena_free(const swirl_cuda_ctx *ctx) {
    (void)ctx;
    return 0;
}
size_t swirl_cuda_arena_mark(const swirl_cuda_ctx *ctx) {
    (void)ctx;
    return 0;
}
void swirl_cuda_arena_rewind(swirl_cuda_ctx *ctx, size_t mark) {
    (void)ctx;
    (void)mark;
}
void swirl_cuda_arena_hold(swirl_cuda_ctx *ctx) {
    (void)ctx;
}
void swirl_cuda_arena_release(swirl_cuda_ctx *ctx) {
    (void)ctx;
}
unsigned long long swirl_cuda_arena_epoch(const swirl_cuda_ctx *ctx) {
    (void)ctx;
    return 0;
}
void swirl_cuda_fault_alloc_at(unsigned long long n) {
    (void)n;
}
void swirl_cuda_fault_launch_at(unsigned long long n) {
    (void)n;
}
void swirl_cuda_fault_corrupt_at(const char *stage, size_t index) {
    (void)stage;
    (void)index;
}
void swirl_cuda_fault_corrupt_target(swirl_cuda_ctx *ctx, void *d_words, size_t nwords) {
    (void)ctx;
    (void)d_words;
    (void)nwords;
}
int swirl_cuda_fault_pending(void) {
    return 0;
}
enum swirl_status swirl_cuda_ops_init(swirl_backend_ops *ops, swirl_cuda_ctx *ctx) {
    (void)ops;
    (void)ctx;
    return NO_CUDA();
}
enum swirl_status swirl_cuda_upload(swirl_cuda_ctx *ctx, void *dst, const void *src, size_t bytes) {
    (void)ctx;
    (void)dst;
    (void)src;
    (void)bytes;
    return NO_CUDA();
}
enum swirl_status swirl_cuda_download(swirl_cuda_ctx *ctx, void *dst, const void *src,
                                      size_t bytes) {
    (void)ctx;
    (void)dst;
    (void)src;
    (void)bytes;
    return NO_CUDA();
}
enum swirl_status swirl_cuda_download_many(swirl_cuda_ctx *ctx, const swirl_cuda_copy *pieces,
                                           size_t n) {
    (void)ctx;
    (void)pieces;
    (void)n;
    return NO_CUDA();
}
enum swirl_status swirl_cuda_upload_many(swirl_cuda_ctx *ctx, const swirl_cuda_copy *pieces,
                                         size_t n) {
    (void)ctx;
    (void)pieces;
    (void)n;
    return NO_CUDA();
}
enum swirl_status swirl_cuda_stage_begin(swirl_cuda_ctx *ctx, const char *name) {
    (void)ctx;
    (void)name;
    return NO_CUDA();
}
enum swirl_status swirl_cuda_stage_end(swirl_cuda_ctx *ctx) {
    (void)ctx;
    return NO_CUDA();
}
void swirl_cuda_stage_abort(swirl_cuda_ctx *ctx) {
    (void)ctx;
}
enum swirl_status swirl_cuda_stage_close(swirl_cuda_ctx *ctx, enum swirl_status st) {
    (void)ctx;
    return st == SWIRL_OK ? NO_CUDA() : st;
}
enum swirl_status swirl_cuda_sync(swirl_cuda_ctx *ctx, const char *reason) {
    (void)ctx;
    (void)reason;
    return NO_CUDA();
}
const swirl_stage_trace *swirl_cuda_stage_trace(const swirl_cuda_ctx *ctx, size_t *n) {
    (void)ctx;
    if (n)
        *n = 0;
    return NULL;
}
void swirl_cuda_stage_trace_clear(swirl_cuda_ctx *ctx) {
    (void)ctx;
}
size_t swirl_cuda_ntt_scratch_bytes(unsigned log_n) {
    (void)log_n;
    return 0;
}
enum swirl_status swirl_cuda_ntt_sweep(swirl_cuda_ctx *ctx, bb31 *d, size_t nwords, bb31 c) {
    (void)ctx;
    (void)d;
    (void)nwords;
    (void)c;
    return NO_CUDA();
}
unsigned swirl_cuda_ntt_pass_launches(unsigned log_n, size_t ncols, size_t col_stride) {
    (void)log_n;
    (void)ncols;
    (void)col_stride;
    return 0;
}
enum swirl_status swirl_cuda_ntt(swirl_cuda_ctx *ctx, bb31 *d_data, unsigned log_n, size_t ncols,
                                 size_t col_stride, bb31 shift, unsigned flags, int inverse) {
    (void)ctx;
    (void)d_data;
    (void)log_n;
    (void)ncols;
    (void)col_stride;
    (void)shift;
    (void)flags;
    (void)inverse;
    return NO_CUDA();
}
enum swirl_status swirl_cuda_ntt_from_half(swirl_cuda_ctx *ctx, bb31 *d_data, const bb31 *half,
                                           unsigned log_n, size_t ncols) {
    (void)ctx;
    (void)d_data;
    (void)half;
    (void)log_n;
    (void)ncols;
    return NO_CUDA();
}
int swirl_cuda_ntt_half_ok(const void *d_data, const void *half, unsigned log_n, size_t ncols,
                           size_t col_stride) {
    (void)d_data;
    (void)half;
    (void)log_n;
    (void)ncols;
    (void)col_stride;
    return 0;
}
enum swirl_status swirl_cuda_p2_permute_many(swirl_cuda_ctx *ctx, bb31 *d_states, size_t n) {
    (void)ctx;
    (void)d_states;
    (void)n;
    return NO_CUDA();
}
enum swirl_status swirl_cuda_merkle_build(swirl_cuda_ctx *ctx, swirl_cuda_merkle *out,
                                          const bb31 *d_matrix, size_t height, size_t width,
                                          unsigned ext_degree, size_t rows_per_query) {
    (void)ctx;
    (void)out;
    (void)d_matrix;
    (void)height;
    (void)width;
    (void)ext_degree;
    (void)rows_per_query;
    return NO_CUDA();
}
unsigned swirl_cuda_merkle_fused_layers(size_t rows_per_query) {
    (void)rows_per_query;
    return 0;
}

enum swirl_status swirl_cuda_transcript_script(swirl_cuda_ctx *ctx, swirl_transcript *d_t,
                                               const uint32_t *d_ops, size_t n_ops,
                                               uint32_t *d_out) {
    (void)ctx;
    (void)d_t;
    (void)d_ops;
    (void)n_ops;
    (void)d_out;
    return NO_CUDA();
}
size_t swirl_cuda_transcript_grind_bytes(void) {
    return 8;
}
enum swirl_status swirl_cuda_transcript_grind(swirl_cuda_ctx *ctx, swirl_transcript *d_t,
                                              unsigned bits, uint32_t *d_witness, void *d_scratch) {
    (void)ctx;
    (void)d_t;
    (void)bits;
    (void)d_witness;
    (void)d_scratch;
    return NO_CUDA();
}

#else
/* Built with CUDA: the real implementations are in the .cu files of src/device/cuda. ISO C forbids
 * an empty translation unit, so declare something harmless. */
typedef int swirl_cuda_stub_unused;
#endif
