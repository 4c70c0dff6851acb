/* dipole_xsec.c: upscattering nu T -> N T and the decays N -> nu gamma, N -> nu l+ l- of the neutrino dipole
 * portal, L = mu_N nubar_L sigma_{mu nu} N_R F^{mu nu} + h.c. (paper 001 Eq. 3.1), derived afresh here
 * because 001 Eqs. A.1, B.2, B.4 and B.5 as printed are wrong (see below and ERRATA.md).
 *
 * Conventions: sigma^{mu nu} = (i/2)[g^mu, g^nu]; an absorbed photon of momentum q gives the vertex
 * 2 mu_N sigma^{mu nu} q_mu P_L (nu -> N); photon propagator -g/t; e^2 = 4 pi alpha. Kinematics: nu(k) T(p) ->
 * N(k') T(p'), q = k' - k, t = q^2 = -u < 0, P = p + p', s = M^2 + 2 M E, M = m_T, m = m_N.
 *
 * Upscattering (derivation by trace algebra, checked against brute-force spin sums with explicit Dirac
 * matrices and spinors in tests/golden/dipole_numeric_traces.py to 1e-14):
 *  1. sigma^{mu nu} q_mu = i (qslash g^nu - q^nu); the q^nu piece drops against the conserved target
 *     current. The incoming neutrino is left-handed only (P_L selects one helicity: summed, not averaged):
 *        L^{nu rho} = 4 mu^2 Tr[k'slash qslash g^nu kslash P_R g^rho qslash]
 *     The g5 part is antisymmetric in (nu, rho) and vanishes against the symmetric unpolarised target
 *     tensor; the m_N term has an odd number of gammas. With qslash k'slash qslash = 2 (q.k') qslash - t k'slash,
 *     q.k = (m^2 - t)/2, q.k' = (m^2 + t)/2 and dropping q^nu terms (W is transverse):
 *        L_eff^{nu rho} = -16 mu^2 t k^nu k^rho - 4 mu^2 m^2 (m^2 - t) g^{nu rho}.
 *  2. Target tensors (initial spin averaged), with the full transverse structure (the g term of a spin-1/2
 *     target must keep its -q q partner because L_eff is no longer transverse):
 *        spin 0:    W = e^2 Z^2 F^2 P P
 *        spin 1/2:  W = e^2 [ (F1^2 + tau F2^2) P P + (F1 + F2)^2 (t g - q q) ],  tau = u / (4 M^2)
 *     (Gordon: i sigma q F2/(2M) = F2 (g - P/(2M)) between on-shell spinors).
 *  3. Contractions: k.P = K = 2 M E + (t - m^2)/2, P^2 = 4 M^2 + u, k.q = (m^2 - t)/2:
 *        L_eff.PP = 4 mu^2 [ -4 t K^2 - m^2 (m^2 - t)(4M^2 - t) ] = 4 mu^2 D
 *        L_eff.(t g - q q) = -4 mu^2 t (m^2 - t)(2 m^2 + t)
 *     D = 4 G + u (m^2 + u)(4 M^2 + u), where G = -t K^2 - (k.q)^2 P^2 is the Gram determinant of (k, q, P),
 *     a quadratic in u: G = s (u - u_min)(u_max - u) >= 0 inside the physical region (u_min u_max =
 *     m^4 M^2 / s). Hence the manifestly positive, cancellation-free forms
 *        |M|^2 = 4 mu^2 e^2 B / t^2,   dsigma/dt = |M|^2 / (16 pi (s - M^2)^2) = alpha mu^2 B / (4 M^2 E^2 t^2)
 *        spin 0:   B = Z^2 F^2 [ 4 s (u - u_min)(u_max - u) + u (m^2 + u)(4 M^2 + u) ]
 *        spin 1/2: B = 4 s (F1^2 + tau F2^2)(u - u_min)(u_max - u)
 *                      + u (m^2 + u) [ (2 M F1 - u F2 / (2M))^2 + 2 m^2 (F1 + F2)^2 ]
 *     Electron: F1 = 1, F2 = 0, M = m_e. Nucleus: Z F = Z F_Helm(Q) (x G_at(Q) with screening), Q = sqrt(u).
 *  Limits: small u, m -> 0: dsigma/dt -> 4 alpha mu^2 Z^2 F^2 (1/u - 1/(2 M E)) (Vogel-Engel, ERRATA.md).
 *  Paper comparison: 001 A.10 (electron) agrees exactly with the spin-1/2 form at F1 = 1, F2 = 0. 001 A.1 as
 *  printed does not: it is 1/2 of the above at u_min << u << M^2 (the factor ERRATA.md mentions), turns
 *  negative near u_min, and its F1^2 term is not A.10 with m_e -> m_T.
 *  Antineutrinos: the h.c. term also turns a right-handed nubar into Nbar; CP maps nu_L T -> N T onto
 *  nubar_R T -> Nbar T with the same unpolarised cross section. Explicitly, the v-spinor trace
 *  Tr[(k'slash - m) ... kslash P_L ...] differs only in the sign of the m_N term and of the g5 term, and both
 *  drop as above; so one function serves both.
 *
 * Decays (N at rest, spin averaged):
 *  Gamma(N -> nu gamma) = mu^2 m^3 / (4 pi)  (001 B.1): summing over the nu spin, the N spin and the photon
 *  polarisations (-g) gives 4 mu^2 (1/2) 16 (k.q)(p.q) = 8 mu^2 m^4 (k.q = p.q = m^2/2); averaged over the N
 *  spin 4 mu^2 m^4, and Gamma = (m/2) / (8 pi m^2) 4 mu^2 m^4. This is N -> nu gamma alone (Dirac N, or
 *  only the nu gamma mode of a Majorana N). A Majorana N also decays to nubar gamma through the h.c. term,
 *  doubling the total width; 001 uses B.1 as the total width, so we do too.
 *  N -> nu l+ l- through gamma*: with off-shell q^2 = s the -g polarisation sum gives
 *  |M_{gamma*}|^2 = 2 mu^2 (m^2 - s)(2 m^2 + s), Gamma(N -> nu gamma*) = mu^2 (m^2 - s)^2 (2 m^2 + s) / (8 pi m^3),
 *  and the photon's decay gives the Kroll-Wada factor alpha/(3 pi) beta (s + 2 m_l^2) / s^2:
 *     dGamma/ds = alpha mu^2 beta (s + 2 m_l^2)(m^2 - s)^2 (2 m^2 + s) / (24 pi^2 m^3 s^2),  beta = sqrt(1 - 4 m_l^2/s)
 *  (checked against brute-force spin sums to 1e-14). 001 B.3 (|M|^2, N averaged) is right; B.2's prefactor
 *  1/(512 pi^3 m^3) should be 1/(256 pi^3 m^3), so B.4 and B.5 are a factor 2 too small; B.5's log argument
 *  should read 2 m_l / (sqrt(m^2 - 4 m_l^2) + m). With both fixed:
 *     Gamma = alpha mu^2 [ (8 m_l^6 - 2 m^6) ln(2 m_l / (sqrt(m^2 - 4 m_l^2) + m))
 *                          + m sqrt(m^2 - 4 m_l^2) (5 m_l^2 m^2 - 2 m_l^4 - 3 m^4) ] / (12 pi^2 m^3),
 *  whose m_l -> 0 limit is Gamma(N -> nu gamma) (alpha / (3 pi)) (ln(m^2 / m_l^2) - 3).
 */
