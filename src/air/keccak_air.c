/*
 * KeccakAir (Plonky3 0.4.3 keccak-air/src/{round_flags.rs,air.rs}) written with the constraint
 * builder: the same constraints, in the same order, with the same expression shapes (Plonky3's
 * PrimeCharacteristicRing helpers: double(e) = e + e, xor(a, b) = (a + b) - a * double(b),
 * xor3(a, b, c) = xor(xor(a, b), c), andn(a, b) = (1 - a) * b, bool_check(a) = a * (a - 1);
 * when(c) emits c * e, nested conditions apply the innermost first). 3182 constraints, degree 3.
 */
#include "air/keccak_air.h"

#include "air/keccak_trace.h"

static swirl_expr kdouble(swirl_air_builder *b, swirl_expr e) {
    return swirl_air_add(b, e, e);
}
static swirl_expr kxor(swirl_air_builder *b, swirl_expr x, swirl_expr y) {
    return swirl_air_sub(b, swirl_air_add(b, x, y), swirl_air_mul(b, x, kdouble(b, y)));
}
static swirl_expr kxor3(swirl_air_builder *b, swirl_expr x, swirl_expr y, swirl_expr z) {
    return kxor(b, kxor(b, x, y), z);
}
static swirl_expr kandn(swirl_air_builder *b, swirl_expr x, swirl_expr y) {
    return swirl_air_mul(b, swirl_air_sub(b, swirl_air_const(b, 1), x), y);
}
static swirl_expr kbool_check(swirl_air_builder *b, swirl_expr x) {
    return swirl_air_mul(b, x, swirl_air_sub(b, x, swirl_air_const(b, 1)));
}
static swirl_expr col(swirl_air_builder *b, int c) {
    return swirl_air_main(b, (size_t)c, 0);
}
static swirl_expr nxt(swirl_air_builder *b, int c) {
    return swirl_air_main(b, (size_t)c, 1);
}
/* B(x, y, z) aliases a column of A' (columns.rs `b`). */
static int col_b(int x, int y, int z) {
    int a = (x + 3 * y) % 5, bb = x;
    int rot = (int)swirl_keccak_rot((unsigned)a, (unsigned)bb);
    return KC_A_PRIME(bb, a, (z + 64 - rot) % 64);
}

typedef swirl_expr (*bit_fn)(swirl_air_builder *b, int z, const int *ctx);

/* fold over z = 16 limb + 15 down to 16 limb: acc = double(acc) + bit(z), acc starting at ZERO */
static swirl_expr limb_fold(swirl_air_builder *b, int limb, bit_fn bit, const int *ctx) {
    swirl_expr acc = swirl_air_const(b, 0);
    for (int z = 16 * limb + 15; z >= 16 * limb; z--)
        acc = swirl_air_add(b, kdouble(b, acc), bit(b, z, ctx));
    return acc;
}

static swirl_expr bit_a_prime_xor(swirl_air_builder *b, int z, const int *ctx) {
    int y = ctx[0], x = ctx[1];
    return kxor3(b, col(b, KC_A_PRIME(y, x, z)), col(b, KC_C(x, z)), col(b, KC_C_PRIME(x, z)));
}
static swirl_expr bit_chi(swirl_air_builder *b, int z, const int *ctx) {
    int y = ctx[0], x = ctx[1];
    swirl_expr andn = kandn(b, col(b, col_b((x + 1) % 5, y, z)), col(b, col_b((x + 2) % 5, y, z)));
    return kxor(b, andn, col(b, col_b(x, y, z)));
}
static swirl_expr bit_app00(swirl_air_builder *b, int z, const int *ctx) {
    (void)ctx;
    return col(b, KC_A_PP_00_BITS(z));
}
static swirl_expr bit_rc_xor(swirl_air_builder *b, int z, const int *ctx) {
    (void)ctx;
    swirl_expr rc = swirl_air_const(b, 0);
    for (unsigned r = 0; r < 24; r++) {
        swirl_expr flag = col(b, KC_STEP_FLAGS((int)r));
        swirl_expr c = swirl_air_const(b, (swirl_keccak_rc(r) >> z) & 1);
        rc = swirl_air_add(b, rc, swirl_air_mul(b, flag, c));
    }
    return kxor(b, rc, col(b, KC_A_PP_00_BITS(z)));
}

enum swirl_status swirl_keccak_air_build(swirl_air_builder **out) {
    SWIRL_ARG_CHECK(out != NULL);
    *out = NULL;
    swirl_air_builder *b;
    SWIRL_TRY(swirl_air_builder_create(&b, "KeccakAir", 0, NULL, 0, SWIRL_KECCAK_NUM_COLS, 0));

    /* round_flags.rs */
    swirl_air_assert_zero_when_first_row(
        b, swirl_air_sub(b, col(b, KC_STEP_FLAGS(0)), swirl_air_const(b, 1)));
    for (int i = 1; i < 24; i++)
        swirl_air_assert_zero_when_first_row(b, col(b, KC_STEP_FLAGS(i)));
    for (int i = 0; i < 24; i++)
        swirl_air_assert_zero_when_transition(
            b, swirl_air_sub(b, col(b, KC_STEP_FLAGS(i)), nxt(b, KC_STEP_FLAGS((i + 1) % 24))));

