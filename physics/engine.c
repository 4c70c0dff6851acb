/* engine.c: opens the installed data (flux tables at once; PDF sets, DarkCast tables, forward meson tables and Helm
 * tables on first use) and memoises the CC cross-section tables and the models' derived tables (engine.h).
 *
 * Data layout under data_dir (installed by deploy/install_data.sh from shared/data):
 *   fluxes/FASERv/FASER_<pdg>.txt, fluxes/FASERv2/FASERv2_<pdg>.txt   (flux.h)
 *   pdf/<SET>/<SET>.info, pdf/<SET>/<SET>_0000.dat                     (pdf.h)
 *   darkcast/DarkCast_vmd/rf.FINALSTATE.MESON.dat                      (darkcast.h)
 *   hadrons/<E>/EPOSLHC/EPOSLHC_<E>_{111,221}.txt                       (hadrons.h)
 *   MANIFEST.tsv                                                      (data_manifest.h)
 */
#include "engine.h"

#include <gsl/gsl_errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sha256.h"

/* Cross-section grid [GeV]: covers the flux tables (10 GeV - 6.4 TeV) with room on both sides. */
#define CC_E_MIN_GEV 1.0
#define CC_E_MAX_GEV 2.0e4
#define CC_POINTS_PER_DECADE 16

typedef struct {
    const char *name;   /* set name as in the API      */
    const char *folder; /* under data_dir/fluxes/      */
    const char *prefix; /* file-name prefix            */
} flux_set_spec;

static const flux_set_spec flux_sets[] = {
    {"FASERv", "FASERv", "FASER"},
    {"FASERv2", "FASERv2", "FASERv2"},
};
#define N_FLUX_SETS ((int)(sizeof flux_sets / sizeof flux_sets[0]))

#define MAX_PDF_SETS 8

/* Forward light mesons, each table loaded on its first use (EPOS-LHC, the generator 004 and FORESEE use for them). */
static const char *const meson_energies[] = {"13.6TeV", "14TeV"};
static const int meson_pdgs[] = {111, 221};
#define N_MESON_ENERGIES 2
#define N_MESON_SPECIES 2
#define MAX_MATERIALS 16

/* The CC table of one PDF set, built once on its first use. A reader that finds the table (acquire load) takes
 * no lock; the slot's own mutex serialises only the first users of this set, so building one set (~1 s) blocks
 * neither the users of another set nor anyone once the table is there. A failed build leaves the slot empty and
 * the next use tries again. */
typedef struct {
    pthread_mutex_t build_lock;
    _Atomic(nr_cc_table *) table;
} cc_slot;

/* A derived table (nr_engine_derived): the key is written once under derived_lock when the slot is claimed; the
 * table is published like a CC table (acquire/release), its build serialised by the slot's own mutex. */
typedef struct {
    char key[NR_ENGINE_DERIVED_KEY_LEN];
    void (*release)(void *table);
    pthread_mutex_t build_lock;
    _Atomic(void *) table;
} derived_slot;

/* A data set loaded on its first use: the first users serialise on the slot's mutex, the loader fills the engine's
 * field for it, and ready is published with a release store once the field is complete; a reader that sees ready
 * (acquire load) takes no lock and reads the field, which never changes afterwards. A failed load leaves ready 0
 * (the loader leaves its field empty) and the next use tries again, with the same error if the data is still bad. */
typedef struct {
    pthread_mutex_t lock;
    atomic_int ready;
} load_slot;

struct nr_engine {
    char data_dir[1024];
    char data_version[65];
    nr_flux flux[N_FLUX_SETS];
    int n_pdf; /* the known sets (nr_pdf_known_sets), each loaded on first use */
    nr_pdf *pdf[MAX_PDF_SETS];
    load_slot pdf_slot[MAX_PDF_SETS];
    nr_darkcast *darkcast;
    load_slot darkcast_slot;
    nr_hadron_table mesons[N_MESON_ENERGIES][N_MESON_SPECIES];
    load_slot meson_slot[N_MESON_ENERGIES][N_MESON_SPECIES];
    /* Helm tables, helm[i] for nr_materials[i], each computed on first use */
    int n_helm;
    nr_ff_helm_table helm[MAX_MATERIALS];
    load_slot helm_slot[MAX_MATERIALS];
    /* memoised CC tables, one per PDF set, built on first use */
    cc_slot cc[MAX_PDF_SETS];
    /* memoised derived tables of the models, claimed in order under derived_lock */
    pthread_mutex_t derived_lock;
    int n_derived;
    derived_slot derived[NR_ENGINE_DERIVED_MAX];
    char sn_profile_dir[1024]; /* the operator's supernova profiles (--sn-profiles), "" if none */
};

