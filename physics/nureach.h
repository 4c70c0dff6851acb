/* nureach.h: the physics engine's public face, the one header the server (or any other program) includes.
 *
 * engine.h      the loaded data (fluxes, PDFs, hadron spectra, DarkCast tables) shared by every computation
 * experiment.h  the detector catalogue and its overridable fields
 * model.h       the model table, the registry, rates, spectra and scans of one model
 * contour.h     sensitivity contours on a parameter grid
 * progress.h    progress reports and cancellation of long computations
 * nr_error.h    status codes and the error record (code, JSON pointer, message) every function fills
 * validate.h    the physical rules of a request (ranges, scan limits, the model's check), one authority
 * curve.h       one-parameter curves; chi2_model.h, chi2_bounds.h: chi-square limits, contours and curves
 * materials.h   target materials; data_manifest.h: the verified data set; sha256.h: the hash of cache keys
 *
 * A model's own files (physics/models/) are private to physics/: programs use a model through model.h.
 *
 * Lifecycle: whatever is made is released by X_free (nr_engine_free, nr_scan_free, nr_table_free,
 * nr_bounds_free, ...). X_init makes it from arguments (nr_engine_init, nr_scan_init, nr_table_init); a
 * constructor whose work is reading files or computing says so (nr_pdf_load, nr_cc_table_build,
 * nr_bounds_compute) and is released by X_free all the same.
 */
#ifndef NUREACH_H
#define NUREACH_H

#include "chi2_bounds.h"
#include "chi2_model.h"
#include "contour.h"
#include "curve.h"
#include "data_manifest.h"
#include "engine.h"
#include "experiment.h"
#include "materials.h"
#include "model.h"
#include "nr_error.h"
#include "progress.h"
#include "sha256.h"
#include "validate.h"

#endif
