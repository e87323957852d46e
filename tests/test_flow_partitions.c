/* The prover/verifier flow with preprocessed traces and cached main partitions (OpenVM v2.0.1
 * prover/mod.rs Coordinator::prove, cpu_backend.rs prove_openings, verifier/mod.rs verify):
 *
 *  - OpenVM's PreprocessedCachedAir alone, at heights below, at and above 2^l_skip and filling the
 *    stacked matrix, and in a system of seven AIRs of heights 2..32 (common main only, preprocessed
 *    only with a lookup, a bus sender whose fields are a cached partition, an optional
 *    PreprocessedCachedAir present and absent): proved, verified, and equal byte for byte to a
 *    proof chained by hand from the stages in OpenVM's order of commitments and observations;
 *    through the proof codec and a decoded key it stays the same proof and verifies;
 *  - tampering: a changed or swapped cached commitment, a missing cached commitment list, a wrong
 *    log height for a preprocessed AIR, stacked widths above w_stack, a cached partition breaking
 *    a constraint or the bus, a preprocessed value changed in the prover's copy (the vk's
 *    commitment is fixed), a key without the prover's preprocessed data (decoded from bytes);
 *  - the rap_constraints slot's commitments (prover/stages.h order): every partition of every
 *    trace is found in them (prover/rap_sched.h swirl_rap_sched_sources) holding exactly the
 *    trace's values, below and above 2^l_skip; a list out of that order is not trusted;
 *  - the proof does not depend on the thread count, nor on the backend (the CUDA backend's commit
 *    slot commits the cached partitions too; that case skips without a CUDA device; with
 *    SWIRL_GPU_STAGES=1 its rap_constraints stage reads the common main and cached partitions
 *    where the GPU commitments keep them and uploads only the key's preprocessed traces).
 */
#include <omp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "air/test_airs.h"
#include "prover/stages.h"
#include "fixtures.h"
#include "harness.h"
#include "protocol/bytes.h"
#include "protocol/codec_pcs.h"
#include "protocol/codec_proof.h"
#include "prover/prove.h"
#include "prover/rap_sched.h"
#include "protocol/vk_codec.h"
#include "util/settings.h"
#include "util/span.h"

enum { L_SKIP = 2, N_STACK = 4 };

/* ---- PreprocessedCachedAir traces: sel preprocessed, common = row index, cached k = common +
 * (k + 1) sel (each partition the previous one plus sel) ---- */

typedef struct pc_traces {
    swirl_air *air;
    size_t h, k;
    bb31 *pre, *common, *cached[2];
    const bb31 *cptr[2];
} pc_traces;

static void pc_fix_cached(pc_traces *t) {
    for (size_t c = 0; c < t->k; c++)
        for (size_t r = 0; r < t->h; r++)
            t->cached[c][r] = bb31_add(c ? t->cached[c - 1][r] : t->common[r], t->pre[r]);
}

static void pc_init(pc_traces *t, size_t h, size_t k, unsigned salt) {
    memset(t, 0, sizeof *t);
    swirl_air_builder *b;
    CHECK_OK(swirl_preprocessed_cached_air_build(&b, k));
    t->air = swirl_fixture_compile(b);
    t->h = h;
    t->k = k;
    t->pre = malloc(h * sizeof(bb31));
    t->common = malloc(h * sizeof(bb31));
    CHECK(t->pre && t->common);
    for (size_t r = 0; r < h; r++) {
        t->pre[r] = bb31_from_u32((uint32_t)(((r * 5 + salt) % 3) == 0)); /* uneven selectors */
        t->common[r] = bb31_from_u32((uint32_t)r);
    }
    for (size_t c = 0; c < k; c++) {
        t->cached[c] = malloc(h * sizeof(bb31));
        CHECK(t->cached[c]);
        t->cptr[c] = t->cached[c];
    }
    pc_fix_cached(t);
    CHECK_OK(swirl_air_check_constraints(t->air, t->pre, t->cptr, t->common, h, NULL, NULL, NULL));
}

static void pc_clear(pc_traces *t) {
    free(t->pre);
    free(t->common);
    for (size_t c = 0; c < t->k; c++)
        free(t->cached[c]);
    swirl_air_destroy(t->air);
    memset(t, 0, sizeof *t);
}

/* ---- the whole proof as bytes (GKR and batch parts field by field, the PCS parts by their
 * codec), for equality checks ---- */

static void proof_bytes(swirl_bytes *o, const swirl_proof *p, const swirl_vk *vk) {
    swirl_put_u32(o, (uint32_t)p->n_airs);
    for (size_t i = 0; i < p->n_airs; i++) {
        const swirl_air *air = vk->per_air[i].air;
        swirl_put_byte(o, p->present[i]);
        if (!p->present[i])
            continue;
        swirl_put_u32(o, p->log_heights[i]);
        for (size_t k = 0; k < air->num_public_values; k++)
            swirl_put_field(o, p->public_values[i][k]);
        for (size_t k = 0; k < air->n_cached; k++)
            swirl_put_digest(o, &p->cached_commits[i][k]);
    }
    swirl_put_digest(o, &p->common_main_commit);
    const swirl_gkr_proof *g = &p->gkr;
    swirl_put_field(o, g->logup_pow_witness);
    swirl_put_ext(o, g->q0_claim);
    swirl_put_u32(o, (uint32_t)g->n_layers);
    for (size_t i = 0; i < g->n_layers; i++) {
        swirl_put_ext(o, g->claims_per_layer[i].p_xi_0);
        swirl_put_ext(o, g->claims_per_layer[i].p_xi_1);
        swirl_put_ext(o, g->claims_per_layer[i].q_xi_0);
        swirl_put_ext(o, g->claims_per_layer[i].q_xi_1);
    }
    swirl_put_u32(o, (uint32_t)g->n_sumcheck_entries);
    for (size_t i = 0; i < g->n_sumcheck_entries; i++)
        for (int j = 0; j < 3; j++)
            swirl_put_ext(o, g->sumcheck_polys[i][j]);
    const swirl_batch_proof *b = &p->batch;
    swirl_put_u32(o, (uint32_t)b->n_traces);
    size_t n_open = 0;
    for (size_t i = 0; i < b->n_traces; i++) {
        swirl_put_ext(o, b->numerator_term_per_air[i]);
        swirl_put_ext(o, b->denominator_term_per_air[i]);
        swirl_put_u32(o, (uint32_t)b->openings_per_trace[i]);
        n_open += b->openings_per_trace[i];
    }
    swirl_put_u32(o, (uint32_t)b->n_univariate);
    for (size_t i = 0; i < b->n_univariate; i++)
        swirl_put_ext(o, b->univariate_round_coeffs[i]);
    swirl_put_u32(o, (uint32_t)(b->n_rounds * b->s_deg));
    for (size_t i = 0; i < b->n_rounds * b->s_deg; i++)
        swirl_put_ext(o, b->sumcheck_round_polys[i]);
    for (size_t i = 0; i < n_open; i++)
        swirl_put_ext(o, b->openings[i]);
    swirl_stacking_proof_encode(o, &p->stacking);
    swirl_whir_proof_encode(o, &p->whir, &vk->params);
    CHECK(!o->oom);
}

