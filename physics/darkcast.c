/* darkcast.c: reader and interpolator for the DarkCast VMD tables R_mu^{F,V}(m) (see darkcast.h).
 *
 * The tables are read from the installed data set at run time (they are GPL data: nothing from them is
 * compiled in). Format per file: '#' comment lines, then "mass[GeV] R" pairs with strictly increasing mass.
 * The VMD constants R_V and T_V are those of arXiv:1801.04847 (Eq. 2.18 and Eq. A.1).
 */
#include "darkcast.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text_table.h"

typedef struct {
    size_t n;
    double *m;  /* [GeV], strictly increasing */
    double *r;  /* R_mu^{F,V}, dimensionless  */
} dc_grid;

struct nr_darkcast {
    dc_grid table[NR_DC_N_TABLES];
};

static const nr_darkcast_table_info table_info[NR_DC_N_TABLES] = {
    [NR_DC_PIPI_RHO0] = {"rf.pi+_pi-.rho0.dat", "pi+_pi-", 1, {NR_VMD_RHO0, NR_VMD_RHO0}},
    [NR_DC_PIPIPI0_OMEGA] = {"rf.pi+_pi-_pi0.omega.dat", "pi+_pi-_pi0", 1, {NR_VMD_OMEGA, NR_VMD_OMEGA}},
    [NR_DC_PIPIPI0_PHI] = {"rf.pi+_pi-_pi0.phi.dat", "pi+_pi-_pi0", 1, {NR_VMD_PHI, NR_VMD_PHI}},
    [NR_DC_PIPIPI0_OMEGA_PHI] = {"rf.pi+_pi-_pi0.omega_phi.dat", "pi+_pi-_pi0", 2, {NR_VMD_OMEGA, NR_VMD_PHI}},
    [NR_DC_PI0GAMMA_OMEGA] = {"rf.pi0_gamma.omega.dat", "pi0_gamma", 1, {NR_VMD_OMEGA, NR_VMD_OMEGA}},
    [NR_DC_KK_PHI] = {"rf.K_K.phi.dat", "K_K", 1, {NR_VMD_PHI, NR_VMD_PHI}},
    [NR_DC_KKPI_PHI] = {"rf.K_K_pi.phi.dat", "K_K_pi", 1, {NR_VMD_PHI, NR_VMD_PHI}},
    [NR_DC_4PI_CHARGED_RHO0] = {"rf.pi+_pi-_pi+_pi-.rho0.dat", "pi+_pi-_pi+_pi-", 1, {NR_VMD_RHO0, NR_VMD_RHO0}},
    [NR_DC_2PI2PI0_RHO0] = {"rf.pi+_pi-_pi0_pi0.rho0.dat", "pi+_pi-_pi0_pi0", 1, {NR_VMD_RHO0, NR_VMD_RHO0}},
    [NR_DC_OTHER_RHO0] = {"rf.other.rho0.dat", "other", 1, {NR_VMD_RHO0, NR_VMD_RHO0}},
    [NR_DC_OTHER_OMEGA] = {"rf.other.omega.dat", "other", 1, {NR_VMD_OMEGA, NR_VMD_OMEGA}},
    [NR_DC_OTHER_PHI] = {"rf.other.phi.dat", "other", 1, {NR_VMD_PHI, NR_VMD_PHI}},
};

/* ---------------------------------------------------------------- VMD constants (1801.04847) ---- */

double nr_vmd_prefactor(nr_vmd_meson v)
{
    switch (v) {
    case NR_VMD_RHO0:
        return 2.0;
    case NR_VMD_OMEGA:
        return 6.0;
    case NR_VMD_PHI:
        return 3.0 * sqrt(2.0);
    default:
        return 0.0;
    }
}

void nr_vmd_generator(nr_vmd_meson v, double diag[3])
{
    diag[0] = diag[1] = diag[2] = 0.0;
    switch (v) {
    case NR_VMD_RHO0:
        diag[0] = 0.5;
        diag[1] = -0.5;
        break;
    case NR_VMD_OMEGA:
        diag[0] = 0.5;
        diag[1] = 0.5;
        break;
    case NR_VMD_PHI:
        diag[2] = 1.0 / sqrt(2.0);
        break;
    default:
        break;
    }
}

double nr_vmd_meson_coupling(nr_vmd_meson v, double q_u, double q_d, double q_s)
{
    double t[3];
    nr_vmd_generator(v, t);
    return nr_vmd_prefactor(v) * (t[0] * q_u + t[1] * q_d + t[2] * q_s);
}

const nr_darkcast_table_info *nr_darkcast_table_describe(nr_darkcast_table t)
{
    if ((int)t < 0 || t >= NR_DC_N_TABLES)
        return NULL;
    return &table_info[t];
}

/* ---------------------------------------------------------------- reading ---- */

static void grid_free(dc_grid *g)
{
    free(g->m);
    free(g->r);
    g->m = g->r = NULL;
    g->n = 0;
}

