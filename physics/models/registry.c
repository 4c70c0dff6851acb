/* registry.c: the list of models the server offers, in the order /models lists them. Adding a model: one file
 * physics/models/NAME.c defining `const nr_model nr_model_NAME`, and one line X(NAME) below. */
#include "model.h"

#define NR_MODEL_LIST(X)                                                                                           \
    X(sm)                                                                                                          \
    X(dipole)                                                                                                      \
    X(dark_photon)                                                                                                 \
    X(b_minus_l)                                                                                                   \
    X(u1x)                                                                                                         \
    X(darkz_nun)                                                                                                   \
    X(tmm_zp)                                                                                                      \
    X(zd_hnl)

#define DECLARE_MODEL(name) extern const nr_model nr_model_##name;
NR_MODEL_LIST(DECLARE_MODEL)

#define LIST_MODEL(name) &nr_model_##name,
const nr_model *const nr_models[] = {NR_MODEL_LIST(LIST_MODEL) NULL};
