/* The device WHIR's CPU twin: the device schedule described in device/whir_impl.h replayed on the
 * CPU with its host/device code (batching, the MLE conversion steps, mobius eq, sumcheck pairs,
 * folds, coefficient steps, OOD terms, the w update, the one-thread transcript steps), with the
 * CPU's NTT, Merkle tree, PoW grinding and row openings standing in for the GPU primitives the
 * device stage calls (swirl_cuda_ntt, swirl_cuda_merkle_build, swirl_cuda_transcript_grind and a
 * gather, each compared with these CPU functions elsewhere; the small PoWs the control kernels
 * grind by one block are emulated lane by lane, as are the tiled coefficient passes), against swirl_whir_prove on the same
 * transcript: every proof field and the final transcript. The twin's values then go into the
 * device proof buffer at the offsets of prover/whir_dplan.h (as prover/cuda_whir.cu's kernels
 * write them), are read back by swirl_whir_dplan_unpack and compared again, and the host replay
 * (swirl_whir_dplan_replay, a transcript log's view) must end in the CPU prover's state. Runs
 * without a GPU. */
#include <stdlib.h>
#include <string.h>

#include "device/whir_impl.h"
#include "pcs/whir_config.h"
#include "poly/ntt.h"
#include "prover/whir_dplan.h"
#include "whir_fixture.h"

static const uint32_t g_ext_init[64] = P2_BB16_RC_EXT_INITIAL_MONT;
static const uint32_t g_ext_final[64] = P2_BB16_RC_EXT_FINAL_MONT;
static const uint32_t g_internal[13] = P2_BB16_RC_INTERNAL_MONT;
static const swirl_ts_tables g_tb = {g_ext_init, g_ext_final, g_internal, 0, NULL};

static void *xmalloc(size_t bytes) {
    void *p = malloc(bytes ? bytes : 1);
    CHECK(p != NULL);
    return p;
}

/* the twin's buffers and its output (the proof's fields, flat) */
typedef struct wtwin {
    swirl_whir_plan plan;
    size_t m, n, k, R, log_blowup;
    swirl_whir_ctl *ctl;
    bb31x4 *f, *w, *fo, *wo, *g, *polys, *ood, *final_poly, *cw_vals;
    bb31 *fold_w, *query_w, *rows0, mu_w;
    swirl_digest *commits, *paths0, *cw_paths;
    /* the previous codeword's tree */
    swirl_merkle_plan rs_plan;
    swirl_digest *rs_layers;
    bb31x4 *rs_cw;
    /* the device proof buffer (the query indices are recorded as the device records them) */
    const swirl_whir_dplan *dplan;
    uint32_t *idx_buf;
} wtwin;

/* The device's tiled passes (prover/cuda_whir.cu: k_wh_c2e_tile, k_wh_e2c_tile): the bits of the
 * index split into passes of at most `tile` bits from bit 0 up; in a pass every tile of 2^nb
 * entries (swirl_whir_tile_index) is copied out, stepped bit by bit with the pair functions on
 * the tile, and written back, as a thread block does in shared memory. */
#define TWIN_C2E_TILE 12u /* WH_C2E_TILE */
#define TWIN_E2C_TILE 10u /* WH_E2C_TILE */

/* monomial -> hypercube over total entries (lg bits per plane; bits below l_skip twice) */
/* Adversarial where the device is free: tiles (blocks) run last to first, the pairs of a step
 * (threads) in an order that changes per step (reverse on odd steps), and the shared tile is
 * poisoned before each load, so the twin fails if a pass depended on block or thread order or
 * read a tile entry it did not load. */
static uint64_t twin_pair(uint64_t t2, uint64_t pairs, uint32_t step) {
    return step & 1 ? pairs - 1 - t2 : t2;
}

