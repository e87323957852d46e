#include "util/pcopy.h"

#include <string.h>

void swirl_memcpy_parallel(void *dst, const void *src, size_t bytes) {
    const size_t piece = (size_t)1 << 20; /* 1 MiB: page aligned, enough work per task */
    if (bytes < ((size_t)4 << 20)) {
        if (bytes)
            memcpy(dst, src, bytes);
        return;
    }
    long n = (long)((bytes + piece - 1) / piece);
#pragma omp parallel for schedule(static)
    for (long i = 0; i < n; i++) {
        size_t off = (size_t)i * piece;
        size_t len = bytes - off < piece ? bytes - off : piece;
        memcpy((char *)dst + off, (const char *)src + off, len);
    }
}
