/* nuphilic_zp.c: a neutrinophilic Z' made in charged-meson decays (model "nuphilic_zp"), paper 002.
 *
 * Physics (nuphilic_decays.h, nuphilic_flux.h, nuphilic_events.h): g_ab Z'_mu nubar_a gamma^mu nu_b (002 Eq. 1)
 * with the four couplings of 002 (g_ee, g_etau, g_mutau, g_emu; the others zero); pi, K, D_s -> l_a nu_b Z' with
 * the lepton mass kept (Eqs. 2-4; Eq. 4 is a factor 2 low for f_pi ~ 130 MeV, see nuphilic_decays.c); Z' -> nu nubar
 * before the detector (Eq. 5, L = the experiment's distance); lab spectra in the collinear forward picture of
 * Eqs. 6-8 from mesons reconstructed out of the Kling-Nevay neutrino spectra per flavour and parent class;
 * CC events in the target (DIS, cc_table.h) with a Gaussian energy resolution and an efficiency (002: 30%, 80%).
 * D+ -> l nu Z' is not included (002 leaves it out too).
 *
 * Signals (events in the experiment's CC sample, nu + nubar, reconstructed energy inside the flux grid):
 *   cc_e, cc_mu, cc_tau             all CC events of that flavour (SM + new);
 *   excess_e, excess_mu, excess_tau  the new ones (total - SM at g = 0): the event-threshold contours use these.
 * Spectra (on the flux table's energy bins):
 *   flux_<species>   neutrinos crossing the detector face per true-energy bin, SM + new (002 Fig. 1);
 *   cc_e, cc_mu, cc_tau  smeared CC events per reconstructed-energy bin (the chi-square observable, 002 sec. IV).
 * 002's FASER2nu "100 and 1000 times the data of FASERnu" = experiment FASERnu with experiment_overrides
 * {"target_mass_t": 120.625} or {"target_mass_t": 1206.25} (everything else as FASERnu, 002 sec. III).
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "model.h"
#include "models/nuphilic_events.h"

enum { P_M_ZP, P_G_EE, P_G_ETAU, P_G_MUTAU, P_G_EMU, P_EFFICIENCY, P_RESOLUTION, P_PDF, N_ZP_PARAMS };

static const nr_param_spec zp_params[N_ZP_PARAMS] = {
    [P_M_ZP] = {.name = "m_Zp", .unit = "GeV", .kind = NR_PARAM_NUMBER, .default_value = 0.01, .min_value = 1e-6,
                .max_value = 0.5, .scale = NR_SCALE_LOG, .description = "mass of the neutrinophilic Z' (002: 1 keV - 500 MeV)"},
    [P_G_EE] = {.name = "g_ee", .unit = "", .kind = NR_PARAM_NUMBER, .default_value = 0, .min_value = 0, .max_value = 10,
                .scale = NR_SCALE_LOG, .coupling = 1, .description = "coupling of Z' to nubar_e gamma nu_e (002 Eq. 1)"},
    [P_G_ETAU] = {.name = "g_etau", .unit = "", .kind = NR_PARAM_NUMBER, .default_value = 1e-3, .min_value = 0,
                  .max_value = 10, .scale = NR_SCALE_LOG, .coupling = 1,
                  .description = "coupling of Z' to nubar_e gamma nu_tau + h.c. (002 Eq. 1, Fig. 2)"},
    [P_G_MUTAU] = {.name = "g_mutau", .unit = "", .kind = NR_PARAM_NUMBER, .default_value = 0, .min_value = 0,
                   .max_value = 10, .scale = NR_SCALE_LOG, .coupling = 1,
                   .description = "coupling of Z' to nubar_mu gamma nu_tau + h.c. (002 Fig. 4)"},
    [P_G_EMU] = {.name = "g_emu", .unit = "", .kind = NR_PARAM_NUMBER, .default_value = 0, .min_value = 0, .max_value = 10,
                 .scale = NR_SCALE_LOG, .coupling = 1, .description = "coupling of Z' to nubar_e gamma nu_mu + h.c. (002 Fig. 5)"},
    [P_EFFICIENCY] = {.name = "efficiency", .unit = "", .kind = NR_PARAM_NUMBER, .default_value = 0.8, .min_value = 1e-3,
                      .max_value = 1, .scale = NR_SCALE_LINEAR,
                      .description = "CC detection efficiency, every flavour (002 Fig. 2 caption: 80% for FASERnu)"},
    [P_RESOLUTION] = {.name = "resolution", .unit = "", .kind = NR_PARAM_NUMBER, .default_value = 0.3, .min_value = 0,
                      .max_value = 1, .scale = NR_SCALE_LINEAR,
                      .description = "relative Gaussian energy resolution of the CC events (002 sec. III: 30%)"},
    [P_PDF] = {.name = "pdf", .unit = "", .kind = NR_PARAM_CHOICE, .choices = nr_pdf_known_sets,
               .description = "proton PDF set for the DIS cross sections"},
};

static const nr_signal_spec zp_signals[] = {
    {"cc_e", "nu_e + nubar_e CC events (SM + Z')"},
    {"cc_mu", "nu_mu + nubar_mu CC events (SM + Z')"},
    {"cc_tau", "nu_tau + nubar_tau CC events (SM + Z')"},
    {"excess_e", "nu_e + nubar_e CC events from the Z' (total - SM)"},
    {"excess_mu", "nu_mu + nubar_mu CC events from the Z' (total - SM)"},
    {"excess_tau", "nu_tau + nubar_tau CC events from the Z' (total - SM)"},
};
#define N_ZP_SIGNALS (sizeof zp_signals / sizeof zp_signals[0])

typedef struct {
    const nr_nuphilic_mesons *mesons; /* the engine's (mesons_of_engine), not owned */
    nr_nuphilic_detector detector;
    nr_nuphilic_prepared prep; /* prep.mesons = mesons */
    const nr_flux *flux;
} zp_state;

