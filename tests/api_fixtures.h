/*
 * Fixtures for the tests of the public API (test_api.c, test_api_system.c): the `swirl --security
 * toy` parameters and OpenVM's FibonacciAir keyed with them, with a trace. Public headers only.
 */
#ifndef SWIRL_TESTS_API_FIXTURES_H
#define SWIRL_TESTS_API_FIXTURES_H

#include <string.h>

#include "harness.h"
#include "swirl/swirl.h"
#include "swirl/swirl_air.h"
#include "swirl/swirl_airs.h"
#include "swirl/swirl_params.h"
#include "swirl/swirl_prover.h"

/* toy parameters (as `swirl --security toy`): l_skip 2, n_stack 14, k 2, 2-bit PoW */
static swirl_system_params toy_params(void) {
    swirl_system_params p;
    memset(&p, 0, sizeof p);
    p.l_skip = 2;
    p.n_stack = 14;
    p.w_stack = 16;
    p.log_blowup = 1;
    p.max_constraint_degree = 3;
    swirl_whir_proximity ud = {SWIRL_PROXIMITY_UNIQUE_DECODING, 0, 0};
    CHECK_OK(swirl_whir_config_init(&p.whir, 1, 16, 2, 2, 2, ud, 2, 2, 32));
    p.logup = swirl_logup_params_baby_bear_100_bits(0.0);
    p.logup.pow_bits = 2;
    return p;
}

typedef struct fib_case {
    swirl_system_params params;
    swirl_air *air;
    swirl_air_spec spec;
    swirl_vk *vk;
    swirl_felt *trace;
    swirl_felt pv[3];
    swirl_trace in;
} fib_case;

static void fib_init(fib_case *f, size_t rows) {
    swirl_air_builder *b;
    CHECK_OK(swirl_fib_air_build(&b));
    CHECK_OK(swirl_air_compile(&f->air, b, 3));
    swirl_air_builder_destroy(b);
    f->params = toy_params();
    swirl_air_spec spec = {f->air, NULL, 0, 1};
    f->spec = spec;
    CHECK_OK(swirl_vk_create(&f->vk, &f->params, &f->spec, 1));
    CHECK_OK(swirl_fib_trace(&f->trace, 0, 1, rows));
    f->pv[0] = swirl_felt_from_u32(0);
    f->pv[1] = swirl_felt_from_u32(1);
    f->pv[2] = f->trace[2 * rows - 1];
    swirl_trace in = {f->trace, rows, f->pv, NULL};
    f->in = in;
}

static void fib_clear(fib_case *f) {
    swirl_free(f->trace);
    swirl_vk_destroy(f->vk);
    swirl_air_destroy(f->air);
}

#endif /* SWIRL_TESTS_API_FIXTURES_H */
