/* catalog.c: JSON views of the model registry, the experiment catalogue and result tables. */
#include "catalog.h"

#include <math.h>
#include <string.h>

#include "nureach.h"

const char *nr_catalog_scale(nr_scale scale)
{
    return scale == NR_SCALE_LOG ? "log" : "linear";
}

const char *nr_catalog_detector_kind(nr_detector_kind kind)
{
    switch (kind) {
    case NR_DETECTOR_NEUTRINO_TARGET:
        return "neutrino_target";
    case NR_DETECTOR_DECAY_VOLUME:
        return "decay_volume";
    case NR_DETECTOR_BEAM_DUMP:
        return "beam_dump";
    case NR_DETECTOR_SUPERNOVA:
        return "supernova";
    }
    return "unknown";
}

static json_t *string_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

/* ---- models -------------------------------------------------------------------------------- */

static json_t *param_json(const nr_param_spec *spec)
{
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(spec->name));
    json_object_set_new(o, "unit", json_string(spec->unit ? spec->unit : ""));
    json_object_set_new(o, "description", string_or_null(spec->description));
    if (spec->kind == NR_PARAM_CHOICE) {
        json_t *choices = json_array();
        for (int i = 0; spec->choices && spec->choices[i]; i++)
            json_array_append_new(choices, json_string(spec->choices[i]));
        json_object_set_new(o, "kind", json_string("choice"));
        json_object_set_new(o, "default", string_or_null(spec->choices ? spec->choices[0] : NULL));
        json_object_set_new(o, "choices", choices);
    } else {
        json_object_set_new(o, "kind", json_string("number"));
        json_object_set_new(o, "default", json_real(spec->default_value));
        json_object_set_new(o, "min", json_real(spec->min_value));
        json_object_set_new(o, "max", json_real(spec->max_value));
        json_object_set_new(o, "scale", json_string(nr_catalog_scale(spec->scale)));
    }
    return o;
}

/* The observables the model offers (nr_model_offers), in the order rates, spectra, bounds. */
static json_t *observables_json(const nr_model *m)
{
    static const nr_observable all[] = {NR_OBSERVABLE_RATES, NR_OBSERVABLE_SPECTRA, NR_OBSERVABLE_BOUNDS};
    json_t *a = json_array();
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (nr_model_offers(m, all[i]))
            json_array_append_new(a, json_string(nr_observable_name(all[i])));
    return a;
}

static json_t *signals_json(const nr_model *m)
{
    json_t *a = json_array();
    for (size_t i = 0; i < m->n_signals; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(m->signals[i].name));
        json_object_set_new(o, "description", string_or_null(m->signals[i].description));
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *model_json(const nr_model *m)
{
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(m->name));
    json_object_set_new(o, "title", string_or_null(m->title));
    json_object_set_new(o, "description", string_or_null(m->description));
    json_object_set_new(o, "references", string_or_null(m->references));
    json_object_set_new(o, "observables", observables_json(m));
    json_object_set_new(o, "signals", signals_json(m));
    json_object_set_new(o, "detector_kind", json_string(nr_catalog_detector_kind(m->detector_kind)));
    json_t *kinds = json_array(); /* every kind served, detector_kind first */
    json_array_append_new(kinds, json_string(nr_catalog_detector_kind(m->detector_kind)));
    for (unsigned k = 0; k < NR_N_DETECTOR_KINDS; k++)
        if (k != (unsigned)m->detector_kind && nr_model_serves(m, (nr_detector_kind)k))
            json_array_append_new(kinds, json_string(nr_catalog_detector_kind((nr_detector_kind)k)));
    json_object_set_new(o, "detector_kinds", kinds);
    json_t *params = json_array();
    for (size_t i = 0; i < m->n_params; i++)
        json_array_append_new(params, param_json(&m->params[i]));
    json_object_set_new(o, "parameters", params);
    return o;
}

json_t *nr_catalog_models(void)
{
    json_t *list = json_array();
    for (int i = 0; nr_models[i]; i++)
        json_array_append_new(list, model_json(nr_models[i]));
    json_t *o = json_object();
    json_object_set_new(o, "models", list);
    return o;
}

/* ---- experiments --------------------------------------------------------------------------- */

