/* registry.c: the list of models the server offers. Adding a model: one file in physics/models/ and
 * one line here. */
#include "model.h"

extern const nr_model nr_model_sm;
extern const nr_model nr_model_dipole;

const nr_model *const nr_models[] = {
    &nr_model_sm,
    &nr_model_dipole,
    NULL,
};
