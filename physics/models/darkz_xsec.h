/* darkz_xsec.h: cross sections and widths of the heavy neutral lepton N coupled to an active neutrino through a
 * massive Z' (paper 000: Eq. 1 g_nuN Z'_a nubar gamma^a (1 - gamma5)/2 N, Eq. 3 q'_f = e eps q_f, Eq. 12
 * g' Nbar_L gamma N'_L Z').
 *
 * Production nu + T -> N + T by t-channel Z' exchange on
 *  - a massless parton (000 Eqs. 5 and 7 as printed, and the exact result derived here),
 *  - a massive spin-1/2 target with a vector coupling (electrons; nucleons in tests),
 *  - a spin-0 nucleus with an elastic form factor (exact coherent scattering) and 000 Eq. 11 as printed.
 * "coupling2" is always the square of the product of the two vertex couplings, g_nuN^2 q'_T^2 (for a nucleus
 * q'_T is its total charge under the Z', e.g. e eps Z). Cross sections are in GeV^-2; convert with
 * NR_HBARC2_GEV2_CM2.
 *
 * Decays: Z' -> f fbar (000 sec. IV), N -> X Z' (two-body, X = N' or nu) and the three-body N -> X Z'* -> X f fbar
 * by the exact factorisation over the virtuality of the Z' (darkz_xsec.c has the derivations).
 */
#ifndef NR_DARKZ_XSEC_H
#define NR_DARKZ_XSEC_H

#include "form_factors.h"
#include "nr_error.h"

/* --- production ----------------------------------------------------------------------------------------- */

/* 000 Eq. 5 as printed: dsigma/dcos(theta) [GeV^-2] of nu q -> N q in the parton CM frame at s [GeV^2]. */
double nr_darkz_parton_dsigma_dcos_paper(double s, double cos_theta, double m_n, double m_zp, double coupling2);
/* 000 Eq. 7 as printed: its integral over cos(theta) in [-1, 1] [GeV^-2]. 0 for s <= m_N^2. */
double nr_darkz_parton_sigma_paper(double s, double m_n, double m_zp, double coupling2);

/* Exact dsigma/d|t| [GeV^-4] for nu q -> N q with a massless parton, left-handed neutrino (no spin average) and
 * the parton spin averaged: |t| = (s - m_N^2)(1 - cos theta)/2 in [0, s - m_N^2]. */
double nr_darkz_parton_dsigma_dt_exact(double s, double abs_t, double m_n, double m_zp, double coupling2);
/* Its analytic integral over |t| in [0, s - m_N^2] [GeV^-2]. */
double nr_darkz_parton_sigma_exact(double s, double m_n, double m_zp, double coupling2);

/* Exact dsigma/d|t| [GeV^-4] on a spin-1/2 target of mass m_target at rest (vector coupling), neutrino energy
 * e_nu [GeV]; 0 outside the physical |t| range. Reduces to the parton formula for m_target -> 0 at fixed s. */
double nr_darkz_fermion_dsigma_dt(double e_nu, double abs_t, double m_n, double m_target, double m_zp,
                                  double coupling2);

/* Exact dsigma/d|t| [GeV^-4] on a spin-0 target of mass m_target at rest with unit form factor (multiply by
 * |F(|t|)|^2); 0 outside the physical |t| range. */
double nr_darkz_scalar_dsigma_dt(double e_nu, double abs_t, double m_n, double m_target, double m_zp,
                                 double coupling2);

/* Both of the above at one (e_nu, |t|) with one physical-range test: *scalar and *fermion equal the two calls to the
 * last bit. */
void nr_darkz_scalar_fermion_dsigma_dt(double e_nu, double abs_t, double m_n, double m_target, double m_zp,
                                       double coupling2, double *scalar, double *fermion);

/* 000 sec. V B Helm form factor F(Q) with R1 = sqrt(c^2 + 7 pi^2 a1^2 / 3 - 5 s1^2), c = 1.23 A^(1/3) - 0.6 fm,
 * s1 = 0.9 fm, a1 = 0.52 fm; Q = sqrt|t| [GeV]. */
