/* test_form_factors.c: Helm, atomic screening and nucleon dipole form factors (physics/form_factors.c)
 * against analytic properties: normalisation, the first zero of j1, the small-Q expansion with the
 * Helm mean-square radius, the screening limits and the nucleon charges and anomalous moments; the
 * tabulated Helm form factor against the direct one. */
#include <math.h>
#include <stdio.h>

#include "constants.h"
#include "form_factors.h"
#include "materials.h"
#include "nr_test.h"

#define HBARC_GEV_FM 0.1973269804 /* hbar c [GeV fm], PDG 2022 Table 1.1 */
#define J1_FIRST_ZERO 4.493409457909064 /* first positive root of tan x = x (Abramowitz-Stegun 10.1.4) */

static void test_helm_normalisation_and_zero(void)
{
    CHECK_REL(nr_ff_helm(0.0, 6.0, 1.0), 1.0, 1e-15, "Helm F(0) = 1 (definition)");
    CHECK_REL(nr_ff_helm_001(0.0, 183.84), 1.0, 1e-15, "Helm_001 F(0) = 1 on W");
    /* The zero of F is the zero of j1(Q r), independent of s. */
    const double r = 5.0;
    const double q0 = J1_FIRST_ZERO * HBARC_GEV_FM / r;
    CHECK(fabs(nr_ff_helm(q0, r, 1.0)) < 1e-12, "Helm F at Q r = 4.4934 is %.3g", nr_ff_helm(q0, r, 1.0));
    CHECK(nr_ff_helm(0.99 * q0, r, 1.0) > 0.0 && nr_ff_helm(1.01 * q0, r, 1.0) < 0.0,
          "Helm F changes sign at the first zero of j1");
    /* Tungsten, 001 parameters: R = 1.2 * 183.84^(1/3) = 6.8233 fm, r = sqrt(R^2 - 5) = 6.44651 fm
     * (hand computation), so the first zero sits at Q = 4.49341 * 0.197327 / 6.44651 = 0.137543 GeV. */
    const double q0_w = 0.13754285362256105;
    CHECK(fabs(nr_ff_helm_001(q0_w, 183.84)) < 1e-9, "Helm_001 zero on W: F = %.3g",
          nr_ff_helm_001(q0_w, 183.84));
    CHECK(nr_ff_helm_001(0.9 * q0_w, 183.84) > 0.0 && nr_ff_helm_001(1.1 * q0_w, 183.84) < 0.0,
          "Helm_001 sign change on W");
}

static void test_helm_small_q(void)
{
    /* F = 1 - Q^2 <r^2>/6 + O(Q^4) with <r^2> = 3/5 r^2 + 3 s^2 (the Helm mean-square radius:
     * uniform sphere 3/5 r^2 folded with a Gaussian of width s, 3 s^2). */
    const double r = 6.446506646307915, s = 1.0; /* W, 001 parameters (see above) */
    const double r2mean = 0.6 * r * r + 3.0 * s * s; /* 27.9345 fm^2 */
    for (double qr = 1e-4; qr < 0.05; qr *= 3.0) {
        const double q_fm = qr / r, q_gev = q_fm * HBARC_GEV_FM;
        const double one_minus_f = 1.0 - nr_ff_helm(q_gev, r, s);
        CHECK_REL(one_minus_f / (q_fm * q_fm), r2mean / 6.0, 5.0 * qr * qr + 1e-7,
                  "(1 - F)/Q^2 -> <r^2>/6");
    }
    CHECK_REL(nr_ff_helm(1e-12, r, s), 1.0, 1e-15, "Helm at tiny Q: no cancellation");
}

/* 3 j1(x)/x in long double closed form: an independent check of the series branch. */
static double three_j1_over_x_ld(double x)
{
    long double lx = x;
    return (double)(3.0L * (sinl(lx) - lx * cosl(lx)) / (lx * lx * lx));
}

