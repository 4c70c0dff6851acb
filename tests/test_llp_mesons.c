/* test_llp_mesons.c: the converged meson-decay acceptance of llp_mesons.c against an independent brute force.
 *
 * The brute force works in the LAB frame, not the rest frame: it lays a fine midpoint grid over the acceptance cone
 * itself (theta_X < theta_acc, uniform in cos theta_X and phi_X), and for each lab direction at angle psi to the
 * meson solves the two-body kinematics for the X momentum (one or two roots) with the lab density of an isotropic
 * rest-frame decay, dN/dOmega = (1/4pi) p^2 / (gamma p* |p - beta E cos psi|). Nothing of llp_mesons.c (rest-frame
 * angles, alpha(c) roots, the phi* fraction) is used. The Jacobian is checked first: integrated over all lab
 * directions it gives 1. Then: single mesons in every regime, and FASER Run 3 events from the full EPOS-LHC pi0 and
 * eta tables at 10, 50, 100 MeV at a long and a short lifetime (issue 10: the old sampling was 15-37% low there).
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "constants.h"
#include "forward_mesons.h"
#include "materials.h"
#include "llp.h"
#include "llp_mesons.h"
#include "nr_test.h"
#include "proton_dump.h"

/* CHECK_REL with a formatted description */
#define CHECK_REL_F(got, want, rel, ...)                                                                              \
    do {                                                                                                              \
        char what_[200];                                                                                              \
        snprintf(what_, sizeof what_, __VA_ARGS__);                                                                   \
        CHECK_REL(got, want, rel, what_);                                                                             \
    } while (0)

typedef struct {
    double sum_w;      /* accepted fraction               */
    double sum_w_inv_p; /* sum of w / p [1/GeV]            */
    double sum_w_pdec;  /* sum of w P_dec(p) at ctau        */
    double sum_w_pdec2; /* sum of w P_dec(p) at ctau2       */
} brute_sums;

/* Lab roots p of M -> X gamma along a direction at angle psi to the meson (cos_psi, sin_psi given separately for
 * precision at tiny angles). E* = gamma (E - beta p cos psi) squared gives, with D0 = 1 - beta^2 cos^2 psi =
 * 1/gamma^2 + beta^2 sin^2 psi and Delta = p*^2 - m^2 gamma^2 beta^2 sin^2 psi:
 *   p = (E* beta cos psi +- sqrt(Delta)) / (gamma D0);
 * the minus root, rationalised: (m^2 beta^2 (cos^2 psi + gamma^2 sin^2 psi) - p*^2 D0) / (gamma D0 (E* beta cos psi
 * + sqrt(Delta))), is physical when positive. Returns the number of roots, their p and densities
 * (1/4pi) dOmega* / dOmega. */
static int lab_roots(double m_m, double p_m, double m_x, double cos_psi, double sin_psi, double p_out[2],
                     double dens[2])
{
    double p_star = (m_m * m_m - m_x * m_x) / (2.0 * m_m), e_star = sqrt(p_star * p_star + m_x * m_x);
    double e_m = sqrt(p_m * p_m + m_m * m_m), gamma = e_m / m_m, beta = p_m / e_m;
    double d0 = 1.0 / (gamma * gamma) + beta * beta * sin_psi * sin_psi;
    double delta = p_star * p_star - m_x * m_x * gamma * gamma * beta * beta * sin_psi * sin_psi;
    if (delta < 0.0) return 0;
    double sq = sqrt(delta), n = 0;
    double roots[2];
    roots[0] = (e_star * beta * cos_psi + sq) / (gamma * d0);
    roots[1] = (m_x * m_x * beta * beta * (cos_psi * cos_psi + gamma * gamma * sin_psi * sin_psi) - p_star * p_star * d0) /
               (gamma * d0 * (e_star * beta * cos_psi + sq));
    for (int r = 0; r < 2; r++) {
        double p = roots[r];
        if (!(p > 0.0)) continue;
        if (r == 1 && sq == 0.0) continue;
        double e = sqrt(p * p + m_x * m_x);
        p_out[(int)n] = p;
        dens[(int)n] = p * p / (gamma * p_star * fabs(p - beta * e * cos_psi)) / (4.0 * NR_PI);
        n++;
    }
    return (int)n;
}

/* Largest lab angle between X and the meson: Delta = 0, sin psi_max = p* / (m gamma beta); pi if X can go anywhere. */
static double psi_max_of(double m_m, double p_m, double m_x)
{
    double p_star = (m_m * m_m - m_x * m_x) / (2.0 * m_m), gb = p_m / m_m;
    double s = p_star / (m_x * gb);
    return s >= 1.0 ? NR_PI : asin(s);
}

/* Polar angle to the beam of the lab direction (psi, chi) about the meson: n = cos psi m + sin psi (cos chi e1 +
 * sin chi e2), m = (sin theta_M, 0, cos theta_M), e1 = (cos theta_M, 0, -sin theta_M), e2 = y. It falls
 * monotonically from chi = 0 to chi = pi (towards the beam axis). */
static double beam_angle(double theta_m, double psi, double chi)
{
    double st_m = sin(theta_m), ct_m = cos(theta_m), sp = sin(psi), cp = cos(psi);
    double nx = cp * st_m + sp * cos(chi) * ct_m, ny = sp * sin(chi), nz = cp * ct_m - sp * cos(chi) * st_m;
    return atan2(sqrt(nx * nx + ny * ny), nz);
}

/* Sum over lab directions in polar coordinates (psi, chi) about the meson's direction: psi over the band
 * |theta_M - psi| < theta_acc (clipped at psi_max), with psi = lo + (hi - lo)(1 - cos t)/2 and n_t midpoints in t
 * (the lab density has an inverse square root at psi_max; the accepted chi range a square root at the band's
 * edges); at each psi the accepted chi range [chi_edge, pi] (doubled for [-pi, -chi_edge]) is found by bisection on
 * the direction's polar angle: the density depends on psi only. */
