/* WHIR: prove-then-verify of stacked openings for several shapes; the verifier rejects a wrong
 * claimed value, a wrong Merkle path or row, a wrong final polynomial, a short PoW witness and
 * tampered fields, without crashing; the stacked reduction's openings are exactly what WHIR
 * proves (u_cube = (u0, u0^2, ..., u_rest)). */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "harness.h"
#include "pcs/stacked_reduction.h"
#include "pcs/whir.h"
#include "protocol/codec_pcs.h"

static bb31x4 rnd(void) {
    bb31x4 r;
    for (int i = 0; i < 4; i++)
        r.c[i] = bb31_from_u32(swirl_test_rand32());
    return r;
}

static swirl_system_params small_params(unsigned l_skip, unsigned n_stack, unsigned k,
                                        unsigned log_final, unsigned pow_bits) {
    return swirl_fixture_params(l_skip, n_stack, k, log_final, pow_bits, 30 + pow_bits);
}

typedef struct wfix {
    swirl_stacked_pcs_data *d[2];
    swirl_digest roots[2];
    bb31 *store[4];
    size_t ns;
} wfix;

static void commit(wfix *f, size_t c, const unsigned *logs, const size_t *widths, size_t n,
                   const swirl_system_params *p) {
    swirl_trace_view t[4] = {0};
    for (size_t i = 0; i < n; i++) {
        size_t h = (size_t)1 << logs[i];
        bb31 *v = malloc((h * widths[i] + 1) * sizeof *v);
        CHECK(v != NULL);
        for (size_t j = 0; j < h * widths[i]; j++)
            v[j] = bb31_from_u32(swirl_test_rand32());
        f->store[f->ns++] = v;
        t[i].values = v;
        t[i].height = h;
        t[i].width = widths[i];
    }
    CHECK_OK(swirl_stacked_commit(NULL, &f->d[c], &f->roots[c], t, n, (unsigned)p->l_skip,
                                  (unsigned)p->n_stack, (unsigned)p->log_blowup,
                                  (unsigned)p->whir.k));
}

static void free_wfix(wfix *f, size_t nc) {
    for (size_t c = 0; c < nc; c++)
        swirl_stacked_pcs_data_destroy(f->d[c]);
    for (size_t i = 0; i < f->ns; i++)
        free(f->store[i]);
}

