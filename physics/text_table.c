/* text_table.c: reading two-column numeric text tables (see text_table.h for the format) and nr_strtod, strtod's
 * exact fast path for plain decimals (Clinger 1990). */
#include "text_table.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Appends the decimal digits at *p to mant (advancing *p); *digits counts the significant ones (after the leading
 * zeros). Returns how many digits it read, or -1 at a 20th significant digit (mant would not hold it: strtod then). */
static int read_digits(const char **p, unsigned long long *mant, int *digits)
{
    int n = 0;
    for (; **p >= '0' && **p <= '9'; (*p)++, n++) {
        if (*digits >= 19)
            return -1;
        *mant = *mant * 10 + (unsigned)(**p - '0');
        if (*mant)
            (*digits)++;
    }
    return n;
}

double nr_strtod(const char *s, char **end)
{
    /* exact powers of ten: 10^k for k <= 22 is a double exactly (10^22 = 2^22 x 5^22, 5^22 < 2^53) */
    static const double pow10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                     1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    const char *p = s;
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\v' || *p == '\f')
        p++;
    int negative = 0;
    if (*p == '-' || *p == '+')
        negative = *p++ == '-';
    unsigned long long mant = 0;
    int digits = 0, scale = 0; /* the value is mant x 10^(scale + exponent) */
    int int_digits = read_digits(&p, &mant, &digits), frac_digits = 0;
    if (int_digits < 0)
        return strtod(s, end);
    if (*p == '.') {
        p++;
        if ((frac_digits = read_digits(&p, &mant, &digits)) < 0)
            return strtod(s, end);
        scale -= frac_digits;
    }
    if (int_digits == 0 && frac_digits == 0)
        return strtod(s, end);
    if (*p == 'e' || *p == 'E') {
        const char *q = p + 1;
        int exp_negative = 0;
        if (*q == '-' || *q == '+')
            exp_negative = *q++ == '-';
        if (!(*q >= '0' && *q <= '9'))
            return strtod(s, end);
        int exponent = 0;
        while (*q >= '0' && *q <= '9') {
            if (exponent > 1000)
                return strtod(s, end);
            exponent = exponent * 10 + (*q - '0');
            q++;
        }
        scale += exp_negative ? -exponent : exponent;
        p = q;
    }
    /* the token must end here as strtod would end it: otherwise (hexadecimal, "1.5.2", "2x") strtod decides */
    if (!(*p == '\0' || *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == ','))
        return strtod(s, end);
    if (mant >= (1ULL << 53) || scale < -22 || scale > 22)
        return strtod(s, end);
#if !defined(FLT_EVAL_METHOD) || FLT_EVAL_METHOD != 0
    return strtod(s, end); /* the one rounding below needs double operations evaluated in double (not x87) */
#endif
    /* the sign goes on before the one rounding operation: under a directed rounding mode (fesetround) the signed
     * quotient rounds the way strtod rounds, toward -inf or +inf; rounding |v| and negating after would round a
     * negative value the other way */
    double v = negative ? -(double)mant : (double)mant; /* exact: below 2^53 */
    v = scale < 0 ? v / pow10[-scale] : v * pow10[scale];
    if (end)
        *end = (char *)p;
    return v;
}

/* Parses up to max numbers separated by spaces, tabs or commas from p into v; returns how many it read. */
static int parse_numbers(const char *p, double *v, int max)
{
    int k = 0;
    while (k < max) {
        char *end;
        v[k] = nr_strtod(p, &end);
        if (end == p)
            break;
        k++;
        p = end;
        while (*p == ',' || *p == ' ' || *p == '\t')
            p++;
    }
    return k;
}

int nr_text_table_read_xy(const char *path, double *x, double *y, int *line_of_row, int max_rows, nr_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        nr_fail(err, NR_EDATA, path, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    char line[1024];
    int rows = 0, line_no = 0;
    while (fgets(line, sizeof line, f)) {
        line_no++;
        const char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '#' || *p == '\n' || *p == '\0')
            continue;
        double v[2];
        if (parse_numbers(p, v, 2) < 2 || !isfinite(v[0]) || !isfinite(v[1])) {
            fclose(f);
            nr_fail(err, NR_EDATA, path, "%s line %d: expected at least two finite numbers", path, line_no);
            return -1;
        }
        if (rows == max_rows) {
            fclose(f);
            nr_fail(err, NR_EDATA, path, "%s: more than %d rows", path, max_rows);
            return -1;
        }
        x[rows] = v[0];
        y[rows] = v[1];
        if (line_of_row)
            line_of_row[rows] = line_no;
        rows++;
    }
    fclose(f);
    if (rows < 2) {
        nr_fail(err, NR_EDATA, path, "%s: fewer than 2 rows", path);
        return -1;
    }
    return rows;
}
