/* test_materials_experiment.c: target counts and the experiment catalogue.
 * Sources: PROVENANCE A1 (19.3 g/cm^3 x 100 cm of tungsten, nucleons = mass / u); paper 000 sec. II
 * (1.2 t, 25x25 cm^2, 480 m; 10 m concrete + 90 m rock at 2.5 g/cm^3); paper 004 Table V (FASER, FASER2). */
#include <string.h>

#include "constants.h"
#include "experiment.h"
#include "materials.h"
#include "nr_test.h"

int main(void)
{
    const nr_material *w = nr_material_find("tungsten");
    CHECK(w != NULL, "tungsten exists");
    /* nucleons per gram = 1/u = 6.02214e23 (Avogadro's number, PDG) */
    CHECK_REL(nr_material_nucleons_per_g(w), 6.02214076e23, 1e-8, "nucleons per gram");
    CHECK_REL(nr_material_protons_per_g(w) + nr_material_neutrons_per_g(w), nr_material_nucleons_per_g(w),
              1e-14, "protons + neutrons = nucleons");
    CHECK_REL(nr_material_protons_per_g(w) / nr_material_nucleons_per_g(w), 74.0 / 183.84, 1e-14, "Z/A of W");
    /* W nucleus: ERRATA.md quotes about 171.3 GeV for W-184; natural W (183.84 u) is 0.2% lighter */
    CHECK_REL(w->nucleus_mass_gev, 171.3, 3e-3, "W nucleus mass [GeV]");
    CHECK_REL(nr_material_find("rock")->density_g_cm3, 2.5, 0, "rock density (000 sec. II)");
    CHECK_REL(nr_material_find("concrete")->density_g_cm3, 2.5, 0, "concrete density (000 sec. II)");
    CHECK(nr_material_find("unobtainium") == NULL, "unknown material");

    const nr_experiment *fnu = nr_experiment_find("FASERnu");
    CHECK(fnu != NULL, "FASERnu exists");
    CHECK_REL(fnu->target_mass_t, 1.2, 0.01, "FASERnu 1.2 t (000 sec. II)");
    CHECK_REL(fnu->distance_m, 480.0, 0, "FASERnu at 480 m");
    CHECK_REL(fnu->luminosity_fb, 150.0, 0, "Run 3 150 fb^-1");
    /* column density of 100 cm of tungsten at 19.3 g/cm^3 (PROVENANCE A1 closure) */
    CHECK_REL(nr_experiment_column_density_g_cm2(fnu), 1930.0, 1e-9, "FASERnu column density [g/cm^2]");

    const nr_experiment *faser = nr_experiment_find("FASER"), *faser2 = nr_experiment_find("FASER2");
    CHECK(faser && faser->kind == NR_DETECTOR_DECAY_VOLUME, "FASER is a decay volume");
    CHECK(faser2 && faser2->kind == NR_DETECTOR_DECAY_VOLUME, "FASER2 is a decay volume");
    CHECK_REL(faser->distance_m, 478.5, 0, "FASER L (004 Table V)");
    CHECK_REL(faser->length_m, 1.5, 0, "FASER l_dec (004 Table V)");
    CHECK_REL(faser->radius_m, 0.1, 0, "FASER r_det (004 Table V)");
    CHECK_REL(faser2->distance_m, 475.0, 0, "FASER2 L (004 Table V)");
    CHECK_REL(faser2->length_m, 5.0, 0, "FASER2 l_dec (004 Table V)");
    CHECK_REL(faser2->radius_m, 1.0, 0, "FASER2 r_det (004 Table V)");
    CHECK_REL(faser2->luminosity_fb, 3000.0, 0, "FASER2 3 ab^-1 (004 Table V)");

    /* overrides */
    nr_experiment copy = *fnu;
    nr_error err;
    CHECK(nr_experiment_override(&copy, "luminosity_fb", 300.0, "/experiment_overrides/luminosity_fb", &err) ==
              NR_OK, "override luminosity");
    CHECK_REL(nr_experiment_flux_scale(&copy), 2.0, 1e-15, "flux scales with luminosity");
    CHECK(nr_experiment_override(&copy, "target_mass_t", 2.4125, "/x", &err) == NR_OK, "override mass");
    CHECK_REL(copy.length_m, 2.0, 1e-12, "depth follows the mass at fixed face");
    CHECK(nr_experiment_override(&copy, "luminosity_fb", -1.0, "/experiment_overrides/luminosity_fb", &err) ==
              NR_EINPUT, "negative luminosity rejected");
    CHECK(strcmp(err.where, "/experiment_overrides/luminosity_fb") == 0, "error names the field");
    CHECK(nr_experiment_override(&copy, "radius_m", 1.0, "/x", &err) == NR_EINPUT,
          "radius is not a FASERnu field");
    CHECK(nr_experiment_override(&copy, "colour", 1.0, "/x", &err) == NR_EINPUT, "unknown field rejected");
    /* the electron-dump switches (beam_dump.c) do not apply to proton dumps, which would ignore them (issue 15) */
    for (int k = 0; k < 2; k++) {
        const char *field = k ? "shower_spread" : "pair_acceptance";
        nr_experiment pd = *nr_experiment_find(k ? "DUNE" : "nu-Cal"), ed = *nr_experiment_find("E137");
        CHECK(nr_experiment_override(&pd, field, 0.0, "/experiment_overrides/f", &err) == NR_EINPUT &&
                  strcmp(err.rule, NR_RULE_NOT_APPLICABLE) == 0 && strcmp(err.where, "/experiment_overrides/f") == 0 &&
                  strstr(err.message, field),
              "%s refused at the proton dump %s", field, pd.name);
        CHECK(nr_experiment_override(&ed, field, 0.0, "/x", &err) == NR_OK, "%s accepted at E137", field);
        int listed_p = 0, listed_e = 0;
        for (int i = 0; i < nr_n_experiment_fields; i++)
            if (strcmp(nr_experiment_fields[i].name, field) == 0) {
                listed_p = nr_experiment_field_applies(&pd, &nr_experiment_fields[i]);
                listed_e = nr_experiment_field_applies(&ed, &nr_experiment_fields[i]);
            }
        CHECK(!listed_p && listed_e, "%s overridable at E137 only", field);
    }
    return nr_test_summary();
}
