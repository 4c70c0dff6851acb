/* experiment.h: the catalogue of forward LHC detectors and of beam dumps, as data.
 *
 * FASERnu (LHC Run 3) and FASERnu2 (HL-LHC) are neutrino targets of tungsten with a flux table each;
 * FASER and FASER 2 are decay volumes (paper 004, Table V); E137, E141, the ILC dump, nu-Cal and DUNE are beam dumps
 * (004 Table V: a beam on a thick target, a shield, a decay region and a detector); SN1987A is a supernova (004
 * sec. III C: energy loss of the proto-neutron star, profile in sn_profile.h). Every number can be overridden per
 * request (nr_experiment_override); the catalogue itself is constant.
 */
#ifndef NR_EXPERIMENT_H
#define NR_EXPERIMENT_H

#include <stddef.h>

#include "materials.h"
#include "nr_error.h"

typedef enum {
    NR_DETECTOR_NEUTRINO_TARGET = 0,
    NR_DETECTOR_DECAY_VOLUME = 1,
    NR_DETECTOR_BEAM_DUMP = 2,
    NR_DETECTOR_SUPERNOVA = 3,
} nr_detector_kind;
#define NR_N_DETECTOR_KINDS 4

typedef struct {
    char name[32];
    char description[200];
    nr_detector_kind kind;
    char run[16];                 /* "Run 3", "HL-LHC"                                       */
    double sqrt_s_tev;            /* pp centre-of-mass energy [TeV]                          */
    double luminosity_fb;         /* integrated luminosity [fb^-1]                           */
    double distance_m;            /* from the ATLAS IP to the front of the detector [m]      */
    double width_m, height_m;     /* transverse size of a box detector [m] (0 for cylinders) */
    double radius_m;              /* radius of a cylindrical decay volume [m] (0 for boxes)  */
    double length_m;              /* depth along the beam [m]                                */
    const nr_material *target;    /* target material, NULL for a decay volume                */
    double target_mass_t;         /* target mass [tonne] (sets the depth at fixed face)      */
    char flux_set[16];            /* neutrino flux table ("FASERv", "FASERv2"), "" if none   */
    double flux_luminosity_fb;    /* luminosity the flux table was made for [fb^-1]          */
    double flux_area_m2;          /* detector face the flux table was made for [m^2]         */
    char downstream[32];          /* neutrino targets: the decay volume right behind, "" if none */
    double gap_m;                 /* from the back of the target to the decay volume [m]     */
    /* beam dumps (004 Table V); distance_m is l_dump + l_sh, length_m l_dec, radius_m r_det, target the dump */
    char beam_particle[4];        /* "e-", "e+" or "p"                                       */
    double beam_energy_gev;       /* E_beam [GeV]                                            */
    double particles_on_target;   /* N_e or N_p                                              */
    double n95_events;            /* events excluded at 95% CL (004 Table V, N95%)           */
    double e_min_gev;             /* smallest energy of X counted (a detector threshold; 0: none, as 004) */
    double pair_acceptance;       /* electron dumps: 1 = both decay products of X must reach the detector face
                                   * (beam_dump.h), 2 = at least one of them, 0 = only the direction of X is
                                   * cut (004 Eq. 22)                                                      */
    double shower_spread;         /* electron dumps: 1 = shower e+- spread with Rossi's width (beam_dump.h),
                                   * 0 = every shower particle along the beam (004 Eq. 49)                  */
    /* supernovae (004 sec. III C): n95_events is the threshold on L_X / L_nu (1)                       */
    char sn_profile[64];          /* profile file in the operator's --sn-profiles folder; "" = synthetic  */
    char sn_profile_sha256[65];   /* sha256 hex of that file's content when the request was keyed (the server
                                   * sets it; the model computes on that content only, sn_profile.h); "" = none */
    const char *source;           /* where the numbers come from                             */
} nr_experiment;

extern const nr_experiment nr_experiments[];
extern const int nr_n_experiments;

const nr_experiment *nr_experiment_find(const char *name);
/* "neutrino target", "decay volume", "beam dump", "supernova" */
const char *nr_detector_kind_title(nr_detector_kind kind);

/* Target column density along the beam [g/cm^2]: mass / face area. */
double nr_experiment_column_density_g_cm2(const nr_experiment *e);
/* Multiplies every flux of the table: requested / table luminosity, and for a neutrino target whose
 * face was overridden, face area / table area (flux taken uniform over the face: an approximation
 * good while the face is small compared with the ~1 m spread of the beam at 480-620 m). */
double nr_experiment_flux_scale(const nr_experiment *e);

/* Overridable fields, with their units and ranges: one table serves validation, docs and the API. */
typedef struct {
    const char *name, *unit, *description;
    double min_value, max_value;
    size_t offset;   /* offsetof(nr_experiment, field), a double */
    unsigned applies_to; /* bit (1u << nr_detector_kind) for each kind of detector it applies to */
    int electron_dump_switch; /* 1: an integer switch (0/1; pair_acceptance 0/1/2) of the e+- dump model
                                 (beam_dump.c), not applicable to a proton beam (nr_experiment_field_applies) */
} nr_experiment_field;
extern const nr_experiment_field nr_experiment_fields[];
extern const int nr_n_experiment_fields;

/* 1 if field f can be overridden at e: its detector kind, and for the electron-dump fields (pair_acceptance,
 * shower_spread) a beam that is not a proton's. The experiment listing and nr_experiment_override both use it. */
int nr_experiment_field_applies(const nr_experiment *e, const nr_experiment_field *f);

/* Set field `name` of e to value, checking the range; `where` names it in the error. */
nr_status nr_experiment_override(nr_experiment *e, const char *name, double value, const char *where,
                                 nr_error *err);

/* The one text field: sn_profile, a file name in the operator's profile folder (supernovae only). Checks the name:
 * 1-63 characters of [A-Za-z0-9._-], not starting with '.', not "synthetic" (the API's name of the built-in
 * profile, sn_profile.h); whether the file exists is the model's check. */
#define NR_SN_PROFILE_FIELD "sn_profile"
/* The name the API shows for the synthetic profile (never a file's name: experiment_overrides refuses it), and the
 * sentence that says what it is. */
#define NR_SN_PROFILE_SYNTHETIC_NAME "synthetic"
#define NR_SN_PROFILE_SYNTHETIC_NOTE                                                                                   \
    "synthetic analytic profile (physics/sn_profile.h): an illustration with supernova-like orders of magnitude, not " \
    "a supernova simulation and not the SFHo profile of paper 004; bounds on it are not 004's"
nr_status nr_experiment_override_sn_profile(nr_experiment *e, const char *value, const char *where, nr_error *err);

#endif