static void run_case(const swirl_system_params *p, wfix *f, size_t nc, int tamper) {
    size_t m = p->l_skip + p->n_stack;
    bb31x4 u[64];
    for (size_t i = 0; i < m; i++)
        u[i] = rnd();
    size_t widths[2], total = 0;
    for (size_t c = 0; c < nc; c++) {
        widths[c] = swirl_stacked_pcs_layout(f->d[c])->width;
        total += widths[c];
    }
    bb31x4 *open = malloc(total * sizeof *open);
    CHECK(open != NULL);
    size_t o = 0;
    for (size_t c = 0; c < nc; c++)
        for (size_t j = 0; j < widths[c]; j++)
            open[o++] = swirl_whir_opening_oracle(f->d[c], j, (unsigned)p->l_skip, u);
    swirl_transcript tp, tv;
    swirl_transcript_init(&tp);
    swirl_transcript_observe(&tp, bb31_from_u32(7));
    tv = tp;
    swirl_transcript t0 = tp;
    const swirl_stacked_pcs_data *cs[2] = {f->d[0], nc > 1 ? f->d[1] : NULL};
    swirl_whir_proof proof;
    CHECK_OK(swirl_whir_prove(NULL, &proof, &tp, p, cs, nc, u));
    CHECK_OK(swirl_whir_verify(&tv, p, &proof, open, widths, f->roots, nc, u));
    CHECK(memcmp(&tp, &tv, sizeof tp) == 0);
    if (tamper) {
        swirl_transcript t2;
        /* wrong claimed value */
        open[0] = bb31x4_add(open[0], bb31x4_one());
        t2 = t0;
        CHECK_STATUS(swirl_whir_verify(&t2, p, &proof, open, widths, f->roots, nc, u),
                     SWIRL_E_PROOF_REJECTED);
        open[0] = bb31x4_sub(open[0], bb31x4_one());
        /* a wrong opened row element (Merkle) and a wrong path digest */
        proof.initial_rows[3].v = (proof.initial_rows[3].v + 1) % BB31_P;
        t2 = t0;
        CHECK_STATUS(swirl_whir_verify(&t2, p, &proof, open, widths, f->roots, nc, u),
                     SWIRL_E_PROOF_REJECTED);
        proof.initial_rows[3].v = (proof.initial_rows[3].v + BB31_P - 1) % BB31_P;
        proof.initial_paths[0].v[1].v ^= 1;
        t2 = t0;
        CHECK_STATUS(swirl_whir_verify(&t2, p, &proof, open, widths, f->roots, nc, u),
                     SWIRL_E_PROOF_REJECTED);
        proof.initial_paths[0].v[1].v ^= 1;
        /* a wrong final polynomial */
        proof.final_poly[0] = bb31x4_add(proof.final_poly[0], bb31x4_one());
        t2 = t0;
        CHECK_STATUS(swirl_whir_verify(&t2, p, &proof, open, widths, f->roots, nc, u),
                     SWIRL_E_PROOF_REJECTED);
        proof.final_poly[0] = bb31x4_sub(proof.final_poly[0], bb31x4_one());
        /* a sumcheck value, an OOD value, a codeword value */
        bb31x4 *fields[3] = {&proof.sumcheck_polys[1][0], proof.ood_values, proof.codeword_values};
        for (int i = 0; i < 3; i++) {
            if (i > 0 && proof.n_codeword == 0)
                continue;
            bb31x4 saved = *fields[i];
            fields[i]->c[1] = bb31_add(fields[i]->c[1], bb31_one());
            t2 = t0;
            CHECK_STATUS(swirl_whir_verify(&t2, p, &proof, open, widths, f->roots, nc, u),
                         SWIRL_E_PROOF_REJECTED);
            *fields[i] = saved;
        }
        /* a PoW witness that falls short (if this one happens to pass, the next sample differs
         * and the proof is rejected later anyway) */
        proof.query_pow_witnesses[0] = bb31_add(proof.query_pow_witnesses[0], bb31_one());
        t2 = t0;
        CHECK_STATUS(swirl_whir_verify(&t2, p, &proof, open, widths, f->roots, nc, u),
                     SWIRL_E_PROOF_REJECTED);
        proof.query_pow_witnesses[0] = bb31_sub(proof.query_pow_witnesses[0], bb31_one());
        /* malformed: wrong final length */
        proof.n_final++;
        t2 = t0;
        CHECK_STATUS(swirl_whir_verify(&t2, p, &proof, open, widths, f->roots, nc, u),
                     SWIRL_E_PROOF_MALFORMED);
        proof.n_final--;
        t2 = t0;
        CHECK_OK(swirl_whir_verify(&t2, p, &proof, open, widths, f->roots, nc, u));
    }
    swirl_whir_proof_clear(&proof);
    free(open);
}

static void test_one_commit(void) {
    swirl_system_params p = small_params(2, 6, 2, 2, 2);
    CHECK(p.whir.num_rounds == 3);
    wfix f;
    memset(&f, 0, sizeof f);
    static const unsigned logs[] = {7, 4, 1};
    static const size_t widths[] = {3, 2, 5};
    commit(&f, 0, logs, widths, 3, &p);
    run_case(&p, &f, 1, 1);
    free_wfix(&f, 1);
}

static void test_two_commits_k3(void) {
    swirl_system_params p = small_params(3, 6, 3, 3, 1);
    wfix f;
    memset(&f, 0, sizeof f);
    static const unsigned logs[] = {9};
    static const size_t widths[] = {2};
    commit(&f, 0, logs, widths, 1, &p);
    static const unsigned logs2[] = {6, 2};
    static const size_t widths2[] = {3, 1};
    commit(&f, 1, logs2, widths2, 2, &p);
    run_case(&p, &f, 2, 1);
    free_wfix(&f, 2);
}

