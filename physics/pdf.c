/* pdf.c: reader for LHAPDF6 "lhagrid1" parton-distribution grids and their log-bicubic
 * interpolation in (ln x, ln Q^2).
 *
 * Format: A. Buckley et al., "LHAPDF6: parton density access in the LHC precision era",
 * Eur. Phys. J. C75 (2015) 132 (grid format and interpolation), and shared/data/pdf/PROVENANCE.txt.
 * <set>.info holds "Key: value" metadata (we read XMin, XMax, QMin, QMax, Format, ForcePositive);
 * <set>_0000.dat holds a header ending in "---", then subgrid blocks: x knots, Q knots [GeV],
 * PDG ids, N_x*N_Q rows of x*f (row = ix*N_Q + iQ), "---". Subgrids split at heavy-quark
 * thresholds share their boundary Q; at an exact boundary the upper subgrid is used (as LHAPDF).
 *
 * Interpolation (the scheme of LHAPDF6's default "logcubic" interpolator; checked against an
 * independent re-implementation of LHAPDF's LogBicubicInterpolator to 2e-15 at 1200 points):
 * a cubic Hermite spline in ln x along the two-to-four Q-knot rows around Q, then a cubic Hermite
 * spline in ln Q^2 through those row values. The slopes at a knot are the mean of the left and
 * right finite-difference slopes (non-uniform spacing) in the interior and the one-sided slope at
 * the edges of a subgrid. A subgrid with fewer than 4 Q knots falls back to bilinear interpolation
 * in (ln x, ln Q^2), as LHAPDF does. Because every step is linear in the stored values, the
 * interpolant is a weighted sum of at most 4x4 grid values; the weights depend only on (x, Q^2),
 * so nr_pdf_xfx_all() computes them once and applies them to all partons (stored innermost, so the
 * 4x4 stencil reads 16 contiguous runs of NR_PDF_N_PARTONS doubles).
 *
 * Outside the grid: "freeze". x is clamped to [XMin, XMax] and Q to [QMin, QMax]; x*f = 0 for
 * x >= 1. Why this is enough: forward-LHC neutrinos have E <= ~10 TeV, so DIS probes
 * Q^2 <= 2 M E ~ 2e4 GeV^2 (Q <= ~140 GeV, far below QMax >= 3e4 GeV) and, with the Q^2 >= ~1 GeV^2
 * domain of the DIS module, x >= Q^2 / (2 M E) ~ 5e-5 (above every set's XMin <= 1e-6). The only
 * region we touch outside a grid is 1 GeV <= Q < QMin (QMin = 1.295 GeV for CT14nlo, 1.3 for
 * CT10nlo), where freezing at QMin is the usual convention. LHAPDF's default "continuation"
 * extrapolator would differ from ours only there (and at x < XMin, Q > QMax, which we never reach).
 *
 * If the .info file asks for it (ForcePositive: 1 clips negative values to 0, 2 clips below 1e-10),
 * the interpolated value is clipped as LHAPDF does. NaN in gives NaN out.
 * A loaded set is immutable; all look-ups are re-entrant (no allocation, no shared mutable state).
 */
#include "pdf.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const nr_pdf_known_sets[] = {"CT14nlo", "CT10nlo", "MMHT2014nlo68cl",
                                         "NNPDF30_nlo_as_0118", NULL};

enum {
    PDF_MAX_IDS_PER_LINE = 64,          /* columns in a block (LHAPDF sets: 11 to 14)      */
    PDF_MAX_KNOTS = 100000,             /* per axis and subgrid                            */
    PDF_MAX_NAME_LEN = 200,
};
#define PDF_MAX_FILE_BYTES (512L * 1024 * 1024)
#define PDF_INFO_REL_TOL 1e-5 /* .info ranges vs grid knots (MMHT: QMax 31622.8 vs 3.162278e+04) */

typedef struct {
    int nx, nq;
    double *log_x;  /* [nx] ln x of the x knots, ascending                                  */
    double *log_q2; /* [nq] ln(Q^2 / GeV^2) of the Q knots, ascending                       */
    double *xf;     /* x*f: [(ix * nq + iq) * NR_PDF_N_PARTONS + parton slot]               */
    int cubic;      /* 1: log-bicubic; 0: bilinear fallback (fewer than 4 Q knots)          */
    double x_lo, x_hi, q_lo, q_hi; /* first and last knots as stored (Q in GeV)             */
    unsigned char present[NR_PDF_N_PARTONS]; /* 1 for the partons that have a column        */
} pdf_subgrid;

