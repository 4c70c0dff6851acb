/* beam_dump.c: yields of a light vector boson X in an electron/positron beam dump (paper 004 sec. III B and
 * App. A); see beam_dump.h for what is computed and its validity. Units: GeV, cm inside; metres for geometry.
 */
#include "beam_dump.h"

#include <gsl/gsl_integration.h>
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "constants.h"
#include "llp.h"

/* ---- track lengths ------------------------------------------------------------------------------- */

nr_shower_fit nr_shower_fit_for(const nr_material *m)
{
    /* 004 after Eq. (A6): the ILC water dump has its own b */
    if (m && strcmp(m->name, "water") == 0)
        return (nr_shower_fit){0.199, 0.155};
    return (nr_shower_fit){0.199, 0.170};
}

double nr_track_u_dl_du_primary(double u)
{
    if (!(u > 0.0 && u < 1.0))
        return 0.0;
    return 0.581 + 0.131 * pow(u / (1.0 - u), 0.7); /* 004 Eq. (A5) */
}

double nr_track_u_dl_du_shower(double u, nr_shower_fit fit)
{
    if (!(u > 0.0 && u < 1.0))
        return 0.0;
    return (1.0 - u) / u * (fit.a - fit.b * u * u); /* 004 Eq. (A6) */
}

double nr_critical_energy_gev(double z)
{
    return 0.610 / (z + 1.24);
}

double nr_shower_fraction_in_cone(double e_gev, double theta_max)
{
    /* space-angle distribution exp(-theta^2/<theta^2>) theta dtheta with <theta^2> = (E_s/E)^2 */
    double rms = NR_SHOWER_SCALE_ENERGY_GEV / e_gev;
    return -expm1(-theta_max * theta_max / (rms * rms));
}

/* ---- decay with both products on the detector face ----------------------------------------------- */

/* Fraction of isotropic two-body decays with both products inside the angle T, a = E T / m (beam_dump.h). */
static double pair_fraction(double a)
{
    return a > 1.0 ? (a * a - 1.0) / (a * a + 1.0) : 0.0;
}

/* Gauss-Legendre nodes and weights of the pair-decay integral below (8 points per segment, the 4 positive ones
 * and their weights), and e^{-t} at the nodes of the six whole segments [0,1], [1,3], ... [31,63]: each is
 * computed from the same expressions as in the loop, so a whole segment's value is bit-identical to computing it
 * there. */
static const double pair_x[4] = {0.1834346424956498, 0.5255324099163290, 0.7966664774136267, 0.9602898564975363};
static const double pair_w[4] = {0.3626837833783620, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763};
#define PAIR_SEGMENTS 6
static double pair_exp[PAIR_SEGMENTS][8];
static pthread_once_t pair_exp_once = PTHREAD_ONCE_INIT;

static void pair_exp_init(void)
{
    double t0 = 0.0, width = 1.0;
    for (int g = 0; g < PAIR_SEGMENTS; g++, t0 += width, width *= 2.0) {
        double t1 = t0 + width, mid = 0.5 * (t0 + t1), half = 0.5 * (t1 - t0);
        for (int k = 0; k < 8; k++)
            pair_exp[g][k] = exp(-(mid + (k < 4 ? -pair_x[k] : pair_x[k - 4]) * half));
    }
}

/* int_{z_a}^{face} dz e^{-z/d}/d f(s), s = face - z the distance from the decay point to the face, f the fraction
 * of decays with both products inside the angle radius / s (pair_fraction, zero at z_a = face - s0). */
