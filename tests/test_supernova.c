/* test_supernova.c: the supernova Z' luminosity of paper 004 sec. III C (physics/sn_profile.c, supernova.c,
 * supernova_zprime.c) against closed forms and independent integrations:
 * - Fermi gas: Boltzmann limit n = m^2 T K2(m/T) e^{mu/T}/pi^2, degenerate limit p_F^3/(3 pi^2), the blocked density
 *   n_eff -> n (non-degenerate) and -> T mu p_F/pi^2 (degenerate); F_deg = n_eff/n in (0, 1];
 * - inverse decays: the medium factor M against a direct average of f1 f2 / f_B over the daughters' energy, M -> 1
 *   when omega >> T (the decay-rate form (m/omega) Gamma f_B), detailed balance Gamma_P e^{omega/T} = Gamma_A;
 *   the vacuum widths m q^2/(24 pi) per neutrino and the muon width; 004 Eqs. 56 and 59 as printed against ours
 *   (the factors 4 and 2 pi recorded in the README errata);
 * - semi-Compton: Thomson limit 8 pi alpha alpha'/(3 m_mu^2), series/closed-form continuity, the high-energy limit
 *   pi alpha alpha' (ln 2x + 1/2)/(m_mu^2 x), and 004 Eq. 58 as printed = 4 times ours at every energy;
 * - luminosity on hand-made profiles: free streaming against the closed form 3 V m^2 Gamma m T K2(m/T)/(2 pi^2)
 *   (Boltzmann, m >> T, constant T) and the massless Thomson form V n sigma_T pi^2 T^4/15; absorption against a
 *   nested Gauss-Kronrod integration of the same Eq. 53 with the analytic optical depth of a uniform medium;
 *   L ~ g^2 for feeble couplings; processes switched off by the charges (x_H = -2: no nu nu; below 2 m_mu: no mu mu);
 * - the profile reader: a written file read back, and every malformed file refused naming the file's line.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_sf_bessel.h>

#include "constants.h"
#include "nr_test.h"
#include "sn_profile.h"
#include "supernova.h"
#include "supernova_zprime.h"
#include "zprime.h"

static double fermi(double x) { return 1.0 / (exp(x) + 1.0); }

/* ------------------------------------------------------------------ Fermi gas ---- */

static void test_fermi_gas(void)
{
    const double m = NR_M_MUON;
    /* mu < m: the Bessel series n = (m^2 T/pi^2) sum_j (-1)^{j+1} K2(j m/T) e^{j mu/T}/j, whose first term is the
     * Boltzmann limit, and n_eff = T dn/dmu = (m^2 T/pi^2) sum_j (-1)^{j+1} K2(j m/T) e^{j mu/T} */
    for (double t = 0.005; t <= 0.041; t *= 2) {
        double mu = 0.02, n = 0, ne = 0;
        for (int j = 1; j <= 40; j++) {
            double term = (j % 2 ? 1 : -1) * gsl_sf_bessel_Kn(2, j * m / t) * exp(j * mu / t) * m * m * t / (NR_PI * NR_PI);
            n += term / j;
            ne += term;
        }
        double boltzmann = m * m * t * gsl_sf_bessel_Kn(2, m / t) * exp(mu / t) / (NR_PI * NR_PI);
        CHECK_REL(nr_fermi_number_density(m, mu, t), n, 1e-8, "n: Bessel series");
        CHECK_REL(nr_fermi_blocked_density(m, mu, t), ne, 1e-8, "n_eff: Bessel series of T dn/dmu");
        if (t < 0.006)
            CHECK_REL(nr_fermi_blocked_density(m, mu, t), boltzmann, 1e-6, "n_eff -> n -> Boltzmann for (m - mu)/T = 17");
    }
    /* degenerate: T << mu - m */
    double mu = 0.2, t = 2e-4, pf = sqrt(mu * mu - m * m);
    CHECK_REL(nr_fermi_number_density(m, mu, t), pf * pf * pf / (3 * NR_PI * NR_PI), 1e-4, "n: degenerate p_F^3/(3 pi^2)");
    CHECK_REL(nr_fermi_blocked_density(m, mu, t), t * mu * pf / (NR_PI * NR_PI), 1e-3,
              "n_eff: degenerate T E_F p_F/pi^2 (the Fermi surface)");
    /* F_deg in (0, 1] on the synthetic profile, and n(-mu) < n(mu) */
    nr_sn_profile p;
    nr_error err;
    CHECK(nr_sn_profile_synthetic(&p, &err) == NR_OK, "synthetic profile");
    int ok = 1;
    for (size_t i = 0; i < p.n; i++)
        ok &= p.n_eff_gev3[i] > 0 && p.n_eff_gev3[i] <= p.n_mu_gev3[i] * (1 + 1e-9);
    CHECK(ok, "0 < n_eff <= n_mu at every radius");
    CHECK(p.n_eff_gev3[0] / p.n_mu_gev3[0] < 0.8, "the core's muons are partly degenerate: F_deg = %g",
          p.n_eff_gev3[0] / p.n_mu_gev3[0]);
    CHECK(nr_fermi_number_density(m, -0.1, 0.03) < nr_fermi_number_density(m, 0.1, 0.03), "fewer mu+ than mu-");
    /* the formulas of sn_profile.h at the centre and at 25 km */
    CHECK_REL(p.t_gev[0], 0.035, 1e-12, "T(0) = T0 + Tenv = 35 MeV");
    double r = 25.0, t25 = 30.0 * (1 + r * r / 64.0) * exp(-r * r / 144.0) + 5.0 / (1 + r * r / 900.0);
    CHECK_REL(p.t_gev[100] * 1e3, t25, 1e-12, "T(25 km) from the formula");
    CHECK_REL(p.mu_mu_gev[0], 0.150, 1e-12, "mu_mu(0) = 150 MeV");
    CHECK(p.n == 401 && p.r_km[400] == 100.0 && p.r_nu_km == 25.0 && p.r_far_km == 100.0 && p.l_nu_erg_s == 3e52,
          "grid and header of the synthetic profile");
    nr_sn_profile_free(&p);
}

