/* api.h: the HTTP API of nureachd (/api/v1/...) and the static web page, as a routing table.
 *
 * GET  /api/v1/health       status, versions, uptime, cache statistics
 * GET  /api/v1/models       the model registry with every parameter's unit, range and default
 * GET  /api/v1/experiments  the detector catalogue and the overridable fields
 * POST /api/v1/rates        events per channel          } validate -> cache -> compute -> store
 * POST /api/v1/spectra      events per channel per bin  }
 * POST /api/v1/bounds       sensitivity contour of a signal over two parameters: a job (bounds.c)
 * GET  /api/v1/{rates,spectra,bounds}.{json,csv}?...  the same as a query string (formats.c), e.g.
 *                           for pandas.read_csv(url); POST with Accept: text/csv also gives CSV
 * GET/DELETE /api/v1/jobs/<id>, GET /api/v1/jobs/<id>/result[.json|.csv]   job status, cancel, result
 * GET  /api/v1/openapi.json the API description (schema/openapi.json)
 * GET  /...                 files of the static folder (index.html for "/")
 */
#ifndef NR_API_H
#define NR_API_H

#include <stddef.h>
#include <stdatomic.h>
#include <time.h>

#include "cache.h"
#include "engine.h"
#include "http.h"
#include "inflight.h"
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
    nr_inflight *inflight;
    nr_jobs *jobs;              /* bounds scans */
    unsigned job_wait_ms;       /* POST /bounds waits this long before answering 202 */
    unsigned contour_threads;   /* threads of one contour (nr_bounds_request.threads): the job workers' count */
    unsigned max_waiters;       /* at most this many POST /bounds wait at once (the rest answer 202 at once), so
                                   waiting contour requests never hold every HTTP thread */
    atomic_uint waiters;
    struct timespec started;    /* CLOCK_MONOTONIC */
} nr_api;

typedef struct {
    nr_jobs_options pool;
    unsigned wait_ms;
    unsigned max_waiters;   /* see nr_api.max_waiters; 0 means 1 */
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

/* Compute endpoints (compute.c). */
void nr_api_rates(void *api, const nr_http_request *req, nr_http_response *resp);
void nr_api_spectra(void *api, const nr_http_request *req, nr_http_response *resp);
/* Shared by the compute endpoints: problem for a physics failure, the "meta" object. */
void nr_api_physics_problem(nr_status st, const nr_error *err, nr_problem *p);
json_t *nr_api_meta_json(const nr_api *api, const nr_request *r, double compute_ms);

/* Bounds and jobs (bounds.c). */
void nr_api_bounds(void *api, const nr_http_request *req, nr_http_response *resp);
void nr_api_job_get(void *api, const nr_http_request *req, nr_http_response *resp);
void nr_api_job_delete(void *api, const nr_http_request *req, nr_http_response *resp);

/* Static files (static_files.c). */
void nr_static_handle(void *api, const nr_http_request *req, nr_http_response *resp);
/* Content type for a file name, NULL if the extension is not served. */
const char *nr_static_content_type(const char *path);
/* 1 if a URL path is safe to map into the static folder. */
int nr_static_path_ok(const char *path);

#endif
