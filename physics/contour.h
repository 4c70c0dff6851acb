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
 * edge along the outer (mass) axis of a coupling scan by preparing once at the interpolated mass and
 * finding the root along the coupling there (within one cell; the vertex then lies on the contour at that
 * mass, off the edge), else by root finding along the edge. Method: marching squares (Lorensen & Cline's
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

typedef struct {
    size_t signal;             /* index into model->signals                                    */
    int ix, iy;                /* indices of the scanned (number) parameters in model->params */
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

/* Checks a request against the model's tables (indices, ranges, points, scales); NR_EINPUT with
 * the offending field named otherwise. nr_bounds_compute calls it first. */
nr_status nr_bounds_check_request(const nr_model *model, const nr_bounds_request *request, nr_error *err);

#endif
