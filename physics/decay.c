/* decay.c: fate of a long-lived particle after production: lab decay length, decay probabilities in a
 * volume (point-like and slab-like production), the energy fraction above a cut for a two-body decay into
 * massless daughters, and the geometric acceptance of a centred rectangle inside a circle.
 *
 * Exponential decay law with lab decay length d = (p/m) c tau, c tau = hbar c / Gamma (hbar c from PDG 2022
 * Table 1.1). All exponential differences are written with expm1 so that d >> lengths loses no digits and
 * d -> 0 gives 0 rather than NaN. Lengths in metres, energies and widths in GeV.
 */
#include "decay.h"

#include <math.h>

#include "constants.h"


double nr_decay_length_m(double e, double m, double width_gev)
{
    if (!(width_gev > 0.0) || !(m > 0.0))
        return INFINITY; /* stable, or massless (no proper time passes) */
    if (!(e > m))
        return 0.0; /* at rest (or an unphysical e < m) */
    const double p = sqrt((e - m) * (e + m));
    return (p / m) * (NR_HBARC_GEV_M / width_gev);
}

/* exp(-a/d) - exp(-b/d) for 0 <= a <= b and d > 0, without cancellation: -exp(-a/d) expm1(-(b-a)/d). */
static double exp_difference(double a, double b, double d)
{
    return -exp(-a / d) * expm1(-(b - a) / d);
}

double nr_decay_prob_between(double l1_m, double l2_m, double decay_length_m)
{
    if (!(l1_m >= 0.0) || !(l2_m > l1_m) || isnan(decay_length_m))
        return 0.0;
    if (!(decay_length_m > 0.0)) /* decays at the production point */
        return l1_m == 0.0 ? 1.0 : 0.0;
    if (isinf(decay_length_m))
        return 0.0;
    return exp_difference(l1_m, l2_m, decay_length_m);
}

/* (1 - exp(-x))/x, -> 1 as x -> 0: the mean survival factor over a uniform source of length x decay lengths. */
static double mean_escape(double x)
{
    if (x < 1e-300)
        return 1.0;
    return -expm1(-x) / x;
}

double nr_decay_prob_slab_to_volume(double slab_m, double dist_m, double vol_m, double decay_length_m)
{
    if (!(slab_m >= 0.0) || !(dist_m >= 0.0) || !(vol_m > 0.0) || isnan(decay_length_m))
        return 0.0;
    if (!(decay_length_m > 0.0)) /* prompt decay: only a point source touching the volume sees it */
        return slab_m == 0.0 && dist_m == 0.0 ? 1.0 : 0.0;
    if (isinf(decay_length_m))
        return 0.0;
    return mean_escape(slab_m / decay_length_m) * exp_difference(dist_m, dist_m + vol_m, decay_length_m);
}

/* 1 - (1 - exp(-x))/x = x/2 - x^2/6 + x^3/24 - ... = sum_{k>=1} (-1)^(k+1) x^k/(k+1)!; the series below x = 0.5
 * (terms fall by >= 4x per step; 30 terms reach double precision), the closed form above. */
static double decay_fraction_inside(double x)
{
    if (x < 0.5) {
        double term = 0.5 * x, sum = 0.0;
        for (int k = 1; k <= 30; ++k) {
            sum += term;
            term *= -x / (double)(k + 2);
        }
        return sum;
    }
    return 1.0 - mean_escape(x);
}

double nr_decay_prob_inside_slab(double slab_m, double decay_length_m)
{
    if (!(slab_m > 0.0) || isnan(decay_length_m))
        return 0.0;
    if (!(decay_length_m > 0.0))
        return 1.0;
    if (isinf(decay_length_m))
        return 0.0;
    return decay_fraction_inside(slab_m / decay_length_m);
}

double nr_two_body_fraction_above(double e, double m, double e_cut)
{
    if (!(e > 0.0) || !(m >= 0.0) || isnan(e_cut) || m > e)
        return 0.0;
    return nr_two_body_fraction_above_p(e, sqrt((e - m) * (e + m)), m, e_cut);
}

double nr_two_body_fraction_above_p(double e, double p, double m, double e_cut)
{
    if (!(e > 0.0) || !(m >= 0.0) || isnan(e_cut) || m > e)
        return 0.0;
    const double e_lo = 0.5 * m * m / (e + p); /* e (1 - beta)/2, without cancellation */
    const double e_hi = 0.5 * (e + p);         /* e (1 + beta)/2                        */
    if (e_cut < e_lo)
        return 1.0;
    if (e_cut >= e_hi)
        return 0.0;
    return (e_hi - e_cut) / (e_hi - e_lo); /* uniform in [e_lo, e_hi]; e_hi > e_lo here */
}

/* Area of {0 <= x <= a, 0 <= y <= b, x^2 + y^2 <= r^2}: the quarter of the centred problem.
 * integral_0^a min(b, sqrt(r^2 - x^2)) dx, with G(x) = integral_0^x sqrt(r^2 - u^2) du
 * = (x sqrt(r^2 - x^2) + r^2 asin(x/r))/2. */
static double circle_segment_primitive(double x, double r)
{
    const double ratio = x / r;
    const double c = ratio > 1.0 ? 1.0 : ratio;
    return 0.5 * (x * sqrt(fmax(r * r - x * x, 0.0)) + r * r * asin(c));
}

static double quarter_intersection_area(double a, double b, double r)
{
    const double x_flat = r > b ? sqrt((r - b) * (r + b)) : 0.0; /* circle above y = b for x < x_flat */
    const double x1 = fmin(x_flat, a);
    const double x2 = fmin(r, a);
    double area = b * x1;
    if (x2 > x1)
        area += circle_segment_primitive(x2, r) - circle_segment_primitive(x1, r);
    return area;
}

double nr_rectangle_fraction_in_circle(double w, double h, double r)
{
    if (!(w > 0.0) || !(h > 0.0) || !(r > 0.0) || !isfinite(w) || !isfinite(h))
        return 0.0;
    const double a = 0.5 * w, b = 0.5 * h;
    if (r * r >= a * a + b * b)
        return 1.0;
    if (r <= fmin(a, b))
        return NR_PI * r * r / (w * h);
    const double fraction = quarter_intersection_area(a, b, r) / (a * b);
    return fraction > 1.0 ? 1.0 : fraction;
}
