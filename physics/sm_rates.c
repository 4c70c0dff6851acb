/* sm_rates.c: Standard Model CC event rates = flux x cross section x targets (see sm_rates.h). */
#include "sm_rates.h"

#include <math.h>

#include "materials.h"

double nr_bin_window_fraction(double lo, double hi, double e_min, double e_max)
{
    double a = lo > e_min ? lo : e_min, b = hi < e_max ? hi : e_max;
    return b > a ? (b - a) / (hi - lo) : 0.0;
}

double nr_sm_neutrinos(const nr_flux *flux, const nr_experiment *exp, int species, double e_min_gev,
                       double e_max_gev, double *count)
{
    double scale = nr_experiment_flux_scale(exp), total = 0;
    for (size_t i = 0; i < flux->n_bins; i++) {
        double w = nr_bin_window_fraction(flux->e_lo[i], flux->e_hi[i], e_min_gev, e_max_gev);
        count[i] = flux->count[species][i] * scale * w;
        total += count[i];
    }
    return total;
}

double nr_sm_cc_events(const nr_flux *flux, const nr_cc_table *cc, const nr_experiment *exp, int species,
                       double e_min_gev, double e_max_gev, double *events)
{
    const nr_material *m = exp->target;
    double column = nr_experiment_column_density_g_cm2(exp); /* [g/cm^2] */
    double protons = nr_material_protons_per_g(m) * column;  /* [cm^-2]  */
    double neutrons = nr_material_neutrons_per_g(m) * column;
    double scale = nr_experiment_flux_scale(exp), total = 0;
    for (size_t i = 0; i < flux->n_bins; i++) {
        double w = nr_bin_window_fraction(flux->e_lo[i], flux->e_hi[i], e_min_gev, e_max_gev);
        double e = flux->e_center[i];
        double prob = protons * nr_cc_table_sigma(cc, species, NR_NUCLEON_PROTON, e) +
                      neutrons * nr_cc_table_sigma(cc, species, NR_NUCLEON_NEUTRON, e);
        events[i] = flux->count[species][i] * scale * w * prob;
        total += events[i];
    }
    return total;
}
