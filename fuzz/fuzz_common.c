/* Keys and proofs of the CLI's built-in AIR sets at toy parameters (fuzz_common.h). */
#include "fuzz_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "swirl/swirl_airs.h"

_Noreturn void fuzz_fail(const char *what, enum swirl_status st) {
    fprintf(stderr, "fuzz: %s (%s: %s)\n", what, swirl_status_str(st), swirl_last_error());
    abort();
}

/* ASan's hooks (sanitizer/allocator_interface.h), weak so that builds without ASan link */
int __sanitizer_install_malloc_and_free_hooks(void (*m)(const volatile void *, size_t),
                                              void (*f)(const volatile void *))
    __attribute__((weak));
size_t __sanitizer_get_allocated_size(const volatile void *p) __attribute__((weak));

static int heap_on, heap_hooked;
static size_t heap_live, heap_peak;

static void on_malloc(const volatile void *p, size_t n) {
    (void)p;
    if (!heap_on)
        return;
    heap_live += n;
    if (heap_live > heap_peak)
        heap_peak = heap_live;
}

static void on_free(const volatile void *p) {
    if (!heap_on || !p || !__sanitizer_get_allocated_size)
        return;
    size_t n = __sanitizer_get_allocated_size(p);
    heap_live = n < heap_live ? heap_live - n : 0; /* blocks from before begin() may be freed */
}

int fuzz_heap_counting(void) {
    if (!heap_hooked && __sanitizer_install_malloc_and_free_hooks &&
        __sanitizer_get_allocated_size)
        heap_hooked = __sanitizer_install_malloc_and_free_hooks(on_malloc, on_free) != 0 ? 1 : -1;
    return heap_hooked == 1;
}

void fuzz_heap_begin(void) {
    if (!fuzz_heap_counting())
        return;
    heap_live = heap_peak = 0;
    heap_on = 1;
}

size_t fuzz_heap_peak(void) {
    return heap_peak;
}

void fuzz_heap_end(size_t size, size_t per_byte, size_t fixed) {
    heap_on = 0;
    if (heap_hooked != 1)
        return;
    if (getenv("SWIRL_FUZZ_VERBOSE"))
        fprintf(stderr, "fuzz: %zu input bytes, heap peak %zu bytes (bound %zu * %zu + %zu)\n",
                size, heap_peak, per_byte, size, fixed);
    if (heap_peak > per_byte * size + fixed) {
        fprintf(stderr, "fuzz: %zu input bytes made a heap peak of %zu bytes, above %zu * %zu + %zu\n",
                size, heap_peak, per_byte, size, fixed);
        abort();
    }
}

void fuzz_toy_params(swirl_system_params *p) {
    swirl_whir_proximity ud = {SWIRL_PROXIMITY_UNIQUE_DECODING, 0, 0};
    memset(p, 0, sizeof *p);
    p->l_skip = 2;
    p->n_stack = 14;
    p->w_stack = 16;
    p->log_blowup = 1;
    p->max_constraint_degree = 3;
    enum swirl_status st = swirl_whir_config_init(&p->whir, 1, 16, 2, 2, 2, ud, 2, 2, 32);
    if (st != SWIRL_OK)
        fuzz_fail("toy parameters", st);
    p->logup = swirl_logup_params_baby_bear_100_bits(0.0);
    p->logup.pow_bits = 2;
}

static fuzz_key keys[FUZZ_N_KEYS];
static swirl_context *ctx;
static int ready;

static void add_air(fuzz_key *k, swirl_air_builder *b, enum swirl_status st) {
    if (st != SWIRL_OK)
        fuzz_fail("building an AIR", st);
    swirl_air *a = NULL;
    st = swirl_air_compile(&a, b, 3);
    swirl_air_builder_destroy(b);
    if (st != SWIRL_OK)
        fuzz_fail("compiling an AIR", st);
    k->airs[k->n_airs++] = a;
}

