/* darkz_xsec.c: cross sections and widths for nu T -> N T through a massive Z' (paper 000), and the decays of N.
 *
 * Couplings (000 Eqs. 1, 3, 12): g_nuN Z'_a nubar gamma^a P_L N, q'_f fbar gamma^a f Z'_a, g' Nbar_L gamma N'_L Z'.
 * C^2 = "coupling2" = (g_nuN q'_T)^2. Particles: nu (p1, massless, left-handed: no spin average), target (p2),
 * N (p3, mass m), target (p4); t = (p1 - p3)^2 < 0, M = m_Z'.
 *
 * Derivation (done here; 000 gives only Eq. 5). Lepton tensor, summed over the N spin:
 *   Tr[(p3slash + m) gamma^a P_L p1slash gamma^b P_R] = 2 (p3^a p1^b + p3^b p1^a - g^ab p1.p3) + antisymmetric.
 * Spin-1/2 target of mass m_T with a vector coupling: hadron tensor 4 (p4^a p2^b + p4^b p2^a - g^ab (p2.p4 - m_T^2));
 * the antisymmetric lepton part drops and
 *   sum |M|^2 = 16 C^2 [(p3.p4)(p1.p2) + (p3.p2)(p1.p4) - m_T^2 (p1.p3)] / (t - M^2)^2,
 * averaged over the target spin (1/2); dsigma/dt = <|M|^2> / (16 pi (s - m_T^2)^2).
 * Massless parton: <|M|^2> = 2 C^2 [s (s - m^2) + u (u - m^2)] / (t - M^2)^2, u = m^2 - s - t, and with
 * |t| = (s - m^2)(1 - cos)/2 (the true parton momentum transfer) this is
 *   dsigma/dcos = C^2 (s - m^2)^2 [5 s + m^2 + 2 s cos + (s - m^2) cos^2] / (64 pi s^2 ((s - m^2)(1 - cos)/2 + M^2)^2):
 * 000 Eq. 5 has the same numerator but 1/(32 pi) and (s - m^2)(1 - cos) in the propagator. The two changes
 * compensate in the forward peak, so sigma ~ C^2 / (4 pi M^2) for both when s >> M^2, m^2 (ERRATA.md).
 * Check of the normalisation: at t -> 0, m -> 0, dsigma/dt -> C^2 / (4 pi M^4), the coherent elastic neutrino
 * scattering result G_F^2 Q_W^2 / (8 pi) with C / M^2 -> sqrt(2) G_F Q_W / 2.
 * Spin-0 nucleus: hadron current C (p2 + p4)^a F(t), P = p2 + p4:
 *   sum |M|^2 = 2 C^2 F^2 [2 (p1.P)(p3.P) - P^2 (p1.p3)] / (t - M^2)^2, dsigma/dt = sum |M|^2 / (16 pi (2 m_T E)^2),
 * with p1.P = 2 m_T E + (t - m^2)/2, p3.P = 2 m_T E_N - (m^2 + t)/2, E_N = E + t/(2 m_T), P^2 = 4 m_T^2 - t,
 * p1.p3 = (m^2 - t)/2. Both tensors are checked against explicit numerical Dirac traces in tests/test_darkz.c.
 *
 * Widths. N -> X V with g Xbar gamma P_L N V (X of mass m_x): <|M|^2> = g^2 [p1.p2 + 2 (p1.k)(p2.k) / m_v^2]
 * (N spin averaged), Gamma = |p| <|M|^2> / (8 pi m_N^2); for m_x = 0 this is the textbook
 * g^2 m_N^3 (1 - x)^2 (1 + 2 x) / (32 pi m_v^2), x = m_v^2/m_N^2 (as t -> b W). Three-body N -> X Z'* -> X f fbar:
 * the Z' couples to conserved currents, so the width factorises exactly over the virtuality q^2 of the Z':
 *   Gamma = integral dq^2 / pi  Gamma_2(N -> X V; m_v^2 = q^2) sqrt(q^2) Gamma(V -> f fbar; sqrt(q^2)) / (q^2 - M^2)^2.
 * For M >> m_N, massless X and e: Gamma = g'^2 (e eps)^2 m_N^5 / (768 pi^3 M^4) (1 + 3 m_N^2 / (5 M^2)); the
 * same as muon decay with 4 G_F / sqrt 2 -> g' e eps / M^2 and both chiralities of the electron current.
 * 000 Eq. 4 has 1/96 instead of 1/768 (8 times larger) and its correction in m_N'^2/M^2 (should be m_N^2/M^2).
 *
 * Z' -> f fbar: 000 sec. IV. Hadrons (our choice; 000 keeps only leptons): kinetic mixing, pi+ pi- below 1.1 GeV
 * with the rho Breit-Wigner pion form factor, Gamma = (e eps)^2 m (1 - 4 m_pi^2/m^2)^(3/2) |F_pi|^2 / (48 pi);
 * above, free quarks u d s (c above 2 m_D, b above 2 m_B) at lowest order. B - 3 L_tau: free quarks above 3 m_pi
 * (an approximation: the omega region is not resolved). rho: m = 0.77526 GeV, Gamma = 0.1491 GeV (PDG 2022).
 */
