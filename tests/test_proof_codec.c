/* The whole-proof codec (OpenVM v2.0.1 Proof encoding, codec_proof.h): proofs from swirl_prove
 * (three AIRs with a bus; nine fib AIRs with optional ones absent; one fib AIR without
 * interactions) round trip to the same bytes and still verify; the bytes are laid out as OpenVM's
 * (version, commit, AIR count, presence bitmap, TraceVData, public values, then the GKR, batch,
 * stacking and WHIR sections back to back); the per-part openings and cached commitments of AIRs
 * with preprocessed and cached partitions (a proof built by hand, since the flow does not prove
 * those yet); every single-byte change is malformed or rejected, every truncation and a trailing
 * byte are malformed, huge length prefixes and shapes that disagree with the key are malformed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "air/test_airs.h"
#include "fixtures.h"
#include "harness.h"
#include "protocol/codec_pcs.h"
#include "protocol/codec_proof.h"
#include "protocol/logup.h"
#include "prover/prove.h"

/* test_flow's shape with 8-bit WHIR security: 17 + 11 queries, a proof of about 7 KB */

static uint32_t le32(const uint8_t *b) {
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}
static void set_le32(uint8_t *b, uint32_t v) {
    for (int i = 0; i < 4; i++)
        b[i] = (uint8_t)(v >> (8 * i));
}

static int last_error_has(const char *what) { return strstr(swirl_last_error(), what) != NULL; }

/* decode, then verify: SWIRL_OK, MALFORMED or REJECTED */
static enum swirl_status decode_verify(const swirl_vk *vk, const uint8_t *b, size_t len) {
    swirl_proof p;
    enum swirl_status st = swirl_proof_decode(&p, b, len, vk);
    if (st != SWIRL_OK)
        return st;
    st = swirl_flow_verify(vk, &p, NULL);
    swirl_proof_clear(&p);
    return st;
}

/* encode -> decode -> encode gives the same bytes, the decoded header equals the proof's, and the
 * decoded proof verifies (when `verify`); returns the encoding (free()) */
static uint8_t *round_trip(const swirl_vk *vk, const swirl_proof *proof, size_t *len, int verify) {
    uint8_t *b = NULL, *b2 = NULL;
    size_t n2 = 0;
    CHECK_OK(swirl_proof_encode(&b, len, proof, vk));
    swirl_proof d;
    CHECK_OK(swirl_proof_decode(&d, b, *len, vk));
    CHECK_OK(swirl_proof_encode(&b2, &n2, &d, vk));
    CHECK(n2 == *len && memcmp(b, b2, n2) == 0);
    CHECK(d.n_airs == proof->n_airs);
    CHECK(memcmp(&d.common_main_commit, &proof->common_main_commit, sizeof d.common_main_commit) ==
          0);
    for (size_t i = 0; i < d.n_airs; i++) {
        const swirl_air *air = vk->per_air[i].air;
        CHECK(d.present[i] == proof->present[i]);
        if (!d.present[i]) {
            CHECK(d.public_values[i] == NULL && d.cached_commits[i] == NULL);
            continue;
        }
        CHECK(d.log_heights[i] == proof->log_heights[i]);
        CHECK(air->num_public_values == 0 || memcmp(d.public_values[i], proof->public_values[i],
                                                    air->num_public_values * sizeof(bb31)) == 0);
        CHECK(air->n_cached == 0 || memcmp(d.cached_commits[i], proof->cached_commits[i],
                                           air->n_cached * sizeof(swirl_digest)) == 0);
    }
    if (verify)
        CHECK_OK(swirl_flow_verify(vk, &d, NULL));
    free(b2);
    swirl_proof_clear(&d);
    return b;
}

/* the batch shape of a proof (for encoding the section alone) */
typedef struct shape_buf {
    size_t order[16];
    const swirl_air *airs[16];
    swirl_batch_shape s;
} shape_buf;

static void batch_shape(shape_buf *sb, const swirl_vk *vk, const swirl_proof *p) {
    CHECK(vk->n_airs <= 16);
    size_t m = swirl_proof_trace_order(sb->order, p->present, p->log_heights, vk->n_airs);
    for (size_t k = 0; k < m; k++)
        sb->airs[k] = vk->per_air[sb->order[k]].air;
    sb->s.n_traces = m;
    sb->s.airs = sb->airs;
}

/* the sections after the public values, each encoded alone, must follow each other from `off`
 * to the end of b */
