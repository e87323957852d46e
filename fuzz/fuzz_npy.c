/*
 * Target (c2): the .npy parser (util/npy.h swirl_npy_parse) that reads AIR-system traces and
 * reference vectors. Input: the file's bytes.
 *
 * Invariants (abort() otherwise): errors are SWIRL_E_IO or SWIRL_E_NOMEM; a parsed array is
 * consistent (1..4 dims or 0, count the shape's product, data present when count > 0), and
 * encoding it (swirl_npy_encode, version 1.0) and parsing that gives the same dtype, shape and
 * data.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "util/npy.h"

/* Heap bound per input: peak live bytes <= HEAP_PER_BYTE * size + HEAP_FIXED. Why: the data once, plus its re-encoding (measured: 3 bytes a byte). */
#define HEAP_PER_BYTE ((size_t)8)
#define HEAP_FIXED ((size_t)64 << 10)

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    return 0;
}

static int one_input(const uint8_t *data, size_t size) {
    swirl_npy a;
    memset(&a, 0, sizeof a);
    enum swirl_status st = swirl_npy_parse(&a, data, size, "fuzz.npy");
    if (st != SWIRL_OK) {
        if (st != SWIRL_E_IO && st != SWIRL_E_NOMEM)
            fuzz_fail("swirl_npy_parse: undocumented status", st);
        swirl_npy_clear(&a);
        return 0;
    }
    if (a.ndim > SWIRL_NPY_MAX_DIMS)
        fuzz_fail("npy: ndim above the maximum", SWIRL_E_INTERNAL);
    size_t count = 1;
    for (size_t i = 0; i < a.ndim; i++)
        count *= a.shape[i];
    if (count != a.count || (a.count > 0 && a.data == NULL))
        fuzz_fail("npy: count or data inconsistent with the shape", SWIRL_E_INTERNAL);
    size_t esize = a.dtype == SWIRL_NPY_U32 ? 4 : 1;
    if (a.count * esize > size)
        fuzz_fail("npy: more data than input bytes", SWIRL_E_INTERNAL);
    /* touch every element (ASan checks the buffer) */
    volatile uint8_t sink = 0;
    for (size_t i = 0; i < a.count * esize; i++)
        sink ^= ((const uint8_t *)a.data)[i];
    (void)sink;

    uint8_t *enc = NULL;
    size_t enc_len = 0;
    st = swirl_npy_encode(&enc, &enc_len, a.dtype, a.shape, a.ndim, a.data);
    if (st != SWIRL_OK)
        fuzz_fail("swirl_npy_encode of a parsed array", st);
    swirl_npy b;
    memset(&b, 0, sizeof b);
    st = swirl_npy_parse(&b, enc, enc_len, "re.npy");
    if (st != SWIRL_OK)
        fuzz_fail("npy: the encoding of a parsed array does not parse", st);
    if (b.dtype != a.dtype || b.ndim != a.ndim || b.count != a.count ||
        memcmp(b.shape, a.shape, a.ndim * sizeof a.shape[0]) != 0 ||
        (a.count && memcmp(a.data, b.data, a.count * esize) != 0))
        fuzz_fail("npy: parse(encode(parse(x))) differs from parse(x)", SWIRL_E_INTERNAL);
    swirl_npy_clear(&b);
    free(enc);
    swirl_npy_clear(&a);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_heap_begin();
    one_input(data, size);
    fuzz_heap_end(size, HEAP_PER_BYTE, HEAP_FIXED);
    return 0;
}
