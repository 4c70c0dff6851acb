/* config.c: defaults -> environment -> flags for nureachd, with validation of every value. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine_version.h"

typedef enum { OPT_STRING, OPT_ADDRESS, OPT_UINT } opt_type;

typedef struct {
    const char *flag;     /* "--port"        */
    const char *env;      /* "NUREACH_PORT" or NULL */
    opt_type type;
    unsigned min, max;    /* OPT_UINT range, inclusive */
    size_t offset;        /* into nr_config */
    const char *help;
} opt_spec;

#define OFF(field) offsetof(nr_config, field)

static const opt_spec opts[] = {
    {"--bind", "NUREACH_BIND", OPT_ADDRESS, 0, 0, OFF(bind), "address to listen on (127.0.0.1)"},
    {"--port", "NUREACH_PORT", OPT_UINT, 0, 65535, OFF(port), "TCP port, 0 = any free port (8080)"},
    {"--state-dir", "NUREACH_STATE_DIR", OPT_STRING, 0, 0, OFF(state_dir),
     "folder of cache.sqlite, created if missing (./state)"},
    {"--data-dir", "NUREACH_DATA_DIR", OPT_STRING, 0, 0, OFF(data_dir), "installed data (./data)"},
    {"--static-dir", "NUREACH_STATIC_DIR", OPT_STRING, 0, 0, OFF(static_dir),
     "web page served under / (./static)"},
    {"--schema-dir", "NUREACH_SCHEMA_DIR", OPT_STRING, 0, 0, OFF(schema_dir),
     "folder of openapi.json (./schema)"},
    {"--threads", "NUREACH_THREADS", OPT_UINT, 1, 256, OFF(threads), "HTTP worker threads (4)"},
    {"--cache-max-mb", "NUREACH_CACHE_MAX_MB", OPT_UINT, 1, 1048576, OFF(cache_max_mb),
     "cap on cached results [MiB] (256)"},
    {"--max-body-kb", NULL, OPT_UINT, 1, 65536, OFF(max_body_kb), "largest request body [KiB] (64)"},
    {"--max-connections", NULL, OPT_UINT, 1, 65536, OFF(max_connections),
     "simultaneous connections (256)"},
    {"--timeout-s", NULL, OPT_UINT, 1, 86400, OFF(timeout_s), "idle connection timeout [s] (30)"},
    {"--job-threads", "NUREACH_JOB_THREADS", OPT_UINT, 1, 64, OFF(job_threads),
     "worker threads for every computation: rates, spectra, bounds (2)"},
    {"--job-queue", "NUREACH_JOB_QUEUE", OPT_UINT, 1, 100000, OFF(job_queue),
     "jobs waiting for a worker at most; beyond: 503 (64)"},
    {"--job-wait-ms", "NUREACH_JOB_WAIT_MS", OPT_UINT, 0, 600000, OFF(job_wait_ms),
     "POST /api/v1/bounds waits this long for its result before answering 202 (2000)"},
    {"--compute-wait-ms", "NUREACH_COMPUTE_WAIT_MS", OPT_UINT, 0, 600000, OFF(compute_wait_ms),
     "POST /api/v1/rates and /spectra wait this long for their result before answering 202 (20000)"},
    {"--csv-wait-ms", "NUREACH_CSV_WAIT_MS", OPT_UINT, 0, 600000, OFF(csv_wait_ms),
     "a CSV of a computation waits at least this long for its result, then answers 503 + Retry-After (20000)"},
    {"--job-max-s", "NUREACH_JOB_MAX_S", OPT_UINT, 1, 86400, OFF(job_max_s),
     "a job running longer than this [s] is stopped and fails with 503 (600)"},
    {"--max-connections-per-client", "NUREACH_MAX_CONNECTIONS_PER_CLIENT", OPT_UINT, 0, 65536, OFF(max_per_client),
     "connections from one address at most, 0 = no limit (64; behind a proxy every client has its address)"},
    {"--request-deadline-s", NULL, OPT_UINT, 0, 86400, OFF(request_deadline_s),
     "a request not fully received this long after it began is cut, 0 = never (60)"},
    {"--client-running", "NUREACH_CLIENT_RUNNING", OPT_UINT, 0, 64, OFF(client_running),
     "jobs one client (token, or address) runs at once; 0 = job threads - 1, at least 1 (0)"},
    {"--client-queued", "NUREACH_CLIENT_QUEUED", OPT_UINT, 0, 100000, OFF(client_queued),
     "jobs one client has waiting at most, beyond: 429; 0 = no limit (16)"},
    {"--access-log", "NUREACH_ACCESS_LOG", OPT_STRING, 0, 0, OFF(access_log),
     "request log on stderr: text, json (one object per line) or off (text)"},
    {"--auth", "NUREACH_AUTH", OPT_STRING, 0, 0, OFF(auth),
     "off, or tokens: API requests need 'Authorization: Bearer' with a token from 'nureachd token add' (off)"},
    {"--open-read", "NUREACH_OPEN_READ", OPT_UINT, 0, 1, OFF(open_read),
     "1: with --auth tokens, GET of health, models, experiments, openapi.json, limits, metrics needs none (0)"},
    {"--sn-profiles", "NUREACH_SN_PROFILES", OPT_STRING, 0, 0, OFF(sn_profiles),
     "folder of supernova profile files that requests name by experiment_overrides.sn_profile (none: the synthetic "
     "profile only)"},
    {"--port-file", NULL, OPT_STRING, 0, 0, OFF(port_file),
     "write the bound port to this file once listening"},
};
static const size_t n_opts = sizeof opts / sizeof opts[0];

