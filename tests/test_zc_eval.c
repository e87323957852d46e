/* The GPU constraint evaluation's per-thread code (device/zc_eval.h: the flat program, round 0's
 * interpolation + program + LogUp sums, the multilinear rounds' extension-field evaluation) run
 * on the CPU, one point at a time in a structure-of-arrays value buffer of several threads, on
 * the exact inputs the zerocheck prover passes to its slots (tests/zc_cases.h), compared with the
 * CPU slots (device/cpu/constraint.c) for every AIR we have, KeccakAir included; a wrong trace
 * value changes round 0's sums. What runs only on a GPU (launch shapes, block reductions) is
 * tests/test_gpu_constraint.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device/zc_block.h"
#include "device/zc_eval.h"
#include "harness.h"
#include "zc_cases.h"
#include "device/zc_stream.h"
#include "protocol/zerocheck_math.h"

enum { EMU_T = 3 }; /* threads of the emulated value buffer; thread t = (x + p) mod EMU_T */

static void emu_build(swirl_zc_dprog *dp, void **storage, bb31 **V, const swirl_zc_trace *tt) {
    CHECK_OK(swirl_zc_dprog_build(dp, storage, tt->air));
    CHECK(dp->nv == tt->nv && dp->rot == tt->rot);
    *V = (bb31 *)calloc((size_t)dp->n_slots * 4 * EMU_T + 1, sizeof **V);
    CHECK(*V);
}

static enum swirl_status emu_r0(const swirl_backend_ops *ops, bb31x4 *S, const swirl_zc_trace *tt,
                                const swirl_zc_round0_in *in) {
    (void)ops;
    swirl_zc_dprog dp;
    void *storage;
    bb31 *V;
    emu_build(&dp, &storage, &V, tt);
    const bb31 *base[2 * SWIRL_ZC_MAX_PARTS];
    for (size_t v = 0; v < tt->nv; v++)
        base[v] = tt->v[v].base;
    size_t nx = (size_t)1 << tt->n_lift, P = in->n_points, N = in->N;
    for (size_t x = 0; x < nx; x++)
        for (size_t p = 0; p < in->np; p++) {
            size_t t = (x + p) % EMU_T;
            int zc = p < in->nzc * N, lu = p < in->nlu * N;
            swirl_zc_r0_eval(&dp, base, tt->in->public_values, V, EMU_T, t, x, in->lag + p * N,
                             N, tt->h);
            bb31 zfinv = zc ? swirl_zc_r0_zfinv(in->pts[p], N) : bb31_zero();
            bb31x4 c[3];
            swirl_zc_r0_contrib(c, &dp, V, EMU_T, t, in->eq_x[x], zfinv, zc, lu, in->lambda_pows,
                                in->beta_pows, tt->eq3b);
            for (int k = 0; k < 3; k++)
                S[k * P + p] = bb31x4_add(S[k * P + p], c[k]);
        }
    free(V);
    free(storage);
    return SWIRL_OK;
}

static enum swirl_status emu_round(const swirl_backend_ops *ops, bb31x4 *out,
                                   const swirl_zc_trace *tt, const bb31x4 *eq_y, size_t ny,
                                   unsigned G, const bb31x4 *lp, const bb31x4 *bp) {
    (void)ops;
    swirl_zc_dprog dp;
    void *storage;
    bb31 *V;
    emu_build(&dp, &storage, &V, tt);
    const bb31x4 *fold[2 * SWIRL_ZC_MAX_PARTS];
    for (size_t v = 0; v < tt->nv; v++)
        fold[v] = tt->fold[v];
    for (unsigned i = 0; i < 3 * G; i++)
        out[i] = bb31x4_zero();
    for (size_t y = 0; y < ny; y++)
        for (unsigned X = 1; X <= G; X++) {
            bb31x4 c[3];
            swirl_zc_round_eval(c, &dp, fold, tt->fsel, tt->in->public_values, V, EMU_T,
                                (y + X) % EMU_T, y, tt->cur_h, bb31_from_u32(X), eq_y[y], lp, bp,
                                tt->eq3b);
            for (int k = 0; k < 3; k++)
                out[k * G + X - 1] = bb31x4_add(out[k * G + X - 1], c[k]);
        }
    free(V);
    free(storage);
    return SWIRL_OK;
}