static brute_sums brute_force_meson(double m_m, double p_m, double theta_m, double m_x, double theta_acc, int n_t,
                                    double distance, double length, double ctau, double ctau2)
{
    brute_sums s = {0, 0, 0, 0};
    double lo = fmax(0.0, theta_m - theta_acc), hi = fmin(theta_m + theta_acc, psi_max_of(m_m, p_m, m_x));
    if (!(hi > lo)) return s;
    double dt = NR_PI / n_t;
    for (int i = 0; i < n_t; i++) {
        double t = (i + 0.5) * dt, psi = lo + (hi - lo) * 0.5 * (1.0 - cos(t)), dpsi = (hi - lo) * 0.5 * sin(t) * dt;
        double p[2], dens[2];
        int nr = lab_roots(m_m, p_m, m_x, cos(psi), sin(psi), p, dens);
        if (nr == 0 || !(beam_angle(theta_m, psi, NR_PI) < theta_acc)) continue;
        double chi_edge = 0.0;
        if (!(beam_angle(theta_m, psi, 0.0) < theta_acc)) {
            double a = 0.0, b = NR_PI; /* beam_angle(a) >= theta_acc > beam_angle(b) */
            for (int it = 0; it < 44; it++) { /* pi / 2^44 ~ 2e-13 rad */
                double mid = 0.5 * (a + b);
                if (beam_angle(theta_m, psi, mid) < theta_acc) b = mid;
                else a = mid;
            }
            chi_edge = 0.5 * (a + b);
        }
        for (int r = 0; r < nr; r++) {
            double w = 2.0 * (NR_PI - chi_edge) * dens[r] * sin(psi) * dpsi;
            s.sum_w += w;
            s.sum_w_inv_p += w / p[r];
            if (ctau > 0) s.sum_w_pdec += w * nr_llp_decay_probability(distance, length, p[r] / m_x * ctau);
            if (ctau2 > 0) s.sum_w_pdec2 += w * nr_llp_decay_probability(distance, length, p[r] / m_x * ctau2);
        }
    }
    return s;
}

static void test_lab_density_normalised(void)
{
    /* all lab directions: 2 pi Int_0^psi_max sin psi dens dpsi = 1, for b < 1 and b > 1 (psi = psi_max (1 - cos t)/2
     * for the inverse square root at psi_max) */
    const double m_pi = 0.1349768;
    double cases[][2] = {{0.3, 0.01}, {100.0, 0.01}, {5.0, 0.1}, {0.05, 0.12}, {3000.0, 0.05}};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        int n = 200000;
        double sum = 0.0, dt = NR_PI / n, hi = psi_max_of(m_pi, cases[k][0], cases[k][1]);
        for (int i = 0; i < n; i++) {
            double t = (i + 0.5) * dt, psi = hi * 0.5 * (1.0 - cos(t)), dpsi = hi * 0.5 * sin(t) * dt, p[2], dens[2];
            int nr = lab_roots(m_pi, cases[k][0], cases[k][1], cos(psi), sin(psi), p, dens);
            for (int r = 0; r < nr; r++) sum += 2.0 * NR_PI * sin(psi) * dens[r] * dpsi;
        }
        CHECK_REL_F(sum, 1.0, 1e-4, "lab density of an isotropic decay integrates to 1 (p_M=%g, m_X=%g)", cases[k][0],
                    cases[k][1]);
    }
}

static void test_single_mesons(void)
{
    const double m_pi = 0.1349768, m_eta = 0.547862, th_acc = atan(0.1 / 480.0);
    /* regimes: meson on the axis, inside and outside the cone, slow and fast (b < 1, b > 1), light and heavy X */
    double cases[][4] = {
        {m_pi, 1000.0, 0.0, 0.01},   {m_pi, 1000.0, 1e-4, 0.01},  {m_pi, 1000.0, 5e-4, 0.01},
        {m_pi, 3000.0, 2.5e-4, 0.05}, {m_pi, 50.0, 1e-3, 0.1},    {m_pi, 0.5, 0.05, 0.13},
        {m_eta, 2000.0, 3e-4, 0.1},  {m_eta, 800.0, 1e-5, 0.4},   {m_eta, 20.0, 2e-3, 0.01},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        double m_m = cases[k][0], p_m = cases[k][1], th = cases[k][2], m_x = cases[k][3], inv_p;
        double f = nr_meson_decay_accepted_fraction(m_m, p_m, th, m_x, th_acc, 8, &inv_p);
        brute_sums b = brute_force_meson(m_m, p_m, th, m_x, th_acc, 4000, 0, 0, -1, -1);
        double b_inv_p = b.sum_w > 0 ? b.sum_w_inv_p / b.sum_w : 0;
        printf("meson case %zu: accepted fraction %.6g (brute force %.6g), <1/p> %.6g (%.6g)\n", k, f, b.sum_w, inv_p,
               b_inv_p);
        CHECK(fabs(f - b.sum_w) <= 5e-3 * fmax(f, b.sum_w) + 1e-12, "case %zu: fraction %.6g vs brute force %.6g", k,
              f, b.sum_w);
        if (b.sum_w > 0)
            CHECK_REL_F(inv_p, b_inv_p, 5e-3, "case %zu: <1/p> of the accepted X", k);
    }
    /* the cone around everything: theta_acc = pi takes every decay */
    CHECK_REL(nr_meson_decay_accepted_fraction(m_pi, 10.0, 0.01, 0.05, NR_PI, 8, NULL), 1.0, 1e-9, "all directions");
    CHECK(nr_meson_decay_accepted_fraction(m_pi, 10.0, 0.01, 0.2, 0.1, 8, NULL) == 0.0, "above threshold");
}

/* FASER Run 3 events at unit BR and luminosity 1 fb^-1 from a whole meson table: brute force over the cells that
 * can reach the cone (a rigorous bound: smallest angle minus the largest opening), 3 x 3 midpoints per cell. */