static void check_sections(const uint8_t *b, size_t len, size_t off, const swirl_vk *vk,
                           const swirl_proof *p) {
    swirl_bytes sec[4];
    memset(sec, 0, sizeof sec);
    shape_buf sb;
    batch_shape(&sb, vk, p);
    swirl_gkr_proof_encode(&sec[0], &p->gkr);
    CHECK_OK(swirl_batch_proof_encode(&sec[1], &p->batch, &sb.s));
    swirl_stacking_proof_encode(&sec[2], &p->stacking);
    swirl_whir_proof_encode(&sec[3], &p->whir, &vk->params);
    for (int i = 0; i < 4; i++) {
        CHECK(!sec[i].oom && off + sec[i].len <= len);
        CHECK_MSG(memcmp(b + off, sec[i].p, sec[i].len) == 0, "section %d differs", i);
        off += sec[i].len;
        swirl_bytes_free(&sec[i]);
    }
    CHECK(off == len);
}

static void prove_three(swirl_fixture_three *f, swirl_proof *proof) {
    swirl_system_params p = swirl_fixture_small_params(2, 4, 8);
    swirl_fixture_three_init(f, &p);
    CHECK_OK(swirl_flow_prove(proof, f->vk, f->in, NULL, NULL));
}

/* ---- round trips and layout ---- */

static void test_three_airs_layout(void) {
    swirl_fixture_three f;
    swirl_proof proof;
    prove_three(&f, &proof);
    size_t len;
    uint8_t *b = round_trip(f.vk, &proof, &len, 1);
    /* CODEC_VERSION 3, u32 LE */
    CHECK(b[0] == 3 && b[1] == 0 && b[2] == 0 && b[3] == 0);
    /* the common main commit: 8 canonical field elements, LE */
    for (int i = 0; i < 8; i++)
        CHECK(le32(b + 4 + 4 * i) == bb31_to_u32(proof.common_main_commit.v[i]));
    /* 3 AIRs, all present: bitmap 0b111 */
    CHECK(le32(b + 36) == 3 && b[40] == 0x07);
    /* TraceVData in vk order: log heights fib 1, sender 5, receiver 2; no cached commitments */
    static const unsigned lh[3] = {1, 5, 2};
    for (int i = 0; i < 3; i++)
        CHECK(le32(b + 41 + 8 * i) == lh[i] && le32(b + 45 + 8 * i) == 0);
    /* public values: 3 AIRs; fib has (0, 1, x), the bus AIRs none */
    CHECK(le32(b + 65) == 3 && le32(b + 69) == 3);
    for (int k = 0; k < 3; k++)
        CHECK(le32(b + 73 + 4 * k) == bb31_to_u32(f.pv[k]));
    CHECK(le32(b + 85) == 0 && le32(b + 89) == 0);
    size_t gkr = 93;
    /* GKR: 32 + 4 lifted interaction rows: l_skip + n_logup = 6 layers; rounds 1..5 carry
     * 1 + ... + 5 = 15 sumcheck entries without length prefixes */
    CHECK(le32(b + gkr + 20) == 6);
    size_t gkr_len = 4 + 16 + 4 + 6 * 64 + 15 * 48;
    /* batch: 3 present AIRs, round 0 (3 + 1)(2^2 - 1) + 1 = 13 coefficients, n_max 5 - 2 = 3
     * rounds of 3 + 1 evaluations */
    size_t bo = gkr + gkr_len;
    CHECK(le32(b + bo) == 3);
    bo += 4 + 3 * 32;
    CHECK(le32(b + bo) == 13);
    bo += 4 + 13 * 16;
    CHECK(le32(b + bo) == 3 && le32(b + bo + 4) == 4);
    bo += 8 + 3 * 4 * 16;
    /* openings in sorted order (sender 32 rows, receiver 4, fib 2): one part each; fib reads the
     * next row, so its 2 columns give 4 values (col, rot, col, rot) */
    static const uint32_t vals[3] = {2, 2, 4};
    for (int t = 0; t < 3; t++) {
        CHECK(le32(b + bo) == 1 && le32(b + bo + 4) == vals[t]);
        bo += 8 + vals[t] * 16;
    }
    /* the stacking proof starts with 2 (2^2 - 1) + 1 = 7 round-0 coefficients */
    CHECK(le32(b + bo) == 7);
    check_sections(b, len, gkr, f.vk, &proof);
    free(b);
    swirl_proof_clear(&proof);
    swirl_fixture_three_clear(&f);
}

/* nine fib AIRs, the first required, AIRs 0, 2 and 8 present: two bitmap bytes */
typedef struct nine {
    swirl_air *airs[9];
    swirl_vk *vk;
    bb31 *tr[3], pv[3][3];
    swirl_proof proof;
} nine;

