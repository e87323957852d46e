/* BabyBear host helpers: two-adic generators and batch inversion. */
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "field/bb31.h"
#include "util/settings.h"

/* Plonky3 0.4.3 baby-bear/src/baby_bear.rs TWO_ADIC_GENERATORS (canonical values);
 * entry k is 0x1a427a41^(2^(27-k)) mod p. */
static const uint32_t bb31_two_adic_generators_canon[BB31_TWO_ADICITY + 1] = {
    0x00000001, 0x78000000, 0x67055c21, 0x5ee99486, 0x0bb4c4e4, 0x2d4cc4da, 0x669d6090,
    0x17b56c64, 0x67456167, 0x688442f9, 0x145e952d, 0x4fe61226, 0x4c734715, 0x11c33e2a,
    0x62c3d2b1, 0x77cad399, 0x54c131f4, 0x4cabd6a6, 0x5cf5713f, 0x3e9430e8, 0x0ba067a3,
    0x18adc27d, 0x21fd55bc, 0x4b859b3d, 0x3bd57996, 0x4483d85a, 0x3a26eef8, 0x1a427a41,
};

enum swirl_status bb31_two_adic_generator(bb31 *out, unsigned k) {
    SWIRL_ARG_CHECK(out != NULL);
    if (k > BB31_TWO_ADICITY)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "two-adic generator of order 2^%u: max is 2^27", k);
    *out = bb31_from_u32(bb31_two_adic_generators_canon[k]);
    return SWIRL_OK;
}

enum swirl_status bb31_batch_inverse(bb31 *vals, size_t n, bb31 *scratch) {
    if (n == 0)
        return SWIRL_OK;
    SWIRL_ARG_CHECK(vals != NULL);
    bb31 *pre = scratch;
    if (pre == NULL) {
        size_t bytes;
        if (!swirl_mul_size(n, sizeof(bb31), &bytes))
            return SWIRL_RAISE(SWIRL_E_NOMEM, "batch inverse of %zu elements overflows", n);
        pre = (bb31 *)swirl_malloc(bytes);
        if (!pre)
            return SWIRL_RAISE(SWIRL_E_NOMEM, "batch inverse: out of memory (%zu bytes)", bytes);
    }
    /* prefix products over the non-zero elements */
    bb31 acc = bb31_one();
    for (size_t i = 0; i < n; i++) {
        pre[i] = acc;
        if (!bb31_is_zero(vals[i]))
            acc = bb31_mul(acc, vals[i]);
    }
    bb31 inv = bb31_inv(acc);
    for (size_t i = n; i-- > 0;) {
        if (bb31_is_zero(vals[i]))
            continue;
        bb31 v = vals[i];
        vals[i] = bb31_mul(inv, pre[i]);
        inv = bb31_mul(inv, v);
    }
    if (scratch == NULL)
        free(pre);
    return SWIRL_OK;
}

int bb31_avx2_supported(void) {
    return swirl_settings_get()->cpu_avx2;
}

int bb31_avx2_enabled(void) {
    return swirl_settings_get()->use_avx2;
}
