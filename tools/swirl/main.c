/*
 * swirl: key, prove, verify, inspect and benchmark SWIRL proofs of the built-in AIR sets or of
 * AIR systems read from a directory (--system DIR: meta.json, inputs/constraints_<i>.json,
 * inputs/trace_<i>.npy, the format of OpenVM's fixtures; protocol/system.h documents it).
 *
 *   swirl keygen AIR|--system DIR --vk VK_FILE [AIR options]
 *   swirl keygen AIR --dump-system DIR [--vk VK_FILE] [AIR options]
 *   swirl prove AIR|--system DIR --out PROOF_FILE [AIR options] [--backend cpu|cuda|auto]
 *               [--threads N] [--metrics JSON_FILE] [--quiet] [--transcript-log DIR]
 *               [--no-check]
 *   swirl verify --vk VK_FILE PROOF_FILE [--transcript-log DIR]
 *   swirl inspect PROOF_FILE [--vk VK_FILE] [--json]
 *   swirl encode-json JSON_FILE [--vk VK_FILE] --out PROOF_FILE
 *   swirl bench AIR|--system DIR [AIR options] [--backend B] [--threads N] [--iters N]
 *               [--warmup N] [--metrics JSON_FILE]
 *
 * Exit codes: 0 ok / accepted; 1 rejected (verify) or the work failed (prove: the trace does not
 * satisfy the AIR, a device error); 2 malformed proof or key, bad input, bad usage.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "swirl/swirl_report.h"

static const char *const usage_main =
    "usage: swirl COMMAND [options]\n"
    "\n"
    "Commands:\n"
    "  keygen AIR --vk VK_FILE          write the verifying key of a built-in AIR set\n"
    "  keygen --system DIR --vk VK      ... of an AIR system read from DIR\n"
    "  keygen AIR --dump-system DIR     write a built-in AIR set as a system directory\n"
    "  prove AIR --out PROOF_FILE       prove a built-in AIR set, print the span report\n"
    "  prove --system DIR --out PROOF   prove an AIR system read from DIR\n"
    "  verify --vk VK_FILE PROOF_FILE   verify a proof (exit 0 accepted, 1 rejected, 2 malformed)\n"
    "  inspect PROOF_FILE [--vk VK]     summarize a proof file: parts and sizes, heights\n"
    "                    [--json]       or print the whole proof as JSON\n"
    "  encode-json JSON_FILE --out P    turn a proof's JSON (inspect --json) back into bytes\n"
    "  report METRICS --svg OUT.svg     draw a metrics file's spans (and GPU stages) as a chart\n"
    "  bench AIR | --system DIR         prove repeatedly and report medians\n"
    "\n"
    "Run 'swirl COMMAND --help' for a command's options.\n";

static const char *const usage_common =
    "AIR options: --perms N | --inputs FILE (keccakf), --rows N, --security 100|toy\n"
    "System directories (--system DIR): DIR/meta.json (params {l_skip, n_stack, k_whir, ...},\n"
    "num_queries, airs [{public_values, is_required, ...}], optional expectations vk_pre_hash,\n"
    "sorted_airs), DIR/inputs/constraints_<i>.json (OpenVM's symbolic DAG of AIR i),\n"
    "DIR/inputs/trace_<i>.npy ((height, width) uint32, canonical values), as OpenVM's fixtures.\n";

static const char *const usage_keygen =
    "usage: swirl keygen AIR --vk VK_FILE [AIR options]\n"
    "       swirl keygen --system DIR --vk VK_FILE\n"
    "       swirl keygen AIR --dump-system DIR [--vk VK_FILE] [AIR options]\n"
    "Writes the verifying key (OpenVM's MultiStarkVerifyingKey, postcard) of the AIR set. With\n"
    "--system, of the system in DIR (traces are read only for AIRs whose meta gives no width);\n"
    "meta.json's vk_pre_hash, needs_next and constraint_degree are checked against the key.\n"
    "--dump-system writes the built-in AIR set (its traces from the AIR options) as a new system\n"
    "directory DIR (must not exist or be empty) whose keygen --system gives the same key bytes.\n"
    "Exit: 0 written, 2 bad input (the message names the file and the position).\n";
static const char *const usage_prove =
    "usage: swirl prove AIR|--system DIR --out PROOF_FILE [AIR options] [--no-check]\n"
    "                   [--backend cpu|cuda|auto] [--threads N] [--metrics JSON_FILE] [--quiet]\n"
    "                   [--host-trace]\n"
    "                   [--transcript-log DIR]\n"
    "--system reads DIR's traces and checks every constraint on every row and the interaction\n"
    "balance first (exit 1 naming the trace, constraint and row; --no-check skips this).\n"
    "Generates the traces, proves them (the proof in OpenVM's encoding, codec version 3) and\n"
    "prints the span tree on stderr. --metrics writes every span's time, the proof size and the\n"
    "trace cells as JSON. --backend auto (default) uses the GPU when there is one.\n"
    "On a GPU keccakf's trace is generated on the device and proved where it is, and a --system\n"
    "directory's traces are uploaded to the device before the proof; --host-trace keeps them on\n"
    "the host, uploaded inside the proof (for comparison). Trace generation or upload is timed\n"
    "outside the proof (stderr; metrics: trace_path, trace_gen_ms).\n"
    "--transcript-log DIR writes the Fiat-Shamir transcript in OpenVM's TranscriptLog layout:\n"
    "DIR/transcript_values.npy (<u4, (n,)), DIR/transcript_is_sample.npy (|u1, (n,): 1 =\n"
    "sampled), DIR/transcript_perm_results.npy (<u4, (n_perms, 16): the sponge state after each\n"
    "permutation), to diff against OpenVM's log position by position.\n"
    "Exit: 0 proved, 1 the prover failed (e.g. the trace does not satisfy the AIR), 2 bad input.\n";
static const char *const usage_verify =
    "usage: swirl verify --vk VK_FILE PROOF_FILE [--transcript-log DIR]\n"
    "Prints one line: 'accepted', 'rejected: WHY' or 'malformed: WHY'. --transcript-log DIR\n"
    "writes the verifier's transcript (as swirl prove does; also for a rejected proof, not for\n"
    "a malformed one).\n"
    "Exit: 0 accepted, 1 rejected, 2 malformed proof or key, bad input or bad usage.\n";
static const char *const usage_inspect =
    "usage: swirl inspect PROOF_FILE [--vk VK_FILE] [--json]\n"
    "Prints the proof's parts with their sizes, the AIRs present with their heights, and the\n"
    "parameters the proof's shape implies (with --vk: the key's parameters, and a full decode).\n"
    "--json prints the whole proof as one JSON object named and nested as OpenVM's Proof struct\n"
    "(proof.rs): field elements as integers, extension elements as [4 ints], digests as [8\n"
    "ints], absent AIRs' trace_vdata null. It needs no key; with --vk the proof must fit the key\n"
    "and \"vk_pre_hash\" (8 ints) is added.\n";
static const char *const usage_encode_json =
    "usage: swirl encode-json JSON_FILE [--vk VK_FILE] --out PROOF_FILE\n"
    "Encodes a proof's JSON (as swirl inspect --json prints it, possibly edited) as proof bytes.\n"
    "Every shape the encoding leaves implicit is checked (errors name the JSON path); with --vk\n"
    "the proof must also fit the key (and its vk_pre_hash, if any, be the key's). The proof is\n"
    "not verified: use swirl verify.\n";
static const char *const usage_bench =
    "usage: swirl bench AIR|--system DIR [AIR options] [--backend cpu|cuda|auto] [--threads N]\n"
    "                   [--host-trace]\n"
    "                   [--iters N] [--warmup N] [--metrics JSON_FILE]\n"
    "Proves --warmup times (default 1), then --iters times (default 3), and prints the median,\n"
    "min and max of stark_prove_excluding_trace and of each stage. On a GPU the traces are in\n"
    "device memory before the first proof (keccakf's generated there, a --system directory's\n"
    "uploaded; timed apart); --host-trace uploads them inside every proof instead.\n";

/* the library's messages (warnings, progress) on stderr */
static void cli_log(void *user, enum swirl_log_level level, const char *msg) {
    (void)user;
    fprintf(stderr, "swirl: %s%s\n", level <= SWIRL_LOG_WARN ? "warning: " : "", msg);
}