static void twin_c2e_passes_w(bb31 *a, uint64_t total, uint32_t lg, uint32_t l_skip,
                              uint32_t tile_bits) {
    bb31 *sh = xmalloc(((size_t)1 << tile_bits) * sizeof *sh);
    for (uint32_t lo = 0; lo < lg;) {
        uint32_t nb = lg - lo < tile_bits ? lg - lo : tile_bits;
        uint64_t size = (uint64_t)1 << nb;
        for (uint64_t tr = 0; tr < (total >> nb); tr++) {
            uint64_t tile = (total >> nb) - 1 - tr;
            memset(sh, 0x5a, ((size_t)1 << tile_bits) * sizeof *sh);
            for (uint64_t j = 0; j < size; j++)
                sh[j] = a[swirl_whir_tile_index(lo, nb, tile, j)];
            uint32_t step = 0;
            for (uint32_t b = 0; b < nb; b++)
                for (int rep = 0; rep < (lo + b < l_skip ? 2 : 1); rep++, step++)
                    for (uint64_t t2 = 0; t2 < size / 2; t2++)
                        swirl_whir_c2e_step(sh, b, twin_pair(t2, size / 2, step));
            for (uint64_t j = 0; j < size; j++)
                a[swirl_whir_tile_index(lo, nb, tile, j)] = sh[j];
        }
        lo += nb;
    }
    free(sh);
}

static void twin_c2e_passes(bb31 *a, uint64_t total, uint32_t lg, uint32_t l_skip) {
    twin_c2e_passes_w(a, total, lg, l_skip, TWIN_C2E_TILE);
}

/* g = the coefficients of f (len entries): the copy in the first pass, then in place */
static void twin_e2c_passes_w(bb31x4 *g, const bb31x4 *f, uint64_t len, uint32_t tile_bits) {
    uint32_t lg = (uint32_t)swirl_log2_exact(len);
    bb31x4 *sh = xmalloc(((size_t)1 << tile_bits) * sizeof *sh);
    for (uint32_t lo = 0; lo == 0 || lo < lg;) {
        uint32_t nb = lg - lo < tile_bits ? lg - lo : tile_bits;
        uint64_t size = (uint64_t)1 << nb;
        const bb31x4 *src = lo == 0 ? f : g;
        for (uint64_t tr = 0; tr < (len >> nb); tr++) {
            uint64_t tile = (len >> nb) - 1 - tr;
            memset(sh, 0x5a, ((size_t)1 << tile_bits) * sizeof *sh);
            for (uint64_t j = 0; j < size; j++)
                sh[j] = src[swirl_whir_tile_index(lo, nb, tile, j)];
            for (uint32_t b = 0; b < nb; b++)
                for (uint64_t t2 = 0; t2 < size / 2; t2++)
                    swirl_whir_e2c_pair(sh, b, twin_pair(t2, size / 2, b));
            for (uint64_t j = 0; j < size; j++)
                g[swirl_whir_tile_index(lo, nb, tile, j)] = sh[j];
        }
        lo += nb;
        if (nb == 0)
            break;
    }
    free(sh);
}

static void twin_e2c_passes(bb31x4 *g, const bb31x4 *f, uint64_t len) {
    twin_e2c_passes_w(g, f, len, TWIN_E2C_TILE);
}

/* The block grind of the device's control kernels (device/cuda/ts_grind.cuh, 256 threads):
 * lockstep strides of candidates, the first stride with a success gives its smallest one; then
 * check_witness. Must equal swirl_transcript_grind's witness and state (checked by the caller
 * against the CPU prover, whose PoW is swirl_transcript_grind). */
#define TWIN_BLOCK 256u
static void twin_block_grind(swirl_transcript *t, bb31 *witness, unsigned bits) {
    uint32_t best = 0xffffffffu;
    for (uint32_t base = 0; base < BB31_P && best == 0xffffffffu; base += TWIN_BLOCK)
        for (uint32_t lr = 0; lr < TWIN_BLOCK; lr++) { /* lanes last to first (atomicMin) */
            uint32_t w = base + (TWIN_BLOCK - 1 - lr);
            if (w < BB31_P && w < best && swirl_ts_pow_candidate_ok(t, bits, bb31_from_u32(w), &g_tb))
                best = w;
        }
    CHECK(best != 0xffffffffu);
    CHECK(swirl_ts_check_witness(t, bits, bb31_from_u32(best), &g_tb));
    *witness = bb31_from_u32(best);
}

/* a PoW as the device stage makes it: the block grind up to 8 bits
 * (SWIRL_TS_BLOCK_GRIND_MAX_BITS), swirl_cuda_transcript_grind's search above (the same
 * smallest witness as swirl_transcript_grind, compared by test_gpu_transcript) */
