/*
 * `swirl inspect`: a summary of a proof file. The encoding (OpenVM v2.0.1 proof.rs, codec version
 * 3) describes its own shape, so the file is summarized without a key (swirl_proof_summarize):
 * each part's byte range, the AIRs present with their log heights, and the parameters the shape
 * implies. With --vk the proof is also decoded against the key (every shape check) and the key's
 * parameters are printed.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "swirl/swirl_inspect.h"

static void print_summary(const char *proof_path, size_t len, const swirl_proof_summary *s) {
    static const char *const names[] = {"header (version, commit, heights, public values)",
                                        "gkr_proof", "batch_constraint_proof", "stacking_proof",
                                        "whir_proof"};
    printf("proof %s: %zu bytes, codec version 3\n", proof_path, len);
    printf("parts:\n");
    for (int p = 0; p < SWIRL_PROOF_PARTS; p++)
        printf("  %-50s %9zu bytes (%5.1f%%)\n", names[p], s->part_end[p] - s->part_start[p],
               100.0 * (double)(s->part_end[p] - s->part_start[p]) / (double)len);
    printf("AIRs: %zu in the key, %zu present\n", s->n_airs, s->n_present);
    size_t next = 0; /* s->present is by AIR index */
    for (size_t i = 0; i < s->n_airs && i < 256; i++) {
        if (next < s->n_present && s->present[next].air == i) {
            uint32_t lh = s->present[next++].log_height;
            printf("  AIR %zu: log height %u (%lu rows)\n", i, lh, 1UL << (lh < 63 ? lh : 0));
        } else {
            printf("  AIR %zu: absent\n", i);
        }
    }
    printf("shape: GKR layers %zu; constraint sumcheck: round 0 %zu coefficients, %zu rounds of "
           "%zu evaluations (degree %zu)\n",
           s->gkr_layers, s->univariate_coeffs, s->sumcheck_rounds, s->sumcheck_round_evals,
           s->sumcheck_round_evals ? s->sumcheck_round_evals - 1 : 0);
    printf(
        "       l_skip %zu, n_stack %zu, %zu commitment(s), %zu stacked columns; WHIR %zu rounds, "
        "k %zu, %zu initial queries, final polynomial %zu coefficients\n",
        s->l_skip, s->n_stack, s->n_commits, s->stacked_columns, s->whir_rounds, s->whir_k,
        s->whir_initial_queries, s->final_poly_len);
}

static void print_key(const char *vk_path, const swirl_vk *vk) {
    const swirl_system_params *p = swirl_vk_params(vk);
    printf("key %s: %zu AIRs; l_skip %zu, n_stack %zu, w_stack %zu, log_blowup %zu, "
           "max constraint degree %zu; WHIR k %zu, %zu rounds, queries",
           vk_path, swirl_vk_num_airs(vk), p->l_skip, p->n_stack, p->w_stack, p->log_blowup,
           p->max_constraint_degree, p->whir.k, p->whir.num_rounds);
    for (size_t i = 0; i < p->whir.num_rounds; i++)
        printf(" %zu", p->whir.num_queries[i]);
    printf(", PoW bits mu %zu / folding %zu / query %zu; LogUp PoW %zu bits\n", p->whir.mu_pow_bits,
           p->whir.folding_pow_bits, p->whir.query_phase_pow_bits, p->logup.pow_bits);
}

/* inspect --vk: the key's parameters and a decode of the proof against it */
static int inspect_with_key(const uint8_t *b, size_t len, const char *vk_path) {
    uint8_t *vkb = NULL;
    size_t vkl = 0;
    swirl_vk *vk = NULL;
    swirl_proof *proof = NULL;
    int rc = CLI_BAD;
    if (cli_read_file(vk_path, &vkb, &vkl)) {
        rc = CLI_BAD;
    } else if (swirl_vk_from_bytes(&vk, vkb, vkl) != SWIRL_OK) {
        printf("malformed key %s: %s\n", vk_path, swirl_last_error());
    } else {
        print_key(vk_path, vk);
        if (swirl_proof_from_bytes(&proof, vk, b, len) != SWIRL_OK) {
            printf("the proof does not fit the key: %s\n", swirl_last_error());
        } else {
            printf("the proof decodes against the key (not verified: use swirl verify)\n");
            rc = CLI_OK;
        }
    }
    swirl_proof_destroy(proof);
    swirl_vk_destroy(vk);
    free(vkb);
    return rc;
}

int cli_inspect(const char *proof_path, const char *vk_path) {
    uint8_t *b = NULL;
    size_t len = 0;
    if (cli_read_file(proof_path, &b, &len))
        return CLI_BAD;
    swirl_proof_summary s;
    if (swirl_proof_summarize(&s, b, len) != SWIRL_OK) {
        printf("malformed: %s\n", swirl_last_error());
        free(b);
        return CLI_BAD;
    }
    print_summary(proof_path, len, &s);
    swirl_proof_summary_clear(&s);
    int rc = vk_path ? inspect_with_key(b, len, vk_path) : CLI_OK;
    free(b);
    return rc;
}