#include "darkz_xsec.h"

#include <gsl/gsl_integration.h>
#include <math.h>

#include "constants.h"
#include "form_factors.h"

#define HELM000_S1_FM 0.9  /* 000 sec. V B */
#define HELM000_A1_FM 0.52 /* 000 sec. V B */
#define M_RHO 0.77526      /* PDG 2022 */
#define GAMMA_RHO 0.1491   /* PDG 2022 */
#define HADRON_QUARK_MODEL_ABOVE 1.1 /* [GeV] switch from pi pi (rho) to free quarks (kinetic mixing) */
#define M_D_THRESHOLD 3.73  /* 2 m_D0 [GeV] */
#define M_B_THRESHOLD 10.56 /* 2 m_B [GeV]  */
#define B3LTAU_TAU_CHARGE 9.0 /* |q'_tau| / q'_q for B - 3 L_tau (000 sec. III) */

static double sq(double x) { return x * x; }

/* ------------------------------------------------------------------------------------------------------------ */
/* partons                                                                                                      */

double nr_darkz_parton_dsigma_dcos_paper(double s, double c, double m_n, double m_zp, double coupling2)
{
    double m2 = m_n * m_n, d = s - m2;
    if (!(d > 0) || c < -1.0 || c > 1.0)
        return 0.0;
    double num = 5.0 * s + m2 + 2.0 * s * c + d * c * c;
    return coupling2 / (32.0 * NR_PI) * d * d / (s * s) * num / sq(d * (1.0 - c) + m_zp * m_zp);
}

double nr_darkz_parton_sigma_paper(double s, double m_n, double m_zp, double coupling2)
{
    double m2 = m_n * m_n, M2 = m_zp * m_zp;
    if (!(s > m2))
        return 0.0;
    double den = -2.0 * m2 + M2 + 2.0 * s; /* = 2 (s - m^2) + M^2 > 0 */
    /* log(M^2 / den) = -log1p(2 (s - m^2) / M^2): no cancellation for M^2 << s */
    double lg = -log1p(2.0 * (s - m2) / M2);
    double term = 2.0 * (s - m2) * (-2.0 * m2 * (M2 + 2.0 * s) + M2 * M2 + 3.0 * M2 * s + 4.0 * s * s) / (M2 * den);
    return coupling2 / (16.0 * NR_PI * s * s) * ((-m2 + M2 + 2.0 * s) * lg + term);
}

double nr_darkz_parton_dsigma_dt_exact(double s, double abs_t, double m_n, double m_zp, double coupling2)
{
    double m2 = m_n * m_n, tmax = s - m2;
    if (!(tmax > 0) || abs_t < 0 || abs_t > tmax)
        return 0.0;
    double num = s * (s - m2) + (s - abs_t) * (s - m2 - abs_t);
    return coupling2 * num / (8.0 * NR_PI * s * s * sq(abs_t + m_zp * m_zp));
}