static int bad_usage(const char *msg, const char *usage) {
    fprintf(stderr, "swirl: %s\n%s", msg, usage);
    return CLI_BAD;
}

static int parse_long(const char *flag, const char *s, long *out) {
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 0) {
        fprintf(stderr, "swirl: %s takes a non-negative integer, not '%s'\n", flag, s);
        return CLI_BAD;
    }
    *out = v;
    return CLI_OK;
}

/* Parses argv[first..]: options into *o, the positional arguments into pos[] (at most max_pos). */
static int parse_opts(int argc, char **argv, int first, cli_opts *o, const char **pos, int *n_pos,
                      int max_pos, const char *usage) {
    memset(o, 0, sizeof *o);
    o->perms = o->rows = -1; /* not given (parse_long refuses negatives: 0 is a value) */
    *n_pos = 0;
    for (int i = first; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage, stdout);
            return -1;
        }
        if (strcmp(a, "--quiet") == 0) {
            o->quiet = 1;
            continue;
        }
        if (strcmp(a, "--json") == 0) {
            o->json = 1;
            continue;
        }
        if (strcmp(a, "--no-check") == 0) {
            o->no_check = 1;
            continue;
        }
        if (strcmp(a, "--host-trace") == 0) {
            o->host_trace = 1;
            continue;
        }
        if (a[0] == '-' && a[1] == '-') {
            const char **sv = NULL;
            long *lv = NULL;
            if (strcmp(a, "--vk") == 0)
                sv = &o->vk;
            else if (strcmp(a, "--out") == 0)
                sv = &o->out;
            else if (strcmp(a, "--inputs") == 0)
                sv = &o->inputs;
            else if (strcmp(a, "--backend") == 0)
                sv = &o->backend;
            else if (strcmp(a, "--metrics") == 0)
                sv = &o->metrics;
            else if (strcmp(a, "--security") == 0)
                sv = &o->security;
            else if (strcmp(a, "--transcript-log") == 0)
                sv = &o->transcript_log;
            else if (strcmp(a, "--system") == 0)
                sv = &o->system;
            else if (strcmp(a, "--dump-system") == 0)
                sv = &o->dump_system;
            else if (strcmp(a, "--perms") == 0)
                lv = &o->perms;
            else if (strcmp(a, "--rows") == 0)
                lv = &o->rows;
            else if (strcmp(a, "--threads") == 0)
                lv = &o->threads;
            else if (strcmp(a, "--iters") == 0)
                lv = &o->iters;
            else if (strcmp(a, "--warmup") == 0)
                lv = &o->warmup;
            else {
                fprintf(stderr, "swirl: unknown option %s\n%s", a, usage);
                return CLI_BAD;
            }
            if (i + 1 >= argc) {
                fprintf(stderr, "swirl: option %s needs a value\n%s", a, usage);
                return CLI_BAD;
            }
            const char *v = argv[++i];
            if (sv)
                *sv = v;
            else if (parse_long(a, v, lv) != CLI_OK)
                return CLI_BAD;
            continue;
        }
        if (*n_pos >= max_pos) {
            fprintf(stderr, "swirl: unexpected argument '%s'\n%s", a, usage);
            return CLI_BAD;
        }
        pos[(*n_pos)++] = a;
    }
    if (o->threads > 1024)
        return bad_usage("--threads takes 1 to 1024", usage);
    return CLI_OK;
}

