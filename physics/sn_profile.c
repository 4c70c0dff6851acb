/* sn_profile.c: reading and building proto-neutron-star profiles (format and synthetic profile in sn_profile.h),
 * and the Fermi-gas integrals of the muons (paper 004 Eq. 57: n_mu and the degeneracy factor F_deg).
 * Units: GeV, km, GeV^3 (sn_profile.h).
 */
#include "sn_profile.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_integration.h>

#include "constants.h"
#include "sha256.h"

#define MEV 1e-3 /* GeV */
#define N_COLUMNS 9
static const char *const column_names[N_COLUMNS] = {"r_km", "T_MeV", "rho_g_cm3", "Y_e", "mu_e_MeV",
                                                     "mu_mu_MeV", "mu_nue_MeV", "mu_numu_MeV", "mu_nutau_MeV"};

/* ------------------------------------------------------------------ Fermi gas ---- */

typedef struct {
    double m, mu, t;
    int blocked;
} fermi_args;

static double fermi_integrand(double p, void *v)
{
    const fermi_args *a = v;
    double x = (sqrt(p * p + a->m * a->m) - a->mu) / a->t;
    double f = 1.0 / (exp(x) + 1.0);
    if (a->blocked)
        f *= 1.0 / (exp(-x) + 1.0); /* 1 - f, without cancellation */
    return p * p * f;
}

static double fermi_integral(double m, double mu, double t, int blocked)
{
    if (!(t > 0))
        return 0.0;
    fermi_args a = {m, mu, t, blocked};
    gsl_function fn = {fermi_integrand, &a};
    double e_max = fmax(mu, m) + 60.0 * t;
    double p_max = sqrt(e_max * e_max - m * m);
    double p_f = mu > m ? sqrt(mu * mu - m * m) : 0.0; /* the Fermi surface: a break point of the integrand */
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(200);
    if (!w)
        return NAN;
    double sum = 0.0, part, abserr;
    if (p_f > 0) {
        gsl_integration_qag(&fn, 0.0, p_f, 0.0, 1e-10, 200, GSL_INTEG_GAUSS31, w, &part, &abserr);
        sum += part;
    }
    gsl_integration_qag(&fn, p_f, p_max, 0.0, 1e-10, 200, GSL_INTEG_GAUSS31, w, &part, &abserr);
    sum += part;
    gsl_integration_workspace_free(w);
    return sum / (NR_PI * NR_PI);
}

double nr_fermi_number_density(double m, double mu, double t) { return fermi_integral(m, mu, t, 0); }
double nr_fermi_blocked_density(double m, double mu, double t) { return fermi_integral(m, mu, t, 1); }

/* ------------------------------------------------------------------ storage ---- */

void nr_sn_profile_free(nr_sn_profile *p)
{
    if (!p)
        return;
    free(p->r_km); /* one block holds every column */
    memset(p, 0, sizeof *p);
}

/* One allocation for the 11 columns of n rows. */
static nr_status profile_alloc(nr_sn_profile *p, size_t n, nr_error *err)
{
    double *block = calloc(11 * n, sizeof *block);
    if (!block)
        return nr_fail(err, NR_ENOMEM, "", "out of memory for a supernova profile of %zu rows", n);
    p->n = n;
    double **cols[11] = {&p->r_km,         &p->t_gev,        &p->rho_g_cm3,    &p->y_e,
                         &p->mu_e_gev,     &p->mu_mu_gev,    &p->mu_nu_gev[0], &p->mu_nu_gev[1],
                         &p->mu_nu_gev[2], &p->n_mu_gev3,    &p->n_eff_gev3};
    for (int c = 0; c < 11; c++)
        *cols[c] = block + (size_t)c * n;
    return NR_OK;
}