double nr_darkz_parton_sigma_exact(double s, double m_n, double m_zp, double coupling2)
{
    double m2 = m_n * m_n, M2 = m_zp * m_zp, T = s - m2;
    if (!(T > 0))
        return 0.0;
    /* tau = |t| + M^2 in [M^2, T + M^2]; numerator A0 - (a + b) tau + tau^2 */
    double a = s + M2, b = s - m2 + M2, a0 = s * (s - m2) + a * b;
    double tau1 = M2, tau2 = T + M2;
    double integral = a0 * T / (tau1 * tau2) - (a + b) * log1p(T / M2) + T;
    return coupling2 * integral / (8.0 * NR_PI * s * s);
}

/* ------------------------------------------------------------------------------------------------------------ */
/* massive targets                                                                                              */

static int in_physical_range(double e_nu, double abs_t, double m_n, double m_target)
{
    if (!(e_nu > 0) || !(m_target > 0) || !(abs_t >= 0))
        return 0;
    double s = m_target * m_target + 2.0 * m_target * e_nu, m2 = m_n * m_n, mt2 = m_target * m_target;
    if (s <= sq(m_n + m_target))
        return 0;
    double sqrt_s = sqrt(s);
    double p_i = m_target * e_nu / sqrt_s;
    double lambda = (s - sq(m_n + m_target)) * (s - sq(m_n - m_target));
    double p_f = sqrt(fmax(lambda, 0.0)) / (2.0 * sqrt_s);
    double e_i = p_i, e_f = (s + m2 - mt2) / (2.0 * sqrt_s);
    /* t = m^2 - 2 (E1 E3 - p_i p_f cos): |t| in [2 p_i (E_f - p_f) - m^2, 2 p_i (E_f + p_f) - m^2] */
    double t_lo = 2.0 * e_i * (e_f - p_f) - m2, t_hi = 2.0 * e_i * (e_f + p_f) - m2;
    double slack = 1e-12 * t_hi;
    return abs_t >= t_lo - slack - 1e-300 && abs_t <= t_hi + slack;
}

/* dsigma/d|t| on a spin-1/2 target inside the physical range (in_physical_range already tested). */
static double fermion_dsigma_dt_in_range(double e_nu, double abs_t, double m_n, double m_target, double m_zp,
                                         double coupling2)
{
    double mt2 = m_target * m_target, m2 = m_n * m_n;
    double s = mt2 + 2.0 * m_target * e_nu, t = -abs_t;
    double u = 2.0 * mt2 + m2 - s - t;
    double p1p2 = 0.5 * (s - mt2), p3p4 = 0.5 * (s - m2 - mt2);
    double p1p4 = 0.5 * (mt2 - u), p2p3 = 0.5 * (m2 + mt2 - u), p1p3 = 0.5 * (m2 - t);
    double bracket = p3p4 * p1p2 + p2p3 * p1p4 - mt2 * p1p3;
    return coupling2 * bracket / (2.0 * NR_PI * sq(s - mt2) * sq(abs_t + m_zp * m_zp));
}

/* dsigma/d|t| on a spin-0 target inside the physical range (in_physical_range already tested). */
static double scalar_dsigma_dt_in_range(double e_nu, double abs_t, double m_n, double m_target, double m_zp,
                                        double coupling2)
{
    double m2 = m_n * m_n, t = -abs_t;
    double e_n = e_nu + t / (2.0 * m_target);
    double p1P = 2.0 * m_target * e_nu + 0.5 * (t - m2);
    double p3P = 2.0 * m_target * e_n - 0.5 * (m2 + t);
    double P2 = 4.0 * m_target * m_target - t;
    double p1p3 = 0.5 * (m2 - t);
    double sum_m2 = 2.0 * coupling2 * (2.0 * p1P * p3P - P2 * p1p3) / sq(abs_t + m_zp * m_zp);
    return sum_m2 / (16.0 * NR_PI * sq(2.0 * m_target * e_nu));
}

double nr_darkz_fermion_dsigma_dt(double e_nu, double abs_t, double m_n, double m_target, double m_zp,
                                  double coupling2)
{
    if (!in_physical_range(e_nu, abs_t, m_n, m_target))
        return 0.0;
    return fermion_dsigma_dt_in_range(e_nu, abs_t, m_n, m_target, m_zp, coupling2);
}

