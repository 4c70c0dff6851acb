/* request.c: compute-request validation against the model's parameter table and the experiment's
 * overridable fields, and the canonical form that the cache key hashes. */
#include "request.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "engine_version.h"
#include "nureach.h"

#define USER_TEXT_MAX 64 /* bytes of a user-supplied string quoted in a message */

static const char *json_type_name(const json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    }
    return "unknown";
}

static void pointer_to(char *buf, size_t cap, const char *parent, const char *key)
{
    snprintf(buf, cap, "%s", parent);
    nr_json_pointer_append(buf, cap, key);
}

/* Appends s to a comma-separated list in buf. */
static void list_append(char *buf, size_t cap, const char *s)
{
    size_t used = strlen(buf);
    if (used + 1 < cap)
        snprintf(buf + used, cap - used, "%s%s", used ? ", " : "", s);
}

/* ---- top level ---------------------------------------------------------------------------- */

static const char *const top_level_keys[] = {"model", "experiment", "params", "experiment_overrides",
                                             NULL};
static const char *const bounds_keys[] = {"model", "experiment", "params", "experiment_overrides", "scan",
                                          "signal", "threshold", "refine", "test", NULL};

static int key_known(const char *const *keys, const char *key)
{
    for (int i = 0; keys[i]; i++)
        if (strcmp(key, keys[i]) == 0)
            return 1;
    return 0;
}

/* Records an unknown-key error for every member of obj not in keys; `parent` is obj's pointer. */
static void check_keys(const json_t *obj, const char *const *keys, const char *parent, nr_problem *p)
{
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)obj, key, value) {
        if (key_known(keys, key))
            continue;
        char ptr[160], quoted[USER_TEXT_MAX + 4], valid[256] = "";
        for (int i = 0; keys[i]; i++)
            list_append(valid, sizeof valid, keys[i]);
        pointer_to(ptr, sizeof ptr, parent, key);
        nr_quote_user(key, quoted, USER_TEXT_MAX);
        nr_problem_add(p, 422, "unknown-key", ptr, "unknown key '%s'; allowed keys: %s", quoted, valid);
    }
}

static void check_top_level_keys(const json_t *root, nr_observable observable, nr_problem *p)
{
    check_keys(root, observable == NR_OBSERVABLE_BOUNDS ? bounds_keys : top_level_keys, "", p);
}

/* The string member `name`, or NULL with an error recorded. */
static const char *required_string(const json_t *root, const char *name, nr_problem *p)
{
    char ptr[64];
    snprintf(ptr, sizeof ptr, "/%s", name);
    const json_t *v = json_object_get(root, name);
    if (!v) {
        nr_problem_add(p, 422, "missing-field", ptr, "'%s' is required", name);
        return NULL;
    }
    if (!json_is_string(v)) {
        nr_problem_add(p, 422, "wrong-type", ptr, "'%s' must be a string, not %s", name,
                       json_type_name(v));
        return NULL;
    }
    return json_string_value(v);
}

static const nr_model *find_model(const json_t *root, nr_problem *p)
{
    const char *name = required_string(root, "model", p);
    if (!name)
        return NULL;
    const nr_model *m = nr_model_find(name);
    if (m)
        return m;
    char valid[256] = "", quoted[USER_TEXT_MAX + 4];
    for (int i = 0; nr_models[i]; i++)
        list_append(valid, sizeof valid, nr_models[i]->name);
    nr_quote_user(name, quoted, USER_TEXT_MAX);
    nr_problem_add(p, 422, "unknown-model", "/model", "unknown model '%s'; valid models: %s", quoted,
                   valid);
    return NULL;
}

static const nr_experiment *find_experiment(const json_t *root, nr_problem *p)
{
    const char *name = required_string(root, "experiment", p);
    if (!name)
        return NULL;
    const nr_experiment *e = nr_experiment_find(name);
    if (e)
        return e;
    char valid[256] = "", quoted[USER_TEXT_MAX + 4];
    for (int i = 0; i < nr_n_experiments; i++)
        list_append(valid, sizeof valid, nr_experiments[i].name);
    nr_quote_user(name, quoted, USER_TEXT_MAX);
    nr_problem_add(p, 422, "unknown-experiment", "/experiment",
                   "unknown experiment '%s'; valid experiments: %s", quoted, valid);
    return NULL;
}