static void brute_force_table(const nr_hadron_table *t, double m_x, const nr_decay_volume *v, double ctau_long,
                              double ctau_short, int n_grid, double *n_long, double *n_short)
{
    double th_acc = atan(v->radius_m / (v->distance_m + v->length_m)), m_m = t->mass_gev, half = 0.025;
    double p_star = (m_m * m_m - m_x * m_x) / (2.0 * m_m);
    *n_long = *n_short = 0.0;
    for (size_t i = 0; i < t->n_cells; i++) {
        const nr_hadron_cell *c = &t->cells[i];
        double p_lo = pow(10.0, c->log10_p - half), th_lo = pow(10.0, c->log10_theta - half);
        if (p_lo * m_x > p_star * m_m && th_lo - asin(p_star * m_m / (m_x * p_lo)) > th_acc) continue;
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++) {
                double th = pow(10.0, c->log10_theta - half + (a + 0.5) * 2 * half / 3);
                double p = pow(10.0, c->log10_p - half + (b + 0.5) * 2 * half / 3);
                brute_sums b2 = brute_force_meson(m_m, p, th, m_x, th_acc, n_grid, v->distance_m, v->length_m,
                                                  ctau_long, ctau_short);
                *n_long += c->sigma_pb / 9.0 * b2.sum_w_pdec * NR_INV_FB_TO_INV_PB;
                *n_short += c->sigma_pb / 9.0 * b2.sum_w_pdec2 * NR_INV_FB_TO_INV_PB;
            }
    }
}

static void test_tables(void)
{
    nr_error err;
    nr_decay_volume faser = NR_FASER_DECAY_VOLUME;
    const int pdgs[2] = {111, 221};
    const double masses[3] = {0.01, 0.05, 0.1};
    for (int k = 0; k < 2; k++) {
        nr_hadron_table t;
        if (nr_hadron_table_load(nr_test_data_dir(), "13.6TeV", "EPOSLHC", pdgs[k], &t, &err) != NR_OK) {
            CHECK(0, "%s", err.message);
            continue;
        }
        for (int j = 0; j < 3; j++) {
            double m = masses[j];
            /* long-lived: d >> L for every X (d = p/m c tau > 1e6 m for p > 1 GeV); short-lived: d = 60 m at 1 TeV,
             * so exp(-L/d) picks the hardest X */
            double ctau_long = 1e6 * m, ctau_short = 60.0 * m / 1000.0;
            nr_llp_accepted acc;
            CHECK(nr_llp_accept_meson_decays(&t, m, 1.0, &faser, NULL, &acc, &err) == NR_OK, "%s", err.message);
            double nl = nr_llp_events_accepted(&acc, &faser, ctau_long, 1.0);
            double ns = nr_llp_events_accepted(&acc, &faser, ctau_short, 1.0);
            double bl, bs;
            brute_force_table(&t, m, &faser, ctau_long, ctau_short, 32, &bl, &bs);
            printf("pdg %d m=%.3f: long-lived %.6g (brute force %.6g: %+.2f%%), short-lived %.6g (brute force %.6g: "
                   "%+.2f%%)\n",
                   pdgs[k], m, nl, bl, 100 * (nl / bl - 1), ns, bs, 100 * (ns / bs - 1));
            CHECK_REL_F(nl, bl, 0.02, "pdg %d m=%g long-lived: converged vs brute force", pdgs[k], m);
            CHECK_REL_F(ns, bs, 0.02, "pdg %d m=%g short-lived: converged vs brute force", pdgs[k], m);
            nr_llp_accepted_free(&acc);
        }
        nr_hadron_table_free(&t);
    }
}

static void test_bad_input(void)
{
    nr_error err;
    nr_hadron_table t = {0};
    nr_hadron_cell cell = {-4.0, 3.0, 1.0};
    t.cells = &cell;
    t.n_cells = 1;
    t.mass_gev = 0.1349768;
    nr_decay_volume faser = NR_FASER_DECAY_VOLUME, bad = {478.5, 1.5, -1.0};
    nr_llp_accepted acc;
    CHECK(nr_llp_accept_meson_decays(&t, 0.05, -1.0, &faser, NULL, &acc, &err) == NR_EINPUT, "negative br");
    CHECK(nr_llp_accept_meson_decays(&t, 0.05, 1.0, &bad, NULL, &acc, &err) == NR_EINPUT, "negative radius");
    nr_meson_decay_quadrature q = {0, 8, 8, 0.0};
    CHECK(nr_llp_accept_meson_decays(&t, 0.05, 1.0, &faser, &q, &acc, &err) == NR_EINPUT && strstr(err.where, "quadrature"),
          "bad quadrature");
    CHECK(nr_llp_accept_meson_decays(&t, 0.2, 1.0, &faser, NULL, &acc, &err) == NR_OK && acc.n == 0,
          "above threshold: nothing accepted");
    nr_llp_accepted_free(&acc);
    /* one meson cell on the axis at 1 TeV: everything of a 10 MeV X inside the cone... is not: compare to the fraction */
    CHECK(nr_llp_accept_meson_decays(&t, 0.05, 1.0, &faser, NULL, &acc, &err) == NR_OK, "%s", err.message);
    CHECK(acc.total_pb > 0 && acc.total_pb <= 1.0, "accepted part of one cell: %g", acc.total_pb);
    nr_llp_accepted_free(&acc);
    q = nr_meson_decay_quadrature_default();
    q.axis_fraction = 0.2;
    CHECK(nr_llp_accept_meson_decays(&t, 0.05, 1.0, &faser, &q, &acc, &err) == NR_EINPUT &&
              strstr(err.message, "axis_fraction"), "axis_fraction above 0.1 refused");
}

