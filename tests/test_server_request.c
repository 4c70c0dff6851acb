/* test_server_request.c: request validation and canonicalisation (server/request.c), problem
 * details (server/problem.c), JSON pointers (RFC 6901), static-path safety, config parsing and the
 * in-flight table. No engine is opened: parsing needs only the model and experiment tables. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_version.h"
#include "api.h"
#include "config.h"
#include "static_files.h"
#include "nr_test.h"
#include "problem.h"
#include "request.h"
#include "sha256.h"

static int parse(const char *body, unsigned obs, nr_request *r, nr_problem *p)
{
    return nr_request_parse(body, strlen(body), obs, r, p);
}

/* Canonical text of a request body that must be valid (NULL otherwise, with a failure recorded). */
static char *canonical_of(const char *body, unsigned obs)
{
    nr_request r;
    nr_problem p;
    if (parse(body, obs, &r, &p) != 0) {
        CHECK(0, "valid request rejected: %s -> %u %s: %s", body, p.status, p.type, p.detail);
        return NULL;
    }
    char *c = strdup(r.canonical);
    nr_request_free(&r);
    return c;
}

static void test_equivalent_requests(void)
{
    const char *base = "{\"model\":\"sm\",\"experiment\":\"FASERnu\"}";
    const char *same[] = {
        "{\"experiment\":\"FASERnu\",\"model\":\"sm\"}",
        "{\"model\":\"sm\",\"experiment\":\"FASERnu\",\"params\":{\"e_min\":1}}",
        "{\"model\":\"sm\",\"experiment\":\"FASERnu\",\"params\":{\"e_min\":1.0,\"e_max\":2e4}}",
        "{\"model\":\"sm\",\"experiment\":\"FASERnu\",\"params\":{\"pdf\":\"CT14nlo\"},"
        "\"experiment_overrides\":{\"luminosity_fb\":150}}",
        " {\n\"model\" : \"sm\" , \"experiment\":\"FASERnu\", \"params\":{}}\n",
    };
    char *want = canonical_of(base, NR_OBSERVABLE_RATES);
    for (size_t i = 0; want && i < sizeof same / sizeof same[0]; i++) {
        char *got = canonical_of(same[i], NR_OBSERVABLE_RATES);
        CHECK(got && strcmp(got, want) == 0, "%s canonicalises to %s, not %s", same[i], got, want);
        free(got);
    }
    char *spectra = canonical_of(base, NR_OBSERVABLE_SPECTRA);
    CHECK(spectra && want && strcmp(spectra, want) != 0, "rates and spectra differ in canonical form");
    char *other = canonical_of("{\"model\":\"sm\",\"experiment\":\"FASERnu\",\"params\":{\"e_min\":1.5}}",
                               NR_OBSERVABLE_RATES);
    CHECK(other && want && strcmp(other, want) != 0, "a different e_min gives a different form");
    /* the canonical form holds every default: "e_max" appears although not given */
    CHECK(want && strstr(want, "\"e_max\":20000.0") && strstr(want, "\"observable\":\"rates\""),
          "canonical form has defaults and observable: %s", want);
    free(want);
    free(spectra);
    free(other);
}

static void test_cache_key(void)
{
    nr_request r;
    nr_problem p;
    CHECK(parse("{\"model\":\"sm\",\"experiment\":\"FASERnu\"}", NR_OBSERVABLE_RATES, &r, &p) == 0,
          "parse");
    nr_request_make_key(&r, "datav1");
    /* independent computation: one-shot sha256 of the concatenation defined in request.h */
    char joined[4096], want[65];
    snprintf(joined, sizeof joined, "%s\n%s\n%s", r.canonical, NUREACH_ENGINE_VERSION, "datav1");
    nr_sha256_hex(joined, strlen(joined), want);
    CHECK(strcmp(r.cache_key, want) == 0, "key %s, want %s", r.cache_key, want);
    char key1[65];
    memcpy(key1, r.cache_key, sizeof key1);
    nr_request_make_key(&r, "datav2");
    CHECK(strcmp(r.cache_key, key1) != 0, "the data version enters the key");
    nr_request_free(&r);
}

