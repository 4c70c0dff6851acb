/* nuphilic_decays.h: a neutrinophilic Z' (paper 002) in charged-meson decays, in the meson rest frame.
 *
 * Lagrangian 002 Eq. (1): sum_ab g_ab Z'_mu nubar_a gamma^mu nu_b (left-handed neutrinos, g_ab = g_ba).
 * Three-body decay M+ -> l_a+ nu_b Z' (002 Eqs. 2-4): the Z' is radiated by the neutrino line of
 * M+ -> l_a+ nu_a; the rate is proportional to g_ab^2. The lepton mass is kept everywhere (the paper keeps
 * it only in the numerical mu and tau cases); the squared amplitude is derived in nuphilic_decays.c.
 * Z' -> nu nubar width from Eq. (1), the decay probability before the detector (Eq. 5) is decay.h.
 *
 * Units: GeV for energies, masses and widths; squared amplitudes per unit coupling (g_ab = 1).
 */
#ifndef NR_NUPHILIC_DECAYS_H
#define NR_NUPHILIC_DECAYS_H

#include <stddef.h>

#include "nr_error.h"

typedef enum { NR_NUPHILIC_PION = 0, NR_NUPHILIC_KAON = 1, NR_NUPHILIC_DS = 2, NR_NUPHILIC_N_MESONS = 3 }
    nr_nuphilic_meson;

/* A charged pseudoscalar meson: mass [GeV], decay constant f_M [GeV] (convention f_pi ~ 130 MeV),
 * CKM element |V_qq'|, lifetime [s]. Values and sources in nuphilic_decays.c. */
typedef struct {
    const char *name;
    double mass, decay_constant, ckm, lifetime_s;
} nr_nuphilic_meson_info;

const nr_nuphilic_meson_info *nr_nuphilic_meson_get(nr_nuphilic_meson m);
double nr_nuphilic_lepton_mass(int flavour); /* NR_FLAVOUR_E/MU/TAU (flux.h) -> GeV */

/* Total width of the meson [GeV] from its lifetime. */
double nr_nuphilic_meson_width(nr_nuphilic_meson m);

/* SM two-body width Gamma(M+ -> l+ nu) [GeV] = G_F^2 f^2 |V|^2 m_l^2 m_M (1 - m_l^2/m_M^2)^2 / (8 pi),
 * from the same amplitude normalisation as the three-body decay (the check of the convention for f_M). */
double nr_nuphilic_width_two_body(nr_nuphilic_meson m, double m_lepton);

/* Spin-summed |M|^2 of M+ -> l+ nu Z' at g = 1, total (three Z' polarisations) and for the longitudinal
 * polarisation alone (helicity 0 along the Z' direction in the meson frame), at lepton energy e_l and
 * neutrino energy e_nu in the meson rest frame. Outside the Dalitz region the values are meaningless. */
typedef struct {
    double total, longitudinal;
} nr_nuphilic_msq;
nr_nuphilic_msq nr_nuphilic_msq_at(nr_nuphilic_meson m, double m_lepton, double m_zp, double e_l, double e_nu);

/* Whether M -> l nu Z' is open: m_M > m_l + m_Z'. */
int nr_nuphilic_open(nr_nuphilic_meson m, double m_lepton, double m_zp);

/* Three-body width Gamma(M+ -> l+ nu Z') at g = 1 [GeV], 002 Eq. (2), with the lepton mass kept (0 if closed):
 * Gauss-Legendre quadrature in E_Z' of the closed-form d Gamma/dE_Z' (nr_nuphilic_dgamma_de_zp). */
double nr_nuphilic_width_three_body(nr_nuphilic_meson m, double m_lepton, double m_zp);

/* The same with a massless lepton in closed form (derived in nuphilic_decays.c):
 * Gamma = G_F^2 f^2 |V|^2 m_M^3 / (128 pi^3) [2 I1(x) + I3(x) / (6x)], x = m_Z'^2/m_M^2, with
 * I1 = (1+x)(1 - x^2 + 2x ln x)/2 - (1-x)^3/3, I3 = (1-x^2)(2(1+x)^2 - 20x)/8 - 3x^2 ln x. */
double nr_nuphilic_width_three_body_massless(nr_nuphilic_meson m, double m_zp);

