/*
 * Round 0's stream compiled at run time (cuda_jit.h): NVRTC and nvJitLink loaded with dlopen,
 * the units compiled in parallel threads and linked, the CUBINs cached on disk and the kernels in
 * the context.
 *
 * Compile options (every program): the device's architecture; -default-device (the library's
 * headers declare host functions, which NVRTC refuses in JIT mode; as device declarations they are
 * simply never used); --Ofast-compile=min (measured on KeccakAir's units: 40 % less CPU for about
 * 6 % more code); --maxrregcount (SWIRL_ZC_JIT_MAXRREG). NVRTC's optimizer costs about 1 ms of CPU
 * per generated line (~43,000 lines for KeccakAir), hence the parallel units.
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <nvJitLink.h>
#include <nvrtc.h>

#include "device/cuda/cuda_common.cuh"
#include "device/cuda/cuda_jit.h"
#include "device/cuda/jit_headers.h"
#include "util/alloc.h"
#include "util/log.h"
#include "util/settings.h"

#define JIT_MAX_THREADS 32u
#define JIT_MAX_OPTS 8

/* nvJitLink's entry points carry the toolkit's major version in their names (nvJitLink.h) */
#if __CUDACC_VER_MAJOR__ == 13
#define JIT_LK(f) __nvJitLink##f##_13_0
#elif __CUDACC_VER_MAJOR__ == 12
#define JIT_LK(f) __nvJitLink##f##_12_0
#endif
#define JIT_STR2(x) #x
#define JIT_STR(x) JIT_STR2(x)

/* ------------------------------------------------------------------------------------------ */
/* NVRTC and nvJitLink, loaded once */

typedef struct jit_api {
    int ok, link; /* NVRTC loaded; nvJitLink loaded */
    int major, minor;
    decltype(&nvrtcCreateProgram) create;
    decltype(&nvrtcCompileProgram) compile;
    decltype(&nvrtcGetProgramLogSize) log_size;
    decltype(&nvrtcGetProgramLog) log;
    decltype(&nvrtcGetCUBINSize) cubin_size;
    decltype(&nvrtcGetCUBIN) cubin;
    decltype(&nvrtcDestroyProgram) destroy;
    decltype(&nvrtcGetErrorString) err;
#ifdef JIT_LK
    decltype(&JIT_LK(Create)) lk_create;
    decltype(&JIT_LK(AddData)) lk_add;
    decltype(&JIT_LK(Complete)) lk_complete;
    decltype(&JIT_LK(GetLinkedCubinSize)) lk_cubin_size;
    decltype(&JIT_LK(GetLinkedCubin)) lk_cubin;
    decltype(&JIT_LK(GetErrorLogSize)) lk_elog_size;
    decltype(&JIT_LK(GetErrorLog)) lk_elog;
    decltype(&JIT_LK(GetInfoLogSize)) lk_ilog_size;
    decltype(&JIT_LK(GetInfoLog)) lk_ilog;
    decltype(&JIT_LK(Destroy)) lk_destroy;
#endif
} jit_api;

static jit_api g_api;
static pthread_once_t g_api_once = PTHREAD_ONCE_INIT;

/* the library by its soname, else at the toolkit's path found at build time */
static void *jit_dlopen(const char *base) {
    char name[512];
    snprintf(name, sizeof name, "%s.so.%d", base, __CUDACC_VER_MAJOR__);
    void *h = dlopen(name, RTLD_NOW | RTLD_LOCAL);
#ifdef SWIRL_CUDA_LIBDIR
    if (!h) {
        snprintf(name, sizeof name, "%s/%s.so.%d", SWIRL_CUDA_LIBDIR, base, __CUDACC_VER_MAJOR__);
        h = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    }
#endif
    return h;
}

#define JIT_SYM(h, field, name) (*(void **)&(field) = dlsym((h), (name))) != NULL

static void jit_load(void) {
    jit_api a;
    memset(&a, 0, sizeof a);
    void *h = jit_dlopen("libnvrtc");
    decltype(&nvrtcVersion) version = NULL;
    if (h && JIT_SYM(h, version, "nvrtcVersion") && JIT_SYM(h, a.create, "nvrtcCreateProgram") &&
        JIT_SYM(h, a.compile, "nvrtcCompileProgram") &&
        JIT_SYM(h, a.log_size, "nvrtcGetProgramLogSize") &&
        JIT_SYM(h, a.log, "nvrtcGetProgramLog") && JIT_SYM(h, a.cubin_size, "nvrtcGetCUBINSize") &&
        JIT_SYM(h, a.cubin, "nvrtcGetCUBIN") && JIT_SYM(h, a.destroy, "nvrtcDestroyProgram") &&
        JIT_SYM(h, a.err, "nvrtcGetErrorString") && version(&a.major, &a.minor) == NVRTC_SUCCESS)
        a.ok = 1;
#ifdef JIT_LK
    void *l = a.ok ? jit_dlopen("libnvJitLink") : NULL;
    if (l && JIT_SYM(l, a.lk_create, JIT_STR(JIT_LK(Create))) &&
        JIT_SYM(l, a.lk_add, JIT_STR(JIT_LK(AddData))) &&
        JIT_SYM(l, a.lk_complete, JIT_STR(JIT_LK(Complete))) &&
        JIT_SYM(l, a.lk_cubin_size, JIT_STR(JIT_LK(GetLinkedCubinSize))) &&
        JIT_SYM(l, a.lk_cubin, JIT_STR(JIT_LK(GetLinkedCubin))) &&
        JIT_SYM(l, a.lk_elog_size, JIT_STR(JIT_LK(GetErrorLogSize))) &&
        JIT_SYM(l, a.lk_elog, JIT_STR(JIT_LK(GetErrorLog))) &&
        JIT_SYM(l, a.lk_ilog_size, JIT_STR(JIT_LK(GetInfoLogSize))) &&
        JIT_SYM(l, a.lk_ilog, JIT_STR(JIT_LK(GetInfoLog))) &&
        JIT_SYM(l, a.lk_destroy, JIT_STR(JIT_LK(Destroy))))
        a.link = 1;
#endif
    /* the handles stay open for the process (the functions are used until exit) */
    g_api = a;
}

