/* chi2_model.c: chi-square upper limits of a coupling for any model with spectra (see chi2_model.h). */
#include "chi2_model.h"
#include "task_pool.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

nr_chi2_test nr_chi2_test_paper002(const char *observable)
{
    nr_chi2_test t = {.cl = 0.9, .n_params = 1, .stats = nr_chi2_options_paper002()};
    snprintf(t.observable, sizeof t.observable, "%s", observable);
    return t;
}

typedef struct {
    const nr_model *model;
    const void *state;
    nr_param_value *params;   /* working copy */
    int ip;
    const nr_chi2_test *test;
    const double *data;       /* Asimov, the selected bins */
    double *pred;
    size_t n;
} limit_ctx;

/* the selected bins of a spectra table into dst (returns the count; 0 if no channel matches) */
static size_t select_bins(const nr_table *t, const char *prefix, double *dst)
{
    size_t m = 0, len = strlen(prefix);
    for (size_t c = 0; c < t->n_channels; c++)
        if (strncmp(t->channel[c], prefix, len) == 0)
            for (size_t b = 0; b < t->n_bins; b++) {
                if (dst)
                    dst[m] = t->events[c * t->n_bins + b];
                m++;
            }
    return m;
}

static nr_status chi2_at(double g, void *p, double *chi2, nr_error *err)
{
    limit_ctx *c = p;
    c->params[c->ip].number = g;
    nr_table t = {0};
    nr_status st = c->model->spectra(c->model, c->state, c->params, &t, err);
    if (st == NR_OK) {
        select_bins(&t, c->test->observable, c->pred);
        st = nr_chi2_pull(c->data, c->pred, c->n, &c->test->stats, chi2, NULL, err);
    }
    nr_table_free(&t);
    return st;
}

static nr_status check_inputs(const nr_model *model, const nr_param_value *base, int ix, int ip, double lo, double hi,
                              const nr_chi2_test *test, nr_error *err)
{
    (void)base;
    if (!model->spectra)
        return nr_fail(err, NR_EINPUT, "/model", "model %s has no spectra for a chi-square test", model->name);
    if (ip < 0 || (size_t)ip >= model->n_params || !model->params[ip].coupling ||
        model->params[ip].kind != NR_PARAM_NUMBER)
        return nr_fail(err, NR_EINPUT, "/scan", "the chi-square limit needs a coupling parameter of %s", model->name);
    if (ix >= 0 && ((size_t)ix >= model->n_params || model->params[ix].kind != NR_PARAM_NUMBER || ix == ip))
        return nr_fail(err, NR_EINPUT, "/scan", "the second scanned parameter must be another number parameter");
    if (!(lo > 0 && hi > lo))
        return nr_fail(err, NR_EINPUT, "/scan", "the coupling range must satisfy 0 < min < max (log scale)");
    return nr_chi2_test_validate(test, err);
}

nr_status nr_chi2_test_validate(const nr_chi2_test *test, nr_error *err)
{
    if (!(test->cl > 0 && test->cl < 1))
        return nr_fail(err, NR_EINPUT, "/test/cl", "cl must be in (0, 1), got %g", test->cl);
    if (test->n_params < 1 || test->n_params > 2)
        return nr_fail(err, NR_EINPUT, "/test/n_params", "1 or 2 scanned parameters, got %d", test->n_params);
    if (!(test->stats.normalisation_sigma >= 0 && test->stats.normalisation_sigma < 10))
        return nr_fail(err, NR_EINPUT, "/test/normalisation_uncertainty", "must be in [0, 10), got %g",
                       test->stats.normalisation_sigma);
    if (!(test->stats.gauss_threshold >= 0 && isfinite(test->stats.gauss_threshold)))
        return nr_fail(err, NR_EINPUT, "/test/gauss_threshold", "must be a finite number >= 0");
    if (!test->observable[0])
        return nr_fail(err, NR_EINPUT, "/test/observable", "the observable (a spectra channel prefix) is empty");
    return NR_OK;
}

/* What to do at one value of the x parameter with the prepared state and the Asimov data. */
typedef nr_status (*at_x_fn)(limit_ctx *c, size_t k, void *job, nr_error *err);

