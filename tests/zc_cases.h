/* Shared by test_zc_eval.c (the GPU evaluation's per-thread code run on the CPU) and
 * test_gpu_constraint.c (the CUDA slots): AIR cases, and a run of the real zerocheck prover whose
 * constraint_round0 / constraint_round slots call both the CPU slot and the slot under test on the
 * very inputs zerocheck.c builds, and check the two agree exactly (a header of static functions:
 * each test includes it once). */
#ifndef SWIRL_TESTS_ZC_CASES_H
#define SWIRL_TESTS_ZC_CASES_H

#include <stdlib.h>
#include <string.h>

#include "air/program.h"
#include "air/test_airs.h"
#include "device/constraint_trace.h"
#include "device/ops.h"
#include "fixtures.h"
#include "harness.h"
#include "protocol/zerocheck.h"
#include "swirl/swirl_airs.h"

typedef struct zc_case {
    const char *name;
    swirl_air *air[3];
    swirl_air_instance inst[3];
    size_t n;
    unsigned l_skip;
    void *bufs[12];
    size_t n_bufs;
} zc_case;

static bb31 *zcc_buf(zc_case *c, size_t n) {
    bb31 *p = (bb31 *)calloc(n ? n : 1, sizeof *p);
    CHECK(p && c->n_bufs < 12);
    c->bufs[c->n_bufs++] = p;
    return p;
}

static bb31 *zcc_random(zc_case *c, size_t n) {
    bb31 *p = zcc_buf(c, n);
    for (size_t i = 0; i < n; i++)
        p[i] = bb31_from_u32((uint32_t)swirl_test_rand_below(BB31_P));
    return p;
}

static void zcc_clear(zc_case *c) {
    for (size_t i = 0; i < c->n_bufs; i++)
        free(c->bufs[i]);
    for (size_t i = 0; i < 3; i++)
        swirl_air_destroy(c->air[i]);
    memset(c, 0, sizeof *c);
}

static swirl_air *zcc_compile(swirl_air_builder *b) {
    swirl_air *air = NULL;
    CHECK_OK(swirl_air_compile(&air, b, 3));
    swirl_air_builder_destroy(b);
    return air;
}

/* fib alone at height h (h < 2^l_skip: the trace repeats over the skip domain) */
static void zcc_fib(zc_case *c, size_t h, unsigned l_skip) {
    memset(c, 0, sizeof *c);
    c->name = "fib";
    swirl_air_builder *b;
    CHECK_OK(swirl_fib_air_build(&b));
    c->air[0] = zcc_compile(b);
    swirl_felt *m;
    CHECK_OK(swirl_fib_trace(&m, 0, 1, h));
    bb31 *mm = zcc_buf(c, 2 * h);
    memcpy(mm, m, 2 * h * sizeof *mm);
    swirl_free(m);
    bb31 *pv = zcc_buf(c, 3);
    pv[0] = bb31_zero();
    pv[1] = bb31_one();
    pv[2] = mm[2 * h - 1];
    swirl_air_instance in = {c->air[0], NULL, NULL, mm, h, pv};
    c->inst[0] = in;
    c->n = 1;
    c->l_skip = l_skip;
}

/* DummyInteractionAir sender (32 rows) and receiver (4 rows) on bus 3, balanced */
static void zcc_bus(zc_case *c, unsigned l_skip) {
    memset(c, 0, sizeof *c);
    c->name = "dummy_interaction";
    swirl_air_builder *b;
    CHECK_OK(swirl_dummy_interaction_air_build(&b, 1, 1, 3, 0));
    c->air[0] = zcc_compile(b);
    CHECK_OK(swirl_dummy_interaction_air_build(&b, 1, 0, 3, 0));
    c->air[1] = zcc_compile(b);
    bb31 *sm = zcc_buf(c, 2 * SWIRL_FIX_HS), *rm = zcc_buf(c, 2 * SWIRL_FIX_HR);
    swirl_fixture_bus_traces(sm, rm);
    swirl_air_instance s = {c->air[0], NULL, NULL, sm, SWIRL_FIX_HS, NULL};
    swirl_air_instance r = {c->air[1], NULL, NULL, rm, SWIRL_FIX_HR, NULL};
    c->inst[0] = s;
    c->inst[1] = r;
    c->n = 2;
    c->l_skip = l_skip;
}

/* SelfInteractionAir (8 interactions) of `width` columns and 2^log_h rows */
static void zcc_self(zc_case *c, size_t width, unsigned log_h, unsigned l_skip) {
    memset(c, 0, sizeof *c);
    c->name = "self_interaction";
    swirl_air_builder *b;
    CHECK_OK(swirl_self_interaction_air_build(&b, width, 2));
    c->air[0] = zcc_compile(b);
    swirl_felt *m;
    CHECK_OK(swirl_self_interaction_trace(&m, width, log_h));
    size_t h = (size_t)1 << log_h;
    bb31 *mm = zcc_buf(c, width * h);
    memcpy(mm, m, width * h * sizeof *mm);
    swirl_free(m);
    swirl_air_instance in = {c->air[0], NULL, NULL, mm, h, NULL};
    c->inst[0] = in;
    c->n = 1;
    c->l_skip = l_skip;
}