#include "dipole_xsec.h"

#include <math.h>
#include <stddef.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>

#include "constants.h"
#include "form_factors.h"
#include "upscatter.h"

/* ------------------------------------------------------------------------------------------------------------
 * Upscattering
 * ------------------------------------------------------------------------------------------------------------ */

double nr_dipole_bracket_spin0(double s, double m_target, double m_n, double u, double gram, double z_f)
{
    return z_f * z_f * (4.0 * s * gram + u * (m_n * m_n + u) * (4.0 * m_target * m_target + u));
}

double nr_dipole_bracket_spin_half(double s, double m_target, double m_n, double u, double gram, double f1,
                                double f2)
{
    const double tau = u / (4.0 * m_target * m_target);
    const double helicity_flip = 2.0 * m_target * f1 - u * f2 / (2.0 * m_target);
    const double f_sum = f1 + f2;
    return 4.0 * s * (f1 * f1 + tau * f2 * f2) * gram +
           u * (m_n * m_n + u) * (helicity_flip * helicity_flip + 2.0 * m_n * m_n * f_sum * f_sum);
}

/* Z F(Q) of a nucleus: Helm (001 A.4) times atomic screening (001 A.5) if requested. */
static double nucleus_charge_form_factor(const nr_dipole_xsec_ctx *c, double q_gev)
{
    double f = c->helm ? nr_ff_helm_table_at(c->helm, q_gev) : nr_ff_helm_001(q_gev, c->a);
    if (c->screening)
        f *= nr_ff_atomic_screening(q_gev, c->z);
    return c->z * f;
}

