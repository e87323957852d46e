/* Host-allocation fault injection (util/alloc.h). Three small but complete sequences:
 *
 *  1. the proof: AIR builders and compilation, traces, keygen of four AIRs (fib, a LogUp bus
 *     sender and receiver so the GKR runs, OpenVM's PreprocessedCachedAir with a preprocessed
 *     trace and a cached partition), prove recording the transcript, verify, the transcript log
 *     written as .npy files and read back, proof and key encode / decode, the decoded proof
 *     verified against the decoded key;
 *  2. the files: the fib and bus AIRs saved as a system directory and loaded back, keyed, an AIR
 *     through its JSON DAG, a proof through its JSON, the debug checkers, KeccakAir's builder,
 *     input parser and trace generation;
 *  3. the public API (swirl_prover.h, swirl_system.h, swirl_inspect.h): context, keys,
 *     check_traces, prove, verify, bytes, JSON text, proof summary, system directories;
 *
 * each first run once to count its allocations, then once for every N from 1 to that count with
 * the N-th allocation failing. Each run checks that:
 *
 *  - the call during which the N-th allocation was made returns SWIRL_E_NOMEM (never another
 *    status, and no earlier call fails; the one exception by design: swirl_flow_prove does not
 *    fail when its transcript log runs out of memory, the log's write reports it), or, where the
 *    code has a fallback for that allocation, the whole sequence succeeds with the same bytes;
 *  - nothing is left allocated: in glibc builds without sanitizers the heap's bytes in use
 *    (mallinfo2, with glibc's per-thread cache off) are the same before and after the run; under
 *    ASan (CI runs this test with ASAN_OPTIONS=detect_leaks=1) LeakSanitizer reports any leak at
 *    exit;
 *  - nothing crashes, and no run hangs (an OpenMP region where one thread's allocation fails must
 *    not leave the others waiting at a barrier): a run that takes more than HANG_SECONDS aborts
 *    the test naming N.
 *
 * The sequences make about 1150, 480 and 950 allocations, so every N is run (no stride): a few
 * seconds in a release build, a few minutes under ASan. The OpenMP team has at least two threads
 * so the per-thread buffers of parallel regions are exercised. SWIRL_FAULT_MAX_N=K stops each
 * sequence after N = K, SWIRL_FAULT_VERBOSE=1 names the runs that tolerated their failure (both
 * for debugging).
 *
 * Out of scope: allocations inside jansson (JSON objects and text are jansson's; they are not
 * counted or injected), and device memory:
 * The device side (arena / cudaMalloc failures, failing kernel launches in the CUDA backend's
 * stages) is tests/test_gpu_fault.c (swirl_cuda_fault_alloc_at / swirl_cuda_fault_launch_at);
 * it needs a CUDA device.
 */
#define _XOPEN_SOURCE 700 /* setenv, mkdtemp, nftw */
#include <ftw.h>
#include <omp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "air/air_json.h"
#include "air/keccak_air.h"
#include "air/keccak_trace.h"
#include "air/test_airs.h"
#include "fixtures.h"
#include "harness.h"
#include "protocol/codec_proof.h"
#include "protocol/proof_json.h"
#include "protocol/system.h"
#include "protocol/vk_codec.h"
#include "prover/prove.h"
#include "transcript/log_npy.h"
#include "swirl/swirl_inspect.h"
#include "swirl/swirl_prover.h"
#include "swirl/swirl_system.h"
#include "util/alloc.h"

#if defined(__SANITIZE_ADDRESS__)
#define FAULT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FAULT_ASAN 1
#endif
#endif

enum { HF = 2, HP = 16, HANG_SECONDS = 120 };

/* What one run of the sequence did. */
typedef struct outcome {
    enum swirl_status st; /* the first failing call's status (SWIRL_OK: none failed) */
    const char *step;     /* that call */
    uint64_t before;      /* swirl_alloc_count() before that call */
    int deferred;         /* that call reports an earlier call's failure (a transcript log) */
    uint8_t *proof;       /* the proof's bytes when the sequence got that far (owned) */
    size_t proof_len;
} outcome;

