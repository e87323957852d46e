/* Status names, the thread-local last-error message, and the version string. */
#include <stdarg.h>
#include <stdio.h>

#include "util/common.h"

static _Thread_local char swirl_last_error_buf[512];

const char *swirl_status_str(enum swirl_status status) {
    switch (status) {
    case SWIRL_OK: return "SWIRL_OK";
    case SWIRL_E_INVALID_ARG: return "SWIRL_E_INVALID_ARG";
    case SWIRL_E_NOMEM: return "SWIRL_E_NOMEM";
    case SWIRL_E_NO_DEVICE: return "SWIRL_E_NO_DEVICE";
    case SWIRL_E_CUDA: return "SWIRL_E_CUDA";
    case SWIRL_E_UNSUPPORTED: return "SWIRL_E_UNSUPPORTED";
    case SWIRL_E_UNSATISFIED: return "SWIRL_E_UNSATISFIED";
    case SWIRL_E_PROOF_MALFORMED: return "SWIRL_E_PROOF_MALFORMED";
    case SWIRL_E_PROOF_REJECTED: return "SWIRL_E_PROOF_REJECTED";
    case SWIRL_E_IO: return "SWIRL_E_IO";
    case SWIRL_E_INTERNAL: return "SWIRL_E_INTERNAL";
    }
    return "SWIRL_E_UNKNOWN";
}

enum swirl_status swirl_error_raise(enum swirl_status status, const char *file, int line,
                                    const char *fmt, ...) {
    int n = snprintf(swirl_last_error_buf, sizeof swirl_last_error_buf, "%s:%d: ", file, line);
    if (n < 0 || (size_t)n >= sizeof swirl_last_error_buf)
        n = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(swirl_last_error_buf + n, sizeof swirl_last_error_buf - (size_t)n, fmt, ap);
    va_end(ap);
    return status;
}

const char *swirl_last_error(void) {
    return swirl_last_error_buf;
}

void swirl_clear_error(void) {
    swirl_last_error_buf[0] = '\0';
}

const char *swirl_version(void) {
    return "0.1.0";
}