static const jit_api *jit_api_get(void) {
    pthread_once(&g_api_once, jit_load);
    return &g_api;
}

extern "C" int swirl_cuda_jit_available(int *major, int *minor, int *link) {
    const jit_api *a = jit_api_get();
    if (major)
        *major = a->major;
    if (minor)
        *minor = a->minor;
    if (link)
        *link = a->link;
    return a->ok;
}

/* ------------------------------------------------------------------------------------------ */
/* a growing text (the logs) */

typedef struct jit_str {
    char *p;
    size_t n;
} jit_str;

static void jit_cat(jit_str *s, const char *t, size_t n) {
    char *q = (char *)swirl_realloc(s->p, s->n + n + 1);
    if (!q)
        return; /* a log is best effort */
    memcpy(q + s->n, t, n);
    s->n += n;
    q[s->n] = 0;
    s->p = q;
}

static void jit_cats(jit_str *s, const char *t) {
    jit_cat(s, t, strlen(t));
}

static double jit_now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec * 1e-6;
}

/* ------------------------------------------------------------------------------------------ */
/* compiling: one NVRTC program per job, jobs shared by a few threads */

typedef struct jit_job {
    const char *src, *name; /* in */
    nvrtcResult res;        /* out: the compile's result, its CUBIN and log */
    char *cubin, *log;
    size_t cubin_bytes;
    int oom;
} jit_job;

typedef struct jit_pool {
    const jit_api *api;
    jit_job *jobs;
    size_t n_jobs, next;
    const char *opts[JIT_MAX_OPTS];
    int n_opts;
    pthread_mutex_t mu;
} jit_pool;

static void jit_compile_one(const jit_pool *p, jit_job *j) {
    const jit_api *a = p->api;
    nvrtcProgram prog;
    j->res = a->create(&prog, j->src, j->name, (int)swirl_jit_n_headers, swirl_jit_header_texts,
                       swirl_jit_header_names);
    if (j->res != NVRTC_SUCCESS)
        return;
    j->res = a->compile(prog, p->n_opts, p->opts);
    size_t n = 0;
    if (a->log_size(prog, &n) == NVRTC_SUCCESS && n > 1) {
        j->log = (char *)swirl_malloc(n);
        if (j->log && a->log(prog, j->log) != NVRTC_SUCCESS)
            j->log[0] = 0;
    }
    if (j->res == NVRTC_SUCCESS && a->cubin_size(prog, &n) == NVRTC_SUCCESS) {
        j->cubin = (char *)swirl_malloc(n ? n : 1);
        j->cubin_bytes = n;
        if (!j->cubin)
            j->oom = 1;
        else if (a->cubin(prog, j->cubin) != NVRTC_SUCCESS)
            j->res = NVRTC_ERROR_INTERNAL_ERROR;
    }
    a->destroy(&prog);
}

static void *jit_worker(void *arg) {
    jit_pool *p = (jit_pool *)arg;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        size_t i = p->next++;
        pthread_mutex_unlock(&p->mu);
        if (i >= p->n_jobs)
            return NULL;
        jit_compile_one(p, &p->jobs[i]);
    }
}

/* runs every job on up to `threads` threads (this one among them); the threads used */
static unsigned jit_run_pool(jit_pool *p, unsigned threads) {
    pthread_t t[JIT_MAX_THREADS];
    unsigned started = 0;
    pthread_mutex_init(&p->mu, NULL);
    while (started + 1 < threads && pthread_create(&t[started], NULL, jit_worker, p) == 0)
        started++;
    jit_worker(p);
    for (unsigned i = 0; i < started; i++)
        pthread_join(t[i], NULL);
    pthread_mutex_destroy(&p->mu);
    return started + 1;
}

static unsigned jit_threads(size_t jobs) {
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t n = cpus > 0 ? (size_t)cpus : 1;
    n = n < jobs ? n : jobs;
    n = n < JIT_MAX_THREADS ? n : JIT_MAX_THREADS;
    return n ? (unsigned)n : 1u;
}

/* the options of every program (opts: JIT_MAX_OPTS entries; bufs: their storage) */
static int jit_options(const char **opts, char bufs[2][64], const char *arch, unsigned maxrreg,
                       int rdc, int verbose) {
    int n = 0;
    snprintf(bufs[0], 64, "--gpu-architecture=%s", arch);
    opts[n++] = bufs[0];
    opts[n++] = "-std=c++17";
    opts[n++] = "-default-device";
    opts[n++] = "--Ofast-compile=min";
    if (maxrreg) {
        snprintf(bufs[1], 64, "--maxrregcount=%u", maxrreg);
        opts[n++] = bufs[1];
    }
    if (rdc)
        opts[n++] = "--relocatable-device-code=true";
    if (verbose)
        opts[n++] = "-Xptxas=-v";
    return n;
}