static double pair_integral(double z_a, double face, double d, double e_gev, double m_gev, double radius_m)
{
    double span = face - z_a;
    if (!(span > 0.0))
        return 0.0;
    double survive = exp(-z_a / d); /* survival to z_a */
    if (survive == 0.0)
        return 0.0; /* decays before the volume: the sum below is finite, its product with 0 is 0 */
    /* t = (z - z_a) / d: int dz e^{-z/d}/d f(z) = e^{-z_a/d} int_0^{span/d} dt e^{-t} f(z_a + d t), by 8-point
     * Gauss-Legendre on t-segments [0,1], [1,3], [3,7], ... [31,63] (cut at span/d; e^{-63} is negligible), on
     * which both e^{-t} and f (smooth, zero at z_a when s0 < length_m) are well fitted by polynomials; e^{-t} of
     * a whole segment from the table */
    pthread_once(&pair_exp_once, pair_exp_init);
    double t_end = span / d, sum = 0.0, t0 = 0.0, width = 1.0;
    for (int g = 0; t0 < t_end && t0 < 63.0; g++, t0 += width, width *= 2.0) {
        double t1 = fmin(t0 + width, t_end), mid = 0.5 * (t0 + t1), half = 0.5 * (t1 - t0);
        int whole = t1 == t0 + width;
        for (int k = 0; k < 8; k++) {
            double t = mid + (k < 4 ? -pair_x[k] : pair_x[k - 4]) * half, s = span - d * t; /* s: decay point to face */
            double f = s > 0.0 ? pair_fraction(radius_m / s * e_gev / m_gev) : 1.0;
            sum += pair_w[k < 4 ? k : k - 4] * half * (whole ? pair_exp[g][k] : exp(-t)) * f;
        }
    }
    return survive * sum;
}

/* Decays in [distance_m, z_k] (s from face - distance_m down to s0, a = s0 / s < 1) with at least one product
 * inside the angle T = radius / s. The products sit at lab angles (m/E) tan(th/2) and (m/E) cot(th/2), so one is
 * inside unless both tan(th/2) > a and cot(th/2) > a, i.e. cos th within +-(1 - a^2)/(1 + a^2): a fraction
 * 1 - (1 - a^2)/(1 + a^2) = 2 a^2/(1 + a^2) = 2 s0^2/(s^2 + s0^2) is seen (all decays for a >= 1, the caller's near
 * part). This returns int dz e^{-z/d}/d 2 s0^2/(s^2 + s0^2). The fraction falls as 1/s^2 away from s0, too
 * fast for pair_integral's segments in t (a test against quadrature caught 9% errors); here 8-point
 * Gauss-Legendre on segments in s, each at most half its upper end wide (f changes by < 4x on it) and at most d
 * wide (e^{-z/d} by < e), up to 63 d into the region. */
static double one_product_far(double distance_m, double z_k, double face, double d, double s0)
{
    double z_end = fmin(z_k, distance_m + 63.0 * d);
    if (!(z_end > distance_m))
        return 0.0;
    double s_lo = face - z_end, s_b = face - distance_m, sum = 0.0;
    while (s_b > s_lo) {
        double s_a = fmax(s_lo, fmax(0.5 * s_b, s_b - d)), mid = 0.5 * (s_a + s_b), half = 0.5 * (s_b - s_a);
        for (int k = 0; k < 8; k++) {
            double s = mid + (k < 4 ? -pair_x[k] : pair_x[k - 4]) * half;
            sum += pair_w[k < 4 ? k : k - 4] * half * exp(-(face - s - distance_m) / d) * 2.0 * s0 * s0 /
                   (s * s + s0 * s0);
        }
        s_b = s_a;
    }
    return exp(-distance_m / d) / d * sum;
}

/* The decay probability with the fraction of products seen: both (one = 0) or at least one (one = 1). */
static double accepted_decay_probability(double e_gev, double m_gev, double decay_length_m, double distance_m,
                                         double length_m, double radius_m, int one)
{
    if (!(decay_length_m > 0.0) || isinf(decay_length_m) || !(e_gev > m_gev) || !(m_gev > 0.0) ||
        !(length_m > 0.0) || !(radius_m > 0.0) || !(distance_m >= 0.0))
        return 0.0;
    /* decays at z with s = face - z < s0 = radius E / m (a > 1) can have both products inside; all of them have
     * at least one inside, and farther decays (a < 1) have at least one inside for a fraction 2 a^2/(1 + a^2) */
    double d = decay_length_m, face = distance_m + length_m, s0 = radius_m * e_gev / m_gev;
    double z_k = fmax(distance_m, face - s0);
    if (!one)
        return pair_integral(z_k, face, d, e_gev, m_gev, radius_m);
    double near = z_k < face ? exp(-z_k / d) * -expm1(-(face - z_k) / d) : 0.0; /* decays in [z_k, face]: all seen */
    return near + one_product_far(distance_m, z_k, face, d, s0);
}

double nr_dump_pair_decay_probability(double e_gev, double m_gev, double decay_length_m, double distance_m,
                                      double length_m, double radius_m)
{
    return accepted_decay_probability(e_gev, m_gev, decay_length_m, distance_m, length_m, radius_m, 0);
}

