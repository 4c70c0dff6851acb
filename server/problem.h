/* problem.h: RFC 9457 "problem details" (application/problem+json) for every error the API returns.
 *
 * A problem has a stable type URI (https://nureach.invalid/problems/<slug>), a title per type, the
 * HTTP status, a detail sentence and, for request validation, a list of errors each naming the
 * offending field as a JSON pointer (RFC 6901) and the rule it broke. */
#ifndef NR_PROBLEM_H
#define NR_PROBLEM_H

#include <stdarg.h>
#include <stddef.h>

#include "nureach.h"

#define NR_PROBLEM_TYPE_BASE "https://nureach.invalid/problems/"
#define NR_PROBLEM_MAX_ERRORS 16

typedef struct {
    char pointer[160];  /* JSON pointer into the request body, "" for the whole body */
    char rule[32];      /* the problem slug of this error                          */
    char detail[400];
} nr_problem_error;

typedef struct {
    unsigned status;    /* HTTP status; 0 while no problem has been recorded */
    char type[32];      /* slug, e.g. "out-of-range"                          */
    char detail[480];
    int line, column;   /* > 0 for malformed JSON                             */
    nr_problem_error errors[NR_PROBLEM_MAX_ERRORS];
    int n_errors;
    int n_dropped;      /* errors beyond NR_PROBLEM_MAX_ERRORS                */
} nr_problem;

void nr_problem_init(nr_problem *p);

/* A problem without field errors (404, 405, 413, 500, malformed JSON...). */
void nr_problem_set(nr_problem *p, unsigned status, const char *slug, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Records one field error. The first error sets status, type and detail of the whole problem;
 * later ones are appended to "errors". */
void nr_problem_add(nr_problem *p, unsigned status, const char *slug, const char *pointer,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The one mapping from a physics failure to a problem: NR_EINPUT and NR_EKINEMATIC become a 422 field
 * error at err->where (rule: err->rule, else invalid-value or kinematic-limit), NR_ENOMEM and NR_ECANCELLED
 * 503, anything else 500 (NR_EDATA's detail names err->where, the data file, unless the message does). */
void nr_problem_from_error(nr_problem *p, nr_status st, const nr_error *err);

/* The human title of a problem type ("Value out of range"). */
const char *nr_problem_title(const char *slug);

/* Serialises to application/problem+json. Returns malloc'd bytes (never NULL unless out of memory). */
char *nr_problem_to_json(const nr_problem *p, const char *instance, size_t *len);

/* Appends "/" + token (RFC 6901 escaped: ~ -> ~0, / -> ~1) to pointer, keeping valid UTF-8 when the
 * buffer is too small. */
void nr_json_pointer_append(char *pointer, size_t cap, const char *token);

/* Copies a user-supplied string for a message: at most max_bytes of it, cut on a UTF-8 character
 * boundary, with "..." appended when cut. out must hold max_bytes + 4. */
void nr_quote_user(const char *s, char *out, size_t max_bytes);

#endif
