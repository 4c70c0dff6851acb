/* model.h: the table of functions and parameters every physics model fills.
 *
 * A model declares each parameter once (name, unit, default, range, scale, description); the server
 * generates validation, the API description, the cache key and the docs from that declaration. Adding a
 * model means one file under physics/models/ and one line in models/registry.c.
 */
#ifndef NR_MODEL_H
#define NR_MODEL_H

#include <stddef.h>

#include "engine.h"
#include "experiment.h"
#include "nr_error.h"
#include "progress.h"

typedef enum { NR_PARAM_NUMBER = 0, NR_PARAM_CHOICE = 1 } nr_param_kind;
typedef enum { NR_SCALE_LINEAR = 0, NR_SCALE_LOG = 1 } nr_scale;

typedef struct {
    const char *name;
    const char *unit;          /* "GeV", "GeV^-1", "" for dimensionless or choices */
    const char *description;
    nr_param_kind kind;
    double default_value;      /* NR_PARAM_NUMBER */
    double min_value, max_value; /* inclusive range, NR_PARAM_NUMBER */
    nr_scale scale;
    const char *const *choices;  /* NULL-terminated, NR_PARAM_CHOICE; the default is choices[0] */
    int coupling;              /* 1: the model's prepared state (prepare below) does not depend on it */
} nr_param_spec;

typedef struct {
    double number;   /* NR_PARAM_NUMBER */
    int choice;      /* NR_PARAM_CHOICE: index into choices */
} nr_param_value;

/* What a request asks a model for. */
typedef enum { NR_OBSERVABLE_RATES = 0, NR_OBSERVABLE_SPECTRA = 1, NR_OBSERVABLE_BOUNDS = 2 } nr_observable;

/* "rates", "spectra", "bounds" (NULL for anything else). */
const char *nr_observable_name(nr_observable observable);

#define NR_CHANNEL_NAME_LEN 48

/* A result: event counts per channel, and for spectra per bin of `x` too. */
typedef struct {
    size_t n_channels;
    char (*channel)[NR_CHANNEL_NAME_LEN];  /* names, e.g. "nu_mu"                        */
    char (*channel_label)[NR_CHANNEL_NAME_LEN * 2]; /* human text, e.g. "nu_mu CC"      */
    double *total;                       /* events per channel, n_channels                   */
    char x_name[32];                     /* spectra: the binned variable, e.g. "E_nu"        */
    char x_unit[16];                     /* its unit, e.g. "GeV"                             */
    size_t n_bins;                       /* 0 for rates                                      */
    double *bin_lo, *bin_hi;             /* bin edges [x_unit]                               */
    double *events;                      /* events[c * n_bins + b]                           */
    /* The result's total_events. NAN (what nr_table_alloc sets): the channels are exclusive and the total is their
     * sum. A model whose channels overlap (e.g. visible and visible_from_pi0) sets the physical total here. */
    double total_events;
} nr_table;

nr_status nr_table_alloc(nr_table *t, size_t n_channels, size_t n_bins, nr_error *err);
void nr_table_free(nr_table *t);

/* A named event count a model computes: the channels of its rates, in this order. The bounds endpoint
 * contours one of them. */
typedef struct {
    const char *name;
    const char *description;
} nr_signal_spec;

/* A rates table (no bins) with one channel per signal: names and labels from the declaration, totals from
 * values[n]. */
nr_status nr_table_of_signals(const nr_signal_spec *signals, size_t n, const double *values, nr_table *out,
                              nr_error *err);

/* A rectangular grid of two parameters for a scan; the other parameters come from a base point. */
typedef struct {
    size_t signal;         /* index into model->signals                          */
    int ix, iy;            /* indices of the scanned parameters in model->params */
    size_t nx, ny;
    const double *x, *y;   /* axis values in the parameters' units               */
} nr_grid_request;

typedef nr_status (*nr_compute_fn)(const nr_engine *engine, const nr_experiment *experiment,
                                   const nr_param_value *params, nr_table *out, nr_error *err);

typedef struct {
    const char *name;          /* "sm"                                                     */
    const char *title;         /* one line                                                 */
    const char *description;   /* a paragraph                                              */
    const char *references;    /* papers and equations                                     */
    const nr_param_spec *params;
    size_t n_params;
    nr_detector_kind detector_kind; /* experiments the model applies to                   */
    /* Checks that need physics beyond the declared ranges (thresholds, kinematic limits). NULL if none. */
    nr_status (*check)(const nr_engine *engine, const nr_experiment *experiment,
                       const nr_param_value *params, nr_error *err);
    nr_compute_fn rates;       /* totals per channel (the signals, in order)              */
    nr_compute_fn spectra;     /* per bin per channel                                      */
    const nr_signal_spec *signals; /* what rates returns, in order                        */
    size_t n_signals;
    /* Optional fast path for scans and contour refinement. prepare computes everything that does not depend on
     * the parameters flagged `coupling` (e.g. the production at unit coupling and the branching fractions);
     * evaluate finishes one point from it (e.g. rescales by the coupling and applies the decay probability);
     * release frees the state. nr_scan keeps the last prepared state while only coupling parameters change, and
     * nr_model_grid orders its loops so that they do. NULL prepare: every point calls rates. */
    nr_status (*prepare)(const nr_engine *engine, const nr_experiment *experiment, const nr_param_value *params,
                         void **state, nr_error *err);
    nr_status (*evaluate)(const void *state, const nr_param_value *params, size_t signal, double *events,
                          nr_error *err);
    void (*release)(void *state);
} nr_model;

/* Evaluation of one signal at many points: reuses the model's prepared state (prepare/evaluate above) while
 * only coupling parameters change. A scan is used by one thread at a time. */
typedef struct nr_scan nr_scan;
nr_scan *nr_scan_open(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                      size_t signal, nr_error *err);
nr_status nr_scan_at(nr_scan *scan, const nr_param_value *params, double *events, nr_error *err);
void nr_scan_close(nr_scan *scan);

/* NULL-terminated registry (models/registry.c). */
extern const nr_model *const nr_models[];
const nr_model *nr_model_find(const char *name);
/* The parameter values when the user gives none. */
void nr_model_defaults(const nr_model *model, nr_param_value *values);
int nr_model_param_index(const nr_model *model, const char *name);
int nr_model_signal_index(const nr_model *model, const char *name);

/* Whether the model computes an observable: rates and bounds need signals, spectra a spectra function. */
int nr_model_offers(const nr_model *model, nr_observable observable);

/* Totals per signal (rates) and binned distributions (spectra) at one parameter point. */
nr_status nr_model_rates(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                         const nr_param_value *params, nr_table *out, nr_error *err);
nr_status nr_model_spectra(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                           const nr_param_value *params, nr_table *out, nr_error *err);

/* Events of one signal at one parameter point (calls rates). */
nr_status nr_model_signal_at(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                             const nr_param_value *params, size_t signal, double *events, nr_error *err);

/* Events of one signal on a grid, through nr_scan (the model's prepared state) when it has prepare, else rates
 * point by point. A point the model refuses as invalid or kinematically forbidden counts as zero events. */
nr_status nr_model_grid(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                        const nr_param_value *base, const nr_grid_request *grid, double *events,
                        const nr_progress *progress, nr_error *err);

#endif