    /* air.rs */
    swirl_expr first_step = col(b, KC_STEP_FLAGS(0));
    swirl_expr final_step = col(b, KC_STEP_FLAGS(23));
    swirl_expr not_final = swirl_air_sub(b, swirl_air_const(b, 1), final_step);
    for (int y = 0; y < 5; y++)
        for (int x = 0; x < 5; x++)
            for (int l = 0; l < 4; l++)
                swirl_air_assert_zero_when(
                    b, first_step,
                    swirl_air_sub(b, col(b, KC_PREIMAGE(y, x, l)), col(b, KC_A(y, x, l))));
    for (int y = 0; y < 5; y++)
        for (int x = 0; x < 5; x++)
            for (int l = 0; l < 4; l++) {
                /* when(not_final).when_transition(): not_final * (IsTransition * e) */
                swirl_expr e =
                    swirl_air_sub(b, col(b, KC_PREIMAGE(y, x, l)), nxt(b, KC_PREIMAGE(y, x, l)));
                swirl_air_assert_zero_when(b, not_final,
                                           swirl_air_mul(b, swirl_air_is_transition(b), e));
            }
    swirl_air_assert_zero(b, kbool_check(b, col(b, KC_EXPORT)));
    swirl_air_assert_zero_when(b, not_final, col(b, KC_EXPORT));
    for (int x = 0; x < 5; x++) {
        for (int z = 0; z < 64; z++)
            swirl_air_assert_zero(b, kbool_check(b, col(b, KC_C(x, z))));
        for (int z = 0; z < 64; z++) {
            swirl_expr xr = kxor3(b, col(b, KC_C(x, z)), col(b, KC_C((x + 4) % 5, z)),
                                  col(b, KC_C((x + 1) % 5, (z + 63) % 64)));
            swirl_air_assert_zero(b, swirl_air_sub(b, col(b, KC_C_PRIME(x, z)), xr));
        }
    }
    for (int y = 0; y < 5; y++)
        for (int x = 0; x < 5; x++) {
            for (int z = 0; z < 64; z++)
                swirl_air_assert_zero(b, kbool_check(b, col(b, KC_A_PRIME(y, x, z))));
            int ctx[2] = {y, x};
            for (int l = 0; l < 4; l++)
                swirl_air_assert_zero(b, swirl_air_sub(b, limb_fold(b, l, bit_a_prime_xor, ctx),
                                                       col(b, KC_A(y, x, l))));
        }
    for (int x = 0; x < 5; x++) {
        swirl_expr four = kdouble(b, swirl_air_const(b, 2));
        for (int z = 0; z < 64; z++) {
            swirl_expr sum = col(b, KC_A_PRIME(0, x, z));
            for (int y = 1; y < 5; y++)
                sum = swirl_air_add(b, sum, col(b, KC_A_PRIME(y, x, z)));
            swirl_expr diff = swirl_air_sub(b, sum, col(b, KC_C_PRIME(x, z)));
            swirl_expr t = swirl_air_mul(b, diff, swirl_air_sub(b, diff, swirl_air_const(b, 2)));
            swirl_air_assert_zero(b, swirl_air_mul(b, t, swirl_air_sub(b, diff, four)));
        }
    }
    for (int y = 0; y < 5; y++)
        for (int x = 0; x < 5; x++) {
            int ctx[2] = {y, x};
            for (int l = 0; l < 4; l++)
                swirl_air_assert_zero(b, swirl_air_sub(b, limb_fold(b, l, bit_chi, ctx),
                                                       col(b, KC_A_PP(y, x, l))));
        }
    for (int z = 0; z < 64; z++)
        swirl_air_assert_zero(b, kbool_check(b, col(b, KC_A_PP_00_BITS(z))));
    for (int l = 0; l < 4; l++)
        swirl_air_assert_zero(
            b, swirl_air_sub(b, limb_fold(b, l, bit_app00, NULL), col(b, KC_A_PP(0, 0, l))));
    for (int l = 0; l < 4; l++)
        swirl_air_assert_zero(
            b, swirl_air_sub(b, limb_fold(b, l, bit_rc_xor, NULL), col(b, KC_A_PPP_00_LIMBS(l))));
    for (int x = 0; x < 5; x++)
        for (int y = 0; y < 5; y++)
            for (int l = 0; l < 4; l++) {
                /* when_transition().when(not_final): IsTransition * (not_final * e) */
                swirl_expr e = swirl_air_sub(b, col(b, KC_A_PPP(y, x, l)), nxt(b, KC_A(y, x, l)));
                swirl_air_assert_zero_when(b, swirl_air_is_transition(b),
                                           swirl_air_mul(b, not_final, e));
            }
    enum swirl_status st = swirl_air_builder_status(b);
    if (st != SWIRL_OK) {
        swirl_air_builder_destroy(b);
        return st;
    }
    *out = b;
    return SWIRL_OK;
}
