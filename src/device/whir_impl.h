/*
 * WHIR's prover as host/device code (SWIRL_HD, like device/sr_impl.h): the per-thread math of a
 * device WHIR and the Fiat-Shamir steps it runs on a device transcript (one warp in the
 * transcript's warp mode, one thread on the CPU), so the same
 * code runs on the CPU (tests/test_whir_twin.c replays the device schedule with it against
 * swirl_whir_prove) and on the GPU (prover/cuda_whir.cu runs the schedule below as one stage;
 * its proof buffer layout is prover/whir_dplan.h).
 *
 * The values are those of pcs/whir.c and the CPU slots (device/cpu/whir.c): the field is exact,
 * so per-element products in place of its lazy sums, other summation orders, and Horner's rule
 * replaced by a sum of powers give the same bits.
 *
 * The device schedule (one stage "prover.openings.whir"):
 *   mu PoW (swirl_cuda_transcript_grind), swirl_whir_seq_mu; mu^j; the batched planes
 *   (swirl_whir_batch_entry) of every stacked column; the inverse DFT of every 2^l_skip chunk
 *   (swirl_cuda_ntt); the monomial -> hypercube steps (swirl_whir_c2e_step: the low l_skip bits
 *   twice, the others once; up to 12 bits per pass on shared-memory tiles, swirl_whir_tile_index);
 *   f from the planes; w = mobius_eq(u_cube, .);
 *   per WHIR round: k times (block sums of swirl_whir_sumcheck_pair, swirl_whir_seq_sumcheck,
 *   folding PoW, swirl_whir_seq_alpha, swirl_whir_fold_pair); g = the folded f's coefficients
 *   (swirl_whir_e2c_pair per bit, up to 10 bits per pass on tiles); not last: RS encoding of g
 *   (swirl_cuda_ntt, 4 planes), the
 *   Merkle tree (swirl_cuda_merkle_build), swirl_whir_seq_commit, y0 = sum g_i z0^i
 *   (swirl_whir_horner_term), swirl_whir_seq_ood; last: swirl_whir_seq_final; query PoW;
 *   swirl_whir_seq_queries; the openings gathered from the device trees; swirl_whir_seq_gamma;
 *   not last: the tables of swirl_whir_wtab_entry, w += swirl_whir_w_term_tab.
 */
#ifndef SWIRL_DEVICE_WHIR_IMPL_H
#define SWIRL_DEVICE_WHIR_IMPL_H

#include "field/bb31_ext4.h"
#include "transcript/transcript_impl.h"

#define SWIRL_WHIR_IMPL_MAX_QUERIES 256

/* The driver's state between kernels (device memory; one writer at a time). */
typedef struct swirl_whir_ctl {
    bb31x4 mu, alpha, z0, gamma;
    uint32_t idx[SWIRL_WHIR_IMPL_MAX_QUERIES];  /* this round's query indices */
    bb31 zs[SWIRL_WHIR_IMPL_MAX_QUERIES];       /* omega^idx */
    bb31x4 cs[SWIRL_WHIR_IMPL_MAX_QUERIES];     /* gamma^(i + 2) */
} swirl_whir_ctl;

/* ---- batching and the MLE conversion ---- */

/* planes[c n + i] = sum_j (mu_j)_c col_j[i], c < 4 (cols: the stacked columns of every commit) */
SWIRL_HD void swirl_whir_batch_entry(bb31 *planes, const bb31 *const *cols, const bb31x4 *mu_pows,
                                     uint64_t ncols, uint64_t n, uint64_t i) {
    /* lazy sums, two columns at a time (bb31x4_lazy_acc2) */
    uint64_t acc[4] = {0, 0, 0, 0};
    uint64_t j = 0;
    for (; j + 1 < ncols; j += 2)
        bb31x4_lazy_acc2(acc, mu_pows[j], mu_pows[j + 1], cols[j][i].v, cols[j + 1][i].v);
    if (j < ncols)
        bb31x4_lazy_acc2(acc, mu_pows[j], bb31x4_zero(), cols[j][i].v, 0);
    bb31x4 r = bb31x4_lazy_finish(acc);
    for (int c = 0; c < 4; c++)
        planes[(uint64_t)c * n + i] = r.c[c];
}

/* One monomial -> hypercube step of bit `bit` on one plane: pair t (a[i + 2^bit] += a[i]); the
 * tile kernel calls it directly (no 64-bit division by the plane size an entry) */
