/*
 * The library's messages: warnings (a stage falling back to the CPU) and progress (spans as they
 * begin and end) go to the calling thread's logger, which the public API sets from the context for
 * the duration of each call (api/). Without a logger nothing is reported: the library itself never
 * writes to stdout or stderr.
 */
#ifndef SWIRL_UTIL_LOG_H
#define SWIRL_UTIL_LOG_H

#include "swirl/swirl.h"
#include "util/common.h"

typedef struct swirl_logger {
    swirl_log_fn fn; /* NULL: none */
    void *user;
    int progress_depth; /* spans of depth <= this are reported at SWIRL_LOG_INFO; -1: none */
} swirl_logger;

#ifdef __cplusplus
extern "C" {
#endif

/** Installs `lg` (NULL: none) as the calling thread's logger; returns the previous one. */
swirl_logger swirl_logger_swap(const swirl_logger *lg);
/** The calling thread's logger (fn NULL when none). */
const swirl_logger *swirl_logger_current(void);
/** Formats and sends one message to the calling thread's logger (nothing when there is none). */
void swirl_log(enum swirl_log_level level, const char *fmt, ...) SWIRL_PRINTF_LIKE(2, 3);

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_UTIL_LOG_H */