static void twin_grind(swirl_transcript *t, bb31 *witness, unsigned bits) {
    if (bits <= 8)
        twin_block_grind(t, witness, bits);
    else
        CHECK_OK(swirl_transcript_grind(t, witness, bits));
}

/* mu, the batched planes, the MLE conversion, f and w */
static void twin_batch(wtwin *tw, swirl_transcript *t, const swirl_system_params *p,
                       const swirl_stacked_pcs_data *const *d, size_t nc, const bb31x4 *u) {
    size_t n = tw->n, ncols = 0;
    twin_grind(t, &tw->mu_w, (unsigned)p->whir.mu_pow_bits);
    swirl_whir_seq_mu(t, tw->ctl, &g_tb);
    for (size_t c = 0; c < nc; c++)
        ncols += swirl_stacked_pcs_layout(d[c])->width;
    const bb31 **cols = xmalloc(ncols * sizeof *cols);
    bb31x4 *mu_pows = xmalloc(ncols * sizeof *mu_pows);
    for (size_t c = 0, j = 0; c < nc; c++) {
        const bb31 *mat;
        CHECK_OK(swirl_stacked_pcs_host_matrix(d[c], &mat));
        for (size_t col = 0; col < swirl_stacked_pcs_layout(d[c])->width; col++, j++) {
            cols[j] = mat + col * n;
            mu_pows[j] = bb31x4_pow(tw->ctl->mu, j);
        }
    }
    bb31 *planes = xmalloc(4 * n * sizeof *planes);
    for (size_t i = 0; i < n; i++)
        swirl_whir_batch_entry(planes, cols, mu_pows, ncols, n, i);
    unsigned l_skip = (unsigned)p->l_skip;
    if (l_skip > 0)
        CHECK_OK(swirl_ntt_inverse(planes, l_skip, (4 * n) >> l_skip, (size_t)1 << l_skip,
                                   bb31_one(), SWIRL_NTT_NONE));
    twin_c2e_passes(planes, 4 * n, (uint32_t)tw->m, l_skip);
    uint32_t m = (uint32_t)tw->m, h = m / 2; /* k_wh_mobius_tabs / k_wh_fw: two factor tables */
    for (size_t i = 0; i < n; i++) {
        tw->f[i] = swirl_whir_plane_entry(planes, n, i);
        tw->w[i] = swirl_whir_mobius_entry(u, m, i);
        bb31x4 split = bb31x4_mul(swirl_whir_mobius_part(u, 0, h, i & (((uint64_t)1 << h) - 1)),
                                  swirl_whir_mobius_part(u, h, m - h, i >> h));
        CHECK(bb31x4_eq(split, tw->w[i]));
    }
    free(planes);
    free(cols);
    free(mu_pows);
}

/* RS encoding of g (len coefficients) on 2^log_n points and its tree (the new rs_*) */
static void twin_commit(wtwin *tw, size_t len, unsigned log_n) {
    size_t cw = (size_t)1 << log_n;
    bb31 *tmp = xmalloc(4 * cw * sizeof *tmp);
    for (size_t i = 0; i < cw; i++)
        for (int c = 0; c < 4; c++)
            tmp[(size_t)c * cw + i] = i < len ? tw->g[i].c[c] : bb31_zero();
    CHECK_OK(swirl_ntt_forward(tmp, log_n, 4, cw, bb31_one(), SWIRL_NTT_NONE));
    free(tw->rs_cw);
    free(tw->rs_layers);
    tw->rs_cw = xmalloc(cw * sizeof *tw->rs_cw);
    for (size_t i = 0; i < cw; i++)
        tw->rs_cw[i] = swirl_whir_plane_entry(tmp, cw, i);
    free(tmp);
    CHECK_OK(swirl_merkle_plan_init(&tw->rs_plan, cw, 1, 4, (size_t)1 << tw->k));
    tw->rs_layers = xmalloc(swirl_merkle_plan_bytes(&tw->rs_plan));
    CHECK_OK(swirl_cpu_merkle_tree(
        NULL, &tw->rs_plan, swirl_buf_host(tw->rs_layers, swirl_merkle_plan_bytes(&tw->rs_plan)),
        swirl_buf_host_const(tw->rs_cw, cw * sizeof *tw->rs_cw)));
}

