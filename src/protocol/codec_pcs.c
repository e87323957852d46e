/* StackingProof / WhirProof codec (OpenVM v2.0.1 proof.rs Encode/Decode). */
#include "util/alloc.h"
#include "protocol/codec_pcs.h"

#include <stdlib.h>
#include <string.h>

#define EXT_BYTES 16
#define DIGEST_BYTES 32
#define BAD(...) SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, __VA_ARGS__)

void swirl_stacking_proof_encode(swirl_bytes *out, const swirl_stacking_proof *p) {
    swirl_put_u32(out, (uint32_t)p->n_univariate);
    for (size_t i = 0; i < p->n_univariate; i++)
        swirl_put_ext(out, p->univariate_round_coeffs[i]);
    swirl_put_u32(out, (uint32_t)p->n_rounds);
    for (size_t i = 0; i < p->n_rounds; i++) {
        swirl_put_ext(out, p->sumcheck_round_polys[i][0]);
        swirl_put_ext(out, p->sumcheck_round_polys[i][1]);
    }
    swirl_put_u32(out, (uint32_t)p->n_commits);
    size_t o = 0;
    for (size_t c = 0; c < p->n_commits; c++) {
        swirl_put_u32(out, (uint32_t)p->openings_per_commit[c]);
        for (size_t j = 0; j < p->openings_per_commit[c]; j++)
            swirl_put_ext(out, p->stacking_openings[o++]);
    }
}

enum swirl_status swirl_stacking_proof_decode(swirl_stacking_proof *p, swirl_reader *r) {
    SWIRL_ARG_CHECK(p != NULL && r != NULL);
    memset(p, 0, sizeof *p);
    enum swirl_status st;
    size_t n;
    if ((st = swirl_get_count(r, &n, EXT_BYTES)) != SWIRL_OK)
        goto fail;
    p->univariate_round_coeffs = swirl_malloc((n + 1) * sizeof(bb31x4));
    if (!p->univariate_round_coeffs) {
        st = SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
        goto fail;
    }
    p->n_univariate = n;
    for (size_t i = 0; i < n; i++)
        if ((st = swirl_get_ext(r, &p->univariate_round_coeffs[i])) != SWIRL_OK)
            goto fail;
    if ((st = swirl_get_count(r, &n, 2 * EXT_BYTES)) != SWIRL_OK)
        goto fail;
    p->sumcheck_round_polys = swirl_malloc((n + 1) * sizeof *p->sumcheck_round_polys);
    if (!p->sumcheck_round_polys) {
        st = SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
        goto fail;
    }
    p->n_rounds = n;
    for (size_t i = 0; i < n; i++)
        if ((st = swirl_get_ext(r, &p->sumcheck_round_polys[i][0])) != SWIRL_OK ||
            (st = swirl_get_ext(r, &p->sumcheck_round_polys[i][1])) != SWIRL_OK)
            goto fail;
    size_t nc;
    if ((st = swirl_get_count(r, &nc, 4)) != SWIRL_OK)
        goto fail;
    p->openings_per_commit = swirl_calloc(nc + 1, sizeof(size_t));
    size_t cap = 0, used = 0;
    if (!p->openings_per_commit) {
        st = SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
        goto fail;
    }
    p->n_commits = nc;
    for (size_t c = 0; c < nc; c++) {
        size_t w;
        if ((st = swirl_get_count(r, &w, EXT_BYTES)) != SWIRL_OK)
            goto fail;
        if (used + w > cap) {
            size_t ncap = (used + w) * 2 + 8;
            bb31x4 *np = swirl_realloc(p->stacking_openings, ncap * sizeof *np);
            if (!np) {
                st = SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
                goto fail;
            }
            p->stacking_openings = np;
            cap = ncap;
        }
        p->openings_per_commit[c] = w;
        for (size_t j = 0; j < w; j++)
            if ((st = swirl_get_ext(r, &p->stacking_openings[used++])) != SWIRL_OK)
                goto fail;
    }
    if (!p->stacking_openings)
        p->stacking_openings = swirl_malloc(sizeof(bb31x4));
    return SWIRL_OK;
fail:
    swirl_stacking_proof_clear(p);
    return st;
}

/* shapes from the parameters (mirrors whir.c) */
static void whir_dims(const swirl_system_params *params, size_t *m, size_t *k, size_t *R) {
    *m = params->l_skip + params->n_stack;
    *k = params->whir.k;
    *R = params->whir.num_rounds;
}

