/* registry.c: the list of models the server offers. Adding a model: one file in physics/models/ and
 * one line here. */
#include "model.h"

extern const nr_model nr_model_sm;
extern const nr_model nr_model_dipole;
extern const nr_model nr_model_u1x;
extern const nr_model nr_model_dark_photon;
extern const nr_model nr_model_b_minus_l;
extern const nr_model nr_model_darkz_nun;
extern const nr_model nr_model_tmm_zp;

const nr_model *const nr_models[] = {
    &nr_model_sm,
    &nr_model_dipole,
    &nr_model_dark_photon,
    &nr_model_b_minus_l,
    &nr_model_u1x,
    &nr_model_darkz_nun,
    &nr_model_tmm_zp,
    NULL,
};
