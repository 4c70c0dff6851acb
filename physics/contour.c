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
 * the coupling there, within one cell (else along the edge), vertices shared among the threads;
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
 * by interpolating the grid along its row instead of preparing the model at a new mass (interpolated_crossing):
 * 0.2%, five times inside the 1% the contour edges are held to (tests/test_contour_golden.c). */
#define OUTER_INTERP_TOL 2e-3
#define LN10 2.302585092994045684 /* ln(10): a step in log10 -> relative change */

/* The root in (0, 1) of the polynomial through (xs[k], fs[k]), k < n (Lagrange form), where it changes sign
 * between x = 0 (f0) and 1 (f1): bisection to 1e-12. */
static double poly_root01(const double *xs, const double *fs, int n, double f0)
{
    double lo = 0.0, hi = 1.0;
    for (int it = 0; it < 42; it++) {
        double x = 0.5 * (lo + hi), p = 0.0;
        for (int k = 0; k < n; k++) {
            double l = fs[k];
            for (int q = 0; q < n; q++)
                if (q != k)
                    l *= (x - xs[q]) / (xs[k] - xs[q]);
            p += l;
        }
        if ((p >= 0.0) == (f0 >= 0.0))
            lo = x;
        else
            hi = x;
    }
    return 0.5 * (lo + hi);
}

/* A crossing of row `row` (inner index) between the outer (mass) nodes ia and ia + 1, from the grid alone, when
 * the grid describes it well enough: f along the row (a smooth function of the scaled mass away from thresholds)
 * is interpolated by the cubic through the four nodes ia - 1 .. ia + 2 (the quadratic through three at the scan's
 * ends); the largest difference between the linear root t0 and the roots of the cubic and of the two quadratics
 * through three consecutive nodes of the four estimates the error of t0 (a step or kink between the nodes, where
 * a symmetric cubic can agree with the line, moves the quadratics' roots). The cubic's root (*t, fraction of the
 * edge) is taken when that estimate, as a relative error in the mass at the row's coupling or in the coupling at
 * that mass (through the grid's slopes of f: ft per outer cell, fv per inner cell), is below OUTER_INTERP_TOL; a
 * node without events (or with a clamped count) in the four refuses. 0: prepare the model instead. */
