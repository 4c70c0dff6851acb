/* test_contour_golden.c: today's contours stay where they were.
 *
 * Golden data: tests/golden/contour_PRESET_50.txt, written by tests/bench/golden_contours from the commit named in
 * each file's header, the code before the coupling-axis refinement, the threads and the dipole's production bins
 * (dipole, darkz_nun: main at 80e8b97; dark_photon, b_minus_l: main at c0ebaed, after the converged meson decays),
 * and before issue 11's zd_hnl speed-ups (u1x, tmm_zp, nuphilic_zp, zd_hnl_fig3, zd_hnl_fig4: the physics of main at
 * c0a1b90 with the presets of bounds_presets.h; nuphilic_zp is a chi-square region, its grid Delta-chi2), nucal
 * (main at 573ba0b, before the 64-node chi rule and the threshold bisection of issue 11) and e137 (branch annih at
 * 7f45545: issue 15's initial-state-radiation annihilation moved 573ba0b's e137 counts by up to 26% and its edges
 * by up to 6.9% (lower) and 1.8% (upper) in coupling, beyond the tolerances below; physics change, README). For
 * each preset the test recomputes the 50 x 50 contour with the current code (on two threads) and checks:
 *   - the grid: events within 2% wherever the golden count is above 0.03 (the dipole's production bins move
 *     counts by 8.4e-9 at most), except on the short-lived branch of dark_photon, b_minus_l and u1x (40%: their
 *     bremsstrahlung no longer goes through the (theta, p) grid, see brem_grid_artifact_fixed);
 *   - the edges: at every grid mass, each coupling where a golden polygon crosses that mass has a crossing of the
 *     new contour within 1% in coupling, and the other way round (upper edges of those three: 2%; u1x's lower
 *     edges 1.5% and counts 3%, see brem_grid_artifact_fixed).
 * nucal and dune (the dark photon at the proton dumps nu-Cal and DUNE): golden from main at 573ba0b (dune: with its
 * preset added, physics unchanged), before their bremsstrahlung left the (theta, p) grid; tolerances and the reason
 * at short_lived_grid_tolerance. A crossing near the grid's coupling border may match the border (edge_shifts).
 * Arguments: preset names to check only those (default: all).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bounds_presets.h"
#include "contour.h"
#include "nr_test.h"

typedef struct {
    size_t nx, ny;
    double *x, *y, *events;
    size_t n_polygons;
    nr_polygon polygons[16];
} golden;

static char *golden_path(const char *preset, int points)
{
    static char path[1024];
    const char *here = __FILE__; /* .../tests/test_contour_golden.c */
    const char *slash = strrchr(here, '/');
    int dir = slash ? (int)(slash - here) : 1;
    snprintf(path, sizeof path, "%.*s/golden/contour_%s_%d.txt", dir, slash ? here : ".", preset, points);
    return path;
}

static int read_golden(const char *preset, int points, golden *g)
{
    memset(g, 0, sizeof *g);
    FILE *f = fopen(golden_path(preset, points), "r");
    if (!f)
        return -1;
    char line[512];
    size_t k = 0;
    nr_polygon *p = NULL;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || strncmp(line, "request", 7) == 0)
            continue;
        if (sscanf(line, "grid %zu %zu", &g->nx, &g->ny) == 2) {
            g->x = calloc(g->nx, sizeof *g->x);
            g->y = calloc(g->ny, sizeof *g->y);
            g->events = calloc(g->nx * g->ny, sizeof *g->events);
            for (size_t n = 0; n < g->nx * g->ny && fgets(line, sizeof line, f); n++) {
                double x, y, e;
                if (sscanf(line, "%lf %lf %lf", &x, &y, &e) != 3)
                    break;
                g->x[n % g->nx] = x;
                g->y[n / g->nx] = y;
                g->events[n] = e;
            }
            continue;
        }
        size_t n;
        if (sscanf(line, "polygon %zu", &n) == 1 && g->n_polygons < 16) {
            p = &g->polygons[g->n_polygons++];
            p->n = n;
            p->x = calloc(n, sizeof *p->x);
            p->y = calloc(n, sizeof *p->y);
            k = 0;
            continue;
        }
        if (p && k < p->n && sscanf(line, "%lf %lf", &p->x[k], &p->y[k]) == 2)
            k++;
    }
    fclose(f);
    return g->nx && g->events ? 0 : -1;
}