static void nine_init(nine *n) {
    memset(n, 0, sizeof *n);
    swirl_system_params p = swirl_fixture_small_params(2, 4, 8);
    swirl_keygen_air ka[9];
    for (int i = 0; i < 9; i++) {
        swirl_air_builder *b;
        CHECK_OK(swirl_fib_air_build(&b));
        n->airs[i] = swirl_fixture_compile(b);
        swirl_keygen_air k = {n->airs[i], NULL, 0, i == 0};
        ka[i] = k;
    }
    CHECK_OK(swirl_keygen(&n->vk, &p, ka, 9));
    static const size_t h[3] = {4, 8, 2};
    swirl_trace_input in[9];
    memset(in, 0, sizeof in);
    for (int k = 0; k < 3; k++) {
        CHECK_OK(swirl_fib_trace(&n->tr[k], (uint64_t)k, 1, h[k]));
        n->pv[k][0] = bb31_from_u32((uint32_t)k);
        n->pv[k][1] = bb31_one();
        n->pv[k][2] = n->tr[k][2 * h[k] - 1];
        int air = k == 0 ? 0 : k == 1 ? 2 : 8;
        in[air].common = n->tr[k];
        in[air].height = h[k];
        in[air].public_values = n->pv[k];
    }
    for (int i = 0; i < 9; i++)
        if (!in[i].common)
            in[i].height = 4; /* absent: the height is ignored */
    CHECK_OK(swirl_flow_prove(&n->proof, n->vk, in, NULL, NULL));
}

static void nine_clear(nine *n) {
    swirl_proof_clear(&n->proof);
    swirl_vk_destroy(n->vk);
    for (int i = 0; i < 9; i++)
        swirl_air_destroy(n->airs[i]);
    for (int k = 0; k < 3; k++)
        free(n->tr[k]);
}

static void test_optional_airs_absent(void) {
    nine n;
    nine_init(&n);
    size_t len;
    uint8_t *b = round_trip(n.vk, &n.proof, &len, 1);
    CHECK(le32(b + 36) == 9);
    CHECK(b[40] == 0x05); /* AIRs 0 and 2 */
    CHECK(b[41] == 0x01); /* AIR 8; the 7 padding bits are zero */
    /* TraceVData of the present AIRs only: (2, 0), (3, 0), (1, 0) */
    CHECK(le32(b + 42) == 2 && le32(b + 46) == 0 && le32(b + 50) == 3 && le32(b + 54) == 0 &&
          le32(b + 58) == 1 && le32(b + 62) == 0);
    /* public values: 9 vectors, empty for the absent AIRs */
    size_t o = 66;
    CHECK(le32(b + o) == 9);
    o += 4;
    for (int i = 0; i < 9; i++) {
        uint32_t want = (i == 0 || i == 2 || i == 8) ? 3 : 0;
        CHECK_MSG(le32(b + o) == want, "AIR %d: %u public values", i, le32(b + o));
        o += 4 + 4 * want;
    }
    check_sections(b, len, o, n.vk, &n.proof);
    /* a padding bit set */
    b[41] |= 0x02;
    CHECK_STATUS(decode_verify(n.vk, b, len), SWIRL_E_PROOF_MALFORMED);
    CHECK(last_error_has("padding"));
    b[41] &= (uint8_t)~0x02;
    /* the required AIR 0 marked absent */
    b[40] &= (uint8_t)~0x01;
    CHECK_STATUS(decode_verify(n.vk, b, len), SWIRL_E_PROOF_MALFORMED);
    CHECK(last_error_has("required"));
    b[40] |= 0x01;
    /* an absent AIR with public values */
    set_le32(b + 70 + 16, 1);
    CHECK_STATUS(decode_verify(n.vk, b, len), SWIRL_E_PROOF_MALFORMED);
    CHECK(last_error_has("public values"));
    set_le32(b + 70 + 16, 0);
    CHECK_OK(decode_verify(n.vk, b, len));
    free(b);
    nine_clear(&n);
}

/* a key for one fib AIR (the AIR is returned: it outlives the key) */
static swirl_vk *fib_vk(swirl_air **fib_out) {
    swirl_air_builder *bld;
    CHECK_OK(swirl_fib_air_build(&bld));
    *fib_out = swirl_fixture_compile(bld);
    swirl_system_params p = swirl_fixture_small_params(2, 4, 8);
    swirl_keygen_air ka[1] = {{*fib_out, NULL, 0, 1}};
    swirl_vk *vk;
    CHECK_OK(swirl_keygen(&vk, &p, ka, 1));
    return vk;
}

