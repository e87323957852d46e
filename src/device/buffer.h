/*
 * Buffers of the device layer: a pointer, its size in bytes and where the bytes live (host memory
 * the CPU may read, or memory of a device that only its backend's slots may touch). The slots of
 * device/ops.h take buffers, so a caller never hands a device pointer to CPU code by mistake: a
 * CPU slot given a DEVICE buffer returns SWIRL_E_INVALID_ARG.
 *
 * Ownership: a swirl_buf is a plain value and owns nothing by itself; whoever allocated it frees
 * it (ops->buf_free for the table's buf_alloc, free() for a host buffer the caller made with
 * swirl_malloc and wrapped with swirl_buf_host).
 *
 * Also here: the digest layout of a Merkle tree written into one buffer (swirl_merkle_plan, the
 * size query of the merkle_tree slot) and the host-side opening of such a tree.
 */
#ifndef SWIRL_DEVICE_BUFFER_H
#define SWIRL_DEVICE_BUFFER_H

#include <stddef.h>

#include "field/bb31.h"
#include "hash/poseidon2.h"

typedef enum swirl_mem {
    SWIRL_MEM_HOST = 0,   /* host memory: any CPU code may read and write it */
    SWIRL_MEM_DEVICE = 1, /* device memory of the backend that allocated it */
} swirl_mem;

typedef struct swirl_buf {
    void *ptr;
    size_t bytes;
    swirl_mem where;
} swirl_buf;

/** A host buffer over caller memory (not owned). */
static inline swirl_buf swirl_buf_host(void *ptr, size_t bytes) {
    swirl_buf b = {ptr, bytes, SWIRL_MEM_HOST};
    return b;
}
/** A host buffer over read-only caller memory, for slot inputs (the slot never writes it). */
static inline swirl_buf swirl_buf_host_const(const void *ptr, size_t bytes) {
    swirl_buf b = {(void *)(size_t)ptr, bytes, SWIRL_MEM_HOST};
    return b;
}

/** The Merkle tree's layers in one buffer: the query layer first, the root last. */
#define SWIRL_MERKLE_MAX_LAYERS 48
typedef struct swirl_merkle_plan {
    size_t height, width;      /* the committed matrix (column-major cells) */
    unsigned ext_degree;       /* 1 or 4 base elements per cell */
    size_t rows_per_query;     /* a power of two <= num_leaves */
    size_t num_leaves;         /* height rounded up to a power of two */
    size_t num_layers;         /* log2(num_leaves / rows_per_query) + 1 */
    size_t layer_len[SWIRL_MERKLE_MAX_LAYERS]; /* digests per layer */
    size_t layer_off[SWIRL_MERKLE_MAX_LAYERS]; /* first digest of each layer in the buffer */
    size_t digests;            /* all layers together */
} swirl_merkle_plan;

#ifdef __cplusplus
extern "C" {
#endif

/**
 * The layout of a tree over a height x width matrix (hash/merkle.h's shape rules). Errors
 * (SWIRL_E_INVALID_ARG): height or width 0, ext_degree not 1 or 4, rows_per_query not a power of
 * two or above the leaf count, a tree deeper than SWIRL_MERKLE_MAX_LAYERS, a size that overflows.
 */
enum swirl_status swirl_merkle_plan_init(swirl_merkle_plan *plan, size_t height, size_t width,
                                         unsigned ext_degree,
                                         size_t rows_per_query) SWIRL_WARN_UNUSED_RESULT;

/** Bytes of the layers buffer (plan->digests digests). */
static inline size_t swirl_merkle_plan_bytes(const swirl_merkle_plan *plan) {
    return plan->digests * sizeof(swirl_digest);
}
/** Sibling digests in one query's path (num_layers - 1). */
static inline size_t swirl_merkle_plan_depth(const swirl_merkle_plan *plan) {
    return plan->num_layers - 1;
}

/**
 * Opens query q (< layer_len[0]) of a tree whose layers and matrix are host memory, exactly as
 * swirl_merkle_tree_open: the rows_per_query rows {q + t * layer_len[0]} (row by row, each
 * width * ext_degree elements; rows past height are zero) to rows_out when non-NULL, the depth
 * sibling digests, bottom up, to path_out when non-NULL.
 */
enum swirl_status swirl_merkle_open_host(const swirl_merkle_plan *plan, const swirl_digest *layers,
                                         const bb31 *matrix, size_t q, bb31 *rows_out,
                                         swirl_digest *path_out) SWIRL_WARN_UNUSED_RESULT;

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_DEVICE_BUFFER_H */
