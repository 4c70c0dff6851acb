/* compute.c: POST /api/v1/{rates,spectra,bounds}: the one compute path, with no computation on the
 * I/O threads.
 *
 * validate and key (request.c) -> cache hit: the stored bytes -> else create or join the job whose id is
 * the cache key (jobs.c) and defer the answer (http.c suspends the connection: no thread waits) until
 * the job finishes or the wait is over: finished -> 200 with the result (or its problem), else 202 with
 * the job and a Location header (jobs_api.c). The job runs the model on a job worker, stores the body in
 * the cache and keeps it in the job, so a later hit and GET /api/v1/jobs/<id>/result return the same
 * bytes. Identical requests in flight share one job. */
#include "compute.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "bounds.h"
#include "catalog.h"
#include "csv.h"
#include "jobs_api.h"
#include "request.h"

#define RETRY_AFTER_FULL_S 5
#define RETRY_AFTER_CLIENT_S 10 /* a client past its quota of waiting jobs [s] */

static double ms_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) * 1e-6;
}

/* ---- the computation (runs on a job worker) ----------------------------------------------------- */

typedef struct {
    nr_api *api;
    nr_request req; /* owns params and canonical */
} compute_job;

static void compute_job_free(void *input)
{
    compute_job *cj = input;
    nr_request_free(&cj->req);
    free(cj);
}

/* The rates or spectra body; NULL with p filled on failure. */
static char *table_body(const nr_api *api, const nr_request *r, size_t *len, double *compute_ms, nr_problem *p)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    nr_table table;
    memset(&table, 0, sizeof table);
    nr_error err;
    nr_error_clear(&err);
    nr_status st = r->observable == NR_OBSERVABLE_SPECTRA
                       ? nr_model_spectra(r->model, api->engine, &r->experiment, r->params, &table, &err)
                       : nr_model_rates(r->model, api->engine, &r->experiment, r->params, &table, &err);
    if (st != NR_OK) {
        nr_table_free(&table);
        nr_problem_from_error(p, st, &err);
        return NULL;
    }
    json_t *result = nr_catalog_result(&table, r->observable, r->model);
    nr_table_free(&table);
    if (!result) {
        nr_problem_set(p, 500, "internal-error", "the computation produced a non-finite number");
        return NULL;
    }
    *compute_ms = ms_since(&t0);
    json_t *o = json_object();
    json_object_set_new(o, "model", json_string(r->model->name));
    json_object_set_new(o, "observable", json_string(nr_observable_name(r->observable)));
    json_object_set_new(o, "experiment", nr_catalog_experiment(&r->experiment));
    json_object_set_new(o, "params", nr_params_to_json(r->model, r->params));
    json_object_set_new(o, "result", result);
    json_object_set_new(o, "meta", nr_api_meta_json(api, r, *compute_ms));
    char *text = json_dumps(o, NR_RESPONSE_JSON_FLAGS);
    json_decref(o);
    if (!text)
        nr_problem_set(p, 503, "unavailable", "out of memory; try again later");
    *len = text ? strlen(text) : 0;
    return text;
}

static void run_compute(void *input, const nr_progress *progress, nr_job_output *out)
{
    compute_job *cj = input;
    const nr_request *r = &cj->req;
    nr_problem p;
    nr_problem_init(&p);
    char *body = r->observable == NR_OBSERVABLE_BOUNDS
                     ? nr_bounds_body(cj->api, r, progress, &out->len, &out->compute_ms, &p)
                     : table_body(cj->api, r, &out->len, &out->compute_ms, &p);
    if (!body) {
        if (p.status) { /* no status: cancelled, the pool reports it */
            out->status = p.status;
            out->body = nr_problem_to_json(&p, nr_api_endpoint(r->observable), &out->len);
        }
        return;
    }
    out->status = 200;
    out->body = body;
    if (cj->api->cache && nr_cache_put(cj->api->cache, r->cache_key, r->canonical, body, out->len,
                                       "application/json", out->compute_ms) != 0)
        fprintf(stderr, "nureachd: warning: could not store %s in the cache\n", r->cache_key);
}

static const nr_job_kind compute_kinds[] = {
    [NR_OBSERVABLE_RATES] = {run_compute, compute_job_free, "/api/v1/rates"},
    [NR_OBSERVABLE_SPECTRA] = {run_compute, compute_job_free, "/api/v1/spectra"},
    [NR_OBSERVABLE_BOUNDS] = {run_compute, compute_job_free, "/api/v1/bounds"},
};

const char *nr_api_endpoint(nr_observable observable)
{
    return compute_kinds[observable].label;
}

/* ---- the request (on an I/O thread: no computation) ---------------------------------------------- */

static int cached(nr_api *api, const char *key, nr_http_response *resp)
{
    if (!nr_api_respond_cached(api, key, resp))
        return 0;
    nr_http_add_header(resp, "X-Nureach-Cache", "hit");
    return 1;
}

static void respond_problem(nr_http_response *resp, const char *instance, unsigned status, const char *detail)
{
    nr_problem p;
    nr_problem_init(&p);
    nr_problem_set(&p, status, "unavailable", "%s", detail);
    nr_http_respond_problem(resp, &p, instance);
}

