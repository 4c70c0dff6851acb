/* test_limit_rescale.c: beam-dump outlines rescaled from B-L / the dark photon to the chiral U(1)_X Z' (004 Eqs. 38,
 * 39, 52; physics/limit_rescale.h).
 *
 * Golden values and their sources:
 *  - x_H = 0, x_Phi = 1 is B-L (004 Table I): every factor is 1 and the rescaled CHARM and Orsay outlines
 *    (shared/data/limits/b_minus_l) are the input outlines, point for point.
 *  - x_H = 0, x_Phi = 2 is B-L with every charge doubled: g_X = g_B-L / 2 on both edges (analytic).
 *  - x_H = -2 at 50 MeV, where the target decays only to e+e- (no coupling of the lepton doublet, 004 sec. II)
 *    and B-L to e+e- and nu nu: factors from the analytic widths of 004 Eqs. 17-18 written out here
 *    (Gamma = m beta/(12 pi) [g_V^2 (1 + 2r) + g_A^2 (1 - 4r)], per nu flavour m q_l^2/(24 pi)), the pi0 anomaly
 *    factors (2 g_u + g_d) of 004 Eqs. 33-35 and the bremsstrahlung charge factor of 004 Eq. 52.
 *  - the geometry: a triangle and a pinched band with constant factors, cut by hand (straight lines in log-log).
 *  - bad outlines answer NR_EINPUT.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "constants.h"
#include "limit_rescale.h"
#include "nr_test.h"
#include "zprime.h"

#define N_MAX 1024

static size_t read_outline(const char *rel, double *m, double *g)
{
    char path[512];
    snprintf(path, sizeof path, "%s/limits/%s", nr_test_data_dir(), rel);
    FILE *f = fopen(path, "r");
    size_t n = 0;
    if (!f)
        return 0;
    while (n < N_MAX && fscanf(f, "%lf %lf", &m[n], &g[n]) == 2)
        n++;
    fclose(f);
    return n;
}

/* Gamma(Z' -> e+e-) at unit coupling [GeV], 004 Eq. 17 written out */
static double gamma_ee(double m, double gv, double ga)
{
    double r = NR_M_ELECTRON * NR_M_ELECTRON / (m * m);
    return m * sqrt(1.0 - 4.0 * r) / (12.0 * NR_PI) * (gv * gv * (1.0 + 2.0 * r) + ga * ga * (1.0 - 4.0 * r));
}

