/* chi2_model.h: chi-square bounds for any model with spectra, on the model table (the statistics of paper 002
 * sec. IV, chi2.h, applied to a model's binned output).
 *
 * Asimov data = the model's spectra with every coupling-flagged parameter at 0 (the SM for a model whose new
 * physics vanishes with its couplings); prediction = the spectra at the tested point; the observable is the set
 * of spectra channels whose name begins with test->observable (e.g. "cc_" for nuphilic_zp's three CC spectra),
 * all their bins together. The model is prepared once per value of its non-coupling parameters and the
 * coupling is varied on the prepared state (the table's fast path).
 * Level: Delta-chi2 = chi-square quantile at test->cl for test->n_params parameters (1 for a coupling at fixed
 * mass, 002's bound curves; 2 for a region in a plane).
 */
#ifndef NR_CHI2_MODEL_H
#define NR_CHI2_MODEL_H

#include "chi2.h"
#include "model.h"

typedef struct {
    double cl;                               /* confidence level, e.g. 0.9                  */
    int n_params;                            /* parameters the level counts                 */
    char observable[NR_CHANNEL_NAME_LEN];    /* prefix of the spectra channels used          */
    nr_chi2_options stats;                   /* normalisation pull and Gauss/Poisson switch  */
} nr_chi2_test;

/* 002's test on a given observable: 90% CL, 1 parameter, 10% normalisation, Gaussian above 20 events. */
nr_chi2_test nr_chi2_test_paper002(const char *observable);

/* The rules of a test (cl in (0, 1), 1 or 2 parameters, normalisation in [0, 10), a non-empty observable);
 * NR_EINPUT naming /test/<field>. The functions below call it. */
nr_status nr_chi2_test_validate(const nr_chi2_test *test, nr_error *err);

/* Upper limits on parameter ip (coupling-flagged, searched on a log scale in [lo, hi]) at the values xs[n] of
 * parameter ix (any number parameter, e.g. the mass; ix = -1: one limit at base). limits[k] = INFINITY where
 * the level is not reached below hi; NAN where the model refuses the point (NR_EINPUT / NR_EKINEMATIC). */
nr_status nr_chi2_model_limits(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                               const nr_param_value *base, int ix, const double *xs, size_t n, int ip, double lo,
                               double hi, const nr_chi2_test *test, double *limits, const nr_progress *progress,
                               nr_error *err);

/* Delta-chi2 on a grid: chi2[j * nx + i] at (xs[i] of parameter ix, ys[j] of the coupling-flagged parameter
 * ip), each against the Asimov data at xs[i] (prepared once per xs[i]); NAN where the model refuses the point.
 * Contouring it at nr_chi2_level(test->cl, 2) gives the 2-parameter region. */
nr_status nr_chi2_model_grid(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                             const nr_param_value *base, int ix, const double *xs, size_t nx, int ip, const double *ys,
                             size_t ny, const nr_chi2_test *test, double *chi2, const nr_progress *progress,
                             nr_error *err);

/* The same on `threads` threads (0 or 1: the caller's only): the xs are shared among them, each prepared once by
 * one thread with its own state; the result does not depend on the number of threads (bit for bit). */
nr_status nr_chi2_model_grid_threads(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                                     const nr_param_value *base, int ix, const double *xs, size_t nx, int ip,
                                     const double *ys, size_t ny, const nr_chi2_test *test, unsigned threads,
                                     double *chi2, const nr_progress *progress, nr_error *err);

#endif
