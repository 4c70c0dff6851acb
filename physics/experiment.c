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
 * Beam dumps: paper 004, Table V (beam, energy, particles on target, target Z/A, l_dump + l_sh, l_dec, r_det,
 * N95%). E137: SLAC, J.D. Bjorken et al., Phys. Rev. D 38 (1988) 3375; E141: E.M. Riordan et al., Phys. Rev.
 * Lett. 59 (1987) 755; ILC main e+ beam dump: Asai et al. arXiv:2105.13768 (004 ref. [28]); proton dumps nu-Cal
 * (Blumlein et al., Z. Phys. C 51 (1991) 341) and DUNE (004 refs. [75-77]), physics in proton_dump.h.
 */
#include "experiment.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
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
    {
        .name = "E137",
        .description = "SLAC E137 electron beam dump (20 GeV e- on aluminium, 1980-82)",
        .kind = NR_DETECTOR_BEAM_DUMP,
        .run = "1980-82",
        .distance_m = 179.0,
        .length_m = 204.0,
        .radius_m = 1.5,
        .target = &nr_material_aluminium,
        .beam_particle = "e-",
        .beam_energy_gev = 20.0,
        .particles_on_target = 1.87e20,
        .n95_events = 3.0,
        .pair_acceptance = 1.0,
        .shower_spread = 1.0,
        .source = "paper 004, Table V; Bjorken et al., Phys. Rev. D 38 (1988) 3375",
    },
    {
        .name = "E141",
        .description = "SLAC E141 electron beam dump (9 GeV e- on tungsten, 1987)",
        .kind = NR_DETECTOR_BEAM_DUMP,
        .run = "1987",
        .distance_m = 0.12,
        .length_m = 35.0, /* 004 Table V prints 0.35 m; E141 had a 35 m decay region (Riordan et al. 1987;
                             Andreas et al. arXiv:1209.6083; DarkCast's E141 entry: l_dec / l_sh = 35 / 0.12) */
        .radius_m = 0.075,
        .target = &nr_material_tungsten,
        .beam_particle = "e-",
        .beam_energy_gev = 9.0,
        .particles_on_target = 2e15,
        .n95_events = 3419.0,
        .pair_acceptance = 1.0,
        .shower_spread = 1.0,
        .source = "paper 004, Table V (l_dec corrected to 35 m); Riordan et al., Phys. Rev. Lett. 59 (1987) 755",
    },
    {
        .name = "ILC_dump",
        .description = "ILC main positron beam dump (125 GeV e+ on water), a projection",
        .kind = NR_DETECTOR_BEAM_DUMP,
        .run = "ILC-250",
        .distance_m = 81.0,
        .length_m = 50.0,
        .radius_m = 2.0,
        .target = &nr_material_water,
        .beam_particle = "e+",
        .beam_energy_gev = 125.0,
        .particles_on_target = 4e22,
        .n95_events = 3.0,
        .pair_acceptance = 1.0,
        .shower_spread = 1.0,
        .source = "paper 004, Table V; Asai et al. arXiv:2105.13768",
    },
    {
        .name = "nu-Cal",
        .description = "nu-Cal I proton beam dump at IHEP Serpukhov (68.6 GeV p on iron, 1989)",
        .kind = NR_DETECTOR_BEAM_DUMP,
        .run = "1989",
        .distance_m = 64.0,
        .length_m = 23.0,
        .radius_m = 1.3,
        .target = &nr_material_iron,
        .beam_particle = "p",
        .beam_energy_gev = 68.6,
        .particles_on_target = 1.71e18,
        .n95_events = 4.5,
        .source = "paper 004, Table V; Blumlein et al., Z. Phys. C 51 (1991) 341 and Int. J. Mod. Phys. A 7 (1992) 3835",
    },
    {
        .name = "DUNE",
        .description = "DUNE near detector behind the LBNF target (120 GeV p on graphite), a projection",
        .kind = NR_DETECTOR_BEAM_DUMP,
        .run = "LBNF",
        .distance_m = 574.0,
        .length_m = 5.0,
        .radius_m = 2.5,
        .target = &nr_material_carbon,
        .beam_particle = "p",
        .beam_energy_gev = 120.0,
        .particles_on_target = 1.47e22,
        .n95_events = 3.0,
        .source = "paper 004, Table V (its refs. [75-77]: DUNE)",
    },
    {
        .name = "SN1987A",
        .description = "SN1987A energy loss at 1 s after bounce: excluded where L_X > L_nu (004 sec. III C)",
        .kind = NR_DETECTOR_SUPERNOVA,
        .run = "1987",
        .n95_events = 1.0, /* the signal is L_X / L_nu; 004: L_Z' > L_nu is excluded */
        .sn_profile = "",  /* the synthetic profile of sn_profile.h */
        .source = "paper 004 sec. III C, Eqs. 53-59; profile: the operator's (--sn-profiles) or the synthetic one",
    },
};
const int nr_n_experiments = (int)(sizeof nr_experiments / sizeof nr_experiments[0]);

