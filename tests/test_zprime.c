/* test_zprime.c: the Z' couplings, widths, branching fractions and c tau of physics/zprime.c and the DarkCast
 * VMD reader physics/darkcast.c, against paper 004 (Table I, Eq. 1, Eq. 3, Table III, Eqs. 17-21), analytic
 * limits, and the installed dark-photon tables of FORESEE/DarkCast (data/darkcast/FORESEE_DarkPhoton_br_DarkCast,
 * read at run time; PROVENANCE.txt D2). Set NR_TEST_VERBOSE=1 to print the worst deviations. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "constants.h"
#include "darkcast.h"
#include "nr_test.h"
#include "zprime.h"

#define N_XH 7
static const double xh_values[N_XH] = {-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0};

/* ------------------------------------------------------------------ helpers ---- */

typedef struct {
    size_t n;
    double m[4096], v[4096];
} two_columns;

static int read_two_columns(const char *path, two_columns *t)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    t->n = 0;
    while (t->n < 4096 && fscanf(f, "%lf %lf", &t->m[t->n], &t->v[t->n]) == 2)
        t->n++;
    fclose(f);
    return t->n > 0;
}

static nr_darkcast *load_tables(void)
{
    nr_darkcast *dc = NULL;
    nr_error err;
    nr_status st = nr_darkcast_load(nr_test_data_dir(), &dc, &err);
    CHECK(st == NR_OK && dc, "load DarkCast tables from %s: %s %s", nr_test_data_dir(), err.where, err.message);
    return dc;
}

static nr_zprime_widths widths_at(const nr_zprime_couplings *c, const nr_darkcast *dc, double m,
                                  const nr_zprime_options *opt)
{
    nr_zprime_widths w;
    nr_error err;
    nr_status st = nr_zprime_widths_compute(c, dc, m, opt, &w, &err);
    CHECK(st == NR_OK, "widths at m = %g: %s", m, err.message);
    return w;
}

/* ------------------------------------------------------------------ darkcast.c ---- */

static void test_darkcast_reader(const nr_darkcast *dc)
{
    /* PROVENANCE.txt D1: rf.pi+_pi-.rho0.dat peaks at R = 9.36 at 0.7775 GeV (a tabulated point) */
    CHECK_REL(nr_darkcast_r(dc, NR_DC_PIPI_RHO0, 0.7775), 9.36, 0.005, "R(pi pi, rho) at the rho peak");
    /* PROVENANCE D1: K K peaks at 40.6 at 1.019 GeV, pi+pi-pi0 (omega) 11.2 at 0.7825 */
    CHECK_REL(nr_darkcast_r(dc, NR_DC_KK_PHI, 1.019), 40.6, 0.01, "R(K K, phi) at the phi peak");
    CHECK_REL(nr_darkcast_r(dc, NR_DC_PIPIPI0_OMEGA, 0.7825), 11.2, 0.01, "R(3 pi, omega) at the omega peak");
    /* outside the tables: 0 (first pi pi point is 0.28 GeV; all tables end at 2 GeV) */
    CHECK(nr_darkcast_r(dc, NR_DC_PIPI_RHO0, 0.2) == 0.0, "R = 0 below the table");
    CHECK(nr_darkcast_r(dc, NR_DC_OTHER_RHO0, 2.5) == 0.0, "R = 0 above the table");
    CHECK(nr_darkcast_r(dc, (nr_darkcast_table)99, 1.0) == 0.0, "invalid table: 0");
    CHECK(nr_darkcast_r(NULL, NR_DC_PIPI_RHO0, 0.7) == 0.0, "NULL tables: 0");
    CHECK_ABS(nr_darkcast_vmd_m_max(dc), 2.0, 1e-9, "VMD tables end at 2 GeV (PROVENANCE D1)");
    /* linear interpolation: half-way between two grid points (0.5 MeV apart) is the mean */
    const double m0 = 0.7775, m1 = 0.7780;
    const double mid = 0.5 * (nr_darkcast_r(dc, NR_DC_PIPI_RHO0, m0) + nr_darkcast_r(dc, NR_DC_PIPI_RHO0, m1));
    CHECK_REL(nr_darkcast_r(dc, NR_DC_PIPI_RHO0, 0.5 * (m0 + m1)), mid, 1e-9, "linear interpolation");

    /* VMD constants, 1801.04847 / PROVENANCE D1: dark photon Q = e diag(2/3,-1/3,-1/3) gives R_V Tr(T_V Q)
     * = e for rho and omega and -e for phi (so Gamma(pi pi)/Gamma(mu mu) = R at the rho peak). */
    CHECK_REL(nr_vmd_meson_coupling(NR_VMD_RHO0, 2.0 / 3, -1.0 / 3, -1.0 / 3), 1.0, 1e-12, "rho: e");
    CHECK_REL(nr_vmd_meson_coupling(NR_VMD_OMEGA, 2.0 / 3, -1.0 / 3, -1.0 / 3), 1.0, 1e-12, "omega: e");
    CHECK_REL(nr_vmd_meson_coupling(NR_VMD_PHI, 2.0 / 3, -1.0 / 3, -1.0 / 3), -1.0, 1e-12, "phi: -e");

    nr_darkcast *bad = (nr_darkcast *)1;
    nr_error err;
    CHECK(nr_darkcast_load("/nonexistent-dir", &bad, &err) == NR_EDATA && bad == NULL, "missing dir: NR_EDATA");
    nr_darkcast_free(NULL);
}