void nr_config_defaults(nr_config *c)
{
    c->bind = "127.0.0.1";
    c->port = 8080;
    c->state_dir = "./state";
    c->data_dir = "./data";
    c->static_dir = "./static";
    c->schema_dir = "./schema";
    c->port_file = NULL;
    c->sn_profiles = NULL;
    c->threads = 4;
    c->cache_max_mb = 256;
    c->max_body_kb = 64;
    c->max_connections = 256;
    c->timeout_s = 30;
    c->job_threads = 2;
    c->job_queue = 64;
    c->job_wait_ms = 2000;
    c->compute_wait_ms = 20000;
    c->csv_wait_ms = 20000;
    c->job_max_s = 600;
    c->max_per_client = 64;
    c->request_deadline_s = 60;
    c->client_running = 0;
    c->client_queued = 16;
    c->access_log = "text";
    c->auth = "off";
    c->open_read = 0;
}

void nr_config_print_help(const char *prog)
{
    printf("usage: %s [options]\n\nnureachd: neutrino and new-physics event rates at forward LHC "
           "experiments over HTTP.\n\noptions (environment variable in brackets; a flag wins):\n",
           prog);
    for (size_t i = 0; i < n_opts; i++)
        printf("  %-18s %s%s%s%s\n", opts[i].flag, opts[i].help, opts[i].env ? " [" : "",
               opts[i].env ? opts[i].env : "", opts[i].env ? "]" : "");
    printf("  %-18s %s\n  %-18s %s\n", "--help", "this text", "--version", "print the version");
    printf("\ncommands (run once and exit; they take the options above, e.g. --state-dir, --data-dir):\n"
           "  nureachd cache check [--full] | cache backup FILE | cache restore FILE\n"
           "  nureachd token add NAME [--admin] | token list | token revoke NAME\n"
           "  nureachd scan --shard I/N REQUEST.json --out DIR  |  scan --merge REQUEST.json --in DIR\n");
}

static int parse_uint(const char *text, unsigned min, unsigned max, unsigned *out)
{
    if (!text || !*text || text[0] == '-' || text[0] == '+')
        return -1;
    char *end = NULL;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (errno || *end != '\0' || v < min || v > max)
        return -1;
    *out = (unsigned)v;
    return 0;
}

static int valid_address(const char *text)
{
    unsigned char buf[sizeof(struct in6_addr)];
    return text && (inet_pton(AF_INET, text, buf) == 1 || inet_pton(AF_INET6, text, buf) == 1);
}

