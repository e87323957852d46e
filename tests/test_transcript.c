/* The duplex-sponge transcript: known-answer sequences, extension/digest observation order,
 * sample_bits, proof-of-work grinding and witness checks. */
#define _POSIX_C_SOURCE 199309L /* nanosleep */
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "transcript/transcript.h"
#include "transcript/ts_async.h"
#include "vectors/duplex_sponge_kat.h"
#include "vectors/poseidon2_kat.h"

static void test_sponge_kat(void) {
    size_t ncases = sizeof kat_sponge_cases / sizeof kat_sponge_cases[0];
    CHECK(ncases == 3);
    for (size_t c = 0; c < ncases; c++) {
        swirl_transcript t;
        swirl_transcript_init(&t);
        const struct kat_sponge_case *kc = &kat_sponge_cases[c];
        for (unsigned i = 0; i < kc->n; i++) {
            if (kc->ops[i].op == 'o') {
                swirl_transcript_observe(&t, bb31_from_u32(kc->ops[i].value));
            } else {
                uint32_t got = bb31_to_u32(swirl_transcript_sample(&t));
                CHECK_MSG(got == kc->ops[i].value, "%s op %u: got %u want %u", kc->name, i, got,
                          kc->ops[i].value);
            }
        }
    }
}

static void test_fresh_samples_are_zero_state_permutation(void) {
    swirl_transcript t;
    swirl_transcript_init(&t);
    /* a fresh sponge permutes the zero state and hands out lanes 7, 6, ..., 0 */
    for (int i = 7; i >= 0; i--)
        CHECK(bb31_to_u32(swirl_transcript_sample(&t)) == kat_p2_out[1][i]);
}

static void test_ext_and_digest_order(void) {
    swirl_transcript a, b;
    swirl_transcript_init(&a);
    swirl_transcript_init(&b);
    bb31x4 e;
    swirl_digest d;
    for (int i = 0; i < 4; i++)
        e.c[i] = bb31_from_u32(swirl_test_rand32());
    for (int i = 0; i < 8; i++)
        d.v[i] = bb31_from_u32(swirl_test_rand32());
    swirl_transcript_observe_ext(&a, e);
    swirl_transcript_observe_digest(&a, &d);
    for (int i = 0; i < 4; i++)
        swirl_transcript_observe(&b, e.c[i]);
    for (int i = 0; i < 8; i++)
        swirl_transcript_observe(&b, d.v[i]);
    CHECK(memcmp(&a, &b, sizeof a) == 0);
    bb31x4 s = swirl_transcript_sample_ext(&a);
    for (int i = 0; i < 4; i++)
        CHECK(bb31_eq(s.c[i], swirl_transcript_sample(&b)));
}

static void test_sample_bits(void) {
    swirl_transcript a, b;
    swirl_transcript_init(&a);
    swirl_transcript_observe(&a, bb31_from_u32(7));
    b = a;
    for (unsigned bits = 1; bits < 31; bits++) {
        uint32_t full = bb31_to_u32(swirl_transcript_sample(&b));
        CHECK(swirl_transcript_sample_bits(&a, bits) == (full & ((1u << bits) - 1)));
    }
}

