/* test_tmm_zp.c: the transition moment to a Z' field strength (paper 003), physics/models/tmm_zp_xsec.c and
 * tmm_zp_widths.c, against independent computations:
 *  - the photon dipole portal (physics/models/dipole_xsec.c, itself checked against brute-force Dirac traces in
 *    tests/golden/) in the limit M_Z' -> 0, g_u -> 2e/3, g_d -> -e/3, for the nucleus, the proton and the neutron;
 *  - the massless-parton formula against the spin-1/2 bracket on a light point target (M_T -> 0 at fixed s);
 *  - the analytic parton integral against adaptive quadrature; the inelastic quadrature nodes against an adaptive
 *    integral over ln Q^2 of the x-integrated dsigma/dQ^2; continuity of dsigma/dQ^2 at the matching scale;
 *  - the N angle against the law of cosines with the target recoil; Eq. 2 averaged over depth against a sum;
 *  - widths: the photon limit of N -> nu V (001 Eq. B.1), the three-body N -> nu Z'* -> nu e+ e- against the photon's
 *    Kroll-Wada form (dipole_xsec.c) with the Z' propagator, the contact limit m_N^7/(480 pi^3 M^4), and the W/Z
 *    phase-space functions f1, f2, I against a direct Dalitz-plot integration of the four-fermion traces;
 *  - branching ratios summing to 1, and the Z' thresholds of 003 Figs. 6, 8, 10.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>

#include "constants.h"
#include "darkcast.h"
#include "decay.h"
#include "models/dipole_xsec.h"
#include "engine.h"
#include "experiment.h"
#include "flux.h"
#include "materials.h"
#include "model.h"
#include "models/tmm_zp_events.h"
#include "models/tmm_zp_widths.h"
#include "models/tmm_zp_xsec.h"
#include "nr_test.h"
#include "pdf.h"
#include "upscatter.h"

#define E_CHARGE sqrt(4.0 * NR_PI * NR_ALPHA_EM)
#define W_Z 74.0
#define W_A 183.84
#define W_MASS_GEV 171.12 /* W-184 nucleus (ERRATA.md, 000 sec. V B), any value works for these comparisons */

static nr_tmm_couplings photon_like(double mu, double m_n, double m_zp)
{
    nr_tmm_couplings c = {mu, m_n, m_zp, 2.0 / 3.0 * E_CHARGE, -1.0 / 3.0 * E_CHARGE};
    return c;
}

/* ---------------------------------------------------------------------------------------------------------- */

static void test_photon_limit(void)
{
    const double mu = 1e-6, m_n = 0.5;
    const double energies[3] = {20.0, 300.0, 3000.0};
    const nr_tmm_target targets[3] = {NR_TMM_NUCLEUS, NR_TMM_PROTON, NR_TMM_NEUTRON};
    const nr_dipole_target dip[3] = {NR_DIPOLE_NUCLEUS, NR_DIPOLE_PROTON, NR_DIPOLE_NEUTRON};
    const double masses[3] = {W_MASS_GEV, NR_M_PROTON, NR_M_NEUTRON};
    double worst = 0.0;
    for (int k = 0; k < 3; k++)
        for (int ie = 0; ie < 3; ie++) {
            const double e = energies[ie];
            double u_min, u_max;
            CHECK(nr_upscatter_abs_t_range(e, masses[k], m_n, &u_min, &u_max), "above threshold");
            for (int j = 1; j < 10; j++) {
                const double u = u_min * pow(u_max / u_min, j / 10.0);
                nr_tmm_elastic_ctx z = {photon_like(mu, m_n, 0.0), targets[k], W_Z, W_A, masses[k], NULL, 0.0, 0.0, 0.0};
                nr_dipole_xsec_ctx d = {.mu_n = mu, .m_n = m_n, .target = dip[k],
                    .z = W_Z, .a = W_A, .m_target = masses[k]};
                const double ours = nr_tmm_elastic_dsigma_dt(e, -u, &z), want = nr_dipole_dsigma_dt(e, -u, &d);
                if (want > 0.0)
                    worst = fmax(worst, fabs(ours / want - 1.0));
                else
                    CHECK(ours == 0.0, "zero where the dipole is zero (k %d, u %g)", k, u);
                /* a massive Z': the photon result times the propagator ratio (u / (u + M^2))^2 */
                z.c.m_zp = 0.3;
                CHECK_REL(nr_tmm_elastic_dsigma_dt(e, -u, &z), want * pow(u / (u + 0.09), 2), 1e-12,
                          "massive propagator");
            }
        }
    CHECK(worst < 1e-12, "M_Z' -> 0, g_q -> e Q_q: the photon dipole portal (worst rel. diff %.3g)", worst);
    printf("photon limit (nucleus, p, n; 27 energies x t): worst relative difference %.2g\n", worst);

    /* integrated: sigma(nu W -> N W) of the two modules */
    nr_tmm_elastic_ctx z = {photon_like(mu, m_n, 0.0), NR_TMM_NUCLEUS, W_Z, W_A, W_MASS_GEV, NULL, 0.0, 0.0, 0.0};
    nr_dipole_xsec_ctx d = {.mu_n = mu, .m_n = m_n, .target = NR_DIPOLE_NUCLEUS,
        .z = W_Z, .a = W_A, .m_target = W_MASS_GEV};
    double s1, s2, e1, e2;
    nr_error err;
    CHECK(nr_upscatter_sigma(nr_tmm_elastic_dsigma_dt, &z, 500.0, W_MASS_GEV, m_n, 0.0, 1e-8, &s1, &e1, &err) ==
              NR_OK, "integral");
    CHECK(nr_upscatter_sigma(nr_dipole_dsigma_dt, &d, 500.0, W_MASS_GEV, m_n, 0.0, 1e-8, &s2, &e2, &err) == NR_OK,
          "integral");
    CHECK_REL(s1, s2, 1e-8, "coherent sigma on W equals the dipole portal's");
}

static void test_nucleon_charges(void)
{
    /* baryon-number couplings g_u = g_d = g_q: F1(0) = 3 g_q, F2(0) = 3 g_q (kappa_p + kappa_n) from the dipole
     * form factors' magnetic moments (form_factors.h: 2.793, -1.913) */
    nr_tmm_couplings c = {1.0, 1.0, 0.1, 0.7, 0.7};
    double f1, f2;
    nr_tmm_nucleon_form_factors(&c, NR_NUCLEON_PROTON, 0.0, &f1, &f2);
    CHECK_REL(f1, 3.0 * 0.7, 1e-12, "proton Z' charge 3 g_q");
    CHECK_REL(f2, 3.0 * 0.7 * (1.793 - 1.913), 1e-3, "isoscalar anomalous moment");
    nr_tmm_nucleon_form_factors(&c, NR_NUCLEON_NEUTRON, 0.5, &f1, &f2);
    double g1, g2;
    nr_tmm_nucleon_form_factors(&c, NR_NUCLEON_PROTON, 0.5, &g1, &g2);
    CHECK_REL(f1, g1, 1e-12, "isoscalar: neutron = proton (F1)");
    CHECK_REL(f2, g2, 1e-12, "isoscalar: neutron = proton (F2)");
    CHECK_REL(nr_tmm_nucleus_charge(&c, W_Z, W_A), 3.0 * 0.7 * W_A, 1e-12, "nucleus charge 3 g_q A");
}