static void test_factors(const nr_darkcast *dc)
{
    nr_zprime_couplings bl, x0, x02, xm2, dp;
    nr_error err;
    nr_zprime_couplings_b_minus_l(&bl);
    nr_zprime_couplings_dark_photon(&dp);
    CHECK(nr_zprime_couplings_u1x(0.0, 1.0, &x0, &err) == NR_OK, "u1x(0, 1)");
    CHECK(nr_zprime_couplings_u1x(0.0, 2.0, &x02, &err) == NR_OK, "u1x(0, 2)");
    CHECK(nr_zprime_couplings_u1x(-2.0, 1.0, &xm2, &err) == NR_OK, "u1x(-2, 1)");
    const nr_rescale_production prods[3] = {NR_RESCALE_PI0, NR_RESCALE_ETA, NR_RESCALE_E_BREM};
    const double masses[4] = {0.005, 0.05, 0.12, 0.3};
    for (int k = 0; k < 3; k++) {
        for (int i = 0; i < 4; i++) {
            double lo, hi;
            nr_rescale_mass_window_gev(prods[k], &lo, &hi);
            if (!(masses[i] > lo && masses[i] < hi))
                continue;
            nr_rescale_factors f;
            char what[96];
            CHECK(nr_rescale_factors_at(&bl, &x0, prods[k], dc, masses[i], &f, &err) == NR_OK, "%s", err.message);
            snprintf(what, sizeof what, "x_H = 0 lower factor, production %d, m %g", k, masses[i]);
            CHECK_REL(f.lower, 1.0, 1e-12, what);
            snprintf(what, sizeof what, "x_H = 0 upper factor, production %d, m %g", k, masses[i]);
            CHECK_REL(f.upper, 1.0, 1e-12, what);
            CHECK(nr_rescale_factors_at(&bl, &x02, prods[k], dc, masses[i], &f, &err) == NR_OK, "%s", err.message);
            snprintf(what, sizeof what, "x_Phi = 2 halves the lower edge, production %d, m %g", k, masses[i]);
            CHECK_REL(f.lower, 0.5, 1e-12, what);
            snprintf(what, sizeof what, "x_Phi = 2 halves the upper edge, production %d, m %g", k, masses[i]);
            CHECK_REL(f.upper, 0.5, 1e-12, what);
        }
    }
    /* x_H = -2, x_Phi = 1 at 50 MeV: electron x'_l = 0, x'_e = -1 (004 Table I) -> g_V = -1/2, g_A = 1/2 (zprime.h
     * sign convention; only squares enter); no neutrino width. B-L: g_V = -1, g_A = 0; 3 nu flavours of q_l = -1. */
    double m = 0.05;
    double ee_x = gamma_ee(m, 0.5, 0.5), ee_bl = gamma_ee(m, 1.0, 0.0), nunu_bl = 3.0 * m / (24.0 * NR_PI);
    nr_rescale_factors f;
    CHECK(nr_rescale_factors_at(&bl, &xm2, NR_RESCALE_PI0, dc, m, &f, &err) == NR_OK, "%s", err.message);
    /* pi0: 2 g_u + g_d = 3 x_H/4 + x_Phi: 1 for B-L, -1/2 at x_H = -2 -> P~ ratio (B-L / X) = 4 */
    CHECK_REL(f.lower, pow(4.0 * ee_bl / ee_x, 0.25), 1e-10, "x_H = -2, pi0: lower factor (4 Gamma_ee ratio)^1/4");
    CHECK_REL(f.upper, sqrt((ee_bl + nunu_bl) / ee_x), 1e-10, "x_H = -2: upper factor sqrt(Gamma ratio)");
    CHECK_REL(f.upper, sqrt(5.0), 1e-3, "x_H = -2: upper factor -> sqrt 5 for m >> m_e");
    CHECK(nr_rescale_factors_at(&bl, &xm2, NR_RESCALE_E_BREM, dc, m, &f, &err) == NR_OK, "%s", err.message);
    /* 004 Eq. 52: P~_X / P~_B-L = (5 x_H^2/4 + 3 x_H x_Phi + 2 x_Phi^2) / 2 = 1/2 at x_H = -2 */
    double eq52 = (5.0 * 4.0 / 4.0 + 3.0 * (-2.0) + 2.0) / 2.0;
    CHECK_REL(f.lower, pow(ee_bl / (eq52 * ee_x), 0.25), 1e-10, "x_H = -2, bremsstrahlung: Eq. 52 with 4th root");
    /* the dark photon as reference (LSND): R_pi0 = 1 at eps = 1, Gamma_ee = alpha m / 3 (m >> m_e) */
    CHECK(nr_rescale_factors_at(&dp, &xm2, NR_RESCALE_PI0, dc, m, &f, &err) == NR_OK, "%s", err.message);
    double e2 = 4.0 * NR_PI * NR_ALPHA_EM;
    CHECK_REL(f.lower, pow(1.0 * gamma_ee(m, sqrt(e2), 0.0) / (0.25 / e2 * ee_x), 0.25), 1e-4,
              "dark photon -> x_H = -2, pi0: lower factor");
    /* outside the window, and a reference without production */
    CHECK(nr_rescale_factors_at(&bl, &xm2, NR_RESCALE_PI0, dc, 0.2, &f, &err) == NR_EINPUT &&
              strcmp(err.where, "/m") == 0, "above m_pi0: NR_EINPUT naming /m");
    CHECK(nr_rescale_factors_at(&bl, &xm2, NR_RESCALE_E_BREM, dc, 1e-3, &f, &err) == NR_EINPUT,
          "below 2 m_e: NR_EINPUT");
    nr_zprime_couplings pi0_free;
    CHECK(nr_zprime_couplings_u1x(-4.0 / 3.0, 1.0, &pi0_free, &err) == NR_OK, "u1x(-4/3, 1)");
    CHECK(nr_rescale_factors_at(&bl, &pi0_free, NR_RESCALE_PI0, dc, m, &f, &err) == NR_OK && f.lower > 1e6,
          "x_H = -4/3: no pi0 -> X gamma (2 g_u + g_d = 0 up to rounding), the lower edge goes to infinity: %g",
          f.lower);
}

