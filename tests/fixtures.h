/* Shared test inputs (not part of the library): the sender/receiver bus traces used by the pipeline,
 * flow and GPU flow tests. */
#ifndef SWIRL_TESTS_FIXTURES_H
#define SWIRL_TESTS_FIXTURES_H

#include "field/bb31.h"

enum { SWIRL_FIX_HS = 32, SWIRL_FIX_HR = 4 };

/* A DummyInteractionAir sender of 32 rows (count, field): rows 0..3 send 100 + i with count i + 1, the
 * other rows count 0; the receiver's 4 rows take exactly those messages, so the bus balances. */
void swirl_fixture_bus_traces(bb31 sm[2 * SWIRL_FIX_HS], bb31 rm[2 * SWIRL_FIX_HR]);

#endif