static double dipole_bracket(const nr_dipole_xsec_ctx *c, double s, double u, double gram)
{
    const double m_t = c->m_target;
    double f1 = 1.0, f2 = 0.0;
    switch (c->target) {
    case NR_DIPOLE_NUCLEUS:
        return nr_dipole_bracket_spin0(s, m_t, c->m_n, u, gram, nucleus_charge_form_factor(c, sqrt(u)));
    case NR_DIPOLE_PROTON:
        nr_ff_nucleon(u, NR_NUCLEON_PROTON, &f1, &f2);
        break;
    case NR_DIPOLE_NEUTRON:
        nr_ff_nucleon(u, NR_NUCLEON_NEUTRON, &f1, &f2);
        break;
    case NR_DIPOLE_ELECTRON:
        break;
    default:
        return 0.0;
    }
    return nr_dipole_bracket_spin_half(s, m_t, c->m_n, u, gram, f1, f2);
}

void nr_dipole_xsec_at_energy(nr_dipole_xsec_ctx *c, double e_nu)
{
    c->kin_e_nu = 0.0;
    if (nr_upscatter_abs_t_range(e_nu, c->m_target, c->m_n, &c->kin_u_min, &c->kin_u_max))
        c->kin_e_nu = e_nu;
}

double nr_dipole_dsigma_dt(double e_nu, double t, const void *ctx)
{
    const nr_dipole_xsec_ctx *c = ctx;
    double u_min = 0.0, u_max = 0.0;
    if (!c || !isfinite(e_nu) || !isfinite(t) || !isfinite(c->mu_n))
        return 0.0;
    if (c->kin_e_nu == e_nu && e_nu > 0.0) {
        u_min = c->kin_u_min;
        u_max = c->kin_u_max;
    } else if (!nr_upscatter_abs_t_range(e_nu, c->m_target, c->m_n, &u_min, &u_max)) {
        return 0.0;
    }
    const double u = -t;
    if (!(u >= u_min && u <= u_max) || !(u > 0.0))
        return 0.0;
    const double s = c->m_target * c->m_target + 2.0 * c->m_target * e_nu;
    const double gram = (u - u_min) * (u_max - u);
    const double bracket = dipole_bracket(c, s, u, gram);
    const double flux = 4.0 * c->m_target * c->m_target * e_nu * e_nu * u * u; /* (s - M^2)^2 t^2 [GeV^8] */
    const double dsdt_gev4 = NR_ALPHA_EM * c->mu_n * c->mu_n * bracket / flux;
    return dsdt_gev4 > 0.0 ? dsdt_gev4 * NR_HBARC2_GEV2_CM2 : 0.0;
}

/* ------------------------------------------------------------------------------------------------------------
 * Decays
 * ------------------------------------------------------------------------------------------------------------ */

