/* OpenVM v2.0.1 DuplexSponge transcript (crates/stark-backend/src/transcript/duplex_sponge.rs) and
 * the FiatShamirTranscript helpers (traits.rs): ext observe/sample, sample_bits, PoW. */
#include "transcript/transcript.h"

#include <string.h>

void swirl_transcript_init(swirl_transcript *t) {
    memset(t, 0, sizeof *t);
}

/* absorb: overwrite state[absorb_idx]; permute when RATE values are pending. */
void swirl_transcript_observe(swirl_transcript *t, bb31 value) {
    t->state[t->absorb_idx] = value;
    t->absorb_idx++;
    t->last_op_perm = t->absorb_idx == P2_RATE;
    if (t->last_op_perm) {
        p2_bb16_permute(t->state);
        t->absorb_idx = 0;
        t->sample_idx = P2_RATE;
    }
}

/* squeeze: permute if anything was absorbed since the last permutation or the outputs are used up;
 * outputs are read from state[RATE-1] down to state[0]. */
bb31 swirl_transcript_sample(swirl_transcript *t) {
    t->last_op_perm = t->absorb_idx != 0 || t->sample_idx == 0;
    if (t->last_op_perm) {
        p2_bb16_permute(t->state);
        t->absorb_idx = 0;
        t->sample_idx = P2_RATE;
    }
    t->sample_idx--;
    return t->state[t->sample_idx];
}

void swirl_transcript_observe_ext(swirl_transcript *t, bb31x4 value) {
    for (int i = 0; i < 4; i++)
        swirl_transcript_observe(t, value.c[i]);
}

bb31x4 swirl_transcript_sample_ext(swirl_transcript *t) {
    bb31x4 r;
    for (int i = 0; i < 4; i++)
        r.c[i] = swirl_transcript_sample(t);
    return r;
}

void swirl_transcript_observe_digest(swirl_transcript *t, const swirl_digest *d) {
    for (int i = 0; i < P2_DIGEST_LEN; i++)
        swirl_transcript_observe(t, d->v[i]);
}

uint32_t swirl_transcript_sample_bits(swirl_transcript *t, unsigned bits) {
    uint32_t v = bb31_to_u32(swirl_transcript_sample(t));
    return bits >= 32 ? v : v & (uint32_t)((1ull << bits) - 1);
}

int swirl_transcript_check_witness(swirl_transcript *t, unsigned bits, bb31 witness) {
    if (bits == 0)
        return 1;
    swirl_transcript_observe(t, witness);
    return swirl_transcript_sample_bits(t, bits) == 0;
}

enum swirl_status swirl_transcript_grind(swirl_transcript *t, bb31 *witness, unsigned bits) {
    SWIRL_ARG_CHECK(t != NULL && witness != NULL);
    if (bits >= 31)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "PoW bits %u: must be < 31", bits);
    if (bits == 0) {
        *witness = bb31_zero();
        return SWIRL_OK;
    }
    /* Search candidates in blocks; within a block every thread tests its share and the smallest
     * success wins, so the result is the smallest witness whatever the thread count. */
    const uint64_t block = 1u << 16;
    uint64_t found = UINT64_MAX;
    for (uint64_t base = 0; base < BB31_P && found == UINT64_MAX; base += block) {
        uint64_t end = base + block < BB31_P ? base + block : BB31_P;
        long long lo = (long long)base, hi = (long long)end;
        uint64_t best = UINT64_MAX;
        /* check_witness(w) = observe(w), sample: exactly one permutation of the state with w written
         * at absorb_idx, then the output state[RATE-1]; 16 candidates go through the vector
         * permutation at once */
        const uint32_t mask = (uint32_t)((1ull << bits) - 1);
#pragma omp parallel for schedule(static) reduction(min : best)
        for (long long c = lo; c < hi; c += 16) {
            bb31 st[16 * P2_WIDTH];
            size_t cnt = hi - c < 16 ? (size_t)(hi - c) : 16;
            for (size_t i = 0; i < cnt; i++) {
                memcpy(st + i * P2_WIDTH, t->state, sizeof t->state);
                st[i * P2_WIDTH + t->absorb_idx] = bb31_from_u32((uint32_t)(c + (long long)i));
            }
            p2_bb16_permute_many(st, cnt);
            for (size_t i = 0; i < cnt; i++)
                if ((bb31_to_u32(st[i * P2_WIDTH + P2_RATE - 1]) & mask) == 0 && (uint64_t)c + i < best)
                    best = (uint64_t)c + i;
        }
        found = best;
    }
    if (found == UINT64_MAX)
        return SWIRL_RAISE(SWIRL_E_INTERNAL, "no PoW witness for %u bits", bits);
    *witness = bb31_from_u32((uint32_t)found);
    if (!swirl_transcript_check_witness(t, bits, *witness))
        return SWIRL_RAISE(SWIRL_E_INTERNAL, "PoW witness failed its own check");
    return SWIRL_OK;
}
