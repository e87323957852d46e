/* Metrics JSON pieces of the `swirl` program: the span tree and the system parameters. */
#include "cli.h"
#include "swirl/swirl_report.h"

void cli_json_spans(FILE *f) {
    size_t n = 0;
    const swirl_span *r = swirl_report_spans(&n);
    fprintf(f, "[");
    double t0 = n ? r[0].start_ms : 0; /* start_ms: relative to the first span's start */
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s{\"name\":\"%s\",\"depth\":%d,\"parent\":%d,\"start_ms\":%.3f,\"ms\":%.3f}",
                i ? "," : "", r[i].name, r[i].depth, r[i].parent, r[i].start_ms - t0, r[i].ms);
    fprintf(f, "]");
}

void cli_json_params(FILE *f, const swirl_system_params *p) {
    fprintf(f,
            "{\"l_skip\":%zu,\"n_stack\":%zu,\"w_stack\":%zu,\"log_blowup\":%zu,"
            "\"max_constraint_degree\":%zu,\"k_whir\":%zu,\"whir_rounds\":%zu,"
            "\"mu_pow_bits\":%zu,\"folding_pow_bits\":%zu,\"query_phase_pow_bits\":%zu,"
            "\"logup_pow_bits\":%zu,\"whir_queries\":[",
            p->l_skip, p->n_stack, p->w_stack, p->log_blowup, p->max_constraint_degree, p->whir.k,
            p->whir.num_rounds, p->whir.mu_pow_bits, p->whir.folding_pow_bits,
            p->whir.query_phase_pow_bits, p->logup.pow_bits);
    for (size_t i = 0; i < p->whir.num_rounds; i++)
        fprintf(f, "%s%zu", i ? "," : "", p->whir.num_queries[i]);
    fprintf(f, "]}");
}