static void test_single_round(void) {
    swirl_system_params p = small_params(2, 3, 2, 3, 0);
    CHECK(p.whir.num_rounds == 1);
    wfix f;
    memset(&f, 0, sizeof f);
    static const unsigned logs[] = {5};
    static const size_t widths[] = {1};
    commit(&f, 0, logs, widths, 1, &p);
    run_case(&p, &f, 1, 0);
    free_wfix(&f, 1);
}

static void test_stacked_reduction_feeds_whir(void) {
    /* the stacked reduction's openings at u_prism are the values WHIR proves at u_cube */
    swirl_system_params p = small_params(2, 5, 2, 1, 1);
    wfix f;
    memset(&f, 0, sizeof f);
    static const unsigned logs[] = {6, 3, 1};
    static const size_t widths[] = {2, 3, 2};
    commit(&f, 0, logs, widths, 3, &p);
    int need_rot[3] = {1, 0, 1};
    swirl_stacked_commit_view v = {swirl_stacked_pcs_layout(f.d[0]), NULL, need_rot, f.d[0]};
    bb31x4 r[16], uprism[16];
    for (int i = 0; i < 6; i++)
        r[i] = rnd();
    swirl_transcript t;
    swirl_transcript_init(&t);
    swirl_stacking_proof sp;
    CHECK_OK(swirl_stacked_reduction_prove(NULL, &sp, uprism, &t, &v, 1, 2, 5, r));
    bb31x4 ucube[16];
    ucube[0] = uprism[0];
    ucube[1] = bb31x4_square(uprism[0]);
    for (int i = 1; i <= 5; i++)
        ucube[1 + i] = uprism[i];
    for (size_t j = 0; j < swirl_stacked_pcs_layout(f.d[0])->width; j++)
        CHECK(bb31x4_eq(sp.stacking_openings[j], swirl_whir_opening_oracle(f.d[0], j, 2, ucube)));
    /* and WHIR proves them */
    const swirl_stacked_pcs_data *cs[1] = {f.d[0]};
    swirl_whir_proof wp;
    swirl_transcript t2 = t;
    CHECK_OK(swirl_whir_prove(NULL, &wp, &t, &p, cs, 1, ucube));
    size_t w0 = swirl_stacked_pcs_layout(f.d[0])->width;
    CHECK_OK(swirl_whir_verify(&t2, &p, &wp, sp.stacking_openings, &w0, f.roots, 1, ucube));
    swirl_whir_proof_clear(&wp);
    swirl_stacking_proof_clear(&sp);
    free_wfix(&f, 1);
}

/* large enough for the parallel loops (2^14 evaluations): one thread and all threads give the
 * same proof bytes */
static void test_threads_equal(void) {
    swirl_system_params p = small_params(2, 12, 2, 8, 1);
    wfix f;
    memset(&f, 0, sizeof f);
    static const unsigned logs[] = {14};
    static const size_t widths[] = {2};
    commit(&f, 0, logs, widths, 1, &p);
    bb31x4 u[16];
    for (int i = 0; i < 14; i++)
        u[i] = rnd();
    const swirl_stacked_pcs_data *cs[1] = {f.d[0]};
    swirl_bytes enc[2] = {{0}, {0}};
    int nt = omp_get_max_threads();
    for (int run = 0; run < 2; run++) {
        omp_set_num_threads(run == 0 ? nt : 1);
        swirl_transcript t;
        swirl_transcript_init(&t);
        swirl_whir_proof wp;
        CHECK_OK(swirl_whir_prove(NULL, &wp, &t, &p, cs, 1, u));
        swirl_whir_proof_encode(&enc[run], &wp, &p);
        swirl_whir_proof_clear(&wp);
    }
    omp_set_num_threads(nt);
    CHECK(enc[0].len == enc[1].len && memcmp(enc[0].p, enc[1].p, enc[0].len) == 0);
    swirl_bytes_free(&enc[0]);
    swirl_bytes_free(&enc[1]);
    free_wfix(&f, 1);
}

/* ---------------------------------------------------------------------------------------------
 * A proved instance the negative tests below tamper with. */