/* the jobs' logs into s, each under its program's name */
static void jit_logs(jit_str *s, const jit_job *jobs, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (jobs[i].log && jobs[i].log[0]) {
            jit_cats(s, "== ");
            jit_cats(s, jobs[i].name);
            jit_cats(s, "\n");
            jit_cats(s, jobs[i].log);
        }
}

/* the first failed job as a status (its log in the message) */
static enum swirl_status jit_job_status(const jit_api *a, const jit_job *jobs, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (jobs[i].oom)
            return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory (a JIT CUBIN)");
        if (jobs[i].res != NVRTC_SUCCESS)
            return SWIRL_RAISE(SWIRL_E_INTERNAL, "NVRTC: %s: %s\n%.2000s", jobs[i].name,
                               a->err(jobs[i].res), jobs[i].log ? jobs[i].log : "");
    }
    return SWIRL_OK;
}

#ifdef JIT_LK
/* links the jobs' relocatable CUBINs into out */
static enum swirl_status jit_link(swirl_jit_build *out, jit_str *log, const jit_api *a,
                                  const jit_job *jobs, size_t n, const char *arch, int verbose) {
    char archopt[64];
    snprintf(archopt, sizeof archopt, "-arch=%s", arch);
    const char *opts[2] = {archopt, "-verbose"};
    nvJitLinkHandle h;
    if (a->lk_create(&h, verbose ? 2u : 1u, opts) != NVJITLINK_SUCCESS)
        return SWIRL_RAISE(SWIRL_E_INTERNAL, "nvJitLink: cannot create a link");
    nvJitLinkResult r = NVJITLINK_SUCCESS;
    for (size_t i = 0; i < n && r == NVJITLINK_SUCCESS; i++)
        r = a->lk_add(h, NVJITLINK_INPUT_CUBIN, jobs[i].cubin, jobs[i].cubin_bytes, jobs[i].name);
    if (r == NVJITLINK_SUCCESS)
        r = a->lk_complete(h);
    size_t ls = 0;
    if (a->lk_ilog_size(h, &ls) == NVJITLINK_SUCCESS && ls > 1) {
        char *t = (char *)swirl_malloc(ls);
        if (t && a->lk_ilog(h, t) == NVJITLINK_SUCCESS) {
            jit_cats(log, "== link\n");
            jit_cats(log, t);
        }
        free(t);
    }
    enum swirl_status st = SWIRL_OK;
    if (r != NVJITLINK_SUCCESS) {
        char *t = NULL;
        if (a->lk_elog_size(h, &ls) == NVJITLINK_SUCCESS && ls > 1) {
            t = (char *)swirl_malloc(ls);
            if (t && a->lk_elog(h, t) != NVJITLINK_SUCCESS)
                t[0] = 0;
        }
        st = SWIRL_RAISE(SWIRL_E_INTERNAL, "nvJitLink failed (%d): %.2000s", (int)r, t ? t : "");
        free(t);
    }
    size_t cb = 0;
    if (st == SWIRL_OK && a->lk_cubin_size(h, &cb) != NVJITLINK_SUCCESS)
        st = SWIRL_RAISE(SWIRL_E_INTERNAL, "nvJitLink: no linked CUBIN");
    if (st == SWIRL_OK) {
        out->cubin = swirl_malloc(cb ? cb : 1);
        out->cubin_bytes = cb;
        if (!out->cubin)
            st = SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory (the linked CUBIN)");
        else if (a->lk_cubin(h, out->cubin) != NVJITLINK_SUCCESS)
            st = SWIRL_RAISE(SWIRL_E_INTERNAL, "nvJitLink: cannot read the linked CUBIN");
    }
    a->lk_destroy(&h);
    return st;
}
#endif

/* compiles code (no cache): link: its units in parallel (rdc) and linked by nvJitLink; else the
 * whole code as one program */
static enum swirl_status jit_compile(swirl_jit_build *out, jit_str *log, const jit_api *a,
                                     const swirl_zc_jit_code *code, const char *arch,
                                     unsigned maxrreg, int link, int verbose, int spare) {
    size_t n = link ? code->n_units + 1 : 1;
    jit_job *jobs = (jit_job *)swirl_calloc(n, sizeof *jobs);
    char *whole = NULL, (*names)[32] = (char(*)[32])swirl_calloc(n, 32);
    size_t whole_len = 0;
    enum swirl_status st = jobs && names ? SWIRL_OK : SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    if (st == SWIRL_OK && !link)
        st = swirl_zc_jit_concat(&whole, &whole_len, code);
    if (st == SWIRL_OK) {
        jobs[0].src = link ? code->main : whole;
        jobs[0].name = link ? "zc_jit_main.cu" : "zc_jit.cu";
        for (size_t i = 1; i < n; i++) {
            snprintf(names[i], 32, "zc_jit_u%zu.cu", i - 1);
            jobs[i].src = code->unit[i - 1];
            jobs[i].name = names[i];
        }
        jit_pool p;
        memset(&p, 0, sizeof p);
        char bufs[2][64];
        p.api = a;
        p.jobs = jobs;
        p.n_jobs = n;
        p.n_opts = jit_options(p.opts, bufs, arch, maxrreg, link, verbose);
        unsigned th = jit_threads(n);
        if (spare && th > 1) /* a background compile leaves a core to the proofs beside it */
            th--;
        out->threads = jit_run_pool(&p, th);
        out->programs = (unsigned)n;
        out->linked = link;
        jit_logs(log, jobs, n);
        st = jit_job_status(a, jobs, n);
    }
#ifdef JIT_LK
    if (st == SWIRL_OK && link)
        st = jit_link(out, log, a, jobs, n, arch, verbose);
#endif
    if (st == SWIRL_OK && !link) { /* the program's CUBIN is the result */
        out->cubin = jobs[0].cubin;
        out->cubin_bytes = jobs[0].cubin_bytes;
        jobs[0].cubin = NULL;
    }
    for (size_t i = 0; jobs && i < n; i++) {
        free(jobs[i].cubin);
        free(jobs[i].log);
    }
    free(jobs);
    free(names);
    free(whole);
    return st;
}