static void check_applicability(const nr_model *m, const nr_experiment *e, nr_observable observable,
                                nr_problem *p)
{
    if (e && !nr_model_serves(m, e->kind))
        nr_problem_add(p, 422, "detector-mismatch", "/experiment",
                       "model '%s' applies to %s experiments, but %s is a %s", m->name,
                       nr_catalog_detector_kind(m->detector_kind), e->name, nr_catalog_detector_kind(e->kind));
    if (!nr_model_offers(m, observable))
        nr_problem_add(p, 422, "observable-not-supported", "/model",
                       "model '%s' does not compute %s", m->name, nr_observable_name(observable));
}

/* An optional member that must be an object when present. */
static const json_t *optional_object(const json_t *root, const char *name, nr_problem *p)
{
    const json_t *v = json_object_get(root, name);
    if (v && !json_is_object(v)) {
        char ptr[64];
        snprintf(ptr, sizeof ptr, "/%s", name);
        nr_problem_add(p, 422, "wrong-type", ptr, "'%s' must be an object, not %s", name,
                       json_type_name(v));
        return NULL;
    }
    return v;
}

/* ---- params -------------------------------------------------------------------------------- */

static void number_param(const nr_param_spec *spec, const json_t *v, const char *ptr,
                         nr_param_value *out, nr_problem *p)
{
    if (!json_is_number(v)) {
        nr_problem_add(p, 422, "wrong-type", ptr, "parameter '%s' must be a number [%s], not %s",
                       spec->name, spec->unit, json_type_name(v));
        return;
    }
    double x = json_number_value(v);
    nr_error err;
    nr_error_clear(&err);
    nr_status st = nr_validate_param(spec, x, ptr, &err);
    if (st != NR_OK) {
        nr_problem_from_error(p, st, &err);
        return;
    }
    out->number = x == 0.0 ? 0.0 : x; /* -0 and 0 are the same request */
}

static void choice_param(const nr_param_spec *spec, const json_t *v, const char *ptr,
                         nr_param_value *out, nr_problem *p)
{
    char valid[256] = "";
    for (int i = 0; spec->choices && spec->choices[i]; i++)
        list_append(valid, sizeof valid, spec->choices[i]);
    if (!json_is_string(v)) {
        nr_problem_add(p, 422, "wrong-type", ptr,
                       "parameter '%s' must be a string, one of: %s; not %s", spec->name, valid,
                       json_type_name(v));
        return;
    }
    const char *s = json_string_value(v);
    for (int i = 0; spec->choices && spec->choices[i]; i++) {
        if (strcmp(spec->choices[i], s) == 0) {
            out->choice = i;
            return;
        }
    }
    char quoted[USER_TEXT_MAX + 4];
    nr_quote_user(s, quoted, USER_TEXT_MAX);
    nr_problem_add(p, 422, "not-a-choice", ptr, "parameter '%s' = '%s' is not one of: %s",
                   spec->name, quoted, valid);
}

static void read_params(const nr_model *m, const json_t *params, nr_param_value *values,
                        nr_problem *p)
{
    nr_model_defaults(m, values);
    if (!params)
        return;
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)params, key, v) {
        char ptr[160];
        pointer_to(ptr, sizeof ptr, "/params", key);
        int idx = nr_model_param_index(m, key);
        if (idx < 0) {
            char valid[512] = "", quoted[USER_TEXT_MAX + 4];
            for (size_t i = 0; i < m->n_params; i++)
                list_append(valid, sizeof valid, m->params[i].name);
            nr_quote_user(key, quoted, USER_TEXT_MAX);
            nr_problem_add(p, 422, "unknown-key", ptr,
                           "unknown parameter '%s' for model '%s'; parameters: %s", quoted, m->name,
                           valid[0] ? valid : "(none)");
            continue;
        }
        const nr_param_spec *spec = &m->params[idx];
        if (spec->kind == NR_PARAM_CHOICE)
            choice_param(spec, v, ptr, &values[idx], p);
        else
            number_param(spec, v, ptr, &values[idx], p);
    }
}

/* ---- experiment overrides ------------------------------------------------------------------ */

static const nr_experiment_field *find_field(const char *name)
{
    for (int i = 0; i < nr_n_experiment_fields; i++)
        if (strcmp(nr_experiment_fields[i].name, name) == 0)
            return &nr_experiment_fields[i];
    return NULL;
}

