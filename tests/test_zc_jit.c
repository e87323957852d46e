/* The round-0 JIT (device/zc_jit.h, device/cuda/cuda_jit.h) without a GPU:
 *  - the generated code's shape (units within parts, deterministic, malformed streams refused);
 *  - its host twin: the same text compiled as C by the host compiler (SWIRL_TEST_CC) into a shared
 *    object and run against the interpreter swirl_zc_stream_range_b, part by part, on random
 *    inputs, for every built-in AIR (KeccakAir included);
 *  - NVRTC (when the CUDA backend is built and NVRTC loads; skipped otherwise): every AIR's code
 *    compiled to an sm_90a CUBIN, parallel units linked and as one program, with the compile time,
 *    registers and spills printed; the disk cache (a hit, a damaged file recompiled, no temporary
 *    files left).
 * The GPU run of the JIT kernel against the CPU is tests/test_gpu_zc_jit.c. */
#define _GNU_SOURCE /* memmem */
#include <dirent.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "device/cuda/cuda_jit.h"
#include "device/zc_jit.h"
#include "harness.h"
#include "zc_cases.h"

/* one AIR's stream and code */
typedef struct jit_case {
    const swirl_air *air;
    swirl_zc_dprog dp;
    swirl_zc_stream sp;
    void *dp_mem, *sp_mem;
    swirl_zc_jit_code code;
} jit_case;

static void jc_make(jit_case *j, const swirl_air *air) {
    memset(j, 0, sizeof *j);
    j->air = air;
    CHECK_OK(swirl_zc_dprog_build(&j->dp, &j->dp_mem, air));
    CHECK_OK(swirl_zc_stream_build(&j->sp, &j->sp_mem, &j->dp));
    CHECK_OK(swirl_zc_jit_generate(&j->code, &j->sp, &j->dp, air->name));
}

static void jc_free(jit_case *j) {
    swirl_zc_jit_code_free(&j->code);
    free(j->sp_mem);
    free(j->dp_mem);
    memset(j, 0, sizeof *j);
}

/* every built-in AIR once: f(air) */
static void for_each_air(void (*f)(const swirl_air *)) {
    zc_case c;
    zcc_self(&c, 4, 3, 2);
    f(c.air[0]);
    zcc_clear(&c);
    zcc_bus(&c, 2);
    for (size_t i = 0; i < c.n; i++)
        f(c.air[i]);
    zcc_clear(&c);
    zcc_parts(&c, 2);
    for (size_t i = 0; i < c.n; i++)
        f(c.air[i]);
    zcc_clear(&c);
    zcc_fib(&c, 16, 2);
    f(c.air[0]);
    zcc_clear(&c);
    zcc_keccak(&c, 0, 4);
    f(c.air[0]);
    zcc_clear(&c);
}

/* ---- the code's shape ---- */

static void shape_check(const swirl_air *air) {
    jit_case j;
    jc_make(&j, air);
    const swirl_zc_jit_code *c = &j.code;
    size_t bytes = c->main_len;
    CHECK(c->main && strlen(c->main) == c->main_len);
    CHECK(strstr(c->main, "#define SWIRL_ZC_JIT_MAIN") && strstr(c->main, SWIRL_ZC_JIT_RUN_FN));
    for (size_t u = 0; u < c->n_units; u++) {
        CHECK(strlen(c->unit[u]) == c->unit_len[u]);
        CHECK(strstr(c->unit[u], "#include \"device/zc_jit_prelude.h\""));
        CHECK(!strstr(c->unit[u], "SWIRL_ZC_JIT_MAIN"));
        bytes += c->unit_len[u];
    }
    CHECK(bytes == c->bytes);
    /* a part of n instructions: at most n / UNIT + 1 units */
    CHECK(c->n_units <= j.sp.n_instrs / SWIRL_ZC_JIT_UNIT_INSTRS + SWIRL_ZC_STREAM_PARTS);
    CHECK(c->n_chunks >= c->n_units);
    /* the same stream, the same text */
    swirl_zc_jit_code again;
    CHECK_OK(swirl_zc_jit_generate(&again, &j.sp, &j.dp, air->name));
    CHECK(again.n_units == c->n_units && strcmp(again.main, c->main) == 0);
    for (size_t u = 0; u < c->n_units; u++)
        CHECK(strcmp(again.unit[u], c->unit[u]) == 0);
    swirl_zc_jit_code_free(&again);
    printf("  %s: %u instructions -> %zu units, %zu functions, %zu bytes of source\n", air->name,
           j.sp.n_instrs, c->n_units, c->n_chunks, c->bytes);
    jc_free(&j);
}