static void check_same_proof(const swirl_proof *a, const swirl_proof *b, const swirl_vk *vk) {
    swirl_bytes ea = {0}, eb = {0};
    proof_bytes(&ea, a, vk);
    proof_bytes(&eb, b, vk);
    CHECK(ea.len > 0 && ea.len == eb.len);
    CHECK(memcmp(ea.p, eb.p, ea.len) == 0);
    swirl_bytes_free(&ea);
    swirl_bytes_free(&eb);
}

/* ---- the reference: the proof chained by hand from the stages, in OpenVM's order ----
 *
 * prover/mod.rs:110-175: observe the vk pre-hash; commit the common main traces of the present
 * AIRs sorted by height (descending, ties by AIR index) and observe the root; then per AIR in vk
 * order: presence when not required; when present the preprocessed commitment from the key
 * instead of the log height when the AIR has one, else the log height; its cached commitments;
 * its public values. cpu_backend.rs:155-217: the commitments opened are common main, then per
 * present AIR in the sorted order its preprocessed commitment and its cached ones; need_rot per
 * trace for the common main, the AIR's need_rot for each of its own commitments.
 *
 * order[] is the expected sorted order, written out by the test; prep[i] the test's own copy of
 * AIR i's preprocessed trace. */
static void reference_proof(swirl_proof *ref, const swirl_vk *vk, const swirl_trace_input *in,
                            const bb31 *const *prep, const size_t *order, size_t n) {
    const swirl_system_params *p = &vk->params;
    size_t na = vk->n_airs;
    memset(ref, 0, sizeof *ref);
    ref->n_airs = na;
    ref->present = calloc(na, 1);
    ref->log_heights = calloc(na, sizeof(unsigned));
    ref->public_values = calloc(na, sizeof(bb31 *));
    ref->cached_commits = calloc(na, sizeof(swirl_digest *));
    CHECK(ref->present && ref->log_heights && ref->public_values && ref->cached_commits);
    swirl_trace_view views[16] = {0};
    int need_rot[16];
    for (size_t k = 0; k < n; k++) {
        size_t i = order[k];
        const swirl_air *air = vk->per_air[i].air;
        ref->present[i] = 1;
        ref->log_heights[i] = swirl_log2_exact(in[i].height);
        ref->public_values[i] = malloc((air->num_public_values + 1) * sizeof(bb31));
        CHECK(ref->public_values[i]);
        if (air->num_public_values)
            memcpy(ref->public_values[i], in[i].public_values,
                   air->num_public_values * sizeof(bb31));
        swirl_trace_view v = {in[i].common, in[i].height, air->common_width, NULL};
        views[k] = v;
        need_rot[k] = vk->per_air[i].need_rot;
        if (k > 0) /* the test's order is sorted */
            CHECK(in[order[k - 1]].height > in[i].height ||
                  (in[order[k - 1]].height == in[i].height && order[k - 1] < i));
    }
    for (size_t i = 0; i < na; i++)
        if (!ref->present[i])
            CHECK(!vk->per_air[i].is_required && !in[i].common);
    unsigned ls = (unsigned)p->l_skip, ns = (unsigned)p->n_stack, lb = (unsigned)p->log_blowup,
             kw = (unsigned)p->whir.k;
    swirl_stacked_pcs_data *main_d, *extra[16];
    size_t n_extra = 0;
    int extra_rot[16];
    CHECK_OK(swirl_stacked_commit(NULL, &main_d, &ref->common_main_commit, views, n, ls, ns, lb, kw));
    /* the other commitments, in the opening order */
    for (size_t k = 0; k < n; k++) {
        size_t i = order[k];
        const swirl_air *air = vk->per_air[i].air;
        if (air->preprocessed_width) {
            swirl_trace_view v = {prep[i], in[i].height, air->preprocessed_width, NULL};
            swirl_digest root;
            CHECK_OK(swirl_stacked_commit(NULL, &extra[n_extra], &root, &v, 1, ls, ns, lb, kw));
            CHECK(memcmp(&root, &vk->per_air[i].preprocessed_commit, sizeof root) == 0);
            extra_rot[n_extra++] = vk->per_air[i].need_rot;
        }
        if (air->n_cached) {
            ref->cached_commits[i] = malloc(air->n_cached * sizeof(swirl_digest));
            CHECK(ref->cached_commits[i]);
        }
        for (size_t c = 0; c < air->n_cached; c++) {
            swirl_trace_view v = {in[i].cached[c], in[i].height, air->cached_widths[c], NULL};
            CHECK_OK(swirl_stacked_commit(NULL, &extra[n_extra], &ref->cached_commits[i][c], &v, 1, ls,
                                          ns, lb, kw));
            extra_rot[n_extra++] = vk->per_air[i].need_rot;
        }
    }
    swirl_transcript t;
    swirl_transcript_init(&t);
    swirl_transcript_observe_digest(&t, &vk->pre_hash);
    swirl_transcript_observe_digest(&t, &ref->common_main_commit);
    for (size_t i = 0; i < na; i++) {
        if (!vk->per_air[i].is_required)
            swirl_transcript_observe(&t, ref->present[i] ? bb31_one() : bb31_zero());
        if (!ref->present[i])
            continue;
        if (vk->per_air[i].has_preprocessed)
            swirl_transcript_observe_digest(&t, &vk->per_air[i].preprocessed_commit);
        else
            swirl_transcript_observe(&t, bb31_from_u32(ref->log_heights[i]));
        for (size_t c = 0; c < vk->per_air[i].air->n_cached; c++)
            swirl_transcript_observe_digest(&t, &ref->cached_commits[i][c]);
        for (size_t k = 0; k < vk->per_air[i].air->num_public_values; k++)
            swirl_transcript_observe(&t, ref->public_values[i][k]);
    }
    swirl_air_instance inst[16];
    for (size_t k = 0; k < n; k++) {
        size_t i = order[k];
        swirl_air_instance v = {vk->per_air[i].air, prep[i],      in[i].cached,
                                in[i].common,       in[i].height, ref->public_values[i]};
        inst[k] = v;
    }
    swirl_zc_params zp = {ls, (unsigned)p->max_constraint_degree, (unsigned)p->logup.pow_bits};
    bb31x4 r[64], u[64], ucube[64];
    size_t nr;
    CHECK_OK(swirl_zerocheck_prove(NULL, &ref->gkr, &ref->batch, r, &nr, &t, &zp, inst, n));
    while (nr < 1 + ns)
        r[nr++] = bb31x4_zero();
    swirl_stacked_commit_view cv[17];
    const swirl_stacked_pcs_data *cs[17];
    swirl_stacked_commit_view c0 = {swirl_stacked_pcs_layout(main_d), NULL, need_rot, main_d};
    cv[0] = c0;
    cs[0] = main_d;
    for (size_t e = 0; e < n_extra; e++) {
        swirl_stacked_commit_view ce = {swirl_stacked_pcs_layout(extra[e]), NULL, &extra_rot[e],
                                        extra[e]};
        cv[1 + e] = ce;
        cs[1 + e] = extra[e];
    }
    CHECK_OK(swirl_stacked_reduction_prove(NULL, &ref->stacking, u, &t, cv, 1 + n_extra, ls, ns, r));
    ucube[0] = u[0];
    for (unsigned i = 1; i < ls; i++)
        ucube[i] = bb31x4_square(ucube[i - 1]);
    for (unsigned i = 1; i <= ns; i++)
        ucube[ls - 1 + i] = u[i];
    CHECK_OK(swirl_whir_prove(NULL, &ref->whir, &t, p, cs, 1 + n_extra, ucube));
    swirl_stacked_pcs_data_destroy(main_d);
    for (size_t e = 0; e < n_extra; e++)
        swirl_stacked_pcs_data_destroy(extra[e]);
}