/* round 0 as the block kernel runs it (device/zc_block.h), EMU_NT "threads" per phase */
enum { EMU_NT = 7 };
static enum swirl_status emu_r0_blk(const swirl_backend_ops *ops, bb31x4 *S,
                                    const swirl_zc_trace *tt, const swirl_zc_round0_in *in) {
    (void)ops;
    swirl_zc_dprog dp;
    swirl_zc_sched sc;
    void *storage, *sst;
    CHECK_OK(swirl_zc_dprog_build(&dp, &storage, tt->air));
    CHECK_OK(swirl_zc_sched_build(&sc, &sst, &dp));
    bb31 *V = (bb31 *)calloc((size_t)sc.n_slots + 1, sizeof *V);
    CHECK(V);
    const bb31 *base[2 * SWIRL_ZC_MAX_PARTS];
    for (size_t v = 0; v < tt->nv; v++)
        base[v] = tt->v[v].base;
    size_t nx = (size_t)1 << tt->n_lift, P = in->n_points, N = in->N;
    for (size_t p = 0; p < in->np; p++) {
        int zc = p < in->nzc * N, lu = p < in->nlu * N;
        if (!zc && !lu)
            continue;
        bb31 zfinv = zc ? swirl_zc_r0_zfinv(in->pts[p], N) : bb31_zero();
        for (size_t x = 0; x < nx; x++) {
            for (uint32_t j = 0; j < sc.n_inputs; j++)
                V[j] = swirl_zc_r0_input(&dp, base, tt->in->public_values, x, in->lag + p * N, 1, N,
                                         tt->h, j);
            for (uint32_t L = 0; L < sc.n_levels; L++)
                for (uint32_t t = EMU_NT; t-- > 0;)
                    swirl_zc_blk_level_b(&dp, &sc, V, swirl_zc_blk_fetch(&sc, L, t), EMU_NT);
            for (uint32_t t = 0; t < EMU_NT; t++) {
                bb31x4 c[3];
                swirl_zc_blk_r0_sums(c, &dp, &sc, V, in->lambda_pows, in->beta_pows, tt->eq3b, zc,
                                     lu && dp.n_interactions, t, EMU_NT);
                c[0] = bb31x4_mul_base(c[0], zfinv);
                for (int k = 0; k < 3; k++)
                    S[k * P + p] = bb31x4_add(S[k * P + p], bb31x4_mul(in->eq_x[x], c[k]));
            }
        }
    }
    free(V);
    free(sst);
    free(storage);
    return SWIRL_OK;
}

enum { EMU_C = 4 }; /* runs of the stream's parts per evaluation, as the kernel may split it */

/* round 0 as the stream kernel runs it (device/zc_stream.h): every input of every evaluation first
 * (rows of E, as k_zc_r0_U writes them), then each evaluation through the stream with its
 * temporaries interleaved with two other "threads" (stride 3), as in shared memory */
static enum swirl_status emu_r0_stream(const swirl_backend_ops *ops, bb31x4 *S,
                                       const swirl_zc_trace *tt, const swirl_zc_round0_in *in) {
    (void)ops;
    swirl_zc_dprog dp;
    swirl_zc_stream sp;
    void *storage, *sst;
    CHECK_OK(swirl_zc_dprog_build(&dp, &storage, tt->air));
    CHECK_OK(swirl_zc_stream_build(&sp, &sst, &dp));
    CHECK(sp.n_inputs == dp.n_vars + 3 && sp.n_temps <= SWIRL_ZC_STREAM_MAX_TEMPS);
    const bb31 *base[2 * SWIRL_ZC_MAX_PARTS];
    for (size_t v = 0; v < tt->nv; v++)
        base[v] = tt->v[v].base;
    size_t nx = (size_t)1 << tt->n_lift, P = in->n_points, N = in->N, np = in->np, E = nx * np;
    bb31 *U = (bb31 *)calloc((size_t)sp.n_inputs * E + 1, sizeof *U);
    bb31 *tmp = (bb31 *)calloc(3 * (size_t)sp.n_temps + 1, sizeof *tmp);
    CHECK(U && tmp);
    /* the weights from the transposed table, as k_zc_lag_t / k_zc_r0_U read them */
    bb31 *lagT = (bb31 *)calloc(np * N + 1, sizeof *lagT);
    CHECK(lagT);
    for (size_t i = 0; i < N; i++)
        for (size_t p = 0; p < np; p++)
            lagT[i * np + p] = in->lag[p * N + i];
    for (uint32_t j = 0; j < sp.n_inputs; j++)
        for (size_t e = 0; e < E; e++)
            U[j * E + e] = swirl_zc_r0_input(&dp, base, tt->in->public_values, e / np,
                                             lagT + e % np, np, N, tt->h, j);
    free(lagT);
    for (size_t e = 0; e < E; e++) {
        size_t x = e / np, p = e % np;
        int zc = p < in->nzc * N, lu = p < in->nlu * N;
        if (!zc && !lu)
            continue;
        for (size_t i = 0; i < 3 * (size_t)sp.n_temps; i++) /* poison: no value lives on */
            tmp[i] = bb31_from_u32((uint32_t)swirl_test_rand_below(BB31_P));
        /* as the kernel splits it: the stream's parts in EMU_C runs, each weighted and added */
        bb31 zfinv = zc ? swirl_zc_r0_zfinv(in->pts[p], N) : bb31_zero();
        for (uint32_t q = EMU_C; q-- > 0;) {
            bb31x4 c[3];
            swirl_zc_stream_range_b(c, &sp, sp.cut[q * SWIRL_ZC_STREAM_PARTS / EMU_C],
                                    sp.cut[(q + 1) * SWIRL_ZC_STREAM_PARTS / EMU_C], dp.consts, U,
                                    E, e, tmp + e % 3, 3, in->lambda_pows, in->beta_pows,
                                    tt->eq3b, dp.bus1);
            if (zc)
                S[p] = bb31x4_add(S[p], bb31x4_mul(in->eq_x[x], bb31x4_mul_base(c[0], zfinv)));
            if (lu && dp.n_interactions)
                for (int k = 1; k < 3; k++)
                    S[k * P + p] = bb31x4_add(S[k * P + p], bb31x4_mul(in->eq_x[x], c[k]));
        }
    }
    free(U);
    free(tmp);
    free(sst);
    free(storage);
    return SWIRL_OK;
}

