/* bremsstrahlung.h: production of a light vector boson X by proton bremsstrahlung, p p -> p X + anything,
 * at the LHC, in the Fermi-Weizsacker-Williams (FWW) approximation of paper 004, Eqs. (25)-(32), (36).
 *
 *   sigma = Int dz dpT^2 |F1(m_X^2)|^2 w(z, pT^2) sigma_inel(s')           (004 Eq. 25, 36)
 *   (dz dpT^2 = (|p_X|/|p_beam|) d|p_X|^2 dcos(theta): Eq. 25's measure)
 *   z = p_z,X / |p_beam|,  H = pT^2 + (1-z) m_X^2 + z^2 m_p^2                (Eqs. 28-29)
 *   w: the chiral splitting function of Eq. (27), couplings g_L, g_R of X to the proton
 *   (g_X x'_pL, g_X x'_pR in 004's notation; dark photon: g_L = g_R = eps e).
 *   F1: VMD proton form factor, Eq. (31) with Table IV, evaluated at p_X^2 = m_X^2.
 *
 * Choices (each one documented where it is made in bremsstrahlung.c):
 *   - Collider frame (004 sec. III A, last paragraph: go to the rest frame of the other proton).
 *     z and pT are invariant under that boost along the beam (up to O(m_p^2/E^2)), so the spectrum is
 *     computed directly in the collider frame for ONE beam proton of E_p = sqrt(s)/2 heading towards
 *     the detector (the other beam's X go the other way), and s' = s (1 - z), which is 004's
 *     s' = 2 m_p (E_p - E_X) written with rest-frame-of-the-target energies. The virtuality of Eq. (30)
 *     uses E_p = s / (2 m_p), the beam energy in the target rest frame.
 *   - Virtuality cut: |q^2_min| < Lambda_QCD^2 (the virtuality, per ERRATA.md on 004 Eq. 30), Lambda_QCD
 *     = 0.25 GeV by default. At LHC energies |q^2_min| ~ 1e-15 GeV^2, so this cut never bites.
 *   - Validity of the FWW approximation (004: E_X, E_p, E_p' >> m_X, m_p, pT): the standard numbers of
 *     Blumlein & Brunner (arXiv:1311.3870) and FASER (arXiv:1708.09389): 0.1 < z < 0.9, pT < 1 GeV.
 *   - sigma_pp(s') = sigma_inel(s') = r * sigma_tot(s'), sigma_tot the PDG fit (K. Nakamura et al.
 *     (PDG), J. Phys. G 37 (2010) 075021, "Plots of cross sections", COMPETE form, pp parameters) and
 *     r = 79.5 mb / 110.6 mb = 0.7188 (TOTEM at 13 TeV, Eur. Phys. J. C 79 (2019) 103, arXiv:1712.06153).
 *     The PDG fit gives sigma_tot(13 TeV) = 110 mb, as TOTEM measures.
 *   - Splitting function variant: 004 Eq. (27) as printed, or the Blumlein-Brunner form (1311.3870,
 *     used by FORESEE/1708.09389 for the dark photon). In the vector limit g_L = g_R the two agree
 *     except the m_p^4/H^2 term: 004 has 2 z(1-z) z^2 (g_L^2+g_R^2) m_p^4/H^2, Blumlein-Brunner twice
 *     that. NR_BREM_SPLITTING_BLUMLEIN_BRUNNER doubles that term (for g_L != g_R this is our
 *     extrapolation, not a published formula).
 */
#ifndef NR_BREMSSTRAHLUNG_H
#define NR_BREMSSTRAHLUNG_H

#include "llp.h"
#include "nr_error.h"

typedef struct {
    double g_L, g_R; /* couplings of X to the proton's left-/right-handed currents [dimensionless] */
} nr_proton_chiral_couplings;

/* From vector and axial couplings, L = X_mu pbar gamma^mu (g_V - g_A gamma5) p: g_L = g_V + g_A,
 * g_R = g_V - g_A. */
nr_proton_chiral_couplings nr_proton_couplings_from_vector_axial(double g_v, double g_a);
/* Dark photon: g_L = g_R = eps e. */
nr_proton_chiral_couplings nr_proton_couplings_dark_photon(double epsilon);

typedef enum {
    NR_BREM_SPLITTING_004_EQ27 = 0,
    NR_BREM_SPLITTING_BLUMLEIN_BRUNNER = 1
} nr_brem_splitting_variant;

typedef struct {
    double sqrt_s_gev;      /* pp centre-of-mass energy [GeV]                              */
    double z_min, z_max;    /* range of z = p_z,X / p_beam                                 */
    double pt_max_gev;      /* pT of X below this [GeV]                                    */
    double lambda_qcd_gev;  /* virtuality cut |q^2_min| < lambda_qcd^2 [GeV]               */
    nr_brem_splitting_variant variant;
    int n_sub;              /* quadrature points per grid cell in each of log10 theta, log10 p */
} nr_brem_options;

/* Defaults: z in [0.1, 0.9], pT < 1 GeV, Lambda_QCD = 0.25 GeV, 004 Eq. (27), n_sub = 4. */
nr_brem_options nr_brem_options_default(double sqrt_s_gev);

/* |F1(m^2)|^2, 004 Eq. (31) with Table IV (F1(0) = sum f_V = 0.999). */
double nr_proton_form_factor_f1_abs2(double m2_gev2);
/* PDG 2010 fit of sigma_tot(pp) [mb] and the inelastic cross section used here [mb]; s in GeV^2. */
double nr_pp_sigma_total_mb(double s_gev2);
double nr_pp_sigma_inel_mb(double s_gev2);
/* 004 Eq. (30): |q^2_min| [GeV^2] for a beam of energy e_beam_gev. */
double nr_brem_virtuality_gev2(double z, double pt2_gev2, double m_x_gev, double e_beam_gev);
/* Splitting function w(z, pT^2) of 004 Eq. (27) [GeV^-2] (= dP/dz dpT^2). 0 outside 0 < z < 1. */
double nr_brem_splitting(const nr_proton_chiral_couplings *c, nr_brem_splitting_variant variant, double z,
                         double pt2_gev2, double m_x_gev);
/* d sigma / dz dpT^2 [pb GeV^-2] = |F1|^2 w sigma_inel(s (1-z)), 0 outside the cuts of opt. */
double nr_brem_dsigma_dz_dpt2_pb(const nr_proton_chiral_couplings *c, const nr_brem_options *opt,
                                 double z, double pt2_gev2, double m_x_gev);

/* s += bremsstrahlung spectrum of X (mass s->mass_gev) [pb per cell]. Cells are integrated with
 * n_sub x n_sub midpoints in (log10 theta, log10 p). */
nr_status nr_llp_spectrum_add_bremsstrahlung(nr_llp_spectrum *s, const nr_proton_chiral_couplings *c,
                                             const nr_brem_options *opt, nr_error *err);

#endif
