/* test_server_total_events.c: result.total_events (issue 10). The sum of the channels when the model declares its
 * signals disjoint (sm), the model's own physical total when its channels overlap and it declares one (the vector
 * models: visible = from_pi0 + from_eta + from_bremsstrahlung, while ee, mumu, hadrons are parts of visible), and no
 * total at all when the signals overlap and none is declared (dipole: n_produced and the decays it feeds). */
#include <jansson.h>
#include <string.h>

#include "catalog.h"
#include "model.h"
#include "nr_test.h"

/* The result's total_events; NAN when the field is absent, -1 when there is no result. */
static double total_of(const nr_table *t, const char *model)
{
    json_t *o = nr_catalog_result(t, NR_OBSERVABLE_RATES, nr_model_find(model));
    const json_t *total = o ? json_object_get(o, "total_events") : NULL;
    double v = !o ? -1.0 : total ? json_real_value(total) : NAN;
    json_decref(o);
    return v;
}

int main(void)
{
    nr_error err;
    /* exclusive channels (e.g. CC events per neutrino species): the sum */
    static const nr_signal_spec species[3] = {{"nu_e", "a"}, {"nu_mu", "b"}, {"nu_tau", "c"}};
    double v[3] = {1.5, 4.0, 0.25};
    nr_table t;
    CHECK(nr_table_of_signals(species, 3, v, &t, &err) == NR_OK, "%s", err.message);
    CHECK(isnan(t.total_events), "nr_table_alloc leaves the total to the sum");
    CHECK_REL(total_of(&t, "sm"), 5.75, 1e-15, "exclusive channels (sm): total = sum (1.5 + 4 + 0.25)");
    CHECK(isnan(total_of(&t, "dipole")), "overlapping signals with no declared total (dipole): no total_events");
    nr_table_free(&t);
    /* overlapping channels, numbers of the issue (vector model at a point: visible 110.3 = 60 + 40 + 10.3, ee and
     * hadrons parts of it): the model's physical total, not 3x the visible events */
    static const nr_signal_spec vec[6] = {{"visible", ""}, {"ee", ""}, {"hadrons", ""}, {"visible_from_pi0", ""},
                                          {"visible_from_eta", ""}, {"visible_from_bremsstrahlung", ""}};
    double w[6] = {110.3, 100.0, 10.3, 60.0, 40.0, 10.3};
    CHECK(nr_table_of_signals(vec, 6, w, &t, &err) == NR_OK, "%s", err.message);
    t.total_events = w[3] + w[4] + w[5];
    CHECK_REL(total_of(&t, "dark_photon"), 110.3, 1e-12, "overlapping channels: the model's total (visible)");
    nr_table_free(&t);
    return nr_test_summary();
}
