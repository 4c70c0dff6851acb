/* test_contour.c: sensitivity contours (physics/contour.c) on analytic signals of a fake model.
 *
 * The fake model has two number parameters x, y and a third, "shape", selecting an analytic event
 * count; every golden value below is the analytic solution of events(x, y) = threshold:
 *   circle: 10 exp(-(x^2 + y^2)) = 3  ->  r = sqrt(ln(10/3)), area pi r^2
 *   band:   1e4 y^2 exp(-1e3 y^2 x^2) = 3 (decay-volume shape: y^2 production, exponential decay
 *           before the detector) -> lower edge y = sqrt(3e-4) at small x, upper edge the root of
 *           1e3 y^2 x^2 = ln(1e4 y^2 / 3), tip (largest x) at x = sqrt(1e4 / (e 1e3 3)) where the
 *           maximum over y, 1e4 / (e 1e3 x^2), equals the threshold
 *   half disk: 10 exp(-((x - 2)^2 + y^2)) = 3 on [-2, 2]^2: cut by the scan edge x = 2, area pi r^2 / 2
 *   annulus: 10 exp(-20 (r - 1)^2) = 3 -> r = 1 +- sqrt(ln(10/3) / 20): a region with a hole
 *   zero, constant 100: nothing, everything above threshold
 *   forbidden: NR_EKINEMATIC for x > 0, 100 events elsewhere -> the half plane x <= 0
 * A second fake model flags y as a coupling (a prepared state per x, preparations counted), for the outer-axis
 * vertices of a coupling scan: the band above, and a step 3 (y / 0.03)^2 (x < 1 ? 1 : e^1.2) whose contour is
 * y = 0.03, y = 0.03 e^-0.6 and the vertical x = 1 between them; every vertex within 0.2% of the analytic contour.
 * A threshold shape, zero up to x = 1 and 3 (y / 0.03)^2 (1 - 1/x) above (contour y = 0.03 / sqrt(1 - 1/x)), with
 * and without the model declaring the threshold (nr_model.signal_threshold): vertices within 0.2%, and fewer
 * preparations when declared.
 */
#include <math.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <string.h>

#include "contour.h"
#include "nr_test.h"

static const double PI = 3.14159265358979323846;

enum { SHAPE_CIRCLE, SHAPE_BAND, SHAPE_HALF_DISK, SHAPE_ANNULUS, SHAPE_ZERO, SHAPE_CONSTANT, SHAPE_FORBIDDEN };

static const nr_param_spec fake_params[3] = {
    {.name = "x", .unit = "GeV", .kind = NR_PARAM_NUMBER, .min_value = -1e3, .max_value = 1e3},
    {.name = "y", .unit = "", .kind = NR_PARAM_NUMBER, .min_value = -1e3, .max_value = 1e3},
    {.name = "shape", .unit = "", .kind = NR_PARAM_NUMBER, .min_value = 0, .max_value = 10},
};
static const nr_signal_spec fake_signals[1] = {{"signal", "an analytic event count"}};

static long fake_calls; /* single-threaded test: counts signals_at calls */

static double fake_events(int shape, double x, double y)
{
    double r = sqrt(x * x + y * y);
    switch (shape) {
    case SHAPE_CIRCLE: return 10.0 * exp(-(x * x + y * y));
    case SHAPE_BAND: return 1e4 * y * y * exp(-1e3 * y * y * x * x);
    case SHAPE_HALF_DISK: return 10.0 * exp(-((x - 2.0) * (x - 2.0) + y * y));
    case SHAPE_ANNULUS: return 10.0 * exp(-20.0 * (r - 1.0) * (r - 1.0));
    case SHAPE_ZERO: return 0.0;
    default: return 100.0;
    }
}

/* No prepared state: every point is computed from the parameters alone. */
static nr_status fake_signals_at(const nr_model *model, const void *state, const nr_param_value *p,
                                 double *values, nr_error *err)
{
    (void)model;
    (void)state;
    fake_calls++;
    int shape = (int)p[2].number;
    if (shape == SHAPE_FORBIDDEN && p[0].number > 0.0)
        return nr_fail(err, NR_EKINEMATIC, "/params/x", "x above the limit");
    values[0] = fake_events(shape, p[0].number, p[1].number);
    return NR_OK;
}

static const nr_model fake_model = {
    .name = "fake", .params = fake_params, .n_params = 3, .signals = fake_signals, .n_signals = 1,
    .signals_at = fake_signals_at,
};