/* the query openings of round r (round 0: the commitments; later: the previous codeword) */
static void twin_open(wtwin *tw, size_t r, const swirl_stacked_pcs_data *const *d, size_t nc,
                      const swirl_merkle_plan *prev, const swirl_digest *prev_layers,
                      const bb31x4 *prev_cw, size_t *cw_off, size_t *path_off) {
    size_t nq = tw->plan.rounds[r].num_queries, depth = tw->plan.rounds[r].log_query_domain;
    if (r == 0) {
        size_t row_off = 0;
        for (size_t c = 0; c < nc; c++) {
            CHECK_OK(swirl_stacked_pcs_open_rows(d[c], tw->ctl->idx, nq, tw->rows0 + row_off,
                                                 tw->paths0 + c * nq * depth));
            row_off += nq * (((size_t)1 << tw->k) * swirl_stacked_pcs_layout(d[c])->width);
        }
        return;
    }
    for (size_t qi = 0; qi < nq; qi++) {
        CHECK_OK(swirl_merkle_open_host(prev, prev_layers, (const bb31 *)prev_cw, tw->ctl->idx[qi],
                                        (bb31 *)(tw->cw_vals + *cw_off),
                                        tw->cw_paths + *path_off));
        *cw_off += (size_t)1 << tw->k;
        *path_off += depth;
    }
}

/* k sumcheck rounds: sums, the transcript step, folding PoW, alpha, the fold */
static size_t twin_sumcheck(wtwin *tw, swirl_transcript *t, const swirl_system_params *p,
                            size_t len, size_t *sc) {
    for (size_t j = 0; j < tw->k; j++, (*sc)++) {
        bb31x4 s[2] = {bb31x4_zero(), bb31x4_zero()};
        for (uint64_t y = 0; y < len / 2; y++)
            swirl_whir_sumcheck_pair(s, tw->f, tw->w, y);
        swirl_whir_seq_sumcheck(t, tw->polys, *sc, s, &g_tb);
        twin_grind(t, &tw->fold_w[*sc], (unsigned)p->whir.folding_pow_bits);
        swirl_whir_seq_alpha(t, tw->ctl, &g_tb);
        for (uint64_t y = 0; y < len / 2; y++)
            swirl_whir_fold_pair(tw->fo, tw->wo, tw->f, tw->w, y, tw->ctl->alpha);
        bb31x4 *a = tw->f, *b = tw->w;
        tw->f = tw->fo, tw->w = tw->wo, tw->fo = a, tw->wo = b;
        len /= 2;
    }
    return len;
}