/* ------------------------------------------------------------------ inverse decays ---- */

typedef struct {
    double omega, mu, t;
} pair_args;

static double f1f2_over_fb(double e1, void *v)
{
    const pair_args *a = v;
    double fb = 1.0 / expm1(a->omega / a->t);
    return fermi((e1 - a->mu) / a->t) * fermi((a->omega - e1 + a->mu) / a->t) / fb;
}

static void test_inverse_decays(void)
{
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(200);
    /* M = <f1 f2>/f_B: against a direct average over E1 in [E-, E+] (detailed balance identity) */
    const double cases[][5] = {/* m, m_f, k, mu, t */
                               {0.05, 0.0, 0.03, 0.0, 0.03},
                               {0.05, 0.0, 0.10, 0.02, 0.03},
                               {0.30, NR_M_MUON, 0.20, 0.15, 0.035},
                               {0.30, NR_M_MUON, 0.05, 0.12, 0.02},
                               {0.50, NR_M_MUON, 1.00, 0.0, 0.04}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        double m = cases[c][0], mf = cases[c][1], k = cases[c][2], mu = cases[c][3], t = cases[c][4];
        double omega = sqrt(k * k + m * m), kb = k * sqrt(1 - 4 * mf * mf / (m * m));
        pair_args a = {omega, mu, t};
        gsl_function fn = {f1f2_over_fb, &a};
        double avg, abserr;
        gsl_integration_qag(&fn, 0.5 * (omega - kb), 0.5 * (omega + kb), 0, 1e-11, 200, GSL_INTEG_GAUSS31, w, &avg,
                            &abserr);
        avg /= kb;
        char what[96];
        snprintf(what, sizeof what, "M = <f1 f2>/f_B, case %zu (closed form vs quadrature)", c);
        CHECK_REL(nr_sn_inverse_decay_medium(omega, k, m, mf, mu, t), avg, 1e-8, what);
    }
    /* M -> 1 when omega >> T: the production rate is the decay-rate form (m/omega) Gamma f_B */
    CHECK_REL(nr_sn_inverse_decay_medium(0.4, 0.1, sqrt(0.4 * 0.4 - 0.01), 0.0, 0.0, 0.005), 1.0, 1e-12,
              "M -> 1 for omega >> T (Boltzmann limit)");
    CHECK(nr_sn_inverse_decay_medium(0.2, 0.1, 0.17, NR_M_MUON, 0.0, 0.03) == 0.0, "no mu mu below threshold");
    /* k -> 0: both daughters at omega/2 */
    CHECK_REL(nr_sn_inverse_decay_medium(0.05, 1e-12, 0.05, 0.0, 0.01, 0.02),
              1 - fermi((0.025 - 0.01) / 0.02) - fermi((0.025 + 0.01) / 0.02), 1e-9, "M at rest");
    CHECK_REL(nr_sn_inverse_decay_medium(0.05, 1e-6, 0.05, 0.0, 0.01, 0.02),
              nr_sn_inverse_decay_medium(0.05, 1e-12, 0.05, 0.0, 0.01, 0.02), 1e-6, "M continuous at k -> 0");
    gsl_integration_workspace_free(w);

    /* vacuum widths and the rate callback */
    nr_zprime_couplings bl;
    nr_zprime_couplings_b_minus_l(&bl);
    double m = 0.3;
    nr_sn_zprime z;
    nr_sn_zprime_init(&bl, m, &z);
    for (int a = 0; a < 3; a++)
        CHECK_REL(z.gamma_nu_gev[a], m / (24 * NR_PI), 1e-12, "B-L: Gamma(Z' -> nu nu) = m q_l^2/(24 pi), q_l = -1");
    double r = NR_M_MUON * NR_M_MUON / (m * m);
    CHECK_REL(z.gamma_mumu_gev, m / (12 * NR_PI) * sqrt(1 - 4 * r) * (1 + 2 * r), 1e-12,
              "B-L: Gamma(Z' -> mu mu) = m beta (1 + 2r)/(12 pi)");
    CHECK_REL(z.compton_coupling2, 1.0, 1e-12, "B-L muon: g_V^2 + g_A^2 = 1");
    nr_sn_point pt = {.t_gev = 0.004, .mu_mu_gev = 0.0, .mu_nu_gev = {0, 0, 0}, .n_mu_gev3 = 1e-6, .n_eff_gev3 = 1e-6};
    double k = 0.2, omega = sqrt(k * k + m * m), q[NR_SN_N_PROC][NR_SN_N_POL];
    nr_sn_zprime_rates(&z, omega, k, &pt, q);
    double x = omega / pt.t_gev;
    /* Boltzmann limit: production per state and flavour = (m/omega) Gamma f_B */
    CHECK_REL(q[NR_SN_NUNU][0] * nr_sn_bose(x), 3 * (m / omega) * z.gamma_nu_gev[0] / expm1(x), 1e-8,
              "nu nu -> Z': 3 flavours x (m/omega) Gamma f_B (omega >> T)");
    CHECK(q[NR_SN_NUNU][0] == q[NR_SN_NUNU][1] && q[NR_SN_MUMU][0] == q[NR_SN_MUMU][1],
          "inverse decays: the same rate for transverse and longitudinal states");
    CHECK(q[NR_SN_COMPTON][1] == 0.0 && q[NR_SN_COMPTON][0] > 0, "semi-Compton: transverse states only");
    /* detailed balance: Gamma_P e^{omega/T} = Gamma_A, i.e. bose(x) e^x = absorption_factor(x) */
    for (double xx = 0.01; xx < 600; xx *= 3)
        CHECK_REL(nr_sn_bose(xx) * exp(xx), nr_sn_absorption_factor(xx), 1e-12, "detailed balance e^{w/T} f_B");
    CHECK(nr_sn_bose(800) == 0.0 && nr_sn_absorption_factor(800) == 1.0, "no overflow at omega >> T");

    /* 004 Eq. (56) as printed, g^2_{Z'nu nu} = g^2 (C_V^2 + C_A^2) = 1/2 for B-L (C_V = C_A = q_l/2): 4 times ours per
     * state and flavour (README errata) */
    double eq56 = 0.5 * m * m / (3 * NR_PI * omega) / expm1(x);
    CHECK_REL(eq56 / ((m / omega) * z.gamma_nu_gev[0] / expm1(x)), 4.0, 1e-12, "004 Eq. 56 = 4 x detailed balance");
    /* 004 Eq. (59) as printed, B-L (C_V = 1, C_A = 0): 2 pi times ours per state (1/6 instead of 1/(12 pi)) */
    double eq59 = m * m / (6 * omega * expm1(x)) * sqrt(1 - 4 * r) * (1 + 2 * r);
    CHECK_REL(eq59 / ((m / omega) * z.gamma_mumu_gev / expm1(x)), 2 * NR_PI, 1e-12, "004 Eq. 59 = 2 pi x ours (B-L)");
    /* x_H = -2 (U(1)_R): no neutrino coupling, and an axial muon coupling */
    nr_zprime_couplings ur;
    nr_error err;
    CHECK(nr_zprime_couplings_u1x(-2.0, 1.0, &ur, &err) == NR_OK, "u1x x_H = -2");
    nr_sn_zprime zr;
    nr_sn_zprime_init(&ur, m, &zr);
    CHECK(zr.gamma_nu_gev[0] == 0.0 && zr.gamma_nu_gev[2] == 0.0, "x_H = -2: no nu nu -> Z'");
    /* 004 Table III: C_V = -3 x_H/4 - 1 = 1/2, C_A = x_H/4 = -1/2 for the charged leptons */
    CHECK_REL(zr.compton_coupling2, 0.5, 1e-12, "x_H = -2 muon: C_V^2 + C_A^2 = 1/2 (004 Table III)");
    CHECK_REL(zr.gamma_mumu_gev, m / (12 * NR_PI) * sqrt(1 - 4 * r) * (0.25 * (1 + 2 * r) + 0.25 * (1 - 4 * r)), 1e-12,
              "x_H = -2: Gamma(mu mu) with the axial part (1 - 4r)");
}