void swirl_whir_proof_encode(swirl_bytes *out, const swirl_whir_proof *p,
                             const swirl_system_params *params) {
    size_t m, k, R;
    whir_dims(params, &m, &k, &R);
    size_t K = (size_t)1 << k;
    swirl_put_field(out, p->mu_pow_witness);
    swirl_put_u32(out, (uint32_t)p->n_sumcheck);
    for (size_t i = 0; i < p->n_sumcheck; i++) {
        swirl_put_ext(out, p->sumcheck_polys[i][0]);
        swirl_put_ext(out, p->sumcheck_polys[i][1]);
    }
    swirl_put_u32(out, (uint32_t)p->n_codeword);
    for (size_t i = 0; i < p->n_codeword; i++)
        swirl_put_digest(out, &p->codeword_commits[i]);
    for (size_t i = 0; i < p->n_codeword; i++)
        swirl_put_ext(out, p->ood_values[i]);
    for (size_t i = 0; i < p->n_sumcheck; i++)
        swirl_put_field(out, p->folding_pow_witnesses[i]);
    for (size_t i = 0; i < p->n_rounds; i++)
        swirl_put_field(out, p->query_pow_witnesses[i]);
    swirl_put_u32(out, (uint32_t)p->n_commits);
    size_t q0 = params->whir.num_queries[0];
    size_t depth0 = m + params->log_blowup - k;
    swirl_put_u32(out, (uint32_t)q0);
    if (q0 > 0) {
        swirl_put_u32(out, (uint32_t)depth0);
        for (size_t c = 0; c < p->n_commits; c++)
            swirl_put_u32(out, (uint32_t)p->widths[c]);
        size_t total = 0;
        for (size_t c = 0; c < p->n_commits; c++)
            total += q0 * K * p->widths[c];
        for (size_t i = 0; i < total; i++)
            swirl_put_field(out, p->initial_rows[i]);
        for (size_t i = 0; i < p->n_commits * q0 * depth0; i++)
            swirl_put_digest(out, &p->initial_paths[i]);
    }
    size_t vo = 0, po = 0;
    for (size_t r = 1; r < R; r++) {
        size_t q = params->whir.num_queries[r];
        swirl_put_u32(out, (uint32_t)q);
        for (size_t i = 0; i < q * K; i++)
            swirl_put_ext(out, p->codeword_values[vo++]);
    }
    size_t first_depth = (R > 1 && q0 > 0) ? m + params->log_blowup - 1 - k : 0;
    swirl_put_u32(out, (uint32_t)first_depth);
    for (size_t r = 1; r < R; r++) {
        size_t q = params->whir.num_queries[r], d = m + params->log_blowup - r - k;
        for (size_t i = 0; i < q * d; i++)
            swirl_put_digest(out, &p->codeword_paths[po++]);
    }
    swirl_put_u32(out, (uint32_t)p->n_final);
    for (size_t i = 0; i < p->n_final; i++)
        swirl_put_ext(out, p->final_poly[i]);
}

static enum swirl_status expect(size_t got, size_t want, const char *what) {
    if (got != want)
        return BAD("WHIR proof: %s is %zu, expected %zu", what, got, want);
    return SWIRL_OK;
}

