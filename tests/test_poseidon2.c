/* Poseidon2-16 permutation (known answers from Plonky3), the padding-free sponge and the
 * truncated-permutation compression (their definitions in Plonky3 0.4.3 symmetric/). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "hash/poseidon2.h"
#include "hash/poseidon2_impl.h"
#include "hash/poseidon2_x8.h"
#include "util/settings.h"
#include "vectors/poseidon2_kat.h"

/* ---------------------------------------------------------------------------------------------
 * Reference: the permutation in its plain form (every operation a canonical bb31 add, sub or mul,
 * the sum a chain, x^7 = ((x^2 x)^2) x, the diagonal's 2^-k as a multiplication by its Montgomery
 * form): the form the library used before poseidon2_impl.h's lazy signed products. */
static bb31 ref_c(uint32_t mont) {
    bb31 r;
    r.v = mont;
    return r;
}
static bb31 ref_sbox(bb31 x) {
    bb31 x3 = bb31_mul(bb31_square(x), x);
    return bb31_mul(bb31_square(x3), x);
}
static void ref_mat4(bb31 *x) {
    bb31 t01 = bb31_add(x[0], x[1]), t23 = bb31_add(x[2], x[3]);
    bb31 t0123 = bb31_add(t01, t23);
    bb31 t01123 = bb31_add(t0123, x[1]), t01233 = bb31_add(t0123, x[3]);
    x[3] = bb31_add(t01233, bb31_double(x[0]));
    x[1] = bb31_add(t01123, bb31_double(x[2]));
    x[0] = bb31_add(t01123, t01);
    x[2] = bb31_add(t01233, t23);
}
static void ref_external(bb31 *s) {
    for (int b = 0; b < 4; b++)
        ref_mat4(s + 4 * b);
    for (int i = 0; i < 4; i++) {
        bb31 sum = bb31_add(bb31_add(s[i], s[4 + i]), bb31_add(s[8 + i], s[12 + i]));
        for (int b = 0; b < 4; b++)
            s[4 * b + i] = bb31_add(s[4 * b + i], sum);
    }
}
static void ref_internal(bb31 *s) {
    /* V = [-2, 1, 2, 1/2, 3, 4, -1/2, -3, -4, 1/2^8, 1/4, 1/8, 1/2^27, -1/2^8, -1/16, -1/2^27] */
    bb31 two = bb31_from_u32(2), half = bb31_halve(bb31_one());
    bb31 v[16] = {bb31_neg(two), bb31_one(), two, half, bb31_from_u32(3), bb31_from_u32(4),
                  bb31_neg(half), bb31_neg(bb31_from_u32(3)), bb31_neg(bb31_from_u32(4)),
                  ref_c(P2_MONT_INV2POW8), ref_c(P2_MONT_INV2POW2), ref_c(P2_MONT_INV2POW3),
                  ref_c(P2_MONT_INV2POW27), bb31_neg(ref_c(P2_MONT_INV2POW8)),
                  bb31_neg(ref_c(P2_MONT_INV2POW4)), bb31_neg(ref_c(P2_MONT_INV2POW27))};
    bb31 sum = bb31_zero();
    for (int i = 0; i < 16; i++)
        sum = bb31_add(sum, s[i]);
    for (int i = 0; i < 16; i++)
        s[i] = bb31_add(bb31_mul(s[i], v[i]), sum);
}
static void ref_permute(bb31 *s) {
    static const uint32_t ei[64] = P2_BB16_RC_EXT_INITIAL_MONT;
    static const uint32_t ef[64] = P2_BB16_RC_EXT_FINAL_MONT;
    static const uint32_t in[13] = P2_BB16_RC_INTERNAL_MONT;
    ref_external(s);
    for (int r = 0; r < 4; r++) {
        for (int i = 0; i < 16; i++)
            s[i] = ref_sbox(bb31_add(s[i], ref_c(ei[16 * r + i])));
        ref_external(s);
    }
    for (int r = 0; r < 13; r++) {
        s[0] = ref_sbox(bb31_add(s[0], ref_c(in[r])));
        ref_internal(s);
    }
    for (int r = 0; r < 4; r++) {
        for (int i = 0; i < 16; i++)
            s[i] = ref_sbox(bb31_add(s[i], ref_c(ef[16 * r + i])));
        ref_external(s);
    }
}

/* random canonical values with the edges mixed in (0, 1, p-1, p-2 and near 2^k boundaries) */
static uint32_t edge_or_rand(uint32_t it) {
    static const uint32_t edges[] = {0u,          1u,          2u,          BB31_P - 1u,
                                     BB31_P - 2u, 0x7fffffffu % BB31_P, 0x40000000u, 0x3fffffffu,
                                     BB31_P / 2u, BB31_P / 2u + 1u};
    uint32_t n = (uint32_t)(sizeof edges / sizeof edges[0]);
    return it % 3 == 0 ? edges[(it / 3) % n] : swirl_test_rand32() % BB31_P;
}

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

/* The signed Montgomery product: a*b/2^32 mod p, in (-p, p), for |a|, |b| <= p (the bounds the
 * S-box uses, -p included); the device's carry-chain form gives the same int32. */
