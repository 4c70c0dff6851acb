/* cache.c: the SQLite result cache declared in cache.h; schema and migrations in schema/cache.sql.
 *
 * Connections: a mutex-protected pool. A caller checks a connection (with its prepared statements)
 * out, uses it alone, and checks it back in, so each connection is used by one thread at a time
 * and the pool holds as many connections as there were simultaneous callers (MHD's 4 threads plus
 * the compute workers), up to NR_POOL_MAX_IDLE kept open. A pool rather than pthread_key_t
 * thread-locals because nr_cache_close() must be able to finalize every connection, which a
 * thread-local destructor cannot do for threads that are still alive (or that exit after the
 * cache is freed). Connections are opened SQLITE_OPEN_NOMUTEX (multi-thread mode): safe because
 * the pool never shares one connection between two threads at once.
 *
 * Per connection: journal_mode=WAL (readers never block the writer), synchronous=NORMAL (a commit
 * survives a kill of the process; only a power loss may lose the last commits), busy_timeout.
 *
 * Reads: a hit checks sha256(body) against the stored body_sha256 (and length against size); a
 * mismatch deletes the row and reports a miss. Hits do not write: the new last_used_at is queued in
 * memory and applied by the next store, inside its write transaction and before its eviction (the
 * only place LRU order matters), or by a hit that finds NR_TOUCH_FLUSH_AT touches queued, which
 * tries a non-blocking write (skipped, entries kept, if another connection is writing).
 *
 * Writes: BEGIN IMMEDIATE; pending touches; UPSERT of the row; delete least-recently-used rows
 * while the total size (kept by triggers in the `totals` table) exceeds the cap; COMMIT.
 */
#include "cache.h"

#include "sha256.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum {
    NR_CACHE_BUSY_TIMEOUT_MS = 5000, /* how long a writer waits for another one [ms]       */
    NR_POOL_MAX_IDLE = 16,           /* connections kept open between calls                */
    NR_TOUCH_FLUSH_AT = 64,          /* queued hits that make a hit try to write them      */
    NR_TOUCH_MAX = 1024              /* queued hits kept at most (more are dropped)        */
};

/* PRAGMA application_id of a nureach cache: the bytes 'nrCa', set by migration 1. */
#define NR_CACHE_APPLICATION_ID 1852982113
#define NR_MIGRATION_MARKER "-- @migration "

enum stmt_id {
    ST_GET,
    ST_DROP_CORRUPT,
    ST_BEGIN,
    ST_COMMIT,
    ST_ROLLBACK,
    ST_UPSERT,
    ST_TOUCH,
    ST_TOTALS,
    ST_EVICT_LRU,
    ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
    [ST_GET] = "SELECT content_type, size, body_sha256, compute_ms, body FROM results WHERE key = ?1",
    /* Only the row that failed the check: a concurrent store may have replaced it already. */
    [ST_DROP_CORRUPT] = "DELETE FROM results WHERE key = ?1 AND body_sha256 IS ?2",
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    /* UPSERT rather than INSERT OR REPLACE: it fires the update trigger that keeps `totals`. */
    [ST_UPSERT] = "INSERT INTO results (key, request, content_type, size, body_sha256, compute_ms,"
                  " created_at, last_used_at, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8)"
                  " ON CONFLICT (key) DO UPDATE SET request = excluded.request,"
                  " content_type = excluded.content_type, size = excluded.size,"
                  " body_sha256 = excluded.body_sha256, compute_ms = excluded.compute_ms,"
                  " created_at = excluded.created_at, last_used_at = excluded.last_used_at,"
                  " body = excluded.body",
    [ST_TOUCH] = "UPDATE results SET last_used_at = max(last_used_at, ?2) WHERE key = ?1",
    [ST_TOTALS] = "SELECT entries, bytes FROM totals WHERE id = 1",
    /* The row just stored (?1) is never evicted by its own store. */
    [ST_EVICT_LRU] = ("DELETE FROM results WHERE key = (SELECT key FROM results WHERE key <> ?1"
                      " ORDER BY last_used_at LIMIT 1)"),
};