/* Mesons deep inside the cone taken on the beam axis (axis_fraction, llp_mesons.h) against every cell at its own
 * angle (axis_fraction 0): the proton dumps' forward-meson tables (nu-Cal: 15 mrad cone, DUNE: 4.3 mrad) and the
 * FASER EPOS-LHC tables (0.2 mrad), pi0 and eta, long- and short-lived as in test_tables. */
static void test_axis_mesons(void)
{
    nr_error err;
    const struct {
        const char *name;
        double e_beam;
        const nr_material *target;
        nr_decay_volume v;
    } dumps[3] = {{"nu-Cal", 68.6, &nr_material_iron, {64.0, 23.0, 1.3}},
                  {"DUNE", 120.0, &nr_material_carbon, {574.0, 5.0, 2.5}},
                  {"FASER", 0.0, NULL, NR_FASER_DECAY_VOLUME}};
    const int pdgs[2] = {111, 221};
    const double masses[3] = {0.005, 0.05, 0.12};
    nr_meson_decay_quadrature every = nr_meson_decay_quadrature_default();
    every.axis_fraction = 0.0;
    for (int d = 0; d < 3; d++)
        for (int k = 0; k < 2; k++) {
            nr_hadron_table t = {0};
            nr_status st = dumps[d].target
                               ? nr_forward_meson_table(pdgs[k], dumps[d].e_beam, dumps[d].target, 1, &t, &err)
                               : nr_hadron_table_load(nr_test_data_dir(), "13.6TeV", "EPOSLHC", pdgs[k], &t, &err);
            CHECK(st == NR_OK, "%s %d: %s", dumps[d].name, pdgs[k], err.message);
            if (st != NR_OK)
                continue;
            const nr_decay_volume *v = &dumps[d].v;
            double worst = 0.0;
            for (int j = 0; j < 3; j++) {
                double m = masses[j];
                if (!(m < t.mass_gev))
                    continue;
                /* long-lived: d >> L; short-lived: L/d = 10 at 0.3 of the largest meson momentum in the table */
                double p_top = 0.0;
                for (size_t i = 0; i < t.n_cells; i++)
                    p_top = fmax(p_top, pow(10.0, t.cells[i].log10_p));
                double ctau_long = 1e6 * m * v->distance_m, ctau_short = v->distance_m * m / (3.0 * p_top);
                nr_llp_accepted a0, a1;
                CHECK(nr_llp_accept_meson_decays(&t, m, 1.0, v, &every, &a0, &err) == NR_OK &&
                          nr_llp_accept_meson_decays(&t, m, 1.0, v, NULL, &a1, &err) == NR_OK,
                      "%s", err.message);
                double r[3] = {a1.total_pb / a0.total_pb,
                               nr_llp_events_accepted(&a1, v, ctau_long, 1.0) /
                                   nr_llp_events_accepted(&a0, v, ctau_long, 1.0),
                               nr_llp_events_accepted(&a1, v, ctau_short, 1.0) /
                                   nr_llp_events_accepted(&a0, v, ctau_short, 1.0)};
                for (int i = 0; i < 3; i++) {
                    CHECK(fabs(r[i] - 1.0) < 1e-5, "%s pdg %d m %g: on-axis mesons move quantity %d by %.3g",
                          dumps[d].name, pdgs[k], m, i, r[i] - 1.0);
                    worst = fmax(worst, fabs(r[i] - 1.0));
                }
                nr_llp_accepted_free(&a0);
                nr_llp_accepted_free(&a1);
            }
            printf("%s pdg %d: mesons below 0.03 theta_acc on the axis: accepted, long- and short-lived events within "
                   "%.2e of every cell at its own angle\n", dumps[d].name, pdgs[k], worst);
            nr_hadron_table_free(&t);
        }
}

/* The mass memo of the production path (nr_meson_accept_table, NR_MESON_ACCEPT_STEP, linear in u = logit(m^2/M^2))
 * against the direct evaluation: two masses a full step apart in u are evaluated (and kept), then the mass half-way
 * between them (where linear interpolation errs most) must be interpolated, not evaluated (the table's count of
 * masses stays), from 5 MeV to the end point (1 - m^2/M^2 down to 1e-5), FASER Run 3, pi0 and eta of EPOS-LHC: the
 * accepted total and the events at a long (c tau = 1e6 m x m/GeV: d >> L for all but the softest X, whose spiky
 * spectrum from the discrete meson nodes interpolates worst), a middle (0.5 m x m/GeV) and a short lifetime
 * (0.06 m x m/GeV, the upper edges of the FASER contours). A mass evaluated before must reproduce the direct result,
 * and a mass 1.5 steps from both neighbours must be evaluated. Golden: the direct evaluation
 * (nr_llp_accept_meson_decays) at the very mass, an independent computation. */
static double mass_at_u(double m_m, double u)
{
    return m_m * sqrt(1.0 / (1.0 + exp(-u)));
}

