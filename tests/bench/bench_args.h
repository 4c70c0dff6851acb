/* bench_args.h: command-line checks shared by the tests/bench programs. `--help` or `-h` anywhere prints the
 * program's usage on stdout and exits 0; a bad argument (more than the program takes, an unknown option, not a
 * number where one is needed, a number out of range) prints what is wrong and the usage on stderr and exits 2,
 * before any work is done or any output file is written. Header-only (each bench program is one .c file). */
#ifndef NR_BENCH_ARGS_H
#define NR_BENCH_ARGS_H

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *bench_args_usage = "";

/* Prints "error: <message>" and the usage on stderr; exits 2. */
__attribute__((format(printf, 1, 2), noreturn)) static inline void bench_args_bad(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("error: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n%s", bench_args_usage);
    exit(2);
}

/* Remembers the usage text (ending in a newline); handles --help / -h; refuses more than max_args arguments
 * (max_args < 0: no limit). */
static inline void bench_args_init(int argc, char **argv, const char *usage, int max_args)
{
    bench_args_usage = usage;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage, stdout);
            exit(0);
        }
    if (max_args >= 0 && argc - 1 > max_args)
        bench_args_bad("too many arguments (%d; at most %d)", argc - 1, max_args);
}

/* An argument that looks like an option ("-x", "--x") but is not a number: refused (no program takes one except
 * those it parses itself before calling this). */
static inline void bench_args_no_option(const char *arg, const char *what)
{
    char *end = NULL;
    if (arg[0] == '-' && (strtod(arg, &end), end == arg || *end != '\0'))
        bench_args_bad("%s: unknown option '%s'", what, arg);
}

/* A whole integer in [lo, hi], or exit 2 naming the argument and the rule. */
static inline long bench_args_long(const char *arg, const char *what, long lo, long hi)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(arg, &end, 10);
    if (end == arg || *end != '\0' || errno == ERANGE || v < lo || v > hi)
        bench_args_bad("%s: '%s' is not an integer in [%ld, %ld]", what, arg, lo, hi);
    return v;
}

/* A finite number in [lo, hi], or exit 2 naming the argument and the rule. */
static inline double bench_args_double(const char *arg, const char *what, double lo, double hi)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(arg, &end);
    if (end == arg || *end != '\0' || errno == ERANGE || !isfinite(v) || v < lo || v > hi)
        bench_args_bad("%s: '%s' is not a number in [%g, %g]", what, arg, lo, hi);
    return v;
}

/* A TCP port, 1..65535. */
static inline int bench_args_port(const char *arg)
{
    return (int)bench_args_long(arg, "port", 1, 65535);
}

#endif