/* The context of a command: --threads, --backend (default auto), the library's warnings on
 * stderr and, with progress, its progress (spans of depth <= 1). */
static int make_context(swirl_context **ctx, const cli_opts *o, const char *backend, int progress) {
    swirl_context_options opts;
    swirl_context_options_init(&opts);
    opts.threads = (int)o->threads;
    opts.backend = backend;
    opts.log = cli_log;
    opts.progress_depth = progress ? 1 : -1;
    enum swirl_status st = swirl_context_create(ctx, &opts);
    if (st != SWIRL_OK) {
        fprintf(stderr, "swirl: --backend %s: %s\n", backend, swirl_last_error());
        return st == SWIRL_E_INVALID_ARG ? CLI_BAD : CLI_FAILED;
    }
    if (o->transcript_log &&
        swirl_context_set_transcript_dir(*ctx, o->transcript_log) != SWIRL_OK) {
        fprintf(stderr, "swirl: %s\n", swirl_last_error());
        swirl_context_destroy(*ctx);
        *ctx = NULL;
        return CLI_FAILED;
    }
    return CLI_OK;
}

static int keygen_job(swirl_vk **vk, const cli_job *job) {
    enum swirl_status st = swirl_vk_create(vk, &job->params, job->ka, job->n_airs);
    if (st != SWIRL_OK) {
        fprintf(stderr, "swirl: keygen failed: %s\n", swirl_last_error());
        return st == SWIRL_E_INVALID_ARG ? CLI_BAD : CLI_FAILED;
    }
    int rc = cli_job_check_vk(job, *vk);
    if (rc != CLI_OK) {
        swirl_vk_destroy(*vk);
        *vk = NULL;
    }
    return rc;
}