static void test_mass_table(void)
{
    nr_error err;
    nr_decay_volume faser = NR_FASER_DECAY_VOLUME;
    const int pdgs[2] = {111, 221};
    /* tolerances: total 1e-4, middle and short lifetimes 2e-4, the long lifetime 5e-3 (measured at this commit, worst
     * of pi0 and eta: 1.2e-5, 2.1e-5, 2.2e-3; printed) */
    const double tol[4] = {1e-4, 5e-3, 2e-4, 2e-4}, h = NR_MESON_ACCEPT_STEP;
    for (int k = 0; k < 2; k++) {
        nr_hadron_table t;
        if (nr_hadron_table_load(nr_test_data_dir(), "13.6TeV", "EPOSLHC", pdgs[k], &t, &err) != NR_OK) {
            CHECK(0, "%s", err.message);
            continue;
        }
        nr_meson_accept_table *tab = NULL;
        CHECK(nr_meson_accept_table_new(&t, &faser, h, &tab, &err) == NR_OK, "%s", err.message);
        if (!tab) {
            nr_hadron_table_free(&t);
            continue;
        }
        nr_meson_accept_table_direct(tab); /* the interpolation of direct evaluations (test_fast_table: the rows) */
        double m_m = t.mass_gev, worst[4] = {0}, worst_m[4] = {0};
        const int n = 24;
        for (int i = 0; i <= n; i++) {
            double x_lo = (0.005 / m_m) * (0.005 / m_m), u_lo = log(x_lo / (1 - x_lo)), u_hi = log((1 - 1e-5) / 1e-5);
            double u = u_lo + (u_hi - u_lo) * i / n, m = mass_at_u(m_m, u);
            nr_llp_accepted a, b, side;
            for (int sgn = -1; sgn <= 1; sgn += 2) {
                CHECK(nr_meson_accept_table_accept(tab, mass_at_u(m_m, u + 0.5 * sgn * h), 1.0, &side, &err) == NR_OK,
                      "%s", err.message);
                nr_llp_accepted_free(&side);
            }
            int held = nr_meson_accept_table_masses(tab);
            CHECK(nr_meson_accept_table_accept(tab, m, 0.5, &a, &err) == NR_OK, "%s", err.message);
            CHECK(nr_meson_accept_table_masses(tab) == held, "pdg %d m = %.9g GeV: interpolated, not evaluated", pdgs[k],
                  m);
            CHECK(nr_llp_accept_meson_decays(&t, m, 0.5, &faser, NULL, &b, &err) == NR_OK, "%s", err.message);
            double ct[3] = {1e6 * m, 0.5 * m, 0.06 * m}, e[4];
            e[0] = b.total_pb > 0 ? a.total_pb / b.total_pb - 1 : (a.total_pb > 0 ? 1.0 : 0.0);
            for (int c = 0; c < 3; c++) {
                double na = nr_llp_events_accepted(&a, &faser, ct[c], 1.0);
                double nb = nr_llp_events_accepted(&b, &faser, ct[c], 1.0);
                e[c + 1] = nb > 0 ? na / nb - 1 : (na > 0 ? 1.0 : 0.0);
            }
            for (int c = 0; c < 4; c++) {
                if (fabs(e[c]) > worst[c]) {
                    worst[c] = fabs(e[c]);
                    worst_m[c] = m;
                }
                CHECK(fabs(e[c]) < tol[c], "pdg %d m = %.9g GeV (1 - m^2/M^2 = %.3g): table vs direct %s %.3g", pdgs[k],
                      m, 1 - (m / m_m) * (m / m_m), c == 0 ? "total" : (c == 1 ? "long" : (c == 2 ? "middle" : "short")),
                      e[c]);
            }
            nr_llp_accepted_free(&a);
            nr_llp_accepted_free(&b);
        }
        printf("pdg %d mass memo (interpolated over %g in u, linear) vs direct half-way: worst total %.2e (m %.4g), "
               "long-lived %.2e (m %.4g), middle %.2e (m %.4g), short-lived %.2e (m %.4g)\n",
               pdgs[k], h, worst[0], worst_m[0], worst[1], worst_m[1], worst[2], worst_m[2], worst[3], worst_m[3]);
        /* a mass evaluated before: its own result, i.e. the direct one; a mass too far from both neighbours: evaluated */
        {
            double m = mass_at_u(m_m, -2.0);
            nr_llp_accepted a, b;
            CHECK(nr_meson_accept_table_accept(tab, m, 1.0, &a, &err) == NR_OK, "evaluated");
            nr_llp_accepted_free(&a);
            int held = nr_meson_accept_table_masses(tab);
            CHECK(nr_meson_accept_table_accept(tab, m, 1.0, &a, &err) == NR_OK &&
                      nr_llp_accept_meson_decays(&t, m, 1.0, &faser, NULL, &b, &err) == NR_OK,
                  "again");
            CHECK(nr_meson_accept_table_masses(tab) == held, "pdg %d: a mass held is not evaluated again", pdgs[k]);
            CHECK_REL_F(nr_llp_events_accepted(&a, &faser, 0.5 * m, 1.0), nr_llp_events_accepted(&b, &faser, 0.5 * m, 1.0),
                        1e-12, "pdg %d: a mass held (m = %.6g GeV) = direct", pdgs[k], m);
            nr_llp_accepted_free(&a);
            nr_llp_accepted_free(&b);
            nr_llp_accepted side;
            CHECK(nr_meson_accept_table_accept(tab, mass_at_u(m_m, -2.0 + 3.0 * h), 1.0, &side, &err) == NR_OK, "far");
            nr_llp_accepted_free(&side);
            held = nr_meson_accept_table_masses(tab);
            CHECK(nr_meson_accept_table_accept(tab, mass_at_u(m_m, -2.0 + 1.5 * h), 1.0, &side, &err) == NR_OK &&
                      nr_meson_accept_table_masses(tab) == held + 1,
                  "pdg %d: a mass 1.5 steps from its neighbours is evaluated", pdgs[k]);
            nr_llp_accepted_free(&side);
        }
        /* at and beyond the end point: nothing */
        nr_llp_accepted a;
        CHECK(nr_meson_accept_table_accept(tab, m_m, 1.0, &a, &err) == NR_OK && a.n == 0 && a.total_pb == 0.0,
              "pdg %d: no X at m = M", pdgs[k]);
        nr_llp_accepted_free(&a);
        CHECK(nr_meson_accept_table_accept(tab, -1.0, 1.0, &a, &err) == NR_EINPUT, "pdg %d: negative mass refused",
              pdgs[k]);
        nr_meson_accept_table_free(tab);
        nr_hadron_table_free(&t);
    }
}

