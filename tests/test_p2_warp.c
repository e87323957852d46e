/* The warp Poseidon2 (hash/poseidon2_warp.h) and the warp-mode transcript (transcript_impl.h with
 * swirl_ts_tables.warp) on the host: 32 threads stand for the lanes of a warp, the same code the
 * device runs, with every lane exchange (a shuffle of width 16) and every __syncwarp emulated by
 * a barrier of the 32 threads. Compared with the one-thread permutation and transcript. Every
 * barrier checks that all lanes reached it from the same site (divergence fails at once). */
#define _POSIX_C_SOURCE 200809L /* pthread_barrier_t */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* the lane emulation: each thread knows its lane; an exchange publishes the value, waits for
 * every lane, reads the source's, and waits again before the slots are reused */
#define EMU_LANES 32u
static pthread_barrier_t g_bar;
static uint32_t g_slot[EMU_LANES];
static _Thread_local unsigned t_lane;

/* A barrier of the lanes at `site` (the hook's line, times 2, plus 1 for an exchange; 0: the end
 * of the lane's work). On the device every lane must run the same shuffle or __syncwarp (uniform
 * control flow); a lane at another site here would pair barriers of different calls (wrong
 * values, or a hang at the end), so it fails at once. The sites are kept by the barrier count's
 * parity: no lane passes barrier k + 1 before every lane has checked barrier k. */
static unsigned g_site[2][EMU_LANES];
static _Thread_local unsigned t_nbar;

static void emu_barrier(unsigned site) {
    unsigned par = t_nbar++ & 1u;
    g_site[par][t_lane] = site;
    pthread_barrier_wait(&g_bar);
    for (unsigned l = 0; l < EMU_LANES; l++)
        if (g_site[par][l] != site) {
            fprintf(stderr,
                    "lanes diverged: lane %u at site %u, lane %u at site %u (a hook's "
                    "line, times 2, plus 1 for an exchange; 0: the end)\n",
                    t_lane, site, l, g_site[par][l]);
            abort();
        }
}

static uint32_t emu_exchange(uint32_t v, unsigned src, unsigned line) {
    g_slot[t_lane] = v;
    emu_barrier(2 * line + 1);
    uint32_t r = g_slot[(t_lane & 16u) | (src & 15u)];
    emu_barrier(2 * line + 1);
    return r;
}
static void emu_sync(unsigned line) {
    emu_barrier(2 * line);
}

#define SWIRL_P2W_SHFL(v, src) emu_exchange((v), (src), __LINE__)
#define SWIRL_P2W_XOR(v, m) emu_exchange((v), (t_lane & 15u) ^ (m), __LINE__)
#define SWIRL_TS_LANE() t_lane
#define SWIRL_TS_WARP_SYNC() emu_sync(__LINE__)

#include "device/gkr_impl.h"
#include "device/sr_impl.h"
#include "device/whir_impl.h"
#include "hash/poseidon2_warp.h"
#include "transcript/transcript.h"
#include "transcript/transcript_impl.h"

static const uint32_t g_ext_init[64] = P2_BB16_RC_EXT_INITIAL_MONT;
static const uint32_t g_ext_final[64] = P2_BB16_RC_EXT_FINAL_MONT;
static const uint32_t g_internal[13] = P2_BB16_RC_INTERNAL_MONT;
static const p2_bb16_lane_tables g_lane = P2_BB16_LANE_TABLES_INIT;
static const swirl_ts_tables g_tb1 = {g_ext_init, g_ext_final, g_internal, 0, NULL};
static const swirl_ts_tables g_tbw = {g_ext_init, g_ext_final, g_internal, 1, &g_lane};

/* runs fn(lane, arg) on EMU_LANES threads at once */
typedef struct emu_job {
    void (*fn)(unsigned lane, void *arg);
    void *arg;
    unsigned lane;
} emu_job;

static void *emu_thread(void *p) {
    emu_job *j = (emu_job *)p;
    t_lane = j->lane;
    t_nbar = 0;
    j->fn(j->lane, j->arg);
    emu_barrier(0); /* every lane ends here, none at a barrier of the work */
    return NULL;
}

static void emu_run(void (*fn)(unsigned, void *), void *arg) {
    pthread_t th[EMU_LANES];
    emu_job jobs[EMU_LANES];
    CHECK(pthread_barrier_init(&g_bar, NULL, EMU_LANES) == 0);
    for (unsigned l = 0; l < EMU_LANES; l++) {
        jobs[l].fn = fn;
        jobs[l].arg = arg;
        jobs[l].lane = l;
        CHECK(pthread_create(&th[l], NULL, emu_thread, &jobs[l]) == 0);
    }
    for (unsigned l = 0; l < EMU_LANES; l++)
        pthread_join(th[l], NULL);
    pthread_barrier_destroy(&g_bar);
}

/* ---------------------------------------------------------------------------------------------
 * The permutation: NPERM states (edges and random canonical Montgomery values), each lane
 * permutes its element of every state in turn. */
