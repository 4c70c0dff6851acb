/* tmm_zp_xsec.h: production of a heavy neutrino N through an active-to-heavy transition magnetic moment to a Z'
 * field strength (paper 003 Eq. 1: mu_nu_alpha Nbar sigma^{mu nu} nu_alpha Z'_{mu nu}, Z' couplings g_q to u and d),
 * nu_alpha + target -> N + X, derived here (003 used MadGraph and prints no formula; tmm_zp_xsec.c has the
 * derivation):
 *  - coherently on a spin-0 nucleus (Helm form factor) and elastically on protons and neutrons (Z' form factors
 *    from the nucleon's electromagnetic ones by isospin): the dipole-portal brackets of physics/models/dipole_xsec.c with
 *    the photon propagator replaced by the Z' one;
 *  - inelastically on u and d quarks and antiquarks with the PDFs: deep-inelastic above the matching scale
 *    Q0^2 ("hard"), and below it, down to W = m_p + m_pi, the same parton formula with the PDFs frozen at Q0^2 and
 *    multiplied by Q^2/Q0^2 ("soft", the current-conservation fall-off F_2 ~ Q^2 of the inelastic structure
 *    functions); dsigma/dQ^2 is continuous at Q0^2 by construction.
 * Also the direction of N (for 003 Eq. 2) and the decay probability of Eq. 2.
 * Cross sections in cm^2 (per target), masses and momenta in GeV, mu in GeV^-1.
 */
#ifndef NR_TMM_ZP_XSEC_H
#define NR_TMM_ZP_XSEC_H

#include <stddef.h>

#include "constants.h"
#include "dis.h"
#include "form_factors.h"
#include "pdf.h"

typedef struct {
    double mu;       /* transition moment mu_nu_alpha [GeV^-1] (003 Eq. 1)                                   */
    double m_n;      /* N mass [GeV]                                                                          */
    double m_zp;     /* Z' mass [GeV]; 0 is the photon-like limit                                            */
    double g_u, g_d; /* Z' vector couplings to u and d quarks (003: g_u = g_d = g_q); e Q_q gives the photon  */
} nr_tmm_couplings;

typedef enum { NR_TMM_NUCLEUS = 0, NR_TMM_PROTON = 1, NR_TMM_NEUTRON = 2 } nr_tmm_target;

typedef struct {
    nr_tmm_couplings c;
    nr_tmm_target target;
    double z, a;      /* nucleus: charge and mass number                                                      */
    double m_target;  /* [GeV]                                                                                */
    const nr_ff_helm_table *helm; /* the nucleus's Helm F tabulated (form_factors.h; max error 1.2e-10 on W), or NULL:
                                     nr_ff_helm_001 on every call                                            */
    double kin_e_nu, kin_u_min, kin_u_max; /* |t| range at kin_e_nu [GeV, GeV^2] (nr_tmm_elastic_at_energy); kin_e_nu
                                              = 0: computed on every call                                    */
} nr_tmm_elastic_ctx;

/* Stores the |t| range at e_nu in the context (the same numbers nr_upscatter_abs_t_range gives on every call), for
 * the calls of one t quadrature at that energy. */
void nr_tmm_elastic_at_energy(nr_tmm_elastic_ctx *ctx, double e_nu);

/* Z' charge of a nucleus (Z protons, A - Z neutrons) at zero momentum transfer: Z (2 g_u + g_d) + (A - Z)(g_u + 2 g_d). */
double nr_tmm_nucleus_charge(const nr_tmm_couplings *c, double z, double a);

/* Z' Dirac and Pauli form factors of a nucleon at Q^2 [GeV^2] (isospin from the dipole electromagnetic ones of
 * form_factors.h): proton F = g_u (2 F^p + F^n) + g_d (F^p + 2 F^n), neutron with p <-> n. */
void nr_tmm_nucleon_form_factors(const nr_tmm_couplings *c, nr_nucleon nucleon, double q2, double *f1, double *f2);

/* dsigma/dt [cm^2/GeV^2] of nu T -> N T (nr_dsigma_dt_fn of upscatter.h; ctx is an nr_tmm_elastic_ctx); the same
 * for antineutrinos. 0 outside the physical region. */
double nr_tmm_elastic_dsigma_dt(double e_nu, double t, const void *ctx);

/* Parton level nu q -> N q (massless q of Z' charge g_f, spin averaged; the neutrino left-handed):
 * dsigma/dQ^2 [GeV^-4] at s_hat [GeV^2], Q^2 in [0, s_hat - m_N^2], and its integral [GeV^-2]. */
