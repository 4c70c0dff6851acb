/* test_text_table.c: the two-column text reader (physics/text_table.c) on small hand-written files: the
 * numbers it must read, and the errors, which must name the file and the line; and nr_strtod against the C
 * library's strtod (the independent reference), bit for bit and end for end, on edge cases, on random decimals
 * and on every number of the installed data tables it reads (hadron and DarkCast tables). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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

/* 1 if nr_strtod(text) and strtod(text) agree in every bit and in where they stop. */
static int same_as_strtod(const char *text)
{
    char *end_fast = NULL, *end_libc = NULL;
    double fast = nr_strtod(text, &end_fast), libc = strtod(text, &end_libc);
    uint64_t a, b;
    memcpy(&a, &fast, sizeof a);
    memcpy(&b, &libc, sizeof b);
    return (a == b || (fast != fast && libc != libc)) && end_fast == end_libc;
}

/* Every whitespace-separated token of a data file through same_as_strtod; returns the tokens checked, -1 if the
 * file cannot be read, and counts disagreements in *bad. */
static long check_file(const char *path, long *bad)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[1024];
    long n = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#')
            continue;
        for (char *p = line; *p;) {
            while (*p == ' ' || *p == '\t')
                p++;
            if (!*p || *p == '\n')
                break;
            if (!same_as_strtod(p) && (*bad)++ < 3)
                printf("  differs on %.40s", p);
            n++;
            while (*p && *p != ' ' && *p != '\t' && *p != '\n')
                p++;
        }
    }
    fclose(f);
    return n;
}

static void test_strtod(void)
{
    static const char *const edge[] = {
        "0", "-0.0", "+1.5", "1e23", "1e22", "1e-22", "1e-23", "1e-30", "-7.27500e+00", "0.00000e+00",
        "1.54002e+12", "9007199254740992", "9007199254740993", "12345678901234567890", "0.1", "0.3",
        "123456789012345678", ".5", "5.", ".", "-", "", "   3.25,7", "2x", "1.5.2", "1e", "1e+", "1e+5x", "0x1p3",
        "inf", "-nan", "4.9406564584124654e-324", "1.7976931348623157e308", "1e400", "2.2250738585072011e-308",
        "\t\n 42\n", "0.000000000000000000000000001", "100000000000000000000000", "1E5", "7e-0", "3,4"};
    int bad = 0;
    for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++)
        if (!same_as_strtod(edge[i])) {
            bad++;
            printf("  nr_strtod differs from strtod on '%s'\n", edge[i]);
        }
    CHECK(bad == 0, "nr_strtod = strtod on %zu edge cases", sizeof edge / sizeof edge[0]);

    /* random decimals: 1-19 significant digits, a point anywhere, exponents -40..40 (fast path and fallback) */
    srand(11);
    bad = 0;
    for (int i = 0; i < 200000; i++) {
        char text[64];
        int n = 1 + rand() % 19, point = rand() % (n + 1), k = 0;
        if (rand() % 2)
            text[k++] = '-';
        for (int d = 0; d < n; d++) {
            if (d == point)
                text[k++] = '.';
            text[k++] = (char)('0' + rand() % 10);
        }
        k += snprintf(text + k, sizeof text - (size_t)k, rand() % 4 ? "e%+03d" : "", rand() % 81 - 40);
        text[k] = '\0';
        if (!same_as_strtod(text) && bad++ < 3)
            printf("  nr_strtod differs from strtod on '%s'\n", text);
    }
    CHECK(bad == 0, "nr_strtod = strtod on 200000 random decimals (%d differ)", bad);

    /* the installed tables nr_strtod reads (hadrons.c, darkcast.c) */
    static const char *const files[] = {"hadrons/14TeV/EPOSLHC/EPOSLHC_14TeV_111.txt",
                                        "hadrons/14TeV/EPOSLHC/EPOSLHC_14TeV_221.txt",
                                        "hadrons/13.6TeV/EPOSLHC/EPOSLHC_13.6TeV_111.txt",
                                        "hadrons/13.6TeV/EPOSLHC/EPOSLHC_13.6TeV_221.txt",
                                        "darkcast/DarkCast_vmd/rf.pi+_pi-.rho0.dat",
                                        "darkcast/DarkCast_vmd/rf.K_K.phi.dat",
                                        "fluxes/FASERv/FASER_14.txt"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", nr_test_data_dir(), files[i]);
        long wrong = 0, n = check_file(path, &wrong);
        CHECK(n > 0 && wrong == 0, "%s: nr_strtod = strtod on %ld numbers (%ld differ)", files[i], n, wrong);
    }
}

int main(void)
{
    test_strtod();

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