typedef struct inst {
    swirl_system_params p;
    wfix f;
    size_t nc, widths[2];
    bb31x4 u[32], *open;
    swirl_transcript t0;
    swirl_whir_proof proof;
} inst;

static void inst_prove(inst *in) {
    size_t m = in->p.l_skip + in->p.n_stack, total = 0;
    for (size_t i = 0; i < m; i++)
        in->u[i] = rnd();
    for (size_t c = 0; c < in->nc; c++) {
        in->widths[c] = swirl_stacked_pcs_layout(in->f.d[c])->width;
        total += in->widths[c];
    }
    in->open = malloc(total * sizeof *in->open);
    CHECK(in->open != NULL);
    for (size_t c = 0, o = 0; c < in->nc; c++)
        for (size_t j = 0; j < in->widths[c]; j++)
            in->open[o++] = swirl_whir_opening_oracle(in->f.d[c], j, (unsigned)in->p.l_skip, in->u);
    swirl_transcript_init(&in->t0);
    swirl_transcript_observe_digest(&in->t0, &in->f.roots[0]);
    swirl_transcript t = in->t0;
    const swirl_stacked_pcs_data *cs[2] = {in->f.d[0], in->nc > 1 ? in->f.d[1] : NULL};
    CHECK_OK(swirl_whir_prove(NULL, &in->proof, &t, &in->p, cs, in->nc, in->u));
}

static enum swirl_status inst_verify(const inst *in) {
    swirl_transcript t = in->t0;
    return swirl_whir_verify(&t, &in->p, &in->proof, in->open, in->widths, in->f.roots, in->nc,
                             in->u);
}

static void inst_free(inst *in) {
    swirl_whir_proof_clear(&in->proof);
    free(in->open);
    free_wfix(&in->f, in->nc);
}

/* PoW bits 4 everywhere: the prover grinds the smallest witness, so for every witness w > 0 the
 * value w - 1 fails its check. Each such short witness must be rejected by exactly that check. */
static void test_pow_witness_short(void) {
    inst in;
    memset(&in, 0, sizeof in);
    in.p = small_params(2, 7, 2, 1, 4);
    CHECK(in.p.whir.mu_pow_bits == 4 && in.p.whir.folding_pow_bits == 4 &&
          in.p.whir.query_phase_pow_bits == 4);
    static const unsigned logs[] = {9};
    static const size_t widths[] = {2};
    commit(&in.f, 0, logs, widths, 1, &in.p);
    in.nc = 1;
    inst_prove(&in);
    CHECK_OK(inst_verify(&in));
    size_t nw = 1 + in.proof.n_sumcheck + in.proof.n_rounds, tried = 0;
    for (size_t i = 0; i < nw; i++) {
        bb31 *wp = i == 0 ? &in.proof.mu_pow_witness
                   : i <= in.proof.n_sumcheck
                       ? &in.proof.folding_pow_witnesses[i - 1]
                       : &in.proof.query_pow_witnesses[i - 1 - in.proof.n_sumcheck];
        uint32_t v = bb31_to_u32(*wp);
        if (v == 0)
            continue;
        bb31 saved = *wp;
        *wp = bb31_from_u32(v - 1);
        CHECK_STATUS(inst_verify(&in), SWIRL_E_PROOF_REJECTED);
        const char *want = i == 0                     ? "mu proof-of-work"
                           : i <= in.proof.n_sumcheck ? "folding proof-of-work"
                                                      : "query proof-of-work";
        CHECK_MSG(strstr(swirl_last_error(), want) != NULL, "witness %zu: '%s' lacks '%s'", i,
                  swirl_last_error(), want);
        *wp = saved;
        tried++;
    }
    CHECK(tried >= nw / 2); /* P(w = 0) = 2^-4 per witness */
    CHECK_OK(inst_verify(&in));
    inst_free(&in);
}

/* Every field element of the proof, changed by one, is rejected (never accepted, never a crash).
 * PoW witnesses are included: a changed witness that still passes its check changes the
 * challenges after it. */