/* The muon densities of every row (mu- with mu_mu, mu+ with -mu_mu). */
static void derive_muons(nr_sn_profile *p)
{
    for (size_t i = 0; i < p->n; i++) {
        double t = p->t_gev[i], mu = p->mu_mu_gev[i];
        p->n_mu_gev3[i] = nr_fermi_number_density(NR_M_MUON, mu, t) + nr_fermi_number_density(NR_M_MUON, -mu, t);
        p->n_eff_gev3[i] = nr_fermi_blocked_density(NR_M_MUON, mu, t) + nr_fermi_blocked_density(NR_M_MUON, -mu, t);
    }
}

/* ------------------------------------------------------------------ synthetic ---- */

nr_status nr_sn_profile_synthetic(nr_sn_profile *out, nr_error *err)
{
    memset(out, 0, sizeof *out);
    const size_t n = 401; /* 0 to 100 km every 0.25 km */
    nr_status st = profile_alloc(out, n, err);
    if (st != NR_OK)
        return st;
    const double t0 = 30.0, ra = 8.0, rb = 12.0, tenv = 5.0, re = 30.0; /* MeV, km */
    const double rho_c = 3e14, rd = 10.0, mu0 = 150.0;                  /* g/cm^3, km, MeV */
    const double hbarc_mev_cm = NR_HBARC_GEV_CM * 1e3;
    for (size_t i = 0; i < n; i++) {
        double r = 0.25 * (double)i;
        double t_mev = t0 * (1.0 + r * r / (ra * ra)) * exp(-r * r / (rb * rb)) + tenv / (1.0 + r * r / (re * re));
        double rho = rho_c / (1.0 + pow(r / rd, 8.0));
        double mu_e = mu0 * cbrt(rho / rho_c);
        double n_e_cm3 = pow(mu_e / hbarc_mev_cm, 3.0) / (3.0 * NR_PI * NR_PI);
        out->r_km[i] = r;
        out->t_gev[i] = t_mev * MEV;
        out->rho_g_cm3[i] = rho;
        out->y_e[i] = n_e_cm3 / (rho / NR_ATOMIC_MASS_UNIT_G);
        out->mu_e_gev[i] = mu_e * MEV;
        out->mu_mu_gev[i] = mu_e * MEV;
    }
    out->l_nu_erg_s = 3e52;
    out->r_nu_km = 25.0;
    out->r_far_km = 100.0;
    out->time_s = 1.0;
    derive_muons(out);
    return NR_OK;
}

/* ------------------------------------------------------------------ reader ---- */

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* The next line that is not blank or a comment, with the comment cut; NULL at the end. */
static char *next_line(FILE *f, char *buf, size_t len, int *line_no, int *too_long)
{
    while (fgets(buf, (int)len, f)) {
        (*line_no)++;
        if (!strchr(buf, '\n') && !feof(f)) {
            *too_long = 1;
            return NULL;
        }
        char *hash = strchr(buf, '#');
        if (hash)
            *hash = '\0';
        char *s = buf + strspn(buf, " \t\r\n");
        if (*s)
            return s;
    }
    return NULL;
}

static int parse_double(const char *tok, double *v)
{
    if (!tok)
        return -1;
    char *end;
    errno = 0;
    *v = strtod(tok, &end);
    return (end == tok || *end || errno == ERANGE || !isfinite(*v)) ? -1 : 0;
}

/* The physical ranges of a row (prev: the row before, NULL for the first): r_km >= 0 and strictly increasing,
 * T_MeV > 0, rho_g_cm3 > 0, 0 <= Y_e <= 1 (a fraction); the chemical potentials may have either sign (the
 * antiparticles' are their negatives). The error names the line and the column. */