double nr_dipole_width_nu_gamma(double mu_n, double m_n)
{
    if (!(m_n > 0.0) || !isfinite(mu_n) || !isfinite(m_n))
        return 0.0;
    return mu_n * mu_n * m_n * m_n * m_n / (4.0 * NR_PI);
}

double nr_dipole_dwidth_nu_ll_ds(double mu_n, double m_n, double m_l, double s)
{
    const double m2 = m_n * m_n, ml2 = m_l * m_l;
    if (!(m_l > 0.0) || !(m_n > 2.0 * m_l) || !(s > 4.0 * ml2) || !(s < m2) || !isfinite(mu_n))
        return 0.0;
    const double beta = sqrt(1.0 - 4.0 * ml2 / s);
    const double recoil = m2 - s;
    return NR_ALPHA_EM * mu_n * mu_n * beta * (s + 2.0 * ml2) * recoil * recoil * (2.0 * m2 + s) /
           (24.0 * NR_PI * NR_PI * m2 * m_n * s * s);
}

/* s(xi) = 4 m_l^2 cosh^2 xi maps [0, acosh(m_N / 2 m_l)] onto [4 m_l^2, m_N^2]; ds = 4 m_l^2 sinh(2 xi) dxi
 * absorbs both the sqrt threshold and the 1/s growth, so the integrand in xi is smooth. */
typedef struct {
    double mu_n, m_n, m_l;
    double gamma, beta_gamma; /* boost of N [1]                     */
    double e_vis_cut;         /* [GeV]; < 0: no cut (fraction = 1)  */
} ll_integrand;

static double s_of_xi(double m_l, double xi)
{
    const double c = cosh(xi);
    return 4.0 * m_l * m_l * c * c;
}

/* Fraction of decays at m_ll^2 = s whose l+l- lab energy exceeds the cut: the lab energy is uniform on
 * [gamma E* - beta gamma p*, gamma E* + beta gamma p*]. */
static double fraction_above_at_s(const ll_integrand *p, double s)
{
    if (p->e_vis_cut < 0.0)
        return 1.0;
    const double e_star = (p->m_n * p->m_n + s) / (2.0 * p->m_n);
    const double p_star = (p->m_n * p->m_n - s) / (2.0 * p->m_n);
    const double lo = p->gamma * e_star - p->beta_gamma * p_star;
    const double hi = p->gamma * e_star + p->beta_gamma * p_star;
    if (p->e_vis_cut <= lo)
        return 1.0;
    if (p->e_vis_cut >= hi)
        return 0.0;
    return (hi - p->e_vis_cut) / (hi - lo);
}

static double ll_integrand_xi(double xi, void *params)
{
    const ll_integrand *p = params;
    const double s = s_of_xi(p->m_l, xi);
    const double ds_dxi = 4.0 * p->m_l * p->m_l * sinh(2.0 * xi);
    return nr_dipole_dwidth_nu_ll_ds(p->mu_n, p->m_n, p->m_l, s) * ds_dxi * fraction_above_at_s(p, s);
}

/* xi for a given s (inverse of s_of_xi), clamped to [0, xi_max]. */
static double xi_of_s(double m_l, double s, double xi_max)
{
    const double c = sqrt(s / (4.0 * m_l * m_l));
    if (!(c > 1.0))
        return 0.0;
    const double xi = acosh(c);
    return xi < xi_max ? xi : xi_max;
}

/* Integral of the integrand over [0, xi_max] split at the given breakpoints (sorted inside), with its absolute
 * error estimate. A GSL warning (round-off on a piece) still leaves a usable estimate; out of memory and a
 * non-finite result are failures. */
