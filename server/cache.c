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
 * Reads: the first hit of a row in this process checks sha256(body) against the stored body_sha256
 * (and length against size); a mismatch deletes the row and reports a miss. A row that passed is
 * remembered (a 64-bit fingerprint of key, digest and size in an in-memory set), so later hits of
 * the same row in this process skip the hash: on large contours it was most of the CPU of a hit
 * (issue 11 item 7). A new process, or a replaced row (new digest), is checked again on its first
 * read; `nureachd cache check` re-hashes every row. Hits do not write: the new last_used_at is queued in
 * memory and applied by the next store, inside its write transaction and before its eviction (the
 * only place LRU order matters), or by a hit that finds NR_TOUCH_FLUSH_AT touches queued, which
 * tries a non-blocking write (skipped, entries kept, if another connection is writing).
 *
 * Writes: BEGIN IMMEDIATE; pending touches; UPSERT of the row; delete least-recently-used rows
 * while the database's used pages ((page_count - freelist_count) * page_size: bodies, requests,
 * indexes, page slack, everything but free pages) exceed the cap; COMMIT. The file reuses its free
 * pages before it grows, so on disk: cache.sqlite <= cap + the largest single result (+ a page per
 * b-tree), and cache.sqlite-wal is emptied by a TRUNCATE checkpoint whenever it reaches
 * NR_WAL_LIMIT_BYTES (wal_hook; beyond that only by one transaction, or while a checkpoint times out). The `totals` table (kept by triggers)
 * still counts entries and body bytes for the statistics.
 *
 * Faults (issue 17 items 3 and 4): nr_cache_open tells a file proven unusable (SQLite says it is not
 * a database or corrupt, PRAGMA quick_check finds damage, another program's, a newer schema:
 * NR_CACHE_OPEN_UNUSABLE, may be moved aside) from a failure that proves nothing about the file
 * (disk full, read-only, permissions, I/O error: NR_CACHE_OPEN_FAILED, the file must be left alone).
 * At run time a store or read that fails is counted (nr_cache_get_health); one that fails with
 * SQLITE_CORRUPT/NOTADB triggers a quick_check, and if that proves the damage the file is moved
 * aside and the cache starts empty, with every connection closed first (a read-write lock: each
 * operation holds it shared while it uses a connection, the recovery exclusively).
 */
#include "cache.h"

#include "nureach.h"

#include <pthread.h>
#include <sqlite3.h>
#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum {
    NR_CACHE_BUSY_TIMEOUT_MS = 5000, /* how long a writer waits for another one [ms]       */
    NR_POOL_MAX_IDLE = 16,           /* connections kept open between calls                */
    NR_TOUCH_FLUSH_AT = 64,          /* queued hits that make a hit try to write them      */
    NR_TOUCH_MAX = 1024,             /* queued hits kept at most (more are dropped)        */
    NR_VERIFIED_MIN = 1 << 12,       /* verified-row set: initial slots                    */
    NR_VERIFIED_MAX = 1 << 21,       /* ... at most (16 MiB); when full it is cleared      */
    NR_BACKUP_PAGES_PER_STEP = 256   /* online backup: pages copied per lock               */
};

/* cache.sqlite-wal is truncated to this after a checkpoint (PRAGMA journal_size_limit) [bytes]. */
#define NR_WAL_LIMIT_BYTES (4 << 20)

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
    ST_PAGE_COUNT,
    ST_FREELIST_COUNT,
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
    [ST_PAGE_COUNT] = "PRAGMA page_count",
    [ST_FREELIST_COUNT] = "PRAGMA freelist_count",
};

typedef struct nr_conn {
    sqlite3 *db;
    int64_t page_size; /* [bytes] */
    sqlite3_stmt *st[ST_COUNT];
    struct nr_conn *next;
} nr_conn;

typedef struct {
    char *key;
    int64_t used_at_us; /* [us since the epoch] */
} nr_touch;

/* Rows whose digest was checked in this process: open addressing on 64-bit fingerprints (0 = empty). */
typedef struct {
    pthread_mutex_t lock;
    uint64_t *slots;
    size_t n_slots, n_used;
} nr_verified_set;

struct nr_cache {
    char *path;
    int64_t max_bytes; /* cap on the database's used pages [bytes] */

