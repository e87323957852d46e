/*
 * The constraint program in the flat form the GPU runs (device/cuda/zc_constraint.cu), with the
 * per-thread work of the batch constraint sumcheck's evaluations as SWIRL_HD functions, so the
 * same code runs in the kernels and, one point at a time, on the CPU (tests/test_zc_eval.c
 * checks it against device/cpu/constraint.c without a GPU).
 *
 * swirl_zc_dprog is an AIR's program (air/program.h) re-encoded for one evaluation per thread:
 *  - values: the program's value array minus its constants. Slot s < n_slots (= const_base: the
 *    temporaries, then the inputs) of thread t lives at V[s * T + t] (base field) or, in the
 *    extension field, component e at V[(4 s + e) * T + t]: structure of arrays over the T threads
 *    of a launch, so a warp's accesses to one slot are coalesced;
 *  - operands: a slot index, or SWIRL_ZC_CONST | c for the constant consts[c] (the flag test is
 *    uniform over a warp: every thread runs the same instruction);
 *  - inputs: per variable (var_info, 3 words each) the view of the trace it reads (view order of
 *    device/constraint_trace.h; SWIRL_ZC_PUBLIC for a public value), the column (or public index)
 *    and the row offset (0 or 1; in round 0 the row read is x·N + j + offset mod h);
 *  - outputs: constraint_val, field_val / field_start, count_val as encoded operands, the bus of
 *    each interaction as the field element bus + 1.
 * swirl_zc_dprog_build fills one with host arrays; the CUDA program object uploads the same
 * arrays and passes the struct, with device pointers, to the kernels by value.
 */
#ifndef SWIRL_DEVICE_ZC_EVAL_H
#define SWIRL_DEVICE_ZC_EVAL_H

#include <stddef.h>
#include <stdint.h>

#include "air/dag.h"
#include "device/zc_base.h"
#include "device/zc_mle.h"
#include "field/bb31_ext4.h"
#include "util/common.h"

#define SWIRL_ZC_CONST 0x80000000u
#define SWIRL_ZC_PUBLIC 0xffffffffu

typedef struct swirl_zc_dprog {
    uint32_t n_slots; /* per-thread values: temporaries and inputs (the program's const_base) */
    uint32_t in_base; /* first input slot: the three selectors, then the variables */
    uint32_t n_vars;  /* variables (inputs after the selectors) */
    uint32_t n_consts, n_constraints, n_interactions;
    size_t n_instrs;
    int rot, has_prep; /* the trace's view layout (constraint_trace.h) this program expects */
    uint32_t nv;       /* views */
    const uint32_t *instrs;   /* 4 words each: op, dst slot, a, b (encoded operands) */
    const bb31 *consts;       /* n_consts */
    const uint32_t *var_info; /* 3 words per variable: view or SWIRL_ZC_PUBLIC, column, offset */
    const uint32_t *cons_val; /* n_constraints encoded operands */
    const uint32_t *field_start; /* n_interactions + 1 */
    const uint32_t *field_val;   /* encoded operands */
    const uint32_t *count_val;   /* n_interactions encoded operands */
    const bb31 *bus1;            /* n_interactions: bus_index + 1 */
} swirl_zc_dprog;

#ifdef __cplusplus
extern "C" {
#endif

/** Builds the flat program of `air` (its compiled program) with host arrays in one allocation,
 *  *storage (free it to release them). SWIRL_E_INVALID_ARG when the AIR has no program or a size
 *  does not fit the encoding; SWIRL_E_NOMEM. */
enum swirl_status swirl_zc_dprog_build(swirl_zc_dprog *out, void **storage,
                                       const swirl_air *air) SWIRL_WARN_UNUSED_RESULT;

#ifdef __cplusplus
}
#endif

/* ---- per-thread evaluation (host and device) ---- */

/* the 4 words of instruction i of a table of 4-word instructions (a 16-byte load on the device:
 * the tables start 16-byte aligned), for the kernels that fetch the next instruction while one
 * runs (device/zc_block.h, device/zc_stream.h) */
