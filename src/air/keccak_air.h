/* KeccakAir's constraints (Plonky3 0.4.3 keccak-air) through the libswirl builder. */
#ifndef SWIRL_AIR_KECCAK_AIR_H
#define SWIRL_AIR_KECCAK_AIR_H

#include "swirl/swirl_air.h"

#define SWIRL_KECCAK_NUM_CONSTRAINTS 3182

#ifdef __cplusplus
extern "C" {
#endif

/** A builder holding KeccakAir's 3182 constraints (one common main partition, 2633 columns). */
enum swirl_status swirl_keccak_air_build(swirl_air_builder **out) SWIRL_WARN_UNUSED_RESULT;

#ifdef __cplusplus
}
#endif

#endif
