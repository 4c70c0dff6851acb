/* csv.h: CSV as a second representation of results (rates, spectra, bounds) and content negotiation
 * (csv.c). http.c applies the format step once for every route that declares NR_FORMAT_CSV. */
#ifndef NR_CSV_H
#define NR_CSV_H

#include <stddef.h>

#include "http.h"

#define NR_CSV_CONTENT_TYPE "text/csv; charset=utf-8; header=present"
/* A CSV of a computation waits --csv-wait-ms for the result (when the server's wait is shorter), then answers
 * 503 with Retry-After NR_CSV_RETRY_AFTER_S: a table reader must never take a job resource for a table. */
#define NR_CSV_RETRY_AFTER_S 5

/* CSV of a rates, spectra or bounds response body (JSON); malloc'd, NULL if the body is not one. */
char *nr_csv_from_result(const char *json, size_t len, size_t *out_len);

/* 1 if the Accept header ranks text/csv strictly above application/json. */
int nr_accept_wants_csv(const char *accept);

/* When resp holds a 200 JSON result, replaces it by its CSV (a 500 problem if it is not a result); a 202 (job
 * under way) or a job-not-done answer for a queued or running job becomes 503 with Retry-After. */
void nr_respond_in_csv(nr_http_response *resp, const char *instance);

#endif