struct nr_pdf {
    char *name;
    double x_min, x_max;   /* grid range (first subgrid's x knots)                          */
    double q_min, q_max;   /* [GeV] first knot of the first subgrid, last of the last       */
    double q2_min, q2_max; /* [GeV^2] q_min^2, q_max^2                                      */
    int force_positive;    /* 0, 1 or 2 (see the header comment)                            */
    unsigned char present[NR_PDF_N_PARTONS]; /* partons in at least one subgrid; others are 0 */
    int n_sub;
    pdf_subgrid *sub;      /* ordered in Q                                                  */
};

/* ------------------------------------------------------------------------------------------ */
/* Reading files                                                                              */
/* ------------------------------------------------------------------------------------------ */

/* Read the whole file into a NUL-terminated buffer. */
static nr_status read_whole_file(const char *path, char **out, size_t *out_len, nr_error *err)
{
    *out = NULL;
    *out_len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        char reason[128] = "unknown error";
        (void)strerror_r(errno, reason, sizeof reason); /* XSI version: thread-safe */
        return nr_fail(err, NR_EDATA, path, "cannot open PDF file %s: %s", path, reason);
    }
    size_t cap = 1 << 20, len = 0;
    char *buf = malloc(cap);
    if (!buf) {
        fclose(f);
        return nr_fail(err, NR_ENOMEM, path, "out of memory reading %s", path);
    }
    for (;;) {
        if (len + 1 >= cap) {
            if (cap >= (size_t)PDF_MAX_FILE_BYTES) {
                free(buf);
                fclose(f);
                return nr_fail(err, NR_EDATA, path, "PDF file %s is larger than %ld bytes", path,
                               PDF_MAX_FILE_BYTES);
            }
            char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                fclose(f);
                return nr_fail(err, NR_ENOMEM, path, "out of memory reading %s", path);
            }
            buf = bigger;
            cap *= 2;
        }
        size_t got = fread(buf + len, 1, cap - 1 - len, f);
        len += got;
        if (got == 0)
            break;
    }
    int read_error = ferror(f);
    fclose(f);
    if (read_error) {
        free(buf);
        return nr_fail(err, NR_EDATA, path, "error reading PDF file %s", path);
    }
    if (memchr(buf, '\0', len)) {
        free(buf);
        return nr_fail(err, NR_EDATA, path, "PDF file %s contains a NUL byte (not a text file)",
                       path);
    }
    buf[len] = '\0';
    *out = buf;
    *out_len = len;
    return NR_OK;
}

/* Walks a buffer line by line, cutting each line in place (its '\n' becomes '\0'). */
typedef struct {
    char *p, *end;
    long line_no; /* 1-based number of the line last returned */
    const char *path;
} line_reader;

static char *next_line(line_reader *r)
{
    if (r->p >= r->end)
        return NULL;
    char *line = r->p;
    char *nl = memchr(line, '\n', (size_t)(r->end - line));
    if (nl) {
        *nl = '\0';
        r->p = nl + 1;
    } else {
        r->p = r->end;
    }
    size_t n = strlen(line);
    if (n > 0 && line[n - 1] == '\r')
        line[n - 1] = '\0';
    r->line_no++;
    return line;
}

static int is_blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\r')
            return 0;
    return 1;
}

static int is_separator(const char *line)
{
    return strncmp(line, "---", 3) == 0 && is_blank(line + 3);
}

static int is_token_end(char c)
{
    return c == '\0' || c == ' ' || c == '\t' || c == '\r';
}

/* Parse one finite number at *s; advance *s past it. Returns 0 on success. */
static int parse_number(char **s, double *v)
{
    char *end;
    double d = strtod(*s, &end);
    if (end == *s || !is_token_end(*end) || !isfinite(d))
        return -1;
    *v = d;
    *s = end;
    return 0;
}

