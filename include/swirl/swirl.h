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
 *  - Ownership: whoever creates a handle destroys it; buffers the library returns are freed by the
 *    named destroy function of their handle, never by free().
 */
#ifndef SWIRL_SWIRL_H
#define SWIRL_SWIRL_H

#ifdef __cplusplus
extern "C" {
#endif

#define SWIRL_VERSION_MAJOR 0
#define SWIRL_VERSION_MINOR 1
#define SWIRL_VERSION_PATCH 0

#if defined(__GNUC__) || defined(__clang__)
#define SWIRL_WARN_UNUSED_RESULT __attribute__((warn_unused_result))
#else
#define SWIRL_WARN_UNUSED_RESULT
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
const char *swirl_status_str(enum swirl_status status);

/**
 * Returns the message of the last error raised on the calling thread (what went wrong and where),
 * or "" when none. The string is owned by libswirl and valid until the next failing call on the
 * same thread.
 */
const char *swirl_last_error(void);

/** Clears the calling thread's last error message. */
void swirl_clear_error(void);

/** Returns the version string, e.g. "0.1.0". */
const char *swirl_version(void);

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_SWIRL_H */