/* every point of a appears in b (relative 1e-15), and the counts agree */
static int same_points(const double *am, const double *ag, size_t an, const nr_polygon *b)
{
    if (an != b->n)
        return 0;
    for (size_t i = 0; i < an; i++) {
        int found = 0;
        for (size_t j = 0; j < b->n && !found; j++)
            found = fabs(b->x[j] - am[i]) <= 1e-15 * am[i] && fabs(b->y[j] - ag[i]) <= 1e-15 * ag[i];
        if (!found)
            return 0;
    }
    return 1;
}

static void test_identity(const nr_darkcast *dc)
{
    static double m[N_MAX], g[N_MAX];
    nr_zprime_couplings bl, x0;
    nr_error err;
    nr_zprime_couplings_b_minus_l(&bl);
    nr_zprime_couplings_u1x(0.0, 1.0, &x0, &err);
    const char *files[2] = {"b_minus_l/bounds_CHARM.txt", "b_minus_l/bounds_Orsay.txt"};
    const nr_rescale_production prods[2] = {NR_RESCALE_ETA, NR_RESCALE_E_BREM};
    for (int k = 0; k < 2; k++) {
        size_t n = read_outline(files[k], m, g);
        CHECK(n > 100, "%s read (%zu points)", files[k], n);
        nr_rescale_models ctx = {&bl, &x0, prods[k], dc};
        double lo, hi;
        nr_rescale_mass_window_gev(prods[k], &lo, &hi);
        nr_polygon_set out;
        nr_status st = nr_rescale_outline(m, g, n, lo, hi, nr_rescale_models_fn, &ctx, &out, &err);
        CHECK(st == NR_OK && out.n == 1, "%s at x_H = 0: one polygon (%s)", files[k], err.message);
        if (st == NR_OK && out.n == 1)
            CHECK(same_points(m, g, n, &out.parts[0]), "%s at x_H = 0: the input points, %zu of %zu", files[k],
                  out.parts[0].n, n);
        nr_polygon_set_free(&out);
    }
}

typedef struct {
    double lower, upper;
} constant_factors;

static nr_status constant_fn(void *ctx, double m, nr_rescale_factors *out, nr_error *err)
{
    (void)m;
    (void)err;
    const constant_factors *c = ctx;
    out->lower = c->lower;
    out->upper = c->upper;
    return NR_OK;
}

