/* problem.c: building and serialising RFC 9457 problem details. */
#include "problem.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *slug, *title;
} problem_kind;

static const problem_kind kinds[] = {
    {"invalid-request", "Invalid request"},
    {"malformed-json", "Malformed JSON"},
    {"duplicate-key", "Duplicate key in JSON object"},
    {"unknown-key", "Unknown key"},
    {"wrong-type", "Wrong JSON type"},
    {"missing-field", "Required field missing"},
    {"out-of-range", "Value out of range"},
    {"not-a-choice", "Value not among the allowed choices"},
    {"not-applicable", "Field does not apply to this experiment"},
    {"unknown-model", "Unknown model"},
    {"unknown-experiment", "Unknown experiment"},
    {"detector-mismatch", "Model does not apply to this experiment"},
    {"observable-not-supported", "Observable not supported by the model"},
    {"invalid-value", "Physically invalid value"},
    {"kinematic-limit", "Kinematically forbidden"},
    {"invalid-scan", "Invalid scan"},
    {"scanned-parameter", "Parameter is scanned"},
    {"job-not-done", "Job not finished"},
    {"gone", "Result no longer available"},
    {"time-budget", "Scan over the time budget"},
    {"body-too-large", "Request body too large"},
    {"uri-too-long", "URI too long"},
    {"too-many-arguments", "Too many query arguments"},
    {"not-implemented", "Not implemented"},
    {"not-found", "Not found"},
    {"method-not-allowed", "Method not allowed"},
    {"unavailable", "Service unavailable"},
    {"too-many-jobs", "Too many jobs waiting"},
    {"unauthorized", "Authentication required"},
    {"forbidden", "Not allowed for this token"},
    {"internal-error", "Internal server error"},
};

const char *nr_problem_title(const char *slug)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kinds[i].slug, slug) == 0)
            return kinds[i].title;
    return "Error";
}

void nr_problem_init(nr_problem *p)
{
    memset(p, 0, sizeof *p);
}

static void copy_slug(char *dst, size_t cap, const char *slug)
{
    snprintf(dst, cap, "%s", slug ? slug : "internal-error");
}

void nr_problem_set(nr_problem *p, unsigned status, const char *slug, const char *fmt, ...)
{
    p->status = status;
    copy_slug(p->type, sizeof p->type, slug);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->detail, sizeof p->detail, fmt, ap);
    va_end(ap);
}

void nr_problem_add(nr_problem *p, unsigned status, const char *slug, const char *pointer,
                    const char *fmt, ...)
{
    if (p->n_errors >= NR_PROBLEM_MAX_ERRORS) {
        p->n_dropped++;
        return;
    }
    nr_problem_error *e = &p->errors[p->n_errors++];
    snprintf(e->pointer, sizeof e->pointer, "%s", pointer ? pointer : "");
    copy_slug(e->rule, sizeof e->rule, slug);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->detail, sizeof e->detail, fmt, ap);
    va_end(ap);
    if (p->status == 0) {
        p->status = status;
        copy_slug(p->type, sizeof p->type, slug);
        snprintf(p->detail, sizeof p->detail, "%s", e->detail);
    }
}

void nr_problem_from_error(nr_problem *p, nr_status st, const nr_error *err)
{
    if (st == NR_EINPUT || st == NR_EKINEMATIC) {
        const char *rule = err->rule[0] ? err->rule : st == NR_EKINEMATIC ? "kinematic-limit" : "invalid-value";
        nr_problem_add(p, 422, rule, err->where, "%s", err->message[0] ? err->message : nr_status_name(st));
    } else if (st == NR_ENOMEM || st == NR_ECANCELLED) {
        nr_problem_set(p, 503, "unavailable", "%s; try again later",
                       st == NR_ENOMEM ? "out of memory" : "the computation was stopped");
    } else if (st == NR_EDATA && err->where[0] && !strstr(err->message, err->where)) {
        /* a data set read on its first use (engine.h) that cannot be read: the file (err->where) is named, as the
         * daemon named it at start-up when every table was read there */
        nr_problem_set(p, 500, "internal-error", "the computation failed (%s): %s: %s", nr_status_name(st),
                       err->where, err->message);
    } else {
        nr_problem_set(p, 500, "internal-error", "the computation failed (%s): %s", nr_status_name(st),
                       err->message);
    }
}