static void golden_free(golden *g)
{
    free(g->x);
    free(g->y);
    free(g->events);
    for (size_t k = 0; k < g->n_polygons; k++) {
        free(g->polygons[k].x);
        free(g->polygons[k].y);
    }
}

/* The couplings (log10) where the polygons cross the mass x: vertices on that mass (within 1e-9 in log10). */
static size_t crossings(const nr_polygon *polygons, size_t n_polygons, double x, double *out, size_t max)
{
    size_t n = 0;
    double lx = log10(x);
    for (size_t k = 0; k < n_polygons; k++)
        for (size_t v = 0; v < polygons[k].n; v++)
            if (fabs(log10(polygons[k].x[v]) - lx) < 1e-9 && n < max)
                out[n++] = log10(polygons[k].y[v]);
    return n;
}

/* Largest distance (in log10 coupling) from a crossing in a to the nearest in b. */
static double worst_match(const double *a, size_t na, const double *b, size_t nb)
{
    double worst = 0.0;
    for (size_t i = 0; i < na; i++) {
        double best = INFINITY;
        for (size_t j = 0; j < nb; j++)
            best = fmin(best, fabs(a[i] - b[j]));
        worst = fmax(worst, best);
    }
    return worst;
}

/* The distance from each crossing in a to the nearest in b or to the grid's coupling border (log_border[2]: where
 * one contour leaves the grid an edge of the other just inside it has no crossing to match, e.g. nucal's upper edge
 * at 1.33 MeV, 0.99e-3 now and just above the grid's 1e-3 in the golden), kept in *upper for crossings above
 * log_peak (the column's largest count: an upper edge) and in *lower otherwise (all in log10 coupling). */
static void edge_shifts(const double *a, size_t na, const double *b, size_t nb, const double log_border[2],
                        double log_peak, double *lower, double *upper)
{
    for (size_t k = 0; k < na; k++) {
        double d = fmin(worst_match(&a[k], 1, b, nb), worst_match(&a[k], 1, log_border, 2));
        if (a[k] > log_peak)
            *upper = fmax(*upper, d);
        else
            *lower = fmax(*lower, d);
    }
}

/* Tolerances on the short-lived branch (couplings above a mass column's largest golden count) of the vector models
 * at FASER. The golden grids (dark_photon, b_minus_l: c0ebaed; u1x: c0a1b90) have the bremsstrahlung through the
 * (theta, p) grid, whose top momentum cell [10^3.80, 10^3.85] GeV was spread over four momenta up to 6978 GeV, above
 * the 6800 GeV beam; the accepted bremsstrahlung is now computed without the grid (nr_brem_accept, p <= z p_beam).
 * Where the rate comes from the highest momenta, exp(-L m / (p c tau)) with L m / (p c tau) ~ 10-20 at the upper
 * edge, the counts fall: by 22% for bremsstrahlung alone at L/d = 10 (tests/test_accept_closed_form.c), by at most
 * 16.3% (dark_photon), 13.0% (b_minus_l) and 35.9% (u1x at x_H = -1, x_Phi = 1; largest at its lowest masses and
 * largest couplings, m 10-40 MeV, g 4e-5 to 2e-4) on the golden grids.
 * Upper edges move by 0.59%, 0.43% and 1.74% in coupling. The rest is held to 1% in edges and 2% in counts, as
 * for every other preset, except u1x: its largest count per mass (the turnover, where decays before FASER already
 * deplete the rate) moved by up to 2.7%, points at half that coupling by 1.3%, and its lower edge by 1.08% at most,
 * so u1x is held to 3% in counts and 1.5% in lower edges. */
static int brem_grid_artifact_fixed(const char *preset)
{
    return strcmp(preset, "dark_photon") == 0 || strcmp(preset, "b_minus_l") == 0 || strcmp(preset, "u1x") == 0 ||
           strcmp(preset, "nucal") == 0 || strcmp(preset, "dune") == 0;
}

