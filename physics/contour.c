/* contour.c: the region of a two-parameter scan where a signal reaches a threshold, as closed polygons.
 *
 * Steps (see contour.h): (1) events on the grid, line by line along the inner axis (the coupling when one
 * axis is one) with nr_scan_at, lines shared among threads with one scan each; while a line's state is
 * prepared, the roots on its crossed edges (if refining); (2) f = ln(events / threshold) in scaled
 * coordinates, on the grid padded by a ring below threshold;
 * (3) oriented marching squares: in each cell a segment runs from a crossed edge whose counter-clockwise
 * corner order goes inside -> outside to one going outside -> inside, so the region above threshold lies
 * on its left; a saddle cell (two diagonal corners inside) is resolved by the mean of its four corners;
 * (4) segments are chained into closed loops through the crossed edges they share (each crossed edge
 * starts exactly one segment and ends exactly one); (5) optional refinement of every vertex on an edge
 * between two grid points by Illinois false position on the real model (nr_scan_at): inner-axis edges
 * from step (1); an outer-axis (mass) edge of a coupling scan by interpolating f along its row (cubic) where
 * that is accurate to OUTER_INTERP_TOL, else by one preparation at the interpolated mass and the root along
 * the coupling there, within one cell (else along the edge); the vertices of one mass cell in one task, each
 * mass prepared for one of them also a node of the others' rows, so that fewer need a preparation of their
 * own; an edge from below the signal's threshold by bisection; tasks shared among the threads;
 * (6) loops are mapped back to parameter units, repeated points and straight runs along the scan
 * boundary removed.
 */
#include "contour.h"
#include "task_pool.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* f of a point with no events (or fewer than e^-100 of the threshold): far below the contour. */
#define F_FLOOR (-100.0)

/* Sides of the scan rectangle a vertex lies on. */
enum { SIDE_LEFT = 1u, SIDE_RIGHT = 2u, SIDE_BOTTOM = 4u, SIDE_TOP = 8u };

/* Threads of one contour, at most. */
#define MAX_THREADS NR_TASK_POOL_MAX_THREADS

typedef struct {
    const nr_model *model;
    const nr_engine *engine;
    const nr_experiment *experiment;
    const nr_bounds_request *req;
    const nr_progress *progress;
    const nr_param_value *base; /* base point                                            */
    size_t nx, ny;            /* real grid                                              */
    size_t NX, NY;            /* padded grid: nx + 2, ny + 2                            */
    size_t n_h_edges, n_edges;
    double *u, *v;            /* scaled axis values: log10 on a log axis                */
    double *f;                /* f[j * nx + i]                                          */
    double *events;           /* the result's events[j * nx + i]                        */
    int inner_x;              /* 1: lines run along x (x is the coupling, y is not)     */
    int inner_coupling;       /* the inner axis is a coupling and the outer one is not  */
    double *inner_root;       /* per inner-axis edge between real nodes: the root as a fraction of the
                                 edge from its lower node, NaN if not crossed or not refined            */
    size_t evaluations;
    const void *jobs;         /* the outer-axis vertices being refined (build_polygons) */
    nr_task_pool pool;        /* work shared among the threads (run_tasks)             */
} scan;

/* One thread's evaluator: its own scan state and parameter vector. */
typedef struct {
    scan *s;
    nr_scan *points;          /* opened on first use                                    */
    nr_param_value *params;   /* base point, scanned entries overwritten per evaluation */
    size_t evaluations;
} worker;

typedef struct {
    double u, v;       /* scaled coordinates */
    int refinable;     /* on an edge between two grid points */
    unsigned sides;    /* SIDE_* bits        */
} vertex;

/* ---- request check ----------------------------------------------------------------------------- */

static nr_status check_axis(const nr_model *m, int index, double lo, double hi, size_t n, int is_log,
                            const char *axis, nr_error *err)
{
    char where[32];
    snprintf(where, sizeof where, "/scan/%s/param", axis);
    if (index < 0 || (size_t)index >= m->n_params || m->params[index].kind != NR_PARAM_NUMBER)
        return nr_fail_rule(err, NR_EINPUT, NR_RULE_SCAN, where, "the %s axis must scan a number parameter of "
                            "model %s", axis, m->name);
    const nr_param_spec *spec = &m->params[index];
    snprintf(where, sizeof where, "/scan/%s/points", axis);
    if (n < 2 || n > NR_BOUNDS_MAX_POINTS)
        return nr_fail_rule(err, NR_EINPUT, NR_RULE_RANGE, where, "'points' = %zu on %s is outside [2, %d]", n,
                            axis, NR_BOUNDS_MAX_POINTS);
    const char *ends[2] = {"min", "max"};
    double values[2] = {lo, hi};
    for (int k = 0; k < 2; k++) {
        snprintf(where, sizeof where, "/scan/%s/%s", axis, ends[k]);
        if (!isfinite(values[k]) || values[k] < spec->min_value || values[k] > spec->max_value)
            return nr_fail_rule(err, NR_EINPUT, NR_RULE_RANGE, where,
                                "%s = %.10g %s of '%s' is outside its range [%.10g, %.10g] %s", ends[k], values[k],
                                spec->unit, spec->name, spec->min_value, spec->max_value, spec->unit);
    }
    snprintf(where, sizeof where, "/scan/%s/min", axis);
    if (!(lo < hi))
        return nr_fail_rule(err, NR_EINPUT, NR_RULE_SCAN, where, "the %s range needs min < max (got %.10g, %.10g)",
                            axis, lo, hi);
    if (is_log && !(lo > 0.0))
        return nr_fail_rule(err, NR_EINPUT, NR_RULE_SCAN, where, "a log scale needs min > 0 (got %.10g)", lo);
    return NR_OK;
}

nr_status nr_bounds_check_request(const nr_model *m, const nr_bounds_request *r, nr_error *err)
{
    if (!nr_model_offers(m, NR_OBSERVABLE_BOUNDS))
        return nr_fail(err, NR_EINPUT, "/model", "model %s has no signals to contour", m->name);
    if (r->signal >= m->n_signals)
        return nr_fail(err, NR_EINPUT, "/signal", "signal %zu of model %s does not exist", r->signal, m->name);
    nr_status st = check_axis(m, r->ix, r->x_min, r->x_max, r->nx, r->x_log, "x", err);
    if (st == NR_OK && !nr_bounds_is_curve(r))
        st = check_axis(m, r->iy, r->y_min, r->y_max, r->ny, r->y_log, "y", err);
    if (st != NR_OK)
        return st;
    if (r->ix == r->iy)
        return nr_fail_rule(err, NR_EINPUT, NR_RULE_SCAN, "/scan/y/param", "x and y both scan '%s'",
                            m->params[r->ix].name);
    if (!isfinite(r->threshold) || !(r->threshold > 0.0))
        return nr_fail_rule(err, NR_EINPUT, NR_RULE_RANGE, "/threshold",
                            "'threshold' must be a finite number > 0 [events] (got %g)", r->threshold);
    return NR_OK;
}

int nr_bounds_is_curve(const nr_bounds_request *r)
{
    return r->iy < 0;
}

/* ---- grid -------------------------------------------------------------------------------------- */