static void test_fib_without_interactions(void) {
    swirl_air *fib;
    swirl_vk *vk = fib_vk(&fib);
    bb31 *tr;
    CHECK_OK(swirl_fib_trace(&tr, 0, 1, 16));
    bb31 pv[3] = {bb31_zero(), bb31_one(), tr[2 * 16 - 1]};
    swirl_trace_input in[1] = {{tr, 16, pv, NULL}};
    swirl_proof proof;
    CHECK_OK(swirl_flow_prove(&proof, vk, in, NULL, NULL));
    size_t len;
    uint8_t *b = round_trip(vk, &proof, &len, 1);
    CHECK(le32(b + 36) == 1 && b[40] == 0x01 && le32(b + 41) == 4);
    size_t gkr = 41 + 8 + 4 + 4 + 12;
    /* no interactions: q0 = 1, no layers, so the batch proof follows 24 bytes later */
    CHECK(le32(b + gkr + 4) == 1 && le32(b + gkr + 8) == 0 && le32(b + gkr + 20) == 0);
    CHECK(le32(b + gkr + 24) == 1);
    check_sections(b, len, gkr, vk, &proof);
    /* a GKR layer claimed where there are no interactions (with the bytes it needs) */
    uint8_t *c = malloc(len + 64);
    CHECK(c != NULL);
    memcpy(c, b, gkr + 24);
    memset(c + gkr + 24, 0, 64);
    memcpy(c + gkr + 24 + 64, b + gkr + 24, len - gkr - 24);
    set_le32(c + gkr + 20, 1);
    CHECK_STATUS(decode_verify(vk, c, len + 64), SWIRL_E_PROOF_MALFORMED);
    CHECK(last_error_has("GKR") && last_error_has("expected 0"));
    free(c);
    free(b);
    free(tr);
    swirl_proof_clear(&proof);
    swirl_vk_destroy(vk);
    swirl_air_destroy(fib);
}

/* ---- AIRs with preprocessed and cached partitions: a proof built by hand ---- */

static bb31 rnd_field(void) { return bb31_from_u32((uint32_t)swirl_test_rand_below(BB31_P)); }
static bb31x4 rnd_ext(void) {
    bb31x4 r;
    for (int i = 0; i < 4; i++)
        r.c[i] = rnd_field();
    return r;
}
static swirl_digest rnd_digest(void) {
    swirl_digest d;
    for (int i = 0; i < 8; i++)
        d.v[i] = rnd_field();
    return d;
}
#define NEW(ptr, count)                                                                            \
    do {                                                                                           \
        (ptr) = calloc((size_t)(count) + 1, sizeof *(ptr));                                        \
        CHECK((ptr) != NULL);                                                                      \
    } while (0)

static size_t stacked_width(const swirl_system_params *p, size_t w, unsigned lh) {
    swirl_stacked_layout lay;
    CHECK_OK(swirl_stacked_layout_init(&lay, (unsigned)p->l_skip,
                                       (unsigned)(p->l_skip + p->n_stack), &w, &lh, 1));
    size_t r = lay.width;
    swirl_stacked_layout_clear(&lay);
    return r;
}

