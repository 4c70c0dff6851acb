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
} nr_param_spec;

typedef struct {
    double number;   /* NR_PARAM_NUMBER */
    int choice;      /* NR_PARAM_CHOICE: index into choices */
} nr_param_value;

/* What a model can compute. */
enum { NR_OBSERVABLE_RATES = 1u << 0, NR_OBSERVABLE_SPECTRA = 1u << 1, NR_OBSERVABLE_BOUNDS = 1u << 2 };

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
} nr_table;

nr_status nr_table_alloc(nr_table *t, size_t n_channels, size_t n_bins, nr_error *err);
void nr_table_free(nr_table *t);

typedef nr_status (*nr_compute_fn)(const nr_engine *engine, const nr_experiment *experiment,
                                   const nr_param_value *params, nr_table *out, nr_error *err);

typedef struct {
    const char *name;          /* "sm"                                                     */
    const char *title;         /* one line                                                 */
    const char *description;   /* a paragraph                                              */
    const char *references;    /* papers and equations                                     */
    const nr_param_spec *params;
    size_t n_params;
    unsigned observables;      /* NR_OBSERVABLE_* bits                                     */
    nr_detector_kind detector_kind; /* experiments the model applies to                   */
    /* Checks that need physics beyond the declared ranges (thresholds, kinematic limits). NULL if none. */
    nr_status (*check)(const nr_engine *engine, const nr_experiment *experiment,
                       const nr_param_value *params, nr_error *err);
    nr_compute_fn rates;       /* totals per channel                                       */
    nr_compute_fn spectra;     /* per bin per channel                                      */
} nr_model;

/* NULL-terminated registry (models/registry.c). */
extern const nr_model *const nr_models[];
const nr_model *nr_model_find(const char *name);
/* The parameter values when the user gives none. */
void nr_model_defaults(const nr_model *model, nr_param_value *values);
int nr_model_param_index(const nr_model *model, const char *name);

#endif
