/* scan_command.c: `nureachd scan` (commands.h), a bounds scan spread over machines, e.g. a Slurm array.
 *
 *   nureachd scan --shard I/N REQUEST.json --out DIR   (0 <= I < N; in a job array: I = $SLURM_ARRAY_TASK_ID)
 *     evaluates slice I of N of the request's grid (physics/contour.h: nr_bounds_grid_slice) and writes
 *     DIR/<cache key>.<I>-of-<N>.json: the request's key and canonical form, the engine and data versions,
 *     the slice, and its events as C99 hexadecimal floats ("%a": exact, so the merge is bit for bit).
 *     The file is written under a temporary name, flushed to disk and renamed: a reader (or a crashed task)
 *     never leaves a half-written slice. DIR may be on NFS: each file has one writer and no locks are used.
 *   nureachd scan --merge REQUEST.json --in DIR [--state-dir STATE]
 *     on the server's machine: reads the N slices of the request's key, checks that they are complete and
 *     were computed for the same canonical request with the same engine and data, puts the grid together,
 *     computes the contours (with their refinement, nr_bounds_from_grid) and stores the response in the
 *     local cache (STATE/cache.sqlite), byte for byte what POST /api/v1/bounds would store: the daemon
 *     then serves it as a hit. SQLite is only ever opened on the local disk of the server.
 *
 * REQUEST.json is the body of a POST /api/v1/bounds. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "bounds.h"
#include "cache.h"
#include "commands.h"
#include "engine_version.h"
#include "request.h"

#define SHARD_FORMAT "nureach-scan-shard-1"
#define MAX_SHARDS 10000

static int usage(void)
{
    fprintf(stderr, "usage: nureachd scan --shard I/N REQUEST.json --out DIR   (0 <= I < N)\n"
                    "       nureachd scan --merge REQUEST.json --in DIR [--state-dir DIR]\n"
                    "       (and the daemon's --data-dir)\n");
    return 2;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            cap = 2 * cap + 8192;
            char *more = realloc(buf, cap);
            if (!more) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = more;
        }
        size_t got = fread(buf + n, 1, 4096, f);
        n += got;
        if (got == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* The request of REQUEST.json, validated and keyed exactly as POST /api/v1/bounds does it. */
static int load_request(const char *path, const nr_engine *engine, nr_request *r)
{
    size_t len = 0;
    char *body = read_file(path, &len);
    if (!body) {
        fprintf(stderr, "nureachd scan: cannot read %s: %s\n", path, strerror(errno));
        return -1;
    }
    nr_problem p;
    int rc = nr_request_prepare(body, len, NR_OBSERVABLE_BOUNDS, engine, nr_engine_data_version(engine), r, &p);
    free(body);
    if (rc != 0) {
        if (p.n_errors == 0)
            fprintf(stderr, "nureachd scan: %s: %s\n", path, p.detail);
        for (int k = 0; k < p.n_errors; k++)
            fprintf(stderr, "nureachd scan: %s: %s: %s\n", path, p.errors[k].pointer[0] ? p.errors[k].pointer : "/", p.errors[k].detail);
        return -1;
    }
    if (nr_bounds_is_curve(&r->bounds)) {
        fprintf(stderr, "nureachd scan: %s: /scan/y: a curve (x only) is not computed in slices; POST it to "
                "/api/v1/bounds\n", path);
        nr_request_free(r);
        return -1;
    }
    if (r->chi2) { /* the slices hold event grids; a chi-square grid is not sliced (yet) */
        fprintf(stderr, "nureachd scan: %s: /test: a chi-square test is not computed in slices; POST it to "
                "/api/v1/bounds\n", path);
        nr_request_free(r);
        return -1;
    }
    return 0;
}

static size_t slice_axis_points(const nr_request *r)
{
    return nr_bounds_slice_axis(r->model, &r->bounds) ? r->bounds.ny : r->bounds.nx;
}