/* The parton formula is the spin-1/2 bracket at M_T -> 0 (fixed s). */
static void test_parton(void)
{
    const double mu = 2e-6, m_n = 3.0, m_t = 1e-4, s_hat = 400.0;
    const double e = (s_hat - m_t * m_t) / (2.0 * m_t);
    nr_dipole_xsec_ctx d = {.mu_n = mu, .m_n = m_n, .target = NR_DIPOLE_ELECTRON, .z = 0, .a = 0, .m_target = m_t};
    double worst = 0.0;
    for (int j = 1; j < 10; j++) {
        const double q2 = (s_hat - m_n * m_n) * j / 10.0;
        const double want = nr_dipole_dsigma_dt(e, -q2, &d) / NR_HBARC2_GEV2_CM2; /* electron: charge e */
        const double ours = nr_tmm_parton_dsigma_dq2(s_hat, q2, m_n, 0.0, mu, E_CHARGE);
        worst = fmax(worst, fabs(ours / want - 1.0));
    }
    CHECK(worst < 1e-6, "massless parton = point fermion at M_T -> 0 (worst %.3g)", worst);

}

typedef struct {
    double s_hat, m_n, m_zp;
} parton_params;

static double parton_integrand_lnq2(double ln_q2, void *vp)
{
    const parton_params *p = vp;
    const double q2 = exp(ln_q2);
    return q2 * nr_tmm_parton_dsigma_dq2(p->s_hat, q2, p->m_n, p->m_zp, 1.0, 1.0);
}

static void test_parton_integral(void)
{
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(400);
    const double m_zps[3] = {0.1, 1.0, 10.0}, s_hat = 400.0, m_n = 3.0;
    for (int k = 0; k < 3; k++) {
        parton_params p = {s_hat, m_n, m_zps[k]};
        gsl_function f = {parton_integrand_lnq2, &p};
        double ref = 0.0, err = 0.0;
        gsl_integration_qag(&f, log(1e-9), log(s_hat - m_n * m_n), 0.0, 1e-11, 400, GSL_INTEG_GAUSS41, w, &ref, &err);
        CHECK_REL(nr_tmm_parton_sigma(s_hat, 1e-9, 1e6, m_n, m_zps[k], 1.0, 1.0), ref, 1e-8,
                  "closed-form parton integral vs adaptive");
    }
    gsl_integration_workspace_free(w);
    /* g_q^2 mu^2 scaling */
    CHECK_REL(nr_tmm_parton_sigma(s_hat, 0.0, 1e6, m_n, 1.0, 3.0, 2.0),
              36.0 * nr_tmm_parton_sigma(s_hat, 0.0, 1e6, m_n, 1.0, 1.0, 1.0), 1e-13, "g^2 mu^2 scaling");
}

/* ---------------------------------------------------------------------------------------------------------- */

typedef struct {
    const nr_pdf *pdf;
    nr_tmm_couplings c;
    nr_nucleon nucleon;
    double e_nu, q0;
} dis_params;

static double dis_integrand_lnq2(double ln_q2, void *vp)
{
    const dis_params *p = vp;
    const double q2 = exp(ln_q2);
    return q2 * nr_tmm_dis_dsigma_dq2(p->pdf, &p->c, p->nucleon, p->e_nu, p->q0, q2);
}

static double dis_adaptive(const dis_params *p, double lo, double hi)
{
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(400);
    gsl_function f = {dis_integrand_lnq2, (void *)p};
    double r = 0.0, err = 0.0;
    gsl_integration_qag(&f, log(lo), log(hi), 0.0, 1e-6, 400, GSL_INTEG_GAUSS21, w, &r, &err);
    gsl_integration_workspace_free(w);
    return r;
}

