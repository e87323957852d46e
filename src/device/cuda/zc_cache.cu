/*
 * The context's cache of constraint-program tables (cuda_zc.h swirl_cuda_program_cached).
 *
 * Why: the rap_constraints stage runs every AIR's program in every proof. Making a program object
 * per proof meant, each time, the host build of the flat program and of the levelled schedule
 * (KeccakAir: 36,354 instructions, 47 levels), cudaMallocs and synchronous uploads of a few MB of
 * tables, a cudaMalloc of the value scratch (about 1.6 GB for KeccakAir at 1024 permutations)
 * and, at the end of the stage, cudaFrees that wait for the device: about 14.5 ms of host time
 * per keccakf proof on an H100 (span minus GPU time; not all of it this), and device
 * allocations on the hot path. Now the tables are made once per program and
 * context (the first proof: setup) and the per-proof scratch is a slice of the arena that
 * begin_proof plans (prover/cuda_rap.cu), so a later proof of the same programs allocates nothing.
 *
 * Key: the content, never the AIR's address (an AIR may be freed and another made at the same
 * address). It is the flat program of swirl_zc_dprog_build (every scalar and every table the
 * device gets) plus the settings that decide whether a schedule and a stream are made and the
 * stream compiled (zc_per_thread, zc_r0_flat, zc_jit): a 64-bit
 * FNV-1a hash over those words picks the candidates, which are then compared word for word, so
 * a hash collision can never hand out another program's tables. Before that, a fast path: an
 * entry remembers the serial of the last built program found equal to it (swirl_air_program.serial,
 * unique in the process and never reused, unlike an address) and the settings word, so the same
 * program looked up again skips the flat program, the hash and the compare. The schedule is a
 * function of the flat program and the device (one context, one device), so it needs no key of
 * its own.
 *
 * Lifetime: an entry is inserted only once its tables are whole on the device (a failed make,
 * e.g. an injected allocation fault, leaves the cache as it was); the device never writes the
 * tables (the kernels read them), so a failed stage cannot alter an entry; entries live until
 * evicted (least recently used among those no bound program borrows, when a miss finds the cache
 * full) or until the context is destroyed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "air/program.h"
#include "device/cuda/cuda_common.cuh"
#include "device/cuda/cuda_zc.h"
#include "device/zc_eval.h"
#include "util/alloc.h"
#include "util/log.h"
#include "util/settings.h"

typedef struct zc_cache_entry {
    swirl_cuda_program *tables; /* NULL: a free slot */
    uint64_t hash;
    uint32_t *key; /* the key words (zc_key_for), key_words of them */
    size_t key_words;
    size_t device_bytes; /* the tables' and schedule's cudaMallocs */
    unsigned long long last_use;
    /* the last program seen with this content (swirl_air_program.serial) and the settings word
     * it was looked up with: the fast path (no flat program built, no key compared) */
    uint64_t prog_serial;
    uint32_t settings;
} zc_cache_entry;

struct swirl_cuda_zc_cache {
    zc_cache_entry e[SWIRL_CUDA_ZC_CACHE_MAX];
    unsigned long long clock, hits, misses, evictions;
};

/* ------------------------------------------------------------------------------------------ */
/* the key: a header of scalars, then the flat program's tables (as zc_constraint.cu uploads them)
 */

#define ZC_KEY_HEADER 12
#define ZC_KEY_PARTS 8

typedef struct zc_key {
    uint32_t head[ZC_KEY_HEADER];
    const uint32_t *part[ZC_KEY_PARTS];
    size_t len[ZC_KEY_PARTS]; /* words */
    size_t words;             /* header + parts */
} zc_key;

/* the settings that decide the tables' form (part of the key) */
static uint32_t zc_settings_word(void) {
    const swirl_settings *g = swirl_settings_get();
    return (uint32_t)(g->zc_per_thread != 0) | (uint32_t)(g->zc_r0_flat != 0) << 1 |
           (uint32_t)(g->zc_jit != 0) << 2 | (uint32_t)(g->zc_mle_jit != 0) << 3;
}

