/*
 * Target (c3): an AIR-system directory's meta.json (protocol/system.h swirl_system_load, what
 * `swirl keygen|prove --system DIR` reads), next to fixed inputs/ files: OpenVM's vector system
 * tests/vectors/openvm-v2.0.0/prove/inputs (5 AIRs, copied at start-up into a temporary
 * directory). Input: the meta.json text, written to that directory for each run.
 *
 * Each input is loaded without traces (widths from meta) and with them; a system that loads is
 * keyed (swirl_vk_create with its parameters: meta.json's numbers reach keygen), its
 * expectations checked (swirl_system_check_vk), and the key's bytes decode and re-encode to
 * themselves.
 * Invariants (abort() otherwise): errors are SWIRL_E_IO, SWIRL_E_INVALID_ARG, SWIRL_E_UNSUPPORTED
 * or SWIRL_E_NOMEM with *out NULL; the key round trip is the identity.
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, mkdir */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "protocol/system.h"

/* Heap bound per input: peak live bytes <= HEAP_PER_BYTE * size + HEAP_FIXED. Why: meta.json's
 * tree (tens of bytes per token) plus the fixed system's AIRs, traces and key (measured: about
 * 0.2 MB for the seeds); keygen's allocations follow the AIRs, not the parameters. */
#define HEAP_PER_BYTE ((size_t)64)
#define HEAP_FIXED ((size_t)4 << 20)

static char dir[4096], meta[4200];

static void cleanup(void) {
    const char *names[] = {"constraints_0.json", "constraints_1.json", "constraints_2.json",
                           "constraints_3.json", "constraints_4.json", "trace_0.npy",
                           "trace_1.npy", "trace_2.npy", "trace_3.npy", "trace_4.npy"};
    char p[4400];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(p, sizeof p, "%s/inputs/%s", dir, names[i]);
        unlink(p);
    }
    snprintf(p, sizeof p, "%s/inputs", dir);
    rmdir(p);
    unlink(meta);
    rmdir(dir);
}

static void copy_file(const char *from, const char *to) {
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    if (!in || !out)
        fuzz_fail("copying the system's inputs", SWIRL_E_IO);
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, out) != n)
            fuzz_fail("copying the system's inputs", SWIRL_E_IO);
    fclose(in);
    if (fclose(out) != 0)
        fuzz_fail("copying the system's inputs", SWIRL_E_IO);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/swirl-fuzz-system-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        fuzz_fail("mkdtemp", SWIRL_E_IO);
    char p[4400], q[4400];
    snprintf(p, sizeof p, "%s/inputs", dir);
    snprintf(meta, sizeof meta, "%s/meta.json", dir);
    atexit(cleanup);
    if (mkdir(p, 0700) != 0)
        fuzz_fail("mkdir", SWIRL_E_IO);
    for (int i = 0; i < 5; i++) {
        snprintf(p, sizeof p, "%s/constraints_%d.json", SWIRL_FUZZ_SYSTEM_INPUTS, i);
        snprintf(q, sizeof q, "%s/inputs/constraints_%d.json", dir, i);
        copy_file(p, q);
        snprintf(p, sizeof p, "%s/trace_%d.npy", SWIRL_FUZZ_SYSTEM_INPUTS, i);
        snprintf(q, sizeof q, "%s/inputs/trace_%d.npy", dir, i);
        copy_file(p, q);
    }
    return 0;
}

static void check_error(enum swirl_status st, const char *what) {
    if (st != SWIRL_E_IO && st != SWIRL_E_INVALID_ARG && st != SWIRL_E_UNSUPPORTED &&
        st != SWIRL_E_NOMEM)
        fuzz_fail(what, st);
}

static void load(int with_traces) {
    swirl_system *s = NULL;
    enum swirl_status st = swirl_system_load(&s, dir, with_traces);
    if (getenv("SWIRL_FUZZ_VERBOSE"))
        fprintf(stderr, "fuzz_system_meta: load (traces %d): %s %s\n", with_traces,
                swirl_status_str(st), st == SWIRL_OK ? "" : swirl_last_error());
    if (st != SWIRL_OK) {
        check_error(st, "swirl_system_load: undocumented status");
        if (s)
            fuzz_fail("swirl_system_load failed but set *out", st);
        return;
    }
    swirl_keygen_air airs[8];
    if (s->n_airs > 8)
        fuzz_fail("more AIRs than the fixed inputs have", SWIRL_E_INTERNAL);
    swirl_system_keygen_airs(s, airs);
    swirl_vk *vk = NULL;
    st = swirl_vk_create(&vk, &s->params, airs, s->n_airs);
    if (st != SWIRL_OK) {
        check_error(st, "keygen of a loaded system: undocumented status");
    } else {
        st = swirl_system_check_vk(s, vk, dir);
        if (st != SWIRL_OK)
            check_error(st, "swirl_system_check_vk: undocumented status");
        uint8_t *b = NULL, *b2 = NULL;
        size_t n = 0, n2 = 0;
        swirl_vk *vk2 = NULL;
        if ((st = swirl_vk_to_bytes(&b, &n, vk)) != SWIRL_OK)
            fuzz_fail("the key of a loaded system does not encode", st);
        if ((st = swirl_vk_from_bytes(&vk2, b, n)) != SWIRL_OK)
            fuzz_fail("the key of a loaded system does not decode", st);
        if ((st = swirl_vk_to_bytes(&b2, &n2, vk2)) != SWIRL_OK || n2 != n || memcmp(b, b2, n))
            fuzz_fail("the key of a loaded system does not re-encode to its bytes", st);
        swirl_free(b);
        swirl_free(b2);
        swirl_vk_destroy(vk2);
    }
    swirl_vk_destroy(vk);
    swirl_system_destroy(s);
}

static int one_input(const uint8_t *data, size_t size) {
    FILE *f = fopen(meta, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        fuzz_fail("writing meta.json", SWIRL_E_IO);
    load(0);
    load(1);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_heap_begin();
    one_input(data, size);
    fuzz_heap_end(size, HEAP_PER_BYTE, HEAP_FIXED);
    return 0;
}
