/* tmm_zp.c: a heavy neutrino N with an active-to-heavy transition magnetic moment to a Z' field strength (model
 * "tmm_zp"), paper 003 (Eqs. 1-3, Figs. 2-3, 6-11).
 *
 * L = mu Nbar sigma^{mu nu} nu_alpha Z'_{mu nu} + V_alphaN (W, Z currents) - Z' (g_q qbar gamma q + g_nu nubar gamma P_L
 * nu + g_l lbar gamma l) (003 Eq. 1), one active flavour alpha: BM-I mu, BM-II e, BM-III tau.
 * Production nu_alpha W -> N X in the tungsten of the detector (tmm_zp_xsec.c): coherent on the nucleus, elastic on
 * its protons and neutrons, inelastic on u, d quarks with the PDFs (CT10nlo) above the matching scale q0_gev2 and
 * its soft continuation below; every piece scales as mu^2 g_q^2. The flux: nu_alpha, or nu_alpha + nubar_alpha
 * (003 left the antineutrinos out; same cross section, tmm_zp_xsec.c).
 * Decays (tmm_zp_widths.c): N -> nu Z' -> nu f fbar, or the three-body through Z'* when M_Z' > m_N, and the W/Z
 * channels of V_alphaN.
 * Detection, 003 Eqs. 2-3: N decays inside the detector with d = min(Delta, R / sin theta), theta the N angle from
 * the scattering kinematics, Delta the detector length, R half its face (a box of side 2R: the inscribed
 * cylinder). geometry "depth_average" (default) averages over a production point uniform along the length (d =
 * min(Delta - z, R/sin theta)); "paper" takes Eq. 2 as printed (N made at the front face).
 * Signals: charged_leptons (two charged leptons + a neutrino: the left panels of Figs. 7, 9, 11), leptons_hadrons
 * (every visible final state: the right panels), the same two in the decay volume behind the target (FASER behind
 * FASERnu), n_produced (Fig. 3) and its regimes n_produced_coherent,
 * n_produced_elastic, n_produced_dis.
 * Scan fast path: mu is the coupling; production ~ mu^2, the dipole widths ~ mu^2, the W/Z widths do not depend on
 * it. prepare (tmm_zp_events.c) keeps the production at unit mu in cells of (p_N, N angle), so a point costs a pass
 * over at most 1680 cells.
 * Spectra: the branching ratios vs m_N (003 Figs. 6, 8, 10) at the other parameters.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "constants.h"
#include "flux.h"
#include "materials.h"
#include "model.h"
#include "tmm_zp_events.h"
#include "tmm_zp_xsec.h"

extern const nr_model nr_model_tmm_zp;

/* ------------------------------------------------------------------------------------------------------------ */
/* parameters and signals                                                                                       */

static const char *const flavour_choices[] = {"mu", "e", "tau", NULL};
static const char *const neutrino_choices[] = {"nu+nubar", "nu", NULL};
static const char *const geometry_choices[] = {"depth_average", "paper", NULL};

enum { P_M_N, P_M_ZP, P_MU, P_V_AN, P_G_Q, P_G_NU, P_G_L, P_Q0, P_FLAVOUR, P_NEUTRINOS, P_GEOMETRY, N_PARAMS };

static const nr_param_spec params[N_PARAMS] = {
    [P_M_N] = {.name = "m_N", .unit = "GeV", .kind = NR_PARAM_NUMBER, .default_value = 1.0, .min_value = 0.1,
               .max_value = 79.0, .scale = NR_SCALE_LOG,
               .description = "mass of the heavy neutrino N (003: 1-70 GeV, below M_W)"},
    [P_M_ZP] = {.name = "m_Zp", .unit = "GeV", .kind = NR_PARAM_NUMBER, .default_value = 0.1, .min_value = 0.01,
                .max_value = 100.0, .scale = NR_SCALE_LOG, .description = "mass of the Z' (003: 0.1, 1, 10 GeV)"},
    [P_MU] = {.name = "mu", .unit = "GeV^-1", .kind = NR_PARAM_NUMBER, .default_value = 5e-6, .min_value = 1e-10,
              .max_value = 1e-1, .scale = NR_SCALE_LOG, .coupling = 1,
              .description = "transition moment mu_nu_alpha of 003 Eq. 1 (~ e v / Lambda^2: 7.5e-5 at Lambda = 1 TeV)"},
    [P_V_AN] = {.name = "V_alphaN", .unit = "", .kind = NR_PARAM_NUMBER, .default_value = 1e-4, .min_value = 0.0,
                .max_value = 1.0, .scale = NR_SCALE_LINEAR,
                .description = "mixing of N with nu_alpha (W and Z decays; 003 prints no value: our default)"},
    [P_G_Q] = {.name = "g_q", .unit = "", .kind = NR_PARAM_NUMBER, .default_value = 1.0, .min_value = 1e-6,
               .max_value = 4.0, .scale = NR_SCALE_LOG,
               .description = "Z' coupling to u and d quarks (003 Fig. 2: 1); production ~ g_q^2"},
    [P_G_NU] = {.name = "g_nu", .unit = "", .kind = NR_PARAM_NUMBER, .default_value = 1.0, .min_value = 0.0,
                .max_value = 4.0, .scale = NR_SCALE_LINEAR,
                .description = "Z' coupling to the left-handed neutrinos (003 prints no value: our default)"},
    [P_G_L] = {.name = "g_l", .unit = "", .kind = NR_PARAM_NUMBER, .default_value = 1.0, .min_value = 0.0,
               .max_value = 4.0, .scale = NR_SCALE_LINEAR,
               .description = "Z' coupling to e, mu, tau (003 prints no value: our default)"},
    [P_Q0] = {.name = "q0_gev2", .unit = "GeV^2", .kind = NR_PARAM_NUMBER, .default_value = NR_TMM_Q0_GEV2,
              .min_value = 0.5, .max_value = 10.0, .scale = NR_SCALE_LOG,
              .description = "matching scale: PDFs at Q^2 above it, the soft continuation (PDFs frozen x Q^2/Q0^2) "
                             "below"},
    [P_FLAVOUR] = {.name = "flavour", .unit = "", .kind = NR_PARAM_CHOICE, .choices = flavour_choices,
                   .description = "the active flavour alpha: mu (BM-I), e (BM-II), tau (BM-III)"},
    [P_NEUTRINOS] = {.name = "neutrinos", .unit = "", .kind = NR_PARAM_CHOICE, .choices = neutrino_choices,
                     .description = "the flux: neutrinos and antineutrinos, or neutrinos only (as 003)"},
    [P_GEOMETRY] = {.name = "geometry", .unit = "", .kind = NR_PARAM_CHOICE, .choices = geometry_choices,
                    .description = "003 Eq. 2 averaged over the production depth, or as printed (N made at the "
                                   "front face)"},
};

