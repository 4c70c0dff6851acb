/* cache.h: the SQLite result cache (schema in schema/cache.sql).
 *
 * Key: sha256 hex of (canonical request + engine version + data version), computed by the caller.
 * Value: the exact response bytes and their content type. A hit returns the same bytes the miss
 * stored; each row carries the sha256 of its body, checked on the row's first read in a process
 * (later hits of the same row skip the hash), so a corrupt row is deleted and reported as a miss,
 * never served. WAL journal, synchronous=NORMAL (durable against a kill of the process),
 * busy_timeout, one connection per thread, BEGIN IMMEDIATE for writes, versioned schema through
 * PRAGMA user_version, least-recently-used eviction above a cap on the file's used pages, a
 * quick_check at open, store failures counted, a proven corruption recovered (see cache.c).
 */
#ifndef NR_CACHE_H
#define NR_CACHE_H

#include <stddef.h>
#include <stdint.h>

typedef struct nr_cache nr_cache;

typedef struct {
    int64_t entries;
    int64_t bytes;        /* sum of stored body sizes [bytes]                                 */
    int64_t used_bytes;   /* the database file's pages in use (what the cap bounds) [bytes]   */
    int64_t max_bytes;    /* the cap                                                          */
    int64_t hits, misses, corrupt_dropped, evicted; /* since this process started             */
    int64_t store_failures, read_failures;          /* database errors (not misses)           */
    int64_t verifications; /* sha256 checks of a row's body (its first read in this process)  */
} nr_cache_stats;

/* For /api/v1/health and the metrics: "ok" while no store or read has failed and nothing was
 * recovered, else "degraded" with the counts and the last failure; "off" for a NULL cache. */
typedef struct {
    char status[16];
    int64_t store_failures, read_failures;
    int64_t recoveries;   /* a corrupt file was moved aside and the cache restarted empty     */
    char last_error[256]; /* "" if none                                                      */
} nr_cache_health;

/* nr_cache_open's results. */
enum {
    NR_CACHE_OPEN_OK = 0,
    NR_CACHE_OPEN_FAILED = -1,  /* nothing is proven about the file (disk full, read-only, I/O,
                                   permissions, a bad argument): leave the file alone            */
    NR_CACHE_OPEN_UNUSABLE = -2 /* the file is proven unusable: SQLite says it is not a database
                                   or is corrupt, PRAGMA quick_check finds damage, it is another
                                   program's database, or its schema is newer than this program's */
};

/* Open (creating or migrating) the database at `path` and quick_check it. `max_bytes` caps the
 * file's used pages. Returns NR_CACHE_OPEN_OK, or NR_CACHE_OPEN_FAILED / NR_CACHE_OPEN_UNUSABLE
 * with *out NULL and a message naming the file in errbuf. */
int nr_cache_open(const char *path, int64_t max_bytes, nr_cache **out, char *errbuf, size_t errlen);
void nr_cache_close(nr_cache *cache);

/* Renames path to "<path>.unusable-<unix time>" (the name written into aside) and removes its -wal
 * and -shm files. 0 on success, -1 with errno set. */
int nr_cache_move_aside(const char *path, char *aside, size_t aside_len);

/* 1 on a hit (*body malloc'd, caller frees; *compute_ms the time the miss took), 0 on a miss,
 * -1 on a database error (treated as a miss by callers). content_type gets up to 63 chars. */
int nr_cache_get(nr_cache *cache, const char *key, char **body, size_t *len, char content_type[64],
                 double *compute_ms);

/* Store (replace) a result. Returns 0 on success, -1 on error (the response is still served). */
int nr_cache_put(nr_cache *cache, const char *key, const char *request_canonical, const char *body,
                 size_t len, const char *content_type, double compute_ms);

void nr_cache_get_stats(nr_cache *cache, nr_cache_stats *stats);
void nr_cache_get_health(nr_cache *cache, nr_cache_health *health);

/* ---- commands on a cache file (nureachd cache check|backup|restore); safe while a daemon runs -- */

typedef struct {
    char integrity[256];   /* "ok" or the first finding of the integrity check                */
    int64_t rows, bad_rows; /* rows read; rows whose body does not match its digest or size    */
    char first_bad_key[65];
    int64_t body_bytes, used_bytes, file_bytes; /* [bytes]                                      */
} nr_cache_check_report;

/* PRAGMA integrity_check (full) or quick_check, then every row's body against its sha256. 0: all
 * good; 1: damage found (in the report); -1: could not check (errbuf). The file is not changed. */
int nr_cache_check(const char *path, int full, nr_cache_check_report *report, char *errbuf, size_t errlen);

/* Online backup (sqlite3_backup_*) of the cache at path into the new file dest (refused if it
 * exists; written as dest.tmp-PID, checked, then renamed). 0 or -1 with errbuf filled. */
int nr_cache_backup(const char *path, const char *dest, char *errbuf, size_t errlen);

/* Replaces the contents of the cache at path by the backup src (checked first: a nureach cache that
 * passes quick_check, else nothing is changed), with the online backup API, then migrates it to
 * this program's schema. A running daemon sees the restored rows on its next read. 0 or -1. */
int nr_cache_restore(const char *path, const char *src, char *errbuf, size_t errlen);

/* Path of the schema file's contents compiled in (schema/cache.sql is the source of truth; the
 * build embeds it). */
extern const char nr_cache_schema_sql[];

#endif
