/* existing_limits.c: existing limits and projections for the page and the notebook client (GET /api/v1/limits).
 *
 * Data: FORESEE's outlines (KlingFelix/FORESEE, MIT; data/limits/PROVENANCE.txt), one file per outline,
 * two columns "x y" (mass [GeV], coupling), '#' comment lines. bounds_* and anomaly_* are excluded regions
 * (drawn filled, the last point joining the first); limits_* are projections of proposed experiments (drawn
 * as lines); any other file (the dark photon's relic-density line) is a reference line. labels.tsv, when
 * installed, gives FORESEE's label text and position for the dark photon, B-L and U(1)B outlines; the HNL
 * outlines get a label from the table below, placed at the outline's centroid in log-log coordinates.
 *
 * Which model each folder describes, and at which parameter values, is the table `sets` below: the outlines
 * are published for one model each (the HNL ones for mixing with one flavour only; B-L is also the U(1)_X
 * model at x_H = 0, x_Phi = 1, 004 Table I). The files are listed from the data folder's MANIFEST.tsv (only
 * verified files), read on each request (about 1 MB in all; no state kept between requests). */
#define _XOPEN_SOURCE 700
#include "existing_limits.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "catalog.h"
#include "nureach.h"
#include "rescaled_limits.h"
#include "validate.h"

/* One model a set applies to: its parameter names for the two axes, and the values the other parameters
 * must have ("{}" when any). */
typedef struct {
    const char *model, *x_param, *y_param;
    const char *params_json; /* JSON object of required parameter values */
    const char *note;
} applicability;

typedef struct {
    const char *id;                 /* folder under data/limits/ */
    const char *title;
    const char *x_quantity, *x_unit, *x_display;
    const char *y_quantity, *y_display;
    applicability applies[2];
    size_t n_applies;
} limit_set;

static const limit_set sets[] = {
    {"dark_photon", "Dark photon: existing limits (FORESEE DarkPhoton)", "m_A'", "GeV", "m_{A'}",
     "kinetic mixing epsilon", "\u03b5",
     {{"dark_photon", "m_Ap", "epsilon", "{}", "limits on the minimal dark photon (decays to SM states only)"}},
     1},
    {"b_minus_l", "B-L gauge boson: existing limits (FORESEE U(1)B-L)", "m_Z'", "GeV", "m_{Z'}", "g_B-L",
     "g_{B\u2212L}",
     {{"b_minus_l", "m_Zp", "g_BL", "{}", "decays to SM states only (N_R heavier than m_Z'/2)"},
      {"u1x", "m_Zp", "g_X", "{\"x_H\": 0, \"x_Phi\": 1}",
       "U(1)_X at x_H = 0, x_Phi = 1 is gauged B-L with g_X = g_B-L (004 Table I)"}},
     2},
    {"u1b", "Baryonic U(1)_B gauge boson: existing limits (FORESEE U(1)B); no nureach model yet", "m_Z'", "GeV",
     "m_{Z'}", "g_B", "g_{B}", {{NULL, NULL, NULL, NULL, NULL}}, 0},
    {"hnl_e", "Heavy neutral lepton mixing with nu_e only: existing limits (FORESEE HNL)", "m_N", "GeV", "m_{N}",
     "|U_eN|", "|U_{eN}|", {{NULL, NULL, NULL, NULL, NULL}}, 0},
    {"hnl_mu", "Heavy neutral lepton mixing with nu_mu only: existing limits (FORESEE HNL)", "m_N", "GeV",
     "m_{N}", "|U_muN|", "|U_{\u03bcN}|", {{NULL, NULL, NULL, NULL, NULL}}, 0},
    {"hnl_tau", "Heavy neutral lepton mixing with nu_tau only: existing limits (FORESEE HNL)", "m_N", "GeV",
     "m_{N}", "|U_tauN|", "|U_{\u03c4N}|", {{NULL, NULL, NULL, NULL, NULL}}, 0},
};
enum { N_SETS = sizeof sets / sizeof sets[0] };

/* HNL outline labels (FORESEE Models/HNL/HNLCalc.py, get_bounds: the experiment of each file); "" = the same
 * experiment as another outline, drawn without a second label. */