/* Expects a failure with this status and (if given) an error with rule at pointer. */
static void expect_error(const char *body, unsigned status, const char *rule, const char *pointer)
{
    nr_request r;
    nr_problem p;
    int rc = parse(body, NR_OBSERVABLE_RATES, &r, &p);
    CHECK(rc != 0 && p.status == status, "%s: status %u, want %u (%s)", body, p.status, status, p.detail);
    if (!rule)
        return;
    int found = 0;
    for (int i = 0; i < p.n_errors; i++)
        found |= strcmp(p.errors[i].rule, rule) == 0 && strcmp(p.errors[i].pointer, pointer) == 0;
    CHECK(found, "%s: no %s error at '%s' (first: %s at '%s')", body, rule, pointer,
          p.n_errors ? p.errors[0].rule : "-", p.n_errors ? p.errors[0].pointer : "-");
}

static void test_validation_errors(void)
{
    nr_request r;
    nr_problem p;
    CHECK(parse("{\"model\":\n\"sm\",,}", NR_OBSERVABLE_RATES, &r, &p) != 0 && p.status == 400 &&
              strcmp(p.type, "malformed-json") == 0 && p.line == 2 && p.column > 0,
          "malformed: %u %s line %d col %d", p.status, p.type, p.line, p.column);
    CHECK(parse("{\"model\":\"sm\",\"model\":\"sm\"}", NR_OBSERVABLE_RATES, &r, &p) != 0 &&
              p.status == 400 && strcmp(p.type, "duplicate-key") == 0,
          "duplicate: %u %s", p.status, p.type);
    expect_error("", 400, NULL, NULL);
    expect_error("3", 422, "wrong-type", "");
    expect_error("{\"experiment\":\"FASERnu\"}", 422, "missing-field", "/model");
    expect_error("{\"model\":\"sm\",\"experiment\":\"FASERnu\",\"x\":0}", 422, "unknown-key", "/x");
    expect_error("{\"model\":\"sm\",\"experiment\":\"FASERnu\",\"params\":{\"q\":0}}", 422, "unknown-key",
                 "/params/q");
    expect_error("{\"model\":\"sm\",\"experiment\":\"FASERnu\",\"params\":{\"e_min\":true}}", 422,
                 "wrong-type", "/params/e_min");
    expect_error("{\"model\":\"sm\",\"experiment\":\"FASERnu\",\"params\":{\"e_min\":0.999}}", 422,
                 "out-of-range", "/params/e_min");
    expect_error("{\"model\":\"sm\",\"experiment\":\"FASERnu\",\"params\":{\"e_max\":1e300}}", 422,
                 "out-of-range", "/params/e_max");
    expect_error("{\"model\":\"sm\",\"experiment\":\"FASERnu\",\"params\":{\"pdf\":\"x\"}}", 422,
                 "not-a-choice", "/params/pdf");
    expect_error("{\"model\":\"none\",\"experiment\":\"FASERnu\"}", 422, "unknown-model", "/model");
    expect_error("{\"model\":\"sm\",\"experiment\":\"none\"}", 422, "unknown-experiment", "/experiment");
    expect_error("{\"model\":\"sm\",\"experiment\":\"FASER\"}", 422, "detector-mismatch", "/experiment");
    expect_error("{\"model\":\"sm\",\"experiment\":\"FASERnu\",\"experiment_overrides\":{\"k~/\":1}}", 422,
                 "unknown-key", "/experiment_overrides/k~0~1");
    expect_error("{\"model\":\"sm\",\"experiment\":\"FASERnu\",\"experiment_overrides\":{\"luminosity_fb\":-1}}",
                 422, "out-of-range", "/experiment_overrides/luminosity_fb");
    expect_error("{\"model\":\"sm\",\"experiment\":\"FASERnu\",\"experiment_overrides\":{\"radius_m\":1}}",
                 422, "not-applicable", "/experiment_overrides/radius_m");
}

static void test_problem_json(void)
{
    nr_problem p;
    nr_problem_init(&p);
    nr_problem_add(&p, 422, "out-of-range", "/params/e_min", "too small");
    nr_problem_add(&p, 422, "unknown-key", "/x", "unknown");
    size_t len = 0;
    char *text = nr_problem_to_json(&p, "/api/v1/rates", &len);
    json_error_t jerr;
    json_t *doc = text ? json_loads(text, 0, &jerr) : NULL;
    CHECK(doc != NULL, "problem JSON parses: %s", text ? text : "(null)");
    if (doc) {
        CHECK(json_integer_value(json_object_get(doc, "status")) == 422, "status 422");
        CHECK(strcmp(json_string_value(json_object_get(doc, "type")),
                     NR_PROBLEM_TYPE_BASE "invalid-request") == 0, "mixed rules: invalid-request type");
        CHECK(json_array_size(json_object_get(doc, "errors")) == 2, "two errors listed");
        json_decref(doc);
    }
    free(text);
}

