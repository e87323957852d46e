/* .npy reading and writing (see npy.h). */
#include "util/alloc.h"
#include "util/npy.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/common.h"

#define NPY_BAD(...) SWIRL_RAISE(SWIRL_E_IO, __VA_ARGS__)

/* ---- the header dict: {'descr': '<u4', 'fortran_order': False, 'shape': (2, 3), } ---- */

typedef struct hdr_cursor {
    const char *s, *end;
} hdr_cursor;

static void skip_ws(hdr_cursor *c) {
    while (c->s < c->end && (*c->s == ' ' || *c->s == '\t' || *c->s == '\n'))
        c->s++;
}

static int eat(hdr_cursor *c, char ch) {
    skip_ws(c);
    if (c->s < c->end && *c->s == ch) {
        c->s++;
        return 1;
    }
    return 0;
}

/* a quoted string ('...' or "...") into buf (at most cap-1 chars); 0 when malformed */
static int quoted(hdr_cursor *c, char *buf, size_t cap) {
    skip_ws(c);
    if (c->s >= c->end || (*c->s != '\'' && *c->s != '"'))
        return 0;
    char q = *c->s++;
    size_t n = 0;
    while (c->s < c->end && *c->s != q) {
        if (n + 1 >= cap || *c->s == 0)
            return 0; /* too long, or a NUL that would cut the key short */
        buf[n++] = *c->s++;
    }
    if (c->s >= c->end)
        return 0;
    c->s++;
    buf[n] = 0;
    return 1;
}

static int word(hdr_cursor *c, const char *w) {
    skip_ws(c);
    size_t n = strlen(w);
    if ((size_t)(c->end - c->s) >= n && memcmp(c->s, w, n) == 0) {
        c->s += n;
        return 1;
    }
    return 0;
}

/* (d0, d1, ...) with an optional trailing comma; () is a scalar */
static int shape_tuple(hdr_cursor *c, size_t *shape, size_t *ndim) {
    if (!eat(c, '('))
        return 0;
    *ndim = 0;
    for (;;) {
        skip_ws(c);
        if (eat(c, ')'))
            return 1;
        if (*ndim >= SWIRL_NPY_MAX_DIMS)
            return 0;
        if (c->s >= c->end || *c->s < '0' || *c->s > '9')
            return 0;
        unsigned long long v = 0;
        while (c->s < c->end && *c->s >= '0' && *c->s <= '9') {
            if (v > (UINT64_MAX - 9) / 10)
                return 0;
            v = v * 10 + (unsigned)(*c->s++ - '0');
        }
        if (v > SIZE_MAX)
            return 0;
        shape[(*ndim)++] = (size_t)v;
        skip_ws(c);
        if (eat(c, ')'))
            return 1;
        if (!eat(c, ','))
            return 0;
    }
}

static enum swirl_status parse_header(swirl_npy *out, const char *h, size_t hlen,
                                      const char *name) {
    hdr_cursor c = {h, h + hlen};
    int have_descr = 0, have_order = 0, have_shape = 0;
    if (!eat(&c, '{'))
        return NPY_BAD("%s: .npy header is not a dict", name);
    for (;;) {
        if (eat(&c, '}'))
            break;
        char key[32], val[16];
        if (!quoted(&c, key, sizeof key) || !eat(&c, ':'))
            return NPY_BAD("%s: malformed .npy header", name);
        if ((strcmp(key, "descr") == 0 && have_descr) ||
            (strcmp(key, "fortran_order") == 0 && have_order) ||
            (strcmp(key, "shape") == 0 && have_shape))
            return NPY_BAD("%s: duplicate .npy header key '%s'", name, key);
        if (strcmp(key, "descr") == 0) {
            if (!quoted(&c, val, sizeof val))
                return NPY_BAD("%s: malformed .npy descr", name);
            if (strcmp(val, "<u4") == 0)
                out->dtype = SWIRL_NPY_U32;
            else if (strcmp(val, "|u1") == 0 || strcmp(val, "<u1") == 0)
                out->dtype = SWIRL_NPY_U8;
            else
                return NPY_BAD("%s: dtype '%s' is not supported (want '<u4', or '|u1' for flags)",
                               name, val);
            have_descr = 1;
        } else if (strcmp(key, "fortran_order") == 0) {
            if (word(&c, "True"))
                return NPY_BAD("%s: Fortran (column-major) order is not supported; write C order",
                               name);
            if (!word(&c, "False"))
                return NPY_BAD("%s: malformed .npy fortran_order", name);
            have_order = 1;
        } else if (strcmp(key, "shape") == 0) {
            if (!shape_tuple(&c, out->shape, &out->ndim))
                return NPY_BAD("%s: malformed .npy shape (at most %d dimensions)", name,
                               SWIRL_NPY_MAX_DIMS);
            have_shape = 1;
        } else {
            return NPY_BAD("%s: unknown .npy header key '%s'", name, key);
        }
        if (eat(&c, '}'))
            break;
        if (!eat(&c, ','))
            return NPY_BAD("%s: malformed .npy header", name);
    }
    skip_ws(&c);
    if (c.s != c.end)
        return NPY_BAD("%s: bytes after the .npy header's dict (only spaces and a newline may "
                       "follow it)",
                       name);
    if (!have_descr || !have_order || !have_shape)
        return NPY_BAD("%s: .npy header lacks %s", name,
                       !have_descr   ? "descr"
                       : !have_order ? "fortran_order"
                                     : "shape");
    return SWIRL_OK;
}

