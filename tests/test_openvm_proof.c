/* Known answers from OpenVM v2.0.0's own outputs (tests/vectors/openvm-v2.0.0/, the fixture
 * generator of openvm-zorch): one whole proof of OpenVM's 5-AIR test system (FibonacciAir, 64 rows,
 * public values [0, 1, 298454053]; DummyInteractionAir senders / receivers on buses 0 and 1) with
 * default_test_params_small() (l_skip 2, n_stack 8, k_whir 3, PoW 2/3/2/1, WHIR queries
 * [10, 4, 2]), cut by the generator at every stage (logup_gkr/, zerocheck/, stacked_reduction/,
 * whir/):
 *  - the vk pre-hash, the common main commitment and the whole Fiat-Shamir log of our prover
 *    (945 values, their sample flags, the sponge state after every permutation) equal OpenVM's;
 *    a divergence names its position, its stage and both values;
 *  - walking our log stage by stage (as the generator walks OpenVM's), every observed value is
 *    the one in our proof structs and every proof value and challenge equals the vector's: LogUp
 *    PoW witness, alpha, beta, the GKR input layer, q0, the layer claims and sumcheck polynomials,
 *    xi; the batch sumcheck's lambda, sum claims, mu, univariate coefficients, round polynomials,
 *    r and column openings; the stacked reduction's stacked matrix and layout, lambda, univariate
 *    coefficients, round polynomials, u and stacking openings; WHIR's mu and every PoW witness,
 *    sumcheck polynomial, codeword commitment, OOD value, query index, opened row, Merkle path and
 *    the final polynomial;
 *  - the verifier accepts the proof (the Fibonacci trace, 2^6 rows, is taller than the LogUp
 *    input, 2^5), its log equals the prover's, the proof survives encode / decode and still
 *    verifies, and tampered values are rejected;
 *  - prove/'s production-shaped parameters (l_skip 4, k_whir 4: queries [10, 3, 2]) prove and
 *    verify the same traces (its outputs are held back upstream, so only the shape is known). */
#include <stdlib.h>
#include <string.h>

#include "pcs_test_util.h"
#include "air/test_airs.h"
#include "harness.h"
#include "openvm_vectors.h"
#include "pcs/stacked.h"
#include "protocol/codec_proof.h"
#include "prover/prove.h"
#include "protocol/logup.h"

enum { N_AIRS = 5 };

/* ---- the case: AIRs, key, traces, our proof and its log (built once) ---- */

typedef struct staged_case {
    int ready;
    swirl_system_params params;
    swirl_air *airs[N_AIRS];
    swirl_vk *vk;
    bb31 *traces[N_AIRS];
    size_t height[N_AIRS], width[N_AIRS];
    bb31 pv[3];
    swirl_trace_input in[N_AIRS];
    swirl_proof proof;
    swirl_transcript_log log;
    size_t sorted[N_AIRS]; /* trace order: AIR indices by height, descending (meta sorted_airs) */
    /* stage ends in the log (the vectors' meta.json) */
    size_t prelude_len, stage2_end, stage3_end, stage4_end, stage5_end;
} staged_case;

static staged_case C;

/* test_system_params_small(l_skip, n_stack, k_whir) (OpenVM test_utils/mod.rs): w_stack 2^12,
 * log_blowup 1, degree 3, LogUp {2^30, 7, PoW 2}, WHIR final length 2^((l_skip + n_stack) % k),
 * PoW query 1 / folding 2 / mu 3, SplitUniqueList {m 3, from round 1}, 5 security bits. */
static swirl_system_params small_params(size_t l_skip, size_t n_stack, size_t k) {
    swirl_system_params p;
    memset(&p, 0, sizeof p);
    p.l_skip = l_skip;
    p.n_stack = n_stack;
    p.w_stack = 1u << 12;
    p.log_blowup = 1;
    p.max_constraint_degree = 3;
    p.logup.max_interaction_count = 1u << 30;
    p.logup.log_max_message_length = 7;
    p.logup.pow_bits = 2;
    swirl_whir_proximity prox = {SWIRL_PROXIMITY_SPLIT_UNIQUE_LIST, 3, 1};
    CHECK_OK(swirl_whir_config_init(&p.whir, 1, l_skip + n_stack, k, (l_skip + n_stack) % k, 1,
                                    prox, 2, 3, 5));
    return p;
}

/* AIRs, traces (from `dir`/inputs) and public values of the 5-AIR system, keyed with params. */
static void load_system(staged_case *c, const char *dir, const swirl_system_params *params) {
    json_t *meta = ovm_json("logup_gkr/meta.json");
    json_t *airs = json_object_get(meta, "airs");
    CHECK(json_is_array(airs) && json_array_size(airs) == N_AIRS);
    uint32_t pv[3];
    CHECK(ovm_json_u32s(json_object_get(json_array_get(airs, 0), "public_values"), pv, 3) == 3);
    for (int i = 0; i < 3; i++)
        c->pv[i] = bb31_from_u32(pv[i]);
    swirl_keygen_air ka[N_AIRS];
    for (size_t i = 0; i < N_AIRS; i++) {
        json_t *a = json_array_get(airs, i);
        CHECK(json_is_false(json_object_get(a, "is_required")));
        c->airs[i] = ovm_case_air(i);
        ka[i] = (swirl_keygen_air){c->airs[i], NULL, 0, 0};
        char rel[64];
        snprintf(rel, sizeof rel, "%s/inputs/trace_%zu.npy", dir, i);
        c->traces[i] = ovm_load_trace(rel, &c->height[i], &c->width[i]);
        CHECK(c->height[i] == ovm_json_size(a, "height") &&
              c->width[i] == ovm_json_size(a, "width"));
        CHECK(c->width[i] == c->airs[i]->common_width);
        c->in[i] = (swirl_trace_input){c->traces[i], c->height[i], i == 0 ? c->pv : NULL, NULL};
    }
    json_decref(meta);
    c->params = *params;
    CHECK_OK(swirl_keygen(&c->vk, &c->params, ka, N_AIRS));
}

