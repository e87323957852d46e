/* OpenVM v2.0.1 DuplexSponge transcript (crates/stark-backend/src/transcript/duplex_sponge.rs) and
 * the FiatShamirTranscript helpers (traits.rs): ext observe/sample, sample_bits, PoW. */
#include "util/alloc.h"
#include "transcript/transcript.h"

#include <stdlib.h>
#include <string.h>

/* the log hook of the host instantiation (transcript_impl.h) */
static void log_value(swirl_transcript_log *log, bb31 v, int sampled);
static void log_perm(swirl_transcript_log *log, const bb31 *state);
#define SWIRL_TS_ON_VALUE(t, value, sampled)                                                       \
    do {                                                                                           \
        if ((t)->log)                                                                              \
            log_value((t)->log, (value), (sampled));                                               \
    } while (0)
#define SWIRL_TS_ON_PERM(t)                                                                        \
    do {                                                                                           \
        if ((t)->log)                                                                              \
            log_perm((t)->log, (t)->state);                                                        \
    } while (0)
/* the host permutation: p2_bb16_permute picks the AVX2 single-state path where enabled */
#define SWIRL_TS_PERMUTE(s, tb) ((void)(tb), p2_bb16_permute(s))
#include "transcript/transcript_impl.h"
#include "util/test_hooks.h"

static const uint32_t g_ext_init[64] = P2_BB16_RC_EXT_INITIAL_MONT;
static const uint32_t g_ext_final[64] = P2_BB16_RC_EXT_FINAL_MONT;
static const uint32_t g_internal[13] = P2_BB16_RC_INTERNAL_MONT;
static const swirl_ts_tables g_tables = {g_ext_init, g_ext_final, g_internal, 0, NULL};

void swirl_transcript_init(swirl_transcript *t) {
    memset(t, 0, sizeof *t);
    t->log = NULL;
}

/* OpenVM's DuplexSpongeRecorder::from starts its log's perm_results with the sponge's initial state
 * (all zeros), so an empty log attached here records the current state first. */
void swirl_transcript_set_log(swirl_transcript *t, swirl_transcript_log *log) {
    t->log = log;
    if (log && log->n_values == 0 && log->n_perms == 0)
        log_perm(log, t->state);
}

void swirl_transcript_set_grinder(swirl_transcript *t, swirl_grind_fn fn, void *ctx) {
    t->grinder = fn;
    t->grinder_ctx = ctx;
}

void swirl_transcript_log_init(swirl_transcript_log *log) {
    memset(log, 0, sizeof *log);
    log->values = NULL;
    log->is_sample = NULL;
    log->perms = NULL;
}

void swirl_transcript_log_clear(swirl_transcript_log *log) {
    if (!log)
        return;
    free(log->values);
    free(log->is_sample);
    free(log->perms);
    swirl_transcript_log_init(log);
}

/* Grows *p (elements of `size` bytes) to hold at least `need`; 0 on failure (nothing changed). */
static int log_grow(void **p, size_t *cap, size_t need, size_t size) {
    if (need <= *cap)
        return 1;
    size_t c = *cap ? *cap : 256;
    while (c < need)
        c *= 2;
    void *q = swirl_realloc(*p, c * size);
    if (!q)
        return 0;
    *p = q;
    *cap = c;
    return 1;
}

static void log_value(swirl_transcript_log *log, bb31 v, int sampled) {
    if (log->failed)
        return;
    size_t cap = log->cap_values;
    void *vals = log->values, *flags = log->is_sample;
    if (!log_grow(&vals, &cap, log->n_values + 1, sizeof(uint32_t))) {
        log->failed = 1;
        return;
    }
    log->values = vals;
    cap = log->cap_values;
    if (!log_grow(&flags, &cap, log->n_values + 1, 1)) {
        log->failed = 1;
        return;
    }
    log->is_sample = flags;
    log->cap_values = cap;
    log->values[log->n_values] = bb31_to_u32(v);
    log->is_sample[log->n_values] = (uint8_t)(sampled != 0);
    log->n_values++;
}

static void log_perm(swirl_transcript_log *log, const bb31 *state) {
    if (log->failed)
        return;
    void *p = log->perms;
    if (!log_grow(&p, &log->cap_perms, log->n_perms + 1, P2_WIDTH * sizeof(uint32_t))) {
        log->failed = 1;
        return;
    }
    log->perms = p;
    for (int i = 0; i < P2_WIDTH; i++)
        log->perms[log->n_perms * P2_WIDTH + i] = bb31_to_u32(state[i]);
    log->n_perms++;
}

void swirl_transcript_observe(swirl_transcript *t, bb31 value) {
    swirl_ts_observe(t, value, &g_tables);
}

bb31 swirl_transcript_sample(swirl_transcript *t) {
    return swirl_ts_sample(t, &g_tables);
}

void swirl_transcript_observe_ext(swirl_transcript *t, bb31x4 value) {
    swirl_ts_observe_ext(t, value, &g_tables);
}

/* the ext values as one run of base elements (a chunk may start inside an ext value) */
_Static_assert(sizeof(bb31x4) == 4 * sizeof(bb31), "bb31x4 is 4 packed bb31");

