/* dipole_xsec.h: cross sections and widths of the neutrino dipole portal to a heavy neutral lepton N,
 * derived from the Lagrangian of paper 001 Eq. (3.1):
 *     L = mu_N nubar_L sigma_{mu nu} N_R F^{mu nu} + h.c.,  mu_N in GeV^-1.
 * (001 Eq. A.1 as printed is wrong, ERRATA.md; the formulas here are derived afresh, see dipole_xsec.c.)
 * Upscattering nu + T -> N + T through photon exchange on a spin-0 nucleus with charge form factor
 * Z F(Q), on a proton or neutron with Dirac and Pauli form factors F1, F2, and on an electron; the decay
 * widths N -> nu gamma (001 Eq. B.1, correct for a Dirac N) and N -> nu l+ l- (001 Eqs. B.2-B.5, which are a
 * factor 2 low).
 */
#ifndef NR_DIPOLE_XSEC_H
#define NR_DIPOLE_XSEC_H

#include "form_factors.h"
#include "nr_error.h"

typedef enum {
    NR_DIPOLE_NUCLEUS = 0,  /* coherent, spin 0, charge Z, Helm form factor (001 A.3-A.4) */
    NR_DIPOLE_PROTON = 1,   /* elastic, dipole F1, F2 (001 A.6-A.8)                        */
    NR_DIPOLE_NEUTRON = 2,
    NR_DIPOLE_ELECTRON = 3  /* point-like Dirac fermion                                    */
} nr_dipole_target;

typedef struct {
    double mu_n;        /* dipole coupling [GeV^-1]                                   */
    double m_n;         /* HNL mass [GeV]                                             */
    nr_dipole_target target;
    double z, a;        /* nucleus: charge and mass number (for the Helm form factor) */
    double m_target;    /* target mass [GeV]                                          */
    int screening;      /* nucleus: multiply F by the atomic screening factor (A.5)   */
    const nr_ff_helm_table *helm; /* nucleus: the tabulated Helm F for mass number a
                                     (nr_engine_helm_001); NULL: nr_ff_helm_001 directly */
    /* kinematics at one neutrino energy, set by nr_dipole_xsec_at_energy (0: none) */
    double kin_e_nu, kin_u_min, kin_u_max; /* [GeV], [GeV^2]                     */
} nr_dipole_xsec_ctx;

/* Stores the |t| range at e_nu [GeV] in c, so that nr_dipole_dsigma_dt at that energy (the t quadrature of one
 * flux bin) need not recompute it; the result is the same. */
void nr_dipole_xsec_at_energy(nr_dipole_xsec_ctx *c, double e_nu);

/* dsigma/dt [cm^2/GeV^2] of nu + T -> N + T at neutrino energy e_nu [GeV] and t < 0 [GeV^2]; 0 outside
 * the physical region. Signature of nr_dsigma_dt_fn (upscatter.h); ctx is an nr_dipole_xsec_ctx. The
 * same for antineutrinos (the h.c. term, CP-conjugate kinematics). */
double nr_dipole_dsigma_dt(double e_nu, double t, const void *ctx);

/* The bracket B of dsigma/dt = alpha mu_N^2 B / (4 M^2 E^2 t^2) (dipole_xsec.c, step 3), exposed for other vector
 * mediators with the same dipole vertex (physics/models/tmm_zp_xsec.c): s = M^2 + 2 M E [GeV^2], u = -t, gram =
 * (u - u_min)(u_max - u) [GeV^4]. Spin 0 with the charge form factor z_f (Z F for the photon, in units of e);
 * spin 1/2 with Dirac and Pauli form factors f1, f2 (units of e). B is in GeV^4 times the charge squared. */
double nr_dipole_bracket_spin0(double s, double m_target, double m_n, double u, double gram, double z_f);
double nr_dipole_bracket_spin_half(double s, double m_target, double m_n, double u, double gram, double f1,
                                   double f2);

/* Gamma(N -> nu gamma) [GeV] = mu_N^2 m_N^3 / (4 pi) (001 Eq. B.1, derived from Eq. 3.1). */
double nr_dipole_width_nu_gamma(double mu_n, double m_n);

/* dGamma(N -> nu l+ l-)/ds [GeV^-1] with s = m_ll^2 [GeV^2], derived from Eq. 3.1; 001 Eq. B.4 is a factor 2
 * low (its B.2 prefactor should be 1/(256 pi^3 m_N^3)), see dipole_xsec.c. */
double nr_dipole_dwidth_nu_ll_ds(double mu_n, double m_n, double m_l, double s);

/* Gamma(N -> nu l+ l-) [GeV]: twice 001 Eq. B.5 read with the log argument 2 m_l / (sqrt(m_N^2 - 4 m_l^2) + m_N)
 * (B.5 as printed is dimensionally inconsistent and inherits B.4's factor 2). 0 below 2 m_l. Near threshold it
 * is an integral: the _e form gives its status (NR_ENOMEM, NR_ENUMERIC) and absolute error estimate [GeV]; the
 * plain form returns NaN on failure. */
nr_status nr_dipole_width_nu_ll_e(double mu_n, double m_n, double m_l, double *width, double *abs_err,
                                  nr_error *err);
double nr_dipole_width_nu_ll(double mu_n, double m_n, double m_l);

/* Fraction of N -> nu l+ l- decays of an N with lab energy e_n whose visible energy E(l+) + E(l-) exceeds
 * e_vis_cut (the "effective" branching fraction of 001 Fig. 2 right is this times the branching fraction).
 * Unpolarised N: the l+l- system is isotropic in the N rest frame. A closed form (dipole_xsec.c) above
 * m_N = 2.5 m_l, two 1-D integrals (with an error estimate) below. */
nr_status nr_dipole_nu_ll_fraction_above_e(double m_n, double m_l, double e_n, double e_vis_cut, double *fraction,
                                           double *abs_err, nr_error *err);
double nr_dipole_nu_ll_fraction_above(double m_n, double m_l, double e_n, double e_vis_cut); /* NaN on failure */

#endif