static void test_dis(const nr_pdf *pdf)
{
    const double m_zps[2] = {0.1, 10.0}, energies[2] = {100.0, 3000.0};
    for (int k = 0; k < 2; k++)
        for (int ie = 0; ie < 2; ie++) {
            nr_tmm_couplings c = {1e-5, 1.0, m_zps[k], 1.0, 1.0};
            dis_params p = {pdf, c, NR_NUCLEON_PROTON, energies[ie], NR_TMM_Q0_GEV2};
            double hard = 0.0, soft = 0.0, all = 0.0;
            nr_tmm_dis_nodes(pdf, &c, NR_NUCLEON_PROTON, energies[ie], NR_TMM_Q0_GEV2, NR_TMM_DIS_HARD, NULL, 0, &hard);
            nr_tmm_dis_nodes(pdf, &c, NR_NUCLEON_PROTON, energies[ie], NR_TMM_Q0_GEV2, NR_TMM_DIS_SOFT, NULL, 0, &soft);
            nr_tmm_dis_nodes(pdf, &c, NR_NUCLEON_PROTON, energies[ie], NR_TMM_Q0_GEV2, NR_TMM_DIS_ALL, NULL, 0, &all);
            const double q2_max = 2.0 * NR_M_PROTON * energies[ie] - 1.0;
            const double ref_hard = dis_adaptive(&p, NR_TMM_Q0_GEV2, q2_max);
            const double ref_soft = dis_adaptive(&p, 1e-7, NR_TMM_Q0_GEV2);
            /* 6-point Gauss-Legendre per decade in x and Q^2 (the production path) against adaptive quadrature */
            CHECK_REL(hard, ref_hard, 5e-3, "DIS nodes (hard) vs adaptive Q^2 x x integral");
            CHECK_REL(soft, ref_soft, 5e-3, "DIS nodes (soft) vs adaptive Q^2 x x integral");
            CHECK_REL(all, hard + soft, 1e-12, "all = hard + soft");
            /* continuity of dsigma/dQ^2 at the matching scale */
            const double below = nr_tmm_dis_dsigma_dq2(pdf, &c, NR_NUCLEON_PROTON, energies[ie], NR_TMM_Q0_GEV2,
                                                       NR_TMM_Q0_GEV2 * (1.0 - 1e-7));
            const double above = nr_tmm_dis_dsigma_dq2(pdf, &c, NR_NUCLEON_PROTON, energies[ie], NR_TMM_Q0_GEV2,
                                                       NR_TMM_Q0_GEV2 * (1.0 + 1e-7));
            CHECK_REL(below, above, 1e-5, "dsigma/dQ^2 continuous at Q0^2");
            /* the N nodes: energies below E_nu, angles in [0, 1] */
            nr_tmm_node nodes[20000];
            const size_t n = nr_tmm_dis_nodes(pdf, &c, NR_NUCLEON_PROTON, energies[ie], NR_TMM_Q0_GEV2,
                                              NR_TMM_DIS_ALL, nodes, 20000, NULL);
            int bad = 0;
            double sum = 0.0;
            for (size_t j = 0; j < n; j++) {
                bad += !(nodes[j].e_n > 1.0 && nodes[j].e_n <= energies[ie]) ||
                       !(nodes[j].sin_theta >= 0.0 && nodes[j].sin_theta <= 1.0);
                sum += nodes[j].weight;
            }
            CHECK(n > 100 && n < 20000, "node count %zu", n);
            CHECK(bad == 0, "%d nodes with an unphysical N", bad);
            CHECK_REL(sum, all, 1e-12, "nodes sum to sigma");
        }
    /* the matching scale: the total inelastic cross section moves little when Q0^2 doubles (printed) */
    nr_tmm_couplings c = {1e-5, 1.0, 0.1, 1.0, 1.0};
    double a1, a2;
    nr_tmm_dis_nodes(pdf, &c, NR_NUCLEON_PROTON, 1000.0, 1.0, NR_TMM_DIS_ALL, NULL, 0, &a1);
    nr_tmm_dis_nodes(pdf, &c, NR_NUCLEON_PROTON, 1000.0, 2.0, NR_TMM_DIS_ALL, NULL, 0, &a2);
    printf("inelastic sigma(nu p), E = 1 TeV, M_Z' = 0.1, m_N = 1: Q0^2 = 1 GeV^2 %.4g cm^2, 2 GeV^2 %.4g (%+.1f%%)\n",
           a1, a2, 100.0 * (a2 / a1 - 1.0));
    CHECK(fabs(a2 / a1 - 1.0) < 0.2, "matching-scale dependence below 20%%");
    /* scaling with g_q^2 mu^2 */
    nr_tmm_couplings c2 = {3e-5, 1.0, 0.1, 2.0, 2.0};
    double b1, b2;
    nr_tmm_dis_nodes(pdf, &c, NR_NUCLEON_NEUTRON, 1000.0, NR_TMM_Q0_GEV2, NR_TMM_DIS_ALL, NULL, 0, &b1);
    nr_tmm_dis_nodes(pdf, &c2, NR_NUCLEON_NEUTRON, 1000.0, NR_TMM_Q0_GEV2, NR_TMM_DIS_ALL, NULL, 0, &b2);
    CHECK_REL(b2, 36.0 * b1, 1e-12, "DIS scales as g_q^2 mu^2");
    /* protons and neutrons together (the production path, issue 11): the nodes of nr_tmm_dis_nodes_mix are those
     * of one nucleon kind, weighted w_p (proton) + w_n (neutron), node by node; u and d charges differ here so the
     * two nucleons differ (tungsten: Z = 74, A - Z = 110) */
    nr_tmm_couplings c3 = {1e-5, 0.7, 0.3, 2.0 / 3.0, -1.0 / 3.0};
    static nr_tmm_node np[20000], nn[20000], nm[20000];
    double sp = 0.0, sn = 0.0, sm = 0.0;
    const size_t kp = nr_tmm_dis_nodes(pdf, &c3, NR_NUCLEON_PROTON, 500.0, NR_TMM_Q0_GEV2, NR_TMM_DIS_ALL, np,
                                       20000, &sp);
    const size_t kn = nr_tmm_dis_nodes(pdf, &c3, NR_NUCLEON_NEUTRON, 500.0, NR_TMM_Q0_GEV2, NR_TMM_DIS_ALL, nn,
                                       20000, &sn);
    const size_t km = nr_tmm_dis_nodes_mix(pdf, &c3, 74.0, 110.0, 500.0, NR_TMM_Q0_GEV2, NR_TMM_DIS_ALL, nm, 20000,
                                           &sm);
    CHECK(kp == kn && kp == km && km > 100, "node counts p %zu n %zu mix %zu", kp, kn, km);
    double worst = 0.0;
    int same_kinematics = 1;
    for (size_t j = 0; j < km && j < kp && j < kn; j++) {
        same_kinematics &= nm[j].e_n == np[j].e_n && nm[j].e_n == nn[j].e_n && nm[j].sin_theta == np[j].sin_theta;
        const double want = 74.0 * np[j].weight + 110.0 * nn[j].weight;
        worst = fmax(worst, fabs(nm[j].weight / want - 1.0));
    }
    CHECK(same_kinematics, "mixed nodes share the N energy and angle of each nucleon's nodes");
    CHECK(worst < 1e-13, "mixed node weights = 74 p + 110 n within 1e-13 (worst %.2g)", worst);
    CHECK_REL(sm, 74.0 * sp + 110.0 * sn, 1e-13, "mixed sigma = 74 sigma_p + 110 sigma_n");
    CHECK(fabs(sp / sn - 1.0) > 0.05, "u and d charges differ: sigma_p / sigma_n = %.3f", sp / sn);
}

/* sin theta of N against the law of cosines: p_nu = p_N + p_recoil (elastic on a target of mass M). */
static void test_angle(void)
{
    const double m_t = W_MASS_GEV, m_n = 2.0, e = 150.0;
    double u_min, u_max;
    nr_upscatter_abs_t_range(e, m_t, m_n, &u_min, &u_max);
    for (int j = 1; j < 8; j++) {
        const double u = u_min * pow(u_max / u_min, j / 8.0);
        const double e_n = nr_upscatter_e_n(e, m_t, -u), recoil_t = u / (2.0 * m_t);
        const double p_n = sqrt(e_n * e_n - m_n * m_n), p_r = sqrt(recoil_t * recoil_t + 2.0 * m_t * recoil_t);
        const double cos_t = (e * e + p_n * p_n - p_r * p_r) / (2.0 * e * p_n);
        const double want = sqrt(fmax(0.0, 1.0 - cos_t * cos_t));
        /* the law of cosines cancels at small angles: compare where it is accurate */
        if (want > 1e-4)
            CHECK_REL(nr_tmm_n_sin_theta(e, e_n, m_n, u), want, 1e-6, "N angle vs law of cosines");
    }
    /* forward limit: at |t|_min the N goes straight on */
    CHECK(nr_tmm_n_sin_theta(e, nr_upscatter_e_n(e, m_t, -u_min), m_n, u_min) < 1e-6, "forward at |t|_min");
}

