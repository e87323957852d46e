/*
 * Host allocations. Every host allocation of the library goes through these four functions;
 * what they return is freed with plain free(). They behave as malloc, calloc, realloc and
 * aligned_alloc (swirl_aligned_alloc rounds the size up to a multiple of the alignment, as C11
 * requires), and count each call.
 *
 * Fault injection (tests only): swirl_alloc_fail_at(n) makes the n-th allocation from now fail
 * (return NULL, realloc leaving its block untouched), counted atomically across every thread,
 * OpenMP's included; later allocations succeed again. 0 disables it. When disabled the cost is
 * one relaxed atomic increment and one relaxed load per allocation.
 *
 * Allocations inside third-party libraries (jansson) do not go through this layer.
 */
#ifndef SWIRL_UTIL_ALLOC_H
#define SWIRL_UTIL_ALLOC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

void *swirl_malloc(size_t bytes);
void *swirl_calloc(size_t count, size_t size);
void *swirl_realloc(void *p, size_t bytes);
void *swirl_aligned_alloc(size_t align, size_t bytes);

/** Makes the n-th allocation from now fail once; 0 disables the injection. */
void swirl_alloc_fail_at(uint64_t n);
/** The number of allocations made since the program started. */
uint64_t swirl_alloc_count(void);

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_UTIL_ALLOC_H */
