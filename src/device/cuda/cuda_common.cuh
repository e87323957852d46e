/*
 * Internal CUDA helpers shared by the backend's .cu files: the context struct, error macros and
 * the counted kernel launch. Not part of any public header.
 */
#ifndef SWIRL_DEVICE_CUDA_COMMON_CUH
#define SWIRL_DEVICE_CUDA_COMMON_CUH

#include <cuda_runtime.h>

#include "device/cuda/cuda_backend.h"

#define SWIRL_CUDA_MAX_STAGES 256

struct swirl_cuda_ctx {
    int device;
    cudaStream_t stream;
    /* the device arena (one cudaMalloc, grown only by swirl_cuda_arena_reserve): scratch slices
     * from the bottom (arena_used), the persistent region from the top (persist_used) */
    char *arena;
    size_t arena_bytes, arena_used, persist_used;
    /* device memory this context holds (the arena and every other cudaMalloc through
     * swirl_cuda_dev_malloc) and the most it held at once; dev_allocs counts the cudaMallocs */
    size_t dev_bytes, dev_peak;
    unsigned long long dev_allocs;
    /* the constraint programs' tables made once and reused across proofs (zc_cache.cu) */
    struct swirl_cuda_zc_cache *zc_cache;
    /* the round-0 JIT kernels loaded (zc_jit.cu) */
    struct swirl_cuda_zc_jit *zc_jit;
    unsigned persist_holds; /* owners of persistent data; the region is released at 0 */
    unsigned long long arena_epoch; /* bumped whenever the persistent region is released */
    int poisoned;
    int debug_sync;
    /* the open stage */
    int stage_open;
    cudaEvent_t ev_start, ev_stop;
    swirl_stage_trace current;
    /* finished stages */
    swirl_stage_trace trace[SWIRL_CUDA_MAX_STAGES];
    size_t n_trace;
    int sm_count;
    /* pinned host staging for large transfers (swirl_cuda_download_many / upload_many): two
     * buffers used in turn, each with the event of the last copy that used it; NULL when pinned
     * memory could not be had (the transfers then go straight from/to pageable memory) */
    void *staging[2];
    size_t staging_bytes;
    cudaEvent_t ev_staging[2];
    /* tests only: the target of swirl_cuda_fault_corrupt_at (32-bit words), live while the
     * arena's epoch is fault_epoch */
    uint32_t *fault_words;
    size_t fault_nwords;
    unsigned long long fault_epoch;
    /* SWIRL_CUDA_TIMELINE's records (timeline.cu); NULL when off */
    struct swirl_cuda_timeline *tl;
    int pdl; /* SWIRL_PDL: SWIRL_LAUNCH uses programmatic dependent launch */
};

/* A device allocation outside the arena (setup only: never on a hot path): passes the test-only
 * fault injection (swirl_cuda_fault_alloc_at) like the arena's, then cudaMalloc (bytes 0: 256),
 * counted by swirl_cuda_dev_count. *p is NULL on failure (SWIRL_E_NOMEM / SWIRL_E_CUDA). */
enum swirl_status swirl_cuda_dev_malloc(swirl_cuda_ctx *ctx, void **p, size_t bytes,
                                        const char *what);
/* Frees what swirl_cuda_dev_malloc gave (the same bytes; a cudaFree: waits for the device). */
void swirl_cuda_dev_free(swirl_cuda_ctx *ctx, void *p, size_t bytes);
/* Frees the context's constraint-program cache (zc_cache.cu); swirl_cuda_ctx_destroy calls it. */
void swirl_cuda_zc_cache_free(swirl_cuda_ctx *ctx);

/* Converts a CUDA error into a libswirl status; sticky errors poison the context. */
enum swirl_status swirl_cuda_fail(swirl_cuda_ctx *ctx, cudaError_t err, const char *file, int line,
                                  const char *what);

#define SWIRL_CUDA_TRY(ctx, expr)                                                                  \
    do {                                                                                           \
        cudaError_t swirl_cu_err_ = (expr);                                                        \
        if (swirl_cu_err_ != cudaSuccess)                                                          \
            return swirl_cuda_fail((ctx), swirl_cu_err_, __FILE__, __LINE__, #expr);               \
    } while (0)

#define SWIRL_CUDA_CHECK_CTX(ctx)                                                                  \
    do {                                                                                           \
        if (!(ctx))                                                                                \
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "CUDA context is NULL");                       \
        if ((ctx)->poisoned)                                                                       \
            return SWIRL_RAISE(SWIRL_E_CUDA, "CUDA context poisoned by an earlier device fault");  \
    } while (0)

/* Counts a launch in the current stage and checks launch errors without waiting; in debug-sync
 * mode also synchronizes and names the kernel on failure. A test's injected launch fault
 * (swirl_cuda_fault_launch_at) is reported here as SWIRL_E_CUDA. */
