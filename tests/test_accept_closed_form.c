/* test_accept_closed_form.c: the closed forms that replace numeric loops in the acceptance of the vector models
 * at FASER (issue 11), each against an independent numeric computation:
 *   - the bremsstrahlung pT^2 integral at fixed z (nr_brem_dsigma_dz_accepted_pb, paper 004 Eqs. 25-30) against
 *     GSL adaptive quadrature of d sigma/dz dpT^2;
 *   - the accepted bremsstrahlung list (nr_brem_accept) against a two-dimensional GSL integral over (z, pT^2) of
 *     d sigma x P_dec(|p|) (004 Eqs. 22-24), long- and short-lived; and against the old (theta, p) grid route;
 *   - the same at the proton dumps nu-Cal and DUNE (nr_brem_accept_fixed_target: the lab frame, per proton on
 *     target, 004 Eq. 32), and against their old grid route (nr_proton_dump_add_bremsstrahlung + nr_llp_accept);
 *   - the accepted fraction of phi* of a meson decay (nr_meson_phi_fraction, llp_mesons.h) against sampling phi*.
 */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <string.h>

#include "bremsstrahlung.h"
#include "constants.h"
#include "llp_mesons.h"
#include "nr_test.h"
#include "proton_dump.h"

/* ------------------------------------------------------------------ bremsstrahlung: pT^2 at fixed z */

typedef struct {
    const nr_proton_chiral_couplings *c;
    const nr_brem_options *o;
    double m, z, p_beam, ctau;
    const nr_decay_volume *v;
    gsl_integration_workspace *ws;
} brem_point;

static double dsigma_pt2(double pt2, void *vp)
{
    brem_point *p = vp;
    return nr_brem_dsigma_dz_dpt2_pb(p->c, p->o, p->z, pt2, p->m);
}

static double numeric_pt2_integral(brem_point *p, double pt2_max)
{
    gsl_function f = {dsigma_pt2, p};
    double r, e;
    gsl_integration_qag(&f, 0.0, pt2_max, 0, 1e-11, 1000, GSL_INTEG_GAUSS31, p->ws, &r, &e);
    return r;
}

static void test_pt2_integral(void)
{
    nr_proton_chiral_couplings dp = nr_proton_couplings_dark_photon(1.0);
    nr_proton_chiral_couplings chiral = nr_proton_couplings_from_vector_axial(0.7, 0.4); /* g_L != g_R: every term */
    const nr_proton_chiral_couplings *cs[2] = {&dp, &chiral};
    double zs[] = {1e-5, 1e-3, 0.05, 0.4, 0.93}, ms[] = {0.005, 0.1, 0.77, 2.0}, pt2s[] = {1e-12, 1e-6, 0.02, 0.9};
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(1000);
    for (int ic = 0; ic < 2; ic++)
        for (int variant = 0; variant < 2; variant++)
            for (int iz = 0; iz < 5; iz++)
                for (int im = 0; im < 4; im++)
                    for (int ip = 0; ip < 4; ip++) {
                        nr_brem_options o = nr_brem_options_default(13600.0);
                        o.variant = (nr_brem_splitting_variant)variant;
                        brem_point p = {cs[ic], &o, ms[im], zs[iz], 0, 0, NULL, ws};
                        double want = numeric_pt2_integral(&p, pt2s[ip]);
                        double got = nr_brem_dsigma_dz_accepted_pb(cs[ic], &o, zs[iz], pt2s[ip], ms[im]);
                        CHECK(fabs(got - want) <= 1e-9 * fabs(want) + 1e-300,
                              "pT^2 integral (couplings %d, variant %d, z %g, m %g, pT^2 < %g): closed %.12g, GSL %.12g",
                              ic, variant, zs[iz], ms[im], pt2s[ip], got, want);
                    }
    /* the cuts of the options: pT < pt_max (the integral stops at pt_max^2), z outside the window, and the
     * virtuality cut of Eq. 30 at a 10 GeV fixed-target beam (where it bites) */
    nr_brem_options o = nr_brem_options_default(13600.0);
    CHECK_REL(nr_brem_dsigma_dz_accepted_pb(&dp, &o, 0.3, 5.0, 0.1), nr_brem_dsigma_dz_accepted_pb(&dp, &o, 0.3, 1.0, 0.1),
              1e-15, "pT^2 above pt_max^2 = 1 GeV^2 adds nothing");
    o.z_min = 0.1;
    CHECK(nr_brem_dsigma_dz_accepted_pb(&dp, &o, 0.05, 0.1, 0.1) == 0.0, "below z_min");
    nr_brem_options ft = nr_brem_options_default(sqrt(2 * NR_M_PROTON * 10.0 + 2 * NR_M_PROTON * NR_M_PROTON));
    brem_point p = {&dp, &ft, 0.1, 0.03, 0, 0, NULL, ws};
    double want = numeric_pt2_integral(&p, 1.0);
    CHECK(want > 0.0, "the virtuality cut leaves some pT^2 at z = 0.03, E = 10 GeV");
    CHECK_REL(nr_brem_dsigma_dz_accepted_pb(&dp, &ft, 0.03, 1.0, 0.1), want, 1e-6, "virtuality cut as a bound on pT^2");
    gsl_integration_workspace_free(ws);
}

