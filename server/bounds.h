/* bounds.h: the body of a bounds result (bounds.c), shared by POST /api/v1/bounds and the merge of
 * a scan computed in slices (nureachd scan --merge, scan_command.c), so both store the same bytes. */
#ifndef NR_BOUNDS_H
#define NR_BOUNDS_H

#include <stddef.h>

#include "api.h"
#include "contour.h"
#include "request.h"

/* The JSON response of a bounds request (malloc'd, *len bytes); NULL if a number is not finite or out of
 * memory. Only api->data_version is read. */
char *nr_api_bounds_body(const nr_api *api, const nr_request *r, const nr_bounds_result *res, double compute_ms,
                         size_t *len);

#endif