/* the multilinear rounds as the stream kernel runs them (device/zc_stream.h,
 * swirl_zc_stream_range_x): each evaluation (y, X) in EMU_C runs of the stream's parts, its
 * extension temporaries interleaved with two other "threads" (stride 3) and poisoned first */
static enum swirl_status emu_round_stream(const swirl_backend_ops *ops, bb31x4 *out,
                                          const swirl_zc_trace *tt, const bb31x4 *eq_y, size_t ny,
                                          unsigned G, const bb31x4 *lp, const bb31x4 *bp) {
    (void)ops;
    swirl_zc_dprog dp;
    swirl_zc_stream sp;
    void *storage, *sst;
    CHECK_OK(swirl_zc_dprog_build(&dp, &storage, tt->air));
    CHECK_OK(swirl_zc_stream_build(&sp, &sst, &dp));
    bb31 *tmp = (bb31 *)calloc(12 * (size_t)sp.n_temps + 1, sizeof *tmp);
    CHECK(tmp);
    const bb31x4 *fold[2 * SWIRL_ZC_MAX_PARTS];
    for (size_t v = 0; v < tt->nv; v++)
        fold[v] = tt->fold[v];
    for (unsigned i = 0; i < 3 * G; i++)
        out[i] = bb31x4_zero();
    for (size_t y = 0; y < ny; y++)
        for (unsigned X = 1; X <= G; X++) {
            swirl_zc_mle_in in = {&dp, fold, tt->fsel, tt->in->public_values, y, tt->cur_h,
                                  bb31_from_u32(X)};
            for (size_t i = 0; i < 12 * (size_t)sp.n_temps; i++)
                tmp[i] = bb31_from_u32((uint32_t)swirl_test_rand_below(BB31_P));
            for (uint32_t q = EMU_C; q-- > 0;) {
                bb31x4 c[3];
                swirl_zc_stream_range_x(c, &sp, sp.cut[q * SWIRL_ZC_STREAM_PARTS / EMU_C],
                                        sp.cut[(q + 1) * SWIRL_ZC_STREAM_PARTS / EMU_C], &in,
                                        tmp + (y + X) % 3, 3, lp, bp, tt->eq3b);
                for (int k = 0; k < 3; k++)
                    out[k * G + X - 1] = bb31x4_add(out[k * G + X - 1], bb31x4_mul(eq_y[y], c[k]));
            }
        }
    free(tmp);
    free(sst);
    free(storage);
    return SWIRL_OK;
}

/* the multilinear rounds as the block kernel runs them (device/zc_block.h): one evaluation at a
 * time, EMU_NT "threads" per phase, one after another (the barrier) */