static void test_preprocessed_cached_parts(void) {
    swirl_system_params p = swirl_fixture_small_params(2, 4, 8);
    swirl_air_builder *bld;
    CHECK_OK(swirl_preprocessed_cached_air_build(&bld, 2));
    swirl_air *pc = swirl_fixture_compile(bld);
    CHECK_OK(swirl_fib_air_build(&bld));
    swirl_air *fib = swirl_fixture_compile(bld);
    CHECK(pc->preprocessed_width == 1 && pc->n_cached == 2 && pc->n_interactions == 0);
    bb31 sel[8];
    for (int i = 0; i < 8; i++)
        sel[i] = bb31_from_u32((uint32_t)(i & 1));
    /* vk order: fib (4 rows), the preprocessed/cached AIR (8 rows): sorted, the latter first */
    swirl_keygen_air ka[2] = {{fib, NULL, 0, 1}, {pc, sel, 8, 1}};
    swirl_vk *vk;
    CHECK_OK(swirl_keygen(&vk, &p, ka, 2));
    swirl_proof pr;
    memset(&pr, 0, sizeof pr);
    pr.n_airs = 2;
    NEW(pr.present, 2);
    NEW(pr.log_heights, 2);
    NEW(pr.public_values, 2);
    NEW(pr.cached_commits, 2);
    pr.present[0] = pr.present[1] = 1;
    pr.log_heights[0] = 2;
    pr.log_heights[1] = 3;
    NEW(pr.public_values[0], 3);
    NEW(pr.public_values[1], pc->num_public_values);
    for (int k = 0; k < 3; k++)
        pr.public_values[0][k] = rnd_field();
    NEW(pr.cached_commits[1], 2);
    pr.cached_commits[1][0] = rnd_digest();
    pr.cached_commits[1][1] = rnd_digest();
    pr.common_main_commit = rnd_digest();
    /* no interactions: no GKR layers */
    pr.gkr.logup_pow_witness = rnd_field();
    pr.gkr.q0_claim = bb31x4_one();
    NEW(pr.gkr.claims_per_layer, 0);
    NEW(pr.gkr.sumcheck_polys, 0);
    /* batch: traces (pc, fib); n_max = 3 - 2 = 1 round of 4 evaluations */
    swirl_batch_proof *bp = &pr.batch;
    bp->n_traces = 2;
    NEW(bp->numerator_term_per_air, 2);
    NEW(bp->denominator_term_per_air, 2);
    bp->n_univariate = 13;
    NEW(bp->univariate_round_coeffs, 13);
    bp->n_rounds = 1;
    bp->s_deg = 4;
    NEW(bp->sumcheck_round_polys, 4);
    size_t step = swirl_zc_need_rot(pc) ? 2 : 1, fstep = swirl_zc_need_rot(fib) ? 2 : 1;
    CHECK(step == 2 && fstep == 2);
    size_t pc_parts[4] = {pc->common_width * step, 1 * step, pc->cached_widths[0] * step,
                          pc->cached_widths[1] * step};
    size_t pc_vals = pc_parts[0] + pc_parts[1] + pc_parts[2] + pc_parts[3];
    size_t fib_vals = fib->common_width * fstep;
    NEW(bp->openings_per_trace, 2);
    bp->openings_per_trace[0] = pc_vals;
    bp->openings_per_trace[1] = fib_vals;
    NEW(bp->openings, pc_vals + fib_vals);
    for (size_t i = 0; i < 2; i++) {
        bp->numerator_term_per_air[i] = rnd_ext();
        bp->denominator_term_per_air[i] = rnd_ext();
    }
    for (size_t i = 0; i < 13; i++)
        bp->univariate_round_coeffs[i] = rnd_ext();
    for (size_t i = 0; i < 4; i++)
        bp->sumcheck_round_polys[i] = rnd_ext();
    for (size_t i = 0; i < pc_vals + fib_vals; i++)
        bp->openings[i] = rnd_ext();
    /* stacking: commits common main (both traces), pc's preprocessed, pc's two cached */
    size_t widths[4] = {1, stacked_width(&p, 1, 3), stacked_width(&p, pc->cached_widths[0], 3),
                        stacked_width(&p, pc->cached_widths[1], 3)};
    swirl_stacking_proof *sp = &pr.stacking;
    sp->n_univariate = 7;
    NEW(sp->univariate_round_coeffs, 7);
    sp->n_rounds = p.n_stack;
    NEW(sp->sumcheck_round_polys, p.n_stack);
    sp->n_commits = 4;
    NEW(sp->openings_per_commit, 4);
    size_t total_w = 0;
    for (int c = 0; c < 4; c++) {
        sp->openings_per_commit[c] = widths[c];
        total_w += widths[c];
    }
    NEW(sp->stacking_openings, total_w);
    for (size_t i = 0; i < 7; i++)
        sp->univariate_round_coeffs[i] = rnd_ext();
    for (size_t i = 0; i < p.n_stack; i++)
        sp->sumcheck_round_polys[i][0] = sp->sumcheck_round_polys[i][1] = rnd_ext();
    for (size_t i = 0; i < total_w; i++)
        sp->stacking_openings[i] = rnd_ext();
    /* WHIR with the parameters' shapes and 4 commits */
    swirl_whir_proof *w = &pr.whir;
    size_t m = p.l_skip + p.n_stack, k = p.whir.k, R = p.whir.num_rounds, K = (size_t)1 << k;
    size_t q0 = p.whir.num_queries[0], depth0 = m + p.log_blowup - k;
    w->mu_pow_witness = rnd_field();
    w->n_sumcheck = R * k;
    NEW(w->sumcheck_polys, R * k);
    w->n_codeword = R - 1;
    NEW(w->codeword_commits, R - 1);
    NEW(w->ood_values, R - 1);
    NEW(w->folding_pow_witnesses, R * k);
    w->n_rounds = R;
    NEW(w->query_pow_witnesses, R);
    w->n_commits = 4;
    NEW(w->widths, 4);
    size_t rows = 0;
    for (int c = 0; c < 4; c++) {
        w->widths[c] = widths[c];
        rows += q0 * K * widths[c];
    }
    NEW(w->initial_rows, rows);
    NEW(w->initial_paths, 4 * q0 * depth0);
    size_t vals = 0, paths = 0;
    for (size_t r = 1; r < R; r++) {
        vals += p.whir.num_queries[r] * K;
        paths += p.whir.num_queries[r] * (m + p.log_blowup - r - k);
    }
    NEW(w->codeword_values, vals);
    NEW(w->codeword_paths, paths);
    w->n_final = (size_t)1 << (m - R * k);
    NEW(w->final_poly, w->n_final);
    for (size_t i = 0; i < R * k; i++) {
        w->sumcheck_polys[i][0] = w->sumcheck_polys[i][1] = rnd_ext();
        w->folding_pow_witnesses[i] = rnd_field();
    }
    for (size_t i = 0; i < R; i++)
        w->query_pow_witnesses[i] = rnd_field();
    for (size_t i = 0; i + 1 < R; i++) {
        w->codeword_commits[i] = rnd_digest();
        w->ood_values[i] = rnd_ext();
    }
    for (size_t i = 0; i < rows; i++)
        w->initial_rows[i] = rnd_field();
    for (size_t i = 0; i < 4 * q0 * depth0; i++)
        w->initial_paths[i] = rnd_digest();
    for (size_t i = 0; i < vals; i++)
        w->codeword_values[i] = rnd_ext();
    for (size_t i = 0; i < paths; i++)
        w->codeword_paths[i] = rnd_digest();
    for (size_t i = 0; i < w->n_final; i++)
        w->final_poly[i] = rnd_ext();

    size_t len;
    uint8_t *b = round_trip(vk, &pr, &len, 0);
    /* TraceVData: fib (2, no cached), pc (3, 2 cached commitments) */
    CHECK(le32(b + 36) == 2 && b[40] == 0x03);
    CHECK(le32(b + 41) == 2 && le32(b + 45) == 0 && le32(b + 49) == 3 && le32(b + 53) == 2);
    for (int c = 0; c < 2; c++)
        for (int i = 0; i < 8; i++)
            CHECK(le32(b + 57 + 32 * c + 4 * i) == bb31_to_u32(pr.cached_commits[1][c].v[i]));
    size_t o = 57 + 64;
    CHECK(le32(b + o) == 2 && le32(b + o + 4) == 3 && le32(b + o + 20) == pc->num_public_values);
    o += 24 + 4 * pc->num_public_values;
    size_t gkr = o;
    CHECK(le32(b + gkr + 20) == 0);
    /* batch: 2 AIRs, 13 coefficients, 1 round of 4, then pc's 4 parts and fib's 1 */
    o = gkr + 24;
    CHECK(le32(b + o) == 2);
    o += 4 + 2 * 32;
    CHECK(le32(b + o) == 13);
    o += 4 + 13 * 16;
    CHECK(le32(b + o) == 1 && le32(b + o + 4) == 4);
    o += 8 + 4 * 16;
    CHECK(le32(b + o) == 4);
    o += 4;
    size_t v = 0;
    for (int part = 0; part < 4; part++) {
        CHECK_MSG(le32(b + o) == pc_parts[part], "part %d: %u values", part, le32(b + o));
        /* the part's values are the flattened openings, in order */
        for (size_t j = 0; j < pc_parts[part]; j++, v++)
            CHECK(le32(b + o + 4 + 16 * j) == bb31_to_u32(bp->openings[v].c[0]));
        o += 4 + 16 * pc_parts[part];
    }
    CHECK(le32(b + o) == 1 && le32(b + o + 4) == fib_vals);
    o += 8 + 16 * fib_vals;
    /* stacking: 4 commits */
    CHECK(le32(b + o) == 7);
    check_sections(b, len, gkr, vk, &pr);
    /* a wrong number of cached commitments (pc's count at byte 53) */
    set_le32(b + 53, 1);
    CHECK_STATUS(decode_verify(vk, b, len), SWIRL_E_PROOF_MALFORMED);
    CHECK(last_error_has("cached"));
    set_le32(b + 53, 2);
    /* a wrong part count and a wrong part length */
    size_t parts_at = gkr + 24 + 4 + 64 + 4 + 208 + 8 + 64;
    set_le32(b + parts_at, 3);
    CHECK_STATUS(decode_verify(vk, b, len), SWIRL_E_PROOF_MALFORMED);
    CHECK(last_error_has("parts"));
    set_le32(b + parts_at, 4);
    set_le32(b + parts_at + 4, (uint32_t)pc_parts[0] / 2);
    CHECK_STATUS(decode_verify(vk, b, len), SWIRL_E_PROOF_MALFORMED);
    CHECK(last_error_has("part 0"));
    set_le32(b + parts_at + 4, (uint32_t)pc_parts[0]);
    swirl_proof d;
    CHECK_OK(swirl_proof_decode(&d, b, len, vk));
    swirl_proof_clear(&d);
    free(b);
    swirl_proof_clear(&pr);
    swirl_vk_destroy(vk);
    swirl_air_destroy(pc);
    swirl_air_destroy(fib);
}

