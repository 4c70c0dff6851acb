/* tmm_zp_widths.c: widths of the heavy neutrino N of paper 003 Eq. 1 (Dirac N; see tmm_zp_widths.h).
 *
 * Transition moment (003 Eq. 1, mu Nbar sigma^{mu nu} nu Z'_{mu nu} + h.c., the normalisation of the photon dipole
 * portal 001 Eq. 3.1):
 *   N -> nu V for a vector of mass m_v: the dipole vertex is transverse (q_mu sigma^{mu nu}), so the polarisation sum
 *   -g + q q/m_v^2 acts as -g, and the photon result for a virtual photon of mass^2 s (dipole_xsec.c,
 *   Gamma(N -> nu gamma*) = mu^2 (m^2 - s)^2 (2 m^2 + s)/(8 pi m^3)) holds at s = m_v^2:
 *       Gamma(N -> nu Z') = mu^2 (m_N^2 - M^2)^2 (2 m_N^2 + M^2) / (8 pi m_N^3).
 *   M_Z' < m_N: Gamma(N -> nu Z' -> nu X) = Gamma(N -> nu Z') BR(Z' -> X) (narrow Z', as 003 sec. IV A states).
 *   M_Z' >= m_N: three-body through the virtual Z'. The Z' couples to conserved currents (vector couplings, massless
 *   neutrinos), so the width factorises exactly over the virtuality s:
 *       Gamma(N -> nu X) = integral ds/pi Gamma(N -> nu V; m_v^2 = s) sqrt(s) Gamma(V -> X; sqrt s) / (s - M^2)^2
 *   (the method of darkz_xsec.c). Z' -> f fbar from physics/zprime.c with g_V^{u,d} = g_q, g_V^l = g_l and
 *   g_V = g_A = g_nu/2 for the left-handed neutrinos (003 Eq. 1: g_nu nubar gamma P_L nu): Gamma = m g_nu^2/(24 pi)
 *   per flavour; hadrons below 2 GeV by vector-meson dominance with the quark couplings (g_q, g_q, 0) (an isoscalar
 *   current: omega -> 3 pi, no rho), perturbative u, d quarks (times 1 + alpha_s/pi) above. Tests: the M_Z' -> 0 limit
 *   is the photon's N -> nu l+ l- of dipole_xsec.c; the contact limit M_Z' >> m_N is mu^2 g^2 m_N^7/(480 pi^3 M^4)
 *   per massless vector fermion (integral of s (m^2 - s)^2 (2 m^2 + s) = m^10/5).
 *
 * Mixing V_alphaN (003 Eq. 1: -(g/sqrt 2) V Nbar gamma P_L l W - (g/(2 c_W)) V Nbar gamma P_L nu Z): the standard
 * heavy-neutral-lepton widths, A. Atre, T. Han, S. Pascoli, B. Zhang, JHEP 05 (2009) 030 and K. Bondarenko,
 * A. Boyarsky, D. Gorbunov, O. Ruchayskiy, JHEP 11 (2018) 032 (sec. 3), re-derived here as follows. At m_N << M_W
 * the Z exchange gives L = -(4 G_F/sqrt 2) V [nubar gamma^mu P_L N][fbar gamma_mu (g_L P_L + g_R P_R) f] with
 * g_L = T3 - Q s_W^2, g_R = -Q s_W^2, and the W exchange the same with [lbar gamma P_L N][(nu_beta, u)bar gamma P_L
 * (l_beta, d)]. Traces: (1/2) sum |M|^2 = 64 G_F^2 V^2 [g_L^2 (k.p1)(p.p2) + g_R^2 (k.p2)(p.p1) + g_L g_R m_f^2 (k.p)]
 * (N(p) -> nu(k) f(p1) fbar(p2)), the muon-decay structure. Integrated over the Dalitz plot:
 *   N -> nu_alpha f fbar:   G_F^2 m_N^5 V^2 / (192 pi^3) N_c [C1 f1(x) + C2 f2(x)], C1 = g_L^2 + g_R^2, C2 = g_L g_R,
 *       x = m_f/m_N, f1 = (1 - 14x^2 - 2x^4 - 12x^6) r + 12 x^4 (x^4 - 1) L, f2 = 4 [x^2 (2 + 10x^2 - 12x^4) r
 *       + 6 x^4 (1 - 2x^2 + 2x^4) L], r = sqrt(1 - 4x^2), L = ln[4 x^4 / ((1 - 3x^2 + (1 - x^2) r)(1 + r))]
 *       (the printed L = ln[(1 - 3x^2 - (1 - x^2) r)/(x^2 (1 + r))] rationalised: its numerator is 4 x^6 over the
 *       conjugate, so no cancellation at small x). For f = l_alpha the W diagram Fierzes into the same form with
 *       g_L -> g_L + 1 (C1 = (1 + 4 s^2 + 8 s^4)/4, C2 = s^2 (1 + 2 s^2)/2, as the references print).
 *   N -> nu_alpha nu_beta nubar_beta summed over beta: G_F^2 m_N^5 V^2/(192 pi^3) (C1 = 1/4 per flavour, twice for
 *       beta = alpha: the Fierzed exchange diagram doubles the amplitude, the identical neutrinos halve the phase space).
 *   N -> l_alpha^- u dbar (and l_alpha^- l_beta^+ nu_beta): G_F^2 m_N^5 V^2/(192 pi^3) N_c |V_ud|^2 I(x_u, x_d, x_l),
 *       I = 12 int_{(x_d + x_l)^2}^{(1 - x_u)^2} dy/y (y - x_l^2 - x_d^2)(1 + x_u^2 - y) lambda^1/2(y, x_l^2, x_d^2)
 *       lambda^1/2(1, y, x_u^2).
 *   f1, f2 and I are checked against a direct Dalitz integration of the traces above in tests/test_tmm_zp.c.
 *   Hadrons: quarks u, d, s, c, b (c sbar for the W; Cabibbo-suppressed modes left out) with the effective masses of
 *   zprime.c and 1 + alpha_s(m_N)/pi, above m_N = 1 GeV; below, the single-pion modes (same references):
 *       Gamma(N -> nu pi0) = G_F^2 f_pi^2 V^2 m_N^3 (1 - x_pi^2)^2 / (32 pi),
 *       Gamma(N -> l^- pi^+) = G_F^2 f_pi^2 |V_ud|^2 V^2 m_N^3 [(1 - x_l^2)^2 - x_pi^2 (1 + x_l^2)]
 *                              lambda^1/2(1, x_pi^2, x_l^2) / (16 pi),  f_pi = 130.2 MeV.
 *   (The switch at 1 GeV is not continuous: the inclusive and exclusive sums differ there by tens of percent,
 *   Bondarenko et al. Fig. 11; the W/Z channels are a small part of the N width for the couplings of 003.)
 *   Interference between the Z' (dipole) and the Z (mixing) amplitudes of the same final state is left out: it
 *   needs a helicity flip on the N line and is below the larger of the two squared terms by their ratio.
 */