static json_t *material_json(const nr_material *m)
{
    if (!m)
        return json_null();
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(m->name));
    json_object_set_new(o, "description", string_or_null(m->description));
    json_object_set_new(o, "z", json_real(m->z));
    json_object_set_new(o, "a_u", json_real(m->a));
    json_object_set_new(o, "density_g_cm3", json_real(m->density_g_cm3));
    json_object_set_new(o, "source", string_or_null(m->source));
    return o;
}

static json_t *applicable_fields(const nr_experiment *e)
{
    json_t *a = json_array();
    for (int i = 0; i < nr_n_experiment_fields; i++)
        if (nr_experiment_field_applies(e, &nr_experiment_fields[i]))
            json_array_append_new(a, json_string(nr_experiment_fields[i].name));
    if (e->kind == NR_DETECTOR_SUPERNOVA)
        json_array_append_new(a, json_string(NR_SN_PROFILE_FIELD));
    return a;
}

json_t *nr_catalog_experiment(const nr_experiment *e)
{
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(e->name));
    json_object_set_new(o, "description", string_or_null(e->description));
    json_object_set_new(o, "kind", json_string(nr_catalog_detector_kind(e->kind)));
    json_object_set_new(o, "run", string_or_null(e->run));
    json_object_set_new(o, "sqrt_s_tev", json_real(e->sqrt_s_tev));
    json_object_set_new(o, "luminosity_fb", json_real(e->luminosity_fb));
    json_object_set_new(o, "distance_m", json_real(e->distance_m));
    json_object_set_new(o, "width_m", json_real(e->width_m));
    json_object_set_new(o, "height_m", json_real(e->height_m));
    json_object_set_new(o, "radius_m", json_real(e->radius_m));
    if (e->kind == NR_DETECTOR_BEAM_DUMP) {
        json_object_set_new(o, "beam_particle", json_string(e->beam_particle));
        json_object_set_new(o, "beam_energy_gev", json_real(e->beam_energy_gev));
        json_object_set_new(o, "particles_on_target", json_real(e->particles_on_target));
        json_object_set_new(o, "n95_events", json_real(e->n95_events));
    }
    if (e->kind == NR_DETECTOR_SUPERNOVA) {
        json_object_set_new(o, "threshold", json_real(e->n95_events)); /* on L_X / L_nu */
        /* the built-in profile is named and flagged synthetic wherever it is shown (listing and results), so
         * nobody takes it for 004's SFHo profile; a file is named with the sha256 of the content computed on */
        int synthetic = !*e->sn_profile;
        json_object_set_new(o, NR_SN_PROFILE_FIELD,
                            json_string(synthetic ? NR_SN_PROFILE_SYNTHETIC_NAME : e->sn_profile));
        json_object_set_new(o, "sn_profile_synthetic", json_boolean(synthetic));
        if (synthetic)
            json_object_set_new(o, "sn_profile_note", json_string(NR_SN_PROFILE_SYNTHETIC_NOTE));
        else if (*e->sn_profile_sha256)
            json_object_set_new(o, "sn_profile_sha256", json_string(e->sn_profile_sha256));
    }
    json_object_set_new(o, "length_m", json_real(e->length_m));
    json_object_set_new(o, "target", material_json(e->target));
    json_object_set_new(o, "target_mass_t", json_real(e->target_mass_t));
    if (e->target)
        json_object_set_new(o, "column_density_g_cm2",
                            json_real(nr_experiment_column_density_g_cm2(e)));
    json_object_set_new(o, "flux_set", string_or_null(e->flux_set));
    json_object_set_new(o, "flux_luminosity_fb", json_real(e->flux_luminosity_fb));
    json_object_set_new(o, "source", string_or_null(e->source));
    json_object_set_new(o, "overridable", applicable_fields(e));
    return o;
}

static json_t *field_json(const nr_experiment_field *f)
{
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(f->name));
    json_object_set_new(o, "unit", json_string(f->unit));
    json_object_set_new(o, "description", string_or_null(f->description));
    json_object_set_new(o, "min", json_real(f->min_value));
    json_object_set_new(o, "max", json_real(f->max_value));
    json_t *kinds = json_array();
    for (unsigned k = 0; k < NR_N_DETECTOR_KINDS; k++)
        if (f->applies_to & (1u << k))
            json_array_append_new(kinds, json_string(nr_catalog_detector_kind((nr_detector_kind)k)));
    json_object_set_new(o, "applies_to", kinds);
    return o;
}

