/* test_llp.c: pi0/eta -> X gamma production, two-body kinematics, the LLP grid, acceptance and
 * decay probability (paper 004 Eqs. 22-24, 33-35), and a FASER Run 3 dark-photon sanity figure. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bremsstrahlung.h"
#include "constants.h"
#include "llp.h"
#include "nr_test.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static void test_branching_ratios(void)
{
    nr_error err;
    double br, eps = 1e-4, m = 0.05;
    nr_quark_vector_couplings dp = nr_quark_couplings_dark_photon(eps);
    /* dark photon: R = eps, BR = 2 eps^2 (1 - m^2/m_M^2)^3 BR(gamma gamma) (004 Eqs. 34-35 with R = 1
     * per unit eps; FORESEE's DarkPhoton model uses the same formula) */
    CHECK_REL(nr_meson_anomaly_ratio(111, &dp), eps, 1e-12, "R_pi0 dark photon = eps");
    CHECK_REL(nr_meson_anomaly_ratio(221, &dp), eps, 1e-12, "R_eta dark photon = eps");
    CHECK(nr_meson_br_x_gamma(111, m, &dp, &br, &err) == NR_OK, "%s", err.message);
    double x = 1.0 - m * m / (0.1349768 * 0.1349768);
    CHECK_REL(br, 2.0 * eps * eps * x * x * x * 0.98823, 1e-12, "BR(pi0 -> A' gamma) dark photon");
    CHECK(nr_meson_br_x_gamma(221, 0.3, &dp, &br, &err) == NR_OK, "%s", err.message);
    x = 1.0 - 0.09 / (0.547862 * 0.547862);
    CHECK_REL(br, 2.0 * eps * eps * x * x * x * 0.3936, 1e-12, "BR(eta -> A' gamma) dark photon");
    /* B-L (g_q = g/3): the pi0 anomaly factor is (2 g_u + g_d)/e = g/e (trace over (u,-d) of Q Q_X) */
    nr_quark_vector_couplings bl = {1e-4 / 3, 1e-4 / 3, 1e-4 / 3};
    CHECK_REL(nr_meson_anomaly_ratio(111, &bl), 1e-4 / 0.30282212, 1e-9, "R_pi0 B-L = g/e");
    /* threshold and bad input */
    CHECK(nr_meson_br_x_gamma(111, 0.2, &dp, &br, &err) == NR_OK && br == 0.0, "above threshold -> 0");
    CHECK(nr_meson_br_x_gamma(321, 0.01, &dp, &br, &err) == NR_EINPUT, "K+ not supported");
    CHECK(nr_meson_br_x_gamma(111, -1.0, &dp, &br, &err) == NR_EINPUT, "negative mass");
}

static void test_two_body_kinematics(void)
{
    const double m_pi = 0.1349768;
    double x4[4], g4[4];
    double cases[][4] = {{1000.0, 1e-4, 0.3, 0.05}, {3.0, 0.2, -0.9, 0.13}, {0.05, 2.5, 0.0, 0.01}, {2000, 1e-7, 1.0, 0.1}};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        double p = cases[k][0], th = cases[k][1], cs = cases[k][2], mx = cases[k][3];
        for (double phi = 0.1; phi < 6.3; phi += 1.3) {
            nr_two_body_decay_lab(m_pi, p, th, mx, cs, phi, x4, g4);
            double e_m = sqrt(p * p + m_pi * m_pi);
            double meson[4] = {e_m, p * sin(th), 0.0, p * cos(th)};
            /* four-momentum conservation, mass shells (exact kinematics) */
            for (int i = 0; i < 4; i++)
                CHECK(fabs(x4[i] + g4[i] - meson[i]) <= 1e-12 * e_m, "conservation k=%zu i=%d: %g vs %g", k, i,
                      x4[i] + g4[i], meson[i]);
            double mx2 = x4[0] * x4[0] - x4[1] * x4[1] - x4[2] * x4[2] - x4[3] * x4[3];
            double mg2 = g4[0] * g4[0] - g4[1] * g4[1] - g4[2] * g4[2] - g4[3] * g4[3];
            CHECK(fabs(mx2 - mx * mx) <= 1e-9 * e_m * e_m, "X mass shell %g vs %g", mx2, mx * mx);
            CHECK(fabs(mg2) <= 1e-9 * e_m * e_m, "photon massless %g", mg2);
        }
    }
    /* m_X -> m_M: p* = 0, X takes the meson's momentum */
    nr_two_body_decay_lab(m_pi, 500.0, 1e-3, m_pi, 0.4, 1.0, x4, g4);
    CHECK_REL(x4[3], 500.0 * cos(1e-3), 1e-12, "m_X = m_M: p_z(X) = p_z(meson)");
    CHECK_REL(x4[1], 500.0 * sin(1e-3), 1e-12, "m_X = m_M: p_x(X) = p_x(meson)");
    CHECK(g4[0] == 0.0, "m_X = m_M: photon has no energy (%g)", g4[0]);
}