static void print_pre_hash(FILE *f, const swirl_vk *vk) {
    uint32_t h[8];
    swirl_vk_get_pre_hash(vk, h);
    for (int i = 0; i < 8; i++)
        fprintf(f, "%08x", h[i]);
}

static int cmd_keygen(int argc, char **argv) {
    cli_opts o;
    const char *pos[1];
    int np, rc = parse_opts(argc, argv, 2, &o, pos, &np, 1, usage_keygen);
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    if (np != (o.system ? 0 : 1) || (!o.vk && !o.dump_system))
        return bad_usage("keygen needs an AIR and --vk VK_FILE (or --system DIR, or "
                         "--dump-system DIR)",
                         usage_keygen);
    cli_job job;
    if ((rc = cli_job_init(&job, np ? pos[0] : NULL, &o, o.dump_system != NULL)) != CLI_OK)
        return rc;
    swirl_vk *vk = NULL;
    uint8_t *bytes = NULL;
    size_t len = 0;
    if ((rc = keygen_job(&vk, &job)) == CLI_OK && o.dump_system)
        rc = cli_dump_system(&job, vk, o.dump_system);
    if (rc == CLI_OK && o.vk) {
        if (swirl_vk_to_bytes(&bytes, &len, vk) != SWIRL_OK) {
            fprintf(stderr, "swirl: encoding the key failed: %s\n", swirl_last_error());
            rc = CLI_FAILED;
        } else if ((rc = cli_write_file(o.vk, bytes, len)) == CLI_OK) {
            printf("wrote %s: verifying key of %s (%zu AIR%s, %zu bytes), pre-hash ", o.vk, job.air,
                   job.n_airs, job.n_airs == 1 ? "" : "s", len);
            print_pre_hash(stdout, vk);
            printf("\n");
        }
    }
    swirl_free(bytes);
    swirl_vk_destroy(vk);
    cli_job_clear(&job);
    return rc;
}

static void json_gpu_stages(FILE *f, const swirl_context *ctx) {
    size_t ns = 0;
    const swirl_stage *tr = swirl_context_stage_trace(ctx, &ns);
    fprintf(f, "[");
    for (size_t i = 0; i < ns; i++)
        fprintf(f,
                "%s{\"stage\":\"%s\",\"kernel_count\":%u,\"sync_count\":%u,\"gpu_ms\":%.3f,"
                "\"bytes\":%zu}",
                i ? "," : "", tr[i].name, tr[i].kernels, tr[i].syncs, tr[i].gpu_ms, tr[i].bytes);
    fprintf(f, "]");
}

static void print_gpu_stages(const swirl_context *ctx) {
    size_t ns = 0;
    const swirl_stage *tr = swirl_context_stage_trace(ctx, &ns);
    if (!ns)
        return;
    fprintf(stderr, "GPU stage trace (stage, kernel_count, sync_count, GPU ms, bytes moved):\n");
    for (size_t i = 0; i < ns; i++)
        fprintf(stderr, "  %-44s %5u %3u %9.3f %12zu\n", tr[i].name, tr[i].kernels, tr[i].syncs,
                tr[i].gpu_ms, tr[i].bytes);
}

static int prove_status_exit(enum swirl_status st) {
    return st == SWIRL_E_INVALID_ARG || st == SWIRL_E_IO ? CLI_BAD : CLI_FAILED;
}

