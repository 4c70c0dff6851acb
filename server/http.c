/* http.c: libmicrohttpd daemon, per-request body accumulation with a size cap, routing, responses.
 *
 * Slow clients (issue 17, reliability item 2): libmicrohttpd limits connections per address
 * (max_per_client); a reaper thread cuts (shutdown(2)) every connection whose current request has not been
 * fully received request_deadline_s after it began, however steadily it trickles bytes (the idle timeout
 * alone never fires for a client sending a byte every few seconds). A request that is fully received and
 * waits for its job is not cut. */
#include "http.h"

#include "csv.h"
#include "query.h"

#include <arpa/inet.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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
    nr_http_options opt;    /* on_done, authorize and the limits                           */
    /* connections, for the request deadline */
    pthread_mutex_t conns_lock;
    pthread_cond_t reaper_wake;
    struct conn_rec *conns;
    pthread_t reaper;
    int reaper_started, reaper_stop;
    atomic_ullong cut; /* connections cut by the deadline */
};

/* One open connection (MHD's socket context): when its current request began (or the last one ended) and
 * whether it is fully received. Guarded by conns_lock; freed when MHD reports the connection closed, which
 * happens before MHD closes the socket, so the reaper never shuts down a reused descriptor. */
typedef struct conn_rec {
    struct conn_rec *next, *prev;
    MHD_socket fd;
    struct timespec since; /* CLOCK_MONOTONIC */
    int received;          /* the current request is in: exempt from the deadline */
    int cut;
} conn_rec;

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
    const nr_route *route;    /* once routed                                   */
    unsigned suffix;          /* the format a path suffix named, 0 for none    */
    nr_format format;         /* the format the answer is sent in              */
    char instance[1024];      /* the path the handler saw (the problem instance) */
    nr_http_pending *pending; /* a deferred response                           */
    /* facts about the raw request line, recorded before libmicrohttpd decodes it (uri_logged) */
    size_t uri_len;           /* bytes of the raw URI                          */
    size_t raw_args;          /* '&'-separated pieces of its query             */
    int nul_in_path;          /* the path holds %00 (decoding would cut it)    */
    int headers_seen;         /* the first access-handler call has happened    */
    int mhd_answered;         /* libmicrohttpd queued its own error: stay quiet */
    nr_http_server *server;
    char address[64];         /* the peer address                              */
    char client[64];          /* the authenticated name, "" if none            */
    int admin;
} request_state;

/* Limits on the request line, checked before anything else so that every such request gets a
 * problem+json answer (the connection's memory pool below is sized to let libmicrohttpd parse a request
 * line far beyond them instead of failing silently). */
#define MAX_URI_BYTES 4096
#define POOL_BYTES (1024 * 1024)

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

/* ---- deferred responses ------------------------------------------------------------------ */

struct nr_http_pending {
    pthread_mutex_t lock;
    struct MHD_Connection *conn;
    int suspended, woken;
    nr_http_finish_fn finish;
    void *ctx;
    void (*free_ctx)(void *ctx);
};

nr_http_pending *nr_http_defer(nr_http_response *resp, nr_http_finish_fn finish, void *ctx,
                               void (*free_ctx)(void *ctx))
{
    nr_http_pending *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    pthread_mutex_init(&p->lock, NULL);
    p->finish = finish;
    p->ctx = ctx;
    p->free_ctx = free_ctx;
    resp->pending = p;
    return p;
}

void nr_http_wake(nr_http_pending *p)
{
    pthread_mutex_lock(&p->lock);
    p->woken = 1;
    if (p->suspended)
        MHD_resume_connection(p->conn);
    pthread_mutex_unlock(&p->lock);
}

/* After the handler deferred: suspends the connection unless the wake came already. 1 if suspended. */
static int suspend_unless_woken(nr_http_pending *p, struct MHD_Connection *conn)
{
    pthread_mutex_lock(&p->lock);
    p->conn = conn;
    int suspend = !p->woken;
    if (suspend) {
        MHD_suspend_connection(conn);
        p->suspended = 1;
    }
    pthread_mutex_unlock(&p->lock);
    return suspend;
}