/* ------------------------------------------------------------------ charges (004 Table I, Eqs. 1, 3) ---- */

static void test_table1_charges(void)
{
    /* 004 Table I, x_Phi = 1, columns x_H = -2, -1, -0.5, 0, 0.5, 1, 2. Two printed entries disagree with the
     * Table's own formulas and are replaced by the formula values (errata): q_L at x_H = 2 is printed 1/3,
     * x_H/6 + 1/3 = 2/3; u_R at x_H = 0.5 is printed 1/2, 2x_H/3 + 1/3 = 2/3. l_L at x_H = 0.5 reads "5/4" in
     * the text copy (sign lost): -5/4. */
    static const double q[N_XH] = {0, 1.0 / 6, 1.0 / 4, 1.0 / 3, 5.0 / 12, 1.0 / 2, 2.0 / 3 /* printed 1/3 */};
    static const double u[N_XH] = {-1, -1.0 / 3, 0, 1.0 / 3, 2.0 / 3 /* printed 1/2 */, 1, 5.0 / 3};
    static const double d[N_XH] = {1, 2.0 / 3, 1.0 / 2, 1.0 / 3, 1.0 / 6, 0, -1.0 / 3};
    static const double l[N_XH] = {0, -1.0 / 2, -3.0 / 4, -1, -5.0 / 4, -3.0 / 2, -2};
    static const double e[N_XH] = {1, 0, -1.0 / 2, -1, -3.0 / 2, -2, -3};
    static const double h[N_XH] = {1, 1.0 / 2, 1.0 / 4, 0, -1.0 / 4, -1.0 / 2, -1};
    for (int i = 0; i < N_XH; i++) {
        nr_u1x_charges ch;
        nr_u1x_charges_compute(xh_values[i], 1.0, &ch);
        char what[64];
        snprintf(what, sizeof what, "Table I x_H = %g", xh_values[i]);
        CHECK(fabs(ch.q - q[i]) < 1e-12 && fabs(ch.u - u[i]) < 1e-12 && fabs(ch.d - d[i]) < 1e-12 &&
                  fabs(ch.l - l[i]) < 1e-12 && fabs(ch.e - e[i]) < 1e-12 && fabs(ch.h - h[i]) < 1e-12 &&
                  fabs(ch.nu_r + 1.0) < 1e-12 && fabs(ch.phi - 2.0) < 1e-12,
              "%s: q %g u %g d %g l %g e %g h %g nu %g phi %g", what, ch.q, ch.u, ch.d, ch.l, ch.e, ch.h,
              ch.nu_r, ch.phi);
    }
}

