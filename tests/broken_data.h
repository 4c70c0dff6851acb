/* broken_data.h: a data folder for the tests of data errors at first use (test_engine_lazy, test_server_problem_data):
 * the installed MANIFEST.tsv, fluxes and 13.6 TeV hadron tables as symbolic links, and the 14 TeV EPOS-LHC pi0 table
 * replaced by a corrupt one (line 2 is not two finite numbers). The engine opens on it (it reads the manifest and the
 * fluxes at start); reading that table on first use must fail with NR_EDATA naming the file and the line. */
#ifndef NR_TEST_BROKEN_DATA_H
#define NR_TEST_BROKEN_DATA_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "nr_test.h"

/* nr_test_data_dir() made absolute (the links below must not depend on the working directory) into out[n]. */
static inline void nr_test_absolute_data_dir(char *out, size_t n)
{
    const char *data = nr_test_data_dir();
    char cwd[512];
    if (data[0] != '/' && getcwd(cwd, sizeof cwd))
        snprintf(out, n, "%s/%s", cwd, data);
    else
        snprintf(out, n, "%s", data);
}

/* Makes the folder dir from the installed data folder abs_data (absolute); system()'s status, 0 on success. */
static inline int nr_test_make_broken_data_dir(const char *dir, const char *abs_data)
{
    char cmd[16384];
    snprintf(cmd, sizeof cmd,
             "rm -rf '%s' && mkdir -p '%s/hadrons/14TeV/EPOSLHC' && ln -s '%s/MANIFEST.tsv' '%s/MANIFEST.tsv' && "
             "ln -s '%s/fluxes' '%s/fluxes' && ln -s '%s/hadrons/13.6TeV' '%s/hadrons/13.6TeV' && "
             "printf '# corrupt\\n-7.2 -1.9 oops\\n' > '%s/hadrons/14TeV/EPOSLHC/EPOSLHC_14TeV_111.txt'",
             dir, dir, abs_data, dir, abs_data, dir, abs_data, dir, dir);
    return system(cmd);
}

/* Removes the folder dir made by nr_test_make_broken_data_dir (says so if it cannot). */
static inline void nr_test_remove_broken_data_dir(const char *dir)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("could not remove %s\n", dir);
}

#endif
