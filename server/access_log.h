/* access_log.h: one line per answered request on stderr, as plain text (the default: "GET /path 200 123
 * 4.5ms") or as one JSON object per line for log processors:
 * {"time":"2026-12-04T18:10:00.123Z","method":"GET","route":"/api/v1/health","path":"/api/v1/health",
 *  "status":200,"bytes":123,"ms":4.5,"client":"127.0.0.1","cache":null} */
#ifndef NR_ACCESS_LOG_H
#define NR_ACCESS_LOG_H

#include <stdio.h>

#include "http.h"

typedef enum { NR_ACCESS_LOG_TEXT, NR_ACCESS_LOG_JSON, NR_ACCESS_LOG_OFF } nr_access_log_format;

/* "text", "json" or "off"; -1 for anything else. */
int nr_access_log_parse(const char *name);

/* Writes the request's line to out in one write (lines of parallel requests do not interleave). */
void nr_access_log_write(FILE *out, nr_access_log_format format, const nr_http_done *done);

#endif
