/* bounds_presets.h: the contour scans the benchmarks and the golden-contour regression test share: at least one per
 * model with couplings (sm has none), each a model, an experiment, a test and a mass x coupling log grid. The test:
 * a signal's events at threshold 3, refined (nr_bounds_compute), or, where chi2_observable is set, the chi-square
 * region of paper 002 sec. IV at 90% CL with a 10% normalisation uncertainty on the spectra channels starting with
 * chi2_observable (nr_chi2_bounds_compute, not refined; what POST /api/v1/bounds does with "test": {"kind":
 * "chi2"}). bounds_preset_compute runs either, so the benchmarks and the tests make the same call. */
#ifndef NR_BOUNDS_PRESETS_H
#define NR_BOUNDS_PRESETS_H

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "chi2_bounds.h"
#include "contour.h"
#include "experiment.h"
#include "model.h"

/* A parameter away from its default: a number, or a choice by name (choice != NULL). */
typedef struct {
    const char *param;
    double number;
    const char *choice;
} bounds_override;

typedef struct {
    const char *name;        /* preset name                                     */
    const char *model;
    const char *experiment;
    const char *signal;
    const char *x_param;     /* a mass [GeV], log axis                          */
    double x_min, x_max;
    const char *y_param;     /* the coupling, log axis                          */
    double y_min, y_max;
    bounds_override overrides[6]; /* ended by param NULL                        */
    const char *chi2_observable;  /* NULL: events >= 3 of signal; else the chi-square test on these channels */
} bounds_preset;

static const bounds_preset bounds_presets[] = {
    /* issue 3: 001 Fig. 1 region at the FPF */
    {"dipole", "dipole", "FASERnu2", "gamma_decay_volume", "m_N", 0.01, 10.0, "mu_N", 1e-9, 1e-4, {{0}}, NULL},
    /* 000 Fig. 1 axes (m_Z' x g_nuN at eps = 7e-4, m_N = 5 GeV): N made inside FASERnu */
    {"darkz_nun", "darkz_nun", "FASERnu", "n_hese", "m_Zp", 0.01, 10.0, "g_nuN", 1e-5, 1.0, {{0}}, NULL},
    /* issue 5: FASER Run 3 dark photon */
    {"dark_photon", "dark_photon", "FASER", "visible", "m_Ap", 0.01, 1.0, "epsilon", 1e-7, 1e-3, {{0}}, NULL},
    /* 004 Fig. 4: B-L at FASER Run 3 (the FORESEE comparison grid) */
    {"b_minus_l", "b_minus_l", "FASER", "visible", "m_Zp", 0.01, 1.0, "g_BL", 1e-8, 1e-3, {{0}}, NULL},
    /* issue 15: the dark photon at the E137 electron beam dump */
    {"e137", "dark_photon", "E137", "visible", "m_Ap", 0.001, 1.0, "epsilon", 1e-9, 1e-3, {{0}}, NULL},
    /* issue 15: the dark photon at the nu-Cal proton beam dump */
    {"nucal", "dark_photon", "nu-Cal", "visible", "m_Ap", 0.001, 1.0, "epsilon", 1e-9, 1e-3, {{0}}, NULL},
    /* issue 11: the dark photon at the DUNE near detector behind the LBNF target (004 Table V), the nucal grid */
    {"dune", "dark_photon", "DUNE", "visible", "m_Ap", 0.001, 1.0, "epsilon", 1e-9, 1e-3, {{0}}, NULL},
    /* issue 12: paper 001 Fig. 3 point (m_ZD 30 MeV, alpha_D 0.25, alpha eps^2 2e-10, mu mixing) */
    {"zd_hnl_fig3", "zd_hnl", "FASERnu2", "ee_secondary", "m_N", 0.05, 20.0, "U2", 1e-12, 1e-2,
     {{"m_ZD", 0.03, NULL}, {"alpha_D", 0.25, NULL}, {"epsilon", 1.6554e-4, NULL}, {"flavour", 0, "mu"}}, NULL},
    /* issue 12: paper 001 Fig. 4 point (m_ZD = 8 m_N, g_D 1, eps 1e-3, tau mixing) */
    {"zd_hnl_fig4", "zd_hnl", "FASERnu2", "nuee_primary", "m_N", 0.003, 1.0, "U2", 1e-12, 1e-1,
     {{"mass_relation", 0, "ratio"}, {"ratio_ZD_N", 8, NULL}, {"alpha_D", 0.0795774715, NULL},
      {"epsilon", 1e-3, NULL}, {"flavour", 0, "tau"}}, NULL},
    /* issue 11: the U(1)_X Z' of 004 at x_H = -1, x_Phi = 1 (004 Fig. 4, an x_H < 0 panel; e_R has no U(1)_X
     * charge, 004 sec. II) at FASER Run 3, the b_minus_l grid */
    {"u1x", "u1x", "FASER", "visible", "m_Zp", 0.01, 1.0, "g_X", 1e-8, 1e-3, {{"x_H", -1.0, NULL}}, NULL},
    /* issue 11: 003 Fig. 7 right (BM-I: mu flavour, M_Z' = 0.1 GeV, quark and charged-lepton final states) at
     * FASERnu, m_N over 003's 1-70 GeV, neutrinos only (003); g_q = g_nu = g_l = 1 and V_alphaN = 1e-4 (the model's
     * defaults, README "tmm_zp") */
    {"tmm_zp", "tmm_zp", "FASERnu", "leptons_hadrons", "m_N", 1.0, 70.0, "mu", 1e-8, 1e-2,
     {{"m_Zp", 0.1, NULL}, {"flavour", 0, "mu"}, {"neutrinos", 0, "nu"}}, NULL},
    /* issue 13: 002 Fig. 3 (g_etau) as a region in the (m_Z', g_etau) plane at FASERnu: the chi-square of the CC
     * spectra against the SM (the README's chi-square request) */
    {"nuphilic_zp", "nuphilic_zp", "FASERnu", NULL, "m_Zp", 1e-6, 0.3, "g_etau", 1e-7, 3.0, {{0}}, "cc_"},
};

