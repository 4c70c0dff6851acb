/* bench_contour_vertices.c: how many masses a refined contour prepares and how close its vertices lie to the
 * contour (physics/contour.c, step 5).
 *
 * Usage: bench_contour_vertices PRESET POINTS [THREADS] (NUREACH_DATA_DIR: the data folder, default ./data)
 * computes the events contour of a bounds preset (bounds_presets.h; not the chi-square ones) on a POINTS x POINTS
 * grid with a copy of the model whose preparations are counted (prepare and prepare_signal wrapped; with THREADS >
 * 1 the count depends on which thread takes which task), then evaluates the model at every polygon vertex that lies
 * between grid masses and off the scan's border (the vertices on outer-axis edges) and prints its distance from
 * the contour: the smallest relative step d (a ladder 1e-6 .. 3e-2, factors 1.25) such that f = ln(events / 3)
 * changes sign between the vertex scaled by e^-d and by e^+d, in the mass at fixed coupling or in the coupling at
 * fixed mass, the smaller of the two (an upper bound to within the ladder's factor, robust to kinks and to a signal
 * switching on at a threshold, where a first-order estimate f / f' fails). Prints one line per such vertex, then
 * the preparations, the number of vertices, the worst distance and how many exceed 2e-3 (the tolerance contour.c
 * holds the interpolated ones to). The check's own evaluations are not counted.
 */
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench_args.h"
#include "bounds_presets.h"
#include "contour.h"
#include "engine.h"
#include "experiment.h"
#include "model.h"

static const nr_model *counted_model;
static atomic_long preparations;

static nr_status counted_prepare(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                                 const nr_param_value *params, void *state, nr_error *err)
{
    (void)model;
    atomic_fetch_add(&preparations, 1);
    return counted_model->prepare(counted_model, engine, experiment, params, state, err);
}

static nr_status counted_prepare_signal(const nr_model *model, const nr_engine *engine,
                                        const nr_experiment *experiment, const nr_param_value *params, size_t signal,
                                        void *state, nr_error *err)
{
    (void)model;
    atomic_fetch_add(&preparations, 1);
    return counted_model->prepare_signal(counted_model, engine, experiment, params, signal, state, err);
}

/* f = ln(events / 3) at (x, y), through scan (the preset's signal). */
static double f_at(nr_scan *scan, nr_param_value *params, int ix, int iy, double x, double y)
{
    params[ix].number = x;
    params[iy].number = y;
    double events = 0.0;
    nr_error err;
    nr_error_clear(&err);
    if (nr_scan_at(scan, params, &events, &err) != NR_OK || !(events > 0.0))
        return -INFINITY;
    return log(events / 3.0);
}

/* The distance ladder [relative]: from LADDER_MIN by factors LADDER_STEP up to LADDER_MAX. */
#define LADDER_MIN 1e-6
#define LADDER_STEP 1.25
#define LADDER_MAX 3e-2

/* The smallest d on the ladder such that f changes sign between (x, y) scaled by e^-d and by e^+d in the mass
 * (along = 0) or the coupling (along = 1): the contour lies within d of the vertex (a bound good to a factor
 * LADDER_STEP, valid also at a kink or a step, e.g. a signal switching on at a threshold); INFINITY if none up to
 * LADDER_MAX or up to `below`. Along the mass each rung prepares the model at two new masses. */
static double sign_change_within(nr_scan *scan, nr_param_value *params, const nr_bounds_request *req, double x,
                                 double y, int along, double below)
{
    for (double d = LADDER_MIN; d <= LADDER_MAX && d < below; d *= LADDER_STEP) {
        double lo = along ? f_at(scan, params, req->ix, req->iy, x, y * exp(-d))
                          : f_at(scan, params, req->ix, req->iy, x * exp(-d), y);
        double hi = along ? f_at(scan, params, req->ix, req->iy, x, y * exp(d))
                          : f_at(scan, params, req->ix, req->iy, x * exp(d), y);
        if ((lo >= 0.0) != (hi >= 0.0))
            return d;
    }
    return INFINITY;
}

