/* Merkle tree over the rows of a column-major matrix (see merkle.h for the exact shape). */
#include "util/alloc.h"
#include "hash/merkle.h"
#include "hash/poseidon2_x8.h"

#include <stdlib.h>
#include <string.h>

struct swirl_merkle_tree {
    const bb31 *matrix;
    size_t height, width, rows_per_query, num_leaves;
    unsigned ext_degree;
    size_t num_layers;      /* digest layers from the query layer up to the root */
    swirl_digest **layers;  /* layers[0]: query_stride digests ... layers[num_layers-1]: the root */
    size_t *layer_len;
};

/* Gathers row r (cells in column order, each ext_degree elements) into buf; zero past height. */
static void merkle_gather_row(bb31 *buf, const bb31 *m, size_t height, size_t width, unsigned d,
                              size_t r) {
    if (r >= height) {
        memset(buf, 0, width * d * sizeof(bb31));
        return;
    }
    for (size_t c = 0; c < width; c++)
        for (unsigned k = 0; k < d; k++)
            buf[c * d + k] = m[(c * height + r) * d + k];
}

void swirl_merkle_tree_destroy(swirl_merkle_tree *tree) {
    if (!tree)
        return;
    if (tree->layers)
        for (size_t i = 0; i < tree->num_layers; i++)
            free(tree->layers[i]);
    free(tree->layers);
    free(tree->layer_len);
    free(tree);
}

/* A tree's header with empty layer tables (num_layers from the shape); NULL when out of memory. */
static swirl_merkle_tree *tree_new(const bb31 *matrix, size_t height, size_t width,
                                   unsigned ext_degree, size_t rows_per_query, size_t num_leaves) {
    swirl_merkle_tree *t = swirl_calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->matrix = matrix;
    t->height = height;
    t->width = width;
    t->ext_degree = ext_degree;
    t->rows_per_query = rows_per_query;
    t->num_leaves = num_leaves;
    t->num_layers = swirl_log2_exact(num_leaves / rows_per_query) + 1;
    t->layers = swirl_calloc(t->num_layers, sizeof *t->layers);
    t->layer_len = swirl_calloc(t->num_layers, sizeof *t->layer_len);
    if (!t->layers || !t->layer_len) {
        swirl_merkle_tree_destroy(t);
        return NULL;
    }
    return t;
}

enum swirl_status swirl_merkle_tree_build(swirl_merkle_tree **out, const bb31 *matrix,
                                          size_t height, size_t width, unsigned ext_degree,
                                          size_t rows_per_query) {
    SWIRL_ARG_CHECK(out != NULL);
    *out = NULL;
    SWIRL_ARG_CHECK(matrix != NULL);
    SWIRL_ARG_CHECK(height > 0 && width > 0);
    SWIRL_ARG_CHECK(ext_degree == 1 || ext_degree == 4);
    SWIRL_ARG_CHECK(swirl_is_pow2(rows_per_query));
    if (height > ((size_t)1 << 40))
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "merkle: height %zu too large", height);
    size_t num_leaves = 1;
    while (num_leaves < height)
        num_leaves <<= 1;
    if (rows_per_query > num_leaves)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                           "merkle: rows_per_query %zu exceeds the number of leaves %zu",
                           rows_per_query, num_leaves);
    size_t row_len;
    if (!swirl_mul_size(width, ext_degree, &row_len) || row_len > ((size_t)1 << 32))
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "merkle: row width %zu overflows", width);

    size_t query_stride = num_leaves / rows_per_query;
    swirl_merkle_tree *t = tree_new(matrix, height, width, ext_degree, rows_per_query, num_leaves);
    swirl_digest *cur = swirl_malloc(num_leaves * sizeof *cur);
    if (!t || !cur) {
        free(cur);
        swirl_merkle_tree_destroy(t);
        return SWIRL_RAISE(SWIRL_E_NOMEM, "merkle: out of memory for %zu leaves", num_leaves);
    }

    /* leaf hashes, 16 rows at a time (16-lane Poseidon2: AVX-512, or two 8-lane AVX2 groups) */
    int oom = 0;
    long long ngroups = (long long)((num_leaves + 15) / 16);
