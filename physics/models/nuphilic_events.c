/* nuphilic_events.c: smeared CC event spectra and the chi-square bound for the neutrinophilic Z' (paper 002;
 * see nuphilic_events.h). */
#include "models/nuphilic_events.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "sm_rates.h"

nr_status nr_nuphilic_detector_init(const nr_flux *flux, const nr_cc_table *cc, const nr_experiment *exp,
                                    double efficiency, double resolution, nr_nuphilic_detector *out, nr_error *err)
{
    memset(out, 0, sizeof *out);
    if (flux->n_bins > NR_NUPHILIC_MAX_BINS)
        return nr_fail(err, NR_EDATA, "", "flux table has %zu bins, at most %d supported", flux->n_bins,
                       NR_NUPHILIC_MAX_BINS);
    if (!(efficiency > 0 && efficiency <= 1))
        return nr_fail(err, NR_EINPUT, "/params/efficiency", "efficiency must be in (0, 1], got %g", efficiency);
    if (!(resolution >= 0 && resolution <= 1))
        return nr_fail(err, NR_EINPUT, "/params/resolution", "energy resolution must be in [0, 1], got %g", resolution);
    if (!exp->target)
        return nr_fail(err, NR_EINPUT, "/experiment", "experiment %s has no neutrino target", exp->name);
    size_t n = flux->n_bins;
    out->n = n;
    out->flux_scale = nr_experiment_flux_scale(exp);
    /* CC probability per neutrino: sm_rates with one neutrino per bin, unscaled */
    double ones[NR_NUPHILIC_MAX_BINS];
    for (size_t i = 0; i < n; i++)
        ones[i] = 1.0;
    nr_flux unit = *flux;
    for (int s = 0; s < NR_N_SPECIES; s++)
        unit.count[s] = ones;
    double scale = out->flux_scale;
    for (int s = 0; s < NR_N_SPECIES; s++) {
        nr_sm_cc_events(&unit, cc, exp, s, 0.0, INFINITY, out->cc_per_nu[s]);
        for (size_t i = 0; i < n; i++) {
            out->cc_per_nu[s][i] *= efficiency / (scale > 0 ? scale : 1); /* per neutrino actually crossing */
            out->sm_neutrinos[s][i] = flux->count[s][i] * scale;
        }
    }
    /* smearing: the true energy runs over the bin with weight E (flat flux, sigma ~ E) */
    for (size_t i = 0; i < n; i++) {
        double lo = flux->e_lo[i], hi = flux->e_hi[i], wsum = 0;
        for (int g = 0; g < 8; g++) {
            double e = 0.5 * (lo + hi) + 0.5 * (hi - lo) * nr_nuphilic_gl8_x[g], w = nr_nuphilic_gl8_w[g] * e;
            wsum += w;
            /* the Gaussian CDF at each bin edge once (a bin's lower edge is the previous bin's upper edge); sig [GeV]
             * the resolution's width at true energy e */
            double cdf_hi[NR_NUPHILIC_MAX_BINS], sig = resolution * e;
            if (resolution > 0)
                for (size_t r = 0; r < n; r++)
                    cdf_hi[r] = gsl_cdf_ugaussian_P((flux->e_hi[r] - e) / sig);
            for (size_t r = 0; r < n; r++) {
                double frac;
                if (resolution > 0) {
                    double cdf_lo = r > 0 && flux->e_lo[r] == flux->e_hi[r - 1]
                                        ? cdf_hi[r - 1]
                                        : gsl_cdf_ugaussian_P((flux->e_lo[r] - e) / sig);
                    frac = cdf_hi[r] - cdf_lo;
                } else {
                    frac = e >= flux->e_lo[r] && e < flux->e_hi[r];
                }
                out->smear[i][r] += w * frac;
            }
        }
        for (size_t r = 0; r < n; r++)
            out->smear[i][r] /= wsum;
    }
    double sm[NR_N_SPECIES * NR_NUPHILIC_MAX_BINS];
    for (int s = 0; s < NR_N_SPECIES; s++)
        for (size_t i = 0; i < n; i++)
            sm[s * n + i] = out->sm_neutrinos[s][i];
    nr_nuphilic_detector_events(out, sm, out->sm_events);
    return NR_OK;
}