static void check_cached_roots(const swirl_proof *proof, const swirl_vk *vk,
                               const swirl_trace_input *in) {
    const swirl_system_params *p = &vk->params;
    for (size_t i = 0; i < vk->n_airs; i++) {
        const swirl_air *air = vk->per_air[i].air;
        if (!proof->present[i] || air->n_cached == 0) {
            CHECK(proof->cached_commits == NULL || proof->cached_commits[i] == NULL);
            continue;
        }
        CHECK(proof->cached_commits && proof->cached_commits[i]);
        for (size_t c = 0; c < air->n_cached; c++) {
            swirl_trace_view v = {in[i].cached[c], in[i].height, air->cached_widths[c], NULL};
            swirl_stacked_pcs_data *d;
            swirl_digest root;
            CHECK_OK(swirl_stacked_commit(NULL, &d, &root, &v, 1, (unsigned)p->l_skip,
                                          (unsigned)p->n_stack, (unsigned)p->log_blowup,
                                          (unsigned)p->whir.k));
            swirl_stacked_pcs_data_destroy(d);
            CHECK(memcmp(&root, &proof->cached_commits[i][c], sizeof root) == 0);
        }
    }
}

/* PreprocessedCachedAir (2 cached partitions) alone at heights 2 (below 2^l_skip), 4 (= 2^l_skip),
 * 16 and 64 (the whole stacked height): four commitments (common main, preprocessed, 2 cached),
 * each of one stacked column; the proof is the hand-chained one */
static void test_pc_alone(void) {
    swirl_system_params p = swirl_fixture_small_params(L_SKIP, N_STACK, 31);
    static const size_t heights[] = {2, 4, 16, 64};
    for (size_t hi = 0; hi < sizeof heights / sizeof heights[0]; hi++) {
        size_t h = heights[hi];
        pc_traces t;
        pc_init(&t, h, 2, (unsigned)hi);
        swirl_keygen_air ka = {t.air, t.pre, h, 1};
        swirl_vk *vk;
        CHECK_OK(swirl_keygen(&vk, &p, &ka, 1));
        CHECK(vk->per_air[0].preprocessed_data != NULL);
        swirl_trace_input in = {t.common, h, NULL, t.cptr};
        swirl_proof proof, ref;
        swirl_span_reset();
        CHECK_OK(swirl_flow_prove(&proof, vk, &in, NULL, NULL));
        /* the cached commitments come before stark_prove_excluding_trace, not inside it */
        size_t nspans, i_cached = SIZE_MAX, i_prove = SIZE_MAX;
        const swirl_span_record *sp = swirl_span_records(&nspans);
        for (size_t i = 0; i < nspans; i++) {
            if (sp[i].depth == 0 && strcmp(sp[i].name, "prover.cached_trace_commit") == 0)
                i_cached = i;
            if (sp[i].depth == 0 && strcmp(sp[i].name, "stark_prove_excluding_trace") == 0)
                i_prove = i;
        }
        CHECK(i_cached < i_prove && i_prove < nspans);
        CHECK_OK(swirl_flow_verify(vk, &proof, NULL));
        CHECK(proof.stacking.n_commits == 4 && proof.whir.n_commits == 4);
        for (size_t c = 0; c < 4; c++)
            CHECK(proof.stacking.openings_per_commit[c] == 1 && proof.whir.widths[c] == 1);
        /* common main, preprocessed, 2 cached: one column each, with the rotation */
        CHECK(proof.batch.n_traces == 1 && proof.batch.openings_per_trace[0] == 8);
        check_cached_roots(&proof, vk, &in);
        const bb31 *prep[1] = {t.pre};
        size_t order[1] = {0};
        reference_proof(&ref, vk, &in, prep, order, 1);
        check_same_proof(&proof, &ref, vk);
        swirl_proof_clear(&ref);
        swirl_proof_clear(&proof);
        swirl_vk_destroy(vk);
        pc_clear(&t);
    }
}