static void slot_init(load_slot *slot)
{
    pthread_mutex_init(&slot->lock, NULL);
    atomic_init(&slot->ready, 0);
}

static int slot_ready(const load_slot *slot)
{
    return atomic_load_explicit(&((load_slot *)slot)->ready, memory_order_acquire);
}

/* Runs load(e, i, j, err) once for the slot (load_slot); NR_OK once the data set is there. */
static nr_status slot_load(nr_engine *e, load_slot *slot, nr_status (*load)(nr_engine *, int, int, nr_error *), int i,
                           int j, nr_error *err)
{
    if (slot_ready(slot))
        return NR_OK;
    nr_status st = NR_OK;
    pthread_mutex_lock(&slot->lock);
    if (!atomic_load_explicit(&slot->ready, memory_order_relaxed) && (st = load(e, i, j, err)) == NR_OK)
        atomic_store_explicit(&slot->ready, 1, memory_order_release);
    pthread_mutex_unlock(&slot->lock);
    return st;
}

static nr_status load_pdf(nr_engine *e, int i, int j, nr_error *err)
{
    (void)j;
    char path[1200];
    snprintf(path, sizeof path, "%s/pdf", e->data_dir);
    return nr_pdf_load(path, nr_pdf_known_sets[i], &e->pdf[i], err);
}

static nr_status load_darkcast(nr_engine *e, int i, int j, nr_error *err)
{
    (void)i;
    (void)j;
    return nr_darkcast_load(e->data_dir, &e->darkcast, err);
}

static nr_status load_mesons(nr_engine *e, int i, int j, nr_error *err)
{
    return nr_hadron_table_load(e->data_dir, meson_energies[i], "EPOSLHC", meson_pdgs[j], &e->mesons[i][j], err);
}

static nr_status load_helm(nr_engine *e, int i, int j, nr_error *err)
{
    (void)j;
    return nr_ff_helm_table_init(&e->helm[i], nr_materials[i]->a, err);
}

nr_status nr_engine_init(const char *data_dir, nr_engine **out, nr_error *err)
{
    *out = NULL;
    /* GSL's default error handler aborts the process; the engine reports errors through status codes instead.
     * Switched off once here (a process-wide setting) rather than around each integration, which would race
     * between request threads. */
    gsl_set_error_handler_off();
    nr_engine *e = calloc(1, sizeof *e);
    if (!e)
        return nr_fail(err, NR_ENOMEM, "", "out of memory opening the engine");
    for (int i = 0; i < MAX_PDF_SETS; i++) {
        pthread_mutex_init(&e->cc[i].build_lock, NULL);
        atomic_init(&e->cc[i].table, NULL);
        slot_init(&e->pdf_slot[i]);
    }
    slot_init(&e->darkcast_slot);
    for (int i = 0; i < N_MESON_ENERGIES; i++)
        for (int j = 0; j < N_MESON_SPECIES; j++)
            slot_init(&e->meson_slot[i][j]);
    for (int i = 0; i < MAX_MATERIALS; i++)
        slot_init(&e->helm_slot[i]);
    pthread_mutex_init(&e->derived_lock, NULL);
    for (int i = 0; i < NR_ENGINE_DERIVED_MAX; i++) {
        pthread_mutex_init(&e->derived[i].build_lock, NULL);
        atomic_init(&e->derived[i].table, NULL);
    }
    while (e->n_pdf < MAX_PDF_SETS && nr_pdf_known_sets[e->n_pdf])
        e->n_pdf++;
    while (e->n_helm < MAX_MATERIALS && nr_materials[e->n_helm])
        e->n_helm++;
    if (strlen(data_dir) + 1 > sizeof e->data_dir - 128) {
        nr_engine_free(e);
        return nr_fail(err, NR_EINPUT, "data_dir", "the data folder name is too long");
    }
    snprintf(e->data_dir, sizeof e->data_dir, "%s", data_dir);

    /* The manifest's digest is the data version (cache keys, responses): read now. The daemon checks every listed
     * file against the manifest before opening the engine (data_manifest.h); the tables are read on first use. */
    char path[1200];
    snprintf(path, sizeof path, "%s/MANIFEST.tsv", data_dir);
    if (nr_sha256_file_hex(path, e->data_version) != 0) {
        nr_engine_free(e);
        return nr_fail(err, NR_EDATA, path, "cannot read the data manifest %s (run deploy/install_data.sh)",
                       path);
    }
    for (int i = 0; i < N_FLUX_SETS; i++) {
        snprintf(path, sizeof path, "%s/fluxes/%s", data_dir, flux_sets[i].folder);
        if (nr_flux_load(path, flux_sets[i].prefix, &e->flux[i], err) != NR_OK) {
            nr_engine_free(e);
            return err ? err->status : NR_EDATA;
        }
    }
    *out = e;
    return NR_OK;
}