/* ---- hostile bytes ---- */

static void test_every_byte_changed(void) {
    swirl_fixture_three f;
    swirl_proof proof;
    prove_three(&f, &proof);
    uint8_t *b;
    size_t len;
    CHECK_OK(swirl_proof_encode(&b, &len, &proof, f.vk));
    /* every byte with one bit flipped (the bit cycles with the position), and in a Release build
     * every byte xor 0x80 as well (bit 31 of a field element is always non-canonical; of a length
     * it asks for more than the input) */
    size_t n_masks = swirl_test_sanitized() ? 1 : 2, malformed = 0, rejected = 0;
    for (size_t mi = 0; mi < n_masks; mi++)
        for (size_t i = 0; i < len; i++) {
            uint8_t mask = mi == 0 ? (uint8_t)(1u << (i % 8)) : 0x80;
            b[i] ^= mask;
            enum swirl_status st = decode_verify(f.vk, b, len);
            b[i] ^= mask;
            CHECK_MSG(st == SWIRL_E_PROOF_MALFORMED || st == SWIRL_E_PROOF_REJECTED,
                      "byte %zu of %zu xor 0x%02x: %s (%s)", i, len, mask, swirl_status_str(st),
                      swirl_last_error());
            malformed += st == SWIRL_E_PROOF_MALFORMED;
            rejected += st == SWIRL_E_PROOF_REJECTED;
        }
    printf("    %zu bytes, %zu changes: %zu malformed, %zu rejected\n", len, malformed + rejected,
           malformed, rejected);
    CHECK(malformed > 0 && rejected > 0);
    CHECK_OK(decode_verify(f.vk, b, len));
    free(b);
    swirl_proof_clear(&proof);
    swirl_fixture_three_clear(&f);
}