#include "tmm_zp_widths.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>

#include "constants.h"
#include "zprime.h"

#define F_PI_GEV 0.1302  /* f_pi+ [GeV], PDG 2022 (pi+ -> mu nu), f convention with f ~ 130 MeV   */
#define V_UD 0.97373     /* |V_ud|, PDG 2022                                                     */
#define V_CS 0.975       /* |V_cs|, PDG 2022                                                     */
#define M_Q_S 0.5        /* effective quark masses [GeV], as physics/zprime.c                    */
#define M_Q_C 1.5
#define M_Q_B 4.8
#define N_COLOUR 3.0

static double sq(double x) { return x * x; }

static const char *const channel_names[NR_TMM_N_CHANNELS] = {
    [NR_TMM_ZP_NUNU] = "zp_nu_nu",        [NR_TMM_ZP_EE] = "zp_e_e",
    [NR_TMM_ZP_MUMU] = "zp_mu_mu",        [NR_TMM_ZP_TAUTAU] = "zp_tau_tau",
    [NR_TMM_ZP_HADRONS] = "zp_hadrons",   [NR_TMM_V_NUNUNU] = "w_z_nu_nu_nu",
    [NR_TMM_V_NU_EE] = "w_z_nu_e_e",      [NR_TMM_V_NU_MUMU] = "w_z_nu_mu_mu",
    [NR_TMM_V_NU_TAUTAU] = "w_z_nu_tau_tau", [NR_TMM_V_L_L_NU] = "w_l_l_nu",
    [NR_TMM_V_NU_HADRONS] = "z_nu_hadrons", [NR_TMM_V_L_HADRONS] = "w_l_hadrons",
};

