/* catalog.h: the JSON documents that describe what the server offers (models with their parameter
 * tables, the experiment catalogue with its overridable fields) and the JSON of a computed result. */
#ifndef NR_CATALOG_H
#define NR_CATALOG_H

#include <jansson.h>

#include "nureach.h"

/* Precision of reals in response bodies: 15 significant digits (relative 1e-15) reads cleanly
 * ("0.1", not "0.10000000000000001"); canonical request forms use 17 (request.h). */
#define NR_RESPONSE_JSON_FLAGS (JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(15))

/* {"models":[...]} for GET /api/v1/models. */
json_t *nr_catalog_models(void);
/* {"experiments":[...],"overridable":[...]} for GET /api/v1/experiments. */
json_t *nr_catalog_experiments(void);
/* One experiment with every field (units in the key names). */
json_t *nr_catalog_experiment(const nr_experiment *e);
/* "neutrino_target" or "decay_volume". */
const char *nr_catalog_detector_kind(nr_detector_kind kind);
/* "linear" or "log". */
const char *nr_catalog_scale(nr_scale scale);

/* The "result" object of a rates or spectra response; NULL if a number is not finite or out of
 * memory. "total_events" (the sum of the channels) is written for rates, and for spectra only when every
 * channel is one of the model's signals. */
json_t *nr_catalog_result(const nr_table *table, nr_observable observable, const nr_model *model);

#endif