/* n values equally spaced in the scaled coordinate from lo to hi; the ends exact. scaled may be NULL. */
static void fill_axis(double *scaled, double *values, size_t n, double lo, double hi, int is_log)
{
    double a = is_log ? log10(lo) : lo, b = is_log ? log10(hi) : hi;
    for (size_t i = 0; i < n; i++) {
        double w = a + (b - a) * (double)i / (double)(n - 1);
        if (scaled)
            scaled[i] = w;
        values[i] = is_log ? pow(10.0, w) : w;
    }
    if (scaled)
        scaled[n - 1] = b;
    values[0] = lo;
    values[n - 1] = hi;
}

static double to_param(double scaled, int is_log)
{
    return is_log ? pow(10.0, scaled) : scaled;
}

/* Events at one point; a point the model calls invalid or kinematically forbidden has none. */
static nr_status signal_at(worker *w, double x, double y, double *events, nr_error *err)
{
    const scan *s = w->s;
    w->params[s->req->ix].number = x;
    w->params[s->req->iy].number = y;
    nr_error local;
    nr_error_clear(&local);
    if (!w->points && !(w->points = nr_scan_init(s->model, s->engine, s->experiment, s->req->signal, &local))) {
        if (err)
            *err = local;
        return local.status != NR_OK ? local.status : NR_ENOMEM;
    }
    w->evaluations++;
    nr_status st = nr_scan_at(w->points, w->params, events, &local);
    if (st == NR_EINPUT || st == NR_EKINEMATIC) {
        *events = 0.0;
        return NR_OK;
    }
    if (st != NR_OK && err)
        *err = local;
    return st;
}

static double f_of(double events, double threshold)
{
    if (!(events > 0.0))
        return F_FLOOR;
    double f = log(events / threshold);
    return f < F_FLOOR ? F_FLOOR : f > -F_FLOOR ? -F_FLOOR : f;
}

/* ---- padded grid: nodes (I, J), 0 <= I < NX, 0 <= J < NY; real nodes have 1 <= I <= nx ---------- */

static int is_real(const scan *s, size_t I, size_t J)
{
    return I >= 1 && I <= s->nx && J >= 1 && J <= s->ny;
}

static double node_f(const scan *s, size_t I, size_t J)
{
    return is_real(s, I, J) ? s->f[(J - 1) * s->nx + (I - 1)] : F_FLOOR;
}

static int inside(const scan *s, size_t I, size_t J)
{
    return is_real(s, I, J) && node_f(s, I, J) >= 0.0;
}

static unsigned node_sides(const scan *s, size_t I, size_t J)
{
    return (I == 1 ? SIDE_LEFT : 0u) | (I == s->nx ? SIDE_RIGHT : 0u) | (J == 1 ? SIDE_BOTTOM : 0u) |
           (J == s->ny ? SIDE_TOP : 0u);
}

/* Edge ids: horizontal (I,J)-(I+1,J) first, then vertical (I,J)-(I,J+1). */
static size_t h_edge(const scan *s, size_t I, size_t J)
{
    return J * (s->NX - 1) + I;
}

static size_t v_edge(const scan *s, size_t I, size_t J)
{
    return s->n_h_edges + J * s->NX + I;
}

static void edge_nodes(const scan *s, size_t e, size_t a[2], size_t b[2])
{
    if (e < s->n_h_edges) {
        a[0] = e % (s->NX - 1);
        a[1] = e / (s->NX - 1);
        b[0] = a[0] + 1;
        b[1] = a[1];
    } else {
        e -= s->n_h_edges;
        a[0] = e % s->NX;
        a[1] = e / s->NX;
        b[0] = a[0];
        b[1] = a[1] + 1;
    }
}

/* The segments of cell (I, J): next[start edge] = end edge. */
static void march_cell(const scan *s, size_t I, size_t J, long *next)
{
    size_t cx[4] = {I, I + 1, I + 1, I}, cy[4] = {J, J, J + 1, J + 1};
    size_t edge[4] = {h_edge(s, I, J), v_edge(s, I + 1, J), h_edge(s, I, J + 1), v_edge(s, I, J)};
    int in[4];
    for (int k = 0; k < 4; k++)
        in[k] = inside(s, cx[k], cy[k]);
    int n_out_going = 0;
    for (int k = 0; k < 4; k++)
        n_out_going += in[k] && !in[(k + 1) % 4];
    if (n_out_going == 0)
        return;
    if (n_out_going == 1) {
        int start = -1, end = -1;
        for (int k = 0; k < 4; k++) {
            if (in[k] && !in[(k + 1) % 4])
                start = k;
            if (!in[k] && in[(k + 1) % 4])
                end = k;
        }
        next[edge[start]] = (long)edge[end];
        return;
    }
    /* saddle: two diagonal corners inside; the mean of the corners decides whether they connect */
    double mean = 0.0;
    for (int k = 0; k < 4; k++)
        mean += 0.25 * node_f(s, cx[k], cy[k]);
    for (int k = 0; k < 4; k++)
        if (in[k] && !in[(k + 1) % 4])
            next[edge[k]] = (long)edge[mean >= 0.0 ? (k + 1) % 4 : (k + 3) % 4];
}

/* ---- vertices ---------------------------------------------------------------------------------- */

static vertex edge_vertex(const scan *s, size_t e)
{
    size_t a[2], b[2];
    edge_nodes(s, e, a, b);
    vertex w = {0};
    int ra = is_real(s, a[0], a[1]), rb = is_real(s, b[0], b[1]);
    if (!ra || !rb) { /* an edge into the padding: the contour passes through the real node */
        const size_t *n = ra ? a : b;
        w.u = s->u[n[0] - 1];
        w.v = s->v[n[1] - 1];
        w.sides = node_sides(s, n[0], n[1]);
        return w;
    }
    double fa = node_f(s, a[0], a[1]), fb = node_f(s, b[0], b[1]);
    double t = fa / (fa - fb);
    double ua = s->u[a[0] - 1], va = s->v[a[1] - 1], ub = s->u[b[0] - 1], vb = s->v[b[1] - 1];
    w.u = ua + t * (ub - ua);
    w.v = va + t * (vb - va);
    w.refinable = 1;
    w.sides = node_sides(s, a[0], a[1]) & node_sides(s, b[0], b[1]);
    return w;
}

/* f at fraction t along the segment a -> b (scaled coordinates), from the real model. */
static nr_status f_along(worker *w, const double pa[2], const double pb[2], double t, double *f, nr_error *err)
{
    const scan *s = w->s;
    double events = 0.0;
    nr_status st = signal_at(w, to_param(pa[0] + t * (pb[0] - pa[0]), s->req->x_log),
                             to_param(pa[1] + t * (pb[1] - pa[1]), s->req->y_log), &events, err);
    if (st == NR_OK && isnan(events))
        st = nr_fail(err, NR_ENUMERIC, "", "the model gave NaN events while refining the contour");
    *f = f_of(events, s->req->threshold);
    return st;
}

/* The root of f on the segment a -> b where f changes sign (f(a) = fa, f(b) = fb): Illinois false position from
 * the linear interpolation, tolerance NR_BOUNDS_REFINE_TOL of the segment, at most NR_BOUNDS_MAX_REFINE_EVALS
 * evaluations; *t_root the fraction of the segment. */
