/* cc_table.h: charged-current cross sections tabulated in neutrino energy for fast look-up.
 *
 * For one PDF set, sigma_CC(E) for the six neutrino species on protons and neutrons on a logarithmic
 * grid of E (dis.h does the integrals), interpolated with a cubic spline in (ln E, ln sigma).
 */
#ifndef NR_CC_TABLE_H
#define NR_CC_TABLE_H

#include "dis.h"
#include "nr_error.h"
#include "pdf.h"

typedef struct nr_cc_table nr_cc_table;

/* Grid from e_min to e_max [GeV] with n_per_decade points per decade. */
nr_status nr_cc_table_build(const nr_pdf *pdf, double e_min, double e_max, int n_per_decade,
                            nr_cc_table **out, nr_error *err);
void nr_cc_table_free(nr_cc_table *t);

/* sigma [cm^2] of `species` (flux.h numbering) on one nucleon at e_nu [GeV]; 0 below threshold. */
double nr_cc_table_sigma(const nr_cc_table *t, int species, nr_nucleon nucleon, double e_nu);
double nr_cc_table_e_min(const nr_cc_table *t);
double nr_cc_table_e_max(const nr_cc_table *t);

#endif