enum {
    S_LEPTONS,
    S_VISIBLE,
    S_VOLUME_LEPTONS,
    S_VOLUME_VISIBLE,
    S_PRODUCED,
    S_PRODUCED_COH,
    S_PRODUCED_EL,
    S_PRODUCED_DIS,
    N_SIGNALS
};

static const nr_signal_spec signals[N_SIGNALS] = {
    [S_LEPTONS] = {"charged_leptons", "N -> nu l+ l- (and l l nu) decays in the detector (003 Eq. 3, Figs. 7, 9, 11 "
                                      "left)"},
    [S_VISIBLE] = {"leptons_hadrons", "N decays to charged leptons or hadrons in the detector (003 Eq. 3, Figs. 7, "
                                      "9, 11 right)"},
    [S_VOLUME_LEPTONS] = {"volume_charged_leptons", "the same decays in the decay volume behind the target (FASER "
                                                    "behind FASERnu)"},
    [S_VOLUME_VISIBLE] = {"volume_leptons_hadrons", "visible decays in the decay volume behind the target"},
    [S_PRODUCED] = {"n_produced", "N made in the detector (003 Fig. 3)"},
    [S_PRODUCED_COH] = {"n_produced_coherent", "N made coherently on tungsten nuclei"},
    [S_PRODUCED_EL] = {"n_produced_elastic", "N made elastically on protons and neutrons"},
    [S_PRODUCED_DIS] = {"n_produced_dis", "N made inelastically on quarks (deep-inelastic and soft)"},
};

/* ------------------------------------------------------------------------------------------------------------ */
/* glue to tmm_zp_events                                                                                         */

#define N_BR_POINTS 60 /* spectra: m_N points, log-spaced over 003's 1-70 GeV */
#define BR_M_MIN 1.0
#define BR_M_MAX 70.0

static void setup_of(const nr_param_value *p, nr_tmm_setup *s)
{
    static const int flavour[3] = {NR_FLAVOUR_MU, NR_FLAVOUR_E, NR_FLAVOUR_TAU}; /* choices mu, e, tau */
    s->m_n = p[P_M_N].number;
    s->m_zp = p[P_M_ZP].number;
    s->v_an = p[P_V_AN].number;
    s->g_q = p[P_G_Q].number;
    s->g_nu = p[P_G_NU].number;
    s->g_l = p[P_G_L].number;
    s->q0_gev2 = p[P_Q0].number;
    s->flavour = flavour[p[P_FLAVOUR].choice];
    s->antineutrinos = p[P_NEUTRINOS].choice == 0;
    s->average_depth = p[P_GEOMETRY].choice == 0;
}

static nr_status tmm_check(const nr_model *model, const nr_engine *engine, const nr_experiment *experiment,
                           const nr_param_value *p, nr_error *err)
{
    (void)model;
    (void)engine;
    if (!experiment->target || !experiment->flux_set[0])
        return nr_fail(err, NR_EINPUT, "/experiment", "tmm_zp needs a neutrino target with a flux (FASERnu, FASERnu2)");
    if (!(p[P_M_N].number < NR_M_W))
        return nr_fail(err, NR_EINPUT, "/params/m_N", "m_N must be below M_W = %.3f GeV (003 takes M_N < M_W)",
                       NR_M_W);
    return NR_OK;
}