/* Eq. (1) anomaly conditions and Eq. (3) Yukawa neutrality, for arbitrary (x_H, x_Phi): a derived check. */
static void test_anomaly_cancellation(void)
{
    static const double points[][2] = {{-2, 1}, {0, 1}, {1, 1}, {0.37, -1.3}, {-4.0 / 3, 0.6}, {2.5, 0}};
    for (size_t i = 0; i < sizeof points / sizeof points[0]; i++) {
        nr_u1x_charges c;
        nr_u1x_charges_compute(points[i][0], points[i][1], &c);
        const double x_h = points[i][0], x_phi = points[i][1];
        const double su3 = 2 * c.q - c.u - c.d;
        const double su2 = 3 * c.q + c.l;
        const double y2 = c.q - 8 * c.u - 2 * c.d + 3 * c.l - 6 * c.e;
        const double x2y = c.q * c.q - 2 * c.u * c.u + c.d * c.d - c.l * c.l + c.e * c.e;
        const double x3 = 6 * pow(c.q, 3) - 3 * pow(c.u, 3) - 3 * pow(c.d, 3) + 2 * pow(c.l, 3) - pow(c.nu_r, 3) -
                          pow(c.e, 3);
        const double grav = 6 * c.q - 3 * c.u - 3 * c.d + 2 * c.l - c.nu_r - c.e;
        CHECK(fabs(su3) + fabs(su2) + fabs(y2) + fabs(x2y) + fabs(x3) + fabs(grav) < 1e-12,
              "anomalies at (%g, %g): %g %g %g %g %g %g", x_h, x_phi, su3, su2, y2, x2y, x3, grav);
        /* Yukawa neutrality of Eq. (2) with the H charge -x_H/2 of Table I: -q + u = q - d = l - e = -l + nu
         * = -x_H^(H) = +x_H/2 (Eq. (3) prints -x_H/2 here: a sign slip, errata), and 2 x_Phi = -2 nu. */
        const double yuk = fabs(-c.q + c.u + c.h) + fabs(c.q - c.d + c.h) + fabs(c.l - c.e + c.h) +
                           fabs(-c.l + c.nu_r + c.h) + fabs(c.h + x_h / 2) + fabs(c.phi + 2 * c.nu_r);
        CHECK(yuk < 1e-12, "Yukawa neutrality at (%g, %g): %g", x_h, x_phi, yuk);
    }
}

/* 004 Table III (x_Phi = 1), with its two sign slips corrected (errata): neutrinos C_V = C_A = q_l/2 =
 * -x_H/4 - 1/2 (printed +x_H/4 + 1/2), down-type C_A = +x_H/4 (printed -x_H/4). Widths use squares only. */
static void test_table3_couplings(void)
{
    for (int i = 0; i < N_XH; i++) {
        const double x = xh_values[i];
        nr_zprime_couplings c;
        nr_error err;
        CHECK(nr_zprime_couplings_u1x(x, 1.0, &c, &err) == NR_OK, "u1x couplings");
        const nr_zprime_vertex *f = c.f;
        CHECK(fabs(f[NR_ZP_F_MU].g_v - (-0.75 * x - 1)) < 1e-12 && fabs(f[NR_ZP_F_MU].g_a - 0.25 * x) < 1e-12,
              "charged lepton x_H = %g: %g %g", x, f[NR_ZP_F_MU].g_v, f[NR_ZP_F_MU].g_a);
        CHECK(fabs(f[NR_ZP_F_NU_TAU].g_v - (-0.25 * x - 0.5)) < 1e-12 && f[NR_ZP_F_NU_TAU].g_a == f[NR_ZP_F_NU_TAU].g_v,
              "neutrino x_H = %g", x);
        CHECK(fabs(f[NR_ZP_F_C].g_v - (5.0 / 12 * x + 1.0 / 3)) < 1e-12 && fabs(f[NR_ZP_F_C].g_a + 0.25 * x) < 1e-12,
              "up-type x_H = %g", x);
        CHECK(fabs(f[NR_ZP_F_S].g_v - (-x / 12 + 1.0 / 3)) < 1e-12 && fabs(f[NR_ZP_F_S].g_a - 0.25 * x) < 1e-12,
              "down-type x_H = %g", x);
        /* N_R: right-handed charge -x_Phi */
        CHECK(fabs((f[NR_ZP_F_N_R].g_v - f[NR_ZP_F_N_R].g_a) + 1.0) < 1e-12, "N_R charge -1");
    }
    /* x_H = 0 is B-L: purely vector, quarks 1/3, charged leptons -1 (004 Table I last column, sec. II A) */
    nr_zprime_couplings bl;
    nr_zprime_couplings_b_minus_l(&bl);
    for (int f = NR_ZP_F_E; f <= NR_ZP_F_TAU; f++)
        CHECK(bl.f[f].g_v == -1.0 && bl.f[f].g_a == 0.0, "B-L charged lepton %d: vector -1", f);
    for (int f = NR_ZP_F_U; f <= NR_ZP_F_T; f++)
        CHECK(fabs(bl.f[f].g_v - 1.0 / 3) < 1e-15 && bl.f[f].g_a == 0.0, "B-L quark %d: vector 1/3", f);
    /* x_H = -2 (U(1)_R): left-handed doublets uncharged, so no neutrino coupling (004 sec. II C) */
    nr_zprime_couplings ur;
    nr_error err;
    nr_zprime_couplings_u1x(-2.0, 1.0, &ur, &err);
    for (int f = NR_ZP_F_NU_E; f <= NR_ZP_F_NU_TAU; f++)
        CHECK(ur.f[f].g_v == 0.0 && ur.f[f].g_a == 0.0, "U(1)_R: no neutrino coupling");
    CHECK(nr_zprime_couplings_u1x(NAN, 1.0, &ur, &err) == NR_EINPUT && strcmp(err.where, "/params/x_H") == 0,
          "NaN x_H rejected");
    CHECK(nr_zprime_couplings_u1x(0.0, INFINITY, &ur, &err) == NR_EINPUT, "infinite x_Phi rejected");
}

