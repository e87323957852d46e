/* PoW grinding on the GPU for the host transcript (transcript/transcript.h's swirl_grind_fn): the
 * CUDA backend attaches it to the prover's transcript, so every PoW of a stage that still runs on
 * the CPU (LogUp PoW, WHIR's folding and query PoW) searches on the device. */
#ifndef SWIRL_PROVER_CUDA_POW_H
#define SWIRL_PROVER_CUDA_POW_H

#include <stddef.h>

#include "transcript/transcript.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * A swirl_grind_fn; ctx is the swirl_cuda_ctx. One stage "pow_grind" per call (one host sync):
 * the state goes up, the device search (transcript.cu: smallest witness, as on the CPU) runs, the
 * witness comes down. Its device memory is scratch taken from the arena's free space and given
 * back (swirl_cuda_pow_bytes of headroom must be reserved). Without CUDA: SWIRL_E_NO_DEVICE.
 */
enum swirl_status swirl_cuda_pow_grind(void *ctx, const swirl_transcript *t, unsigned bits,
                                       bb31 *witness) SWIRL_WARN_UNUSED_RESULT;
/** The arena bytes one grind takes (256-byte aligned pieces included). */
size_t swirl_cuda_pow_bytes(void);

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_PROVER_CUDA_POW_H */