static char *skip_spaces(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* Parse all numbers on a line into a fresh array. Returns the count, -1 on a bad token,
 * -2 on allocation failure. */
static int parse_number_line(char *line, double **out)
{
    int n = 0, cap = 64;
    double *v = malloc((size_t)cap * sizeof *v);
    if (!v)
        return -2;
    char *s = skip_spaces(line);
    while (*s) {
        if (n == PDF_MAX_KNOTS) {
            free(v);
            return -1;
        }
        if (n == cap) {
            double *bigger = realloc(v, (size_t)cap * 2 * sizeof *v);
            if (!bigger) {
                free(v);
                return -2;
            }
            v = bigger;
            cap *= 2;
        }
        if (parse_number(&s, &v[n]) != 0) {
            free(v);
            return -1;
        }
        n++;
        s = skip_spaces(s);
    }
    *out = v;
    return n;
}

/* ------------------------------------------------------------------------------------------ */
/* The .info file                                                                             */
/* ------------------------------------------------------------------------------------------ */

typedef struct {
    double x_min, x_max, q_min, q_max;
    int have_x_min, have_x_max, have_q_min, have_q_max;
    int force_positive;
} pdf_info;

/* If `line` is "key: value", return the value (leading blanks skipped), else NULL. */
static char *info_value(char *line, const char *key)
{
    size_t n = strlen(key);
    if (strncmp(line, key, n) != 0 || line[n] != ':')
        return NULL;
    return skip_spaces(line + n + 1);
}

static nr_status info_number(char *value, double *out, int *have, const char *key,
                             const line_reader *r, nr_error *err)
{
    char *s = value;
    if (parse_number(&s, out) != 0 || !is_blank(s))
        return nr_fail(err, NR_EDATA, r->path, "%s line %ld: %s is not a number", r->path,
                       r->line_no, key);
    *have = 1;
    return NR_OK;
}

static nr_status parse_info(char *text, size_t len, const char *path, pdf_info *info,
                            nr_error *err)
{
    memset(info, 0, sizeof *info);
    line_reader r = {text, text + len, 0, path};
    char *line, *v;
    nr_status st = NR_OK;
    while (st == NR_OK && (line = next_line(&r))) {
        if ((v = info_value(line, "XMin")))
            st = info_number(v, &info->x_min, &info->have_x_min, "XMin", &r, err);
        else if ((v = info_value(line, "XMax")))
            st = info_number(v, &info->x_max, &info->have_x_max, "XMax", &r, err);
        else if ((v = info_value(line, "QMin")))
            st = info_number(v, &info->q_min, &info->have_q_min, "QMin", &r, err);
        else if ((v = info_value(line, "QMax")))
            st = info_number(v, &info->q_max, &info->have_q_max, "QMax", &r, err);
        else if ((v = info_value(line, "Format"))) {
            if (strncmp(v, "lhagrid1", 8) != 0 || !is_blank(v + 8))
                st = nr_fail(err, NR_EDATA, path, "%s line %ld: Format is not lhagrid1", path,
                             r.line_no);
        } else if ((v = info_value(line, "ForcePositive"))) {
            if ((v[0] != '0' && v[0] != '1' && v[0] != '2') || !is_blank(v + 1))
                st = nr_fail(err, NR_EDATA, path, "%s line %ld: ForcePositive must be 0, 1 or 2",
                             path, r.line_no);
            else
                info->force_positive = v[0] - '0';
        }
    }
    if (st != NR_OK)
        return st;
    if (!info->have_x_min || !info->have_x_max || !info->have_q_min || !info->have_q_max)
        return nr_fail(err, NR_EDATA, path, "%s lacks one of XMin, XMax, QMin, QMax", path);
    if (!(info->x_min > 0 && info->x_min < info->x_max && info->x_max <= 1 && info->q_min > 0 &&
          info->q_min < info->q_max))
        return nr_fail(err, NR_EDATA, path,
                       "%s: need 0 < XMin < XMax <= 1 and 0 < QMin < QMax", path);
    return NR_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* The .dat file                                                                              */
/* ------------------------------------------------------------------------------------------ */

/* Parton slot of a PDG id (0 and 21 = gluon), or -1 for partons we do not use (photon, ...). */
static int parton_slot(int pdg_id)
{
    if (pdg_id == 21 || pdg_id == 0)
        return NR_PDF_GLUON;
    if (pdg_id >= -6 && pdg_id <= 6)
        return NR_PDF_INDEX(pdg_id);
    return -1;
}

static void subgrid_free(pdf_subgrid *g)
{
    free(g->log_x);
    free(g->log_q2);
    free(g->xf);
    memset(g, 0, sizeof *g);
}

static nr_status fail_line(nr_error *err, const line_reader *r, const char *what)
{
    return nr_fail(err, NR_EDATA, r->path, "%s line %ld: %s", r->path, r->line_no, what);
}

static nr_status fail_eof(nr_error *err, const line_reader *r, const char *what)
{
    return nr_fail(err, NR_EDATA, r->path, "%s ends early (after line %ld): %s", r->path,
                   r->line_no, what);
}

/* Read a knot line; store the logs of the knots (of their squares when `square`). */
static nr_status read_knots(line_reader *r, int square, int min_knots, const char *what,
                            double **log_knots, int *n_knots, double *lo, double *hi,
                            nr_error *err)
{
    char *line = next_line(r);
    if (!line)
        return fail_eof(err, r, what);
    double *v = NULL;
    int n = parse_number_line(line, &v);
    if (n == -2)
        return nr_fail(err, NR_ENOMEM, r->path, "out of memory reading %s", r->path);
    if (n < 0)
        return fail_line(err, r, "malformed number in the knot line");
    if (n < min_knots) {
        free(v);
        char msg[96];
        snprintf(msg, sizeof msg, "a subgrid needs at least %d %s", min_knots, what);
        return fail_line(err, r, msg);
    }
    for (int i = 0; i < n; i++) {
        int bad = !(v[i] > 0) || (i > 0 && !(v[i] > v[i - 1])) || (!square && v[i] > 1);
        if (bad) {
            free(v);
            return fail_line(err, r, square ? "Q knots must be positive and strictly ascending"
                                            : "x knots must be in (0, 1] and strictly ascending");
        }
    }
    *lo = v[0];
    *hi = v[n - 1];
    for (int i = 0; i < n; i++)
        v[i] = square ? log(v[i] * v[i]) : log(v[i]);
    *log_knots = v;
    *n_knots = n;
    return NR_OK;
}

/* Read the PDG-id line: slot[k] = parton slot of column k (-1: ignored column). */
static nr_status read_ids(line_reader *r, int slot[PDF_MAX_IDS_PER_LINE], int *n_ids,
                          unsigned char present[NR_PDF_N_PARTONS], nr_error *err)
{
    char *line = next_line(r);
    if (!line)
        return fail_eof(err, r, "missing the line of PDG ids");
    int used[NR_PDF_N_PARTONS] = {0}, n = 0;
    char *s = skip_spaces(line);
    while (*s) {
        char *end;
        errno = 0;
        long id = strtol(s, &end, 10);
        if (end == s || !is_token_end(*end) || errno != 0 || id < -1000000 || id > 1000000)
            return fail_line(err, r, "malformed PDG id");
        if (n == PDF_MAX_IDS_PER_LINE)
            return fail_line(err, r, "too many PDG ids");
        int k = parton_slot((int)id);
        if (k >= 0 && used[k]++)
            return fail_line(err, r, "a parton appears twice in the PDG ids");
        slot[n++] = k;
        s = skip_spaces(end);
    }
    if (n == 0)
        return fail_line(err, r, "empty line of PDG ids");
    for (int k = 0; k < NR_PDF_N_PARTONS; k++)
        present[k] = used[k] != 0;
    *n_ids = n;
    return NR_OK;
}

/* Read the nx*nq value rows of a block into g->xf. */
static nr_status read_values(line_reader *r, pdf_subgrid *g, const int *slot, int n_ids,
                             nr_error *err)
{
    size_t rows = (size_t)g->nx * (size_t)g->nq;
    /* each row takes at least 2 bytes per column ("0 "): refuse absurd sizes before allocating */
    if (rows > (size_t)(r->end - r->p) / (2 * (size_t)n_ids))
        return fail_eof(err, r, "too short for the announced number of value rows");
    g->xf = calloc(rows * NR_PDF_N_PARTONS, sizeof *g->xf);
    if (!g->xf)
        return nr_fail(err, NR_ENOMEM, r->path, "out of memory reading %s", r->path);
    for (size_t row = 0; row < rows; row++) {
        char *line = next_line(r);
        if (!line) {
            char msg[96];
            snprintf(msg, sizeof msg, "subgrid has %zu of its %zu value rows", row, rows);
            return fail_eof(err, r, msg);
        }
        double *dst = g->xf + row * NR_PDF_N_PARTONS;
        char *s = skip_spaces(line);
        for (int k = 0; k < n_ids; k++) {
            double v;
            if (*s == '\0' || parse_number(&s, &v) != 0)
                return fail_line(err, r, "malformed value row (bad number or too few columns)");
            if (slot[k] >= 0)
                dst[slot[k]] = v;
            s = skip_spaces(s);
        }
        if (*s != '\0')
            return fail_line(err, r, "value row has more columns than PDG ids");
    }
    return NR_OK;
}

/* Read one subgrid block (knot lines, ids, values, closing "---"). */
static nr_status read_subgrid(line_reader *r, pdf_subgrid *g, nr_error *err)
{
    nr_status st = read_knots(r, 0, 4, "x knots", &g->log_x, &g->nx, &g->x_lo, &g->x_hi, err);
    if (st == NR_OK)
        st = read_knots(r, 1, 2, "Q knots", &g->log_q2, &g->nq, &g->q_lo, &g->q_hi, err);
    int slot[PDF_MAX_IDS_PER_LINE], n_ids = 0;
    if (st == NR_OK)
        st = read_ids(r, slot, &n_ids, g->present, err);
    if (st == NR_OK)
        st = read_values(r, g, slot, n_ids, err);
    if (st == NR_OK) {
        char *line = next_line(r);
        if (!line)
            st = fail_eof(err, r, "subgrid is not closed by ---");
        else if (!is_separator(line))
            st = fail_line(err, r, "expected --- after the value rows of a subgrid");
    }
    g->cubic = g->nq >= 4;
    return st;
}

static int rest_is_blank(const line_reader *r)
{
    for (const char *s = r->p; s < r->end; s++)
        if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
            return 0;
    return 1;
}

static nr_status append_subgrid(nr_pdf *pdf, const pdf_subgrid *g, const char *path,
                                nr_error *err)
{
    pdf_subgrid *bigger = realloc(pdf->sub, (size_t)(pdf->n_sub + 1) * sizeof *bigger);
    if (!bigger)
        return nr_fail(err, NR_ENOMEM, path, "out of memory reading %s", path);
    pdf->sub = bigger;
    pdf->sub[pdf->n_sub++] = *g;
    return NR_OK;
}

static int nearly_equal(double a, double b, double rel)
{
    return fabs(a - b) <= rel * fmax(fabs(a), fabs(b));
}

static nr_status parse_dat(char *text, size_t len, const char *path, nr_pdf *pdf, nr_error *err)
{
    line_reader r = {text, text + len, 0, path};
    char *line;
    while ((line = next_line(&r)) && !is_separator(line)) {
        char *v = info_value(line, "Format");
        if (v && (strncmp(v, "lhagrid1", 8) != 0 || !is_blank(v + 8)))
            return fail_line(err, &r, "Format is not lhagrid1");
    }
    if (!line)
        return fail_eof(err, &r, "no --- line ends the header");
    while (!rest_is_blank(&r)) {
        pdf_subgrid g = {0};
        long first_line = r.line_no + 1;
        nr_status st = read_subgrid(&r, &g, err);
        if (st == NR_OK)
            st = append_subgrid(pdf, &g, path, err);
        if (st != NR_OK) {
            subgrid_free(&g);
            return st;
        }
        const pdf_subgrid *prev = pdf->n_sub > 1 ? &pdf->sub[pdf->n_sub - 2] : NULL;
        if (prev && !nearly_equal(prev->q_hi, g.q_lo, 1e-7))
            return nr_fail(err, NR_EDATA, path,
                           "%s line %ld: subgrid does not start at the last Q of the one before",
                           path, first_line + 1);
    }
    if (pdf->n_sub == 0)
        return fail_eof(err, &r, "no subgrid after the header");
    return NR_OK;
}

/* Fill the set's ranges from the grid and check them against the .info values. */
static nr_status check_ranges(nr_pdf *pdf, const pdf_info *info, const char *info_path,
                              nr_error *err)
{
    const pdf_subgrid *first = &pdf->sub[0], *last = &pdf->sub[pdf->n_sub - 1];
    pdf->x_min = first->x_lo;
    pdf->x_max = first->x_hi;
    pdf->q_min = first->q_lo;
    pdf->q_max = last->q_hi;
    pdf->q2_min = pdf->q_min * pdf->q_min;
    pdf->q2_max = pdf->q_max * pdf->q_max;
    for (int k = 0; k < pdf->n_sub; k++) {
        const pdf_subgrid *g = &pdf->sub[k];
        if (!nearly_equal(g->x_lo, info->x_min, PDF_INFO_REL_TOL) ||
            !nearly_equal(g->x_hi, info->x_max, PDF_INFO_REL_TOL))
            return nr_fail(err, NR_EDATA, info_path,
                           "%s: XMin/XMax = %g/%g but subgrid %d spans x = %g .. %g", info_path,
                           info->x_min, info->x_max, k + 1, g->x_lo, g->x_hi);
    }
    if (!nearly_equal(pdf->q_min, info->q_min, PDF_INFO_REL_TOL) ||
        !nearly_equal(pdf->q_max, info->q_max, PDF_INFO_REL_TOL))
        return nr_fail(err, NR_EDATA, info_path,
                       "%s: QMin/QMax = %g/%g GeV but the grid spans Q = %g .. %g GeV", info_path,
                       info->q_min, info->q_max, pdf->q_min, pdf->q_max);
    return NR_OK;
}

/* The partons of the set: those with a column in at least one subgrid. */
static void collect_partons(nr_pdf *pdf)
{
    for (int k = 0; k < pdf->n_sub; k++)
        for (int p = 0; p < NR_PDF_N_PARTONS; p++)
            pdf->present[p] |= pdf->sub[k].present[p];
}

static int valid_set_name(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > PDF_MAX_NAME_LEN || name[0] == '.')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '-' || c == '.' || c == '+';
        if (!ok)
            return 0;
    }
    return 1;
}