static nr_status tmm_prepare(const nr_model *model, const nr_engine *engine, const nr_experiment *e,
                             const nr_param_value *p, void *state, nr_error *err)
{
    (void)model;
    nr_tmm_setup s;
    setup_of(p, &s);
    return nr_tmm_prepare(engine, e, &s, state, err);
}

static nr_status tmm_signals_at(const nr_model *model, const void *state, const nr_param_value *p, double *values,
                                nr_error *err)
{
    (void)model;
    (void)err;
    nr_tmm_events ev;
    nr_tmm_events_at(state, p[P_MU].number, &ev);
    values[S_LEPTONS] = ev.leptons;
    values[S_VISIBLE] = ev.visible;
    values[S_VOLUME_LEPTONS] = ev.volume_leptons;
    values[S_VOLUME_VISIBLE] = ev.volume_visible;
    values[S_PRODUCED] = ev.produced;
    values[S_PRODUCED_COH] = ev.produced_coherent;
    values[S_PRODUCED_EL] = ev.produced_elastic;
    values[S_PRODUCED_DIS] = ev.produced_dis;
    return NR_OK;
}

/* The widths at mass m_n with the prepared couplings and the requested mu. */
static nr_status widths_at_mass(const nr_tmm_prepared *prep, double m_n, double mu, nr_tmm_widths *w, nr_error *err)
{
    const nr_tmm_setup *u = &prep->setup;
    const nr_tmm_decay_params d = {m_n, u->m_zp, mu, u->v_an, u->g_q, u->g_nu, u->g_l, u->flavour};
    return nr_tmm_widths_compute(&d, prep->dc, w, err);
}

/* Branching ratios vs m_N (003 Figs. 6, 8, 10): one bin per mass point (log-spaced over 1-70 GeV, the widths at
 * the bin's geometric centre); each channel's total is its branching ratio at the requested m_N. */
static nr_status tmm_spectra(const nr_model *model, const void *vstate, const nr_param_value *p, nr_table *out,
                             nr_error *err)
{
    (void)model;
    const nr_tmm_prepared *prep = vstate;
    const double mu = p[P_MU].number;
    nr_status st = nr_table_init(out, NR_TMM_N_CHANNELS, N_BR_POINTS, err);
    if (st != NR_OK)
        return st;
    snprintf(out->x_name, sizeof out->x_name, "m_N");
    snprintf(out->x_unit, sizeof out->x_unit, "GeV");
    nr_table_log_bins(out, BR_M_MIN, BR_M_MAX);
    nr_tmm_widths w;
    if ((st = widths_at_mass(prep, prep->setup.m_n, mu, &w, err)) != NR_OK) {
        nr_table_free(out);
        return st;
    }
    for (int c = 0; c < NR_TMM_N_CHANNELS; c++) {
        snprintf(out->channel[c], sizeof out->channel[c], "%s", nr_tmm_channel_name((nr_tmm_channel)c));
        snprintf(out->channel_label[c], sizeof out->channel_label[c], "BR(N -> %s)",
                 nr_tmm_channel_name((nr_tmm_channel)c));
        out->total[c] = nr_tmm_br(&w, (nr_tmm_channel)c);
    }
    for (size_t b = 0; b < N_BR_POINTS; b++) {
        if ((st = widths_at_mass(prep, sqrt(out->bin_lo[b] * out->bin_hi[b]), mu, &w, err)) != NR_OK) {
            nr_table_free(out);
            return st;
        }
        for (int c = 0; c < NR_TMM_N_CHANNELS; c++)
            out->events[c * N_BR_POINTS + b] = nr_tmm_br(&w, (nr_tmm_channel)c);
    }
    return NR_OK;
}

const nr_model nr_model_tmm_zp = {
    .name = "tmm_zp",
    .title = "Heavy neutrino with a transition magnetic moment to a Z' field strength",
    .description = "Neutrinos of the flux turn into a heavy neutrino N through the transition moment mu (003 Eq. 1) "
                   "by Z' exchange with tungsten nuclei (coherent), nucleons (elastic) and quarks (deep-inelastic); "
                   "N decays through N -> nu Z'(*) -> nu f fbar and the W/Z mixing channels inside the detector.",
    .references = "paper 003: Eq. 1 (Lagrangian), Eq. 2 (decay probability), Eq. 3 (events), Figs. 2-3, 6-11; "
                  "cross sections and widths derived in tmm_zp_xsec.c and tmm_zp_widths.c (003 used MadGraph); W/Z "
                  "widths after Atre et al. JHEP 05 (2009) 030 and Bondarenko et al. JHEP 11 (2018) 032",
    .params = params,
    .n_params = N_PARAMS,
    .detector_kind = NR_DETECTOR_NEUTRINO_TARGET,
    .signals = signals,
    .n_signals = N_SIGNALS,
    .data = NULL,
    .state_size = sizeof(nr_tmm_prepared),
    .check = tmm_check,
    .prepare = tmm_prepare,
    .signals_at = tmm_signals_at,
    .spectra = tmm_spectra,
    .release = NULL,
};