void nr_nuphilic_detector_events(const nr_nuphilic_detector *det, const double *neutrinos,
                                 double out[NR_N_FLAVOURS][NR_NUPHILIC_MAX_BINS])
{
    size_t n = det->n;
    for (int f = 0; f < NR_N_FLAVOURS; f++)
        for (size_t r = 0; r < n; r++)
            out[f][r] = 0;
    for (int s = 0; s < NR_N_SPECIES; s++) {
        int f = s / 2;
        for (size_t i = 0; i < n; i++) {
            double ev = neutrinos[s * n + i] * det->cc_per_nu[s][i];
            if (ev == 0)
                continue;
            for (size_t r = 0; r < n; r++)
                out[f][r] += ev * det->smear[i][r];
        }
    }
}

void nr_nuphilic_total_neutrinos(const nr_nuphilic_detector *det, const nr_nuphilic_prepared *prep,
                                 const double g[NR_NUPHILIC_N_COUPLINGS], double *neutrinos)
{
    size_t n = det->n;
    nr_nuphilic_extra_neutrinos(prep, g, neutrinos);
    for (int s = 0; s < NR_N_SPECIES; s++)
        for (size_t i = 0; i < n; i++)
            neutrinos[s * n + i] = det->sm_neutrinos[s][i] + det->flux_scale * neutrinos[s * n + i];
}

nr_status nr_nuphilic_chi2(const nr_nuphilic_detector *det, const nr_nuphilic_prepared *prep,
                           const double g[NR_NUPHILIC_N_COUPLINGS], const nr_chi2_options *opt, double *chi2,
                           nr_error *err)
{
    double nu[NR_N_SPECIES * NR_NUPHILIC_MAX_BINS], ev[NR_N_FLAVOURS][NR_NUPHILIC_MAX_BINS];
    nr_nuphilic_total_neutrinos(det, prep, g, nu);
    nr_nuphilic_detector_events(det, nu, ev);
    double data[NR_N_FLAVOURS * NR_NUPHILIC_MAX_BINS], pred[NR_N_FLAVOURS * NR_NUPHILIC_MAX_BINS];
    size_t m = 0;
    for (int f = 0; f < NR_N_FLAVOURS; f++)
        for (size_t r = 0; r < det->n; r++) {
            data[m] = det->sm_events[f][r];
            pred[m] = ev[f][r];
            m++;
        }
    return nr_chi2_pull(data, pred, m, opt, chi2, NULL, err);
}

typedef struct {
    const nr_nuphilic_detector *det;
    const nr_nuphilic_prepared *prep;
    int coupling;
    const nr_chi2_options *opt;
} bound_ctx;

static nr_status chi2_of_g(double g1, void *p, double *chi2, nr_error *err)
{
    const bound_ctx *c = p;
    double g[NR_NUPHILIC_N_COUPLINGS] = {0};
    g[c->coupling] = g1;
    return nr_nuphilic_chi2(c->det, c->prep, g, c->opt, chi2, err);
}

nr_status nr_nuphilic_chi2_bound(const nr_nuphilic_detector *det, const nr_nuphilic_prepared *prep, int coupling,
                                 const nr_chi2_options *opt, double level, double g_lo, double g_hi,
                                 double *g_limit, nr_error *err)
{
    if (coupling < 0 || coupling >= NR_NUPHILIC_N_COUPLINGS)
        return nr_fail(err, NR_EINPUT, "/scan", "unknown coupling index %d", coupling);
    bound_ctx c = {det, prep, coupling, opt};
    return nr_chi2_upper_limit(chi2_of_g, &c, g_lo, g_hi, level, 1e-3, g_limit, NULL, err);
}