/* 1 once the caller asked the warm-up to stop (stop may be NULL: never). */
static int stop_asked(const atomic_int *stop) { return stop && atomic_load(stop); }

nr_status nr_engine_load_all(const nr_engine *ce, const atomic_int *stop, nr_error *err)
{
    nr_engine *e = (nr_engine *)ce;
    nr_status st = NR_OK;
    for (int i = 0; i < e->n_pdf && st == NR_OK && !stop_asked(stop); i++)
        st = slot_load(e, &e->pdf_slot[i], load_pdf, i, 0, err);
    if (st == NR_OK && !stop_asked(stop))
        st = slot_load(e, &e->darkcast_slot, load_darkcast, 0, 0, err);
    for (int i = 0; i < N_MESON_ENERGIES && st == NR_OK; i++)
        for (int j = 0; j < N_MESON_SPECIES && st == NR_OK && !stop_asked(stop); j++)
            st = slot_load(e, &e->meson_slot[i][j], load_mesons, i, j, err);
    for (int i = 0; i < e->n_helm && st == NR_OK && !stop_asked(stop); i++)
        st = slot_load(e, &e->helm_slot[i], load_helm, i, 0, err);
    return st;
}

void nr_engine_free(nr_engine *e)
{
    if (!e)
        return;
    for (int i = 0; i < N_FLUX_SETS; i++)
        nr_flux_free(&e->flux[i]);
    for (int i = 0; i < MAX_MATERIALS; i++) {
        if (atomic_load(&e->helm_slot[i].ready))
            nr_ff_helm_table_free(&e->helm[i]);
        pthread_mutex_destroy(&e->helm_slot[i].lock);
    }
    for (int i = 0; i < MAX_PDF_SETS; i++) {
        nr_cc_table_free(atomic_load(&e->cc[i].table));
        pthread_mutex_destroy(&e->cc[i].build_lock);
        nr_pdf_free(e->pdf[i]);
        pthread_mutex_destroy(&e->pdf_slot[i].lock);
    }
    for (int i = 0; i < NR_ENGINE_DERIVED_MAX; i++) {
        void *table = atomic_load(&e->derived[i].table);
        if (table && e->derived[i].release)
            e->derived[i].release(table);
        pthread_mutex_destroy(&e->derived[i].build_lock);
    }
    pthread_mutex_destroy(&e->derived_lock);
    nr_darkcast_free(e->darkcast);
    pthread_mutex_destroy(&e->darkcast_slot.lock);
    for (int i = 0; i < N_MESON_ENERGIES; i++)
        for (int j = 0; j < N_MESON_SPECIES; j++) {
            nr_hadron_table_free(&e->mesons[i][j]);
            pthread_mutex_destroy(&e->meson_slot[i][j].lock);
        }
    free(e);
}

const char *nr_engine_data_dir(const nr_engine *e) { return e->data_dir; }
const char *nr_engine_data_version(const nr_engine *e) { return e->data_version; }

const nr_flux *nr_engine_flux(const nr_engine *e, const char *set)
{
    for (int i = 0; set && i < N_FLUX_SETS; i++)
        if (strcmp(flux_sets[i].name, set) == 0)
            return &e->flux[i];
    return NULL;
}

static int pdf_index(const nr_engine *e, const char *name)
{
    for (int i = 0; name && i < e->n_pdf; i++)
        if (strcmp(nr_pdf_known_sets[i], name) == 0)
            return i;
    return -1;
}

