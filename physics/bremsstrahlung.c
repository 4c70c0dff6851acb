/* bremsstrahlung.c: proton bremsstrahlung p p -> p X + anything in the FWW approximation, paper 004
 * Eqs. (25)-(32), (36); conventions, cuts and sources in bremsstrahlung.h. */
#include "bremsstrahlung.h"

#include <math.h>

#include "constants.h"

nr_proton_chiral_couplings nr_proton_couplings_from_vector_axial(double g_v, double g_a)
{
    nr_proton_chiral_couplings c = {g_v + g_a, g_v - g_a};
    return c;
}

nr_proton_chiral_couplings nr_proton_couplings_dark_photon(double epsilon)
{
    nr_proton_chiral_couplings c = {epsilon * NR_E_CHARGE, epsilon * NR_E_CHARGE};
    return c;
}

nr_brem_options nr_brem_options_default(double sqrt_s_gev)
{
    nr_brem_options o = {sqrt_s_gev, 0.0, 1.0, 1.0, 0.25, NR_BREM_SPLITTING_004_EQ27, NR_BREM_RESONANCES_PDG, 4};
    return o;
}

/* 004 Table IV: rho, rho', rho'', omega, omega', omega'' (004's refs. [30, 68]). */
static const double vmd_f[6] = {0.616, 0.223, -0.339, 1.011, -0.881, 0.369};
static const double vmd_m_gev[6] = {0.770, 1.250, 1.450, 0.770, 1.250, 1.450};
static const double vmd_width_gev[6] = {0.150, 0.300, 0.500, 0.0085, 0.300, 0.500};
/* The same with the rho and omega at their PDG 2022 masses and widths (hadrons.c has the same masses). */
static const double vmd_pdg_m_gev[6] = {0.77526, 1.250, 1.450, 0.78266, 1.250, 1.450};
static const double vmd_pdg_width_gev[6] = {0.1491, 0.300, 0.500, 0.00868, 0.300, 0.500};

/* 004 Eq. (31) at p_X^2 = m_X^2 (the printed |p_Z'|^2 is the four-momentum squared, = m_X^2 on shell):
 * F1 = sum_V f_V m_V^2 / (m_V^2 - m^2 - i m_V Gamma_V). */
double nr_proton_form_factor_f1_abs2_set(nr_brem_resonances set, double m2_gev2)
{
    const double *mv = set == NR_BREM_RESONANCES_004_TABLE_IV ? vmd_m_gev : vmd_pdg_m_gev;
    const double *gv = set == NR_BREM_RESONANCES_004_TABLE_IV ? vmd_width_gev : vmd_pdg_width_gev;
    double re = 0.0, im = 0.0;
    for (int v = 0; v < 6; v++) {
        double a = mv[v] * mv[v] - m2_gev2, b = mv[v] * gv[v];
        double num = vmd_f[v] * mv[v] * mv[v], den = a * a + b * b;
        re += num * a / den; /* num / (a - i b) = num (a + i b) / (a^2 + b^2) */
        im += num * b / den;
    }
    return re * re + im * im;
}

double nr_proton_form_factor_f1_abs2(double m2_gev2)
{
    return nr_proton_form_factor_f1_abs2_set(NR_BREM_RESONANCES_004_TABLE_IV, m2_gev2);
}

/* PDG 2010 total pp cross section fit (COMPETE form, see bremsstrahlung.h) [mb]. */
double nr_pp_sigma_total_mb(double s_gev2)
{
    const double z = 35.45, b = 0.308, s0 = 5.38 * 5.38, y1 = 42.53, y2 = 33.34, eta1 = 0.458, eta2 = 0.545;
    if (!(s_gev2 > 4.0 * NR_M_PROTON * NR_M_PROTON)) return 0.0;
    double ln_s = log(s_gev2), l = ln_s - log(s0);
    return z + b * l * l + y1 * exp(-eta1 * ln_s) - y2 * exp(-eta2 * ln_s); /* (1/s)^eta = e^(-eta ln s) */
}

/* sigma_inel = (79.5/110.6) sigma_tot: TOTEM's inelastic/total ratio at 13 TeV (arXiv:1712.06153). */
double nr_pp_sigma_inel_mb(double s_gev2)
{
    return (79.5 / 110.6) * nr_pp_sigma_total_mb(s_gev2);
}

