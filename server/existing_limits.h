/* existing_limits.h: GET /api/v1/limits[?model=NAME]: existing experimental limits (excluded regions) and
 * published projections as outlines in a model's parameter plane, each set tagged with the models, axes and parameter
 * values it applies to (existing_limits.c has the table). The outlines are FORESEE's (data/limits/, see its
 * PROVENANCE.txt), read from the installed data folder on each request.
 * (Not named limits.h: that would hide the C library's <limits.h> from every file in server/.) */
#ifndef NR_EXISTING_LIMITS_H
#define NR_EXISTING_LIMITS_H

#include <jansson.h>

#include "http.h"

/* The handler (app is the nr_api). ?model= a registered model (the sets that apply to it, possibly none)
 * or a set id (u1b, hnl_e, ...); no argument: every set. */
void nr_api_limits(void *app, const nr_http_request *req, nr_http_response *resp);

/* The document for model (NULL: every set) from the data folder; NULL with *status and why filled when
 * model is unknown (400) or the data are missing (503). Exposed for tests. */
json_t *nr_limits_document(const char *data_dir, const char *model, unsigned *status, char *why, size_t why_len);

#endif