/* ------------------------------------------------------------------ semi-Compton ---- */

static void test_compton(void)
{
    double sigma_t = 8 * NR_PI * NR_ALPHA_EM * (1.0 / (4 * NR_PI)) / (3 * NR_M_MUON * NR_M_MUON);
    CHECK_REL(nr_sn_compton_xsec_gev2(1e-10, 1.0), sigma_t, 1e-8, "Thomson limit 8 pi alpha alpha'/(3 m_mu^2)");
    double x0 = 1e-3 * NR_M_MUON;
    CHECK_REL(nr_sn_compton_xsec_gev2(x0 * (1 - 1e-9), 1.0), nr_sn_compton_xsec_gev2(x0 * (1 + 1e-9), 1.0), 1e-9,
              "series and closed form meet at x = 1e-3");
    CHECK_REL(nr_sn_compton_xsec_gev2(0.01 * NR_M_MUON, 1.0), sigma_t * (1 - 0.02 + 5.2e-4 - 1.33e-5), 1e-6,
              "Klein-Nishina series 1 - 2x + 26x^2/5 - 133x^3/10 at x = 0.01");
    double xh = 1e4, alpha_p = 1.0 / (4 * NR_PI);
    CHECK_REL(nr_sn_compton_xsec_gev2(xh * NR_M_MUON, 1.0),
              NR_PI * NR_ALPHA_EM * alpha_p / (NR_M_MUON * NR_M_MUON * xh) * (log(2 * xh) + 0.5), 3e-4,
              "high-energy limit pi alpha alpha' (ln 2x + 1/2)/(m^2 x)");
    CHECK_REL(nr_sn_compton_xsec_gev2(0.1, 0.3), 0.3 * nr_sn_compton_xsec_gev2(0.1, 1.0), 1e-12, "sigma ~ g^2");
    /* 004 Eq. (58) as printed: 4 times ours at every energy (README errata) */
    for (double x = 0.01; x < 100; x *= 4.7) {
        double s = 1 + 2 * x, g2 = 1.0;
        double eq58 = 4 * g2 * NR_ALPHA_EM / (3 * NR_M_MUON * NR_M_MUON) * 0.75 *
                      (16 / ((s - 1) * (s - 1)) + (s + 1) / (s * s) + 2 * (s * s - 6 * s - 3) / pow(s - 1, 3) * log(s));
        char what[64];
        snprintf(what, sizeof what, "004 Eq. 58 / Klein-Nishina = 4 at x = %.3g", x);
        CHECK_REL(eq58 / nr_sn_compton_xsec_gev2(x * NR_M_MUON, g2), 4.0, 1e-9, what);
    }
}

