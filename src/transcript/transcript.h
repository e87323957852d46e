/*
 * The Fiat-Shamir transcript: OpenVM v2.0.1's DuplexSponge<BabyBear, Poseidon2-16, WIDTH 16, RATE 8>
 * (crates/stark-backend/src/transcript/{duplex_sponge.rs,traits.rs}).
 *
 * A plain value type: copy it to fork (grinding tries witnesses on copies). Caller-allocated;
 * swirl_transcript_init sets the empty state. The state machine itself is host/device code
 * (transcript_impl.h): these functions are its host instantiation, and the CUDA backend runs the
 * same code on a swirl_transcript in device memory (backend/cuda/transcript.cu), so a device stage
 * takes the state in, runs Fiat-Shamir itself and hands the state back.
 */
#ifndef SWIRL_TRANSCRIPT_TRANSCRIPT_H
#define SWIRL_TRANSCRIPT_TRANSCRIPT_H

#include <stdint.h>

#include "field/bb31_ext4.h"
#include "hash/poseidon2.h"

/**
 * A record of everything a transcript did, in the layout of OpenVM's DuplexSpongeRecorder /
 * TranscriptLog (and of the reference vectors' transcript_*.npy): every base element observed or
 * sampled, in order, with a flag (1 = sampled), and the 16-element sponge state after each
 * permutation, preceded (as DuplexSpongeRecorder::from does) by the state when the log was attached
 * empty: all zeros for a fresh transcript, so n_perms = permutations + 1. Caller-owned: init, attach with swirl_transcript_set_log, clear. Appending never
 * fails the transcript: when memory runs out the log stops growing and `failed` is set.
 */
typedef struct swirl_transcript_log {
    uint32_t *values;    /* canonical, n_values */
    uint8_t *is_sample;  /* n_values flags */
    uint32_t *perms;     /* canonical, 16 per permutation, n_perms */
    size_t n_values, cap_values;
    size_t n_perms, cap_perms;
    int failed; /* an append ran out of memory (the log is incomplete) */
} swirl_transcript_log;

typedef struct swirl_transcript swirl_transcript;

/**
 * A PoW accelerator (the CUDA backend's device grinder): finds the smallest witness w that
 * check_witness(bits, w) accepts from state *t, without changing *t. swirl_transcript_grind then
 * applies the witness on the host (its log sees the same operations as a CPU grind) and fails with
 * SWIRL_E_INTERNAL if the witness does not pass; an error of the grinder is returned as it is (no
 * silent CPU fallback).
 */
typedef enum swirl_status (*swirl_grind_fn)(void *ctx, const swirl_transcript *t, unsigned bits,
                                            bb31 *witness);

struct swirl_transcript {
    bb31 state[P2_WIDTH];
    unsigned absorb_idx; /* 0 <= absorb_idx < RATE */
    unsigned sample_idx; /* 0 <= sample_idx <= RATE */
    int last_op_perm;
    /* the debug hook: NULL, or a log every observe / sample / permutation is appended to. A copy of
     * the transcript shares it; the prover and verifier never copy their transcript. */
    swirl_transcript_log *log;
    /* NULL, or the PoW accelerator swirl_transcript_grind hands the search to (host-only, shared
     * by copies like the log) */
    swirl_grind_fn grinder;
    void *grinder_ctx;
};

#ifdef __cplusplus
extern "C" {
#endif

/** The empty state, no log attached. */
void swirl_transcript_init(swirl_transcript *t);
/** Attaches `log` (NULL detaches); from now on every observe, sample and permutation is recorded.
 *  An empty log first records the transcript's current state (OpenVM's initial perm_results entry). */
void swirl_transcript_set_log(swirl_transcript *t, swirl_transcript_log *log);
/** Attaches a PoW accelerator (NULL: grind on the CPU threads). */
void swirl_transcript_set_grinder(swirl_transcript *t, swirl_grind_fn fn, void *ctx);

void swirl_transcript_log_init(swirl_transcript_log *log);
void swirl_transcript_log_clear(swirl_transcript_log *log);
void swirl_transcript_observe(swirl_transcript *t, bb31 value);
bb31 swirl_transcript_sample(swirl_transcript *t);
/** Observes the 4 basis coefficients in order. */
void swirl_transcript_observe_ext(swirl_transcript *t, bb31x4 value);
/**
 * Observes v[0..n) in order: exactly the state (every field) of n swirl_transcript_observe_ext
 * calls, and with a log attached the same log. Without a log, the whole chunks of RATE base
 * elements in between go through p2_bb16_absorb_chunks (the state stays in the permutation's
 * registers and internal form from one to the next): the long observations of the prover's
 * openings (ts_async.h).
 */
void swirl_transcript_observe_ext_many(swirl_transcript *t, const bb31x4 *v, size_t n);
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