static void test_grind(void) {
    static const unsigned bit_list[] = {0, 1, 8, 14};
    for (size_t k = 0; k < sizeof bit_list / sizeof bit_list[0]; k++) {
        unsigned bits = bit_list[k];
        swirl_transcript p;
        swirl_transcript_init(&p);
        swirl_transcript_observe(&p, bb31_from_u32(1234 + bits));
        swirl_transcript v = p, before = p;
        bb31 w;
        CHECK_OK(swirl_transcript_grind(&p, &w, bits));
        CHECK(swirl_transcript_check_witness(&v, bits, w));
        CHECK(bb31_eq(swirl_transcript_sample(&p), swirl_transcript_sample(&v)));
        if (bits == 0) {
            CHECK(bb31_is_zero(w));
            continue;
        }
        /* smallest witness: every smaller candidate fails */
        uint32_t wc = bb31_to_u32(w);
        for (uint32_t c = 0; c < wc && c < 4096; c++) {
            swirl_transcript tmp = before;
            CHECK(!swirl_transcript_check_witness(&tmp, bits, bb31_from_u32(c)));
        }
        /* single-thread search gives the same witness */
        int nt = omp_get_max_threads();
        omp_set_num_threads(1);
        swirl_transcript q = before;
        bb31 w1;
        CHECK_OK(swirl_transcript_grind(&q, &w1, bits));
        omp_set_num_threads(nt);
        CHECK(bb31_eq(w, w1));
    }
    /* a witness that falls short: for 14 bits, find some candidate that fails and check it is
     * refused */
    swirl_transcript base;
    swirl_transcript_init(&base);
    int refused = 0;
    for (uint32_t c = 0; c < 64; c++) {
        swirl_transcript tmp = base;
        if (!swirl_transcript_check_witness(&tmp, 14, bb31_from_u32(c)))
            refused++;
    }
    CHECK(refused >= 60); /* probability of acceptance is 2^-14 each */
}

static void test_grind_bad_args(void) {
    swirl_transcript t;
    swirl_transcript_init(&t);
    bb31 w;
    CHECK_STATUS(swirl_transcript_grind(&t, &w, 31), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_transcript_grind(&t, NULL, 3), SWIRL_E_INVALID_ARG);
    CHECK_STATUS(swirl_transcript_grind(NULL, &w, 3), SWIRL_E_INVALID_ARG);
}

/* a PoW accelerator: the one attached finds the witness; the transcript applies and checks it */
static int g_grinder_calls;
static uint32_t g_grinder_offset; /* 0: the smallest witness; else that much above it */
static enum swirl_status fake_grinder(void *ctx, const swirl_transcript *t, unsigned bits,
                                      bb31 *witness) {
    g_grinder_calls++;
    if (ctx != NULL)
        return SWIRL_RAISE(SWIRL_E_CUDA, "fake device failure");
    swirl_transcript plain = *t;
    plain.grinder = NULL;
    plain.log = NULL;
    bb31 w;
    SWIRL_TRY(swirl_transcript_grind(&plain, &w, bits));
    *witness = bb31_from_u32(bb31_to_u32(w) + g_grinder_offset);
    return SWIRL_OK;
}

static void test_grinder(void) {
    swirl_transcript a, b;
    swirl_transcript_init(&a);
    swirl_transcript_observe(&a, bb31_from_u32(42));
    b = a;
    swirl_transcript_set_grinder(&b, fake_grinder, NULL);
    bb31 wa, wb;
    g_grinder_calls = 0;
    g_grinder_offset = 0;
    CHECK_OK(swirl_transcript_grind(&a, &wa, 9));
    CHECK_OK(swirl_transcript_grind(&b, &wb, 9));
    CHECK(g_grinder_calls == 1 && bb31_eq(wa, wb));
    CHECK(memcmp(a.state, b.state, sizeof a.state) == 0 && a.absorb_idx == b.absorb_idx &&
          a.sample_idx == b.sample_idx);
    /* 0 bits: no search at all */
    CHECK_OK(swirl_transcript_grind(&b, &wb, 0));
    CHECK(g_grinder_calls == 1 && bb31_is_zero(wb));
    /* a witness that fails the check is an internal error, never accepted: the grinder answers
     * the smallest witness plus k, for the first k >= 1 whose candidate fails */
    swirl_transcript c = b, probe = b;
    probe.grinder = NULL;
    bb31 ws;
    CHECK_OK(swirl_transcript_grind(&probe, &ws, 12));
    uint32_t k = 1;
    for (;; k++) {
        swirl_transcript copy = b;
        copy.grinder = NULL;
        if (!swirl_transcript_check_witness(&copy, 12, bb31_from_u32(bb31_to_u32(ws) + k)))
            break;
    }
    g_grinder_offset = k;
    CHECK_STATUS(swirl_transcript_grind(&c, &wb, 12), SWIRL_E_INTERNAL);
    CHECK(strstr(swirl_last_error(), "does not pass") != NULL);
    /* the accelerator's own error comes back as it is */
    swirl_transcript_set_grinder(&c, fake_grinder, &c);
    CHECK_STATUS(swirl_transcript_grind(&c, &wb, 5), SWIRL_E_CUDA);
    CHECK(strstr(swirl_last_error(), "fake device failure") != NULL);
    g_grinder_offset = 0;
}

