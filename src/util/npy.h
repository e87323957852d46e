/*
 * NumPy .npy files (format version 1.0 and 2.0), the small subset the reference vectors, the AIR
 * system directories and the transcript logs use: little-endian u32 ('<u4') or u8 ('|u1'), C order,
 * 1 to 4 dimensions. The format: magic "\x93NUMPY", major/minor version bytes, a header length
 * (u16 LE in 1.0, u32 LE in 2.0), an ASCII Python-dict header padded with spaces and ending in
 * '\n', then the raw data.
 *
 * Reading never trusts the file: a bad magic, an unknown dtype, Fortran order, a malformed header,
 * a shape whose product overflows or does not match the data length is SWIRL_E_IO with a message
 * naming the file and the problem.
 */
#ifndef SWIRL_UTIL_NPY_H
#define SWIRL_UTIL_NPY_H

#include <stddef.h>
#include <stdint.h>

#include "swirl/swirl.h"

#define SWIRL_NPY_MAX_DIMS 4

enum swirl_npy_dtype { SWIRL_NPY_U32 = 0, SWIRL_NPY_U8 = 1 };

/** A decoded array (owned; swirl_npy_clear frees it). */
typedef struct swirl_npy {
    enum swirl_npy_dtype dtype;
    size_t ndim;
    size_t shape[SWIRL_NPY_MAX_DIMS];
    size_t count; /* product of the shape (1 for ndim 0) */
    void *data;   /* count elements: uint32_t (host order) or uint8_t */
} swirl_npy;

#ifdef __cplusplus
extern "C" {
#endif

/** Decodes `len` bytes of a .npy file. `name` (a path) is only used in error messages. */
enum swirl_status swirl_npy_parse(swirl_npy *out, const uint8_t *buf, size_t len,
                                  const char *name) SWIRL_WARN_UNUSED_RESULT;
/** Reads and decodes a file (SWIRL_E_IO when it cannot be read). */
enum swirl_status swirl_npy_read(swirl_npy *out, const char *path) SWIRL_WARN_UNUSED_RESULT;
void swirl_npy_clear(swirl_npy *a);

/** Encodes an array as .npy (version 1.0) bytes; *out is malloc'd, the caller frees it. */
enum swirl_status swirl_npy_encode(uint8_t **out, size_t *out_len, enum swirl_npy_dtype dtype,
                                   const size_t *shape, size_t ndim,
                                   const void *data) SWIRL_WARN_UNUSED_RESULT;
/** Writes an array as a .npy file (SWIRL_E_IO on a write error). */
enum swirl_status swirl_npy_write(const char *path, enum swirl_npy_dtype dtype,
                                  const size_t *shape, size_t ndim,
                                  const void *data) SWIRL_WARN_UNUSED_RESULT;

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_UTIL_NPY_H */