double nr_dump_one_product_decay_probability(double e_gev, double m_gev, double decay_length_m, double distance_m,
                                             double length_m, double radius_m)
{
    return accepted_decay_probability(e_gev, m_gev, decay_length_m, distance_m, length_m, radius_m, 1);
}

/* ---- bremsstrahlung -------------------------------------------------------------------------------- */

/* G_2(t) of 004 Eqs. (43)-(45): screened elastic (nuclear size d) and inelastic (proton) parts. */
typedef struct {
    double z, a2_el, d, a2_in; /* Z, a^2 [GeV^-2], d [GeV^2], a'^2 [GeV^-2] */
} form_factor;

static form_factor form_factor_for(double z, double a)
{
    double a_el = 111.0 * pow(z, -1.0 / 3.0) / NR_M_ELECTRON, a_in = 773.0 * pow(z, -2.0 / 3.0) / NR_M_ELECTRON;
    return (form_factor){z, a_el * a_el, 0.164 * pow(a, -2.0 / 3.0), a_in * a_in};
}

static double form_factor_g2(const form_factor *f, double t)
{
    const double mu_p = 2.79;
    double s_el = f->a2_el * t / (1.0 + f->a2_el * t), n_el = 1.0 / (1.0 + t / f->d);
    double s_in = f->a2_in * t / (1.0 + f->a2_in * t), dipole = 1.0 + t / 0.71;
    dipole *= dipole;
    double f_in = (1.0 + t / (4.0 * NR_M_PROTON * NR_M_PROTON) * (mu_p * mu_p - 1.0)) / (dipole * dipole);
    return s_el * s_el * n_el * n_el * f->z * f->z + s_in * s_in * f_in * f_in * f->z;
}

/* The 64-node Gauss-Legendre rule on [-1, 1] (GSL's tabulated rule), fetched once per process; chi_gl_ready stays 0
 * if GSL could not allocate it, and nr_dump_chi then returns NaN (never a silent 0). */
#define N_CHI_GL 64
static double chi_gl_x[N_CHI_GL], chi_gl_w[N_CHI_GL];
static int chi_gl_ready;
static pthread_once_t chi_gl_once = PTHREAD_ONCE_INIT;

static void chi_gl_init(void)
{
    gsl_integration_glfixed_table *t = gsl_integration_glfixed_table_alloc(N_CHI_GL);
    if (!t)
        return;
    for (size_t i = 0; i < N_CHI_GL; i++)
        gsl_integration_glfixed_point(-1.0, 1.0, i, &chi_gl_x[i], &chi_gl_w[i], t);
    gsl_integration_glfixed_table_free(t);
    chi_gl_ready = 1;
}

double nr_dump_chi(double m_gev, double e_gev, double z, double a)
{
    double t_min = pow(m_gev * m_gev / (2.0 * e_gev), 2), t_max = m_gev * m_gev; /* [GeV^2] */
    if (!(t_max > t_min))
        return 0.0;
    pthread_once(&chi_gl_once, chi_gl_init);
    if (!chi_gl_ready)
        return NAN;
    form_factor f = form_factor_for(z, a);
    /* 004 Eq. (42) in ln t: integrand (t - t_min)/t G2(t) per d ln t, smooth in ln t (the form-factor scales of
     * Eqs. 43-45 are steps of a few units in ln t), by a 64-node Gauss-Legendre rule over [ln t_min, ln t_max]
     * (was 200 Simpson steps; within 2e-6 of GSL's adaptive QAGP over the dump's parameter range,
     * tests/test_beam_dump.c) */
    double mid = 0.5 * (log(t_max) + log(t_min)), half = 0.5 * (log(t_max) - log(t_min)), sum = 0.0;
    for (int i = 0; i < N_CHI_GL; i++) {
        double t = exp(mid + half * chi_gl_x[i]);
        sum += chi_gl_w[i] * (t - t_min) / t * form_factor_g2(&f, t);
    }
    return sum * half;
}

/* The amplitude of 004 Eq. (46) as c0 - c1/U + c2/U^2 with U = -u~ > 0 (Eq. 41). */
typedef struct {
    double c0, c1, c2, m2_eff; /* m2_eff: U at theta = 0 [GeV^2] */
} amplitude;