static void test_smul(void) {
    const int32_t P = (int32_t)BB31_P;
    const int32_t edges[] = {0, 1, -1, 2, -2, P, -P, P - 1, -(P - 1), 1 << 30, -(1 << 30)};
    size_t ne = sizeof edges / sizeof edges[0];
    for (uint32_t it = 0; it < 400000; it++) {
        int32_t a, b;
        if (it < ne * ne) {
            a = edges[it / ne];
            b = edges[it % ne];
        } else {
            /* in int64: a draw above 2^31 is no int32 before P is taken off */
            a = (int32_t)((int64_t)(swirl_test_rand32() % (2u * BB31_P + 1u)) - P);
            b = (int32_t)((int64_t)(swirl_test_rand32() % (2u * BB31_P + 1u)) - P);
        }
        int32_t r = p2_smul(a, b), rc = p2_smul_carry_form(a, b);
        bb31 ca, cb;
        ca.v = (uint32_t)(a < 0 ? a + P : a) % BB31_P;
        cb.v = (uint32_t)(b < 0 ? b + P : b) % BB31_P;
        uint32_t want = bb31_mul(ca, cb).v;
        if (r <= -P || r >= P || p2_canon(r) != want || rc != r) {
            CHECK_MSG(0, "a=%d b=%d: r=%d carry form %d, want %u", a, b, r, rc, want);
            return;
        }
    }
    /* the device's unsigned-min corrections equal the host's compare forms */
    for (uint32_t it = 0; it < 200000; it++) {
        uint32_t x = swirl_test_rand32() % (2u * BB31_P);
        uint32_t m = x < x - BB31_P ? x : x - BB31_P;
        CHECK(m == (x >= BB31_P ? x - BB31_P : x));
        int32_t r = (int32_t)((int64_t)(swirl_test_rand32() % (2u * BB31_P - 1u)) - (P - 1));
        uint32_t u = (uint32_t)r, m2 = u < u + BB31_P ? u : u + BB31_P;
        CHECK(m2 == p2_canon(r));
    }
}

/* S-box, the diagonal's shifts and both linear layers against the reference form */
static void test_parts_vs_reference(void) {
    for (uint32_t it = 0; it < 100000; it++) {
        bb31 x, rc;
        x.v = edge_or_rand(it);
        rc.v = edge_or_rand(it / 7 + 1);
        uint32_t want = ref_sbox(bb31_add(x, rc)).v;
        if (p2_sbox_rc(x.v, rc.v) != want) {
            CHECK_MSG(0, "sbox x=%u rc=%u: got %u want %u", x.v, rc.v, p2_sbox_rc(x.v, rc.v), want);
            return;
        }
        CHECK(p2_halve_u(x.v) == bb31_halve(x).v);
        unsigned k = 1u + it % 27u;
        bb31 inv = bb31_inv(bb31_from_u32(1u << k));
        CHECK(p2_mul_inv2pow_u(x.v, k) == bb31_mul(x, inv).v);
        CHECK(p2_mul_neg_inv2pow_u(x.v, k) == bb31_neg(bb31_mul(x, inv)).v);
    }
    for (uint32_t it = 0; it < 3000; it++) {
        bb31 a[16];
        uint32_t u[16];
        for (int i = 0; i < 16; i++)
            a[i].v = u[i] = edge_or_rand(it * 16u + (uint32_t)i);
        ref_external(a);
        p2_external_linear_u(u);
        for (int i = 0; i < 16; i++)
            CHECK(u[i] == a[i].v);
        for (int i = 0; i < 16; i++)
            u[i] = edge_or_rand(it * 16u + (uint32_t)i);
        /* p2_internal_linear_u takes s[0] after its S-box: compare on the same input */
        for (int i = 0; i < 16; i++)
            a[i].v = u[i];
        ref_internal(a);
        p2_internal_linear_u(u);
        for (int i = 0; i < 16; i++)
            CHECK(u[i] == a[i].v);
    }
}

/* Every single-state path (portable scalar, AVX2 single state, AVX-512 IFMA single state, the
 * dispatching p2_bb16_permute) and
 * the batch paths against the reference on random and edge states, and chained 1000 times (each
 * input the previous output, as the transcript runs). */