static nr_status root_on_segment(worker *w, const double pa[2], const double pb[2], double fa, double fb,
                                 double *t_root, nr_error *err)
{
    double a = 0.0, b = 1.0;
    double t = fa / (fa - fb);
    int last_kept = 0; /* +1: a was replaced last time, -1: b */
    for (int k = 0; k < NR_BOUNDS_MAX_REFINE_EVALS; k++) {
        double ft;
        nr_status st = f_along(w, pa, pb, t, &ft, err);
        if (st != NR_OK)
            return st;
        if (ft == 0.0)
            break;
        if ((ft >= 0.0) == (fa >= 0.0)) {
            a = t;
            fa = ft;
            if (last_kept == +1)
                fb *= 0.5;
            last_kept = +1;
        } else {
            b = t;
            fb = ft;
            if (last_kept == -1)
                fa *= 0.5;
            last_kept = -1;
        }
        double t_new = (a * fb - b * fa) / (fb - fa);
        double step = fabs(t_new - t);
        t = t_new;
        if (step < NR_BOUNDS_REFINE_TOL || b - a < NR_BOUNDS_REFINE_TOL)
            break;
    }
    *t_root = t;
    return NR_OK;
}

/* ---- the grid: one line along the inner axis per task ------------------------------------------------- */

static size_t n_outer(const scan *s)
{
    return s->inner_x ? s->ny : s->nx;
}

static size_t n_inner(const scan *s)
{
    return s->inner_x ? s->nx : s->ny;
}

/* Real node (outer a, inner b) -> index into f and events. */
static size_t node_index(const scan *s, size_t a, size_t b)
{
    return s->inner_x ? a * s->nx + b : b * s->nx + a;
}

/* Scaled coordinates of the real node (outer a, inner b). */
static void node_point(const scan *s, size_t a, size_t b, double p[2])
{
    p[0] = s->u[s->inner_x ? b : a];
    p[1] = s->v[s->inner_x ? a : b];
}

/* Line a: events and f at every inner node, then the roots on its crossed edges while its state is prepared. */
static nr_status line_task(void *wp, size_t a, nr_error *err)
{
    worker *w = wp;
    scan *s = w->s;
    size_t ni = n_inner(s);
    for (size_t b = 0; b < ni; b++) {
        if (nr_progress_cancelled(s->progress) || nr_task_pool_stopped(&s->pool))
            return nr_fail(err, NR_ECANCELLED, "", "scan cancelled");
        double p[2];
        node_point(s, a, b, p);
        size_t n = node_index(s, a, b);
        nr_status st = signal_at(w, to_param(p[0], s->req->x_log), to_param(p[1], s->req->y_log), &s->events[n],
                                 err);
        if (st != NR_OK)
            return st;
        if (isnan(s->events[n]))
            return nr_fail(err, NR_ENUMERIC, "", "the model gave NaN events at (%g, %g)",
                           to_param(p[0], s->req->x_log), to_param(p[1], s->req->y_log));
        s->f[n] = f_of(s->events[n], s->req->threshold);
    }
    if (!s->req->refine)
        return NR_OK;
    for (size_t b = 0; b + 1 < ni; b++) {
        double fa = s->f[node_index(s, a, b)], fb = s->f[node_index(s, a, b + 1)];
        if ((fa >= 0.0) == (fb >= 0.0))
            continue;
        if (nr_progress_cancelled(s->progress) || nr_task_pool_stopped(&s->pool))
            return nr_fail(err, NR_ECANCELLED, "", "scan cancelled");
        double pa[2], pb[2];
        node_point(s, a, b, pa);
        node_point(s, a, b + 1, pb);
        nr_status st = root_on_segment(w, pa, pb, fa, fb, &s->inner_root[a * (ni - 1) + b], err);
        if (st != NR_OK)
            return st;
    }
    return NR_OK;
}

/* ---- running tasks on the workers ---------------------------------------------------------------------- */

/* Runs task(0 .. n_tasks - 1) on the workers (worker 0 in the caller's thread; task_pool.h), progress from
 * share0 to share1; the first failure's status and message into err. */
static nr_status run_tasks(worker *workers, size_t n_workers, nr_task_fn task, size_t n_tasks, double share0,
                           double share1, nr_error *err)
{
    scan *s = workers[0].s;
    nr_status st = nr_task_pool_run(&s->pool, workers, sizeof *workers, n_workers, task, n_tasks, s->progress, share0,
                                    share1, err);
    if (st == NR_OK && nr_progress_cancelled(s->progress))
        st = nr_fail(err, NR_ECANCELLED, "", "scan cancelled");
    return st;
}

/* ---- loops ------------------------------------------------------------------------------------- */

typedef struct {
    size_t *edges;    /* all loops' edges, one after the other */
    size_t *start;    /* loop k: edges[start[k] .. start[k + 1]) */
    size_t n_loops, n_edges;
} loop_set;

static void loops_free(loop_set *ls)
{
    free(ls->edges);
    free(ls->start);
    memset(ls, 0, sizeof *ls);
}

static nr_status chain_loops(const scan *s, long *next, loop_set *ls, nr_error *err)
{
    memset(ls, 0, sizeof *ls);
    size_t n_crossed = 0;
    for (size_t e = 0; e < s->n_edges; e++)
        n_crossed += next[e] >= 0;
    ls->edges = malloc((n_crossed ? n_crossed : 1) * sizeof *ls->edges);
    ls->start = malloc((n_crossed + 1) * sizeof *ls->start);
    if (!ls->edges || !ls->start) {
        loops_free(ls);
        return nr_fail(err, NR_ENOMEM, "", "out of memory for the contour");
    }
    for (size_t e0 = 0; e0 < s->n_edges; e0++) {
        if (next[e0] < 0)
            continue;
        ls->start[ls->n_loops++] = ls->n_edges;
        size_t e = e0;
        while (next[e] >= 0 && ls->n_edges < n_crossed) { /* consumed edges get next = -1 */
            size_t following = (size_t)next[e];
            ls->edges[ls->n_edges++] = e;
            next[e] = -1;
            e = following;
        }
    }
    ls->start[ls->n_loops] = ls->n_edges;
    return NR_OK;
}

/* Removes repeated points and the vertices inside straight runs along one side of the scan
 * boundary; returns the new count. */
static size_t simplify(vertex *w, size_t n)
{
    size_t m = 0;
    for (size_t k = 0; k < n; k++)
        if (m == 0 || w[k].u != w[m - 1].u || w[k].v != w[m - 1].v)
            w[m++] = w[k];
    while (m > 1 && w[m - 1].u == w[0].u && w[m - 1].v == w[0].v)
        m--;
    for (int changed = 1; changed && m > 3;) {
        changed = 0;
        for (size_t k = 0; k < m && m > 3; k++) {
            const vertex *prev = &w[(k + m - 1) % m], *nxt = &w[(k + 1) % m];
            if (!w[k].refinable && (prev->sides & w[k].sides & nxt->sides)) {
                memmove(&w[k], &w[k + 1], (m - k - 1) * sizeof *w);
                m--;
                changed = 1;
            }
        }
    }
    return m;
}

