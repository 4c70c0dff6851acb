/* sm.c: the Standard Model model "sm": charged-current neutrino interactions in FASERnu and FASERnu2.
 *
 * Physics: leading-order DIS cross sections (dis.c) on the tungsten nucleons, times the Kling-Nevay
 * fluxes (flux.c), as in sm_rates.h. Observables: totals per neutrino species (rates) and per
 * neutrino-energy bin of the flux table (spectra). quantity = "flux" returns the neutrinos crossing the
 * detector face instead of the CC interactions (the per-energy flux and its totals).
 */
#include <stdio.h>
#include <string.h>

#include "model.h"
#include "sm_rates.h"

static const char *const sm_quantities[] = {"cc_events", "flux", NULL};

enum { P_PDF, P_QUANTITY, P_E_MIN, P_E_MAX, N_SM_PARAMS };

static const nr_param_spec sm_params[N_SM_PARAMS] = {
    [P_PDF] = {.name = "pdf", .unit = "", .kind = NR_PARAM_CHOICE, .choices = nr_pdf_known_sets,
               .description = "proton PDF set (LHAPDF6 grid, central member) for the DIS cross sections"},
    [P_QUANTITY] = {.name = "quantity", .unit = "", .kind = NR_PARAM_CHOICE, .choices = sm_quantities,
                    .description = "cc_events: charged-current interactions in the target; flux: neutrinos "
                                   "crossing the detector face"},
    [P_E_MIN] = {.name = "e_min", .unit = "GeV", .kind = NR_PARAM_NUMBER, .default_value = 1.0,
                 .min_value = 1.0, .max_value = 2.0e4, .scale = NR_SCALE_LOG,
                 .description = "lower end of the neutrino-energy window (bins count by their overlap)"},
    [P_E_MAX] = {.name = "e_max", .unit = "GeV", .kind = NR_PARAM_NUMBER, .default_value = 2.0e4,
                 .min_value = 1.0, .max_value = 2.0e4, .scale = NR_SCALE_LOG,
                 .description = "upper end of the neutrino-energy window"},
};

static const nr_signal_spec sm_signals[NR_N_SPECIES] = {
    {"nu_e", "nu_e CC interactions (quantity = flux: nu_e crossing the detector face)"},
    {"nubar_e", "nubar_e CC interactions (quantity = flux: nubar_e crossing the detector face)"},
    {"nu_mu", "nu_mu CC interactions (quantity = flux: nu_mu crossing the detector face)"},
    {"nubar_mu", "nubar_mu CC interactions (quantity = flux: nubar_mu crossing the detector face)"},
    {"nu_tau", "nu_tau CC interactions (quantity = flux: nu_tau crossing the detector face)"},
    {"nubar_tau", "nubar_tau CC interactions (quantity = flux: nubar_tau crossing the detector face)"},
};

static nr_status sm_check(const nr_model *model, const nr_engine *engine, const nr_experiment *exp,
                          const nr_param_value *p, nr_error *err)
{
    (void)model;
    if (!(p[P_E_MIN].number < p[P_E_MAX].number))
        return nr_fail(err, NR_EINPUT, "/params/e_min", "e_min (%g GeV) must be below e_max (%g GeV)",
                       p[P_E_MIN].number, p[P_E_MAX].number);
    if (!exp->target || !exp->flux_set[0] || !nr_engine_flux(engine, exp->flux_set))
        return nr_fail(err, NR_EINPUT, "/experiment", "experiment %s has no neutrino target and flux",
                       exp->name);
    return NR_OK;
}

/* The flux and (for CC events) the cross-section table of the request. */
typedef struct {
    const nr_experiment *experiment;
    const nr_flux *flux;
    const nr_cc_table *cc; /* NULL for quantity = flux */
} sm_state;

static nr_status sm_prepare(const nr_model *model, const nr_engine *engine, const nr_experiment *exp,
                            const nr_param_value *p, void *state, nr_error *err)
{
    (void)model;
    sm_state *s = state;
    s->experiment = exp;
    s->flux = nr_engine_flux(engine, exp->flux_set);
    if (p[P_QUANTITY].choice == 1)
        return NR_OK;
    return nr_engine_cc_table(engine, nr_pdf_known_sets[p[P_PDF].choice], &s->cc, err);
}

/* Events (or neutrinos) of one species in the energy window: the total, and per flux bin into per_bin. */
static double sm_species(const sm_state *s, const nr_param_value *p, int species, double *per_bin)
{
    double lo = p[P_E_MIN].number, hi = p[P_E_MAX].number;
    return s->cc ? nr_sm_cc_events(s->flux, s->cc, s->experiment, species, lo, hi, per_bin)
                 : nr_sm_neutrinos(s->flux, s->experiment, species, lo, hi, per_bin);
}

static nr_status sm_signals_at(const nr_model *model, const void *state, const nr_param_value *p, double *values,
                               nr_error *err)
{
    (void)model;
    (void)err;
    double per_bin[256];
    for (int s = 0; s < NR_N_SPECIES; s++)
        values[s] = sm_species(state, p, s, per_bin);
    return NR_OK;
}

static nr_status sm_spectra(const nr_model *model, const void *state, const nr_param_value *p, nr_table *out,
                            nr_error *err)
{
    (void)model;
    const sm_state *st = state;
    const nr_flux *flux = st->flux;
    nr_status status = nr_table_init(out, NR_N_SPECIES, flux->n_bins, err);
    if (status != NR_OK)
        return status;
    double per_bin[256];
    for (int s = 0; s < NR_N_SPECIES; s++) {
        snprintf(out->channel[s], sizeof out->channel[s], "%s", nr_species_name(s));
        snprintf(out->channel_label[s], sizeof out->channel_label[s], "%s %s", nr_species_name(s),
                 st->cc ? "CC interactions" : "crossing the detector face");
        out->total[s] = sm_species(st, p, s, per_bin);
        for (size_t b = 0; b < flux->n_bins; b++)
            out->events[s * flux->n_bins + b] = per_bin[b];
    }
    snprintf(out->x_name, sizeof out->x_name, "E_nu");
    snprintf(out->x_unit, sizeof out->x_unit, "GeV");
    nr_table_copy_bins(out, flux->e_lo, flux->e_hi);
    return NR_OK;
}

const nr_model nr_model_sm = {
    .name = "sm",
    .title = "Standard Model charged-current neutrino interactions",
    .description = "Charged-current interactions nu_l N -> l X of the six neutrino species in the tungsten "
                   "of FASERnu (Run 3) or FASERnu2 (HL-LHC): leading-order deep-inelastic scattering on the "
                   "protons and neutrons with the W propagator, the charged-lepton mass (tau threshold) and "
                   "W > m_N + m_pi, times the Kling-Nevay forward neutrino fluxes.",
    .references = "Kling & Nevay, arXiv:2105.08270 (fluxes); Albright & Jarlskog, Nucl. Phys. B84 (1975) 467 "
                  "and Kretzer & Reno, Phys. Rev. D66 (2002) 113007 (CC cross section with lepton mass)",
    .params = sm_params,
    .n_params = N_SM_PARAMS,
    .detector_kind = NR_DETECTOR_NEUTRINO_TARGET,
    .signals = sm_signals,
    .n_signals = NR_N_SPECIES,
    .signals_exclusive = 1, /* interactions of different neutrino species: disjoint event classes */
    .state_size = sizeof(sm_state),
    .check = sm_check,
    .prepare = sm_prepare,
    .signals_at = sm_signals_at,
    .spectra = sm_spectra,
};