double nr_darkz_scalar_dsigma_dt(double e_nu, double abs_t, double m_n, double m_target, double m_zp,
                                 double coupling2)
{
    if (!in_physical_range(e_nu, abs_t, m_n, m_target))
        return 0.0;
    return scalar_dsigma_dt_in_range(e_nu, abs_t, m_n, m_target, m_zp, coupling2);
}

void nr_darkz_scalar_fermion_dsigma_dt(double e_nu, double abs_t, double m_n, double m_target, double m_zp,
                                       double coupling2, double *scalar, double *fermion)
{
    *scalar = 0.0;
    *fermion = 0.0;
    if (!in_physical_range(e_nu, abs_t, m_n, m_target))
        return;
    *scalar = scalar_dsigma_dt_in_range(e_nu, abs_t, m_n, m_target, m_zp, coupling2);
    *fermion = fermion_dsigma_dt_in_range(e_nu, abs_t, m_n, m_target, m_zp, coupling2);
}

double nr_darkz_helm_000_radius_fm(double mass_number)
{
    double c = 1.23 * cbrt(mass_number) - 0.6;
    double r2 = c * c + 7.0 * NR_PI * NR_PI * HELM000_A1_FM * HELM000_A1_FM / 3.0 - 5.0 * HELM000_S1_FM * HELM000_S1_FM;
    return sqrt(fmax(r2, 0.0));
}

double nr_darkz_helm_000(double q_gev, double mass_number)
{
    return nr_ff_helm(q_gev, nr_darkz_helm_000_radius_fm(mass_number), HELM000_S1_FM);
}

nr_status nr_darkz_helm_000_table_init(nr_ff_helm_table *t, double mass_number, nr_error *err)
{
    return nr_ff_helm_table_init_rs(t, mass_number, nr_darkz_helm_000_radius_fm(mass_number), HELM000_S1_FM, err);
}

/* Eq. 11 integrated over cos(theta) through t_p = (s - m^2)(1 - cos) in [0, 2 (s - m^2)]: 8-point Gauss-Legendre on
 * each decade of ln t_p from 1e-9 M^2 (below it the integrand, ~ t_p, adds < 1e-9 of the total). */
double nr_darkz_coherent_sigma_paper(double e_nu, double m_target, double mass_number, double m_n, double m_zp,
                                     double coupling2)
{
    static const double x8[4] = {0.1834346424956498, 0.5255324099163290, 0.7966664774136267, 0.9602898564975363};
    static const double w8[4] = {0.3626837833783620, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763};
    double s = m_target * m_target + 2.0 * m_target * e_nu, d = s - m_n * m_n;
    if (!(d > 0) || !(m_zp > 0))
        return 0.0;
    double u_lo = log(1e-9 * m_zp * m_zp), u_hi = log(2.0 * d);
    if (!(u_hi > u_lo))
        return 0.0;
    int pieces = (int)ceil((u_hi - u_lo) / log(10.0));
    double h = (u_hi - u_lo) / pieces, sum = 0.0;
    for (int i = 0; i < pieces; i++) {
        double mid = u_lo + h * (i + 0.5), half = 0.5 * h;
        for (int k = 0; k < 8; k++) {
            double x = k < 4 ? -x8[3 - k] : x8[k - 4], w = k < 4 ? w8[3 - k] : w8[k - 4];
            double tp = exp(mid + half * x);
            double c = 1.0 - tp / d;
            double f = nr_darkz_helm_000(sqrt(tp), mass_number);
            /* dsigma/dt_p = dsigma/dcos / (s - m^2); the ln-measure gives the factor t_p */
            sum += half * w * tp * f * f * nr_darkz_parton_dsigma_dcos_paper(s, c, m_n, m_zp, coupling2) / d;
        }
    }
    return sum;
}

/* ------------------------------------------------------------------------------------------------------------ */
/* Z' widths                                                                                                    */

double nr_darkz_zprime_width_ff(double q_f, double m_v, double m_f, double n_colour)
{
    if (!(m_v > 2.0 * m_f))
        return 0.0;
    double r = m_f * m_f / (m_v * m_v);
    return n_colour * q_f * q_f * m_v * (1.0 + 2.0 * r) * sqrt(1.0 - 4.0 * r) / (12.0 * NR_PI);
}