static amplitude amplitude_at(double x, double m, nr_electron_charges q)
{
    double me2 = NR_M_ELECTRON * NR_M_ELECTRON, m2 = m * m;
    double s = q.x_l * q.x_l + q.x_e * q.x_e, dd = q.x_l * q.x_l - 6.0 * q.x_l * q.x_e + q.x_e * q.x_e;
    double sp = s * (1.0 - x - x * x) - 6.0 * q.x_l * q.x_e * (1.0 - x);
    amplitude a;
    a.c0 = s * (2.0 - 2.0 * x + x * x) / (1.0 - x);
    a.c1 = 2.0 * (s * m2 + dd * me2) * x;
    a.c2 = 2.0 * (s * (1.0 - x) * m2 * m2 - sp * m2 * me2 - dd * x * x * me2 * me2);
    a.m2_eff = m2 * (1.0 - x) / x + me2 * x;
    return a;
}

/* 004 Eq. (40) prefactor at g = 1 without the angular factor: alpha^2/(2 pi) x (1-x) E^2 beta chi. beta is the
 * velocity of X, sqrt(1 - m^2/E_X^2) (the phase-space factor |k|/E_X; 004 writes m^2/E_i^2, see README). */
static double prefactor(double x, double e, double m, double chi)
{
    double ex = x * e;
    if (!(ex > m) || !(x < 1.0))
        return 0.0;
    double beta = sqrt(1.0 - m * m / (ex * ex));
    return NR_ALPHA_EM * NR_ALPHA_EM / (2.0 * NR_PI) * x * (1.0 - x) * e * e * beta * chi;
}

double nr_dump_brem_dsigma_dx_dcos(double x, double theta, double e_gev, double m_gev, nr_electron_charges q,
                                   double chi)
{
    double pre = prefactor(x, e_gev, m_gev, chi);
    if (pre == 0.0)
        return 0.0;
    amplitude a = amplitude_at(x, m_gev, q);
    double u = x * e_gev * e_gev * theta * theta + a.m2_eff; /* -u~, Eq. (41) */
    return pre * (a.c0 - a.c1 / u + a.c2 / (u * u)) / (u * u);
}

double nr_dump_brem_dsigma_dx(double x, double theta_max, double e_gev, double m_gev, nr_electron_charges q,
                              double chi)
{
    double pre = prefactor(x, e_gev, m_gev, chi);
    if (pre == 0.0)
        return 0.0;
    amplitude a = amplitude_at(x, m_gev, q);
    /* w = x E^2 theta^2, theta d theta = dw / (2 x E^2); I_n = int_0^W dw / (w + M^2)^n */
    double m2 = a.m2_eff, wmax = x * e_gev * e_gev * theta_max * theta_max, top = wmax + m2;
    double i2 = 1.0 / m2 - 1.0 / top;
    double i3 = 0.5 * (1.0 / (m2 * m2) - 1.0 / (top * top));
    double i4 = (1.0 / (m2 * m2 * m2) - 1.0 / (top * top * top)) / 3.0;
    return pre * (a.c0 * i2 - a.c1 * i3 + a.c2 * i4) / (2.0 * x * e_gev * e_gev);
}

/* ---- resonant annihilation ------------------------------------------------------------------------- */

double nr_dump_resonance_energy_gev(double m_gev)
{
    return m_gev * m_gev / (2.0 * NR_M_ELECTRON) - NR_M_ELECTRON;
}

double nr_dump_resonance_strength(nr_electron_charges q)
{
    /* 004 Eq. (47), narrow width: sigma = pi g^2 (x'_l^2 + x'_e^2) / (4 m_e) delta(E - E_res). Check:
     * sigma = 12 pi^2 Gamma_ee / m delta(s - m^2) with Gamma_ee = g^2 (x'_l^2 + x'_e^2) m / (24 pi) and
     * s = 2 m_e (E + m_e) gives the same (tests/test_beam_dump.c). */
    return NR_PI * (q.x_l * q.x_l + q.x_e * q.x_e) / (4.0 * NR_M_ELECTRON);
}

/* ---- yields ------------------------------------------------------------------------------------------ */

