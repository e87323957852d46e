/* The PCS proof parts (StackingProof, WhirProof) encoded as OpenVM's codec does: round trip to the
 * same bytes; every single-byte change of an encoded proof is malformed or rejected, never accepted
 * and never a crash; every truncation is malformed. */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "pcs_test_util.h"
#include "harness.h"
#include "protocol/codec_pcs.h"

static bb31x4 rnd(void) {
    bb31x4 r;
    for (int i = 0; i < 4; i++)
        r.c[i] = bb31_from_u32(swirl_test_rand32());
    return r;
}

typedef struct ctx {
    swirl_system_params p;
    swirl_stacked_pcs_data *d;
    swirl_digest root;
    int need_rot[2];
    swirl_stacked_commit_view view;
    bb31x4 r[16];
    bb31x4 (*claims)[2];
    size_t n_claims;
    swirl_transcript t0;
    bb31 *trace[2];
} ctx;

static void setup(ctx *c) {
    memset(c, 0, sizeof *c);
    c->p.l_skip = 2;
    c->p.n_stack = 3;
    c->p.w_stack = 8;
    c->p.log_blowup = 1;
    swirl_whir_proximity ud = {SWIRL_PROXIMITY_UNIQUE_DECODING, 0, 0};
    CHECK_OK(swirl_whir_config_init(&c->p.whir, 1, 5, 2, 1, 1, ud, 1, 1, 6));
    static const unsigned logs[2] = {4, 1};
    static const size_t widths[2] = {2, 1};
    swirl_trace_view tv[2] = {0};
    for (int m = 0; m < 2; m++) {
        size_t h = (size_t)1 << logs[m];
        c->trace[m] = malloc(h * widths[m] * sizeof(bb31));
        CHECK(c->trace[m] != NULL);
        for (size_t i = 0; i < h * widths[m]; i++)
            c->trace[m][i] = bb31_from_u32(swirl_test_rand32());
        tv[m].values = c->trace[m];
        tv[m].height = h;
        tv[m].width = widths[m];
        c->need_rot[m] = m == 0;
    }
    CHECK_OK(swirl_stacked_commit(NULL, &c->d, &c->root, tv, 2, 2, 3, 1, 2));
    c->view.layout = swirl_stacked_pcs_layout(c->d);
    c->view.matrix = test_pcs_matrix(c->d);
    c->view.need_rot = c->need_rot;
    for (int i = 0; i < 4; i++)
        c->r[i] = rnd();
    c->n_claims = swirl_stacked_pcs_layout(c->d)->num_cols;
    c->claims = malloc(c->n_claims * sizeof *c->claims);
    CHECK(c->claims != NULL);
    CHECK_OK(swirl_stacked_reduction_claims(c->claims, &c->view, 1, 2, c->r));
    swirl_transcript_init(&c->t0);
}

static void teardown(ctx *c) {
    free(c->claims);
    swirl_stacked_pcs_data_destroy(c->d);
    free(c->trace[0]);
    free(c->trace[1]);
}

/* prove both parts, return their encoding */
static swirl_bytes prove_encode(ctx *c) {
    swirl_transcript t = c->t0;
    swirl_stacking_proof sp;
    bb31x4 u[8], ucube[8];
    CHECK_OK(swirl_stacked_reduction_prove(NULL, &sp, u, &t, &c->view, 1, 2, 3, c->r));
    ucube[0] = u[0];
    ucube[1] = bb31x4_square(u[0]);
    for (int i = 1; i <= 3; i++)
        ucube[1 + i] = u[i];
    const swirl_stacked_pcs_data *cs[1] = {c->d};
    swirl_whir_proof wp;
    CHECK_OK(swirl_whir_prove(NULL, &wp, &t, &c->p, cs, 1, ucube));
    swirl_bytes b = {0};
    swirl_stacking_proof_encode(&b, &sp);
    swirl_whir_proof_encode(&b, &wp, &c->p);
    CHECK(!b.oom);
    swirl_stacking_proof_clear(&sp);
    swirl_whir_proof_clear(&wp);
    return b;
}

