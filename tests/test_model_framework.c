/* test_model_framework.c: the model framework of physics/model.c on a counting model.
 *
 * The counting model has parameters m (prepared), g (flagged coupling) and "fail_check"; its signal is
 * events = g^2 * m (what the prepared state holds times the coupling's square), its spectra one bin with the
 * same value. Checked: rates and spectra call check once, prepare once, then signals_at or spectra, then release
 * once, on zeroed state_size bytes; a failed check stops before prepare; a scan prepares again only when a
 * non-coupling parameter changes (and releases the previous preparation); capabilities follow from the table.
 * Golden values: events = g^2 m, the model's own closed form.
 */
#include <string.h>

#include "model.h"
#include "nr_test.h"

enum { P_M, P_G, P_FAIL_CHECK, N_P };

static const nr_param_spec counting_params[N_P] = {
    [P_M] = {.name = "m", .unit = "GeV", .kind = NR_PARAM_NUMBER, .default_value = 2.0, .min_value = 0.0,
             .max_value = 10.0},
    [P_G] = {.name = "g", .unit = "", .kind = NR_PARAM_NUMBER, .default_value = 0.5, .min_value = 0.0,
             .max_value = 1.0, .coupling = 1},
    [P_FAIL_CHECK] = {.name = "fail_check", .unit = "", .kind = NR_PARAM_NUMBER, .min_value = 0.0, .max_value = 1.0},
};
static const nr_signal_spec counting_signals[1] = {{"events", "g^2 m"}};

typedef struct {
    int checks, prepares, signals, spectra, releases;
    int state_was_zero; /* every prepare got zeroed memory */
} counters;
static counters calls;

typedef struct {
    double m;      /* prepared */
    int prepared;  /* set by prepare, cleared by release */
    char pad[40];  /* more than one word: the zeroing covers state_size */
} counting_state;

static nr_status counting_check(const nr_model *model, const nr_engine *engine, const nr_experiment *x,
                                const nr_param_value *p, nr_error *err)
{
    (void)model, (void)engine, (void)x;
    calls.checks++;
    if (p[P_FAIL_CHECK].number > 0.5)
        return nr_fail(err, NR_EKINEMATIC, "/params/fail_check", "refused");
    return NR_OK;
}

static nr_status counting_prepare(const nr_model *model, const nr_engine *engine, const nr_experiment *x,
                                  const nr_param_value *p, void *state, nr_error *err)
{
    (void)model, (void)engine, (void)x, (void)err;
    static const counting_state zero;
    calls.prepares++;
    if (memcmp(state, &zero, sizeof zero) != 0)
        calls.state_was_zero = 0;
    counting_state *s = state;
    s->m = p[P_M].number;
    s->prepared = 1;
    return NR_OK;
}

static nr_status counting_signals_at(const nr_model *model, const void *state, const nr_param_value *p,
                                     double *values, nr_error *err)
{
    (void)model;
    const counting_state *s = state;
    calls.signals++;
    if (!s->prepared)
        return nr_fail(err, NR_EINTERNAL, "", "signals_at on an unprepared state");
    values[0] = p[P_G].number * p[P_G].number * s->m;
    return NR_OK;
}

static nr_status counting_spectra(const nr_model *model, const void *state, const nr_param_value *p, nr_table *out,
                                  nr_error *err)
{
    calls.spectra++;
    double v = 0.0;
    nr_status st = counting_signals_at(model, state, p, &v, err);
    calls.signals--;
    if (st == NR_OK && (st = nr_table_init(out, 1, 1, err)) == NR_OK) {
        nr_table_linear_bins(out, 0.0, 1.0);
        out->events[0] = v;
        nr_table_sum_channels(out);
    }
    return st;
}

static void counting_release(const nr_model *model, void *state)
{
    (void)model;
    calls.releases++;
    ((counting_state *)state)->prepared = 0;
}