/* Free u, d, s (+ c, b above their open-flavour thresholds) for quark couplings q_up, q_down. */
static double quark_width(double q_up, double q_down, double m_v)
{
    double w = nr_darkz_zprime_width_ff(q_up, m_v, 0.0, 3.0) + 2.0 * nr_darkz_zprime_width_ff(q_down, m_v, 0.0, 3.0);
    if (m_v > M_D_THRESHOLD)
        w += nr_darkz_zprime_width_ff(q_up, m_v, 0.0, 3.0);
    if (m_v > M_B_THRESHOLD)
        w += nr_darkz_zprime_width_ff(q_down, m_v, 0.0, 3.0);
    return w;
}

static double pipi_width_rho(double q_e, double m_v)
{
    double mp = NR_M_PION_CHARGED;
    if (!(m_v > 2.0 * mp))
        return 0.0;
    double beta2 = 1.0 - 4.0 * mp * mp / (m_v * m_v);
    double s = m_v * m_v, mr2 = M_RHO * M_RHO;
    double f2 = mr2 * mr2 / (sq(mr2 - s) + mr2 * GAMMA_RHO * GAMMA_RHO);
    return q_e * q_e * m_v * beta2 * sqrt(beta2) * f2 / (48.0 * NR_PI);
}

double nr_darkz_zprime_width(nr_darkz_portal portal, double coupling, double m_v, nr_darkz_channel ch)
{
    if (!(m_v > 0))
        return 0.0;
    if (portal == NR_DARKZ_KINETIC_MIXING) {
        double qe = sqrt(4.0 * NR_PI * NR_ALPHA_EM) * coupling; /* e eps */
        switch (ch) {
        case NR_DARKZ_CH_EE: return nr_darkz_zprime_width_ff(qe, m_v, NR_M_ELECTRON, 1.0);
        case NR_DARKZ_CH_MUMU: return nr_darkz_zprime_width_ff(qe, m_v, NR_M_MUON, 1.0);
        case NR_DARKZ_CH_TAUTAU: return nr_darkz_zprime_width_ff(qe, m_v, NR_M_TAU, 1.0);
        case NR_DARKZ_CH_HADRONS:
            return m_v < HADRON_QUARK_MODEL_ABOVE ? pipi_width_rho(qe, m_v)
                                                  : quark_width(2.0 / 3.0 * qe, -1.0 / 3.0 * qe, m_v);
        default: return 0.0;
        }
    }
    double qq = coupling, qtau = B3LTAU_TAU_CHARGE * coupling;
    switch (ch) {
    case NR_DARKZ_CH_TAUTAU: return nr_darkz_zprime_width_ff(qtau, m_v, NR_M_TAU, 1.0);
    case NR_DARKZ_CH_NUNU: return 0.5 * nr_darkz_zprime_width_ff(qtau, m_v, 0.0, 1.0); /* left-handed nu_tau only */
    case NR_DARKZ_CH_HADRONS: return m_v > 3.0 * NR_M_PION_CHARGED ? quark_width(qq, qq, m_v) : 0.0;
    default: return 0.0;
    }
}

static double zprime_total_width(nr_darkz_portal portal, double coupling, double m_v)
{
    double w = 0.0;
    for (int ch = 0; ch < NR_DARKZ_N_CHANNELS; ch++)
        w += nr_darkz_zprime_width(portal, coupling, m_v, (nr_darkz_channel)ch);
    return w;
}

static double channel_threshold(nr_darkz_portal portal, nr_darkz_channel ch)
{
    switch (ch) {
    case NR_DARKZ_CH_EE: return 2.0 * NR_M_ELECTRON;
    case NR_DARKZ_CH_MUMU: return 2.0 * NR_M_MUON;
    case NR_DARKZ_CH_TAUTAU: return 2.0 * NR_M_TAU;
    case NR_DARKZ_CH_HADRONS: return (portal == NR_DARKZ_KINETIC_MIXING ? 2.0 : 3.0) * NR_M_PION_CHARGED;
    default: return 0.0;
    }
}

/* ------------------------------------------------------------------------------------------------------------ */
/* N widths                                                                                                     */

