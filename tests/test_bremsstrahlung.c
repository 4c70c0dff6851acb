/* test_bremsstrahlung.c: proton bremsstrahlung in the FWW approximation (paper 004 Eqs. 25-32):
 * form factor (Table IV), splitting function limits, pp cross section, the grid integration against an
 * independent (z, pT^2) integration, and FORESEE's dark-photon bremsstrahlung spectrum. */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>

#include "bremsstrahlung.h"
#include "constants.h"
#include "hadrons.h"
#include "nr_test.h"

/* Blumlein & Brunner, arXiv:1311.3870 (as used in arXiv:1708.09389), dark photon w(z, pT^2),
 * written out independently of the engine's chiral form. */
static double w_blumlein_brunner(double eps, double z, double pt2, double m)
{
    double mp = NR_M_PROTON, h = pt2 + (1 - z) * m * m + z * z * mp * mp;
    double b = (1 + (1 - z) * (1 - z)) / z - 2 * z * (1 - z) * ((2 * mp * mp + m * m) / h - 2 * z * z * pow(mp, 4) / (h * h)) +
               2 * z * (1 - z) * (1 + (1 - z) * (1 - z)) * mp * mp * m * m / (h * h) + 2 * z * (1 - z) * (1 - z) * pow(m, 4) / (h * h);
    return eps * eps * NR_ALPHA_EM / (2 * NR_PI * h) * b;
}

static void test_form_factor(void)
{
    /* F1(0) = proton charge: sum f_V = 0.616 + 0.223 - 0.339 + 1.011 - 0.881 + 0.369 = 0.999 (004 Table IV),
     * up to the O(Gamma_V/m_V) imaginary parts of the Breit-Wigners at m = 0 */
    CHECK_REL(sqrt(nr_proton_form_factor_f1_abs2(0.0)), 0.999, 0.02, "|F1(0)| (Table IV sum)");
    /* peak at the rho/omega mass 0.770 GeV (Table IV), within the omega width 8.5 MeV */
    double m_peak = 0, best = 0;
    for (double m = 0.3; m < 1.3; m += 0.0005) {
        double f = nr_proton_form_factor_f1_abs2(m * m);
        if (f > best) best = f, m_peak = m;
    }
    CHECK(fabs(m_peak - 0.770) < 0.0085, "|F1|^2 peaks at %g GeV", m_peak);
    /* height: at m = m_omega the omega term is f m / (-i Gamma) = i 1.011*0.770/0.0085 = 91.6 i dominating */
    CHECK(best > 50.0 * 50.0, "peak |F1|^2 = %g", best);
}