static void test_meson_spectrum(const nr_hadron_table *pi0)
{
    nr_error err;
    nr_llp_spectrum s;
    CHECK(nr_llp_spectrum_init(&s, 0.05, &err) == NR_OK, "%s", err.message);
    /* no loss in the boost: the X total is N_pi0 x BR */
    CHECK(nr_llp_spectrum_add_meson_decays(&s, pi0, 0.37, NULL, &err) == NR_OK, "%s", err.message);
    CHECK_REL(nr_llp_spectrum_total_pb(&s), 0.37 * pi0->total_pb, 1e-10, "sum X = BR x sum pi0");
    /* m_X close to m_pi0: X follow the pi0 (same cell content for theta < 0.26 mrad, p > 100 GeV) */
    nr_llp_spectrum h;
    CHECK(nr_llp_spectrum_init(&h, 0.1349, &err) == NR_OK, "%s", err.message);
    CHECK(nr_llp_spectrum_add_meson_decays(&h, pi0, 1.0, NULL, &err) == NR_OK, "%s", err.message);
    CHECK_REL(nr_llp_spectrum_sigma_pb(&h, 0.26e-3, 100.0), nr_hadron_table_sigma_pb(pi0, 0.26e-3, 100.0), 0.02,
              "m_X ~ m_pi0: X spectrum = pi0 spectrum (PROVENANCE 1.37e10 pb region)");
    /* above threshold nothing is added */
    nr_llp_spectrum z;
    CHECK(nr_llp_spectrum_init(&z, 0.2, &err) == NR_OK, "%s", err.message);
    CHECK(nr_llp_spectrum_add_meson_decays(&z, pi0, 1.0, NULL, &err) == NR_OK && nr_llp_spectrum_total_pb(&z) == 0.0,
          "m_X > m_pi0 adds nothing");
    /* add_scaled refuses different masses */
    CHECK(nr_llp_spectrum_add_scaled(&s, &h, 1.0, &err) == NR_EINPUT, "different masses");
    nr_llp_spectrum_free(&z);
    CHECK(nr_llp_spectrum_init(&z, -1.0, &err) == NR_EINPUT, "negative mass");
    nr_llp_spectrum_free(&s);
    nr_llp_spectrum_free(&h);
    nr_llp_spectrum_free(&z);
}

static void test_decay_probability(void)
{
    double L = 478.5, l = 1.5;
    /* long-lived limit d >> L: P -> l/d (expansion of Eq. 23) */
    CHECK_REL(nr_llp_decay_probability(L, l, 1e9), l / 1e9, 1e-6, "P(d >> L) = l/d");
    /* short-lived: P -> 0 */
    CHECK(nr_llp_decay_probability(L, l, 1.0) < 1e-200, "P(d << L) -> 0 (exp(-478.5))");
    /* no shield: P = 1 - exp(-l/d) */
    CHECK_REL(nr_llp_decay_probability(0.0, l, 2.0), 1.0 - exp(-0.75), 1e-14, "P(L = 0)");
    /* maximum over d at d* = l / ln((L+l)/L), P_max = (L/(L+l))^(L/l) * l/(L+l) (dP/dd = 0) */
    double d_star = l / log((L + l) / L);
    double p_max = pow(L / (L + l), L / l) * l / (L + l);
    CHECK_REL(nr_llp_decay_probability(L, l, d_star), p_max, 1e-10, "P at its maximum");
    CHECK(nr_llp_decay_probability(L, l, d_star * 1.01) < p_max && nr_llp_decay_probability(L, l, d_star * 0.99) < p_max,
          "P_max is a maximum");
    CHECK(nr_llp_decay_probability(L, l, -1.0) == 0.0 && nr_llp_decay_probability(L, l, NAN) == 0.0, "bad d");
}

