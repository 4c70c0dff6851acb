/* golden_contours.c: writes the grid and the contour of a bounds preset (bounds_presets.h) as golden data for
 * tests/test_contour_golden.c.
 *
 * Usage: golden_contours PRESET POINTS SOURCE [THREADS] > tests/golden/contour_PRESET_POINTS.txt
 * (the events or chi-square contour of the preset, bounds_preset_compute)
 * (NUREACH_DATA_DIR: the data folder, default ./data). SOURCE names the code that made the numbers (the git
 * commit); it is written into the file's header. The file: header lines starting with '#', then
 *   request <model> <experiment> <signal> <x param> <x min> <x max> <y param> <y min> <y max> <points>
 *   grid <nx> <ny>      followed by nx * ny lines "x y events" (x fastest; Delta-chi2 for a chi-square preset)
 *   polygon <n>         followed by n lines "x y" (one block per polygon)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_args.h"
#include "bounds_presets.h"
#include "contour.h"
#include "engine.h"
#include "experiment.h"
#include "model.h"

int main(int argc, char **argv)
{
    bench_args_init(argc, argv,
                    "usage: golden_contours PRESET POINTS SOURCE [THREADS] > tests/golden/contour_PRESET_POINTS.txt\n"
                    "       (POINTS 2..200 per axis; SOURCE: the git commit, written into the header; THREADS 1..64,\n"
                    "       default 1; NUREACH_DATA_DIR: the data folder, default ./data)\n", 4);
    if (argc < 4)
        bench_args_bad("PRESET, POINTS and SOURCE are required");
    const bounds_preset *bp = bounds_preset_find(argv[1]);
    if (!bp)
        bench_args_bad("PRESET: unknown preset '%s' (tests/bench/bounds_presets.h)", argv[1]);
    int points = (int)bench_args_long(argv[2], "POINTS", 2, NR_BOUNDS_MAX_POINTS);
    const char *data = getenv("NUREACH_DATA_DIR") ? getenv("NUREACH_DATA_DIR") : "data";
    nr_error err;
    nr_error_clear(&err);
    nr_engine *engine = NULL;
    if (nr_engine_init(data, &engine, &err) != NR_OK) {
        fprintf(stderr, "engine: %s\n", err.message);
        return 1;
    }
    const nr_model *model = nr_model_find(bp->model);
    const nr_experiment *experiment = nr_experiment_find(bp->experiment);
    if (!model || !experiment) {
        fprintf(stderr, "model %s or experiment %s not found\n", bp->name, bp->experiment);
        return 1;
    }
    nr_param_value *base = calloc(model->n_params, sizeof *base);
    nr_model_defaults(model, base);
    bounds_preset_apply(bp, model, base);
    nr_bounds_result res;
    const unsigned threads = argc > 4 ? (unsigned)bench_args_long(argv[4], "THREADS", 1, 64) : 1;
    if (bounds_preset_compute(bp, model, engine, base, (size_t)points, threads, &res, &err) != NR_OK) {
        fprintf(stderr, "bounds: %s\n", err.message);
        return 1;
    }
    if (bp->chi2_observable)
        printf("# golden contour of preset %s, %d x %d log grid, Delta-chi2 of %s* at 90%% CL (2 parameters)\n",
               bp->name, points, points, bp->chi2_observable);
    else
        printf("# golden contour of preset %s, %d x %d log grid, threshold 3, refined\n", bp->name, points, points);
    printf("# source: nureach %s, %s via tests/bench/golden_contours %s %d\n", argv[3],
           bp->chi2_observable ? "nr_chi2_bounds_compute" : "nr_bounds_compute", bp->name,
           points);
    printf("request %s %s %s %s %.17g %.17g %s %.17g %.17g %d\n", bp->name, bp->experiment,
           bp->signal ? bp->signal : bp->chi2_observable, bp->x_param,
           bp->x_min, bp->x_max, bp->y_param, bp->y_min, bp->y_max, points);
    printf("grid %zu %zu\n", res.nx, res.ny);
    for (size_t j = 0; j < res.ny; j++)
        for (size_t i = 0; i < res.nx; i++)
            printf("%.17g %.17g %.10e\n", res.x[i], res.y[j], res.events[j * res.nx + i]);
    for (size_t k = 0; k < res.n_polygons; k++) {
        printf("polygon %zu\n", res.polygons[k].n);
        for (size_t v = 0; v < res.polygons[k].n; v++)
            printf("%.10e %.10e\n", res.polygons[k].x[v], res.polygons[k].y[v]);
    }
    fprintf(stderr, "%s: %zu evaluations, %zu refined, %zu polygons\n", bp->name, res.n_evaluations, res.n_refined,
            res.n_polygons);
    nr_bounds_free(&res);
    free(base);
    nr_engine_free(engine);
    return 0;
}
