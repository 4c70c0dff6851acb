/* nr_golden.h: open a golden-value file of tests/golden/ from a unit test, wherever the test runs.
 *
 * The file sits next to the test source (CMake passes __FILE__ as an absolute path), or under the source tree's
 * tests/ relative to the data folder (NUREACH_DATA_DIR = <source>/data), or below the working directory. */
#ifndef NR_GOLDEN_H
#define NR_GOLDEN_H

#include <stdio.h>
#include <string.h>

#include "nr_test.h"

static inline FILE *nr_golden_open(const char *source_file, const char *name)
{
    char path[1024];
    const char *slash = strrchr(source_file, '/');
    if (slash) {
        snprintf(path, sizeof path, "%.*s/golden/%s", (int)(slash - source_file), source_file, name);
        FILE *f = fopen(path, "r");
        if (f)
            return f;
    }
    snprintf(path, sizeof path, "%s/../tests/golden/%s", nr_test_data_dir(), name);
    FILE *f = fopen(path, "r");
    if (f)
        return f;
    snprintf(path, sizeof path, "tests/golden/%s", name);
    return fopen(path, "r");
}

#endif
