/* Merkle layer plans and their host-side opening (device/buffer.h). */
#include "device/buffer.h"

#include <string.h>

enum swirl_status swirl_merkle_plan_init(swirl_merkle_plan *plan, size_t height, size_t width,
                                         unsigned ext_degree, size_t rows_per_query) {
    SWIRL_ARG_CHECK(plan != NULL);
    memset(plan, 0, sizeof *plan);
    if (height == 0 || width == 0 || (ext_degree != 1 && ext_degree != 4))
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "merkle plan: %zu x %zu matrix, ext degree %u",
                           height, width, ext_degree);
    size_t row_cells, cells;
    if (!swirl_mul_size(width, ext_degree, &row_cells) || height > ((size_t)1 << 62) ||
        !swirl_mul_size(height, row_cells, &cells) || cells > SIZE_MAX / sizeof(bb31))
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "merkle plan: matrix size overflows");
    size_t leaves = 1;
    while (leaves < height)
        leaves <<= 1;
    if (!swirl_is_pow2(rows_per_query) || rows_per_query > leaves)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                           "merkle plan: rows_per_query %zu not a power of two <= %zu leaves",
                           rows_per_query, leaves);
    size_t qs = leaves / rows_per_query, levels = swirl_log2_exact(qs) + 1;
    if (levels > SWIRL_MERKLE_MAX_LAYERS)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "merkle plan: tree too deep (%zu layers)", levels);
    plan->height = height;
    plan->width = width;
    plan->ext_degree = ext_degree;
    plan->rows_per_query = rows_per_query;
    plan->num_leaves = leaves;
    plan->num_layers = levels;
    size_t off = 0;
    for (size_t l = 0, n = qs; l < levels; l++, n /= 2) {
        plan->layer_off[l] = off;
        plan->layer_len[l] = n;
        off += n;
    }
    plan->digests = off;
    return SWIRL_OK;
}

enum swirl_status swirl_merkle_open_host(const swirl_merkle_plan *plan, const swirl_digest *layers,
                                         const bb31 *matrix, size_t q, bb31 *rows_out,
                                         swirl_digest *path_out) {
    SWIRL_ARG_CHECK(plan != NULL && layers != NULL && (matrix != NULL || rows_out == NULL));
    size_t qs = plan->layer_len[0];
    if (q >= qs)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "merkle: query index %zu out of range (stride %zu)",
                           q, qs);
    if (rows_out) {
        const size_t d = plan->ext_degree, row_len = plan->width * d;
        for (size_t t = 0; t < plan->rows_per_query; t++) {
            bb31 *buf = rows_out + t * row_len;
            size_t r = q + t * qs;
            if (r >= plan->height) {
                memset(buf, 0, row_len * sizeof *buf);
                continue;
            }
            for (size_t c = 0; c < plan->width; c++)
                for (size_t k = 0; k < d; k++)
                    buf[c * d + k] = matrix[(c * plan->height + r) * d + k];
        }
    }
    if (path_out) {
        size_t idx = q;
        for (size_t l = 0; l + 1 < plan->num_layers; l++) {
            path_out[l] = layers[plan->layer_off[l] + (idx ^ 1)];
            idx >>= 1;
        }
    }
    return SWIRL_OK;
}