/* Read and parse one file of the set with `parse`. */
static nr_status load_file(const char *path, nr_status (*parse)(char *, size_t, const char *,
                                                                 void *, nr_error *),
                           void *target, nr_error *err)
{
    char *text = NULL;
    size_t len = 0;
    nr_status st = read_whole_file(path, &text, &len, err);
    if (st != NR_OK)
        return st;
    st = parse(text, len, path, target, err);
    free(text);
    return st;
}

static nr_status parse_info_cb(char *t, size_t n, const char *path, void *target, nr_error *err)
{
    return parse_info(t, n, path, target, err);
}

static nr_status parse_dat_cb(char *t, size_t n, const char *path, void *target, nr_error *err)
{
    return parse_dat(t, n, path, target, err);
}

nr_status nr_pdf_load(const char *pdf_dir, const char *name, nr_pdf **out, nr_error *err)
{
    if (out)
        *out = NULL;
    if (!pdf_dir || !out)
        return nr_fail(err, NR_EINTERNAL, "", "nr_pdf_load: NULL argument");
    if (!valid_set_name(name))
        return nr_fail(err, NR_EINPUT, "/params/pdf",
                       "PDF set name must be 1-%d letters, digits or _-.+ (not starting with .)",
                       PDF_MAX_NAME_LEN);
    size_t plen = strlen(pdf_dir) + 2 * strlen(name) + 16;
    char *info_path = malloc(plen), *dat_path = malloc(plen);
    nr_pdf *pdf = calloc(1, sizeof *pdf);
    char *name_copy = malloc(strlen(name) + 1);
    if (!info_path || !dat_path || !pdf || !name_copy) {
        free(info_path);
        free(dat_path);
        free(pdf);
        free(name_copy);
        return nr_fail(err, NR_ENOMEM, "", "out of memory loading PDF set %s", name);
    }
    strcpy(name_copy, name);
    pdf->name = name_copy;
    snprintf(info_path, plen, "%s/%s/%s.info", pdf_dir, name, name);
    snprintf(dat_path, plen, "%s/%s/%s_0000.dat", pdf_dir, name, name);

    pdf_info info;
    nr_status st = load_file(info_path, parse_info_cb, &info, err);
    if (st == NR_OK)
        st = load_file(dat_path, parse_dat_cb, pdf, err);
    if (st == NR_OK)
        st = check_ranges(pdf, &info, info_path, err);
    free(info_path);
    free(dat_path);
    if (st != NR_OK) {
        nr_pdf_free(pdf);
        return st;
    }
    pdf->force_positive = info.force_positive;
    collect_partons(pdf);
    *out = pdf;
    return NR_OK;
}

