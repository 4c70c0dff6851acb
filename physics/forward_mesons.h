/* forward_mesons.h: pi0 and eta made by a proton beam of 10-500 GeV on a fixed nuclear target (a proton beam dump),
 * from a published parameterisation of inclusive pion production. Used for the meson channel of the proton beam
 * dumps (paper 004 Eq. 37; 004 used Pythia8 spectra, which the service does not run).
 *
 * Charged pions: the BMPT parameterisation, M. Bonesini, A. Marchionni, F. Pietropaolo, T. Tabarelli de Fatis,
 * "On particle production for high energy neutrino beams", Eur. Phys. J. C 20 (2001) 13, arXiv:hep-ph/0101163,
 * fitted to p-Be data at 400-450 GeV (SPY/NA56 and Atherton et al.):
 *   E d3sigma/dp3 (p Be -> pi+ X) = A (1 - x_R)^alpha (1 + B x_R) x_R^-beta (1 + a' p_T + b' p_T^2) exp(-a' p_T),
 *   a' = a / x_R^gamma,  b' = a^2 / (2 x_R^delta)                                          [mb GeV^-2]
 *   A = 62.3, B = 1.57, alpha = 3.45, beta = 0.517, a = 6.10 GeV^-1, gamma = 0.153, delta = 0.478;
 *   pi+ / pi- = r0 (1 + x_R)^r1,  r0 = 1.05, r1 = 2.65.
 * x_R = E* / E*_max is the radial scaling variable, E* the pion energy in the nucleon-nucleon centre of mass and
 * E*_max = (s + m^2 - M_X^2) / (2 sqrt(s)) its largest value, M_X = 1.88 GeV (the lightest system recoiling
 * against a pi+ in p N -> pi+ X: p n); s = 2 m_p^2 + 2 m_p E_beam. In x_R the spectrum scales with the beam
 * energy (BMPT's premise), which is how we use it at 68.6 GeV (nu-Cal) and 120 GeV (DUNE): an extrapolation below the
 * 400-450 GeV of the fit, stated as such.
 * Other nuclei: sigma(p A) = sigma(p Be) (A / A_Be)^alpha(x_F, p_T), alpha = (0.74 - 0.55 x_F + 0.26 x_F^2)
 * (0.98 + 0.21 p_T^2) (the Barton et al., Phys. Rev. D 27 (1983) 2580, form that BMPT adopts), x_F = 2 p*_L /
 * sqrt(s).
 * The parameter values above are those of BMPT's fit as transcribed in two independent public codes (the paper's
 * own tables could not be read here). Where the two differ, a' = a x_R^gamma in one gives 41 pi+ per p Be
 * interaction at 450 GeV carrying 1.44 times the beam energy, so a' = a / x_R^gamma (4.6 pi+, 0.44 of the energy
 * in pions; tests/test_forward_mesons.c); the p_T^2 in alpha is Barton et al.'s (one transcription has p_T).
 * README "Proton beam dumps" lists the checks made and the one not made (the paper's data points).
 *
 * pi0 = (pi+ + pi-) / 2 (isospin: the pi0 is the average of the charged pions).
 * eta: m_T scaling of the pi0 at the same x_R, E d3sigma_eta/dp3 (x_R, p_T) = R_eta E d3sigma_pi0/dp3 (x_R,
 * sqrt(p_T^2 + m_eta^2 - m_pi0^2)), with the high-p_T plateau R_eta = 0.48 (PHENIX, A. Adare et al., Phys. Rev. C
 * 83 (2011) 024909: eta/pi0 = 0.48 +- 0.03 above 2 GeV; the same plateau from sqrt(s) = 27.5 GeV (NA27) to 8 TeV,
 * ALICE, Eur. Phys. J. C 78 (2018) 263). ALICE finds m_T scaling to overestimate the eta below p_T = 3.5 GeV at 8
 * TeV; the integrated eta/pi0 this gives is printed by tests/test_forward_mesons.c.
 *
 * Yields per proton on a thick target: every proton interacts once (the dump is many interaction lengths), so
 * dN/dp dOmega = (p^2 / E) E d3sigma/dp3 (p A) / sigma_inel(p A), with sigma_inel(p A) = A / (N_A lambda_I) from the
 * PDG nuclear interaction length lambda_I (Atomic and Nuclear Properties). Re-interactions of secondaries in the
 * dump are not counted (as 004 and Blumlein-Brunner).
 */
