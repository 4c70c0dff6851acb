/* test_beam_dump.c: electron/positron beam dumps (physics/beam_dump.c, paper 004 sec. III B, App. A) and the
 * vector models served at them.
 * Golden values and their sources:
 *  - the angular integral of 004 Eq. (40) in closed form against a direct quadrature of Eq. (40) over theta
 *    (a second integrator);
 *  - the wide-angle, m >> m_e limit of Eqs. (40), (46) for a vector coupling e: d sigma/dx =
 *    4 alpha^3 chi x (1 + x^2 / (3 (1 - x))) / m^2 (Bjorken, Essig, Schuster, Toro, arXiv:0906.0580, whose total,
 *    4/3 alpha^3 chi / m^2 log(1/delta), is the x -> 1 part of it);
 *  - chi of Eq. (42) against a GSL adaptive integration of Eqs. (42)-(45) written out again here;
 *  - the narrow-width annihilation strength of Eq. (47) against 12 pi^2 Gamma_ee / m delta(s - m^2) with
 *    Gamma(X -> e e) from zprime.c and s = 2 m_e (E + m_e);
 *  - the track-length fit of App. A at u = 1/2 from Eqs. (A5), (A6) by hand;
 *  - kinematics: resonant annihilation needs m^2 / (2 m_e) < E_beam; long-lifetime scaling events ~ g^4;
 *  - the annihilation with initial-state radiation (issue 15): the integral of beam_dump.c's formula against a
 *    GSL (QAWS/QAGS) integration of the same formula written out again here, at E137, E141 and the ILC dump; two
 *    grids (96 and 960 points) within 1e-3; alpha -> 0 gives the Born resonant yield of Eq. (50) with Eq. (47);
 *    within 3% of the reviewer's leading-log estimate (beta at m^2 throughout, tests/bench/annihilation_grid.sh)
 *    where the resonance is inside the shower; the radiator's O(alpha) term plus the non-log remainder against
 *    the tree-level e+ e- -> gamma X below (its hard photons are in the radiator, not added separately);
 *  - e+ e- -> gamma X: the integral over the CM angle of our d sigma/dc against the leading-log total
 *    4 pi alpha^2 eps^2 / s [(s^2 + m^4) / (s (s - m^2)) ln(s/m_e^2) - (s - m^2)/s] (Fayet; for m -> 0 twice the
 *    e+ e- -> gamma gamma cross section 2 pi alpha^2 / s (ln(s/m_e^2) - 1), the photons being identical there);
 *  - the bremsstrahlung yield in the cone against an adaptive (GSL) integration of 004 Eq. (49) with its missing
 *    Jacobian restored, N n_N int dE_i dl/dE_i int dE_X (1/E_i) d sigma/dx = ... int dx d sigma/dx (README errata):
 *    the yield is an integral over x, not over E_X (which would be E_i times larger);
 *  - the decay probability with both decay products on the detector face: 004 Eq. (23) for a face of infinite
 *    radius, a midpoint quadrature over the decay point (10^5 steps) of the same integrand, and the long-lifetime
 *    closed form (2 s0 atan(s1/s0) - s1) / d, s0 = r E / m, s1 = min(l_dec, s0) (the integral of
 *    (s0^2 - s^2) / (s0^2 + s^2) ds, derived here).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>

#include "beam_dump.h"
#include "constants.h"
#include "engine.h"
#include "experiment.h"
#include "llp.h"
#include "model.h"
#include "nr_test.h"
#include "zprime.h"

typedef struct {
    double z, a, t_min;
} chi_args;

static double chi_integrand(double t, void *p)
{
    const chi_args *c = p;
    double me = 0.51099895e-3, mp = 0.93827208816;
    double a_el = 111.0 / cbrt(c->z) / me, d = 0.164 / pow(c->a, 2.0 / 3.0), a_in = 773.0 / pow(c->z, 2.0 / 3.0) / me;
    double el = pow(a_el * a_el * t / (1 + a_el * a_el * t), 2) * pow(1 / (1 + t / d), 2) * c->z * c->z;
    double in = pow(a_in * a_in * t / (1 + a_in * a_in * t), 2) *
                pow((1 + t * (2.79 * 2.79 - 1) / (4 * mp * mp)) / pow(1 + t / 0.71, 4), 2) * c->z;
    return (t - c->t_min) / (t * t) * (el + in);
}

static double chi_gsl(double m, double e, double z, double a)
{
    chi_args c = {z, a, pow(m * m / (2 * e), 2)};
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(2000);
    gsl_function f = {chi_integrand, &c};
    double r = 0, err = 0;
    /* split at the screening and nuclear scales so the adaptive rule sees each */
    double pts[6] = {c.t_min, 1e-10, 1e-7, 1e-4, 1e-2, m * m};
    size_t n = 0;
    double brk[6];
    for (int i = 0; i < 6; i++)
        if (pts[i] >= c.t_min && pts[i] <= m * m && (n == 0 || pts[i] > brk[n - 1]))
            brk[n++] = pts[i];
    gsl_integration_qagp(&f, brk, n, 0, 1e-9, 2000, w, &r, &err);
    gsl_integration_workspace_free(w);
    return r;
}

