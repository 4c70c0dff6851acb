/* api.c: routing table and the descriptive endpoints (health, models, experiments, openapi.json). */
#define _XOPEN_SOURCE 700 /* realpath */
#include "api.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_version.h"
#include "catalog.h"
#include "compute.h"
#include "jobs_api.h"
#include "metrics.h"
#include "openapi.h"
#include "static_files.h"
#include "existing_limits.h"

/* Reads a whole file (at most 16 MiB). 0 on success. */
static int slurp(const char *path, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    size_t cap = 65536, used = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t n = fread(buf + used, 1, cap - used, f);
        used += n;
        if (used < cap)
            break;
        char *grown = cap < (16u << 20) ? realloc(buf, cap * 2) : NULL;
        if (!grown) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = grown;
        cap *= 2;
    }
    int err = ferror(f);
    fclose(f);
    if (!buf || err) {
        free(buf);
        return -1;
    }
    *out = buf;
    *len = used;
    return 0;
}

static char *dump(json_t *doc, size_t *len)
{
    char *text = doc ? json_dumps(doc, NR_RESPONSE_JSON_FLAGS) : NULL;
    json_decref(doc);
    *len = text ? strlen(text) : 0;
    return text;
}

static void load_openapi(nr_api *api, const char *schema_dir)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/openapi.json", schema_dir);
    if (slurp(path, &api->openapi, &api->openapi_len) != 0) {
        fprintf(stderr, "nureachd: warning: cannot read %s (%s); /api/v1/openapi.json will answer 503\n",
                path, strerror(errno));
        api->openapi = NULL;
        return;
    }
    char err[256];
    size_t len = 0;
    char *served = nr_openapi_document(api->openapi, api->openapi_len, &len, err, sizeof err);
    if (!served) {
        fprintf(stderr, "nureachd: warning: %s: %s; served as it is\n", path, err);
        return;
    }
    free(api->openapi);
    api->openapi = served;
    api->openapi_len = len;
}

int nr_api_init(nr_api *api, const nr_engine *engine, nr_cache *cache, const char *static_dir,
                const char *schema_dir, const nr_api_job_settings *jobs, char *errbuf, size_t errlen)
{
    memset(api, 0, sizeof *api);
    api->engine = engine;
    api->cache = cache;
    api->data_version = engine ? nr_engine_data_version(engine) : "none";
    clock_gettime(CLOCK_MONOTONIC, &api->started);
    if (!realpath(static_dir, api->static_root)) {
        fprintf(stderr, "nureachd: warning: static folder %s: %s; / will answer 404\n", static_dir,
                strerror(errno));
        api->static_root[0] = '\0';
    }
    load_openapi(api, schema_dir);
    api->models_json = dump(nr_catalog_models(), &api->models_len);
    api->experiments_json = dump(nr_catalog_experiments(), &api->experiments_len);
    if (!api->models_json || !api->experiments_json) {
        snprintf(errbuf, errlen, "out of memory building the API catalogue");
        nr_api_free(api);
        return -1;
    }
    memcpy(api->wait_ms, jobs->wait_ms, sizeof api->wait_ms);
    api->csv_wait_ms = jobs->csv_wait_ms;
    api->contour_threads = jobs->pool.threads ? jobs->pool.threads : 1;
    api->client_queued = jobs->pool.client_queued;
    if (!(api->metrics = nr_metrics_new(nr_api_routes, nr_api_n_routes))) {
        snprintf(errbuf, errlen, "out of memory for the metrics");
        nr_api_free(api);
        return -1;
    }
    if (!(api->jobs = nr_jobs_start(&jobs->pool, errbuf, errlen))) {
        nr_api_free(api);
        return -1;
    }
    return 0;
}

void nr_api_shutdown_jobs(nr_api *api)
{
    nr_jobs_shutdown(api->jobs);
}

void nr_api_free(nr_api *api)
{
    free(api->openapi);
    free(api->models_json);
    free(api->experiments_json);
    nr_jobs_free(api->jobs);
    nr_metrics_free(api->metrics);
    memset(api, 0, sizeof *api);
}

