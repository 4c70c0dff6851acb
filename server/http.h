/* http.h: the HTTP layer of nureachd on libmicrohttpd 0.9.75.
 *
 * A thread pool with an internal epoll (or poll) loop accepts connections; each request's body is
 * accumulated up to a cap (413 beyond it, without reading the rest); a routing table maps
 * (method, path) to a handler, which runs in the pool thread and fills an nr_http_response.
 * Unknown paths get 404, known paths with another method 405 with an Allow header.
 *
 * Routes carry their data (like Redis's command table): the observable a compute route asks for, the
 * formats its result can be sent in, and whether it has a GET query form. This layer applies both steps
 * once for every route: GET <path>.json|.csv?<query> becomes the POST body the query stands for
 * (query.h), and a 200 JSON result becomes CSV when the path suffix or the Accept header asks (csv.h).
 * A handler that must wait (for a job) defers its response (nr_http_defer): the connection is
 * suspended and the I/O thread serves others meanwhile. */
#ifndef NR_HTTP_H
#define NR_HTTP_H

#include <stddef.h>
#include "problem.h"

/* One decoded query-string argument ("?a=1&b" gives {"a", "1"}, {"b", NULL}). */
typedef struct {
    const char *name;
    const char *value;   /* NULL when the argument has no '=' */
    size_t name_len, value_len; /* decoded bytes: larger than strlen when the text holds a %00 */
} nr_http_arg;

#define NR_HTTP_MAX_ARGS 64

typedef enum { NR_FORMAT_JSON = 1, NR_FORMAT_CSV = 2 } nr_format;

typedef struct {
    const char *method;  /* "GET", "POST", "DELETE" (HEAD is routed as GET; a query form as POST) */
    const char *path;    /* decoded URL path, without query string or format suffix */
    const char *body;    /* NUL-terminated copy; "" when empty     */
    size_t body_len;
    const char *accept;  /* the Accept header, NULL when absent */
    const nr_http_arg *args; /* query arguments in order, at most NR_HTTP_MAX_ARGS */
    size_t n_args;
    int args_dropped;    /* 1 if the query had more arguments than NR_HTTP_MAX_ARGS */
    int observable;      /* the route's observable (nr_observable), -1 for none */
    nr_format format;    /* the format the response will be sent in (applied by this layer) */
    int format_in_path;  /* 1: the path ended in .json or .csv (stripped from path) */
    const char *client;  /* who asks: the token's name when authenticated, else the peer address */
    int admin;           /* 1: an admin token                                                     */
} nr_http_request;

#define NR_HTTP_MAX_HEADERS 8

typedef struct {
    char name[40];
    char value[160];
} nr_http_header;

typedef struct nr_http_pending nr_http_pending;

typedef struct {
    unsigned status;
    nr_http_pending *pending; /* set by nr_http_defer */
    int not_a_result;    /* 1: send the body as it is (no CSV), e.g. a job's status */
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
    int observable;      /* passed as req->observable: an nr_observable, or -1                        */
    unsigned formats;    /* NR_FORMAT_* bits a 200 result can be sent in; with NR_FORMAT_CSV a GET path */
                         /* may end in .json or .csv, and Accept picks CSV otherwise (Vary: Accept)    */
    int query_form;      /* 1: GET <path>.json|.csv?<query> is this POST route with the query as body */
} nr_route;

/* What the layer reports once a response is queued (for the metrics and the access log). */
typedef struct {
    const char *method;
    const char *path;       /* as requested, decoded                                         */
    const nr_route *route;  /* NULL when no route matched (404, 405, framing errors)          */
    int route_index;        /* route - routes, or -1                                          */
    unsigned status;
    size_t bytes;           /* body bytes                                                     */
    double ms;              /* from the request line to the response queued [ms]              */
    const char *client;     /* token name or peer address                                     */
    const char *cache;      /* the X-Nureach-Cache header ("hit", "miss"), NULL if none        */
} nr_http_done;

/* Authentication of a routed request, before its handler: fill client (a token's name; leave it empty to
 * be known by address) and *admin, return 0 to go on, or fill p (401/403) and return its status. */
typedef unsigned (*nr_http_auth_fn)(void *ctx, const nr_route *route, const char *method,
                                    const char *authorization, char client[64], int *admin, nr_problem *p);

typedef struct {
    const char *bind;
    unsigned port;
    unsigned threads, max_connections, timeout_s;
    size_t max_body_bytes;
    unsigned max_per_client;    /* connections from one address at most (0: no limit)                     */
    unsigned request_deadline_s; /* a request not fully received this long after it began is cut (0: none) */
    void (*on_done)(void *ctx, const nr_http_done *done); /* NULL: the plain stderr line */
    void *on_done_ctx;
    nr_http_auth_fn authorize;  /* NULL: everyone, known by address */
    void *auth_ctx;
} nr_http_options;

typedef struct nr_http_server nr_http_server;

/* Starts listening. 0 on success; -1 with errbuf filled. routes must outlive the server. */
int nr_http_start(const nr_http_options *opt, const nr_route *routes, size_t n_routes, void *app,
                  nr_http_server **out, char *errbuf, size_t errlen);
unsigned nr_http_port(const nr_http_server *server);
/* Stops accepting new connections (requests under way continue). */
void nr_http_quiesce(nr_http_server *server);
/* Connections cut by the request deadline since start. */
unsigned long long nr_http_connections_cut(nr_http_server *server);
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

/* Deferred responses. A handler that must wait calls nr_http_defer and returns: the connection is
 * suspended (no thread waits). Once nr_http_wake(pending) is called (from any thread, exactly once),
 * finish(ctx, resp) runs on an I/O thread and fills the response; free_ctx(ctx) runs when the request
 * ends, whether finish ran or not (the client may be gone). NULL when out of memory (resp untouched). */
typedef void (*nr_http_finish_fn)(void *ctx, nr_http_response *resp);
nr_http_pending *nr_http_defer(nr_http_response *resp, nr_http_finish_fn finish, void *ctx,
                               void (*free_ctx)(void *ctx));
void nr_http_wake(nr_http_pending *pending);

#endif