static void couplings_of(const nr_param_value *p, double g[NR_NUPHILIC_N_COUPLINGS])
{
    g[NR_NUPHILIC_G_EE] = p[P_G_EE].number;
    g[NR_NUPHILIC_G_ETAU] = p[P_G_ETAU].number;
    g[NR_NUPHILIC_G_MUTAU] = p[P_G_MUTAU].number;
    g[NR_NUPHILIC_G_EMU] = p[P_G_EMU].number;
}

static nr_status zp_check(const nr_model *model, const nr_engine *engine, const nr_experiment *exp,
                          const nr_param_value *p, nr_error *err)
{
    (void)model;
    (void)p;
    if (!exp->target || !exp->flux_set[0] || !nr_engine_flux(engine, exp->flux_set))
        return nr_fail(err, NR_EINPUT, "/experiment", "experiment %s has no neutrino target and flux", exp->name);
    return NR_OK;
}

/* The effective forward mesons of a flux set (002 sec. IV: parent shares and the D_s unfolding of
 * nuphilic_flux.h) depend on the data alone: built once per engine (nr_engine_derived) instead of at every
 * prepared m_Z' (they were 13% of a 50 x 50 chi-square contour, the Richardson-Lucy iterations mostly). */
typedef struct {
    const char *flux_set;
} mesons_arg;

static nr_status mesons_build(const nr_engine *engine, const void *arg, void **table, nr_error *err)
{
    const mesons_arg *a = arg;
    const nr_flux *flux = nr_engine_flux(engine, a->flux_set);
    if (!flux)
        return nr_fail(err, NR_EINPUT, "/experiment", "no neutrino flux table %s", a->flux_set);
    nr_nuphilic_parents *parents = malloc(sizeof *parents);
    nr_nuphilic_mesons *mesons = malloc(sizeof *mesons);
    nr_status st = !parents || !mesons ? nr_fail(err, NR_ENOMEM, "", "out of memory for the meson spectra") : NR_OK;
    if (st == NR_OK)
        st = nr_nuphilic_parents_load(nr_engine_data_dir(engine), flux, parents, err);
    if (st == NR_OK)
        st = nr_nuphilic_mesons_reconstruct(flux, parents, mesons, err);
    free(parents);
    if (st != NR_OK) {
        free(mesons);
        return st;
    }
    *table = mesons;
    return NR_OK;
}

