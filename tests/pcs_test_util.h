/* Test helper: the stacked matrix of PCS data in host memory (pcs/stacked.h's accessor; NULL when
 * it cannot be had, which the callers' comparisons then report). */
#ifndef SWIRL_TESTS_PCS_TEST_UTIL_H
#define SWIRL_TESTS_PCS_TEST_UTIL_H

#include "pcs/stacked.h"

static inline const bb31 *test_pcs_matrix(const swirl_stacked_pcs_data *d) {
    const bb31 *m = NULL;
    if (swirl_stacked_pcs_host_matrix(d, &m) != SWIRL_OK)
        return NULL;
    return m;
}

#endif