/* Runs `expr` as step `name`: on failure records it and ends the sequence. */
#define STEP(name, expr)                                                                           \
    do {                                                                                           \
        o->step = (name);                                                                          \
        o->before = swirl_alloc_count();                                                           \
        o->st = (expr);                                                                            \
        if (o->st != SWIRL_OK)                                                                     \
            goto done;                                                                             \
    } while (0)

static enum swirl_status compile(swirl_air **out, swirl_air_builder *b) {
    enum swirl_status st = swirl_air_compile(out, b, 3);
    swirl_air_builder_destroy(b);
    return st;
}

/* The scratch directory of a run (made and removed around it). */
static char g_dir[64];

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void scratch_make(void) {
    snprintf(g_dir, sizeof g_dir, "/tmp/swirl_fault_XXXXXX");
    CHECK(mkdtemp(g_dir) != NULL);
}

static void scratch_remove(void) {
    CHECK(nftw(g_dir, rm_one, 16, FTW_DEPTH | FTW_PHYS) == 0);
}

static void sub_path(char *out, size_t cap, const char *name) {
    snprintf(out, cap, "%s/%s", g_dir, name);
}

/* Sequence 1, the proof: builders, keygen with a preprocessed and cached AIR, prove (recording the
 * transcript), verify, the transcript log through .npy files, proof and key codecs. */
static void sequence(outcome *o) {
    memset(o, 0, sizeof *o);
    swirl_transcript_log log, log2;
    swirl_transcript_log_init(&log);
    swirl_transcript_log_init(&log2);
    char log_dir[128];
    sub_path(log_dir, sizeof log_dir, "log");
    swirl_air_builder *b = NULL;
    swirl_air *fib = NULL, *send = NULL, *recv = NULL, *pc = NULL;
    swirl_vk *vk = NULL, *vk2 = NULL;
    bb31 *fm = NULL;
    uint8_t *vkb = NULL;
    size_t vkb_len = 0;
    swirl_proof proof, proof2;
    memset(&proof, 0, sizeof proof);
    memset(&proof2, 0, sizeof proof2);

    STEP("fib_air_build", swirl_fib_air_build(&b));
    STEP("compile fib", compile(&fib, b));
    STEP("sender_build", swirl_dummy_interaction_air_build(&b, 1, 1, 3, 0));
    STEP("compile sender", compile(&send, b));
    STEP("receiver_build", swirl_dummy_interaction_air_build(&b, 1, 0, 3, 0));
    STEP("compile receiver", compile(&recv, b));
    STEP("preprocessed_cached_air_build", swirl_preprocessed_cached_air_build(&b, 1));
    STEP("compile preprocessed_cached", compile(&pc, b));
    STEP("fib_trace", swirl_fib_trace(&fm, 0, 1, HF));

    /* PreprocessedCachedAir's traces (the test's own memory): sel, common = row, cached =
     * common + sel */
    bb31 sel[HP], common[HP], cached[HP];
    for (size_t r = 0; r < HP; r++) {
        sel[r] = bb31_from_u32((uint32_t)((r % 3) == 0));
        common[r] = bb31_from_u32((uint32_t)r);
        cached[r] = bb31_add(common[r], sel[r]);
    }
    const bb31 *cptr[1] = {cached};
    bb31 sm[2 * SWIRL_FIX_HS], rm[2 * SWIRL_FIX_HR];
    swirl_fixture_bus_traces(sm, rm);
    bb31 pv[3] = {bb31_zero(), bb31_one(), fm[2 * HF - 1]};

    swirl_system_params p = swirl_fixture_small_params(2, 4, 31);
    swirl_keygen_air ka[4] = {
        {fib, NULL, 0, 1}, {send, NULL, 0, 1}, {recv, NULL, 0, 1}, {pc, sel, HP, 1}};
    STEP("keygen", swirl_keygen(&vk, &p, ka, 4));
    swirl_trace_input in[4] = {{fm, HF, pv, NULL},
                               {sm, SWIRL_FIX_HS, NULL, NULL},
                               {rm, SWIRL_FIX_HR, NULL, NULL},
                               {common, HP, NULL, cptr}};
    STEP("prove", swirl_flow_prove(&proof, vk, in, NULL, &log));
    STEP("verify", swirl_flow_verify(vk, &proof, NULL));
    /* swirl_prove does not fail when its transcript log runs out of memory (the log is a
     * debugging record): the log is marked failed, and writing it is NOMEM */
    o->deferred = log.failed;
    STEP("transcript_log_write_npy", swirl_transcript_log_write_npy(log_dir, &log));
    o->deferred = 0;
    STEP("transcript_log_read_npy", swirl_transcript_log_read_npy(&log2, log_dir));
    STEP("proof_encode", swirl_proof_encode(&o->proof, &o->proof_len, &proof, vk));
    STEP("vk_encode", swirl_vk_encode(&vkb, &vkb_len, vk));
    STEP("vk_decode", swirl_vk_decode(&vk2, vkb, vkb_len));
    STEP("proof_decode", swirl_proof_decode(&proof2, o->proof, o->proof_len, vk2));
    STEP("verify decoded", swirl_flow_verify(vk2, &proof2, NULL));
    o->step = NULL;
done:
    swirl_transcript_log_clear(&log);
    swirl_transcript_log_clear(&log2);
    swirl_proof_clear(&proof);
    swirl_proof_clear(&proof2);
    swirl_vk_destroy(vk);
    swirl_vk_destroy(vk2);
    free(vkb);
    free(fm);
    swirl_air_destroy(fib);
    swirl_air_destroy(send);
    swirl_air_destroy(recv);
    swirl_air_destroy(pc);
    if (o->st != SWIRL_OK) {
        free(o->proof);
        o->proof = NULL;
        o->proof_len = 0;
    }
}

