/* flux.h: neutrino fluxes through a forward detector, read from the Kling & Nevay tables.
 *
 * Source: F. Kling and L.J. Nevay, "Forward neutrino fluxes at the LHC", arXiv:2105.08270, data
 * release in github.com/KlingFelix/FastNeutrinoFluxSimulation (Fluxes/FASERv, Fluxes/FASERv2).
 * Each file <prefix>_<pdg>.txt has 28 rows "E_center[GeV] N_per_bin" for the whole run (the number
 * of neutrinos crossing the detector face in that energy bin, not per GeV). Consecutive centres
 * differ by a factor 10^0.1; we take the bin edges as geometric mid-points between centres, and the
 * outer edges at the same ratio (see flux.c).
 */
#ifndef NR_FLUX_H
#define NR_FLUX_H

#include <stddef.h>
#include "nr_error.h"

enum { NR_FLAVOUR_E = 0, NR_FLAVOUR_MU = 1, NR_FLAVOUR_TAU = 2, NR_N_FLAVOURS = 3 };
/* Species index 0..5: nu_e, nubar_e, nu_mu, nubar_mu, nu_tau, nubar_tau */
enum { NR_N_SPECIES = 6 };
#define NR_SPECIES(flavour, anti) (2 * (flavour) + (anti))

typedef struct {
    size_t n_bins;
    double *e_center;   /* [GeV], n_bins                 */
    double *e_lo;       /* [GeV] lower bin edge, n_bins   */
    double *e_hi;       /* [GeV] upper bin edge, n_bins   */
    double *count[NR_N_SPECIES];     /* neutrinos per bin crossing the face, whole run of the file */
    double *cc_count[NR_N_SPECIES];  /* published CC interactions per bin (for cross-checks)      */
} nr_flux;

/* Read <dir>/<prefix>_<pdg>.txt and <dir>/<prefix>_CCint_<pdg>.txt for the six species. */
nr_status nr_flux_load(const char *dir, const char *prefix, nr_flux *out, nr_error *err);
void nr_flux_free(nr_flux *flux);

/* Total neutrinos of one species in the file (whole run). */
double nr_flux_total(const nr_flux *flux, int species);
/* Differential flux dN/dE [GeV^-1] at energy e_gev: piecewise constant over each bin (the table gives
 * bin contents, nothing finer), 0 outside the table. */
double nr_flux_dnde(const nr_flux *flux, int species, double e_gev);

const char *nr_species_name(int species);       /* "nu_e", "nubar_e", ...          */
int nr_species_pdg(int species);                /* 12, -12, 14, -14, 16, -16        */

#endif
