/*
 * Keys, proofs, proving and verifying: the public prover API.
 *
 *     swirl_context *ctx;                       // threads, backend, log (swirl.h)
 *     swirl_context_create(&ctx, NULL);
 *     swirl_air_spec spec = {air, NULL, 0, 1};  // an AIR from swirl_air_compile (swirl_air.h)
 *     swirl_vk *vk;
 *     swirl_vk_create(&vk, &params, &spec, 1);  // keygen (params: swirl_params.h)
 *     swirl_trace trace = {columns, height, public_values, NULL};
 *     swirl_proof *proof;
 *     swirl_prove(ctx, &proof, vk, &trace);
 *     swirl_verify(ctx, vk, proof);             // SWIRL_OK: accepted
 *     uint8_t *bytes; size_t len;
 *     swirl_proof_to_bytes(&bytes, &len, proof, vk);   // OpenVM's Proof encoding
 *     swirl_free(bytes); swirl_proof_destroy(proof); swirl_vk_destroy(vk); swirl_context_destroy(ctx);
 *
 * Encodings are OpenVM v2.0.1's: a verifying key is postcard(MultiStarkVerifyingKey), a proof the
 * Proof encoding (codec version 3), its JSON the field names of proof.rs. Errors as in swirl.h; a
 * message is in swirl_last_error().
 */
#ifndef SWIRL_SWIRL_PROVER_H
#define SWIRL_SWIRL_PROVER_H

#include <stddef.h>
#include <stdint.h>

#include "swirl/swirl.h"
#include "swirl/swirl_air.h"
#include "swirl/swirl_params.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A verifying key, with the prover's data when it came from swirl_vk_create (opaque). */
typedef struct swirl_vk swirl_vk;
/** A proof (opaque). */
typedef struct swirl_proof swirl_proof;

/** One AIR handed to keygen. The AIR must outlive the key; the preprocessed trace is copied. */
typedef struct swirl_air_spec {
    const swirl_air *air;
    const swirl_felt *preprocessed; /* column-major, the AIR's preprocessed width, or NULL */
    size_t preprocessed_height;
    int is_required; /* 0: the AIR may be left out of a proof (an optional AIR) */
} swirl_air_spec;

/**
 * A trace matrix that lives in device memory (opaque), made on a CUDA context, e.g. by
 * swirl_keccak_generate_trace_device (swirl_airs.h). Column-major like a host trace (column c at
 * offset c * height), Montgomery form. The caller owns it and releases it with
 * swirl_device_trace_destroy, before the context it was made on is destroyed; it is used only
 * with that context. swirl_prove_device reads it where it is (no upload) on that context's CUDA
 * backend.
 */
typedef struct swirl_device_trace swirl_device_trace;

/** One AIR's trace for the prover: the common main partition, column-major, height a power of
 *  two; common = NULL leaves an optional AIR out. An AIR with a preprocessed trace takes it from
 *  the key; cached partitions (same height) are committed by the prover. */
typedef struct swirl_trace {
    const swirl_felt *common;
    size_t height;
    const swirl_felt *public_values;        /* the AIR's public values */
    const swirl_felt *const *cached;        /* one per cached partition, or NULL */
} swirl_trace;

/**
 * Copies a host trace (column-major, `height` x `width`, Montgomery form, as swirl_trace.common)
 * into device memory on ctx, for swirl_prove_device: the copy is made once, before the proof, and
 * recorded in the context's GPU stage trace as "device_trace_upload" with its bytes; `values` may
 * be reused on return. Errors: SWIRL_E_INVALID_ARG (NULL, zero or overflowing size),
 * SWIRL_E_UNSUPPORTED (ctx's backend is not cuda), SWIRL_E_NOMEM (host or device memory, naming
 * what did not fit), SWIRL_E_CUDA; on failure *out is NULL.
 */
