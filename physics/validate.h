/* validate.h: the physical rules a request must satisfy, in one place (physics owns them; the server
 * checks only JSON shape and types and maps each nr_error, whose `where` is the JSON pointer, to
 * problem+json in one function).
 *
 * Where each rule lives:
 *   a parameter inside its declared range            nr_validate_param (below)
 *   a scan count is a whole number of points         nr_validate_points (below)
 *   the model's own limits (thresholds, kinematics)  nr_validate_point (below; calls model->check)
 *   experiment overrides: applicability and range    nr_experiment_override (experiment.c)
 *   scan axes, points, threshold                     nr_bounds_check_request (contour.c)
 */
#ifndef NR_VALIDATE_H
#define NR_VALIDATE_H

#include "contour.h"
#include "model.h"
#include "nr_error.h"

/* A number parameter's value: finite and inside [min_value, max_value] (NR_RULE_RANGE). */
nr_status nr_validate_param(const nr_param_spec *spec, double value, const char *where, nr_error *err);

/* A requested number of scan points (any integer the client sent): 2..NR_BOUNDS_MAX_POINTS (NR_RULE_RANGE). */
nr_status nr_validate_points(long long points, const char *where, nr_error *err);

/* The model's physics check at one parameter point (NR_OK when the model has none). For a scan (scan not
 * NULL) the point is the base point, whose scanned parameters hold defaults: a limit the check finds on a
 * scanned parameter is the scan's business (such points count as no events), not an error. */
nr_status nr_validate_point(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                            const nr_param_value *params, const nr_bounds_request *scan, nr_error *err);

#endif
