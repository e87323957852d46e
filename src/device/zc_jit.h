/*
 * Round 0's stream (device/zc_stream.h) as source code: the JIT path of the GPU constraint
 * evaluation (issue 13, "NVRTC optional").
 *
 * Why: k_zc_r0_stream interprets the stream, about 100 GPU instructions per stream instruction
 * (the decode, the operand-kind branches, temporaries in shared memory; ncu, KeccakAir: 42,746
 * instructions, 65,536 evaluations, 8.5 ms of a 44 ms keccakf proof on an H100). Straight-line
 * code for one AIR's stream needs a handful per instruction: temporaries in registers, inputs as
 * loads at literal row offsets, constants as literal Montgomery words.
 *
 * swirl_zc_jit_generate writes that code as texts that all start with device/zc_jit_prelude.h:
 *  - units: each a run of the stream inside one part (the stream's cut[]), at most about
 *    SWIRL_ZC_JIT_UNIT_INSTRS instructions, cut into chunk functions of about
 *    SWIRL_ZC_JIT_CHUNK_INSTRS instructions (static, not inlined) and one entry
 *    swirl_zc_jit_u<i> that runs them in order. Each instruction is a line:
 *      ADD/SUB/MUL/NEG  t<dst> = bb31_add(<a>, <b>);     operands t<s>, U(j), K(0x...u)
 *      CONS k           z = swirl_zc_acc(z, lp + k, <a>);
 *      FIELD j          h = swirl_zc_acc(h, bp + j, <a>);
 *      COUNT i          n = swirl_zc_acc(n, eq3b + i, <a>);
 *      IEND i           d = swirl_zc_iend(d, h, eq3b + i, bp + nf, K(bus1[i])); h = zero
 *    Chunks and units end only where no temporary (and no interaction's field sum h) is live, so
 *    they pass nothing but the sums z, n, d (in o[0..2]).
 *  - main: the units' declarations and swirl_zc_jit_run(o, q, ...), which runs part q's units; in
 *    CUDA it also defines the kernel SWIRL_ZC_JIT_KERNEL (device/zc_jit_prelude.h).
 * Why units and chunks: NVRTC's optimizer takes about 1 ms of CPU per line on small functions and
 * is superlinear on large ones (KeccakAir as 8 part functions: > 24 GB and minutes, then killed);
 * units are compiled in parallel and linked (device/cuda/zc_jit.cu).
 * main followed by every unit is also one valid translation unit: CUDA without a device linker,
 * and C (tests/test_zc_jit.c's host twin, against swirl_zc_stream_range_b).
 */
#ifndef SWIRL_DEVICE_ZC_JIT_H
#define SWIRL_DEVICE_ZC_JIT_H

#include <stddef.h>

#include "device/zc_mle.h"
#include "device/zc_stream.h"

#define SWIRL_ZC_JIT_KERNEL "swirl_zc_r0_jit"  /* the kernel's name in the compiled code */
#define SWIRL_ZC_JIT_RUN_FN "swirl_zc_jit_run" /* the C twin's entry (device/zc_jit_prelude.h) */
#define SWIRL_ZC_JITX_KERNEL "swirl_zc_mle_jit" /* the multilinear rounds' kernel */
#define SWIRL_ZC_JITX_RUN_FN "swirl_zc_jitx_run" /* its C twin's entry */
#define SWIRL_ZC_JIT_CHUNK_INSTRS 128u         /* a chunk function at least this long */
#define SWIRL_ZC_JIT_UNIT_INSTRS 2048u         /* a unit at least this long (within a part) */

/** The generated code of one stream: every text NUL-terminated, owned by the struct. */
typedef struct swirl_zc_jit_code {
    char *main; /* the dispatch (and the kernel) */
    size_t main_len;
    char **unit; /* n_units texts */
    size_t *unit_len;
    size_t n_units;
    size_t n_chunks;  /* chunk functions over all units */
    size_t bytes;     /* main_len + the units' lengths */
} swirl_zc_jit_code;

#ifdef __cplusplus
extern "C" {
#endif

/** The code of stream `sp` (host instructions) of the flat program `pg` (host arrays: its
 *  constants and buses become literals) into *out (release it with swirl_zc_jit_code_free).
 *  `name` (NULL: none) labels the texts. SWIRL_E_INVALID_ARG for a malformed stream (an unknown
 *  op, an operand or index out of range, cuts out of order); SWIRL_E_NOMEM. */
enum swirl_status swirl_zc_jit_generate(swirl_zc_jit_code *out, const swirl_zc_stream *sp,
                                        const swirl_zc_dprog *pg,
                                        const char *name) SWIRL_WARN_UNUSED_RESULT;

/** The same stream as code for the multilinear rounds (device/zc_mle.h): extension-field
 *  temporaries, each input its folded rows interpolated at X (the views and columns of pg's
 *  var_info become literals), the dispatch SWIRL_ZC_JITX_RUN_FN(o, q, args, 2y, X) and, in CUDA,
 *  the kernel SWIRL_ZC_JITX_KERNEL (device/cuda/zc_mle_stream.cuh's body). Same errors as
 *  swirl_zc_jit_generate, and SWIRL_E_INVALID_ARG for a view past SWIRL_ZC_MLE_VIEWS. */
enum swirl_status swirl_zc_jit_generate_mle(swirl_zc_jit_code *out, const swirl_zc_stream *sp,
                                            const swirl_zc_dprog *pg,
                                            const char *name) SWIRL_WARN_UNUSED_RESULT;

/** main, then every unit, as one text in *out (free it), its length in *len: one translation
 *  unit (C, or CUDA compiled whole). SWIRL_E_NOMEM. */
enum swirl_status swirl_zc_jit_concat(char **out, size_t *len,
                                      const swirl_zc_jit_code *code) SWIRL_WARN_UNUSED_RESULT;

/** Releases what swirl_zc_jit_generate made (and zeroes *code); NULL: nothing. */
void swirl_zc_jit_code_free(swirl_zc_jit_code *code);

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_DEVICE_ZC_JIT_H */
