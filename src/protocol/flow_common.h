/*
 * What the prover's flow (prover/prove.c) and the verifier's (protocol/flow.c) share: the trace
 * order, the key's checks, the header observations that start the transcript, the commitment count
 * and the WHIR point. Internal to the two flows.
 */
#ifndef SWIRL_PROTOCOL_FLOW_COMMON_H
#define SWIRL_PROTOCOL_FLOW_COMMON_H

#include "protocol/flow.h"

/** The present AIRs in proving order: log height descending, ties in AIR order; returns their
 *  count. */
size_t swirl_flow_sort_order(size_t *order, const unsigned *log_heights, const uint8_t *present,
                             size_t n);
/** The key's shape checks shared by both sides (SWIRL_E_INVALID_ARG naming the AIR). */
enum swirl_status swirl_flow_check_vk(const swirl_vk *vk) SWIRL_WARN_UNUSED_RESULT;
/** log2 of a preprocessed AIR's trace height (OpenVM verifier/mod.rs:142). */
unsigned swirl_flow_preprocessed_log_height(const swirl_vk *vk, size_t i);
/** The observations before rap_constraints (OpenVM prover/mod.rs:110-175,
 *  verifier/mod.rs:129-161). */
void swirl_flow_observe_header(swirl_transcript *t, const swirl_vk *vk, const swirl_proof *proof);
/** The commitments after the common main: per present AIR its preprocessed and cached ones. */
size_t swirl_flow_count_other_commits(const swirl_vk *vk, const size_t *order, size_t n);
/** WHIR's point from the stacked reduction's u: u_0, its squares up to l_skip, then the cube. */
void swirl_flow_cube_point(bb31x4 *ucube, const bb31x4 *u, size_t l_skip, size_t n_stack);

#endif /* SWIRL_PROTOCOL_FLOW_COMMON_H */
