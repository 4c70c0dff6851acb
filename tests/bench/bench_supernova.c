/* bench_supernova.c: the SN1987A energy-loss bound of paper 004 sec. III C (supernova.h, supernova_zprime.h) on a
 * profile: the coupling edges where L_Z' = L_nu versus the mass, for B-L and the chiral U(1)_X at several x_H, and,
 * as a rough check, for the couplings of a dark photon against the published dark-photon SN outline of
 * shared/data/limits/dark_photon/bounds_SN.txt (a different calculation: nucleon bremsstrahlung with in-medium
 * mixing on another profile; see README "SN1987A"). Prints the CPU time per mass.
 *
 * usage: bench_supernova [PROFILE_FILE]   (default: the synthetic profile of sn_profile.h)
 *        with NUREACH_DATA_DIR (or ./data) holding limits/dark_photon/bounds_SN.txt for the comparison
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_args.h"
#include "constants.h"
#include "sn_profile.h"
#include "supernova.h"
#include "supernova_zprime.h"
#include "zprime.h"

#define LG_MIN (-14.0)
#define LG_MAX (-4.0)
#define LG_STEPS 100

static double ratio_at(const nr_sn_luminosity *l, double lg)
{
    return nr_sn_luminosity_at(l, pow(10.0, lg), NULL) / l->l_nu_erg_s;
}

/* log10 g where L/L_nu crosses 1 between a (below/above) and b, by bisection */
static double crossing(const nr_sn_luminosity *l, double a, double b)
{
    int rising = ratio_at(l, a) < 1.0;
    for (int it = 0; it < 50; it++) {
        double mid = 0.5 * (a + b);
        if ((ratio_at(l, mid) < 1.0) == rising)
            a = mid;
        else
            b = mid;
    }
    return 0.5 * (a + b);
}

/* Lower and upper edges [g] at mass m; 0 if the ratio never reaches 1. */
static int edges(const nr_sn_profile *p, const nr_zprime_couplings *c, double m, double *lo, double *hi,
                 double *cpu_s)
{
    clock_t t0 = clock();
    nr_sn_zprime z;
    nr_sn_zprime_init(c, m, &z);
    nr_sn_luminosity l;
    nr_error err;
    if (nr_sn_luminosity_prepare(p, m, nr_sn_zprime_rates, &z, &l, &err) != NR_OK) {
        fprintf(stderr, "prepare: %s\n", err.message);
        return -1;
    }
    *lo = *hi = 0.0;
    double prev = ratio_at(&l, LG_MIN), step = (LG_MAX - LG_MIN) / LG_STEPS;
    for (int i = 1; i <= LG_STEPS; i++) {
        double lg = LG_MIN + step * i, r = ratio_at(&l, lg);
        if (prev < 1.0 && r >= 1.0 && *lo == 0.0)
            *lo = pow(10.0, crossing(&l, lg - step, lg));
        if (prev >= 1.0 && r < 1.0)
            *hi = pow(10.0, crossing(&l, lg - step, lg));
        prev = r;
    }
    nr_sn_luminosity_free(&l);
    *cpu_s = (double)(clock() - t0) / CLOCKS_PER_SEC;
    return *lo > 0;
}

/* The published outline: a closed curve (m, eps); the branch before the largest mass is the upper edge, after it
 * the lower one. Interpolated in log-log; 0 outside. */
typedef struct {
    int n;
    double m[256], e[256];
    int i_max;
} outline;

static int outline_read(const char *path, outline *o)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    o->n = 0;
    while (o->n < 256 && fscanf(f, "%lf %lf", &o->m[o->n], &o->e[o->n]) == 2)
        o->n++;
    fclose(f);
    o->i_max = 0;
    for (int i = 1; i < o->n; i++)
        if (o->m[i] > o->m[o->i_max])
            o->i_max = i;
    return o->n > 2 ? 0 : -1;
}

static double branch_at(const outline *o, int from, int to, double m)
{
    int dir = to > from ? 1 : -1;
    for (int i = from; i != to; i += dir) {
        double a = o->m[i], b = o->m[i + dir];
        if ((m - a) * (m - b) <= 0 && a != b) {
            double w = log(m / a) / log(b / a);
            return exp((1 - w) * log(o->e[i]) + w * log(o->e[i + dir]));
        }
    }
    return 0.0;
}