static void pending_free(nr_http_pending *p)
{
    if (!p)
        return;
    if (p->free_ctx)
        p->free_ctx(p->ctx);
    pthread_mutex_destroy(&p->lock);
    free(p);
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

/* The format a path's suffix names (".json" or ".csv"), 0 for none; *stem_len: the length without it. */
static unsigned suffix_format(const char *path, size_t *stem_len)
{
    size_t n = strlen(path);
    static const struct {
        const char *suffix;
        nr_format format;
    } suffixes[] = {{".json", NR_FORMAT_JSON}, {".csv", NR_FORMAT_CSV}};
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        size_t k = strlen(suffixes[i].suffix);
        if (n > k && strcmp(path + n - k, suffixes[i].suffix) == 0) {
            *stem_len = n - k;
            return suffixes[i].format;
        }
    }
    *stem_len = n;
    return 0;
}

/* A route answering GET <stem><suffix> in that format: a GET route that declares formats (prefix routes:
 * a sub-resource such as /result.csv) or a POST route with a query form. */
static int suffix_route_ok(const nr_route *r, const char *m, unsigned format)
{
    if (!(r->formats & format) || strcmp(m, "GET") != 0)
        return 0;
    return r->query_form ? strcmp(r->method, "POST") == 0
                         : r->match != NR_ROUTE_EXACT && strcmp(r->method, "GET") == 0;
}

typedef struct {
    const nr_route *route;
    char path[1024];     /* the path the handler sees (without a format suffix) */
    unsigned suffix;     /* the format the suffix named, 0 for none             */
} routed;

static void allow_append(char *allow, size_t cap, const char *method)
{
    if (strstr(allow, method))
        return;
    size_t used = strlen(allow);
    snprintf(allow + used, cap - used, "%s%s%s", used ? ", " : "", method,
             strcmp(method, "GET") == 0 ? ", HEAD" : "");
}