static const nr_model counting = {
    .name = "counting", .params = counting_params, .n_params = N_P, .signals = counting_signals, .n_signals = 1,
    .state_size = sizeof(counting_state), .check = counting_check, .prepare = counting_prepare,
    .signals_at = counting_signals_at, .spectra = counting_spectra, .release = counting_release,
};

static void reset(void)
{
    memset(&calls, 0, sizeof calls);
    calls.state_was_zero = 1;
}

static void test_rates_and_spectra(void)
{
    nr_param_value p[N_P];
    nr_model_defaults(&counting, p);
    nr_table t;
    nr_error err;
    nr_error_clear(&err);
    reset();
    CHECK(nr_model_rates(&counting, NULL, NULL, p, &t, &err) == NR_OK, "rates: %s", err.message);
    CHECK_REL(t.total[0], 0.5 * 0.5 * 2.0, 1e-15, "rates: g^2 m");
    CHECK(t.n_channels == 1 && t.n_bins == 0 && strcmp(t.channel[0], "events") == 0, "rates: one channel, no bins");
    nr_table_free(&t);
    CHECK(calls.checks == 1 && calls.prepares == 1 && calls.signals == 1 && calls.releases == 1,
          "rates: check %d, prepare %d, signals_at %d, release %d (want 1 each)", calls.checks, calls.prepares,
          calls.signals, calls.releases);
    CHECK(calls.state_was_zero, "rates: prepare got zeroed state");

    reset();
    CHECK(nr_model_spectra(&counting, NULL, NULL, p, &t, &err) == NR_OK, "spectra: %s", err.message);
    CHECK(t.n_bins == 1 && t.bin_lo[0] == 0.0 && t.bin_hi[0] == 1.0, "spectra: one bin [0, 1]");
    CHECK_REL(t.total[0], 0.5, 1e-15, "spectra: total = the bin = g^2 m");
    nr_table_free(&t);
    CHECK(calls.checks == 1 && calls.prepares == 1 && calls.spectra == 1 && calls.releases == 1,
          "spectra: check %d, prepare %d, spectra %d, release %d", calls.checks, calls.prepares, calls.spectra,
          calls.releases);

    reset();
    p[P_FAIL_CHECK].number = 1.0;
    memset(&t, 0, sizeof t);
    CHECK(nr_model_rates(&counting, NULL, NULL, p, &t, &err) == NR_EKINEMATIC &&
              strcmp(err.where, "/params/fail_check") == 0,
          "refused by check: its status and pointer");
    CHECK(calls.checks == 1 && calls.prepares == 0 && calls.signals == 0 && calls.releases == 0,
          "refused by check: nothing prepared or released");
}

/* The counting model's defaults in p, the call counters reset, and a scan over it (NULL, after a failed check,
 * if it could not start) */
static nr_scan *start_scan(nr_param_value p[N_P], nr_error *err)
{
    nr_model_defaults(&counting, p);
    nr_error_clear(err);
    reset();
    nr_scan *scan = nr_scan_init(&counting, NULL, NULL, 0, err);
    CHECK(scan != NULL, "scan: %s", err->message);
    return scan;
}