static enum swirl_status emu_round_blk(const swirl_backend_ops *ops, bb31x4 *out,
                                       const swirl_zc_trace *tt, const bb31x4 *eq_y, size_t ny,
                                       unsigned G, const bb31x4 *lp, const bb31x4 *bp) {
    (void)ops;
    swirl_zc_dprog dp;
    swirl_zc_sched sc;
    void *storage, *sst;
    CHECK_OK(swirl_zc_dprog_build(&dp, &storage, tt->air));
    CHECK_OK(swirl_zc_sched_build(&sc, &sst, &dp));
    bb31 *S = (bb31 *)calloc((size_t)sc.n_slots * 4 + 1, sizeof *S);
    CHECK(S);
    const bb31x4 *fold[2 * SWIRL_ZC_MAX_PARTS];
    for (size_t v = 0; v < tt->nv; v++)
        fold[v] = tt->fold[v];
    for (unsigned i = 0; i < 3 * G; i++)
        out[i] = bb31x4_zero();
    for (size_t y = 0; y < ny; y++)
        for (unsigned X = 1; X <= G; X++) {
            for (uint32_t t = 0; t < EMU_NT; t++)
                swirl_zc_blk_inputs(&dp, &sc, S, fold, tt->fsel, tt->in->public_values, y,
                                    tt->cur_h, bb31_from_u32(X), t, EMU_NT);
            for (uint32_t L = 0; L < sc.n_levels; L++)
                for (uint32_t t = EMU_NT; t-- > 0;) /* any order within a level */
                    swirl_zc_blk_level(&dp, &sc, S, swirl_zc_blk_fetch(&sc, L, t), EMU_NT);
            for (uint32_t t = 0; t < EMU_NT; t++) {
                bb31x4 c[3];
                swirl_zc_blk_sums(c, &dp, &sc, S, lp, bp, tt->eq3b, t, EMU_NT);
                for (int k = 0; k < 3; k++)
                    out[k * G + X - 1] = bb31x4_add(out[k * G + X - 1], bb31x4_mul(eq_y[y], c[k]));
            }
        }
    free(S);
    free(sst);
    free(storage);
    return SWIRL_OK;
}

static void run(zc_case *c) {
    zcc_run(c, emu_r0, emu_round, NULL, 1);
    zcc_run(c, emu_r0_blk, emu_round_blk, NULL, 1);
    zcc_run(c, emu_r0_stream, emu_round_stream, NULL, 1);
    CHECK(zcc.n_round > 0 || c->inst[0].height <= ((size_t)1 << c->l_skip));
    zcc_clear(c);
}

static void test_fib(void) {
    zc_case c;
    zcc_fib(&c, 256, 2);
    run(&c);
    zcc_fib(&c, 64, 4);
    run(&c);
    zcc_fib(&c, 2, 3); /* shorter than the skip domain */
    run(&c);
}

static void test_dummy_interaction(void) {
    zc_case c;
    zcc_bus(&c, 2);
    run(&c);
    zcc_bus(&c, 3); /* the receiver's 4 rows repeat over the skip domain */
    run(&c);
}

static void test_self_interaction(void) {
    zc_case c;
    zcc_self(&c, 4, 6, 2);
    run(&c);
}

static void test_preprocessed_cached(void) {
    zc_case c;
    zcc_parts(&c, 2);
    run(&c);
}

static void test_keccak_real(void) {
    zc_case c;
    zcc_keccak(&c, 2, 0);
    run(&c);
}

static void test_keccak_random(void) {
    zc_case c;
    zcc_keccak(&c, 0, 6);
    run(&c);
}

/* the flat program equals the program: operands, constants and outputs on random inputs */
static void test_dprog_matches_program(void) {
    zc_case c;
    zcc_self(&c, 4, 3, 2);
    const swirl_air *air = c.air[0];
    const swirl_air_program *p = air->program;
    swirl_zc_dprog dp;
    void *storage;
    CHECK_OK(swirl_zc_dprog_build(&dp, &storage, air));
    CHECK(dp.n_slots == p->const_base && dp.n_vars + 3 == p->n_inputs);
    bb31 *ref = (bb31 *)calloc(p->n_vals + 1, sizeof *ref), *V = (bb31 *)calloc(dp.n_slots + 1, sizeof *V);
    CHECK(ref && V);
    for (uint32_t s = 0; s < p->n_inputs; s++)
        ref[p->in_base + s] = V[p->in_base + s] = bb31_from_u32(swirl_test_rand32());
    for (uint32_t k = 0; k < p->n_consts; k++)
        ref[p->const_base + k] = p->consts[k];
    SWIRL_PROG_RUN(p, ref, bb31_add, bb31_sub, bb31_mul, bb31_neg);
    swirl_zc_run_b(&dp, V, 1, 0);
    for (size_t k = 0; k < air->n_constraints; k++)
        CHECK(bb31_eq(ref[p->constraint_val[k]], swirl_zc_ld_b(&dp, V, 1, 0, dp.cons_val[k])));
    for (size_t i = 0; i < air->n_interactions; i++)
        CHECK(bb31_eq(ref[p->count_val[i]], swirl_zc_ld_b(&dp, V, 1, 0, dp.count_val[i])));
    for (size_t f = 0; f < p->field_start[air->n_interactions]; f++)
        CHECK(bb31_eq(ref[p->field_val[f]], swirl_zc_ld_b(&dp, V, 1, 0, dp.field_val[f])));
    free(ref);
    free(V);
    free(storage);
    zcc_clear(&c);
}

