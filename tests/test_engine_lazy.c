/* test_engine_lazy.c: the engine's data sets read on first use (engine.c, load_slot): many threads asking for the
 * same table at once all get the one table; a data set read late is the same data as one read by
 * nr_engine_load_all (the installed tables, compared cell by cell between two engines); and a data folder with a
 * missing or corrupt table still opens (the manifest and the fluxes are there) but every use of that table, and
 * nr_engine_load_all, fails with NR_EDATA naming the file, again on the next use, never with a table.
 *
 * No golden numbers: the tables' contents are checked by test_hadrons, test_pdf and the models' tests; this checks
 * when and how they are read.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "broken_data.h"
#include "engine.h"
#include "nr_test.h"

#define N_THREADS 6

typedef struct {
    const nr_engine *engine;
    const nr_hadron_table *mesons;
    const nr_darkcast *darkcast;
    const nr_pdf *pdf;
    nr_status status;
} request;

static void *ask(void *arg)
{
    request *r = arg;
    nr_error err;
    nr_error_clear(&err);
    r->status = nr_engine_get_mesons(r->engine, "14TeV", 111, &r->mesons, &err);
    if (r->status == NR_OK)
        r->status = nr_engine_get_darkcast(r->engine, &r->darkcast, &err);
    if (r->status == NR_OK)
        r->status = nr_engine_get_pdf(r->engine, "CT14nlo", &r->pdf, &err);
    return NULL;
}

int main(void)
{
    const char *data = nr_test_data_dir();
    char abs_data[1024];
    nr_test_absolute_data_dir(abs_data, sizeof abs_data);
    nr_error err;
    nr_error_clear(&err);

    /* first use from many threads at once: one table each, the same for all */
    nr_engine *engine = NULL;
    CHECK(nr_engine_init(data, &engine, &err) == NR_OK, "engine: %s", err.message);
    if (engine) {
        pthread_t th[N_THREADS];
        request rq[N_THREADS];
        for (int i = 0; i < N_THREADS; i++) {
            rq[i] = (request){engine, NULL, NULL, NULL, NR_EINTERNAL};
            pthread_create(&th[i], NULL, ask, &rq[i]);
        }
        for (int i = 0; i < N_THREADS; i++)
            pthread_join(th[i], NULL);
        int same = 1;
        for (int i = 0; i < N_THREADS; i++)
            same &= rq[i].status == NR_OK && rq[i].mesons && rq[i].mesons == rq[0].mesons &&
                    rq[i].darkcast == rq[0].darkcast && rq[i].pdf == rq[0].pdf && rq[i].darkcast && rq[i].pdf;
        CHECK(same, "%d threads asking at once get one meson table, one DarkCast, one PDF set", N_THREADS);
        CHECK(nr_engine_mesons(engine, "14TeV", 111) == rq[0].mesons && nr_engine_darkcast(engine) == rq[0].darkcast &&
                  nr_engine_pdf(engine, "CT14nlo") == rq[0].pdf,
              "the plain accessors return the tables already read");

        /* the same data read late as read by nr_engine_load_all in another engine */
        nr_engine *eager = NULL;
        nr_error_clear(&err);
        CHECK(nr_engine_init(data, &eager, &err) == NR_OK && nr_engine_load_all(eager, NULL, &err) == NR_OK,
              "nr_engine_load_all reads every installed data set: %s", err.message);
        if (eager) {
            const nr_hadron_table *a = nr_engine_mesons(engine, "13.6TeV", 221), *b = nr_engine_mesons(eager, "13.6TeV",
                                                                                                       221);
            CHECK(a && b && a != b && a->n_cells == b->n_cells && a->n_cells > 0 &&
                      memcmp(a->cells, b->cells, a->n_cells * sizeof *a->cells) == 0 && a->total_pb == b->total_pb,
                  "13.6 TeV eta table read on first use = read eagerly (%zu cells)", a ? a->n_cells : 0);
            CHECK(nr_engine_helm_001(engine, nr_materials[0]) != NULL &&
                      nr_engine_helm_001(engine, nr_materials[0]) == nr_engine_helm_001(engine, nr_materials[0]),
                  "a Helm table is made on first use, once");
            nr_engine_free(eager);
        }
        const nr_pdf *pdf = NULL;
        nr_error_clear(&err);
        CHECK(nr_engine_get_pdf(engine, "NoSuchSet", &pdf, &err) == NR_EINPUT && !pdf &&
                  strstr(err.message, "NoSuchSet"),
              "an unknown PDF set is NR_EINPUT naming it: %s", err.message);
        const nr_hadron_table *t = NULL;
        nr_error_clear(&err);
        CHECK(nr_engine_get_mesons(engine, "7TeV", 111, &t, &err) == NR_EDATA && !t && strstr(err.message, "7TeV"),
              "a meson table not installed is NR_EDATA naming it: %s", err.message);
        nr_engine_free(engine);
    }

    /* a broken folder: opens, and fails at each use of what is broken or missing, naming the file */
    char dir[256];
    snprintf(dir, sizeof dir, "/tmp/nr_test_engine_lazy_%ld", (long)getpid());
    CHECK(nr_test_make_broken_data_dir(dir, abs_data) == 0, "made the broken data folder %s", dir);
    nr_engine *broken = NULL;
    nr_error_clear(&err);
    CHECK(nr_engine_init(dir, &broken, &err) == NR_OK, "a folder with the manifest and fluxes opens: %s", err.message);
    if (broken) {
        for (int attempt = 0; attempt < 2; attempt++) {
            const nr_hadron_table *t = NULL;
            nr_error_clear(&err);
            nr_status st = nr_engine_get_mesons(broken, "14TeV", 111, &t, &err);
            CHECK(st == NR_EDATA && !t && strstr(err.where, "EPOSLHC_14TeV_111.txt") && strstr(err.message, "line 2"),
                  "use %d of a corrupt table: NR_EDATA naming the file and line (%s: %s)", attempt + 1, err.where,
                  err.message);
        }
        CHECK(nr_engine_mesons(broken, "14TeV", 111) == NULL, "the plain accessor gives no table");
        CHECK(nr_engine_mesons(broken, "13.6TeV", 111) != NULL, "an intact table in the same folder is read");
        const nr_darkcast *dc = NULL;
        nr_error_clear(&err);
        CHECK(nr_engine_get_darkcast(broken, &dc, &err) == NR_EDATA && !dc && strstr(err.where, "darkcast"),
              "missing DarkCast tables: NR_EDATA naming the file (%s: %s)", err.where, err.message);
        const nr_pdf *pdf = NULL;
        nr_error_clear(&err);
        CHECK(nr_engine_get_pdf(broken, "CT14nlo", &pdf, &err) == NR_EDATA && !pdf && strstr(err.message, "CT14nlo"),
              "a missing PDF set: NR_EDATA naming it (%s: %s)", err.where, err.message);
        const nr_cc_table *cc = NULL;
        nr_error_clear(&err);
        CHECK(nr_engine_cc_table(broken, "CT14nlo", &cc, &err) == NR_EDATA && !cc,
              "its cross-section table fails the same way: %s", err.message);
        nr_error_clear(&err);
        CHECK(nr_engine_load_all(broken, NULL, &err) == NR_EDATA && err.message[0],
              "nr_engine_load_all fails on the broken folder: %s: %s", err.where, err.message);
        nr_engine_free(broken);
    }
    nr_test_remove_broken_data_dir(dir);
    return nr_test_summary();
}
