/* rescaled_limits.c: beam-dump outlines rescaled to the chiral U(1)_X Z' at a requested (x_H, x_Phi) for
 * GET /api/v1/limits (paper 004 Eqs. 38, 39, 52; the rescaling is physics/limit_rescale.c, the widths zprime.c).
 *
 * Which outline each experiment rescales (004 rescales all from B-L, its ref. [24]; data/limits/PROVENANCE.txt):
 *   LSND   pi0 decays      from the dark photon (data/limits/dark_photon/bounds_LSND.txt: no B-L outline installed)
 *   PS191  pi0 decays      no outline in data/limits
 *   NOMAD  pi0 decays      no outline in data/limits
 *   CHARM  eta decays      from B-L (data/limits/b_minus_l/bounds_CHARM.txt)
 *   Orsay  bremsstrahlung  from B-L (data/limits/b_minus_l/bounds_Orsay.txt)
 *   KEK    bremsstrahlung  no outline in data/limits
 * The meson rescalings hold below the meson mass (004: "relevant up to Z' mass lighter than pi0 mass"); the
 * outlines are cut there and at the e+e- threshold. Outlines read on each request (a few kB each). */
#define _XOPEN_SOURCE 700
#include "rescaled_limits.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limit_rescale.h"
#include "zprime.h"

typedef struct {
    const char *experiment;
    const char *ref_set;  /* folder under data/limits, NULL when there is no outline */
    const char *file;
    nr_rescale_production prod;
    const char *equations;
} rescaled_entry;

static const rescaled_entry entries[] = {
    {"LSND", "dark_photon", "bounds_LSND.txt", NR_RESCALE_PI0, "Eqs. 38-39"},
    {"PS191", NULL, NULL, NR_RESCALE_PI0, "Eqs. 38-39"},
    {"NOMAD", NULL, NULL, NR_RESCALE_PI0, "Eqs. 38-39"},
    {"CHARM", "b_minus_l", "bounds_CHARM.txt", NR_RESCALE_ETA, "Eqs. 38-39"},
    {"Orsay", "b_minus_l", "bounds_Orsay.txt", NR_RESCALE_E_BREM, "Eqs. 38, 52"},
    {"KEK", NULL, NULL, NR_RESCALE_E_BREM, "Eqs. 38, 52"},
};

static const char *production_name(nr_rescale_production p)
{
    return p == NR_RESCALE_PI0 ? "pi0 -> Z' gamma" : p == NR_RESCALE_ETA ? "eta -> Z' gamma"
                                                                         : "electron bremsstrahlung";
}

static void not_shown(json_t *list, const char *experiment, const char *why)
{
    json_t *o = json_object();
    json_object_set_new(o, "experiment", json_string(experiment));
    json_object_set_new(o, "reason", json_string(why));
    json_array_append_new(list, o);
}

/* The outlines of one entry appended to limits; a reason appended to skipped when there are none. */
static void rescale_entry(const char *data_dir, const nr_darkcast *dc, const nr_zprime_couplings *target,
                          const rescaled_entry *en, json_t *limits, json_t *skipped)
{
    char rel[256], path[4096];
    snprintf(rel, sizeof rel, "limits/%s/%s", en->ref_set, en->file);
    snprintf(path, sizeof path, "%s/%s", data_dir, rel);
    double *x = NULL, *y = NULL;
    size_t n = 0;
    if (nr_limits_read_outline(path, &x, &y, &n) != 0) {
        char why[400];
        snprintf(why, sizeof why, "the outline %s is not installed (deploy/install_data.sh)", rel);
        not_shown(skipped, en->experiment, why);
        return;
    }
    nr_zprime_couplings ref;
    int from_dp = strcmp(en->ref_set, "dark_photon") == 0;
    if (from_dp)
        nr_zprime_couplings_dark_photon(&ref);
    else
        nr_zprime_couplings_b_minus_l(&ref);
    nr_rescale_models ctx = {&ref, target, en->prod, dc};
    double lo, hi;
    nr_rescale_mass_window_gev(en->prod, &lo, &hi);
    nr_polygon_set out;
    nr_error err;
    nr_error_clear(&err);
    nr_status st = nr_rescale_outline(x, y, n, lo, hi, nr_rescale_models_fn, &ctx, &out, &err);
    free(x);
    free(y);
    if (st != NR_OK) {
        char why[400];
        snprintf(why, sizeof why, "the rescaling failed: %s", err.message);
        not_shown(skipped, en->experiment, why);
        return;
    }
    if (out.n == 0)
        not_shown(skipped, en->experiment, "the rescaled region is empty at this point (the lower edge moves "
                                                 "above the upper edge, or the Z' is not produced)");
    for (size_t k = 0; k < out.n; k++) {
        const nr_polygon *p = &out.parts[k];
        char name[64], label[128];
        snprintf(name, sizeof name, k ? "rescaled_%s_%zu" : "rescaled_%s", en->experiment, k + 1);
        snprintf(label, sizeof label, "%s (rescaled from %s, %s)", en->experiment, from_dp ? "dark photon" : "B-L",
                 en->equations);
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(name));
        json_object_set_new(o, "file", json_string(rel));
        json_object_set_new(o, "kind", json_string("excluded"));
        json_object_set_new(o, "group", json_string("bounds2"));
        json_object_set_new(o, "label", k ? json_null() : json_string(label));
        double cx, cy;
        nr_limits_log_centroid(p->x, p->y, p->n, &cx, &cy);
        if (k == 0 && isfinite(cx) && isfinite(cy)) {
            json_t *pos = json_object();
            json_object_set_new(pos, "x", json_real(cx));
            json_object_set_new(pos, "y", json_real(cy));
            json_object_set_new(pos, "rotation_deg", json_real(0.0));
            json_object_set_new(pos, "source", json_string("centroid of the rescaled outline (log-log)"));
            json_object_set_new(o, "label_position", pos);
        } else {
            json_object_set_new(o, "label_position", json_null());
        }
        json_object_set_new(o, "x", nr_limits_array_of(p->x, p->n));
        json_object_set_new(o, "y", nr_limits_array_of(p->y, p->n));
        json_t *how = json_object();
        json_object_set_new(how, "from_model", json_string(from_dp ? "dark_photon" : "b_minus_l"));
        json_object_set_new(how, "production", json_string(production_name(en->prod)));
        json_object_set_new(how, "upper_edge", json_string("equal lifetime, 004 Eq. 38"));
        json_object_set_new(how, "lower_edge",
                            json_string(en->prod == NR_RESCALE_E_BREM
                                            ? "equal production x e+e- width, 004 Eq. 52 with a fourth root"
                                            : "equal production x e+e- width, 004 Eq. 39 with a fourth root"));
        json_t *window = json_array();
        json_array_append_new(window, json_real(lo));
        json_array_append_new(window, isfinite(hi) ? json_real(hi) : json_null());
        json_object_set_new(how, "mass_window_gev", window);
        json_object_set_new(o, "rescaling", how);
        json_array_append_new(limits, o);
    }
    nr_polygon_set_free(&out);
}