static nr_status check_row(const double *row, const double *prev, const char *name, int line, const char *where,
                           nr_error *err)
{
    const char *rule = NULL;
    int c = -1;
    if (!(row[0] >= 0.0))
        c = 0, rule = "must be >= 0";
    else if (prev && !(row[0] > prev[0]))
        c = 0, rule = "must be strictly increasing (above the previous row's)";
    else if (!(row[1] > 0.0))
        c = 1, rule = "must be positive";
    else if (!(row[2] > 0.0))
        c = 2, rule = "must be positive";
    else if (!(row[3] >= 0.0 && row[3] <= 1.0))
        c = 3, rule = "must be between 0 and 1 (a fraction)";
    if (c < 0)
        return NR_OK;
    return nr_fail_rule(err, NR_EINPUT, NR_RULE_RANGE, where, "%s line %d, column %d (%s) = %g: %s", name, line,
                        c + 1, column_names[c], row[c], rule);
}

/* Parses the profile text of f (format in sn_profile.h); closes f. name: the file's base name for messages. */
static nr_status read_stream(FILE *f, const char *name, const char *where, nr_sn_profile *out, nr_error *err)
{
    char buf[1024];
    int line = 0, too_long = 0;
    nr_status st = NR_OK;
    double meta[4] = {NAN, NAN, NAN, 0.0}; /* L_nu, R_nu, R_far, time */
    static const char *const meta_keys[4] = {"L_nu_erg_s", "R_nu_km", "R_far_km", "time_s"};
    size_t cap = 0, n = 0;
    double *rows = NULL; /* n x N_COLUMNS */
    int have_magic = 0, have_columns = 0;
    char *s;
    while ((s = next_line(f, buf, sizeof buf, &line, &too_long))) {
        char *save = NULL, *tok = strtok_r(s, " \t\r\n", &save);
        if (!have_magic) {
            char *ver = strtok_r(NULL, " \t\r\n", &save);
            if (strcmp(tok, "nureach_sn_profile") != 0 || !ver || strcmp(ver, "1") != 0) {
                st = nr_fail(err, NR_EINPUT, where, "%s line %d: the first line must be 'nureach_sn_profile 1'", name,
                             line);
                break;
            }
            have_magic = 1;
            continue;
        }
        if (!have_columns) {
            if (strcmp(tok, "columns") == 0) {
                for (int c = 0; c < N_COLUMNS && st == NR_OK; c++) {
                    tok = strtok_r(NULL, " \t\r\n", &save);
                    if (!tok || strcmp(tok, column_names[c]) != 0)
                        st = nr_fail(err, NR_EINPUT, where, "%s line %d: column %d must be '%s'", name, line, c + 1,
                                     column_names[c]);
                }
                if (st == NR_OK && strtok_r(NULL, " \t\r\n", &save))
                    st = nr_fail(err, NR_EINPUT, where, "%s line %d: more than the %d columns of version 1", name, line,
                                 N_COLUMNS);
                if (st != NR_OK)
                    break;
                have_columns = 1;
                continue;
            }
            int k = -1;
            for (int i = 0; i < 4; i++)
                if (strcmp(tok, meta_keys[i]) == 0)
                    k = i;
            double v;
            if (k < 0 || parse_double(strtok_r(NULL, " \t\r\n", &save), &v) != 0 || strtok_r(NULL, " \t\r\n", &save)) {
                st = nr_fail(err, NR_EINPUT, where, "%s line %d: expected 'L_nu_erg_s', 'R_nu_km', 'R_far_km' or "
                             "'time_s' and one number, or the 'columns' line", name, line);
                break;
            }
            if (k < 3 ? !(v > 0) : !(v >= 0)) {
                st = nr_fail_rule(err, NR_EINPUT, NR_RULE_RANGE, where, "%s line %d: %s = %g must be %s", name, line,
                                  meta_keys[k], v, k < 3 ? "positive" : ">= 0");
                break;
            }
            meta[k] = v;
            continue;
        }
        if (n == NR_SN_PROFILE_MAX_ROWS) {
            st = nr_fail(err, NR_EINPUT, where, "%s: more than %d rows", name, NR_SN_PROFILE_MAX_ROWS);
            break;
        }
        if (n == cap) {
            cap = cap ? 2 * cap : 256;
            double *grown = realloc(rows, cap * N_COLUMNS * sizeof *rows);
            if (!grown) {
                st = nr_fail(err, NR_ENOMEM, where, "out of memory reading %s", name);
                break;
            }
            rows = grown;
        }
        double *row = rows + n * N_COLUMNS;
        for (int c = 0; c < N_COLUMNS && st == NR_OK; c++) {
            if (parse_double(c == 0 ? tok : strtok_r(NULL, " \t\r\n", &save), &row[c]) != 0)
                st = nr_fail(err, NR_EINPUT, where, "%s line %d: column %d (%s) is not a finite number", name, line,
                             c + 1, column_names[c]);
        }
        if (st == NR_OK && strtok_r(NULL, " \t\r\n", &save))
            st = nr_fail(err, NR_EINPUT, where, "%s line %d: more than %d numbers", name, line, N_COLUMNS);
        if (st == NR_OK)
            st = check_row(row, n > 0 ? row - N_COLUMNS : NULL, name, line, where, err);
        if (st != NR_OK)
            break;
        n++;
    }
    if (st == NR_OK && too_long)
        st = nr_fail(err, NR_EINPUT, where, "%s line %d: longer than %zu characters", name, line, sizeof buf - 2);
    fclose(f);
    if (st == NR_OK && !have_columns)
        st = nr_fail(err, NR_EINPUT, where, "%s: no 'columns' line (is it a nureach_sn_profile 1 file?)", name);
    for (int i = 0; i < 3 && st == NR_OK; i++)
        if (!(meta[i] > 0))
            st = nr_fail(err, NR_EINPUT, where, "%s: '%s' (a positive number) is missing", name, meta_keys[i]);
    if (st == NR_OK && n < 2)
        st = nr_fail(err, NR_EINPUT, where, "%s: at least two rows are needed", name);
    if (st == NR_OK && !(meta[1] < meta[2]))
        st = nr_fail(err, NR_EINPUT, where, "%s: R_nu_km (%g) must be below R_far_km (%g)", name, meta[1], meta[2]);
    if (st == NR_OK && (rows[(n - 1) * N_COLUMNS] < meta[2] || rows[0] > 0.05 * meta[1]))
        st = nr_fail(err, NR_EINPUT, where, "%s: the rows must cover the radii from near 0 (at most 5%% of R_nu) to "
                     "R_far_km = %g", name, meta[2]);
    if (st == NR_OK)
        st = profile_alloc(out, n, err);
    if (st == NR_OK) {
        for (size_t i = 0; i < n; i++) {
            const double *row = rows + i * N_COLUMNS;
            out->r_km[i] = row[0];
            out->t_gev[i] = row[1] * MEV;
            out->rho_g_cm3[i] = row[2];
            out->y_e[i] = row[3];
            out->mu_e_gev[i] = row[4] * MEV;
            out->mu_mu_gev[i] = row[5] * MEV;
            for (int k = 0; k < 3; k++)
                out->mu_nu_gev[k][i] = row[6 + k] * MEV;
        }
        out->l_nu_erg_s = meta[0];
        out->r_nu_km = meta[1];
        out->r_far_km = meta[2];
        out->time_s = meta[3];
        derive_muons(out);
    }
    free(rows);
    return st;
}