void nr_pdf_free(nr_pdf *pdf)
{
    if (!pdf)
        return;
    for (int k = 0; k < pdf->n_sub; k++)
        subgrid_free(&pdf->sub[k]);
    free(pdf->sub);
    free(pdf->name);
    free(pdf);
}

const char *nr_pdf_name(const nr_pdf *pdf) { return pdf->name; }
double nr_pdf_x_min(const nr_pdf *pdf) { return pdf->x_min; }
double nr_pdf_x_max(const nr_pdf *pdf) { return pdf->x_max; }
double nr_pdf_q_min(const nr_pdf *pdf) { return pdf->q_min; }
double nr_pdf_q_max(const nr_pdf *pdf) { return pdf->q_max; }

/* ------------------------------------------------------------------------------------------ */
/* Interpolation                                                                              */
/* ------------------------------------------------------------------------------------------ */

/* The interpolant at one point as a weighted sum of grid values:
 * xf = sum_{a,b} wx[a] wq[b] xf(ix0 + a, iq0 + b), a in [0, nwx), b in [0, nwq). */
typedef struct {
    const pdf_subgrid *g;
    int ix0, nwx, iq0, nwq;
    double wx[4], wq[4];
} pdf_stencil;

/* Index i in [0, n-2] of the knot interval holding v (v already inside [k[0], k[n-1]]):
 * k[i] <= v < k[i+1], and i = n-2 at v = k[n-1]. */
