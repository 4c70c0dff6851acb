/* experiment.c: the detector catalogue and per-request overrides.
 *
 * FASERnu (LHC Run 3): 25 x 25 cm^2 face, 1 m of tungsten (19.3 g/cm^3, so 1.2 t), 480 m from the ATLAS
 * IP, 150 fb^-1: the set-up of the Kling-Nevay flux files (shared/data/fluxes/PROVENANCE.txt, A1) and of
 * paper 000 sec. II.
 * FASERnu2 (HL-LHC, Forward Physics Facility): 40 x 40 cm^2, 6.6 m, 20 t of tungsten, 620 m, 3 ab^-1:
 * FPF white paper (J.L. Feng et al., J. Phys. G 50 (2023) 030501, arXiv:2203.05090, sec. 7.2); the flux
 * file FASERv2 is the Kling-Nevay FPF flux for 3000 fb^-1 at 620 m (PROVENANCE.txt A1). Note: the CCint
 * files of that set imply a column density of 3960 g/cm^2 rather than the 12740 g/cm^2 of 6.6 m of
 * tungsten; an override of target_mass_t reproduces them (tests/test_sm_rates.c).
 * FASER and FASER 2 decay volumes: paper 004, Table V (L, l_dec, r_det, sqrt(s), luminosity).
 * Each neutrino target names the decay volume behind it (FASERnu -> FASER, FASERnu2 -> FASER2, the
 * set-ups of paper 001 sec. 2.2) with a gap of 1 m from the back of the tungsten to the start of the
 * decay volume (FASERnu's interface tracker and FASER's veto station; an assumption, overridable).
 * The FASERv2 flux table does not state its face; we take the FASERnu2 face, 40 x 40 cm^2.
 */
#include "experiment.h"

#include <stddef.h>
#include <string.h>

#include "constants.h"

#define KIND_BIT(k) (1u << (k))

const nr_experiment nr_experiments[] = {
    {
        .name = "FASERnu",
        .description = "FASERnu emulsion/tungsten neutrino detector in TI12, LHC Run 3",
        .kind = NR_DETECTOR_NEUTRINO_TARGET,
        .run = "Run 3",
        .sqrt_s_tev = 13.6,
        .luminosity_fb = 150.0,
        .distance_m = 480.0,
        .width_m = 0.25,
        .height_m = 0.25,
        .length_m = 1.0,
        .target = &nr_material_tungsten,
        .target_mass_t = 1.20625, /* 25 cm x 25 cm x 100 cm x 19.3 g/cm^3 */
        .flux_set = "FASERv",
        .flux_luminosity_fb = 150.0,
        .flux_area_m2 = 0.25 * 0.25,
        .downstream = "FASER",
        .gap_m = 1.0,
        .source = "Kling & Nevay arXiv:2105.08270 flux files (25x25 cm^2, 1 m W, 150 fb^-1); paper 000 sec. II",
    },
    {
        .name = "FASERnu2",
        .description = "FASERnu2 tungsten neutrino detector at the Forward Physics Facility, HL-LHC",
        .kind = NR_DETECTOR_NEUTRINO_TARGET,
        .run = "HL-LHC",
        .sqrt_s_tev = 14.0,
        .luminosity_fb = 3000.0,
        .distance_m = 620.0,
        .width_m = 0.4,
        .height_m = 0.4,
        .length_m = 6.477, /* 20 t / (40 x 40 cm^2 x 19.3 g/cm^3); the FPF paper quotes 6.6 m */
        .target = &nr_material_tungsten,
        .target_mass_t = 20.0,
        .flux_set = "FASERv2",
        .flux_luminosity_fb = 3000.0,
        .flux_area_m2 = 0.4 * 0.4,
        .downstream = "FASER2",
        .gap_m = 1.0,
        .source = "FPF white paper arXiv:2203.05090 sec. 7.2 (40x40 cm^2, 6.6 m, 20 t); Kling & Nevay FASERv2 flux",
    },
    {
        .name = "FASER",
        .description = "FASER decay volume, LHC Run 3",
        .kind = NR_DETECTOR_DECAY_VOLUME,
        .run = "Run 3",
        .sqrt_s_tev = 13.6, /* Run 3 energy (004 Table V says 13 TeV); the forward meson tables are at 13.6 TeV */
        .luminosity_fb = 150.0,
        .distance_m = 478.5,
        .radius_m = 0.1,
        .length_m = 1.5,
        .target = NULL,
        .flux_set = "",
        .source = "paper 004, Table V",
    },
    {
        .name = "FASER2",
        .description = "FASER 2 decay volume at the Forward Physics Facility, HL-LHC",
        .kind = NR_DETECTOR_DECAY_VOLUME,
        .run = "HL-LHC",
        .sqrt_s_tev = 14.0,
        .luminosity_fb = 3000.0,
        .distance_m = 475.0,
        .radius_m = 1.0,
        .length_m = 5.0,
        .target = NULL,
        .flux_set = "",
        .source = "paper 004, Table V",
    },
};
const int nr_n_experiments = (int)(sizeof nr_experiments / sizeof nr_experiments[0]);