static double model_signal(const nr_engine *engine, const char *model, const char *exp, double m, double g,
                           const char *signal, nr_status *st_out)
{
    const nr_model *md = nr_model_find(model);
    nr_param_value p[16];
    nr_error err;
    nr_model_defaults(md, p);
    p[0].number = m;
    p[1].number = g;
    double v = NAN;
    nr_status st = nr_model_signal_at(md, engine, nr_experiment_find(exp), p,
                                      (size_t)nr_model_signal_index(md, signal), &v, &err);
    if (st_out)
        *st_out = st;
    return v;
}

/* ---- 004 Eq. (49) integrated again: the bremsstrahlung yield over x (the 1/E_i Jacobian, README errata) ---- */

typedef struct {
    const nr_experiment *x;
    nr_electron_charges q;
    double m, theta_max, chi;
    double e; /* current E_i [GeV] */
    nr_shower_fit fit;
    gsl_integration_workspace *w_in;
} brem_args;

/* d sigma/dx (1 - x) on v = ln(1 - x) [GeV^-2] */
static double brem_x_integrand(double v, void *p)
{
    const brem_args *b = p;
    double one_minus_x = exp(v);
    return nr_dump_brem_dsigma_dx(1.0 - one_minus_x, b->theta_max, b->e, b->m, b->q, b->chi) * one_minus_x;
}

/* int dx d sigma/dx over m/E < x < 1 - m_e/E within the cone [GeV^-2] */
static double brem_sigma(brem_args *b, double e)
{
    b->e = e;
    b->chi = nr_dump_chi(b->m, e, b->x->target->z, b->x->target->a);
    gsl_function f = {brem_x_integrand, b};
    double r = 0, err = 0;
    gsl_integration_qags(&f, log(NR_M_ELECTRON / e), log(1.0 - b->m / e), 0, 1e-6, 1000, b->w_in, &r, &err);
    return r;
}

/* beam particle: dl/du sigma(u E_beam) on u [radiation lengths x GeV^-2] */
static double brem_primary_integrand(double u, void *p)
{
    brem_args *b = p;
    return nr_track_u_dl_du_primary(u) / u * brem_sigma(b, u * b->x->beam_energy_gev);
}

/* shower electrons and positrons: 2 u dl/du x (fraction in the cone) x sigma on ln u */
static double brem_shower_integrand(double lu, void *p)
{
    brem_args *b = p;
    double u = exp(lu), e = u * b->x->beam_energy_gev;
    double in_cone = b->x->shower_spread != 0.0 ? nr_shower_fraction_in_cone(e, b->theta_max) : 1.0;
    return 2.0 * nr_track_u_dl_du_shower(u, b->fit) * in_cone * brem_sigma(b, e);
}

/* N_beam n_N X0 (targets per radiation length of track, cm^-2) x the two track integrals, from E_c (or m) up */
static double brem_yield_gsl(const nr_experiment *x, double m, nr_electron_charges q)
{
    brem_args b = {x, q, m, atan(x->radius_m / (x->distance_m + x->length_m)), 0, 0, nr_shower_fit_for(x->target),
                   gsl_integration_workspace_alloc(1000)};
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(1000);
    double u_lo = fmax(m / x->beam_energy_gev, nr_critical_energy_gev(x->target->z) / x->beam_energy_gev);
    double prim = 0, shower = 0, err = 0;
    gsl_function fp = {brem_primary_integrand, &b}, fs = {brem_shower_integrand, &b};
    gsl_integration_qags(&fp, u_lo, 1.0, 0, 1e-5, 1000, w, &prim, &err);
    gsl_integration_qags(&fs, log(u_lo), 0.0, 0, 1e-5, 1000, w, &shower, &err);
    gsl_integration_workspace_free(w);
    gsl_integration_workspace_free(b.w_in);
    double targets = x->particles_on_target * x->target->radiation_length_g_cm2 /
                     (x->target->a * NR_ATOMIC_MASS_UNIT_G);
    return targets * NR_HBARC2_GEV2_CM2 * (prim + shower);
}

/* Resonant annihilation with initial-state radiation, written out again from beam_dump.c's comment (Kuraev-Fadin,
 * first order in beta, soft photons exponentiated): int_0^x_max dx H(x) w(E(x)) / (1 - x), w the in-cone positron
 * track length per GeV (004 Eqs. A5, A6), integrated by GSL: QAWS with the weight x^(beta0 - 1) on [0, x_max/2]
 * (or QAGS from x_c when E_res < E_c), QAGS above (the primary positrons' (1 - u)^-0.7 at the beam energy). */
typedef struct {
    const nr_experiment *x;
    double m, b0, alpha, theta, u_c;
    int soft_weight, const_beta; /* soft_weight: the x^(beta0 - 1) is QAWS's weight; const_beta: beta_s = beta0 */
} isr_args;

static double isr_w(const isr_args *a, double e)
{
    double eb = a->x->beam_energy_gev, u = e / eb;
    if (!(u > a->u_c) || !(u < 1.0))
        return 0.0;
    double cone = a->x->shower_spread != 0.0 ? -expm1(-pow(a->theta * e / NR_SHOWER_SCALE_ENERGY_GEV, 2)) : 1.0;
    double shower = nr_track_u_dl_du_shower(u, nr_shower_fit_for(a->x->target)); /* 004 Eq. (A6) */
    double prim = strcmp(a->x->beam_particle, "e+") == 0 ? nr_track_u_dl_du_primary(u) : 0.0; /* 004 Eq. (A5) */
    return (shower * cone + prim) / (u * eb);
}