double nr_tmm_parton_dsigma_dq2(double s_hat, double q2, double m_n, double m_zp, double mu, double g_f);
double nr_tmm_parton_sigma(double s_hat, double q2_lo, double q2_hi, double m_n, double m_zp, double mu,
                           double g_f);

/* The inelastic regimes. */
typedef enum { NR_TMM_DIS_HARD = 1, NR_TMM_DIS_SOFT = 2, NR_TMM_DIS_ALL = 3 } nr_tmm_dis_part;

#define NR_TMM_Q0_GEV2 1.69   /* default matching scale: (1.3 GeV)^2, the lowest Q of the CT10/CT14 grids */
#define NR_TMM_W_MIN_GEV (NR_M_PROTON + NR_M_PION_CHARGED) /* inelastic threshold                        */

/* One quadrature node of the inelastic cross section: an N energy and angle with a weight [cm^2]. */
typedef struct {
    double e_n;       /* [GeV]   */
    double sin_theta; /* N angle to the neutrino direction */
    double weight;    /* [cm^2]  */
} nr_tmm_node;

/* Quadrature nodes of the inelastic cross section on a nucleon at rest: Gauss-Legendre in ln x and ln Q^2 (pieces of
 * at most one decade), u, d, ubar, dbar with the PDFs at Q^2 (hard) or frozen at q0_gev2 times Q^2/q0_gev2 (soft).
 * Writes at most max_nodes nodes (a NULL nodes only counts) and returns the number written; *sigma (if not NULL) is
 * the total [cm^2]. */
size_t nr_tmm_dis_nodes(const nr_pdf *pdf, const nr_tmm_couplings *c, nr_nucleon nucleon, double e_nu,
                        double q0_gev2, nr_tmm_dis_part part, nr_tmm_node *nodes, size_t max_nodes, double *sigma);

/* The same for w_p protons + w_n neutrons at once: the two share every node's x, Q^2 and so E_N and angle, so one
 * node carries w_p (proton weight) + w_n (neutron weight) and one PDF evaluation serves both; the soft nodes of
 * one x share one evaluation at q0. (1, 0) and (0, 1) give nr_tmm_dis_nodes's proton and neutron nodes exactly. */
size_t nr_tmm_dis_nodes_mix(const nr_pdf *pdf, const nr_tmm_couplings *c, double w_p, double w_n, double e_nu,
                            double q0_gev2, nr_tmm_dis_part part, nr_tmm_node *nodes, size_t max_nodes, double *sigma);

/* dsigma/dQ^2 [cm^2/GeV^2] of the inelastic part on a nucleon, integrated over x (for the continuity check). */
double nr_tmm_dis_dsigma_dq2(const nr_pdf *pdf, const nr_tmm_couplings *c, nr_nucleon nucleon, double e_nu,
                             double q0_gev2, double q2);

/* The pieces of sigma(nu A -> N X) [cm^2 per nucleus] on a nucleus (Z, A, mass [GeV]): coherent, elastic on the Z
 * protons and A - Z neutrons, inelastic above and below q0_gev2; t-integrals with nr_upscatter_nodes (64 nodes). */
typedef struct {
    double coherent, elastic_p, elastic_n, dis_hard, dis_soft, total;
} nr_tmm_sigma_parts;
void nr_tmm_nucleus_sigma(const nr_pdf *pdf, const nr_tmm_couplings *c, double z, double a, double m_nucleus,
                          double e_nu, double q0_gev2, nr_tmm_sigma_parts *out);

/* sin(theta) of N to the neutrino direction for a neutrino of energy e_nu [GeV] giving N the energy e_n at
 * momentum transfer Q^2 [GeV^2] (any target): from t = m_N^2 - 2 E (E_N - p_N cos theta), written without the
 * small-angle cancellation. 0 if unphysical. */
double nr_tmm_n_sin_theta(double e_nu, double e_n, double m_n, double q2);

/* 003 Eq. 2: probability that N (lab decay length lambda [m]) decays in the detector, d = min(Delta, R/sin theta).
 * average_depth = 0: Eq. 2 as printed (N made at the front face); 1: averaged over a production point uniform along
 * the length Delta, d = min(Delta - z, R/sin theta). */
double nr_tmm_decay_probability(double lambda_m, double delta_m, double radius_m, double sin_theta,
                                int average_depth);

#endif