static nr_status integrate_ll(ll_integrand *p, const double *breaks_s, size_t n_breaks, double *val,
                              double *abs_err, nr_error *err)
{
    const double xi_max = acosh(p->m_n / (2.0 * p->m_l));
    double edges[4] = {0.0, xi_max, xi_max, xi_max};
    size_t n_edges = 2;
    for (size_t i = 0; i < n_breaks && n_edges < 4; i++) {
        const double xi = xi_of_s(p->m_l, breaks_s[i], xi_max);
        if (xi > 0.0 && xi < xi_max)
            edges[n_edges++] = xi;
    }
    for (size_t i = 1; i < n_edges; i++) /* insertion sort of <= 4 values */
        for (size_t j = i; j > 0 && edges[j] < edges[j - 1]; j--) {
            const double tmp = edges[j];
            edges[j] = edges[j - 1];
            edges[j - 1] = tmp;
        }
    *val = NAN;
    *abs_err = NAN;
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(200);
    if (!w)
        return nr_fail(err, NR_ENOMEM, "", "out of memory for the N -> nu l+ l- integration workspace");
    gsl_function f = {ll_integrand_xi, p};
    double total = 0.0, total_err = 0.0;
    for (size_t i = 0; i + 1 < n_edges; i++) {
        double part = 0.0, part_err = 0.0;
        if (edges[i + 1] > edges[i])
            gsl_integration_qag(&f, edges[i], edges[i + 1], 0.0, 1e-10, 200, GSL_INTEG_GAUSS21, w, &part, &part_err);
        total += part;
        total_err += part_err;
    }
    gsl_integration_workspace_free(w);
    if (!isfinite(total))
        return nr_fail(err, NR_ENUMERIC, "", "the N -> nu l+ l- integral is not finite (m_N = %g GeV, m_l = %g GeV)",
                       p->m_n, p->m_l);
    *val = total;
    *abs_err = total_err;
    return NR_OK;
}

/* Closed form of the N -> nu l+ l- width (header comment); accurate away from threshold. */
static double width_nu_ll_closed_form(double mu_n, double m_n, double m_l)
{
    const double m2 = m_n * m_n, ml2 = m_l * m_l;
    const double root = sqrt(m2 - 4.0 * ml2);
    const double log_term = (8.0 * ml2 * ml2 * ml2 - 2.0 * m2 * m2 * m2) * log(2.0 * m_l / (root + m_n));
    const double poly = m_n * root * (5.0 * ml2 * m2 - 2.0 * ml2 * ml2 - 3.0 * m2 * m2);
    return NR_ALPHA_EM * mu_n * mu_n * (log_term + poly) / (12.0 * NR_PI * NR_PI * m2 * m_n);
}

nr_status nr_dipole_width_nu_ll_e(double mu_n, double m_n, double m_l, double *width, double *abs_err,
                                  nr_error *err)
{
    *width = 0.0;
    *abs_err = 0.0;
    if (!(m_l > 0.0) || !(m_n > 2.0 * m_l) || !isfinite(mu_n) || !isfinite(m_n))
        return NR_OK;
    if (m_n > 2.5 * m_l) { /* the closed form cancels to ~ (1 - 2 m_l/m_N)^3.5 near threshold */
        *width = width_nu_ll_closed_form(mu_n, m_n, m_l); /* rounding only: no error estimate */
        return NR_OK;
    }
    ll_integrand p = {mu_n, m_n, m_l, 1.0, 0.0, -1.0};
    return integrate_ll(&p, NULL, 0, width, abs_err, err);
}

double nr_dipole_width_nu_ll(double mu_n, double m_n, double m_l)
{
    double width, abs_err;
    return nr_dipole_width_nu_ll_e(mu_n, m_n, m_l, &width, &abs_err, NULL) == NR_OK ? width : NAN;
}

