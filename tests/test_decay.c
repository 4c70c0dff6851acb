/* test_decay.c: decay lengths, decay probabilities, two-body energy fractions and rectangle-in-circle
 * acceptance (physics/decay.c) against closed forms, limits and independent numerical integrals. */
#include <math.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_rng.h>

#include "constants.h"
#include "decay.h"
#include "nr_test.h"

static void test_decay_length(void)
{
    /* d = (p/m) hbar c / Gamma with hbar c = 1.973269804e-16 GeV m (PDG 2022 Table 1.1):
     * e = 5, m = 3 -> p = 4, p/m = 4/3; Gamma = 1e-15 GeV -> d = 4/3 * 0.1973269804 m. */
    CHECK_REL(nr_decay_length_m(5.0, 3.0, 1e-15), 4.0 / 3.0 * 0.1973269804, 1e-12, "3-4-5 decay length");
    CHECK(isinf(nr_decay_length_m(5.0, 3.0, 0.0)), "stable: infinite length");
    CHECK(nr_decay_length_m(3.0, 3.0, 1e-15) == 0.0, "at rest: zero length");
    /* ultra-relativistic: d -> (E/m) c tau */
    CHECK_REL(nr_decay_length_m(1e4, 1.0, 1e-16), 1e4 * 1.973269804, 1e-8, "E >> m limit");
}

static void test_prob_between(void)
{
    const double l1 = 480.0, l2 = 481.5;
    /* d -> infinity: P -> (l2 - l1)/d (first order in 1/d) */
    const double d_big = 1e12;
    CHECK_REL(nr_decay_prob_between(l1, l2, d_big), (l2 - l1) / d_big, 1e-9, "d >> l: P ~ (l2 - l1)/d");
    CHECK(nr_decay_prob_between(l1, l2, INFINITY) == 0.0, "d = inf: P = 0");
    /* d -> 0: exp(-l1/d) underflows to 0, no NaN */
    const double p0 = nr_decay_prob_between(l1, l2, 1e-3);
    CHECK(p0 == 0.0 && !isnan(p0), "d -> 0: P = 0");
    CHECK(nr_decay_prob_between(l1, l2, 0.0) == 0.0, "d = 0: P = 0");
    CHECK(nr_decay_prob_between(0.0, 1.0, 0.0) == 1.0, "d = 0 from the production point: P = 1");
    /* intermediate: the direct formula is accurate here */
    const double d = 300.0;
    CHECK_REL(nr_decay_prob_between(l1, l2, d), exp(-l1 / d) - exp(-l2 / d), 1e-12, "intermediate d");
    CHECK(nr_decay_prob_between(2.0, 1.0, d) == 0.0, "l2 < l1: 0");
}

/* --- slab formulas against a numerical average over the production point --- */
typedef struct {
    double slab, dist, vol, d;
    int inside;
} slab_params;

static double slab_integrand(double z, void *vp)
{
    const slab_params *p = vp;
    /* produced at depth z in [0, slab]; distance to the back face slab - z */
    const double to_back = p->slab - z;
    if (p->inside)
        return 1.0 - exp(-to_back / p->d);
    return exp(-(to_back + p->dist) / p->d) - exp(-(to_back + p->dist + p->vol) / p->d);
}

static double slab_average(slab_params p)
{
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(200);
    gsl_function f = {slab_integrand, &p};
    double result = 0.0, err = 0.0;
    gsl_integration_qag(&f, 0.0, p.slab, 0.0, 1e-12, 200, GSL_INTEG_GAUSS41, ws, &result, &err);
    gsl_integration_workspace_free(ws);
    return result / p.slab;
}

