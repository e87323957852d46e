/* The test hooks' pointer (see test_hooks.h): NULL unless a test sets it. */
#include "util/test_hooks.h"

swirl_test_hooks *swirl_test_hooks_active = NULL;
