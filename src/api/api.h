/*
 * The public API's implementation (the headers of include/swirl over the internal layers): the context
 * struct and the scope every public call runs in — the context's thread count applied to the
 * calling thread only and its logger installed, both restored when the call returns.
 */
#ifndef SWIRL_API_API_H
#define SWIRL_API_API_H

#include "prover/stages.h"
#include "swirl/swirl.h"
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

typedef struct swirl_api_scope {
    int threads_before;
    swirl_logger logger_before;
} swirl_api_scope;

void swirl_api_enter(swirl_api_scope *sc, const swirl_context *ctx);
void swirl_api_leave(const swirl_api_scope *sc);
/* forgets the last call's transcript result (at the start of swirl_prove / swirl_verify) */
void swirl_api_transcript_reset(swirl_context *ctx);

#endif /* SWIRL_API_API_H */
