/* limit_rescale.h: a published beam-dump exclusion for one vector boson (B-L or the dark photon) carried over to
 * another with different couplings (the chiral U(1)_X Z' of paper 004), as 004 does for LSND, PS191, NOMAD,
 * CHARM, Orsay and KEK (004 Eqs. 38, 39, 52).
 *
 * Derivation (checked against 004; the printed lower-edge formulas have a square root where a fourth root belongs,
 * README "Errata"). A beam dump counts N(g) = g^2 P~ * BR(X -> e+e-) * P_dec(g), P~ the production per unit
 * coupling squared at the dump, P_dec the probability to decay in the decay volume. Two regimes bound the region:
 *  - lower edge (long lifetime, decay length >> dump + decay volume): P_dec ~ l_dec / (gamma c tau) ∝ g^2 Gamma~,
 *    so N ∝ g^4 P~ Gamma~_ee (BR_ee / tau~ = Gamma~_ee). Equal N for the reference (ref) and the target model:
 *        g_low,target = g_low,ref * [ P~_ref Gamma~_ee,ref / (P~_target Gamma~_ee,target) ]^(1/4)
 *    (004 Eq. 39 for meson production, Eq. 52 for electron bremsstrahlung, there with a square root);
 *  - upper edge (short lifetime): N is cut by exp(-L / (gamma c tau)); to leading (exponential) order the edge sits
 *    at equal lifetime, tau_target(g_up,target) = tau_ref(g_up,ref) (004 Eq. 38):
 *        g_up,target = g_up,ref * [ Gamma~_tot,ref / Gamma~_tot,target ]^(1/2).
 * The boson's momentum spectrum is taken equal for both models at the same mass (the same meson decay or the same
 * bremsstrahlung kinematics up to the chiral terms that vanish with m_e / m_Z').
 * Production per unit coupling squared, P~:
 *  - meson decays M -> X gamma (M = pi0 for LSND, PS191, NOMAD; eta for CHARM; 004 after Eq. 39):
 *    BR(M -> X gamma) at unit coupling, 004 Eqs. 33-35 (llp.h, nr_meson_br_x_gamma); the phase space
 *    (1 - m^2/m_M^2)^3 cancels in the ratio, the anomaly factors R_M^2 remain. Only below m_M.
 *  - electron bremsstrahlung (Orsay, KEK): 004 Eq. 46, whose leading term for m_e << m_Z' is (x'_l^2 + x'_e^2)
 *    times a charge-independent function, i.e. P~ ∝ x'_l^2 + x'_e^2 = 2 (g_V^e^2 + g_A^e^2). For U(1)_X against
 *    B-L (x'_l = x'_e = -1) the ratio is (5 x_H^2/4 + 3 x_H x_Phi + 2 x_Phi^2)/2, 004 Eq. 52.
 * Widths at unit coupling: zprime.h (004 Eqs. 17-21, 60-61) with its default options (N_R pairs closed).
 *
 * The outline: a closed polygon (mass [GeV], coupling) whose every vertical line crosses it at most twice (one band
 * per mass; the published beam-dump outlines are such). Its lower chain is scaled by the lower factor, its upper
 * chain by the upper one, vertex by vertex, and the result is cut where the scaled lower edge passes the scaled
 * upper edge (there the region vanishes): 0, 1 or more polygons. Edges are straight in log-log coordinates.
 * Points on a vertical segment at the smallest or largest mass are dropped (the scaled tips join the chains' ends).
 */
#ifndef NR_LIMIT_RESCALE_H
#define NR_LIMIT_RESCALE_H

#include <stddef.h>

#include "contour.h"
#include "darkcast.h"
#include "nr_error.h"
#include "zprime.h"

typedef enum {
    NR_RESCALE_PI0 = 0,  /* pi0 -> X gamma (LSND, PS191, NOMAD)          */
    NR_RESCALE_ETA,      /* eta -> X gamma (CHARM)                         */
    NR_RESCALE_E_BREM    /* e N -> e N X bremsstrahlung (Orsay, KEK)      */
} nr_rescale_production;

typedef struct {
    double lower; /* g_target / g_ref on the lower (long-lifetime) edge; INFINITY when the target is not made
                     or does not decay to e+e- */
    double upper; /* g_target / g_ref on the upper (short-lifetime) edge                                     */
} nr_rescale_factors;

/* The masses [GeV] where the rescaling is defined: above the e+e- threshold 2 m_e (the edges are those of an
 * e+e- search) and below m_M for the mesons (INFINITY for bremsstrahlung). Open interval. */
void nr_rescale_mass_window_gev(nr_rescale_production prod, double *m_min, double *m_max);

/* The factors at mass m_gev [GeV], inside the mass window. NR_EINPUT for a mass outside it ("/m"), or when the
 * reference has no production or no e+e- width there (nothing to rescale). */
nr_status nr_rescale_factors_at(const nr_zprime_couplings *ref, const nr_zprime_couplings *target,
                                nr_rescale_production prod, const nr_darkcast *dc, double m_gev,
                                nr_rescale_factors *out, nr_error *err);

/* Two models and a production mechanism, for nr_rescale_outline (nr_rescale_models_fn below). */
typedef struct {
    const nr_zprime_couplings *ref, *target;
    nr_rescale_production prod;
    const nr_darkcast *dc;
} nr_rescale_models;

/* Polygons (contour.h's nr_polygon: x = mass [GeV], y = coupling, closed). */
typedef struct {
    size_t n;
    nr_polygon *parts;
} nr_polygon_set;

void nr_polygon_set_free(nr_polygon_set *set);

/* The factors at one mass, for nr_rescale_outline. */
typedef nr_status (*nr_rescale_fn)(void *ctx, double m_gev, nr_rescale_factors *out, nr_error *err);

/* nr_rescale_fn over an nr_rescale_models (ctx): nr_rescale_factors_at. */
nr_status nr_rescale_models_fn(void *ctx, double m_gev, nr_rescale_factors *out, nr_error *err);

/* The outline (m[i], g[i]), i < n, rescaled as described above and cut to m_min_gev < m < m_max_gev (0 and
 * INFINITY: no cut).
 * out: the resulting polygons, each listed counter-clockwise in log-log (lower chain by increasing mass, then
 * upper chain by decreasing mass); none when the region vanishes. NR_EINPUT (where "/outline") when the outline
 * has fewer than 3 points, a non-positive or non-finite point, or more than one band at some mass. */
nr_status nr_rescale_outline(const double *m, const double *g, size_t n, double m_min_gev, double m_max_gev,
                             nr_rescale_fn fn, void *ctx, nr_polygon_set *out, nr_error *err);

#endif
