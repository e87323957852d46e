/*
 * Target (d): the keccakf inputs-file parser (swirl_airs.h swirl_keccak_parse_inputs), the
 * format of `swirl prove keccakf --inputs FILE`. Input: the file's bytes (not NUL-terminated:
 * the parser must stop at len).
 *
 * Invariants (abort() otherwise): errors are SWIRL_E_IO, SWIRL_E_INVALID_ARG (no permutation) or
 * SWIRL_E_NOMEM with nothing to free; on success n >= 1, and writing the permutations back as
 * 0x-hex lines and parsing that gives the same words; an accepted file has only whitespace,
 * digits and 0x prefixes outside its comment lines (lines whose first non-space is '#').
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "swirl/swirl_airs.h"

/* Heap bound per input: peak live bytes <= HEAP_PER_BYTE * size + HEAP_FIXED. Why: 200 bytes per permutation of at least 50 input bytes, plus this target's
 * own re-written text (measured: 18 bytes a byte). */
#define HEAP_PER_BYTE ((size_t)32)
#define HEAP_FIXED ((size_t)64 << 10)

/* the characters an accepted file may have outside comment lines */
static int only_words(const uint8_t *t, size_t len) {
    for (size_t pos = 0; pos < len;) {
        size_t end = pos;
        while (end < len && t[end] != '\n')
            end++;
        size_t p = pos;
        while (p < end && isspace(t[p]))
            p++;
        if (p < end && t[p] != '#')
            for (; p < end; p++)
                if (!isspace(t[p]) && !isxdigit(t[p]) && t[p] != 'x' && t[p] != 'X')
                    return 0;
        pos = end + 1;
    }
    return 1;
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    return 0;
}

static int one_input(const uint8_t *data, size_t size) {
    uint64_t(*in)[25] = NULL;
    size_t n = 0;
    enum swirl_status st = swirl_keccak_parse_inputs(&in, &n, (const char *)data, size);
    if (st != SWIRL_OK) {
        if (st != SWIRL_E_IO && st != SWIRL_E_INVALID_ARG && st != SWIRL_E_NOMEM)
            fuzz_fail("swirl_keccak_parse_inputs: undocumented status", st);
        return 0;
    }
    if (n == 0 || !in)
        fuzz_fail("swirl_keccak_parse_inputs: success without a permutation", st);
    if (!only_words(data, size))
        fuzz_fail("swirl_keccak_parse_inputs accepted a file with bytes that are not words", st);
    /* 25 words of at most "0x" + 16 digits + a separator each */
    size_t cap = n * 25 * 19 + 1;
    char *text = malloc(cap), *p = text;
    if (!text)
        fuzz_fail("out of memory", SWIRL_E_NOMEM);
    for (size_t i = 0; i < n; i++)
        for (int w = 0; w < 25; w++)
            p += sprintf(p, "0x%" PRIx64 "%c", in[i][w], w == 24 ? '\n' : ' ');
    uint64_t(*again)[25] = NULL;
    size_t m = 0;
    st = swirl_keccak_parse_inputs(&again, &m, text, (size_t)(p - text));
    if (st != SWIRL_OK)
        fuzz_fail("the written inputs do not parse", st);
    if (m != n || memcmp(again, in, n * sizeof *in) != 0)
        fuzz_fail("keccakf inputs round trip differs", SWIRL_E_INTERNAL);
    swirl_free(again);
    free(text);
    swirl_free(in);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_heap_begin();
    one_input(data, size);
    fuzz_heap_end(size, HEAP_PER_BYTE, HEAP_FIXED);
    return 0;
}