static nr_bounds_request square(double lo, double hi, size_t n, int refine)
{
    nr_bounds_request r = {.signal = 0, .ix = 0, .iy = 1, .x_min = lo, .x_max = hi, .nx = n, .y_min = lo,
                           .y_max = hi, .ny = n, .threshold = 3.0, .refine = refine};
    return r;
}

static nr_status run(int shape, const nr_bounds_request *req, nr_bounds_result *out, const nr_progress *pr)
{
    nr_param_value base[3] = {{0, 0}, {0, 0}, {(double)shape, 0}};
    nr_error err;
    nr_error_clear(&err);
    fake_calls = 0;
    return nr_bounds_compute(&fake_model, NULL, NULL, base, req, out, pr, &err);
}

/* Shoelace area in the given coordinates; positive for counter-clockwise. */
static double signed_area(const nr_polygon *p, int log_x, int log_y)
{
    double a = 0.0;
    for (size_t k = 0; k < p->n; k++) {
        size_t l = (k + 1) % p->n;
        double x0 = log_x ? log10(p->x[k]) : p->x[k], y0 = log_y ? log10(p->y[k]) : p->y[k];
        double x1 = log_x ? log10(p->x[l]) : p->x[l], y1 = log_y ? log10(p->y[l]) : p->y[l];
        a += x0 * y1 - x1 * y0;
    }
    return 0.5 * a;
}

static double max_radius_error(const nr_polygon *p, double cx, double r)
{
    double worst = 0.0;
    for (size_t k = 0; k < p->n; k++) {
        double d = fabs(hypot(p->x[k] - cx, p->y[k]) - r);
        worst = d > worst ? d : worst;
    }
    return worst;
}

static void test_circle(void)
{
    double r = sqrt(log(10.0 / 3.0)); /* analytic: 10 exp(-r^2) = 3 */
    nr_bounds_request req = square(-2.0, 2.0, 41, 1);
    nr_bounds_result res;
    CHECK(run(SHAPE_CIRCLE, &req, &res, NULL) == NR_OK, "circle: computed");
    CHECK(res.n_polygons == 1, "circle: one polygon, got %zu", res.n_polygons);
    if (res.n_polygons == 1) {
        const nr_polygon *p = &res.polygons[0];
        CHECK(p->n > 40, "circle: %zu vertices", p->n);
        CHECK(max_radius_error(p, 0.0, r) < 1e-3, "circle: refined vertices within 1e-3 of r (worst %.2e)",
              max_radius_error(p, 0.0, r));
        double area = signed_area(p, 0, 0);
        CHECK(area > 0, "circle: counter-clockwise (area %g)", area);
        CHECK_REL(area, PI * r * r, 0.01, "circle: area = pi r^2");
    }
    CHECK(res.n_refined > 0 && res.n_evaluations == (size_t)fake_calls, "circle: %zu evaluations, %ld calls",
          res.n_evaluations, fake_calls);
    CHECK(res.n_evaluations - 41 * 41 <= NR_BOUNDS_MAX_REFINE_EVALS * res.n_refined,
          "circle: at most %d evaluations per vertex", NR_BOUNDS_MAX_REFINE_EVALS);
    CHECK_ABS(res.x[0], -2.0, 0, "circle: x[0]");
    CHECK_ABS(res.x[40], 2.0, 0, "circle: x[40]");
    CHECK_REL(res.events[20 * 41 + 20], 10.0, 1e-15, "circle: events at the centre = 10");
    nr_bounds_free(&res);

    req.refine = 0;
    CHECK(run(SHAPE_CIRCLE, &req, &res, NULL) == NR_OK, "circle unrefined: computed");
    CHECK(res.n_polygons == 1 && res.n_refined == 0 && res.n_evaluations == 41 * 41,
          "circle unrefined: one polygon, grid evaluations only");
    if (res.n_polygons == 1) {
        double cell = 0.1; /* grid spacing 4 / 40 */
        double worst = max_radius_error(&res.polygons[0], 0.0, r);
        CHECK(worst < cell, "circle unrefined: within the grid resolution (worst %.3g)", worst);
        CHECK_REL(signed_area(&res.polygons[0], 0, 0), PI * r * r, 0.03, "circle unrefined: area");
    }
    nr_bounds_free(&res);
}