/* 003 Eq. 2 and its depth average against a midpoint sum. */
static void test_decay_probability(void)
{
    const double delta = 1.0, r = 0.125;
    const double lambdas[3] = {0.05, 0.8, 30.0}, sines[3] = {0.0, 0.05, 0.5};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            const double d_side = sines[j] > 0 ? r / sines[j] : INFINITY;
            double sum = 0.0;
            const int n = 200000;
            for (int k = 0; k < n; k++) {
                const double z = (k + 0.5) * delta / n;
                sum += 1.0 - exp(-fmin(delta - z, d_side) / lambdas[i]);
            }
            CHECK_REL(nr_tmm_decay_probability(lambdas[i], delta, r, sines[j], 1), sum / n, 1e-6,
                      "depth-averaged Eq. 2 vs midpoint sum");
            CHECK_REL(nr_tmm_decay_probability(lambdas[i], delta, r, sines[j], 0),
                      1.0 - exp(-fmin(delta, d_side) / lambdas[i]), 1e-12, "Eq. 2 as printed");
        }
}

/* ---------------------------------------------------------------------------------------------------------- */
/* widths                                                                                                      */

typedef struct {
    double mu, m_n, m_zp, g;
} ee_params;

/* the photon's dGamma/ds for N -> nu e+ e- (dipole_xsec.c) with e -> g and 1/s^2 -> 1/(s - M^2)^2 */
static double ee_integrand(double s, void *vp)
{
    const ee_params *p = vp;
    const double e2 = 4.0 * NR_PI * NR_ALPHA_EM;
    return nr_dipole_dwidth_nu_ll_ds(p->mu, p->m_n, NR_M_ELECTRON, s) * p->g * p->g / e2 * s * s /
           pow(s - p->m_zp * p->m_zp, 2);
}

static nr_tmm_widths widths(const nr_darkcast *dc, nr_tmm_decay_params p)
{
    nr_tmm_widths w;
    nr_error err;
    CHECK(nr_tmm_widths_compute(&p, dc, &w, &err) == NR_OK, "widths: %s %s", err.where, err.message);
    return w;
}

static void test_widths_dipole(const nr_darkcast *dc)
{
    /* two-body: the photon limit is 001 Eq. B.1 */
    CHECK_REL(nr_tmm_width_nu_v(1e-5, 3.0, 0.0), nr_dipole_width_nu_gamma(1e-5, 3.0), 1e-14, "N -> nu V at m_V = 0");
    /* three-body through the virtual Z' into e+ e- only */
    nr_tmm_decay_params p = {.m_n = 1.5, .m_zp = 2.5, .mu = 1e-5, .v_an = 0.0, .g_q = 0.0, .g_nu = 0.0, .g_l = 0.4,
                             .alpha = 1};
    nr_tmm_widths w = widths(dc, p);
    ee_params q = {p.mu, p.m_n, p.m_zp, p.g_l};
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(400);
    gsl_function f = {ee_integrand, &q};
    double ref = 0.0, err = 0.0;
    gsl_integration_qags(&f, 4.0 * NR_M_ELECTRON * NR_M_ELECTRON, p.m_n * p.m_n, 0.0, 1e-9, 400, ws, &ref, &err);
    gsl_integration_workspace_free(ws);
    CHECK_REL(w.width[NR_TMM_ZP_EE], ref, 1e-5, "N -> nu Z'* -> nu e e vs the photon's Kroll-Wada form");
    /* contact limit: mu^2 g^2 m^7 / (480 pi^3 M^4) for a vector fermion (electron, m_e / m_N negligible) */
    p.m_n = 5.0;
    p.m_zp = 500.0;
    w = widths(dc, p);
    const double contact = p.mu * p.mu * p.g_l * p.g_l * pow(p.m_n, 7) / (480.0 * pow(NR_PI, 3) * pow(p.m_zp, 4));
    CHECK_REL(w.width[NR_TMM_ZP_EE], contact, 1e-3, "contact limit M_Z' >> m_N");
    /* on-shell: Gamma(N -> nu Z') BR(Z' -> X); M_Z' = 0.1 GeV: only nu nubar and e+e- open (003 Figs. 6, 8, 10) */
    nr_tmm_decay_params b = {.m_n = 1.0, .m_zp = 0.1, .mu = 5e-6, .v_an = 1e-3, .g_q = 1.0, .g_nu = 1.0, .g_l = 1.0,
                             .alpha = 1};
    w = widths(dc, b);
    CHECK(w.width[NR_TMM_ZP_HADRONS] == 0.0 && w.width[NR_TMM_ZP_MUMU] == 0.0, "M_Z' = 0.1: no hadrons, no muons");
    /* BR(Z' -> nu nubar) = 3 g_nu^2/24 / (3 g_nu^2/24 + g_l^2 beta (1 + 2r)/12) */
    const double r = pow(NR_M_ELECTRON / 0.1, 2), beta = sqrt(1.0 - 4.0 * r);
    const double br_nu = 0.125 / (0.125 + beta * (1.0 + 2.0 * r) / 12.0);
    const double zp_total = w.width[NR_TMM_ZP_NUNU] + w.width[NR_TMM_ZP_EE];
    CHECK_REL(w.width[NR_TMM_ZP_NUNU] / zp_total, br_nu, 1e-9, "BR(Z' -> nu nubar) at 0.1 GeV");
    CHECK_REL(zp_total, nr_tmm_width_nu_v(5e-6, 1.0, 0.1), 1e-12, "on-shell: the two-body width");
    double sum = 0.0;
    for (int k = 0; k < NR_TMM_N_CHANNELS; k++)
        sum += nr_tmm_br(&w, (nr_tmm_channel)k);
    CHECK_REL(sum, 1.0, 1e-12, "sum of branching ratios");
    CHECK_REL(nr_tmm_class_br(&w, NR_TMM_CLASS_INVISIBLE) + nr_tmm_class_br(&w, NR_TMM_CLASS_LEPTONS) +
                  nr_tmm_class_br(&w, NR_TMM_CLASS_HADRONS), 1.0, 1e-12, "sum of the classes");
    /* M_Z' = 1, 10 GeV with equal couplings: hadrons dominate (003 sec. IV A) */
    b.m_zp = 1.0;
    b.m_n = 5.0;
    w = widths(dc, b);
    /* "dominant" (003): the largest single channel; omega-like VMD at 1 GeV */
    for (int k = 0; k < NR_TMM_N_CHANNELS; k++)
        CHECK(k == NR_TMM_ZP_HADRONS || w.width[k] < w.width[NR_TMM_ZP_HADRONS],
              "hadrons the largest channel at M_Z' = 1 GeV (%s is larger)", nr_tmm_channel_name((nr_tmm_channel)k));
    printf("M_Z' = 1 GeV, m_N = 5 GeV, g_q = g_nu = g_l = 1: BR hadrons %.3f, nu nubar %.3f, e e %.3f, mu mu %.3f\n",
           nr_tmm_br(&w, NR_TMM_ZP_HADRONS), nr_tmm_br(&w, NR_TMM_ZP_NUNU), nr_tmm_br(&w, NR_TMM_ZP_EE),
           nr_tmm_br(&w, NR_TMM_ZP_MUMU));
    b.m_zp = 10.0;
    b.m_n = 20.0;
    w = widths(dc, b);
    /* free u, d quarks: 6 g_q^2 (1 + alpha_s/pi) against 3 g_l^2 + 1.5 g_nu^2 */
    CHECK(nr_tmm_class_br(&w, NR_TMM_CLASS_HADRONS) > 0.5, "hadrons dominate at M_Z' = 10 GeV (%g)",
          nr_tmm_class_br(&w, NR_TMM_CLASS_HADRONS));
}