static void test_scan(void)
{
    nr_param_value p[N_P];
    nr_error err;
    nr_scan *scan = start_scan(p, &err);
    if (!scan)
        return;
    double ev = 0.0;
    const double gs[3] = {0.1, 0.2, 0.3};
    for (int k = 0; k < 3; k++) { /* coupling only: one preparation */
        p[P_G].number = gs[k];
        CHECK(nr_scan_at(scan, p, &ev, &err) == NR_OK, "scan at g = %g", gs[k]);
        CHECK_REL(ev, gs[k] * gs[k] * 2.0, 1e-15, "scan: g^2 m");
    }
    CHECK(calls.prepares == 1 && calls.checks == 1 && calls.releases == 0, "scan over g: prepared %d, checked %d",
          calls.prepares, calls.checks);
    p[P_M].number = 3.0; /* a prepared parameter: prepare again, after releasing the old state */
    CHECK(nr_scan_at(scan, p, &ev, &err) == NR_OK, "scan at m = 3");
    CHECK_REL(ev, 0.3 * 0.3 * 3.0, 1e-15, "scan: the new m");
    CHECK(calls.prepares == 2 && calls.releases == 1 && calls.state_was_zero, "new m: prepared %d, released %d",
          calls.prepares, calls.releases);
    p[P_FAIL_CHECK].number = 1.0; /* refused: the error, and the next point prepares again */
    CHECK(nr_scan_at(scan, p, &ev, &err) == NR_EKINEMATIC, "scan: refused point");
    p[P_FAIL_CHECK].number = 0.0;
    CHECK(nr_scan_at(scan, p, &ev, &err) == NR_OK && calls.prepares == 3, "scan: prepared again after a refusal");
    nr_scan_free(scan);
    CHECK(calls.releases == 3,
          "scan free releases the last preparation (%d releases for %d preparations)", calls.releases,
          calls.prepares);
}

/* nr_scan_keep: kept states answer without preparing again, the least recently used one is released first, and
 * every preparation starts from zeroed memory. Two kept + the current: m = 1, 2, 3 prepare; 1, 2 come back from
 * the kept; 4 releases 3 (least recently used) and prepares; 3 then releases 1 and prepares again. */
static void test_scan_keep(void)
{
    nr_param_value p[N_P];
    nr_error err;
    nr_scan *scan = start_scan(p, &err);
    if (!scan)
        return;
    nr_scan_keep(scan, 2);
    const double ms[7] = {1, 2, 3, 1, 2, 4, 3};
    const int prepares[7] = {1, 2, 3, 3, 3, 4, 5}, releases[7] = {0, 0, 0, 0, 0, 1, 2};
    p[P_G].number = 0.5;
    for (int k = 0; k < 7; k++) {
        double ev = 0.0;
        p[P_M].number = ms[k];
        CHECK(nr_scan_at(scan, p, &ev, &err) == NR_OK, "keep: scan at m = %g: %s", ms[k], err.message);
        CHECK_REL(ev, 0.25 * ms[k], 1e-15, "keep: g^2 m");
        CHECK(calls.prepares == prepares[k] && calls.releases == releases[k],
              "keep: after m = %g prepared %d (want %d), released %d (want %d)", ms[k], calls.prepares, prepares[k],
              calls.releases, releases[k]);
    }
    CHECK(calls.state_was_zero, "keep: every preparation on zeroed memory");
    nr_scan_free(scan);
    CHECK(calls.releases == calls.prepares, "keep: scan free releases the kept states too (%d releases, %d prepares)",
          calls.releases, calls.prepares);
}

static void test_offers(void)
{
    CHECK(nr_model_offers(&counting, NR_OBSERVABLE_RATES) && nr_model_offers(&counting, NR_OBSERVABLE_SPECTRA) &&
              nr_model_offers(&counting, NR_OBSERVABLE_BOUNDS),
          "counting model: rates, spectra, bounds");
    nr_model no_spectra = counting;
    no_spectra.spectra = NULL;
    CHECK(!nr_model_offers(&no_spectra, NR_OBSERVABLE_SPECTRA), "spectra == NULL: no spectra");
    nr_model no_signals = counting;
    no_signals.n_signals = 0;
    CHECK(!nr_model_offers(&no_signals, NR_OBSERVABLE_RATES) && !nr_model_offers(&no_signals, NR_OBSERVABLE_BOUNDS),
          "no signals: no rates, no bounds");
    nr_table t;
    nr_error err;
    nr_error_clear(&err);
    CHECK(nr_model_spectra(&no_spectra, NULL, NULL, NULL, &t, &err) == NR_EINPUT && strcmp(err.where, "/model") == 0,
          "spectra of a model without: NR_EINPUT at /model");
}

int main(void)
{
    test_rates_and_spectra();
    test_scan();
    test_scan_keep();
    test_offers();
    return nr_test_summary();
}