SWIRL_HD void swirl_zc_words(uint32_t w[4], const uint32_t *instrs, size_t i) {
#if defined(__CUDA_ARCH__)
    uint4 v = __ldg((const uint4 *)instrs + i);
    w[0] = v.x;
    w[1] = v.y;
    w[2] = v.z;
    w[3] = v.w;
#else
    for (int k = 0; k < 4; k++)
        w[k] = instrs[4 * i + k];
#endif
}

/* base-field value of encoded operand o of thread t (T threads) */
SWIRL_HD bb31 swirl_zc_ld_b(const swirl_zc_dprog *pg, const bb31 *V, size_t T, size_t t,
                            uint32_t o) {
    return (o & SWIRL_ZC_CONST) ? swirl_zc_ldb(&pg->consts[o & ~SWIRL_ZC_CONST])
                                : V[(size_t)o * T + t];
}

SWIRL_HD bb31x4 swirl_zc_ld_x(const swirl_zc_dprog *pg, const bb31 *V, size_t T, size_t t,
                              uint32_t o) {
    if (o & SWIRL_ZC_CONST)
        return bb31x4_from_base(swirl_zc_ldb(&pg->consts[o & ~SWIRL_ZC_CONST]));
    bb31x4 r;
    const bb31 *p = V + (size_t)o * 4 * T + t;
    r.c[0] = p[0];
    r.c[1] = p[T];
    r.c[2] = p[2 * T];
    r.c[3] = p[3 * T];
    return r;
}

SWIRL_HD void swirl_zc_st_x(bb31 *V, size_t T, size_t t, uint32_t s, bb31x4 v) {
    bb31 *p = V + (size_t)s * 4 * T + t;
    p[0] = v.c[0];
    p[T] = v.c[1];
    p[2 * T] = v.c[2];
    p[3 * T] = v.c[3];
}

/* the program over thread t's base-field values (inputs already written) */
SWIRL_HD void swirl_zc_run_b(const swirl_zc_dprog *pg, bb31 *V, size_t T, size_t t) {
    for (size_t i = 0; i < pg->n_instrs; i++) {
        const uint32_t *in = pg->instrs + 4 * i;
        uint32_t op = SWIRL_ZC_LD(in), dst = SWIRL_ZC_LD(in + 1), a = SWIRL_ZC_LD(in + 2),
                 b = SWIRL_ZC_LD(in + 3);
        bb31 x = swirl_zc_ld_b(pg, V, T, t, a), r;
        if (op == 3u) {
            r = bb31_neg(x);
        } else {
            bb31 y = swirl_zc_ld_b(pg, V, T, t, b);
            r = op == 0u ? bb31_add(x, y) : op == 1u ? bb31_sub(x, y) : bb31_mul(x, y);
        }
        V[(size_t)dst * T + t] = r;
    }
}

/* the program over thread t's extension-field values */
SWIRL_HD void swirl_zc_run_x(const swirl_zc_dprog *pg, bb31 *V, size_t T, size_t t) {
    for (size_t i = 0; i < pg->n_instrs; i++) {
        const uint32_t *in = pg->instrs + 4 * i;
        uint32_t op = SWIRL_ZC_LD(in), dst = SWIRL_ZC_LD(in + 1), a = SWIRL_ZC_LD(in + 2),
                 b = SWIRL_ZC_LD(in + 3);
        bb31x4 x = swirl_zc_ld_x(pg, V, T, t, a), r;
        if (op == 3u) {
            r = bb31x4_neg(x);
        } else {
            bb31x4 y = swirl_zc_ld_x(pg, V, T, t, b);
            r = op == 0u ? bb31x4_add(x, y) : op == 1u ? bb31x4_sub(x, y) : bb31x4_mul(x, y);
        }
        swirl_zc_st_x(V, T, t, dst, r);
    }
}

