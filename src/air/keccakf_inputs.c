/* OpenVM's keccakf example inputs as library data (swirl_keccakf_example_inputs, swirl_airs.h). */
#include "air/keccak_trace.h"
#include "air/keccakf_inputs_1024.h"

const uint64_t (*swirl_keccakf_example_inputs(size_t *n))[25] {
    if (n)
        *n = sizeof kat_keccakf_inputs_1024 / sizeof kat_keccakf_inputs_1024[0];
    return kat_keccakf_inputs_1024;
}