#pragma omp parallel reduction(| : oom)
    {
        bb31 *buf = swirl_malloc(16 * row_len * sizeof(bb31) + 1);
        if (!buf)
            oom = 1;
#pragma omp for schedule(static)
        for (long long g = 0; g < ngroups; g++) {
            if (!buf)
                continue;
            size_t r0 = (size_t)g * 16;
            if (r0 + 16 <= num_leaves) {
                const bb31 *rows[16];
                for (int k = 0; k < 16; k++) {
                    merkle_gather_row(buf + (size_t)k * row_len, matrix, height, width, ext_degree,
                                      r0 + (size_t)k);
                    rows[k] = buf + (size_t)k * row_len;
                }
                p2_hash_slice_x16(&cur[r0], rows, row_len);
            } else {
                for (size_t r = r0; r < num_leaves; r++) {
                    merkle_gather_row(buf, matrix, height, width, ext_degree, r);
                    p2_hash_slice(&cur[r], buf, row_len);
                }
            }
        }
        free(buf);
    }
    if (oom) {
        free(cur);
        swirl_merkle_tree_destroy(t);
        return SWIRL_RAISE(SWIRL_E_NOMEM, "merkle: out of memory for row buffers");
    }

    /* fold rows_per_query leaves that are query_stride apart, in place: after each step the first
     * half holds compress(prev[2x*qs + y], prev[(2x+1)*qs + y]) at index x*qs + y. */
    size_t len = num_leaves;
    for (size_t step = 1; step < rows_per_query; step <<= 1) {
        size_t half = len / 2;
        swirl_digest *next = swirl_malloc(half * sizeof *next);
        if (!next) {
            free(cur);
            swirl_merkle_tree_destroy(t);
            return SWIRL_RAISE(SWIRL_E_NOMEM, "merkle: out of memory");
        }
#pragma omp parallel for schedule(static)
        for (long long g = 0; g < (long long)((half + 7) / 8); g++) {
            size_t i0 = (size_t)g * 8;
            const swirl_digest *l[8], *r[8];
            size_t cnt = half - i0 < 8 ? half - i0 : 8;
            for (size_t k = 0; k < 8; k++) {
                size_t i = i0 + (k < cnt ? k : 0);
                size_t x = i / query_stride, y = i % query_stride;
                l[k] = &cur[2 * x * query_stride + y];
                r[k] = &cur[(2 * x + 1) * query_stride + y];
            }
            swirl_digest o[8];
            p2_compress_x8(o, l, r);
            memcpy(&next[i0], o, cnt * sizeof *o);
        }
        free(cur);
        cur = next;
        len = half;
    }
    t->layers[0] = cur;
    t->layer_len[0] = len;
    for (size_t l = 1; l < t->num_layers; l++) {
        size_t half = t->layer_len[l - 1] / 2;
        swirl_digest *next = swirl_malloc(half * sizeof *next);
        if (!next) {
            swirl_merkle_tree_destroy(t);
            return SWIRL_RAISE(SWIRL_E_NOMEM, "merkle: out of memory");
        }
        const swirl_digest *prev = t->layers[l - 1];
#pragma omp parallel for schedule(static) if (half >= 1024)
        for (long long g = 0; g < (long long)((half + 7) / 8); g++) {
            size_t i0 = (size_t)g * 8;
            size_t cnt = half - i0 < 8 ? half - i0 : 8;
            const swirl_digest *lft[8], *rgt[8];
            for (size_t k = 0; k < 8; k++) {
                size_t i = i0 + (k < cnt ? k : 0);
                lft[k] = &prev[2 * i];
                rgt[k] = &prev[2 * i + 1];
            }
            swirl_digest o[8];
            p2_compress_x8(o, lft, rgt);
            memcpy(&next[i0], o, cnt * sizeof *o);
        }
        t->layers[l] = next;
        t->layer_len[l] = half;
    }
    *out = t;
    return SWIRL_OK;
}

swirl_digest swirl_merkle_tree_root(const swirl_merkle_tree *tree) {
    return tree->layers[tree->num_layers - 1][0];
}

size_t swirl_merkle_tree_query_stride(const swirl_merkle_tree *tree) {
    return tree->layer_len[0];
}

size_t swirl_merkle_tree_proof_depth(const swirl_merkle_tree *tree) {
    return tree->num_layers - 1;
}

const swirl_digest *swirl_merkle_tree_layer(const swirl_merkle_tree *tree, size_t i, size_t *len) {
    if (!tree || i >= tree->num_layers)
        return NULL;
    if (len)
        *len = tree->layer_len[i];
    return tree->layers[i];
}

