/* sm_rates.h: Standard Model charged-current event rates in a neutrino target.
 *
 * events(species, bin) = N_nu(species, bin) * (L / L_flux) * w(bin) * column_density[g/cm^2]
 *                        * [ (Z/A) sigma_p(E) + ((A-Z)/A) sigma_n(E) ] / u
 * with N_nu the neutrinos crossing the face per bin (flux.h), sigma at the bin centre (cc_table.h; the
 * convention of the published Kling-Nevay CC tables), and w the fraction of the bin inside the
 * requested energy window.
 */
#ifndef NR_SM_RATES_H
#define NR_SM_RATES_H

#include "cc_table.h"
#include "experiment.h"
#include "flux.h"

/* CC interactions per bin for one species; events[] has flux->n_bins entries. Returns the total. */
double nr_sm_cc_events(const nr_flux *flux, const nr_cc_table *cc, const nr_experiment *exp, int species,
                       double e_min_gev, double e_max_gev, double *events);

/* Neutrinos crossing the face per bin, scaled to the experiment's luminosity and energy window. */
double nr_sm_neutrinos(const nr_flux *flux, const nr_experiment *exp, int species, double e_min_gev,
                       double e_max_gev, double *count);

/* Fraction of bin [lo, hi] inside [e_min, e_max] (flux piecewise constant in E within a bin). */
double nr_bin_window_fraction(double lo, double hi, double e_min, double e_max);

#endif
