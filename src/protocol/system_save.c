/* Writing AIR-system directories (see system.h): meta.json with every parameter explicit, the DAGs
 * and the traces, into a temporary directory renamed into place at the end. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "util/alloc.h"
#include "air/air_json.h"
#include "protocol/system.h"
#include "util/common.h"
#include "util/json.h"
#include "util/npy.h"

static json_t *proximity_json(const swirl_whir_proximity *p) {
    switch (p->kind) {
    case SWIRL_PROXIMITY_UNIQUE_DECODING: return json_pack("{s:s}", "kind", "unique_decoding");
    case SWIRL_PROXIMITY_SPLIT_UNIQUE_LIST:
        return json_pack("{s:s,s:I,s:I}", "kind", "split_unique_list", "m", (json_int_t)p->m,
                         "list_start_round", (json_int_t)p->list_start_round);
    case SWIRL_PROXIMITY_LIST_DECODING:
        return json_pack("{s:s,s:I}", "kind", "list_decoding", "m", (json_int_t)p->m);
    }
    return NULL;
}

static json_t *params_json(const swirl_system_params *p) {
    const swirl_whir_config *w = &p->whir;
    size_t log_final = p->l_skip + p->n_stack - w->num_rounds * w->k;
    return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o,s:I,s:I}", "l_skip",
                     (json_int_t)p->l_skip, "n_stack", (json_int_t)p->n_stack, "k_whir",
                     (json_int_t)w->k, "log_blowup", (json_int_t)p->log_blowup,
                     "max_constraint_degree", (json_int_t)p->max_constraint_degree,
                     "logup_pow_bits", (json_int_t)p->logup.pow_bits, "mu_pow_bits",
                     (json_int_t)w->mu_pow_bits, "folding_pow_bits",
                     (json_int_t)w->folding_pow_bits, "query_phase_pow_bits",
                     (json_int_t)w->query_phase_pow_bits, "w_stack", (json_int_t)p->w_stack,
                     "log_final_poly_len", (json_int_t)log_final, "whir_proximity",
                     proximity_json(&w->proximity), "logup_max_interaction_count",
                     (json_int_t)p->logup.max_interaction_count, "logup_log_max_message_length",
                     (json_int_t)p->logup.log_max_message_length);
}

/* A JSON array of n integers (size_t or canonical field elements). */
static json_t *int_array(const size_t *v, const bb31 *f, size_t n) {
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++) {
        json_int_t x = v ? (json_int_t)v[i] : (json_int_t)bb31_to_u32(f[i]);
        if (json_array_append_new(a, json_integer(x)) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static json_t *air_json(const swirl_system_out_air *a, size_t i) {
    return json_pack("{s:I,s:s,s:o,s:b,s:I,s:I}", "air_idx", (json_int_t)i, "name", a->air->name,
                     "public_values", int_array(NULL, a->public_values, a->air->num_public_values),
                     "is_required", a->is_required != 0, "width", (json_int_t)a->air->common_width,
                     "height", (json_int_t)a->height);
}

static json_t *meta_json(const swirl_system_params *p, const swirl_system_out_air *airs, size_t n,
                         const swirl_digest *pre_hash, const char *reference) {
    size_t q[SWIRL_WHIR_MAX_ROUNDS], *sorted = swirl_malloc(n * sizeof *sorted), h[8];
    json_t *air_arr = json_array();
    int ok = sorted && air_arr;
    for (size_t i = 0; ok && i < n; i++) {
        ok = json_array_append_new(air_arr, air_json(&airs[i], i)) == 0;
        size_t j = i; /* sorted_airs: height descending, ties by index */
        while (j > 0 && airs[sorted[j - 1]].height < airs[i].height) {
            sorted[j] = sorted[j - 1];
            j--;
        }
        sorted[j] = i;
    }
    for (size_t r = 0; r < p->whir.num_rounds; r++)
        q[r] = p->whir.num_queries[r];
    json_t *m = NULL;
    if (ok)
        m = json_pack("{s:o,s:o,s:I,s:o,s:o,s:s}", "params", params_json(p), "num_queries",
                      int_array(q, NULL, p->whir.num_rounds), "num_whir_rounds",
                      (json_int_t)p->whir.num_rounds, "airs", air_arr, "sorted_airs",
                      int_array(sorted, NULL, n), "reference", reference ? reference : "");
    else
        json_decref(air_arr);
    free(sorted);
    if (m && pre_hash) {
        for (int i = 0; i < 8; i++)
            h[i] = bb31_to_u32(pre_hash->v[i]);
        if (json_object_set_new(m, "vk_pre_hash", int_array(h, NULL, 8)) != 0) {
            json_decref(m);
            m = NULL;
        }
    }
    return m;
}

static enum swirl_status check_out_air(const swirl_system_out_air *a, size_t i,
                                       const swirl_system_params *p) {
    if (!a->air || !a->trace || !swirl_is_pow2(a->height) ||
        (a->air->num_public_values && !a->public_values))
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                           "system AIR %zu: missing AIR, trace or public "
                           "values, or a height that is not a power of two",
                           i);
    if (a->air->preprocessed_width || a->air->n_cached)
        return SWIRL_RAISE(SWIRL_E_UNSUPPORTED,
                           "AIR %s: preprocessed or cached partitions are not "
                           "supported in system files",
                           a->air->name);
    if (p->whir.num_rounds * p->whir.k > p->l_skip + p->n_stack)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "WHIR rounds * k exceed l_skip + n_stack");
    return SWIRL_OK;
}