static void test_shape(void) {
    for_each_air(shape_check);
}

/* a malformed stream is refused with SWIRL_E_INVALID_ARG and nothing to free */
static void test_malformed(void) {
    zc_case c;
    zcc_fib(&c, 16, 2);
    jit_case j;
    jc_make(&j, c.air[0]);
    uint32_t *w = (uint32_t *)j.sp_mem; /* the stream's instructions (swirl_zc_stream_build) */
    CHECK(w == j.sp.instrs && j.sp.n_instrs > 0);
    swirl_zc_jit_code bad;
    uint32_t keep[4];
    memcpy(keep, w, sizeof keep);
    w[0] = 9; /* an unknown op */
    CHECK_STATUS(swirl_zc_jit_generate(&bad, &j.sp, &j.dp, NULL), SWIRL_E_INVALID_ARG);
    CHECK(bad.main == NULL && bad.n_units == 0);
    memcpy(w, keep, sizeof keep);
    w[0] = 0; /* ADD into a temporary out of range */
    w[1] = j.sp.n_temps;
    CHECK_STATUS(swirl_zc_jit_generate(&bad, &j.sp, &j.dp, NULL), SWIRL_E_INVALID_ARG);
    memcpy(w, keep, sizeof keep);
    w[0] = 0; /* an input out of range */
    w[1] = 0;
    w[2] = SWIRL_ZC_ST_OPERAND(SWIRL_ZC_ST_INPUT, j.sp.n_inputs);
    CHECK_STATUS(swirl_zc_jit_generate(&bad, &j.sp, &j.dp, NULL), SWIRL_E_INVALID_ARG);
    memcpy(w, keep, sizeof keep);
    swirl_zc_stream cut = j.sp;
    cut.cut[1] = cut.n_instrs + 1; /* cuts out of order */
    CHECK_STATUS(swirl_zc_jit_generate(&bad, &cut, &j.dp, NULL), SWIRL_E_INVALID_ARG);
    CHECK_OK(swirl_zc_jit_generate(&bad, &j.sp, &j.dp, NULL));
    swirl_zc_jit_code_free(&bad);
    jc_free(&j);
    zcc_clear(&c);
}

/* ---- the host twin ---- */

typedef void (*jit_run_fn)(bb31x4 *o, uint32_t q, const bb31 *u, size_t E, const bb31x4 *lp,
                           const bb31x4 *bp, const bb31x4 *eq3b);

static char g_tmp[256]; /* this test's temporary directory */

static bb31x4 rand_x4(void) {
    bb31x4 r;
    for (int e = 0; e < 4; e++)
        r.c[e] = bb31_from_u32((uint32_t)swirl_test_rand_below(BB31_P));
    return r;
}

/* generated code of `air` compiled as C (-O0: a correctness twin; KeccakAir's 45,000 lines take a
 * few seconds, -O1 a minute) into a shared object and loaded; NULL when the host compiler failed
 * (the caller skips: the text is still checked by test_shape and, with NVRTC, test_nvrtc) */
