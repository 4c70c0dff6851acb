/* csv.c: CSV, the second representation of a result, and how a client picks it.
 *
 * - CSV (RFC 4180, header row, "\r\n" line ends) of a rates, spectra or bounds response, derived from
 *   its JSON body (the cached bytes), so both formats always carry the same numbers:
 *     rates    channel,label,events                 one row per channel
 *     spectra  lo,hi,<channel>,<channel>,...        one row per bin; lo, hi in the unit of result.x
 *     bounds   <x param>,<y param>,events           one row per grid point, x varying fastest
 *              (a chi-square bound: <x param>,<y param>,delta_chi2; a curve, x only: <x param>,events
 *              or <x param>,delta_chi2)
 *   Numbers are printed with the fewest digits (15 to 17) that read back to the same double. Above the
 *   table, '#' comment lines say what it is: model, experiment, parameters, units, engine and data versions
 *   (pandas.read_csv(url, comment="#")).
 * - A CSV of a scan that is not finished is never a 2xx (a table reader would take the job's JSON for a
 *   table): the CSV forms wait up to --csv-wait-ms (20 s) for the result, then answer 503 with Retry-After and
 *   the job in Location.
 * - Content negotiation: the Accept header (RFC 9110 sec. 12.5.1 media ranges with q values) picks
 *   text/csv only when it ranks strictly above application/json; anything else gets JSON (http.c applies
 *   the choice once, for every route that declares the CSV format). */
#define _POSIX_C_SOURCE 200809L /* strtok_r, strcasecmp */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csv.h"

#include <jansson.h>

#include "nureach.h"

/* ---- a growable text buffer ------------------------------------------------------------------ */

typedef struct {
    char *text;
    size_t len, cap;
    int failed;
} text_buf;

static void buf_put(text_buf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *grown = realloc(b->text, cap);
        if (!grown) {
            b->failed = 1;
            return;
        }
        b->text = grown;
        b->cap = cap;
    }
    memcpy(b->text + b->len, s, n);
    b->len += n;
    b->text[b->len] = '\0';
}

static void buf_str(text_buf *b, const char *s)
{
    buf_put(b, s, strlen(s));
}

/* A CSV field: quoted (with "" for ") when it holds a comma, a quote or a line break. */
static void buf_field(text_buf *b, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        buf_str(b, s);
        return;
    }
    buf_put(b, "\"", 1);
    for (const char *c = s; *c; c++) {
        if (*c == '"')
            buf_put(b, "\"", 1);
        buf_put(b, c, 1);
    }
    buf_put(b, "\"", 1);
}

/* The shortest of %.15g, %.16g, %.17g that reads back as x. */
static void buf_number(text_buf *b, double x)
{
    char s[40];
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(s, sizeof s, "%.*g", digits, x == 0.0 ? 0.0 : x);
        if (strtod(s, NULL) == x)
            break;
    }
    buf_str(b, s);
}

static void buf_sep(text_buf *b, int first)
{
    if (!first)
        buf_put(b, ",", 1);
}

static void buf_eol(text_buf *b)
{
    buf_put(b, "\r\n", 2);
}

/* ---- the three tables ------------------------------------------------------------------------ */

static int rates_csv(const json_t *result, text_buf *b)
{
    const json_t *channels = json_object_get(result, "channels");
    if (!json_is_array(channels))
        return -1;
    buf_str(b, "channel,label,events\r\n");
    size_t i;
    const json_t *c;
    json_array_foreach(channels, i, c) {
        const json_t *events = json_object_get(c, "events");
        if (!json_is_string(json_object_get(c, "name")) || !json_is_number(events))
            return -1;
        buf_field(b, json_string_value(json_object_get(c, "name")));
        buf_put(b, ",", 1);
        const json_t *label = json_object_get(c, "label");
        buf_field(b, json_is_string(label) ? json_string_value(label) : "");
        buf_put(b, ",", 1);
        buf_number(b, json_number_value(events));
        buf_eol(b);
    }
    return 0;
}