static void test_helm_series_branch(void)
{
    const double r = 1.0;
    const double xs[] = {0.05, 0.3, 0.7, 0.999, 1.0, 1.001, 2.0, 7.0};
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; ++i) {
        const double q = xs[i] * HBARC_GEV_FM / r;
        /* s = 0: pure 3 j1(x)/x */
        CHECK_REL(nr_ff_helm(q, r, 0.0), three_j1_over_x_ld(xs[i]), 2e-13, "3 j1(x)/x vs long double");
    }
    /* continuity across the series/closed-form switch at x = 1 */
    const double below = nr_ff_helm((1.0 - 1e-12) * HBARC_GEV_FM, 1.0, 1.0);
    const double above = nr_ff_helm((1.0 + 1e-12) * HBARC_GEV_FM, 1.0, 1.0);
    /* the step in x is 2e-12 and |dF/dx| ~ 0.6 here (s = r), so allow 3e-12 */
    CHECK(fabs(below - above) < 3e-12, "Helm continuous at Q r = 1: %.17g vs %.17g", below, above);
    /* the Gaussian factor alone: r = 0 gives exp(-Q^2 s^2 / 2) */
    const double q = 0.2;
    const double qs = q / HBARC_GEV_FM * 1.5;
    CHECK_REL(nr_ff_helm(q, 0.0, 1.5), exp(-0.5 * qs * qs), 1e-15, "Helm with r = 0 is a Gaussian");
    CHECK(nr_ff_helm(NAN, 1.0, 1.0) == 0.0, "NaN Q gives 0, not NaN");
    CHECK(nr_ff_helm_001(0.1, -1.0) == 0.0, "A <= 0 gives 0");
    CHECK(isfinite(nr_ff_helm_001(0.1, 1.0)), "A = 1 (R^2 < 5 s^2) stays finite");
}

static void test_screening(void)
{
    /* a = 111 Z^(-1/3)/m_e = 51739.9 GeV^-1 for Z = 74 (hand computation with m_e = 0.51099895 MeV). */
    const double a = 51739.91740895913;
    const double q_small = 1e-9; /* a Q = 5e-5 */
    CHECK_REL(nr_ff_atomic_screening(q_small, 74.0), a * a * q_small * q_small, 1e-8, "G_at ~ a^2 Q^2 at small Q");
    CHECK_REL(nr_ff_atomic_screening(1e-2, 74.0), 1.0, 1e-5, "G_at -> 1 at large Q (a Q = 517)");
    CHECK_REL(nr_ff_atomic_screening(1.0 / a, 74.0), 0.5, 1e-12, "G_at = 1/2 at a Q = 1 (Eq. A.5)");
    CHECK(nr_ff_atomic_screening(0.0, 74.0) == 0.0, "G_at(0) = 0");
    double prev = 0.0;
    int monotone = 1;
    for (double q = 1e-9; q < 1.0; q *= 1.5) {
        const double g = nr_ff_atomic_screening(q, 74.0);
        monotone &= g >= prev && g <= 1.0;
        prev = g;
    }
    CHECK(monotone, "G_at rises monotonically to 1");
}