/* The lattice of the proton dumps (nr_meson_accept_table_set_lattice with NR_PDUMP_LATTICE_H, _X_MAX; issue 11): at
 * nu-Cal and DUNE (004 Table V; pi0 and eta of forward_mesons.h, one midpoint per cell, as nr_proton_dump_accept
 * uses them), the mass half-way between two lattice nodes (where linear interpolation errs most) against the same
 * table's evaluation of that very mass (a table without lattice: the interpolation error alone; how the table's
 * evaluation compares with the direct one is test_fast_table's), from 2 m_e to the lattice's end
 * (m^2/M^2 = NR_PDUMP_LATTICE_X_MAX): the accepted total and the events at a long (c tau = 1e4 d m/(20 GeV), d the
 * distance to the volume: all but the softest X decay beyond it), a middle (d m/(20 GeV): d ~ the decay length at
 * 20 GeV) and a short lifetime (0.05 d m/(20 GeV), the upper edges). Above the lattice a mass gets its own evaluation
 * (bit-identical). Then the result does not depend on which masses the table evaluated before (bit-identical
 * events), and masses of one lattice cell add no evaluation. */
static void test_mass_lattice(void)
{
    nr_error err;
    const char *dumps[2] = {"nu-Cal", "DUNE"};
    const int pdgs[2] = {111, 221};
    /* tolerances: total 1e-3, lifetimes 5e-3 (measured at this commit, worst of the four: printed) */
    const double tol[4] = {1e-3, 5e-3, 5e-3, 5e-3}, h = NR_PDUMP_LATTICE_H;
    for (int d = 0; d < 2; d++)
        for (int k = 0; k < 2; k++) {
            const nr_experiment *e = nr_experiment_find(dumps[d]);
            nr_decay_volume v = {e->distance_m, e->length_m, e->radius_m};
            nr_hadron_table t = {0};
            nr_meson_accept_table *tab = NULL, *other = NULL, *ref = NULL;
            if (nr_forward_meson_table(pdgs[k], e->beam_energy_gev, e->target, 1, &t, &err) != NR_OK ||
                nr_meson_accept_table_new(&t, &v, 0.0, &tab, &err) != NR_OK ||
                nr_meson_accept_table_new(&t, &v, 0.0, &other, &err) != NR_OK ||
                nr_meson_accept_table_new(&t, &v, 0.0, &ref, &err) != NR_OK) {
                CHECK(0, "%s pdg %d: %s", dumps[d], pdgs[k], err.message);
                nr_meson_accept_table_free(tab);
                nr_meson_accept_table_free(other);
                nr_hadron_table_free(&t);
                continue;
            }
            nr_meson_accept_table_set_lattice(tab, h, NR_PDUMP_LATTICE_X_MAX);
            nr_meson_accept_table_set_lattice(other, h, NR_PDUMP_LATTICE_X_MAX);
            nr_meson_accept_table_set_axis_fraction(tab, NR_PDUMP_AXIS_FRACTION);
            nr_meson_accept_table_set_axis_fraction(other, NR_PDUMP_AXIS_FRACTION);
            nr_meson_accept_table_set_axis_fraction(ref, NR_PDUMP_AXIS_FRACTION); /* no lattice, step 0: every mass its own */
            double m_m = t.mass_gev, worst[4] = {0}, worst_m[4] = {0};
            double x_lo = (2 * NR_M_ELECTRON / m_m) * (2 * NR_M_ELECTRON / m_m), x_hi = NR_PDUMP_LATTICE_X_MAX;
            int cells = 0;
            for (double ua = floor(log(x_lo / (1 - x_lo)) / h) * h; ua + h < log(x_hi / (1 - x_hi)); ua += h) {
                double m = mass_at_u(m_m, ua + 0.5 * h);
                nr_llp_accepted a, b;
                CHECK(nr_meson_accept_table_accept(tab, m, 0.5, &a, &err) == NR_OK, "%s", err.message);
                CHECK(nr_meson_accept_table_accept(ref, m, 0.5, &b, &err) == NR_OK, "%s", err.message);
                double scale = e->distance_m * m / 20.0, ct[3] = {1e4 * scale, scale, 0.05 * scale}, r[4];
                r[0] = b.total_pb > 0 ? a.total_pb / b.total_pb - 1 : (a.total_pb > 0 ? 1.0 : 0.0);
                for (int c = 0; c < 3; c++) {
                    double na = nr_llp_events_accepted(&a, &v, ct[c], 1.0), nb = nr_llp_events_accepted(&b, &v, ct[c], 1.0);
                    r[c + 1] = nb > 0 ? na / nb - 1 : (na > 0 ? 1.0 : 0.0);
                }
                for (int c = 0; c < 4; c++) {
                    if (fabs(r[c]) > worst[c]) {
                        worst[c] = fabs(r[c]);
                        worst_m[c] = m;
                    }
                    CHECK(fabs(r[c]) < tol[c], "%s pdg %d m = %.6g GeV: lattice vs own, %s %.3g", dumps[d], pdgs[k], m,
                          c == 0 ? "total" : (c == 1 ? "long" : (c == 2 ? "middle" : "short")), r[c]);
                }
                nr_llp_accepted_free(&a);
                nr_llp_accepted_free(&b);
                cells++;
            }
            printf("%s pdg %d lattice (%g in u up to m^2/M^2 = %g, %d cells) vs the mass's own evaluation half-way: worst "
                   "total %.2e (m %.4g), long-lived %.2e (m %.4g), middle %.2e (m %.4g), short-lived %.2e (m %.4g)\n",
                   dumps[d], pdgs[k], h, x_hi, cells, worst[0], worst_m[0], worst[1], worst_m[1], worst[2], worst_m[2],
                   worst[3], worst_m[3]);
            /* above the lattice: no interpolation, the mass's own evaluation (bit-identical events) */
            for (double x = 0.05; x < 0.9; x += 0.25) {
                double m = m_m * sqrt(x), ct = e->distance_m * m / 20.0;
                nr_llp_accepted a, b;
                CHECK(nr_meson_accept_table_accept(tab, m, 1.0, &a, &err) == NR_OK &&
                          nr_meson_accept_table_accept(ref, m, 1.0, &b, &err) == NR_OK,
                      "%s", err.message);
                CHECK(a.n == b.n && nr_llp_events_accepted(&a, &v, ct, 1.0) == nr_llp_events_accepted(&b, &v, ct, 1.0),
                      "%s pdg %d m = %.4g GeV: above the lattice, the mass's own evaluation", dumps[d], pdgs[k], m);
                nr_llp_accepted_free(&a);
                nr_llp_accepted_free(&b);
            }
            /* order: a mass in `other` first, then in `tab` after all the masses above: the same numbers; another mass
             * of the same lattice cell costs no evaluation */
            double m = mass_at_u(m_m, floor(log(1e-4 / (1 - 1e-4)) / h) * h + 0.3 * h);
            nr_llp_accepted a, b;
            CHECK(nr_meson_accept_table_accept(other, m, 1.0, &a, &err) == NR_OK &&
                      nr_meson_accept_table_accept(tab, m, 1.0, &b, &err) == NR_OK,
                  "order");
            double ct = e->distance_m * m / 20.0;
            CHECK(nr_llp_events_accepted(&a, &v, ct, 1.0) == nr_llp_events_accepted(&b, &v, ct, 1.0) && a.n == b.n,
                  "%s pdg %d: the same events whatever the table evaluated before", dumps[d], pdgs[k]);
            nr_llp_accepted_free(&a);
            nr_llp_accepted_free(&b);
            int held = nr_meson_accept_table_masses(other);
            CHECK(nr_meson_accept_table_accept(other, m * 1.01, 1.0, &a, &err) == NR_OK &&
                      nr_meson_accept_table_masses(other) == held,
                  "%s pdg %d: a mass of the same lattice cell is interpolated, not evaluated", dumps[d], pdgs[k]);
            nr_llp_accepted_free(&a);
            nr_meson_accept_table_free(ref);
            nr_meson_accept_table_free(other);
            nr_meson_accept_table_free(tab);
            nr_hadron_table_free(&t);
        }
}