static void free_system(staged_case *c) {
    swirl_vk_destroy(c->vk);
    for (size_t i = 0; i < N_AIRS; i++) {
        swirl_air_destroy(c->airs[i]);
        free(c->traces[i]);
    }
}

static size_t meta_size(const char *rel, const char *key) {
    json_t *m = ovm_json(rel);
    size_t v = ovm_json_size(m, key);
    json_decref(m);
    return v;
}

static staged_case *staged(void) {
    if (C.ready)
        return &C;
    swirl_system_params p = small_params(2, 8, 3);
    CHECK(p.whir.num_rounds == 3);
    CHECK(p.whir.num_queries[0] == 10 && p.whir.num_queries[1] == 4 && p.whir.num_queries[2] == 2);
    load_system(&C, "logup_gkr", &p);
    C.prelude_len = meta_size("logup_gkr/meta.json", "prelude_len");
    C.stage2_end = meta_size("logup_gkr/meta.json", "stage2_end");
    C.stage3_end = meta_size("zerocheck/meta.json", "stage3_end");
    C.stage4_end = meta_size("stacked_reduction/meta.json", "stage4_end");
    C.stage5_end = meta_size("whir/meta.json", "stage5_end");
    CHECK(C.stage5_end == meta_size("whir/meta.json", "transcript_len"));
    swirl_transcript_log_init(&C.log);
    CHECK_OK(swirl_flow_prove(&C.proof, C.vk, C.in, NULL, &C.log));
    CHECK(!C.log.failed);
    CHECK(swirl_proof_trace_order(C.sorted, C.proof.present, C.proof.log_heights, N_AIRS) ==
          N_AIRS);
    json_t *meta = ovm_json("logup_gkr/meta.json");
    uint32_t sorted[N_AIRS];
    CHECK(ovm_json_u32s(json_object_get(meta, "sorted_airs"), sorted, N_AIRS) == N_AIRS);
    for (size_t t = 0; t < N_AIRS; t++)
        CHECK(C.sorted[t] == sorted[t]);
    json_decref(meta);
    C.ready = 1;
    return &C;
}

static void free_staged(void) {
    if (!C.ready)
        return;
    swirl_proof_clear(&C.proof);
    swirl_transcript_log_clear(&C.log);
    free_system(&C);
    memset(&C, 0, sizeof C);
}

static const char *stage_of(const staged_case *c, size_t pos) {
    if (pos < c->prelude_len)
        return "prelude";
    if (pos < c->stage2_end)
        return "logup_gkr";
    if (pos < c->stage3_end)
        return "zerocheck";
    if (pos < c->stage4_end)
        return "stacked_reduction";
    if (pos < c->stage5_end)
        return "whir";
    return "past the end";
}

/* ---- the log ---- */

static const char *stage_name(size_t pos, const void *ctx) {
    return stage_of(ctx, pos);
}

/* Our log against the transcript arrays of one vector folder, divergences named by stage. */
static void check_log(const staged_case *c, const swirl_transcript_log *log, const char *dir) {
    ovm_check_log(log, dir, c->stage5_end, stage_name, c);
}

static void test_key_and_commit(void) {
    staged_case *c = staged();
    json_t *meta = ovm_json("logup_gkr/meta.json");
    uint32_t want[8];
    CHECK(ovm_json_u32s(json_object_get(meta, "vk_pre_hash"), want, 8) == 8);
    ovm_cmp_digests("vk_pre_hash", want, &c->vk->pre_hash, 1);
    CHECK(ovm_json_u32s(json_object_get(meta, "common_main_commit"), want, 8) == 8);
    ovm_cmp_digests("common_main_commit", want, &c->proof.common_main_commit, 1);
    json_decref(meta);
}

static void test_prover_log(void) {
    staged_case *c = staged();
    check_log(c, &c->log, "logup_gkr/outputs");
    /* every stage's folder holds the same whole-proof log */
    check_log(c, &c->log, "zerocheck/outputs");
    check_log(c, &c->log, "stacked_reduction/outputs");
    check_log(c, &c->log, "whir/outputs");
}

/* ---- walking our log as the generator walks OpenVM's ---- */

typedef struct walker {
    const staged_case *c;
    size_t idx;
} walker;

static bb31 rd(walker *w, int sampled) {
    const swirl_transcript_log *log = &w->c->log;
    CHECK_MSG(w->idx < log->n_values, "log ends at %zu", w->idx);
    CHECK_MSG(log->is_sample[w->idx] == (sampled != 0),
              "transcript position %zu (stage %s): %s, "
              "expected %s",
              w->idx, stage_of(w->c, w->idx), log->is_sample[w->idx] ? "sampled" : "observed",
              sampled ? "a sample" : "an observe");
    return bb31_from_u32(log->values[w->idx++]);
}