static int spectra_csv(const json_t *result, text_buf *b)
{
    const json_t *bins = json_object_get(result, "bins"), *channels = json_object_get(result, "channels");
    if (!json_is_array(bins) || !json_is_array(channels))
        return -1;
    size_t n_bins = json_array_size(bins), i, k;
    const json_t *c, *bin;
    buf_str(b, "lo,hi");
    json_array_foreach(channels, k, c) {
        const json_t *per_bin = json_object_get(c, "events_per_bin");
        if (!json_is_string(json_object_get(c, "name")) || json_array_size(per_bin) != n_bins)
            return -1;
        buf_put(b, ",", 1);
        buf_field(b, json_string_value(json_object_get(c, "name")));
    }
    buf_eol(b);
    json_array_foreach(bins, i, bin) {
        const json_t *lo = json_object_get(bin, "lo"), *hi = json_object_get(bin, "hi");
        if (!json_is_number(lo) || !json_is_number(hi))
            return -1;
        buf_number(b, json_number_value(lo));
        buf_put(b, ",", 1);
        buf_number(b, json_number_value(hi));
        json_array_foreach(channels, k, c) {
            const json_t *v = json_array_get(json_object_get(c, "events_per_bin"), i);
            if (!json_is_number(v))
                return -1;
            buf_put(b, ",", 1);
            buf_number(b, json_number_value(v));
        }
        buf_eol(b);
    }
    return 0;
}

/* A curve (scan along x only): <x param>,events or <x param>,delta_chi2, one row per point. */
static int curve_csv(const json_t *doc, const json_t *result, text_buf *b)
{
    const json_t *xp = json_object_get(json_object_get(json_object_get(doc, "scan"), "x"), "param");
    const int chi2 = json_object_get(result, "delta_chi2") != NULL;
    const json_t *x = json_object_get(result, "x"), *v = json_object_get(result, chi2 ? "delta_chi2" : "events");
    if (!json_is_string(xp) || !json_is_array(x) || !json_is_array(v) || json_array_size(x) != json_array_size(v))
        return -1;
    buf_field(b, json_string_value(xp));
    buf_str(b, chi2 ? ",delta_chi2\r\n" : ",events\r\n");
    size_t i;
    const json_t *xv;
    json_array_foreach(x, i, xv) {
        const json_t *y = json_array_get(v, i);
        if (!json_is_number(xv) || !json_is_number(y))
            return -1;
        buf_number(b, json_number_value(xv));
        buf_sep(b, 0);
        buf_number(b, json_number_value(y));
        buf_eol(b);
    }
    return 0;
}

static int bounds_csv(const json_t *doc, const json_t *result, text_buf *b)
{
    if (!json_object_get(json_object_get(doc, "scan"), "y"))
        return curve_csv(doc, result, b);
    const json_t *scan = json_object_get(doc, "scan");
    const json_t *xp = json_object_get(json_object_get(scan, "x"), "param");
    const json_t *yp = json_object_get(json_object_get(scan, "y"), "param");
    const json_t *x = json_object_get(result, "x"), *y = json_object_get(result, "y");
    /* an event-threshold bound holds events, a chi-square bound delta_chi2 (bounds.c) */
    const int chi2 = json_object_get(result, "delta_chi2") != NULL;
    const json_t *events = json_object_get(result, chi2 ? "delta_chi2" : "events");
    if (!json_is_string(xp) || !json_is_string(yp) || !json_is_array(x) || !json_is_array(y) ||
        json_array_size(events) != json_array_size(y))
        return -1;
    buf_field(b, json_string_value(xp));
    buf_put(b, ",", 1);
    buf_field(b, json_string_value(yp));
    buf_str(b, chi2 ? ",delta_chi2\r\n" : ",events\r\n");
    size_t j, i;
    const json_t *yv, *xv;
    json_array_foreach(y, j, yv) {
        const json_t *row = json_array_get(events, j);
        if (!json_is_number(yv) || json_array_size(row) != json_array_size(x))
            return -1;
        json_array_foreach(x, i, xv) {
            const json_t *v = json_array_get(row, i);
            if (!json_is_number(xv) || !json_is_number(v))
                return -1;
            buf_number(b, json_number_value(xv));
            buf_sep(b, 0);
            buf_number(b, json_number_value(yv));
            buf_sep(b, 0);
            buf_number(b, json_number_value(v));
            buf_eol(b);
        }
    }
    return 0;
}

