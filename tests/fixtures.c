/* Shared test inputs (see fixtures.h). */
#include "fixtures.h"

#include "device/cuda/cuda_backend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "air/test_airs.h"
#include "harness.h"

void swirl_fixture_bus_traces(bb31 sm[2 * SWIRL_FIX_HS], bb31 rm[2 * SWIRL_FIX_HR]) {
    swirl_dummy_interaction_pair_traces(sm, SWIRL_FIX_HS, rm, SWIRL_FIX_HR);
}

void swirl_fixture_lookup_init(swirl_fixture_lookup *f) {
    enum { NF = SWIRL_FIX_NF, NS = SWIRL_FIX_NS };
    memset(f, 0, sizeof *f);
    swirl_air_builder *b;
    CHECK_OK(swirl_fib_selector_air_build(&b, 1));
    CHECK_OK(swirl_air_compile(&f->fib, b, 3));
    swirl_air_builder_destroy(b);
    CHECK_OK(swirl_dummy_interaction_air_build(&b, 1, 1, 0, 0));
    CHECK_OK(swirl_air_compile(&f->send, b, 3));
    swirl_air_builder_destroy(b);
    int sels[NF] = {1, 1, 0, 1, 0, 1, 1, 0};
    for (int i = 0; i < NF; i++)
        f->pre[i] = bb31_from_u32((uint32_t)sels[i]);
    CHECK_OK(swirl_fib_selector_trace(&f->m, 0, 1, sels, NF));
    f->pv[0] = bb31_zero();
    f->pv[1] = bb31_one();
    f->pv[2] = f->m[2 * NF - 1];
    for (int r = 0; r < NF; r++) {
        f->sm[r] = f->pre[r];
        f->sm[NS + r] = bb31_add(f->m[r], f->m[NF + r]);
    }
    for (int r = NF; r < NS; r++)
        f->sm[NS + r] = bb31_from_u32((uint32_t)r); /* count 0 rows */
    swirl_air_instance send = {f->send, NULL, NULL, f->sm, NS, NULL};
    swirl_air_instance fib = {f->fib, f->pre, NULL, f->m, NF, f->pv};
    f->inst[0] = send;
    f->inst[1] = fib;
}

void swirl_fixture_lookup_clear(swirl_fixture_lookup *f) {
    free(f->m);
    swirl_air_destroy(f->fib);
    swirl_air_destroy(f->send);
    memset(f, 0, sizeof *f);
}

swirl_system_params swirl_fixture_params(unsigned l_skip, unsigned n_stack, unsigned k,
                                         unsigned log_final, unsigned pow_bits,
                                         unsigned security_bits) {
    swirl_system_params p;
    memset(&p, 0, sizeof p);
    p.l_skip = l_skip;
    p.n_stack = n_stack;
    p.w_stack = 16;
    p.log_blowup = 1;
    p.max_constraint_degree = 3;
    swirl_whir_proximity ud = {SWIRL_PROXIMITY_UNIQUE_DECODING, 0, 0};
    CHECK_OK(swirl_whir_config_init(&p.whir, 1, l_skip + n_stack, k, log_final, pow_bits, ud,
                                    pow_bits, pow_bits, security_bits));
    p.logup = swirl_logup_params_baby_bear_100_bits(0.0);
    return p;
}

swirl_system_params swirl_fixture_small_params(size_t l_skip, size_t n_stack,
                                               size_t security_bits) {
    swirl_system_params p = swirl_fixture_params((unsigned)l_skip, (unsigned)n_stack, 2, 2, 1,
                                                 (unsigned)security_bits);
    p.logup.pow_bits = 2;
    return p;
}

swirl_system_params swirl_fixture_tiny_params(void) {
    swirl_system_params p;
    memset(&p, 0, sizeof p);
    p.l_skip = 1;
    p.n_stack = 2;
    p.w_stack = 3;
    p.log_blowup = 1;
    p.whir.k = 1;
    p.whir.num_rounds = 1;
    p.whir.num_queries[0] = 5;
    p.whir.mu_pow_bits = 2;
    p.whir.query_phase_pow_bits = 3;
    p.whir.folding_pow_bits = 4;
    p.whir.proximity.kind = SWIRL_PROXIMITY_UNIQUE_DECODING;
    p.logup.max_interaction_count = 300;
    p.logup.log_max_message_length = 7;
    p.logup.pow_bits = 18;
    p.max_constraint_degree = 3;
    return p;
}

swirl_air *swirl_fixture_compile(swirl_air_builder *b) {
    swirl_air *a = NULL;
    CHECK_OK(swirl_air_compile(&a, b, 3));
    swirl_air_builder_destroy(b);
    return a;
}

void swirl_fixture_three_init(swirl_fixture_three *f, const swirl_system_params *params) {
    enum { HF = 2 };
    memset(f, 0, sizeof *f);
    swirl_air_builder *b;
    CHECK_OK(swirl_fib_air_build(&b));
    f->fib = swirl_fixture_compile(b);
    CHECK_OK(swirl_dummy_interaction_air_build(&b, 1, 1, 3, 0));
    f->send = swirl_fixture_compile(b);
    CHECK_OK(swirl_dummy_interaction_air_build(&b, 1, 0, 3, 0));
    f->recv = swirl_fixture_compile(b);
    swirl_keygen_air ka[3] = {{f->fib, NULL, 0, 1}, {f->send, NULL, 0, 1}, {f->recv, NULL, 0, 1}};
    CHECK_OK(swirl_keygen(&f->vk, params, ka, 3));
    swirl_fixture_bus_traces(f->sm, f->rm);
    CHECK_OK(swirl_fib_trace(&f->fm, 0, 1, HF));
    f->pv[0] = bb31_zero();
    f->pv[1] = bb31_one();
    f->pv[2] = f->fm[2 * HF - 1];
    swirl_trace_input in[3] = {
        {f->fm, HF, f->pv, NULL}, {f->sm, SWIRL_FIX_HS, NULL, NULL}, {f->rm, SWIRL_FIX_HR, NULL, NULL}};
    memcpy(f->in, in, sizeof in);
}

void swirl_fixture_three_clear(swirl_fixture_three *f) {
    free(f->fm);
    swirl_vk_destroy(f->vk);
    swirl_air_destroy(f->fib);
    swirl_air_destroy(f->send);
    swirl_air_destroy(f->recv);
    memset(f, 0, sizeof *f);
}

bb31 *swirl_test_rand_felts(size_t n) {
    bb31 *v = malloc((n ? n : 1) * sizeof *v);
    CHECK(v != NULL); /* ends the case (longjmp) */
    for (size_t i = 0; i < n; i++)
        v[i] = bb31_from_u32(swirl_test_rand32());
    return v;
}

int swirl_test_no_cuda(void) {
    if (swirl_cuda_device_count() > 0)
        return 0;
    printf("SKIP: no CUDA device%s\n",
#ifdef SWIRL_HAVE_CUDA
           ""
#else
           "; built without CUDA"
#endif
    );
    return 1;
}
