/* nuphilic_events.h: CC event spectra in a neutrino target with the neutrinophilic Z' of paper 002, smeared in
 * energy, and the chi-square bound on one coupling at fixed m_Z' (002 sec. III-IV).
 *
 * events(flavour, reco bin r) = efficiency x sum over nu and nubar of that flavour, over true bins i, of
 *   [N_SM(i) + N_new(i)] x P_CC(i) x R(i -> r),
 * with N the neutrinos crossing the face (flux table scaled to the experiment, sm_rates.h), P_CC the CC
 * interaction probability per neutrino (nr_sm_cc_events with one neutrino per bin), and R a Gaussian energy
 * smearing of relative width `resolution` (002: 30%) averaged over the true bin with the events' E weight
 * (flat flux within a bin, sigma ~ E); events smeared outside the grid are lost. Flavours e, mu, tau: the
 * emulsion identifies the charged lepton, not (for e, tau) its charge.
 */
#ifndef NR_NUPHILIC_EVENTS_H
#define NR_NUPHILIC_EVENTS_H

#include "cc_table.h"
#include "chi2.h"
#include "experiment.h"
#include "models/nuphilic_flux.h"

typedef struct {
    size_t n;                                          /* flux bins (= reco bins)                     */
    double cc_per_nu[NR_N_SPECIES][NR_NUPHILIC_MAX_BINS]; /* CC events per neutrino crossing, x efficiency */
    double smear[NR_NUPHILIC_MAX_BINS][NR_NUPHILIC_MAX_BINS]; /* smear[i][r]                          */
    double sm_neutrinos[NR_N_SPECIES][NR_NUPHILIC_MAX_BINS];  /* SM neutrinos crossing, scaled         */
    double flux_scale;                                 /* experiment / table luminosity and face       */
    double sm_events[NR_N_FLAVOURS][NR_NUPHILIC_MAX_BINS];   /* smeared SM CC events per flavour       */
} nr_nuphilic_detector;

/* efficiency in (0, 1], resolution >= 0 (0: no smearing). */
nr_status nr_nuphilic_detector_init(const nr_flux *flux, const nr_cc_table *cc, const nr_experiment *exp,
                                    double efficiency, double resolution, nr_nuphilic_detector *out, nr_error *err);

/* Smeared CC events per flavour and reco bin for neutrinos per species and true bin (crossing the face,
 * already scaled): out[flavour][r]. */
void nr_nuphilic_detector_events(const nr_nuphilic_detector *det, const double *neutrinos /* [6 * n] */,
                                 double out[NR_N_FLAVOURS][NR_NUPHILIC_MAX_BINS]);

/* SM + new neutrinos crossing the face per species and bin at couplings g (scaled to the experiment). */
void nr_nuphilic_total_neutrinos(const nr_nuphilic_detector *det, const nr_nuphilic_prepared *prep,
                                 const double g[NR_NUPHILIC_N_COUPLINGS], double *neutrinos /* [6 * n] */);

/* chi2 of the model at couplings g against the SM (Asimov), all flavours' reco bins together. */
nr_status nr_nuphilic_chi2(const nr_nuphilic_detector *det, const nr_nuphilic_prepared *prep,
                           const double g[NR_NUPHILIC_N_COUPLINGS], const nr_chi2_options *opt, double *chi2,
                           nr_error *err);

/* Upper limit on coupling `coupling` (the others 0) at the prepared m_Z', at Delta-chi2 = level, searched in
 * [g_lo, g_hi]; INFINITY if not reached. */
nr_status nr_nuphilic_chi2_bound(const nr_nuphilic_detector *det, const nr_nuphilic_prepared *prep, int coupling,
                                 const nr_chi2_options *opt, double level, double g_lo, double g_hi,
                                 double *g_limit, nr_error *err);

#endif