static inline const bounds_preset *bounds_preset_find(const char *name)
{
    for (size_t i = 0; i < sizeof bounds_presets / sizeof bounds_presets[0]; i++)
        if (strcmp(bounds_presets[i].name, name) == 0)
            return &bounds_presets[i];
    return NULL;
}

/* Applies the preset's overrides to base (the model's defaults); -1 if one names no parameter or choice. */
static inline int bounds_preset_apply(const bounds_preset *bp, const nr_model *model, nr_param_value *base)
{
    for (const bounds_override *o = bp->overrides; o->param; o++) {
        int i = nr_model_param_index(model, o->param);
        if (i < 0)
            return -1;
        if (!o->choice) {
            base[i].number = o->number;
            continue;
        }
        int c = 0;
        while (model->params[i].choices[c] && strcmp(model->params[i].choices[c], o->choice) != 0)
            c++;
        if (!model->params[i].choices[c])
            return -1;
        base[i].choice = c;
    }
    return 0;
}

/* The overrides as the JSON object of a request's "params". */
static inline void bounds_preset_params_json(const bounds_preset *bp, char *out, size_t size)
{
    size_t n = (size_t)snprintf(out, size, "{");
    for (const bounds_override *o = bp->overrides; o->param && n < size; o++)
        n += o->choice ? (size_t)snprintf(out + n, size - n, "%s\"%s\":\"%s\"", n > 1 ? "," : "", o->param, o->choice)
                       : (size_t)snprintf(out + n, size - n, "%s\"%s\":%.12g", n > 1 ? "," : "", o->param, o->number);
    if (n < size)
        snprintf(out + n, size - n, "}");
}

/* The request of a preset on a points x points grid. */
static inline nr_bounds_request bounds_preset_request(const bounds_preset *bp, const nr_model *model, size_t points,
                                                      unsigned threads)
{
    return (nr_bounds_request){.signal = bp->signal ? (size_t)nr_model_signal_index(model, bp->signal) : 0,
                               .ix = nr_model_param_index(model, bp->x_param),
                               .iy = nr_model_param_index(model, bp->y_param),
                               .x_min = bp->x_min, .x_max = bp->x_max, .nx = points, .x_log = 1,
                               .y_min = bp->y_min, .y_max = bp->y_max, .ny = points, .y_log = 1,
                               .threshold = 3.0, .refine = !bp->chi2_observable, .threads = threads};
}

/* The preset's test at 90% CL with a 10% normalisation uncertainty (the API's defaults, server/request.c). */
static inline nr_chi2_test bounds_preset_chi2_test(const bounds_preset *bp)
{
    nr_chi2_test test = nr_chi2_test_paper002(bp->chi2_observable ? bp->chi2_observable : "");
    test.n_params = 2;
    return test;
}

/* The preset's contour (events or chi-square) on a points x points grid at base (its defaults and overrides). */
static inline nr_status bounds_preset_compute(const bounds_preset *bp, const nr_model *model, const nr_engine *engine,
                                              const nr_param_value *base, size_t points, unsigned threads,
                                              nr_bounds_result *res, nr_error *err)
{
    const nr_experiment *experiment = nr_experiment_find(bp->experiment);
    const nr_bounds_request req = bounds_preset_request(bp, model, points, threads);
    if (!bp->chi2_observable)
        return nr_bounds_compute(model, engine, experiment, base, &req, res, NULL, err);
    const nr_chi2_test test = bounds_preset_chi2_test(bp);
    return nr_chi2_bounds_compute(model, engine, experiment, base, &req, &test, res, NULL, err);
}

#endif