static void test_permutation_vs_reference(void) {
    for (uint32_t it = 0; it < 2000; it++) {
        bb31 ref[16], sc[16], di[16], av[16], im[16];
        for (int i = 0; i < 16; i++) {
            uint32_t v = it == 0 ? 0u : it == 1 ? BB31_P - 1u : edge_or_rand(it * 16u + (uint32_t)i);
            ref[i].v = sc[i].v = di[i].v = av[i].v = im[i].v = v;
        }
        ref_permute(ref);
        p2_bb16_permute_scalar(sc);
        p2_bb16_permute(di);
        CHECK(memcmp(ref, sc, sizeof ref) == 0);
        CHECK(memcmp(ref, di, sizeof ref) == 0);
        if (p2_x8_avx2_supported()) {
            p2_bb16_permute_single_avx2(av);
            CHECK(memcmp(ref, av, sizeof ref) == 0);
        }
        if (swirl_settings_get()->cpu_ifma) {
            p2_bb16_permute_single_ifma(im);
            CHECK(memcmp(ref, im, sizeof ref) == 0);
        }
    }
    bb31 ref[16], sc[16], av[16], im[16];
    for (int i = 0; i < 16; i++)
        ref[i] = sc[i] = av[i] = im[i] = bb31_from_u32((uint32_t)i);
    for (int k = 0; k < 1000; k++) {
        ref_permute(ref);
        p2_bb16_permute_scalar(sc);
        if (p2_x8_avx2_supported())
            p2_bb16_permute_single_avx2(av);
        if (swirl_settings_get()->cpu_ifma)
            p2_bb16_permute_single_ifma(im);
    }
    CHECK(memcmp(ref, sc, sizeof ref) == 0);
    if (p2_x8_avx2_supported())
        CHECK(memcmp(ref, av, sizeof ref) == 0);
    if (swirl_settings_get()->cpu_ifma)
        CHECK(memcmp(ref, im, sizeof ref) == 0);
    else
        printf("  (no AVX-512 IFMA here: its single-state path not run)\n");
    /* the batch paths (x8 portable / AVX2, x16 AVX-512) on 16 random states */
    bb31 a[256], b[256], c[256];
    for (int i = 0; i < 256; i++)
        a[i] = b[i] = c[i] = bb31_from_u32(swirl_test_rand32());
    for (int k = 0; k < 16; k++)
        ref_permute(a + 16 * k);
    p2_bb16_permute_x8_portable(b);
    p2_bb16_permute_x8_portable(b + 128);
    p2_bb16_permute_x16(c);
    CHECK(memcmp(a, b, sizeof a) == 0);
    CHECK(memcmp(a, c, sizeof a) == 0);
}

/* p2_bb16_absorb_chunks on every single-state path (scalar, AVX2, IFMA where the CPU has them,
 * and the dispatching entry) against chunk-by-chunk overwrite + reference permutation: 0, 1, 2,
 * 3, 17 and 300 chunks from random / edge states (raw Montgomery values 0, p-1, ... : edge_or_rand)
 * with random / edge inputs, and all-zero and all-(p-1) states and inputs. The IFMA path keeps
 * the capacity unreduced between chunks (poseidon2_ifma.c), so long runs and extreme values are
 * what could break it. */
enum { ABS_MAX = 300 };
static void absorb_ref(bb31 *s, const bb31 *in, size_t n) {
    for (size_t c = 0; c < n; c++) {
        memcpy(s, in + P2_RATE * c, P2_RATE * sizeof(bb31));
        ref_permute(s);
    }
}
static void absorb_check(const bb31 *s0, const bb31 *in, size_t n) {
    bb31 ref[16], got[16];
    memcpy(ref, s0, sizeof ref);
    absorb_ref(ref, in, n);
    const int avx2 = p2_x8_avx2_supported(), ifma = swirl_settings_get()->cpu_ifma;
    for (int path = 0; path < 4; path++) {
        memcpy(got, s0, sizeof got);
        if (path == 0)
            p2_bb16_absorb_chunks_scalar(got, in, n);
        else if (path == 1)
            p2_bb16_absorb_chunks(got, in, n);
        else if (path == 2 && avx2)
            p2_bb16_absorb_chunks_avx2(got, in, n);
        else if (path == 3 && ifma)
            p2_bb16_absorb_chunks_ifma(got, in, n);
        else
            continue;
        CHECK_MSG(memcmp(ref, got, sizeof ref) == 0, "path %d, %zu chunks", path, n);
    }
}
static void test_absorb_chunks_paths(void) {
    static bb31 in[P2_RATE * ABS_MAX];
    bb31 s0[16];
    static const size_t counts[] = {0, 1, 2, 3, 17, ABS_MAX};
    uint32_t it = 0;
    for (int rep = 0; rep < 20; rep++)
        for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
            for (int i = 0; i < 16; i++)
                s0[i].v = edge_or_rand(it++);
            size_t n = counts[k];
            for (size_t i = 0; i < P2_RATE * n; i++)
                in[i].v = rep & 1 ? swirl_test_rand32() % BB31_P : edge_or_rand(it++);
            absorb_check(s0, in, n);
        }
    static const uint32_t fills[] = {0u, BB31_P - 1u, 1u};
    for (size_t f = 0; f < sizeof fills / sizeof fills[0]; f++) {
        for (int i = 0; i < 16; i++)
            s0[i].v = fills[f];
        for (size_t i = 0; i < P2_RATE * ABS_MAX; i++)
            in[i].v = fills[f];
        absorb_check(s0, in, ABS_MAX);
        absorb_check(s0, in, 1);
    }
    if (!swirl_settings_get()->cpu_ifma)
        printf("  (no AVX-512 IFMA here: its absorb path not run)\n");
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_smul),
    SWIRL_TEST(test_parts_vs_reference),
    SWIRL_TEST(test_permutation_vs_reference),
    SWIRL_TEST(test_absorb_chunks_paths),
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