/* The fast evaluation of a mass by the angle-summed rows (llp_mesons.c, issue 11) against the direct evaluation
 * converged further (32 nodes per interval instead of 4, every meson at its own angle), at 25 (FASER Run 3) and 9
 * (FASER2) masses from 5 MeV to 1 - m^2/M^2 = 1e-5, EPOS-LHC 13.6 TeV: accepted total and events at a long, a middle and a short lifetime.
 * The default direct evaluation is compared with the same reference (printed): the rows are the closer of the two
 * except near the end point, where the linear table in alpha costs ~1e-3. */
static void fast_table_at(const char *name, nr_decay_volume faser, int n)
{
    nr_error err;
    const int pdgs[2] = {111, 221};
    /* tolerance 3e-3 (measured at this commit, worst of pi0 and eta over the four figures: 2.1e-3, eta long-lived at
     * 0.23 GeV; printed) */
    const double tol = 3e-3;
    const nr_meson_decay_quadrature fine = {1, 32, 8, 0.0};
    for (int k = 0; k < 2; k++) {
        nr_hadron_table t;
        if (nr_hadron_table_load(nr_test_data_dir(), "13.6TeV", "EPOSLHC", pdgs[k], &t, &err) != NR_OK) {
            CHECK(0, "%s", err.message);
            continue;
        }
        nr_meson_accept_table *tab = NULL;
        CHECK(nr_meson_accept_table_new(&t, &faser, 0.0, &tab, &err) == NR_OK, "%s", err.message);
        if (!tab) {
            nr_hadron_table_free(&t);
            continue;
        }
        double m_m = t.mass_gev, worst[4] = {0}, worst_m[4] = {0}, worst_direct = 0.0;
        for (int i = 0; i <= n; i++) {
            double x_lo = (0.005 / m_m) * (0.005 / m_m), u_lo = log(x_lo / (1 - x_lo)), u_hi = log((1 - 1e-5) / 1e-5);
            double u = u_lo + (u_hi - u_lo) * i / n, m = mass_at_u(m_m, u);
            nr_llp_accepted a, b, dd;
            CHECK(nr_meson_accept_table_accept(tab, m, 0.5, &a, &err) == NR_OK, "%s", err.message);
            CHECK(nr_llp_accept_meson_decays(&t, m, 0.5, &faser, &fine, &b, &err) == NR_OK, "%s", err.message);
            CHECK(nr_llp_accept_meson_decays(&t, m, 0.5, &faser, NULL, &dd, &err) == NR_OK, "%s", err.message);
            double ct[3] = {1e6 * m, 0.5 * m, 0.06 * m}, e[4], ed[4];
            e[0] = b.total_pb > 0 ? a.total_pb / b.total_pb - 1 : (a.total_pb > 0 ? 1.0 : 0.0);
            ed[0] = b.total_pb > 0 ? dd.total_pb / b.total_pb - 1 : 0.0;
            for (int c = 0; c < 3; c++) {
                double na = nr_llp_events_accepted(&a, &faser, ct[c], 1.0);
                double nb = nr_llp_events_accepted(&b, &faser, ct[c], 1.0);
                double nd = nr_llp_events_accepted(&dd, &faser, ct[c], 1.0);
                e[c + 1] = nb > 0 ? na / nb - 1 : (na > 0 ? 1.0 : 0.0);
                ed[c + 1] = nb > 0 ? nd / nb - 1 : 0.0;
            }
            for (int c = 0; c < 4; c++) {
                if (fabs(e[c]) > worst[c]) {
                    worst[c] = fabs(e[c]);
                    worst_m[c] = m;
                }
                if (fabs(ed[c]) > worst_direct) worst_direct = fabs(ed[c]);
                CHECK(fabs(e[c]) < tol, "%s pdg %d m = %.9g GeV (1 - m^2/M^2 = %.3g): rows vs converged direct %s %.3g",
                      name, pdgs[k], m, 1 - (m / m_m) * (m / m_m),
                      c == 0 ? "total" : (c == 1 ? "long" : (c == 2 ? "middle" : "short")), e[c]);
            }
            nr_llp_accepted_free(&a);
            nr_llp_accepted_free(&b);
            nr_llp_accepted_free(&dd);
        }
        printf("%s pdg %d rows vs converged direct (%d masses): worst total %.2e (m %.4g), long-lived %.2e (m %.4g), "
               "middle %.2e (m %.4g), short-lived %.2e (m %.4g); default direct vs converged: worst %.2e\n",
               name, pdgs[k], n + 1, worst[0], worst_m[0], worst[1], worst_m[1], worst[2], worst_m[2], worst[3], worst_m[3],
               worst_direct);
        nr_meson_accept_table_free(tab);
        nr_hadron_table_free(&t);
    }
}