#if defined(__GLIBC__) && !defined(FAULT_ASAN) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
#define FAULT_HEAP_CHECK 1
#endif

/* glibc's per-thread cache keeps freed chunks counted as in use: main() runs the test with it off
 * (GLIBC_TUNABLES, re-executing itself); with other tunables set by the caller the heap check is
 * off */
#if defined(FAULT_HEAP_CHECK)
#define FAULT_TUNABLE "glibc.malloc.tcache_count=0"
static int g_heap_check;
#endif

static size_t heap_in_use(void) {
#if defined(FAULT_HEAP_CHECK)
    if (g_heap_check) {
        struct mallinfo2 m = mallinfo2();
        return m.uordblks + m.hblkhd;
    }
#endif
    return 0; /* no cheap measure: LeakSanitizer checks instead */
}

static volatile sig_atomic_t g_current_n;

static void on_alarm(int sig) {
    (void)sig;
    char msg[96];
    int len = snprintf(msg, sizeof msg, "test_fault_alloc: run with allocation %ld failing hangs\n",
                       (long)g_current_n);
    if (len > 0 && write(2, msg, (size_t)len) < 0)
        _exit(3);
    _exit(2);
}

/* A sequence run once with scratch directory around it. */
static void run_once(void (*seq)(outcome *), outcome *o) {
    scratch_make();
    seq(o);
    scratch_remove();
}

