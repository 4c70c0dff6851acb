/* test_engine_derived.c: the engine's memo of derived tables (nr_engine_derived, engine.c): a key is built once,
 * also when many threads ask at the same time, every user gets the same table, a failed build is retried, keys
 * are told apart, and bad keys and too many keys are refused. The tables are freed with the engine (run under
 * valgrind or ASan to see it).
 *
 * No golden numbers: what is checked is the memo; the tables' contents are checked by the models that use them
 * (zd_hnl: test_contour_golden against main at c0a1b90).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "nr_test.h"

#define N_THREADS 6

static atomic_int g_builds;

/* arg: the int the table holds; a negative one fails the build */
static nr_status build_int(const nr_engine *engine, const void *arg, void **table, nr_error *err)
{
    (void)engine;
    const int v = *(const int *)arg;
    atomic_fetch_add(&g_builds, 1);
    if (v < 0)
        return nr_fail(err, NR_EDATA, "test", "build %d fails", v);
    struct timespec t = {0, 20000000}; /* 20 ms: the other threads arrive while it builds */
    nanosleep(&t, NULL);
    int *x = malloc(sizeof *x);
    if (!x)
        return nr_fail(err, NR_ENOMEM, "test", "out of memory");
    *x = v;
    *table = x;
    return NR_OK;
}

static const nr_derived_spec int_spec = {build_int, free};

typedef struct {
    const nr_engine *engine;
    const int *table;
    nr_status status;
} request;

static void *ask(void *arg)
{
    request *r = arg;
    nr_error err;
    nr_error_clear(&err);
    static const int seven = 7;
    const void *t = NULL;
    r->status = nr_engine_derived(r->engine, "test/seven", &int_spec, &seven, &t, &err);
    r->table = t;
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

    /* many first users at once: one build, one table */
    pthread_t threads[N_THREADS];
    request req[N_THREADS];
    for (int k = 0; k < N_THREADS; k++) {
        req[k] = (request){engine, NULL, NR_EINTERNAL};
        CHECK(pthread_create(&threads[k], NULL, ask, &req[k]) == 0, "thread %d started", k);
    }
    for (int k = 0; k < N_THREADS; k++)
        pthread_join(threads[k], NULL);
    for (int k = 0; k < N_THREADS; k++) {
        CHECK(req[k].status == NR_OK && req[k].table && *req[k].table == 7, "thread %d got the table", k);
        CHECK(req[k].table == req[0].table, "thread %d got the same table", k);
    }
    CHECK(atomic_load(&g_builds) == 1, "built once for %d threads (%d builds)", N_THREADS, atomic_load(&g_builds));

    /* a later use returns it without building; another key is another table */
    const void *t = NULL;
    const int eight = 8, minus = -1;
    CHECK(nr_engine_derived(engine, "test/seven", &int_spec, &eight, &t, &err) == NR_OK && t == req[0].table,
          "a second use returns the first table");
    CHECK(nr_engine_derived(engine, "test/eight", &int_spec, &eight, &t, &err) == NR_OK && t &&
              *(const int *)t == 8 && atomic_load(&g_builds) == 2,
          "another key builds its own table");

    /* a failed build: the error is returned, nothing is kept, the next use builds again */
    int builds = atomic_load(&g_builds);
    CHECK(nr_engine_derived(engine, "test/flaky", &int_spec, &minus, &t, &err) == NR_EDATA && t == NULL,
          "a failed build returns its error");
    CHECK(nr_engine_derived(engine, "test/flaky", &int_spec, &eight, &t, &err) == NR_OK && t &&
              *(const int *)t == 8 && atomic_load(&g_builds) == builds + 2,
          "the next use of a failed key builds again");

    /* bad keys, no build function, and more keys than the engine holds */
    char long_key[NR_ENGINE_DERIVED_KEY_LEN + 1];
    memset(long_key, 'k', sizeof long_key - 1);
    long_key[sizeof long_key - 1] = 0;
    CHECK(nr_engine_derived(engine, long_key, &int_spec, &eight, &t, &err) == NR_EINTERNAL, "a too long key refused");
    CHECK(nr_engine_derived(engine, NULL, &int_spec, &eight, &t, &err) == NR_EINTERNAL, "no key refused");
    const nr_derived_spec no_build = {NULL, free};
    CHECK(nr_engine_derived(engine, "test/none", &no_build, &eight, &t, &err) == NR_EINTERNAL, "no build refused");
    nr_status last = NR_OK;
    int accepted = 3; /* seven, eight, flaky */
    for (int k = 0; k < NR_ENGINE_DERIVED_MAX + 2; k++) {
        char key[32];
        snprintf(key, sizeof key, "test/many/%d", k);
        last = nr_engine_derived(engine, key, &int_spec, &eight, &t, &err);
        accepted += last == NR_OK;
    }
    CHECK(last == NR_EINTERNAL && accepted == NR_ENGINE_DERIVED_MAX, "at most %d keys (%d taken)", NR_ENGINE_DERIVED_MAX,
          accepted);
    CHECK(nr_engine_derived(engine, "test/seven", &int_spec, &eight, &t, &err) == NR_OK && t == req[0].table,
          "a full memo still serves its keys");
    /* nr_engine_derived_or_build: a full memo still serves its keys, and builds a new key for the caller alone */
    void *owned = (void *)&t;
    CHECK(nr_engine_derived_or_build(engine, "test/seven", &int_spec, &eight, &t, &owned, &err) == NR_OK &&
              t == req[0].table && owned == NULL,
          "or_build: a memoised key is the memo's");
    CHECK(nr_engine_derived_or_build(engine, "test/beyond", &int_spec, &eight, &t, &owned, &err) == NR_OK && t &&
              owned == t && *(const int *)t == 8,
          "or_build: a key beyond the memo is built and owned by the caller");
    int_spec.release(owned);
    CHECK(nr_engine_derived_or_build(engine, "test/beyond2", &int_spec, &minus, &t, &owned, &err) == NR_EDATA &&
              t == NULL && owned == NULL,
          "or_build: a failed build beyond the memo gives nothing");
    nr_engine_free(engine);
    return nr_test_summary();
}