/* the levelled schedule (device/zc_block.h) equals the program on random inputs, run level by level
 * with the instructions of each level in reverse order; every operand is written at a lower level */
static void sched_check(const swirl_air *air, int print) {
    const swirl_air_program *p = air->program;
    swirl_zc_dprog dp;
    swirl_zc_sched sc;
    void *storage, *sst;
    CHECK_OK(swirl_zc_dprog_build(&dp, &storage, air));
    CHECK_OK(swirl_zc_sched_build(&sc, &sst, &dp));
    CHECK(sc.n_inputs == p->n_inputs && (sc.n_levels > 0) == (sc.n_instrs > 0) && sc.n_instrs <= dp.n_instrs);
    CHECK(sc.level_start[0] == 0 && sc.level_start[sc.n_levels] == sc.n_instrs);
    if (print)
        printf("  %s: %zu instructions -> %u live in %u levels (widest %u), %u slots (flat: %u)\n",
               air->name, dp.n_instrs, sc.n_instrs, sc.n_levels, sc.max_width, sc.n_slots,
               dp.n_slots);
    /* within a level the instructions come grouped by operation (then constant operands), so a
     * warp's 32 consecutive ones mostly take one path: non-decreasing kinds, and the paths the
     * warps run (distinct operations per 32) printed */
    size_t paths = 0, chunks = 0;
    for (uint32_t L = 0; L < sc.n_levels; L++) {
        uint32_t prev = 0;
        for (uint32_t i = sc.level_start[L]; i < sc.level_start[L + 1]; i++) {
            const uint32_t *in = sc.instrs + 4 * (size_t)i;
            uint32_t kind = (in[0] & 3u) * 4u + ((in[2] & SWIRL_ZC_CONST) ? 2u : 0u) +
                            (in[0] != 3u && (in[3] & SWIRL_ZC_CONST) ? 1u : 0u);
            CHECK(i == sc.level_start[L] || kind >= prev);
            prev = kind;
        }
        for (uint32_t c = sc.level_start[L]; c < sc.level_start[L + 1]; c += 32, chunks++) {
            unsigned seen = 0;
            for (uint32_t i = c; i < c + 32 && i < sc.level_start[L + 1]; i++)
                seen |= 1u << (sc.instrs[4 * (size_t)i] & 3u);
            paths += (size_t)__builtin_popcount(seen);
        }
    }
    if (print && chunks)
        printf("  %s: %.2f operations a warp of a level (%zu warps)\n", air->name,
               (double)paths / (double)chunks, chunks);
    /* level of each slot's current value: an operand must come from a lower level */
    uint32_t *lvl = (uint32_t *)calloc(sc.n_slots + 1, sizeof *lvl);
    bb31 *ref = (bb31 *)calloc(p->n_vals + 1, sizeof *ref), *S = (bb31 *)calloc(4 * (size_t)sc.n_slots + 1, sizeof *S);
    CHECK(lvl && ref && S);
    for (uint32_t s = 0; s < p->n_inputs; s++) {
        bb31 v = bb31_from_u32(swirl_test_rand32());
        ref[p->in_base + s] = v;
        swirl_zc_blk_st(S, s, bb31x4_from_base(v));
    }
    for (uint32_t k = 0; k < p->n_consts; k++)
        ref[p->const_base + k] = p->consts[k];
    SWIRL_PROG_RUN(p, ref, bb31_add, bb31_sub, bb31_mul, bb31_neg);
    for (uint32_t L = 0; L < sc.n_levels; L++) {
        for (uint32_t i = sc.level_start[L]; i < sc.level_start[L + 1]; i++) {
            const uint32_t *in = sc.instrs + 4 * (size_t)i;
            CHECK(in[1] < sc.n_slots);
            for (int k = 2; k < (in[0] == 3u ? 3 : 4); k++)
                CHECK((in[k] & SWIRL_ZC_CONST) || (in[k] < sc.n_slots && lvl[in[k]] <= L));
        }
        for (uint32_t i = sc.level_start[L]; i < sc.level_start[L + 1]; i++)
            lvl[sc.instrs[4 * (size_t)i + 1]] = L + 1;
        for (uint32_t t = 5; t-- > 0;)
            swirl_zc_blk_level(&dp, &sc, S, swirl_zc_blk_fetch(&sc, L, t), 5);
    }
    for (size_t k = 0; k < air->n_constraints; k++)
        CHECK(bb31x4_eq(bb31x4_from_base(ref[p->constraint_val[k]]),
                        swirl_zc_blk_ld(&dp, S, sc.cons_val[k])));
    for (size_t i = 0; i < air->n_interactions; i++)
        CHECK(bb31x4_eq(bb31x4_from_base(ref[p->count_val[i]]),
                        swirl_zc_blk_ld(&dp, S, sc.count_val[i])));
    for (size_t f = 0; f < p->field_start[air->n_interactions]; f++)
        CHECK(bb31x4_eq(bb31x4_from_base(ref[p->field_val[f]]),
                        swirl_zc_blk_ld(&dp, S, sc.field_val[f])));
    free(lvl);
    free(ref);
    free(S);
    free(sst);
    free(storage);
}