static void test_geometry(void)
{
    nr_polygon_set out;
    nr_error err;
    /* triangle: lower edge g = 1e-8 from 0.01 to 0.1 GeV, upper edge from (0.1, 1e-8) to (0.01, 1e-4), i.e.
     * log10 g = -8 - 4 (log10 m + 1). Lower x 10, upper x 1: the new lower edge 1e-7 meets the upper edge at
     * log10 m = -1.25. */
    double tm[3] = {0.01, 0.1, 0.01}, tg[3] = {1e-8, 1e-8, 1e-4};
    constant_factors c = {10.0, 1.0};
    CHECK(nr_rescale_outline(tm, tg, 3, 0.0, INFINITY, constant_fn, &c, &out, &err) == NR_OK && out.n == 1,
          "triangle: one polygon");
    if (out.n == 1 && out.parts[0].n == 3) {
        const nr_polygon *p = &out.parts[0];
        CHECK(p->x[0] == 0.01, "lower-left corner at 0.01 GeV: %g", p->x[0]);
        CHECK_REL(p->y[0], 1e-7, 1e-12, "lower-left corner on the new lower edge 1e-7");
        CHECK_REL(p->x[1], pow(10.0, -1.25), 1e-12, "the cut at log10 m = -1.25");
        CHECK_REL(p->y[1], 1e-7, 1e-12, "... on the new lower edge");
        CHECK(p->x[2] == 0.01 && p->y[2] == 1e-4, "the upper tip is kept");
    } else {
        CHECK(0, "triangle: 3 points, got %zu polygons", out.n);
    }
    nr_polygon_set_free(&out);
    /* the same triangle cut at m < 0.03 GeV (a meson mass): the band ends with a vertical side at 0.03 */
    c = (constant_factors){1.0, 1.0};
    CHECK(nr_rescale_outline(tm, tg, 3, 0.0, 0.03, constant_fn, &c, &out, &err) == NR_OK && out.n == 1 &&
              out.parts[0].n == 4, "cut at 0.03 GeV: a quadrilateral");
    if (out.n == 1 && out.parts[0].n == 4) {
        double lg = -8.0 - 4.0 * (log10(0.03) + 1.0);
        CHECK_REL(out.parts[0].y[2], pow(10.0, lg), 1e-12, "upper edge at the cut");
        CHECK_REL(out.parts[0].x[1], 0.03, 1e-12, "cut mass");
    }
    nr_polygon_set_free(&out);
    /* a band pinched in the middle: lower 1e-8 flat, upper 1e-6, 10^-7.5 at 0.03 GeV, 1e-6; lowering the upper edge
     * by 10^-0.75 closes the band around 0.03 GeV: two polygons */
    double bm[6] = {0.01, 0.03, 0.1, 0.1, 0.03, 0.01}, bg[6] = {1e-8, 1e-8, 1e-8, 1e-6, pow(10.0, -7.5), 1e-6};
    c = (constant_factors){1.0, pow(10.0, -0.75)};
    CHECK(nr_rescale_outline(bm, bg, 6, 0.0, INFINITY, constant_fn, &c, &out, &err) == NR_OK && out.n == 2,
          "pinched band: two polygons, got %zu", out.n);
    if (out.n == 2) {
        /* upper' = -6.75 at the ends, -8.25 at 0.03: crosses -8 at 1/6 of the way in log m from each end... */
        double t = 1.25 / 1.5; /* fraction from log10 0.01 towards log10 0.03 where -6.75 - 1.5 t = -8 */
        double cut = pow(10.0, -2.0 + t * log10(3.0));
        int has = 0;
        for (size_t j = 0; j < out.parts[0].n; j++)
            has |= fabs(out.parts[0].x[j] - cut) <= 1e-12 * cut && fabs(out.parts[0].y[j] - 1e-8) <= 1e-20;
        CHECK(has, "the left part closes at m = %g on g = 1e-8", cut);
    }
    nr_polygon_set_free(&out);
    /* the region vanishes when the lower factor is infinite */
    c = (constant_factors){INFINITY, 1.0};
    CHECK(nr_rescale_outline(tm, tg, 3, 0.0, INFINITY, constant_fn, &c, &out, &err) == NR_OK && out.n == 0,
          "no production: no polygon");
    /* bad outlines */
    CHECK(nr_rescale_outline(tm, tg, 2, 0.0, INFINITY, constant_fn, &c, &out, &err) == NR_EINPUT &&
              strcmp(err.where, "/outline") == 0, "2 points: NR_EINPUT naming /outline");
    /* a C open to the right: two bands between 0.03 and 0.1 GeV */
    c = (constant_factors){1.0, 1.0};
    double zm[8] = {0.01, 0.1, 0.1, 0.03, 0.03, 0.1, 0.1, 0.01};
    double zg[8] = {1e-8, 1e-8, 2e-8, 2e-8, 5e-7, 5e-7, 1e-6, 1e-6};
    CHECK(nr_rescale_outline(zm, zg, 8, 0.0, INFINITY, constant_fn, &c, &out, &err) == NR_EINPUT,
          "an outline with two bands at some masses: NR_EINPUT");
    double nm[3] = {0.01, -0.1, 0.01};
    CHECK(nr_rescale_outline(nm, tg, 3, 0.0, INFINITY, constant_fn, &c, &out, &err) == NR_EINPUT,
          "a negative mass: NR_EINPUT");
}

int main(void)
{
    gsl_set_error_handler_off();
    nr_darkcast *dc = NULL;
    nr_error err;
    CHECK(nr_darkcast_load(nr_test_data_dir(), &dc, &err) == NR_OK, "darkcast: %s", err.message);
    if (!dc)
        return nr_test_summary();
    test_factors(dc);
    test_identity(dc);
    test_geometry();
    nr_darkcast_free(dc);
    return nr_test_summary();
}
