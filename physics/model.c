/* model.c: helpers shared by all models: result tables, look-up in the registry, default values. */
#include "model.h"

#include <stdlib.h>
#include <string.h>

nr_status nr_table_alloc(nr_table *t, size_t n_channels, size_t n_bins, nr_error *err)
{
    memset(t, 0, sizeof *t);
    t->n_channels = n_channels;
    t->n_bins = n_bins;
    t->channel = calloc(n_channels ? n_channels : 1, sizeof *t->channel);
    t->channel_label = calloc(n_channels ? n_channels : 1, sizeof *t->channel_label);
    t->total = calloc(n_channels ? n_channels : 1, sizeof *t->total);
    if (n_bins) {
        t->bin_lo = calloc(n_bins, sizeof *t->bin_lo);
        t->bin_hi = calloc(n_bins, sizeof *t->bin_hi);
        t->events = calloc(n_bins * n_channels, sizeof *t->events);
    }
    if (!t->channel || !t->channel_label || !t->total ||
        (n_bins && (!t->bin_lo || !t->bin_hi || !t->events))) {
        nr_table_free(t);
        return nr_fail(err, NR_ENOMEM, "", "out of memory for a result table");
    }
    return NR_OK;
}

void nr_table_free(nr_table *t)
{
    if (!t)
        return;
    free(t->channel);
    free(t->channel_label);
    free(t->total);
    free(t->bin_lo);
    free(t->bin_hi);
    free(t->events);
    memset(t, 0, sizeof *t);
}

const nr_model *nr_model_find(const char *name)
{
    for (int i = 0; name && nr_models[i]; i++)
        if (strcmp(nr_models[i]->name, name) == 0)
            return nr_models[i];
    return NULL;
}

void nr_model_defaults(const nr_model *model, nr_param_value *values)
{
    for (size_t i = 0; i < model->n_params; i++) {
        values[i].number = model->params[i].default_value;
        values[i].choice = 0;
    }
}

int nr_model_param_index(const nr_model *model, const char *name)
{
    for (size_t i = 0; name && i < model->n_params; i++)
        if (strcmp(model->params[i].name, name) == 0)
            return (int)i;
    return -1;
}

int nr_model_signal_index(const nr_model *model, const char *name)
{
    for (size_t i = 0; name && i < model->n_signals; i++)
        if (strcmp(model->signals[i].name, name) == 0)
            return (int)i;
    return -1;
}

nr_status nr_model_signal_at(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                             const nr_param_value *params, size_t signal, double *events, nr_error *err)
{
    nr_table t;
    memset(&t, 0, sizeof t); /* a model that fails before nr_table_alloc leaves t untouched */
    nr_status st = model->rates(engine, experiment, params, &t, err);
    if (st == NR_OK) {
        if (signal < t.n_channels)
            *events = t.total[signal];
        else
            st = nr_fail(err, NR_EINTERNAL, "/signal", "model %s returned %zu channels, signal %zu asked",
                         model->name, t.n_channels, signal);
    }
    nr_table_free(&t);
    return st;
}

nr_status nr_model_grid(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                        const nr_param_value *base, const nr_grid_request *grid, double *events,
                        const nr_progress *progress, nr_error *err)
{
    if (model->grid)
        return model->grid(engine, experiment, base, grid, events, progress, err);
    nr_param_value *p = malloc(model->n_params * sizeof *p);
    if (!p)
        return nr_fail(err, NR_ENOMEM, "", "out of memory for a scan");
    memcpy(p, base, model->n_params * sizeof *p);
    nr_status st = NR_OK;
    for (size_t j = 0; j < grid->ny && st == NR_OK; j++) {
        for (size_t i = 0; i < grid->nx && st == NR_OK; i++) {
            if (nr_progress_cancelled(progress)) {
                st = nr_fail(err, NR_ECANCELLED, "", "scan cancelled");
                break;
            }
            p[grid->ix].number = grid->x[i];
            p[grid->iy].number = grid->y[j];
            st = nr_model_signal_at(model, engine, experiment, p, grid->signal, &events[j * grid->nx + i], err);
        }
        nr_progress_report(progress, (double)(j + 1) / (double)grid->ny);
    }
    free(p);
    return st;
}

struct nr_scan {
    const nr_model *model;
    const nr_engine *engine;
    const nr_experiment *experiment;
    size_t signal;
    void *ctx; /* the model's own context, or NULL */
};

nr_scan *nr_scan_open(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                      size_t signal, nr_error *err)
{
    nr_scan *s = calloc(1, sizeof *s);
    if (!s) {
        nr_fail(err, NR_ENOMEM, "", "out of memory for a scan");
        return NULL;
    }
    *s = (nr_scan){model, engine, experiment, signal, NULL};
    if (model->scan_open && !(s->ctx = model->scan_open(engine, experiment, signal, err))) {
        free(s);
        return NULL;
    }
    return s;
}

nr_status nr_scan_at(nr_scan *s, const nr_param_value *params, double *events, nr_error *err)
{
    if (s->ctx)
        return s->model->scan_at(s->ctx, params, events, err);
    return nr_model_signal_at(s->model, s->engine, s->experiment, params, s->signal, events, err);
}

void nr_scan_close(nr_scan *s)
{
    if (!s)
        return;
    if (s->ctx)
        s->model->scan_close(s->ctx);
    free(s);
}
