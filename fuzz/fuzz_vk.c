/*
 * Target (b): verifying-key bytes (swirl_vk_from_bytes), as `swirl keygen X --vk FILE` writes
 * them. Each input is decoded twice: as it is, and with its pre-hash (the trailing 8 varints)
 * replaced by the hash of the bytes before it, so that mutations of the key body get past the
 * pre-hash check to the rest of the decoder.
 *
 * Invariants (abort() otherwise):
 *  - only documented statuses (SWIRL_E_IO, SWIRL_E_NOMEM), *out NULL on failure;
 *  - the encoding is canonical (vk_codec.h): a key that decodes re-encodes to exactly its bytes;
 *  - a decoded key runs the verifier safely: every start-up proof (fuzz_common.h) is decoded
 *    against it and, when that succeeds, verified; an accepted proof needs the key to be the one
 *    the proof was made with, byte for byte (the pre-hash starts the transcript).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "protocol/vk_codec.h"

/* Heap bound per input: peak live bytes <= HEAP_PER_BYTE * size + HEAP_FIXED. Why: decoding is linear in the input (vk_codec.h; measured: the 283 KB keccakf
 * key peaks at 2.9 MB, 10 bytes a byte); the fixed part covers verifying the start-up proofs
 * (about 0.6 MB) under a decoded key, whose parameters must not blow it up. */
#define HEAP_PER_BYTE ((size_t)32)
#define HEAP_FIXED ((size_t)16 << 20)

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    fuzz_keys();
    return 0;
}

static void check_key(const uint8_t *data, size_t size) {
    swirl_vk *vk = NULL;
    enum swirl_status st = swirl_vk_from_bytes(&vk, data, size);
    if (getenv("SWIRL_FUZZ_VERBOSE"))
        fprintf(stderr, "fuzz_vk: %zu bytes: %s\n", size,
                st == SWIRL_OK ? "decoded" : swirl_last_error());
    if (st != SWIRL_OK) {
        if (st != SWIRL_E_IO && st != SWIRL_E_NOMEM)
            fuzz_fail("swirl_vk_from_bytes: undocumented status", st);
        if (vk)
            fuzz_fail("swirl_vk_from_bytes failed but set *out", st);
        return;
    }
    uint8_t *re = NULL;
    size_t re_len = 0;
    st = swirl_vk_to_bytes(&re, &re_len, vk);
    if (st != SWIRL_OK)
        fuzz_fail("a decoded key does not encode", st);
    if (re_len != size || memcmp(re, data, size) != 0)
        fuzz_fail("key encoding not canonical: decoded bytes re-encode differently", st);
    swirl_free(re);
    uint32_t pre[8];
    swirl_vk_get_pre_hash(vk, pre);
    (void)swirl_vk_num_airs(vk);
    (void)swirl_vk_params(vk);

    const fuzz_key *keys = fuzz_keys();
    for (size_t i = 0; i < FUZZ_N_KEYS; i++) {
        swirl_proof *proof = NULL;
        st = swirl_proof_from_bytes(&proof, vk, keys[i].proof, keys[i].proof_len);
        if (st != SWIRL_OK) {
            if (st != SWIRL_E_PROOF_MALFORMED && st != SWIRL_E_NOMEM)
                fuzz_fail("swirl_proof_from_bytes (decoded key): undocumented status", st);
            continue;
        }
        st = swirl_verify(fuzz_context(), vk, proof);
        swirl_proof_destroy(proof);
        if (st == SWIRL_OK) {
            if (size != keys[i].vk_len || memcmp(data, keys[i].vk_bytes, size) != 0)
                fuzz_fail("ACCEPTED a known proof under a different key", st);
        } else if (st != SWIRL_E_PROOF_REJECTED && st != SWIRL_E_PROOF_MALFORMED &&
                   st != SWIRL_E_NOMEM) {
            fuzz_fail("swirl_verify (decoded key): undocumented status", st);
        }
    }
    swirl_vk_destroy(vk);
}

static size_t put_varint(uint8_t *p, uint32_t v) {
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (uint8_t)v;
    return n;
}

static int one_input(const uint8_t *data, size_t size) {
    check_key(data, size);

    /* the body: everything before the last 8 varints */
    size_t body = size;
    for (int k = 0; k < 8; k++) {
        if (body == 0 || data[body - 1] >= 0x80)
            return 0;
        body--;
        while (body > 0 && data[body - 1] >= 0x80)
            body--;
    }
    swirl_digest h;
    if (swirl_vk_pre_hash(&h, data, body) != SWIRL_OK)
        return 0;
    uint8_t *fixed = malloc(body + 8 * 5);
    if (!fixed)
        return 0;
    memcpy(fixed, data, body);
    size_t n = body;
    for (int k = 0; k < 8; k++)
        n += put_varint(fixed + n, h.v[k].v);
    if (n != size || memcmp(fixed, data, size) != 0)
        check_key(fixed, n);
    free(fixed);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_heap_begin();
    one_input(data, size);
    fuzz_heap_end(size, HEAP_PER_BYTE, HEAP_FIXED);
    return 0;
}