#define NPERM 24
typedef struct perm_case {
    uint32_t in[NPERM][16];
    uint32_t out[NPERM][EMU_LANES];
} perm_case;

static void perm_lane(unsigned lane, void *arg) {
    perm_case *c = (perm_case *)arg;
    for (int k = 0; k < NPERM; k++)
        c->out[k][lane] = p2_bb16_permute_lane(c->in[k][lane & 15u], lane, &g_lane);
}

static void test_permute_lane(void) {
    static perm_case c;
    static const uint32_t edges[] = {0u, 1u, BB31_P - 1u, BB31_P - 2u, 0x7ffffffu, 0x8000000u};
    for (int k = 0; k < NPERM; k++)
        for (int i = 0; i < 16; i++)
            c.in[k][i] = k < 6 ? edges[(k + i) % 6] : swirl_test_rand32() % BB31_P;
    emu_run(perm_lane, &c);
    for (int k = 0; k < NPERM; k++) {
        bb31 ref[16];
        for (int i = 0; i < 16; i++)
            ref[i].v = c.in[k][i];
        p2_bb16_permute_tables(ref, g_ext_init, g_ext_final, g_internal);
        for (unsigned l = 0; l < EMU_LANES; l++)
            CHECK_MSG(c.out[k][l] == ref[l & 15u].v, "state %d lane %u: %08x, expected %08x", k, l,
                      c.out[k][l], ref[l & 15u].v);
    }
}

/* ---------------------------------------------------------------------------------------------
 * The transcript: one script of observe / sample / ext / digest / sample_bits / check_witness
 * calls on a shared transcript in warp mode (the lead writes the outputs) against the same script
 * on the one-thread transcript. */
#define NOUT 256
typedef struct ts_case {
    swirl_transcript t; /* the warp's (shared) transcript */
    uint32_t out[NOUT];
    unsigned n_out;
} ts_case;

/* the script; tb decides the mode, out/n written by the lead */
static void ts_script(swirl_transcript *t, const swirl_ts_tables *tb, uint32_t *out, unsigned *n) {
    unsigned k = 0;
#define PUT(v)                                                                                     \
    do {                                                                                           \
        uint32_t put_v_ = (v);                                                                     \
        if (swirl_ts_lead(tb))                                                                     \
            out[k] = put_v_;                                                                       \
        k++;                                                                                       \
    } while (0)
    for (uint32_t i = 0; i < 5; i++)
        swirl_ts_observe(t, bb31_from_u32(1000 + i), tb);
    PUT(bb31_to_u32(swirl_ts_sample(t, tb)));
    for (int r = 0; r < 11; r++) /* past RATE: the outputs are used up and re-squeezed */
        PUT(bb31_to_u32(swirl_ts_sample(t, tb)));
    for (uint32_t i = 0; i < 21; i++) /* several full absorptions */
        swirl_ts_observe(t, bb31_from_u32(BB31_P - 1 - 7 * i), tb);
    bb31x4 e = swirl_ts_sample_ext(t, tb);
    for (int c = 0; c < 4; c++)
        PUT(bb31_to_u32(e.c[c]));
    swirl_ts_observe_ext(t, e, tb);
    swirl_digest d;
    for (int i = 0; i < P2_DIGEST_LEN; i++)
        d.v[i] = bb31_from_u32(77u * (uint32_t)i + 5u);
    swirl_ts_observe_digest(t, &d, tb);
    for (unsigned bits = 1; bits < 31; bits += 7)
        PUT(swirl_ts_sample_bits(t, bits, tb));
    PUT((uint32_t)swirl_ts_check_witness(t, 0, bb31_from_u32(3), tb));
    PUT((uint32_t)swirl_ts_check_witness(t, 2, bb31_from_u32(3), tb));
    PUT((uint32_t)swirl_ts_pow_candidate_ok(t, 3, bb31_from_u32(12345), tb));
    for (uint32_t i = 0; i < 8; i++) /* exactly RATE: the permutation comes from observe */
        swirl_ts_observe(t, bb31_from_u32(i * i), tb);
    PUT(bb31_to_u32(swirl_ts_sample(t, tb)));
#undef PUT
    *n = k;
}

static void ts_lane(unsigned lane, void *arg) {
    ts_case *c = (ts_case *)arg;
    unsigned n = 0;
    ts_script(&c->t, &g_tbw, c->out, &n);
    if (lane == 0)
        c->n_out = n;
}

static void test_transcript_warp(void) {
    static ts_case c;
    swirl_transcript ref;
    swirl_transcript_init(&ref);
    swirl_transcript_init(&c.t);
    /* a non-trivial start: a few values absorbed */
    for (uint32_t i = 0; i < 3; i++) {
        swirl_transcript_observe(&ref, bb31_from_u32(i + 9));
        swirl_transcript_observe(&c.t, bb31_from_u32(i + 9));
    }
    uint32_t out[NOUT];
    unsigned n = 0;
    ts_script(&ref, &g_tb1, out, &n);
    emu_run(ts_lane, &c);
    CHECK(c.n_out == n);
    CHECK(n <= NOUT);
    for (unsigned i = 0; i < n; i++)
        CHECK_MSG(c.out[i] == out[i], "output %u: %08x, expected %08x", i, c.out[i], out[i]);
    CHECK(memcmp(c.t.state, ref.state, sizeof ref.state) == 0);
    CHECK(c.t.absorb_idx == ref.absorb_idx && c.t.sample_idx == ref.sample_idx);
    CHECK(c.t.last_op_perm == ref.last_op_perm);
}