static void test_splitting(void)
{
    double eps = 1e-3, e = 0.30282212;
    nr_proton_chiral_couplings dp = nr_proton_couplings_dark_photon(eps);
    double zs[] = {0.1, 0.3, 0.5, 0.8}, pts[] = {0.0, 0.04, 0.5}, ms[] = {0.01, 0.1, 0.77, 1.5};
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 3; j++)
            for (int k = 0; k < 4; k++) {
                double z = zs[i], pt2 = pts[j], m = ms[k], mp = NR_M_PROTON;
                double h = pt2 + (1 - z) * m * m + z * z * mp * mp;
                double want = w_blumlein_brunner(eps, z, pt2, m);
                /* vector limit of the BB variant = Blumlein-Brunner */
                CHECK_REL(nr_brem_splitting(&dp, NR_BREM_SPLITTING_BLUMLEIN_BRUNNER, z, pt2, m), want, 1e-6,
                          "BB variant = Blumlein-Brunner (1311.3870)");
                /* 004 Eq. 27 as printed differs only by half of the m_p^4 term: 2 z(1-z) z^2 (2 eps^2 e^2) m_p^4 / H^2 */
                double diff = 2 * z * (1 - z) * z * z * 2 * eps * eps * e * e * pow(mp, 4) / (h * h) / (16 * NR_PI * NR_PI * h);
                CHECK_REL(nr_brem_splitting(&dp, NR_BREM_SPLITTING_004_EQ27, z, pt2, m), want - diff, 1e-6,
                          "004 Eq. 27 vector limit");
            }
    /* vector/axial conversion */
    nr_proton_chiral_couplings va = nr_proton_couplings_from_vector_axial(0.3, 0.1);
    CHECK(fabs(va.g_L - 0.4) < 1e-15 && fabs(va.g_R - 0.2) < 1e-15, "g_L = g_V + g_A, g_R = g_V - g_A");
    /* pure axial: the longitudinal term (g_L - g_R)^2 z m_p^2 / m^2 dominates as m -> 0 (004's remark
     * below Eq. 30): m^2 w -> (g_L-g_R)^2 z m_p^2 / (16 pi^2 H) */
    nr_proton_chiral_couplings ax = nr_proton_couplings_from_vector_axial(0.0, 1e-3);
    double z = 0.4, pt2 = 0.1, m = 1e-5, h = pt2 + z * z * NR_M_PROTON * NR_M_PROTON;
    CHECK_REL(m * m * nr_brem_splitting(&ax, NR_BREM_SPLITTING_004_EQ27, z, pt2, m),
              4e-6 * z * NR_M_PROTON * NR_M_PROTON / (16 * NR_PI * NR_PI * h), 1e-6, "axial m -> 0 limit");
    /* outside 0 < z < 1 */
    CHECK(nr_brem_splitting(&dp, NR_BREM_SPLITTING_004_EQ27, 1.0, 0.1, 0.1) == 0.0, "z = 1");
}

static void test_pp_cross_section(void)
{
    /* TOTEM 7 TeV: sigma_tot = 98.3 +- 2.8 mb (EPL 96 (2011) 21002), sigma_inel = 73.1 +- 1.3 mb
     * (EPL 101 (2013) 21004); 13 TeV: sigma_tot = 110.6 +- 3.4 mb (arXiv:1712.06153) */
    CHECK_REL(nr_pp_sigma_total_mb(7000.0 * 7000.0), 98.3, 0.03, "sigma_tot(7 TeV) vs TOTEM");
    CHECK_REL(nr_pp_sigma_inel_mb(7000.0 * 7000.0), 73.1, 0.03, "sigma_inel(7 TeV) vs TOTEM");
    CHECK_REL(nr_pp_sigma_total_mb(13000.0 * 13000.0), 110.6, 0.03, "sigma_tot(13 TeV) vs TOTEM");
    /* PDG: sigma_tot(pp) ~ 40 mb near sqrt(s) = 10-20 GeV (the minimum region) */
    CHECK(nr_pp_sigma_total_mb(400.0) > 37.0 && nr_pp_sigma_total_mb(400.0) < 42.0, "sigma_tot(20 GeV) = %g mb",
          nr_pp_sigma_total_mb(400.0));
    /* virtuality (004 Eq. 30) at LHC energies is negligible: H^2/(4 E^2 z^2 (1-z)^2) */
    double e_ft = 13600.0 * 13600.0 / (2 * NR_M_PROTON);
    double h = 0.25 + 0.5 * 0.01 + 0.25 * NR_M_PROTON * NR_M_PROTON;
    CHECK_REL(nr_brem_virtuality_gev2(0.5, 0.25, 0.1, e_ft), h * h / (4 * e_ft * e_ft * 0.0625), 1e-12, "Eq. 30");
    /* at a fixed-target beam of 10 GeV the cut removes small z */
    nr_proton_chiral_couplings dp = nr_proton_couplings_dark_photon(1.0);
    nr_brem_options o = nr_brem_options_default(sqrt(2 * NR_M_PROTON * 10.0 + 2 * NR_M_PROTON * NR_M_PROTON));
    o.z_min = 0.0;
    CHECK(nr_brem_dsigma_dz_dpt2_pb(&dp, &o, 0.02, 0.5, 0.1) == 0.0, "virtuality cut bites at E = 10 GeV, z = 0.02");
}