/* every field of two transcripts but the log (no memcmp of the struct: its padding is not a
 * field); the caller checks the log pointers */
static int ts_same(const swirl_transcript *a, const swirl_transcript *b) {
    return memcmp(a->state, b->state, sizeof a->state) == 0 && a->absorb_idx == b->absorb_idx &&
           a->sample_idx == b->sample_idx && a->last_op_perm == b->last_op_perm &&
           a->grinder == b->grinder && a->grinder_ctx == b->grinder_ctx;
}
static int log_same(const swirl_transcript_log *a, const swirl_transcript_log *b) {
    return a->n_values == b->n_values && a->n_perms == b->n_perms && a->failed == b->failed &&
           (a->n_values == 0 ||
            (memcmp(a->values, b->values, a->n_values * sizeof *a->values) == 0 &&
             memcmp(a->is_sample, b->is_sample, a->n_values) == 0)) &&
           (a->n_perms == 0 ||
            memcmp(a->perms, b->perms, a->n_perms * P2_WIDTH * sizeof *a->perms) == 0);
}

/* The worker-thread observation (ts_async.h) ends in the state of the same values observed in
 * order here, whatever the caller does meanwhile; an empty run and a clear without a join are
 * fine; a second start replaces the first after joining it. */
static void test_async_observe(void) {
    enum { N = 3000 };
    for (int rep = 0; rep < 4; rep++) {
        swirl_transcript a, b;
        swirl_transcript_init(&a);
        swirl_transcript_observe(&a, bb31_from_u32(7u + (uint32_t)rep)); /* a part-filled rate */
        b = a;
        bb31x4 *v = (bb31x4 *)malloc(N * sizeof *v);
        CHECK(v);
        for (size_t i = 0; i < N; i++)
            for (int e = 0; e < 4; e++)
                v[i].c[e] = bb31_from_u32(swirl_test_rand32() % BB31_P);
        for (size_t i = 0; i < N; i++)
            swirl_transcript_observe_ext(&b, v[i]);
        swirl_ts_async job;
        memset(&job, 0, sizeof job);
        CHECK(!swirl_ts_async_started(&job));
        if (rep >= 2) { /* a warm worker: cancelled once, then the one that takes the values */
            swirl_ts_async_prestart(&job);
            CHECK(!swirl_ts_async_started(&job));
            swirl_ts_async_clear(&job); /* no values came: it ends */
            CHECK(!job.running && !swirl_ts_async_started(&job));
            swirl_ts_async_prestart(&job);
            CHECK(job.running && job.warm); /* a thread starts on this host */
            /* it waits 2 ms (spinning) or, rep 3, 80 ms (past 50 ms it naps between looks)
             * before its values come */
            struct timespec nap = {0, rep == 2 ? 2000000 : 80000000};
            nanosleep(&nap, NULL);
        }
        swirl_ts_async_start(&job, &a, v, N);
        CHECK(swirl_ts_async_started(&job));
        swirl_ts_async_join(&job);
        swirl_ts_async_join(&job); /* idempotent */
        CHECK(ts_same(&a, &b) && a.log == NULL);
        CHECK(bb31_eq(swirl_transcript_sample(&a), swirl_transcript_sample(&b)));
        if (rep == 1) { /* restart without an explicit join: the first run ends first */
            bb31x4 *w = (bb31x4 *)malloc(2 * sizeof *w);
            CHECK(w);
            w[0] = w[1] = bb31x4_zero();
            swirl_ts_async_start(&job, &a, w, 2);
            swirl_transcript_observe_ext(&b, w[0]);
            swirl_transcript_observe_ext(&b, w[1]);
            swirl_ts_async_join(&job);
            CHECK(memcmp(a.state, b.state, sizeof a.state) == 0);
        }
        swirl_ts_async_clear(&job); /* frees the values */
        CHECK(!swirl_ts_async_started(&job));
    }
    swirl_transcript t, u;
    swirl_transcript_init(&t);
    u = t;
    swirl_ts_async job;
    memset(&job, 0, sizeof job);
    swirl_ts_async_start(&job, &t, NULL, 0); /* nothing to observe */
    swirl_ts_async_clear(&job);
    CHECK(memcmp(t.state, u.state, sizeof t.state) == 0 && t.absorb_idx == u.absorb_idx);
}

