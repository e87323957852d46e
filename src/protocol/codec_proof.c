/* The whole-proof codec (see codec_proof.h): OpenVM v2.0.1 proof.rs Encode/Decode for Proof. */
#include "util/alloc.h"
#include "protocol/codec_proof.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/codec_pcs.h"
#include "protocol/logup.h"

#define EXT_BYTES 16
#define DIGEST_BYTES 32
#define CLAIMS_BYTES (4 * EXT_BYTES)
#define GKR_ENTRY_BYTES (3 * EXT_BYTES)
#define BAD(...) SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, __VA_ARGS__)

#define TRY_(x)                                                                                    \
    do {                                                                                           \
        if ((st = (x)) != SWIRL_OK)                                                                \
            goto fail;                                                                             \
    } while (0)
#define FAIL_(...)                                                                                 \
    do {                                                                                           \
        st = BAD(__VA_ARGS__);                                                                     \
        goto fail;                                                                                 \
    } while (0)
/* count + 1 elements, so that a zero count still gives a non-NULL pointer */
#define ALLOC_(ptr, count)                                                                         \
    do {                                                                                           \
        (ptr) = swirl_calloc((size_t)(count) + 1, sizeof *(ptr));                                  \
        if (!(ptr)) {                                                                              \
            st = SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");                                      \
            goto fail;                                                                             \
        }                                                                                          \
    } while (0)

static size_t remaining(const swirl_reader *r) { return r->len - r->pos; }

/* ---- GkrProof ---- */

void swirl_gkr_proof_encode(swirl_bytes *out, const swirl_gkr_proof *p) {
    swirl_put_field(out, p->logup_pow_witness);
    swirl_put_ext(out, p->q0_claim);
    swirl_put_u32(out, (uint32_t)p->n_layers);
    for (size_t i = 0; i < p->n_layers; i++) {
        const swirl_gkr_layer_claims *c = &p->claims_per_layer[i];
        swirl_put_ext(out, c->p_xi_0);
        swirl_put_ext(out, c->p_xi_1);
        swirl_put_ext(out, c->q_xi_0);
        swirl_put_ext(out, c->q_xi_1);
    }
    for (size_t e = 0; e < p->n_sumcheck_entries; e++)
        for (int j = 0; j < 3; j++)
            swirl_put_ext(out, p->sumcheck_polys[e][j]);
}

enum swirl_status swirl_gkr_proof_decode(swirl_gkr_proof *p, swirl_reader *r) {
    SWIRL_ARG_CHECK(p != NULL && r != NULL);
    memset(p, 0, sizeof *p);
    enum swirl_status st;
    size_t n;
    TRY_(swirl_get_field(r, &p->logup_pow_witness));
    TRY_(swirl_get_ext(r, &p->q0_claim));
    TRY_(swirl_get_count(r, &n, CLAIMS_BYTES));
    /* round j = 1..n-1 has j entries of [ext; 3]: n (n - 1) / 2 in all, after the claims */
    uint64_t entries = n > 0 ? (uint64_t)n * (n - 1) / 2 : 0;
    if (entries > (remaining(r) - n * CLAIMS_BYTES) / GKR_ENTRY_BYTES)
        FAIL_("GKR proof: %zu layers (count at byte %zu) need %llu sumcheck entries, more than "
              "the remaining input",
              n, r->pos - 4, (unsigned long long)entries);
    ALLOC_(p->claims_per_layer, n);
    ALLOC_(p->sumcheck_polys, entries);
    p->n_layers = n;
    p->n_sumcheck_entries = (size_t)entries;
    for (size_t i = 0; i < n; i++) {
        swirl_gkr_layer_claims *c = &p->claims_per_layer[i];
        TRY_(swirl_get_ext(r, &c->p_xi_0));
        TRY_(swirl_get_ext(r, &c->p_xi_1));
        TRY_(swirl_get_ext(r, &c->q_xi_0));
        TRY_(swirl_get_ext(r, &c->q_xi_1));
    }
    for (size_t e = 0; e < p->n_sumcheck_entries; e++)
        for (int j = 0; j < 3; j++)
            TRY_(swirl_get_ext(r, &p->sumcheck_polys[e][j]));
    return SWIRL_OK;
fail:
    swirl_gkr_proof_clear(p);
    return st;
}

/* ---- BatchConstraintProof ---- */

/* parts: common main, preprocessed (if any), cached 0, 1, ... */
static size_t air_parts(const swirl_air *air) {
    return 1 + (air->preprocessed_width > 0) + air->n_cached;
}

/* columns of part k */
static size_t part_width(const swirl_air *air, size_t k) {
    if (k == 0)
        return air->common_width;
    if (air->preprocessed_width > 0 && k == 1)
        return air->preprocessed_width;
    return air->cached_widths[k - 1 - (air->preprocessed_width > 0)];
}

/* opened values of part k: (col, rot) pairs when the AIR needs the rotation, else col only */
static size_t part_values(const swirl_air *air, size_t k) {
    return part_width(air, k) * (swirl_zc_need_rot(air) ? 2 : 1);
}

static size_t air_values(const swirl_air *air) {
    size_t s = 0;
    for (size_t k = 0; k < air_parts(air); k++)
        s += part_values(air, k);
    return s;
}

enum swirl_status swirl_batch_proof_encode(swirl_bytes *out, const swirl_batch_proof *p,
                                           const swirl_batch_shape *shape) {
    SWIRL_ARG_CHECK(out != NULL && p != NULL && shape != NULL);
    if (p->n_traces != shape->n_traces)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "batch proof has %zu AIRs, the shape %zu",
                           p->n_traces, shape->n_traces);
    for (size_t t = 0; t < p->n_traces; t++)
        if (p->openings_per_trace[t] != air_values(shape->airs[t]))
            return SWIRL_RAISE(
                SWIRL_E_INVALID_ARG, "batch proof: trace %zu has %zu opened values, its AIR %s %zu",
                t, p->openings_per_trace[t], shape->airs[t]->name, air_values(shape->airs[t]));
    swirl_put_u32(out, (uint32_t)p->n_traces);
    for (size_t t = 0; t < p->n_traces; t++)
        swirl_put_ext(out, p->numerator_term_per_air[t]);
    for (size_t t = 0; t < p->n_traces; t++)
        swirl_put_ext(out, p->denominator_term_per_air[t]);
    swirl_put_u32(out, (uint32_t)p->n_univariate);
    for (size_t i = 0; i < p->n_univariate; i++)
        swirl_put_ext(out, p->univariate_round_coeffs[i]);
    swirl_put_u32(out, (uint32_t)p->n_rounds);
    if (p->n_rounds > 0) {
        swirl_put_u32(out, (uint32_t)p->s_deg);
        for (size_t i = 0; i < p->n_rounds * p->s_deg; i++)
            swirl_put_ext(out, p->sumcheck_round_polys[i]);
    }
    size_t o = 0;
    for (size_t t = 0; t < p->n_traces; t++) {
        const swirl_air *air = shape->airs[t];
        swirl_put_u32(out, (uint32_t)air_parts(air));
        for (size_t k = 0; k < air_parts(air); k++) {
            size_t m = part_values(air, k);
            swirl_put_u32(out, (uint32_t)m);
            for (size_t j = 0; j < m; j++)
                swirl_put_ext(out, p->openings[o++]);
        }
    }
    return SWIRL_OK;
}

static enum swirl_status expect_count(swirl_reader *r, const char *what, size_t want) {
    uint32_t got;
    SWIRL_TRY(swirl_get_u32(r, &got));
    if (got != want)
        return BAD("batch constraint proof: %s is %u at byte %zu, expected %zu", what, got,
                   r->pos - 4, want);
    return SWIRL_OK;
}

enum swirl_status swirl_batch_proof_decode(swirl_batch_proof *p, swirl_reader *r,
                                           const swirl_batch_shape *shape) {
    SWIRL_ARG_CHECK(p != NULL && r != NULL && shape != NULL);
    SWIRL_ARG_CHECK(shape->n_traces == 0 || shape->airs != NULL);
    memset(p, 0, sizeof *p);
    enum swirl_status st;
    size_t n = shape->n_traces;
    TRY_(expect_count(r, "the number of AIRs", n));
    if ((uint64_t)n * 2 * EXT_BYTES > remaining(r))
        FAIL_("batch constraint proof: %zu AIR terms exceed the remaining input at byte %zu", n,
              r->pos);
    ALLOC_(p->numerator_term_per_air, n);
    ALLOC_(p->denominator_term_per_air, n);
    p->n_traces = n;
    for (size_t t = 0; t < n; t++)
        TRY_(swirl_get_ext(r, &p->numerator_term_per_air[t]));
    for (size_t t = 0; t < n; t++)
        TRY_(swirl_get_ext(r, &p->denominator_term_per_air[t]));
    TRY_(expect_count(r, "the number of round-0 coefficients", shape->n_univariate));
    if ((uint64_t)shape->n_univariate * EXT_BYTES > remaining(r))
        FAIL_("batch constraint proof: round-0 coefficients exceed the remaining input at byte %zu",
              r->pos);
    ALLOC_(p->univariate_round_coeffs, shape->n_univariate);
    p->n_univariate = shape->n_univariate;
    for (size_t i = 0; i < p->n_univariate; i++)
        TRY_(swirl_get_ext(r, &p->univariate_round_coeffs[i]));
    TRY_(expect_count(r, "the number of sumcheck rounds", shape->n_rounds));
    p->n_rounds = shape->n_rounds;
    p->s_deg = shape->s_deg;
    if (p->n_rounds > 0) {
        TRY_(expect_count(r, "the number of evaluations per round", shape->s_deg));
        if ((uint64_t)p->n_rounds * p->s_deg * EXT_BYTES > remaining(r))
            FAIL_("batch constraint proof: sumcheck rounds exceed the remaining input at byte %zu",
                  r->pos);
    }
    ALLOC_(p->sumcheck_round_polys, p->n_rounds * p->s_deg);
    for (size_t i = 0; i < p->n_rounds * p->s_deg; i++)
        TRY_(swirl_get_ext(r, &p->sumcheck_round_polys[i]));
    size_t total = 0;
    for (size_t t = 0; t < n; t++)
        total += air_values(shape->airs[t]);
    if ((uint64_t)total * EXT_BYTES > remaining(r))
        FAIL_("batch constraint proof: %zu column openings exceed the remaining input at byte %zu",
              total, r->pos);
    ALLOC_(p->openings, total);
    ALLOC_(p->openings_per_trace, n);
    size_t o = 0;
    for (size_t t = 0; t < n; t++) {
        const swirl_air *air = shape->airs[t];
        uint32_t got;
        TRY_(swirl_get_u32(r, &got));
        if (got != air_parts(air))
            FAIL_("batch constraint proof: AIR %s (trace %zu) has %u parts at byte %zu, expected "
                  "%zu",
                  air->name, t, got, r->pos - 4, air_parts(air));
        size_t start = o;
        for (size_t k = 0; k < air_parts(air); k++) {
            size_t m = part_values(air, k);
            TRY_(swirl_get_u32(r, &got));
            if (got != m)
                FAIL_("batch constraint proof: AIR %s (trace %zu) part %zu has %u opened values at "
                      "byte %zu, expected %zu",
                      air->name, t, k, got, r->pos - 4, m);
            for (size_t j = 0; j < m; j++)
                TRY_(swirl_get_ext(r, &p->openings[o++]));
        }
        p->openings_per_trace[t] = o - start;
    }
    return SWIRL_OK;
fail:
    swirl_batch_proof_clear(p);
    return st;
}

/* ---- Proof ---- */

size_t swirl_proof_trace_order(size_t *order, const uint8_t *present, const unsigned *log_heights,
                               size_t n_airs) {
    size_t m = 0;
    for (size_t i = 0; i < n_airs; i++) {
        if (!present[i])
            continue;
        size_t j = m++;
        while (j > 0 && log_heights[order[j - 1]] < log_heights[i]) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    return m;
}

/* The shape the vk and the proof header imply: the sorted present AIRs and the batch shape. */
typedef struct proof_shape {
    size_t *order;
    const swirl_air **airs;
    swirl_batch_shape batch;
} proof_shape;

static void shape_clear(proof_shape *s) {
    free(s->order);
    free(s->airs);
    memset(s, 0, sizeof *s);
}

static enum swirl_status shape_init(proof_shape *s, const swirl_vk *vk, const uint8_t *present,
                                    const unsigned *log_heights) {
    memset(s, 0, sizeof *s);
    size_t n = vk->n_airs;
    s->order = swirl_malloc((n + 1) * sizeof *s->order);
    s->airs = swirl_malloc((n + 1) * sizeof *s->airs);
    if (!s->order || !s->airs) {
        shape_clear(s);
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    }
    size_t m = swirl_proof_trace_order(s->order, present, log_heights, n);
    for (size_t k = 0; k < m; k++)
        s->airs[k] = vk->per_air[s->order[k]].air;
    size_t l = vk->params.l_skip, d = vk->params.max_constraint_degree;
    s->batch.n_traces = m;
    s->batch.airs = s->airs;
    s->batch.n_univariate = (d + 1) * (((size_t)1 << l) - 1) + 1;
    s->batch.n_rounds = m > 0 && log_heights[s->order[0]] > l ? log_heights[s->order[0]] - l : 0;
    s->batch.s_deg = d + 1;
    return SWIRL_OK;
}

enum swirl_status swirl_proof_encode(uint8_t **bytes, size_t *len, const swirl_proof *p,
                                     const swirl_vk *vk) {
    SWIRL_ARG_CHECK(bytes != NULL && len != NULL && p != NULL && vk != NULL);
    size_t n = vk->n_airs;
    if (p->n_airs != n || !p->present || !p->log_heights || !p->public_values)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "proof has %zu AIRs, the key %zu", p->n_airs, n);
    for (size_t i = 0; i < n; i++) {
        const swirl_air *air = vk->per_air[i].air;
        if (p->present[i] > 1)
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "AIR %zu: presence flag %u", i, p->present[i]);
        if (p->present[i] && air->num_public_values > 0 && !p->public_values[i])
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "AIR %zu: public values missing", i);
        if (p->present[i] && air->n_cached > 0 && (!p->cached_commits || !p->cached_commits[i]))
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "AIR %zu: cached commitments missing", i);
    }
    const swirl_gkr_proof *g = &p->gkr;
    if (g->n_sumcheck_entries != (g->n_layers > 0 ? g->n_layers * (g->n_layers - 1) / 2 : 0))
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "GKR proof: %zu sumcheck entries for %zu layers",
                           g->n_sumcheck_entries, g->n_layers);
    const swirl_whir_proof *w = &p->whir;
    const swirl_whir_config *wc = &vk->params.whir;
    if (w->n_rounds != wc->num_rounds || w->n_sumcheck != wc->num_rounds * wc->k ||
        w->n_codeword + 1 != wc->num_rounds || w->n_commits == 0)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "WHIR proof does not match the key's parameters");
    proof_shape s;
    SWIRL_TRY(shape_init(&s, vk, p->present, p->log_heights));
    swirl_bytes b = {0};
    swirl_put_u32(&b, SWIRL_CODEC_VERSION);
    swirl_put_digest(&b, &p->common_main_commit);
    swirl_put_u32(&b, (uint32_t)n);
    for (size_t i = 0; i < n; i += 8) {
        uint8_t byte = 0;
        for (size_t j = i; j < n && j < i + 8; j++)
            byte |= (uint8_t)(p->present[j] << (j - i));
        swirl_put_byte(&b, byte);
    }
    for (size_t i = 0; i < n; i++) {
        if (!p->present[i])
            continue;
        const swirl_air *air = vk->per_air[i].air;
        swirl_put_u32(&b, p->log_heights[i]);
        swirl_put_u32(&b, (uint32_t)air->n_cached);
        for (size_t c = 0; c < air->n_cached; c++)
            swirl_put_digest(&b, &p->cached_commits[i][c]);
    }
    swirl_put_u32(&b, (uint32_t)n);
    for (size_t i = 0; i < n; i++) {
        size_t npv = p->present[i] ? vk->per_air[i].air->num_public_values : 0;
        swirl_put_u32(&b, (uint32_t)npv);
        for (size_t k = 0; k < npv; k++)
            swirl_put_field(&b, p->public_values[i][k]);
    }
    swirl_gkr_proof_encode(&b, &p->gkr);
    enum swirl_status st = swirl_batch_proof_encode(&b, &p->batch, &s.batch);
    shape_clear(&s);
    if (st != SWIRL_OK) {
        swirl_bytes_free(&b);
        return st;
    }
    swirl_stacking_proof_encode(&b, &p->stacking);
    swirl_whir_proof_encode(&b, &p->whir, &vk->params);
    if (b.oom) {
        swirl_bytes_free(&b);
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    }
    *bytes = b.p;
    *len = b.len;
    return SWIRL_OK;
}

