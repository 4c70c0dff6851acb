/* fixture_runner.h: the server's request path without HTTP and without computing, for the request
 * fixtures (tests/requests/<case>/) and the fuzzer (tests/fuzz/). Header-only: included by
 * tests/test_server_fixtures.c and tests/fuzz/fuzz_request.c.
 *
 * A request is an endpoint ("/api/v1/rates", or a GET form "/api/v1/rates.json" with a query string) and a
 * body. The endpoint picks the route (and so the observable) from the server's own route table; a query
 * string goes through the query step (query.c) exactly as http.c applies it; then parse, validate and
 * the physics check (nr_request_prepare). The status is what the server would answer before computing:
 * 200 when the request is valid, else the problem's. */
#ifndef NR_FIXTURE_RUNNER_H
#define NR_FIXTURE_RUNNER_H

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "query.h"
#include "request.h"

#define FIXTURE_MAX_QUERY 4096

/* The route of an endpoint path (a .json/.csv suffix names a GET form); NULL if none computes. */
static const nr_route *fixture_route(const char *endpoint, int *query_form)
{
    char path[256];
    snprintf(path, sizeof path, "%s", endpoint);
    char *dot = strrchr(path, '.');
    *query_form = dot && (strcmp(dot, ".json") == 0 || strcmp(dot, ".csv") == 0);
    if (*query_form)
        *dot = '\0';
    for (size_t i = 0; i < nr_api_n_routes; i++) {
        const nr_route *r = &nr_api_routes[i];
        if (r->observable >= 0 && strcmp(r->path, path) == 0 && (!*query_form || r->query_form))
            return r;
    }
    return NULL;
}

static int fixture_hex(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Decodes one name or value of a query string ([s, s+n), %XX and '+') into out; returns its length. */
static size_t fixture_unescape(const char *s, size_t n, char *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && fixture_hex(s[i + 1]) >= 0 && fixture_hex(s[i + 2]) >= 0) {
            out[k++] = (char)(fixture_hex(s[i + 1]) * 16 + fixture_hex(s[i + 2]));
            i += 2;
        } else {
            out[k++] = s[i] == '+' ? ' ' : s[i];
        }
    }
    out[k] = '\0';
    return k;
}

/* Splits and decodes a query string into args (storage holds the decoded text); the count. */
static size_t fixture_query_args(const char *query, char *storage, nr_http_arg *args, size_t max_args, int *dropped)
{
    size_t n = 0, used = 0;
    *dropped = 0;
    for (const char *s = query; *s;) {
        const char *amp = strchr(s, '&');
        size_t len = amp ? (size_t)(amp - s) : strlen(s);
        if (len > 0) {
            if (n == max_args) {
                *dropped = 1;
                break;
            }
            const char *eq = memchr(s, '=', len);
            size_t name_len = eq ? (size_t)(eq - s) : len;
            args[n].name = storage + used;
            args[n].name_len = fixture_unescape(s, name_len, storage + used);
            used += args[n].name_len + 1;
            args[n].value = NULL;
            args[n].value_len = 0;
            if (eq) {
                args[n].value = storage + used;
                args[n].value_len = fixture_unescape(eq + 1, len - name_len - 1, storage + used);
                used += args[n].value_len + 1;
            }
            n++;
        }
        s += len + (amp ? 1 : 0);
    }
    return n;
}

/* The status the server answers before computing (200: valid), with p filled on a problem. query: NULL for
 * a POST. */
static unsigned fixture_validate(const nr_engine *engine, const char *endpoint, const char *query, const char *body,
                                 size_t len, nr_problem *p)
{
    nr_problem_init(p);
    int query_form;
    const nr_route *r = fixture_route(endpoint, &query_form);
    if (!r) {
        nr_problem_set(p, 404, "not-found", "no resource at this path");
        return 404;
    }
    char *text = NULL;
    if (query) {
        static char storage[2 * FIXTURE_MAX_QUERY + 2 * NR_HTTP_MAX_ARGS];
        nr_http_arg args[NR_HTTP_MAX_ARGS];
        int dropped;
        if (strlen(query) > FIXTURE_MAX_QUERY) {
            nr_problem_set(p, 414, "invalid-request", "query too long");
            return 414;
        }
        size_t n = fixture_query_args(query, storage, args, NR_HTTP_MAX_ARGS, &dropped);
        json_t *doc = nr_query_to_body(args, n, dropped, p);
        text = doc ? json_dumps(doc, JSON_COMPACT | JSON_REAL_PRECISION(17)) : NULL;
        json_decref(doc);
        if (!text)
            return p->status ? p->status : 503;
        body = text;
        len = strlen(text);
    }
    nr_request req;
    int rc = nr_request_prepare(body, len, (nr_observable)r->observable, engine, "fixture", &req, p);
    if (rc == 0)
        nr_request_free(&req);
    free(text);
    return rc == 0 ? 200 : p->status;
}

#endif