/* ------------------------------------------------------------------ analytic widths ---- */

static void test_fermion_pair_width(void)
{
    const double gv = 0.7, ga = -0.4;
    /* m >> m_f: g^2 m (g_V^2 + g_A^2)/(12 pi) */
    CHECK_REL(nr_zprime_width_fermion_pair(1000.0, NR_M_MUON, gv, ga, 1.0), 1000.0 * (gv * gv + ga * ga) / (12 * NR_PI),
              1e-7, "massless limit");
    CHECK_REL(nr_zprime_width_fermion_pair(5.0, 0.0, gv, ga, 3.0), 3 * 5.0 * (gv * gv + ga * ga) / (12 * NR_PI), 1e-14,
              "colour factor");
    /* 004 Eq. (17) with the phase-space factor beta: N_c m/(24 pi) beta [(qL^2+qR^2)(1-r) + 6 qL qR r] */
    const double ql = gv + ga, qr = gv - ga, m = 0.5, mf = NR_M_MUON, r = mf * mf / (m * m);
    const double eq17 = m / (24 * NR_PI) * sqrt(1 - 4 * r) * ((ql * ql + qr * qr) * (1 - r) + 6 * ql * qr * r);
    CHECK_REL(nr_zprime_width_fermion_pair(m, mf, gv, ga, 1.0), eq17, 1e-13, "chiral form of Eq. 17 (x beta)");
    /* threshold: vector ~ beta, axial ~ beta^3 (m = 2 m_f (1 + delta)) */
    const double m1 = 2 * mf * (1 + 1e-6), m2 = 2 * mf * (1 + 4e-6);
    const double v1 = nr_zprime_width_fermion_pair(m1, mf, 1, 0, 1), v2 = nr_zprime_width_fermion_pair(m2, mf, 1, 0, 1);
    const double a1 = nr_zprime_width_fermion_pair(m1, mf, 0, 1, 1), a2 = nr_zprime_width_fermion_pair(m2, mf, 0, 1, 1);
    CHECK_REL(v2 / v1, 2.0, 1e-4, "vector width ~ beta near threshold (beta doubles)");
    CHECK_REL(a2 / a1, 8.0, 1e-4, "axial width ~ beta^3 near threshold");
    CHECK(nr_zprime_width_fermion_pair(2 * mf, mf, 1, 1, 1) == 0.0, "closed at threshold");
    CHECK(nr_zprime_width_fermion_pair(0.1, mf, 1, 1, 1) == 0.0, "closed below threshold");
    /* Majorana N pair (004 Eq. 19 with 4 m_N^2): m q^2/(24 pi) beta^3 */
    CHECK_REL(nr_zprime_width_majorana_pair(1.0, 0.0, -1.0), 1.0 / (24 * NR_PI), 1e-14, "Majorana m_N = 0");
    CHECK_REL(nr_zprime_width_majorana_pair(1.0, 0.3, 2.0), 4.0 / (24 * NR_PI) * pow(1 - 4 * 0.09, 1.5), 1e-13,
              "Majorana beta^3");
    CHECK(nr_zprime_width_majorana_pair(1.0, 0.5, 1.0) == 0.0, "Majorana closed at m = 2 m_N");
}