static int bin_of(const nr_dump_yield *y, double e_x)
{
    if (!(e_x > y->e_lo_gev) || !(e_x < y->e_hi_gev))
        return -1;
    int b = (int)(NR_DUMP_N_BINS * log(e_x / y->e_lo_gev) / log(y->e_hi_gev / y->e_lo_gev));
    return b < 0 ? 0 : (b >= NR_DUMP_N_BINS ? NR_DUMP_N_BINS - 1 : b);
}

static void add(nr_dump_yield *y, double *where, double e_x, double n)
{
    int b = bin_of(y, e_x);
    if (b < 0 || !(n > 0.0))
        return;
    double p = sqrt(e_x * e_x - y->mass_gev * y->mass_gev);
    double before = y->n_brem[b] + y->n_anni[b];
    where[b] += n;
    y->p_mean_gev[b] = (y->p_mean_gev[b] * before + p * n) / (before + n);
}

/* Bremsstrahlung of one electron or positron of energy e (per radiation length of track), integrated over x
 * and over the cone, binned in E_X: adds weight * sigma(x) dx. */
#define N_X 64
static void add_brem_at(nr_dump_yield *y, double e, double weight, double theta_max, nr_electron_charges q,
                        const nr_material *t)
{
    double m = y->mass_gev;
    if (!(e > m))
        return;
    double chi = nr_dump_chi(m, e, t->z, t->a);
    /* x in (m/E, 1 - m_e/E): midpoints in ln(1 - x) (the amplitude peaks as x -> 1) */
    double l_lo = log(NR_M_ELECTRON / e), l_hi = log(1.0 - m / e);
    if (!(l_hi > l_lo))
        return;
    double h = (l_hi - l_lo) / N_X;
    for (int i = 0; i < N_X; i++) {
        double one_minus_x = exp(l_lo + (i + 0.5) * h), x = 1.0 - one_minus_x;
        double dsdx = nr_dump_brem_dsigma_dx(x, theta_max, e, m, q, chi);
        add(y, y->n_brem, x * e, weight * dsdx * one_minus_x * h);
    }
}

/* ---- e+ e- -> gamma X at tree level (not in 004): kept as the O(alpha) check of the radiator below ---------- */

double nr_dump_annihilation_gamma_dsigma_dc(double s, double m_gev, double c, nr_electron_charges q)
{
    double m2 = m_gev * m_gev, me2 = NR_M_ELECTRON * NR_M_ELECTRON;
    if (!(s > m2) || !(s > 4.0 * me2) || !(fabs(c) <= 1.0))
        return 0.0;
    /* spin-averaged |M|^2 = e^2 (x_l^2 + x_e^2) [t/u + u/t + 2 m^2 s / (t u)] for massless electrons (the
     * q qbar -> gamma gamma* form), t, u = -(s - m^2)(1 -+ c)/2; the electron mass enters only through the
     * velocity beta in 1 -+ beta c, which regulates the collinear poles; d sigma/dt = |M|^2 / (16 pi s^2) */
    double beta = sqrt(1.0 - 4.0 * me2 / s), a = 1.0 - beta * c, b = 1.0 + beta * c, sm = s - m2;
    double e2 = 4.0 * NR_PI * NR_ALPHA_EM;
    double bracket = a / b + b / a + 8.0 * m2 * s / (sm * sm * a * b);
    return sm / (32.0 * NR_PI * s * s) * e2 * (q.x_l * q.x_l + q.x_e * q.x_e) * bracket;
}