/* prove --metrics FILE */
static int write_prove_metrics(const char *path, const cli_job *job, const swirl_context *ctx,
                               size_t len, double t_prove) {
    cli_mem_file m;
    FILE *f = cli_mem_open(&m);
    if (!f)
        return CLI_FAILED;
    fprintf(f,
            "{\"command\":\"prove\",\"air\":\"%s\",\"description\":\"%s\",\"backend\":\"%s\","
            "\"threads\":%d,\"trace_cells\":%zu,\"proof_bytes\":%zu,\"prove_ms\":%.3f,"
            "\"trace_path\":\"%s\",\"trace_gen_ms\":%.3f,\"params\":",
            job->air, job->desc, swirl_context_backend(ctx), swirl_context_threads(ctx),
            job->trace_cells, len, t_prove, job->trace_path ? job->trace_path : "host",
            job->trace_gen_ms);
    cli_json_params(f, &job->params);
    fprintf(f, ",\"spans\":");
    cli_json_spans(f);
    fprintf(f, ",\"gpu_stages\":");
    json_gpu_stages(f, ctx);
    fprintf(f, ",\"peak_device_bytes\":%zu}\n", swirl_context_device_peak_bytes(ctx));
    return cli_mem_commit(&m, path);
}

/* proves the job on ctx into *proof; prints the reason on failure */
static int prove_job(swirl_proof **proof, double *t_prove, swirl_context *ctx, const swirl_vk *vk,
                     const cli_job *job, const cli_opts *o) {
    int threads = swirl_context_threads(ctx);
    if (!o->quiet)
        fprintf(stderr, "swirl: proving %s (%s) on %s, %d thread%s\n", job->air, job->desc,
                swirl_context_backend(ctx), threads, threads == 1 ? "" : "s");
    if (!o->quiet && job->trace_path)
        fprintf(stderr, "swirl: trace %s the %s in %.1f ms (outside the proof)\n",
                job->sys ? "uploaded to" : "generated on", job->trace_path, job->trace_gen_ms);
    swirl_report_reset();
    double t0 = swirl_now_ms();
    enum swirl_status st = swirl_prove_device(ctx, proof, vk, job->in, job->dev_c);
    *t_prove = swirl_now_ms() - t0;
    if (o->transcript_log && swirl_context_transcript_result(ctx, NULL, NULL, NULL) != SWIRL_OK)
        return cli_transcript_result(ctx, o->transcript_log); /* the proof was made, not logged */
    if (st != SWIRL_OK) {
        fprintf(stderr, "swirl: prove failed: %s\n", swirl_last_error());
        return prove_status_exit(st);
    }
    return o->transcript_log ? cli_transcript_result(ctx, o->transcript_log) : CLI_OK;
}

static int cmd_prove(int argc, char **argv) {
    cli_opts o;
    const char *pos[1];
    int np, rc = parse_opts(argc, argv, 2, &o, pos, &np, 1, usage_prove);
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    if (np != (o.system ? 0 : 1) || !o.out || o.dump_system)
        return bad_usage("prove needs an AIR and --out PROOF_FILE (or --system DIR and --out)",
                         usage_prove);
    cli_job job;
    o.defer_trace = 1; /* keccakf: on the device when the context is cuda */
    if ((rc = cli_job_init(&job, np ? pos[0] : NULL, &o, 1)) != CLI_OK)
        return rc;
    swirl_vk *vk = NULL;
    swirl_context *ctx = NULL;
    swirl_proof *proof = NULL;
    uint8_t *bytes = NULL;
    size_t len = 0;
    double t_prove = 0;
    if ((rc = keygen_job(&vk, &job)) != CLI_OK ||
        (rc = make_context(&ctx, &o, o.backend ? o.backend : "auto", !o.quiet)) != CLI_OK ||
        (rc = cli_job_make_traces(&job, ctx, &o)) != CLI_OK ||
        (rc = prove_job(&proof, &t_prove, ctx, vk, &job, &o)) != CLI_OK)
        goto out;
    if (!o.quiet) {
        swirl_report_print(stderr);
        print_gpu_stages(ctx);
    }
    if (swirl_proof_to_bytes(&bytes, &len, proof, vk) != SWIRL_OK) {
        fprintf(stderr, "swirl: encoding the proof failed: %s\n", swirl_last_error());
        rc = CLI_FAILED;
        goto out;
    }
    if ((rc = cli_write_file(o.out, bytes, len)) != CLI_OK)
        goto out;
    printf("wrote %s: proof of %s (%s), %zu bytes, stark_prove_excluding_trace %.1f ms\n", o.out,
           job.air, job.desc, len, swirl_report_span_ms("stark_prove_excluding_trace"));
    if (o.metrics)
        rc = write_prove_metrics(o.metrics, &job, ctx, len, t_prove);
out:
    swirl_free(bytes);
    swirl_proof_destroy(proof);
    cli_job_drop_device(&job); /* before its context */
    swirl_context_destroy(ctx);
    swirl_vk_destroy(vk);
    cli_job_clear(&job);
    return rc;
}