/* (is_first, is_transition, is_last) at a round-0 point with Lagrange row lg (N weights, weight i
 * at lg[i * ls]) for hypercube point x of a trace of height h (a power of two; rows x·N + j mod h) */
SWIRL_HD void swirl_zc_r0_selectors(bb31 sel[3], const bb31 *lg, size_t ls, size_t x, size_t N,
                                    size_t h) {
    sel[0] = sel[1] = sel[2] = bb31_zero();
    for (size_t j = 0; j < N; j++) {
        size_t i = (x * N + j) & (h - 1);
        bb31 w = swirl_zc_ldb(&lg[j * ls]);
        if (i == 0)
            sel[0] = bb31_add(sel[0], w);
        if (i != h - 1)
            sel[1] = bb31_add(sel[1], w);
        else
            sel[2] = bb31_add(sel[2], w);
    }
}

/* Round 0's input j of the evaluation at hypercube point x and the point with Lagrange row lg
 * (N weights, weight i at lg[i * ls]: 1 for a row of the table, np for the transposed table whose
 * lanes read consecutive words), as swirl_zc_r0_eval writes it: j < 3 the selectors, then variable j - 3 (its
 * column interpolated from rows x·N + i + offset mod h, or its public value). The per-thread
 * round 0 (swirl_zc_r0_eval) computes its own; the block round 0 (device/zc_block.h, opt-in)
 * computes every input of a group of hypercube points first (k_zc_r0_inputs). */
SWIRL_HD bb31 swirl_zc_r0_input(const swirl_zc_dprog *pg, const bb31 *const *base, const bb31 *pub,
                                size_t x, const bb31 *lg, size_t ls, size_t N, size_t h,
                                uint32_t j) {
    if (j < 3) {
        bb31 sel[3];
        swirl_zc_r0_selectors(sel, lg, ls, x, N, h);
        return sel[j];
    }
    uint32_t s = j - 3, view = SWIRL_ZC_LD(&pg->var_info[3 * s]),
             col = SWIRL_ZC_LD(&pg->var_info[3 * s + 1]),
             off = SWIRL_ZC_LD(&pg->var_info[3 * s + 2]);
    if (view == SWIRL_ZC_PUBLIC)
        return swirl_zc_ldb(&pub[col]);
    const bb31 *c = base[view] + (size_t)col * h;
    size_t mask = h - 1, row0 = x * N;
    bb31 acc = bb31_zero();
    for (size_t i = 0; i < N; i++)
        acc = bb31_add(acc, bb31_mul(swirl_zc_ldb(&lg[i * ls]), swirl_zc_ldb(&c[(row0 + i + off) & mask])));
    return acc;
}

/* Round 0's inputs by DFTs, when the points are cosets of the skip domain: pts[c N + i] =
 * s_c w^i and lag[p][j] = eq_uni(pts[p], w^j) = L_j(pts[p]) (the Lagrange basis at w^j, N = 2^ls),
 * as the rap schedule builds them. Then input(p) = f(pts[p]) for f interpolating the chunk's values
 * v[j] at w^j: its coefficients a = DFT_{1/w}(v) / N, and the values at coset c are
 * DFT_w(a_k s_c^k)[i]. Per output that is ~4 multiplications (N = 16, two cosets) where the
 * Lagrange sum takes N; the values are the same field elements. */
#define SWIRL_ZC_DFT_MAX_LS 5

/* x[m] <- sum_k wp[(m k) mod 2^ls] x[k] in place (wp[t] = w^t, w of order 2^ls): radix 2,
 * decimation in time on the bit-reversed input. Loops over constants only when ls is one, so the
 * device code unrolls it into registers. */
