/* test_server_problem_data.c: a data set the engine reads on first use (engine.h) that cannot be read gives a
 * request a 500 problem whose detail names the file (nr_problem_from_error): before the engine read its tables on
 * first use the daemon named the file at start-up; afterwards the request's answer (and so the access log and the
 * operator) must. The failure is real: a data folder whose 14 TeV EPOS-LHC pi0 table is corrupt (as in
 * test_engine_lazy). No numbers: only where the error points. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "broken_data.h"
#include "engine.h"
#include "nr_test.h"
#include "problem.h"

int main(void)
{
    char abs_data[1024], dir[256];
    nr_test_absolute_data_dir(abs_data, sizeof abs_data);
    snprintf(dir, sizeof dir, "/tmp/nr_test_problem_data_%ld", (long)getpid());
    CHECK(nr_test_make_broken_data_dir(dir, abs_data) == 0, "made the broken data folder %s", dir);

    nr_error err;
    nr_error_clear(&err);
    nr_engine *engine = NULL;
    CHECK(nr_engine_init(dir, &engine, &err) == NR_OK, "the folder opens: %s", err.message);
    if (engine) {
        const nr_hadron_table *t = NULL;
        nr_error_clear(&err);
        nr_status st = nr_engine_get_mesons(engine, "14TeV", 111, &t, &err);
        CHECK(st == NR_EDATA && !t, "the corrupt table fails with NR_EDATA (%s: %s)", err.where, err.message);
        nr_problem p;
        nr_problem_init(&p);
        nr_problem_from_error(&p, st, &err);
        CHECK(p.status == 500 && strcmp(p.type, "internal-error") == 0, "a 500 internal-error, got %u %s", p.status,
              p.type);
        CHECK(strstr(p.detail, "EPOSLHC_14TeV_111.txt") && strstr(p.detail, "line 2"),
              "the detail names the file and the line: %s", p.detail);
        nr_engine_free(engine);
    }

    /* an NR_EDATA whose message already names the file is not given the file twice */
    nr_error_clear(&err);
    nr_fail(&err, NR_EDATA, "/data/f.txt", "/data/f.txt line 3: expected at least two finite numbers");
    nr_problem p;
    nr_problem_init(&p);
    nr_problem_from_error(&p, NR_EDATA, &err);
    const char *first = strstr(p.detail, "/data/f.txt");
    CHECK(p.status == 500 && first && !strstr(first + 1, "/data/f.txt"), "the file named once: %s", p.detail);

    nr_test_remove_broken_data_dir(dir);
    return nr_test_summary();
}