/* The visible-energy fraction in closed form (derived here; 001 gives none). dGamma/ds = C beta P_A(s) / s^2 with
 * P_A = (s + 2 m_l^2)(m^2 - s)^2 (2 m^2 + s) (header comment), and the fraction above the cut at s is 1 for
 * s >= s_lo, 0 for s <= s_hi and (hi(s) - cut)/(hi(s) - lo(s)) = (alpha0 + alpha1 s)/(m^2 - s) in between, with
 * alpha0 = (m^2 (g + bg) - 2 m cut)/(2 bg), alpha1 = (g - bg)/(2 bg) (g, bg the boost of N). So every piece is
 * sum_j p_j integral beta s^(j-2) ds for a polynomial P = sum_j p_j s^j of degree 4 (P_A, or
 * P_B = (s + 2 m_l^2)(m^2 - s)(2 m^2 + s)(alpha0 + alpha1 s)), and with b = 4 m_l^2, r = sqrt(s (s - b)) = s beta,
 * xi = acosh(sqrt(s / b)) the primitives (each 0 at s = b; checked by differentiation) are
 *   J_-2 = 2 beta^3 / (3 b),  J_-1 = 2 (xi - beta),  J_0 = r - b xi,
 *   J_1 = r (2 s - b)/4 - b^2 xi / 4,  J_2 = r^3 / 3 + b r (2 s - b)/8 - b^3 xi / 8.
 * The terms cancel to ~ (1 - 2 m_l/m)^3.5 near threshold, so below m = 2.5 m_l the integrals are numeric
 * (integrate_ll), as for the width. tests/test_dipole_xsec.c compares both with an independent quadrature. */
static void ll_primitives(double b, double s, double j[5])
{
    if (!(s > b)) {
        j[0] = j[1] = j[2] = j[3] = j[4] = 0.0;
        return;
    }
    const double r = sqrt(s * (s - b)), beta = r / s;
    const double xi = log((sqrt(s) + sqrt(s - b)) / sqrt(b));
    j[0] = 2.0 * beta * beta * beta / (3.0 * b);
    j[1] = 2.0 * (xi - beta);
    j[2] = r - b * xi;
    j[3] = 0.25 * r * (2.0 * s - b) - 0.25 * b * b * xi;
    j[4] = r * r * r / 3.0 + 0.125 * b * r * (2.0 * s - b) - 0.125 * b * b * b * xi;
}

/* integral over [s0, s1] of beta P(s) / s^2 ds, P = sum_k p[k] s^k (degree 4) */
static double ll_poly_integral(double b, const double p[5], double s0, double s1)
{
    if (!(s1 > s0))
        return 0.0;
    double j0[5], j1[5], sum = 0.0;
    ll_primitives(b, s0, j0);
    ll_primitives(b, s1, j1);
    for (int k = 0; k < 5; k++)
        sum += p[k] * (j1[k] - j0[k]);
    return sum;
}

/* c = a x b for polynomials of degrees na - 1 and nb - 1 (coefficients by ascending power) */
static void poly_mul(const double *a, int na, const double *b, int nb, double *c)
{
    for (int k = 0; k < na + nb - 1; k++)
        c[k] = 0.0;
    for (int i = 0; i < na; i++)
        for (int k = 0; k < nb; k++)
            c[i + k] += a[i] * b[k];
}

static double ll_fraction_closed_form(double m_n, double m_l, double gamma, double beta_gamma, double cut)
{
    const double m2 = m_n * m_n, b = 4.0 * m_l * m_l;
    const double lin_l[2] = {0.5 * b, 1.0}, lin_m[2] = {m2, -1.0}, lin_2m[2] = {2.0 * m2, 1.0};
    double q2[3], q3[4], pa[5], pb[5];
    poly_mul(lin_l, 2, lin_2m, 2, q2); /* (s + 2 m_l^2)(2 m^2 + s)      */
    poly_mul(q2, 3, lin_m, 2, q3);     /* x (m^2 - s)                   */
    poly_mul(q3, 4, lin_m, 2, pa);     /* P_A                           */
    const double total = ll_poly_integral(b, pa, b, m2);
    if (!(total > 0.0))
        return 0.0;
    const double s_lo = (2.0 * m_n * cut - m2 * (gamma - beta_gamma)) / (gamma + beta_gamma); /* lo(s_lo) = cut */
    const double s_hi = gamma > beta_gamma ? (2.0 * m_n * cut - m2 * (gamma + beta_gamma)) / (gamma - beta_gamma)
                                           : -INFINITY; /* hi(s_hi) = cut */
    const double a_lo = fmin(fmax(s_lo, b), m2), a_hi = fmin(fmax(s_hi, b), m2);
    double above = ll_poly_integral(b, pa, a_lo, m2);
    if (a_lo > a_hi && beta_gamma > 0.0) {
        const double lin_f[2] = {(m2 * (gamma + beta_gamma) - 2.0 * m_n * cut) / (2.0 * beta_gamma),
                                 (gamma - beta_gamma) / (2.0 * beta_gamma)};
        poly_mul(q3, 4, lin_f, 2, pb);
        above += ll_poly_integral(b, pb, a_hi, a_lo);
    }
    const double frac = above / total;
    return frac < 0.0 ? 0.0 : (frac > 1.0 ? 1.0 : frac);
}