static void twin_prove(wtwin *tw, swirl_transcript *t, const swirl_system_params *p,
                       const swirl_stacked_pcs_data *const *d, size_t nc, const bb31x4 *u) {
    twin_batch(tw, t, p, d, nc, u);
    size_t len = tw->n, log_rs = tw->m + tw->log_blowup, sc = 0, cw_off = 0, path_off = 0;
    for (size_t r = 0; r < tw->R; r++) {
        int last = r + 1 == tw->R;
        len = twin_sumcheck(tw, t, p, len, &sc);
        twin_e2c_passes(tw->g, tw->f, len);
        /* the previous round's tree is opened below, after this round's is made */
        swirl_merkle_plan prev = tw->rs_plan;
        swirl_digest *prev_layers = tw->rs_layers;
        bb31x4 *prev_cw = tw->rs_cw;
        if (!last) {
            tw->rs_layers = NULL, tw->rs_cw = NULL;
            twin_commit(tw, len, (unsigned)(log_rs - 1));
            swirl_digest root = tw->rs_layers[tw->rs_plan.layer_off[tw->rs_plan.num_layers - 1]];
            tw->commits[r] = root;
            swirl_whir_seq_commit(t, tw->ctl, &root, &g_tb);
            bb31x4 y0 = bb31x4_zero();
            for (uint64_t i = 0; i < len; i++)
                y0 = bb31x4_add(y0, swirl_whir_horner_term(tw->g, i, tw->ctl->z0));
            tw->ood[r] = y0;
            swirl_whir_seq_ood(t, y0, &g_tb);
        } else {
            swirl_whir_seq_final(t, tw->final_poly, tw->g, len, &g_tb);
        }
        bb31 omega;
        CHECK_OK(bb31_two_adic_generator(&omega, (unsigned)(log_rs - tw->k)));
        twin_grind(t, &tw->query_w[r], (unsigned)p->whir.query_phase_pow_bits);
        uint32_t nq = (uint32_t)tw->plan.rounds[r].num_queries;
        swirl_whir_seq_queries(t, tw->ctl, nq, (uint32_t)(log_rs - tw->k), &g_tb);
        memcpy(tw->idx_buf + tw->dplan->idx_off[r], tw->ctl->idx, nq * sizeof(uint32_t));
        twin_open(tw, r, d, nc, &prev, prev_layers, prev_cw, &cw_off, &path_off);
        if (!last) {
            free(prev_layers);
            free(prev_cw);
        }
        swirl_whir_seq_gamma(t, tw->ctl, last ? 0 : nq, omega, &g_tb);
        if (!last) { /* the device's table form (k_wh_w_tables, k_wh_w_update) */
            uint32_t nv = (uint32_t)swirl_log2_exact(len), lo = swirl_whir_wtab_lo(nv);
            uint64_t tl = swirl_whir_wtab_len(nv, lo);
            bb31 *base = xmalloc(nq * tl * sizeof(bb31));
            bb31x4 *ext = xmalloc(tl * sizeof(bb31x4));
            for (uint64_t e = 0; e < (nq + 1) * tl; e++)
                swirl_whir_wtab_entry(base, ext, tw->ctl, nq, nv, lo, e);
            for (uint64_t x = 0; x < len; x++)
                tw->w[x] = bb31x4_add(tw->w[x],
                                      swirl_whir_w_term_tab(base, ext, tw->ctl, nq, nv, lo, x));
            free(base);
            free(ext);
        }
        log_rs -= 1;
    }
}

static void twin_alloc(wtwin *tw, const swirl_system_params *p, const swirl_whir_proof *ref) {
    memset(tw, 0, sizeof *tw);
    CHECK_OK(swirl_whir_plan_init(&tw->plan, p));
    tw->m = tw->plan.m;
    tw->n = (size_t)1 << tw->m;
    tw->k = tw->plan.k;
    tw->R = tw->plan.num_rounds;
    tw->log_blowup = p->log_blowup;
    size_t n = tw->n, rows0 = 0;
    for (size_t c = 0; c < ref->n_commits; c++)
        rows0 += (tw->plan.rounds[0].num_queries << tw->k) * ref->widths[c];
    for (size_t r = 0; r < tw->R; r++)
        CHECK(tw->plan.rounds[r].num_queries <= SWIRL_WHIR_IMPL_MAX_QUERIES);
    size_t cw_vals = 0, cw_paths = 0;
    for (size_t r = 1; r < tw->R; r++) {
        cw_vals += tw->plan.rounds[r].num_queries << tw->k;
        cw_paths += tw->plan.rounds[r].num_queries * tw->plan.rounds[r].log_query_domain;
    }
    tw->ctl = xmalloc(sizeof *tw->ctl);
    tw->f = xmalloc(n * sizeof(bb31x4));
    tw->w = xmalloc(n * sizeof(bb31x4));
    tw->fo = xmalloc(n / 2 * sizeof(bb31x4));
    tw->wo = xmalloc(n / 2 * sizeof(bb31x4));
    tw->g = xmalloc(n * sizeof(bb31x4));
    tw->polys = xmalloc(2 * tw->R * tw->k * sizeof(bb31x4));
    tw->ood = xmalloc(tw->R * sizeof(bb31x4));
    tw->final_poly = xmalloc(tw->plan.final_poly_len * sizeof(bb31x4));
    tw->cw_vals = xmalloc(cw_vals * sizeof(bb31x4));
    tw->fold_w = xmalloc(tw->R * tw->k * sizeof(bb31));
    tw->query_w = xmalloc(tw->R * sizeof(bb31));
    tw->rows0 = xmalloc(rows0 * sizeof(bb31));
    tw->commits = xmalloc(tw->R * sizeof(swirl_digest));
    tw->paths0 = xmalloc(ref->n_commits * tw->plan.rounds[0].num_queries *
                         tw->plan.rounds[0].log_query_domain * sizeof(swirl_digest));
    tw->cw_paths = xmalloc(cw_paths * sizeof(swirl_digest));
    CHECK(cw_vals == (ref->n_rounds > 1 ? cw_vals : 0));
}