/* ------------------------------------------------------------------------------------------ */
/* the disk cache */

/* two 64-bit hashes over a sequence of byte strings (FNV-1a, and a multiply-xorshift one) */
typedef struct jit_hash {
    uint64_t a, b;
} jit_hash;

static void jit_hash_add(jit_hash *h, const void *p, size_t n) {
    const unsigned char *c = (const unsigned char *)p;
    uint64_t a = h->a, b = h->b;
    for (size_t i = 0; i < n; i++) {
        a = (a ^ c[i]) * 0x100000001b3ull;
        b = (b + c[i] + 1) * 0x9e3779b97f4a7c15ull;
        b ^= b >> 29;
    }
    /* the length too, so that the strings' boundaries count */
    uint64_t len = n;
    for (int i = 0; i < 8; i++) {
        a = (a ^ (unsigned char)(len >> (8 * i))) * 0x100000001b3ull;
        b = (b + (len >> (8 * i) & 0xff)) * 0xbf58476d1ce4e5b9ull;
        b ^= b >> 31;
    }
    h->a = a;
    h->b = b;
}

static void jit_hash_str(jit_hash *h, const char *s) {
    jit_hash_add(h, s, strlen(s));
}

/* the key of a build: everything the CUBIN depends on */
static jit_hash jit_key(const jit_api *a, const swirl_zc_jit_code *code, const char *arch,
                        unsigned maxrreg, int link, int verbose) {
    jit_hash h = {0xcbf29ce484222325ull, 0x6a09e667f3bcc909ull};
    int v[4] = {a->major, a->minor, link, __CUDACC_VER_MAJOR__};
    jit_hash_str(&h, "libswirl zc-jit 1");
    jit_hash_add(&h, v, sizeof v);
    const char *opts[JIT_MAX_OPTS];
    char bufs[2][64];
    int n = jit_options(opts, bufs, arch, maxrreg, v[2], verbose);
    for (int i = 0; i < n; i++)
        jit_hash_str(&h, opts[i]);
    for (unsigned i = 0; i < swirl_jit_n_headers; i++) {
        jit_hash_str(&h, swirl_jit_header_names[i]);
        jit_hash_str(&h, swirl_jit_header_texts[i]);
    }
    jit_hash_add(&h, code->main, code->main_len);
    for (size_t u = 0; u < code->n_units; u++)
        jit_hash_add(&h, code->unit[u], code->unit_len[u]);
    return h;
}

#define JIT_MAGIC "SWZCJIT2"
#define JIT_FILE_HEAD 48 /* magic, key (16 bytes), payload length (8), payload hash (16) */

/* the cache directory into dir (creating it); 0 when there is none */
static int jit_cache_dir(char *dir, size_t cap) {
    const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    int k;
    if (x && x[0] == '/') {
        k = snprintf(dir, cap, "%s/swirl", x);
    } else if (home && home[0] == '/') {
        k = snprintf(dir, cap, "%s/.cache", home);
        if (k <= 0 || (size_t)k >= cap || (mkdir(dir, 0700) != 0 && errno != EEXIST))
            return 0;
        k = snprintf(dir, cap, "%s/.cache/swirl", home);
    } else {
        return 0;
    }
    if (k <= 0 || (size_t)k >= cap)
        return 0;
    if (x && x[0] == '/' && mkdir(x, 0700) != 0 && errno != EEXIST)
        return 0;
    return mkdir(dir, 0700) == 0 || errno == EEXIST;
}

static int jit_cache_path(char *path, size_t cap, const jit_hash *key) {
    char dir[4096];
    if (!jit_cache_dir(dir, sizeof dir))
        return 0;
    int k = snprintf(path, cap, "%s/zc-%016llx%016llx.cubin", dir, (unsigned long long)key->a,
                     (unsigned long long)key->b);
    return k > 0 && (size_t)k < cap;
}

/* the payload's own hash: a file damaged on disk (same length, other bytes) is not loaded */
static jit_hash jit_payload_hash(const void *p, size_t n) {
    jit_hash h = {0x84222325cbf29ce4ull, 0xbb67ae8584caa73bull};
    jit_hash_add(&h, p, n);
    return h;
}

static void jit_head_bytes(unsigned char *h, const jit_hash *key, uint64_t len,
                           const jit_hash *payload) {
    memcpy(h, JIT_MAGIC, 8);
    for (int i = 0; i < 8; i++) {
        h[8 + i] = (unsigned char)(key->a >> (8 * i));
        h[16 + i] = (unsigned char)(key->b >> (8 * i));
        h[24 + i] = (unsigned char)(len >> (8 * i));
        h[32 + i] = (unsigned char)(payload->a >> (8 * i));
        h[40 + i] = (unsigned char)(payload->b >> (8 * i));
    }
}