/* Slice i of n of an axis of `points` points: [k0, k1), sizes differing by at most one. */
static void slice_range(size_t points, size_t i, size_t n, size_t *k0, size_t *k1)
{
    *k0 = points * i / n;
    *k1 = points * (i + 1) / n;
}

static void shard_path(char *out, size_t len, const char *dir, const char *key, size_t i, size_t n)
{
    snprintf(out, len, "%s/%s.%zu-of-%zu.json", dir, key, i, n);
}

/* Writes text to path atomically: a temporary file in the same folder, fsync, rename. */
static int write_atomically(const char *path, const char *text)
{
    char tmp[4300];
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return -1;
    size_t len = strlen(text), done = 0;
    while (done < len) {
        ssize_t w = write(fd, text + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        done += (size_t)w;
    }
    int bad = done != len || fsync(fd) != 0;
    bad |= close(fd) != 0;
    if (bad || rename(tmp, path) != 0) {
        int saved = errno;
        unlink(tmp);
        errno = saved;
        return -1;
    }
    return 0;
}

static int parse_shard(const char *text, size_t *i, size_t *n)
{
    char *end = NULL;
    errno = 0;
    unsigned long a = strtoul(text, &end, 10);
    if (errno || end == text || *end != '/')
        return -1;
    const char *rest = end + 1;
    unsigned long b = strtoul(rest, &end, 10);
    if (errno || end == rest || *end || b < 1 || b > MAX_SHARDS || a >= b)
        return -1;
    *i = a;
    *n = b;
    return 0;
}

static int run_shard(const nr_engine *engine, const nr_request *r, size_t i, size_t n, const char *out_dir)
{
    size_t points = slice_axis_points(r), k0, k1;
    if (n > points) {
        fprintf(stderr, "nureachd scan: %zu shards for an axis of %zu points; use at most %zu\n", n, points, points);
        return 2;
    }
    slice_range(points, i, n, &k0, &k1);
    int along_y = nr_bounds_slice_axis(r->model, &r->bounds);
    size_t count = (k1 - k0) * (along_y ? r->bounds.nx : r->bounds.ny);
    double *events = calloc(count, sizeof *events);
    if (!events)
        return 1;
    nr_error err;
    nr_error_clear(&err);
    double t0 = now_ms();
    nr_status st = nr_bounds_grid_slice(r->model, engine, &r->experiment, r->params, &r->bounds, k0, k1, events,
                                        NULL, &err);
    double ms = now_ms() - t0;
    if (st != NR_OK) {
        fprintf(stderr, "nureachd scan: slice %zu/%zu failed (%s): %s: %s\n", i, n, nr_status_name(st), err.where,
                err.message);
        free(events);
        return 1;
    }
    json_t *o = json_object(), *ev = json_array();
    for (size_t k = 0; k < count; k++) {
        char hex[40];
        snprintf(hex, sizeof hex, "%a", events[k]);
        json_array_append_new(ev, json_string(hex));
    }
    free(events);
    json_object_set_new(o, "format", json_string(SHARD_FORMAT));
    json_object_set_new(o, "key", json_string(r->cache_key));
    json_object_set_new(o, "canonical", json_string(r->canonical));
    json_object_set_new(o, "engine_version", json_string(NUREACH_ENGINE_VERSION));
    json_object_set_new(o, "data_version", json_string(nr_engine_data_version(engine)));
    json_object_set_new(o, "shard", json_integer((json_int_t)i));
    json_object_set_new(o, "shards", json_integer((json_int_t)n));
    json_object_set_new(o, "axis", json_string(along_y ? "y" : "x"));
    json_object_set_new(o, "k0", json_integer((json_int_t)k0));
    json_object_set_new(o, "k1", json_integer((json_int_t)k1));
    json_object_set_new(o, "compute_ms", json_real(ms));
    json_object_set_new(o, "events", ev);
    char *text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    char path[4200];
    shard_path(path, sizeof path, out_dir, r->cache_key, i, n);
    int rc = text ? write_atomically(path, text) : -1;
    free(text);
    if (rc != 0) {
        fprintf(stderr, "nureachd scan: cannot write %s: %s\n", path, strerror(errno));
        return 1;
    }
    printf("slice %zu/%zu: %s points [%zu, %zu) in %.0f ms -> %s\n", i, n, along_y ? "y" : "x", k0, k1, ms, path);
    return 0;
}

/* ---- merge ---------------------------------------------------------------------------------------------- */

/* The number of shards the files of this key were cut into (from their names); 0 if none, -1 if the folder
 * holds files of the key with different counts. */
static long count_shards(const char *dir, const char *key)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    long n = 0;
    size_t key_len = strlen(key);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, key, key_len) != 0 || e->d_name[key_len] != '.')
            continue;
        size_t i = 0, m = 0;
        char tail[16] = "";
        if (sscanf(e->d_name + key_len, ".%zu-of-%zu%15s", &i, &m, tail) != 3 || strcmp(tail, ".json") != 0)
            continue;
        if (n && (long)m != n) {
            n = -1;
            break;
        }
        n = (long)m;
    }
    closedir(d);
    return n;
}

