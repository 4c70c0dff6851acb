/* cc_table.c: sigma_CC(E) tabulated on a log grid of neutrino energy, for fast look-ups in rates.
 *
 * The integrals come from dis.c (nr_dis_cc_sigma). We interpolate sigma/E, which is smooth, nearly
 * constant above ~100 GeV and goes to zero at threshold, with GSL's Steffen monotone cubic in ln E
 * (no overshoot near the tau threshold). The table is immutable after build and shared by threads
 * (look-ups use no gsl_interp_accel).
 */
#include "cc_table.h"

#include <gsl/gsl_interp.h>
#include <math.h>
#include <stdlib.h>

#include "flux.h"

#define N_CHANNELS (NR_N_SPECIES * 2)

struct nr_cc_table {
    int n;
    double e_min, e_max;            /* [GeV] */
    double *ln_e;                   /* n grid points, ln(E/GeV) */
    double *sigma_over_e[N_CHANNELS]; /* [cm^2/GeV] */
    gsl_interp *interp[N_CHANNELS];
};

static int channel_index(int species, nr_nucleon nucleon)
{
    return species * 2 + (int)nucleon;
}

void nr_cc_table_free(nr_cc_table *t)
{
    if (!t)
        return;
    for (int c = 0; c < N_CHANNELS; c++) {
        if (t->interp[c])
            gsl_interp_free(t->interp[c]);
        free(t->sigma_over_e[c]);
    }
    free(t->ln_e);
    free(t);
}

nr_status nr_cc_table_build(const nr_pdf *pdf, double e_min, double e_max, int n_per_decade,
                            nr_cc_table **out, nr_error *err)
{
    *out = NULL;
    if (!(e_min > 0 && e_max > e_min && n_per_decade >= 2))
        return nr_fail(err, NR_EINTERNAL, "", "bad cross-section grid %g..%g GeV, %d per decade", e_min,
                       e_max, n_per_decade);
    nr_cc_table *t = calloc(1, sizeof *t);
    if (!t)
        return nr_fail(err, NR_ENOMEM, "", "out of memory for the cross-section table");
    t->n = (int)ceil(log10(e_max / e_min) * n_per_decade) + 1;
    t->e_min = e_min;
    t->e_max = e_max;
    t->ln_e = malloc(t->n * sizeof(double));
    if (!t->ln_e)
        goto oom;
    for (int i = 0; i < t->n; i++)
        t->ln_e[i] = log(e_min) + (log(e_max) - log(e_min)) * i / (t->n - 1);
    for (int s = 0; s < NR_N_SPECIES; s++) {
        for (int nuc = 0; nuc < 2; nuc++) {
            int c = channel_index(s, (nr_nucleon)nuc);
            t->sigma_over_e[c] = malloc(t->n * sizeof(double));
            t->interp[c] = gsl_interp_alloc(gsl_interp_steffen, t->n);
            if (!t->sigma_over_e[c] || !t->interp[c])
                goto oom;
            nr_cc_channel ch = {.flavour = s / 2, .anti = s % 2, .nucleon = (nr_nucleon)nuc};
            for (int i = 0; i < t->n; i++) {
                double e = exp(t->ln_e[i]);
                double sigma = nr_dis_cc_sigma(pdf, ch, e);
                if (!isfinite(sigma)) {
                    nr_cc_table_free(t);
                    return nr_fail(err, NR_ENUMERIC, "", "CC cross section not finite at E = %g GeV", e);
                }
                t->sigma_over_e[c][i] = sigma / e;
            }
            gsl_interp_init(t->interp[c], t->ln_e, t->sigma_over_e[c], t->n);
        }
    }
    *out = t;
    return NR_OK;
oom:
    nr_cc_table_free(t);
    return nr_fail(err, NR_ENOMEM, "", "out of memory for the cross-section table");
}

double nr_cc_table_sigma(const nr_cc_table *t, int species, nr_nucleon nucleon, double e_nu)
{
    if (!(e_nu >= t->e_min && e_nu <= t->e_max))
        return e_nu > t->e_max ? NAN : 0.0; /* callers check the range; NaN marks a bug loudly */
    int c = channel_index(species, nucleon);
    double v = gsl_interp_eval(t->interp[c], t->ln_e, t->sigma_over_e[c], log(e_nu), NULL);
    return v > 0 ? v * e_nu : 0.0;
}

double nr_cc_table_e_min(const nr_cc_table *t) { return t->e_min; }
double nr_cc_table_e_max(const nr_cc_table *t) { return t->e_max; }