/* out->cubin from the file of `key` when it is whole; 0 otherwise (nothing kept) */
static int jit_cache_read(swirl_jit_build *out, const jit_hash *key) {
    char path[4200];
    if (!jit_cache_path(path, sizeof path, key))
        return 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    unsigned char head[JIT_FILE_HEAD], want[JIT_FILE_HEAD];
    long size = -1;
    if (fseek(f, 0, SEEK_END) == 0)
        size = ftell(f);
    int ok = size > JIT_FILE_HEAD && fseek(f, 0, SEEK_SET) == 0 &&
             fread(head, 1, JIT_FILE_HEAD, f) == JIT_FILE_HEAD;
    uint64_t len = ok ? (uint64_t)(size - JIT_FILE_HEAD) : 0;
    jit_hash none = {0, 0};
    jit_head_bytes(want, key, len, &none);
    ok = ok && memcmp(head, want, 32) == 0; /* magic, key, length */
    void *p = ok ? swirl_malloc((size_t)len) : NULL;
    ok = p && fread(p, 1, (size_t)len, f) == (size_t)len;
    fclose(f);
    if (ok) { /* the payload's hash */
        jit_hash ph = jit_payload_hash(p, (size_t)len);
        jit_head_bytes(want, key, len, &ph);
        ok = memcmp(head, want, JIT_FILE_HEAD) == 0;
    }
    if (!ok) {
        free(p);
        return 0;
    }
    out->cubin = p;
    out->cubin_bytes = (size_t)len;
    return 1;
}

/* the file of `key` written whole (a temporary file renamed) or not at all */
static void jit_cache_write(const swirl_jit_build *b, const jit_hash *key) {
    char path[4200], tmp[4300];
    if (!jit_cache_path(path, sizeof path, key))
        return;
    static unsigned long long seq;
    int k = snprintf(tmp, sizeof tmp, "%s.tmp.%ld.%llu", path, (long)getpid(),
                     __atomic_add_fetch(&seq, 1, __ATOMIC_RELAXED));
    if (k <= 0 || (size_t)k >= sizeof tmp)
        return;
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return;
    unsigned char head[JIT_FILE_HEAD];
    jit_hash ph = jit_payload_hash(b->cubin, b->cubin_bytes);
    jit_head_bytes(head, key, b->cubin_bytes, &ph);
    int ok = fwrite(head, 1, JIT_FILE_HEAD, f) == JIT_FILE_HEAD &&
             fwrite(b->cubin, 1, b->cubin_bytes, f) == b->cubin_bytes;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0)
        remove(tmp);
}

/* ------------------------------------------------------------------------------------------ */

extern "C" void swirl_jit_build_clear(swirl_jit_build *b) {
    if (!b)
        return;
    free(b->cubin);
    free(b->log);
    memset(b, 0, sizeof *b);
}

