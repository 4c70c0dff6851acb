/* tmm_zp_xsec.c: nu_alpha + target -> N + X through the transition moment to a Z' field strength, paper 003 Eq. 1:
 *     L = mu Nbar sigma^{mu nu} nu_alpha Z'_{mu nu} + h.c. - Z'_mu sum_q g_q qbar gamma^mu q + ...
 * derived here (003 computed it with MadGraph and prints no formula).
 *
 * Derivation. The vertex is the one of the photon dipole portal (001 Eq. 3.1, the same normalisation: mu times the
 * field strength), so the lepton tensor is that of physics/models/dipole_xsec.c. Two things change:
 *  1. the propagator: -i (g^{ab} - q^a q^b / M^2) / (t - M^2) instead of -i g^{ab} / t. The q^a q^b part vanishes
 *     against both ends: the dipole vertex sigma^{ab} q_b is transverse and the Z' couples to conserved vector
 *     currents (u, d with vector couplings). So |M|^2 is the photon one with 1/t^2 -> 1/(t - M^2)^2;
 *  2. the charges: e Q_target -> the target's Z' charge. dipole_xsec.c writes dsigma/dt = alpha mu^2 B / ((s - M_T^2)^2
 *     t^2) with B quadratic in the charge form factors in units of e; with the Z' charges themselves in B,
 *         dsigma/dt = mu^2 B(Z' charges) / (4 pi (s - M_T^2)^2 (u + M_Z'^2)^2),  u = -t.
 *     Nucleus (spin 0): Z F -> Q_A F_Helm(Q), Q_A = Z (2 g_u + g_d) + (A - Z)(g_u + 2 g_d).
 *     Nucleon (spin 1/2): by isospin (no strangeness), <p|ubar g u|p> = 2 F^p + F^n, <p|dbar g d|p> = F^p + 2 F^n for
 *     the Dirac and the Pauli form factors, so F^{Z'}_p = g_u (2 F^p + F^n) + g_d (F^p + 2 F^n), and p <-> n for the
 *     neutron. With g_u = 2e/3, g_d = -e/3 these are e F^p, e F^n; with g_u = g_d = g_q, 3 g_q (F^p + F^n) (the
 *     isoscalar, baryon-number current: F1(0) = 3 g_q, F2(0) = 3 g_q (kappa_p + kappa_n) = -0.36 g_q).
 *     Hence the M_Z' -> 0, g_q -> e Q_q limit is exactly the photon dipole portal (tests/test_tmm_zp.c).
 *  Parton (massless quark of charge g_f, spin averaged, left-handed neutrino): the spin-1/2 bracket at M_T -> 0 with
 *     u_min = 0, u_max = s - m^2, gram = u (s - m^2 - u):
 *         B = 4 s u (s - m^2 - u) + 2 m^2 u (m^2 + u),   dsigma/du = mu^2 g_f^2 B / (4 pi s^2 (u + M^2)^2).
 *     Writing B = c1 u + c2 u^2 (c1 = 4 s (s - m^2) + 2 m^4, c2 = 2 m^2 - 4 s) and w = u + M^2, the integral over
 *     [u1, u2] is c2 (u2 - u1) + (c1 - 2 c2 M^2) ln(w2/w1) + (c2 M^4 - c1 M^2)(1/w1 - 1/w2), times mu^2 g^2/(4 pi s^2).
 *     For M = 0 the integral is logarithmic at small u (the photon's 1/Q^2): on a nucleon it is cut by the form
 *     factors (elastic) and by the inelastic threshold and the soft fall-off (below).
 *  Inelastic on a nucleon (mass M_p at rest, energy E): parton with momentum fraction x = Bjorken x (massless parton
 *     and final quark: (x P + q)^2 = 0), s_hat = 2 x M_p E, Q^2 = u, nu = E - E_N = Q^2/(2 M_p x), and
 *         d^2 sigma/dx dQ^2 = sum_{q = u, d, ubar, dbar} f_q(x, Q^2) g_q^2 dsigma_hat/dQ^2 (vector couplings: a quark and
 *         its antiquark scatter alike). Only u and d couple (003 Eq. 1 sums q = u, d).
 *     The hadronic mass W^2 = M_p^2 + Q^2 (1 - x)/x >= (M_p + m_pi)^2. Matching: above Q0^2 (default (1.3 GeV)^2,
 *     the start of the PDF grids) the PDFs at Q^2 ("hard", deep-inelastic); below, the PDFs frozen at Q0^2 times
 *     Q^2/Q0^2 ("soft"): F_2 ~ Q^2 as Q^2 -> 0 at fixed nu for a conserved current while F_1 = F_2/(2x) stays finite
 *     (photo-production-like). dsigma/dQ^2 is continuous at Q0^2 and vanishes at Q^2 -> 0. The elastic nucleon
 *     and coherent nuclear channels are separate final states and are added (coherent + Z protons + (A - Z)
 *     neutrons, as 001 Eq. A.9 and the dipole model do: the protons double count below |t| ~ 1/R^2, about 1/Z of
 *     the coherent part there).
 */