/* Counts seq's allocations, then runs it with each of them failing in turn (see the top). */
static void every_allocation_fails(void (*seq)(outcome *), const char *what) {
    if (omp_get_max_threads() < 2)
        omp_set_num_threads(2);
    outcome ref, o;
    /* warm-up: the OpenMP runtime's and other lazily made state is not a leak */
    run_once(seq, &ref);
    CHECK_MSG(ref.st == SWIRL_OK, "%s fails at %s: %s", what, ref.step, swirl_last_error());
    free(ref.proof);
    size_t heap0 = heap_in_use();
    uint64_t c0 = swirl_alloc_count();
    run_once(seq, &ref);
    CHECK(ref.st == SWIRL_OK);
    uint64_t total = swirl_alloc_count() - c0;
    CHECK(total > 0);
    free(ref.proof);
    CHECK_MSG(heap_in_use() == heap0, "the successful %s leaks %zu bytes", what,
              heap_in_use() - heap0);
    run_once(seq, &ref); /* the reference proof bytes */
    CHECK(ref.st == SWIRL_OK && swirl_alloc_count() - c0 == 2 * total);
    printf("    %s: %llu allocations, %d threads\n", what, (unsigned long long)total,
           omp_get_max_threads());

    signal(SIGALRM, on_alarm);
    uint64_t tolerated = 0, failed = 0, deferred = 0, bad = 0;
    uint64_t max_n = total;
    const char *env_max = getenv("SWIRL_FAULT_MAX_N"); /* for debugging: stop early */
    if (env_max && strtoull(env_max, NULL, 10) > 0 && strtoull(env_max, NULL, 10) < total)
        max_n = strtoull(env_max, NULL, 10);
    for (uint64_t n = 1; n <= max_n; n++) {
        g_current_n = (sig_atomic_t)n;
        scratch_make();
        alarm(HANG_SECONDS);
        size_t h0 = heap_in_use();
        uint64_t start = swirl_alloc_count();
        uint64_t target = start + n; /* the count value of the failing allocation */
        swirl_alloc_fail_at(n);
        seq(&o);
        swirl_alloc_fail_at(0);
        alarm(0);
        uint64_t after = swirl_alloc_count();
        uint8_t *op = o.proof;
        size_t op_len = o.proof_len;
        o.proof = NULL;
        int same = op && op_len == ref.proof_len && memcmp(op, ref.proof, op_len) == 0;
        free(op);
        size_t h1 = heap_in_use();
        scratch_remove();
        const char *step = o.step ? o.step : "no failure";
        if (h1 != h0) {
            printf("    N=%llu (%s): %td bytes leaked\n", (unsigned long long)n, step,
                   (ptrdiff_t)(h1 - h0));
            bad++;
        }
        if (o.st == SWIRL_OK) {
            /* the failing allocation had a fallback: same proof */
            if (after < target || !same) {
                printf("    N=%llu: %s\n", (unsigned long long)n,
                       after < target ? "allocation never made" : "the proof changed");
                bad++;
            }
            if (getenv("SWIRL_FAULT_VERBOSE"))
                printf("    N=%llu: tolerated\n", (unsigned long long)n);
            tolerated++;
        } else if (o.st != SWIRL_E_NOMEM || (o.before >= target && !o.deferred) || after < target) {
            printf("    N=%llu: %s returned %s%s (%s)\n", (unsigned long long)n, step,
                   swirl_status_str(o.st),
                   o.st != SWIRL_E_NOMEM ? ", not NOMEM" : " before the failing allocation",
                   swirl_last_error());
            bad++;
        } else {
            failed++;
            deferred += o.deferred;
        }
    }
    printf("    N = 1..%llu: %llu runs failed with SWIRL_E_NOMEM (%llu of them reported by a later "
           "call), %llu tolerated the failure\n",
           (unsigned long long)max_n, (unsigned long long)failed, (unsigned long long)deferred,
           (unsigned long long)tolerated);
    free(ref.proof);
    CHECK_MSG(bad == 0, "%llu runs went wrong", (unsigned long long)bad);
}

/* Sequence 2, the files: the fib and bus AIRs saved as a system directory (JSON DAGs, .npy
 * traces) and loaded back, keyed and checked against meta.json; an AIR through its JSON DAG; a
 * proof for that key (made beforehand) through the proof JSON and decoded, verified; the debug
 * checkers (constraints, interaction balance); KeccakAir built and compiled, its inputs parsed,
 * a trace generated and checked. */
static uint8_t *g_fproof;
static size_t g_fproof_len;

