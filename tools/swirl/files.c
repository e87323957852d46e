/* Whole files of the `swirl` program: read into memory, and written through a temporary file in
 * the same directory renamed over the target, so that a failure leaves no partial file. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "cli.h"

int cli_read_file(const char *path, uint8_t **data, size_t *len) {
    *data = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "swirl: cannot open %s: %s\n", path, strerror(errno));
        return 1;
    }
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        if (cap > ((size_t)1 << 34)) { /* 16 GiB: no proof or key is that large */
            free(buf);
            buf = NULL;
            break;
        }
        uint8_t *nb = realloc(buf, cap * 2);
        if (!nb)
            free(buf);
        buf = nb;
        cap *= 2;
    }
    int err = ferror(f);
    fclose(f);
    if (!buf || err) {
        free(buf);
        fprintf(stderr, "swirl: cannot read %s%s\n", path, err ? "" : ": too large");
        return 1;
    }
    *data = buf;
    *len = n;
    return 0;
}

/* A device or pipe (e.g. /dev/null, /dev/stdout): written in place, there is nothing to replace. */
static int write_in_place(const char *path, const uint8_t *data, size_t len) {
    FILE *f = fopen(path, "wb");
    if (!f) {
        fprintf(stderr, "swirl: cannot write %s: %s\n", path, strerror(errno));
        return CLI_BAD;
    }
    int ok = len == 0 || fwrite(data, 1, len, f) == len;
    if (fclose(f) != 0 || !ok) {
        fprintf(stderr, "swirl: writing %s failed\n", path);
        return CLI_BAD;
    }
    return CLI_OK;
}

/* a new temporary file next to path, mode 0666 & ~umask; *tmp: its name (free it) */
static FILE *open_temp(const char *path, char **tmp) {
    size_t n = strlen(path) + 16;
    *tmp = malloc(n);
    if (!*tmp) {
        fprintf(stderr, "swirl: out of memory\n");
        return NULL;
    }
    snprintf(*tmp, n, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(*tmp);
    mode_t um = umask(0); /* mkstemp makes 0600; give the file the usual 0666 & ~umask */
    umask(um);
    FILE *f = NULL;
    if (fd >= 0 && fchmod(fd, 0666 & ~um) == 0 && (f = fdopen(fd, "wb")) != NULL)
        return f;
    fprintf(stderr, "swirl: cannot write %s: %s\n", path, strerror(errno));
    if (fd >= 0) {
        close(fd);
        remove(*tmp);
    }
    free(*tmp);
    *tmp = NULL;
    return NULL;
}

int cli_write_file(const char *path, const uint8_t *data, size_t len) {
    struct stat sb;
    if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode) && !S_ISDIR(sb.st_mode))
        return write_in_place(path, data, len);
    char *tmp = NULL;
    FILE *f = open_temp(path, &tmp);
    if (!f)
        return CLI_BAD;
    int ok = len == 0 || fwrite(data, 1, len, f) == len;
    if (fclose(f) != 0)
        ok = 0;
    if (ok && rename(tmp, path) != 0)
        ok = 0;
    if (!ok) {
        fprintf(stderr, "swirl: writing %s failed: %s\n", path, strerror(errno));
        remove(tmp);
    }
    free(tmp);
    return ok ? CLI_OK : CLI_BAD;
}

FILE *cli_mem_open(cli_mem_file *m) {
    m->buf = NULL;
    m->len = 0;
    m->f = open_memstream(&m->buf, &m->len);
    if (!m->f)
        fprintf(stderr, "swirl: out of memory\n");
    return m->f;
}

int cli_mem_commit(cli_mem_file *m, const char *path) {
    int rc = fclose(m->f) == 0 ? CLI_OK : CLI_FAILED;
    m->f = NULL;
    if (rc == CLI_OK)
        rc = cli_write_file(path, (const uint8_t *)m->buf, m->len);
    else
        fprintf(stderr, "swirl: writing %s failed\n", path);
    free(m->buf);
    m->buf = NULL;
    return rc;
}

void cli_mem_discard(cli_mem_file *m) {
    if (m->f)
        fclose(m->f);
    free(m->buf);
    m->f = NULL;
    m->buf = NULL;
}