static void test_acceptance_and_events(void)
{
    nr_error err;
    nr_llp_spectrum s;
    nr_decay_volume faser = NR_FASER_DECAY_VOLUME;
    double m = 0.1, w = 2.0;
    CHECK(nr_llp_spectrum_init(&s, m, &err) == NR_OK, "%s", err.message);
    /* one cell well inside the acceptance (theta_acc = 0.1/480 = 2.08e-4 rad) at p ~ 1 TeV */
    nr_llp_spectrum_fill(&s, 1e-5, 1000.0, w);
    /* one cell well outside */
    nr_llp_spectrum_fill(&s, 1e-2, 1000.0, 5.0);
    nr_llp_accepted acc;
    CHECK(nr_llp_accept(&s, &faser, &acc, &err) == NR_OK, "%s", err.message);
    CHECK_REL(acc.total_pb, w, 1e-12, "accepted = the cell inside");
    /* long-lived: N = lumi * w * l * m/ctau * <1/p>, <1/p> over a cell uniform in log10 p:
     * (1/p_lo - 1/p_hi) / ln(p_hi/p_lo) (analytic average) */
    int ip = (int)floor((3.0 - NR_LLP_LOG10_P_MIN) / NR_LLP_CELL_LOG10_WIDTH);
    double p_lo = pow(10.0, NR_LLP_LOG10_P_MIN + ip * 0.05), p_hi = p_lo * pow(10.0, 0.05);
    double inv_p = (1.0 / p_lo - 1.0 / p_hi) / log(p_hi / p_lo);
    double ctau = 1e7;
    CHECK_REL(nr_llp_events_accepted(&acc, &faser, ctau, 150.0), 150.0 * 1e3 * w * 1.5 * m / ctau * inv_p, 1e-3,
              "long-lived events = L w l m <1/p> / ctau");
    double ev = -1;
    CHECK(nr_llp_events(&s, ctau, &faser, 150.0, &ev, &err) == NR_OK, "%s", err.message);
    CHECK_REL(ev, nr_llp_events_accepted(&acc, &faser, ctau, 150.0), 1e-14, "one-call = two-step");
    CHECK(nr_llp_events(&s, -1.0, &faser, 150.0, &ev, &err) == NR_EINPUT, "negative ctau");
    nr_decay_volume bad = {478.5, 1.5, 0.0};
    CHECK(nr_llp_events(&s, 1.0, &bad, 150.0, &ev, &err) == NR_EINPUT, "zero radius");
    /* a cell straddling theta_acc: the accepted fraction is linear in log10 theta */
    nr_llp_spectrum t;
    CHECK(nr_llp_spectrum_init(&t, m, &err) == NR_OK, "%s", err.message);
    double lt_acc = log10(atan(0.1 / 480.0));
    int it = (int)floor((lt_acc - NR_LLP_LOG10_THETA_MIN) / 0.05);
    nr_llp_spectrum_fill(&t, pow(10.0, nr_llp_cell_log10_theta(it)), 1000.0, 1.0);
    nr_llp_accepted acc2;
    CHECK(nr_llp_accept(&t, &faser, &acc2, &err) == NR_OK, "%s", err.message);
    CHECK_REL(acc2.total_pb, (lt_acc - (NR_LLP_LOG10_THETA_MIN + it * 0.05)) / 0.05, 1e-9, "partial cell");
    nr_llp_accepted_free(&acc);
    nr_llp_accepted_free(&acc2);
    nr_llp_spectrum_free(&s);
    nr_llp_spectrum_free(&t);
}

/* Linear interpolation in a two-column FORESEE/DarkCast file (test only: the engine takes widths from
 * the model code). Returns -1 on failure. */
static double interpolate_two_column_file(const char *path, double x)
{
    FILE *f = fopen(path, "r");
    if (!f) return -1.0;
    double x0 = 0, y0 = 0, x1, y1, out = -1.0;
    int first = 1;
    while (fscanf(f, "%lf %lf", &x1, &y1) == 2) {
        if (!first && x >= x0 && x <= x1) {
            out = y0 + (y1 - y0) * (x - x0) / (x1 - x0);
            break;
        }
        x0 = x1, y0 = y1, first = 0;
    }
    fclose(f);
    return out;
}

