/*
 * LogUp-GKR as host/device code (SWIRL_HD, like the field and the transcript): the per-thread math
 * of the GPU kernels of device/cuda/gkr.cu and the Fiat-Shamir steps (one warp on the device, in
 * the transcript's warp mode; one thread on the CPU) they run on a
 * device transcript, so the same code runs on the CPU (tests/test_gkr_twin.c replays the device
 * schedule with it against swirl_gkr_prove) and on the GPU.
 *
 * The values are those of the CPU driver (protocol/gkr.c) and slots (device/cpu/gkr.c,
 * swirl_cpu_sumcheck_fold): the field is exact, so a different summation order gives the same
 * bits, and every challenge is sampled in the driver's order:
 *   observe q_root; observe the layer-0 claims (p_xi_0, q_xi_0, p_xi_1, q_xi_1); sample mu;
 *   per round j = 1..n-1: sample lambda; j sub-rounds (observe s(1), s(2), s(3); sample r);
 *   observe the layer-j claims; sample mu.
 *
 * The device proof buffer (bb31x4 entries, n = log2 of the leaf count):
 *   [0] q0_claim (the root denominator), [1] the root numerator (zero when the fractions balance),
 *   [2 + 4 j ..] layer j's claims in swirl_gkr_layer_claims order (p_xi_0, p_xi_1, q_xi_0, q_xi_1),
 *   [swirl_gkr_off_polys(n) + 3 e ..] sumcheck entry e's s(1), s(2), s(3) (round j's sub-round sr
 *   is entry j (j - 1) / 2 + sr), [swirl_gkr_off_xi(n) ..] the final challenge point xi (n values).
 *
 * A layer's working tables are packed: five tables of length L (eq, p0, q0, p1, q1) at k * L.
 */
#ifndef SWIRL_DEVICE_GKR_IMPL_H
#define SWIRL_DEVICE_GKR_IMPL_H

#include "field/bb31_ext4.h"
#include "transcript/transcript_impl.h"

/* loops over the five tables and three points unrolled on the device (registers, not stack) */
#if defined(__CUDA_ARCH__)
#define SWIRL_GKR_UNROLL _Pragma("unroll")
#else
#define SWIRL_GKR_UNROLL
#endif

#define SWIRL_GKR_MAX_LAYERS 30 /* n <= 30, as swirl_gkr_prove */
#define SWIRL_GKR_TABLES 5      /* eq, p0, q0, p1, q1 */

/* ---- the proof buffer's layout ---- */
SWIRL_HD size_t swirl_gkr_off_claims(unsigned layer) {
    return 2 + 4 * (size_t)layer;
}
SWIRL_HD size_t swirl_gkr_off_polys(unsigned n) {
    return 2 + 4 * (size_t)n;
}
SWIRL_HD size_t swirl_gkr_entry(unsigned round, unsigned sr) {
    return (size_t)round * (round - 1) / 2 + sr;
}
SWIRL_HD size_t swirl_gkr_off_xi(unsigned n) {
    return swirl_gkr_off_polys(n) + 3 * ((size_t)n * (n - 1) / 2);
}
SWIRL_HD size_t swirl_gkr_proof_len(unsigned n) {
    return swirl_gkr_off_xi(n) + n;
}

/* The driver's state between kernels (device memory; one writer at a time: a step's lead). */
typedef struct swirl_gkr_ctl {
    bb31x4 lambda;                     /* the current round's batching challenge */
    bb31x4 r;                          /* the last sub-round's challenge */
    bb31x4 xi[SWIRL_GKR_MAX_LAYERS];   /* the current point: mu, then the previous round's rho */
    bb31x4 rho[SWIRL_GKR_MAX_LAYERS];  /* the current round's sub-round challenges */
} swirl_gkr_ctl;

/* ---- per-thread math ---- */

/* One node of the fraction tree: p = p_l q_r + q_l p_r, q = q_l q_r. */
SWIRL_HD void swirl_gkr_node(bb31x4 *p, bb31x4 *q, bb31x4 pl, bb31x4 ql, bb31x4 pr, bb31x4 qr) {
    *p = bb31x4_add(bb31x4_mul(pl, qr), bb31x4_mul(ql, pr));
    *q = bb31x4_mul(ql, qr);
}

/* The sumcheck fold of one pair at r: a + r (b - a). */
SWIRL_HD bb31x4 swirl_gkr_fold(bb31x4 a, bb31x4 b, bb31x4 r) {
    return bb31x4_add(a, bb31x4_mul(bb31x4_sub(b, a), r));
}

