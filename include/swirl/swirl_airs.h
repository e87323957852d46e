/*
 * Built-in AIRs, built with the AIR builder (swirl_air.h), and their traces:
 *  - KeccakAir (Plonky3 0.4.3 keccak-air, 2633 columns, 3182 constraints): one Keccak-f[1600]
 *    permutation per 24 rows; OpenVM's keccakf example inputs are built in;
 *  - OpenVM's test AIRs: FibonacciAir, DummyInteractionAir (a sender or receiver on a bus),
 *    SelfInteractionAir.
 * Traces are column-major swirl_felt matrices the caller frees with swirl_free.
 */
#ifndef SWIRL_SWIRL_AIRS_H
#define SWIRL_SWIRL_AIRS_H

#include <stddef.h>
#include <stdint.h>

#include "swirl/swirl.h"
#include "swirl/swirl_air.h"
#include "swirl/swirl_prover.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- KeccakAir ---- */

SWIRL_API enum swirl_status swirl_keccak_air_build(swirl_air_builder **out) SWIRL_WARN_UNUSED_RESULT;
/**
 * generate_trace_rows(inputs, 0): height = next power of two of 24 * n_inputs (n_inputs >= 1),
 * padded with all-zero inputs (the last one possibly truncated). Writes a column-major matrix
 * (column c at *out + c * height; release it with swirl_free) and its height.
 */
SWIRL_API enum swirl_status swirl_keccak_generate_trace(swirl_felt **out, size_t *height,
                                              const uint64_t (*inputs)[25],
                                              size_t n_inputs) SWIRL_WARN_UNUSED_RESULT;
/**
 * generate_trace_rows(inputs, 0) on the GPU of a "cuda" context: the same matrix as
 * swirl_keccak_generate_trace, bit for bit, padding included, written into device memory that
 * *out owns (one cudaMalloc, made here, outside any proof; the inputs are uploaded and the call
 * returns when the trace is complete). Give it to swirl_prove_device; release it
 * with swirl_device_trace_destroy before the context. Errors: SWIRL_E_INVALID_ARG (NULL, no
 * inputs, too many), SWIRL_E_UNSUPPORTED (the context's backend is not "cuda"), SWIRL_E_NOMEM
 * (host or device), SWIRL_E_CUDA. *out is NULL on failure.
 */
SWIRL_API enum swirl_status swirl_keccak_generate_trace_device(swirl_context *ctx,
                                                               swirl_device_trace **out,
                                                               const uint64_t (*inputs)[25],
                                                               size_t n_inputs) SWIRL_WARN_UNUSED_RESULT;
/**
 * Parses the inputs format: one permutation per line, 25 unsigned 64-bit words separated by
 * whitespace, decimal or 0x-hexadecimal; empty lines and lines starting with '#' are skipped.
 * On success *out (swirl_free it) holds *n permutations. Errors: SWIRL_E_IO with a message naming
 * the line and the problem; SWIRL_E_INVALID_ARG when there is no permutation at all.
 */
SWIRL_API enum swirl_status swirl_keccak_parse_inputs(uint64_t (**out)[25], size_t *n, const char *text,
                                            size_t len) SWIRL_WARN_UNUSED_RESULT;
/** Reads and parses a file (SWIRL_E_IO when it cannot be read). */
SWIRL_API enum swirl_status swirl_keccak_read_inputs(uint64_t (**out)[25], size_t *n,
                                           const char *path) SWIRL_WARN_UNUSED_RESULT;
/** OpenVM's keccakf example inputs (crates/stark-sdk/examples/keccakf.rs: StdRng seed 42, 1024
 *  permutations); *n receives their count. Static data. */
SWIRL_API const uint64_t (*swirl_keccakf_example_inputs(size_t *n))[25];

/* ---- OpenVM's test AIRs ---- */

/**
 * fib_air: 2 columns (left, right), public values (a, b, x):
 *   first row: left = a, right = b; transition: next.left = right, next.right = left + right;
 *   last row: right = x.
 */
SWIRL_API enum swirl_status swirl_fib_air_build(swirl_air_builder **out) SWIRL_WARN_UNUSED_RESULT;
/** fib trace of n rows (power of two), column-major (swirl_free), starting (a, b). */
SWIRL_API enum swirl_status swirl_fib_trace(swirl_felt **out, uint64_t a, uint64_t b,
                                  size_t n) SWIRL_WARN_UNUSED_RESULT;

/**
 * DummyInteractionAir: column 0 is the count, columns 1..field_width the message; a sender pushes
 * (fields, count), a receiver (fields, -1 * count), both with count_weight 0. With `partition`, the
 * fields live in one cached partition and the count in the common main.
 */
SWIRL_API enum swirl_status swirl_dummy_interaction_air_build(swirl_air_builder **out, size_t field_width,
                                                    int is_send, uint16_t bus_index,
                                                    int partition) SWIRL_WARN_UNUSED_RESULT;
/**
 * Balanced traces for a field_width-1 sender / receiver pair (column-major: count, field): the
 * sender's first hr of its `rows` rows send (100 + i) with count i + 1 (the other rows count 0),
 * the receiver's hr rows take exactly those. sm holds 2 * rows values, rm 2 * hr; hr <= rows.
 */
SWIRL_API void swirl_dummy_interaction_pair_traces(swirl_felt *sm, size_t rows, swirl_felt *rm, size_t hr);

/** SelfInteractionAir of `width` columns on `bus_index` (8 interactions, balanced by itself on
 *  the trace where row r, column i holds (r + i) mod width). */
SWIRL_API enum swirl_status swirl_self_interaction_air_build(swirl_air_builder **out, size_t width,
                                                   uint16_t bus_index) SWIRL_WARN_UNUSED_RESULT;
SWIRL_API enum swirl_status swirl_self_interaction_trace(swirl_felt **out, size_t width,
                                               size_t log_height) SWIRL_WARN_UNUSED_RESULT;

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_SWIRL_AIRS_H */