typedef struct nr_conn {
    sqlite3 *db;
    sqlite3_stmt *st[ST_COUNT];
    struct nr_conn *next;
} nr_conn;

typedef struct {
    char *key;
    int64_t used_at_us; /* [us since the epoch] */
} nr_touch;

struct nr_cache {
    char *path;
    int64_t max_bytes; /* cap on the sum of body sizes [bytes] */

    pthread_mutex_t pool_lock;
    nr_conn *idle;
    int n_idle;

    pthread_mutex_t touch_lock;
    nr_touch touches[NR_TOUCH_MAX];
    size_t n_touches;

    /* Strictly increasing clock for created_at/last_used_at [us since the epoch], so that LRU
     * order is exact even for stores within one microsecond or a wall clock stepping back. */
    atomic_int_least64_t last_tick_us;

    atomic_int_least64_t hits, misses, corrupt_dropped, evicted;
};

__attribute__((format(printf, 3, 4))) static void set_error(char *errbuf, size_t errlen,
                                                            const char *fmt, ...)
{
    if (!errbuf || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errbuf, errlen, fmt, ap);
    va_end(ap);
}

/* A message naming the file, with a plain-words reason for the cases an operator must act on. */
static void set_db_error(char *errbuf, size_t errlen, const char *path, sqlite3 *db, int rc,
                         const char *doing)
{
    const char *detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    switch (rc & 0xff) {
    case SQLITE_NOTADB:
        set_error(errbuf, errlen,
                  "cache database %s is not an SQLite database (%s); refusing to use it: move the "
                  "file away or delete it",
                  path, detail);
        break;
    case SQLITE_CORRUPT:
        set_error(errbuf, errlen,
                  "cache database %s is corrupt (%s); refusing to use it: move the file away or "
                  "delete it",
                  path, detail);
        break;
    default:
        set_error(errbuf, errlen, "cache database %s: %s failed: %s", path, doing, detail);
    }
}

static int64_t wall_clock_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t cache_tick_us(nr_cache *cache)
{
    int64_t now = wall_clock_us();
    int_least64_t last = atomic_load(&cache->last_tick_us);
    for (;;) {
        int_least64_t next = now > last ? now : last + 1;
        if (atomic_compare_exchange_weak(&cache->last_tick_us, &last, next))
            return next;
    }
}

/* ---- statements ---------------------------------------------------------------------------- */

/* Run a statement that returns no rows; 0 on SQLITE_DONE. Leaves it reset with bindings cleared. */
static int step_done(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Read one integer from a one-row query on a raw connection (PRAGMAs, counts); -1 on error. */
static int query_int(sqlite3 *db, const char *sql, int64_t *value, int *rc_out)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            *value = sqlite3_column_int64(st, 0);
            rc = SQLITE_OK;
        }
    }
    sqlite3_finalize(st);
    if (rc_out)
        *rc_out = rc;
    return rc == SQLITE_OK ? 0 : -1;
}