/* ------------------------------------------------------------------ luminosity ---- */

/* A uniform star: constant T, no chemical potentials, given n_eff, R_nu = 10 km, R_far = r_far. */
static void uniform_profile(nr_sn_profile *p, double t, double n_eff, double r_far, double *block)
{
    memset(p, 0, sizeof *p);
    memset(block, 0, 22 * sizeof *block); /* chemical potentials 0 */
    p->n = 2;
    double *c[11];
    for (int i = 0; i < 11; i++)
        c[i] = block + 2 * i;
    p->r_km = c[0], p->t_gev = c[1], p->rho_g_cm3 = c[2], p->y_e = c[3], p->mu_e_gev = c[4], p->mu_mu_gev = c[5];
    p->mu_nu_gev[0] = c[6], p->mu_nu_gev[1] = c[7], p->mu_nu_gev[2] = c[8], p->n_mu_gev3 = c[9], p->n_eff_gev3 = c[10];
    for (int i = 0; i < 2; i++) {
        p->r_km[i] = i ? r_far : 0.0;
        p->t_gev[i] = t;
        p->n_mu_gev3[i] = p->n_eff_gev3[i] = n_eff;
    }
    p->r_nu_km = 10.0;
    p->r_far_km = r_far;
    p->l_nu_erg_s = 3e52;
}

typedef struct {
    double m, t, gamma, g2, r_far;
    double r; /* outer variable */
    gsl_integration_workspace *w;
} absorb_args;