/* fib_selector (preprocessed column, interaction) and its sender: swirl_fixture_lookup's traces,
 * with PreprocessedCachedAir (preprocessed, 2 cached partitions, random rows) beside them */
static void zcc_parts(zc_case *c, unsigned l_skip) {
    memset(c, 0, sizeof *c);
    c->name = "preprocessed_cached";
    swirl_fixture_lookup f;
    swirl_fixture_lookup_init(&f);
    swirl_air_builder *b;
    CHECK_OK(swirl_preprocessed_cached_air_build(&b, 2));
    c->air[0] = zcc_compile(b);
    c->air[1] = f.send;
    c->air[2] = f.fib;
    enum { H = 64 };
    bb31 *pre = zcc_random(c, H), *c0 = zcc_random(c, H), *c1 = zcc_random(c, H),
         *cm = zcc_random(c, H);
    bb31 **cached = (bb31 **)calloc(2, sizeof *cached);
    CHECK(cached && c->n_bufs < 12);
    c->bufs[c->n_bufs++] = cached;
    cached[0] = c0;
    cached[1] = c1;
    swirl_air_instance pc = {c->air[0], pre, (const bb31 *const *)cached, cm, H, NULL};
    c->inst[0] = pc;
    /* the lookup fixture's arrays move into the case */
    bb31 *sm = zcc_buf(c, 2 * SWIRL_FIX_NS), *fm = zcc_buf(c, 2 * SWIRL_FIX_NF),
         *fp = zcc_buf(c, SWIRL_FIX_NF), *pv = zcc_buf(c, 3);
    memcpy(sm, f.sm, sizeof f.sm);
    memcpy(fm, f.m, 2 * SWIRL_FIX_NF * sizeof *fm);
    memcpy(fp, f.pre, sizeof f.pre);
    memcpy(pv, f.pv, sizeof f.pv);
    free(f.m);
    swirl_air_instance s = {f.send, NULL, NULL, sm, SWIRL_FIX_NS, NULL};
    swirl_air_instance fi = {f.fib, fp, NULL, fm, SWIRL_FIX_NF, pv};
    c->inst[1] = s;
    c->inst[2] = fi;
    c->n = 3;
    c->l_skip = l_skip;
}

/* KeccakAir: the real trace of `perms` permutations (perms > 0) or 2^log_h random rows */
static void zcc_keccak(zc_case *c, size_t perms, unsigned log_h) {
    memset(c, 0, sizeof *c);
    c->name = perms ? "keccak_real" : "keccak_random";
    swirl_air_builder *b;
    CHECK_OK(swirl_keccak_air_build(&b));
    c->air[0] = zcc_compile(b);
    size_t w = c->air[0]->common_width, h;
    bb31 *mm;
    if (perms) {
        size_t n_in;
        const uint64_t(*in)[25] = swirl_keccakf_example_inputs(&n_in);
        CHECK(perms <= n_in);
        swirl_felt *m;
        CHECK_OK(swirl_keccak_generate_trace(&m, &h, in, perms));
        mm = zcc_buf(c, w * h);
        memcpy(mm, m, w * h * sizeof *mm);
        swirl_free(m);
    } else {
        h = (size_t)1 << log_h;
        mm = zcc_random(c, w * h);
    }
    swirl_air_instance in = {c->air[0], NULL, NULL, mm, h, NULL};
    c->inst[0] = in;
    c->n = 1;
    c->l_skip = 4;
}

/* ---- the prover run with both slots ---- */

typedef enum swirl_status (*zcc_r0_fn)(const swirl_backend_ops *, bb31x4 *, const swirl_zc_trace *,
                                       const swirl_zc_round0_in *);
typedef enum swirl_status (*zcc_round_fn)(const swirl_backend_ops *, bb31x4 *,
                                          const swirl_zc_trace *, const bb31x4 *, size_t, unsigned,
                                          const bb31x4 *, const bb31x4 *);

static struct {
    zcc_r0_fn r0;
    zcc_round_fn round;
    swirl_backend_ops alt_ops; /* the table the slot under test receives */
    size_t n_r0, n_round, n_mut;
    int mutate;
} zcc;

/* a copy of the trace record whose common view (and its rotated twin) reads a copy of the
 * columns with one value changed; *copy receives the allocation */
static swirl_zc_trace zcc_mutated(const swirl_zc_trace *tt, bb31 **copy) {
    swirl_zc_trace m = *tt;
    size_t step = tt->rot ? 2 : 1, v0 = tt->nv - step, w = tt->v[v0].width;
    bb31 *cols = (bb31 *)malloc(w * tt->h * sizeof *cols);
    CHECK(cols);
    memcpy(cols, tt->v[v0].base, w * tt->h * sizeof *cols);
    /* a column the program reads (a random one of its common-main variables) */
    const swirl_air_program *pg = tt->air->program;
    size_t nvars = pg->n_inputs - SWIRL_PROG_N_SELECTORS, col = w;
    size_t s0 = nvars ? (size_t)swirl_test_rand_below(nvars) : 0;
    for (size_t k = 0; k < nvars && col == w; k++) {
        const swirl_prog_var *v = &pg->vars[(s0 + k) % nvars];
        if (v->entry == SWIRL_ENTRY_MAIN && v->part == tt->air->n_cached)
            col = v->index;
    }
    CHECK(col < w);
    size_t at = col * tt->h + (size_t)swirl_test_rand_below(tt->h);
    cols[at] = bb31_add(cols[at], bb31_one());
    for (size_t v = v0; v < tt->nv; v++)
        m.v[v].base = cols;
    *copy = cols;
    return m;
}

