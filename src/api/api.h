/*
 * The public API's implementation (the headers of include/swirl over the internal layers): the context
 * struct and the scope every public call runs in — the context's thread count applied to the
 * calling thread only and its logger installed, both restored when the call returns.
 */
#ifndef SWIRL_API_API_H
#define SWIRL_API_API_H

#include "prover/stages.h"
#include "swirl/swirl.h"
#include "swirl/swirl_prover.h"
#include "util/log.h"

struct swirl_context {
    int threads;            /* 0: OpenMP's default */
    swirl_backend *backend; /* owned (the CPU table is static) */
    swirl_logger logger;
    char *transcript_dir; /* NULL: no transcript logs */
    /* the last call's transcript log (swirl_context_transcript_result) */
    int transcript_written;           /* 1 written, 0 none */
    enum swirl_status transcript_status; /* the write's status */
    size_t transcript_values, transcript_perms;
};

/* A device trace (swirl_prover.h): device memory of ctx's CUDA backend, owned by the handle */
struct swirl_device_trace {
    swirl_context *ctx; /* the context that made it (not owned) */
    bb31 *d_values;     /* height x width, column-major (swirl_cuda_trace_free) */
    size_t alloc_bytes; /* the allocation's size */
    size_t height, width;
};

/* A host copy of a device trace for host code of the prove flow (*copy: free()); logs a warning
 * naming `why`, recorded as the stage "cpu_fallback:trace_download". */
enum swirl_status swirl_api_device_trace_host(const swirl_device_trace *t, bb31 **copy,
                                              const char *why) SWIRL_WARN_UNUSED_RESULT;

typedef struct swirl_api_scope {
    int threads_before;
    swirl_logger logger_before;
} swirl_api_scope;

void swirl_api_enter(swirl_api_scope *sc, const swirl_context *ctx);
void swirl_api_leave(const swirl_api_scope *sc);
/* forgets the last call's transcript result (at the start of swirl_prove / swirl_verify) */
void swirl_api_transcript_reset(swirl_context *ctx);

#endif /* SWIRL_API_API_H */