static bb31x4 rd_ext(walker *w, int sampled) {
    bb31x4 r;
    for (int i = 0; i < 4; i++)
        r.c[i] = rd(w, sampled);
    return r;
}

/* An observed value that must be `want` (a value of our proof struct). */
static void obs(walker *w, bb31 want, const char *what) {
    size_t at = w->idx;
    bb31 got = rd(w, 0);
    CHECK_MSG(bb31_eq(got, want), "position %zu: observed %u, the proof's %s is %u", at,
              bb31_to_u32(got), what, bb31_to_u32(want));
}

static void obs_ext(walker *w, bb31x4 want, const char *what) {
    for (int i = 0; i < 4; i++)
        obs(w, want.c[i], what);
}

static void obs_digest(walker *w, const swirl_digest *d, const char *what) {
    for (int i = 0; i < 8; i++)
        obs(w, d->v[i], what);
}

/* check_witness: the witness observed, then a sample whose low `bits` bits are zero */
static void grind(walker *w, bb31 witness, unsigned bits, const char *what) {
    obs(w, witness, what);
    uint32_t s = bb31_to_u32(rd(w, 1));
    CHECK_MSG((s & ((1u << bits) - 1)) == 0, "%s: PoW sample %u has low bits set", what, s);
}

/* The challenges the walk recovers. */
typedef struct challenges {
    bb31x4 alpha, beta, xi[16];
    size_t n_xi;
    bb31x4 zc_lambda, zc_mu, r[16];
    size_t n_r;
    bb31x4 sr_lambda, u[16];
    size_t n_u;
    bb31x4 whir_mu;
    uint32_t query_idx[SWIRL_WHIR_MAX_ROUNDS][16];
} challenges;

static void walk_prelude(walker *w) {
    const staged_case *c = w->c;
    obs_digest(w, &c->vk->pre_hash, "vk pre-hash");
    obs_digest(w, &c->proof.common_main_commit, "common main commit");
    for (size_t i = 0; i < N_AIRS; i++) {
        obs(w, bb31_one(), "presence flag");
        obs(w, bb31_from_u32(c->proof.log_heights[i]), "log height");
        CHECK(c->proof.log_heights[i] == swirl_log2_exact(c->height[i]));
        for (size_t k = 0; k < c->airs[i]->num_public_values; k++)
            obs(w, c->proof.public_values[i][k], "public value");
    }
    CHECK(w->idx == c->prelude_len);
}

static void walk_gkr(walker *w, challenges *ch) {
    const swirl_gkr_proof *g = &w->c->proof.gkr;
    grind(w, g->logup_pow_witness, (unsigned)w->c->params.logup.pow_bits, "logup PoW witness");
    ch->alpha = rd_ext(w, 1);
    ch->beta = rd_ext(w, 1);
    obs_ext(w, g->q0_claim, "q0_claim");
    size_t entry = 0;
    for (size_t layer = 0; layer < g->n_layers; layer++) {
        bb31x4 rho[16];
        if (layer > 0) {
            (void)rd_ext(w, 1); /* lambda */
            for (size_t j = 0; j < layer; j++, entry++) {
                for (int k = 0; k < 3; k++)
                    obs_ext(w, g->sumcheck_polys[entry][k], "GKR sumcheck evaluation");
                rho[j] = rd_ext(w, 1);
            }
        }
        const swirl_gkr_layer_claims *cl = &g->claims_per_layer[layer];
        obs_ext(w, cl->p_xi_0, "p_xi_0");
        obs_ext(w, cl->q_xi_0, "q_xi_0");
        obs_ext(w, cl->p_xi_1, "p_xi_1");
        obs_ext(w, cl->q_xi_1, "q_xi_1");
        ch->xi[0] = rd_ext(w, 1); /* mu */
        for (size_t j = 0; j < layer; j++)
            ch->xi[1 + j] = rho[j];
        ch->n_xi = layer + 1;
    }
    CHECK(entry == g->n_sumcheck_entries);
    /* xi padded by samples up to l_skip + n_global */
    while (w->idx < w->c->stage2_end)
        ch->xi[ch->n_xi++] = rd_ext(w, 1);
    CHECK(w->idx == w->c->stage2_end);
}

static void walk_zerocheck(walker *w, challenges *ch) {
    const swirl_batch_proof *b = &w->c->proof.batch;
    ch->zc_lambda = rd_ext(w, 1);
    for (size_t t = 0; t < b->n_traces; t++) {
        obs_ext(w, b->numerator_term_per_air[t], "numerator term");
        obs_ext(w, b->denominator_term_per_air[t], "denominator term");
    }
    ch->zc_mu = rd_ext(w, 1);
    for (size_t i = 0; i < b->n_univariate; i++)
        obs_ext(w, b->univariate_round_coeffs[i], "univariate coefficient");
    ch->r[0] = rd_ext(w, 1);
    for (size_t round = 0; round < b->n_rounds; round++) {
        for (size_t e = 0; e < b->s_deg; e++)
            obs_ext(w, b->sumcheck_round_polys[round * b->s_deg + e], "round evaluation");
        ch->r[round + 1] = rd_ext(w, 1);
    }
    ch->n_r = b->n_rounds + 1;
    /* common main openings per trace (sorted): (claim, claim_rot), claim_rot 0 without rotation */
    const size_t *sorted = w->c->sorted;
    size_t off = 0;
    for (size_t t = 0; t < b->n_traces; t++) {
        int rot = swirl_zc_need_rot(w->c->airs[sorted[t]]);
        size_t n = b->openings_per_trace[t];
        CHECK(n == w->c->width[sorted[t]] * (rot ? 2u : 1u));
        for (size_t i = 0; i < n; i++) {
            obs_ext(w, b->openings[off + i], "column opening");
            if (!rot)
                obs_ext(w, bb31x4_zero(), "zero rotation claim");
        }
        off += n;
    }
    CHECK(w->idx == w->c->stage3_end);
}