static void test_every_field_tampered(void) {
    inst in;
    memset(&in, 0, sizeof in);
    in.p = small_params(2, 4, 2, 1, 1);
    /* few queries (security 8 bits) so that every element can be tried */
    swirl_whir_proximity ud = {SWIRL_PROXIMITY_UNIQUE_DECODING, 0, 0};
    CHECK_OK(swirl_whir_config_init(&in.p.whir, 1, 6, 2, 1, 1, ud, 1, 1, 8));
    CHECK(in.p.whir.num_rounds == 3 && in.p.whir.num_queries[0] == 17);
    static const unsigned logs[] = {6, 2};
    static const size_t widths[] = {1, 3};
    commit(&in.f, 0, logs, widths, 2, &in.p);
    static const unsigned logs2[] = {5};
    static const size_t widths2[] = {1};
    commit(&in.f, 1, logs2, widths2, 1, &in.p);
    in.nc = 2;
    inst_prove(&in);
    CHECK_OK(inst_verify(&in));
    swirl_whir_proof *pf = &in.proof;
    size_t rows0 = 0, total_q = 0,
           depth0 = in.p.l_skip + in.p.n_stack + in.p.log_blowup - in.p.whir.k;
    for (size_t c = 0; c < in.nc; c++)
        rows0 += (in.p.whir.num_queries[0] << in.p.whir.k) * in.widths[c];
    size_t cw_vals = 0, cw_paths = 0;
    for (size_t r = 1; r < pf->n_rounds; r++) {
        cw_vals += in.p.whir.num_queries[r] << in.p.whir.k;
        cw_paths += in.p.whir.num_queries[r] * (depth0 - r);
        total_q += in.p.whir.num_queries[r];
    }
    struct {
        bb31 *p;
        size_t n;
        const char *name;
    } parts[] = {
        {&pf->mu_pow_witness, 1, "mu witness"},
        {(bb31 *)pf->sumcheck_polys, 8 * pf->n_sumcheck, "sumcheck"},
        {(bb31 *)pf->codeword_commits, 8 * pf->n_codeword, "codeword commit"},
        {(bb31 *)pf->ood_values, 4 * pf->n_codeword, "ood value"},
        {pf->folding_pow_witnesses, pf->n_sumcheck, "folding witness"},
        {pf->query_pow_witnesses, pf->n_rounds, "query witness"},
        {pf->initial_rows, rows0, "initial row"},
        {(bb31 *)pf->initial_paths, 8 * in.nc * in.p.whir.num_queries[0] * depth0, "initial path"},
        {(bb31 *)pf->codeword_values, 4 * cw_vals, "codeword value"},
        {(bb31 *)pf->codeword_paths, 8 * cw_paths, "codeword path"},
        {(bb31 *)pf->final_poly, 4 * pf->n_final, "final poly"},
    };
    size_t step = swirl_test_sanitized() ? 7 : 1, tried = 0;
    for (size_t k = 0; k < sizeof parts / sizeof parts[0]; k++) {
        CHECK(parts[k].n > 0);
        for (size_t i = 0; i < parts[k].n; i += step) {
            bb31 saved = parts[k].p[i];
            parts[k].p[i] = bb31_add(saved, bb31_one());
            enum swirl_status st = inst_verify(&in);
            CHECK_MSG(st == SWIRL_E_PROOF_REJECTED, "%s element %zu: %s", parts[k].name, i,
                      swirl_status_str(st));
            parts[k].p[i] = saved;
            tried++;
        }
    }
    CHECK(tried > 100 && total_q > 0);
    CHECK_OK(inst_verify(&in));
    inst_free(&in);
}

