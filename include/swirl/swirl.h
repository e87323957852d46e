/*
 * libswirl: proves and verifies STARKs with OpenVM's SWIRL proof system
 * (stark-backend v2.0.1: BabyBear, degree-4 extension, Poseidon2-16).
 *
 * Conventions for every public function (after secp256k1's include/secp256k1.h):
 *  - Names: swirl_<object>_<action>[_noun]. Heap handles come in create/destroy pairs and
 *    destroy(NULL) is a no-op. Caller-allocated structs use init/clear.
 *  - Argument order: context/handle, outputs, in/out, inputs; an array's length follows the array.
 *  - Every status-returning function returns an enum swirl_status. Bad input is SWIRL_E_INVALID_ARG
 *    (never an abort); swirl_last_error() then holds a message naming the problem.
 *  - Out-parameters are written only on success unless the function says otherwise.
 *  - Ownership: whoever creates a handle destroys it with its destroy function; byte and text
 *    buffers the library returns (encodings, JSON) are the caller's and are released with
 *    swirl_free().
 *  - Threads: a swirl_context is used by one thread at a time; distinct contexts may be used from
 *    distinct threads. The library never writes to stdout or stderr: messages go to the context's
 *    log callback.
 */
#ifndef SWIRL_SWIRL_H
#define SWIRL_SWIRL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SWIRL_VERSION_MAJOR 0
#define SWIRL_VERSION_MINOR 1
#define SWIRL_VERSION_PATCH 0

#if defined(__GNUC__) || defined(__clang__)
#define SWIRL_WARN_UNUSED_RESULT __attribute__((warn_unused_result))
/* every public function: exported from the shared library, whose other symbols are hidden */
#define SWIRL_API __attribute__((visibility("default")))
#else
#define SWIRL_WARN_UNUSED_RESULT
#define SWIRL_API
#endif

/** Result of every fallible libswirl call. */
enum swirl_status {
    SWIRL_OK = 0,
    SWIRL_E_INVALID_ARG,     /**< NULL, zero or out-of-range argument, bad size */
    SWIRL_E_NOMEM,           /**< host allocation failed or a size would overflow */
    SWIRL_E_NO_DEVICE,       /**< no CUDA device present */
    SWIRL_E_CUDA,            /**< a CUDA call failed (message holds file:line and CUDA's text) */
    SWIRL_E_UNSUPPORTED,     /**< valid request this build or backend cannot do */
    SWIRL_E_UNSATISFIED,     /**< the trace violates a constraint or interactions do not balance */
    SWIRL_E_PROOF_MALFORMED, /**< the proof bytes do not decode, or have the wrong shape */
    SWIRL_E_PROOF_REJECTED,  /**< the proof decodes but does not verify */
    SWIRL_E_IO,              /**< reading or writing a file failed, or a file's content is bad */
    SWIRL_E_INTERNAL         /**< a libswirl invariant broke: a bug, please report */
};

/** Returns a static, human-readable name of `status` ("SWIRL_OK", ...). Never NULL. */
SWIRL_API const char *swirl_status_str(enum swirl_status status);

/**
 * Returns the message of the last error raised on the calling thread (what went wrong and where),
 * or "" when none. The string is owned by libswirl and valid until the next failing call on the
 * same thread.
 */
SWIRL_API const char *swirl_last_error(void);

/** Clears the calling thread's last error message. */
SWIRL_API void swirl_clear_error(void);

/** Returns the version string, e.g. "0.1.0". */
SWIRL_API const char *swirl_version(void);

/** Releases a byte or text buffer the library returned (NULL: nothing). */
SWIRL_API void swirl_free(void *p);

/* ---- field elements ---- */

/**
 * A BabyBear element (p = 2^31 - 2^27 + 1) as the library stores it: Montgomery form, so traces
 * are used in place. Convert canonical integers with swirl_felt_from_u32 / swirl_felt_to_u32.
 */
typedef struct swirl_felt {
    uint32_t v; /* Montgomery form; not the canonical value */
} swirl_felt;

/** The element x mod p (any 32-bit x). */
SWIRL_API swirl_felt swirl_felt_from_u32(uint32_t x);
/** The canonical value of a, in [0, p). */
SWIRL_API uint32_t swirl_felt_to_u32(swirl_felt a);

/* ---- the library context ---- */