/* A section decoder's MALFORMED error, re-raised naming the section and where it starts. */
static enum swirl_status in_section(enum swirl_status st, const char *section, size_t start) {
    if (st != SWIRL_E_PROOF_MALFORMED)
        return st;
    char inner[400];
    const char *msg = swirl_last_error(), *colon = strstr(msg, ": ");
    snprintf(inner, sizeof inner, "%s", colon ? colon + 2 : msg);
    return BAD("proof decode: %s (from byte %zu): %s", section, start, inner);
}

/* the stacked widths of the commits (common main, then per sorted trace: preprocessed, cached) */
static enum swirl_status commit_widths(size_t *widths, size_t n_commits, const swirl_vk *vk,
                                       const proof_shape *s, const unsigned *log_heights) {
    size_t n = s->batch.n_traces, l = vk->params.l_skip, lsh = l + vk->params.n_stack;
    size_t *w = swirl_malloc((n + 1) * sizeof *w);
    unsigned *lh = swirl_malloc((n + 1) * sizeof *lh);
    if (!w || !lh) {
        free(w);
        free(lh);
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    }
    for (size_t k = 0; k < n; k++) {
        w[k] = s->airs[k]->common_width;
        lh[k] = log_heights[s->order[k]];
    }
    size_t c = 0;
    swirl_stacked_layout lay;
    enum swirl_status st = swirl_stacked_layout_init(&lay, (unsigned)l, (unsigned)lsh, w, lh, n);
    if (st == SWIRL_OK) {
        widths[c++] = lay.width;
        swirl_stacked_layout_clear(&lay);
    }
    for (size_t k = 0; k < n && st == SWIRL_OK; k++) {
        const swirl_air *air = s->airs[k];
        for (size_t part = 1; part < air_parts(air) && st == SWIRL_OK; part++) {
            size_t pw = part_width(air, part);
            st = swirl_stacked_layout_init(&lay, (unsigned)l, (unsigned)lsh, &pw, &lh[k], 1);
            if (st == SWIRL_OK) {
                widths[c++] = lay.width;
                swirl_stacked_layout_clear(&lay);
            }
        }
    }
    free(w);
    free(lh);
    if (st == SWIRL_E_NOMEM)
        return st;
    if (st != SWIRL_OK)
        return BAD("proof decode: trace data: the trace heights do not fit the stacked matrix");
    return c == n_commits ? SWIRL_OK : SWIRL_RAISE(SWIRL_E_INTERNAL, "commit count");
}