/* FASER Run 3 (13.6 TeV tables, 004 Table V geometry, 150 fb^-1) dark photon, pi0 + eta + brem. */
static void faser_dark_photon_point(const nr_hadron_table *pi0, const nr_hadron_table *eta, double m, double eps,
                                    double *events, double *t_build, double *t_event)
{
    nr_error err;
    char path[512];
    snprintf(path, sizeof path, "%s/darkcast/FORESEE_DarkPhoton_br_DarkCast/ctau_DarkCast.txt", nr_test_data_dir());
    double ctau1 = interpolate_two_column_file(path, m); /* c tau [m] at eps = 1 */
    snprintf(path, sizeof path, "%s/darkcast/FORESEE_DarkPhoton_br_DarkCast/e_e.txt", nr_test_data_dir());
    double br_ee = interpolate_two_column_file(path, m);
    CHECK(ctau1 > 0 && br_ee > 0, "DarkCast tables readable (%g, %g)", ctau1, br_ee);
    double t0 = now_s();
    nr_llp_spectrum s;
    nr_quark_vector_couplings q = nr_quark_couplings_dark_photon(1.0); /* reference coupling eps = 1 */
    double br_pi, br_eta;
    CHECK(nr_llp_spectrum_init(&s, m, &err) == NR_OK, "%s", err.message);
    CHECK(nr_meson_br_x_gamma(111, m, &q, &br_pi, &err) == NR_OK, "%s", err.message);
    CHECK(nr_meson_br_x_gamma(221, m, &q, &br_eta, &err) == NR_OK, "%s", err.message);
    CHECK(nr_llp_spectrum_add_meson_decays(&s, pi0, br_pi, NULL, &err) == NR_OK, "%s", err.message);
    CHECK(nr_llp_spectrum_add_meson_decays(&s, eta, br_eta, NULL, &err) == NR_OK, "%s", err.message);
    nr_proton_chiral_couplings pc = nr_proton_couplings_dark_photon(1.0);
    nr_brem_options bo = nr_brem_options_default(13600.0);
    CHECK(nr_llp_spectrum_add_bremsstrahlung(&s, &pc, &bo, &err) == NR_OK, "%s", err.message);
    nr_decay_volume faser = NR_FASER_DECAY_VOLUME;
    nr_llp_accepted acc;
    CHECK(nr_llp_accept(&s, &faser, &acc, &err) == NR_OK, "%s", err.message);
    double t1 = now_s();
    int n_couplings = 50;
    double sink = 0.0;
    for (int k = 0; k < n_couplings; k++) {
        double e = eps * pow(10.0, 0.01 * (k - 25));
        sink += e * e * nr_llp_events_accepted(&acc, &faser, ctau1 / (e * e), 150.0) * br_ee;
    }
    double t2 = now_s();
    *events = eps * eps * nr_llp_events_accepted(&acc, &faser, ctau1 / (eps * eps), 150.0) * br_ee;
    *t_build = t1 - t0;
    *t_event = (t2 - t1) / n_couplings;
    CHECK(sink > 0, "scan ran");
    nr_llp_accepted_free(&acc);
    nr_llp_spectrum_free(&s);
}

/* Marsaglia's xorshift64 (J. Stat. Softw. 8 (2003) 14, shifts 13, 7, 17): the next state in *x and a uniform
 * number in [0, 1) from its top 53 bits */
static double xorshift_uniform(unsigned long long *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return (double)(*x >> 11) / 9007199254740992.0;
}

/* Cells of two spectra that differ (bit for bit), and cells of a that are filled */
static void compare_cells(const nr_llp_spectrum *a, const nr_llp_spectrum *b, size_t *differ, size_t *filled)
{
    for (int c = 0; c < NR_LLP_N_THETA * NR_LLP_N_P; c++) {
        *differ += a->w_pb[c] != b->w_pb[c];
        *filled += a->w_pb[c] > 0;
    }
}

/* nr_llp_spectrum_fill_pt2_pz (cells from tan^2 theta and p^2 by table lookup, issue 11) against
 * nr_llp_spectrum_fill(atan2(p_T, p_z), |p|) (log10 of both): 400k directions, log-uniform in p_T and |p_z| over
 * 1e-6..1e7 GeV, a tenth with p_z < 0 (so below, across and above both grids, and beyond 90 degrees), each with its
 * own weight 1 + 1e-6 k, filled by both routes into two spectra that must come out equal cell by cell: a direction
 * in another cell changes two cells. The routes may differ only within rounding (~1e-16) of a cell edge, which
 * random directions do not hit; a wrong table entry or an off-by-one would. */
