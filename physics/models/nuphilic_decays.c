/* nuphilic_decays.c: M+ -> l+ nu Z' and Z' -> nu nubar for the neutrinophilic Z' of paper 002.
 *
 * Amplitude. With the SM meson vertex (G_F/sqrt2) V f_M p_M^mu [nubar gamma_mu (1 - g5) l] (f_pi ~ 130 MeV,
 * which gives the textbook Gamma(M -> l nu), nr_nuphilic_width_two_body) and the Z' radiated by the
 * neutrino (momentum k) through g Z'_mu nubar_b gamma^mu nu_a, the propagator carries P = k + q = p_M - p_l:
 *   M = (G_F/sqrt2) V f_M g eps*_mu(q) ubar(k) gamma^mu (Pslash / P^2) pslash_M (1 - g5) v(p_l).
 * Summing spins (sum v vbar = pslash_l - m_l, and (1-g5)(pslash_l - m_l)(1+g5) = 2 pslash_l (1+g5)):
 *   sum |M|^2 = (G_F^2/2) V^2 f^2 g^2 eps_mu eps*_nu H^{mu nu},
 *   H^{mu nu} = 8 [k^mu W^nu + k^nu W^mu - g^{mu nu} k.W] / P^4  (+ an antisymmetric part that drops out),
 *   V = 2 (p_M.p_l) p_M - m_M^2 p_l,   W = 2 (P.V) P - P^2 V.
 * Polarisation sums: all three, -g + q q / m_Z'^2:  4 G_F^2 V^2 f^2 [k.W + 2 (k.q)(q.W)/m_Z'^2] / P^4;
 * longitudinal (real eps_L, eps_L^2 = -1):            4 G_F^2 V^2 f^2 [2 (k.eps_L)(W.eps_L) + k.W] / P^4,
 * eps_L = [(q.p_M) q - m_Z'^2 p_M] / (m_Z' m_M |q|) (helicity 0 along the Z' direction in the meson frame).
 * For m_l = 0, W = P^4 p_l and the total becomes
 *   2 G_F^2 V^2 f^2 [m_M^2 + m_Z'^2 - 2 m_M E_Z' + (m_M^2 - m_Z'^2 - 2 m_M E_l)(m_M^2 - m_Z'^2 - 2 m_M E_nu)/m_Z'^2],
 * which is 002 Eq. (4) times 2 (erratum: Eq. (4) lacks a factor 2 for this f_M convention; the two-body width
 * from the same vertex fixes the convention, see the tests).
 *
 * Closed form for m_l = 0 (Dalitz variables s = m_lnu^2, t = m_nuZ'^2): at fixed s the t-integral of the
 * bracket is 2 s lambda^(1/2) + lambda^(3/2) / (6 m_Z'^2), lambda = lambda(m_M^2, m_Z'^2, s); integrating s
 * from 0 to (m_M - m_Z')^2 gives nr_nuphilic_width_three_body_massless (see the header).
 *
 * Numerics: d Gamma = |M|^2 dE_l dE_nu / (64 pi^3 m_M) (002 Eq. 2). At fixed E_Z' or E_nu the other energy
 * runs over a segment along which t = (k + q)^2 is linear and t^2 |M|^2 is a quartic polynomial in t: the segment
 * is integrated in closed form (below, "closed form"). The Z'-energy integral (width, Z' spectrum) runs in p_Z'
 * near threshold and in ln E_Z' above (the soft-Z' region, a 1/E_Z' growth when m_l > 0), with the last
 * END_WIDTHS m_l^2/m_M below the end point on its own (a light lepton's end-point step).
 */
#include "models/nuphilic_decays.h"

#include <math.h>
#include <pthread.h>
#include <string.h>

#include <gsl/gsl_integration.h>

#include "constants.h"
#include "flux.h"

#define NR_HBAR_GEV_S 6.582119569e-25 /* hbar [GeV s], PDG 2022 Table 1.1 */

/* Masses and lifetimes: PDG 2022 listings. Decay constants: FLAG Review 2021 (N_f = 2+1+1),
 * f_pi+ = 130.2 MeV, f_K+ = 155.7 MeV, f_Ds = 249.9 MeV. CKM: PDG 2022 sec. 12, |V_ud| = 0.97373,
 * |V_us| = 0.2243, |V_cs| = 0.975. */
static const nr_nuphilic_meson_info meson_table[NR_NUPHILIC_N_MESONS] = {
    [NR_NUPHILIC_PION] = {"pi+", 0.13957039, 0.1302, 0.97373, 2.6033e-8},
    [NR_NUPHILIC_KAON] = {"K+", 0.493677, 0.1557, 0.2243, 1.2380e-8},
    [NR_NUPHILIC_DS] = {"D_s+", 1.96835, 0.2499, 0.975, 5.04e-13},
};