    /* held shared by every operation while it uses a connection, exclusively by a recovery */
    pthread_rwlock_t life;
    atomic_int suspect; /* a corruption error was seen: the next operation checks the file */

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
    atomic_int_least64_t store_failures, read_failures, recoveries, verifications;

    nr_verified_set verified;

    pthread_mutex_t error_lock;
    char last_error[256]; /* the last failed store/read/recovery, "" if none */
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

/* What a failed SQLite call proves about the file: SQLITE_NOTADB and SQLITE_CORRUPT say the file
 * itself is bad (NR_CACHE_OPEN_UNUSABLE); anything else (SQLITE_FULL, SQLITE_IOERR, SQLITE_READONLY,
 * SQLITE_CANTOPEN, SQLITE_BUSY, SQLITE_NOMEM...) is about the disk or the process, not the file. */
static int failure_kind(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
        return NR_CACHE_OPEN_UNUSABLE;
    default:
        return NR_CACHE_OPEN_FAILED;
    }
}

/* After each commit (sqlite3_wal_hook, in place of the automatic checkpoint): once the WAL holds
 * NR_WAL_LIMIT_BYTES, a TRUNCATE checkpoint copies it into the database and empties it. A passive
 * checkpoint (SQLite's default) never resets the WAL while readers keep arriving, so under load the WAL
 * grew without bound (148 MiB beside an 8 MiB cache in tests/bench/bench_cache.c); this one waits (busy
 * timeout) for the readers of the moment, which are single-row reads. */
static int wal_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
    const nr_conn *c = arg;
    if ((int64_t)frames * c->page_size >= NR_WAL_LIMIT_BYTES)
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    return SQLITE_OK;
}

/* Open a connection and apply the per-connection settings. The first statement that reads the
 * file is the journal_mode PRAGMA, so a file that is not a database is reported here. Returns 0,
 * or NR_CACHE_OPEN_FAILED / NR_CACHE_OPEN_UNUSABLE (see failure_kind). */