static void test_fill_pt2_pz(void)
{
    nr_llp_spectrum a, b;
    nr_error err;
    CHECK(nr_llp_spectrum_init(&a, 0.1, &err) == NR_OK && nr_llp_spectrum_init(&b, 0.1, &err) == NR_OK, "init");
    if (!a.w_pb || !b.w_pb)
        return;
    unsigned long long x = 88172645463325252ULL; /* fixed seed */
    const size_t n = 400000;
    for (size_t k = 0; k < n; k++) {
        double u[3];
        for (int j = 0; j < 3; j++)
            u[j] = xorshift_uniform(&x);
        const double pt = pow(10.0, -6.0 + 13.0 * u[0]), pz = (u[2] < 0.1 ? -1.0 : 1.0) * pow(10.0, -6.0 + 13.0 * u[1]);
        const double w = 1.0 + 1e-6 * (double)k;
        nr_llp_spectrum_fill(&a, atan2(pt, pz), sqrt(pt * pt + pz * pz), w);
        nr_llp_spectrum_fill_pt2_pz(&b, pt * pt, pz, w);
    }
    size_t differ = 0, filled = 0;
    compare_cells(&a, &b, &differ, &filled);
    printf("fill_pt2_pz: %zu random directions over %zu cells, %zu cells differ from atan2 + log10\n", n, filled, differ);
    CHECK(filled > 5000, "the directions cover the grid (%zu cells)", filled);
    CHECK(differ == 0, "cells from the squares = cells from atan2 and log10 (%zu cells differ)", differ);
    nr_llp_spectrum_free(&a);
    nr_llp_spectrum_free(&b);
}

/* nr_llp_spectrum_fill_same_p (the momentum cell once for the azimuths of one rest-frame polar angle, issue 11)
 * against nr_llp_spectrum_fill_pt2_pz per direction: 50k two-body boosts with p_par (either sign) and p_perp
 * log-uniform over 1e-6..1e7 GeV, a parent angle log-uniform over 1e-7..3 rad and 8 azimuths on [0, pi] each, as
 * zd_hnl's fill_two_body builds them; p^2 = p_par^2 + p_perp^2 for the batch, p_T^2 + p_z^2 per direction. The
 * spectra must be equal cell by cell (the same sums in the same order); they could differ only for a p^2 within
 * rounding of a cell edge, which random directions do not hit, while a wrong momentum cell would show. */
static void test_fill_same_p(void)
{
    nr_llp_spectrum a, b;
    nr_error err;
    CHECK(nr_llp_spectrum_init(&a, 0.1, &err) == NR_OK && nr_llp_spectrum_init(&b, 0.1, &err) == NR_OK, "init");
    if (!a.w_pb || !b.w_pb)
        return;
    unsigned long long x = 2463534242ULL; /* fixed seed */
    const size_t n = 50000;
    size_t backward = 0;
    for (size_t k = 0; k < n; k++) {
        double u[4];
        for (int j = 0; j < 4; j++)
            u[j] = xorshift_uniform(&x);
        const double p_par = (u[3] < 0.1 ? -1.0 : 1.0) * pow(10.0, -6.0 + 13.0 * u[0]);
        const double p_perp = pow(10.0, -6.0 + 13.0 * u[1]), theta = pow(10.0, -7.0 + 7.5 * u[2]);
        const double st = sin(theta), ct = cos(theta), w = 1.0 + 1e-6 * (double)k;
        double pt2[8], pz[8];
        for (int iph = 0; iph < 8; iph++) {
            const double phi = (iph + 0.5) * NR_PI / 8;
            const double xx = p_par * st + p_perp * cos(phi) * ct, yy = p_perp * sin(phi);
            pz[iph] = p_par * ct - p_perp * cos(phi) * st;
            pt2[iph] = xx * xx + yy * yy;
            backward += !(pz[iph] > 0);
            nr_llp_spectrum_fill_pt2_pz(&a, pt2[iph], pz[iph], w);
        }
        nr_llp_spectrum_fill_same_p(&b, p_par * p_par + p_perp * p_perp, 8, pt2, pz, w);
    }
    size_t differ = 0, filled = 0;
    compare_cells(&a, &b, &differ, &filled);
    printf("fill_same_p: %zu boosts x 8 azimuths (%zu backward) over %zu cells, %zu cells differ from fill_pt2_pz\n",
           n, backward, filled, differ);
    CHECK(filled > 5000 && backward > 1000, "the directions cover the grid (%zu cells, %zu backward)", filled,
          backward);
    CHECK(differ == 0, "one momentum cell per boost = per-direction cells (%zu cells differ)", differ);
    nr_llp_spectrum_free(&a);
    nr_llp_spectrum_free(&b);
}