const nr_nuphilic_meson_info *nr_nuphilic_meson_get(nr_nuphilic_meson m)
{
    return m >= 0 && m < NR_NUPHILIC_N_MESONS ? &meson_table[m] : NULL;
}

double nr_nuphilic_lepton_mass(int flavour)
{
    switch (flavour) {
    case NR_FLAVOUR_E: return NR_M_ELECTRON;
    case NR_FLAVOUR_MU: return NR_M_MUON;
    default: return NR_M_TAU;
    }
}

double nr_nuphilic_meson_width(nr_nuphilic_meson m)
{
    return NR_HBAR_GEV_S / meson_table[m].lifetime_s;
}

/* G_F^2 |V|^2 f^2 [GeV^-2] */
static double coupling_factor(const nr_nuphilic_meson_info *mi)
{
    return NR_G_FERMI * NR_G_FERMI * mi->ckm * mi->ckm * mi->decay_constant * mi->decay_constant;
}

double nr_nuphilic_width_two_body(nr_nuphilic_meson m, double m_lepton)
{
    const nr_nuphilic_meson_info *mi = &meson_table[m];
    if (m_lepton >= mi->mass)
        return 0.0;
    double r = m_lepton * m_lepton / (mi->mass * mi->mass);
    return coupling_factor(mi) * m_lepton * m_lepton * mi->mass * (1 - r) * (1 - r) / (8 * NR_PI);
}

int nr_nuphilic_open(nr_nuphilic_meson m, double m_lepton, double m_zp)
{
    return m >= 0 && m < NR_NUPHILIC_N_MESONS && m_zp > 0 && meson_table[m].mass > m_lepton + m_zp;
}

nr_nuphilic_msq nr_nuphilic_msq_at(nr_nuphilic_meson m, double m_lepton, double m_zp, double e_l, double e_nu)
{
    const nr_nuphilic_meson_info *mi = &meson_table[m];
    double mm = mi->mass, mm2 = mm * mm, ml2 = m_lepton * m_lepton, mz2 = m_zp * m_zp;
    double e_z = mm - e_l - e_nu;
    /* invariants of p_M, p_l, k (nu), q (Z') in the meson frame */
    double pm_pl = mm * e_l, pm_k = mm * e_nu, pm_q = mm * e_z;
    double t = mm2 + ml2 - 2 * mm * e_l;        /* (k + q)^2  */
    double u = mm2 - 2 * mm * e_nu;             /* (p_l + q)^2 */
    double s = mm2 + mz2 - 2 * mm * e_z;        /* (p_l + k)^2 */
    double k_q = 0.5 * (t - mz2), pl_q = 0.5 * (u - ml2 - mz2), pl_k = 0.5 * (s - ml2);
    /* P = k + q */
    double p2 = t, p_pm = pm_k + pm_q, p_pl = pl_k + pl_q;
    /* V = 2 (p_M.p_l) p_M - m_M^2 p_l */
    double p_v = 2 * pm_pl * p_pm - mm2 * p_pl;
    double k_v = 2 * pm_pl * pm_k - mm2 * pl_k;
    double q_v = 2 * pm_pl * pm_q - mm2 * pl_q;
    double pm_v = mm2 * pm_pl;
    /* W = 2 (P.V) P - P^2 V */
    double k_w = 2 * p_v * k_q - p2 * k_v;              /* k.P = k.q        */
    double q_w = 2 * p_v * (mz2 + k_q) - p2 * q_v;      /* q.P = m^2 + k.q  */
    double pm_w = 2 * p_v * p_pm - p2 * pm_v;
    double pref = 4 * coupling_factor(mi) / (p2 * p2);
    nr_nuphilic_msq out;
    out.total = pref * (k_w + 2 * k_q * q_w / mz2);
    double pz2 = e_z * e_z - mz2;
    if (pz2 > 0) {
        double norm = m_zp * mm * sqrt(pz2);
        double k_eps = (pm_q * k_q - mz2 * pm_k) / norm;
        double w_eps = (pm_q * q_w - mz2 * pm_w) / norm;
        out.longitudinal = pref * (2 * k_eps * w_eps + k_w);
    } else {
        out.longitudinal = out.total / 3; /* Z' at rest: no preferred direction */
    }
    return out;
}