/* Finds the route; on failure fills resp with 404 or 405 (+ Allow) and returns -1. */
static int route(const nr_http_server *s, const char *method, const char *path, routed *out,
                 nr_http_response *resp)
{
    const char *m = strcmp(method, "HEAD") == 0 ? "GET" : method;
    char allow[96] = "";
    if (strlen(path) >= sizeof out->path) {
        problem_response(resp, 414, "uri-too-long", NULL, "the path is longer than 1023 bytes");
        return -1;
    }
    size_t stem_len;
    unsigned suffix = suffix_format(path, &stem_len);
    out->route = NULL;
    out->suffix = 0;
    if (suffix && stem_len < sizeof out->path) {
        memcpy(out->path, path, stem_len);
        out->path[stem_len] = '\0';
        for (size_t i = 0; i < s->n_routes; i++) {
            const nr_route *r = &s->routes[i];
            if (!(r->formats & suffix) || !(r->query_form || r->match != NR_ROUTE_EXACT) ||
                !route_matches_path(r, out->path))
                continue;
            if (suffix_route_ok(r, m, suffix)) {
                out->route = r;
                out->suffix = suffix;
                return 0;
            }
            allow_append(allow, sizeof allow, "GET");
        }
    }
    snprintf(out->path, sizeof out->path, "%s", path);
    for (size_t i = 0; i < s->n_routes; i++) {
        const nr_route *r = &s->routes[i];
        if (!route_matches_path(r, path))
            continue;
        if (strcmp(r->method, m) == 0) {
            out->route = r;
            return 0;
        }
        allow_append(allow, sizeof allow, r->method);
    }
    if (allow[0]) {
        char detail[200];
        snprintf(detail, sizeof detail, "%s is not allowed here; allowed: %s", m, allow);
        problem_response(resp, 405, "method-not-allowed", path, detail);
        nr_http_add_header(resp, "Allow", "%s", allow);
    } else {
        problem_response(resp, 404, "not-found", path, "no resource at this path");
    }
    return -1;
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

/* The output-format step, once for every route that declares formats. */
static void apply_format(const request_state *st, nr_http_response *resp)
{
    if (!st->route || !(st->route->formats & NR_FORMAT_CSV))
        return;
    if (!st->suffix)
        nr_http_add_header(resp, "Vary", "Accept");
    /* a job resource is sent as it is, except when a CSV was asked for: then a job under way (202, or 409 for a
     * result that is not ready) becomes 503 + Retry-After in nr_respond_in_csv, never a 2xx a table reader reads */
    if (st->format == NR_FORMAT_CSV && (!resp->not_a_result || resp->status == 202 || resp->status == 409))
        nr_respond_in_csv(resp, st->instance);
}

static const char *cache_header(const nr_http_response *resp)
{
    for (int i = 0; i < resp->n_headers; i++)
        if (strcasecmp(resp->headers[i].name, "X-Nureach-Cache") == 0)
            return resp->headers[i].value;
    return NULL;
}

static const char *client_of(const request_state *st)
{
    return st->client[0] ? st->client : st->address;
}

static enum MHD_Result answer(struct MHD_Connection *conn, const char *method, const char *path,
                              request_state *st, nr_http_response *resp)
{
    apply_format(st, resp);
    unsigned status = resp->status;
    size_t len = resp->len;
    char cache[16] = "";
    const char *hdr = cache_header(resp);
    if (hdr)
        snprintf(cache, sizeof cache, "%s", hdr);
    enum MHD_Result ok = queue(conn, resp);
    st->responded = ok == MHD_YES;
    if (ok != MHD_YES)
        return ok;
    const nr_http_server *s = st->server;
    double ms = ms_since(&st->started);
    if (s && s->opt.on_done) {
        nr_http_done d = {method, path, st->route, st->route ? (int)(st->route - s->routes) : -1, status, len, ms,
                          client_of(st), hdr ? cache : NULL};
        s->opt.on_done(s->opt.on_done_ctx, &d);
    } else {
        log_request(method, path, status, len, ms);
    }
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

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
                                   const char *value, size_t value_size)
{
    (void)kind;
    query_args *q = cls;
    if (q->n >= NR_HTTP_MAX_ARGS) {
        q->dropped = 1;
        return MHD_YES;
    }
    q->args[q->n] = (nr_http_arg){key ? key : "", value, key ? key_size : 0, value ? value_size : 0};
    q->n++;
    return MHD_YES;
}

/* The query step of a GET query form: the body the query stands for (owned by st). 0 if fine, -1 with
 * resp filled (400). */
static int query_to_body(request_state *st, const query_args *q, nr_http_response *resp)
{
    nr_problem p;
    nr_problem_init(&p);
    json_t *body = nr_query_to_body(q->args, q->n, q->dropped, &p);
    char *text = body ? json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(17)) : NULL;
    json_decref(body);
    if (!text) {
        if (!p.status)
            nr_problem_set(&p, 503, "unavailable", "out of memory; try again later");
        nr_http_respond_problem(resp, &p, st->instance);
        return -1;
    }
    free(st->body);
    st->body = text;
    st->len = strlen(text);
    return 0;
}

static void run_handler(const nr_http_server *s, struct MHD_Connection *conn, const char *method,
                        request_state *st, nr_http_response *resp)
{
    query_args q;
    memset(&q, 0, sizeof q);
    MHD_get_connection_values_n(conn, MHD_GET_ARGUMENT_KIND, collect_arg, &q);
    const nr_route *r = st->route;
    int query_form = r->query_form && strcmp(r->method, method) != 0;
    if (query_form && query_to_body(st, &q, resp) != 0)
        return;
    const char *accept = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
    st->format = st->suffix ? (nr_format)st->suffix
                 : (r->formats & NR_FORMAT_CSV) && nr_accept_wants_csv(accept) ? NR_FORMAT_CSV
                                                                               : NR_FORMAT_JSON;
    nr_http_request req = {query_form ? r->method : method, st->instance, st->body ? st->body : "", st->len,
                           accept, q.args, q.n, q.dropped, r->observable, st->format, st->suffix != 0,
                           client_of(st), st->admin};
    r->handler(s->app, &req, resp);
}

/* The final call of a request whose handler deferred its response: builds and queues it. */
static enum MHD_Result answer_pending(struct MHD_Connection *conn, const char *method, const char *url,
                                      request_state *st)
{
    nr_http_response resp = {0};
    st->pending->finish(st->pending->ctx, &resp);
    if (!resp.status)
        problem_response(&resp, 500, "internal-error", url, "the handler gave no response");
    return answer(conn, method, url, st, &resp);
}

