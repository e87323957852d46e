/*
 * The Merkle tree the stacked PCS and WHIR commit with (OpenVM v2.0.1
 * crates/stark-backend/src/prover/stacked_pcs.rs `MerkleTree::new`, verifier/whir.rs for the path
 * check).
 *
 * The committed matrix is column-major: `width` columns of `height` rows; each cell is `ext_degree`
 * consecutive base elements (1 for BabyBear, 4 for the extension, basis order). Leaf r is
 * p2_hash_slice over row r's cells flattened in column order (rows past `height`, up to the next
 * power of two, hash as zero rows). The first log2(rows_per_query) compression layers pair leaves
 * `query_stride` apart (query_stride = num_leaves / rows_per_query), so one query opens the rows
 * {q + t*query_stride : t < rows_per_query}; the remaining layers pair neighbours up to the root.
 *
 * Ownership: the tree owns its digest layers, not the matrix; the caller keeps the matrix alive and
 * unchanged while it opens rows.
 */
#ifndef SWIRL_HASH_MERKLE_H
#define SWIRL_HASH_MERKLE_H

#include <stddef.h>

#include "hash/poseidon2.h"

typedef struct swirl_merkle_tree swirl_merkle_tree;

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Builds the tree. Returns SWIRL_E_INVALID_ARG for NULL, height 0, width 0, ext_degree not 1 or 4,
 * rows_per_query not a power of two or above the leaf count; SWIRL_E_NOMEM on allocation failure.
 * Out: *out (destroy with swirl_merkle_tree_destroy).
 */
/**
 * A tree whose digest layers were computed elsewhere (the GPU): takes ownership of layers[0..num_layers)
 * (malloc'ed, query layer first, root last) even on failure; checks the lengths against the shape.
 */
enum swirl_status swirl_merkle_tree_adopt(swirl_merkle_tree **out, const bb31 *matrix, size_t height,
                                          size_t width, unsigned ext_degree, size_t rows_per_query,
                                          swirl_digest **layers, const size_t *layer_len,
                                          size_t num_layers) SWIRL_WARN_UNUSED_RESULT;

enum swirl_status swirl_merkle_tree_build(swirl_merkle_tree **out, const bb31 *matrix,
                                          size_t height, size_t width, unsigned ext_degree,
                                          size_t rows_per_query) SWIRL_WARN_UNUSED_RESULT;

void swirl_merkle_tree_destroy(swirl_merkle_tree *tree);

/** The root digest. */
swirl_digest swirl_merkle_tree_root(const swirl_merkle_tree *tree);
/** Number of query positions (= leaves / rows_per_query). */
size_t swirl_merkle_tree_query_stride(const swirl_merkle_tree *tree);
/** Number of sibling digests in a query's authentication path. */
size_t swirl_merkle_tree_proof_depth(const swirl_merkle_tree *tree);
/** Digest layer `i` (0 = the query layer, after the rows_per_query fold) and its length. */
const swirl_digest *swirl_merkle_tree_layer(const swirl_merkle_tree *tree, size_t i, size_t *len);

/**
 * Opens query `query_idx` (< query_stride): writes the rows_per_query opened rows
 * (rows_per_query * width * ext_degree elements, row by row) to `rows_out` when non-NULL, and the
 * proof_depth sibling digests, bottom up, to `path_out` when non-NULL.
 */
enum swirl_status swirl_merkle_tree_open(const swirl_merkle_tree *tree, bb31 *rows_out,
                                         swirl_digest *path_out,
                                         size_t query_idx) SWIRL_WARN_UNUSED_RESULT;

/**
 * Verifies opened rows against a root: hashes each row, folds the rows_per_query leaves, then walks
 * the path. Returns SWIRL_OK when it matches, SWIRL_E_PROOF_REJECTED when it does not,
 * SWIRL_E_INVALID_ARG on bad sizes.
 */
enum swirl_status swirl_merkle_verify(const swirl_digest *root, const bb31 *rows,
                                      size_t rows_per_query, size_t width, unsigned ext_degree,
                                      size_t query_idx, const swirl_digest *path,
                                      size_t depth) SWIRL_WARN_UNUSED_RESULT;

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_HASH_MERKLE_H */
