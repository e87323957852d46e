/* Host allocations with a counter and a test-only injected failure (util/alloc.h). */
#include "util/alloc.h"

#include <stdatomic.h>
#include <stdlib.h>

#include "util/common.h"

static atomic_uint_least64_t g_count; /* allocations made so far */
static atomic_uint_least64_t g_fail;  /* the count value whose allocation fails; 0: none */

/* 1 when this allocation is the one to fail. */
static inline int alloc_tick(void) {
    uint64_t k = (uint64_t)atomic_fetch_add_explicit(&g_count, 1, memory_order_relaxed) + 1;
    uint64_t f = (uint64_t)atomic_load_explicit(&g_fail, memory_order_relaxed);
    return SWIRL_UNLIKELY(f != 0 && k == f);
}

void *swirl_malloc(size_t bytes) {
    return alloc_tick() ? NULL : malloc(bytes);
}

void *swirl_calloc(size_t count, size_t size) {
    return alloc_tick() ? NULL : calloc(count, size);
}

void *swirl_realloc(void *p, size_t bytes) {
    return alloc_tick() ? NULL : realloc(p, bytes);
}

void *swirl_aligned_alloc(size_t align, size_t bytes) {
    if (alloc_tick())
        return NULL;
    size_t rounded;
    if (!swirl_add_size(bytes, align - 1, &rounded))
        return NULL;
    rounded -= rounded % align;
    return aligned_alloc(align, rounded);
}

void swirl_alloc_fail_at(uint64_t n) {
    uint64_t now = (uint64_t)atomic_load_explicit(&g_count, memory_order_relaxed);
    atomic_store_explicit(&g_fail, n ? now + n : 0, memory_order_relaxed);
}

uint64_t swirl_alloc_count(void) {
    return (uint64_t)atomic_load_explicit(&g_count, memory_order_relaxed);
}