static void walk_stacking(walker *w, challenges *ch) {
    const swirl_stacking_proof *s = &w->c->proof.stacking;
    ch->sr_lambda = rd_ext(w, 1);
    for (size_t i = 0; i < s->n_univariate; i++)
        obs_ext(w, s->univariate_round_coeffs[i], "stacking univariate coefficient");
    ch->u[0] = rd_ext(w, 1);
    for (size_t round = 0; round < s->n_rounds; round++) {
        obs_ext(w, s->sumcheck_round_polys[round][0], "stacking round s(1)");
        obs_ext(w, s->sumcheck_round_polys[round][1], "stacking round s(2)");
        ch->u[round + 1] = rd_ext(w, 1);
    }
    ch->n_u = s->n_rounds + 1;
    size_t total = 0;
    for (size_t c = 0; c < s->n_commits; c++)
        total += s->openings_per_commit[c];
    for (size_t i = 0; i < total; i++)
        obs_ext(w, s->stacking_openings[i], "stacking opening");
    CHECK(w->idx == w->c->stage4_end);
}

static void walk_whir(walker *w, challenges *ch) {
    const swirl_whir_proof *wp = &w->c->proof.whir;
    const swirl_system_params *p = &w->c->params;
    size_t k = p->whir.k, rounds = p->whir.num_rounds;
    CHECK(wp->n_rounds == rounds && wp->n_sumcheck == rounds * k);
    grind(w, wp->mu_pow_witness, (unsigned)p->whir.mu_pow_bits, "mu PoW witness");
    ch->whir_mu = rd_ext(w, 1);
    size_t log_rs = p->l_skip + p->n_stack + p->log_blowup;
    for (size_t r = 0; r < rounds; r++) {
        for (size_t j = 0; j < k; j++) {
            size_t flat = r * k + j;
            obs_ext(w, wp->sumcheck_polys[flat][0], "WHIR sumcheck s(1)");
            obs_ext(w, wp->sumcheck_polys[flat][1], "WHIR sumcheck s(2)");
            grind(w, wp->folding_pow_witnesses[flat], (unsigned)p->whir.folding_pow_bits,
                  "folding PoW witness");
            (void)rd_ext(w, 1); /* alpha */
        }
        if (r + 1 < rounds) {
            obs_digest(w, &wp->codeword_commits[r], "codeword commit");
            (void)rd_ext(w, 1); /* z_0 */
            obs_ext(w, wp->ood_values[r], "OOD value");
        } else {
            for (size_t i = 0; i < wp->n_final; i++)
                obs_ext(w, wp->final_poly[i], "final polynomial coefficient");
        }
        grind(w, wp->query_pow_witnesses[r], (unsigned)p->whir.query_phase_pow_bits,
              "query PoW witness");
        unsigned bits = (unsigned)(log_rs - k);
        CHECK(p->whir.num_queries[r] <= 16);
        for (size_t q = 0; q < p->whir.num_queries[r]; q++)
            ch->query_idx[r][q] = bb31_to_u32(rd(w, 1)) & ((1u << bits) - 1);
        (void)rd_ext(w, 1); /* gamma */
        log_rs--;
    }
    CHECK(w->idx == w->c->stage5_end && w->idx == w->c->log.n_values);
}

static void walk_all(challenges *ch) {
    walker w = {staged(), 0};
    memset(ch, 0, sizeof *ch);
    walk_prelude(&w);
    walk_gkr(&w, ch);
    walk_zerocheck(&w, ch);
    walk_stacking(&w, ch);
    walk_whir(&w, ch);
}

/* An ext vector file against values; n must be the file's first dimension. */
static void cmp_ext_file(const char *rel, const bb31x4 *got, size_t n) {
    swirl_npy a;
    OVM_LOAD(&a, rel, n, 4);
    ovm_cmp_ext(rel, ovm_u32(&a), got, n);
    swirl_npy_clear(&a);
}

static void cmp_ext1(const char *rel, bb31x4 got) {
    swirl_npy a;
    OVM_LOAD(&a, rel, 4);
    ovm_cmp_ext(rel, ovm_u32(&a), &got, 1);
    swirl_npy_clear(&a);
}

