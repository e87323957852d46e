/*
 * Byte writer/reader for the proof codec (OpenVM v2.0.1 codec.rs conventions): u32 little-endian,
 * usize as u32, field elements as 4-byte little-endian canonical values, extension elements as their
 * 4 coefficients, digests as 8 field elements. The reader never reads past its end and refuses
 * non-canonical field elements; every failure is SWIRL_E_PROOF_MALFORMED with the offset.
 */
#ifndef SWIRL_PROTOCOL_BYTES_H
#define SWIRL_PROTOCOL_BYTES_H

#include <stddef.h>
#include <stdint.h>

#include "field/bb31_ext4.h"
#include "hash/poseidon2.h"

typedef struct swirl_bytes {
    uint8_t *p;
    size_t len, cap;
    int oom;
} swirl_bytes;

typedef struct swirl_reader {
    const uint8_t *p;
    size_t len, pos;
} swirl_reader;

#ifdef __cplusplus
extern "C" {
#endif

void swirl_bytes_free(swirl_bytes *b);
void swirl_put_byte(swirl_bytes *b, uint8_t v);
void swirl_put_u32(swirl_bytes *b, uint32_t v);
void swirl_put_field(swirl_bytes *b, bb31 v);
void swirl_put_ext(swirl_bytes *b, bb31x4 v);
void swirl_put_digest(swirl_bytes *b, const swirl_digest *d);

enum swirl_status swirl_get_u32(swirl_reader *r, uint32_t *v) SWIRL_WARN_UNUSED_RESULT;
enum swirl_status swirl_get_field(swirl_reader *r, bb31 *v) SWIRL_WARN_UNUSED_RESULT;
enum swirl_status swirl_get_ext(swirl_reader *r, bb31x4 *v) SWIRL_WARN_UNUSED_RESULT;
enum swirl_status swirl_get_digest(swirl_reader *r, swirl_digest *d) SWIRL_WARN_UNUSED_RESULT;
/** Reads a count and checks that count * min_bytes_each more bytes remain (so a hostile length
 *  cannot make the decoder allocate more than the input could justify). */
enum swirl_status swirl_get_count(swirl_reader *r, size_t *n,
                                  size_t min_bytes_each) SWIRL_WARN_UNUSED_RESULT;

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_PROTOCOL_BYTES_H */