static void apply_overrides(nr_experiment *e, const json_t *overrides, nr_problem *p)
{
    if (!overrides)
        return;
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)overrides, key, v) {
        char ptr[160];
        pointer_to(ptr, sizeof ptr, "/experiment_overrides", key);
        const nr_experiment_field *f = find_field(key);
        if (strcmp(key, NR_SN_PROFILE_FIELD) == 0) {
            if (!json_is_string(v)) {
                nr_problem_add(p, 422, "wrong-type", ptr, "'%s' must be a string (a profile file name), not %s",
                               NR_SN_PROFILE_FIELD, json_type_name(v));
                continue;
            }
            nr_error err;
            nr_error_clear(&err);
            if (nr_experiment_override_sn_profile(e, json_string_value(v), ptr, &err) != NR_OK)
                nr_problem_from_error(p, NR_EINPUT, &err);
            continue;
        }
        if (!f) {
            char valid[512] = "", quoted[USER_TEXT_MAX + 4];
            for (int i = 0; i < nr_n_experiment_fields; i++)
                list_append(valid, sizeof valid, nr_experiment_fields[i].name);
            list_append(valid, sizeof valid, NR_SN_PROFILE_FIELD);
            nr_quote_user(key, quoted, USER_TEXT_MAX);
            nr_problem_add(p, 422, "unknown-key", ptr,
                           "'%s' is not an overridable experiment field; fields: %s", quoted, valid);
            continue;
        }
        if (!json_is_number(v)) {
            nr_problem_add(p, 422, "wrong-type", ptr, "'%s' must be a number [%s], not %s", f->name,
                           f->unit, json_type_name(v));
            continue;
        }
        nr_error err;
        nr_error_clear(&err);
        nr_status st = nr_experiment_override(e, f->name, json_number_value(v), ptr, &err);
        if (st != NR_OK)
            nr_problem_from_error(p, st, &err);
    }
}

/* ---- bounds: scan, signal, threshold, refine ------------------------------------------------- */

static const char *const axis_keys[] = {"param", "min", "max", "points", "scale", NULL};
static const char *const scan_keys[] = {"x", "y", NULL};

/* A number member of obj (pointer ptr) into *out; absent: *out unchanged. 0 if fine. */
static int optional_number(const json_t *obj, const char *name, const char *ptr, double *out, nr_problem *p)
{
    const json_t *v = json_object_get(obj, name);
    if (!v)
        return 0;
    if (!json_is_number(v)) {
        nr_problem_add(p, 422, "wrong-type", ptr, "'%s' must be a number, not %s", name, json_type_name(v));
        return -1;
    }
    *out = json_number_value(v);
    return 0;
}

/* The scanned parameter of an axis: its index, or -1 with an error recorded. */
static int axis_param(const nr_model *m, const json_t *axis, const char *parent, nr_problem *p)
{
    char ptr[64];
    snprintf(ptr, sizeof ptr, "%s/param", parent);
    const json_t *v = json_object_get(axis, "param");
    char valid[512] = "";
    for (size_t i = 0; i < m->n_params; i++)
        if (m->params[i].kind == NR_PARAM_NUMBER)
            list_append(valid, sizeof valid, m->params[i].name);
    if (!v || !json_is_string(v)) {
        nr_problem_add(p, 422, v ? "wrong-type" : "missing-field", ptr,
                       "'param' (a string, one of: %s) is required", valid[0] ? valid : "(none)");
        return -1;
    }
    int idx = nr_model_param_index(m, json_string_value(v));
    if (idx < 0 || m->params[idx].kind != NR_PARAM_NUMBER) {
        char quoted[USER_TEXT_MAX + 4];
        nr_quote_user(json_string_value(v), quoted, USER_TEXT_MAX);
        nr_problem_add(p, 422, idx < 0 ? "not-a-choice" : "invalid-scan", ptr,
                       "'%s' is not a number parameter of model '%s'; scannable: %s", quoted, m->name,
                       valid[0] ? valid : "(none)");
        return -1;
    }
    return idx;
}

static int axis_scale(const json_t *axis, const char *parent, nr_scale fallback, int *is_log, nr_problem *p)
{
    char ptr[64];
    snprintf(ptr, sizeof ptr, "%s/scale", parent);
    const json_t *v = json_object_get(axis, "scale");
    *is_log = fallback == NR_SCALE_LOG;
    if (!v)
        return 0;
    const char *s = json_is_string(v) ? json_string_value(v) : NULL;
    if (s && (strcmp(s, nr_catalog_scale(NR_SCALE_LINEAR)) == 0 || strcmp(s, nr_catalog_scale(NR_SCALE_LOG)) == 0)) {
        *is_log = strcmp(s, nr_catalog_scale(NR_SCALE_LOG)) == 0;
        return 0;
    }
    nr_problem_add(p, 422, s ? "not-a-choice" : "wrong-type", ptr, "'scale' must be \"linear\" or \"log\"");
    return -1;
}

