#!/bin/sh
# annihilation_grid.sh: the annihilation yield of physics/beam_dump.c (004 Eqs. 47, 50 convolved with the
# Kuraev-Fadin initial-state radiator, issue 15) against its grid (n points in ln x, default NR_DUMP_N_ISR = 96),
# as (annihilation with ISR) / (Born resonant, alpha = 0) at E137, E141 and the ILC dump, beside the issue 15
# reviewer's independent leading-log estimate of (resonant + radiative return)/resonant:
#   R_KF = (1 + 3b/4) int_0^xmax b x^(b-1) f(x) dx - b int_0^xmax (1 - x/2) f(x) dx,  b = (2 alpha/pi)(ln(m^2/m_e^2) - 1),
#   f(x) = w(E_res/(1-x)) / ((1-x) w(E_res)), w(E) = the in-cone shower positron track length per GeV (004 Eq. A6)
# (E. A. Kuraev, V. S. Fadin, Sov. J. Nucl. Phys. 41 (1985) 466; beta at m^2 throughout, where the code takes the
# hard tail's log at the incoming s), and the cost of one nr_dump_yield_compute.
# Before the fix (main at adc54ef, tree-level e+ e- -> gamma X added to the resonance, 48 positron energies) the
# review measured 1 + non-resonant/resonant = 1.15, 1.19, 1.20, 1.23 at 20, 50, 100, 130 MeV, growing by +0.11 per
# decade of points at 100 MeV (README, "Electron and positron beam dumps").
# Usage (from the worktree, after building build-test): sh tests/bench/annihilation_grid.sh
set -e
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/probe.c" <<'EOC'
#include <math.h>
#include <stdio.h>
#include <time.h>
#include "beam_dump.h"
#include "constants.h"
#include "experiment.h"
static const nr_experiment *E;
static double TH, EB;
static nr_shower_fit FIT;
static double w(double en)
{
    double u = en / EB;
    return u >= 1.0 ? 0.0 : nr_track_u_dl_du_shower(u, FIT) * nr_shower_fraction_in_cone(en, TH) / u / EB;
}
static double kf(double m) /* the reviewer's estimate, E137 (electron beam) */
{
    double er = nr_dump_resonance_energy_gev(m), me = NR_M_ELECTRON;
    double b = 2.0 * NR_ALPHA_EM / NR_PI * (log(m * m / (me * me)) - 1.0), xmax = 1.0 - er / EB, w0 = w(er);
    const int n = 200000;
    double soft = 0, hard = 0, tmax = pow(xmax, b);
    for (int i = 0; i < n; i++) {
        double x = pow((i + 0.5) * tmax / n, 1.0 / b), x2 = (i + 0.5) * xmax / n; /* t = x^b takes the pole */
        soft += w(er / (1 - x)) / ((1 - x) * w0) * tmax / n;
        hard += (1 - x2 / 2) * w(er / (1 - x2)) / ((1 - x2) * w0) * xmax / n;
    }
    return (1 + 0.75 * b) * soft - b * hard;
}
int main(void)
{
    E = nr_experiment_find("E137");
    EB = E->beam_energy_gev;
    FIT = nr_shower_fit_for(E->target);
    TH = atan(E->radius_m / (E->distance_m + E->length_m));
    const char *names[] = {"E137", "E141", "ILC_dump"};
    const double ms[3][5] = {{0.02, 0.05, 0.1, 0.12, 0.13}, {0.005, 0.01, 0.03, 0.05, 0.07},
                             {0.02, 0.05, 0.1, 0.2, 0.3}};
    printf("(annihilation with ISR) / Born resonant, X into the cone, against the grid n (96 = shipped)\n");
    for (int k = 0; k < 3; k++) {
        const nr_experiment *x = nr_experiment_find(names[k]);
        for (int j = 0; j < 5; j++) {
            double m = ms[k][j], born = nr_dump_annihilation_integral(x, m, 0.0, 8);
            printf("%-8s m %.3f GeV:", names[k], m);
            for (int n = 12; n <= 9600; n *= (n == 12 ? 8 : 10))
                printf("  n %d: %.5f", n, nr_dump_annihilation_integral(x, m, NR_ALPHA_EM, n) / born);
            if (k == 0)
                printf("   reviewer's KF estimate %.3f", kf(m));
            printf("\n");
        }
    }
    nr_electron_charges q = {1.0, 1.0};
    nr_dump_yield y;
    nr_error err;
    const int reps = 200;
    clock_t t0 = clock();
    for (int i = 0; i < reps; i++)
        nr_dump_yield_compute(E, 0.05 + 1e-5 * i, q, &y, &err);
    printf("nr_dump_yield_compute at E137, 50 MeV: %.3f ms CPU per call (%d calls)\n",
           1e3 * (double)(clock() - t0) / CLOCKS_PER_SEC / reps, reps);
    return 0;
}
EOC
cc -O2 -std=c17 -D_POSIX_C_SOURCE=200809L -I"$root/physics" "$tmp/probe.c" -o "$tmp/probe" \
   "$root/build-test/physics/libnrphysics.a" -lgsl -lgslcblas -lm
"$tmp/probe"
