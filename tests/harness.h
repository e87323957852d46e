/*
 * libswirl's small test harness (modelled on secp256k1's src/unit_test.h, written fresh).
 *
 * A test file defines `static void test_name(void)` functions, lists them in a table and calls
 * swirl_test_main:
 *
 *     static const struct swirl_test tests[] = { SWIRL_TEST(test_add), SWIRL_TEST(test_mul) };
 *     int main(int argc, char **argv) { return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests)); }
 *
 * Command line: --list, --only=SUBSTRING (repeatable), --seed=HEX, --iters=N (also env
 * SWIRL_TEST_ITERS). Output: one line per case and a closing "N passed, N failed, N skipped".
 * Exit code: 1 if any case failed, 77 (ctest's skip code) if every case that ran was skipped,
 * 0 otherwise.
 *
 * CHECK(cond) ends the current case as failed (longjmp), so it may be used in helper functions.
 * SWIRL_TEST_SKIP(...) ends it as skipped with a message.
 */
#ifndef SWIRL_TESTS_HARNESS_H
#define SWIRL_TESTS_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "swirl/swirl.h"

struct swirl_test {
    const char *name;
    void (*fn)(void);
};

#define SWIRL_TEST(f) {#f, f}
#define SWIRL_NTESTS(arr) (sizeof(arr) / sizeof((arr)[0]))

int swirl_test_main(int argc, char **argv, const struct swirl_test *tests, size_t n);

/* Deterministic per-case RNG (xoshiro256**), reseeded from the run seed and the case name. */
uint64_t swirl_test_rand64(void);
uint32_t swirl_test_rand32(void);
/* Uniform in [0, bound) (bound > 0). */
uint64_t swirl_test_rand_below(uint64_t bound);
/* Iteration multiplier for randomized loops (default 1). */
unsigned swirl_test_iters(void);
/* Non-zero when running under sanitizers (env SWIRL_SANITIZED set by .ci/run): use smaller sizes. */
int swirl_test_sanitized(void);

void swirl_test_fail(const char *file, int line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((noreturn, format(printf, 3, 4)))
#endif
    ;
void swirl_test_skip(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((noreturn, format(printf, 1, 2)))
#endif
    ;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            swirl_test_fail(__FILE__, __LINE__, "CHECK(%s)", #cond);                               \
    } while (0)

#define CHECK_MSG(cond, ...)                                                                       \
    do {                                                                                           \
        if (!(cond))                                                                               \
            swirl_test_fail(__FILE__, __LINE__, __VA_ARGS__);                                      \
    } while (0)

/* Checks that `expr` returns `expected` (an enum swirl_status). */
#define CHECK_STATUS(expr, expected)                                                               \
    do {                                                                                           \
        enum swirl_status chk_st_ = (expr);                                                        \
        if (chk_st_ != (expected))                                                                 \
            swirl_test_fail(__FILE__, __LINE__, "%s returned %s, expected %s (last error: %s)",    \
                            #expr, swirl_status_str(chk_st_), swirl_status_str(expected),          \
                            swirl_last_error());                                                   \
    } while (0)

#define CHECK_OK(expr) CHECK_STATUS(expr, SWIRL_OK)

#define SWIRL_TEST_SKIP(...) swirl_test_skip(__VA_ARGS__)

#endif /* SWIRL_TESTS_HARNESS_H */