/* ---- one-dimensional lines through the Dalitz region, integrated in closed form ----
 *
 * Along a line of fixed E_nu (or fixed E_Z') every invariant of nr_nuphilic_msq_at is linear in
 * t = (k + q)^2 (E_l = (m_M^2 + m_l^2 - t)/(2 m_M), and E_Z' = m_M - E_l - E_nu, resp. E_nu = (t - t0)/(2 m_M)),
 * and the only denominator is P^4 = t^2 (at fixed E_Z' also |q|, a constant). So t^2 |M|^2 is a polynomial
 * N(t) of degree 4 on each line (products of the linear invariants as in nr_nuphilic_msq_at: k.W and q.W are
 * cubic, (k.q)(q.W) and (k.eps_L)(W.eps_L) quartic), and with dE = dt/(2 m_M) (002 Eq. 2)
 *   d Gamma/dE = 1/(64 pi^3 m_M) 1/(2 m_M) sum_k c_k int t^(k-2) dt
 *             = [c0 (1/t_lo - 1/t_hi) + c1 ln(t_hi/t_lo) + sum_{k>=2} c_k (t_hi^(k-1) - t_lo^(k-1))/(k-1)] / (128 pi^3 m_M^2).
 * The coefficients c_k are built below by carrying the invariants of nr_nuphilic_msq_at as polynomials in t and in
 * the line's fixed energy e (exact algebra, no fit), once per (meson, lepton, m_Z'); a line evaluates them at its e
 * (the longitudinal part as 2 ab / (m_Z' m_M |q|)^2 + kw, see msq_numerators). tests/test_nuphilic_decays.c checks
 * the closed forms against adaptive GSL integrations of nr_nuphilic_msq_at along the same lines to 1e-8 (they
 * agree to 2.5e-10). They replace a 48-point Gauss-Legendre quadrature in ln t per line (as accurate, 10x the
 * |M|^2 evaluations). */

/* degrees: t <= 4, e <= 6 (the products below reach t^4 and, for the longitudinal Z' in (t, E_Z'), total degree 6;
 * poly_mul returns NaN beyond) */
enum { POLY_N = 5, POLY_E = 7 };

/* A polynomial in t and in a second variable e (the fixed E_nu of a line, to build the numerator of every E_nu line
 * at once): c[i][j] t^i e^j, zero beyond the degrees dt, de. */
typedef struct {
    double c[POLY_N][POLY_E];
    int dt, de;
} poly;

static poly poly_lin(double a, double b) /* a + b t */
{
    poly p = {{{a}, {b}}, b != 0, 0};
    return p;
}

static poly poly_e(double a, double b) /* a + b e */
{
    poly p = {{{a, b}}, 0, b != 0};
    return p;
}

static poly poly_comb(double x, poly p, double y, poly q) /* x p + y q */
{
    poly r = {{{0}}, p.dt > q.dt ? p.dt : q.dt, p.de > q.de ? p.de : q.de};
    for (int i = 0; i <= r.dt; i++)
        for (int j = 0; j <= r.de; j++)
            r.c[i][j] = x * p.c[i][j] + y * q.c[i][j];
    /* exact cancellations (E_Z' at fixed E_Z') lower the degree */
    for (int top = 1; top && r.dt > 0;) {
        for (int j = 0; j <= r.de; j++)
            top &= r.c[r.dt][j] == 0;
        if (top)
            r.dt--;
    }
    for (int top = 1; top && r.de > 0;) {
        for (int i = 0; i <= r.dt; i++)
            top &= r.c[i][r.de] == 0;
        if (top)
            r.de--;
    }
    return r;
}

static poly poly_mul(poly p, poly q)
{
    poly r = {{{0}}, p.dt + q.dt, p.de + q.de};
    if (r.dt >= POLY_N || r.de >= POLY_E) { /* never reached by msq_numerators; keeps the array in bounds */
        r.dt = r.de = 0;
        r.c[0][0] = NAN;
        return r;
    }
    for (int i = 0; i <= p.dt; i++)
        for (int j = 0; j <= p.de; j++)
            if (p.c[i][j] != 0)
                for (int k = 0; k <= q.dt; k++)
                    for (int l = 0; l <= q.de; l++)
                        r.c[i + k][j + l] += p.c[i][j] * q.c[k][l];
    return r;
}

/* N_total = t^2 |M|^2 from the energies e_l, e_nu (linear polynomials in t and e); the same steps as
 * nr_nuphilic_msq_at. With ab and kw (may be NULL): the longitudinal t^2 |M_L|^2 = 2 ab / norm^2 + kw with
 * norm = m_Z' m_M |q| (eps_L's normalisation, a number on each line): ab = (k.eps_L norm)(W.eps_L norm),
 * kw = 4 G_F^2 V^2 f^2 k.W. */
