/* form_factors.c: elastic form factors for neutrino upscattering nu T -> N T.
 *
 * Helm nuclear form factor (R.H. Helm, Phys. Rev. 104 (1956) 1466; paper 001 Eq. A.4 with the 001
 * parameters s = 1 fm, R = 1.2 A^(1/3) fm, r = sqrt(R^2 - 5 s^2)), atomic screening (001 Eq. A.5) and the
 * nucleon Dirac/Pauli form factors from dipole Sachs form factors (001 Eqs. A.6-A.8, with "ma_p" read as
 * m_p, ERRATA.md), and the Helm form factor of one nucleus tabulated once (cubic Hermite in Q). Momentum transfer
 * Q = sqrt(-t) in GeV; radii in fm, converted with hbar c.
 */
#include "form_factors.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "constants.h"

#define HBARC_GEV_FM (NR_HBARC_GEV_CM * 1.0e13) /* hbar c [GeV fm]: 1 fm = 1e-13 cm        */
#define HELM_SKIN_001_FM 1.0                    /* s, 001 appendix A                       */
#define HELM_R0_001_FM 1.2                      /* R = 1.2 A^(1/3) fm, 001 appendix A      */
#define SCREENING_A0 111.0                      /* a = 111 Z^(-1/3) / m_e, 001 Eq. A.5     */
#define DIPOLE_MASS2_GEV2 0.71                  /* G_D = (1 + Q^2/0.71 GeV^2)^-2, Eq. A.7  */
#define MU_PROTON 2.793                         /* magnetic moments [nuclear magnetons], A.8 */
#define MU_NEUTRON (-1.913)

/* 3 j1(x)/x = sum_k 3 (-x^2/2)^k / (k! (2k+3)!!): exact series, used below x = 1 where the closed form
 * 3 (sin x - x cos x)/x^3 loses digits to cancellation. Terms fall by >= 10x each step for x < 1. */
static double three_j1_over_x_series(double x)
{
    const double minus_half_x2 = -0.5 * x * x;
    double term = 1.0; /* k = 0: 3 / (0! 3!!) = 1 */
    double sum = 1.0;
    for (int k = 0; k < 12; ++k) {
        term *= minus_half_x2 / ((double)(k + 1) * (double)(2 * k + 5));
        sum += term;
    }
    return sum;
}

static double three_j1_over_x(double x)
{
    if (x < 1.0)
        return three_j1_over_x_series(x);
    return 3.0 * (sin(x) - x * cos(x)) / (x * x * x);
}

double nr_ff_helm(double q_gev, double r_fm, double s_fm)
{
    if (!isfinite(q_gev) || !isfinite(r_fm) || !isfinite(s_fm))
        return 0.0;
    const double q_per_fm = fabs(q_gev) / HBARC_GEV_FM; /* Q [fm^-1] */
    const double qr = q_per_fm * fabs(r_fm);
    const double qs = q_per_fm * s_fm;
    return three_j1_over_x(qr) * exp(-0.5 * qs * qs);
}

/* r [fm] of the 001 prescription for mass number a > 0. */
static double helm_001_r_fm(double a)
{
    const double s = HELM_SKIN_001_FM;
    const double big_r = HELM_R0_001_FM * cbrt(a);
    /* For A < 6.5 the prescription gives R^2 < 5 s^2: take r = 0 (a Gaussian) rather than an imaginary r. */
    const double r2 = big_r * big_r - 5.0 * s * s;
    return r2 > 0.0 ? sqrt(r2) : 0.0;
}

double nr_ff_helm_001(double q_gev, double a)
{
    if (!(a > 0.0) || !isfinite(a))
        return 0.0;
    return nr_ff_helm(q_gev, helm_001_r_fm(a), HELM_SKIN_001_FM);
}

/* d/dx [3 j1(x)/x] = -3 j2(x)/x: the series -x sum_k 3 (-x^2/2)^k / (k! (2k+5)!!) below x = 2 (terms fall by
 * >= 7x per step there), else j2(x) = (3/x^2 - 1) sin(x)/x - 3 cos(x)/x^2. */
static double three_j1_over_x_derivative(double x)
{
    if (x < 2.0) {
        const double minus_half_x2 = -0.5 * x * x;
        double term = 3.0 / 15.0, sum = term; /* k = 0: 3 / (0! 5!!) */
        for (int k = 0; k < 18; ++k) {
            term *= minus_half_x2 / ((double)(k + 1) * (double)(2 * k + 7));
            sum += term;
        }
        return -x * sum;
    }
    const double sn = sin(x), cs = cos(x);
    const double j2 = (3.0 / (x * x) - 1.0) * sn / x - 3.0 * cs / (x * x);
    return -3.0 * j2 / x;
}

/* exp(-Q^2 s^2 / 2) is 0 in double precision beyond Q s = 38.6 (e^-745): the table ends at Q s = 39. */
#define HELM_TABLE_QS_MAX 39.0
/* h max(r, s); the interpolation error of the 3 j1(x)/x part is <= (3/35) (h r)^4 / 384 */
#define HELM_TABLE_STEP 0.025