/* One y of a layer's round polynomial: acc[X - 1] += eq(X) (p0 q1 + p1 q0 + lambda q0 q1)(X) for
 * X = 1, 2, 3, each table linear between its pair (v[0], v[1]); v(X + 1) = v(X) + (v[1] - v[0]). */
SWIRL_HD void swirl_gkr_round_terms(bb31x4 acc[3], bb31x4 v[SWIRL_GKR_TABLES][2],
                                    bb31x4 lambda) {
    bb31x4 x[SWIRL_GKR_TABLES], d[SWIRL_GKR_TABLES];
    SWIRL_GKR_UNROLL
    for (int k = 0; k < SWIRL_GKR_TABLES; k++) {
        x[k] = v[k][1];
        d[k] = bb31x4_sub(v[k][1], v[k][0]);
    }
    SWIRL_GKR_UNROLL
    for (int X = 0; X < 3; X++) {
        if (X > 0)
            SWIRL_GKR_UNROLL
            for (int k = 0; k < SWIRL_GKR_TABLES; k++)
                x[k] = bb31x4_add(x[k], d[k]);
        bb31x4 pp = bb31x4_add(bb31x4_mul(x[1], x[4]), bb31x4_mul(x[3], x[2]));
        bb31x4 qq = bb31x4_mul(x[2], x[4]);
        acc[X] = bb31x4_add(acc[X], bb31x4_mul(x[0], bb31x4_add(pp, bb31x4_mul(lambda, qq))));
    }
}

/* Round terms of pair y of the packed tables (length L). */
SWIRL_HD void swirl_gkr_sum_y(bb31x4 acc[3], const bb31x4 *buf, size_t L, size_t y,
                              bb31x4 lambda) {
    bb31x4 v[SWIRL_GKR_TABLES][2];
    SWIRL_GKR_UNROLL
    for (int k = 0; k < SWIRL_GKR_TABLES; k++) {
        v[k][0] = buf[(size_t)k * L + 2 * y];
        v[k][1] = buf[(size_t)k * L + 2 * y + 1];
    }
    swirl_gkr_round_terms(acc, v, lambda);
}

/* Fold of the packed tables from length L_in to L_in / 2 at r, entries 2 y2 and 2 y2 + 1 of the
 * output (from entries 4 y2 .. 4 y2 + 3 of the input), then the round terms of the output's pair
 * y2 (the next sub-round's sums). in and out must not overlap. */
SWIRL_HD void swirl_gkr_fold_sum_y(bb31x4 acc[3], bb31x4 *out, const bb31x4 *in, size_t L_in,
                                   size_t y2, bb31x4 r, bb31x4 lambda) {
    size_t L_out = L_in / 2;
    bb31x4 v[SWIRL_GKR_TABLES][2];
    SWIRL_GKR_UNROLL
    for (int k = 0; k < SWIRL_GKR_TABLES; k++) {
        const bb31x4 *src = in + (size_t)k * L_in + 4 * y2;
        v[k][0] = swirl_gkr_fold(src[0], src[1], r);
        v[k][1] = swirl_gkr_fold(src[2], src[3], r);
        out[(size_t)k * L_out + 2 * y2] = v[k][0];
        out[(size_t)k * L_out + 2 * y2 + 1] = v[k][1];
    }
    swirl_gkr_round_terms(acc, v, lambda);
}

/* eq(xi, x) over nv variables, bit i of x against xi[i] (swirl_evals_eq_hypercube's order). */
SWIRL_HD bb31x4 swirl_gkr_eq_entry(const bb31x4 *xi, unsigned nv, size_t x) {
    bb31x4 e = bb31x4_one();
    for (unsigned i = 0; i < nv; i++)
        e = bb31x4_mul(e, (x >> i) & 1 ? xi[i] : bb31x4_sub(bb31x4_one(), xi[i]));
    return e;
}

/* Entry x < E of round `round`'s packed tables (E = 2^round): eq(xi, x) and the columns p0, q0,
 * p1, q1 from the tree level below (lp, lq: 2E nodes, the left child 2x, the right child 2x + 1). */
SWIRL_HD void swirl_gkr_setup_x(bb31x4 *buf, size_t E, size_t x, const bb31x4 *lp,
                                const bb31x4 *lq, const bb31x4 *xi, unsigned round) {
    buf[x] = swirl_gkr_eq_entry(xi, round, x);
    buf[E + x] = lp[2 * x];
    buf[2 * E + x] = lq[2 * x];
    buf[3 * E + x] = lp[2 * x + 1];
    buf[4 * E + x] = lq[2 * x + 1];
}

