/* supernova_zprime.h: the production rates of a Z' (couplings of zprime.h) in a proto-neutron star, paper 004
 * Eq. (55): nu nu -> Z' (Eq. 56), gamma mu -> Z' mu (Eqs. 57-58) and mu mu -> Z' (Eq. 59), per polarisation state
 * and at unit gauge coupling, as the net damping rates Q of supernova.h (production = Q/(e^{omega/T} - 1)).
 *
 * Inverse decays f fbar -> Z' (nu nu, mu mu), derived from detailed balance with the vacuum width (zprime.h:
 * Gamma = m beta/(12 pi) [g_V^2 (1 + 2r) + g_A^2 (1 - 4r)], r = m_f^2/m^2, per neutrino flavour m q_l^2/(24 pi)):
 *   Q = (m/omega) Gamma M,   M = < 1 - f(E1 - mu) - f(E2 + mu) >,   E1 + E2 = omega,
 * the average over the daughters' lab energy E1, uniform on [E-, E+], E+- = (omega +- k beta)/2, for the
 * polarisation-summed (isotropic) decay; in closed form
 *   M = 1 - T/(k beta) sum_{z = mu, -mu} [ ln(1 + e^{(z - E-)/T}) - ln(1 + e^{(z - E+)/T}) ].
 * So Gamma_P = (m/omega) Gamma <f(E1 - mu) f(E2 + mu)> exactly (f1 f2 = f_B(omega) (1 - f1 - f2) when the chemical
 * potentials cancel). Without degeneracy (M -> 1) this is 004 Eqs. (56) and (59) with other normalisations: per
 * state and flavour Eq. 56 is 4 times (m/omega) Gamma f_B, Eq. 59 has 1/6 where (m/omega) Gamma f_B has 1/(12 pi)
 * and (g_V^2 + g_A^2)(1 + 2r) where the axial part goes with (1 - 4r) (README errata). The same M is used for the
 * transverse and longitudinal states (exact in the non-degenerate limit).
 *
 * Semi-Compton gamma mu -> Z' mu on muons at rest (004 Eq. 57, transverse states only: the photon's two):
 *   Q = sigma(omega) n_mu F_deg (k/omega),
 *   sigma = (2 pi alpha alpha'/m_mu^2) { (1+x)/x^3 [2x(1+x)/(1+2x) - ln(1+2x)] + ln(1+2x)/(2x) - (1+3x)/(1+2x)^2 },
 * x = omega/m_mu, alpha' = (g_V^2 + g_A^2)/(4 pi): the Klein-Nishina cross section with alpha^2 -> alpha alpha'
 * (Thomson limit 8 pi alpha alpha'/(3 m_mu^2)). 004 Eq. (58) is 4 times this at every omega (README errata). Like
 * 004 the coupling is g^2 (g_V^2 + g_A^2) and the Z' mass enters only through k/omega; the longitudinal mode that an
 * axial coupling would add (enhanced by m_mu^2/m^2) is not included. n_mu F_deg = the blocked density n_eff of
 * sn_profile.h, mu- and mu+.
 */
#ifndef NR_SUPERNOVA_ZPRIME_H
#define NR_SUPERNOVA_ZPRIME_H

#include "sn_profile.h"
#include "supernova.h"
#include "zprime.h"

enum { NR_SN_NUNU = 0, NR_SN_COMPTON = 1, NR_SN_MUMU = 2 }; /* the processes, in supernova.h's order */

typedef struct {
    double m_gev;
    double gamma_nu_gev[3];   /* Z' -> nu_a nu_a at g = 1 [GeV]                */
    double gamma_mumu_gev;    /* Z' -> mu mu at g = 1 [GeV]                    */
    double compton_coupling2; /* g_V^2 + g_A^2 of the muon (units of g^2)      */
} nr_sn_zprime;

void nr_sn_zprime_init(const nr_zprime_couplings *c, double m_gev, nr_sn_zprime *out);
/* The nr_sn_rate_fn of supernova.h for a const nr_sn_zprime *. */
void nr_sn_zprime_rates(const void *ctx, double omega, double k, const nr_sn_point *pt,
                        double q[NR_SN_N_PROC][NR_SN_N_POL]);

/* The medium factor M above for daughters of mass m_f, boson (omega, k, mass m), particle chemical potential mu. */
double nr_sn_inverse_decay_medium(double omega, double k, double m, double m_f, double mu, double t);
/* sigma(gamma mu -> Z' mu) above [GeV^-2] at photon energy omega, for coupling^2 = g^2 (g_V^2 + g_A^2). */
double nr_sn_compton_xsec_gev2(double omega, double coupling2);

#endif
