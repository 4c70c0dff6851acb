/* bounds.c: the body of a POST /api/v1/bounds answer: the sensitivity contour (physics/contour.c) of a
 * validated request, computed on a job worker (compute.c runs it), as JSON; the same JSON for a scan merged
 * from slices (scan_command.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bounds.h"

#include "catalog.h"
#include "nureach.h"


/* ---- the computation (runs on a job worker) --------------------------------------------------- */

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
static json_t *result_json(const nr_bounds_result *res, const char *grid_name)
{
    int bad = 0;
    json_t *o = json_object(), *events = json_array(), *contours = json_array();
    json_object_set_new(o, "x", reals(res->x, res->nx, &bad));
    json_object_set_new(o, "y", reals(res->y, res->ny, &bad));
    for (size_t j = 0; j < res->ny; j++)
        json_array_append_new(events, reals(&res->events[j * res->nx], res->nx, &bad));
    json_object_set_new(o, grid_name, events);
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

/* The response around a bounds or curve result (which it takes over): the request as served, the result, meta. */
static char *bounds_envelope(const nr_api *api, const nr_request *r, json_t *result, double compute_ms, size_t *len)
{
    if (!result)
        return NULL;
    const nr_bounds_request *b = &r->bounds;
    json_t *o = json_object();
    json_object_set_new(o, "model", json_string(r->model->name));
    json_object_set_new(o, "observable", json_string("bounds"));
    json_object_set_new(o, "experiment", nr_catalog_experiment(&r->experiment));
    json_object_set_new(o, "params", nr_request_params_json(r));
    json_object_set_new(o, "scan", nr_bounds_scan_json(r->model, b));
    if (r->chi2) { /* the test with its level: Delta-chi2 at cl for the number of scanned parameters */
        json_object_set_new(o, "test", nr_chi2_test_json(&r->chi2_test));
    } else {
        json_object_set_new(o, "signal", json_string(r->model->signals[b->signal].name));
        json_object_set_new(o, "threshold", json_real(b->threshold));
        json_object_set_new(o, "refine", json_boolean(b->refine));
    }
    json_object_set_new(o, "result", result);
    json_object_set_new(o, "meta", nr_api_meta_json(api, r, compute_ms));
    char *text = json_dumps(o, NR_RESPONSE_JSON_FLAGS);
    json_decref(o);
    *len = text ? strlen(text) : 0;
    return text;
}

char *nr_api_bounds_body(const nr_api *api, const nr_request *r, const nr_bounds_result *res,
                         double compute_ms, size_t *len)
{
    return bounds_envelope(api, r, result_json(res, r->chi2 ? "delta_chi2" : "events"), compute_ms, len);
}

/* ---- a curve: the scan along x only (physics/curve.h) ------------------------------------------ */

static json_t *curve_result_json(const nr_curve_result *c, const char *values_name)
{
    int bad = 0;
    json_t *o = json_object();
    json_object_set_new(o, "x", reals(c->x, c->n, &bad));
    json_object_set_new(o, values_name, reals(c->values, c->n, &bad));
    bad |= !isfinite(c->level);
    json_object_set_new(o, "level", json_real(isfinite(c->level) ? c->level : 0.0));
    json_object_set_new(o, "crossings", reals(c->crossings, c->n_crossings, &bad));
    json_object_set_new(o, "evaluations", json_integer((json_int_t)c->n_evaluations));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static char *curve_body(const nr_api *api, const nr_request *r, const nr_curve_result *c, double compute_ms,
                        size_t *len)
{
    return bounds_envelope(api, r, curve_result_json(c, r->chi2 ? "delta_chi2" : "events"), compute_ms, len);
}

/* The common end of a curve or a grid computation: a cancelled run sets no problem, a failed one the problem
 * from its error, a finished one its wall time since t0 (ms) in compute_ms.
 * Returns 1 when the computation finished and its body should be written. */
static int computation_finished(nr_status st, const nr_error *err, const struct timespec *t0, double *compute_ms,
                                nr_problem *p)
{
    if (st == NR_ECANCELLED)
        return 0;
    if (st != NR_OK) {
        nr_problem_from_error(p, st, err);
        return 0;
    }
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    *compute_ms = (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) * 1e-6;
    return 1;
}

static char *nr_curve_body(const nr_api *api, const nr_request *r, const nr_progress *progress, size_t *len,
                           double *compute_ms, nr_problem *p)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    nr_curve_result c;
    nr_error err;
    nr_error_clear(&err);
    nr_status st = r->chi2 ? nr_chi2_curve_compute(r->model, api->engine, &r->experiment, r->params, &r->bounds,
                                                   &r->chi2_test, &c, progress, &err)
                           : nr_curve_compute(r->model, api->engine, &r->experiment, r->params, &r->bounds, &c,
                                              progress, &err);
    if (!computation_finished(st, &err, &t0, compute_ms, p))
        return NULL;
    char *body = curve_body(api, r, &c, *compute_ms, len);
    nr_curve_free(&c);
    if (!body)
        nr_problem_set(p, 500, "internal-error", "the curve produced a non-finite number (or ran out of memory)");
    return body;
}

char *nr_bounds_body(const nr_api *api, const nr_request *r, const nr_progress *progress, size_t *len,
                     double *compute_ms, nr_problem *p)
{
    if (nr_bounds_is_curve(&r->bounds))
        return nr_curve_body(api, r, progress, len, compute_ms, p);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    nr_bounds_result res;
    nr_error err;
    nr_error_clear(&err);
    nr_bounds_request request = r->bounds;
    request.threads = api->contour_threads; /* the lines of one grid on every core the jobs may use */
    nr_status st = r->chi2 ? nr_chi2_bounds_compute(r->model, api->engine, &r->experiment, r->params, &request,
                                                    &r->chi2_test, &res, progress, &err)
                           : nr_bounds_compute(r->model, api->engine, &r->experiment, r->params, &request, &res,
                                               progress, &err);
    if (!computation_finished(st, &err, &t0, compute_ms, p))
        return NULL;
    char *body = nr_api_bounds_body(api, r, &res, *compute_ms, len);
    nr_bounds_free(&res);
    if (!body)
        nr_problem_set(p, 500, "internal-error", "the scan produced a non-finite number (or ran out of memory)");
    return body;
}