static int on_grid_mass(const nr_bounds_result *res, double x)
{
    for (size_t i = 0; i < res->nx; i++)
        if (fabs(log10(x) - log10(res->x[i])) < 1e-9)
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    bench_args_init(argc, argv,
                    "usage: bench_contour_vertices PRESET POINTS [THREADS]\n"
                    "       (an events preset of tests/bench/bounds_presets.h; POINTS 2..200 per axis; THREADS 1..64,\n"
                    "       default 1; NUREACH_DATA_DIR: the data folder, default ./data)\n",
                    3);
    if (argc < 3)
        bench_args_bad("PRESET and POINTS are required");
    const bounds_preset *bp = bounds_preset_find(argv[1]);
    if (!bp || bp->chi2_observable)
        bench_args_bad("PRESET: '%s' is not an events preset (tests/bench/bounds_presets.h)", argv[1]);
    int points = (int)bench_args_long(argv[2], "POINTS", 2, NR_BOUNDS_MAX_POINTS);
    unsigned threads = argc > 3 ? (unsigned)bench_args_long(argv[3], "THREADS", 1, 64) : 1;
    const char *data = getenv("NUREACH_DATA_DIR") ? getenv("NUREACH_DATA_DIR") : "data";
    nr_error err;
    nr_error_clear(&err);
    nr_engine *engine = NULL;
    if (nr_engine_init(data, &engine, &err) != NR_OK) {
        fprintf(stderr, "engine: %s\n", err.message);
        return 1;
    }
    const nr_model *model = nr_model_find(bp->model);
    if (!model) {
        fprintf(stderr, "model %s not found\n", bp->model);
        return 1;
    }
    counted_model = model;
    nr_model counted = *model;
    if (model->prepare)
        counted.prepare = counted_prepare;
    if (model->prepare_signal)
        counted.prepare_signal = counted_prepare_signal;
    nr_param_value *base = calloc(model->n_params, sizeof *base);
    nr_model_defaults(model, base);
    bounds_preset_apply(bp, model, base);
    nr_bounds_result res;
    if (bounds_preset_compute(bp, &counted, engine, base, (size_t)points, threads, &res, &err) != NR_OK) {
        fprintf(stderr, "bounds: %s\n", err.message);
        return 1;
    }
    long prepared = atomic_load(&preparations);
    const nr_bounds_request req = bounds_preset_request(bp, model, (size_t)points, threads);
    nr_scan *scan = nr_scan_init(model, engine, nr_experiment_find(bp->experiment), req.signal, &err);
    if (!scan) {
        fprintf(stderr, "scan: %s\n", err.message);
        return 1;
    }
    size_t n_checked = 0, n_over = 0;
    double worst = 0.0;
    printf("# %s %dx%d: vertices between grid masses, off the border: mass, coupling, f = ln(events/3) there, the "
           "distance within which f changes sign along ln(mass) at fixed coupling, along ln(coupling) at fixed mass, "
           "the smaller (inf: beyond %.0e)\n", bp->name, points, points, LADDER_MAX);
    for (size_t k = 0; k < res.n_polygons; k++)
        for (size_t v = 0; v < res.polygons[k].n; v++) {
            double x = res.polygons[k].x[v], y = res.polygons[k].y[v];
            if (on_grid_mass(&res, x) || fabs(log10(y / req.y_min)) < 1e-9 || fabs(log10(y / req.y_max)) < 1e-9)
                continue;
            double f = f_at(scan, base, req.ix, req.iy, x, y);
            double dg = sign_change_within(scan, base, &req, x, y, 1, INFINITY);
            double dm = sign_change_within(scan, base, &req, x, y, 0, dg);
            double d = fmin(dm, dg);
            printf("%.10e %.10e %+.3e %.2e %.2e %.2e\n", x, y, f, dm, dg, d);
            n_checked++;
            n_over += d > 2e-3;
            worst = fmax(worst, d);
        }
    printf("%s: %ld preparations, %zu vertices between grid masses, worst distance %.2e, %zu above 2e-3\n", bp->name,
           prepared, n_checked, worst, n_over);
    nr_scan_free(scan);
    nr_bounds_free(&res);
    free(base);
    nr_engine_free(engine);
    return 0;
}
