/* test_server_cache.c: the SQLite result cache (server/cache.c) in a temporary directory.
 *
 * Round trip, misses, persistence, detection of a body altered behind the cache's back, LRU
 * eviction under the size cap, 4 threads at once, refusal of a newer schema, of a garbage file
 * and of another program's database, and durability of committed rows across a killed process.
 * Expected values come from the test's own inputs (the bytes it stored, the sizes it chose) and
 * from direct SQL queries on the file, never from the cache's own output. */
#include "cache.h"
#include "nr_test.h"
#include "sha256.h"

#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char g_dir[64];

static void db_path(const char *name, char *out, size_t n) { snprintf(out, n, "%s/%s", g_dir, name); }

static int open_cache(const char *path, int64_t max_bytes, nr_cache **cache)
{
    char err[512] = "";
    int rc = nr_cache_open(path, max_bytes, cache, err, sizeof err);
    CHECK(rc == 0 && *cache != NULL, "open %s: %s", path, err);
    return rc;
}

/* One integer from a direct SQL query on the file, bypassing the cache. */
static int64_t sql_int(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    int64_t v = -999;
    if (sqlite3_open(path, &db) == SQLITE_OK) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return v;
}

static int sql_exec(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open(path, &db);
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(db, 5000);
        rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    }
    sqlite3_close(db);
    return rc;
}

/* A deterministic body for a key: its text repeated to `len` bytes, with a NUL and high bytes. */
static char *make_body(const char *key, size_t len)
{
    char *b = malloc(len + 1);
    size_t k = strlen(key);
    for (size_t i = 0; i < len; i++)
        b[i] = (i % 97 == 5) ? '\0' : (i % 89 == 7) ? (char)0xe9 : key[i % k];
    b[len] = '\0';
    return b;
}

/* 1 if the cache holds exactly `want` (len bytes) for key. */
static int holds(nr_cache *cache, const char *key, const char *want, size_t len)
{
    char *body = NULL, type[64];
    size_t n = 0;
    double ms = 0;
    int rc = nr_cache_get(cache, key, &body, &n, type, &ms);
    int same = rc == 1 && n == len && memcmp(body, want, len) == 0;
    free(body);
    return same;
}

static int is_miss(nr_cache *cache, const char *key)
{
    char *body = NULL, type[64];
    size_t n = 99;
    double ms = 0;
    int rc = nr_cache_get(cache, key, &body, &n, type, &ms);
    free(body);
    return rc == 0 && body == NULL && n == 0;
}

static void test_round_trip_and_persistence(void)
{
    char path[128];
    db_path("roundtrip.db", path, sizeof path);
    nr_cache *cache = NULL;
    if (open_cache(path, 1 << 20, &cache) != 0)
        return;
    char *want = make_body("key-a", 5000);
    CHECK(nr_cache_put(cache, "key-a", "{\"a\":1}", want, 5000, "application/json", 123.25) == 0,
          "put");
    char *body = NULL, type[64] = "";
    size_t n = 0;
    double ms = 0;
    CHECK(nr_cache_get(cache, "key-a", &body, &n, type, &ms) == 1, "hit after put");
    CHECK(n == 5000 && body && memcmp(body, want, n) == 0, "same bytes back (%zu)", n);
    CHECK(strcmp(type, "application/json") == 0, "content type %s", type);
    CHECK(ms == 123.25, "compute_ms %g (stored 123.25, exact in binary)", ms);
    free(body);
    CHECK(is_miss(cache, "key-unknown"), "unknown key is a miss");

    /* Empty body and a replacement of an existing key. */
    CHECK(nr_cache_put(cache, "key-empty", "{}", "", 0, "text/plain", 0.5) == 0, "put empty");
    CHECK(holds(cache, "key-empty", "", 0), "empty body round trip");
    char *want2 = make_body("other", 777);
    CHECK(nr_cache_put(cache, "key-a", "{\"a\":2}", want2, 777, "application/json", 1.0) == 0,
          "replace");
    CHECK(holds(cache, "key-a", want2, 777), "replacement served");

    nr_cache_stats s;
    nr_cache_get_stats(cache, &s);
    CHECK(s.entries == 2 && s.bytes == 777, "stats entries %lld bytes %lld (want 2, 0+777)",
          (long long)s.entries, (long long)s.bytes);
    CHECK(s.hits == 3 && s.misses == 1, "hits %lld misses %lld (want 3, 1)", (long long)s.hits,
          (long long)s.misses);
    nr_cache_close(cache);

    CHECK(sql_int(path, "PRAGMA user_version") == 1, "user_version 1 after creation");
    CHECK(sql_int(path, "SELECT count(*) FROM results") == 2, "2 rows in the file");
    CHECK(sql_int(path, "SELECT total(size) FROM results") == 777, "sum of sizes in the file");

    cache = NULL;
    if (open_cache(path, 1 << 20, &cache) != 0)
        return;
    CHECK(holds(cache, "key-a", want2, 777), "persisted across close/open");
    CHECK(holds(cache, "key-empty", "", 0), "empty body persisted");
    nr_cache_close(cache);
    free(want);
    free(want2);
}