static void twin_free(wtwin *tw) {
    /* f / fo and w / wo were swapped an unknown number of times: free all four */
    free(tw->ctl);
    free(tw->f);
    free(tw->w);
    free(tw->fo);
    free(tw->wo);
    free(tw->g);
    free(tw->polys);
    free(tw->ood);
    free(tw->final_poly);
    free(tw->cw_vals);
    free(tw->fold_w);
    free(tw->query_w);
    free(tw->rows0);
    free(tw->commits);
    free(tw->paths0);
    free(tw->cw_paths);
    free(tw->rs_layers);
    free(tw->rs_cw);
    free(tw->idx_buf);
}

static void compare(const wtwin *tw, const swirl_whir_proof *ref) {
    size_t R = tw->R, k = tw->k, q0 = tw->plan.rounds[0].num_queries;
    size_t d0 = tw->plan.rounds[0].log_query_domain, rows0 = 0, vals = 0, paths = 0;
    for (size_t c = 0; c < ref->n_commits; c++)
        rows0 += (q0 << k) * ref->widths[c];
    for (size_t r = 1; r < R; r++) {
        vals += tw->plan.rounds[r].num_queries << k;
        paths += tw->plan.rounds[r].num_queries * tw->plan.rounds[r].log_query_domain;
    }
    CHECK(bb31_eq(tw->mu_w, ref->mu_pow_witness));
    CHECK_MSG(memcmp(tw->polys, ref->sumcheck_polys, 2 * R * k * sizeof(bb31x4)) == 0,
              "sumcheck polynomials differ");
    CHECK(memcmp(tw->fold_w, ref->folding_pow_witnesses, R * k * sizeof(bb31)) == 0);
    CHECK(memcmp(tw->query_w, ref->query_pow_witnesses, R * sizeof(bb31)) == 0);
    CHECK_MSG(R < 2 || memcmp(tw->commits, ref->codeword_commits,
                              (R - 1) * sizeof(swirl_digest)) == 0, "codeword roots differ");
    CHECK_MSG(R < 2 || memcmp(tw->ood, ref->ood_values, (R - 1) * sizeof(bb31x4)) == 0,
              "OOD values differ");
    CHECK_MSG(memcmp(tw->rows0, ref->initial_rows, rows0 * sizeof(bb31)) == 0,
              "initial rows differ");
    CHECK(memcmp(tw->paths0, ref->initial_paths, ref->n_commits * q0 * d0 * sizeof(swirl_digest)) ==
          0);
    CHECK_MSG(memcmp(tw->cw_vals, ref->codeword_values, vals * sizeof(bb31x4)) == 0,
              "codeword values differ");
    CHECK(memcmp(tw->cw_paths, ref->codeword_paths, paths * sizeof(swirl_digest)) == 0);
    CHECK_MSG(memcmp(tw->final_poly, ref->final_poly, ref->n_final * sizeof(bb31x4)) == 0,
              "final polynomials differ");
}

/* the twin's output in the device proof buffer (whir_dplan.h), as the device stage writes it;
 * the round-r query indices were recorded by twin_prove */
static void twin_pack(const wtwin *tw, const swirl_whir_dplan *pl, uint32_t *buf) {
    size_t R = tw->R, k = tw->k;
    buf[pl->o_mu_w] = bb31_to_u32(tw->mu_w);
    memcpy(buf + pl->o_polys, tw->polys, 2 * R * k * sizeof(bb31x4));
    for (size_t i = 0; i < R * k; i++)
        buf[pl->o_fold_w + i] = bb31_to_u32(tw->fold_w[i]);
    for (size_t r = 0; r < R; r++)
        buf[pl->o_query_w + r] = bb31_to_u32(tw->query_w[r]);
    memcpy(buf + pl->o_commits, tw->commits, (R - 1) * sizeof(swirl_digest));
    memcpy(buf + pl->o_ood, tw->ood, (R - 1) * sizeof(bb31x4));
    memcpy(buf + pl->o_final, tw->final_poly, pl->final_len * sizeof(bb31x4));
    memcpy(buf + pl->o_rows0, tw->rows0, pl->row_off[pl->n_commits] * sizeof(bb31));
    memcpy(buf + pl->o_paths0, tw->paths0,
           pl->n_commits * pl->q[0] * pl->depth[0] * sizeof(swirl_digest));
    memcpy(buf + pl->o_cw_vals, tw->cw_vals, pl->cw_vals * sizeof(bb31x4));
    memcpy(buf + pl->o_cw_paths, tw->cw_paths, pl->cw_paths * sizeof(swirl_digest));
}