/* nr_llp_bands (what nr_llp_accept reads, summed per momentum column in bands of angle rows) against the grid: random
 * boosts of 8 azimuths each into a spectrum (nr_llp_spectrum_fill_same_p) and into bands for two volumes (a FASER 2-like
 * decay volume, radius 1 m at 627.5-632.5 m, and a narrower cone), each direction into the lowest band with p_T^2 < tan2_top p_z^2 (as
 * zd_hnl's fill_node_into_bands); nr_llp_accept of the spectrum and nr_llp_bands_accept list the same momenta, and
 * weights equal up to the order of the additions. */
static void test_bands(void)
{
    const nr_decay_volume v[2] = {{627.5, 5.0, 1.0}, {624.0, 1.5, 0.23}};
    for (int k = 0; k < 2; k++) {
        const int last_row = nr_llp_accept_last_row(&v[k]);
        CHECK(last_row > 80 && last_row < 120, "the volume's cone (%.3g rad) reads rows 0..%d",
              nr_decay_volume_theta_acc(&v[k]), last_row);
    }
    CHECK(nr_llp_accept_last_row(&(nr_decay_volume){627.5, 5.0, -1.0}) == -1, "no rows for an invalid volume");
    nr_llp_spectrum a;
    nr_llp_bands bands;
    nr_error err;
    CHECK(nr_llp_spectrum_init(&a, 0.1, &err) == NR_OK && nr_llp_bands_init(&bands, 0.1, 2, v, &err) == NR_OK,
          "init: %s", err.message);
    nr_llp_bands failed;
    CHECK(nr_llp_bands_init(&failed, 0.1, 1, &(nr_decay_volume){1.0, 1.0, 100.0}, &err) == NR_EINPUT,
          "rows beyond 90 degrees");
    /* bands without a band (a failed init) keep no direction: no read before tan2_top[0] (UBSan's bounds check) */
    CHECK(failed.n_bands == 0 && nr_llp_bands_top_angle(&failed) == 0.0, "no band: top angle %g",
          nr_llp_bands_top_angle(&failed));
    nr_llp_bands_free(&failed);
    if (!a.w_pb || !bands.w_pb)
        return;
    /* two cones: rows with both fractions 1, each edge row, and (the wider cone's) the rows between */
    CHECK(bands.n_bands >= 3 && bands.n_bands <= 4 && bands.f[0][0] == 1.0 && bands.f[1][0] == 1.0 &&
              bands.f[0][bands.n_bands - 1] > 0 && bands.f[1][bands.n_bands - 1] == 0.0,
          "%d bands, fractions of the top one %g, %g", bands.n_bands, bands.f[0][bands.n_bands - 1],
          bands.f[1][bands.n_bands - 1]);
    CHECK_REL(nr_llp_bands_top_angle(&bands),
              pow(10.0, NR_LLP_LOG10_THETA_MIN + (nr_llp_accept_last_row(&v[0]) + 1) * NR_LLP_CELL_LOG10_WIDTH), 1e-12,
              "the top band ends at the upper edge of the wider cone's last row");
    unsigned long long x = 1181783497276652981ULL; /* fixed seed */
    const size_t n = 50000;
    for (size_t k = 0; k < n; k++) {
        double u[3];
        for (int j = 0; j < 3; j++)
            u[j] = xorshift_uniform(&x);
        const double p_par = pow(10.0, -1.0 + 5.0 * u[0]), p_perp = p_par * pow(10.0, -5.0 + 4.0 * u[1]);
        const double theta = pow(10.0, -6.0 + 5.0 * u[2]), st = sin(theta), ct = cos(theta), w = 1.0 + 1e-6 * (double)k;
        const double p2 = p_par * p_par + p_perp * p_perp;
        double pt2[8], pz[8];
        for (int iph = 0; iph < 8; iph++) {
            const double phi = (iph + 0.5) * NR_PI / 8;
            const double xx = p_par * st + p_perp * cos(phi) * ct, yy = p_perp * sin(phi);
            pz[iph] = p_par * ct - p_perp * cos(phi) * st;
            pt2[iph] = xx * xx + yy * yy;
            for (int b = 0; b < bands.n_bands && pz[iph] > 0; b++)
                if (pt2[iph] < bands.tan2_top[b] * pz[iph] * pz[iph]) {
                    nr_llp_bands_column(&bands, p2)[b] += w;
                    break;
                }
        }
        nr_llp_spectrum_fill_same_p(&a, p2, 8, pt2, pz, w);
    }
    for (int k = 0; k < 2; k++) {
        nr_llp_accepted acc_a, acc_b;
        CHECK(nr_llp_accept(&a, &v[k], &acc_a, &err) == NR_OK && nr_llp_bands_accept(&bands, k, &acc_b, &err) == NR_OK,
              "accept: %s", err.message);
        double max_dev = 0.0;
        const int same = acc_a.n > 100 && acc_a.n == acc_b.n;
        for (size_t i = 0; same && i < acc_a.n; i++)
            max_dev = fmax(max_dev, fabs(acc_b.weight_pb[i] / acc_a.weight_pb[i] - 1.0));
        printf("bands: volume %d, %zu momenta, weights within %.2g of the grid's\n", k, acc_a.n, max_dev);
        CHECK(same && memcmp(acc_a.p_gev, acc_b.p_gev, acc_a.n * sizeof(double)) == 0,
              "the same momenta listed (%zu and %zu)", acc_a.n, acc_b.n);
        CHECK(max_dev < 1e-13, "weights equal up to rounding (%.3g)", max_dev);
        CHECK_REL(acc_b.total_pb, acc_a.total_pb, 1e-13, "the accepted totals");
        nr_llp_accepted_free(&acc_a);
        nr_llp_accepted_free(&acc_b);
    }
    CHECK(nr_llp_bands_accept(&bands, 2, &(nr_llp_accepted){0}, &err) == NR_EINTERNAL, "no third volume");
    nr_llp_bands_free(&bands);
    nr_llp_spectrum_free(&a);
}