static void zc_key_for(zc_key *k, const swirl_zc_dprog *h) {
    size_t ni = h->n_interactions, nf = h->field_start[ni];
    uint32_t head[ZC_KEY_HEADER] = {h->n_slots,
                                    h->in_base,
                                    h->n_vars,
                                    h->n_consts,
                                    h->n_constraints,
                                    h->n_interactions,
                                    (uint32_t)h->n_instrs,
                                    (uint32_t)((uint64_t)h->n_instrs >> 32),
                                    (uint32_t)h->rot,
                                    (uint32_t)h->has_prep,
                                    h->nv,
                                    zc_settings_word()};
    memcpy(k->head, head, sizeof head);
    const uint32_t *part[ZC_KEY_PARTS] = {h->instrs,      (const uint32_t *)h->consts,
                                          h->var_info,    h->cons_val,
                                          h->field_start, h->field_val,
                                          h->count_val,   (const uint32_t *)h->bus1};
    size_t len[ZC_KEY_PARTS] = {
        4 * h->n_instrs, h->n_consts, 3 * (size_t)h->n_vars, h->n_constraints, ni + 1, nf, ni, ni};
    k->words = ZC_KEY_HEADER;
    for (int i = 0; i < ZC_KEY_PARTS; i++) {
        k->part[i] = part[i];
        k->len[i] = len[i];
        k->words += len[i];
    }
}

static uint64_t zc_fnv(uint64_t x, const uint32_t *w, size_t n) {
    for (size_t i = 0; i < n; i++) {
        x ^= w[i];
        x *= 0x100000001b3ull;
    }
    return x;
}

static uint64_t zc_key_hash(const zc_key *k) {
    uint64_t x = zc_fnv(0xcbf29ce484222325ull, k->head, ZC_KEY_HEADER);
    for (int i = 0; i < ZC_KEY_PARTS; i++)
        x = zc_fnv(x, k->part[i], k->len[i]);
    return x;
}

static int zc_key_equal(const zc_key *k, const uint32_t *stored) {
    if (memcmp(stored, k->head, sizeof k->head) != 0)
        return 0;
    stored += ZC_KEY_HEADER;
    for (int i = 0; i < ZC_KEY_PARTS; i++) {
        if (k->len[i] && memcmp(stored, k->part[i], k->len[i] * sizeof(uint32_t)) != 0)
            return 0;
        stored += k->len[i];
    }
    return 1;
}

/* the key's words in one host allocation (NULL: out of memory) */
static uint32_t *zc_key_copy(const zc_key *k) {
    uint32_t *w = (uint32_t *)swirl_malloc(k->words * sizeof *w);
    if (!w)
        return NULL;
    memcpy(w, k->head, sizeof k->head);
    size_t o = ZC_KEY_HEADER;
    for (int i = 0; i < ZC_KEY_PARTS; i++) {
        if (k->len[i])
            memcpy(w + o, k->part[i], k->len[i] * sizeof *w);
        o += k->len[i];
    }
    return w;
}

/* ------------------------------------------------------------------------------------------ */
/* entries */

static void zc_entry_clear(swirl_cuda_ctx *ctx, zc_cache_entry *e) {
    if (e->tables && swirl_cuda_program_borrows(e->tables) != 0)
        swirl_log(SWIRL_LOG_WARN,
                  "constraint program cache: tables freed while %u bound programs borrow them",
                  swirl_cuda_program_borrows(e->tables));
    (void)ctx;
    swirl_cuda_program_destroy(e->tables); /* its cudaFrees are counted there */
    free(e->key);
    memset(e, 0, sizeof *e);
}

/* a slot for a new entry: a free one, else the least recently used one no bound program borrows
 * (evicted: its cudaFree waits for the device, once, at a proof's setup); NULL when every entry
 * is borrowed */
static zc_cache_entry *zc_slot(swirl_cuda_ctx *ctx, struct swirl_cuda_zc_cache *c) {
    zc_cache_entry *lru = NULL;
    for (size_t i = 0; i < SWIRL_CUDA_ZC_CACHE_MAX; i++) {
        zc_cache_entry *e = &c->e[i];
        if (!e->tables)
            return e;
        if (swirl_cuda_program_borrows(e->tables) == 0 && (!lru || e->last_use < lru->last_use))
            lru = e;
    }
    if (lru) {
        swirl_log(SWIRL_LOG_DEBUG, "constraint program cache: evicting an entry (%zu bytes)",
                  lru->device_bytes);
        zc_entry_clear(ctx, lru);
        c->evictions++;
    }
    return lru;
}

