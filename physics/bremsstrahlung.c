/* bremsstrahlung.c: proton bremsstrahlung p p -> p X + anything in the FWW approximation, paper 004
 * Eqs. (25)-(32), (36); conventions, cuts and sources in bremsstrahlung.h. */
#include "bremsstrahlung.h"

#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

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

/* PDG 2010 total pp cross section fit (COMPETE form, see bremsstrahlung.h): sigma_tot = Z + B ln^2(s/s0) +
 * Y1 s^-eta1 - Y2 s^-eta2 [mb], s in GeV^2. */
static const double pp_z = 35.45, pp_b = 0.308, pp_s0 = 5.38 * 5.38, pp_y1 = 42.53, pp_y2 = 33.34, pp_eta1 = 0.458,
                    pp_eta2 = 0.545;
/* sigma_inel / sigma_tot: TOTEM's 79.5 mb / 110.6 mb at 13 TeV (arXiv:1712.06153) */
#define PP_INEL_OVER_TOTAL (79.5 / 110.6)

double nr_pp_sigma_total_mb(double s_gev2)
{
    if (!(s_gev2 > 4.0 * NR_M_PROTON * NR_M_PROTON)) return 0.0;
    double ln_s = log(s_gev2), l = ln_s - log(pp_s0);
    return pp_z + pp_b * l * l + pp_y1 * exp(-pp_eta1 * ln_s) - pp_y2 * exp(-pp_eta2 * ln_s); /* (1/s)^eta = e^(-eta ln s) */
}

