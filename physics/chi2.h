/* chi2.h: a binned chi-square of a prediction against Asimov data, with a normalisation pull, and the 1-D
 * upper limit of a parameter from it (the statistics of paper 002 sec. IV, usable by any model with spectra).
 *
 * chi2(a) = sum_i c_i((1 + a) p_i, d_i) + (a / sigma)^2, minimised over the normalisation a of the prediction p;
 * the data d are the Asimov set (the SM expectation). A bin with d_i > gauss_threshold (002: 20 events) is
 * Gaussian, c = (p - d)^2 / d; the others are Poisson, c = 2 [p - d + d ln(d / p)] (the log-likelihood ratio;
 * 2p for an empty data bin). Both are convex in a, so Newton's method finds the minimum.
 */
#ifndef NR_CHI2_H
#define NR_CHI2_H

#include <stddef.h>

#include "nr_error.h"

typedef struct {
    double normalisation_sigma; /* relative uncertainty of the prediction's normalisation; 0: fixed at 1 */
    double gauss_threshold;     /* events: Gaussian above, Poisson at or below                          */
} nr_chi2_options;

/* 002: 10% normalisation, Gaussian above 20 events. */
nr_chi2_options nr_chi2_options_paper002(void);

/* chi2 minimised over the pull; a_best (may be NULL) receives the pull. NR_EINPUT for a negative or
 * non-finite count, NR_ENUMERIC if the minimisation fails. */
nr_status nr_chi2_pull(const double *data, const double *pred, size_t n, const nr_chi2_options *opt, double *chi2,
                       double *a_best, nr_error *err);

/* Delta-chi2 at confidence level cl for n_params scanned parameters (chi-square quantile): 2.706 for 90% CL
 * and one parameter (a coupling at fixed mass, as 002's bound curves), 4.605 for two. NAN for bad input. */
double nr_chi2_level(double cl, int n_params);

/* chi2 of a parameter value x (e.g. a coupling). */
typedef nr_status (*nr_chi2_fn)(double x, void *ctx, double *chi2, nr_error *err);

/* Smallest x in [x_lo, x_hi] where chi2(x) reaches level, for a chi2 rising with x: steps up by a factor
 * 10^(1/4) from x_lo, then bisects in ln x to relative precision rel_tol. *x_limit = INFINITY if chi2 stays
 * below level up to x_hi, x_lo if chi2(x_lo) is already above it. *n_evaluations (may be NULL) counts calls. */
nr_status nr_chi2_upper_limit(nr_chi2_fn f, void *ctx, double x_lo, double x_hi, double level, double rel_tol,
                              double *x_limit, int *n_evaluations, nr_error *err);

#endif
