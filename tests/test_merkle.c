/* Merkle tree: hand-computed roots, every query's path verifies, any flipped bit fails,
 * thread-count independence, bad arguments. */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "hash/merkle.h"

static bb31 *rand_matrix(size_t n) {
    bb31 *m = malloc(n * sizeof *m);
    CHECK(m != NULL);
    for (size_t i = 0; i < n; i++)
        m[i] = bb31_from_u32(swirl_test_rand32());
    return m;
}

static void test_hand_computed_root(void) {
    /* 3 rows x 2 columns (column-major), rows_per_query 1: 4 leaves, the 4th a zero row. */
    bb31 m[6];
    for (int i = 0; i < 6; i++)
        m[i] = bb31_from_u32((uint32_t)(i + 1));
    swirl_digest leaf[4], n01, n23, root;
    for (int r = 0; r < 4; r++) {
        bb31 row[2] = {r < 3 ? m[r] : bb31_zero(), r < 3 ? m[3 + r] : bb31_zero()};
        p2_hash_slice(&leaf[r], row, 2);
    }
    p2_compress(&n01, &leaf[0], &leaf[1]);
    p2_compress(&n23, &leaf[2], &leaf[3]);
    p2_compress(&root, &n01, &n23);
    swirl_merkle_tree *t;
    CHECK_OK(swirl_merkle_tree_build(&t, m, 3, 2, 1, 1));
    swirl_digest got = swirl_merkle_tree_root(t);
    CHECK(memcmp(&got, &root, sizeof root) == 0);
    CHECK(swirl_merkle_tree_query_stride(t) == 4 && swirl_merkle_tree_proof_depth(t) == 2);
    swirl_merkle_tree_destroy(t);

    /* rows_per_query 2: query y opens rows {y, y+2}; query digests compress(leaf[y], leaf[y+2]) */
    swirl_digest q0, q1, root2;
    p2_compress(&q0, &leaf[0], &leaf[2]);
    p2_compress(&q1, &leaf[1], &leaf[3]);
    p2_compress(&root2, &q0, &q1);
    CHECK_OK(swirl_merkle_tree_build(&t, m, 3, 2, 1, 2));
    got = swirl_merkle_tree_root(t);
    CHECK(memcmp(&got, &root2, sizeof root2) == 0);
    CHECK(swirl_merkle_tree_query_stride(t) == 2 && swirl_merkle_tree_proof_depth(t) == 1);
    bb31 rows[4];
    swirl_digest path[1];
    CHECK_OK(swirl_merkle_tree_open(t, rows, path, 1));
    CHECK(bb31_eq(rows[0], m[1]) && bb31_eq(rows[1], m[4]) && bb31_is_zero(rows[2]) &&
          bb31_is_zero(rows[3]));
    CHECK(memcmp(&path[0], &q0, sizeof q0) == 0);
    swirl_merkle_tree_destroy(t);
}

