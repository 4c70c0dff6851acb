/* test_forward_mesons.c: the BMPT forward pion parameterisation and the pi0/eta tables of a proton dump
 * (physics/forward_mesons.h).
 *
 * Checks and their sources:
 *   - x_R and x_F against a second derivation: the explicit Lorentz boost of the meson to the nucleon-nucleon
 *     centre of mass (rapidity form), and x_R = 1 at the kinematic limit (missing mass M_X = 1.88 GeV, BMPT);
 *   - the pi0 table of nu-Cal against a second integrator (Gauss-Kronrod in p and theta with GSL) over a region of
 *     whole cells;
 *   - sum rules of the parameterisation at the energy of its fit (450 GeV on Be): the energy carried by the pions
 *     (3/2 of the charged ones, isospin) is a fraction of the beam energy below 1 (energy conservation), and the
 *     pi+ multiplicity per inelastic p Be interaction lies between 2 and 8 (measured charged multiplicities of pp
 *     at sqrt(s) = 27 GeV are about 10, of which about 40% are pi+; p Be is 1.3-1.6x pp): a check of the units
 *     (mb GeV^-2) and of the normalisation by sigma_inel(p Be), which fails by 10^3 if either is wrong;
 *   - pi0 = (pi+ + pi-)/2 and the eta/pi0 of m_T scaling (below its plateau 0.48, PHENIX) are printed with the
 *     integrated multiplicities at the nu-Cal and DUNE energies.
 * Not checked (not available here): the SPY / Atherton data points the fit was made to (README).
 */
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>

#include "constants.h"
#include "forward_mesons.h"
#include "nr_test.h"

static void test_kinematics(void)
{
    const double eb = 68.6, m = nr_hadron_mass_gev(111), mp = NR_M_PROTON;
    double s = 2 * mp * mp + 2 * mp * eb, pb = sqrt(eb * eb - mp * mp);
    double y_cm = 0.5 * log((eb + mp + pb) / (eb + mp - pb)); /* rapidity of the centre of mass */
    const double ps[3] = {2.0, 20.0, 50.0}, ths[3] = {1e-4, 0.01, 0.2};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            double p = ps[i], th = ths[j], e = sqrt(p * p + m * m), pl = p * cos(th), pt = p * sin(th);
            double mt = sqrt(m * m + pt * pt), y = 0.5 * log((e + pl) / (e - pl));
            double e_star = mt * cosh(y - y_cm), pl_star = mt * sinh(y - y_cm);
            double e_star_max = (s + m * m - 1.88 * 1.88) / (2 * sqrt(s)); /* BMPT: M_X = 1.88 GeV */
            double x_f = 0, x_r = nr_bmpt_x_r(eb, m, p, th, &x_f);
            CHECK_REL(x_r, e_star / e_star_max, 1e-9, "x_R against the boost to the centre of mass");
            CHECK_REL(x_f, 2 * pl_star / sqrt(s), 1e-9, "x_F against the boost to the centre of mass");
        }
    /* at theta = 0 the largest momentum has missing mass M_X: (P_b + P_t - P_pi)^2 = M_X^2 -> x_R = 1 */
    double lo = 1.0, hi = pb;
    for (int it = 0; it < 200; it++) {
        double p = 0.5 * (lo + hi), e = sqrt(p * p + m * m);
        double mm2 = s + m * m - 2 * (eb + mp) * e + 2 * pb * p;
        *(mm2 > 1.88 * 1.88 ? &lo : &hi) = p;
    }
    CHECK_REL(nr_bmpt_x_r(eb, m, 0.5 * (lo + hi), 0.0, NULL), 1.0, 1e-9, "x_R = 1 at missing mass M_X");
    /* isospin: pi0 = (pi+ + pi-)/2, per interaction */
    double pip = nr_forward_meson_d2n_dp_domega(211, eb, 55.85, 700.0, 10.0, 0.01);
    double pim = nr_forward_meson_d2n_dp_domega(-211, eb, 55.85, 700.0, 10.0, 0.01);
    double pi0 = nr_forward_meson_d2n_dp_domega(111, eb, 55.85, 700.0, 10.0, 0.01);
    CHECK(pip > pim && pim > 0, "pi+ > pi- > 0 forward (BMPT r0 (1 + x_R)^r1 > 1)");
    /* pi0 uses the pi0 mass in x_R: equal to the average of the charged ones within (m_pi+ - m_pi0) effects */
    CHECK_REL(pi0, 0.5 * (pip + pim), 2e-3, "pi0 = (pi+ + pi-)/2");
}