/* ---- the mixed system ---- */

enum { A_PC1, A_FIB, A_FSEL, A_LSEND, A_PC2, A_PSEND, A_RECV, N_AIRS };

typedef struct sys {
    pc_traces pc1, pc2; /* 16 rows, 2 cached; 8 rows, 1 cached (optional) */
    swirl_air *fib, *psend, *recv;
    bb31 *fm, fpv[3];
    swirl_fixture_lookup lk; /* fib_selector (8 rows, preprocessed) + its sender (32) on bus 0 */
    bb31 sm[2 * SWIRL_FIX_HS], rm[2 * SWIRL_FIX_HR]; /* bus 3: sender fields cached */
    const bb31 *psend_cached[1];
    const bb31 *prep[N_AIRS];
    swirl_vk *vk;
    swirl_trace_input in[N_AIRS];
} sys;

static void sys_init(sys *s) {
    memset(s, 0, sizeof *s);
    swirl_system_params p = swirl_fixture_small_params(L_SKIP, N_STACK, 31);
    pc_init(&s->pc1, 16, 2, 1);
    pc_init(&s->pc2, 8, 1, 2);
    swirl_air_builder *b;
    CHECK_OK(swirl_fib_air_build(&b));
    s->fib = swirl_fixture_compile(b);
    CHECK_OK(swirl_dummy_interaction_air_build(&b, 1, 1, 3, 1));
    s->psend = swirl_fixture_compile(b);
    CHECK(s->psend->n_cached == 1 && s->psend->common_width == 1);
    CHECK_OK(swirl_dummy_interaction_air_build(&b, 1, 0, 3, 0));
    s->recv = swirl_fixture_compile(b);
    swirl_fixture_lookup_init(&s->lk);
    swirl_fixture_bus_traces(s->sm, s->rm);
    s->psend_cached[0] = s->sm + SWIRL_FIX_HS;
    CHECK_OK(swirl_fib_trace(&s->fm, 0, 1, 2));
    s->fpv[0] = bb31_zero();
    s->fpv[1] = bb31_one();
    s->fpv[2] = s->fm[3];
    swirl_keygen_air ka[N_AIRS] = {
        {s->pc1.air, s->pc1.pre, 16, 1},
        {s->fib, NULL, 0, 1},
        {s->lk.fib, s->lk.pre, SWIRL_FIX_NF, 1},
        {s->lk.send, NULL, 0, 1},
        {s->pc2.air, s->pc2.pre, 8, 0},
        {s->psend, NULL, 0, 1},
        {s->recv, NULL, 0, 1},
    };
    CHECK_OK(swirl_keygen(&s->vk, &p, ka, N_AIRS));
    s->prep[A_PC1] = s->pc1.pre;
    s->prep[A_FSEL] = s->lk.pre;
    s->prep[A_PC2] = s->pc2.pre;
    swirl_trace_input in[N_AIRS] = {
        {s->pc1.common, 16, NULL, s->pc1.cptr},  {s->fm, 2, s->fpv, NULL},
        {s->lk.m, SWIRL_FIX_NF, s->lk.pv, NULL}, {s->lk.sm, SWIRL_FIX_NS, NULL, NULL},
        {s->pc2.common, 8, NULL, s->pc2.cptr},   {s->sm, SWIRL_FIX_HS, NULL, s->psend_cached},
        {s->rm, SWIRL_FIX_HR, NULL, NULL},
    };
    memcpy(s->in, in, sizeof in);
}

static void sys_clear(sys *s) {
    swirl_vk_destroy(s->vk);
    pc_clear(&s->pc1);
    pc_clear(&s->pc2);
    swirl_air_destroy(s->fib);
    swirl_air_destroy(s->psend);
    swirl_air_destroy(s->recv);
    free(s->fm);
    swirl_fixture_lookup_clear(&s->lk);
    memset(s, 0, sizeof *s);
}

/* heights: lookup sender 32, partitioned sender 32, pc1 16, fib_selector 8, pc2 8, receiver 4,
 * fib 2: sorted by height, ties by AIR index */
static const size_t ORDER_ALL[] = {A_LSEND, A_PSEND, A_PC1, A_FSEL, A_PC2, A_RECV, A_FIB};
static const size_t ORDER_NO_PC2[] = {A_LSEND, A_PSEND, A_PC1, A_FSEL, A_RECV, A_FIB};

static void prove_mixed(swirl_proof *proof, sys *s, int pc2_present) {
    s->in[A_PC2].common = pc2_present ? s->pc2.common : NULL;
    CHECK_OK(swirl_flow_prove(proof, s->vk, s->in, NULL, NULL));
}

/* the mixed system with the optional PreprocessedCachedAir present and absent: verifies, equals
 * the hand-chained proof; the commitments are common main + the partitioned sender's cached +
 * pc1's preprocessed and 2 cached + fib_selector's preprocessed (+ pc2's preprocessed and cached
 * when present) */