static int axis_points(const json_t *axis, const char *parent, size_t *n, nr_problem *p)
{
    char ptr[64];
    snprintf(ptr, sizeof ptr, "%s/points", parent);
    const json_t *v = json_object_get(axis, "points");
    *n = NR_BOUNDS_DEFAULT_POINTS;
    if (!v)
        return 0;
    /* an integer, or a real with an integral value (notebooks often send 20.0) */
    double real = json_is_real(v) ? json_real_value(v) : 0.0;
    if (!json_is_integer(v) && !(json_is_real(v) && real == floor(real) && fabs(real) < 1e9)) {
        nr_problem_add(p, 422, "wrong-type", ptr, "'points' must be an integer, not %s",
                       json_is_real(v) ? "a fractional number" : json_type_name(v));
        return -1;
    }
    json_int_t k = json_is_integer(v) ? json_integer_value(v) : (json_int_t)real;
    nr_error err;
    nr_error_clear(&err);
    nr_status st = nr_validate_points((long long)k, ptr, &err);
    if (st != NR_OK) {
        nr_problem_from_error(p, st, &err);
        return -1;
    }
    *n = (size_t)k;
    return 0;
}

/* One axis ("x" or "y"); 0 if valid. */
static int read_axis(const nr_model *m, const json_t *scan, const char *name, int *index, double *lo,
                     double *hi, size_t *n, int *is_log, nr_problem *p)
{
    char parent[32], ptr[64];
    snprintf(parent, sizeof parent, "/scan/%s", name);
    const json_t *axis = json_object_get(scan, name);
    if (!axis || !json_is_object(axis)) {
        nr_problem_add(p, 422, axis ? "wrong-type" : "missing-field", parent,
                       "'%s' must be an object {\"param\", \"min\", \"max\", \"points\", \"scale\"}", name);
        return -1;
    }
    check_keys(axis, axis_keys, parent, p);
    *index = axis_param(m, axis, parent, p);
    int bad = axis_points(axis, parent, n, p) != 0;
    if (*index < 0)
        return -1;
    const nr_param_spec *spec = &m->params[*index];
    *lo = spec->min_value;
    *hi = spec->max_value;
    bad |= axis_scale(axis, parent, spec->scale, is_log, p) != 0;
    const char *ends[2] = {"min", "max"};
    double *vals[2] = {lo, hi};
    for (int k = 0; k < 2; k++) {
        snprintf(ptr, sizeof ptr, "%s/%s", parent, ends[k]);
        bad |= optional_number(axis, ends[k], ptr, vals[k], p) != 0;
    }
    *lo = *lo == 0.0 ? 0.0 : *lo;
    *hi = *hi == 0.0 ? 0.0 : *hi;
    return bad ? -1 : 0; /* ranges, order and scale: nr_bounds_check_request (physics) */
}

static void read_scan(const nr_model *m, const json_t *root, nr_bounds_request *b, nr_problem *p)
{
    const json_t *scan = json_object_get(root, "scan");
    if (!scan || !json_is_object(scan)) {
        nr_problem_add(p, 422, scan ? "wrong-type" : "missing-field", "/scan",
                       "'scan' must be an object {\"x\": axis, \"y\": axis} (or {\"x\": axis}: a curve)");
        return;
    }
    check_keys(scan, scan_keys, "/scan", p);
    read_axis(m, scan, "x", &b->ix, &b->x_min, &b->x_max, &b->nx, &b->x_log, p);
    if (json_object_get(scan, "y")) /* without y: a curve along x (physics/curve.h) */
        read_axis(m, scan, "y", &b->iy, &b->y_min, &b->y_max, &b->ny, &b->y_log, p);
}

static void read_signal(const nr_model *m, const json_t *root, nr_bounds_request *b, nr_problem *p)
{
    const json_t *v = json_object_get(root, "signal");
    b->signal = 0;
    if (!v)
        return;
    char valid[512] = "";
    for (size_t i = 0; i < m->n_signals; i++)
        list_append(valid, sizeof valid, m->signals[i].name);
    int idx = json_is_string(v) ? nr_model_signal_index(m, json_string_value(v)) : -1;
    if (idx >= 0) {
        b->signal = (size_t)idx;
        return;
    }
    char quoted[USER_TEXT_MAX + 4] = "";
    if (json_is_string(v))
        nr_quote_user(json_string_value(v), quoted, USER_TEXT_MAX);
    nr_problem_add(p, 422, json_is_string(v) ? "not-a-choice" : "wrong-type", "/signal",
                   "signal '%s' is not one of model '%s': %s", quoted, m->name, valid);
}

/* ---- bounds: the test statistic ("test") ---------------------------------------------------- */

