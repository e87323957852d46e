/* Shared test inputs (not part of the library): the sender/receiver bus traces used by the
 * pipeline, flow and GPU flow tests. */
#ifndef SWIRL_TESTS_FIXTURES_H
#define SWIRL_TESTS_FIXTURES_H

#include "air/dag.h"
#include "field/bb31.h"
#include "protocol/flow.h"

enum { SWIRL_FIX_HS = 32, SWIRL_FIX_HR = 4 };

/* Fast (insecure) SystemParams for tests: l_skip, n_stack, w_stack 16, log_blowup 1, degree 3,
 * unique decoding, WHIR folding factor k with final length 2^log_final, `pow_bits` for each WHIR
 * grinding (mu, folding, query), `security_bits` of WHIR security; OpenVM's 100-bit LogUp
 * parameters. */
swirl_system_params swirl_fixture_params(unsigned l_skip, unsigned n_stack, unsigned k,
                                         unsigned log_final, unsigned pow_bits,
                                         unsigned security_bits);
/* swirl_fixture_params with k 2, final length 2^2, PoW bits 1, and LogUp PoW 2. */
swirl_system_params swirl_fixture_small_params(size_t l_skip, size_t n_stack, size_t security_bits);
/* Hand-set SystemParams whose verifying-key bytes tests spell out (l_skip 1, n_stack 2, w_stack 3,
 * one WHIR round of 5 queries, PoW 2/3/4, LogUp max count 300, message length 2^7, PoW 18). */
swirl_system_params swirl_fixture_tiny_params(void);

/* Compiles a builder with max degree 3 and destroys it (CHECK on failure). */
swirl_air *swirl_fixture_compile(swirl_air_builder *b);

/* A DummyInteractionAir sender of 32 rows (count, field): rows 0..3 send 100 + i with count i + 1,
 * the other rows count 0; the receiver's 4 rows take exactly those messages, so the bus balances.
 */
void swirl_fixture_bus_traces(bb31 sm[2 * SWIRL_FIX_HS], bb31 rm[2 * SWIRL_FIX_HR]);

/* fib_selector (LookupBus 0, preprocessed selectors 1,1,0,1,0,1,1,0; 8 rows, public values (0, 1,
 * x)) and a DummyInteractionAir sender of 32 rows that sends every fib row's key left + right with
 * the row's selector as count (rows 8.. count 0): balanced. inst[] is sorted by height (sender
 * first). */
enum { SWIRL_FIX_NF = 8, SWIRL_FIX_NS = 32 };
typedef struct swirl_fixture_lookup {
    swirl_air *fib, *send;
    bb31 *m; /* fib main trace (owned) */
    bb31 pre[SWIRL_FIX_NF], pv[3], sm[2 * SWIRL_FIX_NS];
    swirl_air_instance inst[2];
} swirl_fixture_lookup;
void swirl_fixture_lookup_init(swirl_fixture_lookup *f);
void swirl_fixture_lookup_clear(swirl_fixture_lookup *f);

/* Three AIRs in vk order fib (2 rows, public values (0, 1, x)), bus sender (32 rows), bus receiver
 * (4 rows, the traces of swirl_fixture_bus_traces) on bus 3, keyed with `params`; in[] are the
 * prover inputs (given out of height order). */
typedef struct swirl_fixture_three {
    swirl_air *fib, *send, *recv;
    swirl_vk *vk;
    bb31 sm[2 * SWIRL_FIX_HS], rm[2 * SWIRL_FIX_HR], *fm, pv[3];
    swirl_trace_input in[3];
} swirl_fixture_three;
void swirl_fixture_three_init(swirl_fixture_three *f, const swirl_system_params *params);
void swirl_fixture_three_clear(swirl_fixture_three *f);

/* n random field elements (malloc'd, never NULL: the test fails on out of memory) */
bb31 *swirl_test_rand_felts(size_t n);

/* GPU tests: 1 (after printing "SKIP: no CUDA device ...") when no CUDA device can be used, so
 * main returns 77 (ctest's skip code); 0 otherwise */
int swirl_test_no_cuda(void);

#endif