double nr_darkz_helm_000(double q_gev, double mass_number);
double nr_darkz_helm_000_radius_fm(double mass_number);
/* nr_darkz_helm_000 tabulated for one nucleus (form_factors.h: cubic Hermite, no sine, cosine or cube root per
 * call; max error 2e-10 on tungsten and silicon, tests/test_darkz.c). Free with nr_ff_helm_table_free. */
nr_status nr_darkz_helm_000_table_init(nr_ff_helm_table *t, double mass_number, nr_error *err);

/* 000 Eq. 11 as printed, integrated over cos(theta) [GeV^-2]: s = m_A^2 + 2 E m_A, the paper's
 * t = (s - m_N^2)(1 - cos theta) also in the form factor, no |t|_min. coupling2 = g_nuN^2 (e Z eps)^2. */
double nr_darkz_coherent_sigma_paper(double e_nu, double m_target, double mass_number, double m_n, double m_zp,
                                     double coupling2);

/* --- decays ---------------------------------------------------------------------------------------------- */

/* How the Z' couples to the Standard Model: kinetic mixing (q'_f = e eps q_f, 000 Eq. 3) or gauged B - 3 L_tau
 * with q'_q = g_q for every quark, q'_tau = q'_nu_tau = -9 g_q (000 sec. III). */
typedef enum { NR_DARKZ_KINETIC_MIXING = 0, NR_DARKZ_B_MINUS_3LTAU = 1 } nr_darkz_portal;

typedef enum {
    NR_DARKZ_CH_EE = 0,
    NR_DARKZ_CH_MUMU,
    NR_DARKZ_CH_TAUTAU,
    NR_DARKZ_CH_HADRONS, /* pi+ pi- through the rho below 1.1 GeV, quarks (R ratio at lowest order) above      */
    NR_DARKZ_CH_NUNU,    /* nu_tau nubar_tau (B - 3 L_tau only)                                                */
    NR_DARKZ_N_CHANNELS
} nr_darkz_channel;

/* Partial width [GeV] of a Z' (or a virtual Z' of mass m_v) into one channel; coupling = eps (kinetic mixing) or
 * g_q (B - 3 L_tau). */
double nr_darkz_zprime_width(nr_darkz_portal portal, double coupling, double m_v, nr_darkz_channel ch);
/* 000 sec. IV: Gamma(Z' -> f fbar) = q'^2 m (1 + 2 r)(1 - 4 r)^(1/2) / (12 pi), r = m_f^2 / m^2, times n_colour. */
double nr_darkz_zprime_width_ff(double q_f, double m_v, double m_f, double n_colour);

/* Two-body N -> X V for g Xbar gamma^mu P_L N V_mu [GeV] (X of mass m_x, V of mass m_v); 0 if closed. */
double nr_darkz_width_n_two_body(double g, double m_n, double m_x, double m_v);

/* N -> X Z'(*) -> X + channel [GeV]: on-shell Z' times its branching fraction when m_zp < m_n - m_x, else the
 * three-body width by the integral over the Z' virtuality. g = g' (X = N') or g_nuN (X = nu). The _e form gives
 * the status (NR_ENOMEM, NR_ENUMERIC) and the absolute error estimate [GeV] of the integral; the plain form
 * returns NaN on failure. */
nr_status nr_darkz_width_n_channel_e(double g, double m_n, double m_x, double m_zp, nr_darkz_portal portal,
                                     double coupling, nr_darkz_channel ch, double *width, double *abs_err,
                                     nr_error *err);
double nr_darkz_width_n_channel(double g, double m_n, double m_x, double m_zp, nr_darkz_portal portal,
                                double coupling, nr_darkz_channel ch);

/* 000 Eq. 4 as printed: Gamma(N -> N' e+ e-) for m_Z' > m_N [GeV] (8 times the width derived from Eqs. 3 and 12;
 * kept for the record and the tests). */
double nr_darkz_width_eq4_paper(double g_prime, double eps, double m_n, double m_np, double m_zp);

#endif
