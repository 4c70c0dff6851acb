/* supernova_zprime.c: Z' production rates in a proto-neutron star, paper 004 Eqs. 55-59 (formulas, derivations and
 * the differences from the printed equations in supernova_zprime.h). Units: GeV.
 */
#include "supernova_zprime.h"

#include <math.h>

#include "constants.h"

/* ln(1 + e^z) without overflow */
static double softplus(double z) { return z > 0 ? z + log1p(exp(-z)) : log1p(exp(z)); }

double nr_sn_inverse_decay_medium(double omega, double k, double m, double m_f, double mu, double t)
{
    double beta2 = 1.0 - 4.0 * m_f * m_f / (m * m);
    if (!(beta2 > 0))
        return 0.0;
    double kb = k * sqrt(beta2);
    if (kb < 1e-9 * omega) { /* both daughters at omega/2 */
        double e = 0.5 * omega;
        return 1.0 - 1.0 / (exp((e - mu) / t) + 1.0) - 1.0 / (exp((e + mu) / t) + 1.0);
    }
    double e_lo = 0.5 * (omega - kb), e_hi = 0.5 * (omega + kb), sum = 0.0;
    for (int sign = -1; sign <= 1; sign += 2) {
        double z = sign * mu;
        sum += softplus((z - e_lo) / t) - softplus((z - e_hi) / t);
    }
    return 1.0 - t / kb * sum;
}

double nr_sn_compton_xsec_gev2(double omega, double coupling2)
{
    double x = omega / NR_M_MUON, kn;
    if (x < 1e-3) /* series of the bracket: 4/3 (1 - 2x + 26x^2/5 - 133x^3/10) */
        kn = 4.0 / 3.0 * (1.0 - 2.0 * x + 5.2 * x * x - 13.3 * x * x * x);
    else
        kn = (1.0 + x) / (x * x * x) * (2.0 * x * (1.0 + x) / (1.0 + 2.0 * x) - log1p(2.0 * x)) +
             log1p(2.0 * x) / (2.0 * x) - (1.0 + 3.0 * x) / ((1.0 + 2.0 * x) * (1.0 + 2.0 * x));
    double alpha_prime = coupling2 / (4.0 * NR_PI);
    return 2.0 * NR_PI * NR_ALPHA_EM * alpha_prime / (NR_M_MUON * NR_M_MUON) * kn;
}

void nr_sn_zprime_init(const nr_zprime_couplings *c, double m_gev, nr_sn_zprime *out)
{
    out->m_gev = m_gev;
    for (int a = 0; a < 3; a++) {
        const nr_zprime_vertex *v = &c->f[NR_ZP_F_NU_E + a];
        out->gamma_nu_gev[a] = nr_zprime_width_fermion_pair(m_gev, 0.0, v->g_v, v->g_a, 1.0);
    }
    const nr_zprime_vertex *mu = &c->f[NR_ZP_F_MU];
    out->gamma_mumu_gev = nr_zprime_width_fermion_pair(m_gev, NR_M_MUON, mu->g_v, mu->g_a, 1.0);
    out->compton_coupling2 = mu->g_v * mu->g_v + mu->g_a * mu->g_a;
}

void nr_sn_zprime_rates(const void *ctx, double omega, double k, const nr_sn_point *pt,
                        double q[NR_SN_N_PROC][NR_SN_N_POL])
{
    const nr_sn_zprime *z = ctx;
    double m = z->m_gev, t = pt->t_gev;
    double nunu = 0.0;
    for (int a = 0; a < 3; a++)
        if (z->gamma_nu_gev[a] > 0)
            nunu += m / omega * z->gamma_nu_gev[a] * nr_sn_inverse_decay_medium(omega, k, m, 0.0, pt->mu_nu_gev[a], t);
    double mumu = z->gamma_mumu_gev > 0
                      ? m / omega * z->gamma_mumu_gev * nr_sn_inverse_decay_medium(omega, k, m, NR_M_MUON, pt->mu_mu_gev, t)
                      : 0.0;
    double compton = z->compton_coupling2 > 0
                         ? nr_sn_compton_xsec_gev2(omega, z->compton_coupling2) * pt->n_eff_gev3 * (k / omega)
                         : 0.0;
    q[NR_SN_NUNU][0] = q[NR_SN_NUNU][1] = nunu;
    q[NR_SN_MUMU][0] = q[NR_SN_MUMU][1] = mumu;
    q[NR_SN_COMPTON][0] = compton;
    q[NR_SN_COMPTON][1] = 0.0;
}
