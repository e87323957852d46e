/* KeccakAir trace generation (Plonky3 0.4.3 keccak-air/src/generation.rs) and the inputs parser. */
#include "util/alloc.h"
#include "air/keccak_trace.h"
#include "air/keccak_row.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the constants live once, in keccak_row.h (host and device) */
uint64_t swirl_keccak_rc(unsigned r) {
    return r < 24 ? swirl_kr_rc(r) : 0;
}
unsigned swirl_keccak_rot(unsigned x, unsigned y) {
    return (x < 5 && y < 5) ? swirl_kr_rot(x, y) : 0;
}

static uint64_t rotl64(uint64_t v, unsigned r) {
    return r ? (v << r) | (v >> (64 - r)) : v;
}

/* One round on s[x][y]; records the intermediate values the trace needs when `row` is non-NULL. */
struct round_vals {
    uint64_t c[5], c_prime[5], a_prime[5][5], a_pp[5][5], a_ppp00;
};

static void keccak_round(uint64_t s[5][5], unsigned round, struct round_vals *rv) {
    uint64_t c[5], cp[5], b[5][5];
    for (int x = 0; x < 5; x++)
        c[x] = s[x][0] ^ s[x][1] ^ s[x][2] ^ s[x][3] ^ s[x][4];
    for (int x = 0; x < 5; x++)
        cp[x] = c[x] ^ c[(x + 4) % 5] ^ rotl64(c[(x + 1) % 5], 1);
    for (int x = 0; x < 5; x++)
        for (int y = 0; y < 5; y++)
            s[x][y] ^= c[x] ^ cp[x];
    if (rv) {
        memcpy(rv->c, c, sizeof c);
        memcpy(rv->c_prime, cp, sizeof cp);
        memcpy(rv->a_prime, s, sizeof rv->a_prime);
    }
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 5; j++) {
            int ni = (i + 3 * j) % 5, nj = i;
            b[i][j] = rotl64(s[ni][nj], swirl_kr_rot((unsigned)ni, (unsigned)nj));
        }
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 5; j++)
            s[i][j] = b[i][j] ^ (~b[(i + 1) % 5][j] & b[(i + 2) % 5][j]);
    if (rv)
        memcpy(rv->a_pp, s, sizeof rv->a_pp);
    s[0][0] ^= swirl_kr_rc(round);
    if (rv)
        rv->a_ppp00 = s[0][0];
}

void swirl_keccak_f(uint64_t st[25]) {
    uint64_t s[5][5];
    for (int x = 0; x < 5; x++)
        for (int y = 0; y < 5; y++)
            s[x][y] = st[x + 5 * y];
    for (unsigned r = 0; r < 24; r++)
        keccak_round(s, r, NULL);
    for (int x = 0; x < 5; x++)
        for (int y = 0; y < 5; y++)
            st[x + 5 * y] = s[x][y];
}

/* column-major writers */
#define PUT(m, h, col, row, val) ((m)[(size_t)(col) * (h) + (row)] = bb31_from_u32((uint32_t)(val)))

static void put_limbs(bb31 *m, size_t h, size_t row, int col0, uint64_t v) {
    for (int l = 0; l < 4; l++)
        PUT(m, h, col0 + l, row, (v >> (16 * l)) & 0xffff);
}

static void put_bits(bb31 *m, size_t h, size_t row, int col0, uint64_t v) {
    for (int z = 0; z < 64; z++)
        PUT(m, h, col0 + z, row, (v >> z) & 1);
}

/* rows [row0, row0 + nrows) for one permutation (nrows <= 24) */
static void gen_perm(bb31 *m, size_t h, size_t row0, size_t nrows, const uint64_t in[25]) {
    uint64_t s[5][5];
    for (int x = 0; x < 5; x++)
        for (int y = 0; y < 5; y++)
            s[x][y] = in[x + 5 * y];
    for (size_t r = 0; r < nrows; r++) {
        size_t row = row0 + r;
        /* preimage on every row; a = the state entering this round */
        for (int y = 0; y < 5; y++)
            for (int x = 0; x < 5; x++) {
                put_limbs(m, h, row, KC_PREIMAGE(y, x, 0), in[x + 5 * y]);
                put_limbs(m, h, row, KC_A(y, x, 0), s[x][y]);
            }
        PUT(m, h, KC_STEP_FLAGS(r), row, 1);
        struct round_vals rv;
        keccak_round(s, (unsigned)r, &rv);
        for (int x = 0; x < 5; x++) {
            put_bits(m, h, row, KC_C(x, 0), rv.c[x]);
            put_bits(m, h, row, KC_C_PRIME(x, 0), rv.c_prime[x]);
        }
        for (int y = 0; y < 5; y++)
            for (int x = 0; x < 5; x++) {
                put_bits(m, h, row, KC_A_PRIME(y, x, 0), rv.a_prime[x][y]);
                put_limbs(m, h, row, KC_A_PP(y, x, 0), rv.a_pp[x][y]);
            }
        put_bits(m, h, row, KC_A_PP_00_BITS(0), rv.a_pp[0][0]);
        put_limbs(m, h, row, KC_A_PPP_00_LIMBS(0), rv.a_ppp00);
    }
}