static void test_truncations_and_trailing(void) {
    swirl_fixture_three f;
    swirl_proof proof;
    prove_three(&f, &proof);
    uint8_t *b;
    size_t len;
    CHECK_OK(swirl_proof_encode(&b, &len, &proof, f.vk));
    swirl_proof d;
    for (size_t n = 0; n < len; n++) {
        CHECK_MSG(swirl_proof_decode(&d, b, n, f.vk) == SWIRL_E_PROOF_MALFORMED,
                  "prefix of %zu bytes", n);
        CHECK_MSG(last_error_has("proof decode: ") && last_error_has(" byte "),
                  "prefix of %zu bytes: %s", n, swirl_last_error());
    }
    CHECK_STATUS(swirl_proof_decode(&d, NULL, 0, f.vk), SWIRL_E_PROOF_MALFORMED);
    uint8_t *c = malloc(len + 1);
    CHECK(c != NULL);
    memcpy(c, b, len);
    c[len] = 0;
    CHECK_STATUS(swirl_proof_decode(&d, c, len + 1, f.vk), SWIRL_E_PROOF_MALFORMED);
    CHECK(last_error_has("trailing"));
    CHECK_OK(swirl_proof_decode(&d, c, len, f.vk));
    swirl_proof_clear(&d);
    free(c);
    free(b);
    swirl_proof_clear(&proof);
    swirl_fixture_three_clear(&f);
}

static void test_huge_lengths(void) {
    swirl_fixture_three f;
    swirl_proof proof;
    prove_three(&f, &proof);
    uint8_t *b;
    size_t len;
    CHECK_OK(swirl_proof_encode(&b, &len, &proof, f.vk));
    size_t gkr = 93, bo = gkr + 4 + 16 + 4 + 6 * 64 + 15 * 48;
    size_t so = bo + 4 + 3 * 32 + 4 + 13 * 16 + 8 + 3 * 4 * 16 + (8 + 32) + (8 + 32) + (8 + 64);
    CHECK(le32(b + so) == 7);
    /* u32 lengths (AIR count, AIR 0's cached commitments, public values' AIR count, AIR 0's
     * public values, GKR layers, batch AIR count and round-0 length, stacking round-0 length and
     * round count) set to 0xffffffff, and the section the message must name */
    static const char *const part[9] = {"header",        "trace data", "public values",
                                        "public values", "GKR",        "batch",
                                        "batch",         "stacking",   "stacking"};
    size_t offs[9] = {36, 45, 65, 69, gkr + 20, bo, bo + 4 + 3 * 32, so, so + 4 + 7 * 16};
    for (size_t i = 0; i < 9; i++) {
        uint8_t saved[4];
        memcpy(saved, b + offs[i], 4);
        memset(b + offs[i], 0xff, 4);
        swirl_proof d;
        CHECK_STATUS(swirl_proof_decode(&d, b, len, f.vk), SWIRL_E_PROOF_MALFORMED);
        CHECK_MSG(last_error_has(part[i]), "length at byte %zu: %s", offs[i], swirl_last_error());
        memcpy(b + offs[i], saved, 4);
    }
    CHECK_OK(decode_verify(f.vk, b, len));
    free(b);
    swirl_proof_clear(&proof);
    swirl_fixture_three_clear(&f);
}

