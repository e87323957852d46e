/*
 * The Fiat-Shamir transcript: OpenVM v2.0.1's DuplexSponge<BabyBear, Poseidon2-16, WIDTH 16, RATE 8>
 * (crates/stark-backend/src/transcript/{duplex_sponge.rs,traits.rs}).
 *
 * A plain value type: copy it to fork (grinding tries witnesses on copies). Caller-allocated;
 * swirl_transcript_init sets the empty state.
 */
#ifndef SWIRL_TRANSCRIPT_TRANSCRIPT_H
#define SWIRL_TRANSCRIPT_TRANSCRIPT_H

#include <stdint.h>

#include "field/bb31_ext4.h"
#include "hash/poseidon2.h"

typedef struct swirl_transcript {
    bb31 state[P2_WIDTH];
    unsigned absorb_idx; /* 0 <= absorb_idx < RATE */
    unsigned sample_idx; /* 0 <= sample_idx <= RATE */
    int last_op_perm;
} swirl_transcript;

#ifdef __cplusplus
extern "C" {
#endif

void swirl_transcript_init(swirl_transcript *t);
void swirl_transcript_observe(swirl_transcript *t, bb31 value);
bb31 swirl_transcript_sample(swirl_transcript *t);
/** Observes the 4 basis coefficients in order. */
void swirl_transcript_observe_ext(swirl_transcript *t, bb31x4 value);
/** Samples 4 base elements as the basis coefficients, in order. */
bb31x4 swirl_transcript_sample_ext(swirl_transcript *t);
/** observe_commit: the 8 digest elements in order. */
void swirl_transcript_observe_digest(swirl_transcript *t, const swirl_digest *d);
/** sample_bits: canonical value of one sample, masked to `bits` (< 31) low bits. */
uint32_t swirl_transcript_sample_bits(swirl_transcript *t, unsigned bits);
/** check_witness: bits == 0 accepts; else observe(witness) and accept iff sample_bits == 0. */
int swirl_transcript_check_witness(swirl_transcript *t, unsigned bits, bb31 witness);
/**
 * grind: finds the smallest witness w (canonical order) with check_witness(copy, bits, w), applies
 * check_witness to *t with it and returns it in *witness. Multi-threaded; deterministic.
 * Returns SWIRL_E_INVALID_ARG when bits >= 31.
 */
enum swirl_status swirl_transcript_grind(swirl_transcript *t, bb31 *witness,
                                         unsigned bits) SWIRL_WARN_UNUSED_RESULT;

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_TRANSCRIPT_TRANSCRIPT_H */