/* The lead's header says the schema file is embedded: compare with the file next to the tests. */
static void test_schema_embedded(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s", __FILE__);
    char *slash = strrchr(path, '/');
    if (!slash || path[0] != '/') {
        printf("skip schema comparison: source path %s not absolute\n", __FILE__);
        return;
    }
    snprintf(slash, sizeof path - (size_t)(slash - path), "/../schema/cache.sql");
    FILE *f = fopen(path, "rb");
    if (!f) {
        printf("skip schema comparison: %s not found\n", path);
        return;
    }
    static char text[1 << 16];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    CHECK(strcmp(text, nr_cache_schema_sql) == 0, "nr_cache_schema_sql equals %s", path);
}

static void test_corrupt_row_dropped(void)
{
    char path[128];
    db_path("corrupt.db", path, sizeof path);
    nr_cache *cache = NULL;
    if (open_cache(path, 1 << 20, &cache) != 0)
        return;
    char *want = make_body("victim", 300);
    CHECK(nr_cache_put(cache, "victim", "{}", want, 300, "application/json", 2.0) == 0, "put");
    CHECK(nr_cache_put(cache, "bystander", "{}", want, 300, "application/json", 2.0) == 0, "put");
    CHECK(holds(cache, "victim", want, 300), "good before tampering");

    /* Change one byte of the body (same length) and, separately, truncate another row. */
    CHECK(sql_exec(path, "UPDATE results SET body = CAST('X' || substr(body, 2) AS BLOB) "
                         "WHERE key = 'victim'") == SQLITE_OK,
          "tamper");
    CHECK(!holds(cache, "victim", want, 300), "tampered row is not served");
    CHECK(sql_int(path, "SELECT count(*) FROM results WHERE key = 'victim'") == 0,
          "tampered row deleted from the file");
    CHECK(is_miss(cache, "victim"), "then a plain miss");
    CHECK(sql_exec(path, "UPDATE results SET body = substr(body, 1, 10) WHERE key = 'bystander'") ==
              SQLITE_OK,
          "truncate");
    CHECK(is_miss(cache, "bystander"), "truncated body (size mismatch) is a miss");

    nr_cache_stats s;
    nr_cache_get_stats(cache, &s);
    CHECK(s.corrupt_dropped == 2, "corrupt_dropped %lld (want 2)", (long long)s.corrupt_dropped);
    CHECK(s.entries == 0 && s.bytes == 0, "totals after drops: %lld entries, %lld bytes",
          (long long)s.entries, (long long)s.bytes);
    nr_cache_close(cache);
    free(want);
}

/* Hits alone (no store to carry them) reach last_used_at once enough of them are queued (64 in
 * cache.c); 200 hits are well above that. */
static void test_hits_recorded_without_stores(void)
{
    char path[128];
    db_path("touch.db", path, sizeof path);
    nr_cache *cache = NULL;
    if (open_cache(path, 1 << 20, &cache) != 0)
        return;
    CHECK(nr_cache_put(cache, "k", "{}", "body", 4, "text/plain", 1) == 0, "put");
    int64_t created = sql_int(path, "SELECT created_at FROM results WHERE key = 'k'");
    for (int i = 0; i < 200; i++)
        CHECK(holds(cache, "k", "body", 4), "hit %d", i);
    int64_t used = sql_int(path, "SELECT last_used_at FROM results WHERE key = 'k'");
    CHECK(used > created, "last_used_at %lld > created_at %lld with the cache still open",
          (long long)used, (long long)created);
    nr_cache_close(cache);
}

