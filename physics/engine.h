/* engine.h: the loaded data every computation reads (flux tables, PDF sets, DarkCast and forward meson tables,
 * Helm tables) and the memoised cross-section tables and other derived tables (nr_engine_derived) built from them.
 *
 * Opened once at start-up from the installed data folder, after the daemon has checked the data manifest
 * (data_manifest.h). nr_engine_init reads the manifest's digest (the data version) and the flux tables; every other
 * data set is read (or, for the Helm tables, computed) on its first use, once, under a lock, and never changes
 * after that, like the memoised tables: an engine is shared by all request threads, and a process that needs only
 * some data sets (a B-L contour needs one meson energy and the DarkCast tables) reads only those.
 */
#ifndef NR_ENGINE_H
#define NR_ENGINE_H

#include <stdatomic.h>

#include "cc_table.h"
#include "darkcast.h"
#include "flux.h"
#include "form_factors.h"
#include "hadrons.h"
#include "materials.h"
#include "nr_error.h"
#include "pdf.h"

typedef struct nr_engine nr_engine;

/* Opens the installed data under data_dir (deploy/install_data.sh): the manifest's digest and the flux tables now,
 * the other data sets on first use (a missing or corrupt file is then that use's NR_EDATA naming the file);
 * nr_engine_free releases it. */
nr_status nr_engine_init(const char *data_dir, nr_engine **out, nr_error *err);
/* Reads every data set not read yet (PDF sets, DarkCast, meson tables, Helm tables): for the daemon's background
 * warm-up and for tests that check the whole installed data parses. Stops between data sets once *stop (may be
 * NULL) is non-zero; returns the first failure. */
nr_status nr_engine_load_all(const nr_engine *engine, const atomic_int *stop, nr_error *err);
void nr_engine_free(nr_engine *engine);

const char *nr_engine_data_dir(const nr_engine *engine);
/* sha256 (hex) of the installed MANIFEST.tsv: names the data version in cache keys and responses. */
const char *nr_engine_data_version(const nr_engine *engine);

/* Flux table by set name ("FASERv", "FASERv2"); NULL if unknown. */
const nr_flux *nr_engine_flux(const nr_engine *engine, const char *set);
/* PDF set by name (one of nr_pdf_known_sets), read on first use: NR_EINPUT for an unknown name, NR_EDATA (naming
 * the file) if it cannot be read. nr_engine_pdf: the same, NULL on either failure. */
nr_status nr_engine_get_pdf(const nr_engine *engine, const char *name, const nr_pdf **out, nr_error *err);
const nr_pdf *nr_engine_pdf(const nr_engine *engine, const char *name);
/* DarkCast VMD tables for hadronic widths of vector bosons (darkcast.h), read on first use; NR_EDATA naming the
 * file if they cannot be read. nr_engine_darkcast: NULL then. */
nr_status nr_engine_get_darkcast(const nr_engine *engine, const nr_darkcast **out, nr_error *err);
const nr_darkcast *nr_engine_darkcast(const nr_engine *engine);

/* Forward meson spectrum (hadrons.h) for "13.6TeV" or "14TeV" and PDG id 111 (pi0) or 221 (eta), EPOS-LHC, read on
 * first use; NR_EDATA for another energy or id or a table that cannot be read. nr_engine_mesons: NULL then. */
nr_status nr_engine_get_mesons(const nr_engine *engine, const char *energy, int pdg, const nr_hadron_table **out,
                               nr_error *err);
const nr_hadron_table *nr_engine_mesons(const nr_engine *engine, const char *energy, int pdg);

/* The Helm form factor (001 parametrisation) of a material's nucleus, tabulated on its first use for every material
 * of materials.h (form_factors.h); NULL for a material not in that list (or if out of memory: the caller then
 * computes the form factor per call). */
const nr_ff_helm_table *nr_engine_helm_001(const nr_engine *engine, const nr_material *material);

/* CC cross-section table for a PDF set, built once on its first use (thread-safe: the first users of a set wait
 * for its build, nobody else does). */
nr_status nr_engine_cc_table(const nr_engine *engine, const char *pdf_name, const nr_cc_table **out,
                             nr_error *err);

/* Builds the CC table of every known PDF set (reading the set first; about 1 s each), in the order of
 * nr_pdf_known_sets (the default set first), for a background thread at start-up: a request for a set being built
 * waits for that build only. Stops between sets once *stop (may be NULL) is non-zero. The first failure is returned (the other sets are
 * still built). */
nr_status nr_engine_warm_cc_tables(const nr_engine *engine, const atomic_int *stop, nr_error *err);

/* Derived tables: what a model computes from the loaded data alone (no request parameter), e.g. zd_hnl's tau
 * spectrum from D_s -> tau nu, built once per engine on first use instead of once per prepared state. A table is
 * named by key (unique across models: "<model>/<table>/<variant>", at most NR_ENGINE_DERIVED_KEY_LEN - 1
 * characters), built by spec->build(engine, arg) on its first use (the first users of a key wait for the build,
 * nobody else does; a failed build is retried by the next use), immutable afterwards and freed by spec->release
 * with the engine. At most NR_ENGINE_DERIVED_MAX keys per engine (NR_EINTERNAL beyond). The same key must always
 * come with the same spec and an arg that builds the same table. */
#define NR_ENGINE_DERIVED_MAX 32
#define NR_ENGINE_DERIVED_KEY_LEN 64
typedef struct {
    nr_status (*build)(const nr_engine *engine, const void *arg, void **table, nr_error *err);
    void (*release)(void *table);
} nr_derived_spec;
nr_status nr_engine_derived(const nr_engine *engine, const char *key, const nr_derived_spec *spec, const void *arg,
                            const void **table, nr_error *err);
/* nr_engine_derived for keys that come from a request (e.g. a beam energy an experiment override sets), of which
 * there can be more than NR_ENGINE_DERIVED_MAX: once every slot holds another key, the table is built for this
 * caller alone and also returned in *owned, which the caller releases with spec->release after use (*owned is NULL
 * when the table is the memo's). Memoised tables are never evicted, so a table in use never goes away. */
nr_status nr_engine_derived_or_build(const nr_engine *engine, const char *key, const nr_derived_spec *spec,
                                     const void *arg, const void **table, void **owned, nr_error *err);

/* The folder of supernova profile files an operator provides (sn_profile.h; --sn-profiles / NUREACH_SN_PROFILES):
 * set once at start-up before any request, NULL to have none (requests then get the synthetic profile only). */
nr_status nr_engine_set_sn_profile_dir(nr_engine *engine, const char *dir, nr_error *err);
const char *nr_engine_sn_profile_dir(const nr_engine *engine); /* NULL if none */

#endif