SWIRL_HD void swirl_whir_c2e_step(bb31 *a, uint32_t bit, uint64_t t) {
    uint64_t s = (uint64_t)1 << bit;
    uint64_t i = ((t >> bit) << (bit + 1)) + (t & (s - 1));
    a[i + s] = bb31_add(a[i + s], a[i]);
}
/* The step over planes of n entries: pair t < n / 2 of each plane. */
SWIRL_HD void swirl_whir_c2e_pair(bb31 *a, uint64_t n, uint32_t bit, uint64_t t) {
    swirl_whir_c2e_step(a + (t / (n / 2)) * n, bit, t % (n / 2));
}

/* The same inverse step over extension values (hypercube -> monomial): a[i + 2^bit] -= a[i]. */
SWIRL_HD void swirl_whir_e2c_pair(bb31x4 *a, uint32_t bit, uint64_t t) {
    uint64_t s = (uint64_t)1 << bit;
    uint64_t i = ((t >> bit) << (bit + 1)) + (t & (s - 1));
    a[i + s] = bb31x4_sub(a[i + s], a[i]);
}

/* The steps of bits lo .. lo + nb - 1 in one pass (one thread block per tile, the tile in shared
 * memory, a barrier between two bits): tile `tile` gathers the 2^nb entries whose index bits
 * outside [lo, lo + nb) are the tile's; its entry j is at this index. Bit b of the index is bit
 * b - lo of j, so the step of bit b over the array is the step of bit b - lo over every tile: the
 * same pairs, in the same order per bit (swirl_whir_c2e_pair with n = 2^nb, one plane, or
 * swirl_whir_e2c_pair, on the tile). */
SWIRL_HD uint64_t swirl_whir_tile_index(uint32_t lo, uint32_t nb, uint64_t tile, uint64_t j) {
    uint64_t lo_mask = ((uint64_t)1 << lo) - 1;
    return ((tile >> lo) << (lo + nb)) + (j << lo) + (tile & lo_mask);
}

SWIRL_HD bb31x4 swirl_whir_plane_entry(const bb31 *planes, uint64_t n, uint64_t i) {
    bb31x4 v;
    for (int c = 0; c < 4; c++)
        v.c[c] = planes[(uint64_t)c * n + i];
    return v;
}

/* The factors of mobius_eq over the coordinates lo .. lo + nb - 1, bit i of b = coordinate lo + i */
SWIRL_HD bb31x4 swirl_whir_mobius_part(const bb31x4 *u, uint32_t lo, uint32_t nb, uint64_t b) {
    bb31x4 e = bb31x4_one();
    for (uint32_t i = 0; i < nb; i++) {
        bb31x4 ui = u[lo + i];
        e = bb31x4_mul(e, (b >> i) & 1 ? ui : bb31x4_sub(bb31x4_one(), bb31x4_add(ui, ui)));
    }
    return e;
}
/* mobius_eq(u, b) = prod_i ((1 - 2u_i)(1 - b_i) + u_i b_i), bit i of b = coordinate i; equal to
 * part(u, 0, h, b mod 2^h) part(u, h, nv - h, b >> h) for any h (k_wh_mobius_tabs / k_wh_fw: two
 * small tables and one product an entry instead of nv products) */
SWIRL_HD bb31x4 swirl_whir_mobius_entry(const bb31x4 *u, uint32_t nv, uint64_t b) {
    return swirl_whir_mobius_part(u, 0, nv, b);
}

/* ---- sumcheck ---- */

/* pair y: s[0] += f1 w1, s[1] += (2 f1 - f0)(2 w1 - w0) */
SWIRL_HD void swirl_whir_sumcheck_pair(bb31x4 s[2], const bb31x4 *f, const bb31x4 *w, uint64_t y) {
    bb31x4 f0 = f[2 * y], f1 = f[2 * y + 1], w0 = w[2 * y], w1 = w[2 * y + 1];
    s[0] = bb31x4_add(s[0], bb31x4_mul(f1, w1));
    bb31x4 f2 = bb31x4_sub(bb31x4_add(f1, f1), f0), w2 = bb31x4_sub(bb31x4_add(w1, w1), w0);
    s[1] = bb31x4_add(s[1], bb31x4_mul(f2, w2));
}

/* fo[y], wo[y] at alpha */
SWIRL_HD void swirl_whir_fold_pair(bb31x4 *fo, bb31x4 *wo, const bb31x4 *f, const bb31x4 *w,
                                   uint64_t y, bb31x4 alpha) {
    fo[y] = bb31x4_add(f[2 * y], bb31x4_mul(bb31x4_sub(f[2 * y + 1], f[2 * y]), alpha));
    wo[y] = bb31x4_add(w[2 * y], bb31x4_mul(bb31x4_sub(w[2 * y + 1], w[2 * y]), alpha));
}

