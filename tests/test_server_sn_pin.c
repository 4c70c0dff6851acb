/* test_server_sn_pin.c: the supernova profile of a result is named and pinned (issue 15, items 2 and 3).
 *
 *   - the built-in analytic profile is named "synthetic" and flagged (sn_profile_synthetic, a note saying it is not
 *     SFHo) in the experiment listing and in a result's experiment and meta; a file cannot take that name;
 *   - a profile file in the --sn-profiles folder enters the cache key by its sha256: written, computed, rewritten
 *     with another temperature and computed again gives another key (a cache miss in a real cache) and another
 *     result;
 *   - a request keyed on one content whose file is replaced before its job runs is refused (the file's new content is
 *     not computed under the old key) rather than answered with the new content's numbers.
 * Expected values: the profile is the test's own (the synthetic profile's rows scaled in T); "another result" is
 * only required to differ (L_Z' grows with T, test_supernova.c), the equality of a recomputation is exact (same
 * bytes, same code). */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "cache.h"
#include "catalog.h"
#include "nr_test.h"
#include "request.h"
#include "sn_profile.h"

static char g_dir[64];

/* The synthetic profile's rows as a version-1 file, temperatures times t_scale. */
static int write_profile(const char *path, double t_scale)
{
    nr_sn_profile p;
    nr_error err;
    if (nr_sn_profile_synthetic(&p, &err) != NR_OK)
        return -1;
    FILE *f = fopen(path, "w");
    if (!f) {
        nr_sn_profile_free(&p);
        return -1;
    }
    fprintf(f, "# written by test_server_sn_pin.c (T x %g)\nnureach_sn_profile 1\nL_nu_erg_s %.17g\nR_nu_km %.17g\n"
               "R_far_km %.17g\ntime_s 1\ncolumns r_km T_MeV rho_g_cm3 Y_e mu_e_MeV mu_mu_MeV mu_nue_MeV mu_numu_MeV "
               "mu_nutau_MeV\n",
            t_scale, p.l_nu_erg_s, p.r_nu_km, p.r_far_km);
    for (size_t i = 0; i < p.n; i++)
        fprintf(f, "%.17g %.17g %.17g %.17g %.17g %.17g 0 0 0\n", p.r_km[i], p.t_gev[i] * 1e3 * t_scale,
                p.rho_g_cm3[i], p.y_e[i], p.mu_e_gev[i] * 1e3, p.mu_mu_gev[i] * 1e3);
    nr_sn_profile_free(&p);
    return fclose(f);
}

/* result.visible of a rates request (NAN on failure, with err filled). */
static double visible(const nr_engine *engine, const nr_request *r, nr_error *err)
{
    nr_table t;
    memset(&t, 0, sizeof t);
    nr_error_clear(err);
    if (nr_model_rates(r->model, engine, &r->experiment, r->params, &t, err) != NR_OK) {
        nr_table_free(&t);
        return NAN;
    }
    double v = NAN;
    json_t *res = nr_catalog_result(&t, NR_OBSERVABLE_RATES, r->model);
    size_t i;
    json_t *ch;
    json_array_foreach(res ? json_object_get(res, "channels") : NULL, i, ch)
        if (strcmp(json_string_value(json_object_get(ch, "name")), "visible") == 0)
            v = json_number_value(json_object_get(ch, "events"));
    json_decref(res);
    nr_table_free(&t);
    return v;
}

static int prepare(const nr_engine *engine, const char *body, nr_request *r)
{
    nr_problem p;
    nr_problem_init(&p);
    int rc = nr_request_prepare(body, strlen(body), NR_OBSERVABLE_RATES, engine, nr_engine_data_version(engine), r,
                                &p);
    CHECK(rc == 0, "prepare %s: %s", body, p.detail);
    return rc;
}

/* The meta object the API attaches to a result of the prepared request r */
static json_t *result_meta(const nr_engine *engine, const nr_request *r)
{
    nr_api api;
    memset(&api, 0, sizeof api);
    api.data_version = nr_engine_data_version(engine);
    return nr_api_meta_json(&api, r, 1.0);
}

static void test_synthetic_flagged(const nr_engine *engine)
{
    json_t *e = nr_catalog_experiment(nr_experiment_find("SN1987A"));
    const char *note = json_string_value(json_object_get(e, "sn_profile_note"));
    CHECK(strcmp(json_string_value(json_object_get(e, "sn_profile")), "synthetic") == 0 &&
              json_is_true(json_object_get(e, "sn_profile_synthetic")) && note && strstr(note, "not the SFHo"),
          "the listing names and flags the synthetic profile");
    json_decref(e);
    nr_experiment x = *nr_experiment_find("SN1987A");
    nr_error err;
    CHECK(nr_experiment_override_sn_profile(&x, "synthetic", "/experiment_overrides/sn_profile", &err) == NR_EINPUT &&
              strcmp(err.where, "/experiment_overrides/sn_profile") == 0,
          "a file cannot be named 'synthetic'");
    /* a result's meta says so too */
    nr_request r;
    if (prepare(engine, "{\"model\":\"b_minus_l\",\"experiment\":\"SN1987A\",\"params\":{\"m_Zp\":0.05,\"g_BL\":1e-12}}",
                &r) != 0)
        return;
    json_t *meta = result_meta(engine, &r);
    json_t *sn = json_object_get(meta, "sn_profile");
    CHECK(sn && json_is_true(json_object_get(sn, "synthetic")) &&
              strcmp(json_string_value(json_object_get(sn, "name")), "synthetic") == 0 &&
              json_object_get(sn, "note") && !json_object_get(sn, "sha256"),
          "the meta of a result on the synthetic profile flags it");
    json_decref(meta);
    nr_request_free(&r);
}

