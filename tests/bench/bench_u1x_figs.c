/* bench_u1x_figs.c: paper 004 Figs. 4-6 as numbers: the reach of the chiral U(1)_X Z' (model u1x, x_Phi = 1) at
 * the experiments of 004 Table V (E137, E141, ILC beam dump, nu-Cal, DUNE, FASER, FASER 2) for given x_H
 * (Fig. 4: x_H < 0, Fig. 5: x_H = 0 = B-L, Fig. 6: x_H > 0; 004 Table I).
 *
 * For each x_H and experiment: the excluded (or, for the projections, reachable) band in g_X at fixed masses,
 * i.e. the roots of events(g_X) = N95% of the signal `visible` (all production mechanisms of the service: meson
 * decays and bremsstrahlung, plus resonant annihilation at the electron dumps), and the mass reach (the largest
 * mass of the region that starts at the lowest plotted mass; bands beyond a gap are listed as islands). N95% is
 * 004 Table V's (3 for FASER and FASER 2, whose catalogue entries carry no N95%).
 * The edges: first and last sign change of events - N95 on log10 g_X in [-10, -1] (step 0.1; the model's g_X
 * range starts at 1e-10), each refined by 30 bisections in log g_X. Mass reach: bisection in log m (12 steps)
 * between the last plotted mass of that region and the next one.
 *
 * Usage: bench_u1x_figs [x_H ...] [-o FILE] [-p all|mesons|bremsstrahlung]
 *        (default x_H = 0 -1 -2, FILE = u1x_figs.tsv, production all; at the electron dumps the bremsstrahlung is
 *        the electron's and "mesons" is refused, which shows as no band)
 * Prints a table per x_H (lower/upper edge at 0.01, 0.03, 0.1, 0.3, 0.77, 1.5 GeV and the mass reach) and writes
 * the bands on 41 masses from 0.01 to 5 GeV (004 Figs. 4-6 range) to FILE: x_H, experiment, m [GeV], lower, upper
 * (NaN where no band). Prints CPU and wall time. Asserts nothing (a benchmark program, README "Figs. 4-6").
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_errno.h>

#include "bench_args.h"
#include "engine.h"
#include "experiment.h"
#include "model.h"

typedef struct {
    const nr_model *model;
    const nr_engine *engine;
    const nr_experiment *exp;
    double n95;  /* events */
    double x_h;  /* U(1)_X charge parameter */
    int production; /* index of the model's "production" choice (0: all) */
} reach_ctx;