static void test_lru_eviction(void)
{
    char path[128];
    db_path("lru.db", path, sizeof path);
    nr_cache *cache = NULL;
    const int64_t cap = 1000; /* bytes: room for three 300-byte bodies, not four */
    if (open_cache(path, cap, &cache) != 0)
        return;
    const char *keys[] = {"A", "B", "C", "D", "E"};
    char *bodies[5];
    for (int i = 0; i < 5; i++)
        bodies[i] = make_body(keys[i], 300);
    for (int i = 0; i < 3; i++)
        CHECK(nr_cache_put(cache, keys[i], "{}", bodies[i], 300, "text/plain", 1) == 0, "put");
    CHECK(holds(cache, "A", bodies[0], 300), "A used after B and C were stored");
    CHECK(nr_cache_put(cache, "D", "{}", bodies[3], 300, "text/plain", 1) == 0, "put D");
    /* Use order now: B (oldest), C, A, D -> B goes. */
    CHECK(is_miss(cache, "B"), "B, the least recently used, evicted");
    CHECK(holds(cache, "C", bodies[2], 300), "C kept");
    CHECK(holds(cache, "D", bodies[3], 300), "D kept");
    CHECK(holds(cache, "A", bodies[0], 300), "A kept");
    /* Use order: C, D, A -> storing E evicts C. */
    CHECK(nr_cache_put(cache, "E", "{}", bodies[4], 300, "text/plain", 1) == 0, "put E");
    CHECK(is_miss(cache, "C"), "C evicted next");
    CHECK(holds(cache, "A", bodies[0], 300) && holds(cache, "D", bodies[3], 300) &&
              holds(cache, "E", bodies[4], 300),
          "A, D, E kept");

    char *huge = make_body("huge", 5000);
    CHECK(nr_cache_put(cache, "huge", "{}", huge, 5000, "text/plain", 1) == 0,
          "a body above the cap is not an error");
    CHECK(is_miss(cache, "huge"), "a body above the cap is not stored");

    /* Many stores of varying sizes: the total never exceeds the cap and matches the file. */
    int over = 0;
    for (int i = 0; i < 60; i++) {
        char key[32];
        snprintf(key, sizeof key, "v%d", i);
        size_t len = (size_t)(37 * i % 400) + 1;
        char *b = make_body(key, len);
        nr_cache_put(cache, key, "{}", b, len, "text/plain", 1);
        free(b);
        nr_cache_stats s;
        nr_cache_get_stats(cache, &s);
        if (s.bytes > cap)
            over++;
    }
    CHECK(over == 0, "%d stores left the total above the cap", over);
    nr_cache_stats s;
    nr_cache_get_stats(cache, &s);
    CHECK(s.evicted >= 2, "evicted %lld", (long long)s.evicted);
    CHECK(s.bytes == sql_int(path, "SELECT total(size) FROM results") &&
              s.entries == sql_int(path, "SELECT count(*) FROM results"),
          "totals %lld/%lld match the table", (long long)s.entries, (long long)s.bytes);
    CHECK(sql_int(path, "SELECT total(length(body)) FROM results") == s.bytes,
          "sizes are the body lengths");
    nr_cache_close(cache);
    for (int i = 0; i < 5; i++)
        free(bodies[i]);
    free(huge);
}

typedef struct {
    nr_cache *cache;
    int id;
    int errors, wrong, hits;
} worker_arg;

enum { N_THREADS = 4, N_ROUNDS = 150, N_SHARED = 8 };

static void *worker(void *p)
{
    worker_arg *a = p;
    for (int i = 0; i < N_ROUNDS; i++) {
        char key[32];
        int shared = (i / 2) % N_SHARED; /* odd rounds use one of the N_SHARED common keys */
        if (i % 2)
            snprintf(key, sizeof key, "shared-%d", shared);
        else
            snprintf(key, sizeof key, "t%d-%d", a->id, i);
        size_t len = 100 + (size_t)(i * 13 % 700);
        if (i % 2)
            len = 400 + (size_t)shared; /* same key -> same bytes from every thread */
        char *want = make_body(key, len);
        if (nr_cache_put(a->cache, key, "{}", want, len, "application/json", i) != 0)
            a->errors++;
        for (int j = 0; j < 3; j++) {
            char *body = NULL, type[64];
            size_t n = 0;
            double ms;
            int rc = nr_cache_get(a->cache, key, &body, &n, type, &ms);
            if (rc < 0)
                a->errors++;
            else if (rc == 1 && (n != len || memcmp(body, want, len) != 0))
                a->wrong++;
            else if (rc == 1)
                a->hits++;
            free(body);
        }
        free(want);
    }
    return NULL;
}

