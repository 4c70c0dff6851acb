/* query.c: a query string as the JSON body it stands for, so the GET forms of the compute
 * endpoints (http.c applies it for every route with a query form) go through exactly the same
 * validation as the POST bodies.
 *
 * "model=dipole&experiment=FASERnu2&params.m_N=0.5&scan.x.param=m_N" ->
 * {"model":"dipole","experiment":"FASERnu2","params":{"m_N":0.5},"scan":{"x":{"param":"m_N"}}}.
 * A JSON pointer in an error names the same field as the dotted argument (/params/m_N). */
#include <stdio.h>
#include <string.h>

#include "query.h"

#define MAX_DEPTH 4      /* scan.x.param has 3 segments */
#define MAX_SEGMENT 128  /* bytes of one name segment   */

/* A number or a boolean when the whole text is one in JSON; otherwise the text as a string. */
static json_t *query_value(const char *text)
{
    json_t *v = json_loads(text, JSON_DECODE_ANY, NULL);
    if (v && (json_is_number(v) || json_is_boolean(v)))
        return v;
    json_decref(v);
    return json_string(text);
}

static void bad_argument(nr_problem *p, const char *slug, const char *pointer, const char *name,
                         const char *why)
{
    char quoted[MAX_SEGMENT + 4];
    nr_quote_user(name, quoted, MAX_SEGMENT);
    nr_problem_add(p, 400, slug, pointer, "query argument '%s' %s", quoted, why);
}

/* 1 if s[0..n) is valid UTF-8 (RFC 3629: no overlong forms, surrogates or code points past U+10FFFF). */
static int utf8_valid(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t k = (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 0;
        if (k == 0 || (k == 1 && c < 0xC2) || i + k >= n)
            return 0;
        unsigned cp = c & (0x3Fu >> k);
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + j] & 0x3Fu);
        }
        if ((k == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (k == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
            return 0;
        i += k + 1;
    }
    return 1;
}

/* The bytes of an argument as a client could read them back: printable ASCII, others as %XX. */
static void escaped(const char *s, size_t n, char *out, size_t cap)
{
    size_t used = 0;
    for (size_t i = 0; i < n && used + 4 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        used += (size_t)snprintf(out + used, cap - used, c > 32 && c < 127 && c != '%' ? "%c" : "%%%02X", c);
    }
    if (used + 4 >= cap)
        snprintf(out + used, cap - used, "...");
}

/* 1 if an argument's name (value: with_value) is text a JSON body can carry: UTF-8 without NUL (%00). */
static int text_ok(const char *s, size_t n)
{
    return strlen(s) == n && utf8_valid((const unsigned char *)s, n);
}

static void bad_bytes(nr_problem *p, const char *pointer, const nr_http_arg *arg, const char *what)
{
    char name[MAX_SEGMENT + 4];
    escaped(arg->name, arg->name_len, name, sizeof name);
    nr_problem_add(p, 400, "invalid-request", pointer,
                   "%s query argument '%s' is not UTF-8 text (a %%00 or an invalid byte sequence)", what, name);
}

/* Splits name at '.' into segs (each NUL-terminated in storage); the count, or -1 if malformed. */
static int split_name(const char *name, char segs[MAX_DEPTH][MAX_SEGMENT])
{
    int n = 0;
    const char *s = name;
    for (;;) {
        const char *dot = strchr(s, '.');
        size_t len = dot ? (size_t)(dot - s) : strlen(s);
        if (len == 0 || len >= MAX_SEGMENT || n >= MAX_DEPTH)
            return -1;
        memcpy(segs[n], s, len);
        segs[n][len] = '\0';
        n++;
        if (!dot)
            return n;
        s = dot + 1;
    }
}

/* Places one argument into body; 0 if fine, -1 with p filled. */
static int place(json_t *body, const nr_http_arg *arg, nr_problem *p)
{
    char segs[MAX_DEPTH][MAX_SEGMENT], pointer[160] = "";
    if (!text_ok(arg->name, arg->name_len)) {
        bad_bytes(p, "", arg, "the name of");
        return -1;
    }
    int n = split_name(arg->name, segs);
    if (n < 0) {
        bad_argument(p, "invalid-request", "", arg->name,
                     "is not a field path (names joined by '.', at most 4 deep, none empty)");
        return -1;
    }
    json_t *obj = body;
    for (int k = 0; k < n; k++) {
        nr_json_pointer_append(pointer, sizeof pointer, segs[k]);
        json_t *existing = json_object_get(obj, segs[k]);
        if (k == n - 1) {
            if (existing) {
                bad_argument(p, "duplicate-key", pointer, arg->name,
                             json_is_object(existing) ? "conflicts with the fields given below it"
                                                      : "is given more than once");
                return -1;
            }
            if (!arg->value) {
                bad_argument(p, "invalid-request", pointer, arg->name, "has no value (name=value)");
                return -1;
            }
            if (!text_ok(arg->value, arg->value_len)) {
                bad_bytes(p, pointer, arg, "the value of");
                return -1;
            }
            json_object_set_new(obj, segs[k], query_value(arg->value));
            return 0;
        }
        if (existing && !json_is_object(existing)) {
            bad_argument(p, "duplicate-key", pointer, arg->name, "conflicts with a value given for its parent");
            return -1;
        }
        if (!existing) {
            existing = json_object();
            if (json_object_set_new(obj, segs[k], existing) != 0)
                return -1;
        }
        obj = existing;
    }
    return 0;
}

json_t *nr_query_to_body(const nr_http_arg *args, size_t n_args, int dropped, nr_problem *p)
{
    if (dropped) {
        nr_problem_set(p, 400, "invalid-request", "the query has more than %d arguments", NR_HTTP_MAX_ARGS);
        return NULL;
    }
    json_t *body = json_object();
    if (!body)
        return NULL;
    for (size_t i = 0; i < n_args; i++) {
        if (place(body, &args[i], p) != 0) {
            if (!p->status)
                nr_problem_set(p, 503, "unavailable", "out of memory; try again later");
            json_decref(body);
            return NULL;
        }
    }
    return body;
}