static void test_logup_gkr_stage(void) {
    staged_case *c = staged();
    challenges ch;
    walk_all(&ch);
    json_t *meta = ovm_json("logup_gkr/meta.json");
    CHECK(bb31_to_u32(c->proof.gkr.logup_pow_witness) == ovm_json_size(meta, "logup_pow_witness"));
    CHECK(ovm_json_size(meta, "idx_after_beta") == c->prelude_len + 2 + 8);
    size_t n_logup = ovm_json_size(meta, "n_logup"), n_global = ovm_json_size(meta, "n_global");
    CHECK(swirl_calculate_n_logup(2, ovm_json_size(meta, "total_interactions")) == n_logup);
    json_decref(meta);
    cmp_ext1("logup_gkr/outputs/alpha.npy", ch.alpha);
    cmp_ext1("logup_gkr/outputs/beta.npy", ch.beta);
    CHECK(ch.n_xi == c->params.l_skip + n_global);
    cmp_ext_file("logup_gkr/outputs/xi.npy", ch.xi, ch.n_xi);
    cmp_ext_file("zerocheck/outputs/xi.npy", ch.xi, ch.n_xi);

    const swirl_gkr_proof *g = &c->proof.gkr;
    cmp_ext1("logup_gkr/outputs/q0_claim.npy", g->q0_claim);
    CHECK(g->n_layers == c->params.l_skip + n_logup);
    swirl_npy a;
    OVM_LOAD(&a, "logup_gkr/outputs/claims_per_layer.npy", g->n_layers, 4, 4);
    for (size_t l = 0; l < g->n_layers; l++) {
        const swirl_gkr_layer_claims *cl = &g->claims_per_layer[l];
        bb31x4 v[4] = {cl->p_xi_0, cl->q_xi_0, cl->p_xi_1, cl->q_xi_1};
        char what[64];
        snprintf(what, sizeof what, "claims_per_layer[%zu] (p0, q0, p1, q1)", l);
        ovm_cmp_ext(what, ovm_u32(&a) + 16 * l, v, 4);
    }
    swirl_npy_clear(&a);
    size_t entry = 0;
    for (size_t j = 0; j + 1 < g->n_layers; j++) {
        char rel[96];
        snprintf(rel, sizeof rel, "logup_gkr/outputs/sumcheck_polys_layer_%zu.npy", j);
        OVM_LOAD(&a, rel, j + 1, 3, 4);
        ovm_cmp_ext(rel, ovm_u32(&a), &g->sumcheck_polys[entry][0], 3 * (j + 1));
        entry += j + 1;
        swirl_npy_clear(&a);
    }
    CHECK(entry == g->n_sumcheck_entries);

    /* the GKR input layer: p / q per leaf, from the traces (sorted) with OpenVM's alpha, beta */
    const size_t *sorted = c->sorted;
    swirl_air_instance inst[N_AIRS];
    for (size_t t = 0; t < N_AIRS; t++) {
        size_t i = sorted[t];
        inst[t] = (swirl_air_instance){c->airs[i],   NULL,         NULL,
                                       c->traces[i], c->height[i], c->in[i].public_values};
    }
    bb31x4 *p, *q;
    unsigned log_len;
    OVM_LOAD(&a, "logup_gkr/outputs/alpha.npy", 4);
    bb31x4 alpha = ovm_ext(ovm_u32(&a));
    swirl_npy_clear(&a);
    OVM_LOAD(&a, "logup_gkr/outputs/beta.npy", 4);
    bb31x4 beta = ovm_ext(ovm_u32(&a));
    swirl_npy_clear(&a);
    CHECK_OK(swirl_logup_gkr_input(&p, &q, &log_len, inst, N_AIRS, 2, alpha, beta));
    CHECK(log_len == g->n_layers);
    OVM_LOAD(&a, "logup_gkr/outputs/gkr_input_evals.npy", (size_t)1 << log_len, 2, 4);
    for (size_t i = 0; i < (size_t)1 << log_len; i++) {
        char what[64];
        snprintf(what, sizeof what, "gkr_input_evals[%zu].p", i);
        ovm_cmp_ext(what, ovm_u32(&a) + 8 * i, &p[i], 1);
        snprintf(what, sizeof what, "gkr_input_evals[%zu].q", i);
        ovm_cmp_ext(what, ovm_u32(&a) + 8 * i + 4, &q[i], 1);
    }
    swirl_npy_clear(&a);
    free(p);
    free(q);
}

static void test_zerocheck_stage(void) {
    staged_case *c = staged();
    challenges ch;
    walk_all(&ch);
    const swirl_batch_proof *b = &c->proof.batch;
    json_t *meta = ovm_json("zerocheck/meta.json");
    CHECK(b->n_traces == N_AIRS);
    CHECK(b->n_univariate == ovm_json_size(meta, "s_0_deg") + 1);
    CHECK(b->s_deg == ovm_json_size(meta, "s_deg"));
    CHECK(b->n_rounds == ovm_json_size(meta, "n_max"));
    uint32_t sorted[N_AIRS];
    CHECK(ovm_json_u32s(json_object_get(meta, "sorted_airs"), sorted, N_AIRS) == N_AIRS);
    for (size_t t = 0; t < N_AIRS; t++)
        CHECK(c->sorted[t] == sorted[t]);
    json_decref(meta);

    cmp_ext1("zerocheck/outputs/alpha.npy", ch.alpha);
    cmp_ext1("zerocheck/outputs/beta.npy", ch.beta);
    cmp_ext1("zerocheck/outputs/lambda.npy", ch.zc_lambda);
    cmp_ext1("zerocheck/outputs/mu.npy", ch.zc_mu);
    cmp_ext_file("zerocheck/outputs/r.npy", ch.r, ch.n_r);
    cmp_ext_file("stacked_reduction/inputs/r.npy", ch.r, ch.n_r);
    swirl_npy a;
    OVM_LOAD(&a, "zerocheck/outputs/sum_claims.npy", N_AIRS, 2, 4);
    for (size_t t = 0; t < N_AIRS; t++) {
        bb31x4 v[2] = {b->numerator_term_per_air[t], b->denominator_term_per_air[t]};
        ovm_cmp_ext("sum_claims (numerator, denominator)", ovm_u32(&a) + 8 * t, v, 2);
    }
    swirl_npy_clear(&a);
    cmp_ext_file("zerocheck/outputs/s0_coeffs.npy", b->univariate_round_coeffs, b->n_univariate);
    OVM_LOAD(&a, "zerocheck/outputs/round_polys.npy", b->n_rounds, b->s_deg, 4);
    ovm_cmp_ext("round_polys", ovm_u32(&a), b->sumcheck_round_polys, b->n_rounds * b->s_deg);
    swirl_npy_clear(&a);
    size_t off = 0;
    for (size_t t = 0; t < N_AIRS; t++) {
        char rel[96];
        snprintf(rel, sizeof rel, "zerocheck/outputs/column_openings_t%zu_p0.npy", t);
        cmp_ext_file(rel, b->openings + off, b->openings_per_trace[t]);
        off += b->openings_per_trace[t];
    }
}