/* Dalitz-plot integral of (1/2) sum |M|^2 for N(M) -> a b c with momenta from the invariants s_ab, s_bc, and
 * Gamma = int |M|^2 ds_ab ds_bc / (256 pi^3 M^3) (PDG kinematics, Eq. 49.22). */
typedef double (*amp2_fn)(double pa_pb, double pa_pc, double pb_pc, double p_pa, double p_pb, double p_pc,
                          const double *par);

static double dalitz_width(double m, double ma, double mb, double mc, amp2_fn amp2, const double *par)
{
    const int n = 96;
    gsl_integration_glfixed_table *t = gsl_integration_glfixed_table_alloc(n);
    const double lo = pow(ma + mb, 2), hi = pow(m - mc, 2);
    double total = 0.0;
    for (int i = 0; i < n; i++) {
        double s_ab, wi;
        gsl_integration_glfixed_point(lo, hi, i, &s_ab, &wi, t);
        const double rs = sqrt(s_ab);
        const double eb = (s_ab - ma * ma + mb * mb) / (2.0 * rs), ec = (m * m - s_ab - mc * mc) / (2.0 * rs);
        const double pb = sqrt(fmax(eb * eb - mb * mb, 0.0)), pc = sqrt(fmax(ec * ec - mc * mc, 0.0));
        const double s_lo = pow(eb + ec, 2) - pow(pb + pc, 2), s_hi = pow(eb + ec, 2) - pow(pb - pc, 2);
        for (int j = 0; j < n; j++) {
            double s_bc, wj;
            gsl_integration_glfixed_point(s_lo, s_hi, j, &s_bc, &wj, t);
            const double s_ac = m * m + ma * ma + mb * mb + mc * mc - s_ab - s_bc;
            const double ab = 0.5 * (s_ab - ma * ma - mb * mb), bc = 0.5 * (s_bc - mb * mb - mc * mc);
            const double ac = 0.5 * (s_ac - ma * ma - mc * mc);
            const double pa = ma * ma + ab + ac, pbb = mb * mb + ab + bc, pcc = mc * mc + ac + bc;
            total += wi * wj * amp2(ab, ac, bc, pa, pbb, pcc, par);
        }
    }
    gsl_integration_glfixed_table_free(t);
    return total / (256.0 * pow(NR_PI, 3) * pow(m, 3));
}

/* NC: a = nu (k), b = f (p1), c = fbar (p2); 64 [g_L^2 (k.p1)(p.p2) + g_R^2 (k.p2)(p.p1) + g_L g_R m^2 (k.p)] at
 * G_F V = 1; par = {g_L, g_R, m_f}. */
static double amp2_nc(double ab, double ac, double bc, double pa, double pb, double pc, const double *par)
{
    (void)bc;
    return 64.0 * (par[0] * par[0] * ab * pc + par[1] * par[1] * ac * pb + par[0] * par[1] * par[2] * par[2] * pa);
}

/* CC: a = l, b = u, c = dbar: 64 (l.u)(p.dbar). */
static double amp2_cc(double ab, double ac, double bc, double pa, double pb, double pc, const double *par)
{
    (void)ac;
    (void)bc;
    (void)pa;
    (void)pb;
    (void)par;
    return 64.0 * ab * pc;
}

static void test_widths_mixing_dalitz(void)
{
    const double m = 1.0, unit = pow(m, 5) / (192.0 * pow(NR_PI, 3));
    const double xs[3] = {0.05, 0.2, 0.4};
    for (int k = 0; k < 3; k++) {
        const double mf = xs[k] * m;
        const double p1[3] = {1.0, 0.0, mf};
        CHECK_REL(dalitz_width(m, 0.0, mf, mf, amp2_nc, p1) / unit, nr_tmm_nc_f1(xs[k]), 1e-6, "f1 vs Dalitz");
        const double p2[3] = {0.3, 0.7, mf};
        const double want = (0.09 + 0.49) * nr_tmm_nc_f1(xs[k]) + 0.21 * nr_tmm_nc_f2(xs[k]);
        CHECK_REL(dalitz_width(m, 0.0, mf, mf, amp2_nc, p2) / unit, want, 1e-6, "C1 f1 + C2 f2 vs Dalitz");
    }
    const double masses[3][3] = {{0.0, 0.0, 0.0}, {0.0, 0.1, 0.3}, {0.3, 0.1, 0.2}}; /* x_u, x_d, x_l */
    for (int k = 0; k < 3; k++) {
        const double *x = masses[k];
        CHECK_REL(dalitz_width(m, x[2], x[0], x[1], amp2_cc, NULL) / unit, nr_tmm_cc_i(x[0], x[1], x[2]), 1e-5,
                  "CC I(x_u, x_d, x_l) vs Dalitz");
    }
    CHECK_REL(nr_tmm_cc_i(0, 0, 0), 1.0, 1e-10, "I(0, 0, 0) = 1 (muon decay)");
    CHECK_REL(nr_tmm_nc_f1(1e-5), 1.0, 1e-8, "f1(0) = 1");
}