static void test_nucleon(void)
{
    double f1, f2;
    /* Q^2 = 0: F1 = charge, F2 = anomalous moment kappa (001 Eq. A.8: mu_p = 2.793, mu_n = -1.913) */
    nr_ff_nucleon(0.0, NR_NUCLEON_PROTON, &f1, &f2);
    CHECK_REL(f1, 1.0, 1e-15, "F1^p(0) = 1 (proton charge)");
    CHECK_REL(f2, 1.793, 1e-12, "F2^p(0) = mu_p - 1 = 1.793");
    nr_ff_nucleon(0.0, NR_NUCLEON_NEUTRON, &f1, &f2);
    CHECK_ABS(f1, 0.0, 1e-15, "F1^n(0) = 0 (neutron charge)");
    CHECK_REL(f2, -1.913, 1e-12, "F2^n(0) = mu_n = -1.913");
    /* Q^2 = 0.71 GeV^2: G_D = 1/4; tau = 0.71/(4 m_p^2) (hand formula, A.6-A.8) */
    const double tau = 0.71 / (4.0 * NR_M_PROTON * NR_M_PROTON);
    nr_ff_nucleon(0.71, NR_NUCLEON_PROTON, &f1, &f2);
    CHECK_REL(f1, 0.25 * (1.0 + tau * 2.793) / (1.0 + tau), 1e-14, "F1^p at Q^2 = 0.71");
    CHECK_REL(f2, 0.25 * 1.793 / (1.0 + tau), 1e-14, "F2^p at Q^2 = 0.71");
    nr_ff_nucleon(0.71, NR_NUCLEON_NEUTRON, &f1, &f2);
    CHECK_REL(f1, 0.25 * tau * -1.913 / (1.0 + tau), 1e-14, "F1^n at Q^2 = 0.71");
    CHECK(f1 < 0.0 && f2 < 0.0, "neutron F1, F2 negative at Q^2 > 0");
    /* large Q^2: dipole falls as Q^-4, F2 faster (extra 1/tau) */
    double f1a, f2a, f1b, f2b;
    nr_ff_nucleon(10.0, NR_NUCLEON_PROTON, &f1a, &f2a);
    nr_ff_nucleon(20.0, NR_NUCLEON_PROTON, &f1b, &f2b);
    CHECK(f1b < f1a && f2b < f2a && f1b > 0.0 && f2b > 0.0, "proton F1, F2 fall and stay positive");
    nr_ff_nucleon(-1.0, NR_NUCLEON_PROTON, &f1, &f2);
    CHECK(f1 == 0.0 && f2 == 0.0, "unphysical Q^2 < 0 gives 0");
    nr_ff_nucleon(0.5, NR_NUCLEON_PROTON, NULL, NULL); /* must not crash */
    /* both nucleons at once: the single calls' values, unphysical Q^2 included */
    const double q2s[5] = {0.0, 1e-9, 0.71, 20.0, -1.0};
    for (int i = 0; i < 5; i++) {
        double p1, p2, n1, n2, want_p1, want_p2, want_n1, want_n2;
        nr_ff_nucleons(q2s[i], &p1, &p2, &n1, &n2);
        nr_ff_nucleon(q2s[i], NR_NUCLEON_PROTON, &want_p1, &want_p2);
        nr_ff_nucleon(q2s[i], NR_NUCLEON_NEUTRON, &want_n1, &want_n2);
        CHECK(p1 == want_p1 && p2 == want_p2 && n1 == want_n1 && n2 == want_n2, "nr_ff_nucleons at Q^2 = %g GeV^2",
              q2s[i]);
    }
}

/* The tabulated Helm form factor against nr_ff_helm_001 everywhere on its range and beyond (where both are 0):
 * 400 000 points per material, between and on the grid points. */
static void test_helm_table(void)
{
    for (size_t i = 0; nr_materials[i]; i++) {
        const nr_material *m = nr_materials[i];
        nr_ff_helm_table t;
        nr_error err;
        nr_error_clear(&err);
        CHECK(nr_ff_helm_table_init(&t, m->a, &err) == NR_OK, "Helm table for %s", m->name);
        const double q_end = (double)(t.n - 1) * t.h_fm * HBARC_GEV_FM; /* [GeV] */
        double worst = 0.0, worst_q = 0.0;
        const int n = 400000;
        for (int k = 0; k <= n; k++) {
            double q = 1.05 * q_end * (double)k / n;
            double d = fabs(nr_ff_helm_table_at(&t, q) - nr_ff_helm_001(q, m->a));
            if (d > worst) {
                worst = d;
                worst_q = q;
            }
        }
        printf("Helm table %-10s A = %6.2f: %zu points, max |table - nr_ff_helm_001| = %.2e (at Q = %.4f GeV)\n",
               m->name, m->a, t.n, worst, worst_q);
        CHECK(worst < 2e-9, "Helm table of %s within 2e-9 of nr_ff_helm_001 (max %.2e)", m->name, worst);
        CHECK(nr_ff_helm_table_at(&t, 1.1 * q_end) == 0.0 && nr_ff_helm_001(1.1 * q_end, m->a) == 0.0,
              "beyond the table both are 0 (%s)", m->name);
        CHECK(fabs(nr_ff_helm_table_at(&t, 0.0) - 1.0) < 1e-15, "table F(0) = 1 (%s)", m->name);
        nr_ff_helm_table_free(&t);
    }
    nr_ff_helm_table bad;
    CHECK(nr_ff_helm_table_init(&bad, -1.0, NULL) == NR_EINPUT, "mass number <= 0 refused");
}

int main(void)
{
    test_helm_normalisation_and_zero();
    test_helm_small_q();
    test_helm_series_branch();
    test_screening();
    test_nucleon();
    test_helm_table();
    return nr_test_summary();
}
