/*
 * The LogUp-GKR prover on the GPU (device/cuda/cuda_gkr.h) with swirl_gkr_prove's result: the
 * whole protocol runs on the device with Fiat-Shamir on a device transcript (one host sync, one
 * download of the proof buffer); this turns the downloaded buffer into a swirl_gkr_proof and the
 * challenge point. Without CUDA the device calls answer SWIRL_E_NO_DEVICE.
 */
#ifndef SWIRL_PROTOCOL_GKR_CUDA_H
#define SWIRL_PROTOCOL_GKR_CUDA_H

#include "device/cuda/cuda_gkr.h"
#include "protocol/gkr.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * swirl_gkr_prove on the device: the leaves d_p, d_q (2^n each, device memory), the transcript
 * *d_t in device memory (left in the state after GKR, as swirl_gkr_prove leaves its transcript).
 * Fills proof (not the PoW witness) and xi_out (n values); SWIRL_E_UNSATISFIED when the fractions
 * do not sum to zero (the device transcript has then advanced). Runs as one stage with one host
 * sync (swirl_cuda_gkr_prove). The test hooks that forge values are not applied on the device.
 */
enum swirl_status swirl_gkr_prove_cuda(swirl_cuda_ctx *ctx, swirl_gkr_proof *proof,
                                       bb31x4 *xi_out, swirl_transcript *d_t, const bb31x4 *d_p,
                                       const bb31x4 *d_q, unsigned n) SWIRL_WARN_UNUSED_RESULT;

/** The proof and the point from a downloaded device proof buffer (swirl_gkr_proof_len(n)
 *  entries); SWIRL_E_UNSATISFIED when its root numerator is not zero. */
enum swirl_status swirl_gkr_proof_from_device_buffer(swirl_gkr_proof *proof, bb31x4 *xi_out,
                                                     const bb31x4 *buf,
                                                     unsigned n) SWIRL_WARN_UNUSED_RESULT;

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_PROTOCOL_GKR_CUDA_H */
