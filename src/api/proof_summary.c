/*
 * swirl_proof_summarize (swirl_inspect.h): walks OpenVM's Proof encoding (v2.0.1 proof.rs, codec
 * version 3) without a key. Reads through swirl_reader (never past the end); the only allocation
 * is the list of present AIRs, at most one entry per 8 bytes of proof.
 */
#include "util/alloc.h"
#include "swirl/swirl_inspect.h"

#include <stdlib.h>
#include <string.h>

#include "protocol/bytes.h"
#include "util/common.h"

enum { EXT_BYTES = 16, F_BYTES = 4, DIGEST_BYTES = 32 };

/* skip n items of `each` bytes, with overflow and bounds checks */
static enum swirl_status skip(swirl_reader *r, size_t n, size_t each) {
    size_t b;
    if (!swirl_mul_size(n, each, &b) || b > r->len - r->pos)
        return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "proof ends early at byte %zu", r->pos);
    r->pos += b;
    return SWIRL_OK;
}

static enum swirl_status count(swirl_reader *r, size_t *n, size_t each) {
    return swirl_get_count(r, n, each);
}

/* Slice of `each`-byte items with a u32 length prefix. */
static enum swirl_status slice(swirl_reader *r, size_t *n, size_t each) {
    SWIRL_TRY(count(r, n, each));
    return skip(r, *n, each);
}

static enum swirl_status add_present(swirl_proof_summary *s, size_t *cap, size_t air, uint32_t lh) {
    if (s->n_present == *cap) {
        size_t nc = *cap ? 2 * *cap : 8;
        swirl_proof_summary_air *p = swirl_realloc(s->present, nc * sizeof *p);
        if (!p)
            return SWIRL_RAISE(SWIRL_E_NOMEM, "proof summary: out of memory");
        s->present = p;
        *cap = nc;
    }
    swirl_proof_summary_air a = {air, lh};
    s->present[s->n_present++] = a;
    return SWIRL_OK;
}

/* header: version, commit, trace_vdata, public values */
static enum swirl_status walk_header(swirl_proof_summary *s, swirl_reader *r) {
    uint32_t v;
    size_t n, cap = 0;
    SWIRL_TRY(swirl_get_u32(r, &v));
    if (v != 3)
        return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "codec version %u, expected 3", v);
    SWIRL_TRY(skip(r, 1, DIGEST_BYTES));
    SWIRL_TRY(count(r, &s->n_airs, 0));
    size_t bitmap = (s->n_airs + 7) / 8;
    if (bitmap > r->len - r->pos)
        return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "proof ends in the presence bitmap");
    const uint8_t *bits = r->p + r->pos;
    r->pos += bitmap;
    for (size_t i = 0; i < s->n_airs; i++) {
        if (!(bits[i / 8] >> (i % 8) & 1))
            continue;
        uint32_t lh;
        SWIRL_TRY(swirl_get_u32(r, &lh));
        SWIRL_TRY(add_present(s, &cap, i, lh));
        SWIRL_TRY(slice(r, &n, DIGEST_BYTES)); /* cached commitments */
    }
    size_t n_pv;
    SWIRL_TRY(count(r, &n_pv, 4));
    for (size_t i = 0; i < n_pv; i++)
        SWIRL_TRY(slice(r, &n, F_BYTES));
    return SWIRL_OK;
}

/* GKR: pow witness, q0, claims per layer, sumcheck polys (layer j has j rounds of 3) */
static enum swirl_status walk_gkr(swirl_proof_summary *s, swirl_reader *r) {
    SWIRL_TRY(skip(r, 1, F_BYTES + EXT_BYTES));
    SWIRL_TRY(slice(r, &s->gkr_layers, 4 * EXT_BYTES));
    for (size_t j = 1; j < s->gkr_layers; j++)
        SWIRL_TRY(skip(r, j, 3 * EXT_BYTES));
    return SWIRL_OK;
}

static enum swirl_status walk_batch(swirl_proof_summary *s, swirl_reader *r) {
    size_t np, n;
    SWIRL_TRY(slice(r, &np, EXT_BYTES));
    SWIRL_TRY(skip(r, np, EXT_BYTES));
    SWIRL_TRY(slice(r, &s->univariate_coeffs, EXT_BYTES));
    SWIRL_TRY(count(r, &s->sumcheck_rounds, 4));
    if (s->sumcheck_rounds > 0) {
        SWIRL_TRY(count(r, &s->sumcheck_round_evals, 0));
        size_t cells;
        if (!swirl_mul_size(s->sumcheck_rounds, s->sumcheck_round_evals, &cells))
            return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "sumcheck round sizes overflow");
        SWIRL_TRY(skip(r, cells, EXT_BYTES));
    }
    for (size_t a = 0; a < np; a++) {
        size_t parts;
        SWIRL_TRY(count(r, &parts, 4));
        for (size_t q = 0; q < parts; q++)
            SWIRL_TRY(slice(r, &n, EXT_BYTES));
    }
    return SWIRL_OK;
}

