/* materials.c: target materials and the number of nucleons, protons, neutrons and electrons per gram.
 *
 * Tungsten: natural W, Z = 74, standard atomic weight 183.84 (IUPAC), density 19.3 g/cm^3 (the density
 * used for FASERnu in the Kling-Nevay tables, shared/data/fluxes/PROVENANCE.txt).
 * Concrete and rock in front of FASERnu: 10 m of concrete and 90 m of rock, both 2.5 g/cm^3 (paper 000,
 * sec. II). Their composition only enters through Z/A; we use PDG "standard rock" (Z = 11, A = 22,
 * PDG Review, "Passage of particles through matter", sec. 34.6) for the rock and PDG ordinary concrete
 * (<Z/A> = 0.50274, PDG atomic and nuclear properties table) for the concrete, with an effective
 * A = 22 for both (only the ratio matters for incoherent targets).
 */
#include "materials.h"

#include <string.h>

#include "constants.h"

const nr_material nr_material_tungsten = {
    .name = "tungsten",
    .description = "natural tungsten",
    .z = 74.0,
    .a = 183.84,
    .density_g_cm3 = 19.3,
    .nucleus_mass_gev = 183.84 * NR_ATOMIC_MASS_UNIT_GEV - 74.0 * NR_M_ELECTRON,
    .source = "Z, A: IUPAC standard atomic weight; density 19.3 g/cm^3 as in Kling & Nevay 2021; X0: PDG",
    .radiation_length_g_cm2 = 6.76,
};

const nr_material nr_material_concrete = {
    .name = "concrete",
    .description = "ordinary concrete in front of FASERnu (10 m)",
    .z = 22.0 * 0.50274,
    .a = 22.0,
    .density_g_cm3 = 2.5,
    .nucleus_mass_gev = 22.0 * NR_ATOMIC_MASS_UNIT_GEV,
    .source = "density: paper 000 sec. II; <Z/A> = 0.50274: PDG ordinary concrete",
};

const nr_material nr_material_rock = {
    .name = "rock",
    .description = "rock (soil) in front of FASERnu (90 m)",
    .z = 11.0,
    .a = 22.0,
    .density_g_cm3 = 2.5,
    .nucleus_mass_gev = 22.0 * NR_ATOMIC_MASS_UNIT_GEV,
    .source = "density: paper 000 sec. II; Z = 11, A = 22: PDG standard rock",
};

/* Beam-dump targets of paper 004, Table V (E137: Al; E141: W; ILC: water; nu-Cal: Fe; DUNE: C). Z, A as in
 * Table V; densities and radiation lengths X0 from the PDG table of atomic and nuclear properties. Water is one
 * effective "element" with Z = 10 electrons and A = 18.015 per molecule: right for the electron density and the
 * track lengths (which depend on X0 only); for bremsstrahlung off nuclei it counts Z^2 = 100 per molecule
 * where oxygen and two protons give 66 (an approximation used only at the ILC dump, not validated). */
const nr_material nr_material_aluminium = {
    .name = "aluminium",
    .description = "aluminium (E137 beam dump)",
    .z = 13.0,
    .a = 26.98,
    .density_g_cm3 = 2.699,
    .nucleus_mass_gev = 26.98 * NR_ATOMIC_MASS_UNIT_GEV - 13.0 * NR_M_ELECTRON,
    .source = "Z, A: 004 Table V; density, X0 = 24.01 g/cm^2: PDG",
    .radiation_length_g_cm2 = 24.01,
};

const nr_material nr_material_water = {
    .name = "water",
    .description = "water (ILC beam dump), one effective element per molecule",
    .z = 10.0,
    .a = 18.015,
    .density_g_cm3 = 1.0,
    .nucleus_mass_gev = 18.015 * NR_ATOMIC_MASS_UNIT_GEV,
    .source = "004 Table V (H2O); X0 = 36.08 g/cm^2: PDG",
    .radiation_length_g_cm2 = 36.08,
};

const nr_material nr_material_iron = {
    .name = "iron",
    .description = "iron (nu-Cal beam dump)",
    .z = 26.0,
    .a = 55.85,
    .density_g_cm3 = 7.874,
    .nucleus_mass_gev = 55.85 * NR_ATOMIC_MASS_UNIT_GEV - 26.0 * NR_M_ELECTRON,
    .source = "Z, A: 004 Table V; density, X0 = 13.84 g/cm^2: PDG",
    .radiation_length_g_cm2 = 13.84,
};

const nr_material nr_material_carbon = {
    .name = "carbon",
    .description = "graphite (DUNE target)",
    .z = 6.0,
    .a = 12.01,
    .density_g_cm3 = 2.21,
    .nucleus_mass_gev = 12.01 * NR_ATOMIC_MASS_UNIT_GEV - 6.0 * NR_M_ELECTRON,
    .source = "Z, A: 004 Table V; density 2.21 g/cm^3, X0 = 42.70 g/cm^2: PDG (graphite)",
    .radiation_length_g_cm2 = 42.70,
};

const nr_material *const nr_materials[] = {&nr_material_tungsten, &nr_material_concrete, &nr_material_rock,
                                           &nr_material_aluminium, &nr_material_water, &nr_material_iron,
                                           &nr_material_carbon, NULL};

const nr_material *nr_material_find(const char *name)
{
    for (int i = 0; name && nr_materials[i]; i++)
        if (strcmp(nr_materials[i]->name, name) == 0)
            return nr_materials[i];
    return NULL;
}

/* Nucleons counted as mass / u (the convention of the published CC tables, ERRATA.md). */
double nr_material_nucleons_per_g(const nr_material *m)
{
    (void)m;
    return 1.0 / NR_ATOMIC_MASS_UNIT_G;
}

double nr_material_protons_per_g(const nr_material *m)
{
    return m->z / m->a / NR_ATOMIC_MASS_UNIT_G;
}

double nr_material_neutrons_per_g(const nr_material *m)
{
    return (m->a - m->z) / m->a / NR_ATOMIC_MASS_UNIT_G;
}

double nr_material_electrons_per_g(const nr_material *m)
{
    return m->z / m->a / NR_ATOMIC_MASS_UNIT_G;
}

double nr_material_nuclei_per_g(const nr_material *m)
{
    return 1.0 / (m->a * NR_ATOMIC_MASS_UNIT_G);
}
