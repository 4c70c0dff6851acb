/* cache.h: the SQLite result cache (schema in schema/cache.sql).
 *
 * Key: sha256 hex of (canonical request + engine version + data version), computed by the caller.
 * Value: the exact response bytes and their content type. A hit returns the same bytes the miss
 * stored; each row carries the sha256 of its body, checked on every read, so a corrupt row is
 * deleted and reported as a miss, never served. WAL journal, synchronous=NORMAL (durable against a
 * kill of the process), busy_timeout, one connection per thread, BEGIN IMMEDIATE for writes,
 * versioned schema through PRAGMA user_version, least-recently-used eviction above a size cap.
 */
#ifndef NR_CACHE_H
#define NR_CACHE_H

#include <stddef.h>
#include <stdint.h>

typedef struct nr_cache nr_cache;

typedef struct {
    int64_t entries;
    int64_t bytes;        /* sum of stored body sizes [bytes]  */
    int64_t max_bytes;    /* the cap                          */
    int64_t hits, misses, corrupt_dropped, evicted; /* since this process started */
} nr_cache_stats;

/* Open (creating or migrating) the database at `path`. `max_bytes` caps the stored bodies.
 * On failure returns NULL-setting *out and writes a message into errbuf. Returns 0 on success. */
int nr_cache_open(const char *path, int64_t max_bytes, nr_cache **out, char *errbuf, size_t errlen);
void nr_cache_close(nr_cache *cache);

/* 1 on a hit (*body malloc'd, caller frees; *compute_ms the time the miss took), 0 on a miss,
 * -1 on a database error (treated as a miss by callers). content_type gets up to 63 chars. */
int nr_cache_get(nr_cache *cache, const char *key, char **body, size_t *len, char content_type[64],
                 double *compute_ms);

/* Store (replace) a result. Returns 0 on success, -1 on error (the response is still served). */
int nr_cache_put(nr_cache *cache, const char *key, const char *request_canonical, const char *body,
                 size_t len, const char *content_type, double compute_ms);

void nr_cache_get_stats(nr_cache *cache, nr_cache_stats *stats);

/* Path of the schema file's contents compiled in (schema/cache.sql is the source of truth; the
 * build embeds it). */
extern const char nr_cache_schema_sql[];

#endif
