/* Settings read once from the environment (see settings.h). */
#include "util/settings.h"

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static swirl_settings g_settings;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static int env_on(const char *name) {
    const char *v = getenv(name);
    return v && v[0] && !(v[0] == '0' && v[1] == 0);
}

/* on unless set to 0 or empty (the switches that default to on) */
static int env_default_on(const char *name) {
    return !getenv(name) || env_on(name);
}

/* a decimal count from the environment: dflt when unset, empty, not a whole number or out of
 * [lo, hi] */
static unsigned long env_count(const char *name, unsigned long dflt, unsigned long lo,
                               unsigned long hi) {
    const char *v = getenv(name);
    if (!v || !v[0])
        return dflt;
    char *end = NULL;
    unsigned long n = strtoul(v, &end, 10);
    return *end || n < lo || n > hi ? dflt : n;
}

static void read_settings(void) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    __builtin_cpu_init();
    g_settings.cpu_avx2 = __builtin_cpu_supports("avx2") ? 1 : 0;
    g_settings.cpu_avx512f = __builtin_cpu_supports("avx512f") ? 1 : 0;
    g_settings.cpu_ifma =
        __builtin_cpu_supports("avx512ifma") && __builtin_cpu_supports("avx512vl") ? 1 : 0;
#endif
    g_settings.use_avx2 = g_settings.cpu_avx2 && !env_on("SWIRL_NO_AVX2");
    g_settings.use_avx512 =
        g_settings.cpu_avx512f && g_settings.use_avx2 && !env_on("SWIRL_NO_AVX512");
    g_settings.use_ifma = g_settings.cpu_ifma && g_settings.use_avx512 && !env_on("SWIRL_NO_IFMA");
    g_settings.debug_sync = env_on("SWIRL_DEBUG_SYNC");
    const char *tl = getenv("SWIRL_CUDA_TIMELINE");
    g_settings.cuda_timeline = tl && tl[0] ? tl : NULL;
    g_settings.gpu_constraints = env_on("SWIRL_GPU_CONSTRAINTS");
    g_settings.gpu_stages = env_default_on("SWIRL_GPU_STAGES");
    g_settings.zc_per_thread = env_on("SWIRL_ZC_PER_THREAD");
    g_settings.zc_block_round0 = env_on("SWIRL_ZC_BLOCK_ROUND0");
    g_settings.zc_r0_flat = env_on("SWIRL_ZC_R0_FLAT");
    const char *zj = getenv("SWIRL_ZC_JIT");
    g_settings.zc_jit = !zj || !zj[0] || strcmp(zj, "2") == 0 || strcmp(zj, "background") == 0
                            ? SWIRL_ZC_JIT_BACKGROUND
                        : env_on("SWIRL_ZC_JIT") ? SWIRL_ZC_JIT_WAIT
                                                 : SWIRL_ZC_JIT_OFF;
    g_settings.jit_cache = env_default_on("SWIRL_JIT_CACHE");
    /* off by default: on the H100 the compiled stream ran keccakf's rounds 1-3 in 2.45, 2.14 and
     * 2.08 ms against the block kernel's 2.9, 1.5 and 0.7 (docs/PERF.md, eighth session) */
    g_settings.zc_mle_jit = env_on("SWIRL_ZC_MLE_JIT");
    g_settings.zc_mle_jit_min = env_count("SWIRL_ZC_MLE_JIT_MIN", 16384, 0, ULONG_MAX);
    g_settings.zc_blk_threads =
        env_count("SWIRL_ZC_BLK_THREADS", 512, 512, 1024) == 1024 ? 1024u : 512u;
    g_settings.zc_jit_maxrreg = (unsigned)env_count("SWIRL_ZC_JIT_MAXRREG", 80, 0, 255);
    g_settings.ts_grind_blocks = (unsigned)env_count("SWIRL_TS_GRIND_BLOCKS", 0, 0, 1ul << 24);
    g_settings.ts_grind_minb = (unsigned)env_count("SWIRL_TS_GRIND_MINB", 4, 2, 6);
    g_settings.pdl = env_default_on("SWIRL_PDL");
    g_settings.ts_prestart = env_default_on("SWIRL_TS_PRESTART");
    g_settings.rap_fold_pair = env_default_on("SWIRL_RAP_FOLD_PAIR");
    g_settings.sr_overlap = env_default_on("SWIRL_SR_OVERLAP");
    g_settings.zc_sched_list = env_default_on("SWIRL_ZC_SCHED_LIST");
    g_settings.merkle_fuse = (unsigned)env_count("SWIRL_MERKLE_FUSE", 0, 0, 2);
    g_settings.merkle_lanes = env_count("SWIRL_MERKLE_LANES", 8192, 0, 1ul << 20);
    g_settings.ntt_fuse = (unsigned)env_count("SWIRL_NTT_FUSE", 0, 0, 2);
    g_settings.ntt_split = (unsigned)env_count("SWIRL_NTT_SPLIT", 0, 0, 24);
    g_settings.ntt_yl = (unsigned)env_count("SWIRL_NTT_YL", 0, 0, 5);
    g_settings.ntt_fuse_lag = (unsigned)env_count("SWIRL_NTT_FUSE_LAG", 2, 1, 8);
    g_settings.rs_half = env_default_on("SWIRL_RS_HALF");
    /* off by default: on the H100 the block kernel ran KeccakAir's round 1 faster (rap 17.7 ms
     * against 18.9 with the stream from 16,384; docs/PERF.md) */
    g_settings.zc_mle_stream_min =
        env_count("SWIRL_ZC_MLE_STREAM_MIN", ULONG_MAX, 0, ULONG_MAX);
}

const swirl_settings *swirl_settings_get(void) {
    pthread_once(&g_once, read_settings);
    return &g_settings;
}