#include "tmm_zp_xsec.h"

#include <math.h>
#include <stddef.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>

#include "constants.h"
#include "dipole_xsec.h"
#include "form_factors.h"
#include "upscatter.h"

#define LN10 2.302585092994045684
#define Q2_FLOOR_GEV2 1e-7 /* lower end of the soft Q^2 range where no other cut applies: the integrand there is
                              ~ Q^2 (massive Z') or flat (M_Z' = 0), so the part below adds < 1e-7 of the total  */

static double sq(double x) { return x * x; }

/* 6-point Gauss-Legendre on [-1, 1] (Abramowitz & Stegun Table 25.4). */
static const double gl_x[6] = {-0.9324695142031521, -0.6612093864662645, -0.2386191860831969,
                               0.2386191860831969,  0.6612093864662645,  0.9324695142031521};
static const double gl_w[6] = {0.1713244923791704, 0.3607615730481386, 0.4679139345726910,
                               0.4679139345726910, 0.3607615730481386, 0.1713244923791704};
#define GL_N 6

/* ------------------------------------------------------------------------------------------------------------
 * Elastic and coherent
 * ------------------------------------------------------------------------------------------------------------ */

double nr_tmm_nucleus_charge(const nr_tmm_couplings *c, double z, double a)
{
    return z * (2.0 * c->g_u + c->g_d) + (a - z) * (c->g_u + 2.0 * c->g_d);
}

void nr_tmm_nucleon_form_factors(const nr_tmm_couplings *c, nr_nucleon nucleon, double q2, double *f1, double *f2)
{
    double f1p = 0.0, f2p = 0.0, f1n = 0.0, f2n = 0.0;
    nr_ff_nucleon(q2, NR_NUCLEON_PROTON, &f1p, &f2p);
    nr_ff_nucleon(q2, NR_NUCLEON_NEUTRON, &f1n, &f2n);
    if (nucleon == NR_NUCLEON_NEUTRON) { /* isospin: p <-> n */
        double t = f1p;
        f1p = f1n;
        f1n = t;
        t = f2p;
        f2p = f2n;
        f2n = t;
    }
    *f1 = c->g_u * (2.0 * f1p + f1n) + c->g_d * (f1p + 2.0 * f1n);
    *f2 = c->g_u * (2.0 * f2p + f2n) + c->g_d * (f2p + 2.0 * f2n);
}

void nr_tmm_elastic_at_energy(nr_tmm_elastic_ctx *x, double e_nu)
{
    x->kin_e_nu = 0.0;
    if (nr_upscatter_abs_t_range(e_nu, x->m_target, x->c.m_n, &x->kin_u_min, &x->kin_u_max))
        x->kin_e_nu = e_nu;
}