static void *twin_load(const swirl_air *air, const swirl_zc_jit_code *code, const char *prefix,
                       double *secs) {
    char *text;
    size_t len;
    CHECK_OK(swirl_zc_jit_concat(&text, &len, code));
    char src[400], so[400], cmd[2048];
    snprintf(src, sizeof src, "%s/%s_%s.c", g_tmp, prefix, air->name);
    snprintf(so, sizeof so, "%s/%s_%s.so", g_tmp, prefix, air->name);
    FILE *f = fopen(src, "w");
    CHECK(f && fwrite(text, 1, len, f) == len && fclose(f) == 0);
    free(text);
    snprintf(cmd, sizeof cmd,
             "'%s' -std=c11 -O0 -w -shared -fPIC -I'%s/src' -I'%s/include' -o '%s' '%s'",
             SWIRL_TEST_CC, SWIRL_SOURCE_DIR, SWIRL_SOURCE_DIR, so, src);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = system(cmd);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    *secs = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    remove(src);
    if (rc != 0)
        return NULL;
    void *h = dlopen(so, RTLD_NOW | RTLD_LOCAL);
    CHECK_MSG(h != NULL, "dlopen %s: %s", so, dlerror());
    remove(so); /* (the mapping stays) */
    return h;
}

static void twin_check(const swirl_air *air) {
    jit_case j;
    jc_make(&j, air);
    double secs = 0;
    void *h = twin_load(air, &j.code, "twin", &secs);
    if (!h) {
        jc_free(&j);
        SWIRL_TEST_SKIP("the host compiler failed: no host twin");
    }
    jit_run_fn run;
    *(void **)&run = dlsym(h, SWIRL_ZC_JIT_RUN_FN);
    CHECK(run != NULL);
    /* random inputs for E evaluations, the sums of evaluation e part by part */
    const size_t E = 3;
    size_t nc = air->n_constraints, ni = air->n_interactions, nfmax = 0;
    for (size_t i = 0; i < ni; i++)
        if (air->interactions[i].n_fields > nfmax)
            nfmax = air->interactions[i].n_fields;
    bb31 *U = (bb31 *)calloc(E * j.sp.n_inputs + 1, sizeof *U),
         *tmp = (bb31 *)calloc(j.sp.n_temps + 1, sizeof *tmp);
    bb31x4 *lp = (bb31x4 *)calloc(nc + 1, sizeof *lp), *bp = (bb31x4 *)calloc(nfmax + 2, sizeof *bp),
           *eq3b = (bb31x4 *)calloc(ni + 1, sizeof *eq3b);
    CHECK(U && tmp && lp && bp && eq3b);
    for (int rep = 0; rep < 3; rep++) {
        for (size_t i = 0; i < E * j.sp.n_inputs; i++)
            U[i] = bb31_from_u32((uint32_t)swirl_test_rand_below(BB31_P));
        for (size_t k = 0; k < nc; k++)
            lp[k] = rand_x4();
        for (size_t k = 0; k <= nfmax; k++)
            bp[k] = rand_x4();
        for (size_t k = 0; k < ni; k++)
            eq3b[k] = rand_x4();
        for (size_t e = 0; e < E; e++)
            for (uint32_t q = 0; q < SWIRL_ZC_STREAM_PARTS; q++) {
                bb31x4 want[3], got[3] = {bb31x4_zero(), bb31x4_zero(), bb31x4_zero()};
                swirl_zc_stream_range_b(want, &j.sp, j.sp.cut[q], j.sp.cut[q + 1], j.dp.consts, U,
                                        E, e, tmp, 1, lp, bp, eq3b, j.dp.bus1);
                run(got, q, U + e, E, lp, bp, eq3b);
                for (int k = 0; k < 3; k++)
                    CHECK_MSG(bb31x4_eq(want[k], got[k]), "%s: part %u, evaluation %zu: sum %d "
                              "differs from the interpreter's", air->name, q, e, k);
            }
    }
    printf("  %s: the C twin equals the interpreter (%zu bytes, compiled in %.1f s)\n", air->name,
           j.code.bytes, secs);
    dlclose(h);
    free(U);
    free(tmp);
    free(lp);
    free(bp);
    free(eq3b);
    jc_free(&j);
}