SWIRL_HD void swirl_zc_dft_small(bb31 *x, unsigned ls, const bb31 *wp) {
    unsigned n = 1u << ls;
    for (unsigned i = 0; i < n; i++) {
        unsigned r = 0;
        for (unsigned b = 0; b < ls; b++)
            r |= ((i >> b) & 1u) << (ls - 1 - b);
        if (r > i) {
            bb31 t = x[i];
            x[i] = x[r];
            x[r] = t;
        }
    }
    for (unsigned s = 1; s <= ls; s++) {
        unsigned half = 1u << (s - 1), step = n >> s;
        for (unsigned k = 0; k < n; k += 2 * half)
            for (unsigned j = 0; j < half; j++) {
                bb31 u = x[k + j], t = bb31_mul(swirl_zc_ldb(&wp[j * step]), x[k + j + half]);
                x[k + j] = bb31_add(u, t);
                x[k + j + half] = bb31_sub(u, t);
            }
    }
}

/* The chunk's coefficients times N: a = DFT_{1/w}(v) (wpi[t] = w^-t) */
SWIRL_HD void swirl_zc_r0_chunk_coeffs(bb31 *a, const bb31 *v, unsigned ls, const bb31 *wpi) {
    for (unsigned j = 0; j < (1u << ls); j++)
        a[j] = v[j];
    swirl_zc_dft_small(a, ls, wpi);
}

/* One coset's values from the coefficients: out[i] = DFT_w(a_k twc[k])[i] (wp[t] = w^t, twc[k] =
 * s_c^k / N) */
SWIRL_HD void swirl_zc_r0_chunk_coset(bb31 *out, const bb31 *a, unsigned ls, const bb31 *wp,
                                      const bb31 *twc) {
    for (unsigned k = 0; k < (1u << ls); k++)
        out[k] = bb31_mul(a[k], swirl_zc_ldb(&twc[k]));
    swirl_zc_dft_small(out, ls, wp);
}

/* The chunk's inputs at G cosets: out[c N + i] = f(s_c w^i) from v[0 .. N) (tabs: wp = w^t,
 * then wpi = w^-t, t < N, then tw[c N + k] = s_c^k / N, c < G) */
SWIRL_HD void swirl_zc_r0_chunk_cosets(bb31 *out, const bb31 *v, unsigned ls, unsigned G,
                                       const bb31 *tabs) {
    unsigned n = 1u << ls;
    bb31 a[1u << SWIRL_ZC_DFT_MAX_LS];
    swirl_zc_r0_chunk_coeffs(a, v, ls, tabs + n);
    for (unsigned c = 0; c < G; c++)
        swirl_zc_r0_chunk_coset(out + c * n, a, ls, tabs, tabs + 2 * n + c * n);
}

/* tabs entry t of swirl_zc_r0_chunk_cosets (t < 2 N + np; s_c = pts[c N]) */
SWIRL_HD bb31 swirl_zc_r0_dft_tab(const bb31 *pts, bb31 omega, unsigned ls, size_t t) {
    size_t n = (size_t)1 << ls;
    if (t < n)
        return bb31_pow(omega, t);
    if (t < 2 * n)
        return bb31_pow(bb31_inv(omega), t - n);
    t -= 2 * n;
    bb31 ninv = bb31_inv(bb31_from_u32((uint32_t)n));
    return bb31_mul(bb31_pow(swirl_zc_ldb(&pts[t / n * n]), t % n), ninv);
}

/* Round 0, thread t at hypercube point x and the point with Lagrange row lg: writes the inputs
 * (selectors, every variable's column interpolated at the point: swirl_zc_r0_input) and runs the
 * program in the base field. base[v]: view v's columns (column-major, height h, a power of two);
 * pub: the public values. */
SWIRL_HD void swirl_zc_r0_eval(const swirl_zc_dprog *pg, const bb31 *const *base, const bb31 *pub,
                               bb31 *V, size_t T, size_t t, size_t x, const bb31 *lg, size_t N,
                               size_t h) {
    bb31 sel[3];
    swirl_zc_r0_selectors(sel, lg, 1, x, N, h);
    for (int k = 0; k < 3; k++)
        V[(size_t)(pg->in_base + (uint32_t)k) * T + t] = sel[k];
    for (uint32_t s = 0; s < pg->n_vars; s++)
        V[(size_t)(pg->in_base + 3u + s) * T + t] =
            swirl_zc_r0_input(pg, base, pub, x, lg, 1, N, h, 3u + s);
    swirl_zc_run_b(pg, V, T, t);
}

