/*
 * Proof bytes without a key: OpenVM's Proof encoding (v2.0.1 proof.rs, codec version 3)
 * describes its own shape, so a proof file can be summarized on its own: each part's byte range,
 * the AIRs present with their log heights, and the parameters the shape implies.
 *
 *     swirl_proof_summary s;
 *     if (swirl_proof_summarize(&s, bytes, len) != SWIRL_OK) puts(swirl_last_error());
 *     printf("%zu AIRs, l_skip %zu\n", s.n_airs, s.l_skip);
 *     swirl_proof_summary_clear(&s);
 *
 * The summary is not a decode: to check a proof against a key, use swirl_proof_from_bytes
 * (swirl_prover.h); to check that it is valid, swirl_verify.
 */
#ifndef SWIRL_SWIRL_INSPECT_H
#define SWIRL_SWIRL_INSPECT_H

#include <stddef.h>
#include <stdint.h>

#include "swirl/swirl.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The parts of the encoding, in order. */
enum swirl_proof_part {
    SWIRL_PART_HEADER = 0, /* codec version, common commitment, heights, public values */
    SWIRL_PART_GKR,        /* gkr_proof */
    SWIRL_PART_BATCH,      /* batch_constraint_proof */
    SWIRL_PART_STACKING,   /* stacking_proof */
    SWIRL_PART_WHIR,       /* whir_proof */
    SWIRL_PROOF_PARTS
};

/** An AIR present in a proof. */
typedef struct swirl_proof_summary_air {
    size_t air;          /* its index in the key */
    uint32_t log_height; /* as the proof states it */
} swirl_proof_summary_air;

/** What the bytes say (swirl_proof_summary_clear releases `present`). */
typedef struct swirl_proof_summary {
    size_t part_start[SWIRL_PROOF_PARTS], part_end[SWIRL_PROOF_PARTS]; /* byte offsets */
    size_t n_airs;                     /* AIRs in the key the proof was made for */
    size_t n_present;                  /* AIRs present in the proof */
    swirl_proof_summary_air *present;  /* n_present entries, by AIR index */
    size_t gkr_layers;                 /* GKR layers */
    size_t univariate_coeffs;          /* constraint sumcheck: round-0 coefficients */
    size_t sumcheck_rounds;            /* constraint sumcheck: later rounds ... */
    size_t sumcheck_round_evals;       /* ... of this many evaluations each */
    size_t stacking_univariate_coeffs; /* stacking round 0: 2 (2^l_skip - 1) + 1 */
    size_t n_commits;                  /* stacked commitments */
    size_t stacked_columns;            /* stacked columns over all commitments */
    size_t whir_sumcheck_rounds;
    size_t whir_rounds;
    size_t whir_initial_queries;
    size_t final_poly_len; /* final WHIR polynomial coefficients */
    /* the parameters the shape implies */
    size_t l_skip;  /* from the stacking round-0 coefficients */
    size_t n_stack; /* stacking sumcheck rounds */
    size_t whir_k;  /* WHIR sumcheck rounds per WHIR round */
} swirl_proof_summary;

/**
 * Walks proof bytes (no key) into *out, checking every length against the end of the bytes.
 * SWIRL_E_PROOF_MALFORMED naming the problem (another codec version, bytes ending early,
 * trailing bytes, impossible sizes); SWIRL_E_INVALID_ARG; SWIRL_E_NOMEM. On failure *out holds
 * nothing to release.
 */
SWIRL_API enum swirl_status swirl_proof_summarize(swirl_proof_summary *out, const uint8_t *bytes,
                                        size_t len) SWIRL_WARN_UNUSED_RESULT;
/** Releases what a summary holds (NULL: nothing); it may be cleared twice. */
SWIRL_API void swirl_proof_summary_clear(swirl_proof_summary *s);

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_SWIRL_INSPECT_H */