static const struct {
    const char *stem, *label;
} hnl_labels[] = {
    {"bounds_atlas", "ATLAS"},   {"bounds_atlas_2019_prompt_top", ""}, {"bounds_bebc", "BEBC"},
    {"bounds_belle", "Belle"},   {"bounds_charm", "CHARM"},            {"bounds_cosmo", "BBN"},
    {"bounds_delphi", "DELPHI"}, {"bounds_delphi_long", "DELPHI"},     {"bounds_delphi_short", ""},
    {"bounds_kenu", "KENU"},     {"bounds_na62", "NA62"},              {"bounds_pienu", "PIENU"},
    {"bounds_pienu_lowmass_top", ""}, {"bounds_t2k", "T2K"},           {"bounds_triumf", "TRIUMF"},
    {"bounds_cms", "CMS"},       {"bounds_microboone", "MicroBooNE"},  {"bounds_na3", "NA3"},
    {"bounds_nutev", "NuTeV"},   {"bounds_argoneut", "ArgoNeuT"},      {"bounds_babar", "BaBar"},
};

#define LIMITS_SOURCE                                                                                         \
    "FORESEE (KlingFelix/FORESEE, commit 2d6431f6f6e92287c1fe1b3003aea39234b29a4b, MIT licence), "          \
    "Models/<model>/model/lines/; see data/limits/PROVENANCE.txt"

/* ---- reading ------------------------------------------------------------------------------------ */

/* Reads one outline: arrays x and y (caller frees), n points. 0 on success. */
int nr_limits_read_outline(const char *path, double **xs, double **ys, size_t *n)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t cap = 256, used = 0;
    double *x = malloc(cap * sizeof *x), *y = malloc(cap * sizeof *y);
    char line[256];
    int bad = !x || !y;
    while (!bad && fgets(line, sizeof line, f)) {
        char *p = line, *end;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '#' || *p == '\n' || *p == '\r' || *p == '\0')
            continue;
        double a = strtod(p, &end);
        if (end == p)
            continue;
        p = end;
        double b = strtod(p, &end);
        if (end == p || !isfinite(a) || !isfinite(b))
            continue;
        if (used == cap) {
            cap *= 2;
            double *gx = realloc(x, cap * sizeof *x), *gy = realloc(y, cap * sizeof *y);
            if (gx)
                x = gx;
            if (gy)
                y = gy;
            if (!gx || !gy) {
                bad = 1;
                break;
            }
        }
        x[used] = a;
        y[used] = b;
        used++;
    }
    fclose(f);
    if (bad || used == 0) {
        free(x);
        free(y);
        return -1;
    }
    *xs = x;
    *ys = y;
    *n = used;
    return 0;
}

/* The area centroid of the closed outline in log10-log10 coordinates (shoelace formula); the vertex mean
 * when the area vanishes. Points with non-positive coordinates are skipped. */
void nr_limits_log_centroid(const double *x, const double *y, size_t n, double *cx, double *cy)
{
    double a2 = 0.0, sx = 0.0, sy = 0.0, mx = 0.0, my = 0.0;
    size_t m = 0, prev = (size_t)-1, first = (size_t)-1;
    for (size_t i = 0; i <= n; i++) {
        size_t k = i < n ? i : first;
        if (k == (size_t)-1 || !(x[k] > 0.0 && y[k] > 0.0))
            continue;
        double u = log10(x[k]), v = log10(y[k]);
        if (i < n) {
            mx += u;
            my += v;
            m++;
            if (first == (size_t)-1)
                first = k;
        }
        if (prev != (size_t)-1) {
            double pu = log10(x[prev]), pv = log10(y[prev]);
            double c = pu * v - u * pv;
            a2 += c;
            sx += (pu + u) * c;
            sy += (pv + v) * c;
        }
        prev = k;
        if (i == n)
            break;
    }
    if (m == 0) {
        *cx = *cy = NAN;
        return;
    }
    if (fabs(a2) > 1e-9) {
        *cx = pow(10.0, sx / (3.0 * a2));
        *cy = pow(10.0, sy / (3.0 * a2));
    } else {
        *cx = pow(10.0, mx / (double)m);
        *cy = pow(10.0, my / (double)m);
    }
}

json_t *nr_limits_array_of(const double *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_real(v[i]));
    return a;
}

/* File stem (name without folder and ".txt"). */
static void stem_of(const char *path, char *out, size_t cap)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    snprintf(out, cap, "%s", base);
    char *dot = strrchr(out, '.');
    if (dot && strcmp(dot, ".txt") == 0)
        *dot = '\0';
}

static const char *kind_of(const char *stem)
{
    if (strncmp(stem, "limits_", 7) == 0)
        return "projection";
    if (strncmp(stem, "bounds_", 7) == 0 || strncmp(stem, "anomaly_", 8) == 0)
        return "excluded";
    return "reference_line";
}