/* sum_k lp[k] * constraint_k over thread t's base-field values */
SWIRL_HD bb31x4 swirl_zc_cons_b(const swirl_zc_dprog *pg, const bb31 *V, size_t T, size_t t,
                                const bb31x4 *lp) {
    bb31x4 acc = bb31x4_zero();
    for (uint32_t k = 0; k < pg->n_constraints; k++)
        acc = bb31x4_add(acc,
                         bb31x4_mul_base(lp[k], swirl_zc_ld_b(pg, V, T, t, pg->cons_val[k])));
    return acc;
}

/* the LogUp numerator and denominator (eq3b-weighted, beta powers bp) over base-field values */
SWIRL_HD void swirl_zc_logup_b(bb31x4 *num, bb31x4 *den, const swirl_zc_dprog *pg, const bb31 *V,
                               size_t T, size_t t, const bb31x4 *bp, const bb31x4 *eq3b) {
    bb31x4 nn = bb31x4_zero(), dd = bb31x4_zero();
    for (uint32_t i = 0; i < pg->n_interactions; i++) {
        uint32_t f0 = pg->field_start[i], nf = pg->field_start[i + 1] - f0;
        bb31x4 hh = bb31x4_mul_base(bp[nf], pg->bus1[i]);
        for (uint32_t j = 0; j < nf; j++)
            hh = bb31x4_add(hh,
                            bb31x4_mul_base(bp[j], swirl_zc_ld_b(pg, V, T, t, pg->field_val[f0 + j])));
        nn = bb31x4_add(nn,
                        bb31x4_mul_base(eq3b[i], swirl_zc_ld_b(pg, V, T, t, pg->count_val[i])));
        dd = bb31x4_add(dd, bb31x4_mul(eq3b[i], hh));
    }
    *num = nn;
    *den = dd;
}

/* Round 0's contribution of one (x, point): z = eqx·C_lambda·zfinv (when zc), n, d = eqx·(LogUp
 * numerator, denominator) (when lu), the program already run. */
SWIRL_HD void swirl_zc_r0_contrib(bb31x4 out[3], const swirl_zc_dprog *pg, const bb31 *V, size_t T,
                                  size_t t, bb31x4 eqx, bb31 zfinv, int zc, int lu,
                                  const bb31x4 *lp, const bb31x4 *bp, const bb31x4 *eq3b) {
    out[0] = out[1] = out[2] = bb31x4_zero();
    if (zc)
        out[0] = bb31x4_mul(eqx, bb31x4_mul_base(swirl_zc_cons_b(pg, V, T, t, lp), zfinv));
    if (lu && pg->n_interactions) {
        bb31x4 nn, dd;
        swirl_zc_logup_b(&nn, &dd, pg, V, T, t, bp, eq3b);
        out[1] = bb31x4_mul(eqx, nn);
        out[2] = bb31x4_mul(eqx, dd);
    }
}

/* (sum_k lp[k] C_k, the LogUp numerator, the denominator) over thread t's extension-field values
 * (the program already run) */