enum swirl_status swirl_whir_proof_decode(swirl_whir_proof *p, swirl_reader *r,
                                          const swirl_system_params *params) {
    SWIRL_ARG_CHECK(p != NULL && r != NULL && params != NULL);
    memset(p, 0, sizeof *p);
    size_t m, k, R;
    whir_dims(params, &m, &k, &R);
    SWIRL_ARG_CHECK(R >= 1 && k >= 1 && R * k <= m);
    size_t K = (size_t)1 << k, n, q0 = params->whir.num_queries[0];
    size_t depth0 = m + params->log_blowup - k;
    enum swirl_status st;
#define TRY_(x)                                                                                    \
    do {                                                                                           \
        if ((st = (x)) != SWIRL_OK)                                                                \
            goto fail;                                                                             \
    } while (0)
#define ALLOC_(ptr, count)                                                                         \
    do {                                                                                           \
        (ptr) = swirl_malloc(((count) + 1) * sizeof *(ptr));                                       \
        if (!(ptr)) {                                                                              \
            st = SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");                                      \
            goto fail;                                                                             \
        }                                                                                          \
    } while (0)
    TRY_(swirl_get_field(r, &p->mu_pow_witness));
    TRY_(swirl_get_count(r, &n, 2 * EXT_BYTES));
    TRY_(expect(n, R * k, "the number of WHIR sumcheck rounds"));
    p->n_sumcheck = n;
    ALLOC_(p->sumcheck_polys, n);
    for (size_t i = 0; i < n; i++) {
        TRY_(swirl_get_ext(r, &p->sumcheck_polys[i][0]));
        TRY_(swirl_get_ext(r, &p->sumcheck_polys[i][1]));
    }
    TRY_(swirl_get_count(r, &n, DIGEST_BYTES));
    TRY_(expect(n, R - 1, "the number of codeword commitments"));
    p->n_codeword = n;
    p->n_rounds = R;
    ALLOC_(p->codeword_commits, n);
    ALLOC_(p->ood_values, n);
    for (size_t i = 0; i < n; i++)
        TRY_(swirl_get_digest(r, &p->codeword_commits[i]));
    for (size_t i = 0; i < n; i++)
        TRY_(swirl_get_ext(r, &p->ood_values[i]));
    ALLOC_(p->folding_pow_witnesses, R * k);
    ALLOC_(p->query_pow_witnesses, R);
    for (size_t i = 0; i < R * k; i++)
        TRY_(swirl_get_field(r, &p->folding_pow_witnesses[i]));
    for (size_t i = 0; i < R; i++)
        TRY_(swirl_get_field(r, &p->query_pow_witnesses[i]));
    size_t nc, q;
    TRY_(swirl_get_count(r, &nc, 4));
    if (nc == 0) {
        st = BAD("WHIR proof: zero commitments");
        goto fail;
    }
    p->n_commits = nc;
    ALLOC_(p->widths, nc);
    TRY_(swirl_get_count(r, &q, 0));
    TRY_(expect(q, q0, "the number of initial queries"));
    size_t total_rows = 0;
    if (q0 > 0) {
        size_t d;
        TRY_(swirl_get_count(r, &d, 0));
        TRY_(expect(d, depth0, "the initial Merkle depth"));
        for (size_t c = 0; c < nc; c++) {
            TRY_(swirl_get_count(r, &p->widths[c], 0));
            /* every row needs 4 bytes per column: bound the allocation by the input */
            if ((uint64_t)p->widths[c] * q0 * K * 4 > (uint64_t)(r->len - r->pos)) {
                st = BAD("WHIR proof: commit %zu width %zu exceeds the remaining input", c,
                         p->widths[c]);
                goto fail;
            }
            total_rows += q0 * K * p->widths[c];
        }
        if ((uint64_t)total_rows * 4 > (uint64_t)(r->len - r->pos)) {
            st = BAD("WHIR proof: opened rows exceed the remaining input");
            goto fail;
        }
    } else {
        for (size_t c = 0; c < nc; c++)
            p->widths[c] = 0;
    }
    ALLOC_(p->initial_rows, total_rows);
    for (size_t i = 0; i < total_rows; i++)
        TRY_(swirl_get_field(r, &p->initial_rows[i]));
    if ((uint64_t)nc * q0 * depth0 * DIGEST_BYTES > (uint64_t)(r->len - r->pos)) {
        st = BAD("WHIR proof: Merkle paths exceed the remaining input");
        goto fail;
    }
    ALLOC_(p->initial_paths, nc * q0 * depth0);
    for (size_t i = 0; i < nc * q0 * depth0; i++)
        TRY_(swirl_get_digest(r, &p->initial_paths[i]));
    size_t vals = 0, paths = 0;
    for (size_t rr = 1; rr < R; rr++) {
        vals += params->whir.num_queries[rr] * K;
        paths += params->whir.num_queries[rr] * (m + params->log_blowup - rr - k);
    }
    if ((uint64_t)vals * EXT_BYTES + (uint64_t)paths * DIGEST_BYTES > (uint64_t)(r->len - r->pos)) {
        st = BAD("WHIR proof: codeword openings exceed the remaining input");
        goto fail;
    }
    ALLOC_(p->codeword_values, vals);
    ALLOC_(p->codeword_paths, paths);
    size_t vo = 0;
    for (size_t rr = 1; rr < R; rr++) {
        TRY_(swirl_get_count(r, &q, K * EXT_BYTES));
        TRY_(expect(q, params->whir.num_queries[rr], "a round's number of queries"));
        for (size_t i = 0; i < q * K; i++)
            TRY_(swirl_get_ext(r, &p->codeword_values[vo++]));
    }
    size_t fd;
    TRY_(swirl_get_count(r, &fd, 0));
    TRY_(expect(fd, (R > 1 && q0 > 0) ? m + params->log_blowup - 1 - k : 0,
                "the first codeword Merkle depth"));
    for (size_t i = 0; i < paths; i++)
        TRY_(swirl_get_digest(r, &p->codeword_paths[i]));
    TRY_(swirl_get_count(r, &n, EXT_BYTES));
    TRY_(expect(n, (size_t)1 << (m - R * k), "the final polynomial length"));
    p->n_final = n;
    ALLOC_(p->final_poly, n);
    for (size_t i = 0; i < n; i++)
        TRY_(swirl_get_ext(r, &p->final_poly[i]));
    return SWIRL_OK;
fail:
    swirl_whir_proof_clear(p);
    return st;
#undef TRY_
#undef ALLOC_
}
