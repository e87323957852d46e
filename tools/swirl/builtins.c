/* The built-in AIR sets of the `swirl` program: their AIRs, SystemParams and traces. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "swirl/swirl_airs.h"
#include "swirl/swirl_report.h"

const char *const cli_builtin_names[] = {"keccakf", "fib", "interactions", "self-interaction",
                                         NULL};

const char *const cli_builtin_help =
    "Built-in AIR sets:\n"
    "  keccakf           Plonky3's KeccakAir; --perms N (1..1024, OpenVM's keccakf inputs,\n"
    "                    default 1024) or --inputs FILE (one permutation per line: 25 words,\n"
    "                    decimal or 0x-hex). Parameters: l_skip 4, n_stack 17, k_whir 4,\n"
    "                    log_blowup 1, log_final_poly_len 8, query PoW 20 bits, 100-bit security\n"
    "  fib               OpenVM's fib_air; --rows N (power of two, default 256), public values\n"
    "                    (0, 1, fib(N))\n"
    "  interactions      OpenVM's DummyInteractionAir sender (--rows N >= 4, default 32) and\n"
    "                    receiver (4 rows) on bus 3, balanced\n"
    "  self-interaction  OpenVM's SelfInteractionAir, width 4, --rows N (default 64)\n"
    "The small AIR sets use l_skip 4, n_stack 12 (up to 2^16 rows), otherwise as keccakf.\n"
    "--security toy: 32-bit security, 2-bit PoW, l_skip 2, n_stack 14 (for tests only).\n";

static int fail(const char *what) {
    fprintf(stderr, "swirl: %s: %s\n", what, swirl_last_error());
    return CLI_FAILED;
}

static int set_params(cli_job *job, const cli_opts *o, size_t n_stack) {
    swirl_whir_proximity ud = {SWIRL_PROXIMITY_UNIQUE_DECODING, 0, 0};
    const char *sec = o->security ? o->security : "100";
    if (strcmp(sec, "toy") == 0) {
        swirl_system_params *p = &job->params;
        memset(p, 0, sizeof *p);
        p->l_skip = 2;
        p->n_stack = 14;
        p->w_stack = 16;
        p->log_blowup = 1;
        p->max_constraint_degree = 3;
        if (swirl_whir_config_init(&p->whir, 1, 16, 2, 2, 2, ud, 2, 2, 32) != SWIRL_OK)
            return fail("parameters");
        p->logup = swirl_logup_params_baby_bear_100_bits(0.0);
        p->logup.pow_bits = 2;
        return CLI_OK;
    }
    if (strcmp(sec, "100") != 0) {
        fprintf(stderr, "swirl: --security takes 100 or toy, not '%s'\n", sec);
        return CLI_BAD;
    }
    if (swirl_params_100_bits(&job->params, 1, 4, n_stack, 2048, 5, 15, ud, 3, 20, 4, 8) !=
        SWIRL_OK)
        return fail("parameters");
    return CLI_OK;
}

/* a buffer of this program (free) */
static void *own(cli_job *job, void *p) {
    if (p && job->n_owned < sizeof job->owned / sizeof job->owned[0])
        job->owned[job->n_owned++] = p;
    return p;
}

/* a buffer the library returned (swirl_free) */
static void *lib_own(cli_job *job, void *p) {
    if (p && job->n_lib_owned < sizeof job->lib_owned / sizeof job->lib_owned[0])
        job->lib_owned[job->n_lib_owned++] = p;
    return p;
}

static int add_air(cli_job *job, swirl_air_builder **bp, enum swirl_status st) {
    swirl_air_builder *b = *bp; /* read after the build call filled it */
    if (st != SWIRL_OK) {
        swirl_air_builder_destroy(b);
        return fail("building the AIR");
    }
    swirl_air *a = NULL;
    st = swirl_air_compile(&a, b, (unsigned)job->params.max_constraint_degree);
    swirl_air_builder_destroy(b);
    if (st != SWIRL_OK)
        return fail("compiling the AIR");
    size_t i = job->n_airs++;
    job->airs[i] = a;
    swirl_air_spec ka = {a, NULL, 0, 1};
    job->ka[i] = ka;
    return CLI_OK;
}