static void test_threads(void)
{
    char path[128];
    db_path("threads.db", path, sizeof path);
    nr_cache *cache = NULL;
    if (open_cache(path, 1 << 22, &cache) != 0)
        return;
    pthread_t th[N_THREADS];
    worker_arg args[N_THREADS];
    for (int i = 0; i < N_THREADS; i++) {
        args[i] = (worker_arg){cache, i, 0, 0, 0};
        pthread_create(&th[i], NULL, worker, &args[i]);
    }
    int errors = 0, wrong = 0, hits = 0;
    for (int i = 0; i < N_THREADS; i++) {
        pthread_join(th[i], NULL);
        errors += args[i].errors;
        wrong += args[i].wrong;
        hits += args[i].hits;
    }
    CHECK(errors == 0, "%d errors from 4 threads", errors);
    CHECK(wrong == 0, "%d hits returned wrong bytes", wrong);
    /* The cap (4 MiB) is far above what is stored (< 4*150*800 B), so every get is a hit. */
    CHECK(hits == N_THREADS * N_ROUNDS * 3, "hits %d of %d", hits, N_THREADS * N_ROUNDS * 3);
    nr_cache_stats s;
    nr_cache_get_stats(cache, &s);
    int64_t want_entries = N_THREADS * (N_ROUNDS / 2) + N_SHARED;
    CHECK(s.entries == want_entries, "entries %lld (want %lld distinct keys)", (long long)s.entries,
          (long long)want_entries);
    CHECK(s.evicted == 0 && s.corrupt_dropped == 0, "no eviction, no corruption");
    nr_cache_close(cache);
    CHECK(sql_int(path, "SELECT count(*) FROM results") == want_entries, "rows in the file");
    /* Hits were queued and written later: every row's last use is after its creation. */
    CHECK(sql_int(path, "SELECT count(*) FROM results WHERE last_used_at <= created_at") == 0,
          "every row's hits reached last_used_at");
}

static void test_newer_version_refused(void)
{
    char path[128];
    db_path("newer.db", path, sizeof path);
    nr_cache *cache = NULL;
    if (open_cache(path, 1 << 20, &cache) != 0)
        return;
    nr_cache_close(cache);
    CHECK(sql_exec(path, "PRAGMA user_version = 99") == SQLITE_OK, "bump user_version");
    char err[512] = "";
    cache = (nr_cache *)&err; /* must be reset to NULL */
    CHECK(nr_cache_open(path, 1 << 20, &cache, err, sizeof err) != 0, "newer schema refused");
    CHECK(cache == NULL, "*out is NULL on failure");
    CHECK(strstr(err, path) && strstr(err, "99") && strstr(err, "newer"), "message: %s", err);
    if (getenv("NR_TEST_VERBOSE"))
        printf("ok   newer schema: %s\n", err);
}

static void test_garbage_file_refused(void)
{
    char path[128];
    db_path("garbage.db", path, sizeof path);
    FILE *f = fopen(path, "wb");
    for (int i = 0; i < 200; i++)
        fputs("this is not an SQLite database at all, just text\n", f);
    fclose(f);
    char before[65], after[65];
    nr_sha256_file_hex(path, before);
    nr_cache *cache = NULL;
    char err[512] = "";
    CHECK(nr_cache_open(path, 1 << 20, &cache, err, sizeof err) != 0 && cache == NULL,
          "garbage refused");
    CHECK(strstr(err, path) && strstr(err, "not an SQLite database"), "message: %s", err);
    nr_sha256_file_hex(path, after);
    CHECK(strcmp(before, after) == 0, "garbage file left untouched");
    if (getenv("NR_TEST_VERBOSE"))
        printf("ok   garbage: %s\n", err);

    /* Another program's database: valid SQLite, wrong application. */
    db_path("foreign.db", path, sizeof path);
    CHECK(sql_exec(path, "CREATE TABLE accounts (id INTEGER); INSERT INTO accounts VALUES (1)") ==
              SQLITE_OK,
          "make foreign db");
    err[0] = '\0';
    CHECK(nr_cache_open(path, 1 << 20, &cache, err, sizeof err) != 0 && cache == NULL,
          "foreign database refused");
    CHECK(strstr(err, path) && strstr(err, "another program"), "message: %s", err);
    CHECK(sql_int(path, "SELECT count(*) FROM sqlite_schema WHERE name = 'results'") == 0,
          "no cache tables added to it");
}

