/* beam_dump.h: a light vector boson X made in an electron or positron beam dump (paper 004 sec. III B).
 *
 * The shower in a thick target is described by the track lengths of electrons and positrons of App. A
 * (004 Eqs. A1-A6, the fit of Asai et al. arXiv:2105.13768 to EGS5); X is made by bremsstrahlung off those
 * electrons and positrons on the target nuclei (004 Eqs. 40-46, improved Weizsacker-Williams), by resonant
 * annihilation of shower positrons on atomic electrons (004 Eq. 47, narrow width), convolved with the
 * leading-log initial-state radiation of Kuraev and Fadin (not in 004; nr_dump_isr_radiator), which contains the
 * radiative return e+ e- -> gamma X of positrons above resonance (issue 15). What the detector sees
 * follows 004 Eqs. 22-24 (the angular cut and the decay probability between l_dump + l_sh and l_dec), and, beyond
 * 004, the requirement that both decay products of X reach the detector face (nr_dump_pair_decay_probability)
 * or, as an option, at least one of them (nr_dump_one_product_decay_probability).
 *
 * Every yield is computed at unit gauge coupling and binned in the energy of X; the coupling then enters only
 * through g^2 and the decay length (nr_dump_events), so a coupling scan costs one pass over the bins.
 * Validity: the track-length fit holds in thick targets (tens of X0) for energies above the critical energy
 * E_c = 610 MeV / (Z + 1.24) (PDG, solids), below which ionisation takes over: track lengths below E_c are not
 * used. The beam particle is taken along the beam; shower particles have the angular width of
 * nr_shower_fraction_in_cone when the experiment's shower_spread is set (004 Eq. 49 neglects it, shower_spread 0).
 */
#ifndef NR_BEAM_DUMP_H
#define NR_BEAM_DUMP_H

#include "experiment.h"
#include "materials.h"
#include "nr_error.h"

/* ---- track lengths, 004 App. A ---------------------------------------------------------------------- */

/* The (a, b) of 004 Eq. (A6): (0.199, 0.155) for the ILC water dump, (0.199, 0.170) for E137 and E141 (we use
 * the latter for every other material). */
typedef struct {
    double a, b;
} nr_shower_fit;
nr_shower_fit nr_shower_fit_for(const nr_material *m);

/* u dl^/du of the beam particle itself (004 Eq. A5) and of each shower species (Eq. A6); u = E / E_beam,
 * l^ = rho l / X0 (track length in radiation lengths, Eq. A1). */
double nr_track_u_dl_du_primary(double u);
double nr_track_u_dl_du_shower(double u, nr_shower_fit fit);

/* Fraction of the shower electrons/positrons of energy E moving within theta_max of the beam axis: Rossi's
 * shower angular width <theta^2> = (E_s / E)^2, E_s = 21.2 MeV (PDG, Passage of particles through matter, the
 * multiple-scattering scale energy), with a Gaussian space-angle distribution. An approximation of ours: 004
 * Eq. (49) takes all shower particles along the beam. The beam particle itself is taken along the beam. */
#define NR_SHOWER_SCALE_ENERGY_GEV 0.0212
double nr_shower_fraction_in_cone(double e_gev, double theta_max);

/* ---- decay in the decay region with both decay products on the detector face (beyond 004) ---------- */

/* Probability that X of energy e_gev and lab decay length decay_length_m decays between distance_m and
 * distance_m + length_m from the front of the dump AND both of its decay products land within radius_m of the
 * axis on the detector face at distance_m + length_m. X is taken along the axis (its production angle is cut
 * separately, 004 Eq. 22); the two-body decay is isotropic in the rest frame of X (unpolarised) with massless
 * products and X ultra-relativistic: a product at rest-frame angle th (to the flight direction) has the lab angle
 * tan(theta) = (m/E) tan(th / 2) (derived: p_T = (m/2) sin th, p_L = (E/2)(1 + cos th)), so both are
 * inside the angle T = radius / s (s: from the decay point to the face) for a fraction (a^2 - 1)/(a^2 + 1) of
 * decays, a = E T / m (0 if a <= 1). Integrated over the decay point with the exponential law: with
 * radius -> infinity it is 004 Eq. (23). Why: 004 Eq. (22) cuts only the direction of X, while the pair opens
 * by ~ m/E, which at E141 (r_det / (l_sh + l_dec) = 2.1 mrad) equals 2.1 mrad at m = 19 MeV for E = 9 GeV:
 * the published E141 region closes there (see README). */
double nr_dump_pair_decay_probability(double e_gev, double m_gev, double decay_length_m, double distance_m,
                                      double length_m, double radius_m);

/* The same with AT LEAST ONE decay product within radius_m on the face (a calorimeter that records the shower
 * of either product): a fraction 2 a^2/(1 + a^2) of decays for a < 1, all for a >= 1, so decays anywhere in the
 * region count (for a < 1 the one seen is the product emitted forward in the rest frame of X). Between
 * nr_dump_pair_decay_probability and 004 Eq. (23), which it becomes for radius -> infinity. The experiment's
 * pair_acceptance = 2 (NR_PAIR_ACCEPT_ONE) selects it; no dump in the catalogue uses it by default: the selections
 * of E137 (Bjorken et al. 1988) could not be read here (README, "Why E137's lower edge differs"). */
#define NR_PAIR_ACCEPT_ONE 2.0
double nr_dump_one_product_decay_probability(double e_gev, double m_gev, double decay_length_m,
                                             double distance_m, double length_m, double radius_m);

/* Critical energy of a solid, E_c = 0.610 GeV / (Z + 1.24) [GeV] (PDG, Passage of particles through matter). */
double nr_critical_energy_gev(double z);

