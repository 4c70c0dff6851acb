/* curve.h: one-parameter curves, the 1-D scans of POST /api/v1/bounds ("scan" with only "x"; issue 16): a
 * signal's events, or a chi-square (paper 002 sec. IV, chi2_model.h), at the points of one scanned parameter
 * with every other parameter fixed, and where the curve crosses its level.
 *
 * Events: nr_scan (the model's prepared state reused while only couplings change), a point the model refuses
 * counts as zero events, as in the contours; level = the request's threshold.
 * Chi-square: x must be a coupling-flagged parameter; Delta-chi2 at each coupling against the model at zero
 * couplings (nr_chi2_model_grid on one point of the first non-coupling number parameter, at its base value);
 * level = the chi-square quantile at test->cl for ONE parameter (2.706 at 90% CL: the limit on a coupling at
 * fixed mass, 002's curves).
 * Crossings: between consecutive points on opposite sides of the level, interpolated linearly in the scaled
 * coordinate of x (log10 x on a log axis) on ln(value) when both values are > 0, else on the value.
 */
#ifndef NR_CURVE_H
#define NR_CURVE_H

#include "chi2_model.h"
#include "contour.h"

typedef struct {
    size_t n;
    double *x;          /* the scanned parameter's values [its unit], n            */
    double *values;     /* events, or Delta-chi2, at x, n                          */
    double level;       /* the threshold, or the Delta-chi2 level                 */
    size_t n_crossings;
    double *crossings;  /* x where values cross level, increasing                 */
    size_t n_evaluations;
} nr_curve_result;

/* Events of request->signal along x (request->iy = -1; request->threshold is the level). */
nr_status nr_curve_compute(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                           const nr_param_value *base, const nr_bounds_request *request, nr_curve_result *out,
                           const nr_progress *progress, nr_error *err);

/* Delta-chi2 along x, a coupling (NR_EINPUT naming /scan/x/param otherwise); test->n_params is taken as 1. */
nr_status nr_chi2_curve_compute(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                                const nr_param_value *base, const nr_bounds_request *request,
                                const nr_chi2_test *test, nr_curve_result *out, const nr_progress *progress,
                                nr_error *err);

void nr_curve_free(nr_curve_result *result);

#endif