/* ------------------------------------------------------------------ bremsstrahlung: the accepted list */

/* Int dpT^2 over the accepted pT (pT < tan_acc p_z) of d sigma x P_dec(|p|), at one z */
static double events_pt2(double pt2, void *vp)
{
    brem_point *p = vp;
    double pz = p->z * p->p_beam, d = sqrt(pz * pz + pt2) / p->m * p->ctau;
    return nr_brem_dsigma_dz_dpt2_pb(p->c, p->o, p->z, pt2, p->m) *
           nr_llp_decay_probability(p->v->distance_m, p->v->length_m, d);
}

static double events_lnz(double lnz, void *vp)
{
    brem_point *p = vp;
    p->z = exp(lnz);
    double tan_acc = p->v->radius_m / (p->v->distance_m + p->v->length_m), pt = tan_acc * p->z * p->p_beam;
    gsl_function f = {events_pt2, p};
    double r, e;
    gsl_integration_qag(&f, 0.0, fmin(pt * pt, p->o->pt_max_gev * p->o->pt_max_gev), 0, 1e-10, 1000,
                        GSL_INTEG_GAUSS31, p->ws, &r, &e);
    return r * p->z; /* dz = z d ln z */
}

/* events per pb of luminosity: Int dz dpT^2 d sigma P_dec, z from 0.01 GeV / p_beam (the lowest momentum of the
 * accepted lists) to 1, with a break where the pT cut takes over (z = pT_max / (tan_acc p_beam)) */
static double independent_events_in_frame(const nr_proton_chiral_couplings *c, const nr_brem_options *o, double m,
                                          const nr_decay_volume *v, double ctau, double p_beam)
{
    double tan_acc = v->radius_m / (v->distance_m + v->length_m), z_kink = o->pt_max_gev / (tan_acc * p_beam);
    brem_point p = {c, o, m, 0, p_beam, ctau, v, gsl_integration_workspace_alloc(1000)};
    gsl_integration_workspace *wz = gsl_integration_workspace_alloc(1000);
    gsl_function f = {events_lnz, &p};
    double pts[3] = {log(0.01 / p_beam), log(z_kink), 0.0}, r, err;
    if (z_kink < 1.0) /* else the angular cut holds at every z (DUNE: z_kink = 1.9) */
        gsl_integration_qagp(&f, pts, 3, 0, 1e-7, 1000, wz, &r, &err);
    else
        gsl_integration_qag(&f, pts[0], 0.0, 0, 1e-7, 1000, GSL_INTEG_GAUSS31, wz, &r, &err);
    gsl_integration_workspace_free(wz);
    gsl_integration_workspace_free(p.ws);
    return r;
}

/* the same at a collider: z relative to the beam momentum sqrt(s)/2 */
static double independent_events(const nr_proton_chiral_couplings *c, const nr_brem_options *o, double m,
                                 const nr_decay_volume *v, double ctau)
{
    double e = 0.5 * o->sqrt_s_gev, p_beam = sqrt(e * e - NR_M_PROTON * NR_M_PROTON);
    return independent_events_in_frame(c, o, m, v, ctau, p_beam);
}

static double events_pb(const nr_llp_accepted *a, const nr_decay_volume *v, double ctau)
{
    return nr_llp_events_accepted(a, v, ctau, 1.0) / (1.0 * NR_INV_FB_TO_INV_PB); /* per pb^-1 */
}