const nr_experiment_field nr_experiment_fields[] = {
    {"luminosity_fb", "fb^-1", "integrated luminosity; every flux scales with it", 1e-6, 1e5,
     offsetof(nr_experiment, luminosity_fb),
     KIND_BIT(NR_DETECTOR_NEUTRINO_TARGET) | KIND_BIT(NR_DETECTOR_DECAY_VOLUME)},
    {"target_mass_t", "t", "target mass at fixed face area (sets the depth of the target)", 1e-6, 1e4,
     offsetof(nr_experiment, target_mass_t), KIND_BIT(NR_DETECTOR_NEUTRINO_TARGET)},
    {"width_m", "m", "width of the target face (the flux is scaled by the face area)", 0.01, 5.0,
     offsetof(nr_experiment, width_m), KIND_BIT(NR_DETECTOR_NEUTRINO_TARGET)},
    {"height_m", "m", "height of the target face (the flux is scaled by the face area)", 0.01, 5.0,
     offsetof(nr_experiment, height_m), KIND_BIT(NR_DETECTOR_NEUTRINO_TARGET)},
    {"gap_m", "m", "distance from the back of the target to the decay volume behind it", 0.0, 100.0,
     offsetof(nr_experiment, gap_m), KIND_BIT(NR_DETECTOR_NEUTRINO_TARGET)},
    {"distance_m", "m", "distance from the ATLAS interaction point to the front of the decay volume", 1.0,
     1e5, offsetof(nr_experiment, distance_m), KIND_BIT(NR_DETECTOR_DECAY_VOLUME)},
    {"length_m", "m", "length of the decay volume along the beam", 1e-3, 1e3,
     offsetof(nr_experiment, length_m), KIND_BIT(NR_DETECTOR_DECAY_VOLUME)},
    {"radius_m", "m", "radius of the cylindrical decay volume", 1e-3, 1e2,
     offsetof(nr_experiment, radius_m), KIND_BIT(NR_DETECTOR_DECAY_VOLUME)},
};
const int nr_n_experiment_fields = (int)(sizeof nr_experiment_fields / sizeof nr_experiment_fields[0]);

const nr_experiment *nr_experiment_find(const char *name)
{
    for (int i = 0; name && i < nr_n_experiments; i++)
        if (strcmp(nr_experiments[i].name, name) == 0)
            return &nr_experiments[i];
    return NULL;
}

double nr_experiment_column_density_g_cm2(const nr_experiment *e)
{
    double area_cm2 = (e->width_m * 100.0) * (e->height_m * 100.0);
    return area_cm2 > 0 ? e->target_mass_t * 1e6 / area_cm2 : 0.0;
}

double nr_experiment_flux_scale(const nr_experiment *e)
{
    double scale = e->flux_luminosity_fb > 0 ? e->luminosity_fb / e->flux_luminosity_fb : 0.0;
    if (e->kind == NR_DETECTOR_NEUTRINO_TARGET && e->flux_area_m2 > 0)
        scale *= e->width_m * e->height_m / e->flux_area_m2;
    return scale;
}

nr_status nr_experiment_override(nr_experiment *e, const char *name, double value, const char *where,
                                 nr_error *err)
{
    for (int i = 0; i < nr_n_experiment_fields; i++) {
        const nr_experiment_field *f = &nr_experiment_fields[i];
        if (strcmp(f->name, name) != 0)
            continue;
        if (!(f->applies_to & KIND_BIT(e->kind)))
            return nr_fail_rule(err, NR_EINPUT, NR_RULE_NOT_APPLICABLE, where,
                                "'%s' cannot be overridden for %s: it applies to %s only", name, e->name,
                                e->kind == NR_DETECTOR_NEUTRINO_TARGET ? "decay volumes" : "neutrino targets");
        if (!(value >= f->min_value && value <= f->max_value))
            return nr_fail_rule(err, NR_EINPUT, NR_RULE_RANGE, where,
                                "'%s' = %.10g %s is outside the allowed range [%.10g, %.10g] %s", name, value,
                                f->unit, f->min_value, f->max_value, f->unit);
        double *field = (double *)((char *)e + f->offset);
        *field = value == 0.0 ? 0.0 : value; /* -0 and 0 are the same request */
        if (e->target && (strcmp(name, "target_mass_t") == 0 || strcmp(name, "width_m") == 0 ||
                          strcmp(name, "height_m") == 0)) {
            /* the depth follows from mass, face and density [m]; order of overrides does not matter */
            double area_cm2 = (e->width_m * 100.0) * (e->height_m * 100.0);
            e->length_m = e->target_mass_t * 1e6 / (area_cm2 * e->target->density_g_cm3) / 100.0;
        }
        return NR_OK;
    }
    return nr_fail(err, NR_EINPUT, where, "unknown experiment field '%s'", name);
}