static double brem_h(double z, double pt2, double m_x)
{
    return pt2 + (1.0 - z) * m_x * m_x + z * z * NR_M_PROTON * NR_M_PROTON; /* 004 Eq. (29) */
}

double nr_brem_virtuality_gev2(double z, double pt2_gev2, double m_x_gev, double e_beam_gev)
{
    double h = brem_h(z, pt2_gev2, m_x_gev), d = 2.0 * e_beam_gev * z * (1.0 - z);
    return h * h / (d * d); /* 004 Eq. (30): H^2 / (4 E^2 z^2 (1-z)^2) */
}

double nr_brem_splitting(const nr_proton_chiral_couplings *c, nr_brem_splitting_variant variant, double z,
                         double pt2_gev2, double m_x_gev)
{
    if (!c || !(z > 0.0 && z < 1.0) || !(pt2_gev2 >= 0.0) || !(m_x_gev > 0.0)) return 0.0;
    double l = c->g_L, r = c->g_R, sum2 = l * l + r * r, diff = l - r;
    double mp2 = NR_M_PROTON * NR_M_PROTON, m2 = m_x_gev * m_x_gev, h = brem_h(z, pt2_gev2, m_x_gev);
    double zz = z * (1.0 - z);
    double mp4_coeff = variant == NR_BREM_SPLITTING_BLUMLEIN_BRUNNER ? 2.0 : 1.0;
    /* 004 Eq. (27), term by term */
    double t1 = sum2 * (1.0 + (1.0 - z) * (1.0 - z)) / z;
    double t2 = diff * diff * z * mp2 / m2;
    double t3 = 2.0 * zz * ((l * l - 6.0 * l * r + r * r) * mp2 - sum2 * m2) / h;
    double curly = mp4_coeff * z * z * sum2 * mp2 * mp2 + (1.0 - z) * sum2 * m2 * m2 +
                   ((z * z + z - 1.0) * sum2 + 6.0 * (1.0 - z) * l * r) * mp2 * m2;
    double t4 = 2.0 * zz * curly / (h * h);
    return (t1 + t2 + t3 + t4) / (16.0 * NR_PI * NR_PI * h);
}

/* d sigma/dz dpT^2 with the proton form factor |F1(m_x^2)|^2 given (it depends on the mass only). */
static double dsigma_dz_dpt2_pb(const nr_proton_chiral_couplings *c, const nr_brem_options *opt, double z,
                                double pt2_gev2, double m_x_gev, double f1_abs2)
{
    if (!(z > opt->z_min && z < opt->z_max) || !(pt2_gev2 >= 0.0) || !(pt2_gev2 < opt->pt_max_gev * opt->pt_max_gev))
        return 0.0;
    double s = opt->sqrt_s_gev * opt->sqrt_s_gev;
    double e_beam_target_frame = s / (2.0 * NR_M_PROTON); /* 004 sec. III A: the other proton at rest */
    double lambda2 = opt->lambda_qcd_gev * opt->lambda_qcd_gev;
    if (!(nr_brem_virtuality_gev2(z, pt2_gev2, m_x_gev, e_beam_target_frame) < lambda2)) return 0.0;
    double sigma_pb = nr_pp_sigma_inel_mb(s * (1.0 - z)) * 1e9; /* 1 mb = 1e9 pb; s' = s (1 - z) */
    return f1_abs2 * nr_brem_splitting(c, opt->variant, z, pt2_gev2, m_x_gev) * sigma_pb;
}

double nr_brem_dsigma_dz_dpt2_pb(const nr_proton_chiral_couplings *c, const nr_brem_options *opt,
                                 double z, double pt2_gev2, double m_x_gev)
{
    if (!c || !opt)
        return 0.0;
    return dsigma_dz_dpt2_pb(c, opt, z, pt2_gev2, m_x_gev,
                             nr_proton_form_factor_f1_abs2_set(opt->resonances, m_x_gev * m_x_gev));
}

