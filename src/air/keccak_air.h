/* KeccakAir's constraints (Plonky3 0.4.3 keccak-air) through the libswirl builder. */
#ifndef SWIRL_AIR_KECCAK_AIR_H
#define SWIRL_AIR_KECCAK_AIR_H

#include "swirl/swirl_airs.h"
#include "swirl/swirl_air.h"

#define SWIRL_KECCAK_NUM_CONSTRAINTS 3182

#endif