static void test_shapes_against_the_key(void) {
    swirl_fixture_three f;
    swirl_proof proof;
    prove_three(&f, &proof);
    uint8_t *b;
    size_t len;
    CHECK_OK(swirl_proof_encode(&b, &len, &proof, f.vk));
    swirl_proof d;
    /* another codec version */
    b[0] = 4;
    CHECK_STATUS(swirl_proof_decode(&d, b, len, f.vk), SWIRL_E_PROOF_MALFORMED);
    CHECK(last_error_has("version") && last_error_has("byte 0"));
    b[0] = 3;
    /* the sender's log height above l_skip + n_stack = 6 */
    set_le32(b + 49, 7);
    CHECK_STATUS(swirl_proof_decode(&d, b, len, f.vk), SWIRL_E_PROOF_MALFORMED);
    CHECK(last_error_has("log height") && last_error_has("byte 49"));
    /* a smaller one: n_max, the GKR layers and the stacked widths no longer match */
    set_le32(b + 49, 4);
    CHECK_STATUS(swirl_proof_decode(&d, b, len, f.vk), SWIRL_E_PROOF_MALFORMED);
    set_le32(b + 49, 5);
    /* public values of an AIR that has none */
    set_le32(b + 85, 1);
    CHECK_STATUS(swirl_proof_decode(&d, b, len, f.vk), SWIRL_E_PROOF_MALFORMED);
    set_le32(b + 85, 0);
    /* a round count that disagrees with n_max = 3 */
    size_t rounds = 93 + 1128 + 4 + 96 + 4 + 208;
    CHECK(le32(b + rounds) == 3);
    set_le32(b + rounds, 2);
    CHECK_STATUS(swirl_proof_decode(&d, b, len, f.vk), SWIRL_E_PROOF_MALFORMED);
    CHECK(last_error_has("batch") && last_error_has("sumcheck rounds"));
    set_le32(b + rounds, 3);
    set_le32(b + rounds + 4, 3);
    CHECK_STATUS(swirl_proof_decode(&d, b, len, f.vk), SWIRL_E_PROOF_MALFORMED);
    set_le32(b + rounds + 4, 4);
    CHECK_OK(decode_verify(f.vk, b, len));
    /* the bytes decoded for another key (one fib AIR): the AIR count differs */
    swirl_air *fib;
    swirl_vk *vk1 = fib_vk(&fib);
    CHECK_STATUS(swirl_proof_decode(&d, b, len, vk1), SWIRL_E_PROOF_MALFORMED);
    CHECK(last_error_has("AIRs"));
    /* and encoding the proof for that key is refused */
    uint8_t *x = NULL;
    size_t xl = 0;
    CHECK_STATUS(swirl_proof_encode(&x, &xl, &proof, vk1), SWIRL_E_INVALID_ARG);
    CHECK(x == NULL);
    CHECK_STATUS(swirl_proof_encode(NULL, &xl, &proof, f.vk), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_proof_decode(NULL, b, len, f.vk), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_proof_decode(&d, b, len, NULL), SWIRL_E_INVALID_ARG);
    swirl_vk_destroy(vk1);
    swirl_air_destroy(fib);
    free(b);
    swirl_proof_clear(&proof);
    swirl_fixture_three_clear(&f);
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_three_airs_layout),        SWIRL_TEST(test_optional_airs_absent),
    SWIRL_TEST(test_fib_without_interactions), SWIRL_TEST(test_preprocessed_cached_parts),
    SWIRL_TEST(test_truncations_and_trailing), SWIRL_TEST(test_huge_lengths),
    SWIRL_TEST(test_shapes_against_the_key),   SWIRL_TEST(test_every_byte_changed),
};

int main(int argc, char **argv) { return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests)); }