/* decode + verify: OK, MALFORMED or REJECTED */
static enum swirl_status decode_verify(ctx *c, const uint8_t *bytes, size_t len) {
    swirl_reader r = {bytes, len, 0};
    swirl_stacking_proof sp;
    swirl_whir_proof wp;
    enum swirl_status st = swirl_stacking_proof_decode(&sp, &r);
    if (st != SWIRL_OK)
        return st;
    st = swirl_whir_proof_decode(&wp, &r, &c->p);
    if (st != SWIRL_OK) {
        swirl_stacking_proof_clear(&sp);
        return st;
    }
    if (r.pos != len) {
        swirl_stacking_proof_clear(&sp);
        swirl_whir_proof_clear(&wp);
        return SWIRL_E_PROOF_MALFORMED; /* trailing bytes */
    }
    swirl_transcript t = c->t0;
    bb31x4 u[8], ucube[8];
    st = swirl_stacked_reduction_verify(u, &t, &sp, &c->view, 1, 2, 3,
                                        (const bb31x4(*)[2])c->claims, c->n_claims, c->r);
    if (st == SWIRL_OK) {
        ucube[0] = u[0];
        ucube[1] = bb31x4_square(u[0]);
        for (int i = 1; i <= 3; i++)
            ucube[1 + i] = u[i];
        size_t w = swirl_stacked_pcs_layout(c->d)->width;
        if (sp.n_commits != 1 || sp.openings_per_commit[0] != w)
            st = SWIRL_E_PROOF_MALFORMED;
        else
            st = swirl_whir_verify(&t, &c->p, &wp, sp.stacking_openings, &w, &c->root, 1, ucube);
    }
    swirl_stacking_proof_clear(&sp);
    swirl_whir_proof_clear(&wp);
    return st;
}

static void test_round_trip(void) {
    ctx c;
    setup(&c);
    swirl_bytes b = prove_encode(&c);
    CHECK_OK(decode_verify(&c, b.p, b.len));
    /* decode -> encode gives the same bytes */
    swirl_reader r = {b.p, b.len, 0};
    swirl_stacking_proof sp;
    swirl_whir_proof wp;
    CHECK_OK(swirl_stacking_proof_decode(&sp, &r));
    CHECK_OK(swirl_whir_proof_decode(&wp, &r, &c.p));
    CHECK(r.pos == b.len);
    swirl_bytes b2 = {0};
    swirl_stacking_proof_encode(&b2, &sp);
    swirl_whir_proof_encode(&b2, &wp, &c.p);
    CHECK(b2.len == b.len && memcmp(b2.p, b.p, b.len) == 0);
    /* the stacking part starts with the round-0 length 2 * (2^l_skip - 1) + 1 = 7 */
    CHECK(b.p[0] == 7 && b.p[1] == 0 && b.p[2] == 0 && b.p[3] == 0);
    swirl_bytes_free(&b2);
    swirl_stacking_proof_clear(&sp);
    swirl_whir_proof_clear(&wp);
    swirl_bytes_free(&b);
    teardown(&c);
}

static void test_every_byte_flip_and_truncation(void) {
    ctx c;
    setup(&c);
    swirl_bytes b = prove_encode(&c);
    size_t step = swirl_test_sanitized() ? 5 : 1, accepted = 0, tried = 0;
    for (size_t i = 0; i < b.len; i += step) {
        uint8_t saved = b.p[i];
        b.p[i] ^= (uint8_t)(1u << (i % 8));
        enum swirl_status st = decode_verify(&c, b.p, b.len);
        CHECK_MSG(st == SWIRL_E_PROOF_MALFORMED || st == SWIRL_E_PROOF_REJECTED,
                  "flipping byte %zu of %zu gave %s", i, b.len, swirl_status_str(st));
        accepted += st == SWIRL_OK;
        tried++;
        b.p[i] = saved;
    }
    CHECK(accepted == 0 && tried > 0);
    for (size_t len = 0; len < b.len; len += step)
        CHECK_STATUS(decode_verify(&c, b.p, len), SWIRL_E_PROOF_MALFORMED);
    /* a huge length prefix must not allocate: first u32 = 0xffffffff */
    uint8_t saved[4];
    memcpy(saved, b.p, 4);
    memset(b.p, 0xff, 4);
    CHECK_STATUS(decode_verify(&c, b.p, b.len), SWIRL_E_PROOF_MALFORMED);
    memcpy(b.p, saved, 4);
    CHECK_OK(decode_verify(&c, b.p, b.len));
    swirl_bytes_free(&b);
    teardown(&c);
}

static void test_threads_equal(void) {
    ctx c;
    setup(&c);
    swirl_bytes a = prove_encode(&c);
    int nt = omp_get_max_threads();
    omp_set_num_threads(1);
    swirl_bytes b = prove_encode(&c);
    omp_set_num_threads(nt);
    CHECK(a.len == b.len && memcmp(a.p, b.p, a.len) == 0);
    swirl_bytes_free(&a);
    swirl_bytes_free(&b);
    teardown(&c);
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_round_trip),
    SWIRL_TEST(test_threads_equal),
    SWIRL_TEST(test_every_byte_flip_and_truncation),
};

int main(int argc, char **argv) {
    return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
}
