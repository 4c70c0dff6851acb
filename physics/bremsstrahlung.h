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
 *   - The momentum-fraction window z_min < z < z_max (options; issue 10). Default 0 < z < 1, no window: for the
 *     X that reach a forward detector the FWW conditions (004 after Eq. 26: E_X, E_p, E_p' >> m_X, m_p, pT) hold
 *     at LHC energies wherever the rate comes from. In the long-lived regime events ~ Int dz w(z) A(z) / (z E_p)
 *     with w ~ 1/z and the accepted pT^2 range A ~ min(1, z^2 m_p^2 / m_X^2) (pT < theta_acc z p_beam), so the
 *     rate is dominated by z ~ m_X/m_p (E_X ~ 70-700 GeV for 10-100 MeV) and converges as z_min -> 0 (FASER
 *     long-lived at 10 MeV: z_min = 1e-4 loses 1.2%, 1e-3 12%, where E_X < 7 GeV and E_X >> m_p is marginal;
 *     at 50 MeV 0.2% and 2.4%: tests/test_bremsstrahlung.c); near z = 1
 *     the FWW condition E_p' >> m_p fails only for 1 - z < ~1e-3, a negligible sliver. The window 0.1 < z < 0.9
 *     of Blumlein & Brunner (arXiv:1311.3870, a 70 GeV fixed-target beam, where z = 0.1 is E_X = 7 GeV) and
 *     FASER (arXiv:1708.09389) is the conservative choice (it keeps only X far from every FWW limit): it removes
 *     the region that dominates long-lived rates (a factor 3-70 lower there). The total cross section with
 *     z_min = 0 diverges like ln(1/z_min) (soft X); the spectrum grid stops at p = 0.01 GeV.
 *   - pT < 1 GeV (pt_max_gev), as FORESEE and 1708.09389.
 *   - Resonances of the proton form factor (resonances): 004 Table IV puts the omega at the rho's 0.770 GeV
 *     (from its refs. [30, 68]; we take the fit to be that of de Niverville, Chen, Pospelov, Ritz,
 *     arXiv:1609.01770, not re-checked here), while the decay widths
 *     (DarkCast R-ratio tables, zprime.h) have the omega at its PDG mass 0.78266 GeV. Default
 *     NR_BREM_RESONANCES_PDG: the rho and omega at their PDG 2022 masses and widths (0.77526 / 0.1491 GeV,
 *     0.78266 / 0.00868 GeV; hadrons.c has the same masses), the same f_V and the same excited states (so
 *     F1(0) = sum f_V up to terms of order Gamma/m, 1%); NR_BREM_RESONANCES_004_TABLE_IV: Table IV as printed. Neither has a phi
 *     (the fit has none; the phi's coupling to the nucleon is OZI-suppressed).
 *   - sigma_pp(s') = sigma_inel(s') = r * sigma_tot(s'), sigma_tot the PDG fit (K. Nakamura et al.
 *     (PDG), J. Phys. G 37 (2010) 075021, "Plots of cross sections", COMPETE form, pp parameters) and
 *     r = 79.5 mb / 110.6 mb = 0.7188 (TOTEM at 13 TeV, Eur. Phys. J. C 79 (2019) 103, arXiv:1712.06153).
 *     The PDG fit gives sigma_tot(13 TeV) = 110 mb, as TOTEM measures.
 *   - Splitting function variant: 004 Eq. (27) as printed (default), or the Blumlein-Brunner form (1311.3870,
 *     used by FORESEE/1708.09389 for the dark photon). In the vector limit g_L = g_R the two agree except the
 *     m_p^4/H^2 term: 004 has 2 z(1-z) z^2 (g_L^2+g_R^2) m_p^4/H^2, Blumlein-Brunner twice that.
 *     NR_BREM_SPLITTING_BLUMLEIN_BRUNNER doubles that term (for g_L != g_R this is our extrapolation).
 *     Check (issue 10): for m_X -> 0 the splitting must become the collinear splitting of a photon off a massive
 *     spin-1/2 line, derived here from the trace Tr[(p'+m) g^mu (P+m) g^nu] with the light-cone polarisation sum
 *     and checked against the pointlike-fermion equivalent-photon spectrum (Budnev et al., Phys. Rept. 15 (1975)
 *     181): w H = g^2/(8 pi^2) [ (1+(1-z)^2)/z - 2 z (1-z) m_p^2/H ] (helicity-conserving ~ pT^2/H^2 plus the
 *     helicity flip z^3 m_p^2/H^2). With x = z^2 m_p^2/H in (0, 1], the m_p terms are, in units of
 *     g^2/(8 pi^2) (1-z)/z: exact -2x, 004 -4x + 2x^2, Blumlein-Brunner -4x + 4x^2. At pT -> 0 (x = 1, the
 *     helicity-flip limit) 004 is exact and Blumlein-Brunner is (1+(1-z)^2)/z^2 times too large (5x at z = 0.5);
 *     at large pT both double the m_p^2/H term. 004's form is the closer one at small pT, where FASER's
 *     acceptance puts the X (pT < theta_acc z p_beam, x > 0.3): it is the default. Neither is exact below
 *     m_X ~ m_p; the 2x-at-10-MeV spread between them is the size of that uncertainty (tests/test_bremsstrahlung.c).
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

typedef enum {
    NR_BREM_RESONANCES_PDG = 0,         /* rho, omega at their PDG masses (consistent with the decay widths) */
    NR_BREM_RESONANCES_004_TABLE_IV = 1 /* 004 Table IV as printed (omega at 0.770 GeV)                    */
} nr_brem_resonances;

typedef struct {
    double sqrt_s_gev;      /* pp centre-of-mass energy [GeV]                              */
    double z_min, z_max;    /* range of z = p_z,X / p_beam                                 */
    double pt_max_gev;      /* pT of X below this [GeV]                                    */
    double lambda_qcd_gev;  /* virtuality cut |q^2_min| < lambda_qcd^2 [GeV]               */
    nr_brem_splitting_variant variant;
    nr_brem_resonances resonances;
    int n_sub;              /* quadrature points per grid cell in each of log10 theta, log10 p */
} nr_brem_options;

/* Defaults: z in [0, 1] (no window, see above), pT < 1 GeV, Lambda_QCD = 0.25 GeV, 004 Eq. (27), PDG resonances,
 * n_sub = 4. */
nr_brem_options nr_brem_options_default(double sqrt_s_gev);
/* The conservative window of 1311.3870 / 1708.09389: 0.1 < z < 0.9. */
#define NR_BREM_Z_MIN_CONSERVATIVE 0.1
#define NR_BREM_Z_MAX_CONSERVATIVE 0.9

/* |F1(m^2)|^2, 004 Eq. (31) with Table IV as printed (F1(0) = sum f_V = 0.999). */
double nr_proton_form_factor_f1_abs2(double m2_gev2);
/* |F1(m^2)|^2 with the chosen resonance set. */
double nr_proton_form_factor_f1_abs2_set(nr_brem_resonances set, double m2_gev2);
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

/* d sigma/dz [pb] integrated over 0 <= pT^2 < pt2_max_gev2 (and the cuts of opt) in closed form: at fixed z, w of
 * Eq. (27) is a polynomial in 1/H and dpT^2 = dH (Eq. 29), so
 *   Int w dpT^2 = k0 ln(H1/H0) + k1 (1/H0 - 1/H1) + k2 (1/H0^2 - 1/H1^2)/2,   w = k0/H + k1/H^2 + k2/H^3,
 * H0 = H(pT = 0), H1 = H0 + pT^2_max (the virtuality cut of Eq. 30 is H < 2 E z (1-z) Lambda_QCD, an upper bound
 * on pT^2 too). */
double nr_brem_dsigma_dz_accepted_pb(const nr_proton_chiral_couplings *c, const nr_brem_options *opt, double z,
                                     double pt2_max_gev2, double m_x_gev);

/* acc = the bremsstrahlung X (mass m_x_gev) that enter the decay volume v, as a (p, weight) list for
 * nr_llp_events_accepted, without the (theta, p) grid: 004 Eq. (22) is pT < (R / (L + l)) z p_beam, an upper bound
 * on pT^2 at each z, so the accepted cross section is one integral over z of nr_brem_dsigma_dz_accepted_pb,
 * binned in |p| (p_bins_per_cell bins per 0.05 dex from 0.01 GeV, the grid's lowest momentum; weighted mean |p| per
 * bin, |p| = sqrt(p_z^2 + <pT^2>)). opt->n_sub is not used. acc is allocated here. NR_EINPUT for bad options,
 * mass, volume or bin count. */
nr_status nr_brem_accept(const nr_proton_chiral_couplings *c, const nr_brem_options *opt, double m_x_gev,
                         const nr_decay_volume *v, int p_bins_per_cell, nr_llp_accepted *acc, nr_error *err);

/* centre-of-mass energy of a proton of energy e_beam_gev on a nucleon at rest [GeV]: s = 2 m_p^2 + 2 m_p E_beam */
double nr_fixed_target_sqrt_s_gev(double e_beam_gev);

/* The lowest pp centre-of-mass energy at the beam [GeV] for which the fixed-target bremsstrahlung is computed: the
 * PDG 2010 sigma_tot fit that normalises 004 Eq. (32) per proton (X / sigma_pp(s)) was fitted to data with
 * sqrt(s) >= 5 GeV (Nakamura et al., J. Phys. G 37 (2010) 075021, "Plots of cross sections"), i.e. a proton beam
 * of E_beam = (s - 2 m_p^2) / (2 m_p) = 12.4 GeV; the FWW approximation itself (004 Eqs. 25-30) needs E_beam >> m_p,
 * m_X as well. */
#define NR_BREM_FIXED_TARGET_SQRT_S_MIN_GEV 5.0
/* NR_OK if a proton beam of e_beam_gev [GeV] reaches NR_BREM_FIXED_TARGET_SQRT_S_MIN_GEV; else NR_EINPUT, rule
 * out-of-range, naming `where` (the request field that set the energy) and the lowest energy. */
nr_status nr_brem_check_fixed_target_beam(double e_beam_gev, const char *where, nr_error *err);

/* nr_brem_accept for a proton beam of energy e_beam_gev on a nucleon at rest (a proton beam dump, proton_dump.h): z =
 * p_z,X / p_beam with the lab beam momentum p_beam = sqrt(E^2 - m_p^2), every momentum p_z = z p_beam <= p_beam,
 * and the weights are X per proton on target, d sigma / sigma_pp(s) (004 Eq. 32), not pb. opt must be made for
 * s = 2 m_p^2 + 2 m_p E_beam (NR_EINTERNAL otherwise); NR_EINPUT as nr_brem_accept, or for E_beam <= m_p. */
nr_status nr_brem_accept_fixed_target(const nr_proton_chiral_couplings *c, const nr_brem_options *opt,
                                      double e_beam_gev, double m_x_gev, const nr_decay_volume *v,
                                      int p_bins_per_cell, nr_llp_accepted *acc, nr_error *err);

/* s += bremsstrahlung spectrum of X (mass s->mass_gev) [pb per cell]. Cells are integrated with
 * n_sub x n_sub midpoints in (log10 theta, log10 p). */
nr_status nr_llp_spectrum_add_bremsstrahlung(nr_llp_spectrum *s, const nr_proton_chiral_couplings *c,
                                             const nr_brem_options *opt, nr_error *err);
/* The same in the cells of region only (NULL: every cell), each computed exactly as above (the same value, bit for
 * bit); the cells outside are not touched (issue 11: zd_hnl reads a small part of the grid). */
nr_status nr_llp_spectrum_add_bremsstrahlung_in(nr_llp_spectrum *s, const nr_proton_chiral_couplings *c,
                                                const nr_brem_options *opt, const nr_llp_cell_region *region,
                                                nr_error *err);

#endif
