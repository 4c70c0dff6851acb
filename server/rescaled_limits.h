/* rescaled_limits.h: the set "u1x_rescaled" of GET /api/v1/limits?model=u1x&x_H=..: the beam-dump exclusions that
 * paper 004 carries from B-L to the chiral U(1)_X Z' (LSND, PS191, NOMAD, CHARM from meson decays, 004 Eqs. 38-39;
 * Orsay, KEK from electron bremsstrahlung, Eqs. 38, 52), computed at the requested (x_H, x_Phi) from the published
 * outlines in data/limits (physics/limit_rescale.h has the derivation). Axes: m_Z' [GeV] x g_X. */
#ifndef NR_RESCALED_LIMITS_H
#define NR_RESCALED_LIMITS_H

#include <jansson.h>

#include "darkcast.h"
#include "existing_limits.h"

/* The set at the point (NULL only when out of memory). The outlines that 004 rescales but data/limits lacks
 * (PS191, NOMAD, KEK), and the B-L ones at the B-L point itself (served unchanged in the set b_minus_l), are listed
 * under "not_shown" with the reason. */
json_t *nr_rescaled_limits_set(const char *data_dir, const nr_darkcast *dc, nr_u1x_point at);

#endif