int main(int argc, char **argv)
{
    bench_args_init(argc, argv,
                    "usage: bench_supernova [PROFILE_FILE]   (default: the synthetic profile of sn_profile.h;\n"
                    "       NUREACH_DATA_DIR or ./data holds limits/dark_photon/bounds_SN.txt)\n", 1);
    if (argc > 1)
        bench_args_no_option(argv[1], "PROFILE_FILE");
    nr_sn_profile p;
    nr_error err;
    nr_status st = argc > 1 ? nr_sn_profile_read(argv[1], argv[1], &p, &err) : nr_sn_profile_synthetic(&p, &err);
    if (st != NR_OK) {
        fprintf(stderr, "profile: %s\n", err.message);
        return 1;
    }
    printf("# profile: %s (L_nu = %.3g erg/s, R_nu = %g km, R_far = %g km)\n", argc > 1 ? argv[1] : "synthetic",
           p.l_nu_erg_s, p.r_nu_km, p.r_far_km);
    static const double masses[] = {0.001, 0.003, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5};
    const int n_m = (int)(sizeof masses / sizeof masses[0]);
    static const double x_h[] = {0.0, -2.0, -1.0, 1.0};
    double cpu_total = 0;
    int n_prep = 0;
    for (int k = 0; k < 4; k++) {
        nr_zprime_couplings c;
        nr_zprime_couplings_u1x(x_h[k], 1.0, &c, &err);
        printf("\n# u1x x_H = %g%s: m [GeV]  lower edge g  upper edge g  (L_Z' > L_nu between)\n", x_h[k],
               x_h[k] == 0 ? " (b_minus_l)" : "");
        for (int i = 0; i < n_m; i++) {
            double lo, hi, cpu;
            int got = edges(&p, &c, masses[i], &lo, &hi, &cpu);
            cpu_total += cpu;
            n_prep++;
            if (got > 0 && hi > 0)
                printf("%8.3f  %10.3g  %10.3g\n", masses[i], lo, hi);
            else if (got > 0)
                printf("%8.3f  %10.3g  %10s\n", masses[i], lo, "> 1e-4");
            else
                printf("%8.3f  %10s  %10s\n", masses[i], "-", "-");
        }
    }
    /* dark-photon couplings against the published outline */
    const char *dir = getenv("NUREACH_DATA_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/limits/dark_photon/bounds_SN.txt", dir && *dir ? dir : "data");
    outline o;
    int have = outline_read(path, &o) == 0;
    nr_zprime_couplings dp;
    nr_zprime_couplings_dark_photon(&dp);
    printf("\n# dark-photon couplings (eps e Q_f; our processes only, no in-medium mixing, no nucleon "
           "bremsstrahlung) vs %s\n# m [GeV]  lower  upper  published lower  upper  ratio lower  ratio upper\n",
           have ? path : "(outline not found)");
    for (int i = 0; i < n_m; i++) {
        double lo, hi, cpu;
        int got = edges(&p, &dp, masses[i], &lo, &hi, &cpu);
        cpu_total += cpu;
        n_prep++;
        double pl = have ? branch_at(&o, o.n - 1, o.i_max, masses[i]) : 0, pu = have ? branch_at(&o, 0, o.i_max, masses[i]) : 0;
        /* 0: no edge (no bound, or none in the outline); an upper edge "0" with a lower one means above 1e-4 */
        printf("%8.3f  %9.3g  %9.3g  %9.3g  %9.3g  %7.2f  %7.2f\n", masses[i], got > 0 ? lo : 0, got > 0 ? hi : 0, pl,
               pu, got > 0 && pl > 0 ? lo / pl : 0, got > 0 && pu > 0 && hi > 0 ? hi / pu : 0);
    }
    printf("\n# CPU: %.3f s for %d masses (tables + %d-point coupling scan + bisections): %.1f ms per mass\n",
           cpu_total, n_prep, LG_STEPS, 1e3 * cpu_total / n_prep);
    nr_sn_profile_free(&p);
    return 0;
}