static void msq_numerators(const nr_nuphilic_meson_info *mi, double ml, double mz, poly e_l, poly e_nu, poly *tot,
                           poly *ab, poly *kw)
{
    double mm = mi->mass, mm2 = mm * mm, ml2 = ml * ml, mz2 = mz * mz;
    poly one = poly_lin(1, 0);
    poly e_z = poly_comb(-1, e_l, -1, e_nu);
    e_z.c[0][0] += mm;
    poly pm_pl = poly_comb(mm, e_l, 0, one), pm_k = poly_comb(mm, e_nu, 0, one), pm_q = poly_comb(mm, e_z, 0, one);
    poly t = poly_comb(mm2 + ml2, one, -2 * mm, e_l);
    poly u = poly_comb(mm2, one, -2 * mm, e_nu);
    poly s = poly_comb(mm2 + mz2, one, -2 * mm, e_z);
    poly k_q = poly_comb(0.5, t, -0.5 * mz2, one), pl_q = poly_comb(0.5, u, -0.5 * (ml2 + mz2), one);
    poly pl_k = poly_comb(0.5, s, -0.5 * ml2, one);
    poly p_pm = poly_comb(1, pm_k, 1, pm_q), p_pl = poly_comb(1, pl_k, 1, pl_q);
    poly p_v = poly_comb(2, poly_mul(pm_pl, p_pm), -mm2, p_pl);
    poly k_v = poly_comb(2, poly_mul(pm_pl, pm_k), -mm2, pl_k);
    poly q_v = poly_comb(2, poly_mul(pm_pl, pm_q), -mm2, pl_q);
    poly pm_v = poly_comb(mm2, pm_pl, 0, one);
    poly k_w = poly_comb(2, poly_mul(p_v, k_q), -1, poly_mul(t, k_v));
    poly q_w = poly_comb(2, poly_mul(p_v, poly_comb(1, k_q, mz2, one)), -1, poly_mul(t, q_v));
    double pref = 4 * coupling_factor(mi);
    *tot = poly_comb(pref, k_w, 2 * pref / mz2, poly_mul(k_q, q_w));
    if (ab) {
        poly pm_w = poly_comb(2, poly_mul(p_v, p_pm), -1, poly_mul(t, pm_v));
        poly k_eps = poly_comb(1, poly_mul(pm_q, k_q), -mz2, pm_k);
        poly w_eps = poly_comb(1, poly_mul(pm_q, q_w), -mz2, pm_w);
        *ab = poly_comb(pref, poly_mul(k_eps, w_eps), 0, k_eps);
        *kw = poly_comb(pref, k_w, 0, k_w);
    }
}

/* The numerators of every fixed-E_Z' line at once, polynomials in t and e = E_Z': along a line
 * E_nu = (t + m_M^2 - m_l^2)/(2 m_M) - E_Z' and E_l = (m_M^2 + m_l^2 - t)/(2 m_M). */
typedef struct {
    poly tot, ab, kw;
} zp_numerators;

static zp_numerators zp_line_numerators(nr_nuphilic_meson m, double ml, double mz)
{
    const nr_nuphilic_meson_info *mi = &meson_table[m];
    double mm = mi->mass, mm2 = mm * mm, ml2 = ml * ml;
    poly e_l = poly_lin((mm2 + ml2) / (2 * mm), -1 / (2 * mm));
    poly e_nu = poly_comb(1, poly_lin((mm2 - ml2) / (2 * mm), 1 / (2 * mm)), -1, poly_e(0, 1));
    zp_numerators z;
    msq_numerators(mi, ml, mz, e_l, e_nu, &z.tot, &z.ab, &z.kw);
    return z;
}

/* The coefficient of t^i of p at e (Horner in e) */
static double poly_t_coef_at(const poly *p, int i, double e)
{
    double v = p->c[i][p->de];
    for (int j = p->de - 1; j >= 0; j--)
        v = v * e + p->c[i][j];
    return v;
}

/* int_{t_lo}^{t_lo + dt} (x P(t, e) + y Q(t, e)) / t^2 dt at the line's e (Q may be NULL), dt > 0 given
 * separately (known without cancellation); ln_ratio = log1p(dt / t_lo) = ln(t_hi / t_lo), computed by the caller
 * (once for the two integrals of a fixed-E_Z' line) */
static double integral_over_t2(const poly *p, double x, const poly *q, double y, double e, double t_lo, double dt,
                               double ln_ratio)
{
    double c[POLY_N] = {0};
    int d = p->dt;
    for (int i = 0; i <= p->dt; i++)
        c[i] = x * poly_t_coef_at(p, i, e);
    if (q) {
        d = q->dt > d ? q->dt : d;
        for (int i = 0; i <= q->dt; i++)
            c[i] += y * poly_t_coef_at(q, i, e);
    }
    double t_hi = t_lo + dt;
    double sum = c[0] * dt / (t_lo * t_hi) + (d >= 1 ? c[1] * ln_ratio : 0.0);
    /* t_hi^(k-1) - t_lo^(k-1) = dt sum_{j<k-1} t_hi^j t_lo^(k-2-j), k = 2, 3, 4 */
    const double acc[3] = {1.0, t_hi + t_lo, t_hi * t_hi + t_hi * t_lo + t_lo * t_lo};
    for (int k = 2; k <= d; k++)
        sum += c[k] * dt * acc[k - 2] / (k - 1);
    return sum;
}

enum { LINE_NODES = 48 }; /* Gauss-Legendre nodes per panel of the E_Z' integral of the width */

