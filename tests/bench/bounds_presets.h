/* bounds_presets.h: the contour scans the benchmarks and the golden-contour regression test share: one per model,
 * each a model, an experiment, a signal and a mass x coupling log grid (threshold 3, refined). */
#ifndef NR_BOUNDS_PRESETS_H
#define NR_BOUNDS_PRESETS_H

#include <stddef.h>
#include <string.h>

typedef struct {
    const char *name;        /* preset name = the model's name                  */
    const char *experiment;
    const char *signal;
    const char *x_param;     /* a mass [GeV], log axis                          */
    double x_min, x_max;
    const char *y_param;     /* the coupling, log axis                          */
    double y_min, y_max;
} bounds_preset;

static const bounds_preset bounds_presets[] = {
    /* issue 3: 001 Fig. 1 region at the FPF */
    {"dipole", "FASERnu2", "gamma_decay_volume", "m_N", 0.01, 10.0, "mu_N", 1e-9, 1e-4},
    /* 000 Fig. 1 axes (m_Z' x g_nuN at eps = 7e-4, m_N = 5 GeV): N made inside FASERnu */
    {"darkz_nun", "FASERnu", "n_hese", "m_Zp", 0.01, 10.0, "g_nuN", 1e-5, 1.0},
    /* issue 5: FASER Run 3 dark photon */
    {"dark_photon", "FASER", "visible", "m_Ap", 0.01, 1.0, "epsilon", 1e-7, 1e-3},
    /* 004 Fig. 4: B-L at FASER Run 3 (the FORESEE comparison grid) */
    {"b_minus_l", "FASER", "visible", "m_Zp", 0.01, 1.0, "g_BL", 1e-8, 1e-3},
};

static inline const bounds_preset *bounds_preset_find(const char *name)
{
    for (size_t i = 0; i < sizeof bounds_presets / sizeof bounds_presets[0]; i++)
        if (strcmp(bounds_presets[i].name, name) == 0)
            return &bounds_presets[i];
    return NULL;
}

#endif
