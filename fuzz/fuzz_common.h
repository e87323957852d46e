/*
 * Shared by the fuzz targets (fuzz/README.md): the `swirl` CLI's toy parameters, the built-in AIR
 * sets' keys (fib, interactions, self-interaction) built with the public API exactly as
 * `swirl keygen X --security toy` builds them, and valid proofs of their default traces (the
 * CLI's default --rows), made once at start-up.
 */
#ifndef SWIRL_FUZZ_COMMON_H
#define SWIRL_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "swirl/swirl.h"
#include "swirl/swirl_prover.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Stops the process (a finding): prints the message and the status, then abort(). */
_Noreturn void fuzz_fail(const char *what, enum swirl_status st);

/*
 * Heap accounting per input (under ASan, through its malloc/free hooks; a no-op elsewhere):
 * fuzz_heap_begin() starts counting the bytes live on the heap from now on, fuzz_heap_end(size,
 * per_byte, fixed) aborts when their peak was above per_byte * size + fixed, the target's bound
 * for an input of `size` bytes (fuzz/README.md). Single-threaded callers only.
 */
void fuzz_heap_begin(void);
void fuzz_heap_end(size_t size, size_t per_byte, size_t fixed);
/* The peak of the last fuzz_heap_begin/end pair, and whether counting works in this build. */
size_t fuzz_heap_peak(void);
int fuzz_heap_counting(void);

/* The toy parameters of tools/swirl/builtins.c set_params ("--security toy"). */
void fuzz_toy_params(swirl_system_params *p);

enum { FUZZ_KEY_FIB, FUZZ_KEY_INTERACTIONS, FUZZ_KEY_SELF_INTERACTION, FUZZ_N_KEYS };

typedef struct fuzz_key {
    const char *name;          /* the CLI's AIR set name */
    swirl_vk *vk;
    swirl_air *airs[2];
    size_t n_airs;
    uint8_t *vk_bytes;         /* swirl_vk_to_bytes */
    size_t vk_len;
    uint8_t *proof;            /* the valid proof of the CLI's default traces */
    size_t proof_len;
} fuzz_key;

/* The keys and their proofs, built on the first call (aborts if that fails); the context has
 * one thread and the CPU backend. */
fuzz_key *fuzz_keys(void);
swirl_context *fuzz_context(void);

#endif /* SWIRL_FUZZ_COMMON_H */