static void test_stacked_reduction_stage(void) {
    staged_case *c = staged();
    challenges ch;
    walk_all(&ch);
    const swirl_stacking_proof *s = &c->proof.stacking;
    json_t *meta = ovm_json("stacked_reduction/meta.json");
    CHECK(s->n_univariate == ovm_json_size(meta, "s_0_deg") + 1);
    CHECK(s->n_rounds == c->params.n_stack && s->n_commits == 1);
    size_t sh = ovm_json_size(meta, "stacked_height"), sw = ovm_json_size(meta, "stacked_width");

    /* the common main commitment: the sorted traces stacked */
    const size_t *sorted = c->sorted;
    swirl_trace_view tv[N_AIRS] = {0};
    for (size_t t = 0; t < N_AIRS; t++)
        tv[t] = (swirl_trace_view){c->traces[sorted[t]], c->height[sorted[t]], c->width[sorted[t]], NULL};
    swirl_stacked_pcs_data *data;
    swirl_digest root;
    CHECK_OK(swirl_stacked_commit(NULL, &data, &root, tv, N_AIRS, 2, 8, 1, 3));
    CHECK(memcmp(&root, &c->proof.common_main_commit, sizeof root) == 0);
    CHECK(swirl_stacked_pcs_layout(data)->height == sh && swirl_stacked_pcs_layout(data)->width == sw);
    swirl_npy a;
    OVM_LOAD(&a, "stacked_reduction/outputs/stacked_matrix.npy", sh, sw);
    ovm_cmp_matrix("stacked_matrix", &a, test_pcs_matrix(data), sh, sw);
    swirl_npy_clear(&a);
    json_t *layout = json_object_get(meta, "layout");
    CHECK(json_is_array(layout) && json_array_size(layout) == swirl_stacked_pcs_layout(data)->num_cols);
    for (size_t i = 0; i < swirl_stacked_pcs_layout(data)->num_cols; i++) {
        const json_t *o = json_array_get(layout, i);
        const swirl_stacked_slice *sl = &swirl_stacked_pcs_layout(data)->cols[i];
        CHECK_MSG(ovm_json_size(o, "mat_idx") == sl->mat_idx &&
                      ovm_json_size(o, "col_in_mat") == sl->col &&
                      ovm_json_size(o, "col_idx") == sl->col_idx &&
                      ovm_json_size(o, "row_idx") == sl->row_idx &&
                      ovm_json_size(o, "log_height") == sl->log_height,
                  "stacked layout entry %zu: ours mat %zu col %zu -> column %zu row %zu log height "
                  "%u",
                  i, sl->mat_idx, sl->col, sl->col_idx, sl->row_idx, sl->log_height);
    }
    swirl_stacked_pcs_data_destroy(data);
    json_decref(meta);

    cmp_ext1("stacked_reduction/outputs/lambda.npy", ch.sr_lambda);
    cmp_ext_file("stacked_reduction/outputs/s0_coeffs.npy", s->univariate_round_coeffs,
                 s->n_univariate);
    OVM_LOAD(&a, "stacked_reduction/outputs/round_polys.npy", s->n_rounds, 2, 4);
    ovm_cmp_ext("round_polys", ovm_u32(&a), &s->sumcheck_round_polys[0][0], 2 * s->n_rounds);
    swirl_npy_clear(&a);
    cmp_ext_file("stacked_reduction/outputs/u.npy", ch.u, ch.n_u);
    cmp_ext_file("stacked_reduction/outputs/stacking_openings_c0.npy", s->stacking_openings,
                 s->openings_per_commit[0]);

    /* WHIR's input point: u_0, u_0^2, ..., u_0^(2^(l_skip-1)), then u_1.. */
    bb31x4 u_cube[16];
    size_t m = 0;
    bb31x4 x = ch.u[0];
    for (size_t i = 0; i < c->params.l_skip; i++, x = bb31x4_square(x))
        u_cube[m++] = x;
    for (size_t i = 1; i < ch.n_u; i++)
        u_cube[m++] = ch.u[i];
    CHECK(m == c->params.l_skip + c->params.n_stack);
    cmp_ext_file("whir/inputs/u_cube.npy", u_cube, m);
}