typedef struct {
    int pdg;
    double eb, a, sigma, p_lo, p_hi, th_lo, th_hi, weight_power; /* weight_power 1: energy-weighted */
    double p;                                                    /* inner variable's fixed value    */
} integrand_args;

static double inner_theta(double lth, void *vp)
{
    integrand_args *g = vp;
    double th = exp(lth), e = sqrt(g->p * g->p + 0.0195);
    double w = g->weight_power > 0 ? e : 1.0;
    return 2 * NR_PI * sin(th) * th * w * nr_forward_meson_d2n_dp_domega(g->pdg, g->eb, g->a, g->sigma, g->p, th);
}

static double outer_p(double lp, void *vp)
{
    integrand_args *g = vp;
    g->p = exp(lp);
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(200);
    gsl_function f = {inner_theta, g};
    double r = 0, err = 0;
    gsl_integration_qag(&f, log(g->th_lo), log(g->th_hi), 0, 1e-7, 200, GSL_INTEG_GAUSS21, ws, &r, &err);
    gsl_integration_workspace_free(ws);
    return g->p * r;
}

/* the integral of d2N/dp dOmega (times E if energy-weighted) over the region, nested Gauss-Kronrod in ln p, ln theta */
static double integral(integrand_args g)
{
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(200);
    gsl_function f = {outer_p, &g};
    double r = 0, err = 0;
    gsl_integration_qag(&f, log(g.p_lo), log(g.p_hi), 0, 1e-6, 200, GSL_INTEG_GAUSS21, ws, &r, &err);
    gsl_integration_workspace_free(ws);
    return r;
}

static void test_table_against_quadrature(void)
{
    nr_hadron_table t;
    nr_error err;
    CHECK(nr_forward_meson_table(111, 68.6, &nr_material_iron, 2, &t, &err) == NR_OK, "pi0 table: %s", err.message);
    double sigma = 0;
    CHECK(nr_proton_nucleus_sigma_inel_mb(26, &sigma, &err) == NR_OK, "sigma_inel(p Fe)");
    /* cells with 10^-3 < theta < 10^-1 rad and 10^0.5 < p < 10^1.5 GeV (cell edges) */
    double table_sum = 0;
    for (size_t i = 0; i < t.n_cells; i++) {
        const nr_hadron_cell *c = &t.cells[i];
        if (c->log10_theta > -3 && c->log10_theta < -1 && c->log10_p > 0.5 && c->log10_p < 1.5)
            table_sum += c->sigma_pb;
    }
    integrand_args g = {111, 68.6, nr_material_iron.a, sigma, pow(10, 0.5), pow(10, 1.5), 1e-3, 1e-1, 0, 0};
    CHECK_REL(table_sum, integral(g), 2e-3, "pi0 per proton on iron, cells against Gauss-Kronrod");
    printf("nu-Cal: %.3f pi0 per proton on target in the table (%.4f with 1e-3 < theta < 0.1, 3.2 < p < 32 GeV)\n",
           t.total_pb, table_sum);
    nr_hadron_table_free(&t);
    CHECK(nr_forward_meson_table(321, 68.6, &nr_material_iron, 2, &t, &err) == NR_EINPUT, "kaon table refused");
    /* beam energies outside BMPT's 10-500 GeV (forward_mesons.h) are refused naming the override and the range */
    const double outside[3] = {1.5, 9.99, 500.5}, inside[2] = {10.0, 500.0};
    for (int k = 0; k < 3; k++) {
        CHECK(nr_forward_meson_table(111, outside[k], &nr_material_iron, 1, &t, &err) == NR_EINPUT &&
                  strcmp(err.where, "/experiment_overrides/beam_energy_gev") == 0 &&
                  strcmp(err.rule, NR_RULE_RANGE) == 0 && strstr(err.message, "10-500 GeV"),
              "%g GeV refused naming the field and the range (%s: %s)", outside[k], err.where, err.message);
        nr_hadron_table_free(&t);
    }
    for (int k = 0; k < 2; k++)
        CHECK(nr_forward_meson_check_beam(inside[k], &err) == NR_OK, "%g GeV accepted", inside[k]);
    CHECK(nr_proton_nucleus_sigma_inel_mb(8, &sigma, &err) == NR_EINPUT, "oxygen has no interaction length here");
}

