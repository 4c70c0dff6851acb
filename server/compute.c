/* compute.c: POST /api/v1/rates and /api/v1/spectra.
 *
 * validate (request.c) -> physics check -> key -> cache hit: the stored bytes -> miss: join the
 * in-flight table (identical requests share one computation) -> compute with the model -> JSON ->
 * store -> respond. A hit and the miss that stored it return byte-identical bodies. A client that
 * prefers text/csv (Accept) gets the CSV of that body (formats.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine_version.h"
#include "api.h"
#include "catalog.h"
#include "formats.h"
#include "request.h"

static double ms_between(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) * 1e3 + (double)(b->tv_nsec - a->tv_nsec) * 1e-6;
}

static double ms_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return ms_between(t0, &t1);
}

/* HTTP status and problem type for a physics failure during the computation. */
void nr_api_physics_problem(nr_status st, const nr_error *err, nr_problem *p)
{
    nr_problem_init(p);
    if (st == NR_EINPUT || st == NR_EKINEMATIC) {
        nr_problem_add(p, 422, st == NR_EKINEMATIC ? "kinematic-limit" : "invalid-value", err->where,
                       "%s", err->message[0] ? err->message : nr_status_name(st));
    } else if (st == NR_ENOMEM) {
        nr_problem_set(p, 503, "unavailable", "out of memory; try again later");
    } else {
        nr_problem_set(p, 500, "internal-error", "the computation failed (%s): %s",
                       nr_status_name(st), err->message);
    }
}

json_t *nr_api_meta_json(const nr_api *api, const nr_request *r, double compute_ms)
{
    json_t *m = json_object();
    json_object_set_new(m, "engine_version", json_string(NUREACH_ENGINE_VERSION));
    json_object_set_new(m, "data_version", json_string(api->data_version));
    json_object_set_new(m, "cache_key", json_string(r->cache_key));
    json_object_set_new(m, "compute_ms", json_real((double)(long long)(compute_ms * 1e3) * 1e-3));
    return m;
}

/* Runs the model and builds the response body; on failure fills p and returns NULL. */
static char *compute_body(const nr_api *api, const nr_request *r, size_t *len, double *compute_ms,
                          nr_problem *p)
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
        nr_api_physics_problem(st, &err, p);
        return NULL;
    }
    json_t *result = nr_catalog_result(&table, r->observable);
    nr_table_free(&table);
    if (!result) {
        nr_problem_init(p);
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
    if (!text) {
        nr_problem_init(p);
        nr_problem_set(p, 503, "unavailable", "out of memory; try again later");
        return NULL;
    }
    *len = strlen(text);
    return text;
}

/* Leader path: compute, store, hand the response to waiters. Fills res (body owned by res). */
static void compute_and_publish(nr_api *api, const nr_request *r, const char *instance,
                                nr_inflight_result *res)
{
    nr_problem p;
    double compute_ms = 0.0;
    size_t len = 0;
    char *body = compute_body(api, r, &len, &compute_ms, &p);
    memset(res, 0, sizeof *res);
    if (body) {
        res->status = 200;
        snprintf(res->content_type, sizeof res->content_type, "application/json");
        if (api->cache &&
            nr_cache_put(api->cache, r->cache_key, r->canonical, body, len, "application/json",
                         compute_ms) != 0)
            fprintf(stderr, "nureachd: warning: could not store %s in the cache\n", r->cache_key);
    } else {
        res->status = p.status;
        snprintf(res->content_type, sizeof res->content_type, "application/problem+json");
        body = nr_problem_to_json(&p, instance, &len);
    }
    res->body = body;
    res->len = body ? len : 0;
    nr_inflight_publish(api->inflight, r->cache_key, res);
}

static void respond_result(nr_http_response *resp, nr_inflight_result *res, const char *cache,
                           const struct timespec *t0)
{
    nr_http_respond_owned(resp, res->status ? res->status : 500, res->content_type, res->body, res->len);
    res->body = NULL;
    if (resp->status == 200)
        nr_http_add_header(resp, "X-Nureach-Cache", "%s", cache);
    nr_http_add_header(resp, "X-Nureach-Compute-Ms", "%.3f", ms_since(t0));
}

static int cache_lookup(nr_api *api, const nr_request *r, nr_inflight_result *res)
{
    double stored_ms = 0.0;
    memset(res, 0, sizeof *res);
    if (!api->cache ||
        nr_cache_get(api->cache, r->cache_key, &res->body, &res->len, res->content_type, &stored_ms) != 1)
        return 0;
    res->status = 200;
    return 1;
}

static void handle_compute(nr_api *api, nr_observable observable, const nr_http_request *req,
                           nr_http_response *resp)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    nr_problem p;
    nr_request r;
    if (nr_request_prepare(req->body, req->body_len, observable, api->engine, api->data_version, &r, &p) != 0) {
        nr_http_respond_problem(resp, &p, req->path);
        return;
    }
    nr_inflight_result res;
    if (cache_lookup(api, &r, &res)) {
        respond_result(resp, &res, "hit", &t0);
    } else {
        int role = nr_inflight_join(api->inflight, r.cache_key, &res);
        if (role == 1)
            compute_and_publish(api, &r, req->path, &res);
        if (role < 0) {
            nr_problem_init(&p);
            nr_problem_set(&p, 503, "unavailable", "out of memory; try again later");
            nr_http_respond_problem(resp, &p, req->path);
        } else {
            respond_result(resp, &res, role == 1 ? "miss" : "hit", &t0);
        }
    }
    free(res.body);
    nr_request_free(&r);
}

void nr_api_rates(void *api, const nr_http_request *req, nr_http_response *resp)
{
    handle_compute(api, NR_OBSERVABLE_RATES, req, resp);
    nr_respond_in_format(resp, nr_accept_wants_csv(req->accept), req->path);
}

void nr_api_spectra(void *api, const nr_http_request *req, nr_http_response *resp)
{
    handle_compute(api, NR_OBSERVABLE_SPECTRA, req, resp);
    nr_respond_in_format(resp, nr_accept_wants_csv(req->accept), req->path);
}
