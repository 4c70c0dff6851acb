/* request.h: parsing, validation and canonicalisation of a compute request (POST /api/v1/rates,
 * POST /api/v1/spectra, POST /api/v1/bounds).
 *
 * Body: {"model": "sm", "experiment": "FASERnu", "params": {...}, "experiment_overrides": {...}};
 * "model" and "experiment" are required, the two objects optional, no other key allowed. Parameters
 * are checked against the model's nr_param_spec table, overrides against nr_experiment_fields.
 * The canonical form (defaults filled, numbers as reals printed with 17 significant digits, keys
 * sorted, the whole effective experiment and the observable included) makes equivalent requests
 * byte-identical; the cache key is sha256(canonical "\n" engine version "\n" data version).
 *
 * Bounds requests add "scan" {"x": axis, "y": axis} with axis = {"param", "min", "max", "points",
 * "scale"} (min/max default to the parameter's range, points to 40, scale to the parameter's scale),
 * "signal" (default: the model's first), "threshold" (default 3) and "refine" (default true). A
 * scanned parameter must not also appear in "params" (422 scanned-parameter): its value there would
 * be meaningless; the canonical form and the response list only the parameters that are not scanned.
 * "test" chooses the statistic: {"kind": "events"} (default: the signal's events >= threshold) or
 * {"kind": "chi2", "cl": 0.9, "observable": "<spectra channel prefix>", "normalisation_uncertainty": 0.1}
 * (physics/chi2_bounds.h: Delta-chi2 on the grid, y a coupling, level from cl and 2 parameters); with chi2,
 * "signal", "threshold" and "refine": true are refused, and the canonical form holds "test" instead of them
 * (an events test keeps the canonical form it always had). */
#ifndef NR_REQUEST_H
#define NR_REQUEST_H

#include <jansson.h>
#include <stddef.h>

#include "nureach.h"
#include "problem.h"

typedef struct {
    const nr_model *model;
    nr_observable observable;       /* NR_OBSERVABLE_RATES, _SPECTRA or _BOUNDS            */
    nr_experiment experiment;  /* the catalogue entry with the overrides applied      */
    nr_param_value *params;    /* model->n_params values, malloc'd                    */
    char *canonical;           /* canonical JSON text, malloc'd                       */
    char cache_key[65];        /* sha256 hex, set by nr_request_make_key              */
    char sn_profile_sha[65];   /* sha256 hex of a named supernova profile file (its content is in the key), "" if none */
    nr_bounds_request bounds;  /* NR_OBSERVABLE_BOUNDS: the scan                      */
    int chi2;                  /* bounds: 1 = chi-square test (chi2_test), 0 = events  */
    nr_chi2_test chi2_test;    /* bounds with chi2: the test (n_params = 2)           */
} nr_request;

/* Defaults of a chi-square test (002 sec. IV): 90% CL, 10% normalisation uncertainty. */
#define NR_CHI2_DEFAULT_CL 0.9
#define NR_CHI2_DEFAULT_NORMALISATION 0.1

/* The canonical "test" object of a chi-square bounds request (with its Delta-chi2 level and parameter count). */
json_t *nr_chi2_test_json(const nr_chi2_test *test);

/* Default points per scan axis and default threshold [events] of a bounds request. */
#define NR_BOUNDS_DEFAULT_POINTS 40
#define NR_BOUNDS_DEFAULT_THRESHOLD 3.0

/* Parses and validates body. 0 on success (req filled; free with nr_request_free); -1 with p filled
 * (400 malformed JSON / duplicate key, 422 anything else) and req left empty. */
int nr_request_parse(const char *body, size_t len, nr_observable observable, nr_request *req,
                     nr_problem *p);

/* Runs the model's physics check (thresholds, kinematic limits). 0 if fine, -1 with p filled (422). */
int nr_request_check(const nr_request *req, const nr_engine *engine, nr_problem *p);

/* Fills req->cache_key from the canonical form, the engine version and the data version. */
void nr_request_make_key(nr_request *req, const char *data_version);

/* The three steps every compute endpoint takes: parse, physics check, key. 0 on success; on failure p holds the
 * problem and req needs no freeing. */
int nr_request_prepare(const char *body, size_t len, nr_observable observable, const nr_engine *engine,
                       const char *data_version, nr_request *req, nr_problem *p);

void nr_request_free(nr_request *req);

/* JSON of parameter values: numbers as reals, choices as strings. */
json_t *nr_params_to_json(const nr_model *model, const nr_param_value *values);
/* JSON of the overridable fields of an experiment (name -> value), plus "name". */
json_t *nr_experiment_key_json(const nr_experiment *e);
/* Parameters of a request as they appear in its canonical form and response (for bounds: without the
 * scanned ones). */
json_t *nr_request_params_json(const nr_request *req);
/* The canonical "scan" object of a bounds request. */
json_t *nr_bounds_scan_json(const nr_model *model, const nr_bounds_request *b);

/* Real-number precision used for every JSON the server writes (round-trips doubles exactly). */
#define NR_JSON_FLAGS (JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17))

#endif