static const char *str_field(json_t *o, const char *name)
{
    const char *s = json_string_value(json_object_get(o, name));
    return s ? s : "";
}

/* Reads shard i of n into the full grid; -1 with a message if it is missing or does not belong. */
static int merge_one(const char *dir, const nr_engine *engine, const nr_request *r, size_t i, size_t n,
                     double *grid, double *compute_ms)
{
    char path[4200];
    shard_path(path, sizeof path, dir, r->cache_key, i, n);
    json_error_t jerr;
    json_t *o = json_load_file(path, 0, &jerr);
    if (!o) {
        fprintf(stderr, "nureachd scan --merge: slice %zu of %zu: cannot read %s: %s\n", i, n, path, jerr.text);
        return -1;
    }
    size_t points = slice_axis_points(r), k0, k1;
    slice_range(points, i, n, &k0, &k1);
    int along_y = nr_bounds_slice_axis(r->model, &r->bounds);
    size_t nx = r->bounds.nx, ny = r->bounds.ny, sub_nx = along_y ? nx : k1 - k0, sub_ny = along_y ? k1 - k0 : ny;
    json_t *ev = json_object_get(o, "events");
    const char *why = NULL;
    if (strcmp(str_field(o, "format"), SHARD_FORMAT) != 0)
        why = "not a nureach scan slice";
    else if (strcmp(str_field(o, "key"), r->cache_key) != 0 || strcmp(str_field(o, "canonical"), r->canonical) != 0)
        why = "computed for another request";
    else if (strcmp(str_field(o, "engine_version"), NUREACH_ENGINE_VERSION) != 0 ||
             strcmp(str_field(o, "data_version"), nr_engine_data_version(engine)) != 0)
        why = "computed with another engine or data version";
    else if (json_integer_value(json_object_get(o, "k0")) != (json_int_t)k0 ||
             json_integer_value(json_object_get(o, "k1")) != (json_int_t)k1 || !json_is_array(ev) ||
             json_array_size(ev) != sub_nx * sub_ny)
        why = "its slice does not match the request's grid";
    for (size_t k = 0; !why && k < sub_nx * sub_ny; k++) {
        const char *hex = json_string_value(json_array_get(ev, k));
        char *end = NULL;
        double v = hex ? strtod(hex, &end) : 0.0;
        if (!hex || !*hex || *end)
            why = "an event count is not a number";
        size_t si = k % sub_nx, sj = k / sub_nx;
        size_t gi = along_y ? si : k0 + si, gj = along_y ? k0 + sj : sj;
        grid[gj * nx + gi] = v;
    }
    *compute_ms += json_number_value(json_object_get(o, "compute_ms"));
    json_decref(o);
    if (why) {
        fprintf(stderr, "nureachd scan --merge: %s: %s; refusing to merge\n", path, why);
        return -1;
    }
    return 0;
}

