/* llp_mesons.h: what of the X made in meson decays M -> X gamma (M = pi0, eta) reaches a decay volume, with
 * the integral over the decay angles done so that it converges by construction (issue 10).
 *
 * Paper 004 Eqs. (22), (33)-(35), (37): X from the decays of the forward mesons (hadrons.h) is accepted when its
 * polar angle to the beam is below theta_acc = atan(R / (L + l)). In the meson rest frame the decay is isotropic
 * (a spin-0 meson; polarisations summed): cos(theta*) uniform on [-1, 1], phi* uniform on [0, 2 pi).
 *
 * For one meson (momentum p_M at polar angle theta_M) and one rest-frame polar angle c = cos(theta*), X has a
 * fixed lab momentum p(c) and a fixed lab angle alpha(c) to the meson's direction; only phi* moves it around a
 * cone of half-angle alpha about the meson. Spherical trigonometry gives its polar angle theta_X:
 *   cos theta_X = cos(theta_M - alpha) - sin theta_M sin alpha (1 - cos phi*),
 * so theta_X < theta_acc  <=>  sin^2(phi* / 2) < Q(c),
 *   Q = sin((theta_acc + D)/2) sin((theta_acc - D)/2) / (sin theta_M sin alpha),   D = |theta_M - alpha|,
 * and the accepted fraction of phi* is exactly  f(c) = (2/pi) asin(sqrt(Q))  (0 for Q <= 0, 1 for Q >= 1).
 * f(c) is non-zero only where |theta_M - alpha(c)| < theta_acc. alpha(c) is known in closed form,
 *   tan alpha = sin theta* / (gamma (c + b)),   b = beta_M / beta*   (beta* = p* / E*, X's rest-frame velocity),
 * so the c-intervals of that window follow from a quadratic (alpha_below() in llp_mesons.c). On each interval the
 * c integral is a Gauss-Legendre rule in t with c = c_lo + (c_hi - c_lo)(1 - cos t)/2 (t in [0, pi]): f behaves
 * like sqrt(c - c_edge) at the window's edges, and the substitution makes the integrand smooth there. The
 * meson's cell (uniform in log10 theta and log10 p, as FORESEE smears its tables) is integrated with
 * Gauss-Legendre points in each variable. Nothing is sampled: the error falls off with the number of nodes
 * (tests/test_llp_mesons.c compares with a brute-force sampling of the decay directions at long and short
 * lifetimes).
 *
 * Mesons deep inside the cone, theta_M < axis_fraction x theta_acc (quadrature below), are integrated on the beam
 * axis (theta_M = 0), once per momentum node for all of them (issue 11): the accepted fraction is even in theta_M (a
 * rotation by pi about the beam maps theta_M to -theta_M), so the error is second order in theta_M / theta_acc
 * (tests/test_llp_mesons.c compares with every cell at its own angle at nu-Cal, DUNE and FASER).
 *
 * The accepted X are binned in log10 p (p_bins_per_cell bins per 0.05 dex); each bin keeps its weight and the
 * weighted mean momentum, so the decay probability is evaluated at the right momentum to second order.
 */
#ifndef NR_LLP_MESONS_H
#define NR_LLP_MESONS_H

#include "hadrons.h"
#include "llp.h"
#include "nr_error.h"

#define NR_MESON_AXIS_FRACTION 0.1

typedef struct {
    int n_cell;          /* Gauss-Legendre points per meson cell, in each of log10 theta and log10 p (1..16) */
    int n_angle;         /* Gauss-Legendre points per interval of cos(theta*) (1..64)                         */
    int p_bins_per_cell; /* momentum bins of the accepted list per 0.05 dex of log10 p (1..64)               */
    double axis_fraction; /* mesons below this fraction of theta_acc taken on the axis (0..0.1; 0: none)       */
} nr_meson_decay_quadrature;

/* Defaults: 1, 4, 8, 0.03: within 0.3% of the brute force and of 3, 16, 16 at every FASER Run 3 point of
 * tests/test_llp_mesons.c (pi0, eta; 10, 50, 100 MeV; long and short lifetimes), 2-3x faster than the old sampling;
 * axis_fraction 0.03 within 1e-5 of 0 (every cell at its own angle) at nu-Cal, DUNE and FASER. */
nr_meson_decay_quadrature nr_meson_decay_quadrature_default(void);

/* Fraction of the decays M -> X gamma of ONE meson (mass m_m, momentum p_m [GeV], polar angle theta_m [rad])
 * that put X at a polar angle below theta_acc [rad], integrated over the decay angles as described above with
 * n_angle nodes per interval. If p_weighted is not NULL it also returns the fraction-weighted mean of 1/p_X
 * [1/GeV] (the long-lived decay probability is proportional to it). Returns 0 when m_x >= m_m. */
double nr_meson_decay_accepted_fraction(double m_m_gev, double p_m_gev, double theta_m_rad, double m_x_gev,
                                        double theta_acc_rad, int n_angle, double *mean_inv_p);

/* The accepted fraction of phi* for X at lab opening alpha [rad] to a meson at polar angle theta_m [rad] and an
 * acceptance cone of half-angle theta_acc [rad]: (2/pi) asin(sqrt(Q)) above, computed from sin and cos of alpha
 * without an angle difference (llp_mesons.c, phi_fraction). */
double nr_meson_phi_fraction(double theta_m_rad, double alpha_rad, double theta_acc_rad);

/* acc = the X from the decays of the mesons of `meson` (with BR(M -> X gamma) = br) that enter the decay volume
 * v, as a (p, weight) list for nr_llp_events_accepted. q NULL: defaults. acc is allocated here (free it with
 * nr_llp_accepted_free). NR_EINPUT for a bad br, volume or quadrature. */