static void test_slab(void)
{
    const double d_values[] = {0.05, 0.7, 3.0, 40.0};
    for (int i = 0; i < 4; ++i) {
        const double d = d_values[i];
        const slab_params vol = {1.1, 0.6, 1.5, d, 0};
        const slab_params in = {1.1, 0, 0, d, 1};
        CHECK_REL(nr_decay_prob_slab_to_volume(vol.slab, vol.dist, vol.vol, d), slab_average(vol), 1e-10,
                  "slab to volume vs numerical average");
        CHECK_REL(nr_decay_prob_inside_slab(in.slab, d), slab_average(in), 1e-10, "inside slab vs numerical average");
    }
    /* limits: d >> slab: inside -> slab/(2d) (first order); slab -> 0: point source */
    CHECK_REL(nr_decay_prob_inside_slab(1.0, 1e9), 0.5e-9, 1e-8, "inside slab, d >> slab: slab/(2d)");
    CHECK_REL(nr_decay_prob_inside_slab(1.0, 1e3), 1.0 / 2e3 - 1.0 / 6e6 + 1.0 / 24e9, 1e-10,
              "inside slab: x/2 - x^2/6 + x^3/24 (Taylor)");
    CHECK_REL(nr_decay_prob_inside_slab(1.0, 1e-6), 1.0 - 1e-6, 1e-12, "inside slab, d << slab: 1 - d/slab");
    CHECK(nr_decay_prob_inside_slab(1.0, 0.0) == 1.0, "inside slab, d = 0: 1");
    CHECK_REL(nr_decay_prob_slab_to_volume(0.0, 0.5, 1.0, 2.0), exp(-0.25) - exp(-0.75), 1e-12,
              "zero-length slab is a point source");
    const double tiny = nr_decay_prob_slab_to_volume(1.0, 0.0, 1.0, 1e-9);
    CHECK(!isnan(tiny) && tiny >= 0.0 && tiny < 2e-9, "slab to volume, d -> 0: d/slab, no NaN (%g)", tiny);
    CHECK_REL(nr_decay_prob_slab_to_volume(1.0, 480.0, 1.5, 1e10), 1.5e-10, 1e-7, "slab to volume, d >> l: vol/d");
}

/* fraction of rest-frame directions (uniform cos theta) with lab energy gamma m/2 (1 + beta cos) > cut,
 * by the midpoint rule over cos theta */
static double two_body_numeric(double e, double m, double cut)
{
    const double gamma = e / m, beta = sqrt(1.0 - 1.0 / (gamma * gamma));
    const int n = 2000000;
    long above = 0;
    for (int i = 0; i < n; ++i) {
        const double c = -1.0 + 2.0 * (i + 0.5) / n;
        above += 0.5 * m * gamma * (1.0 + beta * c) > cut;
    }
    return (double)above / n;
}

static void test_two_body(void)
{
    const double e = 100.0, m = 20.0;
    const double beta = sqrt(1.0 - m * m / (e * e));
    const double lo = e * (1.0 - beta) / 2.0, hi = e * (1.0 + beta) / 2.0;
    CHECK(nr_two_body_fraction_above(e, m, 0.99 * lo) == 1.0, "cut below E(1-beta)/2: 1");
    CHECK(nr_two_body_fraction_above(e, m, 1.01 * hi) == 0.0, "cut above E(1+beta)/2: 0");
    const double cuts[] = {5.0, 30.0, 50.0, 80.0, 98.0};
    for (int i = 0; i < 5; ++i)
        CHECK_ABS(nr_two_body_fraction_above(e, m, cuts[i]), two_body_numeric(e, m, cuts[i]), 2e-6,
                  "two-body fraction vs rest-frame angle integral");
    /* massless parent limit and ultra-relativistic parent: uniform in [0, E] */
    CHECK_REL(nr_two_body_fraction_above(1000.0, 1e-6, 250.0), 0.75, 1e-12, "beta -> 1: uniform in [0, E]");
    /* parent at rest: daughter energy m/2 */
    CHECK(nr_two_body_fraction_above(2.0, 2.0, 0.99) == 1.0 && nr_two_body_fraction_above(2.0, 2.0, 1.01) == 0.0,
          "parent at rest: E = m/2");
}