static const char *const test_keys[] = {"kind", "cl", "observable", "normalisation_uncertainty", NULL};

/* "test": absent or {"kind": "events"}: *chi2 = 0; {"kind": "chi2", ...}: *chi2 = 1 and the test filled (its
 * physical rules: nr_chi2_test_validate; the model must have spectra, y must be a coupling). */
static void read_test(const nr_model *m, const json_t *root, int *chi2, nr_chi2_test *test, nr_problem *p)
{
    *chi2 = 0;
    const json_t *t = json_object_get(root, "test");
    if (!t)
        return;
    if (!json_is_object(t)) {
        nr_problem_add(p, 422, "wrong-type", "/test", "'test' must be an object {\"kind\": \"events\" | \"chi2\", ...}, "
                       "not %s", json_type_name(t));
        return;
    }
    check_keys(t, test_keys, "/test", p);
    const json_t *kind = json_object_get(t, "kind");
    const char *k = json_is_string(kind) ? json_string_value(kind) : NULL;
    if (!kind || !k || (strcmp(k, "events") != 0 && strcmp(k, "chi2") != 0)) {
        char quoted[USER_TEXT_MAX + 4] = "";
        if (k)
            nr_quote_user(k, quoted, USER_TEXT_MAX);
        nr_problem_add(p, 422, !kind ? "missing-field" : k ? "not-a-choice" : "wrong-type", "/test/kind",
                       "'kind' must be \"events\" (the signal's events >= threshold) or \"chi2\"%s%s",
                       k ? ", not " : "", quoted);
        return;
    }
    if (strcmp(k, "events") == 0) {
        static const char *const events_keys[] = {"kind", NULL};
        check_keys(t, events_keys, "/test", p);
        return;
    }
    *chi2 = 1;
    memset(test, 0, sizeof *test);
    test->cl = NR_CHI2_DEFAULT_CL;
    test->n_params = 2;
    test->stats = nr_chi2_options_paper002();
    test->stats.normalisation_sigma = NR_CHI2_DEFAULT_NORMALISATION;
    optional_number(t, "cl", "/test/cl", &test->cl, p);
    optional_number(t, "normalisation_uncertainty", "/test/normalisation_uncertainty", &test->stats.normalisation_sigma,
                    p);
    const json_t *obs = json_object_get(t, "observable");
    if (!obs)
        nr_problem_add(p, 422, "missing-field", "/test/observable",
                       "'observable' is required: the prefix of the spectra channels the chi-square uses (e.g. \"cc_\")");
    else if (!json_is_string(obs))
        nr_problem_add(p, 422, "wrong-type", "/test/observable", "'observable' must be a string, not %s",
                       json_type_name(obs));
    else if (strlen(json_string_value(obs)) >= sizeof test->observable)
        nr_problem_add(p, 422, "out-of-range", "/test/observable", "'observable' is longer than %zu characters",
                       sizeof test->observable - 1);
    else
        snprintf(test->observable, sizeof test->observable, "%s", json_string_value(obs));
    if (!m->spectra)
        nr_problem_add(p, 422, "not-a-choice", "/test/kind", "model '%s' has no spectra: the chi-square test needs them",
                       m->name);
    static const char *const not_with_chi2[] = {"signal", "threshold"};
    for (size_t i = 0; i < 2; i++)
        if (json_object_get(root, not_with_chi2[i])) {
            char ptr[32];
            snprintf(ptr, sizeof ptr, "/%s", not_with_chi2[i]);
            nr_problem_add(p, 422, "conflict", ptr, "'%s' belongs to the events test; a chi-square test uses "
                           "'test/observable' and the level from 'test/cl'", not_with_chi2[i]);
        }
    if (json_is_true(json_object_get(root, "refine")))
        nr_problem_add(p, 422, "conflict", "/refine", "'refine' finds roots of a signal's events; a chi-square "
                       "region is traced on the grid (leave 'refine' out or false)");
    if (p->status)
        return;
    nr_error err; /* the physical rules of the test: physics/chi2_model.c */
    nr_error_clear(&err);
    nr_status st = nr_chi2_test_validate(test, &err);
    if (st != NR_OK)
        nr_problem_from_error(p, st, &err);
}

