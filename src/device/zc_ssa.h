/*
 * The flat constraint program (device/zc_eval.h) in SSA form, for the host-side builders that
 * reorder it: the levelled schedule of the block kernels (zc_sched.c) and round 0's stream
 * (zc_stream.c). Value ids: the inputs 0 .. n_in - 1 (the selectors, then the variables, as the
 * flat program's input slots), then one per instruction (n_in + i); a constant stays an encoded
 * operand (SWIRL_ZC_CONST | c). A NEG's second operand is SWIRL_ZC_CONST (none).
 */
#ifndef SWIRL_DEVICE_ZC_SSA_H
#define SWIRL_DEVICE_ZC_SSA_H

#include "device/zc_eval.h"

typedef struct swirl_zc_ssa {
    uint32_t n_in, n_val;           /* inputs; values (inputs + instructions) */
    uint32_t *a, *b;                /* per instruction: its operands' value ids */
    uint32_t *cons, *field, *count; /* the outputs' value ids */
} swirl_zc_ssa;

#ifdef __cplusplus
extern "C" {
#endif

/** Renames pg (host arrays) into *s (free with swirl_zc_ssa_clear, also after a failure).
 *  SWIRL_E_INVALID_ARG when an operand is read before any write, an instruction writes an input
 *  slot or has an unknown op; SWIRL_E_NOMEM. */
enum swirl_status swirl_zc_ssa_build(swirl_zc_ssa *s, const swirl_zc_dprog *pg)
    SWIRL_WARN_UNUSED_RESULT;
void swirl_zc_ssa_clear(swirl_zc_ssa *s);

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_DEVICE_ZC_SSA_H */