static nr_status emit_polygon(const scan *s, const vertex *w, size_t n, nr_bounds_result *out, nr_error *err)
{
    nr_polygon *p = &out->polygons[out->n_polygons];
    p->x = malloc(n * sizeof *p->x);
    p->y = malloc(n * sizeof *p->y);
    if (!p->x || !p->y) {
        free(p->x);
        free(p->y);
        return nr_fail(err, NR_ENOMEM, "", "out of memory for the contour");
    }
    for (size_t k = 0; k < n; k++) {
        p->x[k] = to_param(w[k].u, s->req->x_log);
        p->y[k] = to_param(w[k].v, s->req->y_log);
    }
    p->n = n;
    out->n_polygons++;
    return NR_OK;
}

/* ---- refinement of the vertices not refined with their line ------------------------------------------------- */

static int along_inner(const scan *s, size_t e)
{
    return (e < s->n_h_edges) == (s->inner_x != 0);
}

/* Moves w onto the root of an inner-axis edge found while its line was prepared; 0 if there is none (a grid
 * evaluated elsewhere). */
static int apply_inner_root(const scan *s, size_t e, vertex *w)
{
    size_t na[2], nb[2];
    edge_nodes(s, e, na, nb);
    size_t a = s->inner_x ? na[1] - 1 : na[0] - 1, b = s->inner_x ? na[0] - 1 : na[1] - 1;
    double t = s->inner_root[a * (n_inner(s) - 1) + b];
    if (isnan(t))
        return 0;
    double pa[2] = {s->u[na[0] - 1], s->v[na[1] - 1]}, pb[2] = {s->u[nb[0] - 1], s->v[nb[1] - 1]};
    w->u = pa[0] + t * (pb[0] - pa[0]);
    w->v = pa[1] + t * (pb[1] - pa[1]);
    return 1;
}

/* Relative error [dimensionless] below which a crossing on an outer-axis (mass) edge of a coupling scan is placed
 * by interpolating f along its row instead of preparing the model at the crossing's mass (interpolated_crossing):
 * 0.2%, five times inside the 1% the contour edges are held to (tests/test_contour_golden.c). */
#define OUTER_INTERP_TOL 2e-3
#define LN10 2.302585092994045684 /* ln(10): a step in log10 -> relative change */

/* Nodes inside its mass cell a row keeps, at most (refine_cell: the masses prepared for the cell's other vertices;
 * beyond, a further mass is prepared without becoming a node). */
#define MAX_CELL_MASSES 8

/* Nodes of f along one row of a coupling scan near the mass cell ia -> ia + 1: positions x in cells of the outer
 * (mass) axis from node ia, increasing, and f there: the grid's nodes ia - 1 .. ia + 2 inside the scan, and the
 * masses inside the cell where the model was prepared for the cell's vertices (refine_cell). */
typedef struct {
    double x[4 + MAX_CELL_MASSES], f[4 + MAX_CELL_MASSES];
    int n;
    int k;     /* f changes sign between nodes k and k + 1 */
} row_nodes;

/* The row's nodes around cell ia, with the n_in nodes (x_in increasing in (0, 1), f_in) inside the cell; 0 if a node
 * has no events (or a clamped count): no smooth interpolation. */
static int gather_row_nodes(const scan *s, size_t ia, size_t row, const double *x_in, const double *f_in, int n_in,
                            row_nodes *r)
{
    r->n = 0;
    for (long k = (long)ia - 1; k <= (long)ia + 2; k++) {
        if (k < 0 || (size_t)k >= n_outer(s))
            continue;
        for (int i = 0; k == (long)ia + 1 && i < n_in; i++) {
            r->x[r->n] = x_in[i];
            r->f[r->n++] = f_in[i];
        }
        r->x[r->n] = (double)(k - (long)ia);
        r->f[r->n++] = s->f[node_index(s, (size_t)k, row)];
    }
    for (int k = 0; k < r->n; k++)
        if (!(r->f[k] > F_FLOOR && r->f[k] < -F_FLOOR))
            return 0;
    for (r->k = 0; r->k + 1 < r->n; r->k++) /* the first sign change at or after node ia */
        if (r->x[r->k] >= 0.0 && (r->f[r->k] >= 0.0) != (r->f[r->k + 1] >= 0.0))
            break;
    return r->k + 1 < r->n;
}

/* The linear root between the nodes k and k + 1. */
static double linear_crossing(const row_nodes *r)
{
    double lo = r->x[r->k], hi = r->x[r->k + 1];
    return lo + (hi - lo) * (r->f[r->k] / (r->f[r->k] - r->f[r->k + 1]));
}

/* The root between lo and hi of the polynomial through (xs[k], fs[k]), k < n (Lagrange form), where it changes
 * sign (f_lo: its sign at lo): bisection to 2^-42 of the interval. */
static double poly_root(const double *xs, const double *fs, int n, double lo, double hi, double f_lo)
{
    for (int it = 0; it < 42; it++) {
        double x = 0.5 * (lo + hi), p = 0.0;
        for (int k = 0; k < n; k++) {
            double l = fs[k];
            for (int q = 0; q < n; q++)
                if (q != k)
                    l *= (x - xs[q]) / (xs[k] - xs[q]);
            p += l;
        }
        if ((p >= 0.0) == (f_lo >= 0.0))
            lo = x;
        else
            hi = x;
    }
    return 0.5 * (lo + hi);
}

/* The relative size [dimensionless] of a step ds (scaled units) along axis ax at scaled value at. */
static double relative_step(const scan *s, int ax, double ds, double at)
{
    int is_log = ax == 0 ? s->req->x_log : s->req->y_log;
    return is_log ? fabs(ds) * LN10 : fabs(ds / at);
}

/* The crossing of a row between its nodes k and k + 1 (row_nodes), from the nodes alone, when they describe it
 * well enough: f along the row (a smooth function of the scaled mass away from thresholds) is interpolated by the
 * cubic through the four nodes k - 1 .. k + 2 (the quadratic through three at the scan's ends); the largest
 * difference between the linear root and the roots of the cubic and of the two quadratics through three
 * consecutive nodes of the four estimates the error of the linear root (a step or kink between the nodes, where a
 * symmetric cubic can agree with the line, moves the quadratics' roots). The cubic's root (*x, in cells from node
 * ia) is taken when that estimate, as a relative error in the mass at the row's coupling or in the coupling at
 * that mass (through the slopes of f: per outer cell between the two nodes, fv per inner cell), is below
 * OUTER_INTERP_TOL. 0: prepare the model instead. */
static int interpolated_crossing(const scan *s, size_t ia, size_t row, const row_nodes *r, double fv, double *x)
{
    int first = r->k > 0 ? r->k - 1 : 0, last = r->k + 2 < r->n - 1 ? r->k + 2 : r->n - 1;
    const double *xs = r->x + first, *fs = r->f + first;
    int n = last - first + 1;
    if (n < 3 || (n < 4 && r->n > 4)) /* three nodes: the grid's at the scan's mass ends only */
        return 0;
    double lo = r->x[r->k], hi = r->x[r->k + 1], f_lo = r->f[r->k], f_hi = r->f[r->k + 1];
    double linear = linear_crossing(r);
    *x = poly_root(xs, fs, n, lo, hi, f_lo);
    double delta = fabs(*x - linear);
    for (int k = 0; n == 4 && k < 2; k++) /* each quadratic, through three nodes of the four */
        delta = fmax(delta, fabs(poly_root(xs + k, fs + k, 3, lo, hi, f_lo) - linear));
    int outer_ax = s->inner_x ? 1 : 0;
    const double *outer = s->inner_x ? s->v : s->u, *inner = s->inner_x ? s->u : s->v;
    double du = outer[ia + 1] - outer[ia], dv = inner[1] - inner[0];
    double ft = (f_hi - f_lo) / (hi - lo); /* per outer cell */
    double rel_mass = relative_step(s, outer_ax, delta * du, outer[ia] + *x * du);
    double rel_coupling = fv != 0.0 ? relative_step(s, 1 - outer_ax, delta * fabs(ft / fv) * dv, inner[row]) : INFINITY;
    return fmin(rel_mass, rel_coupling) < OUTER_INTERP_TOL;
}

