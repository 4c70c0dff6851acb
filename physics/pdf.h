/* pdf.h: proton parton distribution functions read from LHAPDF6 "lhagrid1" grids.
 *
 * A set is a folder <data>/pdf/<NAME>/ holding <NAME>.info (YAML metadata) and <NAME>_0000.dat
 * (the central member). The .dat file holds one or more subgrids, each: a line of x knots, a line of
 * Q knots [GeV], a line of PDG flavour ids, then N_x*N_Q rows of x*f(x,Q) (x outer loop, Q inner).
 * Interpolation is log-bicubic in (ln x, ln Q^2), as LHAPDF's default "logcubic" interpolator.
 * Outside the grid the policy is "freeze": x and Q are clamped to the nearest edge of the grid
 * (see pdf.c for why). Reference: A. Buckley et al., "LHAPDF6", Eur. Phys. J. C75 (2015) 132.
 *
 * A loaded set is immutable and safe to share between threads.
 */
#ifndef NR_PDF_H
#define NR_PDF_H

#include "nr_error.h"

/* Parton index in the array filled by nr_pdf_xfx_all(): PDG id + 6 for quarks (-6..6), gluon at 13. */
#define NR_PDF_N_PARTONS 14
#define NR_PDF_GLUON 13
#define NR_PDF_INDEX(pdg_id) ((pdg_id) == 21 ? NR_PDF_GLUON : (pdg_id) + 6)

typedef struct nr_pdf nr_pdf;

/* Load set `name` from folder `pdf_dir` (which contains <name>/<name>.info). */
nr_status nr_pdf_load(const char *pdf_dir, const char *name, nr_pdf **out, nr_error *err);
void nr_pdf_free(nr_pdf *pdf);

const char *nr_pdf_name(const nr_pdf *pdf);
double nr_pdf_x_min(const nr_pdf *pdf);
double nr_pdf_x_max(const nr_pdf *pdf);
double nr_pdf_q_min(const nr_pdf *pdf);   /* [GeV] */
double nr_pdf_q_max(const nr_pdf *pdf);   /* [GeV] */

/* x*f(x, Q^2) for one parton (PDG id: +-1..+-6, 21 or 0 for the gluon); Q^2 in GeV^2.
 * Flavours absent from the grid (e.g. top) return 0. */
double nr_pdf_xfx(const nr_pdf *pdf, int pdg_id, double x, double q2);

/* All partons at once (faster: the cell search and the weights are shared).
 * xfx[NR_PDF_INDEX(id)] = x*f_id(x, Q^2). */
void nr_pdf_xfx_all(const nr_pdf *pdf, double x, double q2, double xfx[NR_PDF_N_PARTONS]);

/* Names of the sets this build knows to look for (NULL-terminated), first one is the default. */
extern const char *const nr_pdf_known_sets[];

#endif