/* swirl_transcript_observe_ext_many leaves every field (and an attached log) as n calls of
 * swirl_transcript_observe_ext, for n = 0, 1, 2, 3, 7, 64, 1000 and random n, from states with
 * every absorb_idx (0..7 base elements pending), after samples (sample_idx below RATE, with and
 * without values observed after them) and fresh; then the next samples agree too. */
static void test_observe_ext_many(void) {
    enum { NMAX = 1000 };
    bb31x4 *v = (bb31x4 *)malloc(NMAX * sizeof *v);
    CHECK(v);
    static const size_t fixed[] = {0, 1, 2, 3, 7, 64, 1000};
    const size_t nfixed = sizeof fixed / sizeof fixed[0];
    for (int logged = 0; logged < 2; logged++)
        for (unsigned pre = 0; pre < 12; pre++) /* observed base elements first: absorb_idx pre % 8 */
            for (unsigned samples = 0; samples < 3; samples++)
                for (size_t k = 0; k < nfixed + 4; k++) {
                    size_t n = k < nfixed ? fixed[k] : swirl_test_rand32() % 300;
                    for (size_t i = 0; i < n; i++)
                        for (int e = 0; e < 4; e++)
                            v[i].c[e] = bb31_from_u32(swirl_test_rand32() % BB31_P);
                    swirl_transcript a, b;
                    swirl_transcript_log la, lb;
                    swirl_transcript_log_init(&la);
                    swirl_transcript_log_init(&lb);
                    swirl_transcript_init(&a);
                    swirl_transcript_init(&b);
                    if (logged) {
                        swirl_transcript_set_log(&a, &la);
                        swirl_transcript_set_log(&b, &lb);
                    }
                    /* the same history on both: samples, then `pre` values (or the reverse) */
                    for (int t = 0; t < 2; t++) {
                        swirl_transcript *x = t ? &b : &a;
                        if (pre & 1)
                            for (unsigned i = 0; i < samples; i++)
                                (void)swirl_transcript_sample(x);
                        for (unsigned i = 0; i < pre; i++)
                            swirl_transcript_observe(x, bb31_from_u32(1000u + i));
                        if (!(pre & 1))
                            for (unsigned i = 0; i < samples; i++)
                                (void)swirl_transcript_sample(x);
                    }
                    swirl_transcript_observe_ext_many(&a, v, n);
                    for (size_t i = 0; i < n; i++)
                        swirl_transcript_observe_ext(&b, v[i]);
                    CHECK_MSG(ts_same(&a, &b), "logged %d pre %u samples %u n %zu", logged, pre,
                              samples, n);
                    CHECK(logged ? a.log == &la && b.log == &lb && log_same(&la, &lb)
                                 : a.log == NULL && b.log == NULL);
                    for (int i = 0; i < 9; i++)
                        CHECK(bb31_eq(swirl_transcript_sample(&a), swirl_transcript_sample(&b)));
                    CHECK(ts_same(&a, &b));
                    CHECK(!logged || log_same(&la, &lb));
                    swirl_transcript_log_clear(&la);
                    swirl_transcript_log_clear(&lb);
                }
    free(v);
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_sponge_kat),
    SWIRL_TEST(test_fresh_samples_are_zero_state_permutation),
    SWIRL_TEST(test_ext_and_digest_order),
    SWIRL_TEST(test_sample_bits),
    SWIRL_TEST(test_grind),
    SWIRL_TEST(test_grind_bad_args),
    SWIRL_TEST(test_grinder),
    SWIRL_TEST(test_async_observe),
    SWIRL_TEST(test_observe_ext_many),
};

int main(int argc, char **argv) {
    return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
}