/* Upper edge of the band at x: the larger root of 1e3 y^2 x^2 = ln(1e4 y^2 / 3), by bisection
 * (independent of the code under test). */
static double band_upper_edge(double x)
{
    double lo = 1.0 / (sqrt(1e3) * x), hi = 1e3; /* lo: the maximum of the event count over y */
    for (int k = 0; k < 200; k++) {
        double mid = sqrt(lo * hi);
        if (1e3 * mid * mid * x * x < log(1e4 * mid * mid / 3.0))
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

static void test_band(void)
{
    nr_bounds_request req = {.signal = 0, .ix = 0, .iy = 1, .x_min = 1e-2, .x_max = 10.0, .nx = 40,
                             .x_log = 1, .y_min = 1e-3, .y_max = 1e3, .ny = 50, .y_log = 1,
                             .threshold = 3.0, .refine = 1};
    nr_bounds_result res;
    CHECK(run(SHAPE_BAND, &req, &res, NULL) == NR_OK, "band: computed");
    CHECK(res.n_polygons == 1, "band: one polygon, got %zu", res.n_polygons);
    if (res.n_polygons != 1) {
        nr_bounds_free(&res);
        return;
    }
    const nr_polygon *p = &res.polygons[0];
    double y_low = sqrt(3e-4);                          /* 1e4 y^2 = 3 */
    double x_tip = sqrt(1e4 / (exp(1.0) * 1e3 * 3.0)); /* max over y = threshold */
    double y_up = band_upper_edge(1e-2);
    double min_y = INFINITY, max_x = 0.0, worst = 0.0;
    int on_left = 0, left_low = 0, left_up = 0;
    for (size_t k = 0; k < p->n; k++) {
        min_y = fmin(min_y, p->y[k]);
        max_x = fmax(max_x, p->x[k]);
        worst = fmax(worst, fabs(log(fake_events(SHAPE_BAND, p->x[k], p->y[k]) / 3.0)));
        if (p->x[k] == 1e-2) {
            on_left++;
            left_low += fabs(p->y[k] / y_low - 1.0) < 1e-3;
            left_up += fabs(p->y[k] / y_up - 1.0) < 1e-3;
        }
    }
    CHECK(worst < 1e-2, "band: every vertex on events = threshold (worst |ln(N/3)| %.2e)", worst);
    CHECK_REL(min_y, y_low, 2e-3, "band: lower edge y = sqrt(3e-4)");
    double cell_x = 3.0 / 39.0; /* log10 spacing */
    CHECK(max_x <= x_tip * (1 + 1e-3) && max_x >= x_tip * pow(10.0, -cell_x),
          "band: tip x %.5g within a cell below the analytic %.5g", max_x, x_tip);
    CHECK(on_left == 2 && left_low == 1 && left_up == 1,
          "band: closed along the scan edge x = 0.01 between y = %.4g and %.4g (%d, %d, %d)", y_low, y_up,
          on_left, left_low, left_up);
    CHECK(signed_area(p, 1, 1) > 0, "band: counter-clockwise");
    nr_bounds_free(&res);
}

static void test_boundary(void)
{
    double r = sqrt(log(10.0 / 3.0));
    nr_bounds_request req = square(-2.0, 2.0, 41, 1);
    nr_bounds_result res;
    CHECK(run(SHAPE_HALF_DISK, &req, &res, NULL) == NR_OK, "half disk: computed");
    CHECK(res.n_polygons == 1, "half disk: one polygon, got %zu", res.n_polygons);
    if (res.n_polygons == 1) {
        const nr_polygon *p = &res.polygons[0];
        int on_edge = 0;
        for (size_t k = 0; k < p->n; k++)
            on_edge += p->x[k] == 2.0;
        CHECK(on_edge == 2, "half disk: closed along x = 2 by its two end points (%d)", on_edge);
        CHECK(max_radius_error(p, 2.0, r) < 1e-3, "half disk: vertices on the circle (worst %.2e)",
              max_radius_error(p, 2.0, r));
        CHECK_REL(signed_area(p, 0, 0), 0.5 * PI * r * r, 0.01, "half disk: area pi r^2 / 2");
    }
    nr_bounds_free(&res);

    /* annulus: outer boundary counter-clockwise, the hole clockwise */
    double w = sqrt(log(10.0 / 3.0) / 20.0);
    req = square(-2.0, 2.0, 61, 1);
    CHECK(run(SHAPE_ANNULUS, &req, &res, NULL) == NR_OK, "annulus: computed");
    CHECK(res.n_polygons == 2, "annulus: two polygons, got %zu", res.n_polygons);
    if (res.n_polygons == 2) {
        double a0 = signed_area(&res.polygons[0], 0, 0), a1 = signed_area(&res.polygons[1], 0, 0);
        double outer = fmax(a0, a1), hole = fmin(a0, a1);
        CHECK_REL(outer, PI * (1 + w) * (1 + w), 0.01, "annulus: outer area, counter-clockwise");
        CHECK_REL(hole, -PI * (1 - w) * (1 - w), 0.01, "annulus: hole area, clockwise");
    }
    nr_bounds_free(&res);

    /* forbidden points count as no events: the region is x <= 0 */
    req = square(-2.0, 2.0, 21, 1);
    CHECK(run(SHAPE_FORBIDDEN, &req, &res, NULL) == NR_OK, "forbidden: computed");
    CHECK(res.n_polygons == 1, "forbidden: one polygon");
    if (res.n_polygons == 1)
        CHECK_REL(signed_area(&res.polygons[0], 0, 0), 8.0, 0.01, "forbidden: area of [-2, 0] x [-2, 2]");
    nr_bounds_free(&res);
}

static void test_extremes(void)
{
    nr_bounds_request req = square(-2.0, 2.0, 11, 1);
    nr_bounds_result res;
    CHECK(run(SHAPE_ZERO, &req, &res, NULL) == NR_OK && res.n_polygons == 0, "zero events: no polygon");
    nr_bounds_free(&res);
    req = square(-2.0, 2.0, 11, 1);
    CHECK(run(SHAPE_CONSTANT, &req, &res, NULL) == NR_OK && res.n_polygons == 1, "all above: one polygon");
    if (res.n_polygons == 1) {
        const nr_polygon *p = &res.polygons[0];
        CHECK(p->n == 4, "all above: the 4 corners of the scan (got %zu vertices)", p->n);
        CHECK_REL(signed_area(p, 0, 0), 16.0, 1e-12, "all above: the scan rectangle, counter-clockwise");
        CHECK(res.n_refined == 0, "all above: nothing to refine");
    }
    nr_bounds_free(&res);
    /* invalid requests */
    nr_param_value base[3] = {{0, 0}, {0, 0}, {0, 0}};
    nr_error err;
    req = square(-2.0, 2.0, 1, 1);
    CHECK(nr_bounds_compute(&fake_model, NULL, NULL, base, &req, &res, NULL, &err) == NR_EINPUT &&
              strcmp(err.where, "/scan/x/points") == 0, "one point rejected (%s)", err.where);
    req = square(-2.0, 2.0, 11, 1);
    req.x_log = 1;
    CHECK(nr_bounds_compute(&fake_model, NULL, NULL, base, &req, &res, NULL, &err) == NR_EINPUT,
          "log axis with min <= 0 rejected");
    req = square(-2.0, 2.0, 11, 1);
    req.iy = 0;
    CHECK(nr_bounds_compute(&fake_model, NULL, NULL, base, &req, &res, NULL, &err) == NR_EINPUT,
          "same parameter twice rejected");
    req = square(-2.0, 2.0, 11, 1);
    req.threshold = 0.0;
    CHECK(nr_bounds_compute(&fake_model, NULL, NULL, base, &req, &res, NULL, &err) == NR_EINPUT,
          "threshold 0 rejected");
}

typedef struct {
    atomic_int cancel;
    double last, max_step_back;
    int reports;
    double cancel_at; /* > 1: never */
} progress_log;

static void on_progress(void *ctx, double fraction)
{
    progress_log *l = ctx;
    if (fraction < l->last)
        l->max_step_back = fmax(l->max_step_back, l->last - fraction);
    l->last = fraction;
    l->reports++;
    if (fraction >= l->cancel_at)
        atomic_store(&l->cancel, 1);
}

static void test_progress_and_cancel(void)
{
    progress_log log_ = {.cancel_at = 2.0};
    atomic_init(&log_.cancel, 0);
    nr_progress pr = {&log_.cancel, on_progress, &log_};
    nr_bounds_request req = square(-2.0, 2.0, 31, 1);
    nr_bounds_result res;
    CHECK(run(SHAPE_CIRCLE, &req, &res, &pr) == NR_OK, "progress: computed");
    CHECK(log_.last == 1.0 && log_.reports > 31, "progress: reaches 1 (%g after %d reports)", log_.last,
          log_.reports);
    CHECK(log_.max_step_back == 0.0, "progress: never decreases (%g)", log_.max_step_back);
    nr_bounds_free(&res);

    progress_log during = {.cancel_at = 0.3};
    atomic_init(&during.cancel, 0);
    nr_progress pr2 = {&during.cancel, on_progress, &during};
    CHECK(run(SHAPE_CIRCLE, &req, &res, &pr2) == NR_ECANCELLED, "cancel during the grid: NR_ECANCELLED");
    CHECK(res.n_polygons == 0 && res.events == NULL, "cancel: nothing left to free");
    CHECK(fake_calls < 31 * 31, "cancel: stopped early (%ld calls)", fake_calls);

    progress_log late = {.cancel_at = 0.99}; /* during the refinement */
    atomic_init(&late.cancel, 0);
    nr_progress pr3 = {&late.cancel, on_progress, &late};
    CHECK(run(SHAPE_CIRCLE, &req, &res, &pr3) == NR_ECANCELLED, "cancel during the refinement: NR_ECANCELLED");
}

/* Slices of a grid (nureachd scan --shard) put together equal nr_bounds_compute's grid bit for bit, and the
 * result from that grid (nureachd scan --merge) equals its result: the reference is nr_bounds_compute itself,
 * run in the same process on the same analytic signal. */
static void test_slices(void)
{
    nr_bounds_request req = {.signal = 0, .ix = 0, .iy = 1, .x_min = 1e-2, .x_max = 10.0, .nx = 40,
                             .x_log = 1, .y_min = 1e-3, .y_max = 1e3, .ny = 50, .y_log = 1,
                             .threshold = 3.0, .refine = 1};
    nr_param_value base[3] = {{0, 0}, {0, 0}, {(double)SHAPE_BAND, 0}};
    nr_bounds_result whole, merged;
    CHECK(run(SHAPE_BAND, &req, &whole, NULL) == NR_OK, "slices: the whole scan");
    CHECK(nr_bounds_slice_axis(&fake_model, &req) == 0, "slices: no coupling flag -> cut along x");
    double *grid = calloc(req.nx * req.ny, sizeof *grid), *part = calloc(req.nx * req.ny, sizeof *part);
    const size_t cuts[4] = {0, 13, 27, 40}; /* three slices of unequal width */
    nr_error err;
    for (int s = 0; s < 3; s++) {
        size_t k0 = cuts[s], k1 = cuts[s + 1], w = k1 - k0;
        nr_error_clear(&err);
        CHECK(nr_bounds_grid_slice(&fake_model, NULL, NULL, base, &req, k0, k1, part, NULL, &err) == NR_OK,
              "slice [%zu, %zu): %s", k0, k1, err.message);
        for (size_t j = 0; j < req.ny; j++)
            memcpy(&grid[j * req.nx + k0], &part[j * w], w * sizeof *grid);
    }
    CHECK(memcmp(grid, whole.events, req.nx * req.ny * sizeof *grid) == 0, "slices: grid equal bit for bit");
    double x[40], y[50];
    nr_bounds_axes(&req, x, y);
    CHECK(memcmp(x, whole.x, sizeof x) == 0 && memcmp(y, whole.y, sizeof y) == 0, "slices: axes equal bit for bit");
    nr_error_clear(&err);
    CHECK(nr_bounds_from_grid(&fake_model, NULL, NULL, base, &req, grid, &merged, NULL, &err) == NR_OK,
          "slices: contour from the merged grid");
    int same = merged.n_polygons == whole.n_polygons && merged.n_evaluations == whole.n_evaluations &&
               merged.n_refined == whole.n_refined;
    for (size_t k = 0; same && k < merged.n_polygons; k++)
        same = merged.polygons[k].n == whole.polygons[k].n &&
               memcmp(merged.polygons[k].x, whole.polygons[k].x, whole.polygons[k].n * sizeof(double)) == 0 &&
               memcmp(merged.polygons[k].y, whole.polygons[k].y, whole.polygons[k].n * sizeof(double)) == 0;
    CHECK(same && whole.n_refined > 0, "slices: polygons, evaluations (%zu) and refined vertices (%zu) equal",
          merged.n_evaluations, merged.n_refined);
    nr_error_clear(&err);
    CHECK(nr_bounds_grid_slice(&fake_model, NULL, NULL, base, &req, 30, 41, part, NULL, &err) == NR_EINPUT,
          "slices: a slice past the axis is refused");
    nr_bounds_free(&merged);
    nr_bounds_free(&whole);
    free(grid);
    free(part);
}

/* ---- a coupling scan: y flagged `coupling`, so a prepared state serves a line of x (the "mass") -------------
 * The outer-axis (x) vertices are either interpolated along their grid row or found after a preparation at a new
 * x; both must lie on the analytic contour, and the interpolation must save preparations where f is smooth. */
enum { CSHAPE_BAND, CSHAPE_STEP, CSHAPE_THRESHOLD, CSHAPE_STEEP };
static long coupling_prepares;

static const nr_param_spec coupling_params[3] = {
    {.name = "x", .unit = "GeV", .kind = NR_PARAM_NUMBER, .min_value = 1e-3, .max_value = 1e3},
    {.name = "y", .unit = "", .kind = NR_PARAM_NUMBER, .min_value = 1e-6, .max_value = 1e3, .coupling = 1},
    {.name = "shape", .unit = "", .kind = NR_PARAM_NUMBER, .min_value = 0, .max_value = 10},
};

/* step: 3 (y / 0.03)^2 below x = 1 and e^1.2 times that above: the contour is y = 0.03 for x < 1, y = 0.03 e^-0.6
 * for x > 1, joined by the vertical segment x = 1 (a threshold opening between two grid masses).
 * steep: 3 (y / 0.03)^0.2 e^(1 - x^2): the contour y = 0.03 e^(5 (x^2 - 1)) climbs from y = 1e-3 at x = 0.565 to
 * y = 1 at x = 1.30, five to six rows per cell of a 40 x 40 grid from 0.1 to 10 in x and 1e-3 to 1 in y; along a
 * row f = ln(events / 3) curves (f'' = -4 x^2 in ln x) enough that a linear crossing between two grid x is off by
 * ~0.3% in x, and by a quarter of that over half a cell. */
static double coupling_events(int shape, double x, double y)
{
    if (shape == CSHAPE_STEEP)
        return 3.0 * pow(y / 0.03, 0.2) * exp(1.0 - x * x);
    if (shape == CSHAPE_THRESHOLD) /* zero up to x = 1, then rising from zero: y = 0.03 / sqrt(1 - 1/x) */
        return x > 1.0 ? 3.0 * (y / 0.03) * (y / 0.03) * (1.0 - 1.0 / x) : 0.0;
    if (shape == CSHAPE_STEP)
        return 3.0 * (y / 0.03) * (y / 0.03) * (x < 1.0 ? 1.0 : exp(1.2));
    return fake_events(SHAPE_BAND, x, y);
}

static nr_status coupling_prepare(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                                  const nr_param_value *params, void *state, nr_error *err)
{
    (void)model;
    (void)engine;
    (void)experiment;
    (void)err;
    coupling_prepares++;
    *(double *)state = params[0].number;
    return NR_OK;
}

static nr_status coupling_signals_at(const nr_model *model, const void *state, const nr_param_value *p,
                                     double *values, nr_error *err)
{
    (void)model;
    (void)err;
    values[0] = coupling_events((int)p[2].number, *(const double *)state, p[1].number);
    return NR_OK;
}

static const nr_model coupling_model = {
    .name = "fake_coupling", .params = coupling_params, .n_params = 3, .signals = fake_signals, .n_signals = 1,
    .state_size = sizeof(double), .prepare = coupling_prepare, .signals_at = coupling_signals_at,
};

/* The threshold shape declares its threshold x = 1 (events exactly zero at and below it). */
static double coupling_threshold(const nr_model *model, const nr_experiment *experiment, const nr_param_value *p,
                                 size_t signal, size_t param)
{
    (void)model;
    (void)experiment;
    return signal == 0 && param == 0 && (int)p[2].number == CSHAPE_THRESHOLD ? 1.0 : NAN;
}

static const nr_model threshold_model = {
    .name = "fake_threshold", .params = coupling_params, .n_params = 3, .signals = fake_signals, .n_signals = 1,
    .state_size = sizeof(double), .prepare = coupling_prepare, .signals_at = coupling_signals_at,
    .signal_threshold = coupling_threshold,
};

/* Distance of (x, y) from the analytic contour, as the smaller of the relative errors in y at fixed x and in x at
 * fixed y (first order in f = ln(events / 3), analytic derivatives); the step's vertical segment exactly. */
static double coupling_vertex_error(int shape, double x, double y)
{
    double f = log(coupling_events(shape, x, y) / 3.0);
    if (shape == CSHAPE_THRESHOLD) /* df/dln y = 2, df/dln x = 1 / (x - 1) */
        return x > 1.0 ? fmin(fabs(f) / 2.0, fabs(f) * (x - 1.0)) : INFINITY;
    if (shape == CSHAPE_STEEP) /* df/dln y = 0.2, df/dln x = -2 x^2 */
        return fmin(fabs(f) / 0.2, fabs(f) / (2.0 * x * x));
    if (shape == CSHAPE_STEP) {
        int on_vertical = y >= 0.03 * exp(-0.6) * (1 - 1e-9) && y <= 0.03 * (1 + 1e-9);
        return fmin(fabs(f) / 2.0, on_vertical ? fabs(x - 1.0) : INFINITY); /* df/dln y = 2 */
    }
    double dfdlny = 2.0 - 2e3 * y * y * x * x, dfdlnx = -2e3 * y * y * x * x;
    return fmin(fabs(f / dfdlny), fabs(f / dfdlnx));
}

static void test_coupling_scan(int shape, const char *name, double x_min, double x_max, double y_min, double y_max)
{
    nr_bounds_request req = {.signal = 0, .ix = 0, .iy = 1, .x_min = x_min, .x_max = x_max, .nx = 40, .x_log = 1,
                             .y_min = y_min, .y_max = y_max, .ny = 40, .y_log = 1, .threshold = 3.0, .refine = 1};
    nr_param_value base[3] = {{0, 0}, {0, 0}, {(double)shape, 0}};
    nr_error err;
    nr_error_clear(&err);
    nr_bounds_result res;
    coupling_prepares = 0;
    CHECK(nr_bounds_compute(&coupling_model, NULL, NULL, base, &req, &res, NULL, &err) == NR_OK, "%s: computed",
          name);
    CHECK(res.n_polygons == 1, "%s: one polygon, got %zu", name, res.n_polygons);
    double worst = 0.0;
    size_t off_grid = 0; /* vertices between grid x: each took one preparation or more before interpolation */
    for (size_t k = 0; res.n_polygons == 1 && k < res.polygons[0].n; k++) {
        double x = res.polygons[0].x[k], y = res.polygons[0].y[k];
        if (x == x_min || x == x_max || y == y_min || y == y_max)
            continue; /* closed along the scan boundary */
        worst = fmax(worst, coupling_vertex_error(shape, x, y));
        double i = (log10(x) - log10(x_min)) / (log10(x_max) - log10(x_min)) * 39.0;
        off_grid += fabs(i - round(i)) > 1e-9;
    }
    CHECK(worst < 2e-3, "%s: every vertex on the analytic contour (worst relative error %.2e)", name, worst);
    if (shape == CSHAPE_BAND)
        CHECK(off_grid > 5 && coupling_prepares < 40 + (long)off_grid,
              "%s: fewer preparations (%ld) than grid x (40) + vertices between them (%zu)", name, coupling_prepares,
              off_grid);
    nr_bounds_free(&res);
}

/* A threshold between two grid x (x = 1 between 0.943 and 1.061): the signal is zero at and below it and rises from
 * zero above, so the vertices of every row crossing that cell (y above ~0.125) lie just above x = 1. With the
 * threshold declared, the contour bisects that edge from the threshold and keeps the prepared states
 * (nr_scan_keep), so the rows share the bisection's x: every vertex on the analytic contour within 0.2%, and fewer
 * preparations than the same model without the declaration (false position, a preparation per step). */
static void test_threshold_scan(void)
{
    nr_bounds_request req = {.signal = 0, .ix = 0, .iy = 1, .x_min = 0.1, .x_max = 10.0, .nx = 40, .x_log = 1,
                             .y_min = 1e-3, .y_max = 1.0, .ny = 40, .y_log = 1, .threshold = 3.0, .refine = 1};
    nr_param_value base[3] = {{0, 0}, {0, 0}, {(double)CSHAPE_THRESHOLD, 0}};
    long prepares[2];
    double worst[2];
    size_t near[2];
    for (int declared = 0; declared < 2; declared++) {
        nr_error err;
        nr_error_clear(&err);
        nr_bounds_result res;
        coupling_prepares = 0;
        CHECK(nr_bounds_compute(declared ? &threshold_model : &coupling_model, NULL, NULL, base, &req, &res, NULL,
                                &err) == NR_OK,
              "threshold (declared %d): computed", declared);
        prepares[declared] = coupling_prepares;
        worst[declared] = 0.0;
        near[declared] = 0;
        for (size_t k = 0; res.n_polygons == 1 && k < res.polygons[0].n; k++) {
            double x = res.polygons[0].x[k], y = res.polygons[0].y[k];
            if (x == req.x_max || y == req.y_min || y == req.y_max)
                continue; /* closed along the scan boundary */
            worst[declared] = fmax(worst[declared], coupling_vertex_error(CSHAPE_THRESHOLD, x, y));
            near[declared] += x < 1.0614;
        }
        CHECK(res.n_polygons == 1, "threshold (declared %d): one polygon, got %zu", declared, res.n_polygons);
        nr_bounds_free(&res);
    }
    printf("threshold: %zu vertices in the threshold cell; preparations %ld without the declaration, %ld with; "
           "worst vertex error %.2e without, %.2e with\n", near[1], prepares[0], prepares[1], worst[0], worst[1]);
    CHECK(near[1] >= 10, "threshold: vertices in the threshold cell (%zu)", near[1]);
    CHECK(worst[1] < 2e-3, "threshold declared: every vertex on the analytic contour (worst %.2e)", worst[1]);
    CHECK(prepares[1] < prepares[0], "threshold declared: fewer preparations (%ld) than without (%ld)", prepares[1],
          prepares[0]);
}

/* A contour that climbs steeply through the mass cells (the steep shape): the crossings of its rows, five or six
 * per cell, need a preparation each unless the cell's vertices share them (refine_cell: each mass prepared for one
 * vertex is a node on the others' rows). Every vertex on the analytic contour within 0.2%, and fewer preparations
 * beyond the grid's 40 masses than half the vertices between grid masses. */
static void test_steep_scan(void)
{
    nr_bounds_request req = {.signal = 0, .ix = 0, .iy = 1, .x_min = 0.1, .x_max = 10.0, .nx = 40, .x_log = 1,
                             .y_min = 1e-3, .y_max = 1.0, .ny = 40, .y_log = 1, .threshold = 3.0, .refine = 1};
    nr_param_value base[3] = {{0, 0}, {0, 0}, {(double)CSHAPE_STEEP, 0}};
    nr_error err;
    nr_error_clear(&err);
    nr_bounds_result res;
    coupling_prepares = 0;
    CHECK(nr_bounds_compute(&coupling_model, NULL, NULL, base, &req, &res, NULL, &err) == NR_OK, "steep: computed");
    CHECK(res.n_polygons == 1, "steep: one polygon, got %zu", res.n_polygons);
    double worst = 0.0;
    size_t off_grid = 0;
    for (size_t k = 0; res.n_polygons == 1 && k < res.polygons[0].n; k++) {
        double x = res.polygons[0].x[k], y = res.polygons[0].y[k];
        if (x == req.x_min || x == req.x_max || y == req.y_min || y == req.y_max)
            continue; /* closed along the scan boundary */
        worst = fmax(worst, coupling_vertex_error(CSHAPE_STEEP, x, y));
        double i = log10(x / req.x_min) / log10(req.x_max / req.x_min) * 39.0;
        off_grid += fabs(i - round(i)) > 1e-9;
    }
    printf("steep: %zu vertices between grid masses, %ld preparations (40 grid masses), worst vertex error %.2e\n",
           off_grid, coupling_prepares, worst);
    CHECK(worst < 2e-3, "steep: every vertex on the analytic contour (worst relative error %.2e)", worst);
    CHECK(off_grid >= 20 && 2 * (coupling_prepares - 40) < (long)off_grid,
          "steep: fewer preparations beyond the grid (%ld) than half the vertices between grid masses (%zu)",
          coupling_prepares - 40, off_grid);
    nr_bounds_free(&res);
}

int main(void)
{
    test_circle();
    test_band();
    test_boundary();
    test_extremes();
    test_progress_and_cancel();
    test_slices();
    test_coupling_scan(CSHAPE_BAND, "coupling band", 1e-2, 10.0, 1e-3, 1e3);
    test_coupling_scan(CSHAPE_STEP, "coupling step", 0.1, 10.0, 1e-3, 1.0);
    test_threshold_scan();
    test_steep_scan();
    return nr_test_summary();
}