static int apply(nr_config *c, const opt_spec *o, const char *value, const char *source, char *errbuf,
                 size_t errlen)
{
    char *base = (char *)c;
    switch (o->type) {
    case OPT_UINT: {
        unsigned v;
        if (parse_uint(value, o->min, o->max, &v) != 0) {
            snprintf(errbuf, errlen, "%s: '%s' is not a whole number between %u and %u", source,
                     value ? value : "", o->min, o->max);
            return -1;
        }
        *(unsigned *)(base + o->offset) = v;
        return 0;
    }
    case OPT_ADDRESS:
        if (!valid_address(value)) {
            snprintf(errbuf, errlen, "%s: '%s' is not an IPv4 or IPv6 address", source,
                     value ? value : "");
            return -1;
        }
        *(const char **)(base + o->offset) = value;
        return 0;
    case OPT_STRING:
        if (!value || !*value || strlen(value) >= PATH_MAX - 64) {
            snprintf(errbuf, errlen, "%s: a non-empty path shorter than %d characters is required",
                     source, PATH_MAX - 64);
            return -1;
        }
        *(const char **)(base + o->offset) = value;
        return 0;
    }
    return -1;
}

static const opt_spec *find_flag(const char *arg, size_t len)
{
    for (size_t i = 0; i < n_opts; i++)
        if (strlen(opts[i].flag) == len && strncmp(opts[i].flag, arg, len) == 0)
            return &opts[i];
    return NULL;
}

static int load_environment(nr_config *c, char *errbuf, size_t errlen)
{
    for (size_t i = 0; i < n_opts; i++) {
        const char *v = opts[i].env ? getenv(opts[i].env) : NULL;
        if (v && *v && apply(c, &opts[i], v, opts[i].env, errbuf, errlen) != 0)
            return -1;
    }
    return 0;
}

int nr_config_load(nr_config *c, int argc, char **argv, char *errbuf, size_t errlen)
{
    if (load_environment(c, errbuf, errlen) != 0)
        return NR_CONFIG_BAD;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            nr_config_print_help(argv[0]);
            return NR_CONFIG_EXIT;
        }
        if (strcmp(arg, "--version") == 0) {
            printf("nureachd %s\n", NUREACH_ENGINE_VERSION);
            return NR_CONFIG_EXIT;
        }
        const char *eq = strchr(arg, '=');
        size_t name_len = eq ? (size_t)(eq - arg) : strlen(arg);
        const opt_spec *o = find_flag(arg, name_len);
        if (!o) {
            snprintf(errbuf, errlen, "unknown option '%.*s' (see --help)", (int)(name_len > 64 ? 64 : name_len),
                     arg);
            return NR_CONFIG_BAD;
        }
        const char *value = eq ? eq + 1 : NULL;
        if (!eq) {
            if (i + 1 >= argc) {
                snprintf(errbuf, errlen, "%s: a value is required", o->flag);
                return NR_CONFIG_BAD;
            }
            value = argv[++i];
        }
        if (apply(c, o, value, o->flag, errbuf, errlen) != 0)
            return NR_CONFIG_BAD;
    }
    if (strcmp(c->access_log, "text") != 0 && strcmp(c->access_log, "json") != 0 &&
        strcmp(c->access_log, "off") != 0) {
        snprintf(errbuf, errlen, "--access-log: '%.64s' is not one of text, json, off", c->access_log);
        return NR_CONFIG_BAD;
    }
    if (strcmp(c->auth, "off") != 0 && strcmp(c->auth, "tokens") != 0) {
        snprintf(errbuf, errlen, "--auth: '%.64s' is not one of off, tokens", c->auth);
        return NR_CONFIG_BAD;
    }
    return NR_CONFIG_OK;
}

int nr_config_make_dir(const char *dir, char *errbuf, size_t errlen)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) {
        snprintf(errbuf, errlen, "path too long: %s", dir);
        return -1;
    }
    for (char *p = path + 1; ; p++) {
        int at_end = (*p == '\0');
        if (*p == '/' || at_end) {
            char saved = *p;
            *p = '\0';
            if (mkdir(path, 0755) != 0 && errno != EEXIST) {
                snprintf(errbuf, errlen, "cannot create %s: %s", path, strerror(errno));
                return -1;
            }
            *p = saved;
        }
        if (at_end)
            break;
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(errbuf, errlen, "%s is not a directory", dir);
        return -1;
    }
    return 0;
}