static void test_mixed(void) {
    sys s;
    sys_init(&s);
    for (int present = 1; present >= 0; present--) {
        swirl_proof proof, ref;
        prove_mixed(&proof, &s, present);
        CHECK_OK(swirl_flow_verify(s.vk, &proof, NULL));
        CHECK(proof.present[A_PC2] == (uint8_t)present);
        size_t n_commits = present ? 8 : 6;
        CHECK(proof.stacking.n_commits == n_commits && proof.whir.n_commits == n_commits);
        /* the common main: 64 + 32 + 16 + 16 (+ 8) + 8 + 8 rows (fib's 2 rows stride to 4 each
         * of its 2 columns) in stacked columns of 64 */
        CHECK(proof.stacking.openings_per_commit[0] == 3);
        for (size_t c = 1; c < n_commits; c++)
            CHECK(proof.stacking.openings_per_commit[c] == 1);
        check_cached_roots(&proof, s.vk, s.in);
        reference_proof(&ref, s.vk, s.in, s.prep, present ? ORDER_ALL : ORDER_NO_PC2,
                        present ? 7 : 6);
        check_same_proof(&proof, &ref, s.vk);
        swirl_proof_clear(&ref);
        /* through the proof codec and a key decoded from bytes: the same proof, verified */
        uint8_t *pb, *kb, *pb2;
        size_t plen, klen, plen2;
        CHECK_OK(swirl_proof_encode(&pb, &plen, &proof, s.vk));
        CHECK_OK(swirl_vk_encode(&kb, &klen, s.vk));
        swirl_vk *dec;
        CHECK_OK(swirl_vk_decode(&dec, kb, klen));
        swirl_proof back;
        CHECK_OK(swirl_proof_decode(&back, pb, plen, dec));
        CHECK_OK(swirl_flow_verify(dec, &back, NULL));
        check_same_proof(&proof, &back, s.vk);
        CHECK_OK(swirl_proof_encode(&pb2, &plen2, &back, dec));
        CHECK(plen2 == plen && memcmp(pb, pb2, plen) == 0);
        free(pb);
        free(pb2);
        free(kb);
        swirl_proof_clear(&back);
        swirl_vk_destroy(dec);
        if (!present) {
            /* claiming the absent AIR present with cached commitments: the transcript differs */
            proof.present[A_PC2] = 1;
            proof.log_heights[A_PC2] = 3;
            CHECK(swirl_flow_verify(s.vk, &proof, NULL) != SWIRL_OK);
            proof.present[A_PC2] = 0;
            /* an absent AIR cannot carry cached commitments */
            swirl_digest dummy[1];
            memset(dummy, 0, sizeof dummy);
            proof.cached_commits[A_PC2] = dummy;
            CHECK_STATUS(swirl_flow_verify(s.vk, &proof, NULL), SWIRL_E_PROOF_MALFORMED);
            proof.cached_commits[A_PC2] = NULL;
            CHECK_OK(swirl_flow_verify(s.vk, &proof, NULL));
        }
        swirl_proof_clear(&proof);
    }
    sys_clear(&s);
}

/* tampering with a verified proof of the mixed system */
static void test_tampered_proof(void) {
    sys s;
    sys_init(&s);
    swirl_proof proof;
    prove_mixed(&proof, &s, 1);
    CHECK_OK(swirl_flow_verify(s.vk, &proof, NULL));
    /* a changed cached commitment: pc1's second, the partitioned sender's */
    swirl_digest save = proof.cached_commits[A_PC1][1];
    proof.cached_commits[A_PC1][1].v[3] = bb31_add(save.v[3], bb31_one());
    CHECK_STATUS(swirl_flow_verify(s.vk, &proof, NULL), SWIRL_E_PROOF_REJECTED);
    proof.cached_commits[A_PC1][1] = save;
    save = proof.cached_commits[A_PSEND][0];
    proof.cached_commits[A_PSEND][0].v[0] = bb31_add(save.v[0], bb31_one());
    CHECK_STATUS(swirl_flow_verify(s.vk, &proof, NULL), SWIRL_E_PROOF_REJECTED);
    proof.cached_commits[A_PSEND][0] = save;
    /* pc1's two cached commitments swapped */
    save = proof.cached_commits[A_PC1][0];
    proof.cached_commits[A_PC1][0] = proof.cached_commits[A_PC1][1];
    proof.cached_commits[A_PC1][1] = save;
    CHECK_STATUS(swirl_flow_verify(s.vk, &proof, NULL), SWIRL_E_PROOF_REJECTED);
    proof.cached_commits[A_PC1][1] = proof.cached_commits[A_PC1][0];
    proof.cached_commits[A_PC1][0] = save;
    CHECK_OK(swirl_flow_verify(s.vk, &proof, NULL));
    /* the count of cached commitments: missing for an AIR that has cached partitions, present
     * for one that has none, or no list at all */
    swirl_digest *keep = proof.cached_commits[A_PC1];
    proof.cached_commits[A_PC1] = NULL;
    CHECK_STATUS(swirl_flow_verify(s.vk, &proof, NULL), SWIRL_E_PROOF_MALFORMED);
    CHECK(strstr(swirl_last_error(), "cached") != NULL);
    proof.cached_commits[A_PC1] = keep;
    proof.cached_commits[A_FIB] = keep;
    CHECK_STATUS(swirl_flow_verify(s.vk, &proof, NULL), SWIRL_E_PROOF_MALFORMED);
    proof.cached_commits[A_FIB] = NULL;
    swirl_digest **all = proof.cached_commits;
    proof.cached_commits = NULL;
    CHECK_STATUS(swirl_flow_verify(s.vk, &proof, NULL), SWIRL_E_PROOF_MALFORMED);
    proof.cached_commits = all;
    CHECK_OK(swirl_flow_verify(s.vk, &proof, NULL));
    /* a wrong log height for a preprocessed AIR: refused by OpenVM's preprocessed height rule
     * (before any transcript work), for pc1 (16 -> 8, pc2's height) and fib_selector (8 -> 16) */
    proof.log_heights[A_PC1] = 3;
    CHECK_STATUS(swirl_flow_verify(s.vk, &proof, NULL), SWIRL_E_PROOF_REJECTED);
    CHECK(strstr(swirl_last_error(), "preprocessed") != NULL);
    proof.log_heights[A_PC1] = 4;
    proof.log_heights[A_FSEL] = 4;
    CHECK_STATUS(swirl_flow_verify(s.vk, &proof, NULL), SWIRL_E_PROOF_REJECTED);
    CHECK(strstr(swirl_last_error(), "preprocessed") != NULL);
    proof.log_heights[A_FSEL] = 3;
    /* a changed preprocessed opening (pc1's sel at r: the second part of its openings) */
    size_t off = proof.batch.openings_per_trace[0] + proof.batch.openings_per_trace[1];
    CHECK(proof.batch.openings_per_trace[2] == 8);
    proof.batch.openings[off + 2] = bb31x4_add(proof.batch.openings[off + 2], bb31x4_one());
    CHECK_STATUS(swirl_flow_verify(s.vk, &proof, NULL), SWIRL_E_PROOF_REJECTED);
    proof.batch.openings[off + 2] = bb31x4_sub(proof.batch.openings[off + 2], bb31x4_one());
    /* a changed stacked opening of a cached commitment (WHIR's claim) */
    size_t last = 0;
    for (size_t c = 0; c < proof.stacking.n_commits; c++)
        last += proof.stacking.openings_per_commit[c];
    proof.stacking.stacking_openings[last - 1] =
        bb31x4_add(proof.stacking.stacking_openings[last - 1], bb31x4_one());
    CHECK_STATUS(swirl_flow_verify(s.vk, &proof, NULL), SWIRL_E_PROOF_REJECTED);
    proof.stacking.stacking_openings[last - 1] =
        bb31x4_sub(proof.stacking.stacking_openings[last - 1], bb31x4_one());
    CHECK_OK(swirl_flow_verify(s.vk, &proof, NULL));
    /* the stacked widths of all 8 commitments (3 + 7) against w_stack (OpenVM's proof shape) */
    s.vk->params.w_stack = 9;
    CHECK_STATUS(swirl_flow_verify(s.vk, &proof, NULL), SWIRL_E_PROOF_MALFORMED);
    CHECK(strstr(swirl_last_error(), "w_stack") != NULL);
    swirl_proof again;
    CHECK_STATUS(swirl_flow_prove(&again, s.vk, s.in, NULL, NULL), SWIRL_E_INVALID_ARG);
    CHECK(strstr(swirl_last_error(), "w_stack") != NULL);
    s.vk->params.w_stack = 10;
    CHECK_OK(swirl_flow_verify(s.vk, &proof, NULL));
    s.vk->params.w_stack = 16;
    swirl_proof_clear(&proof);
    sys_clear(&s);
}

