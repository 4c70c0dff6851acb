/* nr_error.c: filling the error record of nr_error.h. */
#include "nr_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void fill(nr_error *err, nr_status status, const char *rule, const char *where, const char *fmt, va_list ap)
{
    err->status = status;
    snprintf(err->rule, sizeof err->rule, "%s", rule ? rule : "");
    snprintf(err->where, sizeof err->where, "%s", where ? where : "");
    vsnprintf(err->message, sizeof err->message, fmt, ap);
}

nr_status nr_fail(nr_error *err, nr_status status, const char *where, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        fill(err, status, NULL, where, fmt, ap);
        va_end(ap);
    }
    return status;
}

nr_status nr_fail_rule(nr_error *err, nr_status status, const char *rule, const char *where, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        fill(err, status, rule, where, fmt, ap);
        va_end(ap);
    }
    return status;
}

void nr_error_clear(nr_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}

const char *nr_status_name(nr_status status)
{
    switch (status) {
    case NR_OK: return "ok";
    case NR_EINPUT: return "invalid input";
    case NR_EKINEMATIC: return "kinematically forbidden";
    case NR_EDATA: return "data error";
    case NR_ENOMEM: return "out of memory";
    case NR_ENUMERIC: return "numerical failure";
    case NR_ECANCELLED: return "cancelled";
    case NR_EINTERNAL: return "internal error";
    }
    return "unknown";
}