static void check_fixture(const whir_fixture *f) {
    const swirl_system_params *p = &f->p;
    size_t nc = f->n_commits;
    swirl_transcript tc, tg, t0;
    wf_transcript(&tc);
    tg = tc;
    t0 = tc;
    swirl_whir_proof ref;
    CHECK_OK(swirl_whir_prove(NULL, &ref, &tc, p, wf_commits(f), nc, f->u));
    swirl_whir_dplan pl;
    CHECK_OK(swirl_whir_dplan_init(&pl, p, wf_commits(f), nc));
    wtwin tw;
    twin_alloc(&tw, p, &ref);
    tw.idx_buf = xmalloc(pl.words * sizeof(uint32_t));
    tw.dplan = &pl;
    twin_prove(&tw, &tg, p, wf_commits(f), nc, f->u);
    compare(&tw, &ref);
    CHECK_MSG(memcmp(&tc, &tg, sizeof tc) == 0, "final transcripts differ");
    /* the device proof buffer: packed as the device writes it, read back by the plan */
    uint32_t *buf = tw.idx_buf;
    twin_pack(&tw, &pl, buf);
    swirl_whir_proof got;
    CHECK_OK(swirl_whir_dplan_unpack(&pl, &got, buf));
    wf_same_proof(&ref, &got, "unpacked");
    wf_same_openings(&ref, &got, p, "unpacked");
    /* the host replay of the stage's transcript operations (a log's view) ends where the CPU
     * prover's transcript does */
    CHECK_OK(swirl_whir_dplan_replay(&pl, &t0, &got, buf));
    CHECK_MSG(memcmp(&t0, &tc, sizeof tc) == 0, "replayed transcript differs");
    /* a wrong index or witness is caught */
    swirl_transcript t1;
    wf_transcript(&t1);
    buf[pl.idx_off[0]] ^= 1;
    CHECK_STATUS(swirl_whir_dplan_replay(&pl, &t1, &got, buf), SWIRL_E_INTERNAL);
    buf[pl.o_query_w] = BB31_P;
    swirl_whir_proof bad;
    CHECK_STATUS(swirl_whir_dplan_unpack(&pl, &bad, buf), SWIRL_E_INTERNAL);
    swirl_whir_proof_clear(&got);
    twin_free(&tw);
    swirl_whir_proof_clear(&ref);
    swirl_whir_dplan_clear(&pl);
}

static void check_shape(int s) {
    whir_fixture f;
    wf_shape(&f, s);
    check_fixture(&f);
    wf_free(&f);
}

static void test_one_commit(void) {
    check_shape(0);
}

static void test_two_commits_k3(void) {
    check_shape(1);
}

static void test_single_round(void) {
    check_shape(2);
}

static void test_l_skip_zero(void) {
    check_shape(3);
}

/* the tiled passes (several passes, tiles of 1 .. 12 bits, the last pass narrower) equal the
 * steps bit by bit over the whole array, as the schedule before the tiles made them */