/* bad traces given to the prover */
static void test_tampered_traces(void) {
    sys s;
    sys_init(&s);
    swirl_proof proof;
    /* a cached partition breaking a constraint (pc1's second partition, row 5): proved, rejected */
    s.pc1.cached[1][5] = bb31_add(s.pc1.cached[1][5], bb31_one());
    prove_mixed(&proof, &s, 1);
    CHECK_STATUS(swirl_flow_verify(s.vk, &proof, NULL), SWIRL_E_PROOF_REJECTED);
    swirl_proof_clear(&proof);
    pc_fix_cached(&s.pc1);
    /* a cached partition breaking the bus (the partitioned sender's field): refused */
    s.sm[SWIRL_FIX_HS + 2] = bb31_add(s.sm[SWIRL_FIX_HS + 2], bb31_one());
    CHECK_STATUS(swirl_flow_prove(&proof, s.vk, s.in, NULL, NULL), SWIRL_E_UNSATISFIED);
    s.sm[SWIRL_FIX_HS + 2] = bb31_sub(s.sm[SWIRL_FIX_HS + 2], bb31_one());
    /* a trace whose height is not the preprocessed trace's: refused (pc1 given 8 of its rows) */
    s.in[A_PC1].height = 8;
    CHECK_STATUS(swirl_flow_prove(&proof, s.vk, s.in, NULL, NULL), SWIRL_E_INVALID_ARG);
    CHECK(strstr(swirl_last_error(), "preprocessed") != NULL);
    s.in[A_PC1].height = 16;
    /* missing cached partitions */
    s.in[A_PSEND].cached = NULL;
    CHECK_STATUS(swirl_flow_prove(&proof, s.vk, s.in, NULL, NULL), SWIRL_E_INVALID_ARG);
    s.in[A_PSEND].cached = s.psend_cached;
    s.pc1.cptr[1] = NULL;
    CHECK_STATUS(swirl_flow_prove(&proof, s.vk, s.in, NULL, NULL), SWIRL_E_INVALID_ARG);
    s.pc1.cptr[1] = s.pc1.cached[1];

    /* a preprocessed value changed in the prover's copy (the key's PcsData matrix), the cached
     * partitions following it so every constraint holds: the vk's commitment is fixed, so the
     * openings no longer match it */
    swirl_stacked_pcs_data *kd = s.vk->per_air[A_PC1].preprocessed_data;
    const swirl_stacked_layout *klay = swirl_stacked_pcs_layout(kd);
    CHECK(klay->cols[0].col_idx == 0 && klay->cols[0].row_idx == 0);
    const bb31 *kconst = NULL;
    CHECK_OK(swirl_stacked_pcs_host_matrix(kd, &kconst)); /* host data: its own, mutable, matrix */
    bb31 *kmat = (bb31 *)kconst;
    size_t row = 6;
    bb31 old = kmat[row];
    CHECK(bb31_eq(old, s.pc1.pre[row]));
    kmat[row] = bb31_sub(bb31_one(), old);
    s.pc1.pre[row] = kmat[row];
    pc_fix_cached(&s.pc1);
    CHECK_OK(swirl_air_check_constraints(s.pc1.air, s.pc1.pre, s.pc1.cptr, s.pc1.common, 16, NULL,
                                         NULL, NULL));
    prove_mixed(&proof, &s, 1);
    CHECK_STATUS(swirl_flow_verify(s.vk, &proof, NULL), SWIRL_E_PROOF_REJECTED);
    swirl_proof_clear(&proof);
    /* the same selectors through a key of their own (consistent PcsData, another commitment)
     * lent to the prover: rejected against the original key */
    swirl_system_params p = swirl_fixture_small_params(L_SKIP, N_STACK, 31);
    swirl_keygen_air ka = {s.pc1.air, s.pc1.pre, 16, 1};
    swirl_vk *other;
    CHECK_OK(swirl_keygen(&other, &p, &ka, 1));
    kmat[row] = old;
    s.vk->per_air[A_PC1].preprocessed_data = other->per_air[0].preprocessed_data;
    prove_mixed(&proof, &s, 1);
    CHECK_STATUS(swirl_flow_verify(s.vk, &proof, NULL), SWIRL_E_PROOF_REJECTED);
    swirl_proof_clear(&proof);
    s.vk->per_air[A_PC1].preprocessed_data = kd;
    swirl_vk_destroy(other);
    s.pc1.pre[row] = old;
    pc_fix_cached(&s.pc1);
    prove_mixed(&proof, &s, 1);
    CHECK_OK(swirl_flow_verify(s.vk, &proof, NULL));
    swirl_proof_clear(&proof);
    sys_clear(&s);
}

