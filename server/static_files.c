/* static_files.c: serves the web page from the static folder. Only plain names ([A-Za-z0-9._-]
 * components, none starting with '.') are mapped, and the resolved path must stay inside the
 * folder (symbolic links included), so no URL can reach a file outside it. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "static_files.h"

#include "api.h"

#define STATIC_MAX_BYTES (64L * 1024 * 1024)

typedef struct {
    const char *ext, *type;
} content_type;

static const content_type types[] = {
    {".html", "text/html; charset=utf-8"},  {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},          {".svg", "image/svg+xml"},
    {".png", "image/png"},                  {".ico", "image/x-icon"},
    {".txt", "text/plain; charset=utf-8"},  {".map", "application/json"},
    {".py", "text/x-python; charset=utf-8"},
};

const char *nr_static_content_type(const char *path)
{
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash))
        return NULL;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return NULL;
}

int nr_static_path_ok(const char *path)
{
    if (path[0] != '/' || strlen(path) > 1024)
        return 0;
    for (const char *p = path; *p; p++) {
        char c = *p;
        int plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-' || c == '/';
        if (!plain)
            return 0;
        if (c == '/' && (p[1] == '.' || p[1] == '/'))
            return 0; /* hidden names, "..", empty components */
    }
    return 1;
}

static void not_found(nr_http_response *resp, const char *path)
{
    nr_problem p;
    nr_problem_init(&p);
    nr_problem_set(&p, 404, "not-found", "no file at this path");
    nr_http_respond_problem(resp, &p, path);
}

/* Reads a regular file inside root; returns 0 and a malloc'd buffer, or -1. */
static int read_inside(const char *root, const char *full, char **out, size_t *len)
{
    char real[PATH_MAX];
    size_t root_len = strlen(root);
    if (!realpath(full, real) || strncmp(real, root, root_len) != 0 || real[root_len] != '/')
        return -1;
    int fd = open(real, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    struct stat st;
    char *buf = NULL;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > STATIC_MAX_BYTES ||
        !(buf = malloc((size_t)st.st_size + 1))) {
        close(fd);
        return -1;
    }
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    *out = buf;
    *len = got;
    return 0;
}

void nr_static_handle(void *app, const nr_http_request *req, nr_http_response *resp)
{
    const nr_api *api = app;
    char rel[1100];
    size_t n = strlen(req->path);
    snprintf(rel, sizeof rel, "%s%s", req->path, (n > 0 && req->path[n - 1] == '/') ? "index.html" : "");
    const char *type = nr_static_content_type(rel);
    char full[PATH_MAX + 1200];
    char *body = NULL;
    size_t len = 0;
    if (!api->static_root[0] || !type || !nr_static_path_ok(rel)) {
        not_found(resp, req->path);
        return;
    }
    snprintf(full, sizeof full, "%s%s", api->static_root, rel);
    if (read_inside(api->static_root, full, &body, &len) != 0) {
        not_found(resp, req->path);
        return;
    }
    nr_http_respond_owned(resp, 200, type, body, len);
    nr_http_add_header(resp, "Cache-Control", "no-cache");
}
