/* api.h: the HTTP API of nureachd (/api/v1/...) and the static web page, as a routing table.
 *
 * GET  /api/v1/health       status, versions, uptime, cache statistics
 * GET  /api/v1/models       the model registry with every parameter's unit, range and default
 * GET  /api/v1/experiments  the detector catalogue and the overridable fields
 * POST /api/v1/rates        events per channel          } validate -> cache -> a job on the job workers
 * POST /api/v1/spectra      events per channel per bin  } (compute.c): 200 when it ends within the wait,
 * POST /api/v1/bounds       sensitivity contour         } else 202 with the job resource
 * GET  /api/v1/{rates,spectra,bounds}.{json,csv}?...  the same as a query string (query.c, applied by
 *                           http.c from the route table), e.g. for pandas.read_csv(url); POST with
 *                           Accept: text/csv also gives CSV (csv.c)
 * GET/DELETE /api/v1/jobs/<id>, GET /api/v1/jobs/<id>/result[.json|.csv]   job status, cancel, result
 * GET  /api/v1/openapi.json the API description (schema/openapi.json)
 * GET  /...                 files of the static folder (index.html for "/")
 */
#ifndef NR_API_H
#define NR_API_H

#include <stdatomic.h>
#include <stddef.h>
#include <time.h>

#include "cache.h"
#include "nureach.h"
#include "http.h"
#include "jobs.h"
#include "request.h"

typedef struct {
    const nr_engine *engine;
    nr_cache *cache;            /* NULL: no caching */
    const char *data_version;
    char static_root[4096];     /* realpath of the static folder, "" if it does not exist */
    char *openapi;              /* contents of openapi.json, NULL if missing (503) */
    size_t openapi_len;
    char *models_json, *experiments_json; /* built once: the registry and catalogue are constant */
    size_t models_len, experiments_len;
    nr_jobs *jobs;              /* every computation (compute.c)                                      */
    unsigned wait_ms[3];        /* per nr_observable: a request waits this long for its job (no thread held),
                                   then 202 */
    unsigned csv_wait_ms;       /* a CSV request waits at least this long for its job, then 503 (never a 202) */
    unsigned contour_threads;   /* threads of one contour (nr_bounds_request.threads): the job workers' count */
    struct timespec started;    /* CLOCK_MONOTONIC */
    unsigned client_queued;     /* the pool's per-client quota of waiting jobs (for the 429's text) */
    struct nr_metrics *metrics; /* GET /metrics */
    _Atomic(nr_http_server *) http; /* for the connections-cut counter (set once listening, read by /metrics) */
    int auth_on;                /* API tokens required (jobs: only the creator or an admin cancels)  */
} nr_api;

typedef struct {
    nr_jobs_options pool;
    unsigned wait_ms[3]; /* see nr_api.wait_ms */
    unsigned csv_wait_ms; /* see nr_api.csv_wait_ms */
} nr_api_job_settings;

/* 0 on success; -1 with errbuf filled. A missing openapi.json or static folder is not an error
 * (a warning goes to stderr). */
int nr_api_init(nr_api *api, const nr_engine *engine, nr_cache *cache, const char *static_dir,
                const char *schema_dir, const nr_api_job_settings *jobs, char *errbuf, size_t errlen);
/* Cancels queued and running jobs and joins the job workers (before the HTTP daemon stops, so that
 * requests waiting for a job return). */
void nr_api_shutdown_jobs(nr_api *api);
void nr_api_free(nr_api *api);

extern const nr_route nr_api_routes[];
extern const size_t nr_api_n_routes;

/* The "meta" object of a result (api.c). */
json_t *nr_api_meta_json(const nr_api *api, const nr_request *r, double compute_ms);
/* The endpoint path of an observable ("/api/v1/rates"), the instance of its problems (compute.c). */
const char *nr_api_endpoint(nr_observable observable);

#endif