/* One comment line "# key: value" (value JSON-encoded when it is not a string); nothing when value is absent. */
static void comment_line(text_buf *b, const char *key, const json_t *value)
{
    if (!value)
        return;
    char *text = json_is_string(value) ? NULL : json_dumps(value, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
    buf_str(b, "# ");
    buf_str(b, key);
    buf_str(b, ": ");
    const char *v = text ? text : json_is_string(value) ? json_string_value(value) : "";
    for (const char *c = v; *c; c++) /* one line, whatever the value holds */
        buf_put(b, *c == '\r' || *c == '\n' ? " " : c, 1);
    buf_eol(b);
    free(text);
}

static const char *string_at(const json_t *o, const char *k1, const char *k2)
{
    const json_t *v = json_object_get(o, k1);
    if (k2)
        v = json_object_get(v, k2);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The commented header: what the table is and where it came from. */
static void csv_header(text_buf *b, const json_t *doc, const char *observable)
{
    char line[400];
    const char *model = string_at(doc, "model", NULL), *experiment = string_at(doc, "experiment", "name");
    snprintf(line, sizeof line, "nureach %s of model %s at %s", observable, model ? model : "?",
             experiment ? experiment : "?");
    json_t *what = json_string(line);
    comment_line(b, "result", what);
    json_decref(what);
    comment_line(b, "params", json_object_get(doc, "params"));
    comment_line(b, "experiment_overrides", json_object_get(doc, "experiment_overrides"));
    if (strcmp(observable, "bounds") == 0) {
        const json_t *scan = json_object_get(doc, "scan");
        const char *xp = string_at(scan, "x", "param"), *yp = string_at(scan, "y", "param");
        const char *xu = string_at(scan, "x", "unit"), *yu = string_at(scan, "y", "unit");
        const json_t *test = json_object_get(doc, "test");
        if (!json_object_get(scan, "y"))
            snprintf(line, sizeof line, "%s [%s], %s; result.crossings: where it crosses result.level", xp ? xp : "x",
                     xu && *xu ? xu : "1", test ? "delta_chi2 (against the model at zero couplings)"
                                                 : "events (expected number of the signal's events)");
        else if (test)
            snprintf(line, sizeof line, "%s [%s], %s [%s], delta_chi2 (against the model at zero couplings; the "
                     "region is delta_chi2 >= test.delta_chi2)", xp ? xp : "x", xu && *xu ? xu : "1", yp ? yp : "y",
                     yu && *yu ? yu : "1");
        else
            snprintf(line, sizeof line, "%s [%s], %s [%s], events (expected number of %s events)", xp ? xp : "x",
                     xu && *xu ? xu : "1", yp ? yp : "y", yu && *yu ? yu : "1",
                     string_at(doc, "signal", NULL) ? string_at(doc, "signal", NULL) : "signal");
        what = json_string(line);
        comment_line(b, "units", what);
        json_decref(what);
        comment_line(b, "threshold", json_object_get(doc, "threshold"));
        comment_line(b, "test", test);
    } else if (strcmp(observable, "spectra") == 0) {
        const char *xn = string_at(json_object_get(doc, "result"), "x", "name");
        const char *xu = string_at(json_object_get(doc, "result"), "x", "unit");
        snprintf(line, sizeof line, "lo, hi: bin edges in %s [%s]; channel columns: count per bin (not per unit)",
                 xn ? xn : "x", xu && *xu ? xu : "1");
        what = json_string(line);
        comment_line(b, "units", what);
        json_decref(what);
    } else {
        what = json_string("events: expected number over the experiment's luminosity");
        comment_line(b, "units", what);
        json_decref(what);
    }
    const json_t *meta = json_object_get(doc, "meta");
    comment_line(b, "engine_version", json_object_get(meta, "engine_version"));
    comment_line(b, "data_version", json_object_get(meta, "data_version"));
}

char *nr_csv_from_result(const char *json, size_t len, size_t *out_len)
{
    json_t *doc = json_loadb(json, len, 0, NULL);
    const json_t *observable = json_object_get(doc, "observable");
    const json_t *result = json_object_get(doc, "result");
    text_buf b = {NULL, 0, 0, 0};
    int rc = -1;
    if (json_is_string(observable) && json_is_object(result)) {
        csv_header(&b, doc, json_string_value(observable));
        const char *name = json_string_value(observable);
        if (strcmp(name, nr_observable_name(NR_OBSERVABLE_RATES)) == 0)
            rc = rates_csv(result, &b);
        else if (strcmp(name, nr_observable_name(NR_OBSERVABLE_SPECTRA)) == 0)
            rc = spectra_csv(result, &b);
        else if (strcmp(name, nr_observable_name(NR_OBSERVABLE_BOUNDS)) == 0)
            rc = bounds_csv(doc, result, &b);
    }
    json_decref(doc);
    if (rc != 0 || b.failed) {
        free(b.text);
        return NULL;
    }
    *out_len = b.len;
    return b.text;
}

/* ---- content negotiation --------------------------------------------------------------------- */

/* How well the media range [s, s+n) ("type/sub;q=0.5") matches type/sub: 3 exact, 2 "type/any",
 * 1 "any/any" (written with stars), 0 no match; *q gets its q value (1 when absent). */
static int range_match(const char *s, size_t n, const char *type, const char *sub, double *q)
{
    char range[128];
    if (n >= sizeof range)
        return 0;
    memcpy(range, s, n);
    range[n] = '\0';
    *q = 1.0;
    char *params = strchr(range, ';');
    if (params) {
        *params++ = '\0';
        char *save = NULL;
        for (char *t = strtok_r(params, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
            while (*t == ' ' || *t == '\t')
                t++;
            if ((t[0] == 'q' || t[0] == 'Q') && t[1] == '=')
                *q = strtod(t + 2, NULL);
        }
    }
    char *mt = range;
    while (*mt == ' ' || *mt == '\t')
        mt++;
    size_t end = strlen(mt);
    while (end > 0 && (mt[end - 1] == ' ' || mt[end - 1] == '\t'))
        mt[--end] = '\0';
    char *slash = strchr(mt, '/');
    if (!slash)
        return 0;
    *slash = '\0';
    const char *rsub = slash + 1;
    if (strcmp(mt, "*") == 0 && strcmp(rsub, "*") == 0)
        return 1;
    if (strcasecmp(mt, type) != 0)
        return 0;
    if (strcmp(rsub, "*") == 0)
        return 2;
    return strcasecmp(rsub, sub) == 0 ? 3 : 0;
}

/* The q value the Accept header gives type/sub (from its most specific matching range), 0 if none. */
static double accept_quality(const char *accept, const char *type, const char *sub)
{
    int best = 0;
    double q_best = 0.0;
    const char *s = accept;
    while (*s) {
        const char *comma = strchr(s, ',');
        size_t n = comma ? (size_t)(comma - s) : strlen(s);
        double q;
        int m = range_match(s, n, type, sub, &q);
        if (m > best) {
            best = m;
            q_best = q;
        }
        s += n + (comma ? 1 : 0);
    }
    return q_best;
}

int nr_accept_wants_csv(const char *accept)
{
    if (!accept || !accept[0])
        return 0;
    return accept_quality(accept, "text", "csv") > accept_quality(accept, "application", "json");
}

/* ---- applying a format to a response ---------------------------------------------------------- */

/* A CSV asked for while the scan runs: 503 + Retry-After (pandas and curl -f raise), the job in Location. */
static void csv_not_ready(nr_http_response *resp, const char *instance)
{
    char href[200] = "";
    json_t *doc = json_loadb(resp->body, resp->len, 0, NULL);
    const json_t *job = json_object_get(doc, "job");
    if (!job)
        job = doc;
    const char *h = json_string_value(json_object_get(job, "href"));
    double progress = json_number_value(json_object_get(job, "progress"));
    if (h)
        snprintf(href, sizeof href, "%s", h);
    json_decref(doc);
    const char *result = strstr(instance, "/result");
    if (!href[0] && strncmp(instance, "/api/v1/jobs/", 13) == 0 && result) /* a job's result: the job itself */
        snprintf(href, sizeof href, "%.*s", (int)(result - instance), instance);
    nr_problem p;
    nr_problem_init(&p);
    char done[40] = "";
    if (h)
        snprintf(done, sizeof done, " (%.0f %% done)", 100.0 * progress);
    nr_problem_set(&p, 503, "job-not-done",
                   "the scan is not finished%s: no CSV yet; retry after the Retry-After seconds, or poll the job%s%s",
                   done, href[0] ? " at " : "", href);
    resp->n_headers = 0;
    nr_http_respond_problem(resp, &p, instance);
    nr_http_add_header(resp, "Retry-After", "%d", NR_CSV_RETRY_AFTER_S);
    if (href[0])
        nr_http_add_header(resp, "Location", "%s", href);
    nr_http_add_header(resp, "Vary", "Accept");
}

void nr_respond_in_csv(nr_http_response *resp, const char *instance)
{
    const char *body = resp->body ? resp->body : "";
    int running = resp->status == 409 && strstr(body, "job-not-done") &&
                  (strstr(body, " is queued") || strstr(body, " is running")); /* not failed or cancelled */
    if (resp->status == 202 || running) {
        csv_not_ready(resp, instance);
        return;
    }
    if (resp->status != 200 || strcmp(resp->content_type, "application/json") != 0)
        return;
    size_t len = 0;
    char *text = nr_csv_from_result(resp->body, resp->len, &len);
    if (!text) {
        nr_problem p;
        nr_problem_init(&p);
        nr_problem_set(&p, 500, "internal-error", "the result could not be written as CSV");
        nr_http_respond_problem(resp, &p, instance);
        return;
    }
    nr_http_respond_owned(resp, 200, NR_CSV_CONTENT_TYPE, text, len);
}