/* all-(p - 1) traces and opening point: the largest operands for the lazily reduced sums */
static void test_extreme_values(void) {
    inst in;
    memset(&in, 0, sizeof in);
    in.p = small_params(3, 8, 3, 2, 0); /* no grinding: not the point here */
    size_t h = (size_t)1 << 11, wd = 5;
    bb31 *v = malloc(h * wd * sizeof *v);
    CHECK(v != NULL);
    for (size_t i = 0; i < h * wd; i++)
        v[i] = bb31_from_u32(BB31_P - 1);
    in.f.store[in.f.ns++] = v;
    swirl_trace_view tv = {v, h, wd, NULL};
    CHECK_OK(swirl_stacked_commit(NULL, &in.f.d[0], &in.f.roots[0], &tv, 1, 3, 8, 1, 3));
    in.nc = 1;
    inst_prove(&in);
    CHECK_OK(inst_verify(&in));
    swirl_whir_proof_clear(&in.proof);
    /* and at u = (p - 1, ..., p - 1) */
    for (size_t i = 0; i < 11; i++)
        for (int c = 0; c < 4; c++)
            in.u[i].c[c] = bb31_from_u32(BB31_P - 1);
    for (size_t j = 0; j < wd; j++)
        in.open[j] = swirl_whir_opening_oracle(in.f.d[0], j, 3, in.u);
    swirl_transcript t = in.t0;
    const swirl_stacked_pcs_data *cs[1] = {in.f.d[0]};
    CHECK_OK(swirl_whir_prove(NULL, &in.proof, &t, &in.p, cs, 1, in.u));
    CHECK_OK(inst_verify(&in));
    inst_free(&in);
}

static void test_bad_arguments(void) {
    inst in;
    memset(&in, 0, sizeof in);
    in.p = small_params(2, 4, 2, 2, 0);
    static const unsigned logs[] = {6};
    static const size_t widths[] = {2};
    commit(&in.f, 0, logs, widths, 1, &in.p);
    in.nc = 1;
    inst_prove(&in);
    swirl_transcript t = in.t0;
    const swirl_stacked_pcs_data *cs[1] = {in.f.d[0]};
    swirl_whir_proof q;
    CHECK_STATUS(swirl_whir_prove(NULL, NULL, &t, &in.p, cs, 1, in.u), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_whir_prove(NULL, &q, &t, &in.p, cs, 0, in.u), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_whir_prove(NULL, &q, &t, &in.p, NULL, 1, in.u), SWIRL_E_INVALID_ARG);
    /* parameters for another stacked height */
    swirl_system_params other = small_params(2, 5, 2, 2, 0);
    CHECK_STATUS(swirl_whir_prove(NULL, &q, &t, &other, cs, 1, in.u), SWIRL_E_INVALID_ARG);
    CHECK(q.sumcheck_polys == NULL); /* nothing left allocated */
    swirl_system_params bad = in.p;
    bad.whir.num_rounds = 0;
    CHECK_STATUS(swirl_whir_prove(NULL, &q, &t, &bad, cs, 1, in.u), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_whir_verify(&t, &bad, &in.proof, in.open, in.widths, in.f.roots, 1, in.u),
                 SWIRL_E_INVALID_ARG);
    /* the verifier: a width that differs from the proof's is malformed */
    size_t w2 = in.widths[0] + 1;
    t = in.t0;
    CHECK_STATUS(swirl_whir_verify(&t, &in.p, &in.proof, in.open, &w2, in.f.roots, 1, in.u),
                 SWIRL_E_PROOF_MALFORMED);
    t = in.t0;
    CHECK_STATUS(swirl_whir_verify(&t, &other, &in.proof, in.open, in.widths, in.f.roots, 1, in.u),
                 SWIRL_E_PROOF_MALFORMED);
    CHECK_STATUS(swirl_whir_verify(NULL, &in.p, &in.proof, in.open, in.widths, in.f.roots, 1, in.u),
                 SWIRL_E_INVALID_ARG);
    swirl_whir_proof_clear(NULL);
    CHECK_OK(inst_verify(&in));
    inst_free(&in);
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_threads_equal),
    SWIRL_TEST(test_one_commit),
    SWIRL_TEST(test_two_commits_k3),
    SWIRL_TEST(test_single_round),
    SWIRL_TEST(test_stacked_reduction_feeds_whir),
    SWIRL_TEST(test_pow_witness_short),
    SWIRL_TEST(test_every_field_tampered),
    SWIRL_TEST(test_extreme_values),
    SWIRL_TEST(test_bad_arguments),
};

int main(int argc, char **argv) {
    return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
}