const nr_experiment_field nr_experiment_fields[] = {
    {"luminosity_fb", "fb^-1", "integrated luminosity; every flux scales with it", 1e-6, 1e5,
     offsetof(nr_experiment, luminosity_fb),
     KIND_BIT(NR_DETECTOR_NEUTRINO_TARGET) | KIND_BIT(NR_DETECTOR_DECAY_VOLUME), 0},
    {"target_mass_t", "t", "target mass at fixed face area (sets the depth of the target)", 1e-6, 1e4,
     offsetof(nr_experiment, target_mass_t), KIND_BIT(NR_DETECTOR_NEUTRINO_TARGET), 0},
    {"width_m", "m", "width of the target face (the flux is scaled by the face area)", 0.01, 5.0,
     offsetof(nr_experiment, width_m), KIND_BIT(NR_DETECTOR_NEUTRINO_TARGET), 0},
    {"height_m", "m", "height of the target face (the flux is scaled by the face area)", 0.01, 5.0,
     offsetof(nr_experiment, height_m), KIND_BIT(NR_DETECTOR_NEUTRINO_TARGET), 0},
    {"gap_m", "m", "distance from the back of the target to the decay volume behind it", 0.0, 100.0,
     offsetof(nr_experiment, gap_m), KIND_BIT(NR_DETECTOR_NEUTRINO_TARGET), 0},
    {"distance_m", "m", "distance from the ATLAS interaction point (beam dumps: from the front of the dump, "
     "l_dump + l_sh) to the front of the decay volume", 0.01, 1e5, offsetof(nr_experiment, distance_m),
     KIND_BIT(NR_DETECTOR_DECAY_VOLUME) | KIND_BIT(NR_DETECTOR_BEAM_DUMP), 0},
    {"length_m", "m", "length of the decay volume along the beam", 1e-3, 1e3,
     offsetof(nr_experiment, length_m), KIND_BIT(NR_DETECTOR_DECAY_VOLUME) | KIND_BIT(NR_DETECTOR_BEAM_DUMP), 0},
    {"radius_m", "m", "radius of the cylindrical decay volume (beam dumps: of the detector)", 1e-3, 1e2,
     offsetof(nr_experiment, radius_m), KIND_BIT(NR_DETECTOR_DECAY_VOLUME) | KIND_BIT(NR_DETECTOR_BEAM_DUMP), 0},
    {"beam_energy_gev", "GeV", "beam energy of a beam dump", 0.01, 1e4, offsetof(nr_experiment, beam_energy_gev),
     KIND_BIT(NR_DETECTOR_BEAM_DUMP), 0},
    {"particles_on_target", "", "electrons, positrons or protons on the dump", 1.0, 1e26,
     offsetof(nr_experiment, particles_on_target), KIND_BIT(NR_DETECTOR_BEAM_DUMP), 0},
    {"n95_events", "", "events excluded at 95% CL (the default threshold of a bounds request)", 1e-3, 1e8,
     offsetof(nr_experiment, n95_events), KIND_BIT(NR_DETECTOR_BEAM_DUMP), 0},
    {"e_min_gev", "GeV", "smallest energy of the boson whose decay is counted (a detector threshold; 004 uses none)",
     0.0, 1e4, offsetof(nr_experiment, e_min_gev), KIND_BIT(NR_DETECTOR_BEAM_DUMP), 0},
    {"pair_acceptance", "", "electron/positron dumps: 1 = both decay products of the boson must reach the detector "
     "face (the default), 2 = at least one of them (a calorimeter seeing either product's shower), 0 = only the "
     "boson's direction is cut (004 Eq. 22); 0, 1 or 2", 0.0, 2.0,
     offsetof(nr_experiment, pair_acceptance), KIND_BIT(NR_DETECTOR_BEAM_DUMP), 1},
    {"shower_spread", "", "electron/positron dumps: 1 = shower electrons and positrons have Rossi's angular width "
     "(the default), 0 = all along the beam (004 Eq. 49); 0 or 1", 0.0, 1.0,
     offsetof(nr_experiment, shower_spread), KIND_BIT(NR_DETECTOR_BEAM_DUMP), 1},
};
const int nr_n_experiment_fields = (int)(sizeof nr_experiment_fields / sizeof nr_experiment_fields[0]);