const char *nr_tmm_channel_name(nr_tmm_channel ch)
{
    return (int)ch >= 0 && ch < NR_TMM_N_CHANNELS ? channel_names[ch] : NULL;
}

nr_tmm_class nr_tmm_channel_class(nr_tmm_channel ch)
{
    switch (ch) {
    case NR_TMM_ZP_NUNU:
    case NR_TMM_V_NUNUNU: return NR_TMM_CLASS_INVISIBLE;
    case NR_TMM_ZP_HADRONS:
    case NR_TMM_V_NU_HADRONS:
    case NR_TMM_V_L_HADRONS: return NR_TMM_CLASS_HADRONS;
    default: return NR_TMM_CLASS_LEPTONS;
    }
}

static double kallen(double a, double b, double c) { return a * a + b * b + c * c - 2.0 * (a * b + a * c + b * c); }

/* ------------------------------------------------------------------------------------------------------------
 * Transition moment
 * ------------------------------------------------------------------------------------------------------------ */

double nr_tmm_width_nu_v(double mu, double m_n, double m_v)
{
    if (!(m_n > 0.0) || !(m_v >= 0.0) || !(m_v < m_n) || !isfinite(mu))
        return 0.0;
    const double m2 = m_n * m_n, v2 = m_v * m_v;
    return mu * mu * sq(m2 - v2) * (2.0 * m2 + v2) / (8.0 * NR_PI * m2 * m_n);
}

static void zprime_couplings(const nr_tmm_decay_params *p, nr_zprime_couplings *c)
{
    memset(c, 0, sizeof *c);
    c->f[NR_ZP_F_U].g_v = p->g_q;
    c->f[NR_ZP_F_D].g_v = p->g_q;
    c->f[NR_ZP_F_E].g_v = c->f[NR_ZP_F_MU].g_v = c->f[NR_ZP_F_TAU].g_v = p->g_l;
    for (int f = NR_ZP_F_NU_E; f <= NR_ZP_F_NU_TAU; f++) {
        c->f[f].g_v = 0.5 * p->g_nu;
        c->f[f].g_a = 0.5 * p->g_nu;
    }
    c->n_heavy_neutrinos = 0;
}

/* Partial widths of a (virtual) Z' of mass m into the five dipole channels [GeV]. */
static nr_status zprime_channel_widths(const nr_zprime_couplings *c, const nr_darkcast *dc, double m, double out[5],
                                       nr_error *err)
{
    nr_zprime_widths w;
    nr_status st = nr_zprime_widths_compute(c, dc, m, NULL, &w, err);
    if (st != NR_OK)
        return st;
    out[0] = nr_zprime_group_width_gev(&w, NR_ZP_GROUP_NUNU);
    out[1] = nr_zprime_group_width_gev(&w, NR_ZP_GROUP_EE);
    out[2] = nr_zprime_group_width_gev(&w, NR_ZP_GROUP_MUMU);
    out[3] = nr_zprime_group_width_gev(&w, NR_ZP_GROUP_TAUTAU);
    out[4] = fmax(nr_zprime_group_width_gev(&w, NR_ZP_GROUP_HADRONS), 0.0);
    return NR_OK;
}

typedef struct {
    const nr_tmm_decay_params *p;
    const nr_zprime_couplings *c;
    const nr_darkcast *dc;
    int channel; /* 0..4 */
    int failed;
} offshell_params;

static double offshell_integrand(double s, void *vp)
{
    offshell_params *q = vp;
    if (!(s > 0.0))
        return 0.0;
    double w[5];
    const double m_v = sqrt(s);
    if (zprime_channel_widths(q->c, q->dc, m_v, w, NULL) != NR_OK) {
        q->failed = 1;
        return 0.0;
    }
    return nr_tmm_width_nu_v(q->p->mu, q->p->m_n, m_v) * m_v * w[q->channel] / (NR_PI * sq(s - sq(q->p->m_zp)));
}