static void test_host_twin(void) {
    for_each_air(twin_check);
}

typedef void (*jitx_run_fn)(bb31x4 *o, uint32_t q, const swirl_zc_mle_args *ma, size_t y2, bb31 X);

/* The multilinear rounds' C twin against the interpreter swirl_zc_stream_range_x: random folded
 * tables (every view and column the variables name, height H), random public values and
 * weights, every part of every evaluation (y, X) */
static void twin_check_mle(const swirl_air *air) {
    jit_case j;
    jc_make(&j, air);
    swirl_zc_jit_code code;
    CHECK_OK(swirl_zc_jit_generate_mle(&code, &j.sp, &j.dp, air->name));
    double secs = 0;
    void *h = twin_load(air, &code, "twinx", &secs);
    if (!h) {
        swirl_zc_jit_code_free(&code);
        jc_free(&j);
        SWIRL_TEST_SKIP("the host compiler failed: no host twin");
    }
    jitx_run_fn run;
    *(void **)&run = dlsym(h, SWIRL_ZC_JITX_RUN_FN);
    CHECK(run != NULL);
    const size_t H = 4; /* hypercube points y = 0, 1 */
    /* the columns each view needs, and the public values */
    size_t cols[SWIRL_ZC_MLE_VIEWS] = {0}, npub = 1;
    for (uint32_t v = 0; v < j.dp.n_vars; v++) {
        uint32_t view = j.dp.var_info[3 * v], col = j.dp.var_info[3 * v + 1];
        if (view == SWIRL_ZC_PUBLIC)
            npub = col + 1 > npub ? col + 1 : npub;
        else if (view < SWIRL_ZC_MLE_VIEWS && col + 1 > cols[view])
            cols[view] = col + 1;
        CHECK(view == SWIRL_ZC_PUBLIC || view < SWIRL_ZC_MLE_VIEWS);
    }
    swirl_zc_mle_args a;
    memset(&a, 0, sizeof a);
    bb31x4 *tabs[SWIRL_ZC_MLE_VIEWS] = {NULL};
    for (uint32_t v = 0; v < SWIRL_ZC_MLE_VIEWS; v++)
        if (cols[v]) {
            tabs[v] = (bb31x4 *)calloc(cols[v] * H, sizeof(bb31x4));
            CHECK(tabs[v] != NULL);
            for (size_t i = 0; i < cols[v] * H; i++)
                tabs[v][i] = rand_x4();
            a.fold[v] = tabs[v];
        }
    size_t nc = air->n_constraints, ni = air->n_interactions, nfmax = 0;
    for (size_t i = 0; i < ni; i++)
        if (air->interactions[i].n_fields > nfmax)
            nfmax = air->interactions[i].n_fields;
    bb31x4 *fsel = (bb31x4 *)calloc(3 * H, sizeof *fsel), *lp = (bb31x4 *)calloc(nc + 1, sizeof *lp),
           *bp = (bb31x4 *)calloc(nfmax + 2, sizeof *bp), *eq3b = (bb31x4 *)calloc(ni + 1, sizeof *eq3b);
    bb31 *pub = (bb31 *)calloc(npub, sizeof *pub), *tmp = (bb31 *)calloc(4 * j.sp.n_temps + 4, sizeof *tmp);
    CHECK(fsel && lp && bp && eq3b && pub && tmp);
    for (size_t i = 0; i < 3 * H; i++)
        fsel[i] = rand_x4();
    for (size_t i = 0; i < npub; i++)
        pub[i] = bb31_from_u32((uint32_t)swirl_test_rand_below(BB31_P));
    for (size_t k = 0; k < nc; k++)
        lp[k] = rand_x4();
    for (size_t k = 0; k <= nfmax; k++)
        bp[k] = rand_x4();
    for (size_t k = 0; k < ni; k++)
        eq3b[k] = rand_x4();
    a.fsel = fsel;
    a.pub = pub;
    a.lp = lp;
    a.bp = bp;
    a.eq3b = eq3b;
    a.ny = H / 2;
    a.H = H;
    for (size_t y = 0; y < H / 2; y++)
        for (uint32_t x = 1; x <= 3; x++)
            for (uint32_t q = 0; q < SWIRL_ZC_STREAM_PARTS; q++) {
                bb31 X = bb31_from_u32(x);
                swirl_zc_mle_in in = {&j.dp, a.fold, fsel, pub, y, H, X};
                bb31x4 want[3], got[3] = {bb31x4_zero(), bb31x4_zero(), bb31x4_zero()};
                swirl_zc_stream_range_x(want, &j.sp, j.sp.cut[q], j.sp.cut[q + 1], &in, tmp, 1, lp,
                                        bp, eq3b);
                run(got, q, &a, 2 * y, X);
                for (int k = 0; k < 3; k++)
                    CHECK_MSG(bb31x4_eq(want[k], got[k]), "%s: part %u, y %zu, X %u: sum %d "
                              "differs from the interpreter's", air->name, q, y, x, k);
            }
    printf("  %s: the multilinear rounds' C twin equals the interpreter (%zu bytes, compiled in "
           "%.1f s)\n", air->name, code.bytes, secs);
    dlclose(h);
    for (uint32_t v = 0; v < SWIRL_ZC_MLE_VIEWS; v++)
        free(tabs[v]);
    free(fsel);
    free(lp);
    free(bp);
    free(eq3b);
    free(pub);
    free(tmp);
    swirl_zc_jit_code_free(&code);
    jc_free(&j);
}