enum swirl_status swirl_cuda_after_launch(swirl_cuda_ctx *ctx, const char *kernel, const char *file,
                                          int line);

/* SWIRL_CUDA_TIMELINE (timeline.cu): an event before and after each launch or copy, host marks */
typedef struct swirl_cuda_timeline swirl_cuda_timeline;
void swirl_cuda_tl_create(swirl_cuda_ctx *ctx);
void swirl_cuda_tl_clear(swirl_cuda_ctx *ctx);
void swirl_cuda_tl_destroy(swirl_cuda_ctx *ctx);
void swirl_cuda_tl_before(swirl_cuda_ctx *ctx);
void swirl_cuda_tl_after(swirl_cuda_ctx *ctx, const char *name, char kind);
void swirl_cuda_tl_mark(swirl_cuda_ctx *ctx, const char *name);
static inline void swirl_cuda_before_launch(swirl_cuda_ctx *ctx) {
    if (ctx->tl)
        swirl_cuda_tl_before(ctx);
}

/* Programmatic dependent launch (SWIRL_PDL, on by default; sm_90): SWIRL_LAUNCH gives each kernel
 * the stream-serialization attribute, so the hardware schedules its blocks while the kernel before
 * it drains; every kernel of the library starts with SWIRL_KERNEL_ENTRY, which waits there until
 * the previous grid has completed and its writes are visible (griddepcontrol.wait: nothing of the
 * kernel, a read or a write, runs before it), then lets the next kernel be scheduled in turn.
 * Ordering is therefore exactly a plain stream's; what comes off is the launch latency between
 * dependent kernels (≈ 350 launches a keccakf proof). A kernel launched without the attribute
 * (the round-0 JIT's, a test's) or after a copy or an event is serialised as usual. */
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
#define SWIRL_KERNEL_ENTRY()                                                                       \
    asm volatile("griddepcontrol.wait;\n\tgriddepcontrol.launch_dependents;" ::: "memory")
#else
#define SWIRL_KERNEL_ENTRY() ((void)0)
#endif

#ifdef __CUDACC__
template <typename... KArgs, typename... Args>
static inline cudaError_t swirl_cuda_launch_pdl(cudaStream_t stream, void (*kernel)(KArgs...),
                                                dim3 grid, dim3 block, size_t smem,
                                                Args &&...args) {
    cudaLaunchConfig_t cfg = {};
    cfg.gridDim = grid;
    cfg.blockDim = block;
    cfg.dynamicSmemBytes = smem;
    cfg.stream = stream;
    cudaLaunchAttribute at[1];
    at[0].id = cudaLaunchAttributeProgrammaticStreamSerialization;
    at[0].val.programmaticStreamSerializationAllowed = 1;
    cfg.attrs = at;
    cfg.numAttrs = 1;
    return cudaLaunchKernelEx(&cfg, kernel, static_cast<Args &&>(args)...);
}
#endif

#define SWIRL_LAUNCH(ctx, kernel, grid, block, smem, ...)                                          \
    do {                                                                                           \
        swirl_cuda_before_launch(ctx);                                                             \
        if ((ctx)->pdl)                                                                            \
            (void)swirl_cuda_launch_pdl((ctx)->stream, kernel, (grid), (block), (smem),            \
                                        __VA_ARGS__);                                              \
        else                                                                                       \
            kernel<<<(grid), (block), (smem), (ctx)->stream>>>(__VA_ARGS__);                       \
        enum swirl_status swirl_launch_st_ = swirl_cuda_after_launch((ctx), #kernel, __FILE__, __LINE__); \
        if (swirl_launch_st_ != SWIRL_OK)                                                          \
            return swirl_launch_st_;                                                               \
    } while (0)

/* Optional timing events (sub-stage timings): n events created, each NULL where creation failed
 * (its error cleared: timing is best effort, never a failure); the destroy releases the non-NULL
 * ones and sets them NULL. */
static inline void swirl_cuda_events_create(cudaEvent_t *ev, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (cudaEventCreate(&ev[i]) != cudaSuccess) {
            cudaGetLastError();
            ev[i] = NULL;
        }
}
static inline void swirl_cuda_events_destroy(cudaEvent_t *ev, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (ev[i]) {
            cudaEventDestroy(ev[i]);
            ev[i] = NULL;
        }
}

static inline unsigned swirl_cuda_blocks(size_t n, unsigned threads) {
    size_t b = (n + threads - 1) / threads;
    return (unsigned)(b > 0x7fffffffu ? 0x7fffffffu : (b ? b : 1));
}

#endif /* SWIRL_DEVICE_CUDA_COMMON_CUH */