static void test_widths_mixing(const nr_darkcast *dc)
{
    /* pure mixing: N -> 3 nu is G_F^2 m^5 V^2 / (192 pi^3) (Bondarenko et al. 2018 Eq. 3.5 summed over beta) */
    nr_tmm_decay_params p = {.m_n = 5.0, .m_zp = 3.0, .mu = 0.0, .v_an = 1e-3, .g_q = 1, .g_nu = 1, .g_l = 1,
                             .alpha = 0};
    nr_tmm_widths w = widths(dc, p);
    const double g0 = NR_G_FERMI * NR_G_FERMI * pow(5.0, 5) * 1e-6 / (192.0 * pow(NR_PI, 3));
    CHECK_REL(w.width[NR_TMM_V_NUNUNU], g0, 1e-12, "N -> 3 nu");
    /* alpha = e, massless limit: nu e e has C1 = (1 + 4 s^2 + 8 s^4)/4 (W and Z), nu mu mu (1 - 4 s^2 + 8 s^4)/4 */
    const double s2 = NR_SIN2_THETA_W;
    CHECK_REL(w.width[NR_TMM_V_NU_EE] / g0, 0.25 * (1 + 4 * s2 + 8 * s2 * s2), 1e-4, "nu e e (W + Z)");
    CHECK_REL(w.width[NR_TMM_V_NU_MUMU] / g0,
              0.25 * (1 - 4 * s2 + 8 * s2 * s2) * nr_tmm_nc_f1(NR_M_MUON / 5.0) +
                  0.5 * s2 * (2 * s2 - 1) * nr_tmm_nc_f2(NR_M_MUON / 5.0), 1e-10, "nu mu mu (Z)");
    /* total width roughly as the textbook counting: ~ (a dozen) x g0 at 5 GeV */
    CHECK(w.total / g0 > 8.0 && w.total / g0 < 14.0, "total / g0 = %g", w.total / g0);
    double sum = 0.0;
    for (int k = 0; k < NR_TMM_N_CHANNELS; k++)
        sum += nr_tmm_br(&w, (nr_tmm_channel)k);
    CHECK_REL(sum, 1.0, 1e-12, "sum of branching ratios (mixing only)");
    /* bad input */
    nr_error err;
    nr_tmm_widths out;
    p.m_n = -1.0;
    CHECK(nr_tmm_widths_compute(&p, dc, &out, &err) == NR_EINPUT && strcmp(err.where, "/params/m_N") == 0,
          "negative m_N refused");
    p.m_n = 100.0;
    CHECK(nr_tmm_widths_compute(&p, dc, &out, &err) == NR_EINPUT, "m_N above M_W refused");
}

/* ---------------------------------------------------------------------------------------------------------- */
/* events at FASERnu                                                                                           */

static nr_tmm_prepared prep, prep2; /* large: static */

/* The coherent dsigma/dt with the engine's tabulated Helm F of tungsten (the production path, issue 11) against
 * nr_ff_helm_001 on every call: the table's error (< 1.2e-10 absolute on F, form_factors.h) is all that differs,
 * so within 1e-9 relative wherever F is not near a zero, and the coherent production within 1e-9. */
static void test_elastic_helm_table(const nr_engine *engine)
{
    const nr_ff_helm_table *helm = nr_engine_helm_001(engine, &nr_material_tungsten);
    CHECK(helm != NULL, "the engine tabulates tungsten's Helm F");
    if (!helm)
        return;
    const nr_tmm_couplings c = {1e-6, 0.5, 0.1, 1.0, 1.0};
    nr_tmm_elastic_ctx plain = {c, NR_TMM_NUCLEUS, W_Z, W_A, W_MASS_GEV, NULL, 0.0, 0.0, 0.0};
    nr_tmm_elastic_ctx table = {c, NR_TMM_NUCLEUS, W_Z, W_A, W_MASS_GEV, helm, 0.0, 0.0, 0.0};
    double worst = 0.0;
    for (int k = 0; k <= 60; k++) {
        const double abs_t = 1e-6 * pow(10.0, 0.05 * k); /* 1e-6 .. 1e-3 GeV^2: Q up to 32 MeV, F from 1 to 0.1 */
        const double a = nr_tmm_elastic_dsigma_dt(300.0, -abs_t, &plain), b = nr_tmm_elastic_dsigma_dt(300.0, -abs_t,
                                                                                                       &table);
        if (a > 0.0)
            worst = fmax(worst, fabs(b / a - 1.0));
    }
    CHECK(worst < 1e-9, "coherent dsigma/dt, Helm F tabulated vs computed: worst %.2g", worst);
    /* the |t| range stored per energy (nr_tmm_elastic_at_energy) gives the same numbers as computing it per call,
     * on every target, inside and just outside the physical range */
    int identical = 1;
    const nr_tmm_target tgs[3] = {NR_TMM_NUCLEUS, NR_TMM_PROTON, NR_TMM_NEUTRON};
    const double mts[3] = {W_MASS_GEV, NR_M_PROTON, NR_M_NEUTRON};
    for (int j = 0; j < 3; j++) {
        nr_tmm_elastic_ctx per_call = {c, tgs[j], W_Z, W_A, mts[j], helm, 0.0, 0.0, 0.0}, stored = per_call;
        nr_tmm_elastic_at_energy(&stored, 300.0);
        CHECK(stored.kin_e_nu == 300.0, "range stored");
        for (int k = 0; k <= 100; k++) {
            const double abs_t = stored.kin_u_min * pow(stored.kin_u_max * 1.1 / stored.kin_u_min, 0.01 * k) / 1.05;
            identical &= nr_tmm_elastic_dsigma_dt(300.0, -abs_t, &per_call) ==
                         nr_tmm_elastic_dsigma_dt(300.0, -abs_t, &stored);
        }
        identical &= nr_tmm_elastic_dsigma_dt(200.0, -0.01, &per_call) == nr_tmm_elastic_dsigma_dt(200.0, -0.01, &stored);
    }
    CHECK(identical, "dsigma/dt with the stored |t| range identical to the per-call range");
    double at[64], w1[64], w2[64], s1 = 0.0, s2 = 0.0;
    const size_t n1 = nr_upscatter_nodes(nr_tmm_elastic_dsigma_dt, &plain, 300.0, W_MASS_GEV, 0.5, 0.0, 64, at, w1);
    const size_t n2 = nr_upscatter_nodes(nr_tmm_elastic_dsigma_dt, &table, 300.0, W_MASS_GEV, 0.5, 0.0, 64, at, w2);
    for (size_t k = 0; k < n1; k++)
        s1 += w1[k];
    for (size_t k = 0; k < n2; k++)
        s2 += w2[k];
    CHECK(n1 == n2, "same node count %zu %zu", n1, n2);
    CHECK_REL(s2, s1, 1e-9, "coherent sigma, Helm F tabulated vs computed");
    printf("coherent nu W, Helm F tabulated vs computed: dsigma/dt within %.2g, sigma within %.2g\n", worst,
           fabs(s2 / s1 - 1.0));
}

