/* nr_test.h: a minimal unit-test harness. Each CHECK prints a line on failure; nr_test_summary()
 * prints "N passed, N failed" and returns the process exit code.
 *
 * Every golden value in a test names its source in a comment next to it. */
#ifndef NR_TEST_H
#define NR_TEST_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int nr_test_passed = 0, nr_test_failed = 0;

#define CHECK(cond, ...)                                                                    \
    do {                                                                                    \
        if (cond) {                                                                         \
            nr_test_passed++;                                                               \
        } else {                                                                            \
            nr_test_failed++;                                                               \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);                 \
            fprintf(stderr, __VA_ARGS__);                                                   \
            fprintf(stderr, "\n");                                                          \
        }                                                                                   \
    } while (0)

/* |got - want| <= rel * |want| */
#define CHECK_REL(got, want, rel, what)                                                     \
    do {                                                                                    \
        double g_ = (got), w_ = (want), r_ = (rel);                                         \
        int ok_ = fabs(g_ - w_) <= r_ * fabs(w_);                                           \
        CHECK(ok_, "%s: got %.8g, want %.8g (rel. diff %.3g, allowed %.3g)", (what), g_,   \
              w_, w_ != 0 ? (g_ - w_) / w_ : g_, r_);                                       \
        if (getenv("NR_TEST_VERBOSE") && ok_)                                               \
            printf("ok   %s: got %.8g, want %.8g (rel. diff %+.3g)\n", (what), g_, w_,      \
                   w_ != 0 ? (g_ - w_) / w_ : g_);                                          \
    } while (0)

#define CHECK_ABS(got, want, tol, what)                                                     \
    do {                                                                                    \
        double g_ = (got), w_ = (want), t_ = (tol);                                         \
        CHECK(fabs(g_ - w_) <= t_, "%s: got %.8g, want %.8g (allowed +-%.3g)", (what), g_,  \
              w_, t_);                                                                      \
    } while (0)

static inline const char *nr_test_data_dir(void)
{
    const char *d = getenv("NUREACH_DATA_DIR");
    return d && *d ? d : "data";
}

static inline int nr_test_summary(void)
{
    printf("%d passed, %d failed\n", nr_test_passed, nr_test_failed);
    return nr_test_failed ? 1 : 0;
}

#endif