/* g_i z^i (the OOD value is their sum) */
SWIRL_HD bb31x4 swirl_whir_horner_term(const bb31x4 *g, uint64_t i, bb31x4 z) {
    return bb31x4_mul(g[i], bb31x4_pow(z, i));
}

/* ---- the w update ---- */

/* eq(pow(z), x) over nv variables (base field): prod_i (bit_i ? z^(2^i) : 1 - z^(2^i)) */
SWIRL_HD bb31 swirl_whir_eq_pow_base(bb31 z, uint32_t nv, uint64_t x) {
    bb31 e = bb31_one();
    for (uint32_t i = 0; i < nv; i++) {
        e = bb31_mul(e, (x >> i) & 1 ? z : bb31_sub(bb31_one(), z));
        z = bb31_square(z);
    }
    return e;
}

SWIRL_HD bb31x4 swirl_whir_eq_pow_ext(bb31x4 z, uint32_t nv, uint64_t x) {
    bb31x4 e = bb31x4_one();
    for (uint32_t i = 0; i < nv; i++) {
        e = bb31x4_mul(e, (x >> i) & 1 ? z : bb31x4_sub(bb31x4_one(), z));
        z = bb31x4_square(z);
    }
    return e;
}

/* w[x]'s addend: gamma eq(pow(z0), x) + sum_i cs[i] eq(pow(zs[i]), x) */
SWIRL_HD bb31x4 swirl_whir_w_term(const swirl_whir_ctl *ctl, uint32_t nq, uint32_t nv,
                                  uint64_t x) {
    bb31x4 acc = bb31x4_zero();
    for (uint32_t i = 0; i < nq; i++)
        acc = bb31x4_add(acc, bb31x4_mul_base(ctl->cs[i], swirl_whir_eq_pow_base(ctl->zs[i], nv, x)));
    return bb31x4_add(acc, bb31x4_mul(ctl->gamma, swirl_whir_eq_pow_ext(ctl->z0, nv, x)));
}

/* The table form of swirl_whir_w_term (the device's w update): x splits into its low `lo` bits
 * and its high nv - lo bits, and eq(pow(z), x) = lo_tab[x mod 2^lo] hi_tab[x >> lo], lo_tab over
 * z^(2^b), b < lo, hi_tab over the others. Per round one table pair per query (base field) and
 * one for z0 (extension), built once (one entry per thread), then per entry and query one
 * product of two table values in place of nv squarings and nv products. The field is exact, so
 * the regrouped products give the same bits. Layout (swirl_whir_wtab_len entries per pair, lo
 * table first): ext = z0's pair; base = the queries' pairs, query i at i * len. */
SWIRL_HD uint32_t swirl_whir_wtab_lo(uint32_t nv) {
    return nv / 2;
}

SWIRL_HD uint64_t swirl_whir_wtab_len(uint32_t nv, uint32_t lo) {
    return ((uint64_t)1 << lo) + ((uint64_t)1 << (nv - lo));
}

/* table entry t < (nq + 1) swirl_whir_wtab_len (the last pair: z0's) */
SWIRL_HD void swirl_whir_wtab_entry(bb31 *base, bb31x4 *ext, const swirl_whir_ctl *ctl,
                                    uint32_t nq, uint32_t nv, uint32_t lo, uint64_t t) {
    uint64_t tl = swirl_whir_wtab_len(nv, lo), q = t / tl, j = t % tl, nlo = (uint64_t)1 << lo;
    int hi = j >= nlo;
    uint32_t bits = hi ? nv - lo : lo, skip = hi ? lo : 0;
    uint64_t jj = hi ? j - nlo : j;
    if (q < nq) {
        bb31 z = ctl->zs[q];
        for (uint32_t b = 0; b < skip; b++)
            z = bb31_square(z);
        base[t] = swirl_whir_eq_pow_base(z, bits, jj);
    } else {
        bb31x4 z = ctl->z0;
        for (uint32_t b = 0; b < skip; b++)
            z = bb31x4_square(z);
        ext[j] = swirl_whir_eq_pow_ext(z, bits, jj);
    }
}

/* swirl_whir_w_term(ctl, nq, nv, x) from the tables */
SWIRL_HD bb31x4 swirl_whir_w_term_tab(const bb31 *base, const bb31x4 *ext,
                                      const swirl_whir_ctl *ctl, uint32_t nq, uint32_t nv,
                                      uint32_t lo, uint64_t x) {
    uint64_t tl = swirl_whir_wtab_len(nv, lo), nlo = (uint64_t)1 << lo;
    uint64_t jl = x & (nlo - 1), jh = nlo + (x >> lo);
    bb31x4 acc = bb31x4_zero();
    for (uint32_t i = 0; i < nq; i++) {
        const bb31 *tab = base + (uint64_t)i * tl;
        acc = bb31x4_add(acc, bb31x4_mul_base(ctl->cs[i], bb31_mul(tab[jl], tab[jh])));
    }
    return bb31x4_add(acc, bb31x4_mul(ctl->gamma, bb31x4_mul(ext[jl], ext[jh])));
}