/* verifies the proof bytes against the key; prints the verdict line and returns the exit code */
static int verify_bytes(const swirl_vk *vk, const uint8_t *pb, size_t pl, const cli_opts *o) {
    swirl_proof *proof = NULL;
    swirl_context *ctx = NULL;
    enum swirl_status st = swirl_proof_from_bytes(&proof, vk, pb, pl);
    if (st == SWIRL_OK) {
        int rc = make_context(&ctx, o, "cpu", 0);
        if (rc != CLI_OK) {
            swirl_proof_destroy(proof);
            return rc;
        }
        st = swirl_verify(ctx, vk, proof);
        /* the log of a rejected proof too: that is when it helps */
        int lrc = o->transcript_log ? cli_transcript_result(ctx, o->transcript_log) : CLI_OK;
        swirl_context_destroy(ctx);
        swirl_proof_destroy(proof);
        if (lrc != CLI_OK) {
            printf("error: cannot write the transcript log\n");
            return lrc;
        }
    }
    if (st == SWIRL_OK) {
        printf("accepted\n");
        return CLI_OK;
    }
    if (st == SWIRL_E_PROOF_REJECTED) {
        printf("rejected: %s\n", swirl_last_error());
        return CLI_REJECTED;
    }
    if (st == SWIRL_E_PROOF_MALFORMED) {
        printf("malformed: %s\n", swirl_last_error());
        return CLI_BAD;
    }
    printf("error: %s\n", swirl_last_error());
    return prove_status_exit(st);
}

static int cmd_verify(int argc, char **argv) {
    cli_opts o;
    const char *pos[1];
    int np, rc = parse_opts(argc, argv, 2, &o, pos, &np, 1, usage_verify);
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    if (np != 1 || !o.vk)
        return bad_usage("verify needs --vk VK_FILE and a PROOF_FILE", usage_verify);
    uint8_t *vkb = NULL, *pb = NULL;
    size_t vkl = 0, pl = 0;
    swirl_vk *vk = NULL;
    rc = CLI_BAD;
    if (cli_read_file(o.vk, &vkb, &vkl) || cli_read_file(pos[0], &pb, &pl))
        printf("malformed: cannot read the input files\n");
    else if (swirl_vk_from_bytes(&vk, vkb, vkl) != SWIRL_OK)
        printf("malformed: %s is not a verifying key: %s\n", o.vk, swirl_last_error());
    else
        rc = verify_bytes(vk, pb, pl, &o);
    swirl_vk_destroy(vk);
    free(vkb);
    free(pb);
    return rc;
}

static int cmd_inspect(int argc, char **argv) {
    cli_opts o;
    const char *pos[1];
    int np, rc = parse_opts(argc, argv, 2, &o, pos, &np, 1, usage_inspect);
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    if (np != 1)
        return bad_usage("inspect needs a PROOF_FILE", usage_inspect);
    return o.json ? cli_inspect_json(pos[0], o.vk) : cli_inspect(pos[0], o.vk);
}

