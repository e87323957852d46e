/* Poseidon2-16 permutation (known answers from Plonky3), the padding-free sponge and the
 * truncated-permutation compression (their definitions in Plonky3 0.4.3 symmetric/). */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "hash/poseidon2.h"
#include "hash/poseidon2_impl.h"
#include "hash/poseidon2_x8.h"
#include "vectors/poseidon2_kat.h"

static void load(bb31 *s, const uint32_t *v, size_t n) {
    for (size_t i = 0; i < n; i++)
        s[i] = bb31_from_u32(v[i]);
}

/* The internal diagonal's shift-based x * 2^-k equals the Montgomery multiplication by the
 * Montgomery form of 2^-k (P2_MONT_INV2POW*) for boundary and random x and every k it serves. */
static void test_mul_inv2pow(void) {
    static const struct {
        unsigned k;
        uint32_t mont;
    } ks[] = {{2, P2_MONT_INV2POW2},
              {3, P2_MONT_INV2POW3},
              {4, P2_MONT_INV2POW4},
              {8, P2_MONT_INV2POW8},
              {27, P2_MONT_INV2POW27}};
    for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++) {
        bb31 c = p2_bb31_const(ks[i].mont);
        bb31 four = bb31_from_u32(1u << ks[i].k);
        CHECK(bb31_eq(bb31_mul(c, four), bb31_one())); /* the constant really is 2^-k */
        for (uint32_t it = 0; it < 200000; it++) {
            bb31 x;
            x.v = it < 64 ? (it < 32 ? it : BB31_P - 1 - (it - 32)) : swirl_test_rand32() % BB31_P;
            bb31 want = bb31_mul(x, c), got = p2_mul_inv2pow(x, ks[i].k);
            if (!bb31_eq(want, got)) {
                CHECK_MSG(0, "k=%u x=%u: got %u, want %u", ks[i].k, x.v, got.v, want.v);
                return;
            }
        }
    }
}

static void test_permutation_kat(void) {
    size_t nkat = sizeof kat_p2_in / sizeof kat_p2_in[0];
    CHECK(nkat == 4);
    for (size_t k = 0; k < nkat; k++) {
        bb31 s[16];
        load(s, kat_p2_in[k], 16);
        p2_bb16_permute(s);
        for (int i = 0; i < 16; i++)
            CHECK_MSG(bb31_to_u32(s[i]) == kat_p2_out[k][i], "vector %zu lane %d: got %u want %u", k,
                      i, bb31_to_u32(s[i]), kat_p2_out[k][i]);
    }
}

static void test_permute_many_matches_single(void) {
    enum { N = 1000 };
    bb31 *a = malloc(sizeof(bb31) * 16 * N), *b = malloc(sizeof(bb31) * 16 * N);
    CHECK(a && b);
    for (size_t i = 0; i < 16 * N; i++)
        a[i] = b[i] = bb31_from_u32(swirl_test_rand32());
    p2_bb16_permute_many(a, N);
    for (size_t i = 0; i < N; i++)
        p2_bb16_permute(b + 16 * i);
    CHECK(memcmp(a, b, sizeof(bb31) * 16 * N) == 0);
    free(a);
    free(b);
}

/* Reference sponge straight from the definition: state starts zero; for each chunk of <= 8 inputs,
 * overwrite the first len lanes and permute. */
static void sponge_ref(swirl_digest *out, const bb31 *v, size_t n) {
    bb31 s[16] = {{0}};
    size_t i = 0;
    while (i < n) {
        size_t j = 0;
        for (; j < 8 && i < n; j++, i++)
            s[j] = v[i];
        p2_bb16_permute(s);
    }
    memcpy(out->v, s, sizeof out->v);
}

static void test_sponge(void) {
    bb31 v[40];
    for (int i = 0; i < 40; i++)
        v[i] = bb31_from_u32(swirl_test_rand32());
    swirl_digest d, r;
    /* empty input: no permutation, all zeros */
    p2_hash_slice(&d, v, 0);
    for (int i = 0; i < 8; i++)
        CHECK(bb31_is_zero(d.v[i]));
    for (size_t n = 1; n <= 40; n++) {
        p2_hash_slice(&d, v, n);
        sponge_ref(&r, v, n);
        CHECK(memcmp(&d, &r, sizeof d) == 0);
    }
    /* one element: [x, 0, ..., 0] permuted */
    bb31 s[16] = {{0}};
    s[0] = v[0];
    p2_bb16_permute(s);
    p2_hash_slice(&d, v, 1);
    CHECK(memcmp(d.v, s, sizeof d.v) == 0);
    /* overwrite mode: 9 elements = permute(v0..v7 | 0), then overwrite lane 0 with v8, permute */
    bb31 t[16] = {{0}};
    memcpy(t, v, 8 * sizeof(bb31));
    p2_bb16_permute(t);
    t[0] = v[8];
    p2_bb16_permute(t);
    p2_hash_slice(&d, v, 9);
    CHECK(memcmp(d.v, t, sizeof d.v) == 0);
    /* the all-zero state KAT: hashing 8 zeros = permutation of zero state, first 8 lanes */
    bb31 z[8] = {{0}};
    p2_hash_slice(&d, z, 8);
    for (int i = 0; i < 8; i++)
        CHECK(bb31_to_u32(d.v[i]) == kat_p2_out[1][i]);
}

