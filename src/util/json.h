/*
 * JSON helpers over jansson for the AIR-system files (air/air_json.c, protocol/system.c): reading a
 * file with line:column errors, typed getters whose errors name the file and the position, a key
 * whitelist, and atomic file writes.
 *
 * Every getter returns SWIRL_E_INVALID_ARG with the message "FILE: POS.KEY: what was expected"
 * (POS is a JSON path such as "airs[2]"), or "FILE: POS: missing key \"KEY\"".
 */
#ifndef SWIRL_UTIL_JSON_H
#define SWIRL_UTIL_JSON_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "swirl/swirl.h"

/* The BabyBear modulus: field values in files are canonical integers below it. */
#define SWIRL_JSON_P 2013265921u

#ifdef __cplusplus
extern "C" {
#endif

/** Parses a JSON file, rejecting duplicate keys. SWIRL_E_IO naming the file (and line:column for
 *  a syntax error). *out is owned by the caller (json_decref). */
enum swirl_status swirl_json_load_file(json_t **out, const char *path) SWIRL_WARN_UNUSED_RESULT;

/** Writes `v` to `path` (2-space indent, sorted keys, trailing newline) atomically. */
enum swirl_status swirl_json_save_file(const json_t *v, const char *path) SWIRL_WARN_UNUSED_RESULT;

/** Writes `len` bytes (and a '\n' when newline != 0) to a temporary file in the directory of
 *  `path` (mode 0666 & ~umask), renamed over `path` on success; on failure nothing is left behind
 *  (SWIRL_E_IO). An existing device or pipe (/dev/null) is written in place. */
enum swirl_status swirl_write_file_atomic(const char *path, const uint8_t *data, size_t len,
                                          int newline) SWIRL_WARN_UNUSED_RESULT;

/** Every key of `obj` must be in the NULL-terminated list `allowed`. */
enum swirl_status swirl_json_check_keys(const json_t *obj, const char *const *allowed,
                                        const char *file, const char *pos) SWIRL_WARN_UNUSED_RESULT;

/** obj[key]: an integer in [0, max] (required). */
enum swirl_status swirl_json_u64(const json_t *obj, const char *key, uint64_t max, uint64_t *out,
                                 const char *file, const char *pos) SWIRL_WARN_UNUSED_RESULT;

/** As swirl_json_u64, but an absent key leaves *out (the default) unchanged. */
enum swirl_status swirl_json_u64_opt(const json_t *obj, const char *key, uint64_t max,
                                     uint64_t *out, const char *file,
                                     const char *pos) SWIRL_WARN_UNUSED_RESULT;

/** obj[key]: a string (required); *out points into obj. */
enum swirl_status swirl_json_str(const json_t *obj, const char *key, const char **out,
                                 const char *file, const char *pos) SWIRL_WARN_UNUSED_RESULT;

/** obj[key]: an array (required); *out is borrowed from obj. */
enum swirl_status swirl_json_array(const json_t *obj, const char *key, const json_t **out,
                                   const char *file, const char *pos) SWIRL_WARN_UNUSED_RESULT;

/** obj[key]: a boolean; absent leaves *out unchanged. */
enum swirl_status swirl_json_bool_opt(const json_t *obj, const char *key, int *out,
                                      const char *file, const char *pos) SWIRL_WARN_UNUSED_RESULT;

/** arr (named `pos`): an array of integers in [0, max], at most `cap` of them; *n its length. */
enum swirl_status swirl_json_u64_list(const json_t *arr, uint64_t max, uint64_t *out, size_t cap,
                                      size_t *n, const char *file,
                                      const char *pos) SWIRL_WARN_UNUSED_RESULT;

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_UTIL_JSON_H */