static void test_whir_stage(void) {
    staged_case *c = staged();
    challenges ch;
    walk_all(&ch);
    const swirl_whir_proof *wp = &c->proof.whir;
    size_t k = c->params.whir.k, rounds = c->params.whir.num_rounds;
    json_t *meta = ovm_json("whir/meta.json");
    CHECK(ovm_json_size(meta, "num_whir_rounds") == rounds);
    uint32_t nq[SWIRL_WHIR_MAX_ROUNDS];
    CHECK(ovm_json_u32s(json_object_get(meta, "num_queries"), nq, SWIRL_WHIR_MAX_ROUNDS) == rounds);
    json_t *qi = json_object_get(meta, "query_indices");
    CHECK(json_is_array(qi) && json_array_size(qi) == rounds);
    for (size_t r = 0; r < rounds; r++) {
        CHECK(nq[r] == c->params.whir.num_queries[r]);
        uint32_t want[16];
        CHECK(ovm_json_u32s(json_array_get(qi, r), want, 16) == nq[r]);
        ovm_cmp_u32("query indices", want, ch.query_idx[r], nq[r]);
    }
    json_decref(meta);

    cmp_ext1("whir/outputs/mu.npy", ch.whir_mu);
    swirl_npy a;
    OVM_LOAD(&a, "whir/outputs/mu_pow_witness.npy", 1);
    ovm_cmp_bb31("mu_pow_witness", ovm_u32(&a), &wp->mu_pow_witness, 1);
    swirl_npy_clear(&a);
    OVM_LOAD(&a, "whir/outputs/sumcheck_polys.npy", rounds * k, 2, 4);
    ovm_cmp_ext("whir sumcheck_polys", ovm_u32(&a), &wp->sumcheck_polys[0][0], 2 * rounds * k);
    swirl_npy_clear(&a);
    OVM_LOAD(&a, "whir/outputs/folding_pow_witnesses.npy", rounds * k);
    ovm_cmp_bb31("folding_pow_witnesses", ovm_u32(&a), wp->folding_pow_witnesses, rounds * k);
    swirl_npy_clear(&a);
    OVM_LOAD(&a, "whir/outputs/query_phase_pow_witnesses.npy", rounds);
    ovm_cmp_bb31("query_phase_pow_witnesses", ovm_u32(&a), wp->query_pow_witnesses, rounds);
    swirl_npy_clear(&a);
    CHECK(wp->n_codeword == rounds - 1);
    OVM_LOAD(&a, "whir/outputs/codeword_commits.npy", rounds - 1, 8);
    ovm_cmp_digests("codeword_commits", ovm_u32(&a), wp->codeword_commits, rounds - 1);
    swirl_npy_clear(&a);
    cmp_ext_file("whir/outputs/ood_values.npy", wp->ood_values, rounds - 1);
    cmp_ext_file("whir/outputs/final_poly.npy", wp->final_poly, wp->n_final);

    /* the initial round (common main only): per query 2^k rows of the stacked width, the path */
    CHECK(wp->n_commits == 1);
    size_t q0 = c->params.whir.num_queries[0], width = wp->widths[0];
    OVM_LOAD(&a, "whir/outputs/initial_opened_rows_c0.npy", q0, (size_t)1 << k, width);
    ovm_cmp_bb31("initial_opened_rows_c0", ovm_u32(&a), wp->initial_rows, q0 * (width << k));
    swirl_npy_clear(&a);
    size_t depth0 = c->params.l_skip + c->params.n_stack + c->params.log_blowup - k;
    OVM_LOAD(&a, "whir/outputs/initial_merkle_proofs_c0.npy", q0, depth0, 8);
    ovm_cmp_digests("initial_merkle_proofs_c0", ovm_u32(&a), wp->initial_paths, q0 * depth0);
    swirl_npy_clear(&a);
    /* later rounds: per query 2^k extension values and the path (one shorter each round) */
    size_t voff = 0, poff = 0;
    for (size_t r = 1; r < rounds; r++) {
        size_t q = c->params.whir.num_queries[r], depth = depth0 - r;
        char rel[96];
        snprintf(rel, sizeof rel, "whir/outputs/codeword_opened_values_r%zu.npy", r);
        OVM_LOAD(&a, rel, q, (size_t)1 << k, 4);
        ovm_cmp_ext(rel, ovm_u32(&a), wp->codeword_values + voff, q << k);
        swirl_npy_clear(&a);
        snprintf(rel, sizeof rel, "whir/outputs/codeword_merkle_proofs_r%zu.npy", r);
        OVM_LOAD(&a, rel, q, depth, 8);
        ovm_cmp_digests(rel, ovm_u32(&a), wp->codeword_paths + poff, q * depth);
        swirl_npy_clear(&a);
        voff += q << k;
        poff += q * depth;
    }
}

/* ---- the verifier ---- */