static void make_key(fuzz_key *k, const swirl_system_params *p) {
    swirl_air_spec spec[2];
    for (size_t i = 0; i < k->n_airs; i++) {
        swirl_air_spec s = {k->airs[i], NULL, 0, 1};
        spec[i] = s;
    }
    enum swirl_status st = swirl_vk_create(&k->vk, p, spec, k->n_airs);
    if (st == SWIRL_OK)
        st = swirl_vk_to_bytes(&k->vk_bytes, &k->vk_len, k->vk);
    if (st != SWIRL_OK)
        fuzz_fail("keygen", st);
}

static void prove(fuzz_key *k, const swirl_trace *traces) {
    swirl_proof *proof = NULL;
    enum swirl_status st = swirl_prove(ctx, &proof, k->vk, traces);
    if (st == SWIRL_OK)
        st = swirl_proof_to_bytes(&k->proof, &k->proof_len, proof, k->vk);
    if (st == SWIRL_OK)
        st = swirl_verify(ctx, k->vk, proof);
    swirl_proof_destroy(proof);
    if (st != SWIRL_OK)
        fuzz_fail("proving a seed", st);
}

static void setup(void) {
    swirl_system_params p;
    fuzz_toy_params(&p);
    swirl_context_options o;
    swirl_context_options_init(&o);
    o.threads = 1;
    enum swirl_status st = swirl_context_create(&ctx, &o);
    if (st != SWIRL_OK)
        fuzz_fail("context", st);
    swirl_air_builder *b = NULL;

    /* fib: 256 rows, public values (0, 1, fib(256)) */
    fuzz_key *k = &keys[FUZZ_KEY_FIB];
    k->name = "fib";
    st = swirl_fib_air_build(&b);
    add_air(k, b, st);
    make_key(k, &p);
    enum { FIB_ROWS = 256 };
    swirl_felt *fib = NULL;
    if ((st = swirl_fib_trace(&fib, 0, 1, FIB_ROWS)) != SWIRL_OK)
        fuzz_fail("fib trace", st);
    swirl_felt pv[3] = {swirl_felt_from_u32(0), swirl_felt_from_u32(1), fib[2 * FIB_ROWS - 1]};
    swirl_trace ft = {fib, FIB_ROWS, pv, NULL};
    prove(k, &ft);
    swirl_free(fib);

    /* interactions: a sender of 32 rows and a receiver of 4 on bus 3 */
    k = &keys[FUZZ_KEY_INTERACTIONS];
    k->name = "interactions";
    st = swirl_dummy_interaction_air_build(&b, 1, 1, 3, 0);
    add_air(k, b, st);
    st = swirl_dummy_interaction_air_build(&b, 1, 0, 3, 0);
    add_air(k, b, st);
    make_key(k, &p);
    enum { SROWS = 32, RROWS = 4 };
    static swirl_felt sm[2 * SROWS], rm[2 * RROWS];
    swirl_dummy_interaction_pair_traces(sm, SROWS, rm, RROWS);
    swirl_trace it[2] = {{sm, SROWS, NULL, NULL}, {rm, RROWS, NULL, NULL}};
    prove(k, it);

    /* self-interaction: width 4, 64 rows, bus 0 */
    k = &keys[FUZZ_KEY_SELF_INTERACTION];
    k->name = "self-interaction";
    st = swirl_self_interaction_air_build(&b, 4, 0);
    add_air(k, b, st);
    make_key(k, &p);
    swirl_felt *si = NULL;
    if ((st = swirl_self_interaction_trace(&si, 4, 6)) != SWIRL_OK)
        fuzz_fail("self-interaction trace", st);
    swirl_trace sit = {si, 64, NULL, NULL};
    prove(k, &sit);
    swirl_free(si);
    ready = 1;
}

fuzz_key *fuzz_keys(void) {
    if (!ready)
        setup();
    return keys;
}

swirl_context *fuzz_context(void) {
    if (!ready)
        setup();
    return ctx;
}