/* builds a tree, checks every query verifies and that flips are caught */
static void check_tree(size_t height, size_t width, unsigned d, size_t rpq, int flips) {
    bb31 *m = rand_matrix(height * width * d);
    swirl_merkle_tree *t;
    CHECK_OK(swirl_merkle_tree_build(&t, m, height, width, d, rpq));
    swirl_digest root = swirl_merkle_tree_root(t);
    size_t qs = swirl_merkle_tree_query_stride(t), depth = swirl_merkle_tree_proof_depth(t);
    size_t row_len = width * d;
    bb31 *rows = malloc(rpq * row_len * sizeof *rows);
    swirl_digest *path = malloc((depth + 1) * sizeof *path);
    CHECK(rows && path);
    for (size_t q = 0; q < qs; q++) {
        CHECK_OK(swirl_merkle_tree_open(t, rows, path, q));
        CHECK_OK(swirl_merkle_verify(&root, rows, rpq, width, d, q, path, depth));
        if (!flips)
            continue;
        /* flip a random bit of a random row element (keeping it a field element) */
        size_t e = (size_t)swirl_test_rand_below(rpq * row_len);
        bb31 saved = rows[e];
        rows[e].v ^= 1u << swirl_test_rand_below(30);
        if (rows[e].v >= BB31_P)
            rows[e].v ^= 1u;
        if (!bb31_eq(rows[e], saved))
            CHECK_STATUS(swirl_merkle_verify(&root, rows, rpq, width, d, q, path, depth),
                         SWIRL_E_PROOF_REJECTED);
        rows[e] = saved;
        if (depth > 0) {
            size_t l = (size_t)swirl_test_rand_below(depth);
            size_t k = (size_t)swirl_test_rand_below(8);
            path[l].v[k].v ^= 1;
            CHECK_STATUS(swirl_merkle_verify(&root, rows, rpq, width, d, q, path, depth),
                         SWIRL_E_PROOF_REJECTED);
            path[l].v[k].v ^= 1;
            /* wrong index (unless the neighbour's rows are identical, e.g. zero padding rows) */
            bb31 *other = malloc(rpq * row_len * sizeof *other);
            CHECK(other != NULL);
            CHECK_OK(swirl_merkle_tree_open(t, other, NULL, q ^ 1));
            if (memcmp(other, rows, rpq * row_len * sizeof *other) != 0)
                CHECK_STATUS(swirl_merkle_verify(&root, rows, rpq, width, d, q ^ 1, path, depth),
                             SWIRL_E_PROOF_REJECTED);
            free(other);
        }
        swirl_digest bad = root;
        bad.v[q % 8].v ^= 4;
        CHECK_STATUS(swirl_merkle_verify(&bad, rows, rpq, width, d, q, path, depth),
                     SWIRL_E_PROOF_REJECTED);
    }
    free(rows);
    free(path);
    swirl_merkle_tree_destroy(t);
    free(m);
}

static void test_all_paths_and_flips(void) {
    check_tree(1, 1, 1, 1, 1);
    check_tree(2, 3, 1, 1, 1);
    check_tree(5, 7, 1, 1, 1);
    check_tree(64, 5, 1, 4, 1);
    check_tree(64, 3, 4, 16, 1);
    check_tree(100, 2, 4, 2, 1);
    check_tree(16, 1, 1, 16, 1);
}

static void test_root_changes_with_every_cell(void) {
    size_t h = 16, w = 3;
    bb31 *m = rand_matrix(h * w);
    swirl_merkle_tree *t;
    CHECK_OK(swirl_merkle_tree_build(&t, m, h, w, 1, 4));
    swirl_digest root = swirl_merkle_tree_root(t);
    swirl_merkle_tree_destroy(t);
    for (size_t i = 0; i < h * w; i++) {
        bb31 saved = m[i];
        m[i] = bb31_add(m[i], bb31_one());
        CHECK_OK(swirl_merkle_tree_build(&t, m, h, w, 1, 4));
        swirl_digest r2 = swirl_merkle_tree_root(t);
        CHECK(memcmp(&r2, &root, sizeof root) != 0);
        swirl_merkle_tree_destroy(t);
        m[i] = saved;
    }
    free(m);
}

static void test_threads_equal(void) {
    size_t h = 1u << 12, w = 9;
    bb31 *m = rand_matrix(h * w);
    swirl_merkle_tree *a, *b;
    CHECK_OK(swirl_merkle_tree_build(&a, m, h, w, 1, 16));
    int nt = omp_get_max_threads();
    omp_set_num_threads(1);
    CHECK_OK(swirl_merkle_tree_build(&b, m, h, w, 1, 16));
    omp_set_num_threads(nt);
    size_t la, lb;
    const swirl_digest *da = swirl_merkle_tree_layer(a, 0, &la), *db = swirl_merkle_tree_layer(b, 0, &lb);
    CHECK(la == lb && la == h / 16);
    CHECK(memcmp(da, db, la * sizeof *da) == 0);
    swirl_digest ra = swirl_merkle_tree_root(a), rb = swirl_merkle_tree_root(b);
    CHECK(memcmp(&ra, &rb, sizeof ra) == 0);
    swirl_merkle_tree_destroy(a);
    swirl_merkle_tree_destroy(b);
    free(m);
}

