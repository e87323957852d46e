/* The `swirl` command-line program: shared declarations of its files (main.c: commands and
 * options, builtins.c: the built-in AIR sets, system_cmd.c: AIR systems read from / written to
 * directories, inspect.c: the proof summary, metrics.c: JSON, proof_io.c: proofs as JSON and
 * transcript logs, files.c: whole files read and written). The program uses the public API only
 * (include/swirl): CMake gives it no private include path. */
#ifndef SWIRL_TOOLS_CLI_H
#define SWIRL_TOOLS_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "swirl/swirl.h"
#include "swirl/swirl_air.h"
#include "swirl/swirl_params.h"
#include "swirl/swirl_prover.h"
#include "swirl/swirl_system.h"

/* Exit codes (the README's CLI contract). */
enum { CLI_OK = 0, CLI_REJECTED = 1, CLI_FAILED = 1, CLI_BAD = 2 };

/* Options shared by the commands (NULL / 0: not given). */
typedef struct cli_opts {
    const char *vk, *out, *inputs, *backend, *metrics, *security;
    const char *transcript_log;       /* --transcript-log DIR */
    const char *system, *dump_system; /* --system DIR, --dump-system DIR */
    long perms, rows, threads, iters, warmup;
    int quiet, json, no_check; /* --quiet, --json, --no-check */
    int host_trace;            /* --host-trace: keccakf's trace from the CPU even on a GPU */
    int defer_trace;           /* prove/bench: keccakf's trace made by cli_job_make_traces */
} cli_opts;

/* A built-in AIR set or a --system directory with its parameters and (for prove/bench) its
 * traces. Owns everything. */
typedef struct cli_job {
    char air[32];
    swirl_system_params params;
    swirl_air *airs[4]; /* built-ins (a system's AIRs belong to sys) */
    swirl_air_spec *ka; /* n_airs entries: ka_store, or malloc'd for a system */
    swirl_trace *in;    /* n_airs entries: in_store, or malloc'd for a system */
    swirl_air_spec ka_store[4];
    swirl_trace in_store[4];
    size_t n_airs;
    swirl_system *sys;   /* --system: the loaded directory */
    const char *sys_dir; /* --system: its path (borrowed) */
    void *owned[16];     /* buffers of this program (free) */
    void *lib_owned[16]; /* buffers the library returned (swirl_free) */
    size_t n_owned, n_lib_owned;
    swirl_felt pv[4][4];
    size_t trace_cells;
    /* keccakf with defer_trace: the inputs (borrowed or lib_owned) until cli_job_make_traces */
    const uint64_t (*kin)[25];
    size_t kn;
    /* device traces, n_airs entries when any (cli_job_make_traces; cli_job_drop_device before
     * the context); dev_c NULL: every trace on the host */
    swirl_device_trace **dev;
    const swirl_device_trace **dev_c;
    double trace_gen_ms;             /* trace generation, outside the prove span */
    const char *trace_path;          /* "host" or "device" */
    char desc[160]; /* e.g. "1024 permutations, trace 32768 x 2633" */
} cli_job;

/* Names of the built-in AIR sets, for --help. */
extern const char *const cli_builtin_names[];
extern const char *const cli_builtin_help;

/* Sets up the AIRs and parameters of `air` (or of the directory o->system when air is NULL) and,
 * with traces != 0, its traces. On failure prints the reason to stderr and returns CLI_BAD
 * (unknown AIR, bad option, bad system files) or CLI_FAILED. */
int cli_job_init(cli_job *job, const char *air, const cli_opts *o, int traces);
void cli_job_clear(cli_job *job);
/* Makes a deferred keccakf trace on ctx: on the device when ctx's backend is cuda (unless
 * --host-trace), else on the host; a --system job's traces are uploaded to the device then
 * (swirl_device_trace_upload), so its proof, like keccakf's, starts from traces in device
 * memory. Times it (trace_gen_ms: generation or upload) and says where the traces are
 * (trace_path). Prints the reason and returns CLI_FAILED on failure. No-op for other jobs. */
int cli_job_make_traces(cli_job *job, swirl_context *ctx, const cli_opts *o);
/* Destroys the job's device traces; call it before destroying their context. */
void cli_job_drop_device(cli_job *job);

/* system_cmd.c: loads a system directory into a job (cli_job_init's --system case); with traces
 * and check, every constraint and the interaction balance are checked on the traces first (exit 1
 * naming the trace file, AIR, constraint and row when they fail). */
int cli_system_job_init(cli_job *job, const char *dir, int traces, int check);
/* Checks a system job's key against its meta.json expectations (CLI_OK for built-ins); prints
 * the mismatch and returns CLI_BAD. */
int cli_job_check_vk(const cli_job *job, const swirl_vk *vk);
/* Writes a job (with traces) as a system directory with the key's pre-hash as expectation. */
int cli_dump_system(const cli_job *job, const swirl_vk *vk, const char *dir);

/* Reads a whole file (free() *data). Prints the reason and returns non-zero on failure. */
int cli_read_file(const char *path, uint8_t **data, size_t *len);
/* Writes through a temporary file in the same directory renamed over path (a device or pipe is
 * written in place): no partial file on failure. Prints the reason; returns CLI_BAD. */
int cli_write_file(const char *path, const uint8_t *data, size_t len);

/* A text file built in memory and written atomically (temporary file + rename) by cli_mem_commit:
 * metrics files never exist half-written (files.c). */
typedef struct cli_mem_file {
    FILE *f;
    char *buf;
    size_t len;
} cli_mem_file;
FILE *cli_mem_open(cli_mem_file *m);
int cli_mem_commit(cli_mem_file *m, const char *path);
void cli_mem_discard(cli_mem_file *m);

/* `swirl report METRICS --svg OUT` (report.c) */
int cli_cmd_report(int argc, char **argv);
int cli_report(const char *metrics_path, const char *svg_path);

/* `swirl inspect` */
int cli_inspect(const char *proof_path, const char *vk_path);

/* `swirl inspect --json`: the proof as OpenVM-named JSON on stdout (with vk_path: checked against
 * the key, plus "vk_pre_hash"). `swirl encode-json`: JSON back to proof bytes at out_path (vk_path
 * may be NULL: then only OpenVM's structure is checked). Print the reason; return an exit code. */
int cli_inspect_json(const char *proof_path, const char *vk_path);
int cli_encode_json(const char *json_path, const char *vk_path, const char *out_path);
/* After swirl_prove / swirl_verify on a context with the transcript directory dir: prints what
 * was written (stderr) and returns CLI_OK, or prints why the write failed and returns CLI_BAD
 * (I/O) or CLI_FAILED. */
int cli_transcript_result(const swirl_context *ctx, const char *dir);

/* Metrics JSON: the spans of the calling thread and the GPU stage trace. */
void cli_json_spans(FILE *f);
void cli_json_params(FILE *f, const swirl_system_params *p);

#endif