enum swirl_status swirl_proof_decode(swirl_proof *p, const uint8_t *bytes, size_t len,
                                     const swirl_vk *vk) {
    SWIRL_ARG_CHECK(p != NULL && vk != NULL && (bytes != NULL || len == 0));
    memset(p, 0, sizeof *p);
    const swirl_system_params *prm = &vk->params;
    swirl_reader r = {bytes, len, 0};
    enum swirl_status st;
    proof_shape s;
    memset(&s, 0, sizeof s);
    size_t *widths = NULL;
    uint32_t u;
    size_t n = vk->n_airs, start;

    /* header */
    if ((st = swirl_get_u32(&r, &u)) != SWIRL_OK || u != SWIRL_CODEC_VERSION) {
        st = st != SWIRL_OK ? in_section(st, "header", 0)
                            : BAD("proof decode: header: codec version %u at byte 0, expected %u",
                                  u, SWIRL_CODEC_VERSION);
        goto fail;
    }
    if ((st = swirl_get_digest(&r, &p->common_main_commit)) != SWIRL_OK ||
        (st = swirl_get_u32(&r, &u)) != SWIRL_OK) {
        st = in_section(st, "header", 0);
        goto fail;
    }
    if (u != n)
        FAIL_("proof decode: header: %u AIRs at byte %zu, the key has %zu", u, r.pos - 4, n);
    p->n_airs = n;
    ALLOC_(p->present, n);
    ALLOC_(p->log_heights, n);
    ALLOC_(p->public_values, n);
    ALLOC_(p->cached_commits, n);
    size_t nb = (n + 7) / 8, n_present = 0;
    if (remaining(&r) < nb)
        FAIL_("proof decode: header: truncated in the presence bitmap at byte %zu", len);
    for (size_t i = 0; i < n; i++) {
        p->present[i] = (uint8_t)((bytes[r.pos + i / 8] >> (i % 8)) & 1);
        n_present += p->present[i];
        if (!p->present[i] && vk->per_air[i].is_required)
            FAIL_("proof decode: header: required AIR %zu (%s) is absent (bitmap byte %zu)", i,
                  vk->per_air[i].air->name, r.pos + i / 8);
    }
    if (n % 8 != 0 && (bytes[r.pos + nb - 1] >> (n % 8)) != 0)
        FAIL_("proof decode: header: presence bitmap padding bits set at byte %zu", r.pos + nb - 1);
    if (n_present == 0)
        FAIL_("proof decode: header: no AIR is present (bitmap at byte %zu)", r.pos);
    r.pos += nb;
    for (size_t i = 0; i < n; i++) {
        if (!p->present[i])
            continue;
        const swirl_air *air = vk->per_air[i].air;
        start = r.pos;
        if ((st = swirl_get_u32(&r, &u)) != SWIRL_OK) {
            st = in_section(st, "trace data", start);
            goto fail;
        }
        if (u > prm->l_skip + prm->n_stack)
            FAIL_("proof decode: trace data: AIR %zu (%s) log height %u at byte %zu exceeds l_skip "
                  "+ n_stack = %zu",
                  i, air->name, u, start, prm->l_skip + prm->n_stack);
        p->log_heights[i] = u;
        if ((st = swirl_get_u32(&r, &u)) != SWIRL_OK) {
            st = in_section(st, "trace data", start);
            goto fail;
        }
        if (u != air->n_cached)
            FAIL_("proof decode: trace data: AIR %zu (%s) has %u cached commitments at byte %zu, "
                  "the key %zu",
                  i, air->name, u, r.pos - 4, air->n_cached);
        if (air->n_cached > 0) {
            if ((uint64_t)air->n_cached * DIGEST_BYTES > remaining(&r))
                FAIL_("proof decode: trace data: truncated in AIR %zu's cached commitments at byte "
                      "%zu",
                      i, len);
            ALLOC_(p->cached_commits[i], air->n_cached);
            for (size_t c = 0; c < air->n_cached; c++)
                TRY_(swirl_get_digest(&r, &p->cached_commits[i][c]));
        }
    }

    /* public values */
    start = r.pos;
    if ((st = swirl_get_u32(&r, &u)) != SWIRL_OK) {
        st = in_section(st, "public values", start);
        goto fail;
    }
    if (u != n)
        FAIL_("proof decode: public values: %u AIRs at byte %zu, the key has %zu", u, start, n);
    for (size_t i = 0; i < n; i++) {
        size_t want = p->present[i] ? vk->per_air[i].air->num_public_values : 0;
        if ((st = swirl_get_u32(&r, &u)) != SWIRL_OK) {
            st = in_section(st, "public values", start);
            goto fail;
        }
        if (u != want)
            FAIL_("proof decode: public values: AIR %zu (%s, %s) has %u at byte %zu, expected %zu",
                  i, vk->per_air[i].air->name, p->present[i] ? "present" : "absent", u, r.pos - 4,
                  want);
        if (!p->present[i])
            continue;
        if ((uint64_t)want * 4 > remaining(&r))
            FAIL_("proof decode: public values: truncated in AIR %zu's values at byte %zu", i, len);
        ALLOC_(p->public_values[i], want);
        for (size_t k = 0; k < want; k++)
            if ((st = swirl_get_field(&r, &p->public_values[i][k])) != SWIRL_OK) {
                st = in_section(st, "public values", start);
                goto fail;
            }
    }

    /* the shapes the header implies */
    TRY_(shape_init(&s, vk, p->present, p->log_heights));
    uint64_t total = 0;
    for (size_t k = 0; k < s.batch.n_traces; k++) {
        unsigned lh = p->log_heights[s.order[k]];
        unsigned lift = lh > prm->l_skip ? lh : (unsigned)prm->l_skip;
        if (lift >= 40)
            FAIL_("proof decode: trace data: log height %u is too large", lh);
        total += (uint64_t)s.airs[k]->n_interactions << lift;
    }
    size_t gkr_layers =
        total ? prm->l_skip + swirl_calculate_n_logup((unsigned)prm->l_skip, total) : 0;

    /* GKR */
    start = r.pos;
    if ((st = swirl_gkr_proof_decode(&p->gkr, &r)) != SWIRL_OK) {
        st = in_section(st, "GKR proof", start);
        goto fail;
    }
    if (p->gkr.n_layers != gkr_layers)
        FAIL_("proof decode: GKR proof (from byte %zu): %zu layers at byte %zu, expected %zu",
              start, p->gkr.n_layers, start + 4 + EXT_BYTES, gkr_layers);

    /* batch constraints */
    start = r.pos;
    if ((st = swirl_batch_proof_decode(&p->batch, &r, &s.batch)) != SWIRL_OK) {
        st = in_section(st, "batch constraint proof", start);
        goto fail;
    }

    /* stacking */
    start = r.pos;
    if ((st = swirl_stacking_proof_decode(&p->stacking, &r)) != SWIRL_OK) {
        st = in_section(st, "stacking proof", start);
        goto fail;
    }
    size_t n_commits = 1;
    for (size_t k = 0; k < s.batch.n_traces; k++)
        n_commits += air_parts(s.airs[k]) - 1;
    const swirl_stacking_proof *sp = &p->stacking;
    size_t s0 = 2 * (((size_t)1 << prm->l_skip) - 1) + 1;
    if (sp->n_univariate != s0)
        FAIL_(
            "proof decode: stacking proof (from byte %zu): %zu round-0 coefficients, expected %zu",
            start, sp->n_univariate, s0);
    if (sp->n_rounds != prm->n_stack)
        FAIL_("proof decode: stacking proof (from byte %zu): %zu rounds, expected n_stack = %zu",
              start, sp->n_rounds, prm->n_stack);
    if (sp->n_commits != n_commits)
        FAIL_("proof decode: stacking proof (from byte %zu): %zu commits, expected %zu", start,
              sp->n_commits, n_commits);
    ALLOC_(widths, n_commits);
    TRY_(commit_widths(widths, n_commits, vk, &s, p->log_heights));
    size_t total_width = 0;
    for (size_t c = 0; c < n_commits; c++) {
        if (sp->openings_per_commit[c] != widths[c])
            FAIL_("proof decode: stacking proof (from byte %zu): commit %zu has %zu openings, its "
                  "stacked width is %zu",
                  start, c, sp->openings_per_commit[c], widths[c]);
        total_width += widths[c];
    }
    if (total_width > prm->w_stack)
        FAIL_("proof decode: stacking proof (from byte %zu): total stacked width %zu exceeds "
              "w_stack = %zu",
              start, total_width, prm->w_stack);

    /* WHIR */
    start = r.pos;
    if ((st = swirl_whir_proof_decode(&p->whir, &r, prm)) != SWIRL_OK) {
        st = in_section(st, "WHIR proof", start);
        goto fail;
    }
    if (p->whir.n_commits != n_commits)
        FAIL_("proof decode: WHIR proof (from byte %zu): %zu commits, expected %zu", start,
              p->whir.n_commits, n_commits);
    if (prm->whir.num_queries[0] > 0)
        for (size_t c = 0; c < n_commits; c++)
            if (p->whir.widths[c] != widths[c])
                FAIL_("proof decode: WHIR proof (from byte %zu): commit %zu rows have width %zu, "
                      "its stacked width is %zu",
                      start, c, p->whir.widths[c], widths[c]);
    if (r.pos != len)
        FAIL_("proof decode: %zu trailing bytes after the proof (from byte %zu)", len - r.pos,
              r.pos);
    shape_clear(&s);
    free(widths);
    return SWIRL_OK;
fail:
    shape_clear(&s);
    free(widths);
    swirl_proof_clear(p);
    return st;
}