static double isr_integrand(double x, void *p)
{
    const isr_args *a = p;
    double me = NR_M_ELECTRON, e = a->m * a->m / (2 * me * (1 - x)) - me, b0 = a->b0;
    double bs = a->const_beta ? b0 : 2 * a->alpha / NR_PI * (log(a->m * a->m / ((1 - x) * me * me)) - 1);
    /* (beta_s - beta0) / x -> 2 alpha / pi as x -> 0 (QAWS samples x = 0) */
    double db_x = a->const_beta ? 0.0 : (x > 0 ? (bs - b0) / x : 2 * a->alpha / NR_PI);
    double hard = -b0 * (1 - x / 2) + db_x * (1 + (1 - x) * (1 - x)) / 2;
    double g = isr_w(a, e) / (1 - x);
    if (a->soft_weight) /* H G / x^(beta0 - 1) */
        return (b0 * (1 + 0.75 * b0) + pow(x, 1 - b0) * hard) * g;
    return (b0 * pow(x, b0 - 1) * (1 + 0.75 * b0) + hard) * g;
}

static double isr_integral_gsl(const nr_experiment *x, double m, double alpha, int const_beta)
{
    double me = NR_M_ELECTRON, eb = x->beam_energy_gev;
    isr_args a = {x, m, 2 * alpha / NR_PI * (log(m * m / (me * me)) - 1), alpha,
                  atan(x->radius_m / (x->distance_m + x->length_m)), nr_critical_energy_gev(x->target->z) / eb, 0,
                  const_beta};
    double x_max = 1 - m * m / (2 * me * (eb + me)), x_c = 1 - m * m / (2 * me * (a.u_c * eb + me));
    double lo = x_c > 0 ? x_c : 0.0, mid = 0.5 * (lo + x_max), r1 = 0, r2 = 0, err;
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(1000);
    gsl_function f = {isr_integrand, &a};
    if (x_c > 0) {
        gsl_integration_qags(&f, lo, mid, 0, 1e-7, 1000, w, &r1, &err);
    } else {
        gsl_integration_qaws_table *t = gsl_integration_qaws_table_alloc(a.b0 - 1, 0, 0, 0);
        a.soft_weight = 1;
        gsl_integration_qaws(&f, 0, mid, t, 0, 1e-7, 1000, w, &r1, &err);
        a.soft_weight = 0;
        gsl_integration_qaws_table_free(t);
    }
    gsl_integration_qags(&f, mid, x_max, 0, 1e-7, 1000, w, &r2, &err);
    gsl_integration_workspace_free(w);
    return r1 + r2;
}