nr_status nr_llp_accept_meson_decays(const nr_hadron_table *meson, double m_x_gev, double br,
                                     const nr_decay_volume *v, const nr_meson_decay_quadrature *q,
                                     nr_llp_accepted *acc, nr_error *err);

/* The accepted production of one meson table and decay volume memoised in the LLP mass (issue 11): the dense
 * accepted-momentum histogram (br = 1; per bin its weight and weight x momentum) of every mass evaluated so far (at
 * most 512; thread-safe), in u = ln(x / (1 - x)),
 * x = m_X^2 / M^2. A mass already evaluated gets its own histogram (the direct result times br); a mass between two
 * evaluated masses at most `step` apart in u the linear interpolation of theirs per bin; any other mass is evaluated
 * directly (and kept). So no mass costs more than the direct evaluation, repeated masses (the same scan grid for
 * dark_photon, b_minus_l, u1x; every request at a mass) cost nothing, and the interpolation error is bounded by that of
 * a grid of spacing `step`. With step > 0 a mass's result depends on which masses were evaluated before (by other
 * requests, or by the other threads of a contour, in an order that varies from run to run): the production path
 * (nr_meson_accept_set_new) takes step 0, every mass its own evaluation; step > 0 serves the tests of the
 * interpolation (and a table of one caller alone, evaluated in a fixed order). u spaces masses like ln m for light X
 * and like -ln(1 - m^2/M^2) towards the end point m_X -> M, where the accepted spectrum narrows and moves fastest.
 * The interpolation error against the direct evaluation is measured in tests/test_llp_mesons.c (test_mass_table).
 * A mass is evaluated (issue 11) from the phi* fraction summed over the meson angles per meson momentum, tabulated
 * once when the table is made (llp_mesons.c, "Fast evaluation"; ~4 ms per meson table at FASER), at ~0.5 ms per mass
 * instead of 1.5-3.5 ms: within 2.1e-3 (accepted total, events at long, middle, short lifetimes; 1e-3 except near the
 * end point) of the direct evaluation converged further (32 angle nodes), against 4e-3 for the direct evaluation
 * with the default quadrature (test_fast_table); nr_meson_accept_table_direct evaluates directly instead. */
typedef struct nr_meson_accept_table nr_meson_accept_table;
nr_status nr_meson_accept_table_new(const nr_hadron_table *meson, const nr_decay_volume *v, double step,
                                    nr_meson_accept_table **out, nr_error *err);
void nr_meson_accept_table_free(nr_meson_accept_table *t);
/* nr_llp_accept_meson_decays(meson, m_x_gev, br, v, NULL, acc, err) from the table (see above). */
nr_status nr_meson_accept_table_accept(nr_meson_accept_table *t, double m_x_gev, double br, nr_llp_accepted *acc,
                                       nr_error *err);
/* Light X on a lattice (issue 11, the proton dumps): with lattice_h > 0, a mass with x = m_X^2 / M^2 < x_max
 * (capped at 0.5) gets the linear interpolation in u between the table's masses at the lattice nodes
 * u_a = floor(u / lattice_h) lattice_h and u_a + lattice_h (evaluated directly on first use and kept), whatever
 * else the table holds, so its result does not depend on which masses came before. For light X the accepted
 * production moves with x only (m_X enters through m_X^2 / M^2), so the interpolation error falls like x: measured
 * for nu-Cal and DUNE (tests/test_llp_mesons.c, test_mass_lattice). lattice_h = 0: off (the default). */
void nr_meson_accept_table_set_lattice(nr_meson_accept_table *t, double lattice_h, double x_max);
/* The quadrature's axis_fraction (0..0.1; nr_meson_decay_quadrature) of the table's evaluations instead of the
 * default's; only before its first evaluation (ignored after, and out of range). */
void nr_meson_accept_table_set_axis_fraction(nr_meson_accept_table *t, double axis_fraction);
/* Evaluate new masses directly (nr_llp_accept_meson_decays) instead of by the angle-summed rows (llp_mesons.c,
 * "Fast evaluation"), the default; only before the first mass (for tests comparing the two). */
void nr_meson_accept_table_direct(nr_meson_accept_table *t);
/* How many masses the table holds. */
int nr_meson_accept_table_masses(nr_meson_accept_table *t);

/* A bracket in u whose interpolation errors against the direct evaluation tests/test_llp_mesons.c measures
 * (test_mass_table); the production path (nr_meson_accept_set_new) interpolates nothing (step 0, above). */
#define NR_MESON_ACCEPT_STEP 0.01
/* A set of tables for one meson table (e.g. an engine's, nr_engine_derived), one per decay volume, created on first
 * use (thread-safe); NULL from _get when the set holds 4 volumes already or memory is short (then evaluate with a
 * table of the caller's own made the same way, so that the numbers do not depend on what the set holds). */
typedef struct nr_meson_accept_set nr_meson_accept_set;
nr_meson_accept_set *nr_meson_accept_set_new(const nr_hadron_table *meson);
/* The same with the tables' step, lattice and axis_fraction (nr_meson_accept_table_new, _set_lattice,
 * _set_axis_fraction); nr_meson_accept_set_new is (meson, 0, 0, 0, the default's axis_fraction): no interpolation. */
nr_meson_accept_set *nr_meson_accept_set_new_with(const nr_hadron_table *meson, double step, double lattice_h,
                                                  double lattice_x_max, double axis_fraction);
void nr_meson_accept_set_free(nr_meson_accept_set *s);
nr_meson_accept_table *nr_meson_accept_set_get(nr_meson_accept_set *s, const nr_decay_volume *v);

#endif
