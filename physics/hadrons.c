/* hadrons.c: reader of the forward hadron production tables (see hadrons.h and
 * data/hadrons/PROVENANCE.txt for the format and the sources). */
#include "hadrons.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <math.h>

#include "constants.h"
#include "text_table.h"

/* Masses [GeV], PDG 2022 listings (R.L. Workman et al., PTEP 2022, 083C01). */
double nr_hadron_mass_gev(int pdg)
{
    switch (abs(pdg)) {
    case 111: return NR_M_PION_NEUTRAL;
    case 211: return NR_M_PION_CHARGED;
    case 221: return 0.547862;  /* eta   */
    case 331: return 0.95778;   /* eta'  */
    case 113: return 0.77526;   /* rho0  */
    case 223: return 0.78266;   /* omega */
    case 333: return 1.019461;  /* phi   */
    case 321: return 0.493677;  /* K+-   */
    case 130:
    case 310: return 0.497611;  /* K0    */
    case 411: return 1.86966;   /* D+-   */
    case 421: return 1.86484;   /* D0    */
    case 431: return 1.96835;   /* Ds+-  */
    case 4122: return 2.28646;  /* Lambda_c */
    default: return -1.0;
    }
}

static double sqrt_s_of_energy_label(const char *energy)
{
    if (strcmp(energy, "13.6TeV") == 0) return 13600.0;
    if (strcmp(energy, "14TeV") == 0) return 14000.0;
    return -1.0;
}

static int generator_is_known(const char *generator)
{
    return strcmp(generator, "EPOSLHC") == 0 || strcmp(generator, "SIBYLL") == 0 ||
           strcmp(generator, "NLO-P8") == 0;
}

/* Read the "# Normalization: X pb" header if the line is one; returns 1 and sets *value then. */
static int parse_normalization_header(const char *line, double *value)
{
    const char *key = strstr(line, "Normalization:");
    if (!key) return 0;
    char *end = NULL;
    double v = strtod(key + strlen("Normalization:"), &end);
    if (end == key + strlen("Normalization:")) return 0;
    *value = v;
    return 1;
}

/* Append one cell, growing the array geometrically. */
static nr_status append_cell(nr_hadron_table *t, size_t *capacity, nr_hadron_cell cell, nr_error *err)
{
    if (t->n_cells == *capacity) {
        size_t cap = *capacity ? 2 * *capacity : 4096;
        nr_hadron_cell *grown = realloc(t->cells, cap * sizeof *grown);
        if (!grown) return nr_fail(err, NR_ENOMEM, "hadron table", "out of memory reading the hadron table");
        t->cells = grown;
        *capacity = cap;
    }
    t->cells[t->n_cells++] = cell;
    return NR_OK;
}

/* Parse one data line "log10theta log10p sigma"; blank lines are skipped (returns 0). */
static int parse_cell_line(const char *line, nr_hadron_cell *cell, int *ok)
{
    const char *s = line;
    while (*s == ' ' || *s == '\t') s++;
    if (*s == '\0' || *s == '\n' || *s == '\r') return 0;
    char *end1, *end2, *end3;
    /* nr_strtod: strtod's value bit for bit, faster on these plain decimals (text_table.h) */
    cell->log10_theta = nr_strtod(s, &end1);
    cell->log10_p = nr_strtod(end1, &end2);
    cell->sigma_pb = nr_strtod(end2, &end3);
    *ok = end1 != s && end2 != end1 && end3 != end2 && isfinite(cell->log10_theta) &&
          isfinite(cell->log10_p) && isfinite(cell->sigma_pb);
    return 1;
}

static nr_status read_table_file(FILE *f, const char *path, nr_hadron_table *t, nr_error *err)
{
    char line[512];
    size_t capacity = 0;
    long line_no = 0;
    while (fgets(line, sizeof line, f)) {
        line_no++;
        if (line[0] == '#') {
            double v;
            if (parse_normalization_header(line, &v)) t->header_normalization_pb = v;
            continue;
        }
        nr_hadron_cell cell;
        int ok = 0;
        if (!parse_cell_line(line, &cell, &ok)) continue;
        if (!ok) return nr_fail(err, NR_EDATA, path, "malformed hadron table line %ld", line_no);
        t->total_pb += cell.sigma_pb;
        if (cell.sigma_pb == 0.0) continue; /* NLO-P8 cells can be negative (NLO weights): kept */
        nr_status st = append_cell(t, &capacity, cell, err);
        if (st != NR_OK) return st;
    }
    if (ferror(f)) return nr_fail(err, NR_EDATA, path, "read error on the hadron table");
    if (t->n_cells == 0) return nr_fail(err, NR_EDATA, path, "hadron table has no non-empty cell");
    return NR_OK;
}

nr_status nr_hadron_table_load(const char *data_dir, const char *energy, const char *generator,
                               int pdg, nr_hadron_table *table, nr_error *err)
{
    if (!table) return nr_fail(err, NR_EINTERNAL, "hadron table", "no table to fill");
    memset(table, 0, sizeof *table);
    table->header_normalization_pb = -1.0;
    if (!data_dir || !energy || !generator)
        return nr_fail(err, NR_EINPUT, "/params", "data folder, energy and generator are required");
    double sqrt_s = sqrt_s_of_energy_label(energy);
    if (sqrt_s < 0) return nr_fail(err, NR_EINPUT, "/params/energy", "unknown energy '%s' (13.6TeV or 14TeV)", energy);
    if (!generator_is_known(generator))
        return nr_fail(err, NR_EINPUT, "/params/generator", "unknown generator '%s' (EPOSLHC, SIBYLL, NLO-P8)", generator);
    double mass = nr_hadron_mass_gev(pdg);
    if (mass < 0) return nr_fail(err, NR_EINPUT, "/params/pdg", "no hadron table for PDG id %d", pdg);

    char path[1024];
    int n = snprintf(path, sizeof path, "%s/hadrons/%s/%s/%s_%s_%d.txt", data_dir, energy, generator,
                     generator, energy, pdg);
    if (n < 0 || (size_t)n >= sizeof path) return nr_fail(err, NR_EINPUT, "/data_dir", "data folder path too long");
    FILE *f = fopen(path, "r");
    if (!f) return nr_fail(err, NR_EDATA, path, "cannot open hadron table: %s", strerror(errno));

    table->pdg = pdg;
    snprintf(table->energy, sizeof table->energy, "%s", energy);
    snprintf(table->generator, sizeof table->generator, "%s", generator);
    table->sqrt_s_gev = sqrt_s;
    table->mass_gev = mass;
    nr_status st = read_table_file(f, path, table, err);
    fclose(f);
    if (st != NR_OK) nr_hadron_table_free(table);
    return st;
}

void nr_hadron_table_free(nr_hadron_table *table)
{
    if (!table) return;
    free(table->cells);
    table->cells = NULL;
    table->n_cells = 0;
    table->total_pb = 0.0;
}

double nr_hadron_table_sigma_pb(const nr_hadron_table *table, double theta_max_rad, double p_min_gev)
{
    if (!table || !table->cells || !(theta_max_rad > 0)) return 0.0;
    double lt = log10(theta_max_rad), lp = p_min_gev > 0 ? log10(p_min_gev) : -INFINITY, sum = 0.0;
    for (size_t i = 0; i < table->n_cells; i++)
        if (table->cells[i].log10_theta < lt && table->cells[i].log10_p > lp) sum += table->cells[i].sigma_pb;
    return sum;
}