int main(void)
{
    gsl_set_error_handler_off();
    const double e_charge = sqrt(4 * NR_PI * NR_ALPHA_EM);
    const nr_electron_charges dark = {-e_charge, -e_charge};

    /* closed-form theta integral vs quadrature of Eq. (40) over d cos theta = sin theta d theta */
    {
        const double cases[3][4] = {{20.0, 0.05, 0.5, 0.004}, {9.0, 0.01, 0.9, 0.002}, {20.0, 0.3, 0.2, 0.05}};
        for (int k = 0; k < 3; k++) {
            double e = cases[k][0], m = cases[k][1], x = cases[k][2], th = cases[k][3];
            double chi = nr_dump_chi(m, e, 13, 26.98);
            const int n = 200000;
            double sum = 0;
            for (int i = 0; i < n; i++) {
                double t = (i + 0.5) * th / n;
                sum += nr_dump_brem_dsigma_dx_dcos(x, t, e, m, dark, chi) * sin(t) * th / n;
            }
            /* the closed form takes sin(theta) = theta: a relative theta^2/6 (4e-4 at 0.05 rad) */
            CHECK_REL(nr_dump_brem_dsigma_dx(x, th, e, m, dark, chi), sum, 1e-4 + th * th / 6,
                      "theta integral of Eq. 40 in closed form = quadrature");
        }
    }

    /* wide-angle, m >> m_e limit: 4 alpha^3 chi x (1 + x^2/(3(1-x))) / m^2 */
    {
        double e = 100.0, m = 0.3, chi = 1000.0;
        for (double x = 0.2; x < 0.95; x += 0.35) {
            double want = 4 * pow(NR_ALPHA_EM, 3) * chi * x * (1 + x * x / (3 * (1 - x))) / (m * m);
            CHECK_REL(nr_dump_brem_dsigma_dx(x, 1.0, e, m, dark, chi), want, 2e-3,
                      "Eq. 40 integrated over angles -> the BEST/Tsai d sigma/dx");
        }
    }

    /* the amplitude of Eq. (46) is symmetric in x'_l <-> x'_e, and at x'_l = -x'_e (pure axial) differs from vector
     * only through m_e terms */
    {
        double chi = nr_dump_chi(0.05, 20, 13, 26.98);
        double a = nr_dump_brem_dsigma_dx(0.7, 0.01, 20, 0.05, (nr_electron_charges){0.3, 1.1}, chi);
        double b = nr_dump_brem_dsigma_dx(0.7, 0.01, 20, 0.05, (nr_electron_charges){1.1, 0.3}, chi);
        CHECK_REL(a, b, 1e-12, "Eq. 46 symmetric in x'_l, x'_e");
        double v = nr_dump_brem_dsigma_dx(0.7, 0.01, 20, 0.05, (nr_electron_charges){1, 1}, chi);
        double ax = nr_dump_brem_dsigma_dx(0.7, 0.01, 20, 0.05, (nr_electron_charges){1, -1}, chi);
        CHECK_REL(ax, v, 1e-3, "axial ~ vector for m >> m_e");
    }

    /* chi, Eqs. (42)-(45), against GSL */
    {
        const double cases[4][4] = {{0.01, 20, 13, 26.98}, {0.3, 20, 13, 26.98}, {0.002, 9, 74, 183.84},
                                    {1.0, 125, 10, 18.015}};
        for (int k = 0; k < 4; k++)
            CHECK_REL(nr_dump_chi(cases[k][0], cases[k][1], cases[k][2], cases[k][3]),
                      chi_gsl(cases[k][0], cases[k][1], cases[k][2], cases[k][3]), 2e-6, "chi vs GSL qagp");
        /* the dumps' range: m 1 MeV - 1 GeV (the e137 preset's axis), electron energies from just above m to the
         * 20 GeV of E137 and the 125 GeV of the ILC, aluminium, tungsten, water; the 64-node rule in ln t against
         * the adaptive GSL integral (epsrel 1e-9) */
        const double targets[3][2] = {{13, 26.98}, {74, 183.84}, {10, 18.015}};
        double worst = 0.0;
        for (int it = 0; it < 3; it++)
            for (int im = 0; im <= 12; im++) {
                double m = 1e-3 * pow(1e3, im / 12.0);
                for (int ie = 0; ie <= 10; ie++) {
                    double e = m * 1.001 * pow(125.0 / (m * 1.001), ie / 10.0);
                    double got = nr_dump_chi(m, e, targets[it][0], targets[it][1]);
                    double want = chi_gsl(m, e, targets[it][0], targets[it][1]);
                    double rel = fabs(got / want - 1.0);
                    worst = rel > worst ? rel : worst;
                    CHECK_REL(got, want, 2e-6, "chi vs GSL qagp over m, E, target");
                }
            }
        printf("chi: largest relative difference from GSL qagp over 429 points %.2e\n", worst);
        CHECK(nr_dump_chi(50.0, 20.0, 13, 27) == 0.0, "chi = 0 when t_min >= t_max (m > 2E)");
    }

    /* resonant annihilation, Eq. (47) narrow width */
    {
        nr_zprime_couplings c;
        nr_zprime_couplings_dark_photon(&c);
        double m = 1.0; /* m >> m_e: Gamma_ee = g_v^2 m / (12 pi) up to 1e-6 */
        double gamma_ee = nr_zprime_width_fermion_pair(m, NR_M_ELECTRON, c.f[NR_ZP_F_E].g_v, c.f[NR_ZP_F_E].g_a, 1.0);
        /* delta(s - m^2) = delta(E - E_res) / (2 m_e) */
        CHECK_REL(nr_dump_resonance_strength(dark), 12 * NR_PI * NR_PI * gamma_ee / (2 * NR_M_ELECTRON * m), 1e-5,
                  "Eq. 47 strength = 12 pi^2 Gamma_ee / (2 m_e m)");
        CHECK_REL(nr_dump_resonance_energy_gev(0.1), 0.01 / (2 * NR_M_ELECTRON) - NR_M_ELECTRON, 1e-12,
                  "E_res = m^2/(2 m_e) - m_e");
    }

    /* track lengths, App. A at u = 1/2 */
    {
        CHECK_REL(nr_track_u_dl_du_primary(0.5), 0.581 + 0.131, 1e-12, "Eq. A5 at u = 1/2");
        CHECK_REL(nr_track_u_dl_du_shower(0.5, (nr_shower_fit){0.199, 0.170}), 0.199 - 0.170 / 4, 1e-12,
                  "Eq. A6 at u = 1/2");
        CHECK(nr_shower_fit_for(&nr_material_water).b == 0.155 && nr_shower_fit_for(&nr_material_aluminium).b == 0.170,
              "Eq. A6 (a, b) per dump");
        CHECK_REL(nr_shower_fraction_in_cone(21.2, 1e-3), -expm1(-1.0), 1e-9,
                  "shower cone fraction at theta = E_s/E: 1 - 1/e");
    }

    /* e+ e- -> gamma X */
    {
        double e = sqrt(4 * NR_PI * NR_ALPHA_EM);
        nr_electron_charges dp = {e, e}; /* dark photon at eps = 1 */
        const double cases[][2] = {{1.0, 1e-6}, {0.2, 0.1}, {0.05, 0.2}, {4.0, 0.5}};
        for (int k = 0; k < 4; k++) {
            double ss = cases[k][0], m = cases[k][1], me2 = NR_M_ELECTRON * NR_M_ELECTRON;
            double beta = sqrt(1 - 4 * me2 / ss);
            /* midpoints in ln(1 - beta |c|) on each half, 20000 each */
            double sum = 0, v_hi = log(1 - beta);
            const int n = 20000;
            for (int i = 0; i < n; i++) {
                double v = (i + 0.5) * v_hi / n, c = (1 - exp(v)) / beta, dc = exp(v) / beta * fabs(v_hi) / n;
                sum += (nr_dump_annihilation_gamma_dsigma_dc(ss, m, c, dp) +
                        nr_dump_annihilation_gamma_dsigma_dc(ss, m, -c, dp)) * dc;
            }
            double r = m * m / ss;
            double want =
                4 * NR_PI * NR_ALPHA_EM * NR_ALPHA_EM / ss * ((1 + r * r) / (1 - r) * log(ss / me2) - (1 - r));
            CHECK(fabs(sum / want - 1) < 1e-3, "e+e- -> gamma X at s = %g, m = %g: %g vs leading log %g", ss, m, sum,
                  want);
            if (k == 0) { /* m -> 0: twice e+ e- -> gamma gamma */
                double gg = 2 * NR_PI * NR_ALPHA_EM * NR_ALPHA_EM / ss * (log(ss / me2) - 1);
                CHECK(fabs(sum / (2 * gg) - 1) < 1e-3, "m -> 0: twice e+e- -> gamma gamma (%g vs %g)", sum, 2 * gg);
            }
        }
        CHECK(nr_dump_annihilation_gamma_dsigma_dc(0.01, 0.2, 0.3, dp) == 0.0, "below threshold s < m^2: zero");
        /* the radiator to O(alpha) is this tree-level cross section's collinear log (issue 15: the hard photons are
         * in the radiator, no separate term): 2 m_e K H_1(x) / s + the non-log remainder (alpha/pi) [(1 + (1 -
         * x)^2)/x - x] (2 m_e K / s) = the quadrature of d sigma/dc, at x = 1 - m^2/s (K of Eq. 47: a narrow
         * resonance sigma_0(s') = 2 m_e K delta(s' - m^2) radiated down from s) */
        {
            const double xs[][2] = {{0.02, 0.01}, {0.02, 0.05}, {0.05, 0.5}, {0.1, 0.9}};
            for (int k = 0; k < 4; k++) {
                double m = xs[k][0], x = xs[k][1], ss = m * m / (1 - x), me2 = NR_M_ELECTRON * NR_M_ELECTRON;
                double beta = sqrt(1 - 4 * me2 / ss), sum = 0, v_hi = log(1 - beta);
                const int n = 20000;
                for (int i = 0; i < n; i++) {
                    double v = (i + 0.5) * v_hi / n, c = (1 - exp(v)) / beta, dc = exp(v) / beta * fabs(v_hi) / n;
                    sum += (nr_dump_annihilation_gamma_dsigma_dc(ss, m, c, dp) +
                            nr_dump_annihilation_gamma_dsigma_dc(ss, m, -c, dp)) * dc;
                }
                double h1 = nr_dump_isr_radiator(x, m, 1e-8) / 1e-8 * NR_ALPHA_EM; /* first order in alpha */
                double norm = 2 * NR_M_ELECTRON * nr_dump_resonance_strength(dp) / ss;
                double rest = NR_ALPHA_EM / NR_PI * ((1 + (1 - x) * (1 - x)) / x - x);
                /* tolerance: the quadrature's 1e-3 (above) + the m_e^2/s terms that the leading log drops */
                CHECK(fabs((h1 + rest) * norm / sum - 1) < 1e-3 + 4 * me2 / ss,
                      "m = %g, x = %g: O(alpha) radiator + non-log rest = tree-level e+e- -> gamma X (%g vs %g; "
                      "radiator alone %.3f of it)", m, x, (h1 + rest) * norm, sum, h1 * norm / sum);
            }
            CHECK(nr_dump_isr_radiator(0.0, 0.05, NR_ALPHA_EM) == 0.0 && nr_dump_isr_radiator(0.3, 0.05, 0.0) == 0.0,
                  "radiator: zero at x = 0 (the delta is the caller's) and at alpha = 0");
        }
    }

    /* decay with both products on the detector face */
    {
        /* E141-like geometry: 0.12 m to the decay region, 35 m long, 7.5 cm face */
        const double dist = 0.12, len = 35.0, r = 0.075;
        CHECK_REL(nr_dump_pair_decay_probability(5.0, 0.01, 3.0, dist, len, 1e9),
                  nr_llp_decay_probability(dist, len, 3.0), 1e-9, "infinite face: 004 Eq. (23)");
        const double cases[][3] = {{5.0, 0.01, 0.05}, {5.0, 0.01, 2.0}, {5.0, 0.01, 300.0}, {2.0, 0.003, 10.0},
                                   {8.0, 0.02, 1.0}};
        for (int k = 0; k < 5; k++) {
            double e = cases[k][0], m = cases[k][1], d = cases[k][2], sum = 0.0;
            const int n = 100000;
            double h = len / n;
            for (int i = 0; i < n; i++) {
                double z = dist + (i + 0.5) * h, s = dist + len - z, a = r / s * e / m;
                sum += exp(-z / d) / d * (a > 1 ? (a * a - 1) / (a * a + 1) : 0.0) * h;
            }
            double got = nr_dump_pair_decay_probability(e, m, d, dist, len, r);
            CHECK(sum > 0 && fabs(got / sum - 1.0) < 2e-4,
                  "pair decay probability %g vs quadrature %g at E = %g, m = %g, d = %g m", got, sum, e, m, d);
        }
        double e = 5.0, m = 0.01, d = 1e7, s0 = r * e / m, s1 = fmin(len, s0);
        CHECK_REL(nr_dump_pair_decay_probability(e, m, d, dist, len, r), (2 * s0 * atan(s1 / s0) - s1) / d, 1e-5,
                  "long lifetime: closed form");
        CHECK(nr_dump_pair_decay_probability(0.4, 0.5, 1.0, dist, len, r) == 0.0, "E < m: zero");
        /* at least one product on the face (pair_acceptance 2): against midpoint quadrature of the fraction
         * 2 a^2/(1 + a^2) (a < 1), 1 (a >= 1), derived in beam_dump.c; at E141's and E137's geometries (E137: 179 m
         * to the region, 204 m long, 1.5 m face, 004 Table V) */
        const double geo[2][3] = {{dist, len, r}, {179.0, 204.0, 1.5}};
        const double cases1[][3] = {{5.0, 0.01, 0.05}, {5.0, 0.01, 2.0}, {5.0, 0.01, 300.0}, {2.0, 0.003, 10.0},
                                    {8.0, 0.02, 1.0},   {0.5, 0.1, 1e3},  {10.0, 0.1, 50.0},  {1.0, 0.05, 1e6}};
        for (int g = 0; g < 2; g++)
            for (int k = 0; k < 8; k++) {
                double e1 = cases1[k][0], m1 = cases1[k][1], d1 = cases1[k][2] * (g ? 100.0 : 1.0), sum = 0.0;
                double gd = geo[g][0], gl = geo[g][1], gr = geo[g][2];
                const int n = 200000;
                double h = gl / n;
                for (int i = 0; i < n; i++) {
                    double z = gd + (i + 0.5) * h, s = gd + gl - z, a = gr / s * e1 / m1;
                    sum += exp(-z / d1) / d1 * (a >= 1 ? 1.0 : 2 * a * a / (1 + a * a)) * h;
                }
                double got = nr_dump_one_product_decay_probability(e1, m1, d1, gd, gl, gr);
                double both = nr_dump_pair_decay_probability(e1, m1, d1, gd, gl, gr);
                double all = nr_llp_decay_probability(gd, gl, d1);
                CHECK(sum > 0 && fabs(got / sum - 1.0) < 2e-4,
                      "one-product decay probability %g vs quadrature %g at E = %g, m = %g, d = %g m (geometry %d)",
                      got, sum, e1, m1, d1, g);
                CHECK(both <= got * (1 + 1e-12) && got <= all * (1 + 1e-12),
                      "both products %g <= at least one %g <= 004 Eq. (23) %g (E = %g, m = %g, geometry %d)", both,
                      got, all, e1, m1, g);
            }
        CHECK_REL(nr_dump_one_product_decay_probability(5.0, 0.01, 3.0, dist, len, 1e9),
                  nr_llp_decay_probability(dist, len, 3.0), 1e-9, "one product, infinite face: 004 Eq. (23)");
        CHECK(nr_dump_one_product_decay_probability(0.4, 0.5, 1.0, dist, len, r) == 0.0, "one product, E < m: zero");
        nr_experiment x = *nr_experiment_find("E141");
        nr_error err;
        CHECK(nr_experiment_override(&x, "pair_acceptance", 0.5, "/experiment/pair_acceptance", &err) == NR_EINPUT &&
                  strcmp(err.rule, NR_RULE_RANGE) == 0 && strstr(err.message, "0, 1 or 2"),
              "pair_acceptance 0.5 refused: %s", err.message);
        CHECK(nr_experiment_override(&x, "pair_acceptance", 1.5, "/experiment/pair_acceptance", &err) == NR_EINPUT &&
                  strcmp(err.rule, NR_RULE_RANGE) == 0,
              "pair_acceptance 1.5 refused: %s", err.message);
        CHECK(nr_experiment_override(&x, "pair_acceptance", 3.0, "/experiment/pair_acceptance", &err) == NR_EINPUT &&
                  strcmp(err.rule, NR_RULE_RANGE) == 0,
              "pair_acceptance 3 refused: %s", err.message);
        CHECK(nr_experiment_override(&x, "shower_spread", 2.0, "/experiment/shower_spread", &err) == NR_EINPUT &&
                  strcmp(err.rule, NR_RULE_RANGE) == 0,
              "shower_spread 2 refused: %s", err.message);
        CHECK(nr_experiment_override(&x, "pair_acceptance", 2.0, "/experiment/pair_acceptance", &err) == NR_OK &&
                  x.pair_acceptance == NR_PAIR_ACCEPT_ONE,
              "pair_acceptance 2 accepted");
        CHECK(nr_experiment_override(&x, "shower_spread", 0.0, "/experiment/shower_spread", &err) == NR_OK &&
                  x.shower_spread == 0.0,
              "shower_spread 0 accepted");
    }

    /* yields */
    {
        nr_error err;
        nr_dump_yield y;
        const nr_experiment *e137 = nr_experiment_find("E137");
        CHECK(e137 && e137->kind == NR_DETECTOR_BEAM_DUMP && e137->n95_events == 3.0, "E137 in the catalogue");
        CHECK(nr_dump_yield_compute(e137, 0.2, dark, &y, &err) == NR_OK, "E137 yield at 0.2 GeV");
        double na = 0;
        for (int b = 0; b < NR_DUMP_N_BINS; b++)
            na += y.n_anni[b];
        CHECK(na == 0.0, "no resonant annihilation above sqrt(2 m_e E_beam) = 0.143 GeV at E137");
        CHECK(nr_dump_yield_compute(e137, 0.1, dark, &y, &err) == NR_OK, "E137 yield at 0.1 GeV");
        na = 0;
        for (int b = 0; b < NR_DUMP_N_BINS; b++)
            na += y.n_anni[b];
        CHECK(na > 0.0, "resonant annihilation below 0.143 GeV at E137");
        {
            /* the annihilation with initial-state radiation (issue 15): all of it, binned, against N_e Z n_N K times
             * the integral; the integral independent of its grid; against GSL; alpha -> 0 gives Eq. (50) */
            double targets = e137->particles_on_target * e137->target->radiation_length_g_cm2 /
                             (e137->target->a * NR_ATOMIC_MASS_UNIT_G) * NR_HBARC2_GEV2_CM2;
            double want = targets * e137->target->z * nr_dump_resonance_strength(dark) *
                          nr_dump_annihilation_integral(e137, 0.1, NR_ALPHA_EM, NR_DUMP_N_ISR);
            CHECK_REL(na, want, 1e-9, "E137, 100 MeV: the binned annihilation = N n_N Z K int H w dx");
            {
                /* a positron beam: the primary positrons up to the beam energy all land in the bins */
                const nr_experiment *ilc = nr_experiment_find("ILC_dump");
                nr_dump_yield yi;
                CHECK(nr_dump_yield_compute(ilc, 0.1, dark, &yi, &err) == NR_OK, "ILC dump yield at 0.1 GeV");
                double ni = 0;
                for (int b = 0; b < NR_DUMP_N_BINS; b++)
                    ni += yi.n_anni[b];
                double wi = ilc->particles_on_target * ilc->target->radiation_length_g_cm2 /
                            (ilc->target->a * NR_ATOMIC_MASS_UNIT_G) * NR_HBARC2_GEV2_CM2 * ilc->target->z *
                            nr_dump_resonance_strength(dark) *
                            nr_dump_annihilation_integral(ilc, 0.1, NR_ALPHA_EM, NR_DUMP_N_ISR);
                CHECK_REL(ni, wi, 1e-9, "ILC dump, 100 MeV: the binned annihilation = N n_N Z K int H w dx");
            }
            int b_res = 0;
            for (int b = 1; b < NR_DUMP_N_BINS; b++)
                if (y.n_anni[b] > y.n_anni[b_res])
                    b_res = b;
            printf("E137, 100 MeV: annihilation outside the resonance's E_X bin (photon from the electron) / all = "
                   "%.3g\n", 1 - y.n_anni[b_res] / na);
            CHECK(y.n_anni[b_res] < na && y.n_anni[b_res] > 0.5 * na,
                  "the radiative return spreads E_X above the resonance, most stays at E_res + m_e");
            /* the resonant term alone (alpha = 0) is Eq. (50): N n_N Z K dl/dE at E_res */
            const nr_experiment *e141 = nr_experiment_find("E141"), *ilc = nr_experiment_find("ILC_dump");
            double m = 0.05, er = nr_dump_resonance_energy_gev(m), u = er / e137->beam_energy_gev;
            double th = atan(e137->radius_m / (e137->distance_m + e137->length_m));
            double w_res = nr_track_u_dl_du_shower(u, nr_shower_fit_for(e137->target)) *
                           nr_shower_fraction_in_cone(er, th) / (u * e137->beam_energy_gev);
            CHECK_REL(nr_dump_annihilation_integral(e137, m, 0.0, NR_DUMP_N_ISR), w_res, 1e-12,
                      "alpha = 0: the Born resonant yield of Eq. (50)");
            CHECK_REL(nr_dump_annihilation_integral(e137, m, 1e-9, NR_DUMP_N_ISR), w_res, 1e-6,
                      "alpha -> 0: the yield returns to the resonant one");
            struct {
                const nr_experiment *x;
                double m;
            } cases[] = {{e137, 0.005}, {e137, 0.02}, {e137, 0.05}, {e137, 0.1}, {e137, 0.13},
                         {e141, 0.01}, {e141, 0.07}, {ilc, 0.02},   {ilc, 0.3}};
            for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
                const nr_experiment *x = cases[k].x;
                double mm = cases[k].m;
                double n1 = nr_dump_annihilation_integral(x, mm, NR_ALPHA_EM, NR_DUMP_N_ISR);
                double n10 = nr_dump_annihilation_integral(x, mm, NR_ALPHA_EM, 10 * NR_DUMP_N_ISR);
                double g = isr_integral_gsl(x, mm, NR_ALPHA_EM, 0), born = nr_dump_annihilation_integral(x, mm, 0, 8);
                /* the reviewer's estimate (tests/bench/annihilation_grid.sh) takes beta at m^2 throughout */
                double g0 = isr_integral_gsl(x, mm, NR_ALPHA_EM, 1);
                printf("%s, %g GeV: annihilation with ISR / Born = %.4f (x10 grid %.4f, GSL %.4f, beta at m^2 %.4f)\n",
                       x->name, mm, born > 0 ? n1 / born : NAN, born > 0 ? n10 / born : NAN, born > 0 ? g / born : NAN,
                       born > 0 ? g0 / born : NAN);
                CHECK(n1 > 0 && fabs(n1 / n10 - 1) < 1e-3, "%s, %g GeV: %d and %d points agree (%g vs %g)", x->name,
                      mm, NR_DUMP_N_ISR, 10 * NR_DUMP_N_ISR, n1, n10);
                CHECK(fabs(n1 / g - 1) < 1e-3, "%s, %g GeV: the integral vs GSL (%g vs %g)", x->name, mm, n1, g);
                /* ... where the resonance is in the shower (born > 0): the soft end dominates; below E_c only the
                 * hard tail is left, whose collinear log is ln(s/m_e^2) of the incoming positron (tree level) */
                if (born > 0)
                    CHECK(fabs(n1 / g0 - 1) < 0.03,
                          "%s, %g GeV: within 3%% of the leading log with beta at m^2 (%g vs %g)", x->name, mm, n1, g0);
            }
        }
        /* 004 Eq. (49) with the Jacobian dx = dE_X / E_i: the binned yield against the adaptive integral, at both
         * shower settings (E_i x larger if the code integrated d sigma/dx over E_X) */
        for (int spread = 0; spread < 2; spread++) {
            nr_experiment x = *e137;
            x.shower_spread = spread;
            nr_dump_yield yb;
            CHECK(nr_dump_yield_compute(&x, 0.05, dark, &yb, &err) == NR_OK, "E137 yield at 0.05 GeV");
            double nb = 0;
            for (int b = 0; b < NR_DUMP_N_BINS; b++)
                nb += yb.n_brem[b];
            double want = brem_yield_gsl(&x, 0.05, dark);
            printf("E137, 50 MeV, shower_spread %d: bremsstrahlung X in the cone %.5g (binned) vs %.5g (GSL)\n", spread,
                   nb, want);
            CHECK(fabs(nb / want - 1.0) < 0.02, "E137 bremsstrahlung yield, shower_spread %d: %g vs %g, integral over x "
                  "(Eq. 49 with 1/E_i)", spread, nb, want);
        }
        /* long lifetime: events ~ g^4 */
        double b1, a1, b2, a2;
        nr_dump_events(&y, e137, 1e-9, 1e6 / 1e-18, &b1, &a1);
        nr_dump_events(&y, e137, 2e-9, 1e6 / 4e-18, &b2, &a2);
        CHECK_REL(b2 / b1, 16.0, 1e-4, "events ~ g^4 at long lifetime");
        /* a positron beam adds the primary positrons' track to the annihilation */
        nr_experiment pos = *e137;
        strcpy(pos.beam_particle, "e+");
        nr_dump_yield yp;
        CHECK(nr_dump_yield_compute(&pos, 0.1, dark, &yp, &err) == NR_OK, "positron-beam yield");
        double nap = 0;
        for (int b = 0; b < NR_DUMP_N_BINS; b++)
            nap += yp.n_anni[b];
        CHECK(nap > na, "a positron beam annihilates more");
        strcpy(pos.beam_particle, "p");
        CHECK(nr_dump_yield_compute(&pos, 0.1, dark, &yp, &err) == NR_EINPUT, "a proton beam is refused");
        CHECK(nr_dump_yield_compute(e137, 25.0, dark, &yp, &err) == NR_EINPUT, "mass above the beam energy refused");
    }

    /* models at the dumps */
    nr_engine *engine = NULL;
    nr_error err;
    CHECK(nr_engine_init(nr_test_data_dir(), &engine, &err) == NR_OK, "engine: %s", err.message);
    if (!engine)
        return nr_test_summary();
    {
        CHECK(nr_model_serves(nr_model_find("dark_photon"), NR_DETECTOR_BEAM_DUMP), "dark_photon serves beam dumps");
        CHECK(!nr_model_serves(nr_model_find("sm"), NR_DETECTOR_BEAM_DUMP), "sm does not");
        double vis = model_signal(engine, "dark_photon", "E137", 0.05, 3e-7, "visible", NULL);
        double br = model_signal(engine, "dark_photon", "E137", 0.05, 3e-7, "visible_from_bremsstrahlung", NULL);
        double an = model_signal(engine, "dark_photon", "E137", 0.05, 3e-7, "visible_from_annihilation", NULL);
        CHECK(vis > 0 && an > 0, "E137 sees the dark photon at 50 MeV, 3e-7");
        CHECK_REL(br + an, vis, 1e-12, "brem + annihilation = visible at a dump");
        CHECK(model_signal(engine, "dark_photon", "FASER", 0.05, 1e-5, "visible_from_annihilation", NULL) == 0.0,
              "no annihilation at FASER");
        CHECK_REL(model_signal(engine, "u1x", "E141", 0.005, 1e-5, "visible", NULL),
                  model_signal(engine, "b_minus_l", "E141", 0.005, 1e-5, "visible", NULL), 1e-12,
                  "u1x(x_H = 0) = B-L at E141");
        nr_status st;
        model_signal(engine, "dark_photon", "E137", 30.0, 1e-5, "visible", &st);
        CHECK(st == NR_EINPUT, "a mass above E137's beam energy is refused");
    }
    nr_engine_free(engine);
    return nr_test_summary();
}