nr_status nr_sn_profile_read(const char *path, const char *where, nr_sn_profile *out, nr_error *err)
{
    memset(out, 0, sizeof *out);
    const char *name = base_name(path);
    FILE *f = fopen(path, "r");
    if (!f)
        return nr_fail(err, NR_EINPUT, where, "supernova profile '%s' cannot be opened: %s", name, strerror(errno));
    return read_stream(f, name, where, out, err);
}

/* The whole file in memory (NUL-terminated), at most NR_SN_PROFILE_MAX_BYTES. */
static nr_status slurp(const char *path, const char *where, char **text, size_t *len, nr_error *err)
{
    const char *name = base_name(path);
    *text = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return nr_fail(err, NR_EINPUT, where, "supernova profile '%s' cannot be opened: %s", name, strerror(errno));
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    nr_status st = buf ? NR_OK : nr_fail(err, NR_ENOMEM, where, "out of memory reading %s", name);
    while (st == NR_OK) {
        if (n == cap) {
            if (cap >= NR_SN_PROFILE_MAX_BYTES) {
                st = nr_fail(err, NR_EINPUT, where, "supernova profile '%s' is larger than %d bytes", name,
                             NR_SN_PROFILE_MAX_BYTES);
                break;
            }
            cap *= 2;
            char *grown = realloc(buf, cap + 1);
            if (!grown) {
                st = nr_fail(err, NR_ENOMEM, where, "out of memory reading %s", name);
                break;
            }
            buf = grown;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f))
                st = nr_fail(err, NR_EINPUT, where, "supernova profile '%s' cannot be read", name);
            break;
        }
    }
    fclose(f);
    if (st != NR_OK) {
        free(buf);
        return st;
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return NR_OK;
}