static void test_host_twin_mle(void) {
    for_each_air(twin_check_mle);
}

/* ---- NVRTC ---- */

/* the largest "N registers" and the sums of "N bytes spill stores / loads" in a log */
static void log_resources(const char *log, unsigned *regs, unsigned long *st, unsigned long *ld) {
    *regs = 0;
    *st = *ld = 0;
    for (const char *p = log; p && (p = strstr(p, " registers")) != NULL; p++) {
        const char *q = p;
        while (q > log && q[-1] >= '0' && q[-1] <= '9')
            q--;
        unsigned r = (unsigned)strtoul(q, NULL, 10);
        *regs = r > *regs ? r : *regs;
    }
    for (const char *p = log; p && (p = strstr(p, " bytes spill stores, ")) != NULL; p++) {
        const char *q = p;
        while (q > log && q[-1] >= '0' && q[-1] <= '9')
            q--;
        *st += strtoul(q, NULL, 10);
        *ld += strtoul(p + strlen(" bytes spill stores, "), NULL, 10);
    }
}

static int g_nvrtc, g_link; /* NVRTC loads; nvJitLink loads */

static void nvrtc_check(const swirl_air *air) {
    jit_case j;
    jc_make(&j, air);
    /* Keccak as one program would take minutes of one core: its units only */
    int big = j.sp.n_instrs > 4 * SWIRL_ZC_JIT_UNIT_INSTRS;
    for (int whole = 0; whole <= !big; whole++) {
        swirl_jit_build b;
        unsigned flags = SWIRL_JIT_VERBOSE | (whole ? SWIRL_JIT_WHOLE : 0u);
        enum swirl_status st = swirl_cuda_jit_build(&b, &j.code, "sm_90a", 128, flags);
        CHECK_MSG(st == SWIRL_OK, "%s: %s", air->name, swirl_last_error());
        CHECK(b.cubin && b.cubin_bytes > 4 && memcmp(b.cubin, "\x7f" "ELF", 4) == 0);
        CHECK(!b.from_cache && b.programs >= 1 && b.threads >= 1);
        CHECK(b.linked == (!whole && g_link && j.code.n_units > 0));
        CHECK(b.programs == (b.linked ? j.code.n_units + 1 : 1));
        unsigned regs;
        unsigned long sst, sld;
        log_resources(b.log, &regs, &sst, &sld);
        printf("  %s%s: NVRTC %.0f ms wall (%u programs on %u threads%s), CUBIN %zu bytes, "
               "%u registers, spills %lu / %lu bytes (stores / loads)\n",
               air->name, whole ? " (one program)" : "", b.wall_ms, b.programs, b.threads,
               b.linked ? ", linked" : "", b.cubin_bytes, regs, sst, sld);
        if (getenv("SWIRL_TEST_JIT_LOG"))
            printf("%s\n", b.log ? b.log : "");
        swirl_jit_build_clear(&b);
    }
    jc_free(&j);
}