enum swirl_status swirl_npy_parse(swirl_npy *out, const uint8_t *buf, size_t len,
                                  const char *name) {
    SWIRL_ARG_CHECK(out != NULL && (buf != NULL || len == 0));
    if (!name)
        name = "<npy>";
    swirl_npy a;
    memset(&a, 0, sizeof a);
    if (len < 10 || memcmp(buf, "\x93NUMPY", 6) != 0)
        return NPY_BAD("%s: not a .npy file (bad magic)", name);
    unsigned major = buf[6];
    size_t hlen, off;
    if (major == 1) {
        hlen = (size_t)buf[8] | (size_t)buf[9] << 8;
        off = 10;
    } else if (major == 2 || major == 3) {
        if (len < 12)
            return NPY_BAD("%s: truncated .npy header", name);
        hlen = (size_t)buf[8] | (size_t)buf[9] << 8 | (size_t)buf[10] << 16 | (size_t)buf[11] << 24;
        off = 12;
    } else {
        return NPY_BAD("%s: .npy format version %u is not supported", name, major);
    }
    if (hlen > len - off)
        return NPY_BAD("%s: truncated .npy header", name);
    enum swirl_status st = parse_header(&a, (const char *)buf + off, hlen, name);
    if (st != SWIRL_OK)
        return st;
    size_t count = 1;
    for (size_t d = 0; d < a.ndim; d++) {
        if (a.shape[d] != 0 && count > SIZE_MAX / a.shape[d])
            return NPY_BAD("%s: .npy shape overflows", name);
        count *= a.shape[d];
    }
    size_t esize = a.dtype == SWIRL_NPY_U32 ? 4 : 1;
    if (count > SIZE_MAX / esize)
        return NPY_BAD("%s: .npy shape overflows", name);
    size_t dlen = len - off - hlen;
    if (dlen != count * esize)
        return NPY_BAD("%s: .npy data is %zu bytes, the shape needs %zu", name, dlen,
                       count * esize);
    a.count = count;
    a.data = swirl_malloc(count * esize + 1);
    if (!a.data)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "%s: out of memory (%zu bytes)", name, count * esize);
    const uint8_t *d = buf + off + hlen;
    if (a.dtype == SWIRL_NPY_U32) {
        uint32_t *w = a.data;
        for (size_t i = 0; i < count; i++)
            w[i] = (uint32_t)d[4 * i] | (uint32_t)d[4 * i + 1] << 8 | (uint32_t)d[4 * i + 2] << 16 |
                   (uint32_t)d[4 * i + 3] << 24;
    } else if (count) {
        memcpy(a.data, d, count);
    }
    *out = a;
    return SWIRL_OK;
}

enum swirl_status swirl_npy_read(swirl_npy *out, const char *path) {
    SWIRL_ARG_CHECK(out != NULL && path != NULL);
    FILE *f = fopen(path, "rb");
    if (!f)
        return SWIRL_RAISE(SWIRL_E_IO, "%s: %s", path, strerror(errno));
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0;
    enum swirl_status st = SWIRL_OK;
    for (;;) {
        if (len == cap) {
            size_t nc = cap ? cap * 2 : 4096;
            uint8_t *nb = swirl_realloc(buf, nc);
            if (!nb) {
                st = SWIRL_RAISE(SWIRL_E_NOMEM, "%s: out of memory", path);
                break;
            }
            buf = nb;
            cap = nc;
        }
        size_t r = fread(buf + len, 1, cap - len, f);
        len += r;
        if (r == 0) {
            if (ferror(f))
                st = SWIRL_RAISE(SWIRL_E_IO, "%s: read error", path);
            break;
        }
    }
    fclose(f);
    if (st == SWIRL_OK)
        st = swirl_npy_parse(out, buf, len, path);
    free(buf);
    return st;
}

