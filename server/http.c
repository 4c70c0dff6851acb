/* http.c: libmicrohttpd daemon, per-request body accumulation with a size cap, routing, responses. */
#include "http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct nr_http_server {
    struct MHD_Daemon *daemon;
    const nr_route *routes;
    size_t n_routes;
    void *app;
    size_t max_body;
    unsigned port;
    int quiesced;
    MHD_socket quiesced_fd; /* closed only after MHD_stop_daemon (MHD may still poll it) */
};

/* Oversized bodies without Content-Length are read and thrown away up to this many bytes so the
 * client gets its 413; beyond it the connection is closed. */
#define DISCARD_LIMIT(max_body) ((max_body) < (1u << 20) ? (size_t)(4u << 20) : 4 * (max_body))

/* Per-request state, from the first call of the access handler to the completion callback. */
typedef struct {
    char *body;
    size_t len, cap;
    int too_large;   /* the body passed the cap: answered (or to answer) 413 */
    int responded;   /* a response is queued: discard any further upload     */
    size_t discarded; /* bytes of an oversized body thrown away               */
    struct timespec started;
} request_state;

static double ms_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) * 1e-6;
}

/* ---- responses ---------------------------------------------------------------------------- */

void nr_http_respond_owned(nr_http_response *resp, unsigned status, const char *content_type,
                           char *body, size_t len)
{
    free(resp->body);
    resp->status = status;
    resp->body = body;
    resp->len = body ? len : 0;
    snprintf(resp->content_type, sizeof resp->content_type, "%s", content_type);
}

void nr_http_respond(nr_http_response *resp, unsigned status, const char *content_type,
                     const char *body, size_t len)
{
    char *copy = malloc(len + 1);
    if (copy) {
        memcpy(copy, body, len);
        copy[len] = '\0';
    }
    nr_http_respond_owned(resp, copy ? status : 500, content_type, copy, copy ? len : 0);
}

void nr_http_respond_problem(nr_http_response *resp, const nr_problem *p, const char *instance)
{
    size_t len = 0;
    char *text = nr_problem_to_json(p, instance, &len);
    nr_http_respond_owned(resp, p->status ? p->status : 500, "application/problem+json", text, len);
}

void nr_http_add_header(nr_http_response *resp, const char *name, const char *fmt, ...)
{
    if (resp->n_headers >= NR_HTTP_MAX_HEADERS)
        return;
    nr_http_header *h = &resp->headers[resp->n_headers++];
    snprintf(h->name, sizeof h->name, "%s", name);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(h->value, sizeof h->value, fmt, ap);
    va_end(ap);
}

static void problem_response(nr_http_response *resp, unsigned status, const char *slug,
                             const char *instance, const char *detail)
{
    nr_problem p;
    nr_problem_init(&p);
    nr_problem_set(&p, status, slug, "%s", detail);
    nr_http_respond_problem(resp, &p, instance);
}

static enum MHD_Result queue(struct MHD_Connection *conn, nr_http_response *resp)
{
    if (!resp->body) { /* out of memory while building the response */
        resp->status = 500;
        resp->len = 0;
    }
    struct MHD_Response *r = MHD_create_response_from_buffer(
        resp->len, resp->body ? resp->body : (void *)"", resp->body ? MHD_RESPMEM_MUST_FREE
                                                                    : MHD_RESPMEM_PERSISTENT);
    if (!r) {
        free(resp->body);
        resp->body = NULL;
        return MHD_NO;
    }
    resp->body = NULL; /* owned by MHD now */
    if (resp->content_type[0])
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, resp->content_type);
    for (int i = 0; i < resp->n_headers; i++)
        MHD_add_response_header(r, resp->headers[i].name, resp->headers[i].value);
    enum MHD_Result ok = MHD_queue_response(conn, resp->status, r);
    MHD_destroy_response(r);
    return ok;
}

/* ---- routing ------------------------------------------------------------------------------ */

static int is_api_path(const char *path)
{
    return strncmp(path, "/api/", 5) == 0 || strcmp(path, "/api") == 0;
}

static int route_matches_path(const nr_route *r, const char *path)
{
    if (r->match == NR_ROUTE_EXACT)
        return strcmp(r->path, path) == 0;
    if (r->match == NR_ROUTE_API_PREFIX)
        return strncmp(r->path, path, strlen(r->path)) == 0;
    return !is_api_path(path) && strncmp(r->path, path, strlen(r->path)) == 0;
}

