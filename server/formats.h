/* formats.h: CSV as a second representation of results, content negotiation, and the GET forms of
 * the compute endpoints whose query string is the JSON request body flattened with dots
 * (formats.c, query.c). */
#ifndef NR_FORMATS_H
#define NR_FORMATS_H

#include <jansson.h>
#include <stddef.h>

#include "http.h"
#include "problem.h"

#define NR_CSV_CONTENT_TYPE "text/csv; charset=utf-8; header=present"
/* A CSV of a scan waits this long for the result (when the server's --job-wait-ms is shorter), then answers
 * 503 with Retry-After NR_CSV_RETRY_AFTER_S. */
#define NR_CSV_WAIT_MS 20000u
#define NR_CSV_RETRY_AFTER_S 5

/* CSV of a rates, spectra or bounds response body (JSON); malloc'd, NULL if the body is not one. */
char *nr_csv_from_result(const char *json, size_t len, size_t *out_len);

/* 1 if the Accept header ranks text/csv strictly above application/json. */
int nr_accept_wants_csv(const char *accept);

/* Adds "Vary: Accept" and, when csv is set and resp holds a 200 JSON result, replaces it by its CSV; a 202
 * (job under way) or a job-not-done answer becomes 503 with Retry-After when csv is set. */
void nr_respond_in_format(nr_http_response *resp, int csv, const char *instance);

/* The JSON request body that a query string stands for: each argument name is a dot-separated path
 * into the body ("params.m_N=0.5" -> {"params":{"m_N":0.5}}, "scan.x.points=12"); a value that is a
 * JSON number or true/false becomes that, anything else a string. NULL with p filled (400) when an
 * argument has no value or an empty name segment, is given twice, or conflicts with another
 * ("params=1&params.m_N=2"). */
json_t *nr_query_to_body(const nr_http_arg *args, size_t n_args, int dropped, nr_problem *p);

/* GET /api/v1/{rates,spectra,bounds}.{json,csv}: the query form of the POST endpoints. */
void nr_api_query_form(void *api, const nr_http_request *req, nr_http_response *resp);

#endif
