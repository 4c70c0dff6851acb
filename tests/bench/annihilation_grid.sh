#!/bin/sh
# annihilation_grid.sh: measures the non-resonant e+ e- -> gamma X yield of physics/beam_dump.c at E137 against its
# positron-energy grid (n_e, shipped 48) and CM-angle grid (n_cm, shipped 48), and compares the shipped
# 1 + non-resonant/resonant with a Kuraev-Fadin leading-log ISR estimate of (resonant + radiative return)/resonant:
#   R_KF = (1 + 3b/4) int_0^xmax b x^(b-1) f(x) dx - b int_0^xmax (1 - x/2) f(x) dx,  b = (2 alpha/pi)(ln(m^2/m_e^2) - 1),
#   f(x) = w(E_res/(1-x)) / ((1-x) w(E_res)), w(E) = the in-cone shower positron track length per GeV (004 Eq. A6),
# i.e. the narrow resonance reached by positrons above E_res after collinear initial-state radiation (E. A. Kuraev,
# V. S. Fadin, Sov. J. Nucl. Phys. 41 (1985) 466; first-order-exponentiated form). Issue 15 review, item 5.
# Usage (from the worktree, after building build-test): sh tests/bench/annihilation_grid.sh
set -e
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# a copy of beam_dump.c whose grid sizes and mechanisms are variables
sed -e 's/const int n = 48;/const int n = g_n_cm;/' -e 's/const int n_e = 48;/const int n_e = g_n_e;/' \
    -e 's/if (u_res > u_c \&\& u_res < 1.0) {/if (g_res \&\& u_res > u_c \&\& u_res < 1.0) {/' \
    -e 's/if (u_lo_nr < 1.0) {/if (g_nonres \&\& u_lo_nr < 1.0) {/' "$root/physics/beam_dump.c" > "$tmp/bd.c"
[ "$(grep -c 'g_n_cm\|g_n_e\|g_res\|g_nonres' "$tmp/bd.c")" = 4 ] || { echo "beam_dump.c changed: edit the sed lines"; exit 1; }
cat > "$tmp/probe.c" <<'EOC'
#include <stdio.h>
int g_n_cm = 48, g_n_e = 48, g_res = 1, g_nonres = 1;
#include "bd.c"
static const nr_experiment *E;
static double TH, EB;
static nr_shower_fit FIT;
static double w(double en)
{
    double u = en / EB;
    return u >= 1.0 ? 0.0 : nr_track_u_dl_du_shower(u, FIT) * nr_shower_fraction_in_cone(en, TH) / u / EB;
}
static double anni(double m, int res, int nonres, int n_e, int n_cm)
{
    nr_electron_charges q = {1.0, 1.0};
    nr_dump_yield y;
    nr_error err;
    g_res = res, g_nonres = nonres, g_n_e = n_e, g_n_cm = n_cm;
    nr_dump_yield_compute(E, m, q, &y, &err);
    double s = 0;
    for (int b = 0; b < NR_DUMP_N_BINS; b++)
        s += y.n_anni[b];
    return s; /* X into the detector's cone at g = 1 */
}
int main(void)
{
    E = nr_experiment_find("E137");
    EB = E->beam_energy_gev;
    FIT = nr_shower_fit_for(E->target);
    TH = atan(E->radius_m / (E->distance_m + E->length_m));
    printf("E137, X into the cone at g = 1: non-resonant / resonant against the grids\n");
    const double ms[] = {0.02, 0.05, 0.1};
    for (int k = 0; k < 3; k++) {
        double res = anni(ms[k], 1, 0, 48, 48);
        printf("m %.2f GeV  n_e (n_cm 48):", ms[k]);
        for (int n = 48; n <= 48000; n *= 10)
            printf("  %d: %.3f", n, anni(ms[k], 0, 1, n, 48) / res);
        printf("\n            n_cm (n_e 48):");
        for (int n = 48; n <= 48000; n *= 10)
            printf("  %d: %.3f", n, anni(ms[k], 0, 1, 48, n) / res);
        printf("\n");
    }
    printf("Kuraev-Fadin leading log (res + ISR)/res against the shipped 1 + non-resonant/resonant (n_e = n_cm = 48)\n");
    const double mk[] = {0.02, 0.03, 0.05, 0.07, 0.1, 0.12, 0.13};
    for (int k = 0; k < 7; k++) {
        double m = mk[k], er = nr_dump_resonance_energy_gev(m), me = NR_M_ELECTRON;
        double b = 2.0 * NR_ALPHA_EM / NR_PI * (log(m * m / (me * me)) - 1.0), xmax = 1.0 - er / EB, w0 = w(er);
        const int n = 200000;
        double soft = 0, hard = 0, tmax = pow(xmax, b);
        for (int i = 0; i < n; i++) {
            double x = pow((i + 0.5) * tmax / n, 1.0 / b), x2 = (i + 0.5) * xmax / n; /* t = x^b takes the pole */
            soft += w(er / (1 - x)) / ((1 - x) * w0) * tmax / n;
            hard += (1 - x2 / 2) * w(er / (1 - x2)) / ((1 - x2) * w0) * xmax / n;
        }
        double kf = (1 + 0.75 * b) * soft - b * hard, shipped = 1 + anni(m, 0, 1, 48, 48) / anni(m, 1, 0, 48, 48);
        printf("m %.3f GeV: KF %.3f  shipped %.3f  (shipped/KF - 1 = %+.0f%%)\n", m, kf, shipped, 100 * (shipped / kf - 1));
    }
    return 0;
}
EOC
cc -O2 -std=c17 -D_POSIX_C_SOURCE=200809L -I"$root/physics" "$tmp/probe.c" -o "$tmp/probe" \
   "$root/build-test/physics/libnrphysics.a" -lgsl -lgslcblas -lm
"$tmp/probe"