static double kallen(double a, double b, double c) { return a * a + b * b + c * c - 2.0 * (a * b + a * c + b * c); }

double nr_darkz_width_n_two_body(double g, double m_n, double m_x, double m_v)
{
    if (!(m_v > 0) || !(m_n > m_x + m_v))
        return 0.0;
    double m12 = m_n * m_n, m22 = m_x * m_x, mv2 = m_v * m_v;
    double lam = kallen(m12, m22, mv2);
    if (!(lam > 0))
        return 0.0;
    double p1p2 = 0.5 * (m12 + m22 - mv2), p1k = 0.5 * (m12 - m22 + mv2), p2k = 0.5 * (m12 - m22 - mv2);
    double amp2 = g * g * (p1p2 + 2.0 * p1k * p2k / mv2);
    return sqrt(lam) * amp2 / (16.0 * NR_PI * m12 * m_n);
}

typedef struct {
    double g, m_n, m_x, m_zp, coupling;
    nr_darkz_portal portal;
    nr_darkz_channel ch;
} three_body_params;

static double three_body_integrand(double q2, void *vp)
{
    const three_body_params *p = vp;
    double mv = sqrt(q2);
    return nr_darkz_width_n_two_body(p->g, p->m_n, p->m_x, mv) * mv *
           nr_darkz_zprime_width(p->portal, p->coupling, mv, p->ch) / (NR_PI * sq(q2 - p->m_zp * p->m_zp));
}

nr_status nr_darkz_width_n_channel_e(double g, double m_n, double m_x, double m_zp, nr_darkz_portal portal,
                                     double coupling, nr_darkz_channel ch, double *width, double *abs_err,
                                     nr_error *err)
{
    *width = 0.0;
    *abs_err = 0.0;
    double thr = channel_threshold(portal, ch);
    if (!(m_n > m_x + thr) || g == 0.0 || coupling == 0.0 || !(m_zp > 0))
        return NR_OK;
    if (m_zp < m_n - m_x) { /* on-shell Z' (narrow width) */
        double tot = zprime_total_width(portal, coupling, m_zp);
        *width = tot > 0 ? nr_darkz_width_n_two_body(g, m_n, m_x, m_zp) * nr_darkz_zprime_width(portal, coupling, m_zp, ch) / tot
                         : 0.0;
        return NR_OK;
    }
    three_body_params p = {g, m_n, m_x, m_zp, coupling, portal, ch};
    gsl_function f = {three_body_integrand, &p};
    double lo = thr * thr, hi = sq(m_n - m_x), result = 0.0, abserr = 0.0;
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(200);
    if (!ws)
        return nr_fail(err, NR_ENOMEM, "", "out of memory for the N -> N' Z'* integration workspace");
    int rc = gsl_integration_qags(&f, lo, hi, 0.0, 1e-7, 200, ws, &result, &abserr);
    gsl_integration_workspace_free(ws);
    (void)rc; /* a GSL warning (roundoff) still leaves a usable estimate; only a non-finite result is an error */
    if (!isfinite(result))
        return nr_fail(err, NR_ENUMERIC, "", "the N -> X Z'* width integral is not finite (m_N = %g GeV, m_Z' = %g GeV)",
                       m_n, m_zp);
    *width = result;
    *abs_err = abserr;
    return NR_OK;
}

double nr_darkz_width_n_channel(double g, double m_n, double m_x, double m_zp, nr_darkz_portal portal,
                                double coupling, nr_darkz_channel ch)
{
    double width, abs_err;
    return nr_darkz_width_n_channel_e(g, m_n, m_x, m_zp, portal, coupling, ch, &width, &abs_err, NULL) == NR_OK
               ? width
               : NAN;
}

double nr_darkz_width_eq4_paper(double g_prime, double eps, double m_n, double m_np, double m_zp)
{
    double e2 = 4.0 * NR_PI * NR_ALPHA_EM;
    double r = m_np * m_np / (m_zp * m_zp);
    return g_prime * g_prime * e2 * eps * eps / (NR_PI * NR_PI * NR_PI) * pow(m_n, 5) / pow(m_zp, 4) *
           (1.0 / 96.0 + 13.0 / 960.0 * r);
}
