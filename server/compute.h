/* compute.h: POST /api/v1/{rates,spectra,bounds} and their GET query forms: the one compute path
 * (compute.c). The observable comes from the route (req->observable). */
#ifndef NR_COMPUTE_H
#define NR_COMPUTE_H

#include "http.h"

void nr_api_compute(void *api, const nr_http_request *req, nr_http_response *resp);

#endif