json_t *nr_chi2_test_json(const nr_chi2_test *test)
{
    json_t *o = json_object();
    json_object_set_new(o, "kind", json_string("chi2"));
    json_object_set_new(o, "cl", json_real(test->cl));
    json_object_set_new(o, "observable", json_string(test->observable));
    json_object_set_new(o, "normalisation_uncertainty", json_real(test->stats.normalisation_sigma));
    json_object_set_new(o, "gauss_threshold_events", json_real(test->stats.gauss_threshold));
    json_object_set_new(o, "scanned_parameters", json_integer(test->n_params));
    json_object_set_new(o, "delta_chi2", json_real(nr_chi2_level(test->cl, test->n_params)));
    return o;
}

static void read_bounds(const nr_model *m, const json_t *root, const json_t *params, nr_bounds_request *b,
                        int *chi2, nr_chi2_test *test, nr_problem *p)
{
    memset(b, 0, sizeof *b);
    b->ix = b->iy = -1;
    read_scan(m, root, b, p);
    read_signal(m, root, b, p);
    b->threshold = NR_BOUNDS_DEFAULT_THRESHOLD;
    optional_number(root, "threshold", "/threshold", &b->threshold, p);
    const json_t *refine = json_object_get(root, "refine");
    b->refine = 1;
    if (refine && !json_is_boolean(refine))
        nr_problem_add(p, 422, "wrong-type", "/refine", "'refine' must be true or false, not %s",
                       json_type_name(refine));
    else if (refine)
        b->refine = json_is_true(refine);
    read_test(m, root, chi2, test, p);
    const int curve = b->iy < 0;
    if (curve && json_is_true(refine))
        nr_problem_add(p, 422, "conflict", "/refine", "'refine' moves contour vertices; a curve (scan along x "
                       "only) has none (leave 'refine' out or false)");
    if (curve)
        b->refine = 0;
    if (*chi2 && curve) {
        test->n_params = 1; /* the limit on a coupling at fixed other parameters */
        if (p->status == 0 && (b->ix < 0 || !m->params[b->ix].coupling)) {
            char valid[256] = "";
            for (size_t i = 0; i < m->n_params; i++)
                if (m->params[i].coupling)
                    list_append(valid, sizeof valid, m->params[i].name);
            nr_problem_add(p, 422, "not-a-coupling", "/scan/x/param", "a chi-square curve scans a coupling on x "
                           "(the other parameters fixed); couplings of '%s': %s", m->name, valid);
        }
    } else if (*chi2) {
        b->refine = 0;
        if (p->status == 0 && (b->iy < 0 || !m->params[b->iy].coupling)) {
            char valid[256] = "";
            for (size_t i = 0; i < m->n_params; i++)
                if (m->params[i].coupling)
                    list_append(valid, sizeof valid, m->params[i].name);
            nr_problem_add(p, 422, "not-a-coupling", "/scan/y/param", "a chi-square test scans a coupling on y "
                           "(the limit on it at each x); couplings of '%s': %s", m->name, valid);
        }
    }
    int scanned[2] = {b->ix, b->iy};
    for (int k = 0; k < 2 && params; k++) {
        if (scanned[k] < 0 || !json_object_get(params, m->params[scanned[k]].name))
            continue;
        char ptr[160];
        pointer_to(ptr, sizeof ptr, "/params", m->params[scanned[k]].name);
        nr_problem_add(p, 422, "scanned-parameter", ptr,
                       "'%s' is scanned (scan/%s): leave it out of 'params'", m->params[scanned[k]].name,
                       k == 0 ? "x" : "y");
    }
    if (p->status)
        return;
    nr_error err; /* the physical rules of a scan: physics/contour.c */
    nr_error_clear(&err);
    nr_status st = nr_bounds_check_request(m, b, &err);
    if (st != NR_OK)
        nr_problem_from_error(p, st, &err);
}

json_t *nr_bounds_scan_json(const nr_model *m, const nr_bounds_request *b)
{
    json_t *scan = json_object();
    for (int k = 0; k < 2; k++) {
        int idx = k == 0 ? b->ix : b->iy;
        if (idx < 0) /* a curve: no y */
            continue;
        json_t *axis = json_object();
        json_object_set_new(axis, "param", json_string(m->params[idx].name));
        json_object_set_new(axis, "unit", json_string(m->params[idx].unit ? m->params[idx].unit : ""));
        json_object_set_new(axis, "min", json_real(k == 0 ? b->x_min : b->y_min));
        json_object_set_new(axis, "max", json_real(k == 0 ? b->x_max : b->y_max));
        json_object_set_new(axis, "points", json_integer((json_int_t)(k == 0 ? b->nx : b->ny)));
        json_object_set_new(axis, "scale", json_string(nr_catalog_scale((k == 0 ? b->x_log : b->y_log) ? NR_SCALE_LOG : NR_SCALE_LINEAR)));
        json_object_set_new(scan, k == 0 ? "x" : "y", axis);
    }
    return scan;
}

