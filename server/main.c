/* main.c: nureachd, straight line: defaults -> config -> data check and engine -> cache -> HTTP
 * daemon -> wait for SIGTERM/SIGINT -> graceful shutdown (stop accepting, finish requests under way,
 * close the cache and the engine). Exit codes: 0 clean shutdown, 1 start-up failure, 2 bad config. */
#include <errno.h>
#include <gsl/gsl_errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "cache.h"
#include "config.h"
#include "data_manifest.h"
#include "engine.h"
#include "http.h"

/* Job records kept in memory: at most this many, each for this long after it finished, with at most
 * this many bytes of result bodies (the results themselves stay in the cache). */
#define JOB_RECORDS_MAX 256
#define JOB_RECORD_TTL_S 600.0
#define JOB_BODIES_MAX_BYTES ((size_t)64 << 20)

static int open_engine(const nr_config *cfg, nr_engine **engine)
{
    char manifest_sha[65];
    int n_files = 0;
    nr_error err;
    nr_error_clear(&err);
    if (nr_data_manifest_verify(cfg->data_dir, manifest_sha, &n_files, &err) != NR_OK) {
        fprintf(stderr, "nureachd: refusing to start: data check failed for %s: %s\n", err.where,
                err.message);
        return -1;
    }
    if (nr_engine_open(cfg->data_dir, engine, &err) != NR_OK) {
        fprintf(stderr, "nureachd: cannot open the engine (%s): %s: %s\n", nr_status_name(err.status),
                err.where, err.message);
        return -1;
    }
    fprintf(stderr, "nureachd: data %s verified (%d files, version %.12s)\n", cfg->data_dir, n_files,
            manifest_sha);
    return 0;
}

static int open_cache(const nr_config *cfg, nr_cache **cache)
{
    char err[512], path[PATH_MAX];
    if (nr_config_make_dir(cfg->state_dir, err, sizeof err) != 0) {
        fprintf(stderr, "nureachd: --state-dir: %s\n", err);
        return -1;
    }
    snprintf(path, sizeof path, "%s/cache.sqlite", cfg->state_dir);
    int64_t max_bytes = (int64_t)cfg->cache_max_mb * 1024 * 1024;
    if (nr_cache_open(path, max_bytes, cache, err, sizeof err) == 0)
        return 0;
    /* The cache holds only derived results: an unusable file (damaged, another program's, a newer schema) is
     * moved aside, kept for inspection, and the daemon starts with an empty cache instead of refusing to run. */
    char aside[PATH_MAX + 32];
    snprintf(aside, sizeof aside, "%s.unusable-%ld", path, (long)time(NULL));
    if (access(path, F_OK) == 0 && rename(path, aside) == 0) {
        fprintf(stderr, "nureachd: warning: the cache %s is unusable (%s); moved it to %s and starting empty\n",
                path, err, aside);
        char side[PATH_MAX + 8]; /* the journal files of the moved database would not match a new one */
        snprintf(side, sizeof side, "%s-wal", path);
        unlink(side);
        snprintf(side, sizeof side, "%s-shm", path);
        unlink(side);
        if (nr_cache_open(path, max_bytes, cache, err, sizeof err) == 0)
            return 0;
    }
    fprintf(stderr, "nureachd: cannot open the cache %s: %s\n", path, err);
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

/* Builds the default PDF set's cross-section table (about 1 s) in the background, so the first user
 * request does not pay for it; a request that arrives earlier waits for the same build (engine.h). */
static void *warm_cross_sections(void *engine)
{
    const nr_cc_table *table = NULL;
    nr_error err;
    nr_error_clear(&err);
    if (nr_engine_cc_table(engine, nr_pdf_known_sets[0], &table, &err) != NR_OK)
        fprintf(stderr, "nureachd: warning: building the %s cross sections failed: %s\n", nr_pdf_known_sets[0],
                err.message);
    return NULL;
}

static int serve(const nr_config *cfg, nr_api *api, nr_engine *engine, sigset_t *stop_signals)
{
    nr_http_options opt = {cfg->bind, cfg->port, cfg->threads, cfg->max_connections, cfg->timeout_s,
                           (size_t)cfg->max_body_kb * 1024};
    nr_http_server *server = NULL;
    char err[512];
    if (nr_http_start(&opt, nr_api_routes, nr_api_n_routes, api, &server, err, sizeof err) != 0) {
        fprintf(stderr, "nureachd: %s\n", err);
        return -1;
    }
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
    int warming = pthread_create(&warm, NULL, warm_cross_sections, engine) == 0;
    int sig = 0;
    while (sigwait(stop_signals, &sig) != 0) {
    }
    fprintf(stderr, "nureachd: signal %d: shutting down\n", sig);
    nr_http_quiesce(server);
    nr_api_shutdown_jobs(api); /* cancels jobs and wakes the requests waiting for them */
    nr_http_stop(server);
    if (warming)
        pthread_join(warm, NULL); /* the engine is closed after this returns */
    return 0;
}

int main(int argc, char **argv)
{
    /* first of all: a SIGTERM during start-up then waits for sigwait and ends in a clean shutdown,
     * and every thread created later inherits the mask */
    sigset_t stop_signals;
    block_stop_signals(&stop_signals);
    gsl_set_error_handler_off();
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
    if (open_engine(&cfg, &engine) != 0)
        return 1;
    nr_cache *cache = NULL;
    if (open_cache(&cfg, &cache) != 0) {
        nr_engine_close(engine);
        return 1;
    }
    nr_api api;
    int status = 1;
    nr_api_job_settings jobs = {{cfg.job_threads, cfg.job_queue, JOB_RECORDS_MAX, JOB_RECORD_TTL_S,
                                 JOB_BODIES_MAX_BYTES, (double)cfg.job_max_s},
                                {cfg.compute_wait_ms, cfg.compute_wait_ms, cfg.job_wait_ms}};
    if (nr_api_init(&api, engine, cache, cfg.static_dir, cfg.schema_dir, &jobs, err, sizeof err) != 0) {
        fprintf(stderr, "nureachd: %s\n", err);
    } else {
        status = serve(&cfg, &api, engine, &stop_signals) == 0 ? 0 : 1;
        nr_api_free(&api);
    }
    nr_cache_close(cache);
    nr_engine_close(engine);
    if (status == 0)
        fprintf(stderr, "nureachd: stopped\n");
    return status;
}