/* Fills o with the labels.tsv row of this file, if any: group, label, label_position, color. */
static void apply_label_row(json_t *o, const char *labels_path, const char *file_name)
{
    FILE *f = fopen(labels_path, "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#')
            continue;
        line[strcspn(line, "\r\n")] = '\0';
        char *field[7] = {0};
        int nf = 0;
        char *p = line;
        while (nf < 7) {
            field[nf++] = p;
            char *tab = strchr(p, '\t');
            if (!tab)
                break;
            *tab = '\0';
            p = tab + 1;
        }
        if (nf < 5 || strcmp(field[1], file_name) != 0)
            continue;
        /* projections: list, file, colour, label, x, y; the others: list, file, label, x, y, rotation */
        int projection = strcmp(field[0], "projections") == 0;
        const char *label = projection ? field[3] : field[2];
        const char *lx = projection ? field[4] : field[3], *ly = projection ? (nf > 5 ? field[5] : "") : field[4];
        double x = strtod(lx, NULL), y = strtod(ly, NULL);
        double rot = !projection && nf > 5 ? strtod(field[5], NULL) : 0.0;
        while (*label == ' ')
            label++;
        json_object_set_new(o, "group", json_string(field[0]));
        if (projection && *field[2])
            json_object_set_new(o, "color", json_string(field[2]));
        if (*label && x > 0.0 && y > 0.0) {
            json_object_set_new(o, "label", json_string(label));
            json_t *pos = json_object();
            json_object_set_new(pos, "x", json_real(x));
            json_object_set_new(pos, "y", json_real(y));
            json_object_set_new(pos, "rotation_deg", json_real(isfinite(rot) ? rot : 0.0));
            json_object_set_new(pos, "source", json_string("FORESEE notebook (labels.tsv)"));
            json_object_set_new(o, "label_position", pos);
        }
        break;
    }
    fclose(f);
}

static json_t *outline_json(const char *data_dir, const limit_set *set, const char *rel_path)
{
    char path[4096], stem[4096];
    snprintf(path, sizeof path, "%s/%s", data_dir, rel_path);
    double *x, *y;
    size_t n;
    if (nr_limits_read_outline(path, &x, &y, &n) != 0)
        return NULL;
    stem_of(rel_path, stem, sizeof stem);
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(stem));
    json_object_set_new(o, "file", json_string(rel_path));
    json_object_set_new(o, "kind", json_string(kind_of(stem)));
    json_object_set_new(o, "label", json_null());
    json_object_set_new(o, "label_position", json_null());
    json_object_set_new(o, "x", nr_limits_array_of(x, n));
    json_object_set_new(o, "y", nr_limits_array_of(y, n));
    if (strncmp(set->id, "hnl_", 4) == 0) {
        for (size_t i = 0; i < sizeof hnl_labels / sizeof hnl_labels[0]; i++) {
            if (strcmp(hnl_labels[i].stem, stem) != 0 || !*hnl_labels[i].label)
                continue;
            double cx, cy;
            nr_limits_log_centroid(x, y, n, &cx, &cy);
            json_object_set_new(o, "label", json_string(hnl_labels[i].label));
            if (isfinite(cx) && isfinite(cy)) {
                json_t *pos = json_object();
                json_object_set_new(pos, "x", json_real(cx));
                json_object_set_new(pos, "y", json_real(cy));
                json_object_set_new(pos, "rotation_deg", json_real(0.0));
                json_object_set_new(pos, "source", json_string("centroid of the outline (log-log)"));
                json_object_set_new(o, "label_position", pos);
            }
        }
    } else {
        char labels[4096], file_name[4200];
        snprintf(labels, sizeof labels, "%s/limits/%s/labels.tsv", data_dir, set->id);
        snprintf(file_name, sizeof file_name, "%s.txt", stem);
        apply_label_row(o, labels, file_name);
    }
    free(x);
    free(y);
    return o;
}

/* The set's outlines, in the order of MANIFEST.tsv; NULL if the manifest cannot be read. */
static json_t *outlines_of(const char *data_dir, const limit_set *set)
{
    char path[4096], prefix[128], line[2048];
    snprintf(path, sizeof path, "%s/MANIFEST.tsv", data_dir);
    snprintf(prefix, sizeof prefix, "limits/%s/", set->id);
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    json_t *list = json_array();
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, prefix, strlen(prefix)) != 0)
            continue;
        line[strcspn(line, "\t\r\n")] = '\0';
        json_t *o = outline_json(data_dir, set, line);
        if (o)
            json_array_append_new(list, o);
    }
    fclose(f);
    return list;
}