void swirl_transcript_observe_ext_many(swirl_transcript *t, const bb31x4 *v, size_t n) {
    if (t->log) { /* the log sees every value and every permutation */
        for (size_t i = 0; i < n; i++)
            swirl_ts_observe_ext(t, v[i], &g_tables);
        return;
    }
    const bb31 *b = (const bb31 *)v;
    size_t total = 4 * n, k = 0;
    /* up to the next permutation boundary one by one (absorb_idx is 0 there) */
    while (k < total && t->absorb_idx != 0)
        swirl_ts_observe(t, b[k++], &g_tables);
    size_t nchunks = (total - k) / P2_RATE;
    if (nchunks) {
        /* what the last chunk's RATE-th observe leaves (swirl_ts_observe, swirl_ts_permute) */
        p2_bb16_absorb_chunks(t->state, b + k, nchunks);
        t->absorb_idx = 0;
        t->sample_idx = P2_RATE;
        t->last_op_perm = 1;
        k += nchunks * P2_RATE;
    }
    while (k < total)
        swirl_ts_observe(t, b[k++], &g_tables);
}

bb31x4 swirl_transcript_sample_ext(swirl_transcript *t) {
    return swirl_ts_sample_ext(t, &g_tables);
}

void swirl_transcript_observe_digest(swirl_transcript *t, const swirl_digest *d) {
    swirl_ts_observe_digest(t, d, &g_tables);
}

uint32_t swirl_transcript_sample_bits(swirl_transcript *t, unsigned bits) {
    return swirl_ts_sample_bits(t, bits, &g_tables);
}

int swirl_transcript_check_witness(swirl_transcript *t, unsigned bits, bb31 witness) {
    return swirl_ts_check_witness(t, bits, witness, &g_tables);
}

enum swirl_status swirl_transcript_grind(swirl_transcript *t, bb31 *witness, unsigned bits) {
    SWIRL_ARG_CHECK(t != NULL && witness != NULL);
    if (bits >= 31)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "PoW bits %u: must be < 31", bits);
    if (bits == 0) {
        *witness = bb31_zero();
        return SWIRL_OK;
    }
    if (swirl_test_hooks_active &&
        ++swirl_test_hooks_active->grind_calls == swirl_test_hooks_active->forge_grind) {
        /* a test's forged witness: the smallest that fails, observed as a real one would be */
        uint32_t w = 0;
        for (;; w++) {
            swirl_transcript copy = *t;
            copy.log = NULL;
            if (!swirl_transcript_check_witness(&copy, bits, bb31_from_u32(w)))
                break;
        }
        *witness = bb31_from_u32(w);
        (void)swirl_transcript_check_witness(t, bits, *witness);
        return SWIRL_OK;
    }
    if (t->grinder) {
        bb31 w;
        SWIRL_TRY(t->grinder(t->grinder_ctx, t, bits, &w));
        if (!swirl_transcript_check_witness(t, bits, w))
            return SWIRL_RAISE(SWIRL_E_INTERNAL,
                               "PoW accelerator: witness %u does not pass %u-bit check",
                               bb31_to_u32(w), bits);
        *witness = w;
        return SWIRL_OK;
    }
    /* Search candidates in blocks; within a block every thread tests its share and the smallest
     * success wins, so the result is the smallest witness whatever the thread count. A block holds
     * 16x the expected work (2^bits candidates), between 64 and 65,536 candidates, so a 2-bit
     * grind tests 64 candidates on one thread instead of a 65,536-candidate parallel block. */
    const uint64_t block = (uint64_t)1 << (bits + 4 < 6 ? 6 : bits + 4 > 16 ? 16 : bits + 4);
    uint64_t found = UINT64_MAX;
    for (uint64_t base = 0; base < BB31_P && found == UINT64_MAX; base += block) {
        uint64_t end = base + block < BB31_P ? base + block : BB31_P;
        long long lo = (long long)base, hi = (long long)end;
        uint64_t best = UINT64_MAX;
        /* check_witness(w) = observe(w), sample: exactly one permutation of the state with w written
         * at absorb_idx, then the output state[RATE-1]; 16 candidates go through the vector
         * permutation at once */
        const uint32_t mask = (uint32_t)((1ull << bits) - 1);
#pragma omp parallel for schedule(static) reduction(min : best) if (hi - lo >= 4096)
        for (long long c = lo; c < hi; c += 16) {
            bb31 st[16 * P2_WIDTH];
            size_t cnt = hi - c < 16 ? (size_t)(hi - c) : 16;
            for (size_t i = 0; i < cnt; i++) {
                memcpy(st + i * P2_WIDTH, t->state, sizeof t->state);
                st[i * P2_WIDTH + t->absorb_idx] = bb31_from_u32((uint32_t)(c + (long long)i));
            }
            p2_bb16_permute_many(st, cnt);
            for (size_t i = 0; i < cnt; i++)
                if ((bb31_to_u32(st[i * P2_WIDTH + P2_RATE - 1]) & mask) == 0 && (uint64_t)c + i < best)
                    best = (uint64_t)c + i;
        }
        found = best;
    }
    if (found == UINT64_MAX)
        return SWIRL_RAISE(SWIRL_E_INTERNAL, "no PoW witness for %u bits", bits);
    *witness = bb31_from_u32((uint32_t)found);
    if (!swirl_transcript_check_witness(t, bits, *witness))
        return SWIRL_RAISE(SWIRL_E_INTERNAL, "PoW witness failed its own check");
    return SWIRL_OK;
}