static enum swirl_status write_trace(const char *path, const swirl_system_out_air *a) {
    size_t h = a->height, w = a->air->common_width, cells;
    if (!swirl_mul_size(h, w, &cells))
        return SWIRL_RAISE(SWIRL_E_NOMEM, "trace size overflows");
    uint32_t *v = swirl_malloc((cells ? cells : 1) * sizeof *v);
    if (!v)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    for (size_t r = 0; r < h; r++)
        for (size_t c = 0; c < w; c++)
            v[r * w + c] = bb31_to_u32(a->trace[c * h + r]);
    size_t shape[2] = {h, w};
    enum swirl_status st = swirl_npy_write(path, SWIRL_NPY_U32, shape, 2, v);
    free(v);
    return st;
}

/* The temporary directory and the files written into it, removed on failure. */
typedef struct out_dir {
    char *tmp;
    size_t n_files, n_airs;
} out_dir;

static char *join(const char *a, const char *b, size_t i) {
    size_t n = strlen(a) + strlen(b) + 32;
    char *p = swirl_malloc(n);
    if (p) {
        snprintf(p, n, "%s/", a);
        snprintf(p + strlen(p), n - strlen(p), b, i);
    }
    return p;
}

static void remove_file(const out_dir *o, const char *fmt, size_t i) {
    char *p = join(o->tmp, fmt, i);
    if (p)
        remove(p);
    free(p);
}

static void out_dir_discard(out_dir *o) {
    if (!o->tmp)
        return;
    for (size_t i = 0; i < o->n_airs; i++) {
        remove_file(o, "inputs/constraints_%zu.json", i);
        remove_file(o, "inputs/trace_%zu.npy", i);
    }
    remove_file(o, "meta.json", 0);
    remove_file(o, "inputs", 0);
    remove(o->tmp);
    free(o->tmp);
    o->tmp = NULL;
}

static enum swirl_status write_files(out_dir *o, const swirl_system_params *p,
                                     const swirl_system_out_air *airs, size_t n,
                                     const swirl_digest *pre_hash, const char *reference) {
    char *inputs = join(o->tmp, "inputs", 0);
    if (!inputs)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    int made = mkdir(inputs, 0777) == 0;
    free(inputs);
    if (!made)
        return SWIRL_RAISE(SWIRL_E_IO, "cannot create %s/inputs: %s", o->tmp, strerror(errno));
    o->n_airs = n;
    enum swirl_status st = SWIRL_OK;
    for (size_t i = 0; st == SWIRL_OK && i < n; i++) {
        char *cpath = join(o->tmp, "inputs/constraints_%zu.json", i);
        char *tpath = join(o->tmp, "inputs/trace_%zu.npy", i);
        if (!cpath || !tpath)
            st = SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
        if (st == SWIRL_OK)
            st = swirl_air_save_json(cpath, airs[i].air);
        if (st == SWIRL_OK)
            st = write_trace(tpath, &airs[i]);
        free(cpath);
        free(tpath);
    }
    SWIRL_TRY(st);
    json_t *meta = meta_json(p, airs, n, pre_hash, reference);
    if (!meta)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory encoding meta.json");
    char *mpath = join(o->tmp, "meta.json", 0);
    st = mpath ? swirl_json_save_file(meta, mpath) : SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    free(mpath);
    json_decref(meta);
    return st;
}

/* DIR must not exist, or be an empty directory (rename replaces it). */
static enum swirl_status check_target(const char *dir) {
    struct stat sb;
    if (stat(dir, &sb) != 0)
        return SWIRL_OK;
    if (!S_ISDIR(sb.st_mode))
        return SWIRL_RAISE(SWIRL_E_IO, "%s exists and is not a directory", dir);
    DIR *d = opendir(dir);
    if (!d)
        return SWIRL_RAISE(SWIRL_E_IO, "cannot read %s: %s", dir, strerror(errno));
    int empty = 1;
    struct dirent *e;
    while (empty && (e = readdir(d)) != NULL)
        empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
    closedir(d);
    if (!empty)
        return SWIRL_RAISE(SWIRL_E_IO, "%s exists and is not an empty directory", dir);
    return SWIRL_OK;
}

enum swirl_status swirl_system_save(const char *dir, const swirl_system_params *params,
                                    const swirl_system_out_air *airs, size_t n,
                                    const swirl_digest *vk_pre_hash, const char *reference) {
    SWIRL_ARG_CHECK(dir != NULL && *dir && params != NULL && airs != NULL && n > 0);
    for (size_t i = 0; i < n; i++)
        SWIRL_TRY(check_out_air(&airs[i], i, params));
    SWIRL_TRY(check_target(dir));
    out_dir o = {NULL, 0, 0};
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/')
        len--;
    char *tmpl = swirl_malloc(len + 16);
    if (!tmpl)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    snprintf(tmpl, len + 16, "%.*s.tmp.XXXXXX", (int)len, dir);
    o.tmp = tmpl;
    if (!mkdtemp(o.tmp)) {
        enum swirl_status st = SWIRL_RAISE(SWIRL_E_IO, "cannot create a directory next to %s: %s",
                                           dir, strerror(errno));
        free(o.tmp);
        return st;
    }
    enum swirl_status st = write_files(&o, params, airs, n, vk_pre_hash, reference);
    mode_t um = umask(0);
    umask(um);
    if (st == SWIRL_OK && (chmod(o.tmp, 0777 & ~um) != 0 || rename(o.tmp, dir) != 0))
        st = SWIRL_RAISE(SWIRL_E_IO, "cannot rename %s to %s: %s", o.tmp, dir, strerror(errno));
    if (st != SWIRL_OK)
        out_dir_discard(&o);
    free(o.tmp);
    return st;
}
