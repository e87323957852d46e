/* WHIR: prove-then-verify of stacked openings for several shapes; the verifier rejects a wrong
 * claimed value, a wrong Merkle path or row, a wrong final polynomial, a short PoW witness and
 * tampered fields, without crashing; the stacked reduction's openings are exactly what WHIR
 * proves (u_cube = (u0, u0^2, ..., u_rest)). */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

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
    swirl_system_params p;
    memset(&p, 0, sizeof p);
    p.l_skip = l_skip;
    p.n_stack = n_stack;
    p.w_stack = 16;
    p.log_blowup = 1;
    p.max_constraint_degree = 3;
    swirl_whir_proximity ud = {SWIRL_PROXIMITY_UNIQUE_DECODING, 0, 0};
    CHECK_OK(swirl_whir_config_init(&p.whir, 1, l_skip + n_stack, k, log_final, pow_bits, ud,
                                    pow_bits, pow_bits, 30 + pow_bits));
    p.logup = swirl_logup_params_baby_bear_100_bits(0.0);
    return p;
}

typedef struct wfix {
    swirl_stacked_pcs_data *d[2];
    swirl_digest roots[2];
    bb31 *store[4];
    size_t ns;
} wfix;

static void commit(wfix *f, size_t c, const unsigned *logs, const size_t *widths, size_t n,
                   const swirl_system_params *p) {
    swirl_trace_view t[4];
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
    CHECK_OK(swirl_stacked_commit(&f->d[c], &f->roots[c], t, n, (unsigned)p->l_skip,
                                  (unsigned)p->n_stack, (unsigned)p->log_blowup, (unsigned)p->whir.k));
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
        widths[c] = f->d[c]->layout.width;
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
    CHECK_OK(swirl_whir_prove(&proof, &tp, p, cs, nc, u));
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
    swirl_stacked_commit_view v = {&f.d[0]->layout, f.d[0]->matrix, need_rot};
    bb31x4 r[16], uprism[16];
    for (int i = 0; i < 6; i++)
        r[i] = rnd();
    swirl_transcript t;
    swirl_transcript_init(&t);
    swirl_stacking_proof sp;
    CHECK_OK(swirl_stacked_reduction_prove(&sp, uprism, &t, &v, 1, 2, 5, r));
    bb31x4 ucube[16];
    ucube[0] = uprism[0];
    ucube[1] = bb31x4_square(uprism[0]);
    for (int i = 1; i <= 5; i++)
        ucube[1 + i] = uprism[i];
    for (size_t j = 0; j < f.d[0]->layout.width; j++)
        CHECK(bb31x4_eq(sp.stacking_openings[j], swirl_whir_opening_oracle(f.d[0], j, 2, ucube)));
    /* and WHIR proves them */
    const swirl_stacked_pcs_data *cs[1] = {f.d[0]};
    swirl_whir_proof wp;
    swirl_transcript t2 = t;
    CHECK_OK(swirl_whir_prove(&wp, &t, &p, cs, 1, ucube));
    size_t w0 = f.d[0]->layout.width;
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
        CHECK_OK(swirl_whir_prove(&wp, &t, &p, cs, 1, u));
        swirl_whir_proof_encode(&enc[run], &wp, &p);
        swirl_whir_proof_clear(&wp);
    }
    omp_set_num_threads(nt);
    CHECK(enc[0].len == enc[1].len && memcmp(enc[0].p, enc[1].p, enc[0].len) == 0);
    swirl_bytes_free(&enc[0]);
    swirl_bytes_free(&enc[1]);
    free_wfix(&f, 1);
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_threads_equal),
    SWIRL_TEST(test_one_commit),
    SWIRL_TEST(test_two_commits_k3),
    SWIRL_TEST(test_single_round),
    SWIRL_TEST(test_stacked_reduction_feeds_whir),
};

int main(int argc, char **argv) {
    return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
}