static const double channel_threshold_gev[5] = {0.0, 2.0 * NR_M_ELECTRON, 2.0 * NR_M_MUON, 2.0 * NR_M_TAU,
                                                2.0 * NR_M_PION_CHARGED};

static nr_status dipole_widths(const nr_tmm_decay_params *p, const nr_darkcast *dc, double out[5], nr_error *err)
{
    nr_zprime_couplings c;
    zprime_couplings(p, &c);
    for (int k = 0; k < 5; k++)
        out[k] = 0.0;
    if (p->mu == 0.0)
        return NR_OK;
    if (p->m_zp < p->m_n) { /* on-shell Z' */
        double w[5], tot = 0.0;
        nr_status st = zprime_channel_widths(&c, dc, p->m_zp, w, err);
        if (st != NR_OK)
            return st;
        for (int k = 0; k < 5; k++)
            tot += w[k];
        const double two_body = nr_tmm_width_nu_v(p->mu, p->m_n, p->m_zp);
        for (int k = 0; k < 5; k++)
            out[k] = tot > 0.0 ? two_body * w[k] / tot : 0.0;
        return NR_OK;
    }
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(400);
    if (!ws)
        return nr_fail(err, NR_ENOMEM, "", "out of memory for the three-body width");
    for (int k = 0; k < 5; k++) {
        const double lo = sq(channel_threshold_gev[k]), hi = sq(p->m_n);
        if (!(hi > lo))
            continue;
        offshell_params q = {p, &c, dc, k, 0};
        gsl_function f = {offshell_integrand, &q};
        /* break at the omega and phi peaks of the VMD hadronic width */
        double pts[4];
        size_t n_pts = 0;
        pts[n_pts++] = lo;
        if (k == 4 && sq(0.78266) > lo && sq(0.78266) < hi)
            pts[n_pts++] = sq(0.78266);
        if (k == 4 && sq(1.019461) > lo && sq(1.019461) < hi)
            pts[n_pts++] = sq(1.019461);
        pts[n_pts++] = hi;
        double result = 0.0, abserr = 0.0;
        gsl_integration_qagp(&f, pts, n_pts, 0.0, 1e-7, 400, ws, &result, &abserr);
        if (q.failed || !isfinite(result)) {
            gsl_integration_workspace_free(ws);
            return nr_fail(err, NR_EINTERNAL, "/params/m_Zp", "three-body width of N failed at m_N = %g GeV",
                           p->m_n);
        }
        out[k] = fmax(result, 0.0);
    }
    gsl_integration_workspace_free(ws);
    return NR_OK;
}

/* ------------------------------------------------------------------------------------------------------------
 * Mixing: W and Z
 * ------------------------------------------------------------------------------------------------------------ */

double nr_tmm_nc_f1(double x)
{
    if (!(x < 0.5))
        return 0.0;
    if (x < 1e-4)
        return 1.0 - 16.0 * x * x; /* r (1 - 14 x^2); the x^4 ln x terms are below 1e-15 */
    const double x2 = x * x, x4 = x2 * x2, r = sqrt(1.0 - 4.0 * x2);
    const double l = log(4.0 * x4 / ((1.0 - 3.0 * x2 + (1.0 - x2) * r) * (1.0 + r)));
    return (1.0 - 14.0 * x2 - 2.0 * x4 - 12.0 * x4 * x2) * r + 12.0 * x4 * (x4 - 1.0) * l;
}

double nr_tmm_nc_f2(double x)
{
    if (!(x < 0.5))
        return 0.0;
    if (x < 1e-4)
        return 8.0 * x * x;
    const double x2 = x * x, x4 = x2 * x2, r = sqrt(1.0 - 4.0 * x2);
    const double l = log(4.0 * x4 / ((1.0 - 3.0 * x2 + (1.0 - x2) * r) * (1.0 + r)));
    return 4.0 * (x2 * (2.0 + 10.0 * x2 - 12.0 * x4) * r + 6.0 * x4 * (1.0 - 2.0 * x2 + 2.0 * x4) * l);
}