static void test_pinned(nr_engine *engine)
{
    char path[128], db[128];
    snprintf(path, sizeof path, "%s/pin.txt", g_dir);
    snprintf(db, sizeof db, "%s/cache.db", g_dir);
    const char *body = "{\"model\":\"b_minus_l\",\"experiment\":\"SN1987A\",\"experiment_overrides\":{\"sn_profile\":"
                       "\"pin.txt\"},\"params\":{\"m_Zp\":0.05,\"g_BL\":1e-12}}";
    nr_cache *cache = NULL;
    char cerr[256] = "";
    CHECK(nr_cache_open(db, 1 << 24, &cache, cerr, sizeof cerr) == 0, "cache: %s", cerr);
    nr_error err;
    nr_request a, b, c;
    CHECK(write_profile(path, 1.0) == 0, "write %s", path);
    if (prepare(engine, body, &a) != 0)
        return;
    double va = visible(engine, &a, &err);
    CHECK(va > 0, "computed on the file: %g (%s)", va, err.message);
    CHECK(strlen(a.experiment.sn_profile_sha256) == 64 && strcmp(a.experiment.sn_profile_sha256, a.sn_profile_sha) == 0,
          "the request pins the file's sha256");
    json_t *meta = result_meta(engine, &a);
    json_t *sn = json_object_get(meta, "sn_profile");
    CHECK(sn && json_is_false(json_object_get(sn, "synthetic")) &&
              strcmp(json_string_value(json_object_get(sn, "sha256")), a.sn_profile_sha) == 0,
          "the meta names the file's content");
    json_decref(meta);
    if (cache)
        CHECK(nr_cache_put(cache, a.cache_key, a.canonical, "{}", 2, "application/json", 1.0) == 0, "cache put");

    /* the operator rewrites the file 10% hotter under the same name */
    CHECK(write_profile(path, 1.1) == 0, "rewrite %s", path);
    /* the request keyed before the change: its job must not compute the new content under the old key */
    double stale = visible(engine, &a, &err);
    CHECK(isnan(stale) && strcmp(err.where, "/experiment_overrides/sn_profile") == 0 && strstr(err.message, "replaced"),
          "a request keyed on the old content is refused after the change (got %g: %s)", stale, err.message);
    if (prepare(engine, body, &b) != 0) {
        nr_request_free(&a);
        return;
    }
    CHECK(strcmp(a.cache_key, b.cache_key) != 0, "another content, another cache key");
    if (cache) {
        char *got = NULL, ct[64];
        size_t len = 0;
        double ms = 0;
        CHECK(nr_cache_get(cache, b.cache_key, &got, &len, ct, &ms) == 0, "the rewritten file is not a cache hit");
        free(got);
    }
    double vb = visible(engine, &b, &err);
    CHECK(vb > 0 && vb != va, "the rewritten file gives another result: %g vs %g (%s)", vb, va, err.message);
    printf("b_minus_l at SN1987A, 50 MeV, g 1e-12: L/L_nu %.6g on the file, %.6g once 10%% hotter\n", va, vb);
    /* back to the first content: the first key and the first number again */
    CHECK(write_profile(path, 1.0) == 0, "rewrite %s", path);
    if (prepare(engine, body, &c) == 0) {
        CHECK(strcmp(c.cache_key, a.cache_key) == 0, "the same content, the same key");
        CHECK(visible(engine, &c, &err) == va, "the same content, the same result");
        nr_request_free(&c);
    }
    nr_request_free(&a);
    nr_request_free(&b);
    nr_cache_close(cache);
    unlink(db);
    unlink(path);
}

int main(void)
{
    snprintf(g_dir, sizeof g_dir, "/tmp/nr_sn_pin_XXXXXX");
    CHECK(mkdtemp(g_dir) != NULL, "temporary folder");
    nr_engine *engine = NULL;
    nr_error err;
    CHECK(nr_engine_init(nr_test_data_dir(), &engine, &err) == NR_OK, "engine: %s", err.message);
    if (!engine)
        return nr_test_summary();
    CHECK(nr_engine_set_sn_profile_dir(engine, g_dir, &err) == NR_OK, "profile folder: %s", err.message);
    test_synthetic_flagged(engine);
    test_pinned(engine);
    nr_engine_free(engine);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", g_dir);
    CHECK(system(cmd) == 0, "clean up");
    return nr_test_summary();
}