/* A region like zd_hnl's (zd_region): every angle cell at low momenta, a cone narrowing with momentum above, the
 * volume's rows 0-104 under it, and some momentum columns left out entirely (it_max = -1). */
static void test_region_init(nr_llp_cell_region *r)
{
    for (int ip = 0; ip < NR_LLP_N_P; ip++)
        r->it_max[ip] = ip % 17 == 3 ? -1 : ip < 40 ? NR_LLP_N_THETA - 1 : 104 + (NR_LLP_N_P - ip) / 4;
}

/* The restricted fills (issue 11, nr_llp_cell_region) against the full ones: every cell of the region equal to the
 * last bit (the same sums in the same order), and the restriction does skip work (cells outside the region left
 * empty by the bremsstrahlung, meson weight not filled), so that the comparison is not vacuous. The Z_D of zd_hnl
 * Fig. 4 (m_ZD = 0.05 and 0.4 GeV, eps = 1e-3) at 13.6 TeV. */
static void test_region_fills(const nr_hadron_table *pi0, const nr_hadron_table *eta)
{
    nr_error err;
    nr_llp_cell_region region;
    test_region_init(&region);
    const double masses[2] = {0.05, 0.4};
    for (int k = 0; k < 2; k++) {
        nr_llp_spectrum full, part;
        if (nr_llp_spectrum_init(&full, masses[k], &err) != NR_OK || nr_llp_spectrum_init(&part, masses[k], &err) != NR_OK) {
            CHECK(0, "%s", err.message);
            return;
        }
        /* mesons: the sampling of zd_hnl.c */
        const nr_meson_decay_sampling smp = {1, 16, 6};
        const nr_hadron_table *m = k == 0 ? pi0 : eta;
        CHECK(nr_llp_spectrum_add_meson_decays(&full, m, 0.01, &smp, &err) == NR_OK, "%s", err.message);
        CHECK(nr_llp_spectrum_add_meson_decays_in(&part, m, 0.01, &smp, &region, &err) == NR_OK, "%s", err.message);
        long differ = 0, in_region = 0;
        for (int it = 0; it < NR_LLP_N_THETA; it++)
            for (int ip = 0; ip < NR_LLP_N_P; ip++)
                if (it <= region.it_max[ip]) {
                    in_region += full.w_pb[it * NR_LLP_N_P + ip] > 0;
                    differ += full.w_pb[it * NR_LLP_N_P + ip] != part.w_pb[it * NR_LLP_N_P + ip];
                }
        double t_full = nr_llp_spectrum_total_pb(&full), t_part = nr_llp_spectrum_total_pb(&part);
        printf("region: m = %g GeV meson decays: %ld filled region cells, %ld differ; %.3g of %.3g pb filled\n",
               masses[k], in_region, differ, t_part, t_full);
        CHECK(in_region > 1000 && differ == 0, "meson decays in the region: %ld of %ld cells differ", differ, in_region);
        CHECK(t_part < 0.999 * t_full, "some mesons skipped: %g of %g pb", t_part, t_full);
        /* bremsstrahlung into the same spectra (on top of the mesons, as zd_spectrum does) */
        const nr_proton_chiral_couplings pc = nr_proton_couplings_dark_photon(1e-3);
        const nr_brem_options opt = nr_brem_options_default(13600.0);
        memset(full.w_pb, 0, sizeof(double) * NR_LLP_N_THETA * NR_LLP_N_P);
        memset(part.w_pb, 0, sizeof(double) * NR_LLP_N_THETA * NR_LLP_N_P);
        CHECK(nr_llp_spectrum_add_bremsstrahlung(&full, &pc, &opt, &err) == NR_OK, "%s", err.message);
        CHECK(nr_llp_spectrum_add_bremsstrahlung_in(&part, &pc, &opt, &region, &err) == NR_OK, "%s", err.message);
        long outside = 0, outside_full = 0;
        differ = in_region = 0;
        for (int it = 0; it < NR_LLP_N_THETA; it++)
            for (int ip = 0; ip < NR_LLP_N_P; ip++) {
                const double f = full.w_pb[it * NR_LLP_N_P + ip], g = part.w_pb[it * NR_LLP_N_P + ip];
                if (it <= region.it_max[ip]) {
                    in_region += f > 0;
                    differ += f != g;
                } else {
                    outside += g != 0.0;
                    outside_full += f > 0;
                }
            }
        printf("region: m = %g GeV bremsstrahlung: %ld filled region cells, %ld differ; %ld outside (%ld in the full)\n",
               masses[k], in_region, differ, outside, outside_full);
        CHECK(in_region > 1000 && differ == 0, "bremsstrahlung in the region: %ld of %ld cells differ", differ, in_region);
        CHECK(outside == 0 && outside_full > 100, "bremsstrahlung outside the region: %ld cells filled (full: %ld)",
              outside, outside_full);
        nr_llp_spectrum_free(&full);
        nr_llp_spectrum_free(&part);
    }
}