static void test_bad_args(void) {
    bb31 m[8] = {{0}};
    swirl_merkle_tree *t = (swirl_merkle_tree *)&m; /* must be reset to NULL on failure */
    CHECK_STATUS(swirl_merkle_tree_build(&t, NULL, 4, 2, 1, 1), SWIRL_E_INVALID_ARG);
    CHECK(t == NULL);
    CHECK_STATUS(swirl_merkle_tree_build(NULL, m, 4, 2, 1, 1), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_merkle_tree_build(&t, m, 0, 2, 1, 1), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_merkle_tree_build(&t, m, 4, 0, 1, 1), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_merkle_tree_build(&t, m, 4, 2, 2, 1), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_merkle_tree_build(&t, m, 4, 2, 1, 3), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_merkle_tree_build(&t, m, 4, 2, 1, 8), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_merkle_tree_build(&t, m, 4, SIZE_MAX / 2, 1, 1), SWIRL_E_INVALID_ARG);
    CHECK_OK(swirl_merkle_tree_build(&t, m, 4, 2, 1, 1));
    CHECK_STATUS(swirl_merkle_tree_open(t, NULL, NULL, 4), SWIRL_E_INVALID_ARG);
    swirl_merkle_tree_destroy(t);
    swirl_merkle_tree_destroy(NULL);
    swirl_digest root = {{{0}}};
    CHECK_STATUS(swirl_merkle_verify(&root, m, 3, 2, 1, 0, NULL, 0), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_merkle_verify(&root, m, 1, 2, 1, 5, &root, 2), SWIRL_E_PROOF_REJECTED);
}

/* a tree adopted from copied layers (the GPU path) opens exactly like the built one; wrong layer
 * shapes are refused and the layers freed (ASan checks the ownership) */
static void test_adopt(void) {
    enum { H = 24, W = 3, RPQ = 4 };
    bb31 m[H * W];
    for (int i = 0; i < H * W; i++)
        m[i] = bb31_from_u32(swirl_test_rand32());
    swirl_merkle_tree *t, *a;
    CHECK_OK(swirl_merkle_tree_build(&t, m, H, W, 1, RPQ));
    size_t nl = swirl_merkle_tree_proof_depth(t) + 1, lens[48];
    swirl_digest *layers[48];
    for (size_t i = 0; i < nl; i++) {
        const swirl_digest *src = swirl_merkle_tree_layer(t, i, &lens[i]);
        layers[i] = malloc(lens[i] * sizeof *layers[i]);
        CHECK(layers[i] != NULL && src != NULL);
        memcpy(layers[i], src, lens[i] * sizeof *layers[i]);
    }
    CHECK_OK(swirl_merkle_tree_adopt(&a, m, H, W, 1, RPQ, layers, lens, nl));
    swirl_digest ra = swirl_merkle_tree_root(a), rt = swirl_merkle_tree_root(t);
    CHECK(memcmp(&ra, &rt, sizeof ra) == 0);
    for (size_t q = 0; q < swirl_merkle_tree_query_stride(t); q++) {
        bb31 r1[RPQ * W], r2[RPQ * W];
        swirl_digest p1[48], p2[48];
        CHECK_OK(swirl_merkle_tree_open(t, r1, p1, q));
        CHECK_OK(swirl_merkle_tree_open(a, r2, p2, q));
        CHECK(memcmp(r1, r2, sizeof r1) == 0 && memcmp(p1, p2, (nl - 1) * sizeof p1[0]) == 0);
    }
    swirl_merkle_tree_destroy(a);
    for (size_t i = 0; i < nl; i++) {
        layers[i] = malloc(lens[i] * sizeof *layers[i]);
        CHECK(layers[i] != NULL);
    }
    lens[1]++;
    CHECK_STATUS(swirl_merkle_tree_adopt(&a, m, H, W, 1, RPQ, layers, lens, nl), SWIRL_E_INVALID_ARG);
    lens[1]--;
    for (size_t i = 0; i + 1 < nl; i++)
        layers[i] = malloc(8);
    CHECK_STATUS(swirl_merkle_tree_adopt(&a, m, H, W, 1, RPQ, layers, lens, nl - 1), SWIRL_E_INVALID_ARG);
    swirl_merkle_tree_destroy(t);
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_adopt),
    SWIRL_TEST(test_hand_computed_root), SWIRL_TEST(test_all_paths_and_flips),
    SWIRL_TEST(test_root_changes_with_every_cell), SWIRL_TEST(test_threads_equal),
    SWIRL_TEST(test_bad_args),
};

int main(int argc, char **argv) {
    return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
}