/* a key without the prover's preprocessed data: one decoded from bytes verifies the proof of the
 * original key, and the prover refuses it with a message naming the first preprocessed AIR in vk
 * order; the same with the data taken off one AIR of the original key; an absent AIR's data is not
 * needed */
static void test_key_without_prover_data(void) {
    sys s;
    sys_init(&s);
    swirl_proof proof, bad;
    prove_mixed(&proof, &s, 1);
    uint8_t *bytes;
    size_t len;
    CHECK_OK(swirl_vk_encode(&bytes, &len, s.vk));
    swirl_vk *dec;
    CHECK_OK(swirl_vk_decode(&dec, bytes, len));
    free(bytes);
    CHECK(dec->per_air[A_PC1].has_preprocessed && dec->per_air[A_PC1].preprocessed_data == NULL);
    CHECK_OK(swirl_flow_verify(dec, &proof, NULL));
    CHECK_STATUS(swirl_flow_prove(&bad, dec, s.in, NULL, NULL), SWIRL_E_INVALID_ARG);
    CHECK(strstr(swirl_last_error(), "preprocessed prover data") != NULL);
    CHECK(strstr(swirl_last_error(), dec->per_air[A_PC1].air->name) != NULL);
    swirl_vk_destroy(dec);
    swirl_stacked_pcs_data *kd = s.vk->per_air[A_FSEL].preprocessed_data;
    s.vk->per_air[A_FSEL].preprocessed_data = NULL;
    CHECK_OK(swirl_flow_verify(s.vk, &proof, NULL));
    swirl_proof_clear(&proof);
    CHECK_STATUS(swirl_flow_prove(&bad, s.vk, s.in, NULL, NULL), SWIRL_E_INVALID_ARG);
    CHECK(strstr(swirl_last_error(), "preprocessed prover data") != NULL);
    CHECK(strstr(swirl_last_error(), s.lk.fib->name) != NULL);
    s.vk->per_air[A_FSEL].preprocessed_data = kd;
    kd = s.vk->per_air[A_PC2].preprocessed_data;
    s.vk->per_air[A_PC2].preprocessed_data = NULL;
    CHECK_STATUS(swirl_flow_prove(&bad, s.vk, s.in, NULL, NULL), SWIRL_E_INVALID_ARG);
    prove_mixed(&proof, &s, 0); /* pc2 absent */
    CHECK_OK(swirl_flow_verify(s.vk, &proof, NULL));
    swirl_proof_clear(&proof);
    s.vk->per_air[A_PC2].preprocessed_data = kd;
    sys_clear(&s);
}

/* 1 and 2 OpenMP threads give the same proof */
static void test_threads(void) {
    int saved = omp_get_max_threads();
    sys s;
    sys_init(&s);
    swirl_proof a, b;
    omp_set_num_threads(1);
    prove_mixed(&a, &s, 1);
    omp_set_num_threads(2);
    prove_mixed(&b, &s, 1);
    omp_set_num_threads(saved);
    CHECK_OK(swirl_flow_verify(s.vk, &a, NULL));
    check_same_proof(&a, &b, s.vk);
    swirl_proof_clear(&a);
    swirl_proof_clear(&b);
    sys_clear(&s);
}

/* the CUDA backend (skipped without a device): the same proof as the CPU's, with the common main
 * and the 4 cached partitions committed through its commit slot */
static void test_cuda_backend(void) {
    swirl_backend *be = NULL;
    enum swirl_status st = swirl_backend_cuda_create(&be, 0);
    if (st == SWIRL_E_NO_DEVICE)
        SWIRL_TEST_SKIP("no CUDA device");
    CHECK_OK(st);
    sys s;
    sys_init(&s);
    swirl_proof a, b;
    prove_mixed(&a, &s, 1);
    swirl_cuda_stage_trace_clear(be->gpu);
    CHECK_OK(swirl_flow_prove(&b, s.vk, s.in, be, NULL));
    size_t ns, commits = 0, uploaded = 0, prep_bytes = 0;
    const swirl_stage_trace *tr = swirl_backend_stage_trace(be, &ns);
    for (size_t i = 0; i < ns; i++) {
        if (strcmp(tr[i].name, "stacked_commit") == 0 && tr[i].kernels > 0)
            commits++;
        CHECK_MSG(strcmp(tr[i].name, "prover.rap_constraints.upload") != 0,
                  "rap_constraints uploads the traces again");
        if (strcmp(tr[i].name, "upload_fallback:prover.rap_constraints") == 0)
            uploaded += tr[i].bytes;
    }
    CHECK(commits == 5);
    /* with the device stages, rap_constraints uploads the key's preprocessed traces (host data:
     * pc1 16 rows, fib_selector 8, pc2 8; one column each) and nothing else */
    if (swirl_settings_get()->gpu_stages) {
        prep_bytes = (16 + SWIRL_FIX_NF + 8) * sizeof(bb31);
        CHECK_MSG(uploaded == prep_bytes, "rap_constraints uploaded %zu bytes, expected %zu",
                  uploaded, prep_bytes);
    } else {
        CHECK(uploaded == 0);
    }
    CHECK_OK(swirl_flow_verify(s.vk, &b, NULL));
    check_same_proof(&a, &b, s.vk);
    swirl_proof_clear(&a);
    swirl_proof_clear(&b);
    sys_clear(&s);
    swirl_backend_destroy(be);
}