static void test_tiled_passes(void) {
    const uint32_t lg = 14, l_skip = 4;
    const uint64_t n = (uint64_t)1 << lg;
    bb31 *a = xmalloc(4 * n * sizeof *a), *ref = xmalloc(4 * n * sizeof *ref);
    bb31x4 *f = xmalloc(n * sizeof *f), *g = xmalloc(n * sizeof *g), *gr = xmalloc(n * sizeof *gr);
    uint32_t x = 12345u;
    for (uint64_t i = 0; i < 4 * n; i++) {
        x = x * 1664525u + 1013904223u;
        ref[i] = bb31_from_u32(x % BB31_P);
    }
    for (uint64_t i = 0; i < n; i++)
        for (int c = 0; c < 4; c++)
            f[i].c[c] = ref[(uint64_t)c * n + i];
    bb31 *orig = xmalloc(4 * n * sizeof *orig);
    memcpy(orig, ref, 4 * n * sizeof *ref);
    for (uint32_t bit = 0; bit < lg; bit++)
        for (int rep = 0; rep < (bit < l_skip ? 2 : 1); rep++)
            for (uint64_t t2 = 0; t2 < 2 * n; t2++)
                swirl_whir_c2e_pair(ref, n, bit, t2);
    memcpy(gr, f, n * sizeof *f);
    for (uint32_t bit = 0; ((uint64_t)1 << bit) < n; bit++)
        for (uint64_t y = 0; y < n / 2; y++)
            swirl_whir_e2c_pair(gr, bit, y);
    const uint32_t widths[] = {1, 3, 5, 10, 12};
    for (size_t wi = 0; wi < sizeof widths / sizeof widths[0]; wi++) {
        memcpy(a, orig, 4 * n * sizeof *a);
        twin_c2e_passes_w(a, 4 * n, lg, l_skip, widths[wi]);
        CHECK_MSG(memcmp(a, ref, 4 * n * sizeof *a) == 0, "c2e passes of %u bits", widths[wi]);
        memset(g, 0, n * sizeof *g);
        twin_e2c_passes_w(g, f, n, widths[wi]);
        CHECK_MSG(memcmp(g, gr, n * sizeof *g) == 0, "e2c passes of %u bits", widths[wi]);
    }
    /* one entry: the copy alone */
    memset(g, 0, sizeof *g);
    twin_e2c_passes(g, f, 1);
    CHECK(memcmp(g, f, sizeof *g) == 0);
    free(a);
    free(ref);
    free(orig);
    free(f);
    free(g);
    free(gr);
}

/* the block grind (lockstep strides of 256 lanes) gives swirl_transcript_grind's witness and
 * state for 0 .. 8 bits */
static void test_block_grind(void) {
    for (unsigned bits = 0; bits <= 8; bits++)
        for (int start = 0; start < 4; start++) {
            swirl_transcript a, b;
            wf_transcript(&a);
            for (int i = 0; i < start * 5 + (int)bits; i++)
                swirl_transcript_observe(&a, bb31_from_u32((uint32_t)(i * 7919 + 1)));
            b = a;
            bb31 wa, wb;
            CHECK_OK(swirl_transcript_grind(&a, &wa, bits));
            twin_block_grind(&b, &wb, bits);
            CHECK_MSG(bb31_eq(wa, wb), "block grind witness, %u bits", bits);
            CHECK_MSG(memcmp(a.state, b.state, sizeof a.state) == 0 &&
                          a.absorb_idx == b.absorb_idx && a.sample_idx == b.sample_idx,
                      "block grind state, %u bits", bits);
        }
}

/* the plan refuses what swirl_whir_prove refuses */
static void test_plan_errors(void) {
    for (int s = 0; s < WF_SHAPES; s++) {
        whir_fixture f;
        wf_shape(&f, s);
        swirl_whir_dplan pl;
        CHECK_STATUS(swirl_whir_dplan_init(&pl, &f.p, wf_commits(&f), 0), SWIRL_E_INVALID_ARG);
        swirl_whir_dplan_clear(&pl);
        swirl_system_params p = f.p;
        p.n_stack += 1; /* the commits are one bit shorter */
        CHECK_STATUS(swirl_whir_dplan_init(&pl, &p, wf_commits(&f), f.n_commits),
                     SWIRL_E_INVALID_ARG);
        swirl_whir_dplan_clear(&pl);
        const swirl_stacked_pcs_data *none[1] = {NULL};
        CHECK_STATUS(swirl_whir_dplan_init(&pl, &f.p, none, 1), SWIRL_E_INVALID_ARG);
        swirl_whir_dplan_clear(&pl);
        wf_free(&f);
    }
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_one_commit),
    SWIRL_TEST(test_two_commits_k3),
    SWIRL_TEST(test_single_round),
    SWIRL_TEST(test_l_skip_zero),
    SWIRL_TEST(test_plan_errors),
    SWIRL_TEST(test_tiled_passes),
    SWIRL_TEST(test_block_grind),
};

int main(int argc, char **argv) {
    return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
}