enum swirl_status swirl_keccak_generate_trace(bb31 **out, size_t *height,
                                              const uint64_t (*inputs)[25], size_t n_inputs) {
    SWIRL_ARG_CHECK(out != NULL && height != NULL);
    *out = NULL;
    SWIRL_ARG_CHECK(inputs != NULL && n_inputs > 0);
    if (n_inputs > ((size_t)1 << 30) / 24)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "keccak trace: %zu permutations is too many",
                           n_inputs);
    size_t h = 1;
    while (h < 24 * n_inputs)
        h <<= 1;
    size_t cells;
    if (!swirl_mul_size(h, SWIRL_KECCAK_NUM_COLS, &cells))
        return SWIRL_RAISE(SWIRL_E_NOMEM, "keccak trace: size overflows");
    bb31 *m = swirl_calloc(cells, sizeof *m);
    if (!m)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "keccak trace: out of memory (%zu cells)", cells);
    size_t nperm = (h + 23) / 24; /* real inputs then zero padding inputs */
    static const uint64_t zero[25] = {0};
#pragma omp parallel for schedule(dynamic, 16)
    for (long long p = 0; p < (long long)nperm; p++) {
        size_t row0 = (size_t)p * 24, nrows = h - row0 < 24 ? h - row0 : 24;
        gen_perm(m, h, row0, nrows, (size_t)p < n_inputs ? inputs[p] : zero);
    }
    *out = m;
    *height = h;
    return SWIRL_OK;
}

/* ---- inputs file ---- */

enum swirl_status swirl_keccak_parse_inputs(uint64_t (**out)[25], size_t *n, const char *text,
                                            size_t len) {
    SWIRL_ARG_CHECK(out != NULL && n != NULL);
    *out = NULL;
    *n = 0;
    SWIRL_ARG_CHECK(text != NULL || len == 0);
    size_t cap = 0, count = 0;
    uint64_t (*v)[25] = NULL;
    size_t pos = 0, line = 0;
    while (pos < len) {
        line++;
        size_t end = pos;
        while (end < len && text[end] != '\n')
            end++;
        /* tokenize [pos, end) */
        size_t p = pos;
        while (p < end && isspace((unsigned char)text[p]))
            p++;
        if (p < end && text[p] != '#') {
            if (count == cap) {
                size_t ncap = cap ? 2 * cap : 64;
                uint64_t (*nv)[25] = swirl_realloc(v, ncap * sizeof *v);
                if (!nv) {
                    free(v);
                    return SWIRL_RAISE(SWIRL_E_NOMEM, "keccak inputs: out of memory");
                }
                v = nv;
                cap = ncap;
            }
            int words = 0;
            while (p < end) {
                while (p < end && isspace((unsigned char)text[p]))
                    p++;
                if (p >= end)
                    break;
                char tok[32];
                size_t tl = 0;
                while (p < end && !isspace((unsigned char)text[p])) {
                    if (tl + 1 < sizeof tok)
                        tok[tl] = text[p];
                    tl++;
                    p++;
                }
                if (tl + 1 > sizeof tok) {
                    free(v);
                    return SWIRL_RAISE(SWIRL_E_IO, "keccak inputs line %zu: word %d is too long",
                                       line, words + 1);
                }
                tok[tl] = '\0';
                if (words == 25) {
                    free(v);
                    return SWIRL_RAISE(SWIRL_E_IO,
                                       "keccak inputs line %zu: more than 25 words", line);
                }
                int hex = tl > 2 && tok[0] == '0' && (tok[1] == 'x' || tok[1] == 'X');
                const char *digits = hex ? tok + 2 : tok;
                /* every byte of the word, a NUL included (strtoull would stop there) */
                int ok = 1;
                for (size_t d = (size_t)(digits - tok); d < tl && ok; d++)
                    ok = hex ? isxdigit((unsigned char)tok[d]) : isdigit((unsigned char)tok[d]);
                errno = 0;
                unsigned long long val = ok ? strtoull(digits, NULL, hex ? 16 : 10) : 0;
                if (!ok || errno == ERANGE) {
                    free(v);
                    return SWIRL_RAISE(SWIRL_E_IO,
                                       "keccak inputs line %zu: word %d '%s' is not an unsigned "
                                       "64-bit number (decimal or 0x-hex)",
                                       line, words + 1, tok);
                }
                v[count][words++] = (uint64_t)val;
            }
            if (words != 25) {
                free(v);
                return SWIRL_RAISE(SWIRL_E_IO,
                                   "keccak inputs line %zu: %d words, expected 25", line, words);
            }
            count++;
        }
        pos = end + 1;
    }
    if (count == 0) {
        free(v);
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "keccak inputs: no permutation found");
    }
    *out = v;
    *n = count;
    return SWIRL_OK;
}

enum swirl_status swirl_keccak_read_inputs(uint64_t (**out)[25], size_t *n, const char *path) {
    SWIRL_ARG_CHECK(out != NULL && n != NULL && path != NULL);
    *out = NULL;
    *n = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return SWIRL_RAISE(SWIRL_E_IO, "cannot open keccak inputs file '%s': %s", path,
                           strerror(errno));
    size_t cap = 1 << 16, len = 0;
    char *buf = swirl_malloc(cap);
    while (buf) {
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (len < cap)
            break;
        if (cap > ((size_t)1 << 30)) {
            free(buf);
            fclose(f);
            return SWIRL_RAISE(SWIRL_E_IO, "keccak inputs file '%s' is larger than 1 GiB", path);
        }
        char *nb = swirl_realloc(buf, cap * 2);
        if (!nb) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    int err = ferror(f);
    fclose(f);
    if (!buf)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory reading '%s'", path);
    if (err) {
        free(buf);
        return SWIRL_RAISE(SWIRL_E_IO, "error reading keccak inputs file '%s'", path);
    }
    enum swirl_status st = swirl_keccak_parse_inputs(out, n, buf, len);
    free(buf);
    return st;
}