static void test_verifier(void) {
    staged_case *c = staged();
    CHECK_OK(swirl_flow_verify(c->vk, &c->proof, NULL));
    swirl_transcript_log vlog;
    swirl_transcript_log_init(&vlog);
    CHECK_OK(swirl_flow_verify(c->vk, &c->proof, &vlog));
    /* the verifier's transcript is the prover's, so it is OpenVM's too */
    CHECK(!vlog.failed && vlog.n_values == c->log.n_values && vlog.n_perms == c->log.n_perms);
    for (size_t i = 0; i < vlog.n_values; i++)
        CHECK_MSG(vlog.values[i] == c->log.values[i] && vlog.is_sample[i] == c->log.is_sample[i],
                  "verifier and prover transcripts differ at position %zu (stage %s): %u, %u", i,
                  stage_of(c, i), vlog.values[i], c->log.values[i]);
    ovm_cmp_u32("verifier permutation states", c->log.perms, vlog.perms, 16 * vlog.n_perms);
    check_log(c, &vlog, "whir/outputs");
    swirl_transcript_log_clear(&vlog);

    /* encode -> decode -> verify */
    uint8_t *bytes;
    size_t len;
    CHECK_OK(swirl_proof_encode(&bytes, &len, &c->proof, c->vk));
    swirl_proof back;
    CHECK_OK(swirl_proof_decode(&back, bytes, len, c->vk));
    CHECK_OK(swirl_flow_verify(c->vk, &back, NULL));
    uint8_t *bytes2;
    size_t len2;
    CHECK_OK(swirl_proof_encode(&bytes2, &len2, &back, c->vk));
    CHECK(len2 == len && memcmp(bytes, bytes2, len) == 0);
    free(bytes2);

    /* tampered values are rejected */
    back.public_values[0][2] = bb31_add(back.public_values[0][2], bb31_one());
    CHECK(swirl_flow_verify(c->vk, &back, NULL) != SWIRL_OK);
    back.public_values[0][2] = bb31_sub(back.public_values[0][2], bb31_one());
    back.gkr.q0_claim = bb31x4_add(back.gkr.q0_claim, bb31x4_one());
    CHECK(swirl_flow_verify(c->vk, &back, NULL) != SWIRL_OK);
    back.gkr.q0_claim = bb31x4_sub(back.gkr.q0_claim, bb31x4_one());
    back.batch.openings[0] = bb31x4_add(back.batch.openings[0], bb31x4_one());
    CHECK_STATUS(swirl_flow_verify(c->vk, &back, NULL), SWIRL_E_PROOF_REJECTED);
    back.batch.openings[0] = bb31x4_sub(back.batch.openings[0], bb31x4_one());
    back.whir.final_poly[0] = bb31x4_add(back.whir.final_poly[0], bb31x4_one());
    CHECK_STATUS(swirl_flow_verify(c->vk, &back, NULL), SWIRL_E_PROOF_REJECTED);
    back.whir.final_poly[0] = bb31x4_sub(back.whir.final_poly[0], bb31x4_one());
    back.whir.initial_rows[3] = bb31_add(back.whir.initial_rows[3], bb31_one());
    CHECK_STATUS(swirl_flow_verify(c->vk, &back, NULL), SWIRL_E_PROOF_REJECTED);
    back.whir.initial_rows[3] = bb31_sub(back.whir.initial_rows[3], bb31_one());
    CHECK_OK(swirl_flow_verify(c->vk, &back, NULL));
    swirl_proof_clear(&back);

    /* a changed byte of the encoding: refused by the decoder or the verifier */
    for (size_t at = 4; at < len; at += len / 7) {
        bytes[at] ^= 1;
        if (swirl_proof_decode(&back, bytes, len, c->vk) == SWIRL_OK) {
            CHECK_MSG(swirl_flow_verify(c->vk, &back, NULL) != SWIRL_OK, "byte %zu changed, still accepted",
                      at);
            swirl_proof_clear(&back);
        }
        bytes[at] ^= 1;
    }
    free(bytes);
}

/* prove/: the same system under test_system_params_small(4, 8, 4) */
static void test_prove_case(void) {
    swirl_system_params p = small_params(4, 8, 4);
    json_t *meta = ovm_json("prove/meta.json");
    uint32_t nq[SWIRL_WHIR_MAX_ROUNDS];
    size_t rounds = ovm_json_u32s(json_object_get(meta, "num_queries"), nq, SWIRL_WHIR_MAX_ROUNDS);
    CHECK(rounds == ovm_json_size(meta, "num_whir_rounds") && rounds == p.whir.num_rounds);
    for (size_t r = 0; r < rounds; r++)
        CHECK_MSG(nq[r] == p.whir.num_queries[r], "round %zu: %zu queries, OpenVM %u", r,
                  p.whir.num_queries[r], nq[r]);
    json_decref(meta);
    staged_case c;
    memset(&c, 0, sizeof c);
    load_system(&c, "prove", &p);
    swirl_proof proof;
    CHECK_OK(swirl_flow_prove(&proof, c.vk, c.in, NULL, NULL));
    CHECK_OK(swirl_flow_verify(c.vk, &proof, NULL));
    swirl_proof_clear(&proof);
    free_system(&c);
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_key_and_commit),
    SWIRL_TEST(test_prover_log),
    SWIRL_TEST(test_logup_gkr_stage),
    SWIRL_TEST(test_zerocheck_stage),
    SWIRL_TEST(test_stacked_reduction_stage),
    SWIRL_TEST(test_whir_stage),
    SWIRL_TEST(test_verifier),
    SWIRL_TEST(test_prove_case),
};

int main(int argc, char **argv) {
    int rc = swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
    free_staged();
    return rc;
}