static void test_events(const nr_engine *engine)
{
    const nr_experiment *x = nr_experiment_find("FASERnu");
    nr_error err;
    nr_tmm_setup s = {1.0, 0.1, 1e-4, 1.0, 1.0, 1.0, NR_TMM_Q0_GEV2, NR_FLAVOUR_MU, 0, 1};
    CHECK(nr_tmm_prepare(engine, x, &s, &prep, &err) == NR_OK, "prepare: %s", err.message);
    nr_tmm_events a, b;
    nr_tmm_events_at(&prep, 1e-6, &a);
    nr_tmm_events_at(&prep, 3e-6, &b);
    CHECK_REL(b.produced, 9.0 * a.produced, 1e-12, "production ~ mu^2");
    CHECK(a.leptons <= a.visible && a.visible <= a.produced, "leptons <= visible <= produced");
    CHECK_REL(a.produced, a.produced_coherent + a.produced_elastic + a.produced_dis, 1e-12, "pieces sum");

    /* bookkeeping: the prepared production equals sum over flux bins of n_nu x nuclei/cm^2 x sigma per nucleus
     * (nr_tmm_nucleus_sigma, the Fig. 2 path) */
    const nr_flux *flux = nr_engine_flux(engine, x->flux_set);
    const nr_pdf *pdf = nr_engine_pdf(engine, "CT10nlo");
    const nr_material *w = x->target;
    const double nuclei = nr_material_nuclei_per_g(w) * nr_experiment_column_density_g_cm2(x);
    double want = 0.0;
    for (size_t k = 0; k < flux->n_bins; k++) {
        nr_tmm_couplings c = {1e-6, 1.0, 0.1, 1.0, 1.0};
        nr_tmm_sigma_parts parts;
        nr_tmm_nucleus_sigma(pdf, &c, w->z, w->a, w->nucleus_mass_gev, flux->e_center[k], NR_TMM_Q0_GEV2, &parts);
        want += flux->count[NR_SPECIES(NR_FLAVOUR_MU, 0)][k] * nr_experiment_flux_scale(x) * nuclei * parts.total;
    }
    CHECK_REL(a.produced, want, 1e-9, "N made = flux x column x sigma");

    /* prompt limit: every N decays, visible = produced x (1 - BR(invisible)) */
    nr_tmm_widths wd;
    nr_tmm_events_at(&prep, 1e-2, &a);
    nr_tmm_widths_at(&prep, 1e-2, &wd);
    CHECK_REL(a.visible, a.produced * (1.0 - nr_tmm_class_br(&wd, NR_TMM_CLASS_INVISIBLE)), 1e-4, "prompt limit");
    /* long-lived limit (lab decay length ~ 1e6 m): P ~ Delta / (2 lambda) ~ Gamma_total, so the visible events go as
     * mu^2 Gamma_visible(mu), i.e. mu^4 where the dipole widths dominate */
    nr_tmm_events_at(&prep, 1e-9, &a);
    nr_tmm_events_at(&prep, 2e-9, &b);
    nr_tmm_widths w1, w2;
    nr_tmm_widths_at(&prep, 1e-9, &w1);
    nr_tmm_widths_at(&prep, 2e-9, &w2);
    const double vis1 = w1.total * (1.0 - nr_tmm_class_br(&w1, NR_TMM_CLASS_INVISIBLE));
    const double vis2 = w2.total * (1.0 - nr_tmm_class_br(&w2, NR_TMM_CLASS_INVISIBLE));
    CHECK_REL(b.visible / a.visible, 4.0 * vis2 / vis1, 1e-4, "long-lived limit: mu^2 Gamma_visible");
    CHECK(fabs(b.visible / a.visible / 16.0 - 1.0) < 0.05, "~ mu^4 (%g)", b.visible / a.visible);
    /* the FASER decay volume behind: long-lived, its decays over those in the target are acceptance x L_vol over
     * the mean remaining path Delta/2 */
    const nr_experiment *faser = nr_experiment_find(x->downstream);
    const double acc = nr_rectangle_fraction_in_circle(x->width_m, x->height_m, faser->radius_m);
    CHECK_REL(a.volume_visible / a.visible, acc * faser->length_m / (0.5 * x->length_m), 1e-3,
              "decay volume vs target, long-lived");
    nr_tmm_events_at(&prep, 1e-2, &b);
    CHECK(b.volume_visible < 1e-6 * b.visible, "prompt: nothing reaches the decay volume");
    /* the cells against a node-by-node sum (no cells) at a mu where P ~ 1/2 */
    {
        const double mu = 1e-6;
        nr_tmm_widths wm;
        nr_tmm_widths_at(&prep, mu, &wm);
        const double ctau = NR_HBARC_GEV_M / wm.total, m_n = s.m_n;
        const double r = 0.5 * fmin(x->width_m, x->height_m);
        static nr_tmm_node nodes[16384];
        double direct = 0.0;
        nr_tmm_couplings c = {mu, m_n, s.m_zp, 1.0, 1.0};
        for (size_t k = 0; k < flux->n_bins; k++) {
            const double n_nu = flux->count[NR_SPECIES(NR_FLAVOUR_MU, 0)][k] * nr_experiment_flux_scale(x) * nuclei;
            const double e_nu = flux->e_center[k];
            const nr_tmm_target tg[3] = {NR_TMM_NUCLEUS, NR_TMM_PROTON, NR_TMM_NEUTRON};
            const double mt[3] = {w->nucleus_mass_gev, NR_M_PROTON, NR_M_NEUTRON}, count[3] = {1, w->z, w->a - w->z};
            for (int j = 0; j < 3; j++) {
                nr_tmm_elastic_ctx ctx = {c, tg[j], w->z, w->a, mt[j], NULL, 0.0, 0.0, 0.0};
                double at[64], wt[64];
                const size_t n = nr_upscatter_nodes(nr_tmm_elastic_dsigma_dt, &ctx, e_nu, mt[j], m_n, 0.0, 64, at, wt);
                for (size_t i = 0; i < n; i++) {
                    const double e_n = nr_upscatter_e_n(e_nu, mt[j], -at[i]);
                    const double lambda = sqrt(e_n * e_n - m_n * m_n) / m_n * ctau;
                    direct += n_nu * count[j] * wt[i] *
                              nr_tmm_decay_probability(lambda, x->length_m, r, nr_tmm_n_sin_theta(e_nu, e_n, m_n, at[i]), 1);
                }
            }
            for (int nuc = 0; nuc < 2; nuc++) {
                const size_t n = nr_tmm_dis_nodes(pdf, &c, nuc ? NR_NUCLEON_NEUTRON : NR_NUCLEON_PROTON, e_nu,
                                                  NR_TMM_Q0_GEV2, NR_TMM_DIS_ALL, nodes, 16384, NULL);
                for (size_t i = 0; i < n; i++) {
                    const double lambda = sqrt(nodes[i].e_n * nodes[i].e_n - m_n * m_n) / m_n * ctau;
                    direct += n_nu * (nuc ? w->a - w->z : w->z) * nodes[i].weight *
                              nr_tmm_decay_probability(lambda, x->length_m, r, nodes[i].sin_theta, 1);
                }
            }
        }
        nr_tmm_events_at(&prep, mu, &a);
        const double decayed = a.visible / (1.0 - nr_tmm_class_br(&wm, NR_TMM_CLASS_INVISIBLE));
        CHECK_REL(decayed, direct, 2e-3, "cells vs node-by-node decay sum");
        printf("decayed N at mu = 1e-6 (P ~ %.2f): cells %.6g, node by node %.6g\n", decayed / a.produced, decayed,
               direct);
        nr_tmm_events_at(&prep, 1e-9, &a); /* the long-lived point, for the next check */
    }
    /* Eq. 2 as printed (N made at the front) decays more often than the depth average */
    s.average_depth = 0;
    CHECK(nr_tmm_prepare(engine, x, &s, &prep2, &err) == NR_OK, "prepare: %s", err.message);
    nr_tmm_events_at(&prep2, 1e-9, &b);
    CHECK_REL(b.visible, 2.0 * a.visible, 2e-2, "long-lived: front-face production has twice the mean path");
    /* antineutrinos add their flux */
    s.average_depth = 1;
    s.antineutrinos = 1;
    CHECK(nr_tmm_prepare(engine, x, &s, &prep2, &err) == NR_OK, "prepare: %s", err.message);
    nr_tmm_events_at(&prep2, 1e-6, &b);
    nr_tmm_events_at(&prep, 1e-6, &a);
    const double ratio = (nr_flux_total(flux, NR_SPECIES(NR_FLAVOUR_MU, 0)) +
                          nr_flux_total(flux, NR_SPECIES(NR_FLAVOUR_MU, 1))) /
                         nr_flux_total(flux, NR_SPECIES(NR_FLAVOUR_MU, 0));
    CHECK(b.produced > 1.2 * a.produced && b.produced < ratio * a.produced * 1.5, "nu + nubar: %g x",
          b.produced / a.produced);
    /* bad input */
    s.flavour = 7;
    CHECK(nr_tmm_prepare(engine, x, &s, &prep2, &err) == NR_EINPUT && strcmp(err.where, "/params/flavour") == 0,
          "bad flavour refused");
    s.flavour = NR_FLAVOUR_MU;
    CHECK(nr_tmm_prepare(engine, nr_experiment_find("FASER"), &s, &prep2, &err) == NR_EINPUT,
          "a decay volume is refused");
}

