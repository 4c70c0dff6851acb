/* metrics.c: request counters and latency histograms, and the exposition text (see metrics.h).
 * Format: https://prometheus.io/docs/instrumenting/exposition_formats/ (text format 0.0.4): one # HELP and
 * one # TYPE line per metric family, then its samples; histograms as cumulative _bucket{le=...} series
 * ending with le="+Inf", then _sum and _count. */
#include "metrics.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STATUS_MIN 100
#define STATUS_MAX 599

/* Upper bounds of the latency buckets [s]; +Inf is implicit. */
static const double bucket_bounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                       0.25,   0.5,   1.0,    2.5,   5.0,  10.0,  30.0};
#define N_BUCKETS (sizeof bucket_bounds / sizeof bucket_bounds[0])

typedef struct {
    atomic_ullong by_status[STATUS_MAX - STATUS_MIN + 1];
    atomic_ullong buckets[N_BUCKETS + 1]; /* non-cumulative; the last is (30 s, +Inf) */
    atomic_ullong sum_ns;
    atomic_ullong count;
    atomic_ullong cache_hits, cache_misses; /* answers carrying X-Nureach-Cache */
} route_slot;

struct nr_metrics {
    const nr_route *routes;
    size_t n_routes;
    route_slot *slots; /* n_routes + 1: the last for unmatched requests */
};

nr_metrics *nr_metrics_new(const nr_route *routes, size_t n_routes)
{
    nr_metrics *m = calloc(1, sizeof *m);
    if (!m || !(m->slots = calloc(n_routes + 1, sizeof *m->slots))) {
        free(m);
        return NULL;
    }
    m->routes = routes;
    m->n_routes = n_routes;
    return m;
}

void nr_metrics_free(nr_metrics *m)
{
    if (!m)
        return;
    free(m->slots);
    free(m);
}

void nr_metrics_observe(nr_metrics *m, const nr_http_done *d)
{
    if (!m)
        return;
    size_t i = d->route_index >= 0 && (size_t)d->route_index < m->n_routes ? (size_t)d->route_index : m->n_routes;
    route_slot *s = &m->slots[i];
    unsigned status = d->status < STATUS_MIN || d->status > STATUS_MAX ? 500 : d->status;
    atomic_fetch_add_explicit(&s->by_status[status - STATUS_MIN], 1, memory_order_relaxed);
    double seconds = d->ms * 1e-3;
    size_t b = 0;
    while (b < N_BUCKETS && seconds > bucket_bounds[b])
        b++;
    atomic_fetch_add_explicit(&s->buckets[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&s->sum_ns, (unsigned long long)(seconds > 0 ? seconds * 1e9 : 0),
                              memory_order_relaxed);
    atomic_fetch_add_explicit(&s->count, 1, memory_order_relaxed);
    if (d->cache && strcmp(d->cache, "hit") == 0)
        atomic_fetch_add_explicit(&s->cache_hits, 1, memory_order_relaxed);
    else if (d->cache && strcmp(d->cache, "miss") == 0)
        atomic_fetch_add_explicit(&s->cache_misses, 1, memory_order_relaxed);
}

/* ---- exposition ---------------------------------------------------------------------------------- */

typedef struct {
    char *buf;
    size_t len, cap;
    int failed;
} text;

__attribute__((format(printf, 2, 3))) static void put(text *t, const char *fmt, ...)
{
    if (t->failed)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            t->failed = 1;
            return;
        }
        if ((size_t)n < t->cap - t->len) {
            t->len += (size_t)n;
            return;
        }
        size_t cap = t->cap * 2 + (size_t)n;
        char *grown = realloc(t->buf, cap);
        if (!grown) {
            t->failed = 1;
            return;
        }
        t->buf = grown;
        t->cap = cap;
    }
}

/* A label value with \, " and newline escaped as the format requires. */
static void label_value(const char *v, char *out, size_t cap)
{
    size_t o = 0;
    for (; *v && o + 3 < cap; v++) {
        if (*v == '\\' || *v == '"') {
            out[o++] = '\\';
            out[o++] = *v;
        } else if (*v == '\n') {
            out[o++] = '\\';
            out[o++] = 'n';
        } else {
            out[o++] = *v;
        }
    }
    out[o] = '\0';
}

