/* A transcript log as .npy files (log_npy.h). */
#include "transcript/log_npy.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/common.h"
#include "util/npy.h"

enum { PATH_LEN = 4096 };

static const char *const names[3] = {"transcript_values.npy", "transcript_is_sample.npy",
                                     "transcript_perm_results.npy"};

static enum swirl_status join(char *out, const char *dir, const char *name, const char *suffix) {
    int n = snprintf(out, PATH_LEN, "%s/%s%s", dir, name, suffix);
    if (n < 0 || n >= PATH_LEN)
        return SWIRL_RAISE(SWIRL_E_IO, "%s: path too long", dir);
    return SWIRL_OK;
}

/* mkdir -p dir */
static enum swirl_status make_dirs(const char *dir) {
    char p[PATH_LEN];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof p)
        return SWIRL_RAISE(SWIRL_E_IO, "transcript log: bad directory name '%s'", dir);
    memcpy(p, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (p[i] != '/' && p[i] != '\0')
            continue;
        char c = p[i];
        p[i] = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST)
            return SWIRL_RAISE(SWIRL_E_IO, "cannot create %s: %s", p, strerror(errno));
        p[i] = c;
    }
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return SWIRL_RAISE(SWIRL_E_IO, "%s is not a directory", dir);
    return SWIRL_OK;
}

/* one file: written under a temporary name, then renamed */
static enum swirl_status write_one(const char *dir, const char *name, enum swirl_npy_dtype dt,
                                   const size_t *shape, size_t ndim, const void *data) {
    char path[PATH_LEN], tmp[PATH_LEN];
    SWIRL_TRY(join(path, dir, name, ""));
    SWIRL_TRY(join(tmp, dir, name, ".tmp~"));
    enum swirl_status st = swirl_npy_write(tmp, dt, shape, ndim, data);
    if (st == SWIRL_OK && rename(tmp, path) != 0)
        st = SWIRL_RAISE(SWIRL_E_IO, "%s: %s", path, strerror(errno));
    if (st != SWIRL_OK)
        remove(tmp);
    return st;
}

enum swirl_status swirl_transcript_log_write_npy(const char *dir, const swirl_transcript_log *log) {
    SWIRL_ARG_CHECK(dir != NULL && log != NULL);
    if (log->failed)
        return SWIRL_RAISE(SWIRL_E_NOMEM,
                           "the transcript log ran out of memory (incomplete): not written");
    SWIRL_TRY(make_dirs(dir));
    size_t n[1] = {log->n_values}, perms[2] = {log->n_perms, 16};
    static const uint32_t none32[1] = {0};
    static const uint8_t none8[1] = {0};
    SWIRL_TRY(write_one(dir, names[0], SWIRL_NPY_U32, n, 1, log->values ? log->values : none32));
    SWIRL_TRY(write_one(dir, names[1], SWIRL_NPY_U8, n, 1,
                        log->is_sample ? (const void *)log->is_sample : none8));
    return write_one(dir, names[2], SWIRL_NPY_U32, perms, 2, log->perms ? log->perms : none32);
}

/* reads dir/name, which must have the dtype and ndim given (and 16 columns when 2-D) */
static enum swirl_status read_one(swirl_npy *a, const char *dir, const char *name,
                                  enum swirl_npy_dtype dt, size_t ndim) {
    char path[PATH_LEN];
    SWIRL_TRY(join(path, dir, name, ""));
    SWIRL_TRY(swirl_npy_read(a, path));
    if (a->dtype != dt || a->ndim != ndim || (ndim == 2 && a->shape[1] != 16)) {
        swirl_npy_clear(a);
        return SWIRL_RAISE(SWIRL_E_IO, "%s: expected %s of shape %s", path,
                           dt == SWIRL_NPY_U32 ? "<u4" : "|u1", ndim == 1 ? "(n,)" : "(n, 16)");
    }
    return SWIRL_OK;
}

enum swirl_status swirl_transcript_log_read_npy(swirl_transcript_log *log, const char *dir) {
    SWIRL_ARG_CHECK(log != NULL && dir != NULL);
    swirl_transcript_log_init(log);
    swirl_npy a[3];
    memset(a, 0, sizeof a);
    enum swirl_status st = read_one(&a[0], dir, names[0], SWIRL_NPY_U32, 1);
    if (st == SWIRL_OK)
        st = read_one(&a[1], dir, names[1], SWIRL_NPY_U8, 1);
    if (st == SWIRL_OK)
        st = read_one(&a[2], dir, names[2], SWIRL_NPY_U32, 2);
    if (st == SWIRL_OK && a[0].count != a[1].count)
        st = SWIRL_RAISE(SWIRL_E_IO, "%s: %zu values but %zu is_sample flags", dir, a[0].count,
                         a[1].count);
    if (st == SWIRL_OK) { /* the arrays become the log's (malloc'd by the reader) */
        log->values = a[0].data;
        log->is_sample = a[1].data;
        log->perms = a[2].data;
        log->n_values = log->cap_values = a[0].count;
        log->n_perms = log->cap_perms = a[2].shape[0];
        return SWIRL_OK;
    }
    for (int i = 0; i < 3; i++)
        swirl_npy_clear(&a[i]);
    return st;
}