static int knot_below(const double *k, int n, double v)
{
    int lo = 0, hi = n - 1;
    while (hi - lo > 1) {
        int mid = lo + (hi - lo) / 2;
        if (k[mid] <= v)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Linear interpolation weights on knots i, i+1. */
static void linear_weights(const double *k, int i, double v, int *first, int *count,
                           double w[4])
{
    double t = (v - k[i]) / (k[i + 1] - k[i]);
    w[0] = 1 - t;
    w[1] = t;
    *first = i;
    *count = 2;
}

/* Cubic Hermite weights on knots i-1 .. i+2 (those that exist) for v in [k[i], k[i+1]].
 * Slopes: mean of the neighbouring secant slopes inside, the one secant at the ends. With
 * d = k[i+1] - k[i], r0 = d / (k[i] - k[i-1]), r2 = d / (k[i+2] - k[i+1]):
 *   d * slope(i)   = -r0/2 f[i-1] + (r0 - 1)/2 f[i] + f[i+1]/2      (inside; else f[i+1] - f[i])
 *   d * slope(i+1) = -f[i]/2 + (1 - r2)/2 f[i+1] + r2/2 f[i+2]      (inside; else f[i+1] - f[i])
 * and v = h00 f[i] + h01 f[i+1] + h10 d slope(i) + h11 d slope(i+1) (Hermite basis in t). */
static void hermite_weights(const double *k, int n, int i, double v, int *first, int *count,
                            double w[4])
{
    double d = k[i + 1] - k[i];
    double t = (v - k[i]) / d, t2 = t * t, t3 = t2 * t;
    double h00 = 2 * t3 - 3 * t2 + 1, h10 = t3 - 2 * t2 + t;
    double h01 = -2 * t3 + 3 * t2, h11 = t3 - t2;
    int has_left = i > 0, has_right = i + 2 <= n - 1;
    /* left-slope coefficients on f[i-1], f[i], f[i+1]; right-slope ones on f[i], f[i+1], f[i+2] */
    double am = 0, a0 = -1, a1 = 1, b0 = -1, b1 = 1, b2 = 0;
    if (has_left) {
        double r0 = d / (k[i] - k[i - 1]);
        am = -0.5 * r0;
        a0 = 0.5 * (r0 - 1);
        a1 = 0.5;
    }
    if (has_right) {
        double r2 = d / (k[i + 2] - k[i + 1]);
        b0 = -0.5;
        b1 = 0.5 * (1 - r2);
        b2 = 0.5 * r2;
    }
    double wm = h10 * am, w0 = h00 + h10 * a0 + h11 * b0, w1 = h01 + h10 * a1 + h11 * b1;
    double w2 = h11 * b2;
    int c = 0;
    if (has_left)
        w[c++] = wm;
    w[c++] = w0;
    w[c++] = w1;
    if (has_right)
        w[c++] = w2;
    *first = has_left ? i - 1 : i;
    *count = c;
}

static double clamp(double v, double lo, double hi)
{
    return v < lo ? lo : (v > hi ? hi : v);
}

/* The subgrid for ln Q^2: the last one starting at or below it (the upper one at a boundary). */
static const pdf_subgrid *subgrid_for(const nr_pdf *pdf, double log_q2)
{
    int k = pdf->n_sub - 1;
    while (k > 0 && log_q2 < pdf->sub[k].log_q2[0])
        k--;
    return &pdf->sub[k];
}

/* Stencil for (x, q2) already frozen into the grid range. */
static void make_stencil(const nr_pdf *pdf, double x, double q2, pdf_stencil *s)
{
    double lx = log(x), lq = log(q2);
    const pdf_subgrid *g = subgrid_for(pdf, lq);
    lx = clamp(lx, g->log_x[0], g->log_x[g->nx - 1]);
    lq = clamp(lq, g->log_q2[0], g->log_q2[g->nq - 1]);
    int ix = knot_below(g->log_x, g->nx, lx), iq = knot_below(g->log_q2, g->nq, lq);
    s->g = g;
    if (g->cubic) {
        hermite_weights(g->log_x, g->nx, ix, lx, &s->ix0, &s->nwx, s->wx);
        hermite_weights(g->log_q2, g->nq, iq, lq, &s->iq0, &s->nwq, s->wq);
    } else {
        linear_weights(g->log_x, ix, lx, &s->ix0, &s->nwx, s->wx);
        linear_weights(g->log_q2, iq, lq, &s->iq0, &s->nwq, s->wq);
    }
}

/* Apply the freeze policy. Returns 0 if the caller should use (x, q2), 1 if x >= 1 (all zero),
 * -1 if an argument is NaN. */
static int freeze(const nr_pdf *pdf, double *x, double *q2)
{
    if (isnan(*x) || isnan(*q2))
        return -1;
    if (*x >= 1)
        return 1;
    *x = clamp(*x, pdf->x_min, pdf->x_max);
    *q2 = clamp(*q2, pdf->q2_min, pdf->q2_max);
    return 0;
}

static double force_positive(const nr_pdf *pdf, double v)
{
    if (pdf->force_positive == 1 && v < 0)
        return 0;
    if (pdf->force_positive == 2 && v < 1e-10)
        return 1e-10;
    return v;
}

double nr_pdf_xfx(const nr_pdf *pdf, int pdg_id, double x, double q2)
{
    int slot = parton_slot(pdg_id);
    int state = freeze(pdf, &x, &q2);
    if (state < 0)
        return NAN;
    if (slot < 0 || state > 0 || !pdf->present[slot])
        return 0;
    pdf_stencil s;
    make_stencil(pdf, x, q2, &s);
    const pdf_subgrid *g = s.g;
    double sum = 0; /* same order of operations as nr_pdf_xfx_all(): identical results */
    for (int a = 0; a < s.nwx; a++) {
        const double *row = g->xf + ((size_t)(s.ix0 + a) * (size_t)g->nq + (size_t)s.iq0) *
                                        NR_PDF_N_PARTONS;
        for (int b = 0; b < s.nwq; b++)
            sum += (s.wx[a] * s.wq[b]) * row[b * NR_PDF_N_PARTONS + slot];
    }
    return force_positive(pdf, sum);
}

void nr_pdf_xfx_all(const nr_pdf *pdf, double x, double q2, double xfx[NR_PDF_N_PARTONS])
{
    int state = freeze(pdf, &x, &q2);
    for (int p = 0; p < NR_PDF_N_PARTONS; p++)
        xfx[p] = state < 0 ? NAN : 0.0;
    if (state != 0)
        return;
    pdf_stencil s;
    make_stencil(pdf, x, q2, &s);
    const pdf_subgrid *g = s.g;
    double acc[NR_PDF_N_PARTONS] = {0};
    for (int a = 0; a < s.nwx; a++) {
        const double *row = g->xf + ((size_t)(s.ix0 + a) * (size_t)g->nq + (size_t)s.iq0) *
                                        NR_PDF_N_PARTONS;
        for (int b = 0; b < s.nwq; b++) {
            double w = s.wx[a] * s.wq[b];
            const double *v = row + b * NR_PDF_N_PARTONS;
            for (int p = 0; p < NR_PDF_N_PARTONS; p++)
                acc[p] += w * v[p];
        }
    }
    for (int p = 0; p < NR_PDF_N_PARTONS; p++)
        xfx[p] = pdf->present[p] ? force_positive(pdf, acc[p]) : 0.0;
}