enum swirl_status swirl_merkle_tree_open(const swirl_merkle_tree *tree, bb31 *rows_out,
                                         swirl_digest *path_out, size_t query_idx) {
    SWIRL_ARG_CHECK(tree != NULL);
    size_t qs = tree->layer_len[0];
    if (query_idx >= qs)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "merkle: query index %zu out of range (stride %zu)",
                           query_idx, qs);
    if (rows_out) {
        size_t row_len = tree->width * tree->ext_degree;
        for (size_t t = 0; t < tree->rows_per_query; t++)
            merkle_gather_row(rows_out + t * row_len, tree->matrix, tree->height, tree->width,
                              tree->ext_degree, query_idx + t * qs);
    }
    if (path_out) {
        size_t idx = query_idx;
        for (size_t l = 0; l + 1 < tree->num_layers; l++) {
            path_out[l] = tree->layers[l][idx ^ 1];
            idx >>= 1;
        }
    }
    return SWIRL_OK;
}

enum swirl_status swirl_merkle_verify(const swirl_digest *root, const bb31 *rows,
                                      size_t rows_per_query, size_t width, unsigned ext_degree,
                                      size_t query_idx, const swirl_digest *path, size_t depth) {
    SWIRL_ARG_CHECK(root != NULL && rows != NULL);
    SWIRL_ARG_CHECK(path != NULL || depth == 0);
    SWIRL_ARG_CHECK(ext_degree == 1 || ext_degree == 4);
    SWIRL_ARG_CHECK(swirl_is_pow2(rows_per_query) && rows_per_query <= 4096);
    SWIRL_ARG_CHECK(depth < 64);
    if ((depth < 63 && (query_idx >> depth) != 0))
        return SWIRL_RAISE(SWIRL_E_PROOF_REJECTED, "merkle: query index %zu does not fit depth %zu",
                           query_idx, depth);
    size_t row_len = width * ext_degree;
    swirl_digest *leaves = swirl_malloc(rows_per_query * sizeof *leaves);
    if (!leaves)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "merkle verify: out of memory");
    for (size_t t = 0; t < rows_per_query; t++)
        p2_hash_slice(&leaves[t], rows + t * row_len, row_len);
    for (size_t n = rows_per_query; n > 1; n /= 2)
        for (size_t i = 0; i < n / 2; i++)
            p2_compress(&leaves[i], &leaves[2 * i], &leaves[2 * i + 1]);
    swirl_digest cur = leaves[0];
    free(leaves);
    size_t idx = query_idx;
    for (size_t l = 0; l < depth; l++) {
        swirl_digest nxt;
        if ((idx & 1) == 0)
            p2_compress(&nxt, &cur, &path[l]);
        else
            p2_compress(&nxt, &path[l], &cur);
        cur = nxt;
        idx >>= 1;
    }
    if (memcmp(&cur, root, sizeof cur) != 0)
        return SWIRL_RAISE(SWIRL_E_PROOF_REJECTED, "merkle: root mismatch for query %zu", query_idx);
    return SWIRL_OK;
}

enum swirl_status swirl_merkle_tree_adopt(swirl_merkle_tree **out, const bb31 *matrix, size_t height,
                                          size_t width, unsigned ext_degree, size_t rows_per_query,
                                          swirl_digest **layers, const size_t *layer_len,
                                          size_t num_layers) {
    enum swirl_status st = SWIRL_OK;
    swirl_merkle_tree *t = NULL;
    size_t num_leaves = 1;
    while (num_leaves < height)
        num_leaves <<= 1;
    if (!out || !matrix || !layers || !layer_len || height == 0 || width == 0 ||
        !swirl_is_pow2(rows_per_query) || rows_per_query > num_leaves ||
        num_layers != swirl_log2_exact(num_leaves / rows_per_query) + 1) {
        st = SWIRL_RAISE(SWIRL_E_INVALID_ARG, "merkle: adopted layers do not fit the matrix shape");
        goto fail;
    }
    for (size_t l = 0; l < num_layers; l++)
        if (!layers[l] || layer_len[l] != (num_leaves / rows_per_query) >> l) {
            st = SWIRL_RAISE(SWIRL_E_INVALID_ARG, "merkle: adopted layer %zu has the wrong length", l);
            goto fail;
        }
    t = tree_new(matrix, height, width, ext_degree, rows_per_query, num_leaves);
    if (!t) {
        st = SWIRL_RAISE(SWIRL_E_NOMEM, "merkle: out of memory");
        goto fail;
    }
    for (size_t l = 0; l < num_layers; l++) {
        t->layers[l] = layers[l];
        t->layer_len[l] = layer_len[l];
    }
    *out = t;
    return SWIRL_OK;
fail:
    for (size_t l = 0; layers && l < num_layers; l++)
        free(layers[l]);
    return st;
}