/* The fraction t_thr of the segment pa -> pb (scaled coordinates, one axis varying) at which the model's declared
 * threshold of the scanned signal in that axis's parameter lies, when it lies strictly inside; 0 if none. */
static int threshold_on_edge(worker *wk, const double pa[2], const double pb[2], double *t_thr)
{
    const scan *s = wk->s;
    const nr_model *m = s->model;
    int ax = pa[0] != pb[0] ? 0 : 1;
    if (!m->signal_threshold || pa[1 - ax] != pb[1 - ax])
        return 0;
    int is_log = ax == 0 ? s->req->x_log : s->req->y_log;
    wk->params[s->req->ix].number = to_param(pa[0], s->req->x_log);
    wk->params[s->req->iy].number = to_param(pa[1], s->req->y_log);
    double thr = m->signal_threshold(m, s->experiment, wk->params, s->req->signal, ax == 0 ? s->req->ix : s->req->iy);
    if (!isfinite(thr) || (is_log && !(thr > 0.0)))
        return 0;
    double ut = is_log ? log10(thr) : thr;
    *t_thr = (ut - pa[ax]) / (pb[ax] - pa[ax]);
    return *t_thr > 0.0 && *t_thr < 1.0;
}

/* The crossing on an edge whose one end lies below the signal's threshold (no events) and whose other end
 * (fraction t_inside, 0 or 1) is inside: bisection on [t_thr, t_inside] until the bracket holds the crossing to
 * OUTER_INTERP_TOL in the parameter (the midpoint then within half of it), or to NR_BOUNDS_REFINE_TOL of the edge.
 * Below the threshold the signal is zero, and just above it (a width opening as a power of the velocity) it rises
 * steeply from zero, or jumps: false position from the far end would crawl. The bisection points depend on the edge
 * alone, so with prepared states kept (nr_scan_keep) the vertices of the other rows crossing the same mass cell
 * reuse them. */
static nr_status bisect_from_threshold(worker *wk, const double pa[2], const double pb[2], double t_thr,
                                       double t_inside, double *t, nr_error *err)
{
    int ax = pa[0] != pb[0] ? 0 : 1;
    double out = t_thr, in = t_inside; /* fractions of the edge with f < 0 and f >= 0 */
    while (fabs(in - out) > NR_BOUNDS_REFINE_TOL) {
        double mid = 0.5 * (out + in), f;
        if (relative_step(wk->s, ax, (in - out) * (pb[ax] - pa[ax]), pa[ax] + mid * (pb[ax] - pa[ax])) <
            OUTER_INTERP_TOL)
            break;
        nr_status st = f_along(wk, pa, pb, mid, &f, err);
        if (st != NR_OK)
            return st;
        nr_scan_keep(wk->points, NR_BOUNDS_KEEP_PREPARED); /* opened by the first evaluation */
        if (f >= 0.0)
            in = mid;
        else
            out = mid;
    }
    *t = 0.5 * (out + in);
    return NR_OK;
}

/* How a vertex on a cell edge is moved onto the contour (plan_vertex), decided from the grid before any
 * evaluation. */
typedef enum {
    REFINE_NONE,       /* not refined: not asked, or a vertex where the contour meets the scan's border        */
    REFINE_INNER,      /* a root found while its line was prepared (apply_inner_root): nothing left to do      */
    REFINE_THRESHOLD,  /* bisection from the signal's threshold on the edge (bisect_from_threshold)            */
    REFINE_GRID,       /* placed on its row from the grid alone (interpolated_crossing): nothing left to do    */
    REFINE_PREPARED,   /* a mass-axis edge the grid does not describe: the model prepared inside its mass cell */
    REFINE_EDGE        /* false position along the edge (root_on_segment)                                      */
} refine_method;

/* One vertex's refinement: its method and what the method needs. */
typedef struct {
    refine_method method;
    double pa[2], pb[2];  /* the edge's ends (scaled coordinates)                                        */
    double fa, fb;        /* f there                                                                     */
    size_t ia, row;       /* outer-axis edge: its mass cell (outer index of its lower end) and its row    */
    double t_thr;         /* REFINE_THRESHOLD: the threshold's fraction of the edge                      */
    double fv;            /* REFINE_PREPARED: the grid's slope of f along the coupling at the crossing,
                             per inner cell                                                               */
    int n_in;             /* REFINE_PREPARED in a group (refine_cell): the masses prepared inside the
                             cell so far, x_in (cells from node ia, increasing), f_in on this row         */
    double x_in[MAX_CELL_MASSES], f_in[MAX_CELL_MASSES];
} vertex_plan;

/* The method for the vertex on edge e and, for REFINE_INNER and REFINE_GRID, the vertex. An inner-axis edge whose
 * line found its root: that root. An edge that straddles the model's threshold of the signal in the parameter along it,
 * with no events on the side below: bisection from the threshold. Another inner-axis edge: the root along it. An
 * outer-axis edge of a coupling scan: the crossing interpolated along the row when the grid describes it well
 * enough (interpolated_crossing), else, off the scan's coupling borders, a preparation in its mass cell
 * (refine_prepared, refine_cell). Otherwise along the edge. wk: for the model's threshold only (no evaluation). */
