/* test_schedule_independence.c: a request's numbers do not depend on what the engine evaluated before it, nor on
 * how the threads of a contour shared the work (a service caches results under a key without the thread count or
 * the order of earlier requests).
 *
 * The engine keeps what models derive from its data across requests and threads; here the accepted meson-decay
 * production of the vector models at the interaction point (vector_ip.c, llp_mesons.h nr_meson_accept_set: the
 * dark photon of paper 004 at FASER, Table V). Each check computes the same thing on a fresh engine and on an engine
 * that evaluated other masses or decay volumes first, and compares bit for bit:
 *  - a mass whose neighbours at 1e-4 of it (within 0.01 in u = logit(m^2/M^2) for pi0 and eta) were evaluated
 *    first (until branch determ, the engine's memo interpolated between them: 1.7e-8 relative in a dark_photon
 *    contour vertex, varying from run to run with 2 threads);
 *  - a fifth decay volume (the engine's memo holds four per meson table; until branch determ the fifth was
 *    evaluated directly, with another quadrature);
 *  - a 24 x 24 dark_photon contour at FASER on one thread on a fresh engine, on four threads after two contours on
 *    grids shifted by 1e-4 in mass, and on two threads.
 */
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "contour.h"
#include "engine.h"
#include "experiment.h"
#include "model.h"
#include "nr_test.h"

/* Events of dark_photon's signal at (mass [GeV], epsilon) at experiment e. */
static double events_at(const nr_engine *engine, const nr_experiment *e, const char *signal, double mass, double eps)
{
    const nr_model *dp = nr_model_find("dark_photon");
    nr_param_value p[16];
    nr_error err;
    nr_model_defaults(dp, p);
    p[nr_model_param_index(dp, "m_Ap")].number = mass;
    p[nr_model_param_index(dp, "epsilon")].number = eps;
    double v = NAN;
    if (nr_model_signal_at(dp, engine, e, p, (size_t)nr_model_signal_index(dp, signal), &v, &err) != NR_OK)
        fprintf(stderr, "error: %s\n", err.message);
    return v;
}

static nr_engine *engine_new(void)
{
    nr_engine *engine = NULL;
    nr_error err;
    CHECK(nr_engine_init(nr_test_data_dir(), &engine, &err) == NR_OK, "engine: %s", err.message);
    return engine;
}

/* A mass after its close neighbours = the mass first, pi0 and eta channels. */
static void test_mass_after_neighbours(void)
{
    nr_engine *fresh = engine_new(), *used = engine_new();
    if (!fresh || !used) {
        nr_engine_free(fresh);
        nr_engine_free(used);
        return;
    }
    const nr_experiment *faser = nr_experiment_find("FASER");
    const char *signals[2] = {"visible_from_pi0", "visible_from_eta"};
    const double masses[3] = {0.02, 0.1, 0.12}, eps = 1e-6; /* [GeV] */
    for (int k = 0; k < 3; k++) {
        const double m = masses[k];
        for (int s = 0; s < 2; s++) {
            events_at(used, faser, signals[s], m * (1.0 - 1e-4), eps);
            events_at(used, faser, signals[s], m * (1.0 + 1e-4), eps);
            double first = events_at(fresh, faser, signals[s], m, eps), after = events_at(used, faser, signals[s], m, eps);
            CHECK(first > 0.0 && after == first,
                  "%s at m = %g GeV: %.17g events after its neighbours, %.17g first (relative %.2e)", signals[s], m,
                  after, first, after / first - 1.0);
        }
    }
    nr_engine_free(fresh);
    nr_engine_free(used);
}

/* FASER with its decay volume moved by `shift` [m]. */
static nr_experiment faser_moved(double shift)
{
    nr_experiment e = *nr_experiment_find("FASER");
    nr_error err;
    CHECK(nr_experiment_override(&e, "distance_m", e.distance_m + shift, "distance_m", &err) == NR_OK, "override: %s",
          err.message);
    return e;
}

