/* text_table.c: reading two-column numeric text tables (see text_table.h for the format). */
#include "text_table.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parses up to max numbers separated by spaces, tabs or commas from p into v; returns how many it read. */
static int parse_numbers(const char *p, double *v, int max)
{
    int k = 0;
    while (k < max) {
        char *end;
        v[k] = strtod(p, &end);
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
