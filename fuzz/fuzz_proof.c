/*
 * Target (a): proof bytes decoded and verified against fixed keys (fuzz_common.h: fib,
 * interactions with a LogUp bus, self-interaction, at the CLI's toy parameters). The input is one
 * proof file as `swirl prove X --security toy --out FILE` writes it; it is tried against every key.
 *
 * Invariants (abort() otherwise):
 *  - decode and verify return only their documented statuses (never SWIRL_E_INTERNAL);
 *  - the encoding is canonical: bytes that decode re-encode to exactly themselves;
 *  - an accepted proof is one of the valid proofs made at start-up: its re-encoding equals the
 *    known proof's bytes of that key (a mutated proof is never accepted).
 * ASan/LSan report crashes and leaks; run with -malloc_limit_mb (fuzz/README.md).
 * SWIRL_FUZZ_VERBOSE=1 prints each decoding key and the verifier's status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

/* Heap bound per input: peak live bytes <= HEAP_PER_BYTE * size + HEAP_FIXED. Why: a proof decodes to about 4 bytes per input byte (measured: a 131 KB
 * proof peaks at 525 KB with the verifier); the verifier's own tables depend on the fixed keys only. */
#define HEAP_PER_BYTE ((size_t)16)
#define HEAP_FIXED ((size_t)4 << 20)

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    fuzz_keys();
    return 0;
}

static int one_input(const uint8_t *data, size_t size) {
    fuzz_key *keys = fuzz_keys();
    swirl_context *ctx = fuzz_context();
    for (size_t i = 0; i < FUZZ_N_KEYS; i++) {
        const fuzz_key *k = &keys[i];
        swirl_proof *proof = NULL;
        enum swirl_status st = swirl_proof_from_bytes(&proof, k->vk, data, size);
        if (st != SWIRL_OK) {
            if (st != SWIRL_E_PROOF_MALFORMED && st != SWIRL_E_NOMEM)
                fuzz_fail("swirl_proof_from_bytes: undocumented status", st);
            if (proof)
                fuzz_fail("swirl_proof_from_bytes failed but set *out", st);
            continue;
        }
        uint8_t *re = NULL;
        size_t re_len = 0;
        st = swirl_proof_to_bytes(&re, &re_len, proof, k->vk);
        if (st != SWIRL_OK)
            fuzz_fail("a decoded proof does not encode", st);
        if (re_len != size || memcmp(re, data, size) != 0)
            fuzz_fail("proof encoding not canonical: decoded bytes re-encode differently", st);
        st = swirl_verify(ctx, k->vk, proof);
        if (getenv("SWIRL_FUZZ_VERBOSE"))
            fprintf(stderr, "fuzz_proof: %zu bytes decode with the %s key; verify: %s %s\n",
                    size, k->name, swirl_status_str(st), st == SWIRL_OK ? "" : swirl_last_error());
        if (st == SWIRL_OK) {
            if (re_len != k->proof_len || memcmp(re, k->proof, re_len) != 0)
                fuzz_fail("ACCEPTED a proof that is not a known valid proof", st);
        } else if (st != SWIRL_E_PROOF_REJECTED && st != SWIRL_E_PROOF_MALFORMED &&
                   st != SWIRL_E_NOMEM) {
            fuzz_fail("swirl_verify: undocumented status", st);
        }
        swirl_free(re);
        swirl_proof_destroy(proof);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_heap_begin();
    one_input(data, size);
    fuzz_heap_end(size, HEAP_PER_BYTE, HEAP_FIXED);
    return 0;
}