static int conn_connect(const char *path, int create, nr_conn **out, char *errbuf, size_t errlen)
{
    *out = NULL;
    nr_conn *c = calloc(1, sizeof *c);
    if (!c) {
        set_error(errbuf, errlen, "cache database %s: out of memory", path);
        return NR_CACHE_OPEN_FAILED;
    }
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(path, &c->db, flags, NULL);
    if (rc != SQLITE_OK) {
        set_db_error(errbuf, errlen, path, c->db, rc, "open");
        conn_close(c);
        return failure_kind(rc);
    }
    sqlite3_extended_result_codes(c->db, 1);
    sqlite3_busy_timeout(c->db, NR_CACHE_BUSY_TIMEOUT_MS);

    sqlite3_stmt *st = NULL;
    rc = sqlite3_prepare_v2(c->db, "PRAGMA journal_mode = WAL", -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    int wal = rc == SQLITE_ROW && sqlite3_column_text(st, 0) &&
              strcmp((const char *)sqlite3_column_text(st, 0), "wal") == 0;
    int kind = NR_CACHE_OPEN_FAILED;
    if (rc != SQLITE_ROW) {
        set_db_error(errbuf, errlen, path, c->db, rc, "setting journal_mode=WAL");
        kind = failure_kind(rc);
    } else if (!wal) {
        set_error(errbuf, errlen, "cache database %s: cannot use WAL journal mode (got '%s')", path,
                  (const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    if (!wal) {
        conn_close(c);
        return kind;
    }
    char settings[128];
    snprintf(settings, sizeof settings, "PRAGMA synchronous = NORMAL; PRAGMA journal_size_limit = %d",
             NR_WAL_LIMIT_BYTES);
    rc = sqlite3_exec(c->db, settings, NULL, NULL, NULL);
    if (rc == SQLITE_OK && query_int(c->db, "PRAGMA page_size", &c->page_size, &rc) != 0)
        rc = rc == SQLITE_OK ? SQLITE_ERROR : rc;
    if (rc != SQLITE_OK) {
        set_db_error(errbuf, errlen, path, c->db, rc, "applying the connection settings");
        conn_close(c);
        return failure_kind(rc);
    }
    sqlite3_wal_hook(c->db, wal_hook, c);
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
    if (conn_connect(cache->path, 1, &c, err, sizeof err) != 0)
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
        return failure_kind(rc);
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
        return failure_kind(rc);
    }
    int fresh = version == 0 && app_id == 0 && n_objects == 0;
    if (!fresh && app_id != NR_CACHE_APPLICATION_ID) {
        set_error(errbuf, errlen,
                  "cache database %s is an SQLite database of another program (application_id "
                  "%lld, user_version %lld, %lld schema objects); refusing to use it",
                  path, (long long)app_id, (long long)version, (long long)n_objects);
        return NR_CACHE_OPEN_UNUSABLE;
    }
    if (version > latest) {
        set_error(errbuf, errlen,
                  "cache database %s has schema version %lld, newer than the version %d this "
                  "nureachd knows; run a newer nureachd or move the file away",
                  path, (long long)version, latest);
        return NR_CACHE_OPEN_UNUSABLE;
    }
    const char *cursor = nr_cache_schema_sql;
    nr_migration m;
    while (next_migration(&cursor, &m)) {
        int kind = m.version > version ? run_migration(db, path, &m, errbuf, errlen) : 0;
        if (kind != 0)
            return kind;
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
        return failure_kind(rc);
    }
    int kind = migrate_locked(db, path, errbuf, errlen);
    if (kind != 0) {
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return kind;
    }
    rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        set_db_error(errbuf, errlen, path, db, rc, "committing the schema");
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return failure_kind(rc);
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

/* ---- rows verified in this process (issue 11 item 7) ---------------------------------------- */

/* FNV-1a 64 of key, digest and size: a row's identity for the verified set (0 is reserved). */
static uint64_t row_fingerprint(const char *key, const char *sha, int64_t size)
{
    uint64_t h = 1469598103934665603ull;
    const char *parts[2] = {key, sha};
    for (int p = 0; p < 2; p++) {
        for (const unsigned char *c = (const unsigned char *)parts[p]; *c; c++)
            h = (h ^ *c) * 1099511628211ull;
        h = (h ^ 0xffu) * 1099511628211ull; /* separator */
    }
    for (int i = 0; i < 8; i++)
        h = (h ^ (uint64_t)((size >> (8 * i)) & 0xff)) * 1099511628211ull;
    return h ? h : 1;
}

static int verified_contains(nr_verified_set *v, uint64_t fp)
{
    int found = 0;
    pthread_mutex_lock(&v->lock);
    if (v->slots) {
        for (size_t i = fp & (v->n_slots - 1); v->slots[i]; i = (i + 1) & (v->n_slots - 1))
            if (v->slots[i] == fp) {
                found = 1;
                break;
            }
    }
    pthread_mutex_unlock(&v->lock);
    return found;
}

static void verified_insert_locked(nr_verified_set *v, uint64_t fp)
{
    size_t i = fp & (v->n_slots - 1);
    while (v->slots[i] && v->slots[i] != fp)
        i = (i + 1) & (v->n_slots - 1);
    if (!v->slots[i]) {
        v->slots[i] = fp;
        v->n_used++;
    }
}

/* Remember a verified row; the table doubles at half load and is cleared when at its maximum (the
 * rows are then checked again on their next hit: a cost, never a wrong answer). */
static void verified_add(nr_verified_set *v, uint64_t fp)
{
    pthread_mutex_lock(&v->lock);
    if (!v->slots || 2 * (v->n_used + 1) > v->n_slots) {
        size_t n = v->slots ? 2 * v->n_slots : NR_VERIFIED_MIN;
        uint64_t *old = v->slots;
        size_t n_old = v->n_slots;
        if (n > NR_VERIFIED_MAX) {
            n = n_old;
            n_old = 0; /* drop the old entries */
        }
        uint64_t *slots = calloc(n, sizeof *slots);
        if (slots) {
            v->slots = slots;
            v->n_slots = n;
            v->n_used = 0;
            for (size_t i = 0; i < n_old; i++)
                if (old[i])
                    verified_insert_locked(v, old[i]);
            free(old);
        }
    }
    if (v->slots && 2 * (v->n_used + 1) <= v->n_slots)
        verified_insert_locked(v, fp);
    pthread_mutex_unlock(&v->lock);
}

static void verified_clear(nr_verified_set *v)
{
    pthread_mutex_lock(&v->lock);
    free(v->slots);
    v->slots = NULL;
    v->n_slots = v->n_used = 0;
    pthread_mutex_unlock(&v->lock);
}

/* ---- integrity checks ---------------------------------------------------------------------- */

/* PRAGMA quick_check (full == 0) or integrity_check (full == 1). 0: "ok"; 1: damage proven (the
 * first finding in report); -1: the check could not run for another reason (report says why). */
static int run_integrity_check(sqlite3 *db, int full, char *report, size_t len)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, full ? "PRAGMA integrity_check(20)" : "PRAGMA quick_check(20)", -1,
                                &st, NULL);
    int result = 0, n_rows = 0;
    report[0] = '\0';
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *line = (const char *)sqlite3_column_text(st, 0);
        int fine = n_rows++ == 0 && line && strcmp(line, "ok") == 0;
        if (!fine && result == 0)
            set_error(report, len, "%s", line ? line : "(no text)");
        result |= !fine;
        rc = SQLITE_OK;
    }
    if (rc != SQLITE_DONE && rc != SQLITE_OK) {
        set_error(report, len, "%s", sqlite3_errmsg(db));
        result = failure_kind(rc) == NR_CACHE_OPEN_UNUSABLE ? 1 : -1;
    }
    sqlite3_finalize(st);
    for (char *c = report; *c; c++) /* one line for logs and JSON */
        if (*c == '\n')
            *c = ' ';
    return result;
}

/* ---- public API ---------------------------------------------------------------------------- */

static void close_idle(nr_cache *cache)
{
    pthread_mutex_lock(&cache->pool_lock);
    while (cache->idle) {
        nr_conn *next = cache->idle->next;
        conn_close(cache->idle);
        cache->idle = next;
    }
    cache->n_idle = 0;
    pthread_mutex_unlock(&cache->pool_lock);
}

static void cache_free(nr_cache *cache)
{
    if (!cache)
        return;
    close_idle(cache);
    for (size_t i = 0; i < cache->n_touches; i++)
        free(cache->touches[i].key);
    verified_clear(&cache->verified);
    pthread_mutex_destroy(&cache->pool_lock);
    pthread_mutex_destroy(&cache->touch_lock);
    pthread_mutex_destroy(&cache->verified.lock);
    pthread_mutex_destroy(&cache->error_lock);
    pthread_rwlock_destroy(&cache->life);
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
    pthread_mutex_init(&cache->verified.lock, NULL);
    pthread_mutex_init(&cache->error_lock, NULL);
    pthread_rwlock_init(&cache->life, NULL);
    atomic_init(&cache->suspect, 0);
    atomic_init(&cache->last_tick_us, 0);
    atomic_init(&cache->hits, 0);
    atomic_init(&cache->misses, 0);
    atomic_init(&cache->corrupt_dropped, 0);
    atomic_init(&cache->evicted, 0);
    atomic_init(&cache->store_failures, 0);
    atomic_init(&cache->read_failures, 0);
    atomic_init(&cache->recoveries, 0);
    atomic_init(&cache->verifications, 0);
    return cache;
}

/* First connection of a cache: connect, migrate, quick_check, prepare; continue the LRU clock. */
static int cache_connect_first(nr_cache *cache, char *errbuf, size_t errlen)
{
    nr_conn *c = NULL;
    int kind = conn_connect(cache->path, 1, &c, errbuf, errlen);
    if (kind == 0)
        kind = migrate(c->db, cache->path, errbuf, errlen);
    if (kind == 0) {
        char report[256];
        int check = run_integrity_check(c->db, 0, report, sizeof report);
        if (check != 0) {
            set_error(errbuf, errlen, "cache database %s %s: %s", cache->path,
                      check > 0 ? "is corrupt (PRAGMA quick_check)" : "could not be checked", report);
            kind = check > 0 ? NR_CACHE_OPEN_UNUSABLE : NR_CACHE_OPEN_FAILED;
        }
    }
    if (kind == 0 && conn_prepare(c, cache->path, errbuf, errlen) != 0)
        kind = NR_CACHE_OPEN_FAILED;
    if (kind != 0) {
        conn_close(c);
        return kind;
    }
    /* Continue the LRU clock from the newest stored time, whatever the wall clock says. */
    int64_t newest = 0;
    if (query_int(c->db, "SELECT coalesce(max(last_used_at), 0) FROM results", &newest, NULL) == 0 &&
        newest > atomic_load(&cache->last_tick_us))
        atomic_store(&cache->last_tick_us, newest);
    pool_checkin(cache, c);
    return 0;
}

int nr_cache_open(const char *path, int64_t max_bytes, nr_cache **out, char *errbuf, size_t errlen)
{
    if (out)
        *out = NULL;
    if (!path || !*path || !out) {
        set_error(errbuf, errlen, "cache: no database path given");
        return NR_CACHE_OPEN_FAILED;
    }
    if (max_bytes <= 0) {
        set_error(errbuf, errlen, "cache database %s: size cap must be positive (got %lld bytes)",
                  path, (long long)max_bytes);
        return NR_CACHE_OPEN_FAILED;
    }
    if (!sqlite3_threadsafe()) {
        set_error(errbuf, errlen, "cache: the SQLite library was built without thread support");
        return NR_CACHE_OPEN_FAILED;
    }
    nr_cache *cache = cache_alloc(path, max_bytes);
    if (!cache) {
        set_error(errbuf, errlen, "cache database %s: out of memory", path);
        return NR_CACHE_OPEN_FAILED;
    }
    int kind = cache_connect_first(cache, errbuf, errlen);
    if (kind != 0) {
        cache_free(cache);
        return kind;
    }
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

int nr_cache_move_aside(const char *path, char *aside, size_t aside_len)
{
    snprintf(aside, aside_len, "%s.unusable-%ld", path, (long)time(NULL));
    if (rename(path, aside) != 0)
        return -1;
    /* the journal files of the moved database would not match a new one */
    char side[4096 + 8];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    return 0;
}

__attribute__((format(printf, 2, 3))) static void note_failure(nr_cache *cache, const char *fmt, ...)
{
    pthread_mutex_lock(&cache->error_lock);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cache->last_error, sizeof cache->last_error, fmt, ap);
    va_end(ap);
    pthread_mutex_unlock(&cache->error_lock);
}

/* After a failed operation on c: remember the reason, and flag a corruption for a check. */
static void note_db_failure(nr_cache *cache, nr_conn *c, const char *doing)
{
    int rc = sqlite3_extended_errcode(c->db);
    note_failure(cache, "%s failed: %s", doing, sqlite3_errmsg(c->db));
    if (failure_kind(rc) == NR_CACHE_OPEN_UNUSABLE)
        atomic_store(&cache->suspect, 1);
}

/* Called with no lock held after an operation flagged a corruption: with every connection closed,
 * quick_check the file; if the damage is proven, move it aside and start empty. */
static void recover_if_corrupt(nr_cache *cache)
{
    if (!atomic_load(&cache->suspect))
        return;
    pthread_rwlock_wrlock(&cache->life);
    if (atomic_exchange(&cache->suspect, 0)) {
        close_idle(cache);
        char report[256] = "", err[512] = "";
        sqlite3 *db = NULL;
        int proven = 0;
        if (sqlite3_open_v2(cache->path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK)
            proven = run_integrity_check(db, 0, report, sizeof report) > 0;
        sqlite3_close_v2(db);
        char aside[4096 + 32];
        if (proven && nr_cache_move_aside(cache->path, aside, sizeof aside) == 0) {
            verified_clear(&cache->verified);
            int kind = cache_connect_first(cache, err, sizeof err);
            atomic_fetch_add(&cache->recoveries, 1);
            note_failure(cache, "the cache file was corrupt (%s); moved it to %s and started %s", report, aside,
                         kind == 0 ? "empty" : "without a cache");
            fprintf(stderr, "nureachd: warning: the cache %s was corrupt (%s); moved it to %s%s%s\n",
                    cache->path, report, aside, kind == 0 ? " and started empty" : "; reopening failed: ",
                    kind == 0 ? "" : err);
        }
    }
    pthread_rwlock_unlock(&cache->life);
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

/* The row at the GET statement's cursor: verify it (unless verified earlier in this process) and
 * copy it out. 1 = good, 0 = corrupt (then *stored_sha256 is a malloc'd copy of the stored digest,
 * or NULL), -1 = out of memory. */
static int read_verified_row(nr_cache *cache, const char *key, sqlite3_stmt *st, char **body, size_t *len,
                             char content_type[64], double *compute_ms, char **stored_sha256)
{
    const char *type = (const char *)sqlite3_column_text(st, 0);
    int64_t size = sqlite3_column_int64(st, 1);
    const char *sha = (const char *)sqlite3_column_text(st, 2);
    double ms = sqlite3_column_double(st, 3);
    const void *blob = sqlite3_column_blob(st, 4);
    size_t n = (size_t)sqlite3_column_bytes(st, 4);

    uint64_t fp = sha ? row_fingerprint(key, sha, size) : 0;
    if (!sha || size != (int64_t)n || !verified_contains(&cache->verified, fp)) {
        char actual[65];
        nr_sha256_hex(blob ? blob : "", blob ? n : 0, actual);
        atomic_fetch_add(&cache->verifications, 1);
        if (!sha || strcmp(sha, actual) != 0 || size != (int64_t)n) {
            *stored_sha256 = sha ? strdup(sha) : NULL;
            return 0;
        }
        verified_add(&cache->verified, fp);
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
    pthread_rwlock_rdlock(&cache->life);
    nr_conn *c = pool_checkout(cache);
    if (!c) {
        pthread_rwlock_unlock(&cache->life);
        atomic_fetch_add(&cache->misses, 1);
        atomic_fetch_add(&cache->read_failures, 1);
        note_failure(cache, "read failed: cannot open a connection to %s", cache->path);
        return -1;
    }
    sqlite3_stmt *st = c->st[ST_GET];
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    int result = rc == SQLITE_DONE ? 0 : -1;
    char *stored_sha256 = NULL;
    if (rc == SQLITE_ROW)
        result = read_verified_row(cache, key, st, body, len, content_type, compute_ms, &stored_sha256);
    else if (rc != SQLITE_DONE) {
        atomic_fetch_add(&cache->read_failures, 1);
        note_db_failure(cache, c, "read");
    }
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
    pthread_rwlock_unlock(&cache->life);
    recover_if_corrupt(cache);
    return result;
}

/* One integer from a prepared one-row statement (the page PRAGMAs); -1 on error. */
static int step_int(sqlite3_stmt *st, int64_t *value)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *value = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

/* Bytes of the database's pages in use (all pages but the free ones), in the current transaction. */
static int used_bytes(nr_conn *c, int64_t *bytes)
{
    int64_t pages = 0, free_pages = 0;
    if (step_int(c->st[ST_PAGE_COUNT], &pages) != 0 || step_int(c->st[ST_FREELIST_COUNT], &free_pages) != 0)
        return -1;
    *bytes = (pages - free_pages) * c->page_size;
    return 0;
}

/* Inside the write transaction: delete least-recently-used rows (never `keep`) until the pages in
 * use fit under the cap. Returns the number deleted, or -1 on error. */
static int64_t evict_to_cap(nr_cache *cache, nr_conn *c, const char *keep)
{
    int64_t n_evicted = 0, bytes = 0;
    sqlite3_stmt *st = c->st[ST_EVICT_LRU];
    for (;;) {
        if (used_bytes(c, &bytes) != 0)
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

    pthread_rwlock_rdlock(&cache->life);
    nr_conn *c = pool_checkout(cache);
    if (!c) {
        pthread_rwlock_unlock(&cache->life);
        atomic_fetch_add(&cache->store_failures, 1);
        note_failure(cache, "store failed: cannot open a connection to %s", cache->path);
        return -1;
    }
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
        atomic_fetch_add(&cache->store_failures, 1);
        note_db_failure(cache, c, "store");
        if (!sqlite3_get_autocommit(c->db))
            step_done(c->st[ST_ROLLBACK]);
        touch_requeue(cache, touches, n_touches);
    }
    pool_checkin(cache, c);
    pthread_rwlock_unlock(&cache->life);
    recover_if_corrupt(cache);
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
    stats->store_failures = atomic_load(&cache->store_failures);
    stats->read_failures = atomic_load(&cache->read_failures);
    stats->verifications = atomic_load(&cache->verifications);
    stats->entries = stats->bytes = stats->used_bytes = -1;
    pthread_rwlock_rdlock(&cache->life);
    nr_conn *c = pool_checkout(cache);
    if (c) {
        if (read_totals(c, &stats->entries, &stats->bytes) != 0)
            stats->entries = stats->bytes = -1;
        if (used_bytes(c, &stats->used_bytes) != 0)
            stats->used_bytes = -1;
        pool_checkin(cache, c);
    }
    pthread_rwlock_unlock(&cache->life);
}

void nr_cache_get_health(nr_cache *cache, nr_cache_health *health)
{
    if (!health)
        return;
    memset(health, 0, sizeof *health);
    if (!cache) {
        snprintf(health->status, sizeof health->status, "off");
        return;
    }
    health->store_failures = atomic_load(&cache->store_failures);
    health->read_failures = atomic_load(&cache->read_failures);
    health->recoveries = atomic_load(&cache->recoveries);
    pthread_mutex_lock(&cache->error_lock);
    snprintf(health->last_error, sizeof health->last_error, "%s", cache->last_error);
    pthread_mutex_unlock(&cache->error_lock);
    snprintf(health->status, sizeof health->status, "%s",
             health->store_failures || health->read_failures || health->recoveries ? "degraded" : "ok");
}

/* ---- offline commands: check, backup, restore ---------------------------------------------- */

/* Opens an existing nureach cache for a command (no creation, no migration). 0 or -1. */
static int open_existing(const char *path, int flags, sqlite3 **db, char *errbuf, size_t errlen)
{
    int rc = sqlite3_open_v2(path, db, flags, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_extended_result_codes(*db, 1);
        sqlite3_busy_timeout(*db, NR_CACHE_BUSY_TIMEOUT_MS);
    }
    int64_t app_id = 0, version = 0;
    if (rc == SQLITE_OK && (query_int(*db, "PRAGMA application_id", &app_id, &rc) != 0 ||
                            query_int(*db, "PRAGMA user_version", &version, &rc) != 0))
        rc = rc == SQLITE_OK ? SQLITE_ERROR : rc;
    if (rc != SQLITE_OK) {
        set_db_error(errbuf, errlen, path, *db, rc, "open");
        sqlite3_close_v2(*db);
        *db = NULL;
        return -1;
    }
    if (app_id != NR_CACHE_APPLICATION_ID || version > schema_latest_version()) {
        set_error(errbuf, errlen, "%s is not a nureach cache this nureachd can read (application_id %lld, "
                  "schema version %lld)", path, (long long)app_id, (long long)version);
        sqlite3_close_v2(*db);
        *db = NULL;
        return -1;
    }
    return 0;
}

int nr_cache_check(const char *path, int full, nr_cache_check_report *r, char *errbuf, size_t errlen)
{
    memset(r, 0, sizeof *r);
    sqlite3 *db = NULL;
    if (open_existing(path, SQLITE_OPEN_READWRITE, &db, errbuf, errlen) != 0)
        return -1;
    int check = run_integrity_check(db, full, r->integrity, sizeof r->integrity);
    if (check == 0)
        snprintf(r->integrity, sizeof r->integrity, "ok");
    if (check < 0) {
        set_error(errbuf, errlen, "cache database %s: the integrity check could not run: %s", path, r->integrity);
        sqlite3_close_v2(db);
        return -1;
    }
    /* every row's body against its digest (a row read, hashed, dropped: constant memory) */
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT key, size, body_sha256, body FROM results", -1, &st, NULL);
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *sha = (const char *)sqlite3_column_text(st, 2);
        const void *blob = sqlite3_column_blob(st, 3);
        size_t n = (size_t)sqlite3_column_bytes(st, 3);
        char actual[65];
        nr_sha256_hex(blob ? blob : "", blob ? n : 0, actual);
        r->rows++;
        r->body_bytes += (int64_t)n;
        if (!sha || strcmp(sha, actual) != 0 || sqlite3_column_int64(st, 1) != (int64_t)n) {
            if (r->bad_rows++ == 0)
                snprintf(r->first_bad_key, sizeof r->first_bad_key, "%s",
                         sqlite3_column_text(st, 0) ? (const char *)sqlite3_column_text(st, 0) : "");
        }
        rc = SQLITE_OK;
    }
    int read_failed = rc != SQLITE_DONE && rc != SQLITE_OK;
    if (read_failed && check == 0) {
        snprintf(r->integrity, sizeof r->integrity, "reading the rows failed: %s", sqlite3_errmsg(db));
        check = failure_kind(rc) == NR_CACHE_OPEN_UNUSABLE ? 1 : -1;
    }
    sqlite3_finalize(st);
    int64_t pages = 0, free_pages = 0, page_size = 0;
    query_int(db, "PRAGMA page_count", &pages, NULL);
    query_int(db, "PRAGMA freelist_count", &free_pages, NULL);
    query_int(db, "PRAGMA page_size", &page_size, NULL);
    r->used_bytes = (pages - free_pages) * page_size;
    r->file_bytes = pages * page_size;
    sqlite3_close_v2(db);
    if (check < 0) {
        set_error(errbuf, errlen, "cache database %s: %s", path, r->integrity);
        return -1;
    }
    return check > 0 || r->bad_rows > 0 ? 1 : 0;
}

/* Copies every page of src into dst with SQLite's online backup API, NR_BACKUP_PAGES_PER_STEP pages
 * per step, so that a daemon using either database is blocked only for one step at a time. */
static int copy_database(sqlite3 *dst, sqlite3 *src, const char *what, char *errbuf, size_t errlen)
{
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
    if (!b) {
        set_error(errbuf, errlen, "%s: %s", what, sqlite3_errmsg(dst));
        return -1;
    }
    int rc;
    do {
        rc = sqlite3_backup_step(b, NR_BACKUP_PAGES_PER_STEP);
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
            sqlite3_sleep(5);
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) {
        set_error(errbuf, errlen, "%s: %s", what, sqlite3_errstr(rc));
        return -1;
    }
    return 0;
}

int nr_cache_backup(const char *path, const char *dest, char *errbuf, size_t errlen)
{
    if (access(dest, F_OK) == 0) {
        set_error(errbuf, errlen, "backup: %s exists; refusing to overwrite it", dest);
        return -1;
    }
    sqlite3 *src = NULL, *dst = NULL;
    if (open_existing(path, SQLITE_OPEN_READONLY, &src, errbuf, errlen) != 0)
        return -1;
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld", dest, (long)getpid());
    int ok = sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) == SQLITE_OK;
    if (!ok)
        set_error(errbuf, errlen, "backup: cannot create %s: %s", tmp, sqlite3_errmsg(dst));
    char what[4200];
    snprintf(what, sizeof what, "backup of %s into %s", path, tmp);
    ok = ok && copy_database(dst, src, what, errbuf, errlen) == 0;
    /* the copy as one self-contained file (no -wal beside it) */
    ok = ok && sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL) == SQLITE_OK;
    char report[256] = "";
    if (ok && run_integrity_check(dst, 0, report, sizeof report) != 0) {
        set_error(errbuf, errlen, "backup: the copy %s fails its check: %s", tmp, report);
        ok = 0;
    }
    sqlite3_close_v2(src);
    sqlite3_close_v2(dst);
    if (ok && rename(tmp, dest) != 0) {
        set_error(errbuf, errlen, "backup: cannot rename %s to %s: %s", tmp, dest, strerror(errno));
        ok = 0;
    }
    if (!ok)
        unlink(tmp);
    return ok ? 0 : -1;
}

int nr_cache_restore(const char *path, const char *src_path, char *errbuf, size_t errlen)
{
    sqlite3 *src = NULL;
    if (open_existing(src_path, SQLITE_OPEN_READONLY, &src, errbuf, errlen) != 0)
        return -1;
    char report[256] = "";
    if (run_integrity_check(src, 0, report, sizeof report) != 0) {
        set_error(errbuf, errlen, "restore: %s fails its check (%s); the cache was not changed", src_path,
                  report);
        sqlite3_close_v2(src);
        return -1;
    }
    /* the destination: the live cache (created if missing), in WAL mode like every connection */
    nr_conn *c = NULL;
    if (conn_connect(path, 1, &c, errbuf, errlen) != 0) {
        sqlite3_close_v2(src);
        return -1;
    }
    char what[4200];
    snprintf(what, sizeof what, "restore of %s into %s", src_path, path);
    int ok = copy_database(c->db, src, what, errbuf, errlen) == 0;
    sqlite3_close_v2(src);
    /* a backup from an older schema is brought up to date */
    if (ok && migrate(c->db, path, errbuf, errlen) != 0)
        ok = 0;
    conn_close(c);
    return ok ? 0 : -1;
}