extern "C" enum swirl_status swirl_cuda_jit_build(swirl_jit_build *out,
                                                  const swirl_zc_jit_code *code, const char *arch,
                                                  unsigned maxrreg, unsigned flags) {
    SWIRL_ARG_CHECK(out != NULL);
    memset(out, 0, sizeof *out);
    SWIRL_ARG_CHECK(code && code->main && arch && strlen(arch) < 32);
    double t0 = jit_now_ms();
    const jit_api *a = jit_api_get();
    if (!a->ok)
        return SWIRL_RAISE(SWIRL_E_UNSUPPORTED,
                           "NVRTC (libnvrtc.so.%d) cannot be loaded: the round-0 JIT needs it",
                           __CUDACC_VER_MAJOR__);
    int link = a->link && code->n_units > 0 && !(flags & SWIRL_JIT_WHOLE);
    int verbose = (flags & SWIRL_JIT_VERBOSE) != 0;
    jit_hash key = jit_key(a, code, arch, maxrreg, link, verbose);
    if ((flags & SWIRL_JIT_DISK) && jit_cache_read(out, &key)) {
        out->from_cache = 1;
        out->linked = link;
        out->wall_ms = jit_now_ms() - t0;
        return SWIRL_OK;
    }
    if (flags & SWIRL_JIT_PROBE) { /* the disk cache only: not there */
        out->wall_ms = jit_now_ms() - t0;
        return SWIRL_OK;
    }
    jit_str log = {NULL, 0};
    enum swirl_status st = jit_compile(out, &log, a, code, arch, maxrreg, link, verbose,
                                       (flags & SWIRL_JIT_SPARE) != 0);
    out->log = log.p;
    if (st != SWIRL_OK) {
        swirl_jit_build_clear(out);
        return st;
    }
    if (flags & SWIRL_JIT_DISK)
        jit_cache_write(out, &key);
    out->wall_ms = jit_now_ms() - t0;
    return SWIRL_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* the context's kernels */

/* A compile in the background (SWIRL_ZC_JIT unset or 2): the thread reads only what the job
 * holds (the generated code, the options) and writes only its result, then sets `done`; the
 * context's thread joins it (swirl_cuda_zc_jit_poll / _wait / _free) and loads the CUBIN. */
typedef struct jit_bg {
    pthread_t th;
    swirl_zc_jit_code code;
    char arch[32];
    unsigned maxrreg, flags;
    swirl_jit_build b;   /* the result */
    enum swirl_status st;
    char err[512];       /* the failure's message (the thread's own last error) */
    int done;            /* set (release) by the thread when b / st / err are final */
} jit_bg;

static void *jit_bg_run(void *arg) {
    jit_bg *j = (jit_bg *)arg;
    j->st = swirl_cuda_jit_build(&j->b, &j->code, j->arch, j->maxrreg, j->flags);
    if (j->st != SWIRL_OK)
        snprintf(j->err, sizeof j->err, "%s", swirl_last_error());
    __atomic_store_n(&j->done, 1, __ATOMIC_RELEASE);
    return NULL;
}

typedef struct zc_jit_entry {
    uint32_t *key; /* the stream's words, constants, buses and the device (jit_mem_key) */
    size_t key_words;
    cudaLibrary_t lib; /* NULL: the JIT failed for this key, or its compile is pending */
    cudaKernel_t kernel;
    jit_bg *bg;        /* the compile running in the background (NULL: none) */
    char name[48];     /* the AIR's name (the log's) */
    unsigned n_instrs;
    int ext;           /* the multilinear rounds' kernel (else round 0's) */
} zc_jit_entry;

struct swirl_cuda_zc_jit {
    zc_jit_entry *e;
    size_t n, cap;
    swirl_cuda_zc_jit_stats stats;
};

#define JIT_KEY_HEAD (9 + SWIRL_ZC_STREAM_PARTS + 1)

/* the words the generated code is a function of (with the device, the register cap and the kind:
 * the multilinear rounds' code also reads the variables' views and columns) */
static uint32_t *jit_mem_key(size_t *words, const swirl_zc_stream *sp, const swirl_zc_dprog *pg,
                             int cc, unsigned maxrreg, int ext) {
    size_t nvi = ext ? 3 * (size_t)pg->n_vars : 0;
    size_t n = JIT_KEY_HEAD + 4 * (size_t)sp->n_instrs + pg->n_consts + pg->n_interactions + nvi;
    uint32_t *k = (uint32_t *)swirl_malloc(n * sizeof *k);
    if (!k)
        return NULL;
    uint32_t head[8] = {sp->n_instrs, sp->n_temps,       sp->n_inputs,      sp->n_groups,
                        pg->n_consts, pg->n_interactions, (uint32_t)cc,      maxrreg};
    memcpy(k, head, sizeof head);
    k[8] = (uint32_t)ext;
    memcpy(k + 9, sp->cut, sizeof sp->cut);
    uint32_t *w = k + JIT_KEY_HEAD;
    memcpy(w, sp->instrs, 16 * (size_t)sp->n_instrs);
    w += 4 * (size_t)sp->n_instrs;
    for (uint32_t i = 0; i < pg->n_consts; i++)
        *w++ = pg->consts[i].v;
    for (uint32_t i = 0; i < pg->n_interactions; i++)
        *w++ = pg->bus1[i].v;
    if (nvi)
        memcpy(w, pg->var_info, nvi * sizeof *w);
    *words = n;
    return k;
}

/* loads b's CUBIN as e's kernel (lib NULL on failure, the reason recorded) */
static enum swirl_status jit_load_kernel(zc_jit_entry *e, const swirl_jit_build *b) {
    cudaError_t err = cudaLibraryLoadData(&e->lib, b->cubin, NULL, NULL, 0, NULL, NULL, 0);
    if (err == cudaSuccess)
        err = cudaLibraryGetKernel(&e->kernel, e->lib,
                                   e->ext ? SWIRL_ZC_JITX_KERNEL : SWIRL_ZC_JIT_KERNEL);
    if (err == cudaSuccess)
        return SWIRL_OK;
    cudaGetLastError();
    if (e->lib)
        cudaLibraryUnload(e->lib);
    e->lib = NULL;
    return SWIRL_RAISE(SWIRL_E_CUDA, "loading the JIT kernel: %s", cudaGetErrorString(err));
}

#define JIT_WHAT(e) ((e)->ext ? "multilinear-round" : "round-0")

static void jit_log_built(const zc_jit_entry *e, const swirl_jit_build *b, size_t units,
                          size_t chunks, const char *how) {
    swirl_log(SWIRL_LOG_INFO,
              "%s JIT of AIR %s: %u instructions in %zu functions, %zu units, %s in "
              "%.0f ms (%u programs, %u threads)",
              JIT_WHAT(e), e->name, e->n_instrs, chunks, units, b->from_cache ? "from the disk cache" : how,
              b->wall_ms, b->programs, b->threads);
}

/* a kernel that could not be had: counted and logged (the interpreter runs) */
static void jit_failed(struct swirl_cuda_zc_jit *c, const zc_jit_entry *e, enum swirl_status st,
                       const char *msg) {
    c->stats.failures++;
    swirl_log(SWIRL_LOG_WARN, "%s JIT of AIR %s failed (%s); the interpreter runs: %s",
              JIT_WHAT(e), e->name, swirl_status_str(st), msg);
}

/* generates, builds (disk cache) and loads the kernel of sp into *e; in the background mode a
 * kernel not in the disk cache is compiled by a new thread (e->bg) and e stays without one for
 * now. SWIRL_OK with e->lib NULL and no e->bg: it failed (counted and logged here). */
static void jit_make(struct swirl_cuda_zc_jit *c, zc_jit_entry *e, const swirl_zc_stream *sp,
                     const swirl_zc_dprog *pg, int cc, int background) {
    const swirl_settings *s = swirl_settings_get();
    if (background && !swirl_cuda_jit_available(NULL, NULL, NULL)) { /* the default: no noise */
        swirl_log(SWIRL_LOG_INFO, "%s JIT of AIR %s: NVRTC cannot be loaded; the "
                  "interpreter runs", JIT_WHAT(e), e->name);
        return;
    }
    double t0 = jit_now_ms();
    swirl_zc_jit_code code;
    enum swirl_status st = e->ext ? swirl_zc_jit_generate_mle(&code, sp, pg, e->name)
                                  : swirl_zc_jit_generate(&code, sp, pg, e->name);
    if (st != SWIRL_OK) {
        jit_failed(c, e, st, swirl_last_error());
        return;
    }
    char arch[32];
    snprintf(arch, sizeof arch, "sm_%d", cc);
    unsigned flags = s->jit_cache ? SWIRL_JIT_DISK : 0u;
    swirl_jit_build b;
    memset(&b, 0, sizeof b);
    if (!background || s->jit_cache)
        st = swirl_cuda_jit_build(&b, &code, arch, s->zc_jit_maxrreg,
                                  flags | (background ? SWIRL_JIT_PROBE : 0u));
    if (st == SWIRL_OK && !b.cubin) { /* background, not in the disk cache: a thread compiles */
        jit_bg *j = (jit_bg *)swirl_calloc(1, sizeof *j);
        if (!j) {
            st = SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
        } else {
            j->code = code;
            snprintf(j->arch, sizeof j->arch, "%s", arch);
            j->maxrreg = s->zc_jit_maxrreg;
            j->flags = flags | SWIRL_JIT_SPARE;
            if (pthread_create(&j->th, NULL, jit_bg_run, j) == 0) {
                e->bg = j;
                c->stats.background++;
                swirl_log(SWIRL_LOG_INFO,
                          "%s JIT of AIR %s: compiling in the background (%zu units); the "
                          "interpreter runs until it is ready",
                          JIT_WHAT(e), e->name, code.n_units);
                c->stats.build_ms += jit_now_ms() - t0;
                return; /* the job owns the code now */
            }
            free(j);
            st = SWIRL_RAISE(SWIRL_E_INTERNAL, "no thread for the background compile");
        }
    }
    if (st == SWIRL_OK) {
        st = jit_load_kernel(e, &b);
        if (st == SWIRL_OK) {
            c->stats.kernels++;
            c->stats.compiled += !b.from_cache;
            jit_log_built(e, &b, code.n_units, code.n_chunks, "compiled");
        }
    }
    if (st != SWIRL_OK)
        jit_failed(c, e, st, swirl_last_error());
    c->stats.build_ms += jit_now_ms() - t0;
    swirl_jit_build_clear(&b);
    swirl_zc_jit_code_free(&code);
}

/* joins e's finished (or, with wait, running) background compile and loads its kernel;
 * 0 when it is still running and wait is 0 */
static int jit_settle(struct swirl_cuda_zc_jit *c, zc_jit_entry *e, int wait, int load) {
    jit_bg *j = e->bg;
    if (!j)
        return 1;
    if (!wait && !__atomic_load_n(&j->done, __ATOMIC_ACQUIRE))
        return 0;
    pthread_join(j->th, NULL);
    e->bg = NULL;
    c->stats.build_ms += j->b.wall_ms;
    if (load && j->st == SWIRL_OK) {
        enum swirl_status st = jit_load_kernel(e, &j->b);
        if (st == SWIRL_OK) {
            c->stats.kernels++;
            c->stats.compiled += !j->b.from_cache;
            jit_log_built(e, &j->b, j->code.n_units, j->code.n_chunks,
                          "compiled in the background");
        } else {
            jit_failed(c, e, st, swirl_last_error());
        }
    } else if (load) {
        jit_failed(c, e, j->st, j->err);
    }
    swirl_jit_build_clear(&j->b);
    swirl_zc_jit_code_free(&j->code);
    free(j);
    return 1;
}

extern "C" enum swirl_status swirl_cuda_zc_jit_kernel(swirl_cuda_ctx *ctx, void **kernel,
                                                      unsigned *ticket,
                                                      const swirl_zc_stream *sp,
                                                      const swirl_zc_dprog *pg, const char *name,
                                                      int ext) {
    SWIRL_ARG_CHECK(kernel != NULL && ticket != NULL);
    *kernel = NULL;
    *ticket = 0;
    SWIRL_CUDA_CHECK_CTX(ctx);
    SWIRL_ARG_CHECK(sp && pg);
    int mode = swirl_settings_get()->zc_jit;
    if (mode == SWIRL_ZC_JIT_OFF)
        return SWIRL_OK;
    if (!ctx->zc_jit) {
        ctx->zc_jit = (struct swirl_cuda_zc_jit *)swirl_calloc(1, sizeof *ctx->zc_jit);
        if (!ctx->zc_jit) {
            swirl_log(SWIRL_LOG_WARN, "round-0 JIT: out of memory; the interpreter runs");
            return SWIRL_OK;
        }
    }
    struct swirl_cuda_zc_jit *c = ctx->zc_jit;
    int major = 0, minor = 0;
    if (cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, ctx->device) !=
            cudaSuccess ||
        cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, ctx->device) !=
            cudaSuccess) {
        cudaGetLastError();
        swirl_log(SWIRL_LOG_WARN, "round-0 JIT: no compute capability; the interpreter runs");
        return SWIRL_OK;
    }
    size_t words = 0;
    uint32_t *key = jit_mem_key(&words, sp, pg, 10 * major + minor,
                                swirl_settings_get()->zc_jit_maxrreg, ext);
    if (!key) {
        swirl_log(SWIRL_LOG_WARN, "round-0 JIT: out of memory; the interpreter runs");
        return SWIRL_OK;
    }
    for (size_t i = 0; i < c->n; i++)
        if (c->e[i].key_words == words && memcmp(c->e[i].key, key, words * 4) == 0) {
            free(key);
            if (c->e[i].bg && mode == SWIRL_ZC_JIT_WAIT)
                jit_settle(c, &c->e[i], 1, 1);
            if (c->e[i].bg)
                *ticket = (unsigned)i + 1;
            *kernel = c->e[i].lib ? (void *)c->e[i].kernel : NULL;
            return SWIRL_OK; /* a failure was reported when it happened */
        }
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 8;
        zc_jit_entry *p = (zc_jit_entry *)swirl_realloc(c->e, cap * sizeof *p);
        if (!p) {
            free(key);
            swirl_log(SWIRL_LOG_WARN, "round-0 JIT: out of memory; the interpreter runs");
            return SWIRL_OK;
        }
        c->e = p;
        c->cap = cap;
    }
    size_t at = c->n++;
    zc_jit_entry *e = &c->e[at];
    memset(e, 0, sizeof *e);
    e->key = key;
    e->key_words = words;
    e->n_instrs = sp->n_instrs;
    e->ext = ext != 0;
    snprintf(e->name, sizeof e->name, "%s", name ? name : "?");
    jit_make(c, e, sp, pg, 10 * major + minor, mode == SWIRL_ZC_JIT_BACKGROUND);
    if (e->bg)
        *ticket = (unsigned)at + 1;
    *kernel = e->lib ? (void *)e->kernel : NULL;
    return SWIRL_OK;
}