static int interpolated_crossing(const scan *s, size_t ia, size_t row, double t0, double fv, double *t)
{
    size_t no = n_outer(s);
    double xs[4], fs[4];
    int n = 0;
    for (long k = (long)ia - 1; k <= (long)ia + 2; k++) {
        if (k < 0 || (size_t)k >= no)
            continue;
        double f = s->f[node_index(s, (size_t)k, row)];
        if (!(f > F_FLOOR && f < -F_FLOOR))
            return 0; /* no events (or a clamped count): no smooth interpolation */
        xs[n] = (double)(k - (long)ia);
        fs[n++] = f;
    }
    if (n < 3)
        return 0;
    double f0 = s->f[node_index(s, ia, row)], ft = s->f[node_index(s, ia + 1, row)] - f0;
    *t = poly_root01(xs, fs, n, f0);
    double delta = fabs(*t - t0);
    for (int k = 0; n == 4 && k < 2; k++) /* each quadratic, through three nodes of the four */
        delta = fmax(delta, fabs(poly_root01(xs + k, fs + k, 3, f0) - t0));
    const double *outer = s->inner_x ? s->v : s->u, *inner = s->inner_x ? s->u : s->v;
    int outer_log = s->inner_x ? s->req->y_log : s->req->x_log, inner_log = s->inner_x ? s->req->x_log : s->req->y_log;
    double m = outer[ia] + *t * (outer[ia + 1] - outer[ia]);
    double du = outer[ia + 1] - outer[ia], dv = inner[1] - inner[0];
    double rel_mass = outer_log ? delta * du * LN10 : delta * du / fabs(m);
    double rel_coupling = fv != 0.0 ? delta * fabs(ft / fv) * dv : INFINITY; /* in scaled units */
    rel_coupling = inner_log ? rel_coupling * LN10 : rel_coupling / fabs(inner[row]);
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

/* The crossing on an edge whose one end lies below the signal's threshold (no events) and whose other
 * end (fraction t_inside, 0 or 1) is inside: bisection on [t_thr, t_inside] to NR_BOUNDS_REFINE_TOL of the edge. Below the
 * threshold the signal is zero, and just above it (a width opening as a power of the velocity) it rises steeply
 * from zero: false position from the far end would crawl. The bisection points depend on the edge alone, so with
 * prepared states kept (nr_scan_keep) the vertices of the other rows crossing the same mass cell reuse them. */
static nr_status bisect_from_threshold(worker *wk, const double pa[2], const double pb[2], double t_thr,
                                       double t_inside, double *t, nr_error *err)
{
    double out = t_thr, in = t_inside; /* fractions of the edge with f < 0 and f >= 0 */
    while (fabs(in - out) > NR_BOUNDS_REFINE_TOL) {
        double mid = 0.5 * (out + in), f;
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

/* Moves w (on edge e) onto the contour. An edge that straddles the model's threshold of the signal in the
 * parameter along it, with no events on the side below: bisection from the threshold (bisect_from_threshold).
 * An inner-axis edge: the root along it. An outer-axis edge: in a coupling
 * scan the crossing interpolated along the row when the grid describes it well enough (interpolated_crossing),
 * else the model is prepared once at the mass where the grid puts the crossing, and the root is found along the
 * coupling there, within one cell of the edge (first towards where the grid says the crossing lies); otherwise,
 * or when no root lies within that cell, along the edge. */
static nr_status refine_vertex(worker *wk, size_t e, vertex *w, nr_error *err)
{
    const scan *s = wk->s;
    size_t na[2], nb[2];
    edge_nodes(s, e, na, nb);
    double pa[2] = {s->u[na[0] - 1], s->v[na[1] - 1]}, pb[2] = {s->u[nb[0] - 1], s->v[nb[1] - 1]};
    double fa = node_f(s, na[0], na[1]), fb = node_f(s, nb[0], nb[1]);
    size_t ia = s->inner_x ? na[1] - 1 : na[0] - 1, ib = s->inner_x ? nb[1] - 1 : nb[0] - 1; /* outer */
    size_t row = s->inner_x ? na[0] - 1 : na[1] - 1;                                     /* inner */
    nr_status st;
    double t_thr;
    if (threshold_on_edge(wk, pa, pb, &t_thr)) {
        /* the end at the smaller parameter value is below the threshold: no events there, the other inside */
        int ax = pa[0] != pb[0] ? 0 : 1, a_below = pa[ax] < pb[ax];
        double f_below = a_below ? fa : fb, f_above = a_below ? fb : fa, t;
        if (f_below <= F_FLOOR && f_above >= 0.0) {
            if ((st = bisect_from_threshold(wk, pa, pb, t_thr, a_below ? 1.0 : 0.0, &t, err)) != NR_OK)
                return st;
            w->u = pa[0] + t * (pb[0] - pa[0]);
            w->v = pa[1] + t * (pb[1] - pa[1]);
            return NR_OK;
        }
    }
    if (!along_inner(s, e) && s->inner_coupling && row > 0 && row + 1 < n_inner(s)) {
        int ax = s->inner_x ? 0 : 1;
        const double *axis = s->inner_x ? s->u : s->v;
        double t0 = fa / (fa - fb);
        /* the grid's slope of f along the coupling at the crossing (over two cells) */
        double ga = s->f[node_index(s, ia, row + 1)] - s->f[node_index(s, ia, row - 1)];
        double gb = s->f[node_index(s, ib, row + 1)] - s->f[node_index(s, ib, row - 1)];
        double g = (1.0 - t0) * ga + t0 * gb, tc;
        if (ib == ia + 1 && interpolated_crossing(s, ia, row, t0, 0.5 * g, &tc)) {
            w->u = pa[0] + tc * (pb[0] - pa[0]);
            w->v = pa[1] + tc * (pb[1] - pa[1]);
            return NR_OK;
        }
        double P[2] = {pa[0] + t0 * (pb[0] - pa[0]), pa[1] + t0 * (pb[1] - pa[1])};
        double f0;
        if ((st = f_along(wk, P, P, 0.0, &f0, err)) != NR_OK)
            return st;
        if (f0 == 0.0) {
            w->u = P[0];
            w->v = P[1];
            return NR_OK;
        }
        int first = ((f0 > 0.0) == (g > 0.0)) ? -1 : +1;
        for (int attempt = 0; attempt < 2; attempt++) {
            int dir = attempt ? -first : first;
            double Q[2] = {P[0], P[1]}, fq, t;
            Q[ax] = axis[dir > 0 ? row + 1 : row - 1];
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
    }
    double t;
    if ((st = root_on_segment(wk, pa, pb, fa, fb, &t, err)) != NR_OK)
        return st;
    w->u = pa[0] + t * (pb[0] - pa[0]);
    w->v = pa[1] + t * (pb[1] - pa[1]);
    return NR_OK;
}

/* The vertices to refine after the grid (outer-axis edges; every edge of a grid evaluated elsewhere), shared by
 * the workers. */
typedef struct {
    const size_t *edges;   /* the loops' edges                */
    vertex *vertices;      /* their vertices, edges' order    */
    const size_t *todo;    /* indices into both, to refine    */
} outer_jobs;

static const outer_jobs *current_jobs(const scan *s)
{
    return s->jobs;
}

static nr_status outer_task(void *wp, size_t k, nr_error *err)
{
    worker *w = wp;
    if (nr_progress_cancelled(w->s->progress) || nr_task_pool_stopped(&w->s->pool))
        return nr_fail(err, NR_ECANCELLED, "", "scan cancelled");
    const outer_jobs *j = current_jobs(w->s);
    size_t i = j->todo[k];
    return refine_vertex(w, j->edges[i], &j->vertices[i], err);
}

/* Vertices of every loop (refined if asked), then the polygons. grid_share: progress at the start. */
static nr_status build_polygons(scan *s, worker *workers, size_t n_workers, const loop_set *ls, double grid_share,
                                nr_bounds_result *out, nr_error *err)
{
    out->polygons = calloc(ls->n_loops ? ls->n_loops : 1, sizeof *out->polygons);
    vertex *all = malloc((ls->n_edges ? ls->n_edges : 1) * sizeof *all);
    vertex *w = malloc((ls->n_edges ? ls->n_edges : 1) * sizeof *w);
    size_t *todo = malloc((ls->n_edges ? ls->n_edges : 1) * sizeof *todo);
    if (!out->polygons || !all || !w || !todo) {
        free(all);
        free(w);
        free(todo);
        return nr_fail(err, NR_ENOMEM, "", "out of memory for the contour");
    }
    size_t n_todo = 0;
    for (size_t k = 0; k < ls->n_edges; k++) {
        all[k] = edge_vertex(s, ls->edges[k]);
        if (!s->req->refine || !all[k].refinable)
            continue;
        out->n_refined++;
        if (!along_inner(s, ls->edges[k]) || !apply_inner_root(s, ls->edges[k], &all[k]))
            todo[n_todo++] = k;
    }
    outer_jobs jobs = {ls->edges, all, todo};
    s->jobs = &jobs;
    nr_status st = run_tasks(workers, n_workers, outer_task, n_todo, grid_share, 1.0, err);
    s->jobs = NULL;
    for (size_t L = 0; L < ls->n_loops && st == NR_OK; L++) {
        size_t n = ls->start[L + 1] - ls->start[L];
        memcpy(w, &all[ls->start[L]], n * sizeof *w);
        if ((n = simplify(w, n)) >= 3)
            st = emit_polygon(s, w, n, out, err);
    }
    free(all);
    free(w);
    free(todo);
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
