/*
 * Internal helpers shared by every component: host/device annotations, error raising and
 * propagation, checked size arithmetic.
 *
 * Error model: a function that fails calls SWIRL_RAISE(status, fmt, ...), which records a
 * message "file:line: text" in a thread-local buffer (read by swirl_last_error()) and returns
 * the status. Callers pass failures on with SWIRL_TRY(expr). SWIRL_ASSERT is for internal
 * invariants only, never for validating input.
 */
#ifndef SWIRL_UTIL_COMMON_H
#define SWIRL_UTIL_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "swirl/swirl.h"

/* One implementation for host and device code. */
#if defined(__CUDACC__)
#define SWIRL_HD static __host__ __device__ __forceinline__
#define SWIRL_RESTRICT __restrict__
#else
#define SWIRL_HD static inline
#define SWIRL_RESTRICT restrict
#endif

#if defined(__cplusplus)
#define SWIRL_STATIC_ASSERT(c, msg) static_assert(c, msg)
#define SWIRL_EXTERN_C extern "C"
#else
#define SWIRL_STATIC_ASSERT(c, msg) _Static_assert(c, msg)
#define SWIRL_EXTERN_C
#endif

#if defined(__GNUC__) || defined(__clang__)
#define SWIRL_PRINTF_LIKE(a, b) __attribute__((format(printf, a, b)))
#define SWIRL_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define SWIRL_PRINTF_LIKE(a, b)
#define SWIRL_UNLIKELY(x) (x)
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** Records "file:line: message" as the thread's last error and returns `status`. */
enum swirl_status swirl_error_raise(enum swirl_status status, const char *file, int line,
                                    const char *fmt, ...) SWIRL_PRINTF_LIKE(4, 5);

#ifdef __cplusplus
}
#endif

#define SWIRL_RAISE(status, ...) swirl_error_raise((status), __FILE__, __LINE__, __VA_ARGS__)

#define SWIRL_TRY(expr)                                                                            \
    do {                                                                                           \
        enum swirl_status swirl_try_st_ = (expr);                                                  \
        if (swirl_try_st_ != SWIRL_OK)                                                             \
            return swirl_try_st_;                                                                  \
    } while (0)

/* Argument check that returns SWIRL_E_INVALID_ARG with a message naming the condition. */
#define SWIRL_ARG_CHECK(cond)                                                                      \
    do {                                                                                           \
        if (SWIRL_UNLIKELY(!(cond)))                                                               \
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "invalid argument: %s", #cond);                \
    } while (0)

#define SWIRL_ASSERT(cond)                                                                         \
    do {                                                                                           \
        if (SWIRL_UNLIKELY(!(cond)))                                                               \
            return SWIRL_RAISE(SWIRL_E_INTERNAL, "internal invariant failed: %s", #cond);          \
    } while (0)

/* Checked size arithmetic: return 0 on overflow, 1 otherwise. */
static inline int swirl_mul_size(size_t a, size_t b, size_t *out) {
    if (a != 0 && b > SIZE_MAX / a)
        return 0;
    *out = a * b;
    return 1;
}
static inline int swirl_add_size(size_t a, size_t b, size_t *out) {
    if (b > SIZE_MAX - a)
        return 0;
    *out = a + b;
    return 1;
}
static inline int swirl_is_pow2(size_t x) {
    return x != 0 && (x & (x - 1)) == 0;
}
/* log2 of a power of two. */
static inline unsigned swirl_log2_exact(size_t x) {
    unsigned k = 0;
    while (((size_t)1 << k) < x)
        k++;
    return k;
}

#endif /* SWIRL_UTIL_COMMON_H */
