/* forward_mesons.c: pi0 and eta from a proton beam on a fixed target (BMPT parameterisation with isospin and m_T
 * scaling); sources, formulas and validity in forward_mesons.h. Units: GeV, mb, rad. */
#include "forward_mesons.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "constants.h"

/* BMPT fit to p Be -> pi+ X (see forward_mesons.h) */
static const double bmpt_a_norm = 62.3, bmpt_b = 1.57, bmpt_alpha = 3.45, bmpt_beta = 0.517, bmpt_a = 6.10,
                    bmpt_gamma = 0.153, bmpt_delta = 0.478, bmpt_r0 = 1.05, bmpt_r1 = 2.65;
static const double bmpt_m_x_gev = 1.88; /* the lightest system recoiling against the pion */

double nr_bmpt_x_r(double e_beam_gev, double m_gev, double p_gev, double theta_rad, double *x_f)
{
    double mp = NR_M_PROTON, s = 2.0 * mp * mp + 2.0 * mp * e_beam_gev, rs = sqrt(s);
    double pb = sqrt(e_beam_gev * e_beam_gev - mp * mp), e = sqrt(p_gev * p_gev + m_gev * m_gev);
    double one_minus_cos = 2.0 * pow(sin(0.5 * theta_rad), 2);
    /* (E_b + m_p) E - P_b p cos(theta) = sqrt(s) E*, with E_b E - P_b p = (E_b^2 m^2 + m_p^2 p^2) / (E_b E + P_b p)
     * written without the cancellation of the forward direction */
    double eb_e_minus = (e_beam_gev * e_beam_gev * m_gev * m_gev + mp * mp * p_gev * p_gev) /
                        (e_beam_gev * e + pb * p_gev);
    double rs_e_star = eb_e_minus + mp * e + pb * p_gev * one_minus_cos;
    if (x_f) {
        double pl_star = ((e_beam_gev + mp) * p_gev * cos(theta_rad) - pb * e) / rs; /* boost along the beam */
        *x_f = 2.0 * pl_star / rs;
    }
    return 2.0 * rs_e_star / (s + m_gev * m_gev - bmpt_m_x_gev * bmpt_m_x_gev);
}

double nr_bmpt_pi_plus_invariant_mb(double x_r, double pt_gev)
{
    if (!(x_r > 0.0 && x_r < 1.0) || !(pt_gev >= 0.0))
        return 0.0;
    double ap = bmpt_a / pow(x_r, bmpt_gamma), bp = bmpt_a * bmpt_a / (2.0 * pow(x_r, bmpt_delta));
    return bmpt_a_norm * pow(1.0 - x_r, bmpt_alpha) * (1.0 + bmpt_b * x_r) * pow(x_r, -bmpt_beta) *
           (1.0 + ap * pt_gev + bp * pt_gev * pt_gev) * exp(-ap * pt_gev);
}

double nr_bmpt_pi_minus_invariant_mb(double x_r, double pt_gev)
{
    return nr_bmpt_pi_plus_invariant_mb(x_r, pt_gev) / (bmpt_r0 * pow(1.0 + x_r, bmpt_r1));
}

/* PDG Atomic and Nuclear Properties: nuclear interaction length lambda_I [g/cm^2] and A of the element. */
static const struct {
    double z, a, lambda_i_g_cm2;
} interaction_lengths[] = {
    {4.0, 9.012, 77.8}, {6.0, 12.011, 85.8}, {13.0, 26.98, 107.2}, {26.0, 55.845, 132.1}, {74.0, 183.84, 191.9},
};

nr_status nr_proton_nucleus_sigma_inel_mb(double z, double *sigma_mb, nr_error *err)
{
    for (size_t i = 0; i < sizeof interaction_lengths / sizeof interaction_lengths[0]; i++)
        if (fabs(interaction_lengths[i].z - z) < 0.5) {
            /* sigma = A / (N_A lambda_I) = A u / lambda_I [cm^2]; 1 mb = 1e-27 cm^2 */
            *sigma_mb = interaction_lengths[i].a * NR_ATOMIC_MASS_UNIT_G / interaction_lengths[i].lambda_i_g_cm2 *
                        1e27;
            return NR_OK;
        }
    return nr_fail(err, NR_EINPUT, "/experiment", "no nuclear interaction length for a target of Z = %g (Be, C, Al, "
                   "Fe and W are known)", z);
}

/* E d3sigma/dp3 (p A -> M X) [mb GeV^-2] of meson pdg at lab (p, theta). */
static double invariant_mb(int pdg, double e_beam, double a, double p, double theta)
{
    double m = nr_hadron_mass_gev(pdg == 221 ? 221 : (pdg == 111 ? 111 : 211));
    double x_f = 0.0, x_r = nr_bmpt_x_r(e_beam, m, p, theta, &x_f), pt = p * sin(theta);
    double f;
    switch (pdg) {
    case 211:
        f = nr_bmpt_pi_plus_invariant_mb(x_r, pt);
        break;
    case -211:
        f = nr_bmpt_pi_minus_invariant_mb(x_r, pt);
        break;
    case 111:
        f = 0.5 * (nr_bmpt_pi_plus_invariant_mb(x_r, pt) + nr_bmpt_pi_minus_invariant_mb(x_r, pt));
        break;
    case 221: {
        /* m_T scaling: the pi0 at the same x_R and the same transverse mass */
        double m_pi = nr_hadron_mass_gev(111);
        double pt_pi = sqrt(pt * pt + m * m - m_pi * m_pi);
        f = NR_ETA_PI0_MT_SCALING_RATIO * 0.5 *
            (nr_bmpt_pi_plus_invariant_mb(x_r, pt_pi) + nr_bmpt_pi_minus_invariant_mb(x_r, pt_pi));
        break;
    }
    default:
        return 0.0;
    }
    if (!(f > 0.0))
        return 0.0;
    double alpha = (0.74 - 0.55 * x_f + 0.26 * x_f * x_f) * (0.98 + 0.21 * pt * pt); /* Barton et al. */
    return f * pow(a / NR_BMPT_A_BERYLLIUM, alpha);
}

