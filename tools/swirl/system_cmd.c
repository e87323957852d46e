/* The `swirl` program's AIR systems read from directories (--system DIR) and the built-ins
 * written as such directories (keygen AIR --dump-system DIR); the format is
 * swirl/swirl_system.h's. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int status_exit(enum swirl_status st) {
    return st == SWIRL_E_INVALID_ARG || st == SWIRL_E_IO || st == SWIRL_E_UNSUPPORTED ? CLI_BAD
                                                                                      : CLI_FAILED;
}

/* The directory's last path component, for job->air. */
static void set_name(cli_job *job, const char *dir) {
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/')
        len--;
    size_t start = len;
    while (start > 0 && dir[start - 1] != '/')
        start--;
    snprintf(job->air, sizeof job->air, "%.*s", (int)(len - start), dir + start);
}

/* The debug checks OpenVM's prover runs in debug builds: every constraint on every row, and the
 * interaction balance, so that a bad trace fails here (exit 1) instead of as a rejected proof. */
static int check_traces(const cli_job *job, const char *dir) {
    size_t bad = 0;
    enum swirl_status st = swirl_system_check_traces(job->sys, &bad);
    if (st == SWIRL_OK)
        return CLI_OK;
    if (st == SWIRL_E_NOMEM)
        fprintf(stderr, "swirl: out of memory\n");
    else if (bad < job->n_airs)
        fprintf(stderr, "swirl: %s/inputs/trace_%zu.npy does not satisfy its AIR: %s\n", dir, bad,
                swirl_last_error());
    else
        fprintf(stderr, "swirl: the traces of %s do not balance their interactions: %s\n", dir,
                swirl_last_error());
    return status_exit(st);
}

static void set_desc(cli_job *job, int traces) {
    size_t n = job->n_airs, max_h = 0;
    for (size_t i = 0; traces && i < n; i++)
        max_h = job->in[i].height > max_h ? job->in[i].height : max_h;
    if (traces)
        snprintf(job->desc, sizeof job->desc, "%zu AIR%s, tallest trace %zu rows, %zu cells", n,
                 n == 1 ? "" : "s", max_h, job->trace_cells);
    else
        snprintf(job->desc, sizeof job->desc, "%zu AIR%s", n, n == 1 ? "" : "s");
}

int cli_system_job_init(cli_job *job, const char *dir, int traces, int check) {
    memset(job, 0, sizeof *job);
    enum swirl_status st = swirl_system_load(&job->sys, dir, traces);
    if (st != SWIRL_OK) {
        fprintf(stderr, "swirl: --system %s: %s\n", dir, swirl_last_error());
        return status_exit(st);
    }
    int rc;
    job->params = *swirl_system_get_params(job->sys);
    job->n_airs = swirl_system_num_airs(job->sys);
    job->ka = calloc(job->n_airs, sizeof *job->ka);
    job->in = calloc(job->n_airs, sizeof *job->in);
    if (!job->ka || !job->in) {
        fprintf(stderr, "swirl: out of memory\n");
        cli_job_clear(job);
        return CLI_FAILED;
    }
    if (traces && check && (rc = check_traces(job, dir)) != CLI_OK) {
        cli_job_clear(job);
        return rc;
    }
    swirl_system_get_air_specs(job->sys, job->ka);
    if (traces && swirl_system_get_traces(job->sys, job->in) != SWIRL_OK) {
        fprintf(stderr, "swirl: --system %s: %s\n", dir, swirl_last_error());
        cli_job_clear(job);
        return CLI_FAILED;
    }
    job->trace_cells = swirl_system_trace_cells(job->sys);
    set_name(job, dir);
    job->sys_dir = dir;
    set_desc(job, traces);
    return CLI_OK;
}

int cli_job_check_vk(const cli_job *job, const swirl_vk *vk) {
    if (!job->sys)
        return CLI_OK;
    enum swirl_status st = swirl_system_check_vk(job->sys, vk, job->sys_dir);
    if (st == SWIRL_OK)
        return CLI_OK;
    fprintf(stderr, "swirl: the key does not match the system's expectations: %s\n",
            swirl_last_error());
    return CLI_BAD;
}

int cli_dump_system(const cli_job *job, const swirl_vk *vk, const char *dir) {
    char ref[256];
    snprintf(ref, sizeof ref, "swirl %s keygen %s --dump-system (%s)", swirl_version(), job->air,
             job->desc);
    enum swirl_status st =
        swirl_system_write(dir, &job->params, job->ka, job->in, job->n_airs, vk, ref);
    if (st != SWIRL_OK) {
        if (st == SWIRL_E_NOMEM)
            fprintf(stderr, "swirl: out of memory\n");
        else
            fprintf(stderr, "swirl: --dump-system %s: %s\n", dir, swirl_last_error());
        return status_exit(st);
    }
    printf("wrote %s: system of %s (%s)\n", dir, job->air, job->desc);
    return CLI_OK;
}
