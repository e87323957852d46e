/*
 * `swirl inspect`: a summary of a proof file. The encoding (OpenVM v2.0.1 proof.rs, codec version
 * 3) describes its own shape, so the file is walked without a key: each part's byte range, the
 * AIRs present with their log heights, and the parameters the shape implies. With --vk the proof
 * is also decoded against the key (every shape check) and the key's parameters are printed.
 * The walker reads through swirl_reader (never past the end) and allocates nothing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "protocol/bytes.h"
#include "protocol/codec_proof.h"
#include "protocol/vk_codec.h"
#include "util/common.h"
#include "util/json.h"

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

typedef struct summary {
    size_t part_start[8], part_end[8]; /* header, gkr, batch, stacking, whir */
    size_t n_airs, n_present, gkr_layers, univariate, n_rounds, round_len, stack_univariate,
        stack_rounds, n_commits, whir_sumcheck_rounds, whir_rounds, init_queries, final_poly;
    size_t stacked_width_total;
    unsigned log_height[256];
    unsigned char present[256];
} summary;

static enum swirl_status walk(summary *s, swirl_reader *r) {
    uint32_t v;
    size_t n;
    memset(s, 0, sizeof *s);
    /* header: version, commit, trace_vdata, public values */
    s->part_start[0] = r->pos;
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
        if (i < 256) {
            s->present[i] = 1;
            s->log_height[i] = lh;
        }
        s->n_present++;
        SWIRL_TRY(slice(r, &n, DIGEST_BYTES)); /* cached commitments */
    }
    size_t n_pv;
    SWIRL_TRY(count(r, &n_pv, 4));
    for (size_t i = 0; i < n_pv; i++)
        SWIRL_TRY(slice(r, &n, F_BYTES));
    s->part_end[0] = s->part_start[1] = r->pos;
    /* GKR: pow witness, q0, claims per layer, sumcheck polys (layer j has j rounds of 3) */
    SWIRL_TRY(skip(r, 1, F_BYTES + EXT_BYTES));
    SWIRL_TRY(slice(r, &s->gkr_layers, 4 * EXT_BYTES));
    for (size_t j = 1; j < s->gkr_layers; j++)
        SWIRL_TRY(skip(r, j, 3 * EXT_BYTES));
    s->part_end[1] = s->part_start[2] = r->pos;
    /* batch constraint proof */
    size_t np;
    SWIRL_TRY(slice(r, &np, EXT_BYTES));
    SWIRL_TRY(skip(r, np, EXT_BYTES));
    SWIRL_TRY(slice(r, &s->univariate, EXT_BYTES));
    SWIRL_TRY(count(r, &s->n_rounds, 4));
    if (s->n_rounds > 0) {
        SWIRL_TRY(count(r, &s->round_len, 0));
        size_t cells;
        if (!swirl_mul_size(s->n_rounds, s->round_len, &cells))
            return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "sumcheck round sizes overflow");
        SWIRL_TRY(skip(r, cells, EXT_BYTES));
    }
    for (size_t a = 0; a < np; a++) {
        size_t parts;
        SWIRL_TRY(count(r, &parts, 4));
        for (size_t q = 0; q < parts; q++)
            SWIRL_TRY(slice(r, &n, EXT_BYTES));
    }
    s->part_end[2] = s->part_start[3] = r->pos;
    /* stacking proof */
    SWIRL_TRY(slice(r, &s->stack_univariate, EXT_BYTES));
    SWIRL_TRY(slice(r, &s->stack_rounds, 2 * EXT_BYTES));
    SWIRL_TRY(count(r, &s->n_commits, 4));
    for (size_t c = 0; c < s->n_commits; c++) {
        SWIRL_TRY(slice(r, &n, EXT_BYTES));
        s->stacked_width_total += n;
    }
    s->part_end[3] = s->part_start[4] = r->pos;
    /* WHIR */
    SWIRL_TRY(skip(r, 1, F_BYTES));
    SWIRL_TRY(slice(r, &s->whir_sumcheck_rounds, 2 * EXT_BYTES));
    size_t n_cw;
    SWIRL_TRY(slice(r, &n_cw, DIGEST_BYTES));
    s->whir_rounds = n_cw + 1;
    if (s->whir_sumcheck_rounds % s->whir_rounds)
        return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "WHIR sumcheck rounds not a multiple of rounds");
    size_t k = s->whir_sumcheck_rounds / s->whir_rounds;
    if (k > 20)
        return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "WHIR folding factor %zu", k);
    size_t kexp = (size_t)1 << k;
    SWIRL_TRY(skip(r, n_cw, EXT_BYTES));
    SWIRL_TRY(skip(r, s->whir_sumcheck_rounds + s->whir_rounds, F_BYTES));
    size_t ncom, depth = 0, qn;
    SWIRL_TRY(count(r, &ncom, 0));
    SWIRL_TRY(count(r, &s->init_queries, 0));
    if (s->init_queries > 0) {
        SWIRL_TRY(count(r, &depth, 0));
        size_t wsum = 0;
        for (size_t c = 0; c < ncom; c++) {
            size_t w;
            SWIRL_TRY(count(r, &w, 0));
            if (!swirl_add_size(wsum, w, &wsum))
                return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "widths overflow");
        }
        size_t rows, cells;
        if (!swirl_mul_size(s->init_queries, kexp, &rows) || !swirl_mul_size(rows, wsum, &cells))
            return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "opened rows overflow");
        SWIRL_TRY(skip(r, cells, F_BYTES));
        if (!swirl_mul_size(s->init_queries, ncom, &rows))
            return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "Merkle proofs overflow");
        SWIRL_TRY(skip(r, rows, depth * DIGEST_BYTES));
    }
    size_t *queries = NULL; /* at most 64 rounds checked below */
    size_t qs[64];
    if (s->whir_rounds > 64)
        return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "%zu WHIR rounds", s->whir_rounds);
    queries = qs;
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
    SWIRL_TRY(slice(r, &s->final_poly, EXT_BYTES));
    s->part_end[4] = r->pos;
    if (r->pos != r->len)
        return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "%zu trailing bytes after the proof",
                           r->len - r->pos);
    return SWIRL_OK;
}