/* ---------------------------------------------------------------------------------------------
 * Control steps of the device stages in warp mode (the lead writes their outputs): WHIR, the
 * stacked reduction and GKR steps, against the same steps on one thread. */
typedef struct ctl_case {
    swirl_transcript t;
    swirl_whir_ctl wh;
    swirl_sr_ctl sr;
    swirl_gkr_ctl gk;
    bb31x4 polys[8], final_poly[4], proof[64], gproof[256];
} ctl_case;

static bb31x4 x4_of(uint32_t a) {
    bb31x4 v;
    for (int c = 0; c < 4; c++)
        v.c[c] = bb31_from_u32(a * 31u + (uint32_t)c);
    return v;
}

static void ctl_steps(ctl_case *c, const swirl_ts_tables *tb) {
    bb31x4 s[3] = {x4_of(1), x4_of(2), x4_of(3)}, g[4] = {x4_of(4), x4_of(5), x4_of(6), x4_of(7)};
    swirl_digest root;
    for (int i = 0; i < P2_DIGEST_LEN; i++)
        root.v[i] = bb31_from_u32(400u + (uint32_t)i);
    swirl_whir_seq_mu(&c->t, &c->wh, tb);
    swirl_whir_seq_sumcheck(&c->t, c->polys, 1, s, tb);
    swirl_whir_seq_alpha(&c->t, &c->wh, tb);
    swirl_whir_seq_commit(&c->t, &c->wh, &root, tb);
    swirl_whir_seq_ood(&c->t, s[2], tb);
    swirl_whir_seq_queries(&c->t, &c->wh, 9, 12, tb);
    swirl_whir_seq_gamma(&c->t, &c->wh, 9, bb31_from_u32(31), tb);
    swirl_whir_seq_final(&c->t, c->final_poly, g, 4, tb);
    swirl_sr_params pr;
    memset(&pr, 0, sizeof pr);
    pr.P = 5;
    pr.off_u = 20;
    pr.off_rounds = 30;
    pr.off_open = 40;
    pr.wtot = 3;
    for (int i = 0; i < 4; i++)
        c->proof[i] = x4_of(10u + (uint32_t)i);
    swirl_sr_seq_lambda(&c->t, &c->sr, tb);
    swirl_sr_seq_round0(&c->t, c->proof, &c->sr, &pr, tb);
    swirl_sr_seq_round(&c->t, c->proof, &c->sr, &pr, 1, s, tb);
    swirl_sr_seq_openings(&c->t, c->proof, g, &pr, tb);
    unsigned n = 4;
    bb31x4 l1p[2] = {x4_of(20), x4_of(21)}, l1q[2] = {x4_of(22), x4_of(23)};
    bb31x4 folded[5] = {x4_of(30), x4_of(31), x4_of(32), x4_of(33), x4_of(34)};
    swirl_gkr_seq_root(&c->t, c->gproof, &c->gk, n, x4_of(24), x4_of(25), l1p, l1q, tb);
    swirl_gkr_seq_subround(&c->t, c->gproof, &c->gk, n, 1, 0, s, tb);
    swirl_gkr_seq_claims(&c->t, c->gproof, &c->gk, n, 1, folded, tb);
}

static void ctl_lane(unsigned lane, void *arg) {
    (void)lane;
    ctl_steps((ctl_case *)arg, &g_tbw);
}

static void test_control_steps_warp(void) {
    static ctl_case a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    swirl_transcript_init(&a.t);
    swirl_transcript_init(&b.t);
    ctl_steps(&a, &g_tb1);
    emu_run(ctl_lane, &b);
    CHECK(memcmp(a.t.state, b.t.state, sizeof a.t.state) == 0);
    CHECK(a.t.absorb_idx == b.t.absorb_idx && a.t.sample_idx == b.t.sample_idx);
    CHECK(memcmp(&a.wh, &b.wh, sizeof a.wh) == 0);
    CHECK(memcmp(&a.sr, &b.sr, sizeof a.sr) == 0);
    CHECK(memcmp(&a.gk, &b.gk, sizeof a.gk) == 0);
    CHECK(memcmp(a.polys, b.polys, sizeof a.polys) == 0);
    CHECK(memcmp(a.final_poly, b.final_poly, sizeof a.final_poly) == 0);
    CHECK(memcmp(a.proof, b.proof, sizeof a.proof) == 0);
    CHECK(memcmp(a.gproof, b.gproof, sizeof a.gproof) == 0);
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_permute_lane),
    SWIRL_TEST(test_transcript_warp),
    SWIRL_TEST(test_control_steps_warp),
};

int main(int argc, char **argv) {
    return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
}