nr_status nr_engine_get_pdf(const nr_engine *ce, const char *name, const nr_pdf **out, nr_error *err)
{
    nr_engine *e = (nr_engine *)ce;
    *out = NULL;
    int i = pdf_index(e, name);
    if (i < 0)
        return nr_fail(err, NR_EINPUT, "/params/pdf", "unknown PDF set '%s'", name ? name : "");
    nr_status st = slot_load(e, &e->pdf_slot[i], load_pdf, i, 0, err);
    if (st == NR_OK)
        *out = e->pdf[i];
    return st;
}

const nr_pdf *nr_engine_pdf(const nr_engine *e, const char *name)
{
    const nr_pdf *pdf = NULL;
    nr_engine_get_pdf(e, name, &pdf, NULL);
    return pdf;
}

nr_status nr_engine_get_darkcast(const nr_engine *ce, const nr_darkcast **out, nr_error *err)
{
    nr_engine *e = (nr_engine *)ce;
    nr_status st = slot_load(e, &e->darkcast_slot, load_darkcast, 0, 0, err);
    *out = st == NR_OK ? e->darkcast : NULL;
    return st;
}

const nr_darkcast *nr_engine_darkcast(const nr_engine *e)
{
    const nr_darkcast *dc = NULL;
    nr_engine_get_darkcast(e, &dc, NULL);
    return dc;
}

nr_status nr_engine_get_mesons(const nr_engine *ce, const char *energy, int pdg, const nr_hadron_table **out,
                               nr_error *err)
{
    nr_engine *e = (nr_engine *)ce;
    *out = NULL;
    for (int i = 0; energy && i < N_MESON_ENERGIES; i++)
        for (int j = 0; j < N_MESON_SPECIES; j++)
            if (strcmp(meson_energies[i], energy) == 0 && meson_pdgs[j] == pdg) {
                nr_status st = slot_load(e, &e->meson_slot[i][j], load_mesons, i, j, err);
                if (st == NR_OK)
                    *out = &e->mesons[i][j];
                return st;
            }
    return nr_fail(err, NR_EDATA, "/experiment", "no forward meson table for %s and PDG id %d",
                   energy ? energy : "(none)", pdg);
}

const nr_hadron_table *nr_engine_mesons(const nr_engine *e, const char *energy, int pdg)
{
    const nr_hadron_table *t = NULL;
    nr_engine_get_mesons(e, energy, pdg, &t, NULL);
    return t;
}

nr_status nr_engine_cc_table(const nr_engine *ce, const char *pdf_name, const nr_cc_table **out,
                             nr_error *err)
{
    /* The memo is the one mutable part of the engine; each slot is written once (cc_slot). */
    nr_engine *e = (nr_engine *)ce;
    *out = NULL;
    int i = pdf_index(e, pdf_name);
    if (i < 0)
        return nr_fail(err, NR_EINPUT, "/params/pdf", "unknown PDF set '%s'", pdf_name ? pdf_name : "");
    cc_slot *slot = &e->cc[i];
    nr_cc_table *table = atomic_load_explicit(&slot->table, memory_order_acquire);
    if (table) {
        *out = table;
        return NR_OK;
    }
    const nr_pdf *pdf = NULL;
    nr_status st = nr_engine_get_pdf(e, pdf_name, &pdf, err);
    if (st != NR_OK)
        return st;
    pthread_mutex_lock(&slot->build_lock);
    table = atomic_load_explicit(&slot->table, memory_order_relaxed); /* another first user may have built it */
    if (!table && (st = nr_cc_table_build(pdf, CC_E_MIN_GEV, CC_E_MAX_GEV, CC_POINTS_PER_DECADE, &table,
                                          err)) == NR_OK)
        atomic_store_explicit(&slot->table, table, memory_order_release);
    pthread_mutex_unlock(&slot->build_lock);
    *out = st == NR_OK ? table : NULL;
    return st;
}

nr_status nr_engine_warm_cc_tables(const nr_engine *e, const atomic_int *stop, nr_error *err)
{
    nr_status first = NR_OK;
    for (int i = 0; i < e->n_pdf && !stop_asked(stop); i++) {
        const nr_cc_table *table = NULL;
        nr_error local;
        nr_error_clear(&local);
        nr_status st = nr_engine_cc_table(e, nr_pdf_known_sets[i], &table, &local);
        if (st != NR_OK && first == NR_OK) {
            first = st;
            if (err)
                *err = local;
        }
    }
    return first;
}

/* The memo of nr_engine_derived and nr_engine_derived_or_build; owned is NULL for the former (a full memo is then
 * an error), else where a table built outside a full memo goes (the caller releases it). */
