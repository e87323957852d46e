/* Shared test inputs (see fixtures.h). */
#include "fixtures.h"

#include <string.h>

void swirl_fixture_bus_traces(bb31 sm[2 * SWIRL_FIX_HS], bb31 rm[2 * SWIRL_FIX_HR]) {
    memset(sm, 0, 2 * SWIRL_FIX_HS * sizeof(bb31));
    for (int i = 0; i < SWIRL_FIX_HS; i++)
        sm[SWIRL_FIX_HS + i] = bb31_from_u32((uint32_t)(100 + i));
    for (int i = 0; i < SWIRL_FIX_HR; i++) {
        sm[i] = bb31_from_u32((uint32_t)(i + 1));
        rm[i] = sm[i];
        rm[SWIRL_FIX_HR + i] = sm[SWIRL_FIX_HS + i];
    }
}
