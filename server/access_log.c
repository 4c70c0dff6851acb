/* access_log.c: the access log line of a request, text or JSON (see access_log.h). */
#include "access_log.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int nr_access_log_parse(const char *name)
{
    if (!name)
        return -1;
    if (strcmp(name, "text") == 0)
        return NR_ACCESS_LOG_TEXT;
    if (strcmp(name, "json") == 0)
        return NR_ACCESS_LOG_JSON;
    if (strcmp(name, "off") == 0)
        return NR_ACCESS_LOG_OFF;
    return -1;
}

/* Control bytes and non-ASCII of a client-chosen path as '?', so a log line stays one line. */
static void printable(const char *in, char *out, size_t cap)
{
    size_t i = 0;
    for (; in[i] && i + 1 < cap; i++)
        out[i] = (in[i] > 32 && in[i] < 127) ? in[i] : '?';
    out[i] = '\0';
}

static void write_json(FILE *out, const nr_http_done *d, const char *path)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    struct tm tm;
    gmtime_r(&now.tv_sec, &tm);
    char when[40], stamp[64];
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(stamp, sizeof stamp, "%.40s.%03dZ", when, (int)(now.tv_nsec / 1000000L) % 1000);
    json_t *o = json_object();
    json_object_set_new(o, "time", json_string(stamp));
    json_object_set_new(o, "method", json_string(d->method));
    json_object_set_new(o, "route", d->route ? json_string(d->route->path) : json_null());
    json_object_set_new(o, "path", json_string(path));
    json_object_set_new(o, "status", json_integer(d->status));
    json_object_set_new(o, "bytes", json_integer((json_int_t)d->bytes));
    json_object_set_new(o, "ms", json_real(round(d->ms * 1e3) * 1e-3));
    json_object_set_new(o, "client", json_string(d->client ? d->client : ""));
    json_object_set_new(o, "cache", d->cache ? json_string(d->cache) : json_null());
    char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
    json_decref(o);
    if (line) {
        fprintf(out, "%s\n", line);
        free(line);
    }
}

void nr_access_log_write(FILE *out, nr_access_log_format format, const nr_http_done *d)
{
    if (format == NR_ACCESS_LOG_OFF)
        return;
    char path[256];
    printable(d->path ? d->path : "", path, sizeof path);
    char method[16];
    printable(d->method ? d->method : "", method, sizeof method);
    if (format == NR_ACCESS_LOG_JSON) {
        nr_http_done clean = *d;
        clean.method = method;
        write_json(out, &clean, path);
        return;
    }
    fprintf(out, "%s %s %u %zu %.1fms\n", method, path, d->status, d->bytes, d->ms);
}