static void test_sched_matches_program(void) {
    zc_case c;
    zcc_self(&c, 4, 3, 2);
    sched_check(c.air[0], 1);
    zcc_clear(&c);
    zcc_parts(&c, 2);
    for (size_t i = 0; i < c.n; i++)
        sched_check(c.air[i], 1);
    zcc_clear(&c);
    zcc_keccak(&c, 0, 6);
    sched_check(c.air[0], 1);
    zcc_clear(&c);
}

static bb31x4 rand_ext(void) {
    bb31x4 r;
    for (int e = 0; e < 4; e++)
        r.c[e] = bb31_from_u32((uint32_t)swirl_test_rand_below(BB31_P));
    return r;
}

/* the stream over extension values (swirl_zc_stream_range_x) equals the flat program's
 * multilinear-round evaluation (swirl_zc_round_eval, eq_y = 1) on random folded tables of height
 * 2 (y = 0), random selectors and public values, at X = 1..3, whole and in 2, 4, 8 parts */
static void mle_stream_check(const swirl_air *air, const swirl_zc_dprog *dp,
                             const swirl_zc_stream *sp, const bb31x4 *lp, const bb31x4 *bp,
                             const bb31x4 *eq3b) {
    uint32_t cols[2 * SWIRL_ZC_MAX_PARTS] = {0}, npub = 1;
    CHECK(dp->nv <= 2 * SWIRL_ZC_MAX_PARTS);
    for (uint32_t s = 0; s < dp->n_vars; s++) {
        uint32_t view = dp->var_info[3 * s], col = dp->var_info[3 * s + 1];
        if (view == SWIRL_ZC_PUBLIC)
            npub = col + 1 > npub ? col + 1 : npub;
        else if (view < dp->nv && col + 1 > cols[view])
            cols[view] = col + 1;
    }
    bb31x4 *fv[2 * SWIRL_ZC_MAX_PARTS], fsel[6];
    const bb31x4 *fold[2 * SWIRL_ZC_MAX_PARTS];
    for (uint32_t v = 0; v < dp->nv; v++) {
        fv[v] = (bb31x4 *)calloc(2 * (size_t)cols[v] + 1, sizeof **fv);
        CHECK(fv[v]);
        for (size_t i = 0; i < 2 * (size_t)cols[v]; i++)
            fv[v][i] = rand_ext();
        fold[v] = fv[v];
    }
    for (int i = 0; i < 6; i++)
        fsel[i] = rand_ext();
    bb31 *pub = (bb31 *)calloc(npub, sizeof *pub), *Vx = (bb31 *)calloc(4 * (size_t)dp->n_slots + 1, sizeof *Vx),
         *tmp = (bb31 *)calloc(4 * (size_t)sp->n_temps + 1, sizeof *tmp);
    CHECK(pub && Vx && tmp);
    for (uint32_t i = 0; i < npub; i++)
        pub[i] = bb31_from_u32((uint32_t)swirl_test_rand_below(BB31_P));
    for (uint32_t Xi = 1; Xi <= 3; Xi++) {
        bb31 X = bb31_from_u32(Xi);
        bb31x4 want[3];
        swirl_zc_round_eval(want, dp, fold, fsel, pub, Vx, 1, 0, 0, 2, X, bb31x4_one(), lp, bp,
                            eq3b);
        swirl_zc_mle_in in = {dp, fold, fsel, pub, 0, 2, X};
        for (uint32_t C = 1; C <= SWIRL_ZC_STREAM_PARTS; C *= 2) {
            bb31x4 sum[3] = {bb31x4_zero(), bb31x4_zero(), bb31x4_zero()};
            for (uint32_t q = 0; q < C; q++) {
                bb31x4 part[3];
                swirl_zc_stream_range_x(part, sp, sp->cut[q * SWIRL_ZC_STREAM_PARTS / C],
                                        sp->cut[(q + 1) * SWIRL_ZC_STREAM_PARTS / C], &in, tmp, 1,
                                        lp, bp, eq3b);
                for (int k = 0; k < 3; k++)
                    sum[k] = bb31x4_add(sum[k], part[k]);
            }
            for (int k = 0; k < 3; k++)
                CHECK_MSG(bb31x4_eq(want[k], sum[k]), "%s: MLE stream, X = %u, %u parts: sum %d "
                          "differs", air->name, Xi, C, k);
        }
    }
    for (uint32_t v = 0; v < dp->nv; v++)
        free(fv[v]);
    free(pub);
    free(Vx);
    free(tmp);
}