static enum swirl_status zcc_w_r0(const swirl_backend_ops *ops, bb31x4 *S,
                                  const swirl_zc_trace *tt, const swirl_zc_round0_in *in) {
    (void)ops;
    size_t n = 3 * in->n_points;
    bb31x4 *S2 = (bb31x4 *)malloc(n * sizeof *S2);
    CHECK(S2);
    memcpy(S2, S, n * sizeof *S2);
    CHECK_OK(swirl_cpu_constraint_round0(NULL, S, tt, in));
    CHECK_OK(zcc.r0(&zcc.alt_ops, S2, tt, in));
    CHECK_MSG(memcmp(S, S2, n * sizeof *S2) == 0, "round 0 of AIR %s: the sums differ",
              tt->air->name);
    zcc.n_r0++;
    if (zcc.mutate && in->np > 0) {
        /* a wrong value in the trace changes S, on both sides alike */
        bb31 *cols;
        swirl_zc_trace m = zcc_mutated(tt, &cols);
        bb31x4 *Sc = (bb31x4 *)calloc(n, sizeof *Sc), *Sg = (bb31x4 *)calloc(n, sizeof *Sg),
               *S0 = (bb31x4 *)calloc(n, sizeof *S0);
        CHECK(Sc && Sg && S0);
        CHECK_OK(zcc.r0(&zcc.alt_ops, S0, tt, in));
        CHECK_OK(zcc.r0(&zcc.alt_ops, Sg, &m, in));
        CHECK_OK(swirl_cpu_constraint_round0(NULL, Sc, &m, in));
        CHECK(memcmp(Sc, Sg, n * sizeof *Sg) == 0);
        CHECK_MSG(memcmp(S0, Sg, n * sizeof *Sg) != 0, "AIR %s: a wrong trace value left S as it was",
                  tt->air->name);
        zcc.n_mut++;
        free(Sc);
        free(Sg);
        free(S0);
        free(cols);
    }
    free(S2);
    return SWIRL_OK;
}

static enum swirl_status zcc_w_round(const swirl_backend_ops *ops, bb31x4 *out,
                                     const swirl_zc_trace *tt, const bb31x4 *eq_y, size_t ny,
                                     unsigned G, const bb31x4 *lp, const bb31x4 *bp) {
    (void)ops;
    bb31x4 alt[3 * SWIRL_ZC_MAX_COS];
    memset(alt, 0xa5, sizeof alt); /* every output must be written */
    CHECK_OK(swirl_cpu_constraint_round(NULL, out, tt, eq_y, ny, G, lp, bp));
    CHECK_OK(zcc.round(&zcc.alt_ops, alt, tt, eq_y, ny, G, lp, bp));
    CHECK_MSG(memcmp(out, alt, 3 * G * sizeof *out) == 0,
              "round (ny %zu) of AIR %s: the sums differ", ny, tt->air->name);
    zcc.n_round++;
    return SWIRL_OK;
}

/* runs the zerocheck prover over the case with both slots compared at every call */
static void zcc_run(const zc_case *c, zcc_r0_fn r0, zcc_round_fn round, void *alt_ctx, int mutate) {
    swirl_backend_ops ops = *swirl_backend_cpu_ops();
    ops.constraint_round0 = zcc_w_r0;
    ops.constraint_round = zcc_w_round;
    zcc.r0 = r0;
    zcc.round = round;
    zcc.alt_ops = *swirl_backend_cpu_ops();
    zcc.alt_ops.ctx = alt_ctx;
    zcc.n_r0 = zcc.n_round = zcc.n_mut = 0;
    zcc.mutate = mutate;
    swirl_zc_params zp = {c->l_skip, 3, 1};
    swirl_transcript t;
    swirl_transcript_init(&t);
    swirl_transcript_observe(&t, bb31_from_u32(11));
    swirl_gkr_proof gkr;
    swirl_batch_proof bp;
    bb31x4 r[64];
    size_t nr = 0;
    CHECK_OK(swirl_zerocheck_prove(&ops, &gkr, &bp, r, &nr, &t, &zp, c->inst, c->n));
    swirl_gkr_proof_clear(&gkr);
    swirl_batch_proof_clear(&bp);
    CHECK_MSG(zcc.n_r0 > 0, "case %s: round 0 never called", c->name);
    CHECK(!mutate || zcc.n_mut > 0);
}

#endif /* SWIRL_TESTS_ZC_CASES_H */
