/* auth.h: optional API tokens of a group server (issue 17).
 *
 * `nureachd token add NAME [--admin]` creates a token and prints its secret once ("nrt_" + 64 hex digits of 32
 * random bytes from getrandom(2)); only the secret's sha256 is stored, in the tokens table of the state folder's
 * cache.sqlite (schema/cache.sql, migration 2). `token list` shows names, roles and dates, `token revoke NAME`
 * ends a token at once, also for a running daemon (each request reads the table).
 *
 * With --auth tokens the daemon asks every API request for `Authorization: Bearer <secret>`: none, or one that
 * is unknown or revoked, is answered 401 (problem+json, WWW-Authenticate: Bearer). The web page's files are
 * always served (the page asks for a token when the API answers 401). --open-read leaves the read-only
 * endpoints open: GET of health, models, experiments, openapi.json, limits and metrics. An authenticated
 * request is known by the token's name (quotas, job list, access log); an admin token lists and cancels
 * everyone's jobs. */
#ifndef NR_AUTH_H
#define NR_AUTH_H

#include "http.h"

typedef struct nr_auth nr_auth;

/* Opens the token table of the cache database at path (created and migrated by nr_cache_open before).
 * 0, or -1 with errbuf filled. */
int nr_auth_open(const char *path, int open_read, nr_auth **out, char *errbuf, size_t errlen);
void nr_auth_close(nr_auth *auth);
/* Valid (not revoked) tokens in the table, -1 on a database error. */
long nr_auth_count(nr_auth *auth);

/* The nr_http_auth_fn of the daemon (ctx: an nr_auth). */
unsigned nr_auth_check(void *ctx, const nr_route *route, const char *method, const char *authorization,
                       char client[64], int *admin, nr_problem *p);

/* nureachd token add NAME [--admin] | list | revoke NAME (argv[0] is "token"). Exit code. */
int nr_command_token(int argc, char **argv);

#endif