static int read_totals(nr_conn *c, int64_t *entries, int64_t *bytes)
{
    sqlite3_stmt *st = c->st[ST_TOTALS];
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *entries = sqlite3_column_int64(st, 0);
        *bytes = sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

/* ---- connections --------------------------------------------------------------------------- */

static void conn_close(nr_conn *c)
{
    if (!c)
        return;
    for (int i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(c->st[i]);
    sqlite3_close_v2(c->db);
    free(c);
}

/* Open a connection and apply the per-connection settings. The first statement that reads the
 * file is the journal_mode PRAGMA, so a file that is not a database is reported here. */
static int conn_connect(const char *path, nr_conn **out, char *errbuf, size_t errlen)
{
    *out = NULL;
    nr_conn *c = calloc(1, sizeof *c);
    if (!c) {
        set_error(errbuf, errlen, "cache database %s: out of memory", path);
        return -1;
    }
    int rc = sqlite3_open_v2(path, &c->db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        set_db_error(errbuf, errlen, path, c->db, rc, "open");
        conn_close(c);
        return -1;
    }
    sqlite3_busy_timeout(c->db, NR_CACHE_BUSY_TIMEOUT_MS);

    sqlite3_stmt *st = NULL;
    rc = sqlite3_prepare_v2(c->db, "PRAGMA journal_mode = WAL", -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    int wal = rc == SQLITE_ROW && sqlite3_column_text(st, 0) &&
              strcmp((const char *)sqlite3_column_text(st, 0), "wal") == 0;
    if (rc != SQLITE_ROW) {
        set_db_error(errbuf, errlen, path, c->db, rc, "setting journal_mode=WAL");
    } else if (!wal) {
        set_error(errbuf, errlen, "cache database %s: cannot use WAL journal mode (got '%s')", path,
                  (const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    if (!wal) {
        conn_close(c);
        return -1;
    }
    rc = sqlite3_exec(c->db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        set_db_error(errbuf, errlen, path, c->db, rc, "setting synchronous=NORMAL");
        conn_close(c);
        return -1;
    }
    *out = c;
    return 0;
}

static int conn_prepare(nr_conn *c, const char *path, char *errbuf, size_t errlen)
{
    for (int i = 0; i < ST_COUNT; i++) {
        int rc = sqlite3_prepare_v3(c->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &c->st[i],
                                    NULL);
        if (rc != SQLITE_OK) {
            set_db_error(errbuf, errlen, path, c->db, rc, "preparing a statement");
            return -1;
        }
    }
    return 0;
}

static nr_conn *pool_checkout(nr_cache *cache)
{
    pthread_mutex_lock(&cache->pool_lock);
    nr_conn *c = cache->idle;
    if (c) {
        cache->idle = c->next;
        cache->n_idle--;
    }
    pthread_mutex_unlock(&cache->pool_lock);
    if (c)
        return c;

    char err[512];
    if (conn_connect(cache->path, &c, err, sizeof err) != 0)
        return NULL;
    if (conn_prepare(c, cache->path, err, sizeof err) != 0) {
        conn_close(c);
        return NULL;
    }
    return c;
}

static void pool_checkin(nr_cache *cache, nr_conn *c)
{
    if (!c)
        return;
    if (!sqlite3_get_autocommit(c->db))
        step_done(c->st[ST_ROLLBACK]);
    pthread_mutex_lock(&cache->pool_lock);
    int keep = cache->n_idle < NR_POOL_MAX_IDLE;
    if (keep) {
        c->next = cache->idle;
        cache->idle = c;
        cache->n_idle++;
    }
    pthread_mutex_unlock(&cache->pool_lock);
    if (!keep)
        conn_close(c);
}

/* ---- schema migrations (schema/cache.sql, embedded as nr_cache_schema_sql) ------------------ */

typedef struct {
    int version;       /* the user_version this migration brings the database to */
    const char *start; /* its SQL, up to the next marker                         */
    size_t len;
} nr_migration;

static const char *find_marker(const char *p)
{
    const size_t n = strlen(NR_MIGRATION_MARKER);
    while (p && *p) {
        if (strncmp(p, NR_MIGRATION_MARKER, n) == 0)
            return p;
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    return NULL;
}

/* Next migration after *cursor; 1 if found, 0 at the end. */
static int next_migration(const char **cursor, nr_migration *m)
{
    const char *mark = find_marker(*cursor);
    if (!mark)
        return 0;
    m->version = atoi(mark + strlen(NR_MIGRATION_MARKER));
    const char *body = strchr(mark, '\n');
    body = body ? body + 1 : mark + strlen(mark);
    const char *next = find_marker(body);
    m->start = body;
    m->len = next ? (size_t)(next - body) : strlen(body);
    *cursor = body + m->len;
    return 1;
}

/* Highest schema version the embedded SQL defines; -1 if the migrations are not numbered 1, 2, ... */
static int schema_latest_version(void)
{
    const char *cursor = nr_cache_schema_sql;
    nr_migration m;
    int latest = 0;
    while (next_migration(&cursor, &m)) {
        if (m.version != latest + 1)
            return -1;
        latest = m.version;
    }
    return latest;
}

static int run_migration(sqlite3 *db, const char *path, const nr_migration *m, char *errbuf,
                         size_t errlen)
{
    char *sql = malloc(m->len + 1);
    if (!sql) {
        set_error(errbuf, errlen, "cache database %s: out of memory", path);
        return -1;
    }
    memcpy(sql, m->start, m->len);
    sql[m->len] = '\0';
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    free(sql);
    if (rc != SQLITE_OK) {
        set_error(errbuf, errlen, "cache database %s: schema migration to version %d failed: %s",
                  path, m->version, msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        return -1;
    }
    int64_t version = -1;
    if (query_int(db, "PRAGMA user_version", &version, NULL) != 0 || version != m->version) {
        set_error(errbuf, errlen,
                  "cache database %s: schema migration %d did not set user_version = %d "
                  "(schema/cache.sql is wrong)",
                  path, m->version, m->version);
        return -1;
    }
    return 0;
}

/* Inside the open write transaction: check that the file is ours and not from a newer program,
 * then apply the migrations above its user_version. */
static int migrate_locked(sqlite3 *db, const char *path, char *errbuf, size_t errlen)
{
    int latest = schema_latest_version();
    if (latest < 1) {
        set_error(errbuf, errlen, "embedded cache schema has no valid '%s N' sections",
                  NR_MIGRATION_MARKER);
        return -1;
    }
    int64_t version = 0, app_id = 0, n_objects = 0;
    int rc = SQLITE_OK;
    if (query_int(db, "PRAGMA user_version", &version, &rc) != 0 ||
        query_int(db, "PRAGMA application_id", &app_id, &rc) != 0 ||
        query_int(db, "SELECT count(*) FROM sqlite_schema", &n_objects, &rc) != 0) {
        set_db_error(errbuf, errlen, path, db, rc, "reading the schema version");
        return -1;
    }
    int fresh = version == 0 && app_id == 0 && n_objects == 0;
    if (!fresh && app_id != NR_CACHE_APPLICATION_ID) {
        set_error(errbuf, errlen,
                  "cache database %s is an SQLite database of another program (application_id "
                  "%lld, user_version %lld, %lld schema objects); refusing to use it",
                  path, (long long)app_id, (long long)version, (long long)n_objects);
        return -1;
    }
    if (version > latest) {
        set_error(errbuf, errlen,
                  "cache database %s has schema version %lld, newer than the version %d this "
                  "nureachd knows; run a newer nureachd or move the file away",
                  path, (long long)version, latest);
        return -1;
    }
    const char *cursor = nr_cache_schema_sql;
    nr_migration m;
    while (next_migration(&cursor, &m)) {
        if (m.version > version && run_migration(db, path, &m, errbuf, errlen) != 0)
            return -1;
    }
    return 0;
}

/* Migrations run in one BEGIN IMMEDIATE transaction, so two processes opening the same new file
 * at once do not both create it: the second waits, then sees the new user_version. */
static int migrate(sqlite3 *db, const char *path, char *errbuf, size_t errlen)
{
    int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        set_db_error(errbuf, errlen, path, db, rc, "starting the schema transaction");
        return -1;
    }
    if (migrate_locked(db, path, errbuf, errlen) != 0) {
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        set_db_error(errbuf, errlen, path, db, rc, "committing the schema");
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    return 0;
}

/* ---- last-used times queued by hits -------------------------------------------------------- */

/* Queue a hit's time; returns 1 when enough are queued that the caller should try a flush. */
static int touch_queue(nr_cache *cache, const char *key, int64_t used_at_us)
{
    pthread_mutex_lock(&cache->touch_lock);
    if (cache->n_touches < NR_TOUCH_MAX) {
        char *copy = strdup(key);
        if (copy)
            cache->touches[cache->n_touches++] = (nr_touch){copy, used_at_us};
    }
    int flush = cache->n_touches >= NR_TOUCH_FLUSH_AT;
    pthread_mutex_unlock(&cache->touch_lock);
    return flush;
}

/* Move every queued touch into a malloc'd array owned by the caller (NULL if none). */
static nr_touch *touch_take(nr_cache *cache, size_t *n)
{
    pthread_mutex_lock(&cache->touch_lock);
    nr_touch *taken = NULL;
    *n = 0;
    if (cache->n_touches > 0) {
        taken = malloc(cache->n_touches * sizeof *taken);
        if (taken) {
            memcpy(taken, cache->touches, cache->n_touches * sizeof *taken);
            *n = cache->n_touches;
            cache->n_touches = 0;
        }
    }
    pthread_mutex_unlock(&cache->touch_lock);
    return taken;
}

/* Give back touches that could not be written (as many as fit; the rest are forgotten). */
static void touch_requeue(nr_cache *cache, nr_touch *taken, size_t n)
{
    pthread_mutex_lock(&cache->touch_lock);
    size_t i = 0;
    for (; i < n && cache->n_touches < NR_TOUCH_MAX; i++)
        cache->touches[cache->n_touches++] = taken[i];
    pthread_mutex_unlock(&cache->touch_lock);
    for (; i < n; i++)
        free(taken[i].key);
    free(taken);
}

static void touch_free(nr_touch *taken, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(taken[i].key);
    free(taken);
}

/* Inside a write transaction. max() in the UPDATE makes the order of the touches irrelevant. */
static int touch_apply(nr_conn *c, const nr_touch *taken, size_t n)
{
    sqlite3_stmt *st = c->st[ST_TOUCH];
    for (size_t i = 0; i < n; i++) {
        sqlite3_bind_text(st, 1, taken[i].key, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, taken[i].used_at_us);
        if (step_done(st) != 0)
            return -1;
    }
    return 0;
}

/* Write the queued touches in their own transaction. With wait == 0 it gives up at once if another
 * connection holds the write lock (a hit must not wait for a store), keeping the touches queued. */
static void touch_flush(nr_cache *cache, nr_conn *c, int wait)
{
    size_t n = 0;
    nr_touch *taken = touch_take(cache, &n);
    if (!taken)
        return;
    if (!wait)
        sqlite3_busy_timeout(c->db, 0);
    int ok = step_done(c->st[ST_BEGIN]) == 0;
    if (!wait)
        sqlite3_busy_timeout(c->db, NR_CACHE_BUSY_TIMEOUT_MS);
    if (ok)
        ok = touch_apply(c, taken, n) == 0 && step_done(c->st[ST_COMMIT]) == 0;
    if (!ok && !sqlite3_get_autocommit(c->db))
        step_done(c->st[ST_ROLLBACK]);
    if (ok)
        touch_free(taken, n);
    else
        touch_requeue(cache, taken, n);
}

/* ---- public API ---------------------------------------------------------------------------- */

static void cache_free(nr_cache *cache)
{
    if (!cache)
        return;
    while (cache->idle) {
        nr_conn *next = cache->idle->next;
        conn_close(cache->idle);
        cache->idle = next;
    }
    for (size_t i = 0; i < cache->n_touches; i++)
        free(cache->touches[i].key);
    pthread_mutex_destroy(&cache->pool_lock);
    pthread_mutex_destroy(&cache->touch_lock);
    free(cache->path);
    free(cache);
}

static nr_cache *cache_alloc(const char *path, int64_t max_bytes)
{
    nr_cache *cache = calloc(1, sizeof *cache);
    if (!cache)
        return NULL;
    cache->path = strdup(path);
    if (!cache->path) {
        free(cache);
        return NULL;
    }
    cache->max_bytes = max_bytes;
    pthread_mutex_init(&cache->pool_lock, NULL);
    pthread_mutex_init(&cache->touch_lock, NULL);
    atomic_init(&cache->last_tick_us, 0);
    atomic_init(&cache->hits, 0);
    atomic_init(&cache->misses, 0);
    atomic_init(&cache->corrupt_dropped, 0);
    atomic_init(&cache->evicted, 0);
    return cache;
}

int nr_cache_open(const char *path, int64_t max_bytes, nr_cache **out, char *errbuf, size_t errlen)
{
    if (out)
        *out = NULL;
    if (!path || !*path || !out) {
        set_error(errbuf, errlen, "cache: no database path given");
        return -1;
    }
    if (max_bytes <= 0) {
        set_error(errbuf, errlen, "cache database %s: size cap must be positive (got %lld bytes)",
                  path, (long long)max_bytes);
        return -1;
    }
    if (!sqlite3_threadsafe()) {
        set_error(errbuf, errlen, "cache: the SQLite library was built without thread support");
        return -1;
    }
    nr_cache *cache = cache_alloc(path, max_bytes);
    if (!cache) {
        set_error(errbuf, errlen, "cache database %s: out of memory", path);
        return -1;
    }
    nr_conn *c = NULL;
    if (conn_connect(path, &c, errbuf, errlen) != 0 ||
        migrate(c->db, path, errbuf, errlen) != 0 || conn_prepare(c, path, errbuf, errlen) != 0) {
        conn_close(c);
        cache_free(cache);
        return -1;
    }
    /* Continue the LRU clock from the newest stored time, whatever the wall clock says. */
    int64_t newest = 0;
    if (query_int(c->db, "SELECT coalesce(max(last_used_at), 0) FROM results", &newest, NULL) == 0)
        atomic_store(&cache->last_tick_us, newest);
    pool_checkin(cache, c);
    *out = cache;
    return 0;
}

void nr_cache_close(nr_cache *cache)
{
    if (!cache)
        return;
    nr_conn *c = pool_checkout(cache);
    if (c) {
        touch_flush(cache, c, 1);
        pool_checkin(cache, c);
    }
    cache_free(cache);
}

/* Delete a row whose body no longer matches its digest (or its size). */
static void drop_corrupt(nr_cache *cache, nr_conn *c, const char *key, const char *stored_sha256)
{
    sqlite3_stmt *st = c->st[ST_DROP_CORRUPT];
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (stored_sha256)
        sqlite3_bind_text(st, 2, stored_sha256, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 2);
    step_done(st);
    atomic_fetch_add(&cache->corrupt_dropped, 1);
}

/* The row at the GET statement's cursor: verify it and copy it out. 1 = good, 0 = corrupt (then
 * *stored_sha256 is a malloc'd copy of the stored digest, or NULL), -1 = out of memory. */
static int read_verified_row(sqlite3_stmt *st, char **body, size_t *len, char content_type[64],
                             double *compute_ms, char **stored_sha256)
{
    const char *type = (const char *)sqlite3_column_text(st, 0);
    int64_t size = sqlite3_column_int64(st, 1);
    const char *sha = (const char *)sqlite3_column_text(st, 2);
    double ms = sqlite3_column_double(st, 3);
    const void *blob = sqlite3_column_blob(st, 4);
    size_t n = (size_t)sqlite3_column_bytes(st, 4);

    char actual[65];
    nr_sha256_hex(blob ? blob : "", blob ? n : 0, actual);
    if (!sha || strcmp(sha, actual) != 0 || size != (int64_t)n) {
        *stored_sha256 = sha ? strdup(sha) : NULL;
        return 0;
    }
    char *copy = malloc(n + 1);
    if (!copy)
        return -1;
    if (n > 0)
        memcpy(copy, blob, n);
    copy[n] = '\0';
    *body = copy;
    *len = n;
    if (content_type)
        snprintf(content_type, 64, "%s", type ? type : "application/octet-stream");
    if (compute_ms)
        *compute_ms = ms;
    return 1;
}

int nr_cache_get(nr_cache *cache, const char *key, char **body, size_t *len, char content_type[64],
                 double *compute_ms)
{
    if (body)
        *body = NULL;
    if (len)
        *len = 0;
    if (!cache || !key || !body || !len)
        return -1;
    nr_conn *c = pool_checkout(cache);
    if (!c) {
        atomic_fetch_add(&cache->misses, 1);
        return -1;
    }
    sqlite3_stmt *st = c->st[ST_GET];
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    int result = rc == SQLITE_DONE ? 0 : -1;
    char *stored_sha256 = NULL;
    if (rc == SQLITE_ROW)
        result = read_verified_row(st, body, len, content_type, compute_ms, &stored_sha256);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);

    if (rc == SQLITE_ROW && result == 0) {
        drop_corrupt(cache, c, key, stored_sha256);
        free(stored_sha256);
    }
    if (result == 1) {
        atomic_fetch_add(&cache->hits, 1);
        if (touch_queue(cache, key, cache_tick_us(cache)))
            touch_flush(cache, c, 0);
    } else {
        atomic_fetch_add(&cache->misses, 1);
    }
    pool_checkin(cache, c);
    return result;
}

/* Inside the write transaction: delete least-recently-used rows (never `keep`) until the stored
 * bodies fit under the cap. Returns the number deleted, or -1 on error. */
static int64_t evict_to_cap(nr_cache *cache, nr_conn *c, const char *keep)
{
    int64_t n_evicted = 0, entries = 0, bytes = 0;
    sqlite3_stmt *st = c->st[ST_EVICT_LRU];
    for (;;) {
        if (read_totals(c, &entries, &bytes) != 0)
            return -1;
        if (bytes <= cache->max_bytes)
            return n_evicted;
        sqlite3_bind_text(st, 1, keep, -1, SQLITE_STATIC);
        if (step_done(st) != 0)
            return -1;
        int changed = sqlite3_changes(c->db);
        if (changed == 0)
            return n_evicted; /* only `keep` is left */
        n_evicted += changed;
    }
}

static int upsert_row(nr_conn *c, const char *key, const char *request, const char *body,
                      size_t len, const char *content_type, const char *body_sha256,
                      double compute_ms, int64_t now_us)
{
    sqlite3_stmt *st = c->st[ST_UPSERT];
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, request ? request : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, content_type ? content_type : "application/octet-stream", -1,
                      SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)len);
    sqlite3_bind_text(st, 5, body_sha256, -1, SQLITE_STATIC);
    sqlite3_bind_double(st, 6, compute_ms);
    sqlite3_bind_int64(st, 7, now_us);
    sqlite3_bind_blob64(st, 8, len > 0 ? (const void *)body : "", (sqlite3_uint64)len,
                        SQLITE_STATIC);
    return step_done(st);
}

int nr_cache_put(nr_cache *cache, const char *key, const char *request_canonical, const char *body,
                 size_t len, const char *content_type, double compute_ms)
{
    if (!cache || !key || (!body && len > 0))
        return -1;
    if ((uint64_t)len > (uint64_t)cache->max_bytes)
        return 0; /* larger than the whole cache: served, not stored (not an error) */
    char body_sha256[65];
    nr_sha256_hex(len > 0 ? (const void *)body : "", len, body_sha256);

    nr_conn *c = pool_checkout(cache);
    if (!c)
        return -1;
    size_t n_touches = 0;
    nr_touch *touches = touch_take(cache, &n_touches);
    int64_t n_evicted = -1;
    int ok = step_done(c->st[ST_BEGIN]) == 0 && touch_apply(c, touches, n_touches) == 0 &&
             upsert_row(c, key, request_canonical, body, len, content_type, body_sha256,
                        compute_ms, cache_tick_us(cache)) == 0 &&
             (n_evicted = evict_to_cap(cache, c, key)) >= 0 && step_done(c->st[ST_COMMIT]) == 0;
    if (ok) {
        atomic_fetch_add(&cache->evicted, n_evicted);
        touch_free(touches, n_touches);
    } else {
        if (!sqlite3_get_autocommit(c->db))
            step_done(c->st[ST_ROLLBACK]);
        touch_requeue(cache, touches, n_touches);
    }
    pool_checkin(cache, c);
    return ok ? 0 : -1;
}

void nr_cache_get_stats(nr_cache *cache, nr_cache_stats *stats)
{
    if (!stats)
        return;
    memset(stats, 0, sizeof *stats);
    if (!cache)
        return;
    stats->max_bytes = cache->max_bytes;
    stats->hits = atomic_load(&cache->hits);
    stats->misses = atomic_load(&cache->misses);
    stats->corrupt_dropped = atomic_load(&cache->corrupt_dropped);
    stats->evicted = atomic_load(&cache->evicted);
    nr_conn *c = pool_checkout(cache);
    if (c) {
        if (read_totals(c, &stats->entries, &stats->bytes) != 0)
            stats->entries = stats->bytes = -1;
        pool_checkin(cache, c);
    } else {
        stats->entries = stats->bytes = -1;
    }
}