/* ---- the rap_constraints slot's commitments ---- */

static size_t g_sources_checked; /* partitions found and compared */

/* every view's source holds the view's values; a shorter list trusts the common main only */
static void check_sources(const swirl_rap_sched *s, const swirl_air_instance *traces,
                          const swirl_stacked_pcs_data *const *commits, size_t n_commits) {
    size_t n = s->sh.n;
    swirl_rap_source *src = calloc(n * SWIRL_RAP_MAX_VIEWS, sizeof *src);
    CHECK(src != NULL);
    swirl_rap_sched_sources(s, traces, commits, n_commits, src);
    for (size_t ti = 0; ti < n; ti++) {
        const swirl_rap_view_set *v = &s->vs[ti];
        size_t h = traces[ti].height;
        for (size_t vi = 0; vi < v->nv; vi++) {
            const swirl_rap_source *o = &src[ti * SWIRL_RAP_MAX_VIEWS + vi];
            CHECK_MSG(o->data != NULL, "AIR %s view %zu (partition %d): %s", traces[ti].air->name,
                      vi, v->part[vi], o->why ? o->why : "?");
            CHECK(o->block.width == v->width[vi] && o->block.height == h);
            CHECK(o->block.stride ==
                  (h >= ((size_t)1 << s->sh.l) ? 1 : ((size_t)1 << s->sh.l) / h));
            const bb31 *m = NULL;
            CHECK_OK(swirl_stacked_pcs_host_matrix(o->data, &m));
            for (size_t c = 0; c < v->width[vi]; c++)
                for (size_t i = 0; i < h; i++)
                    CHECK_MSG(
                        bb31_eq(m[o->block.offset + c * o->block.col_len + i * o->block.stride],
                                v->base[vi][c * h + i]),
                        "AIR %s partition %d: column %zu row %zu differs", traces[ti].air->name,
                        v->part[vi], c, i);
            g_sources_checked++;
        }
    }
    /* one commitment short: the others are not in the slot's order any more */
    swirl_rap_sched_sources(s, traces, commits, n_commits - 1, src);
    for (size_t ti = 0; ti < n; ti++)
        for (size_t vi = 0; vi < s->vs[ti].nv; vi++) {
            const swirl_rap_source *o = &src[ti * SWIRL_RAP_MAX_VIEWS + vi];
            CHECK((o->data != NULL) == (s->vs[ti].part[vi] == SWIRL_RAP_PART_COMMON));
            CHECK(o->data != NULL || o->why != NULL);
        }
    /* none given: nothing found */
    swirl_rap_sched_sources(s, traces, NULL, 0, src);
    for (size_t ti = 0; ti < n; ti++)
        for (size_t vi = 0; vi < s->vs[ti].nv; vi++)
            CHECK(src[ti * SWIRL_RAP_MAX_VIEWS + vi].data == NULL);
    free(src);
}

static enum swirl_status sources_rap(const swirl_backend *be, swirl_gkr_proof *gkr,
                                     swirl_batch_proof *proof, bb31x4 *r_out, size_t *n_r,
                                     swirl_transcript *t, const swirl_zc_params *zp,
                                     const swirl_air_instance *traces, size_t n,
                                     const swirl_stacked_pcs_data *const *commits,
                                     size_t n_commits) {
    (void)be;
    swirl_rap_sched s;
    CHECK_OK(swirl_rap_sched_make(&s, zp, traces, n));
    CHECK(n_commits >= 1);
    check_sources(&s, traces, commits, n_commits);
    swirl_rap_sched_clear(&s);
    return swirl_backend_cpu()->rap_constraints(swirl_backend_cpu(), gkr, proof, r_out, n_r, t, zp,
                                                traces, n, commits, n_commits);
}

/* PreprocessedCachedAir alone at 2 (below 2^l_skip) and 16 rows, and the mixed system: every
 * partition found in the commitments the flow hands to rap_constraints */
static void test_rap_sources(void) {
    swirl_backend be = *swirl_backend_cpu();
    be.name = "cpu+sources";
    be.rap_constraints = sources_rap;
    swirl_system_params p = swirl_fixture_small_params(L_SKIP, N_STACK, 31);
    static const size_t heights[] = {2, 16};
    for (size_t hi = 0; hi < 2; hi++) {
        pc_traces t;
        pc_init(&t, heights[hi], 2, (unsigned)hi);
        swirl_keygen_air ka = {t.air, t.pre, heights[hi], 1};
        swirl_vk *vk;
        CHECK_OK(swirl_keygen(&vk, &p, &ka, 1));
        swirl_trace_input in = {t.common, heights[hi], NULL, t.cptr};
        swirl_proof proof;
        size_t before = g_sources_checked;
        CHECK_OK(swirl_flow_prove(&proof, vk, &in, &be, NULL));
        CHECK(g_sources_checked == before + 8); /* 4 partitions, each with its rotation */
        CHECK_OK(swirl_flow_verify(vk, &proof, NULL));
        swirl_proof_clear(&proof);
        swirl_vk_destroy(vk);
        pc_clear(&t);
    }
    sys s;
    sys_init(&s);
    swirl_proof proof;
    size_t before = g_sources_checked;
    CHECK_OK(swirl_flow_prove(&proof, s.vk, s.in, &be, NULL));
    CHECK(g_sources_checked > before + N_AIRS);
    CHECK_OK(swirl_flow_verify(s.vk, &proof, NULL));
    swirl_proof_clear(&proof);
    sys_clear(&s);
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_pc_alone),
    SWIRL_TEST(test_mixed),
    SWIRL_TEST(test_tampered_proof),
    SWIRL_TEST(test_tampered_traces),
    SWIRL_TEST(test_key_without_prover_data),
    SWIRL_TEST(test_threads),
    SWIRL_TEST(test_rap_sources),
    SWIRL_TEST(test_cuda_backend),
};

int main(int argc, char **argv) { return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests)); }
