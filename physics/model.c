/* model.c: the framework every model runs in: result tables, look-up in the registry, default values, and the
 * one compute path (check -> prepare -> signals_at or spectra -> release) with the prepared state owned here. */
#include "model.h"

#include <math.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

nr_status nr_table_init(nr_table *t, size_t n_channels, size_t n_bins, nr_error *err)
{
    memset(t, 0, sizeof *t);
    t->total_events = NAN; /* no declared total (nr_model.total_signal) */
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

void nr_table_log_bins(nr_table *t, double lo, double hi)
{
    for (size_t b = 0; b < t->n_bins; b++) {
        t->bin_lo[b] = lo * pow(hi / lo, (double)b / (double)t->n_bins);
        t->bin_hi[b] = lo * pow(hi / lo, (double)(b + 1) / (double)t->n_bins);
    }
}

void nr_table_linear_bins(nr_table *t, double lo, double hi)
{
    for (size_t b = 0; b < t->n_bins; b++) {
        t->bin_lo[b] = lo + (hi - lo) * (double)b / (double)t->n_bins;
        t->bin_hi[b] = lo + (hi - lo) * (double)(b + 1) / (double)t->n_bins;
    }
}

void nr_table_copy_bins(nr_table *t, const double *lo, const double *hi)
{
    memcpy(t->bin_lo, lo, t->n_bins * sizeof *lo);
    memcpy(t->bin_hi, hi, t->n_bins * sizeof *hi);
}

void nr_table_fill(nr_table *t, size_t c, double x, double weight)
{
    for (size_t b = 0; b < t->n_bins; b++)
        if (x >= t->bin_lo[b] && x < t->bin_hi[b]) {
            t->events[c * t->n_bins + b] += weight;
            return;
        }
}

void nr_table_sum_channels(nr_table *t)
{
    for (size_t c = 0; c < t->n_channels; c++) {
        t->total[c] = 0.0;
        for (size_t b = 0; b < t->n_bins; b++)
            t->total[c] += t->events[c * t->n_bins + b];
    }
}

nr_status nr_table_of_signals(const nr_signal_spec *signals, size_t n, const double *values, nr_table *out,
                              nr_error *err)
{
    nr_status st = nr_table_init(out, n, 0, err);
    if (st != NR_OK)
        return st;
    for (size_t i = 0; i < n; i++) {
        snprintf(out->channel[i], sizeof out->channel[i], "%s", signals[i].name);
        snprintf(out->channel_label[i], sizeof out->channel_label[i], "%s", signals[i].description);
        out->total[i] = values[i];
    }
    return NR_OK;
}

const char *nr_observable_name(nr_observable observable)
{
    switch (observable) {
    case NR_OBSERVABLE_RATES: return "rates";
    case NR_OBSERVABLE_SPECTRA: return "spectra";
    case NR_OBSERVABLE_BOUNDS: return "bounds";
    }
    return NULL;
}

int nr_model_serves(const nr_model *model, nr_detector_kind kind)
{
    return model->detector_kind == kind || (model->also_serves & (1u << kind)) != 0;
}

int nr_model_offers(const nr_model *model, nr_observable observable)
{
    switch (observable) {
    case NR_OBSERVABLE_RATES: return model->signals_at != NULL && model->n_signals > 0;
    case NR_OBSERVABLE_SPECTRA: return model->spectra != NULL;
    case NR_OBSERVABLE_BOUNDS: return model->signals_at != NULL && model->n_signals > 0;
    }
    return 0;
}

/* ---- prepared state: allocated, checked and prepared by the framework, released and freed by it ---------- */

static void *state_alloc(const nr_model *model, nr_error *err)
{
    void *state = calloc(1, model->state_size ? model->state_size : 1);
    if (!state)
        nr_fail(err, NR_ENOMEM, "", "out of memory for the state of model %s", model->name);
    return state;
}

/* state_prepare's signal for a state that must answer every signal (the model's prepare). */
#define ALL_SIGNALS ((size_t)-1)

/* Fills a zeroed state for params: check (once), then prepare. signal: the one signal the state must answer (a scan;
 * the model's prepare_signal if it has one), or ALL_SIGNALS. On failure the state holds nothing to release. */
static nr_status state_prepare(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                               const nr_param_value *params, size_t signal, void *state, nr_error *err)
{
    nr_status st = model->check ? model->check(model, engine, experiment, params, err) : NR_OK;
    if (st == NR_OK && model->prepare_signal && signal < model->n_signals)
        st = model->prepare_signal(model, engine, experiment, params, signal, state, err);
    else if (st == NR_OK && model->prepare)
        st = model->prepare(model, engine, experiment, params, state, err);
    if (st != NR_OK) /* prepare frees what it allocated before failing; the next one starts from zeros */
        memset(state, 0, model->state_size);
    return st;
}

static void state_release(const nr_model *model, void *state)
{
    if (model->release)
        model->release(model, state);
    memset(state, 0, model->state_size);
}

typedef enum { RUN_RATES, RUN_SPECTRA } run_kind;

/* check -> allocate -> prepare -> signals_at or spectra -> release -> free */
static nr_status run_once(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                          const nr_param_value *params, run_kind kind, nr_table *out, nr_error *err)
{
    void *state = state_alloc(model, err);
    double *values = kind == RUN_RATES ? calloc(model->n_signals, sizeof *values) : NULL;
    if (!state || (kind == RUN_RATES && !values)) {
        free(state);
        free(values);
        return nr_fail(err, NR_ENOMEM, "", "out of memory for model %s", model->name);
    }
    nr_status st = state_prepare(model, engine, experiment, params, ALL_SIGNALS, state, err);
    if (st == NR_OK) {
        if (kind == RUN_RATES) {
            st = model->signals_at(model, state, params, values, err);
            if (st == NR_OK)
                st = nr_table_of_signals(model->signals, model->n_signals, values, out, err);
            for (size_t i = 0; st == NR_OK && model->total_signal && i < model->n_signals; i++)
                if (strcmp(model->signals[i].name, model->total_signal) == 0)
                    out->total_events = values[i]; /* overlapping signals: the model's physical total */
        } else {
            st = model->spectra(model, state, params, out, err);
        }
        state_release(model, state);
    }
    free(state);
    free(values);
    return st;
}

nr_status nr_model_rates(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                         const nr_param_value *params, nr_table *out, nr_error *err)
{
    if (!nr_model_offers(model, NR_OBSERVABLE_RATES))
        return nr_fail(err, NR_EINPUT, "/model", "model %s does not compute rates", model->name);
    return run_once(model, engine, experiment, params, RUN_RATES, out, err);
}

nr_status nr_model_spectra(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                           const nr_param_value *params, nr_table *out, nr_error *err)
{
    if (!nr_model_offers(model, NR_OBSERVABLE_SPECTRA))
        return nr_fail(err, NR_EINPUT, "/model", "model %s does not compute spectra", model->name);
    return run_once(model, engine, experiment, params, RUN_SPECTRA, out, err);
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

/* A prepared state kept aside by nr_scan_keep, with the parameters it was prepared for. */
typedef struct {
    void *state;
    nr_param_value *key;
    unsigned long used;   /* when it was last current (the scan's clock)             */
} kept_state;

struct nr_scan {
    const nr_model *model;
    const nr_engine *engine;
    const nr_experiment *experiment;
    size_t signal;
    void *state;          /* the model's prepared state for key (state_size bytes)  */
    int prepared;         /* state holds a preparation for key                       */
    nr_param_value *key;  /* the parameters state was prepared for                   */
    double *values;       /* every signal at the last point, n_signals               */
    kept_state *kept;     /* up to keep prepared states besides the current one      */
    size_t keep, n_kept;
    unsigned long clock;
};

nr_scan *nr_scan_init(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                      size_t signal, nr_error *err)
{
    if (!nr_model_offers(model, NR_OBSERVABLE_RATES) || signal >= model->n_signals) {
        nr_fail(err, NR_EINTERNAL, "/signal", "model %s has no signal %zu", model->name, signal);
        return NULL;
    }
    nr_scan *s = calloc(1, sizeof *s);
    nr_param_value *key = calloc(model->n_params ? model->n_params : 1, sizeof *key);
    double *values = calloc(model->n_signals, sizeof *values);
    void *state = calloc(1, model->state_size ? model->state_size : 1);
    if (!s || !key || !values || !state) {
        free(s);
        free(key);
        free(values);
        free(state);
        nr_fail(err, NR_ENOMEM, "", "out of memory for a scan");
        return NULL;
    }
    *s = (nr_scan){model, engine, experiment, signal, state, 0, key, values, NULL, 0, 0, 0};
    return s;
}

/* 1 if the prepared state of key serves params: equal in every parameter that is not a coupling. */
static int same_preparation(const nr_model *m, const nr_param_value *key, const nr_param_value *params)
{
    for (size_t i = 0; i < m->n_params; i++)
        if (!m->params[i].coupling && (key[i].number != params[i].number || key[i].choice != params[i].choice))
            return 0;
    return 1;
}

void nr_scan_keep(nr_scan *s, size_t n)
{
    if (!s || n <= s->keep)
        return; /* never shrinks: the kept states stay valid */
    kept_state *k = realloc(s->kept, n * sizeof *k);
    if (!k)
        return; /* keeping is an optimisation: without memory, prepare again */
    s->kept = k;
    s->keep = n;
}

static void swap_current(nr_scan *s, kept_state *k)
{
    void *state = s->state;
    nr_param_value *key = s->key;
    s->state = k->state;
    s->key = k->key;
    k->state = state;
    k->key = key;
    k->used = ++s->clock;
}

/* The current state is prepared for another point: make a kept state for params current (1), or park the
 * current one among the kept (the least recently used released if all slots are taken) and leave the current
 * state unprepared (0). */
static int switch_kept(nr_scan *s, const nr_param_value *params)
{
    const nr_model *m = s->model;
    for (size_t i = 0; i < s->n_kept; i++)
        if (same_preparation(m, s->kept[i].key, params)) {
            swap_current(s, &s->kept[i]);
            return 1;
        }
    if (s->n_kept < s->keep) {
        kept_state k = {calloc(1, m->state_size ? m->state_size : 1),
                        calloc(m->n_params ? m->n_params : 1, sizeof *k.key), 0};
        if (k.state && k.key) {
            s->kept[s->n_kept] = k;
            swap_current(s, &s->kept[s->n_kept++]); /* current: the new zeroed state */
            s->prepared = 0;
            return 0;
        }
        free(k.state);
        free(k.key);
    }
    size_t lru = 0;
    for (size_t i = 1; i < s->n_kept; i++)
        if (s->kept[i].used < s->kept[lru].used)
            lru = i;
    if (s->n_kept) {
        state_release(m, s->kept[lru].state);
        swap_current(s, &s->kept[lru]); /* current: the released (zeroed) state */
    } else {
        state_release(m, s->state);
    }
    s->prepared = 0;
    return 0;
}

nr_status nr_scan_at(nr_scan *s, const nr_param_value *params, double *events, nr_error *err)
{
    const nr_model *m = s->model;
    if (!s->prepared || !same_preparation(m, s->key, params)) {
        if (s->prepared && s->keep && switch_kept(s, params))
            goto evaluate;
        if (s->prepared)
            state_release(m, s->state);
        s->prepared = 0;
        nr_status st = state_prepare(m, s->engine, s->experiment, params, s->signal, s->state, err);
        if (st != NR_OK)
            return st;
        s->prepared = 1;
        memcpy(s->key, params, m->n_params * sizeof *params);
    }
evaluate:;
    nr_status st = m->signals_at(m, s->state, params, s->values, err);
    if (st == NR_OK)
        *events = s->values[s->signal];
    return st;
}

void nr_scan_free(nr_scan *s)
{
    if (!s)
        return;
    if (s->prepared)
        state_release(s->model, s->state);
    for (size_t i = 0; i < s->n_kept; i++) { /* every kept state holds a preparation */
        state_release(s->model, s->kept[i].state);
        free(s->kept[i].state);
        free(s->kept[i].key);
    }
    free(s->kept);
    free(s->state);
    free(s->values);
    free(s->key);
    free(s);
}

nr_status nr_model_signal_at(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                             const nr_param_value *params, size_t signal, double *events, nr_error *err)
{
    nr_error local;
    nr_error_clear(&local);
    nr_scan *scan = nr_scan_init(model, engine, experiment, signal, &local);
    if (!scan) {
        if (err)
            *err = local;
        return local.status;
    }
    nr_status st = nr_scan_at(scan, params, events, err);
    nr_scan_free(scan);
    return st;
}

nr_status nr_model_grid(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                        const nr_param_value *base, const nr_grid_request *grid, double *events,
                        const nr_progress *progress, nr_error *err)
{
    nr_scan *scan = nr_scan_init(model, engine, experiment, grid->signal, err);
    nr_param_value *p = malloc(model->n_params * sizeof *p);
    if (!scan || !p) {
        nr_scan_free(scan);
        free(p);
        return nr_fail(err, NR_ENOMEM, "", "out of memory for a scan");
    }
    memcpy(p, base, model->n_params * sizeof *p);
    /* inner loop over the coupling axis, so that the prepared state is reused along it */
    int x_inner = model->params[grid->ix].coupling && !model->params[grid->iy].coupling;
    size_t n_outer = x_inner ? grid->ny : grid->nx, n_inner = x_inner ? grid->nx : grid->ny;
    nr_status st = NR_OK;
    for (size_t a = 0; a < n_outer && st == NR_OK; a++) {
        for (size_t b = 0; b < n_inner && st == NR_OK; b++) {
            if (nr_progress_cancelled(progress)) {
                st = nr_fail(err, NR_ECANCELLED, "", "scan cancelled");
                break;
            }
            size_t i = x_inner ? b : a, j = x_inner ? a : b;
            p[grid->ix].number = grid->x[i];
            p[grid->iy].number = grid->y[j];
            double *out = &events[j * grid->nx + i];
            st = nr_scan_at(scan, p, out, err);
            if (st == NR_EINPUT || st == NR_EKINEMATIC) { /* a refused point has no events */
                *out = 0.0;
                st = NR_OK;
            }
        }
        nr_progress_report(progress, (double)(a + 1) / (double)n_outer);
    }
    nr_scan_free(scan);
    free(p);
    return st;
}
