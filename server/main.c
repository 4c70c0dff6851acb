/* main.c: nureachd, straight line (or one of the commands of commands.h: `nureachd cache ...`, `nureachd scan ...`): defaults -> config -> data check and engine -> cache -> HTTP
 * daemon -> wait for SIGTERM/SIGINT -> graceful shutdown (stop accepting, finish requests under way,
 * close the cache and the engine). Exit codes: 0 clean shutdown, 1 start-up failure, 2 bad config. */
#include <errno.h>
#include <gsl/gsl_errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "cache.h"
#include "commands.h"
#include "config.h"
#include "nureach.h"
#include "http.h"
#include "access_log.h"
#include "auth.h"
#include "metrics.h"

/* Job records kept in memory: at most this many, each for this long after it finished, with at most
 * this many bytes of result bodies (the results themselves stay in the cache). */
#define JOB_RECORDS_MAX 256
#define JOB_RECORD_TTL_S 600.0
#define JOB_BODIES_MAX_BYTES ((size_t)64 << 20)

static int open_cache(const nr_config *cfg, nr_cache **cache)
{
    char err[512], path[PATH_MAX];
    if (nr_config_make_dir(cfg->state_dir, err, sizeof err) != 0) {
        fprintf(stderr, "nureachd: --state-dir: %s\n", err);
        return -1;
    }
    snprintf(path, sizeof path, "%s/cache.sqlite", cfg->state_dir);
    int64_t max_bytes = (int64_t)cfg->cache_max_mb * 1024 * 1024;
    int rc = nr_cache_open(path, max_bytes, cache, err, sizeof err);
    if (rc == NR_CACHE_OPEN_OK)
        return 0;
    /* The cache holds only derived results: a file proven unusable (damaged, another program's, a newer schema)
     * is moved aside, kept for inspection, and the daemon starts with an empty cache instead of refusing to run.
     * Any other failure (a full disk, a read-only folder, an I/O error) proves nothing against the file: it is
     * left alone and the daemon exits, so that it starts with its cache once the disk is fixed. */
    char aside[PATH_MAX + 32];
    if (rc == NR_CACHE_OPEN_UNUSABLE && nr_cache_move_aside(path, aside, sizeof aside) == 0) {
        fprintf(stderr, "nureachd: warning: the cache %s is unusable (%s); moved it to %s and starting empty\n",
                path, err, aside);
        if (nr_cache_open(path, max_bytes, cache, err, sizeof err) == 0)
            return 0;
    }
    fprintf(stderr, "nureachd: cannot open the cache %s: %s%s\n", path, err,
            rc == NR_CACHE_OPEN_UNUSABLE ? "" : " (the file was left as it is)");
    return -1;
}

/* Writes the port to path atomically (temporary file + rename). */
static int write_port_file(const char *path, unsigned port)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f)
        return -1;
    int bad = fprintf(f, "%u\n", port) < 0;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