/* The mass table shared by threads (issue 11; the engine's proton-dump memo is read by every worker): four threads
 * ask one lattice table (nu-Cal pi0, NR_PDUMP_LATTICE_H) for the same masses in different orders, so they meet on
 * lattice nodes another thread is evaluating (mtab_node_at's wait); every answer must be bit-identical to that of a
 * table used by one thread alone (the README: results independent of request order and thread count). Under
 * -fsanitize=thread this also checks the locking. */
#define THR_N 4
#define THR_M 6
typedef struct {
    nr_meson_accept_table *tab;
    const nr_decay_volume *v;
    const double *m;
    int first;
    double events[THR_M]; /* [events per unit luminosity] at c tau = d m / (20 GeV) */
    int ok;
} thr_job;

static void *thr_run(void *arg)
{
    thr_job *j = arg;
    j->ok = 1;
    for (int q = 0; q < THR_M; q++) {
        int i = (j->first + q) % THR_M;
        nr_error err;
        nr_llp_accepted a;
        if (nr_meson_accept_table_accept(j->tab, j->m[i], 1.0, &a, &err) != NR_OK) {
            j->ok = 0;
            continue;
        }
        j->events[i] = nr_llp_events_accepted(&a, j->v, j->v->distance_m * j->m[i] / 20.0, 1.0);
        nr_llp_accepted_free(&a);
    }
    return NULL;
}

static void test_mass_table_threads(void)
{
    nr_error err;
    const nr_experiment *e = nr_experiment_find("nu-Cal");
    nr_decay_volume v = {e->distance_m, e->length_m, e->radius_m};
    nr_hadron_table t = {0};
    nr_meson_accept_table *shared = NULL, *alone = NULL;
    if (nr_forward_meson_table(111, e->beam_energy_gev, e->target, 1, &t, &err) != NR_OK ||
        nr_meson_accept_table_new(&t, &v, 0.0, &shared, &err) != NR_OK ||
        nr_meson_accept_table_new(&t, &v, 0.0, &alone, &err) != NR_OK) {
        CHECK(0, "threads: %s", err.message);
        nr_meson_accept_table_free(shared);
        nr_hadron_table_free(&t);
        return;
    }
    const double h = NR_PDUMP_LATTICE_H, m_m = t.mass_gev;
    nr_meson_accept_table *tabs[2] = {shared, alone};
    for (int k = 0; k < 2; k++) {
        nr_meson_accept_table_set_lattice(tabs[k], h, NR_PDUMP_LATTICE_X_MAX);
        nr_meson_accept_table_set_axis_fraction(tabs[k], NR_PDUMP_AXIS_FRACTION);
    }
    /* three lattice cells, two masses each (sharing their nodes), u near ln 1e-2 */
    double m[THR_M], u0 = floor(log(1e-2 / (1 - 1e-2)) / h) * h;
    for (int i = 0; i < THR_M; i++)
        m[i] = mass_at_u(m_m, u0 + (i / 2) * h + (i % 2 ? 0.7 : 0.2) * h);
    thr_job ref = {alone, &v, m, 0, {0}, 0};
    thr_run(&ref);
    CHECK(ref.ok, "threads: the lone table's evaluations");
    thr_job jobs[THR_N];
    pthread_t th[THR_N];
    int started[THR_N];
    for (int i = 0; i < THR_N; i++) {
        jobs[i] = (thr_job){shared, &v, m, (i * 3) % THR_M, {0}, 0};
        started[i] = pthread_create(&th[i], NULL, thr_run, &jobs[i]) == 0;
        if (!started[i]) thr_run(&jobs[i]);
    }
    for (int i = 0; i < THR_N; i++) {
        if (started[i]) pthread_join(th[i], NULL);
        CHECK(jobs[i].ok, "threads: thread %d's evaluations", i);
        for (int q = 0; q < THR_M; q++)
            CHECK(jobs[i].events[q] == ref.events[q] && ref.events[q] > 0.0,
                  "threads: thread %d m = %.6g GeV: %.17g events, alone %.17g", i, m[q], jobs[i].events[q],
                  ref.events[q]);
    }
    CHECK(nr_meson_accept_table_masses(shared) == nr_meson_accept_table_masses(alone),
          "threads: %d masses evaluated by the shared table, %d alone", nr_meson_accept_table_masses(shared),
          nr_meson_accept_table_masses(alone));
    nr_meson_accept_table_free(shared);
    nr_meson_accept_table_free(alone);
    nr_hadron_table_free(&t);
}

static void test_fast_table(void)
{
    fast_table_at("FASER", (nr_decay_volume)NR_FASER_DECAY_VOLUME, 24);
    /* FASER2 (experiment.c: 475 m, 5 m long, radius 1 m; theta_acc 10x FASER's), the 13.6 TeV tables */
    fast_table_at("FASER2", (nr_decay_volume){475.0, 5.0, 1.0}, 8);
}

int main(void)
{
    test_lab_density_normalised();
    test_single_mesons();
    test_bad_input();
    test_axis_mesons();
    test_tables();
    test_mass_table();
    test_mass_lattice();
    test_mass_table_threads();
    test_fast_table();
    return nr_test_summary();
}