/* ---- resonant annihilation with initial-state radiation (issue 15) -------------------------------------
 * 004 Eqs. (47), (50) are Born level. A positron of energy E above E_res also makes X after radiating photons
 * that bring s = 2 m_e (E + m_e) down to m^2 (radiative return). Its tree-level cross section e+ e- -> gamma X
 * (above) has the soft pole 1/(s - m^2), whose integral over E diverges logarithmically: it is cancelled only
 * by the soft and virtual corrections to the resonant term, so a yield built from the tree-level term alone
 * depends on its grid (issue 15 review: +0.11 per decade of points at E137, 100 MeV). The consistent leading-log
 * treatment is the structure-function convolution (E. A. Kuraev, V. S. Fadin, Sov. J. Nucl. Phys. 41 (1985)
 * 466, Eq. (28) to first order in beta with the soft photons exponentiated):
 *   sigma(s) = int_0^1 dx H(x) sigma_0(s (1 - x)),  sigma_0(s') = 2 m_e K delta(s' - m^2)  (Eq. 47; K below),
 *   H(x) = beta0 x^(beta0 - 1) (1 + 3 beta0 / 4) - beta0 (1 - x/2) + (beta_s - beta0) (1 + (1 - x)^2) / (2x),
 *   beta0 = (2 alpha/pi)(ln(m^2/m_e^2) - 1),  beta_s = (2 alpha/pi)(ln(s/m_e^2) - 1),  s = m^2 / (1 - x),
 * x the fraction of s radiated (both legs). The soft part x^(beta0 - 1) (1 + 3 beta0/4) contains the virtual and
 * soft corrections, the logarithm taken at the hard scale m^2; the last term restores the logarithm of the
 * incoming s in the hard tail, so that to O(alpha) H(x) = beta_s (1 + (1 - x)^2) / (2x), which is the tree-level
 * e+ e- -> gamma X above to its leading log (non-log terms of relative size 1/ln(s/m_e^2) differ; a test). So this
 * contains all the leading-log radiation, hard photons included: no separate e+ e- -> gamma X term is added (it
 * would be counted twice). Neglected: O(beta^2) hard terms, the non-log constant (alpha/pi)(pi^2/3 - 1/2) ~ 0.2%,
 * and final-state radiation (X is neutral). The narrow delta gives sigma(s) = 2 m_e K H(x)/s at x = 1 - m^2/s, and
 * the yield of Eq. (50) over the positron energy (ds = 2 m_e dE, ds/s = dx/(1 - x)) becomes
 *   N = N_e Z n_N K int_0^xmax dx H(x) w(E(x)) / (1 - x),  E(x) = m^2 / (2 m_e (1 - x)) - m_e,
 * w(E) = dl/dE the positron track length per energy in the cone (radiation lengths per GeV); with alpha -> 0,
 * H -> delta(x) and N -> N_e Z n_N K w(E_res), Eq. (50) with (47) (a test). X goes along the positron. Its energy
 * depends on which leg radiated: a photon collinear with the positron leaves X with E_X = (1 - x) E + m_e ~
 * E_res + m_e, one from the electron at rest (soft in the lab) leaves E_X = E + (1 - x) m_e; at leading log the legs
 * share H equally (beta/2 each), so each x puts half its yield at either energy (they coincide as x -> 0). */

static double in_cone(const nr_experiment *x, double e_gev, double theta_max);

double nr_dump_isr_radiator(double x, double m_gev, double alpha)
{
    if (!(x > 0.0) || !(x < 1.0) || !(m_gev > 2.0 * NR_M_ELECTRON) || !(alpha >= 0.0))
        return 0.0;
    double l0 = log(m_gev * m_gev / (NR_M_ELECTRON * NR_M_ELECTRON));
    double b0 = 2.0 * alpha / NR_PI * (l0 - 1.0), db = 2.0 * alpha / NR_PI * -log1p(-x); /* beta_s - beta0 */
    return b0 * pow(x, b0 - 1.0) * (1.0 + 0.75 * b0) - b0 * (1.0 - 0.5 * x) +
           db * (1.0 + (1.0 - x) * (1.0 - x)) / (2.0 * x);
}

/* Positron track length in the cone per GeV at energy E (radiation lengths per GeV; 004 Eqs. A5, A6). */
typedef struct {
    const nr_experiment *e;
    nr_shower_fit fit;
    double eb, u_c, theta_max;
    int positron_beam;
} positron_track;

static double positron_dl_de(const positron_track *p, double e_gev)
{
    double u = e_gev / p->eb;
    if (!(u > p->u_c) || !(u < 1.0))
        return 0.0;
    double u_dl = nr_track_u_dl_du_shower(u, p->fit) * in_cone(p->e, e_gev, p->theta_max) +
                  (p->positron_beam ? nr_track_u_dl_du_primary(u) : 0.0);
    return u_dl / u / p->eb;
}

/* The integral N / (N_e Z n_N K) = int dx H(x) w(E(x)) / (1 - x) above; if y is given, adds n_per times each
 * piece to y->n_anni at its X energy. Quadrature: the soft end x < x_lo = 1e-9 x_max in closed form
 * (w(E(x)) = w(E_res) there: (1 + 3 beta0/4) w(E_res) x_lo^beta0); then midpoints in ln x up to x_b, halfway to
 * x_max (H x is smooth in ln x), and midpoints in v = (x_max - x)^0.3 above x_b, which absorbs the primary
 * positrons' (1 - u)^-0.7 at the beam energy (004 Eq. A5). Below the critical energy (x < x_c) w = 0. */