/* The Gauss-Legendre tables (LINE_NODES and 8 nodes) are the same at every call: built once per process (they
 * were allocated and freed at every rest-frame spectrum, 9 per prepared m_Z'; issue 11). NULL if out of memory. */
static gsl_integration_glfixed_table *gl_line_table, *gl8_table;
static pthread_once_t gl_tables_once = PTHREAD_ONCE_INIT;

static void gl_tables_init(void)
{
    gl_line_table = gsl_integration_glfixed_table_alloc(LINE_NODES);
    gl8_table = gsl_integration_glfixed_table_alloc(8);
}

static void gl_tables(const gsl_integration_glfixed_table **line, const gsl_integration_glfixed_table **gl8)
{
    pthread_once(&gl_tables_once, gl_tables_init);
    *line = gl_line_table;
    if (gl8)
        *gl8 = gl8_table;
}

typedef struct {
    nr_nuphilic_meson meson;
    double mm, ml, mz;
    const gsl_integration_glfixed_table *gl;
    poly nu_numerator;          /* nu_line_numerator  */
    zp_numerators zp_numerator; /* zp_line_numerators */
} kin;

static void line_fixed_zp_closed(nr_nuphilic_meson m, double ml, double mz, const zp_numerators *z, double e_z,
                                 double *tot, double *lon)
{
    *tot = *lon = 0;
    const nr_nuphilic_meson_info *mi = &meson_table[m];
    double mm = mi->mass, mm2 = mm * mm, ml2 = ml * ml, mz2 = mz * mz;
    double pz2 = e_z * e_z - mz2;
    double s = mm2 + mz2 - 2 * mm * e_z;
    if (pz2 <= 0 || s <= ml2)
        return;
    double pz = sqrt(pz2);
    double e_lo = (s - ml2) * (mm - e_z - pz) / (2 * s); /* E_nu range: the (l nu) system at rest-frame energy
                                                            m_M - E_Z' and momentum p_Z' */
    double t_of = -mm2 + ml2 + 2 * mm * e_z;           /* t = t_of + 2 m_M E_nu */
    double t_lo = t_of + 2 * mm * e_lo, dt = 2 * mm * (s - ml2) * pz / s;
    if (!(dt > 0) || t_lo <= 0)
        return;
    double norm = 1.0 / (128 * NR_PI * NR_PI * NR_PI * mm2), eps2 = mz2 * mm2 * pz2; /* (m_Z' m_M |q|)^2 */
    double ln_ratio = log1p(dt / t_lo);
    *tot = norm * integral_over_t2(&z->tot, 1, NULL, 0, e_z, t_lo, dt, ln_ratio);
    *lon = norm * integral_over_t2(&z->ab, 2 / eps2, &z->kw, 1, e_z, t_lo, dt, ln_ratio);
}

/* t^2 |M|^2 of every fixed-E_nu line at once: a polynomial in t and e = E_nu */
static poly nu_line_numerator(nr_nuphilic_meson m, double ml, double mz)
{
    const nr_nuphilic_meson_info *mi = &meson_table[m];
    double mm = mi->mass, mm2 = mm * mm, ml2 = ml * ml;
    poly e_l = poly_lin((mm2 + ml2) / (2 * mm), -1 / (2 * mm)), e_nu = poly_e(0, 1), n_tot;
    msq_numerators(mi, ml, mz, e_l, e_nu, &n_tot, NULL, NULL);
    return n_tot;
}

static double line_fixed_nu_closed(nr_nuphilic_meson m, double ml, double mz, const poly *numerator, double e_nu)
{
    const nr_nuphilic_meson_info *mi = &meson_table[m];
    double mm = mi->mass, mm2 = mm * mm, ml2 = ml * ml, mz2 = mz * mz;
    double u = mm2 - 2 * mm * e_nu;
    double thr = (ml + mz) * (ml + mz);
    if (e_nu <= 0 || u <= thr)
        return 0;
    double ru = sqrt(u);
    /* the (l Z') system: mass sqrt(u), energy m_M - E_nu, momentum E_nu; E_l = gamma E* +- gamma beta p* */
    double el_star = (u + ml2 - mz2) / (2 * ru);
    double pl_star = sqrt(fmax(el_star * el_star - ml2, 0));
    double gam = (mm - e_nu) / ru, gb = e_nu / ru;
    double el_hi = gam * el_star + gb * pl_star;
    double t_lo = mm2 + ml2 - 2 * mm * el_hi, dt = 4 * mm * gb * pl_star;
    if (!(dt > 0) || t_lo <= 0)
        return 0;
    return integral_over_t2(numerator, 1, NULL, 0, e_nu, t_lo, dt, log1p(dt / t_lo)) /
           (128 * NR_PI * NR_PI * NR_PI * mm2);
}