static void test_survives_kill(void)
{
    char path[128];
    db_path("kill.db", path, sizeof path);
    nr_cache *cache = NULL;
    if (open_cache(path, 1 << 22, &cache) != 0)
        return;
    for (int i = 0; i < 40; i++) {
        char key[32];
        snprintf(key, sizeof key, "before-%d", i);
        char *b = make_body(key, 500);
        CHECK(nr_cache_put(cache, key, "{}", b, 500, "text/plain", 1) == 0, "put %s", key);
        free(b);
    }
    nr_cache_close(cache);
    fflush(NULL);

    pid_t pid = fork();
    if (pid == 0) {
        /* The child: its own cache, rows committed, then killed with the database open. */
        nr_cache *child = NULL;
        char err[512];
        if (nr_cache_open(path, 1 << 22, &child, err, sizeof err) != 0)
            _exit(2);
        for (int i = 0; i < 40; i++) {
            char key[32];
            snprintf(key, sizeof key, "child-%d", i);
            char *b = make_body(key, 700);
            if (nr_cache_put(child, key, "{}", b, 700, "text/plain", 1) != 0)
                _exit(3);
            free(b);
        }
        kill(getpid(), SIGKILL);
        _exit(4); /* not reached */
    }
    int status = 0;
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid, "fork/wait");
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "child killed (status %d)", status);

    cache = NULL;
    if (open_cache(path, 1 << 22, &cache) != 0)
        return;
    int missing = 0;
    for (int i = 0; i < 40; i++) {
        char key[32];
        snprintf(key, sizeof key, "before-%d", i);
        char *b = make_body(key, 500);
        missing += !holds(cache, key, b, 500);
        free(b);
        snprintf(key, sizeof key, "child-%d", i);
        b = make_body(key, 700);
        missing += !holds(cache, key, b, 700);
        free(b);
    }
    CHECK(missing == 0, "%d committed rows lost after the kill", missing);
    nr_cache_stats s;
    nr_cache_get_stats(cache, &s);
    CHECK(s.entries == 80 && s.bytes == 40 * 500 + 40 * 700, "totals %lld/%lld after the kill",
          (long long)s.entries, (long long)s.bytes);
    nr_cache_close(cache);
}

static void test_bad_arguments(void)
{
    char err[256] = "";
    nr_cache *cache = NULL;
    CHECK(nr_cache_open(NULL, 100, &cache, err, sizeof err) != 0, "NULL path refused");
    char path[128];
    db_path("args.db", path, sizeof path);
    CHECK(nr_cache_open(path, 0, &cache, err, sizeof err) != 0, "zero cap refused: %s", err);
    CHECK(nr_cache_open("/nonexistent-dir/x/cache.db", 100, &cache, err, sizeof err) != 0 &&
              strstr(err, "/nonexistent-dir/x/cache.db"),
          "unopenable path named: %s", err);
    char *body = NULL;
    size_t n;
    CHECK(nr_cache_get(NULL, "k", &body, &n, NULL, NULL) == -1, "NULL cache get");
    CHECK(nr_cache_put(NULL, "k", "{}", "x", 1, "t", 0) == -1, "NULL cache put");
    nr_cache_close(NULL);
}

static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char p[512];
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(dir);
}

int main(void)
{
    snprintf(g_dir, sizeof g_dir, "/tmp/nr_cache_test_XXXXXX");
    if (!mkdtemp(g_dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_round_trip_and_persistence();
    test_schema_embedded();
    test_corrupt_row_dropped();
    test_hits_recorded_without_stores();
    test_lru_eviction();
    test_threads();
    test_newer_version_refused();
    test_garbage_file_refused();
    test_survives_kill();
    test_bad_arguments();
    if (!getenv("NR_TEST_KEEP"))
        remove_dir(g_dir);
    else
        printf("kept %s\n", g_dir);
    return nr_test_summary();
}