static nr_status grid_append(dc_grid *g, size_t *cap, double m, double r, const char *path, nr_error *err)
{
    if (g->n == *cap) {
        size_t new_cap = *cap ? 2 * *cap : 1024;
        double *nm = realloc(g->m, new_cap * sizeof *nm);
        if (!nm)
            return nr_fail(err, NR_ENOMEM, path, "out of memory reading a DarkCast table");
        g->m = nm;
        double *nr = realloc(g->r, new_cap * sizeof *nr);
        if (!nr)
            return nr_fail(err, NR_ENOMEM, path, "out of memory reading a DarkCast table");
        g->r = nr;
        *cap = new_cap;
    }
    g->m[g->n] = m;
    g->r[g->n] = r;
    g->n++;
    return NR_OK;
}

/* One data line -> (m, r). Returns 1 for a data pair, 0 for a blank/comment line, -1 if malformed. */
static int parse_line(const char *line, double *m, double *r)
{
    const char *p = line;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == '#' || *p == '\n' || *p == '\r' || *p == '\0')
        return 0;
    char *end1, *end2;
    errno = 0;
    *m = nr_strtod(p, &end1); /* strtod's value bit for bit, faster on plain decimals (text_table.h) */
    if (end1 == p)
        return -1;
    *r = nr_strtod(end1, &end2);
    if (end2 == end1 || errno == ERANGE)
        return -1;
    if (!isfinite(*m) || !isfinite(*r))
        return -1;
    return 1;
}

static nr_status read_grid(const char *path, dc_grid *g, nr_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return nr_fail(err, NR_EDATA, path, "cannot open the DarkCast VMD table: %s", strerror(errno));
    size_t cap = 0;
    char line[256];
    long line_no = 0;
    nr_status st = NR_OK;
    while (st == NR_OK && fgets(line, sizeof line, f)) {
        line_no++;
        double m, r;
        int kind = parse_line(line, &m, &r);
        if (kind == 0)
            continue;
        if (kind < 0) {
            st = nr_fail(err, NR_EDATA, path, "line %ld is not a 'mass R' pair", line_no);
        } else if (g->n > 0 && !(m > g->m[g->n - 1])) {
            st = nr_fail(err, NR_EDATA, path, "line %ld: masses must increase strictly", line_no);
        } else {
            st = grid_append(g, &cap, m, r, path, err);
        }
    }
    fclose(f);
    if (st == NR_OK && g->n < 2)
        st = nr_fail(err, NR_EDATA, path, "the DarkCast VMD table has fewer than two points");
    if (st != NR_OK)
        grid_free(g);
    return st;
}

void nr_darkcast_free(nr_darkcast *dc)
{
    if (!dc)
        return;
    for (int t = 0; t < NR_DC_N_TABLES; t++)
        grid_free(&dc->table[t]);
    free(dc);
}

nr_status nr_darkcast_load(const char *data_dir, nr_darkcast **out, nr_error *err)
{
    if (!out)
        return nr_fail(err, NR_EINTERNAL, "", "nr_darkcast_load needs an output pointer");
    *out = NULL;
    if (!data_dir)
        return nr_fail(err, NR_EINTERNAL, "", "nr_darkcast_load needs a data directory");
    nr_darkcast *dc = calloc(1, sizeof *dc);
    if (!dc)
        return nr_fail(err, NR_ENOMEM, "", "out of memory for the DarkCast tables");
    for (int t = 0; t < NR_DC_N_TABLES; t++) {
        char path[4096];
        int len = snprintf(path, sizeof path, "%s/darkcast/DarkCast_vmd/%s", data_dir, table_info[t].file);
        if (len < 0 || (size_t)len >= sizeof path) {
            nr_darkcast_free(dc);
            return nr_fail(err, NR_EDATA, "", "data directory path too long");
        }
        nr_status st = read_grid(path, &dc->table[t], err);
        if (st != NR_OK) {
            nr_darkcast_free(dc);
            return st;
        }
    }
    *out = dc;
    return NR_OK;
}

/* ---------------------------------------------------------------- look-ups ---- */

static const dc_grid *grid_of(const nr_darkcast *dc, nr_darkcast_table t)
{
    if (!dc || (int)t < 0 || t >= NR_DC_N_TABLES || dc->table[t].n < 2)
        return NULL;
    return &dc->table[t];
}

double nr_darkcast_r(const nr_darkcast *dc, nr_darkcast_table t, double m_gev)
{
    const dc_grid *g = grid_of(dc, t);
    if (!g || !(m_gev >= g->m[0]) || !(m_gev <= g->m[g->n - 1]))
        return 0.0;
    size_t lo = 0, hi = g->n - 1; /* invariant: m[lo] <= m <= m[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (g->m[mid] <= m_gev)
            lo = mid;
        else
            hi = mid;
    }
    double w = (m_gev - g->m[lo]) / (g->m[hi] - g->m[lo]);
    return g->r[lo] + w * (g->r[hi] - g->r[lo]);
}

double nr_darkcast_m_min(const nr_darkcast *dc, nr_darkcast_table t)
{
    const dc_grid *g = grid_of(dc, t);
    return g ? g->m[0] : 0.0;
}

double nr_darkcast_m_max(const nr_darkcast *dc, nr_darkcast_table t)
{
    const dc_grid *g = grid_of(dc, t);
    return g ? g->m[g->n - 1] : 0.0;
}

double nr_darkcast_vmd_m_max(const nr_darkcast *dc)
{
    double m = 0.0;
    for (int t = 0; t < NR_DC_N_TABLES; t++) {
        double mt = nr_darkcast_m_max(dc, (nr_darkcast_table)t);
        if (mt > m)
            m = mt;
    }
    return m;
}