static double now_s(clockid_t c)
{
    struct timespec t;
    clock_gettime(c, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* events - N95 at (m [GeV], g_X) through the scan's prepared mass */
static double excess(const reach_ctx *c, nr_scan *scan, double m, double g)
{
    nr_param_value p[32];
    nr_error err;
    nr_model_defaults(c->model, p);
    p[nr_model_param_index(c->model, "m_Zp")].number = m;
    p[nr_model_param_index(c->model, "g_X")].number = g;
    p[nr_model_param_index(c->model, "x_H")].number = c->x_h;
    p[nr_model_param_index(c->model, "x_Phi")].number = 1.0;
    p[nr_model_param_index(c->model, "production")].choice = c->production;
    double v = 0.0;
    if (nr_scan_at(scan, p, &v, &err) != NR_OK)
        return -c->n95;
    return v - c->n95;
}

/* The band at mass m [GeV]: lower and upper g_X edge; 0 when nothing reaches N95. */
static int band(const reach_ctx *c, double m, double *lo, double *hi)
{
    nr_error err;
    nr_scan *scan = nr_scan_init(c->model, c->engine, c->exp, (size_t)nr_model_signal_index(c->model, "visible"),
                                 &err);
    if (!scan)
        return 0;
    enum { N = 91 };
    double lg[N], f[N];
    int first = -1, last = -1;
    for (int i = 0; i < N; i++) {
        lg[i] = -10.0 + 0.1 * i;
        f[i] = excess(c, scan, m, pow(10.0, lg[i]));
        if (i > 0 && (f[i - 1] < 0) != (f[i] < 0)) {
            if (first < 0)
                first = i - 1;
            last = i - 1;
        }
    }
    int found = first >= 0;
    for (int k = 0; found && k < 2; k++) {
        int i = k ? last : first;
        double a = lg[i], b = lg[i + 1], fa = f[i];
        for (int it = 0; it < 30; it++) {
            double mid = 0.5 * (a + b), fm = excess(c, scan, m, pow(10.0, mid));
            if ((fm < 0) == (fa < 0))
                a = mid, fa = fm;
            else
                b = mid;
        }
        *(k ? hi : lo) = pow(10.0, 0.5 * (a + b));
    }
    /* a band open at the top of the window (events above N95 at g = 0.1) has no upper edge in it */
    if (found && first == last && f[N - 1] >= 0)
        *hi = INFINITY;
    if (found && first == last && f[0] >= 0)
        *lo = 0.0;
    nr_scan_free(scan);
    return found;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    double x_h[16];
    int n_xh = 0;
    const char *out_path = "u1x_figs.tsv";
    int production = 0;
    const nr_model *u1x = nr_model_find("u1x");
    if (!u1x) {
        fprintf(stderr, "the u1x model is not registered\n");
        return 1;
    }
    bench_args_init(argc, argv,
                    "usage: bench_u1x_figs [X_H ...] [-o FILE] [-p all|mesons|bremsstrahlung]\n"
                    "       (at most 16 x_H in [-10, 10], default 0 -1 -2; FILE default u1x_figs.tsv;\n"
                    "       NUREACH_DATA_DIR: the data folder, default ./data)\n", -1);
    for (int i = 1; i < argc; i++) {
        if ((strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "-p") == 0) && i + 1 >= argc)
            bench_args_bad("%s needs a value", argv[i]);
        if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
            out_path = argv[++i];
        } else if (strcmp(argv[i], "-p") == 0 && i + 1 < argc) {
            const nr_param_spec *ps = &u1x->params[nr_model_param_index(u1x, "production")];
            const char *want = argv[++i];
            production = -1;
            for (int k = 0; ps->choices[k]; k++)
                if (strcmp(ps->choices[k], want) == 0)
                    production = k;
            if (production < 0)
                bench_args_bad("-p: unknown production '%s' (all, mesons, bremsstrahlung)", want);
        } else if (n_xh < 16) {
            bench_args_no_option(argv[i], "X_H");
            x_h[n_xh++] = bench_args_double(argv[i], "X_H", -10.0, 10.0);
        } else {
            bench_args_bad("X_H: more than 16 values");
        }
    }
    if (n_xh == 0) {
        x_h[0] = 0.0, x_h[1] = -1.0, x_h[2] = -2.0;
        n_xh = 3;
    }
    const char *data = getenv("NUREACH_DATA_DIR") ? getenv("NUREACH_DATA_DIR") : "data";
    nr_engine *engine = NULL;
    nr_error err;
    if (nr_engine_init(data, &engine, &err) != NR_OK) {
        fprintf(stderr, "engine: %s\n", err.message);
        return 1;
    }
    FILE *out = fopen(out_path, "w");
    if (!out) {
        fprintf(stderr, "cannot write %s\n", out_path);
        nr_engine_free(engine);
        return 1;
    }
    fprintf(out, "# bench_u1x_figs: u1x (x_Phi = 1) reach, signal visible, events >= N95%% (004 Table V)\n"
                 "# x_H\texperiment\tm_Zp[GeV]\tg_X_lower\tg_X_upper\t(nan: no band at this mass)\n");
    const char *exps[] = {"E137", "E141", "ILC_dump", "nu-Cal", "DUNE", "FASER", "FASER2"};
    const double table_m[] = {0.01, 0.03, 0.1, 0.3, 0.77, 1.5}; /* 0.77: 004's FASER island */
    enum { N_EXP = 7, N_TAB = 6, N_PLOT = 41 };
    double c0 = now_s(CLOCK_PROCESS_CPUTIME_ID), w0 = now_s(CLOCK_MONOTONIC);
    for (int k = 0; k < n_xh; k++) {
        printf("\nx_H = %g, x_Phi = 1: g_X band [lower - upper] at m_Z' [GeV]; mass reach [GeV]\n", x_h[k]);
        printf("%-9s", "");
        for (int j = 0; j < N_TAB; j++)
            printf(" | %-19.3g", table_m[j]);
        printf(" | reach\n");
        for (int e = 0; e < N_EXP; e++) {
            const nr_experiment *ex = nr_experiment_find(exps[e]);
            if (!ex) {
                printf("%-9s (not in the catalogue)\n", exps[e]);
                continue;
            }
            reach_ctx c = {u1x, engine, ex, ex->n95_events > 0 ? ex->n95_events : 3.0, x_h[k], production};
            printf("%-9s", exps[e]);
            for (int j = 0; j < N_TAB; j++) {
                double lo, hi;
                if (band(&c, table_m[j], &lo, &hi))
                    printf(" | %8.2e - %8.2e", lo, hi);
                else
                    printf(" | %-19s", "none");
            }
            /* plot grid; the reach is where the region starting at the lowest banded mass ends (bisection), and
             * bands on the grid beyond a gap are reported as islands (004: FASER's island near 0.7 GeV) */
            double first_in = NAN, last_in = NAN, first_out_after = NAN;
            char islands[256] = "";
            for (int j = 0; j < N_PLOT; j++) {
                double m = 0.01 * pow(500.0, (double)j / (N_PLOT - 1)), lo = NAN, hi = NAN;
                int ok = band(&c, m, &lo, &hi);
                fprintf(out, "%g\t%s\t%.6g\t%.6g\t%.6g\n", x_h[k], exps[e], m, ok ? lo : NAN, ok ? hi : NAN);
                if (ok && !isfinite(first_out_after)) {
                    if (!isfinite(first_in))
                        first_in = m;
                    last_in = m;
                } else if (!ok && isfinite(last_in) && !isfinite(first_out_after)) {
                    first_out_after = m;
                } else if (ok && isfinite(first_out_after)) {
                    size_t used = strlen(islands);
                    snprintf(islands + used, sizeof islands - used, "%s%.3g", used ? ", " : " island at ", m);
                }
            }
            if (isfinite(last_in) && isfinite(first_out_after)) {
                double a = last_in, b = first_out_after, lo, hi;
                for (int it = 0; it < 12; it++) {
                    double mid = sqrt(a * b);
                    *(band(&c, mid, &lo, &hi) ? &a : &b) = mid;
                }
                printf(" | %.3g%s\n", sqrt(a * b), islands);
            } else if (isfinite(last_in)) {
                printf(" | >= 5 (band at 5 GeV)\n");
            } else {
                printf(" | no band above 0.01 GeV\n");
            }
            fflush(stdout);
        }
    }
    fclose(out);
    printf("\nCPU %.1f s, wall %.1f s; bands written to %s\n", now_s(CLOCK_PROCESS_CPUTIME_ID) - c0,
           now_s(CLOCK_MONOTONIC) - w0, out_path);
    nr_engine_free(engine);
    return 0;
}
