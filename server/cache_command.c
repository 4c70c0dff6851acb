/* cache_command.c: `nureachd cache check|backup|restore` (commands.h) on <state-dir>/cache.sqlite.
 * All three are safe while the daemon runs: check reads, backup and restore use SQLite's online
 * backup API (cache.c), which locks the database for one step of pages at a time. */
#include <stdio.h>
#include <string.h>

#include "cache.h"
#include "commands.h"

static int usage(void)
{
    fprintf(stderr, "usage: nureachd cache check [--full] | backup FILE | restore FILE  [--state-dir DIR]\n");
    return 2;
}

static int check(const char *path, int full)
{
    nr_cache_check_report r;
    char err[512];
    int rc = nr_cache_check(path, full, &r, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "nureachd cache check: %s\n", err);
        return 1;
    }
    printf("cache %s\n  %s: %s\n  rows: %lld, bodies %lld bytes, bad digests: %lld%s%s\n"
           "  pages in use: %lld bytes, file: %lld bytes\n",
           path, full ? "integrity_check" : "quick_check", r.integrity, (long long)r.rows,
           (long long)r.body_bytes, (long long)r.bad_rows, r.bad_rows ? " (first: " : "",
           r.bad_rows ? r.first_bad_key : "", (long long)r.used_bytes, (long long)r.file_bytes);
    if (r.bad_rows)
        printf(")\n");
    printf("%s\n", rc == 0 ? "ok" : "DAMAGED: move the file aside (the daemon does so at start-up) or restore a "
                                    "backup");
    return rc == 0 ? 0 : 1;
}

int nr_command_cache(int argc, char **argv)
{
    nr_command_flag flags[] = {{"--full", 0, NULL}};
    const char *pos[2];
    size_t n_pos = 0;
    nr_config cfg;
    if (nr_command_parse(argc, argv, flags, 1, pos, 2, &n_pos, &cfg) != 0 || n_pos == 0)
        return usage();
    char path[4096], err[512];
    nr_command_cache_path(&cfg, path, sizeof path);
    if (strcmp(pos[0], "check") == 0 && n_pos == 1)
        return check(path, flags[0].value != NULL);
    if (strcmp(pos[0], "backup") == 0 && n_pos == 2) {
        if (nr_cache_backup(path, pos[1], err, sizeof err) != 0) {
            fprintf(stderr, "nureachd cache backup: %s\n", err);
            return 1;
        }
        printf("backed up %s to %s\n", path, pos[1]);
        return 0;
    }
    if (strcmp(pos[0], "restore") == 0 && n_pos == 2) {
        if (nr_config_make_dir(cfg.state_dir, err, sizeof err) != 0 ||
            nr_cache_restore(path, pos[1], err, sizeof err) != 0) {
            fprintf(stderr, "nureachd cache restore: %s\n", err);
            return 1;
        }
        printf("restored %s from %s\n", path, pos[1]);
        return 0;
    }
    return usage();
}
