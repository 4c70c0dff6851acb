/* nureach.h: the physics engine's public face, the one header the server (or any other program) includes.
 *
 * engine.h      the loaded data (fluxes, PDFs, hadron spectra, DarkCast tables) shared by every computation
 * experiment.h  the detector catalogue and its overridable fields
 * model.h       the model table, the registry, rates, spectra and scans of one model
 * contour.h     sensitivity contours on a parameter grid
 * progress.h    progress reports and cancellation of long computations
 * nr_error.h    status codes and the error record (code, JSON pointer, message) every function fills
 */
#ifndef NUREACH_H
#define NUREACH_H

#include "contour.h"
#include "engine.h"
#include "experiment.h"
#include "model.h"
#include "nr_error.h"
#include "progress.h"

#endif
