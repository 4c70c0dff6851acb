/* curve.c: one-parameter curves of a signal or a chi-square (see curve.h). */
#include "curve.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void nr_curve_free(nr_curve_result *r)
{
    free(r->x);
    free(r->values);
    free(r->crossings);
    memset(r, 0, sizeof *r);
}

static nr_status curve_alloc(const nr_bounds_request *req, nr_curve_result *out, nr_error *err)
{
    memset(out, 0, sizeof *out);
    out->n = req->nx;
    out->x = malloc(req->nx * sizeof *out->x);
    out->values = calloc(req->nx, sizeof *out->values);
    out->crossings = malloc(req->nx * sizeof *out->crossings);
    if (!out->x || !out->values || !out->crossings) {
        nr_curve_free(out);
        return nr_fail(err, NR_ENOMEM, "", "out of memory for a curve of %zu points", req->nx);
    }
    nr_bounds_request axes = *req; /* nr_bounds_axes fills x and y: one dummy y point */
    axes.ny = 1;
    double y0;
    axes.y_min = axes.y_max = 1.0;
    axes.y_log = 0;
    nr_bounds_axes(&axes, out->x, &y0);
    return NR_OK;
}

static void find_crossings(nr_curve_result *r, int x_log)
{
    r->n_crossings = 0;
    for (size_t i = 0; i + 1 < r->n; i++) {
        double a = r->values[i], b = r->values[i + 1];
        if ((a >= r->level) == (b >= r->level))
            continue;
        double fa = a - r->level, fb = b - r->level;
        if (a > 0 && b > 0) {
            fa = log(a / r->level);
            fb = log(b / r->level);
        }
        double u0 = x_log ? log10(r->x[i]) : r->x[i], u1 = x_log ? log10(r->x[i + 1]) : r->x[i + 1];
        double u = u0 + (u1 - u0) * fa / (fa - fb);
        r->crossings[r->n_crossings++] = x_log ? pow(10.0, u) : u;
    }
}

nr_status nr_curve_compute(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                           const nr_param_value *base, const nr_bounds_request *req, nr_curve_result *out,
                           const nr_progress *progress, nr_error *err)
{
    nr_status st = nr_bounds_check_request(model, req, err);
    if (st != NR_OK)
        return st;
    if ((st = curve_alloc(req, out, err)) != NR_OK)
        return st;
    out->level = req->threshold;
    nr_param_value *p = malloc(model->n_params * sizeof *p);
    nr_scan *scan = p ? nr_scan_init(model, engine, experiment, req->signal, err) : NULL;
    if (!p || !scan) {
        free(p);
        nr_curve_free(out);
        return p ? (err->status != NR_OK ? err->status : NR_ENOMEM)
                 : nr_fail(err, NR_ENOMEM, "", "out of memory for a curve");
    }
    memcpy(p, base, model->n_params * sizeof *p);
    for (size_t i = 0; i < out->n && st == NR_OK; i++) {
        if (nr_progress_cancelled(progress)) {
            st = nr_fail(err, NR_ECANCELLED, "", "cancelled");
            break;
        }
        p[req->ix].number = out->x[i];
        nr_error local;
        nr_error_clear(&local);
        double v = 0.0;
        nr_status s = nr_scan_at(scan, p, &v, &local);
        if (s == NR_EINPUT || s == NR_EKINEMATIC) /* refused point: no events, as in the contours */
            v = 0.0;
        else if (s != NR_OK) {
            *err = local;
            st = s;
        }
        out->values[i] = v;
        out->n_evaluations++;
        nr_progress_report(progress, (double)(i + 1) / (double)out->n);
    }
    nr_scan_free(scan);
    free(p);
    if (st != NR_OK) {
        nr_curve_free(out);
        return st;
    }
    find_crossings(out, req->x_log);
    return NR_OK;
}

nr_status nr_chi2_curve_compute(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                                const nr_param_value *base, const nr_bounds_request *req,
                                const nr_chi2_test *test, nr_curve_result *out, const nr_progress *progress,
                                nr_error *err)
{
    nr_chi2_test t = *test;
    t.n_params = 1;
    nr_status st = nr_chi2_test_validate(&t, err);
    if (st != NR_OK)
        return st;
    if (req->ix < 0 || (size_t)req->ix >= model->n_params || !model->params[req->ix].coupling)
        return nr_fail(err, NR_EINPUT, "/scan/x/param", "a chi-square curve scans a coupling of %s on x",
                       model->name);
    int other = -1; /* the fixed non-coupling parameter nr_chi2_model_grid loops over (one value) */
    for (size_t i = 0; i < model->n_params && other < 0; i++)
        if (model->params[i].kind == NR_PARAM_NUMBER && !model->params[i].coupling)
            other = (int)i;
    if (other < 0)
        return nr_fail(err, NR_EINPUT, "/model", "model %s has no non-coupling number parameter", model->name);
    nr_bounds_request r = *req;
    r.threshold = nr_chi2_level(t.cl, 1);
    if ((st = nr_bounds_check_request(model, &r, err)) != NR_OK || (st = curve_alloc(&r, out, err)) != NR_OK)
        return st;
    out->level = r.threshold;
    double x_other = base[other].number;
    st = nr_chi2_model_grid(model, engine, experiment, base, other, &x_other, 1, r.ix, out->x, out->n, &t,
                            out->values, progress, err);
    if (st != NR_OK) {
        nr_curve_free(out);
        return st;
    }
    for (size_t i = 0; i < out->n; i++)
        if (!(out->values[i] >= 0.0 && isfinite(out->values[i]))) /* refused by the model: not excluded */
            out->values[i] = 0.0;
    out->n_evaluations = out->n;
    find_crossings(out, r.x_log);
    return NR_OK;
}