static void test_nvrtc(void) {
    if (!g_nvrtc)
        SWIRL_TEST_SKIP("NVRTC not available (a CPU build, or libnvrtc not found)");
    for_each_air(nvrtc_check);
}

/* the multilinear rounds' code compiles with NVRTC (units linked), its kernel in the CUBIN */
static void nvrtc_check_mle(const swirl_air *air) {
    jit_case j;
    jc_make(&j, air);
    if (j.sp.n_instrs > 4 * SWIRL_ZC_JIT_UNIT_INSTRS && !getenv("SWIRL_TEST_JIT_BIG")) {
        /* KeccakAir's takes 2 minutes of 2 cores: the GPU tests compile it (test_gpu_zc_jit) */
        printf("  %s (multilinear rounds): not compiled here (SWIRL_TEST_JIT_BIG=1 does)\n",
               air->name);
        jc_free(&j);
        return;
    }
    swirl_zc_jit_code code;
    CHECK_OK(swirl_zc_jit_generate_mle(&code, &j.sp, &j.dp, air->name));
    swirl_jit_build b;
    enum swirl_status st = swirl_cuda_jit_build(&b, &code, "sm_90a", 128, SWIRL_JIT_VERBOSE);
    CHECK_MSG(st == SWIRL_OK, "%s: %s", air->name, swirl_last_error());
    CHECK(b.cubin && b.cubin_bytes > 4 && memcmp(b.cubin, "\x7f" "ELF", 4) == 0);
    CHECK(memmem(b.cubin, b.cubin_bytes, SWIRL_ZC_JITX_KERNEL, strlen(SWIRL_ZC_JITX_KERNEL)) != NULL);
    unsigned regs;
    unsigned long sst, sld;
    log_resources(b.log, &regs, &sst, &sld);
    printf("  %s (multilinear rounds): NVRTC %.0f ms wall (%u programs on %u threads%s), CUBIN "
           "%zu bytes, %u registers, spills %lu / %lu bytes\n",
           air->name, b.wall_ms, b.programs, b.threads, b.linked ? ", linked" : "", b.cubin_bytes,
           regs, sst, sld);
    if (getenv("SWIRL_TEST_JIT_LOG"))
        printf("%s\n", b.log ? b.log : "");
    swirl_jit_build_clear(&b);
    swirl_zc_jit_code_free(&code);
    jc_free(&j);
}

static void test_nvrtc_mle(void) {
    if (!g_nvrtc)
        SWIRL_TEST_SKIP("NVRTC not available (a CPU build, or libnvrtc not found)");
    for_each_air(nvrtc_check_mle);
}

/* files of the cache directory whose names contain `part` */
static int count_files(const char *dir, const char *part) {
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        n += strstr(e->d_name, part) != NULL;
    if (d)
        closedir(d);
    return n;
}

/* the disk cache under a temporary XDG_CACHE_HOME: a miss writes the file, a hit reads the same
 * CUBIN, a damaged file is ignored and rewritten, and no temporary file is left behind */