typedef struct {
    double lo, hi, level, *limits;
} limits_job;

static nr_status limit_at_x(limit_ctx *c, size_t k, void *job, nr_error *err)
{
    limits_job *j = job;
    return nr_chi2_upper_limit(chi2_at, c, j->lo, j->hi, j->level, 1e-3, &j->limits[k], NULL, err);
}

typedef struct {
    const double *ys;
    size_t nx, ny;
    double *chi2;
} grid_job;

static nr_status grid_at_x(limit_ctx *c, size_t k, void *job, nr_error *err)
{
    grid_job *j = job;
    for (size_t i = 0; i < j->ny; i++) {
        nr_status st = chi2_at(j->ys[i], c, &j->chi2[i * j->nx + k], err);
        if (st != NR_OK)
            return st;
    }
    return NR_OK;
}

static void mark_refused(void *job, at_x_fn fn, size_t k)
{
    if (fn == limit_at_x) {
        ((limits_job *)job)->limits[k] = NAN;
    } else {
        grid_job *j = job;
        for (size_t i = 0; i < j->ny; i++)
            j->chi2[i * j->nx + k] = NAN;
    }
}

/* The x values are shared among threads (issue 11) through a task pool (task_pool.h): each worker has its own
 * prepared state, parameter vector and Asimov/prediction buffers and takes the next x from the pool's counter; a
 * value's results depend on that value only, so the output is the same bit for bit with any number of threads.
 * Worker 0 runs in the caller's thread and alone reports progress (the count of finished values). */
typedef struct {
    const nr_model *model;
    const nr_engine *engine;
    const nr_experiment *experiment;
    const nr_param_value *base;
    int ix, ip;
    const double *xs;
    size_t n;
    const nr_chi2_test *test;
    at_x_fn fn;
    void *job;
    const nr_progress *progress;
} over_x_shared;

/* One worker's buffers (data and pred allocated at its first x, when the bin count is known). */
typedef struct {
    over_x_shared *sh;
    void *state;
    nr_param_value *params;
    double *data, *pred;
} over_x_worker;

/* prepares the model at one xs[k] (or once at base, ix < 0), builds the Asimov data and runs fn */
static nr_status one_x(over_x_shared *sh, size_t k, void *state, nr_param_value *params, double **data,
                       double **pred, nr_error *err)
{
    const nr_model *model = sh->model;
    memcpy(params, sh->base, model->n_params * sizeof *params);
    if (sh->ix >= 0)
        params[sh->ix].number = sh->xs[k];
    nr_status st = model->check ? model->check(model, sh->engine, sh->experiment, params, err) : NR_OK;
    if (st == NR_OK && model->prepare)
        st = model->prepare(model, sh->engine, sh->experiment, params, state, err);
    if (st == NR_EINPUT || st == NR_EKINEMATIC) { /* a refused point: nothing there, go on */
        memset(state, 0, model->state_size);
        mark_refused(sh->job, sh->fn, k);
        return NR_OK;
    }
    if (st != NR_OK)
        return st;
    /* Asimov data: every coupling at 0 */
    for (size_t i = 0; i < model->n_params; i++)
        if (model->params[i].coupling && model->params[i].kind == NR_PARAM_NUMBER)
            params[i].number = 0;
    nr_table asimov = {0};
    st = model->spectra(model, state, params, &asimov, err);
    size_t m = st == NR_OK ? select_bins(&asimov, sh->test->observable, NULL) : 0;
    if (st == NR_OK && m == 0)
        st = nr_fail(err, NR_EINPUT, "/test/observable", "no spectra channel of %s begins with \"%s\"", model->name,
                     sh->test->observable);
    if (st == NR_OK && !*data) {
        *data = malloc(m * sizeof **data);
        *pred = malloc(m * sizeof **pred);
        if (!*data || !*pred)
            st = nr_fail(err, NR_ENOMEM, "", "out of memory for the chi-square test");
    }
    if (st == NR_OK) {
        select_bins(&asimov, sh->test->observable, *data);
        limit_ctx c = {model, state, params, sh->ip, sh->test, *data, *pred, m};
        st = sh->fn(&c, k, sh->job, err);
    }
    nr_table_free(&asimov);
    if (model->release)
        model->release(model, state);
    memset(state, 0, model->state_size);
    return st;
}