static nr_status mesons_of_engine(const nr_engine *engine, const char *flux_set, const nr_nuphilic_mesons **out,
                                  nr_error *err)
{
    static const nr_derived_spec spec = {mesons_build, free};
    char key[NR_ENGINE_DERIVED_KEY_LEN];
    snprintf(key, sizeof key, "nuphilic_zp/mesons/%s", flux_set);
    const mesons_arg arg = {flux_set};
    const void *t = NULL;
    nr_status st = nr_engine_derived(engine, key, &spec, &arg, &t, err);
    *out = t;
    return st;
}

static nr_status zp_prepare(const nr_model *model, const nr_engine *engine, const nr_experiment *exp,
                            const nr_param_value *p, void *state, nr_error *err)
{
    (void)model;
    zp_state *s = state;
    s->flux = nr_engine_flux(engine, exp->flux_set);
    const nr_cc_table *cc;
    nr_status st = nr_engine_cc_table(engine, nr_pdf_known_sets[p[P_PDF].choice], &cc, err);
    if (st != NR_OK)
        return st;
    if ((st = mesons_of_engine(engine, exp->flux_set, &s->mesons, err)) != NR_OK ||
        (st = nr_nuphilic_detector_init(s->flux, cc, exp, p[P_EFFICIENCY].number, p[P_RESOLUTION].number, &s->detector,
                                        err)) != NR_OK)
        return st;
    return nr_nuphilic_prepare(s->mesons, s->flux, p[P_M_ZP].number, exp->distance_m, &s->prep, err);
}

static void release(const nr_model *model, void *state)
{
    (void)model;
    nr_nuphilic_prepared_free(&((zp_state *)state)->prep);
}

/* smeared CC events per flavour and bin, SM + Z' */
static void events_at(const zp_state *s, const nr_param_value *p, double *neutrinos,
                      double ev[NR_N_FLAVOURS][NR_NUPHILIC_MAX_BINS])
{
    double g[NR_NUPHILIC_N_COUPLINGS];
    couplings_of(p, g);
    nr_nuphilic_total_neutrinos(&s->detector, &s->prep, g, neutrinos);
    nr_nuphilic_detector_events(&s->detector, neutrinos, ev);
}

static nr_status zp_signals_at(const nr_model *model, const void *state, const nr_param_value *p, double *values,
                               nr_error *err)
{
    (void)model;
    (void)err;
    const zp_state *s = state;
    double nu[NR_N_SPECIES * NR_NUPHILIC_MAX_BINS], ev[NR_N_FLAVOURS][NR_NUPHILIC_MAX_BINS];
    events_at(s, p, nu, ev);
    for (int f = 0; f < NR_N_FLAVOURS; f++) {
        double tot = 0, sm = 0;
        for (size_t r = 0; r < s->detector.n; r++) {
            tot += ev[f][r];
            sm += s->detector.sm_events[f][r];
        }
        values[f] = tot;
        values[NR_N_FLAVOURS + f] = tot - sm;
    }
    return NR_OK;
}

/* The spectra's channel names and labels, the same at every call: written once per process (their snprintf
 * were a visible part of a chi-square contour's per-point cost, issue 11). */
typedef char zp_channel_name[NR_CHANNEL_NAME_LEN];
typedef char zp_channel_label[NR_CHANNEL_NAME_LEN * 2]; /* as nr_table (model.h) */
static zp_channel_name zp_names[NR_N_SPECIES + NR_N_FLAVOURS];
static zp_channel_label zp_labels[NR_N_SPECIES + NR_N_FLAVOURS];
static pthread_once_t zp_names_once = PTHREAD_ONCE_INIT;