/* trace i (owned by the job already) */
static void set_trace(cli_job *job, size_t i, const swirl_felt *t, size_t height,
                      const swirl_felt *pv) {
    swirl_trace in = {t, height, pv, NULL};
    job->in[i] = in;
    job->trace_cells += height * swirl_air_width(job->airs[i]);
}

/* rows: a power of two in [lo, max] */
static int rows_opt(const cli_opts *o, long dflt, long lo, const cli_job *job, size_t *out) {
    long r = o->rows >= 0 ? o->rows : dflt;
    long max = 1L << (job->params.l_skip + job->params.n_stack);
    if (r < lo || r > max || (r & (r - 1)) != 0) {
        fprintf(stderr, "swirl: --rows takes a power of two from %ld to %ld, not %ld\n", lo, max, r);
        return CLI_BAD;
    }
    *out = (size_t)r;
    return CLI_OK;
}

static int setup_keccakf(cli_job *job, const cli_opts *o, int traces) {
    int rc;
    if ((rc = set_params(job, o, 17)) != CLI_OK)
        return rc;
    if (o->perms >= 0 && o->inputs) {
        fprintf(stderr, "swirl: keccakf takes --perms or --inputs, not both\n");
        return CLI_BAD;
    }
    if (o->perms >= 0 && (o->perms < 1 || o->perms > 1024)) {
        fprintf(stderr, "swirl: --perms takes a count from 1 to 1024, not %ld\n", o->perms);
        return CLI_BAD;
    }
    swirl_air_builder *b = NULL;
    if ((rc = add_air(job, &b, swirl_keccak_air_build(&b))) != CLI_OK)
        return rc;
    if (!traces)
        return CLI_OK;
    size_t n_example = 0;
    const uint64_t(*inputs)[25] = swirl_keccakf_example_inputs(&n_example);
    size_t n = o->perms >= 0 ? (size_t)o->perms : n_example;
    uint64_t(*file_inputs)[25] = NULL;
    if (o->inputs) {
        enum swirl_status st = swirl_keccak_read_inputs(&file_inputs, &n, o->inputs);
        if (st != SWIRL_OK) {
            fprintf(stderr, "swirl: --inputs %s: %s\n", o->inputs, swirl_last_error());
            return CLI_BAD;
        }
        lib_own(job, file_inputs);
        inputs = (const uint64_t(*)[25])file_inputs;
    }
    size_t max_rows = (size_t)1 << (job->params.l_skip + job->params.n_stack);
    if (n > max_rows / 24) {
        fprintf(stderr, "swirl: %zu permutations need more than the %zu rows these parameters allow\n",
                n, max_rows);
        return CLI_BAD;
    }
    swirl_felt *t = NULL;
    size_t h = 24 * n;
    while (h & (h - 1)) /* the next power of two (what generate_trace_rows pads to) */
        h += h & (~h + 1);
    job->kin = inputs;
    job->kn = n;
    if (o->defer_trace) { /* cli_job_make_traces, once the context says where */
        set_trace(job, 0, NULL, h, NULL);
    } else {
        double t0 = swirl_now_ms();
        if (swirl_keccak_generate_trace(&t, &h, inputs, n) != SWIRL_OK)
            return fail("keccakf trace generation");
        job->trace_gen_ms = swirl_now_ms() - t0;
        job->trace_path = "host";
        set_trace(job, 0, lib_own(job, t), h, NULL);
    }
    snprintf(job->desc, sizeof job->desc, "%zu permutation%s, trace %zu x %zu", n,
             n == 1 ? "" : "s", h, swirl_air_width(job->airs[0]));
    return CLI_OK;
}