/* the stream (device/zc_stream.h) equals the program on random inputs: the constraint sum with
 * random lambda powers and the LogUp sums with random beta powers and eq3b */
static void stream_check(const swirl_air *air) {
    const swirl_air_program *p = air->program;
    swirl_zc_dprog dp;
    swirl_zc_stream sp;
    void *storage, *sst;
    CHECK_OK(swirl_zc_dprog_build(&dp, &storage, air));
    CHECK_OK(swirl_zc_stream_build(&sp, &sst, &dp));
    printf("  %s: %zu instructions -> stream of %u (%u groups, %u temporaries, %u inputs; parts "
           "at %u %u %u %u %u %u %u)\n", air->name, dp.n_instrs, sp.n_instrs, sp.n_groups,
           sp.n_temps, sp.n_inputs, sp.cut[1], sp.cut[2], sp.cut[3], sp.cut[4], sp.cut[5],
           sp.cut[6], sp.cut[7]);
    CHECK(sp.n_temps <= SWIRL_ZC_STREAM_MAX_TEMPS && sp.n_inputs == p->n_inputs);
    size_t nc = air->n_constraints, ni = air->n_interactions, nfmax = 0;
    for (size_t i = 0; i < ni; i++)
        if (p->field_start[i + 1] - p->field_start[i] > nfmax)
            nfmax = p->field_start[i + 1] - p->field_start[i];
    bb31 *ref = (bb31 *)calloc(p->n_vals + 1, sizeof *ref), *V = (bb31 *)calloc(dp.n_slots + 1, sizeof *V);
    bb31 *U = (bb31 *)calloc(2 * (size_t)p->n_inputs + 1, sizeof *U), *tmp = (bb31 *)calloc(sp.n_temps + 1, sizeof *tmp);
    bb31x4 *lp = (bb31x4 *)calloc(nc + 1, sizeof *lp), *bp = (bb31x4 *)calloc(nfmax + 2, sizeof *bp),
           *eq3b = (bb31x4 *)calloc(ni + 1, sizeof *eq3b);
    CHECK(ref && V && U && tmp && lp && bp && eq3b);
    for (int rep = 0; rep < 3; rep++) {
        for (size_t k = 0; k < nc; k++)
            lp[k] = rand_ext();
        for (size_t k = 0; k <= nfmax; k++)
            bp[k] = rand_ext();
        for (size_t k = 0; k < ni; k++)
            eq3b[k] = rand_ext();
        for (uint32_t s = 0; s < p->n_inputs; s++) {
            bb31 v = bb31_from_u32((uint32_t)swirl_test_rand_below(BB31_P));
            V[p->in_base + s] = v;
            U[2 * (size_t)s + 1] = v; /* evaluation 1 of E = 2 */
            U[2 * (size_t)s] = bb31_from_u32((uint32_t)swirl_test_rand_below(BB31_P));
        }
        swirl_zc_run_b(&dp, V, 1, 0);
        bb31x4 want[3], got[3];
        want[0] = swirl_zc_cons_b(&dp, V, 1, 0, lp);
        swirl_zc_logup_b(&want[1], &want[2], &dp, V, 1, 0, bp, eq3b);
        swirl_zc_stream_run_b(got, &sp, dp.consts, U, 2, 1, tmp, 1, lp, bp, eq3b, dp.bus1);
        for (int k = 0; k < 3; k++)
            CHECK_MSG(bb31x4_eq(want[k], got[k]), "%s: stream sum %d differs", air->name, k);
        /* the parts: runs of whole groups whose sums add up to the whole, for every split */
        CHECK(sp.cut[0] == 0 && sp.cut[SWIRL_ZC_STREAM_PARTS] == sp.n_instrs);
        for (uint32_t C = 1; C <= SWIRL_ZC_STREAM_PARTS; C *= 2) {
            bb31x4 sum[3] = {bb31x4_zero(), bb31x4_zero(), bb31x4_zero()};
            for (uint32_t q = 0; q < C; q++) {
                uint32_t i0 = sp.cut[q * SWIRL_ZC_STREAM_PARTS / C],
                         i1 = sp.cut[(q + 1) * SWIRL_ZC_STREAM_PARTS / C];
                CHECK(i0 <= i1);
                bb31x4 part[3];
                swirl_zc_stream_range_b(part, &sp, i0, i1, dp.consts, U, 2, 1, tmp, 1, lp, bp,
                                        eq3b, dp.bus1);
                for (int k = 0; k < 3; k++)
                    sum[k] = bb31x4_add(sum[k], part[k]);
            }
            for (int k = 0; k < 3; k++)
                CHECK_MSG(bb31x4_eq(want[k], sum[k]), "%s: %u parts: sum %d differs", air->name, C,
                          k);
        }
    }
    mle_stream_check(air, &dp, &sp, lp, bp, eq3b);
    free(ref);
    free(V);
    free(U);
    free(tmp);
    free(lp);
    free(bp);
    free(eq3b);
    free(sst);
    free(storage);
}