typedef struct {
    const nr_proton_chiral_couplings *c;
    const nr_brem_options *o;
    double m, z;
    gsl_integration_workspace *ws;
} brem_params;

static double integrand_pt2(double pt2, void *vp)
{
    brem_params *p = vp;
    return nr_brem_dsigma_dz_dpt2_pb(p->c, p->o, p->z, pt2, p->m);
}

static double integrand_z(double z, void *vp)
{
    brem_params *p = vp;
    p->z = z;
    gsl_function f = {integrand_pt2, p};
    double r, e;
    gsl_integration_qag(&f, 0.0, p->o->pt_max_gev * p->o->pt_max_gev * (1 - 1e-12), 0, 1e-9, 1000, GSL_INTEG_GAUSS21,
                        p->ws, &r, &e);
    return r;
}

/* total = Int dz dpT^2 dsigma/dz dpT^2, by GSL in (z, pT^2), independent of the (theta, p) grid */
static double independent_total_pb(const nr_proton_chiral_couplings *c, const nr_brem_options *o, double m)
{
    brem_params p = {c, o, m, 0, gsl_integration_workspace_alloc(1000)};
    gsl_integration_workspace *wz = gsl_integration_workspace_alloc(1000);
    gsl_function f = {integrand_z, &p};
    double r, e;
    gsl_integration_qag(&f, o->z_min, o->z_max, 0, 1e-8, 1000, GSL_INTEG_GAUSS21, wz, &r, &e);
    gsl_integration_workspace_free(wz);
    gsl_integration_workspace_free(p.ws);
    return r;
}

/* Sum of the spectrum over theta < 10^-3.7 rad and 10^2.85 < p < 10^3.75 GeV (whole cells). */
static double faser_region_pb(const nr_llp_spectrum *s)
{
    double sum = 0;
    for (int it = 0; it < NR_LLP_N_THETA; it++)
        for (int ip = 0; ip < NR_LLP_N_P; ip++) {
            double lt = nr_llp_cell_log10_theta(it), lp = nr_llp_cell_log10_p(ip);
            if (lt < -3.7 && lp > 2.85 && lp < 3.75) sum += s->w_pb[it * NR_LLP_N_P + ip];
        }
    return sum;
}