static double rectangle_mc(double w, double h, double r, unsigned long seed)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, seed);
    const long n = 4000000;
    long inside = 0;
    for (long i = 0; i < n; ++i) {
        const double x = (gsl_rng_uniform(rng) - 0.5) * w, y = (gsl_rng_uniform(rng) - 0.5) * h;
        inside += x * x + y * y <= r * r;
    }
    gsl_rng_free(rng);
    return (double)inside / n;
}

static void test_rectangle_in_circle(void)
{
    /* FASER: 25 x 25 cm^2 face, r = 0.1 m < half side: pi r^2 / (w h) = pi 0.01 / 0.0625 = 0.50265 */
    CHECK_REL(nr_rectangle_fraction_in_circle(0.25, 0.25, 0.1), NR_PI * 0.01 / 0.0625, 1e-14, "FASER 25x25, r = 0.1");
    /* FASER2 behind a 50 x 50 cm^2 target, r = 1 m > half diagonal 0.354 m: 1 */
    CHECK(nr_rectangle_fraction_in_circle(0.5, 0.5, 1.0) == 1.0, "FASER2 50x50, r = 1: 1");
    /* square of side 2 and r = sqrt(2) (half diagonal): exactly 1; r = 1: pi/4 */
    CHECK_REL(nr_rectangle_fraction_in_circle(2.0, 2.0, sqrt(2.0)), 1.0, 1e-14, "r = half diagonal");
    CHECK_REL(nr_rectangle_fraction_in_circle(2.0, 2.0, 1.0), NR_PI / 4.0, 1e-14, "inscribed circle");
    /* square of side 2, r^2 = 2 - ... analytic: for 1 < r < sqrt 2 the area is
     * pi r^2 - 4 (r^2 acos(1/r) - sqrt(r^2 - 1)) (four circular caps cut off); r = 1.2 */
    const double r = 1.2;
    const double area = NR_PI * r * r - 4.0 * (r * r * acos(1.0 / r) - sqrt(r * r - 1.0));
    CHECK_REL(nr_rectangle_fraction_in_circle(2.0, 2.0, r), area / 4.0, 1e-12, "square with four caps");
    /* elongated rectangles against Monte Carlo (fixed seed, 4e6 points: sigma ~ 2.5e-4) */
    const double cases[][3] = {{0.25, 0.25, 0.15}, {1.0, 0.2, 0.3}, {1.0, 0.2, 0.5}, {0.3, 2.0, 0.4}, {0.5, 0.5, 0.3}};
    for (int i = 0; i < 5; ++i)
        CHECK_ABS(nr_rectangle_fraction_in_circle(cases[i][0], cases[i][1], cases[i][2]),
                  rectangle_mc(cases[i][0], cases[i][1], cases[i][2], 12345u + (unsigned long)i), 1.5e-3,
                  "rectangle in circle vs Monte Carlo");
    /* continuity across the case boundaries */
    const double a = 0.6, b = 0.2, diag = sqrt(a * a + b * b);
    CHECK_ABS(nr_rectangle_fraction_in_circle(2 * a, 2 * b, diag * (1 - 1e-12)), 1.0, 1e-9, "continuous at half diagonal");
    CHECK_REL(nr_rectangle_fraction_in_circle(2 * a, 2 * b, b * (1 + 1e-12)), NR_PI * b * b / (4 * a * b), 1e-9,
              "continuous at the short half side");
    CHECK(nr_rectangle_fraction_in_circle(0.0, 1.0, 1.0) == 0.0, "degenerate rectangle: 0");
    CHECK(nr_rectangle_fraction_in_circle(1.0, 1.0, 0.0) == 0.0, "zero radius: 0");
    CHECK(nr_rectangle_fraction_in_circle(1.0, 1.0, INFINITY) == 1.0, "infinite radius: 1");
}

int main(void)
{
    gsl_set_error_handler_off();
    test_decay_length();
    test_prob_between();
    test_slab();
    test_two_body();
    test_rectangle_in_circle();
    return nr_test_summary();
}
