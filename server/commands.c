/* commands.c: argument parsing shared by the nureachd sub-commands (commands.h). */
#include "commands.h"

#include "nureach.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static nr_command_flag *find_command_flag(nr_command_flag *flags, size_t n, const char *arg, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(flags[i].flag) == len && strncmp(flags[i].flag, arg, len) == 0)
            return &flags[i];
    return NULL;
}

int nr_command_parse(int argc, char **argv, nr_command_flag *flags, size_t n_flags, const char **positional,
                     size_t max_positional, size_t *n_positional, nr_config *cfg)
{
    *n_positional = 0;
    /* daemon options are collected into their own argv for nr_config_load */
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    if (!rest)
        return 2;
    int n_rest = 0;
    rest[n_rest++] = argv[0];
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strncmp(arg, "--", 2) != 0) {
            if (*n_positional >= max_positional) {
                fprintf(stderr, "nureachd %s: unexpected argument '%s'\n", argv[0], arg);
                free(rest);
                return 2;
            }
            positional[(*n_positional)++] = arg;
            continue;
        }
        const char *eq = strchr(arg, '=');
        size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
        nr_command_flag *f = find_command_flag(flags, n_flags, arg, len);
        if (f) {
            if (!f->has_value) {
                f->value = "";
            } else if (eq) {
                f->value = eq + 1;
            } else if (i + 1 < argc) {
                f->value = argv[++i];
            } else {
                fprintf(stderr, "nureachd %s: %s needs a value\n", argv[0], f->flag);
                free(rest);
                return 2;
            }
            continue;
        }
        rest[n_rest++] = argv[i]; /* a daemon option, with its value if separate */
        if (!eq && i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0)
            rest[n_rest++] = argv[++i];
    }
    char err[512];
    nr_config_defaults(cfg);
    int rc = nr_config_load(cfg, n_rest, rest, err, sizeof err);
    free(rest);
    if (rc != NR_CONFIG_OK) {
        if (rc == NR_CONFIG_BAD)
            fprintf(stderr, "nureachd %s: %s\n", argv[0], err);
        return 2;
    }
    return 0;
}

void nr_command_cache_path(const nr_config *cfg, char *out, size_t len)
{
    snprintf(out, len, "%s/cache.sqlite", cfg->state_dir);
}

int nr_command_open_engine(const nr_config *cfg, nr_engine **engine)
{
    char manifest_sha[65];
    int n_files = 0;
    nr_error err;
    nr_error_clear(&err);
    if (nr_data_manifest_verify(cfg->data_dir, manifest_sha, &n_files, &err) != NR_OK) {
        fprintf(stderr, "nureachd: refusing to start: data check failed for %s: %s\n", err.where,
                err.message);
        return -1;
    }
    if (nr_engine_init(cfg->data_dir, engine, &err) != NR_OK) {
        fprintf(stderr, "nureachd: cannot open the engine (%s): %s: %s\n", nr_status_name(err.status),
                err.where, err.message);
        return -1;
    }
    fprintf(stderr, "nureachd: data %s verified (%d files, version %.12s)\n", cfg->data_dir, n_files,
            manifest_sha);
    struct stat sb;
    if (cfg->sn_profiles && (stat(cfg->sn_profiles, &sb) != 0 || !S_ISDIR(sb.st_mode))) {
        fprintf(stderr, "nureachd: --sn-profiles %s is not a folder\n", cfg->sn_profiles);
        nr_engine_free(*engine);
        *engine = NULL;
        return -1;
    }
    if (nr_engine_set_sn_profile_dir(*engine, cfg->sn_profiles, &err) != NR_OK) {
        fprintf(stderr, "nureachd: %s: %s\n", err.where, err.message);
        nr_engine_free(*engine);
        *engine = NULL;
        return -1;
    }
    return 0;
}
