/* existing_limits.h: GET /api/v1/limits[?model=NAME]: existing experimental limits (excluded regions) and
 * published projections as outlines in a model's parameter plane, each set tagged with the models, axes and parameter
 * values it applies to (existing_limits.c has the table). The outlines are FORESEE's (data/limits/, see its
 * PROVENANCE.txt), read from the installed data folder on each request.
 * (Not named limits.h: that would hide the C library's <limits.h> from every file in server/.) */
#ifndef NR_EXISTING_LIMITS_H
#define NR_EXISTING_LIMITS_H

#include <jansson.h>

#include "darkcast.h"
#include "http.h"

/* The handler (app is the nr_api). ?model= a registered model (the sets that apply to it, possibly none)
 * or a set id (u1b, hnl_e, ...); no argument: every set. With model=u1x, x_H= (and optionally x_Phi=, default 1)
 * add the beam-dump outlines rescaled to that point (rescaled_limits.h; paper 004 Eqs. 38, 39, 52). */
void nr_api_limits(void *app, const nr_http_request *req, nr_http_response *resp);

/* A point of the U(1)_X model (004 Table I): the charge parameters x_H and x_Phi. */
typedef struct {
    double x_h, x_phi;
} nr_u1x_point;

/* The document for model (NULL: every set) from the data folder; NULL with *status and why filled when
 * model is unknown (400) or the data are missing (503). at (NULL: none) adds the rescaled set for u1x at that
 * point, computed with the DarkCast tables dc. Exposed for tests. */
json_t *nr_limits_document(const char *data_dir, const char *model, const nr_u1x_point *at, const nr_darkcast *dc,
                           unsigned *status, char *why, size_t why_len);

/* Helpers shared with rescaled_limits.c. */
/* One outline file "x y" per line ('#' comments): arrays x and y (caller frees), n points; 0 on success. */
int nr_limits_read_outline(const char *path, double **xs, double **ys, size_t *n);
/* The area centroid of a closed outline in log10-log10 coordinates (the vertex mean if the area vanishes). */
void nr_limits_log_centroid(const double *x, const double *y, size_t n, double *cx, double *cy);
json_t *nr_limits_array_of(const double *v, size_t n);
json_t *nr_limits_axis_json(const char *quantity, const char *unit, const char *display);

#endif