/* Eq. 53 integrand in k at fixed r, nu nu only (gamma = the three flavours' width), 3 states: Gamma_P = (m/omega)
 * gamma M f_B, Gamma_A = e^{omega/T} Gamma_P, tau = Gamma_A (R_far - r)/v in a uniform star (all in GeV; M, the
 * Pauli factor checked above against quadrature, matters: the daughters' energies reach down to (omega - k)/2) */
static double absorb_k(double k, void *v)
{
    const absorb_args *a = v;
    double omega = sqrt(k * k + a->m * a->m), x = omega / a->t;
    double med = nr_sn_inverse_decay_medium(omega, k, a->m, 0.0, 0.0, a->t);
    double gamma_p = a->m / omega * a->gamma * med / expm1(x);
    double tau = a->g2 * gamma_p * exp(x) * (a->r_far - a->r) * NR_KM_TO_INV_GEV * omega / k;
    return 3.0 * k * k / (2 * NR_PI * NR_PI) * omega * gamma_p * exp(-tau);
}

static double absorb_r(double r, void *v)
{
    absorb_args *a = v;
    a->r = r;
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(500);
    gsl_function fn = {absorb_k, a};
    double res, abserr;
    /* the integrand is below e^{-100} beyond k = 1.5 GeV (omega/T > 150) */
    if (gsl_integration_qag(&fn, 0.0, 1.5, 0.0, 1e-9, 500, GSL_INTEG_GAUSS31, w, &res, &abserr) != 0)
        res = NAN;
    gsl_integration_workspace_free(w);
    return 4 * NR_PI * r * r * pow(NR_KM_TO_INV_GEV, 3) * res;
}