/* The proton dumps nucal and dune (golden: main at 573ba0b) had the same artifact in their own (theta, p) grid
 * (nr_proton_dump_add_bremsstrahlung + nr_llp_accept): the top momentum cell [10^1.80, 10^1.85] GeV spread over
 * momenta up to 69.8 GeV above nu-Cal's 68.6 GeV beam, [10^2.05, 10^2.10] up to 124.1 GeV above DUNE's 120 GeV.
 * Bremsstrahlung now goes through nr_brem_accept_fixed_target (p <= z p_beam); at L/d = 10 the old route gave 22%
 * (nu-Cal) and 27% (DUNE) more short-lived bremsstrahlung (tests/test_accept_closed_form.c). On the golden grids:
 * short-lived counts down by up to 48% (nucal) and 62% (dune), deep in the exponential tail (counts of 0.03-50,
 * where L m / (p c tau) ~ 20-30 magnifies a 2-4% momentum shift); upper edges down by 1.44% (nucal) and 1.95% (dune)
 * in coupling, largest at the lowest masses (1-2 MeV); lower edges 0.15% and 0.29%; long-lived counts 0.65% (nucal)
 * and 2.8% (dune, at each mass's largest count above 0.5 GeV, where decays before the detector already deplete the
 * rate and the bremsstrahlung dominates). Held to: short-lived 50% (nucal), 65% (dune); upper edges 1.5% (nucal), 2%
 * (dune); long-lived counts 2% (nucal), 3% (dune); lower edges 1%. */
static double short_lived_grid_tolerance(const char *preset)
{
    if (strcmp(preset, "nucal") == 0)
        return 0.50;
    if (strcmp(preset, "dune") == 0)
        return 0.65;
    return brem_grid_artifact_fixed(preset) ? 0.40 : 0.02;
}

static double long_lived_grid_tolerance(const char *preset)
{
    return strcmp(preset, "u1x") == 0 || strcmp(preset, "dune") == 0 ? 0.03 : 0.02;
}

/* in log10 coupling */
static double lower_edge_tolerance(const char *preset)
{
    return strcmp(preset, "u1x") == 0 ? log10(1.015) : log10(1.01);
}

static double upper_edge_tolerance(const char *preset)
{
    if (strcmp(preset, "nucal") == 0)
        return log10(1.015);
    return brem_grid_artifact_fixed(preset) ? log10(1.02) : log10(1.01);
}