/* ---- bremsstrahlung e N -> e N X, 004 Eqs. 40-46 ------------------------------------------------------ */

/* Effective photon flux chi of 004 Eq. (42) with the elastic and inelastic form factors of Eqs. (43)-(45),
 * t_min = (m^2 / 2E)^2, t_max = m^2; z, a: the target's atomic and mass numbers. */
double nr_dump_chi(double m_gev, double e_gev, double z, double a);

/* Chiral charges of the electron at unit gauge coupling: x'_l (left-handed doublet) and x'_e (right-handed). */
typedef struct {
    double x_l, x_e;
} nr_electron_charges;

/* d sigma / dx d cos(theta) of 004 Eq. (40) with the amplitude of Eq. (46), at unit gauge coupling
 * [GeV^-2]; x = E_X / E, theta the angle of X to the incoming electron. */
double nr_dump_brem_dsigma_dx_dcos(double x, double theta, double e_gev, double m_gev, nr_electron_charges q,
                                   double chi);
/* The same integrated over theta in [0, theta_max] in closed form (small angles, d cos(theta) = theta d theta;
 * the theta dependence of Eq. (40) is through u~ only) [GeV^-2]. */
double nr_dump_brem_dsigma_dx(double x, double theta_max, double e_gev, double m_gev, nr_electron_charges q,
                              double chi);

/* ---- resonant annihilation e+ e- -> X, 004 Eq. 47 --------------------------------------------------- */

/* Positron energy on resonance, E_res = m^2 / (2 m_e) - m_e [GeV], and the integral over the positron energy
 * of the narrow-width cross section, pi (x'_l^2 + x'_e^2) / (4 m_e) [GeV^-2 GeV] (g = 1). */
double nr_dump_resonance_energy_gev(double m_gev);
double nr_dump_resonance_strength(nr_electron_charges q);

/* ---- e+ e- -> gamma X and initial-state radiation (not in 004; issue 15) ------------------------------------ */

/* Tree-level e+ e- -> gamma X: d sigma / d cos(theta) in the CM frame at unit gauge coupling [GeV^-2], theta the
 * angle of X to the positron, s the CM energy squared [GeV^2]: (s - m^2)/(32 pi s^2) e^2 (x'_l^2 + x'_e^2)
 * [a/b + b/a + 8 m^2 s/((s - m^2)^2 a b)], a, b = 1 -+ beta c, beta the electron velocity in the CM (the electron
 * mass regulates the collinear poles, leading-log accuracy). Derived from |M|^2 of q qbar -> gamma gamma*; checks:
 * for m -> 0 and a vector coupling e its integral is twice (no identical photons) the e+ e- -> gamma gamma cross
 * section 2 pi alpha^2 / s (ln(s/m_e^2) - 1) (tests/test_beam_dump.c). Not used in the yield: its soft pole
 * 1/(s - m^2) needs the virtual correction; the radiator below contains it at leading log (a test). */
double nr_dump_annihilation_gamma_dsigma_dc(double s, double m_gev, double c, nr_electron_charges q);

/* The Kuraev-Fadin radiator H(x) of both legs (first order in beta, soft photons exponentiated; beam_dump.c
 * derives it): sigma(e+ e- -> X + photons)(s) = int dx H(x) sigma_Born(s (1 - x)), x the fraction of s radiated,
 * at fine-structure constant alpha (NR_ALPHA_EM in the yields; alpha -> 0 gives delta(x)) [dimensionless]. */
double nr_dump_isr_radiator(double x, double m_gev, double alpha);

/* int_0^x_max dx H(x) w(E(x)) / (1 - x) for experiment e: the annihilation yield over N_e Z n_N K with K of
 * nr_dump_resonance_strength, w the in-cone positron track length per GeV (radiation lengths per GeV), E(x) =
 * m^2 / (2 m_e (1 - x)) - m_e, on the quadrature with n points in ln x (n/2 more near the beam energy); the
 * yields use n = NR_DUMP_N_ISR and alpha = NR_ALPHA_EM. For tests and benchmarks. */
#define NR_DUMP_N_ISR 96
double nr_dump_annihilation_integral(const nr_experiment *e, double m_gev, double alpha, int n);

/* ---- yields in a dump, 004 Eqs. 49-50 --------------------------------------------------------------- */

#define NR_DUMP_N_BINS 120
typedef struct {
    double mass_gev;
    double e_lo_gev, e_hi_gev;                 /* log bins of E_X between these                       */
    double n_brem[NR_DUMP_N_BINS];             /* X from bremsstrahlung within the cone, at g = 1      */
    double n_anni[NR_DUMP_N_BINS];             /* X from annihilation (resonant with ISR), g = 1         */
    double p_mean_gev[NR_DUMP_N_BINS];         /* yield-weighted mean momentum of X in the bin [GeV]   */
} nr_dump_yield;

/* X made in the dump and heading into the detector (tan theta < r_det / (l_dump + l_sh + l_dec), Eq. 22), at
 * unit gauge coupling, for experiment e (an electron or positron beam dump). */
nr_status nr_dump_yield_compute(const nr_experiment *e, double m_gev, nr_electron_charges q, nr_dump_yield *y,
                                nr_error *err);
/* Events decaying in the decay region at coupling g and proper decay length ctau_m (004 Eqs. 23-24, 49-50),
 * before the branching fraction into the observed final state: *brem and *anni. With e->pair_acceptance 1 the
 * decay probability is nr_dump_pair_decay_probability's, with 2 nr_dump_one_product_decay_probability's, with 0
 * 004 Eq. (23)'s. */
void nr_dump_events(const nr_dump_yield *y, const nr_experiment *e, double g, double ctau_m, double *brem,
                    double *anni);

#endif
