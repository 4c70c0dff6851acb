/* materials.h: target materials (tungsten, the concrete and rock in front of FASERnu).
 *
 * Counts follow the convention of the published Kling-Nevay CC tables (shared/papers/ERRATA.md):
 * nucleons in a mass M are M / u (u = atomic mass unit); protons Z/A of them, neutrons (A-Z)/A,
 * electrons Z/A. A is the mean atomic mass in u (183.84 for natural tungsten).
 */
#ifndef NR_MATERIALS_H
#define NR_MATERIALS_H

typedef struct {
    const char *name;
    const char *description;
    double z;                /* atomic number (effective, for mixtures)                  */
    double a;                /* mean atomic mass [u] (effective, for mixtures)           */
    double density_g_cm3;    /* [g/cm^3]                                                 */
    double nucleus_mass_gev; /* mass of the nucleus [GeV] (a*u - z*m_e for an element)   */
    const char *source;      /* where the numbers come from                              */
    double radiation_length_g_cm2; /* X0 [g/cm^2] (PDG atomic and nuclear properties); 0 if not needed */
} nr_material;

extern const nr_material nr_material_tungsten;
extern const nr_material nr_material_concrete;
extern const nr_material nr_material_rock;
/* beam-dump targets (paper 004, Table V) */
extern const nr_material nr_material_aluminium;
extern const nr_material nr_material_water;
extern const nr_material nr_material_iron;
extern const nr_material nr_material_carbon;

const nr_material *nr_material_find(const char *name);
/* NULL-terminated list of all materials. */
extern const nr_material *const nr_materials[];

/* Numbers of targets per gram of material [g^-1]. */
double nr_material_nucleons_per_g(const nr_material *m);
double nr_material_protons_per_g(const nr_material *m);
double nr_material_neutrons_per_g(const nr_material *m);
double nr_material_electrons_per_g(const nr_material *m);
double nr_material_nuclei_per_g(const nr_material *m);

#endif