static double annihilation_isr(const positron_track *p, double m, double alpha, int n, nr_dump_yield *y,
                               double n_per)
{
    double me = NR_M_ELECTRON, m2 = m * m, e_res = nr_dump_resonance_energy_gev(m);
    double x_max = 1.0 - m2 / (2.0 * me * (p->eb + me));
    if (!(x_max > 0.0) || !(m > 2.0 * me))
        return 0.0;
    double x_c = 1.0 - m2 / (2.0 * me * (p->u_c * p->eb + me)); /* E(x_c) = E_c */
    double b0 = 2.0 * alpha / NR_PI * (log(m2 / (me * me)) - 1.0), total = 0.0, at_res = 0.0;
    double x_a = 1e-9 * x_max;
    if (x_c > x_a) {
        x_a = x_c; /* E_res below E_c: no soft end */
        if (!(x_a < x_max))
            return 0.0;
    } else {
        at_res = (1.0 + 0.75 * b0) * pow(x_a, b0) * positron_dl_de(p, e_res);
        total = at_res;
    }
    double x_b = 0.5 * (x_a + x_max), ha = log(x_b / x_a) / n;
    int n_b = n / 2 > 1 ? n / 2 : 1;
    double v_hi = pow(x_max - x_b, 0.3), hv = v_hi / n_b;
    for (int i = 0; i < n + n_b; i++) {
        double x, dx;
        if (i < n) {
            x = x_a * exp((i + 0.5) * ha);
            dx = x * ha;
        } else {
            double v = (i - n + 0.5) * hv;
            x = x_max - pow(v, 1.0 / 0.3);
            dx = pow(v, 1.0 / 0.3 - 1.0) / 0.3 * hv;
        }
        double e_pos = m2 / (2.0 * me * (1.0 - x)) - me; /* E(x) */
        double piece = nr_dump_isr_radiator(x, m, alpha) * positron_dl_de(p, e_pos) / (1.0 - x) * dx;
        total += piece;
        at_res += 0.5 * piece; /* photon from the positron: E_X = E_res + m_e */
        if (y) /* photon from the electron; X up to E_beam + m_e, kept in the top bin (binned up to E_beam) */
            add(y, y->n_anni, fmin(e_pos + (1.0 - x) * me, y->e_hi_gev * (1.0 - 1e-12)), n_per * 0.5 * piece);
    }
    if (y)
        add(y, y->n_anni, e_res + me, n_per * at_res);
    return total;
}

static positron_track positron_track_for(const nr_experiment *e)
{
    positron_track p = {e, nr_shower_fit_for(e->target), e->beam_energy_gev, 0.0, 0.0, 0};
    p.u_c = nr_critical_energy_gev(e->target->z) / p.eb; /* the fit is not used below E_c */
    p.theta_max = atan(e->radius_m / (e->distance_m + e->length_m)); /* 004 Eq. (22) */
    p.positron_beam = strcmp(e->beam_particle, "e+") == 0;
    return p;
}

double nr_dump_annihilation_integral(const nr_experiment *e, double m_gev, double alpha, int n)
{
    if (!e || !e->target || !(n > 0))
        return 0.0;
    positron_track p = positron_track_for(e);
    return annihilation_isr(&p, m_gev, alpha, n, NULL, 0.0);
}

/* Shower particles of energy e_gev within theta_max: Rossi's width if the experiment asks for it, else all of
 * them (004 Eq. 49). */
static double in_cone(const nr_experiment *x, double e_gev, double theta_max)
{
    return x->shower_spread != 0.0 ? nr_shower_fraction_in_cone(e_gev, theta_max) : 1.0;
}

