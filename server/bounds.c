/* bounds.c: POST /api/v1/bounds (sensitivity contours as jobs) and the job resources
 * GET /api/v1/jobs/<id>, DELETE /api/v1/jobs/<id>, GET /api/v1/jobs/<id>/result.
 *
 * POST: validate (request.c) -> physics check at the base point -> key -> cache hit: the stored
 * bytes -> else create or join the job whose id is the key (jobs.c), wait up to job_wait_ms on a
 * condition variable: finished -> 200 with the result (or its problem), else 202 with the job and a
 * Location header. The worker computes the contour (physics/contour.c), stores the body in the cache
 * and keeps it in the job, so a later POST hit and GET .../result return the same bytes. A result
 * asked for with Accept: text/csv, or as .../result.csv, is sent as its CSV grid (formats.c). */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "bounds.h"
#include "catalog.h"
#include "formats.h"
#include "request.h"

#define JOBS_PATH "/api/v1/jobs/"
#define RETRY_AFTER_FULL_S 5

/* ---- the computation (runs on a job worker) --------------------------------------------------- */

typedef struct {
    nr_api *api;
    nr_request req; /* owns params and canonical */
} bounds_job;

static void bounds_job_free(void *input)
{
    bounds_job *bj = input;
    nr_request_free(&bj->req);
    free(bj);
}

static int append_reals(json_t *array, const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]))
            return -1;
        json_array_append_new(array, json_real(x[i] == 0.0 ? 0.0 : x[i]));
    }
    return 0;
}

static json_t *reals(const double *x, size_t n, int *bad)
{
    json_t *a = json_array();
    *bad |= append_reals(a, x, n);
    return a;
}