static nr_status derived(const nr_engine *ce, const char *key, const nr_derived_spec *spec, const void *arg,
                         const void **out, void **owned, nr_error *err)
{
    /* like the CC memo, the one mutable part of the engine: a slot's key once, its table once */
    nr_engine *e = (nr_engine *)ce;
    *out = NULL;
    if (owned)
        *owned = NULL;
    if (!key || strlen(key) >= NR_ENGINE_DERIVED_KEY_LEN || !spec || !spec->build)
        return nr_fail(err, NR_EINTERNAL, "engine", "derived table: bad key or build function");
    derived_slot *slot = NULL;
    pthread_mutex_lock(&e->derived_lock);
    for (int i = 0; i < e->n_derived && !slot; i++)
        if (strcmp(e->derived[i].key, key) == 0)
            slot = &e->derived[i];
    if (!slot && e->n_derived < NR_ENGINE_DERIVED_MAX) {
        slot = &e->derived[e->n_derived++];
        snprintf(slot->key, sizeof slot->key, "%s", key);
        slot->release = spec->release;
    }
    pthread_mutex_unlock(&e->derived_lock);
    if (!slot && owned) {
        /* every slot holds another key: build this table for the caller alone (nothing is evicted, so no table
         * another request is reading can go away) */
        void *table = NULL;
        nr_status st = spec->build(e, arg, &table, err);
        if (st == NR_OK && !table)
            st = nr_fail(err, NR_EINTERNAL, "engine", "derived table %s: the build gave no table", key);
        if (st != NR_OK) {
            if (table && spec->release)
                spec->release(table);
            return st;
        }
        *out = table;
        *owned = table;
        return NR_OK;
    }
    if (!slot)
        return nr_fail(err, NR_EINTERNAL, "engine", "more than %d derived tables (building %s)", NR_ENGINE_DERIVED_MAX,
                       key);
    void *table = atomic_load_explicit(&slot->table, memory_order_acquire);
    if (table) {
        *out = table;
        return NR_OK;
    }
    nr_status st = NR_OK;
    pthread_mutex_lock(&slot->build_lock);
    table = atomic_load_explicit(&slot->table, memory_order_relaxed); /* another first user may have built it */
    if (!table && (st = spec->build(e, arg, &table, err)) == NR_OK) {
        if (table)
            atomic_store_explicit(&slot->table, table, memory_order_release);
        else
            st = nr_fail(err, NR_EINTERNAL, "engine", "derived table %s: the build gave no table", key);
    }
    pthread_mutex_unlock(&slot->build_lock);
    *out = st == NR_OK ? table : NULL;
    return st;
}

nr_status nr_engine_derived(const nr_engine *engine, const char *key, const nr_derived_spec *spec, const void *arg,
                            const void **out, nr_error *err)
{
    return derived(engine, key, spec, arg, out, NULL, err);
}

nr_status nr_engine_derived_or_build(const nr_engine *engine, const char *key, const nr_derived_spec *spec,
                                     const void *arg, const void **out, void **owned, nr_error *err)
{
    void *mine = NULL;
    nr_status st = derived(engine, key, spec, arg, out, &mine, err);
    *owned = mine;
    return st;
}

const nr_ff_helm_table *nr_engine_helm_001(const nr_engine *ce, const nr_material *material)
{
    nr_engine *e = (nr_engine *)ce;
    for (int i = 0; i < e->n_helm; i++)
        if (nr_materials[i] == material)
            /* the only failure is out of memory: the caller then computes the form factor per call */
            return slot_load(e, &e->helm_slot[i], load_helm, i, 0, NULL) == NR_OK ? &e->helm[i] : NULL;
    return NULL;
}

nr_status nr_engine_set_sn_profile_dir(nr_engine *engine, const char *dir, nr_error *err)
{
    if (!dir) {
        engine->sn_profile_dir[0] = '\0';
        return NR_OK;
    }
    if (strlen(dir) + 1 > sizeof engine->sn_profile_dir - 64)
        return nr_fail(err, NR_EINPUT, "--sn-profiles", "the supernova profile folder name is too long");
    snprintf(engine->sn_profile_dir, sizeof engine->sn_profile_dir, "%s", dir);
    return NR_OK;
}

const char *nr_engine_sn_profile_dir(const nr_engine *engine)
{
    return engine->sn_profile_dir[0] ? engine->sn_profile_dir : NULL;
}