static void test_sum_rules(void)
{
    nr_error err;
    double sigma_be = 0;
    CHECK(nr_proton_nucleus_sigma_inel_mb(4, &sigma_be, &err) == NR_OK, "sigma_inel(p Be)");
    /* A u / lambda_I with lambda_I(Be) = 77.8 g/cm^2 (PDG) */
    CHECK_REL(sigma_be, 9.012 * NR_ATOMIC_MASS_UNIT_G / 77.8 * 1e27, 1e-12, "sigma_inel(p Be) from lambda_I");
    const double eb = 450.0, pb = sqrt(eb * eb - NR_M_PROTON * NR_M_PROTON);
    integrand_args g = {211, eb, NR_BMPT_A_BERYLLIUM, sigma_be, 0.1, pb, 1e-6, 1.2, 0, 0};
    double n_pip = integral(g);
    g.pdg = -211;
    double n_pim = integral(g);
    g.weight_power = 1;
    double e_pim = integral(g);
    g.pdg = 211;
    double e_pip = integral(g);
    double energy_fraction = 1.5 * (e_pip + e_pim) / eb;
    printf("450 GeV p Be (BMPT's fit): pi+ %.2f, pi- %.2f per inelastic interaction; pions carry %.2f of E_beam\n",
           n_pip, n_pim, energy_fraction);
    CHECK(n_pip > 2.0 && n_pip < 8.0, "pi+ multiplicity per p Be interaction %g in [2, 8]", n_pip);
    CHECK(energy_fraction > 0.1 && energy_fraction < 1.0, "energy of the pions %g of E_beam (< 1)", energy_fraction);
    /* integrated eta/pi0 at the two dumps' energies */
    const double beams[2] = {68.6, 120.0};
    const nr_material *targets[2] = {&nr_material_iron, &nr_material_carbon};
    for (int k = 0; k < 2; k++) {
        nr_hadron_table pi0, eta;
        CHECK(nr_forward_meson_table(111, beams[k], targets[k], 2, &pi0, &err) == NR_OK, "pi0 table");
        CHECK(nr_forward_meson_table(221, beams[k], targets[k], 2, &eta, &err) == NR_OK, "eta table");
        double r = eta.total_pb / pi0.total_pb;
        printf("%g GeV p on %s: %.2f pi0 and %.3f eta per proton (theta < 1 rad, p > 0.1 GeV), eta/pi0 = %.3f\n",
               beams[k], targets[k]->name, pi0.total_pb, eta.total_pb, r);
        CHECK(r > 0.0 && r < NR_ETA_PI0_MT_SCALING_RATIO, "eta/pi0 %g below the m_T-scaling plateau", r);
        nr_hadron_table_free(&pi0);
        nr_hadron_table_free(&eta);
    }
}

int main(void)
{
    gsl_set_error_handler_off();
    test_kinematics();
    test_table_against_quadrature();
    test_sum_rules();
    return nr_test_summary();
}