/* ---- handlers ------------------------------------------------------------------------------ */

static json_t *cache_stats_json(nr_cache *cache)
{
    if (!cache)
        return json_null();
    nr_cache_stats st;
    memset(&st, 0, sizeof st);
    nr_cache_get_stats(cache, &st);
    nr_cache_health health;
    nr_cache_get_health(cache, &health);
    json_t *o = json_object();
    json_object_set_new(o, "status", json_string(health.status));
    json_object_set_new(o, "entries", json_integer(st.entries));
    json_object_set_new(o, "bytes", json_integer(st.bytes));
    json_object_set_new(o, "max_bytes", json_integer(st.max_bytes));
    json_object_set_new(o, "hits", json_integer(st.hits));
    json_object_set_new(o, "misses", json_integer(st.misses));
    json_object_set_new(o, "corrupt_dropped", json_integer(st.corrupt_dropped));
    json_object_set_new(o, "evicted", json_integer(st.evicted));
    json_object_set_new(o, "used_bytes", json_integer(st.used_bytes));
    json_object_set_new(o, "verifications", json_integer(st.verifications));
    json_object_set_new(o, "store_failures", json_integer(health.store_failures));
    json_object_set_new(o, "read_failures", json_integer(health.read_failures));
    json_object_set_new(o, "recoveries", json_integer(health.recoveries));
    json_object_set_new(o, "last_error", health.last_error[0] ? json_string(health.last_error) : json_null());
    return o;
}

static void handle_health(void *app, const nr_http_request *req, nr_http_response *resp)
{
    (void)req;
    nr_api *api = app;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double uptime_s = (double)(now.tv_sec - api->started.tv_sec) +
                      (double)(now.tv_nsec - api->started.tv_nsec) * 1e-9;
    /* the service answers either way; "degraded" says results are computed but not kept (or a corrupt
     * cache file was replaced): the cache object names the failures */
    nr_cache_health health;
    nr_cache_get_health(api->cache, &health);
    json_t *o = json_object();
    json_object_set_new(o, "status", json_string(strcmp(health.status, "degraded") == 0 ? "degraded" : "ok"));
    json_object_set_new(o, "engine_version", json_string(NUREACH_ENGINE_VERSION));
    json_object_set_new(o, "data_version", json_string(api->data_version));
    json_object_set_new(o, "uptime_s", json_real((double)(long long)(uptime_s * 1e3) * 1e-3));
    json_object_set_new(o, "cache", cache_stats_json(api->cache));
    size_t len;
    char *text = dump(o, &len);
    nr_http_respond_owned(resp, 200, "application/json", text, len);
    nr_http_add_header(resp, "Cache-Control", "no-store");
}

static double uptime_s(const nr_api *api)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - api->started.tv_sec) + (double)(now.tv_nsec - api->started.tv_nsec) * 1e-9;
}

static void handle_metrics(void *app, const nr_http_request *req, nr_http_response *resp)
{
    (void)req;
    nr_api *api = app;
    nr_metrics_sources src = {api->cache, api->jobs, nr_http_connections_cut(atomic_load(&api->http)), uptime_s(api),
                              NUREACH_ENGINE_VERSION};
    size_t len = 0;
    char *text = nr_metrics_render(api->metrics, &src, &len);
    if (!text) {
        nr_problem p;
        nr_problem_init(&p);
        nr_problem_set(&p, 503, "unavailable", "out of memory; try again later");
        nr_http_respond_problem(resp, &p, req->path);
        return;
    }
    nr_http_respond_owned(resp, 200, "text/plain; version=0.0.4; charset=utf-8", text, len);
    nr_http_add_header(resp, "Cache-Control", "no-store");
}

static void handle_models(void *app, const nr_http_request *req, nr_http_response *resp)
{
    (void)req;
    const nr_api *api = app;
    nr_http_respond(resp, 200, "application/json", api->models_json, api->models_len);
}