/* Called by libmicrohttpd with the raw URI before it decodes it; the state it returns becomes *con_cls. */
static void peer_address(struct MHD_Connection *conn, char *out, size_t cap)
{
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = info ? info->client_addr : NULL;
    snprintf(out, cap, "unknown");
    if (sa && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, (socklen_t)cap);
    else if (sa && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out, (socklen_t)cap);
}

static void *uri_logged(void *cls, const char *uri, struct MHD_Connection *conn)
{
    request_state *st = calloc(1, sizeof *st);
    if (!st)
        return NULL;
    st->server = cls;
    peer_address(conn, st->address, sizeof st->address);
    clock_gettime(CLOCK_MONOTONIC, &st->started);
    st->uri_len = strlen(uri);
    const char *query = strchr(uri, '?');
    size_t path_len = query ? (size_t)(query - uri) : st->uri_len;
    for (size_t i = 0; i + 2 < path_len; i++)
        if (uri[i] == '%' && uri[i + 1] == '0' && uri[i + 2] == '0')
            st->nul_in_path = 1;
    if (query)
        for (const char *c = query; *c; c++)
            st->raw_args += *c == '&' || c == query;
    return st;
}

typedef struct {
    const char *first;
    int n, differ;
} header_count;

static enum MHD_Result count_content_length(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    header_count *h = cls;
    if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) != 0)
        return MHD_YES;
    if (h->n++ == 0)
        h->first = value;
    else if (strcmp(h->first, value ? value : "") != 0)
        h->differ = 1;
    return MHD_YES;
}

/* 1 if a Content-Length value is what libmicrohttpd accepts (1 to 19 digits); otherwise it has queued its
 * own 400 or 413 already. */
static int content_length_valid(const char *v)
{
    size_t n = strspn(v, "0123456789");
    return n > 0 && n < 20 && v[n] == '\0';
}

/* The request-line and framing rules (RFC 9112 sec. 6.1-6.3): status and problem for a request to refuse
 * before routing, 0 for none. */
static unsigned framing_problem(struct MHD_Connection *conn, const request_state *st, nr_problem *p)
{
    if (st->nul_in_path) {
        nr_problem_set(p, 400, "invalid-request", "the path holds a NUL byte (%%00)");
        return 400;
    }
    if (st->uri_len > MAX_URI_BYTES) {
        nr_problem_set(p, 414, "uri-too-long", "the URI has %zu bytes; at most %d are accepted (send the request "
                       "as a POST body)", st->uri_len, MAX_URI_BYTES);
        return 414;
    }
    if (st->raw_args > NR_HTTP_MAX_ARGS) {
        nr_problem_set(p, 431, "too-many-arguments", "the query has %zu arguments; at most %d are accepted",
                       st->raw_args, NR_HTTP_MAX_ARGS);
        return 431;
    }
    const char *te = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
    header_count cl = {NULL, 0, 0};
    MHD_get_connection_values(conn, MHD_HEADER_KIND, count_content_length, &cl);
    if (te && strcasecmp(te, "chunked") != 0) {
        char quoted[68];
        nr_quote_user(te, quoted, 64);
        nr_problem_set(p, 501, "not-implemented", "Transfer-Encoding '%s' is not supported (only chunked)", quoted);
        return 501;
    }
    if (te && cl.n > 0) {
        nr_problem_set(p, 400, "invalid-request", "Content-Length and Transfer-Encoding: chunked together "
                       "(RFC 9112 sec. 6.3): send one of them");
        return 400;
    }
    if (cl.differ) {
        nr_problem_set(p, 400, "invalid-request", "%d Content-Length headers with different values", cl.n);
        return 400;
    }
    return 0;
}