json_t *nr_limits_axis_json(const char *quantity, const char *unit, const char *display)
{
    json_t *o = json_object();
    json_object_set_new(o, "quantity", json_string(quantity));
    json_object_set_new(o, "unit", json_string(unit));
    json_object_set_new(o, "display", json_string(display));
    json_object_set_new(o, "scale", json_string("log"));
    return o;
}

static json_t *applicability_json(const applicability *a)
{
    json_t *o = json_object();
    json_object_set_new(o, "model", json_string(a->model));
    json_object_set_new(o, "x_param", json_string(a->x_param));
    json_object_set_new(o, "y_param", json_string(a->y_param));
    json_t *params = json_loads(a->params_json, 0, NULL);
    json_object_set_new(o, "params", params ? params : json_object());
    json_object_set_new(o, "note", json_string(a->note));
    return o;
}

static int set_matches(const limit_set *set, const char *model)
{
    if (!model || strcmp(set->id, model) == 0)
        return 1;
    for (size_t i = 0; i < set->n_applies; i++)
        if (strcmp(set->applies[i].model, model) == 0)
            return 1;
    return 0;
}

json_t *nr_limits_document(const char *data_dir, const char *model, const nr_u1x_point *at, const nr_darkcast *dc,
                           unsigned *status, char *why, size_t why_len)
{
    int known = !model || nr_model_find(model) != NULL;
    for (size_t s = 0; s < N_SETS && !known; s++)
        known = strcmp(sets[s].id, model) == 0;
    if (!known) {
        *status = 400;
        snprintf(why, why_len, "unknown model: not a registered model (see /api/v1/models) nor a limit set "
                               "(dark_photon, b_minus_l, u1b, hnl_e, hnl_mu, hnl_tau)");
        return NULL;
    }
    json_t *list = json_array();
    for (size_t s = 0; s < N_SETS; s++) {
        const limit_set *set = &sets[s];
        if (!set_matches(set, model))
            continue;
        json_t *outlines = outlines_of(data_dir, set);
        if (!outlines) {
            json_decref(list);
            *status = 503;
            snprintf(why, why_len, "the data folder has no readable MANIFEST.tsv: install the data "
                                   "(deploy/install_data.sh)");
            return NULL;
        }
        json_t *o = json_object();
        json_object_set_new(o, "id", json_string(set->id));
        json_object_set_new(o, "title", json_string(set->title));
        json_object_set_new(o, "x", nr_limits_axis_json(set->x_quantity, set->x_unit, set->x_display));
        json_object_set_new(o, "y", nr_limits_axis_json(set->y_quantity, "", set->y_display));
        json_t *applies = json_array();
        for (size_t i = 0; i < set->n_applies; i++)
            if (!model || strcmp(set->id, model) == 0 || strcmp(set->applies[i].model, model) == 0)
                json_array_append_new(applies, applicability_json(&set->applies[i]));
        json_object_set_new(o, "applies_to", applies);
        json_object_set_new(o, "limits", outlines);
        json_array_append_new(list, o);
    }
    if (at && dc && model && strcmp(model, "u1x") == 0) {
        json_t *rescaled = nr_rescaled_limits_set(data_dir, dc, *at);
        if (rescaled)
            json_array_append_new(list, rescaled);
    }
    json_t *doc = json_object();
    json_object_set_new(doc, "model", model ? json_string(model) : json_null());
    json_object_set_new(doc, "source", json_string(LIMITS_SOURCE));
    if (at) {
        json_t *params = json_object();
        json_object_set_new(params, "x_H", json_real(at->x_h));
        json_object_set_new(params, "x_Phi", json_real(at->x_phi));
        json_object_set_new(doc, "params", params);
    }
    json_object_set_new(doc, "sets", list);
    return doc;
}

/* x_H= or x_Phi= of the query: a number inside the u1x parameter's declared range. 0 when fine. */
static int point_arg(const nr_http_arg *arg, double *out, nr_problem *p)
{
    char ptr[16];
    snprintf(ptr, sizeof ptr, "/%s", arg->name);
    const nr_model *u1x = nr_model_find("u1x");
    int i = u1x ? nr_model_param_index(u1x, arg->name) : -1;
    if (i < 0) {
        nr_problem_set(p, 500, "internal-error", "the u1x model is not registered");
        return -1;
    }
    char *end = NULL;
    const char *v = arg->value ? arg->value : "";
    double x = strtod(v, &end);
    if (!*v || *end || !isfinite(x)) {
        char quoted[72];
        nr_quote_user(v, quoted, 64);
        nr_problem_add(p, 422, "wrong-type", ptr, "%s= must be a number (U(1)_X charge parameter, 004 Table I), "
                       "not '%s'", arg->name, quoted);
        return -1;
    }
    nr_error err;
    nr_error_clear(&err);
    nr_status st = nr_validate_param(&u1x->params[i], x, ptr, &err);
    if (st != NR_OK) {
        nr_problem_from_error(p, st, &err);
        return -1;
    }
    *out = x == 0.0 ? 0.0 : x;
    return 0;
}

