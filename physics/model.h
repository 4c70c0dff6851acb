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
    /* The result's total_events. NAN (what nr_table_init sets): none declared (the catalogue sums disjoint channels
     * or leaves the total out). A model whose channels overlap (e.g. visible and visible_from_pi0) and that
     * declares a total_signal gets its value here. */
    double total_events;
} nr_table;

nr_status nr_table_init(nr_table *t, size_t n_channels, size_t n_bins, nr_error *err);
void nr_table_free(nr_table *t);

/* Spectra helpers. Bin edges of the table's n_bins bins from lo to hi [x_unit], equally spaced in ln x (log,
 * lo > 0) or in x (linear): edge b = lo (hi/lo)^(b/n) or lo + (hi - lo) b / n. */
void nr_table_log_bins(nr_table *t, double lo, double hi);
void nr_table_linear_bins(nr_table *t, double lo, double hi);
/* The bin edges of a table of bins (e.g. a flux's): n_bins pairs. */
void nr_table_copy_bins(nr_table *t, const double *lo, const double *hi);
/* Adds weight to the bin of channel c that holds x (lo <= x < hi); nothing if no bin does. */
void nr_table_fill(nr_table *t, size_t c, double x, double weight);
/* Each channel's total = the sum of its bins, in bin order. */
void nr_table_sum_channels(nr_table *t);

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

/* One model: its declarations and the functions that compute it. The framework (model.c) owns the prepared
 * state, as GSL's gsl_rng_type declares its size: it allocates state_size bytes zeroed, calls check once,
 * then prepare, then signals_at or spectra, then release, and frees the memory. A request's result is
 *   rates   = check -> prepare -> signals_at -> nr_table_of_signals
 *   spectra = check -> prepare -> spectra
 * and a scan (nr_scan below) prepares again only when a parameter that is not flagged `coupling` changes. */
typedef struct nr_model nr_model;
struct nr_model {
    const char *name;          /* "sm"                                                     */
    const char *title;         /* one line                                                 */
    const char *description;   /* a paragraph                                              */
    const char *references;    /* papers and equations                                     */
    const nr_param_spec *params;
    size_t n_params;           /* the coupling flag of a parameter selects the scan fast path */
    nr_detector_kind detector_kind; /* experiments the model applies to                   */
    unsigned also_serves;      /* bits (1u << kind) of further detector kinds it serves; 0 if none */
    const nr_signal_spec *signals; /* rates = the signals, in order; bounds contour one  */
    size_t n_signals;
    /* The signal that is the physical total when the signals overlap (result.total_events); NULL: see below. */
    const char *total_signal;
    /* 1: the signals are disjoint event classes and their sum is the total; with neither this nor total_signal the
     * result has no total_events (a sum of overlapping signals counts nothing physical). */
    int signals_exclusive;
    const void *data;          /* the family's constants (one file may declare several models) */
    size_t state_size;         /* bytes of prepared state: the framework allocates it zeroed, frees it */
    /* Physics checks beyond the declared ranges (thresholds, kinematic limits); NULL if none. Called once, before
     * prepare. */
    nr_status (*check)(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                       const nr_param_value *params, nr_error *err);
    /* Fills the caller-allocated state with everything that does not depend on coupling-flagged parameters (e.g.
     * the production at unit coupling and the branching fractions). NULL: nothing to prepare. */
    nr_status (*prepare)(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                         const nr_param_value *params, void *state, nr_error *err);
    /* Every signal at one point from the prepared state: values[n_signals]. */
    nr_status (*signals_at)(const nr_model *model, const void *state, const nr_param_value *params,
                            double *values, nr_error *err);
    /* Spectra from the prepared state; NULL: the model has no spectra. */
    nr_status (*spectra)(const nr_model *model, const void *state, const nr_param_value *params, nr_table *out,
                         nr_error *err);
    /* Frees what prepare allocated inside state (not state itself); NULL if nothing. */
    void (*release)(const nr_model *model, void *state);
    /* The value of number parameter `param` below which (and at which) signal `signal` is exactly zero, the other
     * parameters as in params: a kinematic threshold (e.g. 2 m_e for visible decays of a vector boson); NAN when
     * the signal has none in that parameter. NULL: no thresholds declared. A contour bisects the grid edges that
     * straddle one (contour.c) instead of false position across the jump to zero. */
    double (*signal_threshold)(const nr_model *model, const nr_experiment *experiment, const nr_param_value *params,
                               size_t signal, size_t param);
    /* prepare for a state that answers one signal only (a scan: nr_scan_at reads values[signal] alone): it may skip
     * what only the other signals need, and signals_at may then give those as 0; `signal` itself exactly as prepare
     * would give it, or within what the model documents. NULL: a scan calls prepare. */
    nr_status (*prepare_signal)(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                                const nr_param_value *params, size_t signal, void *state, nr_error *err);
};

/* Evaluation of one signal at many points: reuses the model's prepared state while only coupling parameters
 * change. A scan is used by one thread at a time. */
typedef struct nr_scan nr_scan;
nr_scan *nr_scan_init(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                      size_t signal, nr_error *err);
nr_status nr_scan_at(nr_scan *scan, const nr_param_value *params, double *events, nr_error *err);
/* Keep up to n prepared states besides the current one (least recently used replaced first), so that returning
 * to a point prepared before costs no preparation; 0 (the default) keeps none. The states are released with the
 * scan. A kept state answers exactly as a new preparation would (prepare is deterministic). */
void nr_scan_keep(nr_scan *scan, size_t n);
void nr_scan_free(nr_scan *scan);

/* NULL-terminated registry (models/registry.c). */
extern const nr_model *const nr_models[];
const nr_model *nr_model_find(const char *name);
/* The parameter values when the user gives none. */
void nr_model_defaults(const nr_model *model, nr_param_value *values);
int nr_model_param_index(const nr_model *model, const char *name);
int nr_model_signal_index(const nr_model *model, const char *name);

/* Whether the model computes an observable, from its table: rates and bounds need signals (any two number
 * parameters can be scanned; a coupling-flagged one only makes the scan faster), spectra a spectra function. */
int nr_model_offers(const nr_model *model, nr_observable observable);
/* 1 when the model computes for experiments of this kind (detector_kind or one of also_serves). */
int nr_model_serves(const nr_model *model, nr_detector_kind kind);

/* Totals per signal (rates) and binned distributions (spectra) at one parameter point. */
nr_status nr_model_rates(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                         const nr_param_value *params, nr_table *out, nr_error *err);
nr_status nr_model_spectra(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                           const nr_param_value *params, nr_table *out, nr_error *err);

/* Events of one signal at one parameter point. */
nr_status nr_model_signal_at(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                             const nr_param_value *params, size_t signal, double *events, nr_error *err);

/* Events of one signal on a grid, through nr_scan (the model's prepared state, reused along the coupling axis).
 * A point the model refuses as invalid or kinematically forbidden counts as zero events. */
nr_status nr_model_grid(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                        const nr_param_value *base, const nr_grid_request *grid, double *events,
                        const nr_progress *progress, nr_error *err);

#endif
