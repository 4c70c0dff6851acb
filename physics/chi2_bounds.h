/* chi2_bounds.h: a chi-square sensitivity region in a plane, the chi-square branch of POST /api/v1/bounds
 * (issue 13; the statistics of paper 002 sec. IV, chi2.h, on a model's spectra, chi2_model.h).
 *
 * Delta-chi2 of the spectra channels beginning with test->observable is computed on the request's grid
 * (x: any number parameter, y: a coupling-flagged parameter; nr_chi2_model_grid, Asimov data = the model at
 * zero couplings at each x), and the region Delta-chi2 >= level is traced by the same marching squares as the
 * event-threshold contours (contour.h, on ln(Delta-chi2 / level)), without refinement (the refinement finds
 * roots of the events of a signal), the masses shared among request->threads threads (nr_chi2_model_grid_threads,
 * the same result bit for bit on any number). level = nr_chi2_level(test->cl, 2): two scanned parameters (4.605 at
 * 90% CL). A point the model refuses counts as Delta-chi2 = 0 (not excluded), as in the event scans.
 */
#ifndef NR_CHI2_BOUNDS_H
#define NR_CHI2_BOUNDS_H

#include "chi2_model.h"
#include "contour.h"

/* The Delta-chi2 level a test contours a plane at (two parameters). */
double nr_chi2_bounds_level(const nr_chi2_test *test);

/* out->events holds Delta-chi2 on the grid; the polygons enclose Delta-chi2 >= nr_chi2_bounds_level(test).
 * request->signal, ->threshold and ->refine are not used. NR_EINPUT naming /scan/y/param when y is not a
 * coupling, /test/... for the test's rules. */
nr_status nr_chi2_bounds_compute(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                                 const nr_param_value *base, const nr_bounds_request *request,
                                 const nr_chi2_test *test, nr_bounds_result *out, const nr_progress *progress,
                                 nr_error *err);

#endif