/* ---- canonical form ------------------------------------------------------------------------ */

json_t *nr_params_to_json(const nr_model *m, const nr_param_value *values)
{
    json_t *o = json_object();
    for (size_t i = 0; i < m->n_params; i++) {
        const nr_param_spec *spec = &m->params[i];
        json_t *v = spec->kind == NR_PARAM_CHOICE ? json_string(spec->choices[values[i].choice])
                                                  : json_real(values[i].number);
        json_object_set_new(o, spec->name, v ? v : json_null());
    }
    return o;
}

static double field_value(const nr_experiment *e, const nr_experiment_field *f)
{
    double v;
    memcpy(&v, (const char *)e + f->offset, sizeof v);
    return v;
}

json_t *nr_experiment_key_json(const nr_experiment *e)
{
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(e->name));
    for (int i = 0; i < nr_n_experiment_fields; i++) {
        json_t *v = json_real(field_value(e, &nr_experiment_fields[i]));
        json_object_set_new(o, nr_experiment_fields[i].name, v ? v : json_null());
    }
    if (e->kind == NR_DETECTOR_SUPERNOVA) /* the file's name (its content enters the key: nr_request_prepare) */
        json_object_set_new(o, NR_SN_PROFILE_FIELD, json_string(e->sn_profile));
    return o;
}

json_t *nr_request_params_json(const nr_request *req)
{
    json_t *o = nr_params_to_json(req->model, req->params);
    if (o && req->observable == NR_OBSERVABLE_BOUNDS) {
        json_object_del(o, req->model->params[req->bounds.ix].name);
        if (req->bounds.iy >= 0)
            json_object_del(o, req->model->params[req->bounds.iy].name);
    }
    return o;
}

static char *canonical_text(const nr_request *req)
{
    json_t *o = json_object();
    json_object_set_new(o, "model", json_string(req->model->name));
    json_object_set_new(o, "observable", json_string(nr_observable_name(req->observable)));
    json_object_set_new(o, "experiment", nr_experiment_key_json(&req->experiment));
    json_object_set_new(o, "params", nr_request_params_json(req));
    if (req->observable == NR_OBSERVABLE_BOUNDS) {
        const nr_bounds_request *b = &req->bounds;
        json_object_set_new(o, "scan", nr_bounds_scan_json(req->model, b));
        if (req->chi2) {
            json_object_set_new(o, "test", nr_chi2_test_json(&req->chi2_test));
        } else {
            json_object_set_new(o, "signal", json_string(req->model->signals[b->signal].name));
            json_object_set_new(o, "threshold", json_real(b->threshold));
            json_object_set_new(o, "refine", json_boolean(b->refine));
        }
    }
    char *text = json_dumps(o, NR_JSON_FLAGS);
    json_decref(o);
    return text;
}

/* ---- entry points -------------------------------------------------------------------------- */

static json_t *load_body(const char *body, size_t len, nr_problem *p)
{
    json_error_t jerr;
    json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
    if (root)
        return root;
    int duplicate = json_error_code(&jerr) == json_error_duplicate_key;
    int line = jerr.line > 0 ? jerr.line : 1, column = jerr.column > 0 ? jerr.column : 1;
    nr_problem_set(p, 400, duplicate ? "duplicate-key" : "malformed-json",
                   "%s at line %d, column %d: %s",
                   duplicate ? "duplicate key in a JSON object" : "the body is not valid JSON", line,
                   column, jerr.text);
    p->line = line;
    p->column = column;
    return NULL;
}

static int validate(const json_t *root, nr_observable observable, nr_request *req, nr_problem *p)
{
    if (!json_is_object(root)) {
        nr_problem_add(p, 422, "wrong-type", "", "the request body must be a JSON object, not %s",
                       json_type_name(root));
        return -1;
    }
    check_top_level_keys(root, observable, p);
    const nr_model *m = find_model(root, p);
    const nr_experiment *e = find_experiment(root, p);
    const json_t *params = optional_object(root, "params", p);
    const json_t *overrides = optional_object(root, "experiment_overrides", p);
    if (m)
        check_applicability(m, e, observable, p);
    if (m) {
        req->params = calloc(m->n_params ? m->n_params : 1, sizeof *req->params);
        if (!req->params) {
            nr_problem_set(p, 503, "unavailable", "out of memory; try again later");
            return -1;
        }
        read_params(m, params, req->params, p);
        if (observable == NR_OBSERVABLE_BOUNDS && m->n_signals > 0)
            read_bounds(m, root, params, &req->bounds, &req->chi2, &req->chi2_test, p);
    }
    if (e) {
        req->experiment = *e;
        apply_overrides(&req->experiment, overrides, p);
        /* a beam dump's default threshold is its N95% (004 Table V), a supernova's L_X / L_nu = 1; after the overrides */
        if (m && observable == NR_OBSERVABLE_BOUNDS && !req->chi2 && !json_object_get(root, "threshold") &&
            (req->experiment.kind == NR_DETECTOR_BEAM_DUMP || req->experiment.kind == NR_DETECTOR_SUPERNOVA) &&
            req->experiment.n95_events > 0)
            req->bounds.threshold = req->experiment.n95_events;
    }
    if (p->status || !m || !e)
        return -1;
    req->model = m;
    req->observable = observable;
    return 0;
}

