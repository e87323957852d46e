/* Implementation of the test harness described in harness.h. */
#include "harness.h"

#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static jmp_buf harness_jmp;
static uint64_t harness_state[4];
static unsigned harness_iters = 1;
enum { CASE_PASS = 0, CASE_FAIL = 1, CASE_SKIP = 2 };

static uint64_t rotl64(uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
}

static uint64_t splitmix64(uint64_t *x) {
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void harness_reseed(uint64_t seed, const char *name) {
    uint64_t h = seed ^ 0xcbf29ce484222325ULL;
    for (const char *p = name; *p; p++)
        h = (h ^ (uint8_t)*p) * 0x100000001b3ULL;
    for (int i = 0; i < 4; i++)
        harness_state[i] = splitmix64(&h);
}

uint64_t swirl_test_rand64(void) {
    uint64_t *s = harness_state;
    uint64_t result = rotl64(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl64(s[3], 45);
    return result;
}

uint32_t swirl_test_rand32(void) {
    return (uint32_t)(swirl_test_rand64() >> 32);
}

uint64_t swirl_test_rand_below(uint64_t bound) {
    /* rejection sampling, unbiased */
    uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    uint64_t x;
    do {
        x = swirl_test_rand64();
    } while (x >= limit);
    return x % bound;
}

int swirl_test_sanitized(void) {
    const char *s = getenv("SWIRL_SANITIZED");
    return s != NULL && s[0] != '\0' && s[0] != '0';
}

unsigned swirl_test_iters(void) {
    return harness_iters;
}

void swirl_test_fail(const char *file, int line, const char *fmt, ...) {
    va_list ap;
    fprintf(stderr, "  FAIL at %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    longjmp(harness_jmp, 1 + CASE_FAIL);
}

void swirl_test_skip(const char *fmt, ...) {
    va_list ap;
    printf("  SKIP: ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    longjmp(harness_jmp, 1 + CASE_SKIP);
}

/* Runs one case; setjmp lives here so the caller's locals are never clobbered. */
static int run_case(void (*fn)(void)) {
    int r = setjmp(harness_jmp);
    if (r == 0) {
        fn();
        r = 1 + CASE_PASS;
    }
    return r - 1;
}

static void usage(const char *argv0) {
    printf("usage: %s [--list] [--only=SUBSTRING]... [--seed=HEX] [--iters=N]\n", argv0);
}

int swirl_test_main(int argc, char **argv, const struct swirl_test *tests, size_t n) {
    uint64_t seed = 0;
    int have_seed = 0;
    const char *only[32];
    size_t n_only = 0;
    const char *env_iters = getenv("SWIRL_TEST_ITERS");
    if (env_iters && atoi(env_iters) > 0)
        harness_iters = (unsigned)atoi(env_iters);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--list") == 0) {
            for (size_t t = 0; t < n; t++)
                printf("%s\n", tests[t].name);
            return 0;
        } else if (strncmp(a, "--only=", 7) == 0 && n_only < 32) {
            only[n_only++] = a + 7;
        } else if (strncmp(a, "--seed=", 7) == 0) {
            char *end;
            seed = strtoull(a + 7, &end, 16);
            if (*end) {
                fprintf(stderr, "bad --seed value '%s' (hex expected)\n", a + 7);
                return 2;
            }
            have_seed = 1;
        } else if (strncmp(a, "--iters=", 8) == 0 && atoi(a + 8) > 0) {
            harness_iters = (unsigned)atoi(a + 8);
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(argv[0]);
            return 0;
        } else {
            fprintf(stderr, "unknown argument '%s'\n", a);
            usage(argv[0]);
            return 2;
        }
    }
    if (!have_seed) {
        const char *env_seed = getenv("SWIRL_TEST_SEED");
        seed = env_seed ? strtoull(env_seed, NULL, 16) : (uint64_t)time(NULL);
    }
    printf("test seed: --seed=%016" PRIx64 "\n", seed);
    fflush(stdout);

    size_t passed = 0, failed = 0, skipped = 0;
    for (size_t t = 0; t < n; t++) {
        if (n_only) {
            int match = 0;
            for (size_t k = 0; k < n_only; k++)
                if (strstr(tests[t].name, only[k]))
                    match = 1;
            if (!match)
                continue;
        }
        harness_reseed(seed, tests[t].name);
        swirl_clear_error();
        clock_t c0 = clock();
        int r = run_case(tests[t].fn);
        double ms = 1000.0 * (double)(clock() - c0) / CLOCKS_PER_SEC;
        switch (r) {
        case CASE_PASS:
            passed++;
            printf("ok   %s (%.0f ms)\n", tests[t].name, ms);
            break;
        case CASE_FAIL:
            failed++;
            printf("FAIL %s\n", tests[t].name);
            break;
        default:
            skipped++;
            printf("skip %s\n", tests[t].name);
            break;
        }
        fflush(stdout);
    }
    printf("%zu passed, %zu failed, %zu skipped\n", passed, failed, skipped);
    if (failed)
        return 1;
    if (passed == 0 && skipped > 0)
        return 77;
    return 0;
}