/* Finds the handler; on failure fills resp with 404 or 405 (+ Allow). */
static nr_http_handler route(const nr_http_server *s, const char *method, const char *path,
                             nr_http_response *resp)
{
    const char *m = strcmp(method, "HEAD") == 0 ? "GET" : method;
    char allow[96] = "";
    for (size_t i = 0; i < s->n_routes; i++) {
        const nr_route *r = &s->routes[i];
        if (!route_matches_path(r, path))
            continue;
        if (strcmp(r->method, m) == 0)
            return r->handler;
        size_t used = strlen(allow);
        snprintf(allow + used, sizeof allow - used, "%s%s%s", used ? ", " : "", r->method,
                 strcmp(r->method, "GET") == 0 ? ", HEAD" : "");
    }
    if (allow[0]) {
        char detail[200];
        snprintf(detail, sizeof detail, "%s is not allowed here; allowed: %s", m, allow);
        problem_response(resp, 405, "method-not-allowed", path, detail);
        nr_http_add_header(resp, "Allow", "%s", allow);
    } else {
        problem_response(resp, 404, "not-found", path, "no resource at this path");
    }
    return NULL;
}

/* ---- MHD callbacks ------------------------------------------------------------------------ */

static void log_request(const char *method, const char *path, unsigned status, size_t len,
                        double ms)
{
    char clean[128];
    size_t i = 0;
    for (; path[i] && i + 1 < sizeof clean; i++)
        clean[i] = (path[i] > 32 && path[i] < 127) ? path[i] : '?';
    clean[i] = '\0';
    fprintf(stderr, "%s %s %u %zu %.1fms\n", method, clean, status, len, ms);
}

static enum MHD_Result answer(struct MHD_Connection *conn, const char *method, const char *path,
                              request_state *st, nr_http_response *resp)
{
    unsigned status = resp->status;
    size_t len = resp->len;
    enum MHD_Result ok = queue(conn, resp);
    st->responded = ok == MHD_YES;
    if (ok == MHD_YES)
        log_request(method, path, status, len, ms_since(&st->started));
    return ok;
}

static enum MHD_Result answer_too_large(const nr_http_server *s, struct MHD_Connection *conn,
                                        const char *method, const char *path, request_state *st)
{
    nr_http_response resp = {0};
    char detail[160];
    snprintf(detail, sizeof detail, "the request body exceeds the limit of %zu bytes", s->max_body);
    problem_response(&resp, 413, "body-too-large", path, detail);
    nr_http_add_header(&resp, "Connection", "close");
    return answer(conn, method, path, st, &resp);
}

static int content_length_too_large(struct MHD_Connection *conn, size_t max)
{
    const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (!cl)
        return 0;
    char *end = NULL;
    unsigned long long n = strtoull(cl, &end, 10);
    return end != cl && n > (unsigned long long)max;
}

/* Appends an upload chunk; returns -1 when the cap is passed. */
static int accumulate(request_state *st, const char *data, size_t size, size_t max)
{
    if (size > max || st->len > max - size)
        return -1;
    if (st->len + size + 1 > st->cap) {
        size_t cap = st->cap ? st->cap : 1024;
        while (cap < st->len + size + 1)
            cap *= 2;
        char *grown = realloc(st->body, cap);
        if (!grown)
            return -1;
        st->body = grown;
        st->cap = cap;
    }
    memcpy(st->body + st->len, data, size);
    st->len += size;
    st->body[st->len] = '\0';
    return 0;
}

/* Collects the query arguments of a request (MHD has already URL-decoded them). */
typedef struct {
    nr_http_arg args[NR_HTTP_MAX_ARGS];
    size_t n;
    int dropped;
} query_args;

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    query_args *q = cls;
    if (q->n >= NR_HTTP_MAX_ARGS) {
        q->dropped = 1;
        return MHD_YES;
    }
    q->args[q->n].name = key ? key : "";
    q->args[q->n].value = value;
    q->n++;
    return MHD_YES;
}

