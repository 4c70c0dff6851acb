/* auth.c: API tokens: the token command and the daemon's per-request check (see auth.h). */
#include "auth.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#include "cache.h"
#include "commands.h"
#include "nureach.h"

#define TOKEN_PREFIX "nrt_"
#define NAME_MAX_LEN 32

struct nr_auth {
    pthread_mutex_t lock; /* one connection, one statement: requests take turns (a lookup is microseconds) */
    sqlite3 *db;
    sqlite3_stmt *lookup;
    int open_read;
};

static long long now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (long long)t.tv_sec * 1000000LL + t.tv_nsec / 1000;
}

int nr_auth_open(const char *path, int open_read, nr_auth **out, char *errbuf, size_t errlen)
{
    *out = NULL;
    nr_auth *a = calloc(1, sizeof *a);
    if (!a) {
        snprintf(errbuf, errlen, "out of memory");
        return -1;
    }
    int rc = sqlite3_open_v2(path, &a->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(a->db, 5000);
        rc = sqlite3_prepare_v2(a->db, "SELECT name, admin FROM tokens WHERE secret_sha256 = ?1 AND revoked_at IS NULL",
                                -1, &a->lookup, NULL);
    }
    if (rc != SQLITE_OK) {
        snprintf(errbuf, errlen, "token table in %s: %s", path, a->db ? sqlite3_errmsg(a->db) : sqlite3_errstr(rc));
        sqlite3_close_v2(a->db);
        free(a);
        return -1;
    }
    pthread_mutex_init(&a->lock, NULL);
    a->open_read = open_read;
    *out = a;
    return 0;
}

void nr_auth_close(nr_auth *a)
{
    if (!a)
        return;
    sqlite3_finalize(a->lookup);
    sqlite3_close_v2(a->db);
    pthread_mutex_destroy(&a->lock);
    free(a);
}

long nr_auth_count(nr_auth *a)
{
    sqlite3_stmt *st = NULL;
    long n = -1;
    pthread_mutex_lock(&a->lock);
    if (sqlite3_prepare_v2(a->db, "SELECT count(*) FROM tokens WHERE revoked_at IS NULL", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        n = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    pthread_mutex_unlock(&a->lock);
    return n;
}

/* Read-only: a GET (or HEAD) of a route that neither computes nor shows jobs. */
static int read_only(const nr_route *r, const char *method)
{
    return (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0) && strcmp(r->method, "GET") == 0 &&
           r->observable < 0 && strncmp(r->path, "/api/v1/jobs", 12) != 0;
}

/* The secret of an "Authorization: Bearer <secret>" header, NULL if it is not one. */
static const char *bearer(const char *authorization)
{
    if (!authorization || strncasecmp(authorization, "Bearer ", 7) != 0)
        return NULL;
    const char *s = authorization + 7;
    while (*s == ' ')
        s++;
    return *s ? s : NULL;
}

unsigned nr_auth_check(void *ctx, const nr_route *route, const char *method, const char *authorization,
                       char client[64], int *admin, nr_problem *p)
{
    nr_auth *a = ctx;
    client[0] = '\0';
    *admin = 0;
    if (route->match == NR_ROUTE_PREFIX) /* the web page's files: the page asks for the token */
        return 0;
    const char *secret = bearer(authorization);
    if (!secret && a->open_read && read_only(route, method))
        return 0;
    if (!secret) {
        nr_problem_set(p, 401, "unauthorized", "this server requires an API token: send 'Authorization: Bearer "
                       "<token>' (an operator creates one with 'nureachd token add NAME')");
        return 401;
    }
    char digest[65];
    nr_sha256_hex(secret, strlen(secret), digest);
    int found = 0, rc;
    pthread_mutex_lock(&a->lock);
    sqlite3_bind_text(a->lookup, 1, digest, -1, SQLITE_STATIC);
    rc = sqlite3_step(a->lookup);
    if (rc == SQLITE_ROW) {
        found = 1;
        snprintf(client, 64, "%s", (const char *)sqlite3_column_text(a->lookup, 0));
        *admin = sqlite3_column_int(a->lookup, 1) == 1;
    }
    sqlite3_reset(a->lookup);
    sqlite3_clear_bindings(a->lookup);
    pthread_mutex_unlock(&a->lock);
    if (found)
        return 0;
    if (rc != SQLITE_DONE) {
        nr_problem_set(p, 503, "unavailable", "the token table cannot be read now; try again later");
        return 503;
    }
    nr_problem_set(p, 401, "unauthorized", "the token is not known or was revoked");
    return 401;
}

/* ---- nureachd token add|list|revoke --------------------------------------------------------------- */

static int usage(void)
{
    fprintf(stderr, "usage: nureachd token add NAME [--admin] | token list | token revoke NAME [--state-dir DIR]\n");
    return 2;
}

static int valid_name(const char *name)
{
    size_t n = strlen(name);
    return n >= 1 && n <= NAME_MAX_LEN &&
           strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

static int add(sqlite3 *db, const char *name, int is_admin)
{
    unsigned char raw[32];
    if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw) {
        fprintf(stderr, "nureachd token add: no random bytes from the kernel\n");
        return 1;
    }
    char secret[sizeof TOKEN_PREFIX + 64];
    int used = snprintf(secret, sizeof secret, "%s", TOKEN_PREFIX);
    for (size_t i = 0; i < sizeof raw; i++)
        used += snprintf(secret + used, sizeof secret - (size_t)used, "%02x", raw[i]);
    char digest[65];
    nr_sha256_hex(secret, strlen(secret), digest);
    sqlite3_stmt *st = NULL;
    /* a revoked name may be given a new token; a valid one may not be replaced by mistake */
    int rc = sqlite3_prepare_v2(db,
                                "INSERT INTO tokens (name, secret_sha256, admin, created_at) VALUES (?1, ?2, ?3, ?4) "
                                "ON CONFLICT (name) DO UPDATE SET secret_sha256 = excluded.secret_sha256, "
                                "admin = excluded.admin, created_at = excluded.created_at, revoked_at = NULL "
                                "WHERE revoked_at IS NOT NULL",
                                -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, digest, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 3, is_admin);
        sqlite3_bind_int64(st, 4, now_us());
        rc = sqlite3_step(st);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "nureachd token add: %s\n", sqlite3_errmsg(db));
        return 1;
    }
    if (sqlite3_changes(db) == 0) {
        fprintf(stderr, "nureachd token add: a valid token named '%s' exists; revoke it first\n", name);
        return 1;
    }
    printf("%s\n", secret);
    fprintf(stderr, "token '%s'%s created; the secret above is shown only now (only its sha256 is stored)\n", name,
            is_admin ? " (admin)" : "");
    return 0;
}