/* ------------------------------------------------------------------ model-level checks ---- */

static void test_invisible(const nr_darkcast *dc)
{
    /* x_H = -2: no invisible width, BR(visible) = 1 (004 sec. II C, Eq. 21) */
    nr_zprime_couplings ur;
    nr_error err;
    nr_zprime_couplings_u1x(-2.0, 1.0, &ur, &err);
    for (double m = 0.05; m < 5.0; m *= 1.7) {
        nr_zprime_widths w = widths_at(&ur, dc, m, NULL);
        CHECK(w.width_gev[NR_ZP_NUNU] == 0.0 && w.invisible_gev == 0.0 && nr_zprime_br_visible(&w) == 1.0,
              "U(1)_R invisible width at m = %g", m);
    }

    /* B-L, left-handed (Majorana-like) light neutrinos, N_R closed: per flavour Gamma(nu nu) = m/(24 pi),
     * half of a charged lepton's m/(12 pi) (004 Eq. 18; DarkCast's B-L model uses the same C_nu = 1/2).
     * Below the muon threshold BR(inv) = (3/2)/(3/2 + beta_e(1+2r_e)); massless limit above the muon
     * threshold and below hadrons: (3/2)/(3/2 + 2) = 3/7. */
    nr_zprime_couplings bl;
    nr_zprime_couplings_b_minus_l(&bl);
    const double m = 0.1, re = NR_M_ELECTRON * NR_M_ELECTRON / (m * m);
    const double fe = sqrt(1 - 4 * re) * (1 + 2 * re);
    nr_zprime_widths w = widths_at(&bl, dc, m, NULL);
    CHECK_REL(w.invisible_gev / w.total_gev, 1.5 / (1.5 + fe), 1e-12, "B-L BR(invisible) at 100 MeV = 3/5");
    CHECK_REL(1.0 - nr_zprime_br_visible(&w), 0.6, 1e-5, "B-L BR(invisible) at 100 MeV ~ 3/5");
    CHECK_REL(nr_zprime_group_width_gev(&w, NR_ZP_GROUP_NUNU), 3 * m / (24 * NR_PI), 1e-14, "004 Eq. 18, B-L");
    /* 0.25 GeV: leptons analytic; hadrons (pi0 gamma through omega) tiny */
    const double m2 = 0.25, rmu = NR_M_MUON * NR_M_MUON / (m2 * m2);
    const double fmu = sqrt(1 - 4 * rmu) * (1 + 2 * rmu);
    nr_zprime_widths w2 = widths_at(&bl, dc, m2, NULL);
    const double unit = m2 / (12 * NR_PI);
    CHECK(w2.hadrons_gev < 1e-3 * unit, "B-L hadrons negligible at 0.25 GeV: %g", w2.hadrons_gev / unit);
    CHECK_REL(w2.invisible_gev / w2.total_gev, 1.5 / (1.5 + 1.0 + fmu + w2.hadrons_gev / unit), 1e-6,
              "B-L BR(invisible) at 0.25 GeV");
    if (getenv("NR_TEST_VERBOSE"))
        printf("info B-L BR(inv): 100 MeV %.5f, 250 MeV %.5f (massless-limit 3/7 = %.5f)\n",
               w.invisible_gev / w.total_gev, w2.invisible_gev / w2.total_gev, 3.0 / 7);
    /* B-L: no rho coupling (isoscalar quark charges), so no pi+ pi- */
    nr_zprime_widths w3 = widths_at(&bl, dc, 0.7755, NULL);
    CHECK(w3.width_gev[NR_ZP_PIPI] == 0.0, "B-L: no rho, no pi pi");

    /* N_R pairs: closed by default, open with m_N < m/2; invisible */
    nr_zprime_options opt;
    nr_zprime_options_default(&opt);
    opt.m_n_gev = 0.1;
    nr_zprime_widths wn = widths_at(&bl, dc, 1.0, &opt);
    CHECK_REL(wn.width_gev[NR_ZP_NN], 3 * 1.0 / (24 * NR_PI) * pow(1 - 0.04, 1.5), 1e-12, "3 N_R generations");
    CHECK_REL(wn.invisible_gev, wn.width_gev[NR_ZP_NN] + wn.width_gev[NR_ZP_NUNU], 1e-14, "N N counted invisible");
    nr_zprime_widths wc = widths_at(&bl, dc, 1.0, NULL);
    CHECK(wc.width_gev[NR_ZP_NN] == 0.0, "N N closed by default");
}