double nr_nuphilic_dgamma_de_nu(nr_nuphilic_meson m, double m_lepton, double m_zp, double e_nu)
{
    if (!nr_nuphilic_open(m, m_lepton, m_zp))
        return 0.0;
    poly numerator = nu_line_numerator(m, m_lepton, m_zp);
    return line_fixed_nu_closed(m, m_lepton, m_zp, &numerator, e_nu);
}

nr_nuphilic_msq nr_nuphilic_dgamma_de_zp(nr_nuphilic_meson m, double m_lepton, double m_zp, double e_zp)
{
    nr_nuphilic_msq out = {0, 0};
    if (nr_nuphilic_open(m, m_lepton, m_zp)) {
        zp_numerators z = zp_line_numerators(m, m_lepton, m_zp);
        line_fixed_zp_closed(m, m_lepton, m_zp, &z, e_zp, &out.total, &out.longitudinal);
    }
    return out;
}

/* d Gamma / dE_Z' at fixed Z' energy (total and longitudinal) [GeV^0] */
static void line_fixed_zp(const kin *c, double e_z, double *tot, double *lon)
{
    line_fixed_zp_closed(c->meson, c->ml, c->mz, &c->zp_numerator, e_z, tot, lon);
}

/* d Gamma / dE_nu at fixed neutrino energy [GeV^0] */
static double line_fixed_nu(const kin *c, double e_nu)
{
    return line_fixed_nu_closed(c->meson, c->ml, c->mz, &c->nu_numerator, e_nu);
}

static double e_zp_max(const kin *c)
{
    return (c->mm * c->mm + c->mz * c->mz - c->ml * c->ml) / (2 * c->mm);
}

/* Integral of d Gamma / dE_Z' over [e1, e2] (total, longitudinal), in p_Z' (smooth at threshold). */
static void zp_segment(const kin *c, double e1, double e2, int nodes_sets, double *tot, double *lon)
{
    *tot = *lon = 0;
    double mz2 = c->mz * c->mz;
    double p1 = sqrt(fmax(e1 * e1 - mz2, 0)), p2 = sqrt(fmax(e2 * e2 - mz2, 0));
    for (int k = 0; k < nodes_sets; k++) {
        double a = p1 + (p2 - p1) * k / nodes_sets, b = p1 + (p2 - p1) * (k + 1) / nodes_sets;
        for (size_t i = 0; i < c->gl->n; i++) {
            double p, w;
            gsl_integration_glfixed_point(a, b, i, &p, &w, c->gl);
            double e = sqrt(p * p + mz2), t1, l1;
            line_fixed_zp(c, e, &t1, &l1);
            *tot += t1 * w * p / e;
            *lon += l1 * w * p / e;
        }
    }
}

/* Integral over [e1, e2] in ln E_Z' (resolves the 1/E_Z' growth of soft emission), panels of one e-fold. */
static void zp_log_segment(const kin *c, double e1, double e2, double *tot, double *lon)
{
    *tot = *lon = 0;
    double a0 = log(e1), b0 = log(e2);
    int panels = (int)ceil(b0 - a0);
    if (panels < 1)
        panels = 1;
    for (int k = 0; k < panels; k++) {
        double a = a0 + (b0 - a0) * k / panels, b = a0 + (b0 - a0) * (k + 1) / panels;
        for (size_t i = 0; i < c->gl->n; i++) {
            double y, w;
            gsl_integration_glfixed_point(a, b, i, &y, &w, c->gl);
            double e = exp(y), t1, l1;
            line_fixed_zp(c, e, &t1, &l1);
            *tot += t1 * w * e;
            *lon += l1 * w * e;
        }
    }
}

/* The end point of a light lepton: d Gamma/dE_Z' stays flat up to about m_l^2/m_M below E_Z'^max and falls to
 * 0 across that width (the (l nu) mass s -> m_l^2; for the electron in pi -> e nu Z' a step 2e-6 GeV wide). A
 * quadrature across it that takes the spectrum as smooth up to E_Z'^max overestimated the pi -> e nu Z' width by
 * 9.6e-5 (relative). The segment [E_Z'^max - END_WIDTHS m_l^2/m_M, E_Z'^max] is integrated on its own; the
 * split is used only where it lies above e_from (for mu and tau the end region is the whole spectrum, smooth). */
#define END_WIDTHS 64.0
static double end_split(const kin *c, double e_from)
{
    double e = e_zp_max(c) - END_WIDTHS * c->ml * c->ml / c->mm;
    return e > e_from ? e : 0.0;
}

/* Integral of d Gamma / dE_Z' over [e1, e2] with the end region on its own when [e1, e2] reaches it. */
static void zp_segment_end(const kin *c, double e1, double e2, int nodes_sets, double *tot, double *lon)
{
    double sp = e2 >= e_zp_max(c) ? end_split(c, e1) : 0.0;
    if (!(sp > 0)) {
        zp_segment(c, e1, e2, nodes_sets, tot, lon);
        return;
    }
    double t1, l1, t2, l2;
    zp_segment(c, e1, sp, nodes_sets, &t1, &l1);
    zp_segment(c, sp, e2, 4, &t2, &l2);
    *tot = t1 + t2;
    *lon = l1 + l2;
}

