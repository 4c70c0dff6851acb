/* chi2.c: binned chi-square with a normalisation pull and 1-D upper limits (see chi2.h; paper 002 sec. IV). */
#include "chi2.h"

#include <math.h>

#include <gsl/gsl_cdf.h>

nr_chi2_options nr_chi2_options_paper002(void)
{
    return (nr_chi2_options){.normalisation_sigma = 0.1, .gauss_threshold = 20.0};
}

/* The sum of the bin terms at pull a (paper 002 sec. IV: Gaussian above the threshold, Poisson log-likelihood ratio
 * below), dimensionless: evaluated once, at the pull nr_chi2_pull settles on. */
static double bins_sum(const double *d, const double *p, size_t n, double threshold, double a)
{
    double s = 0, f = 1 + a;
    for (size_t i = 0; i < n; i++) {
        double pi = f * p[i];
        if (d[i] > threshold)
            s += (pi - d[i]) * (pi - d[i]) / d[i];
        else if (d[i] > 0)
            s += pi > 0 ? 2 * (pi - d[i] + d[i] * log(d[i] / pi)) : INFINITY;
        else
            s += 2 * pi;
    }
    return s;
}

/* First and second derivatives in a of bins_sum (the Newton steps of nr_chi2_pull need no more: the sum itself,
 * with a log per Poisson bin, is evaluated once at the converged pull; issue 11). */
static void bins_slope(const double *d, const double *p, size_t n, double threshold, double a, double *d1, double *d2)
{
    double g = 0, h = 0, f = 1 + a;
    for (size_t i = 0; i < n; i++) {
        double pi = f * p[i];
        if (d[i] > threshold) {
            g += 2 * p[i] * (pi - d[i]) / d[i];
            h += 2 * p[i] * p[i] / d[i];
        } else if (d[i] > 0) {
            g += 2 * (p[i] - d[i] / f);
            h += 2 * d[i] / (f * f);
        } else {
            g += 2 * p[i];
        }
    }
    *d1 = g;
    *d2 = h;
}

nr_status nr_chi2_pull(const double *data, const double *pred, size_t n, const nr_chi2_options *opt, double *chi2,
                       double *a_best, nr_error *err)
{
    for (size_t i = 0; i < n; i++)
        if (!(data[i] >= 0 && isfinite(data[i]) && pred[i] >= 0 && isfinite(pred[i])))
            return nr_fail(err, NR_EINPUT, "", "chi2: bin %zu has data %g and prediction %g; both must be finite "
                           "and >= 0", i, data[i], pred[i]);
    double sigma = opt->normalisation_sigma, thr = opt->gauss_threshold, g, h;
    if (!(sigma > 0)) {
        *chi2 = bins_sum(data, pred, n, thr, 0);
        if (a_best)
            *a_best = 0;
        return NR_OK;
    }
    double a = 0;
    for (int it = 0; it < 100; it++) {
        bins_slope(data, pred, n, thr, a, &g, &h);
        g += 2 * a / (sigma * sigma);
        h += 2 / (sigma * sigma);
        double step = g / h, next = a - step;
        if (next <= -1) /* stay where the prediction is positive */
            next = 0.5 * (a - 1);
        if (fabs(next - a) < 1e-13 * (1 + fabs(a))) {
            a = next;
            double s = bins_sum(data, pred, n, thr, a) + a * a / (sigma * sigma);
            *chi2 = s;
            if (a_best)
                *a_best = a;
            return NR_OK;
        }
        a = next;
    }
    return nr_fail(err, NR_ENUMERIC, "", "chi2: the normalisation pull did not converge");
}

double nr_chi2_level(double cl, int n_params)
{
    if (!(cl > 0 && cl < 1) || n_params < 1)
        return NAN;
    return gsl_cdf_chisq_Pinv(cl, n_params);
}

nr_status nr_chi2_upper_limit(nr_chi2_fn f, void *ctx, double x_lo, double x_hi, double level, double rel_tol,
                              double *x_limit, int *n_evaluations, nr_error *err)
{
    if (!(x_lo > 0 && x_hi > x_lo && rel_tol > 0 && isfinite(level)))
        return nr_fail(err, NR_EINPUT, "", "chi2 limit: need 0 < x_lo < x_hi, rel_tol > 0 and a finite level");
    int calls = 0;
    nr_status st;
    double c;
    const double step = pow(10, 0.25);
    double lo = x_lo, hi = 0;
    if ((st = f(lo, ctx, &c, err)) != NR_OK)
        return st;
    calls++;
    if (c >= level) {
        *x_limit = x_lo;
        if (n_evaluations)
            *n_evaluations = calls;
        return NR_OK;
    }
    for (double x = x_lo * step; lo < x_hi; x *= step) {
        if (x > x_hi)
            x = x_hi;
        if ((st = f(x, ctx, &c, err)) != NR_OK)
            return st;
        calls++;
        if (c >= level) {
            hi = x;
            break;
        }
        lo = x;
    }
    if (!(hi > 0)) {
        *x_limit = INFINITY;
        if (n_evaluations)
            *n_evaluations = calls;
        return NR_OK;
    }
    while (hi / lo - 1 > rel_tol) {
        double mid = sqrt(lo * hi);
        if ((st = f(mid, ctx, &c, err)) != NR_OK)
            return st;
        calls++;
        if (c >= level)
            hi = mid;
        else
            lo = mid;
    }
    *x_limit = sqrt(lo * hi);
    if (n_evaluations)
        *n_evaluations = calls;
    return NR_OK;
}
