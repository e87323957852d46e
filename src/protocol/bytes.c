/* Byte writer/reader for the proof codec (see bytes.h). */
#include "util/alloc.h"
#include "protocol/bytes.h"

#include <stdlib.h>
#include <string.h>

void swirl_bytes_free(swirl_bytes *b) {
    if (!b)
        return;
    free(b->p);
    memset(b, 0, sizeof *b);
}

static void put(swirl_bytes *b, const uint8_t *src, size_t n) {
    if (b->oom)
        return;
    if (b->len + n > b->cap) {
        size_t nc = b->cap ? b->cap : 4096;
        while (nc < b->len + n)
            nc *= 2;
        uint8_t *np = swirl_realloc(b->p, nc);
        if (!np) {
            b->oom = 1;
            return;
        }
        b->p = np;
        b->cap = nc;
    }
    memcpy(b->p + b->len, src, n);
    b->len += n;
}

void swirl_put_byte(swirl_bytes *b, uint8_t v) {
    put(b, &v, 1);
}

void swirl_put_u32(swirl_bytes *b, uint32_t v) {
    uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    put(b, x, 4);
}
void swirl_put_field(swirl_bytes *b, bb31 v) {
    swirl_put_u32(b, bb31_to_u32(v));
}
void swirl_put_ext(swirl_bytes *b, bb31x4 v) {
    for (int i = 0; i < 4; i++)
        swirl_put_field(b, v.c[i]);
}
void swirl_put_digest(swirl_bytes *b, const swirl_digest *d) {
    for (int i = 0; i < P2_DIGEST_LEN; i++)
        swirl_put_field(b, d->v[i]);
}

enum swirl_status swirl_get_u32(swirl_reader *r, uint32_t *v) {
    if (r->len - r->pos < 4)
        return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "proof truncated at byte %zu", r->pos);
    const uint8_t *x = r->p + r->pos;
    *v = (uint32_t)x[0] | (uint32_t)x[1] << 8 | (uint32_t)x[2] << 16 | (uint32_t)x[3] << 24;
    r->pos += 4;
    return SWIRL_OK;
}
enum swirl_status swirl_get_field(swirl_reader *r, bb31 *v) {
    uint32_t x = 0;
    SWIRL_TRY(swirl_get_u32(r, &x));
    if (x >= BB31_P)
        return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "non-canonical field element %u at byte %zu", x,
                           r->pos - 4);
    *v = bb31_from_u32(x);
    return SWIRL_OK;
}
enum swirl_status swirl_get_ext(swirl_reader *r, bb31x4 *v) {
    for (int i = 0; i < 4; i++)
        SWIRL_TRY(swirl_get_field(r, &v->c[i]));
    return SWIRL_OK;
}
enum swirl_status swirl_get_digest(swirl_reader *r, swirl_digest *d) {
    for (int i = 0; i < P2_DIGEST_LEN; i++)
        SWIRL_TRY(swirl_get_field(r, &d->v[i]));
    return SWIRL_OK;
}
enum swirl_status swirl_get_count(swirl_reader *r, size_t *n, size_t min_bytes_each) {
    uint32_t x = 0;
    SWIRL_TRY(swirl_get_u32(r, &x));
    if (min_bytes_each && (uint64_t)x * min_bytes_each > (uint64_t)(r->len - r->pos))
        return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED,
                           "length %u at byte %zu exceeds the remaining input", x, r->pos - 4);
    *n = x;
    return SWIRL_OK;
}