static void test_luminosity(void)
{
    nr_error err;
    double block[22];
    nr_sn_profile p;
    const double to_erg_s = NR_ERG_PER_GEV / NR_HBAR_GEV_S;
    const double vol = 4.0 / 3.0 * NR_PI * pow(10.0 * NR_KM_TO_INV_GEV, 3); /* R_nu = 10 km [GeV^-3] */

    /* free streaming, Boltzmann (m = 0.5 GeV >> T = 10 MeV), B-L nu nu -> Z' and mu mu -> Z' */
    uniform_profile(&p, 0.01, 0.0, 20.0, block);
    nr_zprime_couplings bl;
    nr_zprime_couplings_b_minus_l(&bl);
    double m = 0.5, t = 0.01;
    nr_sn_zprime z;
    nr_sn_zprime_init(&bl, m, &z);
    nr_sn_luminosity l;
    CHECK(nr_sn_luminosity_prepare(&p, m, nr_sn_zprime_rates, &z, &l, &err) == NR_OK, "prepare (uniform star)");
    double parts[NR_SN_N_PROC], g = 1e-14; /* tau ~ 1e19 g^2 in this hot star */
    nr_sn_luminosity_free_streaming(&l, g, parts);
    /* 3 states x V int d^3k/(2 pi)^3 omega (m/omega) Gamma e^{-omega/T} = 3 V m Gamma m^2 T K2(m/T)/(2 pi^2) */
    double closed = 3 * vol * m * m * m * t * gsl_sf_bessel_Kn(2, m / t) / (2 * NR_PI * NR_PI);
    CHECK_REL(parts[NR_SN_NUNU], g * g * 3 * z.gamma_nu_gev[0] * closed * to_erg_s, 2e-4,
              "free streaming nu nu -> Z': 3 V m Gamma m^2 T K2(m/T)/(2 pi^2)");
    CHECK_REL(parts[NR_SN_MUMU], g * g * z.gamma_mumu_gev * closed * to_erg_s, 2e-4,
              "free streaming mu mu -> Z': the same with Gamma(mu mu)");
    CHECK(parts[NR_SN_COMPTON] == 0.0, "no muons, no semi-Compton");
    double total = nr_sn_luminosity_at(&l, g, NULL);
    CHECK_REL(total, parts[NR_SN_NUNU] + parts[NR_SN_MUMU], 1e-6, "absorption negligible at g = 1e-14");
    CHECK_REL(nr_sn_luminosity_at(&l, 10 * g, NULL), 100 * total, 1e-5, "L ~ g^2 for feeble couplings");

    /* absorption: the same star, nu nu only (B-L at m = 0.2 GeV, below 2 m_mu), against nested Gauss-Kronrod with the
     * analytic optical depth of a uniform medium */
    nr_sn_luminosity_free(&l);
    m = 0.2;
    nr_sn_zprime_init(&bl, m, &z);
    CHECK(nr_sn_luminosity_prepare(&p, m, nr_sn_zprime_rates, &z, &l, &err) == NR_OK, "prepare m = 0.1");
    for (double gg = 1e-10; gg < 2e-8; gg *= 4) {
        absorb_args a = {.m = m, .t = t, .gamma = 3 * z.gamma_nu_gev[0], .g2 = gg * gg, .r_far = 20.0};
        gsl_integration_workspace *w = gsl_integration_workspace_alloc(200);
        gsl_function fn = {absorb_r, &a};
        double want, abserr;
        gsl_integration_qag(&fn, 0.0, 10.0, 0, 1e-7, 200, GSL_INTEG_GAUSS31, w, &want, &abserr);
        gsl_integration_workspace_free(w);
        want *= gg * gg * to_erg_s;
        char what[96];
        snprintf(what, sizeof what, "Eq. 53 with absorption, uniform star, g = %.2g (vs nested quadrature)", gg);
        double ours = nr_sn_luminosity_at(&l, gg, parts);
        double fs = nr_sn_luminosity_free_streaming(&l, gg, NULL);
        a.g2 = 0.0;
        w = gsl_integration_workspace_alloc(200);
        double want_fs;
        gsl_integration_qag(&fn, 0.0, 10.0, 0, 1e-7, 200, GSL_INTEG_GAUSS31, w, &want_fs, &abserr);
        gsl_integration_workspace_free(w);
        want_fs *= gg * gg * to_erg_s;
        CHECK_REL(ours, want, 1e-4, what);
        CHECK_REL(fs, want_fs, 1e-4, "free streaming vs the same quadrature");
    }
    nr_sn_luminosity_free(&l);

    /* massless-limit semi-Compton on a thin, cold (Thomson) medium: 2 V n sigma_T int k^3 f_B dk/(2 pi^2)
     * = 2 V n sigma_T pi^2 T^4 / 15 (x = omega/m_mu ~ 4 T/m_mu = 4e-4: KN corrections 1e-3) */
    double n_eff = 1e-6, tc = 1e-5;
    uniform_profile(&p, tc, n_eff, 20.0, block);
    nr_zprime_couplings ur;
    nr_zprime_couplings_u1x(-2.0, 1.0, &ur, &err); /* no neutrino coupling */
    double ml = 1e-9;
    nr_sn_zprime_init(&ur, ml, &z);
    CHECK(nr_sn_luminosity_prepare(&p, ml, nr_sn_zprime_rates, &z, &l, &err) == NR_OK, "prepare m -> 0");
    nr_sn_luminosity_free_streaming(&l, 1e-12, parts);
    double sigma_t = 8 * NR_PI * NR_ALPHA_EM * (z.compton_coupling2 / (4 * NR_PI)) / (3 * NR_M_MUON * NR_M_MUON);
    /* 2 states x V int k^2 dk/(2 pi^2) k sigma_T n f_B(k) = V n sigma_T pi^2 T^4/15, times g^2 = 1e-24 */
    double thomson = vol * n_eff * sigma_t * pow(NR_PI, 2) * pow(tc, 4) / 15 * 1e-24 * to_erg_s;
    CHECK_REL(parts[NR_SN_COMPTON], thomson, 2e-3, "semi-Compton, m -> 0: Thomson V n sigma_T pi^2 T^4/15");
    CHECK(parts[NR_SN_NUNU] == 0.0, "x_H = -2: no nu nu -> Z' luminosity");
    nr_sn_luminosity_free(&l);

    /* the synthetic star: shape of L(g) */
    CHECK(nr_sn_profile_synthetic(&p, &err) == NR_OK, "synthetic");
    m = 0.05;
    nr_sn_zprime_init(&bl, m, &z);
    CHECK(nr_sn_luminosity_prepare(&p, m, nr_sn_zprime_rates, &z, &l, &err) == NR_OK, "prepare synthetic");
    double prev = 0, peak_g = 0, peak = 0;
    int rising_then_falling = 1, falling = 0;
    for (double gg = 1e-12; gg < 1e-6; gg *= 1.5) {
        double v = nr_sn_luminosity_at(&l, gg, parts);
        if (v > peak)
            peak = v, peak_g = gg;
        if (v < prev)
            falling = 1;
        else if (falling && v > prev)
            rising_then_falling = 0;
        prev = v;
    }
    CHECK(rising_then_falling && peak > p.l_nu_erg_s, "L(g) rises as g^2, peaks (%.3g erg/s at %.2g) and falls", peak,
          peak_g);
    CHECK(parts[NR_SN_MUMU] == 0.0, "m = 50 MeV: no mu mu -> Z'");
    nr_sn_luminosity_at(&l, 1e-11, parts);
    CHECK(parts[NR_SN_NUNU] > 0 && parts[NR_SN_COMPTON] > 0, "both nu nu and semi-Compton contribute");
    nr_sn_luminosity_free(&l);
    CHECK(nr_sn_luminosity_prepare(&p, -1.0, nr_sn_zprime_rates, &z, &l, &err) == NR_EINPUT, "negative mass refused");
    nr_sn_profile_free(&p);
}

