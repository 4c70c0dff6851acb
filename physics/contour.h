/* contour.h: sensitivity contours ("bounds") of one model signal over two scanned parameters.
 *
 * The expected number of events of a signal is computed on a rectangular grid of two parameters, one
 * line along the inner axis at a time (the coupling when one axis is a coupling, so that one prepared
 * state serves a whole line), the lines shared among `threads` threads with one scan state each; the
 * region where events >= threshold is
 * traced by marching squares on f = ln(events / threshold) in the scaled coordinates (log10 of the
 * parameter on a log axis), on the grid padded with a ring of "below threshold" so that a region
 * touching the scan boundary is closed along that boundary. Optionally each contour vertex that lies
 * on a grid-cell edge between two grid points is then moved onto the root of events = threshold,
 * evaluated with the real model (nr_scan_at), which resolves the contour beyond the grid spacing: on an
 * edge along the inner axis by root finding along that edge while the line's state is prepared; on an
 * edge along the outer (mass) axis of a coupling scan by interpolating ln(events) along the edge's row with
 * a cubic through four grid masses where that places the crossing within 0.2% (error estimated from the
 * spread of the linear, quadratic and cubic roots; no model evaluation), else by preparing once at the
 * interpolated mass and finding the root along the coupling there (within one cell; the vertex then lies on
 * the contour at that mass, off the edge), else by root finding along the edge. Method: marching squares (Lorensen & Cline's
 * cube cases in 2-D) with the saddle resolved by the average of the four corners; Illinois false position
 * for the roots.
 *
 * Polygons are closed implicitly (the last vertex connects to the first); the region above threshold
 * lies to their left: an outer boundary runs counter-clockwise, the boundary of a hole (a region below
 * threshold inside one above) clockwise, in the scaled coordinates. A decay-volume signal gives a band
 * (a lower and an upper coupling edge): both edges are parts of one closed polygon, joined along the
 * scan boundary.
 */
#ifndef NR_CONTOUR_H
#define NR_CONTOUR_H

#include <stddef.h>

#include "model.h"

/* Grids of at most this many points per axis (and NR_BOUNDS_MAX_POINTS^2 in all). */
#define NR_BOUNDS_MAX_POINTS 200
/* Root finding per vertex: at most this many model evaluations, tolerance in cell units. */
#define NR_BOUNDS_MAX_REFINE_EVALS 8
#define NR_BOUNDS_REFINE_TOL 1e-3
/* Prepared states a worker keeps while bisecting edges that straddle a model's signal threshold (contour.c): the
 * bisection masses of one edge are shared by every vertex on it, so the first levels of the bisection are
 * prepared once for all of them. */
#define NR_BOUNDS_KEEP_PREPARED 24

typedef struct {
    size_t signal;             /* index into model->signals                                    */
    int ix, iy;                /* indices of the scanned (number) parameters in model->params;
                                  iy = -1 (ny = 0): a curve along x only (curve.h)             */
    double x_min, x_max;       /* scan range of x in its parameter's unit, x_min < x_max      */
    size_t nx;                 /* grid points along x, 2..NR_BOUNDS_MAX_POINTS                */
    int x_log;                 /* 1: points equally spaced in log10(x) (needs x_min > 0)      */
    double y_min, y_max;
    size_t ny;
    int y_log;
    double threshold;          /* events defining the contour, > 0                            */
    int refine;                /* 1: move vertices onto the model's root (see above)          */
    unsigned threads;          /* threads evaluating the grid and the roots; 0 or 1: the caller's
                                  thread only. Results do not depend on it.                   */
} nr_bounds_request;

typedef struct {
    size_t n;                  /* vertices                                   */
    double *x, *y;             /* in the parameters' units, implicitly closed */
} nr_polygon;

typedef struct {
    size_t nx, ny;
    double *x, *y;             /* axis values [parameter units], nx and ny                  */
    double *events;            /* events[j * nx + i] at (x[i], y[j])                         */
    size_t n_polygons;
    nr_polygon *polygons;
    size_t n_evaluations;      /* model evaluations: grid points + root-finding points       */
    size_t n_refined;          /* vertices moved by the refinement                           */
} nr_bounds_result;

/* Computes the grid and the contours. A point where the model reports NR_EINPUT or NR_EKINEMATIC
 * (e.g. a mass above a kinematic limit) counts as zero events: the scan goes on. Progress runs from
 * 0 to 1 over the grid and the refinement; cancellation returns NR_ECANCELLED. On failure `out` is
 * left empty (nothing to free). */
nr_status nr_bounds_compute(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                            const nr_param_value *base, const nr_bounds_request *request,
                            nr_bounds_result *out, const nr_progress *progress, nr_error *err);

void nr_bounds_free(nr_bounds_result *result);

/* ---- a grid in slices, for scans spread over machines (nureachd scan --shard, server/scan_command.c) ----
 * The grid is cut along the axis nr_model_grid loops over outside (the one that is not a coupling, so each
 * slice prepares only its own masses); a slice is the points k0 <= k < k1 of that axis. Every point is the
 * same function call as in nr_bounds_compute, so slices put together equal its grid bit for bit, and
 * nr_bounds_from_grid then gives the same result as nr_bounds_compute (refinement included, run there). */

/* The grid's axis values [parameter units]: x[nx], y[ny], exactly those of nr_bounds_compute. */
void nr_bounds_axes(const nr_bounds_request *request, double *x, double *y);
/* 0: slices cut the x axis (a slice is columns); 1: the y axis (rows). */
int nr_bounds_slice_axis(const nr_model *model, const nr_bounds_request *request);
/* Events of one slice: events[j * nx' + i] on the sub-grid (nx' = k1 - k0 columns when cutting x, ny' =
 * k1 - k0 rows when cutting y). A point the model refuses counts as zero events. */
nr_status nr_bounds_grid_slice(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                               const nr_param_value *base, const nr_bounds_request *request, size_t k0, size_t k1,
                               double *events, const nr_progress *progress, nr_error *err);
/* The result from a complete grid events[j * nx + i] evaluated elsewhere (n_evaluations counts its points). */
nr_status nr_bounds_from_grid(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                              const nr_param_value *base, const nr_bounds_request *request, const double *events,
                              nr_bounds_result *out, const nr_progress *progress, nr_error *err);

/* 1 when the request scans x only (iy = -1): a curve (curve.h), not a contour. */
int nr_bounds_is_curve(const nr_bounds_request *request);

/* Checks a request against the model's tables (indices, ranges, points, scales); NR_EINPUT with
 * the offending field named otherwise. nr_bounds_compute calls it first. */
nr_status nr_bounds_check_request(const nr_model *model, const nr_bounds_request *request, nr_error *err);

#endif