static void test_sums_and_errors(const nr_darkcast *dc)
{
    nr_zprime_couplings c;
    nr_error err;
    nr_zprime_couplings_u1x(0.5, 1.0, &c, &err);
    static const double masses[] = {0.05, 0.3, 0.78, 1.02, 1.5, 2.0, 2.5, 7.0, 12.0, 400.0};
    for (size_t i = 0; i < sizeof masses / sizeof masses[0]; i++) {
        nr_zprime_widths w = widths_at(&c, dc, masses[i], NULL);
        double sum_br = 0, sum_groups = 0;
        for (int ch = 0; ch < NR_ZP_N_CHANNELS; ch++) {
            CHECK(w.width_gev[ch] >= 0.0, "non-negative width %s", nr_zprime_channel_name(ch));
            sum_br += nr_zprime_br(&w, ch);
        }
        for (int g = 0; g < NR_ZP_N_GROUPS; g++)
            sum_groups += nr_zprime_group_br(&w, g);
        CHECK_REL(sum_br, 1.0, 1e-12, "branching fractions sum to 1");
        CHECK_REL(sum_groups, 1.0, 1e-12, "group branching fractions sum to 1");
        CHECK_REL(w.visible_gev + w.invisible_gev, w.total_gev, 1e-14, "visible + invisible = total");
        CHECK_REL(nr_zprime_group_width_gev(&w, NR_ZP_GROUP_HADRONS), w.hadrons_gev, 1e-14, "hadron group");
        /* c tau scales as 1/g^2 */
        CHECK_REL(nr_zprime_ctau_m(&w, 1e-3), 1e6 * nr_zprime_ctau_m(&w, 1.0), 1e-12, "c tau ~ 1/g^2");
    }
    /* x_H = -4/3: the electron's vector coupling vanishes (004 Eq. 60 would be 0/0); hadrons still defined */
    nr_zprime_couplings_u1x(-4.0 / 3, 1.0, &c, &err);
    CHECK(fabs(c.f[NR_ZP_F_E].g_v) < 1e-15, "x_H = -4/3: g_V^e = 0");
    nr_zprime_widths w43 = widths_at(&c, dc, 0.78, NULL);
    CHECK(w43.hadrons_gev > 0.0 && isfinite(w43.hadrons_gev), "x_H = -4/3: hadronic width finite and > 0");

    /* names */
    for (int ch = 0; ch < NR_ZP_N_CHANNELS; ch++)
        CHECK(nr_zprime_channel_find(nr_zprime_channel_name(ch)) == ch, "channel name round trip %d", ch);
    for (int g = 0; g < NR_ZP_N_GROUPS; g++)
        CHECK(nr_zprime_group_find(nr_zprime_group_name(g)) == g, "group name round trip %d", g);
    CHECK(nr_zprime_channel_find("nope") == -1 && nr_zprime_group_find(NULL) == -1, "unknown names");
    CHECK(!nr_zprime_channel_is_visible(NR_ZP_NUNU) && !nr_zprime_channel_is_visible(NR_ZP_NN) &&
              nr_zprime_channel_is_visible(NR_ZP_PIPI),
          "visibility");

    /* bad input */
    nr_zprime_widths w;
    CHECK(nr_zprime_widths_compute(&c, dc, -1.0, NULL, &w, &err) == NR_EINPUT &&
              strcmp(err.where, "/params/m_Zp") == 0,
          "negative mass rejected");
    CHECK(nr_zprime_widths_compute(&c, dc, NAN, NULL, &w, &err) == NR_EINPUT, "NaN mass rejected");
    CHECK(nr_zprime_widths_compute(&c, NULL, 1.0, NULL, &w, &err) == NR_EINTERNAL, "missing tables");
    nr_zprime_options opt;
    nr_zprime_options_default(&opt);
    opt.hadron_switch_gev = 3.0;
    CHECK(nr_zprime_widths_compute(&c, dc, 1.0, &opt, &w, &err) == NR_EINPUT, "switch beyond the tables");
    nr_zprime_options_default(&opt);
    opt.m_n_gev = -0.1;
    CHECK(nr_zprime_widths_compute(&c, dc, 1.0, &opt, &w, &err) == NR_EINPUT, "negative m_N");
    CHECK(isinf(nr_zprime_ctau_m(&w, 0.0)), "g = 0: infinite c tau");
}