static void test_brem_accept(void)
{
    nr_error err;
    nr_decay_volume faser = NR_FASER_DECAY_VOLUME;
    nr_proton_chiral_couplings dp = nr_proton_couplings_dark_photon(1.0);
    nr_brem_options o = nr_brem_options_default(13600.0);
    double p_beam = sqrt(6800.0 * 6800.0 - NR_M_PROTON * NR_M_PROTON);
    double masses[] = {0.02, 0.1, 0.5};
    for (int k = 0; k < 3; k++) {
        double m = masses[k];
        nr_llp_accepted cf;
        CHECK(nr_brem_accept(&dp, &o, m, &faser, 8, &cf, &err) == NR_OK, "%s", err.message);
        /* long-lived: d = p/m c tau >> L (rate ~ <1/p>); short-lived: L/d = 10 at the beam momentum */
        double ctau_long = 1e5 * m, ctau_short = faser.distance_m * m / (10.0 * p_beam);
        double want_long = independent_events(&dp, &o, m, &faser, ctau_long);
        double want_short = independent_events(&dp, &o, m, &faser, ctau_short);
        double got_long = events_pb(&cf, &faser, ctau_long), got_short = events_pb(&cf, &faser, ctau_short);
        printf("brem FASER m = %.2f GeV: long-lived %.6g (GSL %.6g, %+.2e), short-lived %.6g (GSL %.6g, %+.2e)\n", m,
               got_long, want_long, got_long / want_long - 1, got_short, want_short, got_short / want_short - 1);
        /* the momentum bins of 0.05/8 dex with their mean momentum: second order in the bin width */
        CHECK_REL(got_long, want_long, 1e-3, "long-lived events: accepted list vs 2-d GSL integral");
        CHECK_REL(got_short, want_short, 2e-3, "short-lived events: accepted list vs 2-d GSL integral");
        double p_max = 0.0;
        for (size_t i = 0; i < cf.n; i++)
            p_max = fmax(p_max, cf.p_gev[i]);
        CHECK(p_max <= p_beam, "no accepted momentum above the beam's: %.6g GeV", p_max);

        /* the old grid route: spectrum on (log10 theta, log10 p) cells, then nr_llp_accept, whose edge theta cell is
         * taken as uniform in log10 theta (the accepted pT^2 ~ theta^2 is not: +0.6% on the rate) and whose top
         * momentum cell [10^3.80, 10^3.85] GeV is spread over 4 momenta up to 6978 GeV, above the beam's 6800 GeV
         * (the short-lived rate comes from there: a factor exp(L m / c tau (1/6800 - 1/6978)) too high) */
        nr_llp_spectrum s;
        nr_llp_accepted grid;
        CHECK(nr_llp_spectrum_init(&s, m, &err) == NR_OK, "%s", err.message);
        CHECK(nr_llp_spectrum_add_bremsstrahlung(&s, &dp, &o, &err) == NR_OK, "%s", err.message);
        CHECK(nr_llp_accept(&s, &faser, &grid, &err) == NR_OK, "%s", err.message);
        double grid_long = events_pb(&grid, &faser, ctau_long), grid_short = events_pb(&grid, &faser, ctau_short);
        printf("  grid route: accepted %.6g pb (closed form %.6g, %+.2f%%), long-lived %+.2f%%, short-lived %+.2f%% "
               "of the closed form; largest momentum %.0f GeV\n", grid.total_pb, cf.total_pb,
               100 * (cf.total_pb / grid.total_pb - 1), 100 * (grid_long / got_long - 1),
               100 * (grid_short / got_short - 1), grid.p_gev[grid.n - 1]);
        CHECK_REL(cf.total_pb, grid.total_pb, 0.01, "accepted cross section: closed form vs the grid route");
        nr_llp_accepted_free(&grid);
        nr_llp_spectrum_free(&s);
        nr_llp_accepted_free(&cf);
    }
}

/* The proton dumps (proton_dump.h; 004 Table V geometry, 004 Eq. 32 per proton on target): the fixed-target list
 * against the 2-d GSL integral with z relative to the lab beam momentum, divided by sigma_pp(s); and against the old
 * (theta, p) grid route of nr_proton_dump_add_bremsstrahlung + nr_llp_accept. */
