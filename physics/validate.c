/* validate.c: range and physics checks of a request's values (see validate.h). */
#include "validate.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

nr_status nr_validate_param(const nr_param_spec *spec, double value, const char *where, nr_error *err)
{
    if (isfinite(value) && value >= spec->min_value && value <= spec->max_value)
        return NR_OK;
    return nr_fail_rule(err, NR_EINPUT, NR_RULE_RANGE, where,
                        "parameter '%s' = %.10g %s is outside the allowed range [%.10g, %.10g] %s", spec->name, value,
                        spec->unit, spec->min_value, spec->max_value, spec->unit);
}

nr_status nr_validate_points(long long points, const char *where, nr_error *err)
{
    if (points >= 2 && points <= NR_BOUNDS_MAX_POINTS)
        return NR_OK;
    return nr_fail_rule(err, NR_EINPUT, NR_RULE_RANGE, where, "'points' = %lld is outside [2, %d]", points,
                        NR_BOUNDS_MAX_POINTS);
}

/* 1 if err points at a parameter the scan varies. */
static int on_scanned_param(const nr_model *model, const nr_bounds_request *scan, const nr_error *err)
{
    int scanned[2] = {scan->ix, scan->iy};
    for (int k = 0; k < 2; k++) {
        if (scanned[k] < 0) /* a curve scans x only */
            continue;
        char where[sizeof err->where];
        snprintf(where, sizeof where, "/params/%s", model->params[scanned[k]].name);
        if (strcmp(err->where, where) == 0)
            return 1;
    }
    return 0;
}

nr_status nr_validate_point(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                            const nr_param_value *params, const nr_bounds_request *scan, nr_error *err)
{
    if (!model->check)
        return NR_OK;
    nr_status st = model->check(model, engine, experiment, params, err);
    if (scan && (st == NR_EINPUT || st == NR_EKINEMATIC) && on_scanned_param(model, scan, err)) {
        nr_error_clear(err);
        return NR_OK;
    }
    return st;
}