static int cmd_encode_json(int argc, char **argv) {
    cli_opts o;
    const char *pos[1];
    int np, rc = parse_opts(argc, argv, 2, &o, pos, &np, 1, usage_encode_json);
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    if (np != 1 || !o.out)
        return bad_usage("encode-json needs a JSON_FILE and --out PROOF_FILE", usage_encode_json);
    return cli_encode_json(pos[0], o.vk, o.out);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static const char *const bench_spans[] = {
    "stark_prove_excluding_trace", "prover.main_trace_commit", "prover.rap_constraints",
    "prover.openings.stacked_reduction", "prover.openings.whir",
    /* host work inside the device stages (reported only where they ran); sr_host.observe_pending:
     * how long the stacked reduction still waits for the openings' observation */
    "rap_host.plan", "rap_host.prepare", "rap_host.enqueue", "rap_host.sync_wait",
    "rap_host.observe_openings", "rap_host.unpack", "sr_host.prepare", "sr_host.observe_pending", "sr_host.finish",
    "whir_host.size",
    "whir_host.plan", "whir_host.finish"};
enum { N_BENCH_SPANS = sizeof bench_spans / sizeof bench_spans[0], N_BENCH_MAIN_SPANS = 5 };

/* runs warmup + iters proofs; ms[it * N_BENCH_SPANS + s]: span s of timed run it */
static int bench_runs(double *ms, long warmup, long iters, swirl_context *ctx, const swirl_vk *vk,
                      const cli_job *job, double *wait_ms) {
    *wait_ms = 0.0;
    for (long it = -warmup; it < iters; it++) {
        swirl_proof *proof = NULL;
        swirl_report_reset();
        enum swirl_status st = swirl_prove_device(ctx, &proof, vk, job->in, job->dev_c);
        if (st != SWIRL_OK) {
            fprintf(stderr, "swirl: prove failed: %s\n", swirl_last_error());
            return prove_status_exit(st);
        }
        swirl_proof_destroy(proof);
        if (it == -1) { /* the timed runs use what the warm-up compiled in the background */
            unsigned waited = 0;
            double t0 = swirl_now_ms();
            (void)swirl_context_finish_compiles(ctx, &waited);
            *wait_ms = swirl_now_ms() - t0;
            if (waited)
                fprintf(stderr, "swirl: waited %.0f ms for %u background kernel compile%s "
                        "(kept in the disk cache for later runs)\n", *wait_ms, waited,
                        waited == 1 ? "" : "s");
        }
        if (it < 0)
            continue;
        for (int s = 0; s < N_BENCH_SPANS; s++)
            ms[(size_t)it * N_BENCH_SPANS + (size_t)s] = swirl_report_span_ms(bench_spans[s]);
        fprintf(stderr, "swirl: run %ld: %.1f ms\n", it + 1, ms[(size_t)it * N_BENCH_SPANS]);
    }
    return CLI_OK;
}

/* the table of medians on stdout and, with mf, the metrics JSON */
static int bench_report(FILE *mf, const double *ms, double *col, long iters, long warmup,
                        double wait_ms, const swirl_context *ctx, const cli_job *job) {
    if (mf)
        fprintf(mf,
                "{\"command\":\"bench\",\"air\":\"%s\",\"description\":\"%s\",\"backend\":\"%s\","
                "\"threads\":%d,\"iters\":%ld,\"warmup\":%ld,\"compile_wait_ms\":%.3f,"
                "\"trace_cells\":%zu,\"trace_path\":\"%s\",\"trace_gen_ms\":%.3f,\"spans\":{",
                job->air, job->desc, swirl_context_backend(ctx), swirl_context_threads(ctx), iters,
                warmup, wait_ms, job->trace_cells, job->trace_path ? job->trace_path : "host",
                job->trace_gen_ms);
    printf("%-36s %10s %10s %10s   (ms over %ld runs)\n", "span", "median", "min", "max", iters);
    for (int s = 0; s < N_BENCH_SPANS; s++) {
        for (long it = 0; it < iters; it++)
            col[it] = ms[(size_t)it * N_BENCH_SPANS + (size_t)s];
        qsort(col, (size_t)iters, sizeof *col, cmp_double);
        if (s >= N_BENCH_MAIN_SPANS && col[iters - 1] <= 0.0)
            continue; /* a host span of a stage that did not run on this backend */
        double med = iters % 2 ? col[iters / 2] : (col[iters / 2 - 1] + col[iters / 2]) / 2;
        printf("%-36s %10.1f %10.1f %10.1f\n", bench_spans[s], med, col[0], col[iters - 1]);
        if (mf)
            fprintf(mf, "%s\"%s\":{\"median_ms\":%.3f,\"min_ms\":%.3f,\"max_ms\":%.3f}",
                    s ? "," : "", bench_spans[s], med, col[0], col[iters - 1]);
    }
    if (!mf)
        return CLI_OK;
    fprintf(mf, "},\"gpu_stages_last_run\":");
    json_gpu_stages(mf, ctx);
    fprintf(mf, ",\"peak_device_bytes\":%zu}\n", swirl_context_device_peak_bytes(ctx));
    return ferror(mf) ? CLI_FAILED : CLI_OK; /* the caller commits the file */
}

static int cmd_bench(int argc, char **argv) {
    cli_opts o;
    const char *pos[1];
    int np, rc = parse_opts(argc, argv, 2, &o, pos, &np, 1, usage_bench);
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    if (np != (o.system ? 0 : 1) || o.dump_system)
        return bad_usage("bench needs an AIR (or --system DIR)", usage_bench);
    long iters = o.iters ? o.iters : 3, warmup = o.warmup ? o.warmup : 1;
    o.no_check = 1;          /* bench: a system's traces are not checked (prove --system does) */
    o.transcript_log = NULL; /* bench writes no transcript */
    if (iters > 1000 || warmup > 100)
        return bad_usage("--iters takes 1 to 1000, --warmup 0 to 100", usage_bench);
    cli_job job;
    o.defer_trace = 1; /* keccakf: on the device when the context is cuda */
    if ((rc = cli_job_init(&job, np ? pos[0] : NULL, &o, 1)) != CLI_OK)
        return rc;
    swirl_vk *vk = NULL;
    swirl_context *ctx = NULL;
    double *ms = calloc((size_t)iters * N_BENCH_SPANS, sizeof *ms);
    double *col = calloc((size_t)iters, sizeof *col);
    if (!ms || !col) {
        fprintf(stderr, "swirl: out of memory\n");
        rc = CLI_FAILED;
        goto out;
    }
    if ((rc = keygen_job(&vk, &job)) != CLI_OK ||
        (rc = make_context(&ctx, &o, o.backend ? o.backend : "auto", 0)) != CLI_OK ||
        (rc = cli_job_make_traces(&job, ctx, &o)) != CLI_OK)
        goto out;
    fprintf(stderr, "swirl: bench %s (%s) on %s, %d threads: %ld warm-up, %ld timed\n", job.air,
            job.desc, swirl_context_backend(ctx), swirl_context_threads(ctx), warmup, iters);
    if (job.trace_path)
        fprintf(stderr, "swirl: trace %s the %s in %.1f ms (outside the timed spans)\n",
                job.sys ? "uploaded to" : "generated on", job.trace_path, job.trace_gen_ms);
    double wait_ms = 0.0;
    if ((rc = bench_runs(ms, warmup, iters, ctx, vk, &job, &wait_ms)) != CLI_OK)
        goto out;
    cli_mem_file m = {NULL, NULL, 0};
    FILE *mf = NULL;
    if (o.metrics && !(mf = cli_mem_open(&m))) {
        rc = CLI_FAILED;
        goto out;
    }
    rc = bench_report(mf, ms, col, iters, warmup, wait_ms, ctx, &job);
    if (mf)
        rc = rc == CLI_OK ? cli_mem_commit(&m, o.metrics) : (cli_mem_discard(&m), rc);
out:
    free(ms);
    free(col);
    cli_job_drop_device(&job); /* before its context */
    swirl_context_destroy(ctx);
    swirl_vk_destroy(vk);
    cli_job_clear(&job);
    return rc;
}

int main(int argc, char **argv) {
    if (argc < 2)
        return bad_usage("no command", usage_main);
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage_main, stdout);
        fputs(usage_common, stdout);
        fputs(cli_builtin_help, stdout);
        return CLI_OK;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("swirl %s (OpenVM stark-backend v2.0.1 proofs, codec version 3)\n", swirl_version());
        return CLI_OK;
    }
    if (strcmp(cmd, "keygen") == 0)
        return cmd_keygen(argc, argv);
    if (strcmp(cmd, "prove") == 0)
        return cmd_prove(argc, argv);
    if (strcmp(cmd, "verify") == 0)
        return cmd_verify(argc, argv);
    if (strcmp(cmd, "inspect") == 0)
        return cmd_inspect(argc, argv);
    if (strcmp(cmd, "bench") == 0)
        return cmd_bench(argc, argv);
    if (strcmp(cmd, "report") == 0)
        return cli_cmd_report(argc, argv);
    if (strcmp(cmd, "encode-json") == 0)
        return cmd_encode_json(argc, argv);
    fprintf(stderr, "swirl: unknown command '%s'\n%s", cmd, usage_main);
    return CLI_BAD;
}