json_t *nr_rescaled_limits_set(const char *data_dir, const nr_darkcast *dc, nr_u1x_point at)
{
    nr_zprime_couplings target;
    nr_error err;
    json_t *set = json_object(), *limits = json_array(), *skipped = json_array();
    if (!set || !limits || !skipped) {
        json_decref(set);
        json_decref(limits);
        json_decref(skipped);
        return NULL;
    }
    int ok = nr_zprime_couplings_u1x(at.x_h, at.x_phi, &target, &err) == NR_OK; /* finite: checked by the caller */
    int b_minus_l_point = at.x_h == 0.0 && at.x_phi == 1.0;
    for (size_t i = 0; ok && i < sizeof entries / sizeof entries[0]; i++) {
        const rescaled_entry *en = &entries[i];
        if (!en->ref_set)
            not_shown(skipped, en->experiment,
                      "no published outline of it in data/limits (shared/data/limits has none) to rescale");
        else if (b_minus_l_point && strcmp(en->ref_set, "b_minus_l") == 0)
            not_shown(skipped, en->experiment,
                      "x_H = 0, x_Phi = 1 is B-L: the published outline is served unchanged in the set b_minus_l");
        else
            rescale_entry(data_dir, dc, &target, en, limits, skipped);
    }
    char title[200], note[300], params[128];
    snprintf(title, sizeof title,
             "Beam-dump limits rescaled to U(1)_X at x_H = %g, x_Phi = %g (004 Eqs. 38, 39, 52)", at.x_h, at.x_phi);
    snprintf(note, sizeof note,
             "rescaled from the published B-L (CHARM, Orsay) and dark-photon (LSND) outlines with the widths of "
             "zprime.c (N_R pairs closed); approximate, as in 004");
    snprintf(params, sizeof params, "{\"x_H\": %.17g, \"x_Phi\": %.17g}", at.x_h, at.x_phi);
    json_object_set_new(set, "id", json_string("u1x_rescaled"));
    json_object_set_new(set, "title", json_string(title));
    json_object_set_new(set, "x", nr_limits_axis_json("m_Z'", "GeV", "m_{Z'}"));
    json_object_set_new(set, "y", nr_limits_axis_json("g_X", "", "g_{X}"));
    json_t *a = json_object();
    json_object_set_new(a, "model", json_string("u1x"));
    json_object_set_new(a, "x_param", json_string("m_Zp"));
    json_object_set_new(a, "y_param", json_string("g_X"));
    json_t *pv = json_loads(params, 0, NULL);
    json_object_set_new(a, "params", pv ? pv : json_object());
    json_object_set_new(a, "note", json_string(note));
    json_t *applies = json_array();
    json_array_append_new(applies, a);
    json_object_set_new(set, "applies_to", applies);
    json_object_set_new(set, "limits", limits);
    json_object_set_new(set, "not_shown", skipped);
    return set;
}
