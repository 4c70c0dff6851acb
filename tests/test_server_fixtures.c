/* test_server_fixtures.c: every case of tests/requests/ through the server's request path in-process
 * (fixture_runner.h: route table -> query step -> parse, validate, physics check), compared with its
 * expect.json: status (200 = valid), problem type and the first error's pointer. The integration test
 * tests/integration/test_fixtures.py runs the same cases over HTTP. */
#include <dirent.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nr_test.h"
#include "requests/fixture_runner.h"

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(1 << 16);
    size_t n = buf ? fread(buf, 1, (1 << 16) - 1, f) : 0;
    fclose(f);
    if (buf)
        buf[n] = '\0';
    *len = n;
    return buf;
}

static void run_case(const nr_engine *engine, const char *dir, const char *name)
{
    char path[PATH_MAX + 300];
    snprintf(path, sizeof path, "%s/%s/expect.json", dir, name);
    json_t *expect = json_load_file(path, 0, NULL);
    if (!expect)
        return;
    snprintf(path, sizeof path, "%s/%s/request.json", dir, name);
    size_t len = 0;
    char *body = read_file(path, &len);
    const char *query = json_string_value(json_object_get(expect, "query"));
    nr_problem p;
    unsigned status = fixture_validate(engine, json_string_value(json_object_get(expect, "endpoint")), query,
                                       body ? body : "", len, &p);
    unsigned want = (unsigned)json_integer_value(json_object_get(expect, "status"));
    CHECK(status == want, "%s: status %u, expected %u (%s)", name, status, want, p.detail);
    const char *type = json_string_value(json_object_get(expect, "type"));
    if (type && status == want)
        CHECK(strcmp(p.type, type) == 0, "%s: type %s, expected %s", name, p.type, type);
    const char *pointer = json_string_value(json_object_get(expect, "pointer"));
    if (pointer && status == want)
        CHECK(p.n_errors > 0 && strcmp(p.errors[0].pointer, pointer) == 0, "%s: pointer %s, expected %s", name,
              p.n_errors > 0 ? p.errors[0].pointer : "(none)", pointer);
    free(body);
    json_decref(expect);
}

int main(void)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", __FILE__);
    char *slash = strrchr(dir, '/');
    snprintf(slash ? slash + 1 : dir, sizeof dir - (size_t)(slash ? slash + 1 - dir : 0), "requests");
    nr_engine *engine = NULL;
    nr_error err;
    nr_error_clear(&err);
    CHECK(nr_engine_init(nr_test_data_dir(), &engine, &err) == NR_OK, "engine: %s", err.message);
    if (!engine) /* the data folder unreadable: one clear failure, not a crash in the request path */
        return nr_test_summary();
    DIR *d = opendir(dir);
    CHECK(d != NULL, "fixture folder %s", dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));) {
        if (e->d_name[0] == '.' || strchr(e->d_name, '.'))
            continue;
        run_case(engine, dir, e->d_name);
        n++;
    }
    if (d)
        closedir(d);
    CHECK(n >= 60, "at least 60 fixture cases (%d)", n);
    nr_engine_free(engine);
    return nr_test_summary();
}