int main(void)
{
    test_fill_pt2_pz();
    test_fill_same_p();
    test_bands();
    test_branching_ratios();
    test_two_body_kinematics();
    test_decay_probability();
    test_acceptance_and_events();

    nr_hadron_table pi0, eta;
    nr_error err;
    int ok = nr_hadron_table_load(nr_test_data_dir(), "13.6TeV", "EPOSLHC", 111, &pi0, &err) == NR_OK;
    CHECK(ok, "%s", err.message);
    ok = ok && nr_hadron_table_load(nr_test_data_dir(), "13.6TeV", "EPOSLHC", 221, &eta, &err) == NR_OK;
    CHECK(ok, "%s", err.message);
    if (ok) {
        test_meson_spectrum(&pi0);
        test_region_fills(&pi0, &eta);
        /* FASER Run 3 reach (arXiv:1811.12522, dark photon figure): eps ~ 1e-5..1e-4 at 10-100 MeV, so both
         * points lie inside the reach (>= 3 events). Loose sanity band [3, 3000]: a back-of-envelope count
         * (1e10 pb of pi0 in the acceptance x BR x 1.5e5 pb^-1 x P_dec ~ 1e-3) gives ~1e2 and ~1e3. */
        double points[2][2] = {{0.05, 1e-5}, {0.02, 3e-5}};
        for (int k = 0; k < 2; k++) {
            double n, tb, te;
            faser_dark_photon_point(&pi0, &eta, points[k][0], points[k][1], &n, &tb, &te);
            printf("FASER Run3 dark photon m=%.3f GeV eps=%.1e: %.3g e+e- events (spectrum+accept %.3f s, %.2g s per coupling)\n",
                   points[k][0], points[k][1], n, tb, te);
            CHECK(n > 3.0 && n < 3000.0, "inside the Run 3 reach: events at m=%g eps=%g: got %g", points[k][0], points[k][1], n);
        }
        nr_hadron_table_free(&pi0);
        nr_hadron_table_free(&eta);
    }
    return nr_test_summary();
}
