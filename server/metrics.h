/* metrics.h: the daemon's metrics in the Prometheus text exposition format (version 0.0.4), at GET /metrics.
 *
 * Requests are counted per route (method and path of the route table; "unmatched" for 404/405 and
 * framing errors) and status, with a latency histogram per route; lock-free (atomic counters), so the
 * per-request cost is a few atomic adds. The cache, job pool and per-model compute time are read when the
 * metrics are scraped. */
#ifndef NR_METRICS_H
#define NR_METRICS_H

#include <stddef.h>

#include "cache.h"
#include "http.h"
#include "jobs.h"

typedef struct nr_metrics nr_metrics;

/* One slot per route of routes[] plus one for unmatched requests. NULL when out of memory. */
nr_metrics *nr_metrics_new(const nr_route *routes, size_t n_routes);
void nr_metrics_free(nr_metrics *metrics);

/* Counts one answered request (thread-safe). */
void nr_metrics_observe(nr_metrics *metrics, const nr_http_done *done);

/* Whatever the scrape adds to the request counters. */
typedef struct {
    nr_cache *cache;                    /* NULL: no cache metrics  */
    nr_jobs *jobs;                      /* NULL: no job metrics    */
    unsigned long long connections_cut; /* by the request deadline */
    double uptime_s;
    const char *engine_version;
} nr_metrics_sources;

/* The exposition text (malloc'd, *len bytes), NULL when out of memory. */
char *nr_metrics_render(const nr_metrics *metrics, const nr_metrics_sources *sources, size_t *len);

#endif
