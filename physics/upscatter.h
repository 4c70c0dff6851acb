/* upscatter.h: kinematics and t-integration of neutrino upscattering nu + T -> N + T.
 *
 * A neutrino of energy E (massless) hits a target of mass m_T at rest and becomes a heavy neutral lepton
 * of mass m_N; exact 2 -> 2 kinematics. t = (p_nu - p_N)^2 < 0 is the four-momentum transfer; the target
 * recoils with T = -t / (2 m_T), so E_N = E + t / (2 m_T). Any model supplies dsigma/dt; this module
 * gives the physical t range, the threshold, and quadrature nodes in t for folding the cross section
 * with what happens to N afterwards (decay in a volume, energy cuts).
 */
#ifndef NR_UPSCATTER_H
#define NR_UPSCATTER_H

#include <stddef.h>

#include "nr_error.h"

/* Neutrino energy threshold [GeV]: s = m_T^2 + 2 m_T E >= (m_N + m_T)^2. */
double nr_upscatter_threshold(double m_target, double m_n);

/* Physical range of |t| [GeV^2] at energy e_nu: returns 0 below threshold. */
int nr_upscatter_abs_t_range(double e_nu, double m_target, double m_n, double *abs_t_min, double *abs_t_max);

/* E_N [GeV] for a given t (t < 0). */
double nr_upscatter_e_n(double e_nu, double m_target, double t);

/* |t| [GeV^2] giving E_N: the inverse of nr_upscatter_e_n. */
double nr_upscatter_abs_t_for_e_n(double e_nu, double m_target, double e_n);

/* dsigma/dt [cm^2 / GeV^2] at (e_nu, t) for one model and target; ctx carries the model's couplings,
 * masses and form factors. */
typedef double (*nr_dsigma_dt_fn)(double e_nu, double t, const void *ctx);

/* Quadrature in ln|t| over [abs_t_min, min(abs_t_max, abs_t_cut)] (abs_t_cut <= 0: no cut) with n_nodes
 * points (Gauss-Legendre per decade, at most n_nodes in total): fills abs_t[k] and weight[k] such that
 * sum_k weight[k] * g(abs_t[k]) approximates integral dt dsigma/dt g for smooth g. The weights already
 * include dsigma/dt, so sum weight = sigma [cm^2]. Returns the number of nodes written (0 below
 * threshold). */
size_t nr_upscatter_nodes(nr_dsigma_dt_fn dsigma_dt, const void *ctx, double e_nu, double m_target, double m_n,
                          double abs_t_cut, size_t n_nodes, double *abs_t, double *weight);

/* Total cross section [cm^2] by adaptive integration in ln|t| (GSL), relative tolerance rel_tol, with an
 * error estimate; abs_t_cut as above. For tests and for checking the quadrature of nr_upscatter_nodes. */
nr_status nr_upscatter_sigma(nr_dsigma_dt_fn dsigma_dt, const void *ctx, double e_nu, double m_target,
                             double m_n, double abs_t_cut, double rel_tol, double *sigma, double *abs_err,
                             nr_error *err);

#endif