static void plan_vertex(worker *wk, size_t e, vertex *w, vertex_plan *p)
{
    const scan *s = wk->s;
    size_t na[2], nb[2];
    edge_nodes(s, e, na, nb);
    *p = (vertex_plan){.method = REFINE_EDGE};
    p->pa[0] = s->u[na[0] - 1];
    p->pa[1] = s->v[na[1] - 1];
    p->pb[0] = s->u[nb[0] - 1];
    p->pb[1] = s->v[nb[1] - 1];
    p->fa = node_f(s, na[0], na[1]);
    p->fb = node_f(s, nb[0], nb[1]);
    p->ia = s->inner_x ? na[1] - 1 : na[0] - 1;
    p->row = s->inner_x ? na[0] - 1 : na[1] - 1;
    if (along_inner(s, e) && apply_inner_root(s, e, w)) {
        p->method = REFINE_INNER;
        return;
    }
    if (threshold_on_edge(wk, p->pa, p->pb, &p->t_thr)) {
        /* the end at the smaller parameter value is below the threshold: no events there, the other inside */
        int ax = p->pa[0] != p->pb[0] ? 0 : 1, a_below = p->pa[ax] < p->pb[ax];
        double f_below = a_below ? p->fa : p->fb, f_above = a_below ? p->fb : p->fa;
        if (f_below <= F_FLOOR && f_above >= 0.0) {
            p->method = REFINE_THRESHOLD;
            return;
        }
    }
    size_t row = p->row, ia = p->ia;
    if (along_inner(s, e) || !s->inner_coupling)
        return;
    /* the grid's slope of f along the coupling at the crossing (over two cells; one on the scan's coupling border) */
    size_t below = row > 0 ? row - 1 : row, above = row + 1 < n_inner(s) ? row + 1 : row;
    double t0 = p->fa / (p->fa - p->fb);
    double ga = s->f[node_index(s, ia, above)] - s->f[node_index(s, ia, below)];
    double gb = s->f[node_index(s, ia + 1, above)] - s->f[node_index(s, ia + 1, below)];
    p->fv = ((1.0 - t0) * ga + t0 * gb) / (double)(above - below);
    row_nodes r;
    double x;
    if (gather_row_nodes(s, ia, row, NULL, NULL, 0, &r) && interpolated_crossing(s, ia, row, &r, p->fv, &x)) {
        w->u = p->pa[0] + x * (p->pb[0] - p->pa[0]);
        w->v = p->pa[1] + x * (p->pb[1] - p->pa[1]);
        p->method = REFINE_GRID;
        return;
    }
    if (below < row && row < above) /* on the border: along the edge, so that the vertex stays on it */
        p->method = REFINE_PREPARED;
}

/* Along the edge: false position (root_on_segment). */
static nr_status refine_along_edge(worker *wk, const vertex_plan *p, vertex *w, nr_error *err)
{
    double t;
    nr_status st = root_on_segment(wk, p->pa, p->pb, p->fa, p->fb, &t, err);
    if (st != NR_OK)
        return st;
    w->u = p->pa[0] + t * (p->pb[0] - p->pa[0]);
    w->v = p->pa[1] + t * (p->pb[1] - p->pa[1]);
    return NR_OK;
}

/* A REFINE_PREPARED vertex whose crossing the row puts at fraction t0 of its edge: the model is prepared once at
 * that mass and the root is found along the coupling there, within one cell of the row (first towards where the
 * grid's slope fv says the crossing lies), so the vertex lies on the contour at that mass; when no root lies within
 * that cell, along the edge. */
static nr_status refine_prepared(worker *wk, const vertex_plan *p, double t0, vertex *w, nr_error *err)
{
    const scan *s = wk->s;
    int ax = s->inner_x ? 0 : 1;
    const double *axis = s->inner_x ? s->u : s->v;
    double P[2] = {p->pa[0] + t0 * (p->pb[0] - p->pa[0]), p->pa[1] + t0 * (p->pb[1] - p->pa[1])};
    double f0;
    nr_status st = f_along(wk, P, P, 0.0, &f0, err);
    if (st != NR_OK)
        return st;
    if (f0 == 0.0) {
        w->u = P[0];
        w->v = P[1];
        return NR_OK;
    }
    int first = ((f0 > 0.0) == (p->fv > 0.0)) ? -1 : +1;
    for (int attempt = 0; attempt < 2; attempt++) {
        int dir = attempt ? -first : first;
        double Q[2] = {P[0], P[1]}, fq, t;
        Q[ax] = axis[dir > 0 ? p->row + 1 : p->row - 1];
        if ((st = f_along(wk, Q, Q, 0.0, &fq, err)) != NR_OK)
            return st;
        if ((fq >= 0.0) == (f0 >= 0.0))
            continue;
        if ((st = root_on_segment(wk, P, Q, f0, fq, &t, err)) != NR_OK)
            return st;
        w->u = P[0] + t * (Q[0] - P[0]);
        w->v = P[1] + t * (Q[1] - P[1]);
        return NR_OK;
    }
    return refine_along_edge(wk, p, w, err);
}

/* Moves the vertex of plan p onto the contour (its method's evaluations). */
static nr_status refine_vertex(worker *wk, const vertex_plan *p, vertex *w, nr_error *err)
{
    switch (p->method) {
    case REFINE_THRESHOLD: {
        int ax = p->pa[0] != p->pb[0] ? 0 : 1, a_below = p->pa[ax] < p->pb[ax];
        double t;
        nr_status st = bisect_from_threshold(wk, p->pa, p->pb, p->t_thr, a_below ? 1.0 : 0.0, &t, err);
        if (st != NR_OK)
            return st;
        w->u = p->pa[0] + t * (p->pb[0] - p->pa[0]);
        w->v = p->pa[1] + t * (p->pb[1] - p->pa[1]);
        return NR_OK;
    }
    case REFINE_PREPARED:
        return refine_prepared(wk, p, p->fa / (p->fa - p->fb), w, err);
    case REFINE_EDGE:
        return refine_along_edge(wk, p, w, err);
    case REFINE_NONE:
    case REFINE_INNER:
    case REFINE_GRID:
        break;
    }
    return NR_OK;
}

/* The vertices left to refine after the grid, in groups (one task each) shared by the workers: a group holds every
 * REFINE_PREPARED vertex of one mass cell, or one other vertex. */
typedef struct {
    vertex_plan *plans;    /* per vertex of the loops (loops' edge order)    */
    vertex *vertices;
    size_t *order;         /* indices into both, each group's together      */
    const size_t *start;   /* group g: order[start[g] .. start[g + 1])       */
} outer_jobs;

/* Adds the node (x, f) to the row of plan p (kept increasing; a mass already there is not added twice). */
static void add_cell_node(vertex_plan *p, double x, double f)
{
    int i = p->n_in;
    for (int k = 0; k < p->n_in; k++)
        if (p->x_in[k] == x)
            return;
    if (p->n_in == MAX_CELL_MASSES)
        return;
    while (i > 0 && p->x_in[i - 1] > x) {
        p->x_in[i] = p->x_in[i - 1];
        p->f_in[i] = p->f_in[i - 1];
        i--;
    }
    p->x_in[i] = x;
    p->f_in[i] = f;
    p->n_in++;
}

/* The crossing of p's row (fraction of its edge) linear between its nodes. */
static double row_crossing(const scan *s, const vertex_plan *p)
{
    row_nodes r;
    if (p->n_in && gather_row_nodes(s, p->ia, p->row, p->x_in, p->f_in, p->n_in, &r))
        return linear_crossing(&r);
    return p->fa / (p->fa - p->fb);
}

/* The REFINE_PREPARED vertices order[first .. first + n) of one mass cell: the model is prepared at the mass where
 * the nodes of the first vertex left put its crossing (linearly), f evaluated there on the row of every other
 * vertex left (a node inside the cell, near where their crossings lie when the contour runs steeply through the
 * cell), and the first vertex refined as if alone (refine_prepared, at that mass); a vertex whose row's nodes then
 * describe its crossing (interpolated_crossing over the smaller interval between its nodes) is placed on its row.
 * Until none is left: at most one preparation per vertex, as without the shared nodes. */
