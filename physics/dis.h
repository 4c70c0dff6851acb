/* dis.h: charged-current deep-inelastic neutrino-nucleon scattering at leading order.
 *
 * nu_l + N -> l + X and nubar_l + N -> l+ + X on a proton or neutron, from the parton distributions,
 * with the W propagator, the charged-lepton mass (tau threshold) in the kinematic limits and the
 * structure-function combination, and the inelastic threshold W > m_N + m_pi. Formulas and sources
 * in dis.c. Units: E in GeV, cross sections in cm^2.
 */
#ifndef NR_DIS_H
#define NR_DIS_H

#include "nr_error.h"
#include "pdf.h"

typedef enum { NR_NUCLEON_PROTON = 0, NR_NUCLEON_NEUTRON = 1 } nr_nucleon;

typedef struct {
    int flavour;        /* NR_FLAVOUR_E, _MU, _TAU (flux.h): fixes the charged-lepton mass */
    int anti;           /* 0 neutrino, 1 antineutrino                                       */
    nr_nucleon nucleon;
} nr_cc_channel;

/* Double-differential d^2 sigma / dx dy [cm^2] at neutrino energy e_nu [GeV] (0 outside the
 * physical region). */
double nr_dis_cc_d2sigma_dxdy(const nr_pdf *pdf, nr_cc_channel ch, double e_nu, double x, double y);

/* Total CC cross section [cm^2] on one nucleon, fixed-order Gauss-Legendre quadrature in
 * (ln x, y) (fast; the production path). */
double nr_dis_cc_sigma(const nr_pdf *pdf, nr_cc_channel ch, double e_nu);

/* The same by nested adaptive GSL integration, with an error estimate [cm^2] (slow; for tests). */
nr_status nr_dis_cc_sigma_adaptive(const nr_pdf *pdf, nr_cc_channel ch, double e_nu,
                                   double rel_tol, double *sigma, double *abs_err, nr_error *err);

/* Neutrino energy threshold [GeV] for producing the charged lepton of `flavour` on a nucleon at rest
 * with W >= m_N + m_pi. */
double nr_dis_cc_threshold(int flavour);

#endif