static void width_parts(const kin *c, double *tot, double *lon)
{
    double emax = e_zp_max(c), split = fmin(2 * c->mz, 0.5 * (c->mz + emax));
    double t1, l1, t2, l2, t3 = 0, l3 = 0;
    double sp = end_split(c, split);
    zp_segment(c, c->mz, split, 2, &t1, &l1);
    zp_log_segment(c, split, sp > 0 ? sp : emax, &t2, &l2);
    if (sp > 0)
        zp_segment(c, sp, emax, 4, &t3, &l3);
    *tot = t1 + t2 + t3;
    *lon = l1 + l2 + l3;
}

double nr_nuphilic_width_three_body(nr_nuphilic_meson m, double m_lepton, double m_zp)
{
    if (!nr_nuphilic_open(m, m_lepton, m_zp))
        return 0.0;
    const gsl_integration_glfixed_table *gl;
    gl_tables(&gl, NULL);
    if (!gl)
        return NAN;
    kin c = {.meson = m, .mm = meson_table[m].mass, .ml = m_lepton, .mz = m_zp, .gl = gl,
             .zp_numerator = zp_line_numerators(m, m_lepton, m_zp)};
    double tot, lon;
    width_parts(&c, &tot, &lon);
    return tot;
}

double nr_nuphilic_width_three_body_massless(nr_nuphilic_meson m, double m_zp)
{
    const nr_nuphilic_meson_info *mi = &meson_table[m];
    if (!(m_zp > 0 && m_zp < mi->mass))
        return 0.0;
    double x = m_zp * m_zp / (mi->mass * mi->mass), lx = log(x);
    double i1 = 0.5 * (1 + x) * (1 - x * x + 2 * x * lx) - (1 - x) * (1 - x) * (1 - x) / 3;
    double i3 = (1 - x * x) * (2 * (1 + x) * (1 + x) - 20 * x) / 8 - 3 * x * x * lx;
    double m3 = pow(mi->mass, 3);
    return coupling_factor(mi) * m3 / (128 * NR_PI * NR_PI * NR_PI) * (2 * i1 + i3 / (6 * x));
}

nr_status nr_nuphilic_rest_spectra_compute(nr_nuphilic_meson m, double m_lepton, double m_zp,
                                           nr_nuphilic_rest_spectra *out, nr_error *err)
{
    memset(out, 0, sizeof *out);
    if (!nr_nuphilic_open(m, m_lepton, m_zp))
        return nr_fail(err, NR_EKINEMATIC, "/params/m_Zp", "%s -> l nu Z' is closed for m_Z' = %g GeV",
                       m >= 0 && m < NR_NUPHILIC_N_MESONS ? meson_table[m].name : "?", m_zp);
    const gsl_integration_glfixed_table *gl, *gl8;
    gl_tables(&gl, &gl8);
    if (!gl || !gl8)
        return nr_fail(err, NR_ENOMEM, "", "out of memory for the quadrature tables");
    kin c = {m, meson_table[m].mass, m_lepton, m_zp, gl, nu_line_numerator(m, m_lepton, m_zp),
             zp_line_numerators(m, m_lepton, m_zp)};
    double lon;
    width_parts(&c, &out->width, &lon);

    /* direct neutrino: uniform bins in E_nu, 8 Gauss points each */
    double mm = c.mm;
    out->e_nu_max = (mm * mm - (m_lepton + m_zp) * (m_lepton + m_zp)) / (2 * mm);
    double sum_nu = 0;
    for (int i = 0; i < NR_NUPHILIC_N_NU_BINS; i++) {
        double a = out->e_nu_max * i / NR_NUPHILIC_N_NU_BINS, b = out->e_nu_max * (i + 1) / NR_NUPHILIC_N_NU_BINS;
        double acc = 0;
        for (size_t j = 0; j < gl8->n; j++) {
            double e, w;
            gsl_integration_glfixed_point(a, b, j, &e, &w, gl8);
            acc += w * line_fixed_nu(&c, e);
        }
        out->prob_nu[i] = acc;
        sum_nu += acc;
    }
    /* Z' energy: bins uniform in ln E_Z' on the meson's common grid, integrated in p_Z' up to this lepton's
     * end point */
    out->e_zp_min = m_zp;
    out->e_zp_max = e_zp_max(&c);
    double sum_zp = 0;
    c.gl = gl8;
    for (int i = 0; i < NR_NUPHILIC_N_ZP_BINS; i++) {
        double e1 = nr_nuphilic_zp_bin_edge(m, m_zp, i), e2 = fmin(nr_nuphilic_zp_bin_edge(m, m_zp, i + 1), out->e_zp_max);
        double t1 = 0, l1 = 0;
        if (e2 > e1)
            zp_segment_end(&c, e1, e2, 1, &t1, &l1);
        out->prob_zp_long[i] = l1;
        out->prob_zp_trans[i] = t1 - l1;
        sum_zp += t1;
    }
    if (!(sum_nu > 0 && sum_zp > 0 && out->width > 0))
        return nr_fail(err, NR_ENUMERIC, "/params/m_Zp", "three-body spectrum of %s vanished at m_Z' = %g GeV",
                       meson_table[m].name, m_zp);
    for (int i = 0; i < NR_NUPHILIC_N_NU_BINS; i++)
        out->prob_nu[i] /= sum_nu;
    for (int i = 0; i < NR_NUPHILIC_N_ZP_BINS; i++) {
        out->prob_zp_long[i] /= sum_zp;
        out->prob_zp_trans[i] /= sum_zp;
    }
    return NR_OK;
}