static nr_status refine_cell(worker *wk, const outer_jobs *j, size_t first, size_t n, nr_error *err)
{
    const scan *s = wk->s;
    size_t done = first; /* order[first .. done) are placed */
    while (done < first + n) {
        vertex_plan *p = &j->plans[j->order[done]];
        double x = row_crossing(s, p);
        nr_status st;
        for (size_t i = done + 1; i < first + n; i++) { /* every other row at mass x (one preparation) */
            vertex_plan *q = &j->plans[j->order[i]];
            double f;
            if ((st = f_along(wk, q->pa, q->pb, x, &f, err)) != NR_OK)
                return st;
            add_cell_node(q, x, f);
        }
        if ((st = refine_prepared(wk, p, x, &j->vertices[j->order[done]], err)) != NR_OK)
            return st;
        done++;
        for (size_t i = done; i < first + n; i++) {
            vertex_plan *q = &j->plans[j->order[i]];
            row_nodes r;
            double xq;
            if (!gather_row_nodes(s, q->ia, q->row, q->x_in, q->f_in, q->n_in, &r) ||
                !interpolated_crossing(s, q->ia, q->row, &r, q->fv, &xq))
                continue;
            vertex *w = &j->vertices[j->order[i]];
            w->u = q->pa[0] + xq * (q->pb[0] - q->pa[0]);
            w->v = q->pa[1] + xq * (q->pb[1] - q->pa[1]);
            size_t placed = j->order[i]; /* to the front of the vertices left */
            memmove(&j->order[done + 1], &j->order[done], (i - done) * sizeof *j->order);
            j->order[done++] = placed;
        }
    }
    return NR_OK;
}

static const outer_jobs *current_jobs(const scan *s)
{
    return s->jobs;
}

static nr_status outer_task(void *wp, size_t g, nr_error *err)
{
    worker *w = wp;
    if (nr_progress_cancelled(w->s->progress) || nr_task_pool_stopped(&w->s->pool))
        return nr_fail(err, NR_ECANCELLED, "", "scan cancelled");
    const outer_jobs *j = current_jobs(w->s);
    size_t first = j->start[g], n = j->start[g + 1] - first;
    if (n > 1)
        return refine_cell(w, j, first, n, err);
    return refine_vertex(w, &j->plans[j->order[first]], &j->vertices[j->order[first]], err);
}

/* The groups of the vertices still to refine (outer_jobs): order (n_vertices entries) and start (n_vertices + 1),
 * allocated by the caller, and the number of groups returned; the REFINE_PREPARED vertices of one mass cell share
 * a group, in the order of their first vertex. */
static size_t group_jobs(const vertex_plan *plans, size_t n_vertices, size_t *order, size_t *start)
{
    size_t n = 0, n_groups = 0;
    for (size_t k = 0; k < n_vertices; k++) {
        const vertex_plan *p = &plans[k];
        if (p->method == REFINE_NONE || p->method == REFINE_INNER || p->method == REFINE_GRID)
            continue;
        int joined = 0;
        for (size_t i = 0; i < k && p->method == REFINE_PREPARED; i++)
            if (plans[i].method == REFINE_PREPARED && plans[i].ia == p->ia) {
                joined = 1; /* grouped with vertex i's cell below */
                break;
            }
        if (joined)
            continue;
        start[n_groups++] = n;
        order[n++] = k;
        for (size_t i = k + 1; i < n_vertices && p->method == REFINE_PREPARED; i++)
            if (plans[i].method == REFINE_PREPARED && plans[i].ia == p->ia)
                order[n++] = i;
    }
    start[n_groups] = n;
    return n_groups;
}

/* Vertices of every loop (refined if asked), then the polygons. grid_share: progress at the start. */
static nr_status build_polygons(scan *s, worker *workers, size_t n_workers, const loop_set *ls, double grid_share,
                                nr_bounds_result *out, nr_error *err)
{
    size_t n_alloc = ls->n_edges ? ls->n_edges : 1;
    out->polygons = calloc(ls->n_loops ? ls->n_loops : 1, sizeof *out->polygons);
    vertex *all = malloc(n_alloc * sizeof *all);
    vertex *w = malloc(n_alloc * sizeof *w);
    vertex_plan *plans = malloc(n_alloc * sizeof *plans);
    size_t *order = malloc(n_alloc * sizeof *order);
    size_t *start = malloc((n_alloc + 1) * sizeof *start);
    if (!out->polygons || !all || !w || !plans || !order || !start) {
        free(all);
        free(w);
        free(plans);
        free(order);
        free(start);
        return nr_fail(err, NR_ENOMEM, "", "out of memory for the contour");
    }
    for (size_t k = 0; k < ls->n_edges; k++) {
        all[k] = edge_vertex(s, ls->edges[k]);
        plans[k] = (vertex_plan){.method = REFINE_NONE};
        if (!s->req->refine || !all[k].refinable)
            continue;
        out->n_refined++;
        plan_vertex(&workers[0], ls->edges[k], &all[k], &plans[k]);
    }
    size_t n_groups = group_jobs(plans, ls->n_edges, order, start);
    outer_jobs jobs = {plans, all, order, start};
    s->jobs = &jobs;
    nr_status st = run_tasks(workers, n_workers, outer_task, n_groups, grid_share, 1.0, err);
    s->jobs = NULL;
    for (size_t L = 0; L < ls->n_loops && st == NR_OK; L++) {
        size_t n = ls->start[L + 1] - ls->start[L];
        memcpy(w, &all[ls->start[L]], n * sizeof *w);
        if ((n = simplify(w, n)) >= 3)
            st = emit_polygon(s, w, n, out, err);
    }
    free(all);
    free(w);
    free(plans);
    free(order);
    free(start);
    return st;
}

/* ---- entry points ------------------------------------------------------------------------------ */

void nr_bounds_free(nr_bounds_result *r)
{
    if (!r)
        return;
    for (size_t k = 0; r->polygons && k < r->n_polygons; k++) {
        free(r->polygons[k].x);
        free(r->polygons[k].y);
    }
    free(r->polygons);
    free(r->x);
    free(r->y);
    free(r->events);
    memset(r, 0, sizeof *r);
}

static nr_status alloc_scan(scan *s, nr_bounds_result *out, long **next, nr_error *err)
{
    s->NX = s->nx + 2;
    s->NY = s->ny + 2;
    s->n_h_edges = (s->NX - 1) * s->NY;
    s->n_edges = s->n_h_edges + s->NX * (s->NY - 1);
    size_t n_roots = n_outer(s) * (n_inner(s) - 1);
    s->u = malloc(s->nx * sizeof *s->u);
    s->v = malloc(s->ny * sizeof *s->v);
    s->f = malloc(s->nx * s->ny * sizeof *s->f);
    s->inner_root = malloc(n_roots * sizeof *s->inner_root);
    *next = malloc(s->n_edges * sizeof **next);
    out->nx = s->nx;
    out->ny = s->ny;
    out->x = malloc(s->nx * sizeof *out->x);
    out->y = malloc(s->ny * sizeof *out->y);
    out->events = calloc(s->nx * s->ny, sizeof *out->events);
    s->events = out->events;
    if (!s->u || !s->v || !s->f || !s->inner_root || !*next || !out->x || !out->y || !out->events)
        return nr_fail(err, NR_ENOMEM, "", "out of memory for a %zu x %zu scan", s->nx, s->ny);
    for (size_t e = 0; e < s->n_edges; e++)
        (*next)[e] = -1;
    for (size_t k = 0; k < n_roots; k++)
        s->inner_root[k] = NAN;
    return NR_OK;
}

