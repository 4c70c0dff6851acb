/* http.h: the HTTP layer of nureachd on libmicrohttpd 0.9.75.
 *
 * A thread pool with an internal epoll (or poll) loop accepts connections; each request's body is
 * accumulated up to a cap (413 beyond it, without reading the rest); a routing table maps
 * (method, path) to a handler, which runs in the pool thread and fills an nr_http_response.
 * Unknown paths get 404, known paths with another method 405 with an Allow header. */
#ifndef NR_HTTP_H
#define NR_HTTP_H

#include <stddef.h>
#include "problem.h"

/* One decoded query-string argument ("?a=1&b" gives {"a", "1"}, {"b", NULL}). */
typedef struct {
    const char *name;
    const char *value;   /* NULL when the argument has no '=' */
} nr_http_arg;

#define NR_HTTP_MAX_ARGS 64

typedef struct {
    const char *method;  /* "GET", "POST", "DELETE" (HEAD is routed as GET) */
    const char *path;    /* decoded URL path, without query string */
    const char *body;    /* NUL-terminated copy; "" when empty     */
    size_t body_len;
    const char *accept;  /* the Accept header, NULL when absent */
    const nr_http_arg *args; /* query arguments in order, at most NR_HTTP_MAX_ARGS */
    size_t n_args;
    int args_dropped;    /* 1 if the query had more arguments than NR_HTTP_MAX_ARGS */
} nr_http_request;

#define NR_HTTP_MAX_HEADERS 8

typedef struct {
    char name[40];
    char value[160];
} nr_http_header;

typedef struct {
    unsigned status;
    char *body;          /* malloc'd, owned by the response */
    size_t len;
    char content_type[64];
    nr_http_header headers[NR_HTTP_MAX_HEADERS];
    int n_headers;
} nr_http_response;

typedef void (*nr_http_handler)(void *app, const nr_http_request *req, nr_http_response *resp);

/* PREFIX: paths outside /api/ starting with path (static files); API_PREFIX: any path starting with
 * path (resources with an id, e.g. /api/v1/jobs/<id>). */
typedef enum { NR_ROUTE_EXACT = 0, NR_ROUTE_PREFIX = 1, NR_ROUTE_API_PREFIX = 2 } nr_route_match;

typedef struct {
    const char *method;
    const char *path;
    nr_route_match match;
    nr_http_handler handler;
} nr_route;

typedef struct {
    const char *bind;
    unsigned port;
    unsigned threads, max_connections, timeout_s;
    size_t max_body_bytes;
} nr_http_options;

typedef struct nr_http_server nr_http_server;

/* Starts listening. 0 on success; -1 with errbuf filled. routes must outlive the server. */
int nr_http_start(const nr_http_options *opt, const nr_route *routes, size_t n_routes, void *app,
                  nr_http_server **out, char *errbuf, size_t errlen);
unsigned nr_http_port(const nr_http_server *server);
/* Stops accepting new connections (requests under way continue). */
void nr_http_quiesce(nr_http_server *server);
/* Waits for requests under way, then frees everything. */
void nr_http_stop(nr_http_server *server);

/* Response helpers (handlers call these). body is copied. */
void nr_http_respond(nr_http_response *resp, unsigned status, const char *content_type,
                     const char *body, size_t len);
/* Takes ownership of a malloc'd body. */
void nr_http_respond_owned(nr_http_response *resp, unsigned status, const char *content_type,
                           char *body, size_t len);
void nr_http_respond_problem(nr_http_response *resp, const nr_problem *p, const char *instance);
void nr_http_add_header(nr_http_response *resp, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