extern "C" int swirl_cuda_zc_jit_poll(swirl_cuda_ctx *ctx, unsigned ticket, void **kernel) {
    *kernel = NULL;
    if (!ctx || !ctx->zc_jit || ticket == 0 || ticket > ctx->zc_jit->n)
        return 1;
    zc_jit_entry *e = &ctx->zc_jit->e[ticket - 1];
    if (!jit_settle(ctx->zc_jit, e, 0, 1))
        return 0;
    *kernel = e->lib ? (void *)e->kernel : NULL;
    return 1;
}

extern "C" unsigned swirl_cuda_zc_jit_wait(swirl_cuda_ctx *ctx) {
    if (!ctx || !ctx->zc_jit)
        return 0;
    struct swirl_cuda_zc_jit *c = ctx->zc_jit;
    unsigned n = 0;
    double t0 = jit_now_ms();
    for (size_t i = 0; i < c->n; i++)
        if (c->e[i].bg) {
            jit_settle(c, &c->e[i], 1, 1);
            n++;
        }
    c->stats.wait_ms += jit_now_ms() - t0;
    return n;
}

extern "C" void swirl_cuda_zc_jit_launched(swirl_cuda_ctx *ctx, int ext) {
    if (ctx && ctx->zc_jit) {
        ctx->zc_jit->stats.launches++;
        ctx->zc_jit->stats.mle_launches += ext != 0;
    }
}