/* The model table: rates = the events module, branching-ratio spectra sum to 1, the parameter names. */
static void test_model(const nr_engine *engine)
{
    const nr_model *m = nr_model_find("tmm_zp");
    CHECK(m != NULL, "tmm_zp registered");
    if (!m)
        return;
    CHECK(nr_model_offers(m, NR_OBSERVABLE_RATES) && nr_model_offers(m, NR_OBSERVABLE_SPECTRA) &&
              nr_model_offers(m, NR_OBSERVABLE_BOUNDS), "rates, spectra, bounds");
    const nr_experiment *x = nr_experiment_find("FASERnu");
    nr_param_value p[16];
    CHECK(m->n_params <= 16, "params fit");
    nr_model_defaults(m, p);
    const int i_mu = nr_model_param_index(m, "mu"), i_nu = nr_model_param_index(m, "neutrinos");
    CHECK(i_mu >= 0 && m->params[i_mu].coupling, "mu is the coupling");
    p[i_nu].choice = 1; /* neutrinos only */
    nr_table t = {0};
    nr_error err;
    CHECK(nr_model_rates(m, engine, x, p, &t, &err) == NR_OK, "rates: %s", err.message);
    nr_tmm_setup s = {1.0, 0.1, 1e-4, 1.0, 1.0, 1.0, NR_TMM_Q0_GEV2, NR_FLAVOUR_MU, 0, 1};
    nr_tmm_events ev;
    CHECK(nr_tmm_prepare(engine, x, &s, &prep2, &err) == NR_OK, "prepare");
    nr_tmm_events_at(&prep2, p[i_mu].number, &ev);
    const int i_vis = nr_model_signal_index(m, "leptons_hadrons"), i_prod = nr_model_signal_index(m, "n_produced");
    CHECK(i_vis >= 0 && i_prod >= 0, "signal names");
    if (t.total && i_vis >= 0 && i_prod >= 0) {
        CHECK_REL(t.total[i_vis], ev.visible, 1e-12, "model rates = events module (visible)");
        CHECK_REL(t.total[i_prod], ev.produced, 1e-12, "model rates = events module (produced)");
    }
    nr_table_free(&t);
    nr_table sp = {0};
    CHECK(nr_model_spectra(m, engine, x, p, &sp, &err) == NR_OK, "spectra: %s", err.message);
    for (size_t b = 0; b < sp.n_bins; b++) {
        double sum = 0.0;
        for (size_t c = 0; c < sp.n_channels; c++)
            sum += sp.events[c * sp.n_bins + b];
        CHECK_REL(sum, 1.0, 1e-12, "branching ratios sum to 1 in each m_N bin");
    }
    nr_table_free(&sp);
}

int main(void)
{
    gsl_set_error_handler_off();
    test_photon_limit();
    test_nucleon_charges();
    test_parton();
    test_parton_integral();
    test_angle();
    test_decay_probability();
    test_widths_mixing_dalitz();

    char dir[1024];
    snprintf(dir, sizeof dir, "%s/pdf", nr_test_data_dir());
    nr_pdf *pdf = NULL;
    nr_error err;
    CHECK(nr_pdf_load(dir, "CT10nlo", &pdf, &err) == NR_OK, "load CT10nlo: %s", err.message);
    if (pdf)
        test_dis(pdf);
    nr_pdf_free(pdf);

    nr_darkcast *dc = NULL;
    CHECK(nr_darkcast_load(nr_test_data_dir(), &dc, &err) == NR_OK, "DarkCast: %s", err.message);
    if (dc) {
        test_widths_dipole(dc);
        test_widths_mixing(dc);
    }
    nr_darkcast_free(dc);

    nr_engine *engine = NULL;
    CHECK(nr_engine_init(nr_test_data_dir(), &engine, &err) == NR_OK, "engine: %s", err.message);
    if (engine) {
        test_elastic_helm_table(engine);
        test_events(engine);
        test_model(engine);
    }
    nr_engine_free(engine);
    return nr_test_summary();
}