static void test_compress(void) {
    swirl_digest l, r, out;
    for (int i = 0; i < 8; i++) {
        l.v[i] = bb31_from_u32(kat_p2_in[0][i]);
        r.v[i] = bb31_from_u32(kat_p2_in[0][8 + i]);
    }
    p2_compress(&out, &l, &r);
    for (int i = 0; i < 8; i++)
        CHECK(bb31_to_u32(out.v[i]) == kat_p2_out[0][i]);
    /* order matters */
    swirl_digest out2;
    p2_compress(&out2, &r, &l);
    CHECK(memcmp(&out, &out2, sizeof out) != 0);
}

/* the 8-lane paths (AVX2 when available, portable otherwise) against the scalar permutation */
static void test_x8_paths(void) {
    bb31 a[128], b[128], c[128];
    for (int it = 0; it < 50; it++) {
        for (int i = 0; i < 128; i++)
            a[i] = b[i] = c[i] = bb31_from_u32(it < 2 ? (it ? BB31_P - 1 : 0) : swirl_test_rand32());
        for (int k = 0; k < 8; k++)
            p2_bb16_permute(a + 16 * k);
        p2_bb16_permute_x8_portable(b);
        CHECK(memcmp(a, b, sizeof a) == 0);
        if (p2_x8_avx2_supported()) {
            p2_bb16_permute_x8_avx2(c);
            CHECK(memcmp(a, c, sizeof a) == 0);
        }
    }
    bb31 rows[8][37];
    for (int k = 0; k < 8; k++)
        for (int j = 0; j < 37; j++)
            rows[k][j] = bb31_from_u32(swirl_test_rand32());
    const bb31 *in[8];
    for (int k = 0; k < 8; k++)
        in[k] = rows[k];
    for (size_t n = 0; n <= 37; n++) {
        swirl_digest d8[8], d;
        p2_hash_slice_x8(d8, in, n);
        for (int k = 0; k < 8; k++) {
            p2_hash_slice(&d, rows[k], n);
            CHECK(memcmp(&d, &d8[k], sizeof d) == 0);
        }
    }
    swirl_digest l[8], r[8], o8[8], o;
    const swirl_digest *lp[8], *rp[8];
    for (int k = 0; k < 8; k++) {
        for (int j = 0; j < 8; j++) {
            l[k].v[j] = bb31_from_u32(swirl_test_rand32());
            r[k].v[j] = bb31_from_u32(swirl_test_rand32());
        }
        lp[k] = &l[k];
        rp[k] = &r[k];
    }
    p2_compress_x8(o8, lp, rp);
    for (int k = 0; k < 8; k++) {
        p2_compress(&o, &l[k], &r[k]);
        CHECK(memcmp(&o, &o8[k], sizeof o) == 0);
    }
}

/* the 16-lane path (AVX-512 when available, else two 8-lane groups) against the scalar code */
static void test_x16_paths(void) {
    bb31 a[256], b[256];
    for (int it = 0; it < 30; it++) {
        for (int i = 0; i < 256; i++)
            a[i] = b[i] = bb31_from_u32(it == 0 ? BB31_P - 1 : swirl_test_rand32());
        for (int k = 0; k < 16; k++)
            p2_bb16_permute(a + 16 * k);
        p2_bb16_permute_x16(b);
        CHECK(memcmp(a, b, sizeof a) == 0);
    }
    bb31 rows[16][45];
    const bb31 *in[16];
    for (int k = 0; k < 16; k++) {
        for (int j = 0; j < 45; j++)
            rows[k][j] = bb31_from_u32(swirl_test_rand32());
        in[k] = rows[k];
    }
    for (size_t n = 0; n <= 45; n += 1) {
        swirl_digest d16[16], d;
        p2_hash_slice_x16(d16, in, n);
        for (int k = 0; k < 16; k++) {
            p2_hash_slice(&d, rows[k], n);
            CHECK(memcmp(&d, &d16[k], sizeof d) == 0);
        }
    }
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_x8_paths),
    SWIRL_TEST(test_x16_paths),
    SWIRL_TEST(test_mul_inv2pow),
    SWIRL_TEST(test_permutation_kat),
    SWIRL_TEST(test_permute_many_matches_single),
    SWIRL_TEST(test_sponge),
    SWIRL_TEST(test_compress),
};

int main(int argc, char **argv) {
    return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
}
