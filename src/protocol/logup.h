/*
 * The LogUp input layer (OpenVM v2.0.1 prover/logup_zerocheck/mod.rs prove_zerocheck_and_logup,
 * single.rs eval_interactions, lib.rs calculate_n_logup): every interaction of every trace becomes
 * a column of fractions count / (alpha + h_beta(message)), with
 *   h_beta(m) = beta^len(m) (bus + 1) + sum_j beta^j m_j,
 * laid out with the interactions stacked layout (threshold 0, total height 2^(l_skip + n_logup));
 * a trace shorter than 2^l_skip is repeated cyclically with its counts scaled by
 * 2^-(l_skip - log height); unused leaves are 0 / alpha.
 */
#ifndef SWIRL_PROTOCOL_LOGUP_H
#define SWIRL_PROTOCOL_LOGUP_H

#include <stdint.h>

#include "air/dag.h"
#include "field/bb31_ext4.h"

#ifdef __cplusplus
extern "C" {
#endif

/** calculate_n_logup: bits(total) - l_skip, or 0 when there are no interactions. */
unsigned swirl_calculate_n_logup(unsigned l_skip, uint64_t total_interactions);

/**
 * The GKR input leaves for the traces (sorted by height, descending). On success *p and *q (free()
 * them) hold 2^*log_len fractions, or are NULL with *log_len = 0 when no trace has interactions.
 */
enum swirl_status swirl_logup_gkr_input(bb31x4 **p, bb31x4 **q, unsigned *log_len,
                                        const swirl_air_instance *traces, size_t n,
                                        unsigned l_skip, bb31x4 alpha,
                                        bb31x4 beta) SWIRL_WARN_UNUSED_RESULT;

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_PROTOCOL_LOGUP_H */