static void run_handler(const nr_http_server *s, struct MHD_Connection *conn, nr_http_handler h,
                        const char *method, const char *url, const request_state *st, nr_http_response *resp)
{
    query_args q;
    memset(&q, 0, sizeof q);
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_arg, &q);
    nr_http_request req = {method, url, st->body ? st->body : "", st->len,
                           MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT),
                           q.args, q.n, q.dropped};
    h(s->app, &req, resp);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)version;
    nr_http_server *s = cls;
    request_state *st = *con_cls;
    if (!st) { /* first call: headers only */
        st = calloc(1, sizeof *st);
        if (!st)
            return MHD_NO;
        clock_gettime(CLOCK_MONOTONIC, &st->started);
        *con_cls = st;
        if (content_length_too_large(conn, s->max_body)) {
            st->too_large = 1;
            return answer_too_large(s, conn, method, url, st);
        }
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (st->responded || st->too_large) {
            /* MHD 0.9.75 accepts a response only before or after the body: discard the rest of an
             * oversized chunked body up to a bound, then drop the connection */
            st->discarded += n;
            return st->discarded > DISCARD_LIMIT(s->max_body) ? MHD_NO : MHD_YES;
        }
        if (accumulate(st, upload_data, n, s->max_body) != 0) {
            st->too_large = 1;
            free(st->body);
            st->body = NULL;
            st->len = st->cap = 0;
            /* MHD refuses a response in mid-body: the 413 goes out once the body ends */
        }
        return MHD_YES;
    }
    if (st->responded)
        return MHD_YES;
    if (st->too_large)
        return answer_too_large(s, conn, method, url, st);

    nr_http_response resp = {0};
    nr_http_handler h = route(s, method, url, &resp);
    if (h) {
        run_handler(s, conn, h, method, url, st, &resp);
        if (!resp.status)
            problem_response(&resp, 500, "internal-error", url, "the handler gave no response");
    }
    return answer(conn, method, url, st, &resp);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode code)
{
    (void)cls;
    (void)conn;
    (void)code;
    request_state *st = *con_cls;
    if (st) {
        free(st->body);
        free(st);
        *con_cls = NULL;
    }
}

/* ---- daemon lifecycle --------------------------------------------------------------------- */

static struct MHD_Daemon *start_daemon(nr_http_server *s, const nr_http_options *opt,
                                       unsigned poll_flag, const struct sockaddr *addr, int ipv6)
{
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | poll_flag | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    if (ipv6)
        flags |= MHD_USE_IPv6;
    return MHD_start_daemon(flags, (uint16_t)opt->port, NULL, NULL, on_request, s,
                            MHD_OPTION_SOCK_ADDR, addr,
                            MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)opt->threads,
                            MHD_OPTION_CONNECTION_LIMIT, (unsigned int)opt->max_connections,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)opt->timeout_s,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(128 * 1024),
                            MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
                            MHD_OPTION_END);
}

int nr_http_start(const nr_http_options *opt, const nr_route *routes, size_t n_routes, void *app,
                  nr_http_server **out, char *errbuf, size_t errlen)
{
    *out = NULL;
    struct sockaddr_in v4 = {0};
    struct sockaddr_in6 v6 = {0};
    const struct sockaddr *addr;
    int ipv6 = 0;
    if (inet_pton(AF_INET, opt->bind, &v4.sin_addr) == 1) {
        v4.sin_family = AF_INET;
        v4.sin_port = htons((uint16_t)opt->port);
        addr = (const struct sockaddr *)&v4;
    } else if (inet_pton(AF_INET6, opt->bind, &v6.sin6_addr) == 1) {
        v6.sin6_family = AF_INET6;
        v6.sin6_port = htons((uint16_t)opt->port);
        addr = (const struct sockaddr *)&v6;
        ipv6 = 1;
    } else {
        snprintf(errbuf, errlen, "cannot parse bind address '%s'", opt->bind);
        return -1;
    }
    nr_http_server *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(errbuf, errlen, "out of memory");
        return -1;
    }
    s->routes = routes;
    s->n_routes = n_routes;
    s->app = app;
    s->max_body = opt->max_body_bytes;
    if (MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES)
        s->daemon = start_daemon(s, opt, MHD_USE_EPOLL, addr, ipv6);
    if (!s->daemon)
        s->daemon = start_daemon(s, opt, MHD_USE_POLL, addr, ipv6);
    if (!s->daemon) {
        snprintf(errbuf, errlen, "cannot listen on %s port %u (address in use or not available)",
                 opt->bind, opt->port);
        free(s);
        return -1;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : opt->port;
    *out = s;
    return 0;
}

unsigned nr_http_port(const nr_http_server *s)
{
    return s->port;
}

void nr_http_quiesce(nr_http_server *s)
{
    if (!s || s->quiesced)
        return;
    s->quiesced_fd = MHD_quiesce_daemon(s->daemon);
    s->quiesced = 1;
}

void nr_http_stop(nr_http_server *s)
{
    if (!s)
        return;
    MHD_stop_daemon(s->daemon);
    if (s->quiesced && s->quiesced_fd != MHD_INVALID_SOCKET)
        close(s->quiesced_fd);
    free(s);
}