/** A library context: thread count, backend, log callback (opaque; swirl_context_create). */
typedef struct swirl_context swirl_context;

enum swirl_log_level { SWIRL_LOG_ERROR = 0, SWIRL_LOG_WARN, SWIRL_LOG_INFO, SWIRL_LOG_DEBUG };
/** A log message (one line, no newline); `user` is the options' log_user. */
typedef void (*swirl_log_fn)(void *user, enum swirl_log_level level, const char *message);

typedef struct swirl_context_options {
    /** Worker threads for this context's calls; 0: the environment's SWIRL_THREADS, else OpenMP's
     *  default (all cores). Applied to the calling thread for the duration of each call only;
     *  the process-wide setting is never changed. */
    int threads;
    /** "cpu", "cuda" or "auto" (CUDA when a device is present); NULL: "cpu". */
    const char *backend;
    /** Receives warnings (e.g. a stage falling back to the CPU) and, at SWIRL_LOG_INFO, progress
     *  (spans of depth <= progress_depth as they begin and end); NULL: nothing is reported. */
    swirl_log_fn log;
    void *log_user;
    int progress_depth; /* -1 (the default from swirl_context_options_init): no progress */
} swirl_context_options;

/** The defaults: threads 0, backend "cpu", no log, no progress. */
SWIRL_API void swirl_context_options_init(swirl_context_options *opts);

/**
 * Creates a context (opts NULL: the defaults). Reads the environment once, here. Errors:
 * SWIRL_E_INVALID_ARG (unknown backend name, negative thread count), SWIRL_E_NO_DEVICE ("cuda"
 * without a device or a CUDA build), SWIRL_E_NOMEM, SWIRL_E_CUDA.
 */
SWIRL_API enum swirl_status swirl_context_create(swirl_context **out,
                                       const swirl_context_options *opts) SWIRL_WARN_UNUSED_RESULT;
/** Destroys a context (NULL: nothing). */
SWIRL_API void swirl_context_destroy(swirl_context *ctx);
/** The thread count the context's calls run with. */
SWIRL_API int swirl_context_threads(const swirl_context *ctx);
/** The backend in use: "cpu" or "cuda". */
SWIRL_API const char *swirl_context_backend(const swirl_context *ctx);
/**
 * Waits until the kernels this context compiles in the background are ready, so that later
 * proofs run them. The CUDA backend compiles long constraint programs (e.g. KeccakAir's) with
 * NVRTC on a background thread when a proof first needs them and no earlier run left them in the
 * disk cache; proofs meanwhile run the same computation interpreted (same bytes, slower).
 * Benchmarks call this after their warm-up proofs. *waited (may be NULL): the compiles waited
 * for. Returns at once (0) when none is pending and on the CPU backend; SWIRL_OK (a failed
 * compile is a logged warning and leaves the interpreter). Environment: SWIRL_ZC_JIT=0 never
 * compiles, SWIRL_ZC_JIT=1 compiles before the first launch instead of in the background.
 */
SWIRL_API enum swirl_status swirl_context_finish_compiles(swirl_context *ctx, unsigned *waited);
/**
 * Debugging interop: with dir != NULL, every later swirl_prove / swirl_verify on this context
 * writes its whole Fiat-Shamir transcript to dir as OpenVM's TranscriptLog .npy files
 * (transcript_values.npy, transcript_is_sample.npy, transcript_perm_results.npy; the directory is
 * created). The string is copied. SWIRL_E_NOMEM.
 */
SWIRL_API enum swirl_status swirl_context_set_transcript_dir(swirl_context *ctx,
                                                   const char *dir) SWIRL_WARN_UNUSED_RESULT;
/**
 * What the context's last swirl_prove / swirl_verify did with its transcript log: *written = 1
 * (and the log's values and permutations counted) when it wrote the files, 0 when it wrote none
 * (no directory; the call failed before its transcript was complete; the write failed). Returns
 * the write's status: SWIRL_OK, or its error, which the call returned too (except for a rejected
 * proof: the call returns SWIRL_E_PROOF_REJECTED) and whose message swirl_last_error() held when
 * the call returned. Raises nothing; any pointer may be NULL.
 */
SWIRL_API enum swirl_status swirl_context_transcript_result(const swirl_context *ctx, int *written,
                                                  size_t *n_values, size_t *n_perms);

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_SWIRL_H */