SWIRL_API enum swirl_status swirl_device_trace_upload(swirl_context *ctx, swirl_device_trace **out,
                                                      const swirl_felt *values, size_t height,
                                                      size_t width) SWIRL_WARN_UNUSED_RESULT;
/** Destroys a device trace and frees its device memory (NULL: nothing). Call it before
 *  destroying the context that made it. */
SWIRL_API void swirl_device_trace_destroy(swirl_device_trace *trace);
/** The trace's height (rows) and width (columns); 0 for NULL. */
SWIRL_API size_t swirl_device_trace_height(const swirl_device_trace *trace);
SWIRL_API size_t swirl_device_trace_width(const swirl_device_trace *trace);
/**
 * Copies a device trace to the host: *out (release with swirl_free) receives height * width
 * elements, column-major. Errors: SWIRL_E_INVALID_ARG (NULL), SWIRL_E_NOMEM, SWIRL_E_CUDA.
 * Recorded in the context's GPU stage trace as "trace_download" with its bytes.
 */
SWIRL_API enum swirl_status swirl_device_trace_download(const swirl_device_trace *trace,
                                                        swirl_felt **out) SWIRL_WARN_UNUSED_RESULT;

/* ---- keys ---- */

/**
 * Keygen for n_airs AIRs. Errors (SWIRL_E_INVALID_ARG, message naming the AIR): zero main width,
 * no constraints and no interactions, an empty or too long interaction message, a degree above
 * params->max_constraint_degree, a missing or mis-shaped preprocessed trace; SWIRL_E_NOMEM.
 */
SWIRL_API enum swirl_status swirl_vk_create(swirl_vk **out, const swirl_system_params *params,
                                  const swirl_air_spec *airs,
                                  size_t n_airs) SWIRL_WARN_UNUSED_RESULT;
/** Destroys a key (NULL: nothing). */
SWIRL_API void swirl_vk_destroy(swirl_vk *vk);
/** The key's bytes, postcard(MultiStarkVerifyingKey) (release *bytes with swirl_free). */
SWIRL_API enum swirl_status swirl_vk_to_bytes(uint8_t **bytes, size_t *len,
                                    const swirl_vk *vk) SWIRL_WARN_UNUSED_RESULT;
/** A key from its bytes (verification only: it has no prover data). SWIRL_E_IO for bad bytes
 *  (the message names the offset). */
SWIRL_API enum swirl_status swirl_vk_from_bytes(swirl_vk **out, const uint8_t *bytes,
                                      size_t len) SWIRL_WARN_UNUSED_RESULT;
/** The pre-hash that starts every transcript of this key: 8 canonical values. */
SWIRL_API void swirl_vk_get_pre_hash(const swirl_vk *vk, uint32_t out[8]);
SWIRL_API size_t swirl_vk_num_airs(const swirl_vk *vk);
/** The key's parameters (owned by the key). */
SWIRL_API const swirl_system_params *swirl_vk_params(const swirl_vk *vk);

/* ---- proving and verifying ---- */

/**
 * Proves traces[i] for the key's AIR i (i < swirl_vk_num_airs) on the context's backend and
 * threads; every backend gives the same bytes. Errors: SWIRL_E_INVALID_ARG (bad shapes: a height
 * not a power of two or too tall, missing public values or cached partitions, a key without
 * prover data), SWIRL_E_UNSATISFIED (the interactions do not balance), SWIRL_E_NOMEM,
 * SWIRL_E_CUDA. A trace that violates a constraint gives a proof that does not verify: check
 * traces first with swirl_check_traces when they are not trusted.
 */
SWIRL_API enum swirl_status swirl_prove(swirl_context *ctx, swirl_proof **out, const swirl_vk *vk,
                              const swirl_trace *traces) SWIRL_WARN_UNUSED_RESULT;