void nr_api_limits(void *app, const nr_http_request *req, nr_http_response *resp)
{
    const nr_api *api = app;
    nr_problem p;
    nr_problem_init(&p);
    const char *model = NULL;
    nr_u1x_point at = {0.0, 1.0};
    int have_x_h = 0, have_x_phi = 0;
    /* each argument once: a repeated one is refused, not last-one-wins (issue 15) */
    static const char *const single[3] = {"model", "x_H", "x_Phi"};
    int seen[3] = {0, 0, 0};
    for (size_t i = 0; i < req->n_args; i++)
        for (int k = 0; k < 3; k++)
            if (strcmp(req->args[i].name, single[k]) == 0 && seen[k]++ == 1)
                nr_problem_add(&p, 400, "duplicate-key", k == 0 ? "/model" : k == 1 ? "/x_H" : "/x_Phi",
                               "query argument '%s' is given more than once: give one value", single[k]);
    if (p.status) {
        nr_http_respond_problem(resp, &p, req->path);
        return;
    }
    for (size_t i = 0; i < req->n_args; i++) {
        char quoted[72];
        nr_quote_user(req->args[i].name, quoted, 64);
        if (strcmp(req->args[i].name, "x_H") == 0) {
            if (point_arg(&req->args[i], &at.x_h, &p) == 0)
                have_x_h = 1;
        } else if (strcmp(req->args[i].name, "x_Phi") == 0) {
            if (point_arg(&req->args[i], &at.x_phi, &p) == 0)
                have_x_phi = 1;
        } else if (strcmp(req->args[i].name, "model") != 0) {
            nr_problem_add(&p, 400, "unknown-key", "", "query argument '%s' is not known here (model=, and x_H=, "
                           "x_Phi= with model=u1x)", quoted);
        } else if (!req->args[i].value || !*req->args[i].value) {
            nr_problem_add(&p, 400, "invalid-request", "/model", "model= needs a model name");
        } else {
            model = req->args[i].value;
        }
    }
    if (!p.status && (have_x_h || have_x_phi) && !(model && strcmp(model, "u1x") == 0))
        nr_problem_add(&p, 400, "unknown-key", have_x_h ? "/x_H" : "/x_Phi",
                       "x_H= and x_Phi= apply to model=u1x only (the point of the rescaled beam-dump limits)");
    if (!p.status && have_x_phi && !have_x_h)
        nr_problem_add(&p, 400, "invalid-request", "/x_H", "x_Phi= needs x_H= (the point of the rescaled limits)");
    if (p.status) {
        nr_http_respond_problem(resp, &p, req->path);
        return;
    }
    /* the rescaled limits need the DarkCast widths, read on their first use (engine.h) */
    const nr_darkcast *dc = NULL;
    nr_error derr;
    nr_error_clear(&derr);
    if (have_x_h && nr_engine_get_darkcast(api->engine, &dc, &derr) != NR_OK) {
        nr_problem_set(&p, 500, "internal-error", "the DarkCast tables cannot be read: %s: %s", derr.where,
                       derr.message);
        nr_http_respond_problem(resp, &p, req->path);
        return;
    }
    char why[300];
    unsigned status = 500;
    json_t *doc = nr_limits_document(nr_engine_data_dir(api->engine), model, have_x_h ? &at : NULL, dc, &status, why,
                                     sizeof why);
    if (!doc) {
        if (status == 400)
            nr_problem_add(&p, 400, "unknown-model", "/model", "%s", why);
        else
            nr_problem_set(&p, status, status == 503 ? "unavailable" : "internal-error", "%s", why);
        nr_http_respond_problem(resp, &p, req->path);
        return;
    }
    char *text = json_dumps(doc, NR_RESPONSE_JSON_FLAGS);
    json_decref(doc);
    if (!text) {
        nr_problem_set(&p, 500, "internal-error", "out of memory building the limits document");
        nr_http_respond_problem(resp, &p, req->path);
        return;
    }
    nr_http_respond_owned(resp, 200, "application/json", text, strlen(text));
    nr_http_add_header(resp, "Cache-Control", "public, max-age=3600");
}