nr_status nr_ff_helm_table_init(nr_ff_helm_table *t, double a, nr_error *err)
{
    memset(t, 0, sizeof *t);
    if (!(a > 0.0) || !isfinite(a))
        return nr_fail(err, NR_EINPUT, "", "Helm table: mass number %g must be > 0", a);
    return nr_ff_helm_table_init_rs(t, a, helm_001_r_fm(a), HELM_SKIN_001_FM, err);
}

nr_status nr_ff_helm_table_init_rs(nr_ff_helm_table *t, double a, double r, double s, nr_error *err)
{
    memset(t, 0, sizeof *t);
    if (!(r >= 0.0) || !isfinite(r) || !(s > 0.0) || !isfinite(s))
        return nr_fail(err, NR_EINPUT, "", "Helm table: r = %g fm must be >= 0 and s = %g fm > 0", r, s);
    const double h = HELM_TABLE_STEP / fmax(r, s);
    const size_t n = (size_t)ceil(HELM_TABLE_QS_MAX / s / h) + 2;
    double *fd = malloc(2 * n * sizeof *fd);
    if (!fd)
        return nr_fail(err, NR_ENOMEM, "", "out of memory for a Helm table");
    for (size_t k = 0; k < n; k++) {
        const double q = h * (double)k; /* [fm^-1] */
        const double env = exp(-0.5 * q * q * s * s);
        const double g = three_j1_over_x(q * r);
        fd[2 * k] = g * env;
        fd[2 * k + 1] = (r * three_j1_over_x_derivative(q * r) - q * s * s * g) * env;
    }
    *t = (nr_ff_helm_table){a, r, s, h, 1.0 / (HBARC_GEV_FM * h), n, fd};
    return NR_OK;
}

void nr_ff_helm_table_free(nr_ff_helm_table *t)
{
    if (!t)
        return;
    free(t->fd);
    memset(t, 0, sizeof *t);
}

double nr_ff_helm_table_at(const nr_ff_helm_table *t, double q_gev)
{
    const double x = fabs(q_gev) * t->per_gev;
    if (!(x < (double)(t->n - 1)))
        return 0.0; /* beyond Q s = 39 (or Q not finite): exactly 0, as nr_ff_helm */
    const size_t k = (size_t)x;
    const double u = x - (double)k, u2 = u * u, u3 = u2 * u;
    /* cubic Hermite on [Q_k, Q_k+1] */
    const double h00 = 2.0 * u3 - 3.0 * u2 + 1.0, h10 = u3 - 2.0 * u2 + u, h01 = -2.0 * u3 + 3.0 * u2,
                 h11 = u3 - u2;
    const double *v = t->fd + 2 * k; /* F_k, dF_k, F_k+1, dF_k+1 */
    return h00 * v[0] + h01 * v[2] + t->h_fm * (h10 * v[1] + h11 * v[3]);
}

double nr_ff_atomic_screening(double q_gev, double z)
{
    if (!(z > 0.0) || !isfinite(z) || !isfinite(q_gev))
        return 1.0; /* no electrons to screen */
    const double a_per_gev = SCREENING_A0 / (cbrt(z) * NR_M_ELECTRON); /* a [GeV^-1] */
    const double aq2 = a_per_gev * a_per_gev * q_gev * q_gev;
    return aq2 / (1.0 + aq2);
}

/* F1, F2 of one nucleon from the dipole G_D and tau = Q^2/(4 m_p^2) at Q^2 (001 A.6-A.8). */
static void nucleon_from_dipole(double g_d, double tau, int proton, double *f1, double *f2)
{
    const double g_e = proton ? g_d : 0.0;
    const double g_m = (proton ? MU_PROTON : MU_NEUTRON) * g_d;
    *f1 = (g_e + tau * g_m) / (1.0 + tau);
    *f2 = (g_m - g_e) / (1.0 + tau);
}

/* 1 and G_D, tau at Q^2 for a valid Q^2 (finite, >= 0), else 0. */
static int dipole_at(double q2_gev2, double *g_d, double *tau)
{
    if (!(isfinite(q2_gev2) && q2_gev2 >= 0.0))
        return 0;
    const double x = 1.0 + q2_gev2 / DIPOLE_MASS2_GEV2;
    *g_d = 1.0 / (x * x);
    *tau = q2_gev2 / (4.0 * NR_M_PROTON * NR_M_PROTON);
    return 1;
}

void nr_ff_nucleon(double q2_gev2, nr_nucleon nucleon, double *f1, double *f2)
{
    double ff1 = 0.0, ff2 = 0.0, g_d, tau;
    if (dipole_at(q2_gev2, &g_d, &tau))
        nucleon_from_dipole(g_d, tau, nucleon == NR_NUCLEON_PROTON, &ff1, &ff2);
    if (f1)
        *f1 = ff1;
    if (f2)
        *f2 = ff2;
}

void nr_ff_nucleons(double q2_gev2, double *f1p, double *f2p, double *f1n, double *f2n)
{
    double g_d, tau;
    *f1p = *f2p = *f1n = *f2n = 0.0;
    if (!dipole_at(q2_gev2, &g_d, &tau))
        return;
    nucleon_from_dipole(g_d, tau, 1, f1p, f2p);
    nucleon_from_dipole(g_d, tau, 0, f1n, f2n);
}