static void test_brem_accept_fixed_target(void)
{
    nr_error err;
    const struct {
        const char *name;
        double e_beam;
        nr_decay_volume v;
    } dumps[2] = {{"nu-Cal", 68.6, {64.0, 23.0, 1.3}}, {"DUNE", 120.0, {574.0, 5.0, 2.5}}};
    nr_proton_chiral_couplings dp = nr_proton_couplings_dark_photon(1.0);
    double masses[] = {0.02, 0.3, 0.77};
    for (int d = 0; d < 2; d++) {
        double e_beam = dumps[d].e_beam, p_beam = sqrt(e_beam * e_beam - NR_M_PROTON * NR_M_PROTON);
        double sqrt_s = sqrt(2.0 * NR_M_PROTON * (NR_M_PROTON + e_beam));
        nr_brem_options o = nr_brem_options_default(sqrt_s);
        double per_proton = 1.0 / (nr_pp_sigma_inel_mb(sqrt_s * sqrt_s) * 1e9); /* 004 Eq. 32 [1/pb] */
        const nr_decay_volume *v = &dumps[d].v;
        for (int k = 0; k < 3; k++) {
            double m = masses[k];
            nr_llp_accepted cf;
            CHECK(nr_brem_accept_fixed_target(&dp, &o, e_beam, m, v, 8, &cf, &err) == NR_OK, "%s", err.message);
            double ctau_long = 1e5 * m * v->distance_m, ctau_short = v->distance_m * m / (10.0 * p_beam);
            double want_long = per_proton * independent_events_in_frame(&dp, &o, m, v, ctau_long, p_beam);
            double want_short = per_proton * independent_events_in_frame(&dp, &o, m, v, ctau_short, p_beam);
            double got_long = events_pb(&cf, v, ctau_long), got_short = events_pb(&cf, v, ctau_short);
            printf("brem %s m = %.2f GeV: long-lived %.6g (GSL %.6g, %+.2e), short-lived %.6g (GSL %.6g, %+.2e) per "
                   "proton\n", dumps[d].name, m, got_long, want_long, got_long / want_long - 1, got_short, want_short,
                   got_short / want_short - 1);
            /* long- and short-lived: accepted list vs the 2-d GSL integral */
            CHECK_REL(got_long, want_long, 1e-3, dumps[d].name);
            CHECK_REL(got_short, want_short, 2e-3, dumps[d].name);
            double p_max = 0.0;
            for (size_t i = 0; i < cf.n; i++)
                p_max = fmax(p_max, cf.p_gev[i]);
            CHECK(p_max <= p_beam, "%s: no accepted momentum above the beam's %.4g GeV: %.6g GeV", dumps[d].name,
                  p_beam, p_max);

            /* the grid route: its top momentum cell holds p up to 10^(1.85) = 70.8 GeV at nu-Cal (beam 68.6 GeV) and
             * 10^(2.10) = 125.9 GeV at DUNE (beam 120 GeV) */
            nr_llp_spectrum s;
            nr_llp_accepted grid;
            CHECK(nr_llp_spectrum_init(&s, m, &err) == NR_OK, "%s", err.message);
            CHECK(nr_proton_dump_add_bremsstrahlung(&s, e_beam, &dp, &o, &err) == NR_OK, "%s", err.message);
            CHECK(nr_llp_accept(&s, v, &grid, &err) == NR_OK, "%s", err.message);
            double grid_long = events_pb(&grid, v, ctau_long), grid_short = events_pb(&grid, v, ctau_short);
            printf("  grid route: accepted %.6g per proton (closed form %+.2f%%), long-lived %+.2f%%, short-lived "
                   "%+.2f%% of the closed form; largest momentum %.1f GeV\n", grid.total_pb,
                   100 * (cf.total_pb / grid.total_pb - 1), 100 * (grid_long / got_long - 1),
                   100 * (grid_short / got_short - 1), grid.p_gev[grid.n - 1]);
            /* accepted X, closed form vs grid: the grid's edge theta cell is taken as uniform in log10 theta (the
             * accepted pT^2 ~ theta^2 is not), 0.5-1.4% here */
            CHECK_REL(cf.total_pb, grid.total_pb, 0.02, dumps[d].name);
            nr_llp_accepted_free(&grid);
            nr_llp_spectrum_free(&s);
            nr_llp_accepted_free(&cf);
        }
    }
    /* bad input: a beam below the proton mass, options not made for this beam */
    nr_llp_accepted acc;
    nr_brem_options o = nr_brem_options_default(sqrt(2.0 * NR_M_PROTON * (NR_M_PROTON + 68.6)));
    CHECK(nr_brem_accept_fixed_target(&dp, &o, 0.5, 0.1, &dumps[0].v, 8, &acc, &err) == NR_EINPUT &&
              strstr(err.message, "beam energy"), "beam below the proton mass");
    CHECK(nr_brem_accept_fixed_target(&dp, &o, 120.0, 0.1, &dumps[0].v, 8, &acc, &err) != NR_OK,
          "options for 68.6 GeV with a 120 GeV beam");
}