double nr_tmm_elastic_dsigma_dt(double e_nu, double t, const void *ctx)
{
    const nr_tmm_elastic_ctx *x = ctx;
    double u_min = 0.0, u_max = 0.0;
    if (!x || !isfinite(e_nu) || !isfinite(t) || !isfinite(x->c.mu) || !(x->c.m_zp >= 0.0))
        return 0.0;
    if (x->kin_e_nu == e_nu && e_nu > 0.0) {
        u_min = x->kin_u_min;
        u_max = x->kin_u_max;
    } else if (!nr_upscatter_abs_t_range(e_nu, x->m_target, x->c.m_n, &u_min, &u_max)) {
        return 0.0;
    }
    const double u = -t;
    if (!(u >= u_min && u <= u_max) || !(u > 0.0))
        return 0.0;
    const double m_t = x->m_target;
    const double s = m_t * m_t + 2.0 * m_t * e_nu;
    const double gram = (u - u_min) * (u_max - u);
    double bracket = 0.0;
    if (x->target == NR_TMM_NUCLEUS) {
        const double q = sqrt(u), helm = x->helm ? nr_ff_helm_table_at(x->helm, q) : nr_ff_helm_001(q, x->a);
        const double charge = nr_tmm_nucleus_charge(&x->c, x->z, x->a) * helm;
        bracket = nr_dipole_bracket_spin0(s, m_t, x->c.m_n, u, gram, charge);
    } else {
        double f1 = 0.0, f2 = 0.0;
        nr_tmm_nucleon_form_factors(&x->c, x->target == NR_TMM_PROTON ? NR_NUCLEON_PROTON : NR_NUCLEON_NEUTRON, u,
                                    &f1, &f2);
        bracket = nr_dipole_bracket_spin_half(s, m_t, x->c.m_n, u, gram, f1, f2);
    }
    const double flux = 4.0 * m_t * m_t * e_nu * e_nu; /* (s - M^2)^2 */
    const double dsdt = x->c.mu * x->c.mu * bracket / (4.0 * NR_PI * flux * sq(u + x->c.m_zp * x->c.m_zp));
    return dsdt > 0.0 ? dsdt * NR_HBARC2_GEV2_CM2 : 0.0;
}

/* ------------------------------------------------------------------------------------------------------------
 * Partons
 * ------------------------------------------------------------------------------------------------------------ */

double nr_tmm_parton_dsigma_dq2(double s_hat, double q2, double m_n, double m_zp, double mu, double g_f)
{
    const double m2 = m_n * m_n, u_max = s_hat - m2;
    if (!(u_max > 0.0) || !(q2 >= 0.0) || q2 > u_max)
        return 0.0;
    const double bracket = 4.0 * s_hat * q2 * (u_max - q2) + 2.0 * m2 * q2 * (m2 + q2);
    return mu * mu * g_f * g_f * bracket / (4.0 * NR_PI * s_hat * s_hat * sq(q2 + m_zp * m_zp));
}

double nr_tmm_parton_sigma(double s_hat, double q2_lo, double q2_hi, double m_n, double m_zp, double mu,
                           double g_f)
{
    const double m2 = m_n * m_n, u_max = s_hat - m2, big_m2 = m_zp * m_zp;
    if (!(u_max > 0.0))
        return 0.0;
    const double u1 = fmax(q2_lo, 0.0), u2 = fmin(q2_hi, u_max);
    if (!(u2 > u1))
        return 0.0;
    const double c1 = 4.0 * s_hat * u_max + 2.0 * m2 * m2, c2 = 2.0 * m2 - 4.0 * s_hat;
    double integral;
    if (big_m2 > 0.0) {
        const double w1 = u1 + big_m2, w2 = u2 + big_m2;
        integral = c2 * (u2 - u1) + (c1 - 2.0 * c2 * big_m2) * log(w2 / w1) +
                   (c2 * big_m2 * big_m2 - c1 * big_m2) * (u2 - u1) / (w1 * w2);
    } else {
        if (!(u1 > 0.0))
            return INFINITY; /* the photon's 1/Q^2 on a point charge */
        integral = c2 * (u2 - u1) + c1 * log(u2 / u1);
    }
    return mu * mu * g_f * g_f * integral / (4.0 * NR_PI * s_hat * s_hat);
}

/* ------------------------------------------------------------------------------------------------------------
 * Inelastic on a nucleon
 * ------------------------------------------------------------------------------------------------------------ */

/* sum_q g_q^2 x f_q(x, Q^2) over u, d and their antiquarks of w_p protons + w_n neutrons (the neutron by isospin,
 * u <-> d), the PDFs at max(Q^2, q0) (one evaluation serves both nucleons: their nodes share x, Q^2 and so the N
 * kinematics). Below q0 the caller applies the soft factor Q^2/q0. */