/* The answer from the job; a request answered with anything but 202 no longer wants the job (a DELETE by a
 * client that holds its 202 then cancels it). */
static void answer(nr_api *api, nr_job *job, int joined, const char *instance, nr_http_response *resp)
{
    nr_job_answer(api, job, joined, instance, resp);
    int still_wanted;
    if (resp->status != 202)
        nr_job_withdraw(api->jobs, job, &still_wanted);
}

/* A request waiting for its job: answered when the watch fires. */
typedef struct {
    nr_api *api;
    nr_job *job;
    int joined;
    char instance[64];
    struct timespec t0;
    nr_http_pending *pending;
} waiter;

static void waiter_wake(void *ctx)
{
    nr_http_wake(((waiter *)ctx)->pending);
}

static void waiter_finish(void *ctx, nr_http_response *resp)
{
    waiter *w = ctx;
    answer(w->api, w->job, w->joined, w->instance, resp);
    nr_http_add_header(resp, "X-Nureach-Compute-Ms", "%.3f", ms_since(&w->t0));
}

static void waiter_free(void *ctx)
{
    waiter *w = ctx;
    nr_job_release(w->api->jobs, w->job);
    free(w);
}

/* Answers now when the job has finished or cannot be watched, else defers the answer. */
static void answer_or_defer(nr_api *api, nr_job *job, int joined, unsigned wait_ms, const char *instance,
                            const struct timespec *t0, nr_http_response *resp)
{
    waiter *w = calloc(1, sizeof *w);
    if (w) {
        *w = (waiter){api, job, joined, "", *t0, NULL};
        snprintf(w->instance, sizeof w->instance, "%s", instance);
        w->pending = nr_http_defer(resp, waiter_finish, w, waiter_free);
    }
    if (!w || !w->pending) {
        free(w);
        answer(api, job, joined, instance, resp);
        nr_job_release(api->jobs, job);
        return;
    }
    if (nr_job_watch(api->jobs, job, wait_ms, waiter_wake, w) != 0)
        nr_http_wake(w->pending); /* finished already: answered at once */
}

static void submit(nr_api *api, nr_request *r, const char *client, unsigned wait_ms, const char *instance,
                   const struct timespec *t0, nr_http_response *resp)
{
    compute_job *cj = calloc(1, sizeof *cj);
    if (!cj) {
        respond_problem(resp, instance, 503, "out of memory; try again later");
        return;
    }
    cj->api = api;
    cj->req = *r; /* the job owns the request's allocations now */
    r->params = NULL;
    r->canonical = NULL;
    char key[65];
    snprintf(key, sizeof key, "%s", cj->req.cache_key);
    nr_observable cj_observable = cj->req.observable; /* cj belongs to the pool after submit */
    nr_job *job = NULL;
    nr_job_client who = {client, cj->req.model->name}; /* compute seconds are accounted per model */
    nr_jobs_submit_rc rc = nr_jobs_submit_for(api->jobs, key, &compute_kinds[cj_observable], cj, &who, &job);
    switch (rc) {
    case NR_JOBS_CLIENT_FULL: {
        nr_problem p;
        nr_problem_init(&p);
        nr_problem_set(&p, 429, "too-many-jobs", "you have %u jobs waiting already (the server's --client-queued); "
                       "wait for one to finish or cancel one (GET /api/v1/jobs lists them)",
                       api->client_queued);
        nr_http_respond_problem(resp, &p, instance);
        nr_http_add_header(resp, "Retry-After", "%d", RETRY_AFTER_CLIENT_S);
        return;
    }
    case NR_JOBS_FULL:
        respond_problem(resp, instance, 503, "the job queue is full; try again later");
        nr_http_add_header(resp, "Retry-After", "%d", RETRY_AFTER_FULL_S);
        return;
    case NR_JOBS_STOPPING:
        respond_problem(resp, instance, 503, "the server is stopping");
        nr_http_add_header(resp, "Retry-After", "1");
        return;
    case NR_JOBS_NOMEM:
        respond_problem(resp, instance, 503, "out of memory; try again later");
        return;
    case NR_JOBS_CREATED:
    case NR_JOBS_JOINED:
        break;
    }
    answer_or_defer(api, job, rc == NR_JOBS_JOINED, wait_ms, instance, t0, resp);
}

void nr_api_compute(void *app, const nr_http_request *req, nr_http_response *resp)
{
    nr_api *api = app;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    nr_problem p;
    nr_request r;
    if (nr_request_prepare(req->body, req->body_len, (nr_observable)req->observable, api->engine,
                           api->data_version, &r, &p) != 0) {
        nr_http_respond_problem(resp, &p, req->path);
        return;
    }
    /* a CSV cannot be a 202 (a table reader would read the job resource as a table): it waits longer */
    unsigned wait_ms = api->wait_ms[r.observable];
    if (req->format == NR_FORMAT_CSV && wait_ms < api->csv_wait_ms)
        wait_ms = api->csv_wait_ms;
    if (!cached(api, r.cache_key, resp))
        submit(api, &r, req->client, wait_ms, req->path, &t0, resp);
    nr_request_free(&r);
}