/* The single-differential rates of M+ -> l+ nu Z' at g = 1 [GeV^0] in the meson rest frame, in closed form
 * (the Dalitz line integrated analytically, derived in nuphilic_decays.c): d Gamma/dE_nu at neutrino energy
 * e_nu, and d Gamma/dE_Z' (total and longitudinal Z') at Z' energy e_zp; 0 outside the kinematic range. */
double nr_nuphilic_dgamma_de_nu(nr_nuphilic_meson m, double m_lepton, double m_zp, double e_nu);
nr_nuphilic_msq nr_nuphilic_dgamma_de_zp(nr_nuphilic_meson m, double m_lepton, double m_zp, double e_zp);

/* Rest-frame distributions of one decay M -> l nu Z' on uniform grids:
 *  nu:  n_nu bins of the direct neutrino energy in [0, e_nu_max], prob_nu[i] = fraction of decays;
 *  Z':  n_zp bins uniform in ln E_Z' from m_Z' to (m_M^2 + m_Z'^2)/(2 m_M) (the end point for a massless
 *       lepton, so that every lepton of one meson shares the grid: nr_nuphilic_zp_bin_energy),
 *       prob_zp_long[i] / prob_zp_trans[i] = fraction of decays with a longitudinal / transverse Z' in that
 *       bin (the two sum to 1 over all bins).
 * width = the three-body width at g = 1 [GeV] (as nr_nuphilic_width_three_body). */
#define NR_NUPHILIC_N_NU_BINS 256
#define NR_NUPHILIC_N_ZP_BINS 48
typedef struct {
    double width;
    double e_nu_max, e_zp_min, e_zp_max;
    double prob_nu[NR_NUPHILIC_N_NU_BINS];
    double prob_zp_long[NR_NUPHILIC_N_ZP_BINS], prob_zp_trans[NR_NUPHILIC_N_ZP_BINS];
} nr_nuphilic_rest_spectra;

/* Fills out; NR_EKINEMATIC if the decay is closed. */
nr_status nr_nuphilic_rest_spectra_compute(nr_nuphilic_meson m, double m_lepton, double m_zp,
                                           nr_nuphilic_rest_spectra *out, nr_error *err);

/* Edges of Z' energy bin i (0..NR_NUPHILIC_N_ZP_BINS) of meson m at m_Z' [GeV]. */
double nr_nuphilic_zp_bin_edge(nr_nuphilic_meson m, double m_zp, int i);

/* Energy distribution of a neutrino (or antineutrino) from Z' -> nu nubar in the frame where the Z' has
 * energy e_zp: uniform in cos(theta*) becomes uniform in E between (E - p)/2 and (E + p)/2. Fraction with
 * energy below e, for a longitudinal Z' (3/4 sin^2 theta*) or a transverse Z' (averaged over the two
 * helicities: 3/8 (1 + cos^2 theta*)). */
double nr_nuphilic_zp_nu_cdf(double e_zp, double m_zp, int longitudinal, double e);

/* Its value inside (lo, hi), at c = cos theta* = (2 e - e_zp) / p: the integrals from -1 to c of
 * 3/4 sin^2 theta* (longitudinal) and 3/8 (1 + cos^2 theta*) (transverse) d cos theta*. */
static inline double nr_nuphilic_zp_nu_cdf_long(double c)
{
    return 0.5 + 0.75 * (c - c * c * c / 3);
}

static inline double nr_nuphilic_zp_nu_cdf_trans(double c)
{
    return 0.5 + 0.375 * (c + c * c * c / 3);
}

/* Width Gamma(Z' -> neutrinos) [GeV] for one coupling g_ab (a == b: nu_a nubar_a; a != b: nu_a nubar_b and
 * nu_b nubar_a), each channel g^2 m / (24 pi) for left-handed neutrinos. */
double nr_nuphilic_zp_width(double g, int diagonal, double m_zp);

/* nu_tau energy distribution in the D_s rest frame from D_s -> tau nu_tau followed by the tau decay
 * (tau decays isotropic in its rest frame: polarisation neglected; modes in nuphilic_decays.c).
 * Fraction of nu_tau with energy below e [GeV] among those from the tau decay. */
double nr_nuphilic_tau_nu_cdf_in_ds(double e);
/* Energy of the direct nu_tau of D_s -> tau nu_tau in the D_s frame [GeV]. */
double nr_nuphilic_ds_direct_nu_energy(void);

#endif
