/* chi2_bounds.c: a chi-square sensitivity region in a plane (see chi2_bounds.h). */
#include "chi2_bounds.h"

#include <math.h>
#include <stdlib.h>

double nr_chi2_bounds_level(const nr_chi2_test *test)
{
    return nr_chi2_level(test->cl, 2);
}

nr_status nr_chi2_bounds_compute(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                                 const nr_param_value *base, const nr_bounds_request *request,
                                 const nr_chi2_test *test, nr_bounds_result *out, const nr_progress *progress,
                                 nr_error *err)
{
    nr_chi2_test t = *test;
    t.n_params = 2;
    nr_status st = nr_chi2_test_validate(&t, err);
    if (st != NR_OK)
        return st;
    if (!model->spectra)
        return nr_fail(err, NR_EINPUT, "/test/kind", "model %s has no spectra: the chi-square test needs them",
                       model->name);
    if (request->iy < 0 || (size_t)request->iy >= model->n_params || !model->params[request->iy].coupling)
        return nr_fail(err, NR_EINPUT, "/scan/y/param", "the chi-square test scans a coupling on y: %s is not a "
                       "coupling of %s", request->iy >= 0 ? model->params[request->iy].name : "?", model->name);
    nr_bounds_request contour = *request;
    contour.threshold = nr_chi2_bounds_level(&t);
    contour.refine = 0;
    if ((st = nr_bounds_check_request(model, &contour, err)) != NR_OK)
        return st;
    double *x = malloc(contour.nx * sizeof *x), *y = malloc(contour.ny * sizeof *y);
    double *chi2 = malloc(contour.nx * contour.ny * sizeof *chi2);
    if (!x || !y || !chi2) {
        free(x);
        free(y);
        free(chi2);
        return nr_fail(err, NR_ENOMEM, "", "out of memory for a %zu x %zu chi-square grid", contour.nx, contour.ny);
    }
    nr_bounds_axes(&contour, x, y);
    st = nr_chi2_model_grid_threads(model, engine, experiment, base, contour.ix, x, contour.nx, contour.iy, y,
                                    contour.ny, &t, contour.threads, chi2, progress, err);
    for (size_t k = 0; st == NR_OK && k < contour.nx * contour.ny; k++)
        if (!(chi2[k] >= 0.0 && isfinite(chi2[k]))) /* refused by the model (NAN): not excluded */
            chi2[k] = 0.0;
    if (st == NR_OK)
        st = nr_bounds_from_grid(model, engine, experiment, base, &contour, chi2, out, NULL, err);
    free(x);
    free(y);
    free(chi2);
    return st;
}