typedef struct {
    double xu2, xd2, xl2;
} cc_params;

static double cc_integrand(double y, void *vp)
{
    const cc_params *p = vp;
    const double l1 = kallen(y, p->xl2, p->xd2), l2 = kallen(1.0, y, p->xu2);
    if (!(l1 > 0.0) || !(l2 > 0.0) || !(y > 0.0))
        return 0.0;
    return 12.0 / y * (y - p->xl2 - p->xd2) * (1.0 + p->xu2 - y) * sqrt(l1 * l2);
}

double nr_tmm_cc_i(double x_u, double x_d, double x_l)
{
    if (!(x_u >= 0.0) || !(x_d >= 0.0) || !(x_l >= 0.0) || !(x_u + x_d + x_l < 1.0))
        return 0.0;
    cc_params p = {x_u * x_u, x_d * x_d, x_l * x_l};
    gsl_function f = {cc_integrand, &p};
    const double lo = sq(x_d + x_l), hi = sq(1.0 - x_u);
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(100);
    if (!ws)
        return NAN;
    double result = 0.0, abserr = 0.0;
    gsl_integration_qags(&f, lo, hi, 0.0, 1e-10, 100, ws, &result, &abserr);
    gsl_integration_workspace_free(ws);
    return isfinite(result) ? result : NAN; /* a GSL roundoff warning leaves a usable estimate */
}

static const double lepton_mass[3] = {NR_M_ELECTRON, NR_M_MUON, NR_M_TAU};

/* NC width factor C1 f1 + C2 f2 of one fermion (T3, Q) of mass m_f; w_fierz = 1 adds the W diagram (f = l_alpha). */
static double nc_factor(double t3, double q, double m_f, double m_n, int w_fierz)
{
    const double s2 = NR_SIN2_THETA_W;
    const double g_l = t3 - q * s2 + (w_fierz ? 1.0 : 0.0), g_r = -q * s2;
    const double x = m_f / m_n;
    return (g_l * g_l + g_r * g_r) * nr_tmm_nc_f1(x) + g_l * g_r * nr_tmm_nc_f2(x);
}

static void mixing_widths(const nr_tmm_decay_params *p, double *w)
{
    const double m = p->m_n, v2 = p->v_an * p->v_an;
    const double g0 = NR_G_FERMI * NR_G_FERMI * pow(m, 5) * v2 / (192.0 * NR_PI * NR_PI * NR_PI);
    const double m_alpha = lepton_mass[p->alpha];
    w[NR_TMM_V_NUNUNU] = g0;
    const nr_tmm_channel nu_ll[3] = {NR_TMM_V_NU_EE, NR_TMM_V_NU_MUMU, NR_TMM_V_NU_TAUTAU};
    w[NR_TMM_V_L_L_NU] = 0.0;
    for (int b = 0; b < 3; b++) {
        w[nu_ll[b]] = m > 2.0 * lepton_mass[b] ? g0 * nc_factor(-0.5, -1.0, lepton_mass[b], m, b == p->alpha) : 0.0;
        if (b != p->alpha && m > m_alpha + lepton_mass[b])
            w[NR_TMM_V_L_L_NU] += g0 * nr_tmm_cc_i(0.0, lepton_mass[b] / m, m_alpha / m);
    }
    if (m < NR_TMM_HADRON_QUARK_ABOVE) { /* single pions */
        const double xp0 = NR_M_PION_NEUTRAL / m, xpc = NR_M_PION_CHARGED / m, xl = m_alpha / m;
        const double pre = NR_G_FERMI * NR_G_FERMI * F_PI_GEV * F_PI_GEV * v2 * m * m * m / NR_PI;
        w[NR_TMM_V_NU_HADRONS] = xp0 < 1.0 ? pre * sq(1.0 - xp0 * xp0) / 32.0 : 0.0;
        const double lam = kallen(1.0, xpc * xpc, xl * xl);
        w[NR_TMM_V_L_HADRONS] =
            xpc + xl < 1.0 && lam > 0.0
                ? pre * V_UD * V_UD * (sq(1.0 - xl * xl) - xpc * xpc * (1.0 + xl * xl)) * sqrt(lam) / 16.0
                : 0.0;
        return;
    }
    const double qcd = 1.0 + nr_zprime_alpha_s(m) / NR_PI;
    double nc = nc_factor(0.5, 2.0 / 3.0, 0.0, m, 0) + nc_factor(-0.5, -1.0 / 3.0, 0.0, m, 0);
    if (m > 2.0 * M_Q_S)
        nc += nc_factor(-0.5, -1.0 / 3.0, M_Q_S, m, 0);
    if (m > 2.0 * M_Q_C)
        nc += nc_factor(0.5, 2.0 / 3.0, M_Q_C, m, 0);
    if (m > 2.0 * M_Q_B)
        nc += nc_factor(-0.5, -1.0 / 3.0, M_Q_B, m, 0);
    w[NR_TMM_V_NU_HADRONS] = g0 * N_COLOUR * qcd * nc;
    double cc = 0.0;
    if (m > m_alpha + NR_M_PION_CHARGED)
        cc += V_UD * V_UD * nr_tmm_cc_i(0.0, 0.0, m_alpha / m);
    if (m > m_alpha + M_Q_C + M_Q_S)
        cc += V_CS * V_CS * nr_tmm_cc_i(M_Q_C / m, M_Q_S / m, m_alpha / m);
    w[NR_TMM_V_L_HADRONS] = g0 * N_COLOUR * qcd * cc;
}

