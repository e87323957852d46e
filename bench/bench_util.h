/* Small helpers shared by the benchmarks: timing, medians, flags, failing calls (header-only;
 * benchmarks are not tests). */
#ifndef SWIRL_BENCH_UTIL_H
#define SWIRL_BENCH_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "swirl/swirl.h"

/* A failed library call ends the benchmark, naming the call and the library's message. */
static inline void bench_die(const char *what) {
    fprintf(stderr, "%s failed: %s\n", what, swirl_last_error());
    exit(1);
}
#define BENCH_TRY(x)                                                                               \
    do {                                                                                           \
        if ((x) != SWIRL_OK)                                                                       \
            bench_die(#x);                                                                         \
    } while (0)

static inline double bench_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

static int bench_cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* median of n samples (sorts in place) */
static inline double bench_median(double *v, int n) {
    qsort(v, (size_t)n, sizeof *v, bench_cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static inline int bench_has_flag(int argc, char **argv, const char *flag) {
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], flag) == 0)
            return 1;
    return 0;
}

#endif