static void sequence_files(outcome *o) {
    memset(o, 0, sizeof *o);
    swirl_air_builder *b = NULL;
    swirl_air *airs[3] = {NULL, NULL, NULL}, *back = NULL, *keccak = NULL;
    swirl_system *sys = NULL;
    uint64_t(*kin)[25] = NULL;
    size_t n_kin = 0, kh = 0;
    bb31 *km = NULL;
    swirl_vk *vk = NULL;
    bb31 *fm = NULL;
    json_t *dag = NULL, *pj = NULL;
    uint8_t *pb = NULL;
    size_t pb_len = 0;
    swirl_proof proof;
    memset(&proof, 0, sizeof proof);
    char dir[128];
    sub_path(dir, sizeof dir, "sys");

    STEP("fib_air_build", swirl_fib_air_build(&b));
    STEP("compile fib", compile(&airs[0], b));
    STEP("sender_build", swirl_dummy_interaction_air_build(&b, 1, 1, 3, 0));
    STEP("compile sender", compile(&airs[1], b));
    STEP("receiver_build", swirl_dummy_interaction_air_build(&b, 1, 0, 3, 0));
    STEP("compile receiver", compile(&airs[2], b));
    STEP("fib_trace", swirl_fib_trace(&fm, 0, 1, HF));
    bb31 sm[2 * SWIRL_FIX_HS], rm[2 * SWIRL_FIX_HR];
    swirl_fixture_bus_traces(sm, rm);
    bb31 pv[3] = {bb31_zero(), bb31_one(), fm[2 * HF - 1]};
    swirl_system_params p = swirl_fixture_small_params(2, 4, 31);
    swirl_system_out_air out[3] = {{airs[0], 1, fm, HF, pv},
                                   {airs[1], 1, sm, SWIRL_FIX_HS, NULL},
                                   {airs[2], 1, rm, SWIRL_FIX_HR, NULL}};
    swirl_air_instance inst[3] = {{airs[0], NULL, NULL, fm, HF, pv},
                                  {airs[1], NULL, NULL, sm, SWIRL_FIX_HS, NULL},
                                  {airs[2], NULL, NULL, rm, SWIRL_FIX_HR, NULL}};
    STEP("check_interactions", swirl_check_interactions(inst, 3));
    STEP("check_constraints fib",
         swirl_air_check_constraints(airs[0], NULL, NULL, fm, HF, pv, NULL, NULL));
    STEP("system_save", swirl_system_save(dir, &p, out, 3, NULL, NULL));
    STEP("system_load", swirl_system_load(&sys, dir, 1));
    swirl_keygen_air ka[3];
    swirl_system_keygen_airs(sys, ka);
    STEP("keygen", swirl_keygen(&vk, &sys->params, ka, sys->n_airs));
    STEP("system_check_vk", swirl_system_check_vk(sys, vk, dir));
    STEP("air_to_json", swirl_air_to_json(&dag, airs[1]));
    STEP("air_from_json", swirl_air_from_json(&back, dag, "(dag)", "back", airs[1]->common_width,
                                              airs[1]->num_public_values, 3));
    /* KeccakAir: a large DAG through the builder and the program; one permutation's trace */
    static const char kin_text[] = "# one permutation\n"
                                   "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 "
                                   "24 0x19\n";
    STEP("keccak_air_build", swirl_keccak_air_build(&b));
    STEP("compile keccak", compile(&keccak, b));
    STEP("keccak_parse_inputs",
         swirl_keccak_parse_inputs(&kin, &n_kin, kin_text, sizeof kin_text - 1));
    STEP("keccak_generate_trace",
         swirl_keccak_generate_trace(&km, &kh, (const uint64_t(*)[25])kin, n_kin));
    STEP("check_constraints keccak",
         swirl_air_check_constraints(keccak, NULL, NULL, km, kh, NULL, NULL, NULL));
    STEP("proof_json_from_bytes", swirl_proof_json_from_bytes(&pj, g_fproof, g_fproof_len));
    STEP("proof_json_to_bytes", swirl_proof_json_to_bytes(&pb, &pb_len, pj));
    STEP("proof_from_json", swirl_proof_from_json(&proof, pj, vk));
    STEP("verify", swirl_flow_verify(vk, &proof, NULL));
    o->proof = pb; /* compared with the reference run's */
    o->proof_len = pb_len;
    pb = NULL;
    o->step = NULL;
done:
    swirl_proof_clear(&proof);
    free(pb);
    json_decref(pj);
    json_decref(dag);
    swirl_air_destroy(back);
    swirl_air_destroy(keccak);
    free(kin);
    free(km);
    swirl_vk_destroy(vk);
    swirl_system_destroy(sys);
    free(fm);
    for (int i = 0; i < 3; i++)
        swirl_air_destroy(airs[i]);
    if (o->st != SWIRL_OK) {
        free(o->proof);
        o->proof = NULL;
        o->proof_len = 0;
    }
}

