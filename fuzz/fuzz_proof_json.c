/*
 * Target (a'): the proof's JSON form, which `swirl inspect --json` writes and `swirl encode-json`
 * reads (swirl_proof_bytes_to_json, swirl_proof_json_to_bytes_text), with no key and with the
 * fixed keys of fuzz_common.h. An input that starts with '{' is JSON text (as inspect writes it),
 * any other input proof bytes (as prove writes them; the replay also feeds fuzz/corpus/proof).
 *
 * Invariants (abort() otherwise): only SWIRL_E_PROOF_MALFORMED or SWIRL_E_NOMEM as errors;
 *  - bytes that turn into JSON (no key) turn back into exactly those bytes;
 *  - JSON that turns into bytes (no key, or a key) gives bytes whose JSON gives the same bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

/* Heap bound per input: peak live bytes <= HEAP_PER_BYTE * size + HEAP_FIXED. Why: the bytes ->
 * JSON walker (protocol/proof_json.c) allows len + 65536 JSON values, and a value costs jansson at
 * most about 130 bytes (an empty array: its struct, an 8-slot table and its slot in the parent),
 * so a tree is at most 130 * len + 8.5 MB; JSON text input parses to fewer values than characters.
 * (Measured: proof bytes 17 bytes a byte, JSON text 8; regress-node-budget, 827 proof bytes
 * declaring a huge count of empty sumcheck rounds, builds empty arrays until the walker's budget
 * stops it: 8.4 MB.) */
#define HEAP_PER_BYTE ((size_t)160)
#define HEAP_FIXED ((size_t)16 << 20)

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    fuzz_keys();
    return 0;
}

static void check_error(enum swirl_status st, const char *what) {
    if (st != SWIRL_E_PROOF_MALFORMED && st != SWIRL_E_NOMEM)
        fuzz_fail(what, st);
}

/* bytes -> JSON (no key) -> bytes must give `bytes` back */
static void bytes_round_trip(const uint8_t *bytes, size_t len, const char *what) {
    char *json = NULL;
    enum swirl_status st = swirl_proof_bytes_to_json(&json, bytes, len, NULL);
    if (st != SWIRL_OK) {
        if (st != SWIRL_E_NOMEM)
            fuzz_fail(what, st);
        return;
    }
    uint8_t *again = NULL;
    size_t again_len = 0;
    st = swirl_proof_json_to_bytes_text(&again, &again_len, json, NULL);
    if (st != SWIRL_OK)
        fuzz_fail("the JSON of proof bytes does not turn back into bytes", st);
    if (again_len != len || memcmp(again, bytes, len) != 0)
        fuzz_fail("proof bytes -> JSON -> bytes differs", SWIRL_E_INTERNAL);
    swirl_free(again);
    swirl_free(json);
}

static int one_input(const uint8_t *data, size_t size) {
    const fuzz_key *keys = fuzz_keys();
    if (size > 0 && data[0] == '{') {
        char *text = malloc(size + 1);
        if (!text)
            return 0;
        memcpy(text, data, size);
        text[size] = 0;
        for (int i = -1; i < FUZZ_N_KEYS; i++) {
            uint8_t *bytes = NULL;
            size_t len = 0;
            enum swirl_status st =
                swirl_proof_json_to_bytes_text(&bytes, &len, text, i < 0 ? NULL : keys[i].vk);
            if (st != SWIRL_OK) {
                check_error(st, "swirl_proof_json_to_bytes_text: undocumented status");
                continue;
            }
            bytes_round_trip(bytes, len, "bytes from JSON do not turn into JSON");
            swirl_free(bytes);
        }
        free(text);
        return 0;
    }
    char *json = NULL;
    enum swirl_status st = swirl_proof_bytes_to_json(&json, data, size, NULL);
    if (st == SWIRL_OK) {
        swirl_free(json);
        bytes_round_trip(data, size, "proof bytes to JSON: not repeatable");
    } else {
        check_error(st, "swirl_proof_bytes_to_json: undocumented status");
    }
    for (int i = 0; i < FUZZ_N_KEYS; i++) {
        st = swirl_proof_bytes_to_json(&json, data, size, keys[i].vk);
        if (st == SWIRL_OK)
            swirl_free(json);
        else
            check_error(st, "swirl_proof_bytes_to_json (key): undocumented status");
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_heap_begin();
    one_input(data, size);
    fuzz_heap_end(size, HEAP_PER_BYTE, HEAP_FIXED);
    return 0;
}