static int run_merge(const nr_engine *engine, const nr_request *r, const char *in_dir, const nr_config *cfg)
{
    long n = count_shards(in_dir, r->cache_key);
    if (n <= 0) {
        fprintf(stderr, "nureachd scan --merge: %s in %s for key %s\n",
                n == 0 ? "no slices" : "slices cut into different counts", in_dir, r->cache_key);
        return 1;
    }
    double *grid = malloc(r->bounds.nx * r->bounds.ny * sizeof *grid);
    if (!grid)
        return 1;
    double t0 = now_ms(), shards_ms = 0.0;
    for (size_t i = 0; i < (size_t)n; i++)
        if (merge_one(in_dir, engine, r, i, (size_t)n, grid, &shards_ms) != 0) {
            free(grid);
            return 1;
        }
    double read_ms = now_ms() - t0;
    nr_bounds_result res;
    nr_error err;
    nr_error_clear(&err);
    nr_status st = nr_bounds_from_grid(r->model, engine, &r->experiment, r->params, &r->bounds, grid, &res, NULL,
                                       &err);
    free(grid);
    if (st != NR_OK) {
        fprintf(stderr, "nureachd scan --merge: the contour failed (%s): %s: %s\n", nr_status_name(st), err.where,
                err.message);
        return 1;
    }
    double contour_ms = now_ms() - t0 - read_ms;
    nr_api api; /* the response body reads only the data version */
    memset(&api, 0, sizeof api);
    api.data_version = nr_engine_data_version(engine);
    size_t len = 0;
    double compute_ms = shards_ms + (now_ms() - t0);
    char *body = nr_api_bounds_body(&api, r, &res, compute_ms, &len);
    nr_bounds_free(&res);
    if (!body) {
        fprintf(stderr, "nureachd scan --merge: the result has a non-finite number\n");
        return 1;
    }
    char err_text[512], path[4096];
    if (nr_config_make_dir(cfg->state_dir, err_text, sizeof err_text) != 0) {
        fprintf(stderr, "nureachd scan --merge: --state-dir: %s\n", err_text);
        free(body);
        return 1;
    }
    nr_command_cache_path(cfg, path, sizeof path);
    nr_cache *cache = NULL;
    int rc = nr_cache_open(path, (int64_t)cfg->cache_max_mb * 1024 * 1024, &cache, err_text, sizeof err_text);
    if (rc == 0)
        rc = nr_cache_put(cache, r->cache_key, r->canonical, body, len, "application/json", compute_ms);
    else
        fprintf(stderr, "nureachd scan --merge: %s\n", err_text);
    nr_cache_close(cache);
    free(body);
    if (rc != 0) {
        fprintf(stderr, "nureachd scan --merge: could not store the result in %s\n", path);
        return 1;
    }
    printf("merged %ld slices of %s: read %.1f ms, contour %.1f ms, total %.1f ms; stored in %s\n", n,
           r->cache_key, read_ms, contour_ms, now_ms() - t0, path);
    return 0;
}

int nr_command_scan(int argc, char **argv)
{
    nr_command_flag flags[] = {{"--shard", 1, NULL}, {"--out", 1, NULL}, {"--merge", 0, NULL}, {"--in", 1, NULL}};
    const char *pos[1];
    size_t n_pos = 0;
    nr_config cfg;
    if (nr_command_parse(argc, argv, flags, 4, pos, 1, &n_pos, &cfg) != 0 || n_pos != 1)
        return usage();
    int shard = flags[0].value != NULL, merge = flags[2].value != NULL;
    size_t i = 0, n = 0;
    if (shard == merge || (shard && (!flags[1].value || parse_shard(flags[0].value, &i, &n) != 0)) ||
        (merge && !flags[3].value))
        return usage();
    nr_engine *engine = NULL;
    if (nr_command_open_engine(&cfg, &engine) != 0)
        return 1;
    nr_request r;
    int rc = 1;
    if (load_request(pos[0], engine, &r) == 0) {
        rc = shard ? run_shard(engine, &r, i, n, flags[1].value) : run_merge(engine, &r, flags[3].value, &cfg);
        nr_request_free(&r);
    }
    nr_engine_free(engine);
    return rc;
}