/* ------------------------------------------------------------------ reader ---- */

static const char *const header =
    "# test\nnureach_sn_profile 1\nL_nu_erg_s 5e52\nR_nu_km 20\nR_far_km 50\ntime_s 1\n"
    "columns r_km T_MeV rho_g_cm3 Y_e mu_e_MeV mu_mu_MeV mu_nue_MeV mu_numu_MeV mu_nutau_MeV\n";

static nr_status read_text(const char *text, nr_sn_profile *p, nr_error *err)
{
    char path[] = "/tmp/nureach-sn-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return NR_EINTERNAL;
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
    nr_status st = nr_sn_profile_read(path, "/experiment_overrides/sn_profile", p, err);
    remove(path);
    return st;
}

static void expect_refused(const char *text, const char *fragment, const char *what)
{
    nr_sn_profile p;
    nr_error err;
    nr_error_clear(&err);
    nr_status st = read_text(text, &p, &err);
    CHECK(st == NR_EINPUT && strcmp(err.where, "/experiment_overrides/sn_profile") == 0 &&
              strstr(err.message, fragment) != NULL,
          "%s: status %d, message '%s'", what, st, err.message);
    nr_sn_profile_free(&p);
}

/* expect_refused() on the common header followed by the data rows `rows` */
static void expect_rows_refused(const char *rows, const char *fragment, const char *what)
{
    char text[4096];
    snprintf(text, sizeof text, "%s%s", header, rows);
    expect_refused(text, fragment, what);
}