#ifndef NR_FORWARD_MESONS_H
#define NR_FORWARD_MESONS_H

#include "hadrons.h"
#include "materials.h"
#include "nr_error.h"

#define NR_BMPT_A_BERYLLIUM 9.012 /* the nucleus BMPT's fit is for */
#define NR_ETA_PI0_MT_SCALING_RATIO 0.48

/* Radial scaling variable x_R of a meson of mass m_gev, lab momentum p_gev at polar angle theta_rad, made by a proton
 * of energy e_beam_gev on a nucleon at rest; x_F = 2 p*_L / sqrt(s) if x_f is not NULL. Returns 0 outside
 * the kinematic range (x_R <= 0) and > 1 beyond it. */
double nr_bmpt_x_r(double e_beam_gev, double m_gev, double p_gev, double theta_rad, double *x_f);

/* BMPT E d3sigma/dp3 (p Be -> pi+ X) and (p Be -> pi- X) at (x_R, p_T) [mb GeV^-2]; 0 outside 0 < x_R < 1. */
double nr_bmpt_pi_plus_invariant_mb(double x_r, double pt_gev);
double nr_bmpt_pi_minus_invariant_mb(double x_r, double pt_gev);

/* sigma_inel(p A) [mb] from the PDG nuclear interaction length of the material with atomic number z (Be, C, Al,
 * Fe, W); NR_EINPUT for another material. */
nr_status nr_proton_nucleus_sigma_inel_mb(double z, double *sigma_mb, nr_error *err);

/* d2N / dp dOmega per proton interacting in target A (mass number a, inelastic cross section sigma_inel_mb) of
 * meson pdg (111 pi0, 211 pi+, -211 pi-, 221 eta) [GeV^-1 sr^-1]. */
double nr_forward_meson_d2n_dp_domega(int pdg, double e_beam_gev, double a, double sigma_inel_mb, double p_gev,
                                      double theta_rad);

/* The beam energies the parameterisation is used for [GeV]: the 10-500 GeV of this header's first line (BMPT fitted
 * 400-450 GeV data and scales in x_R; we use it down to nu-Cal's 68.6 GeV). Below 10 GeV the x_R scaling of a
 * 400 GeV fit is not a description of pion production (resonance region, s < 20 GeV^2); above 500 GeV it would
 * be an extrapolation the header does not claim. */
#define NR_BMPT_E_BEAM_MIN_GEV 10.0
#define NR_BMPT_E_BEAM_MAX_GEV 500.0
#define NR_BEAM_ENERGY_WHERE "/experiment_overrides/beam_energy_gev"
/* NR_OK if e_beam_gev is inside [NR_BMPT_E_BEAM_MIN_GEV, NR_BMPT_E_BEAM_MAX_GEV]; else NR_EINPUT, rule out-of-range,
 * naming NR_BEAM_ENERGY_WHERE and the range. */
nr_status nr_forward_meson_check_beam(double e_beam_gev, nr_error *err);

/* The mesons pdg (111 or 221) per proton on target, as a table on the grid of the forward hadron tables (cells of
 * 0.05 x 0.05 in log10 theta, log10 p; hadrons.h) for nr_llp_accept_meson_decays: `sigma_pb` of each cell holds
 * the number of mesons per proton on target in the cell (not a cross section), so that luminosity_fb = N_p / 1000
 * turns it into counts. Cells: 1e-6 < theta < 1 rad, 0.1 GeV < p < p_beam; n_sub x n_sub midpoints per cell. A beam
 * energy outside the parameterisation's range is refused (nr_forward_meson_check_beam). */
nr_status nr_forward_meson_table(int pdg, double e_beam_gev, const nr_material *target, int n_sub,
                                 nr_hadron_table *table, nr_error *err);

#endif
