/* JSON helpers for the AIR-system files (see json.h). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "util/alloc.h"
#include "util/common.h"
#include "util/json.h"

enum swirl_status swirl_json_load_file(json_t **out, const char *path) {
    SWIRL_ARG_CHECK(out != NULL && path != NULL);
    json_error_t e;
    *out = json_load_file(path, JSON_REJECT_DUPLICATES, &e);
    if (*out)
        return SWIRL_OK;
    if (e.line <= 0) /* the file could not be opened or read */
        return SWIRL_RAISE(SWIRL_E_IO, "%s: %s", path, e.text);
    return SWIRL_RAISE(SWIRL_E_IO, "%s:%d:%d: %s", path, e.line, e.column, e.text);
}

enum swirl_status swirl_json_save_file(const json_t *v, const char *path) {
    SWIRL_ARG_CHECK(v != NULL && path != NULL);
    char *text = json_dumps(v, JSON_INDENT(2) | JSON_SORT_KEYS);
    if (!text)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "%s: out of memory encoding JSON", path);
    enum swirl_status st = swirl_write_file_atomic(path, (const uint8_t *)text, strlen(text), 1);
    free(text);
    return st;
}

/* A device or pipe (e.g. /dev/null, /dev/stdout): written in place, there is nothing to replace. */
static enum swirl_status write_in_place(const char *path, const uint8_t *data, size_t len,
                                        int newline) {
    FILE *f = fopen(path, "wb");
    if (!f)
        return SWIRL_RAISE(SWIRL_E_IO, "cannot write %s: %s", path, strerror(errno));
    int ok = (len == 0 || fwrite(data, 1, len, f) == len) && (!newline || fputc('\n', f) != EOF);
    if (fclose(f) != 0 || !ok)
        return SWIRL_RAISE(SWIRL_E_IO, "writing %s failed", path);
    return SWIRL_OK;
}

enum swirl_status swirl_write_file_atomic(const char *path, const uint8_t *data, size_t len,
                                          int newline) {
    SWIRL_ARG_CHECK(path != NULL && (data != NULL || len == 0));
    struct stat sb;
    if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode) && !S_ISDIR(sb.st_mode))
        return write_in_place(path, data, len, newline);
    size_t n = strlen(path) + 16;
    char *tmp = swirl_malloc(n);
    if (!tmp)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    snprintf(tmp, n, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        enum swirl_status st =
            SWIRL_RAISE(SWIRL_E_IO, "cannot write %s: %s", path, strerror(errno));
        free(tmp);
        return st;
    }
    mode_t um = umask(0); /* mkstemp makes 0600; give the file the usual 0666 & ~umask */
    umask(um);
    if (fchmod(fd, 0666 & ~um) != 0) {
        enum swirl_status st =
            SWIRL_RAISE(SWIRL_E_IO, "cannot write %s: %s", path, strerror(errno));
        close(fd);
        remove(tmp);
        free(tmp);
        return st;
    }
    FILE *f = fdopen(fd, "wb");
    int ok = f != NULL;
    if (!f)
        close(fd);
    if (ok && len)
        ok = fwrite(data, 1, len, f) == len;
    if (ok && newline)
        ok = fputc('\n', f) != EOF;
    if (f && fclose(f) != 0)
        ok = 0;
    if (ok && rename(tmp, path) != 0)
        ok = 0;
    enum swirl_status st = SWIRL_OK;
    if (!ok) {
        st = SWIRL_RAISE(SWIRL_E_IO, "writing %s failed: %s", path, strerror(errno));
        remove(tmp);
    }
    free(tmp);
    return st;
}

enum swirl_status swirl_json_check_keys(const json_t *obj, const char *const *allowed,
                                        const char *file, const char *pos) {
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v) {
        size_t i = 0;
        while (allowed[i] && strcmp(allowed[i], key) != 0)
            i++;
        if (!allowed[i])
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "%s: %s: unknown key \"%s\"", file, pos, key);
    }
    return SWIRL_OK;
}

static enum swirl_status as_u64(const json_t *v, uint64_t max, uint64_t *out, const char *file,
                                const char *pos, const char *key) {
    if (!json_is_integer(v) || json_integer_value(v) < 0 || (uint64_t)json_integer_value(v) > max)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "%s: %s%s%s: expected an integer from 0 to %llu",
                           file, pos, key ? "." : "", key ? key : "", (unsigned long long)max);
    *out = (uint64_t)json_integer_value(v);
    return SWIRL_OK;
}

enum swirl_status swirl_json_u64(const json_t *obj, const char *key, uint64_t max, uint64_t *out,
                                 const char *file, const char *pos) {
    const json_t *v = json_object_get(obj, key);
    if (!v)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "%s: %s: missing key \"%s\"", file, pos, key);
    return as_u64(v, max, out, file, pos, key);
}

enum swirl_status swirl_json_u64_opt(const json_t *obj, const char *key, uint64_t max,
                                     uint64_t *out, const char *file, const char *pos) {
    const json_t *v = json_object_get(obj, key);
    return v ? as_u64(v, max, out, file, pos, key) : SWIRL_OK;
}

enum swirl_status swirl_json_str(const json_t *obj, const char *key, const char **out,
                                 const char *file, const char *pos) {
    const json_t *v = json_object_get(obj, key);
    if (!v)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "%s: %s: missing key \"%s\"", file, pos, key);
    if (!json_is_string(v))
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "%s: %s.%s: expected a string", file, pos, key);
    *out = json_string_value(v);
    return SWIRL_OK;
}

enum swirl_status swirl_json_array(const json_t *obj, const char *key, const json_t **out,
                                   const char *file, const char *pos) {
    const json_t *v = json_object_get(obj, key);
    if (!v)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "%s: %s: missing key \"%s\"", file, pos, key);
    if (!json_is_array(v))
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "%s: %s.%s: expected an array", file, pos, key);
    *out = v;
    return SWIRL_OK;
}

enum swirl_status swirl_json_bool_opt(const json_t *obj, const char *key, int *out,
                                      const char *file, const char *pos) {
    const json_t *v = json_object_get(obj, key);
    if (!v)
        return SWIRL_OK;
    if (!json_is_boolean(v))
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "%s: %s.%s: expected true or false", file, pos,
                           key);
    *out = json_is_true(v);
    return SWIRL_OK;
}

enum swirl_status swirl_json_u64_list(const json_t *arr, uint64_t max, uint64_t *out, size_t cap,
                                      size_t *n, const char *file, const char *pos) {
    if (!json_is_array(arr))
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "%s: %s: expected an array", file, pos);
    if (json_array_size(arr) > cap)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "%s: %s: at most %zu entries, not %zu", file, pos,
                           cap, json_array_size(arr));
    char epos[96];
    for (size_t i = 0; i < json_array_size(arr); i++) {
        snprintf(epos, sizeof epos, "%s[%zu]", pos, i);
        SWIRL_TRY(as_u64(json_array_get(arr, i), max, &out[i], file, epos, NULL));
    }
    *n = json_array_size(arr);
    return SWIRL_OK;
}