static size_t log2_floor(size_t x) {
    size_t l = 0;
    while (x > 1) {
        x >>= 1;
        l++;
    }
    return l;
}

int cli_inspect(const char *proof_path, const char *vk_path) {
    uint8_t *b = NULL, *vkb = NULL;
    size_t len = 0, vkl = 0;
    if (cli_read_file(proof_path, &b, &len))
        return CLI_BAD;
    swirl_reader r = {b, len, 0};
    summary s;
    int rc = CLI_OK;
    if (walk(&s, &r) != SWIRL_OK) {
        printf("malformed: %s\n", swirl_last_error());
        free(b);
        return CLI_BAD;
    }
    static const char *const names[] = {"header (version, commit, heights, public values)",
                                        "gkr_proof", "batch_constraint_proof", "stacking_proof",
                                        "whir_proof"};
    printf("proof %s: %zu bytes, codec version 3\n", proof_path, len);
    printf("parts:\n");
    for (int p = 0; p < 5; p++)
        printf("  %-50s %9zu bytes (%5.1f%%)\n", names[p], s.part_end[p] - s.part_start[p],
               100.0 * (double)(s.part_end[p] - s.part_start[p]) / (double)len);
    printf("AIRs: %zu in the key, %zu present\n", s.n_airs, s.n_present);
    for (size_t i = 0; i < s.n_airs && i < 256; i++)
        if (s.present[i])
            printf("  AIR %zu: log height %u (%lu rows)\n", i, s.log_height[i],
                   1UL << (s.log_height[i] < 63 ? s.log_height[i] : 0));
        else
            printf("  AIR %zu: absent\n", i);
    /* what the shape implies: stacking round 0 has 2 (2^l_skip - 1) + 1 coefficients */
    size_t l_skip = s.stack_univariate > 1 ? log2_floor((s.stack_univariate - 1) / 2 + 1) : 0;
    size_t k = s.whir_rounds ? s.whir_sumcheck_rounds / s.whir_rounds : 0;
    printf("shape: GKR layers %zu; constraint sumcheck: round 0 %zu coefficients, %zu rounds of "
           "%zu evaluations (degree %zu)\n",
           s.gkr_layers, s.univariate, s.n_rounds, s.round_len,
           s.round_len ? s.round_len - 1 : 0);
    printf("       l_skip %zu, n_stack %zu, %zu commitment(s), %zu stacked columns; WHIR %zu rounds, "
           "k %zu, %zu initial queries, final polynomial %zu coefficients\n",
           l_skip, s.stack_rounds, s.n_commits, s.stacked_width_total, s.whir_rounds, k,
           s.init_queries, s.final_poly);
    if (vk_path) {
        swirl_vk *vk = NULL;
        swirl_proof proof;
        if (cli_read_file(vk_path, &vkb, &vkl)) {
            rc = CLI_BAD;
        } else if (swirl_vk_decode(&vk, vkb, vkl) != SWIRL_OK) {
            printf("malformed key %s: %s\n", vk_path, swirl_last_error());
            rc = CLI_BAD;
        } else {
            const swirl_system_params *p = &vk->params;
            printf("key %s: %zu AIRs; l_skip %zu, n_stack %zu, w_stack %zu, log_blowup %zu, "
                   "max constraint degree %zu; WHIR k %zu, %zu rounds, queries",
                   vk_path, vk->n_airs, p->l_skip, p->n_stack, p->w_stack, p->log_blowup,
                   p->max_constraint_degree, p->whir.k, p->whir.num_rounds);
            for (size_t i = 0; i < p->whir.num_rounds; i++)
                printf(" %zu", p->whir.num_queries[i]);
            printf(", PoW bits mu %zu / folding %zu / query %zu; LogUp PoW %zu bits\n",
                   p->whir.mu_pow_bits, p->whir.folding_pow_bits, p->whir.query_phase_pow_bits,
                   p->logup.pow_bits);
            if (swirl_proof_decode(&proof, b, len, vk) != SWIRL_OK) {
                printf("the proof does not fit the key: %s\n", swirl_last_error());
                rc = CLI_BAD;
            } else {
                printf("the proof decodes against the key (not verified: use swirl verify)\n");
                swirl_proof_clear(&proof);
            }
        }
        swirl_vk_destroy(vk);
    }
    free(vkb);
    free(b);
    return rc;
}

int cli_read_file(const char *path, uint8_t **data, size_t *len) {
    *data = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "swirl: cannot open %s: %s\n", path, strerror(errno));
        return 1;
    }
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        if (cap > ((size_t)1 << 34)) { /* 16 GiB: no proof or key is that large */
            free(buf);
            buf = NULL;
            break;
        }
        uint8_t *nb = realloc(buf, cap * 2);
        if (!nb) {
            free(buf);
            buf = NULL;
        }
        buf = nb;
        cap *= 2;
    }
    int err = ferror(f);
    fclose(f);
    if (!buf || err) {
        free(buf);
        fprintf(stderr, "swirl: cannot read %s%s\n", path, err ? "" : ": too large");
        return 1;
    }
    *data = buf;
    *len = n;
    return 0;
}

int cli_write_file(const char *path, const uint8_t *data, size_t len) {
    /* a temporary file in the same directory, renamed over path: no partial file on failure */
    if (swirl_write_file_atomic(path, data, len, 0) != SWIRL_OK) {
        fprintf(stderr, "swirl: %s\n", swirl_last_error());
        return CLI_BAD;
    }
    return CLI_OK;
}