static void test_disk_cache(void) {
    if (!g_nvrtc)
        SWIRL_TEST_SKIP("NVRTC not available");
    char home[300], dir[320], path[1024];
    snprintf(home, sizeof home, "%s/xdg", g_tmp);
    snprintf(dir, sizeof dir, "%s/swirl", home);
    CHECK(setenv("XDG_CACHE_HOME", home, 1) == 0);
    zc_case c;
    zcc_parts(&c, 2);
    jit_case j;
    jc_make(&j, c.air[2]); /* FibonacciSelectorAir: one interaction */
    swirl_jit_build a, b;
    CHECK_OK(swirl_cuda_jit_build(&a, &j.code, "sm_90a", 0, SWIRL_JIT_DISK));
    CHECK(!a.from_cache && count_files(dir, ".cubin") == 1);
    CHECK_OK(swirl_cuda_jit_build(&b, &j.code, "sm_90a", 0, SWIRL_JIT_DISK));
    CHECK(b.from_cache && b.cubin_bytes == a.cubin_bytes &&
          memcmp(a.cubin, b.cubin, a.cubin_bytes) == 0);
    printf("  miss %.0f ms, hit %.1f ms\n", a.wall_ms, b.wall_ms);
    swirl_jit_build_clear(&b);
    /* other options: another key */
    CHECK_OK(swirl_cuda_jit_build(&b, &j.code, "sm_90a", 64, SWIRL_JIT_DISK));
    CHECK(!b.from_cache && count_files(dir, ".cubin") == 2);
    swirl_jit_build_clear(&b);
    /* damage every file (one byte of the payload's length in one, one byte of the payload itself,
     * same length, in the other): each is recompiled and rewritten */
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (!strstr(e->d_name, ".cubin"))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        static int k;
        long off = k++ % 2 ? 24 : 48 + 100; /* the header is 48 bytes */
        FILE *f = fopen(path, "r+b");
        CHECK(f && fseek(f, off, SEEK_SET) == 0);
        int byte = f ? fgetc(f) : EOF;
        CHECK(byte != EOF && fseek(f, off, SEEK_SET) == 0 && fputc(byte ^ 0x5a, f) != EOF &&
              fclose(f) == 0);
    }
    if (d)
        closedir(d);
    CHECK_OK(swirl_cuda_jit_build(&b, &j.code, "sm_90a", 0, SWIRL_JIT_DISK));
    CHECK(!b.from_cache && memcmp(a.cubin, b.cubin, a.cubin_bytes) == 0);
    swirl_jit_build_clear(&b);
    CHECK_OK(swirl_cuda_jit_build(&b, &j.code, "sm_90a", 0, SWIRL_JIT_DISK));
    CHECK(b.from_cache);
    swirl_jit_build_clear(&b);
    CHECK(count_files(dir, ".tmp.") == 0);
    /* without the flag the cache is neither read nor written */
    CHECK_OK(swirl_cuda_jit_build(&b, &j.code, "sm_90a", 32, 0));
    CHECK(!b.from_cache && count_files(dir, ".cubin") == 2);
    swirl_jit_build_clear(&b);
    swirl_jit_build_clear(&a);
    jc_free(&j);
    zcc_clear(&c);
    snprintf(path, sizeof path, "rm -rf '%s'", home);
    CHECK(system(path) == 0);
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_shape),         SWIRL_TEST(test_malformed), SWIRL_TEST(test_host_twin),
    SWIRL_TEST(test_host_twin_mle), SWIRL_TEST(test_nvrtc),     SWIRL_TEST(test_nvrtc_mle),
    SWIRL_TEST(test_disk_cache),
};

int main(int argc, char **argv) {
    const char *t = getenv("TMPDIR");
    snprintf(g_tmp, sizeof g_tmp, "%s/swirl_jit_XXXXXX", t && t[0] ? t : "/tmp");
    if (!mkdtemp(g_tmp)) {
        fprintf(stderr, "mkdtemp %s failed\n", g_tmp);
        return 1;
    }
    int major = 0, minor = 0;
    g_nvrtc = swirl_cuda_jit_available(&major, &minor, &g_link);
    if (g_nvrtc)
        printf("NVRTC %d.%d%s\n", major, minor, g_link ? ", nvJitLink" : " (no nvJitLink)");
    (void)zcc_run; /* zc_cases.h's prover run: the GPU tests' */
    int rc = swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
    rmdir(g_tmp);
    return rc;
}
