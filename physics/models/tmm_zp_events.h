/* tmm_zp_events.h: events of paper 003 (Eqs. 2-3) at a neutrino detector: N made in its tungsten by the transition
 * moment (tmm_zp_xsec.h) from the experiment's flux, decaying inside it (tmm_zp_widths.h). The production at unit mu
 * is prepared once per (m_N, M_Z', couplings other than mu, experiment); events at any mu then cost one pass over a
 * few hundred cells (tmm_zp_events.c). Used by the model file tmm_zp.c.
 */
#ifndef NR_TMM_ZP_EVENTS_H
#define NR_TMM_ZP_EVENTS_H

#include "engine.h"
#include "form_factors.h"
#include "experiment.h"
#include "nr_error.h"
#include "tmm_zp_widths.h"

typedef struct {
    double m_n, m_zp;         /* [GeV]                                                        */
    double v_an, g_q, g_nu, g_l;
    double q0_gev2;           /* matching scale of the inelastic production [GeV^2]            */
    int flavour;              /* NR_FLAVOUR_E, _MU, _TAU (flux.h; also the alpha of the widths) */
    int antineutrinos;        /* 1: the flux is nu_alpha + nubar_alpha; 0: nu_alpha only (003)  */
    int average_depth;        /* 003 Eq. 2 averaged over the production depth (1) or as printed (0) */
} nr_tmm_setup;

#define NR_TMM_P_CELLS 140    /* p_N from 10 MeV to 100 TeV, 20 cells per decade */
#define NR_TMM_ANGLE_CELLS 12 /* R/sin theta >= Delta, then 11 cells in ln(R / sin theta) */

typedef struct {
    double weight;  /* N made at mu = 1 GeV^-1     */
    double p_sum;   /* sum of weight * p_N [GeV]   */
    double sin_sum; /* sum of weight * sin theta   */
} nr_tmm_cell;

typedef struct {
    nr_tmm_setup setup;
    const nr_darkcast *dc;
    const nr_ff_helm_table *helm; /* Helm F of the target nucleus (engine), for the coherent production */
    nr_tmm_widths dipole_unit;  /* channels ~ mu^2, at mu = 1 GeV^-1 */
    nr_tmm_widths mixing;       /* W/Z channels (independent of mu)  */
    double delta_m, radius_m;   /* detector length and radius (Eq. 2) [m] */
    double ln_delta_over_radius; /* ln(delta_m / radius_m), for the angle cells */
    int have_volume;            /* the decay volume behind the target (FASER behind FASERnu)           */
    double gap_m, volume_m;     /* from the back of the target to the volume, its length [m]           */
    double acceptance;          /* fraction of the target face inside the volume's radius              */
    double produced[3];         /* coherent, elastic, inelastic, at mu = 1 */
    nr_tmm_cell cells[NR_TMM_P_CELLS * NR_TMM_ANGLE_CELLS];
} nr_tmm_prepared;

typedef struct {
    double leptons;   /* decays into two charged leptons + a neutrino in the detector            */
    double visible;   /* decays into charged leptons or hadrons in the detector                  */
    double volume_leptons, volume_visible; /* the same in the decay volume behind (0 if none)        */
    double produced, produced_coherent, produced_elastic, produced_dis;
} nr_tmm_events;

/* Fills *out (zeroed here). Errors: NR_EINPUT (bad parameters, named), NR_EDATA (missing flux, PDFs, DarkCast). */
nr_status nr_tmm_prepare(const nr_engine *engine, const nr_experiment *experiment, const nr_tmm_setup *setup,
                         nr_tmm_prepared *out, nr_error *err);

/* Events at transition moment mu [GeV^-1]. */
void nr_tmm_events_at(const nr_tmm_prepared *prep, double mu, nr_tmm_events *out);

/* The widths at mu (dipole part scaled, mixing part as prepared). */
void nr_tmm_widths_at(const nr_tmm_prepared *prep, double mu, nr_tmm_widths *out);

#endif