int nr_request_parse(const char *body, size_t len, nr_observable observable, nr_request *req,
                     nr_problem *p)
{
    memset(req, 0, sizeof *req);
    nr_problem_init(p);
    if (!nr_observable_name(observable)) {
        nr_problem_set(p, 500, "internal-error", "unknown observable %u", observable);
        return -1;
    }
    json_t *root = load_body(body, len, p);
    if (!root)
        return -1;
    int rc = validate(root, observable, req, p);
    json_decref(root);
    if (rc == 0) {
        req->canonical = canonical_text(req);
        if (!req->canonical) {
            nr_problem_set(p, 503, "unavailable", "out of memory; try again later");
            rc = -1;
        }
    }
    if (rc != 0)
        nr_request_free(req);
    return rc;
}

int nr_request_check(const nr_request *req, const nr_engine *engine, nr_problem *p)
{
    nr_error err;
    nr_error_clear(&err);
    nr_status st = nr_validate_point(req->model, engine, &req->experiment, req->params,
                                     req->observable == NR_OBSERVABLE_BOUNDS ? &req->bounds : NULL, &err);
    if (st == NR_OK)
        return 0;
    nr_problem_from_error(p, st, &err);
    return -1;
}

void nr_request_make_key(nr_request *req, const char *data_version)
{
    nr_sha256_ctx ctx;
    uint8_t digest[32];
    nr_sha256_init(&ctx);
    nr_sha256_update(&ctx, req->canonical, strlen(req->canonical));
    nr_sha256_update(&ctx, "\n", 1);
    nr_sha256_update(&ctx, NUREACH_ENGINE_VERSION, strlen(NUREACH_ENGINE_VERSION));
    nr_sha256_update(&ctx, "\n", 1);
    nr_sha256_update(&ctx, data_version, strlen(data_version));
    if (req->sn_profile_sha[0]) { /* a profile file the operator may replace under the same name */
        nr_sha256_update(&ctx, "\n", 1);
        nr_sha256_update(&ctx, req->sn_profile_sha, strlen(req->sn_profile_sha));
    }
    nr_sha256_final(&ctx, digest);
    for (int i = 0; i < 32; i++)
        snprintf(req->cache_key + 2 * i, 3, "%02x", digest[i]);
}

void nr_request_free(nr_request *req)
{
    free(req->params);
    free(req->canonical);
    req->params = NULL;
    req->canonical = NULL;
}

int nr_request_prepare(const char *body, size_t len, nr_observable observable, const nr_engine *engine,
                       const char *data_version, nr_request *req, nr_problem *p)
{
    if (nr_request_parse(body, len, observable, req, p) != 0)
        return -1;
    if (nr_request_check(req, engine, p) != 0) {
        nr_request_free(req);
        return -1;
    }
    const char *sn_dir = nr_engine_sn_profile_dir(engine);
    if (req->experiment.kind == NR_DETECTOR_SUPERNOVA && req->experiment.sn_profile[0] && sn_dir) {
        char path[1200];
        snprintf(path, sizeof path, "%s/%s", sn_dir, req->experiment.sn_profile);
        if (nr_sha256_file_hex(path, req->sn_profile_sha) != 0) { /* read by the check a moment ago */
            nr_problem_add(p, 422, "invalid-value", "/experiment_overrides/" NR_SN_PROFILE_FIELD,
                           "the supernova profile '%s' cannot be read", req->experiment.sn_profile);
            nr_request_free(req);
            return -1;
        }
        /* the computation reads this content only (nr_sn_profile_load): the result is the key's */
        snprintf(req->experiment.sn_profile_sha256, sizeof req->experiment.sn_profile_sha256, "%s",
                 req->sn_profile_sha);
    }
    nr_request_make_key(req, data_version);
    return 0;
}