nr_status nr_dipole_nu_ll_fraction_above_e(double m_n, double m_l, double e_n, double e_vis_cut, double *fraction,
                                           double *abs_err, nr_error *err)
{
    *fraction = 0.0;
    *abs_err = 0.0;
    if (!(m_l > 0.0) || !(m_n > 2.0 * m_l) || !isfinite(e_n) || !isfinite(e_vis_cut))
        return NR_OK;
    if (e_vis_cut <= 0.0) {
        *fraction = 1.0;
        return NR_OK;
    }
    if (e_vis_cut >= e_n)
        return NR_OK;
    const double gamma = e_n > m_n ? e_n / m_n : 1.0;
    const double beta_gamma = e_n > m_n ? sqrt(e_n * e_n - m_n * m_n) / m_n : 0.0;
    if (m_n > 2.5 * m_l) { /* closed form (above); rounding only: no error estimate */
        *fraction = ll_fraction_closed_form(m_n, m_l, gamma, beta_gamma, e_vis_cut);
        return NR_OK;
    }
    /* lab energy bounds are linear in s: hi(s) = [m^2 (g + bg) + s (g - bg)]/(2m), lo(s) = [m^2 (g - bg) +
     * s (g + bg)]/(2m); the fraction has kinks where either crosses the cut */
    const double two_m = 2.0 * m_n, m2 = m_n * m_n;
    double breaks[2];
    size_t n_breaks = 0;
    if (gamma - beta_gamma > 0.0)
        breaks[n_breaks++] = (two_m * e_vis_cut - m2 * (gamma + beta_gamma)) / (gamma - beta_gamma);
    breaks[n_breaks++] = (two_m * e_vis_cut - m2 * (gamma - beta_gamma)) / (gamma + beta_gamma);
    ll_integrand all = {1.0, m_n, m_l, gamma, beta_gamma, -1.0};
    ll_integrand cut = {1.0, m_n, m_l, gamma, beta_gamma, e_vis_cut};
    double total, total_err, above, above_err;
    nr_status st = integrate_ll(&all, NULL, 0, &total, &total_err, err);
    if (st != NR_OK)
        return st;
    if (!(total > 0.0))
        return NR_OK;
    if ((st = integrate_ll(&cut, breaks, n_breaks, &above, &above_err, err)) != NR_OK)
        return st;
    const double frac = above / total;
    *fraction = frac < 0.0 ? 0.0 : (frac > 1.0 ? 1.0 : frac);
    *abs_err = (above_err + fabs(frac) * total_err) / total; /* first order in the two integrals' errors */
    return NR_OK;
}

double nr_dipole_nu_ll_fraction_above(double m_n, double m_l, double e_n, double e_vis_cut)
{
    double fraction, abs_err;
    return nr_dipole_nu_ll_fraction_above_e(m_n, m_l, e_n, e_vis_cut, &fraction, &abs_err, NULL) == NR_OK ? fraction
                                                                                                           : NAN;
}
