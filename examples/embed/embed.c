/*
 * Embedding libswirl: define an AIR with the builder, prove a trace and verify it, with the
 * public API only — the program a user writes after `cmake --install`, built against the
 * installed package by pkg-config or find_package(swirl) (examples/embed/CMakeLists.txt).
 *
 * The AIR: two columns (x, y) with y = x^2 + 3 on every row and x' = x + 1 on transitions, x = 5
 * on the first row (public value 0); 64 rows, toy parameters. Prints "accepted" and exits 0; a
 * corrupted trace is also tried and must be rejected (exit 1 otherwise).
 */
#include <stdio.h>
#include <string.h>

#include "swirl/swirl.h"
#include "swirl/swirl_air.h"
#include "swirl/swirl_params.h"
#include "swirl/swirl_prover.h"

#define ROWS 64

static int fail(const char *what) {
    fprintf(stderr, "embed: %s: %s\n", what, swirl_last_error());
    return 1;
}

/* x, y = x^2 + 3; x' = x + 1; x[0] = pv[0] */
static enum swirl_status build_air(swirl_air **out) {
    swirl_air_builder *b;
    enum swirl_status st = swirl_air_builder_create(&b, "square-plus-3", 0, NULL, 0, 2, 1);
    if (st != SWIRL_OK)
        return st;
    swirl_expr x = swirl_air_main(b, 0, 0), y = swirl_air_main(b, 1, 0), xn = swirl_air_main(b, 0, 1);
    swirl_air_assert_eq(b, y, swirl_air_add(b, swirl_air_mul(b, x, x), swirl_air_const(b, 3)));
    swirl_air_assert_zero_when_transition(b, swirl_air_sub(b, xn, swirl_air_add(b, x, swirl_air_const(b, 1))));
    swirl_air_assert_zero_when_first_row(b, swirl_air_sub(b, x, swirl_air_public(b, 0)));
    st = swirl_air_compile(out, b, 3);
    swirl_air_builder_destroy(b);
    return st;
}

int main(void) {
    swirl_system_params p;
    memset(&p, 0, sizeof p);
    p.l_skip = 2;
    p.n_stack = 6;
    p.w_stack = 16;
    p.log_blowup = 1;
    p.max_constraint_degree = 3;
    swirl_whir_proximity ud = {SWIRL_PROXIMITY_UNIQUE_DECODING, 0, 0};
    if (swirl_whir_config_init(&p.whir, 1, 8, 2, 2, 2, ud, 2, 2, 32) != SWIRL_OK)
        return fail("parameters");
    p.logup = swirl_logup_params_baby_bear_100_bits(0.0);
    p.logup.pow_bits = 2;

    swirl_air *air = NULL;
    swirl_vk *vk = NULL;
    swirl_context *ctx = NULL;
    swirl_proof *proof = NULL;
    int rc = 1;
    if (build_air(&air) != SWIRL_OK) {
        rc = fail("building the AIR");
        goto out;
    }
    swirl_air_spec spec = {air, NULL, 0, 1};
    if (swirl_vk_create(&vk, &p, &spec, 1) != SWIRL_OK || swirl_context_create(&ctx, NULL) != SWIRL_OK) {
        rc = fail("keygen");
        goto out;
    }
    static swirl_felt cols[2 * ROWS];
    for (uint32_t r = 0; r < ROWS; r++) {
        cols[r] = swirl_felt_from_u32(5 + r);
        cols[ROWS + r] = swirl_felt_from_u32((5 + r) * (5 + r) + 3);
    }
    swirl_felt pv[1] = {swirl_felt_from_u32(5)};
    swirl_trace trace = {cols, ROWS, pv, NULL};
    if (swirl_check_traces(vk, &trace) != SWIRL_OK || swirl_prove(ctx, &proof, vk, &trace) != SWIRL_OK) {
        rc = fail("prove");
        goto out;
    }
    uint8_t *bytes = NULL;
    size_t len = 0;
    if (swirl_proof_to_bytes(&bytes, &len, proof, vk) != SWIRL_OK) {
        rc = fail("encode");
        goto out;
    }
    swirl_proof *decoded = NULL;
    enum swirl_status st = swirl_proof_from_bytes(&decoded, vk, bytes, len);
    swirl_free(bytes);
    if (st == SWIRL_OK)
        st = swirl_verify(ctx, vk, decoded);
    swirl_proof_destroy(decoded);
    if (st != SWIRL_OK) {
        rc = fail("verify");
        goto out;
    }
    /* a wrong trace: the checker names it, and its proof is not accepted */
    cols[ROWS + 7] = swirl_felt_from_u32(1);
    swirl_proof_destroy(proof);
    proof = NULL;
    if (swirl_check_traces(vk, &trace) != SWIRL_E_UNSATISFIED) {
        fprintf(stderr, "embed: the wrong trace was not noticed\n");
        goto out;
    }
    if (swirl_prove(ctx, &proof, vk, &trace) == SWIRL_OK && swirl_verify(ctx, vk, proof) == SWIRL_OK) {
        fprintf(stderr, "embed: a proof of a wrong trace was accepted\n");
        goto out;
    }
    printf("accepted (%zu-byte proof of %d rows; the wrong trace was rejected)\n", len, ROWS);
    rc = 0;
out:
    swirl_proof_destroy(proof);
    swirl_context_destroy(ctx);
    swirl_vk_destroy(vk);
    swirl_air_destroy(air);
    return rc;
}