nr_status nr_dump_yield_compute(const nr_experiment *e, double m, nr_electron_charges q, nr_dump_yield *y,
                                nr_error *err)
{
    memset(y, 0, sizeof *y);
    const nr_material *t = e->target;
    int positron_beam = strcmp(e->beam_particle, "e+") == 0;
    if (!positron_beam && strcmp(e->beam_particle, "e-") != 0)
        return nr_fail(err, NR_EINPUT, "/experiment", "%s: bremsstrahlung and annihilation in a dump need an "
                       "electron or positron beam, not '%s'", e->name, e->beam_particle);
    if (!t || !(t->radiation_length_g_cm2 > 0.0))
        return nr_fail(err, NR_EINPUT, "/experiment", "%s: the dump material has no radiation length", e->name);
    double eb = e->beam_energy_gev;
    if (!(m > 0.0) || !(eb > m))
        return nr_fail(err, NR_EINPUT, "/params", "the boson mass %g GeV must be below the beam energy %g GeV", m,
                       eb);
    y->mass_gev = m;
    y->e_lo_gev = m;
    y->e_hi_gev = eb;

    /* targets per radiation length of track: N_beam x (N_A / A) X0 [cm^-2]; sigma in GeV^-2 -> cm^2 */
    double nuclei = e->particles_on_target * t->radiation_length_g_cm2 / (t->a * NR_ATOMIC_MASS_UNIT_G);
    double to_events = nuclei * NR_HBARC2_GEV2_CM2;
    /* the cone theta_max (004 Eq. 22), the shower fit and u_c = E_c / E_beam, shared with the annihilation below */
    const positron_track pt = positron_track_for(e);
    const double theta_max = pt.theta_max, u_c = pt.u_c;

    /* primary beam particle: dl^/du ~ (1-u)^-0.7 near u = 1; v = (1-u)^0.3 makes the integrand smooth */
    const int n_u = 72;
    double u_lo = fmax(m / eb, u_c);
    if (u_lo < 1.0) {
        double v_hi = pow(1.0 - u_lo, 0.3), hv = v_hi / n_u;
        for (int i = 0; i < n_u; i++) {
            double v = (i + 0.5) * hv, u = 1.0 - pow(v, 1.0 / 0.3);
            double du = hv * pow(v, 1.0 / 0.3 - 1.0) / 0.3;
            double dl = nr_track_u_dl_du_primary(u) / u * du; /* radiation lengths */
            add_brem_at(y, u * eb, to_events * dl, theta_max, q, t);
        }
        /* shower electrons and positrons (both radiate): midpoints in ln u */
        double hl = -log(u_lo) / n_u;
        for (int i = 0; i < n_u; i++) {
            double u = u_lo * exp((i + 0.5) * hl);
            double dl = 2.0 * nr_track_u_dl_du_shower(u, pt.fit) * hl /* u dl/du d ln u */
                        * in_cone(e, u * eb, theta_max);
            add_brem_at(y, u * eb, to_events * dl, theta_max, q, t);
        }
    }

    /* annihilation on atomic electrons (Z per nucleus): 004 Eqs. (47), (50) with initial-state radiation (above) */
    annihilation_isr(&pt, m, NR_ALPHA_EM, NR_DUMP_N_ISR, y, to_events * t->z * nr_dump_resonance_strength(q));
    return NR_OK;
}

void nr_dump_events(const nr_dump_yield *y, const nr_experiment *e, double g, double ctau_m, double *brem,
                    double *anni)
{
    double sb = 0.0, sa = 0.0;
    for (int b = 0; b < NR_DUMP_N_BINS; b++) {
        if (!(y->n_brem[b] > 0.0) && !(y->n_anni[b] > 0.0))
            continue;
        if (sqrt(y->p_mean_gev[b] * y->p_mean_gev[b] + y->mass_gev * y->mass_gev) < e->e_min_gev)
            continue; /* the detector's threshold, applied to the bin's mean energy */
        double d = y->p_mean_gev[b] / y->mass_gev * ctau_m; /* 004 Eq. (24) */
        double e_x = sqrt(y->p_mean_gev[b] * y->p_mean_gev[b] + y->mass_gev * y->mass_gev);
        double p = e->pair_acceptance == NR_PAIR_ACCEPT_ONE
                       ? nr_dump_one_product_decay_probability(e_x, y->mass_gev, d, e->distance_m, e->length_m,
                                                               e->radius_m)
                   : e->pair_acceptance != 0.0
                       ? nr_dump_pair_decay_probability(e_x, y->mass_gev, d, e->distance_m, e->length_m, e->radius_m)
                       : nr_llp_decay_probability(e->distance_m, e->length_m, d);
        sb += y->n_brem[b] * p;
        sa += y->n_anni[b] * p;
    }
    *brem = g * g * sb;
    *anni = g * g * sa;
}