/* Sequence 3, the public API (swirl/swirl_prover.h): a context with a transcript directory, keygen
 * of fib and a bus pair, the trace check, prove, verify, the proof and key as bytes and back,
 * verified again, the proof as JSON text and back, the keyless proof summary, the system
 * directory written, loaded and its traces checked (swirl/swirl_system.h). */
static void sequence_api(outcome *o) {
    memset(o, 0, sizeof *o);
    swirl_air_builder *b = NULL;
    swirl_air *airs[3] = {NULL, NULL, NULL};
    swirl_context *ctx = NULL;
    swirl_vk *vk = NULL, *vk2 = NULL;
    swirl_proof *proof = NULL, *proof2 = NULL;
    bb31 *fm = NULL;
    uint8_t *vkb = NULL, *pb2 = NULL;
    size_t vkb_len = 0, pb2_len = 0;
    char *json = NULL;
    swirl_system *sys = NULL;
    swirl_proof_summary sum;
    memset(&sum, 0, sizeof sum);
    size_t bad_air = 0;
    char sdir[128];
    sub_path(sdir, sizeof sdir, "sys");
    char tdir[128];
    sub_path(tdir, sizeof tdir, "transcript");

    swirl_context_options opts;
    swirl_context_options_init(&opts);
    opts.threads = 2;
    STEP("context_create", swirl_context_create(&ctx, &opts));
    STEP("context_set_transcript_dir", swirl_context_set_transcript_dir(ctx, tdir));
    STEP("fib_air_build", swirl_fib_air_build(&b));
    STEP("compile fib", compile(&airs[0], b));
    STEP("sender_build", swirl_dummy_interaction_air_build(&b, 1, 1, 3, 0));
    STEP("compile sender", compile(&airs[1], b));
    STEP("receiver_build", swirl_dummy_interaction_air_build(&b, 1, 0, 3, 0));
    STEP("compile receiver", compile(&airs[2], b));
    STEP("fib_trace", swirl_fib_trace(&fm, 0, 1, HF));
    bb31 sm[2 * SWIRL_FIX_HS], rm[2 * SWIRL_FIX_HR];
    swirl_fixture_bus_traces(sm, rm);
    bb31 pv[3] = {bb31_zero(), bb31_one(), fm[2 * HF - 1]};
    swirl_system_params p = swirl_fixture_small_params(2, 4, 31);
    swirl_air_spec spec[3] = {{airs[0], NULL, 0, 1}, {airs[1], NULL, 0, 1}, {airs[2], NULL, 0, 1}};
    STEP("vk_create", swirl_vk_create(&vk, &p, spec, 3));
    swirl_trace tr[3] = {
        {fm, HF, pv, NULL}, {sm, SWIRL_FIX_HS, NULL, NULL}, {rm, SWIRL_FIX_HR, NULL, NULL}};
    STEP("check_traces", swirl_check_traces(vk, tr));
    STEP("prove", swirl_prove(ctx, &proof, vk, tr));
    STEP("verify", swirl_verify(ctx, vk, proof));
    STEP("proof_to_bytes", swirl_proof_to_bytes(&o->proof, &o->proof_len, proof, vk));
    STEP("vk_to_bytes", swirl_vk_to_bytes(&vkb, &vkb_len, vk));
    STEP("vk_from_bytes", swirl_vk_from_bytes(&vk2, vkb, vkb_len));
    STEP("proof_from_bytes", swirl_proof_from_bytes(&proof2, vk2, o->proof, o->proof_len));
    STEP("verify decoded", swirl_verify(ctx, vk2, proof2));
    STEP("proof_bytes_to_json", swirl_proof_bytes_to_json(&json, o->proof, o->proof_len, vk));
    STEP("proof_json_to_bytes_text", swirl_proof_json_to_bytes_text(&pb2, &pb2_len, json, vk));
    STEP("proof_summarize", swirl_proof_summarize(&sum, o->proof, o->proof_len));
    STEP("system_write", swirl_system_write(sdir, &p, spec, tr, 3, vk, NULL));
    STEP("system_load", swirl_system_load(&sys, sdir, 1));
    STEP("system_check_traces", swirl_system_check_traces(sys, &bad_air));
    o->step = NULL;
done:
    swirl_proof_summary_clear(&sum);
    swirl_system_destroy(sys);
    swirl_free(pb2);
    swirl_free(json);
    swirl_free(vkb);
    swirl_proof_destroy(proof);
    swirl_proof_destroy(proof2);
    swirl_vk_destroy(vk);
    swirl_vk_destroy(vk2);
    swirl_context_destroy(ctx);
    free(fm);
    for (int i = 0; i < 3; i++)
        swirl_air_destroy(airs[i]);
    if (o->st != SWIRL_OK) {
        free(o->proof);
        o->proof = NULL;
        o->proof_len = 0;
    }
}

