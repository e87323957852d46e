/* The `swirl` program's AIR systems read from directories (--system DIR) and the built-ins
 * written as such directories (keygen AIR --dump-system DIR); the format is protocol/system.h's. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "protocol/system.h"
#include "util/common.h"

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
    const swirl_system *s = job->sys;
    swirl_air_instance *inst = calloc(s->n_airs, sizeof *inst);
    if (!inst) {
        fprintf(stderr, "swirl: out of memory\n");
        return CLI_FAILED;
    }
    enum swirl_status st = SWIRL_OK;
    for (size_t i = 0; i < s->n_airs && st == SWIRL_OK; i++) {
        const swirl_system_air *a = &s->airs[i];
        size_t bad_c, bad_row;
        st = swirl_air_check_constraints(a->air, NULL, NULL, a->trace, a->height, a->public_values,
                                         &bad_c, &bad_row);
        if (st != SWIRL_OK)
            fprintf(stderr, "swirl: %s/inputs/trace_%zu.npy does not satisfy its AIR: %s\n", dir, i,
                    swirl_last_error());
        swirl_air_instance in = {a->air, NULL, NULL, a->trace, a->height, a->public_values};
        inst[i] = in;
    }
    if (st == SWIRL_OK && (st = swirl_check_interactions(inst, s->n_airs)) != SWIRL_OK)
        fprintf(stderr, "swirl: the traces of %s do not balance their interactions: %s\n", dir,
                swirl_last_error());
    free(inst);
    return st == SWIRL_OK ? CLI_OK : status_exit(st);
}

int cli_system_job_init(cli_job *job, const char *dir, int traces, int check) {
    memset(job, 0, sizeof *job);
    enum swirl_status st = swirl_system_load(&job->sys, dir, traces);
    if (st != SWIRL_OK) {
        fprintf(stderr, "swirl: --system %s: %s\n", dir, swirl_last_error());
        return status_exit(st);
    }
    const swirl_system *s = job->sys;
    int rc;
    job->params = s->params;
    job->n_airs = s->n_airs;
    job->ka = calloc(s->n_airs, sizeof *job->ka);
    job->in = calloc(s->n_airs, sizeof *job->in);
    if (!job->ka || !job->in) {
        fprintf(stderr, "swirl: out of memory\n");
        cli_job_clear(job);
        return CLI_FAILED;
    }
    if (traces && check && (rc = check_traces(job, dir)) != CLI_OK) {
        cli_job_clear(job);
        return rc;
    }
    swirl_system_keygen_airs(s, job->ka);
    swirl_system_trace_inputs(s, job->in);
    job->trace_cells = s->trace_cells;
    set_name(job, dir);
    job->sys_dir = dir;
    size_t max_h = 0;
    for (size_t i = 0; i < s->n_airs; i++)
        max_h = s->airs[i].height > max_h ? s->airs[i].height : max_h;
    if (traces)
        snprintf(job->desc, sizeof job->desc, "%zu AIR%s, tallest trace %zu rows, %zu cells",
                 s->n_airs, s->n_airs == 1 ? "" : "s", max_h, s->trace_cells);
    else
        snprintf(job->desc, sizeof job->desc, "%zu AIR%s", s->n_airs, s->n_airs == 1 ? "" : "s");
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
    swirl_system_out_air *airs = calloc(job->n_airs, sizeof *airs);
    if (!airs) {
        fprintf(stderr, "swirl: out of memory\n");
        return CLI_FAILED;
    }
    for (size_t i = 0; i < job->n_airs; i++) {
        swirl_system_out_air a = {job->ka[i].air, job->ka[i].is_required, job->in[i].common,
                                  job->in[i].height, job->in[i].public_values};
        airs[i] = a;
    }
    char ref[256];
    snprintf(ref, sizeof ref, "swirl %s keygen %s --dump-system (%s)", swirl_version(), job->air,
             job->desc);
    enum swirl_status st =
        swirl_system_save(dir, &job->params, airs, job->n_airs, &vk->pre_hash, ref);
    free(airs);
    if (st != SWIRL_OK) {
        fprintf(stderr, "swirl: --dump-system %s: %s\n", dir, swirl_last_error());
        return status_exit(st);
    }
    printf("wrote %s: system of %s (%s)\n", dir, job->air, job->desc);
    return CLI_OK;
}
