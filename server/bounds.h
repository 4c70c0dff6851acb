/* bounds.h: the body of a bounds answer (bounds.c). */
#ifndef NR_BOUNDS_H
#define NR_BOUNDS_H

#include "api.h"
#include "request.h"

/* Computes the contour of a validated bounds request and returns the response body (malloc'd). NULL on
 * failure with p filled, or with p untouched when the progress asked to stop (cancel or budget). */
char *nr_bounds_body(const nr_api *api, const nr_request *r, const nr_progress *progress, size_t *len,
                     double *compute_ms, nr_problem *p);

#endif