/* The first access-handler call (headers only): 1 if answered or to stay quiet (MHD answered itself). */
static int first_call(const nr_http_server *s, struct MHD_Connection *conn, const char *method, const char *url,
                      request_state *st, enum MHD_Result *rc)
{
    st->headers_seen = 1;
    *rc = MHD_YES;
    const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl && !content_length_valid(cl)) {
        /* libmicrohttpd 0.9.75 has queued its own 400/413 (HTML) before calling us: a second answer would send
         * a second status line on the same connection */
        st->mhd_answered = 1;
        return 1;
    }
    nr_problem p;
    nr_problem_init(&p);
    if (framing_problem(conn, st, &p)) {
        nr_http_response resp = {0};
        nr_http_respond_problem(&resp, &p, strlen(url) <= 256 ? url : NULL);
        nr_http_add_header(&resp, "Connection", "close");
        *rc = answer(conn, method, url, st, &resp);
        return 1;
    }
    if (content_length_too_large(conn, s->max_body)) {
        st->too_large = 1;
        *rc = answer_too_large(s, conn, method, url, st);
        return 1;
    }
    return 0;
}

/* ---- connections: the request deadline ---------------------------------------------------------- */

static void mark_received(nr_http_server *s, struct MHD_Connection *conn, int received)
{
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    conn_rec *c = info ? info->socket_context : NULL;
    if (!c)
        return;
    pthread_mutex_lock(&s->conns_lock);
    c->received = received;
    if (!received)
        clock_gettime(CLOCK_MONOTONIC, &c->since);
    pthread_mutex_unlock(&s->conns_lock);
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    nr_http_server *s = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        conn_rec *c = calloc(1, sizeof *c);
        const union MHD_ConnectionInfo *info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        if (!c || !info) {
            free(c);
            *socket_context = NULL;
            return;
        }
        c->fd = info->connect_fd;
        clock_gettime(CLOCK_MONOTONIC, &c->since);
        pthread_mutex_lock(&s->conns_lock);
        c->next = s->conns;
        if (s->conns)
            s->conns->prev = c;
        s->conns = c;
        pthread_mutex_unlock(&s->conns_lock);
        *socket_context = c;
        return;
    }
    conn_rec *c = *socket_context;
    if (!c)
        return;
    pthread_mutex_lock(&s->conns_lock);
    if (c->prev)
        c->prev->next = c->next;
    else
        s->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    pthread_mutex_unlock(&s->conns_lock);
    free(c);
    *socket_context = NULL;
}

/* Every second: shuts down the connections whose request is overdue (libmicrohttpd then reads end-of-file
 * and closes them on its own thread). */
static void *reaper_loop(void *arg)
{
    nr_http_server *s = arg;
    pthread_mutex_lock(&s->conns_lock);
    while (!s->reaper_stop) {
        struct timespec now, wake;
        clock_gettime(CLOCK_MONOTONIC, &now);
        for (conn_rec *c = s->conns; c; c = c->next) {
            double age = (double)(now.tv_sec - c->since.tv_sec) + (double)(now.tv_nsec - c->since.tv_nsec) * 1e-9;
            if (!c->received && !c->cut && age > (double)s->opt.request_deadline_s) {
                shutdown(c->fd, SHUT_RDWR);
                c->cut = 1;
                atomic_fetch_add(&s->cut, 1);
            }
        }
        wake = now;
        wake.tv_sec += 1;
        pthread_cond_timedwait(&s->reaper_wake, &s->conns_lock, &wake);
    }
    pthread_mutex_unlock(&s->conns_lock);
    return NULL;
}

/* ---- authentication ------------------------------------------------------------------------------- */

