/* test_engine_cc.c: the engine's CC cross-section tables (engine.c) are built once per PDF set, also when many
 * threads ask for them at the same time, and each set gets its own table.
 *
 * No golden numbers: what is checked is the memo (one table per set, the same for every thread, a second use
 * returns it); the cross sections themselves are checked in test_dis.c and test_sm_rates.c.
 */
#include <pthread.h>
#include <string.h>

#include "engine.h"
#include "nr_test.h"

#define N_THREADS 6
#define N_SETS 2

typedef struct {
    const nr_engine *engine;
    const char *set;
    const nr_cc_table *table;
    nr_status status;
} request;

static void *ask(void *arg)
{
    request *r = arg;
    nr_error err;
    nr_error_clear(&err);
    r->status = nr_engine_cc_table(r->engine, r->set, &r->table, &err);
    return NULL;
}

int main(void)
{
    nr_engine *engine = NULL;
    nr_error err;
    nr_error_clear(&err);
    CHECK(nr_engine_init(nr_test_data_dir(), &engine, &err) == NR_OK, "engine: %s", err.message);
    if (!engine)
        return nr_test_summary();
    const char *sets[N_SETS] = {nr_pdf_known_sets[0], nr_pdf_known_sets[1]};
    pthread_t threads[N_THREADS];
    request req[N_THREADS];
    for (int k = 0; k < N_THREADS; k++) {
        req[k] = (request){engine, sets[k % N_SETS], NULL, NR_EINTERNAL};
        CHECK(pthread_create(&threads[k], NULL, ask, &req[k]) == 0, "thread %d started", k);
    }
    for (int k = 0; k < N_THREADS; k++)
        pthread_join(threads[k], NULL);
    for (int k = 0; k < N_THREADS; k++) {
        CHECK(req[k].status == NR_OK && req[k].table, "thread %d: a table for %s", k, req[k].set);
        CHECK(req[k].table == req[k % N_SETS].table, "thread %d: the same table as the first user of %s", k,
              req[k].set);
    }
    CHECK(req[0].table != req[1].table, "%s and %s have their own tables", sets[0], sets[1]);
    const nr_cc_table *again = NULL;
    CHECK(nr_engine_cc_table(engine, sets[0], &again, &err) == NR_OK && again == req[0].table,
          "a later use returns the memoised table");
    CHECK(nr_engine_cc_table(engine, "NoSuchSet", &again, &err) == NR_EINPUT && again == NULL &&
              strcmp(err.where, "/params/pdf") == 0,
          "unknown set: NR_EINPUT at /params/pdf");
    nr_engine_free(engine);
    return nr_test_summary();
}
