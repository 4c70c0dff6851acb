/* text_table.h: reading two-column numeric text tables (the flux tables of flux.c, the parent-split files of
 * models/nuphilic_flux.c). A row is at least two numbers separated by spaces, tabs or commas (further columns
 * are ignored); blank lines and lines starting with '#' are skipped. */
#ifndef NR_TEXT_TABLE_H
#define NR_TEXT_TABLE_H

#include "nr_error.h"

/* Reads the first two columns of path into x[] and y[] (room for max_rows each); line_of_row[] (may be NULL)
 * gets each row's line number in the file, for the caller's own checks. Every number must be finite; a file
 * with fewer than 2 rows or more than max_rows is an error. Returns the row count, or -1 with err naming the
 * file (and the line). */
int nr_text_table_read_xy(const char *path, double *x, double *y, int *line_of_row, int max_rows, nr_error *err);

#endif
