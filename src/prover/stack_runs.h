/*
 * The stacked matrix as runs of destination words (host/device): the GPU commit's k_stack
 * (prover/cuda_stacked_commit.cu) walks the destination, a thread per word, so its stores are
 * coalesced and it writes the zeros too (no memset first); tests/test_stack_runs.c checks the
 * mapping on the CPU against the column-by-column stacking (pcs/stacked.c).
 *
 * The greedy layout (pcs/stacked.h) puts slice k + 1 right after slice k in column-major order (a
 * stacked column fills up exactly before the next one starts), and a trace's columns follow each
 * other in its column-major storage. So consecutive slices whose sources and destinations both
 * follow on merge into one run: a trace of height >= 2^l_skip becomes one contiguous copy, a
 * shorter one a strided scatter (its values 2^(l_skip - log height) apart, zeros between). Words
 * outside every run (the last stacked column's unused rows) are zero.
 */
#ifndef SWIRL_PROVER_STACK_RUNS_H
#define SWIRL_PROVER_STACK_RUNS_H

#include <stddef.h>
#include <stdint.h>

#include "field/bb31.h"
#include "pcs/stacked.h"

/* Destination words [dst_off, dst_off + len): value i of src at dst_off + (i << log_stride), zeros
 * between. */
typedef struct swirl_stack_run {
    const bb31 *src;
    uint64_t dst_off;
    uint64_t len; /* values << log_stride */
    uint32_t log_stride;
} swirl_stack_run;

/* The runs of a layout (host): mat_src[m] is trace m's column-major values (the layout's mat_idx
 * order); runs has room for layout->num_cols entries. Returns their count; they are sorted by
 * dst_off and disjoint. */
static inline size_t swirl_stack_runs(swirl_stack_run *runs, const swirl_stacked_layout *layout,
                                      const bb31 *const *mat_src) {
    size_t n = 0;
    for (size_t k = 0; k < layout->num_cols; k++) {
        const swirl_stacked_slice *s = &layout->cols[k];
        uint32_t ls = s->log_height < layout->l_skip ? layout->l_skip - s->log_height : 0;
        const bb31 *src = mat_src[s->mat_idx] + (s->col << s->log_height);
        uint64_t dst = (uint64_t)s->col_idx * layout->height + s->row_idx;
        uint64_t len = (uint64_t)swirl_stacked_slice_len(s, layout->l_skip);
        swirl_stack_run *p = n ? &runs[n - 1] : NULL;
        if (p && p->log_stride == ls && p->src + (p->len >> ls) == src &&
            p->dst_off + p->len == dst) {
            p->len += len;
            continue;
        }
        runs[n].src = src;
        runs[n].dst_off = dst;
        runs[n].len = len;
        runs[n].log_stride = ls;
        n++;
    }
    return n;
}

/* The last run starting at or before destination word d (0 when none does); n >= 1. */
SWIRL_HD uint64_t swirl_stack_run_find(const swirl_stack_run *runs, uint64_t n, uint64_t d) {
    uint64_t lo = 0, hi = n; /* runs[lo].dst_off <= d, or lo = 0 */
    while (hi - lo > 1) {
        uint64_t mid = (lo + hi) / 2;
        if (runs[mid].dst_off <= d)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* From run r (found for a word at or before d): the run of swirl_stack_run_find for d. */
SWIRL_HD uint64_t swirl_stack_run_next(const swirl_stack_run *runs, uint64_t n, uint64_t r,
                                       uint64_t d) {
    while (r + 1 < n && runs[r + 1].dst_off <= d)
        r++;
    return r;
}

/* Destination word d's value given its run (swirl_stack_run_find): a source value on the run's
 * stride, zero between values and outside the run. */
SWIRL_HD bb31 swirl_stack_run_value(const swirl_stack_run *r, uint64_t d) {
    uint64_t rel = d - r->dst_off;
    if (d < r->dst_off || rel >= r->len || (rel & (((uint64_t)1 << r->log_stride) - 1)))
        return bb31_zero();
    return r->src[rel >> r->log_stride];
}

#endif /* SWIRL_PROVER_STACK_RUNS_H */