static void test_every_allocation_fails_cleanly_api(void) {
    every_allocation_fails(sequence_api, "the public API sequence");
}

static void test_every_allocation_fails_cleanly(void) {
    every_allocation_fails(sequence, "the proof sequence");
}

static void test_every_allocation_fails_cleanly_files(void) {
    /* the proof the sequence reads, made with the same AIRs and parameters */
    swirl_fixture_three f;
    swirl_system_params p = swirl_fixture_small_params(2, 4, 31);
    swirl_fixture_three_init(&f, &p);
    swirl_proof proof;
    CHECK_OK(swirl_flow_prove(&proof, f.vk, f.in, NULL, NULL));
    CHECK_OK(swirl_proof_encode(&g_fproof, &g_fproof_len, &proof, f.vk));
    swirl_proof_clear(&proof);
    swirl_fixture_three_clear(&f);
    every_allocation_fails(sequence_files, "the file sequence");
    free(g_fproof);
    g_fproof = NULL;
}

/* The hook itself: counts, fails exactly the n-th allocation from now, once. */
static void test_hook(void) {
    uint64_t c0 = swirl_alloc_count();
    void *a = swirl_malloc(8);
    CHECK(a && swirl_alloc_count() == c0 + 1);
    swirl_alloc_fail_at(2);
    void *b = swirl_calloc(2, 8);
    void *c = swirl_realloc(a, 64);
    void *d = swirl_aligned_alloc(64, 100);
    swirl_alloc_fail_at(0);
    CHECK(b && !c && d);
    CHECK(((uintptr_t)d % 64) == 0);
    free(a);
    free(b);
    free(d);
    /* many threads: exactly one allocation fails */
    swirl_alloc_fail_at(777);
    int nfail = 0;
#pragma omp parallel for reduction(+ : nfail)
    for (int i = 0; i < 4000; i++) {
        void *q = swirl_malloc(16);
        nfail += q == NULL;
        free(q);
    }
    swirl_alloc_fail_at(0);
    CHECK(nfail == 1);
}

int main(int argc, char **argv) {
    /* The environment the test wants, set by re-executing itself once: OpenMP threads that sleep
     * at barriers (thousands of short proofs on a busy machine otherwise spend their time
     * spinning), glibc's per-thread cache off (see heap_in_use) */
    int again = 0;
    if (!getenv("OMP_WAIT_POLICY"))
        again |= setenv("OMP_WAIT_POLICY", "passive", 1) == 0;
#if defined(FAULT_HEAP_CHECK)
    if (!getenv("GLIBC_TUNABLES"))
        again |= setenv("GLIBC_TUNABLES", FAULT_TUNABLE, 1) == 0;
#endif
    if (again && !getenv("SWIRL_FAULT_REEXEC") && setenv("SWIRL_FAULT_REEXEC", "1", 1) == 0)
        execv("/proc/self/exe", argv); /* on failure: go on as we are */
#if defined(FAULT_HEAP_CHECK)
    const char *tun = getenv("GLIBC_TUNABLES");
    g_heap_check = tun && strstr(tun, FAULT_TUNABLE) != NULL;
    if (!g_heap_check)
        printf("heap check off (GLIBC_TUNABLES without %s)\n", FAULT_TUNABLE);
#endif
    static const struct swirl_test tests[] = {
        SWIRL_TEST(test_hook),
        SWIRL_TEST(test_every_allocation_fails_cleanly),
        SWIRL_TEST(test_every_allocation_fails_cleanly_files),
        SWIRL_TEST(test_every_allocation_fails_cleanly_api),
    };
    return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
}
