/* config.h: the daemon's settings, from defaults, environment variables and command-line flags
 * (a flag wins over its environment variable). Every value is validated; a bad one is reported
 * naming the flag, and the daemon exits with code 2. */
#ifndef NR_CONFIG_H
#define NR_CONFIG_H

#include <stddef.h>

typedef struct {
    const char *bind;        /* IPv4 or IPv6 address to listen on                    */
    unsigned port;           /* TCP port, 0 = ephemeral                              */
    const char *state_dir;   /* holds cache.sqlite; created if missing               */
    const char *data_dir;    /* installed reference data (MANIFEST.tsv)              */
    const char *static_dir;  /* web page(s) served under /                           */
    const char *schema_dir;  /* holds openapi.json                                   */
    const char *port_file;   /* if set, the bound port is written there (NULL: no)   */
    unsigned threads;        /* HTTP thread-pool size                                */
    unsigned cache_max_mb;   /* cap on stored cache bodies [MiB]                     */
    unsigned max_body_kb;    /* largest accepted request body [KiB]                  */
    unsigned max_connections;
    unsigned timeout_s;      /* idle connection timeout [s]                          */
    unsigned job_threads;    /* worker threads for every computation (jobs)          */
    unsigned job_queue;      /* jobs waiting for a worker at most (then 503)         */
    unsigned job_wait_ms;    /* POST /bounds waits this long for its job, then 202   */
    unsigned compute_wait_ms; /* POST /rates and /spectra wait this long, then 202   */
    unsigned csv_wait_ms;    /* a CSV waits at least this long, then 503 (csv.h)     */
    unsigned job_max_s;      /* a job running longer is stopped (503 time-budget)    */
    /* a group's shared server (issue 17) */
    unsigned max_per_client; /* connections from one address at most (0: no limit)   */
    unsigned request_deadline_s; /* a request not received within this is cut (0: off) */
    unsigned client_running; /* jobs one client runs at once (0: job_threads - 1, at least 1) */
    unsigned client_queued;  /* jobs one client has waiting at most, then 429 (0: no limit) */
    const char *access_log;  /* "text", "json" or "off"                              */
    const char *auth;        /* "off" or "tokens" (auth.h)                           */
    unsigned open_read;      /* 1: with tokens, read-only endpoints need none        */
    const char *sn_profiles; /* folder of supernova profile files (sn_profile.h), NULL: none */
} nr_config;

enum { NR_CONFIG_OK = 0, NR_CONFIG_EXIT = 1, NR_CONFIG_BAD = 2 };

void nr_config_defaults(nr_config *config);

/* Applies the environment, then argv. Returns NR_CONFIG_OK, NR_CONFIG_EXIT (--help or --version was
 * printed to stdout: exit 0) or NR_CONFIG_BAD (errbuf names the flag and the rule: exit 2). */
int nr_config_load(nr_config *config, int argc, char **argv, char *errbuf, size_t errlen);

/* Creates dir (and its parents) if missing. 0 on success, -1 with errbuf filled. */
int nr_config_make_dir(const char *dir, char *errbuf, size_t errlen);

void nr_config_print_help(const char *prog);

#endif
