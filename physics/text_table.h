/* text_table.h: reading two-column numeric text tables (the flux tables of flux.c, the parent-split files of
 * models/nuphilic_flux.c), and nr_strtod, the number reader of the data tables (hadrons.c, darkcast.c). A row is
 * at least two numbers separated by spaces, tabs or commas (further columns are ignored); blank lines and lines
 * starting with '#' are skipped. */
#ifndef NR_TEXT_TABLE_H
#define NR_TEXT_TABLE_H

#include "nr_error.h"

/* Reads the first two columns of path into x[] and y[] (room for max_rows each); line_of_row[] (may be NULL)
 * gets each row's line number in the file, for the caller's own checks. Every number must be finite; a file
 * with fewer than 2 rows or more than max_rows is an error. Returns the row count, or -1 with err naming the
 * file (and the line). */
int nr_text_table_read_xy(const char *path, double *x, double *y, int *line_of_row, int max_rows, nr_error *err);

/* strtod(s, end) with the same result bit for bit, faster on the plain decimals of the data tables ("-1.975e+00",
 * "0.00000e+00", "12.5"): when the decimal has at most 19 digits with a significand below 2^53 and a power of ten
 * of magnitude at most 22, both are exact doubles and one IEEE multiplication or division rounds the quotient
 * correctly, which is the correctly rounded value strtod returns (W. D. Clinger, "How to read floating point
 * numbers accurately", PLDI 1990, the fast path; the sign is applied before that one rounding, so it also rounds as
 * strtod does in the directed modes of fesetround; strtod itself where FLT_EVAL_METHOD != 0). Anything else (more
 * digits, larger exponents, hexadecimal, inf, nan, a token not ended by a space, tab, comma or line end) goes to
 * strtod. */
double nr_strtod(const char *s, char **end);

#endif