/* ---- Fiat-Shamir steps: one thread, or a warp in warp mode (transcript_impl.h: every lane calls
 * them, the lead writes the outputs) ---- */

/* Writes layer `layer`'s claims and observes them (p_xi_0, q_xi_0, p_xi_1, q_xi_1). */
SWIRL_HD void swirl_gkr_put_claims(swirl_transcript *t, bb31x4 *proof, unsigned layer, bb31x4 p0,
                                   bb31x4 p1, bb31x4 q0, bb31x4 q1, const swirl_ts_tables *tb) {
    if (swirl_ts_lead(tb)) {
        bb31x4 *c = proof + swirl_gkr_off_claims(layer);
        c[0] = p0;
        c[1] = p1;
        c[2] = q0;
        c[3] = q1;
    }
    swirl_ts_observe_ext(t, p0, tb);
    swirl_ts_observe_ext(t, q0, tb);
    swirl_ts_observe_ext(t, p1, tb);
    swirl_ts_observe_ext(t, q1, tb);
}

/* After a layer's claims: sample mu, the point becomes (mu, rho[0..round)), written to the proof;
 * then the next round's lambda when there is one. */
SWIRL_HD void swirl_gkr_next_point(swirl_transcript *t, bb31x4 *proof, swirl_gkr_ctl *ctl,
                                   unsigned n, unsigned round, const swirl_ts_tables *tb) {
    bb31x4 mu = swirl_ts_sample_ext(t, tb);
    if (swirl_ts_lead(tb)) {
        bb31x4 *xo = proof + swirl_gkr_off_xi(n);
        ctl->xi[0] = mu;
        xo[0] = mu;
        for (unsigned i = 0; i < round; i++) {
            bb31x4 r = ctl->rho[i];
            ctl->xi[1 + i] = r;
            xo[1 + i] = r;
        }
    }
    if (round + 1 < n) {
        bb31x4 lambda = swirl_ts_sample_ext(t, tb);
        if (swirl_ts_lead(tb))
            ctl->lambda = lambda;
    }
}

/* The root: q0_claim and the root numerator, layer 0's claims from the two nodes of level 1
 * (l1p, l1q), mu, and round 1's lambda. */
SWIRL_HD void swirl_gkr_seq_root(swirl_transcript *t, bb31x4 *proof, swirl_gkr_ctl *ctl,
                                 unsigned n, bb31x4 root_p, bb31x4 root_q, const bb31x4 *l1p,
                                 const bb31x4 *l1q, const swirl_ts_tables *tb) {
    if (swirl_ts_lead(tb)) {
        proof[0] = root_q;
        proof[1] = root_p;
    }
    swirl_ts_observe_ext(t, root_q, tb);
    swirl_gkr_put_claims(t, proof, 0, l1p[0], l1p[1], l1q[0], l1q[1], tb);
    swirl_gkr_next_point(t, proof, ctl, n, 0, tb);
}

/* Sub-round sr of round `round`: writes s to the proof, observes it, samples r. */
SWIRL_HD void swirl_gkr_seq_subround(swirl_transcript *t, bb31x4 *proof, swirl_gkr_ctl *ctl,
                                     unsigned n, unsigned round, unsigned sr, const bb31x4 s[3],
                                     const swirl_ts_tables *tb) {
    bb31x4 *e = proof + swirl_gkr_off_polys(n) + 3 * swirl_gkr_entry(round, sr);
    for (int i = 0; i < 3; i++) {
        if (swirl_ts_lead(tb))
            e[i] = s[i];
        swirl_ts_observe_ext(t, s[i], tb);
    }
    bb31x4 r = swirl_ts_sample_ext(t, tb);
    if (swirl_ts_lead(tb)) {
        ctl->rho[sr] = r;
        ctl->r = r;
    }
}

/* The end of round `round`: the fully folded tables (length 1, packed: eq, p0, q0, p1, q1) give
 * the layer's claims; then mu and the next lambda. */
SWIRL_HD void swirl_gkr_seq_claims(swirl_transcript *t, bb31x4 *proof, swirl_gkr_ctl *ctl,
                                   unsigned n, unsigned round, const bb31x4 *folded,
                                   const swirl_ts_tables *tb) {
    swirl_gkr_put_claims(t, proof, round, folded[1], folded[3], folded[2], folded[4], tb);
    swirl_gkr_next_point(t, proof, ctl, n, round, tb);
}

#endif /* SWIRL_DEVICE_GKR_IMPL_H */
