/* test_server_limits_query.c: GET /api/v1/limits query arguments (server/existing_limits.c nr_api_limits), in
 * process: a repeated x_H, x_Phi or model is a 400 duplicate-key problem+json naming the argument (issue 15; it
 * was last-one-wins), while one value of each still answers 200 with the rescaled limits at that point (the
 * numbers themselves are checked by tests/integration/test_limits.py against 004 Eqs. 38, 39, 52). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "existing_limits.h"
#include "nr_test.h"

/* The handler's answer to the query args[0..n); the problem's first pointer and type in pointer/type. */
static unsigned ask(nr_api *api, const nr_http_arg *args, size_t n, char pointer[64], char type[64], json_t **doc)
{
    nr_http_request req;
    memset(&req, 0, sizeof req);
    req.method = "GET";
    req.path = "/api/v1/limits";
    req.body = "";
    req.args = args;
    req.n_args = n;
    req.observable = -1;
    req.format = NR_FORMAT_JSON;
    req.client = "test";
    nr_http_response resp;
    memset(&resp, 0, sizeof resp);
    nr_api_limits(api, &req, &resp);
    json_t *o = resp.body ? json_loadb(resp.body, resp.len, 0, NULL) : NULL;
    pointer[0] = type[0] = '\0';
    json_t *errors = json_object_get(o, "errors");
    if (json_array_size(errors) > 0)
        snprintf(pointer, 64, "%s", json_string_value(json_object_get(json_array_get(errors, 0), "pointer")));
    const char *t = json_string_value(json_object_get(o, "type"));
    if (t)
        snprintf(type, 64, "%s", t);
    if (doc)
        *doc = o;
    else
        json_decref(o);
    free(resp.body);
    return resp.status;
}

#define ARG(n, v) {n, v, sizeof n - 1, sizeof v - 1}

int main(void)
{
    nr_engine *engine = NULL;
    nr_error err;
    CHECK(nr_engine_init(nr_test_data_dir(), &engine, &err) == NR_OK, "engine: %s", err.message);
    if (!engine)
        return nr_test_summary();
    nr_api api;
    memset(&api, 0, sizeof api);
    api.engine = engine;
    api.data_version = nr_engine_data_version(engine);
    char pointer[64], type[64];

    const nr_http_arg twice_h[] = {ARG("model", "u1x"), ARG("x_H", "0"), ARG("x_H", "-1")};
    unsigned st = ask(&api, twice_h, 3, pointer, type, NULL);
    CHECK(st == 400 && strcmp(pointer, "/x_H") == 0 && strstr(type, "duplicate-key"),
          "x_H twice: 400 duplicate-key at /x_H (got %u %s %s)", st, type, pointer);
    const nr_http_arg twice_phi[] = {ARG("model", "u1x"), ARG("x_H", "0"), ARG("x_Phi", "1"), ARG("x_Phi", "2")};
    st = ask(&api, twice_phi, 4, pointer, type, NULL);
    CHECK(st == 400 && strcmp(pointer, "/x_Phi") == 0 && strstr(type, "duplicate-key"),
          "x_Phi twice: 400 duplicate-key at /x_Phi (got %u %s %s)", st, type, pointer);
    const nr_http_arg twice_model[] = {ARG("model", "u1x"), ARG("model", "b_minus_l")};
    st = ask(&api, twice_model, 2, pointer, type, NULL);
    CHECK(st == 400 && strcmp(pointer, "/model") == 0, "model twice: 400 at /model (got %u %s)", st, pointer);
    const nr_http_arg same_twice[] = {ARG("model", "u1x"), ARG("x_H", "-1"), ARG("x_H", "-1")};
    st = ask(&api, same_twice, 3, pointer, type, NULL);
    CHECK(st == 400 && strcmp(pointer, "/x_H") == 0, "x_H twice with the same value: refused too (got %u)", st);

    /* one value each: the rescaled limits at that point */
    const nr_http_arg once[] = {ARG("model", "u1x"), ARG("x_H", "-1"), ARG("x_Phi", "1")};
    json_t *doc = NULL;
    st = ask(&api, once, 3, pointer, type, &doc);
    CHECK(st == 200 && doc, "x_H and x_Phi once: 200 (got %u %s %s)", st, type, pointer);
    json_decref(doc);
    nr_engine_free(engine);
    return nr_test_summary();
}