static void test_stream_matches_program(void) {
    zc_case c;
    zcc_self(&c, 4, 3, 2);
    stream_check(c.air[0]);
    zcc_clear(&c);
    zcc_bus(&c, 2);
    for (size_t i = 0; i < c.n; i++)
        stream_check(c.air[i]);
    zcc_clear(&c);
    zcc_parts(&c, 2);
    for (size_t i = 0; i < c.n; i++)
        stream_check(c.air[i]);
    zcc_clear(&c);
    zcc_keccak(&c, 0, 6);
    stream_check(c.air[0]);
    zcc_clear(&c);
}

/* Round 0's inputs by DFTs (swirl_zc_r0_chunk_cosets, k_zc_r0_U_dft's math) equal the Lagrange
 * sums over the rap schedule's points (cosets g^(c+1) omega^i, weights eq_uni(pt, omega^j)), for
 * every skip size the kernel takes and up to three cosets */
static void test_r0_chunk_dft(void) {
    srand(7);
    for (unsigned ls = 1; ls <= SWIRL_ZC_DFT_MAX_LS; ls++)
        for (unsigned G = 1; G <= 3; G++) {
            size_t N = (size_t)1 << ls, np = G * N;
            bb31 omega, pts[3 << SWIRL_ZC_DFT_MAX_LS], lag[(3 << SWIRL_ZC_DFT_MAX_LS) << 5];
            bb31 tabs[5 << SWIRL_ZC_DFT_MAX_LS], v[1 << SWIRL_ZC_DFT_MAX_LS];
            bb31 out[3 << SWIRL_ZC_DFT_MAX_LS];
            CHECK_OK(bb31_two_adic_generator(&omega, ls));
            bb31 g = bb31_from_u32(BB31_GENERATOR), sh = bb31_one();
            for (size_t c = 0; c < G; c++) {
                sh = bb31_mul(sh, g);
                for (size_t i = 0; i < N; i++)
                    pts[c * N + i] = bb31_mul(sh, bb31_pow(omega, i));
            }
            for (size_t p = 0; p < np; p++)
                for (size_t j = 0; j < N; j++)
                {
                    bb31x4 e = swirl_zm_eq_uni(ls, bb31x4_from_base(pts[p]),
                                               bb31x4_from_base(bb31_pow(omega, j)));
                    lag[p * N + j] = e.c[0];
                    /* the base-field kernel (the GPU stage's plan) gives the same values */
                    CHECK(bb31_eq(swirl_zm_eq_uni_base(ls, pts[p], bb31_pow(omega, j)), e.c[0]));
                    CHECK(bb31_eq(e.c[1], bb31_zero()) && bb31_eq(e.c[3], bb31_zero()));
                }
            for (size_t t = 0; t < 2 * N + np; t++)
                tabs[t] = swirl_zc_r0_dft_tab(pts, omega, ls, t);
            for (int trial = 0; trial < 4; trial++) {
                for (size_t j = 0; j < N; j++)
                    v[j] = bb31_from_u32((uint32_t)rand() % BB31_P);
                swirl_zc_r0_chunk_cosets(out, v, ls, G, tabs);
                for (size_t p = 0; p < np; p++) {
                    bb31 want = bb31_zero();
                    for (size_t j = 0; j < N; j++)
                        want = bb31_add(want, bb31_mul(lag[p * N + j], v[j]));
                    CHECK(bb31_eq(out[p], want));
                }
            }
        }
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_sched_matches_program), SWIRL_TEST(test_stream_matches_program),
    SWIRL_TEST(test_dprog_matches_program), SWIRL_TEST(test_fib),
    SWIRL_TEST(test_dummy_interaction),     SWIRL_TEST(test_self_interaction),
    SWIRL_TEST(test_preprocessed_cached),   SWIRL_TEST(test_keccak_real),
    SWIRL_TEST(test_keccak_random),         SWIRL_TEST(test_r0_chunk_dft),
};

int main(int argc, char **argv) {
    return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
}