/* The "result" object; NULL if a number is not finite. */
static json_t *result_json(const nr_bounds_result *res)
{
    int bad = 0;
    json_t *o = json_object(), *events = json_array(), *contours = json_array();
    json_object_set_new(o, "x", reals(res->x, res->nx, &bad));
    json_object_set_new(o, "y", reals(res->y, res->ny, &bad));
    for (size_t j = 0; j < res->ny; j++)
        json_array_append_new(events, reals(&res->events[j * res->nx], res->nx, &bad));
    json_object_set_new(o, "events", events);
    for (size_t k = 0; k < res->n_polygons; k++) {
        json_t *c = json_object();
        json_object_set_new(c, "x", reals(res->polygons[k].x, res->polygons[k].n, &bad));
        json_object_set_new(c, "y", reals(res->polygons[k].y, res->polygons[k].n, &bad));
        json_array_append_new(contours, c);
    }
    json_object_set_new(o, "contours", contours);
    json_object_set_new(o, "evaluations", json_integer((json_int_t)res->n_evaluations));
    json_object_set_new(o, "refined", json_integer((json_int_t)res->n_refined));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

char *nr_api_bounds_body(const nr_api *api, const nr_request *r, const nr_bounds_result *res,
                         double compute_ms, size_t *len)
{
    json_t *result = result_json(res);
    if (!result)
        return NULL;
    const nr_bounds_request *b = &r->bounds;
    json_t *o = json_object();
    json_object_set_new(o, "model", json_string(r->model->name));
    json_object_set_new(o, "observable", json_string("bounds"));
    json_object_set_new(o, "experiment", nr_catalog_experiment(&r->experiment));
    json_object_set_new(o, "params", nr_request_params_json(r));
    json_object_set_new(o, "scan", nr_bounds_scan_json(r->model, b));
    json_object_set_new(o, "signal", json_string(r->model->signals[b->signal].name));
    json_object_set_new(o, "threshold", json_real(b->threshold));
    json_object_set_new(o, "refine", json_boolean(b->refine));
    json_object_set_new(o, "result", result);
    json_object_set_new(o, "meta", nr_api_meta_json(api, r, compute_ms));
    char *text = json_dumps(o, NR_RESPONSE_JSON_FLAGS);
    json_decref(o);
    *len = text ? strlen(text) : 0;
    return text;
}

static void problem_output(const nr_problem *p, nr_job_output *out)
{
    out->status = p->status ? p->status : 500;
    out->body = nr_problem_to_json(p, "/api/v1/bounds", &out->len);
}

static void run_bounds(void *input, const nr_progress *progress, nr_job_output *out)
{
    bounds_job *bj = input;
    const nr_request *r = &bj->req;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    nr_bounds_result res;
    nr_error err;
    nr_error_clear(&err);
    nr_problem p;
    nr_status st = nr_bounds_compute(r->model, bj->api->engine, &r->experiment, r->params, &r->bounds, &res,
                                     progress, &err);
    if (st == NR_ECANCELLED)
        return;
    if (st != NR_OK) {
        nr_api_physics_problem(st, &err, &p);
        problem_output(&p, out);
        return;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    out->compute_ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-6;
    out->body = nr_api_bounds_body(bj->api, r, &res, out->compute_ms, &out->len);
    nr_bounds_free(&res);
    if (!out->body) {
        nr_problem_init(&p);
        nr_problem_set(&p, 500, "internal-error", "the scan produced a non-finite number (or ran out of memory)");
        problem_output(&p, out);
        return;
    }
    out->status = 200;
    if (bj->api->cache && nr_cache_put(bj->api->cache, r->cache_key, r->canonical, out->body, out->len,
                                       "application/json", out->compute_ms) != 0)
        fprintf(stderr, "nureachd: warning: could not store %s in the cache\n", r->cache_key);
}

/* ---- job JSON ----------------------------------------------------------------------------------- */

static json_t *job_json(const nr_job_info *info)
{
    char href[128], when[40];
    time_t secs = (time_t)info->created_at;
    struct tm tm;
    gmtime_r(&secs, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(info->id));
    json_object_set_new(o, "status", json_string(nr_job_state_name(info->state)));
    json_object_set_new(o, "progress", json_real(floor(info->progress * 1e4) * 1e-4));
    json_object_set_new(o, "created_at", json_string(when));
    snprintf(href, sizeof href, JOBS_PATH "%s", info->id);
    json_object_set_new(o, "href", json_string(href));
    if (info->state == NR_JOB_DONE) {
        snprintf(href, sizeof href, JOBS_PATH "%s/result", info->id);
        json_object_set_new(o, "result_href", json_string(href));
    }
    if (info->state == NR_JOB_FAILED && info->output.body) {
        json_t *problem = json_loadb(info->output.body, info->output.len, 0, NULL);
        json_object_set_new(o, "problem", problem ? problem : json_null());
    }
    return o;
}

static void respond_json(nr_http_response *resp, unsigned status, json_t *o)
{
    char *text = json_dumps(o, NR_RESPONSE_JSON_FLAGS);
    json_decref(o);
    nr_http_respond_owned(resp, status, "application/json", text, text ? strlen(text) : 0);
    nr_http_add_header(resp, "Cache-Control", "no-store");
}

static void respond_problem(nr_http_response *resp, const char *instance, unsigned status, const char *slug,
                            const char *detail)
{
    nr_problem p;
    nr_problem_init(&p);
    nr_problem_set(&p, status, slug, "%s", detail);
    nr_http_respond_problem(resp, &p, instance);
}

/* ---- POST /api/v1/bounds ------------------------------------------------------------------------ */

static int cached(nr_api *api, const char *key, nr_http_response *resp)
{
    char *body = NULL, content_type[64];
    size_t len = 0;
    double stored_ms = 0.0;
    if (!api->cache || nr_cache_get(api->cache, key, &body, &len, content_type, &stored_ms) != 1)
        return 0;
    nr_http_respond_owned(resp, 200, content_type, body, len);
    return 1;
}

/* The answer once the wait is over: the result, its problem, or 202 with the job. */
static void respond_after_wait(nr_api *api, nr_job *job, const char *path, nr_http_response *resp)
{
    nr_job_info info;
    nr_job_snapshot(api->jobs, job, 1, &info);
    if (info.state == NR_JOB_DONE && info.output.body) {
        nr_http_respond_owned(resp, 200, "application/json", info.output.body, info.output.len);
        nr_http_add_header(resp, "X-Nureach-Cache", "miss");
        nr_http_add_header(resp, "X-Nureach-Job", "%s", info.id);
        return;
    }
    if (info.state == NR_JOB_DONE && cached(api, info.id, resp)) {
        free(info.output.body);
        nr_http_add_header(resp, "X-Nureach-Cache", "hit");
        return;
    }
    if (info.state == NR_JOB_FAILED && info.output.body) {
        nr_http_respond_owned(resp, info.output.status, "application/problem+json", info.output.body,
                              info.output.len);
        return;
    }
    free(info.output.body);
    info.output.body = NULL;
    if (info.state == NR_JOB_CANCELLED || info.state == NR_JOB_DONE || info.state == NR_JOB_FAILED) {
        respond_problem(resp, path, 503, "unavailable",
                        "the job was cancelled (or the server is stopping); send the request again");
        nr_http_add_header(resp, "Retry-After", "1");
        return;
    }
    json_t *o = json_object();
    json_object_set_new(o, "job", job_json(&info));
    respond_json(resp, 202, o);
    nr_http_add_header(resp, "Location", JOBS_PATH "%s", info.id);
}

static void submit_and_wait(nr_api *api, nr_request *r, const char *path, nr_http_response *resp)
{
    bounds_job *bj = calloc(1, sizeof *bj);
    if (!bj) {
        respond_problem(resp, path, 503, "unavailable", "out of memory; try again later");
        return;
    }
    bj->api = api;
    bj->req = *r; /* the job owns the request's allocations now */
    r->params = NULL;
    r->canonical = NULL;
    char key[65];
    snprintf(key, sizeof key, "%s", bj->req.cache_key);
    nr_job *job = NULL;
    switch (nr_jobs_submit(api->jobs, key, run_bounds, bj, bounds_job_free, &job)) {
    case NR_JOBS_FULL:
        respond_problem(resp, path, 503, "unavailable", "the job queue is full; try again later");
        nr_http_add_header(resp, "Retry-After", "%d", RETRY_AFTER_FULL_S);
        return;
    case NR_JOBS_STOPPING:
        respond_problem(resp, path, 503, "unavailable", "the server is stopping");
        nr_http_add_header(resp, "Retry-After", "1");
        return;
    case NR_JOBS_NOMEM:
        respond_problem(resp, path, 503, "unavailable", "out of memory; try again later");
        return;
    case NR_JOBS_CREATED:
    case NR_JOBS_JOINED:
        break;
    }
    /* wait for a quick result, unless enough requests are waiting already: then 202 at once, so that waiting
     * contour requests never occupy every HTTP thread */
    nr_job_state state = NR_JOB_QUEUED;
    if (atomic_fetch_add(&api->waiters, 1) < api->max_waiters)
        state = nr_job_wait(api->jobs, job, api->job_wait_ms);
    atomic_fetch_sub(&api->waiters, 1);
    if (state == NR_JOB_DONE || state == NR_JOB_FAILED || state == NR_JOB_CANCELLED) {
        int still_wanted; /* answered now: this request no longer waits for the job */
        nr_job_withdraw(api->jobs, job, &still_wanted);
    }
    respond_after_wait(api, job, path, resp);
    nr_job_release(api->jobs, job);
}

void nr_api_bounds(void *app, const nr_http_request *req, nr_http_response *resp)
{
    nr_api *api = app;
    nr_problem p;
    nr_request r;
    if (nr_request_prepare(req->body, req->body_len, NR_OBSERVABLE_BOUNDS, api->engine, api->data_version, &r,
                           &p) != 0) {
        nr_http_respond_problem(resp, &p, req->path);
        return;
    }
    if (cached(api, r.cache_key, resp))
        nr_http_add_header(resp, "X-Nureach-Cache", "hit");
    else
        submit_and_wait(api, &r, req->path, resp);
    nr_request_free(&r);
    nr_respond_in_format(resp, nr_accept_wants_csv(req->accept), req->path);
}

/* ---- /api/v1/jobs/<id>[/result] ----------------------------------------------------------------- */

/* The sub-resources of a job: "" (its status), "/result", "/result.json", "/result.csv". */
static int job_subresource_ok(const char *rest)
{
    return !rest[0] || strcmp(rest, "/result") == 0 || strcmp(rest, "/result.json") == 0 ||
           strcmp(rest, "/result.csv") == 0;
}

/* Splits the path into a job id (64 hex digits) and what follows it; -1 if the id is malformed. */
static int parse_job_path(const char *path, char id[65], const char **rest)
{
    const char *s = path + strlen(JOBS_PATH);
    size_t n = 0;
    while (n < 64 && isxdigit((unsigned char)s[n]) && !isupper((unsigned char)s[n]))
        n++;
    if (n != 64 || (s[64] != '\0' && s[64] != '/'))
        return -1;
    memcpy(id, s, 64);
    id[64] = '\0';
    *rest = s + 64;
    return 0;
}

static void job_result(nr_api *api, nr_job *job, const char *id, const char *path, nr_http_response *resp)
{
    nr_job_info info;
    memset(&info, 0, sizeof info);
    if (job)
        nr_job_snapshot(api->jobs, job, 1, &info);
    if (job && info.state == NR_JOB_DONE && info.output.body) {
        nr_http_respond_owned(resp, 200, "application/json", info.output.body, info.output.len);
        return;
    }
    free(info.output.body);
    if (job && info.state != NR_JOB_DONE) {
        char detail[160];
        snprintf(detail, sizeof detail, "job %.12s... is %s: no result%s", id, nr_job_state_name(info.state),
                 info.state == NR_JOB_FAILED ? " (its problem is in the job status)" : " yet");
        respond_problem(resp, path, 409, "job-not-done", detail);
        return;
    }
    if (cached(api, id, resp)) /* done earlier, or a job this process no longer remembers */
        return;
    respond_problem(resp, path, job ? 410 : 404, job ? "gone" : "not-found",
                    job ? "the result has been evicted from the cache; send the request again"
                        : "no job with this id");
}

/* The job id and the sub-resource ("", "/result", "/result.csv", "/result.json") of a jobs path; answers 404
 * and returns -1 for anything else. */
static int job_path_or_404(const nr_http_request *req, nr_http_response *resp, char id[65], const char **rest)
{
    *rest = "";
    if (parse_job_path(req->path, id, rest) != 0 || !job_subresource_ok(*rest)) {
        respond_problem(resp, req->path, 404, "not-found", "no resource at this path");
        return -1;
    }
    return 0;
}

void nr_api_job_get(void *app, const nr_http_request *req, nr_http_response *resp)
{
    nr_api *api = app;
    char id[65];
    const char *rest;
    if (job_path_or_404(req, resp, id, &rest) != 0)
        return;
    nr_job *job = nr_jobs_find(api->jobs, id);
    if (rest[0]) {
        job_result(api, job, id, req->path, resp);
        int csv = strcmp(rest, "/result.csv") == 0 ||
                  (strcmp(rest, "/result") == 0 && nr_accept_wants_csv(req->accept));
        nr_respond_in_format(resp, csv, req->path);
    } else if (!job) {
        respond_problem(resp, req->path, 404, "not-found", "no job with this id (unknown, or forgotten "
                                                           "10 minutes after it finished)");
    } else {
        nr_job_info info;
        nr_job_snapshot(api->jobs, job, 1, &info);
        json_t *o = job_json(&info);
        free(info.output.body);
        respond_json(resp, 200, o);
    }
    nr_job_release(api->jobs, job);
}

void nr_api_job_delete(void *app, const nr_http_request *req, nr_http_response *resp)
{
    nr_api *api = app;
    char id[65];
    const char *rest;
    if (job_path_or_404(req, resp, id, &rest) != 0)
        return;
    if (rest[0]) {
        respond_problem(resp, req->path, 405, "method-not-allowed", "DELETE is not allowed here; allowed: GET, HEAD");
        nr_http_add_header(resp, "Allow", "GET, HEAD");
        return;
    }
    nr_job *job = nr_jobs_find(api->jobs, id);
    if (!job) {
        respond_problem(resp, req->path, 404, "not-found", "no job with this id");
        return;
    }
    int still_wanted = 0;
    nr_job_state before = nr_job_withdraw(api->jobs, job, &still_wanted);
    nr_job_info info;
    nr_job_snapshot(api->jobs, job, 0, &info);
    json_t *o = job_json(&info);
    if (still_wanted) /* shared with identical requests: not cancelled for them */
        json_object_set_new(o, "shared", json_true());
    respond_json(resp, before == NR_JOB_RUNNING ? 202 : 200, o);
    nr_job_release(api->jobs, job);
}