static void check_preset(const nr_engine *engine, const char *name, int points)
{
    golden g;
    CHECK(read_golden(name, points, &g) == 0, "golden file %s", golden_path(name, points));
    if (!g.nx)
        return;
    const bounds_preset *bp = bounds_preset_find(name);
    const nr_model *model = bp ? nr_model_find(bp->model) : NULL;
    CHECK(bp && model && g.nx == (size_t)points && g.ny == (size_t)points, "preset %s, %d x %d", name, points, points);
    if (!bp || !model || g.nx != (size_t)points || g.ny != (size_t)points)
        return;
    nr_param_value *base = calloc(model->n_params, sizeof *base);
    nr_model_defaults(model, base);
    bounds_preset_apply(bp, model, base);
    nr_bounds_result res;
    nr_error err;
    nr_error_clear(&err);
    nr_status st = bounds_preset_compute(bp, model, engine, base, g.nx, 2, &res, &err);
    CHECK(st == NR_OK, "%s: %s", name, err.message);
    if (st != NR_OK)
        return;
    /* per mass column, the points above the coupling of the largest golden count are the short-lived branch */
    double worst_grid = 0.0, worst_short = 0.0;
    for (size_t i = 0; i < g.nx; i++) {
        size_t j_peak = 0;
        for (size_t j = 1; j < g.ny; j++)
            if (g.events[j * g.nx + i] > g.events[j_peak * g.nx + i])
                j_peak = j;
        for (size_t j = 0; j < g.ny; j++) {
            size_t n = j * g.nx + i;
            if (!(g.events[n] > 0.03))
                continue;
            double d = fabs(res.events[n] / g.events[n] - 1.0);
            if (j > j_peak && short_lived_grid_tolerance(name) > 0.02)
                worst_short = fmax(worst_short, d);
            else
                worst_grid = fmax(worst_grid, d);
        }
    }
    printf("%s: grid within %.2e of the golden counts above 0.03 events", name, worst_grid);
    if (short_lived_grid_tolerance(name) > 0.02)
        printf(" (short-lived branch: within %.2e)", worst_short);
    printf("\n");
    CHECK(worst_grid < long_lived_grid_tolerance(name), "%s grid: worst relative difference %.3g", name, worst_grid);
    CHECK(worst_short < short_lived_grid_tolerance(name), "%s grid, short-lived branch: worst relative difference %.3g",
          name, worst_short);
    /* edges at every grid mass, both ways; a golden crossing above the column's peak coupling is an upper edge */
    double worst_lower = 0.0, worst_upper = 0.0;
    size_t n_edges = 0;
    for (size_t i = 0; i < g.nx; i++) {
        size_t j_peak = 0;
        for (size_t j = 1; j < g.ny; j++)
            if (g.events[j * g.nx + i] > g.events[j_peak * g.nx + i])
                j_peak = j;
        double log_peak = log10(g.y[j_peak]);
        double a[64], b[64];
        size_t na = crossings(g.polygons, g.n_polygons, g.x[i], a, 64);
        size_t nb = crossings(res.polygons, res.n_polygons, res.x[i], b, 64);
        n_edges += na;
        const double border[2] = {log10(g.y[0]), log10(g.y[g.ny - 1])};
        edge_shifts(a, na, b, nb, border, log_peak, &worst_lower, &worst_upper);
        edge_shifts(b, nb, a, na, border, log_peak, &worst_lower, &worst_upper);
    }
    printf("%s: %zu golden edge points at grid masses, worst coupling shift %.3f%% (lower), %.3f%% (upper)\n", name,
           n_edges, 100.0 * (pow(10.0, worst_lower) - 1.0), 100.0 * (pow(10.0, worst_upper) - 1.0));
    CHECK(n_edges > 20, "%s: %zu edge points", name, n_edges);
    CHECK(worst_lower < lower_edge_tolerance(name), "%s: worst lower-edge shift %.3g in log10 coupling", name,
          worst_lower);
    CHECK(worst_upper < upper_edge_tolerance(name), "%s: worst upper-edge shift %.3g in log10 coupling", name,
          worst_upper);
    nr_bounds_free(&res);
    free(base);
    golden_free(&g);
}

/* With preset names as arguments only those are checked (for a quick look); ctest runs them all. */
static int wanted(int argc, char **argv, const char *name)
{
    if (argc < 2)
        return 1;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    nr_engine *engine = NULL;
    nr_error err;
    nr_error_clear(&err);
    if (nr_engine_init(nr_test_data_dir(), &engine, &err) != NR_OK) {
        fprintf(stderr, "engine: %s\n", err.message);
        return 1;
    }
    if (wanted(argc, argv, "dipole"))
        check_preset(engine, "dipole", 50);
    if (wanted(argc, argv, "darkz_nun"))
        check_preset(engine, "darkz_nun", 50);
    if (wanted(argc, argv, "dark_photon"))
        check_preset(engine, "dark_photon", 50);
    if (wanted(argc, argv, "b_minus_l"))
        check_preset(engine, "b_minus_l", 50);
    if (wanted(argc, argv, "u1x"))
        check_preset(engine, "u1x", 50);
    if (wanted(argc, argv, "tmm_zp"))
        check_preset(engine, "tmm_zp", 50);
    if (wanted(argc, argv, "nuphilic_zp"))
        check_preset(engine, "nuphilic_zp", 50);
    if (wanted(argc, argv, "zd_hnl_fig3"))
        check_preset(engine, "zd_hnl_fig3", 50);
    if (wanted(argc, argv, "zd_hnl_fig4"))
        check_preset(engine, "zd_hnl_fig4", 50);
    if (wanted(argc, argv, "e137"))
        check_preset(engine, "e137", 50);
    if (wanted(argc, argv, "nucal"))
        check_preset(engine, "nucal", 50);
    if (wanted(argc, argv, "dune"))
        check_preset(engine, "dune", 50);
    nr_engine_free(engine);
    return nr_test_summary();
}