static void test_pointers_and_quotes(void)
{
    char ptr[32] = "/params";
    nr_json_pointer_append(ptr, sizeof ptr, "a/b~c"); /* RFC 6901 sec. 3: ~ -> ~0, / -> ~1 */
    CHECK(strcmp(ptr, "/params/a~1b~0c") == 0, "pointer %s", ptr);
    char small[12] = "/p";
    nr_json_pointer_append(small, sizeof small, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"); /* "ééééé" */
    json_t *s = json_string(small); /* valid UTF-8 after truncation? */
    CHECK(s != NULL && strlen(small) < sizeof small, "truncated pointer stays valid UTF-8: %s", small);
    json_decref(s);
    char q[16];
    nr_quote_user("\xc3\xa9\xc3\xa9\xc3\xa9", q, 5); /* 5 bytes would cut the third character */
    CHECK(strcmp(q, "\xc3\xa9\xc3\xa9...") == 0, "quoted '%s'", q);
}

static void test_static_paths(void)
{
    CHECK(nr_static_path_ok("/index.html"), "index.html allowed");
    CHECK(nr_static_path_ok("/vendor/plot-1.2.min.js"), "vendor path allowed");
    CHECK(!nr_static_path_ok("/../etc/passwd"), ".. rejected");
    CHECK(!nr_static_path_ok("/a/../../b.html"), "inner .. rejected");
    CHECK(!nr_static_path_ok("/.git/config"), "hidden rejected");
    CHECK(!nr_static_path_ok("//etc/passwd"), "empty component rejected");
    CHECK(!nr_static_path_ok("/a\\b.html"), "backslash rejected");
    CHECK(!nr_static_path_ok("/a%2e.html"), "percent rejected");
    CHECK(nr_static_content_type("/x.js") && strstr(nr_static_content_type("/x.js"), "javascript"), "js type");
    CHECK(nr_static_content_type("/x.exe") == NULL, "unknown extension not served");
    CHECK(nr_static_content_type("/a.b/c") == NULL, "dot in a folder name is not an extension");
}

static void test_config(void)
{
    nr_config c;
    char err[256];
    char *ok_argv[] = {"nureachd", "--port", "0", "--threads=2", "--bind", "::1", "--port-file", "/tmp/p", NULL};
    nr_config_defaults(&c);
    CHECK(nr_config_load(&c, 8, ok_argv, err, sizeof err) == NR_CONFIG_OK, "valid flags: %s", err);
    CHECK(c.port == 0 && c.threads == 2 && strcmp(c.bind, "::1") == 0 && c.port_file, "values applied");
    const char *bad[][3] = {{"nureachd", "--port", "65536"}, {"nureachd", "--threads", "0"},
                            {"nureachd", "--bind", "localhost"}, {"nureachd", "--cache-max-mb", "-5"},
                            {"nureachd", "--frobnicate", "1"}, {"nureachd", "--timeout-s", "1x"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        nr_config_defaults(&c);
        err[0] = '\0';
        int rc = nr_config_load(&c, 3, (char **)bad[i], err, sizeof err);
        CHECK(rc == NR_CONFIG_BAD && strstr(err, bad[i][1]), "%s %s: rc %d, message '%s'", bad[i][1],
              bad[i][2], rc, err);
    }
    setenv("NUREACH_PORT", "1234", 1);
    nr_config_defaults(&c);
    char *env_only[] = {"nureachd", NULL};
    CHECK(nr_config_load(&c, 1, env_only, err, sizeof err) == NR_CONFIG_OK && c.port == 1234, "env applies");
    char *flag_wins[] = {"nureachd", "--port", "99", NULL};
    nr_config_defaults(&c);
    CHECK(nr_config_load(&c, 3, flag_wins, err, sizeof err) == NR_CONFIG_OK && c.port == 99, "flag wins");
    unsetenv("NUREACH_PORT");
}

int main(void)
{
    test_equivalent_requests();
    test_cache_key();
    test_validation_errors();
    test_problem_json();
    test_pointers_and_quotes();
    test_static_paths();
    test_config();
    return nr_test_summary();
}
