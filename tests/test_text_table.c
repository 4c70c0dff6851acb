/* test_text_table.c: the two-column text reader (physics/text_table.c) on small hand-written files: the
 * numbers it must read, and the errors, which must name the file and the line. */
#include <stdio.h>
#include <string.h>

#include "nr_test.h"
#include "text_table.h"

static const char *write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    return path;
}

int main(void)
{
    double x[4], y[4];
    int line_of_row[4];
    nr_error err;

    /* comments, blank lines, commas, tabs and a third column: rows (1, 2) on line 3 and (3.5, 4e2) on line 5 */
    const char *ok = write_file("/tmp/nr_test_text_table_ok.txt", "# E N\n\n 1, 2\n# more\n3.5\t4e2 9\n");
    nr_error_clear(&err);
    int rows = nr_text_table_read_xy(ok, x, y, line_of_row, 4, &err);
    CHECK(rows == 2, "2 rows, got %d (%s)", rows, err.message);
    if (rows == 2) {
        CHECK(x[0] == 1.0 && y[0] == 2.0 && x[1] == 3.5 && y[1] == 400.0, "values read as written");
        CHECK(line_of_row[0] == 3 && line_of_row[1] == 5, "line numbers 3 and 5, got %d %d", line_of_row[0],
              line_of_row[1]);
    }

    const char *one_number = write_file("/tmp/nr_test_text_table_bad.txt", "1 2\n3\n");
    nr_error_clear(&err);
    CHECK(nr_text_table_read_xy(one_number, x, y, NULL, 4, &err) == -1, "a row with one number is an error");
    CHECK(strstr(err.message, one_number) && strstr(err.message, "line 2"), "names file and line: %s", err.message);

    write_file("/tmp/nr_test_text_table_bad.txt", "1 2\n3 nan\n");
    nr_error_clear(&err);
    CHECK(nr_text_table_read_xy(one_number, x, y, NULL, 4, &err) == -1, "a non-finite number is an error");
    CHECK(strstr(err.message, "line 2") != NULL, "names the line: %s", err.message);

    write_file("/tmp/nr_test_text_table_bad.txt", "1 2\n3 4\n5 6\n");
    nr_error_clear(&err);
    CHECK(nr_text_table_read_xy(one_number, x, y, NULL, 2, &err) == -1, "more rows than room is an error");

    write_file("/tmp/nr_test_text_table_bad.txt", "# only\n1 2\n");
    nr_error_clear(&err);
    CHECK(nr_text_table_read_xy(one_number, x, y, NULL, 4, &err) == -1, "one row is an error");

    nr_error_clear(&err);
    CHECK(nr_text_table_read_xy("/tmp/nr_test_text_table_missing.txt", x, y, NULL, 4, &err) == -1,
          "a missing file is an error");
    CHECK(strstr(err.message, "nr_test_text_table_missing.txt") != NULL, "names the file: %s", err.message);

    remove(ok);
    remove(one_number);
    return nr_test_summary();
}