static void test_brem_accept_bad_input(void)
{
    nr_error err;
    nr_llp_accepted acc;
    nr_decay_volume faser = NR_FASER_DECAY_VOLUME, bad = {478.5, 1.5, -0.1};
    nr_proton_chiral_couplings dp = nr_proton_couplings_dark_photon(1.0);
    nr_brem_options o = nr_brem_options_default(13600.0);
    CHECK(nr_brem_accept(&dp, &o, -0.1, &faser, 8, &acc, &err) == NR_EINPUT && strstr(err.where, "mass"),
          "negative mass");
    CHECK(nr_brem_accept(&dp, &o, 0.1, &bad, 8, &acc, &err) == NR_EINPUT && strstr(err.where, "detector"),
          "negative radius");
    CHECK(nr_brem_accept(&dp, &o, 0.1, &faser, 0, &acc, &err) == NR_EINPUT, "no momentum bins");
    o.z_min = 0.9;
    o.z_max = 0.1;
    CHECK(nr_brem_accept(&dp, &o, 0.1, &faser, 8, &acc, &err) == NR_EINPUT && strstr(err.where, "bremsstrahlung"),
          "z_min > z_max");
}

/* ------------------------------------------------------------------ meson decays: the phi* fraction */

/* fraction of phi* in [0, 2 pi) with the X direction (opening alpha around a meson at theta_m) inside theta_acc:
 * the direction is built as a vector and its polar angle taken with acos-free atan2 (midpoints in phi*) */
static double sampled_phi_fraction(double theta_m, double alpha, double theta_acc, int n)
{
    double st = sin(theta_m), ct = cos(theta_m), sa = sin(alpha), ca = cos(alpha);
    int inside = 0;
    for (int i = 0; i < n; i++) {
        double phi = 2.0 * NR_PI * (i + 0.5) / n;
        /* meson axis (st, 0, ct); transverse basis e1 = (ct, 0, -st), e2 = (0, 1, 0) */
        double x = ca * st + sa * cos(phi) * ct, y = sa * sin(phi), z = ca * ct - sa * cos(phi) * st;
        inside += atan2(sqrt(x * x + y * y), z) < theta_acc;
    }
    return (double)inside / n;
}

static void test_phi_fraction(void)
{
    const double acc = 2.0833e-4; /* FASER: atan(0.1 / 480) */
    /* {theta_m, alpha, theta_acc}: meson outside and inside the cone, X near the edge of the band, large angles
     * (alpha > pi/2: the cos D < 0 branch), a wide cone */
    const double cases[][3] = {
        {3e-4, 2e-4, acc},    {3e-4, 1.1e-4, acc},  {3e-4, 4.9e-4, acc}, {1e-4, 5e-5, acc},   {1e-4, 2e-4, acc},
        {1e-4, 3.05e-4, acc}, {5e-3, 4.9e-3, acc},  {5e-3, 5.1e-3, acc}, {0.0, 1e-4, acc},    {1e-4, 0.0, acc},
        {2.0, 2.0001, acc},   {0.3, 2.5, 0.5},      {1.0, 0.7, 0.5},     {0.2, 0.1, 1.2},     {2.8, 0.5, 2.9},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        double want = sampled_phi_fraction(cases[k][0], cases[k][1], cases[k][2], 200000);
        double got = nr_meson_phi_fraction(cases[k][0], cases[k][1], cases[k][2]);
        CHECK(fabs(got - want) < 2e-5, "phi* fraction (theta_M %g, alpha %g, theta_acc %g): %.6f, sampled %.6f",
              cases[k][0], cases[k][1], cases[k][2], got, want);
    }
    CHECK(nr_meson_phi_fraction(1e-3, 1e-3 + 3e-4, 2e-4) == 0.0, "outside the band |theta_M - alpha| < theta_acc");
}

int main(void)
{
    gsl_set_error_handler_off();
    test_pt2_integral();
    test_brem_accept();
    test_brem_accept_bad_input();
    test_brem_accept_fixed_target();
    test_phi_fraction();
    return nr_test_summary();
}