static int list(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT name, admin, created_at, revoked_at FROM tokens ORDER BY name", -1, &st,
                           NULL) != SQLITE_OK) {
        fprintf(stderr, "nureachd token list: %s\n", sqlite3_errmsg(db));
        return 1;
    }
    printf("%-32s %-6s %-20s %s\n", "name", "role", "created (UTC)", "revoked (UTC)");
    while (sqlite3_step(st) == SQLITE_ROW) {
        char when[2][32] = {"", "-"};
        for (int k = 0; k < 2; k++) {
            if (sqlite3_column_type(st, 2 + k) == SQLITE_NULL)
                continue;
            time_t secs = (time_t)(sqlite3_column_int64(st, 2 + k) / 1000000LL);
            struct tm tm;
            gmtime_r(&secs, &tm);
            strftime(when[k], sizeof when[k], "%Y-%m-%dT%H:%M:%SZ", &tm);
        }
        printf("%-32s %-6s %-20s %s\n", (const char *)sqlite3_column_text(st, 0),
               sqlite3_column_int(st, 1) ? "admin" : "user", when[0], when[1]);
    }
    sqlite3_finalize(st);
    return 0;
}

static int revoke(sqlite3 *db, const char *name)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "UPDATE tokens SET revoked_at = ?2 WHERE name = ?1 AND revoked_at IS NULL", -1,
                                &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, now_us());
        rc = sqlite3_step(st);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "nureachd token revoke: %s\n", sqlite3_errmsg(db));
        return 1;
    }
    if (sqlite3_changes(db) == 0) {
        fprintf(stderr, "nureachd token revoke: no valid token named '%s'\n", name);
        return 1;
    }
    printf("revoked token '%s'\n", name);
    return 0;
}

int nr_command_token(int argc, char **argv)
{
    nr_command_flag flags[] = {{"--admin", 0, NULL}};
    const char *pos[2];
    size_t n_pos = 0;
    nr_config cfg;
    if (nr_command_parse(argc, argv, flags, 1, pos, 2, &n_pos, &cfg) != 0 || n_pos == 0)
        return usage();
    int is_add = strcmp(pos[0], "add") == 0 && n_pos == 2, is_list = strcmp(pos[0], "list") == 0 && n_pos == 1,
        is_revoke = strcmp(pos[0], "revoke") == 0 && n_pos == 2;
    if (!is_add && !is_list && !is_revoke)
        return usage();
    if (n_pos == 2 && !valid_name(pos[1])) {
        fprintf(stderr, "nureachd token: NAME: '%.40s' is not 1 to %d letters, digits, '_' or '-'\n", pos[1],
                NAME_MAX_LEN);
        return 2;
    }
    char path[4096], err[512];
    nr_command_cache_path(&cfg, path, sizeof path);
    nr_cache *cache = NULL; /* creates or migrates the file (the tokens table is migration 2) */
    if (nr_config_make_dir(cfg.state_dir, err, sizeof err) != 0 ||
        nr_cache_open(path, (int64_t)cfg.cache_max_mb << 20, &cache, err, sizeof err) != NR_CACHE_OPEN_OK) {
        fprintf(stderr, "nureachd token: %s\n", err);
        return 1;
    }
    nr_cache_close(cache);
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        fprintf(stderr, "nureachd token: %s: %s\n", path, db ? sqlite3_errmsg(db) : "cannot open");
        sqlite3_close_v2(db);
        return 1;
    }
    sqlite3_busy_timeout(db, 5000);
    int rc = is_add ? add(db, pos[1], flags[0].value != NULL) : is_list ? list(db) : revoke(db, pos[1]);
    sqlite3_close_v2(db);
    return rc;
}