/* ------------------------------------------------------------------------------------------------------------ */

nr_status nr_tmm_widths_compute(const nr_tmm_decay_params *p, const nr_darkcast *dc, nr_tmm_widths *out,
                                nr_error *err)
{
    memset(out, 0, sizeof *out);
    if (!p || !(p->m_n > 0.0) || !isfinite(p->m_n))
        return nr_fail(err, NR_EINPUT, "/params/m_N", "m_N must be a positive number of GeV");
    if (!(p->m_zp > 0.0) || !isfinite(p->m_zp))
        return nr_fail(err, NR_EINPUT, "/params/m_Zp", "m_Zp must be a positive number of GeV");
    if (!(p->m_n < NR_M_W))
        return nr_fail(err, NR_EINPUT, "/params/m_N",
                       "m_N must be below M_W (the W/Z widths use the contact interaction; 003 takes M_N < M_W)");
    if (!isfinite(p->mu) || !isfinite(p->v_an) || !isfinite(p->g_q) || !isfinite(p->g_nu) || !isfinite(p->g_l))
        return nr_fail(err, NR_EINPUT, "/params", "couplings must be finite");
    if (p->alpha < 0 || p->alpha > 2)
        return nr_fail(err, NR_EINPUT, "/params/flavour", "flavour must be e, mu or tau");
    double zp[5];
    nr_status st = dipole_widths(p, dc, zp, err);
    if (st != NR_OK)
        return st;
    for (int k = 0; k < 5; k++)
        out->width[NR_TMM_ZP_NUNU + k] = zp[k];
    mixing_widths(p, out->width);
    for (int k = 0; k < NR_TMM_N_CHANNELS; k++) {
        if (!isfinite(out->width[k])) /* a phase-space integral failed (NaN from nr_tmm_cc_i) */
            return nr_fail(err, NR_ENUMERIC, "/params/m_N", "the width of N -> %s is not finite at m_N = %g GeV",
                           channel_names[k], p->m_n);
        out->total += out->width[k];
    }
    return NR_OK;
}

double nr_tmm_br(const nr_tmm_widths *w, nr_tmm_channel ch)
{
    if (!w || (int)ch < 0 || ch >= NR_TMM_N_CHANNELS || !(w->total > 0.0))
        return 0.0;
    return w->width[ch] / w->total;
}

double nr_tmm_class_br(const nr_tmm_widths *w, nr_tmm_class cls)
{
    double sum = 0.0;
    for (int k = 0; k < NR_TMM_N_CHANNELS; k++)
        if (nr_tmm_channel_class((nr_tmm_channel)k) == cls)
            sum += nr_tmm_br(w, (nr_tmm_channel)k);
    return sum;
}