nr_status nr_sn_profile_load(const char *dir, const char *name, const char *sha256_pin, const char *where,
                             nr_sn_profile *out, nr_error *err)
{
    if (!name || !*name)
        return nr_sn_profile_synthetic(out, err);
    memset(out, 0, sizeof *out);
    if (!dir)
        return nr_fail(err, NR_EINPUT, where, "this server has no supernova profile folder (its operator sets one "
                       "with --sn-profiles): only the synthetic profile (no sn_profile) is available");
    char path[1200];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
        return nr_fail(err, NR_EINPUT, where, "the profile path is too long");
    if (!sha256_pin || !*sha256_pin)
        return nr_sn_profile_read(path, where, out, err);
    /* pinned: the bytes hashed are the bytes parsed, so the result belongs to the content its cache key names */
    char *text = NULL, hex[65];
    size_t len = 0;
    nr_status st = slurp(path, where, &text, &len, err);
    if (st != NR_OK)
        return st;
    nr_sha256_hex(text, len, hex);
    if (strcmp(hex, sha256_pin) != 0) {
        free(text);
        return nr_fail(err, NR_EINPUT, where, "the supernova profile '%s' was replaced after the request was accepted "
                       "(sha256 %.12s... then, %.12s... now): send the request again", name, sha256_pin, hex);
    }
    FILE *f = len ? fmemopen(text, len, "r") : NULL;
    if (!f) {
        free(text);
        return nr_fail(err, len ? NR_ENOMEM : NR_EINPUT, where, "%s: %s", name,
                       len ? "out of memory reading the profile" : "the profile is empty");
    }
    st = read_stream(f, name, where, out, err);
    free(text);
    return st;
}

/* ------------------------------------------------------------------ look-up ---- */

void nr_sn_profile_at(const nr_sn_profile *p, double r_km, nr_sn_point *out)
{
    size_t i = 0, n = p->n;
    double w = 0.0;
    if (r_km <= p->r_km[0]) {
        i = 0;
    } else if (r_km >= p->r_km[n - 1]) {
        i = n - 2;
        w = 1.0;
    } else {
        size_t lo = 0, hi = n - 1; /* r[lo] <= r < r[hi] */
        while (hi - lo > 1) {
            size_t mid = (lo + hi) / 2;
            if (p->r_km[mid] <= r_km)
                lo = mid;
            else
                hi = mid;
        }
        i = lo;
        w = (r_km - p->r_km[i]) / (p->r_km[i + 1] - p->r_km[i]);
    }
#define LERP(col) ((1.0 - w) * (col)[i] + w * (col)[i + 1])
    out->t_gev = LERP(p->t_gev);
    out->mu_mu_gev = LERP(p->mu_mu_gev);
    for (int k = 0; k < 3; k++)
        out->mu_nu_gev[k] = LERP(p->mu_nu_gev[k]);
    out->n_mu_gev3 = LERP(p->n_mu_gev3);
    out->n_eff_gev3 = LERP(p->n_eff_gev3);
#undef LERP
}
