/* bench_floor.h: the floor the contour benchmarks compare with: a plain C loop doing a dipole-like scan's
 * physics in simplified form (issue 11): per mass, 28 neutrino-energy bins x a 64-point quadrature in |t| of a
 * 1/|t| x Helm-like form factor (the production at unit coupling), then per coupling the decay-in-volume
 * probability exp(-L/d) - exp(-(L + l)/d) per energy bin with d ~ E / (m^2 coupling^2). Not physics: a measure
 * of the least work such a contour needs, timed in the same run as nureach so that the ratio is stable on a
 * shared machine. */
#ifndef NR_BENCH_FLOOR_H
#define NR_BENCH_FLOOR_H

#include <math.h>
#include <stddef.h>

/* n_mass x n_coupling grid; returns the number of points above 3 events (so that nothing is optimised away). */
static inline size_t bench_floor_contour(size_t n_mass, size_t n_coupling)
{
    enum { N_E = 28, N_T = 64 };
    size_t above = 0;
    for (size_t i = 0; i < n_mass; i++) {
        double m = 0.01 * pow(1000.0, (double)i / (double)(n_mass - 1)); /* 0.01-10 GeV */
        double made[N_E], e_n[N_E];
        for (int b = 0; b < N_E; b++) {
            double e = 10.0 * pow(10.0, 3.0 * (b + 0.5) / N_E); /* 10 GeV - 10 TeV */
            double t_min = pow(m * m / (2.0 * e), 2.0), t_max = 0.1, sum = 0.0;
            for (int k = 0; k < N_T; k++) {
                double t = t_min * pow(t_max / t_min, (k + 0.5) / N_T);
                double q = sqrt(t) / 0.197 * 5.0, qr = q > 1e-3 ? q : 1e-3;
                double ff = 3.0 * (sin(qr) - qr * cos(qr)) / (qr * qr * qr) * exp(-0.5 * q * q / 25.0);
                sum += ff * ff * log(t_max / t_min) / N_T; /* dt/t on a log grid */
            }
            made[b] = 1e12 * sum / e;
            e_n[b] = e;
        }
        for (size_t j = 0; j < n_coupling; j++) {
            double mu = 1e-9 * pow(1e5, (double)j / (double)(n_coupling - 1)), events = 0.0;
            for (int b = 0; b < N_E; b++) {
                double d = e_n[b] / m * 1e-16 / (mu * mu * m * m * m);
                events += mu * mu * made[b] * (exp(-480.0 / d) - exp(-490.0 / d));
            }
            above += events > 3.0;
        }
    }
    return above;
}

#endif