static void test_reader(void)
{
    char good[4096];
    snprintf(good, sizeof good, "%s0 30 3e14 0.3 150 150 10 0 0 # centre\n\n20 8 1e11 0.1 20 20 0 0 0\n"
                                "50 1 1e8 0.05 2 2 0 0 0\n", header);
    nr_sn_profile p;
    nr_error err;
    CHECK(read_text(good, &p, &err) == NR_OK, "a good file: %s", err.message);
    CHECK(p.n == 3 && p.l_nu_erg_s == 5e52 && p.r_nu_km == 20 && p.r_far_km == 50 && p.time_s == 1,
          "header read back");
    CHECK_REL(p.t_gev[1], 0.008, 1e-12, "T in MeV -> GeV");
    CHECK_REL(p.mu_nu_gev[0][0], 0.010, 1e-12, "mu_nue read");
    nr_sn_point pt;
    nr_sn_profile_at(&p, 10.0, &pt);
    CHECK_REL(pt.t_gev, 0.019, 1e-12, "linear interpolation at 10 km");
    CHECK_REL(p.n_mu_gev3[0], nr_fermi_number_density(NR_M_MUON, 0.15, 0.03) +
                                  nr_fermi_number_density(NR_M_MUON, -0.15, 0.03), 1e-12, "n_mu derived from mu_mu, T");
    nr_sn_profile_at(&p, 99.0, &pt);
    CHECK_REL(pt.t_gev, 0.001, 1e-12, "beyond the last row: the last row");
    nr_sn_profile_free(&p);

    char bad[4096];
    expect_refused("nureach_sn_profile 2\n", "line 1", "version 2");
    snprintf(bad, sizeof bad, "%s", header);
    char *c = strstr(bad, "mu_mu_MeV");
    memcpy(c, "mu_xx", 5);
    expect_refused(bad, "column 6 must be 'mu_mu_MeV'", "wrong column");
    expect_rows_refused("0 30 3e14 0.3 150 150 0 0 0\n0 8 1e11 0.1 20 20 0 0 0\n",
                        "line 9, column 1 (r_km) = 0: must be strictly increasing", "radius not increasing");
    expect_rows_refused("0 30 3e14 0.3 150 150 0 0 0\n50 -1 1e11 0.1 20 20 0 0 0\n",
                        "line 9, column 2 (T_MeV) = -1: must be positive", "negative temperature");
    /* range checks name the line and the column (issue 15 review item 7) */
    expect_rows_refused("-1 30 3e14 0.3 150 150 0 0 0\n50 1 1e11 0.1 20 20 0 0 0\n",
                        "line 8, column 1 (r_km) = -1: must be >= 0", "negative radius");
    expect_rows_refused("0 30 3e14 0.3 150 150 0 0 0\n# a comment line\n50 0 1e11 0.1 20 20 0 0 0\n",
                        "line 10, column 2 (T_MeV) = 0: must be positive", "zero temperature, after a comment");
    expect_rows_refused("0 30 0 0.3 150 150 0 0 0\n50 1 1e11 0.1 20 20 0 0 0\n",
                        "line 8, column 3 (rho_g_cm3) = 0: must be positive", "zero density");
    expect_rows_refused("0 30 3e14 0.3 150 150 0 0 0\n50 1 -1e11 0.1 20 20 0 0 0\n",
                        "line 9, column 3 (rho_g_cm3) = -1e+11: must be positive", "negative density");
    expect_rows_refused("0 30 3e14 1.5 150 150 0 0 0\n50 1 1e11 0.1 20 20 0 0 0\n",
                        "line 8, column 4 (Y_e) = 1.5: must be between 0 and 1", "Y_e above 1");
    expect_rows_refused("0 30 3e14 0.3 150 150 0 0 0\n50 1 1e11 -0.1 20 20 0 0 0\n",
                        "line 9, column 4 (Y_e) = -0.1", "negative Y_e");
    expect_refused("nureach_sn_profile 1\nL_nu_erg_s -3e52\n", "line 2: L_nu_erg_s = -3e+52 must be positive",
                   "negative L_nu");
    expect_refused("nureach_sn_profile 1\nL_nu_erg_s 3e52\nR_nu_km 0\n", "line 3: R_nu_km = 0 must be positive",
                   "zero R_nu");
    expect_refused("nureach_sn_profile 1\ntime_s -1\n", "line 2: time_s = -1 must be >= 0", "negative time");
    expect_rows_refused("0 30 3e14 0.3 150 150 0 0\n50 1 1e11 0.1 20 20 0 0 0\n", "line 8: column 9", "short row");
    expect_rows_refused("0 30 3e14 0.3 150 150 0 0 0 7\n50 1 1e11 0.1 20 20 0 0 0\n",
                        "more than 9 numbers", "long row");
    expect_rows_refused("0 30 3e14 0.3 150 nan 0 0 0\n50 1 1e11 0.1 20 20 0 0 0\n", "not a finite number", "nan");
    expect_rows_refused("0 30 3e14 0.3 150 150 0 0 0\n40 1 1e11 0.1 20 20 0 0 0\n",
                        "R_far_km = 50", "rows end before R_far");
    expect_rows_refused("0 30 3e14 0.3 150 150 0 0 0\n", "at least two rows", "one row");
    snprintf(bad, sizeof bad, "nureach_sn_profile 1\nR_nu_km 20\nR_far_km 50\n"
                              "columns r_km T_MeV rho_g_cm3 Y_e mu_e_MeV mu_mu_MeV mu_nue_MeV mu_numu_MeV mu_nutau_MeV\n"
                              "0 30 3e14 0.3 150 150 0 0 0\n50 1 1e11 0.1 20 20 0 0 0\n");
    expect_refused(bad, "'L_nu_erg_s' (a positive number) is missing", "no L_nu");
    snprintf(bad, sizeof bad, "nureach_sn_profile 1\nL_nu_erg_s 1e52\nR_nu_km 60\nR_far_km 50\n"
                              "columns r_km T_MeV rho_g_cm3 Y_e mu_e_MeV mu_mu_MeV mu_nue_MeV mu_numu_MeV mu_nutau_MeV\n"
                              "0 30 3e14 0.3 150 150 0 0 0\n50 1 1e11 0.1 20 20 0 0 0\n");
    expect_refused(bad, "must be below R_far_km", "R_nu beyond R_far");
    expect_refused("nureach_sn_profile 1\nL_nu 3\n", "line 2", "unknown header key");
    expect_refused("nureach_sn_profile 1\nL_nu_erg_s 3e52\n", "no 'columns' line", "no columns line");

    CHECK(nr_sn_profile_load(NULL, "", NULL, "/x", &p, &err) == NR_OK && p.n == 401, "no name: the synthetic profile");
    nr_sn_profile_free(&p);
    CHECK(nr_sn_profile_load(NULL, "a.txt", NULL, "/x", &p, &err) == NR_EINPUT && strcmp(err.where, "/x") == 0 &&
              strstr(err.message, "--sn-profiles"), "a name without a folder: %s", err.message);
    CHECK(nr_sn_profile_load("/nonexistent-nureach", "a.txt", NULL, "/x", &p, &err) == NR_EINPUT &&
              strstr(err.message, "a.txt"), "a missing file names it: %s", err.message);
}

int main(void)
{
    gsl_set_error_handler_off();
    test_fermi_gas();
    test_inverse_decays();
    test_compton();
    test_luminosity();
    test_reader();
    return nr_test_summary();
}