/* 1 if the request may go on; else resp holds the 401/403. */
static int authorized(nr_http_server *s, struct MHD_Connection *conn, const char *method, request_state *st,
                      nr_http_response *resp)
{
    if (!s->opt.authorize)
        return 1;
    const char *authorization = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    nr_problem p;
    nr_problem_init(&p);
    char client[64] = "";
    int admin = 0;
    unsigned status = s->opt.authorize(s->opt.auth_ctx, st->route, method, authorization, client, &admin, &p);
    if (!status) {
        snprintf(st->client, sizeof st->client, "%s", client);
        st->admin = admin;
        return 1;
    }
    nr_http_respond_problem(resp, &p, st->instance);
    if (status == 401)
        nr_http_add_header(resp, "WWW-Authenticate", "Bearer realm=\"nureach\"");
    return 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)version;
    nr_http_server *s = cls;
    request_state *st = *con_cls;
    if (!st)
        return MHD_NO; /* out of memory in uri_logged */
    if (!st->headers_seen) { /* first call: headers only */
        enum MHD_Result rc;
        first_call(s, conn, method, url, st, &rc);
        return rc;
    }
    if (st->mhd_answered)
        return MHD_YES;
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
    if (st->pending) /* resumed after nr_http_wake */
        return answer_pending(conn, method, url, st);
    if (st->too_large)
        return answer_too_large(s, conn, method, url, st);

    mark_received(s, conn, 1);
    nr_http_response resp = {0};
    routed rt;
    if (route(s, method, url, &rt, &resp) == 0) {
        st->route = rt.route;
        st->suffix = rt.suffix;
        snprintf(st->instance, sizeof st->instance, "%s", rt.path);
        if (!authorized(s, conn, method, st, &resp))
            return answer(conn, method, url, st, &resp);
        run_handler(s, conn, method, st, &resp);
        if (resp.pending) {
            st->pending = resp.pending;
            if (suspend_unless_woken(st->pending, conn))
                return MHD_YES;
            return answer_pending(conn, method, url, st);
        }
        if (!resp.status)
            problem_response(&resp, 500, "internal-error", url, "the handler gave no response");
    }
    return answer(conn, method, url, st, &resp);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode code)
{
    (void)code;
    mark_received(cls, conn, 0); /* the next request on this connection starts its clock now */
    request_state *st = *con_cls;
    if (st) {
        pending_free(st->pending);
        free(st->body);
        free(st);
        *con_cls = NULL;
    }
}

/* ---- daemon lifecycle --------------------------------------------------------------------- */

static struct MHD_Daemon *start_daemon(nr_http_server *s, const nr_http_options *opt,
                                       unsigned poll_flag, const struct sockaddr *addr, int ipv6)
{
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | poll_flag | MHD_USE_ITC | MHD_USE_ERROR_LOG |
                     MHD_ALLOW_SUSPEND_RESUME;
    if (ipv6)
        flags |= MHD_USE_IPv6;
    return MHD_start_daemon(flags, (uint16_t)opt->port, NULL, NULL, on_request, s,
                            MHD_OPTION_SOCK_ADDR, addr,
                            MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)opt->threads,
                            MHD_OPTION_CONNECTION_LIMIT, (unsigned int)opt->max_connections,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)opt->timeout_s,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)POOL_BYTES,
                            MHD_OPTION_URI_LOG_CALLBACK, uri_logged, s,
                            MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
                            MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
                            MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)opt->max_per_client,
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
    s->opt = *opt;
    pthread_mutex_init(&s->conns_lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&s->reaper_wake, &attr);
    pthread_condattr_destroy(&attr);
    if (MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES)
        s->daemon = start_daemon(s, opt, MHD_USE_EPOLL, addr, ipv6);
    if (!s->daemon)
        s->daemon = start_daemon(s, opt, MHD_USE_POLL, addr, ipv6);
    if (!s->daemon) {
        snprintf(errbuf, errlen, "cannot listen on %s port %u (address in use or not available)",
                 opt->bind, opt->port);
        pthread_cond_destroy(&s->reaper_wake);
        pthread_mutex_destroy(&s->conns_lock);
        free(s);
        return -1;
    }
    if (opt->request_deadline_s && pthread_create(&s->reaper, NULL, reaper_loop, s) == 0)
        s->reaper_started = 1;
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

unsigned long long nr_http_connections_cut(nr_http_server *s)
{
    return s ? atomic_load(&s->cut) : 0;
}

void nr_http_stop(nr_http_server *s)
{
    if (!s)
        return;
    if (s->reaper_started) {
        pthread_mutex_lock(&s->conns_lock);
        s->reaper_stop = 1;
        pthread_cond_signal(&s->reaper_wake);
        pthread_mutex_unlock(&s->conns_lock);
        pthread_join(s->reaper, NULL);
    }
    MHD_stop_daemon(s->daemon);
    if (s->quiesced && s->quiesced_fd != MHD_INVALID_SOCKET)
        close(s->quiesced_fd);
    pthread_cond_destroy(&s->reaper_wake);
    pthread_mutex_destroy(&s->conns_lock);
    free(s);
}