static unsigned long long g_jit_fault; /* countdown (tests only); 0: disarmed */

extern "C" void swirl_cuda_fault_jit_launch_at(unsigned long long n) {
    g_jit_fault = n;
}

extern "C" int swirl_cuda_zc_jit_fault_fires(void) {
    return g_jit_fault != 0 && --g_jit_fault == 0;
}

extern "C" void swirl_cuda_zc_jit_refused(swirl_cuda_ctx *ctx) {
    if (ctx && ctx->zc_jit)
        ctx->zc_jit->stats.failures++;
}

extern "C" void swirl_cuda_zc_jit_stats_get(const swirl_cuda_ctx *ctx,
                                            swirl_cuda_zc_jit_stats *out) {
    if (!out)
        return;
    memset(out, 0, sizeof *out);
    if (ctx && ctx->zc_jit)
        *out = ctx->zc_jit->stats;
}

extern "C" void swirl_cuda_zc_jit_free(swirl_cuda_ctx *ctx) {
    if (!ctx || !ctx->zc_jit)
        return;
    struct swirl_cuda_zc_jit *c = ctx->zc_jit;
    for (size_t i = 0; i < c->n; i++) {
        if (c->e[i].bg) { /* its result goes to the disk cache: the next run has it at once */
            if (!__atomic_load_n(&c->e[i].bg->done, __ATOMIC_ACQUIRE))
                swirl_log(SWIRL_LOG_INFO,
                          "%s JIT of AIR %s: waiting for its background compile to finish "
                          "(%s)",
                          JIT_WHAT(&c->e[i]), c->e[i].name,
                          swirl_settings_get()->jit_cache ? "it goes to the disk cache"
                                                          : "the disk cache is off");
            jit_settle(c, &c->e[i], 1, 0);
        }
        if (c->e[i].lib)
            cudaLibraryUnload(c->e[i].lib);
        free(c->e[i].key);
    }
    free(c->e);
    free(c);
    ctx->zc_jit = NULL;
}