/* sigma_inel = (79.5/110.6) sigma_tot: TOTEM's inelastic/total ratio at 13 TeV (arXiv:1712.06153). */
double nr_pp_sigma_inel_mb(double s_gev2)
{
    return PP_INEL_OVER_TOTAL * nr_pp_sigma_total_mb(s_gev2);
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

/* 004 Eq. (27) written as a polynomial in 1/H at fixed z: w = k[0]/H + k[1]/H^2 + k[2]/H^3, the pT^2 dependence being
 * all in H (Eq. 29). Shared by the splitting function and its closed-form pT^2 integral (nr_brem_dsigma_dz_accepted_pb). */
static void splitting_in_inverse_h(const nr_proton_chiral_couplings *c, nr_brem_splitting_variant variant, double z,
                                   double m_x_gev, double k[3])
{
    double l = c->g_L, r = c->g_R, sum2 = l * l + r * r, diff = l - r;
    double mp2 = NR_M_PROTON * NR_M_PROTON, m2 = m_x_gev * m_x_gev;
    double zz = z * (1.0 - z), norm = 1.0 / (16.0 * NR_PI * NR_PI);
    double mp4_coeff = variant == NR_BREM_SPLITTING_BLUMLEIN_BRUNNER ? 2.0 : 1.0;
    /* 004 Eq. (27), term by term: t1 + t2 (constant), t3 = 2 z(1-z) (...) / H, t4 = 2 z(1-z) {...} / H^2, all / H */
    double t1 = sum2 * (1.0 + (1.0 - z) * (1.0 - z)) / z;
    double t2 = diff * diff * z * mp2 / m2;
    double t3_h = 2.0 * zz * ((l * l - 6.0 * l * r + r * r) * mp2 - sum2 * m2);
    double curly = mp4_coeff * z * z * sum2 * mp2 * mp2 + (1.0 - z) * sum2 * m2 * m2 +
                   ((z * z + z - 1.0) * sum2 + 6.0 * (1.0 - z) * l * r) * mp2 * m2;
    k[0] = (t1 + t2) * norm;
    k[1] = t3_h * norm;
    k[2] = 2.0 * zz * curly * norm;
}

double nr_brem_splitting(const nr_proton_chiral_couplings *c, nr_brem_splitting_variant variant, double z,
                         double pt2_gev2, double m_x_gev)
{
    if (!c || !(z > 0.0 && z < 1.0) || !(pt2_gev2 >= 0.0) || !(m_x_gev > 0.0)) return 0.0;
    double k[3], inv_h = 1.0 / brem_h(z, pt2_gev2, m_x_gev);
    splitting_in_inverse_h(c, variant, z, m_x_gev, k);
    return inv_h * (k[0] + inv_h * (k[1] + inv_h * k[2]));
}

/* The cuts of d sigma/dz dpT^2: z_min < z < z_max, 0 <= pT^2 < pT_max^2 and the virtuality below Lambda_QCD^2. */
static int brem_point_passes_cuts(const nr_brem_options *opt, double z, double pt2_gev2, double m_x_gev)
{
    if (!(z > opt->z_min && z < opt->z_max) || !(pt2_gev2 >= 0.0) || !(pt2_gev2 < opt->pt_max_gev * opt->pt_max_gev))
        return 0;
    double s = opt->sqrt_s_gev * opt->sqrt_s_gev;
    double e_beam_target_frame = s / (2.0 * NR_M_PROTON); /* 004 sec. III A: the other proton at rest */
    double lambda2 = opt->lambda_qcd_gev * opt->lambda_qcd_gev;
    return nr_brem_virtuality_gev2(z, pt2_gev2, m_x_gev, e_beam_target_frame) < lambda2;
}

/* d sigma/dz dpT^2 with the proton form factor |F1(m_x^2)|^2 given (it depends on the mass only). */
static double dsigma_dz_dpt2_pb(const nr_proton_chiral_couplings *c, const nr_brem_options *opt, double z,
                                double pt2_gev2, double m_x_gev, double f1_abs2)
{
    if (!brem_point_passes_cuts(opt, z, pt2_gev2, m_x_gev)) return 0.0;
    double s = opt->sqrt_s_gev * opt->sqrt_s_gev;
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

/* The pT^2 integral of k[0]/H + k[1]/H^2 + k[2]/H^3 from H = h0 to h0 + t (and, in *mean_h, that of H times it),
 * without cancellation: ln(h1/h0) = log1p(t/h0), 1/h0 - 1/h1 = t/(h0 h1), (1/h0^2 - 1/h1^2)/2 = t (h0 + h1) / (2 h0^2 h1^2). */
static double inverse_h_integral(const double k[3], double h0, double t, double *h_moment)
{
    double h1 = h0 + t, log_ratio = log1p(t / h0), d1 = t / (h0 * h1), d2 = 0.5 * t * (h0 + h1) / (h0 * h0 * h1 * h1);
    if (h_moment) *h_moment = k[0] * t + k[1] * log_ratio + k[2] * d1;
    return k[0] * log_ratio + k[1] * d1 + k[2] * d2;
}

/* The pT^2 range [0, t) that passes every cut of opt at z, with pT below tan_acc * z p_beam: t <= 0 if none. */
static double accepted_pt2(const nr_brem_options *o, double z, double m_x, double p_beam, double tan_acc)
{
    double s = o->sqrt_s_gev * o->sqrt_s_gev, e_target_frame = s / (2.0 * NR_M_PROTON);
    double pz_max = tan_acc * z * p_beam, t = fmin(pz_max * pz_max, o->pt_max_gev * o->pt_max_gev);
    /* 004 Eq. (30): |q^2_min| < Lambda^2 <=> H < 2 E z (1 - z) Lambda, E the beam energy in the target frame */
    double h_cut = 2.0 * e_target_frame * z * (1.0 - z) * o->lambda_qcd_gev;
    return fmin(t, h_cut - brem_h(z, 0.0, m_x));
}

/* d sigma/dz over the accepted pT^2 [pb] and (mean_pt2) the mean pT^2 there [GeV^2]. */
static double dsigma_dz_accepted_pb(const nr_proton_chiral_couplings *c, const nr_brem_options *o, double z,
                                    double m_x, double f1_abs2, double pt2_max, double *mean_pt2)
{
    if (mean_pt2) *mean_pt2 = 0.0;
    if (!(z > o->z_min && z < o->z_max) || !(pt2_max > 0.0)) return 0.0;
    double k[3], h0 = brem_h(z, 0.0, m_x), h_moment;
    splitting_in_inverse_h(c, o->variant, z, m_x, k);
    double integral = inverse_h_integral(k, h0, pt2_max, &h_moment);
    if (!(integral > 0.0)) return 0.0;
    if (mean_pt2) *mean_pt2 = fmax(0.0, h_moment / integral - h0); /* <H> - h0 */
    double s = o->sqrt_s_gev * o->sqrt_s_gev;
    return f1_abs2 * integral * nr_pp_sigma_inel_mb(s * (1.0 - z)) * 1e9; /* 004 Eqs. 25, 36; s' = s (1 - z) */
}

double nr_brem_dsigma_dz_accepted_pb(const nr_proton_chiral_couplings *c, const nr_brem_options *opt, double z,
                                     double pt2_max_gev2, double m_x_gev)
{
    if (!c || !opt || !(m_x_gev > 0.0) || !(pt2_max_gev2 > 0.0)) return 0.0;
    double t = fmin(accepted_pt2(opt, z, m_x_gev, 1.0, INFINITY), pt2_max_gev2);
    return dsigma_dz_accepted_pb(c, opt, z, m_x_gev, nr_proton_form_factor_f1_abs2_set(opt->resonances, m_x_gev * m_x_gev),
                                 t, NULL);
}

static int brem_options_are_valid(const nr_brem_options *o)
{
    return o && o->sqrt_s_gev > 2.0 * NR_M_PROTON && isfinite(o->sqrt_s_gev) && o->z_min >= 0.0 &&
           o->z_max <= 1.0 && o->z_min < o->z_max && o->pt_max_gev > 0.0 && o->lambda_qcd_gev > 0.0 &&
           o->n_sub >= 1 && o->n_sub <= 64 &&
           (o->variant == NR_BREM_SPLITTING_004_EQ27 || o->variant == NR_BREM_SPLITTING_BLUMLEIN_BRUNNER) &&
           (o->resonances == NR_BREM_RESONANCES_PDG || o->resonances == NR_BREM_RESONANCES_004_TABLE_IV);
}

/* A momentum node of the grid quadrature (issue 11: the (theta, p) fill without a log and two exps per point). At
 * angle theta the node's z = p cos(theta) / p_beam lies just below z0 = p / p_beam, so sigma_pp(s (1 - z)) follows
 * from its value at z0 by a short series instead of the log and the two exponentials of nr_pp_sigma_total_mb:
 * with x = (z0 - z) / (1 - z0) >= 0 and d = ln((1 - z)/(1 - z0)) = log1p(x) = x - x^2/2 + x^3/3 - x^4/4 + x^5/5,
 * sigma_tot = Z + B (l0 + d)^2 + R1 e^(-eta1 d) - R2 e^(-eta2 d) (l0 = ln(s'_0/s0), R_i = Y_i s'_0^-eta_i), the
 * quadratic exact and each exponential to (eta d)^4 / 24. Used where x <= 1e-3 (x ~ theta^2 z0 / (2 (1 - z0)): at
 * z0 <= 1/2 every node below 45 mrad), the exact form elsewhere: the truncations, x^6/6 and (eta d)^5/120, are
 * below 2e-19, and the cells equal the exact form's to rounding (tests/test_bremsstrahlung.c, test_grid_nodes). */
typedef struct {
    double p, z0;      /* momentum midpoint [GeV], p / p_beam                                     */
    double l0, r1, r2; /* at s'_0 = s (1 - z0): ln(s'_0/s0), Y1 s'_0^-eta1, Y2 s'_0^-eta2 [mb]      */
    int series;        /* s'_0 above the pp threshold: the series applies                          */
} brem_p_node;

#define BREM_SERIES_X_MAX 1e-3

static void brem_p_node_init(brem_p_node *n, double p, double p_beam, double s)
{
    n->p = p;
    n->z0 = p / p_beam;
    double s_prime = s * (1.0 - n->z0);
    n->series = n->z0 < 1.0 && s_prime > 4.0 * NR_M_PROTON * NR_M_PROTON;
    if (!n->series) return;
    double ln_s = log(s_prime);
    n->l0 = ln_s - log(pp_s0);
    n->r1 = pp_y1 * exp(-pp_eta1 * ln_s);
    n->r2 = pp_y2 * exp(-pp_eta2 * ln_s);
}

/* e^-y to y^4/24 (|y| < 1e-3 here) */
static inline double exp_minus_series(double y)
{
    return 1.0 - y * (1.0 - y * (0.5 - y * (1.0 / 6.0 - y * (1.0 / 24.0))));
}

/* sigma_inel(s (1 - z)) [mb] for z = the node's p cos(theta) / p_beam (brem_p_node). */
static double pp_sigma_inel_at_node(const brem_p_node *n, double s, double z)
{
    double x = (n->z0 - z) / (1.0 - n->z0);
    if (!n->series || !(x >= 0.0 && x <= BREM_SERIES_X_MAX) || !(s * (1.0 - z) > 4.0 * NR_M_PROTON * NR_M_PROTON))
        return nr_pp_sigma_inel_mb(s * (1.0 - z));
    double d = x * (1.0 - x * (0.5 - x * (1.0 / 3.0 - x * (0.25 - x * 0.2)))), l = n->l0 + d;
    return PP_INEL_OVER_TOTAL *
           (pp_z + pp_b * l * l + n->r1 * exp_minus_series(pp_eta1 * d) - n->r2 * exp_minus_series(pp_eta2 * d));
}

/* dsigma_dz_dpt2_pb with sigma_pp from the node (pp_sigma_inel_at_node): the same cuts (brem_point_passes_cuts). */
static double dsigma_dz_dpt2_at_node_pb(const nr_proton_chiral_couplings *c, const nr_brem_options *opt,
                                        const brem_p_node *node, double z, double pt2_gev2, double m_x_gev,
                                        double f1_abs2)
{
    if (!brem_point_passes_cuts(opt, z, pt2_gev2, m_x_gev)) return 0.0;
    double s = opt->sqrt_s_gev * opt->sqrt_s_gev;
    double sigma_pb = pp_sigma_inel_at_node(node, s, z) * 1e9; /* 1 mb = 1e9 pb; s' = s (1 - z) */
    return f1_abs2 * nr_brem_splitting(c, opt->variant, z, pt2_gev2, m_x_gev) * sigma_pb;
}

/* The angle midpoints of one row of cells: theta [rad], sin, cos; n of them below 90 degrees. */
typedef struct {
    int n;
    double theta[64], st[64], ct[64];
} brem_theta_row;

static void brem_theta_row_init(brem_theta_row *r, int it, int n_sub)
{
    double h = NR_LLP_CELL_LOG10_WIDTH / n_sub, lt0 = NR_LLP_LOG10_THETA_MIN + it * NR_LLP_CELL_LOG10_WIDTH;
    for (r->n = 0; r->n < n_sub; r->n++) {
        double theta = pow(10.0, lt0 + (r->n + 0.5) * h);
        if (theta >= 0.5 * NR_PI) break;
        r->theta[r->n] = theta;
        r->st[r->n] = sin(theta);
        r->ct[r->n] = cos(theta);
    }
}

/* Cross section [pb] in one grid cell (row, the n_sub momentum nodes p of its column): the integral of
 * d sigma/dz dpT^2 over the cell, written in (log10 theta, log10 p): dz dpT^2 = (p / P) dp^2 dcos(theta) =
 * (p/P) (2 p^2 ln10)(sin(theta) theta ln10) dlog10p dlog10theta, with midpoints. */
static double brem_cell_pb(const nr_proton_chiral_couplings *c, const nr_brem_options *o, double m_x,
                           double f1_abs2, double p_beam, const brem_theta_row *row, const brem_p_node *p)
{
    double h = NR_LLP_CELL_LOG10_WIDTH / o->n_sub, ln10 = log(10.0), sum = 0.0;
    for (int a = 0; a < row->n; a++) {
        double theta = row->theta[a], st = row->st[a], ct = row->ct[a];
        for (int b = 0; b < o->n_sub; b++) {
            double z = p[b].p * ct / p_beam, pt2 = p[b].p * p[b].p * st * st;
            double jac = (p[b].p / p_beam) * (2.0 * p[b].p * p[b].p * ln10) * (st * theta * ln10) * h * h;
            sum += jac * dsigma_dz_dpt2_at_node_pb(c, o, &p[b], z, pt2, m_x, f1_abs2);
        }
    }
    return sum;
}

/* The mass-independent part of the grid quadrature (issue 11: zd_hnl's Fig. 4 rebuilds the Z_D bremsstrahlung at each of
 * its ~76 masses, m_ZD = 8 m_N). At a node (theta, p) of a cell, z = p cos(theta) / p_beam, pT^2 = p^2 sin^2(theta),
 * the Jacobian of brem_cell_pb, sigma_inel(s (1 - z)) (pp_sigma_inel_at_node) and the mass-independent cuts (the z
 * window, 0 <= pT^2 < pT_max^2) do not depend on m_X: they are computed once per process and options (at most 4
 * option sets; 16036 cells x 16 nodes x 32 bytes = 8 MB at 13.6 TeV), by the same expressions in the same order as
 * brem_cell_pb, so the cells are bit-identical (zd_hnl Figs. 3 and 4, `golden_contours zd_hnl_fig4 50`: every line
 * equal to main's at e2b414b; tests/test_contour_golden.c). The four quantities are kept in separate arrays (one
 * entry per node) so that the per-mass loop (brem_node_terms) runs over them in SIMD registers. */
typedef struct {
    nr_brem_options opt;  /* the key (variant and resonances do not enter the nodes; compared anyway)       */
    int *first;           /* per cell it * NR_LLP_N_P + ip: index of its first node, -1 where not tabulated   */
    int *count;           /* per cell: its nodes (row->n * n_sub, at most 16)                                */
    double *jac;          /* per node: (p/P)(2 p^2 ln10)(sin(theta) theta ln10) h^2 of brem_cell_pb           */
    double *z, *pt2;      /* per node: z (1/2 where sigma_pb is 0), pT^2 [GeV^2]                              */
    double *sigma_pb;     /* per node: sigma_inel(s (1 - z)) [pb]; 0 where z or pT^2 fails its (mass-independent) cut */
} brem_node_table;

enum { BREM_NODE_TABLES = 4 }; /* distinct option sets kept per process (zd_hnl uses one per collider energy) */
static brem_node_table brem_tables[BREM_NODE_TABLES];
static int brem_n_tables;
static pthread_mutex_t brem_tables_lock = PTHREAD_MUTEX_INITIALIZER;

static int brem_options_equal(const nr_brem_options *a, const nr_brem_options *b)
{
    return a->sqrt_s_gev == b->sqrt_s_gev && a->z_min == b->z_min && a->z_max == b->z_max &&
           a->pt_max_gev == b->pt_max_gev && a->lambda_qcd_gev == b->lambda_qcd_gev && a->variant == b->variant &&
           a->resonances == b->resonances && a->n_sub == b->n_sub;
}

/* Whether the grid loop of nr_llp_spectrum_add_bremsstrahlung_in visits cell (it, ip) (region aside). */
static int brem_cell_in_grid(const nr_brem_options *opt, double log10_p_max, int it, int ip)
{
    double lt0 = NR_LLP_LOG10_THETA_MIN + it * NR_LLP_CELL_LOG10_WIDTH;
    if (lt0 > log10(0.5 * NR_PI)) return 0;
    double lp0 = NR_LLP_LOG10_P_MIN + ip * NR_LLP_CELL_LOG10_WIDTH;
    if (lp0 > log10_p_max) return 0;
    return !(lp0 + log10(sin(pow(10.0, lt0))) > log10(opt->pt_max_gev));
}

static void brem_node_table_free(brem_node_table *t)
{
    free(t->first);
    free(t->count);
    free(t->jac); /* z, pt2 and sigma_pb share its allocation */
    t->first = t->count = NULL;
    t->jac = t->z = t->pt2 = t->sigma_pb = NULL;
}

static int brem_node_table_build(brem_node_table *t, const nr_brem_options *opt, double p_beam, double log10_p_max,
                                 const brem_p_node *pnodes)
{
    const int n_sub = opt->n_sub;
    const double h = NR_LLP_CELL_LOG10_WIDTH / n_sub, ln10 = log(10.0);
    const double s = opt->sqrt_s_gev * opt->sqrt_s_gev;
    t->first = malloc(sizeof *t->first * (size_t)NR_LLP_N_THETA * NR_LLP_N_P);
    t->count = malloc(sizeof *t->count * (size_t)NR_LLP_N_THETA * NR_LLP_N_P);
    t->jac = NULL;
    size_t n_nodes = 0;
    if (!t->first || !t->count) goto fail;
    for (int it = 0; it < NR_LLP_N_THETA; it++)
        for (int ip = 0; ip < NR_LLP_N_P; ip++) {
            int in = brem_cell_in_grid(opt, log10_p_max, it, ip);
            t->first[it * NR_LLP_N_P + ip] = in ? (int)n_nodes : -1;
            n_nodes += in ? (size_t)(n_sub * n_sub) : 0;
        }
    if (n_nodes > (size_t)INT_MAX) goto fail;
    const size_t n_alloc = n_nodes ? n_nodes : 1;
    t->jac = malloc(sizeof *t->jac * 4 * n_alloc);
    if (!t->jac) goto fail;
    t->z = t->jac + n_alloc;
    t->pt2 = t->z + n_alloc;
    t->sigma_pb = t->pt2 + n_alloc;
    for (int it = 0; it < NR_LLP_N_THETA; it++) {
        brem_theta_row row;
        brem_theta_row_init(&row, it, n_sub);
        for (int ip = 0; ip < NR_LLP_N_P; ip++) {
            int f = t->first[it * NR_LLP_N_P + ip];
            t->count[it * NR_LLP_N_P + ip] = f < 0 ? 0 : row.n * n_sub;
            if (f < 0) continue;
            const brem_p_node *p = &pnodes[ip * n_sub];
            size_t i = (size_t)f;
            for (int a = 0; a < row.n; a++) {
                double theta = row.theta[a], st = row.st[a], ct = row.ct[a];
                for (int b = 0; b < n_sub; b++, i++) {
                    /* brem_cell_pb's expressions, term for term */
                    double z = p[b].p * ct / p_beam, pt2 = p[b].p * p[b].p * st * st;
                    t->jac[i] = (p[b].p / p_beam) * (2.0 * p[b].p * p[b].p * ln10) * (st * theta * ln10) * h * h;
                    t->pt2[i] = pt2;
                    int pass = (z > opt->z_min && z < opt->z_max) && pt2 >= 0.0 &&
                               pt2 < opt->pt_max_gev * opt->pt_max_gev; /* brem_point_passes_cuts */
                    t->sigma_pb[i] = pass ? pp_sigma_inel_at_node(&p[b], s, z) * 1e9 : 0.0;
                    /* a failing node's z is read only by its discarded lane (brem_node_terms): 1/2 there keeps that
                     * lane's H > 0 and its value finite (z itself may exceed 1, where H can vanish) */
                    t->z[i] = pass ? z : 0.5;
                }
            }
        }
    }
    t->opt = *opt;
    return 1;
fail:
    brem_node_table_free(t);
    return 0;
}

/* The node table of opt among those built (NULL: none); brem_tables_lock held. */
static const brem_node_table *brem_node_table_held(const nr_brem_options *opt)
{
    for (int i = 0; i < brem_n_tables; i++)
        if (brem_options_equal(&brem_tables[i].opt, opt)) return &brem_tables[i];
    return NULL;
}

/* The node table of opt when the process holds it (NULL otherwise). */
static const brem_node_table *brem_node_table_find(const nr_brem_options *opt)
{
    pthread_mutex_lock(&brem_tables_lock);
    const brem_node_table *found = brem_node_table_held(opt);
    pthread_mutex_unlock(&brem_tables_lock);
    return found;
}

/* The node table of opt, built on first use; NULL when n_sub > 4, when the process already holds BREM_NODE_TABLES
 * others or out of memory (the caller then sums directly). Tables live as long as the process (8 MB each at 13.6 TeV). */
static const brem_node_table *brem_node_table_get(const nr_brem_options *opt, double p_beam, double log10_p_max,
                                                  const brem_p_node *pnodes)
{
    if (opt->n_sub > 4) return NULL; /* 16 nodes per cell at most (the default n_sub = 4): 8 MB, not n_sub^2 / 16 times it */
    pthread_mutex_lock(&brem_tables_lock);
    const brem_node_table *found = brem_node_table_held(opt);
    if (!found && brem_n_tables < BREM_NODE_TABLES &&
        brem_node_table_build(&brem_tables[brem_n_tables], opt, p_beam, log10_p_max, pnodes))
        found = &brem_tables[brem_n_tables++];
    pthread_mutex_unlock(&brem_tables_lock);
    return found;
}

/* The momentum nodes of every column (NR_LLP_N_P x n_sub, the same for every row; brem_p_node), or NULL when out of
 * memory. Needed to build the node table and to sum a cell directly, not to sum from the table. */
static brem_p_node *brem_p_nodes_new(const nr_brem_options *opt, double p_beam)
{
    brem_p_node *nodes = malloc(sizeof *nodes * (size_t)NR_LLP_N_P * (size_t)opt->n_sub);
    if (!nodes) return NULL;
    const double h = NR_LLP_CELL_LOG10_WIDTH / opt->n_sub, s_pp = opt->sqrt_s_gev * opt->sqrt_s_gev;
    for (int ip = 0; ip < NR_LLP_N_P; ip++)
        for (int b = 0; b < opt->n_sub; b++)
            brem_p_node_init(&nodes[ip * opt->n_sub + b],
                             pow(10.0, NR_LLP_LOG10_P_MIN + ip * NR_LLP_CELL_LOG10_WIDTH + (b + 0.5) * h), p_beam, s_pp);
    return nodes;
}

/* What the splitting function (splitting_in_inverse_h, 004 Eq. 27), the virtuality cut (brem_point_passes_cuts,
 * 004 Eq. 30) and dsigma_dz_dpt2_pb use at every node of one call that depends on neither z nor pT^2: the couplings,
 * m_X and its form factor. Each is the same expression as there, so each node's value is the same double. */
typedef struct {
    double m_x, m2;       /* m_X [GeV], m_X^2 [GeV^2]                                                         */
    double f1_abs2;       /* |F1(m_X^2)|^2 (004 Eq. 31)                                                        */
    double l, r, sum2;    /* g_L, g_R, g_L^2 + g_R^2                                                           */
    double diff2;         /* (g_L - g_R)^2: 0 for a vector coupling (the dark photon), then t2 of Eq. 27 is +0 */
    double mp4_coeff;     /* 1 (004 Eq. 27) or 2 (Bluemlein-Brunner)                                           */
    double t3_factor;     /* (g_L^2 - 6 g_L g_R + g_R^2) m_p^2 - (g_L^2 + g_R^2) m_X^2 [GeV^2] of t3           */
    double two_e;         /* 2 E [GeV], E the beam energy in the target frame (004 Eq. 30)                     */
    double lambda2;       /* Lambda_QCD^2 [GeV^2]                                                              */
} brem_mass_terms;

static void brem_mass_terms_init(brem_mass_terms *k, const nr_proton_chiral_couplings *c, const nr_brem_options *o,
                                 double m_x, double f1_abs2)
{
    const double l = c->g_L, r = c->g_R, mp2 = NR_M_PROTON * NR_M_PROTON, s = o->sqrt_s_gev * o->sqrt_s_gev;
    k->m_x = m_x;
    k->m2 = m_x * m_x;
    k->f1_abs2 = f1_abs2;
    k->l = l;
    k->r = r;
    k->sum2 = l * l + r * r;
    k->diff2 = (l - r) * (l - r);
    k->mp4_coeff = o->variant == NR_BREM_SPLITTING_BLUMLEIN_BRUNNER ? 2.0 : 1.0;
    k->t3_factor = (l * l - 6.0 * l * r + r * r) * mp2 - k->sum2 * k->m2;
    k->two_e = 2.0 * (s / (2.0 * NR_M_PROTON));
    k->lambda2 = o->lambda_qcd_gev * o->lambda_qcd_gev;
}

/* term[i] = jac f1 w(z, pT^2, m_X) sigma at the n nodes of one cell, 0 where a node fails a cut: the products of
 * brem_cell_pb_tabulated before (main at d1d760f), written without branches so that the compiler runs the nodes two
 * at a time in SIMD registers (each lane rounds as the scalar code did). Node values: z in (z_min, z_max) within
 * (0, 1) wherever sigma_pb != 0, so nr_brem_splitting's guards hold there; elsewhere (z stored as 1/2) the lane is
 * discarded. t2 of 004 Eq. 27, (g_L - g_R)^2 z m_p^2 / m_X^2, is computed only when with_t2 (else it is +0, and
 * t1 + 0 = t1). */
static inline void brem_node_terms(const brem_mass_terms *k, const double *restrict jac, const double *restrict z_of,
                                   const double *restrict pt2_of, const double *restrict sigma_of, int n,
                                   double *restrict term, int with_t2)
{
    const double mp2 = NR_M_PROTON * NR_M_PROTON, norm = 1.0 / (16.0 * NR_PI * NR_PI);
    const double m_x = k->m_x, m2 = k->m2, l = k->l, r = k->r, sum2 = k->sum2;
    for (int i = 0; i < n; i++) {
        const double z = z_of[i], pt2 = pt2_of[i], sigma = sigma_of[i];
        /* brem_h (004 Eq. 29) and the virtuality cut (Eq. 30) */
        const double hh = pt2 + (1.0 - z) * m_x * m_x + z * z * NR_M_PROTON * NR_M_PROTON;
        const double d = k->two_e * z * (1.0 - z);
        const double pass = (sigma != 0.0) & (hh * hh / (d * d) < k->lambda2) ? 1.0 : 0.0; /* & : no branch */
        /* splitting_in_inverse_h */
        const double zz = z * (1.0 - z);
        const double t1 = sum2 * (1.0 + (1.0 - z) * (1.0 - z)) / z;
        const double t2 = with_t2 ? k->diff2 * z * mp2 / m2 : 0.0;
        const double t3_h = 2.0 * zz * k->t3_factor;
        const double curly = k->mp4_coeff * z * z * sum2 * mp2 * mp2 + (1.0 - z) * sum2 * m2 * m2 +
                             ((z * z + z - 1.0) * sum2 + 6.0 * (1.0 - z) * l * r) * mp2 * m2;
        const double k0 = (t1 + t2) * norm, k1 = t3_h * norm, k2 = 2.0 * zz * curly * norm;
        /* nr_brem_splitting and dsigma_dz_dpt2_pb */
        const double inv_h = 1.0 / hh;
        const double w = inv_h * (k0 + inv_h * (k1 + inv_h * k2));
        /* times 1 or 0 rather than a branch, which the compiler would not run in SIMD registers (the divisions would
         * move into it); every lane's value is finite (0 < z < 1 wherever sigma_pb != 0, z = 1/2 elsewhere: H > 0),
         * so a failing node gives +0 or -0 */
        term[i] = jac[i] * (k->f1_abs2 * w * sigma) * pass;
    }
}

/* brem_cell_pb from the cell's tabulated nodes (first, n <= 16): the sum of their terms in node order. A node failing
 * a cut adds +0 or -0, which leaves the sum as it was (it starts at +0, and +0 + -0 = +0), as skipping it did. */
static double brem_cell_pb_tabulated(const brem_mass_terms *k, const brem_node_table *t, int first, int n)
{
    double term[16];
    if (k->diff2 != 0.0)
        brem_node_terms(k, t->jac + first, t->z + first, t->pt2 + first, t->sigma_pb + first, n, term, 1);
    else
        brem_node_terms(k, t->jac + first, t->z + first, t->pt2 + first, t->sigma_pb + first, n, term, 0);
    double sum = 0.0;
    for (int i = 0; i < n; i++)
        sum += term[i];
    return sum;
}

nr_status nr_llp_spectrum_add_bremsstrahlung(nr_llp_spectrum *s, const nr_proton_chiral_couplings *c,
                                             const nr_brem_options *opt, nr_error *err)
{
    return nr_llp_spectrum_add_bremsstrahlung_in(s, c, opt, NULL, err);
}

nr_status nr_llp_spectrum_add_bremsstrahlung_in(nr_llp_spectrum *s, const nr_proton_chiral_couplings *c,
                                                const nr_brem_options *opt, const nr_llp_cell_region *region,
                                                nr_error *err)
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
    /* the tabulated nodes need m_X > 0 (nr_brem_splitting is 0 otherwise; brem_cell_pb keeps that case); the momentum
     * nodes only when the table is to be built or is missing (brem_p_nodes_new: a pow, a log and two exps each) */
    const brem_node_table *table = s->mass_gev > 0.0 ? brem_node_table_find(opt) : NULL;
    brem_p_node *nodes = NULL;
    if (!table) {
        if (!(nodes = brem_p_nodes_new(opt, p_beam)))
            return nr_fail(err, NR_ENOMEM, "llp spectrum", "out of memory for the bremsstrahlung nodes");
        if (s->mass_gev > 0.0)
            table = brem_node_table_get(opt, p_beam, log10_p_max, nodes);
    }
    brem_mass_terms terms;
    brem_mass_terms_init(&terms, c, opt, s->mass_gev, f1_abs2);
    int it_top = NR_LLP_N_THETA - 1; /* the highest angle cell the region holds */
    if (region) {
        it_top = -1;
        for (int ip = 0; ip < NR_LLP_N_P; ip++)
            if (region->it_max[ip] > it_top) it_top = region->it_max[ip];
    }
    const double log10_pt_max = log10(opt->pt_max_gev);
    for (int it = 0; it <= it_top && it < NR_LLP_N_THETA; it++) {
        double lt0 = NR_LLP_LOG10_THETA_MIN + it * NR_LLP_CELL_LOG10_WIDTH;
        if (lt0 > log10(0.5 * NR_PI)) break;
        double log10_sin_theta_min = log10(sin(pow(10.0, lt0)));
        brem_theta_row row; /* for brem_cell_pb only: set on its first use in the row */
        int row_ready = 0;
        for (int ip = 0; ip < NR_LLP_N_P; ip++) {
            double lp0 = NR_LLP_LOG10_P_MIN + ip * NR_LLP_CELL_LOG10_WIDTH;
            if (lp0 > log10_p_max) break;
            /* skip cells entirely above the pT cut */
            if (lp0 + log10_sin_theta_min > log10_pt_max) break;
            if (region && it > region->it_max[ip]) continue; /* a cell the caller does not read */
            const int cell = it * NR_LLP_N_P + ip;
            if (table && table->first[cell] >= 0) {
                s->w_pb[cell] += brem_cell_pb_tabulated(&terms, table, table->first[cell], table->count[cell]);
                continue;
            }
            if (!nodes && !(nodes = brem_p_nodes_new(opt, p_beam))) /* the table covers the grid: not expected */
                return nr_fail(err, NR_ENOMEM, "llp spectrum", "out of memory for the bremsstrahlung nodes");
            if (!row_ready) {
                brem_theta_row_init(&row, it, opt->n_sub);
                row_ready = 1;
            }
            s->w_pb[cell] += brem_cell_pb(c, opt, s->mass_gev, f1_abs2, p_beam, &row, &nodes[ip * opt->n_sub]);
        }
    }
    free(nodes);
    return NR_OK;
}

/* The accepted pT^2 range is, at each z, a closed-form integral (nr_brem_dsigma_dz_accepted_pb): what is left is one
 * integral over z, done per momentum bin (p_z = z p_beam; bins of 0.05 / p_bins_per_cell dex in log10 p from
 * 10^NR_LLP_LOG10_P_MIN, the spectrum grid's lowest momentum) by 3-point Gauss-Legendre in ln z, the bins split where
 * the pT cut takes over from the angular one (a kink in z) and at the pp threshold of sigma_pp(s') (a step). Each bin
 * keeps its weight (times per_pb) and weighted mean |p|. p_beam [GeV] is the beam momentum of the frame z is defined in (collider: sqrt(s)/2; fixed target: the lab's). */
static nr_status brem_accept_in_frame(const nr_proton_chiral_couplings *c, const nr_brem_options *opt, double m_x_gev,
                                      const nr_decay_volume *v, int p_bins_per_cell, double p_beam, double per_pb,
                                      nr_llp_accepted *acc, nr_error *err)
{
    if (!acc) return nr_fail(err, NR_EINTERNAL, "brem accept", "no output");
    memset(acc, 0, sizeof *acc);
    if (!c) return nr_fail(err, NR_EINTERNAL, "brem accept", "no couplings");
    if (!brem_options_are_valid(opt))
        return nr_fail(err, NR_EINPUT, "/params/bremsstrahlung",
                       "bremsstrahlung options out of range (sqrt_s > 2 m_p, 0 <= z_min < z_max <= 1, pT_max > 0, "
                       "Lambda_QCD > 0, 1 <= n_sub <= 64)");
    if (!(m_x_gev > 0.0) || !isfinite(m_x_gev))
        return nr_fail(err, NR_EINPUT, "/params/mass", "the LLP mass must be positive, got %g GeV", m_x_gev);
    if (nr_decay_volume_check(v, err) != NR_OK) return NR_EINPUT;
    if (p_bins_per_cell < 1 || p_bins_per_cell > 64)
        return nr_fail(err, NR_EINPUT, "/params/p_bins_per_cell", "momentum bins per 0.05 dex must be in 1..64");
    acc->mass_gev = m_x_gev;
    double tan_acc = v->radius_m / (v->distance_m + v->length_m); /* 004 Eq. (22): pT / p_z below this */
    double f1_abs2 = nr_proton_form_factor_f1_abs2_set(opt->resonances, m_x_gev * m_x_gev);
    double bin_dex = NR_LLP_CELL_LOG10_WIDTH / p_bins_per_cell;
    double z_lo = fmax(opt->z_min, pow(10.0, NR_LLP_LOG10_P_MIN) / p_beam), z_hi = opt->z_max;
    double z_kink = opt->pt_max_gev / (tan_acc * p_beam); /* tan_acc z p_beam = pT_max */
    /* sigma_pp(s (1 - z)) of 004 Eq. (25) ends with a step at the pp threshold s (1 - z) = 4 m_p^2 (z = 0.973 at
     * nu-Cal, 0.985 at DUNE, 1 - 2e-8 at 13.6 TeV): a break there too, or the bin holding it is integrated across a
     * step, an error first order in the bin width at the highest momenta */
    double z_thr = 1.0 - 4.0 * NR_M_PROTON * NR_M_PROTON / (opt->sqrt_s_gev * opt->sqrt_s_gev);
    if (!(z_hi > z_lo)) return NR_OK;
    int i_lo = (int)floor((log10(z_lo * p_beam) - NR_LLP_LOG10_P_MIN) / bin_dex);
    int i_hi = (int)ceil((log10(z_hi * p_beam) - NR_LLP_LOG10_P_MIN) / bin_dex);
    size_t n_max = (size_t)(i_hi - i_lo + 1);
    acc->p_gev = malloc(n_max * sizeof *acc->p_gev);
    acc->weight_pb = malloc(n_max * sizeof *acc->weight_pb);
    if (!acc->p_gev || !acc->weight_pb) {
        nr_llp_accepted_free(acc);
        return nr_fail(err, NR_ENOMEM, "brem accept", "out of memory");
    }
    /* 3-point Gauss-Legendre on [-1, 1] */
    static const double gl_x[3] = {-0.7745966692414833770, 0.0, 0.7745966692414833770};
    static const double gl_w[3] = {5.0 / 9.0, 8.0 / 9.0, 5.0 / 9.0};
    for (int i = i_lo; i < i_hi; i++) {
        double a = fmax(z_lo, pow(10.0, NR_LLP_LOG10_P_MIN + i * bin_dex) / p_beam);
        double b = fmin(z_hi, pow(10.0, NR_LLP_LOG10_P_MIN + (i + 1) * bin_dex) / p_beam);
        if (!(b > a)) continue;
        double edges[4] = {a, b, b, b};
        int n_pieces = 1;
        for (int k = 0; k < 2; k++) { /* the breaks, in increasing z (z_kink <= z_thr is not assumed) */
            double zb = k == 0 ? fmin(z_kink, z_thr) : fmax(z_kink, z_thr);
            if (zb > edges[n_pieces - 1] && zb < b) {
                edges[n_pieces] = zb;
                edges[++n_pieces] = b;
            }
        }
        double w = 0.0, wp = 0.0;
        for (int k = 0; k < n_pieces; k++) {
            double la = log(edges[k]), lb = log(edges[k + 1]), half = 0.5 * (lb - la), mid = 0.5 * (lb + la);
            for (int g = 0; g < 3; g++) {
                double z = exp(mid + half * gl_x[g]), mean_pt2, pz = z * p_beam;
                double dsdz = dsigma_dz_accepted_pb(c, opt, z, m_x_gev, f1_abs2,
                                                    accepted_pt2(opt, z, m_x_gev, p_beam, tan_acc), &mean_pt2);
                double dw = dsdz * z * half * gl_w[g]; /* dz = z d ln z */
                w += dw;
                wp += dw * sqrt(pz * pz + mean_pt2); /* |p| at the mean pT^2 */
            }
        }
        if (!(w > 0.0)) continue;
        acc->p_gev[acc->n] = wp / w;
        acc->weight_pb[acc->n] = w * per_pb;
        acc->total_pb += acc->weight_pb[acc->n];
        acc->n++;
    }
    return NR_OK;
}

nr_status nr_brem_accept(const nr_proton_chiral_couplings *c, const nr_brem_options *opt, double m_x_gev,
                         const nr_decay_volume *v, int p_bins_per_cell, nr_llp_accepted *acc, nr_error *err)
{
    double p_beam = 0.0;
    if (opt) {
        double e_beam = 0.5 * opt->sqrt_s_gev; /* collider frame: each beam carries sqrt(s)/2 */
        p_beam = sqrt(e_beam * e_beam - NR_M_PROTON * NR_M_PROTON);
    }
    return brem_accept_in_frame(c, opt, m_x_gev, v, p_bins_per_cell, p_beam, 1.0, acc, err);
}

double nr_fixed_target_sqrt_s_gev(double e_beam_gev)
{
    return sqrt(2.0 * NR_M_PROTON * (NR_M_PROTON + e_beam_gev));
}

nr_status nr_brem_check_fixed_target_beam(double e_beam_gev, const char *where, nr_error *err)
{
    double s_min = NR_BREM_FIXED_TARGET_SQRT_S_MIN_GEV * NR_BREM_FIXED_TARGET_SQRT_S_MIN_GEV;
    double e_min = (s_min - 2.0 * NR_M_PROTON * NR_M_PROTON) / (2.0 * NR_M_PROTON); /* [GeV] */
    if (isfinite(e_beam_gev) && e_beam_gev >= e_min)
        return NR_OK;
    return nr_fail_rule(err, NR_EINPUT, NR_RULE_RANGE, where,
                        "beam energy %g GeV: proton bremsstrahlung (004 Eqs. 25-32) is computed for sqrt(s) >= %g GeV, "
                        "the range of the pp cross-section fit that normalises it per proton (E_beam >= %.1f GeV)",
                        e_beam_gev, NR_BREM_FIXED_TARGET_SQRT_S_MIN_GEV, e_min);
}

nr_status nr_brem_accept_fixed_target(const nr_proton_chiral_couplings *c, const nr_brem_options *opt,
                                      double e_beam_gev, double m_x_gev, const nr_decay_volume *v,
                                      int p_bins_per_cell, nr_llp_accepted *acc, nr_error *err)
{
    if (acc) memset(acc, 0, sizeof *acc);
    nr_status valid = nr_brem_check_fixed_target_beam(e_beam_gev, "/experiment", err);
    if (valid != NR_OK)
        return valid;
    double sqrt_s = nr_fixed_target_sqrt_s_gev(e_beam_gev);
    if (!opt || !(fabs(opt->sqrt_s_gev - sqrt_s) < 1e-9 * sqrt_s))
        return nr_fail(err, NR_EINTERNAL, "brem accept", "bremsstrahlung options not made for the fixed target");
    /* 004 Eq. (32): X per proton on target, d sigma / sigma_pp(s) [pb / pb] */
    double sigma_pb = nr_pp_sigma_inel_mb(sqrt_s * sqrt_s) * 1e9;
    if (!(sigma_pb > 0.0))
        return nr_fail(err, NR_EINPUT, "/experiment", "beam energy %g GeV is below the pp threshold", e_beam_gev);
    double p_beam = sqrt(e_beam_gev * e_beam_gev - NR_M_PROTON * NR_M_PROTON); /* the lab beam momentum */
    return brem_accept_in_frame(c, opt, m_x_gev, v, p_bins_per_cell, p_beam, 1.0 / sigma_pb, acc, err);
}
