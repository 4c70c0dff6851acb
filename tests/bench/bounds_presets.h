/* bounds_presets.h: the contour scans the benchmarks and the golden-contour regression test share: one per model,
 * each a model, an experiment, a signal and a mass x coupling log grid (threshold 3, refined). */
#ifndef NR_BOUNDS_PRESETS_H
#define NR_BOUNDS_PRESETS_H

#include <stddef.h>
#include <stdio.h>
#include <string.h>

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
} bounds_preset;

static const bounds_preset bounds_presets[] = {
    /* issue 3: 001 Fig. 1 region at the FPF */
    {"dipole", "dipole", "FASERnu2", "gamma_decay_volume", "m_N", 0.01, 10.0, "mu_N", 1e-9, 1e-4, {{0}}},
    /* 000 Fig. 1 axes (m_Z' x g_nuN at eps = 7e-4, m_N = 5 GeV): N made inside FASERnu */
    {"darkz_nun", "darkz_nun", "FASERnu", "n_hese", "m_Zp", 0.01, 10.0, "g_nuN", 1e-5, 1.0, {{0}}},
    /* issue 5: FASER Run 3 dark photon */
    {"dark_photon", "dark_photon", "FASER", "visible", "m_Ap", 0.01, 1.0, "epsilon", 1e-7, 1e-3, {{0}}},
    /* 004 Fig. 4: B-L at FASER Run 3 (the FORESEE comparison grid) */
    {"b_minus_l", "b_minus_l", "FASER", "visible", "m_Zp", 0.01, 1.0, "g_BL", 1e-8, 1e-3, {{0}}},
    /* issue 15: the dark photon at the E137 electron beam dump */
    {"e137", "dark_photon", "E137", "visible", "m_Ap", 0.001, 1.0, "epsilon", 1e-9, 1e-3, {{0}}},
    /* issue 15: the dark photon at the nu-Cal proton beam dump */
    {"nucal", "dark_photon", "nu-Cal", "visible", "m_Ap", 0.001, 1.0, "epsilon", 1e-9, 1e-3, {{0}}},
    /* issue 12: paper 001 Fig. 3 point (m_ZD 30 MeV, alpha_D 0.25, alpha eps^2 2e-10, mu mixing) */
    {"zd_hnl_fig3", "zd_hnl", "FASERnu2", "ee_secondary", "m_N", 0.05, 20.0, "U2", 1e-12, 1e-2,
     {{"m_ZD", 0.03, NULL}, {"alpha_D", 0.25, NULL}, {"epsilon", 1.6554e-4, NULL}, {"flavour", 0, "mu"}}},
    /* issue 12: paper 001 Fig. 4 point (m_ZD = 8 m_N, g_D 1, eps 1e-3, tau mixing) */
    {"zd_hnl_fig4", "zd_hnl", "FASERnu2", "nuee_primary", "m_N", 0.003, 1.0, "U2", 1e-12, 1e-1,
     {{"mass_relation", 0, "ratio"}, {"ratio_ZD_N", 8, NULL}, {"alpha_D", 0.0795774715, NULL},
      {"epsilon", 1e-3, NULL}, {"flavour", 0, "tau"}}},
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

#endif