/* Blocks SIGTERM and SIGINT in this thread (and so in every thread started after it). */
static void block_stop_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGINT);
    pthread_sigmask(SIG_BLOCK, set, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* A stop waits this long for the background cross-section build; if it is still running then (it takes
 * about 1 s alone, 10-20 s on a loaded 2-core machine), the daemon exits without closing the engine it uses:
 * the process ends either way, and a SIGTERM must not wait for a warm-up nobody needs any more. */
#define WARM_UP_STOP_WAIT_MS 500

typedef struct {
    nr_engine *engine;
    atomic_int done;
    atomic_int stop; /* set at shutdown: no further set is started */
} warm_up;

/* Reads every data set the engine reads on first use (PDF sets, DarkCast, meson and Helm tables: 30-40 ms CPU), then
 * builds every PDF set's cross-section table (about 1 s each, the default set first) in the background, so the
 * first user request pays for neither; a request that arrives earlier reads or builds what it needs itself, or
 * waits for that one data set or table (engine.h). The files were checked against the manifest before start-up. */
static void *warm_cross_sections(void *arg)
{
    warm_up *w = arg;
    nr_error err;
    nr_error_clear(&err);
    if (nr_engine_load_all(w->engine, &w->stop, &err) != NR_OK)
        fprintf(stderr, "nureachd: warning: reading the data failed: %s: %s\n", err.where, err.message);
    nr_error_clear(&err);
    if (nr_engine_warm_cc_tables(w->engine, &w->stop, &err) != NR_OK)
        fprintf(stderr, "nureachd: warning: building the PDF cross-section tables failed: %s\n", err.message);
    atomic_store(&w->done, 1);
    return NULL;
}

/* 1 if the warm-up thread ended (and was joined) within WARM_UP_STOP_WAIT_MS. */
static int finish_warm_up(pthread_t thread, warm_up *w)
{
    for (int waited_ms = 0; !atomic_load(&w->done) && waited_ms < WARM_UP_STOP_WAIT_MS; waited_ms += 10)
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    if (!atomic_load(&w->done)) {
        fprintf(stderr, "nureachd: the cross-section warm-up is still running; exiting without waiting for it\n");
        pthread_detach(thread);
        return 0;
    }
    pthread_join(thread, NULL);
    return 1;
}

/* With --auth tokens: the token table of the cache file. 0, or -1 with the reason on stderr. */
static int open_auth(const nr_config *cfg, nr_auth **auth)
{
    *auth = NULL;
    if (strcmp(cfg->auth, "tokens") != 0)
        return 0;
    char path[4096], err[512];
    nr_command_cache_path(cfg, path, sizeof path);
    if (nr_auth_open(path, (int)cfg->open_read, auth, err, sizeof err) != 0) {
        fprintf(stderr, "nureachd: --auth tokens: %s\n", err);
        return -1;
    }
    long n = nr_auth_count(*auth);
    fprintf(stderr, "nureachd: API tokens required (%ld valid)%s\n", n,
            cfg->open_read ? "; read-only endpoints open" : "");
    if (n == 0)
        fprintf(stderr, "nureachd: warning: no valid token: create one with 'nureachd token add NAME'\n");
    return 0;
}

/* Every answered request: counted in the metrics, written to the access log. */
typedef struct {
    nr_metrics *metrics;
    nr_access_log_format log_format;
} request_observer;

static void observe_request(void *ctx, const nr_http_done *done)
{
    const request_observer *o = ctx;
    nr_metrics_observe(o->metrics, done);
    nr_access_log_write(stderr, o->log_format, done);
}

/* Serves until SIGTERM/SIGINT. *engine_free is set to 0 if a background thread may still use the engine. */
static int serve(const nr_config *cfg, nr_api *api, nr_auth *auth, nr_engine *engine, sigset_t *stop_signals,
                 int *engine_free)
{
    static request_observer observer; /* read by HTTP threads until nr_http_stop returns */
    observer.metrics = api->metrics;
    observer.log_format = (nr_access_log_format)nr_access_log_parse(cfg->access_log);
    nr_http_options opt = {cfg->bind, cfg->port, cfg->threads, cfg->max_connections, cfg->timeout_s,
                           (size_t)cfg->max_body_kb * 1024, cfg->max_per_client, cfg->request_deadline_s,
                           observe_request, &observer, auth ? nr_auth_check : NULL, auth};
    nr_http_server *server = NULL;
    char err[512];
    if (nr_http_start(&opt, nr_api_routes, nr_api_n_routes, api, &server, err, sizeof err) != 0) {
        fprintf(stderr, "nureachd: %s\n", err);
        return -1;
    }
    atomic_store(&api->http, server); /* HTTP threads may already serve /metrics */
    unsigned port = nr_http_port(server);
    if (cfg->port_file && write_port_file(cfg->port_file, port) != 0) {
        fprintf(stderr, "nureachd: --port-file: cannot write %s: %s\n", cfg->port_file, strerror(errno));
        nr_http_stop(server);
        return -1;
    }
    int ipv6 = strchr(cfg->bind, ':') != NULL;
    printf("nureachd listening on http://%s%s%s:%u/\n", ipv6 ? "[" : "", cfg->bind, ipv6 ? "]" : "",
           port);
    fflush(stdout);
    pthread_t warm;
    static warm_up w; /* outlives serve(): a detached warm-up may still write w.done */
    w.engine = engine;
    atomic_init(&w.done, 0);
    atomic_init(&w.stop, 0);
    int warming = pthread_create(&warm, NULL, warm_cross_sections, &w) == 0;
    int sig = 0;
    while (sigwait(stop_signals, &sig) != 0) {
    }
    fprintf(stderr, "nureachd: signal %d: shutting down\n", sig);
    nr_http_quiesce(server);
    nr_api_shutdown_jobs(api); /* cancels jobs and wakes the requests waiting for them */
    nr_http_stop(server);
    atomic_store(&w.stop, 1);
    if (warming)
        *engine_free = finish_warm_up(warm, &w); /* the engine is closed after this returns, if free */
    return 0;
}

int main(int argc, char **argv)
{
    /* first of all: a SIGTERM during start-up then waits for sigwait and ends in a clean shutdown,
     * and every thread created later inherits the mask */
    gsl_set_error_handler_off();
    if (argc > 1 && strcmp(argv[1], "cache") == 0) /* nureachd cache check|backup|restore (commands.h) */
        return nr_command_cache(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "token") == 0) /* nureachd token add|list|revoke (auth.h) */
        return nr_command_token(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "scan") == 0) /* nureachd scan --shard i/n | --merge (commands.h) */
        return nr_command_scan(argc - 1, argv + 1);
    sigset_t stop_signals;
    block_stop_signals(&stop_signals);
    nr_config cfg;
    nr_config_defaults(&cfg);
    char err[512];
    int rc = nr_config_load(&cfg, argc, argv, err, sizeof err);
    if (rc == NR_CONFIG_EXIT)
        return 0;
    if (rc == NR_CONFIG_BAD) {
        fprintf(stderr, "nureachd: %s\n", err);
        return 2;
    }
    nr_engine *engine = NULL;
    if (nr_command_open_engine(&cfg, &engine) != 0)
        return 1;
    nr_cache *cache = NULL;
    if (open_cache(&cfg, &cache) != 0) {
        nr_engine_free(engine);
        return 1;
    }
    nr_api api;
    int status = 1, engine_free = 1;
    unsigned client_running = cfg.client_running ? cfg.client_running
                                                 : cfg.job_threads > 1 ? cfg.job_threads - 1 : 1;
    nr_api_job_settings jobs = {{cfg.job_threads, cfg.job_queue, JOB_RECORDS_MAX, JOB_RECORD_TTL_S,
                                 JOB_BODIES_MAX_BYTES, (double)cfg.job_max_s, client_running, cfg.client_queued},
                                {cfg.compute_wait_ms, cfg.compute_wait_ms, cfg.job_wait_ms}, cfg.csv_wait_ms};
    if (nr_api_init(&api, engine, cache, cfg.static_dir, cfg.schema_dir, &jobs, err, sizeof err) != 0) {
        fprintf(stderr, "nureachd: %s\n", err);
    } else {
        nr_auth *auth = NULL;
        if (open_auth(&cfg, &auth) == 0) {
            api.auth_on = auth != NULL;
            status = serve(&cfg, &api, auth, engine, &stop_signals, &engine_free) == 0 ? 0 : 1;
        }
        nr_auth_close(auth);
        nr_api_free(&api);
    }
    nr_cache_close(cache);
    if (engine_free)
        nr_engine_free(engine);
    if (status == 0)
        fprintf(stderr, "nureachd: stopped\n");
    return status;
}