static int setup_fib(cli_job *job, const cli_opts *o, int traces) {
    int rc;
    size_t rows;
    swirl_air_builder *b = NULL;
    if ((rc = set_params(job, o, 12)) != CLI_OK || (rc = rows_opt(o, 256, 2, job, &rows)) ||
        (rc = add_air(job, &b, swirl_fib_air_build(&b))) != CLI_OK)
        return rc;
    if (!traces)
        return CLI_OK;
    swirl_felt *t = NULL;
    if (swirl_fib_trace(&t, 0, 1, rows) != SWIRL_OK)
        return fail("fib trace");
    job->pv[0][0] = swirl_felt_from_u32(0);
    job->pv[0][1] = swirl_felt_from_u32(1);
    job->pv[0][2] = t[2 * rows - 1];
    set_trace(job, 0, lib_own(job, t), rows, job->pv[0]);
    snprintf(job->desc, sizeof job->desc, "fib, %zu rows", rows);
    return CLI_OK;
}

static int setup_interactions(cli_job *job, const cli_opts *o, int traces) {
    int rc;
    size_t rows;
    swirl_air_builder *b = NULL;
    if ((rc = set_params(job, o, 12)) != CLI_OK || (rc = rows_opt(o, 32, 4, job, &rows)) ||
        (rc = add_air(job, &b, swirl_dummy_interaction_air_build(&b, 1, 1, 3, 0))) != CLI_OK ||
        (rc = add_air(job, &b, swirl_dummy_interaction_air_build(&b, 1, 0, 3, 0))) != CLI_OK)
        return rc;
    if (!traces)
        return CLI_OK;
    enum { HR = 4 };
    swirl_felt *sm = calloc(2 * rows, sizeof *sm), *rm = calloc(2 * HR, sizeof *rm);
    if (!sm || !rm) {
        free(sm);
        free(rm);
        fprintf(stderr, "swirl: out of memory\n");
        return CLI_FAILED;
    }
    /* the sender's rows 0..3 send (100 + i) with count i + 1, the receiver takes exactly those */
    swirl_dummy_interaction_pair_traces(sm, rows, rm, HR);
    set_trace(job, 0, own(job, sm), rows, NULL);
    set_trace(job, 1, own(job, rm), HR, NULL);
    snprintf(job->desc, sizeof job->desc, "sender %zu rows, receiver %d rows, bus 3", rows, HR);
    return CLI_OK;
}

static int setup_self_interaction(cli_job *job, const cli_opts *o, int traces) {
    int rc;
    size_t rows;
    swirl_air_builder *b = NULL;
    if ((rc = set_params(job, o, 12)) != CLI_OK || (rc = rows_opt(o, 64, 2, job, &rows)) ||
        (rc = add_air(job, &b, swirl_self_interaction_air_build(&b, 4, 0))) != CLI_OK)
        return rc;
    if (!traces)
        return CLI_OK;
    swirl_felt *t = NULL;
    size_t log_rows = 0;
    while (((size_t)1 << log_rows) < rows) /* rows is a power of two (rows_opt) */
        log_rows++;
    if (swirl_self_interaction_trace(&t, 4, log_rows) != SWIRL_OK)
        return fail("self-interaction trace");
    set_trace(job, 0, lib_own(job, t), rows, NULL);
    snprintf(job->desc, sizeof job->desc, "self-interaction, %zu rows x 4", rows);
    return CLI_OK;
}

int cli_job_init(cli_job *job, const char *air, const cli_opts *o, int traces) {
    memset(job, 0, sizeof *job);
    if (!air)
        return cli_system_job_init(job, o->system, traces, !o->no_check);
    job->ka = job->ka_store;
    job->in = job->in_store;
    snprintf(job->air, sizeof job->air, "%s", air);
    int rc;
    if (strcmp(air, "keccakf") == 0)
        rc = setup_keccakf(job, o, traces);
    else if (strcmp(air, "fib") == 0)
        rc = setup_fib(job, o, traces);
    else if (strcmp(air, "interactions") == 0)
        rc = setup_interactions(job, o, traces);
    else if (strcmp(air, "self-interaction") == 0)
        rc = setup_self_interaction(job, o, traces);
    else {
        fprintf(stderr, "swirl: unknown AIR '%s' (keccakf, fib, interactions, self-interaction)\n",
                air);
        rc = CLI_BAD;
    }
    if (rc != CLI_OK)
        cli_job_clear(job);
    return rc;
}