static int brem_options_are_valid(const nr_brem_options *o)
{
    return o && o->sqrt_s_gev > 2.0 * NR_M_PROTON && isfinite(o->sqrt_s_gev) && o->z_min >= 0.0 &&
           o->z_max <= 1.0 && o->z_min < o->z_max && o->pt_max_gev > 0.0 && o->lambda_qcd_gev > 0.0 &&
           o->n_sub >= 1 && o->n_sub <= 64 &&
           (o->variant == NR_BREM_SPLITTING_004_EQ27 || o->variant == NR_BREM_SPLITTING_BLUMLEIN_BRUNNER) &&
           (o->resonances == NR_BREM_RESONANCES_PDG || o->resonances == NR_BREM_RESONANCES_004_TABLE_IV);
}

/* Cross section [pb] in one grid cell: the integral of d sigma/dz dpT^2 over the cell, written in
 * (log10 theta, log10 p): dz dpT^2 = (p / P) dp^2 dcos(theta) = (p/P) (2 p^2 ln10)(sin(theta) theta ln10)
 * dlog10p dlog10theta, with midpoints. */
static double brem_cell_pb(const nr_proton_chiral_couplings *c, const nr_brem_options *o, double m_x,
                           double f1_abs2, double p_beam, int it, int ip)
{
    double h = NR_LLP_CELL_LOG10_WIDTH / o->n_sub, ln10 = log(10.0), sum = 0.0;
    double lt0 = NR_LLP_LOG10_THETA_MIN + it * NR_LLP_CELL_LOG10_WIDTH;
    double lp0 = NR_LLP_LOG10_P_MIN + ip * NR_LLP_CELL_LOG10_WIDTH;
    double p[64]; /* the momentum midpoints, the same for every angle (n_sub <= 64) */
    for (int b = 0; b < o->n_sub; b++)
        p[b] = pow(10.0, lp0 + (b + 0.5) * h);
    for (int a = 0; a < o->n_sub; a++) {
        double theta = pow(10.0, lt0 + (a + 0.5) * h);
        if (theta >= 0.5 * NR_PI) break;
        double st = sin(theta), ct = cos(theta);
        for (int b = 0; b < o->n_sub; b++) {
            double z = p[b] * ct / p_beam, pt2 = p[b] * p[b] * st * st;
            double jac = (p[b] / p_beam) * (2.0 * p[b] * p[b] * ln10) * (st * theta * ln10) * h * h;
            sum += jac * dsigma_dz_dpt2_pb(c, o, z, pt2, m_x, f1_abs2);
        }
    }
    return sum;
}

nr_status nr_llp_spectrum_add_bremsstrahlung(nr_llp_spectrum *s, const nr_proton_chiral_couplings *c,
                                             const nr_brem_options *opt, nr_error *err)
{
    if (!s || !s->w_pb || !c) return nr_fail(err, NR_EINTERNAL, "llp spectrum", "spectrum not initialised");
    if (!brem_options_are_valid(opt))
        return nr_fail(err, NR_EINPUT, "/params/bremsstrahlung",
                       "bremsstrahlung options out of range (sqrt_s > 2 m_p, 0 <= z_min < z_max <= 1, pT_max > 0, "
                       "Lambda_QCD > 0, 1 <= n_sub <= 64)");
    double e_beam = 0.5 * opt->sqrt_s_gev;
    double p_beam = sqrt(e_beam * e_beam - NR_M_PROTON * NR_M_PROTON);
    double log10_p_max = log10(opt->z_max * p_beam) + 0.01; /* no cell above z_max contributes at small theta */
    double f1_abs2 = nr_proton_form_factor_f1_abs2_set(opt->resonances, s->mass_gev * s->mass_gev);
    for (int it = 0; it < NR_LLP_N_THETA; it++) {
        double lt0 = NR_LLP_LOG10_THETA_MIN + it * NR_LLP_CELL_LOG10_WIDTH;
        if (lt0 > log10(0.5 * NR_PI)) break;
        double log10_sin_theta_min = log10(sin(pow(10.0, lt0)));
        for (int ip = 0; ip < NR_LLP_N_P; ip++) {
            double lp0 = NR_LLP_LOG10_P_MIN + ip * NR_LLP_CELL_LOG10_WIDTH;
            if (lp0 > log10_p_max) break;
            /* skip cells entirely above the pT cut */
            if (lp0 + log10_sin_theta_min > log10(opt->pt_max_gev)) break;
            s->w_pb[it * NR_LLP_N_P + ip] += brem_cell_pb(c, opt, s->mass_gev, f1_abs2, p_beam, it, ip);
        }
    }
    return NR_OK;
}