/* ---- Fiat-Shamir steps: one thread, or a warp in warp mode (transcript_impl.h: every lane calls
 * them, the lead writes the outputs). The PoW grinds are separate: swirl_cuda_transcript_grind
 * or a block grind on the device, swirl_transcript_grind on the CPU, the same witness and
 * state ---- */

SWIRL_HD void swirl_whir_seq_mu(swirl_transcript *t, swirl_whir_ctl *ctl,
                                const swirl_ts_tables *tb) {
    bb31x4 mu = swirl_ts_sample_ext(t, tb);
    if (swirl_ts_lead(tb))
        ctl->mu = mu;
}

/* sumcheck entry sc: written to polys[sc] (2 values) and observed */
SWIRL_HD void swirl_whir_seq_sumcheck(swirl_transcript *t, bb31x4 *polys, uint64_t sc,
                                      const bb31x4 s[2], const swirl_ts_tables *tb) {
    if (swirl_ts_lead(tb)) {
        polys[2 * sc] = s[0];
        polys[2 * sc + 1] = s[1];
    }
    swirl_ts_observe_ext(t, s[0], tb);
    swirl_ts_observe_ext(t, s[1], tb);
}

SWIRL_HD void swirl_whir_seq_alpha(swirl_transcript *t, swirl_whir_ctl *ctl,
                                   const swirl_ts_tables *tb) {
    bb31x4 alpha = swirl_ts_sample_ext(t, tb);
    if (swirl_ts_lead(tb))
        ctl->alpha = alpha;
}

SWIRL_HD void swirl_whir_seq_commit(swirl_transcript *t, swirl_whir_ctl *ctl,
                                    const swirl_digest *root, const swirl_ts_tables *tb) {
    swirl_ts_observe_digest(t, root, tb);
    bb31x4 z0 = swirl_ts_sample_ext(t, tb);
    if (swirl_ts_lead(tb))
        ctl->z0 = z0;
}

SWIRL_HD void swirl_whir_seq_ood(swirl_transcript *t, bb31x4 y0, const swirl_ts_tables *tb) {
    swirl_ts_observe_ext(t, y0, tb);
}

SWIRL_HD void swirl_whir_seq_final(swirl_transcript *t, bb31x4 *final_poly, const bb31x4 *g,
                                   uint64_t len, const swirl_ts_tables *tb) {
    for (uint64_t i = 0; i < len; i++) {
        bb31x4 v = g[i];
        if (swirl_ts_lead(tb))
            final_poly[i] = v;
        swirl_ts_observe_ext(t, v, tb);
    }
}

/* nq query indices of `bits` bits into ctl->idx (nq <= SWIRL_WHIR_IMPL_MAX_QUERIES) */
SWIRL_HD void swirl_whir_seq_queries(swirl_transcript *t, swirl_whir_ctl *ctl, uint32_t nq,
                                     uint32_t bits, const swirl_ts_tables *tb) {
    for (uint32_t i = 0; i < nq; i++) {
        uint32_t idx = swirl_ts_sample_bits(t, bits, tb);
        if (swirl_ts_lead(tb))
            ctl->idx[i] = idx;
    }
}

/* gamma; then (not in the last round) the query points omega^idx and weights gamma^(i + 2)
 * (lane i of a warp takes queries i, i + 32, ...; ctl->idx is from an earlier step) */
SWIRL_HD void swirl_whir_seq_gamma(swirl_transcript *t, swirl_whir_ctl *ctl, uint32_t nq,
                                   bb31 omega, const swirl_ts_tables *tb) {
    bb31x4 gamma = swirl_ts_sample_ext(t, tb);
    if (swirl_ts_lead(tb))
        ctl->gamma = gamma;
    unsigned team = swirl_ts_team(tb), me = swirl_ts_rank(tb);
    bb31x4 step = bb31x4_pow(gamma, team);
    bb31x4 gp = bb31x4_pow(gamma, me + 2);
    for (uint32_t i = me; i < nq; i += team) {
        ctl->zs[i] = bb31_pow(omega, ctl->idx[i]);
        ctl->cs[i] = gp;
        gp = bb31x4_mul(gp, step);
    }
}

#endif /* SWIRL_DEVICE_WHIR_IMPL_H */