/* ------------------------------------------------------------------ dark photon vs FORESEE/DarkCast ---- */

static void test_dark_photon_ctau_analytic(const nr_darkcast *dc)
{
    /* PROVENANCE D2: at 10 MeV only e+e- is open: c tau = hbar c/(alpha m/3) (times 1/(beta(1+2r)), 1 + 3e-5) */
    nr_zprime_couplings dp;
    nr_zprime_couplings_dark_photon(&dp);
    const double m = 0.01, r = NR_M_ELECTRON * NR_M_ELECTRON / (m * m);
    nr_zprime_widths w = widths_at(&dp, dc, m, NULL);
    const double hbarc_m = NR_HBARC_GEV_CM * 1e-2;
    CHECK_REL(nr_zprime_ctau_m(&w, 1.0), hbarc_m / (NR_ALPHA_EM * m / 3) / (sqrt(1 - 4 * r) * (1 + 2 * r)), 1e-12,
              "c tau(10 MeV, eps = 1) exact");
    CHECK_REL(nr_zprime_ctau_m(&w, 1.0), hbarc_m / (NR_ALPHA_EM * m / 3), 1e-4, "c tau(10 MeV) = hbar c/(alpha m/3)");
    /* PROVENANCE D2 quotes 8.12e-12 m */
    CHECK_REL(nr_zprime_ctau_m(&w, 1.0), 8.12e-12, 1e-3, "c tau(10 MeV) = 8.12e-12 m");
    /* no neutrinos, no axial */
    CHECK(w.invisible_gev == 0.0, "dark photon: nothing invisible");
    /* R-ratio definition (PROVENANCE D1): Gamma(pi pi)/Gamma(mu mu, massless) = R at the rho peak */
    nr_zprime_widths wr = widths_at(&dp, dc, 0.7775, NULL);
    const double mumu_massless = NR_ALPHA_EM * 0.7775 / 3;
    CHECK_REL(wr.width_gev[NR_ZP_PIPI] / mumu_massless, nr_darkcast_r(dc, NR_DC_PIPI_RHO0, 0.7775), 1e-12,
              "pi pi / mu mu = R");
    /* continuity of the hadronic width at the 2 GeV switch (VMD -> perturbative with alpha_s/pi) */
    nr_zprime_widths below = widths_at(&dp, dc, 2.0, NULL), above = widths_at(&dp, dc, 2.0 + 1e-9, NULL);
    CHECK_REL(above.hadrons_gev, below.hadrons_gev, 0.03, "hadronic width continuous at 2 GeV within 3%");
    if (getenv("NR_TEST_VERBOSE"))
        printf("info dark photon R at 2 GeV: VMD %.4f, perturbative %.4f\n",
               below.hadrons_gev / (NR_ALPHA_EM * 2.0 / 3), above.hadrons_gev / (NR_ALPHA_EM * 2.0 / 3));
}

typedef struct {
    double worst;
    double at_m, want, got;
} worst_dev;

static void note_dev(worst_dev *d, double m, double want, double got)
{
    const double rel = fabs(got - want) / fabs(want);
    if (rel > d->worst) {
        d->worst = rel;
        d->at_m = m;
        d->want = want;
        d->got = got;
    }
}

/* FORESEE's DarkCast branching fractions (PROVENANCE D2), 0.01-2 GeV, wherever BR > 1e-3: within 5%
 * (issue acceptance). Our branching fractions are interpolated at FORESEE's own mass points, so narrow
 * resonances need no mass tolerance. Above 2 GeV FORESEE/DarkCast keep the 2 GeV R-ratio (exclusive hadron
 * channels frozen) while we use perturbative quarks: e_e, mu_mu, tau_tau and c tau from 2 to 10 GeV within 2%.
 * (FORESEE's u_u, d_d, s_s files are DarkCast diagnostics outside its total width and are not compared.) */