static void test_spectrum(void)
{
    nr_error err;
    nr_proton_chiral_couplings dp = nr_proton_couplings_dark_photon(1.0);
    nr_brem_options o = nr_brem_options_default(13600.0);
    double masses[] = {0.0501, 0.5012, 0.7762, 1.0};
    /* FORESEE's dark-photon FWW bremsstrahlung spectra at 13.6 TeV, eps = 1 (KlingFelix/FORESEE commit
     * 2d6431f, Models/DarkPhoton/model/direct/13.6TeV/Brem_FWW_13.6TeV_<m>.txt), summed over the cells with
     * log10 theta < -3.7, 2.85 < log10 p < 3.75 and pT < 1 GeV [pb] (0.1 < z < 0.83, inside our z range). */
    double foresee_pb[] = {1.8665e8, 3.7848e8, 1.9168e11, 6.5320e8};
    for (int k = 0; k < 4; k++) {
        double m = masses[k];
        for (int variant = 0; variant < 2; variant++) {
            o.variant = (nr_brem_splitting_variant)variant;
            nr_llp_spectrum s;
            CHECK(nr_llp_spectrum_init(&s, m, &err) == NR_OK, "%s", err.message);
            CHECK(nr_llp_spectrum_add_bremsstrahlung(&s, &dp, &o, &err) == NR_OK, "%s", err.message);
            if (k == 0 || k == 2) {
                /* the total needs a z window (it grows like ln(1/z_min)): the conservative one */
                nr_brem_options w = o;
                w.z_min = NR_BREM_Z_MIN_CONSERVATIVE;
                w.z_max = NR_BREM_Z_MAX_CONSERVATIVE;
                nr_llp_spectrum sw;
                CHECK(nr_llp_spectrum_init(&sw, m, &err) == NR_OK, "%s", err.message);
                CHECK(nr_llp_spectrum_add_bremsstrahlung(&sw, &dp, &w, &err) == NR_OK, "%s", err.message);
                char what[96];
                snprintf(what, sizeof what, "grid total = (z, pT^2) integral, m = %g, variant %d", m, variant);
                CHECK_REL(nr_llp_spectrum_total_pb(&sw), independent_total_pb(&dp, &w, m), 0.02, what);
                nr_llp_spectrum_free(&sw);
            }
            double ours = faser_region_pb(&s);
            printf("m = %.4f GeV variant %s: FASER region %.4e pb, FORESEE FWW %.4e pb, ratio %.3f\n", m,
                   variant ? "Blumlein-Brunner" : "004 Eq.27", ours, foresee_pb[k], ours / foresee_pb[k]);
            if (variant == 1) {
                char what[96];
                snprintf(what, sizeof what, "BB variant vs FORESEE Brem_FWW, m = %g", m);
                CHECK_REL(ours, foresee_pb[k], 0.35, what);
            }
            nr_llp_spectrum_free(&s);
        }
    }
    /* bad options */
    nr_llp_spectrum s;
    CHECK(nr_llp_spectrum_init(&s, 0.1, &err) == NR_OK, "%s", err.message);
    o = nr_brem_options_default(13600.0);
    o.z_min = 0.95;
    o.z_max = 0.9;
    CHECK(nr_llp_spectrum_add_bremsstrahlung(&s, &dp, &o, &err) == NR_EINPUT, "z_min > z_max");
    nr_llp_spectrum_free(&s);
}

/* The resonance set (issue 10): the default puts the omega where the decay widths have it (PDG, hadrons.c). */
static void test_resonance_sets(void)
{
    double best_m = 0, best = 0, best_m_iv = 0, best_iv = 0;
    for (double m = 0.70; m < 0.85; m += 0.0001) {
        double f = nr_proton_form_factor_f1_abs2_set(NR_BREM_RESONANCES_PDG, m * m);
        double g = nr_proton_form_factor_f1_abs2_set(NR_BREM_RESONANCES_004_TABLE_IV, m * m);
        if (f > best) best = f, best_m = m;
        if (g > best_iv) best_iv = g, best_m_iv = m;
    }
    /* peak within the omega's half width of its PDG mass (hadrons.c, pdg 223) */
    CHECK(fabs(best_m - nr_hadron_mass_gev(223)) < 0.5 * 0.00868, "PDG set: |F1|^2 peaks at %g GeV", best_m);
    CHECK(fabs(best_m_iv - 0.770) < 0.5 * 0.0085, "Table IV set: |F1|^2 peaks at %g GeV", best_m_iv);
    /* F1(0) = sum_V f_V m_V / (m_V - i Gamma_V) ~ sum f_V = 0.999 (004 Eq. 31 at m = 0, Table IV) */
    CHECK_REL(sqrt(nr_proton_form_factor_f1_abs2_set(NR_BREM_RESONANCES_PDG, 0.0)), 0.999, 0.02,
              "PDG set: |F1(0)| = sum f_V up to the widths");
    CHECK_REL(nr_proton_form_factor_f1_abs2(0.5), nr_proton_form_factor_f1_abs2_set(NR_BREM_RESONANCES_004_TABLE_IV, 0.5),
              1e-15, "the plain form factor is Table IV as printed");
}

/* Massless-X limit at pT -> 0 (bremsstrahlung.h): the collinear photon splitting off a massive fermion is
 * w = g^2/(8 pi^2 H) [(1+(1-z)^2)/z - 2 z (1-z) m_p^2/H]; at pT = 0, H = z^2 m_p^2, that is g^2 / (8 pi^2 z m_p^2)
 * (the helicity-flip term). 004 Eq. 27 gives exactly that; Blumlein-Brunner (1+(1-z)^2)/z^2 times it. */
