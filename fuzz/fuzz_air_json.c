/*
 * Target (c1): the AIR-system DAG loader (air/air_json.h swirl_air_from_json on json_loadb of the
 * input, with JSON_REJECT_DUPLICATES as swirl_json_load_file reads system files).
 *
 * Input: a 4-byte header, then the JSON text of inputs/constraints_<i>.json:
 *   bytes 0-1  common main width (u16 little-endian)
 *   byte  2    number of public values
 *   byte  3    max_constraint_degree
 * (fuzz/make_corpus.sh writes the header of each seed from its system's meta.json and trace.)
 *
 * Invariants (abort() otherwise): errors are SWIRL_E_INVALID_ARG or SWIRL_E_NOMEM with *out NULL;
 * an AIR that loads writes JSON (swirl_air_to_json) that loads again to an AIR writing the same
 * JSON (the writer's form is a fixed point).
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "air/air_json.h"
#include "fuzz_common.h"

/* Heap bound per input: peak live bytes <= HEAP_PER_BYTE * size + HEAP_FIXED. Why: jansson's tree costs tens of bytes per token (measured: 8 bytes a byte for
 * OpenVM's files), then the AIR and its constraint program. */
#define HEAP_PER_BYTE ((size_t)64)
#define HEAP_FIXED ((size_t)1 << 20)

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    return 0;
}

static char *dump(const swirl_air *air) {
    json_t *j = NULL;
    enum swirl_status st = swirl_air_to_json(&j, air);
    if (st != SWIRL_OK)
        fuzz_fail("swirl_air_to_json of a loaded AIR", st);
    char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(j);
    if (!s)
        fuzz_fail("json_dumps", SWIRL_E_NOMEM);
    return s;
}

static int one_input(const uint8_t *data, size_t size) {
    if (size < 4)
        return 0;
    size_t width = (size_t)data[0] | (size_t)data[1] << 8;
    size_t npv = data[2];
    unsigned degree = data[3];
    json_error_t err;
    json_t *root = json_loadb((const char *)data + 4, size - 4, JSON_REJECT_DUPLICATES, &err);
    if (!root)
        return 0;
    swirl_air *air = NULL;
    enum swirl_status st = swirl_air_from_json(&air, root, "fuzz.json", NULL, width, npv, degree);
    json_decref(root);
    if (st != SWIRL_OK) {
        if (st != SWIRL_E_INVALID_ARG && st != SWIRL_E_NOMEM)
            fuzz_fail("swirl_air_from_json: undocumented status", st);
        if (air)
            fuzz_fail("swirl_air_from_json failed but set *out", st);
        return 0;
    }
    /* the written form loads again and is a fixed point */
    char *s1 = dump(air);
    swirl_air_destroy(air);
    json_t *r2 = json_loads(s1, JSON_REJECT_DUPLICATES, &err);
    if (!r2)
        fuzz_fail("swirl_air_to_json wrote JSON that does not parse", SWIRL_E_INTERNAL);
    swirl_air *air2 = NULL;
    st = swirl_air_from_json(&air2, r2, "fuzz.json", NULL, width, npv, degree);
    json_decref(r2);
    if (st != SWIRL_OK)
        fuzz_fail("the JSON of a loaded AIR does not load", st);
    char *s2 = dump(air2);
    swirl_air_destroy(air2);
    if (strcmp(s1, s2) != 0)
        fuzz_fail("AIR JSON round trip is not a fixed point", SWIRL_E_INTERNAL);
    free(s1);
    free(s2);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_heap_begin();
    one_input(data, size);
    fuzz_heap_end(size, HEAP_PER_BYTE, HEAP_FIXED);
    return 0;
}