extern "C" enum swirl_status swirl_cuda_program_cached(swirl_cuda_ctx *ctx,
                                                       swirl_cuda_program **out,
                                                       const swirl_air *air, size_t scratch_bytes,
                                                       const swirl_cuda_zc_scratch *mem) {
    SWIRL_ARG_CHECK(out != NULL);
    *out = NULL;
    SWIRL_CUDA_CHECK_CTX(ctx);
    SWIRL_ARG_CHECK(air && mem);
    if (!ctx->zc_cache) {
        ctx->zc_cache = (struct swirl_cuda_zc_cache *)swirl_calloc(1, sizeof *ctx->zc_cache);
        if (!ctx->zc_cache)
            return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    }
    struct swirl_cuda_zc_cache *c = ctx->zc_cache;
    /* the fast path: this very program (its serial) was looked up before with these settings
     * (KeccakAir: 0.4 ms of host time a proof for the flat program, its hash and the compare) */
    const uint64_t serial = air->program ? air->program->serial : 0;
    const uint32_t settings = zc_settings_word();
    for (size_t i = 0; serial != 0 && i < SWIRL_CUDA_ZC_CACHE_MAX; i++) {
        zc_cache_entry *e = &c->e[i];
        if (e->tables && e->prog_serial == serial && e->settings == settings) {
            e->last_use = ++c->clock;
            c->hits++;
            return swirl_cuda_program_bind(out, e->tables, 0, scratch_bytes, mem);
        }
    }
    swirl_zc_dprog h;
    void *storage = NULL;
    SWIRL_TRY(swirl_zc_dprog_build(&h, &storage, air));
    zc_key k;
    zc_key_for(&k, &h);
    uint64_t hash = zc_key_hash(&k);
    for (size_t i = 0; i < SWIRL_CUDA_ZC_CACHE_MAX; i++) {
        zc_cache_entry *e = &c->e[i];
        if (e->tables && e->hash == hash && e->key_words == k.words && zc_key_equal(&k, e->key)) {
            free(storage);
            e->last_use = ++c->clock;
            e->prog_serial = serial; /* the next lookup of this program takes the fast path */
            e->settings = settings;
            c->hits++;
            return swirl_cuda_program_bind(out, e->tables, 0, scratch_bytes, mem);
        }
    }
    /* a miss: the tables made now (setup: cudaMalloc and synchronous uploads, once per program
     * and context), kept in the cache when a slot is free or can be freed */
    uint32_t *key = zc_key_copy(&k);
    size_t key_words = k.words;
    free(storage); /* k pointed into it */
    if (!key)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    c->misses++;
    zc_cache_entry *slot = zc_slot(ctx, c);
    swirl_cuda_program *t = NULL;
    size_t before = ctx->dev_bytes;
    enum swirl_status st = swirl_cuda_program_create_tables(ctx, &t, air);
    if (st != SWIRL_OK) { /* nothing was inserted: the cache is as it was */
        free(key);
        return st;
    }
    if (!slot) {
        free(key);
        swirl_log(SWIRL_LOG_DEBUG,
                  "constraint program cache: all %d entries in use; AIR %s's tables not kept",
                  SWIRL_CUDA_ZC_CACHE_MAX, air->name);
        st = swirl_cuda_program_bind(out, t, 1, scratch_bytes, mem);
        if (st != SWIRL_OK)
            swirl_cuda_program_destroy(t);
        return st;
    }
    slot->tables = t;
    slot->hash = hash;
    slot->key = key;
    slot->key_words = key_words;
    slot->device_bytes = ctx->dev_bytes - before;
    slot->last_use = ++c->clock;
    slot->prog_serial = serial;
    slot->settings = settings;
    swirl_log(SWIRL_LOG_DEBUG, "constraint program cache: AIR %s's tables made (%zu device bytes)",
              air->name, slot->device_bytes);
    return swirl_cuda_program_bind(out, t, 0, scratch_bytes, mem);
}

extern "C" void swirl_cuda_zc_cache_stats_get(const swirl_cuda_ctx *ctx,
                                              swirl_cuda_zc_cache_stats *out) {
    if (!out)
        return;
    memset(out, 0, sizeof *out);
    if (!ctx || !ctx->zc_cache)
        return;
    const struct swirl_cuda_zc_cache *c = ctx->zc_cache;
    out->hits = c->hits;
    out->misses = c->misses;
    out->evictions = c->evictions;
    for (size_t i = 0; i < SWIRL_CUDA_ZC_CACHE_MAX; i++)
        if (c->e[i].tables) {
            out->entries++;
            out->device_bytes += c->e[i].device_bytes;
        }
}

void swirl_cuda_zc_cache_free(swirl_cuda_ctx *ctx) {
    if (!ctx || !ctx->zc_cache)
        return;
    for (size_t i = 0; i < SWIRL_CUDA_ZC_CACHE_MAX; i++)
        zc_entry_clear(ctx, &ctx->zc_cache->e[i]);
    free(ctx->zc_cache);
    ctx->zc_cache = NULL;
}
