/* query.h: a query string as the JSON request body it stands for (query.c), so that the GET forms of
 * the compute endpoints go through exactly the validation of the POST bodies. */
#ifndef NR_QUERY_H
#define NR_QUERY_H

#include <jansson.h>
#include <stddef.h>

#include "http.h"
#include "problem.h"

/* The JSON request body that a query string stands for: each argument name is a dot-separated path
 * into the body ("params.m_N=0.5" -> {"params":{"m_N":0.5}}, "scan.x.points=12"); a value that is a
 * JSON number or true/false becomes that, anything else a string. NULL with p filled (400) when an
 * argument has no value or an empty name segment, is given twice, or conflicts with another
 * ("params=1&params.m_N=2"); NULL with p unset when out of memory. */
json_t *nr_query_to_body(const nr_http_arg *args, size_t n_args, int dropped, nr_problem *p);

#endif