static nr_status over_x_task(void *wp, size_t k, nr_error *err)
{
    over_x_worker *w = wp;
    if (nr_progress_cancelled(w->sh->progress))
        return nr_fail(err, NR_ECANCELLED, "", "cancelled");
    return one_x(w->sh, k, w->state, w->params, &w->data, &w->pred, err);
}

static nr_status over_x(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                        const nr_param_value *base, int ix, const double *xs, size_t n, int ip,
                        const nr_chi2_test *test, at_x_fn fn, void *job, unsigned threads,
                        const nr_progress *progress, nr_error *err)
{
    over_x_shared sh = {.model = model, .engine = engine, .experiment = experiment, .base = base, .ix = ix,
                        .ip = ip, .xs = xs, .n = n, .test = test, .fn = fn, .job = job, .progress = progress};
    size_t n_workers = threads < 1 ? 1 : threads > NR_TASK_POOL_MAX_THREADS ? NR_TASK_POOL_MAX_THREADS : threads;
    if (n_workers > n)
        n_workers = n ? n : 1;
    over_x_worker workers[NR_TASK_POOL_MAX_THREADS] = {0};
    nr_status st = NR_OK;
    for (size_t k = 0; k < n_workers && st == NR_OK; k++) {
        workers[k] = (over_x_worker){.sh = &sh, .state = calloc(1, model->state_size ? model->state_size : 1),
                                     .params = malloc(model->n_params * sizeof *workers[k].params)};
        if (!workers[k].state || !workers[k].params)
            st = nr_fail(err, NR_ENOMEM, "", "out of memory for the chi-square test");
    }
    nr_task_pool pool;
    if (st == NR_OK)
        st = nr_task_pool_run(&pool, workers, sizeof *workers, n_workers, over_x_task, n, progress, 0.0, 1.0, err);
    for (size_t k = 0; k < n_workers; k++) {
        free(workers[k].data);
        free(workers[k].pred);
        free(workers[k].state);
        free(workers[k].params);
    }
    return st;
}

nr_status nr_chi2_model_limits(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                               const nr_param_value *base, int ix, const double *xs, size_t n, int ip, double lo,
                               double hi, const nr_chi2_test *test, double *limits, const nr_progress *progress,
                               nr_error *err)
{
    nr_status st = check_inputs(model, base, ix, ip, lo, hi, test, err);
    if (st != NR_OK)
        return st;
    limits_job job = {lo, hi, nr_chi2_level(test->cl, test->n_params), limits};
    return over_x(model, engine, experiment, base, ix, xs, ix < 0 ? 1 : n, ip, test, limit_at_x, &job, 1, progress,
                  err);
}

nr_status nr_chi2_model_grid(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                             const nr_param_value *base, int ix, const double *xs, size_t nx, int ip, const double *ys,
                             size_t ny, const nr_chi2_test *test, double *chi2, const nr_progress *progress,
                             nr_error *err)
{
    return nr_chi2_model_grid_threads(model, engine, experiment, base, ix, xs, nx, ip, ys, ny, test, 1, chi2,
                                      progress, err);
}

nr_status nr_chi2_model_grid_threads(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                                     const nr_param_value *base, int ix, const double *xs, size_t nx, int ip,
                                     const double *ys, size_t ny, const nr_chi2_test *test, unsigned threads,
                                     double *chi2, const nr_progress *progress, nr_error *err)
{
    if (ix < 0 || nx == 0 || ny == 0)
        return nr_fail(err, NR_EINPUT, "/scan", "a chi-square grid needs two parameters and points on both axes");
    nr_status st = check_inputs(model, base, ix, ip, 1, 2, test, err);
    if (st != NR_OK)
        return st;
    for (size_t j = 0; j < ny; j++)
        if (!(ys[j] >= 0 && isfinite(ys[j])))
            return nr_fail(err, NR_EINPUT, "/scan/y", "coupling values must be finite and >= 0");
    grid_job job = {ys, nx, ny, chi2};
    return over_x(model, engine, experiment, base, ix, xs, nx, ip, test, grid_at_x, &job, threads, progress, err);
}