/* the job's device-trace tables (n_airs entries, all NULL); 0 on failure */
static int dev_tables(cli_job *job) {
    if (job->dev)
        return 1;
    job->dev = calloc(job->n_airs, sizeof *job->dev);
    job->dev_c = calloc(job->n_airs, sizeof *job->dev_c);
    if (!job->dev || !job->dev_c) {
        free(job->dev);
        free((void *)job->dev_c);
        job->dev = NULL;
        job->dev_c = NULL;
        fprintf(stderr, "swirl: out of memory\n");
        return 0;
    }
    return 1;
}

/* a --system job's host traces copied to the device (the common mains; the host copies stay
 * for the checks and are no longer passed to the prover) */
static int upload_system_traces(cli_job *job, swirl_context *ctx) {
    if (!dev_tables(job))
        return CLI_FAILED;
    double t0 = swirl_now_ms();
    for (size_t i = 0; i < job->n_airs; i++) {
        swirl_trace *t = &job->in[i];
        if (!t->common) /* an optional AIR left out */
            continue;
        size_t width = job->ka[i].air ? swirl_air_width(job->ka[i].air) : 0;
        if (width == 0)
            continue; /* nothing to upload: the prover rejects or needs no columns */
        if (swirl_device_trace_upload(ctx, &job->dev[i], t->common, t->height, width) != SWIRL_OK)
            return fail("uploading a system trace to the device");
        job->dev_c[i] = job->dev[i];
        t->common = NULL; /* the device copy replaces it */
    }
    job->trace_gen_ms = swirl_now_ms() - t0;
    job->trace_path = "device";
    return CLI_OK;
}

int cli_job_make_traces(cli_job *job, swirl_context *ctx, const cli_opts *o) {
    int device = strcmp(swirl_context_backend(ctx), "cuda") == 0 && !o->host_trace;
    if (job->sys && device && !job->dev)
        return upload_system_traces(job, ctx);
    if (!job->kin || job->in[0].common || (job->dev && job->dev[0]))
        return CLI_OK;
    double t0 = swirl_now_ms();
    if (device) {
        if (!dev_tables(job))
            return CLI_FAILED;
        if (swirl_keccak_generate_trace_device(ctx, &job->dev[0], job->kin, job->kn) != SWIRL_OK)
            return fail("keccakf trace generation on the device");
        job->dev_c[0] = job->dev[0];
    } else {
        swirl_felt *t = NULL;
        size_t h = 0;
        if (swirl_keccak_generate_trace(&t, &h, job->kin, job->kn) != SWIRL_OK)
            return fail("keccakf trace generation");
        job->in[0].common = lib_own(job, t);
    }
    job->trace_gen_ms = swirl_now_ms() - t0;
    job->trace_path = device ? "device" : "host";
    if (device)
        job->in[0].height = 0; /* the device trace's */
    return CLI_OK;
}

void cli_job_drop_device(cli_job *job) {
    for (size_t i = 0; job->dev && i < job->n_airs; i++) {
        swirl_device_trace_destroy(job->dev[i]);
        job->dev[i] = NULL;
        job->dev_c[i] = NULL;
    }
    free(job->dev);
    free((void *)job->dev_c);
    job->dev = NULL;
    job->dev_c = NULL;
}

void cli_job_clear(cli_job *job) {
    cli_job_drop_device(job);
    if (job->ka != job->ka_store)
        free(job->ka);
    if (job->in != job->in_store)
        free(job->in);
    for (size_t i = 0; i < job->n_owned; i++)
        free(job->owned[i]);
    for (size_t i = 0; i < job->n_lib_owned; i++)
        swirl_free(job->lib_owned[i]);
    for (size_t i = 0; !job->sys && i < job->n_airs; i++) /* a system owns its AIRs */
        swirl_air_destroy(job->airs[i]);
    swirl_system_destroy(job->sys);
    memset(job, 0, sizeof *job);
}