/* The fifth decay volume a engine sees = that volume on a fresh engine. */
static void test_fifth_volume(void)
{
    nr_engine *fresh = engine_new(), *used = engine_new();
    if (!fresh || !used) {
        nr_engine_free(fresh);
        nr_engine_free(used);
        return;
    }
    const double m = 0.05, eps = 1e-6; /* [GeV] */
    for (int k = 0; k < 4; k++) {
        nr_experiment e = faser_moved(10.0 * (k + 1));
        events_at(used, &e, "visible_from_pi0", m, eps);
    }
    nr_experiment fifth = faser_moved(50.0);
    double first = events_at(fresh, &fifth, "visible_from_pi0", m, eps);
    double after = events_at(used, &fifth, "visible_from_pi0", m, eps);
    CHECK(first > 0.0 && after == first, "fifth volume: %.17g events after four others, %.17g first (relative %.2e)",
          after, first, after / first - 1.0);
    nr_engine_free(fresh);
    nr_engine_free(used);
}

/* The dark_photon contour at FASER on n points per axis: the bounds preset's ranges (tests/bench/bounds_presets.h),
 * the mass range times `scale`. */
static nr_status faser_contour(const nr_engine *engine, size_t n, double scale, unsigned threads,
                               nr_bounds_result *out)
{
    const nr_model *dp = nr_model_find("dark_photon");
    nr_param_value base[16];
    nr_model_defaults(dp, base);
    nr_bounds_request req = {.signal = (size_t)nr_model_signal_index(dp, "visible"),
                             .ix = nr_model_param_index(dp, "m_Ap"), .iy = nr_model_param_index(dp, "epsilon"),
                             .x_min = 0.01 * scale, .x_max = 1.0 * scale, .nx = n, .x_log = 1,
                             .y_min = 1e-7, .y_max = 1e-3, .ny = n, .y_log = 1,
                             .threshold = 3.0, .refine = 1, .threads = threads};
    nr_error err;
    nr_status st = nr_bounds_compute(dp, engine, nr_experiment_find("FASER"), base, &req, out, NULL, &err);
    CHECK(st == NR_OK, "contour: %s", err.message);
    return st;
}

/* Bit for bit: the grid and every vertex. */
static int same_contour(const nr_bounds_result *a, const nr_bounds_result *b)
{
    if (a->nx != b->nx || a->ny != b->ny || a->n_polygons != b->n_polygons ||
        memcmp(a->events, b->events, a->nx * a->ny * sizeof *a->events) != 0)
        return 0;
    for (size_t k = 0; k < a->n_polygons; k++) {
        const nr_polygon *p = &a->polygons[k], *q = &b->polygons[k];
        if (p->n != q->n || memcmp(p->x, q->x, p->n * sizeof *p->x) != 0 || memcmp(p->y, q->y, p->n * sizeof *p->y) != 0)
            return 0;
    }
    return 1;
}

/* The contour on one thread on a fresh engine = on four threads after two contours whose grid masses lie 1e-4 below
 * and above its own (a user zooming: the engine holds the neighbours of every grid mass) = on two threads. */
static void test_contour_threads(void)
{
    nr_engine *fresh = engine_new(), *used = engine_new();
    nr_bounds_result one = {0}, four = {0}, two = {0}, below = {0}, above = {0};
    if (fresh && used && faser_contour(fresh, 24, 1.0, 1, &one) == NR_OK &&
        faser_contour(used, 24, 1.0 - 1e-4, 2, &below) == NR_OK && faser_contour(used, 24, 1.0 + 1e-4, 2, &above) == NR_OK &&
        faser_contour(used, 24, 1.0, 4, &four) == NR_OK && faser_contour(used, 24, 1.0, 2, &two) == NR_OK) {
        CHECK(one.n_polygons > 0, "the contour has a polygon");
        CHECK(same_contour(&one, &four), "24 x 24 on four threads after the shifted contours = on one thread first");
        CHECK(same_contour(&one, &two), "24 x 24 on two threads after them = on one thread first");
    }
    nr_bounds_free(&one);
    nr_bounds_free(&four);
    nr_bounds_free(&two);
    nr_bounds_free(&below);
    nr_bounds_free(&above);
    nr_engine_free(fresh);
    nr_engine_free(used);
}

int main(void)
{
    gsl_set_error_handler_off();
    test_mass_after_neighbours();
    test_fifth_volume();
    test_contour_threads();
    return nr_test_summary();
}