static void test_dark_photon_vs_foresee(const nr_darkcast *dc)
{
    static const char *const files[] = {"e_e", "mu_mu", "tau_tau", "pi+_pi-", "pi+_pi-_pi0", "pi0_gamma", "K_K",
                                        "K_K_pi", "pi+_pi-_pi+_pi-", "pi+_pi-_pi0_pi0", "other_hadrons"};
    nr_zprime_couplings dp;
    nr_zprime_couplings_dark_photon(&dp);
    static two_columns t;
    char path[1024];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/darkcast/FORESEE_DarkPhoton_br_DarkCast/%s.txt", nr_test_data_dir(), files[i]);
        CHECK(read_two_columns(path, &t), "read %s", path);
        const int ch = nr_zprime_channel_find(files[i]);
        CHECK(ch >= 0, "channel %s", files[i]);
        if (ch < 0)
            continue;
        worst_dev low = {0}, high = {0};
        size_t n_low = 0, n_high = 0;
        for (size_t k = 0; k < t.n; k++) {
            if (t.v[k] <= 1e-3 || t.m[k] < 0.0099)
                continue;
            nr_zprime_widths w = widths_at(&dp, dc, t.m[k], NULL);
            const double br = nr_zprime_br(&w, (nr_zprime_channel)ch);
            if (t.m[k] <= 2.0 + 1e-9) {
                note_dev(&low, t.m[k], t.v[k], br);
                n_low++;
            } else if (ch <= NR_ZP_TAUTAU) {
                note_dev(&high, t.m[k], t.v[k], br);
                n_high++;
            }
        }
        CHECK(low.worst <= 0.05, "%s (0.01-2 GeV, %zu points): worst %.4f at m = %.4f (FORESEE %.4e, here %.4e)",
              files[i], n_low, low.worst, low.at_m, low.want, low.got);
        if (ch <= NR_ZP_TAUTAU)
            CHECK(high.worst <= 0.02, "%s (2-10 GeV, %zu points): worst %.4f at m = %.4f", files[i], n_high,
                  high.worst, high.at_m);
        if (getenv("NR_TEST_VERBOSE")) {
            printf("info BR %-16s 0.01-2 GeV: %4zu pts, worst %.2e at %.4f GeV (FORESEE %.4e, here %.4e)\n", files[i],
                   n_low, low.worst, low.at_m, low.want, low.got);
            if (n_high)
                printf("info BR %-16s 2-10 GeV : %4zu pts, worst %.2e at %.4f GeV\n", files[i], n_high, high.worst,
                       high.at_m);
        }
    }

    snprintf(path, sizeof path, "%s/darkcast/FORESEE_DarkPhoton_br_DarkCast/ctau_DarkCast.txt", nr_test_data_dir());
    CHECK(read_two_columns(path, &t), "read %s", path);
    worst_dev low = {0}, high = {0};
    for (size_t k = 0; k < t.n; k++) {
        nr_zprime_widths w = widths_at(&dp, dc, t.m[k], NULL);
        note_dev(t.m[k] <= 2.0 + 1e-9 ? &low : &high, t.m[k], t.v[k], nr_zprime_ctau_m(&w, 1.0));
    }
    CHECK(low.worst <= 0.05, "c tau 0.01-2 GeV: worst %.4f at %.4f", low.worst, low.at_m);
    CHECK(high.worst <= 0.02, "c tau 2-10 GeV: worst %.4f at %.4f", high.worst, high.at_m);
    if (getenv("NR_TEST_VERBOSE"))
        printf("info c tau 0.01-2 GeV worst %.2e at %.4f GeV (FORESEE %.4e m, here %.4e m); 2-10 GeV worst %.2e at "
               "%.4f GeV\n",
               low.worst, low.at_m, low.want, low.got, high.worst, high.at_m);
}

int main(void)
{
    test_table1_charges();
    test_anomaly_cancellation();
    test_table3_couplings();
    test_fermion_pair_width();
    nr_darkcast *dc = load_tables();
    if (dc) {
        test_darkcast_reader(dc);
        test_invisible(dc);
        test_sums_and_errors(dc);
        test_dark_photon_ctau_analytic(dc);
        test_dark_photon_vs_foresee(dc);
    }
    nr_darkcast_free(dc);
    return nr_test_summary();
}