static void family(text *t, const char *name, const char *type, const char *help)
{
    put(t, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* The labels of slot i: method="GET",route="/api/v1/health" (route="unmatched", method="" for the last). */
static void slot_labels(const nr_metrics *m, size_t i, char *out, size_t cap)
{
    char route[256];
    label_value(i < m->n_routes ? m->routes[i].path : "unmatched", route, sizeof route);
    snprintf(out, cap, "method=\"%s\",route=\"%s\"", i < m->n_routes ? m->routes[i].method : "", route);
}

static void request_metrics(text *t, const nr_metrics *m)
{
    char labels[320];
    family(t, "nureach_http_requests_total", "counter", "HTTP requests answered, by route and status.");
    for (size_t i = 0; i <= m->n_routes; i++) {
        slot_labels(m, i, labels, sizeof labels);
        for (unsigned s = STATUS_MIN; s <= STATUS_MAX; s++) {
            unsigned long long n = atomic_load_explicit(&m->slots[i].by_status[s - STATUS_MIN], memory_order_relaxed);
            if (n)
                put(t, "nureach_http_requests_total{%s,status=\"%u\"} %llu\n", labels, s, n);
        }
    }
    family(t, "nureach_http_request_duration_seconds", "histogram",
           "Time from the request line to the response queued, by route [s].");
    for (size_t i = 0; i <= m->n_routes; i++) {
        const route_slot *s = &m->slots[i];
        unsigned long long count = atomic_load_explicit(&s->count, memory_order_relaxed);
        if (!count)
            continue;
        slot_labels(m, i, labels, sizeof labels);
        unsigned long long cumulative = 0;
        for (size_t b = 0; b < N_BUCKETS; b++) {
            cumulative += atomic_load_explicit(&s->buckets[b], memory_order_relaxed);
            put(t, "nureach_http_request_duration_seconds_bucket{%s,le=\"%g\"} %llu\n", labels, bucket_bounds[b],
                cumulative);
        }
        cumulative += atomic_load_explicit(&s->buckets[N_BUCKETS], memory_order_relaxed);
        /* a request counted between the loads above shows in the buckets and sum a scrape later: +Inf and
         * _count are the same number so the histogram stays consistent */
        put(t, "nureach_http_request_duration_seconds_bucket{%s,le=\"+Inf\"} %llu\n", labels, cumulative);
        put(t, "nureach_http_request_duration_seconds_sum{%s} %.9f\n", labels,
            (double)atomic_load_explicit(&s->sum_ns, memory_order_relaxed) * 1e-9);
        put(t, "nureach_http_request_duration_seconds_count{%s} %llu\n", labels, cumulative);
    }
    family(t, "nureach_http_cache_answers_total", "counter",
           "Compute answers by whether the result came from the cache (X-Nureach-Cache), by route.");
    for (size_t i = 0; i < m->n_routes; i++) {
        const route_slot *s = &m->slots[i];
        unsigned long long hits = atomic_load(&s->cache_hits), misses = atomic_load(&s->cache_misses);
        if (!hits && !misses)
            continue;
        slot_labels(m, i, labels, sizeof labels);
        put(t, "nureach_http_cache_answers_total{%s,cache=\"hit\"} %llu\n", labels, hits);
        put(t, "nureach_http_cache_answers_total{%s,cache=\"miss\"} %llu\n", labels, misses);
    }
}

static void cache_metrics(text *t, nr_cache *cache)
{
    nr_cache_stats st;
    memset(&st, 0, sizeof st);
    nr_cache_get_stats(cache, &st);
    nr_cache_health h;
    nr_cache_get_health(cache, &h);
    static const struct {
        const char *name, *type, *help;
        size_t offset;
    } fields[] = {
        {"nureach_cache_hits_total", "counter", "Cache lookups that found a result.", offsetof(nr_cache_stats, hits)},
        {"nureach_cache_misses_total", "counter", "Cache lookups that found none.", offsetof(nr_cache_stats, misses)},
        {"nureach_cache_evictions_total", "counter", "Results evicted to keep the size cap.",
         offsetof(nr_cache_stats, evicted)},
        {"nureach_cache_corrupt_dropped_total", "counter", "Rows whose body failed its sha256 check, deleted.",
         offsetof(nr_cache_stats, corrupt_dropped)},
        {"nureach_cache_store_failures_total", "counter", "Database errors while storing a result.",
         offsetof(nr_cache_stats, store_failures)},
        {"nureach_cache_read_failures_total", "counter", "Database errors while reading (not misses).",
         offsetof(nr_cache_stats, read_failures)},
        {"nureach_cache_entries", "gauge", "Results stored.", offsetof(nr_cache_stats, entries)},
        {"nureach_cache_body_bytes", "gauge", "Sum of the stored result bodies [bytes].",
         offsetof(nr_cache_stats, bytes)},
        {"nureach_cache_used_bytes", "gauge", "The database file's pages in use, what the cap bounds [bytes].",
         offsetof(nr_cache_stats, used_bytes)},
        {"nureach_cache_max_bytes", "gauge", "The cap on used bytes [bytes].", offsetof(nr_cache_stats, max_bytes)},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        family(t, fields[i].name, fields[i].type, fields[i].help);
        long long v = (long long)*(const int64_t *)(const void *)((const char *)&st + fields[i].offset);
        put(t, "%s %lld\n", fields[i].name, v);
    }
    family(t, "nureach_cache_degraded", "gauge", "1 while the cache has failed to store or read, or was recovered.");
    put(t, "nureach_cache_degraded %d\n", strcmp(h.status, "degraded") == 0);
}

static void job_metrics(text *t, nr_jobs *jobs)
{
    nr_jobs_stats st;
    nr_jobs_get_stats(jobs, &st);
    family(t, "nureach_jobs_queued", "gauge", "Jobs waiting for a worker.");
    put(t, "nureach_jobs_queued %zu\n", st.queued);
    family(t, "nureach_jobs_running", "gauge", "Jobs running on a worker.");
    put(t, "nureach_jobs_running %zu\n", st.running);
    family(t, "nureach_jobs_finished_total", "counter", "Jobs finished, by how they ended.");
    put(t, "nureach_jobs_finished_total{state=\"done\"} %llu\n", st.done);
    put(t, "nureach_jobs_finished_total{state=\"failed\"} %llu\n", st.failed);
    put(t, "nureach_jobs_finished_total{state=\"cancelled\"} %llu\n", st.cancelled);
    family(t, "nureach_jobs_refused_total", "counter",
           "Jobs refused: the whole queue full (503) or the client's quota of waiting jobs (429).");
    put(t, "nureach_jobs_refused_total{reason=\"queue_full\"} %llu\n", st.refused_full);
    put(t, "nureach_jobs_refused_total{reason=\"client_quota\"} %llu\n", st.refused_client);
    nr_jobs_tag_time tags[NR_JOBS_MAX_TAGS];
    size_t n = nr_jobs_tag_times(jobs, tags, NR_JOBS_MAX_TAGS);
    char model[2 * NR_JOB_CLIENT_MAX];
    family(t, "nureach_compute_seconds_total", "counter", "Wall time of job runs on the workers, by model [s].");
    for (size_t i = 0; i < n; i++) {
        label_value(tags[i].tag, model, sizeof model);
        put(t, "nureach_compute_seconds_total{model=\"%s\"} %.6f\n", model, tags[i].seconds);
    }
    family(t, "nureach_compute_runs_total", "counter", "Job runs on the workers, by model.");
    for (size_t i = 0; i < n; i++) {
        label_value(tags[i].tag, model, sizeof model);
        put(t, "nureach_compute_runs_total{model=\"%s\"} %llu\n", model, tags[i].runs);
    }
}

char *nr_metrics_render(const nr_metrics *m, const nr_metrics_sources *src, size_t *len)
{
    text t = {malloc(16384), 0, 16384, 0};
    if (!t.buf)
        return NULL;
    t.buf[0] = '\0';
    char version[128];
    label_value(src->engine_version ? src->engine_version : "", version, sizeof version);
    family(&t, "nureach_build_info", "gauge", "Always 1; the engine version as a label.");
    put(&t, "nureach_build_info{engine_version=\"%s\"} 1\n", version);
    family(&t, "nureach_uptime_seconds", "gauge", "Seconds since the daemon started.");
    put(&t, "nureach_uptime_seconds %.3f\n", src->uptime_s);
    request_metrics(&t, m);
    family(&t, "nureach_http_connections_cut_total", "counter",
           "Connections cut because their request was not received within the request deadline.");
    put(&t, "nureach_http_connections_cut_total %llu\n", src->connections_cut);
    if (src->cache)
        cache_metrics(&t, src->cache);
    if (src->jobs)
        job_metrics(&t, src->jobs);
    if (t.failed) {
        free(t.buf);
        return NULL;
    }
    *len = t.len;
    return t.buf;
}