static void zp_names_init(void)
{
    static const char *const flavour_names[NR_N_FLAVOURS] = {"e", "mu", "tau"};
    for (size_t c = 0; c < NR_N_SPECIES + NR_N_FLAVOURS; c++) {
        if (c < NR_N_SPECIES) {
            snprintf(zp_names[c], sizeof zp_names[c], "flux_%s", nr_species_name((int)c));
            snprintf(zp_labels[c], sizeof zp_labels[c], "%s crossing the face (true E)", nr_species_name((int)c));
        } else {
            size_t f = c - NR_N_SPECIES;
            snprintf(zp_names[c], sizeof zp_names[c], "cc_%s", flavour_names[f]);
            snprintf(zp_labels[c], sizeof zp_labels[c], "nu_%s + nubar_%s CC events (reco E)", flavour_names[f],
                     flavour_names[f]);
        }
    }
}

static nr_status zp_spectra(const nr_model *model, const void *state, const nr_param_value *p, nr_table *out,
                            nr_error *err)
{
    (void)model;
    const zp_state *s = state;
    size_t n = s->detector.n;
    nr_status st = nr_table_init(out, NR_N_SPECIES + NR_N_FLAVOURS, n, err);
    if (st != NR_OK)
        return st;
    double nu[NR_N_SPECIES * NR_NUPHILIC_MAX_BINS], ev[NR_N_FLAVOURS][NR_NUPHILIC_MAX_BINS];
    events_at(s, p, nu, ev);
    pthread_once(&zp_names_once, zp_names_init);
    for (size_t c = 0; c < NR_N_SPECIES + NR_N_FLAVOURS; c++) {
        memcpy(out->channel[c], zp_names[c], sizeof zp_names[c]);
        memcpy(out->channel_label[c], zp_labels[c], sizeof zp_labels[c]);
        const double *row = c < NR_N_SPECIES ? nu + c * n : ev[c - NR_N_SPECIES];
        memcpy(out->events + c * n, row, n * sizeof *row);
    }
    snprintf(out->x_name, sizeof out->x_name, "E_nu");
    snprintf(out->x_unit, sizeof out->x_unit, "GeV");
    nr_table_copy_bins(out, s->flux->e_lo, s->flux->e_hi);
    nr_table_sum_channels(out);
    return NR_OK;
}

const nr_model nr_model_nuphilic_zp = {
    .name = "nuphilic_zp",
    .title = "Neutrinophilic Z' from charged-meson decays (flux distortions at FASERnu)",
    .description = "A light Z' coupled only to neutrinos, g_ab Z' nubar_a gamma nu_b, radiated in pi, K, D_s -> l nu Z' "
                   "(longitudinally enhanced by m_M^2/m_Z'^2) and decaying to nu nubar before the detector. The new "
                   "neutrinos change the nu_e, nu_mu and nu_tau fluxes and CC spectra at FASERnu; bounds follow from a "
                   "chi-square of the smeared CC spectra against the SM (10% normalisation pull).",
    .references = "paper 002 (shared/papers/002_*.txt) Eqs. 1-8, Figs. 1-5; Kling & Nevay arXiv:2105.08270 (fluxes); "
                  "ForwardCharm and tau_tridents parent splits (shared/data/fluxes/PROVENANCE.txt)",
    .params = zp_params,
    .n_params = N_ZP_PARAMS,
    .detector_kind = NR_DETECTOR_NEUTRINO_TARGET,
    .signals = zp_signals,
    .n_signals = N_ZP_SIGNALS,
    .state_size = sizeof(zp_state),
    .check = zp_check,
    .prepare = zp_prepare,
    .signals_at = zp_signals_at,
    .spectra = zp_spectra,
    .release = release,
};