void swirl_npy_clear(swirl_npy *a) {
    if (!a)
        return;
    free(a->data);
    memset(a, 0, sizeof *a);
    a->data = NULL;
}

enum swirl_status swirl_npy_encode(uint8_t **out, size_t *out_len, enum swirl_npy_dtype dtype,
                                   const size_t *shape, size_t ndim, const void *data) {
    SWIRL_ARG_CHECK(out != NULL && out_len != NULL && ndim <= SWIRL_NPY_MAX_DIMS);
    SWIRL_ARG_CHECK(ndim == 0 || shape != NULL);
    char hdr[256];
    int n = snprintf(hdr, sizeof hdr, "{'descr': '%s', 'fortran_order': False, 'shape': (",
                     dtype == SWIRL_NPY_U32 ? "<u4" : "|u1");
    /* the product as swirl_npy_parse takes it (a zero dimension makes any other one fine), so
     * every array the parser returns can be written */
    size_t count = 1;
    for (size_t d = 0; d < ndim; d++) {
        n += snprintf(hdr + n, sizeof hdr - (size_t)n,
                      ndim == 1 ? "%zu,"
                      : d       ? ", %zu"
                                : "%zu",
                      shape[d]);
        if (shape[d] && count > SIZE_MAX / shape[d])
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "npy shape overflows");
        count *= shape[d];
    }
    n += snprintf(hdr + n, sizeof hdr - (size_t)n, "), }");
    SWIRL_ARG_CHECK(count == 0 || data != NULL);
    /* pad so that magic + 2 + 2 + header + '\n' is a multiple of 64 */
    size_t total_hdr = 10 + (size_t)n + 1;
    size_t pad = (64 - total_hdr % 64) % 64;
    size_t hlen = (size_t)n + pad + 1;
    size_t esize = dtype == SWIRL_NPY_U32 ? 4 : 1;
    if (count > (SIZE_MAX - 10 - hlen) / esize)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "npy shape overflows");
    size_t len = 10 + hlen + count * esize;
    uint8_t *b = swirl_malloc(len);
    if (!b)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory (%zu bytes)", len);
    memcpy(b, "\x93NUMPY\x01\x00", 8);
    b[8] = (uint8_t)(hlen & 0xff);
    b[9] = (uint8_t)(hlen >> 8);
    memcpy(b + 10, hdr, (size_t)n);
    memset(b + 10 + n, ' ', pad);
    b[10 + hlen - 1] = '\n';
    uint8_t *d = b + 10 + hlen;
    if (dtype == SWIRL_NPY_U32) {
        const uint32_t *w = data;
        for (size_t i = 0; i < count; i++) {
            d[4 * i] = (uint8_t)w[i];
            d[4 * i + 1] = (uint8_t)(w[i] >> 8);
            d[4 * i + 2] = (uint8_t)(w[i] >> 16);
            d[4 * i + 3] = (uint8_t)(w[i] >> 24);
        }
    } else if (count) {
        memcpy(d, data, count);
    }
    *out = b;
    *out_len = len;
    return SWIRL_OK;
}

enum swirl_status swirl_npy_write(const char *path, enum swirl_npy_dtype dtype, const size_t *shape,
                                  size_t ndim, const void *data) {
    SWIRL_ARG_CHECK(path != NULL);
    uint8_t *b;
    size_t len;
    enum swirl_status st = swirl_npy_encode(&b, &len, dtype, shape, ndim, data);
    if (st != SWIRL_OK)
        return st;
    FILE *f = fopen(path, "wb");
    if (!f) {
        free(b);
        return SWIRL_RAISE(SWIRL_E_IO, "%s: %s", path, strerror(errno));
    }
    size_t w = fwrite(b, 1, len, f);
    int cerr = fclose(f);
    free(b);
    if (w != len || cerr != 0)
        return SWIRL_RAISE(SWIRL_E_IO, "%s: write error", path);
    return SWIRL_OK;
}
