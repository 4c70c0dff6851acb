/* supernova.h: the luminosity of a feebly coupled boson X out of a proto-neutron star, with absorption on its way
 * out (paper 004 sec. III C, Eqs. 53-54), for any set of production processes given as rates at unit coupling.
 *
 *   L_X(g) = sum_s n_s int_0^{R_nu} 4 pi r^2 dr int_0^inf k^2 dk / (2 pi^2) omega  g^2 Gamma_P,s(omega, r)
 *                                                                          x exp(-g^2 tau_s(omega, r))      (Eq. 53)
 *   tau_s(omega, r) = int_r^{R_far} dr' Gamma_A,s(omega, r') / v,   Gamma_A = e^{omega/T} Gamma_P         (Eq. 54)
 * per polarisation state s (Eq. 53's d^3k/(2 pi)^3 counts one state: the states are summed with their
 * multiplicities n_s, 2 transverse and 1 longitudinal), omega^2 = k^2 + m^2, v = k/omega. The rate callback gives,
 * per process and state, the net damping rate Q = Gamma_A - Gamma_P (absorption less stimulated emission), from
 * which detailed balance gives Gamma_P = Q / (e^{omega/T} - 1) and Gamma_A = Q / (1 - e^{-omega/T}); written so,
 * nothing overflows where omega >> T. Like 004 the path is radial (its footnote 3: other directions would weaken
 * the upper edge by about 3 in g). Unlike Eq. 54 as printed we divide by v (the time the boson spends per km),
 * which matters only near threshold. Each process's luminosity is computed with the absorption of all.
 *
 * Numerics: the radius on a uniform grid of 201 points over [0, R_nu] (Simpson) and 151 over [R_nu, R_far]
 * (trapezoidal optical depth); the momentum as k = k0 (e^s - 1), k0 = 5 MeV, 161 points uniform in s up to
 * omega - m = 50 T_max (Simpson). At fixed mass the rates at g = 1 are tabulated once (nr_sn_luminosity_prepare);
 * a coupling then costs one pass of exponentials (nr_sn_luminosity_at).
 * Units: GeV, km (converted with NR_KM_TO_INV_GEV), luminosities in erg/s.
 */
#ifndef NR_SUPERNOVA_H
#define NR_SUPERNOVA_H

#include <stddef.h>

#include "nr_error.h"
#include "sn_profile.h"

#define NR_SN_N_PROC 3 /* processes (their meaning is the rate callback's; supernova_zprime.h) */
#define NR_SN_N_POL 2  /* polarisation classes: 0 transverse (2 states), 1 longitudinal (1 state) */

/* Q[p][s] [GeV] at unit coupling, for energy omega and momentum k [GeV] at a point of the profile. */
typedef void (*nr_sn_rate_fn)(const void *ctx, double omega, double k, const nr_sn_point *pt,
                              double q[NR_SN_N_PROC][NR_SN_N_POL]);

typedef struct {
    double m_gev;
    double l_nu_erg_s;
    size_t n_r, n_k;   /* radii inside R_nu, momenta                                   */
    double *r_km;      /* [n_r]                                                        */
    double *w_r;       /* [n_r] Simpson weights of 4 pi r^2 dr [GeV^-3]                */
    double *k_gev;     /* [n_k]                                                        */
    double *w_k;       /* [n_k] Simpson weights of k^2 dk omega / (2 pi^2) [GeV^4]     */
    double *prod;      /* [NR_SN_N_PROC][NR_SN_N_POL][n_r][n_k] Gamma_P at g = 1 [GeV] */
    double *tau;       /* [NR_SN_N_POL][n_r][n_k] optical depth at g = 1               */
} nr_sn_luminosity;

/* Tabulates production and optical depth at unit coupling for mass m_gev > 0. */
nr_status nr_sn_luminosity_prepare(const nr_sn_profile *profile, double m_gev, nr_sn_rate_fn rates, const void *ctx,
                                   nr_sn_luminosity *out, nr_error *err);
/* Luminosity per process at coupling g [erg/s], absorption included; returns the sum. */
double nr_sn_luminosity_at(const nr_sn_luminosity *l, double g, double l_erg_s[NR_SN_N_PROC]);
/* The same without absorption (tau = 0): the free-streaming luminosity, g^2 times a constant. */
double nr_sn_luminosity_free_streaming(const nr_sn_luminosity *l, double g, double l_erg_s[NR_SN_N_PROC]);
void nr_sn_luminosity_free(nr_sn_luminosity *l);

/* The Bose-Einstein occupation 1/(e^x - 1) and 1/(1 - e^{-x}) for x = omega/T > 0, without overflow. */
double nr_sn_bose(double x);
double nr_sn_absorption_factor(double x);

#endif