static void free_scan(scan *s, long *next)
{
    free(s->u);
    free(s->v);
    free(s->f);
    free(s->inner_root);
    free(next);
}

static nr_status workers_init(scan *s, worker *workers, size_t n, nr_error *err)
{
    for (size_t k = 0; k < n; k++) {
        workers[k] = (worker){.s = s};
        workers[k].params = malloc(s->model->n_params * sizeof *workers[k].params);
        if (!workers[k].params)
            return nr_fail(err, NR_ENOMEM, "", "out of memory for the contour's workers");
        memcpy(workers[k].params, s->base, s->model->n_params * sizeof *s->base);
    }
    return NR_OK;
}

static void workers_free(scan *s, worker *workers, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        s->evaluations += workers[k].evaluations;
        nr_scan_free(workers[k].points);
        free(workers[k].params);
    }
}

/* f of a grid evaluated elsewhere */
static nr_status fill_f(scan *s, const nr_bounds_result *out, nr_error *err)
{
    for (size_t j = 0; j < s->ny; j++)
        for (size_t i = 0; i < s->nx; i++) {
            double e = out->events[j * s->nx + i];
            if (isnan(e))
                return nr_fail(err, NR_ENUMERIC, "", "the model gave NaN events at (%g, %g)", out->x[i],
                               out->y[j]);
            s->f[j * s->nx + i] = f_of(e, s->req->threshold);
        }
    return NR_OK;
}

/* nr_bounds_compute, or with `grid` given (events[j * nx + i], evaluated elsewhere) the same steps
 * after the grid: the contours of that grid (the roots on the inner-axis edges then found with the others). */
static nr_status bounds_run(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                            const nr_param_value *base, const nr_bounds_request *req, const double *grid,
                            nr_bounds_result *out, const nr_progress *progress, nr_error *err)
{
    memset(out, 0, sizeof *out);
    nr_status st = nr_bounds_check_request(model, req, err);
    if (st != NR_OK)
        return st;
    if (nr_bounds_is_curve(req))
        return nr_fail(err, NR_EINPUT, "/scan/y", "a contour needs a y axis (a scan along x only is a curve: curve.h)");
    int x_coupling = model->params[req->ix].coupling, y_coupling = model->params[req->iy].coupling;
    scan s = {.model = model, .engine = engine, .experiment = experiment, .req = req, .progress = progress,
              .base = base, .nx = req->nx, .ny = req->ny};
    /* lines along the coupling, so that one prepared state serves a line */
    s.inner_x = x_coupling && !y_coupling;
    s.inner_coupling = x_coupling != y_coupling;
    size_t n_workers = req->threads < 1 ? 1 : req->threads > MAX_THREADS ? MAX_THREADS : req->threads;
    worker workers[MAX_THREADS] = {0};
    long *next = NULL;
    loop_set loops = {0};
    st = alloc_scan(&s, out, &next, err);
    if (st == NR_OK)
        st = workers_init(&s, workers, n_workers, err);
    if (st == NR_OK) {
        fill_axis(s.u, out->x, s.nx, req->x_min, req->x_max, req->x_log);
        fill_axis(s.v, out->y, s.ny, req->y_min, req->y_max, req->y_log);
        /* progress share of the grid (with the roots along its lines): the outer-axis roots cost a few
         * evaluations each, and a contour crosses of the order of nx + ny outer-axis edges */
        double grid_points = (double)(s.nx * s.ny);
        double refine_guess = req->refine ? 4.0 * (double)(s.nx + s.ny) : 0.0;
        double grid_share = grid ? 0.0 : grid_points / (grid_points + refine_guess);
        if (grid) {
            memcpy(out->events, grid, s.nx * s.ny * sizeof *out->events);
            s.evaluations += s.nx * s.ny; /* evaluated elsewhere, counted as if here */
            st = fill_f(&s, out, err);
        } else {
            st = run_tasks(workers, n_workers, line_task, n_outer(&s), 0.0, grid_share, err);
        }
        if (st == NR_OK) {
            for (size_t J = 0; J + 1 < s.NY; J++)
                for (size_t I = 0; I + 1 < s.NX; I++)
                    march_cell(&s, I, J, next);
            st = chain_loops(&s, next, &loops, err);
        }
        if (st == NR_OK)
            st = build_polygons(&s, workers, n_workers, &loops, grid_share, out, err);
    }
    workers_free(&s, workers, n_workers);
    out->n_evaluations = s.evaluations;
    loops_free(&loops);
    free_scan(&s, next);
    if (st != NR_OK) {
        nr_bounds_free(out);
        return st;
    }
    nr_progress_report(progress, 1.0);
    return NR_OK;
}

nr_status nr_bounds_compute(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                            const nr_param_value *base, const nr_bounds_request *req, nr_bounds_result *out,
                            const nr_progress *progress, nr_error *err)
{
    return bounds_run(model, engine, experiment, base, req, NULL, out, progress, err);
}

/* ---- a grid in slices (nureachd scan --shard: contour.h) ---------------------------------------- */

void nr_bounds_axes(const nr_bounds_request *req, double *x, double *y)
{
    fill_axis(NULL, x, req->nx, req->x_min, req->x_max, req->x_log);
    fill_axis(NULL, y, req->ny, req->y_min, req->y_max, req->y_log);
}

int nr_bounds_slice_axis(const nr_model *model, const nr_bounds_request *req)
{
    /* the axis nr_model_grid loops over outside: the one that is not a coupling */
    return model->params[req->ix].coupling && !model->params[req->iy].coupling ? 1 : 0;
}

nr_status nr_bounds_grid_slice(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                               const nr_param_value *base, const nr_bounds_request *req, size_t k0, size_t k1,
                               double *events, const nr_progress *progress, nr_error *err)
{
    nr_status st = nr_bounds_check_request(model, req, err);
    if (st != NR_OK)
        return st;
    if (nr_bounds_is_curve(req))
        return nr_fail(err, NR_EINPUT, "/scan/y", "a curve (x only) is not computed in slices");
    int along_y = nr_bounds_slice_axis(model, req);
    size_t n_axis = along_y ? req->ny : req->nx;
    if (k0 >= k1 || k1 > n_axis)
        return nr_fail(err, NR_EINPUT, "/scan", "slice [%zu, %zu) outside the %zu points of the %s axis", k0, k1,
                       n_axis, along_y ? "y" : "x");
    double *x = malloc(req->nx * sizeof *x), *y = malloc(req->ny * sizeof *y);
    if (!x || !y) {
        free(x);
        free(y);
        return nr_fail(err, NR_ENOMEM, "", "out of memory for a %zu x %zu scan", req->nx, req->ny);
    }
    nr_bounds_axes(req, x, y);
    nr_grid_request g = {req->signal, req->ix, req->iy, along_y ? req->nx : k1 - k0, along_y ? k1 - k0 : req->ny,
                         along_y ? x : x + k0, along_y ? y + k0 : y};
    st = nr_model_grid(model, engine, experiment, base, &g, events, progress, err);
    free(x);
    free(y);
    return st;
}

nr_status nr_bounds_from_grid(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                              const nr_param_value *base, const nr_bounds_request *req, const double *events,
                              nr_bounds_result *out, const nr_progress *progress, nr_error *err)
{
    return bounds_run(model, engine, experiment, base, req, events, out, progress, err);
}