double nr_nuphilic_zp_bin_edge(nr_nuphilic_meson m, double m_zp, int i)
{
    double mm = meson_table[m].mass, top = (mm * mm + m_zp * m_zp) / (2 * mm);
    if (i <= 0)
        return m_zp;
    if (i >= NR_NUPHILIC_N_ZP_BINS)
        return top;
    return m_zp * exp(log(top / m_zp) * i / NR_NUPHILIC_N_ZP_BINS);
}

double nr_nuphilic_zp_nu_cdf(double e_zp, double m_zp, int longitudinal, double e)
{
    double p = sqrt(fmax(e_zp * e_zp - m_zp * m_zp, 0));
    double lo = 0.5 * (e_zp - p), hi = 0.5 * (e_zp + p);
    if (e <= lo)
        return 0.0;
    if (e >= hi)
        return 1.0;
    double c = (2 * e - e_zp) / p; /* cos theta* */
    return longitudinal ? nr_nuphilic_zp_nu_cdf_long(c) : nr_nuphilic_zp_nu_cdf_trans(c);
}

double nr_nuphilic_zp_width(double g, int diagonal, double m_zp)
{
    return (diagonal ? 1.0 : 2.0) * g * g * m_zp / (24 * NR_PI);
}

/* ---- D_s -> tau nu_tau, tau -> nu_tau X ---- */

/* tau decay modes for the nu_tau energy in the tau rest frame (PDG 2022 branching fractions):
 * two-body pi nu (10.82%), K nu (0.70%), rho nu (25.49%, m_rho = 775.26 MeV); leptonic e (17.82%) and mu
 * (17.39%) with the massless-lepton spectrum 2 x^2 (3 - 2x), x = 2 E / m_tau; the remaining 27.78%
 * (three and more hadrons) as one two-body mode of mass 1.23 GeV (the a1). */
typedef struct {
    double br, m_x; /* m_x < 0: leptonic spectrum */
} tau_mode;
static const tau_mode tau_modes[] = {
    {0.1082, 0.13957039}, {0.0070, 0.493677}, {0.2549, 0.77526}, {0.1782, -1}, {0.1739, -1}, {0.2778, 1.23},
};

double nr_nuphilic_ds_direct_nu_energy(void)
{
    double m = meson_table[NR_NUPHILIC_DS].mass;
    return (m * m - NR_M_TAU * NR_M_TAU) / (2 * m);
}

/* fraction below e of a line at tau-frame energy eps boosted isotropically with (gamma, gamma beta) */
static double boosted_line_cdf(double eps, double gam, double gb, double e)
{
    double lo = eps * (gam - gb), hi = eps * (gam + gb);
    if (e <= lo)
        return 0;
    if (e >= hi)
        return 1;
    return (e - lo) / (hi - lo);
}

double nr_nuphilic_tau_nu_cdf_in_ds(double e)
{
    double m = meson_table[NR_NUPHILIC_DS].mass, mt = NR_M_TAU;
    double e_tau = (m * m + mt * mt) / (2 * m), p_tau = (m * m - mt * mt) / (2 * m);
    double gam = e_tau / mt, gb = p_tau / mt;
    double cdf = 0;
    for (size_t i = 0; i < sizeof tau_modes / sizeof tau_modes[0]; i++) {
        const tau_mode *mo = &tau_modes[i];
        if (mo->m_x > 0) {
            cdf += mo->br * boosted_line_cdf((mt * mt - mo->m_x * mo->m_x) / (2 * mt), gam, gb, e);
        } else { /* 2 x^2 (3 - 2x) on [0,1]: midpoint rule on 64 slices (the boost smooths it) */
            double acc = 0;
            for (int k = 0; k < 64; k++) {
                double x = (k + 0.5) / 64;
                acc += 2 * x * x * (3 - 2 * x) / 64 * boosted_line_cdf(0.5 * x * mt, gam, gb, e);
            }
            cdf += mo->br * acc;
        }
    }
    return cdf;
}