static void handle_experiments(void *app, const nr_http_request *req, nr_http_response *resp)
{
    (void)req;
    const nr_api *api = app;
    nr_http_respond(resp, 200, "application/json", api->experiments_json, api->experiments_len);
}

static void handle_openapi(void *app, const nr_http_request *req, nr_http_response *resp)
{
    const nr_api *api = app;
    if (!api->openapi) {
        nr_problem p;
        nr_problem_init(&p);
        nr_problem_set(&p, 503, "unavailable",
                       "the API description (openapi.json) was not found in the schema folder");
        nr_http_respond_problem(resp, &p, req->path);
        return;
    }
    nr_http_respond(resp, 200, "application/json", api->openapi, api->openapi_len);
}

json_t *nr_api_meta_json(const nr_api *api, const nr_request *r, double compute_ms)
{
    json_t *m = json_object();
    json_object_set_new(m, "engine_version", json_string(NUREACH_ENGINE_VERSION));
    json_object_set_new(m, "data_version", json_string(api->data_version));
    json_object_set_new(m, "cache_key", json_string(r->cache_key));
    json_object_set_new(m, "compute_ms", json_real((double)(long long)(compute_ms * 1e3) * 1e-3));
    if (r->experiment.kind == NR_DETECTOR_SUPERNOVA) {
        /* the profile computed with: the synthetic one flagged as such, a file by name and content (sha256) */
        const nr_experiment *e = &r->experiment;
        json_t *sn = json_object();
        json_object_set_new(sn, "name", json_string(*e->sn_profile ? e->sn_profile : NR_SN_PROFILE_SYNTHETIC_NAME));
        json_object_set_new(sn, "synthetic", json_boolean(!*e->sn_profile));
        if (!*e->sn_profile)
            json_object_set_new(sn, "note", json_string(NR_SN_PROFILE_SYNTHETIC_NOTE));
        else
            json_object_set_new(sn, "sha256", json_string(e->sn_profile_sha256));
        json_object_set_new(m, "sn_profile", sn);
    }
    return m;
}

/* The routes and their data: observable (-1: none), result formats, GET query form. */
#define RESULT_FORMATS (NR_FORMAT_JSON | NR_FORMAT_CSV)
const nr_route nr_api_routes[] = {
    {"GET", "/api/v1/health", NR_ROUTE_EXACT, handle_health, -1, 0, 0},
    {"GET", "/api/v1/models", NR_ROUTE_EXACT, handle_models, -1, 0, 0},
    {"GET", "/api/v1/experiments", NR_ROUTE_EXACT, handle_experiments, -1, 0, 0},
    {"POST", "/api/v1/rates", NR_ROUTE_EXACT, nr_api_compute, NR_OBSERVABLE_RATES, RESULT_FORMATS, 1},
    {"POST", "/api/v1/spectra", NR_ROUTE_EXACT, nr_api_compute, NR_OBSERVABLE_SPECTRA, RESULT_FORMATS, 1},
    {"POST", "/api/v1/bounds", NR_ROUTE_EXACT, nr_api_compute, NR_OBSERVABLE_BOUNDS, RESULT_FORMATS, 1},
    {"GET", "/api/v1/jobs", NR_ROUTE_EXACT, nr_api_jobs_list, -1, 0, 0},
    {"GET", "/api/v1/jobs/", NR_ROUTE_API_PREFIX, nr_api_job_get, -1, RESULT_FORMATS, 0},
    {"DELETE", "/api/v1/jobs/", NR_ROUTE_API_PREFIX, nr_api_job_delete, -1, 0, 0},
    {"GET", "/api/v1/openapi.json", NR_ROUTE_EXACT, handle_openapi, -1, 0, 0},
    {"GET", "/api/v1/limits", NR_ROUTE_EXACT, nr_api_limits, -1, 0, 0},
    {"GET", "/metrics", NR_ROUTE_EXACT, handle_metrics, -1, 0, 0},
    {"GET", "/", NR_ROUTE_PREFIX, nr_static_handle, -1, 0, 0},
};
const size_t nr_api_n_routes = sizeof nr_api_routes / sizeof nr_api_routes[0];