static double charged_xfx_mix(const nr_pdf *pdf, const nr_tmm_couplings *c, double w_p, double w_n, double x,
                              double q2_pdf)
{
    double xf[NR_PDF_N_PARTONS];
    nr_pdf_xfx_all(pdf, x, q2_pdf, xf);
    const double up = xf[NR_PDF_INDEX(2)] + xf[NR_PDF_INDEX(-2)];
    const double down = xf[NR_PDF_INDEX(1)] + xf[NR_PDF_INDEX(-1)];
    const double gu2 = c->g_u * c->g_u, gd2 = c->g_d * c->g_d;
    return w_p * (gu2 * up + gd2 * down) + w_n * (gu2 * down + gd2 * up);
}

/* The above with the soft continuation below q0 (003 has none; see the header): the PDFs frozen at q0 times
 * Q^2/q0. *soft_cache holds sum(x, q0) once computed (NAN before): it does not depend on Q^2, so the soft nodes of
 * one x share one PDF evaluation. */
static double charged_xfx(const nr_pdf *pdf, const nr_tmm_couplings *c, double w_p, double w_n, double x, double q2,
                          double q0_gev2, double *soft_cache)
{
    if (!(q2 < q0_gev2))
        return charged_xfx_mix(pdf, c, w_p, w_n, x, q2);
    if (isnan(*soft_cache))
        *soft_cache = charged_xfx_mix(pdf, c, w_p, w_n, x, q0_gev2);
    return *soft_cache * q2 / q0_gev2;
}

static double q2_threshold(double x)
{
    const double m = NR_M_PROTON;
    return (sq(NR_TMM_W_MIN_GEV) - m * m) * x / (1.0 - x);
}

double nr_tmm_n_sin_theta(double e_nu, double e_n, double m_n, double q2)
{
    const double p2 = e_n * e_n - m_n * m_n;
    if (!(p2 > 0.0) || !(e_nu > 0.0))
        return 0.0;
    const double nu = e_nu - e_n, a = m_n * m_n + q2;
    /* (2 E p_N)^2 sin^2 = (2 E p_N)^2 - (2 E E_N - a)^2 = 4 E E_N Q^2 - 4 E m^2 nu - a^2 */
    const double num = 4.0 * e_nu * e_n * q2 - 4.0 * e_nu * m_n * m_n * nu - a * a;
    if (!(num > 0.0))
        return 0.0;
    const double s2 = num / (4.0 * e_nu * e_nu * p2);
    return s2 >= 1.0 ? 1.0 : sqrt(s2);
}

/* Adds the nodes of one x node over [u_lo, u_hi] in ln Q^2 (pieces of at most a decade). */
static size_t add_q2_nodes(const nr_pdf *pdf, const nr_tmm_couplings *c, double w_p, double w_n, double e_nu,
                           double q0_gev2, double x, double w_lnx, double u_lo, double u_hi, double *soft_cache,
                           nr_tmm_node *nodes, size_t max_nodes, size_t n, double *sigma)
{
    if (!(u_hi > u_lo))
        return n;
    const double s_hat = 2.0 * x * NR_M_PROTON * e_nu;
    const double l1 = log(u_lo), l2 = log(u_hi);
    const int pieces = (int)ceil((l2 - l1) / LN10 - 1e-9) > 0 ? (int)ceil((l2 - l1) / LN10 - 1e-9) : 1;
    const double h = (l2 - l1) / pieces;
    for (int p = 0; p < pieces; p++) {
        const double mid = l1 + h * (p + 0.5);
        for (int k = 0; k < GL_N; k++) {
            const double q2 = exp(mid + 0.5 * h * gl_x[k]);
            const double w_lnq2 = 0.5 * h * gl_w[k];
            const double dsig = nr_tmm_parton_dsigma_dq2(s_hat, q2, c->m_n, c->m_zp, c->mu, 1.0);
            if (!(dsig > 0.0))
                continue;
            const double weight = w_lnx * w_lnq2 * q2 * dsig *
                                  charged_xfx(pdf, c, w_p, w_n, x, q2, q0_gev2, soft_cache) * NR_HBARC2_GEV2_CM2;
            if (!(weight > 0.0))
                continue;
            if (sigma)
                *sigma += weight;
            if (nodes && n < max_nodes) {
                const double e_n = e_nu - q2 / (2.0 * NR_M_PROTON * x);
                nodes[n].e_n = e_n;
                nodes[n].sin_theta = nr_tmm_n_sin_theta(e_nu, e_n, c->m_n, q2);
                nodes[n].weight = weight;
            }
            n++;
        }
    }
    return n;
}