json_t *nr_catalog_experiments(void)
{
    json_t *list = json_array(), *fields = json_array();
    for (int i = 0; i < nr_n_experiments; i++)
        json_array_append_new(list, nr_catalog_experiment(&nr_experiments[i]));
    for (int i = 0; i < nr_n_experiment_fields; i++)
        json_array_append_new(fields, field_json(&nr_experiment_fields[i]));
    json_t *o = json_object();
    json_object_set_new(o, "experiments", list);
    json_object_set_new(o, "overridable", fields);
    return o;
}

/* ---- results ------------------------------------------------------------------------------- */

/* Appends a finite real; returns -1 (and appends nothing) for NaN or infinity. */
static int append_real(json_t *array, double x)
{
    if (!isfinite(x))
        return -1;
    return json_array_append_new(array, json_real(x == 0.0 ? 0.0 : x));
}

static int set_real(json_t *o, const char *key, double x)
{
    if (!isfinite(x))
        return -1;
    return json_object_set_new(o, key, json_real(x == 0.0 ? 0.0 : x));
}

static json_t *channel_json(const nr_table *t, size_t c, int with_bins, int *bad)
{
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(t->channel[c]));
    json_object_set_new(o, "label", json_string(t->channel_label[c]));
    *bad |= set_real(o, "events", t->total[c]);
    if (with_bins) {
        json_t *per_bin = json_array();
        for (size_t b = 0; b < t->n_bins; b++)
            *bad |= append_real(per_bin, t->events[c * t->n_bins + b]);
        json_object_set_new(o, "events_per_bin", per_bin);
    }
    return o;
}

static json_t *bins_json(const nr_table *t, int *bad)
{
    json_t *bins = json_array();
    for (size_t b = 0; b < t->n_bins; b++) {
        json_t *bin = json_object();
        *bad |= set_real(bin, "lo", t->bin_lo[b]);
        *bad |= set_real(bin, "hi", t->bin_hi[b]);
        json_array_append_new(bins, bin);
    }
    return bins;
}

/* Whether the table's channels are all signals of the model (by name). A spectrum channel named like a signal
 * holds that signal's events (tests/integration/test_spectrum_totals.py); other channels are other quantities
 * (a flux, N produced, a branching fraction, a channel without the signal's cut), which must not be summed
 * into an event count. */
static int channels_are_signals(const nr_table *t, const nr_model *model)
{
    for (size_t c = 0; c < t->n_channels; c++)
        if (nr_model_signal_index(model, t->channel[c]) < 0)
            return 0;
    return 1;
}

json_t *nr_catalog_result(const nr_table *t, nr_observable observable, const nr_model *model)
{
    int with_bins = observable == NR_OBSERVABLE_SPECTRA, bad = 0;
    json_t *o = json_object(), *channels = json_array();
    double total = 0.0;
    for (size_t c = 0; c < t->n_channels; c++) {
        json_array_append_new(channels, channel_json(t, c, with_bins, &bad));
        total += t->total[c];
    }
    json_object_set_new(o, "channels", channels);
    /* total_events is the total of something physical or absent: rates give the model's declared total
     * (total_signal) or, when its signals are disjoint event classes, their sum; spectra give the sum only when
     * every channel is a signal (the sum of those signals' rates) */
    double physical_total = !isnan(t->total_events) ? t->total_events
                            : (with_bins ? channels_are_signals(t, model) : model->signals_exclusive) ? total
                                                                                                       : NAN;
    if (!isnan(physical_total))
        bad |= set_real(o, "total_events", physical_total);
    if (with_bins) {
        json_t *x = json_object();
        json_object_set_new(x, "name", json_string(t->x_name));
        json_object_set_new(x, "unit", json_string(t->x_unit));
        json_object_set_new(o, "x", x);
        json_object_set_new(o, "bins", bins_json(t, &bad));
    }
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}
