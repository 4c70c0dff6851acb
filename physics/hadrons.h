/* hadrons.h: reader of the forward hadron production tables (FORESEE format).
 *
 * The tables (data/hadrons/<E>/<GEN>/<GEN>_<E>_<PDG>.txt, see data/hadrons/PROVENANCE.txt) give the
 * production cross section of one hadron species in pp collisions at the LHC into the FORWARD
 * hemisphere only, per cell of 0.05 x 0.05 in (log10 theta [rad], log10 p [GeV]); columns are the cell
 * centres and sigma [pb per cell]. Sources: FORESEE (Kling & Trojanowski, arXiv:2105.07077) with
 * EPOS-LHC (light hadrons), SIBYLL 2.3d and POWHEG+Pythia8 "NLO-P8" (charm).
 * A loaded table is immutable and may be shared between threads.
 */
#ifndef NR_HADRONS_H
#define NR_HADRONS_H

#include <stddef.h>

#include "nr_error.h"

#define NR_HADRON_CELL_LOG10_WIDTH 0.05 /* width of a cell in log10 theta and in log10 p */

typedef struct {
    double log10_theta; /* cell centre, theta = polar angle to the beam axis [rad] */
    double log10_p;     /* cell centre, p = |momentum| [GeV]                        */
    double sigma_pb;    /* cross section in the cell [pb]                            */
} nr_hadron_cell;

typedef struct {
    int pdg;                     /* PDG id of the hadron                                      */
    char energy[8];              /* "13.6TeV" or "14TeV"                                      */
    char generator[16];          /* "EPOSLHC", "SIBYLL" or "NLO-P8"                           */
    double sqrt_s_gev;           /* pp centre-of-mass energy [GeV]                            */
    double mass_gev;             /* hadron mass [GeV] (PDG 2022), used to build four-vectors  */
    size_t n_cells;              /* number of cells with sigma != 0 (empty cells are dropped;  */
                                 /* NLO-P8 has a few negative NLO-weight cells, kept)         */
    nr_hadron_cell *cells;       /* n_cells cells                                             */
    double total_pb;             /* sum of all cells [pb]                                     */
    double header_normalization_pb; /* "# Normalization:" header value [pb], or -1 if absent  */
} nr_hadron_table;

/* Load data_dir/hadrons/<energy>/<generator>/<generator>_<energy>_<pdg>.txt.
 * energy: "13.6TeV" | "14TeV"; generator: "EPOSLHC" | "SIBYLL" | "NLO-P8".
 * On failure the table is left empty (safe to free) and err says why (NR_EINPUT for an unknown
 * energy/generator/pdg, NR_EDATA for a missing or malformed file, NR_ENOMEM). */
nr_status nr_hadron_table_load(const char *data_dir, const char *energy, const char *generator,
                               int pdg, nr_hadron_table *table, nr_error *err);
void nr_hadron_table_free(nr_hadron_table *table);

/* Sum of sigma [pb] over the cells whose centre has theta < theta_max_rad and p > p_min_gev
 * (p_min_gev <= 0: no momentum cut). */
double nr_hadron_table_sigma_pb(const nr_hadron_table *table, double theta_max_rad, double p_min_gev);

/* Mass [GeV] of the hadrons the tables cover (PDG 2022), or -1 for an unknown id. */
double nr_hadron_mass_gev(int pdg);

#endif
