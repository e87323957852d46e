/*
 * A multi-threaded memcpy for large host buffers (OpenMP): used where the host copies hundreds of
 * megabytes between pinned staging buffers and ordinary memory (the CUDA backend's transfers), so
 * the page faults of freshly allocated destinations are taken by all cores, not one.
 */
#ifndef SWIRL_UTIL_PCOPY_H
#define SWIRL_UTIL_PCOPY_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/** memcpy(dst, src, bytes) split into page-aligned pieces over the OpenMP threads (a plain
 *  memcpy below 4 MiB). The buffers must not overlap. */
void swirl_memcpy_parallel(void *dst, const void *src, size_t bytes);

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_UTIL_PCOPY_H */