size_t nr_tmm_dis_nodes(const nr_pdf *pdf, const nr_tmm_couplings *c, nr_nucleon nucleon, double e_nu,
                        double q0_gev2, nr_tmm_dis_part part, nr_tmm_node *nodes, size_t max_nodes, double *sigma)
{
    /* weights 1 and 0: 1 * s_p + 0 * s_n is s_p exactly, so these are the single-nucleon nodes bit for bit */
    const int proton = nucleon == NR_NUCLEON_PROTON;
    return nr_tmm_dis_nodes_mix(pdf, c, proton ? 1.0 : 0.0, proton ? 0.0 : 1.0, e_nu, q0_gev2, part, nodes,
                                max_nodes, sigma);
}

size_t nr_tmm_dis_nodes_mix(const nr_pdf *pdf, const nr_tmm_couplings *c, double w_p, double w_n, double e_nu,
                            double q0_gev2, nr_tmm_dis_part part, nr_tmm_node *nodes, size_t max_nodes, double *sigma)
{
    if (sigma)
        *sigma = 0.0;
    if (!pdf || !c || !(e_nu > 0.0) || !(q0_gev2 > 0.0) || !(c->m_n >= 0.0))
        return 0;
    const double m2 = c->m_n * c->m_n;
    const double x_lo = (m2 + Q2_FLOOR_GEV2) / (2.0 * NR_M_PROTON * e_nu);
    if (!(x_lo < 1.0))
        return 0;
    const double lx1 = log(x_lo);
    const int pieces = (int)ceil(-lx1 / LN10 - 1e-9) > 0 ? (int)ceil(-lx1 / LN10 - 1e-9) : 1;
    const double h = -lx1 / pieces;
    size_t n = 0, written = 0;
    for (int p = 0; p < pieces; p++) {
        const double mid = lx1 + h * (p + 0.5);
        for (int k = 0; k < GL_N; k++) {
            const double x = exp(mid + 0.5 * h * gl_x[k]);
            const double w_lnx = 0.5 * h * gl_w[k];
            const double u_max = 2.0 * x * NR_M_PROTON * e_nu - m2;
            const double u_min = fmax(q2_threshold(x), Q2_FLOOR_GEV2);
            if (!(u_max > u_min))
                continue;
            double soft_cache = NAN; /* sum(x, q0), on first use */
            if (part & NR_TMM_DIS_SOFT)
                n = add_q2_nodes(pdf, c, w_p, w_n, e_nu, q0_gev2, x, w_lnx, u_min, fmin(u_max, q0_gev2), &soft_cache,
                                 nodes, max_nodes, n, sigma);
            if (part & NR_TMM_DIS_HARD)
                n = add_q2_nodes(pdf, c, w_p, w_n, e_nu, q0_gev2, x, w_lnx, fmax(u_min, q0_gev2), u_max, &soft_cache,
                                 nodes, max_nodes, n, sigma);
        }
    }
    written = n < max_nodes ? n : max_nodes;
    return nodes ? written : n;
}

typedef struct {
    const nr_pdf *pdf;
    const nr_tmm_couplings *c;
    nr_nucleon nucleon;
    double e_nu, q0_gev2, q2;
} dq2_params;

static double dq2_integrand_lnx(double ln_x, void *vp)
{
    const dq2_params *p = vp;
    const double x = exp(ln_x);
    const double s_hat = 2.0 * x * NR_M_PROTON * p->e_nu;
    const int proton = p->nucleon == NR_NUCLEON_PROTON;
    double soft_cache = NAN;
    return nr_tmm_parton_dsigma_dq2(s_hat, p->q2, p->c->m_n, p->c->m_zp, p->c->mu, 1.0) *
           charged_xfx(p->pdf, p->c, proton ? 1.0 : 0.0, proton ? 0.0 : 1.0, x, p->q2, p->q0_gev2, &soft_cache);
}