SWIRL_HD void swirl_zc_sums_x(bb31x4 out[3], const swirl_zc_dprog *pg, const bb31 *V, size_t T,
                              size_t t, const bb31x4 *lp, const bb31x4 *bp, const bb31x4 *eq3b) {
    bb31x4 acc = bb31x4_zero(), nn = bb31x4_zero(), dd = bb31x4_zero();
    for (uint32_t k = 0; k < pg->n_constraints; k++)
        acc = bb31x4_add(acc, bb31x4_mul(lp[k], swirl_zc_ld_x(pg, V, T, t, pg->cons_val[k])));
    for (uint32_t i = 0; i < pg->n_interactions; i++) {
        uint32_t f0 = pg->field_start[i], nf = pg->field_start[i + 1] - f0;
        bb31x4 hh = bb31x4_mul_base(bp[nf], pg->bus1[i]);
        for (uint32_t j = 0; j < nf; j++)
            hh = bb31x4_add(hh, bb31x4_mul(bp[j], swirl_zc_ld_x(pg, V, T, t, pg->field_val[f0 + j])));
        nn = bb31x4_add(nn, bb31x4_mul(eq3b[i], swirl_zc_ld_x(pg, V, T, t, pg->count_val[i])));
        dd = bb31x4_add(dd, bb31x4_mul(eq3b[i], hh));
    }
    out[0] = acc;
    out[1] = nn;
    out[2] = dd;
}

/* A multilinear round's input j at hypercube point y and X (a small integer): j < 3 the selectors,
 * then variable j - 3, each interpolated linearly between rows 2y and 2y + 1 of the folded tables
 * (fold[v]: view v, column-major of height H; fsel: the three selectors), or its public value */
/* where input j's rows 2y, 2y + 1 are: its folded table (the selectors' for j < 3, else its
 * variable's view and column; rows NULL), or a public value (pub, rows NULL) */
typedef struct swirl_zc_src {
    const bb31x4 *rows;
    const bb31 *pub;
} swirl_zc_src;

SWIRL_HD swirl_zc_src swirl_zc_round_src(const swirl_zc_dprog *pg, const bb31x4 *const *fold,
                                         const bb31x4 *fsel, const bb31 *pub, size_t y, size_t H,
                                         uint32_t j) {
    swirl_zc_src r = {NULL, NULL};
    if (j < 3) {
        r.rows = fsel + j * H + 2 * y;
    } else {
        uint32_t s = j - 3, view = SWIRL_ZC_LD(&pg->var_info[3 * s]),
                 col = SWIRL_ZC_LD(&pg->var_info[3 * s + 1]);
        if (view == SWIRL_ZC_PUBLIC)
            r.pub = pub + col;
        else
            r.rows = fold[view] + (size_t)col * H + 2 * y;
    }
    return r;
}

SWIRL_HD bb31x4 swirl_zc_round_input(const swirl_zc_dprog *pg, const bb31x4 *const *fold,
                                     const bb31x4 *fsel, const bb31 *pub, size_t y, size_t H,
                                     bb31 X, uint32_t j) {
    swirl_zc_src c = swirl_zc_round_src(pg, fold, fsel, pub, y, H, j);
    if (c.pub)
        return bb31x4_from_base(swirl_zc_ldb(c.pub));
    return swirl_zc_lerp(c.rows, X);
}

/* A multilinear round, thread t at hypercube point y and X (a small integer): the inputs
 * (swirl_zc_round_input), the program run in the extension field,
 * and its contribution out[3] = eqy·(C_lambda, numerator, denominator). */
SWIRL_HD void swirl_zc_round_eval(bb31x4 out[3], const swirl_zc_dprog *pg,
                                  const bb31x4 *const *fold, const bb31x4 *fsel, const bb31 *pub,
                                  bb31 *V, size_t T, size_t t, size_t y, size_t H, bb31 X,
                                  bb31x4 eqy, const bb31x4 *lp, const bb31x4 *bp,
                                  const bb31x4 *eq3b) {
    for (uint32_t j = 0; j < pg->n_vars + 3u; j++)
        swirl_zc_st_x(V, T, t, pg->in_base + j, swirl_zc_round_input(pg, fold, fsel, pub, y, H, X, j));
    swirl_zc_run_x(pg, V, T, t);
    swirl_zc_sums_x(out, pg, V, T, t, lp, bp, eq3b);
    for (int k = 0; k < 3; k++)
        out[k] = bb31x4_mul(eqy, out[k]);
}

#endif /* SWIRL_DEVICE_ZC_EVAL_H */