/* Length of the longest prefix of s (at most max bytes) that ends on a UTF-8 character boundary. */
static size_t utf8_prefix(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return n;
    n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

void nr_quote_user(const char *s, char *out, size_t max_bytes)
{
    size_t n = utf8_prefix(s, max_bytes);
    memcpy(out, s, n);
    strcpy(out + n, s[n] ? "..." : "");
}

/* Cuts an incomplete UTF-8 character off the end of s (left by a byte-limited copy). */
static void utf8_trim_tail(char *s)
{
    size_t n = strlen(s), i = n;
    while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
        i--;
    if (i == 0 || (unsigned char)s[i - 1] < 0xC0)
        return; /* ends in ASCII, or only stray continuation bytes: nothing to cut */
    unsigned char lead = (unsigned char)s[i - 1];
    size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    if (n - (i - 1) < want)
        s[i - 1] = '\0';
}

void nr_json_pointer_append(char *pointer, size_t cap, const char *token)
{
    size_t len = strlen(pointer);
    if (len + 1 >= cap)
        return;
    pointer[len++] = '/';
    for (const char *t = token; *t && len + 2 < cap; t++) {
        if (*t == '~' || *t == '/') {
            pointer[len++] = '~';
            pointer[len++] = *t == '~' ? '0' : '1';
        } else {
            pointer[len++] = *t;
        }
    }
    pointer[len] = '\0';
    utf8_trim_tail(pointer);
}

/* json_string with a fallback for text that is not valid UTF-8 (never expected: user strings are
 * cut on character boundaries, but a truncated vsnprintf could still end mid-character). */
static json_t *safe_string(const char *s)
{
    json_t *j = json_string(s);
    if (j)
        return j;
    char buf[512];
    snprintf(buf, sizeof buf, "%s", s);
    utf8_trim_tail(buf);
    if ((j = json_string(buf)) != NULL)
        return j;
    size_t i = 0;
    for (; s[i] && i + 1 < sizeof buf; i++)
        buf[i] = ((unsigned char)s[i] < 0x80) ? s[i] : '?';
    buf[i] = '\0';
    return json_string(buf);
}

static json_t *errors_to_json(const nr_problem *p)
{
    json_t *list = json_array();
    for (int i = 0; i < p->n_errors; i++) {
        const nr_problem_error *e = &p->errors[i];
        json_t *item = json_object();
        json_object_set_new(item, "pointer", safe_string(e->pointer));
        json_object_set_new(item, "rule", safe_string(e->rule));
        json_object_set_new(item, "detail", safe_string(e->detail));
        json_array_append_new(list, item);
    }
    return list;
}

char *nr_problem_to_json(const nr_problem *p, const char *instance, size_t *len)
{
    char type[128];
    const char *slug = p->type[0] ? p->type : "internal-error";
    for (int i = 1; i < p->n_errors; i++)
        if (strcmp(p->errors[i].rule, p->errors[0].rule) != 0)
            slug = "invalid-request"; /* several kinds of error: each is named in "errors" */
    snprintf(type, sizeof type, "%s%s", NR_PROBLEM_TYPE_BASE, slug);
    json_t *o = json_object();
    json_object_set_new(o, "type", json_string(type));
    json_object_set_new(o, "title", json_string(nr_problem_title(slug)));
    json_object_set_new(o, "status", json_integer(p->status ? p->status : 500));
    if (p->n_errors > 1) {
        char detail[600];
        snprintf(detail, sizeof detail, "%d problems in the request (see errors); first: %s",
                 p->n_errors + p->n_dropped, p->detail);
        json_object_set_new(o, "detail", safe_string(detail));
    } else {
        json_object_set_new(o, "detail", safe_string(p->detail));
    }
    if (instance)
        json_object_set_new(o, "instance", safe_string(instance));
    if (p->line > 0) {
        json_object_set_new(o, "line", json_integer(p->line));
        json_object_set_new(o, "column", json_integer(p->column));
    }
    if (p->n_errors > 0)
        json_object_set_new(o, "errors", errors_to_json(p));
    char *text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    if (text && len)
        *len = strlen(text);
    return text;
}