/**
 * swirl_prove with common mains that live on the device: device[i] (i < swirl_vk_num_airs; NULL
 * entries: AIR i's trace is traces[i] as for swirl_prove) is AIR i's common main, read where it
 * is by the GPU commit (no upload); traces[i].common must then be NULL and traces[i].height 0 or
 * the device trace's height; public values and cached partitions still come from traces[i]. The
 * same proof bytes as swirl_prove with the downloaded traces. Host code of the flow that needs a
 * device trace's values (the CPU stages: SWIRL_GPU_STAGES=0, a transcript directory on the
 * context) gets a downloaded copy: a warning in the log and a stage
 * "cpu_fallback:trace_download" in the GPU stage trace. Errors as swirl_prove, and
 * SWIRL_E_INVALID_ARG (with a message) for a context whose backend is not "cuda", a device trace
 * made on another context, a width other than the AIR's common width, a height mismatch, or both
 * common and device given.
 */
SWIRL_API enum swirl_status swirl_prove_device(swirl_context *ctx, swirl_proof **out,
                                               const swirl_vk *vk, const swirl_trace *traces,
                                               const swirl_device_trace *const *device)
    SWIRL_WARN_UNUSED_RESULT;
/** Checks traces against the key's AIRs: every constraint on every row, then the interaction
 *  balance. SWIRL_E_UNSATISFIED naming the AIR, constraint and row, or the unbalanced bus and
 *  message; SWIRL_E_UNSUPPORTED for an AIR with a preprocessed trace. */
SWIRL_API enum swirl_status swirl_check_traces(const swirl_vk *vk,
                                     const swirl_trace *traces) SWIRL_WARN_UNUSED_RESULT;
/** SWIRL_OK (accepted), SWIRL_E_PROOF_REJECTED or SWIRL_E_PROOF_MALFORMED; never crashes on a bad
 *  proof. */
/** swirl_check_traces where device[i] (device may be NULL; NULL entries: traces[i]) replaces
 *  traces[i].common: each device trace is downloaded for the check (a warning in the log). */
SWIRL_API enum swirl_status swirl_check_traces_device(const swirl_vk *vk, const swirl_trace *traces,
                                                      const swirl_device_trace *const *device)
    SWIRL_WARN_UNUSED_RESULT;
SWIRL_API enum swirl_status swirl_verify(swirl_context *ctx, const swirl_vk *vk,
                               const swirl_proof *proof) SWIRL_WARN_UNUSED_RESULT;
/** Destroys a proof (NULL: nothing). */
SWIRL_API void swirl_proof_destroy(swirl_proof *proof);

/* ---- proof encodings ---- */

/** OpenVM's Proof bytes for the key the proof was made with (release *bytes with swirl_free). */
SWIRL_API enum swirl_status swirl_proof_to_bytes(uint8_t **bytes, size_t *len, const swirl_proof *proof,
                                       const swirl_vk *vk) SWIRL_WARN_UNUSED_RESULT;
/** Decodes proof bytes against the key (every shape checked): SWIRL_E_PROOF_MALFORMED naming the
 *  part and the offset. */
SWIRL_API enum swirl_status swirl_proof_from_bytes(swirl_proof **out, const swirl_vk *vk,
                                         const uint8_t *bytes,
                                         size_t len) SWIRL_WARN_UNUSED_RESULT;
/** Proof bytes as one JSON object named as OpenVM's proof.rs (vk may be NULL; with a key the
 *  bytes are checked against it and "vk_pre_hash" is added). Release *json with swirl_free. */
SWIRL_API enum swirl_status swirl_proof_bytes_to_json(char **json, const uint8_t *bytes, size_t len,
                                            const swirl_vk *vk) SWIRL_WARN_UNUSED_RESULT;
/** The reverse (vk may be NULL): SWIRL_E_PROOF_MALFORMED naming the JSON path. Release *bytes
 *  with swirl_free. */
SWIRL_API enum swirl_status swirl_proof_json_to_bytes_text(uint8_t **bytes, size_t *len, const char *json,
                                                 const swirl_vk *vk) SWIRL_WARN_UNUSED_RESULT;

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_SWIRL_PROVER_H */