const char *nr_detector_kind_title(nr_detector_kind kind)
{
    switch (kind) {
    case NR_DETECTOR_NEUTRINO_TARGET:
        return "neutrino target";
    case NR_DETECTOR_DECAY_VOLUME:
        return "decay volume";
    case NR_DETECTOR_BEAM_DUMP:
        return "beam dump";
    case NR_DETECTOR_SUPERNOVA:
        return "supernova";
    }
    return "detector";
}

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

int nr_experiment_field_applies(const nr_experiment *e, const nr_experiment_field *f)
{
    if (!(f->applies_to & KIND_BIT(e->kind)))
        return 0;
    /* the electron-dump switches shape only the e+- shower and the pair acceptance of beam_dump.c: a proton dump
     * (proton_dump.c) would ignore them */
    return !(f->electron_dump_switch && strcmp(e->beam_particle, "p") == 0);
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
                                "'%s' cannot be overridden for %s: it does not apply to a %s", name, e->name,
                                nr_detector_kind_title(e->kind));
        if (!nr_experiment_field_applies(e, f))
            return nr_fail_rule(err, NR_EINPUT, NR_RULE_NOT_APPLICABLE, where,
                                "'%s' cannot be overridden for %s: it applies to electron and positron beam dumps "
                                "only, not to a proton beam dump", name, e->name);
        if (!(value >= f->min_value && value <= f->max_value))
            return nr_fail_rule(err, NR_EINPUT, NR_RULE_RANGE, where,
                                "'%s' = %.10g %s is outside the allowed range [%.10g, %.10g] %s", name, value,
                                f->unit, f->min_value, f->max_value, f->unit);
        if (f->electron_dump_switch && value != floor(value))
            return nr_fail_rule(err, NR_EINPUT, NR_RULE_RANGE, where, "'%s' = %.10g must be %s", name, value,
                                f->max_value > 1.0 ? "0, 1 or 2" : "0 (off) or 1 (on)");
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

nr_status nr_experiment_override_sn_profile(nr_experiment *e, const char *value, const char *where, nr_error *err)
{
    if (e->kind != NR_DETECTOR_SUPERNOVA)
        return nr_fail_rule(err, NR_EINPUT, NR_RULE_NOT_APPLICABLE, where,
                            "'%s' cannot be overridden for %s: it does not apply to a %s", NR_SN_PROFILE_FIELD, e->name,
                            nr_detector_kind_title(e->kind));
    size_t n = strlen(value);
    int ok = n >= 1 && n < sizeof e->sn_profile && value[0] != '.' &&
             strspn(value, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == n;
    if (!ok)
        return nr_fail(err, NR_EINPUT, where,
                            "'%s' must name a file in the server's profile folder: 1-%zu characters of letters, "
                            "digits, '.', '_', '-', not starting with '.'", NR_SN_PROFILE_FIELD,
                            sizeof e->sn_profile - 1);
    if (strcmp(value, NR_SN_PROFILE_SYNTHETIC_NAME) == 0)
        return nr_fail(err, NR_EINPUT, where,
                       "'%s' = '%s' is the API's name of the built-in synthetic profile, not a file: leave %s out "
                       "to compute with the synthetic profile", NR_SN_PROFILE_FIELD, value, NR_SN_PROFILE_FIELD);
    snprintf(e->sn_profile, sizeof e->sn_profile, "%s", value);
    e->sn_profile_sha256[0] = '\0';
    return NR_OK;
}