double nr_tmm_dis_dsigma_dq2(const nr_pdf *pdf, const nr_tmm_couplings *c, nr_nucleon nucleon, double e_nu,
                             double q0_gev2, double q2)
{
    if (!pdf || !c || !(e_nu > 0.0) || !(q2 > 0.0) || !(q0_gev2 > 0.0))
        return 0.0;
    const double x_lo = (c->m_n * c->m_n + q2) / (2.0 * NR_M_PROTON * e_nu);
    const double w2 = sq(NR_TMM_W_MIN_GEV) - NR_M_PROTON * NR_M_PROTON;
    const double x_hi = q2 / (q2 + w2); /* W >= W_min */
    if (!(x_hi > x_lo))
        return 0.0;
    dq2_params p = {pdf, c, nucleon, e_nu, q0_gev2, q2};
    gsl_function f = {dq2_integrand_lnx, &p};
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(200);
    if (!w)
        return NAN;
    double result = 0.0, err = 0.0;
    gsl_integration_qag(&f, log(x_lo), log(x_hi), 0.0, 1e-8, 200, GSL_INTEG_GAUSS21, w, &result, &err);
    gsl_integration_workspace_free(w);
    return result * NR_HBARC2_GEV2_CM2;
}

#define N_T_NODES 64

static double elastic_sigma(const nr_tmm_couplings *c, nr_tmm_target target, double z, double a, double m_target,
                            double e_nu)
{
    nr_tmm_elastic_ctx ctx = {*c, target, z, a, m_target, NULL, 0.0, 0.0, 0.0};
    double abs_t[N_T_NODES], w[N_T_NODES], sum = 0.0;
    const size_t n = nr_upscatter_nodes(nr_tmm_elastic_dsigma_dt, &ctx, e_nu, m_target, c->m_n, 0.0, N_T_NODES,
                                        abs_t, w);
    for (size_t k = 0; k < n; k++)
        sum += w[k];
    return sum;
}

void nr_tmm_nucleus_sigma(const nr_pdf *pdf, const nr_tmm_couplings *c, double z, double a, double m_nucleus,
                          double e_nu, double q0_gev2, nr_tmm_sigma_parts *out)
{
    out->coherent = elastic_sigma(c, NR_TMM_NUCLEUS, z, a, m_nucleus, e_nu);
    out->elastic_p = z * elastic_sigma(c, NR_TMM_PROTON, z, a, NR_M_PROTON, e_nu);
    out->elastic_n = (a - z) * elastic_sigma(c, NR_TMM_NEUTRON, z, a, NR_M_NEUTRON, e_nu);
    double hp = 0.0, hn = 0.0, sp = 0.0, sn = 0.0;
    nr_tmm_dis_nodes(pdf, c, NR_NUCLEON_PROTON, e_nu, q0_gev2, NR_TMM_DIS_HARD, NULL, 0, &hp);
    nr_tmm_dis_nodes(pdf, c, NR_NUCLEON_NEUTRON, e_nu, q0_gev2, NR_TMM_DIS_HARD, NULL, 0, &hn);
    nr_tmm_dis_nodes(pdf, c, NR_NUCLEON_PROTON, e_nu, q0_gev2, NR_TMM_DIS_SOFT, NULL, 0, &sp);
    nr_tmm_dis_nodes(pdf, c, NR_NUCLEON_NEUTRON, e_nu, q0_gev2, NR_TMM_DIS_SOFT, NULL, 0, &sn);
    out->dis_hard = z * hp + (a - z) * hn;
    out->dis_soft = z * sp + (a - z) * sn;
    out->total = out->coherent + out->elastic_p + out->elastic_n + out->dis_hard + out->dis_soft;
}

/* ------------------------------------------------------------------------------------------------------------
 * 003 Eq. 2
 * ------------------------------------------------------------------------------------------------------------ */

double nr_tmm_decay_probability(double lambda_m, double delta_m, double radius_m, double sin_theta,
                                int average_depth)
{
    if (!(delta_m > 0.0) || !(lambda_m >= 0.0) || isnan(sin_theta))
        return 0.0;
    if (lambda_m == 0.0)
        return 1.0;
    const double d_side = sin_theta > 0.0 ? radius_m / sin_theta : INFINITY;
    if (!average_depth)
        return -expm1(-fmin(delta_m, d_side) / lambda_m);
    /* <1 - exp(-min(Delta - z, D)/lambda)> over z uniform in [0, Delta]: where Delta - z < D the remaining length
     * limits, elsewhere the side; the two parts in closed form */
    const double d = fmin(d_side, delta_m);
    const double p_side = -expm1(-d / lambda_m);
    const double near_back = d - lambda_m * p_side; /* integral over the last d of the length */
    return ((delta_m - d) * p_side + near_back) / delta_m;
}