static enum swirl_status walk_stacking(swirl_proof_summary *s, swirl_reader *r) {
    size_t n;
    SWIRL_TRY(slice(r, &s->stacking_univariate_coeffs, EXT_BYTES));
    SWIRL_TRY(slice(r, &s->n_stack, 2 * EXT_BYTES));
    SWIRL_TRY(count(r, &s->n_commits, 4));
    for (size_t c = 0; c < s->n_commits; c++) {
        SWIRL_TRY(slice(r, &n, EXT_BYTES));
        s->stacked_columns += n;
    }
    return SWIRL_OK;
}

/* WHIR's initial-round openings: per query, 2^k rows of every commitment and Merkle proofs */
static enum swirl_status walk_whir_initial(swirl_proof_summary *s, swirl_reader *r, size_t kexp) {
    size_t ncom, depth = 0;
    SWIRL_TRY(count(r, &ncom, 0));
    SWIRL_TRY(count(r, &s->whir_initial_queries, 0));
    if (s->whir_initial_queries == 0)
        return SWIRL_OK;
    SWIRL_TRY(count(r, &depth, 0));
    size_t wsum = 0;
    for (size_t c = 0; c < ncom; c++) {
        size_t w;
        SWIRL_TRY(count(r, &w, 0));
        if (!swirl_add_size(wsum, w, &wsum))
            return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "widths overflow");
    }
    size_t rows, cells;
    if (!swirl_mul_size(s->whir_initial_queries, kexp, &rows) ||
        !swirl_mul_size(rows, wsum, &cells))
        return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "opened rows overflow");
    SWIRL_TRY(skip(r, cells, F_BYTES));
    if (!swirl_mul_size(s->whir_initial_queries, ncom, &rows))
        return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "Merkle proofs overflow");
    return skip(r, rows, depth * DIGEST_BYTES);
}

static enum swirl_status walk_whir(swirl_proof_summary *s, swirl_reader *r) {
    size_t n_cw, qn, depth = 0, queries[64];
    SWIRL_TRY(skip(r, 1, F_BYTES));
    SWIRL_TRY(slice(r, &s->whir_sumcheck_rounds, 2 * EXT_BYTES));
    SWIRL_TRY(slice(r, &n_cw, DIGEST_BYTES));
    s->whir_rounds = n_cw + 1;
    if (s->whir_sumcheck_rounds % s->whir_rounds)
        return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED,
                           "WHIR sumcheck rounds not a multiple of rounds");
    size_t k = s->whir_sumcheck_rounds / s->whir_rounds;
    if (k > 20)
        return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "WHIR folding factor %zu", k);
    s->whir_k = k;
    size_t kexp = (size_t)1 << k;
    SWIRL_TRY(skip(r, n_cw, EXT_BYTES));
    SWIRL_TRY(skip(r, s->whir_sumcheck_rounds + s->whir_rounds, F_BYTES));
    SWIRL_TRY(walk_whir_initial(s, r, kexp));
    if (s->whir_rounds > 64)
        return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "%zu WHIR rounds", s->whir_rounds);
    for (size_t rd = 0; rd + 1 < s->whir_rounds; rd++) {
        SWIRL_TRY(count(r, &qn, 0));
        queries[rd] = qn;
        SWIRL_TRY(skip(r, qn, kexp * EXT_BYTES));
    }
    SWIRL_TRY(count(r, &depth, 0));
    for (size_t rd = 0; rd + 1 < s->whir_rounds; rd++, depth--) {
        if (depth == 0 && queries[rd] > 0)
            return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "WHIR Merkle depth underflow");
        SWIRL_TRY(skip(r, queries[rd], depth * DIGEST_BYTES));
    }
    return slice(r, &s->final_poly_len, EXT_BYTES);
}

static size_t log2_floor(size_t x) {
    size_t l = 0;
    while (x > 1) {
        x >>= 1;
        l++;
    }
    return l;
}

typedef enum swirl_status (*walk_fn)(swirl_proof_summary *, swirl_reader *);

static enum swirl_status walk(swirl_proof_summary *s, swirl_reader *r) {
    static const walk_fn parts[SWIRL_PROOF_PARTS] = {walk_header, walk_gkr, walk_batch,
                                                     walk_stacking, walk_whir};
    for (int p = 0; p < SWIRL_PROOF_PARTS; p++) {
        s->part_start[p] = r->pos;
        SWIRL_TRY(parts[p](s, r));
        s->part_end[p] = r->pos;
    }
    if (r->pos != r->len)
        return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "%zu trailing bytes after the proof",
                           r->len - r->pos);
    /* stacking round 0 has 2 (2^l_skip - 1) + 1 coefficients */
    s->l_skip = s->stacking_univariate_coeffs > 1
                    ? log2_floor((s->stacking_univariate_coeffs - 1) / 2 + 1)
                    : 0;
    return SWIRL_OK;
}

enum swirl_status swirl_proof_summarize(swirl_proof_summary *out, const uint8_t *bytes,
                                        size_t len) {
    SWIRL_ARG_CHECK(out != NULL && (bytes != NULL || len == 0));
    memset(out, 0, sizeof *out);
    swirl_reader r = {bytes, len, 0};
    enum swirl_status st = walk(out, &r);
    if (st != SWIRL_OK)
        swirl_proof_summary_clear(out);
    return st;
}

void swirl_proof_summary_clear(swirl_proof_summary *s) {
    if (!s)
        return;
    free(s->present);
    memset(s, 0, sizeof *s);
}