static void test_splitting_massless_limit(void)
{
    nr_proton_chiral_couplings dp = nr_proton_couplings_dark_photon(1.0);
    double g2 = NR_E_CHARGE * NR_E_CHARGE, mp2 = NR_M_PROTON * NR_M_PROTON, m = 1e-7;
    for (double z = 0.1; z < 0.95; z += 0.2) {
        double want = g2 / (8 * NR_PI * NR_PI * z * mp2);
        CHECK_REL(nr_brem_splitting(&dp, NR_BREM_SPLITTING_004_EQ27, z, 0.0, m), want, 1e-6,
                  "004 Eq. 27: massless, pT = 0: helicity-flip limit");
        CHECK_REL(nr_brem_splitting(&dp, NR_BREM_SPLITTING_BLUMLEIN_BRUNNER, z, 0.0, m),
                  want * (1 + (1 - z) * (1 - z)) / (z * z), 1e-6, "Blumlein-Brunner: massless, pT = 0");
        /* large pT: both -> g^2/(8 pi^2) (1+(1-z)^2)/(z pT^2) */
        double pt2 = 1e4;
        CHECK_REL(nr_brem_splitting(&dp, NR_BREM_SPLITTING_004_EQ27, z, pt2, m),
                  g2 / (8 * NR_PI * NR_PI) * (1 + (1 - z) * (1 - z)) / (z * pt2), 1e-3, "large pT limit");
    }
}

/* The z window (bremsstrahlung.h): FASER long-lived events converge as z_min -> 0 and the conservative window
 * 0.1 < z < 0.9 loses most of them at 10-100 MeV. */
static void test_z_window(void)
{
    nr_error err;
    nr_proton_chiral_couplings dp = nr_proton_couplings_dark_photon(1.0);
    nr_decay_volume faser = NR_FASER_DECAY_VOLUME;
    double masses[] = {0.01, 0.05, 0.1, 0.5};
    for (int k = 0; k < 4; k++) {
        double m = masses[k], zmin[] = {0.0, 1e-4, 1e-3, 0.1}, n[4];
        for (int j = 0; j < 4; j++) {
            nr_brem_options o = nr_brem_options_default(13600.0);
            o.z_min = zmin[j];
            if (j == 3) o.z_max = NR_BREM_Z_MAX_CONSERVATIVE;
            nr_llp_spectrum s;
            nr_llp_accepted acc;
            CHECK(nr_llp_spectrum_init(&s, m, &err) == NR_OK, "%s", err.message);
            CHECK(nr_llp_spectrum_add_bremsstrahlung(&s, &dp, &o, &err) == NR_OK, "%s", err.message);
            CHECK(nr_llp_accept(&s, &faser, &acc, &err) == NR_OK, "%s", err.message);
            n[j] = nr_llp_events_accepted(&acc, &faser, 1e6 * m, 1.0); /* long-lived: d = p/m ctau > 1e6 m */
            nr_llp_accepted_free(&acc);
            nr_llp_spectrum_free(&s);
        }
        printf("brem FASER long-lived, m = %.2f GeV: z in (0,1) %.4g, (1e-4,1) %.4g, (1e-3,1) %.4g, (0.1,0.9) %.4g: "
               "no window / conservative = %.2f\n", m, n[0], n[1], n[2], n[3], n[0] / n[3]);
        CHECK_REL(n[1], n[0], 0.02, "long-lived rate converged as z_min -> 0");
        CHECK(n[3] < n[0], "the conservative window is lower");
    }
}

