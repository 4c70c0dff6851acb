/* nr_error.h: the status codes and the error record every physics function fills.
 *
 * Physics functions return an nr_status and, on failure, describe the problem in an nr_error:
 * which parameter (a JSON-pointer-like path such as "/params/m_N") broke which rule. The server
 * maps the status to an HTTP status at the edge (NR_EINPUT -> 400/422, NR_EDATA -> 500, ...).
 * No physics function prints, aborts or exits.
 */
#ifndef NR_ERROR_H
#define NR_ERROR_H

#include <stddef.h>

typedef enum {
    NR_OK = 0,
    NR_EINPUT,      /* a value given by the user is outside its allowed range or unphysical  */
    NR_EKINEMATIC,  /* physically impossible request (below threshold, above a kinematic limit) */
    NR_EDATA,       /* a data file is missing, unreadable or malformed                         */
    NR_ENOMEM,      /* allocation failed                                                         */
    NR_ENUMERIC,    /* an integration or root find did not converge                              */
    NR_ECANCELLED,  /* the caller asked the computation to stop                                  */
    NR_EINTERNAL    /* a bug: a state the code should never reach                                */
} nr_status;

typedef struct {
    nr_status status;
    char where[96];    /* the offending field as a JSON pointer ("/params/pdf"), or a file path */
    char message[320]; /* one sentence a user can act on                                         */
    char rule[24];     /* the rule broken, for NR_EINPUT: NR_RULE_* below; "" when the status says it all */
} nr_error;

/* Fill err (if not NULL) and return status. printf-style message. */
nr_status nr_fail(nr_error *err, nr_status status, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Rules a user's value can break (nr_error.rule): outside a declared range; a scan that cannot be laid out;
 * an experiment field that does not apply to the detector. */
#define NR_RULE_RANGE "out-of-range"
#define NR_RULE_SCAN "invalid-scan"
#define NR_RULE_NOT_APPLICABLE "not-applicable"

/* nr_fail naming the rule broken (see nr_error.rule). */
nr_status nr_fail_rule(nr_error *err, nr_status status, const char *rule, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

void nr_error_clear(nr_error *err);
const char *nr_status_name(nr_status status);

#endif
