/* The calling thread's logger (see log.h). */
#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>

static _Thread_local swirl_logger g_logger = {NULL, NULL, -1};

swirl_logger swirl_logger_swap(const swirl_logger *lg) {
    swirl_logger old = g_logger;
    if (lg) {
        g_logger = *lg;
    } else {
        g_logger.fn = NULL;
        g_logger.user = NULL;
        g_logger.progress_depth = -1;
    }
    return old;
}

const swirl_logger *swirl_logger_current(void) {
    return &g_logger;
}

void swirl_log(enum swirl_log_level level, const char *fmt, ...) {
    if (!g_logger.fn)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    g_logger.fn(g_logger.user, level, msg);
}
