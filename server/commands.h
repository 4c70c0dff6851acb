/* commands.h: the nureachd sub-commands that run once and exit (no HTTP server).
 *
 *   nureachd cache check [--full] [--state-dir DIR]     integrity check + every row's digest
 *   nureachd cache backup FILE [--state-dir DIR]        online copy of the cache into FILE
 *   nureachd cache restore FILE [--state-dir DIR]       replace the cache by the backup FILE
 *   nureachd scan --shard I/N REQUEST.json --out DIR    one slice of a bounds grid (scan_command.c)
 *   nureachd scan --merge REQUEST.json --in DIR         the slices -> the contour -> the cache
 *
 * Every daemon option (--state-dir, --data-dir, ... and their environment variables) is accepted too.
 * Exit codes: 0 success, 1 failure (or damage found by check), 2 bad arguments. */
#ifndef NR_COMMANDS_H
#define NR_COMMANDS_H

#include <stddef.h>

#include "config.h"
#include "nureach.h"

/* argv[0] is the command's name ("cache", "scan"). */
int nr_command_cache(int argc, char **argv);
int nr_command_scan(int argc, char **argv);

/* ---- shared by the commands (commands.c) -------------------------------------------------------- */

/* A command's own flags: name, whether it takes a value; parsed values land in `value`. */
typedef struct {
    const char *flag;  /* "--shard" */
    int has_value;
    const char *value; /* set when given: the value, or "" for a flag without one */
} nr_command_flag;

/* Splits argv[1..] into positional arguments (at most max_positional, into positional[]), the
 * command's flags, and daemon options (loaded into cfg by nr_config_load, environment first).
 * Returns 0, or 2 with a message on stderr (bad option, too many arguments). */
int nr_command_parse(int argc, char **argv, nr_command_flag *flags, size_t n_flags, const char **positional,
                     size_t max_positional, size_t *n_positional, nr_config *cfg);

/* Verifies the data folder against its manifest and opens the engine (the daemon's start-up too);
 * 0, or -1 with the reason on stderr. */
int nr_command_open_engine(const nr_config *cfg, nr_engine **engine);

/* "<state_dir>/cache.sqlite" into out. */
void nr_command_cache_path(const nr_config *cfg, char *out, size_t len);

#endif