double nr_forward_meson_d2n_dp_domega(int pdg, double e_beam_gev, double a, double sigma_inel_mb, double p_gev,
                                      double theta_rad)
{
    if (!(sigma_inel_mb > 0.0) || !(p_gev > 0.0))
        return 0.0;
    double m = nr_hadron_mass_gev(pdg == 221 ? 221 : (pdg == 111 ? 111 : 211));
    double e = sqrt(p_gev * p_gev + m * m);
    return p_gev * p_gev / e * invariant_mb(pdg, e_beam_gev, a, p_gev, theta_rad) / sigma_inel_mb;
}

#define THETA_LOG10_LO (-6.0)
#define THETA_LOG10_HI 0.0
#define P_LOG10_LO (-1.0)

nr_status nr_forward_meson_check_beam(double e_beam_gev, nr_error *err)
{
    if (e_beam_gev >= NR_BMPT_E_BEAM_MIN_GEV && e_beam_gev <= NR_BMPT_E_BEAM_MAX_GEV)
        return NR_OK;
    /* above the range, bremsstrahlung alone still applies (its own range starts at 12.4 GeV, bremsstrahlung.h) */
    return nr_fail_rule(err, NR_EINPUT, NR_RULE_RANGE, NR_BEAM_ENERGY_WHERE,
                        "beam_energy_gev = %g GeV: the pi0 and eta of a proton dump come from the BMPT "
                        "parameterisation, used for proton beams of %g-%g GeV (forward_mesons.h)%s",
                        e_beam_gev, NR_BMPT_E_BEAM_MIN_GEV, NR_BMPT_E_BEAM_MAX_GEV,
                        e_beam_gev > NR_BMPT_E_BEAM_MAX_GEV ? "; at this energy choose production 'bremsstrahlung'"
                                                            : "");
}

nr_status nr_forward_meson_table(int pdg, double e_beam_gev, const nr_material *target, int n_sub,
                                 nr_hadron_table *table, nr_error *err)
{
    memset(table, 0, sizeof *table);
    if (pdg != 111 && pdg != 221)
        return nr_fail(err, NR_EINPUT, "meson", "forward meson tables are made for pi0 (111) and eta (221), not %d",
                       pdg);
    nr_status st = nr_forward_meson_check_beam(e_beam_gev, err);
    if (st != NR_OK)
        return st;
    if (!target)
        return nr_fail(err, NR_EINPUT, "/experiment", "forward mesons need the dump's target material");
    if (n_sub < 1 || n_sub > 16)
        return nr_fail(err, NR_EINTERNAL, "meson table", "n_sub = %d: 1 <= n_sub <= 16", n_sub);
    double sigma_inel = 0.0;
    st = nr_proton_nucleus_sigma_inel_mb(target->z, &sigma_inel, err);
    if (st != NR_OK)
        return st;
    double w = NR_HADRON_CELL_LOG10_WIDTH, h = w / n_sub, ln10 = log(10.0);
    double p_beam = sqrt(e_beam_gev * e_beam_gev - NR_M_PROTON * NR_M_PROTON);
    int n_theta = (int)lround((THETA_LOG10_HI - THETA_LOG10_LO) / w);
    int n_p = (int)ceil((log10(p_beam) - P_LOG10_LO) / w);
    table->cells = calloc((size_t)n_theta * (size_t)n_p, sizeof *table->cells);
    if (!table->cells)
        return nr_fail(err, NR_ENOMEM, "meson table", "out of memory");
    table->pdg = pdg;
    table->mass_gev = nr_hadron_mass_gev(pdg);
    table->sqrt_s_gev = sqrt(2.0 * NR_M_PROTON * (NR_M_PROTON + e_beam_gev));
    table->header_normalization_pb = -1.0;
    snprintf(table->generator, sizeof table->generator, "BMPT");
    snprintf(table->energy, sizeof table->energy, "%.0fGeV", e_beam_gev);
    for (int it = 0; it < n_theta; it++) {
        double lt0 = THETA_LOG10_LO + it * w;
        for (int ip = 0; ip < n_p; ip++) {
            double lp0 = P_LOG10_LO + ip * w, sum = 0.0;
            for (int a = 0; a < n_sub; a++) {
                double theta = pow(10.0, lt0 + (a + 0.5) * h);
                for (int b = 0; b < n_sub; b++) {
                    double p = pow(10.0, lp0 + (b + 0.5) * h);
                    if (p >= p_beam)
                        continue;
                    /* dp dOmega = (p ln10 dlog10 p)(2 pi sin(theta) theta ln10 dlog10 theta) */
                    double jac = 2.0 * NR_PI * sin(theta) * theta * p * ln10 * ln10 * h * h;
                    sum += jac * nr_forward_meson_d2n_dp_domega(pdg, e_beam_gev, target->a, sigma_inel, p, theta);
                }
            }
            if (!(sum > 0.0))
                continue;
            nr_hadron_cell *c = &table->cells[table->n_cells++];
            c->log10_theta = lt0 + 0.5 * w;
            c->log10_p = lp0 + 0.5 * w;
            c->sigma_pb = sum; /* mesons per proton on target in the cell */
            table->total_pb += sum;
        }
    }
    return NR_OK;
}
