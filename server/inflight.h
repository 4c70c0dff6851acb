/* inflight.h: identical requests in flight share one computation.
 *
 * The first request for a cache key becomes the leader and computes; requests for the same key that
 * arrive meanwhile wait on a condition variable and receive a copy of the leader's response. */
#ifndef NR_INFLIGHT_H
#define NR_INFLIGHT_H

#include <stddef.h>

typedef struct nr_inflight nr_inflight;

typedef struct {
    unsigned status;
    char content_type[64];
    char *body;   /* malloc'd */
    size_t len;
} nr_inflight_result;

nr_inflight *nr_inflight_new(void);
void nr_inflight_free(nr_inflight *table);

/* 1: the caller leads and must call nr_inflight_publish for key; 0: another request computed it
 * and *out holds a copy (caller frees out->body); -1: out of memory. */
int nr_inflight_join(nr_inflight *table, const char *key, nr_inflight_result *out);

/* The leader hands its response to the waiters (copied) and retires the key. */
void nr_inflight_publish(nr_inflight *table, const char *key, const nr_inflight_result *result);

#endif