/* The grid fill's quadrature nodes (issue 11: sigma_pp(s (1 - z)) from a series about z0 = p / p_beam, bremsstrahlung.c
 * brem_p_node; the splitting function evaluated two nodes at a time, brem_node_terms) against the same midpoint sums
 * written here with nr_brem_dsigma_dz_dpt2_pb, which evaluates sigma_pp in closed form and the splitting function
 * node by node: every filled cell of several angle rows (1e-8 rad to 1.1 rad, so both the series and the closed form
 * are reached), two masses, 13.6 TeV, a vector coupling (the dark photon's, g_L = g_R) and a chiral one (g_L != g_R:
 * the (g_L - g_R)^2 term of 004 Eq. 27 is computed there only): equal to rounding (1e-13 relative). */
/* ... for the couplings dp */
static void test_grid_nodes_at(const nr_proton_chiral_couplings *dp)
{
    nr_error err;
    nr_brem_options o = nr_brem_options_default(13600.0);
    double p_beam = sqrt(0.25 * o.sqrt_s_gev * o.sqrt_s_gev - NR_M_PROTON * NR_M_PROTON), ln10 = log(10.0);
    double h = NR_LLP_CELL_LOG10_WIDTH / o.n_sub;
    const int rows[] = {0, 40, 80, 100, 110, 120, 130, 140, 150, 160};
    const double masses[] = {0.05, 0.4};
    for (int k = 0; k < 2; k++) {
        nr_llp_spectrum s;
        CHECK(nr_llp_spectrum_init(&s, masses[k], &err) == NR_OK, "%s", err.message);
        CHECK(nr_llp_spectrum_add_bremsstrahlung(&s, dp, &o, &err) == NR_OK, "%s", err.message);
        double worst = 0.0;
        long n = 0, extra = 0;
        for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++)
            for (int ip = 0; ip < NR_LLP_N_P; ip++) {
                double ref = 0.0;
                for (int a = 0; a < o.n_sub; a++) {
                    double theta = pow(10.0, NR_LLP_LOG10_THETA_MIN + rows[r] * NR_LLP_CELL_LOG10_WIDTH + (a + 0.5) * h);
                    if (theta >= 0.5 * NR_PI) break;
                    for (int b = 0; b < o.n_sub; b++) {
                        double p = pow(10.0, NR_LLP_LOG10_P_MIN + ip * NR_LLP_CELL_LOG10_WIDTH + (b + 0.5) * h);
                        double z = p * cos(theta) / p_beam, pt2 = p * p * sin(theta) * sin(theta);
                        double jac = (p / p_beam) * (2.0 * p * p * ln10) * (sin(theta) * theta * ln10) * h * h;
                        ref += jac * nr_brem_dsigma_dz_dpt2_pb(dp, &o, z, pt2, masses[k]);
                    }
                }
                double got = s.w_pb[rows[r] * NR_LLP_N_P + ip];
                if (ref > 0.0) {
                    n++;
                    worst = fmax(worst, fabs(got / ref - 1.0));
                } else if (got != 0.0) {
                    extra++;
                }
            }
        printf("grid nodes: g_L = %g, g_R = %g, m = %g GeV, %ld cells, worst relative difference %.2g from the "
               "closed-form sigma_pp\n", dp->g_L, dp->g_R, masses[k], n, worst);
        CHECK(n > 500 && worst < 1e-13 && extra == 0, "grid cells vs closed form: worst %g over %ld, %ld extra", worst, n,
              extra);
        nr_llp_spectrum_free(&s);
    }
}

static void test_grid_nodes(void)
{
    const nr_proton_chiral_couplings couplings[2] = {nr_proton_couplings_dark_photon(1e-3),
                                                     nr_proton_couplings_from_vector_axial(2e-3, 1e-3)};
    for (int ic = 0; ic < 2; ic++)
        test_grid_nodes_at(&couplings[ic]);
}

int main(void)
{
    gsl_set_error_handler_off();
    test_form_factor();
    test_splitting();
    test_pp_cross_section();
    test_spectrum();
    test_resonance_sets();
    test_splitting_massless_limit();
    test_z_window();
    test_grid_nodes();
    return nr_test_summary();
}
